"""``bench/startup_bench.py`` runs end to end on a tiny crash: the start-up, recovery and first
produce rows come out with positive times, and the end offsets come back no sooner than the
first answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Two broker starts for the warm-up and the topic, three measured ones, a tiny data set.
RUN_TIMEOUT_S = 120.0

pytestmark = pytest.mark.timeout(RUN_TIMEOUT_S + 30)

_ROW = r"\s+([\d.]+) s \[[\d.]+\.\.[\d.]+\]"


def test_startup_bench_prints_start_up_and_recovery(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), *sys.path]))
    argv = [sys.executable, "bench/startup_bench.py", "--dir", str(tmp_path), "--runs", "1"]
    argv += ["--gib", "0.01", "--partitions", "2", "--dirty-gib", "0.001"]
    out = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    values: dict[str, float] = {}
    names = (
        "start-up, empty",
        "kill -9, 0.01 GiB: first answer",
        "end offsets back",
        "first Produce to each partition",
        "another connection's longest wait",
    )
    for name in names:
        row = re.search(rf"^\s+{re.escape(name)}{_ROW}", out.stdout, re.M)
        assert row is not None, out.stdout
        values[name] = float(row.group(1))
        assert values[name] > 0
    assert values["end offsets back"] >= values["kill -9, 0.01 GiB: first answer"]
    assert list(tmp_path.iterdir()) == []  # the data is removed
