"""Pure planners for topic changes: CreateTopics, CreatePartitions, DeleteTopics.

Each takes the current image and the request (with the broker's settings, and randomness as
arguments: an ``rng`` for where placement starts, a factory for topic ids) and returns one
result per requested item plus the records that make the change. No IO, no clock: the
controller commits the records (unless the request only validates).

Rules, as Kafka's controller applies them: legal and unique names (``.`` and ``_`` collide),
either counts or a manual assignment (consecutive partitions from 0, the same number of distinct
registered brokers each), at most ``MAX_CLUSTER_PARTITIONS`` partitions in the cluster,
topic configs validated against the broker's defaults; new replicas are placed by
``placement.assign_replicas`` over the active brokers.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Final

from broker.config import BrokerConfig
from broker.metadata.controller_api import (
    CreateTopicResult,
    NewTopic,
    OpResult,
    PartitionsRequest,
    Rejected,
    topic_name_error,
)
from broker.metadata.image import TOPIC_RESOURCE, BrokerRegistration, MetadataImage
from broker.metadata.placement import PlacementError, assign_replicas
from broker.metadata.records import (
    ConfigRecord,
    MetadataRecord,
    PartitionRecord,
    RemoveTopicRecord,
    TopicRecord,
)
from broker.metadata.topic_configs import (
    ResolvedConfig,
    resolve_topic_configs,
    validate_topic_overrides,
)
from protocol.errors import ErrorCode, KafkaError

__all__ = [
    "MAX_CLUSTER_PARTITIONS",
    "TopicIdFactory",
    "new_topic_id",
    "placeable_brokers",
    "plan_create_partitions",
    "plan_create_topics",
    "plan_delete_topics",
]

#: Partitions in the whole cluster. Each one costs descriptors and memory; past this the
#: controller refuses with INVALID_PARTITIONS instead of letting the broker fall over.
MAX_CLUSTER_PARTITIONS: Final = 100_000

#: Makes a candidate topic id (``uuid.uuid4`` in the broker).
TopicIdFactory = Callable[[], uuid.UUID]


def new_topic_id(
    image: MetadataImage, factory: TopicIdFactory, taken: Collection[uuid.UUID]
) -> uuid.UUID:
    """A fresh topic id from ``factory``: never the zero UUID or Kafka's reserved metadata
    topic id, never one the image or ``taken`` holds."""
    while True:
        candidate = factory()
        if candidate.int > 1 and candidate not in image.topics_by_id and candidate not in taken:
            return candidate


def _collision_key(name: str) -> str:
    return name.replace(".", "_")


def placeable_brokers(image: MetadataImage, config: BrokerConfig) -> list[BrokerRegistration]:
    """Brokers new replicas may go to: the active registered ones (this broker alone in a
    cluster of one that never registered)."""
    brokers = image.brokers
    if not brokers:
        return [BrokerRegistration(config.node_id, "", 0, config.broker_rack, False)]
    return [b for b in brokers.values() if b.active]


def _place(
    image: MetadataImage, config: BrokerConfig, count: int, factor: int, start: int
) -> list[tuple[int, ...]]:
    try:
        return assign_replicas(placeable_brokers(image, config), count, factor, start)
    except PlacementError as exc:
        raise Rejected(ErrorCode.INVALID_REPLICATION_FACTOR, str(exc)) from None


def _check_replicas(image: MetadataImage, node_id: int, replicas: Sequence[int]) -> None:
    if len(set(replicas)) != len(replicas):
        raise Rejected(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Duplicate brokers in a replica assignment"
        )
    if len(replicas) == 0:
        raise Rejected(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Empty replica assignment")
    known = set(image.brokers) or {node_id}
    unknown = [b for b in replicas if b not in known]
    if unknown:
        raise Rejected(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            f"The manual partition assignment includes broker {unknown[0]}, but no such "
            "broker is registered.",
        )


# -- CreateTopics ------------------------------------------------------------------------------


def plan_create_topics(
    image: MetadataImage,
    topics: Sequence[NewTopic],
    config: BrokerConfig,
    defaults: Mapping[str, ResolvedConfig],
    *,
    rng: random.Random,
    topic_ids: TopicIdFactory,
) -> tuple[list[CreateTopicResult], list[MetadataRecord]]:
    """One result per requested topic, in order, and the records creating the valid ones."""
    names = [t.name for t in topics]
    duplicates = {n for n in names if names.count(n) > 1}
    results: list[CreateTopicResult] = []
    records: list[MetadataRecord] = []
    planned: set[str] = set()
    planned_ids: set[uuid.UUID] = set()
    partitions_left = MAX_CLUSTER_PARTITIONS - image.partition_count
    for topic in topics:
        result = CreateTopicResult(topic.name)
        results.append(result)
        if topic.name in duplicates:
            result.error = ErrorCode.INVALID_REQUEST
            result.message = f"Duplicate topic {topic.name} in the request"
            continue
        try:
            count, factor = _check_topic(image, topic, config, planned, partitions_left)
            overrides = validate_topic_overrides(defaults, dict(topic.configs))
        except Rejected as rej:
            result.error = rej.code
            result.message = rej.message
            continue
        except KafkaError as exc:
            result.error = exc.code
            result.message = exc.message or str(exc)
            continue
        if topic.assignments:
            placed = [tuple(topic.assignments[p]) for p in range(count)]
        else:
            start = rng.randrange(max(1, len(placeable_brokers(image, config))))
            try:
                placed = _place(image, config, count, factor, start)
            except Rejected as rej:
                result.error = rej.code
                result.message = rej.message
                continue
        topic_id = new_topic_id(image, topic_ids, planned_ids)
        records.append(TopicRecord(topic.name, topic_id))
        for p, replicas in enumerate(placed):
            records.append(PartitionRecord(topic_id, p, replicas, replicas, replicas[0], 0, 0))
        for key, value in sorted(overrides.items()):
            records.append(ConfigRecord(TOPIC_RESOURCE, topic.name, key, value))
        partitions_left -= count
        planned.add(topic.name)
        planned_ids.add(topic_id)
        result.topic_id = topic_id
        result.num_partitions = count
        result.replication_factor = len(placed[0])
        result.configs = resolve_topic_configs(defaults, overrides)
    return results, records


def _check_topic(
    image: MetadataImage,
    topic: NewTopic,
    config: BrokerConfig,
    planned: Collection[str],
    partitions_left: int,
) -> tuple[int, int]:
    """The partition count and replication factor of a valid ``topic``; Rejected otherwise."""
    name = topic.name
    problem = topic_name_error(name)
    if problem is not None:
        raise Rejected(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
    if name in image.topics_by_name or name in planned:
        raise Rejected(ErrorCode.TOPIC_ALREADY_EXISTS, f"Topic '{name}' already exists.")
    key = _collision_key(name)
    for other in (*image.topics_by_name, *planned):
        if _collision_key(other) == key:
            raise Rejected(
                ErrorCode.INVALID_TOPIC_EXCEPTION,
                f"Topic '{name}' collides with existing topic: {other}",
            )
    if topic.assignments:
        if topic.num_partitions != -1 or topic.replication_factor != -1:
            raise Rejected(
                ErrorCode.INVALID_REQUEST,
                "Both numPartitions or replicationFactor and replicasAssignments were set. "
                "Both cannot be used at the same time.",
            )
        ids = sorted(topic.assignments)
        if ids != list(range(len(ids))):
            raise Rejected(
                ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                "Partitions should be consecutive and start at 0",
            )
        sizes = {len(r) for r in topic.assignments.values()}
        if len(sizes) != 1:
            raise Rejected(
                ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                "All partitions should have the same number of replicas",
            )
        for replicas in topic.assignments.values():
            _check_replicas(image, config.node_id, replicas)
        count = len(ids)
        factor = sizes.pop()
    else:
        count = topic.num_partitions
        if count == -1:
            count = config.num_partitions
        factor = topic.replication_factor
        if factor == -1:
            factor = config.default_replication_factor
        if count <= 0:
            raise Rejected(
                ErrorCode.INVALID_PARTITIONS, "Number of partitions must be larger than 0."
            )
        if factor <= 0:
            raise Rejected(
                ErrorCode.INVALID_REPLICATION_FACTOR,
                "Replication factor must be larger than 0.",
            )
        placeable = len(placeable_brokers(image, config))
        if factor > placeable:
            raise Rejected(
                ErrorCode.INVALID_REPLICATION_FACTOR,
                f"Unable to replicate the partition {factor} time(s): The target "
                f"replication factor of {factor} cannot be reached because only "
                f"{placeable} broker(s) are registered.",
            )
    if count > partitions_left:
        raise Rejected(
            ErrorCode.INVALID_PARTITIONS,
            f"Creating {count} partitions would exceed the cluster limit of "
            f"{MAX_CLUSTER_PARTITIONS} partitions",
        )
    return count, factor


# -- DeleteTopics ------------------------------------------------------------------------------


def plan_delete_topics(
    image: MetadataImage, names: Sequence[str]
) -> tuple[list[OpResult], list[MetadataRecord]]:
    """One result per name, in order, and the records removing the topics that exist."""
    results: list[OpResult] = []
    records: list[MetadataRecord] = []
    seen: set[str] = set()
    for name in names:
        result = OpResult(name)
        results.append(result)
        topic = image.topic(name)
        if names.count(name) > 1:
            result.error = ErrorCode.INVALID_REQUEST
            result.message = "Duplicate topic name in the request"
        elif topic is None:
            result.error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            result.message = "This server does not host this topic-partition."
        elif name not in seen:
            seen.add(name)
            records.append(RemoveTopicRecord(topic.topic_id))
    return results, records


# -- CreatePartitions --------------------------------------------------------------------------


def plan_create_partitions(
    image: MetadataImage, requests: Sequence[PartitionsRequest], config: BrokerConfig
) -> tuple[list[OpResult], list[MetadataRecord]]:
    """One result per request, in order, and the records adding the valid partitions. New
    replicas without an assignment continue the topic's round-robin (no randomness)."""
    results: list[OpResult] = []
    records: list[MetadataRecord] = []
    names = [r[0] for r in requests]
    partitions_left = MAX_CLUSTER_PARTITIONS - image.partition_count
    for name, count, assignments in requests:
        result = OpResult(name)
        results.append(result)
        try:
            if names.count(name) > 1:
                raise Rejected(ErrorCode.INVALID_REQUEST, "Duplicate topic in the request")
            topic = image.topic(name)
            if topic is None:
                raise Rejected(
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    f"The topic '{name}' does not exist.",
                )
            current = topic.partition_count
            if count < current:
                raise Rejected(
                    ErrorCode.INVALID_PARTITIONS,
                    f"Topic currently has {current} partitions, which is higher than "
                    f"the requested {count}.",
                )
            if count == current:
                raise Rejected(
                    ErrorCode.INVALID_PARTITIONS, f"Topic already has {current} partitions."
                )
            added = count - current
            if added > partitions_left:
                raise Rejected(
                    ErrorCode.INVALID_PARTITIONS,
                    f"Adding {added} partitions would exceed the cluster limit of "
                    f"{MAX_CLUSTER_PARTITIONS} partitions",
                )
            factor = len(next(iter(topic.partitions.values())).replicas)
            if assignments is not None:
                if len(assignments) != added:
                    raise Rejected(
                        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                        f"Attempted to add {added} additional partition(s), but only "
                        f"{len(assignments)} assignment(s) were specified.",
                    )
                for replicas in assignments:
                    _check_replicas(image, config.node_id, replicas)
                    if len(replicas) != factor:
                        raise Rejected(
                            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                            f"The manual partition assignment includes a partition "
                            f"with {len(replicas)} replica(s), but this is not "
                            f"consistent with previous partitions, which have "
                            f"{factor} replica(s).",
                        )
                placed = [tuple(r) for r in assignments]
            else:
                placed = _place(image, config, added, factor, start=current)
        except Rejected as rej:
            result.error = rej.code
            result.message = rej.message
            continue
        partitions_left -= added
        for p, replicas in zip(range(current, count), placed, strict=True):
            records.append(
                PartitionRecord(topic.topic_id, p, replicas, replicas, replicas[0], 0, 0)
            )
    return results, records
