"""``bench.memory``: how much scratch a case gets, that priming leaves nothing behind, and that
the calibration measures both sides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import memory

pytestmark = pytest.mark.timeout(60)

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"role": "produce", "size": 1024, "messages": 1000}, 1024 * 1000),
        ({"role": "nats-produce", "size": 100, "messages": 50}, 5000),
        ({"role": "latency", "size": 1024, "rate": 10_000, "duration_s": 2.0}, 1024 * 20_000),
        (
            {"role": "fleet", "size": 100, "producers": 10, "interval_ms": 100, "seconds": 2},
            100 * 10 * 20,
        ),
        # Readers store nothing: no scratch, however many messages they read.
        ({"role": "consume", "size": 1024, "messages": 1000}, 0),
        ({"role": "fetch", "size": 1024, "messages": 1000}, 0),
        ({"role": "produce", "size": 1024}, 0),
    ],
)
def test_expected_bytes(spec: dict[str, Any], expected: int) -> None:
    assert memory.expected_bytes(spec) == expected


def test_prime_bytes_has_headroom_and_a_cap() -> None:
    assert memory.prime_bytes(0) == 0
    small = memory.prime_bytes(100 * MIB)
    assert small == int(100 * MIB * memory.PRIME_HEADROOM) + memory.PRIME_EXTRA_BYTES
    assert memory.prime_bytes(10 * 1024 * MIB) == memory.PRIME_MAX_BYTES


def test_prime_writes_then_removes_its_scratch(tmp_path: Path) -> None:
    memory.prime(tmp_path, 3 * MIB + 5)  # not a whole chunk: the last write is short
    assert list(tmp_path.iterdir()) == []
    memory.prime(tmp_path, 0)
    assert list(tmp_path.iterdir()) == []


def test_calibration_measures_both_sides(tmp_path: Path) -> None:
    calibration = memory.calibrate(tmp_path, nbytes=8 * MIB, idle_s=0.0)
    assert calibration.warm_s_per_gb >= 0.0
    assert calibration.cold_s_per_gb >= 0.0
    assert list(tmp_path.iterdir()) == []
    text = calibration.describe()
    assert f"{calibration.warm_s_per_gb:.2f}" in text
    assert f"{calibration.cold_s_per_gb:.2f}" in text


def test_calibration_verdict() -> None:
    assert memory.Calibration(0.2, 1.5, 10.0).taxed
    assert "hands free memory back" in memory.Calibration(0.2, 1.5, 10.0).describe()
    assert not memory.Calibration(0.2, 0.25, 10.0).taxed
    assert "no sign" in memory.Calibration(0.2, 0.25, 10.0).describe()
