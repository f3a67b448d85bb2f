"""The KIP-848 consumer group core: one test per transition (join, reconcile, revoke, release,
leave, static leave and rejoin, session and revocation timeouts, metadata changes) and per
error Kafka answers."""

from __future__ import annotations

import pytest
from unit.group.consumer_group_harness import (
    GROUP,
    assigned,
    beat,
    join,
    make_core,
    owners,
    set_topics,
)

from broker.group.consumer_coordinator import ConsumerGroupConfig
from broker.group.consumer_state import (
    GROUP_ASSIGNING,
    GROUP_EMPTY,
    GROUP_RECONCILING,
    GROUP_STABLE,
    STABLE,
    UNRELEASED_PARTITIONS,
    UNREVOKED_PARTITIONS,
)
from protocol.errors import ErrorCode
from protocol.messages import ConsumerGroupHeartbeatRequest

pytestmark = pytest.mark.timeout(30)

T12 = {"t": 12}


def all_of(topic: str, n: int) -> set[tuple[str, int]]:
    return {(topic, p) for p in range(n)}


def test_first_member_gets_every_partition_at_epoch_one() -> None:
    core = make_core(T12)
    r = join(core, "a", ["t"])
    assert (r.error_code, r.member_id, r.member_epoch) == (0, "a", 1)
    assert r.heartbeat_interval_ms == 500
    assert assigned(core, r) == all_of("t", 12)
    g = core.groups[GROUP]
    assert (g.group_epoch, g.assignment_epoch, g.state) == (1, 1, GROUP_STABLE)
    assert g.members["a"].state == STABLE


def test_v0_join_without_member_id_gets_one_generated() -> None:
    core = make_core(T12)
    req = ConsumerGroupHeartbeatRequest(
        group_id=GROUP,
        member_id="",
        member_epoch=0,
        rebalance_timeout_ms=1000,
        subscribed_topic_names=["t"],
        topic_partitions=[],
    )
    r = core.heartbeat(req, version=0, now_ms=0)
    assert (r.error_code, r.member_id) == (0, "gen1")


def test_second_member_waits_for_revocation_then_gets_released_partitions() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    rb = join(core, "b", ["t"])
    # b's target is half the partitions, all still owned by a: nothing yet.
    assert rb.member_epoch == 2
    assert assigned(core, rb) == set()
    assert core.groups[GROUP].members["b"].state == UNRELEASED_PARTITIONS
    assert core.groups[GROUP].state == GROUP_RECONCILING
    # a heartbeats: it must revoke b's half and stays at epoch 1 meanwhile.
    ra = beat(core, "a", 1, all_of("t", 12))
    keep_a = assigned(core, ra)
    assert ra.member_epoch == 1 and len(keep_a) == 6
    assert core.groups[GROUP].members["a"].state == UNREVOKED_PARTITIONS
    # b still cannot have them: a has not confirmed the revocation.
    rb = beat(core, "b", 2, [])
    assert rb.assignment is None
    # a confirms: it moves to epoch 2, and the partitions are free.
    ra = beat(core, "a", 1, keep_a)
    assert ra.member_epoch == 2
    assert core.groups[GROUP].members["a"].state == STABLE
    rb = beat(core, "b", 2, [])
    assert assigned(core, rb) == all_of("t", 12) - keep_a
    assert core.groups[GROUP].state == GROUP_STABLE


def test_a_partition_is_never_owned_by_two_members() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    beat(core, "b", 2, [])
    owned = owners(core)
    assert set(owned) == all_of("t", 12)
    assert set(owned.values()) == {"a"}


def test_revocation_without_owned_partitions_is_assumed_pending() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    beat(core, "a", 1, all_of("t", 12))
    # A heartbeat without TopicPartitions: a may still own them.
    r = beat(core, "a", 1, None)
    assert r.member_epoch == 1
    assert core.groups[GROUP].members["a"].state == UNREVOKED_PARTITIONS


def test_leave_frees_partitions_and_bumps_the_group_epoch() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    epoch = core.groups[GROUP].group_epoch
    r = beat(core, "b", -1, None)
    assert (r.error_code, r.member_epoch) == (0, -1)
    g = core.groups[GROUP]
    assert g.group_epoch == epoch + 1 and "b" not in g.members
    ra = beat(core, "a", 1, all_of("t", 12))
    assert ra.member_epoch == g.assignment_epoch
    assert g.state == GROUP_STABLE


def test_last_member_leaving_makes_the_group_empty() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    beat(core, "a", -1, None)
    assert core.groups[GROUP].state == GROUP_EMPTY


