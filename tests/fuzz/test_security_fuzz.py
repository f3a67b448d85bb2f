"""Hostile input to the security layer of a running broker, on SASL_PLAINTEXT and SASL_SSL.

Named cases (table-driven) and byte-level fuzz (hypothesis, bounded examples): malformed
SaslHandshake and SaslAuthenticate frames, every API before authenticating, SCRAM exchanges
with bad nonces, proofs and channel bindings, malformed PLAIN messages, oversized frames, and
TLS garbage on the SASL_SSL port. After each: the connection is closed (after Kafka's error
code where Kafka answers one), the close is counted in ``close_counts`` under its reason, a
good client still logs in and is served, and nothing was logged at ERROR or with a traceback.

Also: the PLAIN path spends the same PBKDF2 work on an unknown user as on a known one with a
wrong password (counted, not timed), and a broker process's memory does not grow with the
lengths that unauthenticated connections announce.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import secrets
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.certs import issue, make_ca
from support.security import client_nonce, put_credential
from support.waiting import eventually_sync

import broker.security.sasl as sasl_module
import broker.server.connection as connection_module
import broker.server.server as server_module
from broker.app import Broker, new_event_loop
from broker.security.sasl import SaslAuthenticator
from fuzz.broker_process import BrokerProcess
from protocol.codec import decode_response, encode_request, join_frame
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import (
    REQUESTS,
    ApiVersionsRequest,
    Message,
    MetadataRequest,
    SaslAuthenticateRequest,
    SaslHandshakeRequest,
)
from protocol.scram import FAKE_ITERATIONS, ScramClient, format_plain, verify_password

pytestmark = pytest.mark.timeout(120)

MECHANISMS: Final = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512"
#: sasl.server.max.receive.size here: small, so that "just over it" is cheap to send.
MAX_RECEIVE: Final = 16384
#: connection.failed.authentication.delay.ms here: short, the fuzz makes many failures.
FAILURE_DELAY_MS: Final = 20
#: The TLS handshake timeout during these tests (the broker's is 10 s).
HANDSHAKE_TIMEOUT_S: Final = 1.0
#: How long a refused connection waits for its client to close first (the broker's is 1 s).
CLOSE_LINGER_S: Final = 0.05
#: connections.max.request.read.ms here: how long a frame announced longer than sent waits.
REQUEST_READ_MS: Final = 1000
#: How long a test waits for the broker to close a connection (or answer).
WAIT_S: Final = 10.0
#: Examples per hypothesis test: enough variety per CI run, few enough to stay fast.
FUZZ_EXAMPLES: Final = 40
USER, PASSWORD = "alice", "alice-secret"
LISTENERS: Final = ("SASL_PLAINTEXT", "SASL_SSL")


# -- the broker under test -----------------------------------------------------------------------


class LogWatch(logging.Handler):
    """Collects every record at ERROR or above, and every record with a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bad: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.bad.append(f"{record.levelname} {record.name}: {self.format(record)}")


class RunningBroker:
    """A broker with SASL_PLAINTEXT and SASL_SSL listeners on its own loop in a thread (the
    loop a deployed broker runs: uvloop when installed)."""

    def __init__(self, ca_file: Path, listener_settings: dict[str, Any]) -> None:
        self.ca_file = ca_file
        self._settings = listener_settings
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.broker: Broker | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="security-fuzz-broker", daemon=True)

    def _run(self) -> None:
        loop = self._loop = new_event_loop()
        try:
            loop.run_until_complete(self._main())
        except BaseException as exc:  # reported by start()
            self._error = exc
        finally:
            self._ready.set()
            loop.close()

    async def _main(self) -> None:
        async with Broker.embedded(
            listeners="SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0", **self._settings
        ) as running:
            # Credentials of the default iteration count, as `samsa user` makes them.
            await put_credential(running, USER, PASSWORD, iterations=FAKE_ITERATIONS)
            self._stop = asyncio.Event()
            self.broker = running
            self._ready.set()
            await self._stop.wait()

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(60), "the broker did not start"
        if self.broker is None:
            raise AssertionError(f"the broker did not start: {self._error!r}")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    @property
    def server(self) -> Any:
        assert self.broker is not None and self.broker.server is not None
        return self.broker.server

    def port(self, listener: str) -> int:
        return int(self.server.ports[listener])

    def closes(self, reason: str) -> int:
        return int(self.server.close_counts[reason])

    def total_closes(self) -> int:
        return sum(self.server.close_counts.values())


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBroker]:
    ca = make_ca("security fuzz CA")
    ca_file = tmp_path_factory.mktemp("pki") / "ca.pem"
    ca_file.write_bytes(ca.cert_pem)
    cert = issue(ca, "broker")
    with pytest.MonkeyPatch.context() as patch:
        # Read when each connection is accepted: a stalled handshake ends this soon.
        patch.setattr(server_module, "TLS_HANDSHAKE_TIMEOUT_S", HANDSHAKE_TIMEOUT_S)
        # A refused connection stays open until its client closes, at most CLOSE_LINGER_S (so
        # that a real client reads why): these clients wait for the broker's close instead.
        patch.setattr(connection_module, "CLOSE_LINGER_S", CLOSE_LINGER_S)
        broker = RunningBroker(
            ca_file,
            {
                "ssl.keystore.certificate.chain": cert.cert_pem.decode(),
                "ssl.keystore.key": cert.key_pem().decode(),
                "sasl.enabled.mechanisms": MECHANISMS,
                "sasl.server.max.receive.size": MAX_RECEIVE,
                "connection.failed.authentication.delay.ms": FAILURE_DELAY_MS,
                "connections.max.request.read.ms": REQUEST_READ_MS,
            },
        )
        broker.start()
        try:
            yield broker
        finally:
            broker.stop()


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    watch = LogWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)


