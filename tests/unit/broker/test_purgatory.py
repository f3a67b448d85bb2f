"""The purgatory: operations complete on wake when their condition holds, or time out."""

from __future__ import annotations

import asyncio
import contextlib
import time

from support.waiting import eventually

from broker.replication.purgatory import DelayedOperation, Purgatory


class Counter(DelayedOperation):
    def __init__(self, state: dict[str, int], need: int) -> None:
        super().__init__()
        self.state = state
        self.need = need
        self.checks = 0

    def try_complete(self) -> bool:
        self.checks += 1
        return self.state["n"] >= self.need


async def test_completes_at_once_when_the_condition_already_holds() -> None:
    p: Purgatory[str] = Purgatory("test")
    assert await p.wait(Counter({"n": 5}, 1), ["k"], 10) is True
    assert len(p) == 0


async def test_wake_completes_only_when_the_condition_holds() -> None:
    p: Purgatory[str] = Purgatory("test")
    state = {"n": 0}
    op = Counter(state, 2)
    task = asyncio.create_task(p.wait(op, ["a", "b"], 10))
    await eventually(lambda: len(p) == 1, what="the operation parked")
    assert len(p) == 1 and p.watched_keys() == 2
    state["n"] = 1
    assert p.wake("a") == 0
    assert p.wake("unwatched") == 0
    state["n"] = 2
    assert p.wake("b") == 1
    assert await asyncio.wait_for(task, 5) is True
    assert len(p) == 0 and p.watched_keys() == 0


async def test_timeout_returns_false_and_unregisters() -> None:
    p: Purgatory[str] = Purgatory("test")
    start = time.monotonic()
    assert await p.wait(Counter({"n": 0}, 1), ["k"], 0.05) is False
    assert time.monotonic() - start < 2
    assert len(p) == 0 and p.watched_keys() == 0


async def test_bound_returns_at_once_when_full() -> None:
    p: Purgatory[str] = Purgatory("test", max_operations=1)
    first = asyncio.create_task(p.wait(Counter({"n": 0}, 1), ["k"], 10))
    await eventually(lambda: len(p) == 1, what="the first operation parked")
    start = time.monotonic()
    assert await p.wait(Counter({"n": 0}, 1), ["k"], 10) is False
    assert time.monotonic() - start < 1
    p.complete_all("k")
    assert await asyncio.wait_for(first, 5) is True


async def test_cancelled_waiter_is_unregistered() -> None:
    p: Purgatory[str] = Purgatory("test")
    task = asyncio.create_task(p.wait(Counter({"n": 0}, 1), ["k"], 10))
    await eventually(lambda: len(p) == 1, what="the operation parked")
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert len(p) == 0 and p.watched_keys() == 0
