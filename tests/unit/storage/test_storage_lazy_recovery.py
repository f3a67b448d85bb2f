"""Recovery after an unclean stop, on first use: what it validates, what it leaves to the next
flush (``sync_recovery=False``, the ``none`` and ``interval`` policies), and the LogManager's
lazy opening of the logs of a directory that did not shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.log_opens import record_open_threads
from support.waiting import eventually
from unit.storage.storage_test_helpers import TP, build_batch, read_all

from broker.storage import (
    FilePool,
    FlushPolicy,
    LogConfig,
    LogManager,
    LogStorageError,
    PartitionLog,
)
from broker.storage import manager as storage_manager
from broker.storage.flush import LogFlusher
from broker.storage.manager import CLEAN_SHUTDOWN_FILE
from broker.storage.names import TopicPartition

pytestmark = pytest.mark.timeout(60)

VALUES = [b"v000"] * 3
SIZE = len(build_batch(VALUES))
#: Four batches per segment: ten batches make segments at 0, 12 and 24.
CONFIG = LogConfig(segment_bytes=SIZE * 4, index_interval_bytes=SIZE)


@pytest.fixture
def pools() -> Iterator[list[FilePool]]:
    """File pools, one per "process" (a crashed log's descriptors are never reused)."""
    made: list[FilePool] = []
    yield made
    for p in made:
        p.close_all()


def _open(directory: Path, pools: list[FilePool], **kwargs: object) -> PartitionLog:
    pool = FilePool(64)
    pools.append(pool)
    kwargs.setdefault("now_ms", 0)
    return PartitionLog.open(directory, TP, CONFIG, pool=pool, **kwargs)  # type: ignore[arg-type]


def _crashed_log(directory: Path, pools: list[FilePool]) -> tuple[bytes, int]:
    """Ten batches, the first five flushed, then a torn half batch: what a kill -9 leaves.
    Returns the intact bytes and the size of the torn tail."""
    log = _open(directory, pools, clean=True)
    for _ in range(5):
        log.append_as_leader(build_batch(VALUES), leader_epoch=0, now_ms=0)
    log.flush()
    assert log.recovery_point == 15
    for _ in range(5):
        log.append_as_leader(build_batch(VALUES), leader_epoch=0, now_ms=0)
    intact = read_all(log)
    torn = build_batch(VALUES)[: SIZE // 2]
    with open(log.active_segment.file.path, "ab") as f:
        f.write(torn)
    return intact, len(torn)  # the log is abandoned, not closed


def test_recovery_without_sync_leaves_the_recovery_point_to_the_next_flush(
    tmp_path: Path, pools: list[FilePool]
) -> None:
    directory = tmp_path / "orders-0"
    intact, torn = _crashed_log(directory, pools)
    # Segment 12 was rolled after the last flush: its index file was never written.
    index_of_12 = directory / "00000000000000000012.index"
    assert not index_of_12.exists()
    log = _open(directory, pools, clean=False, recovery_point=15, sync_recovery=False)
    # Validated from the segment holding offset 15 (base 12) on; the torn tail is cut.
    assert log.stats.batches_validated == 6
    assert log.stats.bytes_truncated == torn
    assert log.log_end_offset == 30
    assert read_all(log) == intact
    # Nothing fsynced: the recovery point stays and the log is dirty, with the rebuilt
    # indexes of the closed segment queued as a roll queues them.
    assert log.recovery_point == 15
    assert log.is_dirty and log.needs_flush_for_roll
    assert not index_of_12.exists()
    log.flush()
    assert log.recovery_point == 30 and not log.is_dirty and not log.needs_flush_for_roll
    written = index_of_12.read_bytes()
    assert written and len(written) % 8 == 0  # written by the flush, checked at reopen below
    log.close()
    again = _open(directory, pools, clean=True, recovery_point=30)
    assert read_all(again) == intact  # checks every segment's index files on the way
    assert again.stats.batches_validated == 0 and again.stats.indexes_rebuilt == 0
    again.close()


def test_a_crash_before_that_flush_recovers_the_same_again(
    tmp_path: Path, pools: list[FilePool]
) -> None:
    directory = tmp_path / "orders-0"
    intact, torn = _crashed_log(directory, pools)
    first = _open(directory, pools, clean=False, recovery_point=15, sync_recovery=False)
    assert first.stats.bytes_truncated == torn
    # Crash again: the checkpoint still says 15.
    second = _open(directory, pools, clean=False, recovery_point=15, sync_recovery=False)
    assert second.stats.batches_validated == 6
    assert second.log_end_offset == 30 and read_all(second) == intact
    info = second.append_as_leader(build_batch([b"new"]), leader_epoch=0, now_ms=0)
    assert info.first_offset == 30
    second.close()


def test_recovery_with_sync_moves_the_recovery_point_to_the_end(
    tmp_path: Path, pools: list[FilePool]
) -> None:
    directory = tmp_path / "orders-0"
    intact, _ = _crashed_log(directory, pools)
    log = _open(directory, pools, clean=False, recovery_point=15, sync_recovery=True)
    assert log.recovery_point == 30 and not log.is_dirty
    assert read_all(log) == intact
    log.close()


def test_an_epoch_learned_without_sync_is_synced_by_the_flush(
    tmp_path: Path, pools: list[FilePool]
) -> None:
    directory = tmp_path / "orders-0"
    log = _open(directory, pools, clean=True)
    log.append_as_leader(build_batch(VALUES), leader_epoch=0, now_ms=0)
    log.flush()
    checkpoint = directory / "leader-epoch-checkpoint"
    only_epoch_0 = checkpoint.read_bytes()
    log.append_as_leader(build_batch(VALUES), leader_epoch=3, now_ms=0)
    # The crash lost the rewritten (not yet fsynced) checkpoint, not the batch.
    checkpoint.write_bytes(only_epoch_0)
    again = _open(directory, pools, clean=False, recovery_point=3, sync_recovery=False)
    assert again.epoch_cache.latest_epoch == 3
    assert again.epoch_cache.unsynced and again.is_dirty
    again.flush()
    assert not again.epoch_cache.unsynced
    assert b"3 3" in checkpoint.read_bytes()
    again.close()


def _crash_manager(manager: LogManager) -> None:
    """What a kill -9 does to a manager: descriptors and lock go, nothing is written."""
    for d in manager._dirs:
        if d.lock_fd is not None:
            os.close(d.lock_fd)
            d.lock_fd = None
    manager.pool.close_all()


def _fill_two_partitions(root: Path) -> dict[TopicPartition, bytes]:
    manager = LogManager([root], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=0)
    written: dict[TopicPartition, bytes] = {}
    for p in range(2):
        tp = TopicPartition("t", p)
        log = manager.get_or_create_log(tp, now_ms=0)
        for _ in range(10):
            log.append_as_leader(build_batch(VALUES), leader_epoch=0, now_ms=0)
        written[tp] = read_all(log)
    manager.checkpoint()  # recovery points 0: nothing was flushed
    _crash_manager(manager)
    return written


def test_a_stop_before_every_log_was_recovered_writes_no_clean_marker(tmp_path: Path) -> None:
    written = _fill_two_partitions(tmp_path)
    used, untouched = TopicPartition("t", 0), TopicPartition("t", 1)
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=0)
    assert manager.open_logs() == []
    log = manager.get_log(used, now_ms=0)
    assert log is not None and read_all(log) == written[used]
    assert manager.unrecovered_partitions() == [untouched]
    manager.shutdown()
    # The untouched log was never validated: the next start must recover it.
    assert not (tmp_path / CLEAN_SHUTDOWN_FILE).exists()
    again = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    again.startup(now_ms=0)
    assert again.unrecovered_partitions() == [used, untouched]
    other = again.get_log(untouched, now_ms=0)
    assert other is not None and read_all(other) == written[untouched]
    assert again.recovery_stats.batches_validated == 10
    # The log recovered at the previous start was closed cleanly: only its last segment
    # (holding its recovery point) is validated again.
    first = again.get_log(used, now_ms=0)
    assert first is not None and read_all(first) == written[used]
    assert again.recovery_stats.batches_validated == 12
    again.shutdown()
    assert (tmp_path / CLEAN_SHUTDOWN_FILE).exists()


async def test_the_flusher_fsyncs_a_recovered_log_under_policy_none(tmp_path: Path) -> None:
    written = _fill_two_partitions(tmp_path)
    tp = TopicPartition("t", 0)
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    flusher = LogFlusher(FlushPolicy.NONE)
    manager.on_log_opened = flusher.attach
    manager.startup(now_ms=0)
    await flusher.start()
    try:
        log = manager.get_log(tp, now_ms=0)
        assert log is not None and read_all(log) == written[tp]
        # Recovered closed segments are flushed as rolled ones are, on the flusher's threads.
        await eventually(lambda: log.recovery_point == 30, what="the recovered log flushed")
        manager.checkpoint()
        text = (tmp_path / "recovery-point-offset-checkpoint").read_text()
        assert "t 0 30" in text and "t 1 0" in text
    finally:
        await flusher.stop()
        manager.shutdown()


async def test_recover_logs_recovers_on_worker_threads_and_registers_each_once(
    tmp_path: Path,
) -> None:
    written = _fill_two_partitions(tmp_path)
    tps = sorted(written)
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    opened: list[PartitionLog] = []
    manager.on_log_opened = opened.append
    manager.startup(now_ms=0)
    try:
        task = asyncio.ensure_future(manager.recover_logs(tps, now_ms=0))
        await asyncio.sleep(0)  # the recoveries are handed to the threads
        # A use of one meanwhile waits for its recovery rather than starting another.
        first = manager.get_log(tps[0], now_ms=0)
        assert first is not None and read_all(first) == written[tps[0]]
        await task
        assert manager.unrecovered_partitions() == []
        assert [log.tp for log in opened] == tps  # each registered once
        assert manager.get_log(tps[0], now_ms=0) is first
        second = manager.get_log(tps[1], now_ms=0)
        assert second is opened[1] and read_all(second) == written[tps[1]]
        assert manager.recovery_stats.batches_validated == 20
    finally:
        manager.shutdown()


async def test_a_failed_recovery_is_left_to_the_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = _fill_two_partitions(tmp_path)
    tp = TopicPartition("t", 0)
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=0)
    real_open = PartitionLog.open

    def failing_open(*args: Any, **kwargs: Any) -> PartitionLog:
        raise LogStorageError("disk on fire")

    try:
        monkeypatch.setattr(PartitionLog, "open", failing_open)
        await manager.recover_logs([tp], now_ms=0)
        assert manager.unrecovered_partitions() == [tp, TopicPartition("t", 1)]
        with pytest.raises(LogStorageError):
            manager.get_log(tp, now_ms=0)
        monkeypatch.setattr(PartitionLog, "open", real_open)
        log = manager.get_log(tp, now_ms=0)
        assert log is not None and read_all(log) == written[tp]
    finally:
        manager.shutdown()


