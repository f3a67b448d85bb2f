"""Compaction of transactional data: aborted transactions' batches removed (and no key of them
in the offset map), committed ones kept, markers kept until nothing of their transaction is
left and they are past ``delete.retention.ms``, the cleaned segment's ``.txnindex``, and no
cleaning at or past the first unstable offset."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from unit.storage.storage_test_helpers import build_batch, read_all

from broker.storage import Cleaner, LogConfig, PartitionLog
from broker.storage.names import TXN_INDEX_SUFFIX
from broker.storage.txn_index import AbortedTxn
from protocol.records import (
    ControlRecordType,
    RecordBatchBuilder,
    build_control_batch,
    iter_batches,
)

pytestmark = pytest.mark.timeout(60)

OpenLog = Callable[..., PartitionLog]


def compact_config() -> LogConfig:
    return LogConfig.model_validate(
        {"cleanup_policy": "compact", "segment_bytes": 400, "delete_retention_ms": 1_000}
    )


def append(log: PartitionLog, data: bytes) -> int:
    return log.append_as_leader(data, leader_epoch=0, now_ms=0).first_offset


def txn(log: PartitionLog, producer_id: int, key: bytes, value: bytes) -> int:
    builder = RecordBatchBuilder(
        producer_id=producer_id, producer_epoch=0, base_sequence=0, is_transactional=True
    )
    builder.append(value, key=key, timestamp_ms=0)
    return append(log, builder.build())


def end_txn(log: PartitionLog, producer_id: int, *, commit: bool) -> int:
    control = ControlRecordType.COMMIT if commit else ControlRecordType.ABORT
    data = build_control_batch(
        control, producer_id=producer_id, producer_epoch=0, coordinator_epoch=0, timestamp_ms=0
    )
    return append(log, data)


def plain(log: PartitionLog, key: bytes, value: bytes, *, timestamp_ms: int = 0) -> int:
    return append(log, build_batch([value], keys=[key], timestamp_ms=timestamp_ms))


def content(log: PartitionLog) -> list[tuple[int, str, bytes | None, bytes | None]]:
    """``(offset, kind, key, value)`` of every record; kind: plain, txn, COMMIT, ABORT."""
    out: list[tuple[int, str, bytes | None, bytes | None]] = []
    for batch in iter_batches(read_all(log)):
        if batch.is_control:
            name = ControlRecordType(batch.control_record().type).name
            out.append((batch.base_offset, name, None, None))
            continue
        kind = "txn" if batch.is_transactional else "plain"
        out.extend((r.offset, kind, r.key, r.value) for r in batch.records())
    return out


def fill(log: PartitionLog, segments: int, *, timestamp_ms: int = 0) -> None:
    """Plain records of a filler key until the log has ``segments`` segments."""
    while len(log.segments) < segments:
        plain(log, b"filler", b"f" * 60, timestamp_ms=timestamp_ms)
    log.high_watermark = log.log_end_offset


def test_aborted_data_removed_committed_kept_markers_kept(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    a1 = txn(log, 1, b"k1", b"committed-1")
    x1 = txn(log, 2, b"k1", b"aborted-1")
    x2 = txn(log, 2, b"k2", b"aborted-2")
    a2 = txn(log, 1, b"k2", b"committed-2")
    commit = end_txn(log, 1, commit=True)
    abort = end_txn(log, 2, commit=False)
    entry = AbortedTxn(2, x1, abort, abort + 1)
    log.append_aborted_txn(entry)
    fill(log, 4)
    result = Cleaner().clean(log, now_ms=0, force=True)
    assert result is not None
    got = content(log)
    # The aborted records are gone and their keys superseded nothing.
    assert (a1, "txn", b"k1", b"committed-1") in got
    assert (a2, "txn", b"k2", b"committed-2") in got
    assert not [r for r in got if r[0] in (x1, x2)]
    # Markers stay (the abort marker for at least this pass), with the index entry.
    assert (commit, "COMMIT", None, None) in got and (abort, "ABORT", None, None) in got
    assert log.collect_aborted_txns(0, log.log_end_offset) == [entry]
    holder = [s for s in log.segments if s.base_offset <= abort][-1]
    assert holder.txn_index.entries == [entry]
    # The marker's segment was rewritten (its filler records are gone).
    assert holder.base_offset in [base for base, _ in result.groups]
    # Reopening finds the cleaned segment's index on disk.
    log.close()
    again = open_log(compact_config())
    assert again.collect_aborted_txns(0, again.log_end_offset) == [entry]


def test_markers_go_once_their_transaction_is_gone_and_old(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    txn(log, 1, b"k1", b"committed")
    commit = end_txn(log, 1, commit=True)
    x = txn(log, 2, b"k2", b"aborted")
    abort = end_txn(log, 2, commit=False)
    log.append_aborted_txn(AbortedTxn(2, x, abort, abort + 1))
    plain(log, b"k1", b"newer")  # supersedes the committed record
    fill(log, 4)
    cleaner = Cleaner()
    cleaner.clean(log, now_ms=0, force=True)
    kinds = {r[0]: r[1] for r in content(log)}
    # Pass 1: the transactions' batches were met (the committed one removed as superseded,
    # the aborted one as aborted): both markers stay.
    assert kinds[commit] == "COMMIT" and kinds[abort] == "ABORT" and x not in kinds
    # Pass 2, within delete.retention.ms: still kept.
    fill(log, len(log.segments) + 2, timestamp_ms=5_000)
    cleaner.clean(log, now_ms=500, force=True)
    kinds = {r[0]: r[1] for r in content(log)}
    assert kinds[commit] == "COMMIT" and kinds[abort] == "ABORT"
    # Pass 3, past it: nothing of either transaction is left, so the markers go, and the abort
    # marker's index entry with it.
    fill(log, len(log.segments) + 2, timestamp_ms=5_000)
    cleaner.clean(log, now_ms=2_000, force=True)
    kinds = {r[0]: r[1] for r in content(log)}
    assert commit not in kinds and abort not in kinds
    assert log.collect_aborted_txns(0, log.log_end_offset) == []
    names = os.listdir(log.directory)
    assert not [n for n in names if n.endswith(TXN_INDEX_SUFFIX)]


def test_committed_marker_stays_while_its_data_does(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    kept = txn(log, 1, b"only", b"value")
    commit = end_txn(log, 1, commit=True)
    fill(log, 4)
    cleaner = Cleaner()
    for now_ms in (0, 5_000, 10_000):
        fill(log, len(log.segments) + 1, timestamp_ms=now_ms)
        cleaner.clean(log, now_ms=now_ms, force=True)
    kinds = {r[0]: r[1] for r in content(log)}
    assert kinds[kept] == "txn" and kinds[commit] == "COMMIT"


def test_cleaner_stops_at_first_unstable_offset(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    for i in range(6):
        plain(log, b"k", b"old-%d" % i)
    fill(log, 3)
    open_first = txn(log, 7, b"k", b"open")
    for i in range(6):
        plain(log, b"k", b"late-%d" % i)
    fill(log, 6)
    log.first_unstable_offset = open_first
    cleaner = Cleaner()
    for _seg, upper in cleaner.cleanable_segments(log):
        assert upper <= open_first
    result = cleaner.clean(log, now_ms=0, force=True)
    assert result is not None and result.end_offset <= open_first
    assert log.cleaner_checkpoint <= open_first
    got = content(log)
    # Nothing at or past the open transaction was touched.
    assert (open_first, "txn", b"k", b"open") in got
    assert [v for o, _, k, v in got if k == b"k" and o > open_first] == [
        b"late-%d" % i for i in range(6)
    ]
    # Below it, compaction ran: only the newest "old" value of k survives there.
    assert [v for o, _, k, v in got if k == b"k" and o < open_first] == [b"old-5"]
    # Once the transaction completes, the rest can be cleaned.
    end_txn(log, 7, commit=True)
    fill(log, len(log.segments) + 1)
    log.first_unstable_offset = None
    cleaner.clean(log, now_ms=0, force=True)
    assert [v for _, _, k, v in content(log) if k == b"k"] == [b"late-5"]


def test_marker_kept_when_its_data_is_in_an_earlier_group(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    data = txn(log, 1, b"kept", b"value")
    for i in range(8):  # distinct keys: all survive, so the groups stay apart
        plain(log, b"key-%d" % i, b"x" * 60)
    commit = end_txn(log, 1, commit=True)
    fill(log, len(log.segments) + 2)
    cleaner = Cleaner()
    for now_ms in (0, 10_000, 20_000):
        fill(log, len(log.segments) + 1, timestamp_ms=now_ms)
        result = cleaner.clean(log, now_ms=now_ms, force=True)
        assert result is not None and len(result.groups) > 1
    kinds = {r[0]: r[1] for r in content(log)}
    assert kinds[data] == "txn" and kinds[commit] == "COMMIT"
    holder = [s for s in log.segments if s.base_offset <= commit][-1]
    assert holder.base_offset > data


def test_one_producers_aborted_and_committed_transactions_in_turn(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    expected: list[int] = []
    for round_ in range(4):
        first = txn(log, 9, b"r%d" % round_, b"v")
        second = txn(log, 9, b"s%d" % round_, b"v")
        if round_ % 2:
            end = end_txn(log, 9, commit=False)
            log.append_aborted_txn(AbortedTxn(9, first, end, end + 1))
        else:
            end_txn(log, 9, commit=True)
            expected += [first, second]
    fill(log, len(log.segments) + 2)
    Cleaner().clean(log, now_ms=0, force=True)
    assert [o for o, kind, _, _ in content(log) if kind == "txn"] == expected
