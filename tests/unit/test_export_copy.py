"""A merge skips the part of an export that is a byte copy of the log (exportcopy) and writes
exactly the files the general path writes: every event line read by id, the affected cards
replayed, the log rewritten."""

from __future__ import annotations

import json
import random
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import exportcopy, logmerge, reviewlog
from mlprep.errors import ProgressError
from mlprep.exportdoc import ExportDocument, export_document, read_export_file
from mlprep.logmerge import Careful
from mlprep.model import Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ReviewEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = [f"k{number}" for number in range(5)]
FILES = ("reviews.jsonl", "state.json", "totals.json")


def history(directory, count: int, seed: int = 1) -> None:
    """Answers on a few cards, a day or so apart, some with a typed answer; totals and
    snapshot in place (the merge keeps both up to date)."""
    rng = random.Random(seed)
    store = ProgressStore(directory).load()
    moment = T0
    for _ in range(count):
        moment += timedelta(hours=rng.choice([1, 7, 30]))
        answer = rng.choice([None, "a } { brace", 'say "id": "x"'])
        store.record(rng.choice(CARDS), Grade(rng.randint(1, 4)), "review", 5, moment, answer)
    store.checkpoint()
    store.answer_totals()


def lines_of(directory) -> list[str]:
    return (directory / "reviews.jsonl").read_text().splitlines(keepends=True)


def exported(directory) -> str:
    return "".join(ProgressStore(directory).export_chunks(T0))


