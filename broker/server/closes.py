"""Why the broker closes or refuses connections, counted per reason, and logged at a bounded rate.

Every close the broker decides is counted in ``KafkaServer.close_counts`` (a ``Counter`` keyed
by ``CloseReason`` values: what a metrics endpoint reads). Log lines about misbehaving clients go
through a ``RateLimitedLog``: a flood of bad connections costs a few lines per interval and one
"suppressed" line, not a line each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Final

__all__ = [
    "LOG_INTERVAL_S",
    "LOG_MAX_LINES_PER_INTERVAL",
    "CloseReason",
    "RateLimitedLog",
]

#: Lines about client misbehaviour logged per interval: enough to see what is going on, few
#: enough that 10,000 bad connections a second cannot fill a disk.
LOG_MAX_LINES_PER_INTERVAL: Final = 10
#: The interval those lines are counted over; the lines it suppressed are reported in one line
#: when the next interval begins.
LOG_INTERVAL_S: Final = 10.0


class CloseReason(StrEnum):
    """Why the broker closed (or refused) a connection."""

    MALFORMED_FRAME = "malformed_frame"
    """A negative frame size."""
    FRAME_TOO_LARGE = "frame_too_large"
    """A frame larger than ``socket.request.max.bytes``."""
    MALFORMED_REQUEST = "malformed_request"
    """A request header or body that does not decode."""
    UNSUPPORTED_REQUEST = "unsupported_request"
    """An API key or version the broker does not serve (other than ApiVersions)."""
    REQUEST_READ_TIMEOUT = "request_read_timeout"
    """A request frame not received whole within ``connections.max.request.read.ms``."""
    IDLE = "idle"
    """Nothing in flight and silent for ``connections.max.idle.ms``."""
    EVICTED = "evicted"
    """Closed at ``max.connections`` to admit a new connection."""
    MAX_CONNECTIONS = "max_connections"
    """Refused: ``max.connections`` reached and no connection could be evicted."""
    MAX_CONNECTIONS_PER_IP = "max_connections_per_ip"
    """Refused: the client's address is at ``max.connections.per.ip`` (or its override)."""
    FAILED_ACKS0_PRODUCE = "failed_acks0_produce"
    """An acks=0 produce failed: closing is how the producer learns of it (as Kafka does)."""
    TLS_HANDSHAKE_FAILED = "tls_handshake_failed"
    """The TLS handshake failed or timed out (no client certificate when one is required, an
    untrusted one, no common protocol or cipher, plaintext on a TLS port)."""
    SASL_AUTHENTICATION_FAILED = "sasl_authentication_failed"
    """SASL authentication failed (closed ``connection.failed.authentication.delay.ms`` after
    the failure)."""
    SASL_UNEXPECTED_REQUEST = "sasl_unexpected_request"
    """A request other than ApiVersions, SaslHandshake and SaslAuthenticate before the client
    authenticated (Kafka: "unexpected request during SASL handshake")."""
    SASL_SESSION_EXPIRED = "sasl_session_expired"
    """A request other than a re-authentication after the SASL session expired (KIP-368,
    ``connections.max.reauth.ms``)."""
    FAULT_INJECTED = "fault_injected"
    """A fault armed by a test closed it: a drop fault (instead of a response, or after half
    of it), an error fault on an acks=0 produce, or a refuse fault (at accept)."""
    INTERNAL_ERROR = "internal_error"
    """The broker failed while serving the connection (logged with a traceback)."""


class RateLimitedLog:
    """At most ``max_lines`` lines per ``interval_s``; the rest are counted, and reported in
    one line when the next interval begins (or when ``flush`` is called after it ended)."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        max_lines: int = LOG_MAX_LINES_PER_INTERVAL,
        interval_s: float = LOG_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._max_lines = max_lines
        self._interval_s = interval_s
        self._clock = clock
        self._window_start = clock()
        self._lines = 0
        self.suppressed = 0
        """Lines suppressed in the current interval."""
        self.suppressed_total = 0
        """Lines suppressed since the start."""

    def log(
        self, level: int, message: str, *args: object, extra: Mapping[str, object] | None = None
    ) -> bool:
        """Log a line unless this interval's lines are used up; True if it was logged.
        ``extra``: structured fields of the line (``logging``'s ``extra=``)."""
        self._roll(self._clock())
        if self._lines >= self._max_lines:
            self.suppressed += 1
            self.suppressed_total += 1
            return False
        self._lines += 1
        self._logger.log(level, message, *args, extra=extra)
        return True

    def flush(self) -> None:
        """Report the suppressed lines if their interval has ended."""
        self._roll(self._clock())

    def _roll(self, now: float) -> None:
        if now - self._window_start < self._interval_s:
            return
        if self.suppressed:
            self._logger.warning(
                "suppressed %d more lines like the above in %.0f s (at most %d per interval)",
                self.suppressed,
                now - self._window_start,
                self._max_lines,
            )
        self._window_start = now
        self._lines = 0
        self.suppressed = 0
