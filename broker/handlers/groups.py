"""The group APIs: FindCoordinator (10, v0-3), JoinGroup (11, v0-7), Heartbeat (12, v0-4),
LeaveGroup (13, v0-4), SyncGroup (14, v0-5), DescribeGroups (15, v0-5), ListGroups (16, v0-5),
OffsetCommit (8, v2-8), OffsetFetch (9, v1-7), DeleteGroups (42, v0-2), OffsetDelete (47, v0).

Thin translations: each hands the decoded request to the group coordinator
(``broker.group_coordinator.GroupCoordinator.run``), which answers now or parks the request (a
JoinGroup until its rebalance completes, a commit until its records are committed). Requests
that arrive before ``__consumer_offsets`` exists get COORDINATOR_NOT_AVAILABLE.

FindCoordinator answers with the leader of the group's ``__consumer_offsets`` partition.
Transaction coordinators (key type 1) do not exist: Samsa has no transactions, so the answer is
TRANSACTIONAL_ID_AUTHORIZATION_FAILED — the error Kafka gives a client that may not use a
transactional id. It is fatal in every client, so ``init_transactions()`` fails at once with a
clear error instead of retrying COORDINATOR_NOT_AVAILABLE until its timeout (the same reasoning
as InitProducerId's UNSUPPORTED_VERSION for transactional ids).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from broker.group.coordinator import GroupCoordinatorCore
from broker.group.driver import GroupCoordinator
from broker.group.membership import join_response
from broker.group.outcome import ParkKey
from broker.handlers.base import BrokerServices, RequestContext
from protocol.errors import ErrorCode
from protocol.messages import (
    DeleteGroupsRequest,
    DeleteGroupsResponse,
    DescribeGroupsRequest,
    DescribeGroupsResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    JoinGroupRequest,
    JoinGroupResponse,
    LeaveGroupRequest,
    LeaveGroupResponse,
    ListGroupsRequest,
    ListGroupsResponse,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetDeleteRequest,
    OffsetDeleteResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
    SyncGroupRequest,
    SyncGroupResponse,
)

__all__ = [
    "COORDINATOR_KEY_GROUP",
    "COORDINATOR_KEY_TRANSACTION",
    "client_host",
    "delete_groups_error",
    "describe_groups_error",
    "find_coordinator_error",
    "handle_delete_groups",
    "handle_describe_groups",
    "handle_find_coordinator",
    "handle_heartbeat",
    "handle_join_group",
    "handle_leave_group",
    "handle_list_groups",
    "handle_offset_commit",
    "handle_offset_delete",
    "handle_offset_fetch",
    "handle_sync_group",
    "heartbeat_error",
    "join_group_error",
    "leave_group_error",
    "list_groups_error",
    "offset_commit_error",
    "offset_delete_error",
    "offset_fetch_error",
    "sync_group_error",
]

COORDINATOR_KEY_GROUP: Final = 0
COORDINATOR_KEY_TRANSACTION: Final = 1


def client_host(peer: str) -> str:
    """The client's address as Kafka shows it in DescribeGroups: ``/<ip>``."""
    host = peer.rpartition(":")[0] if ":" in peer else peer
    return f"/{host.strip('[]')}"


def _coordinator(services: BrokerServices) -> GroupCoordinator | None:
    return services.group_coordinator


# -- FindCoordinator -------------------------------------------------------------------------


def _coordinator_error(
    code: ErrorCode, version: int, message: str | None = None
) -> FindCoordinatorResponse:
    return FindCoordinatorResponse(
        error_code=code,
        error_message=(message or code.name) if version >= 1 else None,
        node_id=-1,
        host="",
        port=-1,
    )


