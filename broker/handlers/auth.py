"""ACL checks for the handlers: Kafka's "operations and resources on protocols".

Every handler asks ``services.authorizer_for_image()`` once per request; None means
authorization is off and the handler skips every check (one call and one ``is None`` per
request). Otherwise it checks per resource name — per topic, never per partition — and the
``Authorizer`` caches decisions.

One rule beyond the ACLs themselves: any operation other than DESCRIBE on an internal topic
(``__consumer_offsets``, ``__transaction_state``) also needs ALTER on the Cluster, so nobody
without cluster Alter can read, write or delete what the coordinators keep there.
"""

from __future__ import annotations

from collections.abc import Iterable

from broker.handlers.base import BrokerServices, RequestContext
from broker.metadata.internal_topics import is_internal_topic
from broker.security.acl import SUPPORTED_OPERATIONS, Authorizer
from protocol.acl import CLUSTER_NAME, AclOperation, ResourceType

__all__ = [
    "CLUSTER_NAME",
    "allows",
    "allows_any",
    "authorized",
    "authorized_operations",
    "filter_authorized",
]


def allows(
    authorizer: Authorizer,
    ctx: RequestContext,
    op: AclOperation,
    rtype: ResourceType,
    name: str,
) -> bool:
    """Whether the request's principal may do ``op`` on the resource (with the internal-topic
    rule)."""
    principal, host = ctx.principal, ctx.client_host
    if not authorizer.authorize(principal, host, op, rtype, name):
        return False
    if rtype == ResourceType.TOPIC and op != AclOperation.DESCRIBE and is_internal_topic(name):
        return authorizer.authorize(
            principal, host, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME
        )
    return True


def allows_any(
    authorizer: Authorizer, ctx: RequestContext, op: AclOperation, rtype: ResourceType
) -> bool:
    """Whether some resource of ``rtype`` allows ``op`` ("Write on any topic", KIP-679)."""
    return authorizer.any_allowed(ctx.principal, ctx.client_host, op, rtype)


def authorized(
    services: BrokerServices,
    ctx: RequestContext,
    op: AclOperation,
    rtype: ResourceType,
    name: str,
) -> bool:
    """Whether the request may do ``op`` on the resource; True when authorization is off."""
    authorizer = services.authorizer_for_image()
    return authorizer is None or allows(authorizer, ctx, op, rtype, name)


def filter_authorized(
    services: BrokerServices,
    ctx: RequestContext,
    op: AclOperation,
    rtype: ResourceType,
    names: Iterable[str],
) -> list[str]:
    """The names (in order) on which the request may do ``op``; all when authorization is
    off."""
    authorizer = services.authorizer_for_image()
    if authorizer is None:
        return list(names)
    return [name for name in names if allows(authorizer, ctx, op, rtype, name)]


def authorized_operations(
    authorizer: Authorizer | None, ctx: RequestContext, rtype: ResourceType, name: str
) -> int:
    """The bit field of operations (bit = operation's number) the request's principal may do
    on the resource, over Kafka's list for ``rtype``; all of them when authorization is off."""
    bits = 0
    for op in sorted(SUPPORTED_OPERATIONS[rtype]):  # Kafka's per-type lists, as bits
        if authorizer is None or allows(authorizer, ctx, op, rtype, name):
            bits |= 1 << op
    return bits
