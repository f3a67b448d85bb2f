"""confluent-kafka (librdkafka 2.16) with ``group.protocol=consumer`` (KIP-848) against Samsa:
three members share a 12-partition topic exactly once with synchronous commits; a fourth joins
(a separate process) while records keep flowing, and the three keep consuming the partitions
they keep (no stop-the-world; the same is measured for the classic protocol); the fourth is then
SIGKILLed, its session expires and its partitions move, and no record is lost. Also: the
group's records in ``__consumer_offsets`` bring it back at its epochs after a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.confluent_ops import create_topic, produce
from support.waiting import eventually, eventually_sync
from support.wire import WireClient

from broker import Broker
from protocol.errors import ErrorCode
from protocol.messages import (
    ConsumerGroupDescribeRequest,
    ConsumerGroupDescribeResponse,
    ConsumerGroupHeartbeatRequest,
    ConsumerGroupHeartbeatResponse,
    DescribeGroupsRequest,
    JoinGroupRequest,
    JoinGroupResponse,
    ListGroupsRequest,
    MetadataRequest,
    OffsetCommitRequest,
    OffsetFetchRequest,
)

confluent_kafka = pytest.importorskip("confluent_kafka")
admin = pytest.importorskip("confluent_kafka.admin")

TIMEOUT_S = 30.0
#: A short consumer-group session, so a killed member is removed within the test.
SESSION_TIMEOUT_MS = 3_000
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": 1000,
    "group.consumer.session.timeout.ms": SESSION_TIMEOUT_MS,
    "group.consumer.min.session.timeout.ms": 1000,
    "group.consumer.heartbeat.interval.ms": 300,
    "group.consumer.min.heartbeat.interval.ms": 100,
}
#: Commit errors a member retries: its epoch moved under the commit (KIP-848) or the classic
#: group is completing a rebalance.
RETRIED_COMMIT_ERRORS = ("STALE_MEMBER_EPOCH", "REBALANCE_IN_PROGRESS")

pytestmark = [pytest.mark.timeout(120), pytest.mark.samsa_config(**SETTINGS)]


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


class Trickle(threading.Thread):
    """Produces one record every few milliseconds until stopped (keys spread over partitions)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
        self.topic = topic
        self.values: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        i = 0
        while not self.stopping.wait(0.003):  # paces the records: ~300 a second
            value = f"t{i}"
            self.producer.produce(self.topic, key=value.encode(), value=value.encode())
            self.producer.poll(0)
            self.values.append(value)
            i += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join(TIMEOUT_S)
        assert self.producer.flush(TIMEOUT_S) == 0


@dataclass(frozen=True)
class Received:
    value: str
    partition: int
    at: float


class Member(threading.Thread):
    """A group member on its own thread: records every message and commits it synchronously
    before polling again."""

    def __init__(self, bootstrap: str, group: str, topic: str, protocol: str) -> None:
        super().__init__(daemon=True)
        self.config = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "group.protocol": protocol,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
        if protocol == "classic":
            self.config["heartbeat.interval.ms"] = 300
        self.topic = topic
        self.received: list[Received] = []
        self.assigned: frozenset[int] = frozenset()
        #: Every change of the assignment, with when it was seen.
        self.changes: list[tuple[float, frozenset[int]]] = []
        #: Partitions taken away by each rebalance (all of them under eager revocation).
        self.revoked: list[frozenset[int]] = []
        self.errors: list[object] = []
        self.stopping = threading.Event()

    @property
    def values(self) -> list[str]:
        return [r.value for r in self.received]

    def run(self) -> None:
        consumer = confluent_kafka.Consumer(self.config)
        try:
            consumer.subscribe([self.topic], on_revoke=self._on_revoke)
            while not self.stopping.is_set():
                msg = consumer.poll(0.05)
                now = frozenset(tp.partition for tp in consumer.assignment())
                if now != self.assigned:
                    self.changes.append((_now(), now))
                self.assigned = now
                if msg is None:
                    continue
                if msg.error() is not None:
                    self.errors.append(msg.error())
                    continue
                self.received.append(Received(msg.value().decode(), msg.partition(), _now()))
                self._commit(consumer, msg)
        except Exception as exc:  # reported by the test
            self.errors.append(exc)
        finally:
            consumer.close()

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        self.revoked.append(frozenset(tp.partition for tp in partitions))

    def _commit(self, consumer: Any, msg: Any) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                consumer.commit(message=msg, asynchronous=False)
                return
            except confluent_kafka.KafkaException as exc:
                if exc.args[0].name() not in RETRIED_COMMIT_ERRORS or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)  # back off before committing again

    def stop(self) -> None:
        self.stopping.set()
        self.join(TIMEOUT_S)
        assert not self.is_alive()


