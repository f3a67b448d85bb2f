"""Fixtures for the storage unit tests: a file pool and a log factory."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from unit.storage.storage_test_helpers import TP, build_batch

from broker.storage import FilePool, LogConfig, PartitionLog


@pytest.fixture
def batch() -> Callable[..., bytes]:
    """``batch(values, keys=..., timestamp_ms=...)`` builds a batch."""
    return build_batch


@pytest.fixture
def pool() -> Iterator[FilePool]:
    """A file pool closed after the test."""
    p = FilePool(64)
    yield p
    p.close_all()


@pytest.fixture
def open_log(tmp_path: Path, pool: FilePool) -> Iterator[Callable[..., PartitionLog]]:
    """``open_log(config=None, clean=True, **kwargs)`` opens the test partition's log."""
    opened: list[PartitionLog] = []

    def _open(config: LogConfig | None = None, **kwargs: Any) -> PartitionLog:
        kwargs.setdefault("now_ms", 0)
        kwargs.setdefault("clean", True)
        log = PartitionLog.open(
            tmp_path / "orders-0", TP, config or LogConfig(), pool=pool, **kwargs
        )
        opened.append(log)
        return log

    yield _open
    for log in opened:
        with contextlib.suppress(Exception):
            log.close()
