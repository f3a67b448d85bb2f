"""One group's state machine and bookkeeping, without the coordinator."""

from __future__ import annotations

import itertools

import pytest
from support.subscriptions import encode_subscription

from broker.group.offsets import java_string_length
from broker.group.records import OffsetAndMetadata, TopicPartition
from broker.group.state import (
    GroupMetadata,
    GroupState,
    IllegalStateTransitionError,
    MemberMetadata,
)
from broker.group.timers import TimerKey, TimerKind, TimerTable
from protocol.consumer_protocol import subscribed_topics
from protocol.primitives import INT16, INT32, write_array_length, write_bytes, write_string

E, P, C, S, D = (
    GroupState.EMPTY,
    GroupState.PREPARING_REBALANCE,
    GroupState.COMPLETING_REBALANCE,
    GroupState.STABLE,
    GroupState.DEAD,
)

#: Kafka's legal transitions, written out independently of the implementation's table.
LEGAL = {
    (P, E),
    (E, P),
    (S, P),
    (C, P),
    (P, C),
    (C, S),
    *((s, D) for s in GroupState),
}


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(GroupState, GroupState)))
def test_transition_table(src: GroupState, dst: GroupState) -> None:
    group = GroupMetadata("g", state=src)
    if (src, dst) in LEGAL:
        group.transition_to(dst, 42)
        assert group.state is dst
        assert group.state_timestamp_ms == 42
    else:
        with pytest.raises(IllegalStateTransitionError):
            group.transition_to(dst, 42)
        assert group.state is src


def test_state_names_are_kafkas() -> None:
    assert [s.value for s in GroupState] == [
        "Empty",
        "PreparingRebalance",
        "CompletingRebalance",
        "Stable",
        "Dead",
    ]


def member(mid: str, *protocols: str, instance: str | None = None) -> MemberMetadata:
    return MemberMetadata(
        member_id=mid,
        group_instance_id=instance,
        client_id="c",
        client_host="h",
        rebalance_timeout_ms=1000,
        session_timeout_ms=1000,
        protocol_type="consumer",
        supported_protocols=[(p, p.encode()) for p in protocols],
    )


def test_first_member_sets_protocol_type_and_leads() -> None:
    group = GroupMetadata("g")
    group.add(member("a", "range"))
    group.add(member("b", "range"))
    assert group.protocol_type == "consumer"
    assert group.leader_id == "a"
    group.remove("a")
    assert group.leader_id == "b"  # the next oldest member leads
    group.remove("b")
    assert group.leader_id is None
    assert group.size == 0
    assert group is not None and bool(group)  # never falsy, even when empty


def test_select_protocol_takes_the_most_preferred_common_protocol() -> None:
    group = GroupMetadata("g", state=P)
    group.add(member("a", "roundrobin", "range", "sticky"))
    group.add(member("b", "range", "roundrobin"))
    group.add(member("c", "range", "sticky", "roundrobin"))
    assert group.candidate_protocols() == {"range", "roundrobin"}
    assert group.select_protocol() == "range"  # two votes against one


def test_select_protocol_ties_break_by_first_vote() -> None:
    group = GroupMetadata("g", state=P)
    group.add(member("a", "x", "y"))
    group.add(member("b", "y", "x"))
    assert group.select_protocol() == "x"


def test_supports_protocols() -> None:
    group = GroupMetadata("g")
    assert group.supports_protocols("consumer", ["range"])
    assert not group.supports_protocols("", ["range"])
    assert not group.supports_protocols("consumer", [])
    group.add(member("a", "range", "rr"))
    group.transition_to(P, 0)
    assert group.supports_protocols("consumer", ["rr"])
    assert not group.supports_protocols("connect", ["range"])
    assert not group.supports_protocols("consumer", ["sticky"])
    group.update_member(group.members["a"], [("sticky", b"")], 1, 1)
    assert group.supports_protocols("consumer", ["sticky"])
    assert not group.supports_protocols("consumer", ["range"])


