"""The aborted-transaction index (``.txnindex``): Kafka's format, the log's collect and
idempotent append, and the index following its segment through truncation, restart, recovery,
retention, flush and compaction swaps."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from unit.storage.storage_test_helpers import build_batch

from broker.storage import LogConfig, PartitionLog
from broker.storage.names import TXN_INDEX_SUFFIX, offset_file_name
from broker.storage.recovery import log_swap_name
from broker.storage.txn_index import TXN_INDEX_ENTRY_SIZE, AbortedTxn, TransactionIndex
from protocol.records import ControlRecordType, RecordBatchBuilder, build_control_batch

pytestmark = pytest.mark.timeout(60)

OpenLog = Callable[..., PartitionLog]


def txn_batch(producer_id: int, n: int = 1, *, timestamp_ms: int = 0) -> bytes:
    builder = RecordBatchBuilder(
        producer_id=producer_id, producer_epoch=0, base_sequence=0, is_transactional=True
    )
    for i in range(n):
        builder.append(b"v%d" % i, key=b"k%d" % i, timestamp_ms=timestamp_ms)
    return builder.build()


def marker(producer_id: int, *, commit: bool, timestamp_ms: int = 0) -> bytes:
    return build_control_batch(
        ControlRecordType.COMMIT if commit else ControlRecordType.ABORT,
        producer_id=producer_id,
        producer_epoch=0,
        coordinator_epoch=0,
        timestamp_ms=timestamp_ms,
    )


def aborted_txn(log: PartitionLog, producer_id: int, batches: int = 1) -> AbortedTxn:
    """Append ``batches`` transactional batches and an ABORT marker; index and return it."""
    first = log.append_as_leader(txn_batch(producer_id), leader_epoch=0, now_ms=0).first_offset
    for _ in range(batches - 1):
        log.append_as_leader(txn_batch(producer_id), leader_epoch=0, now_ms=0)
    end = log.append_as_leader(marker(producer_id, commit=False), leader_epoch=0, now_ms=0)
    txn = AbortedTxn(producer_id, first, end.first_offset, end.next_offset)
    log.append_aborted_txn(txn)
    return txn


def txn_index_files(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.endswith(TXN_INDEX_SUFFIX))


def test_entry_bytes_are_kafkas(tmp_path: Path) -> None:
    txn = AbortedTxn(producer_id=7, first_offset=10, last_offset=20, last_stable_offset=21)
    expected = struct.pack(">hqqqq", 0, 7, 10, 20, 21)
    assert txn.to_bytes() == expected and len(expected) == TXN_INDEX_ENTRY_SIZE == 34
    path = tmp_path / offset_file_name(0, TXN_INDEX_SUFFIX)
    index = TransactionIndex(path)
    assert index.entries == [] and not path.exists()  # created by the first entry
    index.append(txn)
    index.append(AbortedTxn(8, 15, 30, 31))
    assert path.read_bytes() == expected + struct.pack(">hqqqq", 0, 8, 15, 30, 31)
    assert TransactionIndex(path).entries == [txn, AbortedTxn(8, 15, 30, 31)]
    with pytest.raises(ValueError):
        index.append(AbortedTxn(9, 1, 30, 31))  # markers only move forward


def test_torn_tail_is_cut_at_load(tmp_path: Path) -> None:
    path = tmp_path / offset_file_name(0, TXN_INDEX_SUFFIX)
    good = AbortedTxn(1, 0, 5, 6)
    path.write_bytes(good.to_bytes() + b"\x00\x00\x00\x00\x00\x00\x00\x01\x02")
    index = TransactionIndex(path)
    assert index.entries == [good]
    assert path.stat().st_size == TXN_INDEX_ENTRY_SIZE
    # An entry of an unknown version ends the sound part too.
    path.write_bytes(good.to_bytes() + struct.pack(">hqqqq", 3, 1, 7, 9, 10))
    assert TransactionIndex(path).entries == [good]
    assert path.stat().st_size == TXN_INDEX_ENTRY_SIZE


def test_log_appends_collects_and_ignores_replays(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_bytes=300))
    assert txn_index_files(log.directory) == []
    log.append_as_leader(build_batch([b"plain"]), leader_epoch=0, now_ms=0)
    t1 = aborted_txn(log, 1, batches=2)
    log.append_as_leader(txn_batch(2), leader_epoch=0, now_ms=0)
    t2 = aborted_txn(log, 3)
    t3 = aborted_txn(log, 4)
    assert len(log.segments) > 1
    assert log.first_unstable_offset is None
    end = log.log_end_offset
    assert log.collect_aborted_txns(0, end) == [t1, t2, t3]
    # last_offset >= start and first_offset < upper bound.
    assert log.collect_aborted_txns(t1.last_offset + 1, end) == [t2, t3]
    assert log.collect_aborted_txns(t1.last_offset, t2.first_offset) == [t1]
    assert log.collect_aborted_txns(0, t1.first_offset) == []
    assert log.collect_aborted_txns(end, end) == []
    # Each entry sits in the index of the segment holding its marker.
    for txn in (t1, t2, t3):
        seg = max(
            (s for s in log.segments if s.base_offset <= txn.last_offset),
            key=lambda s: s.base_offset,
        )
        assert txn in seg.txn_index.entries
    # Replays (a restart re-running the markers) change nothing.
    log.append_aborted_txn(t1)
    log.append_aborted_txn(t3)
    assert log.collect_aborted_txns(0, end) == [t1, t2, t3]
    with pytest.raises(ValueError):
        log.append_aborted_txn(AbortedTxn(5, end, end, end + 1))
    # A clean restart keeps them, and replays are still ignored.
    log.close()
    again = open_log(LogConfig(segment_bytes=300))
    assert again.collect_aborted_txns(0, end) == [t1, t2, t3]
    again.append_aborted_txn(t2)
    assert again.collect_aborted_txns(0, end) == [t1, t2, t3]


def test_collect_stops_at_an_entry_whose_lso_reaches_the_bound(tmp_path: Path) -> None:
    index = TransactionIndex(tmp_path / "x.txnindex")
    index.append(AbortedTxn(1, 0, 5, 6))
    index.append(AbortedTxn(2, 7, 9, 20))
    index.append(AbortedTxn(3, 8, 30, 31))
    assert index.collect(0, 10) == ([AbortedTxn(1, 0, 5, 6), AbortedTxn(2, 7, 9, 20)], True)
    assert index.collect(0, 50) == (index.entries, False)


def test_flush_syncs_the_index_first(open_log: OpenLog) -> None:
    log = open_log()
    txn = aborted_txn(log, 1)
    seg = log.active_segment
    assert seg.txn_index.needs_sync and log.is_dirty
    job = log.prepare_flush()
    assert job is not None and job.txn_syncs == [seg.txn_index]
    job.run()
    log.complete_flush(job)
    assert not seg.txn_index.needs_sync and not log.is_dirty
    # A replayed entry dirties nothing.
    log.append_aborted_txn(txn)
    assert log.prepare_flush() is None


def test_truncation_drops_entries_past_the_new_end(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_bytes=300))
    t1 = aborted_txn(log, 1)
    t2 = aborted_txn(log, 2)
    while len(log.segments) < 3:
        log.append_as_leader(build_batch([b"x" * 40]), leader_epoch=0, now_ms=0)
    t3 = aborted_txn(log, 3)
    assert len(txn_index_files(log.directory)) >= 2
    # Cutting off t3's marker only.
    log.truncate_to(t3.last_offset)
    assert log.collect_aborted_txns(0, log.log_end_offset) == [t1, t2]
    # A marker can be indexed again once it is appended again.
    t3b = aborted_txn(log, 3)
    assert log.collect_aborted_txns(0, log.log_end_offset) == [t1, t2, t3b]
    # Into the first segment: later segments and their indexes go.
    log.truncate_to(t2.last_offset)
    assert log.collect_aborted_txns(0, log.log_end_offset) == [t1]
    assert txn_index_files(log.directory) == [offset_file_name(0, TXN_INDEX_SUFFIX)]
    log.truncate_fully_and_start_at(100, now_ms=0)
    assert txn_index_files(log.directory) == []
    assert log.collect_aborted_txns(0, 200) == []
    t4 = aborted_txn(log, 4)
    assert log.collect_aborted_txns(0, 200) == [t4]


def test_unclean_recovery_drops_entries_whose_marker_was_lost(open_log: OpenLog) -> None:
    log = open_log()
    t1 = aborted_txn(log, 1)
    t2 = aborted_txn(log, 2)
    log.flush()
    directory = log.directory
    seg_path = log.active_segment.file.path
    log.close()
    # A crash lost the tail of the log (t2's marker, torn), but its index entry was written.
    with open(seg_path, "r+b") as f:
        f.truncate(os.path.getsize(seg_path) - 5)
    with open(directory / offset_file_name(0, TXN_INDEX_SUFFIX), "ab") as f:
        f.write(b"\x00\x00\x01")  # and a torn entry after it
    again = open_log(clean=False, recovery_point=0)
    assert again.log_end_offset == t2.last_offset
    assert again.collect_aborted_txns(0, 100) == [t1]
    size = (directory / offset_file_name(0, TXN_INDEX_SUFFIX)).stat().st_size
    assert size == TXN_INDEX_ENTRY_SIZE


def test_retention_and_delete_records_delete_the_index(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_bytes=300, retention_ms=1_000))
    while len(log.segments) < 4:
        aborted_txn(log, 1)
    assert len(txn_index_files(log.directory)) >= 3
    log.high_watermark = log.log_end_offset
    second = log.segments[1].base_offset
    log.increase_log_start_offset(second)
    assert offset_file_name(0, TXN_INDEX_SUFFIX) not in txn_index_files(log.directory)
    assert all(t.last_offset >= second for t in log.collect_aborted_txns(0, 1_000))
    # Replaying a marker of a deleted segment is ignored.
    log.append_aborted_txn(AbortedTxn(1, 0, 1, 2))
    assert log.apply_retention(now_ms=100_000) >= 1
    remaining = {s.base_offset for s in log.segments}
    assert {int(n[:20]) for n in txn_index_files(log.directory)} <= remaining
    assert all(t.last_offset >= log.log_start_offset for t in log.collect_aborted_txns(0, 1_000))


def test_committed_swap_renames_the_txn_index(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_bytes=300))
    while len(log.segments) < 3:
        aborted_txn(log, 1)
    bases = [s.base_offset for s in log.segments]
    entries = log.collect_aborted_txns(0, bases[2])
    directory = log.directory
    log.close()
    joined = b"".join((directory / offset_file_name(b, ".log")).read_bytes() for b in bases[:2])
    kept = [t for t in entries if t.last_offset < bases[2]]
    (directory / log_swap_name(bases[0], bases[2])).write_bytes(joined)
    (directory / offset_file_name(bases[0], TXN_INDEX_SUFFIX + ".swap")).write_bytes(
        b"".join(t.to_bytes() for t in kept)
    )
    again = open_log(LogConfig(segment_bytes=300))
    assert [s.base_offset for s in again.segments] == [bases[0], *bases[2:]]
    assert again.collect_aborted_txns(0, bases[2]) == kept
    assert offset_file_name(bases[1], TXN_INDEX_SUFFIX) not in txn_index_files(directory)
    assert not [n for n in os.listdir(directory) if n.endswith(".swap")]


def test_swap_whose_txn_index_is_already_in_place_keeps_it(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_bytes=300))
    while len(log.segments) < 3:
        aborted_txn(log, 1)
    bases = [s.base_offset for s in log.segments]
    kept = [t for t in log.collect_aborted_txns(0, bases[2]) if t.last_offset < bases[2]]
    directory = log.directory
    log.close()
    joined = b"".join((directory / offset_file_name(b, ".log")).read_bytes() for b in bases[:2])
    # The crash came after the new .txnindex was renamed into place, before the log swap was.
    (directory / log_swap_name(bases[0], bases[2])).write_bytes(joined)
    (directory / offset_file_name(bases[0], TXN_INDEX_SUFFIX)).write_bytes(
        b"".join(t.to_bytes() for t in kept)
    )
    again = open_log(LogConfig(segment_bytes=300))
    assert again.collect_aborted_txns(0, bases[2]) == kept
    assert offset_file_name(bases[1], TXN_INDEX_SUFFIX) not in txn_index_files(directory)
