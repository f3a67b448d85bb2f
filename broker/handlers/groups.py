"""The group APIs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
DescribeGroups, ListGroups, DeleteGroups, OffsetCommit, OffsetFetch, OffsetDelete and
TxnOffsetCommit (the versions served are in ``HANDLERS``).

All but FindCoordinator have one shape, and one factory builds them (``group_handler``): the
decoded request goes to the group coordinator as a call of its core
(``broker.group.driver.GroupCoordinator.run``), which answers now or parks the request (a
JoinGroup until its rebalance completes, a commit until its records are committed). While no
coordinator runs, and before ``__consumer_offsets`` exists, the answer is the API's error
response with COORDINATOR_NOT_AVAILABLE. What differs between the APIs is data in
``HANDLERS``: the request class and versions, the core's method and what it takes besides the
request (the client's id and host for JoinGroup, a check that partitions exist for OffsetCommit,
TxnOffsetCommit and OffsetDelete), the error response, and how long a parked request may wait
(JoinGroup and SyncGroup follow the members' rebalance timeouts, the others
``offsets.commit.timeout.ms``).

FindCoordinator answers with the leader of the group's ``__consumer_offsets`` partition, and
for key type 1 with the leader of the transactional id's ``__transaction_state`` partition (the
transaction coordinator, ``broker/txn``), at its endpoint for the client's listener.

With ACLs on, each API's check (``authorize`` in its entry) runs before the coordinator sees
the request, as Kafka's: a whole-request refusal (GROUP_AUTHORIZATION_FAILED,
TRANSACTIONAL_ID_AUTHORIZATION_FAILED) answers at once; per-topic or per-group refusals are
taken out of the request the core gets and put back into its answer
(TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED per group); ListGroups and a fetch of
all committed offsets leave out what the principal may not describe.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, Protocol, TypeAlias, TypeVar

from broker.group.coordinator import GroupCoordinatorCore
from broker.group.driver import GroupCoordinator
from broker.group.membership import join_response
from broker.group.offsets import PartitionExists
from broker.group.outcome import Outcome, ParkKey
from broker.group.txn_offsets import txn_offset_commit_error as _txn_offset_commit_error
from broker.handlers.auth import CLUSTER_NAME, allows, authorized_operations
from broker.handlers.base import ApiHandler, BrokerServices, RequestContext, api_handler
from broker.handlers.metadata import broker_endpoint
from broker.security.acl import Authorizer
from protocol.acl import AclOperation, ResourceType
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
    Message,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetDeleteRequest,
    OffsetDeleteResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
    SyncGroupRequest,
    SyncGroupResponse,
    TxnOffsetCommitRequest,
    TxnOffsetCommitResponse,
)

__all__ = [
    "COORDINATOR_KEY_GROUP",
    "COORDINATOR_KEY_TRANSACTION",
    "HANDLERS",
    "client_host",
    "delete_groups_error",
    "describe_groups_error",
    "find_coordinator_error",
    "group_handler",
    "handle_find_coordinator",
    "heartbeat_error",
    "join_group_error",
    "leave_group_error",
    "list_groups_error",
    "offset_commit_error",
    "offset_delete_error",
    "offset_fetch_error",
    "sync_group_error",
    "txn_offset_commit_error",
]

COORDINATOR_KEY_GROUP: Final = 0
COORDINATOR_KEY_TRANSACTION: Final = 1


def client_host(peer: str) -> str:
    """The client's address as Kafka shows it in DescribeGroups: ``/<ip>``."""
    host = peer.rpartition(":")[0] if ":" in peer else peer
    return f"/{host.strip('[]')}"


_Request = TypeVar("_Request", bound=Message)
_Request_contra = TypeVar("_Request_contra", bound=Message, contravariant=True)
_Response = TypeVar("_Response", bound=Message)
#: Where a word of a CamelCase API name starts.
_WORD_START: Final = re.compile(r"([A-Z])")

