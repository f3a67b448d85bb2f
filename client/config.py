"""Client configuration: Kafka's option names and defaults, validated with pydantic.

Every option may be spelled as Kafka spells it (``linger.ms``) or in snake_case
(``linger_ms``); both name the same setting. Options come from a mapping, from keyword
arguments, or both::

    Producer({"bootstrap.servers": "localhost:9092", "linger.ms": 10})
    Producer(bootstrap_servers="localhost:9092", linger_ms=10)
    Producer(bootstrap_servers="localhost:9092", **{"compression.type": "zstd"})

An unknown key is refused with the closest valid keys; a bad value is refused naming the key
(``ConfigError``, a ``ValueError``); a value of the wrong type, or options that are not a
mapping, with a ``TypeError`` (``ConfigTypeError``) naming the key or the parameter.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, ClassVar, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from client.errors import ConfigError, ConfigTypeError
from client.serialization import (
    Deserializer,
    Serializer,
    resolve_deserializer,
    resolve_serializer,
)
from protocol.records import Compression

__all__ = [
    "SASL_MECHANISMS",
    "AdminConfig",
    "ClientConfig",
    "ConsumerConfig",
    "ProducerConfig",
    "check_options",
    "consumer_arguments",
    "dotted",
    "normalize_key",
]

_INT32_MAX = 2**31 - 1
#: How many close matches an unknown-key error lists.
_MAX_SUGGESTIONS = 3
#: difflib's similarity cutoff for a suggestion (0.6 is its default; 0.5 also catches a
#: missing or swapped word such as ``linger`` for ``linger.ms``).
_SUGGESTION_CUTOFF = 0.5

_COMPRESSION_NAMES: dict[str, Compression] = {
    "none": Compression.NONE,
    "gzip": Compression.GZIP,
    "snappy": Compression.SNAPPY,
    "lz4": Compression.LZ4,
    "zstd": Compression.ZSTD,
}

ASSIGNOR_NAMES = ("range", "roundrobin", "cooperative-sticky")
#: The SASL mechanisms the client speaks.
SASL_MECHANISMS: Final = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_MECHANISM_LIST: Final = ", ".join(SASL_MECHANISMS)
#: Kafka's mechanisms that Samsa does not speak, refused by name rather than as unknown.
_UNSUPPORTED_MECHANISMS: Final = frozenset({"GSSAPI", "OAUTHBEARER"})
#: pydantic's error type for a value of the wrong type in Samsa's own validators; pydantic's
#: own such errors end in ``_type`` (``int_type``, ``string_type``, …).
WRONG_TYPE: Final = "wrong_type"
#: Options whose values an error message never repeats.
_SECRET_FIELDS: Final = frozenset({"sasl_password", "ssl_key_password"})
#: How much of a bad value an error message repeats.
_SHOWN_VALUE_CHARS: Final = 60


def wrong_type(expected: str, value: object) -> PydanticCustomError:
    """The validation error for a value of the wrong type (reported as a ``TypeError``)."""
    got = f"{_kind(value)} {value!r:.{_SHOWN_VALUE_CHARS}}"
    return PydanticCustomError(
        WRONG_TYPE, "expected {expected}, not {got}", {"expected": expected, "got": got}
    )


def _kind(value: object) -> str:
    return type(value).__name__


def check_options(kind: str, options: object) -> Mapping[str, Any] | None:
    """``options`` if it is a mapping or None; otherwise a ``ConfigTypeError`` naming the client
    (``kind``: ``"Producer"``…) and, for a ``host:port`` string, the option it must have been."""
    if options is None or isinstance(options, Mapping):
        return options
    text = f"{kind}() takes its options as a mapping or as keyword arguments, not " + (
        f"{_kind(options)} {options!r:.{_SHOWN_VALUE_CHARS}}"
    )
    if isinstance(options, str) and ":" in options:
        text += f" (did you mean bootstrap_servers={options!r}?)"
    raise ConfigTypeError(text)


def normalize_key(key: str) -> str:
    """The snake_case field name of an option key (``linger.ms`` → ``linger_ms``)."""
    return key.strip().lower().replace(".", "_").replace("-", "_")


def dotted(name: str) -> str:
    """Kafka's spelling of a field name (``linger_ms`` → ``linger.ms``)."""
    return name.replace("_", ".")


