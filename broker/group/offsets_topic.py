"""Creating ``__consumer_offsets``: through the controller like a CreateTopics, retried.

The topic is created at start-up if missing, with ``offsets.topic.num.partitions`` partitions,
``offsets.topic.replication.factor`` replicas and Kafka's topic configs (compacted, with
``offsets.topic.segment.bytes`` segments). If that fails, FindCoordinator and group requests
retry it (one attempt at a time); a cluster that is starting retries at each metadata change
until enough brokers have registered for the replication factor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from broker.metadata.controller_api import ControllerApi, CreateTopicResult, NewTopic
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.metadata.topic_creator import InternalTopicCreator
from protocol.errors import ErrorCode

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.metadata.image import MetadataImage

__all__ = ["OFFSETS_TOPIC_WAIT_WARN_S", "OffsetsTopicCreator", "offsets_topic_configs"]

log = logging.getLogger("samsa.group")

#: How long ``__consumer_offsets`` may wait for enough brokers to register (its replication
#: factor) before that is logged as a warning: while a cluster starts, brokers register one by
#: one and the creation is retried at each registration, which is normal and logged at INFO.
OFFSETS_TOPIC_WAIT_WARN_S: Final = 30.0


def offsets_topic_configs(config: BrokerConfig) -> dict[str, str | None]:
    """The topic configs ``__consumer_offsets`` is created with (Kafka's): compacted, with
    ``offsets.topic.segment.bytes`` segments. ``min.insync.replicas`` is the broker default."""
    return {
        "cleanup.policy": "compact",
        "segment.bytes": str(config.offsets_topic_segment_bytes),
    }


class OffsetsTopicCreator(InternalTopicCreator):
    """Creates ``__consumer_offsets``, one attempt at a time; ``on_exists(image)`` is called
    once the topic exists (created now, or already there)."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: ControllerApi,
        on_exists: Callable[[MetadataImage], None],
    ) -> None:
        super().__init__(
            controller,
            GROUP_METADATA_TOPIC,
            on_exists,
            logger=log,
            unavailable="consumer groups are",
        )
        self._config = config
        #: Since when (monotonic) the topic waits for brokers to register; None when it is not
        #: waiting. Each metadata change then retries the creation.
        self._waiting_for_brokers_since: float | None = None
        self._warned_waiting = False

    @property
    def waiting_for_brokers(self) -> bool:
        """Too few brokers were registered at the last attempt."""
        return self._waiting_for_brokers_since is not None

    def exists(self) -> None:
        """The topic exists: stop waiting for brokers."""
        self._waiting_for_brokers_since = None

    def new_topic(self, image: MetadataImage) -> NewTopic:
        config = self._config
        return NewTopic(
            GROUP_METADATA_TOPIC,
            num_partitions=config.offsets_topic_num_partitions,
            replication_factor=config.offsets_topic_replication_factor,
            configs=offsets_topic_configs(config),
        )

    def refused(self, result: CreateTopicResult) -> bool:
        if result.error == ErrorCode.INVALID_REPLICATION_FACTOR:
            self._wait_for_brokers(result.message)
            return True
        self._waiting_for_brokers_since = None
        return False

    def _wait_for_brokers(self, reason: str | None) -> None:
        """Too few brokers are registered for ``offsets.topic.replication.factor`` (a cluster
        that is starting): retried at each metadata change; INFO at first, a WARNING once if it
        lasts past ``OFFSETS_TOPIC_WAIT_WARN_S``."""
        now = time.monotonic()
        factor = self._config.offsets_topic_replication_factor
        if self._waiting_for_brokers_since is None:
            self._waiting_for_brokers_since = now
            log.info(
                "%s waits for brokers to register (replication factor %d): %s",
                GROUP_METADATA_TOPIC,
                factor,
                reason,
            )
        elif (
            not self._warned_waiting
            and now - self._waiting_for_brokers_since > OFFSETS_TOPIC_WAIT_WARN_S
        ):
            self._warned_waiting = True
            log.warning(
                "cannot create %s for %.0f s: %s; consumer groups are unavailable until "
                "offsets.topic.replication.factor (%d) brokers are registered",
                GROUP_METADATA_TOPIC,
                now - self._waiting_for_brokers_since,
                reason,
                factor,
            )