#: One call of the coordinator core at ``now_ms``, as ``GroupCoordinator.run`` makes it.
_CoreCall: TypeAlias = Callable[[GroupCoordinatorCore, int], Outcome[_Response]]
#: A request's core call, built from the services, the request context and the request.
_Bind: TypeAlias = Callable[[BrokerServices, RequestContext, _Request], _CoreCall[_Response]]
#: How long a parked request may wait: ``run``'s ``bound_ms`` (None: the commit timeout).
_WaitBound: TypeAlias = Callable[[GroupCoordinatorCore, ParkKey], int] | int | None
#: An ACL check's verdict: None (serve the request as it is), an error code (the API's error
#: response), a response (answer it now), or the request to serve instead with what to do to
#: its answer (put back the parts taken out, or take out what may not be seen).
_Gate: TypeAlias = tuple[_Request, Callable[[_Response], _Response]] | ErrorCode | _Response | None
#: An API's ACL check (run only when authorization is on).
_Authorize: TypeAlias = Callable[[Authorizer, RequestContext, _Request], _Gate[_Request, _Response]]


def _coordinator(services: BrokerServices) -> GroupCoordinator | None:
    return services.group_coordinator


def group_handler(
    request: type[_Request],
    min_version: int,
    max_version: int,
    call: _Bind[_Request, _Response],
    error_response: Callable[[_Request, int, ErrorCode], _Response],
    wait_bound_ms: Callable[[BrokerServices, _Request, int], _WaitBound] | None = None,
    authorize: _Authorize[_Request, _Response] | None = None,
) -> ApiHandler:
    """The handler of a group API answered by the coordinator core: ``call`` builds the
    request's core call, ``error_response(request, version, code)`` its answer when the
    coordinator cannot give one, ``wait_bound_ms(services, request, version)`` how long it may
    stay parked (default ``offsets.commit.timeout.ms``), ``authorize`` its ACL check."""

    def handle(
        services: BrokerServices, ctx: RequestContext, body: _Request
    ) -> _Response | Awaitable[_Response]:
        version = ctx.version

        def error(code: ErrorCode) -> _Response:
            return error_response(body, version, code)

        finish: Callable[[_Response], _Response] | None = None
        if authorize is not None:
            authorizer = services.authorizer_for_image()
            if authorizer is not None:
                gate = authorize(authorizer, ctx, body)
                if isinstance(gate, ErrorCode):
                    return error(gate)
                if isinstance(gate, tuple):
                    body, finish = gate
                elif gate is not None:
                    return gate
        gc = _coordinator(services)
        if gc is None:
            return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        bound = None if wait_bound_ms is None else wait_bound_ms(services, body, version)
        answer = gc.run(call(services, ctx, body), error, bound)
        if finish is None:
            return answer
        if isinstance(answer, Message):
            return finish(answer)
        return _finished(answer, finish)

    # Named after its API (``handle_join_group``) in tracebacks and profiles.
    handle.__name__ = handle.__qualname__ = (
        "handle" + _WORD_START.sub(r"_\1", request.API_NAME).lower()
    )
    return api_handler(request, min_version, max_version, handle, error_response)


async def _finished(
    answer: Awaitable[_Response], finish: Callable[[_Response], _Response]
) -> _Response:
    return finish(await answer)


class _CoreMethod(Protocol[_Request_contra, _Response]):
    """A core method that takes the request, its version and the time."""

    def __call__(
        self, core: GroupCoordinatorCore, request: _Request_contra, /, *, version: int, now_ms: int
    ) -> Outcome[_Response]: ...


class _CheckingCoreMethod(Protocol[_Request_contra, _Response]):
    """A core method that also takes a check that a partition exists."""

    def __call__(
        self,
        core: GroupCoordinatorCore,
        request: _Request_contra,
        /,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None,
    ) -> Outcome[_Response]: ...


def _calling(method: _CoreMethod[_Request, _Response]) -> _Bind[_Request, _Response]:
    """The core call ``method(request, version=…, now_ms=…)``."""

    def bind(
        services: BrokerServices, ctx: RequestContext, request: _Request
    ) -> _CoreCall[_Response]:
        version = ctx.version
        return lambda core, now: method(core, request, version=version, now_ms=now)

    return bind


