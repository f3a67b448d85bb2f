"""Storage errors reach the operator's log once per partition and state change: appends
failing (with the path and the free space), appends succeeding again, the log going offline."""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from unit.storage.storage_test_helpers import build_batch

from broker.storage import LogManager, LogStorageError, PartitionLog, TopicPartition
from broker.storage import segment as segment_module

OpenLog = Callable[..., PartitionLog]
LOGGER = "samsa.storage"


class _Disk:
    """``os`` for the segment module, with chosen calls failing."""

    def __init__(self, **failing: int) -> None:
        self.failing = failing
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        if name in self.failing:

            def fail(*args: Any) -> Any:
                self.calls += 1
                code = self.failing[name]
                raise OSError(code, os.strerror(code))

            return fail
        return getattr(os, name)


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == level]


def test_a_full_disk_is_logged_once_then_the_recovery(
    open_log: OpenLog, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    log = open_log()
    log.append_as_leader(build_batch([b"before"]), leader_epoch=0, now_ms=0)
    disk = _Disk(pwrite=errno.ENOSPC)
    monkeypatch.setattr(segment_module, "os", disk)
    for _ in range(50):
        with pytest.raises(LogStorageError) as failed:
            log.append_as_leader(build_batch([b"lost"]), leader_epoch=0, now_ms=0)
        assert failed.value.code == 56  # KAFKA_STORAGE_ERROR for every request
    assert disk.calls == 50 and log.health.append_failures == 50
    [error] = _records(caplog, logging.ERROR)
    assert "orders-0: appends fail" in error
    assert "No space left on device" in error
    assert str(log.active_segment.file.path) in error  # the file
    assert "free of" in error and str(log.directory) in error  # the free space and where
    assert log.offline is None  # the failed write was cut back: the log stays usable

    monkeypatch.undo()
    info = log.append_as_leader(build_batch([b"after"]), leader_epoch=0, now_ms=0)
    assert info.first_offset == 1  # nothing of the failed appends was kept
    log.append_as_leader(build_batch([b"more"]), leader_epoch=0, now_ms=0)
    [recovered] = _records(caplog, logging.WARNING)
    assert "orders-0: appends succeed again" in recovered and "MiB free" in recovered
    assert len(_records(caplog, logging.ERROR)) == 1

    # A new run of failures is a new state change: logged once more.
    monkeypatch.setattr(segment_module, "os", _Disk(pwrite=errno.EIO))
    for _ in range(3):
        with pytest.raises(LogStorageError):
            log.append_as_leader(build_batch([b"lost"]), leader_epoch=0, now_ms=0)
    errors = _records(caplog, logging.ERROR)
    assert len(errors) == 2 and "Input/output error" in errors[1]


def test_going_offline_is_logged_once(
    open_log: OpenLog, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    log = open_log()
    log.append_as_leader(build_batch([b"x"]), leader_epoch=0, now_ms=0)
    monkeypatch.setattr("broker.storage.log_flush.os", _Disk(fdatasync=errno.EIO))
    with pytest.raises(LogStorageError):
        log.flush()
    assert log.offline is not None
    for _ in range(20):
        with pytest.raises(LogStorageError):
            log.append_as_leader(build_batch([b"y"]), leader_epoch=0, now_ms=0)
    [error] = _records(caplog, logging.ERROR)
    assert "orders-0 is offline" in error and "fsync" in error and "MiB free" in error
    assert _records(caplog, logging.WARNING) == []


def test_an_append_that_cannot_be_cut_back_is_one_offline_line(
    open_log: OpenLog, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    log = open_log()
    monkeypatch.setattr(segment_module, "os", _Disk(pwrite=errno.ENOSPC, ftruncate=errno.EIO))
    for _ in range(5):
        with pytest.raises(LogStorageError):
            log.append_as_leader(build_batch([b"y"]), leader_epoch=0, now_ms=0)
    assert log.offline is not None
    [error] = _records(caplog, logging.ERROR)
    assert "orders-0 is offline" in error and "No space left on device" in error


def test_a_log_that_cannot_be_opened_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    manager = LogManager([tmp_path])
    manager.startup(now_ms=0)
    tp = TopicPartition("blocked", 0)
    (tmp_path / "blocked-0").write_bytes(b"")  # a file where the directory must go
    for _ in range(10):
        with pytest.raises(LogStorageError):
            manager.get_or_create_log(tp, now_ms=0)
    [error] = _records(caplog, logging.ERROR)
    assert "blocked-0: its log cannot be opened" in error and "MiB free" in error
    (tmp_path / "blocked-0").unlink()
    assert manager.get_or_create_log(tp, now_ms=0).log_end_offset == 0
    assert _records(caplog, logging.WARNING) == ["blocked-0: its log opened after failures"]
    manager.shutdown()
