"""Opening a ``PartitionLog``: its segments from the directory, with recovery after an unclean
shutdown (``PartitionLog.open`` runs ``load``).

Recovery validates the segments from the one holding the checkpointed recovery point to the
end (Kafka's rule: those below it were fsynced, and are only checked when first used), cuts
the log at the first invalid byte and rebuilds the indexes of what it validated. What it kept
then becomes durable in one of two ways:

* ``sync_recovery`` (the ``group`` flush policy, where the log end of a single replica is
  committed once fsynced): fsynced here, and the recovery point moves to the log end;
* otherwise, as Kafka does: nothing is fsynced here and the recovery point stays where the
  checkpoint put it (clamped to the log end). The log is dirty: its next flush, on the
  flusher's threads, fsyncs the validated segments and writes the rebuilt indexes of the
  closed ones (queued as a roll queues them, so that every policy flushes them soon). A crash
  before that recovers the same segments again.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from broker.storage.fsutil import fsync_dir
from broker.storage.recovery import recover_directory
from broker.storage.segment import LogSegment
from broker.storage.segment_recovery import recover

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
    sync_recovery: bool = True,
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

        deleted = False
        for i in range(first, len(segments)):
            seg = segments[i]
            seg.active = i == len(segments) - 1
            cut = recover(
                seg, log.stats, min_offset=min_offset, on_epoch=learn_epoch, sync=sync_recovery
            )
            min_offset = seg.next_offset
            if cut and i < len(segments) - 1:
                for doomed in segments[i + 1 :]:
                    doomed.delete_files()
                segments = segments[: i + 1]
                deleted = True
                seg.active = True
                seg.offset_index.pin()
                seg.time_index.pin()
                break
        segments[-1].activate(now_ms, log.stats, recovered=True)
        if sync_recovery:
            # Make what recovery kept durable; then the log starts clean from its end.
            for seg in segments[first:]:
                seg.flush()
            fsync_dir(log.directory)
        else:
            # The next flush writes (and fsyncs) the rebuilt indexes of the closed segments.
            log._pending_index_persist.extend(seg for seg in segments[first:-1])
            if deleted:
                # Deleted segments must stay deleted before anything is appended in their
                # place: a crash could otherwise bring their batches back after new ones.
                fsync_dir(log.directory)
    log._set_segments(segments)
    active = segments[-1]
    log._log_end_offset = active.next_offset
    log._log_start_offset = max(log_start_offset, segments[0].base_offset)
    if log._log_start_offset > log._log_end_offset:
        log.truncate_fully_and_start_at(log._log_start_offset, now_ms=now_ms)
    if clean:
        log._recovery_point = recovery_point
    elif sync_recovery:
        log._recovery_point = log._log_end_offset
    else:
        log._recovery_point = min(recovery_point, log._log_end_offset)
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
    if cache.unsynced and not clean and sync_recovery:
        # Recovery moves the recovery point to the log end: what it learned must be durable
        # before that. (Otherwise the next flush syncs it before the log data, as for any new
        # epoch.)
        cache.sync()
        cache.unsynced = False
    log.epoch_cache.truncate_from_start(log._log_start_offset)
    log.producer_snapshots.delete_newer_than(log._log_end_offset)
    log._dirty = (
        log._recovery_point < log._log_end_offset
        or log._sync_directory
        or log.epoch_cache.unsynced
        or bool(log._pending_index_persist)
    )
