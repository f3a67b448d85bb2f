"""kafka-python 3 group consumers against Samsa: dynamic members sharing a topic exactly once,
static membership (``group_instance_id``: a restarted member takes its place back without a
rebalance), and KafkaAdminClient's group calls (kafka-python 3.0.12 names them ``list_groups``,
``describe_groups``, ``list_group_offsets``, ``delete_groups``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from support.waiting import eventually_sync

from broker import Broker

kafka = pytest.importorskip("kafka")
kafka_admin = pytest.importorskip("kafka.admin")
from kafka import ConsumerRebalanceListener  # noqa: E402

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.samsa_config(
        **{"group.initial.rebalance.delay.ms": 0, "group.min.session.timeout.ms": 1000}
    ),
]

TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    client = kafka_admin.KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        client.create_topics([kafka_admin.NewTopic(topic, partitions, 1)])
    finally:
        client.close()


def produce(bootstrap: str, topic: str, values: list[str]) -> None:
    producer = kafka.KafkaProducer(bootstrap_servers=bootstrap)
    try:
        for value in values:
            producer.send(topic, key=value.encode(), value=value.encode())
        producer.flush(TIMEOUT_S)
    finally:
        producer.close(TIMEOUT_S)


class Listener(ConsumerRebalanceListener):  # type: ignore[misc]  # kafka-python: untyped
    def __init__(self) -> None:
        self.revoked = 0
        self.assigned = 0

    def on_partitions_revoked(self, revoked: Any) -> None:
        if revoked:
            self.revoked += 1

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.assigned += 1


class ConsumerThread(threading.Thread):
    """A kafka-python group consumer polling on its own thread, committing synchronously after
    every batch it processed."""

    def __init__(self, bootstrap: str, group: str, topic: str, **conf: Any) -> None:
        super().__init__(daemon=True)
        self.conf = {
            "bootstrap_servers": bootstrap,
            "group_id": group,
            "auto_offset_reset": "earliest",
            "enable_auto_commit": False,
            "heartbeat_interval_ms": 300,
            "session_timeout_ms": 10_000,
            **conf,
        }
        self.topic = topic
        self.listener = Listener()
        self.values: list[str] = []
        self.assigned: frozenset[int] = frozenset()
        self.member_id = ""
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        consumer = kafka.KafkaConsumer(**self.conf)
        try:
            consumer.subscribe([self.topic], listener=self.listener)
            # kafka-python joins without waiting for the subscribed topic's metadata: a leader
            # that assigns before it arrives rebalances again once it does (or, if nothing
            # refreshes metadata, sits on an empty assignment for metadata.max.age.ms). With
            # group.initial.rebalance.delay.ms=0 that race is common; a blocking metadata
            # fetch after subscribing (before the first poll joins) avoids it.
            assert self.topic in consumer.topics()
            while not self.stopping.is_set():
                batches = consumer.poll(timeout_ms=50)
                self.assigned = frozenset(tp.partition for tp in consumer.assignment())
                for records in batches.values():
                    self.values.extend(r.value.decode() for r in records)
                if batches:
                    consumer.commit()
        except Exception as exc:
            self.errors.append(exc)
        finally:
            consumer.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(TIMEOUT_S)
        assert not self.is_alive()


def consumed(consumers: list[ConsumerThread]) -> list[str]:
    return [v for c in consumers for v in c.values]


def covered(consumers: list[ConsumerThread]) -> list[int]:
    return sorted(p for c in consumers for p in c.assigned)


def test_dynamic_members_share_a_topic_exactly_once(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kp-g", 4)
    consumers = [ConsumerThread(bootstrap, "kp-dynamic", "kp-g") for _ in range(2)]
    for c in consumers:
        c.start()
    try:
        eventually_sync(
            lambda: covered(consumers) == [0, 1, 2, 3] and all(c.assigned for c in consumers),
            TIMEOUT_S,
            "two members sharing four partitions",
        )
        values = [f"v{i}" for i in range(200)]
        produce(bootstrap, "kp-g", values)
        eventually_sync(lambda: len(consumed(consumers)) >= 200, TIMEOUT_S, "every record")
        assert sorted(consumed(consumers)) == sorted(values)
        assert [c.errors for c in consumers] == [[], []]
    finally:
        for c in consumers:
            c.stop()


def test_static_member_comes_back_without_a_rebalance(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kp-static", 4)
    a = ConsumerThread(bootstrap, "kp-static-group", "kp-static", group_instance_id="kp-a")
    b = ConsumerThread(bootstrap, "kp-static-group", "kp-static", group_instance_id="kp-b")
    a.start()
    b.start()
    replacement: ConsumerThread | None = None
    try:
        eventually_sync(
            lambda: covered([a, b]) == [0, 1, 2, 3] and bool(a.assigned) and bool(b.assigned),
            TIMEOUT_S,
            "two static members sharing four partitions",
        )
        first = [f"s{i}" for i in range(100)]
        produce(bootstrap, "kp-static", first)
        eventually_sync(lambda: len(consumed([a, b])) >= 100, TIMEOUT_S, "the first records")
        a_partitions = a.assigned
        revoked_before = b.listener.revoked
        a.stop()  # a static member does not leave: its place waits for its session
        replacement = ConsumerThread(
            bootstrap, "kp-static-group", "kp-static", group_instance_id="kp-a"
        )
        replacement.start()
        eventually_sync(
            lambda: bool(replacement and replacement.assigned),
            TIMEOUT_S,
            "the replacement's partitions",
        )
        assert replacement.assigned == a_partitions
        second = [f"t{i}" for i in range(100)]
        produce(bootstrap, "kp-static", second)
        eventually_sync(
            lambda: len(consumed([a, b, replacement])) >= 200, TIMEOUT_S, "the second records"
        )
        assert sorted(consumed([a, b, replacement])) == sorted(first + second)
        assert b.listener.revoked == revoked_before, "the other member went through a rebalance"
        assert [c.errors for c in (a, b, replacement)] == [[], [], []]
    finally:
        for c in (a, b, replacement):
            if c is not None and c.is_alive():
                c.stop()


def test_admin_client_group_calls(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "kp-admin-groups", 2)
    produce(bootstrap, "kp-admin-groups", [f"a{i}" for i in range(10)])
    client = kafka_admin.KafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = ConsumerThread(bootstrap, "kp-admin-live", "kp-admin-groups", client_id="kp-cid")
    consumer.start()
    try:
        eventually_sync(lambda: len(consumer.values) >= 10, TIMEOUT_S, "the live group's records")
        listed = {g["group_id"]: g for g in client.list_groups()}
        assert listed["kp-admin-live"]["protocol_type"] == "consumer"
        assert listed["kp-admin-live"]["group_state"] == "Stable"

        described = client.describe_groups(["kp-admin-live"])["kp-admin-live"]
        assert described["error"] is None
        assert described["group_state"] == "Stable"
        assert described["protocol_type"] == "consumer"
        [member] = described["members"]
        assert member["client_id"] == "kp-cid"
        assert member["client_host"] == "/127.0.0.1"

        offsets = client.list_group_offsets("kp-admin-live")["kp-admin-live"]
        assert sum(o.offset for o in offsets.values()) == 10

        assert client.delete_groups(["kp-admin-live"]) == {"kp-admin-live": "NonEmptyGroupError"}
    finally:
        consumer.stop()
    try:
        assert client.delete_groups(["kp-admin-live"]) == {"kp-admin-live": "OK"}
        assert "kp-admin-live" not in {g["group_id"] for g in client.list_groups()}
        assert client.list_group_offsets("kp-admin-live")["kp-admin-live"] == {}
    finally:
        client.close()
