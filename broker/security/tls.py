"""TLS contexts from a listener's ``ssl.*`` settings (``TlsSettings``), and a context that
follows its files when they change.

``server_context`` serves a listener: the broker's certificate chain and key (a PEM file, or
inline PEM), the CA certificates client certificates are checked against when
``ssl.client.auth`` asks for them, the protocol versions and TLS 1.2 cipher suites.
``client_context`` is the broker's side of connections to other brokers and to the controller
quorum: it checks the peer's certificate (and its host name unless
``ssl.endpoint.identification.algorithm`` is empty) and presents the broker's certificate if it
has one (mutual TLS). Anything wrong is a ``TlsError``: one line naming the setting and the file.

``ReloadingContext`` holds a context and rebuilds it when the files it was built from change
(certificates renewed in place): connections accepted afterwards get the new certificate, open
ones keep theirs.
"""

from __future__ import annotations

import logging
import os
import re
import ssl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Final

from broker.config import TlsSettings

__all__ = [
    "ReloadingContext",
    "TlsError",
    "client_context",
    "handshake_failures",
    "server_context",
]

log = logging.getLogger(__name__)

_VERSIONS: Final = {"TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}
_VERIFY: Final = {
    "none": ssl.CERT_NONE,
    "requested": ssl.CERT_OPTIONAL,
    "required": ssl.CERT_REQUIRED,
}
#: A PEM private key that needs a password (PKCS#8 encrypted, or OpenSSL's legacy header).
_ENCRYPTED_KEY: Final = re.compile(r"-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED")
#: IANA (Java) names of TLS 1.2 suites, as ``ssl.cipher.suites`` lists them for Kafka:
#: ``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`` is OpenSSL's ``ECDHE-RSA-AES128-GCM-SHA256``.
_IANA_SUITE: Final = re.compile(
    r"TLS_(?:(?P<kx>ECDHE|DHE)_(?P<auth>RSA|ECDSA)_|RSA_)WITH_"
    r"(?:AES_(?P<bits>128|256)_(?P<mode>GCM|CBC)|(?P<chacha>CHACHA20_POLY1305))_(?P<mac>SHA\d*)"
)
#: TLS 1.3's suites: always on in Python's ssl module (it cannot restrict them).
_TLS13_SUITES: Final = frozenset(
    {
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_CCM_SHA256",
        "TLS_AES_128_CCM_8_SHA256",
    }
)


class TlsError(ValueError):
    """A TLS setting or one of its files is unusable; the text is one line naming them."""


#: Where a TLS listener's refused handshakes are reported: whoever starts a handshake sets a
#: list here first (in the task that starts it; the transport runs the handshake in a copy of
#: that task's context, which holds the same list).
handshake_failures: ContextVar[list[ssl.SSLError] | None] = ContextVar(
    "handshake_failures", default=None
)


class _AlertingSSLObject(ssl.SSLObject):
    """The server's TLS object: a handshake that fails here (a client certificate that is
    expired or from an unknown CA) first reports "want read", so that the event loop sends
    the TLS alert OpenSSL queued — the client then learns why ("certificate expired",
    "unknown ca") instead of seeing the connection drop — and raises the failure at the next
    call (or the handshake ends when the client, alerted, closes)."""

    _failure: ssl.SSLCertVerificationError | None = None

    def do_handshake(self) -> None:
        if self._failure is not None:
            raise self._failure
        try:
            super().do_handshake()
        except ssl.SSLCertVerificationError as exc:
            # Only a refused certificate: other failures (plaintext on a TLS port) end at once.
            self._failure = exc
            failures = handshake_failures.get()
            if failures is not None:
                failures.append(exc)
            raise ssl.SSLWantReadError("the handshake failed; sending the alert first") from exc


def server_context(settings: TlsSettings) -> ssl.SSLContext:
    """The context a TLS listener accepts connections with."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.sslobject_class = _AlertingSSLObject
    _versions_and_ciphers(context, settings)
    if not _load_keystore(context, settings):
        raise TlsError(
            "a TLS listener needs a certificate and key: set ssl.keystore.location "
            "(or ssl.keystore.certificate.chain and ssl.keystore.key)"
        )
    context.verify_mode = _VERIFY[settings.client_auth]
    if settings.client_auth != "none" and not _load_truststore(context, settings):
        raise TlsError(
            f"ssl.client.auth={settings.client_auth} needs the CA certificates to check "
            "clients with: set ssl.truststore.location or ssl.truststore.certificates"
        )
    return context


def client_context(settings: TlsSettings) -> ssl.SSLContext:
    """The context a broker connects to another broker (or the controller quorum) with: the
    peer's certificate is checked against the truststore (the system's CAs if none is set),
    its host name too unless ``ssl.endpoint.identification.algorithm`` is empty; the broker's
    own certificate is presented if it has one."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    _versions_and_ciphers(context, settings)
    algorithm = settings.endpoint_identification_algorithm.strip().lower()
    if algorithm not in ("", "https"):
        raise TlsError(
            f"ssl.endpoint.identification.algorithm={algorithm}: only https (check the host "
            "name) or empty (do not) is supported"
        )
    context.check_hostname = algorithm == "https"
    context.verify_mode = ssl.CERT_REQUIRED
    if not _load_truststore(context, settings):
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    _load_keystore(context, settings)
    return context


