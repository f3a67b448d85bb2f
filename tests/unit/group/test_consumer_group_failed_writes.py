"""KIP-848 group records whose append failed are written again: the log catches up with the
state members were answered from, so a coordinator failover reloads that state (not an older
one)."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from unit.group.consumer_group_harness import GROUP, beat, join, make_core, topic_id

from broker.group.consumer_coordinator import (
    ConsumerGroupConfig,
    ConsumerGroupCore,
    GroupRecord,
    TopicInfo,
)
from broker.group.consumer_driver import ConsumerGroupDriver
from broker.group.consumer_records import decode_key
from broker.group.records import load
from protocol.errors import ErrorCode
from protocol.messages import ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse

pytestmark = pytest.mark.timeout(30)

Log = list[tuple[bytes, bytes | None]]


def reloaded(log: Log, topics: dict[str, int]) -> ConsumerGroupCore:
    """A fresh coordinator that replayed ``log`` (what a failover would load)."""
    other = make_core(topics)
    other.load_records(load(log)[GROUP].consumer_records, 0)
    return other


def same_group(a: ConsumerGroupCore, b: ConsumerGroupCore) -> None:
    before, after = a.groups[GROUP], b.groups[GROUP]
    assert (after.group_epoch, after.assignment_epoch) == (
        before.group_epoch,
        before.assignment_epoch,
    )
    assert after.target == before.target
    assert sorted(after.members) == sorted(before.members)
    for mid, m in before.members.items():
        n = after.members[mid]
        assert (n.member_epoch, n.assigned, n.pending_revocation) == (
            m.member_epoch,
            m.assigned,
            m.pending_revocation,
        )


def keys(records: list[GroupRecord]) -> list[tuple[int, str | None, bool]]:
    """Each record's key type, member and whether it is a tombstone, sorted."""
    return sorted(
        (decode_key(k).version, decode_key(k).member_id, v is None) for _, k, v in records
    )


def test_failed_records_are_drained_again_with_the_state_now() -> None:
    core = make_core({"t": 4})
    join(core, "a", ["t"])
    failed = core.drain_records()
    core.records_failed(failed)
    join(core, "b", ["t"])  # the group moves on meanwhile
    again = core.drain_records()
    # Every key of the failed append is in the next one (with today's values), beside b's.
    assert {k for _, k, _ in failed} <= {k for _, k, _ in again}
    same_group(core, reloaded([(k, v) for _, k, v in again], {"t": 4}))
    assert core.drain_records() == []


def test_without_a_failure_nothing_is_drained_twice() -> None:
    core = make_core({"t": 4})
    join(core, "a", ["t"])
    core.drain_records()
    beat(core, "a", 1, [("t", p) for p in range(4)])
    assert core.drain_records() == []


def test_failed_tombstones_are_written_again() -> None:
    core = make_core({"t": 4})
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    log = [(k, v) for _, k, v in core.drain_records()]
    beat(core, "b", -1, None)  # b leaves
    failed = core.drain_records()
    assert any(v is None for _, _, v in failed)
    core.records_failed(failed)
    again = core.drain_records()
    assert [t for t in keys(again) if t[2]] == [t for t in keys(failed) if t[2]]
    log += [(k, v) for _, k, v in again]
    same_group(core, reloaded(log, {"t": 4}))


class FlakyLog:
    """``__consumer_offsets`` whose next appends fail with the codes queued in ``failures``."""

    def __init__(self, failures: list[ErrorCode]) -> None:
        self.failures = failures
        self.log: Log = []
        self.appends = 0

    def append(self, _partition: int, records: Log) -> asyncio.Future[ErrorCode]:
        self.appends += 1
        future: asyncio.Future[ErrorCode] = asyncio.get_running_loop().create_future()
        code = self.failures.pop(0) if self.failures else ErrorCode.NONE
        if code is ErrorCode.NONE:
            self.log.extend(records)
        future.set_result(code)
        return future


async def heartbeat(
    driver: ConsumerGroupDriver, req: ConsumerGroupHeartbeatRequest
) -> ConsumerGroupHeartbeatResponse:
    answer = driver.heartbeat(req, 1, "client", "/127.0.0.1")
    return await answer if inspect.isawaitable(answer) else answer


async def test_the_driver_writes_again_what_a_failed_append_lost() -> None:
    store = FlakyLog([ErrorCode.NOT_ENOUGH_REPLICAS])
    driver = ConsumerGroupDriver(
        ConsumerGroupConfig(session_timeout_ms=3_000, heartbeat_interval_ms=500),
        clock_ms=lambda: 0,
        serving=lambda _group_id: ErrorCode.NONE,
        partition_for=lambda _group_id: 0,
        append=store.append,
    )
    driver.core.update_topics({"t": TopicInfo(topic_id("t"), 4, False)}, 0)
    try:
        joining = ConsumerGroupHeartbeatRequest(
            group_id=GROUP,
            member_id="a",
            member_epoch=0,
            rebalance_timeout_ms=10_000,
            subscribed_topic_names=["t"],
            topic_partitions=[],
        )
        first = await heartbeat(driver, joining)
        assert first.error_code == ErrorCode.COORDINATOR_NOT_AVAILABLE
        assert store.log == []
        # The member retries: its answer waits for the records the failed append lost.
        second = await heartbeat(driver, joining)
        assert second.error_code == ErrorCode.NONE
        assert store.appends == 2
        same_group(driver.core, reloaded(store.log, {"t": 4}))
    finally:
        driver.stop()
