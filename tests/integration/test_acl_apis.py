"""The ACL and SCRAM-credential APIs over the wire, with the authorizer on, and ACLs taking
effect on the next request.

On a PLAINTEXT listener every client is ``User:ANONYMOUS``: with ``super.users`` naming it, it
administers; with ``allow.everyone.if.no.acl.found`` and ACLs for it, the checks are
exercised without SASL.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.kafka_ops import create_topic, metadata, produce
from support.wire import WireClient, make_batch

from protocol.acl import (
    CLUSTER_NAME,
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
    ScramMechanism,
)
from protocol.errors import ErrorCode
from protocol.messages import (
    AlterUserScramCredentialsRequest,
    CreateAclsRequest,
    DeleteAclsRequest,
    DescribeAclsRequest,
    DescribeUserScramCredentialsRequest,
)

pytestmark = pytest.mark.timeout(60)

ANONYMOUS = "User:ANONYMOUS"
Creation = CreateAclsRequest.AclCreation
Filter = DeleteAclsRequest.DeleteAclsFilter


def creation(
    rtype: ResourceType,
    name: str,
    op: AclOperation,
    permission: AclPermissionType = AclPermissionType.ALLOW,
    principal: str = ANONYMOUS,
    pattern: PatternType = PatternType.LITERAL,
) -> Creation:
    return Creation(
        resource_type=rtype,
        resource_name=name,
        resource_pattern_type=pattern,
        principal=principal,
        host="*",
        operation=op,
        permission_type=permission,
    )


def any_filter(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resource_type_filter": ResourceType.ANY,
        "resource_name_filter": None,
        "pattern_type_filter": PatternType.ANY,
        "principal_filter": None,
        "host_filter": None,
        "operation": AclOperation.ANY,
        "permission_type": AclPermissionType.ANY,
    }
    base.update(fields)
    return base


async def described(client: WireClient, version: int = 3, **fields: Any) -> list[tuple[Any, ...]]:
    response = await client.request(DescribeAclsRequest(**any_filter(**fields)), version)
    assert response.error_code == 0, response
    return sorted(
        (
            r.resource_type,
            r.resource_name,
            r.pattern_type,
            a.principal,
            a.operation,
            a.permission_type,
        )
        for r in response.resources
        for a in r.acls
    )


@pytest.mark.samsa_config(**{"authorizer.class.name": "samsa", "super.users": ANONYMOUS})
@pytest.mark.parametrize("version", [0, 1, 2, 3])
async def test_acls_round_trip(client: WireClient, version: int) -> None:
    pattern = PatternType.PREFIXED if version >= 1 else PatternType.LITERAL
    creations = [
        creation(
            ResourceType.TOPIC, "orders", AclOperation.READ, principal="User:bob", pattern=pattern
        ),
        creation(ResourceType.GROUP, "g", AclOperation.READ, principal="User:bob"),
        creation(
            ResourceType.TOPIC,
            "orders",
            AclOperation.WRITE,
            AclPermissionType.DENY,
            principal="User:eve",
            pattern=pattern,
        ),
        creation(ResourceType.ANY, "x", AclOperation.READ),  # invalid: ANY in a binding
    ]
    response = await client.request(CreateAclsRequest(creations=creations), version)
    codes = [r.error_code for r in response.results]
    assert codes == [0, 0, 0, ErrorCode.INVALID_REQUEST]

    expected = [
        (
            ResourceType.TOPIC,
            "orders",
            pattern,
            "User:bob",
            AclOperation.READ,
            AclPermissionType.ALLOW,
        ),
        (
            ResourceType.TOPIC,
            "orders",
            pattern,
            "User:eve",
            AclOperation.WRITE,
            AclPermissionType.DENY,
        ),
        (
            ResourceType.GROUP,
            "g",
            PatternType.LITERAL,
            "User:bob",
            AclOperation.READ,
            AclPermissionType.ALLOW,
        ),
    ]
    filter_pattern = PatternType.ANY if version >= 1 else PatternType.LITERAL
    assert await described(client, version, pattern_type_filter=filter_pattern) == sorted(expected)
    bob = await described(
        client, version, principal_filter="User:bob", pattern_type_filter=filter_pattern
    )
    assert sorted(a[1] for a in bob) == ["g", "orders"]

    delete = DeleteAclsRequest(
        filters=[
            Filter(**any_filter(principal_filter="User:eve", pattern_type_filter=filter_pattern))
        ]
    )
    deleted = await client.request(delete, version)
    [result] = deleted.filter_results
    assert result.error_code == 0
    assert [(m.principal, m.operation) for m in result.matching_acls] == [
        ("User:eve", AclOperation.WRITE)
    ]
    remaining = await described(client, version, pattern_type_filter=filter_pattern)
    assert [a[3] for a in remaining] == ["User:bob", "User:bob"]


@pytest.mark.samsa_config(**{"authorizer.class.name": "samsa", "super.users": ANONYMOUS})
async def test_scram_credentials_round_trip(client: WireClient) -> None:
    r = AlterUserScramCredentialsRequest
    upsert = r(
        upsertions=[
            r.ScramCredentialUpsertion(
                name="alice",
                mechanism=ScramMechanism.SCRAM_SHA_256,
                iterations=4096,
                salt=b"salt-salt-salt",
                salted_password=b"\x01" * 32,
            ),
            r.ScramCredentialUpsertion(
                name="bob",
                mechanism=ScramMechanism.SCRAM_SHA_512,
                iterations=100,  # too few
                salt=b"salt",
                salted_password=b"\x02" * 64,
            ),
        ]
    )
    answer = await client.request(upsert, 0)
    assert [(x.user, x.error_code) for x in answer.results] == [
        ("alice", 0),
        ("bob", ErrorCode.UNACCEPTABLE_CREDENTIAL),
    ]
    name = DescribeUserScramCredentialsRequest.UserName
    described_users = await client.request(
        DescribeUserScramCredentialsRequest(users=[name(name="alice"), name(name="bob")]), 0
    )
    assert [(x.user, x.error_code) for x in described_users.results] == [
        ("alice", 0),
        ("bob", ErrorCode.RESOURCE_NOT_FOUND),
    ]
    [info] = described_users.results[0].credential_infos
    assert (info.mechanism, info.iterations) == (ScramMechanism.SCRAM_SHA_256, 4096)

    deletion = r(
        deletions=[r.ScramCredentialDeletion(name="alice", mechanism=ScramMechanism.SCRAM_SHA_256)]
    )
    assert [x.error_code for x in (await client.request(deletion, 0)).results] == [0]
    every = await client.request(DescribeUserScramCredentialsRequest(users=None), 0)
    assert every.results == []


async def test_acl_apis_answer_security_disabled_without_an_authorizer(
    client: WireClient,
) -> None:
    response = await client.request(DescribeAclsRequest(**any_filter()), 3)
    assert response.error_code == ErrorCode.SECURITY_DISABLED


@pytest.mark.samsa_config(
    **{"authorizer.class.name": "samsa", "allow.everyone.if.no.acl.found": True}
)
async def test_acls_take_effect_on_the_next_request(client: WireClient) -> None:
    """Without super users: resources without ACLs are open; ACLs for ANONYMOUS close them."""
    await create_topic(client, "open")
    await create_topic(client, "secret")
    # Keep the right to administer ACLs once the Cluster has an ACL.
    keep = [creation(ResourceType.CLUSTER, CLUSTER_NAME, AclOperation.ALTER)]
    assert [
        r.error_code for r in (await client.request(CreateAclsRequest(creations=keep), 3)).results
    ] == [0]
    deny = [
        creation(ResourceType.TOPIC, "secret", AclOperation.WRITE, AclPermissionType.DENY),
        creation(ResourceType.TOPIC, "secret", AclOperation.DESCRIBE, AclPermissionType.ALLOW),
    ]
    assert [
        r.error_code for r in (await client.request(CreateAclsRequest(creations=deny), 3)).results
    ] == [0, 0]

    # The next request on the same connection is decided by the new ACLs.
    refused = await produce(client, "secret", 0, make_batch([b"x"]))
    assert refused.error_code == ErrorCode.TOPIC_AUTHORIZATION_FAILED
    assert (await produce(client, "open", 0, make_batch([b"x"]))).error_code == 0

    # DESCRIBE is allowed on "secret"; a topic with only a DENY for another operation stays
    # visible, one with no describe right at all would not be listed.
    names = {t.name for t in (await metadata(client, None)).topics}
    assert {"open", "secret"} <= names

    delete = DeleteAclsRequest(filters=[Filter(**any_filter(resource_name_filter="secret"))])
    [result] = (await client.request(delete, 3)).filter_results
    assert len(result.matching_acls) == 2

    assert (await produce(client, "secret", 0, make_batch([b"y"]))).error_code == 0
