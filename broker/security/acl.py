"""ACL bindings, the filters of DescribeAcls and DeleteAcls, and the authorizer: pure.

Kafka's rules, as its ``StandardAuthorizer`` applies them:

- A binding names a resource pattern (type, name, LITERAL or PREFIXED) and an entry
  (principal, host, operation, ALLOW or DENY). A LITERAL name matches that name, and the
  LITERAL name ``*`` every resource of the type; a PREFIXED name matches every name that
  starts with it. The principal ``User:*`` matches every user, the host ``*`` every host.
- Super users are allowed everything. Otherwise a matching DENY wins over any ALLOW; ALL
  matches every operation; an ALLOW of READ, WRITE, DELETE or ALTER also allows DESCRIBE, and
  one of ALTER_CONFIGS also allows DESCRIBE_CONFIGS (a DENY implies nothing: DENY READ does not
  deny DESCRIBE).
- When no binding at all applies to the resource (whoever it names, whatever operation),
  ``allow.everyone.if.no.acl.found`` decides; as soon as one does, only a matching ALLOW allows.

An ``Authorizer`` is built for one set of bindings (the metadata image's) and answers from
indexes: a decision costs one dictionary lookup for the literal name, one for ``*`` and one per
distinct prefix length, then two for each pattern found (the principal's bindings and those of
``User:*``), whatever the number of bindings. "On any resource of the type" (``any_allowed``)
walks only the bindings of the principal and of ``User:*``. Decisions are cached for the
authorizer's life; a new ACL set means a new authorizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, TypeVar

from protocol.acl import (
    CLUSTER_NAME,
    WILDCARD,
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
)

__all__ = [
    "DECISION_CACHE_ENTRIES",
    "SUPPORTED_OPERATIONS",
    "AclBinding",
    "AclFilter",
    "Authorizer",
    "binding_error",
    "filter_error",
]

#: Bound of an authorizer's decision cache: distinct (principal, host, operation, resource)
#: questions remembered before the cache is emptied and starts again. Clients ask the same few
#: questions over and over; the bound keeps a client that names ever new topics from growing
#: the broker's memory without limit (65,536 small tuples: a few MiB at most).
DECISION_CACHE_ENTRIES: Final = 65_536

#: The operations a binding may grant or deny on each resource type (Kafka's lists; ALL is
#: accepted on every type).
SUPPORTED_OPERATIONS: Final[dict[ResourceType, frozenset[AclOperation]]] = {
    ResourceType.TOPIC: frozenset(
        {
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.CREATE,
            AclOperation.DESCRIBE,
            AclOperation.DELETE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS,
        }
    ),
    ResourceType.GROUP: frozenset({AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE}),
    ResourceType.CLUSTER: frozenset(
        {
            AclOperation.CREATE,
            AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE,
        }
    ),
    ResourceType.TRANSACTIONAL_ID: frozenset({AclOperation.DESCRIBE, AclOperation.WRITE}),
    ResourceType.DELEGATION_TOKEN: frozenset({AclOperation.DESCRIBE}),
    ResourceType.USER: frozenset({AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS}),
}

#: The operations whose ALLOW also allows DESCRIBE, and DESCRIBE_CONFIGS.
_IMPLY_DESCRIBE: Final = frozenset(
    {
        AclOperation.DESCRIBE,
        AclOperation.READ,
        AclOperation.WRITE,
        AclOperation.DELETE,
        AclOperation.ALTER,
        AclOperation.ALL,
    }
)
_IMPLY_DESCRIBE_CONFIGS: Final = frozenset(
    {AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.ALL}
)


_E = TypeVar("_E", ResourceType, PatternType, AclOperation, AclPermissionType)


def _member(kind: type[_E], value: int) -> _E:
    """``value`` as a member of ``kind``; a code Samsa does not know is UNKNOWN (Kafka's
    ``fromCode``), so that wire values can be passed as they came."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        return kind.UNKNOWN


