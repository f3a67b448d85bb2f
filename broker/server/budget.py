"""``queued.max.request.bytes``: one budget for the bytes held in incomplete request frames.

Each connection charges the budget for its frame decoder's buffer (what the partial frame holds,
which grows as its bytes arrive) and releases it when the frame completes or the connection
closes. A connection whose frame must grow and finds too little budget stops reading and waits;
waiters are served first come, first served, each as soon as the budget frees enough for the
least step it needs (given up to the step it wants). While anyone waits, the budget gives no
headroom to others, so a stream of newcomers cannot starve the first in line.

Stalled partial frames can hold the whole budget; ``connections.max.request.read.ms`` (and
eviction at ``max.connections``) closes them, which frees it.

Pure bookkeeping: no clock, no I/O; grants are callbacks run synchronously by ``release``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

__all__ = ["UNBOUNDED", "RequestBytesBudget", "Waiter"]

#: What ``available_bytes`` reports for an unbounded budget (Kafka's -1).
UNBOUNDED: Final = 1 << 62


class Waiter:
    """A connection waiting for budget."""

    __slots__ = ("grant", "least_bytes", "wanted_bytes")

    def __init__(self, least_bytes: int, wanted_bytes: int, grant: Callable[[int], None]) -> None:
        self.least_bytes = least_bytes
        """Granted only when at least this much is available."""
        self.wanted_bytes = max(least_bytes, wanted_bytes)
        """Granted up to this much."""
        self.grant = grant


class RequestBytesBudget:
    """Bytes of incomplete request frames across all connections, against a limit."""

    def __init__(self, limit_bytes: int | None) -> None:
        if limit_bytes is not None and limit_bytes < 0:
            raise ValueError("the budget's limit cannot be negative")
        self.limit_bytes = limit_bytes
        """None: unbounded (charges are only counted)."""
        self.used_bytes = 0
        self.peak_bytes = 0
        """The most ever charged at once."""
        self._waiters: dict[Waiter, None] = {}  # insertion-ordered: first come, first served

    @property
    def bounded(self) -> bool:
        return self.limit_bytes is not None

    @property
    def available_bytes(self) -> int:
        if self.limit_bytes is None:
            return UNBOUNDED
        return max(0, self.limit_bytes - self.used_bytes)

    @property
    def waiting(self) -> int:
        """Connections waiting for budget."""
        return len(self._waiters)

    def headroom(self) -> int:
        """What a connection that is not waiting may charge now: nothing while others wait."""
        return 0 if self._waiters else self.available_bytes

    def charge(self, nbytes: int) -> None:
        """Take ``nbytes`` (callers stay within ``headroom()``)."""
        if nbytes <= 0:
            return
        self.used_bytes += nbytes
        self.peak_bytes = max(self.peak_bytes, self.used_bytes)

    def release(self, nbytes: int) -> None:
        """Give back ``nbytes``, and grant waiters in order while the budget covers them."""
        if nbytes > 0:
            self.used_bytes = max(0, self.used_bytes - nbytes)
        self._grant_waiters()

    def wait(self, waiter: Waiter) -> None:
        """Queue ``waiter``; its ``grant(n)`` is called once with the bytes charged on its
        behalf (at once, from this call, if the budget covers it and nobody waits ahead)."""
        self._waiters[waiter] = None
        self._grant_waiters()

    def cancel(self, waiter: Waiter) -> None:
        """Leave the queue (a closed connection); others may now be granted."""
        if waiter in self._waiters:
            del self._waiters[waiter]
            self._grant_waiters()

    def _grant_waiters(self) -> None:
        while self._waiters:
            head = next(iter(self._waiters))
            available = self.available_bytes
            if available < head.least_bytes:
                return
            del self._waiters[head]
            granted = min(head.wanted_bytes, available)
            self.charge(granted)
            head.grant(granted)
