"""Shared machinery of the coordinator core: groups, partitions, timers, parking, appends, effects.

The public class is ``broker.group.coordinator.GroupCoordinatorCore``; this base holds what its
parts (membership, offsets, admin) share. Every public method runs between ``_begin`` and
``_finish``: effects (completions, appends, timer changes) accumulate in ``self._fx`` and leave
as one ``Outcome``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, TypeVar

from broker.group.config import GroupConfig
from broker.group.outcome import (
    Append,
    Completion,
    Outcome,
    ParkKey,
    TimerCancel,
    TimerChange,
    TimerSet,
)
from broker.group.records import (
    GroupMetadataKey,
    GroupMetadataValue,
    MemberRecord,
    OffsetCommitKey,
    TopicPartition,
    encode_record,
    partition_for_group,
)
from broker.group.state import GroupMetadata, GroupState, MemberMetadata
from broker.group.timers import TimerKey, TimerKind, TimerTable
from protocol.errors import ErrorCode
from protocol.messages import Message

R = TypeVar("R")

#: Firing a timer may arm another that is already due (a zero rebalance timeout, or a chain of
#: timers when the driver ticks late). A call fires due timers in at most this many rounds; what
#: remains fires on the next call or tick, so a client-chosen zero timeout cannot spin the core.
MAX_TIMER_ROUNDS: Final = 16

# API keys, for ParkKey.api_key.
API_OFFSET_COMMIT: Final = 8
API_OFFSET_FETCH: Final = 9
API_JOIN_GROUP: Final = 11
API_HEARTBEAT: Final = 12
API_LEAVE_GROUP: Final = 13
API_SYNC_GROUP: Final = 14
API_DESCRIBE_GROUPS: Final = 15
API_LIST_GROUPS: Final = 16
API_DELETE_GROUPS: Final = 42
API_OFFSET_DELETE: Final = 47

#: APIs that accept the empty group id (Kafka allows it for offset storage and admin, for
#: backward compatibility); the rest answer INVALID_GROUP_ID.
EMPTY_GROUP_ID_ALLOWED: Final = frozenset(
    {API_OFFSET_COMMIT, API_OFFSET_FETCH, API_DESCRIBE_GROUPS, API_DELETE_GROUPS}
)


def default_member_id(prefix: str) -> str:
    """Kafka's member ids: ``<client id or group instance id>-<random UUID>``."""
    return f"{prefix}-{uuid.uuid4()}"


def map_store_group_error(error: ErrorCode) -> ErrorCode:
    """The error a client gets when a group metadata append fails (Kafka's ``storeGroup``)."""
    if error in (
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.NOT_ENOUGH_REPLICAS,
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    ):
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if error in (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.KAFKA_STORAGE_ERROR):
        return ErrorCode.NOT_COORDINATOR
    if error is ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.REBALANCE_IN_PROGRESS
    if error in (
        ErrorCode.MESSAGE_TOO_LARGE,
        ErrorCode.RECORD_LIST_TOO_LARGE,
        ErrorCode.INVALID_FETCH_SIZE,
    ):
        return ErrorCode.UNKNOWN_SERVER_ERROR
    return error


def map_offset_commit_error(error: ErrorCode) -> ErrorCode:
    """The error a client gets when an offset append fails (``maybeConvertOffsetCommitError``)."""
    if error is ErrorCode.NETWORK_EXCEPTION:
        return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    if error in (
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.NOT_ENOUGH_REPLICAS,
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        ErrorCode.REQUEST_TIMED_OUT,
    ):
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if error in (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.KAFKA_STORAGE_ERROR):
        return ErrorCode.NOT_COORDINATOR
    if error in (
        ErrorCode.MESSAGE_TOO_LARGE,
        ErrorCode.RECORD_LIST_TOO_LARGE,
        ErrorCode.INVALID_FETCH_SIZE,
    ):
        return ErrorCode.INVALID_COMMIT_OFFSET_SIZE
    return error


@dataclass(slots=True)
class _Effects:
    completions: list[Completion] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)
    timers: list[TimerChange] = field(default_factory=list)


@dataclass(slots=True)
class _PendingAppend:
    group_id: str
    partition: int
    on_complete: Callable[[ErrorCode], None]


