"""The progress export: `mlprep progress export`'s document, and reading one back.

An export is a JSON document holding the review log's events. Reading one for a merge is
lazy where it can be (see ExportDocument): a long export's lines are laid out, not parsed,
and only the events the log does not hold yet are built and validated.
"""

from __future__ import annotations

import array
import io
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from mlprep import reviewlog
from mlprep.errors import ProgressError, cannot_read
from mlprep.fileio import not_utf8_at, not_utf8_text
from mlprep.reviewlog import ReviewEvent, event_from_dict, line_blocks

EXPORT_KIND = "mlprep-progress"
EXPORT_FORMAT = 1


def export_header(now: datetime) -> dict:
    """What an export says of itself, ahead of its events."""
    return {"kind": EXPORT_KIND, "format": EXPORT_FORMAT, "exported_at": now.isoformat()}


def export_head(now: datetime) -> bytes:
    """The export document's text up to its first event (ProgressStore.export_bytes streams
    the rest): the header, then "events": [ on the same line."""
    return json.dumps(export_header(now))[:-1].encode() + b', "events": ['


def export_document(events: Iterable[ReviewEvent], now: datetime) -> dict:
    """The export document of `events`, whole, as objects (what export_bytes writes)."""
    return {**export_header(now), "events": [json.loads(event.to_json()) for event in events]}


class ExportDocument:
    """The events of an export, read but not yet validated one by one: a merge validates only
    the events it will add (those already in the log are skipped), an import all of them.

    `items` are event mappings, or, for a document laid out as `export_chunks` writes it (one
    event per line), a LaidOut: the document's bytes with each event line's place and id.
    Only the lines of events to add are then parsed, and no copy of each line is kept, which
    keeps a merge of another machine's long history light. A file's event lines are laid out
    when first needed: a merge first skips the run of them that is a copy of its own log."""

    def __init__(self, items: list | LaidOut, source: str, lines: bool = False) -> None:
        self.items = items
        self.source = source
        self.lines = lines
        self.count = len(items)
        self.pending: tuple[int, int] | None = None  # a file's event lines not yet laid out

    def __len__(self) -> int:
        return self.count

    def release(self) -> None:
        """Let the events go (their number stays known)."""
        self.items = []

    def _id(self, item) -> str | None:
        return item.get("id") if isinstance(item, dict) and type(item.get("id")) is str else None

    def match(self, log_path: Path) -> int:
        """Lay out the event lines, skipping those at the start that are a byte copy of the
        log's first lines (see exportcopy): returns where that copy ends in the log (0: no
        copy). The skipped events are in the log and are counted, never read again."""
        if self.pending is None or not isinstance(self.items, LaidOut):
            return 0
        start, end = self.pending
        path = self.items.path
        assert path is not None
        from mlprep.exportcopy import shared_lines

        try:
            log = open(log_path, "rb")  # noqa: SIM115  (closed below)
        except OSError:  # (no log yet; or the merge says what is wrong with it)
            self._lay_out(start, 0)
            return 0
        with log, self._reading(path) as export:
            export_at, log_at, count = shared_lines(export, start, end, log)
        return log_at if self._lay_out(export_at, count) else 0

    def _reading(self, path: Path) -> BinaryIO:
        from mlprep.fileio import open_regular
        from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

        try:
            return open_regular(path, MAX_PROGRESS_IMPORT_BYTES)
        except OSError as error:
            raise ProgressError(cannot_read(self.source, error)) from None

    def _lay_out(self, position: int, before: int) -> bool:
        """Note the place and id of each event line from byte `position` on (`before` event
        lines come before it). A document that turns out not to be laid out one event a line
        is read whole as JSON instead (returns False)."""
        assert self.pending is not None and isinstance(self.items, LaidOut)
        laid_out, end = self.items, self.pending[1]
        self.pending = None
        laid_out.first = before
        with self._reading(laid_out.path) as handle:  # type: ignore[arg-type]
            handle.seek(position)
            try:
                ok = _lay_out_lines(_blocks(handle, position), laid_out, end)
            except UnicodeDecodeError:
                message = not_utf8_message(laid_out.path, self.source)  # type: ignore[arg-type]
                raise ProgressError(message) from None
        if ok:
            self.count = before + len(laid_out)
            return True
        from mlprep.fileio import read_regular
        from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

        try:
            data = read_regular(laid_out.path, MAX_PROGRESS_IMPORT_BYTES)  # type: ignore[arg-type]
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            where = not_utf8_at(data, error.start)
            raise ProgressError(not_utf8_text(self.source, *where)) from None
        except OSError as error:
            raise ProgressError(cannot_read(self.source, error)) from None
        whole = read_export_document(data.removeprefix(b"\xef\xbb\xbf"), self.source)
        self.items, self.lines, self.count = whole.items, whole.lines, whole.count
        return False

    def ids(self) -> set[str]:
        if self.pending is not None:
            self._lay_out(self.pending[0], 0)
        if isinstance(self.items, LaidOut):
            return set(self.items.ids)
        return {event_id for event_id in map(self._id, self.items) if event_id is not None}

    def events(self, only: set[str] | None = None) -> list[ReviewEvent]:
        """Every event (or those whose id is in `only`), validated; ProgressError names the
        first bad one."""
        if self.pending is not None:
            self._lay_out(self.pending[0], 0)
        events = []
        if isinstance(self.items, LaidOut):
            laid_out = self.items
            wanted = (
                range(len(laid_out))
                if only is None
                else itertools.compress(itertools.count(), map(only.__contains__, laid_out.ids))
            )
            for index, line in laid_out.lines(wanted):
                where = f"{self.source}: event {laid_out.first + index + 1}"
                try:
                    item = json.loads(line.removesuffix(b","))
                except (ValueError, RecursionError):
                    raise ProgressError(f"{where}: not a review event (invalid JSON)") from None
                event = event_from_dict(item, where)
                if event.id != laid_out.ids[index]:  # the file changed since it was read
                    raise ProgressError(f"{self.source}: changed while it was being read")
                events.append(event)
            return events
        for number, item in enumerate(self.items, start=1):
            item_id = self._id(item)
            if only is not None and item_id is not None and item_id not in only:
                continue  # (one without an id is validated: that names what is wrong)
            events.append(event_from_dict(item, f"{self.source}: event {number}"))
        return events


