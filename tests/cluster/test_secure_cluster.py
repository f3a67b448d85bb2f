"""A secured cluster of three broker processes, end to end with confluent-kafka.

The brokers talk to each other over a SASL_SSL inter-broker listener (``BROKER``, SCRAM-SHA-512
as user ``broker``), the quorum over mutual TLS on the controller port (``CONTROLLER:SSL``),
clients over a separate SASL_SSL listener (``CLIENT``), and the authorizer is on with
``User:broker`` the only super user. SASL sessions last 5 s (``connections.max.reauth.ms``), so
that replica fetchers, transaction markers and clients re-authenticate (KIP-368). Nobody
creates the ``broker`` user: the active controller creates its credential from
``inter.broker.sasl.password`` (the metadata had none), the brokers register once they see it,
and the test then uses it to create the application's user and ACLs, as an operator would.

Checked: the controller port refuses a TLS client without a certificate of the cluster's CA;
Metadata and FindCoordinator through the client listener advertise every broker's
client endpoint (never the inter-broker one); a fourth broker with a wrong inter-broker
password says so and does not register (it gets no partitions) while the others serve; a
transaction over partitions led by different brokers commits (its markers go over the secured
inter-broker listener); and with acks=all, RF=3 and min.insync.replicas=2, an idempotent
producer keeps every acknowledged record, once and in order, across a kill -9 of the leader;
and the refused broker, given the right password, registers. Separately, a cluster of three
dedicated controllers and two brokers outside the quorum bootstraps and serves the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from cluster.cluster_harness import (
    AckedWriter,
    ProcessCluster,
    check_acknowledged,
    read_partition_values,
)
from support.certs import issue, make_ca
from support.waiting import eventually_sync

from broker.metadata.quorum import WRONG_INTER_BROKER_PASSWORD_MESSAGE
from client.cluster import Cluster
from client.config import ClientConfig
from client.sync import Producer as SyncProducer
from protocol.messages import FindCoordinatorRequest

confluent_kafka = pytest.importorskip("confluent_kafka")
admin_mod = pytest.importorskip("confluent_kafka.admin")

pytestmark = [pytest.mark.timeout(150)]

BROKER_USER: Final = "broker"
BROKER_PASSWORD: Final = "broker-secret"
APP_USER: Final = "app"
APP_PASSWORD: Final = "app-secret"
#: The fourth node: a broker outside the quorum, configured with a wrong password.
INTRUDER: Final = 4
#: Acknowledged records wanted before the kill, and after it.
BATCH: Final = 150
READ_TIMEOUT_S: Final = 60.0
#: How long a TLS client of the controller port waits to hear whether it was refused.
CONTROLLER_READ_S: Final = 1.0
#: Records Samsa's writer sends before it waits for the outcome of the last one.
SAMSA_WINDOW: Final = 50
#: FindCoordinator's key type of a transactional id.
TRANSACTION_KEY: Final = 1


def _client(cluster: ProcessCluster, user: str, password: str) -> dict[str, Any]:
    return {
        **cluster.client_config,
        "bootstrap.servers": cluster.bootstrap_servers,
        "sasl.username": user,
        "sasl.password": password,
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessCluster]:
    root = tmp_path_factory.mktemp("secure")
    ca = make_ca("Samsa cluster CA")
    ca_file = root / "ca.crt"
    ca_file.write_bytes(ca.cert_pem)
    node_settings: dict[int, dict[str, str]] = {}
    for node in range(1, INTRUDER + 1):
        cert, key = issue(ca, f"broker-{node}").write_pem(root / "certs", f"broker-{node}")
        node_settings[node] = {"ssl.keystore.location": str(cert), "ssl.keystore.key": str(key)}
    node_settings[INTRUDER]["inter.broker.sasl.password"] = "not-the-password"
    cluster = ProcessCluster(
        root,
        size=INTRUDER,
        roles={INTRUDER: "broker"},
        listener_names=("CLIENT", "BROKER"),
        settings={
            "listener.security.protocol.map": "CLIENT:SASL_SSL,BROKER:SASL_SSL,CONTROLLER:SSL",
            "inter.broker.listener.name": "BROKER",
            "controller.listener.names": "CONTROLLER",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "inter.broker.sasl.username": BROKER_USER,
            "inter.broker.sasl.password": BROKER_PASSWORD,
            "ssl.truststore.location": str(ca_file),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": f"User:{BROKER_USER}",
            "connections.max.reauth.ms": "5000",
            "transaction.state.log.replication.factor": "3",
            "transaction.state.log.min.isr": "2",
            "transaction.state.log.num.partitions": "1",
        },
        node_settings=node_settings,
        log_level=os.environ.get("SAMSA_CLUSTER_LOG_LEVEL"),
        client_config={
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": "SCRAM-SHA-512",
            "sasl.username": BROKER_USER,
            "sasl.password": BROKER_PASSWORD,
            "ssl.ca.location": str(ca_file),
        },
    )
    try:
        cluster.start_all([1, 2, 3])
        cluster.start(INTRUDER)
        _create_app_user(cluster)
        yield cluster
    except BaseException:
        for node in cluster.procs:
            print(f"--- node {node} ---\n{cluster.tail(node, 40)}")
        raise
    finally:
        cluster.close()


def _create_app_user(cluster: ProcessCluster) -> None:
    """The application's SCRAM user and its ACLs, created as the bootstrapped broker user."""
    admin = admin_mod.AdminClient(_client(cluster, BROKER_USER, BROKER_PASSWORD))
    info = admin_mod.ScramCredentialInfo(admin_mod.ScramMechanism.SCRAM_SHA_512, 4096)
    upsert = admin_mod.UserScramCredentialUpsertion(APP_USER, info, APP_PASSWORD.encode())
    for future in admin.alter_user_scram_credentials([upsert]).values():
        future.result(30)
    principal = f"User:{APP_USER}"
    allow = admin_mod.AclPermissionType.ALLOW
    prefixed = admin_mod.ResourcePatternType.PREFIXED
    bindings = [
        admin_mod.AclBinding(
            admin_mod.ResourceType.TOPIC, "t-", prefixed, principal, "*",
            admin_mod.AclOperation.ALL, allow,
        ),
        admin_mod.AclBinding(
            admin_mod.ResourceType.GROUP, "g-", prefixed, principal, "*",
            admin_mod.AclOperation.ALL, allow,
        ),
        admin_mod.AclBinding(
            admin_mod.ResourceType.TRANSACTIONAL_ID, "tx-", prefixed, principal, "*",
            admin_mod.AclOperation.ALL, allow,
        ),
        admin_mod.AclBinding(
            admin_mod.ResourceType.BROKER, "kafka-cluster", admin_mod.ResourcePatternType.LITERAL,
            principal, "*", admin_mod.AclOperation.IDEMPOTENT_WRITE, allow,
        ),
    ]  # fmt: skip
    for future in admin.create_acls(bindings).values():
        future.result(30)


