"""``bench/metrics_bench.py`` runs end to end on a small load: a cost row with the metrics on
(scraped at least once) and one with them off, each with positive throughput and a CPU per GB,
the medians and the overhead, a scrape-time row with a body of samples, and nothing left
behind."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 120.0

pytestmark = [
    pytest.mark.skipif(
        shutil.which("kcat") is None, reason="kcat is not installed (apt-get install kcat)"
    ),
    pytest.mark.timeout(RUN_TIMEOUT_S + 30),
]


def test_metrics_bench_runs_and_cleans_up(tmp_path: Path) -> None:
    argv = [sys.executable, "bench/metrics_bench.py", "--quick", "--dir", str(tmp_path)]
    argv.append("--no-pin")
    out = subprocess.run(
        argv, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    rows = re.findall(
        r"^\| 0 \| (on|off) \| ([\d,]+) \| [\d.,]+ \| ([\d.]+) \| (\d+) \| [\d. ]+ \| [\d.]+ "
        r"\| (busy)? \|$",
        out.stdout,
        re.M,
    )
    assert [r[0] for r in rows] == ["on", "off"], out.stdout
    for _setting, msgs_s, per_gb, _scrapes, _busy in rows:
        assert int(msgs_s.replace(",", "")) > 0
        assert float(per_gb) >= 0  # a tiny load may cost less than a clock tick
    assert int(rows[0][3]) >= 1  # scraped while the metrics were on
    assert rows[1][3] == "0"
    assert re.search(r"^metrics on : median [\d.]+ CPU s/GB", out.stdout, re.M), out.stdout
    assert re.search(r"^metrics off: median [\d.]+ CPU s/GB", out.stdout, re.M), out.stdout
    scrape = re.search(
        r"^\| 100 \| 1,000 \| ([\d.,]+) \| [\d.,]+ \| [\d,]+ \| [\d,]+ \| ([\d,]+) \|",
        out.stdout,
        re.M,
    )
    assert scrape is not None, out.stdout
    # 100 partitions, each with a log, offsets and a group's lag: hundreds of samples.
    assert int(scrape.group(2).replace(",", "")) > 100
    assert list(tmp_path.iterdir()) == []