class LaidOut:
    """An export document laid out one event a line: where each event line starts, each
    event's id, and the document's bytes (or, for a file, the file: read again for the
    few lines a merge adds, so that a long history is never held in memory)."""

    def __init__(self, data: bytes | None = None, path: Path | None = None) -> None:
        self.data = data
        self.path = path
        self.first = 0  # event lines before those laid out (a copy of the log: skipped)
        # each event line's start, then one past the last one's newline: line i ends just
        # before starts[i + 1] - 1
        self.starts = array.array("q")
        self.ids: list[str] = []

    def __len__(self) -> int:
        return len(self.ids)

    def lines(self, indexes: Iterable[int]) -> Iterator[tuple[int, bytes]]:
        """(index, line without its newline) for these line indexes, in the order given."""
        starts = self.starts
        if self.data is not None:
            for index in indexes:
                yield index, self.data[starts[index] : starts[index + 1] - 1]
            return
        assert self.path is not None
        with open(self.path, "rb") as handle:
            for index in indexes:
                handle.seek(starts[index])
                yield index, handle.read(starts[index + 1] - 1 - starts[index])


# the id of an event line of a document export_chunks wrote (one object, one id a line)
_EXPORT_ID = re.compile(rb'"id": ?"([^"\\\n]*)"')


def _export_frame(blocks: Iterator[tuple[int, bytes]]) -> tuple[dict, int, int] | None:
    """The header of a document framed as export_chunks writes it (a header line ending in
    the opening of "events", event lines, a closing line), given its blocks of whole lines
    (each with the offset it starts at), and where its event lines start and end; None for
    any other document (then it is read as any JSON). Every block is checked to be UTF-8."""
    head: bytes | None = None
    closed = False
    start = end = 0
    for position, block in blocks:
        if closed:
            return None  # something after the closing line
        if head is None:
            cut = block.find(b"\n") + 1
            head, block, position = block[:cut], block[cut:], position + cut
            if not head.startswith(b'{"kind"') or not head.endswith(b'"events": [\n'):
                return None
            start = end = position
        if block.endswith(b"\n]}\n") or block == b"]}\n":
            block, closed = block[:-3], True
        if not block:
            continue
        if not block.endswith(b"\n"):
            return None
        if not block.isascii():
            block.decode("utf-8")  # what is not UTF-8 is not read (UnicodeDecodeError)
        end = position + len(block)
    if head is None or not closed:
        return None
    try:
        header = json.loads(head[:-1] + b"]}")
    except ValueError:
        return None
    return (header, start, end) if isinstance(header, dict) else None