class CoreBase:
    """State and helpers shared by the parts of ``GroupCoordinatorCore`` (not public)."""

    def __init__(
        self,
        config: GroupConfig | None = None,
        *,
        new_member_id: Callable[[str], str] = default_member_id,
        owned_partitions: Iterable[int] | None = None,
    ) -> None:
        self.config = config if config is not None else GroupConfig()
        self._new_member_id = new_member_id
        self._groups: dict[str, GroupMetadata] = {}
        self._timers = TimerTable()
        n = self.config.offsets_topic_num_partitions
        self._owned: set[int] = set(range(n)) if owned_partitions is None else set(owned_partitions)
        self._loading: set[int] = set()
        self._open_parks: dict[ParkKey, Callable[[ErrorCode], Message]] = {}
        self._parks_by_group: dict[str, set[ParkKey]] = {}
        self._pending_appends: dict[int, _PendingAppend] = {}
        self._next_park_id = 0
        self._next_token = 0
        self._fx: _Effects | None = None
        self._now_ms = 0

    # -- call framing -----------------------------------------------------------------------

    def _begin(self, now_ms: int) -> None:
        if self._fx is not None:
            raise RuntimeError("GroupCoordinatorCore is not re-entrant")
        self._fx = _Effects()
        self._now_ms = now_ms
        self._fire_due_timers()

    def _finish(self, result: R | ParkKey | None) -> Outcome[R]:
        self._fire_due_timers()
        fx = self._effects
        self._fx = None
        out: Outcome[R] = Outcome(completions=fx.completions, appends=fx.appends, timers=fx.timers)
        if isinstance(result, ParkKey):
            for i, c in enumerate(fx.completions):
                if c.key == result:  # parked and answered within the same call
                    del fx.completions[i]
                    out.response = c.response  # type: ignore[assignment]
                    break
            else:
                out.parked = result
        else:
            out.response = result
        return out

    def _run(self, now_ms: int, fn: Callable[[], R | ParkKey | None]) -> Outcome[R]:
        """Run one public call: fire due timers, ``fn``, fire timers it made due, collect."""
        self._begin(now_ms)
        try:
            return self._finish(fn())
        finally:
            self._fx = None

    @property
    def _effects(self) -> _Effects:
        fx = self._fx
        if fx is None:
            raise RuntimeError("no call in progress")
        return fx

    # -- timers -----------------------------------------------------------------------------

    def _set_timer(self, key: TimerKey, delay_ms: int) -> None:
        deadline = self._now_ms + max(delay_ms, 0)
        self._timers.set(key, deadline)
        self._effects.timers.append(TimerSet(key, deadline))

    def _cancel_timer(self, key: TimerKey) -> None:
        if self._timers.cancel(key):
            self._effects.timers.append(TimerCancel(key))

    def _fire_due_timers(self) -> None:
        """Fire every timer due by now, each at its own deadline (event time).

        While a timer fires, ``_now_ms`` is its deadline, so what it arms and stamps does not
        depend on how late the driver ticked: the core behaves as if every timer fired on time.
        """
        call_now = self._now_ms
        event_now = None
        try:
            for _ in range(MAX_TIMER_ROUNDS):
                due = self._timers.due(call_now)
                if not due:
                    return
                for key, token, deadline in due:
                    if self._timers.take(key, token):
                        event_now = deadline if event_now is None else max(event_now, deadline)
                        self._now_ms = event_now
                        self._on_timer(key)
        finally:
            self._now_ms = call_now

    def _on_timer(self, key: TimerKey) -> None:
        raise NotImplementedError

    def _heartbeat_key(self, group: GroupMetadata, member_id: str) -> TimerKey:
        return TimerKey(TimerKind.HEARTBEAT, group.group_id, member_id)

    def _schedule_heartbeat(
        self, group: GroupMetadata, member: MemberMetadata, timeout_ms: int | None = None
    ) -> None:
        """Kafka's ``completeAndScheduleNextExpiration``: restart the member's session.

        A member with a parked join or sync (and not new) needs no heartbeat: Kafka's delayed
        heartbeat completes at once, so no deadline runs until the member is answered.
        """
        key = self._heartbeat_key(group, member.member_id)
        if member.heartbeat_implied:
            self._cancel_timer(key)
        else:
            self._set_timer(key, member.session_timeout_ms if timeout_ms is None else timeout_ms)

    # -- parking ----------------------------------------------------------------------------

    def _park(
        self, api_key: int, group_id: str, error_response: Callable[[ErrorCode], Message]
    ) -> ParkKey:
        self._next_park_id += 1
        key = ParkKey(self._next_park_id, api_key, group_id)
        self._open_parks[key] = error_response
        self._parks_by_group.setdefault(group_id, set()).add(key)
        return key

    def _complete(self, key: ParkKey, response: Message) -> None:
        """Answer a parked request (once: later answers to the same key are dropped)."""
        if self._open_parks.pop(key, None) is not None:
            parks = self._parks_by_group[key.group_id]
            parks.discard(key)
            if not parks:
                del self._parks_by_group[key.group_id]
            self._effects.completions.append(Completion(key, response))

    def _complete_with_error(self, key: ParkKey, error: ErrorCode) -> None:
        builder = self._open_parks.get(key)
        if builder is not None:
            self._complete(key, builder(error))

    def open_parks(self, group_id: str | None = None) -> list[ParkKey]:
        """Every parked request not yet answered (of one group, if ``group_id`` is given)."""
        if group_id is None:
            return list(self._open_parks)
        return sorted(self._parks_by_group.get(group_id, ()), key=lambda k: k.id)

    # -- appends ----------------------------------------------------------------------------

    def partition_for(self, group_id: str) -> int:
        """The ``__consumer_offsets`` partition of ``group_id``."""
        return partition_for_group(group_id, self.config.offsets_topic_num_partitions)

    def _append(
        self,
        group_id: str,
        records: list[tuple[bytes, bytes | None]],
        on_complete: Callable[[ErrorCode], None] | None = None,
    ) -> None:
        self._next_token += 1
        token = self._next_token
        partition = self.partition_for(group_id)
        self._effects.appends.append(Append(token, partition, group_id, tuple(records)))
        if on_complete is not None:
            self._pending_appends[token] = _PendingAppend(group_id, partition, on_complete)

    def _group_metadata_record(
        self, group: GroupMetadata, assignment: dict[str, bytes]
    ) -> tuple[bytes, bytes | None]:
        members = tuple(
            MemberRecord(
                member_id=m.member_id,
                group_instance_id=m.group_instance_id,
                client_id=m.client_id,
                client_host=m.client_host,
                rebalance_timeout_ms=m.rebalance_timeout_ms,
                session_timeout_ms=m.session_timeout_ms,
                subscription=m.metadata(group.protocol_name) if group.protocol_name else b"",
                assignment=assignment.get(m.member_id, b""),
            )
            for m in group.members.values()
        )
        value = GroupMetadataValue(
            protocol_type=group.protocol_type or "",
            generation_id=group.generation_id,
            protocol_name=group.protocol_name,
            leader_id=group.leader_id,
            state_timestamp_ms=group.state_timestamp_ms,
            members=members,
        )
        return encode_record(GroupMetadataKey(group.group_id), value)

    def _store_group(
        self,
        group: GroupMetadata,
        assignment: dict[str, bytes],
        on_complete: Callable[[ErrorCode], None] | None = None,
    ) -> None:
        """Append the group's metadata; ``on_complete`` gets the client-facing error."""
        record = self._group_metadata_record(group, assignment)
        callback = None
        if on_complete is not None:
            done = on_complete

            def callback(error: ErrorCode) -> None:
                done(map_store_group_error(error))

        self._append(group.group_id, [record], callback)

    @staticmethod
    def _offset_tombstone(group_id: str, tp: TopicPartition) -> tuple[bytes, bytes | None]:
        return encode_record(OffsetCommitKey(group_id, tp.topic, tp.partition), None)

    @staticmethod
    def _group_tombstone(group_id: str) -> tuple[bytes, bytes | None]:
        return encode_record(GroupMetadataKey(group_id), None)

    # -- groups -----------------------------------------------------------------------------

    def _status_error(self, group_id: str, api_key: int) -> ErrorCode | None:
        """Kafka's ``validateGroupStatus``: group id, loading, ownership."""
        if not group_id and api_key not in EMPTY_GROUP_ID_ALLOWED:
            return ErrorCode.INVALID_GROUP_ID
        partition = self.partition_for(group_id)
        if partition in self._loading:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        if partition not in self._owned:
            return ErrorCode.NOT_COORDINATOR
        return None

    def _create_group(self, group_id: str) -> GroupMetadata:
        group = GroupMetadata(group_id, state_timestamp_ms=self._now_ms)
        self._groups[group_id] = group
        return group

    def _drop_group(self, group: GroupMetadata) -> None:
        """Forget a Dead group: its timers stop and its parked requests are answered."""
        if self._groups.get(group.group_id) is group:
            del self._groups[group.group_id]
        for key in self._timers.keys(group.group_id):
            self._cancel_timer(key)
        for park in self.open_parks(group.group_id):
            if self._is_membership_park(park):
                self._complete_with_error(park, ErrorCode.COORDINATOR_NOT_AVAILABLE)

    @staticmethod
    def _is_membership_park(key: ParkKey) -> bool:
        return key.api_key in (API_JOIN_GROUP, API_SYNC_GROUP)

    def group(self, group_id: str) -> GroupMetadata | None:
        """The group's current state (read it; change it only through the core's methods)."""
        return self._groups.get(group_id)

    def groups(self) -> Iterator[GroupMetadata]:
        """Every group this coordinator holds."""
        return iter(list(self._groups.values()))

    def next_deadline_ms(self) -> int | None:
        """When ``tick`` next has work, or None when no timer is armed."""
        return self._timers.next_deadline_ms()

    @property
    def loading(self) -> bool:
        """Some owned partition is still loading."""
        return bool(self._loading)

    def _is_dead(self, group: GroupMetadata) -> bool:
        return group.state is GroupState.DEAD
