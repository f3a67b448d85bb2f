"""``samsa broker start``: prints where it listens and where the data is, stops cleanly on
SIGTERM / SIGINT, and reports start-up errors in one line with exit status 1."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

START_TIMEOUT_S = 20.0


def _samsa(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), *sys.path]))
    env.update(env_extra or {})
    if args[:2] == ("broker", "start"):
        args = (*args, "--set", "http.listeners=127.0.0.1:0")
    return subprocess.Popen(
        [sys.executable, "-c", "from broker.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _first_lines(proc: subprocess.Popen[str]) -> tuple[str, str]:
    assert proc.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    lines: list[str] = []
    while len(lines) < 2:
        assert time.monotonic() < deadline, "no start-up lines"
        line = proc.stdout.readline()
        assert line, f"samsa exited early: {proc.stderr.read() if proc.stderr else ''}"
        lines.append(line.strip())
    return lines[0], lines[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_start_prints_two_lines_and_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    data = tmp_path / "data"
    proc = _samsa(
        "broker", "start", "--data-dir", str(data), "--port", "0", "--set", "num.partitions=2"
    )
    try:
        listening, where = _first_lines(proc)
        m = re.fullmatch(r"Samsa broker 1 listening on 127\.0\.0\.1:(\d+)", listening)
        assert m, listening
        assert where == f"Data directory: {data}"
        with socket.create_connection(("127.0.0.1", int(m.group(1))), timeout=5):
            pass
        proc.send_signal(sig)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert (data / ".kafka_cleanshutdown").exists()
    assert (data / "meta.properties").read_text().count("cluster.id=") == 1


def test_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _samsa("broker", "start", "--data-dir", str(tmp_path), "--port", str(port))
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("samsa:")]
    assert lines == [
        f"samsa: error: cannot listen on PLAINTEXT 127.0.0.1:{port}: address already in use"
    ]


def test_unknown_setting_is_one_line_and_exit_1(tmp_path: Path) -> None:
    proc = _samsa("broker", "start", "--data-dir", str(tmp_path), "--set", "num.partition=3")
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().splitlines() == [
        "samsa: error: unknown config key 'num.partition' in overrides "
        "(did you mean 'num.partitions'?)"
    ]


def test_config_file(tmp_path: Path) -> None:
    config = tmp_path / "server.properties"
    config.write_text(f"log.dirs={tmp_path / 'fromfile'}\nlisteners=PLAINTEXT://127.0.0.1:0\n")
    proc = _samsa("broker", "start", "--config", str(config))
    try:
        _, where = _first_lines(proc)
        assert where == f"Data directory: {tmp_path / 'fromfile'}"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_a_data_directory_in_use_is_refused(tmp_path: Path) -> None:
    first = _samsa("broker", "start", "--data-dir", str(tmp_path), "--port", "0")
    try:
        _first_lines(first)
        second = _samsa("broker", "start", "--data-dir", str(tmp_path), "--port", "0")
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert "Traceback" not in err
        assert "in use by another process" in err
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(20)


def test_default_data_directory_follows_xdg(tmp_path: Path) -> None:
    proc = _samsa("broker", "start", "--port", "0", env_extra={"XDG_DATA_HOME": str(tmp_path)})
    try:
        _, where = _first_lines(proc)
        assert where == f"Data directory: {tmp_path / 'samsa'}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
