"""``appends``: a request's appends acknowledged together, against one deadline."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.wire import make_batch

from broker.metadata.image import PartitionImage
from broker.replication.appends import (
    UNEXPECTED_FAILURE,
    AppendFailure,
    acknowledgement,
    append_failure,
)
from broker.replication.partition import AppendResult, Partition
from broker.replication.producer_state import ProducerStateTable
from broker.storage.manager import LogManager
from broker.storage.names import TopicPartition
from protocol.errors import (
    ConditionalAppendConflictError,
    ErrorCode,
    NotLeaderOrFollowerError,
    UnknownTopicOrPartitionError,
)
from protocol.records.validate import RecordError, RecordValidationError

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def partitions(tmp_path: Path) -> Iterator[list[Partition]]:
    manager = LogManager([tmp_path])
    manager.startup(now_ms=0)
    found = []
    for index in range(3):
        tp = TopicPartition("t", index)
        log = manager.get_or_create_log(tp, now_ms=0)
        state = PartitionImage(index, (1,), (1,), 1, 3, 0)
        found.append(
            Partition(tp, uuid.uuid4(), log, state, node_id=1, producers=ProducerStateTable())
        )
    yield found
    manager.shutdown()


def _append(p: Partition, *values: bytes) -> AppendResult:
    return p.append_records_as_leader(make_batch(list(values)), required_acks=1, now_ms=0)


def _codes(results: list[AppendResult]) -> list[ErrorCode]:
    return [r.error_code for r in results]


def test_failures_keep_what_the_partition_answers() -> None:
    assert append_failure(NotLeaderOrFollowerError("moved")) == AppendFailure(
        ErrorCode.NOT_LEADER_OR_FOLLOWER, "moved"
    )
    assert (
        append_failure(UnknownTopicOrPartitionError()).code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    )
    refused = (RecordError(2, "no key"),)
    found = append_failure(RecordValidationError("record 2 has no key", refused))
    assert (found.code, found.message, found.record_errors) == (
        ErrorCode.INVALID_RECORD,
        "record 2 has no key",
        refused,
    )
    conflict = ConditionalAppendConflictError("moved on", log_end_offset=7, expected_offset=5)
    assert append_failure(conflict).log_end_offset == 7
    assert UNEXPECTED_FAILURE.code == ErrorCode.UNKNOWN_SERVER_ERROR


async def test_settled_appends_need_no_wait(partitions: list[Partition]) -> None:
    results = [_append(p, b"a") for p in partitions]
    for p, r in zip(partitions, results, strict=True):
        p.maybe_advance_high_watermark(r.next_offset)
    assert acknowledgement(results, -1, 5) is None
    assert acknowledgement(results, 1, 5) is None
    assert _codes(results) == [ErrorCode.NONE] * 3


async def test_one_deadline_for_every_partition(partitions: list[Partition]) -> None:
    results = [_append(p, b"a") for p in partitions]
    started = time.monotonic()
    waiting = acknowledgement(results, -1, 0.3)
    assert waiting is not None and not waiting.done()
    partitions[1].maybe_advance_high_watermark(results[1].next_offset)
    await asyncio.wait_for(waiting, 5)
    elapsed_s = time.monotonic() - started
    assert 0.25 <= elapsed_s < 0.9  # the partitions waited together
    assert _codes(results) == [
        ErrorCode.REQUEST_TIMED_OUT,
        ErrorCode.NONE,
        ErrorCode.REQUEST_TIMED_OUT,
    ]
    assert all(p._waiters == [] for p in partitions)  # the timed-out appends left their lists


async def test_all_acknowledged_ends_the_wait_at_once(partitions: list[Partition]) -> None:
    results = [_append(p, b"a") for p in partitions[:2]]
    waiting = acknowledgement(results, -1, 30)
    assert waiting is not None
    for p, r in zip(partitions, results, strict=False):
        p.maybe_advance_high_watermark(r.next_offset)
    assert waiting.done()
    await asyncio.wait_for(waiting, 5)
    assert _codes(results) == [ErrorCode.NONE] * 2


async def test_isr_below_min_insync_replicas_and_failed_partitions(
    partitions: list[Partition],
) -> None:
    results = [_append(p, b"a") for p in partitions[:2]]
    waiting = acknowledgement(results, -1, 30)
    assert waiting is not None
    partitions[0].min_insync_replicas = 2  # the ISR (1,) no longer meets it
    partitions[0].maybe_advance_high_watermark(results[0].next_offset)
    partitions[1].fail_waiters(NotLeaderOrFollowerError("moved"))
    await asyncio.wait_for(waiting, 5)
    assert _codes(results) == [
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
    ]


async def test_acks_1_waits_for_the_local_durable_end(partitions: list[Partition]) -> None:
    p = partitions[0]
    result = _append(p, b"a")
    waiting = acknowledgement([result], 1, 30)
    assert waiting is not None and p._durable_waiters
    p.maybe_advance_high_watermark(result.next_offset)
    await asyncio.wait_for(waiting, 5)
    assert result.error_code == ErrorCode.NONE


async def test_a_cancelled_request_leaves_the_lists(partitions: list[Partition]) -> None:
    results = [_append(p, b"a") for p in partitions]
    waiting = acknowledgement(results, -1, 30)
    assert waiting is not None

    async def request() -> None:
        await waiting

    task = asyncio.create_task(request())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(p._waiters == [] for p in partitions)
    assert waiting.outstanding == 0


async def test_no_time_left_times_out_at_once(partitions: list[Partition]) -> None:
    results = [_append(partitions[0], b"a")]
    waiting = acknowledgement(results, -1, 0)
    assert waiting is not None and waiting.done()  # settled, with a failure: no wait
    assert _codes(results) == [ErrorCode.REQUEST_TIMED_OUT]
    assert partitions[0]._waiters == []


async def test_committed_below_min_insync_replicas_settles_at_once(
    partitions: list[Partition],
) -> None:
    p = partitions[0]
    result = _append(p, b"a")
    p.maybe_advance_high_watermark(result.next_offset)
    p.min_insync_replicas = 2
    waiting = acknowledgement([result], -1, 5)
    assert waiting is not None and waiting.done()
    assert result.error_code == ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND


async def test_markers_are_acknowledged_like_appends(partitions: list[Partition]) -> None:
    # Markers for producers with no open transaction: written, acknowledged as any append.
    results = [p.write_txn_marker(9, 0, 0, True, 0) for p in partitions[:2]]
    waiting = acknowledgement(results, -1, 30)
    assert waiting is not None and not waiting.done()
    for p, r in zip(partitions, results, strict=False):
        p.maybe_advance_high_watermark(r.next_offset)
    await asyncio.wait_for(waiting, 5)
    assert _codes(results) == [ErrorCode.NONE] * 2
