"""Rebalances and session expiries on request (fault injection): classic groups rebalance as
when a member joins and lose an expired member as on a session timeout; KIP-848 groups get a
new group epoch, and an expired member is fenced and its partitions move."""

from __future__ import annotations

import pytest
from unit.group.consumer_group_harness import assigned, beat, join, make_core, owners
from unit.group.group_harness import GROUP, Harness

from broker.group.state import GroupState
from protocol.errors import ErrorCode

pytestmark = pytest.mark.timeout(30)


def _forced(h: Harness) -> str:
    out = h.apply(h.core.force_rebalance(GROUP, h.now))
    assert isinstance(out.response, str)
    return out.response


def test_a_forced_rebalance_makes_every_member_rejoin() -> None:
    h = Harness()
    ids, generation = h.form_group(3)
    assert h.state() is GroupState.STABLE
    assert _forced(h) == f"rebalance of group {GROUP} started: 3 members must rejoin"
    assert h.state() is GroupState.PREPARING_REBALANCE
    # Members learn it from their heartbeats, as when a member joins.
    assert h.heartbeat(ids[0], generation).error is ErrorCode.REBALANCE_IN_PROGRESS
    assert _forced(h) == f"rebalance of group {GROUP} already in progress: 3 members"
    joins = [h.join(mid, client_id=f"c{i}") for i, mid in enumerate(ids)]
    assert all(not r.parked for r in joins)
    assert {r().generation_id for r in joins} == {generation + 1}
    assert h.state() is GroupState.COMPLETING_REBALANCE


def test_expiring_a_member_removes_it_and_rebalances_the_others() -> None:
    h = Harness()
    ids, generation = h.form_group(3)
    out = h.apply(h.core.expire_members(GROUP, ids[1], h.now))
    assert out.response == f"expired member {ids[1]} of group {GROUP}"
    assert set(h.group().members) == {ids[0], ids[2]}
    assert h.state() is GroupState.PREPARING_REBALANCE
    # The expired member's next heartbeat: it is not a member any more.
    assert h.heartbeat(ids[1], generation).error is ErrorCode.UNKNOWN_MEMBER_ID
    joins = [h.join(mid, client_id="c") for mid in (ids[0], ids[2])]
    assert {r().generation_id for r in joins} == {generation + 1}


def test_expiring_every_member_empties_the_group() -> None:
    h = Harness()
    h.form_group(2)
    out = h.apply(h.core.expire_members(GROUP, None, h.now))
    assert out.response == f"expired 2 members of group {GROUP}"
    assert h.state() is GroupState.EMPTY


def test_classic_refusals_are_one_line_and_change_nothing() -> None:
    h = Harness()
    with pytest.raises(ValueError, match="group nope is unknown"):
        h.core.force_rebalance("nope", h.now)
    ids, _ = h.form_group(1)
    with pytest.raises(ValueError, match="has no member m-x"):
        h.core.expire_members(GROUP, "m-x", h.now)
    assert h.state() is GroupState.STABLE
    h.leave((ids[0], None))
    assert h.state() is GroupState.EMPTY
    with pytest.raises(ValueError, match=f"group {GROUP} has no members"):
        h.core.force_rebalance(GROUP, h.now)


def test_consumer_group_rebalance_bumps_the_epoch_and_members_reconcile() -> None:
    core = make_core({"t": 4})
    a = join(core, "a", ["t"])
    b = join(core, "b", ["t"])
    a = beat(core, "a", a.member_epoch, assigned(core, a))
    group = core.groups["g"]
    before = group.group_epoch
    account = core.force_rebalance("g")
    assert group.group_epoch == before + 1 == group.assignment_epoch
    assert (
        account
        == f"rebalance of consumer group g started: group epoch {before + 1}, 2 members reconcile"
    )
    a2 = beat(core, "a", a.member_epoch, assigned(core, a) or None)
    assert a2.error_code == 0 and a2.member_epoch == before + 1
    b2 = beat(core, "b", b.member_epoch, assigned(core, b))
    assert b2.error_code == 0 and b2.member_epoch >= b.member_epoch


def test_consumer_group_expiry_fences_the_member_and_moves_its_partitions() -> None:
    core = make_core({"t": 4})
    a = join(core, "a", ["t"])
    a = beat(core, "a", a.member_epoch, assigned(core, a))
    b = join(core, "b", ["t"])
    assert core.expire_members("g", "b") == "expired member b of consumer group g"
    assert set(core.groups["g"].members) == {"a"}
    fenced = beat(core, "b", b.member_epoch, assigned(core, b))
    assert fenced.error_code == ErrorCode.UNKNOWN_MEMBER_ID
    a2 = beat(core, "a", a.member_epoch, {("t", p) for p in range(4)})
    assert a2.error_code == 0
    assert set(owners(core).values()) == {"a"} and len(owners(core)) == 4
    with pytest.raises(ValueError, match="consumer group g has no member zz"):
        core.expire_members("g", "zz")
    assert core.expire_members("g", None) == "expired 1 member of consumer group g"
    with pytest.raises(ValueError, match="consumer group g has no members"):
        core.force_rebalance("g")
    with pytest.raises(ValueError, match="consumer group h is unknown"):
        core.force_rebalance("h")