class ReloadingContext:
    """A context built from ``settings`` and rebuilt by ``check()`` when its files change
    (their size, modification time or inode). A rebuild that fails keeps the old context and
    logs once (until the files change again)."""

    __slots__ = ("_build", "_context", "_failed", "_settings", "_stamp")

    def __init__(
        self, settings: TlsSettings, build: Callable[[TlsSettings], ssl.SSLContext]
    ) -> None:
        self._settings = settings
        self._build = build
        self._stamp = _stamp(settings)
        self._context = build(settings)
        self._failed: tuple[object, ...] | None = None

    @property
    def context(self) -> ssl.SSLContext:
        """The current context (for new connections)."""
        return self._context

    @property
    def files(self) -> tuple[Path, ...]:
        """The files the context is built from (watched by ``check``)."""
        return _files(self._settings)

    def check(self) -> bool:
        """Stat the files; rebuild the context if one changed. True if it was rebuilt."""
        stamp = _stamp(self._settings)
        if stamp == self._stamp:
            return False
        try:
            context = self._build(self._settings)
        except (TlsError, OSError, ssl.SSLError) as exc:
            if stamp != self._failed:
                self._failed = stamp
                log.warning("TLS files changed but do not load; keeping the old ones: %s", exc)
            return False
        self._context = context
        self._stamp = stamp
        self._failed = None
        log.info("TLS files changed: new connections use the new certificates")
        return True


# -- building ----------------------------------------------------------------------------------


def _versions_and_ciphers(context: ssl.SSLContext, settings: TlsSettings) -> None:
    versions = sorted(_VERSIONS[p] for p in settings.enabled_protocols if p in _VERSIONS)
    if not versions:
        raise TlsError(
            f"ssl.enabled.protocols={','.join(settings.enabled_protocols)}: "
            "enable TLSv1.2 and/or TLSv1.3"
        )
    context.minimum_version = versions[0]
    context.maximum_version = versions[-1]
    suites = [s.strip() for s in re.split(r"[,:]", settings.cipher_suites) if s.strip()]
    # TLS 1.3's suites cannot be restricted through Python's ssl module (OpenSSL's
    # SSL_CTX_set_ciphersuites is not exposed): they are left out here and stay all on.
    openssl_names = [_openssl_cipher(s) for s in suites if s not in _TLS13_SUITES]
    if openssl_names:
        try:
            context.set_ciphers(":".join(openssl_names))
        except ssl.SSLError:
            raise TlsError(
                f"ssl.cipher.suites={settings.cipher_suites}: OpenSSL knows none of these "
                "TLS 1.2 suites"
            ) from None


def _openssl_cipher(name: str) -> str:
    """An IANA suite name as OpenSSL's; anything else is taken as an OpenSSL cipher string."""
    match = _IANA_SUITE.fullmatch(name)
    if match is None:
        return name
    parts = [f"{match['kx']}-{match['auth']}"] if match["kx"] else []
    if match["chacha"]:
        parts.append("CHACHA20-POLY1305")
    elif match["mode"] == "GCM":
        parts += [f"AES{match['bits']}", "GCM", match["mac"]]
    else:
        parts += [f"AES{match['bits']}", match["mac"]]
    return "-".join(parts)


def _is_inline_pem(text: str) -> bool:
    return "-----BEGIN" in text


@contextmanager
def _pem_file(text: str) -> Iterator[str]:
    """``text`` in a temporary file readable by its owner only, deleted on exit (the ssl
    module loads certificate chains and keys from paths only)."""
    fd, name = tempfile.mkstemp(prefix="samsa-tls-", suffix=".pem")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        yield name
    finally:
        os.unlink(name)


