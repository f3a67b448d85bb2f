"""Client throughput: Samsa's client next to aiokafka, kafka-python and confluent-kafka.

    python bench/client_bench.py [--quick] [--runs N] [--sizes 100,1024]

One Samsa broker (``samsa broker start --set log.flush.policy=none``, a subprocess on a free
port, data in a temporary directory) serves every client. For each record size:

* **producer**: each client sends N records to its own fresh 3-partition topic and flushes;
  messages/s and MB/s (of values) from the first send to the end of the flush. Settings are
  aligned: acks=all, linger.ms=5, batch.size=16384, no compression, idempotence as each client
  defaults (on for Samsa and kafka-python, off for aiokafka and confluent-kafka).
* **consumer**: each client reads the same N records (written once by Samsa's producer) from
  the beginning of all three partitions by assignment (no group), touching every value.

Every measurement runs in a fresh worker process (pinned to its own CPU when there are two or
more, the broker to another), ``--runs`` times; the table shows the median and ``[min..max]``.
Targets (issue "Python client"): Samsa's producer >= 1.5 x aiokafka and >= 1.5 x kafka-python
messages/s; Samsa's consumer >= aiokafka.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parent.parent
CLIENTS: Final = ("samsa", "aiokafka", "kafka-python", "confluent-kafka")
PARTITIONS: Final = 3
#: Records per measurement (full, quick) for 100-byte values; larger values use fewer, so
#: that every run moves a similar volume.
RECORDS_FULL: Final = 300_000
RECORDS_QUICK: Final = 20_000
#: Most a worker run may take before it is killed (a client that hangs must not hang us).
WORKER_TIMEOUT_S: Final = 300.0
BROKER_START_TIMEOUT_S: Final = 30.0
BROKER_STOP_TIMEOUT_S: Final = 15.0
#: A worker polls for at most this long without a record before it gives up.
IDLE_LIMIT_S: Final = 30.0

# -- the workers (run in a subprocess each) ---------------------------------------------------


def _payload(size: int) -> bytes:
    return (os.urandom(size // 2 + 1).hex().encode())[:size]


async def _samsa_produce(bootstrap: str, topic: str, n: int, size: int) -> float:
    from client import Producer

    value = _payload(size)
    async with Producer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, batch_size=16_384
    ) as producer:
        await producer.partitions_for(topic)
        start = time.perf_counter()
        for _ in range(n):
            await producer.send(topic, value)
        await producer.flush()
        return time.perf_counter() - start


async def _aiokafka_produce(bootstrap: str, topic: str, n: int, size: int) -> float:
    from aiokafka import AIOKafkaProducer

    value = _payload(size)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=16_384
    )
    await producer.start()
    try:
        await producer.partitions_for(topic)
        start = time.perf_counter()
        for _ in range(n):
            await producer.send(topic, value)
        await producer.flush()
        return time.perf_counter() - start
    finally:
        await producer.stop()


def _kafka_python_produce(bootstrap: str, topic: str, n: int, size: int) -> float:
    from kafka import KafkaProducer

    value = _payload(size)
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, batch_size=16_384
    )
    try:
        producer.partitions_for(topic)
        start = time.perf_counter()
        for _ in range(n):
            producer.send(topic, value)
        producer.flush()
        return time.perf_counter() - start
    finally:
        producer.close()


def _confluent_produce(bootstrap: str, topic: str, n: int, size: int) -> float:
    import confluent_kafka

    value = _payload(size)
    producer = confluent_kafka.Producer(
        {"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "batch.size": 16_384}
    )
    producer.list_topics(topic, timeout=10)
    start = time.perf_counter()
    for i in range(n):
        while True:
            try:
                producer.produce(topic, value)
                break
            except BufferError:
                producer.poll(0.005)
        if i % 1000 == 0:
            producer.poll(0)
    remaining = producer.flush(120)
    elapsed = time.perf_counter() - start
    if remaining:
        raise RuntimeError(f"{remaining} records not delivered")
    return elapsed


async def _samsa_consume(bootstrap: str, topic: str, n: int) -> float:
    from client import Consumer, TopicPartition

    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as consumer:
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        got = 0
        start = time.perf_counter()
        idle = time.perf_counter()
        while got < n:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    _ = record.value
                got += len(records)
            if batch:
                idle = time.perf_counter()
            elif time.perf_counter() - idle > IDLE_LIMIT_S:
                raise RuntimeError(f"samsa consumed {got} of {n}")
        return time.perf_counter() - start


async def _aiokafka_consume(bootstrap: str, topic: str, n: int) -> float:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        await consumer.seek_to_beginning()
        got = 0
        start = time.perf_counter()
        idle = time.perf_counter()
        while got < n:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    _ = record.value
                got += len(records)
            if batch:
                idle = time.perf_counter()
            elif time.perf_counter() - idle > IDLE_LIMIT_S:
                raise RuntimeError(f"aiokafka consumed {got} of {n}")
        return time.perf_counter() - start
    finally:
        await consumer.stop()


def _kafka_python_consume(bootstrap: str, topic: str, n: int) -> float:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        consumer.seek_to_beginning()
        got = 0
        start = time.perf_counter()
        idle = time.perf_counter()
        while got < n:
            batch = consumer.poll(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    _ = record.value
                got += len(records)
            if batch:
                idle = time.perf_counter()
            elif time.perf_counter() - idle > IDLE_LIMIT_S:
                raise RuntimeError(f"kafka-python consumed {got} of {n}")
        return time.perf_counter() - start
    finally:
        consumer.close()


def _confluent_consume(bootstrap: str, topic: str, n: int) -> float:
    import confluent_kafka

    consumer = confluent_kafka.Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "client-bench", "enable.auto.commit": False}
    )
    try:
        consumer.assign(
            [
                confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
                for p in range(PARTITIONS)
            ]
        )
        got = 0
        start = time.perf_counter()
        idle = time.perf_counter()
        while got < n:
            messages = consumer.consume(num_messages=1000, timeout=1.0)
            for message in messages:
                if message.error() is None:
                    _ = message.value()
                    got += 1
            if messages:
                idle = time.perf_counter()
            elif time.perf_counter() - idle > IDLE_LIMIT_S:
                raise RuntimeError(f"confluent-kafka consumed {got} of {n}")
        return time.perf_counter() - start
    finally:
        consumer.close()


def run_worker(spec: dict[str, Any]) -> float:
    """One measurement; returns seconds."""
    client, role = spec["client"], spec["role"]
    bootstrap, topic, n = spec["bootstrap"], spec["topic"], spec["records"]
    if role == "produce":
        size = spec["size"]
        if client == "samsa":
            return asyncio.run(_samsa_produce(bootstrap, topic, n, size))
        if client == "aiokafka":
            return asyncio.run(_aiokafka_produce(bootstrap, topic, n, size))
        if client == "kafka-python":
            return _kafka_python_produce(bootstrap, topic, n, size)
        return _confluent_produce(bootstrap, topic, n, size)
    if client == "samsa":
        return asyncio.run(_samsa_consume(bootstrap, topic, n))
    if client == "aiokafka":
        return asyncio.run(_aiokafka_consume(bootstrap, topic, n))
    if client == "kafka-python":
        return _kafka_python_consume(bootstrap, topic, n)
    return _confluent_consume(bootstrap, topic, n)


# -- the driver -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pin(cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", str(cpu)]


def _cpus() -> tuple[int | None, int | None]:
    """(broker CPU, worker CPU) when there are at least two, else no pinning."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) >= 2:
        return available[0], available[1]
    return None, None


