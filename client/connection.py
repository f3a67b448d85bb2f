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

With a ``ClientSecurity`` the socket is wrapped in TLS first (``server_hostname`` is the
broker's host; a failed handshake is an ``SslError``), and on SASL protocols ApiVersions is
followed by SaslHandshake v1 and SaslAuthenticate at the highest version both sides speak:
SCRAM (``protocol.scram.ScramClient``, the broker's final message verified) or PLAIN. A refusal
is an ``AuthenticationError`` naming the user and the mechanism. When the broker gives the
session a lifetime (SaslAuthenticate v1+, KIP-368), the connection authenticates again at a
random point between 85% and 95% of it: it stops taking new requests, waits for those in
flight, runs the exchange again and reopens.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import secrets
import ssl
from collections import deque
from collections.abc import Callable
from typing import Any, Final

from client.errors import (
    AuthenticationError,
    ClientClosedError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    SslError,
    error_from_code,
)
from client.security import ClientSecurity, ssl_reason
from client.versions import ApiVersionTable
from protocol.connection import ClientConnection, PendingRequest
from protocol.connection_versions import api_versions_retry_version
from protocol.errors import ErrorCode, ProtocolError
from protocol.frame import DEFAULT_MAX_FRAME_BYTES
from protocol.messages import (
    ApiVersionsRequest,
    ApiVersionsResponse,
    Message,
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
    api_name,
)
from protocol.scram import SaslError, ScramClient, format_plain

__all__ = ["CLIENT_SOFTWARE_NAME", "CLIENT_SOFTWARE_VERSION", "Connection"]

_SASL_API_KEYS: Final = frozenset({SaslHandshakeRequest.API_KEY, SaslAuthenticateRequest.API_KEY})

log = logging.getLogger("samsa.client.connection")

CLIENT_SOFTWARE_NAME: Final = "samsa-python"
CLIENT_SOFTWARE_VERSION: Final = "0.1.0"
#: SaslHandshake v1 is the version whose tokens travel in SaslAuthenticate requests (v0's go
#: as raw frames, which Samsa does not speak).
SASL_HANDSHAKE_VERSION: Final = 1
#: Re-authentication starts at a random point in this share of the session's lifetime (Kafka's
#: clients pick 85-95%), leaving time for requests in flight to finish and the exchange to run.
REAUTH_WINDOW: Final = (0.85, 0.95)
#: Random bytes in a SCRAM client nonce (base64: 32 printable characters).
NONCE_BYTES: Final = 24


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
        if isinstance(exc, ssl.SSLError) and not self._connection._ready:
            # Mutual TLS refused after the client's side of the handshake was done (TLS 1.3).
            # Later, a TLS failure is a broken connection like any other (retriable).
            self._connection._fail(SslError(self._connection.tls_failure(exc)))
            return
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
        security: ClientSecurity | None = None,
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
        self.security = security if security is not None else ClientSecurity()
        #: The principal's session lifetime from the last SaslAuthenticate (0: none).
        self.session_lifetime_ms = 0
        #: True once ``open()`` succeeded.
        self._ready = False
        #: True while a re-authentication holds new requests back.
        self._reauthenticating = False
        self._drained: asyncio.Future[None] | None = None
        self._reauth_timer: asyncio.TimerHandle | None = None
        self._reauth_task: asyncio.Task[None] | None = None

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
        return not self._closed and not self._reauthenticating and self._core.has_capacity

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
        """Connect (TLS when the protocol says so), negotiate versions and authenticate (SASL).
        ``KafkaConnectionError`` naming the address, ``SslError``, ``AuthenticationError``."""
        loop = asyncio.get_running_loop()
        security = self.security
        tls = security.tls_context() if security.uses_tls else None
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                await loop.create_connection(
                    lambda: _Protocol(self),
                    self.host,
                    self.port,
                    ssl=tls,
                    server_hostname=self.host if tls is not None else None,
                )
        except TimeoutError:
            self._closed = True
            raise KafkaConnectionError(
                self.host,
                self.port,
                f"not connected within {self.connect_timeout_s:g} s",
                node_id=self.node_id,
            ) from None
        except ssl.SSLError as exc:
            self._closed = True
            raise SslError(self.tls_failure(exc)) from None
        except OSError as exc:
            self._closed = True
            raise KafkaConnectionError(
                self.host, self.port, exc.strerror or str(exc), node_id=self.node_id
            ) from None
        try:
            try:
                await self._negotiate()
            except KafkaConnectionError:
                if tls is None:
                    raise
                # With TLS 1.3 the broker checks the client's certificate after the client's
                # handshake is done: its refusal arrives as a closed connection.
                raise SslError(
                    f"TLS handshake with {self.address_text} failed: the broker closed the "
                    "connection (does it require a client certificate?)"
                ) from None
            if security.uses_sasl:
                await self._authenticate()
        except BaseException as exc:
            self.close(exc if isinstance(exc, KafkaError) else None)
            raise
        self._ready = True

    def tls_failure(self, exc: ssl.SSLError) -> str:
        """``TLS handshake with host:port failed: <why>``."""
        return f"TLS handshake with {self.address_text} failed: {ssl_reason(exc)}"

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

    # -- SASL --------------------------------------------------------------------------------

    def _auth_failure(self, why: str) -> AuthenticationError:
        security = self.security
        return AuthenticationError(
            f"authentication failed for user {security.sasl_username!r} "
            f"({security.sasl_mechanism}): {why}"
        )

    async def _authenticate(self) -> None:
        """SaslHandshake v1, then the mechanism's SaslAuthenticate round trips."""
        security = self.security
        mechanism = security.sasl_mechanism or ""
        username = security.sasl_username or ""
        password = security.sasl_password or ""
        handshake_range = self.versions.ranges.get(SaslHandshakeRequest.API_KEY)
        if handshake_range is None or handshake_range[1] < SASL_HANDSHAKE_VERSION:
            raise self._auth_failure("the broker does not offer SaslHandshake v1")
        handshake: SaslHandshakeResponse = await self.send(
            SaslHandshakeRequest(mechanism=mechanism), version=SASL_HANDSHAKE_VERSION
        )
        if handshake.error_code == ErrorCode.UNSUPPORTED_SASL_MECHANISM:
            offered = ", ".join(handshake.mechanisms) or "none"
            raise self._auth_failure(f"the broker offers {offered}")
        if handshake.error_code == ErrorCode.ILLEGAL_SASL_STATE:
            raise self._auth_failure("the broker's listener does not use SASL")
        if handshake.error_code:
            raise self._auth_failure(ErrorCode(handshake.error_code).name)
        if mechanism == "PLAIN":
            last = await self._sasl_step(format_plain(username, password))
        else:
            nonce = base64.b64encode(secrets.token_bytes(NONCE_BYTES)).decode("ascii")
            scram = ScramClient(mechanism, username, password, nonce)
            first = await self._sasl_step(scram.first_message())
            try:
                final = scram.final_message(first.auth_bytes)
            except SaslError as exc:
                raise self._auth_failure(str(exc)) from None
            last = await self._sasl_step(final)
            try:
                scram.verify_server_final(last.auth_bytes)
            except SaslError as exc:
                raise self._auth_failure(str(exc)) from None
        self.session_lifetime_ms = max(0, last.session_lifetime_ms)
        if self.session_lifetime_ms > 0:
            self._schedule_reauthentication(self.session_lifetime_ms)

    async def _sasl_step(self, token: bytes) -> SaslAuthenticateResponse:
        version = self.versions.require(SaslAuthenticateRequest.API_KEY)
        response: SaslAuthenticateResponse = await self.send(
            SaslAuthenticateRequest(auth_bytes=token), version=version
        )
        if response.error_code:
            why = response.error_message or ErrorCode(response.error_code).description
            raise self._auth_failure(why)
        return response

    def _schedule_reauthentication(self, lifetime_ms: int) -> None:
        delay_s = lifetime_ms / 1000 * random.uniform(*REAUTH_WINDOW)
        loop = asyncio.get_running_loop()
        self._reauth_timer = loop.call_later(delay_s, self._start_reauthentication)

    def _start_reauthentication(self) -> None:
        self._reauth_timer = None
        if self._closed:
            return
        self._reauthenticating = True
        self._reauth_task = asyncio.create_task(
            self._reauthenticate(), name=f"samsa-reauth-{self.address_text}"
        )

    async def _reauthenticate(self) -> None:
        """Between requests: wait for those in flight, authenticate again, reopen."""
        try:
            if self._core.in_flight:
                self._drained = asyncio.get_running_loop().create_future()
                await self._drained
            await self._authenticate()
        except KafkaError as exc:
            self._fail(exc)
            return
        finally:
            self._drained = None
            self._reauthenticating = False
        log.debug("%s: re-authenticated", self.address_text)
        self._wake_slot_waiters()

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
        if self._reauth_timer is not None:
            self._reauth_timer.cancel()
            self._reauth_timer = None
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_exception(reason)
            drained.exception()
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
        if self._reauthenticating and body.API_KEY not in _SASL_API_KEYS:
            raise RuntimeError(f"{self!r} is re-authenticating: check has_capacity first")
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
            drained = self._drained
            if drained is not None and not core.in_flight and not drained.done():
                drained.set_result(None)
            if not self._reauthenticating:
                self._wake_slot_waiters(1)

    def _wake_slot_waiters(self, count: int | None = None) -> None:
        """Let ``count`` (default: all) of the callers waiting for a slot check again."""
        waiters = self._slot_waiters
        woken = 0
        while waiters and (count is None or woken < count):
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                woken += 1
