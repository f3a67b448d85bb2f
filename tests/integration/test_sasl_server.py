"""SASL on SASL_PLAINTEXT and SASL_SSL listeners: PLAIN and SCRAM-SHA-256/512 logins against
credentials in the metadata, failures (answered after the delay, then closed), what may be sent
before authenticating, the pre-authentication frame cap, and KIP-368 re-authentication."""

from __future__ import annotations

import asyncio
import struct
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support.certs import client_context, issue, make_ca
from support.security import client_nonce, connect, port_of, put_credential, sasl_login
from support.waiting import eventually
from support.wire import WireClient

from broker.app import Broker
from protocol.errors import ErrorCode
from protocol.messages import (
    ApiVersionsRequest,
    MetadataRequest,
    SaslAuthenticateRequest,
    SaslHandshakeRequest,
)
from protocol.scram import ScramClient

pytestmark = pytest.mark.timeout(60)

ALL_MECHANISMS = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"
#: connection.failed.authentication.delay.ms in these tests: long enough to measure.
FAILURE_DELAY_MS = 300


def _typed(settings: dict[str, Any]) -> dict[str, Any]:
    """Broker settings by Kafka name, typed for ``Broker.embedded``'s keyword overrides."""
    return settings


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    async with Broker.embedded(
        listeners="SASL_PLAINTEXT://127.0.0.1:0",
        **_typed(
            {
                "sasl.enabled.mechanisms": ALL_MECHANISMS,
                "connection.failed.authentication.delay.ms": FAILURE_DELAY_MS,
                "sasl.server.max.receive.size": 4096,
            }
        ),
    ) as running:
        await put_credential(running, "alice", "alice-secret")
        yield running


async def sasl_client(broker: Broker) -> WireClient:
    return await connect(broker, "SASL_PLAINTEXT")


def closes(broker: Broker, reason: str) -> int:
    assert broker.server is not None
    return broker.server.close_counts[reason]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_login_then_requests_are_served(broker: Broker, mechanism: str) -> None:
    client = await sasl_client(broker)
    versions = ApiVersionsRequest(client_software_name="test", client_software_version="1")
    assert (await client.request(versions, 3)).error_code == 0
    response = await sasl_login(client, mechanism, "alice", "alice-secret")
    assert response.error_code == 0
    assert response.session_lifetime_ms == 0  # connections.max.reauth.ms is off
    assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
    assert broker.server is not None
    (conn,) = broker.server.connections
    assert conn.principal == "User:alice"
    await client.close()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_a_wrong_password_fails_after_the_delay_and_closes(
    broker: Broker, mechanism: str
) -> None:
    client = await sasl_client(broker)
    started = time.monotonic()
    response = await sasl_login(client, mechanism, "alice", "wrong")
    assert time.monotonic() - started >= FAILURE_DELAY_MS / 1000 * 0.9
    assert response.error_code == 58  # SASL_AUTHENTICATION_FAILED
    assert response.error_message
    await client.expect_closed()
    await eventually(lambda: closes(broker, "sasl_authentication_failed") == 1)


async def test_an_unknown_user_fails_and_its_fake_salt_does_not_change(broker: Broker) -> None:
    salts = []
    for _ in range(2):
        client = await sasl_client(broker)
        handshake = await client.request(SaslHandshakeRequest(mechanism="SCRAM-SHA-256"), 1)
        assert handshake.error_code == 0
        scram = ScramClient("SCRAM-SHA-256", "mallory", "guess", client_nonce())
        first = await client.request(SaslAuthenticateRequest(auth_bytes=scram.first_message()), 2)
        assert first.error_code == 0  # looks like any user's
        salts.append(dict(p.split("=", 1) for p in first.auth_bytes.decode().split(","))["s"])
        final = await client.request(
            SaslAuthenticateRequest(auth_bytes=scram.final_message(first.auth_bytes)), 2
        )
        assert final.error_code == 58
        await client.expect_closed()
    assert salts[0] == salts[1]
    client = await sasl_client(broker)
    assert (await sasl_login(client, "PLAIN", "mallory", "guess")).error_code == 58
    await client.expect_closed()


async def test_an_unsupported_mechanism_is_refused_and_closes(broker: Broker) -> None:
    client = await sasl_client(broker)
    handshake = await client.request(SaslHandshakeRequest(mechanism="GSSAPI"), 1)
    assert handshake.error_code == 33  # UNSUPPORTED_SASL_MECHANISM
    assert handshake.mechanisms == ALL_MECHANISMS.split(",")
    await client.expect_closed()


async def test_other_requests_before_authenticating_close_the_connection(
    broker: Broker,
) -> None:
    client = await sasl_client(broker)
    await client.send(MetadataRequest(topics=[]), 1)
    await client.expect_closed()
    await eventually(lambda: closes(broker, "sasl_unexpected_request") == 1)
    # After the handshake, only SaslAuthenticate.
    client = await sasl_client(broker)
    assert (await client.request(SaslHandshakeRequest(mechanism="PLAIN"), 1)).error_code == 0
    await client.send(ApiVersionsRequest(), 0)
    await client.expect_closed()


async def test_handshake_v0_is_not_served(broker: Broker) -> None:
    # Advertised (librdkafka 2.0.2 looks for v0), answered UNSUPPORTED_VERSION, then closed.
    client = await sasl_client(broker)
    response = await client.request(SaslHandshakeRequest(mechanism="PLAIN"), 0)
    assert response.error_code == ErrorCode.UNSUPPORTED_VERSION
    await client.expect_closed()
    await eventually(lambda: closes(broker, "sasl_authentication_failed") == 1)


