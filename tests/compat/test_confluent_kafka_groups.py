"""confluent-kafka (a current librdkafka) group consumers and group admin against Samsa: three
consumers sharing a topic exactly once with synchronous commits, a fourth joining mid-stream, a
member killed without leaving, a broker restart, cooperative-sticky, and the AdminClient's
consumer-group calls. Also measures how long three consumers take to settle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from support.confluent_ops import create_topic, produce
from support.waiting import eventually_sync

from broker import Broker

confluent_kafka = pytest.importorskip("confluent_kafka")
admin = pytest.importorskip("confluent_kafka.admin")
from confluent_kafka import Consumer, Message  # noqa: E402

TIMEOUT_S = 30.0
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": 1000,
}

pytestmark = [pytest.mark.timeout(90), pytest.mark.samsa_config(**SETTINGS)]


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


class ConsumerThread(threading.Thread):
    """A group consumer on its own thread: records every message, commits it synchronously
    before polling again (so a rebalance never hands a processed record to another member)."""

    def __init__(self, bootstrap: str, group: str, topic: str, **conf: Any) -> None:
        super().__init__(daemon=True)
        self.config = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "heartbeat.interval.ms": 300,
            **conf,
        }
        self.topic = topic
        self.values: list[str] = []
        self.assigned: frozenset[int] = frozenset()
        self.errors: list[object] = []
        self.commit_retries = 0
        self.stopping = threading.Event()
        self.leave = True

    def run(self) -> None:
        consumer = confluent_kafka.Consumer(self.config)
        try:
            consumer.subscribe([self.topic])
            while not self.stopping.is_set():
                msg = consumer.poll(0.05)
                self.assigned = frozenset(tp.partition for tp in consumer.assignment())
                if msg is None:
                    continue
                if msg.error() is not None:
                    self.errors.append(msg.error())
                    continue
                self.values.append(msg.value().decode())
                self._commit(consumer, msg)
        except Exception as exc:  # reported by the test
            self.errors.append(exc)
        finally:
            if self.leave:
                consumer.close()

    def _commit(self, consumer: Consumer, msg: Message) -> None:
        """Commit past ``msg``; retried while the group completes a rebalance, which Kafka
        answers with REBALANCE_IN_PROGRESS (the member holds its new generation but not yet its
        assignment)."""
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                consumer.commit(message=msg, asynchronous=False)
                return
            except confluent_kafka.KafkaException as exc:
                code = exc.args[0].code()
                if code != confluent_kafka.KafkaError.REBALANCE_IN_PROGRESS:
                    raise
                if time.monotonic() > deadline:
                    raise
                self.commit_retries += 1
                time.sleep(0.02)  # back off before committing again

    def stop(self) -> None:
        self.stopping.set()
        self.join(TIMEOUT_S)
        assert not self.is_alive()


def consumed(consumers: list[ConsumerThread]) -> list[str]:
    return [v for c in consumers for v in c.values]


def covered(consumers: list[ConsumerThread]) -> list[int]:
    return sorted(p for c in consumers for p in c.assigned)


def test_three_consumers_share_a_topic_exactly_once_and_a_fourth_joins(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-g6", 6)
    consumers = [ConsumerThread(bootstrap, "ck-three", "ck-g6") for _ in range(3)]
    started = time.monotonic()
    for c in consumers:
        c.start()
    try:
        eventually_sync(
            lambda: covered(consumers) == list(range(6)) and all(c.assigned for c in consumers),
            TIMEOUT_S,
            "three consumers sharing six partitions",
        )
        print(
            f"\nconfluent-kafka: 3 consumers subscribing at once, first subscribe to all "
            f"assigned: {(time.monotonic() - started) * 1000:.0f} ms"
        )
        first = [f"a{i}" for i in range(300)]
        produce(bootstrap, "ck-g6", first)
        eventually_sync(lambda: len(consumed(consumers)) >= 300, TIMEOUT_S, "the first 300 records")

        fourth = ConsumerThread(bootstrap, "ck-three", "ck-g6")
        consumers.append(fourth)
        fourth.start()
        second = [f"b{i}" for i in range(300)]
        produce(bootstrap, "ck-g6", second)  # while the group rebalances
        # Each thread refreshes ``assigned`` after its own poll: wait until the snapshots agree.
        eventually_sync(
            lambda: (
                len(consumed(consumers)) >= 600
                and all(c.assigned for c in consumers)
                and covered(consumers) == list(range(6))
            ),
            TIMEOUT_S,
            "all 600 records and four members sharing the six partitions",
        )
        assert sorted(consumed(consumers)) == sorted(first + second), "lost or duplicated"
        assert all(c.values for c in consumers[:3])
        assert [c.errors for c in consumers] == [[], [], [], []]
    finally:
        for c in consumers:
            c.stop()


KILLED_CONSUMER = textwrap.dedent("""
    import sys
    import confluent_kafka

    consumer = confluent_kafka.Consumer({
        "bootstrap.servers": sys.argv[1],
        "group.id": sys.argv[2],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 300,
    })
    consumer.subscribe([sys.argv[3]])
    announced = False
    while True:
        msg = consumer.poll(0.05)
        if not announced and consumer.assignment():
            print("ASSIGNED", flush=True)
            announced = True
        if msg is None or msg.error() is not None:
            continue
        # Reported before the commit: killed after the broker took the commit but before a
        # print that followed it, the record would be nobody's in the test's eyes.
        print("CONSUMED", msg.value().decode(), flush=True)
        consumer.commit(message=msg, asynchronous=False)
