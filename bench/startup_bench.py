"""Start-up and recovery after ``kill -9``, for one source tree or several (A/B, interleaved).

Figures per tree, medians of ``--runs`` (the range in brackets), wall clock and the broker's
CPU seconds (steadier on a busy machine):

* **start-up**: an empty data directory, from spawning ``samsa broker start`` to the first
  answered ApiVersions;
* **recovery**: a data directory left by a crash with ``--gib`` GiB in ``--partitions``
  partitions of one topic (``log.flush.policy=none``), each partition's last segment ending in
  a torn batch: from spawning the broker to the first answered ApiVersions, and to a
  ListOffsets giving back every record written (which recovers the logs it names);
* **first produces** (the same crash, another start): once the broker answers, one Produce of
  one record (acks 1) to each partition in turn, which recovers it, while another connection
  asks ApiVersions every 5 ms: seconds until the last produce is answered, and the longest of
  those round trips (what a recovery on the event loop would add to every other client's
  requests).

The crash is made once per invocation, quickly: a broker creates the topic and stops, then a
child process writes 1 MiB batches of 16 KiB records through ``broker.storage`` directly (the
broker's own append path, no network), writes the checkpoints once ``--covered`` of the data
is flushed (0: the recovery points cover nothing, the worst case), appends half a batch to
every partition and exits without closing anything. Before every measured start the
directory is put back into that state (checkpoints, torn tails, no clean-shutdown marker) and
its last ``--dirty-gib`` GiB are rewritten in place, so that they are not yet written back to
disk, as right after a large write. The rest stays in the page cache: this measures the
broker's work, not a cold disk.

Brokers keep their bytecode in a cache of the run (``PYTHONPYCACHEPREFIX``), as an installed
broker has its ``.pyc`` files; ``--no-bytecode-cache`` compiles every module at every start.

    python bench/startup_bench.py [--dir /tmp] [--runs 3] [--gib 10] [--partitions 4]
                                  [--covered 0] [--dirty-gib 2] [--tree PATH ...]
                                  [--no-empty] [--no-recovery] [--no-produce]
                                  [--no-bytecode-cache]

``--tree`` (repeatable) names source trees to compare (default: this one), run alternately
(ABBA...). Run it on a quiet machine: check ``uptime`` first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.broker_bench import HOST, WireClient, cpu_seconds, free_port, probe  # noqa: E402
from bench.common import GIB, create_topic_named, log_end_offsets  # noqa: E402
from protocol.errors import ProtocolError  # noqa: E402

TOPIC: Final = "startup"
RECORD_BYTES: Final = 16 * 1024
#: Records per batch: batches just under max.message.bytes (1 MiB), as a producer with a
#: large batch.size sends 16 KiB records.
RECORDS_PER_BATCH: Final = 63
#: Most a start (empty or recovering) may take before the run counts as failed.
START_TIMEOUT_S: Final = 300.0
#: Time between two connection attempts while the broker starts (also its liveness check).
POLL_INTERVAL_S: Final = 0.002
#: A probe's own timeout: a started broker answers ApiVersions in milliseconds.
PROBE_TIMEOUT_S: Final = 5.0
#: A clean stop (topic creation) must finish within this.
STOP_TIMEOUT_S: Final = 60.0
#: How often the other connection asks ApiVersions while the first produces recover.
PING_INTERVAL_S: Final = 0.005
#: Read-and-rewrite step that makes data dirty in the page cache again before a run.
REDIRTY_CHUNK_BYTES: Final = 8 * 1024 * 1024
#: Default data not yet written back at the crash: below the kernel's default background
#: writeback threshold (10 % of memory) on the machines this runs on, which a producer at full
#: speed keeps reaching.
DEFAULT_DIRTY_GIB: Final = 2.0


def _broker_argv(data: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from broker.cli import main; main()",
        "broker",
        "start",
        "--data-dir",
        str(data),
        "--log-level",
        "warning",
        "--set",
        "http.listeners=127.0.0.1:0",
        "--set",
        "log.flush.policy=none",
        "--host",
        HOST,
        "--port",
        str(port),
    ]


#: Where spawned brokers keep their bytecode (``PYTHONPYCACHEPREFIX``), as an installed broker
#: has its ``.pyc`` files; None: every start compiles every module (``--no-bytecode-cache``).
_pycache: Path | None = None


def _spawn(tree: Path, data: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    if _pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_pycache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            _broker_argv(data, port),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tree,
            env=env,
        )


def _wait_answering(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            probe(port, PROBE_TIMEOUT_S)
            return
        except (OSError, ProtocolError):
            pass
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace").splitlines()[-10:]
            raise RuntimeError(f"broker exited ({proc.returncode}):\n" + "\n".join(tail))
        if time.monotonic() > deadline:
            raise TimeoutError("the broker did not answer ApiVersions")
        time.sleep(POLL_INTERVAL_S)


def _wait_offsets(port: int, partitions: int, expected: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            got = log_end_offsets(port, TOPIC, partitions, timeout_s=START_TIMEOUT_S)
            if got == expected:
                return
        except (OSError, RuntimeError, ProtocolError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the end offsets did not come back")
        time.sleep(POLL_INTERVAL_S)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(STOP_TIMEOUT_S)


def measure_empty(tree: Path, root: Path) -> tuple[float, float]:
    """(wall, broker CPU) seconds from spawn to the first answered ApiVersions, empty data
    directory."""
    data = Path(tempfile.mkdtemp(prefix="empty-", dir=root))
    port = free_port()
    start = time.perf_counter()
    proc = _spawn(tree, data, port, root / "empty.log")
    try:
        _wait_answering(proc, port, root / "empty.log")
        return time.perf_counter() - start, cpu_seconds(proc.pid)
    finally:
        _kill(proc)
        shutil.rmtree(data, ignore_errors=True)


def measure_recovery(
    tree: Path, crash: Crash, root: Path, partitions: int, dirty_bytes: int
) -> dict[str, float]:
    """Seconds to the first answered ApiVersions and to every end offset back after the
    crash (wall clock, and the broker's CPU)."""
    crash.restore(dirty_bytes)
    port = free_port()
    log_path = root / "recovery.log"
    start = time.perf_counter()
    proc = _spawn(tree, crash.data, port, log_path)
    try:
        _wait_answering(proc, port, log_path)
        found = {"api": time.perf_counter() - start, "api cpu": cpu_seconds(proc.pid)}
        _wait_offsets(port, partitions, crash.records)
        found["ready"] = time.perf_counter() - start
        found["ready cpu"] = cpu_seconds(proc.pid)
        return found
    finally:
        _kill(proc)


def measure_first_produces(
    tree: Path, crash: Crash, root: Path, partitions: int, dirty_bytes: int
) -> dict[str, float]:
    """After the crash, once the broker answers: seconds until one Produce to each partition
    in turn was answered, and the longest ApiVersions round trip another connection saw
    meanwhile."""
    from protocol.messages import ApiVersionsRequest, ProduceRequest, ProduceResponse
    from protocol.records import RecordBatchBuilder

    crash.restore(dirty_bytes)
    port = free_port()
    log_path = root / "produce.log"
    proc = _spawn(tree, crash.data, port, log_path)
    try:
        _wait_answering(proc, port, log_path)
        round_trips: list[float] = []
        done = threading.Event()

        def ping() -> None:
            with WireClient(HOST, port, START_TIMEOUT_S) as client:
                while not done.is_set():
                    sent = time.perf_counter()
                    client.call(18, 0, ApiVersionsRequest())
                    round_trips.append(time.perf_counter() - sent)
                    done.wait(PING_INTERVAL_S)

        pinger = threading.Thread(target=ping, daemon=True)
        pinger.start()
        builder = RecordBatchBuilder()
        builder.append(b"after the crash", timestamp_ms=int(time.time() * 1000))
        records = builder.build()
        data = ProduceRequest.TopicProduceData.PartitionProduceData
        start = time.perf_counter()
        with WireClient(HOST, port, START_TIMEOUT_S) as client:
            for p in range(partitions):
                request = ProduceRequest(
                    transactional_id=None,
                    acks=1,
                    timeout_ms=int(START_TIMEOUT_S * 1000),
                    topic_data=[
                        ProduceRequest.TopicProduceData(
                            name=TOPIC, partition_data=[data(index=p, records=records)]
                        )
                    ],
                )
                response = client.call(0, 8, request)
                assert isinstance(response, ProduceResponse)
                code = response.responses[0].partition_responses[0].error_code
                if code != 0:
                    raise RuntimeError(f"Produce to partition {p}: error {code}")
        found = {"produced": time.perf_counter() - start}
        done.set()
        pinger.join(START_TIMEOUT_S)
        if not round_trips:
            raise RuntimeError("the other connection got no ApiVersions answered")
        found["ping max"] = max(round_trips)
        return found
    finally:
        _kill(proc)


# -- the crash ----------------------------------------------------------------------------------


class Crash:
    """A data directory as a kill -9 left it, and how to put it back into that state."""

    def __init__(self, data: Path, records: int) -> None:
        self.data = data
        self.records = records
        self.saved = data.parent / (data.name + ".saved")
        # Per partition directory: its files then, and the last segment's size before the tail.
        self.listing: dict[Path, set[str]] = {}
        self.tails: list[tuple[Path, int, bytes]] = []

    def save(self, tails: list[tuple[Path, int, bytes]]) -> None:
        self.tails = tails
        self.saved.mkdir()
        for f in self.data.iterdir():
            if f.is_file() and f.name.endswith("-checkpoint"):
                shutil.copy2(f, self.saved / f.name)
        for path, _, _ in tails:
            self.listing[path.parent] = set(os.listdir(path.parent))
            for f in path.parent.iterdir():
                if f.name.endswith("-checkpoint"):
                    shutil.copy2(f, self.saved / f"{path.parent.name}.{f.name}")

    def restore(self, dirty_bytes: int) -> None:
        """Back to the crash: checkpoints, files, torn tails; and the last ``dirty_bytes`` of
        the data rewritten in place (not yet written back, as right after a large write)."""
        for saved in self.saved.iterdir():
            part, _, name = saved.name.rpartition(".")
            shutil.copy2(saved, self.data / part / name if part else self.data / name)
        (self.data / ".kafka_cleanshutdown").unlink(missing_ok=True)
        for directory, names in self.listing.items():
            for name in set(os.listdir(directory)) - names:
                (directory / name).unlink()
        for path, size, torn in self.tails:
            with open(path, "r+b") as segment:
                segment.truncate(size)
                segment.seek(size)
                segment.write(torn)
            _redirty(path.parent, dirty_bytes // len(self.tails))


def _redirty(directory: Path, length: int) -> None:
    """Rewrite the last ``length`` bytes of a partition's segments with what they hold."""
    for path in sorted(directory.glob("*.log"), reverse=True):
        if length <= 0:
            return
        fd = os.open(path, os.O_RDWR)
        try:
            end = os.fstat(fd).st_size
            start = max(0, end - length)
            length -= end - start
            while start < end:
                chunk = os.pread(fd, min(REDIRTY_CHUNK_BYTES, end - start), start)
                os.pwrite(fd, chunk, start)
                start += len(chunk)
        finally:
            os.close(fd)


def make_crash(root: Path, gib: float, partitions: int, covered: float) -> Crash:
    data = root / "crash"
    port = free_port()
    log_path = root / "crash.log"
    proc = _spawn(REPO, data, port, log_path)
    try:
        _wait_answering(proc, port, log_path)
        create_topic_named(port, TOPIC, partitions)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(STOP_TIMEOUT_S)
    argv = [sys.executable, str(Path(__file__).resolve()), "--generate", str(data)]
    argv += ["--gib", str(gib), "--partitions", str(partitions), "--covered", str(covered)]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO))
    )
    if done.returncode != 0:
        raise RuntimeError(f"the data generator failed:\n{done.stderr}")
    out = done.stdout.split()
    records = int(out[0])
    tails = [
        (Path(out[i]), int(out[i + 1]), bytes.fromhex(out[i + 2])) for i in range(1, len(out), 3)
    ]
    crash = Crash(data, records)
    crash.save(tails)
    return crash


