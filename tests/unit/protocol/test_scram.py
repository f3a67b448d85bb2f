"""SASL/SCRAM and PLAIN messages (protocol/scram.py): RFC 7677's SCRAM-SHA-256 test vector from
both ends, username escaping, and every way a message can be malformed or an exchange wrong."""

from __future__ import annotations

import base64
import hmac

import pytest

from protocol.scram import (
    FAKE_ITERATIONS,
    MAX_ITERATIONS,
    MAX_MESSAGE_BYTES,
    MIN_ITERATIONS,
    SaslError,
    ScramClient,
    ScramCredential,
    ScramServer,
    client_key,
    credential_from_password,
    escape_saslname,
    format_plain,
    parse_plain,
    salted_password,
    server_key,
    stored_key,
    unescape_saslname,
    verify_password,
)

pytestmark = pytest.mark.timeout(30)

# RFC 7677, section 3: user "user", password "pencil".
RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO"
RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
RFC_SALT = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
RFC_CLIENT_FIRST = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
RFC_SERVER_FIRST = (
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
)
RFC_CLIENT_FINAL = (
    b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
)
RFC_SERVER_FINAL = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

SHA256 = "SCRAM-SHA-256"
NONCE = "A" * 24
SERVER_NONCE = "B" * 24
FAKE_SALT = b"\x01" * 32


def rfc_credential() -> ScramCredential:
    return credential_from_password(SHA256, "pencil", RFC_SALT, 4096)


def lookup_of(**users: str) -> object:
    credentials = {
        name: credential_from_password(SHA256, password, b"salt-" + name.encode(), 4096)
        for name, password in users.items()
    }
    return lambda user, mechanism: credentials.get(user) if mechanism == SHA256 else None


def server(**users: str) -> ScramServer:
    return ScramServer(SHA256, lookup_of(**users), SERVER_NONCE, FAKE_SALT)  # type: ignore[arg-type]


# -- RFC 7677's test vector ----------------------------------------------------------------------


def test_rfc7677_client_end() -> None:
    client = ScramClient(SHA256, "user", "pencil", RFC_CLIENT_NONCE)
    assert client.first_message() == RFC_CLIENT_FIRST
    assert client.final_message(RFC_SERVER_FIRST) == RFC_CLIENT_FINAL
    client.verify_server_final(RFC_SERVER_FINAL)


def test_rfc7677_server_end() -> None:
    credential = rfc_credential()
    seen: list[tuple[str, str]] = []

    def lookup(user: str, mechanism: str) -> ScramCredential | None:
        seen.append((user, mechanism))
        return credential if user == "user" else None

    scram = ScramServer(SHA256, lookup, RFC_SERVER_NONCE, FAKE_SALT)
    assert scram.step(RFC_CLIENT_FIRST) == RFC_SERVER_FIRST
    assert not scram.complete
    assert scram.step(RFC_CLIENT_FINAL) == RFC_SERVER_FINAL
    assert scram.complete and scram.username == "user"
    assert seen == [("user", SHA256)]
    with pytest.raises(SaslError, match="over"):
        scram.step(RFC_CLIENT_FINAL)


def test_the_client_refuses_a_server_that_does_not_know_the_credential() -> None:
    client = ScramClient(SHA256, "user", "pencil", RFC_CLIENT_NONCE)
    client.final_message(RFC_SERVER_FIRST)
    forged = b"v=" + base64.b64encode(b"\x00" * 32)
    with pytest.raises(SaslError, match="signature is wrong"):
        client.verify_server_final(forged)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_both_ends_agree(mechanism: str) -> None:
    credential = credential_from_password(mechanism, "s3cret", b"salty", 4096)
    scram = ScramServer(mechanism, lambda u, m: credential, SERVER_NONCE, FAKE_SALT)
    client = ScramClient(mechanism, "alice", "s3cret", NONCE)
    client.verify_server_final(scram.step(client.final_message(scram.step(client.first_message()))))
    assert scram.username == "alice"
    assert verify_password(credential, "s3cret")
    assert not verify_password(credential, "s3cret!")


# -- escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "escaped"),
    [("alice", "alice"), ("a,b", "a=2Cb"), ("a=b", "a=3Db"), ("=,=", "=3D=2C=3D"), ("", "")],
)
def test_saslname_escaping_round_trips(name: str, escaped: str) -> None:
    assert escape_saslname(name) == escaped
    assert unescape_saslname(escaped) == name