def _calling_with_partition_check(
    method: _CheckingCoreMethod[_Request, _Response],
) -> _Bind[_Request, _Response]:
    """The core call ``method(request, version=…, now_ms=…, partition_exists=…)``: partitions
    the current metadata image does not have are answered UNKNOWN_TOPIC_OR_PARTITION."""

    def bind(
        services: BrokerServices, ctx: RequestContext, request: _Request
    ) -> _CoreCall[_Response]:
        version = ctx.version
        exists = _partition_exists(services)
        return lambda core, now: method(
            core, request, version=version, now_ms=now, partition_exists=exists
        )

    return bind


def _partition_exists(services: BrokerServices) -> PartitionExists:
    image = services.image

    def exists(topic: str, partition: int) -> bool:
        return image.partition(topic, partition) is not None

    return exists


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
    """The broker coordinating a group (the leader of its ``__consumer_offsets`` partition) or
    a transactional id (the leader of its ``__transaction_state`` partition)."""
    version = ctx.version
    authorizer = services.authorizer_for_image()
    if authorizer is not None:
        refused = _authorize_find_coordinator(authorizer, ctx, request)
        if refused is not None:
            return _coordinator_error(refused, version)
    key_type = request.key_type if version >= 1 else COORDINATOR_KEY_GROUP
    if key_type == COORDINATOR_KEY_TRANSACTION:
        tc = services.txn_coordinator
        if tc is None:
            return _coordinator_error(ErrorCode.COORDINATOR_NOT_AVAILABLE, version)
        if not request.key:
            # Kafka: an empty transactional id has no coordinator.
            return _coordinator_error(
                ErrorCode.INVALID_REQUEST, version, "the transactional id is empty"
            )
        error, node_id = tc.coordinator_for(request.key)
    elif key_type == COORDINATOR_KEY_GROUP:
        gc = _coordinator(services)
        if gc is None:
            return _coordinator_error(ErrorCode.COORDINATOR_NOT_AVAILABLE, version)
        error, node_id = gc.coordinator_for(request.key)
    else:
        return _coordinator_error(
            ErrorCode.INVALID_REQUEST, version, f"unknown coordinator key type {key_type}"
        )
    host, port = services.advertised_host, services.advertised_port
    if error is ErrorCode.NONE and ctx.listener:
        # Its endpoint for the listener the client came in on (unknown yet, or the broker has
        # no such listener: the client asks again).
        found = broker_endpoint(services, node_id, ctx.listener)
        if found is None:
            error = ErrorCode.COORDINATOR_NOT_AVAILABLE
        else:
            host, port = found
    elif error is ErrorCode.NONE and node_id != services.node_id:
        # The coordinator is another broker: its registered address (unknown yet: the
        # client asks again).
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


# -- JoinGroup, SyncGroup -------------------------------------------------------------------


def _join_call(
    services: BrokerServices, ctx: RequestContext, request: JoinGroupRequest
) -> _CoreCall[JoinGroupResponse]:
    """Join (or rejoin) a group, as the client the request context names."""
    version = ctx.version
    client_id = ctx.header.client_id or ""
    host = client_host(ctx.peer)
    return lambda core, now: core.join_group(
        request, version=version, client_id=client_id, client_host=host, now_ms=now
    )


def _join_wait_bound_ms(
    services: BrokerServices, request: JoinGroupRequest, version: int
) -> Callable[[GroupCoordinatorCore, ParkKey], int]:
    """A parked JoinGroup waits for the join phase: the longest rebalance timeout, then the
    record's commit."""
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


def join_group_error(request: JoinGroupRequest, version: int, code: ErrorCode) -> JoinGroupResponse:
    """JoinGroup failed."""
    return join_response(version, code, request.member_id)


def _join_or_refuse_call(
    services: BrokerServices, ctx: RequestContext, request: JoinGroupRequest
) -> _CoreCall[JoinGroupResponse]:
    """A classic JoinGroup for a KIP-848 consumer group: an empty one converts back to a
    classic group (``group.consumer.migration.policy``); a non-empty one is refused as Kafka
    refuses it (GROUP_ID_NOT_FOUND: not a classic group)."""
    gc = services.group_coordinator
    verdict = None if gc is None else gc.consumer_groups.convert_to_classic(request.group_id)
    if verdict is not None and verdict is not ErrorCode.NONE:
        refused = join_group_error(request, ctx.version, verdict)
        return lambda core, now: Outcome(response=refused)
    return _join_call(services, ctx, request)