def _normalise(obj: AclBinding | AclFilter) -> None:
    object.__setattr__(obj, "resource_type", _member(ResourceType, obj.resource_type))
    object.__setattr__(obj, "pattern_type", _member(PatternType, obj.pattern_type))
    object.__setattr__(obj, "operation", _member(AclOperation, obj.operation))
    object.__setattr__(obj, "permission", _member(AclPermissionType, obj.permission))


@dataclass(frozen=True, slots=True)
class AclBinding:
    """One ACL: a resource pattern and an access-control entry. The four enums may be given
    as wire codes; a code Samsa does not know becomes UNKNOWN (refused by ``binding_error``)."""

    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType  # LITERAL or PREFIXED
    principal: str  # "User:alice", or "User:*" for every user
    host: str  # an IP address, or "*" for every host
    operation: AclOperation
    permission: AclPermissionType

    def __post_init__(self) -> None:
        _normalise(self)


@dataclass(frozen=True, slots=True)
class AclFilter:
    """A DescribeAcls or DeleteAcls filter. ANY (types, operation, permission) and None
    (strings) match everything; the pattern type ANY matches every binding whose name equals
    ``resource_name``, MATCH every binding that applies to the resource literally named so.
    Wire codes are accepted as for ``AclBinding``."""

    resource_type: ResourceType
    resource_name: str | None
    pattern_type: PatternType
    principal: str | None
    host: str | None
    operation: AclOperation
    permission: AclPermissionType

    def __post_init__(self) -> None:
        _normalise(self)

    def matches(self, binding: AclBinding) -> bool:
        """Kafka's rule: each field equal, ANY or None; principals and hosts compare exactly
        (the filter ``User:*`` finds the bindings of ``User:*``, not every user's)."""
        return self._matches_pattern(binding) and self._matches_entry(binding)

    def _matches_pattern(self, binding: AclBinding) -> bool:
        if self.resource_type not in (ResourceType.ANY, binding.resource_type):
            return False
        wanted = self.pattern_type
        if wanted not in (PatternType.ANY, PatternType.MATCH, binding.pattern_type):
            return False
        name = self.resource_name
        if name is None:
            return True
        if wanted in (PatternType.ANY, binding.pattern_type):
            return name == binding.resource_name
        # MATCH: the bindings that apply to the resource literally named ``name``.
        if binding.pattern_type is PatternType.LITERAL:
            return binding.resource_name in (name, WILDCARD)
        if binding.pattern_type is PatternType.PREFIXED:
            return name.startswith(binding.resource_name)
        return False

    def _matches_entry(self, binding: AclBinding) -> bool:
        if self.principal is not None and self.principal != binding.principal:
            return False
        if self.host is not None and self.host != binding.host:
            return False
        if self.operation not in (AclOperation.ANY, binding.operation):
            return False
        return self.permission in (AclPermissionType.ANY, binding.permission)


def _principal_error(principal: str) -> str | None:
    kind, sep, name = principal.partition(":")
    if not sep or not kind or not name:
        return f"principal {principal[:100]!r} is not of the form Type:name (User:alice)"
    return None


def binding_error(binding: AclBinding) -> str | None:
    """Why CreateAcls refuses ``binding`` (the INVALID_REQUEST message), or None if valid."""
    rtype = binding.resource_type
    if rtype in (ResourceType.UNKNOWN, ResourceType.ANY):
        return f"invalid resource type {rtype.name}"
    if binding.pattern_type not in (PatternType.LITERAL, PatternType.PREFIXED):
        return f"invalid pattern type {binding.pattern_type.name} (LITERAL or PREFIXED)"
    if binding.operation in (AclOperation.UNKNOWN, AclOperation.ANY):
        return f"invalid operation {binding.operation.name}"
    if binding.permission not in (AclPermissionType.ALLOW, AclPermissionType.DENY):
        return f"invalid permission type {binding.permission.name} (ALLOW or DENY)"
    if not binding.resource_name:
        return "resource name must not be empty"
    if rtype is ResourceType.CLUSTER and binding.resource_name != CLUSTER_NAME:
        return f"the only valid name for the CLUSTER resource is {CLUSTER_NAME}"
    principal_error = _principal_error(binding.principal)
    if principal_error is not None:
        return principal_error
    if not binding.host:
        return "host must not be empty (an address, or * for every host)"
    op = binding.operation
    if op is not AclOperation.ALL and op not in SUPPORTED_OPERATIONS[rtype]:
        allowed = ", ".join(sorted(o.name for o in SUPPORTED_OPERATIONS[rtype]))
        return f"operation {op.name} does not apply to {rtype.name} (ALL, {allowed})"
    return None


