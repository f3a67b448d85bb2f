"""Constructors and calls as aiokafka users write them: topics as positional arguments, and a
clear ``TypeError`` naming the parameter for every argument of the wrong type."""

from __future__ import annotations

from typing import Any

import pytest

import client as samsa_client
from broker import Broker
from client import ConfigError, Consumer, Producer, TopicPartition
from client import sync as sync_client
from client.errors import ConfigTypeError


async def _produce(bootstrap: str, topic: str, count: int) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        for i in range(count):
            await producer.send(topic, f"v{i}".encode(), key=f"k{i}".encode())
        await producer.flush()


async def test_topics_as_positional_arguments_without_a_group_read_every_partition(
    bootstrap: str,
) -> None:
    await _produce(bootstrap, "orders", 12)
    async with Consumer("orders", bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        assert c.assignment() == {TopicPartition("orders", p) for p in range(3)}
        values: set[bytes] = set()
        while len(values) < 12:
            batch = await c.getmany(timeout_ms=5_000)
            assert batch, "no records within 5 s"
            values.update(r.value for records in batch.values() for r in records)
    assert values == {f"v{i}".encode() for i in range(12)}


async def test_topics_as_positional_arguments_with_a_group_subscribe(bootstrap: str) -> None:
    await _produce(bootstrap, "orders", 3)
    await _produce(bootstrap, "payments", 3)
    async with Consumer(
        "orders",
        "payments",
        bootstrap_servers=bootstrap,
        group_id="billing",
        auto_offset_reset="earliest",
    ) as consumer:
        assert consumer.subscription() == {"orders", "payments"}
        assigned = await consumer.wait_for_assignment(20_000)
        assert {tp.topic for tp in assigned} == {"orders", "payments"}


async def test_an_options_mapping_may_come_before_the_topics(bootstrap: str) -> None:
    await _produce(bootstrap, "orders", 1)
    options = {"bootstrap.servers": bootstrap, "auto.offset.reset": "earliest"}
    async with Consumer(options, "orders") as consumer:
        assert {tp.topic for tp in consumer.assignment()} == {"orders"}
    async with Consumer(options) as consumer:  # the mapping alone, as before
        assert consumer.assignment() == set()


def test_the_sync_consumer_takes_topics_too() -> None:
    with Broker.embedded_in_thread(num_partitions=3) as broker:
        with sync_client.Producer(bootstrap_servers=broker.bootstrap_servers) as producer:
            producer.send("greetings", b"hello", partition=0).result(timeout=10)
        _read_greetings(broker.bootstrap_servers)


def _read_greetings(bootstrap: str) -> None:
    with sync_client.Consumer(
        "greetings", bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    ) as consumer:
        assert consumer.assignment() == {TopicPartition("greetings", p) for p in range(3)}
        records = consumer.poll(timeout_ms=5_000)
        assert [r.value for rs in records.values() for r in rs] == [b"hello"]


#: The client's classes as code without annotations calls them: the wrong types are the point.
untyped: Any = samsa_client
untyped_sync: Any = sync_client


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (
            lambda: untyped.Producer("localhost:9092"),
            ["Producer()", "bootstrap_servers='localhost:9092'"],
        ),
        (lambda: untyped.Admin(["localhost:9092"]), ["Admin()", "list"]),
        (lambda: untyped.Consumer(42, bootstrap_servers="x:1"), ["Consumer()", "int 42"]),
        (lambda: untyped.Consumer(["orders"], bootstrap_servers="x:1"), ["separate str", "list"]),
        (lambda: untyped.Consumer("a", b"b", bootstrap_servers="x:1"), ["Consumer()", "bytes"]),
        (lambda: Consumer(bootstrap_servers=9092), ["'bootstrap_servers'", "int 9092"]),
        (lambda: Consumer(group_id=5), ["'group_id'", "int 5"]),
        (lambda: Consumer(value_deserializer=5), ["'value_deserializer'", "int 5"]),
        (lambda: Producer(linger_ms=None), ["'linger_ms'", "NoneType"]),
        (lambda: Producer(acks=[1]), ["'acks'", "list"]),
        (lambda: Producer(compression_type=3), ["'compression_type'", "int 3"]),
        (lambda: Consumer(partition_assignment_strategy=5), ["'partition_assignment_strategy'"]),
        (lambda: untyped_sync.Consumer(42), ["Consumer()", "int 42"]),
        (lambda: untyped_sync.Producer("localhost:9092"), ["Producer()", "bootstrap_servers"]),
    ],
)
def test_a_wrong_type_is_a_type_error_naming_the_parameter(make: Any, names: list[str]) -> None:
    with pytest.raises(TypeError) as info:
        make()
    assert isinstance(info.value, ConfigTypeError)  # also a ConfigError
    for name in names:
        assert name in str(info.value), (name, str(info.value))


def test_a_broker_address_given_as_a_topic_is_named() -> None:
    with pytest.raises(ConfigError, match=r"did you mean bootstrap_servers='localhost:9092'"):
        Consumer("localhost:9092")


def test_a_bad_value_of_the_right_type_stays_a_value_error() -> None:
    with pytest.raises(ValueError) as info:
        Producer(linger_ms="soon")
    assert not isinstance(info.value, TypeError)
    assert "'linger_ms'" in str(info.value) and "str 'soon'" in str(info.value)


async def test_wrong_types_in_calls_name_the_parameter(bootstrap: str) -> None:
    async with Producer(bootstrap_servers=bootstrap) as producer:
        with pytest.raises(TypeError, match=r"send\(\): topic is a str, not bytes"):
            await producer.send(b"orders", b"v")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"send\(\): partition is an int or None, not str"):
            await producer.send("orders", b"v", partition="0")  # type: ignore[arg-type]
    async with Consumer(bootstrap_servers=bootstrap, group_id="g") as consumer:
        with pytest.raises(TypeError, match=r"subscribe\(\): topics are str, not int"):
            consumer.subscribe([1])  # type: ignore[list-item]
        with pytest.raises(TypeError, match=r"assign\(\): partitions are TopicPartition"):
            consumer.assign(["orders"])  # type: ignore[list-item]
