"""DescribeLogDirs (v0-4): each log directory and the size of every partition in it.

A null topic list asks for every partition this broker holds; otherwise the partitions named
that this broker holds are listed (Kafka leaves out the ones it does not have). Sizes are the
bytes of each log's segment files; a partition whose log is not created yet (logs are created
on first use) has size 0 and is listed under the first directory. ``offset_lag`` is reported as
0 (a follower's lag behind its leader is not tracked here yet), and there are no future replicas
(no log moves between directories). From v4, each directory also reports the total and usable
bytes of its file system. With ACLs on it needs DESCRIBE on the Cluster
(CLUSTER_AUTHORIZATION_FAILED, no directory listed).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, authorized
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import DescribeLogDirsRequest, DescribeLogDirsResponse
from protocol.types import TopicPartition

__all__ = ["HANDLERS", "describe_log_dirs_error", "handle_describe_log_dirs"]

_Result = DescribeLogDirsResponse.DescribeLogDirsResult
_Topic = _Result.DescribeLogDirsTopic
_Partition = _Topic.DescribeLogDirsPartition


def _wanted(services: BrokerServices, request: DescribeLogDirsRequest) -> list[TopicPartition]:
    """The partitions asked for that this broker holds a replica of (by the metadata image,
    since logs are created on first use), sorted."""
    node_id = services.node_id
    image = services.image
    if request.topics is None:
        return sorted(
            TopicPartition(t.name, p.partition_id)
            for t in image.topics_by_name.values()
            for p in t.partitions.values()
            if node_id in p.replicas
        )
    out = set()
    for t in request.topics:
        for index in t.partitions:
            p = image.partition(t.topic, index)
            if p is not None and node_id in p.replicas:
                out.add(TopicPartition(t.topic, index))
    return sorted(out)


def _disk_usage(path: Path) -> tuple[int, int]:
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return -1, -1
    return usage.total, usage.free


def handle_describe_log_dirs(
    services: BrokerServices, ctx: RequestContext, request: DescribeLogDirsRequest
) -> DescribeLogDirsResponse:
    """Every log directory, with the partitions asked for that it holds and their sizes."""
    if not authorized(services, ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME):
        code = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
        return describe_log_dirs_error(request, ctx.version, code)
    manager = services.log_manager
    by_dir: dict[Path, dict[str, list[_Partition]]] = {d: {} for d in manager.log_dirs}
    first_dir = manager.log_dirs[0]
    for tp in _wanted(services, request):
        # A partition without a log yet is empty; it is shown in the first directory.
        log_dir = manager.log_dir_of(tp) or first_dir
        by_dir.setdefault(log_dir, {}).setdefault(tp.topic, []).append(
            _Partition(
                partition_index=tp.partition,
                partition_size=manager.size_in_bytes(tp),
                offset_lag=0,
                is_future_key=False,
            )
        )
    results = []
    for log_dir, topics in by_dir.items():
        total_bytes, usable_bytes = _disk_usage(log_dir) if ctx.version >= 4 else (-1, -1)
        results.append(
            _Result(
                error_code=0,
                log_dir=str(log_dir),
                topics=[_Topic(name=name, partitions=parts) for name, parts in topics.items()],
                total_bytes=total_bytes,
                usable_bytes=usable_bytes,
            )
        )
    return DescribeLogDirsResponse(error_code=0, results=results)


def describe_log_dirs_error(
    request: DescribeLogDirsRequest, version: int, code: ErrorCode
) -> DescribeLogDirsResponse:
    """DescribeLogDirs failed as a whole (v3+ carries the code; older versions list no
    directory)."""
    return DescribeLogDirsResponse(error_code=code, results=[])


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(DescribeLogDirsRequest, 0, 4, handle_describe_log_dirs, describe_log_dirs_error),
)
