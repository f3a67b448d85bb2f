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

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from broker.metadata.controller_api import ControllerApi, NewTopic
from broker.metadata.image import MetadataImage
from broker.metadata.internal_topics import TRANSACTION_STATE_TOPIC
from broker.metadata.topic_creator import InternalTopicCreator

if TYPE_CHECKING:
    from broker.config import BrokerConfig

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


class TxnStateTopicCreator(InternalTopicCreator):
    """Creates ``__transaction_state``, one attempt at a time; ``on_exists(image)`` is called
    once the topic exists (created now, or already there)."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: ControllerApi,
        on_exists: Callable[[MetadataImage], None],
    ) -> None:
        super().__init__(
            controller,
            TRANSACTION_STATE_TOPIC,
            on_exists,
            logger=log,
            unavailable="transactions are",
        )
        self._config = config

    def new_topic(self, image: MetadataImage) -> NewTopic:
        config = self._config
        factor, min_isr = txn_state_replication(config, image)
        return NewTopic(
            TRANSACTION_STATE_TOPIC,
            num_partitions=config.transaction_state_log_num_partitions,
            replication_factor=factor,
            configs=txn_state_topic_configs(config, min_isr),
        )

    def created(self, topic: NewTopic) -> None:
        log.info("created %s (replication factor %d)", topic.name, topic.replication_factor)