def filter_error(f: AclFilter) -> str | None:
    """Why DescribeAcls or DeleteAcls refuses ``f`` (an UNKNOWN value), or None if valid."""
    for what, value in (
        ("resource type", f.resource_type),
        ("pattern type", f.pattern_type),
        ("operation", f.operation),
        ("permission type", f.permission),
    ):
        if value.name == "UNKNOWN":
            return f"the filter's {what} is UNKNOWN"
    return None


def _concrete(operation: AclOperation, resource_type: ResourceType) -> None:
    if operation in (AclOperation.UNKNOWN, AclOperation.ANY):
        raise ValueError(f"cannot authorize operation {operation.name}")
    if resource_type in (ResourceType.UNKNOWN, ResourceType.ANY):
        raise ValueError(f"cannot authorize on resource type {resource_type.name}")


#: One pattern's bindings by principal (``User:*`` is a key like any other).
_ByPrincipal = dict[str, list[AclBinding]]


class _TypeIndex:
    """One resource type's bindings: LITERAL ones by name, PREFIXED ones by prefix, each by
    principal, and the distinct prefix lengths (ascending) so that the prefixes of a name are a
    few lookups; also every binding by principal (for "on any resource" questions)."""

    __slots__ = ("literal", "prefix_lengths", "prefixed", "principals")

    def __init__(self) -> None:
        self.literal: dict[str, _ByPrincipal] = {}
        self.prefixed: dict[str, _ByPrincipal] = {}
        self.prefix_lengths: tuple[int, ...] = ()
        self.principals: _ByPrincipal = {}

    def add(self, binding: AclBinding) -> None:
        if binding.pattern_type is PatternType.LITERAL:
            patterns = self.literal
        elif binding.pattern_type is PatternType.PREFIXED:
            patterns = self.prefixed
        else:  # never valid in a binding (binding_error): applies to nothing
            return
        by_principal = patterns.setdefault(binding.resource_name, {})
        by_principal.setdefault(binding.principal, []).append(binding)
        self.principals.setdefault(binding.principal, []).append(binding)

    def seal(self) -> None:
        self.prefix_lengths = tuple(sorted({len(p) for p in self.prefixed}))

    def covering(self, name: str) -> Iterator[_ByPrincipal]:
        """The bindings of every pattern that covers the resource ``name``."""
        found = self.literal.get(name)
        if found is not None:
            yield found
        if name != WILDCARD:
            found = self.literal.get(WILDCARD)
            if found is not None:
                yield found
        for length in self.prefix_lengths:
            if length > len(name):
                break
            found = self.prefixed.get(name[:length])
            if found is not None:
                yield found


def _wildcard_of(principal: str) -> str:
    """``User:alice`` -> ``User:*``: the principal of the bindings that name every user."""
    kind, _, _ = principal.partition(":")
    return f"{kind}:{WILDCARD}"


