"""ElectLeaders' pure planner: which partitions get which leader, and what each answer says."""

from __future__ import annotations

import pytest
from unit.broker.test_placement import TID, image_with

from broker.metadata.image import NO_LEADER, MetadataImage
from broker.metadata.placement import (
    PREFERRED_ELECTION,
    UNCLEAN_ELECTION,
    ElectionResult,
    plan_elections,
)
from broker.metadata.records import (
    PartitionChangeRecord,
    PartitionRecord,
    TopicRecord,
)
from protocol.errors import ErrorCode

E = ErrorCode

# (replicas, isr, leader) of partitions 0, 1, 2... of topic "t" on brokers 1-3; 3 is fenced.
PARTITIONS = [
    ((1, 2), (1, 2), 2),  # 0: preferred 1 in sync, 2 leads: a preferred election moves it
    ((1, 2), (1, 2), 1),  # 1: its preferred replica leads already
    ((3, 1), (1,), 1),  # 2: preferred 3 is fenced (out of the ISR)
    ((2, 3), (3,), NO_LEADER),  # 3: leaderless, the last ISR member fenced; 2 is active
    ((3,), (3,), NO_LEADER),  # 4: leaderless, no active replica at all
    ((1, 2), (2,), NO_LEADER),  # 5: leaderless, an active ISR member (2) not preferred
]


def image() -> MetadataImage:
    return image_with(PARTITIONS, fenced=(3,))


@pytest.mark.parametrize(
    ("election", "partition", "error", "leader", "isr"),
    [
        (PREFERRED_ELECTION, 0, E.NONE, 1, None),
        (PREFERRED_ELECTION, 1, E.ELECTION_NOT_NEEDED, None, None),
        (PREFERRED_ELECTION, 2, E.PREFERRED_LEADER_NOT_AVAILABLE, None, None),
        # Leaderless and its preferred replica out of the ISR: another in-sync replica leads.
        (PREFERRED_ELECTION, 5, E.NONE, 2, None),
        (PREFERRED_ELECTION, 3, E.PREFERRED_LEADER_NOT_AVAILABLE, None, None),
        (UNCLEAN_ELECTION, 0, E.ELECTION_NOT_NEEDED, None, None),
        # No active ISR member: the first active replica, alone in the ISR.
        (UNCLEAN_ELECTION, 3, E.NONE, 2, (2,)),
        (UNCLEAN_ELECTION, 4, E.ELIGIBLE_LEADERS_NOT_AVAILABLE, None, None),
        # An active ISR member comes first: a clean election, the ISR as it is.
        (UNCLEAN_ELECTION, 5, E.NONE, 2, None),
    ],
)
def test_one_partition(
    election: int,
    partition: int,
    error: ErrorCode,
    leader: int | None,
    isr: tuple[int, ...] | None,
) -> None:
    results, records = plan_elections(image(), election, [("t", partition)])
    assert [(r.topic, r.partition, r.error) for r in results] == [("t", partition, error)]
    if leader is None:
        assert records == []
        assert (results[0].message is None) == (error == E.ELECTION_NOT_NEEDED)
    else:
        assert records == [PartitionChangeRecord(TID, partition, leader=leader, isr=isr)]
        assert results[0].message is None


def test_unknown_topics_and_partitions_are_answered_as_such() -> None:
    results, records = plan_elections(image(), PREFERRED_ELECTION, [("t", 9), ("nope", 0)])
    assert [(r.topic, r.partition, r.error) for r in results] == [
        ("t", 9, E.UNKNOWN_TOPIC_OR_PARTITION),
        ("nope", 0, E.UNKNOWN_TOPIC_OR_PARTITION),
    ]
    assert records == []


def test_every_partition_answers_only_for_those_that_needed_an_election() -> None:
    results, records = plan_elections(image(), PREFERRED_ELECTION, None)
    unavailable = E.PREFERRED_LEADER_NOT_AVAILABLE
    assert results == [
        ElectionResult("t", 0, E.NONE, None),
        *(
            ElectionResult("t", p, unavailable, results[i].message)
            for i, p in enumerate((2, 3, 4), 1)
        ),
        ElectionResult("t", 5, E.NONE, None),
    ]
    assert [r.partition_id for r in records] == [0, 5]
    assert "preferred replica 3" in (results[1].message or "")


def test_a_partition_named_twice_is_elected_once() -> None:
    results, records = plan_elections(image(), PREFERRED_ELECTION, [("t", 0), ("t", 0)])
    assert [r.error for r in results] == [E.NONE, E.NONE]
    assert len(records) == 1


def test_the_planned_records_apply_and_a_second_election_is_not_needed() -> None:
    before = image()
    _, records = plan_elections(before, PREFERRED_ELECTION, None)
    after = before.apply(before.offset + 1, records)
    again, more = plan_elections(after, PREFERRED_ELECTION, [("t", 0), ("t", 5)])
    # 5 is led now, though not by its preferred replica, which is still out of the ISR.
    assert [r.error for r in again] == [E.ELECTION_NOT_NEEDED, E.PREFERRED_LEADER_NOT_AVAILABLE]
    assert more == []


def test_a_cluster_of_one_registers_no_broker_and_needs_no_election() -> None:
    # A single broker's image has topics but no broker registrations: its partitions are led.
    single = MetadataImage.empty().apply(
        0, [TopicRecord("t", TID), PartitionRecord(TID, 0, (1,), (1,), 1)]
    )
    for election in (PREFERRED_ELECTION, UNCLEAN_ELECTION):
        results, records = plan_elections(single, election, [("t", 0)])
        assert [r.error for r in results] == [E.ELECTION_NOT_NEEDED]
        assert records == []


def test_an_unknown_election_type_is_refused() -> None:
    with pytest.raises(ValueError, match="election type 2"):
        plan_elections(image(), 2, None)
