"""One consumer group as a pure state machine: members, generation, protocol, offsets.

This is Kafka's ``GroupMetadata``/``MemberMetadata`` of the classic protocol. It knows the legal
state transitions and the membership bookkeeping (leader, static members, pending member ids,
protocol selection, subscribed topics, committed and pending offsets); the coordinator
(``broker.group.coordinator``) decides when to call what.

Legal transitions (Kafka's ``validPreviousStates``; README.md has the diagram and the events)::

    Empty               -> PreparingRebalance                   (a member joins)
    PreparingRebalance  -> CompletingRebalance                  (join phase done, members left)
    PreparingRebalance  -> Empty                                (join phase done, no members)
    CompletingRebalance -> Stable                               (leader's assignment is durable)
    CompletingRebalance -> PreparingRebalance                   (join, leave, expiry)
    Stable              -> PreparingRebalance                   (leader join, new metadata, leave,
                                                                 expiry)
    any                 -> Dead                                 (deleted, expired, unloaded)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, TypeAlias

from broker.group.outcome import ParkedRequest
from broker.group.records import OffsetAndMetadata, TopicPartition
from protocol.consumer_protocol import CONSUMER_PROTOCOL_TYPE, subscribed_topics

LogPosition: TypeAlias = tuple[int, int]
"""Where an offset's record sits in its ``__consumer_offsets`` partition, as an order: ``(0, n)``
for the n-th batch replayed at load, ``(1, token)`` for an append made since (appends of a
partition land in token order). Kafka compares the batches' log offsets the same way
(``CommitRecordMetadataAndOffset.olderThan``) to decide which of two commits is newer."""


@dataclass(slots=True)
class PendingTxnOffset:
    """A transactional offset commit waiting for its transaction's marker."""

    offset: OffsetAndMetadata
    position: LogPosition | None = None
    """Set once its record is durable; None while the append is in flight."""


class GroupState(Enum):
    """The states of a classic group; values are Kafka's names (DescribeGroups, ListGroups)."""

    EMPTY = "Empty"
    PREPARING_REBALANCE = "PreparingRebalance"
    COMPLETING_REBALANCE = "CompletingRebalance"
    STABLE = "Stable"
    DEAD = "Dead"


#: The states by short names, for the parts of the coordinator that test them on every call.
EMPTY: Final = GroupState.EMPTY
PREPARING: Final = GroupState.PREPARING_REBALANCE
COMPLETING: Final = GroupState.COMPLETING_REBALANCE
STABLE: Final = GroupState.STABLE
DEAD: Final = GroupState.DEAD


#: For each state, the states a group may enter it from (Kafka's ``validPreviousStates``).
VALID_PREVIOUS_STATES: dict[GroupState, frozenset[GroupState]] = {
    GroupState.EMPTY: frozenset({GroupState.PREPARING_REBALANCE}),
    GroupState.PREPARING_REBALANCE: frozenset(
        {GroupState.STABLE, GroupState.COMPLETING_REBALANCE, GroupState.EMPTY}
    ),
    GroupState.COMPLETING_REBALANCE: frozenset({GroupState.PREPARING_REBALANCE}),
    GroupState.STABLE: frozenset({GroupState.COMPLETING_REBALANCE}),
    GroupState.DEAD: frozenset(GroupState),
}


class IllegalStateTransitionError(RuntimeError):
    """A transition Kafka's state machine does not allow (a coordinator bug, never input)."""


