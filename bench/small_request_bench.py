"""Broker CPU per small request: single-record Produce and single-batch Fetch, with kcat
(librdkafka, C) pipelining the requests.

    python bench/small_request_bench.py [--trees PATH[,PATH...]] [--requests 20000] [--runs 5]
                                        [--size 100] [--profile DIR] [--dir /tmp] [--no-pin]

**Produce.** ``kcat -P -l FILE`` with ``linger.ms=0``, ``batch.num.messages=1``,
``queue.buffering.max.ms=0`` and acks=1 sends every message of ``--size`` bytes in its own
Produce request (librdkafka pipelines up to five in flight), into a one-partition topic of a
fresh broker process (``log.flush.policy=none``, as the produce-only sink: fsyncs are not what
is measured). **Fetch.** Then ``kcat -C -e`` with ``fetch.message.max.bytes=1`` reads the
partition back: the broker answers every Fetch with the first batch at the fetch offset (one
record), so there is one Fetch request per record.

The broker's utime + stime from ``/proc/PID/stat`` around each phase, divided by the
requests it answered (``samsa_requests_total`` of that API from ``/metrics``, before and after),
gives µs of broker CPU per request. The kcat consumer's end-of-partition line and the log end
offset check that every record was written and read.

``--trees`` are source trees to run the broker from (default: this repository), e.g. a
checkout of an older commit, measured in alternating order (A B, then B A, ...) so that a drift
of the shared machine does not favour one; the summary is the median of each tree's runs.
The load average and the CPU that other processes used (``/proc/stat`` less the broker, kcat and
this script) are printed with each row: a row where others used more than ``BUSY_OTHER_CPUS``
of a CPU is marked ``busy``.

``--profile DIR`` runs the broker under cProfile during each phase only (switched on and off
with SIGUSR1 and SIGUSR2) and writes ``DIR/<tree>-<api>-<run>.prof`` plus the top entries by
tottime and by cumulative time; the µs per request of a profiled run are not comparable with
unprofiled ones.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import create_topic_named, log_end_offsets, machine_busy_seconds  # noqa: E402
from bench.validation_cpu import (  # noqa: E402
    HOST,
    LOADGEN_CPU,
    SERVER_CPU,
    cpu_seconds,
    free_port,
    load_average,
    pinned,
    wait_until_listening,
    write_messages,
)

TOPIC: Final = "small-requests"
#: How long one kcat phase may take (20,000 requests take a few seconds).
KCAT_TIMEOUT_S: Final = 300.0
#: CPUs' worth of other processes' work during a row above which the row is marked busy
#: (the machine has two cores; the broker and kcat use at most one each).
BUSY_OTHER_CPUS: Final = 0.3
#: Entries of each profile ordering printed.
PROFILE_TOP: Final = 25
_END: Final = re.compile(rb"Reached end of topic \S+ \[0\] at offset (\d+)")
_REQUESTS: Final = re.compile(r'^samsa_requests_total\{api="(\w+)"\} ([0-9.e+]+)$', re.M)

#: The broker's entry point: cProfile switched on by SIGUSR1, off (and dumped) by SIGUSR2.
_PROFILED_MAIN: Final = """
import cProfile, os, signal, sys
profile = cProfile.Profile()
def _on(*_):
    profile.enable()
def _off(*_):
    profile.disable()
    profile.dump_stats(os.environ["SAMSA_BENCH_PROFILE"])
    profile.clear()
