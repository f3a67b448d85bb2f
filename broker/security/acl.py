"""ACL bindings, filters and the authorizer (a plain version: a scan of every binding).

Pure: no IO, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from protocol.acl import WILDCARD, AclOperation, AclPermissionType, PatternType, ResourceType

__all__ = ["AclBinding", "AclFilter", "Authorizer", "binding_error", "filter_error"]

#: Operations that imply DESCRIBE (and ALTER_CONFIGS implies DESCRIBE_CONFIGS), Kafka's rule.
_IMPLIES_DESCRIBE: Final = frozenset(
    {AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER}
)
#: Decisions kept per Authorizer: principals times resources in use are few; past this the cache is
#: emptied rather than grown without bound.
MAX_CACHED_DECISIONS: Final = 100_000


@dataclass(frozen=True, slots=True)
class AclBinding:
    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType
    principal: str
    host: str
    operation: AclOperation
    permission: AclPermissionType


@dataclass(frozen=True, slots=True)
class AclFilter:
    resource_type: ResourceType
    resource_name: str | None
    pattern_type: PatternType
    principal: str | None
    host: str | None
    operation: AclOperation
    permission: AclPermissionType

    def matches(self, binding: AclBinding) -> bool:
        """Whether ``binding`` matches this filter (ANY matches every value; MATCH matches the
        literal name, the wildcard and prefixes of the name)."""
        if self.resource_type not in (ResourceType.ANY, binding.resource_type):
            return False
        if self.pattern_type == PatternType.MATCH and self.resource_name is not None:
            name = self.resource_name
            if binding.pattern_type == PatternType.LITERAL:
                if binding.resource_name not in (name, WILDCARD):
                    return False
            elif not name.startswith(binding.resource_name):
                return False
        else:
            if self.pattern_type not in (PatternType.ANY, PatternType.MATCH) and (
                self.pattern_type != binding.pattern_type
            ):
                return False
            if self.resource_name is not None and self.resource_name != binding.resource_name:
                return False
        if self.principal is not None and self.principal != binding.principal:
            return False
        if self.host is not None and self.host != binding.host:
            return False
        if self.operation not in (AclOperation.ANY, binding.operation):
            return False
        return self.permission in (AclPermissionType.ANY, binding.permission)


def binding_error(binding: AclBinding) -> str | None:
    """Why CreateAcls refuses ``binding``, or None."""
    if binding.resource_type in (ResourceType.ANY, ResourceType.UNKNOWN):
        return "resource type must be a specific type"
    if binding.pattern_type not in (PatternType.LITERAL, PatternType.PREFIXED):
        return "pattern type must be LITERAL or PREFIXED"
    if binding.operation in (AclOperation.ANY, AclOperation.UNKNOWN):
        return "operation must be a specific operation"
    if binding.permission not in (AclPermissionType.ALLOW, AclPermissionType.DENY):
        return "permission type must be ALLOW or DENY"
    if not binding.resource_name:
        return "resource name must not be empty"
    if not binding.principal.partition(":")[2]:
        return f"principal {binding.principal!r} is not TYPE:NAME"
    return None


def filter_error(f: AclFilter) -> str | None:
    """Why DescribeAcls / DeleteAcls refuse ``f``, or None."""
    if f.resource_type == ResourceType.UNKNOWN:
        return "unknown resource type"
    if f.pattern_type == PatternType.UNKNOWN:
        return "unknown pattern type"
    if f.operation == AclOperation.UNKNOWN:
        return "unknown operation"
    if f.permission == AclPermissionType.UNKNOWN:
        return "unknown permission type"
    return None


def _covers(granted: AclOperation, wanted: AclOperation) -> bool:
    if granted in (AclOperation.ALL, wanted):
        return True
    if wanted == AclOperation.DESCRIBE:
        return granted in _IMPLIES_DESCRIBE
    if wanted == AclOperation.DESCRIBE_CONFIGS:
        return granted == AclOperation.ALTER_CONFIGS
    return False


def _names(binding: AclBinding, name: str) -> bool:
    if binding.pattern_type == PatternType.PREFIXED:
        return name.startswith(binding.resource_name)
    return binding.resource_name in (name, WILDCARD)


class Authorizer:
    """Kafka's allow/deny rules over one set of bindings."""

    def __init__(
        self,
        bindings: Iterable[AclBinding],
        super_users: frozenset[str],
        allow_everyone_if_no_acl_found: bool,
    ) -> None:
        self._bindings = tuple(bindings)
        self._super_users = super_users
        self._allow_if_none = allow_everyone_if_no_acl_found
        self._cache: dict[tuple[str, str, AclOperation, ResourceType, str], bool] = {}

    def authorize(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: str,
    ) -> bool:
        """Whether ``principal`` from ``host`` may do ``operation`` on the resource."""
        if principal in self._super_users:
            return True
        key = (principal, host, operation, resource_type, name)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        decision = self._decide(principal, host, operation, resource_type, name)
        if len(self._cache) >= MAX_CACHED_DECISIONS:
            self._cache.clear()
        self._cache[key] = decision
        return decision

    def _decide(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: str,
    ) -> bool:
        on_resource = [
            b for b in self._bindings if b.resource_type == resource_type and _names(b, name)
        ]
        if not on_resource:
            return self._allow_if_none
        allowed = False
        for b in on_resource:
            if b.principal not in (principal, "User:*") or b.host not in (host, WILDCARD):
                continue
            if b.permission == AclPermissionType.DENY and (
                b.operation in (AclOperation.ALL, operation)
            ):
                return False
            if b.permission == AclPermissionType.ALLOW and _covers(b.operation, operation):
                allowed = True
        return allowed

    def any_allowed(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
    ) -> bool:
        """Whether some resource of ``resource_type`` allows ``operation`` (KIP-679)."""
        if principal in self._super_users:
            return True
        for b in self._bindings:
            if (
                b.resource_type == resource_type
                and b.permission == AclPermissionType.ALLOW
                and b.principal in (principal, "User:*")
                and b.host in (host, WILDCARD)
                and _covers(b.operation, operation)
            ):
                return True
        return False
