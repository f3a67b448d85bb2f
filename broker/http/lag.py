"""Consumer lag in offsets and in seconds: the one definition ``/metrics``, the console's group
pages and the lag history all use.

Per (group, partition) with a committed offset, for the groups this broker coordinates:

* **lag** (offsets) = high watermark - committed offset (never negative): the records the group
  has not consumed yet.
* **lag in seconds** = now - the timestamp of the record at the committed offset (the next one
  the group has not consumed); 0 when the lag is 0. The record's timestamp is its CreateTime,
  or the broker's append time on LogAppendTime topics. If retention deleted the committed
  offset, the first record still in the log is used. Ages below 0 (a producer's clock ahead of
  the broker's) count as 0; a record without a timestamp (-1) has no age.

Where the facts come from:

* a partition with a replica on this broker (leader or follower): its high watermark and
  record, read from that replica at the moment asked (a follower's high watermark trails the
  leader's by at most a fetch round);
* any other partition: the high watermark and log start offset from the leaders' ListOffsets
  answers, and the record's timestamp from one Fetch at its leader, both gathered by
  ``LagReader.refresh`` in the background (every 10 s, with the lag history's sampling) and
  kept here, so a remote partition's lag can be up to one refresh old. Until its first refresh
  a remote partition has a committed offset but no lag.

``LagReader.lags`` never waits on the network (a scrape calls it); ``refresh`` is what asks the
cluster, bounded in partitions per round and in time. Record timestamps, local or fetched, are
cached in one bounded cache by (partition, offset), so a group that stopped consuming costs one
read (or one Fetch), once.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from broker.group.driver import GroupCoordinator
from broker.replication.manager import ReplicaManager
from broker.replication.partition import Partition
from protocol.errors import KafkaError
from protocol.records import RecordBatch, TimestampType
from protocol.types import TopicPartition

__all__ = [
    "MAX_CACHED_TIMESTAMPS",
    "MAX_REMOTE_PARTITIONS",
    "MAX_TIMESTAMP_FETCHES",
    "REFRESH_TIMEOUT_S",
    "ClusterOffsets",
    "GroupPartitionLag",
    "LagReader",
    "LeaderOffsets",
    "RemoteOffsets",
    "lag_of",
    "lag_reader_of",
    "lag_seconds_of",
]

log = logging.getLogger("samsa.http.lag")

#: Record timestamps kept, by (partition, offset): one per group partition of a broker with
#: 10,000 partitions; a miss costs one batch read (local) or one small Fetch (remote).
MAX_CACHED_TIMESTAMPS: Final = 10_000
#: Remote partitions whose offsets one refresh asks for (ListOffsets, batched per leader): the
#: group partitions of a 10,000-partition cluster. Past it, those refreshed longest ago go
#: first and the rest wait for the next round.
MAX_REMOTE_PARTITIONS: Final = 10_000
#: Fetches of a record's timestamp per refresh (one small Fetch each, 16 at once): a cluster's
#: worth of newly stopped groups is read over a few rounds, not in one burst.
MAX_TIMESTAMP_FETCHES: Final = 256
#: Fetches in flight at once during a refresh.
_FETCH_CONCURRENCY: Final = 16
#: Deadline of each step of a refresh (the offsets of a round; each timestamp Fetch): a slow or
#: unreachable leader delays the next round by at most this much.
REFRESH_TIMEOUT_S: Final = 10.0


def lag_of(high_watermark: int, committed: int) -> int:
    """Records the group has not consumed yet."""
    return max(0, high_watermark - committed)


def lag_seconds_of(lag: int, timestamp_ms: int | None, now_ms: int) -> float | None:
    """The age of the next record not consumed: 0 at lag 0, None when its timestamp is unknown
    (or -1, a record without one)."""
    if lag <= 0:
        return 0.0
    if timestamp_ms is None or timestamp_ms < 0:
        return None
    return max(0, now_ms - timestamp_ms) / 1000


@dataclass(frozen=True, slots=True)
class RemoteOffsets:
    """A partition's offsets at its leader, as of ``at_ms``."""

    log_start_offset: int
    high_watermark: int
    at_ms: int


class LeaderOffsets(Protocol):
    """A partition's offsets as its leader answered them."""

    @property
    def log_start_offset(self) -> int: ...
    @property
    def high_watermark(self) -> int: ...


class ClusterOffsets(Protocol):
    """What a refresh asks of the cluster (the console's client, ``ConsoleBackend``, does it)."""

    async def offsets(
        self, tps: Iterable[TopicPartition]
    ) -> Mapping[TopicPartition, LeaderOffsets]:
        """Each partition's offsets at its leader (absent: no leader, or deleted)."""
        ...

    async def first_timestamp(self, tp: TopicPartition, offset: int) -> int | None:
        """The timestamp of the first record at or after ``offset`` below the high watermark."""
        ...


