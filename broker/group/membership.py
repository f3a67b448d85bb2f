"""Group membership of the classic protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, timers.

This follows Kafka 3.x's ``GroupCoordinator`` (the classic, pre-KIP-848 coordinator) decision by
decision; the names of the private methods are Kafka's where Kafka has one. Where Samsa differs
it says so here and in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from broker.group._core import (
    API_HEARTBEAT,
    API_JOIN_GROUP,
    API_LEAVE_GROUP,
    API_SYNC_GROUP,
    CoreBase,
)
from broker.group.outcome import Outcome, ParkedRequest, ParkKey
from broker.group.state import GroupMetadata, GroupState, JoinTimer, MemberMetadata
from broker.group.timers import TimerKey, TimerKind
from protocol.errors import ErrorCode
from protocol.messages import (
    HeartbeatRequest,
    HeartbeatResponse,
    JoinGroupRequest,
    JoinGroupResponse,
    LeaveGroupRequest,
    LeaveGroupResponse,
    SyncGroupRequest,
    SyncGroupResponse,
)

_EMPTY = GroupState.EMPTY
_PREPARING = GroupState.PREPARING_REBALANCE
_COMPLETING = GroupState.COMPLETING_REBALANCE
_STABLE = GroupState.STABLE
_DEAD = GroupState.DEAD

#: A member-id factory that keeps returning ids already in use is broken; give up after this
#: many tries instead of looping.
_MAX_MEMBER_ID_ATTEMPTS = 16

_Member = JoinGroupResponse.JoinGroupResponseMember


def join_response(
    version: int,
    error: ErrorCode,
    member_id: str,
    *,
    generation_id: int = -1,
    protocol_type: str | None = None,
    protocol_name: str | None = None,
    leader: str = "",
    members: list[JoinGroupResponse.JoinGroupResponseMember] | None = None,
) -> JoinGroupResponse:
    """A JoinGroup response; before v7 a missing protocol name is sent as ``""`` (as Kafka)."""
    if protocol_name is None and version < 7:
        protocol_name = ""
    return JoinGroupResponse(
        error_code=error,
        generation_id=generation_id,
        protocol_type=protocol_type,
        protocol_name=protocol_name,
        leader=leader,
        member_id=member_id,
        members=members if members is not None else [],
    )


def sync_response(
    error: ErrorCode,
    *,
    protocol_type: str | None = None,
    protocol_name: str | None = None,
    assignment: bytes = b"",
) -> SyncGroupResponse:
    """A SyncGroup response."""
    return SyncGroupResponse(
        error_code=error,
        protocol_type=protocol_type,
        protocol_name=protocol_name,
        assignment=assignment,
    )


@dataclass(frozen=True, slots=True)
class _Join:
    """The fields of a JoinGroup that the coordinator uses, normalized for the version."""

    version: int
    group_id: str
    member_id: str
    group_instance_id: str | None
    client_id: str
    client_host: str
    rebalance_timeout_ms: int
    session_timeout_ms: int
    protocol_type: str
    protocols: list[tuple[str, bytes]]

    @property
    def require_known_member_id(self) -> bool:
        """KIP-394: v4+ dynamic members must rejoin with a coordinator-issued member id."""
        return self.version >= 4 and self.group_instance_id is None


class MembershipMixin(CoreBase):
    """JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the membership timers."""

    # -- JoinGroup --------------------------------------------------------------------------

    def join_group(
        self,
        request: JoinGroupRequest,
        *,
        version: int,
        client_id: str,
        client_host: str,
        now_ms: int,
    ) -> Outcome[JoinGroupResponse]:
        """Handle a JoinGroup. Usually parks it until the rebalance's join phase completes.

        ``client_id`` is the request header's client id; ``client_host`` the peer address as
        DescribeGroups should show it (Kafka shows ``/<ip>``).
        """
        join = _Join(
            version=version,
            group_id=request.group_id,
            member_id=request.member_id,
            group_instance_id=request.group_instance_id if version >= 5 else None,
            client_id=client_id,
            client_host=client_host,
            rebalance_timeout_ms=(
                request.session_timeout_ms if version == 0 else request.rebalance_timeout_ms
            ),
            session_timeout_ms=request.session_timeout_ms,
            protocol_type=request.protocol_type,
            protocols=[(p.name, bytes(p.metadata)) for p in request.protocols],
        )
        return self._run(now_ms, lambda: self._handle_join_group(join))

    def _handle_join_group(self, j: _Join) -> JoinGroupResponse | ParkKey:
        error = self._status_error(j.group_id, API_JOIN_GROUP)
        if error is not None:
            return join_response(j.version, error, j.member_id)
        cfg = self.config
        if not (
            cfg.group_min_session_timeout_ms
            <= j.session_timeout_ms
            <= cfg.group_max_session_timeout_ms
        ):
            return join_response(j.version, ErrorCode.INVALID_SESSION_TIMEOUT, j.member_id)
        is_unknown = j.member_id == ""
        group = self._groups.get(j.group_id)
        if group is None:
            # Only a member without an id may create a group.
            if not is_unknown:
                return join_response(j.version, ErrorCode.UNKNOWN_MEMBER_ID, j.member_id)
            group = self._create_group(j.group_id)
        result: JoinGroupResponse | ParkKey
        if not self._accept_joining_member(group, j.member_id):
            member = group.members.get(j.member_id)
            if member is not None:
                self._remove_member_raw(group, member)
            else:
                group.remove(j.member_id)
            result = join_response(j.version, ErrorCode.GROUP_MAX_SIZE_REACHED, "")
        elif is_unknown:
            result = self._new_member_join(group, j)
        else:
            result = self._current_member_join(group, j)
        if group.is_(_PREPARING):
            self._try_complete_join(group)
        return result

    def _accept_joining_member(self, group: GroupMetadata, member_id: str) -> bool:
        """Room for this member under ``group.max.size`` (Kafka's ``acceptJoiningMember``)."""
        limit = self.config.group_max_size
        if group.state in (_EMPTY, _DEAD):
            return True
        if group.is_(_PREPARING):
            member = group.members.get(member_id)
            if member is not None and member.is_awaiting_join:
                return True
            return group.num_awaiting_join() < limit
        return group.has(member_id) or group.size < limit

    def _generate_member_id(self, group: GroupMetadata, prefix: str) -> str:
        for _ in range(_MAX_MEMBER_ID_ATTEMPTS):
            member_id = self._new_member_id(prefix)
            if (
                member_id
                and member_id not in group.members
                and member_id not in group.pending_members
            ):
                return member_id
        raise RuntimeError("the member id factory keeps returning ids that are in use")

    def _new_member_join(self, group: GroupMetadata, j: _Join) -> JoinGroupResponse | ParkKey:
        """A JoinGroup without a member id (Kafka's ``doNewMemberJoinGroup``)."""
        if group.is_(_DEAD):
            return join_response(j.version, ErrorCode.COORDINATOR_NOT_AVAILABLE, "")
        if not group.supports_protocols(j.protocol_type, [name for name, _ in j.protocols]):
            return join_response(j.version, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "")
        new_id = self._generate_member_id(group, j.group_instance_id or j.client_id)
        if j.group_instance_id is not None:
            old_id = group.static_member_id(j.group_instance_id)
            if old_id is not None:
                return self._update_static_member_and_rebalance(group, old_id, new_id, j)
            return self._add_member_and_rebalance(group, new_id, j)
        if j.require_known_member_id:
            if len(group.pending_members) >= self.config.pending_members_limit:
                return join_response(j.version, ErrorCode.GROUP_MAX_SIZE_REACHED, "")
            group.pending_members[new_id] = None
            self._set_timer(
                TimerKey(TimerKind.PENDING_MEMBER, group.group_id, new_id), j.session_timeout_ms
            )
            return join_response(j.version, ErrorCode.MEMBER_ID_REQUIRED, new_id)
        return self._add_member_and_rebalance(group, new_id, j)

    def _current_member_join(self, group: GroupMetadata, j: _Join) -> JoinGroupResponse | ParkKey:
        """A JoinGroup with a member id (Kafka's ``doCurrentMemberJoinGroup``)."""
        member_id = j.member_id
        if group.is_(_DEAD):
            return join_response(j.version, ErrorCode.COORDINATOR_NOT_AVAILABLE, member_id)
        if not group.supports_protocols(j.protocol_type, [name for name, _ in j.protocols]):
            return join_response(j.version, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, member_id)
        if member_id in group.pending_members:
            if j.group_instance_id is not None:
                # Kafka throws IllegalStateException here (a pending id is never static), which
                # reaches the client as UNKNOWN_SERVER_ERROR.
                return join_response(j.version, ErrorCode.UNKNOWN_SERVER_ERROR, member_id)
            return self._add_member_and_rebalance(group, member_id, j)
        error = self._validate_current_member(group, member_id, j.group_instance_id)
        if error is not None:
            return join_response(j.version, error, member_id)
        member = group.members[member_id]
        if group.is_(_PREPARING):
            return self._update_member_and_rebalance(group, member, j)
        if group.is_(_COMPLETING):
            if member.matches(j.protocols):
                # Same metadata (the member probably lost the first response): answer with the
                # current generation.
                return self._current_generation(group, member_id, j.version)
            return self._update_member_and_rebalance(group, member, j)
        if group.is_(_STABLE):
            if group.is_leader(member_id) or not member.matches(j.protocols):
                # A leader's join forces a rebalance: that is how it reacts to changes that do not
                # show in its metadata (e.g. new partitions of a subscribed topic).
                return self._update_member_and_rebalance(group, member, j)
            return self._current_generation(group, member_id, j.version)
        return join_response(j.version, ErrorCode.UNKNOWN_MEMBER_ID, member_id)

    def _current_generation(
        self, group: GroupMetadata, member_id: str, version: int
    ) -> JoinGroupResponse:
        leader = group.is_leader(member_id)
        return join_response(
            version,
            ErrorCode.NONE,
            member_id,
            generation_id=group.generation_id,
            protocol_type=group.protocol_type,
            protocol_name=group.protocol_name,
            leader=group.leader_id or "",
            members=self._member_list(group) if leader else [],
        )

    def _member_list(self, group: GroupMetadata) -> list[JoinGroupResponse.JoinGroupResponseMember]:
        protocol = group.protocol_name or ""
        return [
            _Member(
                member_id=m.member_id,
                group_instance_id=m.group_instance_id,
                metadata=m.metadata(protocol),
            )
            for m in group.members.values()
        ]

    def _validate_current_member(
        self, group: GroupMetadata, member_id: str, group_instance_id: str | None
    ) -> ErrorCode | None:
        """Kafka's ``validateCurrentMember``: the instance id (if any) maps to this member id,
        and the member exists."""
        if group_instance_id is not None:
            current = group.static_member_id(group_instance_id)
            if current is None:
                return ErrorCode.UNKNOWN_MEMBER_ID
            if current != member_id:
                return ErrorCode.FENCED_INSTANCE_ID
        if not group.has(member_id):
            return ErrorCode.UNKNOWN_MEMBER_ID
        return None

    def _park_join(self, group: GroupMetadata, member: MemberMetadata, version: int) -> ParkKey:
        if member.awaiting_join is not None:
            # A second JoinGroup from the same member replaces the first (Kafka drops the first
            # callback; Samsa answers it so that no parked request is left behind).
            self._complete_with_error(member.awaiting_join.key, ErrorCode.REBALANCE_IN_PROGRESS)
        member_id = member.member_id
        key = self._park(
            API_JOIN_GROUP,
            group.group_id,
            lambda error: join_response(version, error, member_id),
        )
        member.awaiting_join = ParkedRequest(key, version)
        return key

    def _answer_join(
        self,
        member: MemberMetadata,
        error: ErrorCode,
        member_id: str,
        group: GroupMetadata | None = None,
        *,
        leader: str | None = None,
        members: list[JoinGroupResponse.JoinGroupResponseMember] | None = None,
    ) -> None:
        """Complete the member's parked JoinGroup, if any (Kafka's ``maybeInvokeJoinCallback``)."""
        parked = member.awaiting_join
        if parked is None:
            return
        member.awaiting_join = None
        if group is None:
            response = join_response(parked.version, error, member_id)
        else:
            response = join_response(
                parked.version,
                error,
                member_id,
                generation_id=group.generation_id,
                protocol_type=group.protocol_type,
                protocol_name=group.protocol_name,
                leader=(group.leader_id or "") if leader is None else leader,
                members=members,
            )
        self._complete(parked.key, response)

    def _add_member_and_rebalance(self, group: GroupMetadata, member_id: str, j: _Join) -> ParkKey:
        member = MemberMetadata(
            member_id=member_id,
            group_instance_id=j.group_instance_id,
            client_id=j.client_id,
            client_host=j.client_host,
            rebalance_timeout_ms=j.rebalance_timeout_ms,
            session_timeout_ms=j.session_timeout_ms,
            protocol_type=j.protocol_type,
            supported_protocols=list(j.protocols),
            is_new=True,
        )
        if group.is_(_PREPARING) and group.generation_id == 0:
            group.new_member_added = True  # extends the initial rebalance delay
        was_pending = member_id in group.pending_members
        group.add(member)
        if was_pending:
            self._cancel_timer(TimerKey(TimerKind.PENDING_MEMBER, group.group_id, member_id))
        key = self._park_join(group, member, j.version)
        # A new member cannot heartbeat while its JoinGroup is parked; Kafka times the join out
        # after NewMemberJoinTimeoutMs instead, so a client that gave up does not linger.
        self._schedule_heartbeat(group, member, self.config.new_member_join_timeout_ms)
        self._maybe_prepare_rebalance(group)
        return key

    def _update_member_and_rebalance(
        self, group: GroupMetadata, member: MemberMetadata, j: _Join
    ) -> ParkKey:
        group.update_member(member, j.protocols, j.rebalance_timeout_ms, j.session_timeout_ms)
        key = self._park_join(group, member, j.version)
        self._maybe_prepare_rebalance(group)
        return key

    def _update_static_member_and_rebalance(
        self, group: GroupMetadata, old_id: str, new_id: str, j: _Join
    ) -> ParkKey:
        """A known ``group.instance.id`` joins without a member id: it takes over its old
        member's place under a new member id; a Stable group does not rebalance if the selected
        protocol stays the same (KIP-345)."""
        assert j.group_instance_id is not None
        instance_id = j.group_instance_id
        current_leader = group.leader_id
        old = group.members[old_id]
        # Fence whatever the old member id still has parked.
        self._answer_join(old, ErrorCode.FENCED_INSTANCE_ID, old_id)
        self._answer_sync(old, sync_response(ErrorCode.FENCED_INSTANCE_ID))
        self._cancel_timer(self._heartbeat_key(group, old_id))
        member = group.replace_static_member(instance_id, old_id, new_id)
        self._schedule_heartbeat(group, member)
        old_protocols = member.supported_protocols
        old_rebalance_ms = member.rebalance_timeout_ms
        old_session_ms = member.session_timeout_ms
        group.update_member(member, j.protocols, j.rebalance_timeout_ms, j.session_timeout_ms)
        key = self._park_join(group, member, j.version)
        parked = member.awaiting_join

        if group.is_(_STABLE):
            if group.protocol_name == group.select_protocol():
                assignment = {m.member_id: m.assignment for m in group.members.values()}

                def on_stored(error: ErrorCode) -> None:
                    still_waiting = member.awaiting_join is parked
                    if error is ErrorCode.NONE:
                        if still_waiting:
                            # The old leader id is returned on purpose: a leader that restarted
                            # must not think it leads and run a pointless assignment (Kafka).
                            self._answer_join(
                                member, ErrorCode.NONE, new_id, group, leader=current_leader or ""
                            )
                            # Samsa: restart the session now (Kafka leaves none running if a
                            # heartbeat arrived while the join was parked).
                            self._schedule_heartbeat(group, member)
                        return
                    if still_waiting and group.is_(_STABLE) and group.members.get(new_id) is member:
                        member.awaiting_join = None
                        group.update_member(member, old_protocols, old_rebalance_ms, old_session_ms)
                        self._cancel_timer(self._heartbeat_key(group, new_id))
                        group.replace_static_member(instance_id, new_id, old_id)
                        self._schedule_heartbeat(group, member)
                    self._complete(
                        key,
                        join_response(
                            j.version,
                            error,
                            "",
                            generation_id=group.generation_id,
                            protocol_type=group.protocol_type,
                            protocol_name=group.protocol_name,
                            leader=current_leader or "",
                        ),
                    )

                self._store_group(group, assignment, on_stored)
            else:
                self._maybe_prepare_rebalance(group)
        elif group.is_(_COMPLETING):
            # The leader may already have assigned to the old member id: rebalance.
            self._prepare_rebalance(group)
        return key

    # -- rebalance --------------------------------------------------------------------------

    def _join_key(self, group: GroupMetadata) -> TimerKey:
        return TimerKey(TimerKind.JOIN, group.group_id)

    def _sync_key(self, group: GroupMetadata) -> TimerKey:
        return TimerKey(TimerKind.SYNC, group.group_id)

    def _maybe_prepare_rebalance(self, group: GroupMetadata) -> None:
        if group.can_rebalance():
            self._prepare_rebalance(group)

    def _prepare_rebalance(self, group: GroupMetadata) -> None:
        """Enter PreparingRebalance and start the join phase (Kafka's ``prepareRebalance``)."""
        if group.is_(_COMPLETING):
            self._reset_and_propagate_assignment_error(group, ErrorCode.REBALANCE_IN_PROGRESS)
        group.pending_sync_members.clear()
        group.sync_timer_generation = None
        self._cancel_timer(self._sync_key(group))
        delay_ms = self.config.group_initial_rebalance_delay_ms
        if group.is_(_EMPTY):
            timer = JoinTimer(
                initial=True,
                delay_ms=delay_ms,
                remaining_ms=max(group.rebalance_timeout_ms() - delay_ms, 0),
            )
        else:
            timer = JoinTimer(initial=False, delay_ms=group.rebalance_timeout_ms())
        group.transition_to(_PREPARING, self._now_ms)
        group.join_timer = timer
        self._set_timer(self._join_key(group), timer.delay_ms)
        self._try_complete_join(group)

    def _try_complete_join(self, group: GroupMetadata) -> None:
        """Complete the join phase once every member rejoined (never during the initial delay)."""
        timer = group.join_timer
        if (
            group.is_(_PREPARING)
            and timer is not None
            and not timer.initial
            and group.has_all_members_joined()
        ):
            self._complete_join(group)

    def _on_join_timer(self, group: GroupMetadata) -> None:
        timer = group.join_timer
        if timer is None or not group.is_(_PREPARING):
            return
        if timer.initial and group.new_member_added and timer.remaining_ms != 0:
            # Kafka's InitialDelayedJoin: members keep arriving, wait once more (up to the
            # rebalance timeout in total).
            group.new_member_added = False
            delay = min(self.config.group_initial_rebalance_delay_ms, timer.remaining_ms)
            remaining = max(timer.remaining_ms - timer.delay_ms, 0)
            group.join_timer = JoinTimer(initial=True, delay_ms=delay, remaining_ms=remaining)
            self._set_timer(self._join_key(group), delay)
            return
        self._complete_join(group)

    def _complete_join(self, group: GroupMetadata) -> None:
        """The join phase ends: form the next generation (Kafka's ``onCompleteJoin``)."""
        group.join_timer = None
        self._cancel_timer(self._join_key(group))
        for member in group.not_yet_rejoined():
            if not member.is_static:  # static members keep their place until their session ends
                self._remove_member_raw(group, member)
        if group.is_(_DEAD):
            return
        if not group.maybe_elect_new_joined_leader() and group.members:
            # Only static members that did not rejoin remain: wait another rebalance timeout
            # (their sessions will expire meanwhile if they are gone).
            timer = JoinTimer(initial=False, delay_ms=group.rebalance_timeout_ms())
            group.join_timer = timer
            self._set_timer(self._join_key(group), timer.delay_ms)
            return
        group.init_next_generation(self._now_ms)
        if group.is_(_EMPTY):
            self._store_group(group, {})  # failures only mean the old generation reloads
            return
        leader_members = self._member_list(group)
        for member in list(group.members.values()):
            self._answer_join(
                member,
                ErrorCode.NONE,
                member.member_id,
                group,
                members=leader_members if group.is_leader(member.member_id) else [],
            )
            self._schedule_heartbeat(group, member)
            member.is_new = False
            group.pending_sync_members[member.member_id] = None
        group.sync_timer_generation = group.generation_id
        self._set_timer(self._sync_key(group), group.rebalance_timeout_ms())

    def _on_sync_timer(self, group: GroupMetadata) -> None:
        """Members that did not SyncGroup within the rebalance timeout leave (``DelayedSync``)."""
        if group.sync_timer_generation != group.generation_id:
            return
        group.sync_timer_generation = None
        if group.state not in (_COMPLETING, _STABLE) or not group.pending_sync_members:
            return
        for member_id in list(group.pending_sync_members):
            member = group.members.get(member_id)
            if member is not None:
                self._remove_member_raw(group, member)
            group.pending_sync_members.pop(member_id, None)
        self._prepare_rebalance(group)

    def _remove_pending_sync_member(self, group: GroupMetadata, member_id: str) -> None:
        group.pending_sync_members.pop(member_id, None)
        if not group.pending_sync_members:
            group.sync_timer_generation = None
            self._cancel_timer(self._sync_key(group))

    def _remove_member_raw(self, group: GroupMetadata, member: MemberMetadata) -> None:
        """Take a member out: answer what it has parked, stop its session timer."""
        self._answer_join(member, ErrorCode.UNKNOWN_MEMBER_ID, "")
        self._answer_sync(member, sync_response(ErrorCode.UNKNOWN_MEMBER_ID))
        group.remove(member.member_id)
        self._cancel_timer(self._heartbeat_key(group, member.member_id))

    def _remove_member_and_update_group(self, group: GroupMetadata, member: MemberMetadata) -> None:
        """A member leaves or expires (Kafka's ``removeMemberAndUpdateGroup``)."""
        self._remove_member_raw(group, member)
        if group.state in (_STABLE, _COMPLETING):
            self._maybe_prepare_rebalance(group)
        elif group.is_(_PREPARING):
            self._try_complete_join(group)

    # -- SyncGroup --------------------------------------------------------------------------

    def sync_group(
        self, request: SyncGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[SyncGroupResponse]:
        """Handle a SyncGroup. Parks followers until the leader's assignment is durable."""
        return self._run(now_ms, lambda: self._handle_sync_group(request, version))

    def _handle_sync_group(
        self, req: SyncGroupRequest, version: int
    ) -> SyncGroupResponse | ParkKey:
        protocol_type = req.protocol_type if version >= 5 else None
        protocol_name = req.protocol_name if version >= 5 else None
        if version >= 5 and (protocol_type is None or protocol_name is None):
            # Mandatory from v5 on (Kafka checks this before anything else).
            return sync_response(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
        error = self._status_error(req.group_id, API_SYNC_GROUP)
        if error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            # The rebalance state was lost with the old coordinator; REBALANCE_IN_PROGRESS makes
            # the member rejoin without rediscovering the coordinator (older clients do not
            # expect COORDINATOR_LOAD_IN_PROGRESS here).
            return sync_response(ErrorCode.REBALANCE_IN_PROGRESS)
        if error is not None:
            return sync_response(error)
        group = self._groups.get(req.group_id)
        if group is None:
            return sync_response(ErrorCode.UNKNOWN_MEMBER_ID)
        if group.is_(_DEAD):
            return sync_response(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        member_id = req.member_id
        instance_id = req.group_instance_id if version >= 3 else None
        error = self._validate_current_member(group, member_id, instance_id)
        if error is None and req.generation_id != group.generation_id:
            error = ErrorCode.ILLEGAL_GENERATION
        if error is None and (
            (protocol_type is not None and group.protocol_type != protocol_type)
            or (protocol_name is not None and group.protocol_name != protocol_name)
        ):
            error = ErrorCode.INCONSISTENT_GROUP_PROTOCOL
        if error is not None:
            return sync_response(error)
        if group.is_(_EMPTY):
            return sync_response(ErrorCode.UNKNOWN_MEMBER_ID)
        if group.is_(_PREPARING):
            return sync_response(ErrorCode.REBALANCE_IN_PROGRESS)
        member = group.members[member_id]
        if group.is_(_STABLE):
            self._remove_pending_sync_member(group, member_id)
            self._schedule_heartbeat(group, member)
            return sync_response(
                ErrorCode.NONE,
                protocol_type=group.protocol_type,
                protocol_name=group.protocol_name,
                assignment=member.assignment,
            )
        # CompletingRebalance: wait for the leader's assignment (and its persistence).
        key = self._park_sync(group, member, version)
        self._remove_pending_sync_member(group, member_id)
        if group.is_leader(member_id):
            given = {a.member_id: bytes(a.assignment) for a in req.assignments}
            assignment = {mid: given.get(mid, b"") for mid in group.members}
            generation = group.generation_id

            def on_stored(error: ErrorCode) -> None:
                # Another member may have joined meanwhile; then this generation is over.
                if self._groups.get(group.group_id) is not group:
                    return
                if not group.is_(_COMPLETING) or group.generation_id != generation:
                    return
                if error is not ErrorCode.NONE:
                    self._reset_and_propagate_assignment_error(group, error)
                    self._maybe_prepare_rebalance(group)
                    return
                for m in group.members.values():
                    m.assignment = assignment.get(m.member_id, b"")
                self._propagate_assignment(group, ErrorCode.NONE)
                group.transition_to(_STABLE, self._now_ms)

            self._store_group(group, assignment, on_stored)
        return key

    def _park_sync(self, group: GroupMetadata, member: MemberMetadata, version: int) -> ParkKey:
        if member.awaiting_sync is not None:
            self._complete_with_error(member.awaiting_sync.key, ErrorCode.REBALANCE_IN_PROGRESS)
        key = self._park(API_SYNC_GROUP, group.group_id, lambda error: sync_response(error))
        member.awaiting_sync = ParkedRequest(key, version)
        return key

    def _answer_sync(self, member: MemberMetadata, response: SyncGroupResponse) -> bool:
        parked = member.awaiting_sync
        if parked is None:
            return False
        member.awaiting_sync = None
        self._complete(parked.key, response)
        return True

    def _propagate_assignment(self, group: GroupMetadata, error: ErrorCode) -> None:
        ok = error is ErrorCode.NONE
        for member in list(group.members.values()):
            response = sync_response(
                error,
                protocol_type=group.protocol_type if ok else None,
                protocol_name=group.protocol_name if ok else None,
                assignment=member.assignment,
            )
            if self._answer_sync(member, response):
                # Sessions restart once the member has its answer: a session that ran out while
                # it waited for the leader was ignored.
                self._schedule_heartbeat(group, member)

    def _reset_and_propagate_assignment_error(self, group: GroupMetadata, error: ErrorCode) -> None:
        for member in group.members.values():
            member.assignment = b""
        self._propagate_assignment(group, error)

    # -- Heartbeat --------------------------------------------------------------------------

    def heartbeat(
        self, request: HeartbeatRequest, *, version: int, now_ms: int
    ) -> Outcome[HeartbeatResponse]:
        """Handle a Heartbeat: restarts the member's session and reports a rebalance."""
        return self._run(
            now_ms, lambda: HeartbeatResponse(error_code=self._heartbeat(request, version))
        )

    def _heartbeat(self, req: HeartbeatRequest, version: int) -> ErrorCode:
        error = self._status_error(req.group_id, API_HEARTBEAT)
        if error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            return ErrorCode.NONE  # Kafka answers blindly while loading
        if error is not None:
            return error
        group = self._groups.get(req.group_id)
        if group is None:
            return ErrorCode.UNKNOWN_MEMBER_ID
        if group.is_(_DEAD):
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        instance_id = req.group_instance_id if version >= 3 else None
        error = self._validate_current_member(group, req.member_id, instance_id)
        if error is not None:
            return error
        if req.generation_id != group.generation_id:
            return ErrorCode.ILLEGAL_GENERATION
        if group.is_(_EMPTY):
            return ErrorCode.UNKNOWN_MEMBER_ID
        self._schedule_heartbeat(group, group.members[req.member_id])
        if group.is_(_PREPARING):
            return ErrorCode.REBALANCE_IN_PROGRESS
        # Stable, and CompletingRebalance too: a member may heartbeat between its JoinGroup
        # response and its SyncGroup (Kafka answers NONE and restarts the session).
        return ErrorCode.NONE

    # -- LeaveGroup -------------------------------------------------------------------------

    def leave_group(
        self, request: LeaveGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[LeaveGroupResponse]:
        """Handle a LeaveGroup (v0-v2: one member id; v3+: members by id and/or instance id)."""
        return self._run(now_ms, lambda: self._leave_group(request, version))

    def _leave_group(self, req: LeaveGroupRequest, version: int) -> LeaveGroupResponse:
        if version < 3:
            leaving: list[tuple[str, str | None]] = [(req.member_id, None)]
        else:
            leaving = [(m.member_id, m.group_instance_id) for m in req.members]
        error = self._status_error(req.group_id, API_LEAVE_GROUP)
        if error is not None:
            return LeaveGroupResponse(error_code=error, members=[])
        group = self._groups.get(req.group_id)
        if group is None:
            errors = [ErrorCode.UNKNOWN_MEMBER_ID] * len(leaving)
        elif group.is_(_DEAD):
            return LeaveGroupResponse(error_code=ErrorCode.COORDINATOR_NOT_AVAILABLE, members=[])
        else:
            errors = [self._leave_one(group, mid, iid) for mid, iid in leaving]
        members = [
            LeaveGroupResponse.MemberResponse(member_id=mid, group_instance_id=iid, error_code=e)
            for (mid, iid), e in zip(leaving, errors, strict=True)
        ]
        if version < 3:
            # v0-v2 carry one error: the first member's (Kafka's LeaveGroupResponse for v0-2).
            first = next((e for e in errors if e is not ErrorCode.NONE), ErrorCode.NONE)
            return LeaveGroupResponse(error_code=first, members=[])
        return LeaveGroupResponse(error_code=ErrorCode.NONE, members=members)

    def _leave_one(
        self, group: GroupMetadata, member_id: str, instance_id: str | None
    ) -> ErrorCode:
        if member_id == "":
            # Administrative removal of a static member by its instance id alone.
            current = group.static_member_id(instance_id)
            if current is None:
                return ErrorCode.UNKNOWN_MEMBER_ID
            self._remove_member_and_update_group(group, group.members[current])
            return ErrorCode.NONE
        if member_id in group.pending_members:
            group.remove(member_id)
            self._cancel_timer(TimerKey(TimerKind.PENDING_MEMBER, group.group_id, member_id))
            if group.is_(_PREPARING):
                self._try_complete_join(group)
            return ErrorCode.NONE
        error = self._validate_current_member(group, member_id, instance_id)
        if error is not None:
            return error
        self._remove_member_and_update_group(group, group.members[member_id])
        return ErrorCode.NONE

    # -- timers -----------------------------------------------------------------------------

    def _on_timer(self, key: TimerKey) -> None:
        group = self._groups.get(key.group_id)
        if group is None or group.is_(_DEAD):
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
        self._remove_member_and_update_group(group, member)

    def _on_pending_member_timer(self, group: GroupMetadata, member_id: str) -> None:
        if member_id in group.pending_members:
            group.remove(member_id)
            if group.is_(_PREPARING):
                self._try_complete_join(group)
