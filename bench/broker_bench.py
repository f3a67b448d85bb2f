"""Broker throughput bench: Samsa under a confluent-kafka (librdkafka) load, next to a sink.

Measures, in one run:

* produce throughput of 100 B and 1 KiB messages with acks 1 and acks all (-1), against the
  broker with ``log.flush.policy`` ``none`` and ``group``, and against ``bench/sink.py``, a
  produce-only Kafka-protocol sink built on Samsa's ``protocol/`` that does only what a broker
  must (frame, decode, validate CRCs, patch offsets, one ``os.write``, acknowledge): the ceiling
  for a Python broker on this machine, fed by the same load generator with the same settings;
* consume throughput, reading back from the page cache what a produce run (acks 1, policy
  ``none``) wrote: with a confluent-kafka consumer (``assign``, no commits, fetch settings for
  throughput), and with a raw Fetch loop on ``protocol/`` that never touches a record (the
  broker's fetch path without the client's per-message cost);
* for every case: MB/s, messages/s, the server's CPU seconds per GB (``/proc/<pid>/stat``),
  how busy the server and the load generator were, and the ratio to the sink;
* broker start-up time (spawn until it accepts a connection and answers ApiVersions) and
  idle RSS (``VmRSS``) with no clients, then with one topic.

Method: the disk is warmed up first (``--warmup-mib`` written, synced and deleted in the same
directory); every run starts a fresh server with a fresh data directory; the runs of all cases
are interleaved (run 1 of every case, then run 2, ...) so that slow drift spreads over all of
them; the table shows the median and the range. The server is pinned to CPU 0 and the load
generator (a separate process: this script with ``--loadgen``) to CPU 1 with ``taskset``.

    python bench/broker_bench.py [--quick] [--dir /tmp] [--runs 3] [--messages N]
                                 [--partitions 1] [--warmup-mib 2048] [--no-pin]

``--quick`` is a smoke run (one small run per case, < 30 s).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, Final

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from protocol.errors import ProtocolError

if TYPE_CHECKING:
    from protocol.messages import Message

# The load generator runs this file in a fresh process for every run, and only the raw Fetch
# role needs the protocol codec: the heavier protocol/ modules are imported where they are used.

REPO: Final = Path(__file__).resolve().parents[1]
KIB: Final = 1024
MIB: Final = 1024 * KIB
MB: Final = 1_000_000
GB: Final = 1_000_000_000

HOST: Final = "127.0.0.1"
TOPIC: Final = "bench"
CLIENT_ID: Final = "samsa-broker-bench"
SERVER_CPU: Final = 0
LOADGEN_CPU: Final = 1

SIZES: Final = (100, 1024)
ACKS: Final = (1, -1)
POLICIES: Final = ("none", "group")
#: Default messages per produce run, by message size: a few seconds each on a 2-core machine.
DEFAULT_MESSAGES: Final = {100: 3_000_000, 1024: 1_000_000}
QUICK_MESSAGES: Final = 20_000

# Bounds on every wait.
START_TIMEOUT_S: Final = 30.0
PROBE_TIMEOUT_S: Final = 5.0
POLL_INTERVAL_S: Final = 0.002
STOP_TIMEOUT_S: Final = 60.0
REQUEST_TIMEOUT_S: Final = 30.0
#: Most one load-generator run may take (the subprocess is killed past it).
RUN_TIMEOUT_S: Final = 300.0
MAX_RESPONSE_BYTES: Final = 256 * MIB

# Producer settings for throughput (the same for the broker and the sink).
PRODUCER_CONFIG: Final[dict[str, Any]] = {
    "enable.idempotence": False,
    "compression.type": "none",
    "linger.ms": 5,
    "batch.size": MIB,
    "batch.num.messages": 100_000,
    "queue.buffering.max.messages": 2_000_000,
    "queue.buffering.max.kbytes": 1024 * 1024,
    "max.in.flight.requests.per.connection": 5,
    "delivery.report.only.error": True,
    "socket.nagle.disable": True,
}
# Consumer settings for throughput: big fetches, a deep prefetch queue.
FETCH_MAX_BYTES: Final = 50 * MIB
PARTITION_FETCH_MAX_BYTES: Final = 16 * MIB
CONSUMER_CONFIG: Final[dict[str, Any]] = {
    "enable.auto.commit": False,
    "enable.auto.offset.store": False,
    "enable.partition.eof": False,
    "fetch.max.bytes": FETCH_MAX_BYTES,
    "max.partition.fetch.bytes": PARTITION_FETCH_MAX_BYTES,
    "fetch.wait.max.ms": 100,
    "queued.max.messages.kbytes": 512 * 1024,
    "queued.min.messages": 1_000_000,
    "socket.nagle.disable": True,
}
CONSUME_BATCH: Final = 100_000

# Targets (issue "Broker: single-node ..."), checked at the end of the table.
TARGET_PRODUCE_RATIO: Final = 0.50
TARGET_CONSUME_MB_S: Final = 500.0
TARGET_STARTUP_S: Final = 1.0
TARGET_RSS_MB: Final = 100.0

#: A process this busy (share of one core) is taken as what limited a case.
BUSY: Final = 0.8

CLK_TCK: Final = os.sysconf("SC_CLK_TCK")


# -- /proc ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from ``/proc/<pid>/stat``."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    # After "pid (comm) ": state is field 3, utime field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from ``VmRSS`` in ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def own_cpu_seconds() -> float:
    """CPU seconds of this process, all threads (librdkafka's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    """CPU seconds of this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds that all CPUs together spent not idle (user, nice, system, irq, softirq,
    steal), from the first line of ``/proc/stat``."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