def test_session_timeout_removes_a_silent_member() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], now_ms=0)
    join(core, "b", ["t"], now_ms=0)
    beat(core, "a", 1, all_of("t", 12), now_ms=2_000)
    assert core.next_deadline_ms() == 3_000
    assert core.tick(2_999) == []
    assert core.tick(3_000) == [(GROUP, "b")]
    assert "b" not in core.groups[GROUP].members


def test_member_that_does_not_revoke_in_time_is_fenced() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], now_ms=0)
    join(core, "b", ["t"], now_ms=0)
    beat(core, "a", 1, all_of("t", 12), now_ms=100)  # told to revoke
    for now in range(600, 10_100, 500):
        beat(core, "b", 2, [], now_ms=now)
        beat(core, "a", 1, None, now_ms=now)  # never confirms
    removed = core.tick(10_100)
    assert removed == [(GROUP, "a")]
    rb = beat(core, "b", core.groups[GROUP].members["b"].member_epoch, [], now_ms=10_200)
    assert assigned(core, rb) == all_of("t", 12)


def test_unknown_member_and_unknown_group() -> None:
    core = make_core(T12)
    assert beat(core, "x", 3, []).error_code == ErrorCode.GROUP_ID_NOT_FOUND
    join(core, "a", ["t"])
    assert beat(core, "x", 3, []).error_code == ErrorCode.UNKNOWN_MEMBER_ID
    assert beat(core, "x", -1, None).error_code == ErrorCode.UNKNOWN_MEMBER_ID


def test_epoch_ahead_is_fenced_and_previous_epoch_is_tolerated() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    r = beat(core, "a", 5, [])
    assert r.error_code == ErrorCode.FENCED_MEMBER_EPOCH
    join(core, "b", ["t"])
    keep = assigned(core, beat(core, "a", 1, all_of("t", 12)))
    assert beat(core, "a", 1, keep).member_epoch == 2
    # a missed that response: its epoch-1 heartbeat owning a subset is accepted ...
    assert beat(core, "a", 1, keep).error_code == 0
    # ... but not with partitions it no longer has.
    assert beat(core, "a", 1, all_of("t", 12)).error_code == ErrorCode.FENCED_MEMBER_EPOCH


def test_invalid_requests() -> None:
    core = make_core(T12)
    bad = ErrorCode.INVALID_REQUEST
    assert join(core, "a", ["t"], group="").error_code == bad
    assert join(core, "", ["t"]).error_code == bad  # v1 needs a member id
    assert join(core, "a", None).error_code == bad  # no subscription
    r = core.heartbeat(
        ConsumerGroupHeartbeatRequest(
            group_id=GROUP,
            member_id="a",
            member_epoch=0,
            subscribed_topic_names=["t"],
            topic_partitions=[],
        ),
        version=1,
        now_ms=0,
    )
    assert (r.error_code, r.error_message) == (
        bad,
        "RebalanceTimeoutMs must be provided in first request.",
    )
    assert beat(core, "a", -3, None).error_code == bad
    assert beat(core, "a", -2, None).error_code == bad  # static leave without instance id


def test_unsupported_assignor() -> None:
    core = make_core(T12)
    r = join(core, "a", ["t"], assignor="sticky")
    assert r.error_code == ErrorCode.UNSUPPORTED_ASSIGNOR
    assert "uniform" in (r.error_message or "")


def test_range_assignor_by_member_choice() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], assignor="range")
    join(core, "b", ["t"], assignor="range")
    g = core.groups[GROUP]
    assert g.assignor_name == "range"
    assert g.target["a"] == {"t": frozenset(range(6))}
    assert g.target["b"] == {"t": frozenset(range(6, 12))}


def test_default_assignor_is_the_first_configured() -> None:
    core = make_core(T12, ConsumerGroupConfig(assignors=("range", "uniform")))
    join(core, "a", ["t"])
    assert core.groups[GROUP].assignor_name == "range"


def test_group_max_size() -> None:
    core = make_core(T12, ConsumerGroupConfig(max_size=2))
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    assert join(core, "c", ["t"]).error_code == ErrorCode.GROUP_MAX_SIZE_REACHED


def test_static_member_leaves_keeps_its_partitions_and_comes_back() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], instance_id="i-a")
    r = beat(core, "a", -2, None, instance_id="i-a")
    assert r.member_epoch == -2
    g = core.groups[GROUP]
    assert set(owners(core).values()) == {"a"}  # still its own
    epoch = g.group_epoch
    r = join(core, "a2", ["t"], instance_id="i-a")
    assert (r.error_code, r.member_id, r.member_epoch) == (0, "a2", 1)
    assert assigned(core, r) == all_of("t", 12)
    assert g.group_epoch == epoch  # no rebalance
    assert set(owners(core).values()) == {"a2"}


