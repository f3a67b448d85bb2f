"""A broker restarted in a cluster has caught up with the metadata once its image holds its own
registration at the offset the active controller answered: an answer follows its request, so
everything committed before the restart is at or below it. (The first Raft message a restarted
voter hears may have waited in its leader's queue since before the restart.)"""

from __future__ import annotations

from typing import Any

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import BrokerConfig, load_config
from broker.metadata.controller import Controller
from broker.metadata.image import MetadataImage
from broker.metadata.quorum import BrokerLifecycle, handle_rpc
from broker.metadata.records import RegisterBrokerRecord

pytestmark = pytest.mark.timeout(30)


def _config(node_id: int) -> BrokerConfig:
    settings = {
        "log.dirs": "/nonexistent",
        "node.id": node_id,
        "controller.quorum.voters": "1@127.0.0.1:9999,2@127.0.0.1:9998,3@127.0.0.1:9997",
    }
    return load_config(None, settings)


class _ActiveController:
    """The router of a broker whose active controller is ``active``."""

    def __init__(self, active: Controller) -> None:
        self.active = active

    async def call(self, op: str, body: dict[str, Any], timeout_s: float = 10.0) -> dict[str, Any]:
        return await handle_rpc(self.active, op, body)

    async def wait_for_offset(self, offset: int) -> None:
        return None  # bounded in the real router: the broker goes on behind


def _registration(broker_id: int) -> RegisterBrokerRecord:
    return RegisterBrokerRecord(broker_id, f"incarnation-{broker_id}", "h", 9000 + broker_id, None)


async def test_caught_up_once_the_image_holds_the_answered_registration() -> None:
    active = Controller(MemoryLog(), MetadataImage.empty(), _config(1))
    # What the quorum committed while broker 2 was away (leaderships moved, brokers came).
    for broker_id in (1, 3, 4, 5):
        await active._commit([_registration(broker_id)])
    # Broker 2 restarted from its disk: an image behind the quorum's.
    own = Controller(MemoryLog(), MetadataImage.empty(), _config(2))
    lifecycle = BrokerLifecycle(own, _ActiveController(active), _config(2), "h", 9092)  # type: ignore[arg-type]
    assert not lifecycle.caught_up(), "not registered yet"

    assert await lifecycle._beat() is not None
    registered = lifecycle.registration_offset
    assert registered is not None and registered == active.image.offset
    assert own.image.offset < registered and not lifecycle.caught_up()

    for broker_id in (1, 3, 4, 5):  # it applies what it missed, one batch at a time
        await own._commit([_registration(broker_id)])
        assert lifecycle.caught_up() == (own.image.offset >= registered)
    assert not lifecycle.caught_up(), "its own registration is not applied yet"
    await own._commit([_registration(2)])
    assert own.image.offset == registered and lifecycle.caught_up()

    # Registering again (a stale broker epoch) keeps the first registration's offset.
    lifecycle.broker_epoch = None
    await active._commit([_registration(6)])
    assert await lifecycle._beat() is not None
    assert lifecycle.registration_offset == registered
