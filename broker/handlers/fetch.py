"""Fetch (v4-11): records straight from the segment files, with long polling.

Sessionless (KIP-227 allows it; COMPAT quirk 11): every response has session id 0, so clients
keep sending full requests. A request naming a session (id > 0, epoch ≥ 0) gets
FETCH_SESSION_ID_NOT_FOUND and a request for a new session epoch without an id gets
INVALID_FETCH_SESSION_EPOCH, as Kafka answers them; kafka-python then falls back to full
fetches. Every requested partition appears in every response (kafka-python checks that).

Per partition: leader epoch check (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH),
OFFSET_OUT_OF_RANGE outside [log start, log end], then whole batches up to
``partition_max_bytes`` and what is left of ``max_bytes`` — the first partition with data gets
at least one batch even if it is bigger, as Kafka does. Consumers never read past the high
watermark. A read_committed consumer (``isolation_level`` 1) reads only below the last stable
offset (the first offset of the oldest transaction still open, or whose marker the high
watermark has not passed yet) and gets the aborted transactions of the range it reads (producer
id and first offset, from the partitions' ``.txnindex``), which it must skip; a
read_uncommitted consumer gets a null list. Every answer carries the last stable offset.

If fewer than ``min_bytes`` are available the request parks in the fetch purgatory until
appends committed to its partitions bring enough bytes, or ``max_wait_ms`` passes; then the
partitions are read again. Records are file slices; the server sends them without decoding.

A follower's fetch (``replica_id`` = its node id; only the leader answers, and only a replica
of the partition) reads past the high watermark up to the log end; its fetch offset is the
follower's log end offset, which the replica manager records (ISR and high watermark). It
parks until new records arrive, the high watermark moves (so followers learn it) or the
leadership changes. OFFSET_OUT_OF_RANGE answers to followers carry the log start offset.

With ACLs on, a consumer needs READ on each topic (else its partitions answer
TOPIC_AUTHORIZATION_FAILED); a follower needs CLUSTER_ACTION on the Cluster (else the request
answers CLUSTER_AUTHORIZATION_FAILED).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.handlers.recovery_wait import read_after_recovery, waiting_for_recovery
from broker.replication.partition import Partition
from broker.replication.purgatory import DelayedOperation
from broker.storage.slice import FileSlice
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError, NotLeaderOrFollowerError
from protocol.messages import FetchRequest, FetchResponse

__all__ = ["HANDLERS", "MAX_FETCH_WAIT_MS", "error_response", "handle_fetch", "release_records"]

log = logging.getLogger("samsa.fetch")

#: Longest a fetch may park, whatever ``max_wait_ms`` says (clients use ≤ 500 ms by default;
#: this only stops a request from holding its slot for hours).
MAX_FETCH_WAIT_MS: Final = 300_000

_READ_COMMITTED: Final = 1
_SESSIONLESS_EPOCH: Final = -1
_INITIAL_EPOCH: Final = 0

_TopicData = FetchResponse.FetchableTopicResponse
_PartitionData = FetchResponse.FetchableTopicResponse.PartitionData


class DelayedReplicaFetch(DelayedOperation):
    """A follower's fetch waiting for records past its fetch offsets (or a new high
    watermark to learn, or a leadership change)."""

    __slots__ = ("_watched",)

    def __init__(self, watched: list[tuple[Partition, int]]) -> None:
        super().__init__()
        self._watched = [(p, offset, p.leader_epoch, p.high_watermark) for p, offset in watched]

    def try_complete(self) -> bool:
        """New records, a new high watermark, or a partition changed leadership."""
        for partition, offset, epoch, hw in self._watched:
            if partition.deleted or partition.leader_epoch != epoch or not partition.is_leader:
                return True
            if partition.log.log_end_offset > offset or partition.high_watermark > hw:
                return True
        return False


class DelayedFetch(DelayedOperation):
    """A fetch waiting until ``min_bytes`` are committed across its partitions."""

    __slots__ = ("_initial_bytes", "_min_bytes", "_watched")

    def __init__(self, min_bytes: int, initial_bytes: int, partitions: list[Partition]) -> None:
        super().__init__()
        self._min_bytes = min_bytes
        self._initial_bytes = initial_bytes
        self._watched = [(p, p.committed_bytes, p.leader_epoch) for p in partitions]

    def try_complete(self) -> bool:
        """Enough new committed bytes, or a partition changed leadership or went away."""
        total = self._initial_bytes
        for partition, start_bytes, epoch in self._watched:
            if partition.deleted or partition.leader_epoch != epoch or not partition.is_leader:
                return True
            total += partition.committed_bytes - start_bytes
        return total >= self._min_bytes


def _empty(
    index: int,
    code: ErrorCode,
    aborted: list[_PartitionData.AbortedTransaction] | None,
    log_start_offset: int = -1,
) -> _PartitionData:
    return _PartitionData(
        partition_index=index,
        error_code=code,
        high_watermark=-1,
        last_stable_offset=-1,
        log_start_offset=log_start_offset,
        aborted_transactions=aborted,
        records=b"",
    )


def _aborted(
    partition: Partition, start_offset: int, upper_bound_offset: int
) -> list[_PartitionData.AbortedTransaction]:
    """The aborted transactions a read_committed consumer must skip in what it reads."""
    return [
        _PartitionData.AbortedTransaction(producer_id=t.producer_id, first_offset=t.first_offset)
        for t in partition.aborted_transactions(start_offset, upper_bound_offset)
    ]


def _read_all(
    services: BrokerServices,
    request: FetchRequest,
    *,
    first: bool = True,
    denied: frozenset[str] = frozenset(),
) -> tuple[FetchResponse, int, bool, list[Partition]]:
    """Read every requested partition: (response, bytes read, any error, partitions).
    Call ``_count_out`` on the response if it is sent.

    The partitions of the ``denied`` topics answer TOPIC_AUTHORIZATION_FAILED. A follower's
    fetch (``replica_id`` >= 0) reads up to the log end and, on the ``first``
    read of a request, tells the replica manager where the follower's log ends."""
    replicas = services.replica_manager
    replica_id = request.replica_id
    committed_only = replica_id < 0
    read_committed = committed_only and request.isolation_level == _READ_COMMITTED
    none: list[_PartitionData.AbortedTransaction] | None = [] if read_committed else None
    aborted = none
    remaining = max(0, min(request.max_bytes, services.config.fetch_max_bytes))
    min_one = True
    total = 0
    any_error = False
    read_partitions: list[Partition] = []
    topics: list[_TopicData] = []
    for topic in request.topics:
        results: list[_PartitionData] = []
        topics.append(_TopicData(topic=topic.topic, partitions=results))
        if topic.topic in denied:
            code = ErrorCode.TOPIC_AUTHORIZATION_FAILED
            results.extend(_empty(fp.partition, code, aborted) for fp in topic.partitions)
            any_error = True
            continue
        for fp in topic.partitions:
            try:
                partition = replicas.get_partition(topic.topic, fp.partition)
                partition.raise_for_leader_epoch(fp.current_leader_epoch)
                if not committed_only and replica_id not in partition.replicas:
                    raise NotLeaderOrFollowerError(
                        f"broker {replica_id} is not a replica of {partition.tp}"
                    )
            except KafkaError as exc:
                results.append(_empty(fp.partition, exc.code, aborted))
                any_error = True
                continue
            log_ = partition.log
            offset = fp.fetch_offset
            if offset < log_.log_start_offset or offset > log_.log_end_offset:
                # A follower learns the log start offset from the answer (to start over there).
                start = log_.log_start_offset if not committed_only else -1
                results.append(_empty(fp.partition, ErrorCode.OFFSET_OUT_OF_RANGE, aborted, start))
                any_error = True
                continue
            if not committed_only and first:
                replicas.follower_fetched(partition, replica_id, offset, fp.log_start_offset)
            read_partitions.append(partition)
            hw = partition.high_watermark
            lso = partition.last_stable_offset
            records: FileSlice | bytes = b""
            limit = min(fp.partition_max_bytes, remaining)
            if not committed_only:
                readable_end = log_.log_end_offset
            else:
                readable_end = lso if read_committed else hw
            aborted = none
            if offset < readable_end and (limit > 0 or min_one):
                try:
                    found = partition.read(
                        offset,
                        max(limit, 0),
                        min_one_batch=min_one,
                        committed_only=committed_only,
                        read_committed=read_committed,
                    )
                except KafkaError as exc:
                    results.append(_empty(fp.partition, exc.code, aborted))
                    any_error = True
                    continue
                if found.length:
                    records = found
                    remaining -= found.length
                    total += found.length
                    min_one = False
                    if read_committed:
                        aborted = _aborted(partition, offset, readable_end)
                else:
                    found.release()
            results.append(
                _PartitionData(
                    partition_index=fp.partition,
                    error_code=0,
                    high_watermark=hw,
                    last_stable_offset=lso,
                    log_start_offset=log_.log_start_offset,
                    aborted_transactions=aborted,
                    records=records,
                )
            )
    response = FetchResponse(throttle_time_ms=0, error_code=0, session_id=0, responses=topics)
    return response, total, any_error, read_partitions