# -- a blocking client ---------------------------------------------------------------------------


class Conn:
    """One raw connection to a listener (TLS on SASL_SSL)."""

    def __init__(self, running: RunningBroker, listener: str, *, tls: bool | None = None) -> None:
        sock = socket.create_connection(("127.0.0.1", running.port(listener)), timeout=WAIT_S)
        if listener == "SASL_SSL" if tls is None else tls:
            context = ssl.create_default_context(cafile=str(running.ca_file))
            sock = context.wrap_socket(sock, server_hostname="127.0.0.1")
        self.sock = sock
        self._correlation = 0

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def frame_of(self, body: Message, version: int) -> bytes:
        self._correlation += 1
        header = RequestHeader(body.API_KEY, version, self._correlation, "security-fuzz")
        return join_frame(encode_request(header, body))

    def request(self, body: Message, version: int) -> Any:
        self.send_raw(self.frame_of(body, version))
        frame = self.read_frame()
        assert frame is not None, f"closed instead of answering {type(body).__name__}"
        correlation, response = decode_response(body.API_KEY, version, memoryview(frame))
        assert correlation == self._correlation
        return response

    def _read_exactly(self, n: int) -> bytes | None:
        out = b""
        while len(out) < n:
            try:
                chunk = self.sock.recv(n - len(out))
            except (ConnectionResetError, ssl.SSLError):
                return None
            if not chunk:
                return None
            out += chunk
        return out

    def read_frame(self) -> bytes | None:
        size = self._read_exactly(4)
        if size is None:
            return None
        return self._read_exactly(struct.unpack(">i", size)[0])

    def closed_within(self, timeout_s: float = WAIT_S) -> float:
        """Seconds until the broker closed the connection (anything it sends first is
        read and dropped); fails if it did not close within ``timeout_s``."""
        started = time.monotonic()
        while True:
            remaining = timeout_s - (time.monotonic() - started)
            assert remaining > 0, "the broker did not close the connection"
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
                return time.monotonic() - started
            except TimeoutError:
                continue
            if not data:
                return time.monotonic() - started

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def handshake(conn: Conn, mechanism: str) -> None:
    assert conn.request(SaslHandshakeRequest(mechanism=mechanism), 1).error_code == 0


def authenticate(conn: Conn, auth_bytes: bytes, version: int = 2) -> Any:
    return conn.request(SaslAuthenticateRequest(auth_bytes=auth_bytes), version)


def good_client_is_served(running: RunningBroker, listener: str) -> None:
    """A good client logs in (SCRAM-SHA-256) and gets Metadata."""
    conn = Conn(running, listener)
    try:
        handshake(conn, "SCRAM-SHA-256")
        scram = ScramClient("SCRAM-SHA-256", USER, PASSWORD, client_nonce())
        first = authenticate(conn, scram.first_message())
        assert first.error_code == 0
        final = authenticate(conn, scram.final_message(first.auth_bytes))
        assert final.error_code == 0, final.error_message
        scram.verify_server_final(final.auth_bytes)
        assert conn.request(MetadataRequest(topics=[]), 1).controller_id == 1
    finally:
        conn.close()


def assert_survived(
    running: RunningBroker, logs: LogWatch, listener: str, reason: str, before: int
) -> None:
    """The close was counted under ``reason``, a good client is served, no ERROR lines."""
    eventually_sync(lambda: running.closes(reason) > before, WAIT_S, f"a close counted as {reason}")
    good_client_is_served(running, listener)
    assert not logs.bad, "\n".join(logs.bad)


# -- named cases ---------------------------------------------------------------------------------

FAILED: Final = 58  # SASL_AUTHENTICATION_FAILED
UNSUPPORTED_MECHANISM: Final = 33


@dataclass(frozen=True)
class Case:
    """``act(conn)`` misbehaves; then the broker closes the connection, counting ``reason``."""

    name: str
    act: Callable[[Conn], None]
    reason: str


def _handshake_frame(conn: Conn, mechanism: str = "PLAIN") -> bytes:
    return conn.frame_of(SaslHandshakeRequest(mechanism=mechanism), 1)


def truncated_handshake(conn: Conn) -> None:
    frame = _handshake_frame(conn)
    body = frame[4:-3]  # the mechanism string cut short, the frame's size saying so
    conn.send_raw(struct.pack(">i", len(body)) + body)


