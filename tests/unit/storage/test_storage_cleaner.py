"""Compaction: newest record per key, tombstones, offsets kept, codecs, crash-safe swap."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from unit.storage.storage_test_helpers import build_batch, read_all

from broker.storage import Cleaner, LogConfig, PartitionLog
from broker.storage.names import offset_file_name
from broker.storage.recovery import log_swap_name
from protocol.records import Compression, iter_batches

OpenLog = Callable[..., PartitionLog]

COMPACT: dict[str, object] = {
    "cleanup_policy": "compact",
    "segment_bytes": 400,
    "delete_retention_ms": 1_000,
}


def compact_config(**overrides: object) -> LogConfig:
    return LogConfig.model_validate({**COMPACT, **overrides})


def records_of(log: PartitionLog) -> list[tuple[int, bytes | None, bytes | None]]:
    out: list[tuple[int, bytes | None, bytes | None]] = []
    for batch in iter_batches(read_all(log)):
        batch.validate(check_offset_delta=False)
        out.extend((r.offset, r.key, r.value) for r in batch.records())
    return out


def write_keys(
    log: PartitionLog, pairs: Sequence[tuple[bytes, bytes | None]], **kw: object
) -> None:
    for key, value in pairs:
        log.append_as_leader(
            build_batch([value], keys=[key], **kw),  # type: ignore[arg-type]
            leader_epoch=0,
            now_ms=0,
        )


def test_keeps_newest_per_key_and_offsets(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    pairs = [(b"k%d" % (i % 4), b"v%02d" % i) for i in range(40)]
    write_keys(log, pairs)
    log.high_watermark = log.log_end_offset
    active_base = log.active_segment.base_offset
    cleaner = Cleaner()
    assert cleaner.needs_cleaning(log)
    result = cleaner.clean(log, now_ms=0)
    assert result is not None and result.records_removed > 0
    got = records_of(log)
    # Everything in the cleaned range is the newest value for its key, at its original offset.
    newest = {k: i for i, (k, _) in enumerate(pairs)}
    for offset, key, value in got:
        assert value == pairs[offset][1] and key == pairs[offset][0]
        if offset < active_base:
            assert newest[key] == offset or any(
                o >= active_base for o in [newest[key]]
            ), "a superseded record survived"
    assert [o for o, _, _ in got if o >= active_base] == list(range(active_base, 40))
    assert log.active_segment.base_offset == active_base
    assert log.cleaner_checkpoint == active_base
    assert not cleaner.needs_cleaning(log)
    # Reads by offset still work, including offsets that fell into gaps.
    for offset in range(40):
        with log.read(offset, 10) as s:
            first = next(iter_batches(s.read_bytes()))
            assert first.last_offset >= offset
    # Reopen (clean and unclean) sees the same log.
    log.close()
    assert records_of(open_log(compact_config())) == got


def test_tombstones_kept_for_delete_retention(open_log: OpenLog) -> None:
    log = open_log(compact_config())
    write_keys(log, [(b"a", b"1"), (b"b", b"2"), (b"a", None)] * 2, timestamp_ms=0)
    write_keys(log, [(b"c", b"x" * 50)] * 12, timestamp_ms=5_000)
    log.high_watermark = log.log_end_offset
    cleaner = Cleaner()
    cleaner.clean(log, now_ms=0, force=True)
    keys = [(k, v) for _, k, v in records_of(log)]
    assert (b"a", None) in keys and (b"b", b"2") in keys
    assert keys.count((b"a", None)) == 1
    # More dirty data arrives, then after delete.retention.ms the tombstone goes.
    write_keys(log, [(b"c", b"y" * 50)] * 12, timestamp_ms=6_000)
    log.high_watermark = log.log_end_offset
    cleaner.clean(log, now_ms=2_000, force=True)
    keys = [(k, v) for _, k, v in records_of(log)]
    assert (b"a", None) not in keys and (b"b", b"2") in keys


def test_dirty_ratio_threshold(open_log: OpenLog) -> None:
    log = open_log(compact_config(min_cleanable_dirty_ratio=0.9))
    write_keys(log, [(b"k", b"v" * 30)] * 30)
    log.high_watermark = log.log_end_offset
    cleaner = Cleaner()
    assert cleaner.dirty_ratio(log) == 1.0
    cleaner.clean(log, now_ms=0)
    write_keys(log, [(b"k", b"v" * 30)] * 10)
    log.high_watermark = log.log_end_offset
    assert 0 < cleaner.dirty_ratio(log) < 0.9
    assert cleaner.clean(log, now_ms=0) is None
    delete_only = open_log(LogConfig())
    assert not cleaner.needs_cleaning(delete_only)


@pytest.mark.parametrize(
    "codec", [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4,
              Compression.ZSTD]
)
def test_partial_batches_are_rebuilt_with_codec_and_producer_fields(
    open_log: OpenLog, codec: Compression
) -> None:
    log = open_log(compact_config(segment_bytes=300))
    for n in range(6):
        data = build_batch(
            [b"val-%d-%d" % (n, i) for i in range(4)],
            keys=[b"same", b"k%d" % n, b"same", b"u%d" % n],
            compression=codec,
            producer_id=77,
            producer_epoch=3,
            base_sequence=4 * n,
        )
        log.append_as_leader(data, leader_epoch=5, now_ms=0)
    log.high_watermark = log.log_end_offset
    Cleaner().clean(log, now_ms=0, force=True)
    batches = list(iter_batches(read_all(log)))
    cleaned = [b for b in batches if b.base_offset < log.active_segment.base_offset]
    assert cleaned
    for b in cleaned:
        b.validate(check_offset_delta=False)
        assert b.compression == codec
        assert (b.producer_id, b.producer_epoch, b.partition_leader_epoch) == (77, 3, 5)
        assert b.base_sequence == b.base_offset  # 4 records per batch, sequences = offsets
        assert b.last_offset_delta == 3
        offsets = [r.offset for r in b.records()]
        assert b.records_count == len(offsets) < 4
    same = [r.offset for b in cleaned for r in b.records() if r.key == b"same"]
    assert len(same) <= 1  # only the newest "same" of the cleaned range survives


def test_swap_leftovers_are_recovered(open_log: OpenLog, tmp_path: Path) -> None:
    log = open_log(compact_config())
    write_keys(log, [(b"k%d" % (i % 3), b"v%02d" % i) for i in range(30)])
    log.high_watermark = log.log_end_offset
    before = records_of(log)
    bases = [s.base_offset for s in log.segments]
    directory = log.directory
    log.close()
    # A compaction crashed after its commit point: segments [bases[0], bases[2]) were replaced
    # by one swap file holding the first two segments' bytes, and the old files are still here.
    joined = b"".join((directory / offset_file_name(b, ".log")).read_bytes() for b in bases[:2])
    (directory / log_swap_name(bases[0], bases[2])).write_bytes(joined)
    (directory / offset_file_name(bases[0], ".index.swap")).write_bytes(b"")
    # ... and another one crashed before committing.
    (directory / offset_file_name(bases[2], ".log.cleaned")).write_bytes(b"junk")
    (directory / offset_file_name(bases[2], ".index.swap")).write_bytes(b"junk")
    again = open_log(compact_config())
    assert [s.base_offset for s in again.segments] == [bases[0], *bases[2:]]
    assert records_of(again) == before
    names = os.listdir(directory)
    assert not [n for n in names if n.endswith((".swap", ".cleaned"))]
