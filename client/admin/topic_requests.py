"""Topic and record requests of ``Admin``: CreateTopics, DeleteTopics, CreatePartitions,
DeleteRecords, ElectLeaders built from the caller's arguments, and their answers read (errors
raised as typed ``KafkaError``s, descriptions built from Metadata)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from client.admin.types import ElectionResult, NewTopic, PartitionDescription, TopicDescription
from client.errors import error_from_code
from client.offsets import EARLIEST, LATEST, ListedOffset
from client.types import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import (
    CreatePartitionsRequest,
    CreateTopicsRequest,
    DeleteRecordsRequest,
    ElectLeadersRequest,
)

__all__ = [
    "ELECTION_TYPES",
    "check_create_partitions",
    "check_create_topics",
    "check_delete_topics",
    "create_partitions_request",
    "create_topics_request",
    "delete_records_requests",
    "elect_leaders_request",
    "election_results",
    "election_type_code",
    "low_watermarks",
    "offset_spec",
    "topic_descriptions",
    "with_log_offsets",
]


def create_topics_request(
    topics: Iterable[NewTopic], *, timeout_ms: int, validate_only: bool
) -> CreateTopicsRequest | None:
    """The CreateTopics request for ``topics`` (None when there are none)."""
    creatable = []
    for t in topics:
        assignments = [
            CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment(
                partition_index=p, broker_ids=list(ids)
            )
            for p, ids in sorted((t.replica_assignment or {}).items())
        ]
        creatable.append(
            CreateTopicsRequest.CreatableTopic(
                name=t.name,
                num_partitions=-1 if assignments else t.num_partitions,
                replication_factor=-1 if assignments else t.replication_factor,
                assignments=assignments,
                configs=[
                    CreateTopicsRequest.CreatableTopic.CreatableTopicConfig(name=k, value=v)
                    for k, v in t.configs.items()
                ],
            )
        )
    if not creatable:
        return None
    return CreateTopicsRequest(topics=creatable, timeout_ms=timeout_ms, validate_only=validate_only)


def check_create_topics(response: Any, *, if_not_exists: bool) -> None:
    """Raise the first failure of a CreateTopics answer."""
    for result in response.topics:
        if result.error_code == ErrorCode.TOPIC_ALREADY_EXISTS and if_not_exists:
            continue
        if result.error_code:
            why = f": {result.error_message}" if result.error_message else ""
            raise error_from_code(result.error_code, f"topic {result.name!r}{why}")


def check_delete_topics(response: Any, *, if_exists: bool) -> None:
    """Raise the first failure of a DeleteTopics answer."""
    for result in response.responses:
        if result.error_code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION and if_exists:
            continue
        if result.error_code:
            raise error_from_code(result.error_code, f"topic {result.name!r}")


def topic_descriptions(response: Any, wanted: list[str] | None) -> dict[str, TopicDescription]:
    """The topics of a Metadata answer, partitions sorted; a topic's error is raised when
    topics were named (``wanted``), else the topic is left out."""
    out: dict[str, TopicDescription] = {}
    for t in response.topics:
        if t.error_code:
            if wanted is not None:
                raise error_from_code(t.error_code, f"topic {t.name!r}")
            continue
        out[t.name] = TopicDescription(
            t.name,
            [
                PartitionDescription(
                    p.partition_index,
                    p.leader_id,
                    p.leader_epoch,
                    tuple(p.replica_nodes),
                    tuple(p.isr_nodes),
                    tuple(p.offline_replicas or ()),
                )
                for p in sorted(t.partitions, key=lambda p: p.partition_index)
            ],
            bool(t.is_internal),
        )
    return out


def with_log_offsets(
    described: Mapping[str, TopicDescription],
    starts: Mapping[TopicPartition, ListedOffset],
    ends: Mapping[TopicPartition, ListedOffset],
) -> dict[str, TopicDescription]:
    """The descriptions with each partition's log start and end offsets filled in."""
    out: dict[str, TopicDescription] = {}
    for name, desc in described.items():
        parts = [
            PartitionDescription(
                p.partition,
                p.leader,
                p.leader_epoch,
                p.replicas,
                p.isr,
                p.offline_replicas,
                starts[TopicPartition(name, p.partition)].offset,
                ends[TopicPartition(name, p.partition)].offset,
            )
            for p in desc.partitions
        ]
        out[name] = TopicDescription(name, parts, desc.is_internal)
    return out


