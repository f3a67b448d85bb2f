"""aiokafka 0.14, unmodified, against Samsa: producers (plain and idempotent) and a consumer by
assign."""

from __future__ import annotations

import asyncio

import pytest

from broker import Broker

aiokafka = pytest.importorskip("aiokafka")
structs = pytest.importorskip("aiokafka.structs")

TIMEOUT_S = 30.0


pytestmark = pytest.mark.samsa_config(**{"num.partitions": 2})


@pytest.mark.parametrize("idempotent", [False, True])
async def test_produce_and_consume_by_assign(broker: Broker, idempotent: bool) -> None:
    producer = aiokafka.AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap_servers,
        enable_idempotence=idempotent,
        acks="all",
        compression_type="gzip",
    )
    await producer.start()
    try:
        sent = []
        for i in range(100):
            meta = await producer.send_and_wait("aio", key=b"k%d" % (i % 5), value=b"v%d" % i)
            sent.append((meta.partition, meta.offset, b"v%d" % i))
        batch = producer.create_batch()
        batch.append(key=None, value=b"batched", timestamp=None)
        await asyncio.wait_for(await producer.send_batch(batch, "aio", partition=0), TIMEOUT_S)
    finally:
        await producer.stop()

    consumer = aiokafka.AIOKafkaConsumer(bootstrap_servers=broker.bootstrap_servers)
    await consumer.start()
    try:
        tps = [structs.TopicPartition("aio", p) for p in (0, 1)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        got: list[tuple[int, int, bytes]] = []
        async with asyncio.timeout(TIMEOUT_S):
            while len(got) < 101:
                result = await consumer.getmany(timeout_ms=500)
                for records in result.values():
                    got.extend((r.partition, r.offset, r.value) for r in records)
        assert sorted(got) == sorted(
            [*sent, (0, max(o for p, o, _ in sent if p == 0) + 1, b"batched")]
        )
        end = await consumer.end_offsets(tps)
        assert sum(end.values()) == 101
    finally:
        await consumer.stop()
