"""Topic and config administration over the wire: CreateTopics, DeleteTopics,
CreatePartitions, DeleteRecords, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs."""

from __future__ import annotations

import pytest
from support.kafka_ops import create_topic, fetch, list_offset, metadata, produce, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.messages import (
    AlterConfigsRequest,
    CreatePartitionsRequest,
    CreateTopicsRequest,
    DeleteRecordsRequest,
    DeleteTopicsRequest,
    DescribeConfigsRequest,
    IncrementalAlterConfigsRequest,
)

CT = CreateTopicsRequest.CreatableTopic
TOPIC, BROKER = 2, 4


def _topic(name: str, partitions: int = 1, rf: int = -1, **configs: str) -> CT:
    return CT(
        name=name,
        num_partitions=partitions,
        replication_factor=rf,
        configs=[
            CT.CreatableTopicConfig(name=k.replace("_", "."), value=v) for k, v in configs.items()
        ],
    )


@pytest.mark.parametrize("version", [2, 3, 4, 5])
async def test_create_topics_every_version(client: WireClient, version: int) -> None:
    response = await client.request(
        CreateTopicsRequest(topics=[_topic("t", 3)], timeout_ms=5000), version
    )
    [r] = response.topics
    assert r.error_code == 0
    if version >= 5:
        assert (r.num_partitions, r.replication_factor) == (3, 1)
        configs = {c.name: (c.value, c.config_source) for c in r.configs}
        assert configs["retention.ms"] == ("604800000", 5)
    [topic] = (await metadata(client, ["t"])).topics
    assert len(topic.partitions) == 3


async def test_create_topics_errors_and_validate_only(client: WireClient) -> None:
    await create_topic(client, "exists")
    response = await client.request(
        CreateTopicsRequest(
            topics=[
                _topic("exists"),
                _topic("bad/name"),
                _topic("x" * 250),
                _topic("rf3", rf=3),
                _topic("zero", partitions=0),
                _topic("badcfg", retention_ms="never"),
                _topic("checked", 2),
            ],
            timeout_ms=5000,
            validate_only=True,
        ),
        5,
    )
    codes = {r.name: r.error_code for r in response.topics}
    assert codes == {
        "exists": 36,
        "bad/name": 17,
        "x" * 250: 17,
        "rf3": 38,
        "zero": 37,
        "badcfg": 40,
        "checked": 0,
    }
    assert all(r.error_message for r in response.topics if r.error_code)
    [checked] = (await metadata(client, ["checked"], allow_auto_create=False)).topics
    assert checked.error_code == 3  # validate_only created nothing


async def test_topic_configs_are_applied_and_described(broker: Broker, client: WireClient) -> None:
    await create_topic(
        client, "cfg", configs={"retention.ms": "12345", "max.message.bytes": "2000"}
    )
    # Storage sees the topic's settings.
    partition = broker.replica_manager.get_partition("cfg", 0)  # type: ignore[union-attr]
    assert (partition.log.config.retention_ms, partition.log.config.max_message_bytes) == (
        12345,
        2000,
    )
    response = await client.request(
        DescribeConfigsRequest(
            resources=[
                DescribeConfigsRequest.DescribeConfigsResource(
                    resource_type=TOPIC, resource_name="cfg", configuration_keys=None
                )
            ],
            include_synonyms=True,
            include_documentation=True,
        ),
        4,
    )
    [result] = response.results
    assert result.error_code == 0
    entries = {c.name: c for c in result.configs}
    assert entries["retention.ms"].value == "12345"
    assert entries["retention.ms"].config_source == 1  # DYNAMIC_TOPIC_CONFIG
    assert [s.name for s in entries["retention.ms"].synonyms] == [
        "retention.ms",
        "log.retention.ms",
    ]
    assert entries["segment.bytes"].config_source == 5  # DEFAULT_CONFIG
    assert entries["cleanup.policy"].config_type == 7  # LIST
    assert entries["cleanup.policy"].documentation
    assert not entries["retention.ms"].read_only