def _now() -> float:
    return time.monotonic()


def covered(members: list[Member]) -> list[int]:
    return sorted(p for m in members for p in m.assigned)


FOURTH_MEMBER = textwrap.dedent("""
    import sys
    import confluent_kafka

    config = {
        "bootstrap.servers": sys.argv[1],
        "group.id": sys.argv[2],
        "group.protocol": sys.argv[4],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
    if sys.argv[4] == "classic":  # the consumer protocol's session is the broker's setting
        config.update({"session.timeout.ms": 3000, "heartbeat.interval.ms": 300})
    consumer = confluent_kafka.Consumer(config)
    consumer.subscribe([sys.argv[3]])
    announced = frozenset()
    while True:
        msg = consumer.poll(0.05)
        now = frozenset(tp.partition for tp in consumer.assignment())
        if now != announced:
            print("ASSIGNED", ",".join(str(p) for p in sorted(now)), flush=True)
            announced = now
        if msg is None or msg.error() is not None:
            continue
        # Reported before the commit: killed between the two, the record is still someone's.
        print("CONSUMED", msg.value().decode(), flush=True)
        consumer.commit(message=msg, asynchronous=False)
""")


class Fourth:
    """The fourth member, in its own process (so it can be SIGKILLed)."""

    def __init__(self, bootstrap: str, group: str, topic: str, protocol: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", FOURTH_MEMBER, bootstrap, group, topic, protocol],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.assigned: frozenset[int] = frozenset()
        self.values: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            kind, _, rest = line.strip().partition(" ")
            if kind == "ASSIGNED":
                self.assigned = frozenset(int(p) for p in rest.split(",") if p)
            elif kind == "CONSUMED":
                self.values.append(rest)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)  # no leave: only the session can end it
        self.proc.wait(TIMEOUT_S)
        self._reader.join(TIMEOUT_S)


@dataclass
class JoinFigures:
    """What the three members did while the fourth joined."""

    kept_records: int
    """Records the three consumed from partitions they kept while the fourth joined (from its
    start until the four share the partitions)."""
    reassign_ms: float
    """How long that reassignment took."""
    idle_ms: float
    """How long the three together held no partition at all during the join (eager
    revocation makes the classic protocol stop them)."""
    join_ms: float
    """From starting the fourth member to four members sharing the partitions."""
    kept_revoked: int
    """Partitions taken from the three that they were given back (they stopped consuming
    them): every kept partition under eager revocation, none under KIP-848."""


def fourth_joins(
    bootstrap: str, group: str, topic: str, protocol: str, three: list[Member]
) -> tuple[Fourth, JoinFigures]:
    """Start the fourth member and wait until the four share the partitions; count what the
    three consumed meanwhile from the partitions they kept."""
    before = [m.assigned for m in three]
    seen = [len(m.changes) for m in three]
    revocations = [len(m.revoked) for m in three]
    started = _now()
    fourth = Fourth(bootstrap, group, topic, protocol)
    eventually_sync(
        lambda: (
            bool(fourth.assigned)
            and all(m.assigned for m in three)
            and sorted(covered(three) + sorted(fourth.assigned)) == list(range(12))
        ),
        TIMEOUT_S,
        "four members sharing the twelve partitions",
    )
    done = _now()
    changes = [m.changes[n:] for m, n in zip(three, seen, strict=True)]
    moments = [at for member in changes for at, _ in member]
    first, last = (min(moments), max(moments)) if moments else (done, done)
    kept_records = 0
    idle_s = 0.0
    for m, had, member in zip(three, before, changes, strict=True):
        kept = had & m.assigned
        kept_records += sum(
            1 for r in list(m.received) if started <= r.at <= done and r.partition in kept
        )
        held = had
        since = started
        for at, now in member:
            if not held:
                idle_s += at - since
            held, since = now, at
    kept_revoked = sum(
        len(frozenset().union(*m.revoked[n:]) & had & m.assigned)
        for m, n, had in zip(three, revocations, before, strict=True)
    )
    return fourth, JoinFigures(
        kept_records, (last - first) * 1000, idle_s * 1000, (done - started) * 1000, kept_revoked
    )


