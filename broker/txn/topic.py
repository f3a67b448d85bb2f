"""Creating ``__transaction_state``: through the controller like a CreateTopics, retried.

The topic is created when first needed (the first FindCoordinator for a transactional id, as
in Kafka), with ``transaction.state.log.num.partitions`` partitions,
``transaction.state.log.replication.factor`` replicas and ``transaction.state.log.min.isr`` as
its ``min.insync.replicas``, both capped at the brokers registered then (Kafka caps them the
same way, so a small cluster still gets transactions), compacted, with
``transaction.state.log.segment.bytes`` segments. If that fails, the next FindCoordinator or
transaction request retries it (one attempt at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from broker.metadata.controller_api import ControllerApi, NewTopic
from broker.metadata.internal_topics import TRANSACTION_STATE_TOPIC
from protocol.errors import ErrorCode, KafkaError

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.metadata.image import MetadataImage

__all__ = ["TxnStateTopicCreator", "txn_state_replication", "txn_state_topic_configs"]

log = logging.getLogger("samsa.txn")


def txn_state_replication(config: BrokerConfig, image: MetadataImage) -> tuple[int, int]:
    """``(replication factor, min.insync.replicas)`` for ``__transaction_state``: the settings,
    capped at the active brokers registered in ``image`` (a cluster of one that never
    registered counts as one broker), the minimum ISR capped at the factor."""
    active = sum(1 for b in image.brokers.values() if b.active) or 1
    factor = min(config.transaction_state_log_replication_factor, active)
    return factor, min(config.transaction_state_log_min_isr, factor)


def txn_state_topic_configs(config: BrokerConfig, min_isr: int) -> dict[str, str | None]:
    """The topic configs ``__transaction_state`` is created with (Kafka's): compacted,
    ``transaction.state.log.segment.bytes`` segments, its own ``min.insync.replicas``."""
    return {
        "cleanup.policy": "compact",
        "segment.bytes": str(config.transaction_state_log_segment_bytes),
        "min.insync.replicas": str(min_isr),
    }


class TxnStateTopicCreator:
    """Creates ``__transaction_state``, one attempt at a time; ``on_exists(image)`` is called
    once the topic exists (created now, or already there)."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: ControllerApi,
        on_exists: Callable[[MetadataImage], None],
    ) -> None:
        self._config = config
        self._controller = controller
        self._on_exists = on_exists
        self._task: asyncio.Task[None] | None = None

    def ensure_soon(self) -> None:
        """Create the topic in the background unless an attempt is under way."""
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.get_running_loop().create_task(
            self.ensure(), name="create-transaction-state"
        )

    async def stop(self) -> None:
        """Abandon an attempt under way."""
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def ensure(self) -> None:
        """Create the topic if it is missing (errors are logged; the next call retries)."""
        controller = self._controller
        image = controller.image
        if image.topic(TRANSACTION_STATE_TOPIC) is not None:
            self._on_exists(image)
            return
        config = self._config
        factor, min_isr = txn_state_replication(config, image)
        try:
            [result] = await controller.create_topics(
                [
                    NewTopic(
                        TRANSACTION_STATE_TOPIC,
                        num_partitions=config.transaction_state_log_num_partitions,
                        replication_factor=factor,
                        configs=txn_state_topic_configs(config, min_isr),
                    )
                ]
            )
        except KafkaError as exc:
            log.error("cannot create %s: %s", TRANSACTION_STATE_TOPIC, exc)
            return
        if result.error not in (ErrorCode.NONE, ErrorCode.TOPIC_ALREADY_EXISTS):
            log.error(
                "cannot create %s: %s (%s); transactions are unavailable until it exists",
                TRANSACTION_STATE_TOPIC,
                result.error.name,
                result.message,
            )
            return
        log.info("created %s (replication factor %d)", TRANSACTION_STATE_TOPIC, factor)
        self._on_exists(controller.image)
