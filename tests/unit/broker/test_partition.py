"""``Partition``: high watermark, acks=all waiters, committed-byte counts, epoch checks."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.waiting import eventually
from support.wire import make_batch

from broker.metadata.image import PartitionImage
from broker.replication.partition import Partition
from broker.replication.producer_state import ProducerStateTable
from broker.storage.manager import LogManager
from protocol.errors import ErrorCode, NotLeaderOrFollowerError
from protocol.records import RecordBatch, iter_batches
from protocol.types import TopicPartition

TP = TopicPartition("t", 0)


@pytest.fixture
def partition(tmp_path: Path) -> Iterator[Partition]:
    manager = LogManager([tmp_path])
    manager.startup(now_ms=0)
    log = manager.get_or_create_log(TP, now_ms=0)
    state = PartitionImage(0, (1,), (1,), 1, 3, 0)
    yield Partition(TP, uuid.uuid4(), log, state, node_id=1, producers=ProducerStateTable())
    manager.shutdown()


def _append(p: Partition, *values: bytes) -> int:
    return p.append_records_as_leader(
        make_batch(list(values)), required_acks=1, now_ms=0
    ).next_offset


async def test_waiters_are_released_when_the_high_watermark_passes(partition: Partition) -> None:
    end = _append(partition, b"a", b"b")
    assert partition.high_watermark == 0
    waiter = asyncio.create_task(partition.wait_for_high_watermark(end, 5))
    await eventually(lambda: partition._waiters, what="the waiter registered")
    assert partition.maybe_advance_high_watermark(1) is True
    await asyncio.sleep(0)  # a chance to run for a waiter woken too early
    assert not waiter.done()
    partition.maybe_advance_high_watermark(end)
    assert await asyncio.wait_for(waiter, 5) is True
    assert partition.maybe_advance_high_watermark(end) is False  # no move, no wake


async def test_timeout_and_failure(partition: Partition) -> None:
    end = _append(partition, b"a")
    assert await partition.wait_for_high_watermark(end, 0.05) is False
    assert partition._waiters == []  # the timed-out waiter removed itself
    waiter = asyncio.create_task(partition.wait_for_high_watermark(end, 5))
    await eventually(lambda: partition._waiters, what="the waiter registered")
    partition.fail_waiters(NotLeaderOrFollowerError("moved"))
    with pytest.raises(NotLeaderOrFollowerError):
        await waiter


def test_committed_bytes_count_whole_appends_below_the_high_watermark(
    partition: Partition,
) -> None:
    first = _append(partition, b"x" * 100)
    size_one = partition._appended_bytes
    second = _append(partition, b"y" * 100)
    partition.maybe_advance_high_watermark(first)
    assert partition.committed_bytes == size_one
    partition.maybe_advance_high_watermark(second)
    assert partition.committed_bytes == partition._appended_bytes


def test_leader_epoch_checks_and_the_epoch_cache(partition: Partition) -> None:
    assert partition.check_leader_epoch(-1) == ErrorCode.NONE
    assert partition.check_leader_epoch(3) == ErrorCode.NONE
    assert partition.check_leader_epoch(2) == ErrorCode.FENCED_LEADER_EPOCH
    assert partition.check_leader_epoch(4) == ErrorCode.UNKNOWN_LEADER_EPOCH
    # Becoming leader recorded where epoch 3 starts, before any append.
    assert partition.log.epoch_cache.latest_epoch == 3
    _append(partition, b"a")
    partition.maybe_advance_high_watermark(1)
    with partition.read(0, 1 << 20, min_one_batch=True, committed_only=True) as found:
        [batch] = list(iter_batches(found.read_bytes()))
    assert batch.partition_leader_epoch == 3


def test_losing_leadership_refuses_appends(partition: Partition) -> None:
    partition.update_state(PartitionImage(0, (1,), (1,), 2, 4, 1))
    with pytest.raises(NotLeaderOrFollowerError):
        _append(partition, b"a")


def test_log_append_time_stamps_the_batch_and_keeps_it_valid(partition: Partition) -> None:
    partition.log.config = partition.log.config.with_overrides(
        {"message.timestamp.type": "LogAppendTime"}
    )
    result = partition.append_records_as_leader(
        make_batch([b"a", b"b"], timestamp_ms=5), required_acks=1, now_ms=123_456
    )
    assert result.log_append_time_ms == 123_456
    partition.maybe_advance_high_watermark(result.next_offset)
    with partition.read(0, 1 << 20, min_one_batch=True, committed_only=True) as found:
        data = found.read_bytes()
    batch = RecordBatch(data)
    batch.validate()
    assert batch.max_timestamp == 123_456
    assert [r.timestamp for r in batch.records()] == [123_456, 123_456]