signal.signal(signal.SIGUSR1, _on)
signal.signal(signal.SIGUSR2, _off)
from broker.cli import main
sys.argv[0] = "samsa"
main()
"""
_MAIN: Final = "import sys; from broker.cli import main; sys.argv[0] = 'samsa'; main()"


@dataclass
class Row:
    tree: str
    api: str
    run: int
    requests: int
    cpu_s: float
    elapsed_s: float
    load: str
    others_cpus: float

    @property
    def us_per_request(self) -> float:
        return self.cpu_s / self.requests * 1e6

    @property
    def busy(self) -> bool:
        return self.others_cpus > BUSY_OTHER_CPUS

    def markdown(self) -> str:
        return (
            f"| {self.tree} | {self.api} | {self.run} | {self.requests:,} | "
            f"{self.us_per_request:.1f} | {self.requests / self.elapsed_s:,.0f} | {self.load} | "
            f"{self.others_cpus:.2f}{' busy' if self.busy else ''} |"
        )


def requests_answered(http_port: int) -> dict[str, int]:
    """``samsa_requests_total`` per API name, from the broker's ``/metrics``."""
    with urllib.request.urlopen(f"http://{HOST}:{http_port}/metrics", timeout=30) as response:
        text = response.read().decode()
    return {api: int(float(n)) for api, n in _REQUESTS.findall(text)}


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class Phase:
    """Measures one kcat phase: the broker's CPU, the requests it answered, and what the
    other processes of the machine did meanwhile."""

    def __init__(self, pid: int, http_port: int, api: str, profile: Path | None) -> None:
        self.pid, self.http_port, self.api, self.profile = pid, http_port, api, profile

    def run(self, argv: list[str], pin: bool) -> tuple[bytes, float, float, int, float]:
        """kcat's stderr, the broker's CPU seconds, wall seconds, requests of ``api``, and
        the CPUs' worth of work of other processes."""
        before = requests_answered(self.http_port).get(self.api, 0)
        if self.profile is not None:
            os.kill(self.pid, signal.SIGUSR1)
        busy0, own0 = machine_busy_seconds(), _own_cpu_seconds()
        cpu0 = cpu_seconds(self.pid)
        start = time.perf_counter()
        done = subprocess.run(
            pinned(LOADGEN_CPU, argv, pin), capture_output=True, timeout=KCAT_TIMEOUT_S
        )
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds(self.pid) - cpu0
        kcat_cpu = _children_cpu_seconds()
        others = machine_busy_seconds() - busy0 - cpu - (_own_cpu_seconds() - own0)
        others -= kcat_cpu
        if self.profile is not None:
            os.kill(self.pid, signal.SIGUSR2)
        if done.returncode != 0:
            raise RuntimeError(f"kcat failed: {done.stderr.decode(errors='replace')[-500:]}")
        answered = requests_answered(self.http_port).get(self.api, 0) - before
        return done.stderr, cpu, elapsed, answered, max(0.0, others) / elapsed


_children_seen = 0.0


def _children_cpu_seconds() -> float:
    """CPU seconds of the children that ended since the last call (the kcat just run)."""
    global _children_seen
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = children.ru_utime + children.ru_stime
    spent, _children_seen = total - _children_seen, total
    return spent


def run_tree(
    tree: Path, label: str, run: int, messages: Path, count: int, args: argparse.Namespace
) -> list[Row]:
    """One broker from ``tree``: the produce phase, then the fetch phase."""
    data = Path(tempfile.mkdtemp(prefix="samsa-small-requests-", dir=args.dir))
    port, http_port = free_port(), free_port()
    profile = None if args.profile is None else args.profile / f"{label}-{run}.prof"
    env = dict(os.environ, PYTHONPATH=str(tree))
    if profile is not None:
        env["SAMSA_BENCH_PROFILE"] = str(profile)
    code = _MAIN if profile is None else _PROFILED_MAIN
    argv = [sys.executable, "-c", code, "broker", "start", "--data-dir", str(data)]
    argv += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
    argv += ["--set", "log.flush.policy=none", "--set", f"http.listeners={HOST}:{http_port}"]
    log_path = data.parent / f"{data.name}.log"
    rows: list[Row] = []
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            pinned(SERVER_CPU, argv, args.pin), cwd=tree, env=env, stdout=log, stderr=log
        )
        try:
            wait_until_listening(port, proc)
            wait_until_listening(http_port, proc)
            create_topic_named(port, TOPIC, 1)
            broker = ["kcat", "-b", f"{HOST}:{port}", "-t", TOPIC]
            producer = [*broker, "-P", "-X", "linger.ms=0", "-X", "batch.num.messages=1"]
            producer += ["-X", "queue.buffering.max.ms=0", "-X", "acks=1", "-l", str(messages)]
            consumer = [*broker, "-C", "-o", "beginning", "-e", "-f", ""]
            consumer += ["-X", "fetch.message.max.bytes=1"]
            _children_cpu_seconds()
            for api, kcat in (("Produce", producer), ("Fetch", consumer)):
                phase_profile = None if profile is None else profile.with_suffix(f".{api}.prof")
                load = load_average()
                phase = Phase(proc.pid, http_port, api, profile)
                stderr, cpu, elapsed, answered, others = phase.run(kcat, args.pin)
                if api == "Produce":
                    written = log_end_offsets(port, TOPIC, 1)
                    if written != count:
                        raise RuntimeError(f"the broker holds {written} of {count} records")
                else:
                    ends = [int(m) for m in _END.findall(stderr)]
                    if ends != [count]:
                        raise RuntimeError(f"kcat read to {ends}, not {count}")
                if profile is not None and phase_profile is not None:  # dumped on SIGUSR2
                    _wait_for(profile)
                    profile.replace(phase_profile)
                    print(top_entries(phase_profile, label, api), file=sys.stderr)
                rows.append(Row(label, api, run, answered, cpu, elapsed, load, others))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            shutil.rmtree(data, ignore_errors=True)
    log_path.unlink(missing_ok=True)
    return rows


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the broker dumps its profile on SIGUSR2, asynchronously


