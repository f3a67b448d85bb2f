"""What every membership request shares: responses, member validation, parked joins and syncs.

The classic protocol's membership is split by job: ``join.py`` (JoinGroup), ``sync.py``
(SyncGroup), ``heartbeat.py`` (Heartbeat), ``leave.py`` (LeaveGroup) and ``rebalance.py`` (the
join and sync phases, member removal, and the timers that drive them). They follow Kafka 3.x's
``GroupCoordinator`` (the classic, pre-KIP-848 coordinator) decision by decision; private
methods carry Kafka's names where Kafka has one. Where Samsa differs it says so there and in
README.md.
"""

from __future__ import annotations

from broker.group.context import API_JOIN_GROUP, API_SYNC_GROUP, CoreContext
from broker.group.outcome import ParkedRequest, ParkKey
from broker.group.state import GroupMetadata, MemberMetadata
from protocol.errors import ErrorCode
from protocol.messages import JoinGroupResponse, SyncGroupResponse

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


def member_list(group: GroupMetadata) -> list[JoinGroupResponse.JoinGroupResponseMember]:
    """Every member with its metadata for the selected protocol: the leader's JoinGroup list."""
    protocol = group.protocol_name or ""
    return [
        _Member(
            member_id=m.member_id,
            group_instance_id=m.group_instance_id,
            metadata=m.metadata(protocol),
        )
        for m in group.members.values()
    ]


def validate_current_member(
    group: GroupMetadata, member_id: str, group_instance_id: str | None
) -> ErrorCode | None:
    """Kafka's ``validateCurrentMember``: the instance id (if any) maps to this member id, and
    the member exists."""
    if group_instance_id is not None:
        current = group.static_member_id(group_instance_id)
        if current is None:
            return ErrorCode.UNKNOWN_MEMBER_ID
        if current != member_id:
            return ErrorCode.FENCED_INSTANCE_ID
    if not group.has(member_id):
        return ErrorCode.UNKNOWN_MEMBER_ID
    return None


class MemberRequests:
    """The JoinGroup and SyncGroup a member has parked: parking them, and answering them once."""

    def __init__(self, ctx: CoreContext) -> None:
        self._ctx = ctx

    def park_join(self, group: GroupMetadata, member: MemberMetadata, version: int) -> ParkKey:
        if member.awaiting_join is not None:
            # A second JoinGroup from the same member replaces the first (Kafka drops the first
            # callback; Samsa answers it so that no parked request is left behind).
            self._ctx.complete_with_error(member.awaiting_join.key, ErrorCode.REBALANCE_IN_PROGRESS)
        member_id = member.member_id
        key = self._ctx.park(
            API_JOIN_GROUP,
            group.group_id,
            lambda error: join_response(version, error, member_id),
        )
        member.awaiting_join = ParkedRequest(key, version)
        return key

    def answer_join(
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
        self._ctx.complete(parked.key, response)

    def park_sync(self, group: GroupMetadata, member: MemberMetadata, version: int) -> ParkKey:
        if member.awaiting_sync is not None:
            self._ctx.complete_with_error(member.awaiting_sync.key, ErrorCode.REBALANCE_IN_PROGRESS)
        key = self._ctx.park(API_SYNC_GROUP, group.group_id, lambda error: sync_response(error))
        member.awaiting_sync = ParkedRequest(key, version)
        return key

    def answer_sync(self, member: MemberMetadata, response: SyncGroupResponse) -> bool:
        """Complete the member's parked SyncGroup, if any; whether there was one."""
        parked = member.awaiting_sync
        if parked is None:
            return False
        member.awaiting_sync = None
        self._ctx.complete(parked.key, response)
        return True
