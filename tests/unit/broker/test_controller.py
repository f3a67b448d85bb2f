"""The single-node controller: validation, commits, configs, producer-id blocks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import BrokerConfig, load_config
from broker.metadata.controller import (
    PRODUCER_ID_BLOCK_SIZE,
    AlterConfigOp,
    ConfigResourceChange,
    Controller,
    NewTopic,
    topic_name_error,
)
from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    MetadataImage,
)
from broker.metadata.raft_log import RaftMetadataLog
from broker.metadata.records import MetadataRecord
from broker.metadata.topic_configs import ConfigSource
from broker.raft.core import RaftConfig
from broker.raft.transport import NoPeers
from protocol.errors import ErrorCode, KafkaError


def _controller(**overrides: object) -> tuple[Controller, MemoryLog]:
    log = MemoryLog()
    config = load_config(None, {"log.dirs": "/nonexistent", **overrides})
    return Controller(log, MetadataImage.empty(), config), log


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("orders", True),
        ("a.b_c-D9", True),
        ("x" * 249, True),
        ("x" * 250, False),
        ("", False),
        (".", False),
        ("..", False),
        ("has space", False),
        ("ünïcode", False),
        ("slash/name", False),
    ],
)
def test_topic_name_rules(name: str, ok: bool) -> None:
    assert (topic_name_error(name) is None) is ok


async def test_create_topic_with_defaults() -> None:
    controller, log = _controller(**{"num.partitions": 3})
    [result] = await controller.create_topics([NewTopic("orders")])
    assert result.error == ErrorCode.NONE
    assert (result.num_partitions, result.replication_factor) == (3, 1)
    topic = controller.image.topic("orders")
    assert topic is not None and topic.topic_id == result.topic_id
    assert sorted(topic.partitions) == [0, 1, 2]
    p = topic.partitions[0]
    assert (p.leader, p.replicas, p.isr, p.leader_epoch) == (1, (1,), (1,), 0)
    assert len(log.batches) == 1


async def test_create_topic_errors() -> None:
    controller, _ = _controller()
    await controller.create_topics([NewTopic("exists")])
    results = await controller.create_topics(
        [
            NewTopic("exists"),
            NewTopic("bad name"),
            NewTopic("rf", replication_factor=3),
            NewTopic("zero", num_partitions=0),
            NewTopic("dup"),
            NewTopic("dup"),
            NewTopic("cfg", configs={"retention.ms": "soon"}),
            NewTopic("unknown-cfg", configs={"no.such.config": "1"}),
            NewTopic("exists_"),  # fine
            NewTopic("exists."),  # collides with exists_
            NewTopic("assign", assignments={0: [1], 1: [2]}),
            NewTopic("assign2", num_partitions=2, assignments={0: [1]}),
            NewTopic("fine", configs={"cleanup.policy": "compact"}),
        ]
    )
    codes = {r.name: r.error for r in results if r.name != "dup"}
    assert codes == {
        "exists": ErrorCode.TOPIC_ALREADY_EXISTS,
        "bad name": ErrorCode.INVALID_TOPIC_EXCEPTION,
        "rf": ErrorCode.INVALID_REPLICATION_FACTOR,
        "zero": ErrorCode.INVALID_PARTITIONS,
        "cfg": ErrorCode.INVALID_CONFIG,
        "unknown-cfg": ErrorCode.INVALID_CONFIG,
        "exists_": ErrorCode.NONE,
        "exists.": ErrorCode.INVALID_TOPIC_EXCEPTION,
        "assign": ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        "assign2": ErrorCode.INVALID_REQUEST,
        "fine": ErrorCode.NONE,
    }
    assert [r.error for r in results if r.name == "dup"] == [ErrorCode.INVALID_REQUEST] * 2
    assert controller.image.topic("fine") is not None
    assert dict(controller.image.config(TOPIC_RESOURCE, "fine")) == {"cleanup.policy": "compact"}


async def test_validate_only_commits_nothing() -> None:
    controller, log = _controller()
    [result] = await controller.create_topics([NewTopic("t", 4)], validate_only=True)
    assert result.error == ErrorCode.NONE and result.num_partitions == 4
    assert controller.image.topic("t") is None and not log.batches


async def test_manual_assignment() -> None:
    controller, _ = _controller()
    [result] = await controller.create_topics([NewTopic("t", assignments={0: [1], 1: [1]})])
    assert result.error == ErrorCode.NONE and result.num_partitions == 2


async def test_delete_topics() -> None:
    controller, _ = _controller()
    await controller.create_topics([NewTopic("a"), NewTopic("b")])
    results = await controller.delete_topics(["a", "missing"])
    assert [r.error for r in results] == [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]
    assert controller.image.topic("a") is None and controller.image.topic("b") is not None


async def test_create_partitions() -> None:
    controller, _ = _controller()
    await controller.create_topics([NewTopic("t", 2)])
    results = await controller.create_partitions([("t", 5, None), ("missing", 3, None)])
    assert [r.error for r in results] == [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]
    topic = controller.image.topic("t")
    assert topic is not None and topic.partition_count == 5
    [same] = await controller.create_partitions([("t", 5, None)])
    [fewer] = await controller.create_partitions([("t", 3, None)])
    [bad] = await controller.create_partitions([("t", 7, [[1]])])
    [wrong_broker] = await controller.create_partitions([("t", 6, [[4]])])
    assert same.error == fewer.error == ErrorCode.INVALID_PARTITIONS
    assert bad.error == wrong_broker.error == ErrorCode.INVALID_REPLICA_ASSIGNMENT
    [ok] = await controller.create_partitions([("t", 6, [[1]])], validate_only=True)
    assert ok.error == ErrorCode.NONE and controller.image.topic("t").partition_count == 5  # type: ignore[union-attr]


async def test_incremental_alter_topic_configs() -> None:
    controller, _ = _controller()
    await controller.create_topics([NewTopic("t")])
    change = ConfigResourceChange(
        TOPIC_RESOURCE,
        "t",
        [
            ("retention.ms", AlterConfigOp.SET, "1000"),
            ("cleanup.policy", AlterConfigOp.APPEND, "compact"),
        ],
    )
    [r] = await controller.alter_configs([change])
    assert r.error == ErrorCode.NONE
    assert dict(controller.image.config(TOPIC_RESOURCE, "t")) == {
        "retention.ms": "1000",
        "cleanup.policy": "compact,delete",
    }
    resolved = controller.topic_configs("t")
    assert resolved["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG
    [r] = await controller.alter_configs(
        [
            ConfigResourceChange(
                TOPIC_RESOURCE,
                "t",
                [
                    ("cleanup.policy", AlterConfigOp.SUBTRACT, "delete"),
                    ("retention.ms", AlterConfigOp.DELETE, None),
                ],
            )
        ]
    )
    assert r.error == ErrorCode.NONE
    assert dict(controller.image.config(TOPIC_RESOURCE, "t")) == {"cleanup.policy": "compact"}
    [bad] = await controller.alter_configs(
        [ConfigResourceChange(TOPIC_RESOURCE, "t", [("retention.ms", AlterConfigOp.APPEND, "1")])]
    )
    assert bad.error == ErrorCode.INVALID_CONFIG


async def test_legacy_alter_configs_replaces_the_set() -> None:
    controller, _ = _controller()
    await controller.create_topics(
        [NewTopic("t", configs={"retention.ms": "5", "segment.ms": "9"})]
    )
    [r] = await controller.alter_configs(
        [ConfigResourceChange(TOPIC_RESOURCE, "t", [("segment.ms", 0, "10")], replace=True)]
    )
    assert r.error == ErrorCode.NONE
    assert dict(controller.image.config(TOPIC_RESOURCE, "t")) == {"segment.ms": "10"}


async def test_broker_configs_only_dynamic_ones_change() -> None:
    controller, _ = _controller()
    [ok] = await controller.alter_configs(
        [ConfigResourceChange(BROKER_RESOURCE, "", [("log.retention.ms", 0, "1234")])]
    )
    assert ok.error == ErrorCode.NONE
    assert controller.topic_defaults()["retention.ms"].value == "1234"
    assert (
        controller.topic_defaults()["retention.ms"].source
        == ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
    )
    [ro] = await controller.alter_configs(
        [ConfigResourceChange(BROKER_RESOURCE, "1", [("node.id", 0, "7")])]
    )
    [other] = await controller.alter_configs(
        [ConfigResourceChange(BROKER_RESOURCE, "9", [("log.retention.ms", 0, "1")])]
    )
    [missing] = await controller.alter_configs(
        [ConfigResourceChange(TOPIC_RESOURCE, "nope", [("retention.ms", 0, "1")])]
    )
    assert ro.error == ErrorCode.INVALID_REQUEST
    assert other.error == ErrorCode.INVALID_REQUEST
    assert missing.error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION


async def test_producer_ids_never_repeat_across_restarts(tmp_path: Path) -> None:
    config = load_config(None, {"log.dirs": str(tmp_path)})
    seen: set[int] = set()
    for _ in range(3):
        log = RaftMetadataLog(
            tmp_path, RaftConfig(node_id=1, voters=frozenset({1})), NoPeers(), snapshot_bytes=1
        )
        controller = Controller(log, await log.catch_up(1.0), config)
        await log.start()
        for _ in range(PRODUCER_ID_BLOCK_SIZE + 3):
            pid = controller.try_allocate_producer_id()
            if pid is None:
                pid = await controller.allocate_producer_id()
            assert pid not in seen
            seen.add(pid)
        await log.close_async()
    assert len(seen) == 3 * (PRODUCER_ID_BLOCK_SIZE + 3)


def test_config_fixture_is_a_broker_config() -> None:
    assert isinstance(_controller()[0].config, BrokerConfig)


class GatedLog(MemoryLog):
    """A log whose appends wait for a gate (to cancel callers mid-commit)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        self.entered.set()
        await self.gate.wait()
        return await super().append(records)


async def test_a_cancelled_request_still_commits_consistently() -> None:
    log = GatedLog()
    controller = Controller(log, MetadataImage.empty(), load_config(None, {"log.dirs": "/x"}))
    caller = asyncio.create_task(controller.create_topics([NewTopic("t")]))
    await asyncio.wait_for(log.entered.wait(), 5)
    caller.cancel()
    log.gate.set()
    with contextlib.suppress(asyncio.CancelledError):
        await caller
    # The change completed behind the cancelled caller; the next one follows it.
    [r] = await asyncio.wait_for(controller.create_topics([NewTopic("u")]), 5)
    assert r.error == ErrorCode.NONE
    assert controller.image.topic("t") is not None and controller.image.topic("u") is not None
    assert [base for base, _ in log.batches] == [0, 2]
    await controller.close()
    with pytest.raises(KafkaError):
        await controller.create_topics([NewTopic("v")])
