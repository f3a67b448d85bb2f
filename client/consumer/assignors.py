"""Partition assignors: "range", "roundrobin" and "cooperative-sticky" (pure functions).

The group leader runs the assignor the group agreed on over every member's subscription and
the partition counts. The names and results match Kafka's Java assignors, so that members of
other clients (Java, librdkafka) in the same group agree with them:

* **range** — per topic, members subscribed to it (sorted) get consecutive ranges; the first
  ``partitions % members`` get one extra.
* **roundrobin** — every subscribed partition (sorted by topic, partition) dealt to the sorted
  members in turn, skipping members not subscribed to the partition's topic.
* **cooperative-sticky** — members keep the partitions they own where the balance allows; the
  rest are spread to the least loaded members; a partition that moves from one member to
  another is left out of this round (its owner revokes it and rejoins, and the next round
  hands it over), which is the incremental cooperative protocol (KIP-429).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal, Protocol

from client.types import TopicPartition
from protocol.consumer_protocol import Subscription

__all__ = [
    "ASSIGNORS",
    "Assignor",
    "CooperativeStickyAssignor",
    "RangeAssignor",
    "RoundRobinAssignor",
    "assignor_for",
]

RebalanceProtocol = Literal["eager", "cooperative"]


class Assignor(Protocol):
    """What the group leader runs."""

    name: ClassVar[str]
    protocol: ClassVar[RebalanceProtocol]

    def assign(
        self, partitions_per_topic: Mapping[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        """Partitions per member id."""
        ...


def _subscribers(
    subscriptions: Mapping[str, Subscription], partitions_per_topic: Mapping[str, int]
) -> dict[str, list[str]]:
    """Sorted member ids per topic that exists."""
    out: dict[str, list[str]] = {}
    for member in sorted(subscriptions):
        for topic in set(subscriptions[member].topics):
            if topic in partitions_per_topic:
                out.setdefault(topic, []).append(member)
    return out


class RangeAssignor:
    """Kafka's RangeAssignor."""

    name: ClassVar[str] = "range"
    protocol: ClassVar[RebalanceProtocol] = "eager"

    def assign(
        self, partitions_per_topic: Mapping[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        """Ranges of each topic's partitions to its subscribers."""
        out: dict[str, list[TopicPartition]] = {m: [] for m in subscriptions}
        for topic, members in sorted(_subscribers(subscriptions, partitions_per_topic).items()):
            count = partitions_per_topic[topic]
            per, extra = divmod(count, len(members))
            start = 0
            for i, member in enumerate(members):
                length = per + (1 if i < extra else 0)
                out[member].extend(TopicPartition(topic, p) for p in range(start, start + length))
                start += length
        return out


class RoundRobinAssignor:
    """Kafka's RoundRobinAssignor."""

    name: ClassVar[str] = "roundrobin"
    protocol: ClassVar[RebalanceProtocol] = "eager"

    def assign(
        self, partitions_per_topic: Mapping[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        """Every partition to the next subscribed member in turn."""
        out: dict[str, list[TopicPartition]] = {m: [] for m in subscriptions}
        members = sorted(subscriptions)
        if not members:
            return out
        subscribed = {m: set(subscriptions[m].topics) for m in members}
        topics = sorted(t for t in set().union(*subscribed.values()) if t in partitions_per_topic)
        turn = 0
        for topic in topics:
            for p in range(partitions_per_topic[topic]):
                for _ in range(len(members)):
                    member = members[turn % len(members)]
                    turn += 1
                    if topic in subscribed[member]:
                        out[member].append(TopicPartition(topic, p))
                        break
        return out


class CooperativeStickyAssignor:
    """Balanced, sticky assignment for the cooperative protocol."""

    name: ClassVar[str] = "cooperative-sticky"
    protocol: ClassVar[RebalanceProtocol] = "cooperative"

    def assign(
        self, partitions_per_topic: Mapping[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        """Keep owned partitions where balance allows; hand out the rest; hold back moves."""
        members = sorted(subscriptions)
        subscribed = {m: set(subscriptions[m].topics) for m in members}
        all_partitions = sorted(
            TopicPartition(t, p)
            for t in set().union(*subscribed.values(), set())
            if t in partitions_per_topic
            for p in range(partitions_per_topic[t])
        )
        valid = set(all_partitions)
        # 1. Current owners: a claim from a newer generation wins a conflict.
        owner: dict[TopicPartition, str] = {}
        by_generation = sorted(members, key=lambda m: (-subscriptions[m].generation_id, m))
        for member in by_generation:
            for tp in subscriptions[member].owned_partitions:
                if tp in valid and tp.topic in subscribed[member] and tp not in owner:
                    owner[tp] = member
        assignment: dict[str, set[TopicPartition]] = {m: set() for m in members}
        for tp, member in owner.items():
            assignment[member].add(tp)
        # 2. Members above their fair share give partitions back (the newest first).
        eligible = {tp: [m for m in members if tp.topic in subscribed[m]] for tp in all_partitions}
        fair = _fair_shares(members, eligible)
        unassigned = [tp for tp in all_partitions if tp not in owner]
        for member in members:
            excess = len(assignment[member]) - fair[member]
            if excess > 0:
                for tp in sorted(assignment[member], reverse=True)[:excess]:
                    assignment[member].discard(tp)
                    unassigned.append(tp)
        # 3. The rest go to the least loaded eligible member.
        for tp in sorted(unassigned):
            choices = eligible[tp]
            if choices:
                target = min(choices, key=lambda m: (len(assignment[m]), m))
                assignment[target].add(tp)
        # 4. Even out what subscriptions that differ left uneven, one move at a time.
        for _ in range(len(all_partitions)):
            if not _move_one(assignment, eligible):
                break
        # 5. Cooperative: a partition that changes owner is revoked this round, given next.
        out: dict[str, list[TopicPartition]] = {}
        for member in members:
            out[member] = sorted(tp for tp in assignment[member] if owner.get(tp, member) == member)
        return out


def _fair_shares(
    members: list[str], eligible: Mapping[TopicPartition, list[str]]
) -> dict[str, int]:
    """How many partitions each member should hold at most (equal subscriptions: balanced)."""
    shares = dict.fromkeys(members, 0)
    loads = dict.fromkeys(members, 0)
    for tp in sorted(eligible):
        choices = eligible[tp]
        if choices:
            target = min(choices, key=lambda m: (loads[m], m))
            loads[target] += 1
    for member in members:
        shares[member] = loads[member]
    # Members with equal subscriptions may swap counts: allow the larger of equals.
    groups: dict[frozenset[TopicPartition], list[str]] = {}
    for member in members:
        key = frozenset(tp for tp, ms in eligible.items() if member in ms)
        groups.setdefault(key, []).append(member)
    for same in groups.values():
        top = max(shares[m] for m in same)
        for m in same:
            shares[m] = top
    return shares


def _move_one(
    assignment: dict[str, set[TopicPartition]], eligible: Mapping[TopicPartition, list[str]]
) -> bool:
    """Move one partition from a member to one holding two fewer, if any can take it."""
    order = sorted(assignment, key=lambda m: (-len(assignment[m]), m))
    for source in order:
        for tp in sorted(assignment[source]):
            for target in eligible[tp]:
                if target != source and len(assignment[target]) + 1 < len(assignment[source]):
                    assignment[source].discard(tp)
                    assignment[target].add(tp)
                    return True
    return False


ASSIGNORS: dict[str, type[RangeAssignor | RoundRobinAssignor | CooperativeStickyAssignor]] = {
    RangeAssignor.name: RangeAssignor,
    RoundRobinAssignor.name: RoundRobinAssignor,
    CooperativeStickyAssignor.name: CooperativeStickyAssignor,
}


def assignor_for(name: str) -> Assignor:
    """The assignor with Kafka's name ``name``."""
    try:
        return ASSIGNORS[name]()
    except KeyError:
        raise ValueError(f"unknown assignor {name!r}; known: {', '.join(ASSIGNORS)}") from None
