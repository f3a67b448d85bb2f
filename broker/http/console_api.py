"""The web console's JSON API: ``setup(app, broker)`` adds the ``/api/…`` routes.

The routes are split by subject: the cluster, topics and search in ``console_topics``,
records in ``console_messages``, consumer groups in ``console_groups``, the admin actions (only
with ``http.console.admin.enable``) in ``console_admin``; what they share (error answers,
parameters, the user's ACLs) in ``console_common``. ``setup`` also adds the application's
start and clean-up hooks: the lag sampler (``lag_history``) and the console's client of the
cluster (``console_backend``), connected at the first request and closed with the application.

Where the data comes from: brokers, partitions, leaders, replicas and ISR from this broker's
metadata image (the cluster's, kept up to date by the controller); offsets, sizes, configs,
records and groups from the cluster through the console's client, so partitions led by other
brokers and groups coordinated elsewhere are shown as well as this broker's own.
"""

from __future__ import annotations

from aiohttp import web

from broker.http import console_admin, console_groups, console_messages, console_topics
from broker.http.console_backend import ConsoleBackend, ConsoleBroker
from broker.http.console_common import (
    BACKEND,
    BROKER,
    HISTORY,
    SAMPLER,
    ApiError,
    json_error,
)
from broker.http.lag_history import MAX_GROUPS, SAMPLE_INTERVAL_S, LagHistory, LagSampler

__all__ = ["setup"]


def setup(
    app: web.Application,
    broker: ConsoleBroker,
    *,
    lag_interval_s: float = SAMPLE_INTERVAL_S,
) -> None:
    """Add the console's JSON API to ``app``, with its start-up and clean-up hooks."""
    backend = ConsoleBackend(broker)
    history = LagHistory()
    sampler = LagSampler(history, lambda: backend.total_lags(MAX_GROUPS), interval_s=lag_interval_s)
    app[BROKER] = broker
    app[BACKEND] = backend
    app[HISTORY] = history
    app[SAMPLER] = sampler
    app.add_routes(console_topics.routes())
    app.add_routes(console_messages.routes())
    app.add_routes(console_groups.routes())
    app.add_routes(console_admin.routes())
    # Last: any other path under /api/ is answered in JSON too.
    app.router.add_route("*", "/api/{tail:.*}", _no_such_route)

    async def start(app: web.Application) -> None:
        sampler.start()

    async def cleanup(app: web.Application) -> None:
        await sampler.stop()
        await backend.close()

    app.on_startup.append(start)
    app.on_cleanup.append(cleanup)


async def _no_such_route(request: web.Request) -> web.StreamResponse:
    return json_error(ApiError(404, "NOT_FOUND", f"no API route {request.method} {request.path}"))
