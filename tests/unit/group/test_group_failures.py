"""A call into the core that fails (a bug) raises ``CoreCallError`` carrying what it did first."""

from __future__ import annotations

import pytest
from unit.group.group_harness import Harness, config

from broker.group import CoreCallError, GroupCoordinatorCore, GroupState
from protocol.errors import ErrorCode


def test_a_failed_call_raises_with_the_effects_it_produced() -> None:
    broken = {"ids": False}

    def new_member_id(prefix: str) -> str:
        if broken["ids"]:
            raise RuntimeError("no more member ids")
        return f"{prefix}-1"

    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    h.core = GroupCoordinatorCore(h.cfg, new_member_id=new_member_id)
    first = h.join(version=3)
    assert first.parked
    h.now += 3_000  # the initial delay ends with the next call
    broken["ids"] = True
    with pytest.raises(CoreCallError) as failed:
        h.join(version=3, client_id="d")
    assert isinstance(failed.value.__cause__, RuntimeError)
    assert failed.value.outcome.response is None and failed.value.outcome.parked is None
    # The join phase that ended before the failure answered the first member: not lost.
    h.apply(failed.value.outcome)
    assert first.error is ErrorCode.NONE
    assert h.state() is GroupState.COMPLETING_REBALANCE
    # The failed call left no call open: the core serves the next one.
    assert h.heartbeat(first().member_id, first().generation_id).error is ErrorCode.NONE
