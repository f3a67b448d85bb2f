"""``bench/broker_bench.py --quick`` runs end to end as a subprocess and prints its table."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def _run_quick(data_dir: Path) -> tuple[int, str, str]:
    """Run the quick bench; on a timeout stop it with SIGTERM first, so that it kills the
    broker and sink processes it started, then fail."""
    script = REPO / "bench" / "broker_bench.py"
    proc = subprocess.Popen(
        [sys.executable, str(script), "--quick", "--dir", str(data_dir)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=STOP_TIMEOUT_S)
        pytest.fail(f"broker_bench.py --quick ran past {RUN_TIMEOUT_S:g} s\n{out}\n{err}")
    return proc.returncode, out, err


@pytest.mark.timeout(90)
def test_quick_bench_prints_the_table(tmp_path: Path) -> None:
    pytest.importorskip("confluent_kafka")
    status, out, err = _run_quick(tmp_path)
    assert status == 0, f"status {status}\n{out}\n{err}"
    assert "FAILED" not in out, out
    number = r"\d+(?:\.\d+)?"
    for size in ("100 B", "1 KiB"):
        for acks in ("acks=1", "acks=all"):
            for server in ("sink", "none", "group"):
                row = rf"^produce\s+{size} {acks}\s+{server}\s+{number}\s"
                assert re.search(row, out, re.MULTILINE), f"no row {row!r} in\n{out}"
        for consumer in ("confluent-kafka", "raw Fetch"):
            row = rf"^consume\s+{size} {consumer}\s+{number}\s"
            assert re.search(row, out, re.MULTILINE), f"no row {row!r} in\n{out}"
    assert re.search(rf"^broker start-up .*\s{number} s \[", out, re.MULTILINE), out
    assert re.search(rf"^broker idle RSS, no topic\s+{number} MB", out, re.MULTILINE), out
    targets = re.findall(r"\s(met|MISSED)$", out, re.MULTILINE)
    assert len(targets) == 6, out
    # Every process and every file it made is gone.
    assert list(tmp_path.iterdir()) == []