#: The group type of KIP-848 groups (ListGroups v5).
CONSUMER_GROUP_TYPE: Final = "consumer"


def _list_groups_call(
    services: BrokerServices, ctx: RequestContext, request: ListGroupsRequest
) -> _CoreCall[ListGroupsResponse]:
    """ListGroups: the classic groups and the KIP-848 consumer groups this broker
    coordinates, each with its type (v5) and the ``types_filter`` applied, as Kafka 4."""
    version = ctx.version
    types = {t.lower() for t in request.types_filter} if version >= 5 else set()
    states = {s.lower() for s in request.states_filter} if version >= 4 else set()
    classic_request = copy.copy(request)
    classic_request.types_filter = []
    gc = services.group_coordinator
    consumer = None if gc is None else gc.consumer_groups.core

    def call(core: GroupCoordinatorCore, now: int) -> Outcome[ListGroupsResponse]:
        out = core.list_groups(classic_request, version=version, now_ms=now)
        response = out.response
        if response is None or consumer is None:
            return out
        listed = [
            g
            for g in response.groups
            if not consumer.is_consumer_group(g.group_id)
            and (not types or g.group_type.lower() in types)
        ]
        if not types or CONSUMER_GROUP_TYPE in types:
            for group_id in sorted(consumer.groups):
                state = consumer.group_state(group_id)
                if states and state.lower() not in states:
                    continue
                listed.append(
                    ListGroupsResponse.ListedGroup(
                        group_id=group_id,
                        protocol_type="consumer",
                        group_state=state,
                        group_type=CONSUMER_GROUP_TYPE,
                    )
                )
        response.groups = listed
        return out

    return call


def _describe_groups_call(
    services: BrokerServices, ctx: RequestContext, request: DescribeGroupsRequest
) -> _CoreCall[DescribeGroupsResponse]:
    """DescribeGroups: a KIP-848 consumer group is GROUP_ID_NOT_FOUND here (it is described
    with ConsumerGroupDescribe), as Kafka 4 answers for a group that is not classic."""
    version = ctx.version
    gc = services.group_coordinator
    consumer = None if gc is None else gc.consumer_groups.core

    def call(core: GroupCoordinatorCore, now: int) -> Outcome[DescribeGroupsResponse]:
        out = core.describe_groups(request, version=version, now_ms=now)
        if out.response is None or consumer is None:
            return out
        for g in out.response.groups:
            if g.error_code == ErrorCode.NONE and consumer.is_consumer_group(g.group_id):
                g.error_code = ErrorCode.GROUP_ID_NOT_FOUND
                g.group_state = "Dead"
                g.protocol_type = ""
                g.protocol_data = ""
                g.members = []
        return out

    return call


def _sync_wait_bound_ms(
    services: BrokerServices, request: SyncGroupRequest, version: int
) -> Callable[[GroupCoordinatorCore, ParkKey], int]:
    """Followers wait for the leader's assignment: up to the member's rebalance timeout."""
    commit_timeout = services.config.offsets_commit_timeout_ms
    max_session = services.config.group_max_session_timeout_ms

    def horizon(core: GroupCoordinatorCore, key: ParkKey) -> int:
        group = core.group(key.group_id)
        member = group.members.get(request.member_id) if group is not None else None
        timeout = member.rebalance_timeout_ms if member is not None else max_session
        return timeout + commit_timeout

    return horizon


def sync_group_error(request: SyncGroupRequest, version: int, code: ErrorCode) -> SyncGroupResponse:
    """SyncGroup failed."""
    return SyncGroupResponse(error_code=code, assignment=b"")


# -- error responses of the other coordinator APIs -------------------------------------------


