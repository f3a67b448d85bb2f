"""Per-API request metrics, Kafka's RequestMetrics split: queue, local, remote, send, total."""

from __future__ import annotations

from collections.abc import ItemsView

from broker.telemetry.histogram import LatencyHistogram

__all__ = ["ApiMetrics", "RequestMetrics"]


class ApiMetrics:
    """One API key's requests: how many, their error codes, and where their time went.

    * ``queue_time``: the frame was whole → its handler was called (waiting for a slot);
    * ``local_time``: in the handler (for a handler that answers with an awaitable: until it
      returned the awaitable);
    * ``remote_time``: the awaitable, until it finished (acks, long polls, group commits);
      0 for requests answered at once;
    * ``send_time``: finished → bytes handed to the transport (includes waiting for earlier
      responses of the same connection, which leave first);
    * ``total_time``: the frame was whole → its bytes were handed to the transport.
    """

    __slots__ = (
        "errors_total",
        "local_time",
        "queue_time",
        "remote_time",
        "requests_total",
        "send_time",
        "total_time",
    )

    def __init__(self) -> None:
        self.requests_total = 0
        #: Kafka error code (never 0) → responses or partitions that carried it.
        self.errors_total: dict[int, int] = {}
        self.queue_time = LatencyHistogram()
        self.local_time = LatencyHistogram()
        self.remote_time = LatencyHistogram()
        self.send_time = LatencyHistogram()
        self.total_time = LatencyHistogram()

    def error(self, code: int, n: int = 1) -> None:
        """Count ``n`` occurrences of error ``code`` (0 is no error and is not counted)."""
        if code:
            errors = self.errors_total
            errors[code] = errors.get(code, 0) + n


class RequestMetrics:
    """``ApiMetrics`` per API key, created on first use (bounded by the API keys served)."""

    __slots__ = ("_apis",)

    def __init__(self) -> None:
        self._apis: dict[int, ApiMetrics] = {}

    def api(self, api_key: int) -> ApiMetrics:
        """The metrics of ``api_key`` (created the first time)."""
        found = self._apis.get(api_key)
        if found is None:
            found = self._apis[api_key] = ApiMetrics()
        return found

    def items(self) -> ItemsView[int, ApiMetrics]:
        """``(api_key, metrics)`` of every API seen so far."""
        return self._apis.items()
