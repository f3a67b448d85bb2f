"""An in-process broker per test (``Broker.embedded``) and wire clients connected to it.

Settings for one test: ``@pytest.mark.samsa_config(**settings)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from support.wire import WireClient

from broker.app import Broker


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "samsa_config(**settings): broker settings")


@pytest.fixture
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("samsa_config"))):
        settings.update(marker.kwargs)
    async with Broker.embedded(**settings) as b:
        yield b


@pytest.fixture
async def client(broker: Broker) -> AsyncIterator[WireClient]:
    c = await WireClient.connect(broker.bootstrap_servers)
    yield c
    await c.close()
