"""Flush bookkeeping of a ``PartitionLog``: what a flush must fsync (``prepare_flush``), the
blocking IO (``FlushJob.run``, safe on another thread) and its outcome (``complete_flush``:
the recovery point moves, or the log goes offline)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from broker.storage.errors import LogStorageError
from broker.storage.fdpool import PooledFile
from broker.storage.fsutil import fsync_dir
from broker.storage.index import write_index_file
from broker.storage.segment import LogSegment
from broker.storage.txn_index import TransactionIndex

if TYPE_CHECKING:
    from broker.storage.log import PartitionLog

__all__ = ["FlushJob", "complete_flush", "flush", "needs_flush_for_roll", "prepare_flush"]


@dataclass
class FlushJob:
    """The blocking part of a flush, safe to run on another thread: fsync the transaction
    indexes and the leader-epoch checkpoint written since the last flush, fdatasync the leased
    segment files, write and fsync the index files of newly closed segments, fsync the
    directory if segments were created (and the log dir above it if the log is new). Prepared
    and completed on the log's thread."""

    log: PartitionLog
    target_offset: int
    generation: int
    leases: list[tuple[PooledFile, int]] = field(default_factory=list)
    index_writes: list[tuple[LogSegment, bytes, bytes]] = field(default_factory=list)
    txn_syncs: list[TransactionIndex] = field(default_factory=list)
    sync_directory: bool = False
    #: The log's directory is new: fsync the log dir holding it too (its entry).
    sync_parent_directory: bool = False
    #: The leader-epoch checkpoint was rewritten without an fsync since the last flush.
    sync_epoch_cache: bool = False
    messages: int = 0

    def run(self) -> None:
        """Do the IO; raises LogStorageError on failure."""
        # Transaction indexes before log data: a crash may then leave an entry whose marker
        # was lost (recovery drops entries past the recovered end), never a durable ABORT
        # marker without its entry (the marker replay starts at the newest producer snapshot,
        # which may lie past the marker).
        for txn_index in self.txn_syncs:
            txn_index.sync()
        # The leader-epoch checkpoint before log data too: a batch of a new epoch is never
        # durable while the entry saying where that epoch starts is not.
        if self.sync_epoch_cache:
            self.log.epoch_cache.sync()
        for file, fd in self.leases:
            try:
                os.fdatasync(fd)
            except OSError as exc:
                raise LogStorageError(f"fsync of {file.path} failed: {exc}") from exc
        for segment, offset_bytes, time_bytes in self.index_writes:
            write_index_file(segment.offset_index.path, offset_bytes, sync=True)
            write_index_file(segment.time_index.path, time_bytes, sync=True)
        if self.sync_directory:
            fsync_dir(self.log.directory)
        if self.sync_parent_directory:
            fsync_dir(self.log.directory.parent)


def prepare_flush(log: PartitionLog) -> FlushJob | None:
    """Snapshot what needs an fsync (up to the current log end offset) and lease the files;
    None if nothing does. Run the job's ``run()`` anywhere, then ``complete_flush``."""
    with log.lock:
        if log._closed:
            log._dirty = False
            return None
        if log._offline is not None:
            raise LogStorageError(f"log {log.tp} is offline: {log._offline}")
        target = log._log_end_offset
        if (
            target <= log._recovery_point
            and not log._pending_index_persist
            and not log._sync_directory
            and not log._pending_txn_sync
            and not log._sync_parent_directory
            and not log.epoch_cache.unsynced
        ):
            log._dirty = False
            return None
        job = FlushJob(
            log,
            target,
            log._generation,
            sync_directory=log._sync_directory,
            sync_parent_directory=log._sync_parent_directory,
            sync_epoch_cache=log.epoch_cache.unsynced,
        )
        if target > log._recovery_point:
            first = log._segment_position(log._segments, log._recovery_point)
            for seg in log._segments[first:]:
                job.leases.append((seg.file, seg.file.lease()))
        for seg in log._pending_index_persist:
            job.index_writes.append((seg, seg.offset_index.to_bytes(), seg.time_index.to_bytes()))
        job.txn_syncs = log._pending_txn_sync
        log._pending_txn_sync = []
        log._sync_directory = False
        log._sync_parent_directory = False
        log.epoch_cache.unsynced = False
        job.messages = log._unflushed_messages
        log._unflushed_messages = 0
        return job


def complete_flush(log: PartitionLog, job: FlushJob, error: BaseException | None = None) -> None:
    """Apply a finished job: release its leases and advance the recovery point. A failed
    fsync takes the log offline: the page cache state is unknown, so later fsyncs could
    not be trusted."""
    with log.lock:
        for file, _fd in job.leases:
            file.release()
        job.leases.clear()
        if error is not None:
            log._sync_directory = log._sync_directory or job.sync_directory
            log._sync_parent_directory = log._sync_parent_directory or job.sync_parent_directory
            log.epoch_cache.unsynced = log.epoch_cache.unsynced or job.sync_epoch_cache
            log._unflushed_messages += job.messages
            log._pending_txn_sync.extend(t for t in job.txn_syncs if t not in log._pending_txn_sync)
            log._offline = (
                error
                if isinstance(error, LogStorageError)
                else LogStorageError(f"flush of {log.tp} failed: {error}")
            )
            log.health.went_offline(log._offline)
            return
        if job.generation == log._generation:
            log._recovery_point = max(
                log._recovery_point, min(job.target_offset, log._log_end_offset)
            )
        for seg, _, _ in job.index_writes:
            if seg in log._pending_index_persist and not seg.active:
                log._pending_index_persist.remove(seg)
                seg.indexes_on_disk = True
                seg.offset_index.unpin()
                seg.time_index.unpin()
        log._dirty = (
            log._recovery_point < log._log_end_offset
            or bool(log._pending_index_persist)
            or log._sync_directory
            or log._sync_parent_directory
            or log.epoch_cache.unsynced
            or bool(log._pending_txn_sync)
        )


def flush(log: PartitionLog) -> None:
    """fsync everything now, on this thread."""
    job = log.prepare_flush()
    if job is None:
        return
    try:
        job.run()
    except BaseException as exc:
        log.complete_flush(job, exc)
        raise
    log.complete_flush(job)


def needs_flush_for_roll(log: PartitionLog) -> bool:
    """Whether a closed segment awaits its fsync (flushed even under policy ``none``)."""
    return bool(log._pending_index_persist) or (
        log._dirty
        and log._segment_position(log._segments, log._recovery_point) < len(log._segments) - 1
    )
