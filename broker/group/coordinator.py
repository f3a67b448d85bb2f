"""``GroupCoordinatorCore``: the whole classic group coordinator as a pure state machine.

Every method takes the request (a generated message from ``protocol.messages``), its version
and ``now_ms`` (wall-clock epoch milliseconds: commit timestamps are persisted), and returns an
``Outcome`` (see ``broker.group.outcome`` for how a driver applies one). Nothing here blocks,
reads a clock or does IO. The core is not thread-safe and not re-entrant: one call at a time.

Partitions of ``__consumer_offsets``: a group belongs to ``partition_for(group_id)``. Requests
for groups of a partition the core does not own get NOT_COORDINATOR, and of a partition being
loaded COORDINATOR_LOAD_IN_PROGRESS (each API answers in its own way, as Kafka). By default the
core owns every partition with nothing to load; a broker that replays the log does::

    core = GroupCoordinatorCore(config, owned_partitions=())
    core.begin_loading(p)
    state = records.load(key_value_pairs_of_partition_p)   # in offset order
    outcome = core.finish_loading(p, state, now_ms)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from broker.group._core import default_member_id
from broker.group.admin import AdminMixin
from broker.group.config import GroupConfig
from broker.group.membership import MembershipMixin
from broker.group.outcome import Outcome
from broker.group.records import GroupMetadataValue, LoadedState
from broker.group.state import GroupMetadata, GroupState, MemberMetadata
from broker.group.timers import TimerKey
from protocol.errors import ErrorCode


class GroupCoordinatorCore(MembershipMixin, AdminMixin):
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
    ) -> None:
        super().__init__(config, new_member_id=new_member_id, owned_partitions=owned_partitions)

    # -- time -------------------------------------------------------------------------------

    def tick(self, now_ms: int) -> Outcome[None]:
        """Fire every timer due at ``now_ms`` (sessions, rebalance and sync deadlines)."""
        return self._run(now_ms, lambda: None)

    def on_timer(self, key: TimerKey, now_ms: int) -> Outcome[None]:
        """A driver's per-key timer went off: same as ``tick`` (a key fires only once due)."""
        return self.tick(now_ms)

    # -- persistence ------------------------------------------------------------------------

    def append_completed(self, token: int, error: ErrorCode, now_ms: int) -> Outcome[None]:
        """An ``Append`` is durable (``ErrorCode.NONE``) or failed with ``error``.

        Unknown tokens (e.g. of a partition unloaded meanwhile) are ignored.
        """

        def run() -> None:
            pending = self._pending_appends.pop(token, None)
            if pending is not None:
                pending.on_complete(error)

        return self._run(now_ms, run)

    def begin_loading(self, partition: int) -> None:
        """This coordinator became leader of ``partition``; its groups answer
        COORDINATOR_LOAD_IN_PROGRESS until ``finish_loading``."""
        self._check_partition(partition)
        self._loading.add(partition)

    def finish_loading(self, partition: int, loaded: LoadedState, now_ms: int) -> Outcome[None]:
        """Install the groups of ``partition`` from ``records.load`` and start serving them.

        Groups with members come back Stable with their last generation and assignments (the
        members keep heartbeating, or expire); groups without come back Empty. ``loaded`` may
        hold other partitions' groups too: only this partition's are taken.
        """
        self._check_partition(partition)

        def run() -> None:
            self._loading.discard(partition)
            self._owned.add(partition)
            for group_id, lg in loaded.items():
                if self.partition_for(group_id) != partition:
                    continue
                group = self._restore_group(group_id, lg.metadata, now_ms)
                group.offsets = dict(lg.offsets)
                self._groups[group_id] = group
                for member in group.members.values():
                    self._schedule_heartbeat(group, member)
                if group.size > self.config.group_max_size:
                    # Over capacity (the limit was lowered): rebalance so the surplus is shed.
                    self._prepare_rebalance(group)

        return self._run(now_ms, run)

    @staticmethod
    def _restore_group(
        group_id: str, value: GroupMetadataValue | None, now_ms: int
    ) -> GroupMetadata:
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

    def unload(self, partition: int, now_ms: int) -> Outcome[None]:
        """This coordinator no longer leads ``partition``: drop its groups and answer their
        parked requests with NOT_COORDINATOR (clients then find the new coordinator)."""
        self._check_partition(partition)

        def run() -> None:
            self._owned.discard(partition)
            self._loading.discard(partition)
            gone = {gid for gid in self._groups if self.partition_for(gid) == partition}
            for group_id in gone:
                group = self._groups.pop(group_id)
                group.transition_to(GroupState.DEAD, self._now_ms)
                for key in self._timers.keys(group_id):
                    self._cancel_timer(key)
            for token, pending in list(self._pending_appends.items()):
                if pending.partition == partition:
                    del self._pending_appends[token]
                    pending.on_complete(ErrorCode.NOT_LEADER_OR_FOLLOWER)
            for group_id in gone:
                for park in self.open_parks(group_id):
                    self._complete_with_error(park, ErrorCode.NOT_COORDINATOR)

        return self._run(now_ms, run)

    def _check_partition(self, partition: int) -> None:
        if not 0 <= partition < self.config.offsets_topic_num_partitions:
            raise ValueError(f"__consumer_offsets has no partition {partition}")

    @property
    def owned_partitions(self) -> frozenset[int]:
        """The partitions this coordinator serves (loaded or loading)."""
        return frozenset(self._owned | self._loading)