@dataclass(eq=False, slots=True)
class MemberMetadata:
    """One member of a group (Kafka's ``MemberMetadata``)."""

    member_id: str
    group_instance_id: str | None
    client_id: str
    client_host: str
    rebalance_timeout_ms: int
    session_timeout_ms: int
    protocol_type: str
    supported_protocols: list[tuple[str, bytes]]
    """(protocol name, metadata) in the member's order of preference."""
    assignment: bytes = b""
    awaiting_join: ParkedRequest | None = None
    """The member's parked JoinGroup, if any."""
    awaiting_sync: ParkedRequest | None = None
    """The member's parked SyncGroup, if any."""
    is_new: bool = False
    """Joined in the current rebalance and has not yet received a JoinGroup response."""

    @property
    def is_static(self) -> bool:
        """Has a ``group.instance.id`` (KIP-345)."""
        return self.group_instance_id is not None

    @property
    def is_awaiting_join(self) -> bool:
        """Has a parked JoinGroup."""
        return self.awaiting_join is not None

    @property
    def is_awaiting_sync(self) -> bool:
        """Has a parked SyncGroup."""
        return self.awaiting_sync is not None

    @property
    def heartbeat_implied(self) -> bool:
        """A parked join or sync counts as liveness, except for a new member (Kafka's
        ``hasSatisfiedHeartbeat`` with no heartbeat received)."""
        return not self.is_new and (self.is_awaiting_join or self.is_awaiting_sync)

    def protocol_names(self) -> list[str]:
        """The names of the supported protocols, in preference order."""
        return [name for name, _ in self.supported_protocols]

    def metadata(self, protocol: str) -> bytes:
        """The member's metadata for ``protocol``."""
        for name, data in self.supported_protocols:
            if name == protocol:
                return data
        raise KeyError(f"member {self.member_id} does not support protocol {protocol!r}")

    def matches(self, protocols: list[tuple[str, bytes]]) -> bool:
        """The same protocols with the same metadata, in the same order."""
        return self.supported_protocols == protocols

    def vote(self, candidates: set[str]) -> str:
        """The member's most preferred protocol among ``candidates``."""
        for name, _ in self.supported_protocols:
            if name in candidates:
                return name
        raise ValueError(f"member {self.member_id} supports none of {sorted(candidates)}")


@dataclass(slots=True)
class JoinTimer:
    """The running join phase: the initial delay (with Kafka's growing delay) or the timeout."""

    initial: bool
    delay_ms: int
    remaining_ms: int = 0


