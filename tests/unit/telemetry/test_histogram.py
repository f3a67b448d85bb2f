"""``LatencyHistogram``: one bucket per observation, Prometheus' inclusive upper bounds."""

from __future__ import annotations

import pytest

from broker.telemetry import DEFAULT_BOUNDS_S, LatencyHistogram

pytestmark = pytest.mark.timeout(10)


def test_an_observation_lands_in_the_first_bucket_whose_bound_is_not_below_it() -> None:
    h = LatencyHistogram((0.001, 0.01, 0.1))
    for seconds in (0.0, 0.001, 0.0011, 0.01, 0.05, 0.1, 0.5, 99.0):
        h.observe(seconds)
    assert h.counts == [2, 2, 2, 2]
    assert h.count == 8
    assert h.sum_s == pytest.approx(0.0011 + 0.001 + 0.01 + 0.05 + 0.1 + 0.5 + 99.0)


def test_cumulative_counts_end_with_every_observation_at_plus_inf() -> None:
    h = LatencyHistogram((1.0, 2.0))
    for seconds in (0.5, 1.5, 1.7, 3.0):
        h.observe(seconds)
    assert h.cumulative() == [(1.0, 1), (2.0, 3), (float("inf"), 4)]


def test_default_bounds_cover_100_microseconds_to_30_seconds() -> None:
    h = LatencyHistogram()
    assert h.bounds_s == DEFAULT_BOUNDS_S
    assert (DEFAULT_BOUNDS_S[0], DEFAULT_BOUNDS_S[-1]) == (0.0001, 30.0)
    assert len(h.counts) == len(DEFAULT_BOUNDS_S) + 1


def test_bounds_must_increase() -> None:
    with pytest.raises(ValueError, match="increase"):
        LatencyHistogram((0.1, 0.1))
