"""TLS contexts from ``TlsSettings``: real handshakes over a socket pair with certificates from
``support.certs`` (trusted, untrusted, expired, with and without a client certificate), the
one-line errors, and a context that reloads its files."""

from __future__ import annotations

import logging
import os
import ssl
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from support.certs import Issued, handshake, issue, make_ca

from broker.config import TlsSettings
from broker.security.principal import PrincipalMapper, distinguished_name
from broker.security.tls import ReloadingContext, TlsError, client_context, server_context

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def ca() -> Issued:
    return make_ca("test CA")


@pytest.fixture(scope="module")
def other_ca() -> Issued:
    return make_ca("someone else's CA")


def _write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def settings(**kw: Any) -> TlsSettings:
    base = TlsSettings(
        keystore_location=None,
        keystore_certificate_chain=None,
        keystore_key=None,
        key_password=None,
        truststore_location=None,
        truststore_certificates=None,
        client_auth="none",
        enabled_protocols=("TLSv1.2", "TLSv1.3"),
        cipher_suites="",
        endpoint_identification_algorithm="https",
    )
    return replace(base, **kw)


def keystore(
    directory: Path, issued: Issued, stem: str = "broker", password: str | None = None
) -> TlsSettings:
    """Settings with ``issued`` as one PEM file holding the chain and the key (encrypted with
    ``password``)."""
    return settings(keystore_location=issued.write_keystore(directory, stem, password))


def _der(issued: Issued) -> bytes:
    return ssl.PEM_cert_to_DER_cert(issued.cert_pem.decode())


def test_server_authenticated_handshake(tmp_path: Path, ca: Issued) -> None:
    broker = issue(ca, "localhost", hosts=("localhost", "127.0.0.1"))
    server = server_context(keystore(tmp_path, broker))
    assert server.verify_mode == ssl.CERT_NONE
    trust = settings(truststore_location=_write(tmp_path, "ca.crt", ca.cert_pem))
    client = client_context(trust)
    assert client.check_hostname and client.verify_mode == ssl.CERT_REQUIRED
    out = handshake(server, client)
    assert out.ok, out
    assert out.server_cert_der == _der(broker)
    assert not out.client_peercert  # no client certificate asked for
    # The host name is checked...
    assert isinstance(handshake(server, client, "elsewhere.example").client_error, ssl.SSLError)
    # ...unless ssl.endpoint.identification.algorithm is empty.
    lax = client_context(replace(trust, endpoint_identification_algorithm=""))
    assert not lax.check_hostname
    assert handshake(server, lax, "elsewhere.example").ok


def test_mutual_tls_gives_the_client_certificate_to_the_principal_mapper(
    tmp_path: Path, ca: Issued
) -> None:
    broker = issue(ca, "localhost", hosts=("localhost",))
    alice = issue(ca, "alice", hosts=())
    ca_file = _write(tmp_path, "ca.crt", ca.cert_pem)
    server_settings = replace(
        keystore(tmp_path, broker), truststore_location=ca_file, client_auth="required"
    )
    server = server_context(server_settings)
    assert server.verify_mode == ssl.CERT_REQUIRED
    client = client_context(
        replace(keystore(tmp_path, alice, "alice"), truststore_location=ca_file)
    )
    out = handshake(server, client)
    assert out.ok, out
    assert out.client_peercert is not None
    dn = distinguished_name(out.client_peercert)
    assert dn == "O=Samsa tests,CN=alice"
    assert PrincipalMapper("RULE:^O=[^,]*,CN=(.*)$/$1/").principal_for_dn(dn) == "User:alice"
    # Without a client certificate: refused when required, accepted when only requested.
    anonymous = client_context(settings(truststore_location=ca_file))
    assert not handshake(server, anonymous).ok
    requested = server_context(replace(server_settings, client_auth="requested"))
    assert requested.verify_mode == ssl.CERT_OPTIONAL
    out = handshake(requested, anonymous)
    assert out.ok, out
    assert not out.client_peercert


