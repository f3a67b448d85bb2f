"""Group administration: DescribeGroups, ListGroups, DeleteGroups."""

from __future__ import annotations

import functools
from typing import Final

from broker.group.context import API_DELETE_GROUPS, API_DESCRIBE_GROUPS, CoreContext
from broker.group.offsets import Offsets, map_tombstone_error
from broker.group.outcome import Outcome, ParkKey
from broker.group.state import GroupMetadata, GroupState
from protocol.errors import ErrorCode
from protocol.messages import (
    DeleteGroupsRequest,
    DeleteGroupsResponse,
    DescribeGroupsRequest,
    DescribeGroupsResponse,
    ListGroupsRequest,
    ListGroupsResponse,
)

#: The ACL operations a client may perform on a group when nothing is restricted: READ (3),
#: DELETE (6) and DESCRIBE (8), as a bit field (Kafka's ``Utils.to32BitField``). Samsa has no
#: ACLs yet, so DescribeGroups v3+ reports all of them when asked.
GROUP_AUTHORIZED_OPERATIONS: Final = (1 << 3) | (1 << 6) | (1 << 8)
#: The only group type of the classic coordinator (ListGroups v5 ``types_filter``).
CLASSIC_GROUP_TYPE: Final = "classic"

_Described = DescribeGroupsResponse.DescribedGroup
_DescribedMember = _Described.DescribedGroupMember


class Admin:
    """DescribeGroups, ListGroups and DeleteGroups (which removes offsets through ``Offsets``)."""

    def __init__(self, ctx: CoreContext, offsets: Offsets) -> None:
        self._ctx = ctx
        self._offsets = offsets

    def describe_groups(
        self, request: DescribeGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[DescribeGroupsResponse]:
        return self._ctx.run(now_ms, lambda: self._describe_groups(request, version))

    def _describe_groups(self, req: DescribeGroupsRequest, version: int) -> DescribeGroupsResponse:
        ops = (
            GROUP_AUTHORIZED_OPERATIONS
            if version >= 3 and req.include_authorized_operations
            else -(2**31)
        )
        described = []
        for group_id in req.groups:
            error = self._ctx.status_error(group_id, API_DESCRIBE_GROUPS)
            if error is not None:
                described.append(_Described(error_code=error, group_id=group_id, group_state=""))
                continue
            group = self._ctx.groups.get(group_id)
            if group is None:
                d = _Described(group_id=group_id, group_state=GroupState.DEAD.value)
            else:
                d = self._summary(group)
            d.authorized_operations = ops
            described.append(d)
        return DescribeGroupsResponse(groups=described)

    @staticmethod
    def _summary(group: GroupMetadata) -> DescribeGroupsResponse.DescribedGroup:
        """Kafka's ``GroupMetadata.summary``: metadata and assignments only when Stable."""
        stable = group.is_(GroupState.STABLE) and group.protocol_name is not None
        protocol = group.protocol_name if stable and group.protocol_name is not None else ""
        members = [
            _DescribedMember(
                member_id=m.member_id,
                group_instance_id=m.group_instance_id,
                client_id=m.client_id,
                client_host=m.client_host,
                member_metadata=m.metadata(protocol) if stable else b"",
                member_assignment=m.assignment if stable else b"",
            )
            for m in group.members.values()
        ]
        return _Described(
            group_id=group.group_id,
            group_state=group.state.value,
            protocol_type=group.protocol_type or "",
            protocol_data=protocol,
            members=members,
        )

    def list_groups(
        self, request: ListGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[ListGroupsResponse]:
        return self._ctx.run(now_ms, lambda: self._list_groups(request, version))

    def _list_groups(self, req: ListGroupsRequest, version: int) -> ListGroupsResponse:
        states = {s.lower() for s in req.states_filter} if version >= 4 else set()
        types = {t.lower() for t in req.types_filter} if version >= 5 else set()
        listed = []
        if not types or CLASSIC_GROUP_TYPE in types:
            for group in sorted(self._ctx.groups.values(), key=lambda g: g.group_id):
                if group.is_(GroupState.DEAD):
                    continue
                if states and group.state.value.lower() not in states:
                    continue
                listed.append(
                    ListGroupsResponse.ListedGroup(
                        group_id=group.group_id,
                        protocol_type=group.protocol_type or "",
                        group_state=group.state.value,
                        group_type=CLASSIC_GROUP_TYPE,
                    )
                )
        error = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS if self._ctx.loading else ErrorCode.NONE
        return ListGroupsResponse(error_code=error, groups=listed)

    def delete_groups(
        self, request: DeleteGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[DeleteGroupsResponse]:
        return self._ctx.run(now_ms, lambda: self._delete_groups(request))

    def _delete_groups(self, req: DeleteGroupsRequest) -> DeleteGroupsResponse | ParkKey:
        results: dict[str, ErrorCode] = {}
        eligible: list[GroupMetadata] = []
        for group_id in req.groups_names:
            if group_id in results:
                continue
            error = self._ctx.status_error(group_id, API_DELETE_GROUPS)
            group = self._ctx.groups.get(group_id)
            if error is not None:
                results[group_id] = error
            elif group is None or group.is_(GroupState.DEAD):
                results[group_id] = ErrorCode.GROUP_ID_NOT_FOUND
            elif group.is_(GroupState.EMPTY):
                group.transition_to(GroupState.DEAD, self._ctx.now_ms)
                eligible.append(group)
                results[group_id] = ErrorCode.NONE
            else:
                results[group_id] = ErrorCode.NON_EMPTY_GROUP

        def respond(errors: dict[str, ErrorCode]) -> DeleteGroupsResponse:
            return DeleteGroupsResponse(
                results=[
                    DeleteGroupsResponse.DeletableGroupResult(group_id=gid, error_code=e)
                    for gid, e in errors.items()
                ]
            )

        pending: list[tuple[GroupMetadata, list[tuple[bytes, bytes | None]]]] = []
        for group in eligible:
            records = self._offsets.cleanup_group(group, lambda g: g.remove_all_offsets())
            if records:
                pending.append((group, records))
        if not pending:
            return respond(results)

        deleted = [g.group_id for g, _ in pending]
        key = self._ctx.park(
            API_DELETE_GROUPS,
            deleted[0],
            lambda error: respond({**results, **dict.fromkeys(deleted, error)}),
        )
        remaining = [len(pending)]

        def on_complete(group_id: str, error: ErrorCode) -> None:
            if error is not ErrorCode.NONE:
                results[group_id] = map_tombstone_error(error)
            remaining[0] -= 1
            if remaining[0] == 0:
                self._ctx.complete(key, respond(results))

        for group, records in pending:
            self._ctx.append(
                group.group_id, records, functools.partial(on_complete, group.group_id)
            )
        return key
