"""The controller's pure decisions: replica placement, leader election, ISR changes.

No IO and no clock: each function takes the image (and what else it needs) and returns the
records to commit, or an answer. Rules, as Kafka's controller applies them:

* **placement** (``assign_replicas``): round-robin over the active brokers, the first replica
  of successive partitions moving one broker on; with racks, brokers are interleaved by rack
  and a partition's replicas go to different racks while there are racks left.
* **election** (``elect_leader``): the first replica, in assignment order, that is in the ISR
  and active (registered, unfenced, not shutting down). Never outside the ISR
  (``unclean.leader.election.enable=false``); no candidate means no leader (-1).
* **losing a broker** (``changes_for_broker_loss``): fenced or shutting down, it leaves every
  ISR (except as the last member, so that the partition remembers who has its data) and its
  leaderships move to another ISR member.
* **ISR changes** (``alter_partition``): only the current leader, at the current leader epoch
  and partition epoch, may change an ISR; the new ISR holds the leader, only replicas, and
  only active brokers among the members it adds.
* **moving a leadership on request** (``leader_change``, fault injection): to a named ISR
  member or the first other active one, never outside the ISR; or the same leader at the next
  leader epoch (a record that names the leader bumps the epoch, as in Kafka).
* **elections an operator asks for** (``plan_elections``, Kafka's ElectLeaders): *preferred*
  gives the leadership back to the first replica when it is an active ISR member; *unclean*
  gives a partition without an active leader to an active ISR member, else to any active
  replica (the ISR becomes that replica alone: what only the lost members had is gone).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from broker.metadata.image import NO_LEADER, BrokerRegistration, MetadataImage, PartitionImage
from broker.metadata.records import PartitionChangeRecord
from protocol.errors import ErrorCode

__all__ = [
    "PREFERRED_ELECTION",
    "UNCLEAN_ELECTION",
    "ElectionResult",
    "PlacementError",
    "alter_partition",
    "assign_replicas",
    "changes_for_broker_loss",
    "changes_for_leaderless",
    "elect_leader",
    "is_active",
    "leader_change",
    "plan_elections",
    "preferred_leader_changes",
]

#: ElectLeaders' election types (Kafka's numbers).
PREFERRED_ELECTION = 0
UNCLEAN_ELECTION = 1


class ElectionResult(NamedTuple):
    """One partition's answer to an election request."""

    topic: str
    partition: int
    error: ErrorCode
    message: str | None


class PlacementError(ValueError):
    """The replicas cannot be placed (fewer active brokers than the replication factor)."""


def is_active(brokers: Mapping[int, BrokerRegistration], node: int) -> bool:
    """Whether ``node`` is registered, unfenced and not shutting down."""
    b = brokers.get(node)
    return b is not None and b.active


def _rack_alternated(brokers: Sequence[BrokerRegistration]) -> list[BrokerRegistration]:
    by_rack: dict[str, list[BrokerRegistration]] = {}
    for b in sorted(brokers, key=lambda b: b.node_id):
        by_rack.setdefault(b.rack or "", []).append(b)
    racks = sorted(by_rack)
    out: list[BrokerRegistration] = []
    for i in range(max(len(v) for v in by_rack.values())):
        for rack in racks:
            if i < len(by_rack[rack]):
                out.append(by_rack[rack][i])
    return out


def assign_replicas(
    brokers: Sequence[BrokerRegistration], count: int, factor: int, start: int = 0
) -> list[tuple[int, ...]]:
    """Replicas of ``count`` partitions with ``factor`` replicas each over ``brokers``
    (the active ones); ``start`` shifts the first partition's leader."""
    if factor > len(brokers):
        raise PlacementError(
            f"Unable to replicate the partition {factor} time(s): The target replication "
            f"factor of {factor} cannot be reached because only {len(brokers)} broker(s) "
            "are registered."
        )
    ring = _rack_alternated(brokers)
    racks = {b.rack or "" for b in ring}
    n = len(ring)
    out: list[tuple[int, ...]] = []
    for p in range(count):
        first = (start + p) % n
        chosen: list[BrokerRegistration] = []
        used_racks: set[str] = set()
        # One pass preferring new racks, then fill with whoever is left.
        for prefer_new_rack in (True, False):
            for k in range(n):
                b = ring[(first + k) % n]
                if len(chosen) == factor or b in chosen:
                    continue
                if prefer_new_rack and (b.rack or "") in used_racks and used_racks != racks:
                    continue
                chosen.append(b)
                used_racks.add(b.rack or "")
        out.append(tuple(b.node_id for b in chosen))
    return out


def elect_leader(
    partition: PartitionImage,
    brokers: Mapping[int, BrokerRegistration],
    isr: Collection[int] | None = None,
    exclude: Collection[int] = (),
) -> int:
    """The first replica in the ISR that is active and not excluded, else NO_LEADER."""
    members = partition.isr if isr is None else isr
    for replica in partition.replicas:
        if replica in members and replica not in exclude and is_active(brokers, replica):
            return replica
    return NO_LEADER


