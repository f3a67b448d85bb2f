"""A pytest plugin: a real Samsa broker per test, without Docker.

Registered through the ``pytest11`` entry point, so installing Samsa is enough::

    def test_roundtrip(samsa_broker):
        producer = Producer({"bootstrap.servers": samsa_broker.bootstrap_servers})
        ...

The broker runs on 127.0.0.1 and a free port, in a background thread, with a temporary data
directory (removed afterwards). Settings for one test::

    @pytest.mark.samsa_config(num_partitions=3, **{"auto.create.topics.enable": False})
    def test_something(samsa_broker): ...

``samsa_broker.faults`` makes it fail on purpose, on the wire, from the test's own thread (each
call waits until the broker carried it out)::

    def test_retries(samsa_broker):
        samsa_broker.faults.fail("Produce", "NOT_LEADER_OR_FOLLOWER", count=2)
        ...  # the application's producer retries; samsa_broker.faults.history() shows the hits

``fail``, ``delay``, ``drop_connection``, ``refuse_connections``, ``pause``/``resume``,
``rebalance``, ``expire_member``, ``move_leader``, ``bump_leader_epoch``, ``chaos(seed)``,
``clear`` (``broker/fault_control.py``; the README's "Testing your application").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from broker.app import Broker

__all__ = ["samsa_broker"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``samsa_config`` marker."""
    config.addinivalue_line(
        "markers",
        "samsa_config(**settings): broker settings (Kafka or Python names) for samsa_broker",
    )


@pytest.fixture
def samsa_broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A running broker for this test; use ``.bootstrap_servers`` (and ``.faults``)."""
    from broker.app import Broker

    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("samsa_config"))):
        settings.update(marker.kwargs)
    with Broker.embedded_in_thread(**settings) as broker:
        yield broker
