"""The client's picture of the cluster: brokers, controller, topics, partition leaders.

``ClusterMetadata`` is an immutable snapshot built from a Metadata response; the client swaps
in a new one on every refresh. Leader epochs only move forward: a response from a broker that
lags behind (a partition's leader epoch lower than the one already known) keeps the newer
leader (KIP-320).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from client.types import BrokerInfo, TopicPartition
from protocol.errors import ErrorCode

__all__ = ["ClusterMetadata", "PartitionInfo", "TopicInfo"]


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    """One partition: its leader (-1 when none), epoch and replica sets."""

    topic: str
    partition: int
    leader: int
    leader_epoch: int = -1
    replicas: tuple[int, ...] = ()
    isr: tuple[int, ...] = ()
    offline_replicas: tuple[int, ...] = ()
    error_code: int = 0


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """A topic: its partitions by index, or the error the broker gave for it."""

    name: str
    partitions: tuple[PartitionInfo, ...] = ()
    is_internal: bool = False
    error_code: int = 0
    #: The topic's id (Metadata v10+), None when the broker gave none.
    topic_id: uuid.UUID | None = None

    @property
    def num_partitions(self) -> int:
        """How many partitions the topic has."""
        return len(self.partitions)


@dataclass(frozen=True, slots=True)
class ClusterMetadata:
    """A snapshot of cluster metadata."""

    brokers: Mapping[int, BrokerInfo] = field(default_factory=dict)
    topics: Mapping[str, TopicInfo] = field(default_factory=dict)
    #: Topics the last response named with an error (unknown, not authorized, …).
    topic_errors: Mapping[str, int] = field(default_factory=dict)
    controller_id: int = -1
    cluster_id: str | None = None

    def topic_names_by_id(self) -> dict[uuid.UUID, str]:
        """Topic names by topic id (the topics whose ids are known)."""
        return {t.topic_id: n for n, t in self.topics.items() if t.topic_id is not None}

    def leader_for(self, tp: TopicPartition) -> int | None:
        """The leader's node id, or None when unknown or leaderless."""
        topic = self.topics.get(tp.topic)
        if topic is None or not 0 <= tp.partition < len(topic.partitions):
            return None
        leader = topic.partitions[tp.partition].leader
        return leader if leader >= 0 else None

    def partition(self, tp: TopicPartition) -> PartitionInfo | None:
        """The partition's info, or None."""
        topic = self.topics.get(tp.topic)
        if topic is None or not 0 <= tp.partition < len(topic.partitions):
            return None
        return topic.partitions[tp.partition]

    def partitions_for(self, topic: str) -> int | None:
        """The topic's partition count, or None when the topic is unknown."""
        info = self.topics.get(topic)
        return None if info is None else len(info.partitions)

    def available_partitions(self, topic: str) -> list[int]:
        """Partitions of the topic that have a leader."""
        info = self.topics.get(topic)
        if info is None:
            return []
        return [p.partition for p in info.partitions if p.leader >= 0]

    def merge(self, response: Any, *, replace_topics: bool) -> ClusterMetadata:
        """A new snapshot from a Metadata response.

        With ``replace_topics`` (a response for all topics) topics that are absent are dropped;
        otherwise known topics the response does not mention are kept.
        """
        brokers = {
            b.node_id: BrokerInfo(b.node_id, b.host, b.port, getattr(b, "rack", None))
            for b in response.brokers
        }
        topics: dict[str, TopicInfo] = {} if replace_topics else dict(self.topics)
        errors: dict[str, int] = {}
        for t in response.topics:
            if t.error_code and t.error_code != ErrorCode.LEADER_NOT_AVAILABLE:
                errors[t.name] = t.error_code
                topics.pop(t.name, None)
                continue
            old = self.topics.get(t.name)
            partitions = sorted(
                (_partition(t.name, p, old) for p in t.partitions), key=lambda p: p.partition
            )
            if not partitions and t.error_code:
                errors[t.name] = t.error_code
                continue
            if [p.partition for p in partitions] != list(range(len(partitions))):
                # A gap would make indexes lie; wait for a complete answer.
                errors[t.name] = ErrorCode.LEADER_NOT_AVAILABLE
                continue
            topic_id = getattr(t, "topic_id", None)
            topics[t.name] = TopicInfo(
                t.name,
                tuple(partitions),
                bool(getattr(t, "is_internal", False)),
                0,
                topic_id if topic_id is not None and topic_id.int else None,
            )
        return ClusterMetadata(
            brokers=brokers,
            topics=topics,
            topic_errors=errors,
            controller_id=getattr(response, "controller_id", -1),
            cluster_id=getattr(response, "cluster_id", None),
        )

    def without_leader(self, tps: Iterable[TopicPartition]) -> ClusterMetadata:
        """A copy where the partitions have no known leader (after NOT_LEADER_OR_FOLLOWER)."""
        topics = dict(self.topics)
        for tp in tps:
            info = topics.get(tp.topic)
            if info is None or not 0 <= tp.partition < len(info.partitions):
                continue
            parts = list(info.partitions)
            old = parts[tp.partition]
            parts[tp.partition] = PartitionInfo(
                old.topic,
                old.partition,
                -1,
                old.leader_epoch,
                old.replicas,
                old.isr,
                old.offline_replicas,
                old.error_code,
            )
            topics[tp.topic] = TopicInfo(
                info.name, tuple(parts), info.is_internal, info.error_code, info.topic_id
            )
        return ClusterMetadata(
            self.brokers, topics, self.topic_errors, self.controller_id, self.cluster_id
        )


def _partition(topic: str, p: Any, old: TopicInfo | None) -> PartitionInfo:
    epoch: int = p.leader_epoch
    if old is not None and 0 <= p.partition_index < len(old.partitions):
        known: PartitionInfo = old.partitions[p.partition_index]
        if epoch >= 0 and known.leader_epoch > epoch and known.leader >= 0:
            return known  # this response is older than what we know
    return PartitionInfo(
        topic,
        p.partition_index,
        p.leader_id if p.error_code != ErrorCode.LEADER_NOT_AVAILABLE else -1,
        epoch,
        tuple(p.replica_nodes),
        tuple(p.isr_nodes),
        tuple(getattr(p, "offline_replicas", ()) or ()),
        p.error_code,
    )
