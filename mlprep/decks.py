"""The content engine: find built-in and user decks, parse them (with a cache), select cards."""

from __future__ import annotations

import contextlib
import difflib
import functools
import marshal
import os
import stat
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, BinaryIO

from mlprep.cardindex import CardList, LazyCard, Selection
from mlprep.cardrows import card_row, row_card
from mlprep.errors import MlprepError, UsageError
from mlprep.fileio import gc_paused, not_utf8_at, not_utf8_problem, read_regular
from mlprep.limits import MAX_DECK_BYTES
from mlprep.model import DECK_FORMAT_VERSION, Card, CardIndex, Deck, LoadReport, Problem

if TYPE_CHECKING:
    from mlprep.parseahead import ParsedAhead

DECK_SUFFIXES = (".yaml", ".yml")
CACHE_NAME = "decks.pickle"


def deck_files(path: Path) -> list[Path]:
    """The deck files at a path: the file itself, or every *.yaml/*.yml below a directory.
    Those that are no regular file (a link whose target is gone, a named pipe) are listed too:
    reading them says what they are, where skipping them lost a deck without a word."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.suffix in DECK_SUFFIXES and (p.is_file() or not p.is_dir())
        )
    return [path]


# Deck text that takes about a second or more to parse (on two cores): a run that has it to
# parse says so first, instead of showing nothing meanwhile.
LONG_PARSE_BYTES = 4 << 20
CACHE_FORMAT = 7  # bump when the cache file's own layout changes (7: cards as marshalled rows)
# Cards are stored in runs of this many: reading one card loads its run (a fraction of a
# millisecond), and reading every card (search, export) goes nearly as fast as one load would.
CARDS_PER_RUN = 32
CACHE_MAGIC = b"mlprep-decks\n"

# Parsed decks already seen by this process, keyed like the cache. A long-lived process (or a
# test run invoking many commands) parses each unchanged file once.
_SEEN: dict[tuple, Deck] = {}


@functools.cache
def parser_fingerprint() -> str:
    """What the cached decks depend on: the cache layout, the model classes and the parser.
    An upgrade that changes neither keeps the cache; one that does discards it."""
    # CRC-32 and the length of each source: enough to tell one release's parser from another's
    # (the cache is only an accelerator), and zlib is loaded already where hashlib is not
    parts = [f"{CACHE_FORMAT}/{CARDS_PER_RUN}/{DECK_FORMAT_VERSION}"]
    here = os.path.dirname(os.path.abspath(__file__))
    # what the cached cards and index are made by
    for name in ("model.py", "cardparts.py", "cardrows.py", "schema.py"):
        try:
            with open(os.path.join(here, name), "rb") as handle:
                source = handle.read()
            parts.append(f"{name}:{len(source)}:{zlib.crc32(source):08x}")
        except OSError:  # e.g. installed without sources: key on nothing better than that
            parts.append(name)
    return "/".join(parts)


def file_identity(path: Path, stat: os.stat_result, builtin: bool) -> tuple:
    """A file is the same when its device, inode, size and change time are (an editor that
    saves by rename gives a new inode even within one mtime tick)."""
    return (str(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, builtin)


class _CacheFile:
    """The open cache file cards are read from. A newer cache renamed over it later does not
    disturb this run: the open file stays the one whose index was read."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    def read(self, start: int, length: int) -> bytes:
        data = os.pread(self.fd, length, start)
        if len(data) != length:
            raise MlprepError(
                "the deck cache was cut short while mlprep was reading it; run the command again"
            )
        return data

    def damaged(self, detail: str = "") -> MlprepError:
        """The error for contents that fail their checks. The file goes (unless another run
        has replaced it already), so that the next run parses the decks again."""
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(self.fd), os.stat(self.path)):
                os.unlink(self.path)
        return MlprepError(f"the deck cache is damaged{detail}; run the command again")

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class HeldRecords:
    """A deck's records held in memory, laid out and read as in the cache file: a deck parsed
    in another process comes back this way (see parseahead), its cards read when used."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, start: int, length: int) -> bytes:
        if start < 0 or start + length > len(self.data):
            raise self.damaged()
        return self.data[start : start + length]

    def damaged(self, detail: str = "") -> MlprepError:
        return MlprepError(f"a deck parsed alongside came back damaged{detail}; run it again")


class _CachedCards:
    """One deck in the cache file: its index in two records, the card ids and where each run
    of cards lies at `index_at`, the rest of the index (kinds, difficulties, tags, lines) at
    `rest_at`; then its cards: runs of CARDS_PER_RUN cards, each run a marshalled tuple of
    card rows (mlprep.cardrows), one after another from `start`, run i spanning
    bounds[i]..bounds[i + 1] of them. A record is
    read the first time it is needed (listing decks needs neither, a review's queue only the
    ids); a run is loaded once, the first time one of its cards is read."""

    def __init__(
        self,
        file: _CacheFile | HeldRecords,
        count: int,
        index_at: int,
        rest_at: int,
        start: int,
    ) -> None:
        self.file = file
        self.count = count
        self.index_at = index_at
        self.rest_at = rest_at
        self.start = start
        self.bounds = b""
        self._ids: tuple[str, ...] | None = None
        self.runs: dict[int, list[tuple | Card]] = {}  # each row replaced by its card once read

    def _record(self, begin: int, end: int) -> object:
        record = self.file.read(begin, end - begin)
        try:
            with gc_paused():
                return marshal.loads(record)
        except Exception:  # an accelerator that fails is a bug report, not a crash
            return None

    def ids(self) -> tuple[str, ...]:
        if self._ids is None:
            found = self._record(self.index_at, self.rest_at)
            runs = -(-self.count // CARDS_PER_RUN)
            if not (
                isinstance(found, tuple)
                and len(found) == 2
                and isinstance(found[0], tuple)
                and len(found[0]) == self.count
                and isinstance(found[1], bytes)
                and len(found[1]) == 8 * (runs + 1)
            ):
                raise self.file.damaged()
            self._ids, self.bounds = found
        return self._ids

    def index(self) -> CardIndex:
        ids = self.ids()
        rest = self._record(self.rest_at, self.start)
        try:
            card_index = CardIndex(ids, *rest)  # type: ignore[misc]
        except TypeError:  # not four columns
            raise self.file.damaged() from None
        columns = (card_index.kinds, card_index.difficulties, card_index.tags, card_index.lines)
        if not all(isinstance(column, tuple) and len(column) == self.count for column in columns):
            raise self.file.damaged()
        return card_index

    def card(self, position: int) -> Card:
        run, place = divmod(position, CARDS_PER_RUN)
        cards = self.runs.get(run)
        if cards is None:
            cards = self.runs[run] = self._read_run(run)
        if place >= len(cards):
            raise self.file.damaged()
        item = cards[place]
        if isinstance(item, Card):
            return item
        try:  # built once, and kept in its row's place
            card = cards[place] = row_card(item)
        except (TypeError, ValueError, KeyError):  # a row of the wrong shape
            raise self.file.damaged() from None
        return card

    def _read_run(self, run: int) -> list:
        if not self.bounds:
            self.ids()
        begin, end = struct.unpack_from("<QQ", self.bounds, 8 * run)
        try:
            with gc_paused():
                cards = marshal.loads(self.file.read(self.start + begin, end - begin))
        except MlprepError:
            raise
        except Exception as error:  # an accelerator that fails is a bug report, not a crash
            raise self.file.damaged(f" ({error})") from None
        if not isinstance(cards, tuple):
            raise self.file.damaged()
        return list(cards)

    def raw(self) -> tuple[bytes, bytes]:
        """Every run's bytes, and their bounds, for copying into a new cache file."""
        if not self.bounds:
            self.ids()
        (end,) = struct.unpack_from("<Q", self.bounds, len(self.bounds) - 8)
        return self.file.read(self.start, end), self.bounds


