"""A group's life, end to end: formation, growth, failure, static restart, fencing."""

from __future__ import annotations

from typing import Any

from unit.group.group_harness import SESSION_MS, Harness, config

from broker.group import GroupState
from protocol.errors import ErrorCode


def assign(members: list[Any], generation: int) -> dict[str, bytes]:
    return {m.member_id: f"{generation}:{m.member_id}".encode() for m in members}


def rebalance(h: Harness, joins: dict[str, Any]) -> tuple[int, str, dict[str, bytes]]:
    """Everyone in ``joins`` has a JoinGroup answered: the leader assigns, all sync."""
    responses = {name: reply() for name, reply in joins.items()}
    assert all(r.error_code == 0 for r in responses.values()), responses
    generations = {r.generation_id for r in responses.values()}
    assert len(generations) == 1
    generation = generations.pop()
    leaders = [name for name, r in responses.items() if r.member_id == r.leader]
    assert len(leaders) == 1  # exactly one leader
    leader = responses[leaders[0]]
    assignments = assign(leader.members, generation)
    syncs = {}
    for name, r in responses.items():
        if name != leaders[0]:
            syncs[name] = h.sync(r.member_id, generation, instance_id=None)
            assert syncs[name].parked  # followers wait for the leader
    syncs[leaders[0]] = h.sync(leader.member_id, generation, assignments)
    for name, reply in syncs.items():
        assert reply().assignment == assignments[responses[name].member_id]
    assert h.state() is GroupState.STABLE
    return generation, leader.member_id, assignments


