"""What the metrics cost the broker: CPU s/GB at 1 KiB produce with ``http.metrics.enable``
true (and a scrape of ``/metrics`` every 5 s, as Prometheus does) versus false, and the time
one scrape of ``/metrics`` takes at 1,000 and 10,000 partitions.

    python bench/metrics_bench.py [--size 1024] [--seconds 5] [--runs 5] [--scrape-every 5]
                                  [--partitions 1000,10000] [--scrapes 5] [--dir /tmp]
                                  [--no-pin] [--keep-messages] [--quick]

**Cost.** The load is ``security_bench.py``'s: ``kcat -P -l FILE`` (``linger.ms=5``,
``batch.num.messages=10000``, acks=all) into a new one-partition topic of a new broker
process, the broker pinned to CPU 0 and kcat to CPU 1 when ``taskset`` exists; the broker's
utime + stime from /proc around the produce gives CPU s/GB of payload. Each run measures both
settings, in alternating order (on, off, then off, on) so that a drift of the machine does not
favour one. Every row shows the load average before it and the CPU that other processes used
during it (the machine's busy time from /proc/stat less the broker, kcat and this script);
a row where others used more than ``BUSY_OTHER_CPUS`` of a CPU is marked ``busy`` and left
out of the medians (unless every run was busy). The summary is the median CPU s/GB of each
setting and the overhead of the metrics in percent (the target: at most 5 %).

**Scrape time.** For each partition count: a broker with the metrics on, a topic of that many
partitions, one record in each and a group that committed offset 0 on each (so that every
partition has a lag in offsets and in seconds to compute), then ``--scrapes`` scrapes of
``/metrics`` after one warm-up: median and largest wall time, the broker's CPU per scrape, the
body's size and its number of samples. At the default ``http.metrics.max.partitions`` (1,000)
partitions beyond the cap are folded into per-topic sums; a second row with the cap raised to
the partition count shows what exporting every partition costs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import create_topic_named, machine_busy_seconds  # noqa: E402
from bench.security_bench import (  # noqa: E402
    ASSUMED_MSGS_S,
    MAX_MESSAGES,
    Listener,
    broker,
    kcat,
)
from bench.validation_cpu import (  # noqa: E402
    GB,
    HOST,
    LOADGEN_CPU,
    SERVER_CPU,
    cpu_seconds,
    free_port,
    load_average,
    write_messages,
)

#: Prometheus's usual scrape interval in production set-ups (its own default is 60 s; 5-15 s
#: is what latency dashboards use): the cost is measured at the demanding end.
SCRAPE_EVERY_S: Final = 5.0
#: Longest one scrape may take before the run fails (10,000 uncapped partitions included).
SCRAPE_TIMEOUT_S: Final = 60.0
#: Other processes using more than this many CPUs (on average) during a row make it ``busy``:
#: the broker and kcat have a CPU each on a 2-CPU machine, so a quarter of one is a
#: neighbour competing for caches and CPU time.
BUSY_OTHER_CPUS: Final = 0.25
#: The issue's target for the metrics' overhead, in percent of broker CPU per GB.
TARGET_OVERHEAD_PCT: Final = 5.0
#: The default of ``http.metrics.max.partitions``: partitions exported one by one.
DEFAULT_MAX_PARTITIONS: Final = 1000
GROUP: Final = "metrics-bench"


@dataclass(frozen=True)
class CostRow:
    run: int
    metrics: bool
    msgs_s: float
    mb_s: float
    cpu_s_per_gb: float
    scrapes: int
    load_before: str
    other_cpus: float

    @property
    def busy(self) -> bool:
        return self.other_cpus > BUSY_OTHER_CPUS

    def markdown(self) -> str:
        mark = "busy" if self.busy else ""
        return (
            f"| {self.run} | {'on' if self.metrics else 'off'} | {self.msgs_s:,.0f} | "
            f"{self.mb_s:,.1f} | {self.cpu_s_per_gb:.2f} | {self.scrapes} | {self.load_before} "
            f"| {self.other_cpus:.2f} | {mark} |"
        )


def scrape(port: int) -> tuple[float, bytes]:
    """One GET of ``/metrics``: (seconds, body)."""
    start = time.perf_counter()
    with urllib.request.urlopen(
        f"http://{HOST}:{port}/metrics", timeout=SCRAPE_TIMEOUT_S
    ) as response:
        body: bytes = response.read()
    return time.perf_counter() - start, body


class Scraper:
    """Scrapes ``/metrics`` every ``every_s`` on a thread, from ``start`` until ``stop``."""

    def __init__(self, port: int, every_s: float) -> None:
        self._port = port
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scraper", daemon=True)
        self.count = 0
        self.error: Exception | None = None

    def _loop(self) -> None:
        while True:
            try:
                scrape(self._port)
                self.count += 1
            except Exception as exc:  # reported by stop(): a failed scrape fails the row
                self.error = exc
                return
            if self._stop.wait(self._every_s):
                return

    def __enter__(self) -> Scraper:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(SCRAPE_TIMEOUT_S)
        if self.error is not None:
            raise RuntimeError(f"scraping /metrics failed: {self.error}") from self.error


def _own_cpu_seconds() -> float:
    """This process's CPU and its finished children's (kcat): what is not 'others'."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def metrics_settings(kafka_port: int, http_port: int, enabled: bool) -> dict[str, str]:
    return {
        "listeners": f"PLAINTEXT://{HOST}:{kafka_port}",
        "http.listeners": f"{HOST}:{http_port}",
        "http.metrics.enable": "true" if enabled else "false",
    }


