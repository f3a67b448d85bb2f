"""A throw-away certificate authority for TLS tests: a CA and leaf certificates it signs.

``Pki(directory)`` makes a CA (``ca_pem``); ``pki.issue("broker-1")`` writes a certificate for
``CN=broker-1`` valid for 127.0.0.1 and localhost, with its key, as PEM files and returns their
paths. Keys are EC P-256: quick to make. ``server_context`` / ``client_context`` build the
standard library's contexts from them directly (mutual TLS), for tests below the broker's own
context builders.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

#: Validity of the test certificates: long enough for any test run.
VALIDITY: Final = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Issued:
    """A leaf certificate and its key, as PEM files (``chain`` holds both, key last)."""

    cert: Path
    key: Path
    chain: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class Pki:
    """A CA in ``directory`` that issues leaf certificates."""

    def __init__(self, directory: Path, name: str = "Samsa Test CA") -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        self._name = _name(name)
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(self._name)
            .issuer_name(self._name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        self.ca_pem = directory / f"{name.replace(' ', '-').lower()}.pem"
        self.ca_pem.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(
        self, common_name: str, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    ) -> Issued:
        """A certificate for ``CN=common_name`` (server and client use) valid for ``hosts``."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self._name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        issued = Issued(
            cert=self.directory / f"{common_name}.crt",
            key=self.directory / f"{common_name}.key",
            chain=self.directory / f"{common_name}.pem",
        )
        issued.cert.write_bytes(cert_pem)
        issued.key.write_bytes(_key_pem(key))
        issued.chain.write_bytes(cert_pem + _key_pem(key))
        return issued


def server_context(issued: Issued, ca: Path) -> ssl.SSLContext:
    """A server context that requires a client certificate signed by ``ca`` (mutual TLS)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(issued.cert, issued.key)
    context.load_verify_locations(cafile=ca)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(issued: Issued | None, ca: Path) -> ssl.SSLContext:
    """A client context trusting ``ca`` (host names checked) that presents ``issued``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=ca)
    if issued is not None:
        context.load_cert_chain(issued.cert, issued.key)
    return context


@dataclass(frozen=True)
class _TlsSettings:
    """The fields of the broker's ``TlsSettings``, where the config does not have it yet."""

    keystore_location: Path | None
    keystore_certificate_chain: str | None
    keystore_key: str | None
    key_password: str | None
    truststore_location: Path | None
    truststore_certificates: str | None
    client_auth: str
    enabled_protocols: tuple[str, ...]
    cipher_suites: str
    endpoint_identification_algorithm: str


def tls_settings(
    ca: Path, issued: Issued, *, client_auth: str = "none", algorithm: str = "https"
) -> Any:
    """A listener's resolved ``ssl.*`` settings: key store ``issued`` (one PEM file, chain and
    key), trust store ``ca``."""
    import broker.config

    settings_class: Any = getattr(broker.config, "TlsSettings", _TlsSettings)
    return settings_class(
        keystore_location=issued.chain,
        keystore_certificate_chain=None,
        keystore_key=None,
        key_password=None,
        truststore_location=ca,
        truststore_certificates=None,
        client_auth=client_auth,
        enabled_protocols=("TLSv1.2", "TLSv1.3"),
        cipher_suites="",
        endpoint_identification_algorithm=algorithm,
    )


def _settings_server_context(settings: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(settings.keystore_location)
    context.load_verify_locations(cafile=settings.truststore_location)
    context.verify_mode = {
        "required": ssl.CERT_REQUIRED,
        "requested": ssl.CERT_OPTIONAL,
    }.get(settings.client_auth, ssl.CERT_NONE)
    return context


def _settings_client_context(settings: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=settings.truststore_location)
    context.load_cert_chain(settings.keystore_location)
    context.check_hostname = settings.endpoint_identification_algorithm == "https"
    return context


def install_tls_stand_in() -> None:
    """Where the broker's TLS context builders (``broker.security.tls``) are missing, put a
    minimal stand-in in their place (key store and trust store from PEM files only)."""
    try:
        import broker.security.tls  # noqa: F401
    except ImportError:
        module = types.ModuleType("broker.security.tls")
        module.__dict__.update(
            server_context=_settings_server_context, client_context=_settings_client_context
        )
        sys.modules["broker.security.tls"] = module
