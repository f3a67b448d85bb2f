"""The console's cluster and topic routes: ``/api/overview``, ``/api/topics``,
``/api/topics/{name}`` and ``/api/search``.

Brokers' fencing, partitions, leaders, replicas and ISR come from this broker's metadata image;
the controller, offsets, sizes (the leader replica's bytes on disk) and configs from the
cluster through the console's client. Only topics and groups the user may DESCRIBE are shown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from importlib import metadata as package_metadata
from typing import Any, Final, TypeVar

from aiohttp import web

from broker.http.console_backend import CALL_TIMEOUT_MS
from broker.http.console_common import (
    BACKEND,
    BROKER,
    Access,
    admin_enabled,
    api_handler,
    fail,
    image_of,
    topic_name,
)
from broker.metadata.image import TOPIC_RESOURCE
from broker.metadata.internal_topics import is_internal_topic
from client.admin import ClusterDescription, ConfigEntry, ConfigResource
from client.types import TopicPartition
from protocol.errors import KafkaError

__all__ = ["MAX_LIST", "MAX_SEARCH_RESULTS", "config_rows", "routes"]

log = logging.getLogger("samsa.http.console")

T = TypeVar("T")

#: Topics (and groups) in one list answer; beyond it ``"truncated": true``.
MAX_LIST: Final = 10_000
#: Names of each kind a search answers with.
MAX_SEARCH_RESULTS: Final = 50
#: Longest search text (a substring of a topic name, which is at most 249 characters).
_MAX_QUERY_CHARS: Final = 249


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/overview", overview),
        web.get("/api/topics", topics),
        web.get("/api/topics/{name}", topic),
        web.get("/api/search", search),
    ]


def _version() -> str:
    try:
        return package_metadata.version("samsa")
    except package_metadata.PackageNotFoundError:
        return "unknown"


def _min_isr(request: web.Request, image: Any, topic: str) -> int:
    value = image.config(TOPIC_RESOURCE, topic).get("min.insync.replicas")
    try:
        return int(value) if value is not None else request.app[BROKER].config.min_insync_replicas
    except ValueError:
        return int(request.app[BROKER].config.min_insync_replicas)


async def _tolerant(call: Awaitable[T], default: T) -> T:
    """``call``'s answer, or ``default`` when the cluster cannot give it (a broker down, a
    partition without a leader): a page shows what is known and null for the rest."""
    try:
        return await call
    except KafkaError as exc:
        log.debug("console: part of an answer unavailable: %s", exc)
        return default


async def _describe_cluster(request: web.Request) -> ClusterDescription:
    admin = await request.app[BACKEND].admin()
    return await admin.describe_cluster(timeout_ms=CALL_TIMEOUT_MS)


@api_handler
async def overview(request: web.Request) -> Any:
    broker = request.app[BROKER]
    access = Access(request)
    image = image_of(request)
    described = await _tolerant(_describe_cluster(request), None)
    listed = {b.node_id: b for b in described.brokers} if described is not None else {}
    controller_id = described.controller_id if described is not None else -1
    brokers = []
    # DescribeCluster lists the brokers clients may use; the image also has fenced ones.
    for node_id in sorted(set(listed) | set(image.brokers)):
        registration = image.brokers.get(node_id)
        b = listed.get(node_id)
        brokers.append(
            {
                "id": node_id,
                "host": b.host if b is not None else registration.host,
                "port": b.port if b is not None else registration.port,
                "rack": b.rack if b is not None else registration.rack,
                "fenced": bool(registration.fenced) if registration is not None else False,
                "is_controller": node_id == controller_id,
            }
        )
    under_replicated: list[dict[str, Any]] = []
    offline: list[dict[str, Any]] = []
    under_min_isr: list[dict[str, Any]] = []
    topic_count = 0
    partition_count = 0
    for name in sorted(image.topics_by_name):
        if not access.sees_topic(name):
            continue
        topic_image = image.topics_by_name[name]
        topic_count += 1
        min_isr = _min_isr(request, image, name)
        for pid in sorted(topic_image.partitions):
            p = topic_image.partitions[pid]
            partition_count += 1
            where = {"topic": name, "partition": pid}
            if p.leader < 0:
                offline.append(where)
            if len(p.isr) < len(p.replicas):
                under_replicated.append(where)
            if len(p.isr) < min_isr:
                under_min_isr.append(where)
    return {
        "cluster_id": (described.cluster_id if described is not None else None)
        or broker.cluster_id,
        "broker_id": broker.config.node_id,
        "controller_id": controller_id,
        "version": _version(),
        "brokers": brokers,
        "topic_count": topic_count,
        "partition_count": partition_count,
        "under_replicated": under_replicated[:MAX_LIST],
        "offline": offline[:MAX_LIST],
        "under_min_isr": under_min_isr[:MAX_LIST],
        "admin_enabled": admin_enabled(broker),
        "user": access.user,
    }


@api_handler
async def topics(request: web.Request) -> Any:
    access = Access(request)
    image = image_of(request)
    names = [n for n in sorted(image.topics_by_name) if access.sees_topic(n)]
    truncated = len(names) > MAX_LIST
    names = names[:MAX_LIST]
    backend = request.app[BACKEND]
    tps = [TopicPartition(n, pid) for n in names for pid in image.topics_by_name[n].partitions]
    offsets: dict[TopicPartition, Any] = {}
    sizes: dict[TopicPartition, int] = {}
    if tps:
        # Every partition's size at once (asking per topic costs a metadata lookup each).
        offsets, sizes = await asyncio.gather(
            _tolerant(backend.offsets(tps), {}), _tolerant(backend.sizes(None), {})
        )
    out = []
    for name in names:
        t = image.topics_by_name[name]
        parts = [t.partitions[pid] for pid in sorted(t.partitions)]
        mine = [TopicPartition(name, p.partition_id) for p in parts]
        known_sizes = [sizes[tp] for tp in mine if tp in sizes]
        known_offsets = [offsets[tp] for tp in mine if tp in offsets]
        out.append(
            {
                "name": name,
                "internal": is_internal_topic(name),
                "partitions": len(parts),
                "replication_factor": len(parts[0].replicas) if parts else 0,
                "under_replicated": sum(1 for p in parts if len(p.isr) < len(p.replicas)),
                "size_bytes": sum(known_sizes) if len(known_sizes) == len(mine) else None,
                "messages": (
                    sum(max(0, o.high_watermark - o.log_start_offset) for o in known_offsets)
                    if len(known_offsets) == len(mine)
                    else None
                ),
            }
        )
    return {"topics": out, "truncated": truncated}


@api_handler
async def topic(request: web.Request) -> Any:
    access = Access(request)
    name = topic_name(request, access)
    image = image_of(request)
    t = image.topic(name)
    backend = request.app[BACKEND]
    tps = [TopicPartition(name, pid) for pid in sorted(t.partitions)]
    admin = await backend.admin()
    offsets, sizes, configs = await asyncio.gather(
        _tolerant(backend.offsets(tps), {}),
        _tolerant(backend.sizes([name]), {}),
        admin.describe_configs([ConfigResource.topic(name)], timeout_ms=10_000),
    )
    entries = next(iter(configs.values()), {})
    partitions = []
    for tp in tps:
        p = t.partitions[tp.partition]
        o = offsets.get(tp)
        partitions.append(
            {
                "partition": tp.partition,
                "leader": p.leader,
                "leader_epoch": p.leader_epoch,
                "replicas": list(p.replicas),
                "isr": list(p.isr),
                "log_start_offset": o.log_start_offset if o is not None else None,
                "high_watermark": o.high_watermark if o is not None else None,
                "size_bytes": sizes.get(tp),
            }
        )
    return {
        "name": name,
        "topic_id": str(t.topic_id),
        "internal": is_internal_topic(name),
        "partitions": partitions,
        "configs": config_rows(entries.values()),
    }


def config_rows(entries: Iterable[ConfigEntry]) -> list[dict[str, Any]]:
    """A topic's configs by name; a sensitive value (a password) is never sent, only that
    there is one."""
    return [
        {
            "name": entry.name,
            "value": None if entry.sensitive else entry.value,
            "source": entry.source.name,
            "sensitive": entry.sensitive,
        }
        for entry in sorted(entries, key=lambda e: e.name)
    ]


@api_handler
async def search(request: web.Request) -> Any:
    access = Access(request)
    query = request.query.get("q", "").strip().lower()
    if len(query) > _MAX_QUERY_CHARS:
        fail(400, "INVALID_REQUEST", f"q is at most {_MAX_QUERY_CHARS} characters")
    if not query:
        return {"topics": [], "groups": []}
    image = image_of(request)
    found_topics = []
    for name in sorted(image.topics_by_name):
        if query in name.lower() and access.sees_topic(name):
            found_topics.append(name)
            if len(found_topics) >= MAX_SEARCH_RESULTS:
                break
    admin = await request.app[BACKEND].admin()
    listings = await admin.list_groups(timeout_ms=10_000)
    found_groups = []
    for g in listings:
        if query in g.group_id.lower() and access.sees_group(g.group_id):
            found_groups.append(g.group_id)
            if len(found_groups) >= MAX_SEARCH_RESULTS:
                break
    return {"topics": found_topics, "groups": found_groups}
