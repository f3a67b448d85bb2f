"""Rebalance callbacks: what the application hears when partitions come and go."""

from __future__ import annotations

import inspect
import logging

from client.types import TopicPartition

__all__ = ["ConsumerRebalanceListener", "call_listener"]

log = logging.getLogger("samsa.client.consumer")


class ConsumerRebalanceListener:
    """Subclass and override what you need; methods may be plain or ``async``.

    * ``on_partitions_revoked`` — before partitions are taken away in a rebalance (commit
      or flush work for them here); with the cooperative protocol only the partitions that
      move are revoked.
    * ``on_partitions_assigned`` — after partitions were added (seek here if you keep offsets
      elsewhere).
    * ``on_partitions_lost`` — partitions were lost without a clean hand-over (the member was
      expelled, its session expired): others may own them already, so do not commit. The
      default calls ``on_partitions_revoked``, as Kafka's does.
    """

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> object:
        """Partitions about to be taken away."""
        return None

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> object:
        """Partitions just added."""
        return None

    def on_partitions_lost(self, lost: set[TopicPartition]) -> object:
        """Partitions already owned by someone else."""
        return self.on_partitions_revoked(lost)


async def call_listener(
    listener: ConsumerRebalanceListener | None, method: str, partitions: set[TopicPartition]
) -> None:
    """Call a listener method (awaiting it if it is async); log and swallow its errors.

    Kafka's consumers do the same: a bug in a callback must not stop group membership.
    """
    if listener is None:
        return
    try:
        result = getattr(listener, method)(set(partitions))
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("rebalance listener %s failed", method)
