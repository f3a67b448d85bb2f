"""The one-shot fault actions below the fault control, against real confluent-kafka clients on
an embedded broker: a paused partition (its consumer gets nothing, a produce waits, both go on
when it resumes; a produce past its ``timeout_ms`` gets REQUEST_TIMED_OUT), a forced rebalance
(a classic group's consumers revoke and are assigned again; a KIP-848 group's epoch grows) and
an expired member (its partitions move to the others)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from support.kafka_ops import create_topic, fetch, produce_request
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.group import GroupCoordinatorCore, GroupMetadata, GroupState
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

confluent_kafka = pytest.importorskip("confluent_kafka")

#: librdkafka's heartbeats and fetch waits, short so that each step takes well under a second.
HEARTBEAT_MS = 100
FETCH_WAIT_MS = 100
SESSION_MS = 6_000
#: Broker-side bounds the short client settings need (Kafka's defaults are longer).
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": 1_000,
    "group.consumer.session.timeout.ms": SESSION_MS,
    "group.consumer.min.session.timeout.ms": 1_000,
    "group.consumer.heartbeat.interval.ms": 200,
    "group.consumer.min.heartbeat.interval.ms": 100,
}
#: A client step (a flush, a consumer's close) on a busy 2-core machine.
CLIENT_S = 30.0

pytestmark = [pytest.mark.timeout(120), pytest.mark.samsa_config(**SETTINGS)]


class PollingConsumer(threading.Thread):
    """A confluent-kafka consumer polled on its own thread: what it received, and its assign
    and revoke callbacks."""

    def __init__(self, bootstrap: str, config: dict[str, Any], topic: str | None = None) -> None:
        super().__init__(daemon=True)
        self.consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": bootstrap,
                "auto.offset.reset": "earliest",
                "fetch.wait.max.ms": FETCH_WAIT_MS,
                **config,
            }
        )
        self.values: list[bytes] = []
        self.assigns: list[set[tuple[str, int]]] = []
        self.revokes = 0
        self.assigned: set[tuple[str, int]] = set()
        self.errors: list[str] = []
        self.stopping = threading.Event()
        #: Set: the thread stops polling (``held`` says when it did), so the consumer cannot
        #: act on a rebalance (librdkafka rejoins only once the application saw its revoke).
        self.hold = threading.Event()
        self.held = threading.Event()
        self.lock = threading.Lock()
        #: KIP-848 callbacks name only what changed; the classic eager ones the whole set.
        self.incremental = config.get("group.protocol") == "consumer"
        #: Subscribed when the thread starts: a subscribed consumer that is not polled would
        #: join and hold up its group's rebalances.
        self.topic = topic

    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        got = {(p.topic, p.partition) for p in partitions}
        with self.lock:
            self.assigns.append(got)
            if self.incremental:
                self.assigned |= got
            else:
                self.assigned = got

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        gone = {(p.topic, p.partition) for p in partitions}
        with self.lock:
            self.revokes += 1
            self.assigned -= gone

    def run(self) -> None:
        if self.topic is not None:
            self.consumer.subscribe(
                [self.topic], on_assign=self._on_assign, on_revoke=self._on_revoke
            )
        while not self.stopping.is_set():
            if self.hold.is_set():
                self.held.set()
                self.stopping.wait(0.05)  # idle until stopped: no poll, no callbacks
                continue
            message = self.consumer.poll(0.05)
            if message is None:
                continue
            if message.error() is not None:
                self.errors.append(str(message.error()))
                continue
            with self.lock:
                self.values.append(message.value())

    def stop(self) -> None:
        self.stopping.set()
        if self.ident is not None:  # started
            self.join(CLIENT_S)
        self.consumer.close()


async def _stop(*consumers: PollingConsumer) -> None:
    await asyncio.gather(*(asyncio.to_thread(c.stop) for c in consumers))


def _producer(bootstrap: str, **config: Any) -> Any:
    return confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 1, **config})


async def _produce_all(producer: Any, topic: str, values: list[bytes]) -> None:
    for value in values:
        producer.produce(topic, value=value, partition=0)
    assert await asyncio.to_thread(producer.flush, CLIENT_S) == 0


# -- paused partitions ---------------------------------------------------------------------------


async def test_a_paused_partition_gives_nothing_and_holds_produces_until_resumed(
    broker: Broker, client: WireClient
) -> None:
    replicas = broker.replica_manager
    assert replicas is not None
    await create_topic(client, "paused")
    tp = TopicPartition("paused", 0)
    producer = _producer(broker.bootstrap_servers)
    await _produce_all(producer, "paused", [b"a", b"b"])

    replicas.pause_partition(tp)
    assert replicas.paused_partitions() == frozenset({tp})
    consumer = PollingConsumer(broker.bootstrap_servers, {"group.id": "unused"})
    consumer.consumer.assign([confluent_kafka.TopicPartition("paused", 0, 0)])
    consumer.start()
    try:
        assert broker.services is not None
        fetches = broker.services.traffic.fetch_requests
        start = fetches.get("paused", 0)
        # The consumer's fetches are answered (empty, after their long poll), several times.
        await eventually(lambda: fetches.get("paused", 0) >= start + 3, what="consumer fetches")
        assert consumer.values == []

        delivered: list[Any] = []
        producer.produce(
            "paused", value=b"c", partition=0, on_delivery=lambda e, m: delivered.append(e)
        )
        await eventually(lambda: replicas.pauses.waiting == 1, what="the produce waits")
        await asyncio.to_thread(producer.poll, 0.1)
        assert delivered == [] and consumer.values == []

        replicas.resume_partition(tp)
        assert replicas.paused_partitions() == frozenset()
        assert await asyncio.to_thread(producer.flush, CLIENT_S) == 0
        assert delivered == [None]
        await eventually(lambda: len(consumer.values) == 3, what="the records after resume")
        assert consumer.values == [b"a", b"b", b"c"]
    finally:
        await _stop(consumer)


async def test_a_produce_past_its_timeout_gets_request_timed_out(
    broker: Broker, client: WireClient
) -> None:
    replicas = broker.replica_manager
    assert replicas is not None
    await create_topic(client, "late")
    tp = TopicPartition("late", 0)
    replicas.pause_partition(tp)
    response = await client.request(
        produce_request("late", 0, make_batch([b"x"]), timeout_ms=200), 8
    )
    answer = response.responses[0].partition_responses[0]
    assert answer.error_code == ErrorCode.REQUEST_TIMED_OUT
    assert replicas.pauses.timed_out_total == 1 and replicas.pauses.waiting == 0
    replicas.resume_partition(tp)
    response = await client.request(produce_request("late", 0, make_batch([b"y"])), 8)
    answer = response.responses[0].partition_responses[0]
    assert (answer.error_code, answer.base_offset) == (0, 0)  # nothing of the first was written


async def test_pausing_what_this_broker_cannot_pause_is_one_line(broker: Broker) -> None:
    replicas = broker.replica_manager
    assert replicas is not None
    with pytest.raises(ValueError, match=r"^cannot pause nope-0: no such partition$"):
        replicas.pause_partition(TopicPartition("nope", 0))


# -- forced rebalances and expiries --------------------------------------------------------------


def _classic(group: str, **extra: Any) -> dict[str, Any]:
    return {
        "group.id": group,
        "heartbeat.interval.ms": HEARTBEAT_MS,
        "session.timeout.ms": SESSION_MS,
        "enable.auto.commit": False,
        **extra,
    }


def _covered(consumers: list[PollingConsumer], partitions: int) -> bool:
    """Each partition is held by exactly one of ``consumers``."""
    owned = [c.assigned for c in consumers]
    union = set().union(*owned)
    return len(union) == partitions and sum(len(o) for o in owned) == partitions


def _shared(consumers: list[PollingConsumer], partitions: int) -> bool:
    """Covered, and every consumer holds at least one partition."""
    return _covered(consumers, partitions) and all(c.assigned for c in consumers)


async def _covering(consumers: list[PollingConsumer], partitions: int) -> None:
    await eventually(
        lambda: _covered(consumers, partitions),
        what="the partitions shared",
        describe=lambda: [c.assigned for c in consumers],
    )


def _stable(core: GroupCoordinatorCore, group_id: str, members: int) -> GroupMetadata | None:
    """The group once Stable with ``members`` members."""
    group = core.group(group_id)
    if group is None or group.state is not GroupState.STABLE or len(group.members) != members:
        return None
    return group


async def test_a_forced_rebalance_makes_classic_consumers_revoke_and_reassign(
    broker: Broker, client: WireClient
) -> None:
    gc = broker.group_coordinator
    assert gc is not None
    await create_topic(client, "rb", partitions=4)
    consumers = [
        PollingConsumer(broker.bootstrap_servers, _classic("classic"), "rb") for _ in range(2)
    ]
    for c in consumers:
        c.start()
    try:
        core = gc.core
        assert core is not None
        # One condition, read at one moment: the broker's group is Stable and every consumer
        # has run its callback for that generation. (Checked one after the other, the first
        # could pass on generation 1, where one consumer held all four partitions, and the
        # second on generation 2 before the consumers heard of it: their first assignments
        # would then pass for the rebalance's.)
        group = await eventually(
            lambda: _stable(core, "classic", 2) if _shared(consumers, 4) else None,
            what="a stable group whose consumers share the partitions",
            describe=lambda: [c.assigned for c in consumers],
        )
        generation = group.generation_id
        assigns = [len(c.assigns) for c in consumers]
        revokes = [c.revokes for c in consumers]

        account = gc.force_rebalance("classic")
        assert account == "rebalance of group classic started: 2 members must rejoin"
        await eventually(
            lambda: all(len(c.assigns) > n for c, n in zip(consumers, assigns, strict=True)),
            what="every consumer assigned again",
        )
        assert all(c.revokes > n for c, n in zip(consumers, revokes, strict=True))
        await _covering(consumers, 4)
        assert group.generation_id > generation
    finally:
        await _stop(*consumers)


async def test_a_forced_rebalance_grows_a_consumer_group_epoch(
    broker: Broker, client: WireClient
) -> None:
    gc = broker.group_coordinator
    assert gc is not None
    await create_topic(client, "kip848", partitions=2)
    consumer = PollingConsumer(
        broker.bootstrap_servers, {"group.id": "modern", "group.protocol": "consumer"}, "kip848"
    )
    consumer.start()
    try:
        groups = gc.consumer_groups.core.groups
        await _covering([consumer], 2)
        await eventually(lambda: "modern" in groups and len(groups["modern"].members) == 1)
        group = groups["modern"]
        epoch = group.group_epoch
        account = gc.force_rebalance("modern")
        assert account.startswith(
            f"rebalance of consumer group modern started: group epoch {epoch + 1}"
        )
        member = next(iter(group.members))
        # The member reconciles to the new epoch at its next heartbeat.
        await eventually(
            lambda: group.members[member].member_epoch == epoch + 1, what="member at the new epoch"
        )
        assert consumer.assigned == {("kip848", 0), ("kip848", 1)}
    finally:
        await _stop(consumer)


async def test_an_expired_member_loses_its_partitions_to_the_others(
    broker: Broker, client: WireClient
) -> None:
    gc = broker.group_coordinator
    assert gc is not None
    await create_topic(client, "ex", partitions=4)
    victim = PollingConsumer(
        broker.bootstrap_servers, _classic("expiring", **{"client.id": "victim"}), "ex"
    )
    others = [
        PollingConsumer(broker.bootstrap_servers, _classic("expiring"), "ex") for _ in range(2)
    ]
    everyone = [victim, *others]
    for c in others:
        c.start()
    try:
        await _covering(others, 4)
        # The victim joins last: its join starts the rebalance the others hear of at once.
        victim.start()
        await _covering(everyone, 4)
        await eventually(lambda: all(c.assigned for c in everyone), what="every member assigned")
        core = gc.core
        assert core is not None
        group = await eventually(lambda: _stable(core, "expiring", 3), what="3 members, stable")
        [victim_id] = [m.member_id for m in group.members.values() if m.client_id == "victim"]
        lost = set(victim.assigned)
        assert lost
        generation = group.generation_id
        # The victim stops polling, as a stuck application would: it learns of its expiry
        # from its heartbeat but cannot rejoin, so the others' rebalance is theirs alone.
        victim.hold.set()
        await eventually(victim.held.is_set, what="the victim stopped polling")

        account = gc.expire_members("expiring", victim_id)
        assert account == f"expired member {victim_id} of group expiring"
        assert victim_id not in group.members
        await _covering(others, 4)
        assert lost <= others[0].assigned | others[1].assigned
        after = await eventually(lambda: _stable(core, "expiring", 2), what="2 members, stable")
        assert after.generation_id > generation and victim_id not in after.members
        with pytest.raises(ValueError, match="has no member"):
            gc.expire_members("expiring", victim_id)
        with pytest.raises(ValueError, match="group nobody is unknown"):
            gc.force_rebalance("nobody")
    finally:
        await _stop(*everyone)


# -- leader epochs on one broker -----------------------------------------------------------------


async def test_a_bumped_epoch_fences_fetches_at_the_old_one_and_a_move_is_refused(
    broker: Broker, client: WireClient
) -> None:
    controller = broker.controller
    assert controller is not None
    await create_topic(client, "epochs")
    before = controller.image.partition("epochs", 0)
    assert before is not None
    bumped = await controller.elect_leader("epochs", 0, None, True)
    assert bumped.error is ErrorCode.NONE
    epoch = before.leader_epoch + 1
    assert bumped.message == f"epochs-0: leader {before.leader} at leader epoch {epoch}"
    old = await fetch(client, "epochs", 0, 0, current_leader_epoch=before.leader_epoch)
    assert old.error_code == ErrorCode.FENCED_LEADER_EPOCH
    new = await fetch(client, "epochs", 0, 0, current_leader_epoch=epoch)
    assert new.error_code == ErrorCode.NONE
    moved = await controller.elect_leader("epochs", 0, None, False)
    assert moved.error is ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE
    assert moved.message == (
        f"epochs-0 has no other active in-sync replica than its leader {before.leader} "
        f"(ISR [{before.leader}])"
    )