class Authorizer:
    """Decides requests against one set of ACL bindings (see the module's docstring)."""

    def __init__(
        self,
        bindings: Iterable[AclBinding],
        super_users: frozenset[str],
        allow_everyone_if_no_acl_found: bool,
    ) -> None:
        self._super_users = super_users
        self._allow_if_none = allow_everyone_if_no_acl_found
        self._by_type: dict[ResourceType, _TypeIndex] = {}
        for binding in bindings:
            index = self._by_type.get(binding.resource_type)
            if index is None:
                index = self._by_type[binding.resource_type] = _TypeIndex()
            index.add(binding)
        for index in self._by_type.values():
            index.seal()
        self._decisions: dict[tuple[str, str, AclOperation, ResourceType, str | None], bool] = {}

    def authorize(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: str,
    ) -> bool:
        """Whether ``principal`` connecting from ``host`` may do ``operation`` on the resource
        ``resource_type``/``name``. ValueError for ANY or UNKNOWN operation or type."""
        key = (principal, host, operation, resource_type, name)
        decision = self._decisions.get(key)
        if decision is None:
            _concrete(operation, resource_type)
            decision = self._decide(principal, host, operation, resource_type, name)
            self._remember(key, decision)
        return decision

    def any_allowed(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
    ) -> bool:
        """Whether ``principal`` may do ``operation`` on at least one resource of the type
        (KIP-679's "Write on any topic", Kafka's ``authorizeByResourceType``): an ALLOW of the
        operation (or ALL) on some name that no DENY of it covers (a LITERAL DENY of the same
        name, a PREFIXED DENY of a prefix of it, a DENY of ``*``). Implied operations do not
        count, as in Kafka. With ``allow.everyone.if.no.acl.found``, also true when no binding
        of ``*`` exists on the type, so that some resource has no binding at all."""
        key = (principal, host, operation, resource_type, None)
        decision = self._decisions.get(key)
        if decision is None:
            _concrete(operation, resource_type)
            decision = self._decide_any(principal, host, operation, resource_type)
            self._remember(key, decision)
        return decision

    def _remember(
        self, key: tuple[str, str, AclOperation, ResourceType, str | None], decision: bool
    ) -> None:
        if len(self._decisions) >= DECISION_CACHE_ENTRIES:
            self._decisions.clear()
        self._decisions[key] = decision

    def _decide(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: str,
    ) -> bool:
        if principal in self._super_users:
            return True
        index = self._by_type.get(resource_type)
        if index is None:
            return self._allow_if_none
        principals = (principal, _wildcard_of(principal))
        hosts = (host, WILDCARD)
        if operation is AclOperation.DESCRIBE:
            allowing = _IMPLY_DESCRIBE
        elif operation is AclOperation.DESCRIBE_CONFIGS:
            allowing = _IMPLY_DESCRIBE_CONFIGS
        else:
            allowing = frozenset({operation, AclOperation.ALL})
        denying = (operation, AclOperation.ALL)
        any_binding = False
        allowed = False
        for by_principal in index.covering(name):
            any_binding = True
            for who in principals:
                for binding in by_principal.get(who, ()):
                    if binding.host not in hosts:
                        continue
                    if binding.permission is AclPermissionType.DENY:
                        if binding.operation in denying:
                            return False
                    elif binding.operation in allowing:
                        allowed = True
        if not any_binding:
            return self._allow_if_none
        return allowed

    def _decide_any(
        self,
        principal: str,
        host: str,
        operation: AclOperation,
        resource_type: ResourceType,
    ) -> bool:
        if principal in self._super_users:
            return True
        index = self._by_type.get(resource_type)
        if index is None:
            return self._allow_if_none
        hosts = (host, WILDCARD)
        ops = (operation, AclOperation.ALL)
        # Only the bindings of the principal and of its wildcard can matter: a walk over
        # those, not over every binding of the type.
        allowed: list[AclBinding] = []
        denied_literals: set[str] = set()
        denied_prefixes: set[str] = set()
        for who in (principal, _wildcard_of(principal)):
            for b in index.principals.get(who, ()):
                if b.host not in hosts or b.operation not in ops:
                    continue
                if b.permission is AclPermissionType.ALLOW:
                    allowed.append(b)
                elif b.pattern_type is PatternType.PREFIXED:
                    denied_prefixes.add(b.resource_name)
                else:
                    denied_literals.add(b.resource_name)
        if WILDCARD in denied_literals:
            return False
        if any(
            b.pattern_type is PatternType.LITERAL and b.resource_name == WILDCARD for b in allowed
        ):
            return True

        def dominated(name: str) -> bool:
            return any(name[:n] in denied_prefixes for n in range(1, len(name) + 1))

        for b in allowed:
            name = b.resource_name
            if b.pattern_type is PatternType.LITERAL and name in denied_literals:
                continue
            if not dominated(name):
                return True
        return self._allow_if_none and WILDCARD not in index.literal
