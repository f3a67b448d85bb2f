"""``samsa broker start --log-format json``: one JSON object per line, and the lines about a
failed request carry its client id, API, version and correlation id as fields."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from cli.cli_support import samsa_argv, samsa_env
from support.ports import free_ports
from support.waiting import eventually_sync
from support.wire import WireClient

from broker.app import Broker
from broker.cli.log_format import JsonFormatter
from protocol.messages import MetadataRequest

pytestmark = pytest.mark.timeout(90)

#: The fields every JSON line has.
BASE_FIELDS = {"time", "level", "logger", "message"}
#: The fields of a line about a failed request.
REQUEST_FIELDS = {"client_id", "api", "api_version", "correlation_id", "peer"}
CLIENT_ID = "json-log-test"


def _record(**extra: Any) -> logging.LogRecord:
    try:
        raise ValueError("inner")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "samsa.server", logging.ERROR, __file__, 1, "%s failed", ("Produce",), exc_info
    )
    record.__dict__.update(extra)
    return record


def test_json_formatter_writes_one_object_per_line() -> None:
    line = JsonFormatter().format(_record(client_id="c", correlation_id=7, where=Path("/x")))
    assert "\n" not in line  # the traceback's newlines are escaped inside its string
    document = json.loads(line)
    assert document["level"] == "ERROR"
    assert document["logger"] == "samsa.server"
    assert document["message"] == "Produce failed"
    assert document["time"].endswith("+00:00")
    assert document["client_id"] == "c" and document["correlation_id"] == 7
    assert document["where"] == "/x"  # what JSON cannot hold is written as its str
    assert "ValueError: inner" in document["exception"]
    assert set(document) == BASE_FIELDS | {"client_id", "correlation_id", "where", "exception"}


def test_json_formatter_without_fields_or_exception() -> None:
    record = logging.LogRecord("samsa.broker", logging.INFO, __file__, 1, "ready", None, None)
    assert json.loads(JsonFormatter().format(record)).keys() == BASE_FIELDS


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_a_failed_request_is_logged_with_its_client_api_and_correlation_id(
    broker: Broker,
) -> None:
    """A handler that raises: its line names the request (the handler is replaced, as the
    bad-input tests do, because no real request makes a handler fail)."""
    from broker.handlers import base

    assert broker.server is not None
    table = broker.server.dispatch_table
    entry = table[MetadataRequest.API_KEY]

    def boom(*args: object) -> None:
        raise RuntimeError("injected failure")

    table[MetadataRequest.API_KEY] = base.ApiHandler(
        entry.api_key, entry.min_version, entry.max_version, boom, entry.error_response
    )
    lines = _Lines()
    logger = logging.getLogger("samsa.server")
    logger.addHandler(lines)
    try:
        client = await WireClient.connect(broker.bootstrap_servers)
        try:
            correlation_id = await client.send(MetadataRequest(topics=[]), 8, client_id=CLIENT_ID)
            await client.receive()
        finally:
            await client.close()
    finally:
        logger.removeHandler(lines)
        table[MetadataRequest.API_KEY] = entry
    failed = [json.loads(line) for line in lines.lines if "UNKNOWN_SERVER_ERROR" in line]
    assert len(failed) == 1, lines.lines
    (document,) = failed
    assert document["level"] == "ERROR"
    assert document["client_id"] == CLIENT_ID
    assert document["api"] == "Metadata"
    assert document["api_version"] == 8
    assert document["correlation_id"] == correlation_id
    assert document["peer"].startswith("127.0.0.1:")
    assert "RuntimeError: injected failure" in document["exception"]


def test_broker_process_logs_json_lines(tmp_path: Path) -> None:
    """A real broker process: a client failing to log in on its SASL listener makes it log
    the failed SaslAuthenticate request; every line of stderr is a JSON object."""
    confluent_kafka = pytest.importorskip("confluent_kafka")
    plain_port, sasl_port = free_ports(2)
    listeners = f"PLAINTEXT://127.0.0.1:{plain_port},SASL_PLAINTEXT://127.0.0.1:{sasl_port}"
    argv = samsa_argv(
        "broker", "start", "--data-dir", str(tmp_path / "data"), "--log-format", "json",
        "--log-level", "info", "--set", f"listeners={listeners}",
        "--set", "sasl.enabled.mechanisms=PLAIN", "--set", "http.listeners=127.0.0.1:0",
    )  # fmt: skip
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=samsa_env()
    )
    lines: list[str] = []
    assert proc.stderr is not None and proc.stdout is not None
    stderr = proc.stderr
    reader = threading.Thread(target=lambda: lines.extend(stderr), daemon=True)
    reader.start()
    try:
        first = proc.stdout.readline()
        assert first.startswith("Samsa broker 1 listening on"), (first, lines)
        producer = confluent_kafka.Producer(
            {
                "bootstrap.servers": f"127.0.0.1:{sasl_port}",
                "client.id": CLIENT_ID,
                "security.protocol": "SASL_PLAINTEXT",
                "sasl.mechanism": "PLAIN",
                "sasl.username": "nobody",
                "sasl.password": "wrong",
            }
        )
        with pytest.raises(confluent_kafka.KafkaException):
            producer.list_topics(timeout=5)
        eventually_sync(
            lambda: any("authentication failed" in line for line in lines),
            what="the broker logs the failed login",
            describe=lambda: lines[-5:],
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    reader.join(10)
    documents = [json.loads(line) for line in lines]  # every line parses
    assert documents, "no log lines at all"
    for document in documents:
        assert document.keys() >= BASE_FIELDS, document
    (failed, *_) = [d for d in documents if "authentication failed" in d["message"]]
    assert failed["level"] == "WARNING"
    assert failed.keys() >= REQUEST_FIELDS, failed
    assert failed["client_id"] == CLIENT_ID
    assert failed["api"] == "SaslAuthenticate"
    assert isinstance(failed["correlation_id"], int)
    assert any(d["message"] == "stopping" for d in documents), [d["message"] for d in documents]
