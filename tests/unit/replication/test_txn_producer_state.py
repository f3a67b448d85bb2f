"""``ProducerStateTable`` and transactions: open, continue, commit, abort, fenced markers,
the first unstable offset and snapshots (version 2, and version 1 still read)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import crc32c
import pytest

from broker.replication.producer_state import CompletedTxn, ProducerStateTable
from protocol.errors import (
    InvalidProducerEpochError,
    InvalidTxnStateError,
    KafkaError,
    OutOfOrderSequenceNumberError,
    TransactionCoordinatorFencedError,
)

pytestmark = pytest.mark.timeout(30)

PID = 7


@dataclass(frozen=True)
class Batch:
    """A data batch of producer PID: epoch, first sequence, record count, offsets."""

    epoch: int
    seq: int
    count: int
    offset: int
    txn: bool = True


@dataclass(frozen=True)
class Marker:
    epoch: int
    coordinator_epoch: int
    offset: int
    commit: bool


Step = Batch | Marker


def _run(table: ProducerStateTable, step: Step) -> CompletedTxn | None:
    if isinstance(step, Batch):
        last_seq = step.seq + step.count - 1
        table.check(PID, step.epoch, step.seq, last_seq, is_transactional=step.txn)
        table.record(
            PID, step.epoch, last_seq, step.offset, step.offset + step.count - 1, 0, step.txn
        )
        return None
    return table.complete_txn(PID, step.epoch, step.coordinator_epoch, step.offset, step.commit)


# (name, steps before, the step under test, its error or None, open first offset after it,
# the completed transaction it returns)
CASES: list[tuple[str, list[Step], Step, type[KafkaError] | None, int, CompletedTxn | None]] = [
    ("begin", [], Batch(0, 0, 2, 10), None, 10, None),
    ("continue", [Batch(0, 0, 2, 10)], Batch(0, 2, 1, 12), None, 10, None),
    (
        "commit",
        [Batch(0, 0, 2, 10)],
        Marker(0, 1, 12, True),
        None,
        -1,
        CompletedTxn(PID, 10, 12, False),
    ),
    (
        "abort",
        [Batch(0, 0, 2, 10)],
        Marker(0, 1, 12, False),
        None,
        -1,
        CompletedTxn(PID, 10, 12, True),
    ),
    (
        "abort with a bumped epoch (fencing)",
        [Batch(0, 0, 2, 10)],
        Marker(1, 1, 12, False),
        None,
        -1,
        CompletedTxn(PID, 10, 12, True),
    ),
    (
        "marker with no open transaction",
        [Batch(0, 0, 1, 3, txn=False)],
        Marker(0, 1, 4, True),
        None,
        -1,
        None,
    ),
    ("marker for an unknown producer", [], Marker(0, 1, 4, True), None, -1, None),
    (
        "marker with an older producer epoch",
        [Batch(2, 0, 1, 10)],
        Marker(1, 1, 11, False),
        InvalidProducerEpochError,
        10,
        None,
    ),
    (
        "marker with an older coordinator epoch",
        [Batch(0, 0, 1, 1), Marker(0, 5, 2, True), Batch(0, 1, 1, 10)],
        Marker(0, 4, 11, True),
        TransactionCoordinatorFencedError,
        10,
        None,
    ),
    (
        "non-transactional batch while a transaction is open",
        [Batch(0, 0, 1, 10)],
        Batch(0, 1, 1, 11, txn=False),
        InvalidTxnStateError,
        10,
        None,
    ),
    (
        "next transaction after a commit",
        [Batch(0, 0, 1, 10), Marker(0, 1, 11, True)],
        Batch(0, 1, 1, 12),
        None,
        12,
        None,
    ),
    (
        "newer epoch must start at sequence 0",
        [Batch(0, 0, 1, 10), Marker(0, 1, 11, False)],
        Batch(1, 5, 1, 12),
        OutOfOrderSequenceNumberError,
        -1,
        None,
    ),
    (
        "after a marker's epoch bump, that epoch's sequences start afresh",
        [Batch(0, 0, 3, 10), Marker(1, 1, 13, False)],
        Batch(1, 0, 1, 14),
        None,
        14,
        None,
    ),
    (
        "a batch of a newer epoch keeps the open transaction",
        [Batch(0, 0, 1, 10)],
        Batch(1, 0, 1, 11),
        None,
        10,
        None,
    ),
    (
        "zombie batch after the fencing marker",
        [Batch(0, 0, 1, 10), Marker(1, 1, 11, False)],
        Batch(0, 1, 1, 12),
        InvalidProducerEpochError,
        -1,
        None,
    ),
]


@pytest.mark.parametrize(
    ("before", "step", "error", "open_first", "completed"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_transitions(
    before: list[Step],
    step: Step,
    error: type[KafkaError] | None,
    open_first: int,
    completed: CompletedTxn | None,
) -> None:
    table = ProducerStateTable()
    for s in before:
        _run(table, s)
    if error is not None:
        with pytest.raises(error):
            _run(table, step)
    else:
        assert _run(table, step) == completed
    entry = table.get(PID)
    assert (entry.current_txn_first_offset if entry else -1) == open_first
    if isinstance(step, Marker) and error is None and entry is not None:
        assert entry.producer_epoch == step.epoch  # the marker's epoch is the producer's now
        assert entry.coordinator_epoch == step.coordinator_epoch


def test_first_unstable_offset_counts_open_and_unreplicated_transactions() -> None:
    table = ProducerStateTable()
    assert table.first_unstable_offset() is None
    table.record(1, 0, 0, 5, 5, 0, True)
    table.record(2, 0, 0, 6, 6, 0, True)
    table.record(3, 0, 0, 7, 7, 0, False)
    assert table.first_unstable_offset() == 5
    done = table.complete_txn(1, 0, 0, 8, False)
    assert done == CompletedTxn(1, 5, 8, True)
    assert table.first_unstable_offset() == 5  # its marker is not replicated yet
    assert table.first_open_offset() == 6
    assert table.prune_replicated(8) is False  # the high watermark must pass the marker
    assert table.prune_replicated(9) is True
    assert table.first_unstable_offset() == 6
    table.complete_txn(2, 0, 0, 9, True)
    table.prune_replicated(10)
    assert table.first_unstable_offset() is None
    assert table.open_transactions() == {}


def test_open_transactions_do_not_expire_nor_go_with_the_log_head() -> None:
    table = ProducerStateTable(max_producers=2)
    table.record(1, 0, 0, 0, 0, 0, True)
    table.record(2, 0, 0, 1, 1, 0, False)
    assert table.expire(10_000, 100) == 1  # only producer 2
    assert table.truncate_head(50) == 0
    table.record(3, 0, 0, 2, 2, 0, False)
    table.record(4, 0, 0, 3, 3, 0, False)  # past the bound: producer 3 goes, not 1
    assert table.get(1) is not None and table.get(3) is None


def test_a_marker_keeps_the_producer_past_the_log_head() -> None:
    table = ProducerStateTable()
    table.record(1, 0, 0, 0, 0, 0, True)
    table.complete_txn(1, 1, 3, 1, False)  # epoch bump: its batches are forgotten
    assert table.truncate_head(10) == 0
    with pytest.raises(InvalidProducerEpochError):
        table.check(1, 0, 1, 1)  # the fenced epoch stays fenced


@pytest.mark.parametrize("open_txn", [True, False])
def test_snapshot_round_trip(open_txn: bool) -> None:
    table = ProducerStateTable()
    table.record(1, 3, 4, 10, 14, 99, open_txn)
    table.complete_txn(2, 0, 0, 15, True)  # unknown: no entry
    table.record(2, 0, 0, 16, 16, 100, True)
    table.complete_txn(2, 0, 6, 17, True)
    back = ProducerStateTable.from_snapshot(table.snapshot())
    one, two = back.get(1), back.get(2)
    assert one is not None and two is not None
    assert one.current_txn_first_offset == (10 if open_txn else -1)
    assert (two.current_txn_first_offset, two.coordinator_epoch) == (-1, 6)
    assert back.first_open_offset() == (10 if open_txn else None)
    assert list(one.batches) == list(table.get(1).batches)  # type: ignore[union-attr]
    if open_txn:
        assert back.complete_txn(1, 3, 0, 20, False) == CompletedTxn(1, 10, 20, True)


def test_version_1_snapshots_still_read() -> None:
    body = struct.pack(">qhqb", 5, 2, 1234, 1) + struct.pack(">iqiq", 9, 40, 9, 1200)
    data = struct.pack(">4sIi", b"SPS\x01", crc32c.crc32c(body), 1) + body
    table = ProducerStateTable.from_snapshot(data)
    entry = table.get(5)
    assert entry is not None
    assert (entry.producer_epoch, entry.last_seq, entry.last_offset) == (2, 9, 40)
    assert (entry.current_txn_first_offset, entry.coordinator_epoch) == (-1, -1)
    assert table.first_unstable_offset() is None


def test_coordinator_writes_skip_the_sequence_checks() -> None:
    table = ProducerStateTable()
    table.record(PID, 1, -1, 0, 0, 0, True)
    assert table.check(PID, 1, -1, -1, is_transactional=True, validate_sequence=False) is None
    with pytest.raises(InvalidProducerEpochError):
        table.check(PID, 0, -1, -1, is_transactional=True, validate_sequence=False)