def run_scenario(bootstrap: str, protocol: str) -> JoinFigures:
    topic = f"kip848-{protocol}"
    group = f"kip848-{protocol}-group"
    create_topic(bootstrap, topic, 12)
    three = [Member(bootstrap, group, topic, protocol) for _ in range(3)]
    trickle: Trickle | None = None
    fourth: Fourth | None = None
    for m in three:
        m.start()
    try:
        eventually_sync(
            lambda: covered(three) == list(range(12)) and all(m.assigned for m in three),
            TIMEOUT_S,
            "three members sharing twelve partitions",
        )
        first = [f"a{i}" for i in range(600)]
        produce(bootstrap, topic, first)
        eventually_sync(
            lambda: len([v for m in three for v in m.values]) >= 600, TIMEOUT_S, "600 records"
        )
        consumed = sorted(v for m in three for v in m.values)
        assert consumed == sorted(first), "lost or duplicated with three members"

        trickle = Trickle(bootstrap, topic)
        trickle.start()
        eventually_sync(lambda: len(trickle.values) > 100, TIMEOUT_S, "records flowing")
        fourth, figures = fourth_joins(bootstrap, group, topic, protocol, three)

        fourth.kill()
        killed_at = _now()
        eventually_sync(
            lambda: covered(three) == list(range(12)),
            TIMEOUT_S,
            "the killed member's partitions move to the three",
        )
        moved_s = _now() - killed_at
        trickle.stop()
        sent = set(trickle.values)
        eventually_sync(
            lambda: {v for m in three for v in m.values} | set(fourth.values) >= sent,
            TIMEOUT_S,
            "every record consumed by someone",
        )
        survivors = [v for m in three for v in m.values if not v.startswith("a")]
        assert len(survivors) == len(set(survivors)), "a record delivered twice to the three"
        assert [m.errors for m in three] == [[], [], []]
        print(
            f"\n{protocol}: fourth member joined in {figures.join_ms:.0f} ms, during which the "
            f"three consumed {figures.kept_records} records from partitions they kept; "
            f"reassignment {figures.reassign_ms:.0f} ms; {figures.kept_revoked} kept "
            f"partitions were revoked and given back; the three held "
            f"nothing for {figures.idle_ms:.0f} ms in all; a SIGKILLed member's partitions "
            f"moved after {moved_s:.1f} s"
        )
        return figures
    finally:
        if trickle is not None and trickle.is_alive():
            trickle.stopping.set()
        if fourth is not None:
            fourth.kill()
        for m in three:
            m.stop()


def test_consumer_protocol_shares_exactly_once_and_never_stops_the_world(broker: Broker) -> None:
    figures = run_scenario(broker.bootstrap_servers, "consumer")
    assert figures.kept_records > 0, "the three stopped while the fourth joined"
    assert figures.idle_ms == 0, "a member was left without partitions"
    assert figures.kept_revoked == 0, "partitions the three keep were revoked"


def test_classic_protocol_for_comparison(broker: Broker) -> None:
    figures = run_scenario(broker.bootstrap_servers, "classic")
    assert figures.join_ms > 0


