"""Cluster requests of ``Admin``: DescribeCluster and DescribeLogDirs built and their answers
read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from client.admin.types import ClusterDescription, LogDirDescription, ReplicaLogInfo
from client.errors import error_from_code
from client.types import BrokerInfo, TopicPartition
from protocol.messages import DescribeLogDirsRequest

__all__ = [
    "DESCRIBE_CLUSTER_KEY",
    "cluster_description",
    "log_dir_descriptions",
    "log_dirs_request",
]

#: DescribeCluster's API key: brokers without it are described from Metadata.
DESCRIBE_CLUSTER_KEY: Final = 60


def cluster_description(response: Any) -> ClusterDescription:
    """The cluster of a DescribeCluster answer (its failure raised)."""
    if response.error_code:
        raise error_from_code(response.error_code, response.error_message)
    return ClusterDescription(
        response.cluster_id,
        response.controller_id,
        [BrokerInfo(b.broker_id, b.host, b.port, b.rack) for b in response.brokers],
    )


def log_dirs_request(partitions: Iterable[TopicPartition] | None) -> DescribeLogDirsRequest:
    """The DescribeLogDirs request for these partitions (``None``: every partition)."""
    if partitions is None:
        return DescribeLogDirsRequest(topics=None)
    by_topic: dict[str, list[int]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    return DescribeLogDirsRequest(
        topics=[
            DescribeLogDirsRequest.DescribableLogDirTopic(topic=t, partitions=p)
            for t, p in by_topic.items()
        ]
    )


def log_dir_descriptions(node: int, response: Any) -> list[LogDirDescription]:
    """Broker ``node``'s log directories from its DescribeLogDirs answer (its failure
    raised)."""
    if response.error_code:
        raise error_from_code(response.error_code, f"log dirs of broker {node}")
    out: list[LogDirDescription] = []
    for result in response.results:
        replicas = {
            TopicPartition(t.name, p.partition_index): ReplicaLogInfo(
                p.partition_size, p.offset_lag, bool(p.is_future_key)
            )
            for t in result.topics
            for p in t.partitions
        }
        out.append(
            LogDirDescription(
                node,
                result.log_dir,
                replicas,
                result.error_code,
                result.total_bytes,
                result.usable_bytes,
            )
        )
    return out
