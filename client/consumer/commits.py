"""Commits of a ``Consumer``'s positions at the group coordinator: explicit, in the
background, automatic (``enable.auto.commit``), and the committed offsets read back.

A commit made as a group member carries the member id and generation; one the group refuses
because it moved on (a rebalance, a fenced instance) is a ``CommitFailedError`` and asks the
member to rejoin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final

from client.cluster import Cluster
from client.config import ConsumerConfig
from client.consumer.subscription import SubscriptionState
from client.errors import ClientError, CommitFailedError, KafkaError, error_from_code
from client.group_offsets import commit_offsets, fetch_committed
from client.types import OffsetAndMetadata, TopicPartition
from protocol.errors import ErrorCode

if TYPE_CHECKING:
    from client.consumer.group import GroupMember
    from client.consumer.group_consumer import ConsumerGroupMember

__all__ = ["CommitCallback", "OffsetCommitter", "commit_in_background", "offsets_to_commit"]

log = logging.getLogger("samsa.client.consumer")

#: Commit errors that mean the group moved on: the commit cannot succeed any more.
_COMMIT_FAILED: Final = frozenset(
    {
        ErrorCode.ILLEGAL_GENERATION,
        ErrorCode.UNKNOWN_MEMBER_ID,
        ErrorCode.REBALANCE_IN_PROGRESS,
        ErrorCode.FENCED_INSTANCE_ID,
        ErrorCode.STALE_MEMBER_EPOCH,
    }
)
#: Commits again after STALE_MEMBER_EPOCH while the member's epoch keeps moving (each retry
#: needs a newer epoch, so a few suffice; more means the member is being fenced).
STALE_EPOCH_RETRIES: Final = 3

CommitCallback = Callable[[dict[TopicPartition, OffsetAndMetadata], BaseException | None], object]


def offsets_to_commit(
    offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
) -> dict[TopicPartition, OffsetAndMetadata]:
    """Offsets as given to ``commit`` (plain offsets or ``OffsetAndMetadata``), as committed."""
    return {
        TopicPartition(tp[0], tp[1]): o if isinstance(o, OffsetAndMetadata)
        else OffsetAndMetadata(o)
        for tp, o in offsets.items()
    }  # fmt: skip


class OffsetCommitter:
    """A consumer's commits: its positions as offsets, commits as a member of its group (or
    standalone), the auto-commit loop, and the background commits still running."""

    def __init__(
        self,
        cluster: Cluster,
        subs: SubscriptionState,
        config: ConsumerConfig,
        coordinator: list[int],
    ) -> None:
        self._cluster = cluster
        self._subs = subs
        self._config = config
        #: The coordinator's node id, shared with the group member that finds it.
        self.coordinator = coordinator
        self._timeout_s = config.request_timeout_ms / 1000
        #: The group the consumer is a member of (set once it exists), None without one.
        self.group: GroupMember | ConsumerGroupMember | None = None
        #: Background commits (``commit_async``) still running; closing waits for them.
        self.tasks: set[asyncio.Task[None]] = set()

    def current_offsets(
        self, partitions: Iterable[TopicPartition] | None = None
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """The position of each assigned partition (all, or these) that has one."""
        assignment = self._subs.assignment
        wanted = assignment if partitions is None else {tp: assignment[tp] for tp in partitions
                                                        if tp in assignment}  # fmt: skip
        return {
            tp: OffsetAndMetadata(s.position, "", s.leader_epoch)
            for tp, s in wanted.items()
            if s.position is not None
        }

    async def commit_positions(self, partitions: set[TopicPartition]) -> None:
        """Commit the positions of these partitions (before they are revoked, or on close)."""
        offsets = self.current_offsets(partitions)
        if offsets:
            await self.commit(offsets)

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        """Commit ``offsets`` and wait; ``CommitFailedError`` when the group moved on.

        A KIP-848 member whose epoch moved while the commit was on its way (STALE_MEMBER_EPOCH)
        commits again with its new epoch, as Kafka's consumer does."""
        for _ in range(STALE_EPOCH_RETRIES):
            group = self.group
            epoch = group.generation_id if group is not None else -1
            results = await self._commit_once(offsets)
            stale = {tp for tp, code in results.items() if code == ErrorCode.STALE_MEMBER_EPOCH}
            if not stale or group is None or group.generation_id == epoch:
                break
            offsets = {tp: o for tp, o in offsets.items() if tp in stale}
        self._check(results)

    async def _commit_once(
        self, offsets: dict[TopicPartition, OffsetAndMetadata]
    ) -> dict[TopicPartition, int]:
        group_id = self._config.group_id
        assert group_id is not None
        group = self.group
        managed = group is not None and self._subs.group_managed
        generation = group.generation_id if managed and group is not None else -1
        member = group.member_id if managed and group is not None else ""
        return await commit_offsets(
            self._cluster,
            group_id,
            offsets,
            timeout_s=self._timeout_s,
            generation_id=generation,
            member_id=member,
            group_instance_id=self._config.group_instance_id if managed else None,
            node_hint=self.coordinator,
        )

    def _check(self, results: dict[TopicPartition, int]) -> None:
        group = self.group
        managed = group is not None and self._subs.group_managed
        for tp, code in sorted(results.items()):
            if not code:
                continue
            if code in _COMMIT_FAILED:
                if group is not None and managed:
                    group.request_rejoin("a commit found the group changed")
                raise CommitFailedError(
                    f"commit of {tp} failed: {error_from_code(code)}; the group rebalanced and "
                    "the partition may be another member's now"
                )
            raise error_from_code(code, f"committing {tp}")

    async def committed(self, group_id: str, partition: TopicPartition) -> OffsetAndMetadata | None:
        """The group's committed offset for ``partition`` (None if nothing is committed)."""
        found = await fetch_committed(
            self._cluster,
            group_id,
            [partition],
            timeout_s=self._timeout_s,
            node_hint=self.coordinator,
        )
        return found.get(partition)

    async def auto_commit_loop(self) -> None:
        """Commit the positions every ``auto.commit.interval.ms`` (not while rebalancing)."""
        interval = self._config.auto_commit_interval_ms / 1000
        while True:
            await asyncio.sleep(interval)
            group = self.group
            if group is not None and self._subs.group_managed and not group.stable:
                continue
            offsets = self.current_offsets()
            if not offsets:
                continue
            try:
                await self.commit(offsets)
            except (KafkaError, ClientError) as exc:  # retried at the next interval
                log.warning("auto-commit failed: %s", exc)

    def track(self, task: asyncio.Task[None]) -> None:
        """Keep a background commit until it is done (its failure logged)."""
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("async commit failed: %s", task.exception())

    async def wait_background(self) -> None:
        """Wait for the background commits, each up to ``request.timeout.ms`` (their
        failures were the callers' to hear about)."""
        for task in list(self.tasks):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, self._timeout_s)


async def commit_in_background(
    commit: Callable[[Mapping[TopicPartition, int | OffsetAndMetadata]], Awaitable[None]],
    snapshot: Mapping[TopicPartition, int | OffsetAndMetadata],
    callback: CommitCallback | None,
) -> None:
    """Run ``commit(snapshot)`` and tell ``callback(offsets, error_or_None)`` how it went
    (a failing callback is logged); the commit's error is raised."""
    error: BaseException | None = None
    try:
        await commit(snapshot)
    except Exception as exc:
        error = exc
        raise
    finally:
        if callback is not None:
            try:
                callback(
                    {
                        tp: o if isinstance(o, OffsetAndMetadata) else OffsetAndMetadata(o)
                        for tp, o in snapshot.items()
                    },
                    error,
                )
            except Exception:
                log.exception("commit callback failed")
