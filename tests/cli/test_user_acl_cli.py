"""``samsa user`` and ``samsa acl``, and the admin calls under them (async and sync), against a
fake broker that keeps ACLs and SCRAM credentials as Kafka's brokers answer for them; usage
errors are one line. (The real broker's side is tested with the broker.)"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cli.cli_support import Invoke, invoke_samsa
from support.fake_broker import FakeBroker, api_versions_body, metadata_body

from client.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
)
from client.cli.acl import parse_operation, parse_principal
from client.sync import Admin
from protocol.acl import ScramMechanism
from protocol.codec import Request
from protocol.errors import (
    ErrorCode,
    InvalidRequestError,
    ResourceNotFoundError,
    UnsupportedSaslMechanismError,
)
from protocol.messages import (
    AlterUserScramCredentialsRequest,
    AlterUserScramCredentialsResponse,
    ApiVersionsRequest,
    CreateAclsRequest,
    CreateAclsResponse,
    DeleteAclsRequest,
    DeleteAclsResponse,
    DescribeAclsRequest,
    DescribeAclsResponse,
    DescribeUserScramCredentialsRequest,
    DescribeUserScramCredentialsResponse,
    MetadataRequest,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
)
from protocol.scram import ScramCredential, credential_from_salted_password, verify_password

pytestmark = pytest.mark.timeout(60)

RANGES = {3: (0, 12), 18: (0, 4), 29: (0, 3), 30: (0, 3), 31: (0, 3), 50: (0, 0), 51: (0, 0)}

Row = tuple[int, str, int, str, str, int, int]  # resource type, name, pattern, principal, …


def _matches(f: Any, row: Row) -> bool:
    rtype, name, pattern, principal, host, operation, permission = row
    return (
        f.resource_type_filter in (1, rtype)
        and f.resource_name_filter in (None, name)
        and f.pattern_type_filter in (1, pattern)
        and f.principal_filter in (None, principal)
        and f.host_filter in (None, host)
        and f.operation in (1, operation)
        and f.permission_type in (1, permission)
    )


@dataclass
class SecurityAdminBroker:
    """The broker's answers to the ACL and SCRAM-credential APIs (no authorization)."""

    port: int = 0
    acls: list[Row] = field(default_factory=list)
    credentials: dict[tuple[str, str], ScramCredential] = field(default_factory=dict)

    def __call__(self, request: Request) -> Any:
        body = request.body
        if isinstance(body, ApiVersionsRequest):
            return api_versions_body(RANGES)
        if isinstance(body, MetadataRequest):
            return metadata_body(self.port)
        if isinstance(body, CreateAclsRequest):
            return self._create(body)
        if isinstance(body, DescribeAclsRequest):
            return self._describe(body)
        if isinstance(body, DeleteAclsRequest):
            return self._delete(body)
        if isinstance(body, DescribeUserScramCredentialsRequest):
            return self._describe_users(body)
        if isinstance(body, AlterUserScramCredentialsRequest):
            return self._alter_users(body)
        raise AssertionError(f"unexpected request {body!r}")

    def _create(self, body: CreateAclsRequest) -> CreateAclsResponse:
        results = []
        for c in body.creations:
            if ":" not in c.principal:
                results.append(
                    CreateAclsResponse.AclCreationResult(
                        error_code=ErrorCode.INVALID_REQUEST,
                        error_message=f"principal {c.principal!r} is not TYPE:NAME",
                    )
                )
                continue
            row = (
                c.resource_type,
                c.resource_name,
                c.resource_pattern_type,
                c.principal,
                c.host,
                c.operation,
                c.permission_type,
            )
            if row not in self.acls:
                self.acls.append(row)
            results.append(CreateAclsResponse.AclCreationResult(error_message=None))
        return CreateAclsResponse(results=results)

    def _describe(self, body: DescribeAclsRequest) -> DescribeAclsResponse:
        resources: dict[tuple[int, str, int], list[Any]] = {}
        for row in self.acls:
            if _matches(body, row):
                resources.setdefault(row[:3], []).append(
                    DescribeAclsResponse.DescribeAclsResource.AclDescription(
                        principal=row[3], host=row[4], operation=row[5], permission_type=row[6]
                    )
                )
        return DescribeAclsResponse(
            error_message=None,
            resources=[
                DescribeAclsResponse.DescribeAclsResource(
                    resource_type=k[0], resource_name=k[1], pattern_type=k[2], acls=v
                )
                for k, v in resources.items()
            ],
        )

    def _delete(self, body: DeleteAclsRequest) -> DeleteAclsResponse:
        results = []
        for f in body.filters:
            gone = [row for row in self.acls if _matches(f, row)]
            self.acls = [row for row in self.acls if row not in gone]
            matching = DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl
            results.append(
                DeleteAclsResponse.DeleteAclsFilterResult(
                    error_message=None,
                    matching_acls=[
                        matching(
                            error_message=None,
                            resource_type=r[0],
                            resource_name=r[1],
                            pattern_type=r[2],
                            principal=r[3],
                            host=r[4],
                            operation=r[5],
                            permission_type=r[6],
                        )
                        for r in gone
                    ],
                )
            )
        return DeleteAclsResponse(filter_results=results)

    def _describe_users(
        self, body: DescribeUserScramCredentialsRequest
    ) -> DescribeUserScramCredentialsResponse:
        known = sorted({user for user, _ in self.credentials})
        wanted = known if not body.users else [u.name for u in body.users]
        result = DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult
        results = []
        for user in wanted:
            infos = [
                result.CredentialInfo(
                    mechanism=int(ScramMechanism.from_name(m)), iterations=c.iterations
                )
                for (u, m), c in sorted(self.credentials.items())
                if u == user
            ]
            if infos:
                results.append(result(user=user, error_message=None, credential_infos=infos))
            else:
                results.append(
                    result(
                        user=user,
                        error_code=ErrorCode.RESOURCE_NOT_FOUND,
                        error_message="Attempt to describe a user credential that does not exist",
                    )
                )
        return DescribeUserScramCredentialsResponse(error_message=None, results=results)

    def _alter_users(
        self, body: AlterUserScramCredentialsRequest
    ) -> AlterUserScramCredentialsResponse:
        result = AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult
        results = []
        for d in body.deletions:
            key = (d.name, ScramMechanism(d.mechanism).mechanism_name)
            if self.credentials.pop(key, None) is None:
                results.append(
                    result(
                        user=d.name,
                        error_code=ErrorCode.RESOURCE_NOT_FOUND,
                        error_message="Attempt to delete a user credential that does not exist",
                    )
                )
            else:
                results.append(result(user=d.name, error_message=None))
        for u in body.upsertions:
            mechanism = ScramMechanism(u.mechanism).mechanism_name
            if not 4096 <= u.iterations <= 16384:
                results.append(
                    result(
                        user=u.name,
                        error_code=ErrorCode.UNACCEPTABLE_CREDENTIAL,
                        error_message=f"Too few iterations: {u.iterations}",
                    )
                )
                continue
            self.credentials[(u.name, mechanism)] = credential_from_salted_password(
                mechanism, u.salted_password, u.salt, u.iterations
            )
            results.append(result(user=u.name, error_message=None))
        return AlterUserScramCredentialsResponse(results=results)


