"""``samsa user`` and ``samsa acl``, and the admin calls under them, against a real broker (the
``broker`` fixture): what they store is read back from the broker's metadata image; usage
errors are one line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from cli.cli_support import Invoke, invoke_samsa
from support.waiting import eventually_sync

from broker.app import Broker
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
from protocol.errors import (
    InvalidRequestError,
    ResourceNotFoundError,
    UnsupportedSaslMechanismError,
)
from protocol.scram import ScramCredential, verify_password

#: The broker authorizes with ACLs; the tests' own connections (PLAINTEXT: ANONYMOUS) are a
#: super user's, as an administrator's would be.
AUTHORIZING = {
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users": "User:ANONYMOUS",
}

pytestmark = [pytest.mark.timeout(60), pytest.mark.samsa_config(**AUTHORIZING)]

Row = tuple[int, str, int, str, str, int, int]  # resource type, name, pattern, principal, …


def stored_credentials(broker: Broker) -> Mapping[tuple[str, str], ScramCredential]:
    """The SCRAM credentials in the broker's image, by (user, mechanism)."""
    assert broker.controller is not None
    return broker.controller.image.scram_credentials


def stored_acls(broker: Broker) -> list[Row]:
    """The ACL bindings in the broker's image, as wire codes, sorted."""
    assert broker.controller is not None
    return sorted(
        (
            int(b.resource_type),
            b.resource_name,
            int(b.pattern_type),
            b.principal,
            b.host,
            int(b.operation),
            int(b.permission),
        )
        for b in broker.controller.image.acls.values()
    )


def acl_count(broker: Broker, count: int) -> None:
    """Wait until the broker's image holds ``count`` ACL bindings."""
    eventually_sync(
        lambda: len(stored_acls(broker)) == count,
        what=f"{count} ACLs in the image",
        describe=lambda: stored_acls(broker),
    )


# -- the admin client ----------------------------------------------------------------------------


def _key(binding: AclBinding) -> tuple[Any, ...]:
    return (binding.resource_type, binding.resource_name, binding.principal)


def test_admin_acls_round_trip(broker: Broker) -> None:
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
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        admin.create_acls([read, deny])
        assert sorted(admin.describe_acls(), key=_key) == sorted([read, deny], key=_key)
        assert admin.describe_acls(AclBindingFilter(principal="User:bob")) == [deny]
        assert admin.delete_acls([AclBindingFilter(resource_type=ResourceType.TOPIC)]) == [read]
        assert admin.describe_acls() == [deny]
        bad = AclBinding(
            resource_type=ResourceType.TOPIC,
            resource_name="x",
            principal="alice",
            operation=AclOperation.READ,
        )
        with pytest.raises(InvalidRequestError, match="not of the form Type:name"):
            admin.create_acls([bad])
    assert stored_acls(broker) == [(3, "billing-", 4, "User:bob", "10.0.0.1", 2, 2)]


def test_admin_scram_users(broker: Broker) -> None:
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
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
    credentials = stored_credentials(broker)
    assert list(credentials) == [("alice", "SCRAM-SHA-256")]
    credential = credentials[("alice", "SCRAM-SHA-256")]
    # The salted password sent is the password's: the broker can check a login with it.
    assert verify_password(credential, "s3cret") and not verify_password(credential, "other")
    assert len(credential.salt) == 32


# -- samsa user ----------------------------------------------------------------------------------


def test_user_create_list_delete(samsa: Invoke, broker: Broker) -> None:
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
    assert verify_password(stored_credentials(broker)[("alice", "SCRAM-SHA-256")], "pw")
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


def test_user_password_is_prompted_for(samsa: Invoke, broker: Broker) -> None:
    samsa("user", "create", "carol", input="hidden\nhidden\n")
    assert verify_password(stored_credentials(broker)[("carol", "SCRAM-SHA-256")], "hidden")


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


def test_acl_create_list_delete(samsa: Invoke, broker: Broker) -> None:
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
    acl_count(broker, 6)
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
    assert "add --yes" in dry.stderr and len(stored_acls(broker)) == 6
    deleted = samsa("acl", "delete", "--topic", "orders", "--yes", "--format", "json")
    assert len(json.loads(deleted.output)["deleted"]) == 2
    acl_count(broker, 4)
    assert samsa("acl", "delete", "--topic", "nope", expect=1).stderr.strip() == (
        "samsa: error: no ACL matches"
    )


@pytest.mark.samsa_config(**{"authorizer.class.name": ""})
def test_acls_on_a_broker_without_an_authorizer_are_one_line_errors(samsa: Invoke) -> None:
    result = samsa(
        "acl",
        "create",
        "--allow-principal",
        "alice",
        "--operation",
        "read",
        "--topic",
        "t",
        expect=1,
    )
    assert result.stderr.count("\n") == 1
    assert "No Authorizer is configured on the broker (SECURITY_DISABLED)" in result.stderr


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


@pytest.mark.samsa_config(
    listeners="PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
    **{
        "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-512",
        "super.users": "User:ANONYMOUS;User:admin",
    },
)
def test_security_options_reach_the_connection(samsa: Invoke, broker: Broker) -> None:
    """-X security.protocol=SASL_PLAINTEXT … authenticates; a failure is one line, exit 1."""
    samsa("user", "create", "admin", "--password", "pw", "--mechanism", "SCRAM-SHA-512")
    assert broker.server is not None
    on_sasl = invoke_samsa(f"127.0.0.1:{broker.server.ports['SASL_PLAINTEXT']}")
    sasl = ["-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.username=admin"]
    listed = on_sasl(
        "user", "list", *sasl, "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.password=pw"
    )
    assert listed.output.splitlines() == ["admin\tSCRAM-SHA-512\t8192"]
    wrong = on_sasl(
        "user",
        "list",
        *sasl,
        "-X",
        "sasl.mechanism=SCRAM-SHA-512",
        "-X",
        "sasl.password=no",
        expect=1,
    )
    assert wrong.stderr.startswith("samsa: error: authentication failed for user 'admin' ")
    assert wrong.stderr.count("\n") == 1
    refused = on_sasl(
        "user",
        "list",
        *sasl,
        "-X",
        "sasl.mechanism=SCRAM-SHA-256",
        "-X",
        "sasl.password=pw",
        expect=1,
    )
    assert refused.stderr.strip() == (
        "samsa: error: authentication failed for user 'admin' (SCRAM-SHA-256): "
        "the broker offers PLAIN, SCRAM-SHA-512"
    )


def test_principal_and_operation_parsing() -> None:
    assert parse_principal("alice") == "User:alice"
    assert parse_principal("*") == "User:*"
    assert parse_principal("User:bob") == "User:bob"
    assert parse_operation("DescribeConfigs") is AclOperation.DESCRIBE_CONFIGS
    assert parse_operation("cluster_action") is AclOperation.CLUSTER_ACTION
