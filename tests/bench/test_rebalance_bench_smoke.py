"""``bench/rebalance_bench.py`` runs end to end once per case: a row for each protocol with a
rebalance time, KIP-848's three members consuming while the fourth joins and losing only the
partitions that move, eager classic revoking all twelve, the medians table, and nothing left
behind."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("confluent_kafka")

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 120.0

pytestmark = pytest.mark.timeout(RUN_TIMEOUT_S + 30)

CASES = (
    "classic, range,roundrobin (default)",
    "classic, cooperative-sticky",
    "consumer (KIP-848), uniform",
)
ROW = re.compile(
    r"^\| (?P<case>[^|]+) \| 0 \| (?P<ms>[\d,]+) \| (?P<consumed>[\d,]+) \| (?P<gap>[\d,]+) \| "
    r"(?P<steady>[\d,]+) \| (?P<revoked>\d+) \| (?P<kept>\d+) \| [\d. ]+ \| [\d.]+ \| (busy)? \|$",
    re.M,
)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_rebalance_bench_runs_each_protocol(tmp_path: Path) -> None:
    out_file = tmp_path / "rebalance.md"
    work = tmp_path / "work"
    work.mkdir()
    argv = [sys.executable, "bench/rebalance_bench.py", "--quick", "--no-pin"]
    argv += ["--dir", str(work), "--out", str(out_file)]
    out = subprocess.run(
        argv, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    rows = {m["case"]: m for m in ROW.finditer(out.stdout)}
    assert tuple(rows) == CASES, out.stdout
    for row in rows.values():
        # The fourth member has to find the coordinator, join and be given partitions.
        assert number(row["ms"]) > 0
        assert number(row["gap"]) > 0
    eager, cooperative, kip848 = (rows[case] for case in CASES)
    assert number(kip848["consumed"]) > 0, "the three stopped while the fourth joined"
    # Three partitions move to the fourth member; the twelve of eager revocation all go.
    assert number(eager["revoked"]) == 12
    for incremental in (cooperative, kip848):
        assert 3 <= number(incremental["revoked"]) < 12
        assert number(incremental["kept"]) == 0
    assert re.search(r"^\| case \| rebalance ms \| consumed during it \|", out.stdout, re.M)
    assert out_file.read_text().count("consumer (KIP-848), uniform") == 2
    assert list(work.iterdir()) == []
