"""The log cleaner's driver: compacts logs with ``cleanup.policy=compact`` in the background.

Every ``log.cleaner.backoff.ms`` it looks at the open logs and runs one compaction pass
(``broker.storage.cleaner.Cleaner``, synchronous) in a worker thread for each log that is dirty
enough (``min.cleanable.dirty.ratio``), one log at a time, so that compaction never takes more
than one core from the request path. ``__consumer_offsets`` is compacted this way, as in Kafka.
A pass that fails (a log deleted or taken offline meanwhile, a full disk) is retried on a later
round; it never stops the broker. Failures are logged once per partition and cause, not once per
round: the first failure (with a traceback only if it is not a storage error), then nothing
while the same failure repeats, then one line when a pass over the partition succeeds again.
Unreadable data does not fail a pass: the cleaner keeps it and reports it once
(``broker/storage/README.md``); ``unreadable_batches`` and ``damaged_segments`` count it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Final

from broker.storage import Cleaner, CleanResult, LogManager, PartitionLog, TopicPartition
from broker.tasks import cancel_and_wait
from protocol.errors import KafkaError

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
        # The failure last logged for each partition whose passes fail.
        self._failing: dict[TopicPartition, str] = {}

    @property
    def unreadable_batches(self) -> int:
        """Unreadable batches compaction keeps as they are (see the storage README)."""
        return self._cleaner.unreadable_batches

    @property
    def damaged_segments(self) -> int:
        """Segments compaction leaves as they are because their framing is unsound."""
        return self._cleaner.damaged_segments

    def start(self) -> None:
        """Start the background rounds."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="broker-log-cleaner")

    async def stop(self) -> None:
        """Stop; a pass in progress may finish first (up to ``STOP_WAIT_S``)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
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
        logs = self._log_manager.open_logs()
        if self._failing:
            open_tps = {partition_log.tp for partition_log in logs}
            for tp in [tp for tp in self._failing if tp not in open_tps]:
                del self._failing[tp]  # deleted or closed meanwhile
        for partition_log in logs:
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
        tp = partition_log.tp
        try:
            # Shielded: stopping waits for the pass rather than abandoning its thread.
            result = await asyncio.shield(self._current)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failed(tp, exc)
            return None
        if self._failing.pop(tp, None) is not None:
            log.info("compacting %s works again", tp)
        return result

    def _failed(self, tp: TopicPartition, exc: Exception) -> None:
        cause = f"{type(exc).__name__}: {exc}"
        if self._failing.get(tp) == cause:
            log.debug("compacting %s failed again: %s", tp, cause)
            return
        self._failing[tp] = cause
        # A storage error names its file and cause; anything else is a bug worth a traceback.
        expected = isinstance(exc, KafkaError | OSError)
        log.warning(
            "compacting %s failed (%s); retried every round, logged again only if the cause "
            "changes",
            tp,
            cause,
            exc_info=not expected,
        )
