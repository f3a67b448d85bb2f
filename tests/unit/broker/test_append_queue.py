"""``AppendQueue``: produces waiting for recoveries append in arrival order, and one that
leaves early (its request cancelled) does not let the next overtake the one ahead of it."""

from __future__ import annotations

import asyncio

import pytest

from broker.handlers.recovery_wait import AppendQueue

pytestmark = pytest.mark.timeout(10)


async def test_each_waits_for_the_one_ahead_and_the_queue_empties() -> None:
    queue = AppendQueue()
    assert not queue.busy
    first_ahead, first = queue.join()
    second_ahead, second = queue.join()
    assert first_ahead is None and second_ahead is first and queue.busy
    queue.leave(first_ahead, first)
    assert first.done() and not second.done() and queue.busy
    queue.leave(second_ahead, second)
    assert second.done() and not queue.busy


async def test_one_that_leaves_early_holds_the_next_until_the_one_ahead_appended() -> None:
    queue = AppendQueue()
    a_ahead, a = queue.join()
    b_ahead, b = queue.join()
    queue.leave(b_ahead, b)  # b's request was cancelled while a still waits
    assert not b.done() and queue.busy  # a newcomer must still queue (behind a)
    c_ahead, c = queue.join()
    assert c_ahead is b
    queue.leave(a_ahead, a)
    await asyncio.sleep(0)  # b is released by a callback of a
    assert b.done() and queue.busy  # c has not appended yet
    queue.leave(c_ahead, c)
    assert not queue.busy