# -- a blocking Kafka-protocol client on protocol/ -------------------------------------------


class WireClient:
    """One blocking connection for the bench's own requests: the start-up probe, topic
    creation and the raw Fetch loop. Every read and write has the socket's timeout."""

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self._sock = socket.create_connection((host, port), timeout=timeout_s)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._correlation_id = 0
        self._buf = bytearray(64 * KIB)

    def close(self) -> None:
        """Close the connection."""
        self._sock.close()

    def __enter__(self) -> WireClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, api_key: int, version: int, body: Message) -> Message:
        """Send one request and return its decoded response.

        For Fetch, the response's records are views of a buffer that the next call reuses.
        """
        from protocol.codec import decode_response, encode_request, join_frame
        from protocol.headers import RequestHeader

        self._correlation_id += 1
        header = RequestHeader(api_key, version, self._correlation_id, CLIENT_ID)
        self._sock.sendall(join_frame(encode_request(header, body)))
        correlation_id, response = decode_response(api_key, version, self._read_frame())
        if correlation_id != self._correlation_id:
            raise ProtocolError(f"correlation id {correlation_id}, expected {self._correlation_id}")
        return response

    def _read_frame(self) -> memoryview:
        prefix = bytearray(4)
        self._recv_into(memoryview(prefix))
        size = int.from_bytes(prefix, "big", signed=True)
        if not 0 <= size <= MAX_RESPONSE_BYTES:
            raise ProtocolError(f"response frame of {size} bytes")
        if len(self._buf) < size:
            self._buf = bytearray(size)
        view = memoryview(self._buf)[:size]
        self._recv_into(view)
        return view

    def _recv_into(self, view: memoryview) -> None:
        got = 0
        while got < len(view):
            n = self._sock.recv_into(view[got:])
            if n == 0:
                raise ConnectionError("connection closed by the server")
            got += n


def probe(port: int, timeout_s: float) -> None:
    """Connect and have ApiVersions answered; OSError or ProtocolError if not (yet)."""
    from protocol.messages import ApiVersionsRequest, ApiVersionsResponse

    with WireClient(HOST, port, timeout_s) as client:
        response = client.call(18, 0, ApiVersionsRequest())
    if not isinstance(response, ApiVersionsResponse) or response.error_code != 0:
        raise ProtocolError("ApiVersions failed")


def create_topic(port: int, partitions: int) -> None:
    """Create the bench topic (CreateTopics v4) and check the answer."""
    from protocol.messages import CreateTopicsRequest, CreateTopicsResponse

    creatable = CreateTopicsRequest.CreatableTopic(
        name=TOPIC, num_partitions=partitions, replication_factor=1
    )
    request = CreateTopicsRequest(
        topics=[creatable], timeout_ms=int(REQUEST_TIMEOUT_S * 1000), validate_only=False
    )
    with WireClient(HOST, port, REQUEST_TIMEOUT_S) as client:
        response = client.call(19, 4, request)
    assert isinstance(response, CreateTopicsResponse)
    for result in response.topics:
        if result.error_code != 0:
            raise RuntimeError(
                f"CreateTopics {result.name}: error {result.error_code} {result.error_message}"
            )


