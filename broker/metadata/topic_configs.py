"""Topic-level settings: their Kafka names, broker synonyms, types and validation (pure).

Every topic config has a broker-level synonym that supplies its default (``retention.ms`` ←
``log.retention.ms``). The effective value of a topic setting is, strongest first: the topic's
override, a dynamic broker setting (AlterConfigs on the broker resource, per node or
cluster-wide), the static broker setting (file, environment, flags), Kafka's default. Most of
them are storage's ``LogConfig``; the broker uses the rest (``min.insync.replicas``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from broker.config import BrokerConfig, format_value
from broker.storage.config import LogConfig
from protocol.errors import InvalidConfigError
from protocol.types import ConfigSource

__all__ = [
    "BROKER_DYNAMIC_CONFIGS",
    "TOPIC_CONFIGS",
    "ConfigSource",
    "ConfigType",
    "ResolvedConfig",
    "TopicConfigDef",
    "apply_config_ops",
    "broker_topic_defaults",
    "log_config_for",
    "resolve_topic_configs",
    "validate_topic_overrides",
]


class ConfigType(enum.IntEnum):
    """Kafka's DescribeConfigs ``config_type`` (v3+)."""

    UNKNOWN = 0
    BOOLEAN = 1
    STRING = 2
    INT = 3
    SHORT = 4
    LONG = 5
    DOUBLE = 6
    LIST = 7


@dataclass(frozen=True, slots=True)
class TopicConfigDef:
    """One topic config: its broker synonym (whose value is the default) and type."""

    name: str
    synonym: str
    type: ConfigType
    doc: str


def _d(name: str, synonym: str, type_: ConfigType, doc: str) -> tuple[str, TopicConfigDef]:
    return name, TopicConfigDef(name, synonym, type_, doc)


TOPIC_CONFIGS: Final[dict[str, TopicConfigDef]] = dict(
    [
        _d("cleanup.policy", "log.cleanup.policy", ConfigType.LIST, "delete and/or compact"),
        _d(
            "compression.type",
            "compression.type",
            ConfigType.STRING,
            "only 'producer': batches are stored as produced",
        ),
        _d(
            "delete.retention.ms",
            "log.cleaner.delete.retention.ms",
            ConfigType.LONG,
            "how long compaction keeps tombstones",
        ),
        _d(
            "flush.messages",
            "log.flush.interval.messages",
            ConfigType.LONG,
            "interval flush policy: fsync after this many records",
        ),
        _d(
            "flush.ms",
            "log.flush.interval.ms",
            ConfigType.LONG,
            "interval flush policy: fsync data unflushed this long",
        ),
        _d(
            "index.interval.bytes",
            "log.index.interval.bytes",
            ConfigType.INT,
            "bytes of log between offset index entries",
        ),
        _d(
            "max.message.bytes",
            "message.max.bytes",
            ConfigType.INT,
            "largest record batch accepted",
        ),
        _d(
            "message.timestamp.type",
            "log.message.timestamp.type",
            ConfigType.STRING,
            "CreateTime or LogAppendTime",
        ),
        _d(
            "min.cleanable.dirty.ratio",
            "log.cleaner.min.cleanable.ratio",
            ConfigType.DOUBLE,
            "compact when this share of the log is uncleaned",
        ),
        _d(
            "min.insync.replicas",
            "min.insync.replicas",
            ConfigType.INT,
            "replicas that must be in sync for acks=all",
        ),
        _d(
            "retention.bytes",
            "log.retention.bytes",
            ConfigType.LONG,
            "delete old segments past this size (-1: unlimited)",
        ),
        _d(
            "retention.ms",
            "log.retention.ms",
            ConfigType.LONG,
            "delete segments older than this (-1: forever)",
        ),
        _d("segment.bytes", "log.segment.bytes", ConfigType.INT, "segment file size"),
        _d(
            "segment.index.bytes",
            "log.index.size.max.bytes",
            ConfigType.INT,
            "offset index size per segment",
        ),
        _d("segment.ms", "log.roll.ms", ConfigType.LONG, "roll segments older than this"),
        _d(
            "unclean.leader.election.enable",
            "unclean.leader.election.enable",
            ConfigType.BOOLEAN,
            "elect out-of-sync replicas as a last resort",
        ),
    ]
)
"""Every topic config Samsa knows, by Kafka name."""