def test_metadata_and_coordinators_advertise_the_client_listener(
    cluster: ProcessCluster,
) -> None:
    client_ports = {n: cluster.ports[n] for n in (1, 2, 3)}
    inter_ports = {cluster.listener_ports[n]["BROKER"] for n in (1, 2, 3)}
    for via in (1, 2, 3):
        md = cluster.metadata([via])
        assert md is not None
        advertised = {b.id: (b.host, b.port) for b in md.brokers.values()}
        assert advertised == {n: ("127.0.0.1", port) for n, port in client_ports.items()}
    admin = admin_mod.AdminClient(_client(cluster, APP_USER, APP_PASSWORD))
    group = f"g-{uuid.uuid4()}"

    def coordinator() -> Any:
        try:
            [future] = admin.describe_consumer_groups([group]).values()
            return future.result(10).coordinator
        except confluent_kafka.KafkaException:
            return None

    node = eventually_sync(coordinator, 60, "a group coordinator")
    assert (node.host, node.port) == ("127.0.0.1", client_ports[node.id])
    assert node.port not in inter_ports


def test_the_authorizer_refuses_what_the_acls_do_not_allow(cluster: ProcessCluster) -> None:
    cluster.create_topic("private", 1, 3)
    errors: list[Any] = []
    producer = confluent_kafka.Producer(
        {**_client(cluster, APP_USER, APP_PASSWORD), "message.timeout.ms": 10_000}
    )
    producer.produce("private", b"x", on_delivery=lambda err, _msg: errors.append(err))
    producer.flush(30)
    assert len(errors) == 1 and errors[0] is not None
    assert errors[0].code() == confluent_kafka.KafkaError.TOPIC_AUTHORIZATION_FAILED, errors[0]


