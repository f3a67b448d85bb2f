"""``KafkaServer``: the listening socket, the set of connections and their limits.

New connections past ``max.connections`` are closed at once; connections with nothing in
flight that stayed silent past ``connections.max.idle.ms`` are closed by a sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import time
from typing import Final

from broker.config import BrokerConfig
from broker.handlers.base import ApiHandler, BrokerServices
from broker.server.connection import KafkaConnection

__all__ = ["KafkaServer", "ListenError"]

log = logging.getLogger("samsa.server")

#: Longest pause between idle sweeps: idle connections live at most this much past the limit.
MAX_IDLE_SWEEP_INTERVAL_S: Final = 10.0
#: Shortest pause between idle sweeps (for tiny idle limits in tests).
MIN_IDLE_SWEEP_INTERVAL_S: Final = 0.05
#: Pending connections the kernel queues for accept().
LISTEN_BACKLOG: Final = 1024
#: How long stopping waits for aborted connections to report that they are gone.
CLOSE_TIMEOUT_S: Final = 5.0


class ListenError(OSError):
    """The listener could not bind (port in use, bad address)."""


class KafkaServer:
    """Accepts connections and runs a ``KafkaConnection`` on each."""

    def __init__(
        self,
        config: BrokerConfig,
        services: BrokerServices,
        dispatch_table: dict[int, ApiHandler],
    ) -> None:
        self.config = config
        self.services = services
        self.dispatch_table = dispatch_table
        self.api_keys = sorted(
            (h.api_key, h.min_version, h.max_version) for h in dispatch_table.values()
        )
        self.connections: set[KafkaConnection] = set()
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._drained: asyncio.Event | None = None
        self.port = 0

    async def start(self) -> None:
        """Bind and start accepting; ``port`` is then the bound port."""
        loop = asyncio.get_running_loop()
        host = self.config.host or None
        try:
            self._server = await loop.create_server(
                lambda: KafkaConnection(self, next(self._ids)),
                host=host,
                port=self.config.port,
                reuse_address=True,
                backlog=LISTEN_BACKLOG,
            )
        except OSError as exc:
            where = f"{self.config.host or '*'}:{self.config.port}"
            reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
            raise ListenError(exc.errno, f"cannot listen on {where}: {reason}") from exc
        sockets = self._server.sockets
        self.port = sockets[0].getsockname()[1] if sockets else self.config.port
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sweeper = asyncio.create_task(self._sweep_idle(), name="idle-connection-sweeper")

    def register(self, connection: KafkaConnection) -> bool:
        """Admit a new connection; False when ``max.connections`` is reached."""
        if len(self.connections) >= self.config.max_connections:
            return False
        self.connections.add(connection)
        return True

    def unregister(self, connection: KafkaConnection) -> None:
        """A connection went away."""
        self.connections.discard(connection)
        if not self.connections and self._drained is not None:
            self._drained.set()

    async def _sweep_idle(self) -> None:
        idle_s = self.config.connections_max_idle_ms / 1000
        interval = min(MAX_IDLE_SWEEP_INTERVAL_S, max(MIN_IDLE_SWEEP_INTERVAL_S, idle_s / 4))
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for conn in list(self.connections):
                if conn.in_flight == 0 and now - conn.last_active > idle_s:
                    log.info("closing connection from %s: idle for %.1f s", conn.peer, idle_s)
                    conn.close()

    async def stop(self) -> None:
        """Stop accepting and close every connection."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.close()
        # Aborted transports report connection_lost on a later loop iteration; let them, so
        # that their in-flight requests are cancelled and record slices released before the
        # storage underneath shuts down.
        if self.connections:
            self._drained = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), CLOSE_TIMEOUT_S)
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None
