"""One KIP-848 consumer group and its members: epochs, subscriptions, assignments.

Kafka's ``ConsumerGroup`` and ``ConsumerGroupMember``. A member's *assigned* partitions are
the ones it may use now; its *pending revocation* partitions are the ones it must give up
before it moves to the next epoch. The group tracks which member currently owns each partition
(assigned or pending revocation), so no partition is given to a member while another still
owns it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from broker.group.consumer_assignors import Assignment

#: Member states (Kafka's ``MemberState``).
STABLE: Final = "stable"
UNREVOKED_PARTITIONS: Final = "unrevoked_partitions"
UNRELEASED_PARTITIONS: Final = "unrelease_partitions"

#: Member epoch of a member leaving for good, and of a static member leaving to come back.
LEAVE_GROUP_MEMBER_EPOCH: Final = -1
LEAVE_GROUP_STATIC_MEMBER_EPOCH: Final = -2

#: Group states as ConsumerGroupDescribe and ListGroups report them (Kafka's names).
GROUP_EMPTY: Final = "Empty"
GROUP_ASSIGNING: Final = "Assigning"
GROUP_RECONCILING: Final = "Reconciling"
GROUP_STABLE: Final = "Stable"


def partitions_of(assignment: Mapping[str, frozenset[int]]) -> set[tuple[str, int]]:
    """The (topic, partition) pairs of an assignment."""
    return {(t, p) for t, ps in assignment.items() for p in ps}


def as_assignment(tps: Iterable[tuple[str, int]]) -> Assignment:
    """(topic, partition) pairs as an assignment (topics without partitions left out)."""
    out: dict[str, set[int]] = {}
    for t, p in tps:
        out.setdefault(t, set()).add(p)
    return {t: frozenset(ps) for t, ps in out.items() if ps}


@dataclass
class ConsumerMember:
    """One member of a consumer group."""

    member_id: str
    instance_id: str | None = None
    rack_id: str | None = None
    client_id: str = ""
    client_host: str = ""
    subscribed_topic_names: tuple[str, ...] = ()
    subscribed_topic_regex: str | None = None
    server_assignor: str | None = None
    rebalance_timeout_ms: int = 0
    member_epoch: int = 0
    previous_member_epoch: int = -1
    state: str = STABLE
    assigned: Assignment = field(default_factory=dict)
    pending_revocation: Assignment = field(default_factory=dict)
    #: When the session ends unless the member heartbeats (ms).
    session_deadline_ms: int = 0
    #: When a member still holding partitions to revoke is fenced (ms); None when not revoking.
    revocation_deadline_ms: int | None = None

    def owned(self) -> set[tuple[str, int]]:
        """Partitions this member may still hold: assigned and pending revocation."""
        return partitions_of(self.assigned) | partitions_of(self.pending_revocation)

    def copy(self) -> ConsumerMember:
        """A copy (the assignments are immutable values)."""
        return dataclasses.replace(self)


@dataclass
class ConsumerGroup:
    """A KIP-848 consumer group."""

    group_id: str
    group_epoch: int = 0
    assignment_epoch: int = 0
    members: dict[str, ConsumerMember] = field(default_factory=dict)
    #: The target assignment of each member, at ``assignment_epoch``.
    target: dict[str, Assignment] = field(default_factory=dict)
    #: Which member owns each partition now (assigned or pending revocation).
    owners: dict[tuple[str, int], str] = field(default_factory=dict)
    #: Member id of each static member, by instance id.
    static_members: dict[str, str] = field(default_factory=dict)
    #: Partition counts of the subscribed topics when the target was last computed.
    subscribed_partitions: dict[str, int] = field(default_factory=dict)
    #: The assignor the last target was computed with.
    assignor_name: str = ""
    #: Compiled regular expressions of the members' subscriptions, by pattern.
    regexes: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """Kafka's consumer group state."""
        if not self.members:
            return GROUP_EMPTY
        if self.group_epoch > self.assignment_epoch:
            return GROUP_ASSIGNING
        for m in self.members.values():
            if m.member_epoch != self.assignment_epoch or m.state != STABLE:
                return GROUP_RECONCILING
        return GROUP_STABLE

    def set_member(self, member: ConsumerMember) -> None:
        """Put ``member`` in (replacing the one with its id), keeping ``owners`` in step."""
        old = self.members.get(member.member_id)
        if old is not None:
            self._release(old)
        self.members[member.member_id] = member
        for tp in member.owned():
            self.owners[tp] = member.member_id
        if member.instance_id is not None:
            self.static_members[member.instance_id] = member.member_id

    def remove_member(self, member_id: str) -> ConsumerMember | None:
        """Take a member out; its partitions are free at once."""
        member = self.members.pop(member_id, None)
        if member is None:
            return None
        self._release(member)
        self.target.pop(member_id, None)
        if (
            member.instance_id is not None
            and self.static_members.get(member.instance_id) == member_id
        ):
            del self.static_members[member.instance_id]
        return member

    def _release(self, member: ConsumerMember) -> None:
        for tp in member.owned():
            if self.owners.get(tp) == member.member_id:
                del self.owners[tp]

    def subscribed_topics(self, topics: Iterable[str]) -> set[str]:
        """The topics any member subscribes to, names and regular expressions (matched
        against ``topics``, the existing ones)."""
        out: set[str] = set()
        names = list(topics)
        for m in self.members.values():
            out.update(self.member_topics(m, names))
        return out

    def member_topics(self, member: ConsumerMember, topics: Iterable[str]) -> frozenset[str]:
        """The topics ``member`` subscribes to (its names, or existing topics its regular
        expression matches)."""
        if member.subscribed_topic_regex is not None:
            pattern = self.regexes.get(member.subscribed_topic_regex)
            if pattern is None:
                return frozenset()
            return frozenset(t for t in topics if pattern.fullmatch(t))
        return frozenset(member.subscribed_topic_names)
