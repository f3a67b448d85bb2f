"""Requests to a group's coordinator: committed offsets (OffsetFetch) and commits.

``call_coordinator`` finds the coordinator (FindCoordinator), sends a request and, when the
answer is NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS (or the
connection fails), finds it again and retries until the deadline. The consumer and the admin
client share it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from client.cluster import Cluster, coordinator_connection
from client.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, error_from_code
from client.types import OffsetAndMetadata, TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import Message, OffsetCommitRequest, OffsetFetchRequest

__all__ = [
    "COORDINATOR_ERRORS",
    "call_coordinator",
    "commit_offsets",
    "fetch_committed",
]

#: Answers that mean "ask FindCoordinator again, then retry".
COORDINATOR_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_COORDINATOR,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    }
)


async def call_coordinator(
    cluster: Cluster,
    group_id: str,
    body: Message,
    *,
    error_of: Callable[[Any], int],
    timeout_s: float,
    node_hint: list[int] | None = None,
) -> Any:
    """Send ``body`` to ``group_id``'s coordinator; retry on coordinator moves until timeout.

    ``error_of(response)`` returns the code that tells whether the coordinator was the right
    one. ``node_hint`` (a one-element list) caches the coordinator's node id between calls.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    attempt = 0
    last: BaseException | None = None
    while True:
        node = node_hint[0] if node_hint and node_hint[0] >= 0 else None
        try:
            if node is None:
                node = await cluster.find_coordinator(group_id)
                if node_hint is not None:
                    node_hint[:] = [node]
            response = await cluster.request(coordinator_connection(node), body)
            code = error_of(response)
            if code not in COORDINATOR_ERRORS:
                return response
            last = error_from_code(code, f"coordinator of group {group_id!r}")
        except (KafkaConnectionError, KafkaTimeoutError) as exc:
            last = exc
        except KafkaError as exc:
            if exc.code not in COORDINATOR_ERRORS:
                raise
            last = exc
        if node_hint is not None:
            node_hint[:] = [-1]
        attempt += 1
        if loop.time() >= deadline:
            raise KafkaTimeoutError(
                f"the coordinator of group {group_id!r} did not answer within {timeout_s:g} s"
                f" (last error: {last})"
            )
        backoff = min(
            cluster.config.retry_backoff_max_ms, cluster.config.retry_backoff_ms << min(attempt, 16)
        )
        await asyncio.sleep(min(backoff / 1000, max(0.0, deadline - loop.time())))


async def fetch_committed(
    cluster: Cluster,
    group_id: str,
    partitions: Iterable[TopicPartition] | None,
    *,
    timeout_s: float,
    require_stable: bool = False,
    node_hint: list[int] | None = None,
) -> dict[TopicPartition, OffsetAndMetadata]:
    """The group's committed offsets (for these partitions, or all with ``None``).

    Partitions without a commit are absent from the result.
    """
    topics: list[Any] | None = None
    if partitions is not None:
        by_topic: dict[str, list[int]] = {}
        for tp in partitions:
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        topics = [
            OffsetFetchRequest.OffsetFetchRequestTopic(name=t, partition_indexes=sorted(p))
            for t, p in sorted(by_topic.items())
        ]
    body = OffsetFetchRequest(group_id=group_id, require_stable=require_stable)
    body.topics = topics  # None: every partition (v2+)
    response = await call_coordinator(
        cluster,
        group_id,
        body,
        error_of=_offset_fetch_error,
        timeout_s=timeout_s,
        node_hint=node_hint,
    )
    if response.error_code:
        raise error_from_code(response.error_code, f"committed offsets of group {group_id!r}")
    out: dict[TopicPartition, OffsetAndMetadata] = {}
    for topic in response.topics:
        for p in topic.partitions:
            if p.error_code:
                raise error_from_code(
                    p.error_code, f"committed offset of {topic.name}-{p.partition_index}"
                )
            if p.committed_offset >= 0:
                out[TopicPartition(topic.name, p.partition_index)] = OffsetAndMetadata(
                    p.committed_offset, p.metadata or "", p.committed_leader_epoch
                )
    return out


def _offset_fetch_error(response: Any) -> int:
    if response.error_code:
        return int(response.error_code)
    for topic in response.topics:
        for p in topic.partitions:
            if p.error_code in COORDINATOR_ERRORS:
                return int(p.error_code)
    return 0


async def commit_offsets(
    cluster: Cluster,
    group_id: str,
    offsets: Mapping[TopicPartition, OffsetAndMetadata],
    *,
    timeout_s: float,
    generation_id: int = -1,
    member_id: str = "",
    group_instance_id: str | None = None,
    node_hint: list[int] | None = None,
) -> dict[TopicPartition, int]:
    """Commit offsets; the error code per partition (0 for committed).

    With generation -1 and member id "" the commit is a standalone one (admin tools, and
    consumers that assign partitions themselves); the broker refuses it for a group with
    members.
    """
    by_topic: dict[str, list[Any]] = {}
    for tp, om in offsets.items():
        by_topic.setdefault(tp.topic, []).append(
            OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition(
                partition_index=tp.partition,
                committed_offset=om.offset,
                committed_leader_epoch=om.leader_epoch,
                committed_metadata=om.metadata,
            )
        )
    body = OffsetCommitRequest(
        group_id=group_id,
        generation_id_or_member_epoch=generation_id,
        member_id=member_id,
        group_instance_id=group_instance_id,
        retention_time_ms=-1,
        topics=[
            OffsetCommitRequest.OffsetCommitRequestTopic(name=t, partitions=p)
            for t, p in sorted(by_topic.items())
        ],
    )
    response = await call_coordinator(
        cluster,
        group_id,
        body,
        error_of=_offset_commit_error,
        timeout_s=timeout_s,
        node_hint=node_hint,
    )
    return {
        TopicPartition(topic.name, p.partition_index): int(p.error_code)
        for topic in response.topics
        for p in topic.partitions
    }


def _offset_commit_error(response: Any) -> int:
    for topic in response.topics:
        for p in topic.partitions:
            if p.error_code in COORDINATOR_ERRORS:
                return int(p.error_code)
    return 0
