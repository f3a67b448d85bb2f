"""Produce (key 0, advertised 0-8; served 3-8).

Versions 0-2 carry message formats v0/v1, which Samsa does not store: their partitions get
UNSUPPORTED_VERSION. The range still starts at 0 because librdkafka < 2.11.1 disables gzip,
snappy and lz4 when it does not (COMPAT quirk 3).

Every partition's batch is validated and appended synchronously, in request order, before the
handler returns (idempotent producers pipeline requests and rely on that order), each through
``ReplicaManager.append`` (which maps every failure to the partition's error code). Then the
request waits for all its appends at once (``ReplicaManager.acknowledge``):

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

With ACLs on, Kafka's checks come first: a transactional id needs WRITE on it (else every
partition answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer (batches with a
producer id, no transactional id) needs IDEMPOTENT_WRITE on the Cluster or WRITE on some topic
(else CLUSTER_AUTHORIZATION_FAILED); each topic needs WRITE (else its partitions answer
TOPIC_AUTHORIZATION_FAILED). Checked once per request and per topic, never per partition.

Transactional batches (KIP-890): when ``transaction.partition.verification.enable`` is on and the
batch's producer has no open transaction in the partition yet, the transaction coordinator is
asked first whether the partition was added to the producer's transaction; if not (a late or
hanging write), the partition answers INVALID_TXN_STATE and nothing is appended. While the
coordinator loads or is unavailable the partition answers NOT_ENOUGH_REPLICAS (retriable), as
Kafka does. A coordinator on this broker answers at once (nothing is written), so the append
keeps its place in request order; a coordinator on another broker is asked with
AddPartitionsToTxn v4 (``verify_only``) and the batch is appended when it answers, as Kafka
does (a later batch of the same producer that overtakes it fails its sequence check and is
retried). Without v4 (``REMOTE_VERIFICATION``) such batches are appended unverified.

A request naming a partition paused by fault injection (``ReplicaManager.pause_partition``)
waits before anything is appended, in arrival order, at most its ``timeout_ms``; past it every
partition answers REQUEST_TIMED_OUT (``broker/replication/pauses.py``). The check costs one
attribute read while nothing is paused.

acks=all waits at most ``timeout_ms``, one deadline for the whole request as in Kafka (the
partitions wait together, not one after another); the partitions not acknowledged by then get
REQUEST_TIMED_OUT. acks=0 gets no response; if a partition failed, the connection is closed
instead, as Kafka does, so that the producer notices.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar, cast

from broker.handlers.auth import CLUSTER_NAME, allows, allows_any
from broker.handlers.base import (
    CLOSE_CONNECTION,
    BrokerServices,
    Outcome,
    RequestContext,
    api_handler,
)
from broker.handlers.recovery_wait import append_now_or_in_order
from broker.metadata.internal_topics import INTERNAL_TOPICS
from broker.replication.appends import Acknowledgement, AppendFailure
from broker.replication.partition import AppendResult
from broker.security.acl import Authorizer
from broker.txn.driver import VERIFY_VERSION
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import AddPartitionsToTxnRequest, ProduceRequest, ProduceResponse
from protocol.records.header import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    CONTROL_FLAG,
    PRODUCER_ID_OFFSET,
    TRANSACTIONAL_FLAG,
)
from protocol.records.validate import RecordError
from protocol.types import TopicPartition

__all__ = [
    "HANDLERS",
    "MIN_SERVED_VERSION",
    "AppendAnswer",
    "answer_when_acknowledged",
    "error_response",
    "handle_produce",
]

#: The first Produce version served (record batches v2); older ones get UNSUPPORTED_VERSION.
MIN_SERVED_VERSION: Final = 3

_TopicResponse = ProduceResponse.TopicProduceResponse
_PartitionResponse = ProduceResponse.TopicProduceResponse.PartitionProduceResponse
_RecordError = _PartitionResponse.BatchIndexAndErrorMessage

_VALID_ACKS: Final = (0, 1, -1)

#: Whether brokers can ask each other (AddPartitionsToTxn v4, verify_only): without it a batch
#: whose transaction coordinator is another broker is appended unverified.
REMOTE_VERIFICATION: Final = AddPartitionsToTxnRequest.MAX_VERSION >= VERIFY_VERSION
_NOT_IN_TXN: Final = "the partition is not part of the producer's transaction"

_ATTRIBUTES: Final = struct.Struct(">h")
_NO_TRANSACTIONAL_ID: Final = "a transactional batch needs the request's transactional id"
_PRODUCER: Final = struct.Struct(">qh")  # producer id, producer epoch
#: Coordinator answers that mean "ask again" (a retriable error for the producer: Kafka maps
#: them to NOT_ENOUGH_REPLICAS, which every client retries).
_COORDINATOR_BUSY: Final = frozenset(
    {
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.CONCURRENT_TRANSACTIONS,
    }
)


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
    """Append every partition's batch, then answer (at once, or once acknowledged). A
    request naming a paused partition (fault injection) waits first, at most ``timeout_ms``
    (``ProducePauses``)."""
    pauses = services.replica_manager.pauses
    if pauses.active:
        partitions = frozenset(
            TopicPartition(t.name, d.index) for t in request.topic_data for d in t.partition_data
        )
        if pauses.blocks(partitions):
            return _after_pause(services, ctx, request, partitions)
    return append_now_or_in_order(
        services,
        request.topic_data,
        lambda: _append_all(services, ctx, request),
        lambda: _timed_out(request, ctx.version),
        request.timeout_ms,
    )


def _timed_out(request: ProduceRequest, version: int) -> Outcome:
    """The answer to a produce whose wait (a pause, a recovery) outlasted its timeout."""
    if request.acks == 0:
        return CLOSE_CONNECTION
    return error_response(request, version, ErrorCode.REQUEST_TIMED_OUT)


async def _after_pause(
    services: BrokerServices,
    ctx: RequestContext,
    request: ProduceRequest,
    partitions: frozenset[TopicPartition],
) -> Outcome:
    """The request once its paused partitions resumed; REQUEST_TIMED_OUT past its timeout."""
    if not await services.replica_manager.pauses.wait(partitions, request.timeout_ms):
        return _timed_out(request, ctx.version)
    answer = _append_all(services, ctx, request)  # at once: the appends keep their order
    if isinstance(answer, Awaitable):
        return await answer
    return answer


def _append_all(
    services: BrokerServices, ctx: RequestContext, request: ProduceRequest
) -> Outcome | Awaitable[Outcome]:
    version = ctx.version
    acks = request.acks
    if version < MIN_SERVED_VERSION:
        fixed: ErrorCode | None = ErrorCode.UNSUPPORTED_VERSION
        reason: str | None = "message formats v0 and v1 are not supported"
    elif acks not in _VALID_ACKS:
        fixed, reason = ErrorCode.INVALID_REQUIRED_ACKS, f"acks={acks} is not 0, 1 or -1"
    else:
        fixed, reason = None, None
    authorizer = services.authorizer_for_image()
    if fixed is None and authorizer is not None:
        fixed, reason = _request_refusal(authorizer, ctx, request)
    replicas = services.replica_manager
    now_ms = services.clock_ms()
    verify = services.config.transaction_partition_verification_enable
    answers: list[_PartitionResponse] = []
    appended: list[AppendResult] = []
    responses: list[_TopicResponse] = []
    deferred: list[tuple[_PartitionResponse, str, bytes, RemoteCheck]] = []
    failed = False
    traffic = services.traffic
    produce_requests = traffic.produce_requests
    for topic in request.topic_data:
        produce_requests[topic.name] = produce_requests.get(topic.name, 0) + 1
        partition_responses: list[_PartitionResponse] = []
        responses.append(_TopicResponse(name=topic.name, partition_responses=partition_responses))
        topic_fixed, topic_reason = fixed, reason
        if (
            topic_fixed is None
            and authorizer is not None
            and not allows(authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC, topic.name)
        ):
            topic_fixed, topic_reason = ErrorCode.TOPIC_AUTHORIZATION_FAILED, None
        if topic_fixed is None and topic.name in INTERNAL_TOPICS:
            # Only the broker writes internal topics (Kafka's answer to clients).
            topic_fixed = ErrorCode.INVALID_TOPIC_EXCEPTION
            topic_reason = f"Cannot append to internal topic {topic.name}"
        for data in topic.partition_data:
            if topic_fixed is not None:
                partition_responses.append(_failed(data.index, topic_fixed, topic_reason, version))
                failed = True
                continue
            # Decoded requests carry records as memoryviews of the frame (never copied).
            records = cast(bytes | bytearray | memoryview | None, data.records)
            if request.transactional_id is None and _is_transactional(records):
                # Kafka's answer: the id is what is authorised to write in a transaction.
                code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                partition_responses.append(_failed(data.index, code, _NO_TRANSACTIONAL_ID, version))
                failed = True
                continue
            if request.transactional_id is not None and verify:
                refused = txn_verification_error(
                    services, request.transactional_id, topic.name, data.index, records
                )
                if isinstance(refused, RemoteCheck):
                    if acks != 0:  # (transactional producers use acks=all)
                        # Appended once the coordinator answers: a copy, the frame goes.
                        held = _PartitionResponse(
                            index=data.index,
                            error_code=0,
                            base_offset=-1,
                            log_append_time_ms=-1,
                            log_start_offset=-1,
                        )
                        partition_responses.append(held)
                        deferred.append((held, topic.name, bytes(records or b""), refused))
                        continue
                    refused = None
                if refused is not None:
                    partition_responses.append(_failed(data.index, refused, _NOT_IN_TXN, version))
                    failed = True
                    continue
            result = replicas.append(
                topic.name, data.index, records, required_acks=acks, now_ms=now_ms
            )
            if isinstance(result, AppendFailure):
                partition_responses.append(
                    _failed(data.index, result.code, result.message, version, result.record_errors)
                )
                failed = True
                continue
            response = _PartitionResponse(
                index=data.index,
                error_code=0,
                base_offset=result.base_offset,
                log_append_time_ms=result.log_append_time_ms,
                log_start_offset=result.log_start_offset,
            )
            partition_responses.append(response)
            answers.append(response)
            appended.append(result)
            if not result.duplicate and records is not None:
                traffic.produced(topic.name, len(records), result.next_offset - result.base_offset)
    body = ProduceResponse(responses=responses, throttle_time_ms=0)
    if acks == 0:
        return CLOSE_CONNECTION if failed else None
    if deferred:
        return _verify_then_append(
            services, body, answers, appended, deferred, acks, request.timeout_ms, version
        )
    return answer_when_acknowledged(services, body, answers, appended, acks, request.timeout_ms)


def _request_refusal(
    authorizer: Authorizer, ctx: RequestContext, request: ProduceRequest
) -> tuple[ErrorCode | None, str | None]:
    """Kafka's whole-request checks: a transactional id needs WRITE on it; an idempotent
    producer (batches with a producer id, no transactional id) needs IDEMPOTENT_WRITE on the
    Cluster or WRITE on some topic."""
    txn_id = request.transactional_id
    if txn_id is not None:
        if allows(authorizer, ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, txn_id):
            return None, None
        return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, None
    if not any(
        producer_id(cast(bytes | bytearray | memoryview | None, data.records)) >= 0
        for topic in request.topic_data
        for data in topic.partition_data
    ):
        return None, None
    if allows(
        authorizer, ctx, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME
    ) or allows_any(authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC):
        return None, None
    return ErrorCode.CLUSTER_AUTHORIZATION_FAILED, None


def producer_id(records: bytes | bytearray | memoryview | None) -> int:
    """The producer id of the (first) batch; -1 when it has none (or no whole header)."""
    if records is None or len(records) < BATCH_HEADER_SIZE:
        return -1
    [pid, _epoch] = _PRODUCER.unpack_from(records, PRODUCER_ID_OFFSET)
    return int(pid)


async def _verify_then_append(
    services: BrokerServices,
    body: ProduceResponse,
    answers: list[_PartitionResponse],
    appended: list[AppendResult],
    deferred: list[tuple[_PartitionResponse, str, bytes, RemoteCheck]],
    acks: int,
    timeout_ms: int,
    version: int,
) -> ProduceResponse:
    """The partitions whose transaction coordinator is another broker: each is appended once
    the coordinator confirms it is part of the producer's transaction (KIP-890), then the
    whole request is acknowledged as usual."""
    tc = services.txn_coordinator
    assert tc is not None
    verdicts = await asyncio.gather(
        *(
            tc.verify_remotely(c.transactional_id, c.producer_id, c.producer_epoch, c.tp)
            for _, _, _, c in deferred
        )
    )
    replicas = services.replica_manager
    now_ms = services.clock_ms()
    for (held, topic, records, _), verdict in zip(deferred, verdicts, strict=True):
        if verdict is not ErrorCode.NONE:
            code = (
                ErrorCode.NOT_ENOUGH_REPLICAS
                if verdict in _COORDINATOR_BUSY
                else ErrorCode.INVALID_TXN_STATE
            )
            _hold_failed(held, code, _NOT_IN_TXN, version)
            continue
        result = replicas.append(topic, held.index, records, required_acks=acks, now_ms=now_ms)
        if isinstance(result, AppendFailure):
            _hold_failed(held, result.code, result.message, version)
            continue
        held.base_offset = result.base_offset
        held.log_append_time_ms = result.log_append_time_ms
        held.log_start_offset = result.log_start_offset
        answers.append(held)
        appended.append(result)
        if not result.duplicate:
            services.traffic.produced(topic, len(records), result.next_offset - result.base_offset)
    answer = answer_when_acknowledged(services, body, answers, appended, acks, timeout_ms)
    if isinstance(answer, ProduceResponse):
        return answer
    return await answer


def _hold_failed(
    held: _PartitionResponse, code: ErrorCode, message: str | None, version: int
) -> None:
    held.error_code = code
    if version >= 8:
        held.error_message = message


@dataclass(frozen=True, slots=True)
class RemoteCheck:
    """A transactional batch to verify with its coordinator on another broker first."""

    transactional_id: str
    producer_id: int
    producer_epoch: int
    tp: TopicPartition


def _is_transactional(records: bytes | bytearray | memoryview | None) -> bool:
    """Whether the (first) batch says it holds a transaction's records (a control batch is
    refused by the append's validation, with a clearer answer)."""
    if records is None or len(records) < BATCH_HEADER_SIZE:
        return False
    [attributes] = _ATTRIBUTES.unpack_from(records, ATTRIBUTES_OFFSET)
    return bool(attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG) == TRANSACTIONAL_FLAG)


