"""Fixtures of the client tests: an embedded broker per test (3 partitions per topic by
default, no initial rebalance delay so that groups form at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from broker import Broker
from client import Admin


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "broker_config(**settings): embedded broker settings")


@pytest.fixture
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    settings: dict[str, Any] = {"num_partitions": 3, "group_initial_rebalance_delay_ms": 0}
    for marker in reversed(list(request.node.iter_markers("broker_config"))):
        settings.update(marker.kwargs)
    async with Broker.embedded(**settings) as b:
        yield b


@pytest.fixture
def bootstrap(broker: Broker) -> str:
    return broker.bootstrap_servers


@pytest.fixture
async def admin(bootstrap: str) -> AsyncIterator[Admin]:
    async with Admin(bootstrap_servers=bootstrap) as a:
        yield a