@pytest.mark.parametrize("bad", ["a=", "a=2", "a=2c", "a=3d", "=41", "a=2D"])
def test_bad_saslname_escapes_are_refused(bad: str) -> None:
    with pytest.raises(SaslError, match="bad escape"):
        unescape_saslname(bad)


def test_an_escaped_username_logs_in_as_itself() -> None:
    credential = credential_from_password(SHA256, "pw", b"salt", 4096)
    users = {"we,ird=name": credential}
    scram = ScramServer(SHA256, lambda u, m: users.get(u), SERVER_NONCE, FAKE_SALT)
    client = ScramClient(SHA256, "we,ird=name", "pw", NONCE)
    assert client.first_message() == b"n,,n=we=2Cird=3Dname,r=" + NONCE.encode()
    client.verify_server_final(scram.step(client.final_message(scram.step(client.first_message()))))
    assert scram.username == "we,ird=name"


# -- the server end: client-first ----------------------------------------------------------------

_R = "r=" + NONCE


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"n,,n=u," + _R.encode() + b"x" * MAX_MESSAGE_BYTES, "more than"),
        (b"n=user," + _R.encode(), "no GS2 header"),
        (b"", "no GS2 header"),
        (b"y,,n=user," + _R.encode(), "channel binding"),
        (b"p=tls-unique,,n=user," + _R.encode(), "channel binding"),
        (b"n,,n=user", "must start with n= and r="),
        (b"n,," + _R.encode() + b",n=user", "must start with n= and r="),
        (b"n,,n=user,s=" + NONCE.encode(), "must start with n= and r="),
        (b"n,,user," + _R.encode(), "malformed attribute"),
        (b"n,,n=user,," + _R.encode(), "malformed attribute"),
        (b"n,,1=user," + _R.encode(), "malformed attribute"),
        (b"n,,n=," + _R.encode(), "names no user"),
        (b"n,,n=us=er," + _R.encode(), "bad escape"),
        (b"n,a=mallory,n=user," + _R.encode(), "authorization id"),
        (b"n,,n=user," + _R.encode() + b",m=ext", "mandatory"),
        (b"n,,n=user," + _R.encode() + b",tokenauth=true", "delegation tokens"),
        (b"n,,n=user,r=short", "shorter than"),
        (b"n,,n=user,r=", "shorter than"),
        (b"n,,n=user,r=" + b"\x01" * 20, "printable"),
        (b"n,,n=user,r=" + b" " * 20, "printable"),
        (b"n,,n=user,r=" + "é".encode() * 20, "printable"),
        (b"n,,n=user,r=" + b"\x7f" * 20, "printable"),
    ],
)
def test_malformed_client_first_messages_are_refused(message: bytes, reason: str) -> None:
    with pytest.raises(SaslError, match=reason):
        server(user="pw").step(message)


def test_a_matching_authorization_id_and_unknown_extensions_are_accepted() -> None:
    scram = server(user="pw")
    first = scram.step(b"n,a=user,n=user," + _R.encode() + b",ext=1")
    assert first.startswith(_R.encode() + SERVER_NONCE.encode() + b",s=")


def test_an_unknown_user_gets_the_fake_salt_and_the_usual_iterations() -> None:
    first = server(user="pw").step(b"n,,n=nobody," + _R.encode()).decode()
    attrs = dict(part.split("=", 1) for part in first.split(","))
    assert base64.b64decode(attrs["s"]) == FAKE_SALT
    assert int(attrs["i"]) == FAKE_ITERATIONS


# -- the server end: client-final ----------------------------------------------------------------


def _final_of(user: str, password: str, scram: ScramServer) -> bytes:
    client = ScramClient(SHA256, user, password, NONCE)
    return client.final_message(scram.step(client.first_message()))


def _replace(message: bytes, attr: str, value: str) -> bytes:
    parts = message.decode().split(",")
    return ",".join(f"{attr}={value}" if p.startswith(attr + "=") else p for p in parts).encode()