def _parse_bootstrap(value: object) -> list[tuple[str, int]]:
    if isinstance(value, str):
        items = [v for v in value.replace(" ", "").split(",") if v]
    elif isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        raise wrong_type("'host:port[,host:port…]' or a list of 'host:port'", value)
    if not items:
        raise ValueError("at least one host:port is needed")
    out: list[tuple[str, int]] = []
    for item in items:
        host, sep, port = item.rpartition(":")
        if not sep:
            host, port = item, "9092"  # Kafka's default port when none is given
        host = host.strip("[]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{item!r} is not host:port")
        out.append((host, int(port)))
    return out


def consumer_arguments(
    kind: str, args: tuple[Any, ...]
) -> tuple[Mapping[str, Any] | None, tuple[str, ...]]:
    """A consumer's positional arguments → (options mapping, topics): an optional mapping of
    options first, then topic names, as aiokafka takes them (``Consumer("a", "b", …)``).
    Anything else is a ``ConfigTypeError`` naming the argument."""
    options: Mapping[str, Any] | None = None
    if args and (args[0] is None or isinstance(args[0], Mapping)):
        options, args = args[0], args[1:]
    for topic in args:
        if isinstance(topic, list | tuple | set | frozenset):
            raise ConfigTypeError(
                f"{kind}() takes topics as separate str arguments, not a {_kind(topic)}: "
                f"{kind}(*{topic!r:.{_SHOWN_VALUE_CHARS}}, …), or subscribe() after start"
            )
        if not isinstance(topic, str):
            raise ConfigTypeError(
                f"{kind}() takes topic names (str) and an options mapping as positional "
                f"arguments, not {_kind(topic)} {topic!r:.{_SHOWN_VALUE_CHARS}}"
            )
        if ":" in topic:
            # A topic name has no colon: this is the address of a broker.
            raise ConfigError(
                f"{kind}(): {topic!r} is not a topic name (did you mean "
                f"bootstrap_servers={topic!r}?)"
            )
    return options, tuple(args)