def cached_deck(
    key: tuple, entry: tuple, file: _CacheFile | HeldRecords, path: Path | None = None
) -> Deck:
    """The deck of a cache entry, its cards read from `file` when used."""
    (deck_id, title, description, tags), count, index_at, rest_at, start = entry
    if type(count) is not int or not 0 <= index_at < rest_at < start:
        raise ValueError("not a deck entry")
    cards = CardList(count, deck_id, _CachedCards(file, count, index_at, rest_at, start))
    return Deck(
        id=deck_id,
        title=title,
        cards=cards,
        description=description,
        tags=tags,
        path=path or Path(key[0]),
        builtin=key[5],
    )


def _card_bytes(deck: Deck) -> tuple[bytes, bytes]:
    """A deck's cards as the cache stores them: the marshalled runs of card rows, and their
    bounds."""
    cards = deck.cards
    if isinstance(cards, CardList) and isinstance(cards.source, _CachedCards):
        return cards.source.raw()  # already stored once: copied as they are
    rows = [card_row(card.full() if isinstance(card, LazyCard) else card) for card in cards]
    runs = [
        marshal.dumps(tuple(rows[i : i + CARDS_PER_RUN]))
        for i in range(0, len(rows), CARDS_PER_RUN)
    ]
    bounds = [0]
    for data in runs:
        bounds.append(bounds[-1] + len(data))
    return b"".join(runs), struct.pack(f"<{len(bounds)}Q", *bounds)


