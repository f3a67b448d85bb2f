"""ConditionalProduce (Samsa-private key 32000, v0): append only if nothing was appended since
the writer read (KIP-27's conditional publish, which Kafka never shipped).

Each partition carries ``expected_offset``; its batch is appended only when the partition's log
end offset equals it, otherwise the partition answers CONDITIONAL_APPEND_CONFLICT with the
current log end offset. The check runs on the partition's leader, inside the same synchronous
append as Produce's (``ReplicaManager.append``, then ``Partition.append_records_as_leader``):
no other append to the partition can come between the check and the write. Idempotence comes
first: a retried batch that was written already (same producer id, epoch and sequence) is
answered with its original offsets, never as a conflict.

Otherwise it behaves as Produce v8: one batch per partition, every record validated (a refused
batch answers INVALID_RECORD or CORRUPT_MESSAGE with ``error_message`` naming the first problem
and the record's index; the response has no ``record_errors``), internal topics refused,
acks=all waits for the high watermark within ``timeout_ms`` (one deadline for the whole
request), acks=1 for the durability of the flush policy. acks=0 is refused
(INVALID_REQUIRED_ACKS): a conflict must be answered. With ACLs on, each topic needs WRITE
(TOPIC_AUTHORIZATION_FAILED), as for Produce.

Advertised only to Samsa's client (see ``api_versions``), so stock clients never see it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final, cast

from broker.handlers.auth import allows
from broker.handlers.base import BrokerServices, Outcome, RequestContext, api_handler
from broker.handlers.produce import answer_when_acknowledged
from broker.handlers.recovery_wait import append_now_or_in_order
from broker.metadata.internal_topics import INTERNAL_TOPICS
from broker.replication.appends import AppendFailure
from broker.replication.partition import AppendResult
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import ConditionalProduceRequest, ConditionalProduceResponse

__all__ = ["HANDLERS", "error_response", "handle_conditional_produce"]

_TopicResponse = ConditionalProduceResponse.TopicProduceResponse
_PartitionResponse = ConditionalProduceResponse.TopicProduceResponse.PartitionProduceResponse

#: acks that can report a conflict (acks=0 gets no answer at all).
_VALID_ACKS: Final = (1, -1)


def _failed(
    index: int, code: ErrorCode, message: str | None, log_end_offset: int = -1
) -> _PartitionResponse:
    return _PartitionResponse(
        index=index,
        error_code=code,
        base_offset=-1,
        log_append_time_ms=-1,
        log_start_offset=-1,
        log_end_offset=log_end_offset,
        error_message=message,
    )


_PartitionData = ConditionalProduceRequest.TopicProduceData.PartitionProduceData


def _append(
    services: BrokerServices, topic: str, data: _PartitionData, acks: int, now_ms: int
) -> tuple[_PartitionResponse, AppendResult | None]:
    """One partition's conditional append: its response, and what to wait for."""
    # Decoded requests carry records as memoryviews of the frame (never copied).
    records = cast(bytes | bytearray | memoryview | None, data.records)
    result = services.replica_manager.append(
        topic,
        data.index,
        records,
        required_acks=acks,
        now_ms=now_ms,
        expected_offset=data.expected_offset,
    )
    if isinstance(result, AppendFailure):
        return _failed(data.index, result.code, result.message, result.log_end_offset), None
    response = _PartitionResponse(
        index=data.index,
        error_code=0,
        base_offset=result.base_offset,
        log_append_time_ms=result.log_append_time_ms,
        log_start_offset=result.log_start_offset,
        log_end_offset=result.partition.log.log_end_offset,
    )
    return response, result


def handle_conditional_produce(
    services: BrokerServices, ctx: RequestContext, request: ConditionalProduceRequest
) -> Outcome | Awaitable[Outcome]:
    """Check and append every partition's batch, then answer (at once, or after the commit)."""
    return append_now_or_in_order(
        services,
        request.topic_data,
        lambda: _append_all(services, ctx, request),
        lambda: error_response(request, ctx.version, ErrorCode.REQUEST_TIMED_OUT),
        request.timeout_ms,
    )


def _append_all(
    services: BrokerServices, ctx: RequestContext, request: ConditionalProduceRequest
) -> Outcome | Awaitable[Outcome]:
    acks = request.acks
    now_ms = services.clock_ms()
    answers: list[_PartitionResponse] = []
    appended: list[AppendResult] = []
    responses: list[_TopicResponse] = []
    authorizer = services.authorizer_for_image()
    for topic in request.topic_data:
        partition_responses: list[_PartitionResponse] = []
        responses.append(_TopicResponse(name=topic.name, partition_responses=partition_responses))
        fixed: tuple[ErrorCode, str] | None = None
        if acks not in _VALID_ACKS:
            reason = f"conditional appends need acks 1 or -1, not {acks}"
            fixed = (ErrorCode.INVALID_REQUIRED_ACKS, reason)
        elif authorizer is not None and not allows(
            authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC, topic.name
        ):
            fixed = (ErrorCode.TOPIC_AUTHORIZATION_FAILED, f"not authorized to write {topic.name}")
        elif topic.name in INTERNAL_TOPICS:
            reason = f"Cannot append to internal topic {topic.name}"
            fixed = (ErrorCode.INVALID_TOPIC_EXCEPTION, reason)
        for data in topic.partition_data:
            if fixed is not None:
                partition_responses.append(_failed(data.index, *fixed))
                continue
            response, result = _append(services, topic.name, data, acks, now_ms)
            partition_responses.append(response)
            if result is not None:
                answers.append(response)
                appended.append(result)
    body = ConditionalProduceResponse(responses=responses, throttle_time_ms=0)
    # The same waits and answers as Produce: acks=all until the high watermark passes the
    # append (min.insync.replicas checked again after), acks=1 until the leader's log is
    # durable; one deadline for the whole request.
    return answer_when_acknowledged(services, body, answers, appended, acks, request.timeout_ms)


def error_response(
    request: ConditionalProduceRequest, version: int, code: ErrorCode
) -> ConditionalProduceResponse:
    """Every partition with the error."""
    return ConditionalProduceResponse(
        responses=[
            _TopicResponse(
                name=t.name,
                partition_responses=[_failed(p.index, code, None) for p in t.partition_data],
            )
            for t in request.topic_data
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(ConditionalProduceRequest, 0, 0, handle_conditional_produce, error_response),
)