@dataclass(frozen=True, slots=True)
class GroupPartitionLag:
    """One partition of one group."""

    group_id: str
    topic: str
    partition: int
    committed_offset: int
    commit_timestamp_ms: int
    high_watermark: int | None
    """None when unknown (no replica here and not refreshed yet)."""
    lag: int | None
    lag_seconds: float | None
    """None when unknown (no timestamp read yet, an unreadable log, or not asked for)."""
    local: bool
    """True when read from this broker's replica, False from the last refresh."""


_Committed = tuple[str, TopicPartition, int, int]


class LagReader:
    """Lag of every committed offset a ``GroupCoordinator`` holds, with the remote offsets and
    record timestamps it needs kept (bounded). Use it on the broker's event loop (it reads
    loop-owned state)."""

    def __init__(
        self,
        max_cached: int = MAX_CACHED_TIMESTAMPS,
        *,
        max_remote: int = MAX_REMOTE_PARTITIONS,
        max_fetches: int = MAX_TIMESTAMP_FETCHES,
        timeout_s: float = REFRESH_TIMEOUT_S,
    ) -> None:
        self.max_cached = max_cached
        self.max_remote = max_remote
        self.max_fetches = max_fetches
        self.timeout_s = timeout_s
        self._timestamps: dict[tuple[TopicPartition, int], int] = {}
        self._remote: dict[TopicPartition, RemoteOffsets] = {}
        #: Local batches read (cache misses), for tests and the scrape-cost measurement.
        self.reads = 0
        #: Timestamps fetched from other brokers, and completed refreshes (tests wait on them).
        self.fetches = 0
        self.refreshes = 0

    # -- read (never waits) ------------------------------------------------------------------

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
        if replicas is None:
            return []
        out: list[GroupPartitionLag] = []
        for n, (group, tp, committed, committed_at) in enumerate(
            sorted(_committed(coordinator, group_id))
        ):
            partition = replicas.replica(tp)
            hw: int | None = None
            lag: int | None = None
            seconds: float | None = None
            want_seconds = seconds_limit is None or n < seconds_limit
            local = partition is not None and not partition.deleted
            if partition is not None and local:
                hw = partition.high_watermark
                lag = lag_of(hw, committed)
                if want_seconds:
                    seconds = self.lag_seconds(partition, committed, lag, now_ms)
            elif (remote := self._remote.get(tp)) is not None:
                hw = remote.high_watermark
                lag = lag_of(hw, committed)
                if want_seconds:
                    at = max(committed, remote.log_start_offset)
                    seconds = lag_seconds_of(lag, self.cached_timestamp(tp, at), now_ms)
            out.append(
                GroupPartitionLag(
                    group, tp.topic, tp.partition, committed, committed_at, hw, lag, seconds, local
                )
            )
        return out

    def total_lags(
        self,
        coordinator: GroupCoordinator | None,
        replicas: ReplicaManager | None,
        max_groups: int,
    ) -> dict[str, int]:
        """Each group's lag in offsets summed over its partitions whose lag is known (at most
        ``max_groups`` groups, in group id order): the lag history's samples."""
        totals: dict[str, int] = {}
        for found in self.lags(coordinator, replicas, 0, seconds_limit=0):
            if found.group_id not in totals and len(totals) >= max_groups:
                break
            totals[found.group_id] = totals.get(found.group_id, 0) + (found.lag or 0)
        return totals

    def remote(self, tp: TopicPartition) -> RemoteOffsets | None:
        """The partition's offsets at its leader as of the last refresh (None if never)."""
        return self._remote.get(tp)

    def lag_seconds(
        self, partition: Partition, committed: int, lag: int, now_ms: int
    ) -> float | None:
        """The age of the record at ``committed`` (0 when ``lag`` is 0); None if unreadable."""
        if lag <= 0:
            return 0.0
        timestamp = self.timestamp_ms(partition, max(committed, partition.log.log_start_offset))
        return lag_seconds_of(lag, timestamp, now_ms)

    def timestamp_ms(self, partition: Partition, offset: int) -> int | None:
        """The timestamp of the first record at or after ``offset`` below the high watermark
        in the local replica (cached); None when there is none or the log cannot be read."""
        key = (partition.tp, offset)
        found = self._timestamps.pop(key, None)
        if found is None:
            found = self._read(partition, offset)
            if found is None:
                return None
        self.remember(partition.tp, offset, found)
        return found

    def cached_timestamp(self, tp: TopicPartition, offset: int) -> int | None:
        """A timestamp read or fetched before (marked recently used), else None."""
        found = self._timestamps.pop((tp, offset), None)
        if found is not None:
            self._timestamps[(tp, offset)] = found
        return found

    def remember(self, tp: TopicPartition, offset: int, timestamp_ms: int) -> None:
        cache = self._timestamps
        key = (tp, offset)
        cache.pop(key, None)
        if len(cache) >= self.max_cached:
            del cache[next(iter(cache))]  # the least recently used
        cache[key] = timestamp_ms

    # -- refresh (asks the cluster; never on a scrape's path) --------------------------------

    async def fetched_timestamp(
        self, cluster: ClusterOffsets, tp: TopicPartition, offset: int
    ) -> int | None:
        """The timestamp of the first record at or after ``offset`` from the cache, else
        fetched from the leader (within ``timeout_s``) and cached."""
        found = self.cached_timestamp(tp, offset)
        if found is None:
            async with asyncio.timeout(self.timeout_s):
                found = await cluster.first_timestamp(tp, offset)
            self.fetches += 1
            if found is not None:
                self.remember(tp, offset, found)
        return found

    async def refresh(
        self,
        coordinator: GroupCoordinator | None,
        replicas: ReplicaManager | None,
        cluster: ClusterOffsets,
        now_ms: int,
        *,
        group_id: str | None = None,
    ) -> None:
        """Ask the leaders for the offsets of the committed partitions with no replica here (of
        ``group_id``, or of every group), at most ``max_remote`` of them, then fetch the
        timestamps of those lagging whose timestamp is not cached yet (at most
        ``max_fetches``). Each step has ``timeout_s``; a step that fails leaves the
        previous answers in place."""
        if replicas is None:
            return
        committed = list(_committed(coordinator, group_id))
        remote_tps: set[TopicPartition] = set()
        for _, tp, _, _ in committed:
            p = replicas.replica(tp)
            if p is None or p.deleted:
                remote_tps.add(tp)
        if group_id is None:
            for gone in [tp for tp in self._remote if tp not in remote_tps]:
                del self._remote[gone]  # now local, or no group commits for it any more
        never = -1
        asked = sorted(
            remote_tps,
            key=lambda tp: (r.at_ms if (r := self._remote.get(tp)) is not None else never, tp),
        )[: self.max_remote]
        if asked:
            try:
                async with asyncio.timeout(self.timeout_s):
                    answers = await cluster.offsets(asked)
            except (KafkaError, OSError, TimeoutError) as exc:
                log.debug("lag refresh: offsets failed: %s", exc)
                answers = {}
            for tp, found in answers.items():
                self._remote[tp] = RemoteOffsets(
                    found.log_start_offset, found.high_watermark, now_ms
                )
        wanted: dict[tuple[TopicPartition, int], None] = {}
        for _, tp, offset, _ in committed:
            if len(wanted) >= self.max_fetches:
                break
            remote = self._remote.get(tp) if tp in remote_tps else None
            if remote is None or lag_of(remote.high_watermark, offset) == 0:
                continue
            key = (tp, max(offset, remote.log_start_offset))
            if key not in self._timestamps:
                wanted[key] = None
        gate = asyncio.Semaphore(_FETCH_CONCURRENCY)

        async def fetch(tp: TopicPartition, offset: int) -> None:
            async with gate:
                try:
                    async with asyncio.timeout(self.timeout_s):
                        found = await cluster.first_timestamp(tp, offset)
                except (KafkaError, OSError, TimeoutError) as exc:
                    log.debug("lag refresh: timestamp of %s at %d failed: %s", tp, offset, exc)
                    return
            self.fetches += 1
            if found is not None:
                self.remember(tp, offset, found)

        await asyncio.gather(*(fetch(tp, at) for tp, at in wanted))
        self.refreshes += 1

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


def _committed(coordinator: GroupCoordinator | None, group_id: str | None) -> Iterable[_Committed]:
    core = None if coordinator is None else coordinator.core
    if core is None:
        return ()
    if group_id is None:
        return (
            (g, tp, o.offset, o.commit_timestamp_ms) for g, tp, o in core.all_committed_offsets()
        )
    return (
        (group_id, tp, o.offset, o.commit_timestamp_ms)
        for tp, o in core.committed_offsets(group_id).items()
    )


_READERS: weakref.WeakKeyDictionary[object, LagReader] = weakref.WeakKeyDictionary()


def lag_reader_of(broker: object) -> LagReader:
    """The broker's one ``LagReader`` (``/metrics``, the console and the history share it)."""
    found = _READERS.get(broker)
    if found is None:
        found = _READERS[broker] = LagReader()
    return found
