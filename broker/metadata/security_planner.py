"""Pure planners for CreateAcls, DeleteAcls and AlterUserScramCredentials.

Each takes the image and the request (and, for new ACLs, an id factory) and returns per-item
results and the records that make the change; nothing here reads a clock or draws randomness.
The rules and messages are Kafka's controller's: a binding equal to one that exists is not
stored twice; a DeleteAcls filter reports each binding it deleted, and a binding two filters
match is deleted once, under the first; AlterUserScramCredentials answers once per user, and a
user altered twice in one request (whatever the mechanisms) is DUPLICATE_RESOURCE.

The inter-broker user's credential bootstraps itself (Kafka formats storage with
``--add-scram`` instead): brokers authenticate to each other's SASL inter-broker listener with
``inter.broker.sasl.username``/``password`` before any administrator could have created that
user, so the active controller creates the credential from its own settings when the metadata
has none for that user and mechanism (``plan_inter_broker_credential``). It never replaces one
that exists: a broker whose password does not match the stored credential does not register
(``inter_broker_password_matches``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from broker.metadata.controller_api import DeleteAclsResult, OpResult, ScramUpsertion
from broker.metadata.image import MetadataImage
from broker.metadata.records import (
    AccessControlEntryRecord,
    MetadataRecord,
    RemoveAccessControlEntryRecord,
    RemoveUserScramCredentialRecord,
    UserScramCredentialRecord,
)
from broker.security.acl import AclBinding, AclFilter, binding_error, filter_error
from protocol.errors import ErrorCode
from protocol.scram import (
    MAX_ITERATIONS,
    MECHANISMS,
    MIN_ITERATIONS,
    ScramCredential,
    credential_from_password,
    credential_from_salted_password,
    verify_password,
)

if TYPE_CHECKING:
    from broker.config import BrokerConfig

__all__ = [
    "INTER_BROKER_ITERATIONS",
    "MAX_ACLS_PER_REQUEST",
    "MAX_CLUSTER_ACLS",
    "AclIdFactory",
    "InterBrokerUser",
    "inter_broker_password_matches",
    "inter_broker_scram_user",
    "plan_alter_scram_credentials",
    "plan_create_acls",
    "plan_delete_acls",
    "plan_inter_broker_credential",
]

#: Most ACL creations (or DeleteAcls filters) in one request: far more than any tool sends,
#: and a bound on the records of one change and on the filter-by-binding work of a delete.
MAX_ACLS_PER_REQUEST: Final = 10_000
#: Most ACL bindings the cluster keeps: every broker holds them all in its image (and every
#: snapshot carries them), and the authorizer scans a resource type's bindings on a miss.
MAX_CLUSTER_ACLS: Final = 100_000

#: Where a new binding's id comes from (the controller passes ``uuid.uuid4``).
AclIdFactory = Callable[[], uuid.UUID]

#: Iterations of the inter-broker credential the controller creates (Kafka's default for
#: SCRAM credentials, RFC 7677's minimum).
INTER_BROKER_ITERATIONS: Final = MIN_ITERATIONS

_DUPLICATE_USER: Final = "A user credential cannot be altered twice in the same request"


def _acl_record(acl_id: str, b: AclBinding) -> AccessControlEntryRecord:
    return AccessControlEntryRecord(
        acl_id,
        int(b.resource_type),
        b.resource_name,
        int(b.pattern_type),
        b.principal,
        b.host,
        int(b.operation),
        int(b.permission),
    )


def plan_create_acls(
    image: MetadataImage, bindings: Sequence[AclBinding], acl_ids: AclIdFactory
) -> tuple[list[OpResult], list[MetadataRecord]]:
    """CreateAcls: one result per binding, in order, and the records of the new ones."""
    if len(bindings) > MAX_ACLS_PER_REQUEST:
        message = f"{len(bindings)} ACL creations in one request; at most {MAX_ACLS_PER_REQUEST}"
        return [OpResult("", ErrorCode.INVALID_REQUEST, message) for _ in bindings], []
    existing = set(image.acls.values())
    count = len(image.acls)
    results: list[OpResult] = []
    records: list[MetadataRecord] = []
    for binding in bindings:
        reason = binding_error(binding)
        if reason is not None:
            results.append(OpResult("", ErrorCode.INVALID_REQUEST, reason))
            continue
        if binding in existing:  # already stored (or earlier in this request): nothing to do
            results.append(OpResult(""))
            continue
        if count >= MAX_CLUSTER_ACLS:
            results.append(
                OpResult(
                    "",
                    ErrorCode.INVALID_REQUEST,
                    f"the cluster holds {count} ACL bindings, the most it keeps",
                )
            )
            continue
        existing.add(binding)
        count += 1
        records.append(_acl_record(str(acl_ids()), binding))
        results.append(OpResult(""))
    return results, records


def plan_delete_acls(
    image: MetadataImage, filters: Sequence[AclFilter]
) -> tuple[list[DeleteAclsResult], list[MetadataRecord]]:
    """DeleteAcls: per filter, in order, the bindings it deletes, and their removal records."""
    if len(filters) > MAX_ACLS_PER_REQUEST:
        message = f"{len(filters)} ACL filters in one request; at most {MAX_ACLS_PER_REQUEST}"
        return [DeleteAclsResult(ErrorCode.INVALID_REQUEST, message, ()) for _ in filters], []
    deleted_ids: set[str] = set()
    results: list[DeleteAclsResult] = []
    records: list[MetadataRecord] = []
    for f in filters:
        reason = filter_error(f)
        if reason is not None:
            results.append(DeleteAclsResult(ErrorCode.INVALID_REQUEST, reason, ()))
            continue
        deleted: list[AclBinding] = []
        for acl_id, binding in image.acls.items():
            if acl_id not in deleted_ids and f.matches(binding):
                deleted_ids.add(acl_id)
                deleted.append(binding)
                records.append(RemoveAccessControlEntryRecord(acl_id))
        results.append(DeleteAclsResult(ErrorCode.NONE, None, tuple(deleted)))
    return results, records


def _user_and_mechanism_error(user: str, mechanism: str) -> OpResult | None:
    if not user:
        return OpResult(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty")
    if mechanism not in MECHANISMS:
        return OpResult(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism")
    return None


def _upsertion_error(u: ScramUpsertion) -> OpResult | None:
    error = _user_and_mechanism_error(u.user, u.mechanism)
    if error is not None:
        return error
    if u.iterations < MIN_ITERATIONS:
        return OpResult(u.user, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too few iterations")
    if u.iterations > MAX_ITERATIONS:
        return OpResult(u.user, ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too many iterations")
    return None


def plan_alter_scram_credentials(
    image: MetadataImage,
    deletions: Sequence[tuple[str, str]],
    upsertions: Sequence[ScramUpsertion],
) -> tuple[list[OpResult], list[MetadataRecord]]:
    """AlterUserScramCredentials: one result per user, in the order users first appear
    (deletions, then upsertions), and the records of the accepted changes. An upsertion's
    salted password becomes StoredKey and ServerKey here; it is never stored."""
    order: dict[str, None] = {}  # users, first appearance first
    errors: dict[str, OpResult] = {}
    accepted_deletions: dict[str, tuple[str, str]] = {}
    accepted_upsertions: dict[str, ScramUpsertion] = {}

    def duplicate(user: str) -> bool:
        if accepted_deletions.pop(user, None) is None and (
            accepted_upsertions.pop(user, None) is None
        ):
            return False
        errors[user] = OpResult(user, ErrorCode.DUPLICATE_RESOURCE, _DUPLICATE_USER)
        return True

    for user, mechanism in deletions:
        order.setdefault(user)
        if user in errors or duplicate(user):
            continue
        error = _user_and_mechanism_error(user, mechanism)
        if error is None and (user, mechanism) not in image.scram_credentials:
            error = OpResult(
                user,
                ErrorCode.RESOURCE_NOT_FOUND,
                "Attempt to delete a user credential that does not exist",
            )
        if error is not None:
            errors[user] = error
        else:
            accepted_deletions[user] = (user, mechanism)
    for upsertion in upsertions:
        user = upsertion.user
        order.setdefault(user)
        if user in errors or duplicate(user):
            continue
        error = _upsertion_error(upsertion)
        if error is not None:
            errors[user] = error
        else:
            accepted_upsertions[user] = upsertion

    results: list[OpResult] = []
    records: list[MetadataRecord] = []
    for user in order:
        if user in errors:
            results.append(errors[user])
            continue
        results.append(OpResult(user))
        if user in accepted_deletions:
            records.append(RemoveUserScramCredentialRecord(*accepted_deletions[user]))
        else:
            u = accepted_upsertions[user]
            credential = credential_from_salted_password(
                u.mechanism, u.salted_password, u.salt, u.iterations
            )
            records.append(
                UserScramCredentialRecord(
                    user,
                    u.mechanism,
                    credential.salt,
                    credential.stored_key,
                    credential.server_key,
                    credential.iterations,
                )
            )
    return results, records


# -- the inter-broker user ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterBrokerUser:
    """The SCRAM user this node's brokers authenticate as on the inter-broker listener."""

    user: str
    mechanism: str
    password: str = field(repr=False)


