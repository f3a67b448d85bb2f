"""OffsetCommit, OffsetFetch, OffsetDelete, retention and lag support."""

from __future__ import annotations

from typing import Any

import pytest
from support.subscriptions import encode_subscription
from unit.group.group_harness import GROUP, SESSION_MS, Harness, config

from broker.group import GroupCoordinatorCore, GroupMetadataKey, GroupState, OffsetCommitKey
from broker.group.records import OffsetAndMetadata, TopicPartition, decode_record
from protocol.errors import ErrorCode

DAY_MS = 86_400_000


def errors(reply: Any) -> dict[tuple[str, int], ErrorCode]:
    return {
        (t.name, p.partition_index): ErrorCode(p.error_code)
        for t in reply().topics
        for p in t.partitions
    }


def fetched(reply: Any) -> dict[tuple[str, int], tuple[int, int, str | None, ErrorCode]]:
    return {
        (t.name, p.partition_index): (
            p.committed_offset,
            p.committed_leader_epoch,
            p.metadata,
            ErrorCode(p.error_code),
        )
        for t in reply().topics
        for p in t.partitions
    }


def decoded_log(h: Harness) -> list[tuple[Any, Any]]:
    return [decode_record(k, v) for k, v in h.log]


# -- OffsetCommit / OffsetFetch -----------------------------------------------------------------


def test_simple_consumer_commit_and_fetch() -> None:
    h = Harness()
    reply = h.commit({("t", 0): 10, ("t", 1): 20, ("u", 0): 5}, metadata="m", leader_epoch=3)
    assert set(errors(reply).values()) == {ErrorCode.NONE}
    assert h.state() is GroupState.EMPTY  # a simple consumer's group
    assert fetched(h.fetch([("t", 0), ("t", 9), ("x", 0)])) == {
        ("t", 0): (10, 3, "m", ErrorCode.NONE),
        ("t", 9): (-1, -1, "", ErrorCode.NONE),  # no offset: -1, no error
        ("x", 0): (-1, -1, "", ErrorCode.NONE),
    }
    everything = fetched(h.fetch(None))  # null topics: every committed partition
    assert sorted(everything) == [("t", 0), ("t", 1), ("u", 0)]
    assert h.committed() == {("t", 0): 10, ("t", 1): 20, ("u", 0): 5}
    assert [k for k, _ in decoded_log(h)] == [
        OffsetCommitKey(GROUP, "t", 0),
        OffsetCommitKey(GROUP, "t", 1),
        OffsetCommitKey(GROUP, "u", 0),
    ]


def test_fetch_for_an_unknown_group_is_not_an_error() -> None:
    h = Harness()
    assert fetched(h.fetch([("t", 0)], group_id="nobody")) == {
        ("t", 0): (-1, -1, "", ErrorCode.NONE)
    }
    assert h.fetch(None, group_id="nobody")().topics == []
    assert h.fetch(None, group_id="nobody")().error_code == 0


def test_commit_fields_per_version() -> None:
    h = Harness()
    h.commit({("t", 0): 1}, version=5, leader_epoch=9, metadata=None)
    h.commit({("t", 1): 2}, version=6, leader_epoch=9)
    h.commit({("t", 2): 3}, version=2, retention_ms=60_000)
    h.commit({("t", 3): 4}, version=5, retention_ms=60_000)  # v5+ has no retention field
    offsets = h.core.committed_offsets(GROUP)
    t = TopicPartition
    assert offsets[t("t", 0)] == OffsetAndMetadata(1, -1, "", h.now, None)  # null metadata -> ""
    assert offsets[t("t", 1)] == OffsetAndMetadata(2, 9, "", h.now, None)
    assert offsets[t("t", 2)].expire_timestamp_ms == h.now + 60_000
    assert offsets[t("t", 3)].expire_timestamp_ms is None
    # The leader epoch goes back from v5 on (the field exists from OffsetFetch v5).
    assert fetched(h.fetch([("t", 1)], version=5))[("t", 1)][1] == 9


def test_a_retention_past_int64_means_never_not_a_failure() -> None:
    h = Harness()
    reply = h.commit({("t", 0): 1}, version=2, retention_ms=(1 << 63) - 1)
    assert fetched(h.fetch([("t", 0)]))[("t", 0)][3] is ErrorCode.NONE, reply
    stored = h.core.committed_offsets(GROUP)[TopicPartition("t", 0)]
    assert stored.expire_timestamp_ms == (1 << 63) - 1


