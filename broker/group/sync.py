"""SyncGroup: the leader's assignment is stored, then every member gets its part."""

from __future__ import annotations

from broker.group.context import API_SYNC_GROUP, CoreContext
from broker.group.membership import MemberRequests, sync_response, validate_current_member
from broker.group.outcome import Outcome, ParkKey
from broker.group.rebalance import Rebalancer
from broker.group.state import COMPLETING, DEAD, EMPTY, PREPARING, STABLE
from protocol.errors import ErrorCode
from protocol.messages import SyncGroupRequest, SyncGroupResponse


class Syncs:
    """SyncGroup requests: followers park until the leader's assignment is durable."""

    def __init__(self, ctx: CoreContext, requests: MemberRequests, rebalancer: Rebalancer) -> None:
        self._ctx = ctx
        self._requests = requests
        self._rebalancer = rebalancer

    def sync_group(
        self, request: SyncGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[SyncGroupResponse]:
        return self._ctx.run(now_ms, lambda: self._handle_sync_group(request, version))

    def _handle_sync_group(
        self, req: SyncGroupRequest, version: int
    ) -> SyncGroupResponse | ParkKey:
        protocol_type = req.protocol_type if version >= 5 else None
        protocol_name = req.protocol_name if version >= 5 else None
        if version >= 5 and (protocol_type is None or protocol_name is None):
            # Mandatory from v5 on (Kafka checks this before anything else).
            return sync_response(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
        error = self._ctx.status_error(req.group_id, API_SYNC_GROUP)
        if error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            # The rebalance state was lost with the old coordinator; REBALANCE_IN_PROGRESS makes
            # the member rejoin without rediscovering the coordinator (older clients do not
            # expect COORDINATOR_LOAD_IN_PROGRESS here).
            return sync_response(ErrorCode.REBALANCE_IN_PROGRESS)
        if error is not None:
            return sync_response(error)
        group = self._ctx.groups.get(req.group_id)
        if group is None:
            return sync_response(ErrorCode.UNKNOWN_MEMBER_ID)
        if group.is_(DEAD):
            return sync_response(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        member_id = req.member_id
        instance_id = req.group_instance_id if version >= 3 else None
        error = validate_current_member(group, member_id, instance_id)
        if error is None and req.generation_id != group.generation_id:
            error = ErrorCode.ILLEGAL_GENERATION
        if error is None and (
            (protocol_type is not None and group.protocol_type != protocol_type)
            or (protocol_name is not None and group.protocol_name != protocol_name)
        ):
            error = ErrorCode.INCONSISTENT_GROUP_PROTOCOL
        if error is not None:
            return sync_response(error)
        if group.is_(EMPTY):
            return sync_response(ErrorCode.UNKNOWN_MEMBER_ID)
        if group.is_(PREPARING):
            return sync_response(ErrorCode.REBALANCE_IN_PROGRESS)
        member = group.members[member_id]
        if group.is_(STABLE):
            self._rebalancer.remove_pending_sync_member(group, member_id)
            self._ctx.schedule_heartbeat(group, member)
            return sync_response(
                ErrorCode.NONE,
                protocol_type=group.protocol_type,
                protocol_name=group.protocol_name,
                assignment=member.assignment,
            )
        # CompletingRebalance: wait for the leader's assignment (and its persistence).
        key = self._requests.park_sync(group, member, version)
        self._rebalancer.remove_pending_sync_member(group, member_id)
        if group.is_leader(member_id):
            given = {a.member_id: bytes(a.assignment) for a in req.assignments}
            assignment = {mid: given.get(mid, b"") for mid in group.members}
            generation = group.generation_id

            def on_stored(error: ErrorCode) -> None:
                # Another member may have joined meanwhile; then this generation is over.
                if self._ctx.groups.get(group.group_id) is not group:
                    return
                if not group.is_(COMPLETING) or group.generation_id != generation:
                    return
                if error is not ErrorCode.NONE:
                    self._rebalancer.reset_and_propagate_assignment_error(group, error)
                    self._rebalancer.maybe_prepare_rebalance(group)
                    return
                for m in group.members.values():
                    m.assignment = assignment.get(m.member_id, b"")
                self._rebalancer.propagate_assignment(group, ErrorCode.NONE)
                group.transition_to(STABLE, self._ctx.now_ms)
                self._ctx.on_rebalanced(self._ctx.now_ms - group.rebalance_started_ms)

            self._ctx.store_group(group, assignment, on_stored)
        return key
