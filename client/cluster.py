"""The shared core of every client: connections per broker and the metadata cache.

``Cluster`` bootstraps from ``bootstrap.servers``, keeps one connection per broker id (opened
on first use, reopened after a failure with exponential backoff between
``reconnect.backoff.ms`` and ``reconnect.backoff.max.ms``) and the current
``ClusterMetadata``. Metadata is refreshed in the background every ``metadata.max.age.ms``
and soon after anyone calls ``request_update()`` (the producer and consumer do on
NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, connection failures
and leader moves); concurrent refreshes share one request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable
from typing import Any, Final

from client.config import ClientConfig
from client.connection import Connection
from client.errors import (
    ClientClosedError,
    ClientError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    error_from_code,
)
from client.metadata import ClusterMetadata, TopicInfo
from client.security import ClientSecurity
from client.types import BrokerInfo, TopicPartition
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import FindCoordinatorRequest, Message, MetadataRequest

__all__ = ["COORDINATOR_CONNECTION_OFFSET", "Cluster", "coordinator_connection"]

log = logging.getLogger("samsa.client.cluster")

#: What a background metadata refresh may fail with and retry after a backoff: the brokers'
#: answers and the connection's failures (Kafka errors, a closed socket, a malformed response,
#: the client's own errors). Anything else is a bug: it stops the refreshes, logged at once.
_REFRESH_FAILURES: Final = (KafkaError, ClientError, OSError, ProtocolError)


def _report_stopped_updates(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("background metadata refreshes stopped", exc_info=exc)


#: Topic errors that mean "not there yet": waiting for metadata keeps waiting on them.
_TRANSIENT_TOPIC_ERRORS: Final = frozenset(
    {ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE}
)
#: Coordinator errors after which FindCoordinator is asked again.
_COORDINATOR_RETRY: Final = frozenset(
    {
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.NOT_COORDINATOR,
    }
)
#: A refresh that fails tries this many brokers (then bootstrap addresses) before giving up.
_MAX_REFRESH_ATTEMPTS: Final = 8

#: Group coordinator traffic gets its own connection per broker (id offset by this), as in
#: Kafka's consumer: a broker answers in order per connection, so a JoinGroup parked for a
#: rebalance would otherwise hold up fetches, and long-poll fetches would delay heartbeats.
COORDINATOR_CONNECTION_OFFSET: Final = 1 << 30


def coordinator_connection(node_id: int) -> int:
    """The connection id for coordinator requests to broker ``node_id``."""
    return COORDINATOR_CONNECTION_OFFSET + node_id


def _broker_id(connection_id: int) -> int:
    if connection_id >= COORDINATOR_CONNECTION_OFFSET:
        return connection_id - COORDINATOR_CONNECTION_OFFSET
    return connection_id


class Cluster:
    """Connections and metadata for one client (producer, consumer or admin)."""

    def __init__(self, config: ClientConfig, *, allow_auto_topic_creation: bool = True) -> None:
        self.config = config
        #: TLS and SASL of every connection (``ConfigError`` here when a file is unusable).
        self.security = ClientSecurity.from_config(config)
        self.allow_auto_topic_creation = allow_auto_topic_creation
        self.metadata = ClusterMetadata()
        self._connections: dict[int, Connection] = {}
        self._connecting: dict[int, asyncio.Task[Connection]] = {}
        self._failures: dict[int, int] = {}
        self._reconnect_at: dict[int, float] = {}
        self._topics: set[str] = set()
        self._all_topics = False
        self._refreshing: asyncio.Task[ClusterMetadata] | None = None
        self._updater: asyncio.Task[None] | None = None
        self._update_wanted = asyncio.Event()
        self._metadata_changed = asyncio.Event()
        self._last_refresh = 0.0
        self._urgent = False
        self._started = False
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Fetch the first metadata (from a bootstrap address) and start background refresh."""
        if self._closed:
            raise ClientClosedError("the client is closed")
        if self._started:
            return
        await self.refresh()
        self._started = True
        self._updater = asyncio.create_task(self._update_loop(), name="samsa-metadata")
        self._updater.add_done_callback(_report_stopped_updates)

    async def close(self) -> None:
        """Close every connection and stop background work."""
        self._closed = True
        tasks: list[asyncio.Task[Any]] = [
            t for t in (self._updater, self._refreshing) if t is not None
        ]
        tasks.extend(self._connecting.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._connecting.clear()
        for conn in list(self._connections.values()):
            conn.close()
        self._connections.clear()

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._closed

    # -- connections -------------------------------------------------------------------------

    def _address(self, node_id: int) -> tuple[str, int]:
        node_id = _broker_id(node_id)
        if node_id < 0:
            servers = self.config.bootstrap_servers
            return servers[(-node_id - 1) % len(servers)]
        broker = self.metadata.brokers.get(node_id)
        if broker is None:
            raise KafkaConnectionError("?", 0, f"node {node_id} is not in the metadata")
        return broker.host, broker.port

    def connected(self, node_id: int) -> Connection | None:
        """The open connection to ``node_id``, or None (no connecting)."""
        conn = self._connections.get(node_id)
        return conn if conn is not None and conn.connected else None

    async def connection(self, node_id: int) -> Connection:
        """The connection to ``node_id``, opened if needed (one attempt in progress at a time)."""
        conn = self._connections.get(node_id)
        if conn is not None and conn.connected:
            return conn
        if self._closed:
            raise ClientClosedError("the client is closed")
        task = self._connecting.get(node_id)
        if task is None:
            task = asyncio.create_task(self._connect(node_id), name=f"samsa-connect-{node_id}")
            self._connecting[node_id] = task
        return await asyncio.shield(task)

    def connect_soon(self, node_id: int) -> None:
        """Start connecting to ``node_id`` in the background (errors are recorded, not raised)."""
        if node_id in self._connecting or self.connected(node_id) is not None or self._closed:
            return
        task = asyncio.create_task(self._connect(node_id), name=f"samsa-connect-{node_id}")
        task.add_done_callback(_swallow)
        self._connecting[node_id] = task

    async def _connect(self, node_id: int) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            delay = self._reconnect_at.get(node_id, 0.0) - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            host, port = self._address(node_id)
            conn = Connection(
                host,
                port,
                node_id=node_id,
                client_id=self.config.client_id,
                request_timeout_ms=self.config.request_timeout_ms,
                connect_timeout_ms=self.config.socket_connection_setup_timeout_ms,
                max_in_flight=self.config.max_in_flight_requests_per_connection,
                security=self.security,
            )
            try:
                await conn.open()
            except KafkaError:
                self._note_failure(node_id)
                self.request_update()
                raise
            self._failures.pop(node_id, None)
            self._reconnect_at.pop(node_id, None)
            old = self._connections.get(node_id)
            if old is not None and old is not conn:
                old.close()
            self._connections[node_id] = conn
            conn.add_close_callback(self._on_close)
            return conn
        finally:
            self._connecting.pop(node_id, None)

    def _note_failure(self, node_id: int) -> None:
        failures = self._failures.get(node_id, 0) + 1
        self._failures[node_id] = failures
        base = self.config.reconnect_backoff_ms
        cap = self.config.reconnect_backoff_max_ms
        backoff = min(cap, base * 2 ** min(failures - 1, 16)) / 1000
        backoff *= random.uniform(0.8, 1.2)  # jitter, as Kafka's clients do
        self._reconnect_at[node_id] = asyncio.get_running_loop().time() + backoff

    def _on_close(self, conn: Connection) -> None:
        if self._connections.get(conn.node_id) is conn:
            del self._connections[conn.node_id]
            if not self._closed:
                self._note_failure(conn.node_id)

    async def request(self, node_id: int, body: Message, *, timeout_s: float | None = None) -> Any:
        """Send ``body`` to ``node_id`` and return the response."""
        conn = await self.connection(node_id)
        return await conn.request(body, timeout_s=timeout_s)

    def _candidates(self) -> list[int]:
        """Node ids to try for a request any broker can answer: connected ones first."""
        connected = sorted(
            (
                c
                for c in self._connections.values()
                if c.connected and 0 <= c.node_id < COORDINATOR_CONNECTION_OFFSET
            ),
            key=lambda c: c.in_flight,
        )
        ids = [c.node_id for c in connected]
        others = [n for n in self.metadata.brokers if n not in ids]
        random.shuffle(others)
        now = asyncio.get_running_loop().time()
        others.sort(key=lambda n: self._reconnect_at.get(n, 0.0) > now)
        ids.extend(others)
        bootstrap = [-(i + 1) for i in range(len(self.config.bootstrap_servers))]
        random.shuffle(bootstrap)
        ids.extend(bootstrap)
        return ids

    async def request_any(
        self, body: Message, *, timeout_s: float | None = None
    ) -> tuple[int, Any]:
        """Send ``body`` to the least loaded reachable broker: ``(node_id, response)``."""
        errors: list[KafkaError] = []
        for node_id in self._candidates()[:_MAX_REFRESH_ATTEMPTS]:
            try:
                conn = await self.connection(node_id)
            except KafkaConnectionError as exc:
                errors.append(exc)
                continue
            return node_id, await conn.request(body, timeout_s=timeout_s)
        if errors:
            raise (
                errors[-1]
                if len(errors) == 1
                else KafkaConnectionError(
                    errors[-1].host,  # type: ignore[attr-defined]
                    errors[-1].port,  # type: ignore[attr-defined]
                    "no broker reachable: " + "; ".join(str(e) for e in errors),
                )
            )
        raise KafkaConnectionError("?", 0, "no broker known")

    # -- metadata ----------------------------------------------------------------------------

    @property
    def topics(self) -> frozenset[str]:
        """Topics whose metadata is kept."""
        return frozenset(self._topics)

    def add_topics(self, topics: Iterable[str]) -> bool:
        """Keep metadata for these topics too; True (and an update is asked for) if new."""
        new = set(topics) - self._topics
        if new:
            self._topics |= new
            self.request_update(urgent=True)
        return bool(new)

    def set_topics(self, topics: Iterable[str], *, all_topics: bool = False) -> None:
        """Keep metadata exactly for ``topics`` (or every topic, for pattern subscriptions)."""
        topics = set(topics)
        if topics != self._topics or all_topics != self._all_topics:
            self._topics = topics
            self._all_topics = all_topics
            self.request_update(urgent=True)

    def request_update(self, *, urgent: bool = False) -> None:
        """Ask for a metadata refresh soon: at most once per ``retry.backoff.ms`` after
        errors, at once (``urgent``) for topics just added, as Kafka's clients do."""
        if urgent:
            self._urgent = True
        self._update_wanted.set()

    def invalidate_leaders(self, tps: Iterable[TopicPartition]) -> None:
        """Forget the leaders of these partitions (they moved) and ask for fresh metadata."""
        self.metadata = self.metadata.without_leader(tps)
        self.request_update()

    def _metadata_request(self, topics: Iterable[str] | None) -> MetadataRequest:
        body = MetadataRequest(
            topics=[MetadataRequest.MetadataRequestTopic(name=t) for t in sorted(topics or ())],
            allow_auto_topic_creation=self.allow_auto_topic_creation,
        )
        if topics is None:
            body.topics = None  # the constructor maps None to []
        return body

    async def refresh(self) -> ClusterMetadata:
        """Fetch metadata now (sharing a refresh already under way) and return it."""
        task = self._refreshing
        if task is None or task.done():
            task = asyncio.create_task(self._refresh(), name="samsa-metadata-refresh")
            task.add_done_callback(_swallow)
            self._refreshing = task
        return await asyncio.shield(task)

    async def _refresh(self) -> ClusterMetadata:
        all_topics = self._all_topics
        topics = None if all_topics else set(self._topics)
        self._update_wanted.clear()
        _, response = await self.request_any(self._metadata_request(topics))
        self.metadata = self.metadata.merge(response, replace_topics=all_topics)
        self._last_refresh = asyncio.get_running_loop().time()
        changed = self._metadata_changed
        self._metadata_changed = asyncio.Event()
        changed.set()
        # Connections to brokers that left the cluster are closed.
        for node_id, conn in list(self._connections.items()):
            if node_id >= 0 and _broker_id(node_id) not in self.metadata.brokers:
                conn.close()
        if self.metadata.brokers:
            for node_id, conn in list(self._connections.items()):
                if node_id < 0:  # bootstrap connections are not needed any more
                    conn.close()
        return self.metadata

    async def fetch_metadata(self, topics: Iterable[str] | None) -> Any:
        """A Metadata response for exactly these topics (None: all), without caching it."""
        _, response = await self.request_any(self._metadata_request(topics))
        return response

    async def _update_loop(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        max_age = self.config.metadata_max_age_ms / 1000
        while not self._closed:
            due = self._last_refresh + max_age
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, due - loop.time())):
                    await self._update_wanted.wait()
            # Never refresh more often than retry.backoff.ms, unless topics were added.
            wait = self._last_refresh + self.config.retry_backoff_s - loop.time()
            if wait > 0 and not self._urgent:
                await asyncio.sleep(wait)
            self._urgent = False
            try:
                await self.refresh()
                failures = 0
            except _REFRESH_FAILURES as exc:
                failures += 1
                backoff = (
                    min(
                        self.config.retry_backoff_max_ms,
                        self.config.retry_backoff_ms * 2 ** min(failures, 16),
                    )
                    / 1000
                )
                log.debug("metadata refresh failed (%s); again in %.2f s", exc, backoff)
                self._update_wanted.set()
                await asyncio.sleep(backoff)

    async def wait_for_topic(self, topic: str, timeout_s: float) -> TopicInfo:
        """The topic's metadata, refreshing until it is known (``KafkaTimeoutError`` after).

        Errors other than "unknown"/"no leader yet" (an invalid name, no authorization) are
        raised at once.
        """
        info = self.metadata.topics.get(topic)
        if info is not None:
            return info
        self.add_topics([topic])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        last_error: KafkaError | None = None
        while True:
            changed = self._metadata_changed
            self.request_update()
            info = self.metadata.topics.get(topic)
            if info is not None:
                return info
            code = self.metadata.topic_errors.get(topic)
            if code is not None and code not in _TRANSIENT_TOPIC_ERRORS:
                raise error_from_code(code, f"topic {topic!r}")
            try:
                async with asyncio.timeout_at(deadline):
                    if not self._started:
                        await self.refresh()
                    else:
                        await changed.wait()
            except TimeoutError:
                detail = f" (last error: {last_error})" if last_error else ""
                raise KafkaTimeoutError(
                    f"topic {topic!r} not present in metadata after {timeout_s * 1000:.0f} ms"
                    f"{detail}"
                ) from None
            except KafkaError as exc:
                last_error = exc
                await asyncio.sleep(
                    min(self.config.retry_backoff_s, max(0, deadline - loop.time()))
                )

    async def wait_for_update(self, timeout_s: float) -> ClusterMetadata:
        """Ask for a refresh and wait for the next new metadata (or the timeout)."""
        changed = self._metadata_changed
        self.request_update()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await changed.wait()
        return self.metadata

    # -- coordinators ------------------------------------------------------------------------

    async def find_coordinator(self, key: str, key_type: int = 0) -> int:
        """The node id of the coordinator of a group (``key_type`` 0) or transaction (1).

        Retries COORDINATOR_NOT_AVAILABLE and friends within ``request.timeout.ms``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.request_timeout_s
        attempt = 0
        while True:
            _, response = await self.request_any(FindCoordinatorRequest(key=key, key_type=key_type))
            code = response.error_code
            if code == 0:
                node_id = int(response.node_id)
                if node_id not in self.metadata.brokers:
                    await self.refresh()
                if node_id not in self.metadata.brokers:
                    # Not in metadata yet: remember its address so that we can connect.
                    brokers = dict(self.metadata.brokers)
                    brokers[node_id] = BrokerInfo(node_id, response.host, response.port)
                    m = self.metadata
                    self.metadata = ClusterMetadata(
                        brokers, m.topics, m.topic_errors, m.controller_id, m.cluster_id
                    )
                return node_id
            error = error_from_code(code, response.error_message or f"coordinator of {key!r}")
            if code not in _COORDINATOR_RETRY or loop.time() >= deadline:
                raise error
            attempt += 1
            await asyncio.sleep(
                min(self.config.retry_backoff_max_ms, self.config.retry_backoff_ms * 2**attempt)
                / 1000
            )


def _swallow(task: asyncio.Task[Any]) -> None:
    """Retrieve a background task's exception (its awaiters, if any, got it already)."""
    if not task.cancelled():
        task.exception()
