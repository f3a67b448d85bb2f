"""JoinGroup: new members, rejoining members and static members taking over their place.

``Joins`` decides what a JoinGroup does (Kafka's ``handleJoinGroup`` with its
``doNewMemberJoinGroup`` and ``doCurrentMemberJoinGroup`` branches): park it for the rebalance it
starts or joins, answer it with the current generation, or refuse it. The rebalance itself is
``rebalance.Rebalancer``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from broker.group.context import API_JOIN_GROUP, CoreContext
from broker.group.membership import (
    MemberRequests,
    join_response,
    member_list,
    sync_response,
    validate_current_member,
)
from broker.group.outcome import Outcome, ParkKey
from broker.group.rebalance import Rebalancer
from broker.group.state import (
    COMPLETING,
    DEAD,
    EMPTY,
    PREPARING,
    STABLE,
    GroupMetadata,
    MemberMetadata,
)
from broker.group.timers import TimerKey, TimerKind
from protocol.errors import ErrorCode
from protocol.messages import JoinGroupRequest, JoinGroupResponse

#: A member-id factory that keeps returning ids already in use is broken; give up after this
#: many tries instead of looping.
_MAX_MEMBER_ID_ATTEMPTS = 16


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


class Joins:
    """JoinGroup requests."""

    def __init__(self, ctx: CoreContext, requests: MemberRequests, rebalancer: Rebalancer) -> None:
        self._ctx = ctx
        self._requests = requests
        self._rebalancer = rebalancer

    def join_group(
        self,
        request: JoinGroupRequest,
        *,
        version: int,
        client_id: str,
        client_host: str,
        now_ms: int,
    ) -> Outcome[JoinGroupResponse]:
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
        return self._ctx.run(now_ms, lambda: self._handle_join_group(join))

    def _handle_join_group(self, j: _Join) -> JoinGroupResponse | ParkKey:
        error = self._ctx.status_error(j.group_id, API_JOIN_GROUP)
        if error is not None:
            return join_response(j.version, error, j.member_id)
        cfg = self._ctx.config
        if not (
            cfg.group_min_session_timeout_ms
            <= j.session_timeout_ms
            <= cfg.group_max_session_timeout_ms
        ):
            return join_response(j.version, ErrorCode.INVALID_SESSION_TIMEOUT, j.member_id)
        is_unknown = j.member_id == ""
        group = self._ctx.groups.get(j.group_id)
        if group is None:
            # Only a member without an id may create a group.
            if not is_unknown:
                return join_response(j.version, ErrorCode.UNKNOWN_MEMBER_ID, j.member_id)
            group = self._ctx.create_group(j.group_id)
        result: JoinGroupResponse | ParkKey
        if not self._accept_joining_member(group, j.member_id):
            member = group.members.get(j.member_id)
            if member is not None:
                self._rebalancer.remove_member(group, member)
            else:
                group.remove(j.member_id)
            result = join_response(j.version, ErrorCode.GROUP_MAX_SIZE_REACHED, "")
        elif is_unknown:
            result = self._new_member_join(group, j)
        else:
            result = self._current_member_join(group, j)
        if group.is_(PREPARING):
            self._rebalancer.try_complete_join(group)
        return result

    def _accept_joining_member(self, group: GroupMetadata, member_id: str) -> bool:
        """Room for this member under ``group.max.size`` (Kafka's ``acceptJoiningMember``)."""
        limit = self._ctx.config.group_max_size
        if group.state in (EMPTY, DEAD):
            return True
        if group.is_(PREPARING):
            member = group.members.get(member_id)
            if member is not None and member.is_awaiting_join:
                return True
            return group.num_awaiting_join() < limit
        return group.has(member_id) or group.size < limit

    def _generate_member_id(self, group: GroupMetadata, prefix: str) -> str:
        for _ in range(_MAX_MEMBER_ID_ATTEMPTS):
            member_id = self._ctx.new_member_id(prefix)
            if (
                member_id
                and member_id not in group.members
                and member_id not in group.pending_members
            ):
                return member_id
        raise RuntimeError("the member id factory keeps returning ids that are in use")

    def _new_member_join(self, group: GroupMetadata, j: _Join) -> JoinGroupResponse | ParkKey:
        """A JoinGroup without a member id (Kafka's ``doNewMemberJoinGroup``)."""
        if group.is_(DEAD):
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
            if len(group.pending_members) >= self._ctx.config.pending_members_limit:
                return join_response(j.version, ErrorCode.GROUP_MAX_SIZE_REACHED, "")
            group.pending_members[new_id] = None
            self._ctx.set_timer(
                TimerKey(TimerKind.PENDING_MEMBER, group.group_id, new_id), j.session_timeout_ms
            )
            return join_response(j.version, ErrorCode.MEMBER_ID_REQUIRED, new_id)
        return self._add_member_and_rebalance(group, new_id, j)

    def _current_member_join(self, group: GroupMetadata, j: _Join) -> JoinGroupResponse | ParkKey:
        """A JoinGroup with a member id (Kafka's ``doCurrentMemberJoinGroup``)."""
        member_id = j.member_id
        if group.is_(DEAD):
            return join_response(j.version, ErrorCode.COORDINATOR_NOT_AVAILABLE, member_id)
        if not group.supports_protocols(j.protocol_type, [name for name, _ in j.protocols]):
            return join_response(j.version, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, member_id)
        if member_id in group.pending_members:
            if j.group_instance_id is not None:
                # Kafka throws IllegalStateException here (a pending id is never static), which
                # reaches the client as UNKNOWN_SERVER_ERROR.
                return join_response(j.version, ErrorCode.UNKNOWN_SERVER_ERROR, member_id)
            return self._add_member_and_rebalance(group, member_id, j)
        error = validate_current_member(group, member_id, j.group_instance_id)
        if error is not None:
            return join_response(j.version, error, member_id)
        member = group.members[member_id]
        if group.is_(PREPARING):
            return self._update_member_and_rebalance(group, member, j)
        if group.is_(COMPLETING):
            if member.matches(j.protocols):
                # Same metadata (the member probably lost the first response): answer with the
                # current generation.
                return self._current_generation(group, member_id, j.version)
            return self._update_member_and_rebalance(group, member, j)
        if group.is_(STABLE):
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
            members=member_list(group) if leader else [],
        )

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
        if group.is_(PREPARING) and group.generation_id == 0:
            group.new_member_added = True  # extends the initial rebalance delay
        was_pending = member_id in group.pending_members
        group.add(member)
        if was_pending:
            self._ctx.cancel_timer(TimerKey(TimerKind.PENDING_MEMBER, group.group_id, member_id))
        key = self._requests.park_join(group, member, j.version)
        # A new member cannot heartbeat while its JoinGroup is parked; Kafka times the join out
        # after NewMemberJoinTimeoutMs instead, so a client that gave up does not linger.
        self._ctx.schedule_heartbeat(group, member, self._ctx.config.new_member_join_timeout_ms)
        self._rebalancer.maybe_prepare_rebalance(group)
        return key

    def _update_member_and_rebalance(
        self, group: GroupMetadata, member: MemberMetadata, j: _Join
    ) -> ParkKey:
        group.update_member(member, j.protocols, j.rebalance_timeout_ms, j.session_timeout_ms)
        key = self._requests.park_join(group, member, j.version)
        self._rebalancer.maybe_prepare_rebalance(group)
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
        self._requests.answer_join(old, ErrorCode.FENCED_INSTANCE_ID, old_id)
        self._requests.answer_sync(old, sync_response(ErrorCode.FENCED_INSTANCE_ID))
        self._ctx.cancel_timer(self._ctx.heartbeat_key(group, old_id))
        member = group.replace_static_member(instance_id, old_id, new_id)
        self._ctx.schedule_heartbeat(group, member)
        old_protocols = member.supported_protocols
        old_rebalance_ms = member.rebalance_timeout_ms
        old_session_ms = member.session_timeout_ms
        group.update_member(member, j.protocols, j.rebalance_timeout_ms, j.session_timeout_ms)
        key = self._requests.park_join(group, member, j.version)
        parked = member.awaiting_join

        if group.is_(STABLE):
            if group.protocol_name == group.select_protocol():
                assignment = {m.member_id: m.assignment for m in group.members.values()}

                def on_stored(error: ErrorCode) -> None:
                    still_waiting = member.awaiting_join is parked
                    if error is ErrorCode.NONE:
                        if still_waiting:
                            # The old leader id is returned on purpose: a leader that restarted
                            # must not think it leads and run a pointless assignment (Kafka).
                            self._requests.answer_join(
                                member, ErrorCode.NONE, new_id, group, leader=current_leader or ""
                            )
                            # Samsa: restart the session now (Kafka leaves none running if a
                            # heartbeat arrived while the join was parked).
                            self._ctx.schedule_heartbeat(group, member)
                        return
                    if still_waiting and group.is_(STABLE) and group.members.get(new_id) is member:
                        member.awaiting_join = None
                        group.update_member(member, old_protocols, old_rebalance_ms, old_session_ms)
                        self._ctx.cancel_timer(self._ctx.heartbeat_key(group, new_id))
                        group.replace_static_member(instance_id, new_id, old_id)
                        self._ctx.schedule_heartbeat(group, member)
                    self._ctx.complete(
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

                self._ctx.store_group(group, assignment, on_stored)
            else:
                self._rebalancer.maybe_prepare_rebalance(group)
        elif group.is_(COMPLETING):
            # The leader may already have assigned to the old member id: rebalance.
            self._rebalancer.prepare_rebalance(group)
        return key
