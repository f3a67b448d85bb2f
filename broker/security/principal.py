"""Principals: ``User:<name>`` strings; the TLS client certificate's DN as a principal.

Stand-in: only the ``DEFAULT`` mapping rule (the whole DN is the name).
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["ANONYMOUS", "PrincipalMapper", "distinguished_name"]

ANONYMOUS: Final = "User:ANONYMOUS"

_SHORT: Final = {
    "commonName": "CN",
    "organizationalUnitName": "OU",
    "organizationName": "O",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "countryName": "C",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}


class PrincipalMapper:  # stand-in
    """``ssl.principal.mapping.rules``: DEFAULT only here."""

    def __init__(self, rules: str) -> None:
        if rules.strip() != "DEFAULT":
            raise ValueError("only DEFAULT is supported")

    def principal_for_dn(self, dn: str) -> str:
        return "User:" + dn


def distinguished_name(peercert: dict[str, Any]) -> str:  # stand-in
    """RFC 2253 order (most specific first) from ``getpeercert()``'s subject."""
    parts: list[str] = []
    for rdn in reversed(peercert.get("subject", ())):
        parts.append("+".join(f"{_SHORT.get(k, k)}={v}" for k, v in rdn))
    return ",".join(parts)
