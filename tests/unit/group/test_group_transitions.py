"""Every state transition of a group, driven through the coordinator core."""

from __future__ import annotations

from unit.group.group_harness import GROUP, REBALANCE_MS, SESSION_MS, Harness, config

from broker.group import GroupMetadataKey, GroupState, decode_record
from broker.group.records import GroupMetadataValue
from protocol.errors import ErrorCode

E, P, C, S = (
    GroupState.EMPTY,
    GroupState.PREPARING_REBALANCE,
    GroupState.COMPLETING_REBALANCE,
    GroupState.STABLE,
)


def group_records(h: Harness) -> list[GroupMetadataValue | None]:
    out = []
    for k, v in h.log:
        key, value = decode_record(k, v)
        if isinstance(key, GroupMetadataKey):
            assert value is None or isinstance(value, GroupMetadataValue)
            out.append(value)
    return out


# -- Empty -> PreparingRebalance -> CompletingRebalance -> Stable ------------------------------


def test_empty_to_preparing_rebalance_on_first_join() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    _mid, join = h.join_dynamic()
    assert h.state() is P
    assert join.parked  # quirk 10: parked, never answered early
    h.advance(2_999)
    assert join.parked
    h.advance(1)
    assert join.error is ErrorCode.NONE
    assert h.state() is C


def test_preparing_to_completing_when_all_members_rejoin() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    ja = h.join(a)  # the leader rejoins: rebalance, parked until b rejoins
    assert h.state() is P and ja.parked
    jb = h.join(b)
    assert h.state() is C
    ra, rb = ja(), jb()
    assert ra.generation_id == rb.generation_id == gen + 1
    assert ra.leader == rb.leader == a
    assert [m.member_id for m in ra.members] == [a, b]  # the leader gets everyone's metadata
    assert rb.members == []  # followers get none
    assert ra.protocol_name == "range" and ra.protocol_type == "consumer"


