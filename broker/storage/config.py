"""Topic-level log settings (Kafka's names and defaults) and the broker-level flush policy.

``LogConfig`` takes Kafka's dotted names (``segment.bytes``) as aliases and exposes Python
attribute names with units last (``segment_bytes``)::

    LogConfig.from_kafka({"segment.bytes": "1048576", "cleanup.policy": "compact"})
    LogConfig(segment_bytes=1 << 20)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DEFAULT_FLUSH_POLICY",
    "LONG_MAX",
    "CleanupPolicy",
    "FlushPolicy",
    "LogConfig",
]

#: Kafka's "never" for flush.messages / flush.ms (Java's Long.MAX_VALUE).
LONG_MAX = (1 << 63) - 1

_KIB = 1024
_MIB = 1024 * _KIB
_GIB = 1024 * _MIB
_HOUR_MS = 60 * 60 * 1000
_DAY_MS = 24 * _HOUR_MS


class FlushPolicy(enum.StrEnum):
    """``log.flush.policy``: when appends are fsynced (a broker-level setting).

    * ``group`` (default): a flusher fsyncs every dirty log in one pass and only then completes
      the appends waiting on it, so concurrent appends share one fsync.
    * ``interval``: Kafka's ``flush.ms`` / ``flush.messages`` per topic; appends do not wait.
    * ``none``: never fsync on the append path (only on roll and shutdown); rely on replicas.
    """

    GROUP = "group"
    INTERVAL = "interval"
    NONE = "none"


DEFAULT_FLUSH_POLICY = FlushPolicy.GROUP


class CleanupPolicy(enum.StrEnum):
    """One element of ``cleanup.policy``."""

    DELETE = "delete"
    COMPACT = "compact"


class LogConfig(BaseModel):
    """Per-topic log settings; defaults are Kafka's.

    Each field is accepted under Kafka's name and the Python one, and dumped under Kafka's
    (``validation_alias`` / ``serialization_alias``: a plain ``alias`` would make type checkers
    demand the dotted name in the constructor).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    segment_bytes: int = Field(
        default=_GIB,
        validation_alias=AliasChoices("segment.bytes", "segment_bytes"),
        serialization_alias="segment.bytes",
        ge=14,
    )
    """Roll a new segment when the active one would grow past this size."""
    segment_ms: int = Field(
        default=7 * _DAY_MS,
        validation_alias=AliasChoices("segment.ms", "segment_ms"),
        serialization_alias="segment.ms",
        ge=1,
    )
    """Roll a non-empty active segment that is older than this."""
    segment_index_bytes: int = Field(
        default=10 * _MIB,
        validation_alias=AliasChoices("segment.index.bytes", "segment_index_bytes"),
        serialization_alias="segment.index.bytes",
        ge=12,
    )
    """Size cap of a segment's offset index; a full index rolls the segment."""
    index_interval_bytes: int = Field(
        default=4096,
        validation_alias=AliasChoices("index.interval.bytes", "index_interval_bytes"),
        serialization_alias="index.interval.bytes",
        ge=0,
    )
    """Bytes of log between two sparse index entries."""
    retention_ms: int = Field(
        default=7 * _DAY_MS,
        validation_alias=AliasChoices("retention.ms", "retention_ms"),
        serialization_alias="retention.ms",
        ge=-1,
    )
    """Delete segments whose newest timestamp is older than this; -1 keeps them forever."""
    retention_bytes: int = Field(
        default=-1,
        validation_alias=AliasChoices("retention.bytes", "retention_bytes"),
        serialization_alias="retention.bytes",
        ge=-1,
    )
    """Delete the oldest segments while the log is larger than this; -1 is unlimited."""
    cleanup_policy: frozenset[CleanupPolicy] = Field(
        default=frozenset({CleanupPolicy.DELETE}),
        validation_alias=AliasChoices("cleanup.policy", "cleanup_policy"),
        serialization_alias="cleanup.policy",
    )
    """``delete``, ``compact`` or both."""
    delete_retention_ms: int = Field(
        default=_DAY_MS,
        validation_alias=AliasChoices("delete.retention.ms", "delete_retention_ms"),
        serialization_alias="delete.retention.ms",
        ge=0,
    )
    """How long compaction keeps tombstones (records with a null value)."""
    min_cleanable_dirty_ratio: float = Field(
        default=0.5,
        validation_alias=AliasChoices("min.cleanable.dirty.ratio", "min_cleanable_dirty_ratio"),
        serialization_alias="min.cleanable.dirty.ratio",
        ge=0.0,
        le=1.0,
    )
    """Compact only when the uncleaned part is at least this share of the log."""
    max_message_bytes: int = Field(
        default=1048588,
        validation_alias=AliasChoices("max.message.bytes", "max_message_bytes"),
        serialization_alias="max.message.bytes",
        ge=0,
    )
    """Largest record batch the log accepts (bytes, header included)."""
    flush_messages: int = Field(
        default=LONG_MAX,
        validation_alias=AliasChoices("flush.messages", "flush_messages"),
        serialization_alias="flush.messages",
        ge=1,
    )
    """Under the ``interval`` flush policy: fsync after this many unflushed records."""
    flush_ms: int = Field(
        default=LONG_MAX,
        validation_alias=AliasChoices("flush.ms", "flush_ms"),
        serialization_alias="flush.ms",
        ge=0,
    )
    """Under the ``interval`` flush policy: fsync when data has been unflushed this long."""
    message_timestamp_type: Literal["CreateTime", "LogAppendTime"] = Field(
        default="CreateTime",
        validation_alias=AliasChoices("message.timestamp.type", "message_timestamp_type"),
        serialization_alias="message.timestamp.type",
    )
    """Whose clock stamps the batches: the producer's or the broker's on append."""

    @field_validator("cleanup_policy", mode="before")
    @classmethod
    def _parse_cleanup_policy(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            return frozenset(CleanupPolicy(p) for p in parts)
        return value

    @field_validator("cleanup_policy")
    @classmethod
    def _non_empty_policy(cls, value: frozenset[CleanupPolicy]) -> frozenset[CleanupPolicy]:
        if not value:
            raise ValueError("cleanup.policy needs at least one of delete, compact")
        return value

    @classmethod
    def from_kafka(cls, settings: Mapping[str, str | int | float]) -> LogConfig:
        """Build from Kafka-named settings (values may be strings, as in CreateTopics)."""
        return cls.model_validate(dict(settings))

    def with_overrides(self, settings: Mapping[str, Any]) -> LogConfig:
        """A copy with some settings replaced (Kafka or Python names)."""
        merged: dict[str, Any] = self.model_dump(by_alias=True)
        fields = type(self).model_fields
        for key, value in settings.items():
            alias = fields[key].serialization_alias if key in fields else key
            merged[alias if alias is not None else key] = value
        return type(self).model_validate(merged)

    @property
    def compact(self) -> bool:
        """Whether compaction applies (``compact`` or ``compact,delete``)."""
        return CleanupPolicy.COMPACT in self.cleanup_policy

    @property
    def delete(self) -> bool:
        """Whether time/size retention applies (``delete`` or ``compact,delete``)."""
        return CleanupPolicy.DELETE in self.cleanup_policy

    @property
    def max_index_entries(self) -> int:
        """Offset index entries per segment (8 bytes each) before the segment must roll."""
        return self.segment_index_bytes // 8

    @property
    def max_time_index_entries(self) -> int:
        """Time index entries per segment (12 bytes each) before the segment must roll."""
        return self.segment_index_bytes // 12

    def kafka_settings(self) -> dict[str, str]:
        """Every setting under its Kafka name, as strings (for DescribeConfigs)."""
        out: dict[str, str] = {}
        for key, value in self.model_dump(by_alias=True).items():
            if isinstance(value, frozenset):
                out[key] = ",".join(sorted(str(v) for v in value))
            else:
                out[key] = str(value)
        return out
