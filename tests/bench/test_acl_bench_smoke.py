"""``bench/acl_bench.py --quick`` runs end to end: a row per case with positive times, the
checks' row for each, and the once-per-change costs for the two cases with ACLs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 120.0

pytestmark = pytest.mark.timeout(RUN_TIMEOUT_S + 30)

_NUMBER = r"\s+([\d.]+) \[[\d.]+\.\.[\d.]+\]"


def test_acl_bench_quick_prints_every_case() -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), *sys.path]))
    out = subprocess.run(
        [sys.executable, "bench/acl_bench.py", "--quick"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    cases = ("ACLs off", "on, 10 bindings", "on, 10,000 bindings")
    for case in cases:
        row = re.search(rf"^{re.escape(case)}{_NUMBER * 3}", out.stdout, re.M)
        assert row is not None, out.stdout
        assert all(float(v) > 0 for v in row.groups())
    once = re.findall(rf"^(on, [\d,]+ bindings){_NUMBER * 2}\s*$", out.stdout, re.M)
    assert [name for name, *_ in once] == list(cases[1:]), out.stdout