#: Broker settings that AlterConfigs may change at runtime (Kafka's cluster-wide dynamic
#: topic defaults); every other broker setting is read-only.
BROKER_DYNAMIC_CONFIGS: Final = frozenset(d.synonym for d in TOPIC_CONFIGS.values())

#: The topic configs that storage's LogConfig does not hold (the broker uses them itself).
_BROKER_ONLY: Final = frozenset(
    {"min.insync.replicas", "compression.type", "unclean.leader.election.enable"}
)


@dataclass(frozen=True, slots=True)
class ResolvedConfig:
    """A setting's effective value, where it came from, and the weaker values it overrides."""

    name: str
    value: str | None
    source: ConfigSource
    synonyms: tuple[tuple[str, str | None, ConfigSource], ...]


def _static_value(config: BrokerConfig, synonym: str) -> str | None:
    if synonym == "log.retention.ms":
        return str(config.effective_log_retention_ms)
    if synonym == "log.roll.ms":
        return str(config.effective_log_roll_ms)
    if synonym == "log.flush.interval.ms" and config.log_flush_interval_ms is None:
        return str(LogConfig().flush_ms)
    attr = BrokerConfig.kafka_names()[synonym]
    return format_value(getattr(config, attr))


def broker_topic_defaults(
    config: BrokerConfig,
    dynamic_node: Mapping[str, str],
    dynamic_cluster: Mapping[str, str],
) -> dict[str, ResolvedConfig]:
    """The default of every topic config as the broker resolves it, by topic config name.

    ``dynamic_node`` / ``dynamic_cluster`` are the broker-level settings altered at runtime for
    this node and cluster-wide, by broker name (``log.retention.ms``).
    """
    explicit = config.explicitly_set
    out: dict[str, ResolvedConfig] = {}
    for name, d in TOPIC_CONFIGS.items():
        chain: list[tuple[str, str | None, ConfigSource]] = []
        if d.synonym in dynamic_node:
            chain.append((d.synonym, dynamic_node[d.synonym], ConfigSource.DYNAMIC_BROKER_CONFIG))
        if d.synonym in dynamic_cluster:
            chain.append(
                (d.synonym, dynamic_cluster[d.synonym], ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
            )
        static = _static_value(config, d.synonym)
        if d.synonym in explicit or _derived_explicit(d.synonym, explicit):
            chain.append((d.synonym, static, ConfigSource.STATIC_BROKER_CONFIG))
        default = _static_value(BrokerConfig.model_construct(), d.synonym)
        chain.append((d.synonym, default, ConfigSource.DEFAULT_CONFIG))
        top = chain[0]
        out[name] = ResolvedConfig(name, top[1], top[2], tuple(chain))
    return out


def _derived_explicit(synonym: str, explicit: frozenset[str]) -> bool:
    if synonym == "log.retention.ms":
        return bool({"log.retention.minutes", "log.retention.hours"} & explicit)
    if synonym == "log.roll.ms":
        return "log.roll.hours" in explicit
    return False


def resolve_topic_configs(
    defaults: Mapping[str, ResolvedConfig], overrides: Mapping[str, str]
) -> dict[str, ResolvedConfig]:
    """Every topic config of a topic: its override if set, else the broker default."""
    out: dict[str, ResolvedConfig] = {}
    for name, default in defaults.items():
        if name in overrides:
            chain = ((name, overrides[name], ConfigSource.DYNAMIC_TOPIC_CONFIG), *default.synonyms)
            out[name] = ResolvedConfig(
                name, overrides[name], ConfigSource.DYNAMIC_TOPIC_CONFIG, chain
            )
        else:
            out[name] = default
    return out


def _log_settings(resolved: Mapping[str, ResolvedConfig]) -> dict[str, Any]:
    return {
        name: r.value
        for name, r in resolved.items()
        if name not in _BROKER_ONLY and r.value is not None
    }


def log_config_for(resolved: Mapping[str, ResolvedConfig]) -> LogConfig:
    """Storage's LogConfig for a topic's resolved settings."""
    return LogConfig.from_kafka(_log_settings(resolved))


def _check_broker_only(name: str, value: str) -> None:
    if name == "min.insync.replicas":
        if not value.strip().lstrip("-").isdigit() or int(value) < 1:
            raise InvalidConfigError(f"Invalid value {value} for configuration {name}")
    elif name == "compression.type":
        if value != "producer":
            raise InvalidConfigError(
                f"Invalid value {value} for configuration {name}: Samsa stores batches as "
                "the producer compressed them; only 'producer' is supported"
            )
    elif name == "unclean.leader.election.enable" and value.lower() not in ("true", "false"):
        raise InvalidConfigError(f"Invalid value {value} for configuration {name}")


def validate_topic_overrides(
    defaults: Mapping[str, ResolvedConfig], overrides: Mapping[str, str | None]
) -> dict[str, str]:
    """Check a topic's overrides (None values are rejected); returns them normalised.

    Raises InvalidConfigError naming the first unknown name or bad value.
    """
    clean: dict[str, str] = {}
    for name, value in overrides.items():
        if name not in TOPIC_CONFIGS:
            raise InvalidConfigError(f"Unknown topic config name: {name}")
        if value is None:
            raise InvalidConfigError(f"Null value not supported for topic config {name}")
        if name in _BROKER_ONLY:
            _check_broker_only(name, value)
        clean[name] = value
    try:
        config = log_config_for(resolve_topic_configs(defaults, clean))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = str(err["loc"][0]) if err["loc"] else "config"
        alias = LogConfig.model_fields[loc].alias if loc in LogConfig.model_fields else loc
        bad = clean.get(alias or loc)
        raise InvalidConfigError(
            f"Invalid value {bad} for configuration {alias}: {err['msg']}"
        ) from None
    # Store the canonical spelling of list values.
    if "cleanup.policy" in clean:
        clean["cleanup.policy"] = ",".join(sorted(str(p) for p in config.cleanup_policy))
    return clean


def validate_broker_dynamic(name: str, value: str | None) -> None:
    """Check a dynamic broker setting: known, alterable, and a valid value."""
    if name not in BrokerConfig.kafka_names():
        raise InvalidConfigError(f"Unknown broker config name: {name}")
    if name not in BROKER_DYNAMIC_CONFIGS:
        raise InvalidConfigError(f"Cannot update these configs dynamically: {name}")
    if value is None:
        return
    topic_name = next(d.name for d in TOPIC_CONFIGS.values() if d.synonym == name)
    fake_defaults = broker_topic_defaults(BrokerConfig.model_construct(), {}, {})
    validate_topic_overrides(fake_defaults, {topic_name: value})


#: IncrementalAlterConfigs operations (Kafka's numbers), as ``apply_config_ops`` reads them.
_OP_SET: Final = 0
_OP_DELETE: Final = 1
_OP_APPEND: Final = 2
_OP_SUBTRACT: Final = 3


def apply_config_ops(
    current: Mapping[str, str],
    ops: Sequence[tuple[str, int, str | None]],
    *,
    replace: bool,
    list_default: Callable[[str], str | None],
) -> dict[str, str] | None:
    """A resource's stored settings after AlterConfigs (``replace``: the given set replaces
    all) or IncrementalAlterConfigs ``(name, op, value)`` triples: SET (a null value deletes),
    DELETE, APPEND / SUBTRACT (comma-separated lists, starting from the stored value or
    ``list_default(name)``). None if an operation is unknown (the controller answers it)."""
    updated: dict[str, str] = {} if replace else dict(current)
    for name, op, value in ops:
        if op == _OP_SET:
            if value is None:
                updated.pop(name, None)
            else:
                updated[name] = value
        elif op == _OP_DELETE:
            updated.pop(name, None)
        elif op in (_OP_APPEND, _OP_SUBTRACT):
            base = updated.get(name)
            if base is None:
                base = list_default(name)
            items = [v for v in (base or "").split(",") if v]
            given = [v.strip() for v in (value or "").split(",") if v.strip()]
            if op == _OP_APPEND:
                items += [v for v in given if v not in items]
            else:
                items = [v for v in items if v not in given]
            updated[name] = ",".join(items)
        else:
            return None
    return updated