def cost_row(
    work: Path,
    run: int,
    enabled: bool,
    messages: Path,
    count: int,
    size: int,
    scrape_every_s: float,
    pin: bool,
) -> CostRow:
    kafka_port, http_port = free_port(), free_port()
    name = f"{'on' if enabled else 'off'}-{run}"
    settings = metrics_settings(kafka_port, http_port, enabled)
    with broker(work / name, settings, [kafka_port, http_port], pin) as pid:
        listener = Listener("PLAINTEXT", kafka_port, ())
        produce = ["-P", "-t", f"bench-{name}", "-l", str(messages), "-X", "linger.ms=5"]
        produce += ["-X", "batch.num.messages=10000", "-X", "acks=all"]
        load_before = load_average()
        busy0, own0, cpu0 = machine_busy_seconds(), _own_cpu_seconds(), cpu_seconds(pid)
        scrapes = 0
        if enabled:
            with Scraper(http_port, scrape_every_s) as scraper:
                _, elapsed = kcat(listener, produce, pin)
            scrapes = scraper.count
        else:
            _, elapsed = kcat(listener, produce, pin)
        cpu = cpu_seconds(pid) - cpu0
        others = machine_busy_seconds() - busy0 - (_own_cpu_seconds() - own0) - cpu
    payload = size * count
    return CostRow(
        run,
        enabled,
        count / elapsed,
        payload / elapsed / 1e6,
        cpu / (payload / GB),
        scrapes,
        load_before,
        max(0.0, others / elapsed),
    )


def summary(rows: list[CostRow]) -> list[str]:
    """The medians per setting (quiet rows only, unless every row was busy) and the
    overhead."""
    lines = []
    medians: dict[bool, float] = {}
    for enabled in (True, False):
        mine = [r for r in rows if r.metrics is enabled]
        quiet = [r for r in mine if not r.busy] or mine
        medians[enabled] = statistics.median(r.cpu_s_per_gb for r in quiet)
        note = "" if len(quiet) == len(mine) else f" ({len(mine) - len(quiet)} busy left out)"
        if quiet is mine and any(r.busy for r in mine):
            note = " (every run was busy: compare with care)"
        lines.append(
            f"metrics {'on ' if enabled else 'off'}: median {medians[enabled]:.2f} CPU s/GB "
            f"over {len(quiet)} run(s){note}"
        )
    if medians[False] > 0:
        overhead = (medians[True] / medians[False] - 1) * 100
        verdict = "met" if overhead <= TARGET_OVERHEAD_PCT else "MISSED"
        lines.append(
            f"overhead: {overhead:+.1f} % broker CPU per GB "
            f"(target <= {TARGET_OVERHEAD_PCT:g} %: {verdict})"
        )
    return lines


def seed_partitions(kafka_port: int, topic: str, partitions: int) -> None:
    """One record in each partition, and a group that committed offset 0 on each: every
    partition then has a lag of 1 record and an age."""
    import confluent_kafka

    common = {"bootstrap.servers": f"{HOST}:{kafka_port}"}
    producer = confluent_kafka.Producer({**common, "linger.ms": 20})
    for partition in range(partitions):
        producer.produce(topic, value=b"x", partition=partition)
        producer.poll(0)
    if producer.flush(120) != 0:
        raise RuntimeError(f"{topic}: records were not delivered")
    consumer = confluent_kafka.Consumer({**common, "group.id": GROUP})
    try:
        offsets = [confluent_kafka.TopicPartition(topic, p, 0) for p in range(partitions)]
        consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()


