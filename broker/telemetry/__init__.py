"""Cheap recording primitives for the broker's metrics (pure: no IO, no clock reads).

Hot paths record into these; ``broker.http.metrics`` reads them at scrape time.
"""

from broker.telemetry.histogram import DEFAULT_BOUNDS_S, LatencyHistogram
from broker.telemetry.requests import ApiMetrics, RequestMetrics
from broker.telemetry.traffic import TopicTraffic

__all__ = [
    "DEFAULT_BOUNDS_S",
    "ApiMetrics",
    "LatencyHistogram",
    "RequestMetrics",
    "TopicTraffic",
]
