"""Settings of the group coordinator, with Kafka's names and defaults, and the bounds on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

#: Kafka's ``group.min.session.timeout.ms``: below it a member could be expired between two
#: heartbeats of a busy client.
DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS: Final = 6_000
#: Kafka's ``group.max.session.timeout.ms`` (30 minutes): a dead member holds its partitions at
#: most this long.
DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS: Final = 1_800_000
#: Kafka's ``group.initial.rebalance.delay.ms``: how long a group that leaves Empty waits for more
#: members before it forms its first generation (it grows up to the rebalance timeout).
DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS: Final = 3_000
#: ``group.max.size``. Kafka's default is unlimited (Integer.MAX_VALUE); Samsa bounds a group so
#: that one group cannot make a JoinGroup response (the leader gets every member's metadata) or a
#: rebalance arbitrarily large. 1000 consumers in one group is far beyond real deployments of a
#: single-node broker.
DEFAULT_GROUP_MAX_SIZE: Final = 1_000
#: Kafka's ``offsets.retention.minutes`` (7 days), in milliseconds.
DEFAULT_OFFSETS_RETENTION_MS: Final = 10_080 * 60_000
#: Kafka's ``offsets.retention.check.interval.ms``: how often the driver should call
#: ``expire_offsets``.
DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS: Final = 600_000
#: Kafka's ``offset.metadata.max.bytes``: the longest metadata string an OffsetCommit may carry.
#: Kafka measures it in UTF-16 code units (Java's ``String.length``), and so do we.
DEFAULT_OFFSET_METADATA_MAX_BYTES: Final = 4_096
#: Kafka's ``offsets.topic.num.partitions``.
DEFAULT_OFFSETS_TOPIC_NUM_PARTITIONS: Final = 50
#: Kafka's ``GroupCoordinator.NewMemberJoinTimeoutMs`` (5 minutes): a brand-new member whose
#: JoinGroup is parked cannot heartbeat, so it is timed out on this instead of its session.
DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS: Final = 300_000

#: Upper bound of ``offset.metadata.max.bytes``: a metadata string of this many UTF-16 units is at
#: most 3 bytes per unit in UTF-8, which must fit the int16 length of a record string (32767).
MAX_OFFSET_METADATA_MAX_BYTES: Final = 10_000
#: Upper bound of every timeout setting (24 days fits a signed 32-bit millisecond count).
MAX_TIMEOUT_MS: Final = 2**31 - 1


@dataclass(frozen=True, slots=True)
class GroupConfig:
    """The coordinator's settings (Kafka's broker settings of the same names)."""

    group_min_session_timeout_ms: int = DEFAULT_GROUP_MIN_SESSION_TIMEOUT_MS
    group_max_session_timeout_ms: int = DEFAULT_GROUP_MAX_SESSION_TIMEOUT_MS
    group_initial_rebalance_delay_ms: int = DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS
    group_max_size: int = DEFAULT_GROUP_MAX_SIZE
    offsets_retention_ms: int = DEFAULT_OFFSETS_RETENTION_MS
    offset_metadata_max_bytes: int = DEFAULT_OFFSET_METADATA_MAX_BYTES
    offsets_topic_num_partitions: int = DEFAULT_OFFSETS_TOPIC_NUM_PARTITIONS
    new_member_join_timeout_ms: int = DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS
    max_pending_members: int | None = None
    """Most KIP-394 pending member ids one group holds at once (Kafka has no bound); ``None``
    means ``group_max_size``. A pending id is created by every JoinGroup without a member id
    and lives for a session timeout, so without a bound a retry loop could grow it freely."""

    def __post_init__(self) -> None:
        if not 1 <= self.group_min_session_timeout_ms <= self.group_max_session_timeout_ms:
            raise ValueError("need 1 <= group.min.session.timeout.ms <= group.max.session...")
        if self.group_max_session_timeout_ms > MAX_TIMEOUT_MS:
            raise ValueError(f"group.max.session.timeout.ms above {MAX_TIMEOUT_MS}")
        if not 0 <= self.group_initial_rebalance_delay_ms <= MAX_TIMEOUT_MS:
            raise ValueError("group.initial.rebalance.delay.ms out of range")
        if self.group_max_size < 1:
            raise ValueError("group.max.size must be at least 1")
        if self.offsets_retention_ms < 1:
            raise ValueError("offsets.retention.minutes must be positive")
        if not 0 <= self.offset_metadata_max_bytes <= MAX_OFFSET_METADATA_MAX_BYTES:
            raise ValueError(
                f"offset.metadata.max.bytes must be 0..{MAX_OFFSET_METADATA_MAX_BYTES}"
            )
        if self.offsets_topic_num_partitions < 1:
            raise ValueError("offsets.topic.num.partitions must be at least 1")
        if not 1 <= self.new_member_join_timeout_ms <= MAX_TIMEOUT_MS:
            raise ValueError("new member join timeout out of range")
        if self.max_pending_members is not None and self.max_pending_members < 1:
            raise ValueError("max_pending_members must be at least 1")

    @property
    def pending_members_limit(self) -> int:
        """The effective bound on pending member ids per group."""
        if self.max_pending_members is None:
            return self.group_max_size
        return self.max_pending_members

    @classmethod
    def from_settings(cls, settings: Any) -> GroupConfig:
        """Build from an object with Kafka-named attributes (e.g. ``BrokerConfig``).

        Attributes it lacks keep their defaults: ``group_max_size``,
        ``offsets_retention_minutes`` and ``offset_metadata_max_bytes`` are read when present.
        """
        values: dict[str, Any] = {}
        for name in (
            "group_min_session_timeout_ms",
            "group_max_session_timeout_ms",
            "group_initial_rebalance_delay_ms",
            "group_max_size",
            "offset_metadata_max_bytes",
            "offsets_topic_num_partitions",
        ):
            value = getattr(settings, name, None)
            if value is not None:
                values[name] = int(value)
        minutes = getattr(settings, "offsets_retention_minutes", None)
        if minutes is not None:
            values["offsets_retention_ms"] = int(minutes) * 60_000
        return cls(**values)
