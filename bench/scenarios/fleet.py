"""Many producers: a fleet of small producers, each its own librdkafka instance and connection
(as many small applications would be), each sending one 100 B record every 10 ms, one record
per Produce request (the C load generator's ``fleet`` role). The full case is 1,000 producers
for 20 s: 100,000 requests/s offered. Samsa (one broker, policy none) and the sink (the
ceiling) get the same fleet.

Recorded per case: requests offered, sent and delivered per second, latency percentiles (each
record from its due time to its delivery report: a generator that falls behind counts against
the result), the server's CPU (process tree, from ``/proc``) as a share of one core and in µs
per delivered request, and the generator's own CPU. The server's and the generator's CPU are
counted from the moment every producer is connected (one warm-up record each delivered) until
the generator is done: setting up 1,000 connections is not part of the figures. Nothing is
asserted: the scenario reports what it got.
"""

from __future__ import annotations

import math
import os
import select
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bench import loadgen_c
from bench.broker_bench import loadgen_result
from bench.common import (
    C_LIBRDKAFKA,
    HOST,
    LOADGEN_CPU,
    LOADGEN_TIMEOUT_S,
    MB,
    SERVER_CPU,
    STOP_GRACE_S,
    Env,
    create_topic_named,
    tree_cpu_seconds,
)

NAME: Final = "fleet"
TITLE: Final = "many producers: each one 100 B record per request every 10 ms"

TOPIC: Final = "fleet"
PARTITIONS: Final = 1
SAMSA: Final = "Samsa none"
SINK: Final = "sink"
#: The order every round takes.
SERVERS: Final = (SAMSA, SINK)
#: Samsa's settings: no fsync (the request path is measured, not the disk).
SAMSA_SETTINGS: Final = {"log.flush.policy": "none"}
#: After the last record is due, outstanding ones get this long; the rest count as undelivered,
#: as do records a generator that fell this far behind never sent (a broker or generator that
#: cannot keep up would otherwise make the case as long as its backlog).
DRAIN_S: Final = 10.0
#: Most time a generator process may take to connect its producers and say it is ready.
READY_TIMEOUT_S: Final = 120.0


@dataclass(frozen=True)
class Fleet:
    """One fleet: how many producers, how often each sends, how large and for how long."""

    producers: int
    interval_ms: float
    size: int
    seconds: float
    acks: int = 1

    @property
    def label(self) -> str:
        acks = "acks=all" if self.acks == -1 else f"acks={self.acks}"
        return (
            f"{self.producers:,} producers x {self.size} B every {self.interval_ms:g} ms, "
            f"{acks}, {self.seconds:g} s"
        )

    @property
    def offered_per_s(self) -> float:
        return self.producers * 1000.0 / self.interval_ms


#: The issue's case: 1,000 producers, one 100 B record every 10 ms each, 20 s.
FULL: Final = Fleet(producers=1_000, interval_ms=10, size=100, seconds=20)
#: The same fleet at a tenth of the rate: what one generator CPU can offer (see
#: ``generator_cpus``), so that the server's latency with 1,000 connections shows where the
#: full case only shows the generator's limit on a small machine.
FULL_SLOW: Final = Fleet(producers=1_000, interval_ms=100, size=100, seconds=20)
FULL_CASES: Final = (FULL, FULL_SLOW)
#: ``--quick``: shows the scenario works.
QUICK: Final = Fleet(producers=50, interval_ms=10, size=100, seconds=2)


def case_name(fleet: Fleet, server: str) -> str:
    return f"{fleet.label} on {server}"


def fleet_spec(
    bootstrap: str, fleet: Fleet, drain_s: float = DRAIN_S, threads: int | None = None
) -> dict[str, Any]:
    """The C generator's ``fleet`` role for ``fleet`` against ``bootstrap``."""
    return {
        "role": "fleet",
        "bootstrap": bootstrap,
        "topic": TOPIC,
        "producers": fleet.producers,
        "interval_ms": fleet.interval_ms,
        "size": fleet.size,
        "seconds": fleet.seconds,
        "acks": fleet.acks,
        "drain_s": drain_s,
        "threads": threads,
        "timeout_s": READY_TIMEOUT_S,
    }


def percentile_ms(histogram: Sequence[tuple[int, int]], pct: float) -> float:
    """The smallest bucket top (µs, as the generator prints it) at or below which ``pct`` % of
    the recorded values lie, in ms; 0 for an empty histogram."""
    total = sum(count for _, count in histogram)
    if not total:
        return 0.0
    rank = max(1, math.ceil(pct / 100.0 * total))
    seen = 0
    for top_us, count in sorted(histogram):
        seen += count
        if seen >= rank:
            return top_us / 1000.0
    return max(top for top, _ in histogram) / 1000.0


def merge(results: Sequence[dict[str, Any]]) -> dict[str, float]:
    """One fleet's figures from the results of its processes (counts summed, histograms
    merged, the longest elapsed time)."""
    out: dict[str, float] = {}
    summed = ("offered", "sent", "delivered", "failed", "undelivered", "unsent", "queue_full")
    for key in (*summed, "cpu_s"):
        out[key] = float(sum(r[key] for r in results))
    for key in ("elapsed_s", "setup_s", "behind_max_ms"):
        out[key] = float(max(r[key] for r in results))
    out["producers"] = float(sum(r["producers"] for r in results))
    counts: dict[int, int] = {}
    for result in results:
        for top_us, count in result["hist_us"]:
            counts[int(top_us)] = counts.get(int(top_us), 0) + int(count)
    histogram = sorted(counts.items())
    for key, pct in (("p50_ms", 50.0), ("p99_ms", 99.0), ("p999_ms", 99.9)):
        out[key] = percentile_ms(histogram, pct)
    out["max_ms"] = float(max(r["max_ms"] for r in results))
    out["recorded"] = float(sum(counts.values()))
    return out


