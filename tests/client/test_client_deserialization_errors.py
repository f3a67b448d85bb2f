"""A record the deserializer cannot read: the error names the topic, partition, offset and part
(key or value); the records before it are handed out first; the consumer stays at the record
until the application seeks past it (then the group's committed position moves on)."""

from __future__ import annotations

import pytest

from client import Consumer, Producer, TopicPartition
from client.errors import RecordDeserializationError, SerializationError

VALUES = [b'{"id": 1}', b'{"id": 2}', b"plain text", b'{"id": 4}']


async def _produce(bootstrap: str, values: list[bytes], key: bytes | None = None) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        for value in values:
            await producer.send("orders", value, key=key, partition=0)
        await producer.flush()


async def _read_all(consumer: Consumer, want: int) -> tuple[list[object], list[int]]:
    """Read until ``want`` values came, skipping each record that cannot be deserialized;
    returns the values and the skipped offsets."""
    values: list[object] = []
    skipped: list[int] = []
    for _ in range(20):
        try:
            batch = await consumer.getmany(timeout_ms=5_000)
        except RecordDeserializationError as error:
            skipped.append(error.offset)
            consumer.seek(error.topic_partition, error.offset + 1)
            continue
        values.extend(r.value for records in batch.values() for r in records)
        if len(values) >= want:
            break
    return values, skipped


async def test_the_error_names_the_record_and_the_consumer_stays_at_it(bootstrap: str) -> None:
    await _produce(bootstrap, VALUES)
    tp = TopicPartition("orders", 0)
    async with Consumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", value_deserializer="json"
    ) as consumer:
        consumer.assign([tp])
        first = await consumer.getmany(timeout_ms=5_000)
        assert [r.value for r in first[tp]] == [{"id": 1}, {"id": 2}]  # those before, first
        for _ in range(2):  # raised again and again: the position does not move by itself
            with pytest.raises(RecordDeserializationError) as info:
                await consumer.getmany(timeout_ms=5_000)
            error = info.value
            assert isinstance(error, SerializationError)
            assert (error.topic_partition, error.offset, error.origin) == (tp, 2, "value")
            assert error.record.value == b"plain text"
            assert "offset 2 of orders-0" in str(error) and "seek to 3" in str(error)
            assert await consumer.position(tp) == 2
        consumer.seek(tp, error.offset + 1)
        after = await consumer.getmany(timeout_ms=5_000)
        assert [r.value for r in after[tp]] == [{"id": 4}]


async def test_a_key_that_cannot_be_read_is_named_as_the_key(bootstrap: str) -> None:
    await _produce(bootstrap, [b"v"], key=b"\xff\xfe")
    async with Consumer(
        "orders", bootstrap_servers=bootstrap, auto_offset_reset="earliest", key_deserializer="str"
    ) as consumer:
        with pytest.raises(RecordDeserializationError) as info:
            await consumer.getmany(timeout_ms=5_000)
    assert info.value.origin == "key" and "the key of the record at offset 0" in str(info.value)


async def test_any_exception_of_a_custom_deserializer_is_wrapped(bootstrap: str) -> None:
    await _produce(bootstrap, [b"1", b"x", b"3"])

    def number(data: bytes | None) -> int:
        return int(data or b"")

    async with Consumer(
        "orders",
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        value_deserializer=number,
    ) as consumer:
        values, skipped = await _read_all(consumer, 2)
    assert values == [1, 3] and skipped == [1]


async def test_async_iteration_raises_it_too(bootstrap: str) -> None:
    await _produce(bootstrap, [b"plain"])
    async with Consumer(
        "orders",
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        value_deserializer="json",
    ) as consumer:
        with pytest.raises(RecordDeserializationError, match="offset 0 of orders-0"):
            async for _record in consumer:
                pass


async def test_a_group_that_skips_commits_past_the_record(bootstrap: str) -> None:
    """The README's case: text where JSON was expected. Skipping moves the group on, so the
    next run does not meet the record again."""
    await _produce(bootstrap, VALUES)
    options = {
        "bootstrap_servers": bootstrap,
        "group_id": "billing",
        "auto_offset_reset": "earliest",
        "value_deserializer": "json",
    }
    async with Consumer("orders", **options) as consumer:
        values, skipped = await _read_all(consumer, 3)
        await consumer.commit()
    assert values == [{"id": 1}, {"id": 2}, {"id": 4}] and skipped == [2]
    await _produce(bootstrap, [b'{"id": 5}'])
    async with Consumer("orders", **options) as consumer:
        values, skipped = await _read_all(consumer, 1)
    assert values == [{"id": 5}] and skipped == []


def test_the_sync_consumer_raises_it_and_skips_with_seek() -> None:
    from broker import Broker
    from client import sync

    with Broker.embedded_in_thread(num_partitions=1) as broker:
        bootstrap = broker.bootstrap_servers
        with sync.Producer(bootstrap_servers=bootstrap) as producer:
            for value in (b"plain", b'{"id": 2}'):
                producer.send("orders", value, partition=0).result(timeout=10)
        with sync.Consumer(
            "orders", bootstrap_servers=bootstrap, auto_offset_reset="earliest",
            value_deserializer="json",
        ) as consumer:  # fmt: skip
            with pytest.raises(RecordDeserializationError) as info:
                consumer.poll(timeout_ms=5_000)
            consumer.seek(info.value.topic_partition, info.value.offset + 1)
            records = consumer.poll(timeout_ms=5_000)
    assert [r.value for rs in records.values() for r in rs] == [{"id": 2}]
