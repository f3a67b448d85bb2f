"""Principals: ``User:<name>`` strings (stand-in: only the anonymous principal)."""

from __future__ import annotations

from typing import Final

__all__ = ["ANONYMOUS"]

#: The principal of a client that has not authenticated (PLAINTEXT, or TLS without a client
#: certificate).
ANONYMOUS: Final = "User:ANONYMOUS"