def _file_frame(handle: BinaryIO) -> tuple[dict, int, int] | None:
    """_export_frame of a file, found from its first line and its last bytes alone: its event
    lines are checked to be UTF-8 when they are laid out (see _lay_out_lines), which a merge
    does only after the run of them that is a byte copy of its own log. None where
    _export_frame must look for itself (any other shape)."""
    block = reviewlog.SCAN_BLOCK  # (the head is the first block's first line, as there)
    head = handle.readline(block)
    if not head.startswith(b'{"kind"') or not head.endswith(b'"events": [\n'):
        return None
    start = len(head)
    size = handle.seek(0, io.SEEK_END)
    closing = b"]}\n" if size - start == 3 else b"\n]}\n"
    if size - start < len(closing):
        return None
    handle.seek(size - len(closing))
    if handle.read() != closing:
        return None
    try:
        header = json.loads(head[:-1] + b"]}")
    except ValueError:
        return None
    return (header, start, size - 3) if isinstance(header, dict) else None


def _lay_out_lines(blocks: Iterator[tuple[int, bytes]], laid_out: LaidOut, end: int) -> bool:
    """Note each event line's place and id in `laid_out`, from the blocks of a framed
    document's event lines (those before byte `end`); False if some line is not one event
    as export_chunks writes it. UnicodeDecodeError for lines that are not UTF-8."""
    for position, whole in blocks:
        if position >= end:
            break
        block = whole[: end - position]
        if not block.isascii():
            block.decode("utf-8")  # what is not UTF-8 is not read
        count = block.count(b"\n")
        ids = _EXPORT_ID.findall(block)
        lines = block.split(b"\n")
        lines.pop()  # the empty piece after the last newline
        # a light check of every line at once: each starts an object and holds no other
        # (one "{" a line) and one id (a line that is not a whole event fails when it is read)
        if (
            len(ids) == count
            and block.count(b"{") == count
            and all(map(bytes.startswith, lines, itertools.repeat(b"{")))
        ):
            laid_out.ids.extend(map(bytes.decode, ids))
            # line i starts after the i lines before it and their newlines (worked out in C:
            # the lengths so far, plus position + i)
            sums = itertools.accumulate(map(len, lines), initial=0)
            starts = map(operator.add, sums, itertools.count(position))
            laid_out.starts.extend(itertools.islice(starts, count))
            continue
        for line in io.BytesIO(block):  # line by line: braces in answers, say
            body = line[:-1]
            found = _EXPORT_ID.search(body)
            if not (
                body.startswith(b"{")
                and body.endswith((b"}", b"},"))
                and found is not None
                and body.count(b'"id":') == 1
            ):
                return False
            laid_out.ids.append(found.group(1).decode())
            laid_out.starts.append(position)
            position += len(line)
    laid_out.starts.append(end)
    return True


def _blocks(handle: BinaryIO, position: int = 0) -> Iterator[tuple[int, bytes]]:
    """A file's blocks of whole lines from its current place (byte `position`), with their
    offsets (the last may lack its newline)."""
    return ((at, data[:size]) for at, data, size in line_blocks(handle, position))


def not_utf8_message(path: Path, source: str) -> str:
    """What to say of an export file found not to be UTF-8 text in a part of it: the line and
    byte where it stops being UTF-8, looked for in the whole file."""
    from mlprep.fileio import first_not_utf8, open_regular
    from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

    try:
        with open_regular(path, MAX_PROGRESS_IMPORT_BYTES) as handle:
            where = first_not_utf8(handle)
    except OSError as error:
        return cannot_read(source, error)
    if where is None:  # (changed since it was read)
        return f"cannot read {source}: not UTF-8 text"
    return not_utf8_text(source, *where)