@contextlib.contextmanager
def broker(data_dir: Path, cpu: int | None) -> Iterator[str]:
    """A Samsa broker subprocess; yields its bootstrap address."""
    port = free_port()
    argv = [
        *_pin(cpu),
        sys.executable,
        "-c",
        "from broker.cli import main; main()",
        "broker",
        "start",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--set",
        "log.flush.policy=none",
        "--set",
        f"num.partitions={PARTITIONS}",
        "--set",
        "http.listeners=127.0.0.1:0",
    ]
    log = open(data_dir.parent / "broker.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        argv, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_env()
    )
    try:
        deadline = time.monotonic() + BROKER_START_TIMEOUT_S
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the broker did not start (see broker.log)") from None
                time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(BROKER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def measure(spec: dict[str, Any], cpu: int | None) -> float:
    """Run one worker process; its seconds."""
    argv = [*_pin(cpu), sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    done = subprocess.run(
        argv,
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{spec['client']} {spec['role']} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def create_topics(bootstrap: str, names: list[str]) -> None:
    from client.sync import Admin

    with Admin(bootstrap_servers=bootstrap) as admin:
        for name in names:
            admin.create_topic(name, PARTITIONS, if_not_exists=True)


def fmt_rate(values: list[float]) -> str:
    mid = statistics.median(values)
    if len(values) == 1:
        return f"{mid:,.0f}"
    return f"{mid:,.0f} [{min(values):,.0f}..{max(values):,.0f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few records, one run")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 3)")
    parser.add_argument("--sizes", default="100,1024", help="value sizes in bytes")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(run_worker(json.loads(args.worker)))
        return
    runs = args.runs or (1 if args.quick else 3)
    sizes = [int(s) for s in args.sizes.split(",")]
    clients = [c for c in args.clients.split(",") if c]
    base = RECORDS_QUICK if args.quick else RECORDS_FULL
    broker_cpu, worker_cpu = _cpus()
    root = Path(tempfile.mkdtemp(prefix="samsa-client-bench-"))
    rows: list[tuple[str, str, int, list[float], list[float]]] = []
    try:
        (root / "data").mkdir()
        with broker(root / "data", broker_cpu) as bootstrap:
            for size in sizes:
                n = base if size <= 100 else max(1000, base // 4)
                source = f"bench-source-{size}"
                create_topics(bootstrap, [source])
                spec = {
                    "client": "samsa",
                    "role": "produce",
                    "bootstrap": bootstrap,
                    "topic": source,
                    "records": n,
                    "size": size,
                }
                measure(spec, worker_cpu)  # the records every consumer reads
                for client in clients:
                    produce: list[float] = []
                    for run in range(runs):
                        topic = f"bench-{client}-{size}-{run}"
                        create_topics(bootstrap, [topic])
                        spec = {
                            "client": client,
                            "role": "produce",
                            "bootstrap": bootstrap,
                            "topic": topic,
                            "records": n,
                            "size": size,
                        }
                        produce.append(n / measure(spec, worker_cpu))
                    consume: list[float] = []
                    for _ in range(runs):
                        spec = {
                            "client": client,
                            "role": "consume",
                            "bootstrap": bootstrap,
                            "topic": source,
                            "records": n,
                        }
                        consume.append(n / measure(spec, worker_cpu))
                    rows.append((client, "", size, produce, consume))
                    print(
                        f"  {client:<16} {size:>5} B  produce {fmt_rate(produce)} msg/s  "
                        f"consume {fmt_rate(consume)} msg/s",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_table(rows, runs, broker_cpu is not None)


def print_table(
    rows: list[tuple[str, str, int, list[float], list[float]]], runs: int, pinned: bool
) -> None:
    """The results as a Markdown table, with the targets checked."""
    print()
    print(
        f"Median of {runs} run(s) [min..max]; messages/s and MB/s of values"
        f"{'; broker and client pinned to separate CPUs' if pinned else ''}."
    )
    print()
    print("| client | size | produce msg/s | produce MB/s | consume msg/s | consume MB/s |")
    print("|---|---:|---:|---:|---:|---:|")
    by: dict[tuple[str, int], tuple[float, float]] = {}
    for client, _, size, produce, consume in rows:
        p, c = statistics.median(produce), statistics.median(consume)
        by[(client, size)] = (p, c)
        print(
            f"| {client} | {size} B | {fmt_rate(produce)} | {p * size / 1e6:.1f} | "
            f"{fmt_rate(consume)} | {c * size / 1e6:.1f} |"
        )
    print()
    for size in sorted({s for _, s in by}):
        ours = by.get(("samsa", size))
        if ours is None:
            continue
        checks = []
        for other, factor, index, what in (
            ("aiokafka", 1.5, 0, "producer"),
            ("kafka-python", 1.5, 0, "producer"),
            ("aiokafka", 1.0, 1, "consumer"),
        ):
            theirs = by.get((other, size))
            if theirs is None:
                continue
            ratio = ours[index] / theirs[index]
            verdict = "met" if ratio >= factor else "MISSED"
            checks.append(f"{what} {ratio:.2f} x {other} (target >= {factor}: {verdict})")
        if checks:
            print(f"{size} B: " + "; ".join(checks))


if __name__ == "__main__":
    main()