def inter_broker_scram_user(config: BrokerConfig) -> InterBrokerUser | None:
    """The inter-broker SCRAM user of ``config``, None unless it is a cluster whose inter-broker
    listener uses SASL with a SCRAM mechanism and names the user and password."""
    if config.controller_quorum_voters is None:
        return None  # a cluster of one never connects to itself
    listener = config.inter_broker_listener
    mechanism = config.sasl_mechanism_inter_broker_protocol.upper()
    user = config.inter_broker_sasl_username
    password = config.inter_broker_sasl_password
    if not listener.uses_sasl or mechanism not in MECHANISMS or not user or password is None:
        return None
    return InterBrokerUser(user, mechanism, password)


def plan_inter_broker_credential(
    image: MetadataImage, who: InterBrokerUser, salt: bytes, iterations: int
) -> list[MetadataRecord]:
    """The record creating ``who``'s credential from its password, or nothing when the image
    already has a credential for that user and mechanism (whatever its password)."""
    if (who.user, who.mechanism) in image.scram_credentials:
        return []
    credential = credential_from_password(who.mechanism, who.password, salt, iterations)
    return [
        UserScramCredentialRecord(
            who.user,
            who.mechanism,
            credential.salt,
            credential.stored_key,
            credential.server_key,
            credential.iterations,
        )
    ]


def inter_broker_password_matches(credential: ScramCredential, who: InterBrokerUser) -> bool:
    """Whether ``who``'s password is the one the stored ``credential`` was made from."""
    return verify_password(credential, who.password)
