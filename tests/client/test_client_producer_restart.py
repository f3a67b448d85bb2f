"""Idempotence under failure: the broker restarts (same data dir, same port) while a send loop
runs; afterwards every partition holds each record exactly once, in send order."""

from __future__ import annotations

import asyncio
from pathlib import Path

from support.client_helpers import read_topic
from support.waiting import eventually

from broker import Broker
from broker.config import load_config
from client import Producer

RECORDS = 30_000
PARTITIONS = 2
RESTART_AFTER = (8_000, 18_000)  # acknowledged records before each restart


def _broker(data: Path, port: int) -> Broker:
    return Broker(
        load_config(
            None,
            {
                "listeners": f"PLAINTEXT://127.0.0.1:{port}",
                "log.dirs": str(data),
                "num.partitions": PARTITIONS,
                "log.flush.policy": "none",
                "http.listeners": "127.0.0.1:0",
            },
        )
    )


async def test_order_and_no_duplicates_across_broker_restarts(tmp_path: Path) -> None:
    broker = _broker(tmp_path, 0)
    await broker.start()
    port = broker.port
    acked = 0
    progress = asyncio.Event()
    restarts = 0

    def on_done(future: object) -> None:
        nonlocal acked
        acked += 1
        progress.set()

    async def restarter() -> None:
        nonlocal broker, restarts
        for threshold in RESTART_AFTER:
            while acked < threshold:
                progress.clear()
                await progress.wait()
            await broker.stop()
            broker = _broker(tmp_path, port)
            await broker.start()
            restarts += 1

    producer = Producer(
        bootstrap_servers=f"127.0.0.1:{port}",
        linger_ms=1,
        batch_size=4096,
        buffer_memory=128 * 1024,  # the loop cannot run far ahead of the broker
        request_timeout_ms=3_000,
        retry_backoff_ms=20,
        retry_backoff_max_ms=200,
        reconnect_backoff_ms=20,
        reconnect_backoff_max_ms=200,
        delivery_timeout_ms=60_000,
        max_block_ms=60_000,
    )
    task = asyncio.create_task(restarter())
    try:
        await producer.start()
        futures = []
        for i in range(RECORDS):
            future = await producer.send("restart", b"%08d" % i, partition=i % PARTITIONS)
            future.add_done_callback(on_done)
            futures.append(future)
        await producer.flush()
        await asyncio.wait_for(task, 60)
        assert restarts == len(RESTART_AFTER)
        errors = [f.exception() for f in futures if f.exception() is not None]
        assert not errors, errors[:3]
    finally:
        task.cancel()
        await producer.close()
    try:
        records = await read_topic(f"127.0.0.1:{port}", "restart", RECORDS, timeout_s=60)
        for p in range(PARTITIONS):
            values = [
                int(r.value) for r in sorted(records, key=lambda r: r.offset) if r.partition == p
            ]
            assert values == list(range(p, RECORDS, PARTITIONS)), f"partition {p}"
    finally:
        await broker.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _start_process(data: Path, port: int) -> asyncio.subprocess.Process:
    """``samsa broker start`` (durable flush policy: acknowledged means fsynced)."""
    import sys

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from broker.cli import main; main()",
        "broker",
        "start",
        "--data-dir",
        str(data),
        "--port",
        str(port),
        "--set",
        f"num.partitions={PARTITIONS}",
        "--set",
        "http.listeners=127.0.0.1:0",
        "--log-level",
        "warning",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )

    async def listening() -> bool:
        assert process.returncode is None, "the broker process exited"
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        return True

    await eventually(listening, 30, "the broker process to listen", retry_on=(OSError,))
    return process


async def test_kill_9_of_the_broker_process_during_a_send_loop(tmp_path: Path) -> None:
    port = _free_port()
    process = await _start_process(tmp_path, port)
    records = 20_000
    acked = 0
    progress = asyncio.Event()

    def on_done(future: object) -> None:
        nonlocal acked
        acked += 1
        progress.set()

    async def killer() -> None:
        nonlocal process
        for threshold in (5_000, 12_000):
            while acked < threshold:
                progress.clear()
                await progress.wait()
            process.kill()
            await process.wait()
            process = await _start_process(tmp_path, port)

    producer = Producer(
        bootstrap_servers=f"127.0.0.1:{port}",
        linger_ms=1,
        batch_size=4096,
        buffer_memory=128 * 1024,
        request_timeout_ms=3_000,
        retry_backoff_ms=20,
        retry_backoff_max_ms=200,
        reconnect_backoff_ms=20,
        reconnect_backoff_max_ms=200,
        delivery_timeout_ms=90_000,
        max_block_ms=90_000,
    )
    task = asyncio.create_task(killer())
    try:
        await producer.start()
        futures = []
        for i in range(records):
            future = await producer.send("killed", b"%08d" % i, partition=i % PARTITIONS)
            future.add_done_callback(on_done)
            futures.append(future)
        await producer.flush()
        await asyncio.wait_for(task, 90)
        errors = [f.exception() for f in futures if f.exception() is not None]
        assert not errors, errors[:3]
        await producer.close()
        got = await read_topic(f"127.0.0.1:{port}", "killed", records, timeout_s=60)
        for p in range(PARTITIONS):
            values = [int(r.value) for r in sorted(got, key=lambda r: r.offset) if r.partition == p]
            assert values == list(range(p, records, PARTITIONS)), f"partition {p}"
    finally:
        task.cancel()
        await producer.close(timeout_ms=0)
        if process.returncode is None:
            process.kill()
            await process.wait()
