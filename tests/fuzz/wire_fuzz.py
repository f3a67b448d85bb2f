"""The wire fuzzer's engine: hostile clients against a live ``samsa broker start`` process.

``run_fuzz`` starts a broker in a subprocess (small limits set with ``--set``), then runs
``workers`` connections in parallel, each drawing steps from ``attacks`` with its own seeded
``random.Random`` (``seed:worker``): valid requests of every served API and version,
mutations of them, random frames, length-prefix and header attacks, half-sent frames and
Produce requests carrying hostile record batches. A step ends with a sentinel request
(ApiVersions v0); its answer proves the broker read everything before it, so closes and
answers are attributed to the step that caused them. When the broker closes a connection
(the right answer to bad input) the worker reconnects.

Meanwhile a well-behaved client produces to a canary topic (acks=all), a monitor samples the
broker's ``VmRSS``/``VmHWM`` and liveness, and the log is scanned for unexpected records. At
the end a real client (confluent-kafka) produces and consumes a round trip and reads back
every canary record that was acknowledged.

Checks (``FuzzReport.problems``), each a list of findings, empty when the broker passed:

* ``alive``: the broker never exited, and stopped cleanly on SIGTERM in time;
* ``memory``: peak ``VmHWM`` stayed under ``MemoryBound`` (see there for the formula);
* ``round-trip``: the round trip and the canary read-back succeeded, no canary produce failed;
* ``log``: no unexpected log records (tracebacks, UNKNOWN_SERVER_ERROR, ERROR lines);
* ``hostile-batches``: no bomb, undecompressable payload or lying record framing was
  acknowledged, and every honest compressed control batch was;
* ``protocol``: every valid request was answered, in order, with a response that decodes.

A finding names the seed, the worker and the step; steps whose bytes led to an unexpected log
record are saved as reproducer files (``replay`` sends one to a fresh broker).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import socket
import struct
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Final

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition

from fuzz.attacks import Action, ActionContext, choose_action, request_frame, sentinel_frame
from fuzz.batches import prebuild_bombs
from fuzz.broker_process import REPO, BrokerProcess, MemoryReading
from fuzz.log_scan import LogScanner, Unexpected
from fuzz.schema_requests import RequestFactory, Vocabulary
from protocol.codec import decode_response
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import (
    ApiVersionsRequest,
    ApiVersionsResponse,
    CreateTopicsRequest,
    CreateTopicsResponse,
    Message,
    ProduceRequest,
    ProduceResponse,
    api_name,
)
from protocol.records import DEFAULT_MAX_DECOMPRESSED_BYTES, RecordBatchBuilder

__all__ = [
    "BrokerLimits",
    "FuzzConfig",
    "FuzzReport",
    "MemoryBound",
    "RoundTripResult",
    "replay",
    "run",
    "run_fuzz",
]

KIB: Final = 1024
MIB: Final = 1024 * KIB

CANARY_TOPIC: Final = "canary"
ROUND_TRIP_TOPIC: Final = "roundtrip"
#: Where hostile batches go: one plain topic, one compacted (the cleaner reads what the broker
#: accepted). Neither is in the generators' vocabulary, so no generated request deletes them.
PROBE_TOPICS: Final = ("probe-plain", "probe-compact")
VOCABULARY: Final = Vocabulary(
    topics=(
        "fz-a",
        "fz-b",
        "fz-c",
        "fz-d",
        "__consumer_offsets",
        "",
        "fz-" + "x" * 246,
        "fz-" + "y" * 247,
        "fz bad/name",
    ),
    groups=("fz-g0", "fz-g1", ""),
)
#: Topics created before the run: (name, partitions, configs).
SETUP_TOPICS: Final[tuple[tuple[str, int, dict[str, str]], ...]] = (
    (CANARY_TOPIC, 1, {}),
    (ROUND_TRIP_TOPIC, 1, {}),
    # Stored hostile batches are bounded on disk by retention, and compacted often.
    ("probe-plain", 1, {"segment.bytes": str(4 * MIB), "retention.bytes": str(64 * MIB)}),
    (
        "probe-compact",
        1,
        {
            "cleanup.policy": "compact,delete",
            "segment.bytes": str(256 * KIB),
            "retention.bytes": str(64 * MIB),
            "min.cleanable.dirty.ratio": "0.01",
        },
    ),
    ("fz-a", 3, {}),
    ("fz-b", 1, {"cleanup.policy": "compact", "segment.bytes": str(64 * KIB)}),
)

#: Steps on one connection before the worker opens a new one, at most.
MAX_STEPS_PER_CONNECTION: Final = 200
#: How long a step's sentinel may take: long polls and parked joins are legal but idle the
#: worker, so it gives up on the connection (counted, not a finding).
STEP_TIMEOUT_S: Final = 5.0
#: How long a write may wait for the broker to read (it pauses reading when busy).
WRITE_TIMEOUT_S: Final = 5.0
#: Connecting: per attempt, and in all (a restarting broker takes about a second).
CONNECT_TIMEOUT_S: Final = 5.0
RECONNECT_DEADLINE_S: Final = 60.0
#: How long a stalled half-sent frame holds its connection, and how many may at once.
STALL_S: Final = 3.0
MAX_STALLERS: Final = 16
#: Gap between the pieces of a trickled frame (slow client: each piece is its own read).
TRICKLE_GAP_S: Final = 0.001
#: Largest response the fuzzer accepts: ``fetch.max.bytes`` (55 MiB) plus headers.
MAX_RESPONSE_BYTES: Final = 64 * MIB
#: Monitor sampling interval (memory, liveness) and log scan interval.
MONITOR_INTERVAL_S: Final = 0.05
LOG_SCAN_INTERVAL_S: Final = 0.25
#: Steps remembered per connection, and connections remembered, for reproducers.
STEP_HISTORY: Final = 8
MAX_TRACKED_CONNECTIONS: Final = 1024
#: Steps whose bytes exceed this are remembered by name only (bombs are MiBs).
MAX_REMEMBERED_STEP_BYTES: Final = 64 * KIB
#: Reproducer files saved per distinct unexpected log record.
REPRODUCERS_PER_RECORD: Final = 3
#: Characters of an unexpected log record's key shown in reports.
KEY_CHARS: Final = 160
#: Findings kept per check (the rest are counted).
MAX_FINDINGS: Final = 50
#: The canary: records per produce, request timeout, pause between produces (about 50 a
#: second: a steady client beside the attack, not a load test of its own).
CANARY_RECORDS_PER_BATCH: Final = 4
CANARY_TIMEOUT_S: Final = 10.0
CANARY_INTERVAL_S: Final = 0.02
#: The final round trip: records, and the deadline for producing and reading everything.
ROUND_TRIP_RECORDS: Final = 100
ROUND_TRIP_TIMEOUT_S: Final = 60.0
#: How long workers get to finish their step once the run is over.
WIND_DOWN_TIMEOUT_S: Final = 15.0
#: Sentinel correlation ids live here, far from the small ids of ordinary requests and from
#: the extremes the mutations write, so a mutated frame never looks like a sentinel.
SENTINEL_ID_BASE: Final = 0x53000000


@dataclass(frozen=True)
class BrokerLimits:
    """The broker's settings for a fuzz run (``--set``), each smaller than the default so that
    the memory bound below stays meaningful."""

    #: Large enough for the biggest hostile batch (a few MiB) and for length-prefix claims
    #: the broker must accept as within its limit.
    socket_request_max_bytes: int = 64 * MIB
    #: Workers, stalled connections, the canary and the setup client fit with room to spare.
    max_connections: int = 64
    queued_max_requests: int = 16

    def settings(self) -> dict[str, str]:
        return {
            "socket.request.max.bytes": str(self.socket_request_max_bytes),
            "max.connections": str(self.max_connections),
            "queued.max.requests": str(self.queued_max_requests),
            # Topics come only from CreateTopics (filtered to the vocabulary), so the broker's
            # state does not grow with every mutated topic name a Metadata request carries.
            "auto.create.topics.enable": "false",
            # Appends are acknowledged without waiting for an fsync: a step waits for its
            # answers, and a disk shared with other work would set the pace, not the broker.
            "log.flush.policy": "none",
            # A JoinGroup would otherwise park for 3 s, idling its worker.
            "group.initial.rebalance.delay.ms": "0",
            # The cleaner and retention run often, over whatever the broker accepted.
            "log.cleaner.backoff.ms": "500",
            "log.retention.check.interval.ms": "1000",
        }


@dataclass(frozen=True)
class MemoryBound:
    """The most resident memory a correct broker needs here, from its settings:

    ``baseline`` (VmRSS once the setup topics exist, before any attack)
    + ``max.connections`` x ``CONNECTION_ALLOWANCE`` (socket buffers, the frame decoder's
    64 KiB scratch, the few small frames this fuzzer queues per connection; nothing for
    bytes a length prefix claims but the client never sent)
    + ``LARGE_FRAME_ALLOWANCE`` (the largest request this fuzzer sends, a few-MiB bomb,
    twice: its frame and one copy; one such request is in flight at a time)
    + 2 x ``DEFAULT_MAX_DECOMPRESSED_BYTES`` (one batch decompressed up to the cap, and one
    copy of it)
    + ``SLACK`` (allocator fragmentation, caches that fill as requests arrive).
    """

    CONNECTION_ALLOWANCE: ClassVar[int] = 1 * MIB
    LARGE_FRAME_ALLOWANCE: ClassVar[int] = 2 * 8 * MIB
    SLACK: ClassVar[int] = 64 * MIB

    baseline_bytes: int
    max_connections: int

    @property
    def bytes(self) -> int:
        return (
            self.baseline_bytes
            + self.max_connections * self.CONNECTION_ALLOWANCE
            + self.LARGE_FRAME_ALLOWANCE
            + 2 * DEFAULT_MAX_DECOMPRESSED_BYTES
            + self.SLACK
        )

    def describe(self) -> str:
        return (
            f"{_mib(self.bytes)} = baseline {_mib(self.baseline_bytes)} + max.connections "
            f"{self.max_connections} x {_mib(self.CONNECTION_ALLOWANCE)} + large frames "
            f"{_mib(self.LARGE_FRAME_ALLOWANCE)} + decompression 2 x "
            f"{_mib(DEFAULT_MAX_DECOMPRESSED_BYTES)} + slack {_mib(self.SLACK)}"
        )


#: The monitor kills the broker past this multiple of the bound: a run must not take the
#: machine down with it (the kill is reported as a memory finding).
HARD_LIMIT_FACTOR: Final = 3


@dataclass(frozen=True)
class FuzzConfig:
    """One run."""

    seed: int
    frames: int
    work_dir: Path
    workers: int = 16
    limits: BrokerLimits = field(default_factory=BrokerLimits)
    #: The long mode restarts a crashed broker and goes on (counting crashes); CI stops.
    restart_after_crash: bool = False
    #: Stop sending at this many seconds even if ``frames`` were not reached.
    max_duration_s: float = 3600.0
    #: Multi-MiB bombs (lz4, snappy) among the probes.
    heavy_probes: bool = True
    progress: Callable[[str], None] | None = None
    progress_interval_s: float = 10.0
    #: Fuzz the broker of another checkout (an older revision, say); None: this one.
    broker_source: Path | None = None


@dataclass
class RoundTripResult:
    """The final check with a real client."""

    ok: bool = False
    produced: int = 0
    consumed: int = 0
    canary_expected: int = 0
    canary_found: int = 0
    canary_wrong: list[str] = field(default_factory=list)
    error: str | None = None
    elapsed_s: float = 0.0

    def describe(self) -> str:
        state = "ok" if self.ok else "FAILED"
        text = (
            f"{state} in {self.elapsed_s:.1f} s: {self.consumed}/{self.produced} round-trip "
            f"records read back; canary {self.canary_found}/{self.canary_expected} "
            f"acknowledged records read back"
        )
        if self.canary_wrong:
            text += f"; wrong or missing: {', '.join(self.canary_wrong[:5])}"
        if self.error:
            text += f"; {self.error}"
        return text


@dataclass(repr=False)
class FuzzReport:
    """Everything a run measured and found."""

    seed: int
    target_frames: int
    frames_sent: int = 0
    steps: int = 0
    responses: int = 0
    elapsed_s: float = 0.0
    connections_opened: int = 0
    closes_by_broker: Counter[str] = field(default_factory=Counter)
    steps_by_kind: Counter[str] = field(default_factory=Counter)
    #: Seconds workers spent in steps of each kind (where the run's time goes).
    step_seconds: dict[str, float] = field(default_factory=dict)
    unanswered: Counter[str] = field(default_factory=Counter)
    apis_fuzzed: set[tuple[int, int]] = field(default_factory=set)
    apis_served: list[tuple[int, int, int]] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    stop_exit_code: int | None = None
    stopped_in_time: bool = True
    baseline_rss_bytes: int = 0
    peak_rss_bytes: int = 0
    peak_hwm_bytes: int = 0
    bound: MemoryBound | None = None
    killed_for_memory: bool = False
    unexpected: list[Unexpected] = field(default_factory=list)
    expected_closes: Counter[str] = field(default_factory=Counter)
    other_warnings: Counter[str] = field(default_factory=Counter)
    probe_outcomes: Counter[str] = field(default_factory=Counter)
    probe_findings: list[str] = field(default_factory=list)
    protocol_findings: list[str] = field(default_factory=list)
    canary_acked_records: int = 0
    #: Round-trip times of the canary's produces (acks=all), seconds.
    canary_latencies_s: list[float] = field(default_factory=list)
    broker_cpu_s: float = 0.0
    canary_failures: Counter[str] = field(default_factory=Counter)
    round_trip: RoundTripResult = field(default_factory=RoundTripResult)
    reproducers: list[str] = field(default_factory=list)
    layout_mismatches: int = 0
    log_path: str = ""

    def __repr__(self) -> str:
        found = sum(len(v) for v in self.problems().values())
        return f"FuzzReport(seed={self.seed}, frames={self.frames_sent}, findings={found})"

    @property
    def frames_per_s(self) -> float:
        return self.frames_sent / self.elapsed_s if self.elapsed_s else 0.0

    def _latencies(self) -> str:
        times = sorted(self.canary_latencies_s)
        if not times:
            return "-"
        p50 = times[len(times) // 2]
        p99 = times[min(len(times) - 1, len(times) * 99 // 100)]
        return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"

    def problems(self) -> dict[str, list[str]]:
        """Findings per check; a check with an empty list passed."""
        memory: list[str] = []
        if self.bound is not None and self.peak_hwm_bytes > self.bound.bytes:
            memory.append(
                f"peak VmHWM {_mib(self.peak_hwm_bytes)} exceeds the bound {self.bound.describe()}"
            )
        if self.killed_for_memory:
            memory.append(f"killed at {HARD_LIMIT_FACTOR}x the bound to protect the machine")
        alive = list(self.crashes)
        if self.stop_exit_code not in (0, None) and not self.crashes:
            alive.append(f"exit status {self.stop_exit_code} after SIGTERM")
        if not self.stopped_in_time:
            alive.append("did not stop within the timeout after SIGTERM")
        round_trip = [] if self.round_trip.ok else [self.round_trip.describe()]
        round_trip += [
            f"canary produce failed {n}x: {why}" for why, n in self.canary_failures.items()
        ]
        return {
            "alive": alive,
            "memory": memory,
            "round-trip": round_trip,
            "log": [f"{u.count}x {u.key[:KEY_CHARS]}" for u in self.unexpected],
            "hostile-batches": list(self.probe_findings),
            "protocol": list(self.protocol_findings),
        }

    def render(self) -> str:
        """The human-readable report."""
        versions = sum(hi - lo + 1 for _, lo, hi in self.apis_served)
        lines = [
            f"seed {self.seed}: {self.frames_sent:,} frames in {self.steps:,} steps, "
            f"{self.elapsed_s:.1f} s, {self.frames_per_s:,.0f} frames/s; broker CPU "
            f"{self.broker_cpu_s:,.1f} s",
            f"connections opened {self.connections_opened:,}, closed by the broker "
            f"{sum(self.closes_by_broker.values()):,}, responses {self.responses:,}",
            f"served APIs {len(self.apis_served)} ({versions} versions); answered as valid "
            f"requests: {len(self.apis_fuzzed)} API versions",
            f"crashes {len(self.crashes)}; stop: exit {self.stop_exit_code}"
            + ("" if self.stopped_in_time else " (SIGKILL after timeout)"),
            f"memory: baseline {_mib(self.baseline_rss_bytes)}, peak VmRSS "
            f"{_mib(self.peak_rss_bytes)}, peak VmHWM {_mib(self.peak_hwm_bytes)}, bound "
            + (self.bound.describe() if self.bound else "?"),
            f"canary: {self.canary_acked_records:,} records acknowledged, produce latency "
            f"{self._latencies()}; round trip: " + self.round_trip.describe(),
            "closes by the broker, by step kind: " + _top(self.closes_by_broker, 12),
            "steps by kind: " + _top(self.steps_by_kind, 40),
            "worker seconds by step kind: "
            + ", ".join(
                f"{k} {v:,.0f}"
                for k, v in sorted(self.step_seconds.items(), key=lambda kv: -kv[1])[:12]
            ),
            "unanswered within the step timeout: " + _top(self.unanswered, 10),
            "expected close reasons logged: " + _top(self.expected_closes, 10),
            "other warnings: " + _top(self.other_warnings, 10),
            "hostile batch outcomes: " + _top(self.probe_outcomes, 60),
        ]
        lines.append(f"distinct unexpected log records: {len(self.unexpected)}")
        for u in self.unexpected:
            lines.append(f"  {u.count:6d}x {u.key[:KEY_CHARS]}")
            lines.append("          " + u.sample.splitlines()[0][:300])
        for check, found in self.problems().items():
            lines.append(f"check {check}: " + ("ok" if not found else f"{len(found)} finding(s)"))
            lines.extend(f"  - {f}" for f in found[:10])
        if self.reproducers:
            lines.append("reproducers: " + ", ".join(self.reproducers[:10]))
        lines.append(f"broker log: {self.log_path}")
        return "\n".join(lines)


def _mib(n: int) -> str:
    return f"{n / MIB:,.0f} MiB"


def _top(counter: Counter[str], n: int) -> str:
    if not counter:
        return "none"
    return ", ".join(f"{k} {v:,}" for k, v in counter.most_common(n))


# -- connections -----------------------------------------------------------------------------


@dataclass
class _Step:
    """A step remembered for reproducers."""

    worker: int
    index: int
    kind: str
    #: The bytes written (the step's own objects, not copies); None when too large to keep.
    chunks: list[bytes] | None


@dataclass
class _Tracked:
    worker: int
    steps: deque[_Step] = field(default_factory=lambda: deque(maxlen=STEP_HISTORY))


class _Connection:
    """A fuzzing connection: writes, and a reader task that collects every response frame."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        sockname = writer.get_extra_info("sockname")
        self.port: int = sockname[1] if isinstance(sockname, tuple) else 0
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._correlation = itertools.count(1)
        self._sentinels = itertools.count(SENTINEL_ID_BASE)
        self.responses: list[tuple[int, bytes]] = []
        self.sentinel_id: int | None = None
        self.sentinel_answer: bytes | None = None
        self.event = asyncio.Event()
        self.closed_by_broker = False
        self.closing = False
        self.bad_frame: str | None = None
        self.response_count = 0
        self._task = asyncio.create_task(self._read_loop())

    def next_correlation(self) -> int:
        return next(self._correlation)

    def next_sentinel(self) -> int:
        return next(self._sentinels)

    async def _read_loop(self) -> None:
        try:
            while True:
                (size,) = struct.unpack(">i", await self.reader.readexactly(4))
                if not 4 <= size <= MAX_RESPONSE_BYTES:
                    self.bad_frame = f"response size prefix {size}"
                    break
                frame = await self.reader.readexactly(size)
                self.response_count += 1
                (corr,) = struct.unpack_from(">i", frame)
                if corr == self.sentinel_id:
                    self.sentinel_answer = frame
                    self.event.set()
                else:
                    self.responses.append((corr, frame))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        if not self.closing:
            self.closed_by_broker = True
        self.event.set()

    async def write(self, data: bytes) -> bool:
        """Write and wait for the transport to drain; False if the connection is gone."""
        if self.closed_by_broker or self.writer.is_closing():
            return False
        try:
            self.writer.write(data)
            await asyncio.wait_for(self.writer.drain(), WRITE_TIMEOUT_S)
        except (ConnectionError, OSError, TimeoutError):
            return False
        return True

    async def close(self) -> None:
        self.closing = True
        self.writer.transport.abort()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


