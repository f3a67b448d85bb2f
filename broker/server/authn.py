"""SASL authentication of one connection on a SASL_PLAINTEXT or SASL_SSL listener, sans-IO.

``SaslGate`` decides, for every request, what the connection does with it, as Kafka's
``SaslServerAuthenticator`` and socket server do:

- until authenticated, only ApiVersions, SaslHandshake and then SaslAuthenticate; any other
  request closes the connection ("unexpected request during SASL handshake");
- SaslHandshake and SaslAuthenticate are answered here (``handshake``, ``authenticate``) —
  except that a PLAIN SaslAuthenticate hands back a ``PasswordCheck`` for the driver to run off
  its event loop (PBKDF2 takes milliseconds), answered with ``finish_password_check`` (or
  ``refuse_password_check`` when too many checks wait already); a failure is answered with
  its error and the connection then closes (the driver waits
  ``connection.failed.authentication.delay.ms`` first);
- KIP-368: with ``connections.max.reauth.ms`` > 0 a session lasts that long (the
  SaslAuthenticate response v1+ says so); a SaslHandshake on an authenticated connection starts
  a re-authentication (same mechanism, same principal); once the session expired, any other
  request closes the connection.

The clock (``now_ms``), nonces and the key that makes an unknown user's fake salt are
arguments: no IO, no clock, no randomness.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from broker.security.sasl import CredentialLookup, PasswordCheck, SaslAuthenticator, SaslStep
from protocol.errors import ErrorCode
from protocol.messages import (
    ApiVersionsRequest,
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
    api_name,
)
from protocol.scram import MECHANISMS, SaslError, parse_plain, unescape_saslname

__all__ = ["MIN_REAUTH_INTERVAL_MS", "GateVerdict", "SaslGate", "SaslOutcome"]

_API_VERSIONS: Final = ApiVersionsRequest.API_KEY
_HANDSHAKE: Final = SaslHandshakeRequest.API_KEY
_AUTHENTICATE: Final = SaslAuthenticateRequest.API_KEY

#: Kafka's shortest time between two re-authentications of one connection: a SaslHandshake
#: sooner than this after the last one is not a re-authentication (the handler refuses it).
MIN_REAUTH_INTERVAL_MS: Final = 1000
#: Longest username kept for log lines (the name comes from an unauthenticated peer).
MAX_LOGGED_USER_CHARS: Final = 64


class GateVerdict(enum.Enum):
    """What the connection does with a request."""

    SERVE = "serve"
    """Dispatch it to its handler as usual."""
    HANDSHAKE = "handshake"
    """Answer it with ``SaslGate.handshake``."""
    AUTHENTICATE = "authenticate"
    """Answer it with ``SaslGate.authenticate``."""
    CLOSE = "close"
    """Close the connection: a request not allowed now (``SaslGate.close_reason`` says)."""
    EXPIRED = "expired"
    """Close the connection: the session expired (``SaslGate.close_reason`` says)."""


class _State(enum.Enum):
    HANDSHAKE = "handshake"  # waiting for SaslHandshake
    AUTHENTICATE = "authenticate"  # mechanism chosen: SaslAuthenticate until done
    AUTHENTICATED = "authenticated"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SaslOutcome:
    """A SASL request's answer and what it did."""

    response: SaslHandshakeResponse | SaslAuthenticateResponse
    failure: str | None = None
    """Why authentication failed (the connection closes after the delay); None otherwise."""
    authenticated: bool = False
    """The exchange completed: ``SaslGate.principal`` is the (re-)authenticated principal."""


