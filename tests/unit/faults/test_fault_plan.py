"""FaultPlan: which requests a fault hits, how often, for how long, and what it records."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from broker.faults import Fault, FaultPlan, FaultSpec, FaultSpecError, Firing
from broker.faults.plan import MAX_ACTIVE_FAULTS, MAX_HISTORY, is_after
from protocol.errors import ErrorCode

pytestmark = pytest.mark.timeout(30)

PRODUCE, FETCH, METADATA = 0, 1, 3


def _names(*tps: tuple[str, int]) -> Iterable[tuple[str, int]]:
    return tps


def test_nothing_armed_decides_nothing() -> None:
    plan = FaultPlan()
    assert not plan.request_faults_armed
    assert plan.on_request(PRODUCE, "app", 0) is None
    assert plan.on_connection(0) is None


def test_an_error_fires_count_times_then_ends() -> None:
    plan = FaultPlan()
    fault = plan.arm(FaultSpec.create("error", api="Produce", error=6, count=2), now_ms=0)
    assert plan.request_faults_armed
    decisions = [plan.on_request(PRODUCE, "app", t) for t in (1, 2, 3)]
    assert [d.error is fault for d in decisions if d is not None] == [True, True]
    assert decisions[2] is None
    assert not fault.active and fault.end_reason == "count"
    assert not plan.request_faults_armed
    assert plan.injected_total == {("error", "Produce"): 2}


def test_other_apis_and_clients_pass() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("error", api="Fetch", error=6, client_id="a", count=None), 0)
    assert plan.on_request(PRODUCE, "a", 1) is None
    assert plan.on_request(FETCH, "b", 1) is None
    hit = plan.on_request(FETCH, "a", 1)
    assert hit is not None and hit.error is not None
    assert hit.error.spec.error is ErrorCode.NOT_LEADER_OR_FOLLOWER


def test_skip_lets_requests_through_first() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("drop", api="Produce", skip=2), 0)
    hits = [plan.on_request(PRODUCE, None, t) is not None for t in range(4)]
    assert hits == [False, False, True, False]


def test_a_topic_scope_names_the_partitions_it_hits() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("error", api="Produce", error=7, topic="a", count=None), 0)
    assert plan.on_request(PRODUCE, None, 1, None) is None  # the API names no partitions
    assert plan.on_request(PRODUCE, None, 1, lambda: _names(("b", 0))) is None
    hit = plan.on_request(PRODUCE, None, 1, lambda: _names(("a", 0), ("a", 1), ("b", 0)))
    assert hit is not None and hit.error_partitions == frozenset({("a", 0), ("a", 1)})


def test_a_partition_scope() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("error", api="Fetch", error=6, topic="a", partition=1), 0)
    assert plan.on_request(FETCH, None, 1, lambda: _names(("a", 0))) is None
    hit = plan.on_request(FETCH, None, 1, lambda: _names(("a", 0), ("a", 1)))
    assert hit is not None and hit.error_partitions == frozenset({("a", 1)})


def test_partitions_are_listed_only_when_a_topic_scope_is_armed() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("delay", api="Produce", delay_ms=5, count=None), 0)
    calls: list[int] = []

    def partitions() -> Iterable[tuple[str, int]]:
        calls.append(1)
        return ()

    assert plan.on_request(PRODUCE, None, 1, partitions) is not None
    assert calls == []


def test_delays_add_up_and_one_error_wins() -> None:
    plan = FaultPlan()
    first = plan.arm(FaultSpec.create("error", error=6, count=None), 0)
    second = plan.arm(FaultSpec.create("error", error=7, count=None), 0)
    plan.arm(FaultSpec.create("delay", delay_ms=30), 0)
    plan.arm(FaultSpec.create("delay", delay_ms=20), 0)
    hit = plan.on_request(METADATA, None, 1)
    assert hit is not None
    assert hit.error is first and hit.delay_ms == 50
    assert second.fired == 0 and second.seen == 0
    assert len(hit.firings) == 3


def test_a_duration_ends_a_fault() -> None:
    plan = FaultPlan()
    fault = plan.arm(FaultSpec.create("error", error=6, count=None, duration_ms=100), 1000)
    assert plan.on_request(PRODUCE, None, 1099) is not None
    assert plan.on_request(PRODUCE, None, 1100) is None
    assert fault.end_reason == "expired"


def test_expire_ends_what_has_run_out() -> None:
    plan = FaultPlan()
    short = plan.arm(FaultSpec.create("pause", topic="t", partition=0, duration_ms=10), 0)
    long = plan.arm(FaultSpec.create("pause", topic="t", partition=1, duration_ms=1000), 0)
    assert plan.expire(9) == []
    assert plan.expire(10) == [short]
    assert long.active


def test_refusals_last_their_duration() -> None:
    plan = FaultPlan()
    fault = plan.arm(FaultSpec.create("refuse", duration_ms=50), 100)
    assert plan.on_connection(120, "10.0.0.1:5000") is fault
    assert plan.on_connection(140) is fault
    assert plan.on_connection(150) is None
    assert fault.fired == 2 and fault.end_reason == "expired"
    assert plan.history()[0].detail == "refused a connection from 10.0.0.1:5000"


def test_actions_end_when_recorded() -> None:
    plan = FaultPlan()
    done = plan.arm(FaultSpec.create("rebalance", group_id="g"), 0)
    failed = plan.arm(FaultSpec.create("expire", group_id="g"), 0)
    paused = plan.arm(FaultSpec.create("pause", topic="t", partition=0), 0)
    plan.record_action(done, 1, "3 members must rejoin")
    plan.record_action(failed, 1, "unknown group g", ok=False)
    plan.record_action(paused, 1, "paused t-0")
    assert done.end_reason == "done"
    assert failed.end_reason == "failed: unknown group g"
    assert paused.active
    # The failed expiry is in the history but was not injected.
    assert [f.fault_id for f in plan.history()] == [done.fault_id, failed.fault_id, paused.fault_id]
    assert plan.injected_total == {("rebalance", ""): 1, ("pause", ""): 1}


def test_clear_one_or_all() -> None:
    plan = FaultPlan()
    a = plan.arm(FaultSpec.create("error", error=6), 0)
    b = plan.arm(FaultSpec.create("drop"), 0)
    assert plan.clear(5, a.fault_id) == [a]
    assert plan.clear(5, 999) == []
    assert plan.clear(6) == [b]
    assert plan.armed() == [] and plan.ended() == [a, b]
    assert not plan.request_faults_armed
    assert plan.get(a.fault_id) is a


def test_the_observer_sees_arming_firing_and_ending() -> None:
    plan = FaultPlan()
    seen: list[tuple[str, str]] = []

    def observe(event: str, what: Fault | Firing) -> None:
        seen.append((event, what.describe()))

    plan.observer = observe
    plan.arm(FaultSpec.create("error", api="Produce", error=6), 0)
    plan.on_request(PRODUCE, "app", 1, detail="client_id=app")
    assert seen == [
        ("armed", "fault 1: error NOT_LEADER_OR_FOLLOWER before Produce x1"),
        ("fired", "fault 1 fired (error on Produce): client_id=app"),
        ("ended", "fault 1: error NOT_LEADER_OR_FOLLOWER before Produce x1"),
    ]


def test_the_number_armed_is_bounded() -> None:
    plan = FaultPlan()
    for _ in range(MAX_ACTIVE_FAULTS):
        plan.arm(FaultSpec.create("drop", count=None), 0)
    with pytest.raises(FaultSpecError, match="armed already"):
        plan.arm(FaultSpec.create("drop"), 0)


def test_the_history_is_bounded() -> None:
    plan = FaultPlan()
    plan.arm(FaultSpec.create("delay", delay_ms=1, count=None), 0)
    for t in range(MAX_HISTORY + 10):
        plan.on_request(PRODUCE, None, t)
    history = plan.history()
    assert len(history) == MAX_HISTORY
    assert history[-1].seq == MAX_HISTORY + 10
    assert len(plan.history(5)) == 5


def test_is_after() -> None:
    plan = FaultPlan()
    after = plan.arm(FaultSpec.create("error", error=6, when="after"), 0)
    before = plan.arm(FaultSpec.create("error", error=6), 0)
    assert is_after(after) and not is_after(before) and not is_after(None)
