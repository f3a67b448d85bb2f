"""The bank services at their edges, as a newcomer meets them: without a broker each says so
in one line (exit 1, no traceback, no database file created); with one, each says where it
listens once it is ready."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from broker import Broker

ROOT = Path(__file__).resolve().parents[2]
#: One service's start-up (imports, connecting, creating topics).
START_TIMEOUT_S = 30.0

pytest.importorskip("aiohttp")


def _closed_address() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("accounts", ["--port", "0"]),
        ("projector", ["--port", "0", "--db", "bank.db"]),
        ("alerts", []),
        ("rebuild", ["--db", "bank.db", "--out", "rebuilt.db"]),
    ],
)
def test_without_a_broker_each_service_fails_in_one_line(
    module: str, args: list[str], tmp_path: Path
) -> None:
    closed = _closed_address()
    if module == "rebuild":
        (tmp_path / "bank.db").touch()  # a database exists; the broker does not
    done = _run(tmp_path, f"examples.bank.{module}", "--bootstrap-servers", closed, *args)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"{module}: error: cannot reach a broker at {closed}: Connect call failed "
        f"('127.0.0.1', {closed.rsplit(':', 1)[1]}) (is it running? start one with: "
        ".venv/bin/samsa broker start)"
    )
    if module == "rebuild":
        assert not (tmp_path / "rebuilt.db").exists()


def test_rebuild_without_the_projectors_database_says_so(tmp_path: Path) -> None:
    done = _run(tmp_path, "examples.bank.rebuild", "--db", "bank.db", "--out", "rebuilt.db")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "rebuild: error: bank.db: no such database (the projector's --db; start the projector "
        "first)"
    )
    assert list(tmp_path.iterdir()) == []  # neither database was created


@pytest.mark.timeout(60)
def test_a_service_says_where_it_listens_once_ready(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Broker.embedded_in_thread(num_partitions=1) as broker:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "examples.bank.accounts", "--port", str(port),
                "--bootstrap-servers", broker.bootstrap_servers,
            ],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()  # bounded by the test's timeout
            assert line == (
                f"accounts listening on http://127.0.0.1:{port} (broker {broker.bootstrap_servers})"
            )
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass  # it really listens
        finally:
            proc.terminate()
            proc.wait(START_TIMEOUT_S)
