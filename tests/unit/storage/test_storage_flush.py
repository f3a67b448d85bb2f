"""Flushing: the pure scheduler and the asyncio group-commit driver."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import pytest
from support.waiting import eventually
from unit.storage.storage_test_helpers import build_batch

from broker.storage import (
    DurabilityTimeoutError,
    FlushPolicy,
    FlushScheduler,
    LogConfig,
    LogFlusher,
    LogStorageError,
    PartitionLog,
)

OpenLog = Callable[..., PartitionLog]


def append(log: PartitionLog, n: int = 1) -> int:
    info = None
    for _ in range(n):
        info = log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    assert info is not None
    return info.next_offset


def test_scheduler_policies(open_log: OpenLog) -> None:
    log = open_log(LogConfig(flush_messages=3, flush_ms=1_000))
    append(log, 2)
    group = FlushScheduler(FlushPolicy.GROUP)
    group.mark_dirty(log, 0)
    assert group.due(0) == [log]

    interval = FlushScheduler(FlushPolicy.INTERVAL)
    interval.mark_dirty(log, 0)
    assert interval.due(10) == []
    assert interval.due(1_000) == [log]  # flush.ms elapsed
    append(log)
    assert interval.due(10) == [log]  # flush.messages reached
    assert interval.next_deadline_ms(0) is not None

    none = FlushScheduler(FlushPolicy.NONE)
    none.mark_dirty(log, 0)
    assert none.due(10**9) == []
    assert none.due(0, waited_on={log}) == [log]
    log.roll(now_ms=0)
    assert none.due(0) == [log]  # a rolled segment is always flushed
    log.flush()
    none.flushed(log, 0)
    assert none.dirty_count == 0


async def test_group_commit_shares_fsyncs(
    open_log: OpenLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = open_log()
    fsyncs = 0
    real = os.fdatasync

    def counting(fd: int) -> None:
        nonlocal fsyncs
        fsyncs += 1
        real(fd)

    monkeypatch.setattr(os, "fdatasync", counting)
    flusher = LogFlusher(FlushPolicy.GROUP)
    flusher.attach(log)
    await flusher.start()
    try:

        async def producer() -> None:
            for _ in range(20):
                offset = append(log)
                await flusher.wait_durable(log, offset, timeout_s=10)
                assert log.recovery_point >= offset

        await asyncio.wait_for(asyncio.gather(*(producer() for _ in range(16))), 30)
    finally:
        await flusher.stop()
    assert log.recovery_point == log.log_end_offset == 320
    assert fsyncs < 320  # concurrent appends shared fsyncs
    assert flusher.passes >= 1


async def test_wait_durable_returns_at_once_without_group_policy(open_log: OpenLog) -> None:
    log = open_log()
    for policy in (FlushPolicy.NONE, FlushPolicy.INTERVAL):
        flusher = LogFlusher(policy)
        flusher.attach(log)
        await flusher.start()
        offset = append(log)
        await flusher.wait_durable(log, offset, timeout_s=1)
        await flusher.wait_flushed(log, offset, timeout_s=10)  # an explicit flush waits
        assert log.recovery_point >= offset
        await flusher.stop()


async def test_interval_policy_flushes_on_its_own(open_log: OpenLog) -> None:
    log = open_log(LogConfig(flush_messages=5))
    flusher = LogFlusher(FlushPolicy.INTERVAL)
    flusher.attach(log)
    await flusher.start()
    try:
        offset = append(log, 5)
        await eventually(lambda: log.recovery_point >= offset, 10, "the interval flush")
    finally:
        await flusher.stop()


async def test_wait_durable_times_out(open_log: OpenLog, monkeypatch: pytest.MonkeyPatch) -> None:
    log = open_log()
    release = asyncio.Event()
    gate = __import__("threading").Event()

    def slow(fd: int) -> None:
        gate.wait(10)

    monkeypatch.setattr(os, "fdatasync", slow)
    flusher = LogFlusher(FlushPolicy.GROUP)
    flusher.attach(log)
    await flusher.start()
    try:
        with pytest.raises(DurabilityTimeoutError) as info:
            await flusher.wait_durable(log, append(log), timeout_s=0.05)
        assert info.value.code == 7
    finally:
        gate.set()
        release.set()
        await flusher.stop()


async def test_waiter_bound(open_log: OpenLog) -> None:
    log = open_log()
    flusher = LogFlusher(FlushPolicy.GROUP, max_waiters=0)
    flusher.attach(log)
    await flusher.start()
    try:
        with pytest.raises(DurabilityTimeoutError):
            await flusher.wait_durable(log, append(log), timeout_s=1)
    finally:
        await flusher.stop()


async def test_fsync_failure_fails_waiters_and_takes_log_offline(
    open_log: OpenLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = open_log()
    good = append(log)
    log.flush()

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", broken)
    flusher = LogFlusher(FlushPolicy.GROUP)
    flusher.attach(log)
    await flusher.start()
    try:
        with pytest.raises(LogStorageError) as info:
            await flusher.wait_durable(log, append(log), timeout_s=10)
        assert info.value.code == 56
    finally:
        await flusher.stop()
    assert log.offline is not None
    assert log.recovery_point == good
    with pytest.raises(LogStorageError):
        append(log)
    with log.read(0, 1000) as s:  # still readable
        assert s.length > 0
