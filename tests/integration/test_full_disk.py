"""A full disk, seen by clients and by operators: every produce gets KAFKA_STORAGE_ERROR, the
broker's log gets one line for the partition (with the path and the free space), then one when
appends succeed again."""

from __future__ import annotations

import errno
import logging
import os
from typing import Any

import pytest
from support.kafka_ops import create_topic, fetch, produce, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.storage import segment as segment_module
from protocol.errors import ErrorCode

LOGGER = "samsa.storage"


class _FullDisk:
    """``os`` for the segment module, with ``pwrite`` failing with ENOSPC."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def pwrite(fd: int, data: Any, position: int) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


async def test_a_full_disk_is_logged_once_per_partition_and_recovery(
    broker: Broker,
    client: WireClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    await create_topic(client, "full", partitions=2)
    assert (await produce(client, "full", 0, make_batch([b"first"]))).error_code == 0
    monkeypatch.setattr(segment_module, "os", _FullDisk())
    for i in range(30):
        result = await produce(client, "full", i % 2, make_batch([b"lost"]))
        assert result.error_code == ErrorCode.KAFKA_STORAGE_ERROR
    errors = [
        r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.ERROR
    ]
    assert len(errors) == 2  # one per partition, not one per request
    assert sorted(e.split(":")[0] for e in errors) == ["full-0", "full-1"]
    assert all("No space left on device" in e and "MiB free" in e for e in errors)

    monkeypatch.undo()
    for p in (0, 1):
        assert (await produce(client, "full", p, make_batch([b"after"]))).error_code == 0
    recovered = [
        r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING
    ]
    assert sorted(m.split(":")[0] for m in recovered) == ["full-0", "full-1"]
    assert values_of((await fetch(client, "full", 0, 0)).records) == [b"first", b"after"]
