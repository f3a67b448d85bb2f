"""Fixtures of the CLI tests: ``samsa`` run in-process (CliRunner) against the ``broker``
fixture (on a thread of its own, the tests being synchronous)."""

from __future__ import annotations

from typing import Any

import pytest
from cli.cli_support import Invoke, invoke_samsa

from broker.app import Broker


@pytest.fixture
def broker_defaults() -> dict[str, Any]:
    """Three partitions per topic by default; a group's first rebalance is not delayed (Kafka
    waits 3 s for more members by default)."""
    return {"num_partitions": 3, "group_initial_rebalance_delay_ms": 0}


@pytest.fixture
def samsa(broker: Broker) -> Invoke:
    """``samsa(*args, input=…, expect=0)``: run the CLI in-process against ``broker``."""
    return invoke_samsa(broker.bootstrap_servers)
