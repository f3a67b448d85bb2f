"""``samsa cluster up`` as a person uses it: a clean start (no ERROR while brokers register one
by one), a broker killed with ``kill -9`` comes back, and Ctrl-C stops the whole cluster,
cleanly, within seconds."""

from __future__ import annotations

import functools
import os
import random
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cli.cli_support import samsa_argv, samsa_env
from support.waiting import eventually_sync

from broker.cli.cluster_up import CONTROLLER_PORT_OFFSET, HTTP_PORT_OFFSET

pytestmark = [pytest.mark.timeout(120)]

#: Three broker processes registering on a shared 2-core machine.
UP_TIMEOUT_S = 60.0
#: A killed broker restarting and registering again.
BACK_TIMEOUT_S = 60.0
#: Ctrl-C to exit: three controlled shutdowns, the last ones without a quorum (a person would
#: call anything longer a hang).
STOP_BUDGET_S = 8.0


def _free_base_port(brokers: int) -> int:
    """A base port whose client, controller and HTTP ports are all free."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20_000, 40_000)
        ports = [base + i for i in range(brokers)]
        offsets = (CONTROLLER_PORT_OFFSET, HTTP_PORT_OFFSET)
        ports += [p + offset for p in ports for offset in offsets]
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free port range")


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=10) as answer:
            return bool(answer.status == 200)
    except urllib.error.HTTPError:
        return False


def _child_with(parent: int, text: str) -> int:
    """The pid of a child of ``parent`` whose command line contains ``text``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and text in cmdline:
            return int(entry.name)
    raise LookupError(f"no child of {parent} running {text!r}")


class _Lines:
    """Lines of a stream, read by a thread; ``wait_for`` waits for one containing a text."""

    def __init__(self, stream: object) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for line in self.lines:
                    if text in line:
                        return line
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no line with {text!r} within {timeout_s:g} s: {self.lines}"
                self._changed.wait(remaining)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the broker")
def test_a_killed_broker_comes_back_and_ctrl_c_stops_the_cluster(tmp_path: Path) -> None:
    base = _free_base_port(3)
    argv = samsa_argv("cluster", "up", "--brokers", "3", "--data-dir", str(tmp_path))
    argv += ["--base-port", str(base), "--set", "log.flush.policy=none"]
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=samsa_env(),
    )
    try:
        out, err = _Lines(proc.stdout), _Lines(proc.stderr)
        out.wait_for("Press Ctrl-C to stop.", UP_TIMEOUT_S)
        servers = ",".join(f"127.0.0.1:{base + i}" for i in range(3))
        assert f"For samsa commands: export SAMSA_BOOTSTRAP_SERVERS={servers}" in out.lines
        # Each broker has its own HTTP listener, printed, and ready once the cluster is up.
        urls = [f"http://127.0.0.1:{base + HTTP_PORT_OFFSET + i}" for i in range(3)]
        assert f"Console and metrics: {' '.join(urls)}" in out.lines
        for url in urls:
            eventually_sync(functools.partial(_ready, url), what=f"{url}/health/ready says 200")
        # Brokers register one by one: __consumer_offsets waits for them, which is no error.
        for i in (1, 2, 3):
            log = (tmp_path / f"broker-{i}.log").read_text()
            assert " ERROR " not in log, log

        os.kill(_child_with(proc.pid, "--node-id 2 "), signal.SIGKILL)
        warning = err.wait_for("broker 2 failed", BACK_TIMEOUT_S)
        assert warning == "samsa: warning: broker 2 failed (signal 9); restarting it"
        out.wait_for("Broker 2 is back (registered).", BACK_TIMEOUT_S)

        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(STOP_BUDGET_S * 3) == 0
        stopped_s = time.monotonic() - started
        assert stopped_s < STOP_BUDGET_S, f"Ctrl-C took {stopped_s:.1f} s"
        for i in (1, 2, 3):
            assert f"broker {i} stopped" in (tmp_path / f"broker-{i}.log").read_text()
            assert (tmp_path / f"broker-{i}" / ".kafka_cleanshutdown").exists()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Ctrl-C first: it stops its brokers
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