def short_length(conn: Conn) -> None:
    frame = _handshake_frame(conn)
    conn.send_raw(struct.pack(">i", len(frame) - 4 - 3) + frame[4:])


def long_length_then_stall(conn: Conn) -> None:
    frame = _handshake_frame(conn)
    conn.send_raw(struct.pack(">i", len(frame) - 4 + 100) + frame[4:])


def announced(size: int) -> Callable[[Conn], None]:
    def act(conn: Conn) -> None:
        conn.send_raw(struct.pack(">i", size) + struct.pack(">hhi", 17, 1, 1))

    return act


def garbage_header(conn: Conn) -> None:
    conn.send_raw(struct.pack(">ihhi", 10, 0x7FFF, 3, 1) + b"\x00\x00")


def lying_inner_length(api_key: int, version: int, body: bytes) -> Callable[[Conn], None]:
    """A frame of honest size whose body announces a string or bytes far longer than it."""

    def act(conn: Conn) -> None:
        if api_key == SaslAuthenticateRequest.API_KEY:
            handshake(conn, "PLAIN")
        conn.send_raw(_sasl_frame(api_key, version, body))

    return act


def lying_client_id(conn: Conn) -> None:
    header = struct.pack(">hhih", 17, 1, 1, 0x7FFF) + b"abc"
    conn.send_raw(struct.pack(">i", len(header)) + header)


def authenticate_first(conn: Conn) -> None:
    conn.send_raw(conn.frame_of(SaslAuthenticateRequest(auth_bytes=format_plain("a", "b")), 2))


def two_handshakes(conn: Conn) -> None:
    handshake(conn, "PLAIN")
    conn.send_raw(_handshake_frame(conn, "PLAIN"))


def v0_handshake(conn: Conn) -> None:
    """Advertised (librdkafka 2.0 needs v0 in the range) but refused: a v0 client would send
    raw tokens next, which are no requests."""
    refused = conn.request(SaslHandshakeRequest(mechanism="PLAIN"), 0)
    assert refused.error_code == ErrorCode.UNSUPPORTED_VERSION
    token = format_plain(USER, PASSWORD)
    conn.send_raw(struct.pack(">i", len(token)) + token)


def expect_refused_mechanism(mechanism: str) -> Callable[[Conn], None]:
    def act(conn: Conn) -> None:
        response = conn.request(SaslHandshakeRequest(mechanism=mechanism), 1)
        assert response.error_code == UNSUPPORTED_MECHANISM
        assert response.mechanisms == MECHANISMS.split(",")

    return act


def plain(auth_bytes: bytes) -> Callable[[Conn], None]:
    def act(conn: Conn) -> None:
        handshake(conn, "PLAIN")
        response = authenticate(conn, auth_bytes)
        assert response.error_code == FAILED
        assert response.error_message

    return act


def scram_first(first_message: bytes, mechanism: str = "SCRAM-SHA-256") -> Callable[[Conn], None]:
    def act(conn: Conn) -> None:
        handshake(conn, mechanism)
        assert authenticate(conn, first_message).error_code == FAILED

    return act


def scram_final(
    mutate: Callable[[bytes, str], bytes], password: str = PASSWORD
) -> Callable[[Conn], None]:
    """A proper client-first message, then the client-final one changed by ``mutate(final,
    server_first)``."""

    def act(conn: Conn) -> None:
        handshake(conn, "SCRAM-SHA-256")
        scram = ScramClient("SCRAM-SHA-256", USER, password, client_nonce())
        first = authenticate(conn, scram.first_message())
        assert first.error_code == 0
        final = mutate(scram.final_message(first.auth_bytes), first.auth_bytes.decode())
        response = authenticate(conn, final)
        assert response.error_code == FAILED
        assert response.auth_bytes == b""  # no server signature for a failed proof

    return act


def _replace(message: bytes, attr: str, value: str) -> bytes:
    parts = message.decode().split(",")
    return ",".join(f"{attr}={value}" if p.startswith(attr + "=") else p for p in parts).encode()


def _nonce_of(server_first: str) -> str:
    return server_first.split(",")[0][2:]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


_GOOD_R = ",r=" + "N" * 24

