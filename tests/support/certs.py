"""Certificates for tests: a CA, and server and client certificates it signs (or not).

Every certificate a test uses comes from here. Made with the ``cryptography`` package, small
and fast (EC P-256 keys); a certificate's subject is ``CN=<name>`` with ``O=Samsa tests``
(printed ``O=Samsa tests,CN=<name>`` in RFC 2253, as Kafka's principal mapping reads it).
``write_pem`` writes a certificate and its key as the files Samsa and Kafka's clients read,
``write_keystore`` both in one PEM file (a PEM key store: ``ssl.keystore.location`` alone),
``write_cert`` the certificate only (a CA file: ``ssl.truststore.location``).

``server_context`` and ``client_context`` are the standard library's contexts for the other end
of a connection under test (a TLS server that a client under test connects to, a client that
connects to a listener under test), built without Samsa's own TLS code. ``handshake`` runs a
server context against a client context over a socket pair and tells what each side saw.

(``samsa tls init`` makes its certificates with ``broker.cli.tls``: subjects of a CN alone.
These carry the organisation too, which the principal-mapping tests rely on.)
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "Issued",
    "Outcome",
    "client_context",
    "handshake",
    "issue",
    "make_ca",
    "server_context",
]

#: Socket timeouts of a ``handshake``: far above what one takes on a loaded machine.
HANDSHAKE_TIMEOUT_S: Final = 10.0


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self, password: str | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password.encode())
            if password
            else serialization.NoEncryption()
        )
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def write_pem(
        self, directory: Path, name: str, password: str | None = None
    ) -> tuple[Path, Path]:
        """``name.crt`` and ``name.key`` in ``directory``; their paths."""
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
        cert_path.write_bytes(self.cert_pem)
        key_path.write_bytes(self.key_pem(password))
        key_path.chmod(0o600)
        return cert_path, key_path

    def write_keystore(self, directory: Path, name: str, password: str | None = None) -> Path:
        """``name.pem`` in ``directory``: the certificate and its key in one file."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.pem"
        path.write_bytes(self.cert_pem + self.key_pem(password))
        path.chmod(0o600)
        return path

    def write_cert(self, directory: Path, name: str) -> Path:
        """``name.crt`` in ``directory``: the certificate alone."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.crt"
        path.write_bytes(self.cert_pem)
        return path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Samsa tests"),
        ]
    )


def make_ca(common_name: str = "Samsa test CA") -> Issued:
    """A self-signed CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def issue(
    ca: Issued,
    common_name: str,
    *,
    hosts: tuple[str, ...] = ("localhost", "127.0.0.1"),
    expired: bool = False,
) -> Issued:
    """A certificate signed by ``ca`` for ``common_name``, valid for ``hosts`` (DNS names and
    IP addresses; none: no subject alternative names, a client's certificate) as a server and
    as a client; ``expired``: its validity ended yesterday."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    if expired:
        start, end = now - datetime.timedelta(days=3), now - datetime.timedelta(days=1)
    else:
        start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=2)
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def server_context(issued: Issued, client_ca: Issued | None = None) -> ssl.SSLContext:
    """A TLS server's context presenting ``issued``; with ``client_ca``, it requires a client
    certificate that CA signed (mutual TLS)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _load(context, issued)
    if client_ca is not None:
        context.load_verify_locations(cadata=client_ca.cert_pem.decode())
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(
    ca: Issued, issued: Issued | None = None, *, check_hostname: bool = True
) -> ssl.SSLContext:
    """A TLS client's context trusting ``ca`` (host names checked unless ``check_hostname`` is
    off) and presenting ``issued``, if given, as its client certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = check_hostname
    context.load_verify_locations(cadata=ca.cert_pem.decode())
    if issued is not None:
        _load(context, issued)
    return context


def _load(context: ssl.SSLContext, issued: Issued) -> None:
    # The ssl module loads a certificate and key from files only; they are read at once.
    with tempfile.TemporaryDirectory(prefix="samsa-certs-") as directory:
        cert_path, key_path = issued.write_pem(Path(directory), "pem")
        context.load_cert_chain(cert_path, key_path)


@dataclass
class Outcome:
    """What a ``handshake`` gave each side."""

    server_error: BaseException | None = None
    client_error: BaseException | None = None
    client_peercert: dict[str, Any] | None = field(default=None)
    server_cert_der: bytes | None = None
    cipher: str | None = None

    @property
    def ok(self) -> bool:
        """Whether both sides finished the handshake and exchanged a byte."""
        return self.server_error is None and self.client_error is None


def handshake(
    server: ssl.SSLContext, client: ssl.SSLContext, hostname: str = "localhost"
) -> Outcome:
    """A TLS handshake over a socket pair, then one byte each way (so that a client
    certificate the server refuses under TLS 1.3 fails the client too)."""
    a, b = socket.socketpair()
    a.settimeout(HANDSHAKE_TIMEOUT_S)
    b.settimeout(HANDSHAKE_TIMEOUT_S)
    out = Outcome()

    def serve() -> None:
        try:
            with server.wrap_socket(a, server_side=True) as s:
                out.client_peercert = s.getpeercert()
                s.sendall(b"s")
                s.recv(1)
        except (OSError, ssl.SSLError) as exc:
            out.server_error = exc
            a.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client.wrap_socket(b, server_hostname=hostname) as c:
            out.server_cert_der = c.getpeercert(binary_form=True)
            out.cipher = (c.cipher() or ("",))[0]
            if c.recv(1) != b"s":
                raise ConnectionError("the server closed the connection")
            c.sendall(b"c")
    except (OSError, ssl.SSLError) as exc:
        out.client_error = exc
        b.close()
    thread.join(HANDSHAKE_TIMEOUT_S)
    assert not thread.is_alive()
    return out
