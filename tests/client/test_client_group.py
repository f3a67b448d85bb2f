"""Group consumers: joining, assignors, rebalances with listeners, commits, poll timeouts,
pattern subscriptions and a coordinator that restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from support.waiting import eventually

from broker import Broker
from broker.config import load_config
from client import (
    Admin,
    CommitFailedError,
    Consumer,
    ConsumerRebalanceListener,
    NewTopic,
    Producer,
    TopicPartition,
)
from client.consumer.group import GroupMember

FAST = {"heartbeat_interval_ms": 100, "session_timeout_ms": 6_000}


def tps(topic: str, *partitions: int) -> set[TopicPartition]:
    return {TopicPartition(topic, p) for p in partitions}


class Recorder(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, set[TopicPartition]]] = []

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.events.append(("revoked", revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.events.append(("assigned", assigned))

    def on_partitions_lost(self, lost: set[TopicPartition]) -> None:
        self.events.append(("lost", lost))


async def _produce(bootstrap: str, topic: str, count: int) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=1) as producer:
        for i in range(count):
            await producer.send(topic, b"%d" % i, key=b"%d" % i)
        await producer.flush()


def _consumer(bootstrap: str, group: str, **options: Any) -> Consumer:
    settings: dict[str, Any] = {"auto_offset_reset": "earliest", **FAST, **options}
    return Consumer(bootstrap_servers=bootstrap, group_id=group, **settings)


async def _drain(consumers: list[Consumer], count: int, timeout_s: float = 20) -> list[int]:
    """Poll every consumer until ``count`` records came in total."""
    got: list[int] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while len(got) < count:
        assert loop.time() < deadline, f"consumed {len(got)} of {count}"
        for c in consumers:
            batch = await c.getmany(timeout_ms=50)
            got.extend(int(r.value) for records in batch.values() for r in records)
    return got


async def _wait_assigned(consumers: list[Consumer], total: int, timeout_s: float = 20) -> None:
    async def settled() -> bool:
        for c in consumers:
            await c.getmany(timeout_ms=10)  # keep polling (max.poll.interval)
        owned = [c.assignment() for c in consumers]
        everything = set().union(*owned)
        return (
            len(everything) == total
            and sum(len(o) for o in owned) == total
            and all(c._group is not None and c._group.stable for c in consumers)
        )

    await eventually(settled, timeout_s, f"{total} partitions split among the consumers")


@pytest.mark.parametrize("strategy", ["range", "roundrobin", "cooperative-sticky"])
async def test_two_consumers_split_the_partitions(
    bootstrap: str, admin: Admin, strategy: str
) -> None:
    await admin.create_topics([NewTopic("split", 3)])
    a = _consumer(bootstrap, f"split-{strategy}", partition_assignment_strategy=strategy)
    b = _consumer(bootstrap, f"split-{strategy}", partition_assignment_strategy=strategy)
    async with a, b:
        a.subscribe(["split"])
        b.subscribe(["split"])
        await _wait_assigned([a, b], 3)
        assert {len(a.assignment()), len(b.assignment())} == {1, 2}
        assert a.assignment().isdisjoint(b.assignment())
        # Produced once the group is stable: _wait_assigned polls and drops what it reads.
        await _produce(bootstrap, "split", 300)
        got = await _drain([a, b], 300)
        assert sorted(got) == list(range(300))
        assert isinstance(a._group, GroupMember) and a._group.protocol_name == strategy


async def test_eager_rebalance_revokes_everything_then_assigns(bootstrap: str) -> None:
    first_listener, second_listener = Recorder(), Recorder()
    a = _consumer(bootstrap, "eager", partition_assignment_strategy="range")
    b = _consumer(bootstrap, "eager", partition_assignment_strategy="range")
    async with a:
        a.subscribe(["eager"], listener=first_listener)
        await _wait_assigned([a], 3)
        assert first_listener.events == [("assigned", tps("eager", 0, 1, 2))]
        async with b:
            b.subscribe(["eager"], listener=second_listener)
            await _wait_assigned([a, b], 3)
            kinds = [kind for kind, _ in first_listener.events]
            assert kinds == ["assigned", "revoked", "assigned"]
            assert first_listener.events[1][1] == tps("eager", 0, 1, 2)
            assert second_listener.events[-1] == ("assigned", b.assignment())
        # b left: a gets everything back.
        await _wait_assigned([a], 3)
    assert second_listener.events[-1][0] == "revoked"


async def test_cooperative_rebalance_revokes_only_what_moves(bootstrap: str) -> None:
    listener = Recorder()
    a = _consumer(bootstrap, "coop", partition_assignment_strategy="cooperative-sticky")
    b = _consumer(bootstrap, "coop", partition_assignment_strategy="cooperative-sticky")
    async with a:
        a.subscribe(["coop"], listener=listener)
        await _wait_assigned([a], 3)
        async with b:
            b.subscribe(["coop"])
            await _wait_assigned([a, b], 3)
            revoked = [parts for kind, parts in listener.events if kind == "revoked"]
            assert revoked and all(len(parts) < 3 for parts in revoked)
            moved = set().union(*revoked)
            assert moved == b.assignment()
            assert a.assignment() == tps("coop", 0, 1, 2) - moved
            assert b.rebalances >= 2  # the second round hands over what a revoked


async def test_commits_with_the_group_and_resume_after_restart(bootstrap: str) -> None:
    await _produce(bootstrap, "resume", 100)
    async with _consumer(bootstrap, "resume", enable_auto_commit=False) as c:
        c.subscribe(["resume"])
        got = await _drain([c], 100)
        assert len(got) == 100
        await c.commit()
    await _produce(bootstrap, "resume", 10)
    async with _consumer(bootstrap, "resume") as c:
        c.subscribe(["resume"])
        assert len(await _drain([c], 10)) == 10
        assert await c.getmany(timeout_ms=300) == {}


async def test_auto_commit_runs_in_the_background(bootstrap: str, admin: Admin) -> None:
    await _produce(bootstrap, "autoc", 30)
    async with _consumer(bootstrap, "autoc", auto_commit_interval_ms=100) as c:
        c.subscribe(["autoc"])
        await _drain([c], 30)

        async def committed_all() -> bool:
            await c.getmany(timeout_ms=10)
            offsets = await admin.list_group_offsets("autoc")
            return sum(o.offset for o in offsets.values()) == 30

        await eventually(committed_all, 10, "auto-commit stored every position")


async def test_commit_from_an_old_generation_fails(bootstrap: str) -> None:
    async with _consumer(bootstrap, "stale", enable_auto_commit=False) as c:
        c.subscribe(["stale"])
        await _wait_assigned([c], 3)
        assert isinstance(c._group, GroupMember)
        c._group.generation_id -= 1  # as if a rebalance happened behind our back
        with pytest.raises(CommitFailedError, match="rebalanced"):
            await c.commit({TopicPartition("stale", 0): 0})


async def test_a_member_that_stops_polling_leaves_and_comes_back(bootstrap: str) -> None:
    slow_listener = Recorder()
    slow = _consumer(
        bootstrap, "poll", max_poll_interval_ms=1_000, partition_assignment_strategy="range"
    )
    busy = _consumer(bootstrap, "poll", partition_assignment_strategy="range")
    async with slow, busy:
        slow.subscribe(["poll"], listener=slow_listener)
        busy.subscribe(["poll"])
        await _wait_assigned([slow, busy], 3)

        async def busy_has_all() -> bool:
            await busy.getmany(timeout_ms=20)  # only busy polls: slow misses its interval
            return len(busy.assignment()) == 3

        await eventually(busy_has_all, 20, "the busy member took over every partition")
        assert ("lost", slow_listener.events[-1][1]) == slow_listener.events[-1]
        assert slow.assignment() == set()
        await _wait_assigned([slow, busy], 3)  # polling again: slow rejoins


async def test_pattern_subscription_follows_new_topics(bootstrap: str, admin: Admin) -> None:
    await admin.create_topic("metrics-cpu", 1)
    async with _consumer(bootstrap, "pattern", metadata_max_age_ms=200) as c:
        c.subscribe(pattern=r"metrics-.*")
        await _wait_assigned([c], 1)
        assert c.subscription() == {"metrics-cpu"}
        await admin.create_topic("metrics-mem", 2)
        await admin.create_topic("other", 1)
        await _wait_assigned([c], 3)
        assert c.assignment() == tps("metrics-cpu", 0) | tps("metrics-mem", 0, 1)


async def test_static_member_keeps_its_instance_id(bootstrap: str, admin: Admin) -> None:
    async with _consumer(bootstrap, "static", group_instance_id="worker-1") as c:
        c.subscribe(["static"])
        await _wait_assigned([c], 3)
        group = (await admin.describe_groups(["static"]))["static"]
        assert [m.group_instance_id for m in group.members] == ["worker-1"]


async def test_coordinator_restart_is_transparent(tmp_path: Path) -> None:
    def make(port: int) -> Broker:
        return Broker(
            load_config(
                None,
                {
                    "listeners": f"PLAINTEXT://127.0.0.1:{port}",
                    "log.dirs": str(tmp_path),
                    "num.partitions": 3,
                    "group.initial.rebalance.delay.ms": 0,
                    "log.flush.policy": "none",
                    "http.listeners": "127.0.0.1:0",
                },
            )
        )

    broker = make(0)
    await broker.start()
    port = broker.port
    bootstrap = f"127.0.0.1:{port}"
    try:
        await _produce(bootstrap, "moving", 100)
        consumer = _consumer(
            bootstrap,
            "moving",
            enable_auto_commit=False,
            reconnect_backoff_max_ms=200,
            retry_backoff_max_ms=200,
            request_timeout_ms=3_000,
        )
        async with consumer:
            consumer.subscribe(["moving"])
            got = await _drain([consumer], 100)
            await consumer.commit()
            await broker.stop()
            broker = make(port)
            await broker.start()
            await _produce(bootstrap, "moving", 50)
            got += await _drain([consumer], 50, timeout_s=40)
            assert sorted(set(got)) == list(range(100))
            await consumer.commit()
        async with Admin(bootstrap_servers=bootstrap) as admin:
            offsets = await admin.list_group_offsets("moving")
            assert sum(o.offset for o in offsets.values()) == 150
    finally:
        await broker.stop()
