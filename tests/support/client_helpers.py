"""Helpers for the client tests: bounded waits on conditions and reading a topic back."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar, cast

from client import Consumer, TopicPartition
from client.consumer.records import ConsumerRecord

T = TypeVar("T")

#: Default deadline of a wait in the client tests.
WAIT_S: Final = 20.0
#: How often a condition is checked while waiting for it.
POLL_S: Final = 0.02


async def eventually(
    condition: Callable[[], T | Awaitable[T]], timeout_s: float = WAIT_S, what: str = ""
) -> T:
    """Wait until ``condition()`` is truthy and return it; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return cast(T, result)
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s: {what}")
        await asyncio.sleep(POLL_S)


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
