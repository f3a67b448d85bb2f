"""What every bank service does at the edges: say where it listens once it is ready, and turn
the failures a person meets first (no broker, a port in use, a missing database) into one line
on stderr and exit status 1 instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn

from aiohttp import web

from client.errors import KafkaConnectionError, KafkaError

__all__ = ["fail", "failure_message", "run_http"]


def fail(name: str, message: str) -> NoReturn:
    """Print ``<name>: error: <message>`` on stderr and exit with status 1."""
    print(f"{name}: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def failure_message(exc: BaseException, bootstrap_servers: str) -> str | None:
    """One line for an expected failure (None: a bug, which keeps its traceback)."""
    if isinstance(exc, KafkaConnectionError):
        return (
            f"cannot reach a broker at {bootstrap_servers}: {exc.reason} (is it running? "
            "start one with: .venv/bin/samsa broker start)"
        )
    if isinstance(exc, KafkaError):
        return f"{exc} (broker {bootstrap_servers})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror if exc.filename is None else f"{exc.filename}: {exc.strerror}"
    return None


def run_http(
    app: web.Application, *, name: str, host: str, port: int, bootstrap_servers: str
) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM; once it is ready (connected to the broker, the
    port bound), print ``<name> listening on http://host:port``."""

    def ready(_aiohttp_message: Any) -> None:
        print(f"{name} listening on http://{host}:{port} (broker {bootstrap_servers})", flush=True)

    printer: Callable[..., None] = ready
    try:
        web.run_app(app, host=host, port=port, print=printer, access_log=None)
    except (KafkaError, OSError) as exc:
        message = failure_message(exc, bootstrap_servers)
        if message is None:
            raise
        if isinstance(exc, OSError) and not isinstance(exc, KafkaError):
            message = f"cannot listen on {host}:{port}: {message}"
        fail(name, message)
