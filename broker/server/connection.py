"""One client connection: the asyncio driver of ``protocol.connection.ServerConnection``.

The sans-IO ``ServerConnection`` owns the Kafka side: framing, request headers, a slot per
request in arrival order, the ``queued.max.requests`` bound and the ApiVersions fallback. This
driver owns the rest: it is an ``asyncio.BufferedProtocol`` whose reads land in the frame
decoder's buffers (small frames through the server's shared scratch buffer, the rest of a large
frame straight in its own buffer, which grows as its bytes arrive); it calls each request's
handler at once, in arrival order; a handler answers directly or with an awaitable that runs as
a task. Requests may complete out of order (a long-polling Fetch, then a Metadata) but responses
leave in request order: the head of the order is written as soon as it is done, and every
finished response at the head goes out in one write.

The driver knows no particular API: what differs per API is declared on its ``ApiHandler``
(``expects_no_response``: a failed request that expects no response closes the connection, as
Kafka does after a failed acks=0 produce; ``release_response``: the response holds resources,
such as record sets as file slices, sent with ``os.sendfile`` or read with ``os.pread``
(``sendfile.py``) and released once written or when the connection drops).

Limits: reading pauses while ``queued.max.requests`` requests are in flight and resumes below
it; it also pauses while the transport's write buffer is over its high-water mark (a slow reader
cannot make the broker buffer without bound) and while the connection waits for
``queued.max.request.bytes`` budget to grow its partial frame (``budget.py``). The server closes
connections idle past ``connections.max.idle.ms`` and those whose frame takes longer than
``connections.max.request.read.ms`` to arrive.

Bad input never escapes the connection: a malformed frame or header closes it, an unknown API
key or version closes it — except ApiVersions, answered with UNSUPPORTED_VERSION and the
supported ranges — and a handler that raises gets an UNKNOWN_SERVER_ERROR response (logged with
its traceback). Closes are counted per reason and logged at a bounded rate (``closes.py``).
Bytes after a request's body are ignored, as Kafka ignores them (``protocol.codec``), and
counted in ``KafkaServer.request_anomaly_counts``.

Security: every request's context carries the connection's principal (the TLS client
certificate's on SSL listeners, the SASL one on SASL listeners, else ANONYMOUS), listener name
and client address. On SASL listeners the sans-IO ``authn.SaslGate`` decides what each request
may do until (and while re-) authenticated; this driver answers SaslHandshake and
SaslAuthenticate with what it says — a PLAIN password is checked on the server's
``PasswordChecks`` threads, and meanwhile the connection reads and dispatches nothing (its
client waits for the answer anyway); a result that arrives after the close is dropped — keeps
frames under ``sasl.server.max.receive.size`` until
the first authentication, and after a failure reads nothing more and answers the failure
``connection.failed.authentication.delay.ms`` later, then closes (as Kafka does) — lingering
until the client closes (at most ``CLOSE_LINGER_S``), so that the client reads the answer
before it sees the close.

Injected faults (``broker.faults``; what they do to the messages is ``fault_hooks.py``): while
the server's ``fault_plan`` has a request fault armed, each request asks it what applies; such a
request is served by ``_dispatch_faulted`` (an error before the handler answers in its place,
for the whole request or the partitions of a Produce or Fetch it scopes) and finished by a task
(the error after the handler, the delay, the drop). A drop completes the slot with
CLOSE_CONNECTION and keeps the real answer aside (``_FaultClose``) until it reaches the head of
the order, where it is written in half (mid-response) or released; then the connection closes
(``CloseReason.FAULT_INJECTED``). With none armed a request pays one check.

Metrics (unless ``http.metrics.enable=false``): each request's times are kept in a small list
beside its slot (``_timings``, in slot order, as responses leave in slot order) — when its
frame was whole, dispatched, returned by its handler, finished — and recorded into the server's
``RequestMetrics`` when its response is handed to the transport, with the response's error
codes (the top-level ``error_code``, and each partition's in Produce responses).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import select
import time
from collections import deque
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Final, cast

from broker.config import ListenerConfig
from broker.faults import Fault, RequestFaults, When
from broker.handlers.base import (
    CLOSE_CONNECTION,
    ApiHandler,
    HandlerResult,
    Outcome,
    RequestContext,
)
from broker.security.principal import ANONYMOUS, distinguished_name
from broker.security.sasl import PasswordCheck
from broker.server import fault_hooks, sendfile
from broker.server.authn import GateVerdict, SaslGate, SaslOutcome
from broker.server.budget import Waiter
from broker.server.closes import CloseReason
from broker.server.fault_hooks import Split
from broker.server.request_log import request_fields
from broker.storage.slice import FileSlice
from broker.telemetry import ApiMetrics, RequestMetrics
from protocol.codec import UnsupportedRequestError, encode_response
from protocol.connection import RequestSlot, ServerConnection
from protocol.errors import ErrorCode, FrameTooLargeError, ProtocolError
from protocol.messages import (
    Message,
    ProduceResponse,
    SaslAuthenticateRequest,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
    api_name,
)

if TYPE_CHECKING:
    from broker.server.server import KafkaServer

__all__ = ["KafkaConnection"]

log = logging.getLogger("samsa.server")

# Events that say the peer is gone (POLLRDHUP, a closed read side, is Linux's).
_POLL_CLOSED = getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR | select.POLLNVAL
#: Random bytes in a SCRAM server nonce (base64 in the message): RFC 5802 wants it
#: unpredictable; 24 bytes is what Kafka's ScramFormatter draws too.
NONCE_BYTES = 24
#: The oldest SaslHandshake served: v0 is advertised (librdkafka 2.0.2 looks for it) but its
#: raw SASL tokens are not spoken (``broker/handlers/sasl.py``).
SASL_HANDSHAKE_MIN: Final = 1
#: The error message of a login refused because ``MAX_PENDING_PASSWORD_CHECKS`` are pending.
TOO_MANY_LOGINS: Final = "too many logins in progress"
#: Longest a closed connection's socket stays open after its last response (a failed
#: authentication's), so that the client reads the response before it sees the close.
CLOSE_LINGER_S: Final = 1.0


def _release_all(releases: list[tuple[Any, Message]]) -> None:
    """Give back what written (or dropped) responses held, clearing the list."""
    for release, body in releases:
        release(body)
    releases.clear()


class _FaultClose:
    """A request whose answer is the connection closing, by an injected fault: ``response``
    (if any) is what the handler answered, held until it is written in part or released."""

    __slots__ = ("detail", "fault", "partial", "response")

    def __init__(
        self, fault: Fault, detail: str, response: Message | None = None, partial: bool = False
    ) -> None:
        self.fault = fault
        self.detail = detail
        self.response = response
        self.partial = partial


class KafkaConnection(asyncio.BufferedProtocol):
    """The Kafka protocol on one accepted socket."""

    def __init__(
        self, server: KafkaServer, connection_id: int, ip: str, listener: ListenerConfig
    ) -> None:
        self.server = server
        self.connection_id = connection_id
        self.ip = ip
        """The client's address, as counted for ``max.connections.per.ip``."""
        self.listener = listener
        """The listener it came through."""
        self.principal = ANONYMOUS
        """Who the client is: from its TLS certificate or SASL, else ANONYMOUS."""
        config = server.config
        self._gate: SaslGate | None = None
        max_frame_bytes = config.socket_request_max_bytes
        if listener.uses_sasl:
            self._gate = SaslGate(
                config.sasl_mechanisms_for(listener.name),
                server.lookup_credential,
                reauth_ms=config.connections_max_reauth_ms,
                fake_salt_key=server.fake_salt_key,
            )
            max_frame_bytes = min(max_frame_bytes, config.sasl_server_max_receive_size)
        self._auth_failure: asyncio.TimerHandle | None = None
        self._password_check: asyncio.Future[bool] | None = None
        """Set while a PLAIN password is checked off the loop (nothing is read)."""
        self._linger: asyncio.TimerHandle | None = None
        """Set while the connection lingers after its last response (``close(flush=True)``)."""
        """Set while a failed authentication waits out its delay (nothing is read)."""
        self.admitted = False
        """Whether the server counts it against its connection limits."""
        self._services = server.services
        self._table = server.dispatch_table
        self._conn = ServerConnection(
            server.config.queued_max_requests,
            max_frame_bytes=max_frame_bytes,
            scratch=server.scratch,
            fallback_api_keys=server.public_api_keys,
        )
        self._decoder = self._conn.decoder
        self._budget = server.budget
        self._charged = 0  # budget bytes this connection holds (what its decoder holds)
        self._budget_waiter: Waiter | None = None
        self._transport: asyncio.Transport | None = None
        #: The socket record slices are sent to with ``sendfile`` (-1: none, e.g. TLS).
        self._sock_fd = -1
        self._peer = ip
        self._closed = False
        self._reading_paused = False
        self._writing_paused = False
        self._metrics = server.request_metrics if server.config.http_metrics_enable else None
        self._fault_plan = server.fault_plan
        #: Requests whose answer is a close by an injected fault (their outcome is
        #: CLOSE_CONNECTION), until that answer reaches the head of the order.
        self._fault_closes: dict[RequestSlot, _FaultClose] = {}
        #: When each complete frame not yet decoded was whole (in backlog order).
        self._frame_times: deque[float] = deque()
        #: Per request in slot order: [frame whole, dispatched, handler returned, finished,
        #: api key] (monotonic seconds); only when metrics are recorded.
        self._timings: deque[list[float]] = deque()
        now = time.monotonic()
        self.opened_at = now
        self.last_active = now
        self.last_completed_at: float | None = None
        """When a request last completed (its response was written, or it had none)."""
        self.frame_started_at: float | None = None
        """When the first byte of the frame being received arrived (None: between frames)."""

    # -- asyncio callbacks -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)
        self._sock_fd = sendfile.socket_fd(transport, self.listener.uses_tls)
        peer = transport.get_extra_info("peername")
        self._peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        if self.listener.uses_tls and not self.listener.uses_sasl:
            peercert = transport.get_extra_info("peercert")
            if peercert:
                dn = distinguished_name(peercert)
                self.principal = self.server.principal_mapper.principal_for_dn(dn)
        self.server.attach(self)
        if self._closed:  # closed before the transport existed (evicted, server stopping)
            self._transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        self._cancel_auth_failure()
        self._release_budget()
        self.server.detach(self)
        for slot in self._conn.abandon():
            task = slot.task
            if task is not None and not task.done():
                task.cancel()
            elif slot.done:
                self._release(slot)
        for slot, fault_close in self._fault_closes.items():
            if fault_close.response is not None:
                self._release_message(slot.handler, fault_close.response)
        self._fault_closes.clear()

    def get_buffer(self, sizehint: int) -> memoryview:
        if self._closed:  # lingering after its last response: what arrives is discarded
            return memoryview(self.server.scratch)
        budget = self._budget
        buf = self._conn.get_buffer(budget.headroom() if budget.bounded else None)
        self._settle_budget()
        return buf

    def buffer_updated(self, nbytes: int) -> None:
        if self._closed:
            return
        now = time.monotonic()
        self.last_active = now
        try:
            completed = self._conn.buffer_updated(nbytes)
        except FrameTooLargeError as exc:
            self.close(CloseReason.FRAME_TOO_LARGE, str(exc))
            return
        except ProtocolError as exc:
            self.close(CloseReason.MALFORMED_FRAME, str(exc))
            return
        decoder = self._decoder
        if completed:
            if self._metrics is not None:
                frame_times = self._frame_times
                for _ in range(completed):
                    frame_times.append(now)
            # Any frame in progress now began in this read.
            self.frame_started_at = None if decoder.idle else now
        elif self.frame_started_at is None and not decoder.idle:
            self.frame_started_at = now
        self._settle_budget()
        self._progress()

    def _progress(self) -> None:
        """Dispatch waiting frames while slots are free, write what is done, and pause or
        resume reading accordingly."""
        conn = self._conn
        next_request = conn.next_request
        timed = self._metrics is not None
        try:
            while not self._closed and self._auth_failure is None and self._password_check is None:
                try:
                    slot = next_request()
                except UnsupportedRequestError as exc:
                    header = exc.header
                    self.close(
                        CloseReason.UNSUPPORTED_REQUEST,
                        f"{api_name(header.api_key)} (key {header.api_key}) "
                        f"version {header.api_version}",
                    )
                    return
                except ProtocolError as exc:
                    self.close(CloseReason.MALFORMED_REQUEST, str(exc))
                    return
                if slot is None:
                    if not conn.blocked:
                        break
                    self._flush()  # answered requests free their slots
                    if conn.blocked:
                        break  # the oldest request is not done yet
                else:
                    timing: list[float] | None = None
                    if timed:
                        t = time.monotonic()
                        timing = [self._frame_times.popleft(), t, t, t, slot.header.api_key]
                        self._timings.append(timing)
                    if not slot.done:  # done at once: the connection answered it itself
                        self._dispatch(slot, timing)
            self._flush()
        except Exception:
            log.exception("connection %s: unexpected error; closing it", self._peer)
            self.close(CloseReason.INTERNAL_ERROR, "unexpected error (logged above)")
            return
        self._update_reading()

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def pause_writing(self) -> None:
        self._writing_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._update_reading()

    # -- the request-bytes budget ------------------------------------------------------------

    def _settle_budget(self) -> None:
        """Charge or release the difference between what the decoder holds and what this
        connection has charged; then, if the partial frame must grow before the next read,
        take the budget for it or queue for it (and stop reading meanwhile)."""
        if self._closed:
            return
        budget = self._budget
        decoder = self._decoder
        held = decoder.held_bytes
        if held > self._charged:
            budget.charge(held - self._charged)  # within the allowance get_buffer was given
            self._charged = held
        elif held < self._charged:
            freed = self._charged - held
            self._charged = held
            budget.release(freed)  # may grant waiters (other connections resume)
        if not budget.bounded or self._budget_waiter is not None:
            return
        least, wanted = decoder.growth_needed
        if not least:
            return
        headroom = budget.headroom()
        if headroom >= least:
            self._grow(min(wanted, headroom))
            return
        waiter = self._budget_waiter = Waiter(least, wanted, self._on_budget_granted)
        budget.wait(waiter)
        if self._budget_waiter is not None:
            self.server.waiting_for_budget(self)

    def _grow(self, nbytes: int) -> None:
        self._budget.charge(nbytes)
        self._charged += nbytes
        self._decoder.reserve(nbytes)

    def _on_budget_granted(self, nbytes: int) -> None:
        self._budget_waiter = None
        if self._closed:
            self._budget.release(nbytes)
            return
        self._charged += nbytes  # the budget charged it on our behalf
        self._decoder.reserve(nbytes)
        self._update_reading()

    def _release_budget(self) -> None:
        waiter = self._budget_waiter
        self._budget_waiter = None
        charged = self._charged
        self._charged = 0
        if charged:
            self._budget.release(charged)
        if waiter is not None:
            self._budget.cancel(waiter)

    @property
    def waiting_for_budget(self) -> bool:
        """Whether reading is paused until ``queued.max.request.bytes`` frees up."""
        return self._budget_waiter is not None

    @property
    def held_bytes(self) -> int:
        """Bytes this connection's partial frame holds."""
        return self._decoder.held_bytes

    def peer_has_closed(self) -> bool:
        """Whether the client closed its side (or the socket failed), asked of the socket
        itself: a connection that is not reading does not learn it otherwise."""
        transport = self._transport
        if transport is None or self._closed:
            return False
        sock = transport.get_extra_info("socket")
        if sock is None:
            return False
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN | _POLL_CLOSED)
        return any(events & _POLL_CLOSED for _, events in poller.poll(0))

    # -- requests ----------------------------------------------------------------------------

    def _dispatch(self, slot: RequestSlot, timing: list[float] | None = None) -> None:
        header = slot.header
        handler = self._table.get(header.api_key)
        if handler is None or not handler.min_version <= header.api_version <= handler.max_version:
            self.close(
                CloseReason.UNSUPPORTED_REQUEST,
                f"{api_name(header.api_key)} (key {header.api_key}) version {header.api_version}",
            )
            return
        if slot.trailing_bytes:
            self.server.trailing_bytes(self, header, slot.trailing_bytes)
        slot.handler = handler
        # The slot lives until its response is written: it must not keep the request (and its
        # frame) alive that long.
        body = slot.body
        slot.body = None
        gate = self._gate
        if gate is not None and not self._gated(gate, slot, body):
            return
        ctx = RequestContext(
            header, self._peer, self.connection_id, self.principal, self.listener.name, self.ip
        )
        if self._fault_plan.request_faults_armed:
            faults = self._fault_plan.on_request(
                header.api_key,
                header.client_id,
                _monotonic_ms(),
                fault_hooks.partitions_of(header.api_key, body),
                f"client_id={header.client_id} correlation_id={header.correlation_id} "
                f"peer={self._peer}",
            )
            if faults is not None:
                self._dispatch_faulted(slot, handler, ctx, body, faults, timing)
                return
        try:
            result = handler.handle(self._services, ctx, body)
        except Exception:
            self._handler_failed(slot, handler, body)
            return
        if timing is not None:
            timing[2] = timing[3] = time.monotonic()
        if result is None or isinstance(result, Message) or result is CLOSE_CONNECTION:
            slot.outcome = result
            slot.done = True
        else:
            awaitable = cast(Awaitable[Outcome], result)
            slot.task = asyncio.ensure_future(self._run(slot, handler, body, awaitable, timing))

    def _gated(self, gate: SaslGate, slot: RequestSlot, body: Any) -> bool:
        """Let the SASL gate see a request: True if it goes to its handler; otherwise the
        gate answered it (or the connection is closing)."""
        now_ms = _monotonic_ms()
        verdict = gate.check(slot.header.api_key, now_ms)
        if verdict is GateVerdict.SERVE:
            return True
        if verdict is GateVerdict.CLOSE:
            self.close(CloseReason.SASL_UNEXPECTED_REQUEST, gate.close_reason)
        elif verdict is GateVerdict.EXPIRED:
            self.close(CloseReason.SASL_SESSION_EXPIRED, gate.close_reason)
        elif verdict is GateVerdict.HANDSHAKE and slot.header.api_version < SASL_HANDSHAKE_MIN:
            # v0 is advertised for librdkafka's sake but not served: its tokens would follow
            # as raw frames, not requests.
            response = SaslHandshakeResponse(
                error_code=ErrorCode.UNSUPPORTED_VERSION, mechanisms=list(gate.mechanisms)
            )
            failure = f"SaslHandshake v{slot.header.api_version} is not served (v1 is)"
            self._sasl_answered(gate, slot, SaslOutcome(response, failure=failure))
        elif verdict is GateVerdict.HANDSHAKE:
            self._sasl_answered(
                gate, slot, gate.handshake(cast(SaslHandshakeRequest, body), now_ms)
            )
        else:
            nonce = base64.b64encode(secrets.token_bytes(NONCE_BYTES)).decode("ascii")
            request = cast(SaslAuthenticateRequest, body)
            answer = gate.authenticate(request, now_ms, nonce)
            if isinstance(answer, PasswordCheck):
                self._check_password(gate, slot, answer)
            else:
                self._sasl_answered(gate, slot, answer)
        return False

    def _check_password(self, gate: SaslGate, slot: RequestSlot, check: PasswordCheck) -> None:
        """Run a PLAIN password check on the server's check threads, holding the connection
        (no reads, no dispatch) until ``_password_checked``."""
        future = self.server.password_checks.submit(check.credential, check.password)
        if future is None:
            self._sasl_answered(gate, slot, gate.refuse_password_check(TOO_MANY_LOGINS))
            return
        self._password_check = future
        future.add_done_callback(lambda done: self._password_checked(gate, slot, done))

    def _password_checked(
        self, gate: SaslGate, slot: RequestSlot, future: asyncio.Future[bool]
    ) -> None:
        self._password_check = None
        if self._closed:
            return  # the connection went meanwhile: its result goes nowhere
        ok = False
        if future.cancelled():
            pass  # the broker is stopping
        elif future.exception() is not None:
            log.error(
                "checking a password failed; refusing the login",
                exc_info=future.exception(),
                extra=request_fields(slot.header, self._peer),
            )
        else:
            ok = future.result()
        self._sasl_answered(gate, slot, gate.finish_password_check(ok, _monotonic_ms()))
        if not self._closed and self._auth_failure is None:
            self._progress()

    def _sasl_answered(self, gate: SaslGate, slot: RequestSlot, outcome: SaslOutcome) -> None:
        if outcome.failure is None:
            ServerConnection.complete(slot, outcome.response)
            if outcome.authenticated:
                self.principal = gate.principal or ANONYMOUS
                self._decoder.max_frame_bytes = self.server.config.socket_request_max_bytes
                log.debug(
                    "%s authenticated as %s (%s) on listener %s",
                    self._peer,
                    self.principal,
                    gate.mechanism,
                    self.listener.name,
                )
            return
        self.server.client_log.log(
            logging.WARNING,
            "authentication failed for %r from %s (%s): %s",
            gate.user,
            self.ip,
            gate.mechanism,
            outcome.failure,
            extra=request_fields(slot.header, self._peer),
        )
        # As Kafka: read nothing more, and answer (then close) only after the delay, so that
        # guessing passwords costs the guesser time.
        delay_s = self.server.config.connection_failed_authentication_delay_ms
        loop = asyncio.get_running_loop()
        self._auth_failure = loop.call_later(
            delay_s / 1000, self._auth_failed, slot, outcome, gate.user, gate.mechanism
        )

    def _auth_failed(
        self, slot: RequestSlot, outcome: SaslOutcome, user: str, mechanism: str | None
    ) -> None:
        self._auth_failure = None
        if self._closed:
            return
        ServerConnection.complete(slot, outcome.response)
        self._flush()
        self.close(
            CloseReason.SASL_AUTHENTICATION_FAILED,
            f"authentication failed for {user!r} ({mechanism}): {outcome.failure}",
            flush=True,
        )

    def _cancel_auth_failure(self) -> None:
        if self._auth_failure is not None:
            self._auth_failure.cancel()
            self._auth_failure = None

    async def _run(
        self,
        slot: RequestSlot,
        handler: ApiHandler,
        body: Any,
        awaitable: Awaitable[Outcome],
        timing: list[float] | None,
    ) -> None:
        try:
            ServerConnection.complete(slot, await awaitable)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._handler_failed(slot, handler, body)
        if timing is not None:
            timing[3] = time.monotonic()
        if not self._closed and self._auth_failure is None:
            self._progress()

    def _handler_failed(self, slot: RequestSlot, handler: ApiHandler, body: Any) -> None:
        header = slot.header
        log.exception(
            "%s v%d (correlation id %d) from %s failed; answering UNKNOWN_SERVER_ERROR",
            api_name(header.api_key),
            header.api_version,
            header.correlation_id,
            self._peer,
            extra=request_fields(header, self._peer),
        )
        no_response = handler.expects_no_response
        if no_response is not None and no_response(body):
            outcome: Outcome = CLOSE_CONNECTION
        else:
            outcome = handler.error_response(
                body, header.api_version, ErrorCode.UNKNOWN_SERVER_ERROR
            )
        ServerConnection.complete(slot, outcome)

    # -- injected faults ---------------------------------------------------------------------

    def _dispatch_faulted(
        self,
        slot: RequestSlot,
        handler: ApiHandler,
        ctx: RequestContext,
        body: Any,
        faults: RequestFaults,
        timing: list[float] | None,
    ) -> None:
        """Serve a request that armed faults apply to: an error before the handler answers
        in its place (the whole request, or the scoped partitions of a Produce or Fetch, the
        rest going to the handler); the rest of the faults apply once the handler answered
        (``_finish_faulted``, a task)."""
        error = faults.error
        split: Split | None = None
        result: HandlerResult = None
        call = True
        if error is not None and error.spec.when is When.BEFORE:
            scoped = faults.error_partitions
            if scoped is not None:
                split = fault_hooks.split_request(slot.header.api_key, body, scoped)
            if split is None or split.rest is None:
                call = False  # the whole request fails, or every partition it names
        if call:
            try:
                result = handler.handle(self._services, ctx, body if split is None else split.rest)
            except Exception:
                self._handler_failed(slot, handler, body)
                return
        if timing is not None:
            timing[2] = timing[3] = time.monotonic()
        slot.task = asyncio.ensure_future(
            self._finish_faulted(slot, handler, body, result, faults, split, timing)
        )

    async def _finish_faulted(
        self,
        slot: RequestSlot,
        handler: ApiHandler,
        body: Any,
        result: HandlerResult,
        faults: RequestFaults,
        split: Split | None,
        timing: list[float] | None,
    ) -> None:
        """The handler's answer (awaited), then the error after it, the delay and the drop."""
        outcome: Outcome
        try:
            if result is None or isinstance(result, Message) or result is CLOSE_CONNECTION:
                outcome = result
            else:
                outcome = await cast(Awaitable[Outcome], result)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._handler_failed(slot, handler, body)
            if not self._closed and self._auth_failure is None:
                self._progress()
            return
        if faults.error is not None:
            try:
                outcome = self._apply_error(slot, handler, body, outcome, faults, split)
            except Exception:
                log.exception("connection %s: applying a fault failed; closing it", self._peer)
                self.close(CloseReason.INTERNAL_ERROR, "applying a fault failed (logged above)")
                return
        if faults.delay_ms:
            try:
                await asyncio.sleep(faults.delay_ms / 1000)
            except asyncio.CancelledError:
                if isinstance(outcome, Message):
                    self._release_message(handler, outcome)
                raise
        drop = faults.drop
        if drop is not None and slot not in self._fault_closes:
            response = outcome if isinstance(outcome, Message) else None
            how = "half of the response, then" if drop.spec.mid_response else "instead of"
            self._fault_closes[slot] = _FaultClose(
                drop,
                f"fault {drop.fault_id} ({drop.spec.describe()}): closing {how} answering "
                f"correlation id {slot.header.correlation_id}",
                response,
                partial=drop.spec.mid_response,
            )
            outcome = CLOSE_CONNECTION
        if timing is not None:
            timing[3] = time.monotonic()
        ServerConnection.complete(slot, outcome)
        if not self._closed and self._auth_failure is None:
            self._progress()

    def _apply_error(
        self,
        slot: RequestSlot,
        handler: ApiHandler,
        body: Any,
        outcome: Outcome,
        faults: RequestFaults,
        split: Split | None,
    ) -> Outcome:
        """The answer an error fault leaves: before the handler, the error response (or the
        handler's answer for the rest, with the taken partitions added); after it, the
        handler's answer rewritten (the scoped partitions) or replaced."""
        header = slot.header
        error = faults.error
        assert error is not None  # called for an error fault only
        spec = error.spec
        code = spec.error
        assert code is not None  # an error fault has its code (FaultSpec checks it)
        no_response = handler.expects_no_response
        if no_response is not None and no_response(body):
            if spec.when is When.AFTER:
                return outcome  # acks=0: appended, and no answer to replace
            if isinstance(outcome, Message):
                self._release_message(handler, outcome)
            # A failed acks=0 produce closes the connection: how its producer learns of it.
            self._fault_closes[slot] = _FaultClose(
                error,
                f"fault {error.fault_id} ({spec.describe()}): an acks=0 produce failed "
                f"(correlation id {header.correlation_id})",
            )
            return CLOSE_CONNECTION
        if spec.when is When.BEFORE:
            if split is None:
                return handler.error_response(body, header.api_version, code)
            if outcome is CLOSE_CONNECTION:
                return outcome
            answered = outcome if isinstance(outcome, Message) else None
            return fault_hooks.with_errors(header.api_key, answered, split.taken, code)
        if not isinstance(outcome, Message):
            return outcome
        scoped = faults.error_partitions
        if scoped is not None and fault_hooks.rewrite_errors(
            outcome, scoped, code, handler.release_response
        ):
            return outcome
        self._release_message(handler, outcome)
        return handler.error_response(body, header.api_version, code)

    # -- responses ---------------------------------------------------------------------------

    def _flush(self) -> None:
        """Write every finished response at the head of the order, all in one write (a burst
        of pipelined requests costs one syscall, not one per response)."""
        next_response = self._conn.next_response
        out: list[Any] = []
        close_after = False
        fault_close: _FaultClose | None = None
        completed = 0
        metrics = self._metrics
        timings = self._timings
        sent: list[list[float]] | None = [] if metrics is not None else None
        # Responses whose record slices are in ``out`` unread: released once written.
        releases: list[tuple[Any, Message]] = []
        while not self._closed:
            slot = next_response()
            if slot is None:
                break
            completed += 1
            if sent is not None:
                sent.append(timings.popleft())
            if slot.raw is not None:
                out.append(slot.raw)
                continue
            outcome = slot.outcome
            if metrics is not None and isinstance(outcome, Message):
                _count_errors(metrics.api(slot.header.api_key), outcome)
            if outcome is None:
                continue
            if outcome is CLOSE_CONNECTION:
                close_after = True
                fault_close = self._fault_closes.pop(slot, None)
                if fault_close is not None and fault_close.response is not None:
                    self._fault_partial(slot, fault_close, out)
                break
            if not self._serialise(slot, outcome, out, releases):
                _release_all(releases)
                return
        if not releases:  # no slice left unread: the common case, one write
            if out and self._transport is not None and not self._closed:
                self._transport.writelines(out)
        elif self._transport is not None and not self._closed:
            try:
                sendfile.write_chunks(self._transport, self._sock_fd, out)
            except Exception:
                log.exception("cannot read records for a response", extra={"peer": self._peer})
                self.close(CloseReason.INTERNAL_ERROR, "reading records failed (logged above)")
            finally:
                _release_all(releases)
        else:
            _release_all(releases)
        now = time.monotonic()
        if sent and metrics is not None:
            _record_times(metrics, sent, now)
        if completed and not self._closed:
            self.last_completed_at = now
            self.server.request_completed(self, now)
        if fault_close is not None:
            self.close(CloseReason.FAULT_INJECTED, fault_close.detail, drain=True)
        elif close_after:
            # Only requests that expect no response close this way: acks=0 produces.
            self.close(
                CloseReason.FAILED_ACKS0_PRODUCE,
                "closing after a failed acks=0 produce, as Kafka does",
            )
        self.last_active = now

    def _serialise(
        self,
        slot: RequestSlot,
        body: Message,
        out: list[Any],
        releases: list[tuple[Any, Message]] | None = None,
    ) -> bool:
        """Append the response's bytes to ``out``; False if it failed and the connection was
        closed. When the handler declares ``release_response``, its record slices are read with
        ``pread``, except, given ``releases``, those ``sendfile.write_chunks`` may send as they
        are: the response then goes into ``releases``, for the caller to release once written."""
        header = slot.header
        release = slot.handler.release_response
        try:
            chunks = encode_response(header, body)
        except Exception:
            if release is not None:
                release(body)
            log.exception(
                "cannot encode the %s response",
                api_name(header.api_key),
                extra=request_fields(header, self._peer),
            )
            self.close(CloseReason.INTERNAL_ERROR, "response encoding failed (logged above)")
            return False
        if release is None:
            out.extend(chunks)
            return True
        sock_fd = self._sock_fd if releases is not None else -1
        deferred = False
        try:
            for chunk in chunks:
                if sendfile.sendable(chunk, sock_fd):
                    out.append(chunk)
                    deferred = True
                elif isinstance(chunk, FileSlice):
                    out.append(sendfile.read_rest(chunk))
                elif isinstance(chunk, bytes | bytearray | memoryview):
                    out.append(chunk)
                else:
                    out.append(bytes(chunk))
        except Exception:
            log.exception(
                "cannot read records for the %s response",
                api_name(header.api_key),
                extra=request_fields(header, self._peer),
            )
            self.close(CloseReason.INTERNAL_ERROR, "reading records failed (logged above)")
            deferred = False
            return False
        finally:
            if deferred and releases is not None:
                releases.append((release, body))
            else:
                release(body)
        return True

    def _fault_partial(self, slot: RequestSlot, fault_close: _FaultClose, out: list[Any]) -> None:
        """A response a drop fault closes the connection on: half its bytes go into ``out``
        when the fault says mid-response; either way what it holds is given back."""
        response = fault_close.response
        fault_close.response = None
        if response is None:
            return
        if not fault_close.partial:
            self._release_message(slot.handler, response)
            return
        chunks: list[Any] = []
        if self._serialise(slot, response, chunks):
            out.append(fault_hooks.partial_response(chunks))

    def _release(self, slot: RequestSlot) -> None:
        """Give back what a finished, unwritten response holds (its handler's hook)."""
        if isinstance(slot.outcome, Message):
            self._release_message(slot.handler, slot.outcome)

    @staticmethod
    def _release_message(handler: ApiHandler | None, response: Message) -> None:
        """Give back what an unwritten response holds (its handler's hook)."""
        if handler is not None and handler.release_response is not None:
            handler.release_response(response)

    # -- flow control and closing ------------------------------------------------------------

    def _update_reading(self) -> None:
        transport = self._transport
        if transport is None or self._closed:
            return
        should_pause = (
            self._writing_paused
            or not self._conn.wants_data
            or self._budget_waiter is not None
            or self._auth_failure is not None
            or self._password_check is not None
        )
        if should_pause and not self._reading_paused:
            self._reading_paused = True
            transport.pause_reading()
        elif not should_pause and self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()

    @property
    def in_flight(self) -> int:
        """Requests received and not yet answered."""
        return self._conn.in_flight

    @property
    def peer(self) -> str:
        """``host:port`` of the client."""
        return self._peer

    @property
    def closed(self) -> bool:
        return self._closed

    def close(
        self,
        reason: CloseReason | None = None,
        detail: str = "",
        *,
        flush: bool = False,
        drain: bool = False,
    ) -> None:
        """Close the connection; a reason is counted and logged (at a bounded rate). With
        ``flush`` what was written goes out first, and the socket lingers: it closes when the
        client closes its side, or ``CLOSE_LINGER_S`` later. Closing a lingering connection
        again ends it at once. ``drain`` is ``flush`` with the write side shut at once (after
        what was written): the client sees the end of the stream without waiting."""
        if self._closed:
            if self._linger is not None:
                self._end_linger()
            return
        self._closed = True
        self._cancel_auth_failure()
        self._release_budget()
        self.server.closing(self, reason, detail)
        transport = self._transport
        if transport is None:
            return
        if drain and transport.can_write_eof():
            transport.write_eof()  # sent once the buffer is written
        if not flush and not drain:
            transport.abort()
            return
        # A response followed at once by the end of the stream can be lost: kafka-python
        # reads until the socket would block, and drops what it read when it meets the end
        # (it then reports "socket disconnected", not the error the response carried).
        # Reading on, discarding, notices the client closing first.
        loop = asyncio.get_running_loop()
        self._linger = loop.call_later(CLOSE_LINGER_S, self._end_linger)
        if self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()

    def _end_linger(self) -> None:
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        if self._transport is not None:
            self._transport.close()


def _count_errors(api: ApiMetrics, response: Message) -> None:
    """Count the response's top-level error code, and each partition's in a Produce
    response (where the errors of produce live)."""
    code = getattr(response, "error_code", 0)
    if code:
        api.error(code)
    if isinstance(response, ProduceResponse):
        for topic in response.responses:
            for partition in topic.partition_responses:
                if partition.error_code:
                    api.error(partition.error_code)


def _record_times(metrics: RequestMetrics, sent: list[list[float]], now: float) -> None:
    """Record the times of requests whose responses were just handed to the transport."""
    for received, dispatched, handled, finished, api_key in sent:
        api = metrics.api(int(api_key))
        api.requests_total += 1
        api.queue_time.observe(dispatched - received)
        api.local_time.observe(handled - dispatched)
        api.remote_time.observe(finished - handled)
        api.send_time.observe(now - finished)
        api.total_time.observe(now - received)


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000