def txn_verification_error(
    services: BrokerServices,
    transactional_id: str,
    topic: str,
    partition: int,
    records: bytes | bytearray | memoryview | None,
) -> ErrorCode | RemoteCheck | None:
    """KIP-890's check of a transactional batch before its append: None to append it, the
    partition's error (INVALID_TXN_STATE: not part of the producer's transaction;
    NOT_ENOUGH_REPLICAS: ask again), or a ``RemoteCheck`` when the coordinator is another
    broker (``REMOTE_VERIFICATION``; without it such batches pass). Batches that are not
    transactional and producers with an open transaction in the partition pass."""
    if records is None or not _is_transactional(records):
        return None  # not transactional, or the append refuses it
    view = memoryview(records)
    producer_id, producer_epoch = _PRODUCER.unpack_from(view, PRODUCER_ID_OFFSET)
    tc = services.txn_coordinator
    if tc is None:
        return None
    try:
        part = services.replica_manager.get_partition(topic, partition)
    except KafkaError:
        return None  # the append answers the partition's error
    if not part.needs_txn_verification(producer_id):
        return None
    tp = TopicPartition(topic, partition)
    code = tc.verify_locally(transactional_id, producer_id, producer_epoch, tp)
    if code is None:  # coordinated by another broker
        if REMOTE_VERIFICATION:
            return RemoteCheck(transactional_id, producer_id, producer_epoch, tp)
        return None
    if code is ErrorCode.NONE:
        return None
    if code in _COORDINATOR_BUSY:
        return ErrorCode.NOT_ENOUGH_REPLICAS
    return ErrorCode.INVALID_TXN_STATE


