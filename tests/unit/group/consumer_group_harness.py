"""Helpers for the KIP-848 coordinator tests: a core with topics, and heartbeats by name."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Mapping

from broker.group.consumer_coordinator import ConsumerGroupConfig, ConsumerGroupCore, TopicInfo
from protocol.messages import ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse

GROUP = "g"
REBALANCE_TIMEOUT_MS = 10_000
_Tp = ConsumerGroupHeartbeatRequest.TopicPartitions


def topic_id(name: str) -> uuid.UUID:
    """A stable id per topic name."""
    return uuid.uuid5(uuid.NAMESPACE_OID, name)


def make_core(
    topics: Mapping[str, int], config: ConsumerGroupConfig | None = None
) -> ConsumerGroupCore:
    """A core knowing ``topics`` (name → partitions), with member ids m1, m2, ..."""
    counter = itertools.count(1)
    core = ConsumerGroupCore(
        config or ConsumerGroupConfig(session_timeout_ms=3_000, heartbeat_interval_ms=500),
        member_ids=lambda: f"gen{next(counter)}",
    )
    set_topics(core, topics, 0)
    return core


def set_topics(core: ConsumerGroupCore, topics: Mapping[str, int], now_ms: int) -> list[str]:
    """Hand the core new partition counts."""
    return core.update_topics(
        {name: TopicInfo(topic_id(name), n, name.startswith("__")) for name, n in topics.items()},
        now_ms,
    )


def owned_field(
    core: ConsumerGroupCore, owned: Iterable[tuple[str, int]] | None
) -> list[_Tp] | None:
    """The request's TopicPartitions for ``owned`` (None: not sent)."""
    if owned is None:
        return None
    by_topic: dict[str, list[int]] = {}
    for t, p in owned:
        by_topic.setdefault(t, []).append(p)
    return [_Tp(topic_id=topic_id(t), partitions=sorted(ps)) for t, ps in sorted(by_topic.items())]


def join(
    core: ConsumerGroupCore,
    member_id: str,
    topics: list[str] | None,
    now_ms: int = 0,
    *,
    instance_id: str | None = None,
    assignor: str | None = None,
    regex: str | None = None,
    group: str = GROUP,
) -> ConsumerGroupHeartbeatResponse:
    """A first heartbeat (epoch 0)."""
    return core.heartbeat(
        ConsumerGroupHeartbeatRequest(
            group_id=group,
            member_id=member_id,
            member_epoch=0,
            instance_id=instance_id,
            rebalance_timeout_ms=REBALANCE_TIMEOUT_MS,
            subscribed_topic_names=topics,
            subscribed_topic_regex=regex,
            server_assignor=assignor,
            topic_partitions=[],
        ),
        version=1,
        now_ms=now_ms,
    )


def beat(
    core: ConsumerGroupCore,
    member_id: str,
    epoch: int,
    owned: Iterable[tuple[str, int]] | None,
    now_ms: int = 0,
    *,
    instance_id: str | None = None,
    group: str = GROUP,
) -> ConsumerGroupHeartbeatResponse:
    """A later heartbeat reporting ``owned`` partitions."""
    return core.heartbeat(
        ConsumerGroupHeartbeatRequest(
            group_id=group,
            member_id=member_id,
            member_epoch=epoch,
            instance_id=instance_id,
            topic_partitions=owned_field(core, owned),
        ),
        version=1,
        now_ms=now_ms,
    )


def assigned(
    core: ConsumerGroupCore, response: ConsumerGroupHeartbeatResponse
) -> set[tuple[str, int]]:
    """The (topic, partition) pairs of a response's assignment (empty when none was sent)."""
    names = {info.topic_id: name for name, info in core.topics.items()}
    if response.assignment is None:
        return set()
    return {
        (names[t.topic_id], p) for t in response.assignment.topic_partitions for p in t.partitions
    }


def owners(core: ConsumerGroupCore, group: str = GROUP) -> dict[tuple[str, int], str]:
    """Which member holds each partition (assigned or still to revoke)."""
    return dict(core.groups[group].owners)
