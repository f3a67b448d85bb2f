"""PartitionLog: append, read, roll, time lookup, truncation, retention, reopen, recovery."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from unit.storage.storage_test_helpers import batch_offsets, build_batch, read_all

from broker.storage import (
    AppendOffsetError,
    LogConfig,
    LogOffsetOutOfRangeError,
    PartitionLog,
    RecordBatchTooLargeError,
    RecordSetTooLargeError,
)
from broker.storage.epoch_cache import EpochEntry
from protocol.errors import CorruptMessageError
from protocol.records import RecordBatch, iter_batches

OpenLog = Callable[..., PartitionLog]


def fill(log: PartitionLog, n: int, *, records: int = 3, start_ts: int = 1_000) -> None:
    for i in range(n):
        log.append_as_leader(
            build_batch([b"v%03d" % i] * records, timestamp_ms=start_ts + 10 * i),
            leader_epoch=0,
            now_ms=0,
        )


def test_append_assigns_offsets_and_epochs(open_log: OpenLog) -> None:
    log = open_log()
    info = log.append_as_leader(build_batch([b"a", b"b"]), leader_epoch=3, now_ms=0)
    assert (info.first_offset, info.last_offset, info.records_count) == (0, 1, 2)
    info = log.append_as_leader(
        build_batch([b"c"]) + build_batch([b"d", b"e", b"f"]), leader_epoch=4, now_ms=0
    )
    assert (info.first_offset, info.last_offset, info.next_offset) == (2, 5, 6)
    assert log.log_end_offset == 6
    data = read_all(log)
    batches = list(iter_batches(data))
    assert [(b.base_offset, b.partition_leader_epoch) for b in batches] == [(0, 3), (2, 4), (3, 4)]
    for b in batches:
        b.validate()  # patching base offset and epoch keeps the CRC valid
    assert log.epoch_cache.entries == [EpochEntry(3, 0), EpochEntry(4, 2)]


def test_append_rejects_bad_input(open_log: OpenLog) -> None:
    log = open_log(LogConfig(max_message_bytes=200, segment_bytes=1000))
    with pytest.raises(RecordBatchTooLargeError):
        log.append_as_leader(build_batch([b"x" * 300]), leader_epoch=0, now_ms=0)
    with pytest.raises(CorruptMessageError):
        log.append_as_leader(build_batch([b"x"])[:-3], leader_epoch=0, now_ms=0)
    with pytest.raises(CorruptMessageError):
        log.append_as_leader(b"", leader_epoch=0, now_ms=0)
    many = b"".join(build_batch([b"x" * 100]) for _ in range(8))
    with pytest.raises(RecordSetTooLargeError):
        log.append_as_leader(many, leader_epoch=0, now_ms=0)
    bad_crc = bytearray(build_batch([b"x"]))
    bad_crc[-1] ^= 0xFF
    with pytest.raises(CorruptMessageError):
        log.append_as_leader(bad_crc, leader_epoch=0, now_ms=0, validate_crc=True)
    assert log.log_end_offset == 0


def test_follower_append_keeps_offsets_and_learns_epochs(open_log: OpenLog) -> None:
    log = open_log()
    log.append_as_follower(build_batch([b"a"], base_offset=0, partition_leader_epoch=1), now_ms=0)
    log.append_as_follower(
        build_batch([b"b", b"c"], base_offset=5, partition_leader_epoch=2), now_ms=0
    )
    assert log.log_end_offset == 7
    assert log.epoch_cache.entries == [EpochEntry(1, 0), EpochEntry(2, 5)]
    with pytest.raises(AppendOffsetError):
        log.append_as_follower(build_batch([b"d"], base_offset=6), now_ms=0)
    assert batch_offsets(read_all(log)) == [(0, 0), (5, 6)]
    # A read in the gap returns the next batch.
    with log.read(2, 1000) as s:
        assert batch_offsets(s.read_bytes()) == [(5, 6)]


def test_read_limits(open_log: OpenLog) -> None:
    log = open_log(LogConfig(index_interval_bytes=100))
    fill(log, 20)
    size = len(build_batch([b"v000"] * 3))
    with log.read(0, 1) as s:  # at least one whole batch, even past max_bytes
        assert batch_offsets(s.read_bytes()) == [(0, 2)]
    with log.read(0, 1, min_one_batch=False) as s:
        assert s.length == 0
    with log.read(4, size * 3 + 5) as s:  # from the batch holding offset 4, three whole batches
        assert batch_offsets(s.read_bytes()) == [(3, 5), (6, 8), (9, 11)]
        assert s.first_offset == 3
    with log.read(10, 10_000, max_offset=21) as s:  # batches ending below max_offset only
        assert batch_offsets(s.read_bytes()) == [(9, 11), (12, 14), (15, 17), (18, 20)]
    with log.read(10, 10_000, max_offset=20) as s:
        assert batch_offsets(s.read_bytes()) == [(9, 11), (12, 14), (15, 17)]
    with log.read(60, 100) as s:  # at the log end: empty
        assert s.length == 0 and s.read_bytes() == b""
    with pytest.raises(LogOffsetOutOfRangeError) as info:
        log.read(61, 100)
    assert info.value.code == 1
    for offset in range(60):
        with log.read(offset, size * 2) as s:
            first = next(iter_batches(s.read_bytes()))
            assert first.base_offset <= offset <= first.last_offset


@pytest.mark.parametrize("index_interval_bytes", [0, 100, 250, 4096])
def test_a_slice_knows_the_offset_after_its_last_batch(
    open_log: OpenLog, index_interval_bytes: int
) -> None:
    """``next_offset`` is the end of the last whole batch in the slice, whatever limits cut it
    (max_bytes, max_offset, an index entry exactly at the cut), and the offset asked for when
    the slice is empty."""
    log = open_log(LogConfig(index_interval_bytes=index_interval_bytes))
    fill(log, 20)
    size = len(build_batch([b"v000"] * 3))
    for offset in range(0, 60, 2):
        for max_bytes in (1, size, size * 2, size * 3 + 5, size * 7, 10_000):
            for max_offset in (None, offset + 1, offset + 5, 21, 45, 60):
                if max_offset is not None and max_offset <= offset:
                    continue
                with log.read(offset, max_bytes, max_offset=max_offset) as s:
                    batches = batch_offsets(s.read_bytes())
                    expected = batches[-1][1] + 1 if batches else offset
                    assert s.next_offset == expected, (offset, max_bytes, max_offset, batches)


def test_slice_leases_its_descriptor_until_released(open_log: OpenLog) -> None:
    log = open_log()
    fill(log, 2)
    s = log.read(0, 1000)
    assert s.fd >= 0
    os.fstat(s.fd)
    s.release()
    s.release()
    assert s.fd == -1


def test_index_entry_every_interval(open_log: OpenLog) -> None:
    log = open_log(LogConfig(index_interval_bytes=250))
    size = len(build_batch([b"v000"] * 3))
    fill(log, 30)
    index = log.active_segment.offset_index
    positions = [index.entry(n).position for n in range(index.entries)]
    assert positions and all(p % size == 0 for p in positions)
    gaps = [b - a for a, b in zip([0, *positions], positions, strict=False)]
    assert all(250 < g <= 250 + size for g in gaps)
    # Each entry points at the batch with that base offset.
    with log.active_segment.file.leased() as fd:
        for n in range(index.entries):
            offset, pos = index.entry(n)
            assert RecordBatch(os.pread(fd, 61, pos)).base_offset == offset


def test_roll_on_segment_bytes(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 4))
    fill(log, 10)
    assert [s.base_offset for s in log.segments] == [0, 12, 24]
    assert all(s.size <= size * 4 for s in log.segments)


def test_roll_on_segment_ms(open_log: OpenLog) -> None:
    log = open_log(LogConfig(segment_ms=1_000))
    log.append_as_leader(build_batch([b"x"], timestamp_ms=5), leader_epoch=0, now_ms=10_000)
    log.append_as_leader(build_batch([b"x"], timestamp_ms=5), leader_epoch=0, now_ms=10_999)
    assert len(log.segments) == 1
    log.append_as_leader(build_batch([b"x"], timestamp_ms=5), leader_epoch=0, now_ms=11_000)
    assert [s.base_offset for s in log.segments] == [0, 2]
    # An empty segment never rolls by time.
    log.append_as_leader(build_batch([b"x"], timestamp_ms=5), leader_epoch=0, now_ms=99_000)
    assert [s.base_offset for s in log.segments] == [0, 2, 3]


def test_roll_on_full_index(tmp_path: Path, pool: object) -> None:
    from broker.storage import FilePool, TopicPartition

    assert isinstance(pool, FilePool)
    cfg = LogConfig(index_interval_bytes=0, segment_index_bytes=24)  # 3 entries, 2 time entries
    log = PartitionLog.open(
        tmp_path / "t-0", TopicPartition("t", 0), cfg, pool=pool, now_ms=0, clean=True
    )
    for i in range(12):
        log.append_as_leader(build_batch([b"x"], timestamp_ms=i), leader_epoch=0, now_ms=0)
    assert len(log.segments) > 2
    for seg in log.segments:
        assert seg.offset_index.entries <= 3
    log.close()


def test_offset_for_timestamp(open_log: OpenLog) -> None:
    log = open_log(LogConfig(index_interval_bytes=64, segment_bytes=600))
    fill(log, 30)  # batch i has timestamps 1000+10i .. +2, offsets 3i..3i+2
    assert log.offset_for_timestamp(0) == (1_000, 0)
    assert log.offset_for_timestamp(1_001) == (1_001, 1)
    assert log.offset_for_timestamp(1_255) == (1_260, 78)
    assert log.offset_for_timestamp(1_292) == (1_292, 89)
    assert log.offset_for_timestamp(1_293) is None


def test_high_watermark_setter_clamps(open_log: OpenLog) -> None:
    log = open_log()
    fill(log, 2)
    log.high_watermark = 4
    assert log.high_watermark == 4
    log.high_watermark = 100
    assert log.high_watermark == 6
    with pytest.raises(ValueError):
        log.high_watermark = -1
    with pytest.raises(TypeError):
        log.high_watermark = 2.5  # type: ignore[assignment]


def test_truncate_to(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 3))
    fill(log, 10)
    log.high_watermark = 30
    log.flush()
    assert [s.base_offset for s in log.segments] == [0, 9, 18, 27]
    assert log.truncate_to(12)
    assert log.log_end_offset == 12
    assert log.high_watermark == 12 and log.recovery_point == 12
    assert batch_offsets(read_all(log))[-1] == (9, 11)
    assert [s.base_offset for s in log.segments] == [0, 9]
    assert not log.truncate_to(20)
    info = log.append_as_leader(build_batch([b"new"]), leader_epoch=1, now_ms=0)
    assert info.first_offset == 12
    # Truncating into the middle of a batch removes the whole batch; the end offset is kept
    # across a reopen by an empty segment.
    assert log.truncate_to(7)
    assert log.log_end_offset == 7
    assert batch_offsets(read_all(log))[-1] == (3, 5)
    log.close()
    again = open_log()
    assert again.log_end_offset == 7
    assert again.stats.batches_validated == 0


def test_truncate_fully_and_start_at(open_log: OpenLog) -> None:
    log = open_log()
    fill(log, 5)
    log.producer_snapshots.write(9, b"state")
    log.truncate_fully_and_start_at(100, now_ms=0)
    assert (log.log_start_offset, log.log_end_offset, log.high_watermark) == (100, 100, 100)
    assert log.epoch_cache.entries == []
    assert log.producer_snapshots.offsets() == []
    assert [s.base_offset for s in log.segments] == [100]
    assert log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0).first_offset == 100
    with pytest.raises(LogOffsetOutOfRangeError):
        log.read(99, 100)


def test_truncate_below_log_start_restarts(open_log: OpenLog) -> None:
    log = open_log()
    fill(log, 5)
    log.high_watermark = 15
    log.increase_log_start_offset(6)
    log.truncate_to(3)
    assert (log.log_start_offset, log.log_end_offset) == (3, 3)


def test_delete_records_and_retention(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 2, retention_ms=1_000))
    fill(log, 10, start_ts=0)  # segment k holds timestamps up to 20k+12
    assert len(log.segments) == 5
    with pytest.raises(LogOffsetOutOfRangeError):
        log.increase_log_start_offset(1)  # above the high watermark (0)
    log.high_watermark = 30
    assert log.increase_log_start_offset(7)
    assert log.log_start_offset == 7
    assert [s.base_offset for s in log.segments] == [6, 12, 18, 24]
    with pytest.raises(LogOffsetOutOfRangeError):
        log.read(6, 100)
    with log.read(7, 100) as s:
        assert batch_offsets(s.read_bytes())[0] == (6, 8)
    # retention.ms by each segment's newest timestamp: segment 6 has ts up to 32, 12 up to 52.
    assert log.apply_retention(now_ms=1_040) == 1
    assert log.log_start_offset == 12
    # retention.bytes
    log.config = LogConfig(segment_bytes=size * 2, retention_bytes=size * 2)
    assert log.apply_retention(now_ms=0) == 2
    assert [s.base_offset for s in log.segments] == [24]
    # The expired active segment is rolled and deleted once the high watermark covers it.
    log.config = LogConfig(retention_ms=10)
    assert log.apply_retention(now_ms=10_000) == 1
    assert log.log_start_offset == 30 and log.log_end_offset == 30
    assert log.active_segment.is_empty


def test_retention_stops_at_high_watermark(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 2, retention_ms=0))
    fill(log, 6, start_ts=0)
    log.high_watermark = 6
    assert log.apply_retention(now_ms=10**6) == 1
    assert log.log_start_offset == 6


def test_compact_policy_does_not_apply_time_retention(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig.model_validate(
        {"segment_bytes": size * 2, "retention_ms": 0, "cleanup_policy": "compact"}
    ))
    fill(log, 6, start_ts=0)
    log.high_watermark = 18
    assert log.apply_retention(now_ms=10**6) == 0


def test_clean_reopen_validates_nothing(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 3, index_interval_bytes=100))
    fill(log, 20)
    log.high_watermark = 40
    before = read_all(log)
    log.close()
    again = open_log(LogConfig(segment_bytes=size * 3, index_interval_bytes=100),
                     recovery_point=60, high_watermark=40)
    assert again.stats.batches_validated == 0
    assert again.stats.indexes_rebuilt == 0
    assert (again.log_end_offset, again.high_watermark, again.recovery_point) == (60, 40, 60)
    assert read_all(again) == before
    info = again.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    assert info.first_offset == 60


def test_unclean_reopen_cuts_a_torn_tail(open_log: OpenLog, tmp_path: Path) -> None:
    log = open_log()
    fill(log, 10)
    log.flush()
    path = log.active_segment.file.path
    log.close()
    full = path.read_bytes()
    size = len(build_batch([b"v000"] * 3))
    with open(path, "r+b") as f:
        f.truncate(len(full) - size // 2)  # tear the last batch
    again = open_log(clean=False, recovery_point=12)
    assert again.log_end_offset == 27
    assert again.stats.batches_validated == 9  # recovery starts at the segment of offset 12
    assert again.stats.bytes_truncated == size - size // 2
    assert again.recovery_point == 27
    assert read_all(again) == full[: 9 * size]


def test_unclean_reopen_cuts_at_a_corrupt_batch(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    log = open_log(LogConfig(segment_bytes=size * 4))
    fill(log, 10)
    segs = [s.file.path for s in log.segments]
    log.close()
    data = bytearray(segs[1].read_bytes())
    data[size + 70] ^= 0x01  # second batch of the second segment
    segs[1].write_bytes(bytes(data))
    again = open_log(LogConfig(segment_bytes=size * 4), clean=False, recovery_point=0)
    assert again.log_end_offset == 15
    assert [s.base_offset for s in again.segments] == [0, 12]
    assert not segs[2].exists()
    assert again.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0).first_offset == 15


def test_missing_index_is_rebuilt(open_log: OpenLog) -> None:
    size = len(build_batch([b"v000"] * 3))
    cfg = LogConfig(segment_bytes=size * 4, index_interval_bytes=50)
    log = open_log(cfg)
    fill(log, 10)
    first = log.segments[0]
    log.close()
    index_bytes = first.offset_index.path.read_bytes()
    first.offset_index.path.unlink()
    (first.time_index.path).write_bytes(b"garbage")
    again = open_log(cfg)
    with again.read(4, 10) as s:
        assert batch_offsets(s.read_bytes()) == [(3, 5)]
    assert again.stats.indexes_rebuilt == 1
    assert again.segments[0].offset_index.path.read_bytes() == index_bytes


def test_snapshots_survive_reopen_and_follow_truncation(open_log: OpenLog) -> None:
    log = open_log()
    fill(log, 4)
    log.producer_snapshots.write(6, b"six")
    log.producer_snapshots.write(12, b"twelve")
    log.truncate_to(9)
    assert log.producer_snapshots.offsets() == [6]
    log.close()
    assert open_log().producer_snapshots.latest() == (6, b"six")
