"""``KafkaServer``: the listening sockets, the set of connections and their limits.

Accepting (Samsa's own accept loop, so that it can be throttled and refuse before any
protocol object exists):

- ``max.connection.creation.rate``: past it the accept loop waits, and new connections queue
  in the kernel's listen backlog — as Kafka's acceptor blocks;
- ``max.connections.per.ip`` (and ``max.connections.per.ip.overrides``): a connection from an
  address at its limit is closed at once, as Kafka does;
- ``max.connections``: at the limit, a connection with nothing in flight that has completed no
  request for ``max.connections.eviction.idle.ms`` (never-served ones first, then the least
  recently served) is closed to admit the new one; if none qualifies the new one is closed.

- a refuse fault armed on ``fault_plan`` (fault injection for tests): connections are closed as
  soon as they are accepted while it lasts (``CloseReason.FAULT_INJECTED``).

Afterwards, a sweep closes connections with nothing in flight that stayed silent past
``connections.max.idle.ms``, and connections whose request frame did not arrive whole within
``connections.max.request.read.ms`` of its first byte. ``queued.max.request.bytes`` bounds the
bytes held in partial frames across all connections (``budget.py``). Every close the broker
decides is counted in ``close_counts`` and logged at a bounded rate (``closes.py``).

Listeners: every entry of ``listeners`` is bound (``ports`` by name; ``port`` is the first's)
and each connection knows the listener it came through. On SSL and SASL_SSL listeners accepted
sockets go through a TLS handshake first (``connect_accepted_socket(ssl=...)``, bounded by
``TLS_HANDSHAKE_TIMEOUT_S``; a failure is counted as ``tls_handshake_failed``), with a context
per listener that the sweep rebuilds when its key, certificate or CA files change
(``ssl.reload.check.interval.ms``). On SSL listeners the client certificate's DN, mapped by
``ssl.principal.mapping.rules``, is the principal; SASL listeners authenticate in the
connection (``authn.py``). PLAIN's password checks (PBKDF2) run on ``PasswordChecks``'
threads, never on the event loop: a flood of logins does not delay other connections' requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import logging
import os
import secrets
import socket
import ssl
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from broker.config import BrokerConfig, ListenerConfig, parse_ip_overrides
from broker.faults import FaultPlan
from broker.handlers.base import ApiHandler, BrokerServices
from broker.security.principal import PrincipalMapper
from broker.security.tls import ReloadingContext, TlsError, handshake_failures, server_context
from broker.server.budget import RequestBytesBudget
from broker.server.closes import CloseReason, RateLimitedLog
from broker.server.connection import KafkaConnection
from broker.server.limits import (
    ConnectionQuotas,
    ConnectionRateLimiter,
    EvictionOrder,
    normalise_ip,
)
from broker.server.sockets import listening_sockets
from broker.telemetry import RequestMetrics
from protocol.extensions import PRIVATE_API_KEYS
from protocol.frame import SCRATCH_BYTES
from protocol.headers import RequestHeader
from protocol.messages import api_name
from protocol.scram import ScramCredential, verify_password

__all__ = ["KafkaServer", "ListenError", "PasswordChecks"]

log = logging.getLogger("samsa.server")

#: Longest pause between sweeps: idle connections live at most this much past their limit.
MAX_SWEEP_INTERVAL_S: Final = 10.0
#: Shortest pause between sweeps (for tiny limits in tests).
MIN_SWEEP_INTERVAL_S: Final = 0.05
#: Pending connections the kernel queues for accept() (and where connections wait while the
#: creation rate is exceeded).
LISTEN_BACKLOG: Final = 1024
#: How long stopping waits for aborted connections to report that they are gone.
CLOSE_TIMEOUT_S: Final = 5.0
#: How often connections waiting for request-bytes budget are asked whether their client has
#: gone: they do not read, so they would not notice, and would hold their budget until
#: connections.max.request.read.ms.
BUDGET_WAITER_CHECK_INTERVAL_S: Final = 0.5
#: Connections accepted per readiness event before other work gets a turn (asyncio's own
#: listener accepts up to its backlog at once).
ACCEPT_BATCH: Final = 128
#: Pause before accepting again after accept() failed for want of descriptors or memory
#: (asyncio's own listener waits as long): the failure would repeat at once.
ACCEPT_RETRY_DELAY_S: Final = 1.0
#: Longest a TLS handshake may take: a client that connects and never completes it holds a
#: connection slot this long (asyncio's default, 60 s, is generous to a slow-loris).
TLS_HANDSHAKE_TIMEOUT_S: Final = 10.0
#: Bytes of the per-broker key that makes an unknown user's fake SCRAM salt.
FAKE_SALT_KEY_BYTES: Final = 32

#: Threads that check PLAIN passwords (PBKDF2, milliseconds each; hashlib releases the GIL
#: meanwhile, so they run beside the event loop): logins take at most this many cores.
PASSWORD_CHECK_THREADS: Final = 2
#: PLAIN password checks waiting or running, broker-wide: past it a login fails unchecked
#: ("too many logins in progress", answered after the failure delay like any failed login)
#: rather than queueing without bound behind a flood.
MAX_PENDING_PASSWORD_CHECKS: Final = 256


class ListenError(OSError):
    """The listener could not bind (port in use, bad address)."""


class PasswordChecks:
    """The broker's PLAIN password checks: a thread pool (made by ``start``, shut down by
    ``stop``) and the count of checks submitted and not yet done."""

    def __init__(self) -> None:
        self.executor: ThreadPoolExecutor | None = None
        self.pending = 0
        """Checks waiting or running."""

    def start(self) -> None:
        self.executor = ThreadPoolExecutor(
            PASSWORD_CHECK_THREADS, thread_name_prefix="samsa-password-check"
        )

    def submit(self, credential: ScramCredential, password: str) -> asyncio.Future[bool] | None:
        """``verify_password(credential, password)`` on a check thread; None (nothing is
        run) when ``MAX_PENDING_PASSWORD_CHECKS`` are pending or the broker is stopping."""
        executor = self.executor
        if executor is None or self.pending >= MAX_PENDING_PASSWORD_CHECKS:
            return None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(executor, verify_password, credential, password)
        self.pending += 1
        future.add_done_callback(self._done)
        return future

    def _done(self, _: asyncio.Future[bool]) -> None:
        self.pending -= 1

    def stop(self) -> None:
        """Cancel the checks not started; those running finish on their threads."""
        executor = self.executor
        self.executor = None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


class KafkaServer:
    """Accepts connections and runs a ``KafkaConnection`` on each."""

    def __init__(
        self,
        config: BrokerConfig,
        services: BrokerServices,
        dispatch_table: dict[int, ApiHandler],
        *,
        fault_plan: FaultPlan | None = None,
    ) -> None:
        self.config = config
        self.services = services
        self.dispatch_table = dispatch_table
        self.api_keys = sorted(
            (h.api_key, h.min_version, h.max_version) for h in dispatch_table.values()
        )
        # What the ApiVersions fallback lists: the request is unreadable then, so who sent it
        # is unknown (no private APIs).
        self.public_api_keys = [k for k in self.api_keys if k[0] not in PRIVATE_API_KEYS]
        self.connections: set[KafkaConnection] = set()
        """Connections whose transport is open (until ``connection_lost``)."""
        self.close_counts: Counter[str] = Counter()
        """Connections closed or refused by the broker, by ``CloseReason`` value."""
        self.request_anomaly_counts: Counter[str] = Counter()
        """Requests served despite an oddity: ``trailing_bytes`` (bytes after the body)."""
        self.request_metrics = RequestMetrics()
        """Requests, errors and times per API (recorded by the connections unless
        ``http.metrics.enable=false``)."""
        self.budget = RequestBytesBudget(
            None if config.queued_max_request_bytes < 0 else config.queued_max_request_bytes
        )
        # One scratch buffer for every connection's small reads: each decoder copies out what
        # it keeps before the read's callback returns (protocol/frame.py).
        self.scratch = bytearray(SCRATCH_BYTES)
        self.quotas = ConnectionQuotas(config.max_connections, config.max_connections_per_ip)
        self.eviction = EvictionOrder[KafkaConnection]()
        self.client_log = RateLimitedLog(log)
        """Lines about misbehaving clients, at a bounded rate."""
        self._rate = ConnectionRateLimiter(config.max_connection_creation_rate, time.monotonic())
        self._ids = itertools.count(1)
        self._sockets: list[socket.socket] = []
        self._accept_timers: dict[socket.socket, asyncio.TimerHandle] = {}
        self._attaching: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._waiter_check: asyncio.TimerHandle | None = None
        self._drained: asyncio.Event | None = None
        self.listeners: list[ListenerConfig] = config.client_listeners
        """The client listeners, in ``listeners`` order."""
        self.port = 0
        """The first listener's bound port."""
        self.ports: dict[str, int] = {}
        """Bound port by listener name."""
        self._listener_of: dict[socket.socket, ListenerConfig] = {}
        self.tls_contexts: dict[str, ReloadingContext] = {}
        """The TLS context of each SSL or SASL_SSL listener, by name (built by ``start``)."""
        self.principal_mapper = PrincipalMapper(config.ssl_principal_mapping_rules)
        self.fake_salt_key = secrets.token_bytes(FAKE_SALT_KEY_BYTES)
        """The key of unknown users' fake SCRAM salts: random per broker, so that the salts
        say nothing, and fixed for its life, so that asking twice gets the same one."""
        self._reload_interval_s = config.ssl_reload_check_interval_ms / 1000
        self._reload_checked_at = 0.0
        self.password_checks = PasswordChecks()
        """Where PLAIN logins' password checks run (off the event loop)."""
        self.fault_plan = fault_plan if fault_plan is not None else FaultPlan()
        """The armed faults: each connection asks it about each request while a request
        fault is armed, the accept loop about each new connection."""

    # -- listening and accepting -------------------------------------------------------------

    async def start(self) -> None:
        """Build the TLS contexts, bind every listener and start accepting; ``ports`` (and
        ``port``, the first listener's) are then the bound ports. Raises ``TlsError``
        (a ValueError) for TLS settings that make no context, ``ListenError`` if a listener
        cannot bind."""
        loop = asyncio.get_running_loop()
        for listener in self.listeners:
            if listener.uses_tls:
                settings = self.config.tls_settings_for(listener.name)
                try:
                    reloading = ReloadingContext(settings, server_context)
                except TlsError as exc:
                    raise TlsError(f"listener {listener.name}: {exc}") from None
                self.tls_contexts[listener.name] = reloading
        self._reload_checked_at = time.monotonic()
        self.quotas.set_overrides(await self._resolve_overrides(loop))
        try:
            for listener in self.listeners:
                bound = await self._bind(loop, listener)
                self.ports[listener.name] = bound[0].getsockname()[1]
                for sock in bound:
                    self._sockets.append(sock)
                    self._listener_of[sock] = listener
        except ListenError:
            for sock in self._sockets:
                sock.close()
            self._sockets = []
            self._listener_of.clear()
            raise
        self.port = self.ports[self.listeners[0].name]
        self.password_checks.start()
        for sock in self._sockets:
            self._start_accepting(sock)
        self._sweeper = asyncio.create_task(self._sweep(), name="connection-sweeper")

    async def _bind(
        self, loop: asyncio.AbstractEventLoop, listener: ListenerConfig
    ) -> list[socket.socket]:
        where = f"{listener.name} {listener.host or '*'}:{listener.port}"
        try:
            return await listening_sockets(loop, listener.host, listener.port, LISTEN_BACKLOG)
        except OSError as exc:
            raise ListenError(exc.errno, f"cannot listen on {where}: {exc.strerror}") from exc

    async def _resolve_overrides(self, loop: asyncio.AbstractEventLoop) -> dict[str, int]:
        """``max.connections.per.ip.overrides`` by address (host names resolved once)."""
        resolved: dict[str, int] = {}
        for host, count in parse_ip_overrides(self.config.max_connections_per_ip_overrides).items():
            try:
                ipaddress.ip_address(host)
                resolved[normalise_ip(host)] = count
                continue
            except ValueError:
                pass
            try:
                infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError as exc:
                log.warning("max.connections.per.ip.overrides: cannot resolve %s: %s", host, exc)
                continue
            for info in infos:
                resolved[normalise_ip(str(info[4][0]))] = count
        return resolved

    def _start_accepting(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(listener.fileno(), self._accept_ready, loop, listener)

    def _accept_ready(self, loop: asyncio.AbstractEventLoop, listener: socket.socket) -> None:
        """Accept what the listen queue holds, up to ``ACCEPT_BATCH`` (as asyncio's own
        listener does), pausing when ``max.connection.creation.rate`` says to wait."""
        for _ in range(ACCEPT_BATCH):
            delay = self._rate.delay_s(time.monotonic())
            if delay > 0:
                # New connections wait in the listen backlog, as behind Kafka's acceptor.
                self._pause_accepting(loop, listener, delay)
                return
            try:
                sock, address = listener.accept()
            except (BlockingIOError, InterruptedError):
                self._rate.refund()
                return
            except ConnectionAbortedError:  # the client gave up while queued
                self._rate.refund()
                continue
            except OSError as exc:
                # Out of descriptors or memory, typically: it would fail again at once.
                self._rate.refund()
                self.client_log.log(
                    logging.WARNING,
                    "cannot accept connections: %s; retrying in %.0f s",
                    os.strerror(exc.errno) if exc.errno else exc,
                    ACCEPT_RETRY_DELAY_S,
                )
                self._pause_accepting(loop, listener, ACCEPT_RETRY_DELAY_S)
                return
            self._accepted(loop, sock, address, self._listener_of[listener])

    def _pause_accepting(
        self, loop: asyncio.AbstractEventLoop, listener: socket.socket, delay_s: float
    ) -> None:
        loop.remove_reader(listener.fileno())
        handle = loop.call_later(delay_s, self._resume_accepting, listener)
        self._accept_timers[listener] = handle

    def _resume_accepting(self, listener: socket.socket) -> None:
        self._accept_timers.pop(listener, None)
        if listener in self._sockets:
            self._start_accepting(listener)

    def _accepted(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        address: object,
        listener: ListenerConfig,
    ) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        ip = normalise_ip(str(host))
        peer = f"{host}:{address[1]}" if isinstance(address, tuple) else str(address)
        refuse = self.fault_plan.on_connection(time.monotonic_ns() // 1_000_000, peer)
        if refuse is not None:
            self._count_close(
                CloseReason.FAULT_INJECTED,
                peer,
                f"fault {refuse.fault_id} ({refuse.spec.describe()})",
                refused=True,
            )
            sock.close()
            return
        refusal = self._admit(ip)
        if refusal is not None:
            reason, detail = refusal
            self._count_close(reason, ip, detail)
            sock.close()
            return
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = KafkaConnection(self, next(self._ids), ip, listener)
        connection.admitted = True  # counted in by _admit
        task = loop.create_task(self._attach_socket(loop, sock, connection))
        self._attaching.add(task)
        task.add_done_callback(self._attaching.discard)

    def _admit(self, ip: str) -> tuple[CloseReason, str] | None:
        """Count a new connection from ``ip`` in, or say why it is refused."""
        quotas = self.quotas
        if quotas.ip_full(ip):
            return CloseReason.MAX_CONNECTIONS_PER_IP, (
                f"max.connections.per.ip={quotas.limit_for(ip)} reached"
            )
        if quotas.full:
            now = time.monotonic()
            min_idle_s = self.config.max_connections_eviction_idle_ms / 1000
            victim = self.eviction.victim(now, min_idle_s, lambda c: c.in_flight > 0)
            if victim is None:
                return CloseReason.MAX_CONNECTIONS, (
                    f"max.connections={quotas.max_connections} reached and no connection has "
                    f"been unused for max.connections.eviction.idle.ms={min_idle_s * 1000:.0f}"
                )
            if victim.last_completed_at is None:
                why = f"no request completed in {now - victim.opened_at:.1f} s since it opened"
            else:
                why = f"no request completed in the last {now - victim.last_completed_at:.1f} s"
            victim.close(
                CloseReason.EVICTED,
                f"max.connections={quotas.max_connections} reached; {why}; making room for {ip}",
            )
        quotas.add(ip)
        return None

    async def _attach_socket(
        self, loop: asyncio.AbstractEventLoop, sock: socket.socket, connection: KafkaConnection
    ) -> None:
        listener = connection.listener
        reloading = self.tls_contexts.get(listener.name) if listener.uses_tls else None
        failures: list[ssl.SSLError] = []
        handshake_failures.set(failures)  # this task's own context
        try:
            if reloading is None:
                await loop.connect_accepted_socket(lambda: connection, sock)
            else:
                await loop.connect_accepted_socket(
                    lambda: connection,
                    sock,
                    ssl=reloading.context,
                    ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT_S,
                )
        except (OSError, RuntimeError) as exc:
            sock.close()
            if reloading is not None and not connection.closed:
                # The handshake's own failure, when it had one: the error raised here is then
                # the client closing on the alert it was sent.
                cause = failures[0] if failures else exc
                connection.close(
                    CloseReason.TLS_HANDSHAKE_FAILED,
                    f"TLS handshake on listener {listener.name} failed: {_one_line(cause)}",
                )
                return
            log.debug("cannot set up an accepted connection from %s: %s", connection.ip, exc)
            if not connection.closed:
                connection.close()

    def lookup_credential(self, user: str, mechanism: str) -> ScramCredential | None:
        """The SCRAM credential of ``user`` for ``mechanism`` in the current image."""
        return self.services.image.scram_credentials.get((user, mechanism))

    # -- the connections' life ---------------------------------------------------------------

    def attach(self, connection: KafkaConnection) -> None:
        """A connection's transport is up."""
        self.connections.add(connection)
        if not connection.closed:
            self.eviction.opened(connection, connection.opened_at)

    def request_completed(self, connection: KafkaConnection, now: float) -> None:
        """A connection completed a request (it moves to the back of the eviction order)."""
        self.eviction.completed(connection, now)

    def closing(self, connection: KafkaConnection, reason: CloseReason | None, detail: str) -> None:
        """A connection is being closed by the broker: it stops counting against the limits
        at once (its transport reports ``connection_lost`` later)."""
        self._forget(connection)
        if reason is not None:
            self._count_close(reason, connection.peer, detail)

    def detach(self, connection: KafkaConnection) -> None:
        """A connection went away (closed by either side)."""
        self._forget(connection)
        self.connections.discard(connection)
        if not self.connections and self._drained is not None:
            self._drained.set()

    def _forget(self, connection: KafkaConnection) -> None:
        if not connection.admitted:
            return
        connection.admitted = False
        self.quotas.remove(connection.ip)
        self.eviction.removed(connection)

    def _count_close(
        self, reason: CloseReason, who: str, detail: str, *, refused: bool = False
    ) -> None:
        self.close_counts[reason.value] += 1
        level = logging.INFO if reason is CloseReason.IDLE else logging.WARNING
        verb = "refusing" if refused or reason in _REFUSALS else "closing"
        self.client_log.log(
            level, "%s connection from %s (%s): %s", verb, who, reason.value, detail
        )

    def trailing_bytes(
        self, connection: KafkaConnection, header: RequestHeader, count: int
    ) -> None:
        """A request had ``count`` bytes after its body; served anyway, as Kafka does."""
        self.request_anomaly_counts["trailing_bytes"] += 1
        self.client_log.log(
            logging.INFO,
            "%s v%d from %s has %d bytes after its body; ignoring them, as Kafka does",
            api_name(header.api_key),
            header.api_version,
            connection.peer,
            count,
        )

    def waiting_for_budget(self, connection: KafkaConnection) -> None:
        """A connection stopped reading to wait for request-bytes budget."""
        if self._waiter_check is None:
            loop = asyncio.get_running_loop()
            self._waiter_check = loop.call_later(
                BUDGET_WAITER_CHECK_INTERVAL_S, self._check_budget_waiters
            )

    def _check_budget_waiters(self) -> None:
        self._waiter_check = None
        waiting = [conn for conn in self.connections if conn.waiting_for_budget]
        for conn in waiting:
            if conn.peer_has_closed():
                conn.close()  # the client left; its budget goes to the next in line
        if any(conn.waiting_for_budget for conn in waiting):
            loop = asyncio.get_running_loop()
            self._waiter_check = loop.call_later(
                BUDGET_WAITER_CHECK_INTERVAL_S, self._check_budget_waiters
            )

    # -- sweeping ----------------------------------------------------------------------------

    def _sweep_interval_s(self) -> float:
        shortest_s = (
            min(self.config.connections_max_idle_ms, self.config.connections_max_request_read_ms)
            / 1000
        )
        interval = min(MAX_SWEEP_INTERVAL_S, max(MIN_SWEEP_INTERVAL_S, shortest_s / 4))
        if self.tls_contexts:
            interval = min(interval, max(MIN_SWEEP_INTERVAL_S, self._reload_interval_s))
        return interval

    def check_tls_files(self, now: float) -> None:
        """Rebuild the TLS contexts whose key, certificate or CA files changed, at most every
        ``ssl.reload.check.interval.ms``; new connections get the new context."""
        if now - self._reload_checked_at < self._reload_interval_s:
            return
        self._reload_checked_at = now
        for name, reloading in self.tls_contexts.items():
            if reloading.check():
                log.info("listener %s: TLS key, certificate or CA files changed; reloaded", name)

    async def _sweep(self) -> None:
        idle_s = self.config.connections_max_idle_ms / 1000
        read_s = self.config.connections_max_request_read_ms / 1000
        interval = self._sweep_interval_s()
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for conn in list(self.connections):
                if conn.closed:
                    continue
                started = conn.frame_started_at
                if started is not None and now - started > read_s:
                    conn.close(
                        CloseReason.REQUEST_READ_TIMEOUT,
                        f"a request frame not received whole in {now - started:.1f} s "
                        f"(connections.max.request.read.ms={read_s * 1000:.0f}); "
                        f"{conn.held_bytes} bytes held",
                    )
                elif conn.in_flight == 0 and now - conn.last_active > idle_s:
                    conn.close(CloseReason.IDLE, f"idle for {now - conn.last_active:.1f} s")
            self.check_tls_files(now)
            self.client_log.flush()

    # -- stopping ----------------------------------------------------------------------------

    async def stop(self) -> None:
        """Stop accepting and close every connection."""
        loop = asyncio.get_running_loop()
        for sock in self._sockets:
            loop.remove_reader(sock.fileno())
            sock.close()
        self._sockets = []
        self._listener_of.clear()
        for handle in self._accept_timers.values():
            handle.cancel()
        self._accept_timers.clear()
        if self._waiter_check is not None:
            self._waiter_check.cancel()
            self._waiter_check = None
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for task in list(self._attaching):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for conn in list(self.connections):
            conn.close()
        self.password_checks.stop()
        # Aborted transports report connection_lost on a later loop iteration; let them, so
        # that their in-flight requests are cancelled and record slices released before the
        # storage underneath shuts down.
        if self.connections:
            self._drained = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), CLOSE_TIMEOUT_S)


_REFUSALS: Final = frozenset({CloseReason.MAX_CONNECTIONS, CloseReason.MAX_CONNECTIONS_PER_IP})


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__
