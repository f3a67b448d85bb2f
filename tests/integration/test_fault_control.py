"""``Broker.faults``: the Python API of fault injection, from another thread
(``Broker.embedded_in_thread``, as the pytest fixture runs it) and on the broker's loop
(``Broker.embedded``): faults armed, fired on a real client's requests, carried out (pause,
rebalance), ended by count, duration or ``clear``; the ``samsa.faults`` log lines; the
``/metrics`` series; seeded chaos arming the same sequence twice; bounds and one-line errors."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from support.metrics_text import scrape, value
from support.waiting import eventually, eventually_sync

from broker.app import Broker
from broker.config import load_config
from broker.fault_control import (
    CHAOS_FAULT_LIFETIME_MS,
    LOG_MAX_LINES_PER_INTERVAL,
    FaultActionError,
)
from broker.faults import MAX_ACTIVE_FAULTS, ChaosSchedule, FaultSpecError
from client import Admin, NewTopic, Producer
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(90)

FAULT_LOGGER = "samsa.faults"


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == FAULT_LOGGER]


# -- from another thread -------------------------------------------------------------------------


def test_from_another_thread_faults_arm_list_and_clear(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, FAULT_LOGGER)
    assert threading.current_thread() is threading.main_thread()
    faults = broker.faults
    first = faults.fail("Produce", "NOT_LEADER_OR_FOLLOWER", when="after", count=2)
    second = faults.delay("fetch", 200, topic="orders", count=None, duration_ms=60_000)
    assert first.describe() == "fault 1: error NOT_LEADER_OR_FOLLOWER after Produce x2"
    assert [f.fault_id for f in faults.armed()] == [first.fault_id, second.fault_id]
    assert "fault 1 armed: error NOT_LEADER_OR_FOLLOWER after Produce x2" in _messages(caplog)
    assert broker.fault_plan.request_faults_armed

    assert [f.fault_id for f in faults.clear(first.fault_id)] == [first.fault_id]
    assert faults.clear(first.fault_id) == []  # already ended
    assert [f.fault_id for f in faults.armed()] == [second.fault_id]
    assert "fault 1 ended (cleared): error NOT_LEADER_OR_FOLLOWER after Produce x2" in (
        _messages(caplog)
    )
    assert [f.fault_id for f in faults.clear()] == [second.fault_id]
    assert faults.armed() == [] and not broker.fault_plan.request_faults_armed


def test_a_fault_with_a_duration_ends_by_itself(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, FAULT_LOGGER)
    refusal = broker.faults.refuse_connections(100)
    assert broker.faults.armed() != []
    eventually_sync(lambda: not broker.faults.armed(), 10, "the refusal expired")
    ended = {f.fault_id: f for f in broker.faults.ended()}
    assert ended[refusal.fault_id].end_reason == "expired"
    assert f"fault {refusal.fault_id} ended (expired): refuse for 100 ms" in _messages(caplog)


def test_a_client_meets_the_fault_and_retries(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    """A Produce answered NOT_LEADER_OR_FOLLOWER once: Samsa's client retries and succeeds;
    the firing is logged, in the history and counted in /metrics."""
    caplog.set_level(logging.WARNING, FAULT_LOGGER)
    fault = broker.faults.fail("Produce", "NOT_LEADER_OR_FOLLOWER")

    async def produce() -> int:
        async with Producer(bootstrap_servers=broker.bootstrap_servers, client_id="app") as p:
            return (await p.send_and_wait("orders", b"one", partition=0)).offset

    assert asyncio.run(produce()) == 0
    assert broker.faults.armed() == []
    (firing,) = broker.faults.history()
    assert firing.fault_id == fault.fault_id and "client_id=app" in firing.detail
    fired = [m for m in _messages(caplog) if m.startswith(f"fault {fault.fault_id} fired")]
    assert fired and fired[0].startswith(f"fault {fault.fault_id} fired (error on Produce): ")
    assert broker.fault_plan.injected_total == {("error", "Produce"): 1}


def test_actions_from_another_thread_report_what_they_could_not_do(broker: Broker) -> None:
    with pytest.raises(FaultActionError) as unknown_group:
        broker.faults.rebalance("no-such-group")
    assert "\n" not in str(unknown_group.value)
    with pytest.raises(FaultActionError) as unknown_partition:
        broker.faults.pause("no-such-topic", 0)
    assert "\n" not in str(unknown_partition.value)
    assert "no-such-topic-0" in str(unknown_partition.value)
    assert broker.faults.armed() == []
    reasons = [f.end_reason or "" for f in broker.faults.ended()]
    assert len(reasons) == 2 and all(r.startswith("failed: ") for r in reasons)


# -- on the loop ---------------------------------------------------------------------------------


async def _topic(broker: Broker, name: str, partitions: int = 1) -> None:
    async with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        await admin.create_topics([NewTopic(name, partitions, 1)])


async def test_on_the_loop_a_pause_holds_a_partition_until_resumed(broker: Broker) -> None:
    await _topic(broker, "paused")
    tp = TopicPartition("paused", 0)
    replicas = broker.replica_manager
    assert replicas is not None
    fault = broker.faults.pause("paused", 0)  # on the loop: carried out at once
    assert tp in replicas.paused_partitions()
    assert fault.active and fault.fired == 1
    broker.faults.resume("paused", 0)
    assert tp not in replicas.paused_partitions()
    assert not fault.active and fault.end_reason == "resumed"

    timed = broker.faults.pause("paused", 0, duration_ms=100)
    assert tp in replicas.paused_partitions()
    await eventually(lambda: not timed.active, 10, "the pause expired")
    assert tp not in replicas.paused_partitions()
    assert timed.end_reason == "expired"


async def test_metrics_count_armed_faults_firings_and_chaos(broker: Broker) -> None:
    samples = scrape(broker)
    assert value(samples, "samsa_faults_armed") == 0
    assert value(samples, "samsa_faults_chaos_running") == 0
    broker.faults.fail("Fetch", "UNKNOWN_LEADER_EPOCH", count=None)
    broker.faults.delay("Metadata", 10)
    assert value(scrape(broker), "samsa_faults_armed") == 2
    # The plan decides as the server's connections ask it, request by request.
    plan = broker.fault_plan
    for _ in range(3):
        assert plan.on_request(1, "app", 0) is not None  # Fetch
    samples = scrape(broker)
    assert value(samples, "samsa_faults_injected_total", kind="error", api="Fetch") == 3
    assert value(samples, "samsa_faults_injected_total", kind="delay", api="Metadata") is None
    broker.faults.chaos(5, rate_per_s=1.0)
    assert value(scrape(broker), "samsa_faults_chaos_running") == 1
    broker.faults.clear()
    samples = scrape(broker)
    assert value(samples, "samsa_faults_chaos_running") == 0
    assert value(samples, "samsa_faults_armed") == 0


async def test_chaos_with_a_seed_arms_the_same_faults_twice(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, FAULT_LOGGER)
    seed, rate, n = 42, 80.0, 12
    runs: list[list[str]] = []
    prefix = f"chaos seed={seed} #"
    plan = broker.fault_plan
    for _ in range(2):
        before = max((f.fault_id for f in [*plan.ended(), *plan.armed()]), default=0)

        def armed_by_chaos(after: int = before) -> list[tuple[int, str]]:
            faults = [*plan.ended(), *plan.armed()]
            return sorted(
                (int(f.source.removeprefix(prefix)), f.spec.describe())
                for f in faults
                if f.source.startswith(prefix) and f.fault_id > after
            )

        broker.faults.chaos(seed, rate_per_s=rate)

        await eventually(lambda: len(armed_by_chaos()) >= n, 20, f"{n} chaos faults armed")
        broker.faults.stop_chaos()
        assert not broker.faults.chaos_running
        assert all(not f.source.startswith("chaos") for f in broker.faults.armed())
        runs.append([d for _, d in armed_by_chaos()[:n]])
        broker.faults.clear()
    assert runs[0] == runs[1]
    expected = []
    for chaos_fault in ChaosSchedule(seed, rate).first(n):
        spec = chaos_fault.spec
        lifetime = "" if spec.duration_ms is not None else f" for {CHAOS_FAULT_LIFETIME_MS} ms"
        expected.append(spec.describe() + lifetime)
    assert runs[0] == expected
    assert any(m.endswith(f"(chaos seed={seed} #0)") for m in _messages(caplog))
    assert any(m.startswith(f"chaos seed={seed} stopped after arming") for m in _messages(caplog))


async def test_firings_are_logged_at_a_bounded_rate(
    broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, FAULT_LOGGER)
    fault = broker.faults.fail("Fetch", "NOT_LEADER_OR_FOLLOWER", count=None)
    plan = broker.fault_plan
    for _ in range(3 * LOG_MAX_LINES_PER_INTERVAL):
        assert plan.on_request(1, "app", 0, detail="client_id=app") is not None
    assert fault.fired == 3 * LOG_MAX_LINES_PER_INTERVAL
    fired = [m for m in _messages(caplog) if m.startswith(f"fault {fault.fault_id} fired")]
    assert len(fired) == LOG_MAX_LINES_PER_INTERVAL
    assert len(broker.faults.history()) == 3 * LOG_MAX_LINES_PER_INTERVAL  # all recorded


# -- bounds and errors ---------------------------------------------------------------------------


async def test_bounds_and_one_line_errors(broker: Broker) -> None:
    faults = broker.faults
    bad_calls: list[Callable[[], object]] = [
        lambda: faults.fail("Nope", "NOT_LEADER_OR_FOLLOWER"),
        lambda: faults.fail("Produce", "NOT_AN_ERROR"),
        lambda: faults.fail("Produce", "NONE"),
        lambda: faults.delay("Produce", 10**9),
        lambda: faults.fail("Produce", "NOT_LEADER_OR_FOLLOWER", count=0),
        lambda: faults.refuse_connections(0),
        lambda: faults.chaos(1, rate_per_s=1000),
        lambda: faults.chaos(1, kinds=["pause"]),
        lambda: faults.chaos(1, duration_ms=-5),
    ]
    for call in bad_calls:
        with pytest.raises(FaultSpecError) as error:
            call()
        message = str(error.value)
        assert message and "\n" not in message
    assert faults.armed() == [] and not faults.chaos_running

    for _ in range(MAX_ACTIVE_FAULTS):
        faults.delay("Produce", 1)
    with pytest.raises(FaultSpecError, match=f"{MAX_ACTIVE_FAULTS} faults are armed already"):
        faults.delay("Produce", 1)
    assert len(faults.clear()) == MAX_ACTIVE_FAULTS


def test_request_faults_may_be_armed_before_the_start_actions_may_not(tmp_path: Path) -> None:
    broker = Broker(load_config(None, {"log.dirs": str(tmp_path)}))
    fault = broker.faults.fail("Metadata", "LEADER_NOT_AVAILABLE")
    assert broker.faults.armed() == [fault]
    with pytest.raises(FaultActionError, match="the broker is not running"):
        broker.faults.rebalance("g")
    with pytest.raises(FaultActionError, match="chaos needs a running broker"):
        broker.faults.chaos(1)
    assert broker.faults.armed() == [fault]