def _read_text(path: Path, setting: str) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError as exc:
        raise TlsError(f"{setting} {path}: cannot read it ({exc.strerror or exc})") from None


def _load_keystore(context: ssl.SSLContext, settings: TlsSettings) -> bool:
    """Load the certificate chain and key into ``context``; False if none is configured."""
    key = settings.keystore_key
    if settings.keystore_location is not None:
        where = f"ssl.keystore.location {settings.keystore_location}"
        cert_text = _read_text(settings.keystore_location, "ssl.keystore.location")
        if key is None:
            _load_chain(context, str(settings.keystore_location), None, cert_text, where, settings)
        elif _is_inline_pem(key):
            with _pem_file(key) as key_path:
                _load_chain(
                    context, str(settings.keystore_location), key_path, key, where, settings
                )
        else:
            key_file = Path(key).expanduser()
            where += f" with ssl.keystore.key {key_file}"
            key_text = _read_text(key_file, "ssl.keystore.key")
            _load_chain(
                context, str(settings.keystore_location), str(key_file), key_text, where, settings
            )
        return True
    chain = settings.keystore_certificate_chain
    if chain is None or key is None:
        return False
    where = "ssl.keystore.certificate.chain with ssl.keystore.key"
    with _pem_file(chain) as chain_path:
        if _is_inline_pem(key):
            with _pem_file(key) as key_path:
                _load_chain(context, chain_path, key_path, key, where, settings)
        else:
            key_file = Path(key).expanduser()
            key_text = _read_text(key_file, "ssl.keystore.key")
            _load_chain(
                context, chain_path, str(key_file), key_text, where + f" {key_file}", settings
            )
    return True


def _load_chain(
    context: ssl.SSLContext,
    cert_path: str,
    key_path: str | None,
    key_text: str,
    where: str,
    settings: TlsSettings,
) -> None:
    encrypted = _ENCRYPTED_KEY.search(key_text) is not None

    def no_password() -> str:
        # Without this OpenSSL would ask for the password on the terminal.
        raise TlsError(f"{where}: the private key is encrypted: set ssl.key.password")

    password: str | Callable[[], str] = (
        settings.key_password if settings.key_password is not None else no_password
    )
    try:
        context.load_cert_chain(cert_path, key_path, password=password)
    except ssl.SSLError as exc:
        reason = exc.reason or str(exc)
        if encrypted and settings.key_password is not None:
            hint = "wrong ssl.key.password, or not a PEM key"
        elif reason == "KEY_VALUES_MISMATCH":
            hint = "the private key is not the certificate's"
        else:
            hint = f"not a PEM certificate chain and private key ({reason})"
        raise TlsError(f"{where}: {hint}") from None
    except OSError as exc:
        raise TlsError(f"{where}: cannot read it ({exc.strerror or exc})") from None


def _load_truststore(context: ssl.SSLContext, settings: TlsSettings) -> bool:
    """Load the CA certificates into ``context``; False if none are configured."""
    location, inline = settings.truststore_location, settings.truststore_certificates
    if location is None and inline is None:
        return False
    where = "ssl.truststore.certificates"
    try:
        if location is not None:
            where = f"ssl.truststore.location {location}"
            context.load_verify_locations(cafile=str(location))
        if inline is not None:
            where = "ssl.truststore.certificates"
            context.load_verify_locations(cadata=inline)
    except ssl.SSLError as exc:
        raise TlsError(f"{where}: no PEM CA certificate in it ({exc.reason or exc})") from None
    except OSError as exc:
        raise TlsError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    return True


# -- watching ----------------------------------------------------------------------------------


def _files(settings: TlsSettings) -> tuple[Path, ...]:
    files: list[Path] = []
    if settings.keystore_location is not None:
        files.append(settings.keystore_location)
    key = settings.keystore_key
    if key is not None and not _is_inline_pem(key):
        files.append(Path(key).expanduser())
    if settings.truststore_location is not None:
        files.append(settings.truststore_location)
    return tuple(files)


def _stamp(settings: TlsSettings) -> tuple[object, ...]:
    """What ``check`` compares: each file's inode, size and modification time (None for a
    file that cannot be read)."""
    out: list[object] = []
    for path in _files(settings):
        try:
            st = path.stat()
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)