@pytest.fixture
def fake() -> Iterator[tuple[SecurityAdminBroker, str]]:
    """The fake broker on a loop of its own in a thread (the CLI runs its own loop)."""
    state = SecurityAdminBroker()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-broker", daemon=True)
    thread.start()
    broker = FakeBroker(state)
    asyncio.run_coroutine_threadsafe(broker.__aenter__(), loop).result(10)
    state.port = broker.port
    try:
        yield state, broker.bootstrap
    finally:
        asyncio.run_coroutine_threadsafe(broker.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def samsa(fake: tuple[SecurityAdminBroker, str]) -> Invoke:
    return invoke_samsa(fake[1])


# -- the admin client ----------------------------------------------------------------------------


def test_admin_acls_round_trip(fake: tuple[SecurityAdminBroker, str]) -> None:
    state, bootstrap = fake
    read = AclBinding(
        resource_type=ResourceType.TOPIC,
        resource_name="orders",
        principal="User:alice",
        operation=AclOperation.READ,
    )
    deny = AclBinding(
        resource_type=ResourceType.GROUP,
        resource_name="billing-",
        pattern_type=PatternType.PREFIXED,
        principal="User:bob",
        host="10.0.0.1",
        operation=AclOperation.ALL,
        permission=AclPermissionType.DENY,
    )
    with Admin(bootstrap_servers=bootstrap) as admin:
        admin.create_acls([read, deny])
        assert admin.describe_acls() == [read, deny]
        assert admin.describe_acls(AclBindingFilter(principal="User:bob")) == [deny]
        assert admin.delete_acls([AclBindingFilter(resource_type=ResourceType.TOPIC)]) == [read]
        assert admin.describe_acls() == [deny]
        bad = AclBinding(
            resource_type=ResourceType.TOPIC,
            resource_name="x",
            principal="alice",
            operation=AclOperation.READ,
        )
        with pytest.raises(InvalidRequestError, match="not TYPE:NAME"):
            admin.create_acls([bad])
    assert state.acls == [(3, "billing-", 4, "User:bob", "10.0.0.1", 2, 2)]


def test_admin_scram_users(fake: tuple[SecurityAdminBroker, str]) -> None:
    state, bootstrap = fake
    with Admin(bootstrap_servers=bootstrap) as admin:
        admin.upsert_scram_credential("alice", "SCRAM-SHA-256", "s3cret")
        admin.upsert_scram_credential("alice", "scram-sha-512", "s3cret", iterations=4096)
        users = admin.describe_user_scram_credentials()
        assert [(c.mechanism, c.iterations) for c in users["alice"].credentials] == [
            ("SCRAM-SHA-256", 8192),
            ("SCRAM-SHA-512", 4096),
        ]
        with pytest.raises(ResourceNotFoundError, match="'bob'"):
            admin.describe_user_scram_credentials(["bob"])
        with pytest.raises(UnsupportedSaslMechanismError):
            admin.upsert_scram_credential("alice", "SCRAM-SHA-1", "x")
        admin.delete_scram_credential("alice", "SCRAM-SHA-512")
        with pytest.raises(ResourceNotFoundError):
            admin.delete_scram_credential("alice", "SCRAM-SHA-512")
    credential = state.credentials[("alice", "SCRAM-SHA-256")]
    # The salted password sent is the password's: the broker can check a login with it.
    assert verify_password(credential, "s3cret") and not verify_password(credential, "other")
    assert len(credential.salt) == 32
    assert list(state.credentials) == [("alice", "SCRAM-SHA-256")]


# -- samsa user ----------------------------------------------------------------------------------


def test_user_create_list_delete(samsa: Invoke, fake: tuple[SecurityAdminBroker, str]) -> None:
    state, _ = fake
    result = samsa("user", "create", "alice", "--password", "pw")
    assert "created user 'alice' (SCRAM-SHA-256, 8192 iterations)" in result.output
    samsa(
        "user",
        "create",
        "bob",
        "--password",
        "pw",
        "--mechanism",
        "scram-sha-512",
        "--iterations",
        "4096",
    )
    assert verify_password(state.credentials[("alice", "SCRAM-SHA-256")], "pw")
    listed = samsa("user", "list").output.splitlines()
    assert listed == ["alice\tSCRAM-SHA-256\t8192", "bob\tSCRAM-SHA-512\t4096"]
    document = json.loads(samsa("user", "list", "--format", "json").output)
    assert document[1] == {
        "user": "bob",
        "credentials": [{"mechanism": "SCRAM-SHA-512", "iterations": 4096}],
    }
    assert "deleted user 'bob' (SCRAM-SHA-512)" in samsa("user", "delete", "bob").output
    missing = samsa("user", "delete", "bob", expect=1)
    assert missing.stderr.strip() == "samsa: error: user 'bob' not found"
    gone = samsa("user", "delete", "alice", "--mechanism", "SCRAM-SHA-512", expect=1)
    assert gone.stderr.strip() == "samsa: error: user 'alice' not found"


def test_user_password_is_prompted_for(
    samsa: Invoke, fake: tuple[SecurityAdminBroker, str]
) -> None:
    state, _ = fake
    samsa("user", "create", "carol", input="hidden\nhidden\n")
    assert verify_password(state.credentials[("carol", "SCRAM-SHA-256")], "hidden")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "create", "a", "--password", "p", "--iterations", "100"], "--iterations"),
        (["user", "create", "a", "--password", "p", "--mechanism", "PLAIN"], "--mechanism"),
        (["user", "create", "", "--password", "p"], "cannot be empty"),
        (["user", "create", "a", "--password", ""], "password cannot be empty"),
        (["user", "delete", "a", "--mechanism", "GSSAPI"], "--mechanism"),
    ],
)
def test_user_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = invoke_samsa("127.0.0.1:1")(*args, expect=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("samsa: error: ") and message in lines[0]


# -- samsa acl -----------------------------------------------------------------------------------


def test_acl_create_list_delete(samsa: Invoke, fake: tuple[SecurityAdminBroker, str]) -> None:
    state, _ = fake
    created = samsa(
        "acl",
        "create",
        "--allow-principal",
        "alice",
        "--operation",
        "read",
        "--operation",
        "describe",
        "--topic",
        "orders",
        "--group",
        "billing",
        "--format",
        "json",
    )
    assert len(json.loads(created.output)["created"]) == 4
    samsa(
        "acl",
        "create",
        "--deny-principal",
        "User:bob",
        "--deny-host",
        "10.0.0.9",
        "--operation",
        "write",
        "--topic",
        "orders-",
        "--resource-pattern-type",
        "prefixed",
    )
    samsa("acl", "create", "--allow-principal", "User:ops", "--operation", "alter", "--cluster")
    assert len(state.acls) == 6
    rows = samsa("acl", "list").output.splitlines()
    assert "User:alice\t*\tTOPIC\torders\tLITERAL\tREAD\tALLOW" in rows
    assert "User:bob\t10.0.0.9\tTOPIC\torders-\tPREFIXED\tWRITE\tDENY" in rows
    assert "User:ops\t*\tCLUSTER\tkafka-cluster\tLITERAL\tALTER\tALLOW" in rows
    only_bob = json.loads(
        samsa("acl", "list", "--deny-principal", "bob", "--format", "json").output
    )
    assert [(a["principal"], a["operation"]) for a in only_bob] == [("User:bob", "WRITE")]
    groups = samsa("acl", "list", "--group", "billing").output.splitlines()
    assert len(groups) == 2
    # Without --yes nothing is deleted: the matches are shown.
    dry = samsa("acl", "delete", "--topic", "orders", expect=1)
    assert "add --yes" in dry.stderr and len(state.acls) == 6
    deleted = samsa("acl", "delete", "--topic", "orders", "--yes", "--format", "json")
    assert len(json.loads(deleted.output)["deleted"]) == 2
    assert len(state.acls) == 4
    assert samsa("acl", "delete", "--topic", "nope", expect=1).stderr.strip() == (
        "samsa: error: no ACL matches"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acl", "create", "--operation", "read", "--topic", "t"], "--allow-principal or"),
        (["acl", "create", "--allow-principal", "a", "--topic", "t"], "--operation"),
        (["acl", "create", "--allow-principal", "a", "--operation", "read"], "--topic, --group"),
        (
            ["acl", "create", "--allow-principal", "a", "--operation", "reed", "--topic", "t"],
            "'reed' is not an operation",
        ),
        (
            [
                "acl",
                "create",
                "--deny-principal",
                "a",
                "--allow-host",
                "1.2.3.4",
                "--operation",
                "read",
                "--topic",
                "t",
            ],
            "--allow-host needs --allow-principal",
        ),
        (
            [
                "acl",
                "create",
                "--allow-principal",
                "a",
                "--operation",
                "read",
                "--topic",
                "t",
                "--resource-pattern-type",
                "match",
            ],
            "--resource-pattern-type",
        ),
        (
            ["acl", "create", "--allow-principal", ":x", "--operation", "read", "--topic", "t"],
            "not a principal",
        ),
        (["acl", "delete"], "at least one filter"),
        (["acl", "list", "-X", "sasl.mechanism=GSSAPI"], "GSSAPI is not supported"),
        (["acl", "list", "-X", "security.protocol=SASL_SSL"], "needs sasl.mechanism"),
    ],
)
def test_acl_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = invoke_samsa("127.0.0.1:1")(*args, expect=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("samsa: error: ") and message in lines[0]


def test_security_options_reach_the_connection() -> None:
    """-X security.protocol=SASL_PLAINTEXT … authenticates; a failure is one line, exit 1."""

    def handler(request: Request) -> Any:
        if isinstance(request.body, ApiVersionsRequest):
            return api_versions_body({18: (0, 4), 17: (0, 1), 36: (0, 2), 3: (0, 12)})
        if isinstance(request.body, SaslHandshakeRequest):
            return SaslHandshakeResponse(
                error_code=ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms=["PLAIN"]
            )
        raise AssertionError(request.body)

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    broker = FakeBroker(handler)  # refuses SCRAM
    asyncio.run_coroutine_threadsafe(broker.__aenter__(), loop).result(10)
    try:
        result = invoke_samsa(broker.bootstrap)(
            "user",
            "list",
            "-X",
            "security.protocol=SASL_PLAINTEXT",
            "-X",
            "sasl.mechanism=SCRAM-SHA-256",
            "-X",
            "sasl.username=admin",
            "-X",
            "sasl.password=pw",
            expect=1,
        )
        assert result.stderr.strip() == (
            "samsa: error: authentication failed for user 'admin' (SCRAM-SHA-256): "
            "the broker offers PLAIN"
        )
    finally:
        asyncio.run_coroutine_threadsafe(broker.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_principal_and_operation_parsing() -> None:
    assert parse_principal("alice") == "User:alice"
    assert parse_principal("*") == "User:*"
    assert parse_principal("User:bob") == "User:bob"
    assert parse_operation("DescribeConfigs") is AclOperation.DESCRIBE_CONFIGS
    assert parse_operation("cluster_action") is AclOperation.CLUSTER_ACTION
