"""Small value types of the Kafka protocol shared by the broker and the client."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["TopicPartition"]


class TopicPartition(NamedTuple):
    """A partition of a topic: a topic name and a partition number.

    Ordered and hashed as the tuple ``(topic, partition)``; ``str()`` is Kafka's
    ``<topic>-<partition>``.
    """

    topic: str
    partition: int

    def __str__(self) -> str:
        return f"{self.topic}-{self.partition}"
