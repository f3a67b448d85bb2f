"""Exactly-once fault run: a consume-transform-produce loop under SIGKILLed brokers, with a checker.

A cluster of ``--brokers`` (3) ``samsa broker start`` processes (as ``bench/fault_run.py``
starts them: every connection through a TCP proxy). An input topic of ``--partitions``
partitions (replication factor 3, ``min.insync.replicas=2``) gets ``--records`` numbered
records (idempotent, acks=all) before anything else happens. Then one confluent-kafka
processor reads it read_committed in a consumer group and, ``--txn-records`` records at a
time, writes each record to the same partition of an output topic (same settings) in a
transaction that also commits its input offsets (``send_offsets_to_transaction``), as Kafka
Streams does with exactly-once. It follows Kafka's rules on errors: an abortable error aborts
and rewinds the consumer to the group's committed offsets; a fatal one (fenced) makes a new
producer with the same transactional.id (its InitProducerId fences the old one and aborts its
transaction), then rewinds; a retriable commit is retried.

Meanwhile, from its first committed transaction on, every ``--interval-s`` seconds, a broker
is SIGKILLed: in turn the leader of a random input or output partition, the transaction
coordinator (the leader of the ``__transaction_state`` partition of the transactional.id) and
the group coordinator (the leader of ``__consumer_offsets``). It is restarted (same data
directory) ``--down-s`` later, and the next fault waits until it is back and in every ISR.
Faults stop when the processor has committed the offset of the last input record (or after
``--max-faults``).

At the end a fresh read_committed consumer reads the output topic to its end, and the checker
counts, against the input:

* **duplicates**: extra copies of an input record in the output;
* **missing**: input records absent from the output;
* **reordered** (for context): records found below a larger number in the same partition.

Run::

    python bench/eos_fault_run.py --records 20000 --out eos_fault_run.json

It prints a one-screen summary (and writes it as JSON to ``--out``), and exits 1 unless
duplicates and missing are both 0 and every input offset was committed.
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
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

if __package__ in (None, ""):  # run as ``python bench/eos_fault_run.py``: the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.fault_run import (
    CLIENT_SETTINGS,
    READY_TIMEOUT_S,
    STOP_TIMEOUT_S,
    Cluster,
    Node,
    build_cluster,
    isr_state,
    wait_for,
)
from broker.group.records import java_string_hash

INPUT_TOPIC: Final = "eos-input"
OUTPUT_TOPIC: Final = "eos-output"
GROUP: Final = "eos-processor"
TRANSACTIONAL_ID: Final = "eos-processor"
#: Kafka's transaction.state.log.num.partitions: where the transaction coordinator lives.
TXN_STATE_PARTITIONS: Final = 50
TXN_STATE_TOPIC: Final = "__transaction_state"
OFFSETS_TOPIC: Final = "__consumer_offsets"
#: How long one transactional call (init, send_offsets, commit, abort) may take: longer than a
#: broker's failover (session timeout, election, coordinator loading) on a loaded machine.
TXN_CALL_TIMEOUT_S: Final = 30.0
#: The processor's transaction.timeout.ms: a transaction left open by a producer the run
#: replaced is aborted by the coordinator within this (Kafka's default is one minute).
TXN_TIMEOUT_MS: Final = 20_000
#: How long the processor may keep trying a step (a commit, a rewind) before giving up on the
#: producer and making a new one.
STEP_DEADLINE_S: Final = 90.0
#: How long the final read of the output may take.
DRAIN_TIMEOUT_S: Final = 180.0
#: How long the output is read again while records are missing after the processor finished
#: (the last transaction's markers may still be on their way): seconds, not minutes.
REDRAIN_TIMEOUT_S: Final = 30.0
#: How long the run waits for every broker back in every ISR after a restart before the next
#: fault (a slow catch-up is reported, not fatal).
ISR_TIMEOUT_S: Final = 60.0
#: Ports one cluster takes above its base (``bench.fault_run.build_cluster``'s layout).
PORT_SPAN: Final = 400


# -- the processor (confluent-kafka, on a thread) -----------------------------------------------


@dataclass
class Progress:
    """What the processor did; read by the main loop (ints and dicts under the GIL)."""

    committed_txns: int = 0
    aborted_txns: int = 0
    producers: int = 0
    rewinds: int = 0
    #: Per input partition, the offset the group committed last (as the processor knows it).
    committed: dict[int, int] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    done: bool = False
    failure: str | None = None
    #: The step the processor is in (consume, produce, send_offsets, commit, abort, rewind,
    #: init) and since when (monotonic seconds): a run that stalls says where.
    step: str = "start"
    step_since: float = field(default_factory=time.monotonic)

    def enter(self, step: str) -> None:
        self.step, self.step_since = step, time.monotonic()

    def processed(self) -> int:
        return sum(self.committed.values())


def targets(records: int, partitions: int) -> dict[int, int]:
    """Per input partition, how many records it holds (record i goes to partition i % P)."""
    return {p: len(range(p, records, partitions)) for p in range(partitions)}


def produce_input(bootstrap: str, records: int, partitions: int) -> None:
    """Write 0 .. records-1, record i to partition i % partitions (idempotent, acks=all)."""
    from confluent_kafka import Producer

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
            **CLIENT_SETTINGS,
        }
    )
    for i in range(records):
        while True:
            try:
                producer.produce(INPUT_TOPIC, value=str(i).encode(), partition=i % partitions)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(READY_TIMEOUT_S)
    if remaining:
        raise RuntimeError(f"{remaining} input records not delivered")


class Processor(threading.Thread):
    """Read the input read_committed, write each record to the output in transactions that
    commit the input offsets, until every input offset is committed or ``stop``."""

    def __init__(self, bootstrap: str, args: argparse.Namespace, stop: threading.Event) -> None:
        super().__init__(daemon=True, name="eos-processor")
        self.bootstrap = bootstrap
        self.txn_records: int = args.txn_records
        self.targets = targets(args.records, args.partitions)
        self.stop_event = stop
        self.progress = Progress()

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # reported in the summary
            self.progress.failure = f"{type(exc).__name__}: {exc}"

    def new_producer(self) -> Any:
        from confluent_kafka import KafkaException, Producer

        deadline = time.monotonic() + STEP_DEADLINE_S
        while True:
            self.progress.producers += 1
            producer = Producer(
                {
                    "bootstrap.servers": self.bootstrap,
                    "transactional.id": TRANSACTIONAL_ID,
                    "transaction.timeout.ms": TXN_TIMEOUT_MS,
                    "linger.ms": 5,
                    **CLIENT_SETTINGS,
                }
            )
            try:
                self.progress.enter("init")
                producer.init_transactions(TXN_CALL_TIMEOUT_S)
                return producer
            except KafkaException as exc:
                error = exc.args[0]
                self.progress.errors[f"init: {error.name()}"] += 1
                if not error.retriable() or time.monotonic() > deadline:
                    raise

    def _run(self) -> None:
        from confluent_kafka import Consumer, KafkaException

        consumer = Consumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": GROUP,
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 500,
                **CLIENT_SETTINGS,
            }
        )
        consumer.subscribe([INPUT_TOPIC])
        producer = self.new_producer()
        try:
            while not self.stop_event.is_set() and not self._finished():
                self.progress.enter("consume")
                messages = consumer.consume(self.txn_records, timeout=0.5)
                batch = []
                for m in messages:
                    if (consume_error := m.error()) is not None:
                        self.progress.errors[f"consume: {consume_error.name()}"] += 1
                    else:
                        batch.append(m)
                if not batch:
                    continue
                try:
                    self._transaction(producer, consumer, batch)
                except KafkaException as exc:
                    error = exc.args[0]
                    self.progress.errors[f"txn: {error.name()}"] += 1
                    if error.fatal():
                        producer = self.new_producer()
                    else:
                        producer = self._abort(producer)
                    self._rewind(consumer)
            self.progress.done = self._finished()
        finally:
            consumer.close()

    def _finished(self) -> bool:
        return all(self.progress.committed.get(p, 0) >= n for p, n in self.targets.items())

    def _transaction(self, producer: Any, consumer: Any, batch: list[Any]) -> None:
        self.progress.enter("produce")
        producer.begin_transaction()
        offsets: dict[int, int] = {}
        for m in batch:
            while True:
                try:
                    producer.produce(OUTPUT_TOPIC, value=m.value(), partition=m.partition())
                    break
                except BufferError:
                    producer.poll(0.1)
            offsets[m.partition()] = m.offset() + 1
        from confluent_kafka import TopicPartition

        self.progress.enter("send_offsets")
        producer.send_offsets_to_transaction(
            [TopicPartition(INPUT_TOPIC, p, o) for p, o in sorted(offsets.items())],
            consumer.consumer_group_metadata(),
            TXN_CALL_TIMEOUT_S,
        )
        self._commit(producer)
        self.progress.committed_txns += 1
        self.progress.committed.update(offsets)

    def _commit(self, producer: Any) -> None:
        """Commit; a retriable error (a timeout, the coordinator moving) is retried, as Kafka
        documents for commit_transaction."""
        from confluent_kafka import KafkaException

        deadline = time.monotonic() + STEP_DEADLINE_S
        self.progress.enter("commit")
        while True:
            try:
                producer.commit_transaction(TXN_CALL_TIMEOUT_S)
                return
            except KafkaException as exc:
                error = exc.args[0]
                if not error.retriable() or time.monotonic() > deadline:
                    raise
                self.progress.errors[f"commit retried: {error.name()}"] += 1

    def _abort(self, producer: Any) -> Any:
        """Abort the transaction (retried while retriable); a producer that cannot abort is
        replaced (the new one's InitProducerId aborts it)."""
        from confluent_kafka import KafkaException

        deadline = time.monotonic() + STEP_DEADLINE_S
        while True:
            try:
                self.progress.enter("abort")
                producer.abort_transaction(TXN_CALL_TIMEOUT_S)
                self.progress.aborted_txns += 1
                return producer
            except KafkaException as exc:
                error = exc.args[0]
                self.progress.errors[f"abort: {error.name()}"] += 1
                if error.fatal() or not error.retriable() or time.monotonic() > deadline:
                    return self.new_producer()

    def _rewind(self, consumer: Any) -> None:
        """Seek every assigned partition back to the group's committed offset (OffsetFetch
        waits while a transaction's offsets are pending, KIP-447)."""
        from confluent_kafka import OFFSET_BEGINNING, KafkaException, TopicPartition

        self.progress.rewinds += 1
        self.progress.enter("rewind")
        deadline = time.monotonic() + STEP_DEADLINE_S
        while True:
            try:
                assignment = consumer.assignment()
                committed = consumer.committed(assignment, timeout=TXN_CALL_TIMEOUT_S)
                for tp in committed:
                    offset = tp.offset if tp.offset >= 0 else OFFSET_BEGINNING
                    consumer.seek(TopicPartition(tp.topic, tp.partition, offset))
                    self.progress.committed[tp.partition] = max(tp.offset, 0)
                return
            except KafkaException as exc:
                self.progress.errors[f"rewind: {exc.args[0].name()}"] += 1
                if time.monotonic() > deadline:
                    raise


# -- the check ----------------------------------------------------------------------------------


def drain(bootstrap: str, partitions: int) -> dict[int, list[int]]:
    """Every value of the output topic read_committed, per partition in offset order, up to
    the end of each partition (its last stable offset)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"eos-drain-{time.time_ns()}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
            **CLIENT_SETTINGS,
        }
    )
    out: dict[int, list[int]] = {p: [] for p in range(partitions)}
    try:
        consumer.assign([TopicPartition(OUTPUT_TOPIC, p, OFFSET_BEGINNING) for p in out])
        at_end: set[int] = set()
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while len(at_end) < partitions and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            error = msg.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    at_end.add(int(msg.partition() or 0))
                continue
            out[int(msg.partition() or 0)].append(int(msg.value() or b"-1"))
    finally:
        consumer.close()
    return out


def check(records: int, drained: Mapping[int, list[int]]) -> dict[str, Any]:
    seen: Counter[int] = Counter()
    reordered = 0
    for values in drained.values():
        top = -1
        for v in values:
            seen[v] += 1
            reordered += v < top
            top = max(top, v)
    missing = [i for i in range(records) if i not in seen]
    duplicated = sorted(v for v, c in seen.items() if c > 1)
    return {
        "output_records": sum(len(v) for v in drained.values()),
        "duplicates": sum(c - 1 for c in seen.values() if c > 1),
        "missing": len(missing),
        "reordered": reordered,
        "examples": {"missing": missing[:20], "duplicated": duplicated[:20]},
    }


# -- faults -------------------------------------------------------------------------------------


FAULT_KINDS: Final = ("partition-leader", "txn-coordinator", "group-coordinator")


def leader_of(bootstrap: str, topic: str, partition: int) -> int:
    """The leader of ``topic``'s ``partition`` (-1: unknown)."""
    state = isr_state(bootstrap, topic)
    if state is None or partition not in state:
        return -1
    return int(state[partition][0])


def pick_target(kind: str, bootstrap: str, partitions: int, rng: random.Random) -> int:
    if kind == "txn-coordinator":
        partition = abs(java_string_hash(TRANSACTIONAL_ID)) % TXN_STATE_PARTITIONS
        return leader_of(bootstrap, TXN_STATE_TOPIC, partition)
    if kind == "group-coordinator":
        # fault_run's brokers have offsets.topic.num.partitions = 1: every group on partition 0.
        return leader_of(bootstrap, OFFSETS_TOPIC, 0)
    topic = rng.choice((INPUT_TOPIC, OUTPUT_TOPIC))
    return leader_of(bootstrap, topic, rng.randrange(partitions))


@dataclass
class Fault:
    at_s: float
    kind: str
    node: int


async def create_topics(bootstrap: str, args: argparse.Namespace) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap, **CLIENT_SETTINGS})
    config = {"min.insync.replicas": "2"}
    for topic in (INPUT_TOPIC, OUTPUT_TOPIC):
        futures = admin.create_topics([NewTopic(topic, args.partitions, 3, config=config)])
        await asyncio.to_thread(futures[topic].result, 30)
    if not await wait_for(lambda: all_in_sync(bootstrap, args), READY_TIMEOUT_S):
        raise RuntimeError("the topics never had every broker in every ISR")


