"""The background round that keeps consumer lag of remote partitions fresh, and samples the lag
history: ``setup(app, broker)``.

Every ``SAMPLE_INTERVAL_S`` (10 s) one task asks the cluster, through the console's client of
it (``ConsoleBackend``), for the offsets of the committed partitions that have no replica on
this broker and the timestamps of the records their groups wait on (``LagReader.refresh``:
bounded in partitions and Fetches per round, every call with a deadline), then records each
group's total lag in the history (``lag_history``). ``/metrics`` and the console read the
results from the broker's one ``LagReader``; a scrape never waits on this round.

Set up once per HTTP application, whether it serves the console, ``/metrics`` or both.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from aiohttp import web

from broker.http.console_backend import ConsoleBackend, ConsoleBroker
from broker.http.console_common import BACKEND, BROKER, HISTORY, SAMPLER
from broker.http.lag import lag_reader_of
from broker.http.lag_history import MAX_GROUPS, SAMPLE_INTERVAL_S, LagHistory, LagSampler

__all__ = ["setup"]


def _now_ms() -> int:
    return int(time.time() * 1000)


def setup(
    app: web.Application, broker: ConsoleBroker, *, interval_s: float = SAMPLE_INTERVAL_S
) -> None:
    """Give ``app`` the console's client, the lag history and the task refreshing both (started
    and stopped with the application). A second call does nothing."""
    if SAMPLER in app:
        return
    backend = ConsoleBackend(broker)
    history = LagHistory()
    reader = lag_reader_of(broker)

    async def refresh_and_total() -> Mapping[str, int]:
        coordinator = broker.group_coordinator
        replicas = broker.replica_manager
        await reader.refresh(coordinator, replicas, backend, _now_ms())
        return reader.total_lags(coordinator, replicas, MAX_GROUPS)

    sampler = LagSampler(history, refresh_and_total, interval_s=interval_s)
    app[BROKER] = broker
    app[BACKEND] = backend
    app[HISTORY] = history
    app[SAMPLER] = sampler

    async def start(app: web.Application) -> None:
        sampler.start()

    async def cleanup(app: web.Application) -> None:
        await sampler.stop()
        await backend.close()

    app.on_startup.append(start)
    app.on_cleanup.append(cleanup)
