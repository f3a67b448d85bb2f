"""Opening a log: nothing is written or fsynced when its files are consistent; a new log's
files and a new leader epoch become durable with the log's next flush, not at once."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from unit.storage.storage_test_helpers import TP, build_batch

from broker.storage import LogManager
from broker.storage.epoch_cache import LEADER_EPOCH_CHECKPOINT, EpochEntry, LeaderEpochCache

pytestmark = pytest.mark.timeout(30)

_COUNTED = ("fsync", "fdatasync", "write", "replace")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How often each of ``_COUNTED`` was called while the test ran."""
    counts: Counter[str] = Counter()
    for name in _COUNTED:
        original = getattr(os, name)

        def counted(*args: Any, _name: str = name, _orig: Callable[..., Any] = original) -> Any:
            counts[_name] += 1
            return _orig(*args)

        monkeypatch.setattr(os, name, counted)
    yield counts


def test_reopening_a_consistent_log_writes_nothing(tmp_path: Path, calls: Counter[str]) -> None:
    for leader_data in (False, True):
        directory = tmp_path / str(leader_data)
        with LogManager([directory]) as manager:
            manager.startup(now_ms=0)
            log = manager.get_or_create_log(TP, now_ms=0)
            log.epoch_cache.assign(0, log.log_end_offset)  # becoming leader
            if leader_data:
                log.append_as_leader(build_batch([b"a", b"b"]), leader_epoch=0, now_ms=0)
                log.epoch_cache.assign(1, log.log_end_offset)  # an epoch without data
        with LogManager([directory]) as manager:
            manager.startup(now_ms=0)
            calls.clear()
            reopened = manager.get_log(TP, now_ms=0)
            assert reopened is not None
            log = reopened
            expected = [EpochEntry(0, 0), EpochEntry(1, 2)] if leader_data else [EpochEntry(0, 0)]
            assert log.epoch_cache.entries == expected
            assert log.epoch_cache.assign(*expected[-1]) is False  # becoming leader again
            assert not log.is_dirty
            assert sum(calls.values()) == 0, calls


def test_new_log_and_new_epoch_are_fsynced_by_the_flush(
    tmp_path: Path, calls: Counter[str]
) -> None:
    with LogManager([tmp_path]) as manager:
        manager.startup(now_ms=0)
        calls.clear()
        log = manager.get_or_create_log(TP, now_ms=0)
        log.epoch_cache.assign(0, 0)
        assert calls["fsync"] == 0 and calls["fdatasync"] == 0
        # Written already (a killed process keeps it), durable with the flush.
        assert LeaderEpochCache(log.directory / LEADER_EPOCH_CHECKPOINT).entries == [
            EpochEntry(0, 0)
        ]
        assert log.is_dirty and log.epoch_cache.unsynced
        log.flush()
        # The checkpoint file, the partition's directory twice (checkpoint rename, new files)
        # and the log dir holding the new directory.
        assert calls["fsync"] >= 3
        assert not log.is_dirty and not log.epoch_cache.unsynced


def test_epochs_past_the_log_end_are_dropped_at_open(tmp_path: Path) -> None:
    with LogManager([tmp_path]) as manager:
        manager.startup(now_ms=0)
        log = manager.get_or_create_log(TP, now_ms=0)
        log.append_as_leader(build_batch([b"a"]), leader_epoch=0, now_ms=0)
        path = log.directory / LEADER_EPOCH_CHECKPOINT
    # An epoch whose records an unclean stop lost: cut when the log opens, on disk too.
    path.write_text("0\n2\n0 0\n3 5\n")
    with LogManager([tmp_path]) as manager:
        manager.startup(now_ms=0)
        log = manager.get_or_create_log(TP, now_ms=0)
        assert log.epoch_cache.entries == [EpochEntry(0, 0)]
        assert LeaderEpochCache(path).entries == [EpochEntry(0, 0)]


def test_unclean_recovery_learns_epochs_the_checkpoint_lost(tmp_path: Path) -> None:
    with LogManager([tmp_path]) as manager:
        manager.startup(now_ms=0)
        log = manager.get_or_create_log(TP, now_ms=0)
        log.append_as_leader(build_batch([b"a", b"b"]), leader_epoch=0, now_ms=0)
        log.append_as_leader(build_batch([b"c"]), leader_epoch=2, now_ms=0)
        log.append_as_leader(build_batch([b"d"]), leader_epoch=3, now_ms=0)
        path = log.directory / LEADER_EPOCH_CHECKPOINT
        log.flush()
    # A power loss kept the batches but not the checkpoint's last rewrites (it names an epoch
    # whose batches were lost instead); no clean-shutdown marker: the log is recovered.
    path.write_text("0\n2\n0 0\n5 9\n")
    (tmp_path / ".kafka_cleanshutdown").unlink()
    with LogManager([tmp_path]) as manager:
        manager.startup(now_ms=0)
        log = manager.get_or_create_log(TP, now_ms=0)
        assert log.log_end_offset == 4
        expected = [EpochEntry(0, 0), EpochEntry(2, 2), EpochEntry(3, 3)]
        assert log.epoch_cache.entries == expected
        assert LeaderEpochCache(path).entries == expected