# -- the run ---------------------------------------------------------------------------------


class _Run:
    def __init__(self, config: FuzzConfig) -> None:
        self.config = config
        self.report = FuzzReport(seed=config.seed, target_frames=config.frames)
        work = config.work_dir
        work.mkdir(parents=True, exist_ok=True)
        self.repro_dir = work / "reproducers"
        self.broker = BrokerProcess(
            work / "data",
            work / "broker.log",
            config.limits.settings(),
            config.broker_source or REPO,
        )
        self.report.log_path = str(self.broker.log_path)
        self.scanner = LogScanner(self.broker.log_path)
        self.stop = asyncio.Event()
        self.broker_down = asyncio.Event()
        self.tracked: OrderedDict[int, _Tracked] = OrderedDict()
        self.stall_slots = asyncio.Semaphore(MAX_STALLERS)
        self.stall_tasks: set[asyncio.Task[None]] = set()
        self.canary_acked: list[tuple[int, list[bytes]]] = []
        self.factory: RequestFactory | None = None
        self.served: dict[int, tuple[int, int]] = {}
        self.hard_limit = 0
        self.repro_counts: Counter[str] = Counter()
        self.sentinel_body = b""

    # -- setup -------------------------------------------------------------------------------

    async def setup(self) -> None:
        await asyncio.to_thread(prebuild_bombs)
        await asyncio.to_thread(self.broker.start)
        conn = await self.connect()
        assert conn is not None, "cannot connect to the broker"
        try:
            answer = await self._request(
                conn,
                ApiVersionsRequest(
                    client_software_name="samsa-python", client_software_version="1.0"
                ),
                18,
                3,
            )
            assert isinstance(answer, ApiVersionsResponse) and answer.error_code == 0, answer
            served = sorted((k.api_key, k.min_version, k.max_version) for k in answer.api_keys)
            self.report.apis_served = served
            self.served = {k: (lo, hi) for k, lo, hi in served}
            self.factory = RequestFactory(served, VOCABULARY)
            topics = [
                CreateTopicsRequest.CreatableTopic(
                    name=name,
                    num_partitions=partitions,
                    replication_factor=-1,
                    configs=[
                        CreateTopicsRequest.CreatableTopic.CreatableTopicConfig(name=k, value=v)
                        for k, v in configs.items()
                    ],
                )
                for name, partitions, configs in SETUP_TOPICS
            ]
            created = await self._request(
                conn, CreateTopicsRequest(topics=topics, timeout_ms=10_000), 19, 5
            )
            assert isinstance(created, CreateTopicsResponse)
            for topic in created.topics:
                assert topic.error_code == 0, f"cannot create {topic.name}: {topic}"
        finally:
            await conn.close()
        memory = self.broker.memory()
        assert memory is not None
        self.report.baseline_rss_bytes = memory.rss_bytes
        bound = MemoryBound(memory.rss_bytes, self.config.limits.max_connections)
        self.report.bound = bound
        self.hard_limit = HARD_LIMIT_FACTOR * bound.bytes

    async def _request(
        self, conn: _Connection, body: Message, api_key: int, version: int
    ) -> Message:
        corr = conn.next_sentinel()
        conn.sentinel_id = corr
        conn.event.clear()
        await conn.write(request_frame(api_key, version, corr, body.encode(version)))
        await asyncio.wait_for(conn.event.wait(), CANARY_TIMEOUT_S)
        if conn.sentinel_answer is None:
            raise ConnectionError("the broker closed the connection")
        answer = conn.sentinel_answer
        conn.sentinel_answer = None
        return decode_response(api_key, version, memoryview(answer))[1]

    async def connect(self) -> _Connection | None:
        """A new connection; None if the broker stays unreachable (or the run is over)."""
        deadline = time.monotonic() + RECONNECT_DEADLINE_S
        while time.monotonic() < deadline:
            if self.broker_down.is_set() and not self.config.restart_after_crash:
                return None
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.broker.port), CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                if self.stop.is_set() and self.broker_down.is_set():
                    return None
                await asyncio.sleep(0.05)  # the broker is (re)starting: retry shortly
                continue
            self.report.connections_opened += 1
            return _Connection(reader, writer)
        return None

    # -- workers -----------------------------------------------------------------------------

    def _done(self) -> bool:
        return self.stop.is_set() or self.report.frames_sent >= self.config.frames

    async def worker(self, index: int) -> None:
        rng = random.Random(f"{self.config.seed}:{index}")
        assert self.factory is not None
        step_index = 0
        ctx = ActionContext(
            factory=self.factory,
            served=self.served,
            max_frame_bytes=self.config.limits.socket_request_max_bytes,
            probe_topics=PROBE_TOPICS,
            heavy_probes=self.config.heavy_probes,
            next_correlation=lambda: 0,
            pending_bomb=index if self.config.heavy_probes else index % 2,
        )
        while not self._done():
            conn = await self.connect()
            if conn is None:
                return
            tracked = _Tracked(index)
            self._track(conn.port, tracked)
            ctx.next_correlation = conn.next_correlation
            keep = True
            try:
                for _ in range(rng.randint(1, MAX_STEPS_PER_CONNECTION)):
                    if self._done():
                        break
                    action = choose_action(rng, ctx)
                    step_index += 1
                    size = sum(len(c) for c in action.chunks)
                    tracked.steps.append(
                        _Step(
                            index,
                            step_index,
                            action.kind,
                            action.chunks if size <= MAX_REMEMBERED_STEP_BYTES else None,
                        )
                    )
                    began = time.monotonic()
                    keep = await self._perform(conn, action, f"worker {index} step {step_index}")
                    spent = self.report.step_seconds
                    spent[action.kind] = spent.get(action.kind, 0.0) + time.monotonic() - began
                    if not keep:
                        break
            finally:
                if keep:
                    await conn.close()

    def _track(self, port: int, tracked: _Tracked) -> None:
        self.tracked[port] = tracked
        self.tracked.move_to_end(port)
        while len(self.tracked) > MAX_TRACKED_CONNECTIONS:
            self.tracked.popitem(last=False)

    async def _perform(self, conn: _Connection, action: Action, where: str) -> bool:
        """Run one step; False when the connection is finished (closed or handed off)."""
        report = self.report
        report.steps += 1
        report.frames_sent += action.frames
        report.steps_by_kind[action.kind.split(":")[0]] += 1
        conn.responses.clear()
        # Armed before anything is written: the broker may close the connection (and the
        # reader set the event) while the step's first bytes are still being written.
        sentinel = conn.next_sentinel()
        conn.sentinel_id = sentinel
        conn.sentinel_answer = None
        conn.event.clear()
        if action.finish in ("close", "stall"):
            for chunk in action.chunks:
                await conn.write(chunk)
            if action.finish == "stall" and not self.stall_slots.locked():
                await self.stall_slots.acquire()  # free: returns at once
                task = asyncio.create_task(self._stall(conn))
                self.stall_tasks.add(task)
                task.add_done_callback(self.stall_tasks.discard)
                return False
            await conn.close()
            return False
        for chunk in action.chunks:
            if action.finish == "trickle":
                await asyncio.sleep(TRICKLE_GAP_S)
            if not await conn.write(chunk):
                break
        await conn.write(sentinel_frame(sentinel))
        try:
            await asyncio.wait_for(conn.event.wait(), STEP_TIMEOUT_S)
        except TimeoutError:
            report.unanswered[_unanswered_kind(conn, action)] += 1
            await conn.close()
            return False
        report.responses += len(conn.responses) + (conn.sentinel_answer is not None)
        if conn.bad_frame is not None:
            self._finding(report.protocol_findings, f"{where} ({action.kind}): {conn.bad_frame}")
        if conn.sentinel_answer is None:
            report.closes_by_broker[action.kind] += 1
            if action.all_valid and not action.may_close:
                self._finding(
                    report.protocol_findings,
                    f"{where}: the broker closed the connection on valid requests "
                    f"{_names(action)} (connection port {conn.port})",
                )
            if action.probe is not None:
                self._probe_outcome(action, "closed", where)
            conn.closing = True
            await conn.close()
            return False
        self._check_sentinel(conn.sentinel_answer, where)
        self._check_answers(conn, action, where)
        return True

    async def _stall(self, conn: _Connection) -> None:
        """Hold a half-sent frame's connection open (its slot is taken), then close it."""
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), STALL_S)
            await conn.close()
        finally:
            self.stall_slots.release()

    def _check_sentinel(self, frame: bytes, where: str) -> None:
        # Every answer is the same bytes after the correlation id: decode only new ones.
        if frame[4:] == self.sentinel_body:
            return
        try:
            _, body = decode_response(18, 0, memoryview(frame))
        except ProtocolError as exc:
            self._finding(self.report.protocol_findings, f"{where}: sentinel answer: {exc}")
            return
        if not isinstance(body, ApiVersionsResponse) or body.error_code != 0:
            self._finding(self.report.protocol_findings, f"{where}: sentinel answer {body}")
        elif not self.sentinel_body:
            self.sentinel_body = frame[4:]

    def _check_answers(self, conn: _Connection, action: Action, where: str) -> None:
        if action.all_valid:
            got = [corr for corr, _ in conn.responses]
            want = [e.correlation_id for e in action.expected]
            if got != want:
                self._finding(
                    self.report.protocol_findings,
                    f"{where}: responses {got} to valid requests {_names(action)} "
                    f"with correlation ids {want}",
                )
                return
            for e, (_, frame) in zip(action.expected, conn.responses, strict=True):
                try:
                    decode_response(e.api_key, e.version, memoryview(frame))
                    self.report.apis_fuzzed.add((e.api_key, e.version))
                except ProtocolError as exc:
                    self._finding(
                        self.report.protocol_findings,
                        f"{where}: response to api {e.api_key} v{e.version} does not decode: {exc}",
                    )
        if action.probe is not None:
            answers = dict(conn.responses)
            answer = answers.get(action.probe_correlation_id or 0)
            if answer is None:
                self._probe_outcome(action, "no answer", where)
                return
            (version,) = struct.unpack_from(">h", action.chunks[0], 6)
            try:
                _, body = decode_response(0, version, memoryview(answer))
            except ProtocolError as exc:
                self._finding(
                    self.report.protocol_findings,
                    f"{where}: produce response does not decode: {exc}",
                )
                return
            assert isinstance(body, ProduceResponse)
            code = body.responses[0].partition_responses[0].error_code
            verdict = "acknowledged" if code == 0 else f"rejected:{_error_name(code)}"
            self._probe_outcome(action, verdict, where)

    def _probe_outcome(self, action: Action, verdict: str, where: str) -> None:
        probe = action.probe
        assert probe is not None
        self.report.probe_outcomes[f"{probe.kind} -> {verdict}"] += 1
        accepted = verdict == "acknowledged"
        if probe.expect == "reject" and accepted:
            self._finding(
                self.report.probe_findings,
                f"seed {self.config.seed} {where}: {probe.kind} acknowledged",
            )
        elif probe.expect == "accept" and not accepted:
            self._finding(
                self.report.probe_findings,
                f"seed {self.config.seed} {where}: honest {probe.kind} got {verdict}",
            )

    def _finding(self, findings: list[str], text: str) -> None:
        if len(findings) < MAX_FINDINGS:
            findings.append(text)
        elif len(findings) == MAX_FINDINGS:
            findings.append("(more findings not listed)")

    # -- the canary --------------------------------------------------------------------------

    async def canary(self) -> None:
        sequence = 0
        while not self.stop.is_set():
            conn = await self.connect()
            if conn is None:
                return
            try:
                while not self.stop.is_set():
                    values = [
                        b"canary-%d" % (sequence + i) for i in range(CANARY_RECORDS_PER_BATCH)
                    ]
                    sequence += len(values)
                    builder = RecordBatchBuilder()
                    now_ms = int(time.time() * 1000)
                    for value in values:
                        builder.append(value, timestamp_ms=now_ms)
                    body = ProduceRequest(
                        acks=-1,
                        timeout_ms=int(CANARY_TIMEOUT_S * 1000),
                        topic_data=[
                            ProduceRequest.TopicProduceData(
                                name=CANARY_TOPIC,
                                partition_data=[
                                    ProduceRequest.TopicProduceData.PartitionProduceData(
                                        index=0, records=builder.build()
                                    )
                                ],
                            )
                        ],
                    )
                    began = time.monotonic()
                    try:
                        answer = await self._request(conn, body, 0, 8)
                    except (ConnectionError, TimeoutError, ProtocolError) as exc:
                        if not self.stop.is_set() and not self.broker_down.is_set():
                            self.report.canary_failures[type(exc).__name__] += 1
                        break
                    assert isinstance(answer, ProduceResponse)
                    self.report.canary_latencies_s.append(time.monotonic() - began)
                    part = answer.responses[0].partition_responses[0]
                    if part.error_code != 0:
                        self.report.canary_failures[_error_name(part.error_code)] += 1
                        continue
                    self.canary_acked.append((part.base_offset, values))
                    self.report.canary_acked_records += len(values)
                    # Pacing, not synchronisation: a steady client, not a second load test.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stop.wait(), CANARY_INTERVAL_S)
            finally:
                await conn.close()

    # -- the monitor -------------------------------------------------------------------------

    async def monitor(self) -> None:
        start = time.monotonic()
        last_scan = last_progress = start
        while not self.stop.is_set():
            self._sample(self.broker.memory())
            if self.hard_limit and self.report.peak_hwm_bytes > self.hard_limit:
                self.report.killed_for_memory = True
                self.broker.kill()
            code = self.broker.exit_code()
            if code is not None:
                await self._crashed(code)
                if self.stop.is_set():
                    return
            now = time.monotonic()
            if now - last_scan >= LOG_SCAN_INTERVAL_S:
                self._scan(self.scanner.poll())
                last_scan = now
            if self.config.progress and now - last_progress >= self.config.progress_interval_s:
                self.config.progress(self._progress_line(now - start))
                last_progress = now
            if self._done() or now - start > self.config.max_duration_s:
                self.stop.set()
                return
            await asyncio.sleep(MONITOR_INTERVAL_S)

    def _sample(self, memory: MemoryReading | None) -> None:
        if memory is None:
            return
        self.report.peak_rss_bytes = max(self.report.peak_rss_bytes, memory.rss_bytes)
        self.report.peak_hwm_bytes = max(self.report.peak_hwm_bytes, memory.hwm_bytes)

    async def _crashed(self, code: int) -> None:
        self.broker_down.set()
        self._scan(self.scanner.poll())
        tail = self.broker.log_path.read_text(errors="replace").splitlines()[-5:]
        self.report.crashes.append(
            f"seed {self.config.seed}: broker exited with status {code} after "
            f"{self.report.frames_sent:,} frames; log ends: " + " | ".join(tail)
        )
        self.broker.kill()
        if self.config.restart_after_crash and not self.report.killed_for_memory:
            await asyncio.to_thread(self.broker.start)
            self.broker_down.clear()
        else:
            self.stop.set()

    def _progress_line(self, elapsed: float) -> str:
        r = self.report
        memory = self.broker.memory()
        rss = _mib(memory.rss_bytes) if memory else "?"
        return (
            f"{elapsed:7.0f} s  frames {r.frames_sent:>10,}  {r.frames_sent / elapsed:7,.0f}/s  "
            f"connections {r.connections_opened:,}  broker closes "
            f"{sum(r.closes_by_broker.values()):,}  RSS {rss}  unexpected log records "
            f"{sum(u.count for u in self.scanner.unexpected.values())}"
        )

    def _scan(self, touched: list[Unexpected]) -> None:
        for group in touched:
            for peer in group.peers:
                port = int(peer.rsplit(":", 1)[1])
                tracked = self.tracked.get(port)
                if tracked is None or self.repro_counts[group.key] >= REPRODUCERS_PER_RECORD:
                    continue
                self.repro_counts[group.key] += 1
                self._save_reproducer(group, port, tracked)
            group.peers.clear()

    def _save_reproducer(self, group: Unexpected, port: int, tracked: _Tracked) -> None:
        self.repro_dir.mkdir(exist_ok=True)
        path = self.repro_dir / f"repro-{len(self.report.reproducers) + 1}.json"
        if len(self.report.reproducers) >= MAX_FINDINGS:
            return
        steps = [
            {
                "worker": s.worker,
                "step": s.index,
                "kind": s.kind,
                "frames_hex": None if s.chunks is None else [c.hex() for c in s.chunks],
            }
            for s in tracked.steps
        ]
        path.write_text(
            json.dumps(
                {
                    "seed": self.config.seed,
                    "log_record": group.key,
                    "sample": group.sample,
                    "client_port": port,
                    "steps": steps,
                },
                indent=1,
            )
        )
        self.report.reproducers.append(f"{path} ({group.key})")
        tracked.steps.clear()

    # -- the end -----------------------------------------------------------------------------

    async def finish(self, started: float) -> None:
        self.stop.set()
        self.report.elapsed_s = time.monotonic() - started
        for task in list(self.stall_tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._sample(self.broker.memory())
        self.report.broker_cpu_s += self.broker.cpu_seconds() or 0.0
        if self.broker.exit_code() is None:
            self.report.round_trip = await asyncio.to_thread(
                round_trip, self.broker.bootstrap, list(self.canary_acked)
            )
        else:
            self.report.round_trip.error = "the broker is not running"
        self._sample(self.broker.memory())
        self._scan(self.scanner.poll())
        if self.broker.exit_code() is None:
            code, in_time = await asyncio.to_thread(self.broker.stop)
            self.report.stop_exit_code = code
            self.report.stopped_in_time = in_time
        else:
            self.broker.kill()
        self._scan(self.scanner.finish())
        self.report.unexpected = sorted(self.scanner.unexpected.values(), key=lambda u: -u.count)
        self.report.expected_closes = self.scanner.expected_closes
        self.report.other_warnings = self.scanner.other_warnings
        if self.factory is not None:
            self.report.layout_mismatches = self.factory.layout_mismatches


def _unanswered_kind(conn: _Connection, action: Action) -> str:
    """The step's kind, with the first request that got no answer when they were valid."""
    answered = {corr for corr, _ in conn.responses}
    for e in action.expected:
        if e.correlation_id not in answered:
            return f"{action.kind}:{api_name(e.api_key)} v{e.version}"
    return action.kind


def _names(action: Action) -> str:
    return ", ".join(f"api {e.api_key} v{e.version}" for e in action.expected) or action.kind


def _error_name(code: int) -> str:
    try:
        return ErrorCode(code).name
    except ValueError:
        return str(code)


def run(config: FuzzConfig) -> FuzzReport:
    """``run_fuzz`` on a fresh event loop (uvloop's when installed: the fuzzer's own overhead
    per frame is about a third lower)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run_fuzz(config))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(run_fuzz(config))


async def run_fuzz(config: FuzzConfig) -> FuzzReport:
    """Run the fuzzer against a fresh broker in ``config.work_dir``; never raises for what
    the broker does (that goes into the report), only for a broker that cannot start."""
    run = _Run(config)
    try:
        await run.setup()
        started = time.monotonic()
        tasks = [asyncio.create_task(run.worker(i)) for i in range(config.workers)]
        tasks.append(asyncio.create_task(run.canary()))
        await run.monitor()
        run.stop.set()
        _, pending = await asyncio.wait(tasks, timeout=WIND_DOWN_TIMEOUT_S)
        for task in pending:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task  # a fuzzer bug raises here
        await run.finish(started)
    finally:
        run.broker.kill()
    return run.report


# -- the real client -------------------------------------------------------------------------


def round_trip(bootstrap: str, canary: list[tuple[int, list[bytes]]]) -> RoundTripResult:
    """Produce ``ROUND_TRIP_RECORDS`` with confluent-kafka and read them back, with every
    acknowledged canary record (by offset), all within ``ROUND_TRIP_TIMEOUT_S``."""
    result = RoundTripResult()
    started = time.monotonic()
    deadline = started + ROUND_TRIP_TIMEOUT_S
    errors: list[str] = []

    def delivered(err: KafkaError | None, _msg: object) -> None:
        if err is not None:
            errors.append(str(err))

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "message.timeout.ms": int(ROUND_TRIP_TIMEOUT_S * 1000 / 2),
            "enable.idempotence": True,
        }
    )
    values = [b"round-trip-%d" % i for i in range(ROUND_TRIP_RECORDS)]
    for value in values:
        producer.produce(ROUND_TRIP_TOPIC, value=value, partition=0, on_delivery=delivered)
    left = producer.flush(max(0.0, deadline - time.monotonic()))
    result.produced = len(values) - left - len(errors)
    if left or errors:
        result.error = f"{left} not delivered, errors: {errors[:3]}"
        result.elapsed_s = time.monotonic() - started
        return result
    wanted = {offset + i: v for offset, vs in canary for i, v in enumerate(vs)}
    result.canary_expected = len(wanted)
    seen: dict[int, bytes | None] = {}
    got_round_trip: list[bytes | None] = []
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "fz-round-trip",
            "enable.auto.commit": False,
            "enable.partition.eof": False,
        }
    )
    try:
        consumer.assign(
            [
                TopicPartition(ROUND_TRIP_TOPIC, 0, OFFSET_BEGINNING),
                TopicPartition(CANARY_TOPIC, 0, OFFSET_BEGINNING),
            ]
        )
        last_wanted = max(wanted, default=-1)
        while time.monotonic() < deadline:
            if len(got_round_trip) >= len(values) and (
                not wanted or max(seen, default=-1) >= last_wanted
            ):
                break
            for msg in consumer.consume(1000, timeout=0.5):
                if msg.error() is not None:
                    errors.append(str(msg.error()))
                    continue
                if msg.topic() == ROUND_TRIP_TOPIC:
                    got_round_trip.append(msg.value())
                else:
                    seen[msg.offset() or 0] = msg.value()
    finally:
        consumer.close()
    result.consumed = len(got_round_trip)
    for offset, value in wanted.items():
        if seen.get(offset) == value:
            result.canary_found += 1
        elif len(result.canary_wrong) < 10:
            result.canary_wrong.append(f"offset {offset}: {seen.get(offset)!r} != {value!r}")
    if got_round_trip[: len(values)] != values:
        errors.append("round-trip records differ from what was produced")
    if not wanted:
        errors.append("the canary got no record acknowledged during the run")
    result.ok = not errors and result.canary_found == len(wanted)
    if errors:
        result.error = "; ".join(errors[:3])
    result.elapsed_s = time.monotonic() - started
    return result


# -- replay ----------------------------------------------------------------------------------


async def replay(
    frames: list[bytes], work_dir: Path, limits: BrokerLimits | None = None
) -> list[Unexpected]:
    """Send ``frames`` over one connection to a fresh broker (then a sentinel, waited for),
    stop it, and return the unexpected log records it wrote."""
    broker = BrokerProcess(
        work_dir / "data", work_dir / "broker.log", (limits or BrokerLimits()).settings()
    )
    await asyncio.to_thread(broker.start)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", broker.port)
        conn = _Connection(reader, writer)
        for frame in frames:
            if not await conn.write(frame):
                break
        conn.sentinel_id = SENTINEL_ID_BASE
        await conn.write(sentinel_frame(SENTINEL_ID_BASE))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(conn.event.wait(), STEP_TIMEOUT_S)
        await conn.close()
        await asyncio.to_thread(broker.stop)
    finally:
        broker.kill()
    scanner = LogScanner(broker.log_path)
    scanner.finish()
    return list(scanner.unexpected.values())