def test_consumer_group_describe_and_list(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kip848-describe", 4)
    member = Member(bootstrap, "kip848-describe-group", "kip848-describe", "consumer")
    member.start()
    try:
        eventually_sync(lambda: len(member.assigned) == 4, TIMEOUT_S, "one member with all four")
        client = admin.AdminClient({"bootstrap.servers": bootstrap})
        (described,) = client.describe_consumer_groups(["kip848-describe-group"]).values()
        group = described.result(TIMEOUT_S)
        assert group.type == confluent_kafka.ConsumerGroupType.CONSUMER
        assert str(group.state) == str(confluent_kafka.ConsumerGroupState.STABLE)
        assert len(group.members) == 1
        assert sorted(tp.partition for tp in group.members[0].assignment.topic_partitions) == [
            0,
            1,
            2,
            3,
        ]
    finally:
        member.stop()


# -- persistence: the group's records in __consumer_offsets survive a restart -------------------

_HbTp = ConsumerGroupHeartbeatRequest.TopicPartitions


def _owned(owned: list[int] | None, topic_id: uuid.UUID) -> list[_HbTp] | None:
    if owned is None:
        return None
    return [_HbTp(topic_id=topic_id, partitions=owned)] if owned else []


async def _heartbeat(
    client: WireClient,
    member: str,
    epoch: int,
    owned: list[int] | None,
    topic_id: uuid.UUID,
    topics: list[str] | None = None,
) -> ConsumerGroupHeartbeatResponse:
    response: ConsumerGroupHeartbeatResponse = await client.request(
        ConsumerGroupHeartbeatRequest(
            group_id="kip848-restart-group",
            member_id=member,
            member_epoch=epoch,
            rebalance_timeout_ms=10_000 if epoch == 0 else -1,
            subscribed_topic_names=topics,
            topic_partitions=_owned(owned, topic_id),
        ),
        1,
    )
    return response


def _partitions(response: ConsumerGroupHeartbeatResponse) -> list[int]:
    assert response.assignment is not None
    return sorted(p for t in response.assignment.topic_partitions for p in t.partitions)


async def _describe(client: WireClient) -> ConsumerGroupDescribeResponse.DescribedGroup:
    response = await client.request(
        ConsumerGroupDescribeRequest(group_ids=["kip848-restart-group"]), 0
    )
    (group,) = response.groups
    return group  # type: ignore[no-any-return]


def _summary(group: ConsumerGroupDescribeResponse.DescribedGroup) -> object:
    return (
        group.group_epoch,
        group.assignment_epoch,
        sorted(
            (
                m.member_id,
                m.member_epoch,
                [(t.topic_name, sorted(t.partitions)) for t in m.assignment.topic_partitions],
            )
            for m in group.members
        ),
    )


async def _form_group(bootstrap: str) -> tuple[uuid.UUID, object]:
    client = await WireClient.connect(bootstrap)
    try:
        metadata = await client.request(
            MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="kip848-restart")]),
            12,
        )
        topic_id: uuid.UUID = metadata.topics[0].topic_id
        r = await _heartbeat(client, "m1", 0, [], topic_id, ["kip848-restart"])
        assert (r.error_code, r.member_epoch, _partitions(r)) == (0, 1, [0, 1, 2, 3])
        r2 = await _heartbeat(client, "m2", 0, [], topic_id, ["kip848-restart"])
        assert r2.member_epoch == 2
        r = await _heartbeat(client, "m1", 1, [0, 1, 2, 3], topic_id)
        kept = _partitions(r)
        r = await _heartbeat(client, "m1", 1, kept, topic_id)  # revoked: moves to epoch 2
        assert r.member_epoch == 2
        r2 = await _heartbeat(client, "m2", 2, [], topic_id)
        assert sorted(kept + _partitions(r2)) == [0, 1, 2, 3]
        group = await _describe(client)
        assert group.group_state == "Stable"
        return topic_id, _summary(group)
    finally:
        await client.close()


async def _after_restart(bootstrap: str, topic_id: uuid.UUID, before: object) -> None:
    client = await WireClient.connect(bootstrap)
    try:

        async def loaded() -> ConsumerGroupDescribeResponse.DescribedGroup | None:
            group = await _describe(client)
            return group if group.error_code == 0 else None

        group = await eventually(loaded, TIMEOUT_S, "the group loaded again")
        assert _summary(group) == before
        # The members carry on at their epochs, and a newcomer moves the group on from there.
        r = await _heartbeat(client, "m2", 2, None, topic_id)
        assert (r.error_code, r.member_epoch) == (0, 2)
        r3 = await _heartbeat(client, "m3", 0, [], topic_id, ["kip848-restart"])
        assert (r3.error_code, r3.member_epoch) == (0, 3)
    finally:
        await client.close()


def test_group_state_survives_a_broker_restart(tmp_path: Path) -> None:
    settings = {**SETTINGS, "group.consumer.session.timeout.ms": 30_000}
    with Broker.embedded_in_thread(tmp_path, **settings) as b:
        create_topic(b.bootstrap_servers, "kip848-restart", 4)
        topic_id, before = asyncio.run(_form_group(b.bootstrap_servers))
    with Broker.embedded_in_thread(tmp_path, **settings) as b:
        asyncio.run(_after_restart(b.bootstrap_servers, topic_id, before))


# -- group types: ListGroups, DescribeGroups, conversion between the protocols ----------------


async def _listed(client: WireClient, types: list[str]) -> dict[str, tuple[str, str]]:
    response = await client.request(ListGroupsRequest(types_filter=types), 5)
    assert response.error_code == 0
    return {g.group_id: (g.group_type, g.group_state) for g in response.groups}


async def _classic_join(client: WireClient, group: str) -> JoinGroupResponse:
    response: JoinGroupResponse = await client.request(
        JoinGroupRequest(
            group_id=group,
            session_timeout_ms=10_000,
            rebalance_timeout_ms=10_000,
            member_id="",
            protocol_type="consumer",
            protocols=[JoinGroupRequest.JoinGroupRequestProtocol(name="range", metadata=b"")],
        ),
        3,
    )
    return response


