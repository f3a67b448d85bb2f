"""Replication factor 3 on a local 3-broker cluster: ``samsa cluster up --brokers 3`` (every
broker pinned to the server CPU with the launcher), a 1-partition topic with replication
factor 3, and confluent-kafka producing 100 B messages with acks=all (the same settings as the
single-broker rows). Server CPU is the whole cluster's. Runs only where ``samsa cluster up``
exists (otherwise the report says so), and not in ``--quick``."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import sys
import time
from contextlib import suppress
from typing import Final

from bench.common import (
    HOST,
    REPO,
    SERVER_CPU,
    Env,
    create_topic_named,
    producer_spec,
)

NAME: Final = "cluster"
TITLE: Final = "replication factor 3 on a local 3-broker cluster"
CASE: Final = "produce 100 B acks=all RF=3 (3 brokers)"
PROBE_TIMEOUT_S: Final = 30.0
#: Most the cluster may take to start and register every broker.
UP_TIMEOUT_S: Final = 120.0
BROKERS: Final = 3
SIZE: Final = 100
MESSAGES_FULL: Final = 3_000_000
TOPIC: Final = "rf3"
#: ``cluster up`` puts controller ports this far above the client ports.
CONTROLLER_OFFSET: Final = 100
#: ... and the HTTP listeners' ports this far.
HTTP_OFFSET: Final = 200


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from broker.cli import main; main()", *args]


def cluster_up_available() -> str:
    """Empty if ``samsa cluster up --brokers N`` exists, else why not."""
    try:
        done = subprocess.run(
            _command("cluster", "up", "--help"),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return "`samsa cluster up --help` did not answer"
    if done.returncode != 0 or "--brokers" not in done.stdout:
        return "clustering not available (`samsa cluster up --brokers 3` does not exist yet)"
    return ""


def free_base_port() -> int:
    """A base port whose client, controller and HTTP ports are all free right now."""
    for _ in range(100):
        base = random.randrange(20_000, 40_000)
        ports = [base + i for i in range(BROKERS)]
        ports += [base + CONTROLLER_OFFSET + i for i in range(BROKERS)]
        ports += [base + HTTP_OFFSET + i for i in range(BROKERS)]
        try:
            for port in ports:
                with socket.socket() as s:
                    s.bind((HOST, port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free port range for the cluster")


def _run_once(env: Env, messages: int) -> dict[str, float]:
    data = env.fresh_dir("cluster")
    base = free_base_port()
    log = env.root / f"{data.name}.log"
    argv = _command(
        "cluster", "up", "--brokers", str(BROKERS), "--data-dir", str(data),
        "--base-port", str(base), "--set", "log.flush.policy=none",
    )  # fmt: skip
    with open(log, "wb") as out:
        proc = env.children.spawn(env.pinned(SERVER_CPU, argv), out, subprocess.STDOUT)
    try:
        deadline = time.monotonic() + UP_TIMEOUT_S
        bootstrap = ""
        while not bootstrap:
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("Bootstrap servers:"):
                    bootstrap = line.split(":", 1)[1].strip()
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-500:]
                raise RuntimeError(f"cluster up exited with status {proc.returncode}: {tail}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"cluster not up within {UP_TIMEOUT_S:g} s")
            time.sleep(0.1)
        errors = []
        for port in range(base, base + BROKERS):
            try:
                create_topic_named(port, TOPIC, 1, replication_factor=BROKERS)
                break
            except (OSError, RuntimeError) as exc:
                errors.append(str(exc))
        else:
            raise RuntimeError(f"CreateTopics RF={BROKERS}: {errors}")
        spec = producer_spec(bootstrap, TOPIC, 1, SIZE, messages, -1)
        return env.measure(proc.pid, spec)
    finally:
        env.children.stop(proc)
        with suppress(OSError):
            shutil.rmtree(data)


def run(env: Env) -> None:
    params = {"size": SIZE, "acks": -1, "replication_factor": BROKERS}
    why = cluster_up_available()
    if not why and env.quick:
        why = "skipped in --quick (a 3-broker cluster takes seconds to form)"
    if why:
        env.skip(NAME, CASE, why, **params)
        return
    for round_ in range(env.runs):
        print(f"# cluster round {round_ + 1}/{env.runs}", flush=True)
        env.attempt(env.case(NAME, CASE, **params), lambda: _run_once(env, MESSAGES_FULL))