def generate(data: Path, gib: float, partitions: int, covered: float) -> None:
    """The child that writes the data and dies (prints records, then path size tail-hex)."""
    from broker.storage.config import FlushPolicy
    from broker.storage.manager import LogManager
    from protocol.records import RecordBatchBuilder
    from protocol.types import TopicPartition

    now_ms = int(time.time() * 1000)
    builder = RecordBatchBuilder()
    value = os.urandom(RECORD_BYTES)
    for _ in range(RECORDS_PER_BATCH):
        builder.append(value, timestamp_ms=now_ms)
    batch = builder.build()
    manager = LogManager([data], flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=now_ms)
    logs = [
        manager.get_or_create_log(TopicPartition(TOPIC, p), now_ms=now_ms)
        for p in range(partitions)
    ]
    per_partition = int(gib * GIB) // partitions
    written = 0
    checkpointed = covered <= 0
    records = 0
    for log in logs:
        assert log is not None
        while log.size_in_bytes < per_partition:
            log.append_as_leader(bytearray(batch), leader_epoch=0, now_ms=now_ms)
            written += len(batch)
            records += RECORDS_PER_BATCH
            if not checkpointed and written >= covered * gib * GIB:
                for flushed in logs:
                    assert flushed is not None
                    flushed.flush()
                manager.checkpoint()
                checkpointed = True
    out = [str(records)]
    for log in logs:
        assert log is not None
        seg = log.active_segment
        torn = batch[: len(batch) // 2]
        out += [str(seg.file.path), str(seg.size), torn.hex()]
        with open(seg.file.path, "ab") as f:
            f.write(torn)
    print(" ".join(out), flush=True)
    os._exit(0)  # as kill -9: nothing closed, no checkpoint, no clean-shutdown marker


# -- the table ----------------------------------------------------------------------------------


def _fmt(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} s [{min(values):.3f}..{max(values):.3f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="where data goes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gib", type=float, default=10.0)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--covered", type=float, default=0.0, help="checkpointed fraction")
    parser.add_argument("--tree", type=Path, action="append", default=[])
    parser.add_argument(
        "--dirty-gib",
        type=float,
        default=DEFAULT_DIRTY_GIB,
        help="data not yet written back to disk at the crash",
    )
    parser.add_argument("--no-empty", action="store_true")
    parser.add_argument("--no-recovery", action="store_true")
    parser.add_argument("--no-produce", action="store_true", help="skip the first produces")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module at every start (as with PYTHONDONTWRITEBYTECODE=1)",
    )
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate is not None:
        generate(args.generate, args.gib, args.partitions, args.covered)
        return 0
    trees = [t.resolve() for t in args.tree] or [REPO]
    root = Path(tempfile.mkdtemp(prefix="startup-bench-", dir=args.dir))
    samples: dict[tuple[Path, str], list[float]] = {}
    global _pycache
    _pycache = None if args.no_bytecode_cache else root / "pycache"
    try:
        for tree in trees:  # warm-up: bytecode written, files in the page cache
            measure_empty(tree, root)
        crash = None
        if not args.no_recovery:
            start = time.perf_counter()
            crash = make_crash(root, args.gib, args.partitions, args.covered)
            took = time.perf_counter() - start
            print(f"# crash of {args.gib:g} GiB in {root} made in {took:.1f} s", flush=True)
        for run in range(args.runs):
            order = trees if run % 2 == 0 else list(reversed(trees))
            for tree in order:
                found: dict[str, float] = {}
                if not args.no_empty:
                    found["empty"], found["empty cpu"] = measure_empty(tree, root)
                if crash is not None:
                    dirty = int(args.dirty_gib * GIB)
                    found.update(measure_recovery(tree, crash, root, args.partitions, dirty))
                    if not args.no_produce:
                        found.update(
                            measure_first_produces(tree, crash, root, args.partitions, dirty)
                        )
                for metric, value in found.items():
                    samples.setdefault((tree, metric), []).append(value)
                shown = ", ".join(f"{k} {v:.3f}" for k, v in found.items())
                print(f"# run {run + 1}: {tree}: {shown}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    cache = "no bytecode cache" if args.no_bytecode_cache else "bytecode cached"
    print(
        f"# medians of {args.runs} runs [range], {cache}; data in {args.dir}, "
        f"{args.dirty_gib:g} GiB of it dirty at each crash"
    )
    headers = {
        "empty": "start-up, empty",
        "empty cpu": "  its CPU",
        "api": f"kill -9, {args.gib:g} GiB: first answer",
        "api cpu": "  its CPU",
        "ready": "  end offsets back",
        "ready cpu": "  its CPU",
        "produced": "  first Produce to each partition",
        "ping max": "  another connection's longest wait",
    }
    for tree in trees:
        print(tree)
        for metric, header in headers.items():
            if (tree, metric) in samples:
                print(f"  {header:36} {_fmt(samples[tree, metric])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