def heartbeat_error(request: HeartbeatRequest, version: int, code: ErrorCode) -> HeartbeatResponse:
    """Heartbeat failed."""
    return HeartbeatResponse(error_code=code)


def leave_group_error(
    request: LeaveGroupRequest, version: int, code: ErrorCode
) -> LeaveGroupResponse:
    """LeaveGroup failed."""
    return LeaveGroupResponse(error_code=code, members=[])


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


def list_groups_error(
    request: ListGroupsRequest, version: int, code: ErrorCode
) -> ListGroupsResponse:
    """ListGroups failed."""
    return ListGroupsResponse(error_code=code, groups=[])


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


def offset_delete_error(
    request: OffsetDeleteRequest, version: int, code: ErrorCode
) -> OffsetDeleteResponse:
    """OffsetDelete failed as a whole."""
    return OffsetDeleteResponse(error_code=code, topics=[])


def _offset_commit_call(
    services: BrokerServices, ctx: RequestContext, request: OffsetCommitRequest
) -> _CoreCall[OffsetCommitResponse]:
    """OffsetCommit. A commit to a KIP-848 consumer group is checked against that group (the
    member and its epoch: UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH, v9+); once accepted, its
    offsets are stored as a commit without a member (the group's offsets live in the same
    store as a classic group's)."""
    version = ctx.version
    exists = _partition_exists(services)
    gc = services.group_coordinator
    verdict = (
        None
        if gc is None
        else gc.consumer_groups.core.validate_offset_commit(
            request.group_id, request.member_id, request.generation_id_or_member_epoch, version
        )
    )
    if verdict is not None and verdict is not ErrorCode.NONE:
        refused = offset_commit_error(request, version, verdict)
        return lambda core, now: Outcome(response=refused)
    if verdict is ErrorCode.NONE:
        request = copy.copy(request)
        request.generation_id_or_member_epoch = -1
        request.member_id = ""
        request.group_instance_id = None
    return lambda core, now: core.offset_commit(
        request, version=version, now_ms=now, partition_exists=exists
    )


def txn_offset_commit_error(
    request: TxnOffsetCommitRequest, version: int, code: ErrorCode
) -> TxnOffsetCommitResponse:
    """Every partition with the error."""
    return _txn_offset_commit_error(request, code)


def _txn_offset_commit_call(
    services: BrokerServices, ctx: RequestContext, request: TxnOffsetCommitRequest
) -> _CoreCall[TxnOffsetCommitResponse]:
    """Commit offsets in the producer's transaction (pending until its marker); partitions the
    metadata image does not have are answered UNKNOWN_TOPIC_OR_PARTITION."""
    version = ctx.version
    exists = _partition_exists(services)
    return lambda core, now: core.txn_offset_commit(request, version, now, partition_exists=exists)


# -- ACL checks (run only when authorization is on) ------------------------------------------


def _group_allows(
    authorizer: Authorizer, ctx: RequestContext, op: AclOperation, group_id: str
) -> bool:
    return allows(authorizer, ctx, op, ResourceType.GROUP, group_id)


def _denied_topics(
    authorizer: Authorizer, ctx: RequestContext, op: AclOperation, names: Iterable[str]
) -> set[str]:
    """The topics (each checked once) on which ``op`` is not allowed."""
    return {
        name for name in set(names) if not allows(authorizer, ctx, op, ResourceType.TOPIC, name)
    }


def _replaced(request: _Request, **fields: object) -> _Request:
    """A shallow copy of ``request`` with ``fields`` replaced."""
    changed = copy.copy(request)
    for name, value in fields.items():
        setattr(changed, name, value)
    return changed


def _split_topics(
    request: _Request,
    denied: set[str],
    refuse: Callable[[Any], Any],
    empty: Callable[[], _Response],
    keep_refused: Callable[[_Response], bool] = lambda response: True,
) -> _Gate[_Request, _Response]:
    """The request without its ``denied`` topics, and a finisher that adds the refused ones to
    the response (``refuse`` turns a request topic into its response entry); ``empty`` is the
    answer when every topic is refused."""
    refused = [refuse(t) for t in request.topics if t.name in denied]  # type: ignore[attr-defined]

    def finish(response: _Response) -> _Response:
        if keep_refused(response):
            response.topics = [*response.topics, *refused]  # type: ignore[attr-defined]
        return response

    allowed = [t for t in request.topics if t.name not in denied]  # type: ignore[attr-defined]
    if not allowed:
        return finish(empty())
    return _replaced(request, topics=allowed), finish


