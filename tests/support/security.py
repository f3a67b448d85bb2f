"""Helpers for security tests against a running broker: a wire client on a named listener,
SCRAM credentials stored through the controller, and SASL logins on a ``WireClient``.

A broker with listeners and security settings is ``Broker.embedded(listeners=…, **settings)``
with Kafka's setting names; certificates come from ``support.certs``.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import ssl

from support.waiting import eventually
from support.wire import READ_TIMEOUT_S, WireClient

from broker.app import Broker
from broker.metadata.controller_api import ScramUpsertion
from protocol.messages import (
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
)
from protocol.scram import MECHANISMS, ScramClient, format_plain, salted_password

__all__ = ["client_nonce", "connect", "port_of", "put_credential", "sasl_login"]

# -- connections -------------------------------------------------------------------------------


def port_of(broker: Broker, listener: str) -> int:
    """The port ``listener`` is bound to."""
    assert broker.server is not None
    return broker.server.ports[listener]


async def connect(
    broker: Broker, listener: str, ssl_context: ssl.SSLContext | None = None
) -> WireClient:
    """A wire client on ``listener`` (TLS with ``ssl_context``)."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port_of(broker, listener), ssl=ssl_context),
        READ_TIMEOUT_S,
    )
    return WireClient(reader, writer)


# -- SCRAM credentials -------------------------------------------------------------------------


async def put_credential(
    broker: Broker,
    user: str,
    password: str,
    mechanisms: tuple[str, ...] = ("SCRAM-SHA-256", "SCRAM-SHA-512"),
    iterations: int = 4096,
) -> None:
    """Give ``user`` SCRAM credentials for ``password`` through the controller, as
    AlterUserScramCredentials does (one request per mechanism: Kafka's controller refuses a
    user altered twice in one request), and wait until the broker's image has them."""
    controller = broker.controller
    assert controller is not None
    for mechanism in mechanisms:
        salt = secrets.token_bytes(32)
        salted = salted_password(MECHANISMS[mechanism], password.encode(), salt, iterations)
        upsertion = ScramUpsertion(user, mechanism, iterations, salt, salted)
        [result] = await controller.alter_scram_credentials([], [upsertion])
        assert result.error == 0, result

    def present() -> bool:
        assert broker.controller is not None
        credentials = broker.controller.image.scram_credentials
        return all((user, m) in credentials for m in mechanisms)

    await eventually(present, what=f"{user}'s SCRAM credentials in the image")


# -- SASL on a wire client ---------------------------------------------------------------------


def client_nonce() -> str:
    """A fresh SCRAM client nonce."""
    return base64.b64encode(secrets.token_bytes(24)).decode("ascii")


async def sasl_login(
    client: WireClient, mechanism: str, user: str, password: str, *, version: int = 2
) -> SaslAuthenticateResponse:
    """SaslHandshake v1 and SaslAuthenticate; the last SaslAuthenticate response (its
    error_code says whether the login worked; a SCRAM server signature is checked)."""
    handshake = await client.request(SaslHandshakeRequest(mechanism=mechanism), 1)
    assert handshake.error_code == 0, handshake.error_code
    if mechanism == "PLAIN":
        response: SaslAuthenticateResponse = await client.request(
            SaslAuthenticateRequest(auth_bytes=format_plain(user, password)), version
        )
        return response
    scram = ScramClient(mechanism, user, password, client_nonce())
    first: SaslAuthenticateResponse = await client.request(
        SaslAuthenticateRequest(auth_bytes=scram.first_message()), version
    )
    if first.error_code != 0:
        return first
    final: SaslAuthenticateResponse = await client.request(
        SaslAuthenticateRequest(auth_bytes=scram.final_message(first.auth_bytes)), version
    )
    if final.error_code == 0:
        scram.verify_server_final(final.auth_bytes)
    return final
