"""Loading and unloading ``__consumer_offsets`` partitions: the groups a coordinator serves.

A coordinator serves the groups of the partitions it leads. ``Loading`` marks a partition as
loading (its groups answer COORDINATOR_LOAD_IN_PROGRESS), installs the groups replayed from
its log (``records.load``: committed offsets, and the offsets of transactions still open, which
stay pending until their marker), and unloads a partition whose leadership moved (its groups go,
their parked requests get NOT_COORDINATOR).
"""

from __future__ import annotations

from broker.group.context import CoreContext
from broker.group.rebalance import Rebalancer
from broker.group.records import GroupMetadataValue, LoadedState
from broker.group.state import GroupMetadata, GroupState, MemberMetadata, PendingTxnOffset
from protocol.errors import ErrorCode


class Loading:
    """Which ``__consumer_offsets`` partitions are served, and their groups coming and going."""

    def __init__(self, ctx: CoreContext, rebalancer: Rebalancer) -> None:
        self._ctx = ctx
        self._rebalancer = rebalancer

    def begin_loading(self, partition: int) -> None:
        self.check_partition(partition)
        self._ctx.loading.add(partition)

    def finish_loading(self, partition: int, loaded: LoadedState, now_ms: int) -> None:
        """Install the groups of ``partition`` (inside a call of the core)."""
        ctx = self._ctx
        ctx.loading.discard(partition)
        ctx.owned.add(partition)
        for group_id, lg in loaded.items():
            if ctx.partition_for(group_id) != partition:
                continue
            group = restore_group(group_id, lg.metadata, now_ms)
            group.offsets = dict(lg.offsets)
            group.offset_positions = {tp: (0, n) for tp, n in lg.offset_positions.items()}
            for producer_id, pending in lg.pending_txn_offsets.items():
                group.pending_txn_offsets[producer_id] = {
                    tp: PendingTxnOffset(entry.offset, (0, entry.position))
                    for tp, entry in pending.items()
                }
                ctx.txn_producer_groups.setdefault(producer_id, set()).add(group_id)
            ctx.groups[group_id] = group
            for member in group.members.values():
                ctx.schedule_heartbeat(group, member)
            if group.size > ctx.config.group_max_size:
                # Over capacity (the limit was lowered): rebalance so the surplus is shed.
                self._rebalancer.prepare_rebalance(group)

    def unload(self, partition: int) -> None:
        """Drop the groups of ``partition`` (inside a call of the core)."""
        ctx = self._ctx
        ctx.owned.discard(partition)
        ctx.loading.discard(partition)
        gone = {gid for gid in ctx.groups if ctx.partition_for(gid) == partition}
        for group_id in gone:
            group = ctx.groups.pop(group_id)
            group.transition_to(GroupState.DEAD, ctx.now_ms)
            for key in ctx.timers.keys(group_id):
                ctx.cancel_timer(key)
        for producer_id, group_ids in list(ctx.txn_producer_groups.items()):
            group_ids -= gone
            if not group_ids:
                del ctx.txn_producer_groups[producer_id]
        ctx.fail_appends(partition, ErrorCode.NOT_LEADER_OR_FOLLOWER)
        for group_id in gone:
            for park in ctx.open_parks(group_id):
                ctx.complete_with_error(park, ErrorCode.NOT_COORDINATOR)

    def check_partition(self, partition: int) -> None:
        if not 0 <= partition < self._ctx.config.offsets_topic_num_partitions:
            raise ValueError(f"__consumer_offsets has no partition {partition}")

    @property
    def owned_partitions(self) -> frozenset[int]:
        return frozenset(self._ctx.owned | self._ctx.loading)


def restore_group(group_id: str, value: GroupMetadataValue | None, now_ms: int) -> GroupMetadata:
    """A group as its last metadata record left it (Stable with members, else Empty)."""
    if value is None:
        # Offsets only: a group of simple consumers (no protocol type).
        return GroupMetadata(group_id, state_timestamp_ms=now_ms)
    group = GroupMetadata(group_id)
    protocol = value.protocol_name or ""
    for m in value.members:
        group.add(
            MemberMetadata(
                member_id=m.member_id,
                group_instance_id=m.group_instance_id,
                client_id=m.client_id,
                client_host=m.client_host,
                rebalance_timeout_ms=m.rebalance_timeout_ms,
                session_timeout_ms=m.session_timeout_ms,
                protocol_type=value.protocol_type,
                supported_protocols=[(protocol, m.subscription)],
                assignment=m.assignment,
            )
        )
    group.generation_id = value.generation_id
    group.protocol_type = value.protocol_type or None
    group.protocol_name = value.protocol_name
    if value.leader_id is not None and value.leader_id in group.members:
        group.leader_id = value.leader_id
    group.state = GroupState.STABLE if group.members else GroupState.EMPTY
    group.state_timestamp_ms = value.state_timestamp_ms
    group.subscribed_topics = group.compute_subscribed_topics()
    return group
