"""One TCP connection to a broker: pipelined requests, in-order responses, deadlines.

Requests are written at once and matched to responses by order (Kafka answers in order per
connection) and checked by correlation id. At most ``max.in.flight.requests.per.connection``
requests wait for answers; ``request()`` waits for a free slot, ``send()`` is for callers that
checked ``has_capacity`` themselves. Each request has a deadline (``request.timeout.ms`` unless
the caller gives a longer one, as long-poll fetches and JoinGroup need); a request that misses
it fails with ``KafkaTimeoutError`` and the connection is closed, as Kafka's clients do, which
fails the requests behind it with ``KafkaConnectionError``.

On ``open()`` the connection negotiates versions with ApiVersions: it asks at its highest
version and, when the broker answers UNSUPPORTED_VERSION with its own range, asks again at the
highest version the broker named.
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
from protocol.codec import decode_response, encode_request
from protocol.errors import ProtocolError
from protocol.frame import DEFAULT_MAX_FRAME_BYTES, FrameDecoder
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse, Message, api_name

__all__ = ["CLIENT_SOFTWARE_NAME", "CLIENT_SOFTWARE_VERSION", "Connection"]

log = logging.getLogger("samsa.client.connection")

CLIENT_SOFTWARE_NAME: Final = "samsa-python"
CLIENT_SOFTWARE_VERSION: Final = "0.1.0"

_UNSUPPORTED_VERSION: Final = 35
_INT32_MAX: Final = 2**31 - 1
#: Kafka's answer to an unknown API version closes the connection; a broker that closes on our
#: ApiVersions is retried once at v0, the version every broker answers.
_API_VERSIONS_FALLBACK: Final = 0


class _InFlight:
    __slots__ = ("api_key", "correlation_id", "future", "timer", "version")

    def __init__(
        self,
        api_key: int,
        version: int,
        correlation_id: int,
        future: asyncio.Future[Any],
        timer: asyncio.TimerHandle | None,
    ) -> None:
        self.api_key = api_key
        self.version = version
        self.correlation_id = correlation_id
        self.future = future
        self.timer = timer


class _Protocol(asyncio.BufferedProtocol):
    """Reads frames into the decoder's buffer and hands them to the connection."""

    def __init__(self, connection: Connection, max_frame_bytes: int) -> None:
        self._connection = connection
        self._decoder = FrameDecoder(max_frame_bytes)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._connection._transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._decoder.get_buffer()

    def buffer_updated(self, nbytes: int) -> None:
        try:
            frames = self._decoder.buffer_updated(nbytes)
        except ProtocolError as exc:
            self._connection._fail(KafkaConnectionError(*self._connection.address, str(exc)))
            return
        for frame in frames:
            self._connection._on_frame(frame)

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
        self.max_in_flight = max_in_flight
        self._max_frame_bytes = max_frame_bytes
        self._transport: asyncio.Transport | None = None
        self._inflight: deque[_InFlight] = deque()
        self._slot_waiters: deque[asyncio.Future[None]] = deque()
        self._correlation_id = 0
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
        return len(self._inflight)

    @property
    def has_capacity(self) -> bool:
        """True when one more request may be sent without waiting."""
        return not self._closed and len(self._inflight) < self.max_in_flight

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
                await loop.create_connection(
                    lambda: _Protocol(self, self._max_frame_bytes), self.host, self.port
                )
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
        if response.error_code == _UNSUPPORTED_VERSION:
            # The broker answered with a v0 body listing its ranges: ask again at the highest
            # ApiVersions version it offers (Kafka's downgrade rule).
            offered = {k.api_key: k.max_version for k in response.api_keys}
            version = min(version, offered.get(ApiVersionsRequest.API_KEY, _API_VERSIONS_FALLBACK))
            version = max(version, ApiVersionsRequest.MIN_VERSION)
            log.debug("%s: ApiVersions downgraded to v%d", self.address_text, version)
            response = await self.request(body, version=version)
        if response.error_code:
            raise error_from_code(response.error_code, f"ApiVersions from {self.address_text}")
        self.versions = ApiVersionTable(
            {k.api_key: (k.min_version, k.max_version) for k in response.api_keys},
            self.address_text,
        )

    def close(self, reason: KafkaError | None = None) -> None:
        """Close now; requests in flight fail with ``reason`` (or a connection error)."""
        if reason is None:
            reason = KafkaConnectionError(
                self.host, self.port, "connection closed by the client", node_id=self.node_id
            )
        self._fail(reason)

    def _fail(self, reason: KafkaError) -> None:
        if self._closed and not self._inflight and not self._slot_waiters:
            return
        first_close = not self._closed
        self._closed = True
        self._close_reason = reason
        transport = self._transport
        if transport is not None:
            transport.close()
        inflight = self._inflight
        self._inflight = deque()
        for entry in inflight:
            if entry.timer is not None:
                entry.timer.cancel()
            if not entry.future.done():
                entry.future.set_exception(reason)
                # A caller may have given up on it already; the error is reported elsewhere.
                entry.future.exception()
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

    def _next_correlation_id(self) -> int:
        cid = self._correlation_id
        self._correlation_id = 0 if cid >= _INT32_MAX else cid + 1
        return cid

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
        if len(self._inflight) >= self.max_in_flight:
            raise RuntimeError(f"{self!r} has {len(self._inflight)} requests in flight already")
        api_key = body.API_KEY
        if version is None:
            version = self.versions.require(api_key)
        correlation_id = self._next_correlation_id()
        header = RequestHeader(api_key, version, correlation_id, self.client_id)
        chunks = encode_request(header, body)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not expect_response:
            self._transport.writelines(chunks)
            future.set_result(None)
            return future
        timeout = self.request_timeout_s if timeout_s is None else timeout_s
        entry = _InFlight(api_key, version, correlation_id, future, None)
        entry.timer = loop.call_later(timeout, self._expire, entry, timeout)
        self._inflight.append(entry)
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

    def _expire(self, entry: _InFlight, timeout: float) -> None:
        if entry.future.done():
            return
        name = api_name(entry.api_key)
        error = KafkaTimeoutError(
            f"{name} request to {self.address_text} (node {self.node_id}) got no response "
            f"within {timeout:g} s"
        )
        entry.future.set_exception(error)
        entry.future.exception()  # whoever awaits it sees it; nobody else must be told
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

    def _on_frame(self, frame: memoryview) -> None:
        if not self._inflight:
            self._fail(
                KafkaConnectionError(
                    self.host, self.port, "a response arrived with no request", node_id=self.node_id
                )
            )
            return
        entry = self._inflight.popleft()
        if entry.timer is not None:
            entry.timer.cancel()
        try:
            correlation_id, message = decode_response(entry.api_key, entry.version, frame)
        except ProtocolError as exc:
            self._inflight.appendleft(entry)
            self._fail(
                KafkaConnectionError(
                    self.host,
                    self.port,
                    f"undecodable {api_name(entry.api_key)} response: {exc}",
                    node_id=self.node_id,
                )
            )
            return
        if correlation_id != entry.correlation_id:
            self._inflight.appendleft(entry)
            self._fail(
                KafkaConnectionError(
                    self.host,
                    self.port,
                    f"response correlation id {correlation_id}, expected {entry.correlation_id}",
                    node_id=self.node_id,
                )
            )
            return
        if not entry.future.done():
            entry.future.set_result(message)
        waiters = self._slot_waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break
