"""Consumer lag: how far each group's committed offsets are behind the logs.

For each partition a group has a committed offset for: the committed offset, the log end offset
consumers can reach (the high watermark — also what ListOffsets(latest) answers), the lag
(``log end - committed``, never negative) and when the offset was committed. Partitions of
deleted topics, or that this broker does not lead, have no log end offset (and no lag).

This is the broker-side view for the CLI and metrics; admin clients compute the same from
OffsetFetch and ListOffsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from protocol.errors import KafkaError

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator
    from broker.replication.manager import ReplicaManager

__all__ = ["PartitionLag", "group_lag"]


@dataclass(frozen=True, slots=True)
class PartitionLag:
    """One partition of one group."""

    topic: str
    partition: int
    committed_offset: int
    log_end_offset: int | None
    """The high watermark; None when the partition is gone or led elsewhere."""
    lag: int | None
    commit_timestamp_ms: int
    leader_epoch: int
    metadata: str


def group_lag(
    coordinator: GroupCoordinator, replicas: ReplicaManager, group_id: str
) -> list[PartitionLag]:
    """The lag of every partition ``group_id`` committed an offset for, sorted by topic and
    partition; empty for an unknown group or one coordinated elsewhere. Run it on the event
    loop (it reads the coordinator's state and the partitions' high watermarks)."""
    core = coordinator.core
    if core is None:
        return []
    image = replicas.image
    out = []
    for tp, committed in sorted(core.committed_offsets(group_id).items()):
        end: int | None = None
        if image.partition(tp.topic, tp.partition) is not None:
            try:
                end = replicas.get_partition(tp.topic, tp.partition).high_watermark
            except KafkaError:
                end = None
        out.append(
            PartitionLag(
                topic=tp.topic,
                partition=tp.partition,
                committed_offset=committed.offset,
                log_end_offset=end,
                lag=None if end is None else max(0, end - committed.offset),
                commit_timestamp_ms=committed.commit_timestamp_ms,
                leader_epoch=committed.leader_epoch,
                metadata=committed.metadata,
            )
        )
    return out
