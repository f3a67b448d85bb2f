"""The admin client against the embedded broker."""

from __future__ import annotations

import pytest
from support.waiting import eventually

from client import Admin, Consumer, NewTopic, Producer, TopicPartition
from client.admin import ConfigResource, ConfigSource
from protocol.errors import (
    GroupIdNotFoundError,
    InvalidPartitionsError,
    NonEmptyGroupError,
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
)


async def _produce(bootstrap: str, topic: str, per_partition: int, partitions: int = 3) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0) as producer:
        for p in range(partitions):
            for i in range(per_partition):
                await producer.send(topic, b"%d" % i, partition=p, timestamp_ms=1000 * (i + 1))
        await producer.flush()


async def test_create_list_describe_delete_topics(admin: Admin) -> None:
    await admin.create_topics(
        [NewTopic("orders", 4, configs={"retention.ms": "3600000"}), NewTopic("audit", 1)]
    )
    with pytest.raises(TopicAlreadyExistsError, match="orders"):
        await admin.create_topic("orders", 1)
    await admin.create_topic("orders", 1, if_not_exists=True)
    assert {"orders", "audit"} <= set(await admin.list_topics())
    described = await admin.describe_topics(["orders"])
    orders = described["orders"]
    assert orders.num_partitions == 4 and not orders.is_internal
    for p in orders.partitions:
        assert p.leader == 1 and p.replicas == (1,) and p.isr == (1,)
        assert p.leader_epoch >= 0
        assert (p.log_start_offset, p.log_end_offset) == (0, 0)
    await admin.delete_topics(["audit"])
    with pytest.raises(UnknownTopicOrPartitionError):
        await admin.delete_topics(["audit"])
    await admin.delete_topics(["audit"], if_exists=True)
    assert "audit" not in await admin.list_topics()
    with pytest.raises(UnknownTopicOrPartitionError):
        await admin.describe_topics(["audit"])


async def test_validate_only_creates_nothing(admin: Admin) -> None:
    await admin.create_topics([NewTopic("dry", 2)], validate_only=True)
    assert "dry" not in await admin.list_topics()


async def test_describe_topics_reports_log_offsets(bootstrap: str, admin: Admin) -> None:
    await admin.create_topic("offsets", 3)
    await _produce(bootstrap, "offsets", 5)
    await admin.delete_records({TopicPartition("offsets", 1): 2})
    parts = (await admin.describe_topics(["offsets"]))["offsets"].partitions
    assert [(p.log_start_offset, p.log_end_offset) for p in parts] == [(0, 5), (2, 5), (0, 5)]
    everything = await admin.describe_topics(offsets=False)
    assert "offsets" in everything


async def test_create_partitions(admin: Admin) -> None:
    await admin.create_topic("grow", 2)
    await admin.create_partitions({"grow": 5})
    assert (await admin.describe_topics(["grow"], offsets=False))["grow"].num_partitions == 5
    with pytest.raises(InvalidPartitionsError):
        await admin.create_partitions({"grow": 3})


async def test_list_offsets_by_time(bootstrap: str, admin: Admin) -> None:
    await admin.create_topic("timed", 1)
    await _produce(bootstrap, "timed", 10, partitions=1)
    tp = TopicPartition("timed", 0)
    found = await admin.list_offsets({tp: "earliest"})
    assert found[tp].offset == 0
    assert (await admin.list_offsets({tp: "latest"}))[tp].offset == 10
    at = (await admin.list_offsets({tp: 4500}))[tp]
    assert at.offset == 4 and at.timestamp == 5000
    assert (await admin.list_offsets({tp: 10**13}))[tp].offset == -1


