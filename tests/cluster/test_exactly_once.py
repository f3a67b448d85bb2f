"""Exactly-once under faults: ``bench/eos_fault_run.py`` (three broker processes, a
consume-transform-produce loop with confluent-kafka's transactions and
send_offsets_to_transaction, partition leaders and coordinators SIGKILLed and restarted) must
end with every input record in the output once: no duplicate, none missing.

Both are fault runs, so both need ``--run-slow``: a short one (a fault or two, within about a
minute) and a longer one. The single-broker transaction tests (``tests/compat/*transactions*``,
``tests/integration/test_txn_kill9.py``) run in every suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("confluent_kafka")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "eos_fault_run.py"


def eos_fault_run(tmp_path: Path, timeout_s: float, *args: str) -> dict[str, Any]:
    """Run the script; its JSON summary (the output is in the assertion on failure)."""
    out = tmp_path / "summary.json"
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--data-dir",
            str(tmp_path / "data"),
            "--out",
            str(out),
            "--timeout-s",
            str(timeout_s),
            *args,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout_s + 120,  # the run's own bound, plus reading the output and stopping
    )
    detail = f"{done.stdout}\n{done.stderr[-4000:]}"
    assert out.exists(), detail
    summary: dict[str, Any] = json.loads(out.read_text())
    assert done.returncode == 0, detail
    return summary


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_short_run_with_a_killed_broker_is_exactly_once(tmp_path: Path) -> None:
    summary = eos_fault_run(
        tmp_path,
        90,
        *("--records", "3000", "--txn-records", "20", "--interval-s", "1"),
        *("--down-s", "2", "--max-faults", "2", "--seed", "17"),
    )
    assert summary["faults"] >= 1
    assert summary["duplicates"] == summary["missing"] == 0
    assert summary["processed"] == 3000


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_a_long_run_with_every_kind_of_fault_is_exactly_once(tmp_path: Path) -> None:
    summary = eos_fault_run(
        tmp_path,
        1200,
        *("--records", "20000", "--txn-records", "100", "--interval-s", "6"),
        *("--down-s", "3", "--max-faults", "12"),
    )
    assert summary["faults"] >= 3  # each kind: partition leader, both coordinators
    assert summary["duplicates"] == summary["missing"] == 0
    assert summary["processed"] == 20000