async def test_describe_configs_v0_and_key_filter_and_unknown_topic(client: WireClient) -> None:
    await create_topic(client, "t")
    R = DescribeConfigsRequest.DescribeConfigsResource
    response = await client.request(
        DescribeConfigsRequest(
            resources=[
                R(resource_type=TOPIC, resource_name="t", configuration_keys=["segment.ms"]),
                R(resource_type=TOPIC, resource_name="missing", configuration_keys=None),
                R(resource_type=99, resource_name="x", configuration_keys=None),
            ]
        ),
        0,
    )
    ok, missing, bad = response.results
    assert [(c.name, c.is_default) for c in ok.configs] == [("segment.ms", True)]
    assert missing.error_code == 3
    assert bad.error_code == 42


async def test_broker_configs(client: WireClient) -> None:
    R = DescribeConfigsRequest.DescribeConfigsResource
    response = await client.request(
        DescribeConfigsRequest(
            resources=[R(resource_type=BROKER, resource_name="1", configuration_keys=None)],
            include_synonyms=True,
        ),
        3,
    )
    entries = {c.name: c for c in response.results[0].configs}
    assert entries["num.partitions"].value == "1"
    assert entries["node.id"].read_only
    assert not entries["log.retention.ms"].read_only
    assert entries["log.dirs"].config_source == 4  # STATIC (set by the embedded broker)
    # A dynamic cluster-wide default changes what new topics get.
    alter = IncrementalAlterConfigsRequest.AlterConfigsResource
    op = alter.AlterableConfig
    response = await client.request(
        IncrementalAlterConfigsRequest(
            resources=[
                alter(
                    resource_type=BROKER,
                    resource_name="",
                    configs=[op(name="log.retention.ms", config_operation=0, value="777")],
                ),
                alter(
                    resource_type=BROKER,
                    resource_name="1",
                    configs=[op(name="node.id", config_operation=0, value="3")],
                ),
            ]
        ),
        1,
    )
    assert [r.error_code for r in response.responses] == [0, 42]
    await create_topic(client, "after")
    described = await client.request(
        DescribeConfigsRequest(
            resources=[
                R(resource_type=TOPIC, resource_name="after", configuration_keys=["retention.ms"])
            ],
        ),
        1,
    )
    [entry] = described.results[0].configs
    assert (entry.value, entry.config_source) == ("777", 3)  # DYNAMIC_DEFAULT_BROKER_CONFIG


async def test_alter_configs_replaces_and_incremental_edits(client: WireClient) -> None:
    await create_topic(client, "t", configs={"retention.ms": "1000", "segment.ms": "2000"})
    A = AlterConfigsRequest.AlterConfigsResource
    response = await client.request(
        AlterConfigsRequest(
            resources=[
                A(
                    resource_type=TOPIC,
                    resource_name="t",
                    configs=[A.AlterableConfig(name="retention.ms", value="5000")],
                ),
                A(
                    resource_type=TOPIC,
                    resource_name="t2",
                    configs=[A.AlterableConfig(name="retention.ms", value="5000")],
                ),
            ],
            validate_only=False,
        ),
        1,
    )
    assert [r.error_code for r in response.responses] == [0, 3]
    Inc = IncrementalAlterConfigsRequest.AlterConfigsResource
    ops = [
        Inc.AlterableConfig(name="cleanup.policy", config_operation=2, value="compact"),
        Inc.AlterableConfig(name="retention.ms", config_operation=1, value=None),
        Inc.AlterableConfig(name="max.message.bytes", config_operation=0, value="bogus"),
    ]
    response = await client.request(
        IncrementalAlterConfigsRequest(
            resources=[Inc(resource_type=TOPIC, resource_name="t", configs=ops)]
        ),
        0,
    )
    assert response.responses[0].error_code == 40  # INVALID_CONFIG: nothing applied
    response = await client.request(
        IncrementalAlterConfigsRequest(
            resources=[Inc(resource_type=TOPIC, resource_name="t", configs=ops[:2])]
        ),
        1,
    )
    assert response.responses[0].error_code == 0
    described = await client.request(
        DescribeConfigsRequest(
            resources=[
                DescribeConfigsRequest.DescribeConfigsResource(
                    resource_type=TOPIC, resource_name="t", configuration_keys=None
                )
            ]
        ),
        2,
    )
    overrides = {c.name: c.value for c in described.results[0].configs if c.config_source == 1}
    assert overrides == {"cleanup.policy": "compact,delete"}


