"""Admission rules for new connections, as pure bookkeeping (the clock is passed in).

- ``ConnectionQuotas``: connections per address (``max.connections.per.ip`` and its
  overrides) and in total (``max.connections``);
- ``ConnectionRateLimiter``: ``max.connection.creation.rate`` as a token bucket;
- ``EvictionOrder``: which connection to close when ``max.connections`` is reached.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable, Mapping
from typing import Generic, TypeVar

__all__ = ["ConnectionQuotas", "ConnectionRateLimiter", "EvictionOrder", "normalise_ip"]

K = TypeVar("K", bound=Hashable)


def normalise_ip(address: str) -> str:
    """An address as a canonical string (``::ffff:1.2.3.4`` is ``1.2.3.4``); a name as is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


class ConnectionQuotas:
    """Counts of admitted connections, in total and per address."""

    def __init__(
        self, max_connections: int, max_per_ip: int, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.max_connections = max_connections
        self.max_per_ip = max_per_ip
        self._overrides = {normalise_ip(k): v for k, v in (overrides or {}).items()}
        self._per_ip: dict[str, int] = {}
        self.total = 0

    def set_overrides(self, overrides: Mapping[str, int]) -> None:
        """Replace the per-address overrides (keys: addresses)."""
        self._overrides = {normalise_ip(k): v for k, v in overrides.items()}

    def limit_for(self, ip: str) -> int:
        """The most connections ``ip`` may hold."""
        return self._overrides.get(ip, self.max_per_ip)

    def count(self, ip: str) -> int:
        return self._per_ip.get(ip, 0)

    def ip_full(self, ip: str) -> bool:
        """Whether ``ip`` is at its limit."""
        return self.count(ip) >= self.limit_for(ip)

    @property
    def full(self) -> bool:
        """Whether ``max.connections`` are admitted."""
        return self.total >= self.max_connections

    def add(self, ip: str) -> None:
        self._per_ip[ip] = self._per_ip.get(ip, 0) + 1
        self.total += 1

    def remove(self, ip: str) -> None:
        left = self._per_ip.get(ip, 0) - 1
        if left > 0:
            self._per_ip[ip] = left
        else:
            self._per_ip.pop(ip, None)
        self.total = max(0, self.total - 1)


class ConnectionRateLimiter:
    """A token bucket: ``rate_per_s`` tokens a second, holding at most one second's worth.

    Kafka measures the connection rate over a window and blocks its acceptor for the time that
    brings the rate back under the limit; the bucket does the same over one second, and allows
    a burst of ``rate_per_s`` at once after a quiet second."""

    def __init__(self, rate_per_s: float, now: float) -> None:
        if rate_per_s <= 0:
            raise ValueError("the connection creation rate must be positive")
        self.rate_per_s = float(rate_per_s)
        self._tokens = self.rate_per_s
        self._at = now

    def delay_s(self, now: float) -> float:
        """0 and take a token if one is there; else how long until one will be."""
        tokens = min(self.rate_per_s, self._tokens + (now - self._at) * self.rate_per_s)
        self._at = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return 0.0
        self._tokens = tokens
        return (1.0 - tokens) / self.rate_per_s

    def refund(self) -> None:
        """Give back the token of an accept that found nobody waiting."""
        self._tokens = min(self.rate_per_s, self._tokens + 1.0)


class EvictionOrder(Generic[K]):
    """Who goes first when a connection must be closed to admit another.

    Connections that have completed no request go first, oldest first; then the least recently
    served (oldest last completed request). Only connections whose last sign of use — opening,
    or last completed request — is at least ``min_idle_s`` old qualify, and never one that
    ``busy`` says has requests in flight."""

    def __init__(self) -> None:
        self._unproven: dict[K, float] = {}  # opened, no request completed: by opening time
        self._served: dict[K, float] = {}  # by last completed request (re-inserted each time)

    def __len__(self) -> int:
        return len(self._unproven) + len(self._served)

    def opened(self, key: K, now: float) -> None:
        self._unproven[key] = now

    def completed(self, key: K, now: float) -> None:
        """``key`` completed a request at ``now``."""
        if self._unproven.pop(key, None) is None and self._served.pop(key, None) is None:
            return  # removed already
        self._served[key] = now

    def removed(self, key: K) -> None:
        self._unproven.pop(key, None)
        self._served.pop(key, None)

    def victim(self, now: float, min_idle_s: float, busy: Callable[[K], bool]) -> K | None:
        """The connection to close, or None if none qualifies."""
        for order in (self._unproven, self._served):
            for key, since in order.items():
                if now - since < min_idle_s:
                    break  # the rest are younger
                if not busy(key):
                    return key
        return None