def read_export_document(data: bytes | str, source: str) -> ExportDocument:
    """An export document's events (see ExportDocument); a clear error for anything else."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    laid_out = LaidOut(data)
    frame = _export_frame(_blocks(io.BytesIO(data)))
    if frame is not None:
        header, start, end = frame
        reader = io.BytesIO(data)
        reader.seek(start)
        if _lay_out_lines(_blocks(reader, start), laid_out, end):
            return _export_document(header, laid_out, source)
    if not data.strip():
        raise ProgressError(
            f"{source}: empty, not a progress export (made by `mlprep progress export`)"
        )
    try:
        header = json.loads(data)
    except ValueError as error:
        raise ProgressError(f"{source}: not a progress export (invalid JSON: {error})") from None
    except RecursionError:
        raise ProgressError(f"{source}: not a progress export (nested too deeply)") from None
    return _export_document(header, None, source)


def read_export_file(path: Path, source: str) -> ExportDocument:
    """read_export_document of a file, which a document laid out one event a line (as
    export_chunks writes it) is read from in passes instead of held in memory: here only its
    frame (header and closing line), its event lines when a merge or a caller first needs
    them (a merge skips those that are a byte copy of its log; the others are checked to be
    UTF-8 then: ProgressError). OSError and UnicodeDecodeError when the file cannot be read
    (not a regular file, over the size limit, not UTF-8 where it is read whole)."""
    from mlprep.fileio import open_regular, read_regular
    from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

    with open_regular(path, MAX_PROGRESS_IMPORT_BYTES) as handle:
        frame = _file_frame(handle)
        if frame is None:  # (another shape: checked line by line, for UTF-8 too)
            handle.seek(0)
            frame = _export_frame(_blocks(handle))
    if frame is not None:
        header, start, end = frame
        document = _export_document(header, LaidOut(path=path), source)
        document.pending = (start, end)
        return document
    data = read_regular(path, MAX_PROGRESS_IMPORT_BYTES)
    if not data.isascii():
        data.decode("utf-8")
    return read_export_document(data.removeprefix(b"\xef\xbb\xbf"), source)  # BOM: editors


def _export_document(header: object, lines: LaidOut | None, source: str) -> ExportDocument:
    if not isinstance(header, dict) or header.get("kind") != EXPORT_KIND:
        raise ProgressError(f"{source}: not a progress export (made by `mlprep progress export`)")
    version = header.get("format")
    if type(version) is not int:  # (a bool is an int to isinstance)
        what = "no 'format'" if version is None else "a 'format' that is not a whole number"
        raise ProgressError(f"{source}: not a progress export ({what})")
    if version > EXPORT_FORMAT:
        raise ProgressError(
            f"{source}: written by a newer mlprep (export format {version}); upgrade mlprep"
        )
    if lines is not None:
        return ExportDocument(lines, source, lines=True)
    if not isinstance(header.get("events"), list):
        raise ProgressError(f"{source}: 'events' must be a list")
    return ExportDocument(header["events"], source)


def read_export(text: bytes | str, source: str) -> list[ReviewEvent]:
    """Every event of an export document, validated; a clear error for anything else."""
    return read_export_document(text, source).events()


def read_log_lines(
    data: bytes, name: str, not_export: ProgressError, warn: Callable[[str], None]
) -> list[ReviewEvent]:
    """The events of a review log (one JSON event a line, as progress/reviews.jsonl and its
    backups hold them), each checked as the log's reader checks it, an unfinished last line
    left out with a warning (`warn`) as the log's reader leaves it; `not_export` (why it is
    not an export) where the data is not such a log either."""
    # (lines end at "\n" alone, as the log's reader reads them: str.splitlines also broke
    # them at characters such as U+2028, which JSON text may hold)
    pieces = data.split(b"\n")
    last = pieces.pop()  # (what follows the last newline: b"" when there is none)
    unfinished = bool(pieces) and bool(last.strip()) and reviewlog.torn(last)
    if last and not unfinished:
        pieces.append(last)
    lines = [piece.decode("utf-8", errors="replace") for piece in pieces]
    first = next((line for line in lines if line.strip()), "")
    try:
        head = json.loads(first)
    except (ValueError, RecursionError):
        head = None
    # (one event a line, not an export written on one line, whose own error stands)
    looks_like_log = isinstance(head, dict) and "card" in head and "events" not in head
    if not looks_like_log:
        raise not_export
    if unfinished:
        where = f"{name}:{len(pieces) + 1}"
        warn(f"{where}: ignored an unfinished last line (left by an interrupted write)")
    events = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                item = json.loads(line)
            except (ValueError, RecursionError):
                raise ProgressError(f"{name}:{number}: not a review event (not JSON)") from None
            events.append(event_from_dict(item, f"{name}:{number}"))
    return events
