"""Produce (key 0, advertised 0-8; served 3-8).

Versions 0-2 carry message formats v0/v1, which Samsa does not store: their partitions get
UNSUPPORTED_VERSION. The range still starts at 0 because librdkafka < 2.11.1 disables gzip,
snappy and lz4 when it does not (COMPAT quirk 3).

Every partition's batch is validated and appended synchronously, in request order, before the
handler returns (idempotent producers pipeline requests and rely on that order). Then:

* acks=1 waits until the leader's own log is durable past the append: under
  ``log.flush.policy=group`` once the flusher's fsync pass covers it (a per-partition watcher
  does it, whatever happens to the request) — the durability promise of the policy; under the
  other policies at once;
* acks=all waits until the high watermark passes the append: durable on the leader and in the
  log of every ISR member. If the ISR is smaller than ``min.insync.replicas`` before the append
  the partition gets NOT_ENOUGH_REPLICAS (nothing is written); if it shrank below while the
  produce waited, NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, maybe not replicated), as Kafka
  answers.

Every batch is validated record by record first (``protocol.records.validate``, Kafka's
rules): a refused batch appends nothing and its partition answers INVALID_RECORD or
CORRUPT_MESSAGE; from v8 on with ``error_message`` naming the first problem and, when it is
about records, ``record_errors`` (each refused record's index in the batch and why).

Internal topics (``__consumer_offsets``) are written only by the broker: produces to them get
INVALID_TOPIC_EXCEPTION, as from Kafka.

acks=all waits at most ``timeout_ms`` (REQUEST_TIMED_OUT after). acks=0 gets no response; if a
partition failed, the connection is closed instead, as Kafka does, so that the producer
notices.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from typing import Final, Protocol, TypeVar, cast

from broker.handlers.base import (
    CLOSE_CONNECTION,
    BrokerServices,
    Outcome,
    RequestContext,
    api_handler,
)
from broker.metadata.internal_topics import INTERNAL_TOPICS
from broker.replication.manager import DURABILITY_TIMEOUT_S
from broker.replication.partition import AppendResult, Partition
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import ProduceRequest, ProduceResponse
from protocol.records.validate import RecordError, RecordValidationError

__all__ = [
    "HANDLERS",
    "MIN_SERVED_VERSION",
    "AppendAnswer",
    "error_response",
    "handle_produce",
    "settle_appends",
]

log = logging.getLogger("samsa.produce")

#: The first Produce version served (record batches v2); older ones get UNSUPPORTED_VERSION.
MIN_SERVED_VERSION: Final = 3

_TopicResponse = ProduceResponse.TopicProduceResponse
_PartitionResponse = ProduceResponse.TopicProduceResponse.PartitionProduceResponse
_RecordError = _PartitionResponse.BatchIndexAndErrorMessage

#: Most a produce waits for acks=all: Kafka bounds it by the request's timeout_ms; this
#: bounds a silly timeout_ms too.
MAX_PRODUCE_TIMEOUT_MS: Final = 300_000

_VALID_ACKS: Final = (0, 1, -1)


def _failed(
    index: int,
    code: ErrorCode,
    message: str | None,
    version: int,
    record_errors: Sequence[RecordError] = (),
) -> _PartitionResponse:
    if version < 8:
        return _PartitionResponse(
            index=index, error_code=code, base_offset=-1, log_append_time_ms=-1, log_start_offset=-1
        )
    return _PartitionResponse(
        index=index,
        error_code=code,
        base_offset=-1,
        log_append_time_ms=-1,
        log_start_offset=-1,
        record_errors=[
            _RecordError(batch_index=e.batch_index, batch_index_error_message=e.message)
            for e in record_errors
        ],
        error_message=message,
    )


def handle_produce(
    services: BrokerServices, ctx: RequestContext, request: ProduceRequest
) -> Outcome | Awaitable[Outcome]:
    """Append every partition's batch, then answer (at once, or after the commit)."""
    version = ctx.version
    acks = request.acks
    if version < MIN_SERVED_VERSION:
        fixed: ErrorCode | None = ErrorCode.UNSUPPORTED_VERSION
        reason: str | None = "message formats v0 and v1 are not supported"
    elif acks not in _VALID_ACKS:
        fixed, reason = ErrorCode.INVALID_REQUIRED_ACKS, f"acks={acks} is not 0, 1 or -1"
    else:
        fixed, reason = None, None
    replicas = services.replica_manager
    now_ms = services.clock_ms()
    pending: list[tuple[_PartitionResponse, Partition, AppendResult]] = []
    responses: list[_TopicResponse] = []
    failed = False
    for topic in request.topic_data:
        partition_responses: list[_PartitionResponse] = []
        responses.append(_TopicResponse(name=topic.name, partition_responses=partition_responses))
        topic_fixed, topic_reason = fixed, reason
        if topic_fixed is None and topic.name in INTERNAL_TOPICS:
            # Only the broker writes internal topics (Kafka's answer to clients).
            topic_fixed = ErrorCode.INVALID_TOPIC_EXCEPTION
            topic_reason = f"Cannot append to internal topic {topic.name}"
        for data in topic.partition_data:
            if topic_fixed is not None:
                partition_responses.append(_failed(data.index, topic_fixed, topic_reason, version))
                failed = True
                continue
            try:
                partition = replicas.get_partition(topic.name, data.index)
                # Decoded requests carry records as memoryviews of the frame (never copied).
                records = cast(bytes | bytearray | memoryview | None, data.records)
                result = partition.append_records_as_leader(
                    records, required_acks=acks, now_ms=now_ms
                )
            except RecordValidationError as exc:
                partition_responses.append(
                    _failed(data.index, exc.code, exc.message, version, exc.record_errors)
                )
                failed = True
                continue
            except KafkaError as exc:
                partition_responses.append(_failed(data.index, exc.code, exc.message, version))
                failed = True
                continue
            except Exception:
                log.exception("produce to %s-%d failed unexpectedly", topic.name, data.index)
                partition_responses.append(
                    _failed(data.index, ErrorCode.UNKNOWN_SERVER_ERROR, None, version)
                )
                failed = True
                continue
            replicas.after_append(partition)
            response = _PartitionResponse(
                index=data.index,
                error_code=0,
                base_offset=result.base_offset,
                log_append_time_ms=result.log_append_time_ms,
                log_start_offset=partition.log.log_start_offset,
            )
            partition_responses.append(response)
            pending.append((response, partition, result))
    body = ProduceResponse(responses=responses, throttle_time_ms=0)
    if acks == 0:
        return CLOSE_CONNECTION if failed else None
    return settle_appends(services, body, pending, acks, request.timeout_ms)


