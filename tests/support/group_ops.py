"""Group-API request builders for broker tests: JoinGroup (with the KIP-394 member-id round
trip), SyncGroup, Heartbeat, OffsetCommit, OffsetFetch over a WireClient."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from support.subscriptions import encode_subscription
from support.waiting import eventually
from support.wire import WireClient

from protocol.errors import ErrorCode
from protocol.messages import (
    DescribeGroupsRequest,
    FindCoordinatorRequest,
    HeartbeatRequest,
    JoinGroupRequest,
    OffsetCommitRequest,
    OffsetFetchRequest,
    SyncGroupRequest,
)

JOIN_VERSION = 7
SYNC_VERSION = 5
HEARTBEAT_VERSION = 4
COMMIT_VERSION = 8
FETCH_VERSION = 7


async def find_coordinator(client: WireClient, group: str, version: int = 3) -> Any:
    return await client.request(FindCoordinatorRequest(key=group, key_type=0), version)


def join_request(
    group: str,
    member_id: str = "",
    *,
    topics: list[str] | None = None,
    session_timeout_ms: int = 10_000,
    rebalance_timeout_ms: int = 10_000,
    instance_id: str | None = None,
) -> JoinGroupRequest:
    return JoinGroupRequest(
        group_id=group,
        session_timeout_ms=session_timeout_ms,
        rebalance_timeout_ms=rebalance_timeout_ms,
        member_id=member_id,
        group_instance_id=instance_id,
        protocol_type="consumer",
        protocols=[
            JoinGroupRequest.JoinGroupRequestProtocol(
                name="range", metadata=encode_subscription(topics or ["t"])
            )
        ],
    )


async def join(client: WireClient, group: str, *, timeout_s: float = 30.0, **kw: Any) -> Any:
    """JoinGroup v7; answers MEMBER_ID_REQUIRED by rejoining with the given member id."""
    response = await client.request(join_request(group, **kw), JOIN_VERSION, timeout_s)
    if response.error_code == ErrorCode.MEMBER_ID_REQUIRED:
        kw["member_id"] = response.member_id
        response = await client.request(join_request(group, **kw), JOIN_VERSION, timeout_s)
    return response


async def sync(
    client: WireClient,
    group: str,
    generation: int,
    member_id: str,
    assignments: dict[str, bytes] | None = None,
    *,
    timeout_s: float = 30.0,
) -> Any:
    return await client.request(
        SyncGroupRequest(
            group_id=group,
            generation_id=generation,
            member_id=member_id,
            protocol_type="consumer",
            protocol_name="range",
            assignments=[
                SyncGroupRequest.SyncGroupRequestAssignment(member_id=m, assignment=a)
                for m, a in (assignments or {}).items()
            ],
        ),
        SYNC_VERSION,
        timeout_s,
    )


async def heartbeat(client: WireClient, group: str, generation: int, member_id: str) -> int:
    response = await client.request(
        HeartbeatRequest(group_id=group, generation_id=generation, member_id=member_id),
        HEARTBEAT_VERSION,
    )
    return int(response.error_code)


async def commit(
    client: WireClient,
    group: str,
    offsets: dict[tuple[str, int], int],
    *,
    generation: int = -1,
    member_id: str = "",
    version: int = COMMIT_VERSION,
    retention_time_ms: int = -1,
) -> dict[tuple[str, int], int]:
    """Commit; returns the error code per partition."""
    topics: dict[str, list[Any]] = {}
    for (topic, partition), offset in offsets.items():
        topics.setdefault(topic, []).append(
            OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition(
                partition_index=partition, committed_offset=offset, committed_metadata="m"
            )
        )
    response = await client.request(
        OffsetCommitRequest(
            group_id=group,
            generation_id_or_member_epoch=generation,
            member_id=member_id,
            retention_time_ms=retention_time_ms,
            topics=[
                OffsetCommitRequest.OffsetCommitRequestTopic(name=t, partitions=ps)
                for t, ps in topics.items()
            ],
        ),
        version,
    )
    return {
        (t.name, p.partition_index): int(p.error_code)
        for t in response.topics
        for p in t.partitions
    }


async def fetch_offsets(
    client: WireClient, group: str, partitions: list[tuple[str, int]] | None = None
) -> Any:
    """OffsetFetch v7 (all partitions when ``partitions`` is None)."""
    topics: dict[str, list[int]] | None = None
    if partitions is not None:
        topics = {}
        for topic, p in partitions:
            topics.setdefault(topic, []).append(p)
    request = OffsetFetchRequest(
        group_id=group,
        topics=[
            OffsetFetchRequest.OffsetFetchRequestTopic(name=t, partition_indexes=ps)
            for t, ps in (topics or {}).items()
        ],
    )
    if topics is None:
        request.topics = None
    return await client.request(request, FETCH_VERSION)


def committed(response: Any) -> dict[tuple[str, int], int]:
    """OffsetFetch response → {(topic, partition): offset}."""
    return {
        (t.name, p.partition_index): p.committed_offset
        for t in response.topics
        for p in t.partitions
    }


async def fetch_offsets_when_loaded(
    client: WireClient,
    group: str,
    partitions: list[tuple[str, int]] | None = None,
    timeout_s: float = 20.0,
) -> Any:
    """OffsetFetch, retried while the coordinator is loading (with a deadline)."""

    async def loaded() -> Any:
        response = await fetch_offsets(client, group, partitions)
        if response.error_code == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            return None
        return response

    return await eventually(loaded, timeout_s, f"the offsets of {group} loaded", poll_s=0.05)


async def describe(client: WireClient, group: str, version: int = 5) -> Any:
    response = await client.request(
        DescribeGroupsRequest(groups=[group], include_authorized_operations=False), version
    )
    return response.groups[0]


#: How often a ``Member`` heartbeats (a client's heartbeat.interval.ms).
HEARTBEAT_INTERVAL_S = 0.05


class Member:
    """A group member driven like a consumer client: join (with the KIP-394 round trip), sync
    (the leader assigns every member ``b"<member id>"``), then heartbeat until told to rejoin.
    ``changed`` is set whenever it completes a SyncGroup."""

    def __init__(
        self,
        client: WireClient,
        group: str,
        *,
        topics: list[str] | None = None,
        session_timeout_ms: int = 10_000,
        rebalance_timeout_ms: int = 10_000,
        changed: asyncio.Event | None = None,
    ) -> None:
        self.client = client
        self.group = group
        self.topics = topics or ["t"]
        self.session_timeout_ms = session_timeout_ms
        self.rebalance_timeout_ms = rebalance_timeout_ms
        self.changed = changed if changed is not None else asyncio.Event()
        self.member_id = ""
        self.generation = -1
        self.synced_generation = -1
        self.assignment = b""
        self.members: list[str] = []
        self.stop = asyncio.Event()

    async def run(self) -> None:
        while not self.stop.is_set():
            joined = await join(
                self.client,
                self.group,
                member_id=self.member_id,
                topics=self.topics,
                session_timeout_ms=self.session_timeout_ms,
                rebalance_timeout_ms=self.rebalance_timeout_ms,
            )
            if joined.error_code == ErrorCode.UNKNOWN_MEMBER_ID:
                self.member_id = ""
                continue
            assert joined.error_code == 0, joined
            self.member_id = joined.member_id
            self.generation = joined.generation_id
            assignments = None
            if joined.leader == joined.member_id:
                assignments = {m.member_id: m.member_id.encode() for m in joined.members}
                self.members = [m.member_id for m in joined.members]
            synced = await sync(
                self.client, self.group, self.generation, self.member_id, assignments
            )
            if synced.error_code in (ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION):
                continue
            if synced.error_code == ErrorCode.UNKNOWN_MEMBER_ID:
                self.member_id = ""
                continue
            assert synced.error_code == 0, synced
            self.assignment = bytes(synced.assignment)
            self.synced_generation = self.generation
            self.changed.set()
            while not self.stop.is_set():
                error = await heartbeat(self.client, self.group, self.generation, self.member_id)
                if error != 0:
                    assert error in (
                        ErrorCode.REBALANCE_IN_PROGRESS,
                        ErrorCode.ILLEGAL_GENERATION,
                        ErrorCode.UNKNOWN_MEMBER_ID,
                    ), error
                    if error == ErrorCode.UNKNOWN_MEMBER_ID:
                        self.member_id = ""
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), HEARTBEAT_INTERVAL_S)


async def wait_until_settled(
    members: list[Member], changed: asyncio.Event, timeout_s: float = 20.0
) -> int:
    """Wait until every member synced in one generation; returns it."""
    async with asyncio.timeout(timeout_s):
        while True:
            changed.clear()
            generations = {m.synced_generation for m in members}
            settled = all(m.generation == m.synced_generation for m in members)
            if len(generations) == 1 and -1 not in generations and settled:
                return generations.pop()
            await changed.wait()
