"""Recovery after ``kill -9``: a broker (policy ``none``) is filled with 1 GiB and 10 GiB of
16 KiB messages over 4 partitions by confluent-kafka, then killed with SIGKILL; it restarts on
the same data directory, and the clock runs from spawning it until it answers ApiVersions and
until ListOffsets gives back every message written (the logs are recovered). Each later run
writes its data afresh into a new broker first, so that every restart recovers from a crash
right after a large write. The data is removed after each run.

The written data is still in the page cache when the broker restarts (the machine has more
memory than the largest case): this measures the broker's recovery work, not a cold disk."""

from __future__ import annotations

import shutil
import time
from functools import partial
from pathlib import Path
from typing import Final

from bench.broker_bench import start_server
from bench.common import (
    GIB,
    MIB,
    Env,
    bootstrap_of,
    create_topic_named,
    log_end_offsets,
    producer_spec,
)

NAME: Final = "recovery"
TITLE: Final = "recovery after kill -9"

SIZE: Final = 16 * 1024
PARTITIONS: Final = 4
TOPIC: Final = "recovery"
VOLUMES_FULL: Final = (1 * GIB, 10 * GIB)
VOLUMES_QUICK: Final = (16 * MIB,)
#: Most a restarted broker may take to give back its end offsets.
READY_TIMEOUT_S: Final = 600.0


def case_name(volume: int) -> str:
    if volume >= GIB:
        return f"recovery after kill -9, {volume // GIB} GiB"
    return f"recovery after kill -9, {volume // MIB} MiB"


def _restart(env: Env, data: Path, messages: int) -> dict[str, float]:
    start = time.perf_counter()
    server = start_server(
        env.children, "broker", data, env.root, ["--set", "log.flush.policy=none"]
    )
    try:
        api_s = time.perf_counter() - start
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                if log_end_offsets(server.port, TOPIC, PARTITIONS) == messages:
                    break
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("end offsets not back")
            time.sleep(0.01)
        ready_s = time.perf_counter() - start
    finally:
        server.proc.kill()
        server.proc.wait(30)
        env.children.stop(server.proc)
    return {"seconds": ready_s, "api_versions_s": api_s}


def _crash_and_recover(env: Env, volume: int) -> dict[str, float]:
    """Fill a fresh broker with ``volume`` bytes, SIGKILL it, restart it: the restart's times."""
    messages = volume // SIZE
    data = env.fresh_dir("recovery")
    try:
        with env.samsa({"log.flush.policy": "none"}, directory=data) as server:
            create_topic_named(server.port, TOPIC, PARTITIONS)
            spec = producer_spec(bootstrap_of(server), TOPIC, PARTITIONS, SIZE, messages, 1)
            written = env.measure(server.pid, spec)
            server.proc.kill()  # SIGKILL: no clean shutdown, unflushed data in the page cache
            server.proc.wait(30)
        sample = _restart(env, data, messages)
        sample["write_mb_s"] = written["mb_s"]
        return sample
    finally:
        shutil.rmtree(data, ignore_errors=True)


def run(env: Env) -> None:
    volumes = VOLUMES_QUICK if env.quick else VOLUMES_FULL
    for round_ in range(env.runs):
        print(f"# recovery round {round_ + 1}/{env.runs}", flush=True)
        for volume in volumes:
            case = env.case(NAME, case_name(volume), bytes=volume, size=SIZE, partitions=PARTITIONS)
            env.attempt(case, partial(_crash_and_recover, env, volume))