@dataclass(eq=False, slots=True)
class GroupMetadata:
    """One group (Kafka's ``GroupMetadata``): membership, generation and offsets."""

    group_id: str
    state: GroupState = GroupState.EMPTY
    state_timestamp_ms: int | None = None
    #: When the current (or last) rebalance entered PreparingRebalance (metrics).
    rebalance_started_ms: int = 0
    protocol_type: str | None = None
    protocol_name: str | None = None
    generation_id: int = 0
    leader_id: str | None = None
    members: dict[str, MemberMetadata] = field(default_factory=dict)
    """By member id, in the order members joined."""
    static_members: dict[str, str] = field(default_factory=dict)
    """``group.instance.id`` → member id."""
    pending_members: dict[str, None] = field(default_factory=dict)
    """KIP-394 member ids handed out with MEMBER_ID_REQUIRED (an ordered set)."""
    pending_sync_members: dict[str, None] = field(default_factory=dict)
    """Members that got this generation's JoinGroup response and have not sent SyncGroup."""
    new_member_added: bool = False
    """A member joined during the initial delay of generation 0 (extends the delay)."""
    join_timer: JoinTimer | None = None
    sync_timer_generation: int | None = None
    subscribed_topics: frozenset[str] | None = None
    """Topics of a consumer group, computed at each generation; None when unknown."""
    offsets: dict[TopicPartition, OffsetAndMetadata] = field(default_factory=dict)
    pending_offset_commits: dict[TopicPartition, OffsetAndMetadata] = field(default_factory=dict)
    """Commits appended but not yet durable: invisible to OffsetFetch, never expired."""
    offset_positions: dict[TopicPartition, LogPosition] = field(default_factory=dict)
    """Where each committed offset's record is (absent: older than any other)."""
    pending_txn_offsets: dict[int, dict[TopicPartition, PendingTxnOffset]] = field(
        default_factory=dict
    )
    """TxnOffsetCommits by producer id, invisible until their transaction commits (KIP-98)."""
    _protocol_counts: Counter[str] = field(default_factory=Counter)

    # -- state ------------------------------------------------------------------------------

    def is_(self, state: GroupState) -> bool:
        """In ``state``."""
        return self.state is state

    def transition_to(self, state: GroupState, now_ms: int) -> None:
        """Enter ``state``; raises ``IllegalStateTransitionError`` if Kafka forbids it."""
        if self.state not in VALID_PREVIOUS_STATES[state]:
            raise IllegalStateTransitionError(
                f"group {self.group_id}: {self.state.value} -> {state.value} is not allowed"
            )
        self.state = state
        self.state_timestamp_ms = now_ms

    def can_rebalance(self) -> bool:
        """May enter PreparingRebalance from the current state."""
        return self.state in VALID_PREVIOUS_STATES[GroupState.PREPARING_REBALANCE]

    # -- membership -------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of members (a group is deliberately not a container: never falsy)."""
        return len(self.members)

    def has(self, member_id: str) -> bool:
        """``member_id`` is a member."""
        return member_id in self.members

    def is_leader(self, member_id: str) -> bool:
        """``member_id`` leads the group."""
        return self.leader_id is not None and self.leader_id == member_id

    def add(self, member: MemberMetadata) -> None:
        """Add a member; the first one sets the protocol type and becomes the leader."""
        if member.member_id in self.members:
            raise ValueError(f"member {member.member_id} is already in group {self.group_id}")
        if member.group_instance_id is not None:
            if member.group_instance_id in self.static_members:
                raise ValueError(f"static member {member.group_instance_id} is already a member")
            self.static_members[member.group_instance_id] = member.member_id
        if not self.members:
            self.protocol_type = member.protocol_type
        if self.leader_id is None:
            self.leader_id = member.member_id
        self.members[member.member_id] = member
        self._protocol_counts.update(set(member.protocol_names()))
        self.pending_members.pop(member.member_id, None)

    def remove(self, member_id: str) -> MemberMetadata | None:
        """Remove a member (or pending member id); a leaving leader hands over to the next."""
        member = self.members.pop(member_id, None)
        if member is not None:
            self._protocol_counts.subtract(set(member.protocol_names()))
            self._protocol_counts += Counter()  # drop non-positive counts
            if member.group_instance_id is not None:
                self.static_members.pop(member.group_instance_id, None)
        if self.leader_id == member_id:
            self.leader_id = next(iter(self.members), None)
        self.pending_members.pop(member_id, None)
        self.pending_sync_members.pop(member_id, None)
        return member

    def update_member(
        self,
        member: MemberMetadata,
        protocols: list[tuple[str, bytes]],
        rebalance_timeout_ms: int,
        session_timeout_ms: int,
    ) -> None:
        """Replace a member's protocols and timeouts (Kafka's ``updateMember``)."""
        self._protocol_counts.subtract(set(member.protocol_names()))
        member.supported_protocols = list(protocols)
        self._protocol_counts.update(set(member.protocol_names()))
        self._protocol_counts += Counter()
        member.rebalance_timeout_ms = rebalance_timeout_ms
        member.session_timeout_ms = session_timeout_ms

    def replace_static_member(
        self, group_instance_id: str, old_id: str, new_id: str
    ) -> MemberMetadata:
        """Give the static member ``group_instance_id`` a new member id, keeping its place.

        The caller answers the old id's parked requests (FENCED_INSTANCE_ID) first.
        """
        member = self.members.pop(old_id)
        member.member_id = new_id
        self.members[new_id] = member
        if self.leader_id == old_id:
            self.leader_id = new_id
        if old_id in self.pending_sync_members:
            # Samsa: the obligation to sync moves with the member (Kafka leaves the old id there,
            # which later fails the sync deadline and forces a needless rebalance).
            del self.pending_sync_members[old_id]
            self.pending_sync_members[new_id] = None
        self.static_members[group_instance_id] = new_id
        return member

    def static_member_id(self, group_instance_id: str | None) -> str | None:
        """The member id currently holding ``group_instance_id``."""
        if group_instance_id is None:
            return None
        return self.static_members.get(group_instance_id)

    def num_awaiting_join(self) -> int:
        """Members with a parked JoinGroup."""
        return sum(1 for m in self.members.values() if m.awaiting_join is not None)

    def has_all_members_joined(self) -> bool:
        """Every member has a parked JoinGroup and no pending member id is outstanding."""
        return not self.pending_members and all(
            m.awaiting_join is not None for m in self.members.values()
        )

    def not_yet_rejoined(self) -> list[MemberMetadata]:
        """Members without a parked JoinGroup."""
        return [m for m in self.members.values() if m.awaiting_join is None]

    def maybe_elect_new_joined_leader(self) -> bool:
        """Keep a leader that rejoined, or elect the first member that did; False if none did."""
        if self.leader_id is None:
            return False
        if self.members[self.leader_id].is_awaiting_join:
            return True
        for member_id, member in self.members.items():
            if member.is_awaiting_join:
                self.leader_id = member_id
                return True
        return False

    def rebalance_timeout_ms(self) -> int:
        """The largest rebalance timeout of the members (0 for no members)."""
        return max((max(m.rebalance_timeout_ms, 0) for m in self.members.values()), default=0)

    # -- protocols --------------------------------------------------------------------------

    def candidate_protocols(self) -> set[str]:
        """Protocols every member supports."""
        n = len(self.members)
        return {name for name, count in self._protocol_counts.items() if count == n}

    def supports_protocols(self, protocol_type: str, protocols: list[str]) -> bool:
        """A member with these protocols may join (Kafka's ``supportsProtocols``)."""
        if self.state is GroupState.EMPTY:
            return bool(protocol_type) and bool(protocols)
        n = len(self.members)
        return self.protocol_type == protocol_type and any(
            self._protocol_counts.get(p, 0) == n for p in protocols
        )

    def select_protocol(self) -> str:
        """The protocol most members prefer among those all support.

        Kafka lets each member vote for its first candidate and takes the most votes; its tie
        break is a hash map's order. Samsa breaks ties by which protocol got a vote first, in
        member join order, so the choice is deterministic.
        """
        if not self.members:
            raise ValueError(f"cannot select a protocol for empty group {self.group_id}")
        candidates = self.candidate_protocols()
        votes: Counter[str] = Counter()
        order: dict[str, int] = {}
        for member in self.members.values():
            choice = member.vote(candidates)
            votes[choice] += 1
            order.setdefault(choice, len(order))
        return max(votes, key=lambda p: (votes[p], -order[p]))

    def compute_subscribed_topics(self) -> frozenset[str] | None:
        """The union of a consumer group's subscriptions, or None when it cannot be known."""
        if self.protocol_type != CONSUMER_PROTOCOL_TYPE:
            return None
        if not self.members:
            return frozenset()
        if self.protocol_name is None:
            return None
        topics: set[str] = set()
        for member in self.members.values():
            try:
                parsed = subscribed_topics(member.metadata(self.protocol_name))
            except KeyError:
                parsed = None
            if parsed is None:
                return None
            topics |= parsed
        return frozenset(topics)

    def is_subscribed_to_topic(self, topic: str) -> bool:
        """True unless the group is known not to consume ``topic`` (unknown means yes)."""
        return self.subscribed_topics is None or topic in self.subscribed_topics

    def init_next_generation(self, now_ms: int) -> None:
        """Form the next generation: CompletingRebalance with members, Empty without."""
        self.generation_id += 1
        if self.members:
            self.protocol_name = self.select_protocol()
            self.subscribed_topics = self.compute_subscribed_topics()
            self.transition_to(GroupState.COMPLETING_REBALANCE, now_ms)
        else:
            self.protocol_name = None
            self.subscribed_topics = self.compute_subscribed_topics()
            self.transition_to(GroupState.EMPTY, now_ms)
        self.pending_sync_members.clear()

    # -- offsets ----------------------------------------------------------------------------

    def has_offsets(self) -> bool:
        """Committed or pending (plain or transactional) offsets exist."""
        return (
            bool(self.offsets)
            or bool(self.pending_offset_commits)
            or bool(self.pending_txn_offsets)
        )

    def has_pending_offset_commits_for(self, tp: TopicPartition) -> bool:
        """A plain commit in flight or a transaction's pending commit exists for ``tp`` (Kafka's
        ``hasPendingOffsetCommitsForTopicPartition``: OffsetFetch with require_stable)."""
        return tp in self.pending_offset_commits or any(
            tp in pending for pending in self.pending_txn_offsets.values()
        )

    def _install_offset(
        self, tp: TopicPartition, offset: OffsetAndMetadata, position: LogPosition | None
    ) -> None:
        """Make ``offset`` the committed one unless the current one's record is newer."""
        current = self.offset_positions.get(tp)
        newer = current is not None and position is not None and current >= position
        if tp in self.offsets and newer:
            return
        self.offsets[tp] = offset
        if position is None:
            self.offset_positions.pop(tp, None)
        else:
            self.offset_positions[tp] = position

    def prepare_offset_commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        """Note commits whose append has started."""
        self.pending_offset_commits.update(offsets)

    def on_offset_commit_append(
        self,
        tp: TopicPartition,
        offset: OffsetAndMetadata,
        position: LogPosition | None = None,
    ) -> None:
        """A commit is durable: make it visible (unless the partition's offsets were deleted,
        or a transaction committed a newer record meanwhile); ``position`` orders it."""
        if tp in self.pending_offset_commits:
            self._install_offset(tp, offset, position)
            if self.pending_offset_commits[tp] == offset:
                del self.pending_offset_commits[tp]

    def fail_pending_offset_write(self, tp: TopicPartition, offset: OffsetAndMetadata) -> None:
        """A commit's append failed: forget it."""
        if self.pending_offset_commits.get(tp) == offset:
            del self.pending_offset_commits[tp]

    def prepare_txn_offset_commit(
        self, producer_id: int, offsets: dict[TopicPartition, OffsetAndMetadata]
    ) -> None:
        """Note a producer's transactional commits whose append has started."""
        pending = self.pending_txn_offsets.setdefault(producer_id, {})
        for tp, offset in offsets.items():
            pending[tp] = PendingTxnOffset(offset)

    def on_txn_offset_commit_append(
        self,
        producer_id: int,
        tp: TopicPartition,
        offset: OffsetAndMetadata,
        position: LogPosition,
    ) -> None:
        """A transactional commit is durable: still pending, now with its place in the log."""
        entry = self.pending_txn_offsets.get(producer_id, {}).get(tp)
        if entry is not None and entry.offset == offset:
            entry.position = position

    def fail_pending_txn_offset_commit(
        self, producer_id: int, tp: TopicPartition, offset: OffsetAndMetadata
    ) -> None:
        """A transactional commit's append failed: forget it (the client retries)."""
        pending = self.pending_txn_offsets.get(producer_id)
        if pending is None:
            return
        entry = pending.get(tp)
        if entry is not None and entry.offset == offset:
            del pending[tp]
        if not pending:
            del self.pending_txn_offsets[producer_id]

    def complete_pending_txn_offset_commit(self, producer_id: int, commit: bool) -> None:
        """The producer's transaction ended (Kafka's ``completePendingTxnOffsetCommit``).

        On commit each durable pending offset becomes the committed one, unless the current
        committed offset's record is newer in the log (a plain OffsetCommit appended after the
        transactional one wins). On abort they are dropped. A pending commit whose record is not
        durable yet cannot belong to the finished transaction's outcome and is dropped too.
        """
        pending = self.pending_txn_offsets.pop(producer_id, None)
        if not commit or pending is None:
            return
        for tp, entry in pending.items():
            if entry.position is not None:
                self._install_offset(tp, entry.offset, entry.position)

    def remove_offsets(self, tps: list[TopicPartition]) -> list[TopicPartition]:
        """Drop the committed and pending offsets of ``tps`` (transactional ones too, as Kafka);
        returns those that had a committed or plain pending one (they need tombstones)."""
        removed = []
        for tp in tps:
            pending = self.pending_offset_commits.pop(tp, None)
            offset = self.offsets.pop(tp, None)
            self.offset_positions.pop(tp, None)
            for txn_pending in self.pending_txn_offsets.values():
                txn_pending.pop(tp, None)
            if offset is not None or pending is not None:
                removed.append(tp)
        return removed

    def remove_all_offsets(self) -> list[TopicPartition]:
        """Drop every committed and pending offset; returns the partitions that had one."""
        return self.remove_offsets(list({**self.offsets, **self.pending_offset_commits}))

    def remove_expired_offsets(
        self, now_ms: int, retention_ms: int
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Drop offsets past retention (Kafka's ``removeExpiredOffsets``); returns them.

        * Empty group with a protocol type: retention counts from when the group became Empty.
        * Stable consumer group with known subscriptions: offsets of topics it no longer
          subscribes to expire by their commit time.
        * Group without a protocol type (offsets committed by a "simple" consumer): by commit
          time.
        An offset committed with an explicit expire timestamp (OffsetCommit v2-v4 retention)
        expires at that timestamp instead. Offsets with a commit in flight never expire.
        """

        def expired(
            base: dict[TopicPartition, int], skip_topics: frozenset[str] = frozenset()
        ) -> list[TopicPartition]:
            out = []
            for tp, offset in self.offsets.items():
                if tp.topic in skip_topics or tp in self.pending_offset_commits:
                    continue
                if offset.expire_timestamp_ms is None:
                    if now_ms - base[tp] >= retention_ms:
                        out.append(tp)
                elif now_ms >= offset.expire_timestamp_ms:
                    out.append(tp)
            return out

        commit_times = {tp: o.commit_timestamp_ms for tp, o in self.offsets.items()}
        if self.protocol_type is not None and self.state is GroupState.EMPTY:
            if self.state_timestamp_ms is not None:
                base = dict.fromkeys(self.offsets, self.state_timestamp_ms)
            else:
                base = commit_times
            tps = expired(base)
        elif (
            self.protocol_type == CONSUMER_PROTOCOL_TYPE
            and self.subscribed_topics is not None
            and self.state is GroupState.STABLE
        ):
            tps = expired(commit_times, self.subscribed_topics)
        elif self.protocol_type is None:
            tps = expired(commit_times)
        else:
            tps = []
        for tp in tps:
            self.offset_positions.pop(tp, None)
        return {tp: self.offsets.pop(tp) for tp in tps}
