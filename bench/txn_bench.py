"""Transactional produce throughput: confluent-kafka (librdkafka) writes 1 KiB records with
acks=all to a 4-partition topic of one Samsa broker (policy ``none``), committing a transaction
every 100, 1,000 or 10,000 records, next to the same producer without transactions (idempotent,
acks=all: what a transaction adds on top of it is AddPartitionsToTxn, EndTxn and the markers).

    python bench/txn_bench.py [--quick] [--runs 1] [--messages N] [--no-pin]

Prints one table (median and range over the runs of records/s, MB/s, transactions/s and the
broker's CPU seconds per GB). The producer runs in a process of its own on the load-generator
CPU and the broker on the server CPU, as in ``python -m bench``; the table is the harness
report's "Transactional produce" section (``bench.report.transactions_section``), and ``run``
is a harness scenario (``NAME``, ``TITLE``, ``run(env)``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

if __package__ in (None, ""):  # run as ``python bench/txn_bench.py``: the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import noise
from bench.broker_bench import LOADGEN_CPU, Children, loadgen_result
from bench.common import (
    GB,
    MB,
    Env,
    bootstrap_of,
    create_topic_named,
    machine_busy_seconds,
    tree_cpu_seconds,
)

NAME: Final = "transactions"
TITLE: Final = "transactional produce (1 KiB, acks=all)"

SIZE: Final = 1024
PARTITIONS: Final = 4
TOPIC: Final = "txn-bench"
#: Records per transaction; None: no transactions (the baseline).
COMMIT_EVERY: Final = (None, 100, 1_000, 10_000)
#: Records per run: enough for several 10,000-record transactions.
MESSAGES_FULL: Final = 200_000
MESSAGES_QUICK: Final = 20_000
#: Most one producer run may take (a slow commit path must not hang the bench).
RUN_TIMEOUT_S: Final = 600.0
#: How long one transactional call (init, commit) may take.
TXN_CALL_TIMEOUT_S: Final = 60.0


def case_name(commit_every: int | None) -> str:
    if commit_every is None:
        return "no transactions (idempotent)"
    return f"transactional, commit every {commit_every:,}"


# -- the producer (its own process) ---------------------------------------------------------------


def produce(spec: dict[str, Any]) -> dict[str, Any]:
    """Write ``spec["messages"]`` records of ``spec["size"]`` bytes round-robin over the
    partitions, committing every ``spec["commit_every"]`` (None: no transactions)."""
    from confluent_kafka import Producer

    commit_every: int | None = spec["commit_every"]
    n, size, topic, partitions = spec["messages"], spec["size"], spec["topic"], spec["partitions"]
    conf: dict[str, Any] = {
        "bootstrap.servers": spec["bootstrap"],
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "batch.size": 1_000_000,
        "queue.buffering.max.messages": 1_000_000,
        "queue.buffering.max.kbytes": 1_048_576,
    }
    if commit_every is not None:
        conf["transactional.id"] = f"txn-bench-{os.getpid()}"
    producer = Producer(conf)
    if commit_every is not None:
        producer.init_transactions(TXN_CALL_TIMEOUT_S)
    value = os.urandom(size)
    # Warm-up, not counted: one record to every partition, so that both modes start timing
    # with their connections to the leader open and the topic's metadata known.
    if commit_every is not None:
        producer.begin_transaction()
    for p in range(partitions):
        producer.produce(topic, value, partition=p)
    if commit_every is not None:
        producer.commit_transaction(TXN_CALL_TIMEOUT_S)
    elif producer.flush(TXN_CALL_TIMEOUT_S):
        raise RuntimeError("the warm-up records were not delivered")
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    transactions = 0
    sent = 0
    while sent < n:
        chunk = n - sent if commit_every is None else min(commit_every, n - sent)
        if commit_every is not None:
            producer.begin_transaction()
        for i in range(chunk):
            while True:
                try:
                    producer.produce(topic, value, partition=(sent + i) % partitions)
                    break
                except BufferError:
                    producer.poll(0.01)
        sent += chunk
        if commit_every is not None:
            producer.commit_transaction(TXN_CALL_TIMEOUT_S)  # flushes, then EndTxn
            transactions += 1
    remaining = producer.flush(TXN_CALL_TIMEOUT_S)
    elapsed = time.perf_counter() - start
    if remaining:
        raise RuntimeError(f"{remaining} records not delivered")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
    return {
        "messages": n,
        "bytes": n * size,
        "elapsed_s": elapsed,
        "cpu_s": cpu_s,
        "transactions": transactions,
    }


# -- the scenario ---------------------------------------------------------------------------------


def measure(env: Env, server_pid: int, spec: dict[str, Any]) -> dict[str, float]:
    """One producer run against the broker: rates, and the broker's CPU per GB."""
    argv = [sys.executable, "-m", "bench.txn_bench", "--produce", json.dumps(spec)]
    cpu0, busy0 = tree_cpu_seconds(server_pid), machine_busy_seconds()
    wall0 = time.perf_counter()
    proc = env.children.spawn(env.pinned(LOADGEN_CPU, argv), subprocess.PIPE, subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the producer ran past {RUN_TIMEOUT_S:g} s") from None
    finally:
        env.children.stop(proc)
    result = loadgen_result(proc.returncode, out, err)
    wall = time.perf_counter() - wall0
    server_cpu = tree_cpu_seconds(server_pid) - cpu0
    busy = machine_busy_seconds() - busy0
    elapsed = float(result["elapsed_s"])
    return {
        "messages": float(result["messages"]),
        "bytes": float(result["bytes"]),
        "elapsed_s": elapsed,
        "msgs_s": result["messages"] / elapsed,
        "mb_s": result["bytes"] / elapsed / MB,
        "txns_s": result["transactions"] / elapsed,
        "server_cpu_s": server_cpu,
        "cpu_s_per_gb": server_cpu / (result["bytes"] / GB),
        "server_busy": server_cpu / elapsed,
        "gen_busy": float(result["cpu_s"]) / elapsed,
        "other_busy": max(0.0, (busy - server_cpu - float(result["cpu_s"])) / wall),
    }


def run(env: Env, messages: int | None = None) -> None:
    n = messages or (MESSAGES_QUICK if env.quick else MESSAGES_FULL)
    for _ in range(env.runs):
        for commit_every in COMMIT_EVERY:
            case = env.case(NAME, case_name(commit_every), size=SIZE, commit_every=commit_every)

            def body(commit_every: int | None = commit_every) -> dict[str, float]:
                with env.samsa({"log.flush.policy": "none"}) as server:
                    create_topic_named(server.port, TOPIC, PARTITIONS)
                    spec = {
                        "bootstrap": bootstrap_of(server),
                        "topic": TOPIC,
                        "partitions": PARTITIONS,
                        "size": SIZE,
                        "messages": n,
                        "commit_every": commit_every,
                    }
                    return measure(env, server.proc.pid, spec)

            env.attempt(case, body)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{MESSAGES_QUICK:,} records a run")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--messages", type=int, default=None, help="records per run")
    parser.add_argument("--no-pin", action="store_true", help="do not pin with taskset")
    parser.add_argument("--produce", default=None, help=argparse.SUPPRESS)  # the child's role
    args = parser.parse_args()
    if args.produce is not None:
        print(json.dumps(produce(json.loads(args.produce))), flush=True)
        return 0
    from bench.report import transactions_section

    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1
    root = Path(tempfile.mkdtemp(prefix="txn-bench-"))
    children = Children(pin=pin)
    # --quick figures are not results: a busy case is marked, not run again.
    env = Env(
        root,
        root,
        args.quick,
        args.runs,
        pin,
        children,
        busy_reruns=0 if args.quick else noise.BUSY_RERUNS,
    )
    try:
        run(env, args.messages)
    finally:
        children.kill_all()
        shutil.rmtree(root, ignore_errors=True)
    print("\n".join(transactions_section(env)))
    failed = any(c.failures for c in env.cases.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
