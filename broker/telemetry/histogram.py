"""``LatencyHistogram``: counts of durations per bucket, recorded with one bisect."""

from __future__ import annotations

from bisect import bisect_left
from typing import Final

__all__ = ["DEFAULT_BOUNDS_S", "LatencyHistogram"]

#: Upper bounds (seconds, inclusive) of the default buckets: 100 µs (a cached Metadata answer)
#: to 30 s (a long-polling fetch's ceiling is the client's, usually 500 ms; slower means stuck).
DEFAULT_BOUNDS_S: Final = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)


class LatencyHistogram:
    """Durations in buckets. ``counts[i]`` counts observations ``<= bounds_s[i]`` and above the
    previous bound (not cumulative); the last entry counts those above every bound (+Inf)."""

    __slots__ = ("bounds_s", "count", "counts", "sum_s")

    def __init__(self, bounds_s: tuple[float, ...] = DEFAULT_BOUNDS_S) -> None:
        if list(bounds_s) != sorted(set(bounds_s)):
            raise ValueError(f"bucket bounds must increase strictly: {bounds_s}")
        self.bounds_s = bounds_s
        self.counts: list[int] = [0] * (len(bounds_s) + 1)
        self.sum_s = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        """Record one duration (no allocation: an index increment and two additions)."""
        self.counts[bisect_left(self.bounds_s, seconds)] += 1
        self.sum_s += seconds
        self.count += 1

    def cumulative(self) -> list[tuple[float, int]]:
        """``(upper bound, observations <= it)`` per bucket, +Inf last (Prometheus' ``le``)."""
        out: list[tuple[float, int]] = []
        running = 0
        for bound, n in zip((*self.bounds_s, float("inf")), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out
