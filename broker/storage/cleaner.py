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
   recompressed); one that lost all is dropped. Transactions (README "Transactions"): the
   cleanable range also stops at the log's first unstable offset; batches of aborted
   transactions are removed and give no key to the offset map; a marker is kept until no batch
   of its transaction is left and it is as old as a tombstone must be to go; the cleaned
   segment's ``.txnindex`` keeps the entries whose markers it keeps.
4. Each group is swapped in crash-safely: written as ``.cleaned`` files and fsynced, renamed to
   ``.swap`` (the log swap's name, ``<base>.log.<upper>.swap``, is the commit point), the old
   segments deleted, the swaps renamed into place. ``recover_directory`` finishes or discards
   a swap interrupted by a crash.

   A group of which nothing survives is not swapped in as an empty segment: its segments are
   deleted (offsets in the gap read as the next batch), except when the group starts at the
   log's first segment, which stays, empty, so that the log start offset does not move.

Damage (README "Unreadable data"): a batch whose header is sound (CRC-32C, magic, offsets) but
whose records cannot be read (decompression or record decoding fails) is kept byte for byte and
contributes no key to the offset map; a segment whose framing is unsound (a CRC mismatch, an
impossible length, offsets out of order) is not rewritten at all and contributes no key. Each
finding is logged once (``UnreadableBatches`` remembers it across restarts) and counted; the
rest of the log is compacted as usual.

The cleaner is synchronous; the broker runs it in a thread. It reads closed segments without
the log's lock and takes the lock only to swap, checking that the segments it cleaned are still
there (a concurrent truncation or retention makes it discard the group).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
    TXN_INDEX_SUFFIX,
    offset_file_name,
)
from broker.storage.recovery import log_swap_name
from broker.storage.scan import iter_file_batches
from broker.storage.segment import BatchMeta, LogSegment
from broker.storage.txn_index import AbortedTxn, encode_entries
from broker.storage.unreadable import UnreadableBatches
from protocol.errors import CorruptMessageError
from protocol.records import ControlRecordType, Record, RecordBatch, rebuild_batch

__all__ = ["DEFAULT_MAX_OFFSET_MAP_ENTRIES", "CleanResult", "Cleaner"]

log = logging.getLogger("samsa.storage.cleaner")

#: Bound on the keys one pass remembers (Kafka's dedupe buffer plays this role). A Python dict
#: entry with a short bytes key costs ~150 bytes, so the default holds ~75 MiB at most.
DEFAULT_MAX_OFFSET_MAP_ENTRIES = 500_000

_INT32_MAX = 0x7FFFFFFF


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
    #: Unreadable batches the pass kept as they were (found now or before).
    unreadable_batches: int = 0
    #: Damaged segments the pass left as they were (found now or before).
    damaged_segments: int = 0
    #: Segments deleted because nothing in them survived.
    segments_deleted: int = 0
    groups: list[tuple[int, int]] = field(default_factory=list)


class _DamagedSegment(Exception):
    """A segment's framing is unsound at ``position``: the pass leaves the segment alone."""

    def __init__(self, segment: LogSegment, position: int, reason: str) -> None:
        super().__init__(reason)
        self.segment = segment
        self.position = position
        self.reason = reason


def _iter_segment(seg: LogSegment) -> Iterator[tuple[int, RecordBatch]]:
    with seg.file.leased() as fd:
        yield from iter_file_batches(fd, 0, seg.size)


def _read_segment(seg: LogSegment, upper: int) -> Iterator[tuple[int, RecordBatch]]:
    """Every batch of the closed segment ``[seg.base_offset, upper)``, each with a sound header
    (CRC-32C, magic, codec id, offsets increasing inside the segment's range). Raises
    ``_DamagedSegment`` at the first batch that is not, or if the batches do not end exactly at
    the end of the file (a cut-off or impossible batch length)."""
    size = seg.size
    next_min = seg.base_offset
    end = 0
    for position, batch in _iter_segment(seg):
        try:
            batch.validate(check_offset_delta=False)
        except CorruptMessageError as exc:
            raise _DamagedSegment(seg, position, str(exc)) from None
        last = batch.base_offset + batch.last_offset_delta
        if batch.base_offset < next_min or last >= upper:
            raise _DamagedSegment(
                seg,
                position,
                f"batch offsets {batch.base_offset}-{last} are not inside [{next_min}, {upper})",
            )
        next_min = last + 1
        end = position + batch.size_in_bytes
        yield position, batch
    if end != size:
        raise _DamagedSegment(
            seg, end, f"no whole batch at position {end} of {size} (a cut-off or bad length)"
        )


