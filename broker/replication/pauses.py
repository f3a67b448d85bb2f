"""Paused partitions (fault injection): consumers read nothing from them, produces wait.

``ProducePauses`` is the gate the Produce handler passes: while a partition is paused (or
produces that came while it was paused have not gone ahead yet), a produce naming it waits in
one FIFO queue, at most its request's ``timeout_ms``. Resuming releases the waiters in the
order they came, so an idempotent producer's pipelined requests append in their order; a
produce that arrives while released ones have not run yet queues behind them. The waiters are
counted and bounded (``MAX_PAUSED_PRODUCE_WAITERS``): past the bound a produce is answered as
if its wait had ended.

Consumers' side is in ``Partition.read`` (a paused partition reads as at its log end) and in
``ReplicaManager.resume_partition`` (which wakes the long polls parked on it).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from protocol.types import TopicPartition

__all__ = ["MAX_PAUSED_PRODUCE_WAITERS", "MAX_PAUSED_PRODUCE_WAIT_MS", "ProducePauses"]

#: Longest a produce waits on a paused partition, whatever its ``timeout_ms`` asks (an int32:
#: weeks): the bound acks=all waits have too (``manager.MAX_ACKS_TIMEOUT_MS``).
MAX_PAUSED_PRODUCE_WAIT_MS: Final = 300_000
#: Most produces waiting on paused partitions at once: each holds its request's records in
#: memory, and a test that pauses a partition under a busy producer must not grow the broker
#: without bound. Past it a produce is answered REQUEST_TIMED_OUT at once.
MAX_PAUSED_PRODUCE_WAITERS: Final = 10_000


@dataclass(slots=True, eq=False)
class _Waiter:
    partitions: frozenset[TopicPartition]
    future: asyncio.Future[None]
    released: bool = field(default=False)


class ProducePauses:
    """The paused partitions and the produces waiting on them (event loop only)."""

    def __init__(self) -> None:
        self.paused: set[TopicPartition] = set()
        #: Waiting produces in arrival order (a dict: ordered, O(1) removal).
        self._waiters: dict[int, _Waiter] = {}
        #: How many waiters name each partition (released ones until they run).
        self._queued: Counter[TopicPartition] = Counter()
        self._unreleased = 0
        self._ids = itertools.count()
        self._release_scheduled = False
        #: Produces that waited, and those whose wait ended without a resume (their timeout,
        #: or the bound on waiters).
        self.waited_total = 0
        self.timed_out_total = 0

    @property
    def active(self) -> bool:
        """Whether any produce may have to wait (the Produce handler's one check)."""
        return bool(self.paused) or bool(self._waiters)

    @property
    def waiting(self) -> int:
        """Produces waiting now."""
        return len(self._waiters)

    def blocks(self, partitions: Iterable[TopicPartition]) -> bool:
        """Whether a produce to ``partitions`` must wait: one is paused, or earlier produces to
        one of them still wait (they go first)."""
        paused, queued = self.paused, self._queued
        return any(tp in paused or tp in queued for tp in partitions)

    def pause(self, tp: TopicPartition) -> None:
        """Produces to ``tp`` wait from now on."""
        self.paused.add(tp)

    def resume(self, tp: TopicPartition) -> None:
        """``tp`` is no longer paused: release the waiters it held, in order."""
        self.paused.discard(tp)
        self._release()

    async def wait(self, partitions: frozenset[TopicPartition], timeout_ms: int) -> bool:
        """Wait until none of ``partitions`` is paused and every earlier produce to them went
        ahead: True; False when ``timeout_ms`` (at most ``MAX_PAUSED_PRODUCE_WAIT_MS``) passed
        first, or too many wait already. On
        True, append at once (before awaiting anything), so that order holds."""
        if len(self._waiters) >= MAX_PAUSED_PRODUCE_WAITERS or timeout_ms <= 0:
            self.timed_out_total += 1
            return False
        loop = asyncio.get_running_loop()
        key = next(self._ids)
        waiter = _Waiter(partitions, loop.create_future())
        self._waiters[key] = waiter
        self._queued.update(partitions)
        self._unreleased += 1
        self.waited_total += 1
        if not self._release_scheduled and self.paused.isdisjoint(partitions):
            # Held only by earlier waiters (released, not run yet): look again soon. Not now:
            # a waiter released here would not yield, and would overtake them. (One held by a
            # pause waits for its resume: no pass over the queue per arrival.)
            self._release_scheduled = True
            loop.call_soon(self._scheduled_release)
        try:
            async with asyncio.timeout(min(timeout_ms, MAX_PAUSED_PRODUCE_WAIT_MS) / 1000):
                await waiter.future
            return True
        except TimeoutError:
            self.timed_out_total += 1
            return False
        finally:
            self._remove(key, waiter)

    def _remove(self, key: int, waiter: _Waiter) -> None:
        if self._waiters.pop(key, None) is None:
            return
        self._queued.subtract(waiter.partitions)
        for tp in waiter.partitions:
            if self._queued[tp] <= 0:
                del self._queued[tp]
        if not waiter.released:
            self._unreleased -= 1
            if not waiter.future.done():
                waiter.future.cancel()
            if not self.paused.issuperset(waiter.partitions):
                self._release()  # the waiters behind it, held by it alone, may go now

    def _scheduled_release(self) -> None:
        self._release_scheduled = False
        self._release()

    def _release(self) -> None:
        """Release, in arrival order, every waiter whose partitions are not paused and not
        named by an earlier waiter still held."""
        if not self._unreleased:
            return
        held: set[TopicPartition] = set()
        paused = self.paused
        for waiter in list(self._waiters.values()):
            if waiter.released:
                continue
            parts = waiter.partitions
            if held.isdisjoint(parts) and paused.isdisjoint(parts):
                waiter.released = True
                self._unreleased -= 1
                if not waiter.future.done():
                    waiter.future.set_result(None)
            else:
                held.update(parts)
            if not self._unreleased:
                return

    def cancel_all(self) -> None:
        """Forget every pause and release every waiter (the broker stops)."""
        self.paused.clear()
        self._release()
