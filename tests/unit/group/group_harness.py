"""A synchronous driver for ``GroupCoordinatorCore`` in tests: time, appends and parked replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from support.subscriptions import encode_subscription

from broker.group import (
    Append,
    GroupConfig,
    GroupCoordinatorCore,
    GroupMetadata,
    GroupState,
    Outcome,
    ParkKey,
)
from protocol.errors import ErrorCode
from protocol.messages import (
    DeleteGroupsRequest,
    DescribeGroupsRequest,
    HeartbeatRequest,
    JoinGroupRequest,
    LeaveGroupRequest,
    ListGroupsRequest,
    Message,
    OffsetCommitRequest,
    OffsetDeleteRequest,
    OffsetFetchRequest,
    SyncGroupRequest,
)

M = TypeVar("M", bound=Message)

GROUP = "g"
SESSION_MS = 10_000
REBALANCE_MS = 30_000


def config(**overrides: Any) -> GroupConfig:
    """Test defaults: no initial rebalance delay."""
    values: dict[str, Any] = {"group_initial_rebalance_delay_ms": 0}
    values.update(overrides)
    return GroupConfig(**values)


@dataclass
class Reply(Generic[M]):
    """A request's answer: immediate, or filled in when its parked key completes."""

    harness: Harness
    outcome: Outcome[M]

    @property
    def parked(self) -> bool:
        """Still waiting for its answer."""
        return self.get() is None

    def get(self) -> M | None:
        if self.outcome.response is not None:
            return self.outcome.response
        key = self.outcome.parked
        if key is None:
            return None
        return self.harness.completed.get(key)  # type: ignore[return-value]

    def __call__(self) -> M:
        response = self.get()
        assert response is not None, "request is still parked"
        return response

    @property
    def error(self) -> ErrorCode:
        return ErrorCode(self().error_code)  # type: ignore[attr-defined]