async def test_a_stop_waits_for_a_recovery_under_way(tmp_path: Path) -> None:
    written = _fill_two_partitions(tmp_path)
    tps = sorted(written)
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=0)
    task = asyncio.ensure_future(manager.recover_logs(tps, now_ms=0))
    await asyncio.sleep(0)
    manager.shutdown()  # registers, flushes and closes what the threads recovered
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert (tmp_path / CLEAN_SHUTDOWN_FILE).exists()
    again = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    again.startup(now_ms=0)
    for tp in tps:
        log = again.get_log(tp, now_ms=0)
        assert log is not None and read_all(log) == written[tp]
    assert again.recovery_stats.batches_validated == 0
    again.shutdown()


async def test_retention_recovers_untouched_logs_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The periodic retention pass covers partitions nobody has used since an unclean stop
    without recovering them on the event loop, and lets the loop go between partitions."""
    manager = LogManager([tmp_path], default_config=CONFIG, flush_policy=FlushPolicy.NONE)
    manager.startup(now_ms=0)
    for p in range(3):
        log = manager.get_or_create_log(TopicPartition("t", p), now_ms=0)
        for _ in range(10):
            log.append_as_leader(build_batch(VALUES), leader_epoch=0, now_ms=0)
        log.high_watermark = log.log_end_offset  # replicated: retention may delete it all
    manager.checkpoint()
    _crash_manager(manager)

    expiring = LogConfig(segment_bytes=SIZE * 4, index_interval_bytes=SIZE, retention_ms=1_000)
    again = LogManager([tmp_path], default_config=expiring, flush_policy=FlushPolicy.NONE)
    again.startup(now_ms=0)
    loop_thread = threading.get_ident()
    opened_on = record_open_threads(monkeypatch)
    monkeypatch.setattr(storage_manager, "RETENTION_SLICE_MS", 0)  # let go after each one
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    beside = asyncio.ensure_future(ticker())
    try:
        # 10 batches of 3 records: segments 0, 12 and 24, all expired, all below the
        # high watermark (the active one is rolled first).
        assert await again.run_retention(now_ms=10**6) == 9
        assert sorted(opened_on) == [TopicPartition("t", p) for p in range(3)]
        assert loop_thread not in opened_on.values()
        assert again.unrecovered_partitions() == []
        assert ticks >= 3
        for p in range(3):
            retained = again.get_log(TopicPartition("t", p), now_ms=10**6)
            assert retained is not None
            assert retained.log_start_offset == 30 == retained.log_end_offset
    finally:
        beside.cancel()
        again.shutdown()
