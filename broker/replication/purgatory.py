"""Delayed operations: requests parked until a condition holds or their timeout passes.

A ``DelayedOperation`` knows how to check its condition (``try_complete``). The purgatory
indexes parked operations by key (a topic-partition for fetches); whoever changes the state a
key stands for (an append moving the high watermark) calls ``wake(key)``, and each operation
watching it checks its condition then, and only then: no polling, no busy loop. Each
operation also has a deadline, after which its waiter gets ``False``.

Bounded: at most ``max_operations`` wait at once; past that ``wait`` returns at once (the
caller answers with what it has, as if the wait had timed out).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable
from typing import Final, Generic, TypeVar

__all__ = ["DEFAULT_MAX_OPERATIONS", "DelayedOperation", "Purgatory"]

K = TypeVar("K", bound=Hashable)

#: Default bound on parked operations per purgatory: well above what the server's own bounds
#: allow in practice (connections times queued.max.requests), so it only stops runaway growth.
DEFAULT_MAX_OPERATIONS: Final = 100_000


class DelayedOperation:
    """An operation waiting for a condition. Subclasses implement ``try_complete``."""

    __slots__ = ("_future",)

    def __init__(self) -> None:
        self._future: asyncio.Future[bool] | None = None

    def try_complete(self) -> bool:
        """Whether the operation can complete now (called on every wake of its keys)."""
        raise NotImplementedError

    @property
    def done(self) -> bool:
        """Whether it completed or timed out."""
        return self._future is not None and self._future.done()

    def force_complete(self) -> None:
        """Complete now (condition met or the operation became moot)."""
        future = self._future
        if future is not None and not future.done():
            future.set_result(True)


class Purgatory(Generic[K]):
    """Parked operations by key."""

    def __init__(self, name: str, *, max_operations: int = DEFAULT_MAX_OPERATIONS) -> None:
        self.name = name
        self.max_operations = max_operations
        self._watchers: dict[K, dict[DelayedOperation, None]] = {}
        self._count = 0

    def __len__(self) -> int:
        """Operations waiting now."""
        return self._count

    def watched_keys(self) -> int:
        """Keys with at least one waiting operation."""
        return len(self._watchers)

    async def wait(self, op: DelayedOperation, keys: Iterable[K], timeout_s: float) -> bool:
        """Park ``op`` on ``keys`` until it completes (True) or ``timeout_s`` passes (False).

        Checks the condition once first. Returns False at once when the purgatory is full.
        """
        if op.try_complete():
            return True
        if self._count >= self.max_operations or timeout_s <= 0:
            return False
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        op._future = future
        watched = list(dict.fromkeys(keys))
        for key in watched:
            self._watchers.setdefault(key, {})[op] = None
        self._count += 1
        handle = loop.call_later(timeout_s, _expire, future)
        try:
            return await future
        finally:
            handle.cancel()
            self._count -= 1
            for key in watched:
                ops = self._watchers.get(key)
                if ops is not None:
                    ops.pop(op, None)
                    if not ops:
                        del self._watchers[key]

    def wake(self, key: K) -> int:
        """Check every operation watching ``key``; returns how many completed."""
        ops = self._watchers.get(key)
        if not ops:
            return 0
        completed = 0
        for op in list(ops):
            if not op.done and op.try_complete():
                op.force_complete()
                completed += 1
        return completed

    def complete_all(self, key: K) -> int:
        """Complete every operation watching ``key`` regardless of its condition (the key's
        state went away, e.g. the partition was deleted)."""
        ops = self._watchers.get(key)
        if not ops:
            return 0
        for op in list(ops):
            op.force_complete()
        return len(ops)


def _expire(future: asyncio.Future[bool]) -> None:
    if not future.done():
        future.set_result(False)