CASES: Final = [
    Case("truncated SaslHandshake", truncated_handshake, "malformed_request"),
    Case("frame length 3 short", short_length, "malformed_request"),
    Case("frame length 100 long, then nothing", long_length_then_stall, "request_read_timeout"),
    Case("announces 2 GiB", announced(0x7FFFFFFF), "frame_too_large"),
    Case(
        "announces sasl.server.max.receive.size + 1", announced(MAX_RECEIVE + 1), "frame_too_large"
    ),
    Case("negative length", announced(-5), "malformed_frame"),
    Case("unknown API key", garbage_header, "unsupported_request"),
    Case(
        "SaslHandshake mechanism length 32767",
        lying_inner_length(17, 1, struct.pack(">h", 0x7FFF) + b"PLAIN"),
        "malformed_request",
    ),
    Case(
        "SaslAuthenticate v1 auth_bytes length 2 GiB",
        lying_inner_length(36, 1, struct.pack(">i", 0x7FFFFFFF) + b"\x00a\x00b"),
        "malformed_request",
    ),
    Case(
        "SaslAuthenticate v2 compact length 2^32",
        lying_inner_length(36, 2, b"\xff\xff\xff\xff\x0f\x00a\x00b\x00"),
        "malformed_request",
    ),
    Case(
        "SaslAuthenticate v2 endless varint",
        lying_inner_length(36, 2, b"\xff" * 40),
        "malformed_request",
    ),
    Case("client id length 32767", lying_client_id, "malformed_request"),
    Case("SaslAuthenticate before SaslHandshake", authenticate_first, "sasl_unexpected_request"),
    Case("two SaslHandshakes", two_handshakes, "sasl_unexpected_request"),
    Case("SaslHandshake v0, then a raw token", v0_handshake, "sasl_authentication_failed"),
    Case("mechanism GSSAPI", expect_refused_mechanism("GSSAPI"), "sasl_authentication_failed"),
    Case(
        "a 10 KB mechanism name",
        expect_refused_mechanism("SCRAM-" + "x" * 10_000),
        "sasl_authentication_failed",
    ),
    # PLAIN
    Case("PLAIN without NULs", plain(b"alicealice-secret"), "sasl_authentication_failed"),
    Case("PLAIN with one NUL", plain(b"alice\x00alice-secret"), "sasl_authentication_failed"),
    Case(
        "PLAIN with an extra field",
        plain(format_plain(USER, PASSWORD) + b"\x00extra"),
        "sasl_authentication_failed",
    ),
    Case("PLAIN empty", plain(b""), "sasl_authentication_failed"),
    Case("PLAIN only NULs", plain(b"\x00\x00"), "sasl_authentication_failed"),
    Case(
        "PLAIN another authzid",
        plain(b"admin\x00alice\x00alice-secret"),
        "sasl_authentication_failed",
    ),
    Case("PLAIN not UTF-8", plain(b"\x00alice\x00\xff\xfe"), "sasl_authentication_failed"),
    Case("PLAIN wrong password", plain(format_plain(USER, "nope")), "sasl_authentication_failed"),
    Case("PLAIN oversized", plain(format_plain(USER, "p" * 9000)), "sasl_authentication_failed"),
    # SCRAM client-first
    Case("SCRAM nonce too short", scram_first(b"n,,n=alice,r=abc"), "sasl_authentication_failed"),
    Case(
        "SCRAM nonce not printable",
        scram_first(b"n,,n=alice,r=" + b"\x01\x02" * 12),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM nonce with spaces",
        scram_first(b"n,,n=alice,r=" + b"ab cd" * 5),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM channel binding requested",
        scram_first(b"p=tls-unique,,n=alice" + _GOOD_R.encode()),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM client supports binding",
        scram_first(b"y,,n=alice" + _GOOD_R.encode()),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM another authzid",
        scram_first(b"n,a=admin,n=alice" + _GOOD_R.encode()),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM delegation token",
        scram_first(b"n,,n=alice" + _GOOD_R.encode() + b",tokenauth=true"),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM oversized client-first",
        scram_first(b"n,,n=" + b"a" * 9000 + _GOOD_R.encode()),
        "sasl_authentication_failed",
    ),
    Case("SCRAM garbage first", scram_first(b"\xff" * 64), "sasl_authentication_failed"),
    Case(
        "SCRAM bad escape",
        scram_first(b"n,,n=a=ZZ" + _GOOD_R.encode()),
        "sasl_authentication_failed",
    ),
    # SCRAM client-final
    Case(
        "SCRAM nonce not extending the client's",
        scram_final(lambda m, s: _replace(m, "r", "Q" * 24 + _nonce_of(s)[24:])),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM nonce only the client's",
        scram_final(lambda m, s: _replace(m, "r", _nonce_of(s)[:32])),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM nonce extended",
        scram_final(lambda m, s: _replace(m, "r", _nonce_of(s) + "x")),
        "sasl_authentication_failed",
    ),
    Case("SCRAM wrong password", scram_final(lambda m, s: m, "nope"), "sasl_authentication_failed"),
    Case(
        "SCRAM proof flipped",
        scram_final(lambda m, s: _replace(m, "p", _b64(bytes(32)))),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM proof too short",
        scram_final(lambda m, s: _replace(m, "p", _b64(bytes(8)))),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM proof not base64",
        scram_final(lambda m, s: _replace(m, "p", "!!!!")),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM no proof",
        scram_final(lambda m, s: m.rpartition(b",p=")[0]),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM channel binding y,,",
        scram_final(lambda m, s: _replace(m, "c", _b64(b"y,,"))),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM channel binding data",
        scram_final(lambda m, s: _replace(m, "c", _b64(b"p=tls-unique,," + bytes(32)))),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM channel binding of another authzid",
        scram_final(lambda m, s: _replace(m, "c", _b64(b"n,a=admin,"))),
        "sasl_authentication_failed",
    ),
    Case(
        "SCRAM oversized client-final",
        scram_final(lambda m, s: m + b",x=" + b"y" * 9000),
        "sasl_authentication_failed",
    ),
]


