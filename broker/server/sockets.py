"""Listening sockets for a ``host:port``: one per address the host resolves to, all on one
port (a port of 0 takes the first socket's free port for the others too), IPv6 sockets
IPv6-only so that ``::`` and ``0.0.0.0`` can both be bound. Shared by the Kafka listeners and
the HTTP listener."""

from __future__ import annotations

import asyncio
import errno
import os
import socket

__all__ = ["listening_sockets"]


async def listening_sockets(
    loop: asyncio.AbstractEventLoop, host: str | None, port: int, backlog: int
) -> list[socket.socket]:
    """Bound, listening, non-blocking sockets; ``OSError`` (with its errno and a one-line,
    lower-case reason as its message) when the host does not resolve or a bind fails, with
    every socket opened so far closed."""
    try:
        infos = await loop.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except OSError as exc:
        raise OSError(exc.errno, f"cannot resolve: {exc}") from exc
    sockets: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if port == 0 and len(sockets) > 1:  # every address on the first one's port
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        raise OSError(exc.errno, reason) from exc
    if not sockets:
        raise OSError(errno.EADDRNOTAVAIL, "no address")
    return sockets
