"""Authorization end to end: a broker with ``authorizer.class.name`` set and one
SASL_PLAINTEXT listener, users alice, bob and admin (``super.users=User:admin``) logged in for
real with SCRAM, and Samsa's client, confluent-kafka and the ``samsa`` CLI as the clients.

One broker serves the module (each test names its own topics, groups and ids; carol is the
user whose cases need a principal with no ACL at all to start with). The restart cases have a
broker of their own, restarted on its data directory and port. Admin SCRAM credentials are
seeded through the controller, as ``kafka-storage format --add-scram`` seeds Kafka's.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import pytest
from cli.cli_support import invoke_samsa
from support.kafka_ops import produce
from support.security import sasl_login
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.config import load_config
from broker.metadata.controller_api import ScramUpsertion
from broker.raft.storage import SNAPSHOT_FILE
from client.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    ConfigResource,
    PatternType,
    ResourceType,
)
from client.sync import Admin, Producer
from client.types import TopicPartition
from protocol.errors import (
    ClusterAuthorizationFailedError,
    ErrorCode,
    TopicAuthorizationFailedError,
)
from protocol.messages import (
    DescribeClusterRequest,
    ElectLeadersRequest,
    InitProducerIdRequest,
    ListGroupsRequest,
    MetadataRequest,
)
from protocol.scram import MECHANISMS, salted_password

confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = pytest.mark.timeout(90)

T = TypeVar("T")

PASSWORDS: Final = {
    "alice": "alice-pw",
    "bob": "bob-pw",
    "carol": "carol-pw",
    "admin": "admin-pw",
}
MECHANISM: Final = "SCRAM-SHA-256"
#: Deadline of one call run on the broker's loop from a test's thread.
CALL_S: Final = 30.0
#: Deadline of a confluent-kafka flush or poll loop.
CLIENT_S: Final = 20.0
ALLOW, DENY = AclPermissionType.ALLOW, AclPermissionType.DENY


class SecureBroker:
    """A broker on a thread and event loop of its own, with SCRAM users and ACLs on; stopped
    and started again on the same data directory and port by ``restart``."""

    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.port = 0
        self.broker: Broker | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="acl-broker")
        self._thread.start()

    def call(self, coro: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(CALL_S)

    def start(self) -> None:
        settings: dict[str, Any] = {
            "listeners": f"SASL_PLAINTEXT://127.0.0.1:{self.port}",
            "log.dirs": str(self.data_dir),
            "sasl.enabled.mechanisms": "SCRAM-SHA-256,SCRAM-SHA-512",
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": "User:admin",
            "num.partitions": 1,
            "offsets.topic.num.partitions": 1,
            "transaction.state.log.num.partitions": 1,
            "group.initial.rebalance.delay.ms": 0,
            "auto.create.topics.enable": False,
            "http.listeners": "127.0.0.1:0",
            **self.settings,
        }
        broker = Broker(load_config(None, settings))
        self.call(broker.start())
        self.broker = broker
        self.port = broker.port

    def stop(self) -> None:
        if self.broker is not None:
            self.call(self.broker.stop())
            self.broker = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CALL_S)
        self._loop.close()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add_users(self) -> None:
        """SCRAM credentials for every user, straight through the controller (as Kafka's
        ``kafka-storage format --add-scram`` seeds the first ones)."""
        broker = self.broker
        assert broker is not None and broker.controller is not None
        upsertions = []
        for user, password in PASSWORDS.items():
            salt = secrets.token_bytes(32)
            salted = salted_password(MECHANISMS[MECHANISM], password.encode(), salt, 4096)
            upsertions.append(ScramUpsertion(user, MECHANISM, 4096, salt, salted))
        results = self.call(broker.controller.alter_scram_credentials([], upsertions))
        assert all(r.error == 0 for r in results), results

    # -- clients -----------------------------------------------------------------------------

    def security(self, user: str, password: str | None = None) -> dict[str, Any]:
        """Samsa client options logging in as ``user``."""
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": MECHANISM,
            "sasl_username": user,
            "sasl_password": password or PASSWORDS[user],
        }

    def cli_options(self, user: str, password: str | None = None) -> list[str]:
        """``samsa`` options logging in as ``user``."""
        return [
            "-X",
            "security.protocol=SASL_PLAINTEXT",
            "-X",
            f"sasl.mechanism={MECHANISM}",
            "-X",
            f"sasl.username={user}",
            "-X",
            f"sasl.password={password or PASSWORDS[user]}",
        ]

    def kafka_config(self, user: str, **extra: Any) -> dict[str, Any]:
        """confluent-kafka options logging in as ``user``."""
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanisms": MECHANISM,
            "sasl.username": user,
            "sasl.password": PASSWORDS[user],
            **extra,
        }

    def admin(self, user: str = "admin") -> Admin:
        return Admin(**self.security(user))

    def login_error(self, user: str, password: str) -> int:
        """Kafka's error code of a SCRAM login as ``user`` (0: logged in)."""

        async def run() -> int:
            client = await WireClient.connect(self.bootstrap)
            try:
                return int((await sasl_login(client, MECHANISM, user, password)).error_code)
            finally:
                await client.close()

        return asyncio.run(run())

    def wire(self, user: str, calls: Callable[[WireClient], Awaitable[T]]) -> T:
        """``calls(client)`` on a wire connection logged in as ``user`` (run on a loop of
        this thread)."""

        async def run() -> T:
            client = await WireClient.connect(self.bootstrap)
            try:
                login = await sasl_login(client, MECHANISM, user, PASSWORDS[user])
                assert login.error_code == 0, login
                return await calls(client)
            finally:
                await client.close()

        return asyncio.run(run())