async def test_delete_topics(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "gone", partitions=2)
    await produce(client, "gone", 0, make_batch([b"x"]))
    log_dir = broker.data_dirs[0] / "gone-0"
    assert log_dir.exists()
    response = await client.request(
        DeleteTopicsRequest(topic_names=["gone", "never"], timeout_ms=5000), 4
    )
    assert [(r.name, r.error_code) for r in response.responses] == [("gone", 0), ("never", 3)]
    assert not log_dir.exists()
    [t] = (await metadata(client, ["gone"], allow_auto_create=False)).topics
    assert t.error_code == 3
    # A new topic of the same name starts empty, with a new id.
    await create_topic(client, "gone")
    assert (await fetch(client, "gone", 0, 0)).high_watermark == 0


async def test_create_partitions(client: WireClient) -> None:
    await create_topic(client, "grow", partitions=1)
    T = CreatePartitionsRequest.CreatePartitionsTopic
    response = await client.request(
        CreatePartitionsRequest(
            topics=[
                T(name="grow", count=3, assignments=None),
                T(name="grow2", count=3, assignments=None),
            ],
            timeout_ms=5000,
            validate_only=False,
        ),
        3,
    )
    assert [r.error_code for r in response.results] == [0, 3]
    [t] = (await metadata(client, ["grow"])).topics
    assert len(t.partitions) == 3
    assert (await produce(client, "grow", 2, make_batch([b"new"]))).error_code == 0
    response = await client.request(
        CreatePartitionsRequest(
            topics=[T(name="grow", count=2, assignments=None)],
            timeout_ms=5000,
            validate_only=False,
        ),
        0,
    )
    assert response.results[0].error_code == 37


async def test_delete_records(client: WireClient) -> None:
    await create_topic(client, "dr")
    for i in range(5):
        await produce(client, "dr", 0, make_batch([b"%d" % i]))
    P = DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition
    response = await client.request(
        DeleteRecordsRequest(
            topics=[
                DeleteRecordsRequest.DeleteRecordsTopic(
                    name="dr",
                    partitions=[
                        P(partition_index=0, offset=3),
                    ],
                )
            ],
            timeout_ms=5000,
        ),
        2,
    )
    [p] = response.topics[0].partitions
    assert (p.error_code, p.low_watermark) == (0, 3)
    assert (await list_offset(client, "dr", 0, -2)).offset == 3
    data = await fetch(client, "dr", 0, 3)
    assert values_of(data.records) == [b"3", b"4"]
    assert (await fetch(client, "dr", 0, 1)).error_code == 1  # OFFSET_OUT_OF_RANGE
    response = await client.request(
        DeleteRecordsRequest(
            topics=[
                DeleteRecordsRequest.DeleteRecordsTopic(
                    name="dr",
                    partitions=[
                        P(partition_index=0, offset=99),
                        P(partition_index=7, offset=1),
                    ],
                )
            ],
            timeout_ms=5000,
        ),
        0,
    )
    assert [p.error_code for p in response.topics[0].partitions] == [1, 3]
    response = await client.request(
        DeleteRecordsRequest(
            topics=[
                DeleteRecordsRequest.DeleteRecordsTopic(
                    name="dr",
                    partitions=[
                        P(partition_index=0, offset=-1),
                    ],
                )
            ],
            timeout_ms=5000,
        ),
        1,
    )
    assert response.topics[0].partitions[0].low_watermark == 5
