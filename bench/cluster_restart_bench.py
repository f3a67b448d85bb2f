"""A 3-broker cluster killed with ``kill -9`` and started again, for one source tree or several
(A/B, alternated).

Each run starts ``samsa cluster up --brokers 3`` in a fresh directory
(``log.flush.policy=none``; ``auto.leader.rebalance.enable=false``, so that leaders stay where
the crash left them). It creates a topic of ``--partitions`` partitions with replication factor
3. The C load generator writes ``--mib`` MiB of 1 KiB records to it with acks=all, so every
broker holds all of it, mostly not yet covered by a recovery point. Then every process gets
SIGKILL: the launcher first (so that it restarts nothing), then the brokers.

``cluster up`` then starts again on the same directory. The run reports the seconds from that
spawn to:

* **first answer**: every broker has answered an ApiVersions (the slowest of the three);
* **acks=all everywhere**: 300 records of 100 B, acks=all, spread over every partition, are
  all acknowledged by the C load generator (which recovers every partition on its leader and
  its followers).

Then every record acknowledged before and after the crash must be below the high watermarks,
or the run fails.

Every broker keeps its bytecode (under ``PYTHONPYCACHEPREFIX`` in the run's folder), as an
installed one has its .pyc files: the start before the crash writes it, so no tree's restart
compiles every module.

Wall clock on the same machine as the brokers: run it on a quiet machine (check ``uptime``
first); the three brokers start at once on the same cores.

    python bench/cluster_restart_bench.py [--dir /tmp] [--runs 3] [--mib 900]
                                          [--partitions 3] [--tree PATH ...]
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
import time
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import loadgen_c  # noqa: E402
from bench.broker_bench import probe  # noqa: E402
from bench.common import HOST, create_topic_named, descendants  # noqa: E402
from bench.scenarios.cluster import free_base_port  # noqa: E402
from protocol.errors import ProtocolError  # noqa: E402

TOPIC: Final = "restart"
BROKERS: Final = 3
RECORD_BYTES: Final = 1024
#: Records written after the restart, with acks=all, to every partition.
AFTER_RECORDS: Final = 300
#: Most the cluster may take to form, or to come back after the crash.
UP_TIMEOUT_S: Final = 120.0
#: Between two ApiVersions attempts while the brokers start.
POLL_INTERVAL_S: Final = 0.01
#: Between two watermark queries (each by a new client).
RETRY_INTERVAL_S: Final = 0.1
#: A probe's own timeout: a started broker answers ApiVersions in milliseconds.
PROBE_TIMEOUT_S: Final = 5.0
#: Longest the fill may take (900 MiB takes seconds).
FILL_TIMEOUT_S: Final = 600.0
#: Longest a killed process may take to be reaped.
REAP_TIMEOUT_S: Final = 30.0


def _cluster_up(
    tree: Path, data: Path, base: int, log_path: Path, pycache: Path
) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-c", "from broker.cli import main; main()",
        "cluster", "up", "--brokers", str(BROKERS), "--data-dir", str(data),
        "--base-port", str(base), "--set", "log.flush.policy=none",
        "--set", "auto.leader.rebalance.enable=false",
    ]  # fmt: skip
    # Bytecode is kept (in ``pycache``), as an installed broker has its .pyc files: the start
    # before the crash writes it, so the restart measured does not compile every module (as it
    # would with PYTHONDONTWRITEBYTECODE set, or in a tree never run before).
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(pycache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=tree, env=env
        )


def _wait_bootstrap(proc: subprocess.Popen[bytes], log_path: Path) -> str:
    """The bootstrap servers ``cluster up`` prints once every broker is unfenced."""
    deadline = time.monotonic() + UP_TIMEOUT_S
    while True:
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith("Bootstrap servers:"):
                return line.split(":", 1)[1].strip()
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-500:]
            raise RuntimeError(f"cluster up exited ({proc.returncode}): {tail}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cluster did not form within {UP_TIMEOUT_S:g} s")
        time.sleep(0.1)


def _kill_all(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the launcher, then every broker it started (each in a session of its own)."""
    children = descendants(proc.pid)
    proc.kill()
    proc.wait(REAP_TIMEOUT_S)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + REAP_TIMEOUT_S
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        if time.monotonic() > deadline:
            raise TimeoutError("killed brokers did not go away")
        time.sleep(POLL_INTERVAL_S)


def _answers(port: int) -> bool:
    try:
        probe(port, PROBE_TIMEOUT_S)
    except (OSError, ProtocolError):
        return False
    return True


