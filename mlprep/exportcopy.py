"""How much of an export is a byte copy of this machine's review log.

`progress export` writes the log's lines through as they are, each followed by a comma, so an
export from another machine usually begins with a long run of lines that are, byte for byte,
the lines this log begins with (everything up to the two machines' last merge). Those events
are here already: a merge need not read their ids one by one, only compare the two files a
block at a time (in C, at the speed of memory) and look closely at what follows the run.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from mlprep.reviewlog import line_blocks

# each line of the run names one id (an event whose data holds another "id" key ends the run:
# the export is then read as it always was, so that nothing depends on which id is taken)
_ID_KEY = b'"id"'


def shared_lines(export: BinaryIO, start: int, end: int, log: BinaryIO) -> tuple[int, int, int]:
    """The run of whole lines of `export` from byte `start` (before byte `end`) that are the
    log's first lines, each followed by a comma or not: (where the run ends in the export,
    where it ends in the log, how many lines it holds). (start, 0, 0) when the first lines
    already differ."""
    export_at, log_at, count = start, 0, 0
    export.seek(start)
    log.seek(0)
    for _, data, size in line_blocks(log):
        # the log's lines as an export writes them (a one-byte pattern: the fast replace)
        exported = data.replace(b"\n", b",\n")
        lines = len(exported) - len(data)
        length = size + lines
        if (
            lines
            and length <= end - export_at
            and _begins(exported, export.read(length), length)
            and data.count(_ID_KEY, 0, size) == lines
        ):
            export_at, log_at, count = export_at + length, log_at + size, count + lines
            continue
        export.seek(export_at)  # the first line that differs, line by line
        for line in io.BytesIO(data[:size]):
            copy = export.readline()
            if (
                not line.endswith(b"\n")
                or export_at + len(copy) > end
                or copy not in (line, line[:-1] + b",\n")
                or line.count(_ID_KEY) != 1
            ):
                return export_at, log_at, count
            export_at, log_at, count = export_at + len(copy), log_at + len(line), count + 1
    return export_at, log_at, count


def _begins(exported: bytes, read: bytes, length: int) -> bool:
    """Whether `read` is `length` bytes long and begins `exported` (compared in place, not
    as a copy of `exported` cut to that length)."""
    return len(read) == length and exported.startswith(read)
