"""Interop with real clients: records written by Samsa's producer read intact by
confluent-kafka (librdkafka) and kafka-python, and the reverse; a group shared by Samsa and
confluent-kafka consumers."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from broker import Broker
from client import Consumer, Producer, TopicPartition
from client.consumer.group import GroupMember
from client.consumer.records import ConsumerRecord
from protocol.partitioner import partition_for_key

confluent_kafka = pytest.importorskip("confluent_kafka")
kafka = pytest.importorskip("kafka")

TIMEOUT_S = 30.0
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
COUNT = 200


# The directory's defaults, for the broker this module's tests share too.
pytestmark = pytest.mark.samsa_config(num_partitions=3, group_initial_rebalance_delay_ms=0)


@pytest.fixture(scope="module")
def threaded_broker(module_broker: Broker) -> Broker:
    return module_broker


def _rows(tag: str) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    return [
        (
            b"key-%d" % (i % 17),
            b"%s value %d " % (tag.encode(), i) * (1 + i % 9),
            [("n", b"%d" % i), ("tag", tag.encode())],
        )
        for i in range(COUNT)
    ]


def _samsa_produce(bootstrap: str, topic: str, codec: str, rows: list[Any]) -> None:
    async def run() -> None:
        async with Producer(bootstrap_servers=bootstrap, compression_type=codec) as producer:
            for key, value, headers in rows:
                await producer.send(topic, value, key=key, headers=headers)
            await producer.flush()

    asyncio.run(run())


def _samsa_consume(bootstrap: str, topic: str, count: int) -> list[ConsumerRecord]:
    async def run() -> list[ConsumerRecord]:
        async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
            c.assign([TopicPartition(topic, p) for p in range(3)])
            out: list[ConsumerRecord] = []
            deadline = time.monotonic() + TIMEOUT_S
            while len(out) < count:
                assert time.monotonic() < deadline, f"read {len(out)} of {count}"
                for records in (await c.getmany(timeout_ms=500)).values():
                    out.extend(records)
            return out

    return asyncio.run(run())


@pytest.mark.parametrize("codec", CODECS)
def test_confluent_kafka_reads_what_samsa_writes(threaded_broker: Broker, codec: str) -> None:
    topic = f"to-confluent-{codec}"
    rows = _rows(codec)
    _samsa_produce(threaded_broker.bootstrap_servers, topic, codec, rows)
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": threaded_broker.bootstrap_servers,
            "group.id": "interop",
            "enable.auto.commit": False,
        }
    )
    try:
        consumer.assign(
            [
                confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
                for p in range(3)
            ]
        )
        got: list[Any] = []
        deadline = time.monotonic() + TIMEOUT_S
        while len(got) < COUNT:
            assert time.monotonic() < deadline, f"read {len(got)} of {COUNT}"
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            got.append(msg)
    finally:
        consumer.close()
    assert sorted((m.key(), m.value(), m.headers()) for m in got) == sorted(
        (k, v, h) for k, v, h in rows
    )
    # Samsa's partitioner is the Java client's: murmur2 of the key.
    assert all(m.partition() == partition_for_key(m.key(), 3) for m in got)


@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_reads_what_samsa_writes(threaded_broker: Broker, codec: str) -> None:
    if codec in ("snappy", "lz4", "zstd") and not getattr(kafka.codec, f"has_{codec}")():
        pytest.skip(f"kafka-python has no {codec} library installed")
    topic = f"to-kafka-python-{codec}"
    rows = _rows(codec)
    _samsa_produce(threaded_broker.bootstrap_servers, topic, codec, rows)
    consumer = kafka.KafkaConsumer(
        bootstrap_servers=threaded_broker.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(TIMEOUT_S * 1000),
    )
    try:
        consumer.assign([kafka.TopicPartition(topic, p) for p in range(3)])
        got = []
        for msg in consumer:
            got.append(msg)
            if len(got) == COUNT:
                break
    finally:
        consumer.close()
    assert len(got) == COUNT
    assert sorted((m.key, m.value, list(m.headers)) for m in got) == sorted(
        (k, v, h) for k, v, h in rows
    )


@pytest.mark.parametrize("codec", CODECS)
def test_samsa_reads_what_confluent_kafka_writes(threaded_broker: Broker, codec: str) -> None:
    topic = f"from-confluent-{codec}"
    rows = _rows(codec)
    producer = confluent_kafka.Producer(
        {
            "bootstrap.servers": threaded_broker.bootstrap_servers,
            "compression.type": codec,
            "partitioner": "murmur2_random",
            "linger.ms": 5,
        }
    )
    for key, value, headers in rows:
        producer.produce(topic, value=value, key=key, headers=headers)
    assert producer.flush(TIMEOUT_S) == 0
    got = _samsa_consume(threaded_broker.bootstrap_servers, topic, COUNT)
    assert sorted((r.key, r.value, list(r.headers)) for r in got) == sorted(
        (k, v, h) for k, v, h in rows
    )
    # librdkafka's murmur2 partitioner and Samsa's agree.
    assert all(r.partition == partition_for_key(r.key, 3) for r in got)


@pytest.mark.parametrize("codec", ["none", "gzip"])
def test_samsa_reads_what_kafka_python_writes(threaded_broker: Broker, codec: str) -> None:
    topic = f"from-kafka-python-{codec}"
    rows = _rows(codec)
    producer = kafka.KafkaProducer(
        bootstrap_servers=threaded_broker.bootstrap_servers,
        compression_type=None if codec == "none" else codec,
    )
    for key, value, headers in rows:
        producer.send(topic, value=value, key=key, headers=headers)
    producer.flush(TIMEOUT_S)
    producer.close()
    got = _samsa_consume(threaded_broker.bootstrap_servers, topic, COUNT)
    assert sorted((r.key, r.value, list(r.headers)) for r in got) == sorted(
        (k, v, h) for k, v, h in rows
    )
    assert all(r.partition == partition_for_key(r.key, 3) for r in got)


@pytest.mark.parametrize("strategy", ["range", "roundrobin", "cooperative-sticky"])
async def test_samsa_and_confluent_consumers_share_a_group(broker: Broker, strategy: str) -> None:
    bootstrap = broker.bootstrap_servers
    topic, group, total = "shared", f"mixed-{strategy}", 400
    theirs = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "partition.assignment.strategy": strategy,
            "enable.auto.commit": True,
            "heartbeat.interval.ms": 200,
            "session.timeout.ms": 10_000,
            "topic.metadata.refresh.interval.ms": 500,
        }
    )
    ours = Consumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        partition_assignment_strategy=strategy,
        heartbeat_interval_ms=200,
        session_timeout_ms=10_000,
    )
    loop = asyncio.get_running_loop()
    their_values: list[int] = []
    their_assignment: set[int] = set()
    stop = False

    def poll_theirs() -> None:
        while not stop:
            msg = theirs.poll(0.1)
            their_assignment.clear()
            their_assignment.update(tp.partition for tp in theirs.assignment())
            if msg is not None and msg.error() is None:
                their_values.append(int(msg.value()))

    async with Producer(bootstrap_servers=bootstrap) as producer:
        await producer.send_and_wait(topic, b"-1", partition=0)  # creates the topic
        theirs.subscribe([topic])
        worker = loop.run_in_executor(None, poll_theirs)
        our_values: list[int] = []
        try:
            async with ours:
                ours.subscribe([topic])
                deadline = loop.time() + 60

                def split() -> bool:
                    mine = {tp.partition for tp in ours.assignment()}
                    return bool(
                        mine
                        and their_assignment
                        and mine.isdisjoint(their_assignment)
                        and mine | their_assignment == {0, 1, 2}
                    )

                while not split():
                    assert loop.time() < deadline, (
                        f"ours {sorted(ours.assignment())}, theirs {their_assignment}"
                    )
                    for records in (await ours.getmany(timeout_ms=100)).values():
                        our_values.extend(int(r.value) for r in records)
                # Both members hold partitions now: records go to both.
                for i in range(total):
                    await producer.send(topic, b"%d" % i, key=b"%d" % i)
                await producer.flush()
                while len({v for v in our_values + their_values if v >= 0}) < total:
                    assert loop.time() < deadline, (
                        f"{len(our_values)} + {len(their_values)} of {total}"
                    )
                    for records in (await ours.getmany(timeout_ms=100)).values():
                        our_values.extend(int(r.value) for r in records)
                mine = [v for v in our_values if v >= 0]
                yours = [v for v in their_values if v >= 0]
                assert mine and yours, "both members consumed records"
                assert sorted(mine + yours) == list(range(total))  # once each
                assert (
                    isinstance(ours._group, GroupMember) and ours._group.protocol_name == strategy
                )
        finally:
            stop = True
            await worker
            # The broker runs on this loop: close in a thread, never blocking the loop.
            await asyncio.wait_for(loop.run_in_executor(None, theirs.close), TIMEOUT_S)
