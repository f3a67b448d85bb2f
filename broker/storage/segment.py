"""One segment of a partition log: a ``.log`` file of record batches, its two sparse indexes and
its aborted-transaction index (``.txnindex``, only when it has an entry).

A segment is named by its base offset. Only the last segment of a log (the *active* one) is
appended to; its indexes and tail state (size, next offset, largest timestamp) live in memory.
Closed segments are lazy: nothing is read until a read, a retention check or compaction needs
it, and their descriptors live in the shared ``FilePool``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import broker.storage.segment_read as segment_read
import broker.storage.segment_recovery as segment_recovery
from broker.storage.errors import LogStorageError
from broker.storage.fdpool import FilePool, PooledFile
from broker.storage.index import (
    CorruptIndexError,
    IndexBudget,
    OffsetIndex,
    TimeIndex,
)
from broker.storage.names import (
    INDEX_SUFFIX,
    LOG_SUFFIX,
    TIME_INDEX_SUFFIX,
    TXN_INDEX_SUFFIX,
    offset_file_name,
)
from broker.storage.scan import iter_headers, read_header
from broker.storage.segment_meta import NO_TIMESTAMP, BatchMeta, RecoveryStats, SegmentLimits
from broker.storage.segment_recovery import RECOVERY_READ_BYTES
from broker.storage.txn_index import TransactionIndex
from protocol.records import LOG_OVERHEAD, RecordBatch

__all__ = [
    "NO_TIMESTAMP",
    "RECOVERY_READ_BYTES",
    "BatchMeta",
    "LogSegment",
    "RecoveryStats",
    "SegmentLimits",
]

# Below every timestamp: an empty time index accepts any first entry.
_NO_ENTRY_TS = -(1 << 63)


class LogSegment:
    """A ``.log`` file with its sparse ``.index`` and ``.timeindex``."""

    __slots__ = (
        "_bytes_since_index",
        "_last_time_entry_ts",
        "_max_timestamp",
        "_next_offset",
        "_offset_of_max_timestamp",
        "_size",
        "active",
        "base_offset",
        "deleted",
        "directory",
        "file",
        "full",
        "indexes_checked",
        "indexes_on_disk",
        "limits",
        "offset_index",
        "read_hint",
        "rolling_base_ms",
        "stats",
        "time_index",
        "txn_index",
    )

    def __init__(
        self,
        directory: Path,
        base_offset: int,
        *,
        pool: FilePool,
        budget: IndexBudget | None,
        limits: SegmentLimits,
        loaded_indexes: bool,
        stats: RecoveryStats,
    ) -> None:
        self.directory = directory
        self.stats = stats
        self.base_offset = base_offset
        self.limits = limits
        self.file: PooledFile = pool.file(directory / offset_file_name(base_offset, LOG_SUFFIX))
        self.offset_index = OffsetIndex(
            directory / offset_file_name(base_offset, INDEX_SUFFIX),
            base_offset,
            limits.max_index_entries,
            budget=budget,
            loaded=loaded_indexes,
        )
        self.time_index = TimeIndex(
            directory / offset_file_name(base_offset, TIME_INDEX_SUFFIX),
            base_offset,
            limits.max_time_index_entries,
            budget=budget,
            loaded=loaded_indexes,
        )
        self.txn_index = TransactionIndex(
            directory / offset_file_name(base_offset, TXN_INDEX_SUFFIX)
        )
        self._size: int | None = None
        self._next_offset: int | None = None
        self._max_timestamp: int | None = None
        self._offset_of_max_timestamp = base_offset
        self._bytes_since_index = 0
        # The time index's last timestamp, cached for the append path (None: unknown).
        self._last_time_entry_ts: int | None = None
        self.rolling_base_ms = 0
        #: Whether an index was full after the last entry the append path added.
        self.full = False
        self.active = False
        #: Whether the index files on disk match the in-memory indexes.
        self.indexes_on_disk = not loaded_indexes
        #: Whether the indexes passed their sanity check (or were built here).
        self.indexes_checked = loaded_indexes
        #: ``(offset, position)`` where the last read ended: every batch before ``position``
        #: ends below ``offset``, so a read from ``offset`` or later may walk from there instead
        #: of from the sparse index (a consumer's next fetch starts exactly there). Appends keep
        #: it true; truncation and recovery, which remove batches, drop it.
        self.read_hint: tuple[int, int] | None = None
        #: Set as its files start to be deleted (compaction, retention): a read that raced with
        #: it may have mixed the old file with new indexes, and is done again.
        self.deleted = False

    def __repr__(self) -> str:
        return f"LogSegment({self.base_offset}, size={self._size}, active={self.active})"

    # -- creation ------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path,
        base_offset: int,
        *,
        pool: FilePool,
        budget: IndexBudget | None,
        limits: SegmentLimits,
        stats: RecoveryStats,
        now_ms: int,
    ) -> LogSegment:
        """Create an empty active segment (its ``.log`` file is created now)."""
        seg = cls(
            directory,
            base_offset,
            pool=pool,
            budget=budget,
            limits=limits,
            loaded_indexes=True,
            stats=stats,
        )
        try:
            fd = os.open(seg.file.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            if os.path.getsize(seg.file.path) != 0:
                raise LogStorageError(f"{seg.file.path} exists and is not empty") from None
        except OSError as exc:
            raise LogStorageError(f"cannot create {seg.file.path}: {exc}") from exc
        else:
            os.close(fd)
        seg._size = 0
        seg._next_offset = base_offset
        seg._max_timestamp = NO_TIMESTAMP
        seg.rolling_base_ms = now_ms
        seg.active = True
        return seg

    @classmethod
    def open_closed(
        cls,
        directory: Path,
        base_offset: int,
        *,
        pool: FilePool,
        budget: IndexBudget | None,
        limits: SegmentLimits,
        stats: RecoveryStats,
    ) -> LogSegment:
        """An existing closed segment; nothing is read until needed."""
        return cls(
            directory,
            base_offset,
            pool=pool,
            budget=budget,
            limits=limits,
            loaded_indexes=False,
            stats=stats,
        )

    def check_indexes(self) -> None:
        """Load-time check of a closed segment's index files; rebuild them if missing or
        corrupt (by ``recover()``, which also validates the batches)."""
        if self.indexes_checked:
            return
        try:
            self.offset_index.sanity_check(self.size)
            self.time_index.sanity_check()
        except CorruptIndexError:
            self.stats.indexes_rebuilt += 1
            self.recover(self.stats)
        self.indexes_checked = True

    # -- facts ---------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Bytes in the ``.log`` file."""
        if self._size is None:
            with self.file.leased() as fd:
                try:
                    self._size = os.fstat(fd).st_size
                except OSError as exc:
                    raise LogStorageError(f"cannot stat {self.file.path}: {exc}") from exc
        return self._size

    @property
    def next_offset(self) -> int:
        """The offset after the last batch (the base offset when empty)."""
        if self._next_offset is None:
            self._load_tail_state()
        assert self._next_offset is not None
        return self._next_offset

    @property
    def max_timestamp(self) -> int:
        """The largest batch timestamp in the segment (-1 when it has none)."""
        if self._max_timestamp is None:
            self.check_indexes()
            last = self.time_index.last_entry
            if last is not None:
                self._max_timestamp = last.timestamp
                self._offset_of_max_timestamp = last.offset
            else:
                self._load_tail_state()
        assert self._max_timestamp is not None
        return self._max_timestamp

    def largest_timestamp(self) -> int:
        """The timestamp retention compares: the largest batch timestamp, or the file's
        modification time when no batch has one."""
        ts = self.max_timestamp
        if ts != NO_TIMESTAMP:
            return ts
        try:
            return int(os.stat(self.file.path).st_mtime * 1000)
        except OSError as exc:
            raise LogStorageError(f"cannot stat {self.file.path}: {exc}") from exc

    @property
    def is_empty(self) -> bool:
        """Whether the segment holds no batch."""
        return self.size == 0

    def index_full(self) -> bool:
        """Whether either index has no room left (the segment must roll)."""
        self.full = self.offset_index.is_full or self.time_index.is_full
        return self.full

    def _load_tail_state(self) -> None:
        """Compute size, next offset and largest timestamp by walking from the last index
        entry to the end (no validation). Used for closed segments and clean opens."""
        self.check_indexes()
        size = self.size
        last = self.offset_index.last_entry
        tentry = self.time_index.last_entry
        max_ts = tentry.timestamp if tentry is not None else NO_TIMESTAMP
        offset_of_max = tentry.offset if tentry is not None else self.base_offset
        next_offset = self.base_offset
        end = last.position
        since = 0
        with self.file.leased() as fd:
            for pos, header in iter_headers(fd, last.position, size):
                if header.max_timestamp > max_ts:
                    max_ts = header.max_timestamp
                    offset_of_max = header.base_offset
                next_offset = header.base_offset + header.last_offset_delta + 1
                end = pos + LOG_OVERHEAD + header.batch_length
                since = end - last.position
        if end != size:
            raise CorruptIndexError(
                f"{self.file.path}: walking from position {last.position} ends at {end}, "
                f"not at the file size {size}"
            )
        if last.position == 0 and end == 0:
            next_offset = self.base_offset
        self._next_offset = next_offset
        self._max_timestamp = max_ts
        self._offset_of_max_timestamp = offset_of_max
        self._bytes_since_index = since

    # -- activation ----------------------------------------------------------------------------

    def activate(self, now_ms: int, stats: RecoveryStats, *, recovered: bool = False) -> None:
        """Make this (existing) segment the active one: pin its indexes and compute its tail
        (``recovered``: ``recover()`` just did that).

        Indexes that are missing or fail their sanity check are rebuilt by ``recover()``.
        """
        self.active = True
        if recovered:
            self.offset_index.pin()
            self.time_index.pin()
        else:
            self._activate_checked(stats)
        self._last_time_entry_ts = None
        self.index_full()
        first = self._first_header()
        self.rolling_base_ms = (
            first.max_timestamp if first is not None and first.max_timestamp >= 0 else now_ms
        )

    def _activate_checked(self, stats: RecoveryStats) -> None:
        self._size = None
        self._last_time_entry_ts = None
        try:
            self.indexes_checked = True  # checked right here
            self.offset_index.pin()
            self.time_index.pin()
            self.offset_index.sanity_check(self.size)
            self._load_tail_state()
            self.time_index.sanity_check(self._next_offset)
            self.indexes_checked = True
        except CorruptIndexError:
            stats.indexes_rebuilt += 1
            self.recover(stats)

    def deactivate(self) -> None:
        """The segment was rolled: record the final time index entry (so that its largest
        timestamp survives a reopen) and let its indexes be unloaded once on disk."""
        self._last_time_entry_ts = None
        if self._max_timestamp is not None and self._max_timestamp != NO_TIMESTAMP:
            self.time_index.maybe_append(self._max_timestamp, self._offset_of_max_timestamp)
        self.active = False
        self.indexes_on_disk = False

    def build_indexes(self, batches: list[BatchMeta]) -> None:
        """Index a freshly written closed segment (compaction output) from its batches."""
        self.offset_index.reset()
        self.time_index.reset()
        self.read_hint = None
        self.offset_index.pin()
        self.time_index.pin()
        self._last_time_entry_ts = None
        self.full = False
        self._size = 0
        self._next_offset = self.base_offset
        self._max_timestamp = NO_TIMESTAMP
        self._offset_of_max_timestamp = self.base_offset
        self._bytes_since_index = 0
        if batches:
            self._index_appended(0, batches)
        self.indexes_checked = True
        self.deactivate()

    def persist_indexes(self, *, sync: bool) -> None:
        """Write both index files from memory (closed segments, clean close)."""
        self.offset_index.write_file(sync=sync)
        self.time_index.write_file(sync=sync)
        self.indexes_on_disk = True
        if not self.active:
            self.offset_index.unpin()
            self.time_index.unpin()

    def _first_header(self) -> RecordBatch | None:
        with self.file.leased() as fd:
            return read_header(fd, 0)

    # -- append --------------------------------------------------------------------------------

    def append(self, data: memoryview, batches: Sequence[tuple[int, int, int, int]]) -> None:
        """Write ``data`` (the batches, contiguous) at the end in one write, then index.
        ``batches`` are ``(base offset, last offset, max timestamp, size)``.

        On a failed write the file is cut back to its previous size and LogStorageError is
        raised; if even that fails the error says so (``rollback_failed``) and the caller must
        stop writing to this log.
        """
        position = self._size if self._size is not None else self.size
        file = self.file
        fd = file.lease()
        try:
            written = os.pwrite(fd, data, position)
            if written != len(data):
                at = position + written
                view = data[written:]
                while view:
                    written = os.pwrite(fd, view, at)
                    if written <= 0:
                        raise OSError(errno.EIO, "short write")
                    at += written
                    view = view[written:]
        except OSError as exc:
            rollback_failed = False
            try:
                os.ftruncate(fd, position)
            except OSError:
                rollback_failed = True
            raise LogStorageError(
                f"append to {file.path} failed: {exc}", rollback_failed=rollback_failed
            ) from exc
        finally:
            file.release()
        self._index_appended(position, batches)

    def _index_appended(self, position: int, batches: Sequence[tuple[int, int, int, int]]) -> None:
        interval = self.limits.index_interval_bytes
        max_ts = self._max_timestamp if self._max_timestamp is not None else NO_TIMESTAMP
        offset_of_max = self._offset_of_max_timestamp
        since = self._bytes_since_index
        last_entry_ts = self._last_time_entry_ts
        if last_entry_ts is None:
            last = self.time_index.last_entry
            last_entry_ts = last.timestamp if last is not None else _NO_ENTRY_TS
        pos = position
        for base, _last, batch_max_ts, size in batches:
            if batch_max_ts > max_ts:
                max_ts = batch_max_ts
                offset_of_max = base
            if since > interval:
                # Offsets, positions and timestamps only grow here: unchecked appends.
                if self.offset_index.append_unchecked(base, pos):
                    self.full = True
                if max_ts > last_entry_ts:
                    last_entry_ts = max_ts
                    if self.time_index.append_unchecked(max_ts, offset_of_max):
                        self.full = True
                since = 0
            pos += size
            since += size
        self._size = pos
        self._next_offset = batches[-1][1] + 1 if batches else self._next_offset
        self._max_timestamp = max_ts
        self._offset_of_max_timestamp = offset_of_max
        self._bytes_since_index = since
        self._last_time_entry_ts = last_entry_ts

    # -- read (segment_read.py, bound here as methods: no extra call on the fetch path) --------

    translate_offset = segment_read.translate_offset
    read_range = segment_read.read_range
    find_offset_by_timestamp = segment_read.find_offset_by_timestamp
    read_batches = segment_read.read_batches

    # -- recovery (segment_recovery.py) -------------------------------------------------------

    def recover(
        self,
        stats: RecoveryStats,
        *,
        min_offset: int | None = None,
        on_epoch: Callable[[int, int], None] | None = None,
    ) -> int:
        """Validate every batch (CRC-32C, lengths, increasing offsets), rebuild both indexes and
        cut the file at the first invalid byte. Returns the number of bytes cut. ``on_epoch``
        gets each valid batch's ``(partition leader epoch, base offset)``."""
        self.read_hint = None
        return segment_recovery.recover(self, stats, min_offset=min_offset, on_epoch=on_epoch)

    # -- truncation ----------------------------------------------------------------------------

    def truncate_to(self, offset: int) -> int:
        """Remove every batch whose last offset is >= ``offset``; returns the bytes removed.
        The segment must be (or become) active: its indexes are pinned and updated."""
        self.offset_index.pin()
        self.time_index.pin()
        found = self.translate_offset(offset)
        if found is None:
            return 0
        position, header = found
        self.read_hint = None
        removed = self.size - position
        with self.file.leased() as fd:
            try:
                os.ftruncate(fd, position)
            except OSError as exc:
                raise LogStorageError(f"cannot truncate {self.file.path}: {exc}") from exc
        self._size = position
        # The index files on disk now describe bytes that are gone: remove them. The segment
        # is active (its indexes live in memory) and rewrites them when it closes; a crash
        # before that finds them missing and rebuilds them.
        for path in (self.offset_index.path, self.time_index.path):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise LogStorageError(f"cannot delete {path}: {exc}") from exc
        self.offset_index.truncate_to(header.base_offset)
        self.time_index.truncate_to(header.base_offset)
        # Aborted transactions whose marker was cut off are gone with it.
        self.txn_index.truncate_to(offset)
        self._last_time_entry_ts = None
        self.index_full()
        self._max_timestamp = None
        self._load_tail_state()
        self.indexes_on_disk = False
        return removed

    # -- durability and lifecycle --------------------------------------------------------------

    def flush(self) -> None:
        """fsync the ``.txnindex`` (if written to), then fdatasync the ``.log`` file."""
        self.txn_index.sync()
        with self.file.leased() as fd:
            try:
                os.fdatasync(fd)
            except OSError as exc:
                raise LogStorageError(f"fsync of {self.file.path} failed: {exc}") from exc

    def close(self) -> None:
        """Release the descriptor (deferred while leased) and unload the indexes."""
        self.file.close()
        self.offset_index.forget()
        self.time_index.forget()
        self.txn_index.forget()

    def delete_files(self) -> None:
        """Close and unlink the segment's files (the ``.txnindex`` first: it must never outlive
        its ``.log``, whose markers it describes)."""
        self.deleted = True
        self.close()
        self.txn_index.delete_file()
        for path in (self.file.path, self.offset_index.path, self.time_index.path):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise LogStorageError(f"cannot delete {path}: {exc}") from exc