def free_port() -> int:
    """A port that was free on the loopback interface a moment ago."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


# -- child processes ------------------------------------------------------------------------


class Children:
    """Every subprocess the bench starts, so that all of them die with it."""

    def __init__(self, pin: bool) -> None:
        self.pin = pin
        self._procs: list[subprocess.Popen[Any]] = []

    def command(self, cpu: int, argv: Sequence[str]) -> list[str]:
        """``argv`` pinned to ``cpu`` with taskset (which execs: the pid stays the same)."""
        return ["taskset", "-c", str(cpu), *argv] if self.pin else list(argv)

    def spawn(
        self, argv: list[str], stdout: IO[Any] | int, stderr: IO[Any] | int
    ) -> subprocess.Popen[Any]:
        """Start a process with this repository importable."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        proc = subprocess.Popen(
            argv, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=REPO, env=env
        )
        self._procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[Any], timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM, then SIGKILL if it does not exit within ``timeout_s``."""
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout_s)
        with contextlib.suppress(ValueError):
            self._procs.remove(proc)

    def kill_all(self) -> None:
        """Kill whatever is still running."""
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self._procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_TIMEOUT_S)
        self._procs.clear()


@dataclass
class Server:
    """A running broker or sink."""

    proc: subprocess.Popen[Any]
    port: int
    log_path: Path
    startup_s: float

    @property
    def pid(self) -> int:
        """The server's pid (taskset exec'd into it)."""
        return self.proc.pid

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's output, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def start_server(
    children: Children, kind: str, directory: Path, logs: Path, extra: Sequence[str]
) -> Server:
    """Spawn the broker or the sink and wait until it answers ApiVersions."""
    port = free_port()
    if kind == "sink":
        argv = [sys.executable, str(REPO / "bench" / "sink.py"), "--dir", str(directory)]
    else:
        argv = [sys.executable, "-c", "from broker.cli import main; main()", "broker", "start"]
        argv += ["--data-dir", str(directory), "--log-level", "warning"]
        argv += ["--set", "http.listeners=127.0.0.1:0"]
    argv += ["--host", HOST, "--port", str(port), *extra]
    log_path = logs / f"{directory.name}.log"
    with open(log_path, "wb") as log_file:
        start = time.perf_counter()
        proc = children.spawn(children.command(SERVER_CPU, argv), log_file, subprocess.STDOUT)
    server = Server(proc, port, log_path, 0.0)
    deadline = start + START_TIMEOUT_S
    while True:
        try:
            probe(port, PROBE_TIMEOUT_S)
            break
        except (OSError, ProtocolError):
            pass
        if time.perf_counter() > deadline:
            children.stop(proc)
            raise RuntimeError(
                f"{kind} did not answer within {START_TIMEOUT_S:g} s\n{server.log_tail()}"
            )
        try:  # the poll interval doubles as the check that it is still alive
            proc.wait(POLL_INTERVAL_S)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"{kind} exited with status {proc.returncode}\n{server.log_tail()}")
    server.startup_s = time.perf_counter() - start
    return server


def run_loadgen(children: Children, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one load-generator process on the load-generator CPU; its JSON result."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--loadgen", json.dumps(spec)]
    proc = children.spawn(children.command(LOADGEN_CPU, argv), subprocess.PIPE, subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        children.stop(proc, 5.0)
        raise RuntimeError(f"load generator ran past {RUN_TIMEOUT_S:g} s") from None
    finally:
        children.stop(proc, 5.0)
    return loadgen_result(proc.returncode, out, err)


def loadgen_result(returncode: int | None, out: bytes, err: bytes) -> dict[str, Any]:
    """A finished load generator's JSON result (its last line); RuntimeError when it failed."""
    lines = out.decode(errors="replace").strip().splitlines()
    if returncode != 0 or not lines:
        tail = "\n".join(err.decode(errors="replace").strip().splitlines()[-10:])
        raise RuntimeError(f"load generator failed (status {returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    if result.get("error"):
        raise RuntimeError(f"load generator: {result['error']}")
    return result


def pinning_possible(no_pin: bool) -> bool:
    """Whether servers and load generators can run on CPUs of their own here."""
    return not no_pin and shutil.which("taskset") is not None and len(os.sched_getaffinity(0)) >= 2


# -- the load generator (runs in its own process) --------------------------------------------


def loadgen_main(spec_json: str) -> int:
    """Entry point of ``--loadgen``: run one role, print one JSON line."""
    spec = json.loads(spec_json)
    role = spec["role"]
    try:
        if role == "produce":
            result = produce(spec)
        elif role == "consume":
            result = consume(spec)
        elif role == "consume-raw":
            result = consume_raw(spec)
        else:
            raise ValueError(f"unknown role {role!r}")
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result), flush=True)
    return 0


