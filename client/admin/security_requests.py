"""Security requests of ``Admin``: CreateAcls, DescribeAcls and DeleteAcls, and
DescribeUserScramCredentials and AlterUserScramCredentials, built and their answers read.

A SCRAM credential is sent as Kafka's admin client sends it: a salt of ``SALT_BYTES`` random
bytes (from ``secrets``, drawn by the caller) and the salted password
(``protocol.scram.salted_password``); the password itself never leaves the client.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, TypeVar

from client.admin.types import (
    AclBinding,
    AclBindingFilter,
    ScramCredentialInfo,
    UserScramCredentials,
)
from client.errors import error_from_code
from protocol.acl import (
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
    ScramMechanism,
)
from protocol.errors import ErrorCode, UnsupportedSaslMechanismError
from protocol.messages import (
    AlterUserScramCredentialsRequest,
    CreateAclsRequest,
    DeleteAclsRequest,
    DescribeAclsRequest,
    DescribeUserScramCredentialsRequest,
)
from protocol.scram import MECHANISMS, salted_password

__all__ = [
    "DEFAULT_ITERATIONS",
    "SALT_BYTES",
    "acl_bindings",
    "check_alter_scram",
    "check_create_acls",
    "create_acls_request",
    "delete_acls_request",
    "deleted_bindings",
    "describe_acls_request",
    "describe_scram_request",
    "scram_deletion_request",
    "scram_mechanism",
    "scram_upsertion_request",
    "user_credentials",
]

#: Kafka's default iteration count for a new credential (kafka-configs.sh's 4096 is the floor
#: the broker accepts; 8192 costs a login twice as much for a guesser and still little for a
#: broker).
DEFAULT_ITERATIONS: Final = 8192
#: Salt length of a new credential: 32 random bytes, as Kafka's admin client draws.
SALT_BYTES: Final = 32


# -- ACLs ----------------------------------------------------------------------------------------


def create_acls_request(bindings: Iterable[AclBinding]) -> CreateAclsRequest:
    """The CreateAcls request for ``bindings``."""
    return CreateAclsRequest(
        creations=[
            CreateAclsRequest.AclCreation(
                resource_type=int(b.resource_type),
                resource_name=b.resource_name,
                resource_pattern_type=int(b.pattern_type),
                principal=b.principal,
                host=b.host,
                operation=int(b.operation),
                permission_type=int(b.permission),
            )
            for b in bindings
        ]
    )


def _why(code: int, message: str | None) -> str:
    """The broker's message, else the code's description (lower case first, as a clause)."""
    if message:
        return message
    try:
        description = ErrorCode(code).description
    except ValueError:
        return f"error {code}"
    return description[:1].lower() + description[1:]


def check_create_acls(bindings: list[AclBinding], response: Any) -> None:
    """Raise the first failure of a CreateAcls answer, naming its binding and why."""
    for binding, result in zip(bindings, response.results, strict=False):
        if result.error_code:
            raise error_from_code(
                result.error_code,
                f"ACL {describe_binding(binding)}: "
                + _why(result.error_code, result.error_message),
            )


def describe_binding(binding: AclBinding) -> str:
    """``ALLOW User:alice READ on TOPIC 'orders' (LITERAL) from *``."""
    return (
        f"{binding.permission.name} {binding.principal} {binding.operation.name} on "
        f"{binding.resource_type.name} {binding.resource_name!r} "
        f"({binding.pattern_type.name}) from {binding.host}"
    )


def _filter_fields(f: AclBindingFilter) -> dict[str, Any]:
    return {
        "resource_type_filter": int(f.resource_type),
        "resource_name_filter": f.resource_name,
        "pattern_type_filter": int(f.pattern_type),
        "principal_filter": f.principal,
        "host_filter": f.host,
        "operation": int(f.operation),
        "permission_type": int(f.permission),
    }


def describe_acls_request(acl_filter: AclBindingFilter) -> DescribeAclsRequest:
    """The DescribeAcls request for ``acl_filter``."""
    return DescribeAclsRequest(**_filter_fields(acl_filter))


def acl_bindings(response: Any) -> list[AclBinding]:
    """The bindings of a DescribeAcls answer (its failure raised), in the broker's order."""
    if response.error_code:
        raise error_from_code(response.error_code, response.error_message or "DescribeAcls")
    out: list[AclBinding] = []
    for resource in response.resources:
        for acl in resource.acls:
            out.append(
                _binding(
                    resource.resource_type,
                    resource.resource_name,
                    resource.pattern_type,
                    acl.principal,
                    acl.host,
                    acl.operation,
                    acl.permission_type,
                )
            )
    return out


def delete_acls_request(filters: Iterable[AclBindingFilter]) -> DeleteAclsRequest:
    """The DeleteAcls request for ``filters``."""
    return DeleteAclsRequest(
        filters=[DeleteAclsRequest.DeleteAclsFilter(**_filter_fields(f)) for f in filters]
    )


