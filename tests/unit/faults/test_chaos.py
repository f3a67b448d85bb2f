"""ChaosSchedule: the same seed gives the same faults at the same offsets, whatever is asked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.faults import CHAOS_KINDS, ChaosSchedule, FaultKind, FaultSpecError

pytestmark = pytest.mark.timeout(60)


def _sequence(schedule: ChaosSchedule, n: int) -> list[tuple[int, str]]:
    return [(f.at_ms, f.spec.describe()) for f in schedule.first(n)]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63), rate=st.floats(0.1, 100.0))
def test_a_seed_replays_its_faults(seed: int, rate: float) -> None:
    assert _sequence(ChaosSchedule(seed, rate), 40) == _sequence(ChaosSchedule(seed, rate), 40)


def test_asking_in_steps_gives_the_same_sequence() -> None:
    whole = ChaosSchedule(11, 10.0)
    stepped = ChaosSchedule(11, 10.0)
    got: list[tuple[int, str]] = []
    index = 0
    for elapsed_ms in range(0, 5000, 50):
        due = stepped.due(index, elapsed_ms)
        index += len(due)
        got.extend((f.at_ms, f.spec.describe()) for f in due)
        assert all(f.at_ms <= elapsed_ms for f in due)
    assert got == _sequence(whole, len(got))
    assert len(got) > 20


def test_other_seeds_differ() -> None:
    assert _sequence(ChaosSchedule(1, 5.0), 20) != _sequence(ChaosSchedule(2, 5.0), 20)


def test_the_rate_is_roughly_kept() -> None:
    schedule = ChaosSchedule(5, 20.0)
    in_ten_seconds = schedule.due(0, 10_000)
    assert 150 <= len(in_ten_seconds) <= 250


def test_only_the_chosen_kinds_and_apis() -> None:
    schedule = ChaosSchedule(3, 5.0, kinds=["error"], apis=["Produce"])
    for fault in schedule.first(50):
        assert fault.spec.kind is FaultKind.ERROR
        assert fault.spec.api == 0
        assert fault.spec.error is not None and fault.spec.error.retriable


def test_every_default_kind_appears() -> None:
    kinds = {f.spec.kind for f in ChaosSchedule(9, 5.0).first(200)}
    assert kinds == set(CHAOS_KINDS)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"rate_per_s": 0}, "rate"),
        ({"rate_per_s": 1000}, "rate"),
        ({"kinds": ["pause"]}, "chaos draws only"),
        ({"kinds": ["melt"]}, "unknown fault kind"),
        ({"kinds": []}, "at least one kind"),
        ({"apis": ["Nope"]}, "unknown API"),
        ({"apis": []}, "at least one API"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(FaultSpecError, match=words):
        ChaosSchedule(1, **kwargs)  # type: ignore[arg-type]
