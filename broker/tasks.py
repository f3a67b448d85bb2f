"""Background tasks that end on a failure nobody named are reported at once.

A broker's loops (maintenance, heartbeats, the controller's tick, follower fetchers, controller
links) catch the failures they expect and go on; anything else is a bug, which ends the loop.
``report_unexpected_end`` makes that end loud: the traceback is logged when the task ends, not
when (or if) someone awaits it, and the caller may record it. ``cancel_and_wait`` is how their
owners stop them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

__all__ = ["cancel_and_wait", "report_unexpected_end"]


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
