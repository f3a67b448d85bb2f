"""The web console's JSON API: ``setup(app, broker)`` adds the ``/api/…`` routes.

The routes are split by subject: the cluster, topics and search in ``console_topics``,
records in ``console_messages``, consumer groups in ``console_groups``, the admin actions (only
with ``http.console.admin.enable``) in ``console_admin``; what they share (error answers,
parameters, the user's ACLs) in ``console_common``. ``setup`` also sets up ``lag_refresh`` (if
``/metrics`` has not): the console's client of the cluster (``console_backend``), connected at
the first request and closed with the application, and the round refreshing consumer lag and
its history.

Where the data comes from: brokers, partitions, leaders, replicas and ISR from this broker's
metadata image (the cluster's, kept up to date by the controller); offsets, sizes, configs,
records and groups from the cluster through the console's client, so partitions led by other
brokers and groups coordinated elsewhere are shown as well as this broker's own.
"""

from __future__ import annotations

from aiohttp import web

from broker.http import (
    console_admin,
    console_groups,
    console_messages,
    console_topics,
    lag_refresh,
)
from broker.http.console_backend import ConsoleBroker
from broker.http.console_common import ApiError, json_error
from broker.http.lag_history import SAMPLE_INTERVAL_S

__all__ = ["setup"]


def setup(
    app: web.Application,
    broker: ConsoleBroker,
    *,
    lag_interval_s: float = SAMPLE_INTERVAL_S,
) -> None:
    """Add the console's JSON API to ``app``, with its start-up and clean-up hooks."""
    lag_refresh.setup(app, broker, interval_s=lag_interval_s)
    app.add_routes(console_topics.routes())
    app.add_routes(console_messages.routes())
    app.add_routes(console_groups.routes())
    app.add_routes(console_admin.routes())
    # Last: any other path under /api/ is answered in JSON too.
    app.router.add_route("*", "/api/{tail:.*}", _no_such_route)


async def _no_such_route(request: web.Request) -> web.StreamResponse:
    return json_error(ApiError(404, "NOT_FOUND", f"no API route {request.method} {request.path}"))
