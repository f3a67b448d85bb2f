"""The group coordinator's driver when its core fails (a bug): what the core did before failing
is applied, the failure is counted and logged with its traceback once, and groups keep being
served."""

from __future__ import annotations

import asyncio
import logging

import pytest
from support.group_ops import commit, committed, fetch_offsets
from support.kafka_ops import create_topic
from support.wire import WireClient

from broker.app import Broker
from broker.group import Completion, CoreCallError, GroupCoordinatorCore, Outcome, ParkKey
from protocol.errors import ErrorCode
from protocol.messages import HeartbeatResponse

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0}),
]


def _broken(outcome: Outcome[None]) -> CoreCallError:
    try:
        raise RuntimeError("the core is broken")
    except RuntimeError as cause:
        failure = CoreCallError(outcome)
        failure.__cause__ = cause
        return failure


async def test_a_failing_timer_tick_is_counted_logged_once_and_groups_keep_working(
    broker: Broker,
    client: WireClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gc = broker.group_coordinator
    assert gc is not None
    await create_topic(client, "t")

    def tick(self: GroupCoordinatorCore, now_ms: int) -> Outcome[None]:
        raise _broken(Outcome())

    caplog.set_level(logging.ERROR, logger="samsa.group")
    with monkeypatch.context() as patch:
        patch.setattr(GroupCoordinatorCore, "tick", tick)
        gc._on_timer()  # the wake-up went off
        gc._on_timer()  # and again, with the same failure
    assert gc.faults == {"timer": 2}
    logged = [r for r in caplog.records if r.name == "samsa.group"]
    assert len(logged) == 2
    assert [r.exc_info is not None for r in logged] == [True, False]
    assert await commit(client, "g", {("t", 0): 5}) == {("t", 0): 0}
    assert committed(await fetch_offsets(client, "g")) == {("t", 0): 5}


async def test_a_failing_request_still_delivers_the_answers_its_call_produced(
    broker: Broker,
) -> None:
    gc = broker.group_coordinator
    assert gc is not None
    key = ParkKey(10**9, 12, "parked")

    def error(code: ErrorCode) -> HeartbeatResponse:
        return HeartbeatResponse(error_code=code)

    waiting = gc.run(lambda core, now: Outcome(parked=key), error)
    assert not isinstance(waiting, HeartbeatResponse)
    answered = [Completion(key, HeartbeatResponse(error_code=ErrorCode.NONE))]

    def failing(core: GroupCoordinatorCore, now_ms: int) -> Outcome[HeartbeatResponse]:
        raise _broken(Outcome(completions=answered))

    with pytest.raises(CoreCallError):
        gc.run(failing, error)
    assert gc.faults == {"request": 1}
    async with asyncio.timeout(10):
        response = await waiting
    assert response.error_code == ErrorCode.NONE