def _high_watermarks(bootstrap: str, partitions: int) -> int:
    """The sum of the topic's high watermarks, as its leaders give them. A query that fails is
    asked again by a new client. Right after the restart, each broker's registration moves
    what its previous incarnation led, so for some milliseconds a partition can have no
    leader, or one the answer does not list; librdkafka fails a watermark query for such a
    partition as unknown, and one client kept failing so for over 10 s."""
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    deadline = time.monotonic() + UP_TIMEOUT_S
    while True:
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "cluster-restart-bench"})
        try:
            return sum(
                consumer.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=PROBE_TIMEOUT_S)[1]
                for p in range(partitions)
            )
        except KafkaException:
            if time.monotonic() > deadline:
                raise
        finally:
            consumer.close()
        time.sleep(RETRY_INTERVAL_S)


def _produce(generator: Path, bootstrap: str, count: int, size: int, partitions: int) -> None:
    argv = [
        str(generator), "produce", "-b", bootstrap, "-t", TOPIC, "-s", str(size),
        "-n", str(count), "-a", "-1", "-p", str(partitions), "-T", str(int(UP_TIMEOUT_S)),
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=FILL_TIMEOUT_S)
    if done.returncode != 0 or '"error"' in done.stdout:
        raise RuntimeError(f"the load generator failed: {done.stdout[-300:]} {done.stderr[-300:]}")


def run_once(
    tree: Path, root: Path, generator: Path, mib: int, partitions: int, pycache: Path
) -> tuple[float, float]:
    """(seconds to every broker's first answer, seconds to acks=all on every partition)."""
    data = Path(tempfile.mkdtemp(prefix="cluster-", dir=root))
    log_path = data.with_suffix(".log")
    base = free_base_port()
    ports = [base + i for i in range(BROKERS)]
    proc = _cluster_up(tree, data, base, log_path, pycache)
    try:
        bootstrap = _wait_bootstrap(proc, log_path)
        create_topic_named(ports[0], TOPIC, partitions, replication_factor=BROKERS)
        filled = mib * 1024 * 1024 // RECORD_BYTES
        _produce(generator, bootstrap, filled, RECORD_BYTES, partitions)
        _kill_all(proc)
        start = time.monotonic()
        proc = _cluster_up(tree, data, base, log_path, pycache)
        waiting = set(ports)
        deadline = start + UP_TIMEOUT_S
        while waiting:
            waiting = {port for port in waiting if not _answers(port)}
            if proc.poll() is not None:
                raise RuntimeError(f"cluster up exited ({proc.returncode}) after the crash")
            if time.monotonic() > deadline:
                raise TimeoutError(f"brokers on {sorted(waiting)} did not answer")
            if waiting:
                time.sleep(POLL_INTERVAL_S)
        first_answer = time.monotonic() - start
        _produce(generator, bootstrap, AFTER_RECORDS, 100, partitions)
        acked = time.monotonic() - start
        # Every record acknowledged before and after the crash is there (acks=all: below
        # every partition's high watermark).
        written = filled + AFTER_RECORDS
        found = _high_watermarks(bootstrap, partitions)
        if found != written:
            raise RuntimeError(f"{written} records acknowledged, {found} below the watermarks")
        return first_answer, acked
    finally:
        if proc.poll() is None:
            _kill_all(proc)
        shutil.rmtree(data, ignore_errors=True)
        log_path.unlink(missing_ok=True)


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s [{min(values):.2f}..{max(values):.2f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="where data goes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mib", type=int, default=900, help="MiB written before the crash")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--tree", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    trees = [t.resolve() for t in args.tree] or [REPO]
    try:
        generator = loadgen_c.build("system")
    except loadgen_c.Unavailable as exc:
        print(f"cluster restart: {exc}", file=sys.stderr)
        return 1
    root = Path(tempfile.mkdtemp(prefix="samsa-cluster-restart-", dir=args.dir))
    results: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
    try:
        for n in range(args.runs):
            order = trees if n % 2 == 0 else list(reversed(trees))
            for tree in order:
                first, acked = run_once(
                    tree, root, generator, args.mib, args.partitions, root / "pycache"
                )
                results[tree].append((first, acked))
                print(f"# run {n + 1} {tree}: {first:.2f} s, {acked:.2f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"\n{BROKERS} brokers, {args.mib} MiB of {RECORD_BYTES} B records in {args.partitions} "
        f"partitions (replication factor {BROKERS}), kill -9, restart; median [range] of "
        f"{args.runs} runs, host {HOST}\n"
    )
    print("| tree | every broker answers | acks=all answered on every partition |")
    print("|---|---|---|")
    for tree, runs in results.items():
        firsts = [f for f, _ in runs]
        acks = [a for _, a in runs]
        print(f"| {tree.name or tree} | {_fmt(firsts)} | {_fmt(acks)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
