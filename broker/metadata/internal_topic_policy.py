"""Which effective configs an internal topic may not take, because they would destroy its
records or block its writes (pure).

``__consumer_offsets`` holds every group's committed offsets: a config that lets retention
delete them, or that makes the coordinator's appends fail, loses or freezes every group's
progress. AlterConfigs, IncrementalAlterConfigs (``validate_only`` too), broker-level dynamic
defaults that an internal topic inherits, and CreateTopics of an internal topic's name are
checked against these rules; a refusal is POLICY_VIOLATION (Kafka's code for a request that a
configured policy refuses; INVALID_CONFIG is for values that are not valid for any topic) with
the setting and the topic named. Harmless settings (``segment.ms``, ``delete.retention.ms``,
``min.cleanable.dirty.ratio`` ...) stay free.

Only changes are refused: a setting that already broke a rule before the request (an older
Samsa, a static broker setting) does not block unrelated changes; a request that keeps it broken
while changing it, or breaks a rule anew, is refused. The legacy AlterConfigs replaces every
override, so sending only ``segment.ms`` there drops ``cleanup.policy=compact`` and is refused:
send the full set, or use IncrementalAlterConfigs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from protocol.errors import PolicyViolationError

__all__ = [
    "MIN_INTERNAL_MAX_MESSAGE_BYTES",
    "MIN_INTERNAL_RETENTION_BYTES",
    "MIN_INTERNAL_SEGMENT_BYTES",
    "check_internal_topic_configs",
    "internal_topic_violations",
]

#: Floor of ``max.message.bytes`` on an internal topic: Kafka's default ``message.max.bytes``
#: (1 MiB + 12 bytes of log overhead), which Kafka runs ``__consumer_offsets`` with. The
#: coordinator's records are sized for it: a commit carries up to ``offset.metadata.max.bytes``
#: (4 KiB) of metadata per partition, a group's metadata record every member's subscription and
#: assignment (up to ``group.max.size`` members); below it commits fail with
#: INVALID_COMMIT_OFFSET_SIZE (``max.message.bytes=10`` fails every one).
MIN_INTERNAL_MAX_MESSAGE_BYTES: Final = 1_048_588

#: Floor of ``segment.bytes``: a segment must hold the largest batch the topic accepts, or
#: appends of big commits fail with RECORD_LIST_TOO_LARGE.
MIN_INTERNAL_SEGMENT_BYTES: Final = MIN_INTERNAL_MAX_MESSAGE_BYTES

#: Floor of ``retention.bytes`` when the policy includes ``delete``: ten 100 MiB segments
#: (``offsets.topic.segment.bytes``) per partition. Compaction keeps one record per group and
#: partition, so a partition only reaches this with millions of live offsets; below it a busy
#: group's commits would push a quiet group's offsets out.
MIN_INTERNAL_RETENTION_BYTES: Final = 10 * 100 * 1024 * 1024


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None  # not a number: the controller's validation answers INVALID_CONFIG


def internal_topic_violations(
    configs: Mapping[str, str | None], *, replication_factor: int, min_retention_ms: int
) -> dict[str, str]:
    """Setting name -> why its effective value (``configs``: every topic config's value)
    would destroy or block an internal topic. ``min_retention_ms`` is the floor of
    ``retention.ms`` (the broker's ``offsets.retention.minutes``: offsets are promised to be
    kept at least that long)."""
    out: dict[str, str] = {}
    policy = {p.strip().lower() for p in (configs.get("cleanup.policy") or "").split(",")}
    policy.discard("")
    if "compact" not in policy:
        out["cleanup.policy"] = (
            "it must include compact: without compaction retention deletes committed offsets"
        )
    if "delete" in policy:
        retention_ms = _int(configs.get("retention.ms"))
        if retention_ms is not None and retention_ms != -1 and retention_ms < min_retention_ms:
            out["retention.ms"] = (
                f"with cleanup.policy including delete it must be -1 or at least "
                f"{min_retention_ms} (offsets.retention.minutes), or committed offsets are "
                f"deleted sooner than promised"
            )
        retention_bytes = _int(configs.get("retention.bytes"))
        if (
            retention_bytes is not None
            and retention_bytes != -1
            and retention_bytes < MIN_INTERNAL_RETENTION_BYTES
        ):
            out["retention.bytes"] = (
                f"with cleanup.policy including delete it must be -1 or at least "
                f"{MIN_INTERNAL_RETENTION_BYTES}, or busy groups push quiet groups' offsets out"
            )
    max_message_bytes = _int(configs.get("max.message.bytes"))
    if max_message_bytes is not None and max_message_bytes < MIN_INTERNAL_MAX_MESSAGE_BYTES:
        out["max.message.bytes"] = (
            f"it must be at least {MIN_INTERNAL_MAX_MESSAGE_BYTES} (Kafka's default "
            f"message.max.bytes), or offset commits and group metadata no longer fit"
        )
    segment_bytes = _int(configs.get("segment.bytes"))
    if segment_bytes is not None and segment_bytes < MIN_INTERNAL_SEGMENT_BYTES:
        out["segment.bytes"] = (
            f"it must be at least {MIN_INTERNAL_SEGMENT_BYTES}, so that a segment holds the "
            f"largest record batch the coordinator writes"
        )
    min_isr = _int(configs.get("min.insync.replicas"))
    if min_isr is not None and min_isr > replication_factor:
        out["min.insync.replicas"] = (
            f"it must not exceed the replication factor {replication_factor}, or every commit "
            f"(written with acks=all) fails with NOT_ENOUGH_REPLICAS"
        )
    return out


def check_internal_topic_configs(
    topic: str,
    before: Mapping[str, str | None] | None,
    after: Mapping[str, str | None],
    *,
    replication_factor: int,
    min_retention_ms: int,
) -> None:
    """Refuse (PolicyViolationError naming the setting and the topic) a change of internal
    topic ``topic``'s effective configs from ``before`` (None: the topic is being created) to
    ``after`` that breaks a rule anew or changes a setting that stays broken."""
    now = internal_topic_violations(
        after, replication_factor=replication_factor, min_retention_ms=min_retention_ms
    )
    if not now:
        return
    was = (
        internal_topic_violations(
            before, replication_factor=replication_factor, min_retention_ms=min_retention_ms
        )
        if before is not None
        else {}
    )
    for name, why in sorted(now.items()):
        changed = before is None or before.get(name) != after.get(name)
        if name not in was or changed:
            raise PolicyViolationError(
                f"Setting {name}={after.get(name)} on internal topic {topic} is refused: {why}"
            )
