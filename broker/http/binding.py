"""The HTTP listener's sockets, bound without the web framework: the broker binds them first
at start (a busy HTTP port fails the start before anything is created) and hands them to
``HttpServer.start`` once it serves (``server.py``), so that the framework and the console are
imported after the Kafka listener answers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from typing import Final

from broker.server.sockets import listening_sockets

__all__ = ["LISTEN_BACKLOG", "HttpListenError", "bind_http_listeners", "bound_ports"]

#: Pending connections the kernel queues for accept() (also those that arrive while the
#: sockets are bound and not yet served).
LISTEN_BACKLOG: Final = 128


class HttpListenError(OSError):
    """The HTTP listener could not bind (port in use, bad address)."""


async def bind_http_listeners(
    loop: asyncio.AbstractEventLoop, endpoints: Sequence[tuple[str, int]]
) -> list[socket.socket]:
    """Listening sockets for every ``(host, port)`` of ``http.listeners``;
    ``HttpListenError`` (one line) with every socket opened so far closed if one cannot be
    bound."""
    sockets: list[socket.socket] = []
    try:
        for host, port in endpoints:
            sockets.extend(await _bind(loop, host, port))
    except HttpListenError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def bound_ports(sockets: Sequence[socket.socket]) -> list[int]:
    """The ports ``sockets`` are bound to, each once, in their order."""
    ports: list[int] = []
    for sock in sockets:
        bound = int(sock.getsockname()[1])
        if bound not in ports:
            ports.append(bound)
    return ports


async def _bind(loop: asyncio.AbstractEventLoop, host: str, port: int) -> list[socket.socket]:
    """Listening sockets for ``host:port`` (every address it resolves to, one port)."""
    try:
        return await listening_sockets(loop, host, port, LISTEN_BACKLOG)
    except OSError as exc:
        where = f"{host or '*'}:{port}"
        raise HttpListenError(
            exc.errno, f"HTTP listener: cannot listen on {where}: {exc.strerror}"
        ) from exc