""")


def test_a_killed_member_loses_its_partitions_after_its_session_timeout(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-kill", 6)
    victim = subprocess.Popen(
        [sys.executable, "-c", KILLED_CONSUMER, bootstrap, "ck-kill-group", "ck-kill"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    survivors = [ConsumerThread(bootstrap, "ck-kill-group", "ck-kill") for _ in range(2)]
    try:
        assert victim.stdout is not None
        assert victim.stdout.readline().strip() == "ASSIGNED"  # bounded by the test timeout
        for c in survivors:
            c.start()
        eventually_sync(
            lambda: all(c.assigned for c in survivors) and len(covered(survivors)) < 6,
            TIMEOUT_S,
            "three members sharing the partitions",
        )
        values = [f"k{i}" for i in range(300)]
        produce(bootstrap, "ck-kill", values)
        eventually_sync(
            lambda: len(covered(survivors)) < 6, TIMEOUT_S, "the victim keeps some partitions"
        )
        os.kill(victim.pid, signal.SIGKILL)  # no LeaveGroup: only the session can end it
        killed_at = time.monotonic()
        eventually_sync(
            lambda: covered(survivors) == list(range(6)), TIMEOUT_S, "the victim's partitions move"
        )
        took = time.monotonic() - killed_at
        print(f"\nconfluent-kafka: partitions of a SIGKILLed member moved after {took:.1f} s")
        assert took > 3.0, "moved before the session timeout: was the member removed early?"
        victim.wait(TIMEOUT_S)
        seen_by_victim = [
            line.split(" ", 1)[1].strip()
            for line in victim.stdout.read().splitlines()
            if line.startswith("CONSUMED ")
        ]
        eventually_sync(
            lambda: set(consumed(survivors)) | set(seen_by_victim) >= set(values),
            TIMEOUT_S,
            "every record consumed by someone",
        )
        assert [c.errors for c in survivors] == [[], []]
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait(TIMEOUT_S)
        for c in survivors:
            c.stop()


def test_cooperative_sticky(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-coop", 6)
    conf = {"partition.assignment.strategy": "cooperative-sticky"}
    consumers = [ConsumerThread(bootstrap, "ck-coop-group", "ck-coop", **conf) for _ in range(2)]
    for c in consumers:
        c.start()
    try:
        eventually_sync(
            lambda: covered(consumers) == list(range(6)) and all(c.assigned for c in consumers),
            TIMEOUT_S,
            "two cooperative consumers",
        )
        before = [c.assigned for c in consumers]
        first = [f"c{i}" for i in range(200)]
        produce(bootstrap, "ck-coop", first)
        third = ConsumerThread(bootstrap, "ck-coop-group", "ck-coop", **conf)
        consumers.append(third)
        third.start()
        second = [f"d{i}" for i in range(200)]
        produce(bootstrap, "ck-coop", second)
        eventually_sync(
            lambda: (
                len(consumed(consumers)) >= 400
                and covered(consumers) == list(range(6))
                and all(len(c.assigned) == 2 for c in consumers)
            ),
            TIMEOUT_S,
            "three cooperative consumers with two partitions each",
            describe=lambda: [(sorted(c.assigned), len(c.values), c.errors) for c in consumers],
        )
        # Sticky: the first two kept partitions they had.
        assert all(c.assigned <= b for c, b in zip(consumers[:2], before, strict=True))
        assert sorted(consumed(consumers)) == sorted(first + second)
        assert [c.errors for c in consumers] == [[], [], []]
    finally:
        for c in consumers:
            c.stop()


def test_broker_restart_resumes_from_committed_offsets(tmp_path: Path) -> None:
    first = [f"e{i}" for i in range(100)]
    second = [f"f{i}" for i in range(100)]
    with Broker.embedded_in_thread(tmp_path, **SETTINGS) as b:
        create_topic(b.bootstrap_servers, "ck-restart", 3)
        produce(b.bootstrap_servers, "ck-restart", first)
        consumer = ConsumerThread(b.bootstrap_servers, "ck-restart-group", "ck-restart")
        consumer.start()
        try:
            eventually_sync(lambda: len(consumer.values) >= 100, TIMEOUT_S, "the first 100 records")
        finally:
            consumer.stop()
        assert sorted(consumer.values) == sorted(first)
    with Broker.embedded_in_thread(tmp_path, **SETTINGS) as b:
        produce(b.bootstrap_servers, "ck-restart", second)
        consumer = ConsumerThread(b.bootstrap_servers, "ck-restart-group", "ck-restart")
        consumer.start()
        try:
            eventually_sync(lambda: len(consumer.values) >= 100, TIMEOUT_S, "the next 100 records")
            probe = confluent_kafka.Consumer(
                {"bootstrap.servers": b.bootstrap_servers, "group.id": "ck-restart-group"}
            )
            try:
                offsets = probe.committed(
                    [confluent_kafka.TopicPartition("ck-restart", p) for p in range(3)],
                    timeout=TIMEOUT_S,
                )
            finally:
                probe.close()
        finally:
            consumer.stop()
        # Only the new records: the group resumed from its committed offsets.
        assert sorted(consumer.values) == sorted(second)
        assert sum(tp.offset for tp in offsets) == 200


def test_admin_client_consumer_group_calls(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    create_topic(bootstrap, "ck-admin-groups", 2)
    produce(bootstrap, "ck-admin-groups", [f"g{i}" for i in range(20)])
    client = admin.AdminClient({"bootstrap.servers": bootstrap})
    consumer = ConsumerThread(bootstrap, "ck-admin-live", "ck-admin-groups", **{"client.id": "cid"})
    consumer.start()
    try:
        eventually_sync(lambda: len(consumer.values) >= 20, TIMEOUT_S, "the live group's records")
        listed = client.list_consumer_groups().result(TIMEOUT_S)
        assert listed.errors == []
        states = {g.group_id: g.state for g in listed.valid}
        assert states["ck-admin-live"] == confluent_kafka.ConsumerGroupState.STABLE

        [described] = client.describe_consumer_groups(["ck-admin-live"]).values()
        group = described.result(TIMEOUT_S)
        assert group.state == confluent_kafka.ConsumerGroupState.STABLE
        assert group.is_simple_consumer_group is False
        assert group.coordinator.id == 1
        [member] = group.members
        assert member.client_id == "cid"
        assert member.host == "/127.0.0.1"
        assert sorted(tp.partition for tp in member.assignment.topic_partitions) == [0, 1]

        request = confluent_kafka.ConsumerGroupTopicPartitions("ck-admin-live")
        [offsets] = client.list_consumer_group_offsets([request]).values()
        got = offsets.result(TIMEOUT_S)
        assert sum(tp.offset for tp in got.topic_partitions) == 20

        # A live group cannot be deleted.
        [deletion] = client.delete_consumer_groups(["ck-admin-live"]).values()
        with pytest.raises(confluent_kafka.KafkaException) as info:
            deletion.result(TIMEOUT_S)
        assert info.value.args[0].code() == confluent_kafka.KafkaError.NON_EMPTY_GROUP
    finally:
        consumer.stop()

    # Alter the (now empty) group's offsets, read them back, then delete the group.
    alter = confluent_kafka.ConsumerGroupTopicPartitions(
        "ck-admin-live",
        [
            confluent_kafka.TopicPartition("ck-admin-groups", 0, 3),
            confluent_kafka.TopicPartition("ck-admin-groups", 1, 4),
        ],
    )
    [altered] = client.alter_consumer_group_offsets([alter]).values()
    assert [tp.offset for tp in altered.result(TIMEOUT_S).topic_partitions] == [3, 4]
    [offsets] = client.list_consumer_group_offsets(
        [confluent_kafka.ConsumerGroupTopicPartitions("ck-admin-live")]
    ).values()
    listed_offsets = offsets.result(TIMEOUT_S).topic_partitions
    assert sorted((tp.partition, tp.offset) for tp in listed_offsets) == [(0, 3), (1, 4)]
    [described] = client.describe_consumer_groups(["ck-admin-live"]).values()
    assert described.result(TIMEOUT_S).state == confluent_kafka.ConsumerGroupState.EMPTY
    [deletion] = client.delete_consumer_groups(["ck-admin-live"]).values()
    deletion.result(TIMEOUT_S)
    listed = client.list_consumer_groups().result(TIMEOUT_S)
    assert "ck-admin-live" not in {g.group_id for g in listed.valid}