def test_untrusted_and_expired_certificates_are_refused(
    tmp_path: Path, ca: Issued, other_ca: Issued
) -> None:
    ca_file = _write(tmp_path, "ca.crt", ca.cert_pem)
    trust = settings(truststore_location=ca_file)
    good = issue(ca, "localhost", hosts=("localhost",))
    stranger = issue(other_ca, "localhost", hosts=("localhost",))
    expired = issue(ca, "localhost", hosts=("localhost",), expired=True)
    client = client_context(trust)
    for bad in (stranger, expired):
        out = handshake(server_context(keystore(tmp_path, bad)), client)
        assert isinstance(out.client_error, ssl.SSLCertVerificationError), out
    # The same for client certificates, at a server that requires one.
    server = server_context(
        replace(keystore(tmp_path, good), truststore_location=ca_file, client_auth="required")
    )
    for name, bad in (
        ("stranger", issue(other_ca, "mallory", hosts=())),
        ("expired", issue(ca, "old", hosts=(), expired=True)),
    ):
        client = client_context(replace(keystore(tmp_path, bad, name), truststore_location=ca_file))
        out = handshake(server, client)
        assert isinstance(out.server_error, ssl.SSLError), (name, out)
        assert not out.ok


def test_inline_pem_and_a_separate_key_file(
    tmp_path: Path, ca: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    broker = issue(ca, "localhost", hosts=("localhost",))
    inline = settings(
        keystore_certificate_chain=broker.cert_pem.decode(),
        keystore_key=broker.key_pem().decode(),
    )
    client = client_context(settings(truststore_certificates=ca.cert_pem.decode()))
    assert handshake(server_context(inline), client).ok
    # Inline chain, key in a file; chain in a file, key in another (Samsa's reading of
    # ssl.keystore.key as a path); chain in a file, key inline.
    key_file = _write(tmp_path, "broker.key", broker.key_pem())
    cert_file = _write(tmp_path, "broker.crt", broker.cert_pem)
    for variant in (
        replace(inline, keystore_key=str(key_file)),
        settings(keystore_location=cert_file, keystore_key=str(key_file)),
        settings(keystore_location=cert_file, keystore_key=broker.key_pem().decode()),
    ):
        assert handshake(server_context(variant), client).ok, variant
    assert list(scratch.iterdir()) == []  # the temporary PEM files are gone


def test_encrypted_keys(tmp_path: Path, ca: Issued) -> None:
    broker = issue(ca, "localhost", hosts=("localhost",))
    assert b"ENCRYPTED" in broker.key_pem("s3cret")
    encrypted = keystore(tmp_path, broker, password="s3cret")
    client = client_context(settings(truststore_location=_write(tmp_path, "ca", ca.cert_pem)))
    assert handshake(server_context(replace(encrypted, key_password="s3cret")), client).ok
    with pytest.raises(TlsError, match=r"the private key is encrypted: set ssl\.key\.password"):
        server_context(encrypted)
    with pytest.raises(TlsError, match=r"wrong ssl\.key\.password"):
        server_context(replace(encrypted, key_password="guess"))


def test_protocol_versions_and_cipher_suites(tmp_path: Path, ca: Issued) -> None:
    broker = keystore(tmp_path, issue(ca, "localhost", hosts=("localhost",)))
    trust = settings(truststore_location=_write(tmp_path, "ca", ca.cert_pem))
    only13 = server_context(replace(broker, enabled_protocols=("TLSv1.3",)))
    assert only13.minimum_version == only13.maximum_version == ssl.TLSVersion.TLSv1_3
    only12 = client_context(replace(trust, enabled_protocols=("TLSv1.2",)))
    assert only12.maximum_version == ssl.TLSVersion.TLSv1_2
    assert not handshake(only13, only12).ok
    # Kafka's (IANA) suite names are OpenSSL's; TLS 1.3 names in the list are ignored.
    suites = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256"
    server = server_context(replace(broker, cipher_suites=suites))
    out = handshake(server, only12)
    assert out.ok, out
    assert out.cipher == "ECDHE-ECDSA-AES256-GCM-SHA384"
    out = handshake(
        server_context(replace(broker, cipher_suites="ECDHE-ECDSA-CHACHA20-POLY1305")), only12
    )
    assert out.cipher == "ECDHE-ECDSA-CHACHA20-POLY1305"


def test_errors_are_one_line_naming_the_setting_and_file(tmp_path: Path, ca: Issued) -> None:
    broker = issue(ca, "localhost")
    other = issue(ca, "other")
    cert_file = _write(tmp_path, "broker.crt", broker.cert_pem)
    junk = _write(tmp_path, "junk.pem", b"not PEM at all\n")
    missing = tmp_path / "missing.pem"
    cases: list[tuple[TlsSettings, str]] = [
        (settings(), "needs a certificate and key: set ssl.keystore.location"),
        (
            settings(keystore_location=missing),
            f"ssl.keystore.location {missing}: cannot read it",
        ),
        (settings(keystore_location=junk), f"ssl.keystore.location {junk}: not a PEM"),
        (
            settings(keystore_location=cert_file, keystore_key=other.key_pem().decode()),
            "the private key is not the certificate's",
        ),
        (
            settings(keystore_location=cert_file, keystore_key=str(missing)),
            f"ssl.keystore.key {missing}: cannot read it",
        ),
        (
            replace(keystore(tmp_path, broker), client_auth="required"),
            "ssl.client.auth=required needs the CA certificates",
        ),
        (
            replace(keystore(tmp_path, broker), client_auth="requested", truststore_location=junk),
            f"ssl.truststore.location {junk}: no PEM CA certificate",
        ),
        (
            replace(
                keystore(tmp_path, broker), client_auth="required", truststore_location=missing
            ),
            f"ssl.truststore.location {missing}: cannot read it",
        ),
        (
            replace(
                keystore(tmp_path, broker), client_auth="required", truststore_certificates="junk"
            ),
            "ssl.truststore.certificates: no PEM CA certificate",
        ),
        (replace(keystore(tmp_path, broker), cipher_suites="NOPE-NOPE"), "ssl.cipher.suites"),
        (replace(keystore(tmp_path, broker), enabled_protocols=()), "ssl.enabled.protocols"),
    ]
    for bad, fragment in cases:
        with pytest.raises(TlsError) as caught:
            server_context(bad)
        assert fragment in str(caught.value), (fragment, str(caught.value))
        assert "\n" not in str(caught.value)
    with pytest.raises(TlsError, match=r"ssl\.endpoint\.identification\.algorithm"):
        client_context(settings(endpoint_identification_algorithm="ldaps"))


def test_reloading_context_serves_the_new_certificate_to_the_next_connection(
    tmp_path: Path, ca: Issued, caplog: pytest.LogCaptureFixture
) -> None:
    first = issue(ca, "localhost", hosts=("localhost",))
    second = issue(ca, "localhost", hosts=("localhost",))
    cert_file = _write(tmp_path, "broker.crt", first.cert_pem)
    key_file = _write(tmp_path, "broker.key", first.key_pem())
    reloading = ReloadingContext(
        settings(keystore_location=cert_file, keystore_key=str(key_file)), server_context
    )
    assert reloading.files == (cert_file, key_file)
    client = client_context(settings(truststore_location=_write(tmp_path, "ca", ca.cert_pem)))
    assert handshake(reloading.context, client).server_cert_der == _der(first)
    assert reloading.check() is False

    # Renewed in place, as certificate managers do (write aside, rename over).
    for path, data in ((cert_file, second.cert_pem), (key_file, second.key_pem())):
        _write(tmp_path, path.name + ".new", data).replace(path)
    assert reloading.check() is True
    assert handshake(reloading.context, client).server_cert_der == _der(second)
    assert reloading.check() is False

    # A half-done renewal (a certificate without its key) keeps the old context, logged once.
    kept = reloading.context
    _write(tmp_path, "broker.crt.new", first.cert_pem).replace(cert_file)
    with caplog.at_level(logging.WARNING, logger="broker.security.tls"):
        assert reloading.check() is False
        assert reloading.check() is False
    assert reloading.context is kept
    warnings = [r for r in caplog.records if "do not load" in r.getMessage()]
    assert len(warnings) == 1
    assert handshake(reloading.context, client).server_cert_der == _der(second)
    # The key arrives: the pair loads.
    _write(tmp_path, "broker.key.new", first.key_pem()).replace(key_file)
    assert reloading.check() is True
    assert handshake(reloading.context, client).server_cert_der == _der(first)
    assert os.stat(key_file).st_size > 0