async def test_a_large_frame_before_authenticating_closes_the_connection(
    broker: Broker,
) -> None:
    client = await sasl_client(broker)
    await client.send_raw(struct.pack(">i", 4097) + b"\x00" * 16)
    await client.expect_closed()
    await eventually(lambda: closes(broker, "frame_too_large") == 1)
    # Once authenticated, socket.request.max.bytes applies.
    client = await sasl_client(broker)
    assert (await sasl_login(client, "PLAIN", "alice", "alice-secret")).error_code == 0
    names = [f"{i:03}" + "t" * 200 for i in range(30)]
    big = MetadataRequest(
        topics=[MetadataRequest.MetadataRequestTopic(name=name) for name in names],
        allow_auto_topic_creation=False,
    )
    response = await client.request(big, 4)
    assert len(response.topics) == 30
    await client.close()


async def test_sasl_ssl_listener(tmp_path: Path) -> None:
    ca = make_ca()
    async with Broker.embedded(
        listeners="SASL_SSL://127.0.0.1:0",
        **_typed(
            {
                "ssl.keystore.location": str(
                    issue(ca, "broker").write_keystore(tmp_path, "broker")
                ),
                "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            }
        ),
    ) as broker:
        await put_credential(broker, "bob", "bob-secret")
        client = await connect(broker, "SASL_SSL", client_context(ca))
        assert (await sasl_login(client, "SCRAM-SHA-512", "bob", "bob-secret")).error_code == 0
        assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
        await client.close()


REAUTH_MS = 1500


class Clock:
    """The clock the broker's connections judge SASL sessions by: the monotonic clock plus
    ``ahead_ms``, so that a test ends a session without waiting for it."""

    def __init__(self) -> None:
        self.ahead_ms = 0

    def __call__(self) -> int:
        return time.monotonic_ns() // 1_000_000 + self.ahead_ms


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr("broker.server.connection._monotonic_ms", ticking)
    return ticking


@pytest.fixture
async def reauth_broker(clock: Clock) -> AsyncIterator[Broker]:
    async with Broker.embedded(
        listeners="SASL_PLAINTEXT://127.0.0.1:0",
        **_typed(
            {
                "sasl.enabled.mechanisms": ALL_MECHANISMS,
                "connections.max.reauth.ms": REAUTH_MS,
                "connection.failed.authentication.delay.ms": 0,
            }
        ),
    ) as running:
        await put_credential(running, "alice", "alice-secret")
        await put_credential(running, "bob", "bob-secret")
        yield running


async def test_reauthentication_renews_the_session(reauth_broker: Broker, clock: Clock) -> None:
    client = await sasl_client(reauth_broker)
    login = await sasl_login(client, "SCRAM-SHA-256", "alice", "alice-secret")
    assert login.error_code == 0
    assert login.session_lifetime_ms == REAUTH_MS
    again = await sasl_login(client, "SCRAM-SHA-256", "alice", "alice-secret")
    assert again.error_code == 0
    assert again.session_lifetime_ms == REAUTH_MS
    assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
    clock.ahead_ms += REAUTH_MS // 2  # halfway through the session: still served
    assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
    # Past the session's end without re-authenticating: the next request closes it.
    clock.ahead_ms += REAUTH_MS
    await client.send(MetadataRequest(topics=[]), 1)
    await client.expect_closed()
    await eventually(lambda: closes(reauth_broker, "sasl_session_expired") == 1)


async def test_an_expired_session_may_still_reauthenticate(
    reauth_broker: Broker, clock: Clock
) -> None:
    client = await sasl_client(reauth_broker)
    assert (await sasl_login(client, "PLAIN", "alice", "alice-secret")).error_code == 0
    clock.ahead_ms += REAUTH_MS
    assert (await sasl_login(client, "PLAIN", "alice", "alice-secret")).error_code == 0
    assert (await client.request(MetadataRequest(topics=[]), 1)).controller_id == 1
    await client.close()


async def test_reauthentication_cannot_change_the_principal(reauth_broker: Broker) -> None:
    client = await sasl_client(reauth_broker)
    assert (await sasl_login(client, "PLAIN", "alice", "alice-secret")).error_code == 0
    assert (await sasl_login(client, "PLAIN", "bob", "bob-secret")).error_code == 58
    await client.expect_closed()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_librdkafka_produces_over_sasl_ssl(tmp_path: Path, mechanism: str) -> None:
    confluent_kafka = pytest.importorskip("confluent_kafka")
    ca = make_ca()
    async with Broker.embedded(
        listeners="SASL_SSL://127.0.0.1:0",
        **_typed(
            {
                "ssl.keystore.location": str(
                    issue(ca, "broker").write_keystore(tmp_path, "broker")
                ),
                "sasl.enabled.mechanisms": ALL_MECHANISMS,
            }
        ),
    ) as broker:
        await put_credential(broker, "carol", "carol-secret")
        conf = {
            "bootstrap.servers": f"127.0.0.1:{port_of(broker, 'SASL_SSL')}",
            "security.protocol": "SASL_SSL",
            "ssl.ca.location": str(ca.write_cert(tmp_path, "ca")),
            "sasl.mechanism": mechanism,
            "sasl.username": "carol",
            "sasl.password": "carol-secret",
        }

        def produce() -> list[object]:
            delivered: list[object] = []
            producer = confluent_kafka.Producer(conf)
            producer.produce("secure", b"hello", on_delivery=lambda err, msg: delivered.append(err))
            producer.flush(20)
            return delivered

        assert await asyncio.to_thread(produce) == [None]
