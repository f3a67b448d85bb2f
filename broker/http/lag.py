"""Consumer lag in offsets and in seconds, for the groups this broker coordinates.

Per (group, partition) with a committed offset:

* **lag** (offsets) = high watermark - committed offset (never negative): the records the group
  has not consumed yet.
* **lag in seconds** = now - the timestamp of the record at the committed offset (the next one
  the group has not consumed), read from the log; 0 when the lag is 0. The record's timestamp is
  its CreateTime, or the broker's append time on LogAppendTime topics. If retention deleted the
  committed offset, the first record still in the log is used. Ages below 0 (a producer's clock
  ahead of the broker's) count as 0.

The high watermark and the record come from this broker's replica of the partition (leader or
follower: a follower's high watermark trails the leader's by at most a fetch round). Partitions
with no replica here (led and replicated elsewhere) have no lag here: they have a committed offset
only. Nothing is asked of other brokers, so a scrape costs no network round trip.

Cost: reading the timestamp reads one record batch (``partition.read`` of one batch, decoded
only when the offset is not the batch's first on a CreateTime topic); the result is cached by
(partition, offset) in a bounded cache, so a group that stopped consuming costs one read, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from broker.group.driver import GroupCoordinator
from broker.replication.manager import ReplicaManager
from broker.replication.partition import Partition
from protocol.errors import KafkaError
from protocol.records import RecordBatch, TimestampType
from protocol.types import TopicPartition

__all__ = ["MAX_CACHED_TIMESTAMPS", "GroupPartitionLag", "LagReader"]

#: Record timestamps kept between scrapes, by (partition, offset): one per group partition of a
#: broker with 10,000 partitions; a miss costs one batch read.
MAX_CACHED_TIMESTAMPS: Final = 10_000


@dataclass(frozen=True, slots=True)
class GroupPartitionLag:
    """One partition of one group."""

    group_id: str
    topic: str
    partition: int
    committed_offset: int
    commit_timestamp_ms: int
    high_watermark: int | None
    """None when this broker has no replica of the partition."""
    lag: int | None
    lag_seconds: float | None
    """None when unknown (no replica here, an unreadable log, or not asked for)."""


class LagReader:
    """Lag of every committed offset a ``GroupCoordinator`` holds, with the record timestamps
    it needs cached (bounded). Use it on the broker's event loop (it reads loop-owned state)."""

    def __init__(self, max_cached: int = MAX_CACHED_TIMESTAMPS) -> None:
        self.max_cached = max_cached
        self._timestamps: dict[tuple[TopicPartition, int], int] = {}
        #: Batches read (cache misses), for tests and the scrape-cost measurement.
        self.reads = 0

    def lags(
        self,
        coordinator: GroupCoordinator | None,
        replicas: ReplicaManager | None,
        now_ms: int,
        *,
        group_id: str | None = None,
        seconds_limit: int | None = None,
    ) -> list[GroupPartitionLag]:
        """Every committed offset (of ``group_id``, or of every group) sorted by group, topic
        and partition, with its lag; lag in seconds for the first ``seconds_limit`` of them
        (all when None)."""
        core = None if coordinator is None else coordinator.core
        if core is None or replicas is None:
            return []
        if group_id is None:
            offsets: Iterable[tuple[str, TopicPartition, int, int]] = (
                (g, tp, o.offset, o.commit_timestamp_ms)
                for g, tp, o in core.all_committed_offsets()
            )
        else:
            offsets = (
                (group_id, tp, o.offset, o.commit_timestamp_ms)
                for tp, o in core.committed_offsets(group_id).items()
            )
        out: list[GroupPartitionLag] = []
        for n, (group, tp, committed, committed_at) in enumerate(sorted(offsets)):
            partition = replicas.replica(tp)
            hw: int | None = None
            lag: int | None = None
            seconds: float | None = None
            if partition is not None and not partition.deleted:
                hw = partition.high_watermark
                lag = max(0, hw - committed)
                if seconds_limit is None or n < seconds_limit:
                    seconds = self.lag_seconds(partition, committed, lag, now_ms)
            out.append(
                GroupPartitionLag(
                    group, tp.topic, tp.partition, committed, committed_at, hw, lag, seconds
                )
            )
        return out

    def lag_seconds(
        self, partition: Partition, committed: int, lag: int, now_ms: int
    ) -> float | None:
        """The age of the record at ``committed`` (0 when ``lag`` is 0); None if unreadable."""
        if lag <= 0:
            return 0.0
        timestamp = self.timestamp_ms(partition, max(committed, partition.log.log_start_offset))
        if timestamp is None:
            return None
        return max(0, now_ms - timestamp) / 1000

    def timestamp_ms(self, partition: Partition, offset: int) -> int | None:
        """The timestamp of the first record at or after ``offset`` below the high watermark
        (cached); None when there is none or the log cannot be read."""
        key = (partition.tp, offset)
        cache = self._timestamps
        found = cache.pop(key, None)
        if found is None:
            found = self._read(partition, offset)
            if found is None:
                return None
            if len(cache) >= self.max_cached:
                del cache[next(iter(cache))]  # the least recently used
        cache[key] = found
        return found

    def _read(self, partition: Partition, offset: int) -> int | None:
        self.reads += 1
        try:
            found = partition.read(offset, 1, min_one_batch=True, committed_only=True)
        except (KafkaError, OSError):
            return None
        try:
            if not found.length:
                return None
            data = found.read_bytes()
        except OSError:
            return None
        finally:
            found.release()
        try:
            batch = RecordBatch(data)
            if batch.timestamp_type is TimestampType.LOG_APPEND_TIME:
                return batch.max_timestamp
            if offset <= batch.base_offset:
                return batch.base_timestamp
            for record in batch.records():
                if record.offset >= offset:
                    return record.timestamp
        except KafkaError:
            return None
        return None
