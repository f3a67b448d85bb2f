"""Fixtures of the client tests: the ``broker`` fixture with 3 partitions per topic by default
and no initial rebalance delay (so that groups form at once), its address, an Admin client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from broker import Broker
from client import Admin


@pytest.fixture
def broker_defaults() -> dict[str, Any]:
    return {"num_partitions": 3, "group_initial_rebalance_delay_ms": 0}


@pytest.fixture
def bootstrap(broker: Broker) -> str:
    return broker.bootstrap_servers


@pytest.fixture
async def admin(bootstrap: str) -> AsyncIterator[Admin]:
    async with Admin(bootstrap_servers=bootstrap) as a:
        yield a
