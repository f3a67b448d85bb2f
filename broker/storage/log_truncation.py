"""Truncation of a ``PartitionLog`` from the end (a follower diverged) and its full restart at
an offset. Both run under the log's lock and move the generation, so that a flush prepared
before them does not advance the recovery point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.storage.fsutil import fsync_dir

if TYPE_CHECKING:
    from broker.storage.log import PartitionLog

__all__ = ["after_truncation", "truncate_fully_and_start_at", "truncate_to"]


def truncate_to(log: PartitionLog, offset: int) -> bool:
    """Remove every batch whose last offset is >= ``offset`` (a follower diverged);
    the log end offset becomes ``offset``. True if anything changed."""
    if offset < 0:
        raise ValueError(f"cannot truncate to negative offset {offset}")
    with log.lock:
        log._check_not_closed()
        if offset >= log._log_end_offset:
            return False
        keep = [s for s in log._segments if s.base_offset < offset]
        if offset < log._log_start_offset or not keep:
            log.truncate_fully_and_start_at(offset, now_ms=0)
            return True
        log._generation += 1
        drop = log._segments[len(keep) :]
        active = keep[-1]
        for seg in drop:
            if seg in log._pending_index_persist:
                log._pending_index_persist.remove(seg)
            seg.delete_files()
        if active in log._pending_index_persist:
            log._pending_index_persist.remove(active)
        was_active = active.active
        active.active = True
        active.truncate_to(offset)
        log._fsync_segment(active)
        if not was_active:
            first = active._first_header()
            if first is not None and first.max_timestamp >= 0:
                active.rolling_base_ms = first.max_timestamp
        log._set_segments(keep)
        log._log_end_offset = offset
        if active.next_offset < offset:
            # Keep the log end offset across a restart: start an empty segment there.
            active.deactivate()
            log._pending_index_persist.append(active)
            log._set_segments([*keep, log._new_segment(offset, active.rolling_base_ms)])
        fsync_dir(log.directory)
        after_truncation(log)
        return True


def truncate_fully_and_start_at(log: PartitionLog, offset: int, *, now_ms: int) -> None:
    """Delete every segment and restart the log, empty, at ``offset``."""
    if offset < 0:
        raise ValueError(f"cannot restart at negative offset {offset}")
    with log.lock:
        log._check_not_closed()
        log._generation += 1
        for seg in log._segments:
            seg.delete_files()
        log._pending_index_persist.clear()
        log._pending_txn_sync.clear()
        log._newest_aborted_offset = None
        log._set_segments([log._new_segment(offset, now_ms)])
        fsync_dir(log.directory)
        log._log_start_offset = offset
        log._log_end_offset = offset
        log._recovery_point = offset
        log._high_watermark = offset
        log.cleaner_checkpoint = offset
        log.epoch_cache.clear()
        log.producer_snapshots.delete_all()
        log._unflushed_messages = 0


def after_truncation(log: PartitionLog) -> None:
    end = log._log_end_offset
    log._recovery_point = min(log._recovery_point, end)
    log._high_watermark = min(log._high_watermark, end)
    log.cleaner_checkpoint = min(log.cleaner_checkpoint, end)
    log._newest_aborted_offset = None  # entries past the end were dropped
    log.epoch_cache.truncate_from_end(end)
    log.producer_snapshots.delete_newer_than(end)
