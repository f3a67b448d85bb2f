"""Wire fuzzer, long mode: a million hostile frames or more against one broker process.

Not part of CI (``tests/fuzz/test_wire_fuzz.py`` runs the same engine for a few thousand
frames). It starts ``samsa broker start`` on a free port with small limits, runs ``--workers``
hostile connections in parallel (valid and mutated requests of every served API and version,
random frames, length-prefix and header attacks, half-sent frames, compression bombs and lying
record batches) while a well-behaved client produces to a canary topic, and at the end checks
a produce/consume round trip with confluent-kafka and reads back every acknowledged canary
record. A broker that dies is restarted on the same data and counted as a crash.

Run::

    python -m bench.wire_fuzz --frames 1000000 [--seed S] [--workers 16] [--work-dir D]
    python -m bench.wire_fuzz --replay D/reproducers/repro-1.json   # one reproducer again

It prints progress every ``--progress-s`` seconds, then frames sent, frames/s, connections
opened, closes by the broker, crashes, distinct unexpected log records (tracebacks keyed by
exception type and last frame) with counts, peak RSS against its bound, the round trip, and
every check's findings. The seed is printed; ``--seed`` replays each worker's steps. Exit
status 1 if any check found something.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))

from fuzz.wire_fuzz import (  # noqa: E402
    KEY_CHARS,
    BrokerLimits,
    FuzzConfig,
    FuzzReport,
    replay,
    run,
)

#: The long mode's default: the brief's million frames.
DEFAULT_FRAMES: Final = 1_000_000
DEFAULT_WORKERS: Final = 16
#: Stop sending after this long even if the frames were not all sent (a slow machine).
DEFAULT_MAX_MINUTES: Final = 180.0


def _summary(report: FuzzReport) -> str:
    """The figures the long mode exists for, one per line, before the full report."""
    closes = sum(report.closes_by_broker.values())
    peak = max(report.peak_rss_bytes, report.peak_hwm_bytes)
    bound = report.bound.bytes if report.bound else 0
    lines = [
        f"seed                      {report.seed}",
        f"frames sent               {report.frames_sent:,} in {report.steps:,} steps",
        f"elapsed                   {report.elapsed_s:,.1f} s",
        f"frames/s                  {report.frames_per_s:,.0f}",
        f"connections opened        {report.connections_opened:,}",
        f"closes by the broker      {closes:,}",
        f"crashes                   {len(report.crashes)}",
        f"distinct unexpected log   {len(report.unexpected)}"
        + "".join(f"\n    {u.count:8,}x {u.key[:KEY_CHARS]}" for u in report.unexpected),
        f"peak RSS (VmHWM)          {peak / 2**20:,.0f} MiB (bound {bound / 2**20:,.0f} MiB)",
        f"broker CPU                {report.broker_cpu_s:,.0f} s",
        f"round trip                {report.round_trip.describe()}",
    ]
    return "\n".join(lines)


def _fuzz(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    work_dir = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="wire-fuzz-"))
    print(
        f"wire fuzz: seed {seed}, {args.frames:,} frames, {args.workers} workers, "
        f"work directory {work_dir}",
        flush=True,
    )
    started = time.monotonic()
    report = run(
        FuzzConfig(
            seed=seed,
            frames=args.frames,
            work_dir=work_dir,
            workers=args.workers,
            limits=BrokerLimits(),
            restart_after_crash=True,
            max_duration_s=args.max_minutes * 60,
            progress=lambda line: print(line, flush=True),
            progress_interval_s=args.progress_s,
            broker_source=Path(args.broker_source) if args.broker_source else None,
        )
    )
    print()
    print(_summary(report))
    print()
    print(report.render())
    print(f"\ntotal wall time {time.monotonic() - started:,.0f} s")
    if not args.keep:
        # The broker's data (bounded by retention, but hundreds of MiB): the log and the
        # reproducers stay.
        shutil.rmtree(work_dir / "data", ignore_errors=True)
    failed = any(report.problems().values())
    return 1 if failed else 0


def _replay(args: argparse.Namespace) -> int:
    repro = json.loads(Path(args.replay).read_text())
    frames = [bytes.fromhex(h) for step in repro["steps"] for h in (step["frames_hex"] or [])]
    skipped = sum(1 for step in repro["steps"] if step["frames_hex"] is None)
    work_dir = Path(tempfile.mkdtemp(prefix="wire-fuzz-replay-"))
    print(
        f"replaying {len(frames)} frames ({skipped} steps too large to have been kept) "
        f"from seed {repro['seed']}, expecting: {repro['log_record']}"
    )
    found = asyncio.run(replay(frames, work_dir))
    shutil.rmtree(work_dir / "data", ignore_errors=True)
    for group in found:
        print(f"{group.count}x {group.key}\n{group.sample}\n")
    print(f"{len(found)} distinct unexpected log records; broker log: {work_dir / 'broker.log'}")
    return 1 if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=DEFAULT_FRAMES)
    parser.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--work-dir", default=None, help="default: a new temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the broker's data directory")
    parser.add_argument("--max-minutes", type=float, default=DEFAULT_MAX_MINUTES)
    parser.add_argument("--progress-s", type=float, default=10.0, help="between progress lines")
    parser.add_argument(
        "--broker-source",
        default=None,
        help="fuzz the broker of this checkout instead (an older revision)",
    )
    parser.add_argument("--replay", default=None, help="send a reproducer file's frames")
    args = parser.parse_args()
    return _replay(args) if args.replay else _fuzz(args)


if __name__ == "__main__":
    sys.exit(main())