class AppendAnswer(Protocol):
    """The fields of a partition's answer that settling an append may reset (Produce's and
    ConditionalProduce's partition responses both have them)."""

    error_code: int
    base_offset: int
    log_append_time_ms: int
    log_start_offset: int


_Body = TypeVar("_Body")


def settle_appends(
    services: BrokerServices,
    body: _Body,
    pending: Sequence[tuple[AppendAnswer, Partition, AppendResult]],
    acks: int,
    timeout_ms: int,
) -> _Body | Awaitable[_Body]:
    """The answer to appends made with ``acks`` 1 or -1: ``body`` at once when every append
    is settled already, else an awaitable that waits for them and then gives ``body``, each
    failed partition's answer reset to its error. Shared with ConditionalProduce."""
    if acks == -1:
        needs_wait = [p for p in pending if not _acks_all_done(p[1], p[2])]
        for response, partition, result in pending:
            if _acks_all_done(partition, result) and len(partition.isr) < (
                partition.min_insync_replicas
            ):
                _fail(response, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND)
    else:
        needs_wait = [p for p in pending if p[1].local_durable_end < p[2].next_offset]
    if not needs_wait:
        return body
    return _complete(services, body, needs_wait, acks, timeout_ms)


async def _complete(
    services: BrokerServices,
    body: _Body,
    pending: Sequence[tuple[AppendAnswer, Partition, AppendResult]],
    acks: int,
    timeout_ms: int,
) -> _Body:
    """Wait for the high watermark to pass each append: acks=all within the request's
    ``timeout_ms`` (Kafka's rule), acks=1 within the durability bound (group commit)."""
    if acks == -1:
        timeout_s = max(0, min(timeout_ms, MAX_PRODUCE_TIMEOUT_MS)) / 1000
    else:
        timeout_s = DURABILITY_TIMEOUT_S
    replicas = services.replica_manager
    for response, partition, result in pending:
        if acks == -1:
            code = await replicas.commit(partition, result.next_offset, timeout_s=timeout_s)
            if code == ErrorCode.NONE and len(partition.isr) < partition.min_insync_replicas:
                code = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
        else:
            code = await replicas.wait_local_durable(
                partition, result.next_offset, timeout_s=timeout_s
            )
        if code != ErrorCode.NONE:
            _fail(response, code)
    return body


def _acks_all_done(partition: Partition, result: AppendResult) -> bool:
    return partition.high_watermark >= result.next_offset


def _fail(response: AppendAnswer, code: ErrorCode) -> None:
    response.error_code = code
    response.base_offset = -1
    response.log_append_time_ms = -1
    response.log_start_offset = -1


def error_response(request: ProduceRequest, version: int, code: ErrorCode) -> ProduceResponse:
    """Every partition with the error."""
    return ProduceResponse(
        responses=[
            _TopicResponse(
                name=t.name,
                partition_responses=[
                    _failed(p.index, code, None, version) for p in t.partition_data
                ],
            )
            for t in request.topic_data
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (api_handler(ProduceRequest, 0, 8, handle_produce, error_response),)