class ClientConfig(BaseModel):
    """Options every client shares (connections, metadata, timeouts)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    #: Keys that are accepted but mean something only to other clients; none by default.
    KIND: ClassVar[str] = "client"

    bootstrap_servers: list[tuple[str, int]] = Field(
        default_factory=lambda: [("localhost", 9092)],
        description="Brokers to fetch the first metadata from: 'host:port,host:port'.",
    )
    client_id: str = Field("samsa-python", description="Sent with every request (broker logs).")
    request_timeout_ms: int = Field(30_000, gt=0, le=_INT32_MAX)
    metadata_max_age_ms: int = Field(300_000, ge=0, le=_INT32_MAX)
    retry_backoff_ms: int = Field(100, ge=0, le=_INT32_MAX)
    retry_backoff_max_ms: int = Field(1_000, ge=0, le=_INT32_MAX)
    reconnect_backoff_ms: int = Field(50, ge=0, le=_INT32_MAX)
    reconnect_backoff_max_ms: int = Field(1_000, ge=0, le=_INT32_MAX)
    socket_connection_setup_timeout_ms: int = Field(10_000, gt=0, le=_INT32_MAX)
    max_in_flight_requests_per_connection: int = Field(5, ge=1, le=1_000)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL."
    )
    ssl_ca_location: str | None = Field(
        None, description="PEM CA bundle to trust (default: the system's CAs)."
    )
    ssl_certificate_location: str | None = Field(
        None, description="PEM client certificate (chain) for mutual TLS."
    )
    ssl_key_location: str | None = Field(
        None, description="PEM private key (or key and chain in one file) for mutual TLS."
    )
    ssl_key_password: str | None = Field(
        None, repr=False, description="Password of the private key."
    )
    ssl_endpoint_identification_algorithm: str = Field(
        "https", description="'https' checks the broker's hostname; 'none' or '' does not."
    )
    sasl_mechanism: str | None = Field(
        None, description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL_* protocols)."
    )
    sasl_username: str | None = None
    sasl_password: str | None = Field(None, repr=False)

    #: Other spellings of options (librdkafka's and Java's) -> the field they set.
    ALIASES: ClassVar[dict[str, str]] = {
        "ssl_truststore_location": "ssl_ca_location",
        "ssl_keystore_location": "ssl_key_location",
        "sasl_mechanisms": "sasl_mechanism",
    }

    @field_validator("bootstrap_servers", mode="before")
    @classmethod
    def _bootstrap(cls, value: object) -> list[tuple[str, int]]:
        return _parse_bootstrap(value)

    @field_validator("security_protocol", mode="before")
    @classmethod
    def _security(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("sasl_mechanism", mode="before")
    @classmethod
    def _mechanism(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        name = value.strip().upper().replace("_", "-")
        if name in _UNSUPPORTED_MECHANISMS:
            raise ValueError(f"SASL mechanism {name} is not supported (use {_MECHANISM_LIST})")
        if name not in SASL_MECHANISMS:
            raise ValueError(f"SASL mechanism is one of {_MECHANISM_LIST}")
        return name

    @field_validator("ssl_endpoint_identification_algorithm", mode="before")
    @classmethod
    def _endpoint_check(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        if text in ("", "none"):
            return ""
        if text != "https":
            raise ValueError("ssl.endpoint.identification.algorithm is 'https', 'none' or ''")
        return text

    @model_validator(mode="after")
    def _security_consistent(self) -> Self:
        if self.security_protocol.startswith("SASL_"):
            missing = [
                dotted(name)
                for name in ("sasl_mechanism", "sasl_username", "sasl_password")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(
                    f"security.protocol={self.security_protocol} needs " + ", ".join(missing)
                )
        if self.ssl_certificate_location is not None and self.ssl_key_location is None:
            raise ValueError("ssl.certificate.location needs ssl.key.location")
        return self

    @classmethod
    def build(cls, options: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Self:
        """Validate options given in either spelling; raises ``ConfigError`` (a bad value) or
        ``ConfigTypeError`` (a value of the wrong type; options that are not a mapping)."""
        options = check_options(cls.KIND.capitalize(), options)
        merged: dict[str, Any] = {}
        spelled: dict[str, str] = {}
        for source in (options or {}, kwargs):
            for key, value in source.items():
                if not isinstance(key, str):
                    raise ConfigError(f"config keys are strings, not {key!r}")
                name = normalize_key(key)
                name = cls.ALIASES.get(name, name)
                if name not in cls.model_fields:
                    raise ConfigError(unknown_key_message(cls, key))
                if name in spelled and spelled[name] != key:
                    raise ConfigError(f"{key!r} and {spelled[name]!r} name the same option")
                spelled[name] = key
                merged[name] = value
        try:
            return cls(**merged)
        except ValidationError as exc:
            message = _validation_message(cls, exc, spelled)
            if all(_is_type_error(e.get("type", "")) for e in exc.errors()):
                raise ConfigTypeError(message) from None
            raise ConfigError(message) from None

    def with_options(self, **changes: Any) -> Self:
        """A copy with some options changed (validated again)."""
        values = self.model_dump()
        values.update({normalize_key(k): v for k, v in changes.items()})
        return type(self).build(values)

    @property
    def retry_backoff_s(self) -> float:
        """``retry.backoff.ms`` in seconds."""
        return self.retry_backoff_ms / 1000

    @property
    def request_timeout_s(self) -> float:
        """``request.timeout.ms`` in seconds."""
        return self.request_timeout_ms / 1000


def unknown_key_message(cls: type[ClientConfig], key: str) -> str:
    """``unknown … option 'x'; did you mean …?`` with the closest valid keys."""
    name = normalize_key(key)
    names = sorted(cls.model_fields)
    matches = difflib.get_close_matches(name, names, n=_MAX_SUGGESTIONS, cutoff=_SUGGESTION_CUTOFF)
    style = dotted if "." in key else (lambda n: n)
    text = f"unknown {cls.KIND} option {key!r}"
    if matches:
        text += "; did you mean " + " or ".join(repr(style(m)) for m in matches) + "?"
    else:
        text += f" (valid options: {', '.join(style(n) for n in names)})"
    return text


def _is_type_error(error_type: str) -> bool:
    return error_type == WRONG_TYPE or error_type.endswith("_type")


def _validation_message(
    cls: type[ClientConfig], exc: ValidationError, spelled: dict[str, str]
) -> str:
    problems = []
    for error in exc.errors():
        loc = error.get("loc") or ()
        name = str(loc[0]) if loc else ""
        key = spelled.get(name, dotted(name)) if name else ""
        message = error.get("msg", "invalid")
        if error.get("type") == WRONG_TYPE:
            problems.append(f"{key!r}: {message}" if key else message)
        elif key and name in _SECRET_FIELDS:
            problems.append(f"{key!r}: {message}")  # never repeat a secret
        elif key:
            value = error.get("input")
            shown = f"{value!r:.{_SHOWN_VALUE_CHARS}}"
            problems.append(f"{key!r}: {message} (got {_kind(value)} {shown})")
        else:
            problems.append(message)
    return f"invalid {cls.KIND} configuration: " + "; ".join(problems)


class AdminConfig(ClientConfig):
    """Options of ``Admin``: the shared client options only."""

    KIND: ClassVar[str] = "admin"


class ProducerConfig(ClientConfig):
    """Options of ``Producer`` (Kafka 4 defaults)."""

    KIND: ClassVar[str] = "producer"

    acks: int = Field(-1, description="0, 1 or all (-1): replicas that must have a write.")
    batch_size: int = Field(16_384, ge=0, le=_INT32_MAX)
    linger_ms: int = Field(5, ge=0, le=_INT32_MAX)
    compression_type: Compression = Compression.NONE
    retries: int = Field(_INT32_MAX, ge=0, le=_INT32_MAX)
    delivery_timeout_ms: int = Field(120_000, gt=0, le=_INT32_MAX)
    enable_idempotence: bool = True
    buffer_memory: int = Field(32 * 1024 * 1024, gt=0)
    max_block_ms: int = Field(60_000, ge=0, le=_INT32_MAX)
    max_request_size: int = Field(1024 * 1024, gt=0, le=_INT32_MAX)
    partitioner_ignore_keys: bool = False
    key_serializer: Serializer | None = None
    value_serializer: Serializer | None = None
    transactional_id: str | None = Field(
        None,
        min_length=1,
        description="Makes the producer transactional (implies enable.idempotence).",
    )
    #: Kafka's default; the coordinator aborts a transaction left open longer than this.
    transaction_timeout_ms: int = Field(60_000, gt=0, le=_INT32_MAX)

    @field_validator("acks", mode="before")
    @classmethod
    def _acks(cls, value: object) -> int:
        text = str(value).strip().lower()
        if text in ("all", "-1"):
            return -1
        if text in ("0", "1"):
            return int(text)
        if not isinstance(value, str | int):
            raise wrong_type("'all', -1, 0 or 1", value)
        raise ValueError("acks is 'all' (-1), 0 or 1")

    @field_validator("compression_type", mode="before")
    @classmethod
    def _compression(cls, value: object) -> Compression:
        if isinstance(value, Compression):
            return value
        if isinstance(value, str) and value.lower() in _COMPRESSION_NAMES:
            return _COMPRESSION_NAMES[value.lower()]
        if not isinstance(value, str):
            raise wrong_type(f"one of {', '.join(_COMPRESSION_NAMES)}", value)
        raise ValueError(f"compression.type is one of {', '.join(_COMPRESSION_NAMES)}")

    @field_validator("key_serializer", "value_serializer", mode="before")
    @classmethod
    def _serializer(cls, value: object) -> Serializer | None:
        try:
            return resolve_serializer(value)
        except TypeError as exc:
            raise PydanticCustomError(WRONG_TYPE, str(exc)) from None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.transactional_id is not None and not self.enable_idempotence:
            # Only an explicit false gets here (the default is true): Kafka refuses it too.
            raise ValueError("transactional.id needs enable.idempotence=true")
        if self.enable_idempotence:
            conflicts = []
            if self.acks != -1:
                conflicts.append("acks must be all")
            if self.retries == 0:
                conflicts.append("retries must be > 0")
            if self.max_in_flight_requests_per_connection > 5:
                conflicts.append("max.in.flight.requests.per.connection must be <= 5")
            if conflicts:
                if "enable_idempotence" in self.model_fields_set:
                    raise ValueError("enable.idempotence=true needs " + ", ".join(conflicts))
                if self.transactional_id is not None:
                    raise ValueError("transactional.id needs idempotence: " + ", ".join(conflicts))
                # Kafka's rule: idempotence that is on only by default yields to the
                # settings the application chose explicitly.
                object.__setattr__(self, "enable_idempotence", False)
        if self.delivery_timeout_ms < self.linger_ms + self.request_timeout_ms:
            raise ValueError(
                "delivery.timeout.ms must be at least linger.ms + request.timeout.ms "
                f"({self.linger_ms + self.request_timeout_ms})"
            )
        return self


#: Consumer options of the classic group protocol only (Kafka's consumer refuses them with
#: ``group.protocol=consumer``).
_CLASSIC_GROUP_OPTIONS: Final = frozenset(
    {"partition_assignment_strategy", "session_timeout_ms", "heartbeat_interval_ms"}
)


class ConsumerConfig(ClientConfig):
    """Options of ``Consumer`` (Kafka 4 defaults)."""

    KIND: ClassVar[str] = "consumer"

    group_id: str | None = None
    group_instance_id: str | None = None
    session_timeout_ms: int = Field(45_000, gt=0, le=_INT32_MAX)
    heartbeat_interval_ms: int = Field(3_000, gt=0, le=_INT32_MAX)
    max_poll_interval_ms: int = Field(300_000, gt=0, le=_INT32_MAX)
    max_poll_records: int = Field(500, gt=0, le=_INT32_MAX)
    enable_auto_commit: bool = True
    auto_commit_interval_ms: int = Field(5_000, ge=0, le=_INT32_MAX)
    auto_offset_reset: Literal["earliest", "latest", "none"] = "latest"
    fetch_min_bytes: int = Field(1, ge=0, le=_INT32_MAX)
    fetch_max_bytes: int = Field(52_428_800, gt=0, le=_INT32_MAX)
    fetch_max_wait_ms: int = Field(500, ge=0, le=_INT32_MAX)
    max_partition_fetch_bytes: int = Field(1_048_576, gt=0, le=_INT32_MAX)
    isolation_level: Literal["read_uncommitted", "read_committed"] = "read_uncommitted"
    partition_assignment_strategy: list[str] = Field(
        default_factory=lambda: ["range", "cooperative-sticky"]
    )
    #: Kafka's ``group.protocol``: "classic" (JoinGroup/SyncGroup, client-side assignors) or
    #: "consumer" (KIP-848: ConsumerGroupHeartbeat, the broker assigns).
    group_protocol: Literal["classic", "consumer"] = "classic"
    #: Kafka's ``group.remote.assignor``: the broker-side assignor to ask for (None: the
    #: broker's default). Only with ``group.protocol=consumer``.
    group_remote_assignor: str | None = None
    check_crcs: bool = True
    exclude_internal_topics: bool = True
    allow_auto_create_topics: bool = True
    key_deserializer: Deserializer | None = None
    value_deserializer: Deserializer | None = None

    @field_validator("auto_offset_reset", "isolation_level", "group_protocol", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            return {"smallest": "earliest", "largest": "latest"}.get(value, value)
        return value

    @field_validator("partition_assignment_strategy", mode="before")
    @classmethod
    def _assignors(cls, value: object) -> list[str]:
        if isinstance(value, str):
            names = [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, list | tuple):
            names = [str(v).strip() for v in value]
        else:
            raise wrong_type("a list of assignor names", value)
        aliases = {
            "cooperativesticky": "cooperative-sticky",
            "cooperative_sticky": "cooperative-sticky",
            "round_robin": "roundrobin",
        }
        names = [aliases.get(n.lower(), n.lower()) for n in names]
        unknown = [n for n in names if n not in ASSIGNOR_NAMES]
        if unknown or not names:
            raise ValueError(f"assignors are {', '.join(ASSIGNOR_NAMES)}; got {value!r}")
        return names

    @field_validator("key_deserializer", "value_deserializer", mode="before")
    @classmethod
    def _deserializer(cls, value: object) -> Deserializer | None:
        try:
            return resolve_deserializer(value)
        except TypeError as exc:
            raise PydanticCustomError(WRONG_TYPE, str(exc)) from None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.heartbeat_interval_ms >= self.session_timeout_ms:
            raise ValueError("heartbeat.interval.ms must be lower than session.timeout.ms")
        if self.group_instance_id is not None and self.group_id is None:
            raise ValueError("group.instance.id needs group.id")
        if self.group_remote_assignor is not None and self.group_protocol != "consumer":
            raise ValueError("group.remote.assignor needs group.protocol=consumer")
        if self.group_protocol == "consumer":
            # As Kafka's consumer: with KIP-848 the coordinator assigns and sets the heartbeat
            # interval and session; the classic options would silently do nothing.
            classic = sorted(self.model_fields_set & _CLASSIC_GROUP_OPTIONS)
            if classic:
                names = ", ".join(dotted(n) for n in classic)
                raise ValueError(
                    f"{names} cannot be used with group.protocol=consumer (the broker assigns "
                    "and sets the heartbeat; use group.remote.assignor to choose its assignor)"
                )
        return self
