"""One connection's SASL state (broker/security/sasl.py): handshake, PLAIN, SCRAM-SHA-256/512,
every failure, and KIP-368 re-authentication keeping the principal."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import pytest

from broker.security.sasl import INVALID_CREDENTIALS, PasswordCheck, SaslAuthenticator, SaslStep
from protocol.errors import ErrorCode
from protocol.scram import (
    FAKE_ITERATIONS,
    MAX_MESSAGE_BYTES,
    ScramClient,
    ScramCredential,
    client_key,
    credential_from_password,
    format_plain,
    salted_password,
    stored_key,
    verify_password,
)

pytestmark = pytest.mark.timeout(60)

ALL = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
SERVER_NONCE = "S" * 24
OTHER_SERVER_NONCE = "T" * 24
CLIENT_NONCE = "c" * 24
FAKE_SALT = b"fake-salt-16byte"

CREDENTIALS: dict[tuple[str, str], ScramCredential] = {
    ("alice", "SCRAM-SHA-256"): credential_from_password("SCRAM-SHA-256", "a256", b"salt-a", 4096),
    ("alice", "SCRAM-SHA-512"): credential_from_password("SCRAM-SHA-512", "a512", b"salt-b", 4096),
    ("bob", "SCRAM-SHA-256"): credential_from_password("SCRAM-SHA-256", "b256", b"salt-c", 4096),
    ("a,b=c", "SCRAM-SHA-256"): credential_from_password("SCRAM-SHA-256", "odd", b"salt-d", 4096),
}


def lookup(user: str, mechanism: str) -> ScramCredential | None:
    return CREDENTIALS.get((user, mechanism))


def authenticator(
    mechanism: str, enabled: tuple[str, ...] = ALL, reauthenticating_as: str | None = None
) -> SaslAuthenticator:
    auth = SaslAuthenticator(enabled, lookup, reauthenticating_as)
    assert auth.handshake(mechanism) is ErrorCode.NONE
    assert auth.mechanism == mechanism
    return auth


def step(auth: SaslAuthenticator, data: bytes, nonce: str = SERVER_NONCE) -> SaslStep:
    """One SaslAuthenticate, with PLAIN's password check run as the driver runs it."""
    result = auth.authenticate(data, nonce, FAKE_SALT)
    check = result.password_check
    if check is None:
        return result
    return auth.finish_password_check(verify_password(check.credential, check.password))


def assert_failed(result: SaslStep, text: str, code: ErrorCode) -> None:
    assert result.error is not None, result
    assert text in result.error
    assert "\n" not in result.error
    assert result.error_code is code
    assert not result.done
    assert result.principal is None
    assert result.response == b""


def assert_dead(auth: SaslAuthenticator) -> None:
    """After a failure every further call fails."""
    assert auth.failed
    assert auth.principal is None
    assert auth.handshake("PLAIN") is ErrorCode.ILLEGAL_SASL_STATE
    assert_failed(
        step(auth, format_plain("alice", "a512")), "already failed", ErrorCode.ILLEGAL_SASL_STATE
    )


def scram_login(
    auth: SaslAuthenticator, user: str, password: str, mechanism: str
) -> tuple[SaslStep, SaslStep, ScramClient]:
    client = ScramClient(mechanism, user, password, CLIENT_NONCE)
    first = step(auth, client.first_message())
    assert first.error is None, first
    final = step(auth, client.final_message(first.response))
    return first, final, client


# -- handshake --------------------------------------------------------------------------------


def test_handshake_picks_an_enabled_mechanism() -> None:
    auth = SaslAuthenticator(("SCRAM-SHA-512",), lookup)
    assert auth.mechanism is None
    assert auth.handshake("SCRAM-SHA-512") is ErrorCode.NONE
    assert auth.mechanism == "SCRAM-SHA-512"
    assert not auth.complete and not auth.failed


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "GSSAPI", "scram-sha-512", ""])
def test_handshake_refuses_a_mechanism_not_enabled(mechanism: str) -> None:
    auth = SaslAuthenticator(("SCRAM-SHA-512",), lookup)
    assert auth.handshake(mechanism) is ErrorCode.UNSUPPORTED_SASL_MECHANISM
    assert_dead(auth)


