"""``bench/cluster_restart_bench.py`` runs end to end on a tiny data set: a 3-broker cluster
forms, is filled, killed and started again, and both times come out positive, the acks=all
one no sooner than every broker's first answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.bench_env import needs_c_loadgen

REPO = Path(__file__).resolve().parents[2]
#: Two cluster starts (each forming a quorum of three) and a few MiB written.
RUN_TIMEOUT_S = 150.0

pytestmark = [pytest.mark.timeout(RUN_TIMEOUT_S + 30), needs_c_loadgen()]

_TIME = r"([\d.]+) s \[[\d.]+\.\.[\d.]+\]"


def test_cluster_restart_bench_prints_both_times(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), *sys.path]))
    argv = [sys.executable, "bench/cluster_restart_bench.py", "--dir", str(tmp_path)]
    argv += ["--runs", "1", "--mib", "2", "--partitions", "2"]
    out = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    row = re.search(rf"^\| \S+ \| {_TIME} \| {_TIME} \|$", out.stdout, re.M)
    assert row is not None, out.stdout
    first_answer, acked = float(row.group(1)), float(row.group(2))
    assert 0 < first_answer <= acked
    assert list(tmp_path.iterdir()) == []  # the data is removed
