"""The pure ISR and high-watermark rules (``broker/replication/isr.py``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broker.replication.isr import (
    UNKNOWN_OFFSET,
    FollowerState,
    can_join_isr,
    high_watermark,
    maximal_isr,
    out_of_sync_replicas,
    record_fetch,
)

LAG_MS = 1_000


@pytest.mark.parametrize(
    ("previous", "fetch_offset", "leader_end", "now_ms", "caught_up_ms"),
    [
        # At the leader's end: caught up now.
        ((0, -1, 0), 10, 10, 500, 500),
        # Behind now, but past what the leader had at the previous fetch: caught up then.
        ((0, 8, 300), 9, 12, 500, 300),
        # Behind both: unchanged.
        ((100, 12, 300), 9, 12, 500, 100),
        # First fetch, behind: unchanged (no previous fetch to credit).
        ((0, -1, 0), 3, 10, 500, 0),
        # Never goes back.
        ((900, 10, 300), 10, 10, 500, 900),
    ],
)
def test_caught_up_time(
    previous: tuple[int, int, int],
    fetch_offset: int,
    leader_end: int,
    now_ms: int,
    caught_up_ms: int,
) -> None:
    caught_up, last_leader_end, last_fetch = previous
    state = FollowerState(
        2,
        last_caught_up_time_ms=caught_up,
        last_fetch_leader_log_end_offset=last_leader_end,
        last_fetch_time_ms=last_fetch,
    )
    record_fetch(state, fetch_offset, leader_end, now_ms)
    assert state.last_caught_up_time_ms == caught_up_ms
    assert state.log_end_offset == fetch_offset
    assert state.last_fetch_leader_log_end_offset == leader_end
    assert state.last_fetch_time_ms == now_ms


@pytest.mark.parametrize(
    ("follower", "leader_end", "now_ms", "dropped"),
    [
        (FollowerState(2, log_end_offset=5, last_caught_up_time_ms=0), 10, 1_001, {2}),
        (FollowerState(2, log_end_offset=5, last_caught_up_time_ms=0), 10, 1_000, set()),
        # Has everything: in sync however long it has been quiet.
        (FollowerState(2, log_end_offset=10, last_caught_up_time_ms=0), 10, 99_999, set()),
        (FollowerState(2, log_end_offset=5, last_caught_up_time_ms=50_000), 10, 50_500, set()),
    ],
)
def test_shrink(follower: FollowerState, leader_end: int, now_ms: int, dropped: set[int]) -> None:
    followers = {2: follower, 3: FollowerState(3, log_end_offset=leader_end)}
    assert out_of_sync_replicas(1, leader_end, (1, 2, 3), followers, now_ms, LAG_MS) == dropped


def test_shrink_never_drops_the_leader_and_drops_unknown_members() -> None:
    assert out_of_sync_replicas(1, 10, (1, 4), {}, 0, LAG_MS) == {4}


@pytest.mark.parametrize(
    ("end", "hw", "epoch_start", "joins"),
    [
        (10, 10, 5, True),
        (12, 10, 5, True),
        (9, 10, 5, False),
        (10, 10, 11, False),  # does not hold the whole current epoch yet
        (UNKNOWN_OFFSET, 0, 0, False),
    ],
)
def test_expand(end: int, hw: int, epoch_start: int, joins: bool) -> None:
    assert can_join_isr(FollowerState(2, log_end_offset=end), hw, epoch_start) is joins


def test_maximal_isr_adds_what_a_change_in_flight_adds() -> None:
    assert maximal_isr((1, 2), None) == (1, 2)
    assert maximal_isr((1, 2), (1, 2, 3)) == (1, 2, 3)
    assert maximal_isr((1, 2, 3), (1, 2)) == (1, 2, 3)


@given(
    leader_end=st.integers(0, 1000),
    ends=st.dictionaries(st.integers(2, 6), st.integers(-1, 1000), max_size=5),
    isr_members=st.sets(st.integers(2, 6)),
)
def test_high_watermark_is_the_smallest_end_in_the_isr(
    leader_end: int, ends: dict[int, int], isr_members: set[int]
) -> None:
    followers = {r: FollowerState(r, log_end_offset=e) for r, e in ends.items()}
    isr = (1, *sorted(isr_members))
    hw = high_watermark(1, leader_end, isr, followers)
    known = [ends.get(r, UNKNOWN_OFFSET) for r in isr_members]
    assert hw == min([leader_end, *known])
    # Never past any member's end; replicas outside the ISR do not count.
    assert all(hw <= e for e in known)
    assert hw <= leader_end