def _partitions(image: MetadataImage) -> Iterable[tuple[uuid.UUID, PartitionImage]]:
    for topic in image.topics_by_id.values():
        for p in topic.partitions.values():
            yield topic.topic_id, p


def _change(
    topic_id: uuid.UUID, p: PartitionImage, leader: int, isr: tuple[int, ...]
) -> PartitionChangeRecord | None:
    if leader == p.leader and isr == p.isr:
        return None
    return PartitionChangeRecord(
        topic_id,
        p.partition_id,
        leader=leader if leader != p.leader else None,
        isr=isr if isr != p.isr else None,
    )


def changes_for_broker_loss(image: MetadataImage, node: int) -> list[PartitionChangeRecord]:
    """``node`` is fenced or shutting down: it leaves ISRs and gives up its leaderships."""
    brokers = image.brokers
    out: list[PartitionChangeRecord] = []
    for topic_id, p in _partitions(image):
        if node not in p.isr and p.leader != node:
            continue
        isr = tuple(r for r in p.isr if r != node) or p.isr
        leader = p.leader
        if leader == node or (leader != NO_LEADER and not is_active(brokers, leader)):
            leader = elect_leader(p, brokers, isr, exclude=(node,))
        change = _change(topic_id, p, leader, isr)
        if change is not None:
            out.append(change)
    return out


def changes_for_leaderless(image: MetadataImage) -> list[PartitionChangeRecord]:
    """Partitions without an active leader that have an active ISR member: elect it."""
    brokers = image.brokers
    out: list[PartitionChangeRecord] = []
    for topic_id, p in _partitions(image):
        if p.leader != NO_LEADER and is_active(brokers, p.leader):
            continue
        leader = elect_leader(p, brokers)
        if leader != NO_LEADER:
            change = _change(topic_id, p, leader, p.isr)
            if change is not None:
                out.append(change)
    return out


def preferred_leader_changes(image: MetadataImage) -> list[PartitionChangeRecord]:
    """Partitions whose preferred (first) replica is active, in the ISR and not leading."""
    brokers = image.brokers
    out: list[PartitionChangeRecord] = []
    for topic_id, p in _partitions(image):
        if not p.replicas:
            continue
        preferred = p.replicas[0]
        if p.leader != preferred and preferred in p.isr and is_active(brokers, preferred):
            change = _change(topic_id, p, preferred, p.isr)
            if change is not None:
                out.append(change)
    return out


def alter_partition(
    image: MetadataImage,
    topic: str,
    partition: int,
    leader: int,
    leader_epoch: int,
    partition_epoch: int,
    new_isr: Sequence[int],
) -> tuple[ErrorCode, PartitionChangeRecord | None, PartitionImage | None]:
    """Check a leader's ISR change: ``(error, record to commit or None, current state)``."""
    t = image.topic(topic)
    p = None if t is None else t.partitions.get(partition)
    if t is None or p is None:
        return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, None, None
    if leader_epoch != p.leader_epoch:
        return ErrorCode.FENCED_LEADER_EPOCH, None, p
    if leader != p.leader:
        return ErrorCode.NOT_LEADER_OR_FOLLOWER, None, p
    if partition_epoch != p.partition_epoch:
        return ErrorCode.INVALID_UPDATE_VERSION, None, p
    isr = tuple(dict.fromkeys(new_isr))
    if leader not in isr or any(r not in p.replicas for r in isr):
        return ErrorCode.INVALID_REQUEST, None, p
    if any(r not in p.isr and not is_active(image.brokers, r) for r in isr):
        return ErrorCode.INELIGIBLE_REPLICA, None, p
    if set(isr) == set(p.isr):
        return ErrorCode.NONE, None, p
    return ErrorCode.NONE, PartitionChangeRecord(t.topic_id, partition, isr=isr), p


def leader_change(
    image: MetadataImage, topic: str, partition: int, target: int | None, bump_only: bool
) -> tuple[ErrorCode, str | None, PartitionChangeRecord | None]:
    """Move a partition's leadership (``bump_only``: keep the leader, bump its epoch):
    ``(error, one-line message, record to commit)``. The new leader is ``target`` when given
    (an active ISR member other than the leader), else the first other active ISR member in
    assignment order."""
    t = image.topic(topic)
    p = None if t is None else t.partitions.get(partition)
    if t is None or p is None:
        return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"{topic}-{partition} does not exist", None
    leader = p.leader
    if not _leads(image, leader):
        return ErrorCode.LEADER_NOT_AVAILABLE, f"{topic}-{partition} has no active leader", None
    if bump_only:
        return ErrorCode.NONE, None, PartitionChangeRecord(t.topic_id, partition, leader=leader)
    if target is not None:
        if target == leader:
            message = f"broker {target} already leads {topic}-{partition}"
            return ErrorCode.INVALID_REQUEST, message, None
        if not _active_in_sync(image, p, target):
            message = (
                f"broker {target} is not an active in-sync replica of {topic}-{partition} "
                f"(ISR {list(p.isr)})"
            )
            return ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, message, None
        chosen = target
    else:
        chosen = elect_leader(p, image.brokers, exclude=(leader,))
        if chosen == NO_LEADER:
            message = (
                f"{topic}-{partition} has no other active in-sync replica than its leader "
                f"{leader} (ISR {list(p.isr)})"
            )
            return ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, message, None
    return ErrorCode.NONE, None, PartitionChangeRecord(t.topic_id, partition, leader=chosen)


