"""``bench/client_bench.py --quick`` runs end to end for Samsa's client and aiokafka."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The quick run moves 20,000 small records per client; far more than this means a hang.
RUN_TIMEOUT_S = 90.0


def test_client_bench_quick_prints_its_table() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "client_bench.py"),
            "--quick",
            "--clients",
            "samsa,aiokafka",
            "--sizes",
            "100",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| samsa | 100 B")]
    assert len(rows) == 1
    assert "| aiokafka | 100 B |" in done.stdout
    assert "producer" in done.stdout and "x aiokafka" in done.stdout
