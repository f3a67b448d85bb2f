"""Stand-in for the listener and TLS settings of ``broker.config`` (``ListenerConfig``,
``TlsSettings`` and ``BrokerConfig``'s derived values), until that config lands.

Every accessor returns the config's own value when it has one, and otherwise what a config
without the new settings means: one PLAINTEXT listener, no TLS, no SASL, no authorizer.
"""

# stand-in: the whole module goes when broker.config has these names.

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from broker.config import BrokerConfig

__all__ = [
    "ListenerConfig",
    "TlsSettings",
    "advertised_endpoint",
    "authorizer_enabled",
    "client_listeners",
    "inter_broker_listener_name",
    "setting",
    "super_user_set",
    "tls_settings_for",
]

_TLS: Final = frozenset({"SSL", "SASL_SSL"})
_SASL: Final = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})


@dataclass(frozen=True, slots=True)
class ListenerConfig:  # stand-in
    name: str
    security_protocol: str
    host: str
    port: int

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in _TLS

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol in _SASL


@dataclass(frozen=True, slots=True)
class TlsSettings:  # stand-in
    keystore_location: Path | None = None
    keystore_certificate_chain: str | None = None
    keystore_key: str | None = None
    key_password: str | None = None
    truststore_location: Path | None = None
    truststore_certificates: str | None = None
    client_auth: str = "none"
    enabled_protocols: tuple[str, ...] = ("TLSv1.2", "TLSv1.3")
    cipher_suites: str = ""
    endpoint_identification_algorithm: str = "https"


#: Defaults of the settings a config without them lacks (Kafka's defaults).
_DEFAULTS: Final[dict[str, Any]] = {
    "sasl_server_max_receive_size": 524288,
    "connection_failed_authentication_delay_ms": 100,
    "connections_max_reauth_ms": 0,
    "ssl_principal_mapping_rules": "DEFAULT",
    "ssl_reload_check_interval_ms": 10000,
    "allow_everyone_if_no_acl_found": False,
}


def setting(config: BrokerConfig, name: str) -> Any:  # stand-in
    """A new plain setting by attribute name, or its default."""
    return getattr(config, name, _DEFAULTS.get(name))


def client_listeners(config: BrokerConfig) -> list[ListenerConfig]:  # stand-in
    value = getattr(config, "client_listeners", None)
    if value is not None:
        return list(value)
    listener = config.listener
    return [ListenerConfig("PLAINTEXT", "PLAINTEXT", listener.host, listener.port)]


def inter_broker_listener_name(config: BrokerConfig) -> str:  # stand-in
    listener = getattr(config, "inter_broker_listener", None)
    if listener is not None:
        return str(listener.name)
    return client_listeners(config)[0].name


def advertised_endpoint(
    config: BrokerConfig, name: str, bound_port: int
) -> tuple[str, int]:  # stand-in
    method = getattr(config, "advertised_endpoint", None)
    if method is not None:
        host, port = method(name, bound_port)
        return str(host), int(port)
    return config.advertised(bound_port)


def sasl_mechanisms_for(config: BrokerConfig, name: str) -> tuple[str, ...]:  # stand-in
    method = getattr(config, "sasl_mechanisms_for", None)
    if method is not None:
        return tuple(method(name))
    return ("SCRAM-SHA-256", "SCRAM-SHA-512")


def tls_settings_for(config: BrokerConfig, name: str) -> TlsSettings:  # stand-in
    method = getattr(config, "tls_settings_for", None)
    if method is not None:
        settings: TlsSettings = method(name)
        return settings
    return TlsSettings()


def super_user_set(config: BrokerConfig) -> frozenset[str]:  # stand-in
    return frozenset(getattr(config, "super_user_set", frozenset()))


def authorizer_enabled(config: BrokerConfig) -> bool:  # stand-in
    return bool(getattr(config, "authorizer_enabled", False))
