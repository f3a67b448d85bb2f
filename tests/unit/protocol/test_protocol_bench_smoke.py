"""The protocol bench still runs (its figures are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "protocol_bench.py"


@pytest.mark.timeout(60)
def test_protocol_bench_quick_prints_its_table() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, check=True,
        timeout=60,
    ).stdout
    for case in ("ProduceRequest v8 decode", "MetadataResponse v8 encode", "RecordBatch.validate"):
        assert case in out