def test_static_instance_still_in_use_is_unreleased() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], instance_id="i-a")
    assert join(core, "b", ["t"], instance_id="i-a").error_code == ErrorCode.UNRELEASED_INSTANCE_ID
    assert beat(core, "a", 1, [], instance_id="i-b").error_code == ErrorCode.FENCED_INSTANCE_ID


def test_static_member_that_does_not_return_expires() -> None:
    core = make_core(T12)
    join(core, "a", ["t"], instance_id="i-a", now_ms=0)
    join(core, "b", ["t"], now_ms=0)
    beat(core, "a", -2, None, instance_id="i-a", now_ms=1_000)
    beat(core, "b", 2, [], now_ms=2_500)
    assert core.tick(3_000) == [(GROUP, "a")]
    g = core.groups[GROUP]
    rb = beat(core, "b", g.members["b"].member_epoch, [], now_ms=3_100)
    assert assigned(core, rb) == all_of("t", 12)


def test_new_partitions_bump_the_group_epoch_and_are_assigned() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    assert set_topics(core, {"t": 14}, 10) == [GROUP]
    g = core.groups[GROUP]
    assert g.group_epoch == 2 and g.state == GROUP_ASSIGNING
    r = beat(core, "a", 1, all_of("t", 12))
    assert r.member_epoch == 2 and assigned(core, r) == all_of("t", 14)


def test_deleted_topic_is_dropped_from_the_assignment() -> None:
    core = make_core({"t": 12, "u": 2})
    join(core, "a", ["t", "u"])
    assert set_topics(core, {"t": 12}, 10) == [GROUP]
    # u's id no longer resolves: the member cannot own its partitions any more, so there is
    # nothing to revoke and it moves to the new epoch at once.
    r = beat(core, "a", 1, all_of("t", 12) | all_of("u", 2))
    assert r.member_epoch == 2 and assigned(core, r) == all_of("t", 12)
    assert set(owners(core)) == all_of("t", 12)


def test_unrelated_topic_change_does_not_bump() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    assert set_topics(core, {"t": 12, "other": 3}, 10) == []


def test_subscription_change_bumps_the_epoch() -> None:
    core = make_core({"t": 12, "u": 4})
    join(core, "a", ["t"])
    r = core.heartbeat(
        ConsumerGroupHeartbeatRequest(
            group_id=GROUP, member_id="a", member_epoch=1, subscribed_topic_names=["t", "u"]
        ),
        version=1,
        now_ms=0,
    )
    assert r.member_epoch == 2
    assert assigned(core, r) == all_of("t", 12) | all_of("u", 4)


def test_rejoin_with_epoch_zero_starts_afresh() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    r = join(core, "a", ["t"])  # a was fenced and gave up everything it had
    g = core.groups[GROUP]
    assert r.error_code == 0 and r.member_epoch == g.group_epoch == 3
    # Its old partitions were released: b gets its share at once.
    assert assigned(core, r) == set().union(
        *({("t", p) for p in ps} for ps in g.target["a"].values())
    )
    rb = beat(core, "b", 2, [])
    assert len(assigned(core, rb)) == 6
    assert set(owners(core)) == all_of("t", 12)


def test_regex_subscription_and_its_reevaluation() -> None:
    core = make_core({"orders-1": 2, "orders-2": 2, "payments": 2, "__consumer_offsets": 3})
    r = join(core, "a", None, regex="orders-.*")
    assert assigned(core, r) == all_of("orders-1", 2) | all_of("orders-2", 2)
    assert set_topics(core, {"orders-1": 2, "orders-2": 2, "orders-3": 1, "payments": 2}, 10) == [
        GROUP
    ]
    r = beat(core, "a", 1, all_of("orders-1", 2) | all_of("orders-2", 2))
    assert ("orders-3", 0) in assigned(core, r)


def test_internal_topics_never_match_a_regex() -> None:
    core = make_core({"__consumer_offsets": 3, "t": 1})
    r = join(core, "a", None, regex=".*")
    assert assigned(core, r) == {("t", 0)}


@pytest.mark.parametrize("pattern", ["(a+)+", "(x)\\1", "(?=a)b", "[", "a" * 2000])
def test_unsafe_or_invalid_regex_is_refused(pattern: str) -> None:
    core = make_core(T12)
    r = join(core, "a", None, regex=pattern)
    assert r.error_code == ErrorCode.INVALID_REGULAR_EXPRESSION
    assert r.error_message


def test_empty_regex_means_names() -> None:
    core = make_core(T12)
    r = join(core, "a", ["t"], regex="")
    assert r.error_code == 0 and assigned(core, r) == all_of("t", 12)


