"""Log compaction (``cleanup.policy=compact`` or ``compact,delete``): keep the newest record
per key. The only part of storage that decodes records.

A pass over one log:

1. The *cleanable* range is the closed segments below ``min(active segment base, high
   watermark)``; the active segment is never touched. Its *dirty* part starts at the log's
   cleaner checkpoint (offsets below it were cleaned before). A pass runs when
   ``dirty bytes / cleanable bytes >= min.cleanable.dirty.ratio``.
2. An offset map (key -> newest offset) is built from the dirty part, bounded by
   ``max_offset_map_entries`` (the pass then covers fewer dirty segments).
3. Every cleanable segment up to the end of the mapped part is rewritten, grouped so that a
   group fits ``segment.bytes``: a record survives if it has a key and no newer offset for that
   key exists. Tombstones (null values) survive until they have been through one pass and their
   batch is older than ``delete.retention.ms``. Offsets are kept (gaps appear); a batch whose
   records all survive is copied as is; one that lost records is re-encoded with the same base
   offset, last offset delta, timestamps, producer id/epoch/base sequence and codec (so it is
   recompressed); one that lost all is dropped. Control batches are kept.
4. Each group is swapped in crash-safely: written as ``.cleaned`` files and fsynced, renamed to
   ``.swap`` (the log swap's name, ``<base>.log.<upper>.swap``, is the commit point), the old
   segments deleted, the swaps renamed into place. ``recover_directory`` finishes or discards
   a swap interrupted by a crash.

The cleaner is synchronous; the broker runs it in a thread. It reads closed segments without
the log's lock and takes the lock only to swap, checking that the segments it cleaned are still
there (a concurrent truncation or retention makes it discard the group).
"""

from __future__ import annotations

import itertools
import os
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import crc32c

from broker.storage.errors import LogStorageError
from broker.storage.fsutil import fsync_dir, remove_if_exists
from broker.storage.index import write_index_file
from broker.storage.log import PartitionLog
from broker.storage.names import (
    CLEANED_SUFFIX,
    INDEX_SUFFIX,
    LOG_SUFFIX,
    SWAP_SUFFIX,
    TIME_INDEX_SUFFIX,
    offset_file_name,
)
from broker.storage.recovery import log_swap_name
from broker.storage.scan import iter_file_batches
from broker.storage.segment import BatchMeta, LogSegment
from protocol.records import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    CRC_OFFSET,
    LOG_OVERHEAD,
    MAGIC,
    Compression,
    Record,
    RecordBatch,
    compress,
    encode_varint,
)

__all__ = ["DEFAULT_MAX_OFFSET_MAP_ENTRIES", "CleanResult", "Cleaner"]

#: Bound on the keys one pass remembers (Kafka's dedupe buffer plays this role). A Python dict
#: entry with a short bytes key costs ~150 bytes, so the default holds ~75 MiB at most.
DEFAULT_MAX_OFFSET_MAP_ENTRIES = 500_000

_INT32_MAX = 0x7FFFFFFF
_HEADER = struct.Struct(">qiibIhiqqqhii")
_CRC = struct.Struct(">I")
_NULL = encode_varint(-1)


@dataclass
class CleanResult:
    """What a pass did."""

    first_dirty_offset: int
    end_offset: int
    segments_before: int = 0
    segments_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    records_removed: int = 0
    groups_aborted: int = 0
    groups: list[tuple[int, int]] = field(default_factory=list)


def _encode_record(offset_delta: int, timestamp_delta: int, record: Record) -> bytes:
    parts = [b"\x00", encode_varint(timestamp_delta), encode_varint(offset_delta)]
    for blob in (record.key, record.value):
        if blob is None:
            parts.append(_NULL)
        else:
            parts.append(encode_varint(len(blob)))
            parts.append(blob)
    parts.append(encode_varint(len(record.headers)))
    for name, value in record.headers:
        encoded = name.encode()
        parts.append(encode_varint(len(encoded)))
        parts.append(encoded)
        if value is None:
            parts.append(_NULL)
        else:
            parts.append(encode_varint(len(value)))
            parts.append(value)
    body = b"".join(parts)
    return encode_varint(len(body)) + body


def rebuild_batch(batch: RecordBatch, records: Sequence[Record]) -> bytes:
    """A batch like ``batch`` (same base offset, last offset delta, timestamps, producer
    fields, attributes, codec) holding only ``records`` (a non-empty subset of its records),
    which keep their offsets and timestamps."""
    base_ts = batch.base_timestamp
    encoded = b"".join(
        _encode_record(r.offset - batch.base_offset, r.timestamp - base_ts, r) for r in records
    )
    codec = batch.compression
    payload = encoded if codec == Compression.NONE else compress(codec, encoded)
    out = bytearray(BATCH_HEADER_SIZE)
    _HEADER.pack_into(
        out,
        0,
        batch.base_offset,
        BATCH_HEADER_SIZE - LOG_OVERHEAD + len(payload),
        batch.partition_leader_epoch,
        MAGIC,
        0,
        batch.attributes,
        batch.last_offset_delta,
        base_ts,
        batch.max_timestamp,
        batch.producer_id,
        batch.producer_epoch,
        batch.base_sequence,
        len(records),
    )
    out += payload
    _CRC.pack_into(out, CRC_OFFSET, crc32c.crc32c(memoryview(out)[ATTRIBUTES_OFFSET:]))
    return bytes(out)


