"""The state the parts of the coordinator core share, and the primitives they act through.

``CoreContext`` holds the groups table, the config, the timer table, the owned and loading
``__consumer_offsets`` partitions, the parked requests and the appends awaiting completion. Every
part of ``GroupCoordinatorCore`` (joins, syncs, heartbeats, leaves, rebalances, offsets, admin,
loading) holds a reference to the one context of its coordinator and changes state only through
it. Every public call runs inside ``run``: effects (completions, appends, timer changes)
accumulate in the context and leave as one ``Outcome``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
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
from broker.group.state import GroupMetadata, MemberMetadata
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
API_TXN_OFFSET_COMMIT: Final = 28

#: APIs that accept the empty group id (Kafka allows it for offset storage and admin, for
#: backward compatibility); the rest answer INVALID_GROUP_ID.
EMPTY_GROUP_ID_ALLOWED: Final = frozenset(
    {API_OFFSET_COMMIT, API_OFFSET_FETCH, API_DESCRIBE_GROUPS, API_DELETE_GROUPS}
)


def default_member_id(prefix: str) -> str:
    """Kafka's member ids: ``<client id or group instance id>-<random UUID>``."""
    return f"{prefix}-{uuid.uuid4()}"


#: What a failed append of ``__consumer_offsets`` reports, grouped as both error maps read it:
#: the partition or its replicas are not there,
_APPEND_UNAVAILABLE: Final = frozenset(
    {
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.NOT_ENOUGH_REPLICAS,
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    }
)
#: this broker no longer leads it,
_APPEND_NOT_LEADER: Final = frozenset(
    {ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.KAFKA_STORAGE_ERROR}
)
#: or the records were too large.
_APPEND_TOO_LARGE: Final = frozenset(
    {ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.INVALID_FETCH_SIZE}
)


def map_store_group_error(error: ErrorCode) -> ErrorCode:
    """The error a client gets when a group metadata append fails (Kafka's ``storeGroup``)."""
    if error in _APPEND_UNAVAILABLE:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if error in _APPEND_NOT_LEADER:
        return ErrorCode.NOT_COORDINATOR
    if error is ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.REBALANCE_IN_PROGRESS
    if error in _APPEND_TOO_LARGE:
        return ErrorCode.UNKNOWN_SERVER_ERROR
    return error


def map_offset_commit_error(error: ErrorCode) -> ErrorCode:
    """The error a client gets when an offset append fails (``maybeConvertOffsetCommitError``)."""
    if error is ErrorCode.NETWORK_EXCEPTION:
        return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    if error in _APPEND_UNAVAILABLE or error is ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if error in _APPEND_NOT_LEADER:
        return ErrorCode.NOT_COORDINATOR
    if error in _APPEND_TOO_LARGE:
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


class CoreCallError(Exception):
    """A call into the core raised (a bug of the core; the original exception is the cause).

    ``outcome`` holds the effects the call produced before it failed: answers to parked
    requests, appends (whose completions the core awaits) and timer changes. The core's state
    already reflects them, so the driver applies them as it would a normal outcome; only the
    failed step is lost.
    """

    def __init__(self, outcome: Outcome[None]) -> None:
        super().__init__("a call into the group coordinator core failed")
        self.outcome = outcome


def _no_timer_handler(key: TimerKey) -> None:
    raise RuntimeError(f"no part of the core handles timer {key}")


def _ignore_rebalance(duration_ms: int) -> None:
    pass