async def _fetch_v9(client: WireClient, member: str, epoch: int) -> tuple[int, list[int]]:
    group = OffsetFetchRequest.OffsetFetchRequestGroup
    response = await client.request(
        OffsetFetchRequest(
            groups=[group(group_id="conv", member_id=member, member_epoch=epoch, topics=None)]
        ),
        9,
    )
    (answer,) = response.groups
    offsets = [p.committed_offset for t in answer.topics for p in t.partitions]
    return answer.error_code, offsets


async def _types_and_conversion(bootstrap: str) -> None:
    client = await WireClient.connect(bootstrap)
    try:
        metadata = await client.request(
            MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="kip848-types")]),
            12,
        )
        topic_id: uuid.UUID = metadata.topics[0].topic_id
        # A classic group with offsets only (Empty) becomes a consumer group on a heartbeat.
        commit = await client.request(
            OffsetCommitRequest(
                group_id="conv",
                member_id="",
                topics=[
                    OffsetCommitRequest.OffsetCommitRequestTopic(
                        name="kip848-types",
                        partitions=[
                            OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition(
                                partition_index=0, committed_offset=5, committed_metadata=""
                            )
                        ],
                    )
                ],
            ),
            9,
        )
        assert commit.topics[0].partitions[0].error_code == 0
        assert (await _listed(client, []))["conv"] == ("classic", "Empty")
        r = await client.request(
            ConsumerGroupHeartbeatRequest(
                group_id="conv",
                member_id="m1",
                member_epoch=0,
                rebalance_timeout_ms=5_000,
                subscribed_topic_names=["kip848-types"],
                topic_partitions=[],
            ),
            1,
        )
        assert (r.error_code, r.member_epoch) == (0, 1)
        assert (await _listed(client, ["consumer"]))["conv"] == ("consumer", "Stable")
        assert "conv" not in await _listed(client, ["classic"])
        described = await client.request(DescribeGroupsRequest(groups=["conv"]), 5)
        assert described.groups[0].error_code == ErrorCode.GROUP_ID_NOT_FOUND
        # Its offsets carry over.
        fetched = await client.request(OffsetFetchRequest(group_id="conv", topics=None), 7)
        assert [p.committed_offset for t in fetched.topics for p in t.partitions] == [5]
        # OffsetFetch v9: a member fetches with its epoch (STALE_MEMBER_EPOCH for another one).
        assert await _fetch_v9(client, "m1", 1) == (0, [5])
        assert await _fetch_v9(client, "m1", 0) == (ErrorCode.STALE_MEMBER_EPOCH, [])
        assert await _fetch_v9(client, "nobody", 1) == (ErrorCode.UNKNOWN_MEMBER_ID, [])
        # A classic member cannot join it while it has members...
        assert (await _classic_join(client, "conv")).error_code == ErrorCode.GROUP_ID_NOT_FOUND
        # ... and can once it is empty: it converts back to a classic group.
        left = await client.request(
            ConsumerGroupHeartbeatRequest(group_id="conv", member_id="m1", member_epoch=-1), 1
        )
        assert left.error_code == 0
        joined = await _classic_join(client, "conv")
        assert (joined.error_code, joined.generation_id) == (0, 1)
        assert (await _listed(client, ["classic"]))["conv"][0] == "classic"
        assert "conv" not in await _listed(client, ["consumer"])
        # A classic group with members is no consumer group.
        refused = await client.request(
            ConsumerGroupHeartbeatRequest(
                group_id="conv",
                member_id="m2",
                member_epoch=0,
                rebalance_timeout_ms=5_000,
                subscribed_topic_names=["kip848-types"],
                topic_partitions=[],
            ),
            1,
        )
        assert refused.error_code == ErrorCode.GROUP_ID_NOT_FOUND
        assert topic_id.int != 0
    finally:
        await client.close()


def test_group_types_and_conversion_between_protocols(broker: Broker) -> None:
    create_topic(broker.bootstrap_servers, "kip848-types", 2)
    asyncio.run(_types_and_conversion(broker.bootstrap_servers))


async def _describe_groups(
    bootstrap: str, groups: list[str]
) -> list[ConsumerGroupDescribeResponse.DescribedGroup]:
    client = await WireClient.connect(bootstrap)
    try:
        response = await client.request(ConsumerGroupDescribeRequest(group_ids=groups), 0)
        return list(response.groups)
    finally:
        await client.close()


