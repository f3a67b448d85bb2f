"""Samsa's consumer with ``group.protocol=consumer`` (KIP-848) against an embedded broker:
three members share a 12-partition topic and consume every record exactly once with synchronous
commits; a fourth joins while the others keep consuming; one closes; nothing is lost. Then the
same group mixed with a confluent-kafka member, and the heartbeat's edge cases."""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from support.waiting import eventually

from broker import Broker
from broker.config import load_config
from client import Admin, Consumer, ConsumerRebalanceListener, NewTopic, Producer, TopicPartition
from client.config import ConsumerConfig
from client.errors import ConfigError, UnsupportedFeatureError
from protocol.messages import ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.samsa_config(
        num_partitions=12,
        group_consumer_heartbeat_interval_ms=100,
        group_consumer_min_heartbeat_interval_ms=100,
    ),
]

#: Partitions of the test topic (the broker's default above).
PARTITIONS = 12
#: Records per round of the scenario: enough that every partition has some.
ROUND = 600


class Recorder(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, set[TopicPartition]]] = []

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.events.append(("revoked", set(revoked)))

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.events.append(("assigned", set(assigned)))

    def on_partitions_lost(self, lost: set[TopicPartition]) -> None:
        self.events.append(("lost", set(lost)))


def _consumer(bootstrap: str, group: str, **options: Any) -> Consumer:
    settings: dict[str, Any] = {
        "auto_offset_reset": "earliest",
        "enable_auto_commit": False,
        "group_protocol": "consumer",
        **options,
    }
    return Consumer(bootstrap_servers=bootstrap, group_id=group, **settings)


async def _produce(bootstrap: str, topic: str, start: int, count: int) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=1) as producer:
        for i in range(start, start + count):
            producer_key = b"%d" % i
            await producer.send(topic, producer_key, key=producer_key)
        await producer.flush()


class Poller:
    """Polls its consumers in turn, committing synchronously after every batch; counts every
    record per consumer."""

    def __init__(self, consumers: list[Consumer]) -> None:
        self.consumers = consumers
        self.seen: Counter[int] = Counter()
        self.by_consumer: Counter[int] = Counter()

    async def poll_once(self) -> None:
        for c in list(self.consumers):
            batch = await c.getmany(timeout_ms=20)
            values = [int(r.value) for records in batch.values() for r in records]
            if values:
                self.seen.update(values)
                self.by_consumer[id(c)] += len(values)
                await c.commit()

    async def until(self, condition: Any, timeout_s: float = 30) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not condition():
            assert loop.time() < deadline, f"seen {len(self.seen)} distinct records"
            await self.poll_once()


def _settled(consumers: list[Consumer]) -> bool:
    owned = [c.assignment() for c in consumers]
    every = set().union(*owned)
    sizes = sorted(len(o) for o in owned)
    return len(every) == PARTITIONS and sum(sizes) == PARTITIONS and sizes[-1] - sizes[0] <= 1


