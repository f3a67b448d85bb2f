"""How a broker secures its connections to the other brokers: ``inter_broker_security`` for
each inter-broker listener protocol (the TLS context really completes mutual TLS against a
server that requires client certificates), the leader's endpoint on the inter-broker listener,
and the fetcher authenticating with it to a leader's SASL listener."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import pytest
from support.certs import Issued, issue, make_ca, server_context
from support.security import port_of, put_credential
from support.waiting import eventually

from broker.app import Broker
from broker.config import BrokerConfig, ConfigError, load_config
from broker.metadata.image import BrokerRegistration, MetadataImage
from broker.replication.fetcher import FetcherSettings, ReplicaFetcher, listener_endpoint_of
from broker.replication.security import hostname_checked, inter_broker_security
from client.security import ClientSecurity

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def ca() -> Issued:
    return make_ca()


def config(protocol: str, **settings: Any) -> BrokerConfig:
    """A broker whose inter-broker listener ``INTERNAL`` speaks ``protocol`` beside a PLAINTEXT
    client listener ``EXTERNAL`` (listed first: without ``inter.broker.listener.name`` the
    first listener would be the inter-broker one)."""
    return load_config(
        None,
        {
            "listeners": "EXTERNAL://127.0.0.1:9092,INTERNAL://127.0.0.1:9093",
            "listener.security.protocol.map": (
                f"EXTERNAL:PLAINTEXT,INTERNAL:{protocol},CONTROLLER:PLAINTEXT"
            ),
            "inter.broker.listener.name": "INTERNAL",
            **settings,
        },
    )


def internal_tls(directory: Path, ca: Issued, cert: Issued) -> dict[str, str]:
    """The ``INTERNAL`` listener's own key store and trust store; the global ones are another
    certificate's, and no CA at all: a client context built from them would not connect."""
    other = make_ca("Not the cluster's CA")
    return {
        "ssl.keystore.location": str(issue(other, "global").write_keystore(directory, "global")),
        "ssl.truststore.location": str(other.write_cert(directory, "other-ca")),
        "listener.name.internal.ssl.keystore.location": str(
            cert.write_keystore(directory, "broker-1")
        ),
        "listener.name.internal.ssl.truststore.location": str(ca.write_cert(directory, "ca")),
    }


def test_plaintext_has_neither_tls_nor_sasl() -> None:
    assert inter_broker_security(config("PLAINTEXT")) == ClientSecurity(protocol="PLAINTEXT")
    assert inter_broker_security(load_config(None, {})) == ClientSecurity(protocol="PLAINTEXT")


async def test_ssl_presents_the_broker_certificate_to_a_server_requiring_one(
    tmp_path: Path, ca: Issued
) -> None:
    # The inter-broker listener's own ssl.* settings, not the global ones.
    security = inter_broker_security(
        config("SSL", **internal_tls(tmp_path, ca, issue(ca, "broker-1")))
    )
    assert security.protocol == "SSL"
    assert security.sasl_mechanism is None and security.sasl_username is None
    assert security.check_hostname
    assert security.ssl_context is not None
    assert security.ssl_context.verify_mode == ssl.CERT_REQUIRED

    seen: list[Any] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(writer.get_extra_info("peercert"))
        writer.close()

    server = await asyncio.start_server(
        on_connect, "127.0.0.1", 0, ssl=server_context(issue(ca, "broker-2"), client_ca=ca)
    )
    try:
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=security.ssl_context)
        await reader.read()
        writer.close()
        assert seen, "the server saw no connection"
        subject = dict(item for rdn in seen[0]["subject"] for item in rdn)
        assert subject["commonName"] == "broker-1"
    finally:
        server.close()
        await server.wait_closed()


def test_ssl_without_endpoint_identification_does_not_check_host_names(
    tmp_path: Path, ca: Issued
) -> None:
    settings = internal_tls(tmp_path, ca, issue(ca, "broker-1"))
    security = inter_broker_security(
        config("SSL", **settings, **{"ssl.endpoint.identification.algorithm": ""})
    )
    assert not security.check_hostname
    assert security.ssl_context is not None and not security.ssl_context.check_hostname
    assert hostname_checked("HTTPS") and not hostname_checked("none")