def top_entries(path: Path, label: str, api: str) -> str:
    """The profile's top entries by tottime and by cumulative time."""
    out = io.StringIO()
    out.write(f"## profile: {label} {api}\n")
    for order in ("tottime", "cumulative"):
        stats = pstats.Stats(str(path), stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
    return out.getvalue()


def summary(rows: list[Row]) -> list[str]:
    """Median µs per request per tree and API, over the quiet rows and over all; with more
    than one tree, the median over runs of each tree's ratio to the first tree in the same run
    (the two ran back to back, so a busy machine weighs on both alike)."""
    lines = []
    for key in dict.fromkeys((r.tree, r.api) for r in rows):
        mine = [r for r in rows if (r.tree, r.api) == key]
        quiet = sorted(r.us_per_request for r in mine if not r.busy)
        every = sorted(r.us_per_request for r in mine)
        line = (
            f"{key[0]} {key[1]}: median {statistics.median(every):.1f} µs/request "
            f"[{every[0]:.1f}..{every[-1]:.1f}] over all {len(every)} runs"
        )
        if quiet:
            line += f"; {statistics.median(quiet):.1f} over the {len(quiet)} quiet ones"
        lines.append(line)
    first = rows[0].tree
    by_run = {(r.tree, r.api, r.run): r.us_per_request for r in rows}
    for tree, api in dict.fromkeys((r.tree, r.api) for r in rows if r.tree != first):
        ratios = [
            value / by_run[(first, api, run)]
            for (t, a, run), value in by_run.items()
            if (t, a) == (tree, api) and (first, api, run) in by_run
        ]
        if ratios:
            lines.append(
                f"{tree} / {first} {api}: median ratio {statistics.median(ratios):.2f} "
                f"[{min(ratios):.2f}..{max(ratios):.2f}] over {len(ratios)} runs"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trees", default=str(REPO), help="source trees, comma-separated")
    parser.add_argument("--requests", type=int, default=20_000, help="records (= requests)")
    parser.add_argument("--size", type=int, default=100, help="record value bytes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="data and message files")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    args = parser.parse_args()
    if shutil.which("kcat") is None:
        print("kcat is not installed (apt-get install kcat)", file=sys.stderr)
        return 2
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    trees = [Path(t).resolve() for t in args.trees.split(",")]
    labels = [t.name for t in trees]
    messages = Path(args.dir) / f"small-requests-{args.size}-{args.requests}.txt"
    write_messages(messages, args.size, args.requests)
    print(f"load average {load_average()}; {args.requests:,} records of {args.size} B")
    print("| tree | API | run | requests | µs/request | requests/s | load | others (CPUs) |")
    print("|---|---|---|---|---|---|---|---|")
    rows: list[Row] = []
    try:
        for run in range(1, args.runs + 1):
            order = list(zip(trees, labels, strict=True))
            if run % 2 == 0:
                order.reverse()
            for tree, label in order:
                for row in run_tree(tree, label, run, messages, args.requests, args):
                    print(row.markdown(), flush=True)
                    rows.append(row)
    finally:
        messages.unlink(missing_ok=True)
    print()
    for line in summary(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
