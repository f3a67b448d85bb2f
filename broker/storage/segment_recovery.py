"""Validation of a ``LogSegment`` in recovery: every batch is checked (CRC-32C, lengths,
increasing offsets), both indexes are rebuilt, the file is cut at the first invalid byte and
the aborted-transaction index loses the entries whose marker is gone.

With ``sync=False`` (a log's recovery that leaves its recovery point where it was) nothing is
fsynced and a closed segment's rebuilt indexes stay in memory: the caller queues them for the
log's next flush, which writes and fsyncs them with the data before the recovery point moves
past them. Until then a crash recovers the segment again."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from broker.storage.errors import LogStorageError
from broker.storage.scan import pread_exact
from broker.storage.segment_meta import NO_TIMESTAMP, BatchMeta, RecoveryStats
from protocol.errors import CorruptMessageError
from protocol.records import (
    LOG_OVERHEAD,
    MAX_BATCH_SIZE,
    RecordBatch,
    iter_batches,
    read_batch_length,
)

if TYPE_CHECKING:
    from broker.storage.segment import LogSegment

__all__ = ["RECOVERY_READ_BYTES", "recover"]

#: Bytes read at once while validating a segment in recovery (batches larger than this are
#: read on their own, bounded by the file size and the protocol's batch size cap).
RECOVERY_READ_BYTES = 4 * 1024 * 1024

_INT32_MAX = 0x7FFFFFFF


def recover(
    seg: LogSegment,
    stats: RecoveryStats,
    *,
    min_offset: int | None = None,
    on_epoch: Callable[[int, int], None] | None = None,
    sync: bool = True,
) -> int:
    """Validate every batch (CRC-32C, lengths, increasing offsets), rebuild both indexes and
    cut the file at the first invalid byte. Returns the number of bytes cut. ``on_epoch`` gets
    each valid batch's ``(partition leader epoch, base offset)``, in log order. ``sync``: fsync
    the cut and write (and fsync) a closed segment's indexes now (see the module doc)."""
    stats.segments_recovered += 1
    seg.offset_index.reset()
    seg.time_index.reset()
    seg.offset_index.pin()
    seg.time_index.pin()
    seg._last_time_entry_ts = None
    seg.full = False
    seg._size = None
    size = seg.size
    seg._size = 0
    seg._next_offset = seg.base_offset
    seg._max_timestamp = NO_TIMESTAMP
    seg._offset_of_max_timestamp = seg.base_offset
    seg._bytes_since_index = 0
    expected = seg.base_offset if min_offset is None else max(min_offset, seg.base_offset)
    pos = 0
    with seg.file.leased() as fd:
        while pos < size:
            chunk = pread_exact(fd, min(RECOVERY_READ_BYTES, size - pos), pos)
            metas: list[BatchMeta] = []
            consumed = 0
            bad = False
            try:
                for batch in iter_batches(chunk, allow_partial=True):
                    batch.validate(check_offset_delta=False)
                    last = batch.base_offset + batch.last_offset_delta
                    if (
                        batch.base_offset < expected
                        or batch.last_offset_delta < 0
                        or last - seg.base_offset > _INT32_MAX
                    ):
                        bad = True
                        break
                    stats.batches_validated += 1
                    if on_epoch is not None:
                        on_epoch(batch.partition_leader_epoch, batch.base_offset)
                    size_b = batch.size_in_bytes
                    metas.append(BatchMeta(batch.base_offset, last, batch.max_timestamp, size_b))
                    consumed += size_b
                    expected = last + 1
            except CorruptMessageError:
                bad = True
            if metas:
                seg._index_appended(pos, metas)
            pos += consumed
            if bad:
                break
            if consumed == 0:
                # The next batch did not fit the chunk: read it alone if the file holds it.
                head = pread_exact(fd, LOG_OVERHEAD, pos)
                if len(head) < LOG_OVERHEAD:
                    break
                length = read_batch_length(head)
                whole = LOG_OVERHEAD + length
                if length <= 0 or whole > size - pos or whole > MAX_BATCH_SIZE:
                    break
                big = pread_exact(fd, whole, pos)
                try:
                    batch = RecordBatch(big)
                    batch.validate(check_offset_delta=False)
                except CorruptMessageError:
                    break
                last = batch.base_offset + batch.last_offset_delta
                if (
                    batch.base_offset < expected
                    or batch.last_offset_delta < 0
                    or last - seg.base_offset > _INT32_MAX
                ):
                    break
                stats.batches_validated += 1
                if on_epoch is not None:
                    on_epoch(batch.partition_leader_epoch, batch.base_offset)
                seg._index_appended(
                    pos, [BatchMeta(batch.base_offset, last, batch.max_timestamp, whole)]
                )
                pos += whole
                expected = last + 1
        cut = size - pos
        if cut:
            try:
                os.ftruncate(fd, pos)
                if sync:
                    os.fsync(fd)
            except OSError as exc:
                raise LogStorageError(f"cannot truncate {seg.file.path}: {exc}") from exc
    seg._size = pos
    stats.bytes_truncated += cut
    # Aborted transactions whose marker did not survive are dropped with it (a torn entry was
    # cut off when the index loaded); missing entries are added again by the marker replay.
    seg.txn_index.truncate_to(seg._next_offset)
    seg.indexes_on_disk = False
    seg.indexes_checked = True
    if not seg.active:
        seg.deactivate()
        if sync:
            seg.persist_indexes(sync=True)
    return cut