def test_an_enabled_mechanism_samsa_lacks_is_still_unsupported() -> None:
    auth = SaslAuthenticator(("GSSAPI", "PLAIN"), lookup)
    assert auth.handshake("GSSAPI") is ErrorCode.UNSUPPORTED_SASL_MECHANISM


def test_a_second_handshake_is_out_of_order() -> None:
    auth = authenticator("PLAIN")
    assert auth.handshake("PLAIN") is ErrorCode.ILLEGAL_SASL_STATE
    # the first handshake still stands
    assert step(auth, format_plain("alice", "a512")).done


def test_authenticate_before_handshake_is_out_of_order() -> None:
    auth = SaslAuthenticator(ALL, lookup)
    assert_failed(
        step(auth, format_plain("alice", "a512")),
        "before SaslHandshake",
        ErrorCode.ILLEGAL_SASL_STATE,
    )
    assert_dead(auth)


# -- PLAIN ------------------------------------------------------------------------------------


def test_plain_asks_the_driver_to_check_the_password() -> None:
    auth = authenticator("PLAIN")
    asked = auth.authenticate(format_plain("alice", "a512"), SERVER_NONCE, FAKE_SALT)
    assert asked.password_check == PasswordCheck(CREDENTIALS["alice", "SCRAM-SHA-512"], "a512")
    assert "a512" not in repr(asked)
    assert (asked.done, asked.error, asked.principal) == (False, None, None)
    assert not auth.complete and not auth.failed
    done = auth.finish_password_check(True)
    assert done.done and done.principal == "User:alice" and auth.complete


def test_plain_fails_when_the_check_says_no() -> None:
    auth = authenticator("PLAIN")
    assert auth.authenticate(format_plain("alice", "x"), SERVER_NONCE, FAKE_SALT).password_check
    assert_failed(
        auth.finish_password_check(False), INVALID_CREDENTIALS, ErrorCode.SASL_AUTHENTICATION_FAILED
    )
    assert_dead(auth)


def test_plain_checks_an_unknown_user_against_a_fake_credential_of_the_same_cost() -> None:
    auth = authenticator("PLAIN")
    asked = auth.authenticate(format_plain("mallory", "guess"), SERVER_NONCE, FAKE_SALT)
    check = asked.password_check
    assert check is not None and asked.error is None
    assert check.credential.mechanism == "SCRAM-SHA-512"
    assert check.credential.iterations == FAKE_ITERATIONS
    assert check.credential.salt == FAKE_SALT
    # Even a check that (somehow) says yes does not log an unknown user in.
    assert_failed(
        auth.finish_password_check(True), INVALID_CREDENTIALS, ErrorCode.SASL_AUTHENTICATION_FAILED
    )


def test_a_password_check_answer_out_of_order_fails() -> None:
    auth = authenticator("PLAIN")
    assert_failed(
        auth.finish_password_check(True), "no password check", ErrorCode.ILLEGAL_SASL_STATE
    )
    assert_dead(auth)
    auth = authenticator("PLAIN")
    assert auth.authenticate(format_plain("alice", "a512"), SERVER_NONCE, FAKE_SALT).password_check
    assert_failed(
        auth.authenticate(format_plain("alice", "a512"), SERVER_NONCE, FAKE_SALT),
        "while the password is checked",
        ErrorCode.ILLEGAL_SASL_STATE,
    )
    assert_dead(auth)


def test_scram_steps_need_no_password_check() -> None:
    auth = authenticator("SCRAM-SHA-256")
    client = ScramClient("SCRAM-SHA-256", "alice", "a256", CLIENT_NONCE)
    first = auth.authenticate(client.first_message(), SERVER_NONCE, FAKE_SALT)
    assert first.password_check is None and first.error is None
    final = auth.authenticate(client.final_message(first.response), SERVER_NONCE, FAKE_SALT)
    assert final.password_check is None and final.done


def test_plain_checks_the_scram_sha_512_credential_first() -> None:
    result = step(authenticator("PLAIN"), format_plain("alice", "a512"))
    assert result == SaslStep(b"", True, "User:alice", None)
    # alice has a SCRAM-SHA-512 credential, so her SCRAM-SHA-256 password is not checked
    auth = authenticator("PLAIN")
    assert_failed(
        step(auth, format_plain("alice", "a256")),
        INVALID_CREDENTIALS,
        ErrorCode.SASL_AUTHENTICATION_FAILED,
    )


