"""Fault injection with real clients: a broker told to fail, on the real wire, and what
applications see through it.

* Idempotent producers (confluent-kafka, Samsa's own, aiokafka) through lost acknowledgements
  (an error after the append, a connection dropped after it) and NOT_LEADER_OR_FOLLOWER before
  it: every record is stored exactly once, in order.
* Consumer groups (confluent-kafka, Samsa's own; classic and KIP-848 members) through forced
  rebalances and dropped Fetch and OffsetCommit connections (whole or mid-response): nothing
  lost, and no more duplicates than records processed without a successful commit
  (at-least-once). The duplicates are counted and reported.
* Chaos with a seed arms the same faults in the same order on two brokers (another seed
  differs), and a producer and a group survive a short chaos run without losing a record.
* A broker has no fault armed unless asked: its clients see no injected error.

Every test checks the broker's firing history, so a pass proves the faults happened.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, Final

import pytest
from support.confluent_ops import OP_TIMEOUT_S, create_topic
from support.fault_apps import (
    DeliveryLog,
    GroupMember,
    GroupTally,
    SteadyProducer,
    firings,
    idempotent_producer,
    produce_values,
    read_partitions,
    tally,
    wait_consumed,
    wait_fired,
    wait_reassigned,
    wait_stable,
)
from support.metrics_text import samples_of, series, value
from support.waiting import eventually, eventually_sync

from broker import Broker
from broker.faults import Fault
from broker.faults.plan import MAX_HISTORY
from client import ClientError, Consumer, ConsumerRebalanceListener, KafkaError, Producer
from client import TopicPartition as SamsaTopicPartition
from client.consumer.group_consumer import ConsumerGroupMember
from protocol.messages import api_name

aiokafka = pytest.importorskip("aiokafka")

SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    # The members' 3 s session timeout (support.fault_apps.FAST_GROUP) must be allowed.
    "group.min.session.timeout.ms": 1000,
    # KIP-848 members heartbeat at the coordinator's interval: short, so that they learn of a
    # forced rebalance at once. Their session is the coordinator's too: 3 s, as the classic
    # members' (support.fault_apps.FAST_GROUP says why).
    "group.consumer.heartbeat.interval.ms": 100,
    "group.consumer.min.heartbeat.interval.ms": 100,
    "group.consumer.session.timeout.ms": 3000,
    "group.consumer.min.session.timeout.ms": 1000,
}

pytestmark = [pytest.mark.timeout(120), pytest.mark.samsa_config(**SETTINGS)]

#: Records an idempotent producer sends through the faults: enough for many batches in flight.
RECORDS: Final = 400
#: Partitions of a producer test's topic: the records alternate between them.
PARTITIONS: Final = 2
#: A small batch.size: about 30 of these records per batch, so several batches are in flight
#: when a fault hits one of them.
SMALL_BATCH_BYTES: Final = 1000
#: Partitions of a group test's topic: more than members, so each rebalance moves some.
GROUP_PARTITIONS: Final = 3
#: Records produced in each phase of a group test (one phase per fault).
CHUNK: Final = 40
#: Chaos: the seed of the run the application survives, and its pace: a few faults a second
#: keep a 2-core machine's clients busy recovering without starving them.
CHAOS_SEED: Final = 20_261_207
CHAOS_RATE_PER_S: Final = 5.0
#: Chaos faults that must have fired before the run is stopped ("a short chaos run"): distinct
#: faults, as one refusal fires on every connection attempt it refuses.
CHAOS_FAULTS_FIRED: Final = 8
#: The chaos run's own bound, should the test fail before it stops it.
CHAOS_DURATION_MS: Final = 20_000
#: Chaos faults compared between two brokers.
CHAOS_COMPARED: Final = 12


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


@pytest.fixture(autouse=True)
def no_fault_outlives_its_test(broker: Broker) -> Iterator[None]:
    yield
    broker.faults.stop_chaos()
    broker.faults.clear()


# -- idempotent producers through lost acknowledgements -------------------------------------------


def arm_lost_acks(broker: Broker, topic: str, client_id: str) -> list[Fault]:
    """Faults on ``client_id``'s Produce requests, which fire one after another (one error per
    request, the oldest armed first): acknowledgements lost after the append (the whole
    request's, then only partition 0's entries), NOT_LEADER_OR_FOLLOWER before the append (only
    partition 1's entries: partition 0's are appended; then the whole request's), and
    connections dropped after the append (before the answer, then half-way through it)."""
    faults = broker.faults
    scope: dict[str, Any] = {"count": 2, "client_id": client_id}
    return [
        faults.fail("Produce", "REQUEST_TIMED_OUT", when="after", **scope),
        faults.fail(
            "Produce", "NOT_LEADER_OR_FOLLOWER", when="after", topic=topic, partition=0, **scope
        ),
        faults.fail(
            "Produce", "NOT_LEADER_OR_FOLLOWER", when="before", topic=topic, partition=1, **scope
        ),
        faults.fail("Produce", "NOT_LEADER_OR_FOLLOWER", when="before", **scope),
        faults.drop_connection("Produce", skip=3, client_id=client_id),
        faults.drop_connection("Produce", mid_response=True, skip=5, client_id=client_id),
    ]


def values_for(name: str) -> list[str]:
    return [f"{name}-{i:05d}" for i in range(RECORDS)]


def assert_stored_once_in_order(broker: Broker, topic: str, values: list[str]) -> None:
    """Record i went to partition i % PARTITIONS: each partition's log holds exactly its
    records, each once, in the order they were sent."""
    logs = read_partitions(broker.bootstrap_servers, topic, PARTITIONS)
    for p in range(PARTITIONS):
        expected = values[p::PARTITIONS]
        got = logs[p]
        assert len(got) == len(set(got)), f"partition {p}: {len(got) - len(set(got))} duplicates"
        assert got == expected, f"partition {p}: {len(got)} records, expected {len(expected)}"


def assert_all_fired(broker: Broker, faults: list[Fault]) -> None:
    """Each fault fired exactly its count, and is no longer armed."""
    fired = firings(broker, faults)
    assert {f.fault_id: fired[f.fault_id] for f in faults} == {
        f.fault_id: f.spec.count for f in faults
    }
    armed = {f.fault_id for f in broker.faults.armed()}
    assert armed.isdisjoint(f.fault_id for f in faults)


def test_confluent_idempotent_producer_stores_each_record_once_through_lost_acks(
    broker: Broker,
) -> None:
    topic = client_id = "ft-ck-idempotent"
    create_topic(broker.bootstrap_servers, topic, PARTITIONS)
    faults = arm_lost_acks(broker, topic, client_id)
    producer = idempotent_producer(
        broker.bootstrap_servers, client_id, **{"batch.size": SMALL_BATCH_BYTES}
    )
    log = DeliveryLog()
    values = values_for(topic)
    for i, v in enumerate(values):
        producer.produce(
            topic, key=v.encode(), value=v.encode(), partition=i % PARTITIONS, on_delivery=log
        )
        producer.poll(0)
    assert producer.flush(OP_TIMEOUT_S) == 0
    assert log.failed == []
    assert sorted(v for v, _, _ in log.delivered) == sorted(values)
    assert_all_fired(broker, faults)
    assert_stored_once_in_order(broker, topic, values)


async def test_samsa_idempotent_producer_stores_each_record_once_through_lost_acks(
    broker: Broker,
) -> None:
    topic = client_id = "ft-samsa-idempotent"
    await asyncio.to_thread(create_topic, broker.bootstrap_servers, topic, PARTITIONS)
    faults = await asyncio.to_thread(arm_lost_acks, broker, topic, client_id)
    values = values_for(topic)
    async with Producer(
        bootstrap_servers=broker.bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        linger_ms=2,
        batch_size=SMALL_BATCH_BYTES,
        retry_backoff_ms=10,
    ) as producer:
        futures = [
            await producer.send(topic, v.encode(), key=v.encode(), partition=i % PARTITIONS)
            for i, v in enumerate(values)
        ]
        async with asyncio.timeout(OP_TIMEOUT_S):
            sent = [await f for f in futures]
    assert [m.partition for m in sent] == [i % PARTITIONS for i in range(RECORDS)]
    await asyncio.to_thread(assert_all_fired, broker, faults)
    await asyncio.to_thread(assert_stored_once_in_order, broker, topic, values)


async def test_aiokafka_idempotent_producer_stores_each_record_once_through_lost_acks(
    broker: Broker,
) -> None:
    topic = client_id = "ft-aiokafka-idempotent"
    await asyncio.to_thread(create_topic, broker.bootstrap_servers, topic, PARTITIONS)
    faults = await asyncio.to_thread(arm_lost_acks, broker, topic, client_id)
    values = values_for(topic)
    producer = aiokafka.AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=SMALL_BATCH_BYTES,
        retry_backoff_ms=10,
    )
    await producer.start()
    try:
        futures = [
            await producer.send(topic, v.encode(), key=v.encode(), partition=i % PARTITIONS)
            for i, v in enumerate(values)
        ]
        sent = await asyncio.wait_for(asyncio.gather(*futures), OP_TIMEOUT_S)
    finally:
        await producer.stop()
    assert [m.partition for m in sent] == [i % PARTITIONS for i in range(RECORDS)]
    await asyncio.to_thread(assert_all_fired, broker, faults)
    await asyncio.to_thread(assert_stored_once_in_order, broker, topic, values)


# -- consumer groups through rebalances and dropped connections -----------------------------------


def group_faults(
    broker: Broker, group: str, *, commit_drops: bool = True
) -> list[tuple[str, Callable[[], Fault]]]:
    """The faults a group test goes through, one per phase, in order (``commit_drops``: the
    OffsetCommit connection drops too)."""
    faults = broker.faults
    phases: list[tuple[str, Callable[[], Fault]]] = [
        ("rebalance", lambda: faults.rebalance(group)),
        ("drop Fetch", lambda: faults.drop_connection("Fetch", count=2)),
        ("drop OffsetCommit", lambda: faults.drop_connection("OffsetCommit", count=2)),
        ("drop Fetch mid-response", lambda: faults.drop_connection("Fetch", mid_response=True)),
        (
            "drop OffsetCommit mid-response",
            lambda: faults.drop_connection("OffsetCommit", mid_response=True),
        ),
        ("rebalance again", lambda: faults.rebalance(group)),
    ]
    return [(what, arm) for what, arm in phases if commit_drops or "OffsetCommit" not in what]


def report(record_property: Callable[[str, object], None], name: str, account: str) -> None:
    """The duplicates are part of the result: in the test report and on stdout (-s)."""
    record_property(name, account)
    print(f"{name}: {account}")


@pytest.mark.parametrize("protocol", ["classic", "consumer"])
def test_confluent_group_loses_nothing_through_rebalances_and_dropped_connections(
    broker: Broker, record_property: Callable[[str, object], None], protocol: str
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = group = f"ft-ck-group-{protocol}"
    create_topic(bootstrap, topic, GROUP_PARTITIONS)
    members = [GroupMember(bootstrap, group, topic, f"{group}-{i}", protocol) for i in range(2)]
    producer = idempotent_producer(bootstrap, f"{group}-producer")
    log = DeliveryLog()
    produced: list[str] = []

    def produce_chunk() -> None:
        values = [f"{group}-{len(produced) + i:05d}" for i in range(CHUNK)]
        produce_values(producer, topic, values, log)
        produced.extend(values)

    for m in members:
        m.start()
    try:
        wait_stable(members, GROUP_PARTITIONS)
        produce_chunk()
        wait_consumed(members, produced)
        armed: list[Fault] = []
        # librdkafka 2.16's KIP-848 member cannot recover from a coordinator connection lost
        # under a synchronous OffsetCommit: its retried commit fails each time the coordinator
        # is found again ("closing connection due to nodename change"), which marks the
        # coordinator dead again, so no heartbeat leaves and close() hangs. The classic
        # member's session expires and it rejoins.
        for what, arm in group_faults(broker, group, commit_drops=protocol == "classic"):
            if what.startswith("rebalance"):
                wait_stable(members, GROUP_PARTITIONS)
            assignments = [m.assignments for m in members]
            fault = arm()
            armed.append(fault)
            produce_chunk()
            wait_fired(broker, fault, fault.spec.count or 1)
            if what.startswith("rebalance") and protocol == "classic":
                # (A KIP-848 member whose partitions stay sees nothing of a new group epoch.)
                wait_reassigned(members, assignments)
            wait_consumed(members, produced)
        produce_chunk()
        wait_consumed(members, produced)
    finally:
        for m in members:
            m.stop()
    assert [m.errors for m in members] == [[], []]
    assert log.failed == []
    fired = firings(broker, armed)
    assert all(fired[f.fault_id] == (f.spec.count or 1) for f in armed), fired
    report(record_property, f"confluent_group_{protocol}", tally(members).check(produced))


class SamsaMember(ConsumerRebalanceListener):
    """Samsa's group consumer in a task: processes each batch from ``getmany`` (keeps the
    values), then commits its positions; a failed commit counts the batch as processed but
    uncommitted. ``protocol``: the classic group protocol or KIP-848's (``consumer``)."""

    def __init__(
        self, bootstrap: str, group: str, topic: str, client_id: str, protocol: str
    ) -> None:
        # A KIP-848 member takes its heartbeat interval and session from the coordinator.
        timings: dict[str, Any] = (
            {"heartbeat_interval_ms": 100, "session_timeout_ms": 6000}
            if protocol == "classic"
            else {}
        )
        self.consumer = Consumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            group_protocol=protocol,
            client_id=client_id,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            retry_backoff_ms=10,
            **timings,
        )
        self.topic = topic
        self.values: list[str] = []
        self.uncommitted = 0
        self.failed_commits: list[str] = []
        self.assignments = 0
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def on_partitions_assigned(self, assigned: set[SamsaTopicPartition]) -> None:
        self.assignments += 1

    def generation(self) -> int:
        """Grows with every rebalance the member goes through: a classic member is assigned
        partitions again; a KIP-848 member's epoch grows even when its partitions stay."""
        group = self.consumer._group
        if isinstance(group, ConsumerGroupMember):
            return group.member_epoch
        return self.assignments

    def on_partitions_revoked(self, revoked: set[SamsaTopicPartition]) -> None:
        pass

    def start(self) -> None:
        self.task = asyncio.create_task(
            self._run(), name=f"member-{self.consumer.config.client_id}"
        )

    async def _run(self) -> None:
        async with self.consumer:
            self.consumer.subscribe([self.topic], listener=self)
            while not self.stopping.is_set():
                batch = await self.consumer.getmany(timeout_ms=50)
                records = [r for rs in batch.values() for r in rs]
                if not records:
                    continue
                self.values.extend(bytes(r.value or b"").decode() for r in records)
                try:
                    await self.consumer.commit()
                except (KafkaError, ClientError) as exc:
                    self.uncommitted += len(records)
                    self.failed_commits.append(repr(exc))

    async def stop(self) -> None:
        self.stopping.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, OP_TIMEOUT_S)  # raises what ended the member


