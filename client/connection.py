"""One TCP connection to a broker: the asyncio driver of ``protocol.connection.ClientConnection``.

The sans-IO ``ClientConnection`` owns the Kafka side: framing, request headers, correlation
ids, matching each response to the oldest request (Kafka answers in order per connection) and
checking its correlation id, and the in-flight bound. This driver owns the socket, the futures
and the deadlines. At most ``max.in.flight.requests.per.connection``
requests wait for answers; ``request()`` waits for a free slot, ``send()`` is for callers that
checked ``has_capacity`` themselves. Each request has a deadline (``request.timeout.ms`` unless
the caller gives a longer one, as long-poll fetches and JoinGroup need); a request that misses
it fails with ``KafkaTimeoutError`` and the connection is closed, as Kafka's clients do, which
fails the requests behind it with ``KafkaConnectionError``.

On ``open()`` the connection negotiates versions with ApiVersions: it asks at its highest
version and, when the broker answers UNSUPPORTED_VERSION with its own range, asks again at the
highest version the broker named (``protocol.connection_versions``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any, Final

from client.errors import (
    ClientClosedError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    error_from_code,
)
from client.versions import ApiVersionTable
from protocol.connection import ClientConnection, PendingRequest
from protocol.connection_versions import api_versions_retry_version
from protocol.errors import ProtocolError
from protocol.frame import DEFAULT_MAX_FRAME_BYTES
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse, Message, api_name

__all__ = ["CLIENT_SOFTWARE_NAME", "CLIENT_SOFTWARE_VERSION", "Connection"]

log = logging.getLogger("samsa.client.connection")

CLIENT_SOFTWARE_NAME: Final = "samsa-python"
CLIENT_SOFTWARE_VERSION: Final = "0.1.0"


class _Protocol(asyncio.BufferedProtocol):
    """Reads into the connection's frame buffers and hands whole responses to it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._core = connection._core

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._connection._transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._core.get_buffer()

    def buffer_updated(self, nbytes: int) -> None:
        try:
            completed = self._core.buffer_updated(nbytes)
        except ProtocolError as exc:
            self._connection._fail(KafkaConnectionError(*self._connection.address, str(exc)))
            return
        if completed:
            self._connection._on_responses()

    def eof_received(self) -> bool | None:
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        reason = str(exc) if exc is not None else "closed by the broker"
        self._connection._fail(
            KafkaConnectionError(
                *self._connection.address, reason, node_id=self._connection.node_id
            )
        )

    def pause_writing(self) -> None:
        self._connection._writable.clear()

    def resume_writing(self) -> None:
        self._connection._writable.set()


