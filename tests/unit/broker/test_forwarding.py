"""The image publisher, and the ForwardingController against an in-memory active controller."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from typing import Any

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import load_config
from broker.metadata.controller import Controller
from broker.metadata.controller_api import (
    AlterConfigOp,
    ConfigResourceChange,
    NewTopic,
)
from broker.metadata.forwarding import ForwardingController
from broker.metadata.image import TOPIC_RESOURCE, MetadataDelta, MetadataImage
from broker.metadata.publisher import ImagePublisher
from broker.metadata.quorum import handle_rpc
from broker.metadata.records import PartitionRecord, TopicRecord
from protocol.errors import ErrorCode, NotControllerError
from protocol.types import TopicPartition


def _controller(node_id: int = 1, **kwargs: Any) -> Controller:
    config = load_config(None, {"log.dirs": "/nonexistent", "node.id": node_id})
    return Controller(MemoryLog(), MetadataImage.empty(), config, **kwargs)


class StandbyController(Controller):
    """A voter's controller while another broker is the active one."""

    @property
    def is_active(self) -> bool:
        return False


class LoopbackRouter:
    """Sends calls as JSON to an active controller in memory; ``wait_for_offset`` brings the
    standby's image up to the active one (what the metadata log does in a cluster)."""

    def __init__(self, active: Controller, standby: Controller) -> None:
        self.active = active
        self.standby = standby
        self.calls: list[str] = []

    async def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(op)
        answer = await handle_rpc(self.active, op, json.loads(json.dumps(body)))
        return dict(json.loads(json.dumps(answer)))

    async def wait_for_offset(self, offset: int) -> None:
        assert self.active.image.offset >= offset
        self.standby.publisher.install_image(self.active.image)


class RefusingRouter:
    async def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError(f"{op} was forwarded")

    async def wait_for_offset(self, offset: int) -> None:
        raise AssertionError("nothing was forwarded")


def _forwarding() -> tuple[ForwardingController, LoopbackRouter]:
    active = _controller(1)
    standby = StandbyController(MemoryLog(), MetadataImage.empty(), active.config)
    router = LoopbackRouter(active, standby)
    return ForwardingController(standby, router), router


# -- the publisher -------------------------------------------------------------------------------


async def test_publisher_applies_batches_and_tells_listeners_in_order() -> None:
    config = load_config(None, {"log.dirs": "/nonexistent"})
    publisher = ImagePublisher(MetadataImage.empty(), config)
    seen: list[tuple[str, int, bool]] = []

    def first(image: MetadataImage, delta: MetadataDelta) -> None:
        seen.append(("first", image.offset, bool(delta.created_topics)))

    def second(image: MetadataImage, delta: MetadataDelta) -> None:
        seen.append(("second", image.offset, bool(delta.created_topics)))

    publisher.add_listener(first)
    publisher.add_listener(second)
    tid = uuid.UUID(int=3)
    waiter = asyncio.create_task(publisher.wait_applied(1))
    image = publisher.apply_records([TopicRecord("t", tid), PartitionRecord(tid, 0, (1,), (1,), 1)])
    assert image is publisher.image and image.topic("t") is not None
    await asyncio.wait_for(waiter, 5)
    assert seen == [("first", 1, True), ("second", 1, True)]
    # A batch that does not apply is skipped: the image stays, nobody is told.
    assert publisher.apply_records([PartitionRecord(uuid.UUID(int=9), 0, (1,), (1,), 1)]) is image
    assert len(seen) == 2
    # A snapshot is published as the delta from the current image.
    publisher.install_image(MetadataImage.empty())
    assert publisher.image.topic("t") is None and seen[-1][0] == "second"


# -- forwarding ----------------------------------------------------------------------------------


async def test_admin_changes_are_forwarded_and_applied_before_the_answer() -> None:
    forwarding, router = _forwarding()
    [created] = await forwarding.create_topics([NewTopic("t", 2, configs={"retention.ms": "7"})])
    assert created.error == ErrorCode.NONE and created.num_partitions == 2
    assert created.configs is not None and created.configs["retention.ms"].value == "7"
    topic = forwarding.image.topic("t")
    assert topic is not None and topic.topic_id == created.topic_id
    [dup] = await forwarding.create_topics([NewTopic("t")], validate_only=True)
    assert dup.error == ErrorCode.TOPIC_ALREADY_EXISTS
    [more, missing] = await forwarding.create_partitions([("t", 3, None), ("nope", 2, None)])
    assert (more.error, missing.error) == (ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    [altered] = await forwarding.alter_configs(
        [ConfigResourceChange(TOPIC_RESOURCE, "t", [("segment.ms", AlterConfigOp.SET, "5")])]
    )
    assert altered.error == ErrorCode.NONE
    assert forwarding.topic_configs("t")["segment.ms"].value == "5"
    [deleted] = await forwarding.delete_topics(["t"])
    assert deleted.error == ErrorCode.NONE and forwarding.image.topic("t") is None
    assert router.calls == [
        "create_topics",
        "create_topics",
        "create_partitions",
        "alter_configs",
        "delete_topics",
    ]


async def test_producer_id_blocks_come_from_the_active_controller() -> None:
    forwarding, router = _forwarding()
    assert forwarding.try_allocate_producer_id() is None
    first = await forwarding.allocate_producer_id()
    assert forwarding.try_allocate_producer_id() == first + 1
    own = await router.active.allocate_producer_id()
    assert own != first and own != first + 1
    assert router.calls == ["producer_ids"]


async def test_alter_partition_is_forwarded_with_this_broker_as_leader() -> None:
    forwarding, router = _forwarding()
    await forwarding.create_topics([NewTopic("t", 1, 1)])
    result = await forwarding.alter_partition(TopicPartition("t", 0), 0, 0, (1,))
    assert result.error == ErrorCode.NONE and result.isr == (1,)
    stale = await forwarding.alter_partition(TopicPartition("t", 0), 5, 0, (1,))
    assert stale.error == ErrorCode.FENCED_LEADER_EPOCH
    assert router.calls[-2:] == ["alter_partition", "alter_partition"]


async def test_the_active_broker_runs_changes_itself() -> None:
    local = _controller(1, rng=random.Random(1), topic_ids=lambda: uuid.UUID(int=12))
    forwarding = ForwardingController(local, RefusingRouter())
    [created] = await forwarding.create_topics([NewTopic("t")])
    assert created.topic_id == uuid.UUID(int=12)
    assert (await forwarding.alter_partition(TopicPartition("t", 0), 0, 0, (1,))).isr == (1,)
    assert await forwarding.allocate_producer_id() == 0
    assert forwarding.try_allocate_producer_id() == 1
    [deleted] = await forwarding.delete_topics(["t"])
    assert deleted.error == ErrorCode.NONE
    await forwarding.close()
    with pytest.raises(NotControllerError, match="shutting down"):
        await forwarding.create_topics([NewTopic("u")])
