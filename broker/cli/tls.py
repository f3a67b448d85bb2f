"""``samsa tls init DIR``: a development certificate authority, a broker certificate and client
certificates, to try TLS (and mutual TLS) without a PKI.

The certificate making is in plain functions (``make_ca``, ``issue``) that take the time as an
argument, so tests make valid, expired and untrusted certificates with them. Keys are EC P-256
(small and fast; every TLS 1.2/1.3 client has it). Not for production: the CA key sits beside
the certificates it signed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import click

from client.cli import CliError

__all__ = ["Issued", "issue", "make_ca", "tls", "write_private"]

#: Default validity of the certificates ``tls init`` makes: a year (browsers cap server
#: certificates at 398 days; a development setup outlives a few weeks).
DEFAULT_DAYS: Final = 365
#: A certificate is valid from a little before "now", so that a clock slightly behind on the
#: other end still accepts it.
_BACKDATE: Final = timedelta(minutes=5)
#: The client certificate made when no ``--client`` is given.
DEFAULT_CLIENT: Final = "client"


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate and its private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes


def make_ca(common_name: str, *, now: datetime, days: int = DEFAULT_DAYS) -> Issued:
    """A self-signed CA certificate (may sign certificates, not other CAs)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
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
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(_cert_pem(cert), _key_pem(key, None))


def issue(
    ca: Issued,
    common_name: str,
    *,
    now: datetime,
    days: int = DEFAULT_DAYS,
    hostnames: Sequence[str] = (),
    server: bool = True,
    client: bool = True,
    organizational_unit: str | None = None,
    key_password: str | None = None,
) -> Issued:
    """A certificate signed by ``ca`` for ``common_name``, with ``hostnames`` (names or IP
    addresses) as subject alternative names, usable by a TLS server and/or client; the key is
    encrypted with ``key_password`` if given."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem)
    ca_key = serialization.load_pem_private_key(ca.key_pem, None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError("the CA key is not an EC key")
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organizational_unit is not None:
        attributes.insert(
            0, x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, organizational_unit)
        )
    usages = [
        *([ExtendedKeyUsageOID.SERVER_AUTH] if server else []),
        *([ExtendedKeyUsageOID.CLIENT_AUTH] if client else []),
    ]
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if hostnames:
        names: list[x509.GeneralName] = []
        for host in dict.fromkeys(hostnames):
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return Issued(_cert_pem(cert), _key_pem(key, key_password))


def _cert_pem(cert: object) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    assert isinstance(cert, x509.Certificate)
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: object, password: str | None) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    assert isinstance(key, ec.EllipticCurvePrivateKey)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (0600), replacing the file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT


@click.group()
def tls() -> None:
    """TLS certificates for development."""


@tls.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--hostname",
    "hostnames",
    multiple=True,
    help="Another name or address of the broker (besides localhost, 127.0.0.1, ::1 and this "
    "machine's name). Repeatable.",
)
@click.option(
    "--client",
    "clients",
    multiple=True,
    help=f"Make a client certificate with this CN (default: one named {DEFAULT_CLIENT!r}). "
    "Repeatable.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    default=DEFAULT_DAYS,
    show_default=True,
    help="Validity of the certificates.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(
    directory: Path, hostnames: tuple[str, ...], clients: tuple[str, ...], days: int, force: bool
) -> None:
    """Make a development CA, a broker certificate and client certificates in DIRECTORY, and
    print the broker and client settings that use them."""
    names = list(clients) or [DEFAULT_CLIENT]
    for name in names:
        if not name or "/" in name or name in ("ca", "broker") or name.startswith("."):
            raise click.BadParameter(f"{name!r} cannot name a client file", param_hint="--client")
    directory = directory.expanduser().absolute()
    files = ["ca.crt", "ca.key", "broker.crt", "broker.key"]
    files += [f"{n}.{ext}" for n in names for ext in ("crt", "key")]
    if not force:
        for file in files:
            if (directory / file).exists():
                raise CliError(f"{directory / file} exists (--force overwrites it)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {directory}: {exc.strerror or exc}") from None
    for hostname in hostnames:
        if not hostname.isascii() or not hostname or any(c.isspace() for c in hostname):
            raise click.BadParameter(
                f"{hostname!r} is not an IP address or an ASCII host name", param_hint="--hostname"
            )
    now = datetime.now(UTC)
    ca = make_ca("Samsa development CA", now=now, days=days)
    broker_names = ["localhost", "127.0.0.1", "::1", socket.gethostname(), *hostnames]
    try:
        broker = issue(
            ca,
            hostnames[0] if hostnames else "localhost",
            now=now,
            days=days,
            hostnames=broker_names,
        )
        made = {"ca": ca, "broker": broker}
        for name in names:
            made[name] = issue(ca, name, now=now, days=days, server=False)
    except ValueError as exc:
        raise CliError(f"cannot make the certificates: {exc}") from None
    try:
        for stem, issued in made.items():
            (directory / f"{stem}.crt").write_bytes(issued.cert_pem)
            write_private(directory / f"{stem}.key", issued.key_pem)
    except OSError as exc:
        raise CliError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    host = hostnames[0] if hostnames else "localhost"
    first = names[0]
    click.echo(
        "\n".join(
            [
                f"# Made in {directory}: ca.crt, broker.crt, "
                + ", ".join(f"{n}.crt" for n in names)
                + " (and their .key files, 0600).",
                "# Broker settings (server.properties):",
                *(
                    ["listeners=SSL://0.0.0.0:9093", f"advertised.listeners=SSL://{host}:9093"]
                    if hostnames
                    else ["listeners=SSL://localhost:9093"]
                ),
                f"ssl.keystore.location={directory / 'broker.crt'}",
                f"ssl.keystore.key={directory / 'broker.key'}",
                f"ssl.truststore.location={directory / 'ca.crt'}",
                "ssl.client.auth=required",
                "",
                f"# Client settings ({first}):",
                "security.protocol=SSL",
                f"ssl.ca.location={directory / 'ca.crt'}",
                f"ssl.certificate.location={directory / f'{first}.crt'}",
                f"ssl.key.location={directory / f'{first}.key'}",
            ]
        )
    )