def _count_out(services: BrokerServices, request: FetchRequest, response: FetchResponse) -> None:
    """Count a consumer's fetch per topic, the record bytes it carries and the records: the
    offsets from the fetch offset to the end of the last batch sent (a follower's fetch is
    replication, not traffic out). The response's topics and partitions are the request's,
    in its order."""
    if request.replica_id >= 0:
        return
    traffic = services.traffic
    fetch_requests = traffic.fetch_requests
    for asked, topic in zip(request.topics, response.responses, strict=True):
        name = topic.topic
        fetch_requests[name] = fetch_requests.get(name, 0) + 1
        nbytes = 0
        nrecords = 0
        for fp, p in zip(asked.partitions, topic.partitions, strict=True):
            records = p.records
            if isinstance(records, FileSlice) and records.length:
                nbytes += records.length
                nrecords += max(0, records.next_offset - fp.fetch_offset)
        if nbytes:
            traffic.fetched(name, nbytes, nrecords)


def release_records(body: FetchResponse) -> None:
    """Give back the file slices of a response that will not be sent."""
    for topic in body.responses:
        for p in topic.partitions:
            if isinstance(p.records, FileSlice):
                p.records.release()


def handle_fetch(
    services: BrokerServices, ctx: RequestContext, request: FetchRequest
) -> FetchResponse | Awaitable[FetchResponse]:
    """Read at once; park in the purgatory when fewer than ``min_bytes`` are there. Partitions
    still awaiting their recovery after an unclean stop are recovered on worker threads first
    (``recovery_wait``)."""
    if ctx.version >= 7:
        if request.session_id != 0 and request.session_epoch != _SESSIONLESS_EPOCH:
            return error_response(request, ctx.version, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
        if request.session_id == 0 and request.session_epoch not in (
            _SESSIONLESS_EPOCH,
            _INITIAL_EPOCH,
        ):
            return error_response(request, ctx.version, ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    denied: frozenset[str] = frozenset()
    authorizer = services.authorizer_for_image()
    if authorizer is not None:
        if request.replica_id >= 0:
            if not allows(
                authorizer, ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME
            ):
                return error_response(request, ctx.version, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
        else:
            denied = frozenset(
                t.topic
                for t in request.topics
                if not allows(authorizer, ctx, AclOperation.READ, ResourceType.TOPIC, t.topic)
            )
    if services.log_manager.unrecovered_count:
        waiting = waiting_for_recovery(
            services, [(t.topic, p.partition) for t in request.topics for p in t.partitions]
        )
        if waiting:
            return read_after_recovery(
                services,
                waiting,
                lambda: _serve(services, request, denied),
                lambda: error_response(request, ctx.version, ErrorCode.REQUEST_TIMED_OUT),
            )
    return _serve(services, request, denied)


def _serve(
    services: BrokerServices, request: FetchRequest, denied: frozenset[str]
) -> FetchResponse | Awaitable[FetchResponse]:
    """Read at once; park in the purgatory when fewer than ``min_bytes`` are there."""
    response, total, any_error, partitions = _read_all(services, request, denied=denied)
    wait_ms = min(request.max_wait_ms, MAX_FETCH_WAIT_MS)
    if total >= request.min_bytes or any_error or wait_ms <= 0 or not partitions:
        _count_out(services, request, response)
        return response
    release_records(response)
    return _long_poll(services, request, partitions, total, wait_ms, denied)


async def _long_poll(
    services: BrokerServices,
    request: FetchRequest,
    partitions: list[Partition],
    initial_bytes: int,
    wait_ms: int,
    denied: frozenset[str],
) -> FetchResponse:
    op: DelayedOperation
    if request.replica_id >= 0:
        offsets = {
            (t.topic, p.partition): p.fetch_offset for t in request.topics for p in t.partitions
        }
        op = DelayedReplicaFetch([(p, offsets[p.tp]) for p in partitions])
    else:
        op = DelayedFetch(request.min_bytes, initial_bytes, partitions)
    keys = [partition.tp for partition in partitions]
    await services.fetch_purgatory.wait(op, keys, wait_ms / 1000)
    response = _read_all(services, request, first=False, denied=denied)[0]
    _count_out(services, request, response)
    return response


def error_response(request: FetchRequest, version: int, code: ErrorCode) -> FetchResponse:
    """A top-level error (v7+); before v7, every partition carries it."""
    if version >= 7:
        return FetchResponse(error_code=code, session_id=0, responses=[])
    return FetchResponse(
        responses=[
            _TopicData(
                topic=t.topic, partitions=[_empty(p.partition, code, None) for p in t.partitions]
            )
            for t in request.topics
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(
        FetchRequest, 4, 11, handle_fetch, error_response, release_response=release_records
    ),
)