def _plain_index(deck: Deck, shared: dict) -> tuple:
    """The deck's index as plain tuples; equal tag tuples are one object, stored once."""
    index = deck.index
    tags = tuple(shared.setdefault(t, t) for t in index.tags)
    return (index.ids, index.kinds, index.difficulties, tags, index.lines)


def deck_record(
    deck: Deck, shared: dict | None = None
) -> tuple[tuple[bytes, ...], tuple, tuple[str, ...]]:
    """A deck as the cache file stores it: its bytes in pieces (its two index records, then its
    cards), its summary entry, with the records' places counted from the first of those
    bytes, and its card ids. `shared`: tag tuples already stored (equal ones are stored once)."""
    data, bounds = _card_bytes(deck)
    index = _plain_index(deck, {} if shared is None else shared)
    ids = marshal.dumps((index[0], bounds))
    rest = marshal.dumps(index[1:])
    entry = (
        (deck.id, deck.title, deck.description, deck.tags),
        len(deck.cards),
        0,
        len(ids),
        len(ids) + len(rest),
    )
    return (ids, rest, data), entry, index[0]


def _moved(entry: tuple, offset: int) -> tuple:
    """A summary entry whose records lie `offset` bytes further on."""
    head, count, index_at, rest_at, start = entry
    return head, count, index_at + offset, rest_at + offset, start + offset


