"""DescribeAcls, CreateAcls and DeleteAcls (v0-3): the ACLs the authorizer enforces.

ACL bindings live in the metadata log (``AccessControlEntryRecord``); CreateAcls and DeleteAcls
go through the controller, DescribeAcls reads the current image. As Kafka's: with no authorizer
configured (``authorizer.class.name`` empty) all three answer SECURITY_DISABLED; DescribeAcls
needs DESCRIBE on the Cluster, CreateAcls and DeleteAcls ALTER on it
(CLUSTER_AUTHORIZATION_FAILED). A binding or filter with an unknown or unusable value (a
resource type ANY in a binding, a pattern type MATCH, an empty principal …) is INVALID_REQUEST
with the reason. DescribeAcls groups the matching bindings by resource (type, name, pattern
type), as Kafka's response does.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable
from typing import Final, TypeVar

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.security.acl import AclBinding, AclFilter, binding_error, filter_error
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import (
    CreateAclsRequest,
    CreateAclsResponse,
    DeleteAclsRequest,
    DeleteAclsResponse,
    DescribeAclsRequest,
    DescribeAclsResponse,
)

__all__ = [
    "HANDLERS",
    "create_acls_error",
    "delete_acls_error",
    "describe_acls_error",
    "handle_create_acls",
    "handle_delete_acls",
    "handle_describe_acls",
]

_Resource = DescribeAclsResponse.DescribeAclsResource
_Description = DescribeAclsResponse.DescribeAclsResource.AclDescription
_CreationResult = CreateAclsResponse.AclCreationResult
_FilterResult = DeleteAclsResponse.DeleteAclsFilterResult
_Matching = DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl

_DISABLED: Final = "No Authorizer is configured on the broker"


_E = TypeVar("_E", bound=enum.IntEnum)


def _member(kind: type[_E], value: int) -> _E | None:
    """The enum member with wire value ``value``; None for a number Kafka does not define."""
    try:
        return kind(value)
    except ValueError:
        return None


def _binding(c: CreateAclsRequest.AclCreation) -> AclBinding | str:
    """The binding a CreateAcls creation asks for, or why it is invalid."""
    rtype = _member(ResourceType, c.resource_type)
    pattern = _member(PatternType, c.resource_pattern_type)
    op = _member(AclOperation, c.operation)
    permission = _member(AclPermissionType, c.permission_type)
    if rtype is None or pattern is None or op is None or permission is None:
        return "unknown resource type, pattern type, operation or permission type"
    binding = AclBinding(rtype, c.resource_name, pattern, c.principal, c.host, op, permission)
    return binding_error(binding) or binding


def _filter(
    resource_type: int,
    resource_name: str | None,
    pattern_type: int,
    principal: str | None,
    host: str | None,
    operation: int,
    permission_type: int,
) -> AclFilter | str:
    """The filter of a DescribeAcls request or DeleteAcls entry, or why it is invalid."""
    rtype = _member(ResourceType, resource_type)
    pattern = _member(PatternType, pattern_type)
    op = _member(AclOperation, operation)
    permission = _member(AclPermissionType, permission_type)
    if rtype is None or pattern is None or op is None or permission is None:
        return "unknown resource type, pattern type, operation or permission type"
    f = AclFilter(rtype, resource_name, pattern, principal, host, op, permission)
    return filter_error(f) or f


def _cluster_allows(services: BrokerServices, ctx: RequestContext, op: AclOperation) -> ErrorCode:
    """NONE, SECURITY_DISABLED (no authorizer) or CLUSTER_AUTHORIZATION_FAILED."""
    authorizer = services.authorizer_for_image()
    if authorizer is None:
        return ErrorCode.SECURITY_DISABLED
    if allows(authorizer, ctx, op, ResourceType.CLUSTER, CLUSTER_NAME):
        return ErrorCode.NONE
    return ErrorCode.CLUSTER_AUTHORIZATION_FAILED


def _message(code: ErrorCode) -> str | None:
    return _DISABLED if code is ErrorCode.SECURITY_DISABLED else None


# -- DescribeAcls ----------------------------------------------------------------------------


def handle_describe_acls(
    services: BrokerServices, ctx: RequestContext, request: DescribeAclsRequest
) -> DescribeAclsResponse:
    """The bindings matching the filter, grouped by resource."""
    code = _cluster_allows(services, ctx, AclOperation.DESCRIBE)
    if code is not ErrorCode.NONE:
        return describe_acls_error(request, ctx.version, code)
    f = _filter(
        request.resource_type_filter,
        request.resource_name_filter,
        request.pattern_type_filter,
        request.principal_filter,
        request.host_filter,
        request.operation,
        request.permission_type,
    )
    if isinstance(f, str):
        return DescribeAclsResponse(
            error_code=ErrorCode.INVALID_REQUEST, error_message=f, resources=[]
        )
    acls = services.image.acls
    grouped: dict[tuple[int, str, int], list[_Description]] = {}
    for binding in acls.values():
        if f.matches(binding):
            key = (binding.resource_type, binding.resource_name, binding.pattern_type)
            grouped.setdefault(key, []).append(
                _Description(
                    principal=binding.principal,
                    host=binding.host,
                    operation=binding.operation,
                    permission_type=binding.permission,
                )
            )
    return DescribeAclsResponse(
        error_code=0,
        error_message=None,
        resources=[
            _Resource(resource_type=t, resource_name=n, pattern_type=p, acls=descriptions)
            for (t, n, p), descriptions in grouped.items()
        ],
    )


def describe_acls_error(
    request: DescribeAclsRequest, version: int, code: ErrorCode
) -> DescribeAclsResponse:
    """DescribeAcls failed as a whole."""
    return DescribeAclsResponse(error_code=code, error_message=_message(code), resources=[])


# -- CreateAcls ------------------------------------------------------------------------------


def handle_create_acls(
    services: BrokerServices, ctx: RequestContext, request: CreateAclsRequest
) -> CreateAclsResponse | Awaitable[CreateAclsResponse]:
    """Create each binding through the controller (one result per creation, in order)."""
    code = _cluster_allows(services, ctx, AclOperation.ALTER)
    if code is not ErrorCode.NONE:
        return create_acls_error(request, ctx.version, code)
    parsed = [_binding(c) for c in request.creations]
    return _create_acls(services, parsed)


async def _create_acls(
    services: BrokerServices, parsed: list[AclBinding | str]
) -> CreateAclsResponse:
    valid = [b for b in parsed if isinstance(b, AclBinding)]
    answers = iter(await services.controller.create_acls(valid) if valid else [])
    results: list[_CreationResult] = []
    for item in parsed:
        if isinstance(item, str):
            results.append(
                _CreationResult(error_code=ErrorCode.INVALID_REQUEST, error_message=item)
            )
        else:
            r = next(answers)
            results.append(_CreationResult(error_code=r.error, error_message=r.message))
    return CreateAclsResponse(throttle_time_ms=0, results=results)


def create_acls_error(
    request: CreateAclsRequest, version: int, code: ErrorCode
) -> CreateAclsResponse:
    """Every creation with the error."""
    return CreateAclsResponse(
        results=[
            _CreationResult(error_code=code, error_message=_message(code))
            for _ in request.creations
        ]
    )


# -- DeleteAcls ------------------------------------------------------------------------------


def handle_delete_acls(
    services: BrokerServices, ctx: RequestContext, request: DeleteAclsRequest
) -> DeleteAclsResponse | Awaitable[DeleteAclsResponse]:
    """Delete the bindings each filter matches, through the controller."""
    code = _cluster_allows(services, ctx, AclOperation.ALTER)
    if code is not ErrorCode.NONE:
        return delete_acls_error(request, ctx.version, code)
    parsed = [
        _filter(
            f.resource_type_filter,
            f.resource_name_filter,
            f.pattern_type_filter,
            f.principal_filter,
            f.host_filter,
            f.operation,
            f.permission_type,
        )
        for f in request.filters
    ]
    return _delete_acls(services, parsed)


def _matching(binding: AclBinding) -> _Matching:
    return _Matching(
        error_code=0,
        error_message=None,
        resource_type=binding.resource_type,
        resource_name=binding.resource_name,
        pattern_type=binding.pattern_type,
        principal=binding.principal,
        host=binding.host,
        operation=binding.operation,
        permission_type=binding.permission,
    )


async def _delete_acls(
    services: BrokerServices, parsed: list[AclFilter | str]
) -> DeleteAclsResponse:
    valid = [f for f in parsed if isinstance(f, AclFilter)]
    answers = iter(await services.controller.delete_acls(valid) if valid else [])
    results: list[_FilterResult] = []
    for item in parsed:
        if isinstance(item, str):
            results.append(
                _FilterResult(
                    error_code=ErrorCode.INVALID_REQUEST, error_message=item, matching_acls=[]
                )
            )
            continue
        r = next(answers)
        results.append(
            _FilterResult(
                error_code=r.error,
                error_message=r.message,
                matching_acls=[_matching(b) for b in r.deleted],
            )
        )
    return DeleteAclsResponse(throttle_time_ms=0, filter_results=results)


def delete_acls_error(
    request: DeleteAclsRequest, version: int, code: ErrorCode
) -> DeleteAclsResponse:
    """Every filter with the error."""
    return DeleteAclsResponse(
        filter_results=[
            _FilterResult(error_code=code, error_message=_message(code), matching_acls=[])
            for _ in request.filters
        ]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(DescribeAclsRequest, 0, 3, handle_describe_acls, describe_acls_error),
    api_handler(CreateAclsRequest, 0, 3, handle_create_acls, create_acls_error),
    api_handler(DeleteAclsRequest, 0, 3, handle_delete_acls, delete_acls_error),
)
