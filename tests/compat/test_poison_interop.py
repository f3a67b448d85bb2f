"""Produce validation seen from real clients: confluent-kafka (librdkafka) gets INVALID_RECORD
for keyless records on a compacted topic, and reads every acknowledged record of a topic into
which poison batches were attempted; Samsa's own producer gets a clear, immediate exception."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from support.kafka_ops import create_topic, produce
from support.poison import kinds
from support.wire import WireClient, make_batch

from broker import Broker
from protocol.errors import ErrorCode, InvalidRecordError
from protocol.records.validate import KEYLESS_ON_COMPACTED_MESSAGE

confluent_kafka = pytest.importorskip("confluent_kafka")

TIMEOUT_S = 20.0
GOOD_RECORDS = 20


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


async def _create(bootstrap: str, topic: str, configs: dict[str, str] | None = None) -> None:
    client = await WireClient.connect(bootstrap)
    try:
        await create_topic(client, topic, configs=configs)
    finally:
        await client.close()


def test_confluent_kafka_keyless_records_on_a_compacted_topic(broker: Broker) -> None:
    topic = "poison-compacted"
    asyncio.run(_create(broker.bootstrap_servers, topic, {"cleanup.policy": "compact"}))
    producer = confluent_kafka.Producer(
        {"bootstrap.servers": broker.bootstrap_servers, "linger.ms": 5, "acks": "all"}
    )
    reports: list[tuple[Any, bytes | None]] = []

    def report(err: object, msg: object) -> None:
        reports.append((err, msg.key()))  # type: ignore[attr-defined]

    for i in range(5):
        producer.produce(topic, value=b"v%d" % i, partition=0, on_delivery=report)
    assert producer.flush(TIMEOUT_S) == 0
    producer.produce(topic, key=b"k", value=b"keyed", partition=0, on_delivery=report)
    assert producer.flush(TIMEOUT_S) == 0
    keyless = [err for err, key in reports if key is None]
    assert len(keyless) == 5
    for err in keyless:
        assert err is not None and err.code() == confluent_kafka.KafkaError.INVALID_RECORD, err
        assert not err.retriable()
    assert [err for err, key in reports if key == b"k"] == [None]


async def _poisoned_topic(bootstrap: str, topic: str) -> list[bytes]:
    """``GOOD_RECORDS`` good batches, each followed by a poison batch of another kind (all
    refused); the values acknowledged."""
    await _create(bootstrap, topic)
    client = await WireClient.connect(bootstrap)
    poison = kinds()
    acknowledged: list[bytes] = []
    try:
        for i in range(GOOD_RECORDS):
            value = b"good-%d" % i
            answer = await produce(client, topic, 0, make_batch([value]))
            assert answer.error_code == 0
            acknowledged.append(value)
            kind = poison[i % len(poison)]
            refused = await produce(client, topic, 0, kind.batch)
            assert refused.error_code == kind.code, (kind.name, refused)
    finally:
        await client.close()
    return acknowledged


def test_confluent_kafka_reads_every_acknowledged_record_between_poison(broker: Broker) -> None:
    topic = "poison-between"
    acknowledged = asyncio.run(_poisoned_topic(broker.bootstrap_servers, topic))
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": broker.bootstrap_servers,
            "group.id": "poison-interop",
            "enable.auto.commit": False,
            "check.crcs": True,
        }
    )
    try:
        consumer.assign(
            [confluent_kafka.TopicPartition(topic, 0, confluent_kafka.OFFSET_BEGINNING)]
        )
        got: list[bytes] = []
        deadline = time.monotonic() + TIMEOUT_S
        while len(got) < len(acknowledged):
            assert time.monotonic() < deadline, f"consumed {len(got)} of {len(acknowledged)}"
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            got.append(msg.value())
        assert got == acknowledged
        assert len(got) == GOOD_RECORDS
    finally:
        consumer.close()


def test_samsa_producer_gets_invalid_record_for_a_keyless_record(broker: Broker) -> None:
    from client import Producer

    topic = "poison-samsa-client"
    asyncio.run(_create(broker.bootstrap_servers, topic, {"cleanup.policy": "compact"}))

    async def run() -> tuple[InvalidRecordError, float]:
        async with Producer(bootstrap_servers=broker.bootstrap_servers) as producer:
            start = time.monotonic()
            with pytest.raises(InvalidRecordError) as info:
                await asyncio.wait_for(producer.send_and_wait(topic, b"v", partition=0), TIMEOUT_S)
            elapsed = time.monotonic() - start
            # The producer goes on: a keyed record is written.
            meta = await asyncio.wait_for(
                producer.send_and_wait(topic, b"v", key=b"k", partition=0), TIMEOUT_S
            )
            assert meta.offset == 0
            return info.value, elapsed

    error, elapsed = asyncio.run(run())
    assert error.code == ErrorCode.INVALID_RECORD
    assert KEYLESS_ON_COMPACTED_MESSAGE in str(error)
    assert elapsed < 5.0, "INVALID_RECORD is not retriable: the send fails at once"
