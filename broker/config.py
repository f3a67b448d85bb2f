"""Broker settings: Kafka's names and defaults, from a file, the environment and flags.

``BrokerConfig`` is a pydantic-settings model whose aliases are Kafka's dotted names
(``log.dirs``, ``num.partitions``); attributes are the same names in snake case with units last
(``log_dirs``, ``num_partitions``, ``log_segment_bytes``). Sources, strongest first:

1. keyword overrides (CLI flags, ``Broker.embedded(**overrides)``) — Kafka or Python names;
2. environment variables ``SAMSA_<PYTHON_NAME>`` (``SAMSA_NUM_PARTITIONS=3``);
3. a config file: Java properties (``*.properties``, or anything not TOML/JSON), TOML or JSON.
   TOML and JSON may nest (``[log] dirs = ...`` is ``log.dirs``);
4. Kafka's defaults.

Unknown keys in a file or in overrides are rejected with ``ConfigError`` naming the key (and
the closest known one). Kafka's per-listener settings, ``listener.name.<listener>.<setting>``
(``sasl.enabled.mechanisms``, ``ssl.client.auth``, the keystore and truststore ones), are
gathered into ``listener_overrides``; ``tls_settings_for`` and ``sasl_mechanisms_for`` resolve
a listener's settings, ``ListenerConfig`` and ``TlsSettings`` are the resolved forms.
Topic-level settings (``retention.ms`` …) are the broker's ``log.*`` synonyms here;
``broker.metadata.topic_configs`` maps them into storage's ``LogConfig``.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = [
    "AUTHORIZER_CLASS_NAMES",
    "ENV_PREFIX",
    "LISTENER_OVERRIDABLE",
    "SASL_MECHANISMS",
    "SECURITY_PROTOCOLS",
    "SENSITIVE_SETTINGS",
    "BrokerConfig",
    "ConfigError",
    "Listener",
    "ListenerConfig",
    "TlsSettings",
    "default_data_dir",
    "load_config",
    "parse_ip_overrides",
    "parse_listener_list",
    "parse_properties",
    "parse_protocol_map",
    "parse_voters",
]

ENV_PREFIX = "SAMSA_"

_MIB = 1024 * 1024
_GIB = 1024 * _MIB
_HOUR_MS = 3_600_000
_LONG_MAX = (1 << 63) - 1


class ConfigError(ValueError):
    """A setting is unknown or invalid; the message names it."""


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/samsa``, else ``~/.local/share/samsa``."""
    base = os.environ.get("XDG_DATA_HOME")
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "samsa"


#: The security protocols a listener may speak (Kafka's ``SecurityProtocol``).
SECURITY_PROTOCOLS: Final = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
#: The SASL mechanisms Samsa serves.
SASL_MECHANISMS: Final = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
#: ``authorizer.class.name`` values that turn ACL authorization on: Kafka's two authorizers
#: (KRaft's and ZooKeeper's; both mean "ACLs from the metadata log" here) and Samsa's name.
AUTHORIZER_CLASS_NAMES: Final = (
    "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "kafka.security.authorizer.AclAuthorizer",
    "samsa",
)
#: TLS versions ``ssl.enabled.protocols`` may name (older ones are refused by OpenSSL 3's
#: default security level anyway).
TLS_PROTOCOLS: Final = ("TLSv1.2", "TLSv1.3")
#: The settings a listener may override as ``listener.name.<listener>.<setting>``.
LISTENER_OVERRIDABLE: Final = frozenset(
    {
        "sasl.enabled.mechanisms",
        "ssl.client.auth",
        "ssl.keystore.type",
        "ssl.keystore.location",
        "ssl.keystore.certificate.chain",
        "ssl.keystore.key",
        "ssl.key.password",
        "ssl.truststore.type",
        "ssl.truststore.location",
        "ssl.truststore.certificates",
        "ssl.enabled.protocols",
        "ssl.cipher.suites",
    }
)
#: Settings whose values are secrets: never printed (DescribeConfigs shows them as null and
#: sensitive, as Kafka does), also under ``listener.name.<listener>.``.
SENSITIVE_SETTINGS: Final = frozenset(
    {"ssl.key.password", "ssl.keystore.key", "inter.broker.sasl.password"}
)
_LISTENER_PREFIX: Final = "listener.name."


@dataclass(frozen=True, slots=True)
class ListenerConfig:
    """One ``NAME://host:port`` listener and the security protocol its name maps to."""

    name: str
    security_protocol: str
    host: str
    port: int

    @property
    def uses_tls(self) -> bool:
        """Whether connections start with a TLS handshake (SSL, SASL_SSL)."""
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        """Whether clients authenticate with SASL (SASL_PLAINTEXT, SASL_SSL)."""
        return self.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.name}://{host}:{self.port}"


#: The old name of ``ListenerConfig``.
Listener = ListenerConfig


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """The ``ssl.*`` settings of one listener, per-listener overrides applied."""

    keystore_location: Path | None
    keystore_certificate_chain: str | None
    keystore_key: str | None
    key_password: str | None
    truststore_location: Path | None
    truststore_certificates: str | None
    client_auth: str
    enabled_protocols: tuple[str, ...]
    cipher_suites: str
    endpoint_identification_algorithm: str

    @property
    def has_keystore(self) -> bool:
        """Whether a certificate and key are configured (a file, or an inline chain and key)."""
        if self.keystore_location is not None:
            return True
        return self.keystore_certificate_chain is not None and self.keystore_key is not None

    @property
    def has_truststore(self) -> bool:
        """Whether CA certificates are configured to verify peers with."""
        return self.truststore_location is not None or self.truststore_certificates is not None


