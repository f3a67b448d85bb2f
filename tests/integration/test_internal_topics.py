"""``__consumer_offsets`` is protected: DeleteRecords, DeleteTopics, CreatePartitions and config
changes that would destroy or block it are refused (with Kafka's code where Kafka refuses, else
POLICY_VIOLATION), harmless changes pass, and committed offsets survive all the attempts and a
restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.group_ops import commit, committed, fetch_offsets_when_loaded
from support.kafka_ops import create_topic
from support.wire import WireClient

from broker.app import Broker
from broker.metadata.internal_topic_policy import (
    MIN_INTERNAL_MAX_MESSAGE_BYTES,
    MIN_INTERNAL_RETENTION_BYTES,
    internal_topic_violations,
)
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from protocol.errors import ErrorCode
from protocol.messages import (
    AlterConfigsRequest,
    CreatePartitionsRequest,
    CreateTopicsRequest,
    DeleteRecordsRequest,
    DeleteTopicsRequest,
    IncrementalAlterConfigsRequest,
)

TOPIC, BROKER = 2, 4
SET, DELETE, APPEND, SUBTRACT = 0, 1, 2, 3
PARTITIONS = 50
#: What the broker created the topic with (its overrides); legacy AlterConfigs replaces them.
CREATED_WITH = {"cleanup.policy": "compact", "segment.bytes": str(100 * 1024 * 1024)}
NO_DELAY = {"group.initial.rebalance.delay.ms": 0}


async def _delete_records(client: WireClient) -> list[int]:
    P = DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition
    response = await client.request(
        DeleteRecordsRequest(
            topics=[
                DeleteRecordsRequest.DeleteRecordsTopic(
                    name=GROUP_METADATA_TOPIC,
                    partitions=[P(partition_index=p, offset=-1) for p in range(PARTITIONS)],
                )
            ],
            timeout_ms=5000,
        ),
        2,
    )
    return [p.error_code for p in response.topics[0].partitions]


async def _delete_topic(client: WireClient) -> int:
    response = await client.request(
        DeleteTopicsRequest(topic_names=[GROUP_METADATA_TOPIC], timeout_ms=5000), 4
    )
    return int(response.responses[0].error_code)


async def _create_partitions(client: WireClient, validate_only: bool) -> Any:
    response = await client.request(
        CreatePartitionsRequest(
            topics=[
                CreatePartitionsRequest.CreatePartitionsTopic(
                    name=GROUP_METADATA_TOPIC, count=PARTITIONS + 10, assignments=None
                )
            ],
            timeout_ms=5000,
            validate_only=validate_only,
        ),
        3,
    )
    return response.results[0]


async def _alter(
    client: WireClient, configs: dict[str, str], *, validate_only: bool = False
) -> Any:
    A = AlterConfigsRequest.AlterConfigsResource
    response = await client.request(
        AlterConfigsRequest(
            resources=[
                A(
                    resource_type=TOPIC,
                    resource_name=GROUP_METADATA_TOPIC,
                    configs=[A.AlterableConfig(name=k, value=v) for k, v in configs.items()],
                )
            ],
            validate_only=validate_only,
        ),
        2,
    )
    return response.responses[0]


async def _incremental(
    client: WireClient,
    ops: list[tuple[str, int, str | None]],
    *,
    resource: tuple[int, str] = (TOPIC, GROUP_METADATA_TOPIC),
    validate_only: bool = False,
) -> Any:
    Inc = IncrementalAlterConfigsRequest.AlterConfigsResource
    response = await client.request(
        IncrementalAlterConfigsRequest(
            resources=[
                Inc(
                    resource_type=resource[0],
                    resource_name=resource[1],
                    configs=[
                        Inc.AlterableConfig(name=n, config_operation=op, value=v)
                        for n, op, v in ops
                    ],
                )
            ],
            validate_only=validate_only,
        ),
        1,
    )
    return response.responses[0]


#: Legacy AlterConfigs (the given set replaces every override) that must be refused, with the
#: setting the refusal names.
DESTRUCTIVE_ALTER: list[tuple[dict[str, str], str]] = [
    ({"cleanup.policy": "delete", "retention.ms": "1"}, "cleanup.policy"),
    ({**CREATED_WITH, "cleanup.policy": "compact,delete", "retention.ms": "1"}, "retention.ms"),
    (
        {**CREATED_WITH, "cleanup.policy": "compact,delete", "retention.bytes": "1"},
        "retention.bytes",
    ),
    ({**CREATED_WITH, "max.message.bytes": "10"}, "max.message.bytes"),
    ({**CREATED_WITH, "segment.bytes": "4096"}, "segment.bytes"),
    ({**CREATED_WITH, "min.insync.replicas": "2"}, "min.insync.replicas"),
    # Replacing the overrides with a harmless one alone drops cleanup.policy=compact.
    ({"segment.ms": "3600000"}, "cleanup.policy"),
]

#: IncrementalAlterConfigs operations that must be refused, with the setting named.
DESTRUCTIVE_INCREMENTAL: list[tuple[list[tuple[str, int, str | None]], str]] = [
    ([("cleanup.policy", SET, "delete")], "cleanup.policy"),
    ([("cleanup.policy", DELETE, None)], "cleanup.policy"),  # back to the default: delete
    ([("cleanup.policy", SUBTRACT, "compact")], "cleanup.policy"),
    ([("cleanup.policy", APPEND, "delete"), ("retention.ms", SET, "1")], "retention.ms"),
    ([("cleanup.policy", APPEND, "delete"), ("retention.bytes", SET, "1")], "retention.bytes"),
    ([("max.message.bytes", SET, "10")], "max.message.bytes"),
    ([("segment.bytes", SET, "4096")], "segment.bytes"),
    ([("min.insync.replicas", SET, "2")], "min.insync.replicas"),
]

#: Broker-level dynamic defaults that ``__consumer_offsets`` inherits.
DESTRUCTIVE_BROKER: list[tuple[list[tuple[str, int, str | None]], str]] = [
    ([("message.max.bytes", SET, "10")], "max.message.bytes"),
    ([("min.insync.replicas", SET, "2")], "min.insync.replicas"),
]


async def _every_refusal(broker: Broker, client: WireClient) -> None:
    """Every destructive request is refused with the expected code, naming what it must."""
    assert await _delete_records(client) == [ErrorCode.INVALID_TOPIC_EXCEPTION] * PARTITIONS
    assert await _delete_topic(client) == ErrorCode.POLICY_VIOLATION
    for validate_only in (True, False):
        grown = await _create_partitions(client, validate_only)
        assert grown.error_code == ErrorCode.POLICY_VIOLATION
        assert GROUP_METADATA_TOPIC in grown.error_message
    for validate_only in (True, False):
        for configs, setting in DESTRUCTIVE_ALTER:
            result = await _alter(client, configs, validate_only=validate_only)
            assert result.error_code == ErrorCode.POLICY_VIOLATION, (configs, result)
            assert f"Setting {setting}=" in result.error_message, result.error_message
            assert GROUP_METADATA_TOPIC in result.error_message
        for ops, setting in DESTRUCTIVE_INCREMENTAL:
            result = await _incremental(client, ops, validate_only=validate_only)
            assert result.error_code == ErrorCode.POLICY_VIOLATION, (ops, result)
            assert f"Setting {setting}=" in result.error_message, result.error_message
        for ops, setting in DESTRUCTIVE_BROKER:
            for name in ("", str(broker.config.node_id)):
                result = await _incremental(
                    client, ops, resource=(BROKER, name), validate_only=validate_only
                )
                assert result.error_code == ErrorCode.POLICY_VIOLATION, (ops, name, result)
                assert f"Setting {setting}=" in result.error_message


async def test_consumer_offsets_refuses_destruction_and_keeps_offsets_across_a_restart(
    tmp_path: Path,
) -> None:
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None and broker.controller is not None
        await broker.group_coordinator.wait_loaded(20)
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "orders", partitions=2)
        assert await commit(client, "billing", {("orders", 0): 11, ("orders", 1): 22}) == {
            ("orders", 0): 0,
            ("orders", 1): 0,
        }
        await _every_refusal(broker, client)

        # Nothing changed: the topic, its partitions, its configs.
        image = broker.controller.image
        assert image.topic(GROUP_METADATA_TOPIC).partition_count == PARTITIONS  # type: ignore[union-attr]
        configs = broker.controller.topic_configs(GROUP_METADATA_TOPIC)
        assert configs["cleanup.policy"].value == "compact"
        assert configs["max.message.bytes"].value == str(MIN_INTERNAL_MAX_MESSAGE_BYTES)

        # Harmless changes pass: a topic setting, and the full set with AlterConfigs.
        result = await _incremental(client, [("segment.ms", SET, "3600000")])
        assert result.error_code == 0, result
        result = await _alter(client, {**CREATED_WITH, "segment.ms": "7200000"})
        assert result.error_code == 0, result
        assert broker.controller.topic_configs(GROUP_METADATA_TOPIC)["segment.ms"].value == (
            "7200000"
        )
        # A broker default the topic overrides (cleanup.policy=compact makes retention moot).
        result = await _incremental(client, [("log.retention.ms", SET, "1")], resource=(BROKER, ""))
        assert result.error_code == 0, result
        # Commits still work.
        assert await commit(client, "billing", {("orders", 0): 12}) == {("orders", 0): 0}
        await client.close()

    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None
        await broker.group_coordinator.wait_loaded(20)
        client = await WireClient.connect(broker.bootstrap_servers)
        fetched = await fetch_offsets_when_loaded(client, "billing")
        assert committed(fetched) == {("orders", 0): 12, ("orders", 1): 22}
        await client.close()


async def test_creating_an_internal_topic_with_destructive_configs_is_refused(
    client: WireClient,
) -> None:
    # The broker creates __consumer_offsets; __transaction_state is internal but absent here.
    name = "__transaction_state"
    CT = CreateTopicsRequest.CreatableTopic

    async def create(configs: dict[str, str]) -> Any:
        topic = CT(
            name=name,
            num_partitions=1,
            replication_factor=-1,
            configs=[CT.CreatableTopicConfig(name=k, value=v) for k, v in configs.items()],
        )
        response = await client.request(
            CreateTopicsRequest(topics=[topic], timeout_ms=5000, validate_only=True), 5
        )
        return response.topics[0]

    refused = await create({})  # the broker default cleanup.policy is delete
    assert refused.error_code == ErrorCode.POLICY_VIOLATION
    assert "Setting cleanup.policy=delete on internal topic __transaction_state" in (
        refused.error_message
    )
    assert (await create({"cleanup.policy": "compact"})).error_code == 0


def test_the_rules_and_their_floors() -> None:
    rules = dict(replication_factor=1, min_retention_ms=604_800_000)
    ok = {
        "cleanup.policy": "compact",
        "retention.ms": "1",  # moot without delete
        "max.message.bytes": str(MIN_INTERNAL_MAX_MESSAGE_BYTES),
        "segment.bytes": str(MIN_INTERNAL_MAX_MESSAGE_BYTES),
        "min.insync.replicas": "1",
    }
    assert internal_topic_violations(ok, **rules) == {}
    both = {**ok, "cleanup.policy": "compact,delete", "retention.ms": "604800000"}
    assert internal_topic_violations(both, **rules) == {}
    forever = {**both, "retention.ms": "-1", "retention.bytes": "-1"}
    assert internal_topic_violations(forever, **rules) == {}
    low = {
        **both,
        "retention.ms": "604799999",
        "retention.bytes": str(MIN_INTERNAL_RETENTION_BYTES - 1),
    }
    assert set(internal_topic_violations(low, **rules)) == {
        "retention.ms",
        "retention.bytes",
    }
    # Values that are not numbers are left to the controller's INVALID_CONFIG.
    assert internal_topic_violations({**ok, "max.message.bytes": "x"}, **rules) == {}
