"""The console's consumer-group routes: ``/api/groups`` and ``/api/groups/{id}``.

Lag is ``broker.http.lag``'s definition, the one ``/metrics`` exports. For a group this broker
coordinates the rows are the broker's own ``LagReader``'s, after a refresh of that group's
remote partitions (so the page, ``/metrics`` and the history agree, and the page is fresh); for
a group coordinated elsewhere they are computed the same way from the cluster (DescribeGroups
and OffsetFetch at its coordinator, ListOffsets and Fetch at the leaders), with the same cache
of record timestamps. Groups are listed with ListGroups at every broker. The history is the
group's total lag sampled by this broker (``lag_history``) when it coordinates the group.

Groups are of two types: ``classic`` (JoinGroup/SyncGroup, described with DescribeGroups) and
``consumer`` (KIP-848, described with ConsumerGroupDescribe; DescribeGroups answers
GROUP_ID_NOT_FOUND for them). A consumer group's page also carries its group and assignment
epochs and each member's epoch and target assignment. Both types keep their committed offsets in
the same store, so their lag is read the same way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web

from broker.http.console_backend import ConsoleBackend, local_commit_times
from broker.http.console_common import (
    BACKEND,
    HISTORY,
    Access,
    api_handler,
    fail,
)
from broker.http.lag import LagReader, lag_of, lag_reader_of, lag_seconds_of
from client.admin import (
    ConsumerGroupDescription,
    GroupDescription,
    MemberDescription,
)
from client.types import TopicPartition
from protocol.acl import AclOperation
from protocol.errors import GroupIdNotFoundError, KafkaError

__all__ = [
    "MAX_DETAILED_GROUPS",
    "MAX_GROUPS_LISTED",
    "MAX_TIMESTAMP_READS",
    "Described",
    "describe_group",
    "routes",
]

#: Groups in one list answer; beyond it ``"truncated": true``.
MAX_GROUPS_LISTED: Final = 10_000
#: Groups of a list answer whose members and lag are looked up (each costs a DescribeGroups,
#: an OffsetFetch, ListOffsets and Fetches); the others have them null.
MAX_DETAILED_GROUPS: Final = 100
#: Groups looked up at once for a list answer (the coordinators answer them in parallel).
_LIST_CONCURRENCY: Final = 8
#: Lagging partitions of one group whose lag in seconds is read (one small Fetch each); the
#: others have ``lag_seconds`` null.
MAX_TIMESTAMP_READS: Final = 256
#: Fetches at once for one group's lag in seconds.
_TIMESTAMP_CONCURRENCY: Final = 16


#: Group types (ListGroups' names).
CLASSIC: Final = "classic"
CONSUMER: Final = "consumer"


@dataclass(frozen=True, slots=True)
class Described:
    """A group of either type: its description in the classic shape (members with their
    current assignments), its type, and what only a consumer group has (``extra``: its epochs,
    assignor, and per member id the member's epoch and target assignment)."""

    description: GroupDescription
    type: str
    extra: dict[str, Any] = field(default_factory=dict)
    member_extra: dict[str, dict[str, Any]] = field(default_factory=dict)


def _from_consumer(cg: ConsumerGroupDescription) -> Described:
    members = [
        MemberDescription(
            m.member_id, m.client_id, m.client_host, m.instance_id, tuple(m.assignment)
        )
        for m in cg.members
    ]
    return Described(
        GroupDescription(cg.group_id, cg.state, CONSUMER, cg.assignor, members),
        CONSUMER,
        {
            "group_epoch": cg.group_epoch,
            "assignment_epoch": cg.assignment_epoch,
            "assignor": cg.assignor,
        },
        {
            m.member_id: {
                "member_epoch": m.member_epoch,
                "rack_id": m.rack_id,
                "subscribed_topic_names": list(m.subscribed_topic_names),
                "subscribed_topic_regex": m.subscribed_topic_regex,
                "target_assignment": list(m.target_assignment),
            }
            for m in cg.members
        },
    )


async def describe_group(backend: ConsoleBackend, group_id: str, kind: str = "") -> Described:
    """The group as its type's describe call gives it (``kind`` from ListGroups when known;
    otherwise DescribeGroups first, ConsumerGroupDescribe when that does not know the group)."""
    admin = await backend.admin()
    if kind != CONSUMER:
        try:
            described = await admin.describe_groups([group_id], timeout_ms=10_000)
        except GroupIdNotFoundError:
            if kind == CLASSIC:
                raise
        else:
            return Described(described[group_id], CLASSIC)
    consumer = await admin.describe_consumer_groups([group_id], timeout_ms=10_000)
    return _from_consumer(consumer[group_id])


def routes() -> list[web.RouteDef]:
    return [web.get("/api/groups", groups), web.get("/api/groups/{id}", group)]


def _now_ms() -> int:
    return int(time.time() * 1000)


async def _offsets(
    backend: ConsoleBackend, access: Access, group_id: str, description: GroupDescription
) -> list[dict[str, Any]]:
    """Each partition the group committed for or is assigned: committed offset, high
    watermark, lag in offsets and in seconds, commit time (when known here)."""
    broker = backend.broker
    reader = lag_reader_of(broker)
    coordinator = broker.group_coordinator
    core = None if coordinator is None else coordinator.core
    assigned = {
        TopicPartition(tp.topic, tp.partition) for m in description.members for tp in m.assignment
    }
    local = core is not None and (
        core.group(group_id) is not None
        or (
            coordinator is not None and coordinator.consumer_groups.core.is_consumer_group(group_id)
        )
    )
    if local:
        return await _local_offsets(backend, reader, access, group_id, assigned)
    admin = await backend.admin()
    committed = await admin.list_group_offsets(group_id, timeout_ms=10_000)
    visible = sorted(tp for tp in set(committed) | assigned if access.sees_topic(tp.topic))
    ends = await backend.offsets(visible)
    commit_times = local_commit_times(broker, group_id)
    now_ms = _now_ms()
    rows: list[dict[str, Any]] = []
    lagging: list[tuple[dict[str, Any], TopicPartition, int, int]] = []
    for tp in visible:
        om = committed.get(tp)
        o = ends.get(tp)
        lag = None
        if om is not None and o is not None:
            lag = lag_of(o.high_watermark, om.offset)
        row: dict[str, Any] = {
            "topic": tp.topic,
            "partition": tp.partition,
            "committed_offset": om.offset if om is not None else None,
            "high_watermark": o.high_watermark if o is not None else None,
            "lag": lag,
            "lag_seconds": 0.0 if lag == 0 else None,
            "commit_timestamp": commit_times.get(tp),
        }
        rows.append(row)
        if lag and om is not None and o is not None:
            lagging.append((row, tp, max(om.offset, o.log_start_offset), lag))
    gate = asyncio.Semaphore(_TIMESTAMP_CONCURRENCY)

    async def age(row: dict[str, Any], tp: TopicPartition, offset: int, lag: int) -> None:
        async with gate:
            try:
                timestamp = await reader.fetched_timestamp(backend, tp, offset)
            except (KafkaError, OSError, TimeoutError):
                return  # unknown: null
        row["lag_seconds"] = lag_seconds_of(lag, timestamp, now_ms)

    await asyncio.gather(*(age(*item) for item in lagging[:MAX_TIMESTAMP_READS]))
    return rows


async def _local_offsets(
    backend: ConsoleBackend,
    reader: LagReader,
    access: Access,
    group_id: str,
    assigned: set[TopicPartition],
) -> list[dict[str, Any]]:
    """The rows of a group this broker coordinates: its ``LagReader``'s, as ``/metrics``."""
    broker = backend.broker
    coordinator = broker.group_coordinator
    replicas = broker.replica_manager
    await reader.refresh(coordinator, replicas, backend, _now_ms(), group_id=group_id)
    lags = reader.lags(
        coordinator, replicas, _now_ms(), group_id=group_id, seconds_limit=MAX_TIMESTAMP_READS
    )
    rows: dict[TopicPartition, dict[str, Any]] = {}
    for found in lags:
        tp = TopicPartition(found.topic, found.partition)
        if access.sees_topic(tp.topic):
            rows[tp] = {
                "topic": found.topic,
                "partition": found.partition,
                "committed_offset": found.committed_offset,
                "high_watermark": found.high_watermark,
                "lag": found.lag,
                "lag_seconds": found.lag_seconds,
                "commit_timestamp": found.commit_timestamp_ms,
            }
    for tp in assigned - rows.keys():
        if not access.sees_topic(tp.topic):
            continue
        local = None if replicas is None else replicas.replica(tp)
        remote = reader.remote(tp)
        hw = (
            local.high_watermark
            if local is not None and not local.deleted
            else remote.high_watermark
            if remote is not None
            else None
        )
        rows[tp] = {
            "topic": tp.topic,
            "partition": tp.partition,
            "committed_offset": None,
            "high_watermark": hw,
            "lag": None,
            "lag_seconds": None,
            "commit_timestamp": None,
        }
    return [rows[tp] for tp in sorted(rows)]


@api_handler
async def groups(request: web.Request) -> Any:
    access = Access(request)
    backend = request.app[BACKEND]
    admin = await backend.admin()
    listings = [
        g for g in await admin.list_groups(timeout_ms=10_000) if access.sees_group(g.group_id)
    ]
    truncated = len(listings) > MAX_GROUPS_LISTED
    listings = listings[:MAX_GROUPS_LISTED]
    out: list[dict[str, Any]] = [
        {
            "group_id": g.group_id,
            "type": g.group_type or CLASSIC,
            "state": g.state or None,
            "protocol": None,
            "members": None,
            "lag": None,
            "lag_seconds": None,
        }
        for g in listings
    ]
    gate = asyncio.Semaphore(_LIST_CONCURRENCY)

    async def detail(row: dict[str, Any]) -> None:
        group_id = row["group_id"]
        async with gate:
            try:
                found = await describe_group(backend, group_id, row["type"])
                described = found.description
                rows = await _offsets(backend, access, group_id, described)
            except (KafkaError, TimeoutError):  # one group's coordinator moving fails no list
                return
        row["state"] = described.state
        row["protocol"] = described.protocol or None
        row["members"] = len(described.members)
        row["type"] = found.type
        lags = [r["lag"] for r in rows if r["lag"] is not None]
        ages = [r["lag_seconds"] for r in rows if r["lag_seconds"] is not None]
        row["lag"] = sum(lags) if lags else None
        row["lag_seconds"] = max(ages) if ages else None

    await asyncio.gather(*(detail(row) for row in out[:MAX_DETAILED_GROUPS]))
    return {"groups": out, "truncated": truncated}


@api_handler
async def group(request: web.Request) -> Any:
    access = Access(request)
    group_id = request.match_info["id"]
    access.require_group(AclOperation.DESCRIBE, group_id)
    backend = request.app[BACKEND]
    try:
        found = await describe_group(backend, group_id)
    except GroupIdNotFoundError:
        fail(404, "GROUP_ID_NOT_FOUND", f"no group {group_id!r}")
    described = found.description
    offsets = await _offsets(backend, access, group_id, described)
    if described.state in ("Dead", "") and not offsets and not described.members:
        fail(404, "GROUP_ID_NOT_FOUND", f"no group {group_id!r}")
    history = request.app[HISTORY].history(group_id)
    members: list[dict[str, Any]] = []
    for m in described.members:
        member: dict[str, Any] = {
            "member_id": m.member_id,
            "client_id": m.client_id,
            "client_host": m.client_host,
            "instance_id": m.group_instance_id,
            "assignment": _partitions(access, m.assignment),
        }
        extra = found.member_extra.get(m.member_id)
        if extra is not None:
            member.update(extra)
            member["target_assignment"] = _partitions(access, extra["target_assignment"])
        members.append(member)
    return {
        "group_id": group_id,
        "type": found.type,
        "state": described.state,
        "protocol_type": described.protocol_type,
        "protocol": described.protocol,
        **found.extra,
        "members": members,
        "offsets": offsets,
        "history": [{"time_ms": t, "lag": lag} for t, lag in history],
    }


def _partitions(access: Access, tps: Iterable[TopicPartition]) -> list[dict[str, Any]]:
    """Partitions as the page shows them, those of topics the user may not see left out."""
    return [
        {"topic": tp.topic, "partition": tp.partition}
        for tp in sorted(tps)
        if access.sees_topic(tp.topic)
    ]
