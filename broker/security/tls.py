"""TLS contexts for listeners (stand-in: PEM files only, no inline PEM)."""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import Callable
from pathlib import Path

from broker.security._config_standin import TlsSettings

__all__ = ["ReloadingContext", "TlsError", "server_context"]

log = logging.getLogger("samsa.security")


class TlsError(ValueError):
    """TLS settings that do not make a context."""


def server_context(settings: TlsSettings) -> ssl.SSLContext:  # stand-in
    if settings.keystore_location is None:
        raise TlsError("ssl.keystore.location is not set")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        key = settings.keystore_key
        ctx.load_cert_chain(settings.keystore_location, key if key else None, settings.key_password)
        if settings.truststore_location is not None:
            ctx.load_verify_locations(settings.truststore_location)
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(f"cannot load the keystore or truststore: {exc}") from None
    ctx.verify_mode = {
        "required": ssl.CERT_REQUIRED,
        "requested": ssl.CERT_OPTIONAL,
    }.get(settings.client_auth, ssl.CERT_NONE)
    return ctx


class ReloadingContext:  # stand-in
    def __init__(
        self, settings: TlsSettings, build: Callable[[TlsSettings], ssl.SSLContext]
    ) -> None:
        self._settings = settings
        self._build = build
        self._context = build(settings)
        self._stamp = self._stat()

    def _stat(self) -> tuple[float, ...]:
        paths = [
            p
            for p in (self._settings.keystore_location, self._settings.truststore_location)
            if p is not None
        ]
        return tuple(_mtime(p) for p in paths)

    @property
    def context(self) -> ssl.SSLContext:
        return self._context

    def check(self) -> bool:
        stamp = self._stat()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            self._context = self._build(self._settings)
        except TlsError as exc:
            log.error("keeping the old TLS context: %s", exc)
            return False
        return True


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
