"""``samsa cluster up --brokers 3``: separate broker processes, the bootstrap servers printed
once all are registered, every broker stopped cleanly on Ctrl-C."""

from __future__ import annotations

import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.waiting import eventually_sync

from broker.cli.cluster_up import CONTROLLER_PORT_OFFSET, HTTP_PORT_OFFSET

confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = [pytest.mark.timeout(150)]

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(brokers: int) -> int:
    """A base port whose client, controller and HTTP ports are all free."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20_000, 40_000)
        ports = [base + i for i in range(brokers)]
        ports += [
            p + offset for p in ports for offset in (CONTROLLER_PORT_OFFSET, HTTP_PORT_OFFSET)
        ]
        if all(_free(p) for p in ports):
            return base
    raise RuntimeError("no free port range")


def test_cluster_up_runs_three_brokers_until_ctrl_c(tmp_path: Path) -> None:
    base = free_base_port(3)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from broker.cli import main; main()",
            "cluster",
            "up",
            "--brokers",
            "3",
            "--data-dir",
            str(tmp_path),
            "--base-port",
            str(base),
            "--set",
            "log.flush.policy=none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.startswith("Press Ctrl-C"):
                break
        expected = ",".join(f"127.0.0.1:{base + i}" for i in range(3))
        assert f"Bootstrap servers: {expected}" in lines, lines
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": expected})
        metadata: Any = eventually_sync(
            lambda: (md := admin.list_topics(timeout=5)) and len(md.brokers) == 3 and md,
            30,
            "three brokers in Metadata",
        )
        assert sorted(metadata.brokers) == [1, 2, 3]
        assert metadata.controller_id in (1, 2, 3)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(STOP_TIMEOUT_S) == 0
        for i in (1, 2, 3):
            log = (tmp_path / f"broker-{i}.log").read_text()
            assert f"broker {i} stopped" in log
    finally:
        if proc.poll() is None:
            # Ctrl-C first: a killed ``cluster up`` would leave its brokers running.
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
