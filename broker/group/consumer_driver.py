"""IO half of KIP-848 consumer groups: the asyncio driver of ``ConsumerGroupCore``.

It lives beside the classic ``GroupCoordinator`` (which owns it and tells it about metadata
and ``__consumer_offsets`` leadership): time comes from the broker's clock, one timer fires at
the core's next session or revocation deadline, and every metadata change hands the core the
topics (new partitions, created or deleted topics bump the epochs of the groups subscribed to
them). A group is served only where its ``__consumer_offsets`` partition is led and loaded;
when the partition moves away its groups are forgotten here (their members rejoin at the new
coordinator).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from broker.group.consumer_coordinator import (
    ConsumerGroupConfig,
    ConsumerGroupCore,
    GroupRecord,
    TopicInfo,
)
from broker.group.consumer_records import ConsumerRecordError
from broker.metadata.internal_topics import is_internal_topic
from broker.tasks import DeadlineTimer
from protocol.errors import ErrorCode
from protocol.messages import (
    ConsumerGroupDescribeRequest,
    ConsumerGroupDescribeResponse,
    ConsumerGroupHeartbeatRequest,
    ConsumerGroupHeartbeatResponse,
)

if TYPE_CHECKING:
    from broker.metadata.image import MetadataImage

log = logging.getLogger(__name__)

#: Appends records to a ``__consumer_offsets`` partition; the future ends with the outcome.
AppendRecords = Callable[[int, list[tuple[bytes, bytes | None]]], "asyncio.Future[ErrorCode]"]


def map_append_error(code: ErrorCode) -> ErrorCode:
    """What a heartbeat answers when its records could not be written (Kafka's mapping for
    group metadata writes)."""
    if code in (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.KAFKA_STORAGE_ERROR):
        return ErrorCode.NOT_COORDINATOR
    if code is ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.REQUEST_TIMED_OUT
    return ErrorCode.COORDINATOR_NOT_AVAILABLE


class ConsumerGroupDriver:
    """The KIP-848 groups of this broker."""

    def __init__(
        self,
        config: ConsumerGroupConfig,
        clock_ms: Callable[[], int],
        serving: Callable[[str], ErrorCode],
        partition_for: Callable[[str], int],
        append: AppendRecords,
        classic_state: Callable[[str], str | None] = lambda group_id: None,
    ) -> None:
        """``serving(group_id)`` says whether this broker coordinates the group now (NONE),
        or the error to answer (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...);
        ``partition_for`` is the group's ``__consumer_offsets`` partition, where ``append``
        writes its records."""
        self.core = ConsumerGroupCore(config)
        self._clock_ms = clock_ms
        self._serving = serving
        self._partition_for = partition_for
        self._append = append
        self._classic_state = classic_state
        self._timer = DeadlineTimer(clock_ms, self._on_timer)
        self._stopped = False

    def on_metadata(self, image: MetadataImage) -> None:
        """The topics may have changed: hand them to the core."""
        if self._stopped:
            return
        topics = {
            name: TopicInfo(t.topic_id, t.partition_count, is_internal_topic(name))
            for name, t in image.topics_by_name.items()
        }
        if {n: (i.topic_id, i.partitions) for n, i in topics.items()} == {
            n: (i.topic_id, i.partitions) for n, i in self.core.topics.items()
        }:
            return
        bumped = self.core.update_topics(topics, self._clock_ms())
        if bumped:
            log.info("consumer groups %s: subscribed topics changed, new group epochs", bumped)
        self._write()
        self._rearm()

    def load(self, partition: int, records: list[tuple[bytes, bytes | None]]) -> None:
        """A ``__consumer_offsets`` partition was replayed: install its consumer groups."""
        try:
            installed = self.core.load_records(records, self._clock_ms())
        except ConsumerRecordError:
            log.exception("__consumer_offsets-%d: consumer group records unreadable", partition)
            return
        if installed:
            log.info("consumer groups %s loaded from partition %d", installed, partition)
        self._rearm()

    def _write(self) -> list[asyncio.Future[ErrorCode]]:
        """Append what changed, one batch per partition; the futures of those appends."""
        records = self.core.drain_records()
        if not records:
            return []
        by_partition: dict[int, list[GroupRecord]] = {}
        for record in records:
            by_partition.setdefault(self._partition_for(record[0]), []).append(record)
        return [
            self._checked(p, rs, self._append(p, [(key, value) for _, key, value in rs]))
            for p, rs in by_partition.items()
        ]

    def _checked(
        self, partition: int, records: list[GroupRecord], future: asyncio.Future[ErrorCode]
    ) -> asyncio.Future[ErrorCode]:
        """``future``, watched: when the append fails, the records of the groups still
        served here are written again by the next drain (see ``records_failed``)."""

        def check(f: asyncio.Future[ErrorCode]) -> None:
            code = ErrorCode.UNKNOWN_SERVER_ERROR if f.cancelled() else f.result()
            if code is ErrorCode.NONE:
                return
            log.warning("consumer group records to partition %d failed: %s", partition, code)
            if self._stopped:
                return
            self.core.records_failed(r for r in records if self._serving(r[0]) is ErrorCode.NONE)

        future.add_done_callback(check)
        return future

    def forget(self, belongs: Callable[[str], bool]) -> None:
        """This broker no longer coordinates the groups ``belongs`` selects."""
        gone = self.core.drop_groups(belongs)
        if gone:
            log.info("consumer groups %s: no longer coordinated here", gone)
        self._rearm()

    def heartbeat(
        self, req: ConsumerGroupHeartbeatRequest, version: int, client_id: str, client_host: str
    ) -> ConsumerGroupHeartbeatResponse | Awaitable[ConsumerGroupHeartbeatResponse]:
        """ConsumerGroupHeartbeat: answered once the records it changed are committed (at
        once when it changed none)."""
        error = ErrorCode.NOT_COORDINATOR if self._stopped else self._serving(req.group_id)
        if error is not ErrorCode.NONE:
            return ConsumerGroupHeartbeatResponse(
                error_code=error, member_epoch=0, heartbeat_interval_ms=0
            )
        response = self.core.heartbeat(
            req,
            version=version,
            now_ms=self._clock_ms(),
            client_id=client_id,
            client_host=client_host,
            classic_state=self._classic_state(req.group_id),
        )
        self._rearm()
        writes = self._write()
        if not writes:
            return response
        return _after(writes, response)

    def convert_to_classic(self, group_id: str) -> ErrorCode | None:
        """A classic JoinGroup came for ``group_id`` (see ``ConsumerGroupCore``): an empty
        consumer group is deleted (its tombstones written in the background)."""
        if self._stopped:
            return None
        verdict = self.core.convert_to_classic(group_id)
        if verdict is ErrorCode.NONE:
            log.info("consumer group %s is empty: converted to a classic group", group_id)
            self._write()
        return verdict

    def describe(self, req: ConsumerGroupDescribeRequest) -> ConsumerGroupDescribeResponse:
        """ConsumerGroupDescribe of the groups coordinated here."""
        groups = []
        for gid in req.group_ids:
            error = ErrorCode.NOT_COORDINATOR if self._stopped else self._serving(gid)
            if error is not ErrorCode.NONE:
                described = self.core.describe([gid])[0]
                described.error_code = error
                described.error_message = None
                groups.append(described)
            else:
                groups.extend(self.core.describe([gid]))
        return ConsumerGroupDescribeResponse(groups=groups)

    def force_rebalance(self, group_id: str) -> str:
        """A new group epoch and target assignment for ``group_id`` (``ConsumerGroupCore``);
        its records are written in the background."""
        account = self.core.force_rebalance(group_id)
        self._write()
        self._rearm()
        return account

    def expire_members(self, group_id: str, member_id: str | None) -> str:
        """Fence a member (None: every member) as on a session timeout."""
        account = self.core.expire_members(group_id, member_id)
        self._write()
        self._rearm()
        return account

    def stop(self) -> None:
        """Stop the timer; later requests answer NOT_COORDINATOR."""
        self._stopped = True
        self._timer.cancel()

    def _rearm(self) -> None:
        if self._stopped:
            return
        self._timer.arm(self.core.next_deadline_ms())

    def _on_timer(self) -> None:
        if self._stopped:
            return
        removed = self.core.tick(self._clock_ms())
        for group_id, member_id in removed:
            log.info("consumer group %s: member %s removed (timeout)", group_id, member_id)
        self._write()
        self._rearm()


async def _after(
    writes: list[asyncio.Future[ErrorCode]], response: ConsumerGroupHeartbeatResponse
) -> ConsumerGroupHeartbeatResponse:
    """The heartbeat's response once its records are committed, or the mapped error (the
    state stays as the heartbeat left it: the member retries)."""
    for code in await asyncio.gather(*writes):
        if code is not ErrorCode.NONE:
            return ConsumerGroupHeartbeatResponse(
                error_code=map_append_error(code), member_epoch=0, heartbeat_interval_ms=0
            )
    return response
