"""Disk errors: a failing write or fsync raises LogStorageError (KAFKA_STORAGE_ERROR), the
partial write is rolled back, nothing acknowledged is lost and the log stays readable."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

import pytest
from unit.storage.storage_test_helpers import batch_offsets, build_batch, read_all

from broker.storage import LogStorageError, PartitionLog
from protocol.errors import ErrorCode, KafkaStorageError

OpenLog = Callable[..., PartitionLog]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_failed_write_is_rolled_back(
    open_log: OpenLog, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    log = open_log()
    for _ in range(3):
        log.append_as_leader(build_batch([b"ok"]), leader_epoch=0, now_ms=0)
    log.flush()
    acknowledged = read_all(log)
    real = os.pwrite

    def half_then_fail(fd: int, data: memoryview, position: int) -> int:
        if len(data) > 20:
            real(fd, data[: len(data) // 2], position)  # a torn write reaches the file
            raise OSError(code, os.strerror(code))
        return real(fd, data, position)

    monkeypatch.setattr(os, "pwrite", half_then_fail)
    with pytest.raises(LogStorageError) as info:
        log.append_as_leader(build_batch([b"lost" * 10]), leader_epoch=0, now_ms=0)
    assert isinstance(info.value, KafkaStorageError)
    assert info.value.code == ErrorCode.KAFKA_STORAGE_ERROR
    assert not info.value.rollback_failed
    assert log.log_end_offset == 3
    assert log.active_segment.size == len(acknowledged)
    assert os.path.getsize(log.active_segment.file.path) == len(acknowledged)
    assert read_all(log) == acknowledged
    monkeypatch.undo()
    # The disk recovered: appends continue at the right offset.
    info2 = log.append_as_leader(build_batch([b"next"]), leader_epoch=0, now_ms=0)
    assert info2.first_offset == 3
    log.close()
    again = open_log(clean=False, recovery_point=0)
    assert batch_offsets(read_all(again)) == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_failed_rollback_takes_the_log_offline(
    open_log: OpenLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = open_log()
    log.append_as_leader(build_batch([b"ok"]), leader_epoch=0, now_ms=0)
    acknowledged = read_all(log)
    real = os.pwrite

    def torn(fd: int, data: memoryview, position: int) -> int:
        real(fd, data[:10], position)
        raise OSError(errno.EIO, "Input/output error")

    def no_truncate(fd: int, length: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "pwrite", torn)
    monkeypatch.setattr(os, "ftruncate", no_truncate)
    with pytest.raises(LogStorageError) as info:
        log.append_as_leader(build_batch([b"lost"]), leader_epoch=0, now_ms=0)
    assert info.value.rollback_failed
    monkeypatch.undo()
    assert log.offline is not None
    with pytest.raises(LogStorageError):
        log.append_as_leader(build_batch([b"more"]), leader_epoch=0, now_ms=0)
    assert read_all(log) == acknowledged  # reads stop at the log end offset
    # Reopening recovers: the torn bytes are cut.
    path = log.active_segment.file.path
    log.close()
    assert os.path.getsize(path) == len(acknowledged) + 10
    again = open_log(clean=False, recovery_point=0)
    assert read_all(again) == acknowledged
    assert again.stats.bytes_truncated == 10


def test_fsync_failure_keeps_recovery_point(
    open_log: OpenLog, monkeypatch: pytest.MonkeyPatch
) -> None:

    log = open_log()
    log.append_as_leader(build_batch([b"a"]), leader_epoch=0, now_ms=0)
    log.flush()
    log.append_as_leader(build_batch([b"b"]), leader_epoch=0, now_ms=0)

    def enospc(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdatasync", enospc)
    with pytest.raises(LogStorageError):
        log.flush()
    assert log.recovery_point == 1
    assert log.offline is not None
    assert batch_offsets(read_all(log)) == [(0, 0), (1, 1)]


def test_read_error_is_a_storage_error(open_log: OpenLog, monkeypatch: pytest.MonkeyPatch) -> None:

    log = open_log()
    log.append_as_leader(build_batch([b"a"]), leader_epoch=0, now_ms=0)

    def eio(fd: int, n: int, pos: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "pread", eio)
    with pytest.raises(LogStorageError):
        log.read(0, 100)