def handle_find_coordinator(
    services: BrokerServices, ctx: RequestContext, request: FindCoordinatorRequest
) -> FindCoordinatorResponse:
    """The broker coordinating a group: the leader of its ``__consumer_offsets`` partition."""
    version = ctx.version
    key_type = request.key_type if version >= 1 else COORDINATOR_KEY_GROUP
    if key_type == COORDINATOR_KEY_TRANSACTION:
        return _coordinator_error(
            ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            version,
            "transactions are not supported by this broker",
        )
    if key_type != COORDINATOR_KEY_GROUP:
        return _coordinator_error(
            ErrorCode.INVALID_REQUEST, version, f"unknown coordinator key type {key_type}"
        )
    gc = _coordinator(services)
    if gc is None:
        return _coordinator_error(ErrorCode.COORDINATOR_NOT_AVAILABLE, version)
    error, node_id = gc.coordinator_for(request.key)
    host, port = services.advertised_host, services.advertised_port
    if error is ErrorCode.NONE and node_id != services.node_id:
        # The leader of the group's __consumer_offsets partition is another broker: its
        # registered address (unknown yet: the client asks again).
        endpoint = services.replica_manager.endpoint_of(node_id)
        if endpoint is None:
            error = ErrorCode.COORDINATOR_NOT_AVAILABLE
        else:
            host, port = endpoint
    if error is not ErrorCode.NONE:
        return _coordinator_error(error, version)
    return FindCoordinatorResponse(
        error_code=ErrorCode.NONE,
        error_message=None,
        node_id=node_id,
        host=host,
        port=port,
    )


def find_coordinator_error(
    request: FindCoordinatorRequest, version: int, code: ErrorCode
) -> FindCoordinatorResponse:
    """FindCoordinator failed."""
    return _coordinator_error(code, version)


# -- JoinGroup, SyncGroup, Heartbeat, LeaveGroup ---------------------------------------------


def _join_horizon_ms(
    services: BrokerServices, request: JoinGroupRequest, version: int
) -> Callable[[GroupCoordinatorCore, ParkKey], int]:
    requested = max(
        request.session_timeout_ms if version == 0 else request.rebalance_timeout_ms,
        request.session_timeout_ms,
        0,
    )
    initial_delay = services.config.group_initial_rebalance_delay_ms
    commit_timeout = services.config.offsets_commit_timeout_ms

    def horizon(core: GroupCoordinatorCore, key: ParkKey) -> int:
        # The join phase ends at the largest rebalance timeout of the group's members (or the
        # initial delay, which grows up to it); a static member's join in a stable group waits
        # for its record instead.
        group = core.group(key.group_id)
        members = group.members.values() if group is not None else ()
        longest = max((m.rebalance_timeout_ms for m in members), default=0)
        return max(requested, longest) + initial_delay + commit_timeout

    return horizon


def handle_join_group(
    services: BrokerServices, ctx: RequestContext, request: JoinGroupRequest
) -> JoinGroupResponse | Awaitable[JoinGroupResponse]:
    """Join (or rejoin) a group; parked until the rebalance's join phase completes."""
    version = ctx.version

    def error(code: ErrorCode) -> JoinGroupResponse:
        return join_group_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    client_id = ctx.header.client_id or ""
    host = client_host(ctx.peer)
    return gc.run(
        lambda core, now: core.join_group(
            request, version=version, client_id=client_id, client_host=host, now_ms=now
        ),
        error,
        _join_horizon_ms(services, request, version),
    )


def join_group_error(request: JoinGroupRequest, version: int, code: ErrorCode) -> JoinGroupResponse:
    """JoinGroup failed."""
    return join_response(version, code, request.member_id)


def handle_sync_group(
    services: BrokerServices, ctx: RequestContext, request: SyncGroupRequest
) -> SyncGroupResponse | Awaitable[SyncGroupResponse]:
    """Send (leader) or get (everyone) the generation's assignment; followers park until the
    leader's assignment is committed."""
    version = ctx.version

    def error(code: ErrorCode) -> SyncGroupResponse:
        return sync_group_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    commit_timeout = services.config.offsets_commit_timeout_ms
    max_session = services.config.group_max_session_timeout_ms

    def horizon(core: GroupCoordinatorCore, key: ParkKey) -> int:
        group = core.group(key.group_id)
        member = group.members.get(request.member_id) if group is not None else None
        timeout = member.rebalance_timeout_ms if member is not None else max_session
        return timeout + commit_timeout

    return gc.run(
        lambda core, now: core.sync_group(request, version=version, now_ms=now), error, horizon
    )