def _read_line(proc: subprocess.Popen[bytes], deadline: float) -> bytes:
    """The next line of ``proc``'s stdout, read without blocking past ``deadline``."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"fleet generator not ready within {READY_TIMEOUT_S:g} s")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    return data


def generator_cpus() -> list[int]:
    """The CPUs a pinned fleet runs on: every CPU but the server's, one generator process each.
    One process holds 1,000 producers (3 librdkafka threads, 5 file descriptors and ~120 KB
    each, set up in about a second; the generator takes up to 3,000), but a librdkafka producer
    costs its client tens of µs of CPU per single-record request, so one CPU offers about
    10,000 requests/s from 1,000 producers: a larger load needs more CPUs."""
    return [cpu for cpu in range(os.cpu_count() or 1) if cpu != SERVER_CPU] or [LOADGEN_CPU]


def run_fleet(
    env: Env, server_pid: int, spec: dict[str, Any], processes: int | None = None
) -> dict[str, float]:
    """Run the fleet in ``processes`` generator processes (default: one per CPU of
    ``generator_cpus`` when pinned, else one), started together once every producer is
    connected; the merged result with the server's CPU over the same time."""
    binary = env.c_loadgen()
    cpus = generator_cpus()
    if processes is None:
        processes = len(cpus) if env.pin else 1
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for index in range(processes):
            argv = [
                str(binary),
                *loadgen_c.arguments({**spec, "slice": (index, processes), "wait": True}),
            ]
            log = open(env.fresh_dir("fleet-log") / "stderr", "wb")  # noqa: SIM115
            logs.append(log)
            argv = env.pinned(cpus[index % len(cpus)], argv)
            procs.append(env.children.spawn(argv, subprocess.PIPE, log))
        deadline = time.monotonic() + READY_TIMEOUT_S
        for proc in procs:
            line = _read_line(proc, deadline)
            if b'"ready"' not in line:
                proc.wait(STOP_GRACE_S)
                loadgen_result(proc.returncode or 1, line, b"")
        cpu0, start = tree_cpu_seconds(server_pid), time.monotonic()
        for proc in procs:
            os.kill(proc.pid, signal.SIGUSR1)
        results = []
        for proc in procs:
            out, _ = proc.communicate(timeout=LOADGEN_TIMEOUT_S)
            results.append(loadgen_result(proc.returncode, out, b""))
        server_cpu, wall = tree_cpu_seconds(server_pid) - cpu0, time.monotonic() - start
    finally:
        for proc in procs:
            env.children.stop(proc, STOP_GRACE_S)
        for log in logs:
            log.close()
    if isinstance(results[0].get("librdkafka"), str):
        env.installed[C_LIBRDKAFKA] = results[0]["librdkafka"]
    sample = merge(results)
    delivered, elapsed = sample["delivered"], sample["elapsed_s"]
    sample.update(
        {
            "processes": float(processes),
            "messages": delivered,
            "bytes": delivered * spec["size"],
            "msgs_s": delivered / elapsed,
            "mb_s": delivered * spec["size"] / elapsed / MB,
            "offered_msgs_s": sample["offered"] / spec["seconds"],
            "sent_msgs_s": sample["sent"] / spec["seconds"],
            "server_cpu_s": server_cpu,
            "server_busy": server_cpu / wall,
            "server_us_per_request": server_cpu * 1e6 / delivered if delivered else 0.0,
            "gen_busy": sample["cpu_s"] / wall,
            "wall_s": wall,
        }
    )
    return sample


def _run_one(env: Env, fleet: Fleet, server: str) -> None:
    case = env.case(
        NAME,
        case_name(fleet, server),
        server=server,
        producers=fleet.producers,
        interval_ms=fleet.interval_ms,
        size=fleet.size,
        seconds=fleet.seconds,
        acks=fleet.acks,
        offered_msgs_s=fleet.offered_per_s,
    )

    def body() -> dict[str, float]:
        if server == SAMSA:
            with env.samsa(SAMSA_SETTINGS) as samsa:
                create_topic_named(samsa.port, TOPIC, PARTITIONS)
                return run_fleet(env, samsa.pid, fleet_spec(f"{HOST}:{samsa.port}", fleet))
        with env.sink(PARTITIONS, TOPIC) as sink:
            return run_fleet(env, sink.pid, fleet_spec(f"{HOST}:{sink.port}", fleet))

    env.attempt(case, body)


def run(env: Env) -> None:
    fleets = (QUICK,) if env.quick else FULL_CASES
    try:
        env.c_loadgen()
    except loadgen_c.Unavailable as exc:
        for fleet in fleets:
            for server in SERVERS:
                why = f"not available: {exc}"
                env.skip(NAME, case_name(fleet, server), why, server=server)
        return
    for fleet in fleets:
        for round_ in range(env.runs):
            print(f"# {fleet.label}: round {round_ + 1}/{env.runs}", flush=True)
            for server in SERVERS:
                _run_one(env, fleet, server)
