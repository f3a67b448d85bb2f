"""The controller id Metadata and DescribeCluster give clients: a live broker, never -1."""

from __future__ import annotations

import pytest
from unit.broker.test_authorization_handlers import FakeController, FakeServices, call

from broker.metadata.image import BrokerRegistration, MetadataImage
from protocol.messages import DescribeClusterRequest, MetadataRequest

pytestmark = pytest.mark.timeout(30)

#: This broker is 2; brokers 1 and 2 are live.
IMAGE = MetadataImage(
    brokers={
        1: BrokerRegistration(1, "h1", 9092, fenced=False),
        2: BrokerRegistration(2, "h2", 9092, fenced=False),
    }
)


@pytest.mark.parametrize(
    ("active", "seen"),
    [
        (1, 1),  # the active controller is a live broker: clients are sent there
        (9, 2),  # a dedicated controller (no client listener): this broker forwards
        # Not known here (an election, or just after a pause): this broker forwards, and
        # retries until a controller answers; -1 would leave librdkafka's admin requests
        # waiting for a controller until they time out.
        (-1, 2),
    ],
)
def test_clients_are_given_a_live_broker(active: int, seen: int) -> None:
    services = FakeServices(
        enabled=False, image=IMAGE, controller=FakeController(controller_id=active), node_id=2
    )
    assert call(services, MetadataRequest(topics=[]), 12).controller_id == seen
    assert call(services, DescribeClusterRequest(), 0).controller_id == seen