def test_static_members_map_and_replacement() -> None:
    group = GroupMetadata("g", state=P)
    group.add(member("a", "range", instance="i"))
    group.add(member("b", "range"))
    group.pending_sync_members["a"] = None
    with pytest.raises(ValueError):
        group.add(member("x", "range", instance="i"))
    replaced = group.replace_static_member("i", "a", "a2")
    assert replaced.member_id == "a2"
    assert group.static_members == {"i": "a2"}
    assert group.leader_id == "a2"
    assert list(group.pending_sync_members) == ["a2"]
    group.remove("a2")
    assert group.static_members == {}
    assert group.leader_id == "b"


def test_rejoined_leader_election() -> None:
    group = GroupMetadata("g", state=P)
    group.add(member("a", "range"))
    group.add(member("b", "range"))
    group.add(member("c", "range"))
    assert not group.maybe_elect_new_joined_leader()
    from broker.group.outcome import ParkedRequest, ParkKey

    group.members["c"].awaiting_join = ParkedRequest(ParkKey(1, 11, "g"), 7)
    assert group.maybe_elect_new_joined_leader()
    assert group.leader_id == "c"
    assert not group.has_all_members_joined()
    assert [m.member_id for m in group.not_yet_rejoined()] == ["a", "b"]


def _subscription_v1(topics: list[str]) -> bytes:
    out = bytearray(INT16.pack(1))
    write_array_length(out, len(topics), compact=False)
    for t in topics:
        write_string(out, t)
    write_bytes(out, b"user")
    write_array_length(out, 1, compact=False)  # owned partitions
    write_string(out, topics[0])
    write_array_length(out, 1, compact=False)
    out += INT32.pack(0)
    return bytes(out)


def test_subscribed_topics_parse_every_version() -> None:
    assert subscribed_topics(encode_subscription(["a", "b"])) == frozenset({"a", "b"})
    assert subscribed_topics(encode_subscription(["a"], version=3)) == frozenset({"a"})
    assert subscribed_topics(_subscription_v1(["x", "y"])) == frozenset({"x", "y"})
    assert subscribed_topics(b"") is None
    assert subscribed_topics(b"\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff") is None  # version -1
    assert subscribed_topics(b"\x00\x00\x00\x00\x00\x05") is None  # truncated
    assert subscribed_topics(encode_subscription([])) == frozenset()


def test_group_subscription_union_and_unknowns() -> None:
    group = GroupMetadata("g", state=P)
    assert group.compute_subscribed_topics() is None  # no protocol type yet
    group.add(
        MemberMetadata(
            "a", None, "c", "h", 1, 1, "consumer", [("range", encode_subscription(["t1"]))]
        )
    )
    group.add(
        MemberMetadata(
            "b", None, "c", "h", 1, 1, "consumer", [("range", encode_subscription(["t2"]))]
        )
    )
    group.protocol_name = "range"
    assert group.compute_subscribed_topics() == frozenset({"t1", "t2"})
    group.members["b"].supported_protocols = [("range", b"junk")]
    assert group.compute_subscribed_topics() is None
    assert group.is_subscribed_to_topic("anything") or group.subscribed_topics is None


def test_offset_expiry_rules() -> None:
    day = 86_400_000
    tp1, tp2 = TopicPartition("t1", 0), TopicPartition("t2", 0)
    old = OffsetAndMetadata(offset=1, commit_timestamp_ms=0)
    # Simple consumers: by commit time.
    simple = GroupMetadata("s", state_timestamp_ms=0, offsets={tp1: old})
    assert simple.remove_expired_offsets(day - 1, day) == {}
    assert simple.remove_expired_offsets(day, day) == {tp1: old}
    # Empty group that had members: from when it became Empty.
    empty = GroupMetadata("e", protocol_type="consumer", state_timestamp_ms=5 * day)
    empty.offsets = {tp1: old}
    assert empty.remove_expired_offsets(6 * day - 1, day) == {}
    assert empty.remove_expired_offsets(6 * day, day) == {tp1: old}
    # Explicit expire timestamp (OffsetCommit v2-v4 retention) wins.
    explicit = OffsetAndMetadata(offset=2, commit_timestamp_ms=0, expire_timestamp_ms=10)
    empty.offsets = {tp1: explicit}
    assert empty.remove_expired_offsets(10, day) == {tp1: explicit}
    # Pending commits never expire.
    empty.offsets = {tp1: old}
    empty.pending_offset_commits = {tp1: old}
    assert empty.remove_expired_offsets(100 * day, day) == {}
    # Stable consumer group: only topics it no longer subscribes to.
    stable = GroupMetadata(
        "c", state=S, protocol_type="consumer", subscribed_topics=frozenset({"t1"})
    )
    stable.offsets = {tp1: old, tp2: old}
    assert stable.remove_expired_offsets(2 * day, day) == {tp2: old}
    # Other non-empty groups keep their offsets.
    other = GroupMetadata("o", state=S, protocol_type="connect", offsets={tp1: old})
    assert other.remove_expired_offsets(100 * day, day) == {}


