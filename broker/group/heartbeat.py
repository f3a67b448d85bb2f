"""Heartbeat: a member proves it is alive and learns of rebalances."""

from __future__ import annotations

from broker.group.context import API_HEARTBEAT, CoreContext
from broker.group.membership import validate_current_member
from broker.group.outcome import Outcome
from broker.group.state import DEAD, EMPTY, PREPARING
from protocol.errors import ErrorCode
from protocol.messages import HeartbeatRequest, HeartbeatResponse


class Heartbeats:
    """Heartbeat requests: each restarts the member's session."""

    def __init__(self, ctx: CoreContext) -> None:
        self._ctx = ctx

    def heartbeat(
        self, request: HeartbeatRequest, *, version: int, now_ms: int
    ) -> Outcome[HeartbeatResponse]:
        return self._ctx.run(
            now_ms, lambda: HeartbeatResponse(error_code=self._heartbeat(request, version))
        )

    def _heartbeat(self, req: HeartbeatRequest, version: int) -> ErrorCode:
        error = self._ctx.status_error(req.group_id, API_HEARTBEAT)
        if error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            return ErrorCode.NONE  # Kafka answers blindly while loading
        if error is not None:
            return error
        group = self._ctx.groups.get(req.group_id)
        if group is None:
            return ErrorCode.UNKNOWN_MEMBER_ID
        if group.is_(DEAD):
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        instance_id = req.group_instance_id if version >= 3 else None
        error = validate_current_member(group, req.member_id, instance_id)
        if error is not None:
            return error
        if req.generation_id != group.generation_id:
            return ErrorCode.ILLEGAL_GENERATION
        if group.is_(EMPTY):
            return ErrorCode.UNKNOWN_MEMBER_ID
        self._ctx.schedule_heartbeat(group, group.members[req.member_id])
        if group.is_(PREPARING):
            return ErrorCode.REBALANCE_IN_PROGRESS
        # Stable, and CompletingRebalance too: a member may heartbeat between its JoinGroup
        # response and its SyncGroup (Kafka answers NONE and restarts the session).
        return ErrorCode.NONE
