"""How ``samsa broker start`` writes its log: ``--log-format text`` (people) or ``json`` (log
shippers: one JSON object per line).

A JSON line has ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger`` and
``message``, then every structured field the log call passed with ``extra=`` (a failed
request's ``client_id``, ``api``, ``api_version``, ``correlation_id``, ``peer``), then
``exception`` (the traceback as one string) when the line has one. Values that JSON cannot
hold are written as their ``str``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final, Literal

__all__ = ["LOG_FORMATS", "JsonFormatter", "LogFormat", "configure_logging"]

LogFormat = Literal["text", "json"]
LOG_FORMATS: Final = ("text", "json")

#: The text format's line (unchanged since the first release: scripts read it).
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: Attributes every ``LogRecord`` has: anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES: Final = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in document:
                document[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            document["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            document["exception"] = record.exc_text
        if record.stack_info:
            document["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines inside strings: a traceback stays on its line.
        return json.dumps(document, default=str, ensure_ascii=False)


def configure_logging(level: int, log_format: LogFormat) -> None:
    """Send the root logger's records to stderr in ``log_format``."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=[handler])
    if log_format == "json":
        # Python's warnings go to stderr as text otherwise: JSON lines too.
        logging.captureWarnings(True)
