"""Reading the topics out of a consumer's JoinGroup metadata (the "consumer" protocol type).

The codec is ``protocol.consumer_protocol`` (shared with the client). The coordinator reads
only the fields every version starts with (topics, user data), as Kafka does, and ignores the
rest: ``subscribed_topics``.
"""

from __future__ import annotations

from protocol.consumer_protocol import (
    CONSUMER_PROTOCOL_TYPE,
    Subscription,
    subscribed_topics,
)
from protocol.consumer_protocol import encode_subscription as _encode
from protocol.primitives import INT16

__all__ = ["CONSUMER_PROTOCOL_TYPE", "encode_subscription", "subscribed_topics"]


def encode_subscription(
    topics: list[str], user_data: bytes | None = None, version: int = 0
) -> bytes:
    """A v0-shaped subscription (``version`` is written as given, followed by the v0 fields
    only, as a newer client may send): for tests and tools."""
    return INT16.pack(version) + _encode(Subscription(list(topics), user_data, version=0))[2:]