def _secure_broker(**settings: Any) -> tuple[SecureBroker, Path]:
    data = Path(tempfile.mkdtemp(prefix="samsa-acl-"))
    secure = SecureBroker(data, **settings)
    try:
        secure.start()
        secure.add_users()
    except BaseException:
        secure.close()
        shutil.rmtree(data, ignore_errors=True)
        raise
    return secure, data


@pytest.fixture(scope="module")
def secure() -> Iterator[SecureBroker]:
    secure, data = _secure_broker()
    try:
        yield secure
    finally:
        secure.close()
        shutil.rmtree(data, ignore_errors=True)


def topic_acl(
    user: str,
    name: str,
    op: AclOperation,
    permission: AclPermissionType = ALLOW,
    *,
    pattern: PatternType = PatternType.LITERAL,
    host: str = "*",
    rtype: ResourceType = ResourceType.TOPIC,
) -> AclBinding:
    principal = user if ":" in user else f"User:{user}"
    return AclBinding(
        resource_type=rtype,
        resource_name=name,
        pattern_type=pattern,
        principal=principal,
        host=host,
        operation=op,
        permission=permission,
    )


def grant(secure: SecureBroker, *bindings: AclBinding) -> None:
    with secure.admin() as admin:
        admin.create_acls(bindings)


def revoke(secure: SecureBroker, *bindings: AclBinding) -> None:
    filters = [
        AclBindingFilter(
            resource_type=b.resource_type,
            resource_name=b.resource_name,
            pattern_type=b.pattern_type,
            principal=b.principal,
            host=b.host,
            operation=b.operation,
            permission=b.permission,
        )
        for b in bindings
    ]
    with secure.admin() as admin:
        assert len(admin.delete_acls(filters)) == len(bindings)


def create_topics(secure: SecureBroker, *names: str) -> None:
    with secure.admin() as admin:
        for name in names:
            admin.create_topic(name)


# -- confluent-kafka: produce, fetch, join ---------------------------------------------------


def ck_produce(secure: SecureBroker, user: str, topic: str, **extra: Any) -> int:
    """Produce one record with confluent-kafka; Kafka's error code of its delivery (0: ok)."""
    producer = confluent_kafka.Producer(
        secure.kafka_config(user, **{"message.timeout.ms": 10_000, **extra})
    )
    outcome: list[int] = []

    def report(err: Any, msg: Any) -> None:
        outcome.append(0 if err is None else err.code())

    producer.produce(topic, b"v", on_delivery=report)
    producer.flush(CLIENT_S)
    assert outcome, "no delivery report"
    return outcome[0]