FULL_NONCE = NONCE + SERVER_NONCE


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda m: m.rpartition(b",p=")[0], "no proof"),
        (lambda m: b"\xff" + m, "not UTF-8"),
        (lambda m: m + b"A" * MAX_MESSAGE_BYTES, "more than"),
        (lambda m: b"junk," + m, "malformed attribute"),
        (lambda m: _replace(m, "c", base64.b64encode(b"y,,").decode()), "channel binding"),
        (lambda m: _replace(m, "c", base64.b64encode(b"p=tls-unique,,").decode()), "binding"),
        (lambda m: _replace(m, "c", "!!"), "not base64"),
        (lambda m: m[m.index(b",") + 1 :], "channel binding"),  # no c= at all
        (lambda m: _replace(m, "r", NONCE), "nonce does not match"),
        (lambda m: _replace(m, "r", FULL_NONCE + "x"), "nonce does not match"),
        (lambda m: _replace(m, "r", "Z" * 48), "nonce does not match"),
        (lambda m: _replace(m, "r", FULL_NONCE[1:]), "nonce does not match"),
        (lambda m: _replace(m, "r", SERVER_NONCE), "nonce does not match"),
        (lambda m: _replace(m, "p", "***"), "not base64"),
        (lambda m: _replace(m, "p", base64.b64encode(b"\x00" * 31).decode()), "failed"),
        (lambda m: _replace(m, "p", base64.b64encode(b"\x00" * 32).decode()), "failed"),
        (lambda m: _replace(m, "p", ""), "failed"),
    ],
)
def test_malformed_or_wrong_client_final_messages_are_refused(mutate: object, reason: str) -> None:
    scram = server(user="pw")
    final = _final_of("user", "pw", scram)
    with pytest.raises(SaslError, match=reason):
        scram.step(mutate(final))  # type: ignore[operator]
    assert not scram.complete
    with pytest.raises(SaslError, match="over"):
        scram.step(final)  # one failure ends the exchange


def test_a_nonce_ending_with_the_servers_is_accepted_as_kafka_does() -> None:
    """librdkafka's client-final nonce: its own nonce, then the whole server-first nonce."""
    credential = credential_from_password(SHA256, "pw", b"salt", 4096)
    scram = ScramServer(SHA256, lambda u, m: credential, SERVER_NONCE, FAKE_SALT)
    client_first = b"n,,n=user," + _R.encode()
    server_first = scram.step(client_first)
    without_proof = f"c=biws,r={NONCE}{FULL_NONCE}"
    auth_message = b"n=user," + _R.encode() + b"," + server_first + b"," + without_proof.encode()
    salted = salted_password("sha256", b"pw", b"salt", 4096)
    key = client_key("sha256", salted)
    signature = hmac.new(stored_key("sha256", salted), auth_message, "sha256").digest()
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(key, signature, strict=True)))
    server_final = scram.step(without_proof.encode() + b",p=" + proof)
    assert scram.username == "user"
    expected = hmac.new(server_key("sha256", salted), auth_message, "sha256").digest()
    assert server_final == b"v=" + base64.b64encode(expected)


def test_a_wrong_password_and_an_unknown_user_fail_alike() -> None:
    wrong = server(user="pw")
    with pytest.raises(SaslError) as wrong_password:
        wrong.step(_final_of("user", "not-pw", wrong))
    unknown = server(user="pw")
    with pytest.raises(SaslError) as unknown_user:
        unknown.step(_final_of("nobody", "pw", unknown))
    assert str(wrong_password.value) == str(unknown_user.value) == "authentication failed"


def test_a_final_message_from_another_exchange_is_refused() -> None:
    """A captured client-final message replayed on a new exchange (another server nonce)."""
    first = server(user="pw")
    captured = _final_of("user", "pw", first)
    assert first.step(captured).startswith(b"v=")
    replay = ScramServer(SHA256, lookup_of(user="pw"), "C" * 24, FAKE_SALT)  # type: ignore[arg-type]
    replay.step(ScramClient(SHA256, "user", "pw", NONCE).first_message())
    with pytest.raises(SaslError, match="nonce does not match"):
        replay.step(captured)


def test_the_authorization_id_may_appear_in_the_channel_binding() -> None:
    scram = server(user="pw")
    scram.step(b"n,a=user,n=user," + _R.encode())
    binding = base64.b64encode(b"n,a=user,").decode()
    proof = base64.b64encode(b"\x00" * 32).decode()
    final = f"c={binding},r={FULL_NONCE},p={proof}".encode()
    with pytest.raises(SaslError, match="authentication failed"):  # got past the binding
        scram.step(final)


# -- the client end ------------------------------------------------------------------------------


def _client() -> ScramClient:
    return ScramClient(SHA256, "user", "pencil", RFC_CLIENT_NONCE)


_SALT = "s=W22ZaJ0SNY7soEsUEjb6gQ=="
_SERVER_R = "r=" + RFC_CLIENT_NONCE + RFC_SERVER_NONCE


