"""Followers fetching from leaders: one ``ReplicaFetcher`` per leader broker.

A fetcher owns one connection (Samsa's client ``Connection``) to its leader and loops:

1. partitions that just started following (or whose fetch ran past the leader's log end) are
   truncated by leader epoch first (KIP-101/279): ask the leader with OffsetForLeaderEpoch where
   this replica's latest epoch ends there, cut the local log at the divergence
   (``divergence``), and ask again until both agree;
2. one Fetch (``replica_id`` = this broker) for every partition ready, parked at the leader for
   at most ``replica.fetch.wait.max.ms``; the batches are appended as they are (offsets and
   leader epochs kept) and the leader's high watermark taken.

The connection goes to the leader's inter-broker listener (``listener_endpoint_of``: its
registered endpoint of that name, else the registration's address) secured as that listener
requires (``security``: TLS, SASL; see ``security.py``).

Errors: a failed connection or request closes the connection and backs off
``replica.fetch.backoff.ms`` before trying again; a partition the leader refuses
(NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION: metadata not
there yet on one side) backs off alone. Every wait has a bound; the loop stops when the fetcher
is closed or has no partition left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from broker.storage.epoch_cache import UNDEFINED_EPOCH
from broker.tasks import report_unexpected_end
from client.connection import Connection
from client.security import ClientSecurity
from protocol.errors import ErrorCode, KafkaError, ProtocolError, raise_for_code
from protocol.messages import (
    FetchRequest,
    FetchResponse,
    OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
)
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.metadata.image import MetadataImage
    from broker.replication.manager import ReplicaManager
    from broker.replication.partition import Partition

__all__ = [
    "MAX_TRUNCATION_ROUNDS",
    "FetcherSettings",
    "ReplicaFetcher",
    "ReplicaFetcherManager",
    "divergence",
    "listener_endpoint_of",
]

#: What a round of fetching may fail with, retried after ``replica.fetch.backoff.ms`` on a new
#: connection: the leader's answers and this broker's storage errors (Kafka errors; a storage
#: error has already taken its partition offline), a connection that failed (``OSError``) and a
#: malformed response (``ProtocolError``). Anything else is a bug and ends the fetcher loudly.
_RETRIED_FAILURES: Final = (KafkaError, OSError, ProtocolError)

log = logging.getLogger("samsa.replication.fetcher")

#: OffsetForLeaderEpoch rounds before a follower gives up on finding the divergence and
#: truncates to its high watermark (each round removes at least one epoch, so real logs need
#: a handful).
MAX_TRUNCATION_ROUNDS: Final = 64
#: Requests a fetcher keeps in flight: one (the fetch loop is sequential).
_MAX_IN_FLIGHT: Final = 1

Endpoint = tuple[str, int]


def listener_endpoint_of(
    image_of: Callable[[], MetadataImage], listener: str
) -> Callable[[int], Endpoint | None]:
    """``endpoint_of`` for the fetchers: a broker's endpoint on ``listener`` (the inter-broker
    listener) in the current image, else the address of its registration (a broker that
    registered without listener endpoints); None when it is not registered."""

    def endpoint_of(node_id: int) -> Endpoint | None:
        registration = image_of().brokers.get(node_id)
        if registration is None:
            return None
        found = registration.endpoints.get(listener)
        if found is not None:
            return found
        return registration.host, registration.port

    return endpoint_of


@dataclass(frozen=True, slots=True)
class FetcherSettings:
    """The ``replica.*`` settings a fetcher uses."""

    node_id: int
    fetch_wait_max_ms: int = 500
    fetch_max_bytes: int = 1024 * 1024
    fetch_response_max_bytes: int = 10 * 1024 * 1024
    fetch_backoff_ms: int = 1_000
    socket_timeout_ms: int = 30_000


def divergence(
    requested_epoch: int,
    leader_epoch: int,
    leader_end_offset: int,
    log_end_offset: int,
    local_end_for: Callable[[int], tuple[int, int]],
) -> tuple[int, bool]:
    """Where a follower cuts its log after one OffsetForLeaderEpoch answer.

    The follower asked for ``requested_epoch`` (its latest); the leader answered with the
    largest epoch it has at or below it (``leader_epoch``) and where that epoch ends there.
    ``local_end_for(epoch)`` is the follower's own ``(epoch, end offset)`` for an epoch.
    Returns ``(offset, done)``: truncate to ``offset``; when not ``done`` ask again (with the
    new latest epoch), because the follower lacks the leader's epoch and cannot tell yet
    where, below it, the logs part.
    """
    if leader_epoch == requested_epoch:
        return min(leader_end_offset, log_end_offset), True
    local_epoch, local_end = local_end_for(leader_epoch)
    if local_end < 0:
        return 0, True  # nothing of the follower's log is known to the leader
    if local_epoch == leader_epoch:
        return min(leader_end_offset, local_end, log_end_offset), True
    return min(leader_end_offset, local_end, log_end_offset), False


class _Target:
    """One partition a fetcher replicates."""

    __slots__ = ("backoff_until", "needs_truncation", "partition")

    def __init__(self, partition: Partition) -> None:
        self.partition = partition
        self.needs_truncation = True
        self.backoff_until = 0.0


class ReplicaFetcher:
    """Fetches every partition this broker follows from one leader."""

    def __init__(
        self,
        manager: ReplicaManager,
        leader_id: int,
        endpoint: Endpoint,
        settings: FetcherSettings,
        *,
        security: ClientSecurity | None = None,
    ) -> None:
        self.manager = manager
        self.leader_id = leader_id
        self.endpoint = endpoint
        self.settings = settings
        #: How the connection to the leader is secured (None: plain TCP, no SASL).
        self.security = security
        self._targets: dict[TopicPartition, _Target] = {}
        self._wakeup = asyncio.Event()
        self._connection: Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        #: Fetch responses handled (for tests and metrics).
        self.fetches = 0

    def __repr__(self) -> str:
        return f"ReplicaFetcher(leader {self.leader_id} at {self.endpoint}, {len(self._targets)})"

    @property
    def partitions(self) -> list[TopicPartition]:
        """The partitions fetched."""
        return list(self._targets)

    def add(self, partition: Partition) -> None:
        """Fetch ``partition`` (again from the start: truncation first)."""
        self._targets[partition.tp] = _Target(partition)
        self._wakeup.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"replica-fetcher-{self.leader_id}"
            )
            # A failure it does not retry (a bug) ends the loop, reported at once; the next
            # ``add`` (a leadership change) starts a new one.
            report_unexpected_end(
                self._task,
                log,
                "broker %d: the fetcher from leader %d stopped",
                self.settings.node_id,
                self.leader_id,
            )

    def remove(self, tp: TopicPartition) -> None:
        """Stop fetching ``tp``."""
        self._targets.pop(tp, None)
        self._wakeup.set()

    async def close(self) -> None:
        """Stop the loop and close the connection."""
        self._closed = True
        self._wakeup.set()
        task = self._task
        if task is not None and not task.done():  # a failed loop was reported when it ended
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._drop_connection()

    # -- the loop ----------------------------------------------------------------------------

    async def _run(self) -> None:
        backoff_s = self.settings.fetch_backoff_ms / 1000
        while not self._closed and self._targets:
            try:
                await self._step()
            except _RETRIED_FAILURES as exc:
                log.warning(
                    "broker %d: fetching from leader %d at %s:%d failed: %s",
                    self.settings.node_id,
                    self.leader_id,
                    *self.endpoint,
                    exc,
                )
                self._drop_connection()
                await self._sleep(backoff_s)
        self._drop_connection()

    async def _sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a partition is added or removed."""
        self._wakeup.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, seconds)):
                await self._wakeup.wait()

    async def _connect(self) -> Connection:
        conn = self._connection
        if conn is not None and not conn.closed:
            return conn
        host, port = self.endpoint
        settings = self.settings
        client_id = f"samsa-replica-fetcher-{settings.node_id}"
        timeout_ms = settings.socket_timeout_ms
        conn = Connection(
            host,
            port,
            node_id=self.leader_id,
            client_id=client_id,
            request_timeout_ms=timeout_ms,
            connect_timeout_ms=timeout_ms,
            max_in_flight=_MAX_IN_FLIGHT,
            security=self.security,
        )
        await conn.open()  # TLS, then SASL when ``security`` asks for them
        self._connection = conn
        return conn

    def _drop_connection(self) -> None:
        conn, self._connection = self._connection, None
        if conn is not None:
            conn.close()

    async def _step(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        for tp, target in list(self._targets.items()):
            if not target.partition.is_follower or target.partition.leader != self.leader_id:
                self._targets.pop(tp, None)
        ready = [t for t in self._targets.values() if t.backoff_until <= now]
        if not ready:
            wake = min((t.backoff_until for t in self._targets.values()), default=now + 1.0)
            await self._sleep(wake - now)
            return
        conn = await self._connect()
        truncating = [t for t in ready if t.needs_truncation]
        if truncating:
            await self._truncate(conn, truncating)
        fetching = [t for t in ready if not t.needs_truncation and t.backoff_until <= now]
        if fetching:
            await self._fetch(conn, fetching)

    def _back_off(self, target: _Target, code: ErrorCode) -> None:
        loop = asyncio.get_running_loop()
        target.backoff_until = loop.time() + self.settings.fetch_backoff_ms / 1000
        log.debug(
            "broker %d: %s from leader %d answered %s; backing off",
            self.settings.node_id,
            target.partition.tp,
            self.leader_id,
            code.name,
        )

    # -- truncation --------------------------------------------------------------------------

    async def _truncate(self, conn: Connection, targets: list[_Target]) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(MAX_TRUNCATION_ROUNDS):
            asking: dict[TopicPartition, tuple[_Target, int]] = {}
            now = loop.time()
            for target in targets:
                if not target.needs_truncation or target.backoff_until > now:
                    continue
                partition = target.partition
                epoch = partition.log.epoch_cache.latest_epoch
                if epoch is None:
                    # No epoch known: what is not committed cannot be checked; keep the
                    # committed part (Kafka's fallback).
                    self.manager.truncate_follower(partition, partition.high_watermark)
                    target.needs_truncation = False
                    continue
                asking[partition.tp] = (target, epoch)
            if not asking:
                return
            by_topic: dict[
                str, list[OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition]
            ] = {}
            for tp, (target, epoch) in asking.items():
                by_topic.setdefault(tp.topic, []).append(
                    OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition(
                        partition=tp.partition,
                        current_leader_epoch=target.partition.leader_epoch,
                        leader_epoch=epoch,
                    )
                )
            request = OffsetForLeaderEpochRequest(
                replica_id=self.settings.node_id,
                topics=[
                    OffsetForLeaderEpochRequest.OffsetForLeaderTopic(topic=t, partitions=ps)
                    for t, ps in by_topic.items()
                ],
            )
            response: OffsetForLeaderEpochResponse = await conn.request(request)
            for topic in response.topics:
                for p in topic.partitions:
                    found = asking.get(TopicPartition(topic.topic, p.partition))
                    if found is None:
                        continue
                    target, epoch = found
                    self._apply_epoch_answer(target, epoch, p)
        now = loop.time()
        for target in targets:
            if target.needs_truncation and target.backoff_until <= now:
                partition = target.partition
                log.warning(
                    "%s: no agreement with leader %d after %d rounds; truncating to the high "
                    "watermark %d",
                    partition.tp,
                    self.leader_id,
                    MAX_TRUNCATION_ROUNDS,
                    partition.high_watermark,
                )
                self.manager.truncate_follower(partition, partition.high_watermark)
                target.needs_truncation = False

    def _apply_epoch_answer(
        self,
        target: _Target,
        requested_epoch: int,
        answer: OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset,
    ) -> None:
        partition = target.partition
        code = ErrorCode(answer.error_code)
        if code != ErrorCode.NONE:
            self._back_off(target, code)
            return
        log_ = partition.log
        if answer.end_offset < 0 or answer.leader_epoch == UNDEFINED_EPOCH:
            offset, done = partition.high_watermark, True
        else:
            offset, done = divergence(
                requested_epoch,
                answer.leader_epoch,
                answer.end_offset,
                log_.log_end_offset,
                lambda e: log_.epoch_cache.end_offset_for(e, log_.log_end_offset),
            )
        if offset < log_.log_end_offset:
            log.info(
                "%s: truncating from %d to %d (leader %d has epoch %d up to %d)",
                partition.tp,
                log_.log_end_offset,
                offset,
                self.leader_id,
                answer.leader_epoch,
                answer.end_offset,
            )
            self.manager.truncate_follower(partition, offset)
        if done:
            target.needs_truncation = False

    # -- fetch -------------------------------------------------------------------------------

    async def _fetch(self, conn: Connection, targets: list[_Target]) -> None:
        settings = self.settings
        by_topic: dict[str, list[FetchRequest.FetchTopic.FetchPartition]] = {}
        sent: dict[TopicPartition, tuple[_Target, int]] = {}
        for target in targets:
            partition = target.partition
            offset = partition.log.log_end_offset
            sent[partition.tp] = (target, offset)
            by_topic.setdefault(partition.tp.topic, []).append(
                FetchRequest.FetchTopic.FetchPartition(
                    partition=partition.tp.partition,
                    current_leader_epoch=partition.leader_epoch,
                    fetch_offset=offset,
                    log_start_offset=partition.log.log_start_offset,
                    partition_max_bytes=settings.fetch_max_bytes,
                )
            )
        request = FetchRequest(
            replica_id=settings.node_id,
            max_wait_ms=settings.fetch_wait_max_ms,
            min_bytes=1,
            max_bytes=settings.fetch_response_max_bytes,
            isolation_level=0,
            session_id=0,
            session_epoch=-1,
            topics=[FetchRequest.FetchTopic(topic=t, partitions=ps) for t, ps in by_topic.items()],
            forgotten_topics_data=[],
            rack_id="",
        )
        timeout_s = (settings.fetch_wait_max_ms + settings.socket_timeout_ms) / 1000
        response: FetchResponse = await conn.request(request, timeout_s=timeout_s)
        self.fetches += 1
        if response.error_code:
            raise_for_code(response.error_code, "the leader refused the fetch")
        now_ms = self.manager.clock_ms()
        for topic in response.responses:
            for p in topic.partitions:
                found = sent.get(TopicPartition(topic.topic, p.partition_index))
                if found is None:
                    continue
                target, offset = found
                if self._targets.get(target.partition.tp) is not target:
                    continue  # removed or re-added while the fetch was out
                self._apply_fetched(target, offset, p, now_ms)

    def _apply_fetched(
        self,
        target: _Target,
        fetch_offset: int,
        data: FetchResponse.FetchableTopicResponse.PartitionData,
        now_ms: int,
    ) -> None:
        partition = target.partition
        code = ErrorCode(data.error_code)
        if code == ErrorCode.OFFSET_OUT_OF_RANGE:
            leader_start = data.log_start_offset
            if 0 <= partition.log.log_end_offset < leader_start:
                log.info(
                    "%s: log end %d is below leader %d's log start %d; starting over there",
                    partition.tp,
                    partition.log.log_end_offset,
                    self.leader_id,
                    leader_start,
                )
                self.manager.truncate_follower_fully(partition, leader_start)
            else:
                target.needs_truncation = True
            return
        if code != ErrorCode.NONE:
            self._back_off(target, code)
            return
        if partition.log.log_end_offset != fetch_offset or not partition.is_follower:
            return  # truncated or promoted meanwhile; the next round starts from the new end
        records = data.records
        if isinstance(records, bytes | bytearray | memoryview) and len(records) > 0:
            self.manager.append_as_follower(partition, bytes(records), now_ms)
        partition.update_follower_high_watermark(data.high_watermark)


class ReplicaFetcherManager:
    """The fetchers of this broker, one per leader it follows."""

    def __init__(
        self,
        manager: ReplicaManager,
        settings: FetcherSettings,
        endpoint_of: Callable[[int], Endpoint | None],
        *,
        security: ClientSecurity | None = None,
    ) -> None:
        self.manager = manager
        self.settings = settings
        self.endpoint_of = endpoint_of
        #: How every fetcher's connection is secured (``inter_broker_security``; None: plain
        #: TCP). Set before fetching starts: running fetchers keep the one they began with.
        self.security = security
        self._fetchers: dict[tuple[int, Endpoint], ReplicaFetcher] = {}
        self._where: dict[TopicPartition, tuple[int, Endpoint]] = {}
        self._unresolved: dict[TopicPartition, Partition] = {}

    @property
    def fetchers(self) -> list[ReplicaFetcher]:
        """The fetchers running."""
        return list(self._fetchers.values())

    def follow(self, partition: Partition) -> None:
        """Start (or restart, truncating first) fetching ``partition`` from its leader."""
        self.unfollow(partition.tp)
        endpoint = self.endpoint_of(partition.leader) if partition.leader >= 0 else None
        if endpoint is None:
            # No leader, or its address is not known yet: ``retry_unresolved`` tries again
            # when the metadata changes.
            self._unresolved[partition.tp] = partition
            return
        key = (partition.leader, endpoint)
        fetcher = self._fetchers.get(key)
        if fetcher is None:
            fetcher = self._fetchers[key] = ReplicaFetcher(
                self.manager, partition.leader, endpoint, self.settings, security=self.security
            )
        fetcher.add(partition)
        self._where[partition.tp] = key

    def unfollow(self, tp: TopicPartition) -> None:
        """Stop fetching ``tp``."""
        self._unresolved.pop(tp, None)
        key = self._where.pop(tp, None)
        if key is not None:
            fetcher = self._fetchers.get(key)
            if fetcher is not None:
                fetcher.remove(tp)

    def refresh_endpoints(self, nodes: set[int]) -> None:
        """Brokers in ``nodes`` registered again: follow their partitions at the new address
        if it changed."""
        for tp, (leader, endpoint) in list(self._where.items()):
            if leader in nodes and self.endpoint_of(leader) != endpoint:
                fetcher = self._fetchers.get((leader, endpoint))
                target = fetcher._targets.get(tp) if fetcher is not None else None
                if target is not None:
                    self.follow(target.partition)

    def retry_unresolved(self) -> None:
        """Follow the partitions whose leader had no known address."""
        for partition in list(self._unresolved.values()):
            if partition.is_follower:
                self.follow(partition)
            else:
                self._unresolved.pop(partition.tp, None)

    async def close_idle(self) -> None:
        """Close fetchers left without partitions."""
        idle = [k for k, f in self._fetchers.items() if not f.partitions]
        for key in idle:
            await self._fetchers.pop(key).close()

    async def close(self) -> None:
        """Stop every fetcher."""
        fetchers = list(self._fetchers.values())
        self._fetchers.clear()
        self._where.clear()
        self._unresolved.clear()
        for fetcher in fetchers:
            await fetcher.close()
