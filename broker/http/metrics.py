"""A stand-in for the broker's Prometheus metrics: only ``samsa_build_info``, so that the HTTP
listener's ``/metrics`` route has something real to serve; the full collector replaces it."""

from __future__ import annotations

from typing import Any, Final

from prometheus_client import CollectorRegistry, Info, generate_latest

__all__ = ["CONTENT_TYPE", "render_metrics"]

#: The Prometheus text format's content type (0.0.4).
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"


def render_metrics(broker: Any) -> bytes:
    """The scrape: one registry per call, never the process-wide one."""
    registry = CollectorRegistry(auto_describe=False)
    info = Info("samsa_build", "Samsa's version", registry=registry)
    info.info({"version": _version(), "node_id": str(broker.config.node_id)})
    return generate_latest(registry)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("samsa")
    except PackageNotFoundError:
        return "unknown"