def test_group_life() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))

    # Three consumers join with JoinGroup v7: MEMBER_ID_REQUIRED first, then again with the id.
    ids: dict[str, str] = {}
    joins: dict[str, Any] = {}
    for name in ("a", "b", "c"):
        first = h.join(client_id=name)
        assert first.error is ErrorCode.MEMBER_ID_REQUIRED
        ids[name] = first().member_id
        joins[name] = h.join(ids[name], client_id=name)
        h.advance(1_000)
    # The initial delay (3 s) grew once because members kept arriving: it ends at 6 s.
    h.advance(2_999)
    assert all(j.parked for j in joins.values())  # quirk 10: parked until the rebalance ends
    h.advance(1)
    generation, leader, _ = rebalance(h, joins)
    assert leader == ids["a"]  # the first to join leads
    assert generation == 1

    # Heartbeats keep the group Stable for a long time.
    for _ in range(20):
        h.advance(SESSION_MS // 2)
        for name in ids:
            assert h.heartbeat(ids[name], generation).error is ErrorCode.NONE
    assert h.state() is GroupState.STABLE

    # A fourth consumer joins: everyone learns of the rebalance from a heartbeat and rejoins.
    first = h.join(client_id="d")
    ids["d"] = first().member_id
    joins = {"d": h.join(ids["d"], client_id="d")}
    assert h.state() is GroupState.PREPARING_REBALANCE
    for name in ("a", "b", "c"):
        assert h.heartbeat(ids[name], generation).error is ErrorCode.REBALANCE_IN_PROGRESS
        joins[name] = h.join(ids[name], client_id=name)
    generation, leader, _ = rebalance(h, joins)
    assert generation == 2 and leader == ids["a"]
    assert h.group().size == 4

    # "c" stops heartbeating: after its session it is expired and the others rebalance.
    for _ in range(2):
        h.advance(SESSION_MS // 2)
        for name in ("a", "b", "d"):
            h.heartbeat(ids[name], generation)
    assert h.state() is GroupState.PREPARING_REBALANCE
    assert ids["c"] not in h.group().members
    joins = {name: h.join(ids[name], client_id=name) for name in ("a", "b", "d")}
    generation, leader, assignments = rebalance(h, joins)
    assert generation == 3 and set(assignments) == {ids["a"], ids["b"], ids["d"]}
    assert h.heartbeat(ids["c"], 2).error is ErrorCode.UNKNOWN_MEMBER_ID

    # A static member joins, then restarts (new process, no member id): no rebalance.
    static = h.join(instance_id="s1", client_id="s")
    joins = {name: h.join(ids[name], client_id=name) for name in ("a", "b", "d")}
    joins["s"] = static
    generation, leader, assignments = rebalance(h, joins)
    old_static = static().member_id
    restarted = h.join(instance_id="s1", client_id="s")
    assert restarted.error is ErrorCode.NONE
    new_static = restarted().member_id
    assert new_static != old_static
    assert restarted().generation_id == generation
    assert restarted().leader == leader != new_static
    assert h.state() is GroupState.STABLE  # no rebalance
    assert h.sync(new_static, generation, instance_id="s1")().assignment == assignments[old_static]
    for name in ("a", "b", "d"):
        assert h.heartbeat(ids[name], generation).error is ErrorCode.NONE

    # The old process is still around with the same group.instance.id: it is fenced.
    assert (
        h.heartbeat(old_static, generation, instance_id="s1").error is ErrorCode.FENCED_INSTANCE_ID
    )
    assert h.join(old_static, instance_id="s1").error is ErrorCode.FENCED_INSTANCE_ID
    assert h.state() is GroupState.STABLE

    # Described as Kafka would.
    (d,) = h.describe("g")().groups
    assert d.group_state == "Stable"
    assert {m.member_id for m in d.members} == {ids["a"], ids["b"], ids["d"], new_static}
    assert [m.group_instance_id for m in d.members if m.member_id == new_static] == ["s1"]


def test_static_leader_restart_is_told_the_old_leader_id() -> None:
    h = Harness()
    first = h.join(instance_id="s", client_id="s")
    old_id, generation = first().member_id, first().generation_id
    h.sync(old_id, generation, {old_id: b"x"})
    again = h.join(instance_id="s", client_id="s")
    # Kafka returns the previous leader id so that the restarted leader does not reassign.
    assert again().leader == old_id and again().member_id != old_id
    assert h.group().leader_id == again().member_id


def test_static_member_restart_that_changes_the_selected_protocol_rebalances() -> None:
    h = Harness()
    first = h.join(instance_id="s", protocols=[("range", b""), ("rr", b"")])
    mid, generation = first().member_id, first().generation_id
    assert first().protocol_name == "range"
    h.sync(mid, generation, {mid: b"x"})
    again = h.join(instance_id="s", protocols=[("rr", b""), ("range", b"")])
    assert again().generation_id == generation + 1  # a new generation: it rebalanced
    assert again().protocol_name == "rr"
    assert h.state() is GroupState.COMPLETING_REBALANCE


def test_static_member_restart_with_a_new_subscription_but_same_protocol_does_not_rebalance() -> (
    None
):
    # Kafka's rule (KIP-345): only a change of the selected protocol rebalances.
    h = Harness()
    first = h.join(instance_id="s", topics=("a",))
    mid, generation = first().member_id, first().generation_id
    h.sync(mid, generation, {mid: b"x"})
    again = h.join(instance_id="s", topics=("a", "b"))
    assert again().generation_id == generation and h.state() is GroupState.STABLE


def test_static_member_replacement_append_failure_reverts() -> None:
    h = Harness()
    first = h.join(instance_id="s")
    old_id, generation = first().member_id, first().generation_id
    h.sync(old_id, generation, {old_id: b"x"})
    h.hold_appends = True
    again = h.join(instance_id="s")
    assert again.parked  # the new member id is persisted before it is handed out
    h.release(ErrorCode.NOT_ENOUGH_REPLICAS)
    assert again.error is ErrorCode.COORDINATOR_NOT_AVAILABLE and again().member_id == ""
    assert h.group().static_members == {"s": old_id}
    assert h.heartbeat(old_id, generation, instance_id="s").error is ErrorCode.NONE
