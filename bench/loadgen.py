"""The harness's load generator: ``python -m bench.loadgen SPEC_JSON`` runs one role in its own
process (pinned by the harness to the load-generator CPU) and prints one JSON line: messages,
bytes, elapsed seconds and its own CPU seconds, plus role-specific figures.

Roles:

* ``produce``, ``consume``, ``consume-raw``: confluent-kafka (librdkafka) producer and consumer
  and a raw Fetch loop, as in ``broker_bench.py`` (imported, not copied);
* ``samsa-produce``: Samsa's own asyncio client as the producer;
* ``latency``: a paced confluent-kafka producer, and a consumer in a second process
  (``latency-consumer``); end-to-end latency of every message from its scheduled send time (so
  a stall counts against every message it delays) into an HDR histogram;
* ``nats-produce``: a pipelined JetStream publisher on the NATS text protocol (batched writes,
  a window of unacknowledged messages, acknowledgements counted as they arrive), the same
  shape of load librdkafka puts on a Kafka broker;
* ``rabbit-produce``: the ``rstream`` client publishing to a RabbitMQ stream with confirms;
* ``rebalance``: three confluent-kafka consumers in one group; how long it takes until all
  three hold their share after the third joins.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from typing import Any, Final

KIB: Final = 1024
MIB: Final = 1024 * KIB
#: Most unacknowledged bytes a NATS or RabbitMQ publisher keeps in flight (librdkafka keeps
#: up to 5 requests of up to 1 MiB each in flight per connection: the same order).
WINDOW_BYTES: Final = 8 * MIB
#: Messages a window holds at least, however large they are.
WINDOW_MIN_MESSAGES: Final = 256
#: Bytes the NATS publisher writes per call.
NATS_WRITE_BYTES: Final = 256 * KIB
#: Messages per rstream ``send_batch`` call.
RABBIT_BATCH: Final = 500
#: Latency is recorded from this far into a run (connections, first fetches settle).
LATENCY_WARMUP_S: Final = 0.5
#: Most time the latency consumer waits for the last messages after the producer stopped.
LATENCY_DRAIN_S: Final = 10.0
#: Highest latency the HDR histogram tracks, microseconds.
LATENCY_MAX_US: Final = 60_000_000
#: Most the rebalance role waits for a group to settle.
REBALANCE_TIMEOUT_S: Final = 60.0


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- Samsa's client ---------------------------------------------------------------------------


async def _samsa_produce(spec: dict[str, Any]) -> dict[str, Any]:
    from client import Producer

    n, size, topic = spec["messages"], spec["size"], spec["topic"]
    value = os.urandom(size)
    async with Producer(
        bootstrap_servers=spec["bootstrap"],
        acks=spec["acks"],
        linger_ms=5,
        batch_size=MIB,
        enable_idempotence=False,
        buffer_memory=256 * MIB,
    ) as producer:
        await producer.partitions_for(topic)
        cpu0 = cpu_s()
        start = time.perf_counter()
        send = producer.send
        for _ in range(n):
            await send(topic, value)
        await producer.flush()
        elapsed = time.perf_counter() - start
    return {"messages": n, "bytes": n * size, "elapsed_s": elapsed, "cpu_s": cpu_s() - cpu0}


# -- end-to-end latency -----------------------------------------------------------------------


def latency(spec: dict[str, Any]) -> dict[str, Any]:
    """Produce ``rate`` messages/s of ``size`` bytes for ``duration_s`` (paced: each message
    carries its scheduled send time, CLOCK_MONOTONIC, which every process on the machine
    shares); a consumer in a second process (on the same CPU) times each from that schedule."""
    import subprocess

    from confluent_kafka import Producer

    topic, size, rate = spec["topic"], spec["size"], spec["rate"]
    total = int(rate * spec["duration_s"])
    consumer = subprocess.Popen(
        [sys.executable, "-m", "bench.loadgen", json.dumps({**spec, "role": "latency-consumer"})],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert consumer.stdout is not None
        ready = consumer.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"latency consumer did not start: {ready!r}")
        producer = Producer(
            {
                "bootstrap.servers": spec["bootstrap"],
                "acks": "1",
                "linger.ms": 0,
                "enable.idempotence": False,
                "socket.nagle.disable": True,
                "compression.type": "none",
            }
        )
        producer.list_topics(topic, timeout=30)
        filler = os.urandom(size - 16)
        clock, sleep = time.monotonic_ns, time.sleep
        interval = 1_000_000_000 / rate
        cpu0 = cpu_s()
        start = clock() + 1_000_000  # the first message is due 1 ms from now
        sent = 0
        while sent < total:
            now = clock()
            due = min(total, int((now - start) / interval) + 1) if now >= start else 0
            while sent < due:
                scheduled = start + int(sent * interval)
                value = scheduled.to_bytes(8, "big") + sent.to_bytes(8, "big") + filler
                try:
                    producer.produce(topic, value, partition=0)
                except BufferError:
                    producer.poll(0.001)
                    continue
                sent += 1
            producer.poll(0)
            wait_ns = start + int(sent * interval) - clock()
            if wait_ns > 0:
                sleep(wait_ns / 1e9)
        if producer.flush(30):
            raise RuntimeError("producer: messages not delivered")
        cpu = cpu_s() - cpu0
        out, _ = consumer.communicate(timeout=LATENCY_DRAIN_S + 30)
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.wait(10)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    if result.get("error"):
        raise RuntimeError(f"latency consumer: {result['error']}")
    result["cpu_s"] = float(result["cpu_s"]) + cpu
    return result


def latency_consumer(spec: dict[str, Any]) -> dict[str, Any]:
    """The consuming half of ``latency``: says ``ready`` once assigned, then reads every
    message and records its latency (microseconds) into an HDR histogram."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    from hdrh.histogram import HdrHistogram

    topic, size, rate = spec["topic"], spec["size"], spec["rate"]
    total = int(rate * spec["duration_s"])
    warm = int(rate * LATENCY_WARMUP_S)
    consumer = Consumer(
        {
            "bootstrap.servers": spec["bootstrap"],
            "group.id": f"bench-latency-{os.getpid()}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 100,
            "fetch.min.bytes": 1,
            "socket.nagle.disable": True,
        }
    )
    consumer.list_topics(topic, timeout=30)
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    consumer.poll(0.2)  # the first fetch is out before the producer starts
    print("ready", flush=True)
    histogram = HdrHistogram(1, LATENCY_MAX_US, 3)
    clock = time.monotonic_ns
    got = 0
    cpu0 = cpu_s()
    start = time.perf_counter()
    deadline = time.monotonic() + spec["duration_s"] + LATENCY_DRAIN_S
    while got < total:
        if time.monotonic() > deadline:
            raise TimeoutError(f"received {got} of {total} messages")
        # poll() returns with the first message; then drain what has arrived with it.
        first = consumer.poll(0.1)
        if first is None:
            continue
        for msg in [first, *consumer.consume(1000, 0)]:
            now = clock()
            if msg.error() is not None:
                raise RuntimeError(f"consumer error: {msg.error()}")
            value = msg.value() or b""
            if int.from_bytes(value[8:16], "big") >= warm:
                histogram.record_value(max(1, (now - int.from_bytes(value[:8], "big")) // 1000))
            got += 1
    elapsed = time.perf_counter() - start
    cpu = cpu_s() - cpu0
    consumer.close()
    return {
        "messages": total,
        "bytes": total * size,
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "rate": rate,
        "p50_ms": histogram.get_value_at_percentile(50) / 1000,
        "p99_ms": histogram.get_value_at_percentile(99) / 1000,
        "p999_ms": histogram.get_value_at_percentile(99.9) / 1000,
        "max_ms": histogram.get_max_value() / 1000,
        "recorded": histogram.get_total_count(),
    }


# -- NATS JetStream ---------------------------------------------------------------------------


class _NatsReader:
    """Parses what a NATS server sends: counts MSG frames per subject, answers PING."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.buf = bytearray()
        self.acks = 0
        self.errors: list[str] = []
        self.replies: list[bytes] = []
        self.pongs = 0

    def feed(self, data: bytes) -> None:
        self.buf += data
        buf, pos = self.buf, 0
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                break
            if buf.startswith(b"MSG ", pos):
                parts = bytes(buf[pos:end]).split()
                length = int(parts[-1])
                if len(buf) < end + 2 + length + 2:
                    break
                payload = bytes(buf[end + 2 : end + 2 + length])
                if parts[1] == b"_BENCH.a":
                    self.acks += 1
                    if b'"error"' in payload:
                        self.errors.append(payload.decode(errors="replace"))
                else:
                    self.replies.append(payload)
                pos = end + 2 + length + 2
                continue
            line = bytes(buf[pos:end])
            pos = end + 2
            if line == b"PING":
                self.writer.write(b"PONG\r\n")
            elif line == b"PONG":
                self.pongs += 1
            elif line.startswith(b"-ERR"):
                self.errors.append(line.decode(errors="replace"))
        del buf[:pos]


async def _nats_produce(spec: dict[str, Any]) -> dict[str, Any]:
    host, _, port = spec["url"].rpartition(":")
    n, size, stream = spec["messages"], spec["size"], spec["stream"]
    reader, writer = await asyncio.open_connection(host, int(port), limit=4 * MIB)
    await reader.readline()  # INFO
    parser = _NatsReader(writer)
    config = json.dumps(
        {"name": stream, "subjects": [stream], "storage": "file", "num_replicas": 1}
    ).encode()
    writer.write(
        b'CONNECT {"verbose":false,"pedantic":false,"headers":false}\r\n'
        b"SUB _BENCH.> 1\r\n"
        + f"PUB $JS.API.STREAM.CREATE.{stream} _BENCH.c {len(config)}\r\n".encode()
        + config
        + b"\r\nPING\r\n"
    )
    deadline = time.monotonic() + 30
    while not parser.replies:
        if time.monotonic() > deadline:
            raise TimeoutError("no answer to STREAM.CREATE")
        parser.feed(await asyncio.wait_for(reader.read(MIB), 30))
    if b'"error"' in parser.replies[0]:
        raise RuntimeError(f"stream create: {parser.replies[0]!r}")
    if parser.errors:
        raise RuntimeError(parser.errors[0])
    frame = f"PUB {stream} _BENCH.a {size}\r\n".encode() + os.urandom(size) + b"\r\n"
    per_write = max(1, NATS_WRITE_BYTES // len(frame))
    chunk = frame * per_write
    window = max(WINDOW_MIN_MESSAGES, WINDOW_BYTES // size)
    more = asyncio.Event()

    async def read_acks() -> None:
        while parser.acks < n:
            data = await reader.read(MIB)
            if not data:
                raise ConnectionError("server closed the connection")
            parser.feed(data)
            if parser.errors:
                raise RuntimeError(parser.errors[0])
            more.set()

    cpu0 = cpu_s()
    start = time.perf_counter()
    acks = asyncio.create_task(read_acks())
    sent = 0
    timeout_s = spec["timeout_s"]
    while sent < n:
        while sent - parser.acks >= window:
            more.clear()
            await asyncio.wait_for(more.wait(), timeout_s)
            if acks.done():
                acks.result()
        count = min(per_write, n - sent)
        writer.write(chunk if count == per_write else frame * count)
        sent += count
        await writer.drain()
    await asyncio.wait_for(acks, timeout_s)
    elapsed = time.perf_counter() - start
    cpu = cpu_s() - cpu0
    writer.close()
    return {"messages": n, "bytes": n * size, "elapsed_s": elapsed, "cpu_s": cpu}


# -- RabbitMQ streams -------------------------------------------------------------------------


async def _rabbit_produce(spec: dict[str, Any]) -> dict[str, Any]:
    from rstream import Producer

    n, size, stream = spec["messages"], spec["size"], spec["stream"]
    confirmed = 0
    failed: list[str] = []
    more = asyncio.Event()

    def on_confirm(status: Any) -> None:
        nonlocal confirmed
        confirmed += 1
        if not status.is_confirmed:
            failed.append(f"not confirmed: {status}")
        more.set()

    value = os.urandom(size)
    window = max(WINDOW_MIN_MESSAGES, WINDOW_BYTES // size)
    async with Producer(spec["host"], spec["port"], username="guest", password="guest") as producer:
        await producer.create_stream(stream, exists_ok=True)
        batch = [value] * RABBIT_BATCH
        cpu0 = cpu_s()
        start = time.perf_counter()
        sent = 0
        while sent < n:
            while sent - confirmed >= window:
                more.clear()
                await asyncio.wait_for(more.wait(), spec["timeout_s"])
            count = min(RABBIT_BATCH, n - sent)
            await producer.send_batch(
                stream,
                batch if count == RABBIT_BATCH else batch[:count],
                on_publish_confirm=on_confirm,
            )
            sent += count
        deadline = time.monotonic() + spec["timeout_s"]
        while confirmed < n:
            more.clear()
            await asyncio.wait_for(more.wait(), max(0.0, deadline - time.monotonic()))
        elapsed = time.perf_counter() - start
        cpu = cpu_s() - cpu0
        if failed:
            raise RuntimeError(failed[0])
        await producer.delete_stream(stream)
    return {"messages": n, "bytes": n * size, "elapsed_s": elapsed, "cpu_s": cpu}


# -- group rebalance --------------------------------------------------------------------------


def rebalance(spec: dict[str, Any]) -> dict[str, Any]:
    """Two consumers settle in a group; a third joins: seconds from its ``subscribe`` until
    each of the three holds its share of the partitions."""
    from confluent_kafka import Consumer

    topic, partitions = spec["topic"], spec["partitions"]
    group = f"bench-rebalance-{os.getpid()}"
    owned: list[set[int]] = [set(), set(), set()]
    assigned_at = [0.0, 0.0, 0.0]

    def make(index: int) -> Any:
        consumer = Consumer(
            {
                "bootstrap.servers": spec["bootstrap"],
                "group.id": group,
                "enable.auto.commit": False,
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": spec["heartbeat_ms"],
                "partition.assignment.strategy": "range",
            }
        )

        def on_assign(_c: Any, tps: list[Any]) -> None:
            owned[index] = {tp.partition for tp in tps}
            assigned_at[index] = time.perf_counter()

        def on_revoke(_c: Any, _tps: list[Any]) -> None:
            owned[index] = set()

        consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        return consumer

    def settle(consumers: list[Any], share: int, since: float) -> float:
        deadline = time.monotonic() + REBALANCE_TIMEOUT_S
        while True:
            for consumer in consumers:
                consumer.poll(0.001)
            done = all(
                len(owned[i]) == share and assigned_at[i] >= since for i in range(len(consumers))
            )
            if done:
                return max(assigned_at[: len(consumers)])
            if time.monotonic() > deadline:
                raise TimeoutError(f"group did not settle: {owned}")

    cpu0 = cpu_s()
    first = [make(0), make(1)]
    settle(first, partitions // 2, 0.0)
    start = time.perf_counter()
    consumers = [*first, make(2)]
    end = settle(consumers, partitions // 3, start)
    for consumer in consumers:
        consumer.close()
    return {
        "messages": 0,
        "bytes": 0,
        "elapsed_s": end - start,
        "cpu_s": cpu_s() - cpu0,
        "seconds": end - start,
    }


# -- entry point ------------------------------------------------------------------------------


def run(spec: dict[str, Any]) -> dict[str, Any]:
    role = spec["role"]
    if role in ("produce", "consume", "consume-raw"):
        from bench import broker_bench

        fn = {
            "produce": broker_bench.produce,
            "consume": broker_bench.consume,
            "consume-raw": broker_bench.consume_raw,
        }[role]
        return fn(spec)
    if role == "samsa-produce":
        return asyncio.run(_samsa_produce(spec))
    if role == "latency":
        return latency(spec)
    if role == "latency-consumer":
        return latency_consumer(spec)
    if role == "nats-produce":
        return asyncio.run(_nats_produce(spec))
    if role == "rabbit-produce":
        return asyncio.run(_rabbit_produce(spec))
    if role == "rebalance":
        return rebalance(spec)
    raise ValueError(f"unknown role {role!r}")


def main() -> int:
    spec = json.loads(sys.argv[1])
    try:
        result = run(spec)
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
