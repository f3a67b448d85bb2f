"""Leadership moves on request: the pure plan (``placement.leader_change``), the controller
committing it, and the same change forwarded as JSON to the active controller."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import load_config
from broker.metadata.controller import Controller
from broker.metadata.forwarding import ForwardingController
from broker.metadata.image import MetadataImage
from broker.metadata.placement import leader_change
from broker.metadata.quorum import handle_rpc
from broker.metadata.records import (
    FenceBrokerRecord,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionRecord,
    RegisterBrokerRecord,
    TopicRecord,
    UnfenceBrokerRecord,
)
from protocol.errors import ErrorCode

pytestmark = pytest.mark.timeout(30)

TID = uuid.UUID("7f3a2b1c-0000-4000-8000-00000000beef")


def _records(
    replicas: tuple[int, ...], isr: tuple[int, ...], leader: int, fenced: tuple[int, ...] = ()
) -> list[MetadataRecord]:
    records: list[MetadataRecord] = []
    for b in (1, 2, 3):
        records.append(RegisterBrokerRecord(b, f"inc-{b}", "127.0.0.1", 9000 + b))
        records.append(UnfenceBrokerRecord(b, len(records) - 1))
    records.extend(FenceBrokerRecord(b, 0) for b in fenced)
    records.append(TopicRecord("t", TID))
    records.append(PartitionRecord(TID, 0, replicas, isr, leader, leader_epoch=4))
    return records


def _image(
    replicas: tuple[int, ...], isr: tuple[int, ...], leader: int, fenced: tuple[int, ...] = ()
) -> MetadataImage:
    return MetadataImage.empty().apply(0, _records(replicas, isr, leader, fenced))


def test_move_picks_the_first_other_active_isr_member() -> None:
    image = _image((1, 2, 3), (1, 2, 3), 1, fenced=(2,))
    error, message, record = leader_change(image, "t", 0, None, False)
    assert (error, message) == (ErrorCode.NONE, None)
    assert record == PartitionChangeRecord(TID, 0, leader=3)
    after = image.apply(image.offset + 1, [record])
    state = after.partition("t", 0)
    assert state is not None
    assert (state.leader, state.leader_epoch, state.isr) == (3, 5, (1, 2, 3))


def test_move_to_a_named_target() -> None:
    image = _image((1, 2, 3), (1, 2, 3), 1)
    assert leader_change(image, "t", 0, 3, False)[2] == PartitionChangeRecord(TID, 0, leader=3)


@pytest.mark.parametrize(
    ("isr", "fenced", "target", "code", "words"),
    [
        ((1,), (), None, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, "no other active in-sync"),
        ((1, 2), (2,), None, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, "no other active"),
        ((1, 2), (), 3, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, "broker 3 is not an active"),
        ((1, 2, 3), (3,), 3, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, "broker 3 is not"),
        ((1, 2, 3), (), 1, ErrorCode.INVALID_REQUEST, "already leads"),
    ],
)
def test_refusals_are_one_line(
    isr: tuple[int, ...], fenced: tuple[int, ...], target: int | None, code: ErrorCode, words: str
) -> None:
    image = _image((1, 2, 3), isr, 1, fenced)
    error, message, record = leader_change(image, "t", 0, target, False)
    assert error is code and record is None
    assert message is not None and words in message and "\n" not in message


def test_unknown_partition_and_no_leader() -> None:
    image = _image((1, 2, 3), (1, 2, 3), 1)
    assert leader_change(image, "t", 7, None, False)[:2] == (
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        "t-7 does not exist",
    )
    assert leader_change(image, "nope", 0, None, True)[0] is ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    leaderless = _image((1, 2, 3), (1,), -1)
    assert leader_change(leaderless, "t", 0, None, True)[0] is ErrorCode.LEADER_NOT_AVAILABLE
    fenced_leader = _image((1, 2, 3), (1, 2), 1, fenced=(1,))
    assert leader_change(fenced_leader, "t", 0, None, True)[0] is ErrorCode.LEADER_NOT_AVAILABLE


def test_a_cluster_of_one_registers_no_broker_and_still_bumps() -> None:
    alone = MetadataImage.empty().apply(
        0, [TopicRecord("t", TID), PartitionRecord(TID, 0, (1,), (1,), 1, leader_epoch=2)]
    )
    error, _, record = leader_change(alone, "t", 0, None, True)
    assert error is ErrorCode.NONE and record == PartitionChangeRecord(TID, 0, leader=1)
    assert leader_change(alone, "t", 0, None, False)[0] is ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE


def test_bump_keeps_the_leader_and_grows_the_epoch() -> None:
    image = _image((1, 2, 3), (1,), 1)  # no other ISR member: a bump needs none
    error, _, record = leader_change(image, "t", 0, None, True)
    assert error is ErrorCode.NONE and record == PartitionChangeRecord(TID, 0, leader=1)
    state = image.apply(image.offset + 1, [record]).partition("t", 0)
    assert state is not None
    assert (state.leader, state.leader_epoch, state.partition_epoch) == (1, 5, 1)


def test_a_change_without_the_leader_keeps_the_epoch() -> None:
    image = _image((1, 2, 3), (1, 2, 3), 1)
    state = image.apply(image.offset + 1, [PartitionChangeRecord(TID, 0, isr=(1, 2))]).partition(
        "t", 0
    )
    assert state is not None and (state.leader, state.leader_epoch) == (1, 4)


def _controller(node_id: int = 1) -> Controller:
    config = load_config(None, {"log.dirs": "/nonexistent", "node.id": node_id})
    return Controller(MemoryLog(), MetadataImage.empty(), config)


async def _seeded(controller: Controller) -> None:
    await controller._commit(_records((1, 2, 3), (1, 2, 3), 1))


async def test_controller_commits_a_move_and_a_bump() -> None:
    controller = _controller()
    await _seeded(controller)
    moved = await controller.elect_leader("t", 0, 2, False)
    assert (moved.name, moved.error) == ("t-0", ErrorCode.NONE)
    state = controller.image.partition("t", 0)
    assert state is not None and (state.leader, state.leader_epoch) == (2, 5)
    bumped = await controller.elect_leader("t", 0, None, True)
    assert bumped.error is ErrorCode.NONE and bumped.message == "t-0: leader 2 at leader epoch 6"
    refused = await controller.elect_leader("t", 9, None, False)
    assert refused.error is ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    assert controller.image.partition("t", 0) is not None


class _Standby(Controller):
    @property
    def is_active(self) -> bool:
        return False


class _Loopback:
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


async def test_forwarded_to_the_active_controller() -> None:
    active = _controller(1)
    await _seeded(active)
    standby = _Standby(MemoryLog(), MetadataImage.empty(), active.config)
    router = _Loopback(active, standby)
    forwarding = ForwardingController(standby, router)
    moved = await forwarding.elect_leader("t", 0, None, False)
    assert moved.error is ErrorCode.NONE and router.calls == ["elect_leader"]
    state = forwarding.image.partition("t", 0)  # applied here before the answer
    assert state is not None and (state.leader, state.leader_epoch) == (2, 5)
    refused = await forwarding.elect_leader("t", 0, 2, False)
    assert refused.error is ErrorCode.INVALID_REQUEST and refused.message is not None
    bumped = await forwarding.elect_leader("t", 0, None, True)
    state = forwarding.image.partition("t", 0)
    assert bumped.error is ErrorCode.NONE
    assert state is not None and (state.leader, state.leader_epoch) == (2, 6)
