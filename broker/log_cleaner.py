"""The log cleaner's driver: compacts logs with ``cleanup.policy=compact`` in the background.

Every ``log.cleaner.backoff.ms`` it looks at the open logs and runs one compaction pass
(``broker.storage.cleaner.Cleaner``, synchronous) in a worker thread for each log that is dirty
enough (``min.cleanable.dirty.ratio``), one log at a time, so that compaction never takes more
than one core from the request path. ``__consumer_offsets`` is compacted this way, as in Kafka.
A pass that fails (a log deleted or taken offline meanwhile) is logged and retried on a later
round; it never stops the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Final

from broker.storage import Cleaner, CleanResult, LogManager, PartitionLog

__all__ = ["LogCleaner"]

log = logging.getLogger("samsa.broker.cleaner")

#: How long ``stop()`` waits for a pass in progress to finish before leaving it to the crash-safe
#: swap and recovery (a pass over one 1 GiB segment group takes seconds).
STOP_WAIT_S: Final = 30.0


class LogCleaner:
    """Runs compaction passes over a log manager's compacted logs."""

    def __init__(
        self,
        log_manager: LogManager,
        *,
        backoff_ms: int,
        clock_ms: Callable[[], int],
        cleaner: Cleaner | None = None,
    ) -> None:
        self._log_manager = log_manager
        self._backoff_s = backoff_ms / 1000
        self._clock_ms = clock_ms
        self._cleaner = cleaner or Cleaner()
        self._task: asyncio.Task[None] | None = None
        self._current: asyncio.Future[CleanResult | None] | None = None
        #: Passes that removed or rewrote something (for tests and metrics).
        self.passes = 0

    def start(self) -> None:
        """Start the background rounds."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="broker-log-cleaner")

    async def stop(self) -> None:
        """Stop; a pass in progress may finish first (up to ``STOP_WAIT_S``)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        current = self._current
        if current is not None and not current.done():
            await asyncio.wait([current], timeout=STOP_WAIT_S)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._backoff_s)
            await self.clean_round()

    async def clean_round(self) -> int:
        """One pass over every open log that needs one; how many logs were cleaned."""
        cleaned = 0
        for partition_log in self._log_manager.open_logs():
            if not self._cleaner.needs_cleaning(partition_log):
                continue
            result = await self._clean(partition_log)
            if result is not None:
                cleaned += 1
                self.passes += 1
        return cleaned

    async def _clean(self, partition_log: PartitionLog) -> CleanResult | None:
        loop = asyncio.get_running_loop()
        work = functools.partial(self._cleaner.clean, partition_log, now_ms=self._clock_ms())
        self._current = loop.run_in_executor(None, work)
        try:
            # Shielded: stopping waits for the pass rather than abandoning its thread.
            return await asyncio.shield(self._current)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("compacting %s failed; retried later", partition_log.tp, exc_info=True)
            return None
