"""The KIP-848 consumer group APIs: ConsumerGroupHeartbeat (v0-v1) and ConsumerGroupDescribe
(v0), served by the consumer group driver the group coordinator owns
(``broker/group/consumer_driver.py``). Both answer at once: a heartbeat never parks.

With ACLs on, a heartbeat needs READ on its group (GROUP_AUTHORIZATION_FAILED) and a describe
DESCRIBE on each group, as Kafka's.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.handlers.groups import client_host
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import (
    ConsumerGroupDescribeRequest,
    ConsumerGroupDescribeResponse,
    ConsumerGroupHeartbeatRequest,
    ConsumerGroupHeartbeatResponse,
)

__all__ = ["HANDLERS", "consumer_group_describe_error", "consumer_group_heartbeat_error"]

_Described = ConsumerGroupDescribeResponse.DescribedGroup


def consumer_group_heartbeat_error(
    request: ConsumerGroupHeartbeatRequest, version: int, code: ErrorCode
) -> ConsumerGroupHeartbeatResponse:
    """The heartbeat's answer with one error."""
    return ConsumerGroupHeartbeatResponse(error_code=code, member_epoch=0, heartbeat_interval_ms=0)


def consumer_group_describe_error(
    request: ConsumerGroupDescribeRequest, version: int, code: ErrorCode
) -> ConsumerGroupDescribeResponse:
    """Every group with the error."""
    return ConsumerGroupDescribeResponse(groups=[_dead(gid, code) for gid in request.group_ids])


def _dead(group_id: str, code: ErrorCode) -> _Described:
    return _Described(
        error_code=code,
        group_id=group_id,
        group_state="Dead",
        group_epoch=0,
        assignment_epoch=0,
        assignor_name="",
        members=[],
    )


def _allowed(
    services: BrokerServices, ctx: RequestContext, group_id: str, op: AclOperation
) -> bool:
    authorizer = services.authorizer_for_image()
    if authorizer is None:
        return True
    return allows(authorizer, ctx, op, ResourceType.GROUP, group_id)


def handle_consumer_group_heartbeat(
    services: BrokerServices, ctx: RequestContext, body: ConsumerGroupHeartbeatRequest
) -> ConsumerGroupHeartbeatResponse | Awaitable[ConsumerGroupHeartbeatResponse]:
    """ConsumerGroupHeartbeat: join, heartbeat or leave a KIP-848 group."""
    version = ctx.version
    if not _allowed(services, ctx, body.group_id, AclOperation.READ):
        return consumer_group_heartbeat_error(body, version, ErrorCode.GROUP_AUTHORIZATION_FAILED)
    gc = services.group_coordinator
    if gc is None:
        return consumer_group_heartbeat_error(body, version, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return gc.consumer_groups.heartbeat(
        body, version, ctx.header.client_id or "", client_host(ctx.peer)
    )


def handle_consumer_group_describe(
    services: BrokerServices, ctx: RequestContext, body: ConsumerGroupDescribeRequest
) -> ConsumerGroupDescribeResponse:
    """ConsumerGroupDescribe: groups, epochs, members' current and target assignments."""
    gc = services.group_coordinator
    if gc is None:
        return consumer_group_describe_error(body, ctx.version, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    allowed = [g for g in body.group_ids if _allowed(services, ctx, g, AclOperation.DESCRIBE)]
    served = gc.consumer_groups.describe(ConsumerGroupDescribeRequest(group_ids=allowed))
    by_id = {g.group_id: g for g in served.groups}
    return ConsumerGroupDescribeResponse(
        groups=[
            by_id.get(g) or _dead(g, ErrorCode.GROUP_AUTHORIZATION_FAILED) for g in body.group_ids
        ]
    )


#: The KIP-848 group APIs with the versions advertised (librdkafka 2.16 and Kafka 4 clients
#: send ConsumerGroupHeartbeat v1).
HANDLERS: Final = (
    api_handler(
        ConsumerGroupHeartbeatRequest,
        0,
        1,
        handle_consumer_group_heartbeat,
        consumer_group_heartbeat_error,
    ),
    api_handler(
        ConsumerGroupDescribeRequest,
        0,
        0,
        handle_consumer_group_describe,
        consumer_group_describe_error,
    ),
)
