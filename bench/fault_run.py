"""Fault run: a cluster of separate broker processes under random faults, with a checker.

Not part of CI. For ``--minutes`` (10 by default) a fault is injected every ``--interval-s``
seconds (10) on a broker picked at random (``--seed``; printed), and healed at the next step:

* ``kill``: SIGKILL, restarted (same data directory) at the next step;
* ``pause``: SIGSTOP, SIGCONT at the next step (longer than ``broker.session.timeout.ms``, so
  the controller fences it and its partitions move);
* ``partition``: the broker is cut off from the other brokers while clients still reach it.
  With root (and ``ip`` and ``iptables``; ``--network namespaces``, the default then) every
  broker runs in a network namespace of its own (``bench/netns.py``) and the kernel drops
  every packet between the cut broker and the others: Raft, heartbeats and replica fetches
  in both directions. Otherwise (``--network proxies``) every connection goes through a TCP
  proxy: one in
  front of each broker's client port (clients and replica fetchers use it: it is the advertised
  address) and one per ordered pair of brokers on the controller ports (each broker's
  ``--voters`` names the proxies meant for it). A cut blackholes every proxy leading to the
  broker and every controller proxy leading from it: bytes are dropped silently and
  connections stay open; new connections are accepted and never answered. Healing closes the
  connections that were cut (their streams lost bytes) and lets new ones through. What a proxy
  cannot cut: the broker's own replica fetches to the others' client ports.

Meanwhile a confluent-kafka producer (``acks=all``, idempotent, ``--rate`` records/s) writes
numbered records round-robin over the partitions of a topic with replication factor 3 and
``min.insync.replicas=2``, and a confluent-kafka group consumer reads them. After the last
fault everything is healed, the run waits for every broker to be back in every ISR, the
producer flushes, and a fresh consumer drains every partition to its high watermark. The
checker counts, over the drained log:

* **lost**: acknowledged records missing;
* **duplicated**: extra copies of a record (acknowledged or not);
* **reordered**: records found below a larger number earlier in the same partition;
* **never seen**: records sent but neither acknowledged nor present (their outcome unknown to
  the producer, or a failed delivery: not an error, reported for context).

Run::

    python bench/fault_run.py --minutes 10 --out fault_run.json

It prints a one-screen summary (and writes it as JSON to ``--out``), and exits 1 if any
acknowledged record was lost, or any record duplicated or reordered. Broker output stays in
the data directory (``--data-dir``, or a temporary one kept with ``--keep``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

if __package__ in (None, ""):  # run as ``python bench/fault_run.py``: the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.netns import NamespaceNetwork

#: Bytes a proxy copies per read (bounds its memory per connection).
PROXY_CHUNK_BYTES: Final = 256 * 1024
#: How long the run waits for the cluster at start-up and after healing.
READY_TIMEOUT_S: Final = 120.0
#: How long the final drain may take.
DRAIN_TIMEOUT_S: Final = 300.0
#: How long the producer may take to flush at the end.
FLUSH_TIMEOUT_S: Final = 180.0
#: How long a broker may take to stop cleanly at the end.
STOP_TIMEOUT_S: Final = 30.0
#: Records the producer may hold unacknowledged (librdkafka's queue bound).
PRODUCER_QUEUE_RECORDS: Final = 100_000
#: The message printed by a broker once the controller unfenced it (broker.metadata.quorum).
UNFENCED_MESSAGE: Final = "broker %d is registered and unfenced"

#: Broker settings: failover within a few seconds, and tolerant enough of a loaded machine
#: (the brokers, the proxies and the clients share it).
BROKER_SETTINGS: Final[Mapping[str, str]] = {
    "broker.session.timeout.ms": "4000",
    "broker.heartbeat.interval.ms": "400",
    "controller.quorum.election.timeout.ms": "1000",
    "replica.lag.time.max.ms": "4000",
    "replica.fetch.wait.max.ms": "100",
    "replica.fetch.backoff.ms": "100",
    "replica.socket.timeout.ms": "3000",
    "leader.imbalance.check.interval.seconds": "5",
    "controlled.shutdown.timeout.ms": "10000",
    "offsets.topic.replication.factor": "3",
    "offsets.topic.num.partitions": "1",
    "group.initial.rebalance.delay.ms": "0",
    "log.cleaner.enable": "false",
}

#: Client settings: a stopped or cut-off broker keeps connections open; librdkafka gives up on
#: its requests there (and moves to the new leader) after socket.timeout.ms.
CLIENT_SETTINGS: Final[Mapping[str, Any]] = {
    "socket.timeout.ms": 4000,
    "topic.metadata.refresh.interval.ms": 1000,
    "retry.backoff.ms": 100,
    "reconnect.backoff.max.ms": 1000,
}


# -- proxies ------------------------------------------------------------------------------------


class _Link:
    """One proxied connection (both sockets)."""

    def __init__(self, a: asyncio.StreamWriter, b: asyncio.StreamWriter | None) -> None:
        self.writers = [a] if b is None else [a, b]
        self.cut = False

    def close(self) -> None:
        for w in self.writers:
            with contextlib.suppress(Exception):
                w.close()


class Proxy:
    """A TCP proxy to ``target_port`` that can blackhole its traffic."""

    def __init__(self, listen_port: int, target_port: int) -> None:
        self.listen_port = listen_port
        self.target_port = target_port
        self.blackholed = False
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.listen_port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            link.close()

    def cut(self) -> None:
        """Drop every byte from now on; open connections stay open and hear nothing."""
        self.blackholed = True
        for link in self._links:
            link.cut = True

    def heal(self) -> None:
        """Close the connections that were cut; new connections pass again."""
        self.blackholed = False
        for link in [link for link in self._links if link.cut]:
            link.close()
            self._links.discard(link)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blackholed:
            link = _Link(writer, None)
            link.cut = True
            self._links.add(link)  # accepted, never answered; closed when healed
            return
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        link = _Link(writer, up_w)
        self._links.add(link)
        await asyncio.gather(self._pipe(link, reader, up_w), self._pipe(link, up_r, writer))
        link.close()
        self._links.discard(link)

    async def _pipe(
        self, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while True:
                data = await reader.read(PROXY_CHUNK_BYTES)
                if not data:
                    break
                if link.cut:
                    continue
                writer.write(data)
                await writer.drain()
        link.close()


# -- brokers ------------------------------------------------------------------------------------


@dataclass
class Node:
    node: int
    port: int
    controller_port: int
    proxy_port: int
    data_dir: Path
    log_path: Path
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    paused: bool = False
    log_offset: int = 0

    def start(self) -> None:
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.paused = False

    def signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None
        self.paused = False

    def unfenced(self) -> bool:
        """Whether this run of the broker has been unfenced (from its output)."""
        if self.process is None or self.process.poll() is not None:
            return False
        with self.log_path.open("rb") as f:
            f.seek(self.log_offset)
            return (UNFENCED_MESSAGE % self.node).encode() in f.read()


@dataclass
class Cluster:
    nodes: dict[int, Node]
    #: In front of each broker's client port.
    client_proxies: dict[int, Proxy]
    #: (from, to) -> the proxy ``from`` uses to reach ``to``'s controller port.
    controller_proxies: dict[tuple[int, int], Proxy]
    #: The namespaces the brokers run in (then there are no proxies).
    network: NamespaceNetwork | None = None

    @property
    def bootstrap(self) -> str:
        if self.network is not None:
            return ",".join(
                f"{self.network.hosts[n]}:{node.port}" for n, node in self.nodes.items()
            )
        return ",".join(f"127.0.0.1:{p.listen_port}" for p in self.client_proxies.values())

    def proxies_of(self, node: int) -> list[Proxy]:
        """Every proxy a cut of ``node`` blackholes."""
        out = [self.client_proxies[node]]
        out += [p for (a, b), p in self.controller_proxies.items() if node in (a, b)]
        return out


def build_cluster(
    args: argparse.Namespace, root: Path, network: NamespaceNetwork | None = None
) -> Cluster:
    from broker.metadata.meta_properties import new_cluster_id

    if network is not None:
        return _build_namespaced(args, root, network, new_cluster_id())

    ids = list(range(1, args.brokers + 1))
    base = args.base_port
    port = {n: base + n for n in ids}
    controller_port = {n: base + 100 + n for n in ids}
    proxy_port = {n: base + 200 + n for n in ids}
    pair_port = {(a, b): base + 300 + 10 * a + b for a in ids for b in ids if a != b}
    settings = {"cluster.id": new_cluster_id(), **BROKER_SETTINGS}
    nodes = {}
    for n in ids:
        voters = ",".join(
            f"{m}@127.0.0.1:{controller_port[m] if m == n else pair_port[(n, m)]}" for m in ids
        )
        command = broker_command(
            n,
            "127.0.0.1",
            port[n],
            controller_port[n],
            voters,
            root,
            {**settings, "advertised.listeners": f"PLAINTEXT://127.0.0.1:{proxy_port[n]}"},
        )
        nodes[n] = Node(
            n,
            port[n],
            controller_port[n],
            proxy_port[n],
            root / f"broker-{n}",
            root / f"broker-{n}.log",
            command,
        )
    return Cluster(
        nodes,
        {n: Proxy(proxy_port[n], port[n]) for n in ids},
        {(a, b): Proxy(p, controller_port[b]) for (a, b), p in pair_port.items()},
    )


def broker_command(
    node: int,
    host: str,
    port: int,
    controller_port: int,
    voters: str,
    root: Path,
    settings: Mapping[str, str],
) -> list[str]:
    """``samsa broker start`` for ``node``, data in ``root/broker-N``."""
    command = [
        sys.executable,
        "-c",
        "from broker.cli import main; main()",
        "broker",
        "start",
        "--node-id",
        str(node),
        "--host",
        host,
        "--port",
        str(port),
        "--controller-port",
        str(controller_port),
        "--voters",
        voters,
        "--data-dir",
        str(root / f"broker-{node}"),
    ]
    for key, value in {"http.listeners": "127.0.0.1:0", **settings}.items():
        command += ["--set", f"{key}={value}"]
    return command


def _build_namespaced(
    args: argparse.Namespace, root: Path, network: NamespaceNetwork, cluster_id: str
) -> Cluster:
    """Every broker in its own namespace, on its own address (same ports everywhere)."""
    ids = list(range(1, args.brokers + 1))
    port, controller_port = args.base_port, args.base_port + 100
    voters = ",".join(f"{m}@{network.hosts[m]}:{controller_port}" for m in ids)
    settings = {"cluster.id": cluster_id, **BROKER_SETTINGS}
    nodes = {}
    for n in ids:
        command = network.exec_prefix(n) + broker_command(
            n, network.hosts[n], port, controller_port, voters, root, settings
        )
        nodes[n] = Node(
            n,
            port,
            controller_port,
            port,
            root / f"broker-{n}",
            root / f"broker-{n}.log",
            command,
        )
    return Cluster(nodes, {}, {}, network)


# -- clients (confluent-kafka, on threads) ------------------------------------------------------


@dataclass
class Ledger:
    """What the producer sent and what was acknowledged (written by the producer thread)."""

    sent: int = 0
    acked: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)
    client_errors: Counter[str] = field(default_factory=Counter)
    fatal: list[str] = field(default_factory=list)
    producers: int = 0
    group_consumed: int = 0
    group_distinct: set[int] = field(default_factory=set)
    group_errors: Counter[str] = field(default_factory=Counter)


def run_producer(
    bootstrap: str, args: argparse.Namespace, ledger: Ledger, stop: threading.Event
) -> None:
    """Write 0, 1, 2, … round-robin over the partitions at ``args.rate`` records/s."""
    from confluent_kafka import KafkaError, Producer

    def error_cb(err: Any) -> None:
        ledger.client_errors[str(err.name())] += 1
        if err.fatal():
            ledger.fatal.append(str(err))

    def delivered(err: Any, msg: Any) -> None:
        seq = int(msg.value())
        if err is None:
            ledger.acked.add(seq)
        else:
            ledger.failed.add(seq)
            ledger.errors[str(err.name())] += 1

    def new_producer() -> Any:
        ledger.producers += 1
        return Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "enable.idempotence": True,
                "linger.ms": 5,
                "message.timeout.ms": 300_000,
                "queue.buffering.max.messages": PRODUCER_QUEUE_RECORDS,
                "error_cb": error_cb,
                **CLIENT_SETTINGS,
            }
        )

    producer = new_producer()
    started = time.monotonic()
    seq = 0
    while not stop.is_set():
        if ledger.fatal and len(ledger.fatal) >= ledger.producers:
            # A fatal idempotence error makes the producer unusable: report it, go on anew.
            producer.flush(10)
            producer = new_producer()
        due = started + seq / args.rate
        now = time.monotonic()
        if due > now:
            producer.poll(min(due - now, 0.1))
            continue
        try:
            producer.produce(
                args.topic,
                value=str(seq).encode(),
                partition=seq % args.partitions,
                on_delivery=delivered,
            )
        except BufferError:
            producer.poll(0.1)
            continue
        except Exception as exc:  # a KafkaException after a fatal error
            if isinstance(exc.args[0] if exc.args else None, KafkaError):
                producer.poll(0.1)
                continue
            raise
        seq += 1
        ledger.sent = seq
        producer.poll(0)
    remaining = producer.flush(FLUSH_TIMEOUT_S)
    if remaining:
        ledger.errors[f"undelivered at the end ({remaining})"] += 1


def run_group_consumer(bootstrap: str, topic: str, ledger: Ledger, stop: threading.Event) -> None:
    from confluent_kafka import Consumer

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "fault-run",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "session.timeout.ms": 10_000,
            "heartbeat.interval.ms": 1000,
            **CLIENT_SETTINGS,
        }
    )
    consumer.subscribe([topic])
    try:
        while not stop.is_set():
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            error = msg.error()
            if error is not None:
                ledger.group_errors[str(error.name())] += 1
                continue
            ledger.group_consumed += 1
            ledger.group_distinct.add(int(msg.value() or b"-1"))
    finally:
        consumer.close()


def drain(bootstrap: str, topic: str, partitions: int) -> tuple[dict[int, list[int]], list[str]]:
    """Every record of every partition up to its high watermark, in offset order."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"fault-run-drain-{time.time_ns()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            **CLIENT_SETTINGS,
        }
    )
    problems: list[str] = []
    out: dict[int, list[int]] = {p: [] for p in range(partitions)}
    ends: dict[int, int] = {}
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    for p in range(partitions):
        while p not in ends:
            try:
                _, ends[p] = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise
                problems.append(f"watermarks of partition {p}: {exc}")
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    positions = dict.fromkeys(range(partitions), 0)
    while any(positions[p] < ends[p] for p in positions) and time.monotonic() < deadline:
        msg = consumer.poll(1.0)
        if msg is None or msg.error() is not None:
            continue
        partition, offset = int(msg.partition() or 0), int(msg.offset() or 0)
        if offset >= ends[partition]:
            continue
        out[partition].append(int(msg.value() or b"-1"))
        positions[partition] = offset + 1
    consumer.close()
    for p in positions:
        if positions[p] < ends[p]:
            problems.append(f"partition {p}: drained to {positions[p]} of {ends[p]}")
    return out, problems


