"""How a broker secures its connections to the other brokers: ``inter_broker_security`` for
each inter-broker listener protocol (the TLS context really completes mutual TLS against a
server that requires client certificates), the leader's endpoint on the inter-broker listener,
and the fetcher handing the security to its connection."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support.pki import Issued, Pki, install_tls_stand_in, server_context, tls_settings

pytestmark = pytest.mark.timeout(30)


install_tls_stand_in()

from broker.config import ConfigError  # noqa: E402
from broker.replication.fetcher import (  # noqa: E402
    FetcherSettings,
    ReplicaFetcher,
    listener_endpoint_of,
)
from broker.replication.security import hostname_checked, inter_broker_security  # noqa: E402
from client.security import ClientSecurity  # noqa: E402


@dataclass(frozen=True)
class Listener:
    name: str
    security_protocol: str
    host: str = "127.0.0.1"
    port: int = 9093

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")


@dataclass
class FakeConfig:
    """The ``BrokerConfig`` members ``inter_broker_security`` reads."""

    inter_broker_listener: Listener
    tls: Any = None
    mechanisms: tuple[str, ...] = ("SCRAM-SHA-256", "SCRAM-SHA-512")
    sasl_mechanism_inter_broker_protocol: str = "SCRAM-SHA-512"
    inter_broker_sasl_username: str | None = None
    inter_broker_sasl_password: str | None = None
    asked: list[str] = field(default_factory=list)

    def tls_settings_for(self, name: str) -> Any:
        self.asked.append(name)
        assert self.tls is not None
        return self.tls

    def sasl_mechanisms_for(self, name: str) -> tuple[str, ...]:
        return self.mechanisms


def build(config: FakeConfig) -> ClientSecurity:
    return inter_broker_security(config)  # type: ignore[arg-type]


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(tmp_path / "ca")


@pytest.fixture
def broker_cert(pki: Pki) -> Issued:
    return pki.issue("broker-1")


def tls_of(pki: Pki, cert: Issued, algorithm: str = "https") -> Any:
    return tls_settings(pki.ca_pem, cert, algorithm=algorithm)


def test_plaintext_has_neither_tls_nor_sasl() -> None:
    security = build(FakeConfig(Listener("INTERNAL", "PLAINTEXT")))
    assert security == ClientSecurity(protocol="PLAINTEXT")


async def test_ssl_presents_the_broker_certificate_to_a_server_requiring_one(
    pki: Pki, broker_cert: Issued
) -> None:
    config = FakeConfig(Listener("INTERNAL", "SSL"), tls=tls_of(pki, broker_cert))
    security = build(config)
    assert config.asked == ["INTERNAL"]  # the inter-broker listener's own ssl.* settings
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
        on_connect, "127.0.0.1", 0, ssl=server_context(pki.issue("broker-2"), pki.ca_pem)
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
    pki: Pki, broker_cert: Issued
) -> None:
    config = FakeConfig(Listener("INTERNAL", "SSL"), tls=tls_of(pki, broker_cert, ""))
    assert not build(config).check_hostname
    assert hostname_checked("HTTPS") and not hostname_checked("none")


def test_sasl_plaintext_carries_the_mechanism_and_credentials() -> None:
    config = FakeConfig(
        Listener("INTERNAL", "SASL_PLAINTEXT"),
        inter_broker_sasl_username="broker",
        inter_broker_sasl_password="s3cret",
    )
    assert build(config) == ClientSecurity(
        protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="broker",
        sasl_password="s3cret",
    )
    assert config.asked == []  # no TLS settings needed


def test_sasl_ssl_has_both(pki: Pki, broker_cert: Issued) -> None:
    config = FakeConfig(
        Listener("INTERNAL", "SASL_SSL"),
        tls=tls_of(pki, broker_cert),
        mechanisms=("PLAIN",),
        sasl_mechanism_inter_broker_protocol="PLAIN",
        inter_broker_sasl_username="broker",
        inter_broker_sasl_password="s3cret",
    )
    security = build(config)
    assert security.protocol == "SASL_SSL"
    assert security.ssl_context is not None
    assert (security.sasl_mechanism, security.sasl_username) == ("PLAIN", "broker")


@pytest.mark.parametrize(
    ("username", "password"), [(None, "s3cret"), ("broker", None), ("", "s3cret")]
)
def test_a_sasl_listener_without_credentials_is_refused_in_one_line(
    username: str | None, password: str | None
) -> None:
    config = FakeConfig(
        Listener("INTERNAL", "SASL_PLAINTEXT"),
        inter_broker_sasl_username=username,
        inter_broker_sasl_password=password,
    )
    with pytest.raises(ConfigError, match=r"inter\.broker\.sasl\.username") as info:
        build(config)
    assert "\n" not in str(info.value) and "INTERNAL" in str(info.value)


def test_the_inter_broker_mechanism_must_be_enabled_on_the_listener() -> None:
    config = FakeConfig(
        Listener("INTERNAL", "SASL_PLAINTEXT"),
        mechanisms=("SCRAM-SHA-256",),
        inter_broker_sasl_username="broker",
        inter_broker_sasl_password="s3cret",
    )
    with pytest.raises(ConfigError, match="SCRAM-SHA-512 is not enabled"):
        build(config)


# -- where and how the fetcher connects ----------------------------------------------------------


@dataclass
class Registration:
    host: str
    port: int
    endpoints: Mapping[str, tuple[str, int]]


@dataclass
class Image:
    brokers: dict[int, Registration]


def test_the_leader_is_reached_on_its_inter_broker_listener() -> None:
    image = Image(
        {
            1: Registration("10.0.0.1", 9092, {"INTERNAL": ("10.1.0.1", 9094)}),
            2: Registration("10.0.0.2", 9092, {}),  # registered before listener endpoints
        }
    )
    endpoint_of = listener_endpoint_of(lambda: image, "INTERNAL")  # type: ignore[arg-type,return-value]
    assert endpoint_of(1) == ("10.1.0.1", 9094)
    assert endpoint_of(2) == ("10.0.0.2", 9092)
    assert endpoint_of(3) is None
    image.brokers[2] = Registration("10.0.0.2", 9092, {"INTERNAL": ("10.1.0.2", 9094)})
    assert endpoint_of(2) == ("10.1.0.2", 9094)  # read from the current image each time


async def test_the_fetcher_opens_its_connection_with_the_security(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[dict[str, Any]] = []

    class RecordingConnection:
        closed = False

        def __init__(self, host: str, port: int, **kwargs: Any) -> None:
            opened.append({"host": host, "port": port, **kwargs})

        async def open(self) -> None:
            pass

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr("broker.replication.fetcher.Connection", RecordingConnection)
    security = ClientSecurity(
        protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN", sasl_username="b", sasl_password="p"
    )
    fetcher = ReplicaFetcher(
        None,  # type: ignore[arg-type]  # not used to connect
        2,
        ("10.1.0.2", 9094),
        FetcherSettings(node_id=1),
        security=security,
    )
    await fetcher._connect()
    assert opened[0]["security"] is security
    assert (opened[0]["host"], opened[0]["port"]) == ("10.1.0.2", 9094)
    plain = ReplicaFetcher(None, 2, ("h", 1), FetcherSettings(node_id=1))  # type: ignore[arg-type]
    await plain._connect()
    assert "security" not in opened[1] or opened[1]["security"] is None
