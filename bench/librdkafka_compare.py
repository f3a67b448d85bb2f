"""Which librdkafka the C load generator should link: Debian's (``system``) or the newer one
confluent-kafka's wheel bundles (``wheel``), compared on the load that needs the generator
most, 100 B messages produced to the sink (the broker's CPU is not the limit there).

    python -m bench.librdkafka_compare [--runs 5] [--messages 3000000] [--size 100]
                                       [--dir /tmp] [--no-pin]

Each run starts a fresh sink (server CPU) and runs one build's produce role (load-generator
CPU), the builds alternating (system, wheel, then wheel, system, ...). Per build: messages/s,
the generator's CPU (share of its core), messages per CPU second of the generator (its cost,
less sensitive to a shared machine than the rate) and what other processes used; a run where
they used more than ``noise.OTHERS_MAX_CORES`` is busy and left out of the medians (unless
every run was).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from bench import loadgen_c, noise
from bench.broker_bench import (
    HOST,
    LOADGEN_CPU,
    Children,
    loadgen_result,
    pinning_possible,
    start_server,
)
from bench.common import tree_cpu_seconds

TOPIC: Final = "bench"
#: Most one produce run may take (3 million 100 B messages take about a second).
RUN_TIMEOUT_S: Final = 300.0


def _one(
    children: Children, binary: Path, root: Path, messages: int, size: int
) -> tuple[dict[str, float], str]:
    """One produce run against a fresh sink: its figures and the librdkafka version."""
    data = Path(tempfile.mkdtemp(prefix="sink-", dir=root))
    sink = start_server(children, "sink", data, root, ["--topic", TOPIC, "--partitions", "1"])
    try:
        before, cpu0 = noise.snapshot(), tree_cpu_seconds(sink.pid)
        argv = [str(binary), "produce", "-b", f"{HOST}:{sink.port}", "-t", TOPIC]
        argv += ["-s", str(size), "-n", str(messages), "-p", "1", "-T", str(RUN_TIMEOUT_S - 30)]
        done = subprocess.run(
            children.command(LOADGEN_CPU, argv),
            capture_output=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        result = loadgen_result(done.returncode, done.stdout, done.stderr)
        others = noise.others(before, noise.snapshot())
        sink_cpu = tree_cpu_seconds(sink.pid) - cpu0
    finally:
        children.stop(sink.proc)
        shutil.rmtree(data, ignore_errors=True)
    elapsed, gen_cpu = float(result["elapsed_s"]), float(result["cpu_s"])
    sample = {
        "msgs_s": result["messages"] / elapsed,
        "gen_busy": gen_cpu / elapsed,
        "msgs_per_gen_cpu_s": result["messages"] / gen_cpu if gen_cpu else 0.0,
        "sink_busy": sink_cpu / elapsed,
        "other_busy": others.cores,
        "busy": 1.0 if others.busy else 0.0,
    }
    return sample, str(result["librdkafka"])


def _spread(values: list[float], fmt: str) -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{med:{fmt}} [{min(values):{fmt}}..{max(values):{fmt}}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=3_000_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args(argv)
    try:
        binaries = {library: loadgen_c.build(library) for library in loadgen_c.LIBRARIES}
    except loadgen_c.Unavailable as exc:
        print(exc)
        return 1
    children = Children(pinning_possible(args.no_pin))
    root = Path(tempfile.mkdtemp(prefix="samsa-librdkafka-", dir=args.dir))
    runs: dict[str, list[dict[str, float]]] = {library: [] for library in binaries}
    versions: dict[str, str] = {}
    try:
        for index in range(args.runs):
            order = list(binaries) if index % 2 == 0 else list(reversed(binaries))
            for library in order:
                sample, versions[library] = _one(
                    children, binaries[library], root, args.messages, args.size
                )
                runs[library].append(sample)
                print(f"  {library} run {index + 1}: " + json.dumps(sample), flush=True)
    finally:
        children.kill_all()
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"\nproduce {args.messages:,} x {args.size} B to the sink, median [min..max] of the "
        f"runs where others used at most {noise.OTHERS_MAX_CORES:.0%} of a core\n"
    )
    print("| librdkafka | msgs/s | generator CPU | msgs per generator CPU s | others' CPU | busy |")
    print("|---|---|---|---|---|---|")
    for library, samples in runs.items():
        quiet = [s for s in samples if not s["busy"]] or samples
        print(
            f"| {library} ({versions.get(library, '?')}) "
            f"| {_spread([s['msgs_s'] for s in quiet], ',.0f')} "
            f"| {_spread([s['gen_busy'] for s in quiet], '.0%')} "
            f"| {_spread([s['msgs_per_gen_cpu_s'] for s in quiet], ',.0f')} "
            f"| {_spread([s['other_busy'] for s in samples], '.0%')} "
            f"| {sum(1 for s in samples if s['busy'])} of {len(samples)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