def new_lines(count: int, seed: int = 2, spaced: bool = True) -> list[str]:
    """Answers from elsewhere spread over the log's period (out of time order), as json
    writes them with its default separators, or as this program writes them."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        moment = T0 + timedelta(hours=rng.uniform(0, 300))
        event = ReviewEvent.new(rng.choice(CARDS), Grade(rng.randint(1, 4)), "review", 5, moment)
        text = event.to_json()
        lines.append(json.dumps(json.loads(text)) if spaced else text)
    return lines


def with_events(text: str, extra: list[str]) -> str:
    """An export document with these event lines added after its own."""
    body = text.removesuffix("\n]}\n")
    return body + "".join(",\n" + line for line in extra) + "\n]}\n"


def merge(tmp_path, name: str, text: str, copying: bool, monkeypatch) -> tuple[int, dict]:
    """Merge the document `text` into a copy of the base: by skipping the copied part
    (`copying`), or the general way (every event line laid out, the replaying merge)."""
    shutil.copytree(tmp_path / "base", tmp_path / name)
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    runs = []
    with monkeypatch.context() as patch:
        if copying:
            shared = exportcopy.shared_lines
            patch.setattr(
                exportcopy, "shared_lines", lambda *a: runs.append(shared(*a)) or runs[-1]
            )
        else:

            def whole(self, log_path):
                if self.pending is not None:
                    self._lay_out(self.pending[0], 0)
                return 0

            def general(self, added, *rest):
                raise Careful

            patch.setattr(ExportDocument, "match", whole)
            patch.setattr(ProgressStore, "_merge_streaming", general)
        added = ProgressStore(tmp_path / name).merge(read_export_file(path, "x.json"))
    files = {file: (tmp_path / name / file).read_bytes() for file in FILES}
    return added, {"files": files, "runs": runs}


def assert_same_merge(tmp_path, text: str, monkeypatch) -> list[tuple[int, int, int]]:
    added, fast = merge(tmp_path, "fast", text, True, monkeypatch)
    expected, slow = merge(tmp_path, "slow", text, False, monkeypatch)
    assert added == expected
    for file in FILES:
        assert fast["files"][file] == slow["files"][file], file
    return fast["runs"]


@pytest.fixture
def base(tmp_path):
    history(tmp_path / "base", 40)
    return tmp_path / "base"


@pytest.mark.parametrize("block", [300, 1 << 20])
def test_an_export_of_this_log_with_new_answers_after_it(tmp_path, base, monkeypatch, block):
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", block)
    text = with_events(exported(base), new_lines(6))
    runs = assert_same_merge(tmp_path, text, monkeypatch)
    log = (base / "reviews.jsonl").read_bytes()
    assert runs == [(text.index("\n") + 1 + len(log) + log.count(b"\n"), len(log), 40)]


def test_an_export_that_takes_another_way_midway(tmp_path, base, monkeypatch):
    """Two machines share the log up to their last merge; each answered on its own since."""
    there = tmp_path / "there"
    there.mkdir()
    kept = lines_of(base)[:25]
    (there / "reviews.jsonl").write_text("".join(kept))
    store = ProgressStore(there).load()
    last = reviewlog.complete_event(kept[-1].encode())
    assert last is not None
    for number in range(8):  # interleaving with this log's own answers after line 25
        at = last.when + timedelta(hours=5 + 11 * number)
        store.record(CARDS[number % 5], Grade(number % 4 + 1), "review", 5, at)
    runs = assert_same_merge(tmp_path, exported(there), monkeypatch)
    assert [run[2] for run in runs] == [25]


def test_a_changed_line_ends_the_copied_part(tmp_path, base, monkeypatch):
    lines = exported(base).splitlines(keepends=True)
    assert '"ms":5,' in lines[12]
    lines[12] = lines[12].replace('"ms":5,', '"ms":6,')  # the same id, another event
    text = with_events("".join(lines), new_lines(4))
    runs = assert_same_merge(tmp_path, text, monkeypatch)
    assert [run[2] for run in runs] == [11]  # (the header is line 0)


def test_an_export_without_commas_or_with_spaced_lines_is_still_a_copy(tmp_path, base, monkeypatch):
    text = with_events(exported(base), new_lines(3))
    lines = text.splitlines(keepends=True)
    # event lines that end without their comma (still one event a line): compared one by one
    lines[3:9] = [line.replace("},\n", "}\n") for line in lines[3:9]]
    runs = assert_same_merge(tmp_path, "".join(lines), monkeypatch)
    assert [run[2] for run in runs] == [40]
    # an event line written by another tool, spaced: the copy ends before it
    event = json.loads(lines[20].removesuffix(",\n"))
    lines[20] = json.dumps(event) + ",\n"
    shutil.copytree(base, tmp_path / "again" / "base")
    runs = assert_same_merge(tmp_path / "again", "".join(lines), monkeypatch)
    assert [run[2] for run in runs] == [19]


@pytest.mark.parametrize("short", [False, True])
def test_an_id_named_twice_is_not_added_twice(tmp_path, base, monkeypatch, short):
    """The export's own new lines include an event whose id a copied line holds: the log has
    it, so it is not added, although only the copied part holds it (whatever the id's
    length)."""
    if short:  # an id shorter than this program's, from elsewhere, of a length that lets
        # the light look at a block take what follows it too (then that look is not used)
        lines = lines_of(base)
        for length in range(1, 32):
            line = re.sub(r'"id":"\w+"', f'"id":"{"a" * length}"', lines[3])
            found = logmerge._AT_CARD_ID.search(line.encode())
            if found is not None:
                break
        assert found is not None and b'"' in found.group(3)
        lines[3] = line
        (base / "reviews.jsonl").write_text("".join(lines))
        ProgressStore(base).load().answer_totals()
    early = json.loads(lines_of(base)[3])
    twin = early | {"grade": early["grade"] % 4 + 1, "at": "2026-03-05T10:00:00.000Z"}
    twin.pop("state")
    text = with_events(exported(base), [*new_lines(3), json.dumps(twin)])
    runs = assert_same_merge(tmp_path, text, monkeypatch)
    assert [run[2] for run in runs] == [40]
    merged = (tmp_path / "fast" / "reviews.jsonl").read_text()
    assert merged.count(f'"id":"{early["id"]}"') == 1


def test_an_id_named_twice_is_not_added_twice_with_parameters_merged_too(tmp_path, base):
    """A merge bringing fitted parameters replays every card, and went straight there: the
    ids of the export's new lines not yet looked for in its copied part (the streaming pass
    looks for them) were never looked for, and an event the log held was added again."""
    early = json.loads(lines_of(base)[3])
    twin = early | {"at": "2026-03-05T10:00:00.000Z"}
    twin.pop("state")
    fitted = [0.4, 1.0, 3.0, 12.0, 6.0, 0.6, 2.5, 0.01, 1.7, 0.2, 0.9, 1.6, 0.07, 0.3, 1.5]
    fitted += [0.5, 2.0, 0.5, 0.1, 0.07, 0.2]
    data = {"parameters": fitted, "source": "history"}
    params = ReviewEvent.setting("params", data, T0 + timedelta(hours=100)).to_json()
    path = tmp_path / "x.json"
    path.write_text(with_events(exported(base), [json.dumps(twin), params]))
    store = ProgressStore(base)
    assert store.merge(read_export_file(path, "x.json")) == 1  # (the parameters alone)
    ids = [json.loads(line)["id"] for line in lines_of(base)]
    assert len(ids) == len(set(ids)) == 41


def test_a_bad_event_with_an_id_already_here_is_not_read(tmp_path, base, monkeypatch):
    early = json.loads(lines_of(base)[7])
    bad = early | {"grade": 9}  # invalid, but its id is in the log: skipped, as ever
    text = with_events(exported(base), [*new_lines(2), json.dumps(bad)])
    added, _ = merge(tmp_path, "fast", text, True, monkeypatch)
    expected, _ = merge(tmp_path, "slow", text, False, monkeypatch)
    assert added == expected == 2
    assert (tmp_path / "fast" / "reviews.jsonl").read_bytes() == (
        tmp_path / "slow" / "reviews.jsonl"
    ).read_bytes()


def test_a_bad_new_event_still_stops_the_merge(tmp_path, base, monkeypatch):
    bad = json.loads(new_lines(1, spaced=False)[0]) | {"grade": 9}
    text = with_events(exported(base), [*new_lines(2), json.dumps(bad)])
    before = (base / "reviews.jsonl").read_bytes()
    (tmp_path / "x.json").write_text(text)
    with pytest.raises(ProgressError, match=r"x\.json: event 43: .*grade"):
        ProgressStore(base).merge(read_export_file(tmp_path / "x.json", "x.json"))
    assert (base / "reviews.jsonl").read_bytes() == before


@pytest.mark.parametrize("indent", [None, 2])
def test_a_foreign_export_is_read_as_json(tmp_path, base, monkeypatch, indent):
    events = ProgressStore(base).events()
    extra = [reviewlog.complete_event(line.encode()) for line in new_lines(3, spaced=False)]
    text = json.dumps(export_document([*events, *extra], T0), indent=indent)
    runs = assert_same_merge(tmp_path, text, monkeypatch)
    assert runs == []  # (not laid out one event a line: no copy looked for)


def test_a_line_naming_two_ids_ends_the_copied_part(tmp_path, base, monkeypatch):
    """Which id of such a line counts is up to the reader: the export is read as it always
    was from that line on (here: as JSON, since that line is not one id a line)."""
    store = ProgressStore(base).load()
    plan = {"interview": "2026-04-01", "minutes": 30, "decks": [], "id": "abc"}
    store.record_setting("plan", plan, T0 + timedelta(days=20))
    store.checkpoint()
    store.answer_totals()
    text = with_events(exported(base), new_lines(3))
    assert text.count('"id":"abc"') == 1
    runs = assert_same_merge(tmp_path, text, monkeypatch)
    assert [run[2] for run in runs] == [40]


@pytest.mark.parametrize("block", [300, 1 << 20])
def test_answers_to_a_card_new_here_leave_the_other_lines_as_they_are(
    tmp_path, base, monkeypatch, block
):
    """Blocks of the log with no line to change and no new answer to slot in are written as
    they are; the last line's id still ends up in the snapshot."""
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", block)
    early = [T0 + timedelta(hours=2), T0 + timedelta(hours=3, minutes=7)]
    lines = [ReviewEvent.new("z9", Grade.GOOD, "review", 5, at).to_json() for at in early]
    text = with_events(exported(base), lines)
    assert_same_merge(tmp_path, text, monkeypatch)
    merged = (tmp_path / "fast" / "reviews.jsonl").read_text().splitlines()
    assert [line for line in merged if '"card":"z9"' not in line] == [
        line.rstrip("\n") for line in lines_of(base)
    ]
    snapshot = json.loads((tmp_path / "fast" / "state.json").read_text())
    assert snapshot["last_id"] == json.loads(merged[-1])["id"]


