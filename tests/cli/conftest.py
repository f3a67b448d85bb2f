"""Fixtures of the CLI tests: an embedded broker and ``samsa`` run in-process (CliRunner)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cli_support import Invoke, invoke_samsa

from broker.app import Broker


@pytest.fixture
def broker() -> Iterator[Broker]:
    """A broker with three partitions per topic by default, on its own thread; a group's
    first rebalance is not delayed (Kafka waits 3 s for more members by default)."""
    with Broker.embedded_in_thread(num_partitions=3, group_initial_rebalance_delay_ms=0) as b:
        yield b


@pytest.fixture
def samsa(broker: Broker) -> Invoke:
    """``samsa(*args, input=…, expect=0)``: run the CLI in-process against ``broker``."""
    return invoke_samsa(broker.bootstrap_servers)