async def test_members_share_consume_exactly_once_and_keep_consuming_while_one_joins(
    broker: Broker,
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "kip848-orders"
    await _produce(bootstrap, topic, 0, ROUND)
    listeners = [Recorder() for _ in range(3)]
    members = [_consumer(bootstrap, "g848") for _ in range(3)]
    for member, listener in zip(members, listeners, strict=True):
        await member.start()
        member.subscribe([topic], listener=listener)
    poller = Poller(members)
    await poller.until(lambda: len(poller.seen) == ROUND and _settled(members))
    assert set(poller.seen) == set(range(ROUND))
    assert max(poller.seen.values()) == 1, "a record was consumed twice"
    assert all(c.generation_id > 0 for c in members)  # member epochs

    # A fourth member joins while records keep coming: the three keep consuming the
    # partitions they keep until the fourth has its share.
    await _produce(bootstrap, topic, ROUND, ROUND)
    before = {id(c): poller.by_consumer[id(c)] for c in members}
    fourth = _consumer(bootstrap, "g848")
    await fourth.start()
    fourth.subscribe([topic])
    during: Counter[int] = Counter()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not fourth.assignment():
        assert loop.time() < deadline, "the fourth member got no partitions"
        await poller.poll_once()
        await fourth.getmany(timeout_ms=0)  # it polls too, taking nothing yet
    for c in members:
        during[id(c)] = poller.by_consumer[id(c)] - before[id(c)]
    assert sum(during.values()) > 0, "the existing members stopped while the fourth joined"
    poller.consumers.append(fourth)
    await poller.until(lambda: len(poller.seen) == 2 * ROUND and _settled(poller.consumers))
    assert max(poller.seen.values()) == 1, "a record was consumed twice"
    # Revocations came before the partitions moved, and never as losses.
    assert any(e[0] == "revoked" for r in listeners for e in r.events)
    assert not any(e[0] == "lost" for r in listeners for e in r.events)

    # One closes (leaving with epoch -1): its partitions go to the others; nothing is lost.
    leaving = poller.consumers.pop(0)
    await leaving.close()
    await _produce(bootstrap, topic, 2 * ROUND, ROUND)
    await poller.until(lambda: len(poller.seen) == 3 * ROUND and _settled(poller.consumers))
    assert set(poller.seen) == set(range(3 * ROUND))
    assert max(poller.seen.values()) == 1, "a record was consumed twice"
    for c in poller.consumers:
        await c.close()


async def test_full_heartbeat_to_join_short_ones_after_and_epoch_minus_one_to_leave(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "kip848-forms"
    await _produce(bootstrap, topic, 0, 24)
    coordinator = broker.group_coordinator
    assert coordinator is not None
    driver = coordinator.consumer_groups
    seen: list[tuple[ConsumerGroupHeartbeatRequest, int, int]] = []
    answer = driver.heartbeat

    def spy(
        req: ConsumerGroupHeartbeatRequest, version: int, client_id: str, host: str
    ) -> Awaitable[ConsumerGroupHeartbeatResponse]:
        # The driver answers at once or once the records the heartbeat changed are written.
        answered = answer(req, version, client_id, host)

        async def recorded() -> ConsumerGroupHeartbeatResponse:
            response = await answered if inspect.isawaitable(answered) else answered
            seen.append((req, version, response.error_code))
            return response

        return recorded()

    monkeypatch.setattr(driver, "heartbeat", spy)
    member = _consumer(bootstrap, "g848-forms", max_poll_interval_ms=60_000)
    async with member:
        member.subscribe([topic])
        poller = Poller([member])
        await poller.until(lambda: len(poller.seen) == 24 and len(seen) >= 5)
        epoch = member.generation_id
    joining, acknowledging = seen[0][0], seen[1][0]
    assert seen[0][1] == 1  # ConsumerGroupHeartbeat v1
    assert joining.member_epoch == 0 and joining.member_id == member.member_id
    assert joining.rebalance_timeout_ms == 60_000
    assert joining.subscribed_topic_names == [topic] and joining.subscribed_topic_regex == ""
    assert joining.topic_partitions == []
    # The next one lists what the member took; later ones carry nothing that did not change.
    assert acknowledging.member_epoch == epoch > 0
    assert acknowledging.rebalance_timeout_ms == -1
    assert acknowledging.subscribed_topic_names is None
    assert acknowledging.topic_partitions is not None
    assert sorted(p for t in acknowledging.topic_partitions for p in t.partitions) == list(
        range(PARTITIONS)
    )
    steady = [req for req, _, _ in seen[2:-1]]
    assert steady and all(
        r.topic_partitions is None and r.subscribed_topic_names is None for r in steady
    )
    leaving = seen[-1][0]
    assert leaving.member_epoch == -1 and seen[-1][2] == 0
    assert not coordinator.consumer_groups.core.groups["g848-forms"].members


async def test_fenced_member_loses_its_partitions_and_rejoins(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "kip848-fenced"
    await _produce(bootstrap, topic, 0, 24)
    listener = Recorder()
    async with _consumer(bootstrap, "g848-fenced") as member:
        member.subscribe([topic], listener=listener)
        await member.wait_for_assignment(20_000)
        first_epoch = member.generation_id
        # The coordinator forgets the member (as after its session ended): its next heartbeat
        # is answered UNKNOWN_MEMBER_ID.
        coordinator = broker.group_coordinator
        assert coordinator is not None
        core = coordinator.consumer_groups.core
        core.remove_member(core.groups["g848-fenced"], member.member_id or "")

        async def rejoined() -> bool:
            await member.getmany(timeout_ms=20)
            return len(member.assignment()) == PARTITIONS and member.generation_id > first_epoch

        await eventually(rejoined, 20, "the member rejoined with a new epoch")
        assert ("lost", {TopicPartition(topic, p) for p in range(PARTITIONS)}) in listener.events


async def test_a_member_that_stops_polling_leaves_and_comes_back(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "kip848-slow"
    await _produce(bootstrap, topic, 0, 24)
    listener = Recorder()
    slow = _consumer(bootstrap, "g848-slow", max_poll_interval_ms=1_000)
    steady = _consumer(bootstrap, "g848-slow")
    async with slow, steady:
        slow.subscribe([topic], listener=listener)
        steady.subscribe([topic])
        poller = Poller([slow, steady])
        await poller.until(lambda: _settled([slow, steady]))
        held = slow.assignment()

        # ``slow`` stops polling: after max.poll.interval.ms it leaves, its partitions are
        # lost to it, and ``steady`` is given everything.
        async def steady_owns_all() -> bool:
            await steady.getmany(timeout_ms=20)
            return len(steady.assignment()) == PARTITIONS

        await eventually(steady_owns_all, 20, "the steady member took every partition")
        assert slow.assignment() == set()
        assert ("lost", held) in listener.events
        # Polling again joins again.
        await poller.until(lambda: _settled([slow, steady]))
        assert slow.generation_id > 0


async def test_a_static_member_leaves_and_comes_back_to_its_partitions(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    topic = "kip848-static"
    await _produce(bootstrap, topic, 0, 24)
    first = _consumer(bootstrap, "g848-static", group_instance_id="static-1")
    other = _consumer(bootstrap, "g848-static")
    async with other:
        other.subscribe([topic])
        async with first:
            first.subscribe([topic])
            await Poller([first, other]).until(lambda: _settled([first, other]))
            held = first.assignment()
            theirs = other.assignment()
        # Closed with epoch -2: the coordinator keeps its partitions for it.
        again = _consumer(bootstrap, "g848-static", group_instance_id="static-1")
        async with again:
            again.subscribe([topic])

            async def back() -> bool:
                await other.getmany(timeout_ms=10)
                await again.getmany(timeout_ms=10)
                assert other.assignment() == theirs, "the static member's partitions moved"
                return again.assignment() == held

            await eventually(back, 20, "the static member got its partitions back")


async def test_the_member_carries_on_across_a_coordinator_restart(tmp_path: Path) -> None:
    def make(port: int) -> Broker:
        return Broker(
            load_config(
                None,
                {
                    "listeners": f"PLAINTEXT://127.0.0.1:{port}",
                    "log.dirs": str(tmp_path),
                    "num.partitions": PARTITIONS,
                    "group.consumer.heartbeat.interval.ms": 100,
                    "group.consumer.min.heartbeat.interval.ms": 100,
                    "log.flush.policy": "none",
                },
            )
        )

    broker = make(0)
    await broker.start()
    port = broker.port
    bootstrap = f"127.0.0.1:{port}"
    try:
        await _produce(bootstrap, "kip848-moving", 0, 100)
        member = _consumer(
            bootstrap,
            "g848-moving",
            reconnect_backoff_max_ms=200,
            retry_backoff_max_ms=200,
            request_timeout_ms=3_000,
        )
        async with member:
            member.subscribe(["kip848-moving"])
            poller = Poller([member])
            await poller.until(lambda: len(poller.seen) == 100)
            await broker.stop()
            broker = make(port)
            await broker.start()
            await _produce(bootstrap, "kip848-moving", 100, 50)
            await poller.until(lambda: len(poller.seen) == 150, timeout_s=40)
            assert set(poller.seen) == set(range(150))
            assert max(poller.seen.values()) == 1, "a record was consumed twice"
            assert len(member.assignment()) == PARTITIONS
    finally:
        await broker.stop()


async def test_a_new_subscription_reaches_the_coordinator(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    await _produce(bootstrap, "kip848-first", 0, 12)
    await _produce(bootstrap, "kip848-second", 12, 12)
    listener = Recorder()
    async with _consumer(bootstrap, "g848-resubscribe") as member:
        member.subscribe(["kip848-first"], listener=listener)
        poller = Poller([member])
        await poller.until(lambda: len(poller.seen) == 12)
        assert {tp.topic for tp in member.assignment()} == {"kip848-first"}
        member.subscribe(["kip848-second"], listener=listener)
        await poller.until(lambda: len(poller.seen) == 24)
        assert {tp.topic for tp in member.assignment()} == {"kip848-second"}
        revoked = [e[1] for e in listener.events if e[0] == "revoked"]
        assert revoked and all(tp.topic == "kip848-first" for tp in revoked[-1])


async def test_regex_subscription_goes_to_the_broker(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    await _produce(bootstrap, "kip848-re-a", 0, 12)
    await _produce(bootstrap, "kip848-re-b", 12, 12)
    async with _consumer(bootstrap, "g848-regex") as member:
        member.subscribe(pattern=r"kip848-re-.*")
        poller = Poller([member])
        await poller.until(lambda: len(poller.seen) == 24)
        assert {tp.topic for tp in member.assignment()} == {"kip848-re-a", "kip848-re-b"}


async def test_a_group_mixing_samsa_and_confluent_kafka_members(broker: Broker) -> None:
    confluent_kafka = pytest.importorskip("confluent_kafka")
    bootstrap = broker.bootstrap_servers
    topic, group = "kip848-mixed", "g848-mixed"
    async with Admin(bootstrap_servers=bootstrap) as admin:
        await admin.create_topics([NewTopic(topic, PARTITIONS)])
    theirs = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "group.protocol": "consumer",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    loop = asyncio.get_running_loop()
    their_values: list[int] = []
    their_assignment: set[int] = set()
    stop = False

    def poll_theirs() -> None:
        # librdkafka blocks: it polls on a thread, committing each record synchronously.
        while not stop:
            msg = theirs.poll(0.05)
            their_assignment.clear()
            their_assignment.update(tp.partition for tp in theirs.assignment())
            if msg is not None and msg.error() is None:
                their_values.append(int(msg.value()))
                theirs.commit(message=msg, asynchronous=False)

    theirs.subscribe([topic])
    worker = loop.run_in_executor(None, poll_theirs)
    ours = _consumer(bootstrap, group)
    try:
        async with ours:
            ours.subscribe([topic])
            poller = Poller([ours])

            def split() -> bool:
                mine = {tp.partition for tp in ours.assignment()}
                return (
                    bool(mine)
                    and bool(their_assignment)
                    and mine.isdisjoint(their_assignment)
                    and len(mine | their_assignment) == PARTITIONS
                )

            await poller.until(split, timeout_s=60)
            # Both members own partitions: records written now go to both, each read once.
            await _produce(bootstrap, topic, 0, ROUND)
            await poller.until(
                lambda: len(set(poller.seen) | set(their_values)) == ROUND, timeout_s=60
            )
            assert poller.seen and their_values, "both members consumed records"
            assert sorted([*poller.seen.elements(), *their_values]) == list(range(ROUND))
    finally:
        stop = True
        await worker
        # The broker runs on this loop: close librdkafka on a thread, never blocking it.
        await asyncio.wait_for(loop.run_in_executor(None, theirs.close), 30)


async def test_a_broker_without_the_api_fails_the_consumer_with_a_clear_error(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap = broker.bootstrap_servers
    await _produce(bootstrap, "kip848-old", 0, 1)
    member = _consumer(bootstrap, "g848-old")
    cluster = member._cluster
    send = cluster.request

    async def old_broker(node_id: int, body: Any, *, timeout_s: float | None = None) -> Any:
        if isinstance(body, ConsumerGroupHeartbeatRequest):
            raise UnsupportedFeatureError("the broker offers no ConsumerGroupHeartbeat (68)")
        return await send(node_id, body, timeout_s=timeout_s)

    monkeypatch.setattr(cluster, "request", old_broker)
    async with member:
        member.subscribe(["kip848-old"])
        with pytest.raises(UnsupportedFeatureError, match="ConsumerGroupHeartbeat"):
            await member.wait_for_assignment(10_000)
        with pytest.raises(UnsupportedFeatureError):
            await member.getmany(timeout_ms=100)


def test_group_protocol_options() -> None:
    assert ConsumerConfig.build({}).group_protocol == "classic"
    config = ConsumerConfig.build(
        {"group.protocol": "CONSUMER", "group.remote.assignor": "range", "group.id": "g"}
    )
    assert (config.group_protocol, config.group_remote_assignor) == ("consumer", "range")
    with pytest.raises(ConfigError):
        ConsumerConfig.build({"group.protocol": "eager"})
    with pytest.raises(ConfigError):
        ConsumerConfig.build({"group.remote.assignor": "range"})
    # The classic protocol's options do nothing with KIP-848: refused, as Kafka's consumer.
    with pytest.raises(ConfigError, match=r"session\.timeout\.ms cannot be used"):
        ConsumerConfig.build({"group.protocol": "consumer", "session.timeout.ms": 10_000})
    with pytest.raises(ConfigError, match=r"partition\.assignment\.strategy"):
        ConsumerConfig.build(
            {"group.protocol": "consumer", "partition_assignment_strategy": "range"}
        )
