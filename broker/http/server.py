"""``HttpServer``: the broker's HTTP listener (``http.listeners``), on the broker's event loop.

It serves ``/health/live`` and ``/health/ready`` (``health.py``), ``/metrics`` (``metrics.py``,
unless ``http.metrics.enable=false``), the web console's assets at ``/`` and ``/static/…`` (the
package's ``static/`` directory) and, with ``http.console.enable``, the console's JSON API
(``console_api.py``), and with ``faults.admin.enable`` the fault-injection admin channel
(``faults_api.py``). Every route but the health checks (and ``/metrics`` unless
``http.metrics.require.auth``) asks for a SCRAM user's credentials when a Kafka listener uses
SASL (``auth.py``).

Bounds, as on the Kafka port: at most ``http.max.connections`` connections (more are closed at
once), a request line and header fields of at most ``MAX_LINE_BYTES``, at most ``MAX_HEADERS``
headers, a body of at most ``MAX_BODY_BYTES``, a connection that has not sent a whole request
within ``idle_timeout_s`` (since it opened or since its last response) is closed, and a request
whose handling takes longer than ``request_timeout_s`` is answered 503.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Protocol, cast

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from broker.config import BrokerConfig, parse_http_listeners
from broker.http import console_api, faults_api, health, lag_refresh, metrics
from broker.http.auth import ConsoleAuth, Handler
from broker.http.binding import LISTEN_BACKLOG, HttpListenError, bind_http_listeners, bound_ports
from broker.http.console_backend import ConsoleBroker
from broker.http.faults_api import FaultAdmin
from broker.http.metrics import MetricsSource
from protocol.scram import ScramCredential

__all__ = ["STATIC_DIR", "HttpListenError", "HttpServer"]

log = logging.getLogger("samsa.http")

#: The console's assets, shipped inside the package.
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
#: Largest request line and header field (aiohttp's default; a browser's cookies fit).
MAX_LINE_BYTES: Final = 8190
#: Most header fields in a request (browsers send about twenty).
MAX_HEADERS: Final = 64
#: Largest request body: the console's admin actions send small JSON documents (a test message
#: of up to this size included).
MAX_BODY_BYTES: Final = 1024 * 1024
#: How long a connection may take to send a whole request (from its opening or its previous
#: response) before it is closed: a slow or silent client holds a connection no longer.
IDLE_TIMEOUT_S: Final = 15.0
#: Longest a request may take to be answered (its body read included); past it: 503.
REQUEST_TIMEOUT_S: Final = 30.0
#: How long the stop waits for requests in progress before closing their connections.
SHUTDOWN_TIMEOUT_S: Final = 2.0
#: Headers on every response: nothing cached (health and metrics change; the console's data is
#: the broker's), nothing sniffed, never framed, and only the listener's own scripts and
#: styles (the console uses no inline script or style).
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
}


class ServedBroker(MetricsSource, ConsoleBroker, Protocol):
    """What the HTTP listener needs of the broker (``broker.Broker`` is one): what a scrape
    reads, what the console reads, and the two below."""

    @property
    def config(self) -> BrokerConfig: ...

    def readiness(self) -> str | None:
        """None when ready to serve clients, else why not (one line)."""
        ...

    def scram_credentials(self) -> Mapping[tuple[str, str], ScramCredential] | None:
        """The SCRAM credentials of the metadata image, None before it is loaded."""
        ...

    @property
    def faults(self) -> FaultAdmin:
        """The broker's fault injection (the admin channel's, with ``faults.admin.enable``)."""
        ...


class _CountedConnection(asyncio.Protocol):
    """One HTTP connection: aiohttp's request handler, admitted only under the bound."""

    def __init__(self, owner: HttpServer, inner: RequestHandler) -> None:
        self._owner = owner
        self._inner = inner
        self._admitted = False
        self._transport: asyncio.Transport | None = None

    def connection_made(self, base_transport: asyncio.BaseTransport) -> None:
        owner = self._owner
        # A stream transport (uvloop's is one without deriving from asyncio.Transport).
        transport = cast(asyncio.Transport, base_transport)
        if owner.closing or owner.open_connections >= owner.max_connections:
            if not owner.closing:
                owner.refused_connections += 1
            transport.abort()
            return
        self._admitted = True
        owner.open_connections += 1
        owner.transports.add(transport)
        self._transport = transport
        self._inner.connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._admitted:
            self._admitted = False
            self._owner.open_connections -= 1
            if self._transport is not None:
                self._owner.transports.discard(self._transport)
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self._admitted:
            self._inner.eof_received()
        return None  # the transport closes itself

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class HttpServer:
    """The HTTP listener: ``start()`` binds every ``http.listeners`` address, ``stop()``."""

    def __init__(
        self,
        broker: ServedBroker,
        *,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        request_timeout_s: float = REQUEST_TIMEOUT_S,
        static_dir: Path = STATIC_DIR,
    ) -> None:
        config = broker.config
        self.broker = broker
        self.endpoints = parse_http_listeners(config.http_listeners)
        self.max_connections = config.http_max_connections
        self.idle_timeout_s = idle_timeout_s
        self.request_timeout_s = request_timeout_s
        self.static_dir = static_dir
        self.auth = ConsoleAuth(config, broker.scram_credentials)
        self.open_connections = 0
        """Connections admitted and not yet closed."""
        self.transports: set[asyncio.Transport] = set()
        """Their transports."""
        self.closing = False
        """Set by ``stop``: connections accepted from now on are closed at once."""
        self.refused_connections = 0
        """Connections closed at once because ``http.max.connections`` were open."""
        self.timed_out_requests = 0
        """Requests answered 503 after ``request_timeout_s``."""
        self.bad_requests = 0
        """Requests answered 4xx by the parser (too long, malformed): the client's fault, counted
        here and not logged (a hostile client could fill the log)."""
        self._protocol_log = logging.getLogger("samsa.http.protocol")
        self.ports: list[int] = []
        """The bound ports, in ``http.listeners`` order (after ``start``)."""
        self._runner: web.AppRunner | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self.app = self.build_app()
        """The aiohttp application (routes may be added until ``start``)."""

    @property
    def port(self) -> int | None:
        """The first bound port (None before ``start`` or without HTTP listeners)."""
        return self.ports[0] if self.ports else None

    @property
    def hosts(self) -> list[str]:
        return [host for host, _ in self.endpoints]

    # -- the application ---------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp application: routes and middlewares (no socket)."""
        app = web.Application(
            client_max_size=MAX_BODY_BYTES,
            middlewares=[self._timeout_middleware, self.auth.middleware],
        )
        app.on_response_prepare.append(_add_security_headers)
        app.router.add_routes(health.routes(self.broker.readiness))
        if self.broker.config.http_metrics_enable:
            app.router.add_get("/metrics", self._metrics)
        config = self.broker.config
        if config.faults_admin_enable:
            # Before the console's API: its catch-all answers every other /api/ path 404.
            faults_api.setup(
                app,
                self.broker.faults,
                login_required=self.auth.required,
                super_users=config.super_user_set,
            )
        if self.broker.config.http_console_enable:
            self._add_console(app)
        elif self.broker.config.http_metrics_enable:
            lag_refresh.setup(app, self.broker)  # remote partitions' lag, for /metrics
        return app

    def _add_console(self, app: web.Application) -> None:
        static_dir = self.static_dir
        index = static_dir / "index.html"

        async def root(_: web.Request) -> web.StreamResponse:
            if not index.is_file():
                raise web.HTTPNotFound(text="the console's assets are not installed")
            return web.FileResponse(index)

        app.router.add_get("/", root)
        if static_dir.is_dir():
            app.router.add_static("/static", static_dir, follow_symlinks=False)
        console_api.setup(app, self.broker)

    async def _metrics(self, _: web.Request) -> web.Response:
        body = metrics.render_metrics(self.broker)
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    @web.middleware
    async def _timeout_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        try:
            async with asyncio.timeout(self.request_timeout_s):
                return await handler(request)
        except TimeoutError:
            self.timed_out_requests += 1
            return web.json_response(
                {"error": "REQUEST_TIMED_OUT", "message": "the request took too long"},
                status=503,
            )

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, sockets: list[socket.socket] | None = None) -> None:
        """Serve on ``sockets`` (bound by ``binding.bind_http_listeners``, which this binds
        when they are not given; they are this server's from now on, closed by ``stop``);
        ``HttpListenError`` (one line) if an address cannot be bound."""
        if not self.endpoints:
            return
        loop = asyncio.get_running_loop()
        if sockets is None:
            sockets = await bind_http_listeners(loop, self.endpoints)
        self._protocol_log.addFilter(self._drop_bad_requests)  # removed by stop()
        runner = web.AppRunner(
            self.app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT_S,
            keepalive_timeout=self.idle_timeout_s,
            max_line_size=MAX_LINE_BYTES,
            max_field_size=MAX_LINE_BYTES,
            max_headers=MAX_HEADERS,
            logger=self._protocol_log,
        )
        try:
            await runner.setup()
            self._runner = runner
            handlers = runner.server
            assert handlers is not None

            def factory() -> asyncio.Protocol:
                return _CountedConnection(self, handlers())

            for sock in sockets:
                self._servers.append(
                    await loop.create_server(factory, sock=sock, backlog=LISTEN_BACKLOG)
                )
        except BaseException:
            for sock in sockets:
                sock.close()
            await self.stop()
            raise
        self.ports = bound_ports(sockets)
        self.auth.start()
        if not self.auth.required and not all(_is_loopback(h) for h in self.hosts):
            log.warning(
                "the HTTP listener on %s serves the console and metrics without a login "
                "(no Kafka listener uses SASL): anyone who can reach it can use them",
                self.config_text(),
            )

    def _drop_bad_requests(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            self.bad_requests += 1
            return False
        return True

    def config_text(self) -> str:
        return ", ".join(f"{h or '*'}:{p}" for h, p in self.endpoints)

    async def stop(self) -> None:
        """Stop accepting, end requests in progress (waiting at most ``SHUTDOWN_TIMEOUT_S``),
        close every connection (idempotent)."""
        self.closing = True
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        # Connections the cleanup did not know of (accepted as it began) end here.
        for transport in list(self.transports):
            transport.abort()
        for server in servers:
            await server.wait_closed()
        self.auth.stop()
        self._protocol_log.removeFilter(self._drop_bad_requests)


async def _add_security_headers(_: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name, or every interface ("")
