"""What every scenario shares: the run's settings and results, child processes pinned to
their CPUs, servers (Samsa, the sink) and load-generator processes, CPU accounting."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from bench import loadgen_c, memory, noise
from bench.broker_bench import (
    HOST,
    LOADGEN_CPU,
    SERVER_CPU,
    Children,
    Server,
    create_topic,
    loadgen_result,
    start_server,
)

REPO: Final = Path(__file__).resolve().parents[1]
KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB
MB: Final = 1_000_000
GB: Final = 1_000_000_000

__all__ = [
    "C_LIBRDKAFKA",
    "GB",
    "GIB",
    "HOST",
    "KIB",
    "LOADGEN_CPU",
    "MB",
    "MIB",
    "REPO",
    "SERVER_CPU",
    "Case",
    "Env",
    "Server",
    "create_topic",
    "size_label",
    "tree_cpu_seconds",
]

#: Where ``Env.installed`` records the librdkafka version the C load generator ran with.
C_LIBRDKAFKA: Final = "librdkafka (C load generator)"
#: Most one load-generator process may run (it is killed past it: a hang must not hang us).
LOADGEN_TIMEOUT_S: Final = 600.0
#: Grace for a load generator or server to exit after SIGTERM.
STOP_GRACE_S: Final = 10.0


def size_label(size: int) -> str:
    """``100 B``, ``1 KiB``, ``16 KiB``."""
    return f"{size // KIB} KiB" if size % KIB == 0 else f"{size} B"


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and every live descendant (RabbitMQ runs an Erlang VM under
    a shell script; NATS and Samsa are one process), from ``/proc``."""
    return noise.tree_seconds(pid, include_root=True, waited=False)


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs spent not idle, from ``/proc/stat``."""
    return noise.machine_seconds(Path("/proc/stat").read_text())


@dataclass
class Case:
    """One measured case: its parameters, one dict of metrics per run, and its status
    (``ok``, ``failed: why`` or ``not run: why``)."""

    scenario: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    samples: list[dict[str, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: str = ""

    def values(self, metric: str) -> list[float]:
        return [s[metric] for s in self.samples if metric in s]

    def median(self, metric: str) -> float | None:
        values = self.values(metric)
        return statistics.median(values) if values else None

    def spread(self, metric: str, fmt: str, scale: float = 1.0) -> str:
        """``median [min..max]`` (or the one value, or ``-``)."""
        values = [v / scale for v in self.values(metric)]
        if not values:
            return "-"
        med = statistics.median(values)
        if len(values) == 1:
            return format(med, fmt)
        return f"{med:{fmt}} [{min(values):{fmt}}..{max(values):{fmt}}]"

    @property
    def busy(self) -> bool:
        """Whether a kept sample was disturbed by other processes (see ``Env.attempt``)."""
        return any(s.get("busy") for s in self.samples)

    @property
    def status(self) -> str:
        if self.skipped:
            return f"not run: {self.skipped}"
        if self.failures and not self.samples:
            return f"failed: {self.failures[0].splitlines()[0]}"
        if self.failures:
            return f"{len(self.failures)} run(s) failed: {self.failures[0].splitlines()[0]}"
        return "ok"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status
        out["busy"] = self.busy
        out["summary"] = {
            metric: {
                "median": statistics.median(vals),
                "min": min(vals),
                "max": max(vals),
                "runs": len(vals),
            }
            for metric in sorted({m for s in self.samples for m in s})
            if (vals := self.values(metric))
        }
        return out


@dataclass
class Env:
    """One harness run: settings, child processes, the data root and every case."""

    root: Path
    out: Path
    quick: bool
    runs: int
    pin: bool
    children: Children
    cases: dict[str, Case] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    installed: dict[str, str] = field(default_factory=dict)
    #: Which librdkafka the C load generator links: ``system`` or ``wheel``.
    librdkafka: str = "system"
    #: CPU snapshots for the noise check (a fake one in tests).
    sampler: noise.Sampler = noise.snapshot
    #: Times a busy attempt runs again (``--quick``: none, its figures are not results).
    busy_reruns: int = noise.BUSY_RERUNS
    _c_binary: Path | None = None
    _counter: Iterator[int] = field(default_factory=lambda: iter(range(1_000_000)))

    def case(self, scenario: str, name: str, **params: Any) -> Case:
        """The case called ``name`` (made on first use)."""
        if name not in self.cases:
            self.cases[name] = Case(scenario, name, dict(params))
        return self.cases[name]

    def skip(self, scenario: str, name: str, why: str, **params: Any) -> None:
        """Record a case that was not run, and why."""
        self.case(scenario, name, **params).skipped = why

    def fresh_dir(self, name: str) -> Path:
        path = self.root / f"{name}-{next(self._counter)}"
        path.mkdir(parents=True)
        return path

    def pinned(self, cpu: int, argv: Sequence[str]) -> list[str]:
        return self.children.command(cpu, argv)

    # -- servers -----------------------------------------------------------------------------

    @contextmanager
    def samsa(
        self, settings: dict[str, str] | None = None, directory: Path | None = None
    ) -> Iterator[Server]:
        """A fresh Samsa broker (``samsa broker start``) pinned to the server CPU; stopped
        and its data removed afterwards (unless ``directory`` was given)."""
        own = directory is None
        data = directory if directory is not None else self.fresh_dir("samsa")
        extra: list[str] = []
        for key, value in (settings or {}).items():
            extra += ["--set", f"{key}={value}"]
        server = start_server(self.children, "broker", data, self.root, extra)
        try:
            yield server
        finally:
            self.children.stop(server.proc)
            if own:
                shutil.rmtree(data, ignore_errors=True)

    @contextmanager
    def sink(self, partitions: int, topic: str) -> Iterator[Server]:
        """The produce-only sink, pinned to the server CPU."""
        data = self.fresh_dir("sink")
        server = start_server(
            self.children,
            "sink",
            data,
            self.root,
            ["--topic", topic, "--partitions", str(partitions)],
        )
        try:
            yield server
        finally:
            self.children.stop(server.proc)
            shutil.rmtree(data, ignore_errors=True)

    # -- load generators ---------------------------------------------------------------------

    def c_loadgen(self) -> Path:
        """The C load generator for ``librdkafka``, built on first use (``Unavailable`` when it
        cannot be)."""
        if self._c_binary is None:
            self._c_binary = loadgen_c.build(self.librdkafka)
        return self._c_binary

    def loadgen(self, spec: dict[str, Any], timeout_s: float = LOADGEN_TIMEOUT_S) -> dict[str, Any]:
        """Run one load-generator role on the load-generator CPU; its JSON result. A spec with
        ``"generator": "c"`` runs the C generator (librdkafka), any other ``python -m
        bench.loadgen SPEC``."""
        if spec.get("generator") == "c":
            argv = [str(self.c_loadgen()), *loadgen_c.arguments(spec)]
        else:
            argv = [sys.executable, "-m", "bench.loadgen", json.dumps(spec)]
        proc = self.children.spawn(self.pinned(LOADGEN_CPU, argv), subprocess.PIPE, subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.children.stop(proc, STOP_GRACE_S)
            raise RuntimeError(f"load generator ran past {timeout_s:g} s") from None
        finally:
            self.children.stop(proc, STOP_GRACE_S)
        result = loadgen_result(proc.returncode, out, err)
        if isinstance(result.get("librdkafka"), str):
            self.installed[C_LIBRDKAFKA] = result["librdkafka"]
        return result

    def measure(self, server_pid: int, spec: dict[str, Any]) -> dict[str, float]:
        """A load-generator run against a server: its result plus the server's CPU seconds
        (whole process tree) and CPU s/GB (what others used: ``attempt``). Memory as large as
        what the run will write is freshly used first (``memory.prime``), for every server
        alike."""
        memory.prime(self.root, memory.prime_bytes(memory.expected_bytes(spec)))
        cpu0 = tree_cpu_seconds(server_pid)
        result = self.loadgen(spec)
        server_cpu = tree_cpu_seconds(server_pid) - cpu0
        elapsed = float(result["elapsed_s"])
        sample = {
            "messages": float(result["messages"]),
            "bytes": float(result["bytes"]),
            "elapsed_s": elapsed,
            "msgs_s": result["messages"] / elapsed,
            "mb_s": result["bytes"] / elapsed / MB,
            "server_cpu_s": server_cpu,
            "cpu_s_per_gb": server_cpu / (result["bytes"] / GB) if result["bytes"] else 0.0,
            "server_busy": server_cpu / elapsed,
            "gen_busy": float(result["cpu_s"]) / elapsed,
        }
        for key, value in result.items():
            if key not in sample and isinstance(value, int | float):
                sample[key] = float(value)
        return sample

    def attempt(self, case: Case, body: Callable[[], dict[str, float] | None]) -> None:
        """Run one sample of ``case``; an exception becomes a recorded failure. What other
        processes used meanwhile goes into the sample (``other_cpu_s``, ``other_busy``: share
        of one core); past ``noise.OTHERS_MAX_CORES`` the whole attempt runs again (up to
        ``busy_reruns`` times), and the last one is kept with ``busy`` set if it was disturbed
        too."""
        for attempt in range(self.busy_reruns + 1):
            marks = {name: (len(c.samples), len(c.failures)) for name, c in self.cases.items()}
            before = self.sampler()
            try:
                sample = body()
            except Exception as exc:
                case.failures.append(f"{type(exc).__name__}: {exc}")
                print(f"  {case.name}: FAILED {type(exc).__name__}: {exc}", flush=True)
                return
            others = noise.others(before, self.sampler())
            if sample is None:
                return
            sample["other_cpu_s"] = others.cpu_s
            sample["other_busy"] = others.cores
            if not others.busy:
                break
            if attempt < self.busy_reruns:
                print(
                    f"  {case.name}: busy (others used {others.cores:.0%} of a core), again",
                    flush=True,
                )
                # The attempt is replaced whole: what it added to other cases goes too.
                for name, other in self.cases.items():
                    samples, failures = marks.get(name, (0, 0))
                    del other.samples[samples:]
                    del other.failures[failures:]
                continue
            sample["busy"] = 1.0
            sample["reruns"] = float(attempt)
        assert sample is not None  # every path that leaves the loop without one returned
        case.samples.append(sample)
        brief = ", ".join(f"{k}={v:.4g}" for k, v in sample.items() if k in _SHOWN)
        print(f"  {case.name}: {brief}", flush=True)


_SHOWN: Final = {
    "msgs_s",
    "mb_s",
    "cpu_s_per_gb",
    "p50_ms",
    "p99_ms",
    "seconds",
    "rss_mb",
    "gbit_s",
    "ms",
    "other_busy",
    "busy",
}


def producer_spec(
    bootstrap: str,
    topic: str,
    partitions: int,
    size: int,
    messages: int,
    acks: int,
    generator: str = "c",
) -> dict[str, Any]:
    """The produce role: the C load generator's (``c``, the generator of record for the
    broker's and the sink's rows) or confluent-kafka's (``python``, ``broker_bench``'s)."""
    return {
        "role": "produce",
        "generator": generator,
        "bootstrap": bootstrap,
        "topic": topic,
        "partitions": partitions,
        "size": size,
        "messages": messages,
        "acks": acks,
        "timeout_s": LOADGEN_TIMEOUT_S - 60.0,
    }


def wait_for(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``predicate`` until true; TimeoutError naming ``what`` past ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout_s:g} s")
        time.sleep(0.01)


def bootstrap_of(server: Server) -> str:
    return f"{HOST}:{server.port}"


def create_topic_named(
    port: int, name: str, partitions: int, timeout_s: float = 120.0, replication_factor: int = 1
) -> float:
    """Create topic ``name`` (CreateTopics v4); seconds it took."""
    from bench.broker_bench import WireClient
    from protocol.messages import CreateTopicsRequest, CreateTopicsResponse

    creatable = CreateTopicsRequest.CreatableTopic(
        name=name, num_partitions=partitions, replication_factor=replication_factor
    )
    request = CreateTopicsRequest(
        topics=[creatable], timeout_ms=int(timeout_s * 1000), validate_only=False
    )
    start = time.perf_counter()
    with WireClient(HOST, port, timeout_s) as client:
        response = client.call(19, 4, request)
    elapsed = time.perf_counter() - start
    assert isinstance(response, CreateTopicsResponse)
    for result in response.topics:
        if result.error_code != 0:
            raise RuntimeError(f"CreateTopics {result.name}: error {result.error_code}")
    return elapsed


def log_end_offsets(port: int, topic_name: str, partitions: int, timeout_s: float = 30.0) -> int:
    """The sum of the log end offsets of a topic's partitions (ListOffsets v4, latest): how
    many records the broker acknowledged."""
    from bench.broker_bench import WireClient
    from protocol.messages import ListOffsetsRequest, ListOffsetsResponse

    topic = ListOffsetsRequest.ListOffsetsTopic
    request = ListOffsetsRequest(
        replica_id=-1,
        isolation_level=0,
        topics=[
            topic(
                name=topic_name,
                partitions=[
                    topic.ListOffsetsPartition(partition_index=p, timestamp=-1)
                    for p in range(partitions)
                ],
            )
        ],
    )
    with WireClient(HOST, port, timeout_s) as client:
        response = client.call(2, 4, request)
    assert isinstance(response, ListOffsetsResponse)
    total = 0
    for t in response.topics:
        for p in t.partitions:
            if p.error_code:
                raise RuntimeError(f"ListOffsets error {p.error_code}")
            total += p.offset
    return total


def descendants(pid: int) -> list[int]:
    """Live descendants of ``pid`` (children first), from ``/proc``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(text[text.rindex(")") + 2 :].split()[1])
    out: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop(0)
        kids = [child for child, parent in parents.items() if parent == current]
        out.extend(kids)
        todo.extend(kids)
    return out


def rss_mb(pid: int) -> float:
    """``VmRSS`` of one process in MB (10^6 bytes)."""
    from bench.broker_bench import rss_bytes

    return rss_bytes(pid) / MB


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
