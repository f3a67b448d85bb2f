"""``PartitionLog``: the persistent log of one topic-partition.

It appends record batches as received (patching only base offset and partition leader epoch,
which the CRC does not cover), serves reads as file slices, finds offsets by timestamp,
truncates, rolls segments, applies retention and keeps a leader-epoch cache and producer-state
snapshots. Time-dependent operations take ``now_ms``; nothing here reads a clock.

Offsets: ``log_start_offset <= high_watermark <= log_end_offset`` and
``recovery_point <= log_end_offset`` (everything below the recovery point is fsynced).

Threads: appends, reads and structural changes run on one thread (the event loop); a flusher
thread runs ``FlushJob.run`` and a cleaner thread may run compaction, which take ``lock`` for
their short structural steps.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import broker.storage.log_flush as log_flush
import broker.storage.log_load as log_load
import broker.storage.log_retention as log_retention
import broker.storage.log_truncation as log_truncation
from broker.storage.config import LogConfig
from broker.storage.epoch_cache import LEADER_EPOCH_CHECKPOINT, LeaderEpochCache
from broker.storage.errors import (
    AppendOffsetError,
    LogOffsetOutOfRangeError,
    LogStorageError,
    RecordBatchTooLargeError,
    RecordSetTooLargeError,
)
from broker.storage.fdpool import FilePool
from broker.storage.health import StorageHealth
from broker.storage.index import CorruptIndexError, IndexBudget, TimestampOffset
from broker.storage.log_flush import FlushJob
from broker.storage.segment import LogSegment, RecoveryStats, SegmentLimits
from broker.storage.slice import FileSlice
from broker.storage.snapshots import ProducerSnapshotStore
from broker.storage.txn_index import AbortedTxn, TransactionIndex
from protocol.errors import CorruptMessageError
from protocol.records import (
    BATCH_HEADER_SIZE,
    LOG_OVERHEAD,
    MAGIC,
    MIN_BATCH_LENGTH,
    RecordBatch,
    iter_batches,
    patch_prefix,
    read_append_fields,
)
from protocol.types import TopicPartition

__all__ = ["AppendInfo", "FlushJob", "PartitionLog"]

_INT32_MAX = 0x7FFFFFFF


#: Reads of one request against a segment list that compaction keeps replacing: a swap takes
#: milliseconds and the cleaner backs off between passes, so a third collision in a row would
#: mean something else is wrong, and the error goes to the caller.
READ_ATTEMPTS = 3


class AppendInfo(NamedTuple):
    """What an append wrote."""

    first_offset: int
    last_offset: int
    max_timestamp: int
    records_count: int
    size_in_bytes: int

    @property
    def next_offset(self) -> int:
        """The log end offset right after the append."""
        return self.last_offset + 1


# NamedTuple's generated __new__ is a Python function; building the tuple directly is cheaper.
_new_append_info = tuple.__new__


class PartitionLog:
    """The log of one topic-partition: a directory of segments. Create with ``open()``."""

    def __init__(
        self,
        directory: Path,
        tp: TopicPartition,
        config: LogConfig,
        *,
        pool: FilePool,
        budget: IndexBudget | None,
    ) -> None:
        self.directory = directory
        self.tp = tp
        self.config = config
        self.pool = pool
        self.budget = budget
        self.stats = RecoveryStats()
        #: Storage errors as operators were told them (logged once per state change).
        self.health = StorageHealth(tp, directory)
        self.lock = threading.RLock()
        self.epoch_cache = LeaderEpochCache(directory / LEADER_EPOCH_CHECKPOINT)
        self.producer_snapshots = ProducerSnapshotStore(directory)
        #: Called (with this log) when the log goes from clean to dirty (has unflushed data).
        self.dirty_listener: Callable[[PartitionLog], None] | None = None
        #: Compaction progress: offsets below this have been cleaned at least once.
        self.cleaner_checkpoint = 0
        self._segments: list[LogSegment] = []
        self._bases: list[int] = []
        self._log_start_offset = 0
        self._log_end_offset = 0
        self._recovery_point = 0
        self._high_watermark = 0
        self._generation = 0
        self._dirty = False
        self._unflushed_messages = 0
        self._pending_index_persist: list[LogSegment] = []
        #: Transaction indexes written to since the last flush (fsynced before log data).
        self._pending_txn_sync: list[TransactionIndex] = []
        #: The first offset of the oldest open transaction (set by replication); compaction
        #: never cleans at or past it. None: no transaction is open.
        self.first_unstable_offset: int | None = None
        # The newest indexed aborted transaction's marker offset (-1: none); None: not known
        # yet (found by walking the segments' indexes back on first use).
        self._newest_aborted_offset: int | None = None
        self._sync_directory = False
        #: A new log: its directory's entry in the log dir awaits an fsync (the next flush).
        self._sync_parent_directory = False
        self._offline: LogStorageError | None = None
        self._closed = False
        # The epoch cache's latest epoch and version, cached for the append path.
        self._latest_epoch: int | None = None
        self._epoch_version = -1

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: Path,
        tp: TopicPartition,
        config: LogConfig,
        *,
        pool: FilePool,
        budget: IndexBudget | None = None,
        now_ms: int,
        clean: bool,
        recovery_point: int = 0,
        log_start_offset: int = 0,
        high_watermark: int = 0,
        sync_recovery: bool = True,
    ) -> PartitionLog:
        """Open (or create) the log in ``directory``.

        ``clean`` says the previous run shut down cleanly: then nothing is validated, only the
        active segment's tail is walked from its last index entry. Otherwise every batch from
        the segment holding ``recovery_point`` on is validated (CRC-32C, lengths, increasing
        offsets), the log is cut at the first invalid byte and the indexes are rebuilt;
        ``sync_recovery``: fsync what recovery kept now, else leave it to the next flush
        (``log_load``).
        """
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LogStorageError(f"cannot create {directory}: {exc}") from exc
        log = cls(directory, tp, config, pool=pool, budget=budget)
        log._load(
            now_ms=now_ms,
            clean=clean,
            recovery_point=recovery_point,
            log_start_offset=log_start_offset,
            high_watermark=high_watermark,
            sync_recovery=sync_recovery,
        )
        return log

    def _limits(self) -> SegmentLimits:
        c = self.config
        return SegmentLimits(c.index_interval_bytes, c.max_index_entries, c.max_time_index_entries)

    def _new_segment(self, base_offset: int, now_ms: int) -> LogSegment:
        return LogSegment.create(
            self.directory,
            base_offset,
            pool=self.pool,
            budget=self.budget,
            limits=self._limits(),
            stats=self.stats,
            now_ms=now_ms,
        )

    def _set_segments(self, segments: list[LogSegment]) -> None:
        self._segments = segments
        self._bases = [s.base_offset for s in segments]

    def _load(
        self,
        *,
        now_ms: int,
        clean: bool,
        recovery_point: int,
        log_start_offset: int,
        high_watermark: int,
        sync_recovery: bool = True,
    ) -> None:
        log_load.load(
            self,
            now_ms=now_ms,
            clean=clean,
            recovery_point=recovery_point,
            log_start_offset=log_start_offset,
            high_watermark=high_watermark,
            sync_recovery=sync_recovery,
        )

    # -- offsets -------------------------------------------------------------------------------

    @property
    def log_start_offset(self) -> int:
        """The first offset a consumer may read."""
        return self._log_start_offset

    @property
    def log_end_offset(self) -> int:
        """The offset the next appended record gets."""
        return self._log_end_offset

    @property
    def recovery_point(self) -> int:
        """Every offset below this is fsynced."""
        return self._recovery_point

    @property
    def high_watermark(self) -> int:
        """The offset below which records are committed (set by replication)."""
        return self._high_watermark

    @high_watermark.setter
    def high_watermark(self, offset: int) -> None:
        """Set the high watermark, clamped into ``[log_start_offset, log_end_offset]``."""
        if type(offset) is not int and (not isinstance(offset, int) or isinstance(offset, bool)):
            raise TypeError(f"high watermark must be an int, got {offset!r}")
        if offset < 0:
            raise ValueError(f"high watermark must be >= 0, got {offset}")
        self._high_watermark = min(max(offset, self._log_start_offset), self._log_end_offset)

    @property
    def segments(self) -> Sequence[LogSegment]:
        """The segments, oldest first (the last one is active)."""
        return self._segments

    @property
    def active_segment(self) -> LogSegment:
        """The segment appends go to."""
        return self._segments[-1]

    @property
    def size_in_bytes(self) -> int:
        """Total bytes of all segment files."""
        return sum(s.size for s in self._segments)

    @property
    def is_dirty(self) -> bool:
        """Whether some data or metadata awaits an fsync."""
        return self._dirty

    @property
    def unflushed_messages(self) -> int:
        """Records appended since the last completed flush (for ``flush.messages``)."""
        return self._unflushed_messages

    @property
    def offline(self) -> LogStorageError | None:
        """The error that took the log offline (appends refused), or None."""
        return self._offline

    def __repr__(self) -> str:
        return (
            f"PartitionLog({self.tp}, start={self._log_start_offset}, "
            f"end={self._log_end_offset}, segments={len(self._segments)})"
        )

    # -- append --------------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._closed:
            raise LogStorageError(f"log {self.tp} is closed")
        if self._offline is not None:
            raise LogStorageError(f"log {self.tp} is offline: {self._offline}")

    def append_as_leader(
        self,
        records: bytes | bytearray | memoryview,
        *,
        leader_epoch: int,
        now_ms: int,
        validate_crc: bool = False,
    ) -> AppendInfo:
        """Append batches, assigning offsets from the log end offset and stamping
        ``leader_epoch``. A writable buffer is patched in place (``bytes`` are copied).

        The produce path validates batches (CRC, producer sequence) before; pass
        ``validate_crc=True`` to check the CRC here as well. One ``pwrite`` per call; only
        the header fields of each batch are read.
        """
        view = memoryview(records)
        if view.readonly:
            view = memoryview(bytearray(view))
        with self.lock:
            if self._closed or self._offline is not None:
                self._check_writable()
            first = offset = self._log_end_offset
            metas: list[tuple[int, int, int, int]] = []
            total = len(view)
            pos = count = 0
            max_ts = -1
            limit = self.config.max_message_bytes
            unpack = read_append_fields
            while pos < total:
                if total - pos < BATCH_HEADER_SIZE:
                    raise CorruptMessageError(f"truncated batch header at position {pos}")
                length, magic, delta, batch_max_ts, batch_count = unpack(view, pos)
                size = LOG_OVERHEAD + length
                if length < MIN_BATCH_LENGTH or pos + size > total or magic != MAGIC or delta < 0:
                    raise CorruptMessageError(
                        f"malformed batch at position {pos}: length {length}, magic {magic}, "
                        f"last offset delta {delta}, {total - pos} bytes left"
                    )
                if size > limit:
                    raise RecordBatchTooLargeError(
                        f"batch of {size} bytes exceeds max.message.bytes {limit}"
                    )
                if validate_crc:
                    RecordBatch(view[pos : pos + size]).validate()
                patch_prefix(view, pos, offset, length, leader_epoch)
                last = offset + delta
                metas.append((offset, last, batch_max_ts, size))
                if batch_max_ts > max_ts:
                    max_ts = batch_max_ts
                count += batch_count
                offset = last + 1
                pos += size
            if not metas:
                raise CorruptMessageError("append carries no record batch")
            seg = self._segments[-1]
            size_now = seg._size
            try:
                if (
                    size_now is None
                    or size_now == 0
                    or size_now + pos > self.config.segment_bytes
                    or now_ms - seg.rolling_base_ms >= self.config.segment_ms
                    or offset - 1 - seg.base_offset > _INT32_MAX
                    or seg.full
                ):
                    self._maybe_roll(pos, first, offset - 1, now_ms)
                cache = self.epoch_cache
                if leader_epoch >= 0 and (
                    leader_epoch != self._latest_epoch or cache.version != self._epoch_version
                ):
                    cache.assign(leader_epoch, first)
                    self._latest_epoch = cache.latest_epoch
                    self._epoch_version = cache.version
                self._write(view, metas, count)
            except LogStorageError as exc:
                self.health.append_failed(exc)
                raise
            if self.health.appends_failing:
                self.health.append_succeeded()
            return _new_append_info(AppendInfo, (first, offset - 1, max_ts, count, pos))

    def append_as_follower(
        self,
        records: bytes | bytearray | memoryview,
        *,
        now_ms: int,
        validate_crc: bool = True,
    ) -> AppendInfo:
        """Append batches that already carry offsets and leader epochs (replication).

        Offsets must be at or above the log end offset and increase; gaps are allowed
        (compacted leaders). The leader-epoch cache learns each new epoch.
        """
        view = memoryview(records)
        with self.lock:
            self._check_writable()
            expected = self._log_end_offset
            metas: list[tuple[int, int, int, int]] = []
            epochs: list[tuple[int, int]] = []
            count = 0
            max_ts = -1
            pos = 0
            limit = self.config.max_message_bytes
            for batch in iter_batches(view, allow_partial=False):
                size = batch.size_in_bytes
                if size > limit:
                    raise RecordBatchTooLargeError(
                        f"batch of {size} bytes exceeds max.message.bytes {limit}"
                    )
                if batch.magic != MAGIC or batch.last_offset_delta < 0:
                    raise CorruptMessageError(f"batch at position {pos} is malformed")
                if validate_crc:
                    batch.validate(check_offset_delta=False)
                if batch.base_offset < expected:
                    raise AppendOffsetError(
                        f"batch base offset {batch.base_offset} is below the expected "
                        f"{expected} (log end offset {self._log_end_offset})"
                    )
                last = batch.base_offset + batch.last_offset_delta
                metas.append((batch.base_offset, last, batch.max_timestamp, size))
                epochs.append((batch.partition_leader_epoch, batch.base_offset))
                max_ts = max(max_ts, batch.max_timestamp)
                count += batch.records_count
                expected = last + 1
                pos += size
            if not metas:
                raise CorruptMessageError("append carries no record batch")
            try:
                self._maybe_roll(pos, metas[0][0], metas[-1][1], now_ms)
                for epoch, start in epochs:
                    latest = self.epoch_cache.latest_epoch
                    if epoch >= 0 and (latest is None or epoch > latest):
                        self.epoch_cache.assign(epoch, start)
                self._write(view, metas, count)
            except LogStorageError as exc:
                self.health.append_failed(exc)
                raise
            if self.health.appends_failing:
                self.health.append_succeeded()
            return AppendInfo(metas[0][0], metas[-1][1], max_ts, count, pos)

    def _write(self, view: memoryview, metas: list[tuple[int, int, int, int]], count: int) -> None:
        try:
            self._segments[-1].append(view, metas)
        except LogStorageError as exc:
            if exc.rollback_failed:
                self._offline = exc
                self.health.went_offline(exc)
            raise
        self._log_end_offset = metas[-1][1] + 1
        self._unflushed_messages += count
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        if not self._dirty:
            self._dirty = True
            listener = self.dirty_listener
            if listener is not None:
                listener(self)

    # -- rolling -------------------------------------------------------------------------------

    def _maybe_roll(self, size: int, first_offset: int, last_offset: int, now_ms: int) -> None:
        config = self.config
        if size > config.segment_bytes:
            raise RecordSetTooLargeError(
                f"append of {size} bytes exceeds segment.bytes {config.segment_bytes}"
            )
        seg = self._segments[-1]
        if seg.size == 0:
            # segment.ms counts from the first append to a segment.
            seg.rolling_base_ms = now_ms
            if last_offset - seg.base_offset > _INT32_MAX:
                self.roll(now_ms, base_offset=first_offset)
            return
        if (
            seg.size + size > config.segment_bytes
            or now_ms - seg.rolling_base_ms >= config.segment_ms
            or seg.index_full()
            or last_offset - seg.base_offset > _INT32_MAX
        ):
            self.roll(now_ms, base_offset=max(first_offset, self._log_end_offset))

    def roll(self, now_ms: int, *, base_offset: int | None = None) -> LogSegment:
        """Close the active segment and start a new one at ``base_offset`` (default: the log
        end offset). An empty active segment at that offset is kept as is."""
        with self.lock:
            self._check_writable()
            new_base = self._log_end_offset if base_offset is None else base_offset
            active = self._segments[-1]
            if active.base_offset == new_base and active.is_empty:
                return active
            if new_base < self._log_end_offset:
                raise ValueError(f"cannot roll at {new_base} below the log end offset")
            if (
                active.is_empty
                and active.base_offset == self._log_end_offset
                and len(self._segments) > 1
            ):
                # Replace an empty active segment instead of keeping it around.
                active.delete_files()
                segments = self._segments[:-1]
            else:
                active.deactivate()
                self._pending_index_persist.append(active)
                segments = list(self._segments)
            segment = self._new_segment(new_base, now_ms)
            segments.append(segment)
            self._set_segments(segments)
            self._log_end_offset = max(self._log_end_offset, new_base)
            self._sync_directory = True
            self._mark_dirty()
            return segment

    # -- reads ---------------------------------------------------------------------------------

    def _segment_position(self, segments: list[LogSegment], offset: int) -> int:
        bases = [s.base_offset for s in segments] if segments is not self._segments else None
        floor = bisect.bisect_right(bases if bases is not None else self._bases, offset) - 1
        return max(0, floor)

    def read(
        self,
        offset: int,
        max_bytes: int,
        *,
        max_offset: int | None = None,
        min_one_batch: bool = True,
    ) -> FileSlice:
        """Whole batches from the one holding ``offset``, up to ``max_bytes`` (at least one
        batch when ``min_one_batch``, as Kafka does), only batches ending below
        ``max_offset`` (the high watermark for consumers). Release the slice after use.

        LogOffsetOutOfRangeError if ``offset`` is outside ``[log_start, log_end]``.
        """
        start, end = self._log_start_offset, self._log_end_offset
        if offset < start or offset > end:
            raise LogOffsetOutOfRangeError(offset, start, end)
        if offset == end or max_bytes < 0:
            return FileSlice.empty(offset)
        limit = end if max_offset is None else min(max_offset, end)
        for attempt in range(READ_ATTEMPTS):
            segments = self._segments
            try:
                return self._read_from(segments, offset, max_bytes, limit, min_one_batch)
            except (CorruptIndexError, LogStorageError, OSError):
                # Compaction swaps segments on its own thread, under the log's lock but
                # unseen by this lock-free read: a segment replaced under it had its files
                # deleted and its indexes unloaded. Wait for the swap to finish (it holds the
                # lock until the new segments are in place) and read again from them (its
                # files closed, missing or renamed over: the index missing, the file closed,
                # a failed open); an error with the same segments is a real one.
                with self.lock:
                    replaced = self._segments is not segments
                if not replaced or attempt == READ_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _read_from(
        self,
        segments: list[LogSegment],
        offset: int,
        max_bytes: int,
        limit: int,
        min_one_batch: bool,
    ) -> FileSlice:
        for seg in segments[self._segment_position(segments, offset) :]:
            found = seg.read_range(offset, max_bytes, max_offset=limit, min_one_batch=min_one_batch)
            if found is None:
                continue
            position, length, first, next_offset = found
            if length == 0:
                return FileSlice.empty(offset)
            if seg.deleted:
                # Deleted while it was read: its positions may come from the new files.
                raise CorruptIndexError(f"segment {seg.base_offset} was replaced during a read")
            return FileSlice(seg.file, position, length, first, next_offset)
        return FileSlice.empty(offset)

    def offset_for_timestamp(self, timestamp: int) -> TimestampOffset | None:
        """ListOffsets by time: the first record at or after the log start with a timestamp
        >= ``timestamp``, as ``(timestamp, offset)``; None if there is none."""
        for seg in list(self._segments):
            if seg.is_empty or seg.largest_timestamp() < timestamp:
                continue
            found = seg.find_offset_by_timestamp(timestamp, self._log_start_offset)
            if found is not None:
                return found
        return None

    # -- aborted transactions (txn_index.py) --------------------------------------------------

    def _newest_aborted(self) -> int:
        newest = self._newest_aborted_offset
        if newest is None:
            newest = -1
            for seg in reversed(self._segments):
                last = seg.txn_index.last_entry
                if last is not None:
                    newest = last.last_offset
                    break
            self._newest_aborted_offset = newest
        return newest

    def append_aborted_txn(self, txn: AbortedTxn) -> None:
        """Index an aborted transaction in the segment holding its ABORT marker
        (``txn.last_offset``, already appended). Idempotent: an entry whose marker is not past
        the newest indexed one is ignored (a replay after a restart adds them again), and so is
        one whose marker lies below the log's first segment (deleted meanwhile)."""
        with self.lock:
            self._check_writable()
            if txn.last_offset >= self._log_end_offset:
                raise ValueError(
                    f"abort marker offset {txn.last_offset} is not below the log end offset "
                    f"{self._log_end_offset}"
                )
            if txn.last_offset <= self._newest_aborted():
                return
            if txn.last_offset < self._segments[0].base_offset:
                return
            seg = self._segments[self._segment_position(self._segments, txn.last_offset)]
            try:
                seg.txn_index.append(txn)
            except LogStorageError as exc:
                self.health.append_failed(exc)
                raise
            self._newest_aborted_offset = txn.last_offset
            if seg.txn_index not in self._pending_txn_sync:
                self._pending_txn_sync.append(seg.txn_index)
            self._mark_dirty()

    def collect_aborted_txns(self, start_offset: int, upper_bound_offset: int) -> list[AbortedTxn]:
        """Every indexed aborted transaction with ``last_offset >= start_offset`` and
        ``first_offset < upper_bound_offset``, in index order: what a read_committed fetch from
        ``start_offset`` up to ``upper_bound_offset`` (the LSO) must skip. The search starts at
        the segment holding ``start_offset`` and ends early once an entry's last stable offset
        reaches ``upper_bound_offset`` (no later marker can concern the range)."""
        segments = self._segments
        found: list[AbortedTxn] = []
        for seg in segments[self._segment_position(segments, start_offset) :]:
            txns, complete = seg.txn_index.collect(start_offset, upper_bound_offset)
            found.extend(txns)
            if complete:
                break
        return found

    # -- truncation (log_truncation.py) -------------------------------------------------------

    def truncate_to(self, offset: int) -> bool:
        """Remove every batch whose last offset is >= ``offset`` (a follower diverged);
        the log end offset becomes ``offset``. True if anything changed."""
        return log_truncation.truncate_to(self, offset)

    def truncate_fully_and_start_at(self, offset: int, *, now_ms: int) -> None:
        """Delete every segment and restart the log, empty, at ``offset``."""
        log_truncation.truncate_fully_and_start_at(self, offset, now_ms=now_ms)

    def _fsync_segment(self, seg: LogSegment) -> None:
        seg.flush()

    def _check_not_closed(self) -> None:
        if self._closed:
            raise LogStorageError(f"log {self.tp} is closed")

    # -- retention (log_retention.py) ---------------------------------------------------------

    def increase_log_start_offset(self, offset: int) -> bool:
        """DeleteRecords: move the log start offset up to ``offset`` (at most the high
        watermark) and delete the segments wholly below it. True if it moved."""
        return log_retention.increase_log_start_offset(self, offset)

    def apply_retention(self, now_ms: int) -> int:
        """Delete segments past ``retention.ms`` / ``retention.bytes`` (for the delete policy)
        or wholly below the log start offset; returns how many were deleted. Only segments
        below the high watermark go; an expired active segment is rolled first."""
        return log_retention.apply_retention(self, now_ms)

    # -- compaction support (log_retention.py) ------------------------------------------------

    def replace_segments(self, old: Sequence[LogSegment], new: LogSegment) -> bool:
        """Put ``new`` (already in place on disk) where ``old`` were. False if ``old`` are no
        longer consecutive closed segments of this log (then nothing changes)."""
        return log_retention.replace_segments(self, old, new)

    def remove_segments(self, old: Sequence[LogSegment]) -> bool:
        """Take ``old`` out of the log (compaction left nothing in them; the caller deletes
        their files). Offsets in the gap read as the next batch. False, and nothing changes,
        unless ``old`` are consecutive closed segments that are neither the first (it anchors
        the log start offset) nor the active one."""
        return log_retention.remove_segments(self, old)

    # -- flushing (log_flush.py) --------------------------------------------------------------

    def prepare_flush(self) -> FlushJob | None:
        """Snapshot what needs an fsync (up to the current log end offset) and lease the files;
        None if nothing does. Run the job's ``run()`` anywhere, then ``complete_flush``."""
        return log_flush.prepare_flush(self)

    def complete_flush(self, job: FlushJob, error: BaseException | None = None) -> None:
        """Apply a finished job: release its leases and advance the recovery point. A failed
        fsync takes the log offline: the page cache state is unknown, so later fsyncs could
        not be trusted."""
        log_flush.complete_flush(self, job, error)

    def flush(self) -> None:
        """fsync everything now, on this thread."""
        log_flush.flush(self)

    @property
    def needs_flush_for_roll(self) -> bool:
        """Whether a closed segment awaits its fsync (flushed even under policy ``none``)."""
        return log_flush.needs_flush_for_roll(self)

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Flush everything, write the active segment's indexes and release all files."""
        with self.lock:
            if self._closed:
                return
            if self._offline is None:
                self.flush()
                self._segments[-1].persist_indexes(sync=True)
            for seg in self._segments:
                seg.close()
            self._closed = True

    def delete(self) -> None:
        """Close without flushing and delete every file of the log (the directory stays)."""
        with self.lock:
            for seg in self._segments:
                seg.delete_files()
            self._closed = True
