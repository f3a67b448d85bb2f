"""DescribeUserScramCredentials and AlterUserScramCredentials (v0): SCRAM users.

Credentials (salt, iterations, StoredKey, ServerKey — never a password) live in the metadata
log (``UserScramCredentialRecord``); changes go through the controller, descriptions read the
current image. Describing needs DESCRIBE on the Cluster (else the request answers
CLUSTER_AUTHORIZATION_FAILED), altering ALTER on it (else every user does), when ACLs are on.
Describe: no names (null or empty) lists every user with a credential; a named user without
one answers RESOURCE_NOT_FOUND, a name given twice DUPLICATE_RESOURCE. Alter: one result per
user; an unknown mechanism answers UNSUPPORTED_SASL_MECHANISM for that user (nothing of it is
changed); the controller checks the rest (iterations, duplicates, missing credentials).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, authorized
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.metadata.controller_api import OpResult, ScramUpsertion
from protocol.acl import AclOperation, ResourceType, ScramMechanism
from protocol.errors import ErrorCode
from protocol.messages import (
    AlterUserScramCredentialsRequest,
    AlterUserScramCredentialsResponse,
    DescribeUserScramCredentialsRequest,
    DescribeUserScramCredentialsResponse,
)

__all__ = [
    "HANDLERS",
    "alter_user_scram_credentials_error",
    "describe_user_scram_credentials_error",
    "handle_alter_user_scram_credentials",
    "handle_describe_user_scram_credentials",
]

_Result = DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult
_Info = _Result.CredentialInfo
_AlterResult = AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult


def _mechanism_name(value: int) -> str | None:
    """``SCRAM-SHA-256`` for its wire number; None for UNKNOWN or an undefined number."""
    try:
        member = ScramMechanism(value)
    except ValueError:
        return None
    return None if member is ScramMechanism.UNKNOWN else member.mechanism_name


# -- DescribeUserScramCredentials ------------------------------------------------------------


def handle_describe_user_scram_credentials(
    services: BrokerServices, ctx: RequestContext, request: DescribeUserScramCredentialsRequest
) -> DescribeUserScramCredentialsResponse:
    """The mechanisms and iteration counts of each user's credentials."""
    if not authorized(services, ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME):
        code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
        return describe_user_scram_credentials_error(request, ctx.version, code)
    credentials = services.image.scram_credentials
    by_user: dict[str, list[_Info]] = {}
    for (user, mechanism), credential in sorted(credentials.items()):
        by_user.setdefault(user, []).append(
            _Info(
                mechanism=ScramMechanism.from_name(mechanism).value,
                iterations=credential.iterations,
            )
        )
    if not request.users:
        results = [
            _Result(user=user, error_code=0, error_message=None, credential_infos=infos)
            for user, infos in by_user.items()
        ]
        return DescribeUserScramCredentialsResponse(error_code=0, results=results)
    names = [u.name for u in request.users]
    results = []
    for name in dict.fromkeys(names):
        if names.count(name) > 1:
            results.append(
                _Result(
                    user=name,
                    error_code=ErrorCode.DUPLICATE_RESOURCE,
                    error_message=f"Cannot describe SCRAM credentials for the same user twice "
                    f"in a single request: {name}",
                )
            )
        elif name not in by_user:
            results.append(
                _Result(
                    user=name,
                    error_code=ErrorCode.RESOURCE_NOT_FOUND,
                    error_message=f"Attempt to describe a user credential that does not exist: "
                    f"{name}",
                )
            )
        else:
            results.append(
                _Result(user=name, error_code=0, error_message=None, credential_infos=by_user[name])
            )
    return DescribeUserScramCredentialsResponse(error_code=0, results=results)


def describe_user_scram_credentials_error(
    request: DescribeUserScramCredentialsRequest, version: int, code: ErrorCode
) -> DescribeUserScramCredentialsResponse:
    """DescribeUserScramCredentials failed as a whole."""
    return DescribeUserScramCredentialsResponse(error_code=code, error_message=None, results=[])


# -- AlterUserScramCredentials ---------------------------------------------------------------


def _users(request: AlterUserScramCredentialsRequest) -> list[str]:
    """Every user the request names, once, in order (deletions first)."""
    names = [d.name for d in request.deletions] + [u.name for u in request.upsertions]
    return list(dict.fromkeys(names))


def handle_alter_user_scram_credentials(
    services: BrokerServices, ctx: RequestContext, request: AlterUserScramCredentialsRequest
) -> AlterUserScramCredentialsResponse | Awaitable[AlterUserScramCredentialsResponse]:
    """Delete and set credentials through the controller; one result per user."""
    if not authorized(services, ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME):
        code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
        return alter_user_scram_credentials_error(request, ctx.version, code)
    refused: dict[str, str] = {}
    deletions: list[tuple[str, str]] = []
    upsertions: list[ScramUpsertion] = []
    for d in request.deletions:
        mechanism = _mechanism_name(d.mechanism)
        if mechanism is None:
            refused.setdefault(d.name, f"Unknown SCRAM mechanism {d.mechanism}")
        else:
            deletions.append((d.name, mechanism))
    for u in request.upsertions:
        mechanism = _mechanism_name(u.mechanism)
        if mechanism is None:
            refused.setdefault(u.name, f"Unknown SCRAM mechanism {u.mechanism}")
        else:
            upsertions.append(
                ScramUpsertion(
                    u.name, mechanism, u.iterations, bytes(u.salt), bytes(u.salted_password)
                )
            )
    deletions = [d for d in deletions if d[0] not in refused]
    upsertions = [u for u in upsertions if u.user not in refused]
    return _alter(services, _users(request), refused, deletions, upsertions)


async def _alter(
    services: BrokerServices,
    users: list[str],
    refused: dict[str, str],
    deletions: list[tuple[str, str]],
    upsertions: list[ScramUpsertion],
) -> AlterUserScramCredentialsResponse:
    answers: dict[str, OpResult] = {}
    if deletions or upsertions:
        controller = services.controller
        for r in await controller.alter_scram_credentials(deletions, upsertions):
            answers.setdefault(r.name, r)
    results: list[_AlterResult] = []
    for user in users:
        if user in refused:
            code, message = ErrorCode.UNSUPPORTED_SASL_MECHANISM, refused[user]
            results.append(_AlterResult(user=user, error_code=code, error_message=message))
            continue
        answer = answers.get(user)
        if answer is None:  # the controller answers every user it was given
            results.append(_AlterResult(user=user, error_code=ErrorCode.UNKNOWN_SERVER_ERROR))
            continue
        results.append(
            _AlterResult(user=user, error_code=answer.error, error_message=answer.message)
        )
    return AlterUserScramCredentialsResponse(throttle_time_ms=0, results=results)


def alter_user_scram_credentials_error(
    request: AlterUserScramCredentialsRequest, version: int, code: ErrorCode
) -> AlterUserScramCredentialsResponse:
    """Every user with the error."""
    return AlterUserScramCredentialsResponse(
        results=[_AlterResult(user=u, error_code=code, error_message=None) for u in _users(request)]
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(
        DescribeUserScramCredentialsRequest,
        0,
        0,
        handle_describe_user_scram_credentials,
        describe_user_scram_credentials_error,
    ),
    api_handler(
        AlterUserScramCredentialsRequest,
        0,
        0,
        handle_alter_user_scram_credentials,
        alter_user_scram_credentials_error,
    ),
)
