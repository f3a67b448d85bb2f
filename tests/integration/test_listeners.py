"""Several listeners at once, TLS on SSL listeners (with and without client certificates), the
principal from the client certificate, TLS handshake failures, and SaslHandshake on a listener
without SASL."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest
from support.security import Pki, connect, make_pki, security_broker
from support.waiting import eventually

from protocol.messages import (
    MetadataRequest,
    SaslAuthenticateRequest,
    SaslHandshakeRequest,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return make_pki(tmp_path / "pki")


def tls_settings(pki: Pki, client_auth: str = "none") -> dict[str, str]:
    return {
        "ssl.keystore.location": str(pki.issue("broker", "CN=broker", server=True)),
        "ssl.truststore.location": str(pki.ca_file),
        "ssl.client.auth": client_auth,
    }


async def test_plaintext_and_ssl_listeners_serve_at_once(pki: Pki) -> None:
    async with security_broker(
        "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0", **tls_settings(pki)
    ) as broker:
        server = broker.server
        services = broker.services
        assert server is not None and services is not None
        assert set(server.ports) == {"PLAINTEXT", "SSL"}
        assert server.port == server.ports["PLAINTEXT"] != server.ports["SSL"]
        assert services.advertised_endpoints == {
            name: ("127.0.0.1", port) for name, port in server.ports.items()
        }
        plain = await connect(broker, "PLAINTEXT")
        secure = await connect(broker, "SSL", pki.client_context())
        for client in (plain, secure):
            response = await client.request(MetadataRequest(topics=[]), 1)
            assert response.controller_id == broker.config.node_id
        listeners = {conn.listener.name: conn for conn in server.connections}
        assert set(listeners) == {"PLAINTEXT", "SSL"}
        assert {conn.principal for conn in listeners.values()} == {"User:ANONYMOUS"}
        await plain.close()
        await secure.close()


async def test_client_certificate_names_the_principal(pki: Pki) -> None:
    async with security_broker("SSL://127.0.0.1:0", **tls_settings(pki, "required")) as broker:
        cert = pki.issue("alice", "CN=alice,OU=eng,O=Acme")
        client = await connect(broker, "SSL", pki.client_context(cert))
        response = await client.request(MetadataRequest(topics=[]), 1)
        assert response.controller_id == broker.config.node_id
        assert broker.server is not None
        (conn,) = broker.server.connections
        assert conn.principal == "User:CN=alice,OU=eng,O=Acme"
        await client.close()


async def test_a_required_client_certificate_that_is_missing_fails_the_handshake(
    pki: Pki,
) -> None:
    async with security_broker("SSL://127.0.0.1:0", **tls_settings(pki, "required")) as broker:
        server = broker.server
        assert server is not None
        with pytest.raises((ssl.SSLError, ConnectionError, OSError, asyncio.IncompleteReadError)):
            # TLS 1.3: the client learns of the refusal at its first read.
            client = await connect(broker, "SSL", pki.client_context())
            await client.request(MetadataRequest(topics=[]), 1)
        await eventually(lambda: server.close_counts["tls_handshake_failed"] == 1)
        assert not server.connections


async def test_plaintext_on_a_tls_port_is_a_failed_handshake(pki: Pki) -> None:
    async with security_broker("SSL://127.0.0.1:0", **tls_settings(pki)) as broker:
        server = broker.server
        assert server is not None
        client = await connect(broker, "SSL")  # no TLS
        await client.send(MetadataRequest(topics=[]), 1)
        await client.expect_closed()
        await eventually(lambda: server.close_counts["tls_handshake_failed"] == 1)


def _copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())


async def test_changed_certificate_files_are_reloaded(pki: Pki) -> None:
    settings = tls_settings(pki)
    async with security_broker(
        "SSL://127.0.0.1:0", **settings, **{"ssl.reload.check.interval.ms": 100}
    ) as broker:
        server = broker.server
        assert server is not None
        before = server.tls_contexts["SSL"].context
        other = pki.issue("other", "CN=broker2", server=True)
        _copy(other, Path(settings["ssl.keystore.location"]))
        await eventually(lambda: server.tls_contexts["SSL"].context is not before)
        client = await connect(broker, "SSL", pki.client_context())
        cert = client.writer.get_extra_info("peercert")
        assert dict(x[0] for x in cert["subject"])["commonName"] == "broker2"
        await client.close()


async def test_sasl_requests_on_a_listener_without_sasl_are_illegal_sasl_state() -> None:
    async with security_broker("PLAINTEXT://127.0.0.1:0") as broker:
        client = await connect(broker, "PLAINTEXT")
        handshake = await client.request(SaslHandshakeRequest(mechanism="PLAIN"), 1)
        assert handshake.error_code == 34  # ILLEGAL_SASL_STATE
        assert handshake.mechanisms == []
        authenticate = await client.request(SaslAuthenticateRequest(auth_bytes=b"x"), 2)
        assert authenticate.error_code == 34
        # The connection stays usable.
        assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
        await client.close()


class _Image:
    def __init__(self, acls: dict[str, object]) -> None:
        self.acls = acls


class _Controller:
    def __init__(self) -> None:
        self.image = _Image({})


class _AuthorizingConfig:
    node_id = 1
    authorizer_enabled = True
    super_user_set = frozenset({"User:admin"})
    allow_everyone_if_no_acl_found = False


@pytest.mark.timeout(10)
def test_the_authorizer_is_rebuilt_only_when_the_acls_change() -> None:
    from typing import Any

    from broker.handlers.base import BrokerServices

    controller = _Controller()
    fake: Any = None
    services = BrokerServices(
        config=_AuthorizingConfig(),  # type: ignore[arg-type]
        cluster_id="c",
        controller=controller,  # type: ignore[arg-type]
        replica_manager=fake,
        log_manager=fake,
        fetch_purgatory=fake,
    )
    first = services.authorizer_for_image()
    assert first is not None
    assert services.authorizer_for_image() is first
    controller.image = _Image(controller.image.acls)  # a new image, the same ACLs
    assert services.authorizer is first
    controller.image = _Image({"id": object()})
    assert services.authorizer_for_image() is not first
    services.config = object()  # type: ignore[assignment]  # no authorizer.class.name
    assert services.authorizer_for_image() is None


async def test_a_tls_listener_without_a_usable_keystore_does_not_start(tmp_path: Path) -> None:
    from broker.app import BrokerStartError
    from broker.config import ConfigError

    # Refused when the config is checked, or at the latest when the listener starts.
    with pytest.raises((BrokerStartError, ConfigError), match="SSL"):
        async with security_broker(
            "SSL://127.0.0.1:0", **{"ssl.keystore.location": str(tmp_path / "missing.pem")}
        ):
            pass