def produce(spec: dict[str, Any]) -> dict[str, Any]:
    """Produce ``messages`` values of ``size`` random bytes; time until all are acknowledged."""
    from confluent_kafka import Producer

    errors: list[str] = []

    def on_delivery(err: Any, _msg: Any) -> None:
        if err is not None:  # only errors are reported (delivery.report.only.error)
            errors.append(str(err))

    producer = Producer(
        {
            **PRODUCER_CONFIG,
            "bootstrap.servers": spec["bootstrap"],
            "acks": str(spec["acks"]),
            "on_delivery": on_delivery,
        }
    )
    topic, n, timeout_s = spec["topic"], spec["messages"], spec["timeout_s"]
    deadline = time.monotonic() + timeout_s
    metadata = producer.list_topics(topic, timeout=REQUEST_TIMEOUT_S)  # connect first
    found = metadata.topics.get(topic)
    if found is None or found.error is not None or len(found.partitions) != spec["partitions"]:
        raise RuntimeError(f"metadata for {topic}: {found.error if found else 'missing'}")
    value = os.urandom(spec["size"])
    send, poll = producer.produce, producer.poll
    cpu0 = own_cpu_seconds()
    start = time.perf_counter()
    queued = index = 0
    while queued < n:
        try:
            # Positional arguments: confluent-kafka parses keywords markedly slower. No key:
            # librdkafka's partitioner spreads the messages over the partitions.
            for index in range(queued, n):  # noqa: B007 (read in the except clause)
                send(topic, value)
            queued = n
        except BufferError:
            queued = index  # that message was not queued: retry it once there is room
            if time.monotonic() > deadline:
                raise TimeoutError("producer queue stayed full") from None
            poll(0.001)
    undelivered = producer.flush(max(0.0, deadline - time.monotonic()))
    elapsed = time.perf_counter() - start
    cpu = own_cpu_seconds() - cpu0
    if undelivered or errors:
        first = errors[0] if errors else "timeout"
        raise RuntimeError(f"{undelivered} undelivered, {len(errors)} failed ({first})")
    return {"messages": n, "bytes": n * spec["size"], "elapsed_s": elapsed, "cpu_s": cpu}


