"""This machine's limits: loopback TCP (iperf3, server and client on different CPUs) and
sequential file writes in the data directory: into the page cache without fdatasync, with an
fdatasync after every 1 MiB, and 4 KiB writes each followed by fdatasync (what fsync-per-write
brokers pay)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from typing import Final

from bench.broker_bench import free_port
from bench.common import GB, HOST, LOADGEN_CPU, MIB, SERVER_CPU, Env

NAME: Final = "limits"
TITLE: Final = "loopback and disk limits"

CHUNK: Final = MIB
SMALL_WRITE: Final = 4096
IPERF_START_TIMEOUT_S: Final = 10.0


def _iperf(env: Env, seconds: int) -> dict[str, float]:
    port = free_port()
    server = env.children.spawn(
        env.pinned(SERVER_CPU, ["iperf3", "-s", "-B", HOST, "-p", str(port)]),
        subprocess.DEVNULL,
        subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + IPERF_START_TIMEOUT_S
        while True:
            argv = ["iperf3", "-c", HOST, "-p", str(port), "-t", str(seconds), "-J"]
            done = subprocess.run(
                env.pinned(LOADGEN_CPU, argv), capture_output=True, text=True, timeout=seconds + 30
            )
            # A client that reached the server before it listened reports an error (in its
            # JSON, sometimes with status 0): try again until the deadline.
            report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
            received = report.get("end", {}).get("sum_received")
            if done.returncode == 0 and received and not report.get("error"):
                break
            if time.monotonic() > deadline:
                why = report.get("error") or done.stderr[-300:]
                raise RuntimeError(f"iperf3: {why}")
            time.sleep(0.1)
        bps = received["bits_per_second"]
        return {"gbit_s": bps / 1e9, "mb_s": bps / 8 / 1e6}
    finally:
        env.children.stop(server, 5.0)


def _write(env: Env, total: int, sync_every: int, size: int) -> dict[str, float]:
    directory = env.fresh_dir("disk")
    path = directory / "data.bin"
    block = os.urandom(size)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        written = 0
        start = time.perf_counter()
        since_sync = 0
        while written < total:
            written += os.write(fd, block)
            since_sync += size
            if sync_every and since_sync >= sync_every:
                os.fdatasync(fd)
                since_sync = 0
        elapsed = time.perf_counter() - start
    finally:
        os.close(fd)
        shutil.rmtree(directory, ignore_errors=True)
    return {"mb_s": written / elapsed / 1e6, "writes_s": (written / size) / elapsed}


def run(env: Env) -> None:
    total = 64 * MIB if env.quick else 1 * GB
    small_total = 2 * MIB if env.quick else 32 * MIB
    seconds = 1 if env.quick else 5
    cases = [
        ("disk write, page cache (no fdatasync)", lambda: _write(env, total, 0, CHUNK)),
        ("disk write, fdatasync every 1 MiB", lambda: _write(env, total, CHUNK, CHUNK)),
        (
            "disk write, 4 KiB + fdatasync each",
            lambda: _write(env, small_total, SMALL_WRITE, SMALL_WRITE),
        ),
    ]
    for _ in range(env.runs):
        if shutil.which("iperf3") is None:
            env.skip(NAME, "loopback TCP (iperf3)", "iperf3 is not installed (apt install iperf3)")
        else:
            case = env.case(NAME, "loopback TCP (iperf3)", seconds=seconds)
            env.attempt(case, lambda: _iperf(env, seconds))
        for name, body in cases:
            env.attempt(env.case(NAME, name), body)