def frames(text: bytes) -> tuple:
    import io

    from mlprep.exportdoc import _blocks, _export_frame, _file_frame

    return _file_frame(io.BytesIO(text)), _export_frame(_blocks(io.BytesIO(text)))


def test_the_frame_of_a_file_is_found_from_its_ends(base):
    text = exported(base).encode()
    head = text[: text.index(b"\n") + 1]
    for document in [
        text,
        head + b"]}\n",  # no events
        text.replace(b'"kind"', b'"kind" ', 1),  # another header line: found as before
        text[:-4] + b"\n]}\n",
        text.replace(b"a } { brace", "é } { brace".encode()),  # UTF-8, not ASCII
    ]:
        quick, careful = frames(document)
        assert quick == careful and quick is not None
    for document in [
        text + b"\n",  # something after the closing line
        text[:-1],  # no newline after it
        text.replace(b"\n]}\n", b"]}\n"),  # the last event line not ended
        b"\xef\xbb\xbf" + text,  # a byte-order mark before the header
        head + b"]}",
        head,
    ]:
        quick, careful = frames(document)
        assert quick is None
        assert careful is None


def test_an_export_merged_where_there_is_no_log_yet(tmp_path, base):
    text = with_events(exported(base), new_lines(3, spaced=False))
    (tmp_path / "x.json").write_text(text)
    document = read_export_file(tmp_path / "x.json", "x.json")
    assert document.match(tmp_path / "nowhere" / "reviews.jsonl") == 0
    assert len(document) == 43
    here = ProgressStore(tmp_path / "here")
    assert here.merge(read_export_file(tmp_path / "x.json", "x.json")) == 43
    assert len(here.events()) == 43


def test_an_export_of_this_very_log_adds_nothing(tmp_path, base, monkeypatch):
    """Its last event line has no comma: the copy still runs to its end."""
    added, fast = merge(tmp_path, "fast", exported(base), True, monkeypatch)
    assert added == 0
    assert [run[2] for run in fast["runs"]] == [40]
    assert fast["files"]["reviews.jsonl"] == (base / "reviews.jsonl").read_bytes()
