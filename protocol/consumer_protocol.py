"""The "consumer" group protocol: subscription (JoinGroup metadata) and assignment (SyncGroup).

Layouts as in Kafka's ``ConsumerProtocolSubscription`` and ``ConsumerProtocolAssignment``
(non-flexible, an int16 version first). Versions are forward compatible: a reader parses the
fields it knows and ignores the rest, so a newer version from another client (Java,
librdkafka) reads fine, and so does ours for them.

Subscription: v0 topics, user data; v1 + owned partitions; v2 + generation id; v3 + rack id.
Assignment: v0+ assigned partitions, user data (v1-v3 add nothing on the wire).

The client encodes and decodes both; the broker's group coordinator reads only the topics of a
subscription (``subscribed_topics``), as Kafka does. Decoding is strict where the layout
leaves no choice: a negative version, a null (negative count) array, a null topic name, or
bytes that end inside a field are a ``DecodeError``. Fields of a newer version that a shorter
message leaves out keep their defaults.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from protocol.errors import DecodeError
from protocol.primitives import (
    INT16,
    INT32,
    ReadBuffer,
    read_array_length,
    read_bytes,
    read_string,
    write_array_length,
    write_bytes,
    write_string,
)
from protocol.types import TopicPartition

__all__ = [
    "ASSIGNMENT_VERSION",
    "CONSUMER_PROTOCOL_TYPE",
    "SUBSCRIPTION_VERSION",
    "Assignment",
    "Subscription",
    "decode_assignment",
    "decode_subscription",
    "encode_assignment",
    "encode_subscription",
    "subscribed_topics",
]

#: ``protocol_type`` of every Kafka consumer group.
CONSUMER_PROTOCOL_TYPE: Final = "consumer"
#: The versions Samsa writes (the latest Kafka defines).
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


def _read_count(buf: ReadBuffer, pos: int, what: str) -> tuple[int, int]:
    count, pos = read_array_length(buf, pos, compact=False)
    if count < 0:
        raise DecodeError(f"null {what} array")
    return count, pos


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


def _read_partitions(buf: ReadBuffer, pos: int) -> tuple[list[TopicPartition], int]:
    count, pos = _read_count(buf, pos, "topic partitions")
    out: list[TopicPartition] = []
    for _ in range(count):
        topic, pos = read_string(buf, pos)
        if topic is None:
            raise DecodeError("null topic name")
        n, pos = _read_count(buf, pos, "partitions")
        for _ in range(n):
            (p,) = INT32.unpack_from(buf, pos)
            pos += 4
            out.append(TopicPartition(topic, p))
    return out, pos


def _read_v0_subscription(data: ReadBuffer) -> tuple[int, list[str], bytes | None, int]:
    """Version, topics and user data (the fields every version starts with), and the position
    after them."""
    (version,) = INT16.unpack_from(data, 0)
    if version < 0:
        raise DecodeError(f"subscription version {version}")
    count, pos = _read_count(data, 2, "topics")
    topics: list[str] = []
    for _ in range(count):
        topic, pos = read_string(data, pos)
        if topic is None:
            raise DecodeError("null topic name")
        topics.append(topic)
    user_data, pos = read_bytes(data, pos)  # must be present, even if null
    return version, topics, user_data, pos


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


def decode_subscription(data: ReadBuffer) -> Subscription:
    """Parse JoinGroup metadata; ``DecodeError`` when malformed."""
    try:
        version, topics, user_data, pos = _read_v0_subscription(data)
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


def subscribed_topics(metadata: ReadBuffer) -> frozenset[str] | None:
    """The topics of a consumer's JoinGroup metadata, or ``None`` if they do not parse.

    Only the fields every version starts with are read (topics, user data), as Kafka's
    coordinator does: what a newer or another client puts after them is not checked.
    """
    try:
        _version, topics, _user_data, _pos = _read_v0_subscription(metadata)
    except (IndexError, ValueError, struct.error):  # DecodeError is a ValueError
        return None
    return frozenset(topics)


def encode_assignment(assignment: Assignment) -> bytes:
    """SyncGroup assignment bytes for a member."""
    out = bytearray(INT16.pack(assignment.version))
    _write_partitions(out, assignment.partitions)
    write_bytes(out, assignment.user_data)
    return bytes(out)


def decode_assignment(data: ReadBuffer | None) -> Assignment:
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
