"""Which thread opened (and so recovered) each partition log: tests that a recovery ran on a
worker thread, not on the event loop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from broker.storage import PartitionLog
from broker.storage.names import TopicPartition


def record_open_threads(monkeypatch: pytest.MonkeyPatch) -> dict[TopicPartition, int]:
    """From now on, every ``PartitionLog.open`` records its partition's thread id here."""
    opened_on: dict[TopicPartition, int] = {}
    real_open = PartitionLog.open

    def recording_open(directory: Path, tp: TopicPartition, *args: Any, **kwargs: Any) -> Any:
        opened_on[tp] = threading.get_ident()
        return real_open(directory, tp, *args, **kwargs)

    monkeypatch.setattr(PartitionLog, "open", recording_open)
    return opened_on
