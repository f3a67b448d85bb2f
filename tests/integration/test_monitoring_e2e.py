"""Monitoring as a user meets it: ``samsa broker start`` as a process with the default settings
(on free ports), kcat producing and consuming in a group, then the health checks, Prometheus
``/metrics`` (parsed with prometheus-client's parser), ``samsa top --once``, the console's page
and API, SIGTERM turning ``/health/ready`` to 503 before the process exits, and the log as JSON
lines (``--log-format json``)."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from support.metrics_text import samples_of
from support.ports import free_ports
from support.waiting import eventually_sync

pytestmark = pytest.mark.timeout(90)

#: The broker's start (logs, metadata image, listeners) on a busy 2-core machine.
START_TIMEOUT_S: Final = 30.0
#: One kcat run, one ``samsa top`` run, one HTTP request.
COMMAND_TIMEOUT_S: Final = 30.0
#: The broker's stop after SIGTERM (a single node: no controlled shutdown to wait for).
STOP_TIMEOUT_S: Final = 30.0
#: Records kcat produces: a few, with a count the checks below can recognise.
RECORDS: Final = 25
TOPIC: Final = "e2e-orders"
GROUP: Final = "e2e-billing"
_SAMSA: Final = (sys.executable, "-c", "from broker.cli import main; main()")


@dataclass(frozen=True)
class RunningBroker:
    process: subprocess.Popen[str]
    bootstrap: str
    http_host: str
    http_port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.http_host}:{self.http_port}"


def _kcat() -> str:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if kcat is None:
        pytest.skip("kcat is not installed")
    return kcat


def _get(broker: RunningBroker, path: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (a fresh connection each time, as a probe makes)."""
    connection = http.client.HTTPConnection(
        broker.http_host, broker.http_port, timeout=COMMAND_TIMEOUT_S
    )
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RunningBroker]:
    """``samsa broker start`` with nothing changed but the ports and the data directory."""
    kafka_port, http_port = free_ports(2)
    log = (tmp_path / "broker.log").open("w")
    process = subprocess.Popen(
        [
            *_SAMSA, "broker", "start", "--port", str(kafka_port),
            "--data-dir", str(tmp_path / "data"), "--log-format", "json",
            "--set", f"http.listeners=127.0.0.1:{http_port}",
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline().strip() for _ in range(3)]
        assert printed[2] == f"Console, metrics and health checks: http://127.0.0.1:{http_port}"
        running = RunningBroker(
            process, f"127.0.0.1:{kafka_port}", "127.0.0.1", http_port, tmp_path / "broker.log"
        )
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(STOP_TIMEOUT_S)
        assert process.stdout is not None
        process.stdout.close()
        log.close()


def _produce_and_consume(broker: RunningBroker) -> None:
    kcat = _kcat()
    lines = "".join(f"customer-{i % 5}:order {i}\n" for i in range(RECORDS))
    subprocess.run(
        [kcat, "-b", broker.bootstrap, "-P", "-t", TOPIC, "-K", ":"],
        input=lines,
        text=True,
        check=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    # A group consumer that reads every record from the start (a new group starts at the end
    # by default) and exits, committing its position as it closes (librdkafka's auto commit).
    consumed = subprocess.run(
        [
            kcat, "-b", broker.bootstrap, "-G", GROUP, "-X", "auto.offset.reset=earliest",
            "-c", str(RECORDS), "-f", "%s\n", TOPIC,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=COMMAND_TIMEOUT_S,
    )  # fmt: skip
    assert sorted(consumed.stdout.splitlines()) == sorted(f"order {i}" for i in range(RECORDS))


def _samples(broker: RunningBroker) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape, keyed by name and labels."""
    status, headers, body = _get(broker, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return samples_of(body.decode())


def _sample(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def test_a_user_monitors_a_broker_from_start_to_stop(broker: RunningBroker) -> None:
    status, _, body = _get(broker, "/health/live")
    assert (status, json.loads(body)) == (200, {"status": "live"})
    # The CLI prints the URL once the broker started: ready from then on.
    status, _, body = _get(broker, "/health/ready")
    assert (status, json.loads(body)) == (200, {"status": "ready"})

    _produce_and_consume(broker)

    # Prometheus' view: the producer's records and bytes, the consumer's bytes, the requests,
    # and the group caught up (its position committed as kcat closed).
    def caught_up() -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
        samples = _samples(broker)
        committed = _sample(
            samples, "samsa_consumer_group_committed_offset", group=GROUP, topic=TOPIC,
            partition="0",
        )  # fmt: skip
        return samples if committed == RECORDS else None

    samples = eventually_sync(caught_up, COMMAND_TIMEOUT_S, f"{GROUP}'s commit in /metrics")
    assert _sample(samples, "samsa_topic_records_in_total", topic=TOPIC) == RECORDS
    bytes_in = _sample(samples, "samsa_topic_bytes_in_total", topic=TOPIC)
    bytes_out = _sample(samples, "samsa_topic_bytes_out_total", topic=TOPIC)
    assert bytes_in is not None and bytes_in > RECORDS * len("order 0")
    assert bytes_out is not None and bytes_out >= bytes_in
    assert (_sample(samples, "samsa_requests_total", api="Produce") or 0) >= 1
    assert (_sample(samples, "samsa_requests_total", api="Fetch") or 0) >= 1
    assert (_sample(samples, "samsa_requests_total", api="OffsetCommit") or 0) >= 1
    assert _sample(samples, "samsa_log_end_offset", topic=TOPIC, partition="0") == RECORDS
    assert (
        _sample(samples, "samsa_consumer_group_lag", group=GROUP, topic=TOPIC, partition="0") == 0
    )
    assert _sample(samples, "samsa_build_info", version=_version(samples)) == 1
    assert _sample(samples, "samsa_under_replicated_partitions") == 0

    # samsa top: one table naming the topic and the group.
    top = subprocess.run(
        [*_SAMSA, "top", "--once", "--interval", "0.2", "--url", broker.url],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert top.returncode == 0, top.stderr
    assert TOPIC in top.stdout and GROUP in top.stdout, top.stdout

    # The console: its page (under the strict CSP) and its API.
    status, headers, body = _get(broker, "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert b"<script" in body and b"console.js" in body
    status, _, body = _get(broker, "/api/topics")
    assert status == 200
    [listed] = [t for t in json.loads(body)["topics"] if t["name"] == TOPIC]
    assert listed["messages"] == RECORDS and listed["partitions"] == 1
    status, _, body = _get(broker, f"/api/groups/{GROUP}")
    assert status == 200
    assert [(o["topic"], o["committed_offset"]) for o in json.loads(body)["offsets"]] == [
        (TOPIC, RECORDS)
    ]

    # SIGTERM: not ready at once, while the process is still stopping, then gone.
    broker.process.send_signal(signal.SIGTERM)
    answers = []
    while broker.process.poll() is None:
        try:
            answers.append(_get(broker, "/health/ready")[0])
        except OSError:  # the listener closed: the process exits without saying 503
            break
        if answers[-1] != 200:
            break
    # Ready until the signal is handled, then 503 while the process still runs.
    assert answers and answers[-1] == 503 and set(answers[:-1]) <= {200}, answers
    assert broker.process.wait(STOP_TIMEOUT_S) == 0

    # The log, for a log shipper: every line one JSON object, from the start to the stop.
    lines = [json.loads(line) for line in broker.log.read_text().splitlines()]
    messages = [line["message"] for line in lines]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(m.startswith("broker 1 of cluster") for m in messages), messages
    assert messages[-1] == "broker 1 stopped", messages


def _version(samples: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> str:
    [version] = [dict(labels)["version"] for name, labels in samples if name == "samsa_build_info"]
    return version
