"""The transaction APIs: AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, WriteTxnMarkers,
DescribeTransactions, ListTransactions (DescribeProducers is in ``producers.py``).

The transaction coordinator (``broker/txn``, ``BrokerServices.txn_coordinator``) answers the
first three for the transactional ids whose ``__transaction_state`` partition this broker
leads (NOT_COORDINATOR otherwise, COORDINATOR_LOAD_IN_PROGRESS while it loads); InitProducerId
with a transactional id is in ``init_producer_id.py``, FindCoordinator (key type 1) in
``groups.py``, TxnOffsetCommit with the other group APIs.

Version rules, as Kafka's: before AddPartitionsToTxn v2, AddOffsetsToTxn v2 and EndTxn v2 a
client does not know PRODUCER_FENCED and gets INVALID_PRODUCER_EPOCH instead (same handling).
AddPartitionsToTxn: a partition that does not exist answers UNKNOWN_TOPIC_OR_PARTITION and the
others of the request OPERATION_NOT_ATTEMPTED (nothing is added). v4+ (KIP-890's batched form,
which brokers send, ``verify_only`` to check a transactional produce) answers per transaction;
it is advertised once the message has those versions (``ADD_PARTITIONS_MAX_VERSION``).

DescribeTransactions answers each id (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
TRANSACTIONAL_ID_NOT_FOUND, or its state); ListTransactions lists what this broker coordinates
(COORDINATOR_LOAD_IN_PROGRESS and nothing while a partition loads, as Kafka) and names the state
filters it does not know.

WriteTxnMarkers (from a transaction coordinator, maybe this broker's own) writes each marker
into the partitions this broker leads (``broker.txn.markers.write_markers_locally``) and answers
once each is replicated; partitions led elsewhere answer NOT_LEADER_OR_FOLLOWER and unknown ones
UNKNOWN_TOPIC_OR_PARTITION, so the coordinator looks their leader up again. After an unclean
stop, a partition whose log awaits recovery is recovered on a worker thread first, and the
markers join the produces' queue (``recovery_wait.append_to_now_or_in_order``).

With ACLs on (Kafka's checks): AddPartitionsToTxn v0-3, AddOffsetsToTxn and EndTxn need WRITE
on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); AddPartitionsToTxn v0-3 also
WRITE on each topic (its partitions TOPIC_AUTHORIZATION_FAILED, the others
OPERATION_NOT_ATTEMPTED), AddOffsetsToTxn READ on the group (GROUP_AUTHORIZATION_FAILED).
AddPartitionsToTxn v4+ and WriteTxnMarkers come from brokers and need CLUSTER_ACTION on the
Cluster (CLUSTER_AUTHORIZATION_FAILED). DescribeTransactions needs DESCRIBE on each id and shows
only the topics the principal may describe; ListTransactions lists only ids it may describe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Final

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import ApiHandler, BrokerServices, RequestContext, api_handler
from broker.handlers.recovery_wait import append_to_now_or_in_order
from broker.security.acl import Authorizer
from broker.txn.markers import MARKER_APPEND_TIMEOUT_MS, write_markers_locally
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import (
    AddOffsetsToTxnRequest,
    AddOffsetsToTxnResponse,
    AddPartitionsToTxnRequest,
    AddPartitionsToTxnResponse,
    DescribeTransactionsRequest,
    DescribeTransactionsResponse,
    EndTxnRequest,
    EndTxnResponse,
    ListTransactionsRequest,
    ListTransactionsResponse,
    WriteTxnMarkersRequest,
    WriteTxnMarkersResponse,
)
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.txn.driver import TransactionCoordinator

__all__ = [
    "HANDLERS",
    "client_error",
    "handle_add_offsets_to_txn",
    "handle_add_partitions_to_txn",
    "handle_end_txn",
    "handle_write_txn_markers",
]

#: Longest WriteTxnMarkers waits for its partitions' logs to be recovered after an unclean
#: stop (and for the produces queued ahead of it); then REQUEST_TIMED_OUT, which the
#: coordinator retries, and the recovery goes on. Its own write timeout
#: (``MARKER_APPEND_TIMEOUT_MS``), as the request carries none.
MARKER_RECOVERY_WAIT_MS: Final = MARKER_APPEND_TIMEOUT_MS
#: The first AddPartitionsToTxn version of KIP-890's batched form.
BATCHED_ADD_PARTITIONS_SINCE: Final = 4
#: The newest AddPartitionsToTxn served (Kafka's): v4-5 need the batched message.
ADD_PARTITIONS_MAX_VERSION: Final = min(AddPartitionsToTxnRequest.MAX_VERSION, 5)
#: Kafka's names of the transaction states (``ListTransactions``' filters).
TXN_STATE_NAMES: Final = frozenset(
    {
        "Empty",
        "Ongoing",
        "PrepareCommit",
        "PrepareAbort",
        "CompleteCommit",
        "CompleteAbort",
        "Dead",
        "PrepareEpochFence",
    }
)

#: The first version of each API that knows PRODUCER_FENCED (older ones get
#: INVALID_PRODUCER_EPOCH, Kafka's rule).
PRODUCER_FENCED_SINCE: Final = {
    AddPartitionsToTxnRequest.API_KEY: 2,
    AddOffsetsToTxnRequest.API_KEY: 2,
    EndTxnRequest.API_KEY: 2,
}

_TopicResult = AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
_PartitionResult = _TopicResult.AddPartitionsToTxnPartitionResult
_MarkerResult = WriteTxnMarkersResponse.WritableTxnMarkerResult
_MarkerTopicResult = _MarkerResult.WritableTxnMarkerTopicResult
_MarkerPartitionResult = _MarkerTopicResult.WritableTxnMarkerPartitionResult


def client_error(code: ErrorCode, api_key: int, version: int) -> ErrorCode:
    """``code`` as a client of ``version`` understands it (PRODUCER_FENCED is
    INVALID_PRODUCER_EPOCH before the version that added it)."""
    since = PRODUCER_FENCED_SINCE.get(api_key)
    if code is ErrorCode.PRODUCER_FENCED and since is not None and version < since:
        return ErrorCode.INVALID_PRODUCER_EPOCH
    return code


def _coordinator(services: BrokerServices) -> TransactionCoordinator | None:
    return services.txn_coordinator


def _may_write_id(authorizer: Authorizer, ctx: RequestContext, transactional_id: str) -> bool:
    return allows(
        authorizer, ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactional_id
    )


def _cluster_action(authorizer: Authorizer, ctx: RequestContext) -> bool:
    return allows(authorizer, ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME)


# -- AddPartitionsToTxn ---------------------------------------------------------------------


def _add_partitions_response(
    results: dict[TopicPartition, ErrorCode], version: int
) -> AddPartitionsToTxnResponse:
    by_topic: dict[str, list[_PartitionResult]] = {}
    for tp, code in results.items():
        code = client_error(code, AddPartitionsToTxnRequest.API_KEY, version)
        by_topic.setdefault(tp.topic, []).append(
            _PartitionResult(partition_index=tp.partition, partition_error_code=code)
        )
    return AddPartitionsToTxnResponse(
        throttle_time_ms=0,
        results_by_topic_v3_and_below=[
            _TopicResult(name=name, results_by_partition=parts) for name, parts in by_topic.items()
        ],
    )


def _requested(request: AddPartitionsToTxnRequest) -> list[TopicPartition]:
    return [TopicPartition(t.name, p) for t in request.v3_and_below_topics for p in t.partitions]


def handle_add_partitions_to_txn(
    services: BrokerServices, ctx: RequestContext, request: AddPartitionsToTxnRequest
) -> AddPartitionsToTxnResponse | Awaitable[AddPartitionsToTxnResponse]:
    """Add partitions to the producer's transaction (v0-3: one transaction per request).

    v4+ (KIP-890: a batch of transactions, each maybe ``verify_only``, sent by brokers) is
    served once its message exists: each transaction goes through
    ``TransactionCoordinator.add_partitions(..., verify_only=...)`` the same way, its results
    under its transactional id (and a top-level error for the request)."""
    version = ctx.version
    authorizer = services.authorizer_for_image()
    if version >= BATCHED_ADD_PARTITIONS_SINCE:
        if authorizer is not None and not _cluster_action(authorizer, ctx):
            code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
            return add_partitions_error(request, version, code)
        return _handle_batched_add_partitions(services, request, version)
    partitions = _requested(request)
    if authorizer is not None:
        if not _may_write_id(authorizer, ctx, request.v3_and_below_transactional_id):
            code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
            return _add_partitions_response(dict.fromkeys(partitions, code), version)
        denied = {
            t.name
            for t in request.v3_and_below_topics
            if not allows(authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC, t.name)
        }
        if denied:
            results = dict.fromkeys(partitions, ErrorCode.OPERATION_NOT_ATTEMPTED)
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.update((tp, code) for tp in partitions if tp.topic in denied)
            return _add_partitions_response(results, version)
    image = services.image
    unknown = [tp for tp in partitions if image.partition(tp.topic, tp.partition) is None]
    if unknown:
        results = dict.fromkeys(partitions, ErrorCode.OPERATION_NOT_ATTEMPTED)
        results.update(dict.fromkeys(unknown, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        return _add_partitions_response(results, version)
    tc = _coordinator(services)
    if tc is None:
        return _add_partitions_response(
            dict.fromkeys(partitions, ErrorCode.COORDINATOR_NOT_AVAILABLE), version
        )
    return _add_partitions(tc, request, partitions, version)


async def _add_partitions(
    tc: TransactionCoordinator,
    request: AddPartitionsToTxnRequest,
    partitions: list[TopicPartition],
    version: int,
) -> AddPartitionsToTxnResponse:
    results = await tc.add_partitions(
        request.v3_and_below_transactional_id,
        request.v3_and_below_producer_id,
        request.v3_and_below_producer_epoch,
        partitions,
    )
    return _add_partitions_response(results, version)


def add_partitions_error(
    request: AddPartitionsToTxnRequest, version: int, code: ErrorCode
) -> AddPartitionsToTxnResponse:
    """Every partition with the error (v4+: the request's top-level error)."""
    if version >= BATCHED_ADD_PARTITIONS_SINCE:
        return AddPartitionsToTxnResponse(
            throttle_time_ms=0,
            error_code=code,
            results_by_transaction=[],
        )
    return _add_partitions_response(dict.fromkeys(_requested(request), code), version)


# AddPartitionsToTxn v4+ (KIP-890): one request, several transactions, each maybe verify_only.
# Its fields come with the protocol's v4-5 schema; until then this path is not advertised.


def _handle_batched_add_partitions(
    services: BrokerServices, request: Any, version: int
) -> AddPartitionsToTxnResponse | Awaitable[AddPartitionsToTxnResponse]:
    tc = _coordinator(services)
    if tc is None:
        return add_partitions_error(request, version, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return _batched_add_partitions(tc, services, request, version)


async def _batched_add_partitions(
    tc: TransactionCoordinator, services: BrokerServices, request: Any, version: int
) -> AddPartitionsToTxnResponse:
    response_type: Any = AddPartitionsToTxnResponse
    result_type = response_type.AddPartitionsToTxnResult
    topic_type = result_type.AddPartitionsToTxnTopicResult
    partition_type = topic_type.AddPartitionsToTxnPartitionResult
    image = services.image
    answers = []
    for txn in request.transactions:
        partitions = [TopicPartition(t.name, p) for t in txn.topics for p in t.partitions]
        unknown = [tp for tp in partitions if image.partition(tp.topic, tp.partition) is None]
        if unknown:
            results = dict.fromkeys(partitions, ErrorCode.OPERATION_NOT_ATTEMPTED)
            results.update(dict.fromkeys(unknown, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        else:
            results = await tc.add_partitions(
                txn.transactional_id,
                txn.producer_id,
                txn.producer_epoch,
                partitions,
                verify_only=txn.verify_only,
            )
        by_topic: dict[str, list[Any]] = {}
        for tp, code in results.items():
            by_topic.setdefault(tp.topic, []).append(
                partition_type(partition_index=tp.partition, partition_error_code=code)
            )
        answers.append(
            result_type(
                transactional_id=txn.transactional_id,
                topic_results=[
                    topic_type(name=name, results_by_partition=parts)
                    for name, parts in by_topic.items()
                ],
            )
        )
    return _as_response(
        response_type(throttle_time_ms=0, error_code=0, results_by_transaction=answers)
    )


def _as_response(response: Any) -> AddPartitionsToTxnResponse:
    """A response built from fields that land with the protocol's v4-5 schema."""
    assert isinstance(response, AddPartitionsToTxnResponse)
    return response


# -- AddOffsetsToTxn, EndTxn ----------------------------------------------------------------


def handle_add_offsets_to_txn(
    services: BrokerServices, ctx: RequestContext, request: AddOffsetsToTxnRequest
) -> AddOffsetsToTxnResponse | Awaitable[AddOffsetsToTxnResponse]:
    """Add the group's ``__consumer_offsets`` partition to the producer's transaction."""
    version = ctx.version
    authorizer = services.authorizer_for_image()
    if authorizer is not None:
        if not _may_write_id(authorizer, ctx, request.transactional_id):
            code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
            return add_offsets_error(request, version, code)
        if not allows(authorizer, ctx, AclOperation.READ, ResourceType.GROUP, request.group_id):
            return add_offsets_error(request, version, ErrorCode.GROUP_AUTHORIZATION_FAILED)
    tc = _coordinator(services)
    if tc is None:
        return add_offsets_error(request, version, ErrorCode.COORDINATOR_NOT_AVAILABLE)

    async def answer() -> AddOffsetsToTxnResponse:
        code = await tc.add_offsets(
            request.transactional_id,
            request.producer_id,
            request.producer_epoch,
            request.group_id,
        )
        return add_offsets_error(request, version, code)

    return answer()


def add_offsets_error(
    request: AddOffsetsToTxnRequest, version: int, code: ErrorCode
) -> AddOffsetsToTxnResponse:
    """AddOffsetsToTxn answered with ``code``."""
    code = client_error(code, AddOffsetsToTxnRequest.API_KEY, version)
    return AddOffsetsToTxnResponse(throttle_time_ms=0, error_code=code)


def handle_end_txn(
    services: BrokerServices, ctx: RequestContext, request: EndTxnRequest
) -> EndTxnResponse | Awaitable[EndTxnResponse]:
    """Commit or abort the producer's transaction (answered once PREPARE_* is durable)."""
    version = ctx.version
    authorizer = services.authorizer_for_image()
    if authorizer is not None and not _may_write_id(authorizer, ctx, request.transactional_id):
        return end_txn_error(request, version, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    tc = _coordinator(services)
    if tc is None:
        return end_txn_error(request, version, ErrorCode.COORDINATOR_NOT_AVAILABLE)

    async def answer() -> EndTxnResponse:
        code = await tc.end_txn(
            request.transactional_id,
            request.producer_id,
            request.producer_epoch,
            request.committed,
        )
        return end_txn_error(request, version, code)

    return answer()


def end_txn_error(request: EndTxnRequest, version: int, code: ErrorCode) -> EndTxnResponse:
    """EndTxn answered with ``code``."""
    code = client_error(code, EndTxnRequest.API_KEY, version)
    return EndTxnResponse(throttle_time_ms=0, error_code=code)


# -- WriteTxnMarkers ------------------------------------------------------------------------


def handle_write_txn_markers(
    services: BrokerServices, ctx: RequestContext, request: WriteTxnMarkersRequest
) -> WriteTxnMarkersResponse | Awaitable[WriteTxnMarkersResponse]:
    """Write each marker into the partitions this broker leads; answer once replicated."""
    authorizer = services.authorizer_for_image()
    if authorizer is not None and not _cluster_action(authorizer, ctx):
        code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
        return write_txn_markers_error(request, ctx.version, code)
    image = services.image
    node_id = services.node_id
    # Per marker: the partitions to write here, and the answers known already.
    plans: list[tuple[int, list[TopicPartition], dict[TopicPartition, ErrorCode]]] = []
    for marker in request.markers:
        here: list[TopicPartition] = []
        known: dict[TopicPartition, ErrorCode] = {}
        for topic in marker.topics:
            for p in topic.partition_indexes:
                tp = TopicPartition(topic.name, p)
                state = image.partition(tp.topic, tp.partition)
                if state is None:
                    known[tp] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                elif state.leader != node_id:
                    known[tp] = ErrorCode.NOT_LEADER_OR_FOLLOWER
                else:
                    here.append(tp)
        plans.append((marker.producer_id, here, known))
    if not any(here for _, here, _ in plans):
        return _markers_response([(pid, known) for pid, _, known in plans])

    def write() -> Awaitable[WriteTxnMarkersResponse]:
        # Appended now, in request order; answered once every marker is replicated.
        writes = [
            write_markers_locally(
                services.replica_manager,
                services.group_coordinator,
                producer_id=marker.producer_id,
                producer_epoch=marker.producer_epoch,
                coordinator_epoch=marker.coordinator_epoch,
                commit=marker.transaction_result,
                partitions=here,
                now_ms=services.clock_ms(),
            )
            for marker, (_, here, _) in zip(request.markers, plans, strict=True)
        ]
        return _markers_answer(plans, writes)

    def timed_out() -> WriteTxnMarkersResponse:
        late = ErrorCode.REQUEST_TIMED_OUT  # the coordinator sends them again
        return _markers_response(
            [(pid, {**known, **dict.fromkeys(here, late)}) for pid, here, known in plans]
        )

    # After an unclean stop, a partition's log may await its recovery: it is recovered on a
    # worker thread first, and the markers take their turn behind the produces waiting.
    wanted = [(tp.topic, tp.partition) for _, here, _ in plans for tp in here]
    return append_to_now_or_in_order(services, wanted, write, timed_out, MARKER_RECOVERY_WAIT_MS)


async def _markers_answer(
    plans: list[tuple[int, list[TopicPartition], dict[TopicPartition, ErrorCode]]],
    writes: list[Awaitable[dict[TopicPartition, ErrorCode]]],
) -> WriteTxnMarkersResponse:
    done = await asyncio.gather(*writes)
    return _markers_response(
        [(pid, {**known, **found}) for (pid, _, known), found in zip(plans, done, strict=True)]
    )


def _markers_response(
    answers: list[tuple[int, dict[TopicPartition, ErrorCode]]],
) -> WriteTxnMarkersResponse:
    markers: list[_MarkerResult] = []
    for producer_id, results in answers:
        by_topic: dict[str, list[_MarkerPartitionResult]] = {}
        for tp, code in sorted(results.items()):
            by_topic.setdefault(tp.topic, []).append(
                _MarkerPartitionResult(partition_index=tp.partition, error_code=code)
            )
        markers.append(
            _MarkerResult(
                producer_id=producer_id,
                topics=[
                    _MarkerTopicResult(name=name, partitions=parts)
                    for name, parts in by_topic.items()
                ],
            )
        )
    return WriteTxnMarkersResponse(markers=markers)


def write_txn_markers_error(
    request: WriteTxnMarkersRequest, version: int, code: ErrorCode
) -> WriteTxnMarkersResponse:
    """Every partition of every marker with the error."""
    return _markers_response(
        [
            (
                m.producer_id,
                {TopicPartition(t.name, p): code for t in m.topics for p in t.partition_indexes},
            )
            for m in request.markers
        ]
    )


# -- DescribeTransactions, ListTransactions -------------------------------------------------

_DescribeState = DescribeTransactionsResponse.TransactionState
_ListState = ListTransactionsResponse.TransactionState


def handle_describe_transactions(
    services: BrokerServices, ctx: RequestContext, request: DescribeTransactionsRequest
) -> DescribeTransactionsResponse:
    """Each transactional id's state, or why it cannot be described here."""
    tc = _coordinator(services)
    authorizer = services.authorizer_for_image()
    state_type = _DescribeState
    topic_type = _DescribeState.TopicData
    states = []
    for tid in request.transactional_ids:
        if authorizer is not None and not allows(
            authorizer, ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, tid
        ):
            states.append(_undescribed(tid, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED))
            continue
        found: Any = tc.describe(tid) if tc is not None else ErrorCode.COORDINATOR_NOT_AVAILABLE
        if isinstance(found, ErrorCode):
            states.append(_undescribed(tid, found))
            continue
        by_topic: dict[str, list[int]] = {}
        for tp in found.partitions:
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        if authorizer is not None:
            # Kafka's rule: only the topics the principal may describe are shown.
            by_topic = {
                t: ps
                for t, ps in by_topic.items()
                if allows(authorizer, ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t)
            }
        states.append(
            state_type(
                error_code=ErrorCode.NONE,
                transactional_id=tid,
                transaction_state=found.state,
                transaction_timeout_ms=found.transaction_timeout_ms,
                transaction_start_time_ms=found.transaction_start_time_ms,
                producer_id=found.producer_id,
                producer_epoch=found.producer_epoch,
                topics=[topic_type(topic=t, partitions=ps) for t, ps in by_topic.items()],
            )
        )
    return DescribeTransactionsResponse(throttle_time_ms=0, transaction_states=states)


def _undescribed(transactional_id: str, code: ErrorCode) -> _DescribeState:
    return _DescribeState(
        error_code=code,
        transactional_id=transactional_id,
        transaction_state="",
        transaction_timeout_ms=0,
        transaction_start_time_ms=-1,
        producer_id=-1,
        producer_epoch=-1,
        topics=[],
    )


def describe_transactions_error(
    request: DescribeTransactionsRequest, version: int, code: ErrorCode
) -> DescribeTransactionsResponse:
    """Every id with the error."""
    return DescribeTransactionsResponse(
        throttle_time_ms=0,
        transaction_states=[_undescribed(t, code) for t in request.transactional_ids],
    )


def handle_list_transactions(
    services: BrokerServices, ctx: RequestContext, request: ListTransactionsRequest
) -> ListTransactionsResponse:
    """The transactions this broker coordinates, filtered by state, producer id and (v1+)
    duration."""
    unknown = [s for s in request.state_filters if s not in TXN_STATE_NAMES]
    tc = _coordinator(services)
    if tc is None:
        return list_transactions_error(request, ctx.version, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    duration = request.duration_filter if ctx.version >= 1 else -1
    error, listings = tc.list_transactions(
        request.state_filters, request.producer_id_filters, duration
    )
    authorizer = services.authorizer_for_image()
    if authorizer is not None:
        listings = [
            t
            for t in listings
            if allows(
                authorizer,
                ctx,
                AclOperation.DESCRIBE,
                ResourceType.TRANSACTIONAL_ID,
                t.transactional_id,
            )
        ]
    state_type = _ListState
    return ListTransactionsResponse(
        throttle_time_ms=0,
        error_code=error,
        unknown_state_filters=unknown,
        transaction_states=[
            state_type(
                transactional_id=t.transactional_id,
                producer_id=t.producer_id,
                transaction_state=t.state,
            )
            for t in listings
        ],
    )


def list_transactions_error(
    request: ListTransactionsRequest, version: int, code: ErrorCode
) -> ListTransactionsResponse:
    """No listings, with the error."""
    return ListTransactionsResponse(
        throttle_time_ms=0, error_code=code, unknown_state_filters=[], transaction_states=[]
    )


_served: list[ApiHandler] = [
    api_handler(
        AddPartitionsToTxnRequest,
        0,
        ADD_PARTITIONS_MAX_VERSION,
        handle_add_partitions_to_txn,
        add_partitions_error,
    ),
    api_handler(AddOffsetsToTxnRequest, 0, 3, handle_add_offsets_to_txn, add_offsets_error),
    api_handler(EndTxnRequest, 0, 3, handle_end_txn, end_txn_error),
    api_handler(WriteTxnMarkersRequest, 0, 1, handle_write_txn_markers, write_txn_markers_error),
    api_handler(
        DescribeTransactionsRequest,
        0,
        0,
        handle_describe_transactions,
        describe_transactions_error,
    ),
    api_handler(ListTransactionsRequest, 0, 1, handle_list_transactions, list_transactions_error),
]

#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = tuple(_served)