@dataclass
class Harness:
    """Drives a core; appends complete at once unless ``hold_appends`` is set."""

    cfg: GroupConfig = field(default_factory=config)
    now: int = 1_000_000
    hold_appends: bool = False
    completed: dict[ParkKey, Message] = field(default_factory=dict)
    log: list[tuple[bytes, bytes | None]] = field(default_factory=list)
    held: list[Append] = field(default_factory=list)
    answered_twice: list[ParkKey] = field(default_factory=list)
    _ids: int = 0

    def __post_init__(self) -> None:
        self.core = GroupCoordinatorCore(self.cfg, new_member_id=self._member_id)

    def _member_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}-{self._ids}"

    # -- plumbing ---------------------------------------------------------------------------

    def apply(self, out: Outcome[Any]) -> Outcome[Any]:
        for c in out.completions:
            if c.key in self.completed:
                self.answered_twice.append(c.key)
            self.completed[c.key] = c.response
        for append in out.appends:
            if self.hold_appends:
                self.held.append(append)
            else:
                self._finish_append(append, ErrorCode.NONE)
        return out

    def _finish_append(self, append: Append, error: ErrorCode) -> None:
        if error is ErrorCode.NONE:
            self.log.extend(append.records)
        self.apply(self.core.append_completed(append.token, error, self.now))

    def release(self, error: ErrorCode = ErrorCode.NONE, count: int | None = None) -> None:
        """Complete held appends in order (all, or the first ``count``)."""
        n = len(self.held) if count is None else count
        batch, self.held = self.held[:n], self.held[n:]
        for append in batch:
            self._finish_append(append, error)

    def call(self, fn: Callable[..., Outcome[M]], request: Message, **kw: Any) -> Reply[M]:
        out = fn(request, now_ms=self.now, **kw)
        self.apply(out)
        return Reply(self, out)

    def advance(self, ms: int) -> None:
        self.now += ms
        self.apply(self.core.tick(self.now))

    def group(self, group_id: str = GROUP) -> GroupMetadata:
        g = self.core.group(group_id)
        assert g is not None
        return g

    def state(self, group_id: str = GROUP) -> GroupState | None:
        g = self.core.group(group_id)
        return None if g is None else g.state

    # -- requests ---------------------------------------------------------------------------

    def join(
        self,
        member_id: str = "",
        *,
        group_id: str = GROUP,
        version: int = 7,
        instance_id: str | None = None,
        client_id: str = "c",
        topics: tuple[str, ...] = ("t",),
        protocols: list[tuple[str, bytes]] | None = None,
        protocol_type: str = "consumer",
        session_ms: int = SESSION_MS,
        rebalance_ms: int = REBALANCE_MS,
    ) -> Reply[Any]:
        if protocols is None:
            protocols = [("range", encode_subscription(list(topics)))]
        req = JoinGroupRequest(
            group_id=group_id,
            session_timeout_ms=session_ms,
            rebalance_timeout_ms=rebalance_ms,
            member_id=member_id,
            group_instance_id=instance_id,
            protocol_type=protocol_type,
            protocols=[
                JoinGroupRequest.JoinGroupRequestProtocol(name=n, metadata=m) for n, m in protocols
            ],
        )
        return self.call(
            self.core.join_group,
            req,
            version=version,
            client_id=client_id,
            client_host="/127.0.0.1",
        )

    def join_dynamic(self, client_id: str = "c", **kw: Any) -> tuple[str, Reply[Any]]:
        """v4+ dance: MEMBER_ID_REQUIRED, then join with the given id."""
        first = self.join(client_id=client_id, **kw)
        assert first.error is ErrorCode.MEMBER_ID_REQUIRED, first()
        member_id = first().member_id
        return member_id, self.join(member_id, client_id=client_id, **kw)

    def sync(
        self,
        member_id: str,
        generation: int,
        assignments: dict[str, bytes] | None = None,
        *,
        group_id: str = GROUP,
        version: int = 5,
        instance_id: str | None = None,
        protocol_type: str | None = "consumer",
        protocol_name: str | None = "range",
    ) -> Reply[Any]:
        req = SyncGroupRequest(
            group_id=group_id,
            generation_id=generation,
            member_id=member_id,
            group_instance_id=instance_id,
            protocol_type=protocol_type,
            protocol_name=protocol_name,
            assignments=[
                SyncGroupRequest.SyncGroupRequestAssignment(member_id=m, assignment=a)
                for m, a in (assignments or {}).items()
            ],
        )
        return self.call(self.core.sync_group, req, version=version)

    def heartbeat(
        self,
        member_id: str,
        generation: int,
        *,
        group_id: str = GROUP,
        version: int = 4,
        instance_id: str | None = None,
    ) -> Reply[Any]:
        req = HeartbeatRequest(
            group_id=group_id,
            generation_id=generation,
            member_id=member_id,
            group_instance_id=instance_id,
        )
        return self.call(self.core.heartbeat, req, version=version)

    def leave(
        self,
        *members: tuple[str, str | None],
        group_id: str = GROUP,
        version: int = 4,
    ) -> Reply[Any]:
        if version < 3:
            req = LeaveGroupRequest(group_id=group_id, member_id=members[0][0])
        else:
            req = LeaveGroupRequest(
                group_id=group_id,
                members=[
                    LeaveGroupRequest.MemberIdentity(member_id=m, group_instance_id=i)
                    for m, i in members
                ],
            )
        return self.call(self.core.leave_group, req, version=version)

    def commit(
        self,
        offsets: dict[tuple[str, int], int],
        *,
        member_id: str = "",
        generation: int = -1,
        group_id: str = GROUP,
        version: int = 8,
        instance_id: str | None = None,
        metadata: str | None = "",
        leader_epoch: int = -1,
        retention_ms: int = -1,
        partition_exists: Callable[[str, int], bool] | None = None,
    ) -> Reply[Any]:
        topics: dict[str, list[Any]] = {}
        part_cls = OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition
        for (topic, partition), offset in offsets.items():
            topics.setdefault(topic, []).append(
                part_cls(
                    partition_index=partition,
                    committed_offset=offset,
                    committed_leader_epoch=leader_epoch,
                    committed_metadata=metadata,
                )
            )
        req = OffsetCommitRequest(
            group_id=group_id,
            generation_id_or_member_epoch=generation,
            member_id=member_id,
            group_instance_id=instance_id,
            retention_time_ms=retention_ms,
            topics=[
                OffsetCommitRequest.OffsetCommitRequestTopic(name=t, partitions=ps)
                for t, ps in topics.items()
            ],
        )
        return self.call(
            self.core.offset_commit, req, version=version, partition_exists=partition_exists
        )

    def fetch(
        self,
        partitions: list[tuple[str, int]] | None,
        *,
        group_id: str = GROUP,
        version: int = 7,
        require_stable: bool = False,
    ) -> Reply[Any]:
        req = OffsetFetchRequest(group_id=group_id, require_stable=require_stable)
        if partitions is None:
            req.topics = None
        else:
            by_topic: dict[str, list[int]] = {}
            for t, p in partitions:
                by_topic.setdefault(t, []).append(p)
            req.topics = [
                OffsetFetchRequest.OffsetFetchRequestTopic(name=t, partition_indexes=ps)
                for t, ps in by_topic.items()
            ]
        return self.call(self.core.offset_fetch, req, version=version)

    def committed(self, group_id: str = GROUP) -> dict[tuple[str, int], int]:
        return {tuple(tp): o.offset for tp, o in self.core.committed_offsets(group_id).items()}  # type: ignore[misc]

    def describe(self, *group_ids: str, version: int = 5, ops: bool = False) -> Reply[Any]:
        req = DescribeGroupsRequest(groups=list(group_ids), include_authorized_operations=ops)
        return self.call(self.core.describe_groups, req, version=version)

    def list_groups(
        self, states: list[str] | None = None, types: list[str] | None = None, version: int = 5
    ) -> Reply[Any]:
        req = ListGroupsRequest(states_filter=states or [], types_filter=types or [])
        return self.call(self.core.list_groups, req, version=version)

    def delete_groups(self, *group_ids: str, version: int = 2) -> Reply[Any]:
        req = DeleteGroupsRequest(groups_names=list(group_ids))
        return self.call(self.core.delete_groups, req, version=version)

    def delete_offsets(
        self,
        partitions: list[tuple[str, int]],
        *,
        group_id: str = GROUP,
        partition_exists: Callable[[str, int], bool] | None = None,
    ) -> Reply[Any]:
        by_topic: dict[str, list[int]] = {}
        for t, p in partitions:
            by_topic.setdefault(t, []).append(p)
        part_cls = OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition
        req = OffsetDeleteRequest(
            group_id=group_id,
            topics=[
                OffsetDeleteRequest.OffsetDeleteRequestTopic(
                    name=t, partitions=[part_cls(partition_index=p) for p in ps]
                )
                for t, ps in by_topic.items()
            ],
        )
        return self.call(self.core.offset_delete, req, version=0, partition_exists=partition_exists)

    # -- composite --------------------------------------------------------------------------

    def form_group(self, n: int, *, client_prefix: str = "c", **kw: Any) -> tuple[list[str], int]:
        """n dynamic members join (v7) and sync; returns (member ids in join order, generation)."""
        ids: list[str] = []
        joins: list[Reply[Any]] = []
        for i in range(n):
            mid, reply = self.join_dynamic(client_id=f"{client_prefix}{i}", **kw)
            ids.append(mid)
            joins.append(reply)
        for _ in range(3):
            if any(r.parked for r in joins):
                # Members answered by an earlier generation rejoin, as they would on their
                # next heartbeat's REBALANCE_IN_PROGRESS.
                joins = [
                    r if r.parked else self.join(mid, client_id=f"{client_prefix}{i}", **kw)
                    for i, (mid, r) in enumerate(zip(ids, joins, strict=True))
                ]
            if any(r.parked for r in joins):
                self.advance(REBALANCE_MS)
            if len({r().generation_id for r in joins}) == 1:
                break
        responses = [r() for r in joins]
        assert all(r.error_code == 0 for r in responses), responses
        generation = responses[0].generation_id
        leader = responses[0].leader
        syncs = {}
        for mid in ids:
            if mid != leader:
                syncs[mid] = self.sync(mid, generation)
        syncs[leader] = self.sync(leader, generation, {m: f"a:{m}".encode() for m in ids})
        for mid, reply in syncs.items():
            assert reply.error is ErrorCode.NONE, (mid, reply())
            assert reply().assignment == f"a:{mid}".encode()
        assert self.state() is GroupState.STABLE
        return ids, generation
