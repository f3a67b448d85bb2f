"""``samsa cluster up``: a local cluster of separate broker processes, until Ctrl-C.

Broker ``i`` (1..N) is ``samsa broker start --node-id i`` with its client port at
``base_port + i - 1``, its controller port at ``base_port + CONTROLLER_PORT_OFFSET + i - 1``,
its data in ``<data-dir>/broker-i`` and its output in ``<data-dir>/broker-i.log``; every broker
is a voter of the metadata quorum. Once the controller has unfenced all of them, the bootstrap
servers are printed. Ctrl-C
(or SIGTERM) stops every broker with SIGTERM — each does a controlled shutdown — and waits for
them; a broker that does not exit within ``STOP_TIMEOUT_S`` is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import click

from broker.metadata.quorum import UNFENCED_MESSAGE

__all__ = ["CONTROLLER_PORT_OFFSET", "run_cluster"]

#: Controller ports sit this far above the client ports (9092 → 9192).
CONTROLLER_PORT_OFFSET: Final = 100
#: How long a broker may take to start listening.
START_TIMEOUT_S: Final = 60.0
#: How long a broker may take to stop (a controlled shutdown included) before it is killed.
STOP_TIMEOUT_S: Final = 40.0
_POLL_S: Final = 0.1


#: Linux's prctl option: a signal the child gets when its parent dies.
_PR_SET_PDEATHSIG: Final = 1


def _stop_with_parent() -> None:
    """In a broker process: get SIGTERM (a clean stop) if ``cluster up`` itself is killed,
    so that no broker is left behind (Linux only; elsewhere nothing happens)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-c", "from broker.cli import main; main()", *args]


def run_cluster(brokers: int, data_dir: Path, base_port: int, sets: Sequence[str]) -> int:
    """Run the cluster until a signal; returns the exit status."""
    data_dir.mkdir(parents=True, exist_ok=True)
    voters = ",".join(
        f"{i}@127.0.0.1:{base_port + CONTROLLER_PORT_OFFSET + i - 1}" for i in range(1, brokers + 1)
    )
    replication = str(min(3, brokers))
    from broker.metadata.meta_properties import new_cluster_id

    defaults = {
        "cluster.id": new_cluster_id(),  # used for new data directories only
        "offsets.topic.replication.factor": replication,
        "default.replication.factor": replication,
    }
    given = {s.partition("=")[0].strip() for s in sets}
    extra = [f"{k}={v}" for k, v in defaults.items() if k not in given] + list(sets)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    procs: list[tuple[int, subprocess.Popen[bytes], Path]] = []
    try:
        for i in range(1, brokers + 1):
            log_path = data_dir / f"broker-{i}.log"
            args = [
                "broker",
                "start",
                "--node-id",
                str(i),
                "--port",
                str(base_port + i - 1),
                "--controller-port",
                str(base_port + CONTROLLER_PORT_OFFSET + i - 1),
                "--voters",
                voters,
                "--data-dir",
                str(data_dir / f"broker-{i}"),
            ]
            for item in extra:
                args += ["--set", item]
            with log_path.open("ab") as out:
                proc = subprocess.Popen(
                    _command(args),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # Ctrl-C reaches us; we stop them in order
                    preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
                )
            procs.append((i, proc, log_path))
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = {i for i, _, _ in procs}
        while waiting and not stop.is_set():
            for i, proc, log_path in procs:
                if i not in waiting:
                    continue
                if proc.poll() is not None:
                    tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
                    click.echo(
                        f"samsa: error: broker {i} exited ({proc.returncode}): "
                        f"{tail[0] if tail else 'no output'} (see {log_path})",
                        err=True,
                    )
                    return 1
                if (UNFENCED_MESSAGE % i).encode() in log_path.read_bytes():
                    waiting.discard(i)
            if time.monotonic() > deadline:
                click.echo(
                    f"samsa: error: brokers {sorted(waiting)} did not start within "
                    f"{START_TIMEOUT_S:g} s (see {data_dir})",
                    err=True,
                )
                return 1
            stop.wait(_POLL_S)
        if stop.is_set():
            return 130
        servers = ",".join(f"127.0.0.1:{base_port + i - 1}" for i in range(1, brokers + 1))
        click.echo(f"Samsa cluster of {brokers} brokers is up (all registered).")
        click.echo(f"Bootstrap servers: {servers}")
        click.echo(f"Data and logs: {data_dir}")
        click.echo("Press Ctrl-C to stop.")
        sys.stdout.flush()
        while not stop.is_set():
            for i, proc, log_path in procs:
                if proc.poll() is not None:
                    click.echo(
                        f"samsa: warning: broker {i} exited ({proc.returncode}); see {log_path}",
                        err=True,
                    )
                    procs = [p for p in procs if p[0] != i]
                    break
            if not procs:
                return 1
            stop.wait(_POLL_S * 5)
        click.echo("Stopping…", err=True)
        return 0
    finally:
        _stop_all(procs)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop_all(procs: Sequence[tuple[int, subprocess.Popen[bytes], Path]]) -> None:
    for _, proc, _ in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for _, proc, _ in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
