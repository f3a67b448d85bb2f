"""Metadata and DescribeCluster: auto-creation, errors, leader epochs, cluster identity."""

from __future__ import annotations

import pytest
from support.kafka_ops import create_topic, metadata
from support.wire import WireClient

from broker.app import Broker
from protocol.messages import DescribeClusterRequest, MetadataRequest


async def test_brokers_cluster_id_and_controller(broker: Broker, client: WireClient) -> None:
    response = await metadata(client, [])
    [b] = response.brokers
    assert (b.node_id, b.host, b.port) == (1, "127.0.0.1", broker.port)
    assert response.controller_id == 1
    assert response.cluster_id == broker.cluster_id and len(broker.cluster_id) == 22
    assert response.topics == []


async def test_auto_create_answers_with_the_new_topic(client: WireClient) -> None:
    response = await metadata(client, ["fresh"])
    [topic] = response.topics
    assert (topic.error_code, topic.name) == (0, "fresh")
    [p] = topic.partitions
    assert (p.error_code, p.leader_id, p.leader_epoch, p.replica_nodes, p.isr_nodes) == (
        0,
        1,
        0,
        [1],
        [1],
    )
    assert p.offline_replicas == []


@pytest.mark.samsa_config(num_partitions=4)
async def test_auto_create_uses_num_partitions(client: WireClient) -> None:
    [topic] = (await metadata(client, ["four"])).topics
    assert len(topic.partitions) == 4


async def test_auto_create_can_be_refused_by_the_request(client: WireClient) -> None:
    [topic] = (await metadata(client, ["nope"], allow_auto_create=False)).topics
    assert topic.error_code == 3  # UNKNOWN_TOPIC_OR_PARTITION
    # Only the broker's own internal topic exists.
    assert [t.name for t in (await metadata(client, None)).topics] == ["__consumer_offsets"]


@pytest.mark.samsa_config(**{"auto.create.topics.enable": False})
async def test_auto_create_can_be_disabled_by_the_broker(client: WireClient) -> None:
    [topic] = (await metadata(client, ["nope"])).topics
    assert topic.error_code == 3


async def test_invalid_names_get_invalid_topic_exception(client: WireClient) -> None:
    response = await metadata(client, ["bad name", "ok-name"])
    codes = {t.name: t.error_code for t in response.topics}
    assert codes == {"bad name": 17, "ok-name": 0}


async def test_all_topics_null_list_and_v0_empty_list(client: WireClient) -> None:
    await create_topic(client, "a")
    await create_topic(client, "b", partitions=2)
    internal = "__consumer_offsets"  # created by the broker, listed like any topic (as Kafka)
    assert {t.name for t in (await metadata(client, None)).topics} == {"a", "b", internal}
    v0 = await client.request(MetadataRequest(topics=[]), 0)
    assert {t.name for t in v0.topics} == {"a", "b", internal}
    v1 = await client.request(MetadataRequest(topics=[]), 1)
    assert v1.topics == []


@pytest.mark.parametrize("version", range(0, 9))
async def test_every_version(client: WireClient, version: int) -> None:
    await create_topic(client, "t", partitions=2)
    response = await client.request(
        MetadataRequest(topics=[MetadataRequest.MetadataRequestTopic(name="t")]), version
    )
    [topic] = response.topics
    assert topic.error_code == 0 and len(topic.partitions) == 2
    if version >= 7:
        assert all(p.leader_epoch == 0 for p in topic.partitions)


async def test_describe_cluster(broker: Broker, client: WireClient) -> None:
    for version in (0, 1):
        response = await client.request(DescribeClusterRequest(), version)
        assert response.error_code == 0
        assert response.cluster_id == broker.cluster_id
        assert response.controller_id == 1
        assert [(b.broker_id, b.port) for b in response.brokers] == [(1, broker.port)]
