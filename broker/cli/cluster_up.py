"""``samsa cluster up``: a local cluster of separate broker processes, until Ctrl-C.

Broker ``i`` (1..N) is ``samsa broker start --node-id i`` with its client port at
``base_port + i - 1``, its controller port at ``base_port + CONTROLLER_PORT_OFFSET + i - 1``,
its HTTP listener (health checks, metrics, console) at ``base_port + HTTP_PORT_OFFSET + i - 1``
(unless ``--set http.listeners=…`` says otherwise), its data in ``<data-dir>/broker-i`` and its
output in ``<data-dir>/broker-i.log``; every broker is a voter of the metadata quorum. The
default base port, ``DEFAULT_BASE_PORT``, is not
``samsa broker start``'s 9092, so that a cluster can run next to the quick-start broker.

Before anything starts, every port is checked: one in use is named, with the broker it was
meant for. Once the controller has unfenced all brokers, the bootstrap servers are printed. A
broker that fails (killed, crashed: a non-zero exit) is restarted, as a supervisor's
"on-failure" policy does, at most ``MAX_RESTARTS`` times within ``RESTART_WINDOW_S``; past that
the cluster is stopped and the command fails. A broker stopped cleanly (exit status 0, e.g.
someone sent it SIGTERM) is left stopped. Ctrl-C (or SIGTERM) stops every broker with SIGTERM —
each does a controlled shutdown — and waits for them; a broker that does not exit within
``STOP_TIMEOUT_S`` is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import click

__all__ = ["CONTROLLER_PORT_OFFSET", "DEFAULT_BASE_PORT", "HTTP_PORT_OFFSET", "run_cluster"]

#: Controller ports sit this far above the client ports (19092 → 19192).
CONTROLLER_PORT_OFFSET: Final = 100
#: HTTP ports sit this far above the client ports (19092 → 19292): each broker its own, none
#: on the single broker's default 9644.
HTTP_PORT_OFFSET: Final = 200
#: Client port of broker 1 unless ``--base-port`` says otherwise: clear of the single broker's
#: default (9092), so that the quick-start broker and a local cluster can run side by side.
DEFAULT_BASE_PORT: Final = 19092
#: How long a broker may take to start listening.
START_TIMEOUT_S: Final = 60.0
#: How long a broker may take to stop (a controlled shutdown included) before it is killed.
STOP_TIMEOUT_S: Final = 40.0
#: The brokers' ``controlled.shutdown.timeout.ms`` (unless ``--set`` gives one): when the whole
#: cluster stops, the last brokers have no quorum left to move leaderships with and would wait
#: for the broker's default (30 s); on one machine a controlled shutdown takes milliseconds.
CONTROLLED_SHUTDOWN_TIMEOUT_MS: Final = 2_000
#: A failed broker is restarted at most this many times within ``RESTART_WINDOW_S``: a broker
#: that keeps failing (a bad setting, a full disk) stops the cluster instead of looping.
MAX_RESTARTS: Final = 3
RESTART_WINDOW_S: Final = 60.0
#: Exit status after Ctrl-C, as shells report a process killed by SIGINT (128 + 2).
INTERRUPTED_EXIT: Final = 130
_POLL_S: Final = 0.1
#: The prefix of the one-line errors ``samsa broker start`` prints (its log's real cause).
_ERROR_PREFIX: Final = "samsa: error: "

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


def _error(message: str) -> None:
    click.echo(f"{_ERROR_PREFIX}{message}", err=True)


def _warn(message: str) -> None:
    click.echo(f"samsa: warning: {message}", err=True)


@dataclass(slots=True)
class _Broker:
    """One broker process of the cluster (restarted in place when it fails)."""

    node_id: int
    argv: list[str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    #: Where this run's output starts in the log (the log is appended to across restarts).
    log_offset: int = 0
    registered: bool = False
    #: Stopped cleanly by someone else: not restarted.
    stopped: bool = False
    restarts: deque[float] = field(default_factory=deque)

    def start(self) -> None:
        with self.log_path.open("ab") as out:
            self.log_offset = out.tell()
            self.proc = subprocess.Popen(
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches us; we stop them in order
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
        self.registered = False

    def output(self) -> bytes:
        """This run's output so far."""
        try:
            with self.log_path.open("rb") as f:
                f.seek(self.log_offset)
                return f.read()
        except OSError:
            return b""

    def check_registered(self) -> bool:
        """True once the controller has unfenced this run of the broker."""
        if not self.registered:
            from broker.metadata.quorum import UNFENCED_MESSAGE

            self.registered = (UNFENCED_MESSAGE % self.node_id).encode() in self.output()
        return self.registered

    def failure(self) -> str:
        """Why this run exited: the broker's own one-line error if it printed one, else the
        last line of its output."""
        lines = self.output().decode(errors="replace").strip().splitlines()
        for line in reversed(lines):
            if line.startswith(_ERROR_PREFIX):
                return line[len(_ERROR_PREFIX) :]
        return lines[-1] if lines else "no output"


