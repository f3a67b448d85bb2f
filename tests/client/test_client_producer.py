"""The producer against the embedded broker: delivery, partitioning, batching, compression,
acks, serializers, futures, limits and errors."""

from __future__ import annotations

import asyncio
import json

import pytest
from pydantic import BaseModel
from support.client_helpers import read_topic
from support.waiting import eventually

from broker import Broker
from client import (
    Admin,
    ClientClosedError,
    KafkaTimeoutError,
    Producer,
    RecordMetadata,
    SerializationError,
    TopicPartition,
)
from client.consumer.records import ConsumerRecord
from protocol.errors import MessageTooLargeError
from protocol.partitioner import partition_for_key
from protocol.records import Compression, RecordBatch, iter_batches


async def raw_batches(bootstrap: str, topic: str, partition: int) -> list[RecordBatch]:
    """The batch headers of a partition, read with a plain Fetch."""
    from client.cluster import Cluster
    from client.config import ConsumerConfig
    from protocol.messages import FetchRequest

    cluster = Cluster(ConsumerConfig.build(bootstrap_servers=bootstrap))
    await cluster.start()
    try:
        info = await cluster.wait_for_topic(topic, 10)
        leader = info.partitions[partition].leader
        request = FetchRequest(
            replica_id=-1,
            max_wait_ms=0,
            min_bytes=0,
            max_bytes=50_000_000,
            topics=[
                FetchRequest.FetchTopic(
                    topic=topic,
                    partitions=[
                        FetchRequest.FetchTopic.FetchPartition(
                            partition=partition, fetch_offset=0, partition_max_bytes=50_000_000
                        )
                    ],
                )
            ],
        )
        response = await cluster.request(leader, request)
        return list(iter_batches(bytes(response.responses[0].partitions[0].records or b"")))
    finally:
        await cluster.close()


