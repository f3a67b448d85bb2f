"""Storage benchmark: append and read throughput of ``broker.storage`` next to raw ``os.write``.

Measures, in one run:

* append throughput for 16 KiB and 1 MiB batches with flush policy ``none`` and ``group``
  (``group`` with several appenders in flight, each waiting for its fsync), next to a raw
  ``os.write`` loop of the same bytes on the same disk, and the ratio;
* p50/p99 latency of an append that waits for its group fsync, with 1 and 64 concurrent
  appenders;
* read throughput of a whole log served with ``os.sendfile`` into a socket pair drained by a
  thread.

The disk is warmed up first (``--warmup-bytes``, default 2 GiB written and deleted); each
case runs ``--runs`` times (default 3) and the table shows the median and the range.
``--quick`` shrinks everything to a smoke test of a few seconds.

    python bench/storage_bench.py [--quick] [--dir /tmp/somewhere]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from broker.storage import (
    FilePool,
    FileSlice,
    FlushPolicy,
    LogConfig,
    LogFlusher,
    PartitionLog,
    TopicPartition,
)
from protocol.records import RecordBatchBuilder

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
TP = TopicPartition("bench", 0)
#: Appenders in flight for the ``group`` throughput case: like a broker with several
#: producers (or pipelined produce requests) writing to one partition.
GROUP_THROUGHPUT_APPENDERS = 64
#: Bound on any single wait for durability in the benchmark.
DURABLE_TIMEOUT_S = 60.0


def make_batch(batch_bytes: int) -> bytearray:
    """A v2 batch of about ``batch_bytes`` (records of 1 KiB, or 16 KiB for big batches)."""
    record = 1 * KIB if batch_bytes < MIB else 16 * KIB
    builder = RecordBatchBuilder()
    payload = os.urandom(record - 32)
    for _ in range(max(1, batch_bytes // record)):
        builder.append(payload, key=b"key", timestamp_ms=1_700_000_000_000)
    return bytearray(builder.build())


def open_log(directory: Path, pool: FilePool) -> PartitionLog:
    return PartitionLog.open(
        directory, TP, LogConfig(), pool=pool, now_ms=0, clean=True
    )


def fresh(root: Path, name: str) -> Path:
    path = root / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# -- cases --------------------------------------------------------------------------------------


def raw_write(root: Path, batch_bytes: int, total: int, sync_every: int = 0) -> float:
    """Bytes/s of a plain os.write loop of ``total`` bytes in ``batch_bytes`` writes.

    With ``sync_every`` it calls ``fdatasync`` after that many writes: the best a group commit
    of that many appenders can do on this disk.
    """
    directory = fresh(root, "raw")
    data = make_batch(batch_bytes)
    n = max(1, total // len(data))
    fd = os.open(directory / "raw.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        start = time.perf_counter()
        for i in range(1, n + 1):
            os.write(fd, data)
            if sync_every and i % sync_every == 0:
                os.fdatasync(fd)
        if sync_every:
            os.fdatasync(fd)
        elapsed = time.perf_counter() - start
    finally:
        os.close(fd)
        shutil.rmtree(directory, ignore_errors=True)
    return n * len(data) / elapsed


def append_none(root: Path, batch_bytes: int, total: int) -> float:
    """Bytes/s of ``append_as_leader`` with no fsync on the append path (policy ``none``)."""
    directory = fresh(root, "none")
    pool = FilePool()
    log = open_log(directory, pool)
    data = make_batch(batch_bytes)
    n = max(1, total // len(data))
    start = time.perf_counter()
    for _ in range(n):
        log.append_as_leader(data, leader_epoch=0, now_ms=0)
    elapsed = time.perf_counter() - start
    log.close()
    shutil.rmtree(directory, ignore_errors=True)
    return n * len(data) / elapsed


async def _group(
    root: Path, batch_bytes: int, total: int, appenders: int, latencies: list[float] | None
) -> float:
    directory = fresh(root, "group")
    pool = FilePool()
    log = open_log(directory, pool)
    flusher = LogFlusher(FlushPolicy.GROUP)
    flusher.attach(log)
    await flusher.start()
    templates = [make_batch(batch_bytes) for _ in range(appenders)]
    size = len(templates[0])
    per_appender = max(1, total // size // appenders)

    async def appender(data: bytearray) -> None:
        for _ in range(per_appender):
            t0 = time.perf_counter()
            info = log.append_as_leader(data, leader_epoch=0, now_ms=0)
            await flusher.wait_durable(log, info.next_offset, timeout_s=DURABLE_TIMEOUT_S)
            if latencies is not None:
                latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    await asyncio.gather(*(appender(t) for t in templates))
    elapsed = time.perf_counter() - start
    await flusher.stop()
    log.close()
    shutil.rmtree(directory, ignore_errors=True)
    return per_appender * appenders * size / elapsed


def append_group(root: Path, batch_bytes: int, total: int) -> float:
    """Bytes/s with policy ``group``: appenders wait for their fsync, sharing passes."""
    return asyncio.run(_group(root, batch_bytes, total, GROUP_THROUGHPUT_APPENDERS, None))


def group_latency(root: Path, batch_bytes: int, appends: int, appenders: int) -> list[float]:
    """Latencies (s) of appends that wait for their group fsync."""
    latencies: list[float] = []
    asyncio.run(_group(root, batch_bytes, appends * batch_bytes, appenders, latencies))
    return latencies


def build_read_log(root: Path, total: int) -> Path:
    directory = fresh(root, "read")
    pool = FilePool()
    log = open_log(directory, pool)
    data = make_batch(MIB)
    for _ in range(max(1, total // len(data))):
        log.append_as_leader(data, leader_epoch=0, now_ms=0)
    log.close()
    return directory


def read_sendfile(directory: Path, fetch_bytes: int) -> float:
    """Bytes/s of reading the whole log with ``log.read`` + ``os.sendfile`` to a socket."""
    pool = FilePool()
    log = open_log(directory, pool)
    sender, receiver = socket.socketpair()
    received = 0

    def drain() -> None:
        nonlocal received
        buf = bytearray(4 * MIB)
        while True:
            n = receiver.recv_into(buf)
            if n == 0:
                return
            received += n

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    sent = 0
    offset = log.log_start_offset
    out = sender.fileno()
    start = time.perf_counter()
    while offset < log.log_end_offset:
        with log.read(offset, fetch_bytes) as piece:
            position, remaining = piece.position, piece.length
            while remaining:
                n = os.sendfile(out, piece.fd, position, remaining)
                position += n
                remaining -= n
            sent += piece.length
            # Next fetch offset: the batch after the slice's last one.
            offset = _next_offset_after(piece)
    sender.shutdown(socket.SHUT_WR)
    thread.join(60)
    elapsed = time.perf_counter() - start
    sender.close()
    receiver.close()
    log.close()
    assert received == sent, (received, sent)
    return sent / elapsed


def _next_offset_after(piece: FileSlice) -> int:
    from broker.storage.scan import iter_headers

    last = None
    for _pos, header in iter_headers(piece.fd, piece.position, piece.position + piece.length):
        last = header
    assert last is not None
    return int(last.base_offset + last.last_offset_delta + 1)


def warm_up(root: Path, total: int) -> None:
    """Write (and delete) ``total`` bytes so that the disk and page cache reach steady state."""
    directory = fresh(root, "warmup")
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


# -- reporting ----------------------------------------------------------------------------------


def repeat(runs: int, fn: Callable[[], float]) -> list[float]:
    return [fn() for _ in range(runs)]


def fmt_rate(values: list[float]) -> str:
    med = statistics.median(values)
    return f"{med / MIB:9.1f} MiB/s  [{min(values) / MIB:.0f}..{max(values) / MIB:.0f}]"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default /tmp)")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 3)")
    parser.add_argument("--total-mib", type=int, default=None, help="bytes per append run")
    parser.add_argument("--read-mib", type=int, default=None, help="size of the read log")
    parser.add_argument("--warmup-mib", type=int, default=None, help="warm-up bytes")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = args.runs or (1 if quick else 3)
    total = (args.total_mib or (8 if quick else 1024)) * MIB
    read_total = (args.read_mib or (16 if quick else 1024)) * MIB
    warmup = (args.warmup_mib or (8 if quick else 2048)) * MIB
    latency_appends = 20 if quick else 2000
    root = Path(tempfile.mkdtemp(prefix="samsa-bench-", dir=args.dir or "/tmp"))
    rows: list[tuple[str, str, str]] = []
    try:
        print(f"# storage bench in {root} (runs={runs}, {total // MIB} MiB per append run)")
        warm_up(root, warmup)
        for batch_bytes, label in ((16 * KIB, "16 KiB"), (MIB, "1 MiB")):
            raw = repeat(runs, functools.partial(raw_write, root, batch_bytes, total))
            none = repeat(runs, functools.partial(append_none, root, batch_bytes, total))
            group = repeat(runs, functools.partial(append_group, root, batch_bytes, total))
            raw_sync = repeat(runs, functools.partial(
                raw_write, root, batch_bytes, total, GROUP_THROUGHPUT_APPENDERS))
            base = statistics.median(raw)
            rows.append((f"raw os.write, {label}", fmt_rate(raw), "1.00"))
            rows.append((
                f"raw os.write + fdatasync every {GROUP_THROUGHPUT_APPENDERS}, {label}",
                fmt_rate(raw_sync), f"{statistics.median(raw_sync) / base:.2f}"))
            rows.append((f"append none, {label}", fmt_rate(none),
                         f"{statistics.median(none) / base:.2f}"))
            rows.append((f"append group x{GROUP_THROUGHPUT_APPENDERS}, {label}",
                         fmt_rate(group), f"{statistics.median(group) / base:.2f} "
                         f"({statistics.median(group) / statistics.median(raw_sync):.2f} of "
                         "raw + fdatasync)"))
        for appenders in (1, 64):
            samples: list[float] = []
            p50s, p99s = [], []
            for _ in range(runs):
                lat = group_latency(root, 16 * KIB, latency_appends, appenders)
                samples.extend(lat)
                p50s.append(percentile(lat, 50))
                p99s.append(percentile(lat, 99))
            rows.append((
                f"group fsync latency, {appenders} appender(s), 16 KiB",
                f"p50 {statistics.median(p50s) * 1e3:6.2f} ms [{min(p50s) * 1e3:.2f}.."
                f"{max(p50s) * 1e3:.2f}]",
                f"p99 {statistics.median(p99s) * 1e3:.2f} ms [{min(p99s) * 1e3:.2f}.."
                f"{max(p99s) * 1e3:.2f}]",
            ))
        read_dir = build_read_log(root, read_total)
        reads = repeat(runs, lambda: read_sendfile(read_dir, MIB))
        rows.append((f"read sendfile, {read_total // MIB} MiB log, 1 MiB fetches",
                     fmt_rate(reads), ""))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'median [range]':<36}  ratio vs raw / p99")
    print("-" * (width + 60))
    for name, value, extra in rows:
        print(f"{name:<{width}}  {value:<36}  {extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
