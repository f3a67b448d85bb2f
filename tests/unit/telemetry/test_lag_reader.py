"""``LagReader.lag_seconds``: the age of the record at the committed offset, read from one
batch and cached by (partition, offset) in a bounded cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import pytest

from broker.http.lag import LagReader
from broker.replication.partition import Partition
from protocol.records import RecordBatchBuilder, TimestampType
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(10)

T0 = 1_700_000_000_000


def batch(
    base_offset: int, stamps: list[int], kind: TimestampType = TimestampType.CREATE_TIME
) -> bytes:
    builder = RecordBatchBuilder(base_offset=base_offset, timestamp_type=kind)
    for ts in stamps:
        builder.append(b"v", timestamp_ms=ts)
    return builder.build()


@dataclass
class Slice:
    data: bytes
    released: bool = False

    @property
    def length(self) -> int:
        return len(self.data)

    def read_bytes(self) -> bytes:
        return self.data

    def release(self) -> None:
        self.released = True


@dataclass
class Log:
    log_start_offset: int = 0


@dataclass
class FakePartition:
    """The part of a ``Partition`` the reader uses: batches by base offset, one read each."""

    batches: dict[int, bytes]
    tp: TopicPartition = field(default_factory=lambda: TopicPartition("t", 0))
    log: Log = field(default_factory=Log)
    reads: list[int] = field(default_factory=list)
    slices: list[Slice] = field(default_factory=list)

    def read(
        self, offset: int, max_bytes: int, *, min_one_batch: bool, committed_only: bool
    ) -> Slice:
        assert (max_bytes, min_one_batch, committed_only) == (1, True, True)
        self.reads.append(offset)
        base = max(b for b in self.batches if b <= offset)
        found = Slice(self.batches[base])
        self.slices.append(found)
        return found


def age(
    reader: LagReader, partition: FakePartition, committed: int, now_ms: int, lag: int = 1
) -> float | None:
    return reader.lag_seconds(cast(Partition, partition), committed, lag, now_ms)


def test_the_age_is_the_timestamp_of_the_record_at_the_committed_offset() -> None:
    partition = FakePartition({0: batch(0, [T0, T0 + 1000, T0 + 5000]), 3: batch(3, [T0 + 9000])})
    reader = LagReader()
    assert age(reader, partition, 0, T0 + 10_000) == 10.0
    assert age(reader, partition, 2, T0 + 10_000) == 5.0  # mid-batch: the record's own time
    assert age(reader, partition, 3, T0 + 10_000) == 1.0
    assert all(s.released for s in partition.slices)


def test_zero_lag_is_zero_seconds_without_reading() -> None:
    partition = FakePartition({0: batch(0, [T0])})
    reader = LagReader()
    assert age(reader, partition, 1, T0 + 60_000, lag=0) == 0.0
    assert partition.reads == []


def test_log_append_time_batches_use_the_brokers_time_and_future_times_count_as_zero() -> None:
    partition = FakePartition({0: batch(0, [T0, T0 + 2000], TimestampType.LOG_APPEND_TIME)})
    reader = LagReader()
    assert age(reader, partition, 1, T0 + 3000) == 1.0
    assert age(reader, partition, 0, T0 - 5000) == 0.0  # (cached: the same record)


def test_an_offset_below_the_log_start_reads_the_first_record_still_there() -> None:
    partition = FakePartition({10: batch(10, [T0 + 4000])}, log=Log(log_start_offset=10))
    reader = LagReader()
    assert age(reader, partition, 2, T0 + 5000) == 1.0
    assert partition.reads == [10]


def test_timestamps_are_cached_in_a_bounded_least_recently_used_cache() -> None:
    partition = FakePartition({0: batch(0, [T0 + i for i in range(5)])})
    reader = LagReader(max_cached=2)
    for committed in (0, 1, 0, 2, 0, 1):
        age(reader, partition, committed, T0 + 10)
    # 0 stays (used again before each eviction); 1 was evicted by 2, so it is read again.
    assert partition.reads == [0, 1, 2, 1]
    assert reader.reads == 4