class CoreContext:
    """What the parts of one ``GroupCoordinatorCore`` share (not public).

    The coordinator builds one context and hands it to each part; ``on_timer`` is the part that
    handles expired timers (the rebalancer), set when the core is composed.
    """

    def __init__(
        self,
        config: GroupConfig,
        *,
        new_member_id: Callable[[str], str],
        owned_partitions: Iterable[int] | None,
    ) -> None:
        self.config = config
        self.new_member_id = new_member_id
        #: The groups table: every group this coordinator holds, by id.
        self.groups: dict[str, GroupMetadata] = {}
        self.timers = TimerTable()
        n = config.offsets_topic_num_partitions
        #: Partitions of ``__consumer_offsets`` served (loaded) and being loaded.
        self.owned: set[int] = set(range(n)) if owned_partitions is None else set(owned_partitions)
        self.loading: set[int] = set()
        #: Producer id -> groups that may hold its pending transactional offsets (Kafka's
        #: ``producerGroups``): a marker looks only at these. Ids of groups gone since are
        #: dropped when the producer's marker comes.
        self.txn_producer_groups: dict[int, set[str]] = {}
        #: Called for every timer that fires, with ``now_ms`` at its deadline.
        self.on_timer: Callable[[TimerKey], None] = _no_timer_handler
        #: Called as a group turns Stable, with how long its rebalance took (ms, from
        #: PreparingRebalance): the driver's metrics.
        self.on_rebalanced: Callable[[int], None] = _ignore_rebalance
        #: The time of the current call (or of the timer firing): every part reads it here.
        self.now_ms = 0
        self._open_parks: dict[ParkKey, Callable[[ErrorCode], Message]] = {}
        self._parks_by_group: dict[str, set[ParkKey]] = {}
        self._pending_appends: dict[int, _PendingAppend] = {}
        self._next_park_id = 0
        self._next_token = 0
        self._fx: _Effects | None = None

    # -- call framing -----------------------------------------------------------------------

    def run(self, now_ms: int, fn: Callable[[], R | ParkKey | None]) -> Outcome[R]:
        """Run one public call: fire due timers, ``fn``, fire timers it made due, collect.

        A call that raises raises ``CoreCallError`` with the effects produced before the failure.
        """
        if self._fx is not None:
            raise RuntimeError("GroupCoordinatorCore is not re-entrant")
        self._fx = _Effects()
        self.now_ms = now_ms
        try:
            self._fire_due_timers()
            return self._finish(fn())
        except Exception as exc:
            fx = self._effects
            done: Outcome[None] = Outcome(
                completions=fx.completions, appends=fx.appends, timers=fx.timers
            )
            raise CoreCallError(done) from exc
        finally:
            self._fx = None

    def _finish(self, result: R | ParkKey | None) -> Outcome[R]:
        self._fire_due_timers()
        fx = self._effects
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

    @property
    def _effects(self) -> _Effects:
        fx = self._fx
        if fx is None:
            raise RuntimeError("no call in progress")
        return fx

    # -- timers -----------------------------------------------------------------------------

    def set_timer(self, key: TimerKey, delay_ms: int) -> None:
        deadline = self.now_ms + max(delay_ms, 0)
        self.timers.set(key, deadline)
        self._effects.timers.append(TimerSet(key, deadline))

    def cancel_timer(self, key: TimerKey) -> None:
        if self.timers.cancel(key):
            self._effects.timers.append(TimerCancel(key))

    def _fire_due_timers(self) -> None:
        """Fire every timer due by now, each at its own deadline (event time).

        While a timer fires, ``now_ms`` is its deadline, so what it arms and stamps does not
        depend on how late the driver ticked: the core behaves as if every timer fired on time.
        """
        call_now = self.now_ms
        event_now = None
        try:
            for _ in range(MAX_TIMER_ROUNDS):
                due = self.timers.due(call_now)
                if not due:
                    return
                for key, token, deadline in due:
                    if self.timers.take(key, token):
                        event_now = deadline if event_now is None else max(event_now, deadline)
                        self.now_ms = event_now
                        self.on_timer(key)
        finally:
            self.now_ms = call_now

    @staticmethod
    def heartbeat_key(group: GroupMetadata, member_id: str) -> TimerKey:
        return TimerKey(TimerKind.HEARTBEAT, group.group_id, member_id)

    def schedule_heartbeat(
        self, group: GroupMetadata, member: MemberMetadata, timeout_ms: int | None = None
    ) -> None:
        """Kafka's ``completeAndScheduleNextExpiration``: restart the member's session.

        A member with a parked join or sync (and not new) needs no heartbeat: Kafka's delayed
        heartbeat completes at once, so no deadline runs until the member is answered.
        """
        key = self.heartbeat_key(group, member.member_id)
        if member.heartbeat_implied:
            self.cancel_timer(key)
        else:
            self.set_timer(key, member.session_timeout_ms if timeout_ms is None else timeout_ms)

    # -- parking ----------------------------------------------------------------------------

    def park(
        self, api_key: int, group_id: str, error_response: Callable[[ErrorCode], Message]
    ) -> ParkKey:
        self._next_park_id += 1
        key = ParkKey(self._next_park_id, api_key, group_id)
        self._open_parks[key] = error_response
        self._parks_by_group.setdefault(group_id, set()).add(key)
        return key

    def complete(self, key: ParkKey, response: Message) -> None:
        """Answer a parked request (once: later answers to the same key are dropped)."""
        if self._open_parks.pop(key, None) is not None:
            parks = self._parks_by_group[key.group_id]
            parks.discard(key)
            if not parks:
                del self._parks_by_group[key.group_id]
            self._effects.completions.append(Completion(key, response))

    def complete_with_error(self, key: ParkKey, error: ErrorCode) -> None:
        builder = self._open_parks.get(key)
        if builder is not None:
            self.complete(key, builder(error))

    def open_parks(self, group_id: str | None = None) -> list[ParkKey]:
        if group_id is None:
            return list(self._open_parks)
        return sorted(self._parks_by_group.get(group_id, ()), key=lambda k: k.id)

    # -- appends ----------------------------------------------------------------------------

    def partition_for(self, group_id: str) -> int:
        return partition_for_group(group_id, self.config.offsets_topic_num_partitions)

    def append(
        self,
        group_id: str,
        records: list[tuple[bytes, bytes | None]],
        on_complete: Callable[[ErrorCode], None] | None = None,
        *,
        producer_id: int = -1,
        producer_epoch: int = -1,
    ) -> int:
        """Emit an ``Append`` of the group's partition; returns its token (appends of one
        partition land in the log in token order)."""
        self._next_token += 1
        token = self._next_token
        partition = self.partition_for(group_id)
        self._effects.appends.append(
            Append(token, partition, group_id, tuple(records), producer_id, producer_epoch)
        )
        if on_complete is not None:
            self._pending_appends[token] = _PendingAppend(group_id, partition, on_complete)
        return token

    def append_completed(self, token: int, error: ErrorCode) -> None:
        """Run what waits on append ``token`` (nothing for an unknown token)."""
        pending = self._pending_appends.pop(token, None)
        if pending is not None:
            pending.on_complete(error)

    def fail_appends(self, partition: int, error: ErrorCode) -> None:
        """Every append awaiting completion on ``partition`` fails with ``error``."""
        for token, pending in list(self._pending_appends.items()):
            if pending.partition == partition:
                del self._pending_appends[token]
                pending.on_complete(error)

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

    def store_group(
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

        self.append(group.group_id, [record], callback)

    @staticmethod
    def offset_tombstone(group_id: str, tp: TopicPartition) -> tuple[bytes, bytes | None]:
        return encode_record(OffsetCommitKey(group_id, tp.topic, tp.partition), None)

    @staticmethod
    def group_tombstone(group_id: str) -> tuple[bytes, bytes | None]:
        return encode_record(GroupMetadataKey(group_id), None)

    # -- groups -----------------------------------------------------------------------------

    def status_error(self, group_id: str, api_key: int) -> ErrorCode | None:
        """Kafka's ``validateGroupStatus``: group id, loading, ownership."""
        if not group_id and api_key not in EMPTY_GROUP_ID_ALLOWED:
            return ErrorCode.INVALID_GROUP_ID
        partition = self.partition_for(group_id)
        if partition in self.loading:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        if partition not in self.owned:
            return ErrorCode.NOT_COORDINATOR
        return None

    def create_group(self, group_id: str) -> GroupMetadata:
        group = GroupMetadata(group_id, state_timestamp_ms=self.now_ms)
        self.groups[group_id] = group
        return group

    def drop_group(self, group: GroupMetadata) -> None:
        """Forget a Dead group: its timers stop and its parked requests are answered."""
        if self.groups.get(group.group_id) is group:
            del self.groups[group.group_id]
        for key in self.timers.keys(group.group_id):
            self.cancel_timer(key)
        for park in self.open_parks(group.group_id):
            if park.api_key in (API_JOIN_GROUP, API_SYNC_GROUP):
                self.complete_with_error(park, ErrorCode.COORDINATOR_NOT_AVAILABLE)
