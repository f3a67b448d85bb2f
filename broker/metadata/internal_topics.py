"""Kafka's internal topics: written by the broker, never by clients (Kafka's ``Topic.isInternal``).

Metadata marks them ``is_internal`` (consumers subscribing by pattern skip them). Produce and
DeleteRecords refuse them with INVALID_TOPIC_EXCEPTION (as Kafka does); DeleteTopics and
CreatePartitions with POLICY_VIOLATION (``handlers/topics.py``); config changes that would
destroy or block them (theirs, or broker defaults they inherit) and CreateTopics of their names
with such configs with POLICY_VIOLATION (``internal_topic_policy.py``). Every check goes through
``is_internal_topic``, so a topic added to ``INTERNAL_TOPICS`` is protected the same way.
Samsa creates ``__consumer_offsets`` (the group coordinator's log) and ``__transaction_state``
(the transaction coordinator's log).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "GROUP_METADATA_TOPIC",
    "INTERNAL_TOPICS",
    "TRANSACTION_STATE_TOPIC",
    "is_internal_topic",
]

GROUP_METADATA_TOPIC: Final = "__consumer_offsets"
TRANSACTION_STATE_TOPIC: Final = "__transaction_state"
INTERNAL_TOPICS: Final = frozenset({GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC})


def is_internal_topic(name: str) -> bool:
    """Whether ``name`` is one of Kafka's internal topics."""
    return name in INTERNAL_TOPICS