def _iter_segment(seg: LogSegment) -> Iterator[tuple[int, RecordBatch]]:
    with seg.file.leased() as fd:
        yield from iter_file_batches(fd, 0, seg.size)


class Cleaner:
    """Compacts logs; see the module doc."""

    def __init__(self, *, max_offset_map_entries: int = DEFAULT_MAX_OFFSET_MAP_ENTRIES) -> None:
        self.max_offset_map_entries = max_offset_map_entries

    # -- what to clean -------------------------------------------------------------------------

    @staticmethod
    def cleanable_segments(log: PartitionLog) -> list[tuple[LogSegment, int]]:
        """Closed segments below the active segment and the high watermark, each with its
        upper bound (the next segment's base offset)."""
        segments = list(log.segments)
        limit = min(segments[-1].base_offset, log.high_watermark)
        out: list[tuple[LogSegment, int]] = []
        for seg, nxt in itertools.pairwise(segments):
            if nxt.base_offset > limit:
                break
            out.append((seg, nxt.base_offset))
        return out

    def dirty_ratio(self, log: PartitionLog) -> float:
        """Dirty bytes over cleanable bytes (0 when nothing is cleanable)."""
        first_dirty = max(log.cleaner_checkpoint, log.log_start_offset)
        clean = dirty = 0
        for seg, upper in self.cleanable_segments(log):
            if upper <= first_dirty:
                clean += seg.size
            else:
                dirty += seg.size
        total = clean + dirty
        return dirty / total if total else 0.0

    def needs_cleaning(self, log: PartitionLog) -> bool:
        """Whether the log is compacted and dirty enough."""
        if not log.config.compact:
            return False
        ratio = self.dirty_ratio(log)
        return ratio > 0 and ratio >= log.config.min_cleanable_dirty_ratio

    # -- a pass --------------------------------------------------------------------------------

    def clean(self, log: PartitionLog, *, now_ms: int, force: bool = False) -> CleanResult | None:
        """One compaction pass if the log needs it (or ``force``); None if nothing to do."""
        if not force and not self.needs_cleaning(log):
            return None
        cleanable = self.cleanable_segments(log)
        first_dirty = max(log.cleaner_checkpoint, log.log_start_offset)
        dirty = [(s, u) for s, u in cleanable if u > first_dirty]
        if not dirty:
            return None
        offset_map, end_offset = self._build_offset_map(dirty)
        to_clean = [(s, u) for s, u in cleanable if s.base_offset < end_offset]
        result = CleanResult(first_dirty, end_offset)
        horizon_ms = now_ms - log.config.delete_retention_ms
        for group in self._group(log, to_clean):
            self._clean_group(log, group, offset_map, first_dirty, horizon_ms, result)
        if not result.groups_aborted:
            log.cleaner_checkpoint = max(log.cleaner_checkpoint, end_offset)
        return result

    def _build_offset_map(
        self, dirty: list[tuple[LogSegment, int]]
    ) -> tuple[dict[bytes, int], int]:
        offset_map: dict[bytes, int] = {}
        end_offset = dirty[0][1]
        for n, (seg, upper) in enumerate(dirty):
            segment_map: dict[bytes, int] = {}
            for _pos, batch in _iter_segment(seg):
                if batch.is_control:
                    continue
                for record in batch.records():
                    if record.key is not None:
                        segment_map[record.key] = record.offset
            if n > 0 and len(offset_map) + len(segment_map) > self.max_offset_map_entries:
                break
            offset_map.update(segment_map)
            end_offset = upper
        return offset_map, end_offset

    def _group(
        self, log: PartitionLog, segments: list[tuple[LogSegment, int]]
    ) -> Iterator[list[tuple[LogSegment, int]]]:
        max_bytes = log.config.segment_bytes
        max_entries = log.config.max_index_entries
        interval = max(1, log.config.index_interval_bytes)
        group: list[tuple[LogSegment, int]] = []
        size = 0
        for seg, upper in segments:
            fits = (
                group
                and size + seg.size <= max_bytes
                and (size + seg.size) // interval < max_entries
                and upper - 1 - group[0][0].base_offset <= _INT32_MAX
            )
            if group and not fits:
                yield group
                group, size = [], 0
            group.append((seg, upper))
            size += seg.size
        if group:
            yield group

    def _clean_group(
        self,
        log: PartitionLog,
        group: list[tuple[LogSegment, int]],
        offset_map: dict[bytes, int],
        first_dirty: int,
        horizon_ms: int,
        result: CleanResult,
    ) -> None:
        directory = log.directory
        base = group[0][0].base_offset
        upper = group[-1][1]
        cleaned_log = directory / offset_file_name(base, LOG_SUFFIX + CLEANED_SUFFIX)
        metas: list[BatchMeta] = []
        before = sum(seg.size for seg, _ in group)
        try:
            fd = os.open(cleaned_log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LogStorageError(f"cannot create {cleaned_log}: {exc}") from exc
        try:
            position = 0
            for seg, _upper in group:
                for _pos, batch in _iter_segment(seg):
                    out = self._filter_batch(batch, offset_map, first_dirty, horizon_ms, result)
                    if out is None:
                        continue
                    _write_all(fd, out, cleaned_log)
                    metas.append(
                        BatchMeta(
                            batch.base_offset,
                            batch.base_offset + batch.last_offset_delta,
                            batch.max_timestamp,
                            len(out),
                        )
                    )
                    position += len(out)
            os.fsync(fd)
        except OSError as exc:
            raise LogStorageError(f"cannot write {cleaned_log}: {exc}") from exc
        finally:
            os.close(fd)
        new = LogSegment.open_closed(
            directory,
            base,
            pool=log.pool,
            budget=log.budget,
            limits=group[0][0].limits,
            stats=log.stats,
        )
        new.build_indexes(metas)
        index_cleaned = directory / offset_file_name(base, INDEX_SUFFIX + CLEANED_SUFFIX)
        time_cleaned = directory / offset_file_name(base, TIME_INDEX_SUFFIX + CLEANED_SUFFIX)
        write_index_file(index_cleaned, new.offset_index.to_bytes(), sync=True)
        write_index_file(time_cleaned, new.time_index.to_bytes(), sync=True)
        old = [seg for seg, _ in group]
        with log.lock:
            if not _still_present(log, old):
                for path in (cleaned_log, index_cleaned, time_cleaned):
                    remove_if_exists(path)
                result.groups_aborted += 1
                return
            _commit_swap(directory, base, upper, old, cleaned_log, index_cleaned, time_cleaned)
            new.indexes_on_disk = True
            new.offset_index.unpin()
            new.time_index.unpin()
            log.replace_segments(old, new)
        result.segments_before += len(group)
        result.segments_after += 1
        result.bytes_before += before
        result.bytes_after += position
        result.groups.append((base, upper))

    @staticmethod
    def _filter_batch(
        batch: RecordBatch,
        offset_map: dict[bytes, int],
        first_dirty: int,
        horizon_ms: int,
        result: CleanResult,
    ) -> bytes | memoryview | None:
        if batch.is_control:
            return batch.buffer
        records = list(batch.records())
        drop_tombstones = (
            batch.base_offset + batch.last_offset_delta < first_dirty
            and batch.max_timestamp < horizon_ms
        )
        kept = [
            r
            for r in records
            if r.key is not None
            and offset_map.get(r.key, -1) <= r.offset
            and not (r.value is None and drop_tombstones)
        ]
        result.records_removed += len(records) - len(kept)
        if len(kept) == len(records):
            return batch.buffer
        if not kept:
            return None
        return rebuild_batch(batch, kept)


def _write_all(fd: int, data: bytes | memoryview, path: Path) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _still_present(log: PartitionLog, old: list[LogSegment]) -> bool:
    segments = list(log.segments)
    for i, seg in enumerate(segments):
        if seg is old[0]:
            return segments[i : i + len(old)] == old and i + len(old) < len(segments)
    return False


def _commit_swap(
    directory: Path,
    base: int,
    upper: int,
    old: list[LogSegment],
    cleaned_log: Path,
    index_cleaned: Path,
    time_cleaned: Path,
) -> None:
    index_swap = directory / offset_file_name(base, INDEX_SUFFIX + SWAP_SUFFIX)
    time_swap = directory / offset_file_name(base, TIME_INDEX_SUFFIX + SWAP_SUFFIX)
    log_swap = directory / log_swap_name(base, upper)
    try:
        os.replace(index_cleaned, index_swap)
        os.replace(time_cleaned, time_swap)
        os.replace(cleaned_log, log_swap)  # the commit point
        fsync_dir(directory)
        for seg in old:
            seg.delete_files()
        os.replace(index_swap, directory / offset_file_name(base, INDEX_SUFFIX))
        os.replace(time_swap, directory / offset_file_name(base, TIME_INDEX_SUFFIX))
        os.replace(log_swap, directory / offset_file_name(base, LOG_SUFFIX))
    except OSError as exc:
        raise LogStorageError(f"compaction swap in {directory} failed: {exc}") from exc
    fsync_dir(directory)
