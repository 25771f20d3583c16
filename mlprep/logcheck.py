"""Blocks of the review log already found to hold only lines exactly as this program writes
them (ReviewLog.fast_count), so that an export need not check them again.

An export passes such a block through as it is; checking its lines with the pattern takes
most of an export's time, and a log only grows at its end. Each block is known by where it
starts, its length and its CRC-32 (and its number of lines): a block changed in any way, or
cut at another place, is checked again, and so is every block after a change to the pattern.
Only an accelerator, kept in the cache dir: lost,
torn or from another program, every block is checked.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from pathlib import Path

from mlprep.reviewlog import FAST_LINE_SOURCE

# the record's format and the pattern its blocks were checked with: a record made with
# another pattern or other checks (another version of mlprep) is not used
_TAG = f"mlprep checked log blocks 2 {zlib.crc32(FAST_LINE_SOURCE):08x}"


def _pair(item: object) -> bool:
    return type(item) is tuple and len(item) == 2 and all(type(n) is int for n in item)


class CheckedBlocks:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._known = self._read()  # (start, length) -> (CRC-32, lines)
        self._seen: dict[tuple[int, int], tuple[int, int]] = {}  # this pass's blocks
        self._changed = False

    def _read(self) -> dict[tuple[int, int], tuple[int, int]]:
        from mlprep.fileio import read_regular

        try:
            # (a regular file only: a named pipe put there made an export wait for ever)
            stored = marshal.loads(read_regular(self.path, 1 << 30))
        except Exception:  # missing, torn, not a file or not ours: an accelerator only
            return {}
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == _TAG):
            return {}
        blocks = stored[1]
        if not isinstance(blocks, dict) or not all(map(_pair, blocks)):
            return {}
        if not all(map(_pair, blocks.values())):
            return {}
        return blocks

    def lines(self, start: int, block: bytes) -> tuple[int | None, int]:
        """The block's number of lines if it was found to hold only such lines before (else
        None), and its CRC-32 (for `add`)."""
        crc = zlib.crc32(block)
        key = (start, len(block))
        known = self._known.get(key)
        if known is not None and known[0] == crc:
            self._seen[key] = known
            return known[1], crc
        return None, crc

    def add(self, start: int, block: bytes, crc: int, lines: int) -> None:
        """Note a block just found to hold `lines` lines, each as this program writes it."""
        self._seen[(start, len(block))] = (crc, lines)
        self._changed = True

    def save(self) -> None:
        """Keep this pass's blocks (the log's blocks as they are now), if any was new;
        written whole and renamed into place, without an fsync (losing it costs a check)."""
        if not self._changed and len(self._seen) == len(self._known):
            return
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(marshal.dumps((_TAG, self._seen)))
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