def test_a_commit_is_visible_only_once_durable() -> None:
    h = Harness()
    h.hold_appends = True
    reply = h.commit({("t", 0): 7})
    assert reply.parked
    assert fetched(h.fetch([("t", 0)]))[("t", 0)][0] == -1
    # require_stable (v7) reports the commit in flight.
    assert (
        fetched(h.fetch([("t", 0)], require_stable=True))[("t", 0)][3]
        is ErrorCode.UNSTABLE_OFFSET_COMMIT
    )
    h.release()
    assert errors(reply) == {("t", 0): ErrorCode.NONE}
    assert h.committed() == {("t", 0): 7}


@pytest.mark.parametrize(
    ("append_error", "client_error"),
    [
        (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR),
        (ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_COORDINATOR),
        (ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE),
        (ErrorCode.REQUEST_TIMED_OUT, ErrorCode.COORDINATOR_NOT_AVAILABLE),
        (ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.COORDINATOR_NOT_AVAILABLE),
        (ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE),
        (ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE),
        (ErrorCode.CORRUPT_MESSAGE, ErrorCode.CORRUPT_MESSAGE),
    ],
)
def test_failed_commit_append(append_error: ErrorCode, client_error: ErrorCode) -> None:
    h = Harness()
    h.commit({("t", 0): 1})
    h.hold_appends = True
    reply = h.commit({("t", 0): 2})
    h.release(append_error)
    assert errors(reply) == {("t", 0): client_error}
    assert h.committed() == {("t", 0): 1}
    assert h.group().pending_offset_commits == {}


