"""Choosing a partition: murmur2 for keyed records, sticky for keyless ones.

Keyed records go where the Java client (and librdkafka's ``murmur2_random``) sends them:
``(murmur2(key) & 0x7fffffff) % partitions``, so that producers in every language agree.
Keyless records stick to one partition until its batch is sent or full, then move to another
partition that has a leader, chosen at random (KIP-480): batches fill up instead of every
partition getting a small one.
"""

from __future__ import annotations

import random
from typing import Final

from protocol.partitioner import murmur2

__all__ = ["Partitioner"]

#: Hashes of recent keys are remembered (keys repeat: user ids, entity ids); the cache is
#: dropped whole when full, which bounds it without per-record bookkeeping.
KEY_HASH_CACHE_SIZE: Final = 16_384
#: Longer keys are not cached (their hash is cheap relative to their size).
KEY_HASH_CACHE_MAX_KEY_BYTES: Final = 256


class Partitioner:
    """The default partitioner: murmur2 for keys, sticky partitions without keys."""

    __slots__ = ("_hashes", "_sticky", "ignore_keys")

    def __init__(self, *, ignore_keys: bool = False) -> None:
        self.ignore_keys = ignore_keys
        self._sticky: dict[str, int] = {}
        self._hashes: dict[bytes, int] = {}

    def for_key(self, key: bytes, num_partitions: int) -> int:
        """The Java client's partition for a non-null key."""
        hashes = self._hashes
        h = hashes.get(key)
        if h is None:
            h = murmur2(key) & 0x7FFFFFFF
            if len(key) <= KEY_HASH_CACHE_MAX_KEY_BYTES:
                if len(hashes) >= KEY_HASH_CACHE_SIZE:
                    hashes.clear()
                hashes[key] = h
        return h % num_partitions

    def sticky(self, topic: str, num_partitions: int) -> int:
        """The current sticky partition of ``topic``."""
        p = self._sticky.get(topic)
        if p is None or p >= num_partitions:
            p = self._sticky[topic] = random.randrange(num_partitions)
        return p

    def next_sticky(
        self, topic: str, previous: int, available: list[int], num_partitions: int
    ) -> int:
        """Move ``topic``'s sticky partition away from ``previous`` (its batch is done)."""
        choices = [p for p in available if p != previous] or [
            p for p in range(num_partitions) if p != previous
        ]
        p = random.choice(choices) if choices else previous
        self._sticky[topic] = p
        return p
