"""The structured fields of a log line about one request: who sent it and which request it
was, as ``extra=`` for ``logging`` (``--log-format json`` writes them as fields of the line;
the text format keeps its message, which names the API, version, correlation id and peer)."""

from __future__ import annotations

from typing import Any

from protocol.headers import RequestHeader
from protocol.messages import api_name

__all__ = ["request_fields"]


def request_fields(header: RequestHeader, peer: str) -> dict[str, Any]:
    """``client_id``, ``api`` (Kafka's name), ``api_version``, ``correlation_id``, ``peer``."""
    return {
        "client_id": header.client_id,
        "api": api_name(header.api_key),
        "api_version": header.api_version,
        "correlation_id": header.correlation_id,
        "peer": peer,
    }