async def test_send_and_wait_returns_consecutive_offsets(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        first = await producer.send_and_wait("events", b"a", partition=1)
        second = await producer.send_and_wait("events", b"b", partition=1)
    assert isinstance(first, RecordMetadata)
    assert (first.topic, first.partition, first.offset) == ("events", 1, 0)
    assert second.offset == 1
    assert first.timestamp > 1_600_000_000_000
    assert first.topic_partition == TopicPartition("events", 1)


async def test_many_records_arrive_once_each_in_order_per_partition(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=2) as producer:
        futures = [
            await producer.send("bulk", f"{i}".encode(), key=f"k{i % 7}".encode())
            for i in range(2000)
        ]
        await producer.flush()
        assert all(f.done() for f in futures)
        metadata = [f.result() for f in futures]
    records = await read_topic(bootstrap, "bulk", 2000)
    assert sorted(int(r.value) for r in records) == list(range(2000))
    for p in range(3):
        values = [int(r.value) for r in records if r.partition == p]
        assert values == sorted(values)
    # Futures report where each record went.
    by_value = {int(r.value): (r.partition, r.offset) for r in records}
    assert all(by_value[i] == (m.partition, m.offset) for i, m in enumerate(metadata))


async def test_keyed_records_go_where_the_java_client_sends_them(bootstrap: str) -> None:
    keys = [b"21", b"foobar", b"abc", b"user-17", b"", b"x" * 300]
    async with Producer(bootstrap_servers=bootstrap) as producer:
        results = [await producer.send_and_wait("keyed", b"v", key=k) for k in keys]
    assert [r.partition for r in results] == [partition_for_key(k, 3) for k in keys]


async def test_keyless_records_stick_to_a_partition_per_batch(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=50, batch_size=1_000_000) as p:
        futures = [await p.send("sticky", b"v%d" % i) for i in range(100)]
        await p.flush()
    partitions = {f.result().partition for f in futures}
    assert len(partitions) == 1  # one open batch took them all
    async with Producer(bootstrap_servers=bootstrap, batch_size=200, linger_ms=0) as p:
        futures = [await p.send("sticky2", b"x" * 50) for i in range(300)]
        await p.flush()
    assert len({f.result().partition for f in futures}) == 3  # full batches move on


async def test_explicit_partition_and_invalid_partition(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        assert (await producer.send_and_wait("explicit", b"v", partition=2)).partition == 2
        with pytest.raises(ValueError, match="partitions 0-2"):
            await producer.send("explicit", b"v", partition=3)
        assert await producer.partitions_for("explicit") == [0, 1, 2]


async def test_headers_timestamps_and_null_values_round_trip(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        await producer.send_and_wait(
            "hdrs",
            b"v1",
            key=b"k",
            headers=[("a", b"1"), ("b", None), ("a", b"2")],
            timestamp_ms=1_234_567,
            partition=0,
        )
        await producer.send_and_wait(
            "hdrs", None, key=b"tombstone", headers={"ünï": b"x"}, partition=0
        )
    records = await read_topic(bootstrap, "hdrs", 2)
    first, second = sorted(records, key=lambda r: r.offset)
    assert list(first.headers) == [("a", b"1"), ("b", None), ("a", b"2")]
    assert first.timestamp == 1_234_567 and first.key == b"k"
    assert second.value is None and list(second.headers) == [("ünï", b"x")]


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
async def test_every_compression_round_trips(bootstrap: str, codec: str) -> None:
    topic = f"codec-{codec}"
    values = [(b"record %d " % i) * (i % 50 + 1) for i in range(500)]
    async with Producer(bootstrap_servers=bootstrap, compression_type=codec) as producer:
        for i, v in enumerate(values):
            await producer.send(topic, v, key=b"k%d" % (i % 5))
        await producer.flush()
    batches = [b for p in range(3) for b in await raw_batches(bootstrap, topic, p)]
    assert batches and all(b.compression == Compression[codec.upper()] for b in batches)
    records = await read_topic(bootstrap, topic, len(values))
    assert sorted(r.value for r in records) == sorted(values)


@pytest.mark.parametrize("acks", [0, 1, "all"])
async def test_acks(bootstrap: str, acks: object) -> None:
    async with Producer(bootstrap_servers=bootstrap, acks=acks) as producer:
        futures = [await producer.send("acks", b"v%d" % i, partition=0) for i in range(50)]
        await producer.flush()
    offsets = [f.result().offset for f in futures]
    if acks == 0:
        assert offsets == [-1] * 50  # the broker does not say
    else:
        assert offsets == list(range(50))
    assert len(await read_topic(bootstrap, "acks", 50)) == 50


async def test_linger_and_batch_size_shape_batches(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=200, batch_size=100_000) as p:
        futures = [await p.send("linger", b"x" * 10, partition=0) for _ in range(50)]
        await asyncio.gather(*futures)
    assert [b.records_count for b in await raw_batches(bootstrap, "linger", 0)] == [50]
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0, batch_size=300) as p:
        futures = [await p.send("small", b"y" * 90, partition=0) for _ in range(20)]
        await asyncio.gather(*futures)
    counts = [b.records_count for b in await raw_batches(bootstrap, "small", 0)]
    assert sum(counts) == 20 and max(counts) <= 3


async def test_idempotent_batches_carry_producer_id_and_sequences(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0, batch_size=200) as producer:
        futures = [await producer.send("idem", b"z" * 60, partition=0) for _ in range(30)]
        await asyncio.gather(*futures)
        producer_id = producer._sender.identity.producer_id
    batches = await raw_batches(bootstrap, "idem", 0)
    assert producer_id >= 0 and len(batches) > 1
    assert {b.producer_id for b in batches} == {producer_id}
    expected = 0
    for b in batches:
        assert b.base_sequence == expected
        expected += b.records_count
    async with Producer(bootstrap_servers=bootstrap, enable_idempotence=False) as plain:
        await plain.send_and_wait("plain", b"v", partition=0)
    (batch,) = await raw_batches(bootstrap, "plain", 0)
    assert batch.producer_id == -1 and batch.base_sequence == -1


class Event(BaseModel):
    kind: str
    amount: int


async def test_serializers(bootstrap: str) -> None:
    async with Producer(
        bootstrap_servers=bootstrap, key_serializer="str", value_serializer=Event
    ) as producer:
        await producer.send_and_wait("typed", Event(kind="pay", amount=3), key="user-1")
        await producer.send_and_wait("typed", {"kind": "refund", "amount": 1}, key="user-1")
        with pytest.raises(SerializationError):
            await producer.send("typed", {"kind": "bad"}, key="k")
    async with Producer(bootstrap_servers=bootstrap, value_serializer="json") as producer:
        await producer.send_and_wait("typed", [1, "two"], key=b"raw")
    records = sorted(await read_topic(bootstrap, "typed", 3), key=lambda r: r.timestamp)
    assert json.loads(records[0].value) == {"kind": "pay", "amount": 3}
    assert records[0].key == b"user-1"
    assert json.loads(records[2].value) == [1, "two"]


async def test_values_must_be_bytes_without_a_serializer(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        with pytest.raises(SerializationError, match="value must be bytes"):
            await producer.send("t", "text")
        with pytest.raises(SerializationError, match="key must be bytes"):
            await producer.send("t", b"v", key=7)
        md = await producer.send_and_wait("t", bytearray(b"ok"), key=memoryview(b"k"))
        assert md.offset == 0


async def test_record_larger_than_max_request_size_is_refused(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, max_request_size=10_000) as producer:
        with pytest.raises(MessageTooLargeError, match=r"max\.request\.size"):
            await producer.send("big", b"x" * 20_000)
        md = await producer.send_and_wait("big", b"x" * 5_000)
        assert md.offset == 0


async def test_record_futures_behave_like_asyncio_futures(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=100) as producer:
        future = await producer.send("futures", b"a", partition=0)
        assert not future.done() and not future.cancelled()
        with pytest.raises(asyncio.InvalidStateError):
            future.result()
        assert asyncio.isfuture(future)
        assert future.cancel() is False
        seen: list[object] = []
        future.add_done_callback(seen.append)
        removed = await producer.send("futures", b"b", partition=0)
        removed.add_done_callback(seen.append)
        assert removed.remove_done_callback(seen.append) == 1
        more = [await producer.send("futures", b"c%d" % i, partition=0) for i in range(3)]
        gathered = await asyncio.gather(future, removed, *more)
        assert [m.offset for m in gathered] == [0, 1, 2, 3, 4]
        assert seen == [future]
        done, pending = await asyncio.wait([await producer.send("futures", b"d")])
        assert len(done) == 1 and not pending
        md = await asyncio.wait_for(await producer.send("futures", b"e"), 5)
        assert md.topic == "futures"
        assert "done" in repr(future) and future.exception() is None


async def test_closed_producer_refuses_sends(bootstrap: str) -> None:
    producer = Producer(bootstrap_servers=bootstrap)
    await producer.start()
    future = await producer.send("closing", b"v")
    await producer.close()
    assert future.done() and future.result().offset == 0  # close flushed it
    with pytest.raises(ClientClosedError):
        await producer.send("closing", b"v")
    await producer.close()  # idempotent


@pytest.mark.samsa_config(auto_create_topics_enable=False)
async def test_unknown_topic_times_out_after_max_block_ms(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, max_block_ms=300) as producer:
        with pytest.raises(KafkaTimeoutError, match="'missing' not present in metadata"):
            await producer.send("missing", b"v")


async def test_new_partitions_are_picked_up_by_metadata_refresh(
    bootstrap: str, admin: Admin
) -> None:
    await admin.create_topic("growing", 1)
    async with Producer(bootstrap_servers=bootstrap, metadata_max_age_ms=100) as producer:
        assert await producer.partitions_for("growing") == [0]
        await admin.create_partitions({"growing": 4})

        async def grown() -> bool:
            return await producer.partitions_for("growing") == [0, 1, 2, 3]

        await eventually(grown, 10, "four partitions in the producer's metadata")
        md = await producer.send_and_wait("growing", b"v", partition=3)
        assert md.partition == 3


async def test_buffer_memory_full_blocks_then_times_out(broker: Broker) -> None:
    producer = Producer(
        bootstrap_servers=broker.bootstrap_servers,
        buffer_memory=50_000,
        batch_size=16_384,
        max_block_ms=300,
        linger_ms=0,
        request_timeout_ms=1000,
        delivery_timeout_ms=60_000,
        retry_backoff_ms=50,
    )
    await producer.start()
    try:
        await producer.send_and_wait("memory", b"warm-up", partition=0)
        await broker.stop()  # nothing can be delivered any more
        with pytest.raises(KafkaTimeoutError, match=r"buffer\.memory"):
            for _ in range(10_000):
                await producer.send("memory", b"m" * 1000, partition=0)
    finally:
        await producer.close(timeout_ms=0)


async def test_undeliverable_records_fail_after_delivery_timeout(broker: Broker) -> None:
    producer = Producer(
        bootstrap_servers=broker.bootstrap_servers,
        request_timeout_ms=300,
        delivery_timeout_ms=1_000,
        linger_ms=0,
        retry_backoff_ms=20,
        reconnect_backoff_ms=20,
        reconnect_backoff_max_ms=100,
    )
    await producer.start()
    try:
        await producer.send_and_wait("expire", b"first", partition=0)
        await broker.stop()
        future = await producer.send("expire", b"lost", partition=0)
        with pytest.raises(KafkaTimeoutError, match=r"delivery\.timeout\.ms"):
            await asyncio.wait_for(future, 10)
    finally:
        await producer.close(timeout_ms=0)


async def test_close_fails_what_could_not_be_sent(broker: Broker) -> None:
    producer = Producer(
        bootstrap_servers=broker.bootstrap_servers, linger_ms=0, request_timeout_ms=300
    )
    await producer.start()
    await producer.send_and_wait("close", b"first", partition=0)
    await broker.stop()
    future = await producer.send("close", b"stuck", partition=0)
    await producer.close(timeout_ms=200)
    with pytest.raises(ClientClosedError):
        await future


async def test_consumer_record_shape(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        await producer.send_and_wait("shape", b"v", key=b"k", partition=1)
    (record,) = await read_topic(bootstrap, "shape", 1)
    assert isinstance(record, ConsumerRecord)
    assert (record.topic, record.partition, record.offset, record.key, record.value) == (
        "shape",
        1,
        0,
        b"k",
        b"v",
    )
    assert record.timestamp_type == 0 and record.leader_epoch == 0


async def test_a_cancelled_wait_leaves_the_records_of_its_batch_alone(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=5000) as producer:
        first = await producer.send("cancelled-wait", b"a", partition=0)
        second = await producer.send("cancelled-wait", b"b", partition=0)

        async def wait() -> RecordMetadata:
            return await first

        waiter = asyncio.create_task(wait())
        await asyncio.sleep(0)  # let it start waiting on the batch
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await producer.flush()
        assert [(await first).offset, (await second).offset] == [0, 1]
