"""LeaveGroup: members leave (v0-v2 one by id; v3+ several, by id and/or instance id)."""

from __future__ import annotations

from broker.group.context import API_LEAVE_GROUP, CoreContext
from broker.group.membership import validate_current_member
from broker.group.outcome import Outcome
from broker.group.rebalance import Rebalancer
from broker.group.state import DEAD, GroupMetadata
from protocol.errors import ErrorCode
from protocol.messages import LeaveGroupRequest, LeaveGroupResponse


class Leaves:
    """LeaveGroup requests."""

    def __init__(self, ctx: CoreContext, rebalancer: Rebalancer) -> None:
        self._ctx = ctx
        self._rebalancer = rebalancer

    def leave_group(
        self, request: LeaveGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[LeaveGroupResponse]:
        return self._ctx.run(now_ms, lambda: self._leave_group(request, version))

    def _leave_group(self, req: LeaveGroupRequest, version: int) -> LeaveGroupResponse:
        if version < 3:
            leaving: list[tuple[str, str | None]] = [(req.member_id, None)]
        else:
            leaving = [(m.member_id, m.group_instance_id) for m in req.members]
        error = self._ctx.status_error(req.group_id, API_LEAVE_GROUP)
        if error is not None:
            return LeaveGroupResponse(error_code=error, members=[])
        group = self._ctx.groups.get(req.group_id)
        if group is None:
            errors = [ErrorCode.UNKNOWN_MEMBER_ID] * len(leaving)
        elif group.is_(DEAD):
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
            self._rebalancer.remove_member_and_update_group(group, group.members[current])
            return ErrorCode.NONE
        if member_id in group.pending_members:
            self._rebalancer.remove_pending_member(group, member_id)
            return ErrorCode.NONE
        error = validate_current_member(group, member_id, instance_id)
        if error is not None:
            return error
        self._rebalancer.remove_member_and_update_group(group, group.members[member_id])
        return ErrorCode.NONE
