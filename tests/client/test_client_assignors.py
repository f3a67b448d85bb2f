"""The assignors: Kafka's results for range and roundrobin; cooperative-sticky's properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from client.consumer.assignors import (
    CooperativeStickyAssignor,
    RangeAssignor,
    RoundRobinAssignor,
    assignor_for,
)
from client.types import TopicPartition
from protocol.consumer_protocol import Subscription


def tps(*pairs: tuple[str, int]) -> list[TopicPartition]:
    return [TopicPartition(t, p) for t, p in pairs]


def test_range_matches_kafkas_example() -> None:
    # Kafka's RangeAssignor javadoc: C0, C1; t0, t1 with 3 partitions each.
    subs = {"C0": Subscription(["t0", "t1"]), "C1": Subscription(["t0", "t1"])}
    result = RangeAssignor().assign({"t0": 3, "t1": 3}, subs)
    assert result["C0"] == tps(("t0", 0), ("t0", 1), ("t1", 0), ("t1", 1))
    assert result["C1"] == tps(("t0", 2), ("t1", 2))


def test_roundrobin_matches_kafkas_examples() -> None:
    subs = {"C0": Subscription(["t0", "t1"]), "C1": Subscription(["t0", "t1"])}
    result = RoundRobinAssignor().assign({"t0": 3, "t1": 3}, subs)
    assert result["C0"] == tps(("t0", 0), ("t0", 2), ("t1", 1))
    assert result["C1"] == tps(("t0", 1), ("t1", 0), ("t1", 2))
    # Unequal subscriptions (the javadoc's second example).
    subs = {
        "C0": Subscription(["t0"]),
        "C1": Subscription(["t0", "t1"]),
        "C2": Subscription(["t0", "t1", "t2"]),
    }
    result = RoundRobinAssignor().assign({"t0": 1, "t1": 2, "t2": 3}, subs)
    assert result["C0"] == tps(("t0", 0))
    assert result["C1"] == tps(("t1", 0))
    assert result["C2"] == tps(("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2))


def test_members_get_entries_even_when_empty_and_unknown_topics_are_ignored() -> None:
    subs = {"a": Subscription(["t"]), "b": Subscription(["t"]), "c": Subscription(["gone"])}
    for assignor in (RangeAssignor(), RoundRobinAssignor(), CooperativeStickyAssignor()):
        result = assignor.assign({"t": 1}, subs)
        assert set(result) == {"a", "b", "c"}
        assert sorted(p for parts in result.values() for p in parts) == tps(("t", 0))
        assert result["c"] == []


def test_cooperative_sticky_keeps_owned_partitions_and_holds_back_moves() -> None:
    assignor = CooperativeStickyAssignor()
    # a owned everything; b joins: a keeps half, b gets nothing this round (moves revoked).
    subs = {
        "a": Subscription(
            ["t"], owned_partitions=tps(*[("t", p) for p in range(6)]), generation_id=1
        ),
        "b": Subscription(["t"]),
    }
    first = assignor.assign({"t": 6}, subs)
    assert len(first["a"]) == 3 and first["b"] == []
    assert set(first["a"]) <= set(subs["a"].owned_partitions)
    # Next round: a owns its three; b gets the three that a revoked.
    subs = {
        "a": Subscription(["t"], owned_partitions=first["a"], generation_id=2),
        "b": Subscription(["t"], owned_partitions=[], generation_id=2),
    }
    second = assignor.assign({"t": 6}, subs)
    assert second["a"] == first["a"]
    assert sorted(second["a"] + second["b"]) == tps(*[("t", p) for p in range(6)])
    assert len(second["b"]) == 3


def test_cooperative_sticky_resolves_conflicting_claims_by_generation() -> None:
    subs = {
        "old": Subscription(["t"], owned_partitions=tps(("t", 0)), generation_id=1),
        "new": Subscription(["t"], owned_partitions=tps(("t", 0)), generation_id=3),
    }
    result = CooperativeStickyAssignor().assign({"t": 2}, subs)
    assert TopicPartition("t", 0) in result["new"]
    assert TopicPartition("t", 0) not in result["old"]


members = st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6, unique=True)
topic_counts = st.dictionaries(st.sampled_from(["x", "y", "z"]), st.integers(1, 12), min_size=1)


@settings(max_examples=150, deadline=None)
@given(members, topic_counts, st.data())
def test_assignments_are_valid_for_any_subscriptions(
    names: list[str], counts: dict[str, int], data: st.DataObject
) -> None:
    subs = {
        m: Subscription(
            data.draw(st.lists(st.sampled_from(sorted(counts)), min_size=1, unique=True))
        )
        for m in names
    }
    subscribed = {(t, p) for s in subs.values() for t in s.topics for p in range(counts[t])}
    for name in ("range", "roundrobin", "cooperative-sticky"):
        result = assignor_for(name).assign(counts, subs)
        given_out = [tp for parts in result.values() for tp in parts]
        assert len(given_out) == len(set(given_out)), name
        for member, parts in result.items():
            assert all(tp.topic in subs[member].topics for tp in parts), name
        # With nothing owned before, every subscribed partition is handed out.
        assert set(given_out) == subscribed, name


@settings(max_examples=100, deadline=None)
@given(members, st.integers(1, 30), st.data())
def test_cooperative_sticky_converges_balanced_with_equal_subscriptions(
    names: list[str], count: int, data: st.DataObject
) -> None:
    assignor = CooperativeStickyAssignor()
    everything = set(tps(*[("t", p) for p in range(count)]))
    # Arbitrary prior ownership (disjoint), then rounds until stable.
    shuffled = data.draw(st.permutations(sorted(everything)))
    owned: dict[str, list[TopicPartition]] = {m: [] for m in names}
    for i, tp in enumerate(shuffled):
        if data.draw(st.booleans()):
            owned[names[i % len(names)]].append(tp)
    for _round in range(3):
        subs = {m: Subscription(["t"], owned_partitions=owned[m], generation_id=1) for m in names}
        result = assignor.assign({"t": count}, subs)
        # Nothing moves directly from one owner to another within a round.
        for member, parts in result.items():
            for tp in parts:
                assert all(tp not in owned[o] for o in names if o != member)
        owned = {m: list(result[m]) for m in names}
    given_out = [tp for parts in owned.values() for tp in parts]
    assert set(given_out) == everything
    sizes = [len(parts) for parts in owned.values()]
    assert max(sizes) - min(sizes) <= 1
