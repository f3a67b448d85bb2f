"""Every real client against Samsa's secured listeners: kcat (librdkafka 2.0.2),
confluent-kafka (its bundled librdkafka), kafka-python, aiokafka and Samsa's own client each
produce and consume in a consumer group over SSL, SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and
SCRAM-SHA-512, and SASL_SSL; each fails cleanly, within a bound, with a wrong password or an
unknown user while the broker keeps serving; certificates the other side does not trust, or
that expired, are refused in both directions; and a client certificate's DN maps to its
principal through ``ssl.principal.mapping.rules``.

One broker serves four listeners at once, with ACL authorization on: the PLAINTEXT listener's
principal, User:ANONYMOUS, is the super user that creates the SCRAM users and the ACLs; alice,
bob and carol (carol is the CN of the client certificate on the SSL listener) may do anything
with topics and groups whose names start with ``sec-``, and nothing else. The SSL listener
requires client certificates (mutual TLS); the SASL_SSL one does not.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import ssl
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.certs import issue, make_ca
from support.waiting import eventually, eventually_sync

from broker import Broker
from client.admin import AclBinding, AclOperation, PatternType, ResourceType
from client.errors import AuthenticationError
from client.sync import Admin, Consumer, Producer

pytestmark = pytest.mark.timeout(120)

KCAT = shutil.which("kcat") or shutil.which("kafkacat")
confluent_kafka = pytest.importorskip("confluent_kafka")
kafka = pytest.importorskip("kafka")
aiokafka = pytest.importorskip("aiokafka")
aiokafka_helpers = pytest.importorskip("aiokafka.helpers")
aiokafka_errors = pytest.importorskip("aiokafka.errors")
kafka_errors = pytest.importorskip("kafka.errors")

#: Bound on one client operation (a produce, a consume, a failure to be reported).
TIMEOUT_S = 30.0
RECORDS = 20
PREFIX = "sec-"
PASSWORD = {"alice": "alice-secret", "bob": "bob-secret"}
#: (case id, listener, mechanism, user): the matrix every client goes through.
CASES = [
    ("ssl", "SSL", None, None),
    ("sasl-plaintext-plain", "SASL_PLAINTEXT", "PLAIN", "alice"),
    ("sasl-plaintext-scram-256", "SASL_PLAINTEXT", "SCRAM-SHA-256", "alice"),
    ("sasl-plaintext-scram-512", "SASL_PLAINTEXT", "SCRAM-SHA-512", "bob"),
    ("sasl-ssl-plain", "SASL_SSL", "PLAIN", "bob"),
    ("sasl-ssl-scram-512", "SASL_SSL", "SCRAM-SHA-512", "alice"),
]


@dataclass(frozen=True)
class Secured:
    broker: Broker
    ports: dict[str, int]
    directory: Path
    ca: Path
    other_ca: Path

    def bootstrap(self, listener: str) -> str:
        return self.broker.bootstrap_servers_for(listener)

    def cert(self, name: str) -> tuple[Path, Path]:
        return self.directory / f"{name}.crt", self.directory / f"{name}.key"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    directory = tmp_path_factory.mktemp("tls")
    ca = make_ca()
    other_ca = make_ca("Someone else's CA")
    cert, key = issue(ca, "broker").write_pem(directory, "broker")
    (directory / "ca.crt").write_bytes(ca.cert_pem)
    (directory / "other-ca.crt").write_bytes(other_ca.cert_pem)
    issue(ca, "carol").write_pem(directory, "carol")
    issue(ca, "erin").write_pem(directory, "erin")
    issue(other_ca, "mallory").write_pem(directory, "mallory")
    issue(ca, "dave", expired=True).write_pem(directory, "dave")
    settings: dict[str, Any] = {
        "listeners": (
            "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,"
            "SASL_SSL://127.0.0.1:0"
        ),
        "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        "ssl.keystore.certificate.chain": cert.read_text(),
        "ssl.keystore.key": key.read_text(),
        "ssl.truststore.location": str(directory / "ca.crt"),
        "listener.name.ssl.ssl.client.auth": "required",
        # The test certificates' subjects print as ``O=Samsa tests,CN=<name>`` (RFC 2253, as
        # Java's X500Principal: the last RDN first).
        "ssl.principal.mapping.rules": "RULE:^O=Samsa tests,CN=([^,]+)$/$1/,DEFAULT",
        "authorizer.class.name": "samsa",
        "super.users": "User:ANONYMOUS",
        "num.partitions": 3,
        "group.initial.rebalance.delay.ms": 0,
        "group.min.session.timeout.ms": 1000,
        "connection.failed.authentication.delay.ms": 100,
    }
    with Broker.embedded_in_thread(**settings) as broker:
        assert broker.server is not None
        ports = dict(broker.server.ports)
        with Admin(bootstrap_servers=f"127.0.0.1:{ports['PLAINTEXT']}") as admin:
            for user, password in PASSWORD.items():
                for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
                    admin.upsert_scram_credential(user, mechanism, password)
            admin.create_acls(
                AclBinding(
                    resource_type=kind,
                    resource_name=PREFIX,
                    pattern_type=PatternType.PREFIXED,
                    principal=f"User:{user}",
                    operation=AclOperation.ALL,
                )
                for user in ("alice", "bob", "carol")
                for kind in (ResourceType.TOPIC, ResourceType.GROUP)
            )
        yield Secured(broker, ports, directory, directory / "ca.crt", directory / "other-ca.crt")


def _librdkafka_conf(
    secured: Secured,
    listener: str,
    mechanism: str | None,
    user: str | None,
    password: str | None = None,
    *,
    ca: Path | None = None,
    cert: str = "carol",
) -> dict[str, str]:
    conf = {"bootstrap.servers": secured.bootstrap(listener), "security.protocol": listener}
    if listener in ("SSL", "SASL_SSL"):
        conf["ssl.ca.location"] = str(ca or secured.ca)
    if listener == "SSL":
        certificate, key = secured.cert(cert)
        conf["ssl.certificate.location"] = str(certificate)
        conf["ssl.key.location"] = str(key)
    if mechanism is not None:
        assert user is not None
        conf["sasl.mechanisms"] = mechanism
        conf["sasl.username"] = user
        conf["sasl.password"] = PASSWORD.get(user, "") if password is None else password
    return conf


def _values(topic: str) -> list[bytes]:
    return [b"%s-%d" % (topic.encode(), i) for i in range(RECORDS)]


# -- kcat ------------------------------------------------------------------------------------


def _kcat(
    conf: dict[str, str], *args: str, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    assert KCAT is not None
    command = [KCAT, "-b", conf["bootstrap.servers"]]
    for key, value in conf.items():
        if key != "bootstrap.servers":
            command += ["-X", f"{key}={value}"]
    return subprocess.run([*command, *args], input=data, capture_output=True, timeout=TIMEOUT_S)


def kcat_round_trip(secured: Secured, conf: dict[str, str], topic: str) -> list[bytes]:
    if KCAT is None:
        pytest.skip("kcat is not installed (apt-get install kcat)")
    produced = _kcat(conf, "-P", "-t", topic, data=b"".join(v + b"\n" for v in _values(topic)))
    assert produced.returncode == 0, produced.stderr.decode(errors="replace")
    consumed = _kcat(
        conf,
        "-X",
        "auto.offset.reset=earliest",
        "-X",
        "session.timeout.ms=6000",
        "-G",
        f"{topic}-group",
        "-c",
        str(RECORDS),
        "-f",
        "%s\n",
        topic,
    )
    assert consumed.returncode == 0, consumed.stderr.decode(errors="replace")
    return consumed.stdout.splitlines()


# -- confluent-kafka -------------------------------------------------------------------------


def confluent_round_trip(secured: Secured, conf: dict[str, str], topic: str) -> list[bytes]:
    producer = confluent_kafka.Producer(conf)
    for value in _values(topic):
        producer.produce(topic, value)
    assert producer.flush(TIMEOUT_S) == 0
    consumer = confluent_kafka.Consumer(
        {
            **conf,
            "group.id": f"{topic}-group",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000,
        }
    )
    values: list[bytes] = []
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + TIMEOUT_S
        while len(values) < RECORDS and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            values.append(message.value())
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    return values


# -- kafka-python ----------------------------------------------------------------------------


def _kafka_python_conf(conf: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bootstrap_servers": conf["bootstrap.servers"],
        "security_protocol": conf["security.protocol"],
    }
    renames = {
        "ssl.ca.location": "ssl_cafile",
        "ssl.certificate.location": "ssl_certfile",
        "ssl.key.location": "ssl_keyfile",
        "sasl.mechanisms": "sasl_mechanism",
        "sasl.username": "sasl_plain_username",
        "sasl.password": "sasl_plain_password",
    }
    for key, name in renames.items():
        if key in conf:
            out[name] = conf[key]
    return out


def kafka_python_round_trip(secured: Secured, conf: dict[str, str], topic: str) -> list[bytes]:
    options = _kafka_python_conf(conf)
    producer = kafka.KafkaProducer(**options)
    try:
        futures = [producer.send(topic, value) for value in _values(topic)]
        producer.flush(TIMEOUT_S)
        for future in futures:
            future.get(TIMEOUT_S)
    finally:
        producer.close(TIMEOUT_S)
    consumer = kafka.KafkaConsumer(
        topic,
        group_id=f"{topic}-group",
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        **options,
    )
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while len(values) < RECORDS and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(r.value for r in records)
        consumer.commit()
    finally:
        consumer.close()
    return values


# -- aiokafka --------------------------------------------------------------------------------


def _aiokafka_conf(conf: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bootstrap_servers": conf["bootstrap.servers"],
        "security_protocol": conf["security.protocol"],
    }
    if "ssl.ca.location" in conf:
        out["ssl_context"] = aiokafka_helpers.create_ssl_context(
            cafile=conf["ssl.ca.location"],
            certfile=conf.get("ssl.certificate.location"),
            keyfile=conf.get("ssl.key.location"),
        )
    if "sasl.mechanisms" in conf:
        out["sasl_mechanism"] = conf["sasl.mechanisms"]
        out["sasl_plain_username"] = conf["sasl.username"]
        out["sasl_plain_password"] = conf["sasl.password"]
    return out


def aiokafka_round_trip(secured: Secured, conf: dict[str, str], topic: str) -> list[bytes]:
    options = _aiokafka_conf(conf)

    async def run() -> list[bytes]:
        producer = aiokafka.AIOKafkaProducer(**options)
        await producer.start()
        try:
            for value in _values(topic):
                await producer.send(topic, value)
            await producer.flush()
        finally:
            await producer.stop()
        consumer = aiokafka.AIOKafkaConsumer(
            topic,
            group_id=f"{topic}-group",
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            **options,
        )
        await consumer.start()
        values: list[bytes] = []
        try:
            async with asyncio.timeout(TIMEOUT_S):
                while len(values) < RECORDS:
                    for records in (await consumer.getmany(timeout_ms=500)).values():
                        values.extend(r.value for r in records if r.value is not None)
            await consumer.commit()
        finally:
            await consumer.stop()
        return values

    return asyncio.run(run())


# -- Samsa's client --------------------------------------------------------------------------


def samsa_round_trip(secured: Secured, conf: dict[str, str], topic: str) -> list[bytes]:
    with Producer(conf) as producer:
        for future in [producer.send(topic, value) for value in _values(topic)]:
            future.result(timeout=TIMEOUT_S)
    values: list[bytes] = []
    with Consumer(
        {
            **conf,
            "group.id": f"{topic}-group",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 1000,
        },
        topic,
    ) as consumer:
        deadline = time.monotonic() + TIMEOUT_S
        while len(values) < RECORDS and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(r.value for r in records if r.value is not None)
        consumer.commit()
    return values


ROUND_TRIPS: dict[str, Callable[[Secured, dict[str, str], str], list[bytes]]] = {
    "kcat": kcat_round_trip,
    "confluent-kafka": confluent_round_trip,
    "kafka-python": kafka_python_round_trip,
    "aiokafka": aiokafka_round_trip,
    "samsa": samsa_round_trip,
}


@pytest.mark.parametrize("client", list(ROUND_TRIPS))
@pytest.mark.parametrize(
    ("case", "listener", "mechanism", "user"), CASES, ids=[c[0] for c in CASES]
)
def test_produce_and_consume_in_a_group(
    secured: Secured,
    client: str,
    case: str,
    listener: str,
    mechanism: str | None,
    user: str | None,
) -> None:
    topic = f"{PREFIX}{client}-{case}-{uuid.uuid4().hex[:6]}"
    conf = _librdkafka_conf(secured, listener, mechanism, user)
    values = ROUND_TRIPS[client](secured, conf, topic)
    assert sorted(values) == sorted(_values(topic))


# -- failures: wrong passwords, unknown users, certificates not trusted --------------------------

#: How long a refused client may take to report it (kafka-python and aiokafka retry their
#: bootstrap until their own bound, set to this).
FAILURE_BOUND_S = 10.0
#: kafka-python's bootstrap bound in the failure cases: it logs the reason at its first try,
#: and retries until this.
KAFKA_PYTHON_BOOTSTRAP_MS = 2000
#: (case id, mechanism, user, password): logins that must fail.
BAD_LOGINS = [
    ("wrong-password-scram-256", "SCRAM-SHA-256", "alice", "not-her-password"),
    ("unknown-user-plain", "PLAIN", "nobody", "whatever"),
    ("unknown-user-scram-512", "SCRAM-SHA-512", "nobody", "whatever"),
]


def _closes(secured: Secured, reason: str) -> int:
    server = secured.broker.server
    assert server is not None
    return server.close_counts[reason]


def _still_serving(secured: Secured) -> None:
    """The broker still serves: a good login produces, and an admin call answers."""
    conf = _librdkafka_conf(secured, "SASL_PLAINTEXT", "SCRAM-SHA-256", "alice")
    with Producer(conf) as producer:
        producer.send(f"{PREFIX}after-failure", b"still here").result(timeout=TIMEOUT_S)
    with Admin(bootstrap_servers=secured.bootstrap("PLAINTEXT")) as admin:
        assert f"{PREFIX}after-failure" in admin.list_topics()


def kcat_refused(conf: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    if KCAT is None:
        pytest.skip("kcat is not installed (apt-get install kcat)")
    result = _kcat(conf, "-P", "-t", f"{PREFIX}refused", data=b"never\n")
    assert result.returncode != 0
    return result.stderr.decode(errors="replace")


def confluent_refused(conf: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    errors: list[Any] = []
    producer = confluent_kafka.Producer({**conf, "error_cb": errors.append})
    producer.produce(f"{PREFIX}refused", b"never")
    deadline = time.monotonic() + FAILURE_BOUND_S
    while not errors and time.monotonic() < deadline:
        producer.poll(0.1)
    producer.purge()
    return "\n".join(f"{e.name()}: {e.str()}" for e in errors)


def kafka_python_refused(conf: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    # kafka-python retries its bootstrap until bootstrap_timeout_ms whatever the failure; the
    # reason is in its log.
    with pytest.raises(kafka_errors.KafkaTimeoutError):
        kafka.KafkaProducer(
            bootstrap_timeout_ms=KAFKA_PYTHON_BOOTSTRAP_MS, **_kafka_python_conf(conf)
        )
    return caplog.text


def aiokafka_refused(conf: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    async def run() -> None:
        producer = aiokafka.AIOKafkaProducer(**_aiokafka_conf(conf))
        try:
            with pytest.raises(aiokafka_errors.KafkaConnectionError):
                await producer.start()
        finally:
            await producer.stop()

    asyncio.run(run())
    return caplog.text  # aiokafka logs why, and raises "Unable to bootstrap"


def samsa_refused(conf: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    with pytest.raises(AuthenticationError) as raised:
        Producer(conf)
    return str(raised.value)


REFUSALS: dict[str, Callable[[dict[str, str], pytest.LogCaptureFixture], str]] = {
    "kcat": kcat_refused,
    "confluent-kafka": confluent_refused,
    "kafka-python": kafka_python_refused,
    "aiokafka": aiokafka_refused,
    "samsa": samsa_refused,
}


def _refused_within_bound(
    client: str, conf: dict[str, str], caplog: pytest.LogCaptureFixture
) -> str:
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    said = REFUSALS[client](conf, caplog)
    assert time.monotonic() - started < FAILURE_BOUND_S + 5
    return said


@pytest.mark.parametrize("client", list(REFUSALS))
@pytest.mark.parametrize(
    ("case", "mechanism", "user", "password"), BAD_LOGINS, ids=[c[0] for c in BAD_LOGINS]
)
def test_a_bad_login_fails_cleanly_and_the_broker_keeps_serving(
    secured: Secured,
    caplog: pytest.LogCaptureFixture,
    client: str,
    case: str,
    mechanism: str,
    user: str,
    password: str,
) -> None:
    before = _closes(secured, "sasl_authentication_failed")
    conf = _librdkafka_conf(secured, "SASL_PLAINTEXT", mechanism, user, password)
    said = _refused_within_bound(client, conf, caplog)
    # Every client names the failure: the broker's SASL_AUTHENTICATION_FAILED message (Samsa's
    # client says it in its own words, with the broker's message).
    assert "Authentication failed" in said or "authentication failed" in said, said
    eventually_sync(lambda: _closes(secured, "sasl_authentication_failed") > before)
    _still_serving(secured)


#: (case id, client certificate, CA the client trusts, what the failure must mention).
BAD_CERTIFICATES = [
    ("broker-not-trusted", "carol", "other-ca", "certificate verify failed"),
    ("client-from-another-ca", "mallory", "ca", "unknown ca"),
    ("client-certificate-expired", "dave", "ca", "certificate expired"),
]
#: Clients that do not say which alert the broker sent (aiokafka: "Connection ... closed").
SILENT_ON_ALERTS = frozenset({"aiokafka"})


@pytest.mark.parametrize("client", list(REFUSALS))
@pytest.mark.parametrize(
    ("case", "cert", "trusted", "reason"), BAD_CERTIFICATES, ids=[c[0] for c in BAD_CERTIFICATES]
)
def test_an_untrusted_or_expired_certificate_is_refused(
    secured: Secured,
    caplog: pytest.LogCaptureFixture,
    client: str,
    case: str,
    cert: str,
    trusted: str,
    reason: str,
) -> None:
    before = _closes(secured, "tls_handshake_failed")
    conf = _librdkafka_conf(
        secured, "SSL", None, None, ca=secured.directory / f"{trusted}.crt", cert=cert
    )
    said = _refused_within_bound(client, conf, caplog)
    # The client says why: its own verification failed, or the broker's alert named the
    # problem with the client's certificate.
    if case == "broker-not-trusted" or client not in SILENT_ON_ALERTS:
        assert reason in said.lower(), said
    # The broker counts every refused handshake (the client closing on its own side included).
    eventually_sync(lambda: _closes(secured, "tls_handshake_failed") > before)
    _still_serving(secured)


def test_the_client_certificate_maps_to_its_principal(secured: Secured) -> None:
    # carol's certificate maps to User:carol, whom the ACLs let in; erin's, from the same CA,
    # maps to User:erin, who has no ACL: her produce is refused TOPIC_AUTHORIZATION_FAILED.
    topic = f"{PREFIX}principal-{uuid.uuid4().hex[:6]}"
    with Producer(_librdkafka_conf(secured, "SSL", None, None, cert="carol")) as producer:
        producer.send(topic, b"from carol").result(timeout=TIMEOUT_S)
        server = secured.broker.server
        assert server is not None
        principals = {c.principal for c in list(server.connections) if c.listener.name == "SSL"}
        assert "User:carol" in principals, principals
    errors: list[Any] = []
    erin = confluent_kafka.Producer(
        {**_librdkafka_conf(secured, "SSL", None, None, cert="erin"), "error_cb": errors.append}
    )
    reports: list[Any] = []
    erin.produce(topic, b"from erin", on_delivery=lambda err, msg: reports.append(err))
    erin.flush(TIMEOUT_S)
    assert len(reports) == 1 and reports[0] is not None
    assert reports[0].code() == confluent_kafka.KafkaError.TOPIC_AUTHORIZATION_FAILED


def test_each_listener_has_its_bootstrap_servers(secured: Secured) -> None:
    for name, port in secured.ports.items():
        assert secured.broker.bootstrap_servers_for(name) == f"127.0.0.1:{port}"
    sasl_ssl = secured.broker.bootstrap_servers_for("sasl_ssl")  # any case, as Kafka's names
    assert sasl_ssl == f"127.0.0.1:{secured.ports['SASL_SSL']}"
    with pytest.raises(KeyError, match="no listener 'CONTROLLER'"):
        secured.broker.bootstrap_servers_for("CONTROLLER")


async def test_a_refused_client_certificate_gets_its_alert_on_asyncios_loop(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The module's broker runs on uvloop when it is installed; this one on asyncio's own loop.
    ca = make_ca()
    cert, key = issue(ca, "broker").write_pem(tmp_path, "broker")
    (tmp_path / "ca.crt").write_bytes(ca.cert_pem)
    dave_cert, dave_key = issue(ca, "dave", expired=True).write_pem(tmp_path, "dave")
    caplog.set_level(logging.WARNING, logger="samsa.server")
    async with Broker.embedded(
        listeners="SSL://127.0.0.1:0",
        **{
            "ssl.keystore.certificate.chain": cert.read_text(),
            "ssl.keystore.key": key.read_text(),
            "ssl.truststore.location": str(tmp_path / "ca.crt"),
            "ssl.client.auth": "required",
        },
    ) as broker:
        context = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
        context.load_cert_chain(dave_cert, dave_key)
        host, port = broker.bootstrap_servers.split(":")
        reader, writer = await asyncio.open_connection(host, int(port), ssl=context)
        with pytest.raises(ssl.SSLError, match="certificate expired"):
            await asyncio.wait_for(reader.read(1), TIMEOUT_S)
        writer.close()
        server = broker.server
        assert server is not None
        await eventually(lambda: server.close_counts["tls_handshake_failed"] == 1)
        assert "certificate has expired" in caplog.text