class AppendAnswer(Protocol):
    """The fields of a partition's answer that acknowledging an append may reset (Produce's
    and ConditionalProduce's partition responses both have them)."""

    error_code: int
    base_offset: int
    log_append_time_ms: int
    log_start_offset: int


_Body = TypeVar("_Body")


def answer_when_acknowledged(
    services: BrokerServices,
    body: _Body,
    answers: Sequence[AppendAnswer],
    appended: Sequence[AppendResult],
    acks: int,
    timeout_ms: int,
) -> _Body | Awaitable[_Body]:
    """The answer to appends made with ``acks`` 1 or -1 (``answers[i]`` answers for
    ``appended[i]``): ``body`` at once when every append is settled already, else an awaitable
    that waits for them all, within one deadline (``ReplicaManager.acknowledge``), and then
    gives ``body``; each failed partition's answer is reset to its error. Shared with
    ConditionalProduce."""
    waiting = services.replica_manager.acknowledge(appended, acks, timeout_ms)
    if waiting is None:  # all acknowledged already
        return body
    if waiting.done():  # all settled already, some failed
        _reset_failed(answers, appended)
        return body
    return _answer_once_acknowledged(waiting, body, answers, appended)


async def _answer_once_acknowledged(
    waiting: Acknowledgement,
    body: _Body,
    answers: Sequence[AppendAnswer],
    appended: Sequence[AppendResult],
) -> _Body:
    await waiting
    _reset_failed(answers, appended)
    return body


def _reset_failed(answers: Sequence[AppendAnswer], appended: Sequence[AppendResult]) -> None:
    for answer, result in zip(answers, appended, strict=True):
        if result.error_code:
            answer.error_code = result.error_code
            answer.base_offset = -1
            answer.log_append_time_ms = -1
            answer.log_start_offset = -1


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
def _expects_no_response(request: ProduceRequest) -> bool:
    """acks=0: no response, so a failure closes the connection (Kafka's rule)."""
    return request.acks == 0


HANDLERS: Final = (
    api_handler(
        ProduceRequest,
        0,
        8,
        handle_produce,
        error_response,
        expects_no_response=_expects_no_response,
    ),
)
