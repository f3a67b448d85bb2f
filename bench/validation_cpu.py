"""Broker CPU per GB produced, with kcat (librdkafka, C) as the load: the cost of validating
every record on the produce path.

    python bench/validation_cpu.py [--tree PATH] [--sizes 100,1024] [--seconds 6] [--runs 2]
                                   [--pure-python] [--compression none] [--dir /tmp] [--no-pin]
                                   [--keep-messages]

``--tree`` is the source tree the broker runs from (default: this repository), so an older
commit can be measured from a ``git worktree`` next to the current one, with this script and
the current tree's tools. For each message size the script starts a fresh broker
(``log.flush.policy=none``: fsyncs are not what is measured), creates a one-partition topic,
writes a file of messages, produces it with ``kcat -P -l`` (``linger.ms=5``,
``batch.num.messages=10000``, acks=all), reads the broker's utime + stime from
``/proc/PID/stat`` around the load, and checks that the log end offset is the message count
(every message acknowledged). It prints CPU seconds per GB of message payload, msgs/s
and the load average before and after each run. ``--compression`` (or ``--codec``) is
kcat's ``-z``. ``--pure-python`` sets ``SAMSA_PURE_PYTHON=1`` for the broker (the record
walk without its C extension).

Others may share the machine: compare runs only at a similar load average, and re-run when it
was high. The broker is pinned to CPU 0 and kcat to CPU 1 when ``taskset`` exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import create_topic_named, log_end_offsets  # noqa: E402

HOST: Final = "127.0.0.1"
TOPIC: Final = "validation-cpu"
CLK_TCK: Final = os.sysconf("SC_CLK_TCK")
GB: Final = 1_000_000_000
#: Messages per second assumed when sizing the file to ``--seconds`` of load; generous, so
#: that a faster broker still gets at least that long (it is a floor, not a target).
ASSUMED_MSGS_S: Final = {100: 1_500_000, 1024: 400_000}
#: Most messages in one file (100 B: 1 GB; 1 KiB: 10 GB of payload): a bound on the disk used.
MAX_MESSAGES: Final = 10_000_000
#: How long the broker may take to answer, and kcat to deliver everything.
START_TIMEOUT_S: Final = 60.0
KCAT_TIMEOUT_S: Final = 600.0
SERVER_CPU: Final = "0"
LOADGEN_CPU: Final = "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pinned(cpu: str, argv: list[str], pin: bool) -> list[str]:
    if pin and shutil.which("taskset"):
        return ["taskset", "-c", cpu, *argv]
    return argv


def write_messages(path: Path, size: int, count: int) -> None:
    """``count`` lines of ``size`` printable bytes (kcat sends each line as one message)."""
    line = (b"0123456789abcdefghijklmnopqrstuvwxyz" * (size // 36 + 1))[:size] + b"\n"
    chunk = line * 10_000
    with path.open("wb") as f:
        full, rest = divmod(count, 10_000)
        for _ in range(full):
            f.write(chunk)
        f.write(line * rest)


def wait_until_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the broker exited with status {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the broker did not listen within {START_TIMEOUT_S:g} s")


def record_walk(tree: Path, pure_python: bool) -> str:
    """Which record walk a broker started from ``tree`` uses: ``c``, ``python`` or ``none``
    (a tree from before record validation)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("SAMSA_PURE_PYTHON", None)
    if pure_python:
        env["SAMSA_PURE_PYTHON"] = "1"
    code = (
        "try:\n from protocol.records.validate import IMPLEMENTATION\n"
        "except ImportError:\n IMPLEMENTATION = 'none'\nprint(IMPLEMENTATION)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, check=True
    )
    return out.stdout.decode().strip()