def all_in_sync(bootstrap: str, args: argparse.Namespace) -> bool:
    ids = list(range(1, args.brokers + 1))
    for topic in (INPUT_TOPIC, OUTPUT_TOPIC):
        state = isr_state(bootstrap, topic)
        if state is None or len(state) != args.partitions:
            return False
        if not all(leader > 0 and isr == ids for leader, isr in state.values()):
            return False
    return True


def free_base_port() -> int:
    """A base port whose whole span (``build_cluster``'s layout) is free right now."""
    rng = random.Random()
    for _ in range(100):
        base = rng.randrange(20_000, 60_000 - PORT_SPAN, 10)
        ports = [base + n for n in range(1, PORT_SPAN)]
        if all(_port_free(p) for p in ports):
            return base
    raise RuntimeError("no free port range")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def summary_text(result: Mapping[str, Any]) -> str:
    lines = [
        "exactly-once fault run",
        f"  command      {result['command']}",
        f"  seed         {result['seed']}",
        f"  input        {result['records']} records in {result['partitions']} partitions",
        f"  processed    {result['processed']} (input offsets committed)"
        f"{'' if result['done'] else '  NOT FINISHED'}",
        f"  transactions {result['committed_txns']} committed, {result['aborted_txns']} aborted, "
        f"{result['producers']} producer(s), {result['rewinds']} rewind(s)",
        f"  faults       {result['faults']} {dict(result['faults_by_kind'])}",
        f"  output       {result['output_records']} records read_committed",
        f"  DUPLICATES   {result['duplicates']}",
        f"  MISSING      {result['missing']}",
        f"  reordered    {result['reordered']}",
        f"  elapsed      {result['elapsed_s']:.0f} s",
    ]
    if result["errors"]:
        lines.append(f"  client errors  {dict(result['errors'])}")
    if result["failure"]:
        lines.append(f"  processor failure  {result['failure']}")
    if not result["done"]:
        lines.append(
            f"  processor was in {result['last_step']} for {result['last_step_s']:.0f} s"
        )
    for name, ex in result["examples"].items():
        if ex:
            lines.append(f"  e.g. {name}: {ex[:8]}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run(args: argparse.Namespace) -> int:
    temporary = args.data_dir is None
    root = Path(args.data_dir or tempfile.mkdtemp(prefix="eos-fault-run-"))
    os.makedirs(root, exist_ok=True)
    log(f"seed {args.seed}; broker output in {root}")
    cluster = build_cluster(args, root)
    proxies = [*cluster.client_proxies.values(), *cluster.controller_proxies.values()]
    for p in proxies:
        await p.start()
    nodes = list(cluster.nodes.values())
    try:
        result = await _run(args, cluster, nodes)
    finally:
        for n in nodes:
            n.signal(signal.SIGTERM)
        for n in nodes:
            if n.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    await asyncio.to_thread(n.process.wait, STOP_TIMEOUT_S)
                if n.process.poll() is None:
                    n.kill()
        for p in proxies:
            await p.stop()
    result["data_dir"] = str(root)
    print(summary_text(result))
    if args.out:
        text = json.dumps(result, indent=2) + "\n"
        await asyncio.to_thread(Path(args.out).write_text, text)
    ok = (
        result["duplicates"] == 0
        and result["missing"] == 0
        and result["done"]
        and result["failure"] is None
    )
    if temporary and not args.keep and ok:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


async def _run(args: argparse.Namespace, cluster: Cluster, nodes: list[Node]) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    for n in nodes:
        n.start()
    bootstrap = cluster.bootstrap
    if not await wait_for(lambda: all(n.unfenced() for n in nodes), READY_TIMEOUT_S):
        raise RuntimeError("the brokers were not all unfenced in time")
    await create_topics(bootstrap, args)
    await asyncio.to_thread(produce_input, bootstrap, args.records, args.partitions)
    log(f"cluster ready, {args.records} input records written; starting the processor")
    stop = threading.Event()
    processor = Processor(bootstrap, args, stop)
    processor.start()
    faults: list[Fault] = []
    deadline = started + args.timeout_s
    try:
        # Faults land while records flow: from the first committed transaction on.
        await wait_for(
            lambda: processor.progress.committed_txns > 0 or not processor.is_alive(),
            READY_TIMEOUT_S,
            poll_s=0.1,
        )
        kinds = list(FAULT_KINDS)
        rng.shuffle(kinds)
        while processor.is_alive() and len(faults) < args.max_faults:
            await asyncio.sleep(args.interval_s)  # pacing between faults, not synchronisation
            if not processor.is_alive() or time.monotonic() > deadline:
                break
            kind = kinds[len(faults) % len(kinds)]
            target = await asyncio.to_thread(pick_target, kind, bootstrap, args.partitions, rng)
            if target not in cluster.nodes:
                target = rng.choice(nodes).node  # the leader is not known right now
            node = cluster.nodes[target]
            node.kill()
            faults.append(Fault(round(time.monotonic() - started, 1), kind, target))
            progress = processor.progress
            log(
                f"[{faults[-1].at_s:7.1f}s] SIGKILL broker {target} ({kind}); processed "
                f"{progress.processed()}, {progress.committed_txns} txns committed, "
                f"{progress.aborted_txns} aborted"
            )
            await asyncio.sleep(args.down_s)  # how long the broker stays down
            node.start()
            if not await wait_for(node.unfenced, READY_TIMEOUT_S):
                raise RuntimeError(f"broker {target} did not come back")
            if not await wait_for(lambda: all_in_sync(bootstrap, args), ISR_TIMEOUT_S):
                log("not every broker back in every ISR in time; going on")
        remaining = max(0.0, deadline - time.monotonic())
        await asyncio.to_thread(processor.join, remaining)
    finally:
        stop.set()
        await asyncio.to_thread(processor.join, STEP_DEADLINE_S)
    progress = processor.progress
    log(f"processor finished ({progress.processed()} processed); reading the output")
    drained = await asyncio.to_thread(drain, bootstrap, args.partitions)
    result = check(args.records, drained)
    if result["missing"] and progress.done:
        # Markers may still be on their way (the LSO behind): read once more after a while.
        await wait_for(
            lambda: check(args.records, drain(bootstrap, args.partitions))["missing"] == 0,
            REDRAIN_TIMEOUT_S,
            poll_s=2.0,
        )
        result = check(args.records, await asyncio.to_thread(drain, bootstrap, args.partitions))
    result.update(
        {
            "command": " ".join(["python", "bench/eos_fault_run.py", *sys.argv[1:]]),
            "seed": args.seed,
            "records": args.records,
            "partitions": args.partitions,
            "txn_records": args.txn_records,
            "processed": progress.processed(),
            "done": progress.done,
            "committed_txns": progress.committed_txns,
            "aborted_txns": progress.aborted_txns,
            "producers": progress.producers,
            "rewinds": progress.rewinds,
            "errors": dict(progress.errors),
            "failure": progress.failure,
            "last_step": progress.step,
            "last_step_s": round(time.monotonic() - progress.step_since, 1),
            "faults": len(faults),
            "faults_by_kind": {k: sum(1 for f in faults if f.kind == k) for k in FAULT_KINDS},
            "fault_log": [(f.at_s, f.kind, f.node) for f in faults],
            "elapsed_s": round(time.monotonic() - started, 1),
        }
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000, help="input records")
    parser.add_argument("--partitions", type=int, default=3, help="of the input and output")
    parser.add_argument("--txn-records", type=int, default=100, help="records per transaction")
    parser.add_argument("--interval-s", type=float, default=8.0, help="between faults")
    parser.add_argument(
        "--down-s", type=float, default=3.0, help="how long a killed broker stays down"
    )
    parser.add_argument("--max-faults", type=int, default=1000)
    parser.add_argument("--timeout-s", type=float, default=1800.0, help="for the whole run")
    parser.add_argument("--brokers", type=int, default=3)
    parser.add_argument("--base-port", type=int, default=0, help="0: a free range")
    parser.add_argument("--data-dir", default=None, help="kept afterwards")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    parser.add_argument("--out", default=None, help="write the summary as JSON here")
    args = parser.parse_args()
    if args.brokers < 3:
        parser.error("--brokers must be at least 3 (the topics have replication factor 3)")
    if args.base_port == 0:
        args.base_port = free_base_port()
    if args.seed is None:
        args.seed = random.randrange(2**32)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
