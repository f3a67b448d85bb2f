"""Small value types of the Kafka protocol shared by the broker and the client."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

__all__ = ["ConfigSource", "TopicPartition"]


class TopicPartition(NamedTuple):
    """A partition of a topic: a topic name and a partition number.

    Ordered and hashed as the tuple ``(topic, partition)``; ``str()`` is Kafka's
    ``<topic>-<partition>``.
    """

    topic: str
    partition: int

    def __str__(self) -> str:
        return f"{self.topic}-{self.partition}"


class ConfigSource(IntEnum):
    """Where a config value comes from: DescribeConfigs' ``config_source`` (Kafka's ids)."""

    UNKNOWN = 0
    DYNAMIC_TOPIC_CONFIG = 1
    DYNAMIC_BROKER_CONFIG = 2
    DYNAMIC_DEFAULT_BROKER_CONFIG = 3
    STATIC_BROKER_CONFIG = 4
    DEFAULT_CONFIG = 5
    DYNAMIC_BROKER_LOGGER_CONFIG = 6
    CLIENT_METRICS_CONFIG = 7
    GROUP_CONFIG = 8
