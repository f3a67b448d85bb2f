"""``/health/live`` and ``/health/ready``: what process supervisors and Kubernetes probe.

Live: the process serves HTTP (its event loop runs). Ready: the broker can serve clients — its
metadata has caught up (in a cluster: registered with the controller and unfenced; alone: its
image loaded) and every Kafka listener accepts. Not ready before that, and from the moment
shutdown begins, so that a load balancer stops sending clients before the listeners close.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

__all__ = ["routes"]


def routes(readiness: Callable[[], str | None]) -> list[web.RouteDef]:
    """The two health routes; ``readiness()`` is None when ready, else why not (one line)."""

    async def live(_: web.Request) -> web.Response:
        return web.json_response({"status": "live"})

    async def ready(_: web.Request) -> web.Response:
        reason = readiness()
        if reason is None:
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready", "reason": reason}, status=503)

    return [web.get("/health/live", live), web.get("/health/ready", ready)]