def test_preparing_to_completing_at_rebalance_timeout_drops_members_that_did_not_rejoin() -> None:
    h = Harness()
    (a, b, c), gen = h.form_group(3)
    ja = h.join(a)
    jb = None
    for _ in range(REBALANCE_MS // 5_000 - 1):
        h.advance(5_000)
        # c stays alive (heartbeats do not count as rejoining); b rejoins late.
        assert h.heartbeat(c, gen).error is ErrorCode.REBALANCE_IN_PROGRESS
        jb = jb or h.join(b)
    assert jb is not None and ja.parked and jb.parked
    h.advance(5_000)
    assert ja.error is ErrorCode.NONE and jb.error is ErrorCode.NONE
    assert h.state() is C
    assert list(h.group().members) == [a, b]
    assert h.heartbeat(c, gen).error is ErrorCode.UNKNOWN_MEMBER_ID


def test_completing_to_stable_after_the_leaders_assignment_is_durable() -> None:
    h = Harness()
    mid, join = h.join_dynamic()
    assert join().leader == mid
    h.hold_appends = True
    sync = h.sync(mid, join().generation_id, {mid: b"assigned"})
    assert sync.parked and h.state() is C  # persist, then respond
    assert len(h.held) == 1
    h.release()
    assert sync().assignment == b"assigned"
    assert sync().protocol_type == "consumer" and sync().protocol_name == "range"
    assert h.state() is S
    (record,) = group_records(h)
    assert record is not None
    assert record.generation_id == 1 and record.leader_id == mid
    assert [m.assignment for m in record.members] == [b"assigned"]


def test_followers_sync_parks_until_the_leader_syncs() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.join(a)
    jb = h.join(b)
    gen = jb().generation_id
    sb = h.sync(b, gen)
    assert sb.parked
    sa = h.sync(a, gen, {a: b"A", b: b"B"})
    assert sa().assignment == b"A" and sb().assignment == b"B"
    # In Stable, a late follower sync is answered at once with its assignment.
    assert h.sync(b, gen)().assignment == b"B"


def test_members_missing_from_the_leaders_assignment_get_an_empty_one() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.join(a)
    gen = h.join(b)().generation_id
    sb = h.sync(b, gen)
    h.sync(a, gen, {a: b"A", "stranger": b"?"})
    assert sb().error_code == 0 and sb().assignment == b""


# -- Stable -> PreparingRebalance -------------------------------------------------------------


def test_stable_to_preparing_on_new_member() -> None:
    h = Harness()
    (a, _b), gen = h.form_group(2)
    _, join = h.join_dynamic(client_id="new")
    assert h.state() is P and join.parked
    assert h.heartbeat(a, gen).error is ErrorCode.REBALANCE_IN_PROGRESS


def test_stable_to_preparing_on_leader_join_with_same_metadata() -> None:
    h = Harness()
    (a, _b), _gen = h.form_group(2)
    assert h.join(a).parked
    assert h.state() is P


def test_stable_follower_join_with_same_metadata_returns_current_generation() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    reply = h.join(b)
    assert reply.error is ErrorCode.NONE
    assert reply().generation_id == gen and reply().leader == a and reply().members == []
    assert h.state() is S


def test_stable_to_preparing_on_follower_metadata_change() -> None:
    h = Harness()
    (_a, b), _gen = h.form_group(2)
    assert h.join(b, topics=("t", "u")).parked
    assert h.state() is P


def test_stable_to_preparing_on_leave() -> None:
    h = Harness()
    (_a, b, _c), _gen = h.form_group(3)
    assert h.leave((b, None)).error is ErrorCode.NONE
    assert h.state() is P
    assert b not in h.group().members


def test_stable_to_preparing_on_session_expiry() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.advance(SESSION_MS // 2)
    assert h.heartbeat(a, gen).error is ErrorCode.NONE
    assert h.heartbeat(b, gen).error is ErrorCode.NONE
    h.advance(SESSION_MS - 1)
    assert h.heartbeat(a, gen).error is ErrorCode.NONE
    assert h.state() is S
    h.advance(1)  # b missed its heartbeats for a whole session
    assert h.state() is P
    assert list(h.group().members) == [a]


def test_leader_leaving_hands_leadership_to_the_next_member() -> None:
    h = Harness()
    (a, b, c), _gen = h.form_group(3)
    h.leave((a, None))
    assert h.group().leader_id == b
    jb, jc = h.join(b), h.join(c)
    assert jb().leader == b and len(jb().members) == 2 and jc().members == []


# -- CompletingRebalance -> PreparingRebalance ------------------------------------------------


def _completing(h: Harness) -> tuple[str, str, int]:
    (a, b), _ = h.form_group(2)
    h.join(a)
    gen = h.join(b)().generation_id
    assert h.state() is C
    return a, b, gen


def test_completing_to_preparing_on_leave_answers_parked_syncs() -> None:
    h = Harness()
    a, b, gen = _completing(h)
    sb = h.sync(b, gen)
    assert sb.parked
    h.leave((a, None))
    assert h.state() is P
    assert sb.error is ErrorCode.REBALANCE_IN_PROGRESS


def test_completing_to_preparing_on_session_expiry() -> None:
    h = Harness()
    a, _b, gen = _completing(h)
    h.advance(SESSION_MS // 2)
    assert h.heartbeat(a, gen).error is ErrorCode.NONE  # NONE while completing the rebalance
    h.advance(SESSION_MS // 2)  # b never heartbeats nor syncs
    assert h.state() is P
    assert list(h.group().members) == [a]


def test_completing_to_preparing_on_join_with_new_metadata() -> None:
    h = Harness()
    a, b, gen = _completing(h)
    same = h.join(b)
    assert same().generation_id == gen and h.state() is C  # lost response: same generation
    leader_again = h.join(a)
    assert leader_again().members and h.state() is C  # the leader gets the member list again
    assert h.join(b, topics=("other",)).parked
    assert h.state() is P


def test_completing_to_preparing_when_a_member_never_syncs() -> None:
    h = Harness()
    a, b, gen = _completing(h)
    sa = h.sync(a, gen, {a: b"A", b: b"B"})
    assert sa.error is ErrorCode.NONE and h.state() is S
    for _ in range(REBALANCE_MS // 5_000 - 1):
        h.advance(5_000)
        assert h.heartbeat(a, gen).error is ErrorCode.NONE
        assert h.heartbeat(b, gen).error is ErrorCode.NONE  # alive, but never syncs
    h.advance(4_999)
    assert h.state() is S
    h.advance(1)  # b got its JoinGroup response but never sent SyncGroup
    assert h.state() is P
    assert list(h.group().members) == [a]


def test_completing_store_failure_goes_back_to_preparing() -> None:
    h = Harness()
    a, b, gen = _completing(h)
    sb = h.sync(b, gen)
    h.hold_appends = True
    sa = h.sync(a, gen, {a: b"A", b: b"B"})
    h.release(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert sa.error is ErrorCode.NOT_COORDINATOR and sb.error is ErrorCode.NOT_COORDINATOR
    assert h.state() is P
    assert all(m.assignment == b"" for m in h.group().members.values())


def test_store_timeout_maps_to_rebalance_in_progress() -> None:
    h = Harness()
    a, _b, gen = _completing(h)
    h.hold_appends = True
    sa = h.sync(a, gen, {a: b"A"})
    h.release(ErrorCode.REQUEST_TIMED_OUT)
    assert sa.error is ErrorCode.REBALANCE_IN_PROGRESS


# -- PreparingRebalance -> Empty, and Dead ----------------------------------------------------


def test_preparing_to_empty_when_all_members_leave() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.leave((a, None), (b, None))
    assert h.state() is E
    assert h.group().generation_id == gen + 1  # the empty generation is a generation too
    assert h.group().protocol_name is None and h.group().leader_id is None
    last = group_records(h)[-1]
    assert last is not None and last.members == () and last.generation_id == gen + 1


def test_preparing_to_empty_when_all_members_expire() -> None:
    h = Harness()
    (a, _b), gen = h.form_group(2)
    h.advance(SESSION_MS)
    assert h.state() is E
    assert h.heartbeat(a, gen).error is ErrorCode.UNKNOWN_MEMBER_ID


def test_preparing_to_empty_when_a_parked_joiner_leaves() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    mid, join = h.join_dynamic()
    h.leave((mid, None))
    assert join.error is ErrorCode.UNKNOWN_MEMBER_ID
    h.advance(3_000)
    assert h.state() is E


def test_empty_to_dead_on_delete() -> None:
    h = Harness()
    (a,), _ = h.form_group(1)
    h.leave((a, None))
    assert h.state() is E
    assert h.delete_groups(GROUP)().results[0].error_code == 0
    assert h.core.group(GROUP) is None
    assert h.describe(GROUP)().groups[0].group_state == "Dead"


def test_unload_kills_the_group_and_answers_parked_requests() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    join = h.join(a)
    assert join.parked
    p = h.core.partition_for(GROUP)
    h.apply(h.core.unload(p, h.now))
    assert join.error is ErrorCode.NOT_COORDINATOR
    assert h.core.group(GROUP) is None
    assert h.heartbeat(b, gen).error is ErrorCode.NOT_COORDINATOR


# -- the initial rebalance delay ----------------------------------------------------------------


def test_initial_delay_grows_while_members_arrive_up_to_the_rebalance_timeout() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    start = h.now
    _, j1 = h.join_dynamic(client_id="a", rebalance_ms=10_000)
    # Each delay in which a new member arrives earns another one (min(delay, remaining)).
    joins = [j1]
    for at in (1_000, 4_000, 7_000):
        h.advance(start + at - h.now)
        joins.append(h.join_dynamic(client_id=f"m{at}", rebalance_ms=10_000)[1])
    h.advance(start + 9_999 - h.now)
    assert all(j.parked for j in joins)
    h.advance(1)  # 3000 + 3000 + 3000 + 1000 = the rebalance timeout
    assert all(j.error is ErrorCode.NONE for j in joins)
    assert h.group().size == 4


def test_initial_delay_without_newcomers_is_just_the_delay() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    _, j = h.join_dynamic(rebalance_ms=60_000)
    h.advance(3_000)
    assert j.error is ErrorCode.NONE


def test_initial_delay_applies_again_when_an_empty_group_restarts_but_does_not_grow() -> None:
    h = Harness(cfg=config(group_initial_rebalance_delay_ms=3_000))
    _, j = h.join_dynamic(rebalance_ms=60_000)
    h.advance(3_000)
    mid = j().member_id
    h.sync(mid, j().generation_id, {mid: b""})
    h.leave((mid, None))
    assert h.state() is E and h.group().generation_id == 2
    _, j1 = h.join_dynamic(client_id="x", rebalance_ms=60_000)
    h.advance(1_000)
    _, j2 = h.join_dynamic(client_id="y", rebalance_ms=60_000)
    h.advance(2_000)  # generation > 0: newcomers do not extend the delay
    assert j1.error is ErrorCode.NONE and j2.error is ErrorCode.NONE