def scrape_rows(work: Path, partitions: int, max_partitions: int, scrapes: int, pin: bool) -> str:
    kafka_port, http_port = free_port(), free_port()
    settings = metrics_settings(kafka_port, http_port, True)
    settings["http.metrics.max.partitions"] = str(max_partitions)
    with broker(
        work / f"scrape-{partitions}-{max_partitions}", settings, [kafka_port, http_port], pin
    ) as pid:
        topic = f"scrape-{partitions}"
        create_topic_named(kafka_port, topic, partitions)
        seed_partitions(kafka_port, topic, partitions)
        scrape(http_port)  # warm-up: caches (the lag's record ages) filled once
        load_before = load_average()
        times = []
        cpu0 = cpu_seconds(pid)
        body = b""
        for _ in range(scrapes):
            elapsed, body = scrape(http_port)
            times.append(elapsed)
        cpu = (cpu_seconds(pid) - cpu0) / scrapes
    samples = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
    return (
        f"| {partitions:,} | {max_partitions:,} | {statistics.median(times) * 1000:,.1f} | "
        f"{max(times) * 1000:,.1f} | {cpu * 1000:,.0f} | {len(body) / 1024:,.0f} | "
        f"{samples:,} | {load_before} |"
    )


COST_COLUMNS: Final = (
    "run",
    "metrics",
    "msgs/s",
    "MB/s",
    "broker CPU s/GB",
    "scrapes",
    "load before",
    "other CPUs",
    "busy",
)
SCRAPE_COLUMNS: Final = (
    "partitions",
    "max.partitions",
    "scrape ms (median)",
    "scrape ms (max)",
    "broker CPU ms/scrape",
    "body KiB",
    "samples",
    "load before",
)


def _header(columns: tuple[str, ...]) -> str:
    """A Markdown table's header and rule."""
    return "| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="message size in bytes")
    parser.add_argument("--seconds", type=float, default=5.0, help="least produce per row")
    parser.add_argument("--runs", type=int, default=5, help="0: the scrape times alone")
    parser.add_argument("--scrape-every", type=float, default=SCRAPE_EVERY_S, help="seconds")
    parser.add_argument("--partitions", default="1000,10000", help="scrape-time partition counts")
    parser.add_argument("--scrapes", type=int, default=5, help="measured scrapes per count")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="data and message files")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument("--keep-messages", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1 run, a tiny load, 100 partitions"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds, args.partitions, args.scrapes = 1, 0.05, "100", 2
        args.scrape_every = 0.2
    if shutil.which("kcat") is None:
        print("kcat is not installed (apt-get install kcat)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="samsa-metrics-bench-", dir=args.dir))
    size = args.size
    rate = ASSUMED_MSGS_S.get(size, max(10_000, 100_000_000 // size))
    count = min(MAX_MESSAGES, int(rate * args.seconds))
    messages = Path(args.dir) / f"metrics-bench-{size}-{count}.txt"
    print(
        f"load average {load_average()}; kcat {LOADGEN_CPU}, broker {SERVER_CPU}; "
        f"{os.cpu_count()} CPUs"
    )
    try:
        if args.runs > 0 and not messages.exists():
            write_messages(messages, size, count)
        if args.runs > 0:  # --runs 0: the scrape times alone
            print(
                f"\n{count:,} messages of {size} B per row; /metrics scraped every "
                f"{args.scrape_every:g} s when on"
            )
            print(_header(COST_COLUMNS))
            rows = []
            for run in range(args.runs):
                order = (True, False) if run % 2 == 0 else (False, True)
                for enabled in order:
                    row = cost_row(
                        work, run, enabled, messages, count, size, args.scrape_every, args.pin
                    )
                    rows.append(row)
                    print(row.markdown(), flush=True)
            for line in summary(rows):
                print(line)
        print()
        print(_header(SCRAPE_COLUMNS))
        for partitions in (int(p) for p in args.partitions.split(",")):
            caps = [DEFAULT_MAX_PARTITIONS]
            if partitions > DEFAULT_MAX_PARTITIONS:
                caps.append(partitions)
            for cap in caps:
                print(scrape_rows(work, partitions, cap, args.scrapes, args.pin), flush=True)
    finally:
        if not args.keep_messages:
            messages.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
