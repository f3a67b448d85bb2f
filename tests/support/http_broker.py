"""A broker's state as the HTTP listener sees it before anything has started: for testing the
listener alone (its routes, bounds and login) without a running broker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from broker.faults import FaultPlan


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class _NoFaults:
    """Fault injection with nothing armed (what ``/metrics`` reads of it)."""

    def __init__(self) -> None:
        self.plan = FaultPlan()
        self.chaos_running = False


class NotStartedBroker:
    """Every layer the scrape and the console read is absent (None), as before a start."""

    cluster_id = ""
    server: Any = None
    services: Any = None
    replica_manager: Any = None
    group_coordinator: Any = None
    flusher: Any = None
    metadata_log: Any = None
    faults: Any = _NoFaults()

    @property
    def clock_ms(self) -> Callable[[], int]:
        return _wall_clock_ms
