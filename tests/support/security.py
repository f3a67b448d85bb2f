"""Helpers for security tests: a CA and certificates made with ``cryptography``, a broker with
listeners and security settings (Kafka's names), SCRAM credentials, SASL logins on a
``WireClient``."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import ipaddress
import secrets
import shutil
import ssl
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from support.waiting import eventually
from support.wire import READ_TIMEOUT_S, WireClient

from broker.app import Broker
from broker.config import BrokerConfig, load_config
from protocol.messages import (
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
)
from protocol.scram import (
    MECHANISMS,
    ScramClient,
    credential_from_password,
    format_plain,
    salted_password,
)

# -- certificates ------------------------------------------------------------------------------


@dataclass
class Pki:
    """A CA and the PEM files made from it in ``directory``."""

    directory: Path
    ca_key: ec.EllipticCurvePrivateKey
    ca_cert: x509.Certificate

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    def issue(self, name: str, subject: str, *, server: bool = False) -> Path:
        """A PEM file with a new key and its certificate (``subject``: ``CN=x,O=y``), signed
        by the CA; a server certificate is for 127.0.0.1 and localhost."""
        key = ec.generate_private_key(ec.SECP256R1())
        attrs = []
        for part in subject.split(","):
            kind, _, value = part.partition("=")
            oid = {
                "CN": NameOID.COMMON_NAME,
                "O": NameOID.ORGANIZATION_NAME,
                "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
            }[kind]
            attrs.append(x509.NameAttribute(oid, value))
        # RFC 2253 lists the most specific first; the certificate holds the reverse order.
        builder = _builder(x509.Name(list(reversed(attrs))), self.ca_cert.subject, key)
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
        cert = builder.sign(self.ca_key, hashes.SHA256())
        path = self.directory / f"{name}.pem"
        path.write_bytes(_pem(cert) + _key_pem(key))
        return path

    def client_context(self, cert_file: Path | None = None) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        if cert_file is not None:
            ctx.load_cert_chain(cert_file)
        return ctx


def make_pki(directory: Path) -> Pki:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    cert = (
        _builder(name, name, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(_pem(cert))
    return Pki(directory, key, cert)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


# -- a broker with security settings -----------------------------------------------------------

_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}


def security_config(settings: dict[str, Any]) -> BrokerConfig:
    """The broker config for Kafka-named ``settings``.

    Until ``BrokerConfig`` knows the listener and security settings (``client_listeners``),
    a subclass answers them from ``settings`` (stand-in: listener names are their protocols,
    one set of ``ssl.*`` settings for every listener)."""
    if hasattr(BrokerConfig, "client_listeners"):
        return load_config(None, settings)
    from broker.security._config_standin import ListenerConfig, TlsSettings

    rest = dict(settings)
    listeners: list[ListenerConfig] = []
    for entry in str(rest.pop("listeners")).split(","):
        name, _, address = entry.partition("://")
        host, _, port = address.rpartition(":")
        assert name in _PROTOCOLS, f"stand-in listeners are named by protocol: {name}"
        listeners.append(ListenerConfig(name, name, host, int(port)))
    extra: dict[str, Any] = {}
    for key in list(rest):
        if key.startswith(("ssl.", "sasl.", "connection", "authorizer.", "super.")):
            extra[key] = rest.pop(key)
    rest["listeners"] = f"PLAINTEXT://{listeners[0].host}:{listeners[0].port}"
    base = load_config(None, rest)

    def path(key: str) -> Path | None:
        value = extra.get(key)
        return None if value is None else Path(value)

    tls = TlsSettings(
        keystore_location=path("ssl.keystore.location"),
        truststore_location=path("ssl.truststore.location"),
        client_auth=str(extra.get("ssl.client.auth", "none")),
    )
    mechanisms = tuple(
        str(extra.get("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512")).split(",")
    )
    values = {
        "sasl_server_max_receive_size": int(extra.get("sasl.server.max.receive.size", 524288)),
        "connection_failed_authentication_delay_ms": int(
            extra.get("connection.failed.authentication.delay.ms", 100)
        ),
        "connections_max_reauth_ms": int(extra.get("connections.max.reauth.ms", 0)),
        "ssl_principal_mapping_rules": "DEFAULT",
        "ssl_reload_check_interval_ms": int(extra.get("ssl.reload.check.interval.ms", 10000)),
    }

    class StandinConfig(BrokerConfig):  # stand-in
        @property
        def client_listeners(self) -> list[ListenerConfig]:
            return listeners

        def listener_named(self, name: str) -> ListenerConfig:
            return next(entry for entry in listeners if entry.name == name)

        def tls_settings_for(self, name: str) -> TlsSettings:
            return tls

        def sasl_mechanisms_for(self, name: str) -> tuple[str, ...]:
            return mechanisms

        def advertised_endpoint(self, name: str, bound_port: int) -> tuple[str, int]:
            return self.listener_named(name).host, bound_port

        def __getattr__(self, name: str) -> Any:
            if name in values:
                return values[name]
            return super().__getattr__(name)  # type: ignore[misc]

    fields = {name: getattr(base, name) for name in BrokerConfig.model_fields}
    return StandinConfig(**fields)


@contextlib.asynccontextmanager
async def security_broker(listeners: str, **settings: Any) -> AsyncIterator[Broker]:
    """A broker on ``listeners`` (``SSL://127.0.0.1:0,...``) with Kafka-named settings."""
    data = Path(tempfile.mkdtemp(prefix="samsa-security-"))
    all_settings: dict[str, Any] = {
        "listeners": listeners,
        "log.dirs": str(data),
        "log.flush.policy": "none",
    }
    all_settings.update(settings)
    broker = Broker(security_config(all_settings))
    try:
        await broker.start()
        try:
            yield broker
        finally:
            await broker.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)


