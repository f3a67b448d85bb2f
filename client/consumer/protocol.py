"""The "consumer" group protocol: subscription (JoinGroup metadata) and assignment (SyncGroup).

Layouts as in Kafka's ``ConsumerProtocolSubscription`` and ``ConsumerProtocolAssignment``
(non-flexible, an int16 version first). Versions are forward compatible: a reader parses the
fields it knows and ignores the rest, so a newer version from another client (Java,
librdkafka) reads fine, and so does ours for them.

Subscription: v0 topics, user data; v1 + owned partitions; v2 + generation id; v3 + rack id.
Assignment: v0+ assigned partitions, user data (v1-v3 add nothing on the wire).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from client.types import TopicPartition
from protocol.errors import DecodeError
from protocol.primitives import (
    INT16,
    INT32,
    read_array_length,
    read_bytes,
    read_string,
    write_array_length,
    write_bytes,
    write_string,
)

__all__ = [
    "CONSUMER_PROTOCOL_TYPE",
    "Assignment",
    "Subscription",
    "decode_assignment",
    "decode_subscription",
    "encode_assignment",
    "encode_subscription",
]

#: ``protocol_type`` of every Kafka consumer group.
CONSUMER_PROTOCOL_TYPE: Final = "consumer"
#: The versions this client writes (the latest Kafka defines).
SUBSCRIPTION_VERSION: Final = 3
ASSIGNMENT_VERSION: Final = 3


@dataclass(slots=True)
class Subscription:
    """A member's subscription as its JoinGroup metadata carries it."""

    topics: list[str]
    user_data: bytes | None = None
    owned_partitions: list[TopicPartition] = field(default_factory=list)
    generation_id: int = -1
    rack_id: str | None = None
    version: int = SUBSCRIPTION_VERSION


@dataclass(slots=True)
class Assignment:
    """A member's partitions as SyncGroup hands them out."""

    partitions: list[TopicPartition]
    user_data: bytes | None = None
    version: int = ASSIGNMENT_VERSION


def _write_partitions(out: bytearray, partitions: Iterable[TopicPartition]) -> None:
    by_topic: dict[str, list[int]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    write_array_length(out, len(by_topic), compact=False)
    for topic in sorted(by_topic):
        write_string(out, topic)
        parts = sorted(by_topic[topic])
        write_array_length(out, len(parts), compact=False)
        for p in parts:
            out += INT32.pack(p)


def _read_partitions(buf: bytes, pos: int) -> tuple[list[TopicPartition], int]:
    count, pos = read_array_length(buf, pos, compact=False)
    out: list[TopicPartition] = []
    for _ in range(max(count, 0)):
        topic, pos = read_string(buf, pos)
        if topic is None:
            raise DecodeError("null topic name")
        n, pos = read_array_length(buf, pos, compact=False)
        for _ in range(max(n, 0)):
            (p,) = INT32.unpack_from(buf, pos)
            pos += 4
            out.append(TopicPartition(topic, p))
    return out, pos


def encode_subscription(subscription: Subscription) -> bytes:
    """JoinGroup protocol metadata for a subscription."""
    version = subscription.version
    out = bytearray(INT16.pack(version))
    write_array_length(out, len(subscription.topics), compact=False)
    for topic in subscription.topics:
        write_string(out, topic)
    write_bytes(out, subscription.user_data)
    if version >= 1:
        _write_partitions(out, subscription.owned_partitions)
    if version >= 2:
        out += INT32.pack(subscription.generation_id)
    if version >= 3:
        write_string(out, subscription.rack_id)
    return bytes(out)


def decode_subscription(data: bytes) -> Subscription:
    """Parse JoinGroup metadata; ``DecodeError`` when malformed."""
    try:
        (version,) = INT16.unpack_from(data, 0)
        if version < 0:
            raise DecodeError(f"subscription version {version}")
        count, pos = read_array_length(data, 2, compact=False)
        topics: list[str] = []
        for _ in range(max(count, 0)):
            topic, pos = read_string(data, pos)
            if topic is None:
                raise DecodeError("null topic name")
            topics.append(topic)
        user_data, pos = read_bytes(data, pos)
        sub = Subscription(topics, user_data, version=version)
        if version >= 1 and pos < len(data):
            sub.owned_partitions, pos = _read_partitions(data, pos)
        if version >= 2 and pos + 4 <= len(data):
            (sub.generation_id,) = INT32.unpack_from(data, pos)
            pos += 4
        if version >= 3 and pos < len(data):
            sub.rack_id, pos = read_string(data, pos)
        return sub
    except (IndexError, ValueError, struct.error) as exc:
        if isinstance(exc, DecodeError):
            raise
        raise DecodeError(f"malformed consumer subscription: {exc}") from None


def encode_assignment(assignment: Assignment) -> bytes:
    """SyncGroup assignment bytes for a member."""
    out = bytearray(INT16.pack(assignment.version))
    _write_partitions(out, assignment.partitions)
    write_bytes(out, assignment.user_data)
    return bytes(out)


def decode_assignment(data: bytes | None) -> Assignment:
    """Parse SyncGroup assignment bytes (empty bytes: nothing assigned)."""
    if not data:
        return Assignment([], version=0)
    try:
        (version,) = INT16.unpack_from(data, 0)
        partitions, pos = _read_partitions(data, 2)
        user_data = None
        if pos < len(data):
            user_data, pos = read_bytes(data, pos)
        return Assignment(partitions, user_data, version=version)
    except (IndexError, ValueError, struct.error) as exc:
        if isinstance(exc, DecodeError):
            raise
        raise DecodeError(f"malformed consumer assignment: {exc}") from None


def group_by_topic(partitions: Iterable[TopicPartition]) -> Mapping[str, list[int]]:
    """Partitions per topic, sorted."""
    out: dict[str, list[int]] = {}
    for tp in partitions:
        out.setdefault(tp.topic, []).append(tp.partition)
    for parts in out.values():
        parts.sort()
    return out