class DeckCache:
    """Parsed decks keyed by file identity, so start-up skips YAML parsing.

    The file holds, after a short header, per deck two records of its card index (the ids
    with where its runs of cards lie; the kinds, tags, difficulties and lines), then its
    cards; at the end a summary: per deck its title, tags, number of cards and where its
    records lie, and whether the card ids of all its decks are distinct. Loading reads only
    the summary (listing decks costs the same at 100 cards or 100,000); a deck's ids are read
    when its cards are used, the rest of its index when that is, a card when it is used.

    The cache is only an accelerator: if it is missing, stale, from another parser or
    unreadable it is rebuilt; entries for files no longer loaded are pruned when it is saved.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / CACHE_NAME if cache_dir else None
        self.entries: dict[tuple, tuple] = {}  # as read from the file, turned into decks on use
        self.decks: dict[tuple, Deck] = {}
        self.file: _CacheFile | None = None
        self.used: set[tuple] = set()
        self.dirty = False
        # whether no card id occurs in two of the file's decks, and the decks made from it
        self.ids_distinct = False
        self._from_file: set[int] = set()
        if self.path is None:
            return
        try:
            # (O_NONBLOCK: a named pipe put there must not wait for a writer)
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # not a cache this program wrote: none
            os.close(fd)
            return
        self.file = _CacheFile(fd, self.path)
        try:
            head = os.pread(fd, len(CACHE_MAGIC) + 8, 0)
            if head[: len(CACHE_MAGIC)] != CACHE_MAGIC:
                return
            (where,) = struct.unpack("<Q", head[len(CACHE_MAGIC) :])
            size = os.fstat(fd).st_size
            with gc_paused():
                fingerprint, entries, distinct = marshal.loads(os.pread(fd, size - where, where))
            if fingerprint == parser_fingerprint() and isinstance(entries, dict):
                self.entries = entries
                self.ids_distinct = distinct is True
        except Exception:  # stale classes, truncation, corruption: it is only an accelerator
            self.entries = {}

    def keys(self) -> set[tuple]:
        return set(self.entries) | set(self.decks)

    def has(self, key: tuple) -> bool:
        """Whether `get` would find the file with this identity without parsing it."""
        return key in self.decks or key in self.entries or key in _SEEN

    def get(self, key: tuple, path: Path | None = None) -> Deck | None:
        """The deck of the file with this identity (whose path is `path`), if cached."""
        deck = self.decks.get(key)
        if deck is None and key in self.entries and self.file is not None:
            try:
                deck = cached_deck(key, self.entries[key], self.file, path)
                self._from_file.add(id(deck))
            except Exception:  # an entry of the wrong shape: parse the file again
                deck = None
        if deck is None:
            deck = _SEEN.get(key)
            if deck is None:
                return None
            self.dirty = True
        self.decks[key] = deck
        self.used.add(key)
        _SEEN[key] = deck
        return deck

    def ids_known_distinct(self, decks: Iterable[Deck]) -> bool:
        """Whether no card id occurs in two of these decks, known without reading their cards'
        ids: every one came from this cache file, whose decks' ids were all distinct when it
        was written."""
        return self.ids_distinct and all(id(deck) in self._from_file for deck in decks)

    def put(self, key: tuple, deck: Deck) -> None:
        self.decks[key] = deck
        self.used.add(key)
        _SEEN[key] = deck
        self.dirty = True

    def save(self) -> bool:
        """Write the decks this load used, if anything changed; True when a file was written."""
        # Entries this load did not use are dropped: a deleted or changed deck (a stale
        # 20 MB entry once cost every start half a second) is not carried forward.
        stale = self.keys() - self.used
        if self.path is None or not (self.dirty or stale):
            return False
        import tempfile

        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".decks-")
            with os.fdopen(fd, "wb") as handle:
                self._write(handle)
            os.replace(tmp, self.path)
            written = True
        except (OSError, MlprepError, ValueError):  # ValueError: a value marshal cannot store
            # a read-only or full cache dir only costs speed; a half-written temp file would
            # take the space the next answer needs, one more on every run
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            written = False
        self._remove_stale_temp_files()
        return written

    def read_back(self, library: Library) -> None:
        """Swap the decks parsed by this load for the copies just saved, whose cards are read
        when used: the parsed cards can then be freed before the command goes on (a first
        run at 50,000 cards would otherwise carry every one of them to the end)."""
        assert self.path is not None
        saved = DeckCache(self.path.parent)
        key_of = {id(deck): key for key, deck in self.decks.items()}
        for slug, deck in list(library.decks.items()):
            key = key_of.get(id(deck))
            if key is None or isinstance(deck.cards, CardList) or key not in saved.entries:
                continue
            copy = saved.get(key)
            if copy is not None and copy.index == deck.index:
                library.decks[slug] = copy

    def _write(self, handle: BinaryIO) -> None:
        """Deck after deck its index record and its cards, then the summary that says where
        they lie (so a deck's stored cards never have to be held in memory all at once)."""
        handle.write(CACHE_MAGIC + bytes(8))
        entries: dict[tuple, tuple] = {}
        shared: dict[tuple, tuple] = {}
        ids: set[str] = set()
        count = 0
        for key in sorted(self.used, key=lambda key: key[0]):
            pieces, entry, card_ids = deck_record(self.decks[key], shared)
            entries[key] = _moved(entry, handle.tell())
            for piece in pieces:
                handle.write(piece)
            ids.update(card_ids)
            count += len(card_ids)
        where = handle.tell()
        distinct = len(ids) == count
        handle.write(marshal.dumps((parser_fingerprint(), entries, distinct)))
        handle.seek(len(CACHE_MAGIC))
        handle.write(struct.pack("<Q", where))

    def _remove_stale_temp_files(self) -> None:
        """Temp files a killed run left behind (over an hour old: no live run still writes)."""
        import time

        assert self.path is not None
        with contextlib.suppress(OSError):
            for leftover in self.path.parent.glob(".decks-*"):
                with contextlib.suppress(OSError):
                    if time.time() - leftover.stat().st_mtime > 3600:
                        leftover.unlink()


def load_files(
    paths: Iterable[Path],
    builtin: bool,
    cache: DeckCache | None = None,
    card_ids: bool = True,
    notify: Callable[[str], None] | None = None,
) -> LoadReport:
    """Parse deck files; a file with any problem yields no deck, only its problems. With
    `card_ids`, the report lists every card id read (validate's cross-file checks need them;
    loading a library checks its decks' ids itself). `notify` hears of long parsing before it
    starts."""
    report = LoadReport()
    listed: list[Path | Problem] = []  # the files, and the paths that are missing, in order
    for root in paths:
        if root.exists():
            listed.extend(deck_files(root))
        else:
            listed.append(Problem(str(root), "no such file or directory"))
    loader = _Loader([path for path in listed if isinstance(path, Path)], builtin, cache, notify)
    with loader:
        for path in listed:
            if isinstance(path, Problem):
                report.problems.append(path)
                continue
            deck, problems, ids = loader.next()
            report.problems.extend(problems)
            if deck is None:
                if card_ids:
                    report.card_ids.extend((str(path), card_id, line) for card_id, line in ids)
                continue
            report.decks.append(deck)
            if card_ids:
                index = deck.index
                report.card_ids.extend(
                    (str(path), card_id, line)
                    for card_id, line in zip(index.ids, index.lines, strict=True)
                )
    return report


# a deck file loaded: its deck (None if it has any problem), its problems, and its card ids
# with their lines (of a file with a deck, read from the deck's index when asked)
_Loaded = tuple[Deck | None, list[Problem], list[tuple[str, int]]]


class _Loader:
    """Deck files loaded in turn (`next`): from the cache where it holds them, else parsed.
    From the first file to parse on, the later files to parse may be parsed ahead on a second
    core (see parseahead); leaving the `with` stops that work."""

    def __init__(
        self,
        files: list[Path],
        builtin: bool,
        cache: DeckCache | None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.files = files
        self.builtin = builtin
        self.cache = cache
        self.notify = notify
        self.place = 0  # the next file's
        self.ahead: ParsedAhead | None = None

    def __enter__(self) -> _Loader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ahead is not None:
            self.ahead.close()

    def next(self) -> _Loaded:
        path = self.files[self.place]
        self.place += 1
        parsed = None
        try:
            stat = path.stat()
            key = file_identity(path, stat, self.builtin)
            if S_ISREG(stat.st_mode):  # (a FIFO or device is refused by read_regular below)
                deck = self.cache.get(key, path) if self.cache else _SEEN.get(key)
                if deck is not None:
                    return deck, [], []
                # (a file over the limit is refused below, unread: not parsed ahead, and no
                # "Reading ... into the deck cache (once)" at every command for it)
                if stat.st_size <= MAX_DECK_BYTES:
                    parsed = self._parsed_ahead(key, stat.st_size)
            if parsed is None:
                text = deck_text(path)
        except UnicodeDecodeError as error:
            return None, [_not_utf8(path, error)], []
        except OSError as error:
            reason = error.strerror or str(error)
            if path.is_symlink() and not path.exists():  # (a synced folder moved, say)
                reason = f"it links to {os.readlink(path)}, which is not there"
            return None, [Problem(str(path), f"cannot read deck: {reason}")], []
        if parsed is None:
            parsed = parsed_deck(text, path, self.builtin)
        deck = parsed[0]
        if deck is not None:
            if self.cache:
                self.cache.put(key, deck)
            else:
                _SEEN[key] = deck
        return parsed

    def _parsed_ahead(self, key: tuple, size: int) -> _Loaded | None:
        """What a second process made of the file with this identity (`size` bytes; None:
        parse it here). At the first file to parse, the later files the cache misses too go
        to that process, where it pays (and a long parse is announced)."""
        if self.ahead is None:
            from mlprep.parseahead import ParsedAhead

            known = self.cache.has if self.cache else _SEEN.__contains__
            later = []
            for path in self.files[self.place :]:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found = file_identity(path, stat, self.builtin)
                if S_ISREG(stat.st_mode) and stat.st_size <= MAX_DECK_BYTES and not known(found):
                    later.append((found, path, stat.st_size, self.builtin))
            total = size + sum(entry[2] for entry in later)
            if total >= LONG_PARSE_BYTES and self.notify is not None:
                cached = " into the deck cache (once)" if self.cache else ""
                self.notify(
                    f"Reading {len(later) + 1:,} deck files ({total / (1 << 20):.0f} MB){cached}..."
                )
            self.ahead = ParsedAhead(later)
        return self.ahead.take(key)


def _not_utf8(path: Path, error: UnicodeDecodeError) -> Problem:
    """Where a deck file stops being UTF-8: its line and the byte."""
    data = error.object if isinstance(error.object, bytes) else b""
    line, byte = not_utf8_at(data, error.start)
    return Problem(str(path), not_utf8_problem(byte), line)


def deck_text(path: Path) -> str:
    """A deck file's text (OSError, UnicodeDecodeError: it cannot be read as a deck)."""
    return read_regular(path, MAX_DECK_BYTES).decode("utf-8")


def parsed_deck(text: str, path: Path, builtin: bool) -> _Loaded:
    """A deck file's text parsed (the same in a process that parses files ahead: parseahead)."""
    from mlprep.schema import parse_deck_ids  # YAML is only needed on a cache miss

    # the cyclic GC would walk every card parsed so far, over and over, while parsing makes
    # nothing cyclic: pausing it takes a third off a cold start
    with gc_paused():
        deck, problems, ids = parse_deck_ids(text, str(path), builtin=builtin)
    return (None if deck is None else _with_path(deck, path)), problems, ids


def _with_path(deck: Deck, path: Path) -> Deck:
    from dataclasses import replace

    return replace(deck, path=path)


def shared_id_problems(report: LoadReport, reference: LoadReport | None = None) -> list[Problem]:
    """Card ids must be unique across files, broken files included, and must not reuse an id or
    deck slug of a reference set (the built-in decks), whose copy would win at load time."""
    seen: dict[str, tuple[str, int]] = {}
    builtin_ids: dict[str, str] = {}
    builtin_slugs: set[str] = set()
    if reference:
        owner = {str(deck.path): deck.id for deck in reference.decks}
        builtin_slugs = set(owner.values())
        for path, card_id, _line in reference.card_ids:
            if card_id not in builtin_ids:  # (the first file to hold an id names it)
                deck_id = owner.get(path)
                builtin_ids[card_id] = Path(path).stem if deck_id is None else deck_id
    problems = []
    first_with: dict[str, str] = {}  # deck id -> the first file that has it
    for deck in report.decks:
        if deck.id in builtin_slugs:
            problems.append(
                Problem(str(deck.path), f"deck id '{deck.id}' is a built-in deck's; pick another")
            )
        elif first_with.setdefault(deck.id, str(deck.path)) != str(deck.path):
            # (loaded together, the later file would be skipped)
            first = first_with[deck.id]
            message = f"deck id '{deck.id}' clashes with the deck in {first}; give it another id"
            problems.append(Problem(str(deck.path), message))
    deck_ids = builtin_slugs | {deck.id for deck in report.decks}
    for path, card_id, line in report.card_ids:
        if card_id in deck_ids:
            # (`mlprep code ID`, `mlprep drill ID` take a deck or a card: the deck would win)
            message = f"card id '{card_id}' is also a deck's id; give the card another"
        elif card_id in builtin_ids:
            message = f"card id also used in built-in deck '{builtin_ids[card_id]}'"
        elif card_id in seen and seen[card_id][0] != path:
            first_path, first_line = seen[card_id]
            message = f"card id also used in {first_path}:{first_line}"
        else:
            seen.setdefault(card_id, (path, line))
            continue
        problems.append(Problem(path, message, line, card_id))
    return problems


def solution_problems(decks: Sequence[Deck], broken: Sequence[str] = ()) -> list[Problem]:
    """Every SQL card's reference solution is run in the sandbox: a card whose solution fails
    could never be answered right. `broken` files (which gave no deck) have the solutions of
    their cards that read well run too, so that one run reports every problem."""
    from mlprep.model import CardType
    from mlprep.schema import readable_cards
    from mlprep.sqlsandbox import solution_problem

    in_files = [(str(deck.path), deck.cards) for deck in decks]
    for path in broken:
        try:
            in_files.append((path, readable_cards(deck_text(Path(path)), path)))
        except (OSError, ValueError, MlprepError):
            continue  # (its problem is reported already)
    problems = []
    for path, cards in in_files:
        for card in cards:
            if card.type is CardType.SQL:
                reason = solution_problem(card)
                if reason:
                    problems.append(Problem(path, reason, card.line, card.id))
    return problems


def closest_id(typed: str, ids: Sequence[str]) -> str | None:
    """The card id among `ids` closest to a mistyped one, if any is close. A card's id starts
    with its deck's ("coding-dropout"), and a deck prefix in common says nothing of which
    card was meant ("coding-nope" is not close to "coding-entropy"): where the typed id's
    prefix is a deck's, only the rest of the ids is compared."""
    prefix, dash, rest = typed.partition("-")
    if not dash and any(card_id.startswith(typed + "-") for card_id in ids):
        return None  # a deck's id: no one card of it is closer than the others
    if dash and rest:
        tails = [card_id[len(prefix) + 1 :] for card_id in ids if card_id.startswith(prefix + "-")]
        if tails:
            close = difflib.get_close_matches(rest, tails, n=1, cutoff=0.6)
            return f"{prefix}-{close[0]}" if close else None
    close = difflib.get_close_matches(typed, ids, n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass
class Library:
    """Every deck available to this run, by slug, and what went wrong loading the rest."""

    decks: dict[str, Deck] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, decks: Iterable[Deck], ids_distinct: bool = False) -> None:
        """Add decks, refusing any whose slug or card ids clash with what is already here.
        `ids_distinct`: the caller knows that no card id occurs in two of the decks here and
        given (the deck cache does), so only slugs are compared."""
        card_ids = (
            {}
            if ids_distinct
            else {card_id: deck for deck in self.decks.values() for card_id in deck.index.ids}
        )
        for deck in decks:
            if deck.id in self.decks:
                other = self.decks[deck.id]
                where = "the built-in deck" if other.builtin else f"the deck in {other.path}"
                self.warnings.append(
                    Problem(
                        str(deck.path),
                        f"deck id '{deck.id}' clashes with {where}; skipped (give it another id)",
                    )
                )
                continue
            if ids_distinct:
                self.decks[deck.id] = deck
                continue
            index = deck.index
            clash = (
                None  # the usual case, found at C speed
                if card_ids.keys().isdisjoint(index.ids)
                else next(i for i, card_id in enumerate(index.ids) if card_id in card_ids)
            )
            if clash is not None:
                clash_id = index.ids[clash]
                self.warnings.append(
                    Problem(
                        str(deck.path),
                        f"card id also used in deck '{card_ids[clash_id].id}'; deck skipped",
                        index.lines[clash],
                        clash_id,
                    )
                )
                continue
            self.decks[deck.id] = deck
            card_ids.update(dict.fromkeys(index.ids, deck))

    def deck(self, name: str) -> Deck:
        slug = name.strip().lower()
        if slug in self.decks:
            return self.decks[slug]
        close = difflib.get_close_matches(slug, list(self.decks), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else " See `mlprep decks`."
        raise UsageError(f"No deck '{name}'.{hint}")

    def card(self, card_id: str) -> Card:
        for deck in self.decks.values():
            if card_id in deck.index.ids:
                return deck.cards[deck.index.ids.index(card_id)]
        ids = [i for deck in self.decks.values() for i in deck.index.ids]
        close = closest_id(card_id, ids)
        hint = f" Did you mean '{close}'?" if close else ""
        raise UsageError(f"No card '{card_id}'.{hint}")

    def all_cards(self) -> list[Card]:
        return [card for deck in self.decks.values() for card in deck.cards]

    def select(
        self,
        names: Sequence[str] = (),
        tags: Sequence[str] = (),
        kinds: Sequence[str] = (),
        difficulty: int | None = None,
    ) -> list[Card]:
        """Cards of the named decks (all decks if none), filtered by tag (a card's own or its
        deck's), kind (`Card.kind`: single, multi, number, open, sql, code) and difficulty. Every
        command selects through here (or `selection`), so the same options pick the same
        cards."""
        return list(self.selection(names, tags, kinds, difficulty))

    def selection(
        self,
        names: Sequence[str] = (),
        tags: Sequence[str] = (),
        kinds: Sequence[str] = (),
        difficulty: int | None = None,
    ) -> Selection:
        """`select`'s cards as a Selection: deck by deck, each card built when first used (a
        review's queue needs only their ids)."""
        chosen = {deck.id: deck for deck in map(self.deck, names)}  # one entry per deck
        decks = list(chosen.values()) or list(self.decks.values())
        wanted = {t.lower() for t in tags}
        if wanted:
            known = set().union(*(d.all_tags() for d in decks)) if decks else set()
            unknown = sorted(wanted - known)
            if unknown:
                raise UsageError(self._unknown_tag(unknown[0], known, list(chosen)))
        parts: list[tuple[Sequence[Card], list[int] | None]] = []
        for deck in decks:
            if not (wanted or kinds or difficulty is not None):
                if deck.cards:
                    parts.append((deck.cards, None))
                continue
            index = deck.index
            deck_tagged = bool(wanted & set(deck.tags))
            positions = []
            for position, (card_tags, kind, level) in enumerate(
                zip(index.tags, index.kinds, index.difficulties, strict=True)
            ):
                if wanted and not deck_tagged and not wanted & set(card_tags):
                    continue
                if kinds and kind not in kinds:
                    continue
                if difficulty is not None and level != difficulty:
                    continue
                positions.append(position)
            if positions:
                parts.append((deck.cards, positions))
        if not parts:
            if kinds and wanted:  # (the tag is known, on cards of other kinds: say which)
                tagged = " or ".join(f"'{tag}'" for tag in sorted(wanted))
                raise UsageError(f"No {' or '.join(kinds)} card has tag {tagged}.")
            raise UsageError("No cards match that selection.")
        return Selection(parts)

    def _unknown_tag(self, tag: str, known: set[str], chosen: list[str]) -> str:
        """Where a tag missing from the chosen decks lives instead, or the nearest known tag."""
        if chosen:
            elsewhere = [d.id for d in self.decks.values() if tag in d.all_tags()]
            if elsewhere:
                return f"tag '{tag}' is in {', '.join(elsewhere)}, not in {', '.join(chosen)}."
        close = difflib.get_close_matches(tag, sorted(known), n=1, cutoff=0.6)
        # (without a close one, where the tags are listed)
        hint = f" Did you mean '{close[0]}'?" if close else " `mlprep tags` lists them."
        return f"No card has tag '{tag}'.{hint}"

    def tag_counts(self, names: Sequence[str] = ()) -> dict[str, int]:
        """Each tag of the named decks (all if none) with its number of cards (a deck's own tags
        count all its cards), most used first, then by name."""
        decks = [self.deck(n) for n in names] or list(self.decks.values())
        counts: dict[str, int] = {}
        for deck in {d.id: d for d in decks}.values():
            for card_tags in deck.index.tags:
                for tag in {t.lower() for t in (*card_tags, *deck.tags)}:
                    counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def search(self, text: str, limit: int | None = 20) -> list[Card]:
        """Cards matching every word of `text`, best first (the first `limit`; None: all):
        question hits outrank tag (and deck) hits, which outrank answer hits. Hyphens are
        ignored (non-parametric finds nonparametric), and so are accents."""
        words = [_fold(w) for w in text.split() if _fold(w)]
        scored = []
        for deck in self.decks.values():
            deck_tags = " ".join((deck.id, *deck.tags))
            for card in deck.cards:
                q = _fold(card.q)
                tags = _fold(" ".join((deck_tags, *card.tags)))
                a = _fold(f"{card.a} {card.explain}")
                score = 0
                for word in words:
                    hit = 3 * (word in q) + 2 * (word in tags) + (word in a)
                    if not hit:
                        break
                    score += hit
                else:
                    if words:
                        scored.append((-score, card.id, card))
        return [card for _, _, card in sorted(scored)[:limit]]


def _fold(text: str) -> str:
    """Text as search compares it: lower case, without hyphens or accents (résumé finds
    resume, naive finds naïve)."""
    text = text.lower().replace("-", "")
    if text.isascii():
        return text
    import unicodedata

    spread = unicodedata.normalize("NFKD", text)
    return "".join(c for c in spread if not unicodedata.combining(c))


def load_library(
    builtin_dirs: Sequence[Path],
    user_dirs: Sequence[Path],
    cache_dir: Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> Library:
    """Built-in decks first, then user decks. Broken user decks become warnings and are skipped;
    a missing default user dir is simply empty. `notify` hears of long parsing before it
    starts."""
    cache = DeckCache(cache_dir)
    library = Library()
    builtin = load_files(builtin_dirs, builtin=True, cache=cache, card_ids=False, notify=notify)
    user = load_files(user_dirs, builtin=False, cache=cache, card_ids=False, notify=notify)
    # no clash of card ids to look for (whose search reads every deck's ids)?
    distinct = cache.ids_known_distinct([*builtin.decks, *user.decks])
    library.add(builtin.decks, ids_distinct=distinct)
    library.warnings.extend(builtin.problems)
    library.add(user.decks, ids_distinct=distinct)
    library.warnings.extend(user.problems)
    if cache.save():
        cache.read_back(library)
    return library


def sample(cards: Sequence[Card], n: int | None, seed: int | None) -> list[Card]:
    """A shuffled selection of at most n cards; the same seed gives the same selection."""
    import random

    rng = random.Random(seed)
    chosen = list(cards)
    rng.shuffle(chosen)
    return chosen if n is None else chosen[:n]
