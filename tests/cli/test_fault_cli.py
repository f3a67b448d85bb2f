"""``samsa fault …`` against a broker process started with ``faults.admin.enable=true``: a fault
armed from the command line meets a real client's request, ``list``, ``clear`` and ``chaos``;
errors are one line on stderr with exit status 1 (the broker said no or is not there) or 2
(a fault that cannot be armed, checked before anything is sent)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from cli.cli_support import SUBPROCESS_TIMEOUT_S, run_samsa, samsa_argv, samsa_env
from support.ports import free_ports

from broker.app import Broker

pytestmark = pytest.mark.timeout(120)

USAGE: Final = 2
FAILURE: Final = 1


@dataclass(frozen=True)
class BrokerProcess:
    bootstrap: str
    url: str


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerProcess]:
    """``samsa broker start`` with the fault admin channel on."""
    data: Path = tmp_path_factory.mktemp("fault-cli")
    kafka_port, http_port = free_ports(2)
    log = (data / "broker.log").open("w")
    process = subprocess.Popen(
        samsa_argv(
            "broker", "start", "--port", str(kafka_port), "--data-dir", str(data / "data"),
            "--set", f"http.listeners=127.0.0.1:{http_port}",
            "--set", "faults.admin.enable=true",
            "--set", "num.partitions=1",
        ),
        stdout=subprocess.PIPE,
        stderr=log,
        env=samsa_env(),
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline().strip() for _ in range(3)]
        assert printed[2].endswith(f"http://127.0.0.1:{http_port}"), printed
        yield BrokerProcess(f"127.0.0.1:{kafka_port}", f"http://127.0.0.1:{http_port}")
    finally:
        process.terminate()
        try:
            process.wait(SUBPROCESS_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(SUBPROCESS_TIMEOUT_S)
        assert process.stdout is not None
        process.stdout.close()
        log.close()


def _fault(broker: BrokerProcess, *args: str, expect: int = 0) -> str:
    done = run_samsa("fault", "--url", broker.url, *args)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert "Traceback" not in out + err, err
    assert done.returncode == expect, (args, done.returncode, out, err)
    if expect:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("samsa: error: "), lines
        return lines[0]
    return out


def test_a_fault_armed_from_the_cli_meets_a_client(broker: BrokerProcess) -> None:
    _fault(broker, "clear")
    out = _fault(broker, "error", "Produce", "NOT_LEADER_OR_FOLLOWER", "--when", "after")
    assert out.strip() == "fault 1 armed: error NOT_LEADER_OR_FOLLOWER after Produce x1"
    listed = _fault(broker, "list").splitlines()
    assert listed[0].split("\t") == ["ID", "FAULT", "SOURCE", "FIRED"]
    assert listed[1].split("\t") == [
        "1",
        "error NOT_LEADER_OR_FOLLOWER after Produce x1",
        "api",
        "0",
    ]
    # The produce is appended, its answer lost; the idempotent producer retries, and the
    # record is in the log once.
    done = run_samsa("-b", broker.bootstrap, "produce", "cli-orders", input=b"one\n")
    assert done.returncode == 0, done.stderr
    done = run_samsa("-b", broker.bootstrap, "consume", "cli-orders", "-e", "-f", "%v\n")
    assert done.stdout.decode().splitlines() == ["one"]
    document = json.loads(_fault(broker, "list", "--history", "10", "--format", "json"))
    assert document["armed"] == []
    (firing,) = document["history"]
    assert firing["fault_id"] == 1 and firing["kind"] == "error" and firing["api"] == "Produce"
    assert "client_id=samsa-cli" in firing["detail"]


def test_list_clear_and_chaos(broker: BrokerProcess) -> None:
    _fault(broker, "clear")
    out = _fault(broker, "delay", "Fetch", "100", "--forever", "--topic", "t")
    assert out.strip().endswith("armed: delay 100 ms Fetch topic=t")
    fault_id = out.split()[1]
    out = _fault(broker, "refuse", "60000")
    assert out.strip().endswith("armed: refuse for 60000 ms")
    assert len(_fault(broker, "list").splitlines()) == 3  # the header and two faults
    assert _fault(broker, "clear", fault_id).strip() == "cleared 1 fault"
    assert len(_fault(broker, "list").splitlines()) == 2

    out = _fault(broker, "chaos", "7", "--rate", "5", "--kind", "delay", "--api", "Metadata")
    assert out.strip() == "chaos seed=7 started: 5 faults/s of delay"
    assert "chaos seed=7 running: 5 faults/s" in _fault(broker, "list")
    assert _fault(broker, "chaos", "--stop").strip() == "chaos stopped"
    assert "chaos seed=7" not in _fault(broker, "list")
    assert _fault(broker, "clear").strip().startswith("cleared ")
    assert _fault(broker, "list").splitlines() == ["ID\tFAULT\tSOURCE\tFIRED"]


def test_errors_are_one_line_with_an_exit_status(broker: BrokerProcess) -> None:
    cases = [
        (("error", "Nope", "NOT_LEADER_OR_FOLLOWER"), USAGE, "unknown API 'Nope'"),
        (("error", "Produce", "NOT_AN_ERROR"), USAGE, "unknown error code 'NOT_AN_ERROR'"),
        (("delay", "Fetch", "999999999"), USAGE, "delay_ms must be in"),
        (("chaos", "1", "--rate", "1000"), USAGE, "chaos rate"),
        (("chaos",), USAGE, "chaos needs a SEED"),
        (("clear", "99"), FAILURE, "no armed fault 99 (FAULT_NOT_FOUND)"),
        (("rebalance", "no-such-group"), FAILURE, "(FAULT_FAILED)"),
        (("pause", "no-such-topic", "0"), FAILURE, "no-such-topic-0"),
    ]
    for args, status, fragment in cases:
        line = _fault(broker, *args, expect=status)
        assert fragment in line, (args, line)
    closed = free_ports(1)[0]
    done = run_samsa("fault", "--url", f"http://127.0.0.1:{closed}", "list")
    assert done.returncode == FAILURE
    assert done.stderr.decode().startswith("samsa: error: cannot reach the broker's HTTP")


def test_a_broker_without_the_channel_says_how_to_turn_it_on() -> None:
    with Broker.embedded_in_thread() as off:
        url = off.http_url
        assert url is not None
        done = run_samsa("fault", "--url", url, "refuse", "1000")
        assert done.returncode == FAILURE
        (line,) = done.stderr.decode().strip().splitlines()
        assert line.endswith("(start the broker with --set faults.admin.enable=true)")
        assert off.faults.armed() == []
