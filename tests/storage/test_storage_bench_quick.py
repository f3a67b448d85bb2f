"""Smoke test of bench/storage_bench.py: ``--quick`` runs and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(60)
def test_storage_bench_quick(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "storage_bench.py"),
            "--quick",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for row in ("raw os.write, 16 KiB", "append none, 1 MiB", "append group", "p99",
                "read sendfile"):
        assert row in out, out
    assert list(tmp_path.iterdir()) == []  # cleaned up