def test_offset_commit_checks_member_epochs() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    assert core.validate_offset_commit("other", "a", 1, 9) is None  # not a consumer group
    assert core.validate_offset_commit(GROUP, "a", 1, 9) == ErrorCode.NONE
    assert core.validate_offset_commit(GROUP, "a", 0, 9) == ErrorCode.STALE_MEMBER_EPOCH
    assert core.validate_offset_commit(GROUP, "zz", 1, 9) == ErrorCode.UNKNOWN_MEMBER_ID
    assert core.validate_offset_commit(GROUP, "a", 1, 8) == ErrorCode.UNSUPPORTED_VERSION
    assert core.validate_offset_commit(GROUP, "", -1, 9) == ErrorCode.UNKNOWN_MEMBER_ID
    beat(core, "a", -1, None)
    assert core.validate_offset_commit(GROUP, "", -1, 9) is None  # empty: admin commits


def test_describe_reports_epochs_and_both_assignments() -> None:
    core = make_core(T12)
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    (d, missing) = core.describe([GROUP, "nope"])
    assert (d.error_code, d.group_state, d.group_epoch, d.assignment_epoch) == (
        0,
        GROUP_RECONCILING,
        2,
        2,
    )
    assert d.assignor_name == "uniform"
    b = next(m for m in d.members if m.member_id == "b")
    assert b.assignment.topic_partitions == []
    assert sum(len(t.partitions) for t in b.target_assignment.topic_partitions) == 6
    assert missing.error_code == ErrorCode.GROUP_ID_NOT_FOUND


def test_config_bounds() -> None:
    with pytest.raises(ValueError):
        ConsumerGroupConfig(session_timeout_ms=1000, heartbeat_interval_ms=1000)
    with pytest.raises(ValueError):
        ConsumerGroupConfig(assignors=("sticky",))

    class Settings:
        group_consumer_session_timeout_ms = 1_000
        group_consumer_min_session_timeout_ms = 45_000

    with pytest.raises(ValueError, match="below its minimum"):
        ConsumerGroupConfig.from_settings(Settings())


def test_an_empty_classic_group_converts_on_a_first_heartbeat() -> None:
    core = make_core(T12)
    req = ConsumerGroupHeartbeatRequest(
        group_id=GROUP,
        member_id="a",
        member_epoch=0,
        rebalance_timeout_ms=1000,
        subscribed_topic_names=["t"],
        topic_partitions=[],
    )
    r = core.heartbeat(req, version=1, now_ms=0, classic_state="Empty")
    assert (r.error_code, r.member_epoch) == (0, 1)


def test_a_classic_group_with_members_is_not_a_consumer_group() -> None:
    core = make_core(T12)
    req = ConsumerGroupHeartbeatRequest(
        group_id=GROUP,
        member_id="a",
        member_epoch=0,
        rebalance_timeout_ms=1000,
        subscribed_topic_names=["t"],
        topic_partitions=[],
    )
    r = core.heartbeat(req, version=1, now_ms=0, classic_state="Stable")
    assert r.error_code == ErrorCode.GROUP_ID_NOT_FOUND
    assert r.error_message == f"Group {GROUP} is not a consumer group."


def test_no_upgrade_when_the_policy_forbids_it() -> None:
    core = make_core(T12, ConsumerGroupConfig(migration_policy="downgrade"))
    req = ConsumerGroupHeartbeatRequest(
        group_id=GROUP,
        member_id="a",
        member_epoch=0,
        rebalance_timeout_ms=1000,
        subscribed_topic_names=["t"],
        topic_partitions=[],
    )
    r = core.heartbeat(req, version=1, now_ms=0, classic_state="Empty")
    assert r.error_code == ErrorCode.GROUP_ID_NOT_FOUND


def test_classic_join_converts_an_empty_consumer_group_back() -> None:
    core = make_core(T12)
    assert core.convert_to_classic(GROUP) is None  # not a consumer group
    join(core, "a", ["t"])
    core.drain_records()
    assert core.convert_to_classic(GROUP) == ErrorCode.GROUP_ID_NOT_FOUND  # not empty
    beat(core, "a", -1, None)
    assert core.convert_to_classic(GROUP) == ErrorCode.NONE
    assert GROUP not in core.groups
    assert all(v is None for _, _, v in core.drain_records())  # tombstones only


def test_no_downgrade_when_the_policy_forbids_it() -> None:
    core = make_core(T12, ConsumerGroupConfig(migration_policy="upgrade"))
    join(core, "a", ["t"])
    beat(core, "a", -1, None)
    assert core.convert_to_classic(GROUP) == ErrorCode.GROUP_ID_NOT_FOUND