def _refused_topic(topic_cls: Callable[..., Any], partition_cls: Callable[..., Any]) -> Any:
    """A request topic's response entry: TOPIC_AUTHORIZATION_FAILED for each partition."""

    def refuse(topic: Any) -> Any:
        return topic_cls(
            name=topic.name,
            partitions=[
                partition_cls(
                    partition_index=p.partition_index,
                    error_code=ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                )
                for p in topic.partitions
            ],
        )

    return refuse


def _read_group(
    authorizer: Authorizer,
    ctx: RequestContext,
    request: JoinGroupRequest | SyncGroupRequest | HeartbeatRequest | LeaveGroupRequest,
) -> ErrorCode | None:
    """JoinGroup, SyncGroup, Heartbeat, LeaveGroup: READ on the group."""
    if _group_allows(authorizer, ctx, AclOperation.READ, request.group_id):
        return None
    return ErrorCode.GROUP_AUTHORIZATION_FAILED


def _authorize_find_coordinator(
    authorizer: Authorizer, ctx: RequestContext, request: FindCoordinatorRequest
) -> ErrorCode | None:
    """DESCRIBE on the group, or on the transactional id."""
    key_type = request.key_type if ctx.version >= 1 else COORDINATOR_KEY_GROUP
    if key_type == COORDINATOR_KEY_TRANSACTION:
        rtype, code = ResourceType.TRANSACTIONAL_ID, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    elif key_type == COORDINATOR_KEY_GROUP:
        rtype, code = ResourceType.GROUP, ErrorCode.GROUP_AUTHORIZATION_FAILED
    else:
        return None  # answered INVALID_REQUEST
    if allows(authorizer, ctx, AclOperation.DESCRIBE, rtype, request.key):
        return None
    return code


_DescribedGroup = DescribeGroupsResponse.DescribedGroup


def _authorize_describe_groups(
    authorizer: Authorizer, ctx: RequestContext, request: DescribeGroupsRequest
) -> _Gate[DescribeGroupsRequest, DescribeGroupsResponse]:
    """DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED for the others); the authorized
    operations of each described group when asked (v3+)."""
    allowed = [
        g for g in request.groups if _group_allows(authorizer, ctx, AclOperation.DESCRIBE, g)
    ]
    with_ops = ctx.version >= 3 and request.include_authorized_operations
    if len(allowed) == len(request.groups) and not with_ops:
        return None
    order = list(request.groups)

    def finish(response: DescribeGroupsResponse) -> DescribeGroupsResponse:
        by_id = {g.group_id: g for g in response.groups}
        groups: list[_DescribedGroup] = []
        for group_id in order:
            found = by_id.get(group_id)
            if found is None:
                code = ErrorCode.GROUP_AUTHORIZATION_FAILED
                found = _DescribedGroup(
                    error_code=code,
                    group_id=group_id,
                    group_state="",
                    protocol_type="",
                    protocol_data="",
                )
            elif with_ops and not found.error_code:
                found.authorized_operations = authorized_operations(
                    authorizer, ctx, ResourceType.GROUP, group_id
                )
            groups.append(found)
        response.groups = groups
        return response

    if not allowed:
        return finish(DescribeGroupsResponse(groups=[]))
    return _replaced(request, groups=allowed), finish


def _authorize_list_groups(
    authorizer: Authorizer, ctx: RequestContext, request: ListGroupsRequest
) -> _Gate[ListGroupsRequest, ListGroupsResponse]:
    """DESCRIBE on the Cluster lists every group; otherwise only those with DESCRIBE."""
    if allows(authorizer, ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME):
        return None

    def finish(response: ListGroupsResponse) -> ListGroupsResponse:
        response.groups = [
            g
            for g in response.groups
            if _group_allows(authorizer, ctx, AclOperation.DESCRIBE, g.group_id)
        ]
        return response

    return request, finish