def _decode(batch: RecordBatch) -> list[Record]:
    """The batch's records; CorruptMessageError if they cannot be read or lie outside the
    batch's offsets."""
    records = list(batch.records())
    first, last = batch.base_offset, batch.base_offset + batch.last_offset_delta
    for record in records:
        if not first <= record.offset <= last:
            raise CorruptMessageError(
                f"record offset {record.offset} outside the batch's offsets {first}-{last}"
            )
    return records


class Cleaner:
    """Compacts logs; see the module doc."""

    def __init__(self, *, max_offset_map_entries: int = DEFAULT_MAX_OFFSET_MAP_ENTRIES) -> None:
        self.max_offset_map_entries = max_offset_map_entries
        # What was found unreadable in each log (loaded on the log's first pass). Passes run
        # in a worker thread, the counters are read on the event loop: the lock covers both.
        self._findings: weakref.WeakKeyDictionary[PartitionLog, UnreadableBatches] = (
            weakref.WeakKeyDictionary()
        )
        self._findings_lock = threading.Lock()

    # -- damage counters -----------------------------------------------------------------------

    @property
    def unreadable_batches(self) -> int:
        """Unreadable batches kept as they are, in the open logs the cleaner has passed over
        (each counted once, whenever it was found)."""
        with self._findings_lock:
            return sum(len(f.batches) for f in self._findings.values())

    @property
    def damaged_segments(self) -> int:
        """Segments left as they are because their framing is unsound (as above)."""
        with self._findings_lock:
            return sum(len(f.segments) for f in self._findings.values())

    def _findings_of(self, log_: PartitionLog) -> UnreadableBatches:
        with self._findings_lock:
            found = self._findings.get(log_)
        if found is None:
            found = UnreadableBatches.load(log_.directory)
            with self._findings_lock:
                found = self._findings.setdefault(log_, found)
        return found

    @staticmethod
    def _report_batch(
        log_: PartitionLog, findings: UnreadableBatches, batch: RecordBatch, reason: str
    ) -> None:
        if findings.add_batch(batch.base_offset, batch.crc):
            log.warning(
                "%s: the batch at offset %d (offsets %d-%d, %d bytes) cannot be read (%s); "
                "compaction keeps it as it is and leaves its keys out",
                log_.tp,
                batch.base_offset,
                batch.base_offset,
                batch.base_offset + batch.last_offset_delta,
                batch.size_in_bytes,
                reason,
            )

    @staticmethod
    def _report_segment(
        log_: PartitionLog, findings: UnreadableBatches, damage: _DamagedSegment
    ) -> None:
        seg = damage.segment
        if findings.add_segment(seg.base_offset, seg.size):
            log.warning(
                "%s: segment %s is damaged at position %d (%s); compaction leaves the whole "
                "segment as it is and leaves its keys out",
                log_.tp,
                seg.file.path.name,
                damage.position,
                damage.reason,
            )

    # -- what to clean -------------------------------------------------------------------------

    @staticmethod
    def cleanable_segments(log: PartitionLog) -> list[tuple[LogSegment, int]]:
        """Closed segments below the active segment, the high watermark and the first
        unstable offset (an open transaction's data is never cleaned: whether it commits or
        aborts is not known yet), each with its upper bound (the next segment's base
        offset)."""
        segments = list(log.segments)
        limit = min(segments[-1].base_offset, log.high_watermark)
        unstable = log.first_unstable_offset
        if unstable is not None:
            limit = min(limit, unstable)
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
        findings = self._findings_of(log)
        damaged = {
            s.base_offset for s, _ in cleanable if findings.is_damaged(s.base_offset, s.size)
        }
        aborted = _AbortedRanges(
            log.collect_aborted_txns(cleanable[0][0].base_offset, cleanable[-1][1])
        )
        offset_map, end_offset = self._build_offset_map(log, dirty, findings, damaged, aborted)
        to_clean = [(s, u) for s, u in cleanable if s.base_offset < end_offset]
        result = CleanResult(first_dirty, end_offset)
        horizon_ms = now_ms - log.config.delete_retention_ms
        txns = _TxnPass(aborted)
        for run in _runs(to_clean, damaged):
            if run[0][0] is not to_clean[0][0]:
                # A damaged segment was skipped: its transactions' batches were not seen.
                txns.reliable = False
            for group in self._group(log, run):
                aborted_before = result.groups_aborted
                try:
                    self._clean_group(
                        log, group, offset_map, first_dirty, horizon_ms, findings, result, txns
                    )
                except _DamagedSegment as damage:
                    # Damage found while rewriting (it appeared after the segment was read
                    # for the offset map): this group waits; the next pass leaves the segment.
                    self._report_segment(log, findings, damage)
                    result.groups_aborted += 1
                if result.groups_aborted != aborted_before:
                    txns.reliable = False
        result.damaged_segments = sum(
            1 for s, _ in to_clean if findings.is_damaged(s.base_offset, s.size)
        )
        findings.prune(
            log_start_offset=log.log_start_offset,
            log_end_offset=log.log_end_offset,
            bases={s.base_offset for s in log.segments},
        )
        if not result.groups_aborted:
            log.cleaner_checkpoint = max(log.cleaner_checkpoint, end_offset)
        return result

    def _build_offset_map(
        self,
        log_: PartitionLog,
        dirty: list[tuple[LogSegment, int]],
        findings: UnreadableBatches,
        damaged: set[int],
        aborted: _AbortedRanges,
    ) -> tuple[dict[bytes, int], int]:
        offset_map: dict[bytes, int] = {}
        end_offset = dirty[0][1]
        for n, (seg, upper) in enumerate(dirty):
            segment_map: dict[bytes, int] = {}
            if seg.base_offset not in damaged:
                try:
                    self._map_segment(log_, seg, upper, findings, segment_map, aborted)
                except _DamagedSegment as damage:
                    self._report_segment(log_, findings, damage)
                    damaged.add(seg.base_offset)
                    segment_map.clear()
            if n > 0 and len(offset_map) + len(segment_map) > self.max_offset_map_entries:
                break
            offset_map.update(segment_map)
            end_offset = upper
        return offset_map, end_offset

    def _map_segment(
        self,
        log_: PartitionLog,
        seg: LogSegment,
        upper: int,
        findings: UnreadableBatches,
        segment_map: dict[bytes, int],
        aborted: _AbortedRanges,
    ) -> None:
        for _pos, batch in _read_segment(seg, upper):
            if batch.is_control:
                continue
            if batch.is_transactional and aborted.find(batch.producer_id, batch.base_offset):
                continue  # aborted data: removed, so its keys supersede nothing
            try:
                records = _decode(batch)
            except CorruptMessageError as exc:
                self._report_batch(log_, findings, batch, str(exc))
                continue
            for record in records:
                if record.key is not None:
                    segment_map[record.key] = record.offset

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
        findings: UnreadableBatches,
        result: CleanResult,
        txns: _TxnPass,
    ) -> None:
        directory = log.directory
        base = group[0][0].base_offset
        upper = group[-1][1]
        cleaned_log = directory / offset_file_name(base, LOG_SUFFIX + CLEANED_SUFFIX)
        metas: list[BatchMeta] = []
        before = sum(seg.size for seg, _ in group)
        unreadable = 0
        kept_markers: set[int] = set()
        try:
            fd = os.open(cleaned_log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LogStorageError(f"cannot create {cleaned_log}: {exc}") from exc
        try:
            position = 0
            for seg, seg_upper in group:
                for _pos, batch in _read_segment(seg, seg_upper):
                    out = self._filter_batch(
                        batch, offset_map, first_dirty, horizon_ms, result, txns
                    )
                    if isinstance(out, _Unreadable):
                        self._report_batch(log, findings, batch, out.reason)
                        unreadable += 1
                        out = batch.buffer  # kept byte for byte
                    if out is None:
                        continue
                    if batch.is_control:
                        kept_markers.add(batch.base_offset)
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
            os.close(fd)
            _discard(cleaned_log)
            raise LogStorageError(f"cannot write {cleaned_log}: {exc}") from exc
        except BaseException:
            os.close(fd)
            _discard(cleaned_log)
            raise
        os.close(fd)
        old = [seg for seg, _ in group]
        if not metas and log.segments[0] is not old[0]:
            _discard(cleaned_log)
            self._delete_group(log, old, result)
            return
        new = LogSegment.open_closed(
            directory,
            base,
            pool=log.pool,
            budget=log.budget,
            limits=group[0][0].limits,
            stats=log.stats,
        )
        new.build_indexes(metas)
        # The aborted transactions whose markers the cleaned segment keeps.
        kept_txns = [
            t for seg in old for t in seg.txn_index.entries if t.last_offset in kept_markers
        ]
        index_cleaned = directory / offset_file_name(base, INDEX_SUFFIX + CLEANED_SUFFIX)
        time_cleaned = directory / offset_file_name(base, TIME_INDEX_SUFFIX + CLEANED_SUFFIX)
        # Written even when empty: its swap tells recovery whether the txnindex at ``base``
        # is the old one (delete it) or the new one already renamed into place (keep it).
        txn_cleaned = directory / offset_file_name(base, TXN_INDEX_SUFFIX + CLEANED_SUFFIX)
        cleaned = [cleaned_log, index_cleaned, time_cleaned, txn_cleaned]
        try:
            write_index_file(index_cleaned, new.offset_index.to_bytes(), sync=True)
            write_index_file(time_cleaned, new.time_index.to_bytes(), sync=True)
            write_index_file(txn_cleaned, encode_entries(kept_txns), sync=True)
        except LogStorageError:
            for path in cleaned:
                _discard(path)
            raise
        with log.lock:
            if not _still_present(log, old):
                for path in cleaned:
                    remove_if_exists(path)
                result.groups_aborted += 1
                return
            _commit_swap(
                directory,
                base,
                upper,
                old,
                (cleaned_log, index_cleaned, time_cleaned, txn_cleaned),
                txn_empty=not kept_txns,
            )
            new.txn_index.replace(kept_txns)
            new.indexes_on_disk = True
            new.offset_index.unpin()
            new.time_index.unpin()
            log.replace_segments(old, new)
        result.segments_before += len(group)
        result.segments_after += 1
        result.bytes_before += before
        result.bytes_after += position
        result.unreadable_batches += unreadable
        result.groups.append((base, group[-1][1]))

    @staticmethod
    def _delete_group(log: PartitionLog, old: list[LogSegment], result: CleanResult) -> None:
        """Nothing in ``old`` survived: delete the segments instead of swapping in an empty
        one. A crash in the middle leaves some of them, still valid (cleaned again later).
        The log's first segment is never deleted here: it anchors the log start offset."""
        size = sum(seg.size for seg in old)
        with log.lock:
            if log.segments[0] is old[0] or not log.remove_segments(old):
                result.groups_aborted += 1
                return
            try:
                for seg in old:
                    seg.delete_files()
            finally:
                fsync_dir(log.directory)
        result.segments_before += len(old)
        result.segments_deleted += len(old)
        result.bytes_before += size

    @staticmethod
    def _filter_batch(
        batch: RecordBatch,
        offset_map: dict[bytes, int],
        first_dirty: int,
        horizon_ms: int,
        result: CleanResult,
        txns: _TxnPass,
    ) -> bytes | memoryview | _Unreadable | None:
        if batch.is_control:
            old_enough = (
                batch.base_offset + batch.last_offset_delta < first_dirty
                and batch.max_timestamp < horizon_ms
            )
            return None if txns.on_marker(batch) and old_enough else batch.buffer
        if txns.on_data(batch):
            result.records_removed += batch.records_count
            return None  # a batch of an aborted transaction: removed whole, unread
        try:
            records = _decode(batch)
        except CorruptMessageError as exc:
            return _Unreadable(str(exc))
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


class _AbortedRanges:
    """The aborted transactions of a log range, looked up by producer id and offset."""

    def __init__(self, txns: list[AbortedTxn]) -> None:
        # Per producer, in marker order: one producer's transactions do not overlap, so both
        # their first and last offsets increase.
        self._by_producer: dict[int, list[AbortedTxn]] = {}
        self._last_offsets: dict[int, list[int]] = {}
        for txn in txns:
            self._by_producer.setdefault(txn.producer_id, []).append(txn)
            self._last_offsets.setdefault(txn.producer_id, []).append(txn.last_offset)

    def find(self, producer_id: int, offset: int) -> AbortedTxn | None:
        """The aborted transaction of ``producer_id`` whose data range holds ``offset``
        (``first_offset <= offset < last_offset``), or None."""
        lasts = self._last_offsets.get(producer_id)
        if lasts is None:
            return None
        i = bisect.bisect_right(lasts, offset)
        if i == len(lasts):
            return None
        txn = self._by_producer[producer_id][i]
        return txn if txn.first_offset <= offset else None


class _TxnPass:
    """Transaction bookkeeping of one pass, batch by batch in offset order (Kafka's
    ``CleanedTransactionMetadata``, kept for the whole pass rather than per group).

    A data batch of an aborted transaction is removed. A marker may go (once it is old
    enough, as tombstones) only when no batch of its transaction was met since the
    producer's previous marker: a COMMIT marker while the transaction's data is still there
    says it is committed, an ABORT marker (with its index entry) while aborted batches are
    still there lets read_committed consumers skip them. ``reliable`` turns False when part of
    the log was not read (a damaged segment, a discarded group): then no marker goes.
    """

    def __init__(self, aborted: _AbortedRanges) -> None:
        self.aborted = aborted
        self.reliable = True
        # Producers with a transactional batch met since their last marker.
        self._data_seen: set[int] = set()

    def on_data(self, batch: RecordBatch) -> bool:
        """Note a data batch; True if it belongs to an aborted transaction (remove it)."""
        if not batch.is_transactional:
            return False
        self._data_seen.add(batch.producer_id)
        return self.aborted.find(batch.producer_id, batch.base_offset) is not None

    def on_marker(self, batch: RecordBatch) -> bool:
        """Note a control batch; True if nothing of its transaction is left before it (it may
        then be removed once old enough)."""
        producer_id = batch.producer_id
        seen = producer_id in self._data_seen
        self._data_seen.discard(producer_id)
        try:
            control = batch.control_record()
        except CorruptMessageError:
            return False
        if control.type not in (ControlRecordType.ABORT, ControlRecordType.COMMIT):
            return False
        return self.reliable and not seen


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """``_filter_batch``'s answer for a batch whose records cannot be read."""

    reason: str


def _runs(
    segments: list[tuple[LogSegment, int]], damaged: set[int]
) -> Iterator[list[tuple[LogSegment, int]]]:
    """The runs of consecutive segments between damaged ones (which are left out)."""
    run: list[tuple[LogSegment, int]] = []
    for seg, upper in segments:
        if seg.base_offset in damaged:
            if run:
                yield run
            run = []
        else:
            run.append((seg, upper))
    if run:
        yield run


def _discard(path: Path) -> None:
    try:
        remove_if_exists(path)
    except LogStorageError as exc:
        log.warning("cannot delete %s: %s (deleted when the log next opens)", path, exc)


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
    cleaned: tuple[Path, Path, Path, Path],
    *,
    txn_empty: bool,
) -> None:
    cleaned_log, index_cleaned, time_cleaned, txn_cleaned = cleaned
    index_swap = directory / offset_file_name(base, INDEX_SUFFIX + SWAP_SUFFIX)
    time_swap = directory / offset_file_name(base, TIME_INDEX_SUFFIX + SWAP_SUFFIX)
    txn_swap = directory / offset_file_name(base, TXN_INDEX_SUFFIX + SWAP_SUFFIX)
    log_swap = directory / log_swap_name(base, upper)
    try:
        os.replace(index_cleaned, index_swap)
        os.replace(time_cleaned, time_swap)
        os.replace(txn_cleaned, txn_swap)
        os.replace(cleaned_log, log_swap)  # the commit point
        fsync_dir(directory)
        for seg in old:
            seg.delete_files()
        txn_index = directory / offset_file_name(base, TXN_INDEX_SUFFIX)
        os.replace(txn_swap, txn_index)
        if txn_empty:
            os.unlink(txn_index)  # a segment without aborted transactions has no file
        os.replace(index_swap, directory / offset_file_name(base, INDEX_SUFFIX))
        os.replace(time_swap, directory / offset_file_name(base, TIME_INDEX_SUFFIX))
        os.replace(log_swap, directory / offset_file_name(base, LOG_SUFFIX))
    except OSError as exc:
        raise LogStorageError(f"compaction swap in {directory} failed: {exc}") from exc
    fsync_dir(directory)
