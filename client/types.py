"""Small value types shared by the producer, consumer and admin client."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from protocol.types import TopicPartition

__all__ = [
    "BrokerInfo",
    "OffsetAndMetadata",
    "OffsetAndTimestamp",
    "RecordMetadata",
    "TimestampType",
    "TopicPartition",
]


class TimestampType(IntEnum):
    """Where a record's timestamp comes from."""

    CREATE_TIME = 0
    LOG_APPEND_TIME = 1


class RecordMetadata(NamedTuple):
    """Where a produced record landed.

    ``offset`` is -1 when the broker does not say (acks=0, or a retried batch that the broker
    had already written). ``timestamp`` is the record's create time, or the broker's append
    time for topics with ``message.timestamp.type=LogAppendTime``.
    """

    topic: str
    partition: int
    offset: int
    timestamp: int
    timestamp_type: TimestampType = TimestampType.CREATE_TIME

    @property
    def topic_partition(self) -> TopicPartition:
        """The record's partition."""
        return TopicPartition(self.topic, self.partition)


class OffsetAndMetadata(NamedTuple):
    """A committed offset: the next record to read, an optional note and the leader epoch."""

    offset: int
    metadata: str = ""
    leader_epoch: int = -1


class OffsetAndTimestamp(NamedTuple):
    """The answer of an offset-for-time lookup: the first offset at or after the time."""

    offset: int
    timestamp: int
    leader_epoch: int = -1


class BrokerInfo(NamedTuple):
    """A broker of the cluster as Metadata describes it."""

    node_id: int
    host: str
    port: int
    rack: str | None = None

    @property
    def address(self) -> str:
        """``host:port``."""
        return f"{self.host}:{self.port}"