class SaslGate:
    """One connection's SASL state."""

    def __init__(
        self,
        mechanisms: tuple[str, ...],
        lookup: CredentialLookup,
        *,
        reauth_ms: int,
        fake_salt_key: bytes,
    ) -> None:
        self.mechanisms = mechanisms
        self._lookup = lookup
        self.reauth_ms = reauth_ms
        self._fake_salt_key = fake_salt_key
        self._state = _State.HANDSHAKE
        self._authenticator: SaslAuthenticator | None = None
        self.mechanism: str | None = None
        """The mechanism of the exchange in progress or of the session."""
        self.principal: str | None = None
        """The authenticated principal (kept through a re-authentication)."""
        self.user = ""
        """The username the client gave in the exchange in progress (for log lines)."""
        self.session_expires_ms: int | None = None
        """When the session expires (None: never)."""
        self.close_reason = ""
        self._reauthenticating = False
        self._last_reauth_ms: int | None = None

    @property
    def ever_authenticated(self) -> bool:
        """Whether the connection has authenticated once (frames may then be larger)."""
        return self.principal is not None

    @property
    def reauthenticating(self) -> bool:
        return self._reauthenticating

    def check(self, api_key: int, now_ms: int) -> GateVerdict:
        """What to do with a request of ``api_key`` arriving at ``now_ms``."""
        state = self._state
        if state is _State.AUTHENTICATED:
            if api_key == _HANDSHAKE and self._may_reauthenticate(now_ms):
                return GateVerdict.HANDSHAKE
            expires = self.session_expires_ms
            if expires is not None and now_ms >= expires:
                self.close_reason = (
                    "the SASL session expired (connections.max.reauth.ms="
                    f"{self.reauth_ms}) and the client did not re-authenticate"
                )
                return GateVerdict.EXPIRED
            return GateVerdict.SERVE
        if state is _State.HANDSHAKE:
            if api_key == _API_VERSIONS and not self._reauthenticating:
                return GateVerdict.SERVE
            if api_key == _HANDSHAKE:
                return GateVerdict.HANDSHAKE
        elif state is _State.AUTHENTICATE and api_key == _AUTHENTICATE:
            return GateVerdict.AUTHENTICATE
        elif state is _State.FAILED:
            return self._close("authentication failed")
        return self._close(
            f"unexpected {api_name(api_key)} request (API key {api_key}) during SASL handshake"
        )

    def _may_reauthenticate(self, now_ms: int) -> bool:
        if self.reauth_ms <= 0:
            return False
        last = self._last_reauth_ms
        return last is None or now_ms - last >= MIN_REAUTH_INTERVAL_MS

    def _close(self, reason: str) -> GateVerdict:
        self.close_reason = reason
        return GateVerdict.CLOSE

    def handshake(self, request: SaslHandshakeRequest, now_ms: int) -> SaslOutcome:
        """Answer a SaslHandshake that ``check`` said is ours."""
        mechanism = request.mechanism
        if self._state is _State.AUTHENTICATED:  # KIP-368 re-authentication
            self._reauthenticating = True
            self._last_reauth_ms = now_ms
            self._state = _State.HANDSHAKE
            if mechanism != self.mechanism:
                return self._fail_handshake(
                    ErrorCode.UNSUPPORTED_SASL_MECHANISM,
                    f"re-authentication must use {self.mechanism}, not {mechanism[:64]!r}",
                )
        authenticator = SaslAuthenticator(self.mechanisms, self._lookup)
        code = authenticator.handshake(mechanism)
        if code != ErrorCode.NONE:
            return self._fail_handshake(
                code, f"SASL mechanism {mechanism[:64]!r} is not enabled on this listener"
            )
        self._authenticator = authenticator
        self.mechanism = mechanism
        self._state = _State.AUTHENTICATE
        return SaslOutcome(SaslHandshakeResponse(error_code=0, mechanisms=list(self.mechanisms)))

    def _fail_handshake(self, code: ErrorCode, why: str) -> SaslOutcome:
        self._state = _State.FAILED
        response = SaslHandshakeResponse(error_code=code, mechanisms=list(self.mechanisms))
        return SaslOutcome(response, failure=why)

    def authenticate(
        self, request: SaslAuthenticateRequest, now_ms: int, nonce: str
    ) -> SaslOutcome | PasswordCheck:
        """Answer a SaslAuthenticate that ``check`` said is ours; ``nonce`` is the server
        nonce a SCRAM exchange uses if this is its first message. A ``PasswordCheck`` (PLAIN):
        the answer waits for ``finish_password_check`` with the check's result."""
        authenticator = self._authenticator
        assert authenticator is not None and self.mechanism is not None
        auth_bytes = request.auth_bytes
        user = _username(self.mechanism, auth_bytes)
        if user is not None:
            self.user = user[:MAX_LOGGED_USER_CHARS]
        fake_salt = self.fake_salt(user or "")
        step = authenticator.authenticate(auth_bytes, nonce, fake_salt)
        if step.password_check is not None and step.error is None:
            return step.password_check
        return self._answer(step, now_ms)

    def finish_password_check(self, ok: bool, now_ms: int) -> SaslOutcome:
        """Answer the SaslAuthenticate whose ``PasswordCheck`` gave ``ok``."""
        authenticator = self._authenticator
        if authenticator is None:
            return self._fail("no password check in progress")
        return self._answer(authenticator.finish_password_check(ok), now_ms)

    def refuse_password_check(self, why: str) -> SaslOutcome:
        """Fail the SaslAuthenticate whose ``PasswordCheck`` cannot be run (``why`` is also
        the response's error message)."""
        return self._fail(why, message=why)

    def _answer(self, step: SaslStep, now_ms: int) -> SaslOutcome:
        if step.error is not None or (step.done and step.principal is None):
            return self._fail(step.error or "authentication failed")
        if not step.done:
            return SaslOutcome(SaslAuthenticateResponse(error_code=0, auth_bytes=step.response))
        principal = step.principal
        assert principal is not None
        if self._reauthenticating and principal != self.principal:
            return self._fail(
                f"re-authentication as {principal} on a connection of {self.principal}: "
                "the principal cannot change"
            )
        self.principal = principal
        self._state = _State.AUTHENTICATED
        self._reauthenticating = False
        self._authenticator = None
        lifetime = max(0, self.reauth_ms)
        self.session_expires_ms = now_ms + lifetime if lifetime else None
        response = SaslAuthenticateResponse(
            error_code=0, auth_bytes=step.response, session_lifetime_ms=lifetime
        )
        return SaslOutcome(response, authenticated=True)

    def _fail(self, why: str, message: str | None = None) -> SaslOutcome:
        self._state = _State.FAILED
        self._authenticator = None
        response = SaslAuthenticateResponse(
            error_code=ErrorCode.SASL_AUTHENTICATION_FAILED,
            error_message=message
            or f"Authentication failed during authentication due to invalid "
            f"credentials with SASL mechanism {self.mechanism}",
        )
        return SaslOutcome(response, failure=why)

    def fake_salt(self, user: str) -> bytes:
        """The salt offered for ``user`` when no credential exists: the same for the same
        user every time (an HMAC under the broker's key), so that asking twice does not tell
        a made-up user from a real one."""
        data = f"{self.mechanism}\x00{user}".encode()
        return hmac.new(self._fake_salt_key, data, hashlib.sha256).digest()


def _username(mechanism: str, auth_bytes: bytes) -> str | None:
    """The username a PLAIN message or a SCRAM client-first message names (None: not one)."""
    try:
        if mechanism == "PLAIN":
            return parse_plain(auth_bytes)[1]
        if mechanism in MECHANISMS and auth_bytes[:2] in (b"n,", b"y,"):
            parts = auth_bytes.decode("utf-8", "replace").split(",")
            if len(parts) > 2 and parts[2].startswith("n="):
                return unescape_saslname(parts[2][2:])
    except SaslError:
        return None
    return None
