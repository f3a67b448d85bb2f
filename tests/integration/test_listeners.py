"""Several listeners at once, TLS on SSL listeners (with and without client certificates), the
principal from the client certificate, TLS handshake failures, SaslHandshake on a listener
without SASL, and the authorizer rebuilt only when the ACLs change."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import pytest
from support.certs import Issued, client_context, issue, make_ca
from support.security import connect
from support.waiting import eventually

from broker.app import Broker, BrokerStartError
from broker.config import ConfigError
from broker.metadata.controller_api import NewTopic
from broker.security.acl import AclBinding
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType
from protocol.messages import (
    MetadataRequest,
    SaslAuthenticateRequest,
    SaslHandshakeRequest,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def ca() -> Issued:
    return make_ca()


def tls_settings(directory: Path, ca: Issued, client_auth: str = "none") -> dict[str, str]:
    """An SSL listener's settings: a PEM key store for ``CN=broker``, the CA as trust store."""
    return {
        "ssl.keystore.location": str(issue(ca, "broker").write_keystore(directory, "broker")),
        "ssl.truststore.location": str(ca.write_cert(directory, "ca")),
        "ssl.client.auth": client_auth,
    }


async def test_plaintext_and_ssl_listeners_serve_at_once(tmp_path: Path, ca: Issued) -> None:
    async with Broker.embedded(
        listeners="PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0", **tls_settings(tmp_path, ca)
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
        secure = await connect(broker, "SSL", client_context(ca))
        for client in (plain, secure):
            response = await client.request(MetadataRequest(topics=[]), 1)
            assert response.controller_id == broker.config.node_id
        listeners = {conn.listener.name: conn for conn in server.connections}
        assert set(listeners) == {"PLAINTEXT", "SSL"}
        assert {conn.principal for conn in listeners.values()} == {"User:ANONYMOUS"}
        await plain.close()
        await secure.close()


async def test_client_certificate_names_the_principal(tmp_path: Path, ca: Issued) -> None:
    async with Broker.embedded(
        listeners="SSL://127.0.0.1:0", **tls_settings(tmp_path, ca, "required")
    ) as broker:
        client = await connect(broker, "SSL", client_context(ca, issue(ca, "alice")))
        response = await client.request(MetadataRequest(topics=[]), 1)
        assert response.controller_id == broker.config.node_id
        assert broker.server is not None
        (conn,) = broker.server.connections
        assert conn.principal == "User:O=Samsa tests,CN=alice"  # the DEFAULT mapping rule
        await client.close()


async def test_a_required_client_certificate_that_is_missing_fails_the_handshake(
    tmp_path: Path, ca: Issued
) -> None:
    async with Broker.embedded(
        listeners="SSL://127.0.0.1:0", **tls_settings(tmp_path, ca, "required")
    ) as broker:
        server = broker.server
        assert server is not None
        with pytest.raises((ssl.SSLError, ConnectionError, OSError, asyncio.IncompleteReadError)):
            # TLS 1.3: the client learns of the refusal at its first read.
            client = await connect(broker, "SSL", client_context(ca))
            await client.request(MetadataRequest(topics=[]), 1)
        await eventually(lambda: server.close_counts["tls_handshake_failed"] == 1)
        assert not server.connections


async def test_plaintext_on_a_tls_port_is_a_failed_handshake(tmp_path: Path, ca: Issued) -> None:
    async with Broker.embedded(
        listeners="SSL://127.0.0.1:0", **tls_settings(tmp_path, ca)
    ) as broker:
        server = broker.server
        assert server is not None
        client = await connect(broker, "SSL")  # no TLS
        await client.send(MetadataRequest(topics=[]), 1)
        await client.expect_closed()
        await eventually(lambda: server.close_counts["tls_handshake_failed"] == 1)


async def test_changed_certificate_files_are_reloaded(tmp_path: Path, ca: Issued) -> None:
    settings = tls_settings(tmp_path, ca)
    async with Broker.embedded(
        listeners="SSL://127.0.0.1:0", **settings, **{"ssl.reload.check.interval.ms": "100"}
    ) as broker:
        server = broker.server
        assert server is not None
        before = server.tls_contexts["SSL"].context
        # Renewed in place, as certificate managers do (written aside, renamed over).
        issue(ca, "broker2").write_keystore(tmp_path, "renewed").replace(
            settings["ssl.keystore.location"]
        )
        await eventually(lambda: server.tls_contexts["SSL"].context is not before)
        client = await connect(broker, "SSL", client_context(ca))
        cert = client.writer.get_extra_info("peercert")
        assert dict(x[0] for x in cert["subject"])["commonName"] == "broker2"
        await client.close()


async def test_sasl_requests_on_a_listener_without_sasl_are_illegal_sasl_state() -> None:
    async with Broker.embedded(listeners="PLAINTEXT://127.0.0.1:0") as broker:
        client = await connect(broker, "PLAINTEXT")
        handshake = await client.request(SaslHandshakeRequest(mechanism="PLAIN"), 1)
        assert handshake.error_code == 34  # ILLEGAL_SASL_STATE
        assert handshake.mechanisms == []
        authenticate = await client.request(SaslAuthenticateRequest(auth_bytes=b"x"), 2)
        assert authenticate.error_code == 34
        # The connection stays usable.
        assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
        await client.close()


def _read_acl(principal: str) -> AclBinding:
    return AclBinding(
        ResourceType.TOPIC,
        "orders",
        PatternType.LITERAL,
        principal,
        "*",
        AclOperation.READ,
        AclPermissionType.ALLOW,
    )


AUTHORIZING: dict[str, Any] = {
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users": "User:admin",
}


async def test_the_authorizer_is_rebuilt_only_when_the_acls_change() -> None:
    async with Broker.embedded(**AUTHORIZING) as broker:
        services, controller = broker.services, broker.controller
        assert services is not None and controller is not None
        first = services.authorizer_for_image()
        assert first is not None
        assert services.authorizer is first
        # A new image with the same ACLs (a topic created) keeps the authorizer.
        image = controller.image
        [created] = await controller.create_topics([NewTopic("orders", 1, 1)])
        assert created.error == 0, created
        await eventually(lambda: controller.image is not image, what="the topic's image")
        assert services.authorizer is first
        # A new ACL makes a new one, which knows it.
        [result] = await controller.create_acls([_read_acl("User:alice")])
        assert result.error == 0, result
        await eventually(lambda: controller.image.acls, what="the ACL in the image")
        second = services.authorizer
        assert second is not None and second is not first
        assert services.authorizer is second
        assert second.authorize(
            "User:alice", "10.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders"
        )
        assert not first.authorize(
            "User:alice", "10.0.0.1", AclOperation.READ, ResourceType.TOPIC, "orders"
        )
    # Without authorizer.class.name there is none.
    async with Broker.embedded() as plain:
        assert plain.services is not None
        assert plain.services.authorizer_for_image() is None


async def test_a_tls_listener_without_a_usable_keystore_does_not_start(tmp_path: Path) -> None:
    # Refused when the config is checked, or at the latest when the listener starts.
    with pytest.raises((BrokerStartError, ConfigError), match="SSL"):
        async with Broker.embedded(
            listeners="SSL://127.0.0.1:0",
            **{"ssl.keystore.location": str(tmp_path / "missing.pem")},
        ):
            pass