def port_of(broker: Broker, listener: str) -> int:
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
    monkeypatch: pytest.MonkeyPatch,
    user: str,
    password: str,
    mechanisms: tuple[str, ...] = ("SCRAM-SHA-256", "SCRAM-SHA-512"),
    iterations: int = 4096,
) -> None:
    """Give ``user`` SCRAM credentials for ``password`` (through the controller once it
    takes them; until then, stand-in: straight into the server's credential lookup)."""
    controller = broker.controller
    assert controller is not None
    if hasattr(controller, "alter_scram_credentials"):
        from broker.metadata.controller_api import (  # type: ignore[attr-defined]
            ScramUpsertion,
        )

        # One request per mechanism: Kafka refuses a user twice in one request.
        for mechanism in mechanisms:
            salt = secrets.token_bytes(32)
            salted = salted_password(MECHANISMS[mechanism], password.encode(), salt, iterations)
            upsertion = ScramUpsertion(user, mechanism, iterations, salt, salted)
            results = await controller.alter_scram_credentials([], [upsertion])
            assert all(result.error == 0 for result in results), results

        def present() -> bool:
            creds = broker.controller.image.scram_credentials  # type: ignore[union-attr]
            return all((user, m) in creds for m in mechanisms)

        await eventually(present)
        return
    import broker.server.server as server_module

    store: dict[tuple[str, str], Any] = broker.__dict__.setdefault("_test_credentials", {})
    for mechanism in mechanisms:
        store[(user, mechanism)] = credential_from_password(
            mechanism, password, secrets.token_bytes(32), iterations
        )
    monkeypatch.setattr(server_module, "_scram_credentials", lambda image: store)


# -- SASL on a wire client ---------------------------------------------------------------------


def client_nonce() -> str:
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
    first = await client.request(SaslAuthenticateRequest(auth_bytes=scram.first_message()), version)
    if first.error_code != 0:
        return first  # type: ignore[no-any-return]
    final = await client.request(
        SaslAuthenticateRequest(auth_bytes=scram.final_message(first.auth_bytes)), version
    )
    if final.error_code == 0:
        scram.verify_server_final(final.auth_bytes)
    return final  # type: ignore[no-any-return]