def test_offset_commit_bookkeeping() -> None:
    group = GroupMetadata("g")
    tp = TopicPartition("t", 0)
    a, b = OffsetAndMetadata(offset=1), OffsetAndMetadata(offset=2)
    group.prepare_offset_commit({tp: a})
    group.prepare_offset_commit({tp: b})
    assert group.offsets == {} and group.has_offsets()
    group.on_offset_commit_append(tp, a)  # the earlier commit lands first
    assert group.offsets == {tp: a} and group.pending_offset_commits == {tp: b}
    group.fail_pending_offset_write(tp, b)
    assert group.offsets == {tp: a} and group.pending_offset_commits == {}
    assert group.remove_offsets([tp, TopicPartition("x", 1)]) == [tp]
    assert not group.has_offsets()


def test_java_string_length_counts_utf16_units() -> None:
    assert java_string_length("") == 0
    assert java_string_length("abc") == 3
    assert java_string_length("\u00e9") == 1  # two UTF-8 bytes, one unit
    assert java_string_length("\U0001f600") == 2  # four UTF-8 bytes, two units


def test_timer_table() -> None:
    table = TimerTable()
    a, b, c = (TimerKey(TimerKind.HEARTBEAT, "g", m) for m in "abc")
    table.set(a, 10)
    table.set(b, 5)
    table.set(c, 20)
    table.set(a, 30)  # re-armed later
    assert table.next_deadline_ms() == 5
    assert table.deadline(a) == 30
    other = TimerKey(TimerKind.JOIN, "other")
    table.set(other, 100)
    assert set(table.keys("g")) == {a, b, c} and table.keys("other") == [other]
    assert table.cancel(other) and table.keys("other") == []
    assert table.cancel(c) and not table.cancel(c)
    due = table.due(30)
    assert [k for k, _, _ in due] == [b, a]
    assert all(table.take(k, t) for k, t, _ in due)
    assert len(table) == 0 and table.next_deadline_ms() is None
    table.set(a, 1)
    ((key, token, _),) = table.due(1)
    table.set(a, 50)  # re-armed before it was taken: the old firing is stale
    assert not table.take(key, token)
    assert table.deadline(a) == 50
    for i in range(500):  # stale heap entries are compacted
        table.set(a, i)
    assert len(table._heap) < 200


def test_config_defaults_bounds_and_settings() -> None:
    from types import SimpleNamespace

    from broker.group.config import GroupConfig

    cfg = GroupConfig()
    assert (cfg.group_min_session_timeout_ms, cfg.group_max_session_timeout_ms) == (
        6_000,
        1_800_000,
    )
    assert cfg.group_initial_rebalance_delay_ms == 3_000
    assert cfg.offsets_retention_ms == 10_080 * 60_000
    assert cfg.offset_metadata_max_bytes == 4_096 and cfg.offsets_topic_num_partitions == 50
    assert cfg.pending_members_limit == cfg.group_max_size == 1_000
    for bad in (
        {"group_min_session_timeout_ms": 10, "group_max_session_timeout_ms": 5},
        {"group_max_size": 0},
        {"offset_metadata_max_bytes": 40_000},
        {"offsets_topic_num_partitions": 0},
        {"max_pending_members": 0},
    ):
        with pytest.raises(ValueError):
            GroupConfig(**bad)
    settings = SimpleNamespace(
        group_min_session_timeout_ms=1_000,
        group_initial_rebalance_delay_ms=0,
        offsets_topic_num_partitions=3,
        offsets_retention_minutes=1,
    )
    cfg = GroupConfig.from_settings(settings)
    assert cfg.group_min_session_timeout_ms == 1_000 and cfg.offsets_topic_num_partitions == 3
    assert cfg.offsets_retention_ms == 60_000 and cfg.group_max_size == 1_000
