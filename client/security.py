"""How a client connection is secured: TLS and SASL settings (``ClientSecurity``).

Placeholder with the shared fields only; the client's own module (``from_config`` and the
connection's use of it) replaces this file.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

__all__ = ["ClientSecurity"]


@dataclass(frozen=True)
class ClientSecurity:
    """The security protocol of a connection, its TLS context and SASL credentials."""

    protocol: str = "PLAINTEXT"
    ssl_context: ssl.SSLContext | None = None
    check_hostname: bool = True
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
