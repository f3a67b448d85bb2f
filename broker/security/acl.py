"""ACL bindings and filters (Kafka's ``AclBinding`` and ``AclBindingFilter``), pure.

An ``AclBinding`` is one access-control entry on one resource pattern; an ``AclFilter`` selects
bindings for DescribeAcls and DeleteAcls. ``binding_error`` and ``filter_error`` say why
CreateAcls or DeleteAcls refuses one.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.acl import WILDCARD, AclOperation, AclPermissionType, PatternType, ResourceType

__all__ = ["AclBinding", "AclFilter", "binding_error", "filter_error"]


@dataclass(frozen=True, slots=True)
class AclBinding:
    """One entry: ``principal`` from ``host`` may (or may not) do ``operation`` on the
    resources that the pattern names."""

    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType  # LITERAL or PREFIXED
    principal: str
    host: str
    operation: AclOperation
    permission: AclPermissionType


@dataclass(frozen=True, slots=True)
class AclFilter:
    """Selects bindings; None (or ANY) matches every value of that field."""

    resource_type: ResourceType
    resource_name: str | None
    pattern_type: PatternType
    principal: str | None
    host: str | None
    operation: AclOperation
    permission: AclPermissionType

    def matches(self, binding: AclBinding) -> bool:
        """Kafka's filter rules: ANY matches every value; the MATCH pattern type matches the
        bindings that apply to the resource named (literal, ``*`` and prefixes of it)."""
        if self.resource_type not in (ResourceType.ANY, binding.resource_type):
            return False
        if not self._pattern_matches(binding):
            return False
        if self.principal is not None and self.principal != binding.principal:
            return False
        if self.host is not None and self.host != binding.host:
            return False
        if self.operation not in (AclOperation.ANY, binding.operation):
            return False
        return self.permission in (AclPermissionType.ANY, binding.permission)

    def _pattern_matches(self, binding: AclBinding) -> bool:
        name = self.resource_name
        if self.pattern_type == PatternType.MATCH:
            if name is None:
                return True
            if binding.pattern_type == PatternType.LITERAL:
                return binding.resource_name in (name, WILDCARD)
            if binding.pattern_type == PatternType.PREFIXED:
                return name.startswith(binding.resource_name)
            return False
        if self.pattern_type not in (PatternType.ANY, binding.pattern_type):
            return False
        return name is None or name == binding.resource_name


def binding_error(binding: AclBinding) -> str | None:
    """Why CreateAcls refuses ``binding`` (INVALID_REQUEST's message), or None."""
    if binding.resource_type in (ResourceType.UNKNOWN, ResourceType.ANY):
        return "Invalid resourceType"
    if binding.pattern_type not in (PatternType.LITERAL, PatternType.PREFIXED):
        return "Invalid patternType"
    if binding.operation in (AclOperation.UNKNOWN, AclOperation.ANY):
        return "Invalid operation"
    if binding.permission not in (AclPermissionType.ALLOW, AclPermissionType.DENY):
        return "Invalid permissionType"
    if not binding.resource_name:
        return "Resource name should not be empty"
    if ":" not in binding.principal:
        return f"Could not parse principal from `{binding.principal}` (no colon is present)"
    return None


def filter_error(f: AclFilter) -> str | None:
    """Why DeleteAcls refuses filter ``f`` (INVALID_REQUEST's message), or None."""
    if f.resource_type == ResourceType.UNKNOWN:
        return "Invalid resourceType"
    if f.pattern_type == PatternType.UNKNOWN:
        return "Invalid patternType"
    if f.operation == AclOperation.UNKNOWN:
        return "Invalid operation"
    if f.permission == AclPermissionType.UNKNOWN:
        return "Invalid permissionType"
    return None