def test_plain_falls_back_to_the_scram_sha_256_credential() -> None:
    auth = authenticator("PLAIN")
    result = step(auth, format_plain("bob", "b256"))
    assert result.done and result.principal == "User:bob"
    assert auth.complete and auth.principal == "User:bob"


def test_plain_with_a_matching_authorization_id() -> None:
    assert step(authenticator("PLAIN"), b"bob\x00bob\x00b256").principal == "User:bob"


@pytest.mark.parametrize(
    ("user", "password"), [("alice", "wrong"), ("nobody", "a512"), ("bob", "x")]
)
def test_plain_unknown_user_and_wrong_password_read_the_same(user: str, password: str) -> None:
    auth = authenticator("PLAIN")
    result = step(auth, format_plain(user, password))
    assert_failed(result, INVALID_CREDENTIALS, ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert result.error == INVALID_CREDENTIALS
    assert_dead(auth)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"alice-a512", "not authzid NUL username NUL password"),
        (b"\x00alice\x00a512\x00more", "not authzid NUL username NUL password"),
        (b"\x00\x00a512", "empty username or password"),
        (b"\x00alice\x00", "empty username or password"),
        (b"bob\x00alice\x00a512", "authorization id differs"),
        (b"\x00al\xffice\x00a512", "not UTF-8"),
        (b"\x00alice\x00" + b"x" * MAX_MESSAGE_BYTES, "more than"),
    ],
)
def test_malformed_plain_messages(data: bytes, text: str) -> None:
    auth = authenticator("PLAIN")
    assert_failed(step(auth, data), text, ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert_dead(auth)


def test_after_success_a_further_authenticate_is_out_of_order() -> None:
    auth = authenticator("PLAIN")
    assert step(auth, format_plain("alice", "a512")).done
    assert_failed(
        step(auth, format_plain("bob", "b256")), "after success", ErrorCode.ILLEGAL_SASL_STATE
    )
    assert auth.complete and auth.principal == "User:alice"
    assert auth.handshake("PLAIN") is ErrorCode.ILLEGAL_SASL_STATE


# -- SCRAM ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mechanism", "user", "password"),
    [
        ("SCRAM-SHA-256", "alice", "a256"),
        ("SCRAM-SHA-512", "alice", "a512"),
        ("SCRAM-SHA-256", "a,b=c", "odd"),
    ],
)
def test_scram_in_two_steps(mechanism: str, user: str, password: str) -> None:
    auth = authenticator(mechanism)
    first, final, client = scram_login(auth, user, password, mechanism)
    assert not first.done and first.principal is None and first.error is None
    assert first.response.startswith(f"r={CLIENT_NONCE}{SERVER_NONCE},".encode())
    assert final.done and final.error is None and final.error_code is ErrorCode.NONE
    assert final.principal == f"User:{user}" == auth.principal
    client.verify_server_final(final.response)  # the broker proved it knows the credential


