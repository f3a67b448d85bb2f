"""``bench/validation_cpu.py`` runs end to end on a small load: a table row per size with a
positive CPU per GB, every message acknowledged (the script checks the log end offset), and
no data, message file or broker log left behind."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 120.0

pytestmark = pytest.mark.skipif(
    shutil.which("kcat") is None, reason="kcat is not installed (apt-get install kcat)"
)


def test_validation_cpu_runs_and_cleans_up(tmp_path: Path) -> None:
    argv = [sys.executable, "bench/validation_cpu.py", "--sizes", "100,1024", "--seconds", "0.05"]
    argv += ["--runs", "1", "--dir", str(tmp_path), "--no-pin"]
    out = subprocess.run(
        argv, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "record walk c" in out.stdout or "record walk python" in out.stdout, out.stdout
    rows = re.findall(r"^\| (\d+) B \| 1 \| ([\d.]+) \| ([\d.]+) \| ([\d,]+) \|", out.stdout, re.M)
    assert [r[0] for r in rows] == ["100", "1024"], out.stdout
    for _size, _cpu, per_gb, msgs_s in rows:
        assert float(per_gb) > 0
        assert int(msgs_s.replace(",", "")) > 0
    assert list(tmp_path.iterdir()) == []
