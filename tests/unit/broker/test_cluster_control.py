"""Cluster control: broker sessions with the time passed in, and the lifecycle planners."""

from __future__ import annotations

import uuid

from broker.metadata.cluster_control import (
    BrokerSessions,
    leads_any,
    plan_controlled_shutdown,
    plan_fence_after_shutdown,
    plan_fencing,
    plan_registration,
    plan_unfence,
)
from broker.metadata.image import NO_LEADER, MetadataImage
from broker.metadata.records import (
    BrokerRegistrationChangeRecord,
    FenceBrokerRecord,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionRecord,
    RegisterBrokerRecord,
    TopicRecord,
    UnfenceBrokerRecord,
)

TID = uuid.UUID(int=77)


def _image(
    leaders: tuple[int, ...] = (1, 2), brokers: tuple[int, ...] = (1, 2, 3)
) -> MetadataImage:
    """Brokers registered and unfenced; topic ``t`` with one partition per leader, replicas
    (leader, next broker), everyone in sync."""
    records: list[MetadataRecord] = []
    for b in brokers:
        records.append(RegisterBrokerRecord(b, f"inc-{b}", "127.0.0.1", 9000 + b))
        records.append(UnfenceBrokerRecord(b, len(records) - 1))
    records.append(TopicRecord("t", TID))
    for p, leader in enumerate(leaders):
        replicas = (leader, brokers[(brokers.index(leader) + 1) % len(brokers)])
        records.append(PartitionRecord(TID, p, replicas, replicas, leader))
    return MetadataImage.empty().apply(0, records)


def _commit(image: MetadataImage, records: list[MetadataRecord]) -> MetadataImage:
    return image.apply(image.offset + 1, records)


# -- sessions -----------------------------------------------------------------------------------


def test_sessions_expire_after_the_timeout_of_the_time_given() -> None:
    image = _image()
    sessions = BrokerSessions(session_timeout_ms=1000, rebalance_interval_s=300)
    assert sessions.became_active(image.brokers, now_s=100.0)
    assert not sessions.became_active(image.brokers, now_s=100.5)  # still the same term
    sessions.heartbeat(1, 100.8)
    assert sessions.expired(image, 101.0) == []
    assert sessions.expired(image, 101.5) == [2, 3]
    assert sessions.expired(image, 102.0) == [1, 2, 3]
    # A new term of office: every broker gets a full session again.
    sessions.lost_active()
    assert sessions.became_active(image.brokers, now_s=200.0)
    assert sessions.expired(image, 200.9) == []


def test_rebalance_is_due_once_per_interval() -> None:
    sessions = BrokerSessions(session_timeout_ms=1000, rebalance_interval_s=10)
    sessions.became_active([], now_s=0.0)
    assert not sessions.rebalance_due(9.9)
    assert sessions.rebalance_due(10.0)
    assert not sessions.rebalance_due(15.0)
    assert sessions.rebalance_due(20.0)


# -- registration and unfencing ------------------------------------------------------------------


def test_registering_the_same_incarnation_changes_nothing() -> None:
    image = _image()
    assert plan_registration(image, 1, "inc-1", "127.0.0.1", 9001, None) == []


def test_a_new_incarnation_fences_the_old_one_first() -> None:
    image = _image()
    records = plan_registration(image, 1, "inc-1b", "127.0.0.1", 9001, None)
    assert records[0] == FenceBrokerRecord(1, image.brokers[1].epoch)
    assert records[-1] == RegisterBrokerRecord(1, "inc-1b", "127.0.0.1", 9001, None, True)
    after = _commit(image, records)
    p = after.partition("t", 0)
    assert p is not None and p.leader == 2 and p.isr == (2,)
    assert after.brokers[1].fenced


def test_unfencing_waits_for_the_registration_to_be_applied() -> None:
    image = _image(leaders=(1,))
    image = _commit(image, plan_registration(image, 1, "inc-1b", "127.0.0.1", 9001, None))
    epoch = image.brokers[1].epoch
    assert plan_unfence(image, 1, metadata_offset=epoch - 1) == []
    records = plan_unfence(image, 1, metadata_offset=epoch)
    assert records[0] == UnfenceBrokerRecord(1, epoch)
    assert not _commit(image, records).brokers[1].fenced
    assert plan_unfence(_commit(image, records), 1, metadata_offset=epoch) == []


def test_unfencing_elects_the_broker_where_nobody_leads() -> None:
    image = _image(leaders=(1,), brokers=(1, 2))
    image = _commit(image, plan_fencing(image, [2]))  # 2 leaves the ISR: (1,)
    image = _commit(image, plan_registration(image, 1, "inc-1b", "127.0.0.1", 9001, None))
    p = image.partition("t", 0)
    assert p is not None and (p.leader, p.isr) == (NO_LEADER, (1,))
    records = plan_unfence(image, 1, metadata_offset=image.offset)
    assert any(isinstance(r, PartitionChangeRecord) and r.leader == 1 for r in records)


# -- controlled shutdown and fencing ---------------------------------------------------------------


def test_controlled_shutdown_moves_leaderships_then_fences() -> None:
    image = _image()
    records = plan_controlled_shutdown(image, 1)
    assert records[0] == BrokerRegistrationChangeRecord(
        1, image.brokers[1].epoch, in_controlled_shutdown=True
    )
    assert plan_fence_after_shutdown(image, 1) == []  # still leads
    image = _commit(image, records)
    assert not leads_any(image, 1)
    assert plan_controlled_shutdown(image, 1) == []  # nothing left to move
    [fence] = plan_fence_after_shutdown(image, 1)
    assert fence == FenceBrokerRecord(1, image.brokers[1].epoch)
    assert plan_fence_after_shutdown(_commit(image, [fence]), 1) == []


def test_fencing_expired_brokers_moves_their_leaderships() -> None:
    image = _image(leaders=(1, 2))
    records = plan_fencing(image, [1, 2])
    assert records[:2] == [
        FenceBrokerRecord(1, image.brokers[1].epoch),
        FenceBrokerRecord(2, image.brokers[2].epoch),
    ]
    after = _commit(image, records)
    p0, p1 = after.partition("t", 0), after.partition("t", 1)
    assert p0 is not None and p1 is not None
    # Partition 0 had only fenced replicas: no leader (never outside the ISR); its last ISR
    # member stays. Partition 1 moves to broker 3.
    assert (p0.leader, p0.isr) == (NO_LEADER, (2,))
    assert (p1.leader, p1.isr) == (3, (3,))
    assert not leads_any(after, 1) and not leads_any(after, 2)
