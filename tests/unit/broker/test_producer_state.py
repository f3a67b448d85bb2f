"""The idempotent-producer table: sequence rules, duplicates, epochs, wrap-around, snapshots."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from broker.replication.producer_state import (
    BATCHES_RETAINED,
    ProducerStateTable,
    SnapshotError,
    in_sequence,
)
from protocol.errors import InvalidProducerEpochError, OutOfOrderSequenceNumberError

INT32_MAX = 0x7FFFFFFF
PID = 1000


@dataclass
class Batch:
    epoch: int
    first_seq: int
    count: int = 1

    @property
    def last_seq(self) -> int:
        last = self.first_seq + self.count - 1
        return last if last <= INT32_MAX else last - INT32_MAX - 1


class Log:
    """A table plus a fake log: appends get increasing offsets."""

    def __init__(self) -> None:
        self.table = ProducerStateTable()
        self.next_offset = 0

    def produce(self, b: Batch, now_ms: int = 0) -> tuple[str, int]:
        """('appended'|'duplicate', first offset) or raises."""
        dup = self.table.check(PID, b.epoch, b.first_seq, b.last_seq)
        if dup is not None:
            return "duplicate", dup.first_offset
        first = self.next_offset
        self.next_offset += b.count
        self.table.record(PID, b.epoch, b.last_seq, first, first + b.count - 1, now_ms)
        return "appended", first


OK = "appended"
DUP = "duplicate"
OOS = OutOfOrderSequenceNumberError
EPOCH = InvalidProducerEpochError

# (history of batches already accepted, the new batch, the expected outcome)
CASES = [
    ("first batch from an unknown producer", [], Batch(0, 0), OK),
    ("unknown producer, non-zero sequence (Kafka >= 2.5 accepts)", [], Batch(0, 42), OK),
    ("next in sequence", [Batch(0, 0, 3)], Batch(0, 3), OK),
    ("gap", [Batch(0, 0, 3)], Batch(0, 5), OOS),
    ("sequence goes backwards, not a retained batch", [Batch(0, 0, 3)], Batch(0, 1), OOS),
    ("exact retry of the last batch", [Batch(0, 0, 3)], Batch(0, 0, 3), DUP),
    (
        "retry of the oldest retained batch",
        [Batch(0, i) for i in range(BATCHES_RETAINED)],
        Batch(0, 0),
        DUP,
    ),
    (
        "retry of a batch no longer retained",
        [Batch(0, i) for i in range(BATCHES_RETAINED + 1)],
        Batch(0, 0),
        OOS,
    ),
    ("same first sequence, different length", [Batch(0, 0, 3)], Batch(0, 0, 2), OOS),
    ("older epoch", [Batch(3, 0)], Batch(2, 1), EPOCH),
    ("newer epoch starting at 0", [Batch(3, 0, 10)], Batch(4, 0), OK),
    ("newer epoch not starting at 0", [Batch(3, 0, 10)], Batch(4, 10), OOS),
    ("wrap-around from int32 max to 0", [Batch(0, INT32_MAX - 1, 2)], Batch(0, 0), OK),
    ("batch spanning the wrap", [Batch(0, INT32_MAX - 5, 3)], Batch(0, INT32_MAX - 2, 5), OK),
    (
        "retry of a batch spanning the wrap",
        [Batch(0, INT32_MAX - 2, 5)],
        Batch(0, INT32_MAX - 2, 5),
        DUP,
    ),
    ("after the wrap the sequence continues", [Batch(0, INT32_MAX - 2, 5)], Batch(0, 2), OK),
]


@pytest.mark.parametrize(
    ("history", "batch", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_sequence_rules(history: list[Batch], batch: Batch, expected: object) -> None:
    log = Log()
    for b in history:
        assert log.produce(b)[0] == OK
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            log.produce(batch)
    else:
        assert log.produce(batch)[0] == expected


def test_duplicate_answers_with_the_original_offsets() -> None:
    log = Log()
    log.produce(Batch(0, 0, 4))
    log.produce(Batch(0, 4, 2))
    before = log.next_offset
    assert log.produce(Batch(0, 0, 4)) == (DUP, 0)
    assert log.produce(Batch(0, 4, 2)) == (DUP, 4)
    assert log.next_offset == before


def test_in_sequence() -> None:
    assert in_sequence(4, 5)
    assert in_sequence(INT32_MAX, 0)
    assert not in_sequence(4, 6)
    assert in_sequence(-1, 0)


def test_producers_are_independent() -> None:
    table = ProducerStateTable()
    table.record(1, 0, 9, 0, 9, 0)
    assert table.check(2, 0, 0, 0) is None
    with pytest.raises(OutOfOrderSequenceNumberError):
        table.check(1, 0, 0, 0)


def test_expiry_forgets_idle_producers() -> None:
    table = ProducerStateTable()
    table.record(1, 0, 0, 0, 0, now_ms=1_000)
    table.record(2, 0, 0, 1, 1, now_ms=5_000)
    assert table.expire(now_ms=6_000, expiration_ms=4_000) == 1
    assert table.get(1) is None and table.get(2) is not None
    # Forgotten: any sequence is accepted again (as after Kafka's expiry).
    assert table.check(1, 0, 77, 77) is None


def test_truncate_head_forgets_producers_below_the_log_start() -> None:
    table = ProducerStateTable()
    table.record(1, 0, 0, 0, 4, 0)
    table.record(2, 0, 0, 5, 9, 0)
    assert table.truncate_head(5) == 1
    assert table.get(1) is None and table.get(2) is not None


def test_bounded_number_of_producers_evicts_least_recently_written() -> None:
    table = ProducerStateTable(max_producers=3)
    for pid in range(3):
        table.record(pid, 0, 0, pid, pid, pid)
    table.record(0, 0, 1, 3, 3, 10)  # producer 0 writes again: now most recent
    table.record(9, 0, 0, 4, 4, 11)
    assert len(table) == 3
    assert table.get(1) is None
    assert {0, 2, 9} == {pid for pid in (0, 1, 2, 9) if table.get(pid) is not None}


def test_snapshot_roundtrip_keeps_everything() -> None:
    table = ProducerStateTable()
    for i in range(7):  # batches of 10 records: sequences i*10 .. i*10+9
        table.record(1, 2, i * 10 + 9, i * 10, i * 10 + 9, 100 + i)
    table.record(5, 0, INT32_MAX, 80, 80, 200)
    restored = ProducerStateTable.from_snapshot(table.snapshot())
    for pid in (1, 5):
        a, b = table.get(pid), restored.get(pid)
        assert a is not None and b is not None
        assert (a.producer_epoch, list(a.batches), a.last_update_ms) == (
            b.producer_epoch,
            list(b.batches),
            b.last_update_ms,
        )
    # The restored table still recognises a retry and continues the sequence.
    assert restored.check(1, 2, 60, 69) is not None
    assert restored.check(1, 2, 70, 70) is None
    assert restored.check(5, 0, 0, 0) is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "magic", "trailing"])
def test_damaged_snapshot_is_rejected(damage: str) -> None:
    table = ProducerStateTable()
    table.record(1, 0, 0, 0, 0, 0)
    data = bytearray(table.snapshot())
    if damage == "truncate":
        data = data[:-3]
    elif damage == "flip":
        data[-1] ^= 0xFF
    elif damage == "magic":
        data[0] = 0
    else:
        data += b"\x00"
    with pytest.raises(SnapshotError):
        ProducerStateTable.from_snapshot(bytes(data))


def test_restart_from_snapshot_plus_replay_matches_the_live_table() -> None:
    """A snapshot taken mid-way plus a replay of the later batches' headers rebuilds the same
    state as the table that saw every batch."""
    live = ProducerStateTable()
    log: list[tuple[int, int, int, int, int]] = []  # pid, epoch, last_seq, first, last
    offset = 0
    snapshot = b""
    for i in range(30):
        pid = i % 3
        epoch = 0 if i < 20 else 1
        first_seq = (i // 3) * 2 if epoch == 0 else ((i - 20) // 3) * 2
        last_seq = first_seq + 1
        live.check(pid, epoch, first_seq, last_seq)
        live.record(pid, epoch, last_seq, offset, offset + 1, 0)
        log.append((pid, epoch, last_seq, offset, offset + 1))
        offset += 2
        if i == 14:
            snapshot = live.snapshot()
            snapshot_index = i + 1
    rebuilt = ProducerStateTable.from_snapshot(snapshot)
    for pid, epoch, last_seq, first, last in log[snapshot_index:]:
        rebuilt.replay(pid, epoch, last_seq, first, last, 0)
    for pid in range(3):
        a, b = live.get(pid), rebuilt.get(pid)
        assert a is not None and b is not None
        assert a.producer_epoch == b.producer_epoch
        assert list(a.batches) == list(b.batches)
