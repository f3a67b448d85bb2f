"""The controller's pure decisions: placement, elections, broker loss, AlterPartition."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broker.metadata.image import NO_LEADER, BrokerRegistration, MetadataImage
from broker.metadata.placement import (
    PlacementError,
    alter_partition,
    assign_replicas,
    changes_for_broker_loss,
    changes_for_leaderless,
    elect_leader,
    preferred_leader_changes,
)
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

TID = uuid.UUID("7f3a2b1c-0000-4000-8000-00000000abcd")


def reg(node: int, rack: str | None = None, *, fenced: bool = False) -> BrokerRegistration:
    return BrokerRegistration(node, "127.0.0.1", 9000 + node, rack, fenced=fenced)


def image_with(
    partitions: list[tuple[tuple[int, ...], tuple[int, ...], int]],
    fenced: tuple[int, ...] = (),
    brokers: tuple[int, ...] = (1, 2, 3),
) -> MetadataImage:
    records: list[MetadataRecord] = []
    for b in brokers:
        records.append(RegisterBrokerRecord(b, f"inc-{b}", "127.0.0.1", 9000 + b))
        records.append(UnfenceBrokerRecord(b, len(records) - 1))
    for b in fenced:
        records.append(FenceBrokerRecord(b, 0))
    records.append(TopicRecord("t", TID))
    for i, (replicas, isr, leader) in enumerate(partitions):
        records.append(PartitionRecord(TID, i, replicas, isr, leader))
    return MetadataImage.empty().apply(0, records)


@pytest.mark.parametrize(
    ("brokers", "count", "factor", "start", "expected"),
    [
        ([reg(1), reg(2), reg(3)], 3, 3, 0, [(1, 2, 3), (2, 3, 1), (3, 1, 2)]),
        ([reg(1), reg(2), reg(3)], 2, 1, 1, [(2,), (3,)]),
        ([reg(3), reg(1), reg(2)], 1, 2, 0, [(1, 2)]),
        # Racks: a, b, a, b interleaved as 1(a) 2(b) 3(a) 4(b); replicas go to both racks.
        (
            [reg(1, "a"), reg(3, "a"), reg(2, "b"), reg(4, "b")],
            2,
            2,
            0,
            [(1, 2), (2, 3)],
        ),
    ],
)
def test_assign_replicas(
    brokers: list[BrokerRegistration],
    count: int,
    factor: int,
    start: int,
    expected: list[tuple[int, ...]],
) -> None:
    assert assign_replicas(brokers, count, factor, start) == expected


def test_assign_replicas_needs_enough_brokers() -> None:
    with pytest.raises(PlacementError, match="only 2 broker"):
        assign_replicas([reg(1), reg(2)], 1, 3)


@given(
    racks=st.lists(st.sampled_from("abc"), min_size=1, max_size=9),
    count=st.integers(1, 30),
    data=st.data(),
)
def test_rack_aware_placement_spreads_replicas(
    racks: list[str], count: int, data: st.DataObject
) -> None:
    brokers = [reg(i + 1, rack) for i, rack in enumerate(racks)]
    factor = data.draw(st.integers(1, len(brokers)))
    placed = assign_replicas(brokers, count, factor, data.draw(st.integers(0, 50)))
    distinct_racks = len(set(racks))
    leaders = Counter(r[0] for r in placed)
    for replicas in placed:
        assert len(replicas) == factor == len(set(replicas))
        used = {racks[r - 1] for r in replicas}
        assert len(used) == min(factor, distinct_racks)
    # Leaders spread round-robin: no broker leads more than its share (rounded up).
    assert max(leaders.values()) <= -(-count // len(brokers)) + 1


def test_election_only_from_the_isr_of_active_brokers() -> None:
    image = image_with([((1, 2, 3), (2, 3), 2)], fenced=(2,))
    p = image.partition("t", 0)
    assert p is not None
    assert elect_leader(p, image.brokers) == 3
    assert elect_leader(p, image.brokers, exclude=(3,)) == NO_LEADER
    # Broker 1 is active but out of the ISR: never elected (no unclean election).
    assert elect_leader(p, image.brokers, isr=()) == NO_LEADER


def test_broker_loss_moves_leadership_and_shrinks_the_isr() -> None:
    image = image_with(
        [((1, 2, 3), (1, 2, 3), 1), ((2, 3, 1), (2, 3, 1), 2), ((1,), (1,), 1)], fenced=(1,)
    )
    changes = changes_for_broker_loss(image, 1)
    assert changes == [
        PartitionChangeRecord(TID, 0, leader=2, isr=(2, 3)),
        PartitionChangeRecord(TID, 1, isr=(2, 3)),
        # The last ISR member stays in the ISR (it has the data); no leader meanwhile.
        PartitionChangeRecord(TID, 2, leader=NO_LEADER),
    ]
    after = image.apply(image.offset + 1, changes)
    p0 = after.partition("t", 0)
    assert p0 is not None and (p0.leader, p0.leader_epoch) == (2, 1)


def test_leaderless_partitions_get_an_active_isr_member() -> None:
    image = image_with([((1, 2), (1,), NO_LEADER), ((1, 2), (2,), NO_LEADER)], fenced=(2,))
    assert changes_for_leaderless(image) == [PartitionChangeRecord(TID, 0, leader=1)]


def test_preferred_leader_returns_when_in_sync() -> None:
    image = image_with([((1, 2, 3), (1, 2, 3), 2), ((1, 2, 3), (2, 3), 2)])
    assert preferred_leader_changes(image) == [PartitionChangeRecord(TID, 0, leader=1)]


@pytest.mark.parametrize(
    ("leader", "leader_epoch", "partition_epoch", "isr", "error", "changes"),
    [
        (1, 0, 0, (1, 2), ErrorCode.NONE, True),
        (1, 0, 0, (1, 2, 3), ErrorCode.NONE, False),
        (1, 1, 0, (1, 2), ErrorCode.FENCED_LEADER_EPOCH, False),
        (2, 0, 0, (1, 2), ErrorCode.NOT_LEADER_OR_FOLLOWER, False),
        (1, 0, 7, (1, 2), ErrorCode.INVALID_UPDATE_VERSION, False),
        (1, 0, 0, (2, 3), ErrorCode.INVALID_REQUEST, False),
        (1, 0, 0, (1, 4), ErrorCode.INVALID_REQUEST, False),
    ],
)
def test_alter_partition(
    leader: int,
    leader_epoch: int,
    partition_epoch: int,
    isr: tuple[int, ...],
    error: ErrorCode,
    changes: bool,
) -> None:
    image = image_with([((1, 2, 3), (1, 2, 3), 1)])
    got, record, _ = alter_partition(image, "t", 0, leader, leader_epoch, partition_epoch, isr)
    assert got == error
    assert (record is not None) == changes


def test_alter_partition_adds_only_active_brokers() -> None:
    image = image_with([((1, 2, 3), (1, 2), 1)], fenced=(3,))
    error, record, _ = alter_partition(image, "t", 0, 1, 0, 0, (1, 2, 3))
    assert (error, record) == (ErrorCode.INELIGIBLE_REPLICA, None)
    assert alter_partition(image, "nope", 0, 1, 0, 0, (1,))[0] == (
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    )
