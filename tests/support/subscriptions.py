"""A consumer's JoinGroup metadata as the tests write it: a v0-shaped subscription."""

from __future__ import annotations

from protocol.consumer_protocol import Subscription
from protocol.consumer_protocol import encode_subscription as _encode
from protocol.primitives import INT16


def encode_subscription(
    topics: list[str], user_data: bytes | None = None, version: int = 0
) -> bytes:
    """A v0-shaped subscription (``version`` is written as given, followed by the v0 fields
    only, as a newer client may send)."""
    return INT16.pack(version) + _encode(Subscription(list(topics), user_data, version=0))[2:]
