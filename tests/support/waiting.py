"""Bounded waits on a condition: the one way Samsa's tests wait for something to happen.

``await eventually(condition, timeout_s, what)`` checks ``condition()`` (a function, or a
coroutine function) until it returns something truthy, and returns that value; after
``timeout_s`` it fails the test with an AssertionError naming ``what`` (and ``describe()``,
when given, for the state at the deadline). ``eventually_sync`` is its twin for code that
blocks: tests that drive brokers in threads or subprocesses.

Tests never sleep to synchronise: they wait on the condition they need, with a deadline.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar, overload

T = TypeVar("T")

#: Default deadline of a wait: generous, for a busy machine (a condition usually holds in ms).
WAIT_S: Final = 20.0
#: How often ``eventually`` checks its condition: often enough not to slow a test down.
POLL_S: Final = 0.02
#: How often ``eventually_sync`` checks its condition: its conditions are heavier (an admin
#: request to a broker process, a look at a thread's state), so it asks less often.
SYNC_POLL_S: Final = 0.05

#: No exception counts as "not yet": a condition that raises fails the wait at once.
NOTHING: Final[tuple[type[Exception], ...]] = ()


def _failure(
    timeout_s: float,
    what: str,
    describe: Callable[[], object] | None,
    last_error: Exception | None,
) -> AssertionError:
    state = f" ({describe()})" if describe is not None else ""
    error = f"; last error: {last_error!r}" if last_error is not None else ""
    return AssertionError(f"not within {timeout_s:g} s: {what or 'the condition'}{state}{error}")


@overload
async def eventually(
    condition: Callable[[], Awaitable[T | None]],
    timeout_s: float = ...,
    what: str = ...,
    *,
    poll_s: float = ...,
    retry_on: tuple[type[Exception], ...] = ...,
    describe: Callable[[], object] | None = ...,
) -> T: ...


@overload
async def eventually(
    condition: Callable[[], T | None],
    timeout_s: float = ...,
    what: str = ...,
    *,
    poll_s: float = ...,
    retry_on: tuple[type[Exception], ...] = ...,
    describe: Callable[[], object] | None = ...,
) -> T: ...


async def eventually(
    condition: Callable[[], object],
    timeout_s: float = WAIT_S,
    what: str = "",
    *,
    poll_s: float = POLL_S,
    retry_on: tuple[type[Exception], ...] = NOTHING,
    describe: Callable[[], object] | None = None,
) -> object:
    """``condition()`` (awaited if it returns an awaitable) once it is truthy.

    An exception of a type in ``retry_on`` raised by the condition means "not yet" (e.g. a
    connection refused while a process starts); any other exception fails the wait at once.
    Fails with AssertionError after ``timeout_s`` seconds.
    """
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        try:
            result = condition()
            if inspect.isawaitable(result):
                result = await result
        except retry_on as e:
            last_error = e
        else:
            if result:
                return result
        if time.monotonic() > deadline:
            raise _failure(timeout_s, what, describe, last_error) from last_error
        await asyncio.sleep(poll_s)


def eventually_sync(
    condition: Callable[[], T | None],
    timeout_s: float = WAIT_S,
    what: str = "",
    *,
    poll_s: float = SYNC_POLL_S,
    retry_on: tuple[type[Exception], ...] = NOTHING,
    describe: Callable[[], object] | None = None,
) -> T:
    """The blocking twin of ``eventually``: the thread sleeps ``poll_s`` between checks."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        try:
            result = condition()
        except retry_on as e:
            last_error = e
        else:
            if result:
                return result
        if time.monotonic() > deadline:
            raise _failure(timeout_s, what, describe, last_error) from last_error
        time.sleep(poll_s)
