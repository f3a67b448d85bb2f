"""Writing transaction markers: the transaction coordinator's second phase.

Once a transaction's PREPARE_COMMIT or PREPARE_ABORT is durable, the core emits ``SendMarkers``
and ``MarkerWriter`` writes a COMMIT or ABORT control batch into every partition of the
transaction, then reports it (``on_written``: the driver calls the core's ``markers_written``,
which writes COMPLETE_*).

* **Grouped by leader**: the partitions are grouped by their leader in the current metadata
  image. This broker's are written directly (``write_markers_locally``, which the
  WriteTxnMarkers handler uses too: ``ReplicaManager.write_txn_marker`` acknowledged with
  acks=all, and for ``__consumer_offsets`` the group coordinator's ``on_txn_marker`` once the
  marker is replicated, so the transaction's offsets become visible or are dropped). Other
  leaders get one WriteTxnMarkers request each over Samsa's client ``Connection``.
* **Retried until written**: a partition that failed (no leader, leadership moved, a
  connection or replication failure, a bug: logged) is retried after a backoff
  (``MARKER_RETRY_BACKOFF_MS``, doubling up to ``MARKER_RETRY_BACKOFF_MAX_MS``), its leader
  looked up again each round.
  A partition that no longer exists (deleted topic: gone from the image, or
  UNKNOWN_TOPIC_OR_PARTITION) counts as written, as in Kafka.
* **Abandoned when fenced**: TRANSACTION_COORDINATOR_FENCED or INVALID_PRODUCER_EPOCH means a
  newer coordinator or producer epoch has taken over (Kafka stops sending then too): the
  markers are dropped without ``on_written``; the newer coordinator completes the transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.replication.appends import AppendFailure
from client.connection import Connection
from client.security import ClientSecurity
from protocol.errors import BrokerNotAvailableError, ErrorCode, KafkaError
from protocol.messages import Message, WriteTxnMarkersRequest, WriteTxnMarkersResponse
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator
    from broker.metadata.image import MetadataImage
    from broker.replication.manager import ReplicaManager
    from broker.replication.partition import AppendResult

__all__ = [
    "MARKER_APPEND_TIMEOUT_MS",
    "MARKER_RETRY_BACKOFF_MAX_MS",
    "MARKER_RETRY_BACKOFF_MS",
    "WRITTEN_CODES",
    "ConnectionPool",
    "MarkerJob",
    "MarkerWriter",
    "leader_in_image",
    "marker_request",
    "results_of_response",
    "write_markers_locally",
]

log = logging.getLogger("samsa.txn")

#: First pause before a failed partition's marker is retried (ms); it doubles per round.
MARKER_RETRY_BACKOFF_MS: Final = 100
#: Longest pause between retries (ms): a partition without a leader is retried this often.
MARKER_RETRY_BACKOFF_MAX_MS: Final = 5_000
#: How long a marker written here waits for the high watermark to pass it (Kafka uses the
#: request timeout for WriteTxnMarkers' appends); then it is retried.
MARKER_APPEND_TIMEOUT_MS: Final = 30_000
#: How long a WriteTxnMarkers request to another broker may take before it is retried.
MARKER_REQUEST_TIMEOUT_MS: Final = 30_000

#: Answers that count as written: done, or the partition no longer exists.
WRITTEN_CODES: Final = frozenset({ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION})
#: Answers that end the job without reporting it (a newer coordinator or epoch took over).
FENCED_CODES: Final = frozenset(
    {ErrorCode.TRANSACTION_COORDINATOR_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH}
)


@dataclass(frozen=True, slots=True)
class MarkerJob:
    """The markers of one transaction (the core's ``SendMarkers``)."""

    transactional_id: str
    producer_id: int
    producer_epoch: int
    coordinator_epoch: int
    commit: bool
    partitions: frozenset[TopicPartition]

    @classmethod
    def of(cls, send: Any) -> MarkerJob:
        """From a ``SendMarkers`` effect (same fields)."""
        return cls(
            send.transactional_id,
            send.producer_id,
            send.producer_epoch,
            send.coordinator_epoch,
            send.commit,
            frozenset(send.partitions),
        )


Results = dict[TopicPartition, ErrorCode]
LeaderOf = Callable[[TopicPartition], "int | None"]
"""The leader of a partition (-1: none now), or None when the partition does not exist."""
WriteLocal = Callable[[MarkerJob, list[TopicPartition]], Awaitable[Results]]
SendRemote = Callable[[int, MarkerJob, list[TopicPartition]], Awaitable[Results]]


def leader_in_image(image: Callable[[], MetadataImage]) -> LeaderOf:
    """``LeaderOf`` read from the current metadata image."""

    def leader_of(tp: TopicPartition) -> int | None:
        state = image().partition(tp.topic, tp.partition)
        return None if state is None else state.leader

    return leader_of


def write_markers_locally(
    replicas: ReplicaManager,
    groups: GroupCoordinator | None,
    *,
    producer_id: int,
    producer_epoch: int,
    coordinator_epoch: int,
    commit: bool,
    partitions: Iterable[TopicPartition],
    now_ms: int,
    timeout_ms: int = MARKER_APPEND_TIMEOUT_MS,
) -> Awaitable[Results]:
    """Write one transaction's marker into each of ``partitions`` (led here) now, and return
    an awaitable that waits until each is replicated (acks=all); a ``__consumer_offsets``
    partition then tells the group coordinator (its pending transactional offsets become
    visible, or are dropped). It gives each partition's error code: NONE when written."""
    results: Results = {}
    appended: list[tuple[TopicPartition, AppendResult]] = []
    for tp in partitions:
        result = replicas.write_txn_marker(
            tp.topic,
            tp.partition,
            producer_id=producer_id,
            producer_epoch=producer_epoch,
            coordinator_epoch=coordinator_epoch,
            commit=commit,
            now_ms=now_ms,
        )
        if isinstance(result, AppendFailure):
            results[tp] = result.code
        else:
            appended.append((tp, result))
    return _replicated(replicas, groups, producer_id, commit, results, appended, timeout_ms)


async def _replicated(
    replicas: ReplicaManager,
    groups: GroupCoordinator | None,
    producer_id: int,
    commit: bool,
    results: Results,
    appended: list[tuple[TopicPartition, AppendResult]],
    timeout_ms: int,
) -> Results:
    if appended:
        waiting = replicas.acknowledge([r for _, r in appended], -1, timeout_ms)
        if waiting is not None and not waiting.done():
            await waiting
    for tp, result in appended:
        code = ErrorCode(result.error_code)
        results[tp] = code
        if code is ErrorCode.NONE and tp.topic == GROUP_METADATA_TOPIC and groups is not None:
            groups.on_txn_marker(tp.partition, producer_id, commit)
    return results


def marker_request(job: MarkerJob, partitions: Iterable[TopicPartition]) -> WriteTxnMarkersRequest:
    """A WriteTxnMarkers request for ``job``'s markers in ``partitions``."""
    by_topic: dict[str, list[int]] = {}
    for tp in sorted(partitions):
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    marker = WriteTxnMarkersRequest.WritableTxnMarker(
        producer_id=job.producer_id,
        producer_epoch=job.producer_epoch,
        transaction_result=job.commit,
        topics=[
            WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic(
                name=name, partition_indexes=ids
            )
            for name, ids in by_topic.items()
        ],
        coordinator_epoch=job.coordinator_epoch,
    )
    return WriteTxnMarkersRequest(markers=[marker])


def results_of_response(
    response: WriteTxnMarkersResponse, asked: Iterable[TopicPartition]
) -> Results:
    """Each asked partition's error in a WriteTxnMarkers response (a partition the response
    leaves out is UNKNOWN_SERVER_ERROR: retried)."""
    results: Results = {tp: ErrorCode.UNKNOWN_SERVER_ERROR for tp in asked}
    for marker in response.markers:
        for topic in marker.topics:
            for p in topic.partitions:
                tp = TopicPartition(topic.name, p.partition_index)
                if tp in results:
                    results[tp] = _code(p.error_code)
    return results


def _code(value: int) -> ErrorCode:
    try:
        return ErrorCode(value)
    except ValueError:
        return ErrorCode.UNKNOWN_SERVER_ERROR


class ConnectionPool:
    """One client connection per broker the markers go to (opened on first use, dropped on
    failure), to its inter-broker listener and secured as that listener says (the replica
    fetchers' endpoints and security)."""

    def __init__(
        self,
        node_id: int,
        endpoint_of: Callable[[int], tuple[str, int] | None],
        *,
        request_timeout_ms: int = MARKER_REQUEST_TIMEOUT_MS,
        security_of: Callable[[], ClientSecurity | None] = lambda: None,
    ) -> None:
        self._node_id = node_id
        self._endpoint_of = endpoint_of
        self._security_of = security_of
        self._timeout_ms = request_timeout_ms
        self._connections: dict[int, Connection] = {}

    async def send(self, leader: int, job: MarkerJob, partitions: list[TopicPartition]) -> Results:
        """WriteTxnMarkers to ``leader``; a failed connection answers NOT_LEADER_OR_FOLLOWER
        for every partition (retried once the leader is looked up again)."""
        try:
            conn = await self._connect(leader)
            if conn is None:
                return dict.fromkeys(partitions, ErrorCode.BROKER_NOT_AVAILABLE)
            response = await conn.request(marker_request(job, partitions))
        except (KafkaError, OSError) as exc:
            log.info("WriteTxnMarkers to broker %d failed: %s", leader, exc)
            self._drop(leader)
            return dict.fromkeys(partitions, ErrorCode.NOT_LEADER_OR_FOLLOWER)
        return results_of_response(response, partitions)

    async def request(self, node: int, body: Message, version: int) -> Any:
        """Any request to ``node`` over the pooled connection (raises ``KafkaError`` or
        ``OSError`` when it fails: the connection is dropped)."""
        try:
            conn = await self._connect(node)
            if conn is None:
                raise BrokerNotAvailableError(f"broker {node} is not registered")
            return await conn.request(body, version=version)
        except (KafkaError, OSError):
            self._drop(node)
            raise

    async def _connect(self, leader: int) -> Connection | None:
        conn = self._connections.get(leader)
        if conn is not None and not conn.closed:
            return conn
        endpoint = self._endpoint_of(leader)
        if endpoint is None:
            return None
        conn = Connection(
            endpoint[0],
            endpoint[1],
            node_id=leader,
            client_id=f"samsa-txn-markers-{self._node_id}",
            request_timeout_ms=self._timeout_ms,
            connect_timeout_ms=self._timeout_ms,
            security=self._security_of(),
        )
        await conn.open()
        self._connections[leader] = conn
        return conn

    def _drop(self, leader: int) -> None:
        conn = self._connections.pop(leader, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for leader in list(self._connections):
            self._drop(leader)


class MarkerWriter:
    """Writes each submitted ``MarkerJob`` until every partition has its marker, then calls
    ``on_written(job)``."""

    def __init__(
        self,
        node_id: int,
        leader_of: LeaderOf,
        write_local: WriteLocal,
        send_remote: SendRemote,
        on_written: Callable[[MarkerJob], None],
        *,
        backoff_ms: int = MARKER_RETRY_BACKOFF_MS,
        backoff_max_ms: int = MARKER_RETRY_BACKOFF_MAX_MS,
    ) -> None:
        self._node_id = node_id
        self._leader_of = leader_of
        self._write_local = write_local
        self._send_remote = send_remote
        self._on_written = on_written
        self._backoff_ms = backoff_ms
        self._backoff_max_ms = backoff_max_ms
        self._tasks: dict[MarkerJob, asyncio.Task[None]] = {}
        self._stopped = False
        #: Jobs dropped because a newer coordinator or producer epoch took over.
        self.abandoned = 0

    @property
    def in_flight(self) -> frozenset[MarkerJob]:
        """Jobs not written yet."""
        return frozenset(self._tasks)

    def submit(self, job: MarkerJob) -> None:
        """Write ``job``'s markers (a job already being written is not started twice)."""
        if self._stopped or job in self._tasks:
            return
        task = asyncio.get_running_loop().create_task(
            self._run(job), name=f"txn-markers-{job.transactional_id}"
        )
        self._tasks[job] = task
        task.add_done_callback(lambda _t, j=job: self._tasks.pop(j, None))  # type: ignore[misc]

    def cancel_coordinator_epoch(self, predicate: Callable[[MarkerJob], bool]) -> None:
        """Stop writing the jobs ``predicate`` selects (their partition was unloaded: the new
        coordinator sends them again)."""
        for job, task in list(self._tasks.items()):
            if predicate(job):
                task.cancel()

    async def stop(self) -> None:
        self._stopped = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, job: MarkerJob) -> None:
        pending = set(job.partitions)
        backoff = self._backoff_ms
        while pending:
            groups: dict[int, list[TopicPartition]] = {}
            for tp in sorted(pending):
                leader = self._leader_of(tp)
                if leader is None:  # the partition no longer exists
                    pending.discard(tp)
                elif leader >= 0:
                    groups.setdefault(leader, []).append(tp)
            calls: list[Awaitable[Results]] = [
                self._write_local(job, tps)
                if leader == self._node_id
                else self._send_remote(leader, job, tps)
                for leader, tps in groups.items()
            ]
            try:
                answers = await asyncio.gather(*calls)
            except (KafkaError, OSError) as exc:
                log.warning("markers of %r: %s; retrying", job.transactional_id, exc)
                answers = []
            except Exception:
                # A bug: logged with its traceback, then retried like a failed write (the job
                # must not vanish: its transaction would stay PREPARE_* for ever).
                log.exception("writing the markers of %r failed", job.transactional_id)
                answers = []
            for results in answers:
                for tp, code in results.items():
                    if code in WRITTEN_CODES:
                        pending.discard(tp)
                    elif code in FENCED_CODES:
                        self.abandoned += 1
                        log.warning(
                            "markers of %r (producer %d epoch %d) abandoned: %s answered %s",
                            job.transactional_id,
                            job.producer_id,
                            job.producer_epoch,
                            tp,
                            code.name,
                        )
                        return
            if not pending:
                break
            await asyncio.sleep(backoff / 1000)
            backoff = min(backoff * 2, self._backoff_max_ms)
        self._on_written(job)
