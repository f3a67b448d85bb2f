"""What a fourth member joining a consumer group costs the three already in it: the classic
protocol (librdkafka's default eager assignors, and ``cooperative-sticky``) against KIP-848
(``group.protocol=consumer``, the broker's assignor).

    python bench/rebalance_bench.py [--runs 5] [--rate 2000] [--heartbeat-ms 1000]
                                    [--work-ms 0] [--no-auto-commit] [--dir /tmp]
                                    [--out FILE] [--no-pin] [--quick]

One ``samsa broker start`` process (pinned to CPU 0) serves the whole run. For each run of
each case, interleaved by round: a new 12-partition topic and group; a producer thread writing
``--rate`` records/s of 100 B, spread evenly over the partitions; three confluent-kafka
(librdkafka) members that settle on four partitions each; ``STEADY_S`` of steady consumption;
then, at a random moment of the heartbeat interval (seeded), a fourth member subscribes. The
members and the producer are threads of this process (pinned to CPU 1). Both protocols
heartbeat every ``--heartbeat-ms`` (the classic client's ``heartbeat.interval.ms``, the
broker's ``group.consumer.heartbeat.interval.ms``), since that interval paces how soon a member
hears of a rebalance under either. A member polls every ``POLL_S``; with ``--work-ms`` it then
spends that long "processing" each poll's records (a sleep), as an application does, and
serves the group's callbacks only on its next poll. Members auto-commit (librdkafka's default,
which also commits a revoked partition's position) unless ``--no-auto-commit``.

Per run:

* **rebalance ms**: from the fourth member's subscribe until every member holds its final
  assignment (the latest assignment change any of the four made; final: three partitions each);
* **consumed**: records the three existing members received in that time;
* **longest gap ms**: the longest time any of the three went without a record across the join
  (from its last record before the subscribe to its first after the end); **steady gap ms** is
  the same in the ``STEADY_S`` before the join, for scale;
* **revoked**: partitions revoked from the three (eager revocation takes all twelve; an
  incremental protocol only those that move); **kept revoked**: those of them the member held
  before and holds again at the end (consumption it stopped for nothing);
* the load average before the run and the CPU that other processes used during it (the
  machine's busy time from /proc/stat less the broker and this process). A run where others
  used more than ``BUSY_OTHER_CPUS`` of a CPU is marked ``busy`` and left out of the medians
  (unless every run of its case was busy).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.broker_bench import (  # noqa: E402
    HOST,
    LOADGEN_CPU,
    SERVER_CPU,
    Children,
    cpu_seconds,
    pinning_possible,
    start_server,
)
from bench.common import create_topic_named, load_average, machine_busy_seconds  # noqa: E402

PARTITIONS: Final = 12
#: Members before the join; the fourth brings the group to four, three partitions each.
EXISTING: Final = 3
VALUE_BYTES: Final = 100
#: Records per second the producer paces itself to: enough that every partition has a record
#: every few milliseconds, so that a pause of a member shows as a gap, and far below what one
#: core of consumers can take.
DEFAULT_RATE: Final = 2_000
#: Both protocols' heartbeat interval: librdkafka's classic default is 3 s and Kafka's
#: KIP-848 default 5 s; one shared value keeps the comparison about the protocols.
DEFAULT_HEARTBEAT_MS: Final = 1_000
#: Steady consumption before the join, the baseline of the gaps.
STEADY_S: Final = 3.0
QUICK_STEADY_S: Final = 1.0
#: How often the producer thread wakes to send the records due.
PACE_S: Final = 0.005
#: The members' poll timeout: the resolution of assignment changes and record times.
POLL_S: Final = 0.01
#: Most records one poll of a member returns (librdkafka's prefetch holds fewer here).
POLL_RECORDS: Final = 1_000
#: Seed of the moment of each join within the heartbeat interval (replayable runs).
SEED: Final = 848
#: Most a group may take to settle (three members, then four) before the run fails.
SETTLE_TIMEOUT_S: Final = 60.0
#: Most the three may take to receive a record after the rebalance (ends the gap).
RESUME_TIMEOUT_S: Final = 30.0
STOP_TIMEOUT_S: Final = 30.0
#: Other processes using more than this many CPUs (on average) during a run make it ``busy``:
#: the broker and this process have a CPU each on a 2-CPU machine, so a quarter of one is a
#: neighbour competing for CPU time and caches.
BUSY_OTHER_CPUS: Final = 0.25
DEFAULT_RUNS: Final = 5

#: case name -> the members' settings beyond the common ones.
CASES: Final[dict[str, dict[str, Any]]] = {
    "classic, range,roundrobin (default)": {"group.protocol": "classic"},
    "classic, cooperative-sticky": {
        "group.protocol": "classic",
        "partition.assignment.strategy": "cooperative-sticky",
    },
    "consumer (KIP-848), uniform": {"group.protocol": "consumer"},
}


def broker_settings(heartbeat_ms: int) -> list[str]:
    """The broker's ``--set`` arguments: the KIP-848 heartbeat and no initial join delay (it
    only holds back the first join into an empty group, not the measured one)."""
    settings = {
        "group.initial.rebalance.delay.ms": 0,
        "group.consumer.heartbeat.interval.ms": heartbeat_ms,
        "group.consumer.min.heartbeat.interval.ms": min(heartbeat_ms, 5_000),
        "log.flush.policy": "none",
    }
    return [arg for k, v in settings.items() for arg in ("--set", f"{k}={v}")]


class Producer(threading.Thread):
    """Writes ``rate`` records/s of ``VALUE_BYTES``, round-robin over the partitions."""

    def __init__(self, bootstrap: str, topic: str, rate: int) -> None:
        super().__init__(name="producer", daemon=True)
        import confluent_kafka

        self._producer = confluent_kafka.Producer(
            {"bootstrap.servers": bootstrap, "linger.ms": 1, "enable.idempotence": False}
        )
        self._topic, self._rate = topic, rate
        self._stopping = threading.Event()
        self.sent = 0

    def run(self) -> None:
        value = b"x" * VALUE_BYTES
        start = time.monotonic()
        while not self._stopping.wait(PACE_S):
            due = int((time.monotonic() - start) * self._rate)
            while self.sent < due:
                self._producer.produce(self._topic, value, partition=self.sent % PARTITIONS)
                self.sent += 1
            self._producer.poll(0)

    def stop(self) -> None:
        self._stopping.set()
        self.join(STOP_TIMEOUT_S)
        self._producer.flush(STOP_TIMEOUT_S)


class Member(threading.Thread):
    """One group member: the times of its records, of its assignment changes and revocations."""

    def __init__(
        self,
        bootstrap: str,
        group: str,
        topic: str,
        settings: dict[str, Any],
        work_s: float,
        auto_commit: bool,
    ) -> None:
        super().__init__(daemon=True)
        self._work_s = work_s
        self.config = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "latest",
            "enable.auto.commit": auto_commit,
            **settings,
        }
        self._topic = topic
        self.times: list[float] = []
        self.assigned: frozenset[int] = frozenset()
        self.changes: list[tuple[float, frozenset[int]]] = []
        self.revoked: list[tuple[float, frozenset[int]]] = []
        self.errors: list[str] = []
        self._stopping = threading.Event()

    def run(self) -> None:
        import confluent_kafka

        consumer = confluent_kafka.Consumer(self.config)
        try:
            consumer.subscribe([self._topic], on_revoke=self._on_revoke, on_lost=self._on_revoke)
            while not self._stopping.is_set():
                msgs = consumer.consume(POLL_RECORDS, POLL_S)
                now = time.monotonic()
                for msg in msgs:
                    if msg.error() is None:
                        self.times.append(now)
                    else:
                        self.errors.append(str(msg.error()))
                if msgs and self._work_s:
                    time.sleep(self._work_s)  # what processing the records would take
                assigned = frozenset(tp.partition for tp in consumer.assignment())
                if assigned != self.assigned:
                    self.changes.append((now, assigned))
                    self.assigned = assigned
        except Exception as exc:  # reported with the run
            self.errors.append(repr(exc))
        finally:
            consumer.close()

    def _on_revoke(self, _consumer: Any, partitions: list[Any]) -> None:
        self.revoked.append((time.monotonic(), frozenset(tp.partition for tp in partitions)))

    def stop(self) -> None:
        self._stopping.set()
        self.join(STOP_TIMEOUT_S)


@dataclass
class Run:
    case: str
    run: int
    rebalance_ms: float = 0.0
    consumed: int = 0
    gap_ms: float = 0.0
    steady_gap_ms: float = 0.0
    revoked: int = 0
    kept_revoked: int = 0
    load_before: str = ""
    other_cpus: float = 0.0
    error: str = ""

    @property
    def busy(self) -> bool:
        return self.other_cpus > BUSY_OTHER_CPUS

    def markdown(self) -> str:
        if self.error:
            return f"| {self.case} | {self.run} | FAILED: {self.error} |"
        return (
            f"| {self.case} | {self.run} | {self.rebalance_ms:,.0f} | {self.consumed:,} | "
            f"{self.gap_ms:,.0f} | {self.steady_gap_ms:,.0f} | {self.revoked} | "
            f"{self.kept_revoked} | {self.load_before} | {self.other_cpus:.2f} | "
            f"{'busy' if self.busy else ''} |"
        )


RUN_COLUMNS: Final = (
    "case",
    "run",
    "rebalance ms",
    "consumed",
    "longest gap ms",
    "steady gap ms",
    "revoked",
    "kept revoked",
    "load before",
    "other CPUs",
    "busy",
)
MEDIAN_COLUMNS: Final = (
    "case",
    "rebalance ms",
    "consumed during it",
    "longest gap ms",
    "partitions revoked",
    "kept partitions revoked",
    "runs",
)


def header(columns: tuple[str, ...]) -> str:
    return "| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|"


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout_s:g} s")
        time.sleep(POLL_S)


def shares(members: list[Member], each: int) -> bool:
    """Every member holds ``each`` partitions and together they hold every partition once."""
    held = sorted(p for m in members for p in m.assigned)
    return held == list(range(PARTITIONS)) and all(len(m.assigned) == each for m in members)


def longest_gap(times: list[float], start: float, end: float) -> float:
    """The longest time between two records, from the last before ``start`` to the first
    after ``end`` (the whole span when there are none in between)."""
    before = [t for t in times if t < start]
    after = [t for t in times if t > end]
    span = [before[-1] if before else start]
    span += [t for t in times if start <= t <= end]
    span.append(after[0] if after else end)
    return max(b - a for a, b in itertools.pairwise(span))


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(
    bootstrap: str, port: int, broker_pid: int, case: str, run: int, args: argparse.Namespace
) -> Run:
    result = Run(case, run, load_before=load_average())
    name = f"rebalance-{run}-{list(CASES).index(case)}"
    create_topic_named(port, name, PARTITIONS)
    settings = dict(CASES[case])
    if settings["group.protocol"] == "classic":
        settings["heartbeat.interval.ms"] = args.heartbeat_ms
    producer = Producer(bootstrap, name, args.rate)
    work_s = args.work_ms / 1000
    member = (bootstrap, name, name, settings, work_s, args.auto_commit)
    three = [Member(*member) for _ in range(EXISTING)]
    fourth = Member(*member)
    busy0, own0, broker0 = machine_busy_seconds(), own_cpu_seconds(), cpu_seconds(broker_pid)
    wall0 = time.monotonic()
    producer.start()
    for m in three:
        m.start()
    try:
        wait_until(lambda: shares(three, 4), SETTLE_TIMEOUT_S, "three members settled")
        settled = time.monotonic()
        wait_until(
            lambda: all(m.times and m.times[-1] > settled for m in three),
            RESUME_TIMEOUT_S,
            "the three consuming",
        )
        # Steady consumption, the baseline of the gaps; then the join at a random moment of the
        # heartbeat interval (the members heartbeat in step since their last assignment).
        time.sleep(args.steady_s + args.random.uniform(0, args.heartbeat_ms / 1000))
        before = [m.assigned for m in three]
        seen = [len(m.changes) for m in three]
        start = time.monotonic()
        fourth.start()
        everyone = [*three, fourth]
        wait_until(lambda: shares(everyone, 3), SETTLE_TIMEOUT_S, "four members settled")
        moments = [at for m, n in zip(everyone, [*seen, 0], strict=True) for at, _ in m.changes[n:]]
        end = max(moments)
        wait_until(
            lambda: all(m.times and m.times[-1] > end for m in three),
            RESUME_TIMEOUT_S,
            "the three consuming again",
        )
        result.rebalance_ms = (end - start) * 1000
        result.consumed = sum(1 for m in three for t in m.times if start <= t <= end)
        result.gap_ms = max(longest_gap(m.times, start, end) for m in three) * 1000
        result.steady_gap_ms = (
            max(longest_gap(m.times, start - args.steady_s, start) for m in three) * 1000
        )
        revoked = [
            frozenset[int]().union(*(ps for at, ps in m.revoked if at >= start)) for m in three
        ]
        result.revoked = sum(len(ps) for ps in revoked)
        result.kept_revoked = sum(
            len(ps & had & m.assigned) for m, had, ps in zip(three, before, revoked, strict=True)
        )
        errors = [e for m in everyone for e in m.errors]
        if errors:
            result.error = "; ".join(errors[:3])
    except TimeoutError as exc:
        result.error = str(exc)
    finally:
        for m in [*three, fourth]:
            if m.is_alive():
                m.stop()
        producer.stop()
    wall = time.monotonic() - wall0
    others = (
        machine_busy_seconds()
        - busy0
        - (own_cpu_seconds() - own0)
        - (cpu_seconds(broker_pid) - broker0)
    )
    result.other_cpus = max(0.0, others / wall)
    return result


def medians(runs: list[Run]) -> list[str]:
    lines = [header(MEDIAN_COLUMNS)]
    for case in CASES:
        mine = [r for r in runs if r.case == case and not r.error]
        if not mine:
            lines.append(f"| {case} | FAILED | | | | | 0 |")
            continue
        quiet = [r for r in mine if not r.busy] or mine
        note = f"{len(quiet)}" if len(quiet) == len(mine) else f"{len(quiet)} of {len(mine)}"
        if all(r.busy for r in mine):
            note += " (all busy: compare with care)"

        def med(values: list[float]) -> float:
            return statistics.median(values)

        lines.append(
            f"| {case} | {med([r.rebalance_ms for r in quiet]):,.0f} | "
            f"{med([r.consumed for r in quiet]):,.0f} | {med([r.gap_ms for r in quiet]):,.0f} | "
            f"{med([r.revoked for r in quiet]):g} | {med([r.kept_revoked for r in quiet]):g} | "
            f"{note} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per case")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, help="records/s produced")
    parser.add_argument("--heartbeat-ms", type=int, default=DEFAULT_HEARTBEAT_MS)
    parser.add_argument(
        "--work-ms", type=int, default=0, help="a member's processing time per poll's records"
    )
    parser.add_argument(
        "--no-auto-commit",
        dest="auto_commit",
        action="store_false",
        help="members commit nothing (librdkafka's default auto-commits, also on revocation)",
    )
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="the broker's data")
    parser.add_argument("--out", help="also write the tables to this Markdown file")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 run per case")
    args = parser.parse_args()
    args.steady_s = STEADY_S
    args.random = random.Random(SEED)
    if args.quick:
        args.runs, args.steady_s = 1, QUICK_STEADY_S
    pin = pinning_possible(not args.pin)
    if pin:
        os.sched_setaffinity(0, {LOADGEN_CPU})
    children = Children(pin)
    work = Path(tempfile.mkdtemp(prefix="samsa-rebalance-bench-", dir=args.dir))
    import confluent_kafka

    intro = (
        f"librdkafka {confluent_kafka.libversion()[0]}; {args.rate:,} records/s of "
        f"{VALUE_BYTES} B over {PARTITIONS} partitions; {EXISTING} members, then a fourth; "
        f"heartbeat every {args.heartbeat_ms} ms; members process each poll's records for "
        f"{args.work_ms} ms; enable.auto.commit={str(args.auto_commit).lower()}; "
        f"{args.runs} run(s) per case; "
        f"{os.cpu_count()} CPUs, broker on {SERVER_CPU if pin else 'any'}, clients on "
        f"{LOADGEN_CPU if pin else 'any'}; load average at start {load_average()}"
    )
    print(intro, flush=True)
    lines = ["", header(RUN_COLUMNS)]
    print("\n".join(lines), flush=True)
    runs: list[Run] = []
    try:
        logs = work / "logs"
        logs.mkdir()
        data = work / "broker"
        server = start_server(children, "broker", data, logs, broker_settings(args.heartbeat_ms))
        bootstrap = f"{HOST}:{server.port}"
        for run in range(args.runs):
            for case in CASES:
                row = measure(bootstrap, server.port, server.pid, case, run, args)
                runs.append(row)
                lines.append(row.markdown())
                print(lines[-1], flush=True)
        children.stop(server.proc)
    finally:
        children.kill_all()
        shutil.rmtree(work, ignore_errors=True)
    tail = ["", f"Medians (quiet runs; load average at the end {load_average()}):", ""]
    tail += medians(runs)
    print("\n".join(tail))
    if args.out:
        Path(args.out).write_text("\n".join([intro, *lines, *tail]) + "\n")
    return 1 if any(r.error for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
