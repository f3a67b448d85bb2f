"""A restart replays __consumer_offsets; leadership moves unload groups."""

from __future__ import annotations

from unit.group.group_harness import GROUP, SESSION_MS, Harness, config

from broker.group import GroupCoordinatorCore, GroupState, load
from broker.group.records import (
    GroupMetadataKey,
    GroupMetadataValue,
    MemberRecord,
    encode_record,
)
from protocol.errors import ErrorCode


def restart(h: Harness) -> None:
    """Rebuild the core from the durable log, as a broker restart does."""
    core = GroupCoordinatorCore(h.cfg, new_member_id=h._member_id, owned_partitions=())
    partitions = range(h.cfg.offsets_topic_num_partitions)
    for p in partitions:
        core.begin_loading(p)
    assert core.loading
    state = load(h.log)
    h.core = core
    h.completed.clear()
    for p in partitions:
        h.apply(core.finish_loading(p, state, h.now))
    assert not core.loading


def test_restart_restores_generation_assignments_and_offsets() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.commit({("t", 0): 5, ("t", 1): 6}, member_id=a, generation=gen)
    restart(h)
    group = h.group()
    assert group.state is GroupState.STABLE
    assert group.generation_id == gen and group.leader_id == a
    assert group.protocol_name == "range" and group.protocol_type == "consumer"
    assert {m: x.assignment for m, x in group.members.items()} == {
        a: f"a:{a}".encode(),
        b: f"a:{b}".encode(),
    }
    assert group.subscribed_topics == frozenset({"t"})
    assert h.committed() == {("t", 0): 5, ("t", 1): 6}
    # The members carry on without rejoining.
    assert h.heartbeat(a, gen).error is ErrorCode.NONE
    assert h.sync(b, gen)().assignment == f"a:{b}".encode()
    assert h.join(b)().generation_id == gen  # unchanged follower: current generation
    # A member that died with the old broker expires.
    h.advance(SESSION_MS // 2)
    h.heartbeat(a, gen)
    h.advance(SESSION_MS // 2)
    assert h.state() is GroupState.PREPARING_REBALANCE


def test_restart_restores_an_empty_group_and_its_generation() -> None:
    h = Harness()
    (a,), gen = h.form_group(1)
    h.leave((a, None))
    restart(h)
    assert h.state() is GroupState.EMPTY
    assert h.group().generation_id == gen + 1
    _mid, join = h.join_dynamic()
    assert join().generation_id == gen + 2  # generations continue, never repeat


def test_restart_forgets_deleted_groups() -> None:
    h = Harness()
    (a,), gen = h.form_group(1)
    h.commit({("t", 0): 5}, member_id=a, generation=gen)
    h.leave((a, None))
    h.delete_groups(GROUP)
    restart(h)
    assert h.core.group(GROUP) is None


def test_restart_restores_static_members() -> None:
    h = Harness()
    join = h.join(instance_id="i")
    mid, gen = join().member_id, join().generation_id
    h.sync(mid, gen, {mid: b"x"})
    restart(h)
    assert h.group().static_members == {"i": mid}
    assert h.heartbeat("zombie", gen, instance_id="i").error is ErrorCode.FENCED_INSTANCE_ID
    again = h.join(instance_id="i")  # the static member restarts too: no rebalance
    assert again().generation_id == gen and h.state() is GroupState.STABLE


def test_loading_over_capacity_rebalances() -> None:
    h = Harness()
    members = tuple(
        MemberRecord(f"m{i}", None, "c", "h", 30_000, 10_000, b"", b"") for i in range(3)
    )
    value = GroupMetadataValue("consumer", 4, "range", "m0", 0, members)
    state = load([encode_record(GroupMetadataKey(GROUP), value)])
    core = GroupCoordinatorCore(config(group_max_size=2), owned_partitions=())
    p = core.partition_for(GROUP)
    core.begin_loading(p)
    core.finish_loading(p, state, h.now)
    group = core.group(GROUP)
    assert group is not None and group.state is GroupState.PREPARING_REBALANCE


def test_finish_loading_takes_only_its_partition() -> None:
    h = Harness()
    h.commit({("t", 0): 1}, group_id="a")
    h.commit({("t", 0): 1}, group_id="b")
    state = load(h.log)
    core = GroupCoordinatorCore(h.cfg, owned_partitions=())
    pa = core.partition_for("a")
    assert pa != core.partition_for("b")
    core.begin_loading(pa)
    core.finish_loading(pa, state, h.now)
    assert core.group("a") is not None and core.group("b") is None
    assert core.owned_partitions == frozenset({pa})


def test_unload_answers_every_parked_request() -> None:
    h = Harness()
    (a, b), _gen = h.form_group(2)
    h.join(a)
    gen2 = h.join(b)().generation_id
    sync = h.sync(b, gen2)
    h.hold_appends = True
    commit = h.commit({("t", 0): 1}, group_id="elsewhere")
    same_partition = next(
        g
        for g in (f"x{i}" for i in range(500))
        if h.core.partition_for(g) == h.core.partition_for(GROUP)
    )
    commit_here = h.commit({("t", 0): 1}, group_id=same_partition)
    p = h.core.partition_for(GROUP)
    assert h.core.partition_for("elsewhere") != p
    h.apply(h.core.unload(p, h.now))
    assert sync.error is ErrorCode.NOT_COORDINATOR
    assert commit_here().topics[0].partitions[0].error_code == ErrorCode.NOT_COORDINATOR
    assert commit.parked  # another partition: unaffected
    h.release()
    assert commit().topics[0].partitions[0].error_code == 0
    assert h.core.open_parks() == []
    assert h.join(group_id=GROUP).error is ErrorCode.NOT_COORDINATOR