def test_confluent_kafka_produce_needs_write(secure: SecureBroker) -> None:
    create_topics(secure, "w-orders")
    assert ck_produce(secure, "alice", "w-orders") == ErrorCode.TOPIC_AUTHORIZATION_FAILED
    grant(secure, topic_acl("alice", "w-orders", AclOperation.WRITE))
    assert ck_produce(secure, "alice", "w-orders") == 0


def ck_consume(consumer: Any) -> tuple[bytes | None, int]:
    """Poll until a record or an error: (value, 0) or (None, Kafka's error code)."""
    deadline = time.monotonic() + CLIENT_S
    while time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        err = msg.error()
        if err is None:
            return msg.value(), 0
        if err.code() != confluent_kafka.KafkaError._PARTITION_EOF:
            return None, int(err.code())
    raise AssertionError(f"no record and no error within {CLIENT_S} s")


def admin_produce(secure: SecureBroker, topic: str, value: bytes) -> None:
    with Producer(**secure.security("admin")) as producer:
        producer.send(topic, value).result(CLIENT_S)


def test_confluent_kafka_fetch_needs_read(secure: SecureBroker) -> None:
    create_topics(secure, "r-events")
    admin_produce(secure, "r-events", b"first")
    # Describe only (and the group's Read): metadata and offsets answer, the fetch does not.
    grant(
        secure,
        topic_acl("alice", "r-events", AclOperation.DESCRIBE),
        topic_acl("alice", "r-group", AclOperation.READ, rtype=ResourceType.GROUP),
    )
    consumer = confluent_kafka.Consumer(
        secure.kafka_config("alice", **{"group.id": "r-group", "enable.auto.commit": False})
    )
    try:
        start = confluent_kafka.TopicPartition("r-events", 0, confluent_kafka.OFFSET_BEGINNING)
        consumer.assign([start])
        assert ck_consume(consumer) == (None, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    finally:
        consumer.close()
    grant(secure, topic_acl("alice", "r-events", AclOperation.READ))
    consumer = confluent_kafka.Consumer(
        secure.kafka_config("alice", **{"group.id": "r-group", "enable.auto.commit": False})
    )
    try:
        consumer.assign([start])
        assert ck_consume(consumer) == (b"first", 0)
    finally:
        consumer.close()


def test_confluent_kafka_join_needs_group_read(secure: SecureBroker) -> None:
    create_topics(secure, "j-events")
    admin_produce(secure, "j-events", b"hello")
    grant(secure, topic_acl("alice", "j-events", AclOperation.READ))
    settings = {"group.id": "j-group", "auto.offset.reset": "earliest"}
    consumer = confluent_kafka.Consumer(secure.kafka_config("alice", **settings))
    try:
        consumer.subscribe(["j-events"])
        assert ck_consume(consumer) == (None, ErrorCode.GROUP_AUTHORIZATION_FAILED)
    finally:
        consumer.close()
    grant(secure, topic_acl("alice", "j-group", AclOperation.READ, rtype=ResourceType.GROUP))
    consumer = confluent_kafka.Consumer(secure.kafka_config("alice", **settings))
    try:
        consumer.subscribe(["j-events"])
        assert ck_consume(consumer) == (b"hello", 0)
    finally:
        consumer.close()


# -- Samsa's client: patterns, DENY, super users, hosts ---------------------------------------


def samsa_produce(secure: SecureBroker, user: str, topic: str, password: str | None = None) -> int:
    """Produce one record with Samsa's producer: 0, or the error code it failed with."""
    with Producer(**secure.security(user, password)) as producer:
        try:
            producer.send(topic, b"v").result(CLIENT_S)
        except (TopicAuthorizationFailedError, ClusterAuthorizationFailedError) as exc:
            return int(exc.code)
    return 0


def test_a_prefixed_allow_grants_a_family_of_topics(secure: SecureBroker) -> None:
    create_topics(secure, "fam-a", "fam-b", "famous", "other-fam-c")
    grant(secure, topic_acl("bob", "fam-", AclOperation.WRITE, pattern=PatternType.PREFIXED))
    assert samsa_produce(secure, "bob", "fam-a") == 0
    assert samsa_produce(secure, "bob", "fam-b") == 0
    denied = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    assert samsa_produce(secure, "bob", "famous") == denied
    assert samsa_produce(secure, "bob", "other-fam-c") == denied
    assert ck_produce(secure, "bob", "other-fam-c") == denied


def test_a_deny_beats_an_allow(secure: SecureBroker) -> None:
    create_topics(secure, "deny-own", "deny-all")
    grant(
        secure,
        topic_acl("bob", "deny-own", AclOperation.ALL),
        topic_acl("bob", "deny-own", AclOperation.WRITE, DENY),
        topic_acl("bob", "deny-all", AclOperation.WRITE),
        topic_acl("alice", "deny-all", AclOperation.WRITE),
    )
    denied = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    assert samsa_produce(secure, "bob", "deny-own") == denied
    assert samsa_produce(secure, "bob", "deny-all") == 0
    grant(secure, topic_acl("User:*", "deny-all", AclOperation.WRITE, DENY))
    assert samsa_produce(secure, "bob", "deny-all") == denied
    assert ck_produce(secure, "alice", "deny-all") == denied
    # A super user is allowed even what a DENY for everyone forbids.
    assert samsa_produce(secure, "admin", "deny-all") == 0


def test_super_users_bypass_every_check(secure: SecureBroker) -> None:
    create_topics(secure, "su-topic")
    assert ck_produce(secure, "admin", "su-topic") == 0
    consumer = confluent_kafka.Consumer(
        secure.kafka_config("admin", **{"group.id": "su-group", "auto.offset.reset": "earliest"})
    )
    try:
        consumer.subscribe(["su-topic"])
        assert ck_consume(consumer) == (b"v", 0)
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    with secure.admin() as admin:
        assert "su-group" in {g.group_id for g in admin.list_groups()}
        admin.alter_configs(ConfigResource.topic("su-topic"), set={"retention.ms": "3600000"})
        assert admin.describe_topic_configs("su-topic")["retention.ms"] == "3600000"
        admin.delete_topics(["su-topic"])


def test_an_allow_for_another_host_does_not_apply(secure: SecureBroker) -> None:
    create_topics(secure, "host-topic")
    grant(secure, topic_acl("bob", "host-topic", AclOperation.WRITE, host="10.9.9.9"))
    assert samsa_produce(secure, "bob", "host-topic") == ErrorCode.TOPIC_AUTHORIZATION_FAILED
    grant(secure, topic_acl("bob", "host-topic", AclOperation.WRITE, host="127.0.0.1"))
    assert samsa_produce(secure, "bob", "host-topic") == 0


# -- what a principal may see ----------------------------------------------------------------


async def _metadata(client: WireClient, topics: list[str] | None) -> Any:
    body = MetadataRequest(
        topics=[MetadataRequest.MetadataRequestTopic(name=t) for t in topics or []],
        allow_auto_topic_creation=False,
    )
    if topics is None:
        body.topics = None
    return await client.request(body, 8)


def test_metadata_and_list_groups_show_only_what_is_describable(secure: SecureBroker) -> None:
    create_topics(secure, "vis-shown", "vis-hidden")
    with secure.admin() as admin:
        for group in ("vis-group-shown", "vis-group-hidden"):
            admin.alter_group_offsets(group, {TopicPartition("vis-shown", 0): 0})
    grant(
        secure,
        topic_acl("bob", "vis-shown", AclOperation.READ),
        topic_acl("bob", "vis-group-shown", AclOperation.DESCRIBE, rtype=ResourceType.GROUP),
    )

    async def look(client: WireClient) -> tuple[Any, Any, Any, Any]:
        every = await _metadata(client, None)
        named = await _metadata(client, ["vis-shown", "vis-hidden", "vis-missing"])
        groups = await client.request(ListGroupsRequest(), 4)
        cluster = await client.request(
            DescribeClusterRequest(include_cluster_authorized_operations=True), 0
        )
        return every, named, groups, cluster

    every, named, groups, cluster = secure.wire("bob", look)
    # Asked for, the Cluster's operations are none without Describe on it (not "not asked").
    assert cluster.error_code == 0 and cluster.cluster_authorized_operations == 0
    names = {t.name for t in every.topics}
    assert "vis-shown" in names and "vis-hidden" not in names
    assert [(t.name, t.error_code) for t in named.topics] == [
        ("vis-shown", 0),
        ("vis-hidden", ErrorCode.TOPIC_AUTHORIZATION_FAILED),
        ("vis-missing", ErrorCode.TOPIC_AUTHORIZATION_FAILED),
    ]
    assert groups.error_code == 0
    listed = {g.group_id for g in groups.groups}
    assert "vis-group-shown" in listed and "vis-group-hidden" not in listed

    # The admin sees both.
    every = secure.wire("admin", lambda c: _metadata(c, None))
    assert {"vis-shown", "vis-hidden"} <= {t.name for t in every.topics}


# -- the internal topics -----------------------------------------------------------------------


def test_consumer_offsets_needs_cluster_alter_even_with_a_topic_allow(
    secure: SecureBroker,
) -> None:
    offsets = "__consumer_offsets"
    grant(secure, topic_acl("bob", offsets, AclOperation.ALL))
    denied = ErrorCode.TOPIC_AUTHORIZATION_FAILED

    async def write(client: WireClient) -> int:
        return int((await produce(client, offsets, 0, make_batch([b"junk"]))).error_code)

    assert secure.wire("bob", write) == denied
    with secure.admin("bob") as bob:
        with pytest.raises(TopicAuthorizationFailedError):
            bob.delete_records({TopicPartition(offsets, 0): -1})
        with pytest.raises(TopicAuthorizationFailedError):
            bob.alter_configs(ConfigResource.topic(offsets), set={"retention.ms": "1000"})
        with pytest.raises(TopicAuthorizationFailedError):
            bob.delete_topics([offsets])
    with secure.admin() as admin:
        assert offsets in admin.list_topics(internal=True)
        assert admin.describe_topic_configs(offsets)["retention.ms"] != "1000"
        [low] = admin.list_offsets({TopicPartition(offsets, 0): -2}).values()
        assert low.offset == 0


# -- producer ids ----------------------------------------------------------------------------


#: What InitProducerId answers while the transaction coordinator's partition is being created
#: or loaded: the client asks again.
_NOT_YET: Final = (ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)


async def _init_producer_id(client: WireClient, transactional_id: str | None = None) -> int:
    body = InitProducerIdRequest(
        transactional_id=transactional_id,
        transaction_timeout_ms=60_000,
        producer_id=-1,
        producer_epoch=-1,
    )

    async def answer() -> tuple[int] | None:
        code = (await client.request(body, 4)).error_code
        return None if code in _NOT_YET else (int(code),)

    (code,) = await eventually(answer, CLIENT_S, "InitProducerId past the coordinator's loading")
    return code


def test_idempotent_and_transactional_producers_need_their_acls(secure: SecureBroker) -> None:
    """carol starts with no ACL at all (the other users' ACLs vary with the tests run)."""
    assert secure.wire("carol", _init_producer_id) == ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    # Write on any one topic is enough (KIP-679) ...
    grant(secure, topic_acl("carol", "idem-topic", AclOperation.WRITE))
    assert secure.wire("carol", _init_producer_id) == 0
    revoke(secure, topic_acl("carol", "idem-topic", AclOperation.WRITE))
    assert secure.wire("carol", _init_producer_id) == ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    # ... as is IDEMPOTENT_WRITE on the Cluster.
    idempotent = AclBinding.for_cluster("User:carol", AclOperation.IDEMPOTENT_WRITE)
    grant(secure, idempotent)
    assert secure.wire("carol", _init_producer_id) == 0

    def transactional(client: WireClient) -> Awaitable[int]:
        return _init_producer_id(client, "tx-carol")

    failed = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    assert secure.wire("carol", transactional) == failed
    tx_write = topic_acl(
        "carol", "tx-carol", AclOperation.WRITE, rtype=ResourceType.TRANSACTIONAL_ID
    )
    grant(secure, tx_write)
    assert secure.wire("carol", transactional) == 0


async def _elect_preferred(client: WireClient) -> tuple[int, list[tuple[str, int, int]]]:
    body = ElectLeadersRequest(
        election_type=0,
        topic_partitions=[ElectLeadersRequest.TopicPartitions(topic="elect-acl", partitions=[0])],
        timeout_ms=10_000,
    )
    answer = await client.request(body, 2)
    return int(answer.error_code), [
        (t.topic, p.partition_id, int(p.error_code))
        for t in answer.replica_election_results
        for p in t.partition_result
    ]


def test_elect_leaders_needs_cluster_alter(secure: SecureBroker) -> None:
    create_topics(secure, "elect-acl")
    refused = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
    assert secure.wire("carol", _elect_preferred) == (refused, [("elect-acl", 0, refused)])
    alter = AclBinding.for_cluster("User:carol", AclOperation.ALTER)
    grant(secure, alter)
    try:
        not_needed = ErrorCode.ELECTION_NOT_NEEDED
        assert secure.wire("carol", _elect_preferred) == (0, [("elect-acl", 0, not_needed)])
    finally:
        revoke(secure, alter)


# -- ACL changes: at once, and for good --------------------------------------------------------


def test_acl_changes_apply_to_the_next_request_on_the_same_connection(
    secure: SecureBroker,
) -> None:
    create_topics(secure, "live-topic")
    write = topic_acl("alice", "live-topic", AclOperation.WRITE)

    async def session(client: WireClient) -> list[int]:
        async def attempt() -> int:
            answer = await produce(client, "live-topic", 0, make_batch([b"x"]))
            return int(answer.error_code)

        codes = [await attempt()]
        await asyncio.to_thread(grant, secure, write)
        codes.append(await attempt())
        await asyncio.to_thread(revoke, secure, write)
        codes.append(await attempt())
        return codes

    denied = ErrorCode.TOPIC_AUTHORIZATION_FAILED
    assert secure.wire("alice", session) == [denied, 0, denied]


@pytest.mark.parametrize(
    "snapshot_bytes",
    [
        pytest.param(20 * 1024 * 1024, id="from-the-log"),
        pytest.param(1, id="from-a-snapshot"),
    ],
)
def test_acls_and_users_survive_a_restart(snapshot_bytes: int) -> None:
    """Read back from the metadata log, or from a snapshot (one after every change)."""
    secure, data = _secure_broker(
        **{"metadata.log.max.record.bytes.between.snapshots": snapshot_bytes}
    )
    try:
        create_topics(secure, "kept")
        grant(
            secure,
            topic_acl("alice", "kept", AclOperation.WRITE),
            topic_acl("bob", "kept", AclOperation.ALL),
            topic_acl("bob", "kept", AclOperation.WRITE, DENY),
            # Write somewhere, so that bob's idempotent producer gets a producer id.
            topic_acl("bob", "kept-", AclOperation.WRITE, pattern=PatternType.PREFIXED),
        )
        with secure.admin() as admin:
            before = admin.describe_acls()
        snapshots = list(data.rglob(SNAPSHOT_FILE))
        assert bool(snapshots) == (snapshot_bytes == 1), snapshots
        port = secure.port
        secure.restart()
        assert secure.port == port
        with secure.admin() as admin:
            assert sorted(map(repr, admin.describe_acls())) == sorted(map(repr, before))
        assert samsa_produce(secure, "alice", "kept") == 0
        assert samsa_produce(secure, "bob", "kept") == ErrorCode.TOPIC_AUTHORIZATION_FAILED
        assert ck_produce(secure, "bob", "kept") == ErrorCode.TOPIC_AUTHORIZATION_FAILED
    finally:
        secure.close()
        shutil.rmtree(data, ignore_errors=True)


# -- the CLI -----------------------------------------------------------------------------------


def test_samsa_user_and_acl_commands_against_the_broker(secure: SecureBroker) -> None:
    samsa = invoke_samsa(secure.bootstrap)
    as_admin = secure.cli_options("admin")
    created = samsa("user", "create", "dave", "--password", "dave-pw", *as_admin)
    assert "created user 'dave'" in created.output
    listed = samsa("user", "list", *as_admin).output.splitlines()
    assert "dave\tSCRAM-SHA-256\t8192" in listed
    assert secure.login_error("dave", "dave-pw") == 0

    create_topics(secure, "cli-topic")
    assert samsa_produce(secure, "dave", "cli-topic", "dave-pw") == (
        ErrorCode.TOPIC_AUTHORIZATION_FAILED
    )
    samsa(
        "acl",
        "create",
        "--allow-principal",
        "dave",
        "--operation",
        "write",
        "--topic",
        "cli-topic",
        *as_admin,
    )
    rows = samsa("acl", "list", "--allow-principal", "dave", *as_admin).output.splitlines()
    assert rows == ["User:dave\t*\tTOPIC\tcli-topic\tLITERAL\tWRITE\tALLOW"]
    assert samsa_produce(secure, "dave", "cli-topic", "dave-pw") == 0

    # A user without the rights gets one line, naming the failure.
    as_dave = secure.cli_options("dave", "dave-pw")
    grant_all = ["acl", "create", "--allow-principal", "dave", "--operation", "all", "--cluster"]
    for command in (
        ["acl", "list"],
        ["user", "list"],
        ["acl", "delete", "--topic", "x", "--yes"],
        grant_all,
        ["user", "create", "eve", "--password", "pw"],
    ):
        refused = samsa(*command, *as_dave, expect=1)
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("samsa: error: "), lines
        assert "not authorized" in lines[0].lower() or "authorization failed" in lines[0], lines

    deleted = samsa("acl", "delete", "--topic", "cli-topic", "--yes", *as_admin)
    assert "cli-topic" in deleted.output
    assert samsa_produce(secure, "dave", "cli-topic", "dave-pw") == (
        ErrorCode.TOPIC_AUTHORIZATION_FAILED
    )
    assert "deleted user 'dave'" in samsa("user", "delete", "dave", *as_admin).output
    assert secure.login_error("dave", "dave-pw") == ErrorCode.SASL_AUTHENTICATION_FAILED


def test_confluent_kafka_transactions_need_the_transactional_id_and_the_group(
    secure: SecureBroker,
) -> None:
    """carol again: Write on the TransactionalId to start, Write on the topic to produce in a
    transaction, Read on the group (and the topic) to commit offsets in it."""
    create_topics(secure, "txn-topic")
    grant(secure, topic_acl("carol", "txn-topic", AclOperation.WRITE))
    settings = {"transactional.id": "txn-ck"}
    producer = confluent_kafka.Producer(secure.kafka_config("carol", **settings))
    with pytest.raises(confluent_kafka.KafkaException) as refused:
        producer.init_transactions(CLIENT_S)
    assert refused.value.args[0].code() == ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED

    txn = ResourceType.TRANSACTIONAL_ID
    grant(secure, topic_acl("carol", "txn-ck", AclOperation.WRITE, rtype=txn))
    producer = confluent_kafka.Producer(secure.kafka_config("carol", **settings))
    producer.init_transactions(CLIENT_S)
    producer.begin_transaction()
    producer.produce("txn-topic", b"in-txn")
    producer.commit_transaction(CLIENT_S)

    consumer = confluent_kafka.Consumer(secure.kafka_config("carol", **{"group.id": "txn-group"}))
    try:
        group = consumer.consumer_group_metadata()
    finally:
        consumer.close()
    producer.begin_transaction()
    producer.produce("txn-topic", b"with-offsets")
    # Delivered, so the partition is in the transaction at the coordinator: an abort that
    # reached it before that registration would find no transaction to abort.
    assert producer.flush(CLIENT_S) == 0
    offsets = [confluent_kafka.TopicPartition("txn-topic", 0, 1)]
    with pytest.raises(confluent_kafka.KafkaException) as no_group:
        producer.send_offsets_to_transaction(offsets, group, CLIENT_S)
    assert no_group.value.args[0].code() == ErrorCode.GROUP_AUTHORIZATION_FAILED
    assert no_group.value.args[0].txn_requires_abort()
    producer.abort_transaction(CLIENT_S)
