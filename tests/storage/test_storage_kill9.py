"""kill -9 durability: a child appends with the ``group`` flush policy and reports every
acknowledged append; the parent SIGKILLs it at a random moment, recovers the log and checks
that every acknowledged batch is there, intact, at its offset. Rounds reuse the same log, so
each round also recovers what the previous kill left."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broker.storage import LogManager, TopicPartition
from protocol.records import iter_batches

ROUNDS = 20
REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("kill9_child.py")
TP = TopicPartition("kill9", 0)
#: Bound on waiting for the child to start or to report one append.
CHILD_WAIT_S = 20.0
NEWLINE = b"\n"


def read_lines_until(proc: subprocess.Popen[bytes], stop_after: int, deadline: float) -> bytes:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    data = b""
    while data.count(NEWLINE) < stop_after:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"child too slow: {data.count(NEWLINE)} lines")
        if not sel.select(remaining):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise AssertionError(f"child exited early: {proc.wait(5)}")
        data += chunk
    sel.close()
    return data


def recovered_payloads(log_dir: Path) -> dict[int, str]:
    manager = LogManager([log_dir])
    manager.startup(now_ms=0)
    try:
        log = manager.get_log(TP, now_ms=0)
        assert log is not None
        found: dict[int, str] = {}
        offset = log.log_start_offset
        while offset < log.log_end_offset:
            with log.read(offset, 1 << 20) as s:
                data = s.read_bytes()
            batches = list(iter_batches(data, allow_partial=False))
            for b in batches:
                b.validate()
                first = next(iter(b.records()))
                assert first.value is not None
                found[b.base_offset] = first.value.decode().split("/")[0]
            offset = batches[-1].next_offset
        return found
    finally:
        manager.shutdown()


@pytest.mark.timeout(300)
def test_acknowledged_appends_survive_kill_9(tmp_path: Path) -> None:
    rng = random.Random(20240611)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    acked: dict[int, str] = {}
    started = time.monotonic()
    for round_no in range(ROUNDS):
        appenders = rng.choice([1, 4, 16])
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(tmp_path), str(appenders)],
            stdout=subprocess.PIPE,
            env=env,
        )
        try:
            deadline = time.monotonic() + CHILD_WAIT_S
            data = read_lines_until(proc, 1, deadline)  # "ready"
            data += read_lines_until(proc, rng.randint(1, 300), deadline)
            time.sleep(rng.random() * 0.05)  # a random moment, mid-append or mid-fsync
            proc.send_signal(signal.SIGKILL)
            assert proc.stdout is not None
            data += proc.stdout.read()
        finally:
            proc.kill()
            proc.wait(CHILD_WAIT_S)
            if proc.stdout is not None:
                proc.stdout.close()
        lines = data.split(b"\n")[:-1]  # a cut-off last line was never acknowledged
        for line in lines[1:]:
            offset, payload = line.decode().split(" ")
            acked[int(offset)] = payload
        found = recovered_payloads(tmp_path)
        missing = {o: p for o, p in acked.items() if found.get(o) != p}
        assert not missing, f"round {round_no}: acknowledged appends lost: {list(missing)[:5]}"
    print(f"{ROUNDS} kill -9 rounds, {len(acked)} acknowledged appends, "
          f"{time.monotonic() - started:.1f} s")
