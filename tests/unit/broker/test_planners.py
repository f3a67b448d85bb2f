"""The controller's pure planners: image + request (+ rng, topic ids) in, results + records out."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

import pytest

from broker.config import BrokerConfig, load_config
from broker.metadata.config_planner import plan_alter_configs
from broker.metadata.controller_api import AlterConfigOp, ConfigResourceChange, NewTopic
from broker.metadata.image import BROKER_RESOURCE, TOPIC_RESOURCE, MetadataApplyError, MetadataImage
from broker.metadata.producer_ids import (
    PRODUCER_ID_BLOCK_SIZE,
    ProducerIdBlock,
    plan_producer_id_block,
)
from broker.metadata.publisher import ImagePublisher
from broker.metadata.records import (
    ConfigRecord,
    MetadataRecord,
    PartitionRecord,
    ProducerIdsRecord,
    RegisterBrokerRecord,
    RemoveTopicRecord,
    TopicRecord,
    UnfenceBrokerRecord,
)
from broker.metadata.topic_configs import ResolvedConfig
from broker.metadata.topic_planner import (
    MAX_CLUSTER_PARTITIONS,
    new_topic_id,
    plan_create_partitions,
    plan_create_topics,
    plan_delete_topics,
)
from protocol.errors import ErrorCode


def _config(**overrides: object) -> BrokerConfig:
    return load_config(None, {"log.dirs": "/nonexistent", **overrides})


def _cluster(brokers: tuple[int, ...] = (1, 2, 3)) -> MetadataImage:
    records: list[MetadataRecord] = []
    for b in brokers:
        records.append(RegisterBrokerRecord(b, f"inc-{b}", "127.0.0.1", 9000 + b))
        records.append(UnfenceBrokerRecord(b, len(records) - 1))
    return MetadataImage.empty().apply(0, records)


def _factory(*values: int) -> Callable[[], uuid.UUID]:
    """Topic ids ``values``, in order."""
    it = iter(uuid.UUID(int=v) for v in values)
    return lambda: next(it)


def _defaults(config: BrokerConfig, image: MetadataImage) -> dict[str, ResolvedConfig]:
    return ImagePublisher(image, config).topic_defaults()


# -- CreateTopics -------------------------------------------------------------------------------


def test_create_topics_records_are_the_plan() -> None:
    image, config = _cluster(), _config()
    results, records = plan_create_topics(
        image,
        [NewTopic("t", 3, 2, configs={"retention.ms": "5", "cleanup.policy": "compact"})],
        config,
        _defaults(config, image),
        rng=random.Random(7),
        topic_ids=_factory(42),
    )
    [result] = results
    tid = uuid.UUID(int=42)
    assert (result.error, result.topic_id, result.num_partitions, result.replication_factor) == (
        ErrorCode.NONE,
        tid,
        3,
        2,
    )
    assert result.configs is not None and result.configs["retention.ms"].value == "5"
    assert records[0] == TopicRecord("t", tid)
    partitions = [r for r in records if isinstance(r, PartitionRecord)]
    assert [p.partition_id for p in partitions] == [0, 1, 2]
    assert all(len(p.replicas) == 2 and p.isr == p.replicas for p in partitions)
    # Successive partitions' first replicas move one broker on (round-robin).
    firsts = [p.replicas[0] for p in partitions]
    assert len(set(firsts)) == 3
    configs = [r for r in records if isinstance(r, ConfigRecord)]
    assert [(c.name, c.value) for c in configs] == [
        ("cleanup.policy", "compact"),
        ("retention.ms", "5"),
    ]
    # The image is untouched: planning commits nothing.
    assert image.topic("t") is None


def test_create_topics_placement_start_comes_from_the_rng() -> None:
    image, config = _cluster(), _config()
    defaults = _defaults(config, image)
    starts = set()
    for seed in range(20):
        _, records = plan_create_topics(
            image,
            [NewTopic("t", 1, 1)],
            config,
            defaults,
            rng=random.Random(seed),
            topic_ids=uuid.uuid4,
        )
        [partition] = [r for r in records if isinstance(r, PartitionRecord)]
        starts.add(partition.replicas[0])
    assert starts == {1, 2, 3}
    # The same seed, the same plan.
    plans = [
        plan_create_topics(
            image,
            [NewTopic("t", 5, 2)],
            config,
            defaults,
            rng=random.Random(3),
            topic_ids=_factory(9),
        )[1]
        for _ in range(2)
    ]
    assert plans[0] == plans[1]


def test_create_topics_refusals() -> None:
    image, config = _cluster((1,)), _config()
    results, records = plan_create_topics(
        image,
        [
            NewTopic("a.b"),
            NewTopic("a_b"),  # collides with a.b, planned in the same request
            NewTopic("rf", replication_factor=2),
            NewTopic("huge", num_partitions=MAX_CLUSTER_PARTITIONS + 1),
            NewTopic("cfg", configs={"retention.ms": "soon"}),
        ],
        config,
        _defaults(config, image),
        rng=random.Random(0),
        topic_ids=uuid.uuid4,
    )
    assert [r.error for r in results] == [
        ErrorCode.NONE,
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        ErrorCode.INVALID_REPLICATION_FACTOR,
        ErrorCode.INVALID_PARTITIONS,
        ErrorCode.INVALID_CONFIG,
    ]
    assert [type(r) for r in records] == [TopicRecord, PartitionRecord]


def test_topic_ids_skip_reserved_taken_and_existing_ones() -> None:
    existing = uuid.UUID(int=5)
    image = MetadataImage.empty().apply(0, [TopicRecord("old", existing)])
    factory = _factory(0, 1, 5, 6, 7)
    assert new_topic_id(image, factory, {uuid.UUID(int=6)}) == uuid.UUID(int=7)
    # Two topics of one request never share an id, even from a repeating factory.
    config = _config()
    results, _ = plan_create_topics(
        MetadataImage.empty(),
        [NewTopic("x"), NewTopic("y")],
        config,
        _defaults(config, MetadataImage.empty()),
        rng=random.Random(0),
        topic_ids=_factory(8, 8, 9),
    )
    assert [r.topic_id for r in results] == [uuid.UUID(int=8), uuid.UUID(int=9)]


# -- DeleteTopics and CreatePartitions ----------------------------------------------------------


def _with_topic(image: MetadataImage, name: str, partitions: int, factor: int) -> MetadataImage:
    tid = uuid.UUID(int=100)
    records: list[MetadataRecord] = [TopicRecord(name, tid)]
    for p in range(partitions):
        replicas = tuple(range(1, factor + 1))
        records.append(PartitionRecord(tid, p, replicas, replicas, replicas[0]))
    return image.apply(image.offset + 1, records)


def test_delete_topics_plan() -> None:
    image = _with_topic(_cluster(), "t", 1, 1)
    results, records = plan_delete_topics(image, ["t", "missing", "t"])
    assert [r.error for r in results] == [
        ErrorCode.INVALID_REQUEST,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.INVALID_REQUEST,
    ]
    assert records == []
    results, records = plan_delete_topics(image, ["t"])
    assert results[0].error == ErrorCode.NONE
    assert records == [RemoveTopicRecord(uuid.UUID(int=100))]


def test_create_partitions_continue_the_round_robin_without_randomness() -> None:
    image = _with_topic(_cluster(), "t", 2, 2)
    results, records = plan_create_partitions(image, [("t", 5, None)], _config())
    assert results[0].error == ErrorCode.NONE
    partitions = [r for r in records if isinstance(r, PartitionRecord)]
    assert [p.partition_id for p in partitions] == [2, 3, 4]
    # Placement starts at the topic's current count: the same answer every time.
    assert plan_create_partitions(image, [("t", 5, None)], _config())[1] == records
    assert all(len(p.replicas) == 2 for p in partitions)
    results, records = plan_create_partitions(
        image, [("t", 3, [[1, 9]]), ("t", 4, None)], _config()
    )
    assert [r.error for r in results] == [ErrorCode.INVALID_REQUEST] * 2 and records == []
    [bad], none = plan_create_partitions(image, [("t", 3, [[1, 9]])], _config())
    assert bad.error == ErrorCode.INVALID_REPLICA_ASSIGNMENT and none == []


# -- configs ------------------------------------------------------------------------------------


def test_alter_configs_plan() -> None:
    image = _with_topic(_cluster(), "t", 1, 1)
    image = image.apply(image.offset + 1, [ConfigRecord(TOPIC_RESOURCE, "t", "segment.ms", "9")])
    config = _config()
    defaults = _defaults(config, image)
    results, records = plan_alter_configs(
        image,
        [
            ConfigResourceChange(
                TOPIC_RESOURCE,
                "t",
                [
                    ("retention.ms", AlterConfigOp.SET, "5"),
                    ("segment.ms", AlterConfigOp.DELETE, None),
                    ("cleanup.policy", AlterConfigOp.APPEND, "compact"),
                ],
            ),
            ConfigResourceChange(BROKER_RESOURCE, "7", [("log.retention.ms", 0, "1")]),
            ConfigResourceChange(BROKER_RESOURCE, "2", [("log.retention.ms", 0, "1")]),
            ConfigResourceChange(5, "x", []),
        ],
        config.node_id,
        defaults,
    )
    assert [r.error for r in results] == [
        ErrorCode.NONE,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.NONE,
        ErrorCode.INVALID_REQUEST,
    ]
    assert records == [
        ConfigRecord(TOPIC_RESOURCE, "t", "cleanup.policy", "compact,delete"),
        ConfigRecord(TOPIC_RESOURCE, "t", "retention.ms", "5"),
        ConfigRecord(TOPIC_RESOURCE, "t", "segment.ms", None),
        ConfigRecord(BROKER_RESOURCE, "2", "log.retention.ms", "1"),
    ]


# -- producer ids -------------------------------------------------------------------------------


def test_producer_id_blocks() -> None:
    image = MetadataImage.empty()
    start, end, record = plan_producer_id_block(image, 3)
    assert (start, end, record) == (0, PRODUCER_ID_BLOCK_SIZE, ProducerIdsRecord(3, end))
    image = image.apply(0, [record])
    assert plan_producer_id_block(image, 1)[:2] == (end, 2 * end)
    exhausted = image.apply(1, [ProducerIdsRecord(1, (1 << 63) - 10)])
    with pytest.raises(MetadataApplyError):
        plan_producer_id_block(exhausted, 1)


def test_producer_id_block_hands_out_each_id_once() -> None:
    block = ProducerIdBlock()
    assert block.used_up and block.take() is None
    block.assign(10, 12)
    assert [block.take(), block.take(), block.take()] == [10, 11, None]
    assert block.used_up