def create_partitions_request(
    new_totals: Mapping[str, int], *, timeout_ms: int, validate_only: bool
) -> CreatePartitionsRequest:
    """The CreatePartitions request growing each topic to its new partition count."""
    return CreatePartitionsRequest(
        topics=[
            CreatePartitionsRequest.CreatePartitionsTopic(name=t, count=n, assignments=None)
            for t, n in new_totals.items()
        ],
        timeout_ms=timeout_ms,
        validate_only=validate_only,
    )


def check_create_partitions(response: Any) -> None:
    """Raise the first failure of a CreatePartitions answer."""
    for result in response.results:
        if result.error_code:
            why = f": {result.error_message}" if result.error_message else ""
            raise error_from_code(result.error_code, f"topic {result.name!r}{why}")


def delete_records_requests(
    before: Mapping[TopicPartition, int],
    leader_for: Callable[[TopicPartition], int | None],
    *,
    timeout_ms: int,
) -> dict[int, DeleteRecordsRequest]:
    """One DeleteRecords request per partition leader (``LEADER_NOT_AVAILABLE`` raised for a
    partition without one)."""
    by_leader: dict[int, dict[str, list[Any]]] = {}
    for tp, offset in before.items():
        leader = leader_for(tp)
        if leader is None:
            raise error_from_code(ErrorCode.LEADER_NOT_AVAILABLE, f"partition {tp}")
        by_leader.setdefault(leader, {}).setdefault(tp.topic, []).append(
            DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition(
                partition_index=tp.partition, offset=offset
            )
        )
    return {
        leader: DeleteRecordsRequest(
            topics=[
                DeleteRecordsRequest.DeleteRecordsTopic(name=t, partitions=p)
                for t, p in topics.items()
            ],
            timeout_ms=timeout_ms,
        )
        for leader, topics in by_leader.items()
    }


def low_watermarks(response: Any) -> dict[TopicPartition, int]:
    """Each partition's new log start offset from a DeleteRecords answer (the first failure
    raised)."""
    out: dict[TopicPartition, int] = {}
    for t in response.topics:
        for p in t.partitions:
            if p.error_code:
                raise error_from_code(p.error_code, f"{t.name}-{p.partition_index}")
            out[TopicPartition(t.name, p.partition_index)] = p.low_watermark
    return out


#: ElectLeaders' election types by name (Kafka's ``ElectionType``).
ELECTION_TYPES: Final = {"preferred": 0, "unclean": 1}


def election_type_code(name: str) -> int:
    """The wire value of an election type ("preferred" or "unclean")."""
    try:
        return ELECTION_TYPES[name]
    except (KeyError, TypeError):
        raise ValueError(f"an election type is 'preferred' or 'unclean', not {name!r}") from None


def elect_leaders_request(
    partitions: Iterable[TopicPartition] | None, election_type: int, *, timeout_ms: int
) -> ElectLeadersRequest:
    """The ElectLeaders request for these partitions (``None``: every partition), each
    named once."""
    topic_partitions = None
    if partitions is not None:
        by_topic: dict[str, list[int]] = {}
        for tp in dict.fromkeys(partitions):
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        topic_partitions = [
            ElectLeadersRequest.TopicPartitions(topic=t, partitions=p) for t, p in by_topic.items()
        ]
    return ElectLeadersRequest(
        election_type=election_type, topic_partitions=topic_partitions, timeout_ms=timeout_ms
    )


def election_results(response: Any) -> dict[TopicPartition, ElectionResult]:
    """Each partition's outcome from an ElectLeaders answer (a top-level error raised)."""
    if response.error_code:
        raise error_from_code(response.error_code, "electing leaders")
    out: dict[TopicPartition, ElectionResult] = {}
    for topic in response.replica_election_results:
        for p in topic.partition_result:
            try:
                code = ErrorCode(p.error_code)
                message = p.error_message
            except ValueError:
                code = ErrorCode.UNKNOWN_SERVER_ERROR
                why = f"unknown error code {p.error_code}"
                message = f"{p.error_message} ({why})" if p.error_message else why
            out[TopicPartition(topic.topic, p.partition_id)] = ElectionResult(code, message)
    return out


def offset_spec(spec: int | str) -> int:
    """An ``OffsetSpec`` ("earliest", "latest" or a timestamp in ms) as ListOffsets takes it."""
    if spec == "earliest":
        return EARLIEST
    if spec == "latest":
        return LATEST
    if isinstance(spec, int):
        return spec
    raise ValueError(f"an offset spec is 'earliest', 'latest' or a timestamp, not {spec!r}")
