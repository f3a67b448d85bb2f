"""Fixtures of the integration tests: a wire client connected to the ``broker`` fixture.

Settings for one test: ``@pytest.mark.samsa_config(**settings)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.wire import WireClient

from broker.app import Broker


@pytest.fixture
async def client(broker: Broker) -> AsyncIterator[WireClient]:
    c = await WireClient.connect(broker.bootstrap_servers)
    yield c
    await c.close()