def run_once(
    tree: Path, size: int, count: int, messages: Path, args: argparse.Namespace
) -> dict[str, float | str]:
    data = Path(tempfile.mkdtemp(prefix="samsa-validation-cpu-", dir=args.dir))
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("SAMSA_PURE_PYTHON", None)
    if args.pure_python:
        env["SAMSA_PURE_PYTHON"] = "1"
    argv = [sys.executable, "-c", "from broker.cli import main; main()", "broker", "start"]
    argv += ["--data-dir", str(data), "--host", HOST, "--port", str(port)]
    argv += ["--log-level", "warning", "--set", "log.flush.policy=none"]
    argv += ["--set", "http.listeners=127.0.0.1:0"]
    log_path = Path(args.dir) / f"validation-cpu-{port}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        pinned(SERVER_CPU, argv, args.pin), cwd=tree, env=env, stdout=log, stderr=log
    )
    failed = True
    try:
        wait_until_listening(port, proc)
        create_topic_named(port, TOPIC, 1)
        kcat = [
            "kcat", "-P", "-b", f"{HOST}:{port}", "-t", TOPIC, "-l", str(messages),
            "-z", args.codec, "-X", "linger.ms=5", "-X", "batch.num.messages=10000",
        ]  # fmt: skip
        load_before = load_average()
        cpu0 = cpu_seconds(proc.pid)
        start = time.perf_counter()
        done = subprocess.run(
            pinned(LOADGEN_CPU, kcat, args.pin),
            capture_output=True,
            timeout=KCAT_TIMEOUT_S,
            check=False,
        )
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds(proc.pid) - cpu0
        if done.returncode != 0:
            raise RuntimeError(f"kcat failed: {done.stderr.decode(errors='replace')[-500:]}")
        written = log_end_offsets(port, TOPIC, 1, START_TIMEOUT_S)
        if written != count:
            raise RuntimeError(
                f"the broker holds {written} of {count} messages: "
                f"{done.stderr.decode(errors='replace')[-500:]}"
            )
        payload = size * count
        failed = False
        return {
            "cpu_s": cpu,
            "cpu_s_per_gb": cpu / (payload / GB),
            "msgs_s": count / elapsed,
            "elapsed_s": elapsed,
            "load_before": load_before,
            "load_after": load_average(),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
        if failed:
            print(f"the broker's log: {log_path}", file=sys.stderr)
        else:
            log_path.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="source tree of the broker")
    parser.add_argument("--sizes", default="100,1024", help="message sizes in bytes")
    parser.add_argument("--seconds", type=float, default=6.0, help="least load per run")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--pure-python", action="store_true", help="SAMSA_PURE_PYTHON=1")
    parser.add_argument(
        "--codec",
        "--compression",
        default="none",
        help="kcat -z (none, gzip, snappy, lz4, zstd)",
    )
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="data and message files")
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument(
        "--keep-messages", action="store_true", help="keep the message files for the next run"
    )
    args = parser.parse_args()
    if shutil.which("kcat") is None:
        print("kcat is not installed (apt-get install kcat)", file=sys.stderr)
        return 2
    tree = args.tree.resolve()
    walk = record_walk(tree, args.pure_python)
    print(f"tree {tree}: record walk {walk}, codec {args.codec}, load average {load_average()}")
    print("| size | run | CPU s | CPU s/GB | msgs/s | s | load before | load after |")
    print("|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        rate = ASSUMED_MSGS_S.get(size, max(10_000, 100_000_000 // size))
        count = min(MAX_MESSAGES, int(rate * args.seconds))
        messages = Path(args.dir) / f"validation-cpu-{size}-{count}.txt"
        if not messages.exists():
            write_messages(messages, size, count)
        try:
            for run in range(1, args.runs + 1):
                r = run_once(tree, size, count, messages, args)
                print(
                    f"| {size} B | {run} | {r['cpu_s']:.2f} | {r['cpu_s_per_gb']:.2f} | "
                    f"{r['msgs_s']:,.0f} | {r['elapsed_s']:.1f} | {r['load_before']} | "
                    f"{r['load_after']} |",
                    flush=True,
                )
        finally:
            if not args.keep_messages:
                messages.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
