"""An export passes through the log's blocks an earlier export found to hold only lines as
this program writes them, without checking them again; a block changed in any way is
checked again, and a lost or damaged record only costs the check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import reviewlog
from mlprep.model import Grade
from mlprep.progress import ProgressStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 2048)  # a short log in many blocks


@pytest.fixture
def checks(monkeypatch):
    """The blocks whose lines the pattern checks, by how many lines they have."""
    checked: list[int] = []
    original = reviewlog.ReviewLog.fast_count

    def counting(block):
        checked.append(block.count(b"\n"))
        return original(block)

    monkeypatch.setattr(reviewlog.ReviewLog, "fast_count", staticmethod(counting))
    return checked


def answered(directory, count: int, start: int = 0) -> ProgressStore:
    store = ProgressStore(directory).load()
    for number in range(start, start + count):
        when = T0 + timedelta(hours=number)
        store.record(f"c{number % 7}", Grade(1 + number % 4), "quiz", 1500, when)
    return store


def export(directory, record) -> bytes:
    return b"".join(ProgressStore(directory).export_bytes(T0, record))


def test_a_second_export_checks_no_block_again_and_writes_the_same(tmp_path, small_blocks, checks):
    answered(tmp_path, 60)
    record = tmp_path / "cache" / "log.checked"
    plain = export(tmp_path, None)
    assert len(checks) > 3
    checks.clear()
    assert export(tmp_path, record) == plain and len(checks) > 3 and record.exists()
    checks.clear()
    assert export(tmp_path, record) == plain and checks == []
    # answers appended: only the log's new end is checked
    answered(tmp_path, 20, start=60)
    checks.clear()
    longer = export(tmp_path, record)
    assert 0 < len(checks) < 4
    assert longer == export(tmp_path, None) and len(json.loads(longer)["events"]) == 80


def test_a_block_changed_in_place_is_checked_again(tmp_path, small_blocks, checks):
    answered(tmp_path, 40)
    record = tmp_path / "log.checked"
    export(tmp_path, record)
    log = tmp_path / "reviews.jsonl"
    data = log.read_bytes()
    # one line rewritten as valid JSON of the same length, though not as mlprep writes it
    # (a space after a colon, one dropped from the id): the export must normalise it
    line = data.split(b"\n")[5]
    changed = line.replace(b'"grade":', b'"grade": ', 1).replace(b'"ms":1500', b'"ms":150', 1)
    assert len(changed) == len(line) and changed != line
    log.write_bytes(data.replace(line, changed))
    checks.clear()
    fresh = export(tmp_path, record)
    assert len(checks) == 1  # the changed block, and only it
    assert fresh == export(tmp_path, None)
    assert b'"grade": ' not in fresh


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe3\x00\x00"])
def test_a_lost_or_damaged_record_only_costs_the_check(tmp_path, small_blocks, damage):
    answered(tmp_path, 30)
    record = tmp_path / "log.checked"
    record.write_bytes(damage)
    assert export(tmp_path, record) == export(tmp_path, None)
    assert export(tmp_path, record) == export(tmp_path, None)


def test_a_record_made_with_another_pattern_is_not_used(tmp_path, small_blocks, checks):
    from mlprep import logcheck

    answered(tmp_path, 30)
    record = tmp_path / "log.checked"
    export(tmp_path, record)
    checks.clear()
    export(tmp_path, record)
    assert checks == []
    stored = record.read_bytes()
    assert logcheck._TAG.encode() in stored
    record.write_bytes(stored.replace(logcheck._TAG.encode()[-8:], b"00000000"))
    export(tmp_path, record)
    assert checks  # checked again with this version's pattern
