"""The small value types of ``LogSegment``: recovery counters, the header facts of a batch the
segment indexes, and the config values it uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["NO_TIMESTAMP", "BatchMeta", "RecoveryStats", "SegmentLimits"]

#: The largest timestamp of a segment (or batch) that has none.
NO_TIMESTAMP = -1


@dataclass
class RecoveryStats:
    """Counters of recovery work; a clean restart leaves them all at zero."""

    segments_recovered: int = 0
    batches_validated: int = 0
    bytes_truncated: int = 0
    indexes_rebuilt: int = 0

    def add(self, other: RecoveryStats) -> None:
        """Add another set of counters to this one."""
        self.segments_recovered += other.segments_recovered
        self.batches_validated += other.batches_validated
        self.bytes_truncated += other.bytes_truncated
        self.indexes_rebuilt += other.indexes_rebuilt


class BatchMeta(NamedTuple):
    """The header facts of an appended batch that the segment needs."""

    base_offset: int
    last_offset: int
    max_timestamp: int
    size: int

    @property
    def next_offset(self) -> int:
        """The offset after the batch."""
        return self.last_offset + 1


class SegmentLimits(NamedTuple):
    """The config values a segment uses (from ``LogConfig``)."""

    index_interval_bytes: int
    max_index_entries: int
    max_time_index_entries: int