def _authorize_delete_groups(
    authorizer: Authorizer, ctx: RequestContext, request: DeleteGroupsRequest
) -> _Gate[DeleteGroupsRequest, DeleteGroupsResponse]:
    """DELETE on each group (GROUP_AUTHORIZATION_FAILED for the others)."""
    names = list(dict.fromkeys(request.groups_names))
    allowed = [g for g in names if _group_allows(authorizer, ctx, AclOperation.DELETE, g)]
    if len(allowed) == len(names):
        return None
    result_cls = DeleteGroupsResponse.DeletableGroupResult

    def finish(response: DeleteGroupsResponse) -> DeleteGroupsResponse:
        by_id = {r.group_id: r for r in response.results}
        denied = ErrorCode.GROUP_AUTHORIZATION_FAILED
        response.results = [
            by_id.get(g) or result_cls(group_id=g, error_code=denied) for g in names
        ]
        return response

    if not allowed:
        return finish(DeleteGroupsResponse(results=[]))
    return _replaced(request, groups_names=allowed), finish


_CommitTopic = OffsetCommitResponse.OffsetCommitResponseTopic
_CommitPartition = _CommitTopic.OffsetCommitResponsePartition


def _authorize_offset_commit(
    authorizer: Authorizer, ctx: RequestContext, request: OffsetCommitRequest
) -> _Gate[OffsetCommitRequest, OffsetCommitResponse]:
    """READ on the group; READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition)."""
    if not _group_allows(authorizer, ctx, AclOperation.READ, request.group_id):
        return ErrorCode.GROUP_AUTHORIZATION_FAILED
    denied = _denied_topics(authorizer, ctx, AclOperation.READ, (t.name for t in request.topics))
    if not denied:
        return None
    refuse = _refused_topic(_CommitTopic, _CommitPartition)
    return _split_topics(request, denied, refuse, lambda: OffsetCommitResponse(topics=[]))


_FetchTopic = OffsetFetchResponse.OffsetFetchResponseTopic
_FetchPartition = _FetchTopic.OffsetFetchResponsePartition


def _authorize_offset_fetch(
    authorizer: Authorizer, ctx: RequestContext, request: OffsetFetchRequest
) -> _Gate[OffsetFetchRequest, OffsetFetchResponse]:
    """DESCRIBE on the group; DESCRIBE on each topic: named partitions of other topics answer
    TOPIC_AUTHORIZATION_FAILED, a fetch of all committed offsets leaves them out."""
    if not _group_allows(authorizer, ctx, AclOperation.DESCRIBE, request.group_id):
        return ErrorCode.GROUP_AUTHORIZATION_FAILED
    if request.topics is None:

        def leave_out(response: OffsetFetchResponse) -> OffsetFetchResponse:
            hidden = _denied_topics(
                authorizer, ctx, AclOperation.DESCRIBE, (t.name for t in response.topics)
            )
            if hidden:
                response.topics = [t for t in response.topics if t.name not in hidden]
            return response

        return request, leave_out
    denied = _denied_topics(
        authorizer, ctx, AclOperation.DESCRIBE, (t.name for t in request.topics)
    )
    if not denied:
        return None

    def refuse(topic: OffsetFetchRequest.OffsetFetchRequestTopic) -> _FetchTopic:
        return _FetchTopic(
            name=topic.name,
            partitions=[
                _FetchPartition(
                    partition_index=p,
                    committed_offset=-1,
                    metadata="",
                    error_code=ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                )
                for p in topic.partition_indexes
            ],
        )

    return _split_topics(request, denied, refuse, lambda: OffsetFetchResponse(topics=[]))


_DeleteTopic = OffsetDeleteResponse.OffsetDeleteResponseTopic
_DeletePartition = _DeleteTopic.OffsetDeleteResponsePartition