def test_sasl_plaintext_carries_the_mechanism_and_credentials() -> None:
    settings = {"inter.broker.sasl.username": "broker", "inter.broker.sasl.password": "s3cret"}
    assert inter_broker_security(config("SASL_PLAINTEXT", **settings)) == ClientSecurity(
        protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="broker",
        sasl_password="s3cret",
    )  # no TLS context


def test_sasl_ssl_has_both(tmp_path: Path, ca: Issued) -> None:
    security = inter_broker_security(
        config(
            "SASL_SSL",
            **internal_tls(tmp_path, ca, issue(ca, "broker-1")),
            **{
                "listener.name.internal.sasl.enabled.mechanisms": "PLAIN",
                "sasl.mechanism.inter.broker.protocol": "PLAIN",
                "inter.broker.sasl.username": "broker",
                "inter.broker.sasl.password": "s3cret",
            },
        )
    )
    assert security.protocol == "SASL_SSL"
    assert security.ssl_context is not None
    assert (security.sasl_mechanism, security.sasl_username) == ("PLAIN", "broker")


@pytest.mark.parametrize(
    ("username", "password"), [(None, "s3cret"), ("broker", None), ("", "s3cret")]
)
def test_a_sasl_listener_without_credentials_is_refused_in_one_line(
    username: str | None, password: str | None
) -> None:
    credentials = {"inter.broker.sasl.username": username, "inter.broker.sasl.password": password}
    settings = {k: v for k, v in credentials.items() if v is not None}
    with pytest.raises(ConfigError, match=r"inter\.broker\.sasl\.username") as info:
        inter_broker_security(config("SASL_PLAINTEXT", **settings))
    assert "\n" not in str(info.value) and "INTERNAL" in str(info.value)


def test_the_inter_broker_mechanism_must_be_enabled_on_the_listener() -> None:
    settings = {
        "sasl.enabled.mechanisms": "SCRAM-SHA-256",
        "inter.broker.sasl.username": "broker",
        "inter.broker.sasl.password": "s3cret",
    }
    with pytest.raises(ConfigError, match="SCRAM-SHA-512 is not enabled"):
        inter_broker_security(config("SASL_PLAINTEXT", **settings))


# -- where and how the fetcher connects ----------------------------------------------------------


def test_the_leader_is_reached_on_its_inter_broker_listener() -> None:
    image = MetadataImage(
        brokers={
            1: BrokerRegistration(1, "10.0.0.1", 9092, endpoints={"INTERNAL": ("10.1.0.1", 9094)}),
            2: BrokerRegistration(2, "10.0.0.2", 9092),  # registered before listener endpoints
        }
    )
    endpoint_of = listener_endpoint_of(lambda: image, "INTERNAL")
    assert endpoint_of(1) == ("10.1.0.1", 9094)
    assert endpoint_of(2) == ("10.0.0.2", 9092)
    assert endpoint_of(3) is None
    image = MetadataImage(
        brokers={
            2: BrokerRegistration(2, "10.0.0.2", 9092, endpoints={"INTERNAL": ("10.1.0.2", 9094)})
        }
    )
    assert endpoint_of(2) == ("10.1.0.2", 9094)  # read from the current image each time


async def test_the_fetcher_connects_to_the_leader_with_the_security() -> None:
    async with Broker.embedded(
        listeners="PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
        **{
            "listener.security.protocol.map": (
                "PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"
            ),
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        },
    ) as leader:
        assert leader.replica_manager is not None and leader.server is not None
        await put_credential(leader, "broker-2", "s3cret", ("SCRAM-SHA-512",))
        security = ClientSecurity(
            protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_username="broker-2",
            sasl_password="s3cret",
        )
        fetchers = [
            ReplicaFetcher(
                leader.replica_manager,
                1,
                ("127.0.0.1", port_of(leader, "INTERNAL")),
                FetcherSettings(node_id=2),
                security=security,
            ),
            ReplicaFetcher(
                leader.replica_manager,
                1,
                ("127.0.0.1", port_of(leader, "PLAINTEXT")),
                FetcherSettings(node_id=2),
            ),
        ]
        try:
            for fetcher in fetchers:
                await fetcher._connect()
            server = leader.server
            await eventually(lambda: len(server.connections) == 2, what="two connections")
            principals = {conn.listener.name: conn.principal for conn in server.connections}
            assert principals == {"INTERNAL": "User:broker-2", "PLAINTEXT": "User:ANONYMOUS"}
        finally:
            for fetcher in fetchers:
                fetcher._drop_connection()
