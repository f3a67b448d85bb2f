"""Removing segments from a ``PartitionLog``: retention (``retention.ms``, ``retention.bytes``,
the log start offset), DeleteRecords, and the segment-list changes compaction makes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from broker.storage.errors import LogOffsetOutOfRangeError
from broker.storage.segment import LogSegment

if TYPE_CHECKING:
    from broker.storage.log import PartitionLog

__all__ = [
    "apply_retention",
    "delete_prefix",
    "increase_log_start_offset",
    "remove_segments",
    "replace_segments",
]


def increase_log_start_offset(log: PartitionLog, offset: int) -> bool:
    """DeleteRecords: move the log start offset up to ``offset`` (at most the high
    watermark) and delete the segments wholly below it. True if it moved."""
    with log.lock:
        log._check_not_closed()
        if offset > log._high_watermark:
            raise LogOffsetOutOfRangeError(offset, log._log_start_offset, log._high_watermark)
        if offset <= log._log_start_offset:
            return False
        log._log_start_offset = offset
        log.cleaner_checkpoint = max(log.cleaner_checkpoint, offset)
        log.epoch_cache.truncate_from_start(offset)
        delete_prefix(log, lambda seg, nxt: nxt is not None and nxt.base_offset <= offset)
        return True


def apply_retention(log: PartitionLog, now_ms: int) -> int:
    """Delete segments past ``retention.ms`` / ``retention.bytes`` (for the delete policy)
    or wholly below the log start offset; returns how many were deleted. Only segments
    below the high watermark go; an expired active segment is rolled first."""
    with log.lock:
        log._check_not_closed()
        start = log._log_start_offset
        deleted = delete_prefix(log, lambda seg, nxt: nxt is not None and nxt.base_offset <= start)
        config = log.config
        if config.delete and config.retention_ms >= 0:
            horizon = now_ms - config.retention_ms
            deleted += delete_prefix(
                log, lambda seg, nxt: seg.largest_timestamp() < horizon, now_ms=now_ms
            )
        if config.delete and config.retention_bytes >= 0:
            excess = log.size_in_bytes - config.retention_bytes

            def over_size(seg: LogSegment, nxt: LogSegment | None) -> bool:
                nonlocal excess
                if excess - seg.size >= 0:
                    excess -= seg.size
                    return True
                return False

            deleted += delete_prefix(log, over_size)
        return deleted


def delete_prefix(
    log: PartitionLog,
    predicate: Callable[[LogSegment, LogSegment | None], bool],
    *,
    now_ms: int | None = None,
) -> int:
    segments = log._segments
    victims: list[LogSegment] = []
    roll_active = False
    for i, seg in enumerate(segments):
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        upper = nxt.base_offset if nxt is not None else log._log_end_offset
        if upper > log._high_watermark or not predicate(seg, nxt):
            break
        if nxt is None:
            if seg.is_empty or now_ms is None:
                break
            roll_active = True
        victims.append(seg)
    if not victims:
        return 0
    if roll_active:
        assert now_ms is not None
        log.roll(now_ms)
    remaining = log._segments[len(victims) :]
    for seg in victims:
        if seg in log._pending_index_persist:
            log._pending_index_persist.remove(seg)
        seg.delete_files()
    log._set_segments(remaining)
    log._log_start_offset = max(log._log_start_offset, remaining[0].base_offset)
    log._recovery_point = max(log._recovery_point, log._log_start_offset)
    log.cleaner_checkpoint = max(log.cleaner_checkpoint, log._log_start_offset)
    log.epoch_cache.truncate_from_start(log._log_start_offset)
    log.producer_snapshots.delete_older_than(remaining[0].base_offset)
    log._newest_aborted_offset = None  # the deleted segments' aborted transactions went too
    log._sync_directory = True
    log._mark_dirty()
    return len(victims)


def replace_segments(log: PartitionLog, old: Sequence[LogSegment], new: LogSegment) -> bool:
    """Put ``new`` (already in place on disk) where ``old`` were. False if ``old`` are no
    longer consecutive closed segments of this log (then nothing changes)."""
    with log.lock:
        segments = log._segments
        try:
            i = next(n for n, s in enumerate(segments) if s is old[0])
        except StopIteration:
            return False
        if segments[i : i + len(old)] != list(old) or i + len(old) >= len(segments):
            return False
        log._set_segments([*segments[:i], new, *segments[i + len(old) :]])
        for seg in old:
            if seg in log._pending_index_persist:
                log._pending_index_persist.remove(seg)
            seg.close()
        log._newest_aborted_offset = None  # compaction may have dropped entries
        return True


def remove_segments(log: PartitionLog, old: Sequence[LogSegment]) -> bool:
    """Take ``old`` out of the log (compaction left nothing in them; the caller deletes
    their files). Offsets in the gap read as the next batch. False, and nothing changes,
    unless ``old`` are consecutive closed segments that are neither the first (it anchors
    the log start offset) nor the active one."""
    with log.lock:
        segments = log._segments
        try:
            i = next(n for n, s in enumerate(segments) if s is old[0])
        except StopIteration:
            return False
        if i == 0 or segments[i : i + len(old)] != list(old):
            return False
        if i + len(old) >= len(segments):
            return False
        log._set_segments([*segments[:i], *segments[i + len(old) :]])
        for seg in old:
            if seg in log._pending_index_persist:
                log._pending_index_persist.remove(seg)
        log._newest_aborted_offset = None
        return True
