"""Rebalances: the join and sync phases, member removal, and the timers that drive them.

``Rebalancer`` moves a group through PreparingRebalance (join phase) and CompletingRebalance
(sync phase), removes members (leave, session expiry, missed deadlines) and handles every
timer of the core: member sessions, KIP-394 pending member ids, the join deadline (with the
initial delay) and the sync deadline.
"""

from __future__ import annotations

from broker.group.context import CoreContext
from broker.group.membership import MemberRequests, member_list, sync_response
from broker.group.state import (
    COMPLETING,
    DEAD,
    EMPTY,
    PREPARING,
    STABLE,
    GroupMetadata,
    JoinTimer,
    MemberMetadata,
)
from broker.group.timers import TimerKey, TimerKind
from protocol.errors import ErrorCode


def join_key(group: GroupMetadata) -> TimerKey:
    """The key of the group's join-phase deadline."""
    return TimerKey(TimerKind.JOIN, group.group_id)


def sync_key(group: GroupMetadata) -> TimerKey:
    """The key of the group's sync-phase deadline."""
    return TimerKey(TimerKind.SYNC, group.group_id)


class Rebalancer:
    """A group's rebalances and member removals, and the core's timers."""

    def __init__(self, ctx: CoreContext, requests: MemberRequests) -> None:
        self._ctx = ctx
        self._requests = requests

    # -- the join phase ---------------------------------------------------------------------

    def maybe_prepare_rebalance(self, group: GroupMetadata) -> None:
        if group.can_rebalance():
            self.prepare_rebalance(group)

    def prepare_rebalance(self, group: GroupMetadata) -> None:
        """Enter PreparingRebalance and start the join phase (Kafka's ``prepareRebalance``)."""
        ctx = self._ctx
        if group.is_(COMPLETING):
            self.reset_and_propagate_assignment_error(group, ErrorCode.REBALANCE_IN_PROGRESS)
        group.pending_sync_members.clear()
        group.sync_timer_generation = None
        ctx.cancel_timer(sync_key(group))
        delay_ms = ctx.config.group_initial_rebalance_delay_ms
        if group.is_(EMPTY):
            timer = JoinTimer(
                initial=True,
                delay_ms=delay_ms,
                remaining_ms=max(group.rebalance_timeout_ms() - delay_ms, 0),
            )
        else:
            timer = JoinTimer(initial=False, delay_ms=group.rebalance_timeout_ms())
        group.transition_to(PREPARING, ctx.now_ms)
        group.rebalance_started_ms = ctx.now_ms
        group.join_timer = timer
        ctx.set_timer(join_key(group), timer.delay_ms)
        self.try_complete_join(group)

    def try_complete_join(self, group: GroupMetadata) -> None:
        """Complete the join phase once every member rejoined (never during the initial delay)."""
        timer = group.join_timer
        if (
            group.is_(PREPARING)
            and timer is not None
            and not timer.initial
            and group.has_all_members_joined()
        ):
            self._complete_join(group)

    def _on_join_timer(self, group: GroupMetadata) -> None:
        timer = group.join_timer
        if timer is None or not group.is_(PREPARING):
            return
        if timer.initial and group.new_member_added and timer.remaining_ms != 0:
            # Kafka's InitialDelayedJoin: members keep arriving, wait once more (up to the
            # rebalance timeout in total).
            group.new_member_added = False
            delay = min(self._ctx.config.group_initial_rebalance_delay_ms, timer.remaining_ms)
            remaining = max(timer.remaining_ms - timer.delay_ms, 0)
            group.join_timer = JoinTimer(initial=True, delay_ms=delay, remaining_ms=remaining)
            self._ctx.set_timer(join_key(group), delay)
            return
        self._complete_join(group)

    def _complete_join(self, group: GroupMetadata) -> None:
        """The join phase ends: form the next generation (Kafka's ``onCompleteJoin``)."""
        ctx = self._ctx
        group.join_timer = None
        ctx.cancel_timer(join_key(group))
        for member in group.not_yet_rejoined():
            if not member.is_static:  # static members keep their place until their session ends
                self.remove_member(group, member)
        if group.is_(DEAD):
            return
        if not group.maybe_elect_new_joined_leader() and group.members:
            # Only static members that did not rejoin remain: wait another rebalance timeout
            # (their sessions will expire meanwhile if they are gone).
            timer = JoinTimer(initial=False, delay_ms=group.rebalance_timeout_ms())
            group.join_timer = timer
            ctx.set_timer(join_key(group), timer.delay_ms)
            return
        group.init_next_generation(ctx.now_ms)
        if group.is_(EMPTY):
            ctx.store_group(group, {})  # failures only mean the old generation reloads
            return
        leader_members = member_list(group)
        for member in list(group.members.values()):
            self._requests.answer_join(
                member,
                ErrorCode.NONE,
                member.member_id,
                group,
                members=leader_members if group.is_leader(member.member_id) else [],
            )
            ctx.schedule_heartbeat(group, member)
            member.is_new = False
            group.pending_sync_members[member.member_id] = None
        group.sync_timer_generation = group.generation_id
        ctx.set_timer(sync_key(group), group.rebalance_timeout_ms())

    # -- the sync phase ---------------------------------------------------------------------

    def _on_sync_timer(self, group: GroupMetadata) -> None:
        """Members that did not SyncGroup within the rebalance timeout leave (``DelayedSync``)."""
        if group.sync_timer_generation != group.generation_id:
            return
        group.sync_timer_generation = None
        if group.state not in (COMPLETING, STABLE) or not group.pending_sync_members:
            return
        for member_id in list(group.pending_sync_members):
            member = group.members.get(member_id)
            if member is not None:
                self.remove_member(group, member)
            group.pending_sync_members.pop(member_id, None)
        self.prepare_rebalance(group)

    def remove_pending_sync_member(self, group: GroupMetadata, member_id: str) -> None:
        group.pending_sync_members.pop(member_id, None)
        if not group.pending_sync_members:
            group.sync_timer_generation = None
            self._ctx.cancel_timer(sync_key(group))

    def propagate_assignment(self, group: GroupMetadata, error: ErrorCode) -> None:
        ok = error is ErrorCode.NONE
        for member in list(group.members.values()):
            response = sync_response(
                error,
                protocol_type=group.protocol_type if ok else None,
                protocol_name=group.protocol_name if ok else None,
                assignment=member.assignment,
            )
            if self._requests.answer_sync(member, response):
                # Sessions restart once the member has its answer: a session that ran out while
                # it waited for the leader was ignored.
                self._ctx.schedule_heartbeat(group, member)

    def reset_and_propagate_assignment_error(self, group: GroupMetadata, error: ErrorCode) -> None:
        for member in group.members.values():
            member.assignment = b""
        self.propagate_assignment(group, error)

    # -- member removal ---------------------------------------------------------------------

    def remove_member(self, group: GroupMetadata, member: MemberMetadata) -> None:
        """Take a member out: answer what it has parked, stop its session timer."""
        self._requests.answer_join(member, ErrorCode.UNKNOWN_MEMBER_ID, "")
        self._requests.answer_sync(member, sync_response(ErrorCode.UNKNOWN_MEMBER_ID))
        group.remove(member.member_id)
        self._ctx.cancel_timer(self._ctx.heartbeat_key(group, member.member_id))

    def remove_member_and_update_group(self, group: GroupMetadata, member: MemberMetadata) -> None:
        """A member leaves or expires (Kafka's ``removeMemberAndUpdateGroup``)."""
        self.remove_member(group, member)
        if group.state in (STABLE, COMPLETING):
            self.maybe_prepare_rebalance(group)
        elif group.is_(PREPARING):
            self.try_complete_join(group)

    def remove_pending_member(self, group: GroupMetadata, member_id: str) -> None:
        """Forget a KIP-394 pending member id (it left, or never came back)."""
        group.remove(member_id)
        self._ctx.cancel_timer(TimerKey(TimerKind.PENDING_MEMBER, group.group_id, member_id))
        if group.is_(PREPARING):
            self.try_complete_join(group)

    # -- timers -----------------------------------------------------------------------------

    def on_timer(self, key: TimerKey) -> None:
        """A timer of the core fired (``CoreContext.now_ms`` is its deadline)."""
        group = self._ctx.groups.get(key.group_id)
        if group is None or group.is_(DEAD):
            return
        if key.kind is TimerKind.HEARTBEAT:
            self._on_heartbeat_timer(group, key.member_id)
        elif key.kind is TimerKind.PENDING_MEMBER:
            self._on_pending_member_timer(group, key.member_id)
        elif key.kind is TimerKind.JOIN:
            self._on_join_timer(group)
        else:
            self._on_sync_timer(group)

    def _on_heartbeat_timer(self, group: GroupMetadata, member_id: str) -> None:
        member = group.members.get(member_id)
        if member is None or member.heartbeat_implied:
            return
        self.remove_member_and_update_group(group, member)

    def _on_pending_member_timer(self, group: GroupMetadata, member_id: str) -> None:
        if member_id in group.pending_members:
            group.remove(member_id)
            if group.is_(PREPARING):
                self.try_complete_join(group)