def _leads(image: MetadataImage, leader: int) -> bool:
    """Whether ``leader`` is a leader that serves: set, and active (a cluster of one registers
    no brokers: its leader is active though not registered)."""
    return leader != NO_LEADER and (leader not in image.brokers or is_active(image.brokers, leader))


def _active_in_sync(image: MetadataImage, p: PartitionImage, node: int) -> bool:
    """Whether ``node`` is in ``p``'s ISR and active: one a leadership may move to."""
    return node in p.isr and is_active(image.brokers, node)


def _election(
    image: MetadataImage, name: str, topic_id: uuid.UUID, p: PartitionImage, election_type: int
) -> tuple[ErrorCode, str | None, PartitionChangeRecord | None]:
    """One partition's election: ``(error, one-line message, record to commit)``."""
    if election_type == PREFERRED_ELECTION:
        preferred = p.replicas[0] if p.replicas else NO_LEADER
        if preferred == p.leader:
            return ErrorCode.ELECTION_NOT_NEEDED, None, None
        if _active_in_sync(image, p, preferred):
            return ErrorCode.NONE, None, _change(topic_id, p, preferred, p.isr)
        # As Kafka's controller: a partition without a serving leader gets the next active
        # in-sync replica rather than none (one that has a leader keeps it).
        fallback = NO_LEADER if _leads(image, p.leader) else elect_leader(p, image.brokers)
        if fallback != NO_LEADER:
            return ErrorCode.NONE, None, _change(topic_id, p, fallback, p.isr)
        message = (
            f"{name}: the preferred replica {preferred} is not an active in-sync replica "
            f"(ISR {list(p.isr)})"
        )
        return ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, message, None
    if _leads(image, p.leader):
        return ErrorCode.ELECTION_NOT_NEEDED, None, None
    clean = elect_leader(p, image.brokers)
    if clean != NO_LEADER:
        return ErrorCode.NONE, None, _change(topic_id, p, clean, p.isr)
    for replica in p.replicas:
        if is_active(image.brokers, replica):
            return ErrorCode.NONE, None, _change(topic_id, p, replica, (replica,))
    message = f"{name}: no replica is active (replicas {list(p.replicas)})"
    return ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, message, None


def plan_elections(
    image: MetadataImage,
    election_type: int,
    partitions: Sequence[tuple[str, int]] | None,
) -> tuple[list[ElectionResult], list[PartitionChangeRecord]]:
    """Kafka's ElectLeaders: ``(one result per partition answered for, records to commit)``.

    ``partitions`` None asks for every partition; then only the partitions that needed an
    election are answered for, as Kafka does. An unknown topic or partition is
    UNKNOWN_TOPIC_OR_PARTITION; one the election would not change ELECTION_NOT_NEEDED; one
    without a candidate PREFERRED_LEADER_NOT_AVAILABLE (preferred) or
    ELIGIBLE_LEADERS_NOT_AVAILABLE (unclean). A partition named twice is answered twice and
    elected once. A preferred election for a partition without a serving leader, whose
    preferred replica cannot lead, elects the first other active in-sync replica, as Kafka's
    controller does."""
    if election_type not in (PREFERRED_ELECTION, UNCLEAN_ELECTION):
        raise ValueError(f"election type {election_type} is neither 0 (preferred) nor 1 (unclean)")
    results: list[ElectionResult] = []
    records: list[PartitionChangeRecord] = []
    planned: dict[tuple[str, int], tuple[ErrorCode, str | None]] = {}
    if partitions is None:
        asked: Iterable[tuple[str, int]] = (
            (t.name, pid)
            for t in sorted(image.topics_by_id.values(), key=lambda t: t.name)
            for pid in sorted(t.partitions)
        )
    else:
        asked = partitions
    for topic, partition in asked:
        key = (topic, partition)
        outcome = planned.get(key)
        if outcome is None:
            t = image.topic(topic)
            p = None if t is None else t.partitions.get(partition)
            if t is None or p is None:
                outcome = (
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    f"{topic}-{partition} does not exist",
                )
            else:
                error, message, record = _election(
                    image, f"{topic}-{partition}", t.topic_id, p, election_type
                )
                if record is not None:
                    records.append(record)
                outcome = (error, message)
            planned[key] = outcome
        if partitions is None and outcome[0] == ErrorCode.ELECTION_NOT_NEEDED:
            continue
        results.append(ElectionResult(topic, partition, *outcome))
    return results, records
