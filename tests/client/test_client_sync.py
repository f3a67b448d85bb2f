"""The synchronous facade: the same surface, no event loop in sight."""

from __future__ import annotations

import threading
import time

import pytest

from broker import Broker
from client import ClientClosedError, KafkaTimeoutError, OffsetAndMetadata, TopicPartition
from client.sync import Admin, Consumer, Producer

TIMEOUT_S = 20.0


pytestmark = pytest.mark.samsa_config(num_partitions=3, group_initial_rebalance_delay_ms=0)


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def test_produce_and_consume(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    with Producer(bootstrap_servers=bootstrap, value_serializer="str") as producer:
        futures = [producer.send("sync", f"v{i}", partition=i % 3) for i in range(300)]
        producer.flush()
        assert all(f.done() for f in futures)
        metadata = futures[0].result(timeout=5)
        assert (metadata.topic, metadata.partition, metadata.offset) == ("sync", 0, 0)
        assert futures[0].exception() is None
        assert producer.send_and_wait("sync", "last", partition=1).offset == 100
        assert producer.partitions_for("sync") == [0, 1, 2]
    with pytest.raises(ClientClosedError):
        producer.send("sync", "late")
    with Consumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", value_deserializer="str"
    ) as consumer:
        consumer.assign([TopicPartition("sync", p) for p in range(3)])
        values = []
        deadline = time.monotonic() + TIMEOUT_S
        for record in consumer:
            values.append(record.value)
            if len(values) == 301:
                break
            assert time.monotonic() < deadline
        assert sorted(values) == sorted([f"v{i}" for i in range(300)] + ["last"])
        assert consumer.poll(timeout_ms=100) == {}
        assert consumer.position(TopicPartition("sync", 1)) == 101


def test_group_consumer_commit_and_admin(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    with Admin(bootstrap_servers=bootstrap) as admin:
        admin.create_topic("sync-group", 2)
        assert "sync-group" in admin.list_topics()
    with Producer(bootstrap_servers=bootstrap) as producer:
        for i in range(20):
            producer.send("sync-group", b"%d" % i, key=b"%d" % i)
    with Consumer(
        bootstrap_servers=bootstrap,
        group_id="sync-readers",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        heartbeat_interval_ms=100,
    ) as consumer:
        consumer.subscribe(["sync-group"])
        assert len(consumer.wait_for_assignment(20_000)) == 2
        got = 0
        deadline = time.monotonic() + TIMEOUT_S
        while got < 20:
            assert time.monotonic() < deadline
            got += sum(len(v) for v in consumer.poll(timeout_ms=500).values())
        consumer.commit()
        assert consumer.committed(TopicPartition("sync-group", 0)) is not None
        done = threading.Event()
        consumer.commit_async(callback=lambda offsets, error: done.set()).result(10)
        assert done.wait(10)
    with Admin(bootstrap_servers=bootstrap) as admin:
        lag = admin.group_lag("sync-readers")
        assert sum(p.committed for p in lag.values()) == 20
        assert all(p.lag == 0 for p in lag.values())
        admin.alter_group_offsets("sync-readers", {TopicPartition("sync-group", 0): 0})
        offsets = admin.list_group_offsets("sync-readers")
        assert offsets[TopicPartition("sync-group", 0)] == OffsetAndMetadata(0, "", -1)
        assert admin.describe_cluster().controller_id == 1


def test_a_wait_past_its_timeout_raises(broker: Broker) -> None:
    with Producer(bootstrap_servers=broker.bootstrap_servers, linger_ms=5000) as producer:
        future = producer.send("sync-slow", b"v")
        with pytest.raises(KafkaTimeoutError):
            future.result(timeout=0.1)
        producer.flush()
        assert future.result(timeout=5).offset == 0


def test_sends_from_many_threads(broker: Broker) -> None:
    with Producer(bootstrap_servers=broker.bootstrap_servers) as producer:
        futures = []
        lock = threading.Lock()

        def work(n: int) -> None:
            mine = [producer.send("sync-threads", b"%d-%d" % (n, i)) for i in range(500)]
            with lock:
                futures.extend(mine)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT_S)
        producer.flush()
        assert len(futures) == 2000
        assert all(f.exception(timeout=5) is None for f in futures)


def test_a_conditional_append_through_the_facade(broker: Broker) -> None:
    from client import ConditionalAppendConflictError

    with Producer(bootstrap_servers=broker.bootstrap_servers) as producer:
        first = producer.send_and_wait("sync-cond", b"a", partition=0, expected_offset=0)
        assert first.offset == 0
        with pytest.raises(ConditionalAppendConflictError) as refused:
            producer.send_and_wait("sync-cond", b"b", partition=0, expected_offset=0, timeout=10)
        assert refused.value.log_end_offset == 1
        future = producer.send("sync-cond", b"b", partition=0, expected_offset=1)
        assert future.result(10).offset == 1
