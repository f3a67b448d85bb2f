"""Flushing: a pure scheduler that decides which logs to fsync, and an asyncio driver.

``log.flush.policy`` (broker-level):

* ``group``: every append that must be durable waits (``wait_durable``) for the next flush
  pass; a pass fsyncs every dirty log, then completes all waits it covered. Appends arriving
  during a pass share the next one, so many appends cost one fsync.
* ``interval``: Kafka's per-topic ``flush.messages`` and ``flush.ms``; appends do not wait.
* ``none``: appends do not wait; logs are fsynced only when a segment rolls (so that recovery
  stays short) and at shutdown.

``FlushScheduler`` is the pure core (no IO, no clock: ``now_ms`` is an argument). ``LogFlusher``
runs it on a task and performs the fsyncs in worker threads, so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from broker.storage.config import FlushPolicy
from broker.storage.errors import DurabilityTimeoutError, LogStorageError
from broker.storage.log import FlushJob, PartitionLog
from broker.telemetry import LatencyHistogram

__all__ = [
    "DEFAULT_DURABLE_WAIT_TIMEOUT_S",
    "FLUSH_THREADS",
    "INTERVAL_POLICY_TICK_MS",
    "MAX_DURABILITY_WAITERS",
    "FlushScheduler",
    "LogFlusher",
]

#: Worker threads running fsyncs of one pass in parallel: SSDs and journaling file systems
#: merge concurrent fsyncs of different files, and more than this rarely helps.
FLUSH_THREADS = 4

#: Bound on appends waiting for durability at once. The server already bounds in-flight
#: produce requests (connections x in-flight per connection); this is the backstop.
MAX_DURABILITY_WAITERS = 100_000

#: Default bound of ``wait_durable``: an fsync slower than this is reported as a timeout
#: (REQUEST_TIMED_OUT) rather than holding the produce request forever.
DEFAULT_DURABLE_WAIT_TIMEOUT_S = 30.0

#: Under the ``interval`` policy, how often the flusher checks ``flush.messages`` /
#: ``flush.ms`` (the precision of those settings).
INTERVAL_POLICY_TICK_MS = 50

#: Longest the flusher sleeps without a wake-up (a safety net for lost notifications).
MAX_IDLE_WAIT_S = 1.0

#: Bound on stopping: the final flush pass and the worker threads get this long.
STOP_TIMEOUT_S = 30.0


class FlushScheduler:
    """Pure core: the dirty logs and, per policy, which of them to flush at ``now_ms``."""

    def __init__(self, policy: FlushPolicy) -> None:
        self.policy = FlushPolicy(policy)
        # Dirty logs in the order they became dirty, with the time of their last flush.
        self._dirty: dict[PartitionLog, int] = {}

    @property
    def dirty_count(self) -> int:
        """Logs known to be dirty."""
        return len(self._dirty)

    def dirty_logs(self) -> list[PartitionLog]:
        """Every dirty log, oldest first."""
        return list(self._dirty)

    def mark_dirty(self, log: PartitionLog, now_ms: int) -> None:
        """``log`` has unflushed data since ``now_ms`` (if not already dirty)."""
        self._dirty.setdefault(log, now_ms)

    def forget(self, log: PartitionLog) -> None:
        """``log`` was closed or deleted."""
        self._dirty.pop(log, None)

    def due(self, now_ms: int, *, waited_on: set[PartitionLog] | None = None) -> list[PartitionLog]:
        """The logs to flush now: all dirty ones (``group``), those past ``flush.messages`` /
        ``flush.ms`` (``interval``), those with a rolled segment (every policy), and any
        that someone waits on."""
        waited = waited_on or set()
        out: list[PartitionLog] = []
        for log, since_ms in self._dirty.items():
            if self.policy == FlushPolicy.GROUP or log in waited or log.needs_flush_for_roll:
                out.append(log)
            elif self.policy == FlushPolicy.INTERVAL:
                config = log.config
                if (
                    log.unflushed_messages >= config.flush_messages
                    or now_ms - since_ms >= config.flush_ms
                ):
                    out.append(log)
        return out

    def flushed(self, log: PartitionLog, now_ms: int) -> None:
        """A flush of ``log`` completed; it stays tracked if it is dirty again."""
        self._dirty.pop(log, None)
        if log.is_dirty and log.offline is None:
            self._dirty[log] = now_ms

    def next_deadline_ms(self, now_ms: int) -> int | None:
        """When the next flush could become due without any new event (``interval``)."""
        if self.policy != FlushPolicy.INTERVAL or not self._dirty:
            return None
        return now_ms + INTERVAL_POLICY_TICK_MS


def _run_job(job: FlushJob) -> BaseException | None:
    try:
        job.run()
    except BaseException as exc:  # reported to complete_flush, which takes the log offline
        return exc
    return None


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class LogFlusher:
    """The asyncio driver of a ``FlushScheduler``. ``attach()`` each log (``LogManager``'s
    ``on_log_opened`` does it), ``await start()``, then after appends
    ``await wait_durable(log, info.next_offset)``."""

    def __init__(
        self,
        policy: FlushPolicy,
        *,
        clock_ms: Callable[[], int] = _wall_clock_ms,
        max_waiters: int = MAX_DURABILITY_WAITERS,
        flush_threads: int = FLUSH_THREADS,
    ) -> None:
        self.scheduler = FlushScheduler(policy)
        self.policy = self.scheduler.policy
        self._clock_ms = clock_ms
        self.max_waiters = max_waiters
        self._flush_threads = flush_threads
        self._executor: ThreadPoolExecutor | None = None
        self._waiters: dict[PartitionLog, list[tuple[int, asyncio.Future[None]]]] = {}
        self._waiter_count = 0
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._stopping = False
        #: Completed flush passes and fsynced logs, for tests and metrics.
        self.passes = 0
        self.logs_flushed = 0
        #: How long each round of fsyncs took (its logs in parallel), for ``/metrics``.
        self.flush_time = LatencyHistogram()

    # -- wiring --------------------------------------------------------------------------------

    def attach(self, log: PartitionLog) -> None:
        """Track ``log``: it reports when it becomes dirty."""
        log.dirty_listener = self._on_dirty
        if log.is_dirty:
            self._on_dirty(log)

    def detach(self, log: PartitionLog) -> None:
        """Stop tracking ``log``; its waiters fail."""
        log.dirty_listener = None
        self.scheduler.forget(log)
        self._fail_waiters(log, LogStorageError(f"log {log.tp} was closed"))

    def _on_dirty(self, log: PartitionLog) -> None:
        loop = self._loop
        if loop is None or threading.get_ident() == self._loop_thread:
            self.scheduler.mark_dirty(log, self._clock_ms())
            if self._wakeup is not None:
                self._wakeup.set()
        else:
            loop.call_soon_threadsafe(self._on_dirty, log)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the flusher task on the running loop."""
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._wakeup = asyncio.Event()
        self._executor = ThreadPoolExecutor(
            max_workers=self._flush_threads, thread_name_prefix="log-flusher"
        )
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="log-flusher")

    async def stop(self, *, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Run a last flush pass, stop the task and the threads."""
        task = self._task
        if task is None:
            return
        self._stopping = True
        assert self._wakeup is not None
        self._wakeup.set()
        try:
            await asyncio.wait_for(task, timeout_s)
        except TimeoutError:
            task.cancel()
        finally:
            self._task = None
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            for log in list(self._waiters):
                self._fail_waiters(log, DurabilityTimeoutError("the flusher stopped"))

    # -- waiting -------------------------------------------------------------------------------

    async def wait_durable(
        self,
        log: PartitionLog,
        offset: int,
        *,
        timeout_s: float = DEFAULT_DURABLE_WAIT_TIMEOUT_S,
    ) -> None:
        """Return once everything below ``offset`` is fsynced, as far as the policy promises:
        under ``group`` wait for it; under ``interval`` and ``none`` return at once.

        Raises DurabilityTimeoutError after ``timeout_s`` or if too many appends wait
        already, and LogStorageError if the fsync failed (the log is then offline).
        """
        if self.policy != FlushPolicy.GROUP:
            return
        await self.wait_flushed(log, offset, timeout_s=timeout_s)

    async def wait_flushed(
        self, log: PartitionLog, offset: int, *, timeout_s: float = DEFAULT_DURABLE_WAIT_TIMEOUT_S
    ) -> None:
        """Wait until ``log.recovery_point >= offset`` under any policy (asks for a flush)."""
        if log.offline is not None:
            raise LogStorageError(f"log {log.tp} is offline: {log.offline}")
        if log.recovery_point >= offset:
            return
        if self._task is None or self._wakeup is None:
            raise LogStorageError("the log flusher is not running")
        if self._waiter_count >= self.max_waiters:
            raise DurabilityTimeoutError(
                f"{self._waiter_count} appends already wait for an fsync (bound reached)"
            )
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(log, []).append((offset, future))
        self._waiter_count += 1
        self.scheduler.mark_dirty(log, self._clock_ms())
        self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout_s)
        except TimeoutError:
            raise DurabilityTimeoutError(
                f"offset {offset} of {log.tp} not durable after {timeout_s} s"
            ) from None

    def _resolve_waiters(self, log: PartitionLog) -> None:
        waiters = self._waiters.get(log)
        if not waiters:
            return
        point = log.recovery_point
        error = log.offline
        keep: list[tuple[int, asyncio.Future[None]]] = []
        for offset, future in waiters:
            if future.done():
                self._waiter_count -= 1
            elif error is not None:
                future.set_exception(LogStorageError(f"fsync of {log.tp} failed: {error}"))
                self._waiter_count -= 1
            elif offset <= point:
                future.set_result(None)
                self._waiter_count -= 1
            else:
                keep.append((offset, future))
        if keep:
            self._waiters[log] = keep
        else:
            del self._waiters[log]

    def _fail_waiters(self, log: PartitionLog, error: BaseException) -> None:
        for _offset, future in self._waiters.pop(log, []):
            self._waiter_count -= 1
            if not future.done():
                future.set_exception(error)

    # -- the task ------------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            stopping = self._stopping
            await self._flush_pass(final=stopping)
            if stopping:
                return
            if self._wakeup.is_set():
                continue  # more work arrived during the pass: it forms the next group
            now = self._clock_ms()
            deadline = self.scheduler.next_deadline_ms(now)
            wait_s = MAX_IDLE_WAIT_S if deadline is None else max(0.0, (deadline - now) / 1000)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), min(wait_s, MAX_IDLE_WAIT_S))

    async def _flush_pass(self, *, final: bool = False) -> None:
        now = self._clock_ms()
        if final:
            logs = list(dict.fromkeys([*self.scheduler.dirty_logs(), *self._waiters]))
        else:
            logs = self.scheduler.due(now, waited_on=set(self._waiters))
        if not logs:
            return
        jobs: list[FlushJob] = []
        for log in logs:
            try:
                job = log.prepare_flush()
            except LogStorageError:
                job = None
            if job is not None:
                jobs.append(job)
        if jobs:
            loop = asyncio.get_running_loop()
            assert self._executor is not None
            started = time.monotonic()
            results = await asyncio.gather(
                *(loop.run_in_executor(self._executor, _run_job, job) for job in jobs)
            )
            self.flush_time.observe(time.monotonic() - started)
            for job, error in zip(jobs, results, strict=True):
                job.log.complete_flush(job, error)
            self.logs_flushed += len(jobs)
        self.passes += 1
        now = self._clock_ms()
        for log in logs:
            self.scheduler.flushed(log, now)
            self._resolve_waiters(log)