def _port_in_use(port: int) -> bool:
    """Whether 127.0.0.1:port cannot be bound (as the broker binds it: SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _busy_port(brokers: int, base_port: int) -> str | None:
    """The first port of the cluster that is in use, described; None if all are free."""
    for i in range(1, brokers + 1):
        client = base_port + i - 1
        ports = (
            (client, "client"),
            (client + CONTROLLER_PORT_OFFSET, "controller"),
            (client + HTTP_PORT_OFFSET, "HTTP"),
        )
        for port, what in ports:
            if port > 65535:
                return f"port {port} (broker {i}'s {what} port) is above 65535"
            if _port_in_use(port):
                return (
                    f"port {port} (broker {i}'s {what} port) is in use — is a broker or another "
                    f"cluster running? choose other ports with --base-port"
                )
    return None


def run_cluster(brokers: int, data_dir: Path, base_port: int, sets: Sequence[str]) -> int:
    """Run the cluster until a signal; returns the exit status."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _error(f"cannot create the data directory {data_dir}: {exc.strerror or exc}")
        return 1
    busy = _busy_port(brokers, base_port)
    if busy is not None:
        _error(busy)
        return 1
    voters = ",".join(
        f"{i}@127.0.0.1:{base_port + CONTROLLER_PORT_OFFSET + i - 1}" for i in range(1, brokers + 1)
    )
    replication = str(min(3, brokers))
    from broker.metadata.meta_properties import new_cluster_id

    defaults = {
        "cluster.id": new_cluster_id(),  # used for new data directories only
        "offsets.topic.replication.factor": replication,
        "default.replication.factor": replication,
        "controlled.shutdown.timeout.ms": str(CONTROLLED_SHUTDOWN_TIMEOUT_MS),
    }
    given = {s.partition("=")[0].strip() for s in sets}
    extra = [f"{k}={v}" for k, v in defaults.items() if k not in given] + list(sets)
    http_given = "http.listeners" in given
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    members: list[_Broker] = []
    try:
        for i in range(1, brokers + 1):
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
            if not http_given:
                args += [
                    "--set",
                    f"http.listeners=127.0.0.1:{base_port + HTTP_PORT_OFFSET + i - 1}",
                ]
            for item in extra:
                args += ["--set", item]
            member = _Broker(i, _command(args), data_dir / f"broker-{i}.log")
            member.start()
            members.append(member)
        status = _wait_until_up(members, data_dir, stop)
        if status is not None:
            return status
        servers = ",".join(f"127.0.0.1:{base_port + i - 1}" for i in range(1, brokers + 1))
        click.echo(f"Samsa cluster of {brokers} brokers is up (all registered).")
        click.echo(f"Bootstrap servers: {servers}")
        if not http_given:
            urls = " ".join(
                f"http://127.0.0.1:{base_port + HTTP_PORT_OFFSET + i - 1}"
                for i in range(1, brokers + 1)
            )
            click.echo(f"Console and metrics: {urls}")
        click.echo(f"Data and logs: {data_dir}")
        click.echo(f"For samsa commands: export SAMSA_BOOTSTRAP_SERVERS={servers}")
        click.echo("Press Ctrl-C to stop.")
        sys.stdout.flush()
        status = _supervise(members, stop)
        if status is not None:
            return status
        click.echo("Stopping…", err=True)
        return 0
    finally:
        _stop_all(members)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _wait_until_up(members: Sequence[_Broker], data_dir: Path, stop: threading.Event) -> int | None:
    """Wait until every broker is registered; an exit status if that fails (or Ctrl-C)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not stop.is_set():
        waiting = [m for m in members if not m.check_registered()]
        if not waiting:
            return None
        for member in waiting:
            assert member.proc is not None
            if member.proc.poll() is not None:
                _error(
                    f"broker {member.node_id} exited ({member.proc.returncode}): "
                    f"{member.failure()} (see {member.log_path})"
                )
                return 1
        if time.monotonic() > deadline:
            _error(
                f"brokers {[m.node_id for m in waiting]} did not start within "
                f"{START_TIMEOUT_S:g} s (see {data_dir})"
            )
            return 1
        stop.wait(_POLL_S)
    return INTERRUPTED_EXIT


def _supervise(members: Sequence[_Broker], stop: threading.Event) -> int | None:
    """Restart brokers that fail until a signal; an exit status if the cluster cannot go on."""
    while not stop.is_set():
        for member in members:
            proc = member.proc
            if member.stopped or proc is None:
                continue
            if proc.poll() is None:
                if member.restarts and not member.registered and member.check_registered():
                    click.echo(f"Broker {member.node_id} is back (registered).")
                    sys.stdout.flush()
                continue
            code = proc.returncode
            if code == 0:
                _warn(f"broker {member.node_id} stopped (exit status 0); not restarting it")
                member.stopped = True
                continue
            now = time.monotonic()
            while member.restarts and now - member.restarts[0] > RESTART_WINDOW_S:
                member.restarts.popleft()
            reason = f"signal {-code}" if code < 0 else f"exit status {code}: {member.failure()}"
            if len(member.restarts) >= MAX_RESTARTS:
                _error(
                    f"broker {member.node_id} failed {MAX_RESTARTS + 1} times within "
                    f"{RESTART_WINDOW_S:g} s ({reason}); stopping the cluster "
                    f"(see {member.log_path})"
                )
                return 1
            member.restarts.append(now)
            _warn(f"broker {member.node_id} failed ({reason}); restarting it")
            member.start()
        if all(m.stopped for m in members):
            _error("every broker has stopped")
            return 1
        stop.wait(_POLL_S)
    return None


def _stop_all(members: Sequence[_Broker]) -> None:
    running = [m.proc for m in members if m.proc is not None and m.proc.poll() is None]
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for proc in running:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