@pytest.mark.parametrize("protocol", ["classic", "consumer"])
async def test_samsa_group_loses_nothing_through_rebalances_and_dropped_connections(
    broker: Broker, record_property: Callable[[str, object], None], protocol: str
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = group = f"ft-samsa-group-{protocol}"
    await asyncio.to_thread(create_topic, bootstrap, topic, GROUP_PARTITIONS)
    members = [SamsaMember(bootstrap, group, topic, f"{group}-{i}", protocol) for i in range(2)]
    produced: list[str] = []

    def missing() -> int:
        return len(set(produced) - {v for m in members for v in m.values})

    async def consumed_all() -> None:
        await eventually(
            lambda: missing() == 0,
            OP_TIMEOUT_S,
            "the group consumed every record",
            describe=lambda: f"{missing()} missing",
        )

    async def stable() -> None:
        def covered() -> bool:
            owned = [m.consumer.assignment() for m in members]
            every = sorted(tp.partition for o in owned for tp in o)
            return all(owned) and every == list(range(GROUP_PARTITIONS))

        await eventually(covered, OP_TIMEOUT_S, "the members share the partitions")

    async def fired(fault: Fault) -> None:
        count = fault.spec.count or 1
        await eventually(
            lambda: asyncio.to_thread(lambda: firings(broker, [fault])[fault.fault_id] >= count),
            OP_TIMEOUT_S,
            f"{fault.describe()} fired",
        )

    async def reassigned(before: list[int]) -> None:
        await eventually(
            lambda: all(m.generation() > n for m, n in zip(members, before, strict=True)),
            OP_TIMEOUT_S,
            "every member went through the rebalance",
        )

    async with Producer(bootstrap_servers=bootstrap, linger_ms=2) as producer:

        async def produce_chunk() -> None:
            values = [f"{group}-{len(produced) + i:05d}" for i in range(CHUNK)]
            futures = [await producer.send(topic, v.encode(), key=v.encode()) for v in values]
            async with asyncio.timeout(OP_TIMEOUT_S):
                for f in futures:
                    await f
            produced.extend(values)

        for m in members:
            m.start()
        try:
            await stable()
            await produce_chunk()
            await consumed_all()
            armed: list[Fault] = []
            for what, arm in group_faults(broker, group):
                if what.startswith("rebalance"):
                    await stable()
                generations = [m.generation() for m in members]
                fault = await asyncio.to_thread(arm)
                armed.append(fault)
                await produce_chunk()
                await fired(fault)
                if what.startswith("rebalance"):
                    await reassigned(generations)
                await consumed_all()
            await produce_chunk()
            await consumed_all()
        finally:
            for m in members:
                await m.stop()
    fired_counts = await asyncio.to_thread(firings, broker, armed)
    assert all(fired_counts[f.fault_id] == (f.spec.count or 1) for f in armed), fired_counts
    result = GroupTally([v for m in members for v in m.values], sum(m.uncommitted for m in members))
    report(record_property, f"samsa_group_{protocol}", result.check(produced))


# -- chaos ----------------------------------------------------------------------------------------


def chaos_sequence(broker: Broker, seed: int) -> list[str]:
    """The first CHAOS_COMPARED faults a chaos run with ``seed`` arms on ``broker``, described.
    Only request faults, and no client connected: none fires or expires, so every one the run
    armed is still listed, in arming order."""
    faults = broker.faults
    faults.clear()
    faults.chaos(seed, rate_per_s=100.0, kinds=("error", "delay", "drop"))
    try:

        def chaos_armed() -> list[Fault] | None:
            armed = [f for f in faults.armed() if f.source.startswith("chaos")]
            return armed if len(armed) >= CHAOS_COMPARED else None

        armed = eventually_sync(chaos_armed, OP_TIMEOUT_S, f"{CHAOS_COMPARED} chaos faults armed")
    finally:
        faults.stop_chaos()
    armed.sort(key=lambda f: f.fault_id)
    return [f.spec.describe() for f in armed[:CHAOS_COMPARED]]


def test_chaos_with_a_seed_arms_the_same_faults_in_the_same_order() -> None:
    with Broker.embedded_in_thread() as first:
        seeded = chaos_sequence(first, 7)
        other_seed = chaos_sequence(first, 8)
    with Broker.embedded_in_thread() as second:
        again = chaos_sequence(second, 7)
    assert seeded == again
    assert seeded != other_seed
    assert len(set(seeded)) > 1  # a mix, not one fault repeated


def test_a_producer_and_a_group_survive_a_short_chaos_run(
    broker: Broker, record_property: Callable[[str, object], None]
) -> None:
    bootstrap = broker.bootstrap_servers
    topic = group = "ft-chaos"
    create_topic(bootstrap, topic, GROUP_PARTITIONS)
    members = [GroupMember(bootstrap, group, topic, f"{group}-{i}") for i in range(2)]
    producer = SteadyProducer(bootstrap, topic, f"{group}-producer", f"{group}-")
    for m in members:
        m.start()
    before = {f.seq for f in broker.faults.history(MAX_HISTORY)}
    try:
        wait_stable(members, GROUP_PARTITIONS)
        producer.start()
        broker.faults.chaos(CHAOS_SEED, rate_per_s=CHAOS_RATE_PER_S, duration_ms=CHAOS_DURATION_MS)
        try:

            def chaos_fired() -> int | None:
                history = broker.faults.history(MAX_HISTORY)
                n = len({f.fault_id for f in history if f.seq not in before})
                return n if n >= CHAOS_FAULTS_FIRED else None

            eventually_sync(chaos_fired, OP_TIMEOUT_S, f"{CHAOS_FAULTS_FIRED} chaos faults fired")
        finally:
            broker.faults.stop_chaos()
            broker.faults.clear()
        chaos = [f for f in broker.faults.history(MAX_HISTORY) if f.seq not in before]
        produced = producer.stop()
        wait_consumed(members, produced)
    finally:
        producer.stopping.set()
        for m in members:
            m.stop()
    assert producer.log.failed == []
    assert [m.errors for m in members] == [[], []]
    account = tally(members).check(produced)
    # The idempotent producer stored each record once, whatever chaos did to its requests.
    logs = read_partitions(bootstrap, topic, GROUP_PARTITIONS)
    stored = [v for p in logs.values() for v in p]
    assert sorted(stored) == sorted(produced)
    kinds = Counter(f.kind.value if f.api is None else f"{f.kind} {api_name(f.api)}" for f in chaos)
    report(record_property, "chaos", f"{len(chaos)} firings {dict(kinds)}; {account}")


# -- off by default ------------------------------------------------------------------------------


def test_a_fresh_broker_has_no_fault_armed_and_injects_nothing(samsa_broker: Broker) -> None:
    faults = samsa_broker.faults
    assert faults.armed() == []
    assert faults.history(MAX_HISTORY) == []
    assert not samsa_broker.fault_plan.request_faults_armed
    bootstrap = samsa_broker.bootstrap_servers
    create_topic(bootstrap, "ft-no-faults", PARTITIONS)
    # No retries: an injected error would fail a delivery.
    producer = idempotent_producer(
        bootstrap, "ft-no-faults", **{"enable.idempotence": False, "retries": 0}
    )
    log = DeliveryLog()
    values = [f"quiet-{i:03d}" for i in range(50)]
    produce_values(producer, "ft-no-faults", values, log)
    assert log.failed == []
    logs = read_partitions(bootstrap, "ft-no-faults", PARTITIONS)
    assert sorted(v for p in logs.values() for v in p) == values
    assert faults.armed() == []
    assert faults.history(MAX_HISTORY) == []
    assert samsa_broker.fault_plan.injected_total == {}
    assert samsa_broker.http_url is not None
    with urllib.request.urlopen(f"{samsa_broker.http_url}/metrics", timeout=OP_TIMEOUT_S) as r:
        samples = samples_of(r.read().decode())
    assert value(samples, "samsa_faults_armed") == 0
    assert value(samples, "samsa_faults_chaos_running") == 0
    assert all(v == 0 for v in series(samples, "samsa_faults_injected_total").values())
    # Nor can anyone arm one from outside: the admin channel is off unless enabled.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{samsa_broker.http_url}/api/faults", timeout=OP_TIMEOUT_S)
    assert refused.value.code == 404
