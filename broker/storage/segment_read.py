"""The read side of a ``LogSegment``: finding batches by offset, position and timestamp with
header walks from the sparse indexes. ``LogSegment`` binds these functions as its methods
(``seg.read_range(...)``), so a fetch pays no extra call for the split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.storage.index import TimestampOffset
from broker.storage.scan import SCAN_BLOCK_BYTES, iter_headers, pread_exact
from protocol.records import (
    BATCH_HEADER_SIZE,
    LOG_OVERHEAD,
    RecordBatch,
    TimestampType,
    iter_batches,
)

if TYPE_CHECKING:
    from broker.storage.segment import LogSegment

__all__ = ["find_offset_by_timestamp", "read_batches", "read_range", "translate_offset"]


def translate_offset(seg: LogSegment, offset: int) -> tuple[int, RecordBatch] | None:
    """Position and header of the first batch whose last offset is >= ``offset``: a walk from
    the sparse index's entry, or from where the last read ended when that is nearer."""
    seg.check_indexes()
    hint = seg.read_hint
    first_read = SCAN_BLOCK_BYTES
    if hint is not None and hint[0] == offset:
        # The batch there is the one (every batch before it ends below): read its header only.
        start, first_read = hint[1], BATCH_HEADER_SIZE
    else:
        start = seg.offset_index.lookup(offset).position
        if hint is not None and hint[0] < offset and hint[1] > start:
            start = hint[1]
    with seg.file.leased() as fd:
        for pos, header in iter_headers(fd, start, seg.size, first_read):
            if header.base_offset + header.last_offset_delta >= offset:
                return pos, header
    return None


def read_range(
    seg: LogSegment, offset: int, max_bytes: int, *, max_offset: int | None, min_one_batch: bool
) -> tuple[int, int, int, int] | None:
    """Where to read batches from ``offset``: ``(position, length, first batch base, next
    offset)``, the next offset being the one after the last batch read (what a consumer's
    position becomes).

    Whole batches only, up to ``max_bytes`` (the first batch even past it when
    ``min_one_batch``), excluding batches with a last offset >= ``max_offset``. None when
    no batch in this segment reaches ``offset``; length 0 when the limits exclude even
    the first batch.
    """
    size = seg.size
    found = seg.translate_offset(offset)
    if found is None:
        return None
    start, first = found
    first_base = first.base_offset
    next_offset = first_base + first.last_offset_delta + 1
    if max_offset is not None and next_offset > max_offset:
        return start, 0, first_base, offset
    first_size = LOG_OVERHEAD + first.batch_length
    if first_size > max_bytes and not min_one_batch:
        return start, 0, first_base, offset
    limit = min(size, start + max(max_bytes, first_size))
    # A segment known to end below ``max_offset`` has no batch the bound excludes (its tail
    # is not loaded for this: a closed segment's may be damaged, which only a walk reports).
    known_next = seg._next_offset
    if max_offset is not None and (known_next is None or max_offset < known_next):
        bound = seg.translate_offset(max_offset)
        if bound is not None:
            limit = min(limit, max(bound[0], start + first_size))
    end = start + first_size
    if limit > end:
        jump = seg.offset_index.lookup_position(limit).position
        pos = max(end, jump)
        with seg.file.leased() as fd:
            if pos > end:
                end = pos  # batches between end and an indexed batch start are all whole
                next_offset = _base_offset_at(seg, fd, pos)
            for bpos, header in iter_headers(fd, pos, limit):
                end = bpos + LOG_OVERHEAD + header.batch_length
                next_offset = header.base_offset + header.last_offset_delta + 1
    seg.read_hint = (next_offset, end)
    return start, end - start, first_base, next_offset


def _base_offset_at(seg: LogSegment, fd: int, position: int) -> int:
    """The base offset of the batch starting at ``position`` (an indexed batch start), or the
    segment's next offset when ``position`` is its end: the offset after every batch before
    ``position``."""
    for _, header in iter_headers(fd, position, seg.size):
        return int(header.base_offset)
    return seg.next_offset


def find_offset_by_timestamp(
    seg: LogSegment, timestamp: int, start_offset: int
) -> TimestampOffset | None:
    """The first record at or after ``start_offset`` with a timestamp >= ``timestamp``,
    as ``(its timestamp, its offset)``. Decodes the one batch where it lies."""
    seg.check_indexes()
    entry = seg.time_index.lookup(timestamp)
    from_offset = max(start_offset, entry.offset if entry is not None else seg.base_offset)
    position = seg.offset_index.lookup(from_offset).position
    with seg.file.leased() as fd:
        for pos, header in iter_headers(fd, position, seg.size):
            last = header.base_offset + header.last_offset_delta
            if last < start_offset or header.max_timestamp < timestamp:
                continue
            if header.timestamp_type == TimestampType.LOG_APPEND_TIME:
                return TimestampOffset(header.max_timestamp, max(header.base_offset, start_offset))
            data = pread_exact(fd, LOG_OVERHEAD + header.batch_length, pos)
            batch = RecordBatch(data)
            for record in batch.records():
                if record.offset >= start_offset and record.timestamp >= timestamp:
                    return TimestampOffset(record.timestamp, record.offset)
    return None


def read_batches(seg: LogSegment, start: int = 0, end: int | None = None) -> list[RecordBatch]:
    """Whole batches in ``[start, end)`` of the file, copied into memory (compaction, tests)."""
    stop = seg.size if end is None else end
    with seg.file.leased() as fd:
        data = pread_exact(fd, stop - start, start)
    return list(iter_batches(data, allow_partial=True))
