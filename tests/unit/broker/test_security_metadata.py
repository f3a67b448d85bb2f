"""ACL bindings, SCRAM credentials and broker endpoints in the metadata: records, image,
snapshots, the security planner, the controller (across a restart) and forwarding."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import load_config
from broker.metadata.cluster_control import plan_registration
from broker.metadata.controller import Controller
from broker.metadata.controller_api import ScramUpsertion
from broker.metadata.forwarding import ForwardingController
from broker.metadata.image import MetadataApplyError, MetadataDelta, MetadataImage, delta_between
from broker.metadata.quorum import BrokerLifecycle, handle_rpc
from broker.metadata.raft_log import RaftMetadataLog
from broker.metadata.records import (
    AccessControlEntryRecord,
    MetadataRecord,
    RegisterBrokerRecord,
    RemoveAccessControlEntryRecord,
    RemoveUserScramCredentialRecord,
    TopicRecord,
    UserScramCredentialRecord,
    decode_batch,
    encode_batch,
)
from broker.metadata.security_planner import (
    MAX_ACLS_PER_REQUEST,
    plan_alter_scram_credentials,
    plan_create_acls,
    plan_delete_acls,
)
from broker.metadata.snapshot import SNAPSHOT_VERSION, decode_image, encode_image
from broker.raft.core import RaftConfig
from broker.raft.transport import NoPeers
from broker.security.acl import AclBinding, AclFilter
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.errors import ErrorCode
from protocol.scram import (
    ScramCredential,
    credential_from_password,
    salted_password,
    verify_password,
)

pytestmark = pytest.mark.timeout(60)

ALLOW, DENY = AclPermissionType.ALLOW, AclPermissionType.DENY
TOPIC, GROUP, CLUSTER = ResourceType.TOPIC, ResourceType.GROUP, ResourceType.CLUSTER
LITERAL, PREFIXED = PatternType.LITERAL, PatternType.PREFIXED


def _binding(
    name: str = "orders",
    principal: str = "User:alice",
    op: AclOperation = AclOperation.READ,
    *,
    rtype: ResourceType = TOPIC,
    pattern: PatternType = LITERAL,
    host: str = "*",
    permission: AclPermissionType = ALLOW,
) -> AclBinding:
    return AclBinding(rtype, name, pattern, principal, host, op, permission)


def _filter(
    name: str | None = None,
    principal: str | None = None,
    *,
    rtype: ResourceType = ResourceType.ANY,
    pattern: PatternType = PatternType.ANY,
    op: AclOperation = AclOperation.ANY,
) -> AclFilter:
    return AclFilter(rtype, name, pattern, principal, None, op, AclPermissionType.ANY)


def _acl_record(acl_id: str, b: AclBinding) -> AccessControlEntryRecord:
    return AccessControlEntryRecord(
        acl_id,
        b.resource_type,
        b.resource_name,
        b.pattern_type,
        b.principal,
        b.host,
        b.operation,
        b.permission,
    )


def _ids() -> Iterator[uuid.UUID]:
    n = 0
    while True:
        n += 1
        yield uuid.UUID(int=n)


def _upsertion(
    user: str, mechanism: str = "SCRAM-SHA-256", iterations: int = 4096, password: str = "pw"
) -> ScramUpsertion:
    salt = f"salt-{user}".encode()
    hash_name = "sha256" if mechanism == "SCRAM-SHA-256" else "sha512"
    salted = salted_password(hash_name, password.encode(), salt, max(iterations, 1))
    return ScramUpsertion(user, mechanism, iterations, salt, salted)


CRED = credential_from_password("SCRAM-SHA-512", "secret", b"NaCl", 4096)


def _scram_record(user: str, c: ScramCredential = CRED) -> UserScramCredentialRecord:
    return UserScramCredentialRecord(
        user, c.mechanism, c.salt, c.stored_key, c.server_key, c.iterations
    )


# -- records and image -----------------------------------------------------------------------------


def test_bytes_travel_as_base64_and_endpoints_as_lists() -> None:
    record = _scram_record("alice")
    payload = record.to_json()
    assert isinstance(payload["salt"], str) and payload["iterations"] == 4096
    reg = RegisterBrokerRecord(1, "i", "h", 1, endpoints=(("SSL", "h", 2),))
    assert reg.to_json()["endpoints"] == [["SSL", "h", 2]]
    decoded = decode_batch(encode_batch(0, [record, reg]))
    assert decoded is not None and decoded[1] == [record, reg]


def test_a_registration_written_before_endpoints_decodes_with_none() -> None:
    old = RegisterBrokerRecord(1, "i", "h", 1)
    payload = old.to_json()
    del payload["endpoints"]
    assert RegisterBrokerRecord(**payload) == old
    image = MetadataImage.empty().apply(0, [old])
    assert dict(image.brokers[1].endpoints) == {}
    new = MetadataImage.empty().apply(
        0, [RegisterBrokerRecord(1, "i", "h", 1, endpoints=(("SSL", "s", 2), ("IN", "h", 1)))]
    )
    assert dict(new.brokers[1].endpoints) == {"SSL": ("s", 2), "IN": ("h", 1)}
    assert (new.brokers[1].host, new.brokers[1].port) == ("h", 1)


def test_credentials_replay_upsert_replace_and_remove() -> None:
    image = MetadataImage.empty()
    assert dict(image.scram_credentials) == {}
    image = image.apply(0, [_scram_record("alice"), _scram_record("bob")])
    assert image.scram_credentials[("alice", "SCRAM-SHA-512")] == CRED
    assert verify_password(image.scram_credentials[("bob", "SCRAM-SHA-512")], "secret")
    other = credential_from_password("SCRAM-SHA-512", "changed", b"salt2", 8192)
    delta = MetadataDelta(image)
    delta.replay(2, _scram_record("alice", other))
    replaced = delta.build()
    assert replaced.scram_credentials[("alice", "SCRAM-SHA-512")] == other
    assert delta.changed_scram_credentials == {("alice", "SCRAM-SHA-512")}
    assert replaced.acls is image.acls  # untouched mappings stay the same object
    removed = replaced.apply(3, [RemoveUserScramCredentialRecord("alice", "SCRAM-SHA-512")])
    assert set(removed.scram_credentials) == {("bob", "SCRAM-SHA-512")}
    with pytest.raises(MetadataApplyError, match="missing"):
        removed.apply(4, [RemoveUserScramCredentialRecord("alice", "SCRAM-SHA-512")])


def test_acls_replay_and_the_mapping_changes_only_with_them() -> None:
    a, b = _binding(), _binding("pay", pattern=PREFIXED, permission=DENY)
    image = MetadataImage.empty().apply(0, [_acl_record("1", a), _acl_record("2", b)])
    assert dict(image.acls) == {"1": a, "2": b}
    same = image.apply(2, [TopicRecord("t", uuid.UUID(int=5)), _scram_record("x")])
    assert same.acls is image.acls
    delta = MetadataDelta(same)
    delta.replay(4, RemoveAccessControlEntryRecord("1"))
    after = delta.build()
    assert delta.acls_changed and after.acls is not same.acls
    assert dict(after.acls) == {"2": b}
    with pytest.raises(MetadataApplyError, match="exists already"):
        after.apply(5, [_acl_record("2", a)])
    with pytest.raises(MetadataApplyError, match="unknown ACL"):
        after.apply(5, [RemoveAccessControlEntryRecord("1")])


def test_delta_between_reports_security_changes() -> None:
    old = MetadataImage.empty().apply(0, [_acl_record("1", _binding()), _scram_record("a")])
    new = old.apply(2, [RemoveAccessControlEntryRecord("1"), _scram_record("b")])
    delta = delta_between(old, new)
    built = delta.build()
    assert delta.acls_changed and dict(built.acls) == {}
    assert delta.changed_scram_credentials == {("b", "SCRAM-SHA-512")}
    unchanged = delta_between(new, new.apply(4, [TopicRecord("t", uuid.UUID(int=1))]))
    assert not unchanged.acls_changed and unchanged.build().acls is new.acls


# -- snapshots -------------------------------------------------------------------------------------


def _secure_image() -> MetadataImage:
    return MetadataImage.empty().apply(
        0,
        [
            RegisterBrokerRecord(
                1, "inc", "h", 9093, "r", endpoints=(("SASL_SSL", "pub", 9094), ("IN", "h", 9093))
            ),
            RegisterBrokerRecord(2, "inc2", "h2", 9093),
            _scram_record("alice"),
            _acl_record("acl-1", _binding()),
            _acl_record("acl-2", _binding("app-", "User:*", pattern=PREFIXED, permission=DENY)),
        ],
    )


def test_snapshot_roundtrip_with_acls_credentials_and_endpoints() -> None:
    image = _secure_image()
    data = encode_image(image)
    assert json.loads(data)["version"] == SNAPSHOT_VERSION == 2
    restored = decode_image(data)
    assert dict(restored.brokers) == dict(image.brokers)
    assert dict(restored.brokers[1].endpoints) == {"SASL_SSL": ("pub", 9094), "IN": ("h", 9093)}
    assert dict(restored.scram_credentials) == dict(image.scram_credentials)
    assert dict(restored.acls) == dict(image.acls)
    assert isinstance(restored.acls["acl-2"].permission, AclPermissionType)


def test_a_version_1_snapshot_still_loads() -> None:
    doc: dict[str, Any] = json.loads(encode_image(_secure_image()))
    doc["version"] = 1
    del doc["acls"], doc["scram_credentials"]
    for broker in doc["brokers"]:
        del broker["endpoints"]
    old = decode_image(json.dumps(doc).encode())
    assert set(old.brokers) == {1, 2} and dict(old.brokers[1].endpoints) == {}
    assert dict(old.acls) == {} and dict(old.scram_credentials) == {}


# -- the planner -----------------------------------------------------------------------------------


def test_create_acls_skips_duplicates_and_refuses_invalid_bindings() -> None:
    ids = _ids()
    image = MetadataImage.empty().apply(0, [_acl_record("old", _binding())])
    requested = [
        _binding(),  # exists already
        _binding("pay"),
        _binding("pay"),  # twice in one request: stored once
        _binding("", op=AclOperation.WRITE),
        _binding("x", "alice"),
        _binding("x", op=AclOperation.ANY),
        _binding("x", pattern=PatternType.MATCH),
    ]
    results, records = plan_create_acls(image, requested, lambda: next(ids))
    assert [r.error for r in results] == [ErrorCode.NONE] * 3 + [ErrorCode.INVALID_REQUEST] * 4
    assert all(r.name == "" for r in results) and all(r.message for r in results[3:])
    assert records == [_acl_record(str(uuid.UUID(int=1)), _binding("pay"))]


def test_create_acls_bounds() -> None:
    too_many = [_binding(str(i)) for i in range(MAX_ACLS_PER_REQUEST + 1)]
    results, records = plan_create_acls(MetadataImage.empty(), too_many, uuid.uuid4)
    assert records == [] and {r.error for r in results} == {ErrorCode.INVALID_REQUEST}
    assert results[0].message is not None and str(MAX_ACLS_PER_REQUEST) in results[0].message


def test_cluster_bound_on_acls(monkeypatch: pytest.MonkeyPatch) -> None:
    import broker.metadata.security_planner as planner

    monkeypatch.setattr(planner, "MAX_CLUSTER_ACLS", 2)
    image = MetadataImage.empty().apply(0, [_acl_record("1", _binding())])
    results, records = plan_create_acls(image, [_binding("a"), _binding("b")], uuid.uuid4)
    assert [r.error for r in results] == [ErrorCode.NONE, ErrorCode.INVALID_REQUEST]
    assert len(records) == 1


def test_delete_acls_reports_each_binding_once_under_the_first_filter() -> None:
    orders, pay, group = _binding(), _binding("pay", pattern=PREFIXED), _binding(rtype=GROUP)
    image = MetadataImage.empty().apply(
        0, [_acl_record("1", orders), _acl_record("2", pay), _acl_record("3", group)]
    )
    filters = [
        _filter(rtype=TOPIC),
        _filter(principal="User:alice"),  # matches all three; only the group one is left
        _filter(rtype=ResourceType.UNKNOWN),
        _filter("nothing"),
    ]
    results, records = plan_delete_acls(image, filters)
    assert [r.error for r in results] == [
        ErrorCode.NONE,
        ErrorCode.NONE,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.NONE,
    ]
    assert results[0].deleted == (orders, pay)
    assert results[1].deleted == (group,)
    assert results[2].message and results[3].deleted == ()
    assert records == [RemoveAccessControlEntryRecord(i) for i in ("1", "2", "3")]


def test_delete_acls_match_filter_finds_the_bindings_that_apply() -> None:
    literal, wildcard, prefix = _binding(), _binding("*"), _binding("ord", pattern=PREFIXED)
    other = _binding("other")
    image = MetadataImage.empty().apply(
        0, [_acl_record(str(i), b) for i, b in enumerate((literal, wildcard, prefix, other))]
    )
    [result], records = plan_delete_acls(
        image, [_filter("orders", rtype=TOPIC, pattern=PatternType.MATCH)]
    )
    assert result.deleted == (literal, wildcard, prefix) and len(records) == 3


def _scram_image() -> MetadataImage:
    return MetadataImage.empty().apply(0, [_scram_record("alice")])


@pytest.mark.parametrize(
    ("deletions", "upsertions", "expected"),
    [
        ([], [_upsertion("bob")], [("bob", ErrorCode.NONE)]),
        ([("alice", "SCRAM-SHA-512")], [], [("alice", ErrorCode.NONE)]),
        ([("alice", "SCRAM-SHA-256")], [], [("alice", ErrorCode.RESOURCE_NOT_FOUND)]),
        ([("bob", "SCRAM-SHA-512")], [], [("bob", ErrorCode.RESOURCE_NOT_FOUND)]),
        ([], [_upsertion("bob", iterations=4095)], [("bob", ErrorCode.UNACCEPTABLE_CREDENTIAL)]),
        ([], [_upsertion("bob", iterations=16385)], [("bob", ErrorCode.UNACCEPTABLE_CREDENTIAL)]),
        ([], [_upsertion("bob", iterations=16384)], [("bob", ErrorCode.NONE)]),
        ([], [_upsertion("", "SCRAM-SHA-256")], [("", ErrorCode.UNACCEPTABLE_CREDENTIAL)]),
        (
            [],
            [ScramUpsertion("bob", "SCRAM-MD5", 4096, b"s", b"p")],
            [("bob", ErrorCode.UNSUPPORTED_SASL_MECHANISM)],
        ),
        (
            [("alice", "UNKNOWN")],
            [],
            [("alice", ErrorCode.UNSUPPORTED_SASL_MECHANISM)],
        ),
        (  # the same user twice, whatever the mechanisms
            [],
            [_upsertion("bob"), _upsertion("bob", "SCRAM-SHA-512")],
            [("bob", ErrorCode.DUPLICATE_RESOURCE)],
        ),
        (
            [("alice", "SCRAM-SHA-512")],
            [_upsertion("alice")],
            [("alice", ErrorCode.DUPLICATE_RESOURCE)],
        ),
        (
            [("alice", "SCRAM-SHA-512"), ("alice", "SCRAM-SHA-512")],
            [],
            [("alice", ErrorCode.DUPLICATE_RESOURCE)],
        ),
        (  # one result per user, in first-seen order; a bad user does not stop the others
            [("zed", "SCRAM-SHA-256"), ("alice", "SCRAM-SHA-512")],
            [_upsertion("bob"), _upsertion("zed")],
            [
                ("zed", ErrorCode.RESOURCE_NOT_FOUND),
                ("alice", ErrorCode.NONE),
                ("bob", ErrorCode.NONE),
            ],
        ),
    ],
)
def test_alter_scram_credentials_rules(
    deletions: list[tuple[str, str]],
    upsertions: list[ScramUpsertion],
    expected: list[tuple[str, ErrorCode]],
) -> None:
    results, records = plan_alter_scram_credentials(_scram_image(), deletions, upsertions)
    assert [(r.name, r.error) for r in results] == expected
    assert all(r.message for r in results if r.error != ErrorCode.NONE)
    assert len(records) == sum(1 for _, e in expected if e == ErrorCode.NONE)
    _scram_image().apply(1, records)  # the records apply


def test_an_upsertion_stores_keys_never_the_salted_password() -> None:
    u = _upsertion("bob", "SCRAM-SHA-512", 8192, password="hunter2")
    _, [record] = plan_alter_scram_credentials(MetadataImage.empty(), [], [u])
    assert isinstance(record, UserScramCredentialRecord)
    assert u.salted_password not in (record.stored_key, record.server_key, record.salt)
    assert u.salted_password.hex() not in json.dumps(record.to_json())
    image = MetadataImage.empty().apply(0, [record])
    credential = image.scram_credentials[("bob", "SCRAM-SHA-512")]
    assert credential.iterations == 8192 and verify_password(credential, "hunter2")
    assert not verify_password(credential, "hunter3")


# -- the controller, across a restart ------------------------------------------------------------


@pytest.mark.parametrize("snapshot_bytes", [1, 1 << 30], ids=["from-snapshots", "from-records"])
async def test_acls_and_credentials_survive_a_restart(tmp_path: Path, snapshot_bytes: int) -> None:
    config = load_config(None, {"log.dirs": str(tmp_path)})
    raft = RaftConfig(node_id=1, voters=frozenset({1}))
    log = RaftMetadataLog(tmp_path, raft, NoPeers(), snapshot_bytes=snapshot_bytes)
    controller = Controller(log, await log.catch_up(1.0), config)
    await log.start()
    created = await controller.create_acls([_binding(), _binding("pay", pattern=PREFIXED)])
    assert [r.error for r in created] == [ErrorCode.NONE, ErrorCode.NONE]
    altered = await controller.alter_scram_credentials(
        [], [_upsertion("alice", password="pw1"), _upsertion("bob", "SCRAM-SHA-512")]
    )
    assert [(r.name, r.error) for r in altered] == [("alice", ErrorCode.NONE), ("bob", 0)]
    [deleted] = await controller.delete_acls([_filter("pay")])
    assert deleted.deleted == (_binding("pay", pattern=PREFIXED),)
    await log.close_async()

    log = RaftMetadataLog(tmp_path, raft, NoPeers(), snapshot_bytes=snapshot_bytes)
    controller = Controller(log, await log.catch_up(1.0), config)
    await log.start()
    image = controller.image
    assert list(image.acls.values()) == [_binding()]
    assert set(image.scram_credentials) == {("alice", "SCRAM-SHA-256"), ("bob", "SCRAM-SHA-512")}
    assert verify_password(image.scram_credentials[("alice", "SCRAM-SHA-256")], "pw1")
    # Identical bindings are not stored twice, even after the restart.
    await controller.create_acls([_binding()])
    assert len(controller.image.acls) == 1
    await log.close_async()


async def test_the_controller_commits_nothing_for_refused_changes() -> None:
    log = MemoryLog()
    controller = Controller(log, MetadataImage.empty(), load_config(None, {"log.dirs": "/x"}))
    [bad] = await controller.create_acls([_binding("")])
    assert bad.error == ErrorCode.INVALID_REQUEST
    [missing] = await controller.alter_scram_credentials([("x", "SCRAM-SHA-256")], [])
    assert missing.error == ErrorCode.RESOURCE_NOT_FOUND
    [nothing] = await controller.delete_acls([_filter()])
    assert nothing.deleted == ()
    assert log.batches == []


# -- forwarding and registration -----------------------------------------------------------------


class StandbyController(Controller):
    @property
    def is_active(self) -> bool:
        return False


class LoopbackRouter:
    """Calls the active controller through JSON, as the controller port would."""

    def __init__(self, active: Controller, standby: Controller) -> None:
        self.active = active
        self.standby = standby
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call(self, op: str, body: dict[str, Any], timeout_s: float = 10.0) -> dict[str, Any]:
        sent = json.loads(json.dumps(body))
        self.calls.append((op, sent))
        answer = await handle_rpc(self.active, op, sent)
        return dict(json.loads(json.dumps(answer)))

    async def wait_for_offset(self, offset: int) -> None:
        assert self.active.image.offset >= offset
        self.standby.publisher.install_image(self.active.image)


def _forwarding() -> tuple[ForwardingController, LoopbackRouter]:
    config = load_config(None, {"log.dirs": "/nonexistent"})
    active = Controller(MemoryLog(), MetadataImage.empty(), config)
    standby = StandbyController(MemoryLog(), MetadataImage.empty(), config)
    router = LoopbackRouter(active, standby)
    return ForwardingController(standby, router), router


async def test_acl_changes_are_forwarded_as_json() -> None:
    forwarding, router = _forwarding()
    bindings = [_binding(), _binding("g", "User:*", rtype=GROUP, host="10.0.0.1", permission=DENY)]
    created = await forwarding.create_acls([*bindings, _binding("")])
    assert [r.error for r in created] == [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.INVALID_REQUEST]
    assert sorted(forwarding.image.acls.values(), key=str) == sorted(bindings, key=str)
    [by_group, bad] = await forwarding.delete_acls(
        [_filter(rtype=GROUP), _filter(rtype=ResourceType.UNKNOWN)]
    )
    assert by_group.deleted == (bindings[1],) and by_group.message is None
    assert bad.error == ErrorCode.INVALID_REQUEST and bad.message
    assert list(forwarding.image.acls.values()) == [bindings[0]]
    assert [op for op, _ in router.calls] == ["create_acls", "delete_acls"]


async def test_credential_changes_are_forwarded_with_base64_bytes() -> None:
    forwarding, router = _forwarding()
    u = _upsertion("alice", "SCRAM-SHA-512", password="pw")
    [ok] = await forwarding.alter_scram_credentials([], [u])
    assert (ok.name, ok.error) == ("alice", ErrorCode.NONE)
    credential = forwarding.image.scram_credentials[("alice", "SCRAM-SHA-512")]
    assert verify_password(credential, "pw")
    [gone, missing] = await forwarding.alter_scram_credentials(
        [("alice", "SCRAM-SHA-512"), ("bob", "SCRAM-SHA-256")], []
    )
    assert (gone.error, missing.error) == (ErrorCode.NONE, ErrorCode.RESOURCE_NOT_FOUND)
    assert dict(forwarding.image.scram_credentials) == {}
    assert [op for op, _ in router.calls] == ["alter_scram_credentials"] * 2


async def test_the_active_broker_runs_security_changes_itself() -> None:
    config = load_config(None, {"log.dirs": "/nonexistent"})
    local = Controller(MemoryLog(), MetadataImage.empty(), config, acl_ids=lambda: uuid.UUID(int=7))

    class Refusing:
        async def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
            raise AssertionError(f"{op} was forwarded")

        async def wait_for_offset(self, offset: int) -> None:
            raise AssertionError("nothing was forwarded")

    forwarding = ForwardingController(local, Refusing())
    await forwarding.create_acls([_binding()])
    assert set(forwarding.image.acls) == {str(uuid.UUID(int=7))}
    await forwarding.alter_scram_credentials([], [_upsertion("a")])
    [deleted] = await forwarding.delete_acls([_filter()])
    assert deleted.deleted == (_binding(),)


def test_registration_carries_endpoints_and_a_change_re_registers() -> None:
    endpoints = (("SASL_SSL", "pub", 9094), ("IN", "h", 9093))
    [record] = plan_registration(MetadataImage.empty(), 1, "inc", "h", 9093, None, endpoints)
    assert isinstance(record, RegisterBrokerRecord) and record.endpoints == endpoints
    image = MetadataImage.empty().apply(0, [record])
    assert plan_registration(image, 1, "inc", "h", 9093, None, endpoints) == []
    changed: list[MetadataRecord] = plan_registration(
        image, 1, "inc", "h", 9093, None, endpoints[:1]
    )
    assert len(changed) == 1


async def test_lifecycle_registers_every_advertised_endpoint() -> None:
    config = load_config(None, {"log.dirs": "/nonexistent", "node.id": 2})
    active = Controller(MemoryLog(), MetadataImage.empty(), config)
    router = LoopbackRouter(active, active)
    endpoints = [("PLAINTEXT", "h", 9092), ("SSL", "h", 9093)]
    lifecycle = BrokerLifecycle(active, router, config, "h", 9092, endpoints)  # type: ignore[arg-type]
    await lifecycle._beat()
    op, body = router.calls[0]
    assert op == "register" and body["endpoints"] == [list(e) for e in endpoints]
    reg = active.image.brokers[2]
    assert dict(reg.endpoints) == {"PLAINTEXT": ("h", 9092), "SSL": ("h", 9093)}
    assert (reg.host, reg.port) == ("h", 9092)


def test_the_security_planner_is_a_pure_core() -> None:
    from unit.test_pure_cores import io_imports

    assert io_imports("broker.metadata.security_planner") == {}
    assert io_imports("broker.security.acl") == {}