def _authorize_offset_delete(
    authorizer: Authorizer, ctx: RequestContext, request: OffsetDeleteRequest
) -> _Gate[OffsetDeleteRequest, OffsetDeleteResponse]:
    """DELETE on the group; READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition)."""
    if not _group_allows(authorizer, ctx, AclOperation.DELETE, request.group_id):
        return ErrorCode.GROUP_AUTHORIZATION_FAILED
    denied = _denied_topics(authorizer, ctx, AclOperation.READ, (t.name for t in request.topics))
    if not denied:
        return None
    return _split_topics(
        request,
        denied,
        _refused_topic(_DeleteTopic, _DeletePartition),
        lambda: OffsetDeleteResponse(error_code=0, topics=[]),
        keep_refused=lambda response: not response.error_code,
    )


_TxnTopic = TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
_TxnPartition = _TxnTopic.TxnOffsetCommitResponsePartition


def _authorize_txn_offset_commit(
    authorizer: Authorizer, ctx: RequestContext, request: TxnOffsetCommitRequest
) -> _Gate[TxnOffsetCommitRequest, TxnOffsetCommitResponse]:
    """WRITE on the transactional id, READ on the group, READ on each topic."""
    if not allows(
        authorizer,
        ctx,
        AclOperation.WRITE,
        ResourceType.TRANSACTIONAL_ID,
        request.transactional_id,
    ):
        return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    if not _group_allows(authorizer, ctx, AclOperation.READ, request.group_id):
        return ErrorCode.GROUP_AUTHORIZATION_FAILED
    denied = _denied_topics(authorizer, ctx, AclOperation.READ, (t.name for t in request.topics))
    if not denied:
        return None
    refuse = _refused_topic(_TxnTopic, _TxnPartition)
    return _split_topics(request, denied, refuse, lambda: TxnOffsetCommitResponse(topics=[]))


_Core = GroupCoordinatorCore

#: The group APIs with the versions advertised. Each coordinator API names the core's method
#: (with what it takes besides the request), its error response and, for the rebalance
#: phases, how long it may stay parked.
HANDLERS: Final = (
    api_handler(FindCoordinatorRequest, 0, 3, handle_find_coordinator, find_coordinator_error),
    group_handler(
        JoinGroupRequest,
        0,
        7,
        _join_or_refuse_call,
        join_group_error,
        wait_bound_ms=_join_wait_bound_ms,
        authorize=_read_group,
    ),
    group_handler(
        SyncGroupRequest,
        0,
        5,
        _calling(_Core.sync_group),
        sync_group_error,
        wait_bound_ms=_sync_wait_bound_ms,
        authorize=_read_group,
    ),
    group_handler(
        HeartbeatRequest, 0, 4, _calling(_Core.heartbeat), heartbeat_error, authorize=_read_group
    ),
    group_handler(
        LeaveGroupRequest,
        0,
        4,
        _calling(_Core.leave_group),
        leave_group_error,
        authorize=_read_group,
    ),
    group_handler(
        DescribeGroupsRequest,
        0,
        5,
        _describe_groups_call,
        describe_groups_error,
        authorize=_authorize_describe_groups,
    ),
    group_handler(
        ListGroupsRequest,
        0,
        5,
        _list_groups_call,
        list_groups_error,
        authorize=_authorize_list_groups,
    ),
    group_handler(
        DeleteGroupsRequest,
        0,
        2,
        _calling(_Core.delete_groups),
        delete_groups_error,
        authorize=_authorize_delete_groups,
    ),
    group_handler(
        OffsetCommitRequest,
        2,
        9,
        _offset_commit_call,
        offset_commit_error,
        authorize=_authorize_offset_commit,
    ),
    group_handler(
        OffsetFetchRequest,
        1,
        7,
        _calling(_Core.offset_fetch),
        offset_fetch_error,
        authorize=_authorize_offset_fetch,
    ),
    group_handler(
        OffsetDeleteRequest,
        0,
        0,
        _calling_with_partition_check(_Core.offset_delete),
        offset_delete_error,
        authorize=_authorize_offset_delete,
    ),
    group_handler(
        TxnOffsetCommitRequest,
        0,
        3,
        _txn_offset_commit_call,
        txn_offset_commit_error,
        authorize=_authorize_txn_offset_commit,
    ),
)
