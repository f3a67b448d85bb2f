"""One connection's SASL authentication, broker side: pure (no IO, no clock, no randomness).

The connection's driver feeds SaslHandshake's mechanism to ``handshake`` and each
SaslAuthenticate's bytes to ``authenticate``, passing the randomness in (the SCRAM server
nonce and the salt shown for unknown users). PLAIN takes one step; SCRAM-SHA-256/512 two
(client-first -> server-first, client-final -> server-final). After success ``principal`` is
``User:<name>``; after any failure every further call fails. Error texts are one line and never
tell whether the user exists: an unknown user and a wrong password read the same.

PLAIN's password check is PBKDF2 (milliseconds of work), so it is not done here: its
``authenticate`` step carries a ``PasswordCheck`` (the user's credential, or for an unknown
user a fake one of the same cost, and the password) for the driver to run off its event loop,
and ``finish_password_check(ok)`` then completes the exchange. SCRAM's steps are HMACs, cheap,
and are done here.

A KIP-368 re-authentication is a new ``SaslAuthenticator`` made with ``reauthenticating_as``
(the connection's principal) and ``reauthenticating_with`` (its mechanism): succeeding as
anyone else fails, and so does a handshake for another mechanism (UNSUPPORTED_SASL_MECHANISM).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from protocol.errors import ErrorCode
from protocol.scram import (
    FAKE_ITERATIONS,
    MAX_MESSAGE_BYTES,
    SaslError,
    ScramCredential,
    ScramServer,
    parse_plain,
)

__all__ = [
    "INVALID_CREDENTIALS",
    "PLAIN",
    "SUPPORTED_MECHANISMS",
    "CredentialLookup",
    "PasswordCheck",
    "SaslAuthenticator",
    "SaslStep",
]

PLAIN: Final = "PLAIN"
SCRAM_SHA_256: Final = "SCRAM-SHA-256"
SCRAM_SHA_512: Final = "SCRAM-SHA-512"
#: The mechanisms Samsa implements; ``sasl.enabled.mechanisms`` picks among them.
SUPPORTED_MECHANISMS: Final = (PLAIN, SCRAM_SHA_256, SCRAM_SHA_512)
#: PLAIN checks the password against the first of these credentials the user has.
_PLAIN_CREDENTIALS: Final = (SCRAM_SHA_512, SCRAM_SHA_256)

#: The one text for an unknown user and a wrong password, whatever the mechanism.
INVALID_CREDENTIALS: Final = "invalid username or password"
#: Longest error text handed back to the client: reasons quote at most a few dozen characters
#: of what the client sent; the cap keeps any text a single short line.
_MAX_ERROR_CHARS: Final = 300

#: ``lookup(user, mechanism)``: the user's stored credential for the SCRAM mechanism, if any.
CredentialLookup = Callable[[str, str], ScramCredential | None]


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """A PLAIN password to check: ``protocol.scram.verify_password(credential, password)``,
    whose answer goes to ``SaslAuthenticator.finish_password_check``."""

    credential: ScramCredential = field(repr=False)
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SaslStep:
    """What to answer one SaslAuthenticate with.

    ``response``: the auth bytes to send; ``done``: authentication succeeded (``principal`` is
    set); ``error``: it failed (one line, for the response's error message), and then the
    driver closes the connection after ``connection.failed.authentication.delay.ms``.
    ``error_code`` is the response's error code: SASL_AUTHENTICATION_FAILED, or
    ILLEGAL_SASL_STATE when the request came out of order. ``password_check``: nothing is
    answered yet; the driver checks the password and calls ``finish_password_check``.
    """

    response: bytes
    done: bool
    principal: str | None
    error: str | None
    error_code: ErrorCode = ErrorCode.NONE
    password_check: PasswordCheck | None = None


class _State(enum.Enum):
    HANDSHAKE = "expects SaslHandshake"
    AUTHENTICATE = "expects SaslAuthenticate"
    SCRAM_FINAL = "expects the SCRAM client-final message"
    PASSWORD_CHECK = "expects the PLAIN password check's answer"
    AUTHENTICATED = "authenticated"
    FAILED = "failed"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_ERROR_CHARS else line[: _MAX_ERROR_CHARS - 3] + "..."


class SaslAuthenticator:
    """One connection's SASL state (see the module's docstring).

    ``enabled``: the listener's mechanisms; ``lookup``: the credential store (the metadata
    image's SCRAM credentials); ``reauthenticating_as``: the principal a re-authentication
    must keep, and ``reauthenticating_with`` the mechanism it must use; None for a connection's
    first authentication.
    """

    def __init__(
        self,
        enabled: tuple[str, ...],
        lookup: CredentialLookup,
        reauthenticating_as: str | None = None,
        reauthenticating_with: str | None = None,
    ) -> None:
        self._enabled = tuple(
            m for m in enabled if m in SUPPORTED_MECHANISMS and reauthenticating_with in (None, m)
        )
        self._lookup = lookup
        self._reauthenticating_as = reauthenticating_as
        self._state = _State.HANDSHAKE
        self._mechanism: str | None = None
        self._scram: ScramServer | None = None
        self._principal: str | None = None
        self._plain_user: str | None = None  # PLAIN's known user while its check runs

    @property
    def mechanism(self) -> str | None:
        """The mechanism SaslHandshake chose, once it did."""
        return self._mechanism

    @property
    def principal(self) -> str | None:
        """``User:<name>`` once authenticated, else None."""
        return self._principal

    @property
    def complete(self) -> bool:
        return self._state is _State.AUTHENTICATED

    @property
    def failed(self) -> bool:
        return self._state is _State.FAILED

    def handshake(self, mechanism: str) -> ErrorCode:
        """SaslHandshake: NONE, UNSUPPORTED_SASL_MECHANISM (not enabled on this listener, or
        not the mechanism being re-authenticated; the authenticator has then failed, as Kafka
        closes the connection), or
        ILLEGAL_SASL_STATE (a handshake was already made, or authentication failed)."""
        if self._state is not _State.HANDSHAKE:
            return ErrorCode.ILLEGAL_SASL_STATE
        if mechanism not in self._enabled:
            self._state = _State.FAILED
            return ErrorCode.UNSUPPORTED_SASL_MECHANISM
        self._mechanism = mechanism
        self._state = _State.AUTHENTICATE
        return ErrorCode.NONE

    def authenticate(self, auth_bytes: bytes, nonce: str, fake_salt: bytes) -> SaslStep:
        """SaslAuthenticate. ``nonce`` (printable ASCII without ``,``, at least 16
        characters: a ValueError otherwise) is the broker's half of the SCRAM nonce and
        ``fake_salt`` the salt an unknown user is shown; both are used by SCRAM's first step
        only (PLAIN uses ``fake_salt`` to spend the same work on an unknown user)."""
        state = self._state
        if state is _State.HANDSHAKE or state is _State.AUTHENTICATED:
            what = "before SaslHandshake" if state is _State.HANDSHAKE else "after success"
            return self._fail(f"unexpected SaslAuthenticate {what}", ErrorCode.ILLEGAL_SASL_STATE)
        if state is _State.FAILED:
            return self._fail("authentication already failed", ErrorCode.ILLEGAL_SASL_STATE)
        if state is _State.PASSWORD_CHECK:
            return self._fail(
                "SaslAuthenticate while the password is checked", ErrorCode.ILLEGAL_SASL_STATE
            )
        if len(auth_bytes) > MAX_MESSAGE_BYTES:
            return self._fail(
                f"SASL message is {len(auth_bytes)} bytes, more than {MAX_MESSAGE_BYTES}"
            )
        mechanism = self._mechanism
        assert mechanism is not None  # set with the AUTHENTICATE state
        if mechanism == PLAIN:
            return self._plain(auth_bytes, fake_salt)
        if state is _State.AUTHENTICATE:
            self._scram = ScramServer(mechanism, self._lookup, nonce, fake_salt)
        scram = self._scram
        assert scram is not None  # made in the AUTHENTICATE state
        try:
            response = scram.step(auth_bytes)
        except SaslError as exc:
            text = str(exc)
            return self._fail(INVALID_CREDENTIALS if text == "authentication failed" else text)
        if state is _State.AUTHENTICATE:
            self._state = _State.SCRAM_FINAL
            return SaslStep(response, False, None, None)
        assert scram.username is not None  # step() raised otherwise
        return self._succeed(scram.username, response)

    def _plain(self, auth_bytes: bytes, fake_salt: bytes) -> SaslStep:
        try:
            _, user, password = parse_plain(auth_bytes)
        except SaslError as exc:
            return self._fail(str(exc))
        credential = None
        for mechanism in _PLAIN_CREDENTIALS:
            credential = self._lookup(user, mechanism)
            if credential is not None:
                break
        self._state = _State.PASSWORD_CHECK
        if credential is None:
            # The same PBKDF2 work as for a typical known user (a SCRAM-SHA-512 credential
            # of the default iteration count), so that timing does not tell.
            self._plain_user = None
            credential = ScramCredential(SCRAM_SHA_512, fake_salt, FAKE_ITERATIONS, b"", b"")
        else:
            self._plain_user = user
        return SaslStep(b"", False, None, None, password_check=PasswordCheck(credential, password))

    def finish_password_check(self, ok: bool) -> SaslStep:
        """Complete a PLAIN exchange with the answer of its step's ``PasswordCheck``: whether
        the password matched (an unknown user fails whatever the answer)."""
        if self._state is not _State.PASSWORD_CHECK:
            return self._fail("no password check in progress", ErrorCode.ILLEGAL_SASL_STATE)
        user = self._plain_user
        self._plain_user = None
        if user is None or not ok:
            return self._fail(INVALID_CREDENTIALS)
        return self._succeed(user, b"")

    def _succeed(self, user: str, response: bytes) -> SaslStep:
        principal = f"User:{user}"
        expected = self._reauthenticating_as
        if expected is not None and principal != expected:
            return self._fail("re-authentication must keep the principal")
        self._state = _State.AUTHENTICATED
        self._principal = principal
        return SaslStep(response, True, principal, None)

    def _fail(
        self, reason: str, code: ErrorCode = ErrorCode.SASL_AUTHENTICATION_FAILED
    ) -> SaslStep:
        if self._state is not _State.AUTHENTICATED:
            self._state = _State.FAILED
        return SaslStep(b"", False, None, _one_line(reason), code)