@pytest.mark.parametrize(
    ("mechanism", "user", "password"),
    [
        ("SCRAM-SHA-256", "alice", "wrong"),
        ("SCRAM-SHA-256", "nobody", "a256"),
        ("SCRAM-SHA-512", "bob", "b256"),  # bob has no SCRAM-SHA-512 credential
    ],
)
def test_scram_unknown_user_and_wrong_password_read_the_same(
    mechanism: str, user: str, password: str
) -> None:
    auth = authenticator(mechanism)
    first, final, _ = scram_login(auth, user, password, mechanism)
    assert b",i=" in first.response  # an unknown user is shown a salt like anyone else
    assert_failed(final, INVALID_CREDENTIALS, ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert final.error == INVALID_CREDENTIALS
    assert_dead(auth)


def test_an_unknown_user_is_shown_the_fake_salt() -> None:
    auth = authenticator("SCRAM-SHA-256")
    client = ScramClient("SCRAM-SHA-256", "nobody", "x", CLIENT_NONCE)
    first = step(auth, client.first_message())
    assert f"s={base64.b64encode(FAKE_SALT).decode()}".encode() in first.response


CLIENT_FIRST = f"n,,n=alice,r={CLIENT_NONCE}"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"n=alice,r=" + CLIENT_NONCE.encode(), "no GS2 header"),
        (f"p=tls-unique,,n=alice,r={CLIENT_NONCE}".encode(), "channel binding is not supported"),
        (f"y,,n=alice,r={CLIENT_NONCE}".encode(), "channel binding is not supported"),
        (f"n,,r={CLIENT_NONCE},n=alice".encode(), "must start with n= and r="),
        (b"n,,n=alice", "must start with n= and r="),
        (f"n,,n=,r={CLIENT_NONCE}".encode(), "names no user"),
        (f"n,,n=al=41ice,r={CLIENT_NONCE}".encode(), "bad escape"),
        (f"n,a=bob,n=alice,r={CLIENT_NONCE}".encode(), "authorization id differs"),
        (b"n,,n=alice,r=short", "client nonce is shorter"),
        (f"n,,n=alice,r={CLIENT_NONCE},tokenauth=true".encode(), "delegation tokens"),
        (f"n,,n=alice,r={CLIENT_NONCE},m=ext".encode(), "mandatory SCRAM extensions"),
        (f"n,,n=alice,r={CLIENT_NONCE}".encode() + b"\xff", "not UTF-8"),
        (b"n,,garbage", "malformed attribute"),
        (CLIENT_FIRST.encode() + b"x" * MAX_MESSAGE_BYTES, "more than"),
    ],
)
def test_malformed_client_first_messages(data: bytes, text: str) -> None:
    auth = authenticator("SCRAM-SHA-256")
    assert_failed(step(auth, data), text, ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert_dead(auth)


def _client_final(auth: SaslAuthenticator) -> tuple[ScramClient, bytes]:
    client = ScramClient("SCRAM-SHA-256", "alice", "a256", CLIENT_NONCE)
    first = step(auth, client.first_message())
    return client, client.final_message(first.response)


def _tamper(message: bytes, old: bytes, new: bytes) -> bytes:
    assert old in message
    return message.replace(old, new, 1)


@pytest.mark.parametrize(
    ("edit", "text"),
    [
        (lambda m: _tamper(m, b",p=", b",x="), "has no proof"),
        (lambda m: _tamper(m, b"c=biws", b"c=eSws"), "channel binding does not match"),
        (lambda m: _tamper(m, b"c=biws,", b""), "channel binding does not match"),
        (lambda m: _tamper(m, b"c=biws", b"c=!!"), "not base64"),
        (
            lambda m: _tamper(m, SERVER_NONCE.encode(), OTHER_SERVER_NONCE.encode()),
            "nonce does not match",
        ),
        (lambda m: _tamper(m, CLIENT_NONCE.encode(), b"d" * 24), "nonce does not match"),
        (lambda m: m.rpartition(b",p=")[0] + b",p=!!notbase64", "not base64"),
        (lambda m: m.rpartition(b",p=")[0] + b",p=AAAA", INVALID_CREDENTIALS),
        (lambda m: m + b"\xff", "not UTF-8"),
        (lambda m: m + b"A" * MAX_MESSAGE_BYTES, "more than"),
    ],
)
def test_malformed_client_final_messages(edit: Callable[[bytes], bytes], text: str) -> None:
    auth = authenticator("SCRAM-SHA-256")
    _, final = _client_final(auth)
    result = step(auth, edit(final))
    assert_failed(result, text, ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert_dead(auth)


def test_a_client_final_nonce_with_the_client_nonce_again_in_front_is_accepted() -> None:
    """librdkafka 2.0 (kcat 1.7.1) puts its nonce in front of the server-first nonce again;
    Kafka's server accepts a nonce that ends with its own, and so does Samsa's."""
    auth = authenticator("SCRAM-SHA-256")
    first = step(auth, CLIENT_FIRST.encode()).response.decode()
    attrs = dict(part.split("=", 1) for part in first.split(","))
    salted = hashlib.pbkdf2_hmac("sha256", b"a256", base64.b64decode(attrs["s"]), int(attrs["i"]))
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    without_proof = f"c=biws,r={CLIENT_NONCE}{attrs['r']}"
    auth_message = f"n=alice,r={CLIENT_NONCE},{first},{without_proof}".encode()
    signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
    proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
    final = f"{without_proof},p={base64.b64encode(proof).decode()}".encode()
    assert step(auth, final).done
    assert auth.principal == "User:alice"


def test_a_client_final_replayed_on_another_connection_fails() -> None:
    first_connection = authenticator("SCRAM-SHA-256")
    _, final = _client_final(first_connection)
    assert step(first_connection, final).done
    # An eavesdropper replays the same client-first and client-final: the broker's nonce
    # differs on the new connection, so the old proof is for another exchange.
    replay = authenticator("SCRAM-SHA-256")
    client = ScramClient("SCRAM-SHA-256", "alice", "a256", CLIENT_NONCE)
    assert step(replay, client.first_message(), OTHER_SERVER_NONCE).error is None
    assert_failed(step(replay, final), "nonce does not match", ErrorCode.SASL_AUTHENTICATION_FAILED)
    assert_dead(replay)


def test_a_client_final_replayed_on_the_same_connection_is_out_of_order() -> None:
    auth = authenticator("SCRAM-SHA-256")
    _, final = _client_final(auth)
    assert step(auth, final).done
    assert_failed(step(auth, final), "after success", ErrorCode.ILLEGAL_SASL_STATE)
    assert auth.principal == "User:alice"


def test_a_bad_broker_nonce_is_the_callers_bug() -> None:
    auth = authenticator("SCRAM-SHA-256")
    with pytest.raises(ValueError, match="server nonce"):
        step(auth, CLIENT_FIRST.encode(), nonce="short")


# -- re-authentication (KIP-368) --------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_reauthentication_keeps_the_principal(mechanism: str) -> None:
    def login(auth: SaslAuthenticator, user: str, password: str) -> SaslStep:
        if mechanism == "PLAIN":
            return step(auth, format_plain(user, password))
        return scram_login(auth, user, password, mechanism)[1]

    same = authenticator(mechanism, reauthenticating_as="User:bob")
    assert login(same, "bob", "b256").principal == "User:bob"
    other = authenticator(mechanism, reauthenticating_as="User:alice")
    assert_failed(
        login(other, "bob", "b256"),
        "re-authentication must keep the principal",
        ErrorCode.SASL_AUTHENTICATION_FAILED,
    )
    assert_dead(other)


def test_reauthentication_keeps_the_mechanism() -> None:
    auth = SaslAuthenticator(ALL, lookup, "User:bob", "SCRAM-SHA-256")
    assert auth.handshake("PLAIN") is ErrorCode.UNSUPPORTED_SASL_MECHANISM
    assert_dead(auth)
    auth = SaslAuthenticator(ALL, lookup, "User:bob", "SCRAM-SHA-256")
    assert auth.handshake("SCRAM-SHA-256") is ErrorCode.NONE
    assert scram_login(auth, "bob", "b256", "SCRAM-SHA-256")[1].principal == "User:bob"


def _client_final_with_nonce(server_first: bytes, nonce: str) -> bytes:
    """A client-final message for alice (password ``a256``) that sends ``r=nonce``, with the
    proof computed over exactly what it sends."""
    attrs = dict(part.split("=", 1) for part in server_first.decode().split(","))
    salt, iterations = base64.b64decode(attrs["s"]), int(attrs["i"])
    salted = salted_password("sha256", b"a256", salt, iterations)
    without_proof = f"c=biws,r={nonce}"
    auth_message = f"n=alice,r={CLIENT_NONCE},{server_first.decode()},{without_proof}".encode()
    key = client_key("sha256", salted)
    signature = hmac.new(stored_key("sha256", salted), auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(key, signature, strict=True))
    return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()


def test_librdkafkas_doubled_client_nonce_is_accepted_as_kafka_does() -> None:
    # librdkafka 2.0.2 sends r=<client nonce><client nonce><server nonce>; Kafka accepts it.
    auth = authenticator("SCRAM-SHA-256")
    first = step(auth, f"n,,n=alice,r={CLIENT_NONCE}".encode())
    doubled = CLIENT_NONCE + CLIENT_NONCE + SERVER_NONCE
    result = step(auth, _client_final_with_nonce(first.response, doubled))
    assert result.done and result.principal == "User:alice", result


def test_any_other_prefix_before_the_combined_nonce_fails() -> None:
    auth = authenticator("SCRAM-SHA-256")
    first = step(auth, f"n,,n=alice,r={CLIENT_NONCE}".encode())
    other = "x" * 24 + CLIENT_NONCE + SERVER_NONCE
    result = step(auth, _client_final_with_nonce(first.response, other))
    assert_failed(result, "nonce does not match", ErrorCode.SASL_AUTHENTICATION_FAILED)
