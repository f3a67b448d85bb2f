"""ListOffsets (v1-7) and OffsetForLeaderEpoch (v2-4).

ListOffsets: ``-2`` earliest (log start offset), ``-1`` latest (the high watermark; for
``isolation_level`` 1, read_committed, the last stable offset), ``-3`` (v7) the record with the
largest timestamp, any other value the first record with a timestamp at or after it. Lookups
never return offsets at or past the high watermark (the last stable offset for
read_committed), as Kafka; "not found" is offset -1.
v4+ carries the leader epoch of the offset returned and checks ``current_leader_epoch``.

OffsetForLeaderEpoch answers from the log's leader-epoch cache: the largest epoch ≤ the one
asked for and where it ends (the next epoch's start, or the log end offset for the latest).

With ACLs on, both need DESCRIBE on each topic (else its partitions answer
TOPIC_AUTHORIZATION_FAILED); OffsetForLeaderEpoch from a follower (``replica_id`` >= 0) needs
CLUSTER_ACTION on the Cluster instead (else CLUSTER_AUTHORIZATION_FAILED everywhere).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.handlers.recovery_wait import answer_once_opened
from broker.replication.partition import Partition
from broker.security.acl import Authorizer
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import (
    ListOffsetsRequest,
    ListOffsetsResponse,
    OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
)

__all__ = [
    "EARLIEST_TIMESTAMP",
    "HANDLERS",
    "LATEST_TIMESTAMP",
    "MAX_TIMESTAMP",
    "handle_list_offsets",
    "handle_offset_for_leader_epoch",
    "list_offsets_error",
    "offset_for_leader_epoch_error",
]

LATEST_TIMESTAMP: Final = -1
EARLIEST_TIMESTAMP: Final = -2
MAX_TIMESTAMP: Final = -3
_READ_COMMITTED: Final = 1

_LTopic = ListOffsetsResponse.ListOffsetsTopicResponse
_LPartition = ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse
_ETopic = OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult
_EPartition = OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset


def _epoch_of(partition: Partition, offset: int) -> int:
    epoch = partition.log.epoch_cache.epoch_for_offset(offset)
    return -1 if epoch is None else epoch


def _lookup(
    partition: Partition, timestamp: int, version: int, read_committed: bool
) -> tuple[int, int, int]:
    """``(timestamp, offset, leader epoch)`` for a ListOffsets target."""
    log_ = partition.log
    hw = partition.last_stable_offset if read_committed else partition.high_watermark
    if timestamp == LATEST_TIMESTAMP:
        return -1, hw, partition.leader_epoch
    if timestamp == EARLIEST_TIMESTAMP:
        start = log_.log_start_offset
        return -1, start, _epoch_of(partition, start)
    if timestamp == MAX_TIMESTAMP and version >= 7:
        largest = max((seg.max_timestamp for seg in log_.segments), default=-1)
        if largest < 0:
            return -1, -1, -1
        timestamp = largest
    found = log_.offset_for_timestamp(timestamp)
    if found is None or found.offset >= hw:
        return -1, -1, -1
    return found.timestamp, found.offset, _epoch_of(partition, found.offset)


def handle_list_offsets(
    services: BrokerServices, ctx: RequestContext, request: ListOffsetsRequest
) -> ListOffsetsResponse | Awaitable[ListOffsetsResponse]:
    """Resolve each partition's target timestamp to an offset. Partitions (of topics the
    principal may describe) not opened since the broker started are opened first, a slice at a
    time (``open_partitions``), so that a request naming thousands of them does not stall the
    other connections."""
    allowed, wanted = _describable(
        services.authorizer_for_image(),
        ctx,
        [(t.name, [p.partition_index for p in t.partitions]) for t in request.topics],
    )
    return answer_once_opened(
        services, wanted, lambda: _list_offsets(services, ctx, request, allowed)
    )


def _describable(
    authorizer: Authorizer | None, ctx: RequestContext, asked: list[tuple[str, list[int]]]
) -> tuple[list[bool], list[tuple[str, int]]]:
    """Per asked topic, whether the principal may describe it; and the (topic, partition)
    pairs of those it may."""
    allowed = [
        authorizer is None
        or allows(authorizer, ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name)
        for name, _ in asked
    ]
    wanted = [
        (name, p)
        for (name, partitions), ok in zip(asked, allowed, strict=True)
        if ok
        for p in partitions
    ]
    return allowed, wanted


def _list_offsets(
    services: BrokerServices, ctx: RequestContext, request: ListOffsetsRequest, allowed: list[bool]
) -> ListOffsetsResponse:
    replicas = services.replica_manager
    version = ctx.version
    read_committed = version >= 2 and request.isolation_level == _READ_COMMITTED
    topics: list[_LTopic] = []
    for topic, ok in zip(request.topics, allowed, strict=True):
        results: list[_LPartition] = []
        topics.append(_LTopic(name=topic.name, partitions=results))
        if not ok:
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.extend(
                _LPartition(partition_index=p.partition_index, error_code=code)
                for p in topic.partitions
            )
            continue
        for p in topic.partitions:
            try:
                partition = replicas.get_partition(topic.name, p.partition_index)
                if version >= 4:
                    partition.raise_for_leader_epoch(p.current_leader_epoch)
                ts, offset, epoch = _lookup(partition, p.timestamp, version, read_committed)
            except KafkaError as exc:
                results.append(_LPartition(partition_index=p.partition_index, error_code=exc.code))
                continue
            results.append(
                _LPartition(
                    partition_index=p.partition_index,
                    error_code=0,
                    timestamp=ts,
                    offset=offset,
                    leader_epoch=epoch,
                )
            )
    return ListOffsetsResponse(throttle_time_ms=0, topics=topics)


def list_offsets_error(
    request: ListOffsetsRequest, version: int, code: ErrorCode
) -> ListOffsetsResponse:
    """Every partition with the error."""
    return ListOffsetsResponse(
        topics=[
            _LTopic(
                name=t.name,
                partitions=[
                    _LPartition(partition_index=p.partition_index, error_code=code)
                    for p in t.partitions
                ],
            )
            for t in request.topics
        ]
    )


def handle_offset_for_leader_epoch(
    services: BrokerServices, ctx: RequestContext, request: OffsetForLeaderEpochRequest
) -> OffsetForLeaderEpochResponse | Awaitable[OffsetForLeaderEpochResponse]:
    """Where each asked-for leader epoch ends in the log. Followers ask it first thing after a
    restart: partitions not opened yet (their logs may await recovery after an unclean stop)
    are opened first, as ListOffsets opens them, with the event loop serving others meanwhile."""
    authorizer = services.authorizer_for_image()
    if authorizer is not None and ctx.version >= 3 and request.replica_id >= 0:
        if not allows(
            authorizer, ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME
        ):
            code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
            return offset_for_leader_epoch_error(request, ctx.version, code)
        authorizer = None  # a follower may describe every topic
    allowed, wanted = _describable(
        authorizer, ctx, [(t.topic, [p.partition for p in t.partitions]) for t in request.topics]
    )
    return answer_once_opened(
        services, wanted, lambda: _offset_for_leader_epoch(services, request, allowed)
    )


def _offset_for_leader_epoch(
    services: BrokerServices, request: OffsetForLeaderEpochRequest, allowed: list[bool]
) -> OffsetForLeaderEpochResponse:
    replicas = services.replica_manager
    topics: list[_ETopic] = []
    for topic, ok in zip(request.topics, allowed, strict=True):
        results: list[_EPartition] = []
        topics.append(_ETopic(topic=topic.topic, partitions=results))
        if not ok:
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.extend(
                _EPartition(error_code=code, partition=p.partition) for p in topic.partitions
            )
            continue
        for p in topic.partitions:
            try:
                partition = replicas.get_partition(topic.topic, p.partition)
                partition.raise_for_leader_epoch(p.current_leader_epoch)
            except KafkaError as exc:
                results.append(_EPartition(error_code=exc.code, partition=p.partition))
                continue
            log_ = partition.log
            epoch, end = log_.epoch_cache.end_offset_for(p.leader_epoch, log_.log_end_offset)
            results.append(
                _EPartition(error_code=0, partition=p.partition, leader_epoch=epoch, end_offset=end)
            )
    return OffsetForLeaderEpochResponse(throttle_time_ms=0, topics=topics)


def offset_for_leader_epoch_error(
    request: OffsetForLeaderEpochRequest, version: int, code: ErrorCode
) -> OffsetForLeaderEpochResponse:
    """Every partition with the error."""
    return OffsetForLeaderEpochResponse(
        topics=[
            _ETopic(
                topic=t.topic,
                partitions=[
                    _EPartition(error_code=code, partition=p.partition) for p in t.partitions
                ],
            )
            for t in request.topics
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(ListOffsetsRequest, 1, 7, handle_list_offsets, list_offsets_error),
    api_handler(
        OffsetForLeaderEpochRequest,
        2,
        4,
        handle_offset_for_leader_epoch,
        offset_for_leader_epoch_error,
    ),
)