def _controller_handshake(cluster: ProcessCluster, cert: tuple[Path, Path] | None) -> bytes:
    """Connect to node 1's controller port with TLS (presenting ``cert``, if any) and read:
    b"" or an ``ssl.SSLError`` when the node refuses, a ``TimeoutError`` when it waits for
    the peer to speak."""
    context = ssl.create_default_context(cafile=cluster.root / "ca.crt")
    if cert is not None:
        context.load_cert_chain(*cert)
    address = ("127.0.0.1", cluster.controller_ports[1])
    with (
        socket.create_connection(address, 5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.settimeout(CONTROLLER_READ_S)
        return tls.recv(1)


def test_the_controller_port_admits_only_the_cluster_s_certificates(
    cluster: ProcessCluster,
) -> None:
    member = (cluster.root / "certs" / "broker-1.crt", cluster.root / "certs" / "broker-1.key")
    with pytest.raises(TimeoutError):
        _controller_handshake(cluster, member)  # accepted: the node waits for a request
    stranger = issue(make_ca("Another CA"), "broker-1").write_pem(cluster.root / "x", "x")
    for cert in (None, stranger):
        # Refused during or right after the handshake (a TimeoutError would fail the test).
        with contextlib.suppress(ssl.SSLError, ConnectionError):
            assert _controller_handshake(cluster, cert) == b"", "the connection stayed open"


def test_a_broker_with_a_wrong_inter_broker_password_does_not_join(
    cluster: ProcessCluster,
) -> None:
    line = cluster.wait_for_line(
        INTRUDER, WRONG_INTER_BROKER_PASSWORD_MESSAGE.split("%")[0].strip(), 60
    )
    assert "does not register" in line and f"broker {INTRUDER}" in line
    # The other brokers never heard of it, and place every replica elsewhere.
    md = cluster.metadata([1, 2, 3])
    assert md is not None and sorted(md.brokers) == [1, 2, 3]
    cluster.create_topic("t-spread", 6, 1)
    md = cluster.metadata([1, 2, 3])
    assert md is not None
    replicas = {r for p in md.topics["t-spread"].partitions.values() for r in p.replicas}
    assert INTRUDER not in replicas and replicas <= {1, 2, 3}
    # The others keep serving.
    producer = confluent_kafka.Producer({**_client(cluster, APP_USER, APP_PASSWORD), "acks": "all"})
    for p in range(6):
        producer.produce("t-spread", b"x", partition=p)
    assert producer.flush(30) == 0
    assert cluster.procs[INTRUDER].poll() is None, "the intruder exited instead of waiting"


def test_a_transaction_across_brokers_commits(cluster: ProcessCluster) -> None:
    topic = "t-txn"
    cluster.create_topic(topic, 3, 3, **{"min.insync.replicas": "2"})
    md = cluster.metadata()
    assert md is not None
    leaders = {p.id: p.leader for p in md.topics[topic].partitions.values()}
    assert len(set(leaders.values())) >= 2, f"all partitions led by one broker: {leaders}"
    app = _client(cluster, APP_USER, APP_PASSWORD)
    producer = confluent_kafka.Producer({**app, "transactional.id": "tx-across"})
    producer.init_transactions(30)
    producer.begin_transaction()
    for p in range(3):
        for i in range(10):
            producer.produce(topic, f"{p}-{i}".encode(), partition=p)
    producer.commit_transaction(30)
    consumer = confluent_kafka.Consumer(
        {
            **app,
            "group.id": f"g-{uuid.uuid4()}",
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    got: list[str] = []
    try:
        consumer.assign([confluent_kafka.TopicPartition(topic, p, 0) for p in range(3)])

        def all_read() -> bool:
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error():
                got.append(msg.value().decode())
            return len(got) >= 30

        eventually_sync(all_read, 60, "the committed records", poll_s=0)
        # Each partition's committed end is past the commit marker (written by its leader).
        for p in range(3):
            tp = confluent_kafka.TopicPartition(topic, p)
            _, high = consumer.get_watermark_offsets(tp, timeout=10)
            assert high == 11, f"partition {p}: high watermark {high}, wanted 10 records + marker"
    finally:
        consumer.close()
    assert sorted(got) == sorted(f"{p}-{i}" for p in range(3) for i in range(10))
    # The transaction coordinator is advertised at its client endpoint too.
    response = asyncio.run(_find_coordinator(cluster, "tx-across", TRANSACTION_KEY))
    assert response.error_code == 0
    node = int(response.node_id)
    assert (response.host, response.port) == ("127.0.0.1", cluster.ports[node])


async def _find_coordinator(cluster: ProcessCluster, key: str, key_type: int) -> Any:
    """FindCoordinator as Samsa's client sends it, over the client listener as the app."""
    config = ClientConfig(**_samsa_security(cluster))
    client = Cluster(config)
    await client.start()
    try:
        _, response = await client.request_any(FindCoordinatorRequest(key=key, key_type=key_type))
        return response
    finally:
        await client.close()


class SamsaWriter(threading.Thread):
    """The same with Samsa's own (synchronous) idempotent producer."""

    def __init__(self, cluster: ProcessCluster, topic: str) -> None:
        super().__init__(daemon=True)
        self.topic = topic
        self.producer = SyncProducer(
            **_samsa_security(cluster),
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            delivery_timeout_ms=60_000,
            request_timeout_ms=4000,
            retry_backoff_ms=50,
            metadata_max_age_ms=1000,
        )
        self.acked: list[int] = []
        self.failed: list[str] = []
        self.sent = 0
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def _delivered(self, value: int, future: Any) -> None:
        error = future.exception(0)
        with self._lock:
            if error is None:
                self.acked.append(value)
            else:
                self.failed.append(str(error))

    @property
    def acked_count(self) -> int:
        with self._lock:
            return len(self.acked)

    def describe(self) -> str:
        with self._lock:
            return f"sent {self.sent}, acked {len(self.acked)}, failed {self.failed[:3]}"

    def run(self) -> None:
        while not self._halt.is_set():
            value = self.sent
            future = self.producer.send(self.topic, str(value).encode(), partition=0)
            future.add_done_callback(functools.partial(self._delivered, value))
            self.sent += 1
            if self.sent % SAMSA_WINDOW == 0:
                # Paces the writer: at most a window of records waits for its outcome.
                with contextlib.suppress(Exception):
                    future.result(60)

    def finish(self) -> None:
        self._halt.set()
        self.join(90)
        self.producer.flush(60_000)
        self.producer.close()


def _samsa_security(cluster: ProcessCluster) -> dict[str, Any]:
    return {
        "bootstrap_servers": cluster.bootstrap_servers,
        "security_protocol": "SASL_SSL",
        "ssl_ca_location": str(cluster.root / "ca.crt"),
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": APP_USER,
        "sasl_password": APP_PASSWORD,
    }


def _isr(cluster: ProcessCluster, topic: str, via: list[int]) -> list[int]:
    p = cluster.partition(topic, 0, via)
    return [] if p is None else sorted(p.isrs)


@pytest.mark.parametrize("client", ["confluent", "samsa"])
def test_acknowledged_writes_survive_a_killed_leader(cluster: ProcessCluster, client: str) -> None:
    """Late in the module: it kills a broker (and starts it again)."""
    topic = f"t-orders-{client}"
    cluster.create_topic(topic, 1, 3, **{"min.insync.replicas": "2"})
    leader = cluster.leader_of(topic, 0)
    assert leader in (1, 2, 3)
    others = [n for n in (1, 2, 3) if n != leader]
    app = _client(cluster, APP_USER, APP_PASSWORD)
    writer: AckedWriter | SamsaWriter = (
        AckedWriter(app, topic) if client == "confluent" else SamsaWriter(cluster, topic)
    )
    writer.start()
    try:
        eventually_sync(lambda: writer.acked_count >= BATCH, 30, "acks before the kill")
        cluster.kill(leader)
        new_leader = eventually_sync(
            lambda: (n := cluster.leader_of(topic, 0, others)) in others and n,
            30,
            "a new leader",
        )
        assert new_leader != leader
        before = writer.acked_count
        eventually_sync(
            lambda: writer.acked_count >= before + BATCH,
            30,
            "acks with the new leader",
            describe=writer.describe,
        )
        # The killed broker comes back, authenticates to the new leader and catches up.
        cluster.restart(leader)
        eventually_sync(
            lambda: _isr(cluster, topic, others) == [1, 2, 3], 30, "the old leader in the ISR"
        )
        before = writer.acked_count
        eventually_sync(lambda: writer.acked_count >= before + BATCH, 30, "acks after the restart")
    finally:
        writer.finish()
    assert not writer.failed, writer.failed[:3]
    bootstrap = ",".join(cluster.address(n) for n in others)
    values = read_partition_values({**app, "bootstrap.servers": bootstrap}, topic, READ_TIMEOUT_S)
    check_acknowledged(writer.acked, values)


def test_the_refused_broker_joins_once_its_password_is_right(cluster: ProcessCluster) -> None:
    """After the kill: the fourth broker, restarted with the right password, registers."""
    assert cluster.stop(INTRUDER) == 0
    del cluster.node_settings[INTRUDER]["inter.broker.sasl.password"]
    cluster.restart(INTRUDER)  # waits until the controller unfenced it
    md = cluster.metadata([INTRUDER])
    assert md is not None and INTRUDER in md.brokers
    assert md.brokers[INTRUDER].port == cluster.ports[INTRUDER]


def test_dedicated_controllers_bootstrap_the_brokers_of_a_secured_cluster(
    tmp_path: Path,
) -> None:
    """Three dedicated controllers (mutual TLS among themselves and with the brokers) and two
    brokers outside the quorum: a controller creates the inter-broker credential, the brokers
    register, replicate over SASL_SSL and take acks=all writes."""
    ca = make_ca("Samsa cluster CA")
    ca_file = tmp_path / "ca.crt"
    ca_file.write_bytes(ca.cert_pem)
    node_settings: dict[int, dict[str, str]] = {}
    for node in range(1, 6):
        cert, key = issue(ca, f"node-{node}").write_pem(tmp_path / "certs", f"node-{node}")
        node_settings[node] = {"ssl.keystore.location": str(cert), "ssl.keystore.key": str(key)}
    cluster = ProcessCluster(
        tmp_path,
        size=5,
        roles={1: "controller", 2: "controller", 3: "controller", 4: "broker", 5: "broker"},
        listener_names=("CLIENT", "BROKER"),
        settings={
            "listener.security.protocol.map": "CLIENT:SASL_SSL,BROKER:SASL_SSL,CONTROLLER:SSL",
            "inter.broker.listener.name": "BROKER",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "inter.broker.sasl.username": BROKER_USER,
            "inter.broker.sasl.password": BROKER_PASSWORD,
            "ssl.truststore.location": str(ca_file),
            "authorizer.class.name": "samsa",
            "super.users": f"User:{BROKER_USER}",
            "offsets.topic.replication.factor": "2",
        },
        node_settings=node_settings,
        client_config={
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": "SCRAM-SHA-512",
            "sasl.username": BROKER_USER,
            "sasl.password": BROKER_PASSWORD,
            "ssl.ca.location": str(ca_file),
        },
    )
    try:
        cluster.start_all()
        created = [
            n for n in (1, 2, 3) if "created the SCRAM-SHA-512" in cluster.log_path(n).read_text()
        ]
        assert len(created) == 1, f"controllers that created the credential: {created}"
        cluster.create_topic("t-dedicated", 2, 2, **{"min.insync.replicas": "2"})
        producer = confluent_kafka.Producer(
            {
                **cluster.client_config,
                "bootstrap.servers": cluster.bootstrap_servers,
                "acks": "all",
                "enable.idempotence": True,
            }
        )
        for i in range(100):
            producer.produce("t-dedicated", str(i).encode(), partition=i % 2)
        assert producer.flush(30) == 0
        md = cluster.metadata()
        assert md is not None
        assert {b.id: b.port for b in md.brokers.values()} == {
            4: cluster.ports[4],
            5: cluster.ports[5],
        }
        for p in md.topics["t-dedicated"].partitions.values():
            assert sorted(p.isrs) == [4, 5]
    except BaseException:
        for node in cluster.procs:
            print(f"--- node {node} ---\n{cluster.tail(node, 40)}")
        raise
    finally:
        cluster.close()
