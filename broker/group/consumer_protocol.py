"""Reading the topics out of a consumer's JoinGroup metadata (the "consumer" protocol type).

A consumer's protocol metadata is an int16 version followed by a ConsumerProtocolSubscription
body (non-flexible): topics (array of strings), user data (nullable bytes), and from v1 on
fields the coordinator does not need. Every version starts with the v0 fields, so the
coordinator reads only those, as Kafka does, and ignores the rest.
"""

from __future__ import annotations

from typing import Final

from protocol.errors import DecodeError
from protocol.primitives import (
    INT16,
    read_array_length,
    read_bytes,
    read_string,
    write_array_length,
    write_bytes,
    write_string,
)

#: ``protocol_type`` of Kafka consumers.
CONSUMER_PROTOCOL_TYPE: Final = "consumer"


def subscribed_topics(metadata: bytes) -> frozenset[str] | None:
    """The topics a consumer subscribes to, or ``None`` if the metadata does not parse."""
    try:
        if len(metadata) < 2:
            return None
        (version,) = INT16.unpack_from(metadata, 0)
        if version < 0:
            return None
        count, pos = read_array_length(metadata, 2, compact=False)
        if count < 0:
            return None
        topics = []
        for _ in range(count):
            topic, pos = read_string(metadata, pos)
            if topic is None:
                return None
            topics.append(topic)
        read_bytes(metadata, pos)  # user data: must be present, even if null
    except DecodeError:
        return None
    return frozenset(topics)


def encode_subscription(
    topics: list[str], user_data: bytes | None = None, version: int = 0
) -> bytes:
    """A v0-shaped subscription (``version`` is written as given): for tests and tools."""
    out = bytearray(INT16.pack(version))
    write_array_length(out, len(topics), compact=False)
    for topic in topics:
        write_string(out, topic)
    write_bytes(out, user_data)
    return bytes(out)
