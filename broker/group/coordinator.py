"""``GroupCoordinatorCore``: the whole classic group coordinator as a pure state machine.

Every method takes the request (a generated message from ``protocol.messages``), its version
and ``now_ms`` (wall-clock epoch milliseconds: commit timestamps are persisted), and returns an
``Outcome`` (see ``broker.group.outcome`` for how a driver applies one). Nothing here blocks,
reads a clock or does IO. The core is not thread-safe and not re-entrant: one call at a time.

The core is composed of parts with one job each, sharing one ``CoreContext`` (the groups table,
the config, timers, parked requests, pending appends): ``Joins``, ``Syncs``, ``Heartbeats``,
``Leaves`` and the ``Rebalancer`` (membership), ``Offsets``, ``TxnOffsets``, ``Admin`` and
``Loading``. This
class builds them and is their public face: the driver and the tests call only its methods, and
each call's contract is documented here (the parts' methods that implement one do not repeat it).

Partitions of ``__consumer_offsets``: a group belongs to ``partition_for(group_id)``. Requests
for groups of a partition the core does not own get NOT_COORDINATOR, and of a partition being
loaded COORDINATOR_LOAD_IN_PROGRESS (each API answers in its own way, as Kafka). By default the
core owns every partition with nothing to load; a broker that replays the log does::

    core = GroupCoordinatorCore(config, owned_partitions=())
    core.begin_loading(p)
    state = records.load(batches_of_partition_p)   # ReplayBatch per batch, in offset order
    outcome = core.finish_loading(p, state, now_ms)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from broker.group.admin import Admin
from broker.group.config import GroupConfig
from broker.group.context import CoreContext, default_member_id
from broker.group.forced import ForcedChanges
from broker.group.heartbeat import Heartbeats
from broker.group.join import Joins
from broker.group.leave import Leaves
from broker.group.loading import Loading
from broker.group.membership import MemberRequests
from broker.group.offsets import Offsets, PartitionExists
from broker.group.outcome import Outcome, ParkKey
from broker.group.rebalance import Rebalancer
from broker.group.records import LoadedState, OffsetAndMetadata, TopicPartition
from broker.group.state import GroupMetadata
from broker.group.sync import Syncs
from broker.group.timers import TimerKey
from broker.group.txn_offsets import TxnOffsets
from protocol.errors import ErrorCode
from protocol.messages import (
    DeleteGroupsRequest,
    DeleteGroupsResponse,
    DescribeGroupsRequest,
    DescribeGroupsResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    JoinGroupRequest,
    JoinGroupResponse,
    LeaveGroupRequest,
    LeaveGroupResponse,
    ListGroupsRequest,
    ListGroupsResponse,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetDeleteRequest,
    OffsetDeleteResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
    SyncGroupRequest,
    SyncGroupResponse,
    TxnOffsetCommitRequest,
    TxnOffsetCommitResponse,
)


class GroupCoordinatorCore:
    """Kafka's classic GroupCoordinator with no IO: call it, apply the ``Outcome``.

    ``new_member_id(prefix)`` makes member ids (default ``<prefix>-<uuid4>``; the prefix is the
    client id, or the group instance id of a static member); tests pass a deterministic one.
    ``owned_partitions`` are the ``__consumer_offsets`` partitions this coordinator leads
    (default: all, already loaded).
    """

    def __init__(
        self,
        config: GroupConfig | None = None,
        *,
        new_member_id: Callable[[str], str] = default_member_id,
        owned_partitions: Iterable[int] | None = None,
        on_rebalanced: Callable[[int], None] | None = None,
    ) -> None:
        """``on_rebalanced(duration_ms)`` is told of every rebalance that ends Stable."""
        self.config = config if config is not None else GroupConfig()
        ctx = self._ctx = CoreContext(
            self.config, new_member_id=new_member_id, owned_partitions=owned_partitions
        )
        if on_rebalanced is not None:
            ctx.on_rebalanced = on_rebalanced
        requests = MemberRequests(ctx)
        rebalancer = Rebalancer(ctx, requests)
        ctx.on_timer = rebalancer.on_timer
        self._joins = Joins(ctx, requests, rebalancer)
        self._syncs = Syncs(ctx, requests, rebalancer)
        self._heartbeats = Heartbeats(ctx)
        self._leaves = Leaves(ctx, rebalancer)
        self._offsets = Offsets(ctx)
        self._txn_offsets = TxnOffsets(ctx)
        self._admin = Admin(ctx, self._offsets)
        self._loading = Loading(ctx, rebalancer)
        self._forced = ForcedChanges(ctx, rebalancer)

    # -- membership -------------------------------------------------------------------------

    def join_group(
        self,
        request: JoinGroupRequest,
        *,
        version: int,
        client_id: str,
        client_host: str,
        now_ms: int,
    ) -> Outcome[JoinGroupResponse]:
        """Handle a JoinGroup. Usually parks it until the rebalance's join phase completes.

        ``client_id`` is the request header's client id; ``client_host`` the peer address as
        DescribeGroups should show it (Kafka shows ``/<ip>``).
        """
        return self._joins.join_group(
            request, version=version, client_id=client_id, client_host=client_host, now_ms=now_ms
        )

    def sync_group(
        self, request: SyncGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[SyncGroupResponse]:
        """Handle a SyncGroup. Parks followers until the leader's assignment is durable."""
        return self._syncs.sync_group(request, version=version, now_ms=now_ms)

    def heartbeat(
        self, request: HeartbeatRequest, *, version: int, now_ms: int
    ) -> Outcome[HeartbeatResponse]:
        """Handle a Heartbeat: restarts the member's session and reports a rebalance."""
        return self._heartbeats.heartbeat(request, version=version, now_ms=now_ms)

    def leave_group(
        self, request: LeaveGroupRequest, *, version: int, now_ms: int
    ) -> Outcome[LeaveGroupResponse]:
        """Handle a LeaveGroup (v0-v2: one member id; v3+: members by id and/or instance id)."""
        return self._leaves.leave_group(request, version=version, now_ms=now_ms)

    # -- fault injection ----------------------------------------------------------------------

    def force_rebalance(self, group_id: str, now_ms: int) -> Outcome[str]:
        """Start a rebalance now, as a joining member would (PreparingRebalance: every member
        must rejoin). The response is a one-line account; ValueError (one line) when the group
        is unknown or empty or not coordinated here."""
        return self._forced.force_rebalance(group_id, now_ms)

    def expire_members(self, group_id: str, member_id: str | None, now_ms: int) -> Outcome[str]:
        """End a member's session (``None``: every member's) as if its heartbeats had stopped:
        it is removed and the group rebalances without it. The response is a one-line
        account; ValueError (one line) for an unknown group or member."""
        return self._forced.expire_members(group_id, member_id, now_ms)

    # -- offsets ----------------------------------------------------------------------------

    def offset_commit(
        self,
        request: OffsetCommitRequest,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[OffsetCommitResponse]:
        """Handle an OffsetCommit; parked until its records are durable.

        ``partition_exists`` (optional) marks unknown partitions UNKNOWN_TOPIC_OR_PARTITION, as
        Kafka's handler does before asking the coordinator.
        """
        return self._offsets.offset_commit(
            request, version=version, now_ms=now_ms, partition_exists=partition_exists
        )

    def offset_fetch(
        self, request: OffsetFetchRequest, *, version: int, now_ms: int
    ) -> Outcome[OffsetFetchResponse]:
        """Handle an OffsetFetch: committed offsets, -1 for partitions without one."""
        return self._offsets.offset_fetch(request, version=version, now_ms=now_ms)

    def offset_delete(
        self,
        request: OffsetDeleteRequest,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[OffsetDeleteResponse]:
        """Handle an OffsetDelete (KIP-496); answered once the tombstones are durable."""
        return self._offsets.offset_delete(
            request, version=version, now_ms=now_ms, partition_exists=partition_exists
        )

    def txn_offset_commit(
        self,
        request: TxnOffsetCommitRequest,
        version: int,
        now_ms: int,
        *,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[TxnOffsetCommitResponse]:
        """Handle a TxnOffsetCommit (v0-v3); parked until its records are durable.

        The offsets then stay pending for the producer (invisible to OffsetFetch) until
        ``complete_txn``. The member is checked only when the request names one (v3+, KIP-447);
        an unknown group is created Empty, as Kafka does.
        """
        return self._txn_offsets.txn_offset_commit(
            request, version=version, now_ms=now_ms, partition_exists=partition_exists
        )

    def complete_txn(
        self, partition: int, producer_id: int, commit: bool, now_ms: int
    ) -> Outcome[None]:
        """A marker of ``producer_id`` was appended to ``__consumer_offsets`` partition
        ``partition``: its pending offsets in every group of that partition become committed
        (``commit``; a plain commit appended after them still wins) or are dropped.

        A partition still loading is ignored here: the driver replays or re-applies the marker
        once the partition is loaded.
        """
        return self._txn_offsets.complete_txn(partition, producer_id, commit, now_ms)

    def expire_offsets(self, now_ms: int) -> Outcome[None]:
        """Drop offsets past ``offsets.retention.minutes`` and groups left with nothing.

        Call it every ``offsets.retention.check.interval.ms``; the outcome carries tombstones.
        """
        return self._offsets.expire_offsets(now_ms)

    def delete_partitions(self, partitions: Iterable[TopicPartition], now_ms: int) -> Outcome[None]:
        """Topic partitions were deleted: drop every group's offsets for them (with tombstones)."""
        return self._offsets.delete_partitions(partitions, now_ms)

    def committed_offsets(self, group_id: str) -> dict[TopicPartition, OffsetAndMetadata]:
        """A group's durable committed offsets (empty if none); lag = log end offset - these."""
        return self._offsets.committed_offsets(group_id)

    def all_committed_offsets(self) -> Iterator[tuple[str, TopicPartition, OffsetAndMetadata]]:
        """Every (group id, partition, committed offset) this coordinator holds."""
        return self._offsets.all_committed_offsets()

    # -- administration ---------------------------------------------------------------------

    def describe_groups(
        self, request: DescribeGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[DescribeGroupsResponse]:
        """Handle a DescribeGroups; an unknown group is reported Dead without error (v0-v5)."""
        return self._admin.describe_groups(request, version=version, now_ms=now_ms)

    def list_groups(
        self, request: ListGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[ListGroupsResponse]:
        """Handle a ListGroups: every group this coordinator holds, filtered by state (v4+) and
        type (v5+); COORDINATOR_LOAD_IN_PROGRESS while a partition loads, with what is loaded."""
        return self._admin.list_groups(request, version=version, now_ms=now_ms)

    def delete_groups(
        self, request: DeleteGroupsRequest, *, version: int, now_ms: int
    ) -> Outcome[DeleteGroupsResponse]:
        """Handle a DeleteGroups: only Empty groups go (with their offsets); answered once the
        tombstones are durable."""
        return self._admin.delete_groups(request, version=version, now_ms=now_ms)

    # -- time -------------------------------------------------------------------------------

    def tick(self, now_ms: int) -> Outcome[None]:
        """Fire every timer due at ``now_ms`` (sessions, rebalance and sync deadlines)."""
        return self._ctx.run(now_ms, lambda: None)

    def on_timer(self, key: TimerKey, now_ms: int) -> Outcome[None]:
        """A driver's per-key timer went off: same as ``tick`` (a key fires only once due)."""
        return self.tick(now_ms)

    def next_deadline_ms(self) -> int | None:
        """When ``tick`` next has work, or None when no timer is armed."""
        return self._ctx.timers.next_deadline_ms()

    def timer_keys(self) -> list[TimerKey]:
        """Every armed timer (to check invariants)."""
        return list(self._ctx.timers.keys())

    # -- persistence ------------------------------------------------------------------------

    def append_completed(self, token: int, error: ErrorCode, now_ms: int) -> Outcome[None]:
        """An ``Append`` is durable (``ErrorCode.NONE``) or failed with ``error``.

        Unknown tokens (e.g. of a partition unloaded meanwhile) are ignored.
        """
        return self._ctx.run(now_ms, lambda: self._ctx.append_completed(token, error))

    def begin_loading(self, partition: int) -> None:
        """This coordinator became leader of ``partition``; its groups answer
        COORDINATOR_LOAD_IN_PROGRESS until ``finish_loading``."""
        self._loading.begin_loading(partition)

    def finish_loading(self, partition: int, loaded: LoadedState, now_ms: int) -> Outcome[None]:
        """Install the groups of ``partition`` from ``records.load`` and start serving them.

        Groups with members come back Stable with their last generation and assignments (the
        members keep heartbeating, or expire); groups without come back Empty. ``loaded`` may
        hold other partitions' groups too: only this partition's are taken.
        """
        self._loading.check_partition(partition)
        return self._ctx.run(
            now_ms, lambda: self._loading.finish_loading(partition, loaded, now_ms)
        )

    def unload(self, partition: int, now_ms: int) -> Outcome[None]:
        """This coordinator no longer leads ``partition``: drop its groups and answer their
        parked requests with NOT_COORDINATOR (clients then find the new coordinator)."""
        self._loading.check_partition(partition)
        return self._ctx.run(now_ms, lambda: self._loading.unload(partition))

    @property
    def owned_partitions(self) -> frozenset[int]:
        """The partitions this coordinator serves (loaded or loading)."""
        return self._loading.owned_partitions

    @property
    def loading(self) -> bool:
        """Some owned partition is still loading."""
        return bool(self._ctx.loading)

    # -- reading state ----------------------------------------------------------------------

    def partition_for(self, group_id: str) -> int:
        """The ``__consumer_offsets`` partition of ``group_id``."""
        return self._ctx.partition_for(group_id)

    def group(self, group_id: str) -> GroupMetadata | None:
        """The group's current state (read it; change it only through the core's methods)."""
        return self._ctx.groups.get(group_id)

    def groups(self) -> Iterator[GroupMetadata]:
        """Every group this coordinator holds."""
        return iter(list(self._ctx.groups.values()))

    def open_parks(self, group_id: str | None = None) -> list[ParkKey]:
        """Every parked request not yet answered (of one group, if ``group_id`` is given)."""
        return self._ctx.open_parks(group_id)
