"""How a client secures its connections: TLS, and SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).

``ClientSecurity.from_config`` reads a client's ``security.protocol``, ``ssl.*`` and
``sasl.*`` options once and builds the ``ssl.SSLContext`` (the system's CAs unless
``ssl.ca.location`` names a PEM bundle; a client certificate for mutual TLS when
``ssl.key.location`` is set). Every ``Connection`` a client opens gets the same
``ClientSecurity``: it wraps the socket in TLS (checking the broker's hostname unless
``ssl.endpoint.identification.algorithm`` is off), negotiates versions, then authenticates
with SaslHandshake v1 and SaslAuthenticate (``client.connection``).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from client.errors import ConfigError

if TYPE_CHECKING:
    from client.config import ClientConfig

__all__ = ["SECURITY_PROTOCOLS", "ClientSecurity", "ssl_context"]

#: Kafka's security protocols: (uses TLS, uses SASL).
SECURITY_PROTOCOLS: Final = {
    "PLAINTEXT": (False, False),
    "SSL": (True, False),
    "SASL_PLAINTEXT": (False, True),
    "SASL_SSL": (True, True),
}


@dataclass(frozen=True)
class ClientSecurity:
    """The security of every connection a client opens (PLAINTEXT by default)."""

    protocol: str = "PLAINTEXT"
    ssl_context: ssl.SSLContext | None = None
    check_hostname: bool = True
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.protocol not in SECURITY_PROTOCOLS:
            raise ConfigError(
                f"security.protocol is one of {', '.join(SECURITY_PROTOCOLS)}, "
                f"not {self.protocol!r}"
            )
        if self.uses_sasl and (
            self.sasl_mechanism is None or self.sasl_username is None or self.sasl_password is None
        ):
            raise ConfigError(
                f"security.protocol={self.protocol} needs sasl.mechanism, sasl.username and "
                "sasl.password"
            )

    @property
    def uses_tls(self) -> bool:
        """SSL or SASL_SSL."""
        return SECURITY_PROTOCOLS[self.protocol][0]

    @property
    def uses_sasl(self) -> bool:
        """SASL_PLAINTEXT or SASL_SSL."""
        return SECURITY_PROTOCOLS[self.protocol][1]

    def tls_context(self) -> ssl.SSLContext:
        """The context to wrap a connection in (a default one when none was given)."""
        if self.ssl_context is not None:
            return self.ssl_context
        context = ssl.create_default_context()
        context.check_hostname = self.check_hostname
        return context

    @classmethod
    def from_config(cls, config: ClientConfig) -> ClientSecurity:
        """The security a client's options ask for; ``ConfigError`` (one line) when a
        certificate, key or CA file cannot be used."""
        protocol = config.security_protocol
        check_hostname = config.ssl_endpoint_identification_algorithm != ""
        context = None
        if SECURITY_PROTOCOLS[protocol][0]:
            context = ssl_context(
                ca_location=config.ssl_ca_location,
                certificate_location=config.ssl_certificate_location,
                key_location=config.ssl_key_location,
                key_password=config.ssl_key_password,
                check_hostname=check_hostname,
            )
        return cls(
            protocol=protocol,
            ssl_context=context,
            check_hostname=check_hostname,
            sasl_mechanism=config.sasl_mechanism,
            sasl_username=config.sasl_username,
            sasl_password=config.sasl_password,
        )


def ssl_context(
    *,
    ca_location: str | None = None,
    certificate_location: str | None = None,
    key_location: str | None = None,
    key_password: str | None = None,
    check_hostname: bool = True,
) -> ssl.SSLContext:
    """A client TLS context: verifies the broker's certificate against ``ca_location`` (the
    system's CAs without it), its hostname unless ``check_hostname`` is off, TLS 1.2 or newer;
    presents a client certificate when ``key_location`` is set (the chain from
    ``certificate_location``, or from the key's own file). ``ConfigError`` naming the file."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = check_hostname
    context.verify_mode = ssl.CERT_REQUIRED
    if ca_location is not None:
        try:
            context.load_verify_locations(cafile=ca_location)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"ssl.ca.location {ca_location!r}: {_reason(exc)}") from None
    if key_location is not None:
        chain = certificate_location or key_location
        try:
            context.load_cert_chain(chain, key_location, password=key_password)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"cannot load the client certificate {chain!r} with key {key_location!r}: "
                f"{_reason(exc)}"
            ) from None
    elif certificate_location is not None:
        raise ConfigError("ssl.certificate.location needs ssl.key.location")
    return context


def _reason(exc: OSError | ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLError):
        return ssl_reason(exc)
    return exc.strerror or str(exc)


def ssl_reason(exc: ssl.SSLError) -> str:
    """An SSL error as a short line: ``certificate verify failed: self-signed certificate``."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or ""
        return f"certificate verify failed: {detail}" if detail else "certificate verify failed"
    if exc.reason:
        return str(exc.reason).lower().replace("_", " ")
    return str(exc.args[1] if len(exc.args) > 1 else exc)
