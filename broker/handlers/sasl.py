"""SaslHandshake (v1) and SaslAuthenticate (v0-2): their dispatch-table entries.

On a SASL listener the connection answers both itself while it authenticates (and while it
re-authenticates: KIP-368), so they never reach these handlers then (``broker/server/authn.py``).
What reaches them is what Kafka's request handler answers: a SaslHandshake or SaslAuthenticate
on a listener without SASL, or on a connection that is authenticated already, gets
ILLEGAL_SASL_STATE. SaslHandshake v0-1 is advertised, as Kafka does: librdkafka (before 2.1)
only authenticates with a broker that lists v0. A v0 handshake is answered like v1, but the raw
SASL tokens a v0 client then sends are not Kafka requests: the connection closes at the first.
"""

from __future__ import annotations

from typing import Final

from broker.handlers.base import BrokerServices, RequestContext, api_handler
from protocol.errors import ErrorCode
from protocol.messages import (
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
)

__all__ = ["HANDLERS", "handle_sasl_authenticate", "handle_sasl_handshake"]


def handle_sasl_handshake(
    services: BrokerServices, ctx: RequestContext, request: SaslHandshakeRequest
) -> SaslHandshakeResponse:
    """Not in a SASL exchange: ILLEGAL_SASL_STATE (Kafka's answer)."""
    return SaslHandshakeResponse(error_code=ErrorCode.ILLEGAL_SASL_STATE, mechanisms=[])


def handle_sasl_authenticate(
    services: BrokerServices, ctx: RequestContext, request: SaslAuthenticateRequest
) -> SaslAuthenticateResponse:
    """Not in a SASL exchange: ILLEGAL_SASL_STATE (Kafka's answer and message)."""
    return SaslAuthenticateResponse(
        error_code=ErrorCode.ILLEGAL_SASL_STATE,
        error_message="SaslAuthenticate request received after successful authentication",
    )


def _handshake_error(
    request: SaslHandshakeRequest, version: int, code: ErrorCode
) -> SaslHandshakeResponse:
    return SaslHandshakeResponse(error_code=code, mechanisms=[])


def _authenticate_error(
    request: SaslAuthenticateRequest, version: int, code: ErrorCode
) -> SaslAuthenticateResponse:
    return SaslAuthenticateResponse(error_code=code)


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(SaslHandshakeRequest, 0, 1, handle_sasl_handshake, _handshake_error),
    api_handler(SaslAuthenticateRequest, 0, 2, handle_sasl_authenticate, _authenticate_error),
)
