"""The KIP-848 consumer group coordinator: a pure state machine with time passed in.

Kafka's ``GroupMetadataManager.consumerGroupHeartbeat`` and ``CurrentAssignmentBuilder``:

* the **group epoch** is bumped when the group's membership, a member's subscription or the
  partitions of a subscribed topic change;
* the **target assignment** is computed by the server-side assignor when the group epoch is
  ahead of the **assignment epoch**, which then catches up;
* each member **reconciles** towards its target one heartbeat at a time: partitions it must
  give up are revoked first (state ``unrevoked_partitions``, its epoch stays); a partition
  another member still owns is held back (``unreleased_partitions``) until that member has
  released it; then the member is ``stable`` at the assignment epoch.

No asyncio, sockets or clock reads: every call takes ``now_ms``; the driver
(``consumer_driver.py``) calls ``tick`` at ``next_deadline_ms`` for session and revocation
timeouts and ``update_topics`` on metadata changes.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from broker.group.consumer_assignors import ASSIGNORS, Assignment
from broker.group.consumer_records import (
    CURRENT_ASSIGNMENT_KEY,
    GROUP_METADATA_KEY,
    MEMBER_METADATA_KEY,
    TARGET_MEMBER_KEY,
    TARGET_METADATA_KEY,
    ConsumerRecordError,
    CurrentAssignment,
    MemberMetadata,
    TopicPartitions,
    current_assignment_value,
    decode_current_assignment,
    decode_epoch,
    decode_key,
    decode_member_metadata,
    decode_target_member,
    epoch_value,
    group_key,
    member_metadata_value,
    target_member_value,
)
from broker.group.consumer_regex import RegexError, compile_subscription
from broker.group.consumer_state import (
    GROUP_EMPTY,
    LEAVE_GROUP_MEMBER_EPOCH,
    LEAVE_GROUP_STATIC_MEMBER_EPOCH,
    STABLE,
    UNRELEASED_PARTITIONS,
    UNREVOKED_PARTITIONS,
    ConsumerGroup,
    ConsumerMember,
    as_assignment,
    partitions_of,
)
from protocol.errors import ErrorCode
from protocol.messages import (
    ConsumerGroupDescribeResponse,
    ConsumerGroupHeartbeatRequest,
    ConsumerGroupHeartbeatResponse,
)

#: Kafka's defaults and bounds of the ``group.consumer.*`` settings.
DEFAULT_SESSION_TIMEOUT_MS: Final = 45_000
DEFAULT_HEARTBEAT_INTERVAL_MS: Final = 5_000
#: Kafka's ``group.consumer.max.size`` default is unlimited; bounded as ``group.max.size``.
DEFAULT_MAX_SIZE: Final = 1_000
#: Kafka's AuthorizedOperations value meaning "not requested".
AUTHORIZED_OPERATIONS_OMITTED: Final = -(2**31)
#: Timeout rounds one ``tick`` runs at most, so a broken deadline cannot spin a call.
MAX_TICK_ROUNDS: Final = 1_000
#: Member states as the current-assignment record stores them (Kafka's ``MemberState``).
STATE_CODES: Final = {STABLE: 1, UNREVOKED_PARTITIONS: 2, UNRELEASED_PARTITIONS: 3}
STATES_BY_CODE: Final = {code: state for state, code in STATE_CODES.items()}
#: A record to write: (group id, key, value or None for a tombstone).
GroupRecord = tuple[str, bytes, bytes | None]
#: What ``_written`` holds for a key whose append failed: no record value is empty (each
#: starts with its version), so the next drain writes that key again.
_UNWRITTEN: Final = b""


@dataclass(frozen=True, slots=True)
class ConsumerGroupConfig:
    """Settings of KIP-848 groups (Kafka's ``group.consumer.*``)."""

    session_timeout_ms: int = DEFAULT_SESSION_TIMEOUT_MS
    heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_INTERVAL_MS
    assignors: tuple[str, ...] = ("uniform", "range")
    max_size: int = DEFAULT_MAX_SIZE
    migration_policy: str = "bidirectional"

    def __post_init__(self) -> None:
        if self.session_timeout_ms < 1 or self.heartbeat_interval_ms < 1:
            raise ValueError("consumer group timeouts must be positive")
        if self.heartbeat_interval_ms >= self.session_timeout_ms:
            # Kafka's rule: a member must be able to heartbeat within its session.
            raise ValueError(
                "group.consumer.heartbeat.interval.ms must be below "
                "group.consumer.session.timeout.ms"
            )
        if not self.assignors or any(a not in ASSIGNORS for a in self.assignors):
            raise ValueError(f"group.consumer.assignors: known ones are {sorted(ASSIGNORS)}")
        if self.max_size < 1:
            raise ValueError("group.consumer.max.size must be at least 1")
        if self.migration_policy not in ("disabled", "upgrade", "downgrade", "bidirectional"):
            raise ValueError("group.consumer.migration.policy is not a known policy")

    @classmethod
    def from_settings(cls, settings: object) -> ConsumerGroupConfig:
        """From ``BrokerConfig``'s ``group_consumer_*`` attributes, each within its min/max."""

        def bounded(name: str, default: int) -> int:
            value = int(getattr(settings, f"group_consumer_{name}", default))
            lo = getattr(settings, f"group_consumer_min_{name}", None)
            hi = getattr(settings, f"group_consumer_max_{name}", None)
            if lo is not None and value < int(lo):
                raise ValueError(f"group.consumer.{name} is below its minimum")
            if hi is not None and value > int(hi):
                raise ValueError(f"group.consumer.{name} is above its maximum")
            return value

        names = str(getattr(settings, "group_consumer_assignors", "uniform,range"))
        return cls(
            session_timeout_ms=bounded("session_timeout_ms", DEFAULT_SESSION_TIMEOUT_MS),
            heartbeat_interval_ms=bounded("heartbeat_interval_ms", DEFAULT_HEARTBEAT_INTERVAL_MS),
            assignors=tuple(a.strip() for a in names.split(",") if a.strip()),
            max_size=int(getattr(settings, "group_consumer_max_size", DEFAULT_MAX_SIZE)),
            migration_policy=str(
                getattr(settings, "group_consumer_migration_policy", "bidirectional")
            ),
        )


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """What the coordinator needs of a topic: its id, partition count, and whether it is
    internal (regular expressions never match internal topics, as Kafka)."""

    topic_id: uuid.UUID
    partitions: int
    internal: bool = False


class HeartbeatError(Exception):
    """A heartbeat refused with ``code`` (and Kafka's message)."""

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        super().__init__(message or code.name)
        self.code = code
        self.message = message


_HbAssignment = ConsumerGroupHeartbeatResponse.Assignment
_HbTopic = ConsumerGroupHeartbeatResponse.Assignment.TopicPartitions
_DescGroup = ConsumerGroupDescribeResponse.DescribedGroup
_DescMember = _DescGroup.Member


class ConsumerGroupCore:
    """Every KIP-848 group this coordinator serves, and their timers."""

    def __init__(
        self,
        config: ConsumerGroupConfig | None = None,
        member_ids: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.config = config or ConsumerGroupConfig()
        self.groups: dict[str, ConsumerGroup] = {}
        self.topics: dict[str, TopicInfo] = {}
        self._names_by_id: dict[uuid.UUID, str] = {}
        self._member_ids = member_ids
        #: Per group, the records last emitted (key → value): ``drain_records`` writes the
        #: difference with the group's state now.
        self._written: dict[str, dict[bytes, bytes]] = {}
        self._dirty: set[str] = set()

    # -- metadata -----------------------------------------------------------------------------

    def update_topics(self, topics: Mapping[str, TopicInfo], now_ms: int) -> list[str]:
        """The topics changed: every group whose subscribed topics gained or lost partitions
        (or appeared, or were deleted, or a regular expression now matches differently) gets
        a new group epoch. Returns those groups' ids."""
        self.topics = dict(topics)
        self._names_by_id = {info.topic_id: name for name, info in topics.items()}
        bumped = []
        for group in self.groups.values():
            if self._refresh_subscriptions(group):
                group.group_epoch += 1
                bumped.append(group.group_id)
                self._dirty.add(group.group_id)
        return bumped

    def _regex_candidates(self) -> list[str]:
        return [name for name, info in self.topics.items() if not info.internal]

    def _subscription_image(self, group: ConsumerGroup) -> dict[str, int]:
        names = self._regex_candidates()
        out: dict[str, int] = {}
        for m in group.members.values():
            for t in group.member_topics(m, names):
                info = self.topics.get(t)
                if info is not None:
                    out[t] = info.partitions
        return out

    def _refresh_subscriptions(self, group: ConsumerGroup) -> bool:
        image = self._subscription_image(group)
        if image == group.subscribed_partitions:
            return False
        group.subscribed_partitions = image
        return True

    # -- ConsumerGroupHeartbeat ---------------------------------------------------------------

    def heartbeat(
        self,
        req: ConsumerGroupHeartbeatRequest,
        *,
        version: int,
        now_ms: int,
        client_id: str = "",
        client_host: str = "",
        classic_state: str | None = None,
    ) -> ConsumerGroupHeartbeatResponse:
        """One ConsumerGroupHeartbeat: join, heartbeat, leave; answered at once.
        ``classic_state`` is the state of a classic group of the same id, if there is one: an
        Empty one is converted to a consumer group when ``group.consumer.migration.policy``
        allows upgrades; any other is GROUP_ID_NOT_FOUND, as Kafka."""
        self._dirty.add(req.group_id)
        try:
            if req.group_id not in self.groups and classic_state is not None:
                upgrade = self.config.migration_policy in ("upgrade", "bidirectional")
                if classic_state != GROUP_EMPTY or not upgrade:
                    raise HeartbeatError(
                        ErrorCode.GROUP_ID_NOT_FOUND,
                        f"Group {req.group_id} is not a consumer group.",
                    )
            return self._heartbeat(req, version, now_ms, client_id, client_host)
        except HeartbeatError as exc:
            return ConsumerGroupHeartbeatResponse(
                error_code=exc.code,
                error_message=exc.message,
                member_epoch=0,
                heartbeat_interval_ms=0,
            )

    def _validate(self, req: ConsumerGroupHeartbeatRequest, version: int) -> None:
        """Kafka's ``throwIfConsumerGroupHeartbeatRequestIsInvalid``."""
        bad = ErrorCode.INVALID_REQUEST
        if not req.group_id:
            raise HeartbeatError(bad, "GroupId can't be empty.")
        if req.instance_id is not None and not req.instance_id:
            raise HeartbeatError(bad, "InstanceId can't be empty.")
        if req.rack_id is not None and not req.rack_id:
            raise HeartbeatError(bad, "RackId can't be empty.")
        if version >= 1 and not req.member_id:
            raise HeartbeatError(bad, "MemberId can't be empty.")
        epoch = req.member_epoch
        # An empty regular expression clears a regex subscription (librdkafka sends one with
        # every subscription by names).
        regex = (req.subscribed_topic_regex or None) if version >= 1 else None
        if epoch > 0:
            if not req.member_id:
                raise HeartbeatError(bad, "MemberId can't be empty.")
        elif epoch == 0:
            if req.rebalance_timeout_ms == -1:
                raise HeartbeatError(bad, "RebalanceTimeoutMs must be provided in first request.")
            if req.topic_partitions is None or req.topic_partitions:
                raise HeartbeatError(bad, "TopicPartitions must be empty when (re-)joining.")
            if req.subscribed_topic_names is None and regex is None:
                raise HeartbeatError(
                    bad,
                    "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.",
                )
        elif epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH:
            if req.instance_id is None:
                raise HeartbeatError(bad, "InstanceId can't be null.")
        elif epoch != LEAVE_GROUP_MEMBER_EPOCH:
            raise HeartbeatError(bad, f"MemberEpoch is invalid: {epoch}.")
        if req.server_assignor is not None and req.server_assignor not in self.config.assignors:
            raise HeartbeatError(
                ErrorCode.UNSUPPORTED_ASSIGNOR,
                f"ServerAssignor {req.server_assignor} is not supported. Supported assignors: "
                f"{', '.join(self.config.assignors)}.",
            )
        if regex is not None:
            try:
                compile_subscription(regex)
            except RegexError as exc:
                raise HeartbeatError(ErrorCode.INVALID_REGULAR_EXPRESSION, str(exc)) from exc

    def _heartbeat(
        self,
        req: ConsumerGroupHeartbeatRequest,
        version: int,
        now_ms: int,
        client_id: str,
        client_host: str,
    ) -> ConsumerGroupHeartbeatResponse:
        self._validate(req, version)
        epoch = req.member_epoch
        if epoch in (LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH):
            return self._leave(req, now_ms)
        group = self.groups.get(req.group_id)
        if group is None:
            if epoch != 0:
                raise HeartbeatError(
                    ErrorCode.GROUP_ID_NOT_FOUND, f"Group {req.group_id} not found."
                )
            group = ConsumerGroup(req.group_id)
        member, bump = self._member_for(group, req, version, now_ms)
        if req.group_id not in self.groups:
            self.groups[req.group_id] = group
        old = member.copy()
        member.client_id = client_id
        member.client_host = client_host
        if req.rack_id is not None:
            member.rack_id = req.rack_id
        if req.rebalance_timeout_ms != -1:
            member.rebalance_timeout_ms = req.rebalance_timeout_ms
        if req.server_assignor is not None:
            member.server_assignor = req.server_assignor
        given_regex = req.subscribed_topic_regex if version >= 1 else None
        regex = given_regex or None
        if given_regex == "" and member.subscribed_topic_regex is not None:
            member.subscribed_topic_regex = None
            bump = True
        if req.subscribed_topic_names is not None:
            names = tuple(sorted(set(req.subscribed_topic_names)))
            if names != member.subscribed_topic_names:
                bump = True
            member.subscribed_topic_names = names
            if regex is None and member.subscribed_topic_regex is not None:
                member.subscribed_topic_regex = None
                bump = True
        if regex is not None and regex != member.subscribed_topic_regex:
            group.regexes.setdefault(regex, compile_subscription(regex))
            member.subscribed_topic_regex = regex
            member.subscribed_topic_names = ()
            bump = True
        if member.server_assignor != old.server_assignor:
            bump = True
        member.session_deadline_ms = now_ms + self.config.session_timeout_ms
        group.set_member(member)
        self._prune_regexes(group)
        if self._refresh_subscriptions(group):
            bump = True
        if bump:
            group.group_epoch += 1
        self._maybe_assign(group)
        owned = self._owned_from_request(req)
        updated = self._reconcile(group, member, owned, now_ms)
        full = epoch == 0 or (
            req.rebalance_timeout_ms != -1
            and (req.subscribed_topic_names is not None or regex is not None)
            and req.topic_partitions is not None
        )
        send_assignment = (
            full or updated.assigned != old.assigned or updated.member_epoch != old.member_epoch
        )
        return ConsumerGroupHeartbeatResponse(
            member_id=updated.member_id,
            member_epoch=updated.member_epoch,
            heartbeat_interval_ms=self.config.heartbeat_interval_ms,
            assignment=self._wire_assignment(updated.assigned) if send_assignment else None,
        )

    def _member_for(
        self,
        group: ConsumerGroup,
        req: ConsumerGroupHeartbeatRequest,
        version: int,
        now_ms: int,
    ) -> tuple[ConsumerMember, bool]:
        """The member a heartbeat is from (a new one when joining), and whether the group
        epoch must move because of who it is."""
        epoch = req.member_epoch
        if epoch == 0:
            member_id = req.member_id or self._member_ids()
            if req.instance_id is not None:
                previous_id = group.static_members.get(req.instance_id)
                if previous_id is not None:
                    previous = group.members[previous_id]
                    if previous.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH:
                        raise HeartbeatError(
                            ErrorCode.UNRELEASED_INSTANCE_ID,
                            f"Static member {previous_id} with instance id {req.instance_id} "
                            "is not released yet.",
                        )
                    # The static member is back: it takes over its predecessor's epoch, target
                    # and assignment, without a new group epoch.
                    target = group.target.get(previous_id, dict(previous.assigned))
                    group.remove_member(previous_id)
                    group.target[member_id] = target
                    replaced = dataclasses.replace(
                        previous,
                        member_id=member_id,
                        member_epoch=previous.previous_member_epoch,
                        previous_member_epoch=previous.previous_member_epoch,
                    )
                    return replaced, False
            existing = group.members.get(member_id)
            if existing is not None:
                # A member rejoining with epoch 0 has lost its partitions: start afresh.
                group.remove_member(member_id)
            elif len(group.members) >= self.config.max_size:
                raise HeartbeatError(
                    ErrorCode.GROUP_MAX_SIZE_REACHED,
                    f"The consumer group has reached its maximum capacity of "
                    f"{self.config.max_size} members.",
                )
            joined = ConsumerMember(
                member_id=member_id,
                instance_id=req.instance_id,
                member_epoch=0,
                previous_member_epoch=-1,
            )
            return joined, True
        member = group.members.get(req.member_id)
        if member is None:
            raise HeartbeatError(
                ErrorCode.UNKNOWN_MEMBER_ID,
                f"Member {req.member_id} is not a member of group {group.group_id}.",
            )
        if req.instance_id is not None and member.instance_id != req.instance_id:
            raise HeartbeatError(
                ErrorCode.FENCED_INSTANCE_ID,
                f"Instance id {req.instance_id} does not belong to member {req.member_id}.",
            )
        self._check_epoch(member, epoch, self._owned_from_request(req))
        return member.copy(), False

    def _check_epoch(
        self, member: ConsumerMember, epoch: int, owned: set[tuple[str, int]] | None
    ) -> None:
        """Kafka's ``throwIfMemberEpochIsInvalid``: an epoch ahead of the member's is fenced;
        one behind is accepted only if it is the previous epoch and the member owns nothing it
        should not (its last response was lost)."""
        if epoch > member.member_epoch:
            raise HeartbeatError(
                ErrorCode.FENCED_MEMBER_EPOCH,
                f"The consumer group member has a greater member epoch ({epoch}) than the one "
                f"known by the group coordinator ({member.member_epoch}). The member must "
                "abandon all its partitions and rejoin.",
            )
        if epoch < member.member_epoch:
            if (
                epoch == member.previous_member_epoch
                and owned is not None
                and owned <= partitions_of(member.assigned)
            ):
                return
            raise HeartbeatError(
                ErrorCode.FENCED_MEMBER_EPOCH,
                f"The consumer group member has a smaller member epoch ({epoch}) than the one "
                f"known by the group coordinator ({member.member_epoch}). The member must "
                "abandon all its partitions and rejoin.",
            )

    def _owned_from_request(
        self, req: ConsumerGroupHeartbeatRequest
    ) -> set[tuple[str, int]] | None:
        if req.topic_partitions is None:
            return None
        out: set[tuple[str, int]] = set()
        for tp in req.topic_partitions:
            name = self._names_by_id.get(tp.topic_id)
            if name is not None:
                out.update((name, p) for p in tp.partitions)
        return out

    def _leave(
        self, req: ConsumerGroupHeartbeatRequest, now_ms: int
    ) -> ConsumerGroupHeartbeatResponse:
        group = self.groups.get(req.group_id)
        member = None if group is None else group.members.get(req.member_id)
        if group is None or member is None:
            if group is None:
                raise HeartbeatError(
                    ErrorCode.GROUP_ID_NOT_FOUND, f"Group {req.group_id} not found."
                )
            raise HeartbeatError(
                ErrorCode.UNKNOWN_MEMBER_ID,
                f"Member {req.member_id} is not a member of group {req.group_id}.",
            )
        if req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH:
            # A static member leaves to come back: it keeps its assignment (its partitions stay
            # its own) until it rejoins with the same instance id or its session ends.
            if member.instance_id != req.instance_id:
                raise HeartbeatError(
                    ErrorCode.FENCED_INSTANCE_ID,
                    f"Instance id {req.instance_id} does not belong to member {req.member_id}.",
                )
            kept = member.copy()
            kept.previous_member_epoch = member.member_epoch
            kept.member_epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH
            kept.revocation_deadline_ms = None
            group.set_member(kept)
        else:
            self.remove_member(group, req.member_id)
        return ConsumerGroupHeartbeatResponse(
            member_id=req.member_id,
            member_epoch=req.member_epoch,
            heartbeat_interval_ms=0,
        )

    def remove_member(self, group: ConsumerGroup, member_id: str) -> None:
        """Take a member out (leave, session expiry, fencing): new group epoch, new target."""
        if group.remove_member(member_id) is None:
            return
        self._dirty.add(group.group_id)
        self._prune_regexes(group)
        self._refresh_subscriptions(group)
        group.group_epoch += 1
        self._maybe_assign(group)

    # -- fault injection ----------------------------------------------------------------------

    def _group_with_members(self, group_id: str) -> ConsumerGroup:
        group = self.groups.get(group_id)
        if group is None:
            raise ValueError(f"consumer group {group_id} is unknown")
        if not group.members:
            raise ValueError(f"consumer group {group_id} has no members")
        return group

    def force_rebalance(self, group_id: str) -> str:
        """A new group epoch and target assignment now: every member reconciles to the new
        epoch (at its next heartbeat). A one-line account; ValueError (one line) when the group
        is unknown or empty."""
        group = self._group_with_members(group_id)
        self._dirty.add(group_id)
        group.group_epoch += 1
        self._maybe_assign(group)
        return (
            f"rebalance of consumer group {group_id} started: group epoch "
            f"{group.group_epoch}, {_members(len(group.members))} reconcile"
        )

    def expire_members(self, group_id: str, member_id: str | None) -> str:
        """Fence a member (``None``: every member) as on a session timeout: it is removed, its
        partitions go to the others under a new group epoch. A one-line account; ValueError
        (one line) for an unknown group or member."""
        group = self._group_with_members(group_id)
        if member_id is not None and member_id not in group.members:
            raise ValueError(f"consumer group {group_id} has no member {member_id}")
        chosen = list(group.members) if member_id is None else [member_id]
        for mid in chosen:
            self.remove_member(group, mid)
        if member_id is not None:
            return f"expired member {member_id} of consumer group {group_id}"
        return f"expired {_members(len(chosen))} of consumer group {group_id}"

    @staticmethod
    def _prune_regexes(group: ConsumerGroup) -> None:
        used = {m.subscribed_topic_regex for m in group.members.values()}
        for pattern in [p for p in group.regexes if p not in used]:
            del group.regexes[pattern]

    # -- target assignment ------------------------------------------------------------------

    def _assignor_for(self, group: ConsumerGroup) -> str:
        """The most popular ``server_assignor`` among the members (ties: the earlier one in
        ``group.consumer.assignors``), else the default (the first configured)."""
        votes: dict[str, int] = {}
        for m in group.members.values():
            if m.server_assignor is not None:
                votes[m.server_assignor] = votes.get(m.server_assignor, 0) + 1
        if not votes:
            return self.config.assignors[0]
        order = {name: i for i, name in enumerate(self.config.assignors)}
        return min(votes, key=lambda a: (-votes[a], order.get(a, len(order))))

    def _maybe_assign(self, group: ConsumerGroup) -> None:
        if group.group_epoch <= group.assignment_epoch:
            return
        names = self._regex_candidates()
        subscriptions = {
            m.member_id: frozenset(
                t for t in group.member_topics(m, names) if t in group.subscribed_partitions
            )
            for m in group.members.values()
        }
        name = self._assignor_for(group)
        target = ASSIGNORS[name](subscriptions, group.subscribed_partitions, group.target)
        group.target = {m: target.get(m, {}) for m in group.members}
        group.assignor_name = name
        group.assignment_epoch = group.group_epoch

    # -- reconciliation (Kafka's CurrentAssignmentBuilder) -----------------------------------

    def _reconcile(
        self,
        group: ConsumerGroup,
        member: ConsumerMember,
        owned: set[tuple[str, int]] | None,
        now_ms: int,
    ) -> ConsumerMember:
        current = group.members[member.member_id]
        target_epoch = group.assignment_epoch
        if current.state == STABLE and current.member_epoch == target_epoch:
            return current
        if current.state == UNREVOKED_PARTITIONS:
            still = partitions_of(current.pending_revocation)
            if owned is None or owned & still:
                return current
            updated = self._next_assignment(
                group, current, min(current.member_epoch + 1, target_epoch), owned, now_ms
            )
        else:
            updated = self._next_assignment(group, current, current.member_epoch, owned, now_ms)
        group.set_member(updated)
        return updated

    def _next_assignment(
        self,
        group: ConsumerGroup,
        member: ConsumerMember,
        member_epoch: int,
        owned: set[tuple[str, int]] | None,
        now_ms: int,
    ) -> ConsumerMember:
        target = partitions_of(group.target.get(member.member_id, {}))
        current = partitions_of(member.assigned)
        keep = current & target
        revoke = current - target
        wanted = target - current
        unreleased = {tp for tp in wanted if group.owners.get(tp) not in (None, member.member_id)}
        assignable = wanted - unreleased
        updated = member.copy()
        target_epoch = group.assignment_epoch
        if revoke and (owned is None or bool(owned & revoke)):
            updated.state = UNREVOKED_PARTITIONS
            updated.assigned = as_assignment(keep)
            updated.pending_revocation = as_assignment(revoke)
            if member_epoch != member.member_epoch:
                updated.previous_member_epoch = member.member_epoch
            updated.member_epoch = member_epoch
            updated.revocation_deadline_ms = now_ms + max(0, member.rebalance_timeout_ms)
            return updated
        updated.pending_revocation = {}
        updated.assigned = as_assignment(keep | assignable)
        updated.state = UNRELEASED_PARTITIONS if unreleased else STABLE
        if target_epoch != member.member_epoch:
            updated.previous_member_epoch = member.member_epoch
        updated.member_epoch = target_epoch
        updated.revocation_deadline_ms = None
        return updated

    # -- timers -----------------------------------------------------------------------------

    def next_deadline_ms(self) -> int | None:
        """The earliest session or revocation deadline of any member, or None."""
        best: int | None = None
        for group in self.groups.values():
            for m in group.members.values():
                for d in (m.session_deadline_ms, m.revocation_deadline_ms):
                    if d is not None and (best is None or d < best):
                        best = d
        return best

    def tick(self, now_ms: int) -> list[tuple[str, str]]:
        """Expire what is due: a member whose session ended, or that did not revoke its
        partitions within its rebalance timeout, is removed. Returns (group, member) pairs."""
        removed: list[tuple[str, str]] = []
        for _ in range(MAX_TICK_ROUNDS):
            due = [
                (g, m.member_id)
                for g in self.groups.values()
                for m in g.members.values()
                if m.session_deadline_ms <= now_ms
                or (m.revocation_deadline_ms is not None and m.revocation_deadline_ms <= now_ms)
            ]
            if not due:
                break
            for group, member_id in due:
                self.remove_member(group, member_id)
                removed.append((group.group_id, member_id))
        return removed

    # -- reading ------------------------------------------------------------------------------

    def _wire_assignment(self, assignment: Assignment) -> _HbAssignment:
        topics = []
        for name in sorted(assignment):
            info = self.topics.get(name)
            if info is None:
                continue
            topics.append(_HbTopic(topic_id=info.topic_id, partitions=sorted(assignment[name])))
        return _HbAssignment(topic_partitions=topics)

    def _described(self, assignment: Assignment) -> _DescMember.Assignment:
        return _DescMember.Assignment(
            topic_partitions=[
                _DescMember.Assignment.TopicPartitions(
                    topic_id=self._topic_id(name),
                    topic_name=name,
                    partitions=sorted(ps),
                )
                for name, ps in sorted(assignment.items())
            ]
        )

    def _described_target(self, assignment: Assignment) -> _DescMember.TargetAssignment:
        return _DescMember.TargetAssignment(
            topic_partitions=[
                _DescMember.TargetAssignment.TopicPartitions(
                    topic_id=self._topic_id(name),
                    topic_name=name,
                    partitions=sorted(ps),
                )
                for name, ps in sorted(assignment.items())
            ]
        )

    def _topic_id(self, name: str) -> uuid.UUID:
        info = self.topics.get(name)
        return info.topic_id if info is not None else uuid.UUID(int=0)

    def describe(self, group_ids: Iterable[str]) -> list[_DescGroup]:
        """ConsumerGroupDescribe: each group, or GROUP_ID_NOT_FOUND."""
        out = []
        for gid in group_ids:
            group = self.groups.get(gid)
            if group is None:
                out.append(
                    _DescGroup(
                        error_code=ErrorCode.GROUP_ID_NOT_FOUND,
                        error_message=f"Group {gid} not found.",
                        group_id=gid,
                        group_state="Dead",
                        group_epoch=0,
                        assignment_epoch=0,
                        assignor_name="",
                        members=[],
                    )
                )
                continue
            members = [
                _DescMember(
                    member_id=m.member_id,
                    instance_id=m.instance_id,
                    rack_id=m.rack_id,
                    member_epoch=m.member_epoch,
                    client_id=m.client_id,
                    client_host=m.client_host,
                    subscribed_topic_names=list(m.subscribed_topic_names),
                    subscribed_topic_regex=m.subscribed_topic_regex,
                    assignment=self._described(m.assigned),
                    target_assignment=self._described_target(group.target.get(m.member_id, {})),
                )
                for m in group.members.values()
            ]
            out.append(
                _DescGroup(
                    error_code=ErrorCode.NONE,
                    group_id=gid,
                    group_state=group.state,
                    group_epoch=group.group_epoch,
                    assignment_epoch=group.assignment_epoch,
                    assignor_name=group.assignor_name or self.config.assignors[0],
                    members=members,
                )
            )
        return out

    def validate_offset_commit(
        self, group_id: str, member_id: str, member_epoch: int, version: int
    ) -> ErrorCode | None:
        """KIP-848's OffsetCommit check for a consumer group (None: not one of ours, or a
        commit without a member, which the classic path handles): the member must exist and
        commit with its current epoch (STALE_MEMBER_EPOCH otherwise, as Kafka), at OffsetCommit
        v9 or later (UNSUPPORTED_VERSION below, as Kafka)."""
        group = self.groups.get(group_id)
        if group is None:
            return None
        if member_epoch < 0 and not member_id:
            # Admin and manually assigned consumers: only while the group is empty.
            return None if not group.members else ErrorCode.UNKNOWN_MEMBER_ID
        member = group.members.get(member_id)
        if member is None:
            return ErrorCode.UNKNOWN_MEMBER_ID
        if version < 9:
            return ErrorCode.UNSUPPORTED_VERSION
        if member_epoch != member.member_epoch:
            return ErrorCode.STALE_MEMBER_EPOCH
        return ErrorCode.NONE

    def is_consumer_group(self, group_id: str) -> bool:
        """Whether ``group_id`` is a KIP-848 group here."""
        return group_id in self.groups

    def group_state(self, group_id: str) -> str:
        """The group's state (``Empty`` for an unknown one)."""
        group = self.groups.get(group_id)
        return group.state if group is not None else GROUP_EMPTY

    def convert_to_classic(self, group_id: str) -> ErrorCode | None:
        """A classic JoinGroup for ``group_id``: None when it is not a consumer group here;
        NONE when it was one, empty, and ``group.consumer.migration.policy`` allows downgrades
        (it is deleted: tombstones for its records, its offsets stay); GROUP_ID_NOT_FOUND
        otherwise (Kafka: "not a classic group")."""
        group = self.groups.get(group_id)
        if group is None:
            return None
        downgrade = self.config.migration_policy in ("downgrade", "bidirectional")
        if group.members or not downgrade:
            return ErrorCode.GROUP_ID_NOT_FOUND
        del self.groups[group_id]
        self._dirty.add(group_id)
        return ErrorCode.NONE

    def drop_groups(self, belongs: Callable[[str], bool]) -> list[str]:
        """Forget the groups ``belongs`` selects (their partition moved to another broker)."""
        gone = [gid for gid in self.groups if belongs(gid)]
        for gid in gone:
            del self.groups[gid]
            self._written.pop(gid, None)
            self._dirty.discard(gid)
        return gone

    # -- records ------------------------------------------------------------------------------

    def _ids(self, assignment: Assignment) -> TopicPartitions:
        out: TopicPartitions = {}
        for name, ps in assignment.items():
            info = self.topics.get(name)
            if info is not None and ps:
                out[info.topic_id] = sorted(ps)
        return out

    def _names(self, tps: TopicPartitions) -> Assignment:
        out: Assignment = {}
        for topic_id, ps in tps.items():
            name = self._names_by_id.get(topic_id)
            if name is not None and ps:
                out[name] = frozenset(ps)
        return out

    def _snapshot(self, group: ConsumerGroup) -> dict[bytes, bytes]:
        gid = group.group_id
        out = {
            group_key(GROUP_METADATA_KEY, gid): epoch_value(group.group_epoch),
            group_key(TARGET_METADATA_KEY, gid): epoch_value(group.assignment_epoch),
        }
        for m in group.members.values():
            out[group_key(MEMBER_METADATA_KEY, gid, m.member_id)] = member_metadata_value(
                MemberMetadata(
                    instance_id=m.instance_id,
                    rack_id=m.rack_id,
                    client_id=m.client_id,
                    client_host=m.client_host,
                    subscribed_topic_names=m.subscribed_topic_names,
                    subscribed_topic_regex=m.subscribed_topic_regex,
                    rebalance_timeout_ms=m.rebalance_timeout_ms,
                    server_assignor=m.server_assignor,
                )
            )
            out[group_key(TARGET_MEMBER_KEY, gid, m.member_id)] = target_member_value(
                self._ids(group.target.get(m.member_id, {}))
            )
            out[group_key(CURRENT_ASSIGNMENT_KEY, gid, m.member_id)] = current_assignment_value(
                CurrentAssignment(
                    member_epoch=m.member_epoch,
                    previous_member_epoch=m.previous_member_epoch,
                    state=STATE_CODES[m.state],
                    assigned=self._ids(m.assigned),
                    pending_revocation=self._ids(m.pending_revocation),
                )
            )
        return out

    def records_failed(self, records: Iterable[GroupRecord]) -> None:
        """Records drained earlier did not reach the log (their append failed) while their
        groups are still served here: the next drain writes those keys again, as the groups
        are then (a value, or a tombstone for what is gone), so the log catches up with the
        state the members were answered from. Without it the failed records would count as
        written, later drains would skip them, and a coordinator failover would reload the
        state from before them."""
        for gid, key, _value in records:
            self._written.setdefault(gid, {})[key] = _UNWRITTEN
            self._dirty.add(gid)

    def drain_records(self) -> list[GroupRecord]:
        """The records that bring ``__consumer_offsets`` up to the groups' state now (changed
        records, and tombstones for members gone), as Kafka writes them."""
        out: list[GroupRecord] = []
        for gid in sorted(self._dirty):
            group = self.groups.get(gid)
            now = self._snapshot(group) if group is not None else {}
            before = self._written.get(gid, {})
            for key in before:
                if key not in now:
                    out.append((gid, key, None))
            for key, value in now.items():
                if before.get(key) != value:
                    out.append((gid, key, value))
            if now:
                self._written[gid] = now
            else:
                self._written.pop(gid, None)
        self._dirty.clear()
        return out

    def load_records(self, records: list[tuple[bytes, bytes | None]], now_ms: int) -> list[str]:
        """Replay a partition's consumer group records (log order: the last write wins, a
        tombstone deletes) and install the groups, with fresh sessions (Kafka's reload).
        Returns the group ids installed. Raises ``ConsumerRecordError`` on a bad record."""
        state: dict[str, dict[bytes, bytes]] = {}
        for key, value in records:
            gid = decode_key(key).group_id
            if value is None:
                state.get(gid, {}).pop(key, None)
            else:
                state.setdefault(gid, {})[key] = value
        installed = []
        for gid, written in state.items():
            group = self._rebuild(gid, written, now_ms)
            if group is None:
                continue
            self.groups[gid] = group
            self._written[gid] = written
            installed.append(gid)
        return installed

    def _rebuild(self, gid: str, written: dict[bytes, bytes], now_ms: int) -> ConsumerGroup | None:
        metadata = written.get(group_key(GROUP_METADATA_KEY, gid))
        if metadata is None:
            return None
        group = ConsumerGroup(gid, group_epoch=decode_epoch(metadata))
        target_epoch = written.get(group_key(TARGET_METADATA_KEY, gid))
        group.assignment_epoch = decode_epoch(target_epoch) if target_epoch is not None else 0
        for key, value in written.items():
            k = decode_key(key)
            if k.version != MEMBER_METADATA_KEY or k.member_id is None:
                continue
            meta = decode_member_metadata(value)
            current_raw = written.get(group_key(CURRENT_ASSIGNMENT_KEY, gid, k.member_id))
            target_raw = written.get(group_key(TARGET_MEMBER_KEY, gid, k.member_id))
            member = ConsumerMember(
                member_id=k.member_id,
                instance_id=meta.instance_id,
                rack_id=meta.rack_id,
                client_id=meta.client_id,
                client_host=meta.client_host,
                subscribed_topic_names=meta.subscribed_topic_names,
                subscribed_topic_regex=meta.subscribed_topic_regex,
                server_assignor=meta.server_assignor,
                rebalance_timeout_ms=meta.rebalance_timeout_ms,
                session_deadline_ms=now_ms + self.config.session_timeout_ms,
            )
            if current_raw is not None:
                current = decode_current_assignment(current_raw)
                state = STATES_BY_CODE.get(current.state)
                if state is None:
                    raise ConsumerRecordError(f"unknown member state {current.state}")
                member.member_epoch = current.member_epoch
                member.previous_member_epoch = current.previous_member_epoch
                member.state = state
                member.assigned = self._names(current.assigned)
                member.pending_revocation = self._names(current.pending_revocation)
                if state == UNREVOKED_PARTITIONS:
                    member.revocation_deadline_ms = now_ms + max(0, member.rebalance_timeout_ms)
            if target_raw is not None:
                group.target[k.member_id] = self._names(decode_target_member(target_raw))
            if member.subscribed_topic_regex is not None:
                try:
                    group.regexes[member.subscribed_topic_regex] = compile_subscription(
                        member.subscribed_topic_regex
                    )
                except RegexError as exc:
                    raise ConsumerRecordError(str(exc)) from exc
            group.set_member(member)
        group.subscribed_partitions = self._subscription_image(group)
        return group


def _members(count: int) -> str:
    return f"{count} member" if count == 1 else f"{count} members"