def check(ledger: Ledger, drained: dict[int, list[int]]) -> dict[str, Any]:
    seen: Counter[int] = Counter()
    reordered = 0
    examples: dict[str, list[Any]] = defaultdict(list)
    for partition, values in drained.items():
        top = -1
        for offset, v in enumerate(values):
            seen[v] += 1
            if v < top:
                reordered += 1
                examples["reordered"].append((partition, offset, v, top))
            top = max(top, v)
    lost = sorted(s for s in ledger.acked if s not in seen)
    duplicated = sum(c - 1 for c in seen.values() if c > 1)
    dup_examples = sorted(v for v, c in seen.items() if c > 1)
    never_seen = [s for s in range(ledger.sent) if s not in seen and s not in ledger.acked]
    failed_but_present = sum(1 for s in ledger.failed if s in seen)
    return {
        "sent": ledger.sent,
        "acknowledged": len(ledger.acked),
        "failed": len(ledger.failed),
        "in_log": sum(len(v) for v in drained.values()),
        "lost": len(lost),
        "duplicated": duplicated,
        "reordered": reordered,
        "never_seen": len(never_seen),
        "failed_but_present": failed_but_present,
        "examples": {
            "lost": lost[:20],
            "duplicated": dup_examples[:20],
            "reordered": examples["reordered"][:20],
            "never_seen": never_seen[:20],
        },
        "group_consumed": ledger.group_consumed,
        "group_distinct": len(ledger.group_distinct),
    }


