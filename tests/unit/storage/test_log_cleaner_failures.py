"""The cleaner's driver logs a failing partition once per cause, and once when it recovers."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from broker.storage import CleanResult, LogStorageError, TopicPartition
from broker.storage.log_cleaner import LogCleaner

LOGGER = "samsa.broker.cleaner"


class _Log:
    def __init__(self, tp: TopicPartition) -> None:
        self.tp = tp


class _Manager:
    def __init__(self, logs: list[_Log]) -> None:
        self.logs = logs

    def open_logs(self) -> list[_Log]:
        return self.logs


class _Cleaner:
    """Fails with the queued errors, then succeeds."""

    unreadable_batches = 0
    damaged_segments = 0

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors

    def needs_cleaning(self, log: Any) -> bool:
        return True

    def clean(self, log: Any, *, now_ms: int) -> CleanResult:
        if self.errors:
            raise self.errors.pop(0)
        return CleanResult(0, 1)


def _messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == level]


async def test_a_failing_partition_is_logged_once_per_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    full = LogStorageError("cannot write /d/t-0/00000000000000000000.log.cleaned: [Errno 28]")
    errors: list[Exception] = [full, full, full, RuntimeError("a bug"), RuntimeError("a bug")]
    tp = TopicPartition("t", 0)
    cleaner = LogCleaner(
        _Manager([_Log(tp)]),  # type: ignore[arg-type]
        backoff_ms=100,
        clock_ms=lambda: 0,
        cleaner=_Cleaner(errors),  # type: ignore[arg-type]
    )
    for _ in range(5):
        assert await cleaner.clean_round() == 0
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 2  # the storage error once, then the new cause once
    assert "Errno 28" in warnings[0].getMessage() and not warnings[0].exc_info
    assert "a bug" in warnings[1].getMessage() and warnings[1].exc_info
    assert await cleaner.clean_round() == 1
    assert _messages(caplog, logging.INFO) == ["compacting t-0 works again"]
    assert await cleaner.clean_round() == 1
    assert len(_messages(caplog, logging.INFO)) == 1
