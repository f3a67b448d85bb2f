"""Each consumer group's total lag over the last hour, for the console's lag chart.

``LagHistory`` is pure (callers pass the time): one bounded ring of ``(time_ms, lag)`` samples
per group, for at most ``MAX_GROUPS`` groups. ``LagSampler`` is its asyncio driver: every
``SAMPLE_INTERVAL_S`` it asks a callable for the total lag of each group this broker
coordinates and records the answers; groups that no longer answer are forgotten, so deleted
groups (and groups whose coordinator moved away) do not stay in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

__all__ = [
    "HISTORY_S",
    "MAX_GROUPS",
    "MAX_POINTS",
    "SAMPLE_INTERVAL_S",
    "LagHistory",
    "LagSampler",
]

log = logging.getLogger("samsa.http.console")

#: How often a group's total lag is sampled: fine enough for an hour's chart.
SAMPLE_INTERVAL_S: Final = 10.0
#: How far back the chart looks.
HISTORY_S: Final = 3600.0
#: Samples kept per group: an hour at one every 10 s (a shorter interval keeps the last 360).
MAX_POINTS: Final = int(HISTORY_S / SAMPLE_INTERVAL_S)
#: Groups with a history: beyond it the groups sampled first keep theirs and the others have
#: none (each costs up to MAX_POINTS pairs, about 30 KiB; 2000 groups stay under 64 MiB).
MAX_GROUPS: Final = 2000


class LagHistory:
    """Bounded lag samples per group (pure: the caller passes the time)."""

    def __init__(
        self,
        *,
        max_groups: int = MAX_GROUPS,
        max_points: int = MAX_POINTS,
        history_ms: int = int(HISTORY_S * 1000),
    ) -> None:
        self.max_groups = max_groups
        self.max_points = max_points
        self.history_ms = history_ms
        self._series: dict[str, deque[tuple[int, int]]] = {}

    def __len__(self) -> int:
        return len(self._series)

    def record(self, now_ms: int, lags: Mapping[str, int]) -> None:
        """One sample for each group of ``lags``; groups absent from it are forgotten, and
        samples older than ``history_ms`` dropped (after rounds that failed)."""
        for group_id in [g for g in self._series if g not in lags]:
            del self._series[group_id]
        oldest_ms = now_ms - self.history_ms
        for kept in self._series.values():
            while kept and kept[0][0] < oldest_ms:
                kept.popleft()
        for group_id, lag in lags.items():
            series = self._series.get(group_id)
            if series is None:
                if len(self._series) >= self.max_groups:
                    continue
                series = self._series[group_id] = deque(maxlen=self.max_points)
            series.append((now_ms, lag))

    def history(self, group_id: str) -> list[tuple[int, int]]:
        """The group's samples, oldest first (empty when it has none)."""
        return list(self._series.get(group_id, ()))


class LagSampler:
    """Samples ``total_lags()`` into ``history`` every ``interval_s`` until stopped."""

    def __init__(
        self,
        history: LagHistory,
        total_lags: Callable[[], Awaitable[Mapping[str, int]]],
        *,
        interval_s: float = SAMPLE_INTERVAL_S,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.history = history
        self._total_lags = total_lags
        self.interval_s = interval_s
        self._clock_ms = clock_ms
        self._task: asyncio.Task[None] | None = None
        #: Completed sampling rounds (tests wait on it).
        self.rounds = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="console-lag-sampler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def sample_once(self) -> None:
        lags = await self._total_lags()
        self.history.record(self._clock_ms(), lags)
        self.rounds += 1

    async def _run(self) -> None:
        while True:
            try:
                await self.sample_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broker restarting, a timeout: try again next round
                log.debug("lag sample failed: %s", exc)
            await asyncio.sleep(self.interval_s)