# -- the run ------------------------------------------------------------------------------------


@dataclass
class Fault:
    at_s: float
    kind: str
    node: int


FAULT_KINDS: Final = ("kill", "pause", "partition")


def inject(kind: str, node: Node, cluster: Cluster) -> None:
    if kind == "kill":
        node.kill()
    elif kind == "pause":
        node.signal(signal.SIGSTOP)
        node.paused = True
    elif cluster.network is not None:
        cluster.network.cut_off(node.node)
    else:
        for p in cluster.proxies_of(node.node):
            p.cut()


def heal(kind: str, node: Node, cluster: Cluster) -> None:
    if kind == "kill":
        node.start()
    elif kind == "pause":
        node.signal(signal.SIGCONT)
        node.paused = False
    elif cluster.network is not None:
        cluster.network.heal(node.node)
    else:
        for p in cluster.proxies_of(node.node):
            p.heal()


def isr_state(bootstrap: str, topic: str) -> dict[int, tuple[int, list[int]]] | None:
    """Per partition of ``topic``: (leader, sorted ISR), or None if metadata is unavailable."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap, **CLIENT_SETTINGS})
    try:
        md = admin.list_topics(topic, timeout=5)
    except Exception:
        return None
    if topic not in md.topics or md.topics[topic].error is not None:
        return None
    return {p: (m.leader, sorted(m.isrs)) for p, m in md.topics[topic].partitions.items()}


async def wait_for(condition: Any, timeout_s: float, poll_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await asyncio.to_thread(condition):
            return True
        await asyncio.sleep(poll_s)
    return False


async def create_topic(bootstrap: str, args: argparse.Namespace) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap, **CLIENT_SETTINGS})
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        futures = admin.create_topics(
            [NewTopic(args.topic, args.partitions, 3, config={"min.insync.replicas": "2"})]
        )
        try:
            await asyncio.to_thread(futures[args.topic].result, 30)
            break
        except Exception as exc:
            if "TOPIC_ALREADY_EXISTS" in str(exc):
                break
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)
    ids = list(range(1, args.brokers + 1))

    def ready() -> bool:
        state = isr_state(bootstrap, args.topic)
        return (
            state is not None
            and len(state) == args.partitions
            and all(leader > 0 and isr == ids for leader, isr in state.values())
        )

    if not await wait_for(ready, READY_TIMEOUT_S):
        raise RuntimeError("the topic never had every broker in every ISR")


def summary_text(result: Mapping[str, Any]) -> str:
    kinds = result["faults_by_kind"]
    lines = [
        "fault run",
        f"  command      {result['command']}",
        f"  seed         {result['seed']}",
        f"  duration     {result['fault_minutes']} min of faults "
        f"({result['elapsed_s']:.0f} s in all, drain included)",
        f"  faults       {result['faults']} "
        f"(kill {kinds['kill']}, pause {kinds['pause']}, partition {kinds['partition']})",
        f"  produced     {result['sent']} sent, {result['acknowledged']} acknowledged, "
        f"{result['failed']} failed ({result['producers']} producer(s))",
        f"  in the log   {result['in_log']} (after heal + drain)",
        f"  LOST         {result['lost']}   (acknowledged, missing)",
        f"  DUPLICATED   {result['duplicated']}",
        f"  REORDERED    {result['reordered']}",
        f"  never seen   {result['never_seen']}   (not acknowledged, not in the log)",
        f"  failed, yet in the log  {result['failed_but_present']}",
        f"  group        {result['group_consumed']} consumed, {result['group_distinct']} distinct",
        f"  healed       every broker in every ISR before the drain: {result['healed']}",
    ]
    if result["producer_errors"]:
        lines.append(f"  delivery errors  {dict(result['producer_errors'])}")
    if result["fatal_errors"]:
        lines.append(f"  fatal producer errors  {result['fatal_errors'][:3]}")
    if result["drain_problems"]:
        lines.append(f"  drain problems  {result['drain_problems'][:3]}")
    for name, ex in result["examples"].items():
        if ex:
            lines.append(f"  e.g. {name}: {ex[:8]}")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    temporary = args.data_dir is None
    root = Path(args.data_dir or tempfile.mkdtemp(prefix="fault-run-"))
    os.makedirs(root, exist_ok=True)
    print(f"seed {args.seed}; broker output in {root}", file=sys.stderr, flush=True)
    rng = random.Random(args.seed)
    network = None
    if args.network == "namespaces":
        network = NamespaceNetwork(args.brokers)
        network.__enter__()
    print(f"network: {args.network}", file=sys.stderr, flush=True)
    try:
        return await _run(args, root, temporary, rng, network)
    finally:
        if network is not None:
            network.__exit__()


async def _run(
    args: argparse.Namespace,
    root: Path,
    temporary: bool,
    rng: random.Random,
    network: NamespaceNetwork | None,
) -> int:
    cluster = build_cluster(args, root, network)
    proxies = [*cluster.client_proxies.values(), *cluster.controller_proxies.values()]
    for p in proxies:
        await p.start()
    nodes = list(cluster.nodes.values())
    for n in nodes:
        n.start()
    bootstrap = cluster.bootstrap
    faults: list[Fault] = []
    ledger = Ledger()
    stop = threading.Event()
    threads: list[threading.Thread] = []
    started = time.monotonic()
    healed = False
    try:
        if not await wait_for(lambda: all(n.unfenced() for n in nodes), READY_TIMEOUT_S):
            raise RuntimeError("the brokers were not all unfenced in time")
        await create_topic(bootstrap, args)
        print("cluster ready, topic created; starting clients", file=sys.stderr, flush=True)
        threads = [
            threading.Thread(target=run_producer, args=(bootstrap, args, ledger, stop)),
            threading.Thread(target=run_group_consumer, args=(bootstrap, args.topic, ledger, stop)),
        ]
        for t in threads:
            t.start()
        faults_started = time.monotonic()
        end = faults_started + args.minutes * 60
        pending: tuple[str, Node] | None = None
        while time.monotonic() + args.interval_s <= end + 0.001:
            await asyncio.sleep(args.interval_s)
            if pending is not None:
                heal(*pending, cluster)
            node = rng.choice(nodes)
            kind = rng.choice(FAULT_KINDS)
            inject(kind, node, cluster)
            pending = (kind, node)
            faults.append(Fault(round(time.monotonic() - faults_started, 1), kind, node.node))
            print(
                f"[{faults[-1].at_s:7.1f}s] {kind:9} broker {node.node}   "
                f"sent {ledger.sent} acked {len(ledger.acked)} failed {len(ledger.failed)} "
                f"group {ledger.group_consumed}",
                file=sys.stderr,
                flush=True,
            )
        await asyncio.sleep(max(0.0, end - time.monotonic()))
        if pending is not None:
            heal(*pending, cluster)
        print("healed; waiting for every broker in every ISR", file=sys.stderr, flush=True)
        ids = [n.node for n in nodes]

        def all_in_sync() -> bool:
            state = isr_state(bootstrap, args.topic)
            return (
                all(n.unfenced() for n in nodes)
                and state is not None
                and all(leader > 0 and isr == ids for leader, isr in state.values())
            )

        healed = await wait_for(all_in_sync, READY_TIMEOUT_S)
        await asyncio.sleep(args.settle_s)
    finally:
        stop.set()
        for t in threads:
            await asyncio.to_thread(t.join, FLUSH_TIMEOUT_S + 30)
    print("producer flushed; draining", file=sys.stderr, flush=True)
    drained, problems = await asyncio.to_thread(drain, bootstrap, args.topic, args.partitions)
    result = check(ledger, drained)
    result.update(
        {
            "command": " ".join(["python", "bench/fault_run.py", *sys.argv[1:]]),
            "seed": args.seed,
            "network": args.network,
            "fault_minutes": args.minutes,
            "elapsed_s": round(time.monotonic() - started, 1),
            "rate": args.rate,
            "partitions": args.partitions,
            "faults": len(faults),
            "faults_by_kind": {k: sum(1 for f in faults if f.kind == k) for k in FAULT_KINDS},
            "fault_log": [(f.at_s, f.kind, f.node) for f in faults],
            "producer_errors": dict(ledger.errors),
            "client_errors": dict(ledger.client_errors),
            "fatal_errors": ledger.fatal,
            "producers": ledger.producers,
            "group_errors": dict(ledger.group_errors),
            "healed": healed,
            "drain_problems": problems,
            "data_dir": str(root),
        }
    )
    print(summary_text(result))
    if args.out:
        text = json.dumps(result, indent=2) + "\n"
        await asyncio.to_thread(Path(args.out).write_text, text)
    for n in nodes:
        n.signal(signal.SIGCONT)
        n.signal(signal.SIGTERM)
    for n in nodes:
        if n.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(n.process.wait, STOP_TIMEOUT_S)
            if n.process.poll() is None:
                n.kill()
    for p in proxies:
        await p.stop()
    if temporary and not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    bad = result["lost"] or result["duplicated"] or result["reordered"]
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long faults go on")
    parser.add_argument("--interval-s", type=float, default=10.0, help="between faults")
    parser.add_argument("--settle-s", type=float, default=5.0, help="after healing, before drain")
    parser.add_argument("--rate", type=float, default=1000.0, help="records/s produced")
    parser.add_argument("--brokers", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--topic", default="fault-run")
    parser.add_argument("--base-port", type=int, default=19000)
    parser.add_argument("--data-dir", default=None, help="kept afterwards")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    parser.add_argument("--out", default=None, help="write the summary as JSON here")
    parser.add_argument(
        "--network",
        choices=["namespaces", "proxies"],
        default=None,
        help="how a partition cuts a broker off (default: namespaces when possible)",
    )
    args = parser.parse_args()
    if args.network is None:
        args.network = "proxies" if NamespaceNetwork.unavailable() else "namespaces"
    elif args.network == "namespaces" and (reason := NamespaceNetwork.unavailable()):
        parser.error(f"--network namespaces: {reason}")
    if args.brokers < 3:
        parser.error("--brokers must be at least 3 (the topic has replication factor 3)")
    if args.seed is None:
        args.seed = random.randrange(2**32)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