def deleted_bindings(response: Any) -> list[AclBinding]:
    """The bindings a DeleteAcls answer deleted; the first failure (of a filter or of one
    binding) raised."""
    out: list[AclBinding] = []
    for index, result in enumerate(response.filter_results):
        if result.error_code:
            raise error_from_code(
                result.error_code,
                f"ACL filter {index}: " + _why(result.error_code, result.error_message),
            )
        for acl in result.matching_acls:
            binding = _binding(
                acl.resource_type,
                acl.resource_name,
                acl.pattern_type,
                acl.principal,
                acl.host,
                acl.operation,
                acl.permission_type,
            )
            if acl.error_code:
                raise error_from_code(
                    acl.error_code,
                    f"ACL {describe_binding(binding)}: " + _why(acl.error_code, acl.error_message),
                )
            out.append(binding)
    return out


_E = TypeVar("_E", ResourceType, PatternType, AclOperation, AclPermissionType)


def _enum_or_unknown(kind: type[_E], value: int) -> _E:
    try:
        return kind(value)
    except ValueError:
        return kind(0)  # UNKNOWN: a newer broker's value


def _binding(
    resource_type: int,
    resource_name: str,
    pattern_type: int,
    principal: str,
    host: str,
    operation: int,
    permission: int,
) -> AclBinding:
    return AclBinding(
        resource_type=_enum_or_unknown(ResourceType, resource_type),
        resource_name=resource_name,
        pattern_type=_enum_or_unknown(PatternType, pattern_type),
        principal=principal,
        host=host,
        operation=_enum_or_unknown(AclOperation, operation),
        permission=_enum_or_unknown(AclPermissionType, permission),
    )


# -- SCRAM credentials ---------------------------------------------------------------------------


def scram_mechanism(name: str) -> ScramMechanism:
    """``SCRAM-SHA-256`` (any case) as its wire member; ``UnsupportedSaslMechanismError``
    naming the choices otherwise."""
    try:
        return ScramMechanism.from_name(name)
    except ValueError:
        raise UnsupportedSaslMechanismError(
            f"SCRAM mechanism {name!r} is not one of {', '.join(MECHANISMS)}"
        ) from None


def describe_scram_request(users: Iterable[str] | None) -> DescribeUserScramCredentialsRequest:
    """The DescribeUserScramCredentials request for ``users`` (``None``: every user)."""
    if users is None:
        return DescribeUserScramCredentialsRequest(users=None)
    return DescribeUserScramCredentialsRequest(
        users=[DescribeUserScramCredentialsRequest.UserName(name=u) for u in users]
    )


def user_credentials(response: Any) -> dict[str, UserScramCredentials]:
    """The users of a DescribeUserScramCredentials answer, by name; the answer's failure, or a
    user's (RESOURCE_NOT_FOUND for a user named without credentials), raised."""
    if response.error_code:
        raise error_from_code(response.error_code, response.error_message or "SCRAM users")
    out: dict[str, UserScramCredentials] = {}
    for result in response.results:
        if result.error_code:
            detail = _why(result.error_code, result.error_message)
            raise error_from_code(result.error_code, f"user {result.user!r}: {detail}")
        infos = tuple(
            ScramCredentialInfo(_mechanism_name(c.mechanism), c.iterations)
            for c in result.credential_infos
        )
        out[result.user] = UserScramCredentials(result.user, infos)
    return out


def _mechanism_name(value: int) -> str:
    try:
        return ScramMechanism(value).mechanism_name
    except ValueError:
        return f"UNKNOWN({value})"


def scram_upsertion_request(
    user: str, mechanism: str, password: str, iterations: int, salt: bytes
) -> AlterUserScramCredentialsRequest:
    """The AlterUserScramCredentials request that sets ``user``'s credential for
    ``mechanism``: the salt and the salted password, computed here."""
    member = scram_mechanism(mechanism)
    salted = salted_password(MECHANISMS[member.mechanism_name], password.encode(), salt, iterations)
    return AlterUserScramCredentialsRequest(
        upsertions=[
            AlterUserScramCredentialsRequest.ScramCredentialUpsertion(
                name=user,
                mechanism=int(member),
                iterations=iterations,
                salt=salt,
                salted_password=salted,
            )
        ]
    )


def scram_deletion_request(user: str, mechanism: str) -> AlterUserScramCredentialsRequest:
    """The AlterUserScramCredentials request that deletes ``user``'s credential for
    ``mechanism``."""
    return AlterUserScramCredentialsRequest(
        deletions=[
            AlterUserScramCredentialsRequest.ScramCredentialDeletion(
                name=user, mechanism=int(scram_mechanism(mechanism))
            )
        ]
    )


def check_alter_scram(response: Any) -> None:
    """Raise the first failure of an AlterUserScramCredentials answer, naming the user."""
    for result in response.results:
        if result.error_code:
            detail = _why(result.error_code, result.error_message)
            raise error_from_code(result.error_code, f"user {result.user!r}: {detail}")
