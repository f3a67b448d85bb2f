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

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from broker.group.consumer_coordinator import ConsumerGroupConfig, ConsumerGroupCore, TopicInfo
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


class ConsumerGroupDriver:
    """The KIP-848 groups of this broker."""

    def __init__(
        self,
        config: ConsumerGroupConfig,
        clock_ms: Callable[[], int],
        serving: Callable[[str], ErrorCode],
    ) -> None:
        """``serving(group_id)`` says whether this broker coordinates the group now (NONE),
        or the error to answer (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...)."""
        self.core = ConsumerGroupCore(config)
        self._clock_ms = clock_ms
        self._serving = serving
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
        self._rearm()

    def forget(self, belongs: Callable[[str], bool]) -> None:
        """This broker no longer coordinates the groups ``belongs`` selects."""
        gone = self.core.drop_groups(belongs)
        if gone:
            log.info("consumer groups %s: no longer coordinated here", gone)
        self._rearm()

    def heartbeat(
        self, req: ConsumerGroupHeartbeatRequest, version: int, client_id: str, client_host: str
    ) -> ConsumerGroupHeartbeatResponse:
        """ConsumerGroupHeartbeat, answered at once."""
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
        )
        self._rearm()
        return response

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
        self._rearm()
