"""``HttpLauncher``: the HTTP listener's start in two steps, so that the Kafka listener answers
first.

``bind()`` binds every ``http.listeners`` address at once, without the web framework: a busy
or bad address fails the broker's start before anything is created, as it always did.
``serve(gate)`` then waits until ``gate`` is set (the broker sets it when its Kafka listener
is open) or ``HTTP_DEFER_MAX_S`` have passed (a start that recovers logs or waits for its
metadata quorum serves health checks from then on), imports the web framework, the console and
the metrics exposition (``server.py``) in a worker thread while the event loop keeps serving
Kafka requests, and serves on the bound sockets. Connections that arrive meanwhile wait in the
sockets' listen backlog and are answered once it serves. ``started()`` waits for that;
``stop()`` stops serving, or closes the sockets if it never served.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import socket
import sys
from typing import TYPE_CHECKING, Final

from broker.config import parse_http_listeners
from broker.http.binding import bind_http_listeners, bound_ports

if TYPE_CHECKING:
    from broker.http.server import HttpServer, ServedBroker

__all__ = ["HTTP_DEFER_MAX_S", "HttpLauncher"]

#: Longest the HTTP listener waits for the Kafka listener before it starts serving anyway: an
#: empty broker listens well within it (tens of ms after its start begins), so the web
#: framework's import (about 0.15 s of CPU) never delays the first Kafka answer; a start that
#: takes longer (recovering logs, waiting for its quorum) answers health checks from then on.
HTTP_DEFER_MAX_S: Final = 0.25
#: The module of the HTTP listener proper (aiohttp, the console, the metrics exposition):
#: imported by name, off the event loop, once it is needed.
SERVER_MODULE: Final = "broker.http.server"


class HttpLauncher:
    """Binds the HTTP listener's sockets (``bind``), serves on them later (``serve``)."""

    def __init__(self, broker: ServedBroker, *, defer_max_s: float | None = None) -> None:
        self.broker = broker
        self.endpoints = parse_http_listeners(broker.config.http_listeners)
        self.defer_max_s = HTTP_DEFER_MAX_S if defer_max_s is None else defer_max_s
        """How long ``serve`` waits for its gate (``HTTP_DEFER_MAX_S`` unless given)."""
        self.ports: list[int] = []
        """The bound ports, in ``http.listeners`` order (after ``bind``)."""
        self.server: HttpServer | None = None
        """The HTTP server once it serves."""
        self._sockets: list[socket.socket] = []
        self._serving: asyncio.Task[None] | None = None

    @property
    def hosts(self) -> list[str]:
        return [host for host, _ in self.endpoints]

    async def bind(self) -> None:
        """Bind every address (none without HTTP listeners); ``HttpListenError`` (one line)
        if one cannot be bound."""
        if not self.endpoints:
            return
        self._sockets = await bind_http_listeners(asyncio.get_running_loop(), self.endpoints)
        self.ports = bound_ports(self._sockets)

    def serve(self, gate: asyncio.Event) -> None:
        """Serve on the bound sockets once ``gate`` is set or ``defer_max_s`` have passed (in
        a task: ``started()`` waits for it)."""
        if not self._sockets or self._serving is not None:
            return
        self._serving = asyncio.create_task(self._serve(gate), name="http-listener-start")

    async def started(self) -> None:
        """Wait until the HTTP listener serves (at once without one); what its start raised."""
        if self._serving is not None:
            await self._serving

    async def stop(self) -> None:
        """Stop serving (``HttpServer.stop``), or close the sockets it never served on."""
        serving, self._serving = self._serving, None
        if serving is not None:
            serving.cancel()  # nothing if it is done
            await asyncio.wait({serving})
            if not serving.cancelled():
                serving.exception()  # what it raised is the start's to report (``started``)
        server, self.server = self.server, None
        if server is not None:
            await server.stop()
        self._close_sockets()

    async def _serve(self, gate: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(gate.wait(), self.defer_max_s)
        module = sys.modules.get(SERVER_MODULE)
        if module is None:
            module = await asyncio.to_thread(importlib.import_module, SERVER_MODULE)
        server: HttpServer = module.HttpServer(self.broker)
        sockets, self._sockets = self._sockets, []
        try:
            await server.start(sockets)  # closes them if it fails
        except BaseException:
            await server.stop()
            raise
        self.server = server

    def _close_sockets(self) -> None:
        sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()
