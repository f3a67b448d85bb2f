"""Compaction with damaged data: unreadable batches are kept byte for byte and reported once
(across passes and restarts), damaged segments are left alone, and the rest of the log is
compacted. Segments of which nothing survives are deleted, reads across the gap still work."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from support.damaged_batches import bad_gzip_batch, lying_length_batch
from unit.storage.storage_test_helpers import build_batch, read_all

from broker.storage import Cleaner, LogConfig, PartitionLog
from broker.storage.unreadable import UNREADABLE_BATCHES_FILE, UnreadableBatches
from protocol.records import BATCH_HEADER_SIZE, RecordBatch, iter_batches

OpenLog = Callable[..., PartitionLog]
CLEANER_LOGGER = "samsa.storage.cleaner"


def compact_config(**overrides: object) -> LogConfig:
    base: dict[str, object] = {
        "cleanup_policy": "compact",
        "segment_bytes": 400,
        "delete_retention_ms": 1_000,
    }
    return LogConfig.model_validate({**base, **overrides})


def write_keys(log: PartitionLog, pairs: Sequence[tuple[bytes, bytes | None]]) -> None:
    for key, value in pairs:
        log.append_as_leader(build_batch([value], keys=[key]), leader_epoch=0, now_ms=0)


def records_of(log: PartitionLog) -> dict[int, tuple[bytes | None, bytes | None]]:
    """offset -> (key, value) of every readable record."""
    out: dict[int, tuple[bytes | None, bytes | None]] = {}
    for batch in iter_batches(read_all(log)):
        try:
            out.update({r.offset: (r.key, r.value) for r in batch.records()})
        except Exception:
            continue
    return out


def batch_at(log: PartitionLog, offset: int) -> bytes:
    for batch in iter_batches(read_all(log)):
        if batch.base_offset == offset:
            return bytes(batch.buffer)
    raise AssertionError(f"no batch at {offset}")


def warnings_about(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == CLEANER_LOGGER and r.levelno == logging.WARNING and text in r.getMessage()
    ]


@pytest.mark.parametrize("poison", [bad_gzip_batch, lying_length_batch])
def test_an_unreadable_batch_is_kept_reported_once_and_the_rest_is_compacted(
    open_log: OpenLog, caplog: pytest.LogCaptureFixture, poison: Callable[[], bytes]
) -> None:
    caplog.set_level(logging.WARNING, logger=CLEANER_LOGGER)
    log = open_log(compact_config())
    write_keys(log, [(b"k%d" % (i % 3), b"old%02d" % i) for i in range(9)])
    poison_offset = log.log_end_offset
    info = log.append_as_leader(poison(), leader_epoch=0, now_ms=0)  # below produce validation
    assert info.first_offset == poison_offset
    write_keys(log, [(b"k%d" % (i % 3), b"new%02d" % i) for i in range(30)])
    log.high_watermark = log.log_end_offset
    poison_bytes = batch_at(log, poison_offset)

    cleaner = Cleaner()
    first = cleaner.clean(log, now_ms=0, force=True)
    assert first is not None and first.records_removed > 0 and first.unreadable_batches == 1
    # More dirty data, a second pass: the batch is found again but not reported again.
    write_keys(log, [(b"k%d" % (i % 3), b"newer%02d" % i) for i in range(15)])
    log.high_watermark = log.log_end_offset
    second = cleaner.clean(log, now_ms=0, force=True)
    assert second is not None and second.unreadable_batches == 1
    assert cleaner.unreadable_batches == 1

    # The damaged batch is still there, byte for byte; superseded keys elsewhere are gone.
    assert batch_at(log, poison_offset) == poison_bytes
    records = records_of(log)
    active_base = log.active_segment.base_offset
    assert not [o for o, (_, v) in records.items() if v is not None and v.startswith(b"old")]
    cleaned_keys = [k for o, (k, _) in records.items() if o < active_base]
    assert len(cleaned_keys) == len(set(cleaned_keys))  # one record per key below the active
    assert len(warnings_about(caplog, "cannot be read")) == 1
    [message] = warnings_about(caplog, "cannot be read")
    assert f"orders-0: the batch at offset {poison_offset}" in message
    assert (log.directory / UNREADABLE_BATCHES_FILE).exists()

    # A restart (a new cleaner, the log reopened, unclean) stays quiet about it.
    log.close()
    again = open_log(compact_config(), clean=False)
    write_keys(again, [(b"k%d" % (i % 3), b"last%02d" % i) for i in range(15)])
    again.high_watermark = again.log_end_offset
    restarted = Cleaner()
    result = restarted.clean(again, now_ms=0, force=True)
    assert result is not None and result.unreadable_batches == 1
    assert restarted.unreadable_batches == 1
    assert batch_at(again, poison_offset) == poison_bytes
    assert len(warnings_about(caplog, "cannot be read")) == 1


def test_unreadable_keys_do_not_enter_the_offset_map(open_log: OpenLog) -> None:
    # An older readable record whose key the unreadable batch may hold survives: the cleaner
    # cannot know the batch supersedes it.
    log = open_log(compact_config())
    write_keys(log, [(b"p1", b"readable")])
    log.append_as_leader(bad_gzip_batch(), leader_epoch=0, now_ms=0)
    write_keys(log, [(b"filler", b"x" * 40)] * 20)
    log.high_watermark = log.log_end_offset
    Cleaner().clean(log, now_ms=0, force=True)
    assert (b"p1", b"readable") in records_of(log).values()


def corrupt_crc(path: Path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0xFF
    path.write_bytes(bytes(data))


def append_garbage(path: Path, position: int) -> None:
    with path.open("ab") as f:
        f.write(b"\x00" * 11 + b"\x7f")  # not even a batch length prefix's worth of sense


@pytest.mark.parametrize("damage", [corrupt_crc, append_garbage])
def test_a_damaged_segment_is_left_alone_and_reported_once(
    open_log: OpenLog,
    caplog: pytest.LogCaptureFixture,
    damage: Callable[[Path, int], None],
) -> None:
    caplog.set_level(logging.WARNING, logger=CLEANER_LOGGER)
    log = open_log(compact_config())
    write_keys(log, [(b"k%d" % (i % 3), b"v%02d" % i) for i in range(40)])
    log.high_watermark = log.log_end_offset
    victim = log.segments[2]
    victim_base = victim.base_offset
    victim_path = victim.file.path
    log.close()
    damage(victim_path, BATCH_HEADER_SIZE + 5)  # inside the first batch's records
    damaged_bytes = victim_path.read_bytes()

    log = open_log(compact_config())
    log.high_watermark = log.log_end_offset
    cleaner = Cleaner()
    result = cleaner.clean(log, now_ms=0, force=True)
    assert result is not None and result.damaged_segments == 1 and result.records_removed > 0
    assert not result.groups_aborted
    assert victim_base in [s.base_offset for s in log.segments]
    assert victim_path.read_bytes() == damaged_bytes
    # A second pass over new data leaves it alone again, quietly.
    write_keys(log, [(b"k%d" % (i % 3), b"w%02d" % i) for i in range(20)])
    log.high_watermark = log.log_end_offset
    assert cleaner.clean(log, now_ms=0, force=True) is not None
    assert victim_path.read_bytes() == damaged_bytes
    assert cleaner.damaged_segments == 1
    [message] = warnings_about(caplog, "is damaged")
    assert victim_path.name in message
    # Elsewhere, one record per key (the damaged segment's keys did not enter the map, so
    # older copies of them outside it may survive, never more than one per segment run).
    below = [o for o in records_of(log) if o < victim_base]
    assert len(below) <= 3


def test_damage_found_while_rewriting_aborts_one_group_then_is_skipped(
    open_log: OpenLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=CLEANER_LOGGER)
    log = open_log(compact_config())
    write_keys(log, [(b"k%d" % i, b"v%02d" % i) for i in range(30)])  # unique keys: survive
    log.high_watermark = log.log_end_offset
    cleaner = Cleaner()
    assert cleaner.clean(log, now_ms=0, force=True) is not None
    checkpoint = log.cleaner_checkpoint
    # The cleaned (no longer dirty) second segment rots on disk.
    victim = log.segments[1]
    corrupt_crc(victim.file.path, BATCH_HEADER_SIZE + 3)
    write_keys(log, [(b"k%d" % i, b"w%02d" % i) for i in range(30)])
    log.high_watermark = log.log_end_offset
    found = cleaner.clean(log, now_ms=0, force=True)
    assert found is not None and found.groups_aborted == 1
    assert log.cleaner_checkpoint == checkpoint  # this pass does not count as complete
    done = cleaner.clean(log, now_ms=0, force=True)
    assert done is not None and done.groups_aborted == 0 and done.damaged_segments == 1
    assert log.cleaner_checkpoint > checkpoint
    assert len(warnings_about(caplog, "is damaged")) == 1
    assert not [n for n in os.listdir(log.directory) if n.endswith(".cleaned")]


def test_the_record_of_findings_survives_and_is_pruned(tmp_path: Path) -> None:
    found = UnreadableBatches.load(tmp_path)
    assert found.add_batch(10, 1234) and not found.add_batch(10, 1234)
    assert found.add_batch(10, 999)  # another batch at the same offset (after a truncation)
    assert found.add_segment(100, 4096) and not found.add_segment(100, 4096)
    again = UnreadableBatches.load(tmp_path)
    assert (again.batches, again.segments) == ({10: 999}, {100: 4096})
    again.prune(log_start_offset=11, log_end_offset=500, bases={0, 200})
    assert (UnreadableBatches.load(tmp_path).batches, again.segments) == ({}, {})
    (tmp_path / UNREADABLE_BATCHES_FILE).write_text("garbage\n")
    assert UnreadableBatches.load(tmp_path).batches == {}


# -- empty segments ----------------------------------------------------------------------------


def first_batch_from(log: PartitionLog, offset: int) -> RecordBatch | None:
    with log.read(offset, 1 << 16) as piece:
        data = piece.read_bytes()
    return next(iter(iter_batches(data)), None)


def check_reads_across(
    log: PartitionLog, expected: dict[int, tuple[bytes | None, bytes | None]]
) -> None:
    """Every offset from the log start reads the first surviving batch at or after it."""
    survivors = sorted(expected)
    for offset in range(log.log_start_offset, log.log_end_offset):
        batch = first_batch_from(log, offset)
        later = [o for o in survivors if o >= offset]
        if not later:
            assert batch is None
            continue
        assert batch is not None and batch.base_offset <= later[0] <= batch.last_offset


def test_segments_emptied_by_compaction_are_deleted(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    write_keys(log, [(b"a%d" % i, b"x" * 20) for i in range(5)])  # survive
    write_keys(log, [(b"y", b"y%02d" % i) for i in range(30)])  # all but the newest go
    write_keys(log, [(b"z%d" % i, b"z" * 20) for i in range(10)])
    write_keys(log, [(b"y", b"final")])
    log.roll(0)  # the newest "y" in a closed segment too
    log.high_watermark = log.log_end_offset
    start, end = log.log_start_offset, log.log_end_offset
    segments_before = len(log.segments)
    result = Cleaner().clean(log, now_ms=0, force=True)
    assert result is not None and result.segments_deleted > 0
    assert len(log.segments) == segments_before - result.segments_deleted
    assert [s for s in log.segments[:-1] if s.size == 0] == []
    names = os.listdir(log.directory)
    bases = {s.base_offset for s in log.segments}
    for name in names:
        if name.endswith((".log", ".index", ".timeindex")):
            assert int(name[:20]) in bases, name  # no orphan files
    assert (log.log_start_offset, log.log_end_offset) == (start, end)
    expected = records_of(log)
    assert list(expected.values()).count((b"y", b"final")) == 1
    assert not [v for k, v in expected.values() if k == b"y" and v != b"final"]
    check_reads_across(log, expected)
    # Restarts, clean and unclean, see the same log.
    log.close()
    for clean in (True, False):
        again = open_log(compact_config(), clean=clean, log_start_offset=start)
        assert (again.log_start_offset, again.log_end_offset) == (start, end)
        assert records_of(again) == expected
        check_reads_across(again, expected)
        again.close()


def test_an_emptied_first_segment_stays_to_anchor_the_log_start(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    write_keys(log, [(b"y", b"y%02d" % i) for i in range(12)])
    write_keys(log, [(b"z%d" % i, b"z" * 20) for i in range(10)])
    write_keys(log, [(b"y", b"final")])
    log.roll(0)  # the newest "y" in a closed segment too
    log.high_watermark = log.log_end_offset
    Cleaner().clean(log, now_ms=0, force=True)
    assert log.segments[0].base_offset == 0 and log.log_start_offset == 0
    assert [s for s in log.segments[1:-1] if s.size == 0] == []
    expected = records_of(log)
    check_reads_across(log, expected)
    log.close()
    again = open_log(compact_config())
    assert again.log_start_offset == 0
    check_reads_across(again, expected)
