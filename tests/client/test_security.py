"""The client's TLS and SASL: SCRAM and PLAIN against a small fake broker that runs the broker
end of ``protocol.scram``, TLS against certificates made here, re-authentication (KIP-368)."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support.certs import Issued, issue, make_ca, server_context
from support.fake_broker import FakeBroker, api_versions_body, metadata_body
from support.waiting import eventually

from client.cluster import Cluster
from client.config import AdminConfig
from client.connection import Connection
from client.errors import AuthenticationError, ConfigError, SslError
from client.security import ClientSecurity, ssl_context
from protocol.codec import Request
from protocol.errors import ErrorCode
from protocol.messages import (
    ApiVersionsRequest,
    MetadataRequest,
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
)
from protocol.scram import (
    SaslError,
    ScramCredential,
    ScramServer,
    credential_from_password,
    parse_plain,
    verify_password,
)

pytestmark = pytest.mark.timeout(30)

RANGES = {18: (0, 4), 17: (0, 1), 36: (0, 2), 3: (0, 12)}
SALT = b"0123456789abcdef"
SERVER_NONCE = "servernonce0123456789"


@dataclass
class SaslBroker:
    """The broker end of SASL for ``FakeBroker``: one exchange at a time."""

    mechanisms: tuple[str, ...] = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
    users: dict[str, str] = field(default_factory=lambda: {"alice": "secret"})
    session_lifetime_ms: int = 0
    tamper_final: bool = False
    handshakes: int = 0
    authenticated: list[str] = field(default_factory=list)
    port: int = 0
    _mechanism: str = ""
    _scram: ScramServer | None = None

    def _lookup(self, user: str, mechanism: str) -> ScramCredential | None:
        password = self.users.get(user)
        if password is None:
            return None
        return credential_from_password(mechanism, password, SALT, 4096)

    def __call__(self, request: Request) -> Any:
        body = request.body
        if isinstance(body, ApiVersionsRequest):
            return api_versions_body(RANGES)
        if isinstance(body, MetadataRequest):
            return metadata_body(self.port)
        if isinstance(body, SaslHandshakeRequest):
            self.handshakes += 1
            if body.mechanism not in self.mechanisms:
                return SaslHandshakeResponse(
                    error_code=ErrorCode.UNSUPPORTED_SASL_MECHANISM,
                    mechanisms=list(self.mechanisms),
                )
            self._mechanism = body.mechanism
            self._scram = None
            return SaslHandshakeResponse(mechanisms=list(self.mechanisms))
        if isinstance(body, SaslAuthenticateRequest):
            return self._authenticate(body.auth_bytes)
        raise AssertionError(f"unexpected request {body!r}")

    def _fail(self, why: str) -> SaslAuthenticateResponse:
        return SaslAuthenticateResponse(
            error_code=ErrorCode.SASL_AUTHENTICATION_FAILED, error_message=why
        )

    def _authenticate(self, token: bytes) -> SaslAuthenticateResponse:
        if self._mechanism == "PLAIN":
            _, user, password = parse_plain(token)
            credential = self._lookup(user, "SCRAM-SHA-512")
            if credential is None or not verify_password(credential, password):
                return self._fail("Authentication failed: Invalid username or password")
            self.authenticated.append(user)
            return SaslAuthenticateResponse(session_lifetime_ms=self.session_lifetime_ms)
        if self._scram is None:
            self._scram = ScramServer(self._mechanism, self._lookup, SERVER_NONCE, SALT)
        try:
            answer = self._scram.step(token)
        except SaslError as exc:
            return self._fail(f"Authentication failed during authentication due to: {exc}")
        if not self._scram.complete:
            return SaslAuthenticateResponse(auth_bytes=answer)
        assert self._scram.username is not None
        self.authenticated.append(self._scram.username)
        if self.tamper_final:
            answer = b"v=" + b"A" * 44
        return SaslAuthenticateResponse(
            auth_bytes=answer, session_lifetime_ms=self.session_lifetime_ms
        )


def _sasl(mechanism: str, user: str = "alice", password: str = "secret") -> ClientSecurity:
    return ClientSecurity(
        protocol="SASL_PLAINTEXT",
        sasl_mechanism=mechanism,
        sasl_username=user,
        sasl_password=password,
    )


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"])
async def test_sasl_authenticates_then_requests_flow(mechanism: str) -> None:
    sasl = SaslBroker()
    async with FakeBroker(sasl) as fake:
        sasl.port = fake.port
        conn = Connection("127.0.0.1", fake.port, security=_sasl(mechanism))
        await conn.open()
        try:
            assert sasl.authenticated == ["alice"]
            assert [type(r.body).__name__ for r in fake.requests[:2]] == [
                "ApiVersionsRequest",
                "SaslHandshakeRequest",
            ]
            assert fake.requests[1].header.api_version == 1
            auth = [r for r in fake.requests if isinstance(r.body, SaslAuthenticateRequest)]
            assert {r.header.api_version for r in auth} == {2}
            response = await conn.request(MetadataRequest(topics=[]))
            assert response.brokers[0].port == fake.port
        finally:
            conn.close()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "PLAIN"])
async def test_wrong_password_is_one_line_authentication_error(mechanism: str) -> None:
    sasl = SaslBroker()
    async with FakeBroker(sasl) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_sasl(mechanism, password="nope"))
        with pytest.raises(AuthenticationError) as info:
            await conn.open()
        text = str(info.value)
        assert text.startswith(f"authentication failed for user 'alice' ({mechanism}): ")
        assert "\n" not in text
        assert not info.value.retriable
        assert conn.closed and sasl.authenticated == []


async def test_unsupported_mechanism_names_the_offered_ones() -> None:
    sasl = SaslBroker(mechanisms=("SCRAM-SHA-512",))
    async with FakeBroker(sasl) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_sasl("PLAIN"))
        with pytest.raises(AuthenticationError, match="the broker offers SCRAM-SHA-512"):
            await conn.open()


async def test_a_broker_that_cannot_prove_the_credential_is_refused() -> None:
    sasl = SaslBroker(tamper_final=True)
    async with FakeBroker(sasl) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_sasl("SCRAM-SHA-256"))
        with pytest.raises(AuthenticationError, match="signature is wrong"):
            await conn.open()
        assert conn.closed


async def test_reauthenticates_before_the_session_ends() -> None:
    sasl = SaslBroker(session_lifetime_ms=400)
    async with FakeBroker(sasl) as fake:
        sasl.port = fake.port
        conn = Connection("127.0.0.1", fake.port, security=_sasl("SCRAM-SHA-256"))
        await conn.open()
        try:
            assert conn.session_lifetime_ms == 400
            await eventually(lambda: sasl.handshakes >= 3, 10, "two re-authentications")
            # Requests keep working across re-authentications.
            for _ in range(3):
                await conn.request(MetadataRequest(topics=[]))
            assert conn.connected and sasl.authenticated == ["alice"] * sasl.handshakes
        finally:
            conn.close()


async def test_requests_in_flight_during_reauthentication_are_answered() -> None:
    sasl = SaslBroker(session_lifetime_ms=200)
    async with FakeBroker(sasl) as fake:
        sasl.port = fake.port
        conn = Connection("127.0.0.1", fake.port, security=_sasl("SCRAM-SHA-512"), max_in_flight=3)
        await conn.open()
        answered = 0

        async def client() -> None:
            nonlocal answered
            while sasl.handshakes < 4:
                await conn.request(MetadataRequest(topics=[]))
                answered += 1

        try:
            await asyncio.wait_for(asyncio.gather(*(client() for _ in range(5))), 20)
            assert conn.connected and answered > 0
            # Every re-authentication completed; no request failed or was dropped meanwhile.
            assert sasl.authenticated == ["alice"] * sasl.handshakes
            metadata = [r for r in fake.requests if isinstance(r.body, MetadataRequest)]
            assert len(metadata) == answered
        finally:
            conn.close()


async def test_failed_reauthentication_closes_the_connection() -> None:
    sasl = SaslBroker(session_lifetime_ms=300)
    async with FakeBroker(sasl) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_sasl("PLAIN"))
        await conn.open()
        sasl.users["alice"] = "changed"
        await eventually(lambda: conn.closed, 10, "the connection closed")
        with pytest.raises(AuthenticationError):
            await conn.request(MetadataRequest(topics=[]))


async def test_cluster_passes_its_security_to_every_connection() -> None:
    sasl = SaslBroker()
    async with FakeBroker(sasl) as fake:
        sasl.port = fake.port
        config = AdminConfig.build(
            {
                "bootstrap.servers": fake.bootstrap,
                "security.protocol": "SASL_PLAINTEXT",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "sasl.username": "alice",
                "sasl.password": "secret",
            }
        )
        cluster = Cluster(config)
        try:
            await cluster.start()
            await cluster.connection(1)  # the broker's own id, a second connection
            assert sasl.authenticated == ["alice", "alice"]
        finally:
            await cluster.close()


async def test_cluster_start_fails_at_once_on_bad_credentials() -> None:
    sasl = SaslBroker()
    async with FakeBroker(sasl) as fake:
        config = AdminConfig.build(
            bootstrap_servers=fake.bootstrap,
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-256",
            sasl_username="mallory",
            sasl_password="x",
        )
        cluster = Cluster(config)
        try:
            with pytest.raises(AuthenticationError, match="user 'mallory'"):
                await cluster.start()
        finally:
            await cluster.close()


# -- TLS -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    """The files of the TLS tests: a CA and another, and certificates the first signed."""

    ca: Path
    other_ca: Path
    client_chain: Path
    client_key: Path
    server: Issued  # for localhost and 127.0.0.1
    wrong_host: Issued  # for broker.example only
    authority: Issued


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    ca = make_ca("Test CA")
    client_chain, client_key = issue(ca, "alice", hosts=()).write_pem(d, "client")
    return Pki(
        ca=ca.write_cert(d, "ca"),
        other_ca=make_ca("Other CA").write_cert(d, "other"),
        client_chain=client_chain,
        client_key=client_key,
        server=issue(ca, "localhost"),
        wrong_host=issue(ca, "broker.example", hosts=("broker.example",)),
        authority=ca,
    )


class TlsFakeBroker(FakeBroker):
    """``FakeBroker`` behind TLS."""

    def __init__(self, handler: Any, context: ssl.SSLContext) -> None:
        super().__init__(handler)
        self._context = context

    async def __aenter__(self) -> TlsFakeBroker:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._context)
        self.port = self.server.sockets[0].getsockname()[1]
        return self


def _tls(**kwargs: Any) -> ClientSecurity:
    check = kwargs.pop("check_hostname", True)
    return ClientSecurity(
        protocol="SSL",
        ssl_context=ssl_context(check_hostname=check, **kwargs),
        check_hostname=check,
    )


async def test_tls_with_a_trusted_certificate(pki: Pki) -> None:
    sasl = SaslBroker()
    async with TlsFakeBroker(sasl, server_context(pki.server)) as fake:
        sasl.port = fake.port
        conn = Connection("127.0.0.1", fake.port, security=_tls(ca_location=str(pki.ca)))
        await conn.open()
        try:
            assert (await conn.request(MetadataRequest(topics=[]))).cluster_id == "fake"
        finally:
            conn.close()


async def test_tls_with_an_untrusted_certificate_is_an_ssl_error(pki: Pki) -> None:
    context = server_context(pki.server)
    async with TlsFakeBroker(SaslBroker(), context) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_tls(ca_location=str(pki.other_ca)))
        with pytest.raises(SslError) as info:
            await conn.open()
        text = str(info.value)
        assert text.startswith(f"TLS handshake with 127.0.0.1:{fake.port} failed: ")
        assert "certificate verify failed" in text and "\n" not in text
        assert isinstance(info.value, AuthenticationError)


async def test_tls_hostname_is_checked_unless_turned_off(pki: Pki) -> None:
    context = server_context(pki.wrong_host)
    async with TlsFakeBroker(SaslBroker(), context) as fake:
        conn = Connection("127.0.0.1", fake.port, security=_tls(ca_location=str(pki.ca)))
        with pytest.raises(SslError, match=r"certificate verify failed: .*mismatch"):
            await conn.open()
        relaxed = _tls(ca_location=str(pki.ca), check_hostname=False)
        conn = Connection("127.0.0.1", fake.port, security=relaxed)
        await conn.open()
        conn.close()


async def test_mutual_tls_and_sasl_ssl(pki: Pki) -> None:
    sasl = SaslBroker()
    context = server_context(pki.server, client_ca=pki.authority)
    async with TlsFakeBroker(sasl, context) as fake:
        sasl.port = fake.port
        config = AdminConfig.build(
            {
                "bootstrap.servers": fake.bootstrap,
                "security.protocol": "SASL_SSL",
                "ssl.truststore.location": str(pki.ca),
                "ssl.certificate.location": str(pki.client_chain),
                "ssl.key.location": str(pki.client_key),
                "sasl.mechanism": "SCRAM-SHA-256",
                "sasl.username": "alice",
                "sasl.password": "secret",
            }
        )
        conn = Connection("localhost", fake.port, security=ClientSecurity.from_config(config))
        await conn.open()
        conn.close()
        assert sasl.authenticated == ["alice"]
        # Without a client certificate the broker refuses the connection.
        without = _tls(ca_location=str(pki.ca))
        conn = Connection("127.0.0.1", fake.port, security=without)
        with pytest.raises(SslError, match="client certificate"):
            await conn.open()


def test_from_config_reports_unusable_files(tmp_path: Path, pki: Pki) -> None:
    missing = tmp_path / "nope.pem"
    config = AdminConfig.build(security_protocol="SSL", ssl_ca_location=str(missing))
    with pytest.raises(ConfigError, match=r"ssl\.ca\.location") as info:
        ClientSecurity.from_config(config)
    assert "\n" not in str(info.value)
    config = AdminConfig.build(
        security_protocol="SSL",
        ssl_key_location=str(pki.ca),  # a certificate, not a key
    )
    with pytest.raises(ConfigError, match="client certificate"):
        ClientSecurity.from_config(config)
    plain = ClientSecurity.from_config(AdminConfig.build())
    assert plain.protocol == "PLAINTEXT" and plain.ssl_context is None
    system = ClientSecurity.from_config(AdminConfig.build(security_protocol="ssl"))
    assert system.ssl_context is not None and system.ssl_context.check_hostname
    off = ClientSecurity.from_config(
        AdminConfig.build(security_protocol="SSL", ssl_endpoint_identification_algorithm="none")
    )
    assert off.ssl_context is not None and not off.ssl_context.check_hostname
    assert not off.check_hostname
