"""DescribeProducers (v0): the producers a partition's leader remembers.

For each partition this broker leads: every producer id in its producer state with its epoch,
last sequence, the timestamp of its last batch, the epoch of the transaction coordinator whose
marker it saw last, and the first offset of its open transaction (-1 when none). This is what
``samsa transaction find-hanging`` and ``abort`` read, as Kafka's ``kafka-transactions.sh``
does. A partition this broker does not lead answers NOT_LEADER_OR_FOLLOWER; an unknown one
UNKNOWN_TOPIC_OR_PARTITION. With ACLs on, each topic needs READ (Kafka's rule; else
TOPIC_AUTHORIZATION_FAILED).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.handlers.recovery_wait import answer_once_opened
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import DescribeProducersRequest, DescribeProducersResponse

__all__ = ["HANDLERS", "error_response", "handle_describe_producers"]

_Topic = DescribeProducersResponse.TopicResponse
_Partition = DescribeProducersResponse.TopicResponse.PartitionResponse
_Producer = DescribeProducersResponse.TopicResponse.PartitionResponse.ProducerState


def handle_describe_producers(
    services: BrokerServices, ctx: RequestContext, request: DescribeProducersRequest
) -> DescribeProducersResponse | Awaitable[DescribeProducersResponse]:
    """Each requested partition's producers, from its leader's producer state. Partitions not
    opened yet (their logs may await recovery after an unclean stop) are opened first, as
    ListOffsets opens them, with the event loop serving others meanwhile."""
    authorizer = services.authorizer_for_image()
    wanted = [
        (t.name, index)
        for t in request.topics
        if authorizer is None
        or allows(authorizer, ctx, AclOperation.READ, ResourceType.TOPIC, t.name)
        for index in t.partition_indexes
    ]
    return answer_once_opened(services, wanted, lambda: _describe_producers(services, ctx, request))


def _describe_producers(
    services: BrokerServices, ctx: RequestContext, request: DescribeProducersRequest
) -> DescribeProducersResponse:
    replicas = services.replica_manager
    topics: list[_Topic] = []
    authorizer = services.authorizer_for_image()
    for topic in request.topics:
        results: list[_Partition] = []
        topics.append(_Topic(name=topic.name, partitions=results))
        if authorizer is not None and not allows(
            authorizer, ctx, AclOperation.READ, ResourceType.TOPIC, topic.name
        ):
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.extend(
                _Partition(partition_index=i, error_code=code) for i in topic.partition_indexes
            )
            continue
        for index in topic.partition_indexes:
            try:
                partition = replicas.get_partition(topic.name, index)
                entries = partition.producers_snapshot()
            except KafkaError as exc:
                results.append(
                    _Partition(
                        partition_index=index, error_code=exc.code, error_message=str(exc) or None
                    )
                )
                continue
            producers = [
                _Producer(
                    producer_id=e.producer_id,
                    producer_epoch=e.producer_epoch,
                    last_sequence=e.last_seq,
                    last_timestamp=e.batches[-1].timestamp_ms if e.batches else -1,
                    coordinator_epoch=e.coordinator_epoch,
                    current_txn_start_offset=e.current_txn_first_offset,
                )
                for e in entries
            ]
            results.append(
                _Partition(partition_index=index, error_code=0, active_producers=producers)
            )
    return DescribeProducersResponse(throttle_time_ms=0, topics=topics)


def error_response(
    request: DescribeProducersRequest, version: int, code: ErrorCode
) -> DescribeProducersResponse:
    """Every partition with the error."""
    return DescribeProducersResponse(
        throttle_time_ms=0,
        topics=[
            _Topic(
                name=t.name,
                partitions=[
                    _Partition(partition_index=i, error_code=code) for i in t.partition_indexes
                ],
            )
            for t in request.topics
        ],
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(DescribeProducersRequest, 0, 0, handle_describe_producers, error_response),
)
