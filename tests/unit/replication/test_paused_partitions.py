"""Paused partitions: produces wait in one FIFO queue (bounded, timed out), go ahead in their
order when resumed; a paused partition reads as at its log end for consumers only."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.waiting import eventually
from support.wire import make_batch

from broker.metadata.image import PartitionImage
from broker.replication import pauses as pauses_module
from broker.replication.partition import Partition
from broker.replication.pauses import ProducePauses
from broker.replication.producer_state import ProducerStateTable
from broker.storage.manager import LogManager
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

A = TopicPartition("t", 0)
B = TopicPartition("t", 1)


async def _queued(pauses: ProducePauses, n: int) -> None:
    await eventually(lambda: pauses.waiting == n, what=f"{n} produces waiting")


async def test_produces_wait_and_go_ahead_in_arrival_order() -> None:
    pauses = ProducePauses()
    assert not pauses.active and not pauses.blocks([A])
    pauses.pause(A)
    assert pauses.active and pauses.blocks([A]) and not pauses.blocks([B])
    order: list[int] = []

    async def produce(i: int) -> None:
        assert await pauses.wait(frozenset({A}), 10_000)
        order.append(i)  # the append, at once after the wait

    tasks = [asyncio.create_task(produce(i)) for i in range(5)]
    await _queued(pauses, 5)
    assert order == []
    pauses.resume(A)
    # One more arrives while the released ones have not run: it queues behind them.
    assert pauses.blocks([A])
    late = asyncio.create_task(produce(5))
    await asyncio.gather(*tasks, late)
    assert order == [0, 1, 2, 3, 4, 5]
    assert not pauses.active and pauses.waited_total == 6 and pauses.timed_out_total == 0


async def test_a_request_naming_two_partitions_waits_for_both() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    pauses.pause(B)
    both = asyncio.create_task(pauses.wait(frozenset({A, B}), 10_000))
    await _queued(pauses, 1)
    pauses.resume(A)
    await asyncio.sleep(0)  # a chance to run for a waiter released too early
    assert not both.done()
    pauses.resume(B)
    assert await both is True


async def test_a_later_produce_to_another_partition_is_not_held() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    held = asyncio.create_task(pauses.wait(frozenset({A}), 10_000))
    await _queued(pauses, 1)
    assert not pauses.blocks([B])
    pauses.resume(A)
    assert await held is True


async def test_the_wait_ends_at_the_timeout_and_frees_those_behind() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    assert await pauses.wait(frozenset({A}), 20) is False
    assert await pauses.wait(frozenset({A}), 0) is False
    assert pauses.waiting == 0 and pauses.timed_out_total == 2
    pauses.resume(A)
    assert not pauses.active


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    first = asyncio.create_task(pauses.wait(frozenset({A}), 10_000))
    second = asyncio.create_task(pauses.wait(frozenset({A}), 10_000))
    await _queued(pauses, 2)
    first.cancel()  # its connection closed
    await _queued(pauses, 1)
    pauses.resume(A)
    assert await second is True and not pauses.active


async def test_waiters_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pauses_module, "MAX_PAUSED_PRODUCE_WAITERS", 2)
    pauses = ProducePauses()
    pauses.pause(A)
    held = [asyncio.create_task(pauses.wait(frozenset({A}), 10_000)) for _ in range(2)]
    await _queued(pauses, 2)
    assert await pauses.wait(frozenset({A}), 10_000) is False  # answered at once
    pauses.cancel_all()
    assert await asyncio.gather(*held) == [True, True]


@pytest.fixture
def partition(tmp_path: Path) -> Iterator[Partition]:
    manager = LogManager([tmp_path])
    manager.startup(now_ms=0)
    log = manager.get_or_create_log(A, now_ms=0)
    state = PartitionImage(0, (1,), (1,), 1, 3, 0)
    yield Partition(A, uuid.uuid4(), log, state, node_id=1, producers=ProducerStateTable())
    manager.shutdown()


def test_a_paused_partition_reads_nothing_for_consumers_only(partition: Partition) -> None:
    end = partition.append_records_as_leader(
        make_batch([b"a", b"b"]), required_acks=1, now_ms=0
    ).next_offset
    partition.maybe_advance_high_watermark(end)
    partition.paused = True
    consumer = partition.read(0, 1 << 20, min_one_batch=True, committed_only=True)
    follower = partition.read(0, 1 << 20, min_one_batch=True, committed_only=False)
    try:
        assert consumer.length == 0
        assert follower.length > 0
    finally:
        consumer.release()
        follower.release()
    partition.paused = False
    again = partition.read(0, 1 << 20, min_one_batch=True, committed_only=True)
    try:
        assert again.length == follower.length
    finally:
        again.release()


async def test_a_waiter_held_by_an_earlier_one_goes_when_that_one_times_out() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    first = asyncio.create_task(pauses.wait(frozenset({A, B}), 50))
    await _queued(pauses, 1)
    second = asyncio.create_task(pauses.wait(frozenset({B}), 10_000))
    await _queued(pauses, 2)
    assert await first is False
    assert await second is True
    assert pauses.paused == {A} and pauses.waiting == 0


async def test_many_waiters_on_one_paused_partition_cost_no_pass_each() -> None:
    pauses = ProducePauses()
    pauses.pause(A)
    passes = 0
    release = pauses._release

    def counting() -> None:
        nonlocal passes
        passes += 1
        release()

    pauses._release = counting  # type: ignore[method-assign]
    held = [asyncio.create_task(pauses.wait(frozenset({A}), 10_000)) for _ in range(200)]
    await _queued(pauses, 200)
    assert passes == 0
    pauses.resume(A)
    assert all(await asyncio.gather(*held)) and passes == 1
