"""``samsa broker start`` answers Kafka clients before it imports what only the HTTP listener,
the console and the other commands need: the web framework, the metrics exposition, the
client's admin, rich, cryptography are not imported when the Kafka listener opens, and the
HTTP listener still serves once it has.

The broker runs as a real process with a hook on ``KafkaServer.start`` that prints which of
those modules are loaded the moment the listener is open. The HTTP listener's deadline
(``HTTP_DEFER_MAX_S``) is lifted in that process so that it waits for the Kafka listener
however slow the machine: what is checked is the import graph of the start path, not timing.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Final

import pytest
from cli.cli_support import samsa_env

pytestmark = pytest.mark.timeout(60)

#: Modules the Kafka listener must open without: the HTTP listener and the console (aiohttp,
#: prometheus_client and the client's admin are theirs), the terminal UI of ``samsa top``,
#: the certificates of ``samsa tls``, and test-only packages.
DEFERRED: Final = (
    "aiohttp",
    "prometheus_client",
    "broker.http.server",
    "broker.http.console_api",
    "broker.http.metrics",
    "client.admin",
    "rich",
    "cryptography",
    "hypothesis",
)
#: How long one HTTP request to the started broker may take.
REQUEST_TIMEOUT_S: Final = 10.0
#: How long the broker may take to stop after SIGTERM.
STOP_TIMEOUT_S: Final = 20.0

_PROBE: Final = f"""
import sys

import broker.http.launch as launch
from broker.server.server import KafkaServer

launch.HTTP_DEFER_MAX_S = 600.0
_open = KafkaServer.start


async def start(self):
    await _open(self)
    loaded = sorted(name for name in {DEFERRED!r} if name in sys.modules)
    print("imported at listen:", ",".join(loaded) or "-", flush=True)


KafkaServer.start = start
from broker.cli import main

main()
"""


def test_the_kafka_listener_opens_before_the_http_listener_imports(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", _PROBE, "broker", "start", "--data-dir", str(tmp_path)]
    argv += ["--port", "0", "--set", "http.listeners=127.0.0.1:0", "--log-level", "warning"]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=samsa_env()
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Console, metrics and health checks:"):
            line = proc.stdout.readline()
            assert line, f"the broker exited: {lines} {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line.strip())
        assert lines[0] == "imported at listen: -", lines
        assert re.fullmatch(r"Samsa broker 1 listening on 127\.0\.0\.1:\d+", lines[1]), lines
        # The HTTP listener serves once the Kafka listener is open.
        url = lines[-1].rpartition(" ")[2]
        with urllib.request.urlopen(f"{url}/health/live", timeout=REQUEST_TIMEOUT_S) as answer:
            assert answer.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(STOP_TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(STOP_TIMEOUT_S)
