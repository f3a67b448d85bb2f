"""SASL/SCRAM (RFC 5802, RFC 7677) and SASL/PLAIN (RFC 4616), both ends, sans-IO.

Nothing here reads a clock or draws randomness: nonces and salts come from the caller. The
math (``salted_password`` … ``server_signature``), the credential a broker stores
(``ScramCredential``: salt, iterations, StoredKey and ServerKey, never the password), the
messages of the exchange, and ``ScramClient`` / ``ScramServer``, the two ends as small state
machines. Every malformed message raises ``SaslError`` with a one-line reason; a wrong proof
is a ``SaslError`` too (``ScramServer`` does not say whether the user or the proof was wrong).

Kafka's dialect: the username is a ``saslname`` (``,`` and ``=`` escaped as ``=2C`` and
``=3D``), channel binding is never used (``n,,``), an ``a=`` authorization id must equal the
username, the client-first message may carry extensions after the nonce
(``tokenauth=true`` for delegation tokens, which Samsa does not have: refused), and the nonce
of the client-final message need only end with the server-first message's (what librdkafka
sends is the client's nonce followed by the whole server-first nonce).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

__all__ = [
    "FAKE_ITERATIONS",
    "MAX_ITERATIONS",
    "MAX_MESSAGE_BYTES",
    "MECHANISMS",
    "MIN_ITERATIONS",
    "SaslError",
    "ScramClient",
    "ScramCredential",
    "ScramServer",
    "client_key",
    "credential_from_password",
    "credential_from_salted_password",
    "format_plain",
    "parse_plain",
    "salted_password",
    "server_key",
    "stored_key",
    "verify_password",
]

#: SCRAM mechanism name -> hashlib name.
MECHANISMS: Final = {"SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512"}
#: Kafka's bounds on a credential's iteration count: below 4096 is too cheap to guess against
#: (RFC 7677's minimum), above 16384 makes every login a CPU burden on the broker.
MIN_ITERATIONS: Final = 4096
MAX_ITERATIONS: Final = 16384
#: The iteration count an unknown user is shown (SCRAM) and costs (PLAIN): the one Samsa's
#: admin client and ``samsa user`` give a new credential, so that an unknown user looks and
#: costs like a typical known one.
FAKE_ITERATIONS: Final = 8192
#: Largest SCRAM or PLAIN message either end accepts: usernames and passwords are short, and a
#: message is parsed before anyone is authenticated.
MAX_MESSAGE_BYTES: Final = 8192
#: Shortest nonce accepted from the other end (ours are 24 random bytes, base64).
MIN_NONCE_CHARS: Final = 16


class SaslError(ValueError):
    """A SASL message is malformed, or authentication failed; the text is one line."""


# -- the math ------------------------------------------------------------------------------------


def _hmac(hash_name: str, key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hash_name).digest()


def salted_password(hash_name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
    """Hi(password, salt, i): PBKDF2 with HMAC of ``hash_name``."""
    return hashlib.pbkdf2_hmac(hash_name, password, salt, iterations)


def client_key(hash_name: str, salted: bytes) -> bytes:
    return _hmac(hash_name, salted, b"Client Key")


def stored_key(hash_name: str, salted: bytes) -> bytes:
    return hashlib.new(hash_name, client_key(hash_name, salted)).digest()


def server_key(hash_name: str, salted: bytes) -> bytes:
    return _hmac(hash_name, salted, b"Server Key")


@dataclass(frozen=True, slots=True)
class ScramCredential:
    """What a broker stores for one user and mechanism (RFC 5802's verifier)."""

    mechanism: str
    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes


def _hash_of(mechanism: str) -> str:
    try:
        return MECHANISMS[mechanism]
    except KeyError:
        raise SaslError(f"unknown SCRAM mechanism {mechanism!r}") from None


def credential_from_salted_password(
    mechanism: str, salted: bytes, salt: bytes, iterations: int
) -> ScramCredential:
    """The stored credential for a salted password (what AlterUserScramCredentials sends)."""
    h = _hash_of(mechanism)
    return ScramCredential(
        mechanism, salt, iterations, stored_key(h, salted), server_key(h, salted)
    )


def credential_from_password(
    mechanism: str, password: str, salt: bytes, iterations: int
) -> ScramCredential:
    """The stored credential for a password."""
    h = _hash_of(mechanism)
    salted = salted_password(h, password.encode(), salt, iterations)
    return credential_from_salted_password(mechanism, salted, salt, iterations)


def verify_password(credential: ScramCredential, password: str) -> bool:
    """Whether ``password`` is the one ``credential`` was made from (constant-time compare;
    costs one PBKDF2 of the credential's iterations)."""
    h = _hash_of(credential.mechanism)
    salted = salted_password(h, password.encode(), credential.salt, credential.iterations)
    return hmac.compare_digest(stored_key(h, salted), credential.stored_key)


# -- message pieces ------------------------------------------------------------------------------


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_MESSAGE_BYTES:
        raise SaslError(f"{what} is {len(data)} bytes, more than {MAX_MESSAGE_BYTES}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SaslError(f"{what} is not UTF-8") from None


def _attributes(text: str, what: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in text.split(","):
        if len(part) < 2 or part[1] != "=" or not part[0].isalpha():
            raise SaslError(f"{what}: malformed attribute {part[:32]!r}")
        out.append((part[0], part[2:]))
    return out


def escape_saslname(name: str) -> str:
    return name.replace("=", "=3D").replace(",", "=2C")


def unescape_saslname(name: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == "=":
            code = name[i : i + 3]
            if code == "=2C":
                out.append(",")
            elif code == "=3D":
                out.append("=")
            else:
                raise SaslError("username has a bad escape (only =2C and =3D are allowed)")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SaslError(f"{what} is not base64") from None


def _check_nonce(nonce: str, what: str) -> None:
    if len(nonce) < MIN_NONCE_CHARS:
        raise SaslError(f"{what} is shorter than {MIN_NONCE_CHARS} characters")
    if not all(0x21 <= ord(c) <= 0x7E and c != "," for c in nonce):
        raise SaslError(f"{what} has characters outside printable ASCII")


# -- the client end ------------------------------------------------------------------------------


class ScramClient:
    """One SCRAM exchange, client side: ``first_message()``, ``final_message(server_first)``,
    then ``verify_server_final(server_final)`` (SaslError if the broker does not prove that it
    knows the credential)."""

    def __init__(self, mechanism: str, username: str, password: str, nonce: str) -> None:
        self._hash = _hash_of(mechanism)
        self.mechanism = mechanism
        self._username = username
        self._password = password
        _check_nonce(nonce, "client nonce")
        self._nonce = nonce
        self._bare = f"n={escape_saslname(username)},r={nonce}"
        self._server_signature: bytes | None = None

    def first_message(self) -> bytes:
        return ("n,," + self._bare).encode()

    def final_message(self, server_first: bytes) -> bytes:
        text = _decode(server_first, "server-first message")
        attrs = dict(_attributes(text, "server-first message"))
        if "e" in attrs:
            raise SaslError(f"the broker refused: {attrs['e'][:200]}")
        if "m" in attrs:  # RFC 5802: a client must fail on a mandatory extension
            raise SaslError("server-first message has a mandatory extension (m=)")
        try:
            nonce, salt_b64, iterations_text = attrs["r"], attrs["s"], attrs["i"]
        except KeyError as exc:
            raise SaslError(f"server-first message lacks {exc.args[0]}=") from None
        if not nonce.startswith(self._nonce) or len(nonce) <= len(self._nonce):
            raise SaslError("the broker's nonce does not extend the client's")
        # ASCII digits only (str.isdigit also takes other scripts' digits, which int() may
        # refuse), and no more than the bounds need (int() refuses very long numbers).
        if not (iterations_text.isascii() and iterations_text.isdigit()):
            raise SaslError("server-first message: iteration count is not a number")
        if len(iterations_text) > len(str(MAX_ITERATIONS)):
            raise SaslError(
                f"server-first message: iteration count {iterations_text[:16]}... is out of bounds"
            )
        iterations = int(iterations_text)
        if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise SaslError(f"server-first message: {iterations} iterations is out of bounds")
        salt = _unb64(salt_b64, "salt")
        without_proof = f"c={_b64(b'n,,')},r={nonce}"
        auth_message = f"{self._bare},{text},{without_proof}".encode()
        h = self._hash
        salted = salted_password(h, self._password.encode(), salt, iterations)
        ck = client_key(h, salted)
        signature = _hmac(h, hashlib.new(h, ck).digest(), auth_message)
        proof = bytes(a ^ b for a, b in zip(ck, signature, strict=True))
        self._server_signature = _hmac(h, server_key(h, salted), auth_message)
        return f"{without_proof},p={_b64(proof)}".encode()

    def verify_server_final(self, server_final: bytes) -> None:
        text = _decode(server_final, "server-final message")
        attrs = dict(_attributes(text, "server-final message"))
        if "e" in attrs:
            raise SaslError(f"the broker refused: {attrs['e'][:200]}")
        expected = self._server_signature
        if expected is None or "v" not in attrs:
            raise SaslError("server-final message out of order or without a verifier")
        if not hmac.compare_digest(_unb64(attrs["v"], "server signature"), expected):
            raise SaslError("the broker's signature is wrong (it does not know the credential)")


# -- the server end ------------------------------------------------------------------------------

#: How ``ScramServer`` finds a user's credential: ``lookup(username, mechanism)``.
CredentialLookup = Callable[[str, str], "ScramCredential | None"]


class ScramServer:
    """One SCRAM exchange, broker side. ``step(client_first)`` returns the server-first
    message; ``step(client_final)`` checks the proof and returns the server-final message,
    after which ``username`` is the authenticated user. Any failure raises ``SaslError``.

    An unknown user gets a server-first message like any other (made from ``fake_salt`` and
    ``FAKE_ITERATIONS``), so that the answer does not tell which users exist; the proof then
    fails.
    """

    def __init__(
        self, mechanism: str, lookup: CredentialLookup, nonce: str, fake_salt: bytes
    ) -> None:
        self._hash = _hash_of(mechanism)
        self.mechanism = mechanism
        self._lookup = lookup
        _check_nonce(nonce, "server nonce")
        self._server_nonce = nonce
        self._fake_salt = fake_salt
        self._state = "first"
        self._credential: ScramCredential | None = None
        self._user = ""
        self._bare = ""
        self._server_first = ""
        self._nonce = ""
        self._client_nonce = ""
        self.username: str | None = None
        """The authenticated user, once the exchange succeeded."""

    @property
    def complete(self) -> bool:
        return self.username is not None

    def step(self, message: bytes) -> bytes:
        if self._state == "first":
            self._state = "final"
            return self._first(message)
        if self._state == "final":
            self._state = "done"
            return self._final(message)
        raise SaslError("the SCRAM exchange is over")

    def _first(self, message: bytes) -> bytes:
        text = _decode(message, "client-first message")
        gs2, sep, rest = text.partition(",")
        authzid, sep2, bare = rest.partition(",")
        if not sep or not sep2:
            raise SaslError("client-first message has no GS2 header")
        if gs2 != "n":
            raise SaslError("channel binding is not supported (the GS2 header must be 'n')")
        parts = bare.split(",")
        attrs = _attributes(",".join(parts[:2]), "client-first message")
        if len(attrs) < 2 or attrs[0][0] != "n" or attrs[1][0] != "r":
            raise SaslError("client-first message must start with n= and r=")
        user = unescape_saslname(attrs[0][1])
        if not user:
            raise SaslError("client-first message names no user")
        if authzid and authzid != f"a={escape_saslname(user)}":
            raise SaslError("the authorization id differs from the username")
        for part in parts[2:]:  # Kafka's SASL extensions, key=value
            if part.startswith("m="):
                raise SaslError("mandatory SCRAM extensions are not supported")
            if part.startswith("tokenauth="):
                raise SaslError("delegation tokens are not supported")
        client_nonce = attrs[1][1]
        _check_nonce(client_nonce, "client nonce")
        self._user = user
        self._bare = bare
        self._client_nonce = client_nonce
        self._nonce = client_nonce + self._server_nonce
        credential = self._lookup(user, self.mechanism)
        self._credential = credential
        if credential is None:
            salt, iterations = self._fake_salt, FAKE_ITERATIONS
        else:
            salt, iterations = credential.salt, credential.iterations
        self._server_first = f"r={self._nonce},s={_b64(salt)},i={iterations}"
        return self._server_first.encode()

    def _final(self, message: bytes) -> bytes:
        text = _decode(message, "client-final message")
        without_proof, sep, proof_part = text.rpartition(",p=")
        if not sep:
            raise SaslError("client-final message has no proof")
        attrs = dict(_attributes(without_proof, "client-final message"))
        channel = attrs.get("c")
        if channel is None or _unb64(channel, "channel binding") not in (
            b"n,,",
            f"n,a={escape_saslname(self._user)},".encode(),
        ):
            raise SaslError("client-final message: channel binding does not match")
        # librdkafka up to 2.x puts its own nonce before the combined one it was sent
        # (``r=<client nonce><client nonce><server nonce>``); Kafka accepts that (its check is
        # "ends with the combined nonce"), so this accepts exactly that form too.
        if attrs.get("r") not in (self._nonce, self._client_nonce + self._nonce):
            raise SaslError("client-final message: the nonce does not match")
        proof = _unb64(proof_part, "proof")
        credential = self._credential
        h = self._hash
        auth_message = f"{self._bare},{self._server_first},{without_proof}".encode()
        if credential is None:
            raise SaslError("authentication failed")
        signature = _hmac(h, credential.stored_key, auth_message)
        if len(proof) != len(signature):
            raise SaslError("authentication failed")
        ck = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
        if not hmac.compare_digest(hashlib.new(h, ck).digest(), credential.stored_key):
            raise SaslError("authentication failed")
        self.username = self._user
        return f"v={_b64(_hmac(h, credential.server_key, auth_message))}".encode()


# -- PLAIN ---------------------------------------------------------------------------------------


def parse_plain(message: bytes) -> tuple[str, str, str]:
    """``authzid NUL authcid NUL passwd`` as ``(authzid, username, password)``."""
    text = _decode(message, "PLAIN message")
    parts = text.split("\x00")
    if len(parts) != 3:
        raise SaslError("PLAIN message is not authzid NUL username NUL password")
    authzid, username, password = parts
    if not username or not password:
        raise SaslError("PLAIN message has an empty username or password")
    if authzid and authzid != username:
        raise SaslError("the authorization id differs from the username")
    return authzid, username, password


def format_plain(username: str, password: str) -> bytes:
    return f"\x00{username}\x00{password}".encode()