def test_regex_subscription_follows_new_topics(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kip848-rx-a", 2)
    create_topic(bootstrap, "kip848-rx-b", 1)
    create_topic(bootstrap, "kip848-other", 1)
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "kip848-rx-group",
            "group.protocol": "consumer",
            "auto.offset.reset": "earliest",
        }
    )
    try:
        consumer.subscribe(["^kip848-rx-.*"])

        def assignment() -> set[tuple[str, int]]:
            consumer.poll(0.05)
            return {(tp.topic, tp.partition) for tp in consumer.assignment()}

        expected = {("kip848-rx-a", 0), ("kip848-rx-a", 1), ("kip848-rx-b", 0)}
        eventually_sync(lambda: assignment() == expected, TIMEOUT_S, "the matching topics")
        # The pattern itself went to the broker (v1's SubscribedTopicRegex, as librdkafka
        # groups it).
        (group,) = asyncio.run(_describe_groups(bootstrap, ["kip848-rx-group"]))
        assert [m.subscribed_topic_regex for m in group.members] == ["(^kip848-rx-.*)"]
        create_topic(bootstrap, "kip848-rx-c", 1)
        eventually_sync(
            lambda: assignment() == expected | {("kip848-rx-c", 0)},
            TIMEOUT_S,
            "a new matching topic assigned",
        )
    finally:
        consumer.close()


def test_static_member_comes_back_to_its_partitions_without_a_rebalance(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kip848-static", 4)

    def member(instance: str) -> Any:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": "kip848-static-group",
                "group.protocol": "consumer",
                "group.instance.id": instance,
            }
        )
        consumer.subscribe(["kip848-static"])
        return consumer

    def parts(*consumers: Any) -> list[list[int]]:
        for c in consumers:
            c.poll(0.05)
        return [sorted(tp.partition for tp in c.assignment()) for c in consumers]

    a, b = member("static-a"), member("static-b")
    try:
        eventually_sync(
            lambda: (
                sorted(p for ps in parts(a, b) for p in ps) == [0, 1, 2, 3] and all(parts(a, b))
            ),
            TIMEOUT_S,
            "two static members sharing the partitions",
        )
        kept_a, kept_b = parts(a, b)
        (group,) = asyncio.run(_describe_groups(bootstrap, ["kip848-static-group"]))
        epoch = group.group_epoch
        b.close()  # a static member's close leaves with epoch -2: its partitions wait for it
        (group,) = asyncio.run(_describe_groups(bootstrap, ["kip848-static-group"]))
        assert sorted(m.member_epoch for m in group.members)[0] == -2
        b = member("static-b")
        eventually_sync(lambda: parts(a, b) == [kept_a, kept_b], TIMEOUT_S, "b back on its own")
        (group,) = asyncio.run(_describe_groups(bootstrap, ["kip848-static-group"]))
        assert group.group_epoch == epoch, "the return of a static member rebalanced the group"
    finally:
        a.close()
        b.close()


async def _metadata_by_id(bootstrap: str) -> None:
    client = await WireClient.connect(bootstrap)
    topic = MetadataRequest.MetadataRequestTopic
    try:
        by_name = await client.request(MetadataRequest(topics=[topic(name="kip848-ids")]), 12)
        topic_id = by_name.topics[0].topic_id
        assert topic_id.int != 0
        by_id = await client.request(
            MetadataRequest(topics=[topic(name=None, topic_id=topic_id)]), 12
        )
        assert [(t.error_code, t.name, len(t.partitions)) for t in by_id.topics] == [
            (0, "kip848-ids", 3)
        ]
        unknown = await client.request(
            MetadataRequest(topics=[topic(name=None, topic_id=uuid.uuid4())]), 12
        )
        assert [(t.error_code, t.name) for t in unknown.topics] == [
            (ErrorCode.UNKNOWN_TOPIC_ID, None)
        ]
        # Before v12 a topic needs a name.
        old = await client.request(MetadataRequest(topics=[topic(name=None)]), 11)
        assert [t.error_code for t in old.topics] == [ErrorCode.INVALID_REQUEST]
    finally:
        await client.close()


def test_metadata_finds_topics_by_id(broker: Broker) -> None:
    """librdkafka resolves the topic ids of its assignments with Metadata v12."""
    create_topic(broker.bootstrap_servers, "kip848-ids", 3)
    asyncio.run(_metadata_by_id(broker.bootstrap_servers))
