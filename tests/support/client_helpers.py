"""Helpers for the client tests: reading a topic back, and ``eventually`` (from
``support.waiting``, the bounded wait on a condition, re-exported for the client tests)."""

from __future__ import annotations

import time
from typing import Any

from support.waiting import WAIT_S, eventually

from client import Consumer, TopicPartition
from client.consumer.records import ConsumerRecord

__all__ = ["WAIT_S", "eventually", "read_topic"]


async def read_topic(
    bootstrap: str,
    topic: str,
    count: int,
    *,
    partitions: int | None = None,
    timeout_s: float = WAIT_S,
    **options: Any,
) -> list[ConsumerRecord]:
    """Exactly ``count`` records of ``topic`` from the beginning (all partitions), via assign."""
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", **options) as c:
        if partitions is None:
            partitions = len(await c.partitions_for_topic(topic))
        c.assign([TopicPartition(topic, p) for p in range(partitions)])
        out: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout_s
        while len(out) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"read {len(out)} of {count} records of {topic}"
            got = await c.getmany(timeout_ms=int(min(remaining, 1.0) * 1000))
            for records in got.values():
                out.extend(records)
        extra = await c.getmany(timeout_ms=200)
        assert not extra, f"more records than expected: {extra}"
        return out