@pytest.mark.parametrize(
    ("server_first", "reason"),
    [
        ("e=other-error", "refused: other-error"),
        (f"m=ext,{_SERVER_R},{_SALT},i=4096", "mandatory extension"),
        (f"{_SALT},i=4096", "lacks r="),
        (f"{_SERVER_R},i=4096", "lacks s="),
        (f"{_SERVER_R},{_SALT}", "lacks i="),
        (f"r=xyz{RFC_SERVER_NONCE},{_SALT},i=4096", "does not extend"),
        (f"r={RFC_CLIENT_NONCE},{_SALT},i=4096", "does not extend"),
        (f"{_SERVER_R},{_SALT},i=4k", "not a number"),
        (f"{_SERVER_R},{_SALT},i=-4096", "not a number"),
        (f"{_SERVER_R},{_SALT},i=\u0664\u0660\u0669\u0666", "not a number"),  # Arabic digits
        (f"{_SERVER_R},{_SALT},i=²", "not a number"),
        (f"{_SERVER_R},{_SALT},i={'9' * 5000}", "out of bounds"),
        (f"{_SERVER_R},{_SALT},i={MIN_ITERATIONS - 1}", "out of bounds"),
        (f"{_SERVER_R},{_SALT},i={MAX_ITERATIONS + 1}", "out of bounds"),
        (f"{_SERVER_R},s=***,i=4096", "not base64"),
        (f"{_SERVER_R},s=ü,i=4096", "not base64"),
        ("garbage", "malformed attribute"),
    ],
)
def test_the_client_refuses_bad_server_first_messages(server_first: str, reason: str) -> None:
    with pytest.raises(SaslError, match=reason):
        _client().final_message(server_first.encode())


def test_the_client_refuses_non_utf8_and_oversized_server_messages() -> None:
    with pytest.raises(SaslError, match="not UTF-8"):
        _client().final_message(b"\xff")
    with pytest.raises(SaslError, match="more than"):
        _client().final_message(b"r=" + b"x" * MAX_MESSAGE_BYTES)


@pytest.mark.parametrize(
    ("server_final", "reason"),
    [
        (b"e=invalid-proof", "refused: invalid-proof"),
        (b"x=1", "without a verifier"),
        (b"v=***", "not base64"),
        (b"", "malformed attribute"),
    ],
)
def test_the_client_refuses_bad_server_final_messages(server_final: bytes, reason: str) -> None:
    client = _client()
    client.final_message(RFC_SERVER_FIRST)
    with pytest.raises(SaslError, match=reason):
        client.verify_server_final(server_final)


def test_a_server_final_message_before_the_exchange_is_refused() -> None:
    with pytest.raises(SaslError, match="out of order"):
        _client().verify_server_final(RFC_SERVER_FINAL)


@pytest.mark.parametrize("nonce", ["short", "x" * 15, "a,b" * 8, " " * 16, "\x00" * 16])
def test_bad_nonces_are_refused_at_either_end(nonce: str) -> None:
    with pytest.raises(SaslError):
        ScramClient(SHA256, "user", "pw", nonce)
    with pytest.raises(SaslError):
        ScramServer(SHA256, lambda u, m: None, nonce, FAKE_SALT)


def test_unknown_mechanisms_are_refused() -> None:
    for mechanism in ("SCRAM-SHA-1", "PLAIN", "scram-sha-256"):
        with pytest.raises(SaslError, match="unknown SCRAM mechanism"):
            ScramClient(mechanism, "user", "pw", NONCE)
        with pytest.raises(SaslError, match="unknown SCRAM mechanism"):
            credential_from_password(mechanism, "pw", b"salt", 4096)


# -- PLAIN ---------------------------------------------------------------------------------------


def test_plain_round_trips() -> None:
    assert parse_plain(format_plain("alice", "pw")) == ("", "alice", "pw")
    assert parse_plain(b"alice\x00alice\x00p\xc3\xa9") == ("alice", "alice", "pé")


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (b"alicepw", "not authzid NUL username NUL password"),
        (b"alice\x00pw", "not authzid NUL username NUL password"),
        (b"\x00alice\x00pw\x00extra", "not authzid NUL username NUL password"),
        (b"\x00\x00\x00\x00", "not authzid NUL username NUL password"),
        (b"", "not authzid NUL username NUL password"),
        (b"\x00\x00pw", "empty username or password"),
        (b"\x00alice\x00", "empty username or password"),
        (b"mallory\x00alice\x00pw", "authorization id"),
        (b"\x00alice\x00\xff", "not UTF-8"),
        (b"\x00alice\x00" + b"p" * MAX_MESSAGE_BYTES, "more than"),
    ],
)
def test_malformed_plain_messages_are_refused(message: bytes, reason: str) -> None:
    with pytest.raises(SaslError, match=reason):
        parse_plain(message)
