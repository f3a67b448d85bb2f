"""Background tasks that end on a failure nobody named are reported at once.

A broker's loops (maintenance, heartbeats, the controller's tick, follower fetchers, controller
links) catch the failures they expect and go on; anything else is a bug, which ends the loop.
``report_unexpected_end`` makes that end loud: the traceback is logged when the task ends, not
when (or if) someone awaits it, and the caller may record it. ``cancel_and_wait`` is how their
owners stop them. ``DeadlineTimer`` is the one wake-up a coordinator's driver keeps at its
pure core's next deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Final

__all__ = ["MIN_TIMER_DELAY_MS", "DeadlineTimer", "cancel_and_wait", "report_unexpected_end"]

#: A due timer is re-armed at least this far ahead (ms): a chain of timers that stay due cannot
#: turn the timer into a busy loop.
MIN_TIMER_DELAY_MS: Final = 1


def report_unexpected_end(
    task: asyncio.Task[Any],
    logger: logging.Logger,
    message: str,
    *args: object,
    level: int = logging.ERROR,
    then: Callable[[BaseException], None] | None = None,
) -> None:
    """When ``task`` ends with an exception (not a cancellation), log ``message % args`` at
    ``level`` with the traceback, then call ``then`` with the exception."""

    def ended(done: asyncio.Task[Any]) -> None:
        if done.cancelled() or (exc := done.exception()) is None:
            return
        logger.log(level, message, *args, exc_info=exc)
        if then is not None:
            then(exc)

    task.add_done_callback(ended)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` (None: nothing to stop) and wait until it has ended. Its cancellation is
    not raised; an exception it ended with before the cancellation is."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class DeadlineTimer:
    """One ``call_later`` kept at a deadline in milliseconds of ``clock_ms``: ``arm(deadline)``
    moves it (None: no deadline), ``cancel()`` drops it; ``on_fire`` runs once it is due."""

    __slots__ = ("_clock_ms", "_deadline", "_handle", "_on_fire")

    def __init__(self, clock_ms: Callable[[], int], on_fire: Callable[[], None]) -> None:
        self._clock_ms = clock_ms
        self._on_fire = on_fire
        self._handle: asyncio.TimerHandle | None = None
        self._deadline: int | None = None

    def arm(self, deadline_ms: int | None) -> None:
        """Fire at ``deadline_ms`` (at least ``MIN_TIMER_DELAY_MS`` from now), or never."""
        if deadline_ms == self._deadline and (deadline_ms is None or self._handle is not None):
            return
        self.cancel()
        if deadline_ms is None:
            return
        delay_ms = max(deadline_ms - self._clock_ms(), MIN_TIMER_DELAY_MS)
        self._deadline = deadline_ms
        self._handle = asyncio.get_running_loop().call_later(delay_ms / 1000, self._fire)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = None
        self._deadline = None

    def _fire(self) -> None:
        self._handle = None
        self._deadline = None
        self._on_fire()
