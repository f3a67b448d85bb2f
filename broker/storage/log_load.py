"""Opening a ``PartitionLog``: its segments from the directory, with recovery after an unclean
shutdown (``PartitionLog.open`` runs ``load``)."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from broker.storage.fsutil import fsync_dir
from broker.storage.recovery import recover_directory
from broker.storage.segment import LogSegment

if TYPE_CHECKING:
    from broker.storage.log import PartitionLog

__all__ = ["load"]


def load(
    log: PartitionLog,
    *,
    now_ms: int,
    clean: bool,
    recovery_point: int,
    log_start_offset: int,
    high_watermark: int,
) -> None:
    bases = recover_directory(log.directory)
    limits = log._limits()
    segments = [
        LogSegment.open_closed(
            log.directory,
            b,
            pool=log.pool,
            budget=log.budget,
            limits=limits,
            stats=log.stats,
        )
        for b in bases
    ]
    if not segments:
        segments = [log._new_segment(log_start_offset, now_ms)]
        # The new files (and the directory, if new) become durable with the first flush
        # (the flusher's threads), not here: an empty log loses nothing if they do not.
        log._sync_directory = True
        log._sync_parent_directory = True
        clean = True
    # Each epoch change among the batches recovery validated, applied once the log end is known.
    seen_epochs: list[tuple[int, int]] = []
    if clean:
        segments[-1].activate(now_ms, log.stats)
    else:
        first = max(0, bisect.bisect_right(bases, recovery_point) - 1)
        min_offset: int | None = None

        def learn_epoch(epoch: int, base_offset: int) -> None:
            if not seen_epochs or seen_epochs[-1][0] != epoch:
                seen_epochs.append((epoch, base_offset))

        for i in range(first, len(segments)):
            seg = segments[i]
            seg.active = i == len(segments) - 1
            cut = seg.recover(log.stats, min_offset=min_offset, on_epoch=learn_epoch)
            min_offset = seg.next_offset
            if cut and i < len(segments) - 1:
                for doomed in segments[i + 1 :]:
                    doomed.delete_files()
                segments = segments[: i + 1]
                seg.active = True
                seg.offset_index.pin()
                seg.time_index.pin()
                break
        segments[-1].activate(now_ms, log.stats, recovered=True)
        # Make what recovery kept durable; then the log starts clean from its end.
        for seg in segments[first:]:
            seg.flush()
        fsync_dir(log.directory)
    log._set_segments(segments)
    active = segments[-1]
    log._log_end_offset = active.next_offset
    log._log_start_offset = max(log_start_offset, segments[0].base_offset)
    if log._log_start_offset > log._log_end_offset:
        log.truncate_fully_and_start_at(log._log_start_offset, now_ms=now_ms)
    log._recovery_point = recovery_point if clean else log._log_end_offset
    log._recovery_point = max(log._recovery_point, log._log_start_offset)
    log._recovery_point = min(log._recovery_point, log._log_end_offset)
    log._high_watermark = min(max(high_watermark, log._log_start_offset), log._log_end_offset)
    # Nothing is written unless the cache contradicts the log (a tail lost in an unclean stop).
    cache = log.epoch_cache
    cache.drop_past_end(log._log_end_offset)
    for epoch, base_offset in seen_epochs:
        # As Kafka's recovery: a batch of an epoch newer than the cache knows starts it. A new
        # epoch's entry is fsynced with the log's next flush, so an unclean stop may have kept
        # (unacknowledged) batches of an epoch whose entry it lost.
        latest = cache.latest_epoch
        if epoch >= 0 and (latest is None or epoch > latest):
            cache.assign(epoch, base_offset)
    if cache.unsynced and not clean:
        # Recovery moves the recovery point to the log end: what it learned must be durable
        # before that (this runs at start-up, not on a request's path).
        cache.sync()
        cache.unsynced = False
    log.epoch_cache.truncate_from_start(log._log_start_offset)
    log.producer_snapshots.delete_newer_than(log._log_end_offset)
    log._dirty = (
        log._recovery_point < log._log_end_offset or log._sync_directory or log.epoch_cache.unsynced
    )