class Connection:
    """A connection to one broker (``node_id`` -1 and below for bootstrap addresses)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        node_id: int = -1,
        client_id: str = CLIENT_SOFTWARE_NAME,
        request_timeout_ms: int = 30_000,
        connect_timeout_ms: int = 10_000,
        max_in_flight: int = 5,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
    ) -> None:
        self.host = host
        self.port = port
        self.node_id = node_id
        self.client_id = client_id
        self.request_timeout_s = request_timeout_ms / 1000
        self.connect_timeout_s = connect_timeout_ms / 1000
        self._core = ClientConnection(
            client_id, max_in_flight=max_in_flight, max_frame_bytes=max_frame_bytes
        )
        self._transport: asyncio.Transport | None = None
        self._slot_waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False
        self._close_reason: KafkaError | None = None
        self._writable = asyncio.Event()
        self._writable.set()
        self._on_close: list[Callable[[Connection], None]] = []
        self.versions = ApiVersionTable({}, self.address_text)

    # -- facts -------------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """(host, port)."""
        return self.host, self.port

    @property
    def address_text(self) -> str:
        """``host:port``."""
        return f"{self.host}:{self.port}"

    @property
    def connected(self) -> bool:
        """True after ``open()`` succeeded and before the connection closed."""
        return self._transport is not None and not self._closed

    @property
    def closed(self) -> bool:
        """True once the connection closed (it is never reopened)."""
        return self._closed

    @property
    def in_flight(self) -> int:
        """Requests sent and not answered yet."""
        return self._core.in_flight

    @property
    def max_in_flight(self) -> int:
        """``max.in.flight.requests.per.connection``."""
        return self._core.max_in_flight

    @property
    def has_capacity(self) -> bool:
        """True when one more request may be sent without waiting."""
        return not self._closed and self._core.has_capacity

    def add_close_callback(self, callback: Callable[[Connection], None]) -> None:
        """Call ``callback(self)`` once, when the connection closes."""
        if self._closed:
            callback(self)
        else:
            self._on_close.append(callback)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self._transport else "new"
        return f"Connection(node {self.node_id} at {self.address_text}, {state})"

    # -- lifecycle ---------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and negotiate versions; ``KafkaConnectionError`` naming the address."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                await loop.create_connection(lambda: _Protocol(self), self.host, self.port)
        except TimeoutError:
            self._closed = True
            raise KafkaConnectionError(
                self.host,
                self.port,
                f"not connected within {self.connect_timeout_s:g} s",
                node_id=self.node_id,
            ) from None
        except OSError as exc:
            self._closed = True
            raise KafkaConnectionError(
                self.host, self.port, exc.strerror or str(exc), node_id=self.node_id
            ) from None
        try:
            await self._negotiate()
        except BaseException:
            self.close()
            raise

    async def _negotiate(self) -> None:
        body = ApiVersionsRequest(
            client_software_name=CLIENT_SOFTWARE_NAME,
            client_software_version=CLIENT_SOFTWARE_VERSION,
        )
        version = ApiVersionsRequest.MAX_VERSION
        response: ApiVersionsResponse = await self.request(body, version=version)
        retry = api_versions_retry_version(response, version)
        if retry is not None:
            # The broker answered with a v0 body listing its ranges: ask again at the highest
            # ApiVersions version it offers (Kafka's downgrade rule).
            version = retry
            log.debug("%s: ApiVersions downgraded to v%d", self.address_text, version)
            response = await self.request(body, version=version)
        if response.error_code:
            raise error_from_code(response.error_code, f"ApiVersions from {self.address_text}")
        self.versions = ApiVersionTable.from_response(response, self.address_text)

    def close(self, reason: KafkaError | None = None) -> None:
        """Close now; requests in flight fail with ``reason`` (or a connection error)."""
        if reason is None:
            reason = KafkaConnectionError(
                self.host, self.port, "connection closed by the client", node_id=self.node_id
            )
        self._fail(reason)

    def _fail(self, reason: KafkaError) -> None:
        if self._closed and not self._core.in_flight and not self._slot_waiters:
            return
        first_close = not self._closed
        self._closed = True
        self._close_reason = reason
        transport = self._transport
        if transport is not None:
            transport.close()
        for entry in self._core.abandon():
            if entry.timer is not None:
                entry.timer.cancel()
            future: asyncio.Future[Any] = entry.waiter
            if not future.done():
                future.set_exception(reason)
                # A caller may have given up on it already; the error is reported elsewhere.
                future.exception()
        waiters = self._slot_waiters
        self._slot_waiters = deque()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(reason)
                waiter.exception()
        self._writable.set()
        if first_close:
            callbacks = self._on_close
            self._on_close = []
            for callback in callbacks:
                try:
                    callback(self)
                except Exception:  # a callback's bug must not stop the others
                    log.exception("connection close callback failed")

    # -- requests ----------------------------------------------------------------------------

    def send(
        self,
        body: Message,
        *,
        version: int | None = None,
        expect_response: bool = True,
        timeout_s: float | None = None,
    ) -> asyncio.Future[Any]:
        """Write a request now; the future gets the decoded response.

        ``version`` defaults to the negotiated one. Without ``expect_response`` (Produce with
        acks=0) the future completes with ``None`` once the request is written. The caller
        must have checked ``has_capacity``; past the in-flight bound this raises.
        """
        if self._closed or self._transport is None:
            raise self._close_reason or ClientClosedError(f"{self!r} is not open")
        core = self._core
        if not core.has_capacity:
            raise RuntimeError(f"{self!r} has {core.in_flight} requests in flight already")
        if version is None:
            version = self.versions.require(body.API_KEY)
        chunks, entry = core.send(body, version, expect_response=expect_response)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if entry is None:
            self._transport.writelines(chunks)
            future.set_result(None)
            return future
        timeout = self.request_timeout_s if timeout_s is None else timeout_s
        entry.waiter = future
        entry.timer = loop.call_later(timeout, self._expire, entry, timeout)
        self._transport.writelines(chunks)
        return future

    async def request(
        self,
        body: Message,
        *,
        version: int | None = None,
        timeout_s: float | None = None,
    ) -> Any:
        """Send a request (waiting for a free slot within the timeout) and await its response."""
        timeout = self.request_timeout_s if timeout_s is None else timeout_s
        if not self.has_capacity and not self._closed:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not self.has_capacity and not self._closed:
                waiter: asyncio.Future[None] = loop.create_future()
                self._slot_waiters.append(waiter)
                try:
                    async with asyncio.timeout_at(deadline):
                        await waiter
                except TimeoutError:
                    raise KafkaTimeoutError(
                        f"no free request slot on {self.address_text} within {timeout:g} s"
                    ) from None
                finally:
                    with contextlib.suppress(ValueError):
                        self._slot_waiters.remove(waiter)
            timeout = max(0.0, deadline - loop.time())
        return await self.send(body, version=version, timeout_s=timeout)

    def _expire(self, entry: PendingRequest, timeout: float) -> None:
        future: asyncio.Future[Any] = entry.waiter
        if future.done():
            return
        name = api_name(entry.api_key)
        error = KafkaTimeoutError(
            f"{name} request to {self.address_text} (node {self.node_id}) got no response "
            f"within {timeout:g} s"
        )
        future.set_exception(error)
        future.exception()  # whoever awaits it sees it; nobody else must be told
        entry.timer = None
        # Responses come in order: the ones behind cannot be matched any more.
        self._fail(
            KafkaConnectionError(
                self.host,
                self.port,
                f"closed after a {name} request timed out",
                node_id=self.node_id,
            )
        )

    def _on_responses(self) -> None:
        """Complete the requests whose responses arrived; a response that does not match its
        request fails the connection."""
        core = self._core
        while not self._closed:
            try:
                entry = core.next_response()
            except ProtocolError as exc:
                self._fail(
                    KafkaConnectionError(self.host, self.port, str(exc), node_id=self.node_id)
                )
                return
            if entry is None:
                return
            if entry.timer is not None:
                entry.timer.cancel()
            future: asyncio.Future[Any] = entry.waiter
            if not future.done():
                future.set_result(entry.response)
            waiters = self._slot_waiters
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    break