def consume(spec: dict[str, Any]) -> dict[str, Any]:
    """Read ``messages`` messages back with a confluent-kafka consumer (assign, no commits),
    counting messages and value bytes."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    from confluent_kafka import Message as KafkaMessage

    consumer = Consumer(
        {
            **CONSUMER_CONFIG,
            "bootstrap.servers": spec["bootstrap"],
            # confluent-kafka insists on a group id; nothing joins or commits with assign().
            "group.id": f"{CLIENT_ID}-{os.getpid()}",
        }
    )
    topic, n = spec["topic"], spec["messages"]
    deadline = time.monotonic() + spec["timeout_s"]
    take, error_of = consumer.consume, KafkaMessage.error
    got = nbytes = 0
    try:
        # Connect and load metadata before the clock starts, as the producer does: the first
        # connection otherwise costs librdkafka about half a second.
        metadata = consumer.list_topics(topic, timeout=REQUEST_TIMEOUT_S)
        found = metadata.topics.get(topic)
        if found is None or found.error is not None:
            raise RuntimeError(f"metadata for {topic}: {found.error if found else 'missing'}")
        cpu0 = own_cpu_seconds()
        start = time.perf_counter()
        consumer.assign(
            [TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(spec["partitions"])]
        )
        while got < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"read {got} of {n} messages")
            # Never ask for more than is left: consume() waits for the count or the timeout.
            batch = take(min(CONSUME_BATCH, n - got), 0.5)
            if any(map(error_of, batch)):  # C-level loops: no Python bytecode per message
                bad = [m.error() for m in batch if m.error() is not None]
                raise RuntimeError(f"consumer error: {bad[0]}")
            got += len(batch)
            nbytes += sum(map(len, batch))
        elapsed = time.perf_counter() - start
        cpu = own_cpu_seconds() - cpu0
    finally:
        consumer.close()
    return {"messages": got, "bytes": nbytes, "elapsed_s": elapsed, "cpu_s": cpu}


def consume_raw(spec: dict[str, Any]) -> dict[str, Any]:
    """Read ``messages`` messages back with Fetch v11 on ``protocol/``, counting records from
    the batch headers only (value bytes = records x size: every value has ``size`` bytes)."""
    from protocol.messages import FetchRequest, FetchResponse
    from protocol.records import iter_batches

    topic, n, partitions = spec["topic"], spec["messages"], spec["partitions"]
    host, _, port = spec["bootstrap"].rpartition(":")
    deadline = time.monotonic() + spec["timeout_s"]
    offsets = [0] * partitions
    got = 0
    Fetch = FetchRequest
    with WireClient(host, int(port), REQUEST_TIMEOUT_S) as client:
        cpu0 = own_cpu_seconds()
        start = time.perf_counter()
        while got < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"read {got} of {n} messages")
            request = Fetch(
                replica_id=-1,
                max_wait_ms=500,
                min_bytes=1,
                max_bytes=FETCH_MAX_BYTES,
                isolation_level=0,
                session_id=0,
                session_epoch=-1,
                topics=[
                    Fetch.FetchTopic(
                        topic=topic,
                        partitions=[
                            Fetch.FetchTopic.FetchPartition(
                                partition=p,
                                fetch_offset=offsets[p],
                                partition_max_bytes=PARTITION_FETCH_MAX_BYTES,
                            )
                            for p in range(partitions)
                        ],
                    )
                ],
            )
            response = client.call(1, 11, request)
            assert isinstance(response, FetchResponse)
            if response.error_code:
                raise RuntimeError(f"fetch error {response.error_code}")
            for topic_data in response.responses:
                for part in topic_data.partitions:
                    if part.error_code:
                        raise RuntimeError(f"fetch error {part.error_code}")
                    records = part.records
                    if not isinstance(records, bytes | bytearray | memoryview):
                        continue
                    for batch in iter_batches(records):
                        got += batch.records_count
                        offsets[part.partition_index] = batch.next_offset
        elapsed = time.perf_counter() - start
        cpu = own_cpu_seconds() - cpu0
    return {"messages": got, "bytes": got * spec["size"], "elapsed_s": elapsed, "cpu_s": cpu}


# -- results ---------------------------------------------------------------------------------


@dataclass
class Sample:
    """One run of one case."""

    messages: int
    nbytes: int
    elapsed_s: float
    server_cpu_s: float
    gen_cpu_s: float
    #: CPU time of everything else on the machine while the load generator ran (other
    #: processes, kernel writeback threads, a hypervisor's steal), and how long that was.
    other_cpu_s: float = 0.0
    wall_s: float = 1.0

    @property
    def mb_s(self) -> float:
        return self.nbytes / self.elapsed_s / MB

    @property
    def msgs_s(self) -> float:
        return self.messages / self.elapsed_s

    @property
    def cpu_s_per_gb(self) -> float:
        return self.server_cpu_s / (self.nbytes / GB)

    @property
    def server_busy(self) -> float:
        return self.server_cpu_s / self.elapsed_s

    @property
    def gen_busy(self) -> float:
        return self.gen_cpu_s / self.elapsed_s

    @property
    def other_busy(self) -> float:
        return max(0.0, self.other_cpu_s / self.wall_s)


@dataclass
class Case:
    """A row of the table: its runs, and why runs failed, if they did."""

    label: str
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median(self, metric: Callable[[Sample], float]) -> float | None:
        values = [metric(s) for s in self.samples]
        return statistics.median(values) if values else None

    def spread(self, metric: Callable[[Sample], float], fmt: str, scale: float = 1.0) -> str:
        """``median [min..max]`` of a metric, formatted with ``fmt``."""
        values = [metric(s) / scale for s in self.samples]
        if not values:
            return "-"
        med = statistics.median(values)
        if len(values) == 1:
            return format(med, fmt)
        return f"{med:{fmt}} [{min(values):{fmt}}..{max(values):{fmt}}]"


def size_label(size: int) -> str:
    """``100 B`` or ``1 KiB``."""
    return f"{size // KIB} KiB" if size % KIB == 0 else f"{size} B"


def acks_label(acks: int) -> str:
    """``acks=1`` or ``acks=all``."""
    return "acks=all" if acks == -1 else f"acks={acks}"


@dataclass
class Startup:
    """Start-up time and idle RSS of each broker start."""

    startup_s: list[float] = field(default_factory=list)
    rss_idle: list[int] = field(default_factory=list)
    rss_topic: list[int] = field(default_factory=list)


# -- the bench -------------------------------------------------------------------------------


@dataclass
class Bench:
    """One bench run: settings, children, and results."""

    root: Path
    children: Children
    runs: int
    partitions: int
    messages: dict[int, int]
    cases: dict[tuple[Any, ...], Case] = field(default_factory=dict)
    startup: Startup = field(default_factory=Startup)
    _names: Iterator[int] = field(default_factory=itertools.count)

    def case(self, key: tuple[Any, ...], label: str) -> Case:
        """The row for ``key`` (made on first use)."""
        if key not in self.cases:
            self.cases[key] = Case(label)
        return self.cases[key]

    def fresh_dir(self, name: str) -> Path:
        """A new, empty directory under the bench root."""
        path = self.root / f"{name}-{next(self._names)}"
        path.mkdir(parents=True)
        return path

    def spec(self, role: str, server: Server, size: int, **extra: Any) -> dict[str, Any]:
        """A load-generator spec for this server."""
        return {
            "role": role,
            "bootstrap": f"{HOST}:{server.port}",
            "topic": TOPIC,
            "partitions": self.partitions,
            "size": size,
            "messages": self.messages[size],
            "timeout_s": RUN_TIMEOUT_S - 30.0,
            **extra,
        }

    def measure(self, server: Server, spec: dict[str, Any]) -> Sample:
        """Run the load generator against a server: the server's CPU time around it, and
        the CPU time of everything else on the machine meanwhile."""
        cpu0 = cpu_seconds(server.pid)
        busy0, kids0, self0 = machine_busy_seconds(), children_cpu_seconds(), own_cpu_seconds()
        start = time.perf_counter()
        result = run_loadgen(self.children, spec)
        wall = time.perf_counter() - start
        server_cpu = cpu_seconds(server.pid) - cpu0
        ours = server_cpu + children_cpu_seconds() - kids0 + own_cpu_seconds() - self0
        other = machine_busy_seconds() - busy0 - ours
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited during the run\n{server.log_tail()}")
        return Sample(
            messages=int(result["messages"]),
            nbytes=int(result["bytes"]),
            elapsed_s=float(result["elapsed_s"]),
            server_cpu_s=server_cpu,
            gen_cpu_s=float(result["cpu_s"]),
            other_cpu_s=other,
            wall_s=wall,
        )

    def run_sink(self, size: int, acks: int) -> None:
        """One produce run against the sink."""
        case = self.case(
            ("produce", size, acks, "sink"),
            f"produce {size_label(size):>6} {acks_label(acks):8} sink",
        )
        directory = self.fresh_dir("sink")
        server = None
        try:
            server = start_server(
                self.children,
                "sink",
                directory,
                self.root,
                ["--topic", TOPIC, "--partitions", str(self.partitions)],
            )
            case.samples.append(self.measure(server, self.spec("produce", server, size, acks=acks)))
        except Exception as exc:
            case.failures.append(str(exc))
        finally:
            if server is not None:
                self.children.stop(server.proc)
            shutil.rmtree(directory, ignore_errors=True)

    def run_broker(self, size: int, acks: int, policy: str) -> None:
        """One produce run against a fresh broker (and the consume runs after it, for acks 1
        and policy ``none``); records start-up time and idle RSS too."""
        label = f"produce {size_label(size):>6} {acks_label(acks):8} {policy}"
        case = self.case(("produce", size, acks, policy), label)
        consume_cases = (
            [
                (self.case(("consume", size, role), f"consume {size_label(size):>6} {name}"), role)
                for role, name in (("consume", "confluent-kafka"), ("consume-raw", "raw Fetch"))
            ]
            if acks == 1 and policy == "none"
            else []
        )
        directory = self.fresh_dir(f"broker-{policy}")
        server = None
        try:
            server = start_server(
                self.children,
                "broker",
                directory,
                self.root,
                ["--set", f"log.flush.policy={policy}"],
            )
            self.startup.startup_s.append(server.startup_s)
            self.startup.rss_idle.append(rss_bytes(server.pid))
            create_topic(server.port, self.partitions)
            self.startup.rss_topic.append(rss_bytes(server.pid))
            case.samples.append(self.measure(server, self.spec("produce", server, size, acks=acks)))
            for consume_case, role in consume_cases:
                try:
                    consume_case.samples.append(self.measure(server, self.spec(role, server, size)))
                except Exception as exc:
                    consume_case.failures.append(str(exc))
        except Exception as exc:
            case.failures.append(str(exc))
        finally:
            if server is not None:
                self.children.stop(server.proc)
            shutil.rmtree(directory, ignore_errors=True)

    def run(self) -> None:
        """Every case, ``runs`` times, interleaved."""
        for run in range(self.runs):
            started = time.perf_counter()
            for size in SIZES:
                for acks in ACKS:
                    self.run_sink(size, acks)
                    for policy in POLICIES:
                        self.run_broker(size, acks, policy)
            print(
                f"# run {run + 1}/{self.runs} done in {time.perf_counter() - started:.0f} s",
                flush=True,
            )


def warm_up(root: Path, total: int) -> None:
    """Write ``total`` bytes, fsync and delete them: disk and page cache in steady state."""
    directory = root / "warmup"
    directory.mkdir(parents=True, exist_ok=True)
    chunk = os.urandom(4 * MIB)
    fd = os.open(directory / "warm.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        written = 0
        while written < total:
            written += os.write(fd, chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
        shutil.rmtree(directory, ignore_errors=True)


# -- report ----------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    """``met``, ``MISSED`` or ``n/a``."""
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def limit_of(case: Case) -> str:
    """What bounded a case: the load generator or the server (whichever kept its core busy
    at least ``BUSY`` of the time), or neither: waits (fsync, request round trips)."""
    gen = case.median(lambda s: s.gen_busy)
    srv = case.median(lambda s: s.server_busy)
    if gen is None or srv is None:
        return ""
    if gen >= BUSY and gen >= srv:
        return "generator"
    if srv >= BUSY:
        return "server"
    return "waits"


def report(bench: Bench) -> list[str]:
    """The table: one row per case, then start-up, RSS and the targets."""
    headers = [
        "case",
        "MB/s",
        "msgs/s (k)",
        "CPU s/GB",
        "srv CPU %",
        "gen CPU %",
        "other CPU %",
        "vs sink",
        "CPU/GB vs sink",
        "limit",
    ]
    rows: list[tuple[list[str], list[str]]] = []  # cells, failure lines
    order: list[tuple[Any, ...]] = []
    for size in SIZES:
        for acks in ACKS:
            order += [("produce", size, acks, p) for p in ("sink", *POLICIES)]
    order += [("consume", size, role) for size in SIZES for role in ("consume", "consume-raw")]
    for key in order:
        case = bench.cases.get(key)
        if case is None:
            continue
        ratio = cpu_ratio = ""
        if key[0] == "produce" and key[3] != "sink":
            sink = bench.cases.get(("produce", key[1], key[2], "sink"))
            if sink is not None:
                mine, theirs = case.median(lambda s: s.mb_s), sink.median(lambda s: s.mb_s)
                if mine is not None and theirs:
                    ratio = f"{mine / theirs:.2f}"
                mine = case.median(lambda s: s.cpu_s_per_gb)
                theirs = sink.median(lambda s: s.cpu_s_per_gb)
                if mine is not None and theirs:
                    cpu_ratio = f"{mine / theirs:.2f}x"
        cells = [
            case.label,
            case.spread(lambda s: s.mb_s, ".1f"),
            case.spread(lambda s: s.msgs_s, ".0f", 1000),
            case.spread(lambda s: s.cpu_s_per_gb, ".2f"),
            case.spread(lambda s: s.server_busy * 100, ".0f"),
            case.spread(lambda s: s.gen_busy * 100, ".0f"),
            case.spread(lambda s: s.other_busy * 100, ".0f"),
            ratio,
            cpu_ratio,
            limit_of(case),
        ]
        failures: list[str] = []
        for failure in case.failures:
            first, *rest = failure.splitlines() or [""]
            failures.append(f"    FAILED: {first}")
            failures.extend(f"      {line}" for line in rest)
        rows.append((cells, failures))
    widths = [max([len(h)] + [len(r[0][i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        last = len(cells) - 1
        return "  ".join(
            c.ljust(w) if i in (0, last) else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(headers), "-" * len(line(headers))]
    for cells, failures in rows:
        lines.append(line(cells))
        lines.extend(failures)
    st = bench.startup
    lines.append("")

    def spread(values: Sequence[float], fmt: str, unit: str) -> str:
        if not values:
            return "-"
        return (
            f"{statistics.median(values):{fmt}} {unit} "
            f"[{min(values):{fmt}}..{max(values):{fmt}}] over {len(values)} starts"
        )

    lines.append(
        f"{'broker start-up (spawn -> ApiVersions answered)':52} {spread(st.startup_s, '.2f', 's')}"
    )
    lines.append(
        f"{'broker idle RSS, no topic':52} {spread([r / MB for r in st.rss_idle], '.1f', 'MB')}"
    )
    lines.append(
        f"{f'broker idle RSS, one topic ({bench.partitions} partition(s))':52} "
        f"{spread([r / MB for r in st.rss_topic], '.1f', 'MB')}"
    )
    lines.append("")
    lines.extend(targets(bench))
    return lines


def targets(bench: Bench) -> list[str]:
    """The targets next to the figures, with met / MISSED."""
    rows: list[tuple[str, str, str, bool | None]] = []
    big = SIZES[-1]
    broker = bench.cases.get(("produce", big, 1, "none"))
    sink = bench.cases.get(("produce", big, 1, "sink"))
    ratio = None
    if broker is not None and sink is not None:
        mine, theirs = broker.median(lambda s: s.mb_s), sink.median(lambda s: s.mb_s)
        if mine is not None and theirs:
            ratio = mine / theirs
    rows.append(
        (
            f"produce {size_label(big)} acks=1 none / sink (MB/s)",
            f">= {TARGET_PRODUCE_RATIO:.2f}",
            "-" if ratio is None else f"{ratio:.2f}",
            None if ratio is None else ratio >= TARGET_PRODUCE_RATIO,
        )
    )
    for role, name in (("consume", "confluent-kafka"), ("consume-raw", "raw Fetch")):
        case = bench.cases.get(("consume", big, role))
        mb_s = case.median(lambda s: s.mb_s) if case is not None else None
        rows.append(
            (
                f"consume {size_label(big)} {name}",
                f">= {TARGET_CONSUME_MB_S:g} MB/s",
                "-" if mb_s is None else f"{mb_s:.1f} MB/s",
                None if mb_s is None else mb_s >= TARGET_CONSUME_MB_S,
            )
        )
    st = bench.startup
    startup = statistics.median(st.startup_s) if st.startup_s else None
    rows.append(
        (
            "broker start-up (median)",
            f"< {TARGET_STARTUP_S:g} s",
            "-" if startup is None else f"{startup:.2f} s",
            None if startup is None else startup < TARGET_STARTUP_S,
        )
    )
    for name, values in (("no topic", st.rss_idle), ("one topic", st.rss_topic)):
        rss = statistics.median(values) / MB if values else None
        rows.append(
            (
                f"broker idle RSS, {name} (median)",
                f"< {TARGET_RSS_MB:g} MB",
                "-" if rss is None else f"{rss:.1f} MB",
                None if rss is None else rss < TARGET_RSS_MB,
            )
        )
    lines = [f"{'target':52} {'goal':>14} {'measured':>12}  verdict", "-" * 88]
    lines += [f"{name:52} {goal:>14} {value:>12}  {verdict(ok)}" for name, goal, value, ok in rows]
    return lines


def describe(bench: Bench, pin: bool, warmup: int) -> list[str]:
    """The header: what ran, where, how."""
    try:
        import confluent_kafka

        client = (
            f"confluent-kafka {confluent_kafka.__version__} "
            f"(librdkafka {confluent_kafka.libversion()[0]})"
        )
    except ImportError:
        client = "confluent-kafka (not importable here)"
    counts = ", ".join(f"{bench.messages[s]:,} x {size_label(s)}" for s in SIZES)
    where = (
        f"server on CPU {SERVER_CPU}, load generator on CPU {LOADGEN_CPU} (taskset)"
        if pin
        else "not pinned (--no-pin, no taskset, or one CPU)"
    )
    return [
        f"# Samsa broker bench: {bench.runs} run(s) per case, median [min..max]; "
        f"{bench.partitions} partition(s); per produce run: {counts}",
        f"# Python {platform.python_version()}, {os.cpu_count()} CPUs; load generator: {client}; "
        f"{where}",
        f"# warm-up: {warmup // MIB} MiB written and synced in {bench.root}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "# MB = 10^6 bytes of message values; CPU s/GB = server CPU seconds per 10^9 value bytes; "
        "srv/gen/other CPU = busy share of one core",
    ]


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print the table; status 1 if a run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: < 30 s")
    parser.add_argument("--dir", type=Path, default=None, help="where data goes (default /tmp)")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 3)")
    parser.add_argument(
        "--messages",
        type=int,
        default=None,
        help="messages per produce run (default 3,000,000 x 100 B, 1,000,000 x 1 KiB)",
    )
    parser.add_argument("--partitions", type=int, default=1, help="topic partitions (default 1)")
    parser.add_argument("--warmup-mib", type=int, default=None, help="warm-up (default 2048)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument("--loadgen", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loadgen is not None:
        return loadgen_main(args.loadgen)

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # Import now what the start-up probe uses, so that no import lands in a timed window.
    import protocol.codec
    import protocol.messages  # noqa: F401

    quick = args.quick
    runs = args.runs or (1 if quick else 3)
    if args.messages is not None:
        messages = dict.fromkeys(SIZES, args.messages)
    else:
        messages = dict.fromkeys(SIZES, QUICK_MESSAGES) if quick else dict(DEFAULT_MESSAGES)
    warmup = (args.warmup_mib if args.warmup_mib is not None else (64 if quick else 2048)) * MIB
    pin = pinning_possible(args.no_pin)
    if pin:
        # This process only waits while a run is measured; keep it off the server's CPU too.
        os.sched_setaffinity(0, {LOADGEN_CPU})
    base = args.dir or Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="samsa-broker-bench-", dir=base))
    children = Children(pin)
    bench = Bench(root, children, runs, args.partitions, messages)
    try:
        for line in describe(bench, pin, warmup):
            print(line, flush=True)
        warm_up(root, warmup)
        bench.run()
    finally:
        children.kill_all()
        shutil.rmtree(root, ignore_errors=True)
    print(f"# load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    for line in report(bench):
        print(line)
    return 1 if any(c.failures for c in bench.cases.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
