"""The "consumer" group protocol's subscription and assignment, as the client uses them.

The codec is ``protocol.consumer_protocol`` (shared with the broker's group coordinator);
this module re-exports it for the client's group membership, assignors and admin client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from protocol.consumer_protocol import (
    ASSIGNMENT_VERSION,
    CONSUMER_PROTOCOL_TYPE,
    SUBSCRIPTION_VERSION,
    Assignment,
    Subscription,
    decode_assignment,
    decode_subscription,
    encode_assignment,
    encode_subscription,
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
    "group_by_topic",
]


def group_by_topic(partitions: Iterable[TopicPartition]) -> Mapping[str, list[int]]:
    """Partitions per topic, sorted."""
    out: dict[str, list[int]] = {}
    for tp in partitions:
        out.setdefault(tp.topic, []).append(tp.partition)
    for parts in out.values():
        parts.sort()
    return out