def test_overlapping_commits_to_one_partition() -> None:
    h = Harness()
    h.hold_appends = True
    first = h.commit({("t", 0): 1})
    second = h.commit({("t", 0): 2})
    h.release(count=1)
    assert h.committed() == {("t", 0): 1} and second.parked
    h.release(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert errors(first) == {("t", 0): ErrorCode.NONE}
    assert h.committed() == {("t", 0): 1}


def test_metadata_size_limit_counts_utf16_units() -> None:
    h = Harness(cfg=config(offset_metadata_max_bytes=4))
    reply = h.commit({("t", 0): 1}, metadata="\u00e9\u00e9\u00e9\u00e9")  # 8 UTF-8 bytes, 4 units
    assert errors(reply) == {("t", 0): ErrorCode.NONE}
    reply = h.commit({("t", 0): 2, ("t", 1): 2}, metadata="12345")
    assert errors(reply) == {
        ("t", 0): ErrorCode.OFFSET_METADATA_TOO_LARGE,
        ("t", 1): ErrorCode.OFFSET_METADATA_TOO_LARGE,
    }
    assert h.committed() == {("t", 0): 1}


def test_unknown_partitions_are_refused_per_partition() -> None:
    h = Harness()
    reply = h.commit({("t", 0): 1, ("gone", 0): 1}, partition_exists=lambda t, p: t == "t")
    assert errors(reply) == {
        ("t", 0): ErrorCode.NONE,
        ("gone", 0): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }


def test_member_commits() -> None:
    h = Harness()
    (a, _b), gen = h.form_group(2)
    ok = h.commit({("t", 0): 1}, member_id=a, generation=gen)
    assert errors(ok) == {("t", 0): ErrorCode.NONE}
    cases: list[tuple[dict[str, Any], ErrorCode]] = [
        (dict(member_id=a, generation=gen - 1), ErrorCode.ILLEGAL_GENERATION),
        (dict(member_id="ghost", generation=gen), ErrorCode.UNKNOWN_MEMBER_ID),
        (dict(member_id="", generation=-1), ErrorCode.UNKNOWN_MEMBER_ID),  # simple commit, members
        (dict(member_id=a, generation=-1), ErrorCode.ILLEGAL_GENERATION),
        (dict(member_id=a, generation=gen, instance_id="i"), ErrorCode.UNKNOWN_MEMBER_ID),
        (dict(member_id=a, generation=gen, group_id=""), ErrorCode.ILLEGAL_GENERATION),
    ]
    for kw, error in cases:
        assert errors(h.commit({("t", 0): 9}, **kw)) == {("t", 0): error}, kw
    assert h.committed() == {("t", 0): 1}


def test_commit_to_a_missing_group_with_a_generation_is_illegal() -> None:
    h = Harness()
    assert errors(h.commit({("t", 0): 1}, member_id="m", generation=3)) == {
        ("t", 0): ErrorCode.ILLEGAL_GENERATION
    }
    assert h.core.group(GROUP) is None


def test_static_member_commit_fencing() -> None:
    h = Harness()
    join = h.join(instance_id="i")
    mid, gen = join().member_id, join().generation_id
    h.sync(mid, gen, {mid: b""})
    assert errors(h.commit({("t", 0): 1}, member_id=mid, generation=gen, instance_id="i")) == {
        ("t", 0): ErrorCode.NONE
    }
    assert errors(h.commit({("t", 0): 2}, member_id="old", generation=gen, instance_id="i")) == {
        ("t", 0): ErrorCode.FENCED_INSTANCE_ID
    }


def test_commits_while_rebalancing() -> None:
    h = Harness()
    (a, b), gen = h.form_group(2)
    h.join(a)
    assert h.state() is GroupState.PREPARING_REBALANCE
    # PreparingRebalance: the current generation may still commit (as Kafka).
    assert errors(h.commit({("t", 0): 1}, member_id=b, generation=gen)) == {
        ("t", 0): ErrorCode.NONE
    }
    gen2 = h.join(b)().generation_id
    assert h.state() is GroupState.COMPLETING_REBALANCE
    assert errors(h.commit({("t", 0): 2}, member_id=b, generation=gen2)) == {
        ("t", 0): ErrorCode.REBALANCE_IN_PROGRESS
    }


def test_commit_keeps_a_member_alive() -> None:
    h = Harness()
    (a,), gen = h.form_group(1)
    for i in range(5):
        h.advance(SESSION_MS - 1)
        assert errors(h.commit({("t", 0): i}, member_id=a, generation=gen)) == {
            ("t", 0): ErrorCode.NONE
        }
    assert h.state() is GroupState.STABLE


def test_commit_and_fetch_while_loading() -> None:
    h = Harness()
    core = GroupCoordinatorCore(h.cfg, owned_partitions=())
    core.begin_loading(core.partition_for(GROUP))
    h.core = core
    assert errors(h.commit({("t", 0): 1})) == {("t", 0): ErrorCode.COORDINATOR_LOAD_IN_PROGRESS}
    reply = h.fetch([("t", 0)])
    assert reply().error_code == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS and reply().topics == []
    v1 = h.fetch([("t", 0)], version=1)  # v1 has no top-level error: each partition carries it
    assert fetched(v1) == {("t", 0): (-1, -1, "", ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)}


# -- OffsetDelete -------------------------------------------------------------------------------


def test_offset_delete_in_an_empty_group() -> None:
    h = Harness()
    h.commit({("t", 0): 1, ("t", 1): 2})
    h.hold_appends = True
    reply = h.delete_offsets([("t", 0), ("t", 5)])
    assert reply.parked  # answered once the tombstones are durable
    h.release()
    assert reply().error_code == 0
    assert errors(reply) == {("t", 0): ErrorCode.NONE, ("t", 5): ErrorCode.NONE}
    assert h.committed() == {("t", 1): 2}
    assert decoded_log(h)[-1] == (OffsetCommitKey(GROUP, "t", 0), None)


def test_offset_delete_of_the_last_offset_removes_the_group() -> None:
    h = Harness()
    h.commit({("t", 0): 1})
    h.delete_offsets([("t", 0)])
    assert h.core.group(GROUP) is None


def test_offset_delete_in_a_consumer_group_spares_subscribed_topics() -> None:
    h = Harness()
    (a,), gen = h.form_group(1, topics=("t",))
    h.commit({("t", 0): 1, ("old", 0): 2}, member_id=a, generation=gen)
    reply = h.delete_offsets([("t", 0), ("old", 0)], partition_exists=lambda t, p: True)
    assert errors(reply) == {
        ("t", 0): ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
        ("old", 0): ErrorCode.NONE,
    }
    assert h.committed() == {("t", 0): 1}


def test_offset_delete_errors() -> None:
    h = Harness()
    assert h.delete_offsets([("t", 0)]).error is ErrorCode.GROUP_ID_NOT_FOUND
    assert h.delete_offsets([("t", 0)], group_id="").error is ErrorCode.INVALID_GROUP_ID
    h.join(protocol_type="connect", instance_id="w", protocols=[("p", b"")])
    assert h.delete_offsets([("t", 0)]).error is ErrorCode.NON_EMPTY_GROUP
    unknown = h.delete_offsets([("x", 0)], group_id="nobody", partition_exists=lambda t, p: False)
    assert unknown.error is ErrorCode.GROUP_ID_NOT_FOUND
    assert errors(unknown) == {("x", 0): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}


def test_offset_delete_with_unparseable_subscriptions_protects_every_topic() -> None:
    h = Harness()
    join = h.join(instance_id="i", protocols=[("range", b"not a subscription")])
    mid = join().member_id
    h.sync(mid, join().generation_id, {mid: b""})
    h.commit({("t", 0): 1}, member_id=mid, generation=join().generation_id)
    assert errors(h.delete_offsets([("t", 0)])) == {("t", 0): ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC}


# -- retention ----------------------------------------------------------------------------------


def test_offsets_of_an_empty_group_expire_after_retention_since_it_became_empty() -> None:
    h = Harness(cfg=config(offsets_retention_ms=DAY_MS))
    (a,), gen = h.form_group(1)
    h.commit({("t", 0): 1}, member_id=a, generation=gen)
    h.advance(3 * DAY_MS)  # the member is long gone (session expiry): the group became Empty
    emptied_at = h.group().state_timestamp_ms
    assert h.state() is GroupState.EMPTY and emptied_at is not None
    h.now = emptied_at + DAY_MS - 1
    h.apply(h.core.expire_offsets(h.now))
    assert h.committed() == {("t", 0): 1}
    h.now = emptied_at + DAY_MS
    h.apply(h.core.expire_offsets(h.now))
    assert h.core.group(GROUP) is None  # nothing left: the group goes too
    assert decoded_log(h)[-2:] == [
        (OffsetCommitKey(GROUP, "t", 0), None),
        (GroupMetadataKey(GROUP), None),
    ]


def test_simple_consumer_offsets_expire_by_commit_time() -> None:
    h = Harness(cfg=config(offsets_retention_ms=DAY_MS))
    h.commit({("t", 0): 1})
    h.advance(DAY_MS // 2)
    h.commit({("t", 1): 2})
    h.advance(DAY_MS // 2)
    h.apply(h.core.expire_offsets(h.now))
    assert h.committed() == {("t", 1): 2}
    # A group that never formed a generation has no metadata record: no group tombstone.
    h.advance(DAY_MS)
    h.apply(h.core.expire_offsets(h.now))
    assert h.core.group(GROUP) is None
    assert all(not isinstance(k, GroupMetadataKey) for k, _ in decoded_log(h))


def test_stable_consumer_group_keeps_offsets_of_subscribed_topics() -> None:
    h = Harness(cfg=config(offsets_retention_ms=60_000))
    (a,), gen = h.form_group(1, topics=("t",))
    h.commit({("t", 0): 1, ("old", 0): 2}, member_id=a, generation=gen)
    for _ in range(13):
        h.advance(5_000)
        assert h.heartbeat(a, gen).error is ErrorCode.NONE
    h.apply(h.core.expire_offsets(h.now))
    assert h.committed() == {("t", 0): 1}


def test_empty_group_without_offsets_is_cleaned_up() -> None:
    h = Harness()
    h.join(protocol_type="")  # creates the group, then fails
    assert h.core.group(GROUP) is not None
    h.apply(h.core.expire_offsets(h.now))
    assert h.core.group(GROUP) is None


def test_deleted_partitions_lose_their_offsets() -> None:
    h = Harness()
    h.commit({("t", 0): 1, ("u", 0): 2})
    h.commit({("t", 0): 3}, group_id="other")
    h.apply(h.core.delete_partitions([TopicPartition("t", 0)], h.now))
    assert h.committed() == {("u", 0): 2}
    assert h.core.group("other") is None


def test_all_committed_offsets_for_lag() -> None:
    h = Harness()
    h.commit({("t", 0): 1})
    h.commit({("t", 0): 5}, group_id="other")
    assert sorted((g, tuple(tp), o.offset) for g, tp, o in h.core.all_committed_offsets()) == [
        (GROUP, ("t", 0), 1),
        ("other", ("t", 0), 5),
    ]


def test_subscription_bytes_are_parsed_for_offset_delete() -> None:
    h = Harness()
    join = h.join(instance_id="i", protocols=[("range", encode_subscription(["a", "b"]))])
    assert h.group().subscribed_topics == frozenset({"a", "b"})
    assert join.error is ErrorCode.NONE
