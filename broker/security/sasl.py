"""One connection's SASL exchange (PLAIN, SCRAM-SHA-256/512), sans-IO.

Stand-in with the shared interface's names; the full module replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from protocol.errors import ErrorCode
from protocol.scram import (
    MECHANISMS,
    SaslError,
    ScramCredential,
    ScramServer,
    parse_plain,
    verify_password,
)

__all__ = ["CredentialLookup", "SaslAuthenticator", "SaslStep"]

CredentialLookup = Callable[[str, str], ScramCredential | None]


@dataclass(frozen=True, slots=True)
class SaslStep:
    response: bytes
    done: bool
    principal: str | None
    error: str | None


class SaslAuthenticator:  # stand-in
    def __init__(self, enabled: tuple[str, ...], lookup: CredentialLookup) -> None:
        self._enabled = enabled
        self._lookup = lookup
        self._mechanism: str | None = None
        self._scram: ScramServer | None = None
        self._over = False

    def handshake(self, mechanism: str) -> ErrorCode:
        if self._mechanism is not None:
            return ErrorCode.ILLEGAL_SASL_STATE
        if mechanism not in self._enabled:
            return ErrorCode.UNSUPPORTED_SASL_MECHANISM
        self._mechanism = mechanism
        return ErrorCode.NONE

    def authenticate(self, auth_bytes: bytes, nonce: str, fake_salt: bytes) -> SaslStep:
        mechanism = self._mechanism
        if mechanism is None or self._over:
            return SaslStep(b"", True, None, "no SASL exchange in progress")
        try:
            if mechanism == "PLAIN":
                self._over = True
                _, user, password = parse_plain(auth_bytes)
                for mech in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
                    credential = self._lookup(user, mech)
                    if credential is not None:
                        if verify_password(credential, password):
                            return SaslStep(b"", True, "User:" + user, None)
                        break
                return SaslStep(b"", True, None, "invalid username or password")
            if mechanism in MECHANISMS:
                if self._scram is None:
                    self._scram = ScramServer(mechanism, self._lookup, nonce, fake_salt)
                response = self._scram.step(auth_bytes)
                name = self._scram.username
                if name is None:
                    return SaslStep(response, False, None, None)
                self._over = True
                return SaslStep(response, True, "User:" + name, None)
        except SaslError as exc:
            self._over = True
            return SaslStep(b"", True, None, str(exc))
        return SaslStep(b"", True, None, f"unsupported mechanism {mechanism}")
