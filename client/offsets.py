"""Offset lookups by time (ListOffsets), sent to each partition's leader, with retries.

A spec per partition: -2 the earliest offset (log start), -1 the latest (log end, or the last
stable offset for read_committed), -3 the offset of the largest timestamp, or a timestamp in
ms for the first offset at or after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from client.cluster import Cluster
from client.errors import KafkaError, KafkaTimeoutError, error_from_code
from client.types import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import ListOffsetsRequest

__all__ = ["EARLIEST", "LATEST", "ListedOffset", "list_offsets"]

EARLIEST: Final = -2
LATEST: Final = -1

#: Errors after which a partition's lookup is retried once metadata is fresh.
_RETRY_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.FENCED_LEADER_EPOCH,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
        ErrorCode.OFFSET_NOT_AVAILABLE,
        ErrorCode.KAFKA_STORAGE_ERROR,
        ErrorCode.REQUEST_TIMED_OUT,
    }
)

_Topic = ListOffsetsRequest.ListOffsetsTopic
_Partition = ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition


class ListedOffset(NamedTuple):
    """A lookup's answer: the offset (-1: none at or after that time), its timestamp, epoch."""

    offset: int
    timestamp: int
    leader_epoch: int = -1


async def list_offsets(
    cluster: Cluster,
    specs: Mapping[TopicPartition, int],
    *,
    read_committed: bool = False,
    timeout_s: float,
) -> dict[TopicPartition, ListedOffset]:
    """Look up every partition's offset for its spec; raises the first non-retriable error.

    Retriable failures (leader moved, broker unreachable) are retried with fresh metadata
    until ``timeout_s``; then ``KafkaTimeoutError`` names the partitions still missing.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    pending = dict(specs)
    results: dict[TopicPartition, ListedOffset] = {}
    cluster.add_topics({tp.topic for tp in pending})
    last_error: BaseException | None = None
    while pending:
        by_leader: dict[int, dict[TopicPartition, int]] = {}
        for tp, spec in pending.items():
            leader = cluster.metadata.leader_for(tp)
            if leader is None:
                continue
            by_leader.setdefault(leader, {})[tp] = spec
        if by_leader:
            outcomes = await asyncio.gather(
                *(_ask(cluster, node, parts, read_committed) for node, parts in by_leader.items()),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    if isinstance(outcome, KafkaError) and outcome.retriable:
                        last_error = outcome
                        continue
                    raise outcome
                for tp, answer in outcome.items():
                    if isinstance(answer, ListedOffset):
                        results[tp] = answer
                        pending.pop(tp, None)
                    elif answer.code in _RETRY_ERRORS:
                        last_error = answer
                        cluster.invalidate_leaders([tp])
                    else:
                        raise answer
        if not pending:
            break
        if loop.time() >= deadline:
            names = ", ".join(str(tp) for tp in sorted(pending))
            cause = f" (last error: {last_error})" if last_error else ""
            raise KafkaTimeoutError(f"no offsets for {names} within {timeout_s:g} s{cause}")
        remaining = max(0.0, deadline - loop.time())
        if last_error is not None:
            # A leader moved or a broker failed: back off, then look at fresh metadata.
            await asyncio.sleep(min(cluster.config.retry_backoff_s, remaining))
            last_error = None
        await cluster.wait_for_update(min(cluster.config.request_timeout_s, remaining))
    return results


async def _ask(
    cluster: Cluster, node_id: int, parts: Mapping[TopicPartition, int], read_committed: bool
) -> dict[TopicPartition, ListedOffset | KafkaError]:
    by_topic: dict[str, list[Any]] = {}
    for tp, spec in parts.items():
        by_topic.setdefault(tp.topic, []).append(
            _Partition(partition_index=tp.partition, current_leader_epoch=-1, timestamp=spec)
        )
    body = ListOffsetsRequest(
        replica_id=-1,
        isolation_level=1 if read_committed else 0,
        topics=[_Topic(name=t, partitions=p) for t, p in by_topic.items()],
    )
    response = await cluster.request(node_id, body)
    out: dict[TopicPartition, ListedOffset | KafkaError] = {}
    for topic in response.topics:
        for p in topic.partitions:
            tp = TopicPartition(topic.name, p.partition_index)
            if p.error_code:
                out[tp] = error_from_code(p.error_code, f"offsets of {tp}")
            else:
                out[tp] = ListedOffset(p.offset, p.timestamp, p.leader_epoch)
    return out