async def test_describe_and_alter_topic_configs(admin: Admin) -> None:
    await admin.create_topic("configured", 1, configs={"retention.ms": "1000000"})
    resource = ConfigResource.topic("configured")
    configs = (await admin.describe_configs([resource], synonyms=True))[resource]
    assert configs["retention.ms"].value == "1000000"
    assert configs["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG
    assert not configs["retention.ms"].is_default
    assert configs["cleanup.policy"].is_default
    await admin.alter_configs(resource, set={"cleanup.policy": "compact"}, delete=["retention.ms"])
    plain = await admin.describe_topic_configs("configured")
    assert plain["cleanup.policy"] == "compact"
    assert plain["retention.ms"] != "1000000"


async def test_describe_broker_configs(admin: Admin) -> None:
    resource = ConfigResource.broker(1)
    configs = (await admin.describe_configs([resource]))[resource]
    assert "log.retention.ms" in configs or "log.retention.hours" in configs
    await admin.alter_configs(ConfigResource.broker(), set={"log.retention.ms": "7200000"})
    described = await admin.describe_configs([ConfigResource.broker(1)])
    assert described[resource]["log.retention.ms"].value == "7200000"


async def test_describe_cluster(admin: Admin, bootstrap: str) -> None:
    cluster = await admin.describe_cluster()
    assert cluster.cluster_id and cluster.controller_id == 1
    assert [b.address for b in cluster.brokers] == [bootstrap]


async def test_group_offsets_lag_and_resets(bootstrap: str, admin: Admin) -> None:
    await admin.create_topic("progress", 2)
    await _produce(bootstrap, "progress", 10, partitions=2)
    tp0, tp1 = TopicPartition("progress", 0), TopicPartition("progress", 1)
    await admin.alter_group_offsets("readers", {tp0: 4, tp1: 10})
    offsets = await admin.list_group_offsets("readers")
    assert {tp: o.offset for tp, o in offsets.items()} == {tp0: 4, tp1: 10}
    lag = await admin.group_lag("readers")
    assert (lag[tp0].committed, lag[tp0].log_end_offset, lag[tp0].lag) == (4, 10, 6)
    assert lag[tp1].lag == 0
    assert await admin.reset_group_offsets("readers", ["progress"], to="earliest") == {
        tp0: 0,
        tp1: 0,
    }
    assert await admin.reset_group_offsets("readers", [tp1], shift_by=3) == {tp1: 3}
    assert await admin.reset_group_offsets("readers", [tp0], to_timestamp_ms=7000) == {tp0: 6}
    assert await admin.reset_group_offsets("readers", [tp0], to_offset=99) == {tp0: 10}
    preview = await admin.reset_group_offsets("readers", [tp0], to="earliest", dry_run=True)
    assert preview == {tp0: 0}
    assert (await admin.list_group_offsets("readers", [tp0]))[tp0].offset == 10
    with pytest.raises(ValueError, match="exactly one"):
        await admin.reset_group_offsets("readers", [tp0], to="latest", shift_by=1)
    await admin.delete_group_offsets("readers", [tp1])
    assert set(await admin.list_group_offsets("readers")) == {tp0}


async def test_list_describe_and_delete_groups(bootstrap: str, admin: Admin) -> None:
    await admin.create_topic("members", 2)
    async with Consumer(
        bootstrap_servers=bootstrap, group_id="live", session_timeout_ms=10_000
    ) as consumer:
        consumer.subscribe(["members"])
        await consumer.wait_for_assignment(20_000)
        listed = {g.group_id: g for g in await admin.list_groups()}
        assert listed["live"].protocol_type == "consumer"
        assert listed["live"].state == "Stable"
        group = (await admin.describe_groups(["live"]))["live"]
        assert group.state == "Stable" and group.protocol in ("range", "cooperative-sticky")
        (member,) = group.members
        assert member.member_id == consumer.member_id
        assert sorted(member.assignment) == [
            TopicPartition("members", 0),
            TopicPartition("members", 1),
        ]
        with pytest.raises(NonEmptyGroupError):
            await admin.delete_groups(["live"])

    async def empty() -> bool:
        return (await admin.describe_groups(["live"]))["live"].state == "Empty"

    await eventually(empty, 20, "the group is empty after the consumer left")
    await admin.delete_groups(["live"])
    with pytest.raises(GroupIdNotFoundError):
        await admin.delete_groups(["live"])
    assert "live" not in {g.group_id for g in await admin.list_groups()}
