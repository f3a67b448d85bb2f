"""``bench/security_bench.py`` runs end to end on a small load: a produce and a consume row for
each listener (the baseline, PLAINTEXT, SSL and SASL_SSL with ACLs on), each with positive
throughput and a CPU per GB (the script checks that the consumer read back every message), and
nothing left behind."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 180.0

pytestmark = [
    pytest.mark.skipif(
        shutil.which("kcat") is None, reason="kcat is not installed (apt-get install kcat)"
    ),
    pytest.mark.timeout(RUN_TIMEOUT_S + 30),
]


def test_security_bench_runs_and_cleans_up(tmp_path: Path) -> None:
    argv = [sys.executable, "bench/security_bench.py", "--sizes", "1024", "--seconds", "0.05"]
    argv += ["--runs", "1", "--dir", str(tmp_path), "--no-pin"]
    out = subprocess.run(
        argv, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    rows = re.findall(
        r"^\| ([A-Z_, a-zA-Z]+) \| (produce|consume) \| 1024 B \| ([\d,]+) \| [\d.,]+ "
        r"\| ([\d.]+) \|",
        out.stdout,
        re.M,
    )
    listeners = ["PLAINTEXT, no ACLs", "PLAINTEXT", "SSL", "SASL_SSL"]
    assert [(r[0], r[1]) for r in rows] == [
        (name, phase) for name in listeners for phase in ("produce", "consume")
    ], out.stdout
    for _name, _phase, msgs_s, per_gb in rows:
        assert int(msgs_s.replace(",", "")) > 0
        assert float(per_gb) >= 0  # a tiny load may cost less than a clock tick
    assert list(tmp_path.iterdir()) == []