def parse_listener_list(text: str, setting: str = "listeners") -> list[tuple[str, str, int]]:
    """``NAME://host:port,…`` as ``[(NAME, host, port), …]`` (names upper-cased, an empty host
    means every interface, IPv6 hosts in brackets); ValueError naming ``setting`` if malformed
    or a name repeats."""
    out: list[tuple[str, str, int]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, rest = part.partition("://")
        if not sep or not name.strip():
            raise ValueError(f"{setting}: {part!r} is not of the form NAME://host:port")
        host, colon, port_text = rest.rpartition(":")
        if not colon or not port_text.isdigit():
            raise ValueError(f"{setting}: {part!r} has no port")
        port = int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError(f"{setting}: {part!r}: port {port} is out of range")
        upper = name.strip().upper()
        if any(upper == seen for seen, _, _ in out):
            raise ValueError(f"{setting}: listener name {upper} appears twice")
        out.append((upper, host.strip("[]"), port))
    if not out:
        raise ValueError(f"{setting} names no listener")
    return out


def parse_http_listeners(text: str) -> list[tuple[str, int]]:
    """``http.listeners`` (``host:port,…``, IPv6 hosts in brackets) as ``[(host, port), …]``;
    empty means no HTTP listener. ValueError naming the setting if malformed."""
    out: list[tuple[str, int]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "://" in part:
            raise ValueError(f"http.listeners: {part!r} is not of the form host:port")
        host, colon, port_text = part.rpartition(":")
        if not colon or not port_text.isdigit():
            raise ValueError(f"http.listeners: {part!r} is not of the form host:port")
        port = int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError(f"http.listeners: {part!r}: port {port} is out of range")
        host = host.strip()
        if host.startswith("[") != host.endswith("]"):
            raise ValueError(f"http.listeners: {part!r} has an unclosed bracket")
        host = host.strip("[]")
        if ":" in host and not part.startswith("["):
            raise ValueError(f"http.listeners: {part!r}: an IPv6 host goes in brackets")
        out.append((host, port))
    return out


def parse_protocol_map(text: str) -> dict[str, str]:
    """``listener.security.protocol.map`` (``NAME:PROTOCOL,…``) as ``{NAME: PROTOCOL}``;
    ValueError if malformed."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, colon, protocol = part.partition(":")
        name, protocol = name.strip().upper(), protocol.strip().upper()
        if not colon or not name:
            raise ValueError(f"listener.security.protocol.map: {part!r} is not NAME:PROTOCOL")
        if protocol not in SECURITY_PROTOCOLS:
            raise ValueError(
                f"listener.security.protocol.map: {part!r}: the protocol is one of "
                + ", ".join(SECURITY_PROTOCOLS)
            )
        if name in out:
            raise ValueError(f"listener.security.protocol.map: {name} appears twice")
        out[name] = protocol
    return out


def _split(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(sep) if p.strip())


def _check_mechanisms(text: str, setting: str) -> None:
    unknown = [m for m in _split(text) if m.upper() not in SASL_MECHANISMS]
    if unknown:
        raise ValueError(
            f"{setting}: unknown SASL mechanism {unknown[0]!r} (Samsa has "
            + ", ".join(SASL_MECHANISMS)
            + ")"
        )


def _check_pem_type(value: str, setting: str | None = None) -> str:
    if value.strip().upper() != "PEM":
        where = f"{setting}: " if setting else ""
        raise ValueError(f"{where}only PEM is supported, not {value!r}")
    return "PEM"


def _check_protocols(text: str, setting: str) -> None:
    names = _split(text)
    bad = [p for p in names if p not in TLS_PROTOCOLS]
    if bad or not names:
        raise ValueError(f"{setting}: the protocols are TLSv1.2 and/or TLSv1.3, not {text!r}")


class BrokerConfig(BaseSettings):
    """Every broker setting Samsa reads, under Kafka's name (the alias) and default."""

    model_config = SettingsConfigDict(
        populate_by_name=True, extra="forbid", frozen=True, validate_default=True
    )

    # -- identity and network ----------------------------------------------------------------
    node_id: int = Field(default=1, alias="node.id", ge=0)
    """This broker's id (and the controller's: a cluster of one)."""
    listeners: str = Field(default="PLAINTEXT://127.0.0.1:9092", alias="listeners")
    """Where to accept client connections: ``NAME://host:port,…``, each name in
    ``listener.security.protocol.map``; port 0 picks a free port. The first one is "the"
    listener of ``host``/``port`` (and the inter-broker one unless named otherwise)."""
    advertised_listeners: str | None = Field(default=None, alias="advertised.listeners")
    """What Metadata tells clients to connect to, per listener (a subset of the names of
    ``listeners``; port 0 or an empty host: the bound one). Default: the bound listeners."""
    advertised_host: str | None = Field(default=None, alias="advertised.host")
    """Shortcut: advertise this host with the bound port (overridden by advertised.listeners)."""
    socket_request_max_bytes: int = Field(
        default=100 * _MIB, alias="socket.request.max.bytes", ge=1024
    )
    """Largest request frame accepted; a bigger one closes the connection."""
    queued_max_requests: int = Field(default=500, alias="queued.max.requests", ge=1)
    """Requests in flight per connection before the broker stops reading from it."""
    connections_max_idle_ms: int = Field(default=600_000, alias="connections.max.idle.ms", ge=1)
    """Close connections with nothing in flight that stayed silent this long."""
    max_connections: int = Field(default=10_000, alias="max.connections", ge=1)
    """Connections accepted at once; new ones past it are closed at once. (Kafka's default is
    unbounded; 10,000 keeps descriptors for segment files within a 20k ``ulimit -n``.)"""
    # -- network limits against hostile or broken clients (broker/server/) ------------------
    queued_max_request_bytes: int = Field(
        default=256 * _MIB, alias="queued.max.request.bytes", ge=-1
    )
    """Bytes all connections together may hold in request frames not yet received whole;
    past it the broker stops reading from connections whose frames must grow, until frames
    complete or connections close (first come, first served). -1: unbounded (Kafka's
    default). Samsa's default, 256 MiB, bounds what partial frames cost while letting two
    frames of the largest size (``socket.request.max.bytes``, 100 MiB) arrive at once; it must
    be at least ``socket.request.max.bytes``, or the largest frame could never complete."""
    connections_max_request_read_ms: int = Field(
        default=60_000, alias="connections.max.request.read.ms", ge=1
    )
    """Close a connection whose request frame has not arrived whole this long after its first
    byte (Samsa's; Kafka's ``connections.max.idle.ms`` only counts silence, so a client sending
    a byte now and then holds its connection and its partial frame forever). 60 s lets a
    100 MiB frame arrive at 14 Mbit/s."""
    max_connections_eviction_idle_ms: int = Field(
        default=10_000, alias="max.connections.eviction.idle.ms", ge=0
    )
    """At ``max.connections``, a new connection is admitted by closing one that has nothing in
    flight and has completed no request for this long (counted from its opening if it never
    completed one; those go first, then the least recently served). Samsa's (Kafka blocks new
    connections at the limit instead): a broker full of slow or silent connections still
    serves a new client. The wait spares clients that just connected or are between
    requests."""
    max_connections_per_ip: int = Field(default=2_147_483_647, alias="max.connections.per.ip", ge=0)
    """Connections accepted at once from one address; more are closed at once (Kafka's)."""
    max_connections_per_ip_overrides: str = Field(
        default="", alias="max.connections.per.ip.overrides"
    )
    """Per-address exceptions to ``max.connections.per.ip``: ``host:count,host:count`` with
    IP addresses or host names (Kafka's)."""
    max_connection_creation_rate: int = Field(
        default=2_147_483_647, alias="max.connection.creation.rate", ge=1
    )
    """New connections accepted per second, broker-wide (Kafka's). Past it the broker stops
    accepting for a while, as Kafka's acceptor does: new connections wait in the kernel's
    listen queue (bursts of up to one second's worth are accepted at once)."""

    # -- the HTTP listener: metrics, health checks and the web console (broker/http) --------
    http_listeners: str = Field(default="127.0.0.1:9644", alias="http.listeners")
    """Where the HTTP listener serves ``/metrics``, ``/health/*`` and the console:
    ``host:port,…`` (IPv6 hosts in brackets); port 0 picks a free port; empty turns it off.
    Loopback by default: the console is for whoever can reach that address."""
    http_max_connections: int = Field(default=64, alias="http.max.connections", ge=1)
    """HTTP connections open at once; new ones past it are closed at once (a scraper, a few
    probes and a handful of console tabs need far fewer)."""
    http_console_enable: bool = Field(default=True, alias="http.console.enable")
    """Serve the web console at ``/`` and its JSON API under ``/api/``."""
    http_console_admin_enable: bool = Field(default=False, alias="http.console.admin.enable")
    """Let the console create and delete topics, reset offsets and produce test messages
    (read-only without it)."""
    http_metrics_require_auth: bool = Field(default=False, alias="http.metrics.require.auth")
    """``/metrics`` asks for the console's credentials when a client listener uses SASL
    (without it, as with Prometheus exporters, it is open to whoever reaches the listener)."""
    faults_admin_enable: bool = Field(default=False, alias="faults.admin.enable")
    """Samsa's: serve the fault-injection admin channel (``/api/faults`` on the HTTP listener,
    what ``samsa fault`` uses), so that a test of a non-Python application can make this
    broker fail on purpose. Off, the routes do not exist (404) and nothing outside the
    process can arm a fault; never turn it on for a broker that serves real traffic."""

    # -- security: listeners' protocols, SASL, TLS, ACLs (broker/security) ---------------------
    listener_security_protocol_map: str = Field(
        default="PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,"
        "CONTROLLER:PLAINTEXT",
        alias="listener.security.protocol.map",
    )
    """Listener name -> security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)."""
    inter_broker_listener_name: str | None = Field(default=None, alias="inter.broker.listener.name")
    """The listener other brokers connect to (replication, forwarding); default: the first."""
    controller_listener_names: str = Field(default="CONTROLLER", alias="controller.listener.names")
    """The controller (Raft) port's listener name: its protocol in the map says whether it is
    PLAINTEXT or SSL (mutual TLS between the quorum's members). A listener of ``listeners``
    with this name is not a client listener."""
    sasl_enabled_mechanisms: str = Field(
        default="SCRAM-SHA-256,SCRAM-SHA-512", alias="sasl.enabled.mechanisms"
    )
    """SASL mechanisms SASL listeners accept (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)."""
    sasl_mechanism_inter_broker_protocol: str = Field(
        default="SCRAM-SHA-512", alias="sasl.mechanism.inter.broker.protocol"
    )
    """The mechanism a broker authenticates with to other brokers on a SASL listener."""
    inter_broker_sasl_username: str | None = Field(default=None, alias="inter.broker.sasl.username")
    """Samsa's: the user brokers authenticate as on a SASL inter-broker listener (Kafka reads
    it from a JAAS configuration)."""
    inter_broker_sasl_password: str | None = Field(default=None, alias="inter.broker.sasl.password")
    """Samsa's: that user's password."""
    sasl_server_max_receive_size: int = Field(
        default=524_288, alias="sasl.server.max.receive.size", ge=1
    )
    """Largest frame a SASL listener accepts before the client has authenticated (Kafka's
    512 KiB: a stranger cannot make the broker buffer a 100 MiB frame)."""
    connection_failed_authentication_delay_ms: int = Field(
        default=100, alias="connection.failed.authentication.delay.ms", ge=0
    )
    """How long a connection whose authentication failed stays open before it is closed (slows
    down password guessing)."""
    connections_max_reauth_ms: int = Field(default=0, alias="connections.max.reauth.ms", ge=0)
    """KIP-368: a SASL session lasts this long, then the client must re-authenticate (0: for
    ever)."""
    ssl_keystore_type: str = Field(default="PEM", alias="ssl.keystore.type")
    """Only PEM (Java's JKS and PKCS12 keystores are not read)."""
    ssl_keystore_location: Path | None = Field(default=None, alias="ssl.keystore.location")
    """A PEM file with the certificate chain and the private key (or only the chain, the key
    then in ``ssl.keystore.key``)."""
    ssl_keystore_certificate_chain: str | None = Field(
        default=None, alias="ssl.keystore.certificate.chain"
    )
    """The certificate chain as inline PEM (Kafka's)."""
    ssl_keystore_key: str | None = Field(default=None, alias="ssl.keystore.key")
    """The private key as inline PEM, or (Samsa's) the path of a PEM key file."""
    ssl_key_password: str | None = Field(default=None, alias="ssl.key.password")
    """Password of an encrypted private key."""
    ssl_truststore_type: str = Field(default="PEM", alias="ssl.truststore.type")
    """Only PEM."""
    ssl_truststore_location: Path | None = Field(default=None, alias="ssl.truststore.location")
    """A PEM bundle of the CA certificates that client (and peer broker) certificates are
    checked against."""
    ssl_truststore_certificates: str | None = Field(
        default=None, alias="ssl.truststore.certificates"
    )
    """The same as inline PEM."""
    ssl_client_auth: Literal["none", "requested", "required"] = Field(
        default="none", alias="ssl.client.auth"
    )
    """Whether TLS clients must (required), may (requested) or do not (none) present a
    certificate. A SASL_SSL listener follows it only when set with its prefix,
    ``listener.name.<listener>.ssl.client.auth`` (KIP-684)."""
    ssl_enabled_protocols: str = Field(default="TLSv1.2,TLSv1.3", alias="ssl.enabled.protocols")
    """TLS versions accepted (TLSv1.2, TLSv1.3)."""
    ssl_cipher_suites: str = Field(default="", alias="ssl.cipher.suites")
    """OpenSSL cipher list for TLS 1.2 (empty: OpenSSL's defaults; TLS 1.3's suites are not
    configurable)."""
    ssl_principal_mapping_rules: str = Field(default="DEFAULT", alias="ssl.principal.mapping.rules")
    """How a client certificate's distinguished name becomes a principal:
    ``RULE:regex/replacement/[LU],…,DEFAULT`` (DEFAULT: the whole DN)."""
    ssl_endpoint_identification_algorithm: str = Field(
        default="https", alias="ssl.endpoint.identification.algorithm"
    )
    """A broker connecting to another over TLS checks its certificate's host name (``https``)
    or not (empty)."""
    ssl_reload_check_interval_ms: int = Field(
        default=10_000, alias="ssl.reload.check.interval.ms", ge=0
    )
    """Samsa's: how often the key, certificate and CA files are checked for change (a changed
    file is loaded for new connections; 0: never)."""
    authorizer_class_name: str = Field(default="", alias="authorizer.class.name")
    """Turns ACL authorization on (Kafka's StandardAuthorizer or AclAuthorizer class names, or
    ``samsa``); empty: everyone may do everything."""
    super_users: str = Field(default="", alias="super.users")
    """Principals that every ACL check allows: ``User:admin;User:broker``."""
    allow_everyone_if_no_acl_found: bool = Field(
        default=False, alias="allow.everyone.if.no.acl.found"
    )
    """With no ACL at all on a resource, allow everyone (Kafka's default: deny)."""
    listener_overrides: dict[str, dict[str, str]] = Field(default_factory=dict)
    """The ``listener.name.<listener>.<setting>`` settings: listener name (upper case) ->
    Kafka setting name -> value."""

    # -- the cluster: metadata quorum and broker lifecycle -------------------------------------
    controller_quorum_voters: str | None = Field(default=None, alias="controller.quorum.voters")
    """The metadata quorum, ``1@host:port,2@host:port,...`` (controller ports). Unset: a
    cluster of one, this broker its own controller with a local metadata log."""
    process_roles: str = Field(default="broker,controller", alias="process.roles")
    """What this node is in a cluster: ``broker,controller`` (combined: serves clients and
    votes in the metadata quorum), ``broker`` (serves clients, follows the metadata log, not in
    the voters) or ``controller`` (a voter only: no client listener, holds no partitions)."""
    controller_port: int | None = Field(default=None, alias="controller.port", ge=0, le=65535)
    """Port the controller listener binds (default: this node's port in the voters)."""
    cluster_id: str | None = Field(default=None, alias="cluster.id")
    """The cluster id new data directories get (default: derived from the voters, so that
    every broker of a quorum agrees; a new random one for a cluster of one)."""
    controller_quorum_election_timeout_ms: int = Field(
        default=1000, alias="controller.quorum.election.timeout.ms", ge=20
    )
    """Raft election timeout (randomized between it and twice it)."""
    broker_rack: str | None = Field(default=None, alias="broker.rack")
    """This broker's rack: replicas of a partition go to different racks when set."""
    broker_session_timeout_ms: int = Field(default=9000, alias="broker.session.timeout.ms", ge=10)
    """A broker without a heartbeat for this long is fenced (leads nothing, leaves ISRs)."""
    broker_heartbeat_interval_ms: int = Field(
        default=2000, alias="broker.heartbeat.interval.ms", ge=5
    )
    """How often a broker heartbeats to the active controller."""
    auto_leader_rebalance_enable: bool = Field(default=True, alias="auto.leader.rebalance.enable")
    """Move leadership back to each partition's preferred (first) replica when it is in sync."""
    leader_imbalance_check_interval_seconds: float = Field(
        default=300, alias="leader.imbalance.check.interval.seconds", gt=0
    )
    """How often the controller looks for partitions not led by their preferred replica."""
    controlled_shutdown_timeout_ms: int = Field(
        default=30_000, alias="controlled.shutdown.timeout.ms", ge=0
    )
    """How long a stopping broker waits for the controller to move its leaderships away."""
    metadata_log_max_record_bytes_between_snapshots: int = Field(
        default=20 * _MIB, alias="metadata.log.max.record.bytes.between.snapshots", ge=1
    )
    """Metadata bytes applied since the last snapshot that trigger a new one (and truncate
    the Raft log)."""

    # -- storage ------------------------------------------------------------------------------
    log_dirs: list[Path] = Field(default_factory=lambda: [default_data_dir()], alias="log.dirs")
    """Data directories (comma-separated in files and the environment)."""
    metadata_log_dir: Path | None = Field(default=None, alias="metadata.log.dir")
    """Where the metadata log lives (default: the first of log.dirs)."""
    log_flush_policy: Literal["group", "interval", "none"] = Field(
        default="group", alias="log.flush.policy"
    )
    """When appends are fsynced: ``group`` commit before acknowledging (default), Kafka's
    ``interval`` (flush.messages / flush.ms), or ``none`` (on roll and shutdown only)."""
    log_flush_offset_checkpoint_interval_ms: int = Field(
        default=60_000, alias="log.flush.offset.checkpoint.interval.ms", ge=100
    )
    """How often offset checkpoints and producer-state snapshots are written."""
    # -- metrics (served at /metrics on the HTTP listener) -------------------------------------
    http_metrics_max_partitions: int = Field(
        default=1000, alias="http.metrics.max.partitions", ge=0
    )
    """Partitions (and group partitions, for consumer lag) exported with their own labels;
    beyond it ``/metrics`` gives per-topic sums (``partition="folded"``), so that a broker with
    10,000 partitions does not answer every scrape with tens of thousands of series."""
    http_metrics_enable: bool = Field(default=True, alias="http.metrics.enable")
    """Record per-request times and serve ``/metrics``; false records nothing per request (the
    switch for measuring what the metrics cost)."""
    log_retention_check_interval_ms: int = Field(
        default=300_000, alias="log.retention.check.interval.ms", ge=100
    )
    """How often retention runs."""
    producer_id_expiration_ms: int = Field(
        default=86_400_000, alias="producer.id.expiration.ms", ge=1
    )
    """Forget an idempotent producer's sequence state after this long without a write."""
    fetch_max_bytes: int = Field(default=55 * _MIB, alias="fetch.max.bytes", ge=1024)
    """Cap on one Fetch response, whatever the request asks for."""

    # -- replication (followers fetching from leaders) ---------------------------------------
    replica_lag_time_max_ms: int = Field(default=30_000, alias="replica.lag.time.max.ms", ge=1)
    """A follower not caught up for this long leaves the ISR."""
    replica_fetch_wait_max_ms: int = Field(default=500, alias="replica.fetch.wait.max.ms", ge=0)
    """Longest a follower's fetch waits at the leader for new records."""
    replica_fetch_max_bytes: int = Field(default=_MIB, alias="replica.fetch.max.bytes", ge=1024)
    """Bytes a follower asks for per partition (at least one batch comes anyway)."""
    replica_fetch_response_max_bytes: int = Field(
        default=10 * _MIB, alias="replica.fetch.response.max.bytes", ge=1024
    )
    """Bytes a follower asks for per fetch."""
    replica_fetch_backoff_ms: int = Field(default=1_000, alias="replica.fetch.backoff.ms", ge=0)
    """How long a follower waits after a failed fetch before trying again."""
    replica_socket_timeout_ms: int = Field(
        default=30_000, alias="replica.socket.timeout.ms", ge=100
    )
    """A follower's request to its leader fails after this long (plus the fetch wait)."""
    # -- end replication ----------------------------------------------------------------------

    # -- topic defaults (the broker synonyms of topic configs) --------------------------------
    num_partitions: int = Field(default=1, alias="num.partitions", ge=1)
    default_replication_factor: int = Field(default=1, alias="default.replication.factor", ge=1)
    auto_create_topics_enable: bool = Field(default=True, alias="auto.create.topics.enable")
    min_insync_replicas: int = Field(default=1, alias="min.insync.replicas", ge=1)
    message_max_bytes: int = Field(default=1_048_588, alias="message.max.bytes", ge=0)
    log_segment_bytes: int = Field(default=_GIB, alias="log.segment.bytes", ge=14)
    log_roll_ms: int | None = Field(default=None, alias="log.roll.ms", ge=1)
    log_roll_hours: int = Field(default=168, alias="log.roll.hours", ge=1)
    log_retention_ms: int | None = Field(default=None, alias="log.retention.ms", ge=-1)
    log_retention_minutes: int | None = Field(default=None, alias="log.retention.minutes")
    log_retention_hours: int = Field(default=168, alias="log.retention.hours")
    log_retention_bytes: int = Field(default=-1, alias="log.retention.bytes", ge=-1)
    log_cleanup_policy: str = Field(default="delete", alias="log.cleanup.policy")
    log_index_interval_bytes: int = Field(default=4096, alias="log.index.interval.bytes", ge=0)
    log_index_size_max_bytes: int = Field(
        default=10 * _MIB, alias="log.index.size.max.bytes", ge=12
    )
    log_flush_interval_messages: int = Field(
        default=_LONG_MAX, alias="log.flush.interval.messages", ge=1
    )
    log_flush_interval_ms: int | None = Field(default=None, alias="log.flush.interval.ms", ge=0)
    log_message_timestamp_type: Literal["CreateTime", "LogAppendTime"] = Field(
        default="CreateTime", alias="log.message.timestamp.type"
    )
    log_cleaner_enable: bool = Field(default=True, alias="log.cleaner.enable")
    """Compact logs with ``cleanup.policy=compact`` (``__consumer_offsets`` among them)."""
    log_cleaner_backoff_ms: int = Field(default=15_000, alias="log.cleaner.backoff.ms", ge=100)
    """Pause between the cleaner's rounds over the logs."""
    log_cleaner_delete_retention_ms: int = Field(
        default=86_400_000, alias="log.cleaner.delete.retention.ms", ge=0
    )
    log_cleaner_min_cleanable_ratio: float = Field(
        default=0.5, alias="log.cleaner.min.cleanable.ratio", ge=0.0, le=1.0
    )
    compression_type: Literal["producer"] = Field(default="producer", alias="compression.type")
    """Only ``producer``: batches are stored as the producer compressed them."""
    unclean_leader_election_enable: bool = Field(
        default=False, alias="unclean.leader.election.enable"
    )

    # -- the group coordinator (broker/group) -------------------------------------------------
    offsets_topic_num_partitions: int = Field(
        default=50, alias="offsets.topic.num.partitions", ge=1, le=1000
    )
    """Partitions of ``__consumer_offsets`` when the broker creates it (an existing topic keeps
    its count: it decides where every group lives). At most 1000 (Kafka has no bound): each
    partition is a log and a replay at start-up."""
    offsets_topic_replication_factor: int = Field(
        default=1, alias="offsets.topic.replication.factor", ge=1
    )
    offsets_topic_segment_bytes: int = Field(
        default=100 * _MIB, alias="offsets.topic.segment.bytes", ge=14
    )
    offsets_commit_timeout_ms: int = Field(default=5000, alias="offsets.commit.timeout.ms", ge=1)
    """How long a commit (or group metadata write) waits for its records to be committed
    before the request fails (Kafka's setting)."""
    offsets_retention_minutes: int = Field(default=10_080, alias="offsets.retention.minutes", ge=1)
    offsets_retention_check_interval_ms: int = Field(
        default=600_000, alias="offsets.retention.check.interval.ms", ge=1
    )
    offset_metadata_max_bytes: int = Field(
        default=4096, alias="offset.metadata.max.bytes", ge=0, le=10_000
    )
    group_max_size: int = Field(default=1000, alias="group.max.size", ge=1)
    """Kafka's default is unlimited; see broker/group/README.md."""
    group_initial_rebalance_delay_ms: int = Field(
        default=3000, alias="group.initial.rebalance.delay.ms", ge=0
    )
    group_min_session_timeout_ms: int = Field(
        default=6000, alias="group.min.session.timeout.ms", ge=1
    )
    group_max_session_timeout_ms: int = Field(
        default=1_800_000, alias="group.max.session.timeout.ms", ge=1
    )
    group_consumer_session_timeout_ms: int = Field(
        default=45_000, alias="group.consumer.session.timeout.ms", ge=1
    )
    """KIP-848 groups (``broker/group/consumer_*``): a member silent this long is removed."""
    group_consumer_min_session_timeout_ms: int = Field(
        default=45_000, alias="group.consumer.min.session.timeout.ms", ge=1
    )
    group_consumer_max_session_timeout_ms: int = Field(
        default=60_000, alias="group.consumer.max.session.timeout.ms", ge=1
    )
    group_consumer_heartbeat_interval_ms: int = Field(
        default=5_000, alias="group.consumer.heartbeat.interval.ms", ge=1
    )
    group_consumer_min_heartbeat_interval_ms: int = Field(
        default=5_000, alias="group.consumer.min.heartbeat.interval.ms", ge=1
    )
    group_consumer_max_heartbeat_interval_ms: int = Field(
        default=15_000, alias="group.consumer.max.heartbeat.interval.ms", ge=1
    )
    group_consumer_assignors: str = Field(default="uniform,range", alias="group.consumer.assignors")
    """Server-side assignors of KIP-848 groups; the first is the default."""
    group_consumer_max_size: int = Field(default=1000, alias="group.consumer.max.size", ge=1)
    group_consumer_migration_policy: str = Field(
        default="bidirectional", alias="group.consumer.migration.policy"
    )
    """Kafka's: ``disabled``, ``upgrade``, ``downgrade`` or ``bidirectional`` (empty groups)."""

    # -- the transaction coordinator (broker/txn) ----------------------------------------------
    transaction_state_log_num_partitions: int = Field(
        default=50, alias="transaction.state.log.num.partitions", ge=1, le=1000
    )
    """Partitions of ``__transaction_state`` when the broker creates it (an existing topic keeps
    its count: it decides where every transactional id lives). At most 1000, as
    ``offsets.topic.num.partitions``: each partition is a log and a replay at start-up."""
    transaction_state_log_replication_factor: int = Field(
        default=3, alias="transaction.state.log.replication.factor", ge=1
    )
    """Replicas of ``__transaction_state``, capped at the brokers registered when it is created
    (a cluster smaller than the factor still gets transactions)."""
    transaction_state_log_min_isr: int = Field(
        default=2, alias="transaction.state.log.min.isr", ge=1
    )
    """``min.insync.replicas`` of ``__transaction_state``, capped at its replication factor."""
    transaction_state_log_segment_bytes: int = Field(
        default=100 * _MIB, alias="transaction.state.log.segment.bytes", ge=14
    )
    transaction_max_timeout_ms: int = Field(
        default=900_000, alias="transaction.max.timeout.ms", ge=1
    )
    """The largest ``transaction.timeout.ms`` a producer may ask for
    (INVALID_TRANSACTION_TIMEOUT beyond)."""
    transactional_id_expiration_ms: int = Field(
        default=604_800_000, alias="transactional.id.expiration.ms", ge=1
    )
    """How long a transactional id with no transaction in progress is kept without use."""
    transaction_abort_timed_out_transaction_cleanup_interval_ms: int = Field(
        default=10_000,
        alias="transaction.abort.timed.out.transaction.cleanup.interval.ms",
        ge=1,
    )
    """How often transactions past their timeout are looked for (and aborted)."""
    transaction_remove_expired_transactional_id_cleanup_interval_ms: int = Field(
        default=3_600_000,
        alias="transaction.remove.expired.transactional.id.cleanup.interval.ms",
        ge=1,
    )
    transaction_partition_verification_enable: bool = Field(
        default=True, alias="transaction.partition.verification.enable"
    )
    """KIP-890: a transactional produce to a partition where its producer has no open
    transaction is first checked with the transaction coordinator (INVALID_TXN_STATE if the
    partition was not added to the transaction)."""

    # -- validation ---------------------------------------------------------------------------

    @field_validator("log_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: Any) -> Any:
        if isinstance(value, str | Path):
            parts = [p.strip() for p in str(value).split(",") if p.strip()]
            return [Path(p).expanduser() for p in parts]
        if isinstance(value, list | tuple):
            return [Path(str(p)).expanduser() for p in value]
        return value

    @field_validator("log_dirs")
    @classmethod
    def _non_empty_dirs(cls, value: list[Path]) -> list[Path]:
        if not value:
            raise ValueError("log.dirs needs at least one directory")
        return value

    @field_validator("listeners")
    @classmethod
    def _listeners(cls, value: str) -> str:
        parse_listener_list(value)
        return ",".join(p.strip() for p in value.split(",") if p.strip())

    @field_validator("http_listeners")
    @classmethod
    def _http_listeners(cls, value: str) -> str:
        parse_http_listeners(value)
        return ",".join(p.strip() for p in value.split(",") if p.strip())

    @field_validator("advertised_listeners")
    @classmethod
    def _advertised(cls, value: str | None) -> str | None:
        if value is not None:
            parse_listener_list(value, "advertised.listeners")
        return value

    @field_validator("listener_security_protocol_map")
    @classmethod
    def _protocol_map(cls, value: str) -> str:
        parse_protocol_map(value)
        return value

    @field_validator("sasl_enabled_mechanisms")
    @classmethod
    def _mechanisms(cls, value: str) -> str:
        _check_mechanisms(value, "sasl.enabled.mechanisms")
        return ",".join(m.upper() for m in _split(value))

    @field_validator("sasl_mechanism_inter_broker_protocol")
    @classmethod
    def _inter_broker_mechanism(cls, value: str) -> str:
        if value.strip().upper() not in SASL_MECHANISMS:
            raise ValueError(f"unknown SASL mechanism {value!r}")
        return value.strip().upper()

    @field_validator("ssl_keystore_type", "ssl_truststore_type")
    @classmethod
    def _pem_only(cls, value: str) -> str:
        return _check_pem_type(value)

    @field_validator("ssl_enabled_protocols")
    @classmethod
    def _tls_protocols(cls, value: str) -> str:
        _check_protocols(value, "ssl.enabled.protocols")
        return value

    @field_validator("ssl_endpoint_identification_algorithm")
    @classmethod
    def _endpoint_identification(cls, value: str) -> str:
        if value.strip().lower() not in ("", "https"):
            raise ValueError(f"only https (check host names) or empty (do not), not {value!r}")
        return value.strip().lower()

    @field_validator("authorizer_class_name")
    @classmethod
    def _authorizer(cls, value: str) -> str:
        value = value.strip()
        if value and value not in AUTHORIZER_CLASS_NAMES:
            raise ValueError(
                f"authorizer {value!r} is not available (Samsa's ACLs: "
                + ", ".join(AUTHORIZER_CLASS_NAMES)
                + ")"
            )
        return value

    @field_validator("super_users")
    @classmethod
    def _super_users(cls, value: str) -> str:
        for principal in _split(value, ";"):
            kind, colon, name = principal.partition(":")
            if not colon or not kind or not name:
                raise ValueError(f"super user {principal!r} is not of the form User:name")
        return value

    @field_validator("listener_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for listener, settings in value.items():
            clean: dict[str, str] = {}
            for key, raw in settings.items():
                where = f"{_LISTENER_PREFIX}{listener.lower()}.{key}"
                if key not in LISTENER_OVERRIDABLE:
                    raise ValueError(f"{where}: {key!r} cannot be set per listener")
                text = str(raw)
                if key == "sasl.enabled.mechanisms":
                    _check_mechanisms(text, where)
                    text = ",".join(m.upper() for m in _split(text))
                elif key in ("ssl.keystore.type", "ssl.truststore.type"):
                    text = _check_pem_type(text, where)
                elif key == "ssl.client.auth" and text not in ("none", "requested", "required"):
                    raise ValueError(f"{where} is none, requested or required, not {text!r}")
                elif key == "ssl.enabled.protocols":
                    _check_protocols(text, where)
                clean[key] = text
            out[listener.upper()] = clean
        return out

    @field_validator("log_cleanup_policy")
    @classmethod
    def _cleanup(cls, value: str) -> str:
        parts = {p.strip() for p in value.split(",") if p.strip()}
        if not parts or not parts <= {"delete", "compact"}:
            raise ValueError("log.cleanup.policy is a list of delete and compact")
        return ",".join(sorted(parts))

    @model_validator(mode="after")
    def _session_bounds(self) -> BrokerConfig:
        if self.group_min_session_timeout_ms > self.group_max_session_timeout_ms:
            raise ValueError("group.min.session.timeout.ms is above group.max.session.timeout.ms")
        return self

    @field_validator("max_connections_per_ip_overrides")
    @classmethod
    def _ip_overrides(cls, value: str) -> str:
        parse_ip_overrides(value)
        return value

    @model_validator(mode="after")
    def _network_limits(self) -> BrokerConfig:
        budget = self.queued_max_request_bytes
        if budget == 0 or 0 < budget < self.socket_request_max_bytes:
            raise ValueError(
                f"queued.max.request.bytes ({budget}) must be -1 or at least "
                f"socket.request.max.bytes ({self.socket_request_max_bytes})"
            )
        if self.max_connections_per_ip == 0 and not self.max_connections_per_ip_overrides:
            raise ValueError(
                "max.connections.per.ip=0 admits nobody: name the allowed hosts in "
                "max.connections.per.ip.overrides"
            )
        return self

    @field_validator("controller_quorum_voters")
    @classmethod
    def _voters(cls, value: str | None) -> str | None:
        if value is not None:
            parse_voters(value)
        return value

    @field_validator("process_roles")
    @classmethod
    def _roles(cls, value: str) -> str:
        roles = {part.strip() for part in value.split(",") if part.strip()}
        if not roles or not roles <= {"broker", "controller"}:
            raise ValueError("process.roles is broker, controller or broker,controller")
        return ",".join(sorted(roles))

    @model_validator(mode="after")
    def _roles_need_a_quorum(self) -> BrokerConfig:
        if self.process_roles != "broker,controller":
            if self.controller_quorum_voters is None:
                raise ValueError(
                    f"process.roles={self.process_roles} needs controller.quorum.voters "
                    "(a node without voters is a cluster of one, broker and controller)"
                )
            in_voters = self.node_id in parse_voters(self.controller_quorum_voters)
            if self.process_roles == "broker" and in_voters:
                raise ValueError(
                    f"node.id {self.node_id} is one of controller.quorum.voters, but "
                    "process.roles=broker (a voter has the controller role)"
                )
        return self

    @model_validator(mode="after")
    def _security(self) -> BrokerConfig:
        protocols = parse_protocol_map(self.listener_security_protocol_map)
        controller_names = set(_split(self.controller_listener_names.upper()))
        declared = parse_listener_list(self.listeners)
        for name, _, _ in declared:
            if name not in protocols:
                raise ValueError(
                    f"listener {name} has no security protocol in listener.security.protocol.map"
                )
        clients = self.client_listeners
        if not clients:
            raise ValueError(
                "listeners names only controller listeners: a broker needs a client listener"
            )
        names = {lc.name for lc in clients}
        if self.advertised_listeners is not None:
            for name, _, _ in parse_listener_list(
                self.advertised_listeners, "advertised.listeners"
            ):
                if name not in names:
                    raise ValueError(f"advertised.listeners: {name} is not one of listeners")
        inter = self.inter_broker_listener_name
        if inter is not None and inter.strip().upper() not in names:
            raise ValueError(f"inter.broker.listener.name {inter} is not one of listeners")
        for listener in self.listener_overrides:
            if listener not in names and listener not in controller_names:
                raise ValueError(
                    f"{_LISTENER_PREFIX}{listener.lower()}.*: there is no listener {listener}"
                )
        for lc in clients:
            self._check_listener_security(lc.name, lc.security_protocol)
        controller = self._controller_listener_name
        if controller not in protocols:
            raise ValueError(
                f"controller listener {controller} has no security protocol in "
                "listener.security.protocol.map"
            )
        if protocols[controller] not in ("PLAINTEXT", "SSL"):
            raise ValueError(
                f"controller listener {controller} is {protocols[controller]}: the controller "
                "port speaks PLAINTEXT or SSL (mutual TLS)"
            )
        if protocols[controller] == "SSL":
            self._check_listener_security(controller, "SSL")
            if not self.tls_settings_for(controller).has_truststore:
                raise ValueError(
                    f"controller listener {controller} uses mutual TLS but has no truststore: "
                    "set ssl.truststore.location or ssl.truststore.certificates"
                )
        return self

    def _check_listener_security(self, name: str, protocol: str) -> None:
        if protocol in ("SSL", "SASL_SSL") and not self.tls_settings_for(name).has_keystore:
            raise ValueError(
                f"listener {name} uses TLS but has no keystore: set ssl.keystore.location "
                "(or ssl.keystore.certificate.chain and ssl.keystore.key)"
            )
        if protocol in ("SASL_PLAINTEXT", "SASL_SSL") and not self.sasl_mechanisms_for(name):
            raise ValueError(f"listener {name} uses SASL but sasl.enabled.mechanisms is empty")
        in_cluster = self.controller_quorum_voters is not None
        if in_cluster and name == self.inter_broker_listener.name and protocol.startswith("SASL_"):
            # Checked in a cluster only: a cluster of one never connects to itself.
            mechanism = self.sasl_mechanism_inter_broker_protocol
            if mechanism not in self.sasl_mechanisms_for(name):
                raise ValueError(
                    f"sasl.mechanism.inter.broker.protocol {mechanism} is not enabled on the "
                    f"inter-broker listener {name}"
                )
            if self.inter_broker_sasl_username is None or self.inter_broker_sasl_password is None:
                raise ValueError(
                    f"the inter-broker listener {name} uses SASL: set "
                    "inter.broker.sasl.username and inter.broker.sasl.password"
                )

    # -- derived values -----------------------------------------------------------------------

    @property
    def client_listeners(self) -> list[ListenerConfig]:
        """The listeners of ``listeners`` that serve clients, in order (a listener named in
        ``controller.listener.names`` is the controller's, not one of them)."""
        protocols = parse_protocol_map(self.listener_security_protocol_map)
        controller_names = set(_split(self.controller_listener_names.upper()))
        return [
            ListenerConfig(name, protocols.get(name, "PLAINTEXT"), host, port)
            for name, host, port in parse_listener_list(self.listeners)
            if name not in controller_names
        ]

    def listener_named(self, name: str) -> ListenerConfig:
        """The client listener called ``name`` (any case); KeyError if there is none."""
        wanted = name.upper()
        for lc in self.client_listeners:
            if lc.name == wanted:
                return lc
        raise KeyError(name)

    @property
    def inter_broker_listener(self) -> ListenerConfig:
        """The listener other brokers connect to: ``inter.broker.listener.name``, else the
        first."""
        if self.inter_broker_listener_name is not None:
            return self.listener_named(self.inter_broker_listener_name.strip())
        return self.client_listeners[0]

    @property
    def listener(self) -> ListenerConfig:
        """The first listener."""
        return self.client_listeners[0]

    @property
    def host(self) -> str:
        """The first listener's host to bind."""
        return self.listener.host

    @property
    def port(self) -> int:
        """The first listener's port to bind (0: any free port)."""
        return self.listener.port

    def advertised(self, bound_port: int) -> tuple[str, int]:
        """``(host, port)`` that Metadata advertises for the first listener, given the port
        actually bound."""
        return self.advertised_endpoint(self.listener.name, bound_port)

    def advertised_endpoint(self, name: str, bound_port: int) -> tuple[str, int]:
        """``(host, port)`` that Metadata advertises for listener ``name``, given the port it
        actually bound: its ``advertised.listeners`` entry (an empty host or port 0 filled in),
        else ``advertised.host`` or the bound host (every interface: 127.0.0.1)."""
        wanted = name.upper()
        if self.advertised_listeners is not None:
            for adv_name, adv_host, adv_port in parse_listener_list(
                self.advertised_listeners, "advertised.listeners"
            ):
                if adv_name == wanted:
                    return adv_host or "127.0.0.1", adv_port or bound_port
        host = self.advertised_host or self.listener_named(wanted).host
        if host in ("", "0.0.0.0", "::"):
            host = "127.0.0.1"
        return host, bound_port

    def sasl_mechanisms_for(self, name: str) -> tuple[str, ...]:
        """The SASL mechanisms listener ``name`` accepts (its override, else the global)."""
        override = self.listener_overrides.get(name.upper(), {}).get("sasl.enabled.mechanisms")
        text = override if override is not None else self.sasl_enabled_mechanisms
        return tuple(m.upper() for m in _split(text))

    def tls_settings_for(self, name: str) -> TlsSettings:
        """The ``ssl.*`` settings of listener ``name`` (also the controller listener's): the
        global ones with its ``listener.name.<name>.*`` overrides. A listener that sets its own
        keystore (location or chain) takes its key and key password from its own settings too,
        and one that sets its own truststore replaces the global one whole: a listener's
        certificate never meets the global key."""
        over = self.listener_overrides.get(name.upper(), {})
        keystore_keys = ("ssl.keystore.location", "ssl.keystore.certificate.chain")
        if any(k in over for k in keystore_keys):
            location = over.get("ssl.keystore.location")
            keystore_location = Path(location).expanduser() if location else None
            chain = over.get("ssl.keystore.certificate.chain")
            key = over.get("ssl.keystore.key")
            password = over.get("ssl.key.password")
        else:
            keystore_location = self.ssl_keystore_location
            chain = self.ssl_keystore_certificate_chain
            key = over.get("ssl.keystore.key", self.ssl_keystore_key)
            password = over.get("ssl.key.password", self.ssl_key_password)
        trust_keys = ("ssl.truststore.location", "ssl.truststore.certificates")
        if any(k in over for k in trust_keys):
            trust = over.get("ssl.truststore.location")
            truststore_location = Path(trust).expanduser() if trust else None
            truststore_certificates = over.get("ssl.truststore.certificates")
        else:
            truststore_location = self.ssl_truststore_location
            truststore_certificates = self.ssl_truststore_certificates
        client_auth = over.get("ssl.client.auth")
        if client_auth is None:
            # KIP-684: a SASL_SSL listener authenticates clients with SASL; the global
            # ssl.client.auth applies to it only when set with its listener's prefix.
            protocol = parse_protocol_map(self.listener_security_protocol_map).get(name.upper())
            client_auth = "none" if protocol == "SASL_SSL" else self.ssl_client_auth
        return TlsSettings(
            keystore_location=keystore_location,
            keystore_certificate_chain=chain,
            keystore_key=key,
            key_password=password,
            truststore_location=truststore_location,
            truststore_certificates=truststore_certificates,
            client_auth=client_auth,
            enabled_protocols=_split(over.get("ssl.enabled.protocols", self.ssl_enabled_protocols)),
            cipher_suites=over.get("ssl.cipher.suites", self.ssl_cipher_suites),
            endpoint_identification_algorithm=self.ssl_endpoint_identification_algorithm.strip(),
        )

    @property
    def super_user_set(self) -> frozenset[str]:
        """The principals of ``super.users``."""
        return frozenset(_split(self.super_users, ";"))

    @property
    def authorizer_enabled(self) -> bool:
        """Whether requests are checked against ACLs (``authorizer.class.name`` is set)."""
        return bool(self.authorizer_class_name)

    @property
    def _controller_listener_name(self) -> str:
        names = _split(self.controller_listener_names.upper())
        return names[0] if names else "CONTROLLER"

    @property
    def controller_uses_tls(self) -> bool:
        """Whether the controller (Raft) port speaks mutual TLS: the controller listener's
        protocol in the map is SSL."""
        protocols = parse_protocol_map(self.listener_security_protocol_map)
        return protocols.get(self._controller_listener_name) == "SSL"

    @property
    def is_broker(self) -> bool:
        """Whether this node serves clients and holds partitions."""
        return "broker" in self.process_roles.split(",")

    @property
    def is_controller(self) -> bool:
        """Whether this node is a voter of the metadata quorum (in a cluster)."""
        return "controller" in self.process_roles.split(",")

    @property
    def voters(self) -> dict[int, tuple[str, int]]:
        """The quorum's voters by node id (empty: a cluster of one)."""
        if self.controller_quorum_voters is None:
            return {}
        return parse_voters(self.controller_quorum_voters)

    @property
    def metadata_dir(self) -> Path:
        """Directory of the metadata log."""
        base = self.metadata_log_dir if self.metadata_log_dir is not None else self.log_dirs[0]
        return base / "__cluster_metadata"

    @property
    def effective_log_retention_ms(self) -> int:
        """Kafka's precedence: log.retention.ms, then .minutes, then .hours."""
        if self.log_retention_ms is not None:
            return self.log_retention_ms
        if self.log_retention_minutes is not None:
            return self.log_retention_minutes * 60_000
        return self.log_retention_hours * _HOUR_MS

    @property
    def effective_log_roll_ms(self) -> int:
        """Kafka's precedence: log.roll.ms, then log.roll.hours."""
        if self.log_roll_ms is not None:
            return self.log_roll_ms
        return self.log_roll_hours * _HOUR_MS

    @property
    def explicitly_set(self) -> frozenset[str]:
        """Kafka names of the settings that a source set (not defaulted), each
        ``listener.name.<listener>.<setting>`` among them."""
        fields = type(self).model_fields
        names = {_alias(n, fields[n]) for n in self.model_fields_set if n != "listener_overrides"}
        return frozenset(names | set(self._override_settings()))

    def _override_settings(self) -> dict[str, str]:
        return {
            f"{_LISTENER_PREFIX}{listener.lower()}.{key}": value
            for listener, settings in self.listener_overrides.items()
            for key, value in settings.items()
        }

    def kafka_settings(self) -> dict[str, str | None]:
        """Every setting under its Kafka name, as Kafka prints it (for DescribeConfigs); the
        values of ``SENSITIVE_SETTINGS`` are None, as Kafka shows them."""
        out: dict[str, str | None] = {}
        for name, info in type(self).model_fields.items():
            if name == "listener_overrides":
                continue
            alias = _alias(name, info)
            value = getattr(self, name)
            out[alias] = None if alias in SENSITIVE_SETTINGS else format_value(value)
        for key, text in self._override_settings().items():
            out[key] = None if _override_setting(key)[1] in SENSITIVE_SETTINGS else text
        return out

    @classmethod
    def kafka_names(cls) -> dict[str, str]:
        """Kafka name -> attribute name, for every setting (``listener_overrides`` holds the
        ``listener.name.<listener>.<setting>`` ones)."""
        return {_alias(n, i): n for n, i in cls.model_fields.items()}

    # -- sources ------------------------------------------------------------------------------

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Overrides (init) first, then ``SAMSA_*`` variables; files come in through init."""
        return init_settings, _SamsaEnvSource(settings_cls)


def parse_voters(text: str) -> dict[int, tuple[str, int]]:
    """``1@host:port,2@host:port`` as ``{1: ("host", port), ...}``; ValueError if malformed."""
    voters: dict[int, tuple[str, int]] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        node, at, address = part.partition("@")
        host, colon, port = address.rpartition(":")
        if not at or not colon or not node.strip().isdigit() or not port.isdigit():
            raise ValueError(f"voter {part!r} is not of the form id@host:port")
        node_id, port_number = int(node), int(port)
        if node_id in voters:
            raise ValueError(f"voter {node_id} appears twice")
        if not 0 < port_number <= 65535:
            raise ValueError(f"voter {part!r}: port out of range")
        voters[node_id] = (host.strip("[]") or "127.0.0.1", port_number)
    if not voters:
        raise ValueError("controller.quorum.voters names no voter")
    return voters


def parse_ip_overrides(text: str) -> dict[str, int]:
    """``host:count,host:count`` (``max.connections.per.ip.overrides``) as ``{host: count}``;
    ValueError if malformed. The count follows the last colon, so IPv6 addresses work."""
    overrides: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        host, colon, count = part.rpartition(":")
        host = host.strip().strip("[]")
        if not colon or not host or not count.strip().isdigit():
            raise ValueError(f"override {part!r} is not of the form host:count")
        overrides[host] = int(count)
    return overrides


def _alias(name: str, info: FieldInfo) -> str:
    return info.alias if info.alias is not None else name


def format_value(value: Any) -> str | None:
    """A setting's value as Kafka prints it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


class _SamsaEnvSource(PydanticBaseSettingsSource):
    """``SAMSA_<PYTHON_NAME>`` environment variables (unknown ``SAMSA_*`` ones are ignored:
    the environment is shared with other programs)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value = os.environ.get(ENV_PREFIX + field_name.upper())
        return value, field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, info in self.settings_cls.model_fields.items():
            value, _, _ = self.get_field_value(info, name)
            if value is not None:
                found[_alias(name, info)] = value
        return found


# -- files -------------------------------------------------------------------------------------


def parse_properties(text: str) -> dict[str, str]:
    """Java properties: ``key=value`` or ``key: value`` lines, ``#``/``!`` comments, a
    trailing backslash continues the line."""
    out: dict[str, str] = {}
    logical: list[str] = []
    for raw in text.splitlines():
        line = raw.strip() if not logical else raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        if line.endswith("\\") and not line.endswith("\\\\"):
            logical.append(line[:-1])
            continue
        logical.append(line)
        entry = "".join(logical)
        logical = []
        cut = min((i for i in (entry.find("="), entry.find(":")) if i >= 0), default=-1)
        if cut < 0:
            key, value = entry.strip(), ""
        else:
            key, value = entry[:cut].strip(), entry[cut + 1 :].strip()
        if key:
            out[key] = value
    return out


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a properties, TOML or JSON file, flattened to dotted names."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return _flatten(tomllib.loads(text))
        if suffix == ".json":
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ConfigError(f"config file {path}: the top level must be an object")
            return _flatten(data)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"config file {path} does not parse: {exc}") from None
    return parse_properties(text)


# -- loading -----------------------------------------------------------------------------------


def _override_setting(key: str) -> tuple[str, str]:
    """``listener.name.<listener>.<setting>`` as ``(LISTENER, setting)``; ValueError if the
    key has no listener or no setting."""
    rest = key[len(_LISTENER_PREFIX) :]
    listener, dot, setting = rest.partition(".")
    if not listener or not dot or not setting:
        raise ValueError(f"{key!r} is not of the form listener.name.<listener>.<setting>")
    return listener.upper(), setting


def _normalise_keys(settings: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Map Kafka or Python names to Kafka names, and collect the
    ``listener.name.<listener>.<setting>`` keys into ``listener_overrides``; ConfigError for
    an unknown key."""
    names = BrokerConfig.kafka_names()
    by_attribute = {attr: kafka for kafka, attr in names.items()}
    out: dict[str, Any] = {}
    overrides: dict[str, dict[str, str]] = {}
    for key, value in settings.items():
        if key.startswith(_LISTENER_PREFIX):
            try:
                listener, setting = _override_setting(key)
            except ValueError as exc:
                raise ConfigError(f"{exc} in {origin}") from None
            if setting not in LISTENER_OVERRIDABLE:
                close = difflib.get_close_matches(setting, sorted(LISTENER_OVERRIDABLE), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(
                    f"unknown per-listener setting {key!r} in {origin}: {setting!r} cannot be "
                    f"set per listener{hint}"
                )
            text = format_value(value)
            overrides.setdefault(listener, {})[setting] = "" if text is None else text
        elif key in names:
            out[key] = value
        elif key in by_attribute:
            out[by_attribute[key]] = value
        else:
            close = difflib.get_close_matches(key, list(names), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"unknown config key {key!r} in {origin}{hint}")
    if overrides:
        given = out.get("listener_overrides")
        merged = {k.upper(): dict(v) for k, v in given.items()} if isinstance(given, dict) else {}
        for listener, found in overrides.items():
            merged.setdefault(listener, {}).update(found)
        out["listener_overrides"] = merged
    return out


def load_config(
    config_file: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> BrokerConfig:
    """Build the broker's settings from a file, ``SAMSA_*`` variables and overrides."""
    merged: dict[str, Any] = {}
    if config_file is not None:
        path = Path(config_file)
        merged.update(_normalise_keys(read_config_file(path), f"config file {path}"))
    if overrides:
        extra = _normalise_keys(overrides, "overrides")
        per_listener = extra.pop("listener_overrides", None)
        merged.update(extra)
        if isinstance(per_listener, dict):
            # Per-listener settings of the overrides join the file's, setting by setting.
            combined = {k: dict(v) for k, v in merged.get("listener_overrides", {}).items()}
            for listener, found in per_listener.items():
                combined.setdefault(str(listener).upper(), {}).update(found)
            merged["listener_overrides"] = combined
    try:
        return BrokerConfig(**merged)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    names = {attr: kafka for kafka, attr in BrokerConfig.kafka_names().items()}
    problems = []
    for err in exc.errors():
        message = str(err["msg"]).removeprefix("Value error, ")
        if not err["loc"]:
            problems.append(message)  # a check across settings: the message names them
            continue
        loc = ".".join(str(p) for p in err["loc"])
        problems.append(f"{names.get(loc, loc)}: {message}")
    return "invalid broker config: " + "; ".join(problems)