def sync_group_error(request: SyncGroupRequest, version: int, code: ErrorCode) -> SyncGroupResponse:
    """SyncGroup failed."""
    return SyncGroupResponse(error_code=code, assignment=b"")


def handle_heartbeat(
    services: BrokerServices, ctx: RequestContext, request: HeartbeatRequest
) -> HeartbeatResponse | Awaitable[HeartbeatResponse]:
    """Keep a member's session alive; tells it about a rebalance."""
    version = ctx.version

    def error(code: ErrorCode) -> HeartbeatResponse:
        return HeartbeatResponse(error_code=code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(lambda core, now: core.heartbeat(request, version=version, now_ms=now), error)


def heartbeat_error(request: HeartbeatRequest, version: int, code: ErrorCode) -> HeartbeatResponse:
    """Heartbeat failed."""
    return HeartbeatResponse(error_code=code)


def handle_leave_group(
    services: BrokerServices, ctx: RequestContext, request: LeaveGroupRequest
) -> LeaveGroupResponse | Awaitable[LeaveGroupResponse]:
    """Members leave (v3+: several, by member id or group instance id)."""
    version = ctx.version

    def error(code: ErrorCode) -> LeaveGroupResponse:
        return leave_group_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(lambda core, now: core.leave_group(request, version=version, now_ms=now), error)


def leave_group_error(
    request: LeaveGroupRequest, version: int, code: ErrorCode
) -> LeaveGroupResponse:
    """LeaveGroup failed."""
    return LeaveGroupResponse(error_code=code, members=[])


# -- DescribeGroups, ListGroups, DeleteGroups ------------------------------------------------


def handle_describe_groups(
    services: BrokerServices, ctx: RequestContext, request: DescribeGroupsRequest
) -> DescribeGroupsResponse | Awaitable[DescribeGroupsResponse]:
    """Describe groups (state, protocol, members; assignments when stable)."""
    version = ctx.version

    def error(code: ErrorCode) -> DescribeGroupsResponse:
        return describe_groups_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(
        lambda core, now: core.describe_groups(request, version=version, now_ms=now), error
    )


def describe_groups_error(
    request: DescribeGroupsRequest, version: int, code: ErrorCode
) -> DescribeGroupsResponse:
    """Every group with the error."""
    return DescribeGroupsResponse(
        groups=[
            DescribeGroupsResponse.DescribedGroup(
                error_code=code, group_id=g, group_state="", protocol_type="", protocol_data=""
            )
            for g in request.groups
        ]
    )


def handle_list_groups(
    services: BrokerServices, ctx: RequestContext, request: ListGroupsRequest
) -> ListGroupsResponse | Awaitable[ListGroupsResponse]:
    """The groups this broker coordinates (clients ask every broker)."""
    version = ctx.version

    def error(code: ErrorCode) -> ListGroupsResponse:
        return list_groups_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(lambda core, now: core.list_groups(request, version=version, now_ms=now), error)


def list_groups_error(
    request: ListGroupsRequest, version: int, code: ErrorCode
) -> ListGroupsResponse:
    """ListGroups failed."""
    return ListGroupsResponse(error_code=code, groups=[])


def handle_delete_groups(
    services: BrokerServices, ctx: RequestContext, request: DeleteGroupsRequest
) -> DeleteGroupsResponse | Awaitable[DeleteGroupsResponse]:
    """Delete empty groups with their offsets; answered once the tombstones are committed."""
    version = ctx.version

    def error(code: ErrorCode) -> DeleteGroupsResponse:
        return delete_groups_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(lambda core, now: core.delete_groups(request, version=version, now_ms=now), error)


def delete_groups_error(
    request: DeleteGroupsRequest, version: int, code: ErrorCode
) -> DeleteGroupsResponse:
    """Every group with the error."""
    return DeleteGroupsResponse(
        results=[
            DeleteGroupsResponse.DeletableGroupResult(group_id=g, error_code=code)
            for g in dict.fromkeys(request.groups_names)
        ]
    )


# -- OffsetCommit, OffsetFetch, OffsetDelete -------------------------------------------------


def _partition_exists(services: BrokerServices) -> Callable[[str, int], bool]:
    image = services.image

    def exists(topic: str, partition: int) -> bool:
        return image.partition(topic, partition) is not None

    return exists


def handle_offset_commit(
    services: BrokerServices, ctx: RequestContext, request: OffsetCommitRequest
) -> OffsetCommitResponse | Awaitable[OffsetCommitResponse]:
    """Commit offsets; answered once their records are committed."""
    version = ctx.version

    def error(code: ErrorCode) -> OffsetCommitResponse:
        return offset_commit_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    exists = _partition_exists(services)
    return gc.run(
        lambda core, now: core.offset_commit(
            request, version=version, now_ms=now, partition_exists=exists
        ),
        error,
    )


def offset_commit_error(
    request: OffsetCommitRequest, version: int, code: ErrorCode
) -> OffsetCommitResponse:
    """Every partition with the error."""
    topic_cls = OffsetCommitResponse.OffsetCommitResponseTopic
    part_cls = topic_cls.OffsetCommitResponsePartition
    return OffsetCommitResponse(
        topics=[
            topic_cls(
                name=t.name,
                partitions=[
                    part_cls(partition_index=p.partition_index, error_code=code)
                    for p in t.partitions
                ],
            )
            for t in request.topics
        ]
    )


def handle_offset_fetch(
    services: BrokerServices, ctx: RequestContext, request: OffsetFetchRequest
) -> OffsetFetchResponse | Awaitable[OffsetFetchResponse]:
    """A group's committed offsets (-1 where none)."""
    version = ctx.version

    def error(code: ErrorCode) -> OffsetFetchResponse:
        return offset_fetch_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.run(lambda core, now: core.offset_fetch(request, version=version, now_ms=now), error)


def offset_fetch_error(
    request: OffsetFetchRequest, version: int, code: ErrorCode
) -> OffsetFetchResponse:
    """v2+: the top-level error; v1: every requested partition with it."""
    if version >= 2:
        return OffsetFetchResponse(error_code=code, topics=[])
    topic_cls = OffsetFetchResponse.OffsetFetchResponseTopic
    part_cls = topic_cls.OffsetFetchResponsePartition
    return OffsetFetchResponse(
        topics=[
            topic_cls(
                name=t.name,
                partitions=[
                    part_cls(
                        partition_index=p,
                        committed_offset=-1,
                        metadata="",
                        error_code=code,
                    )
                    for p in t.partition_indexes
                ],
            )
            for t in request.topics or []
        ]
    )


def handle_offset_delete(
    services: BrokerServices, ctx: RequestContext, request: OffsetDeleteRequest
) -> OffsetDeleteResponse | Awaitable[OffsetDeleteResponse]:
    """Delete a group's offsets of partitions it is not subscribed to (KIP-496)."""
    version = ctx.version

    def error(code: ErrorCode) -> OffsetDeleteResponse:
        return offset_delete_error(request, version, code)

    gc = _coordinator(services)
    if gc is None:
        return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    exists = _partition_exists(services)
    return gc.run(
        lambda core, now: core.offset_delete(
            request, version=version, now_ms=now, partition_exists=exists
        ),
        error,
    )


def offset_delete_error(
    request: OffsetDeleteRequest, version: int, code: ErrorCode
) -> OffsetDeleteResponse:
    """OffsetDelete failed as a whole."""
    return OffsetDeleteResponse(error_code=code, topics=[])
