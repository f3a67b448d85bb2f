"""Free TCP ports on 127.0.0.1, for servers whose addresses must be known before they start
(Raft voters name each other's ports).

Ports are picked at random below the kernel's ephemeral range when it leaves room: a port from
that range, free when picked, can be taken by any outgoing connection before the server binds
it (a cluster test in CI failed that way)."""

from __future__ import annotations

import random
import socket
from pathlib import Path
from typing import Final

#: The lowest port picked at random.
LOWEST_PICKED_PORT: Final = 10_000
#: Tries at a free random port before letting the kernel pick.
PORT_PICK_TRIES: Final = 200


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (32768 if it cannot be read)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free a moment ago: below the ephemeral range when it leaves
    room, else picked by the kernel (held together, then released)."""
    high = _ephemeral_low()
    found: list[int] = []
    if high - LOWEST_PICKED_PORT > 10 * count:
        for _ in range(PORT_PICK_TRIES):
            if len(found) == count:
                return found
            port = random.randrange(LOWEST_PICKED_PORT, high)
            if port in found:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            found.append(port)
        if len(found) == count:
            return found
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()