@pytest.mark.parametrize("listener", LISTENERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_named_hostile_input(
    running: RunningBroker, logs: LogWatch, listener: str, case: Case
) -> None:
    before = running.closes(case.reason)
    conn = Conn(running, listener)
    try:
        case.act(conn)
        conn.closed_within()
    finally:
        conn.close()
    assert_survived(running, logs, listener, case.reason, before)


@pytest.mark.parametrize("listener", LISTENERS)
def test_every_api_before_authenticating_closes_the_connection(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    served = sorted(
        (key, max_version)
        for key, _, max_version in running.server.api_keys
        if key not in (ApiVersionsRequest.API_KEY, 17, 36)
    )
    assert len(served) > 30
    before = running.closes("sasl_unexpected_request")
    for key, version in served:
        conn = Conn(running, listener)
        try:
            conn.send_raw(conn.frame_of(REQUESTS[key](), version))
            conn.closed_within()
        finally:
            conn.close()
    # Also after a successful SaslHandshake, before SaslAuthenticate.
    for key, version in served[:5]:
        conn = Conn(running, listener)
        try:
            handshake(conn, "PLAIN")
            conn.send_raw(conn.frame_of(REQUESTS[key](), version))
            conn.closed_within()
        finally:
            conn.close()
    expected = before + len(served) + 5
    eventually_sync(
        lambda: running.closes("sasl_unexpected_request") == expected, WAIT_S, "every close"
    )
    good_client_is_served(running, listener)
    assert not logs.bad, "\n".join(logs.bad)


@pytest.mark.parametrize("listener", LISTENERS)
def test_scram_nonces_replayed_from_another_connection_fail(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    before = running.closes("sasl_authentication_failed")
    # A complete, successful exchange is captured ...
    captured = Conn(running, listener)
    handshake(captured, "SCRAM-SHA-256")
    scram = ScramClient("SCRAM-SHA-256", USER, PASSWORD, client_nonce())
    client_first = scram.first_message()
    server_first = authenticate(captured, client_first)
    client_final = scram.final_message(server_first.auth_bytes)
    assert authenticate(captured, client_final).error_code == 0
    captured.close()
    # ... and replayed on a new connection: the broker's nonce differs, so it fails.
    replay = Conn(running, listener)
    handshake(replay, "SCRAM-SHA-256")
    assert authenticate(replay, client_first).error_code == 0
    assert authenticate(replay, client_final).error_code == FAILED
    replay.closed_within()
    # Another connection's nonce, with a proof made for it, on a connection of its own.
    first_conn, second_conn = Conn(running, listener), Conn(running, listener)
    for conn in (first_conn, second_conn):
        handshake(conn, "SCRAM-SHA-256")
    one = ScramClient("SCRAM-SHA-256", USER, PASSWORD, client_nonce())
    other_first = authenticate(first_conn, one.first_message())
    two = ScramClient("SCRAM-SHA-256", USER, PASSWORD, client_nonce())
    authenticate(second_conn, two.first_message())
    borrowed = one.final_message(other_first.auth_bytes)
    assert authenticate(second_conn, borrowed).error_code == FAILED
    second_conn.closed_within()
    first_conn.close()
    assert_survived(running, logs, listener, "sasl_authentication_failed", before + 1)


# -- TLS garbage on the SASL_SSL port ------------------------------------------------------------


def _client_hello() -> bytes:
    """The first flight of a real TLS client."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _plain_kafka_bytes(conn: Conn) -> None:
    conn.send_raw(conn.frame_of(ApiVersionsRequest(), 0))


def _random_bytes(conn: Conn) -> None:
    conn.send_raw(secrets.token_bytes(512))


def _hello_cut_short(conn: Conn) -> None:
    hello = _client_hello()
    conn.send_raw(hello[: len(hello) // 2])


def _hello_then_stall(conn: Conn) -> None:
    conn.send_raw(_client_hello())
    assert conn.sock.recv(5)  # the ServerHello begins; the client never answers it


def _nothing(conn: Conn) -> None:
    pass


TLS_CASES: Final = [
    ("plain Kafka bytes", _plain_kafka_bytes, False),
    ("random bytes", _random_bytes, False),
    ("a ClientHello cut short, then nothing", _hello_cut_short, True),
    ("a whole ClientHello, then nothing", _hello_then_stall, True),
    ("connects and sends nothing", _nothing, True),
]


@pytest.mark.parametrize(
    ("act", "stalls"), [c[1:] for c in TLS_CASES], ids=[c[0] for c in TLS_CASES]
)
def test_tls_garbage_on_the_sasl_ssl_port(
    running: RunningBroker, logs: LogWatch, act: Callable[[Conn], None], stalls: bool
) -> None:
    before = running.closes("tls_handshake_failed")
    conn = Conn(running, "SASL_SSL", tls=False)
    try:
        act(conn)
        took = conn.closed_within()
    finally:
        conn.close()
    if stalls:  # closed by the handshake timeout, not before and not much after
        assert HANDSHAKE_TIMEOUT_S * 0.8 <= took < HANDSHAKE_TIMEOUT_S + 3
    else:
        assert took < HANDSHAKE_TIMEOUT_S  # refused at once
    assert_survived(running, logs, "SASL_SSL", "tls_handshake_failed", before)


# -- byte-level fuzz -----------------------------------------------------------------------------

_FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _sasl_frame(api_key: int, version: int, body: bytes, correlation: int = 7) -> bytes:
    header = struct.pack(">hhih", api_key, version, correlation, 4) + b"fuzz"
    if version >= (2 if api_key == 36 else 99):
        header += b"\x00"  # flexible versions: no tagged fields
    return struct.pack(">i", len(header) + len(body)) + header + body


def _settle(conn: Conn) -> None:
    """Read what the broker answers until it closes the connection or goes quiet."""
    conn.sock.settimeout(0.3)
    with contextlib.suppress(TimeoutError, OSError, ssl.SSLError):
        while conn.sock.recv(65536):
            pass


@pytest.mark.parametrize("listener", LISTENERS)
def test_fuzzed_bytes_before_authenticating(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    @_FUZZ
    @given(
        st.one_of(
            st.binary(max_size=256),
            st.builds(
                _sasl_frame,
                st.sampled_from([17, 36, 18]),
                st.integers(-1, 4),
                st.binary(max_size=128),
            ),
            st.builds(
                lambda size, rest: struct.pack(">i", size) + rest,
                st.integers(-(2**31), 2**31 - 1),
                st.binary(max_size=64),
            ),
        )
    )
    def fuzz(data: bytes) -> None:
        conn = Conn(running, listener)
        try:
            conn.send_raw(data)
            _settle(conn)
        finally:
            conn.close()

    closes_before = running.total_closes()
    fuzz()
    assert running.total_closes() > closes_before  # most of it was refused
    good_client_is_served(running, listener)
    assert not logs.bad, "\n".join(logs.bad)


@pytest.mark.parametrize("listener", LISTENERS)
@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_fuzzed_sasl_authenticate_payloads(
    running: RunningBroker, logs: LogWatch, listener: str, mechanism: str
) -> None:
    prefixes = [b"", b"n,,", b"n,,n=alice,r=", b"\x00alice\x00", b"y,,n=", b"n,a="]

    @_FUZZ
    @given(st.sampled_from(prefixes), st.binary(max_size=200), st.integers(0, 2))
    def fuzz(prefix: bytes, payload: bytes, version: int) -> None:
        conn = Conn(running, listener)
        try:
            handshake(conn, mechanism)
            response = authenticate(conn, prefix + payload, version)
            if response.error_code == 0:  # a SCRAM client-first that happened to be valid
                assert mechanism != "PLAIN"
                response = authenticate(conn, prefix + payload, version)
            assert response.error_code == FAILED
            conn.closed_within()
        finally:
            conn.close()

    before = running.closes("sasl_authentication_failed")
    fuzz()
    assert running.closes("sasl_authentication_failed") >= before + FUZZ_EXAMPLES // 2
    good_client_is_served(running, listener)
    assert not logs.bad, "\n".join(logs.bad)


def _final_parts(message: bytes) -> tuple[bytes, bytes]:
    without_proof, _, proof = message.rpartition(b",p=")
    return without_proof, base64.b64decode(proof, validate=True)


@pytest.mark.parametrize("listener", LISTENERS)
def test_fuzzed_scram_client_final_messages(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    @_FUZZ
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        conn = Conn(running, listener)
        try:
            handshake(conn, "SCRAM-SHA-256")
            scram = ScramClient("SCRAM-SHA-256", USER, PASSWORD, client_nonce())
            first = authenticate(conn, scram.first_message())
            final = bytearray(scram.final_message(first.auth_bytes))
            for _ in range(data.draw(st.integers(1, 4))):  # flip, cut or insert bytes
                where = data.draw(st.integers(0, len(final) - 1))
                how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
                if how == "flip":
                    final[where] ^= data.draw(st.integers(1, 255))
                elif how == "cut":
                    del final[where:]
                else:
                    final[where:where] = data.draw(st.binary(min_size=1, max_size=16))
                if not final:
                    final.extend(b"=")
            original = scram.final_message(first.auth_bytes)
            assume(bytes(final) != original)
            response = authenticate(conn, bytes(final))
            if response.error_code == 0:
                # Only a spelling of the same message: the proof's base64 with other unused
                # trailing bits (what base64 decoders accept).
                assert _final_parts(bytes(final)) == _final_parts(original)
                return
            assert response.error_code == FAILED  # the proof does not survive any change
            conn.closed_within()
        finally:
            conn.close()

    fuzz()
    good_client_is_served(running, listener)
    assert not logs.bad, "\n".join(logs.bad)


# -- PLAIN's cost for an unknown user ------------------------------------------------------------


def test_plain_spends_the_same_pbkdf2_work_on_unknown_and_known_users(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from protocol.scram import credential_from_password

    credentials = {
        (USER, mechanism): credential_from_password(
            mechanism, PASSWORD, b"salt-" + mechanism.encode(), FAKE_ITERATIONS
        )
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512")
    }
    calls: list[tuple[str, int]] = []
    real = hashlib.pbkdf2_hmac

    def counting(name: str, password: bytes, salt: bytes, iterations: int, *rest: Any) -> bytes:
        calls.append((name, iterations))
        return real(name, password, salt, iterations, *rest)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)

    def work(user: str, password: str, salt: bytes) -> list[tuple[str, int]]:
        calls.clear()
        auth = SaslAuthenticator(("PLAIN",), lambda u, m: credentials.get((u, m)))
        auth.handshake("PLAIN")
        step = auth.authenticate(format_plain(user, password), "N" * 24, salt)
        check = step.password_check  # the driver runs it off the event loop
        assert check is not None
        step = auth.finish_password_check(verify_password(check.credential, check.password))
        assert step.error == sasl_module.INVALID_CREDENTIALS
        return list(calls)

    known = work(USER, "wrong", b"fake")
    unknown = work("mallory", "wrong", b"fake")
    assert known == unknown == [("sha512", FAKE_ITERATIONS)]


def test_the_fake_salt_of_an_unknown_user_is_the_same_across_attempts(
    running: RunningBroker, logs: LogWatch
) -> None:
    def salt_and_iterations(listener: str, user: str) -> tuple[str, str]:
        conn = Conn(running, listener)
        try:
            handshake(conn, "SCRAM-SHA-512")
            scram = ScramClient("SCRAM-SHA-512", user, "guess", client_nonce())
            first = authenticate(conn, scram.first_message())
            assert first.error_code == 0
            attrs = dict(p.split("=", 1) for p in first.auth_bytes.decode().split(","))
            return attrs["s"], attrs["i"]
        finally:
            conn.close()

    one = salt_and_iterations("SASL_PLAINTEXT", "mallory")
    two = salt_and_iterations("SASL_SSL", "mallory")
    other = salt_and_iterations("SASL_PLAINTEXT", "trudy")
    assert one == two
    assert other[0] != one[0]
    assert one[1] == other[1] == str(FAKE_ITERATIONS)
    assert len(base64.b64decode(one[0])) == 32  # as long as a real salt
    assert not logs.bad, "\n".join(logs.bad)


# -- memory: announced lengths before authenticating ---------------------------------------------

#: Connections of each kind in the memory test.
ATTACKERS: Final = 300
#: What the broker process's peak memory may grow by under that attack: the connections' own
#: objects and the bytes they sent, not the ~150 MiB the allowed frames announce.
MAX_GROWTH_MIB: Final = 24
#: The process broker's sasl.server.max.receive.size: Kafka's default.
PROCESS_MAX_RECEIVE: Final = 524288


def test_announced_lengths_before_authenticating_cost_no_memory(tmp_path: Path) -> None:
    process = BrokerProcess(
        tmp_path / "data",
        tmp_path / "broker.log",
        {
            "listeners": "SASL_PLAINTEXT://127.0.0.1:0",
            "sasl.enabled.mechanisms": MECHANISMS,
            "log.flush.policy": "none",
        },
    )
    process.start()
    sockets: list[socket.socket] = []
    try:
        address = ("127.0.0.1", process.port)

        def served() -> bool:
            with socket.create_connection(address, timeout=WAIT_S) as sock:
                header = RequestHeader(18, 0, 1, "probe")
                sock.sendall(join_frame(encode_request(header, ApiVersionsRequest())))
                return len(sock.recv(4)) == 4

        assert served()
        baseline = process.memory()
        assert baseline is not None
        header = struct.pack(">hhih", 36, 2, 1, 1) + b"x\x00"  # SaslAuthenticate v2, then stop
        for size in (0x7FFFFFFF, PROCESS_MAX_RECEIVE):  # over the cap, then just within it
            for _ in range(ATTACKERS):
                sock = socket.create_connection(address, timeout=WAIT_S)
                sock.sendall(struct.pack(">i", size) + header)
                sockets.append(sock)
        over = sockets[:ATTACKERS]
        for sock in over:  # refused at once: frame_too_large
            sock.settimeout(WAIT_S)
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
        assert served()  # by now the broker has read every attacker's bytes
        under_attack = process.memory()
        assert under_attack is not None
        growth_mib = (under_attack.hwm_bytes - baseline.rss_bytes) / 2**20
        print(
            f"\n{ATTACKERS} connections announcing 2 GiB and {ATTACKERS} announcing "
            f"{PROCESS_MAX_RECEIVE} bytes: RSS {baseline.rss_bytes / 2**20:.0f} MiB before, "
            f"peak {under_attack.hwm_bytes / 2**20:.0f} MiB (+{growth_mib:.1f} MiB)"
        )
        assert growth_mib < MAX_GROWTH_MIB
        assert process.exit_code() is None
    finally:
        for sock in sockets:
            sock.close()
        process.stop()
    log = (tmp_path / "broker.log").read_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
    assert "frame_too_large" in log


# -- a real client: kcat (librdkafka) ------------------------------------------------------------


def _kcat(running: RunningBroker, listener: str, mechanism: str, password: str, wait_s: int) -> Any:
    command = ["kcat", "-L", "-b", f"127.0.0.1:{running.port(listener)}", "-m", str(wait_s)]
    for key, value in (
        ("security.protocol", listener.lower()),
        ("sasl.mechanisms", mechanism),
        ("sasl.username", USER),
        ("sasl.password", password),
        ("ssl.ca.location", str(running.ca_file)),
    ):
        command += ["-X", f"{key}={value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed")
@pytest.mark.parametrize("listener", LISTENERS)
def test_kcat_logs_in_and_a_wrong_password_is_refused(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    for mechanism in MECHANISMS.split(","):
        result = _kcat(running, listener, mechanism, PASSWORD, 10)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "broker 1" in result.stdout
    before = running.closes("sasl_authentication_failed")
    result = _kcat(running, listener, "SCRAM-SHA-512", "wrong", 1)
    assert result.returncode != 0
    assert "Authentication failed" in result.stderr, result.stderr[-2000:]
    assert_survived(running, logs, listener, "sasl_authentication_failed", before)


# -- hostile re-authentication (KIP-368) ---------------------------------------------------------


def _login(conn: Conn, mechanism: str = "PLAIN") -> None:
    handshake(conn, mechanism)
    assert authenticate(conn, format_plain(USER, PASSWORD)).error_code == 0


def _reauth_other_mechanism(conn: Conn) -> None:
    _login(conn)
    response = conn.request(SaslHandshakeRequest(mechanism="SCRAM-SHA-256"), 1)
    assert response.error_code == UNSUPPORTED_MECHANISM


def _reauth_then_metadata(conn: Conn) -> None:
    _login(conn)
    handshake(conn, "PLAIN")
    conn.send_raw(conn.frame_of(MetadataRequest(topics=[]), 1))


def _reauth_as_another_user(conn: Conn) -> None:
    _login(conn)
    handshake(conn, "PLAIN")
    assert authenticate(conn, format_plain("bob", "bob-secret")).error_code == FAILED


def _reauth_with_garbage(conn: Conn) -> None:
    _login(conn)
    handshake(conn, "PLAIN")
    assert authenticate(conn, b"\xff\x00\x00\x00").error_code == FAILED


REAUTH_CASES: Final = [
    Case("another mechanism", _reauth_other_mechanism, "sasl_authentication_failed"),
    Case("Metadata instead of SaslAuthenticate", _reauth_then_metadata, "sasl_unexpected_request"),
    Case("as another user", _reauth_as_another_user, "sasl_authentication_failed"),
    Case("garbage", _reauth_with_garbage, "sasl_authentication_failed"),
]


def test_hostile_reauthentication(tmp_path: Path, logs: LogWatch) -> None:
    ca = make_ca("reauth CA")
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.cert_pem)
    cert = issue(ca, "broker")
    broker = RunningBroker(
        ca_file,
        {
            "ssl.keystore.certificate.chain": cert.cert_pem.decode(),
            "ssl.keystore.key": cert.key_pem().decode(),
            "sasl.enabled.mechanisms": MECHANISMS,
            "connection.failed.authentication.delay.ms": FAILURE_DELAY_MS,
            "connections.max.reauth.ms": 60_000,
        },
    )
    broker.start()
    try:
        for listener in LISTENERS:
            for case in REAUTH_CASES:
                before = broker.closes(case.reason)
                conn = Conn(broker, listener)
                try:
                    case.act(conn)
                    conn.closed_within()
                finally:
                    conn.close()
                assert_survived(broker, logs, listener, case.reason, before)
    finally:
        broker.stop()


@pytest.mark.parametrize("listener", LISTENERS)
def test_requests_pipelined_behind_a_failed_login_are_not_served(
    running: RunningBroker, logs: LogWatch, listener: str
) -> None:
    before = running.closes("sasl_authentication_failed")
    conn = Conn(running, listener)
    try:
        frames = _handshake_frame(conn, "PLAIN")
        frames += conn.frame_of(SaslAuthenticateRequest(auth_bytes=format_plain(USER, "no")), 2)
        metadata = conn.frame_of(MetadataRequest(topics=[]), 1)
        conn.send_raw(frames + metadata * 20)
        answers = []
        while (frame := conn.read_frame()) is not None:
            answers.append(struct.unpack(">i", frame[:4])[0])
        assert answers == [1, 2]  # the handshake and the failure; no Metadata
    finally:
        conn.close()
    assert_survived(running, logs, listener, "sasl_authentication_failed", before)
