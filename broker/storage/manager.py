"""``LogManager``: the log directories (``log.dirs``), their checkpoints and the partition logs.

Per log directory it keeps Kafka's files:

* ``recovery-point-offset-checkpoint``, ``log-start-offset-checkpoint``,
  ``replication-offset-checkpoint`` (high watermarks), ``cleaner-offset-checkpoint``;
* ``.kafka_cleanshutdown``: written last by a clean shutdown, deleted at startup. When it is
  there, logs open without validating anything; otherwise every log is recovered from its
  recovery point when it is first opened (its first read, append or lookup), not at startup;
* ``.lock``: an exclusive ``flock`` so that two brokers never share a directory.

Logs are opened lazily, on first ``get_log`` (those of a directory that did not shut down
cleanly are recovered then: a partition nobody touches costs nothing at startup); their segment
files are opened through one bounded ``FilePool`` and their closed indexes are loaded on demand
under one ``IndexBudget``, so that ten thousand partitions fit in the default ``ulimit -n``.

Wiring with the flusher (broker startup / shutdown)::

    manager = LogManager(log_dirs, flush_policy=policy)
    flusher = LogFlusher(policy)
    manager.on_log_opened = flusher.attach
    manager.startup(now_ms=...)
    await flusher.start()
    ...
    await flusher.stop()      # last flush pass
    manager.shutdown()        # flush, close, checkpoints, clean-shutdown marker
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

from broker.storage.checkpoint import (
    CLEANER_OFFSET_CHECKPOINT,
    LOG_START_OFFSET_CHECKPOINT,
    RECOVERY_POINT_CHECKPOINT,
    REPLICATION_OFFSET_CHECKPOINT,
    OffsetCheckpointFile,
)
from broker.storage.config import DEFAULT_FLUSH_POLICY, FlushPolicy, LogConfig
from broker.storage.errors import LogStorageError
from broker.storage.fdpool import DEFAULT_MAX_OPEN_FILES, FilePool
from broker.storage.fsutil import fsync_dir, remove_if_exists, write_file_atomically
from broker.storage.health import describe_free_space
from broker.storage.index import DEFAULT_MAX_RESIDENT_INDEX_BYTES, IndexBudget
from broker.storage.log import PartitionLog
from broker.storage.names import (
    DELETE_DIR_SUFFIX,
    LOG_SUFFIX,
    TMP_SUFFIX,
    TopicPartition,
    delete_dir_name,
    parse_partition_dir_name,
    partition_dir_name,
)
from broker.storage.partition_metadata import read_topic_id, write_topic_id
from broker.storage.segment import RecoveryStats

__all__ = ["CLEAN_SHUTDOWN_FILE", "LOCK_FILE", "LogManager"]

_log = logging.getLogger("samsa.storage")

#: Logs ``recover_logs`` recovers at once, on worker threads (Kafka's
#: ``num.recovery.threads.per.data.dir``, for all directories): reading and checking CRC-32C
#: release the GIL, so two logs are validated on two cores; more would queue for memory and
#: disk bandwidth.
RECOVERY_THREADS = 2

#: Longest the retention pass over every partition (``run_retention``) holds the event loop
#: before letting requests through: a pass over ten thousand partitions must not add its whole
#: length to the latency of whatever arrives meanwhile.
RETENTION_SLICE_MS = 20

CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown"
LOCK_FILE = ".lock"
_CHECKPOINTS = (
    RECOVERY_POINT_CHECKPOINT,
    LOG_START_OFFSET_CHECKPOINT,
    REPLICATION_OFFSET_CHECKPOINT,
    CLEANER_OFFSET_CHECKPOINT,
)


class _LogDir:
    """One entry of ``log.dirs`` and what startup found in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_fd: int | None = None
        self.clean = False
        #: Partitions of a directory that did not shut down cleanly whose logs have not been
        #: opened (recovered) yet: each is recovered from its recovery point when first opened.
        #: While any is left, the directory gets no clean-shutdown marker: the next start must
        #: recover them.
        self.unrecovered: set[TopicPartition] = set()
        self.checkpoints: dict[str, dict[TopicPartition, int]] = {n: {} for n in _CHECKPOINTS}
        self.partitions: set[TopicPartition] = set()


class LogManager:
    """Owns ``log.dirs``: creates, opens (lazily), deletes and checkpoints partition logs."""

    def __init__(
        self,
        log_dirs: Sequence[str | Path],
        *,
        default_config: LogConfig | None = None,
        flush_policy: FlushPolicy = DEFAULT_FLUSH_POLICY,
        max_open_files: int = DEFAULT_MAX_OPEN_FILES,
        max_resident_index_bytes: int = DEFAULT_MAX_RESIDENT_INDEX_BYTES,
    ) -> None:
        if not log_dirs:
            raise ValueError("log.dirs needs at least one directory")
        self.default_config = default_config if default_config is not None else LogConfig()
        self.flush_policy = FlushPolicy(flush_policy)
        self.pool = FilePool(max_open_files)
        self.budget = IndexBudget(max_resident_index_bytes)
        self._dirs = [_LogDir(Path(d)) for d in log_dirs]
        self._topic_configs: dict[str, LogConfig] = {}
        self._logs: dict[TopicPartition, PartitionLog] = {}
        self._location: dict[TopicPartition, _LogDir] = {}
        #: Called with every log this manager opens or creates (the flusher attaches here).
        self.on_log_opened: Callable[[PartitionLog], None] | None = None
        self._stats_of_closed = RecoveryStats()
        self._started = False
        # Partitions whose log failed to open (reported once until it opens).
        self._open_failing: set[TopicPartition] = set()
        # Logs being recovered on worker threads (``recover_logs``), until registered.
        self._recovering: dict[TopicPartition, Future[PartitionLog]] = {}
        self._recovery_executor: ThreadPoolExecutor | None = None
        #: Partitions of every directory still awaiting their recovery: zero after a clean
        #: start, or once all were recovered (what Produce and Fetch check first).
        self.unrecovered_count = 0

    # -- startup and shutdown ------------------------------------------------------------------

    def startup(self, *, now_ms: int) -> None:
        """Lock and scan every directory. No log is opened: each opens on first use, and the
        logs of a directory that did not shut down cleanly are recovered then (from their
        recovery points, as at startup; until then nothing reads them)."""
        del now_ms  # logs open (and recover) with the time of their first use
        for d in self._dirs:
            self._start_dir(d)
        self._started = True
        for d in self._dirs:
            if not d.clean:
                d.unrecovered = set(d.partitions)
                self.unrecovered_count += len(d.unrecovered)
            marker = d.path / CLEAN_SHUTDOWN_FILE
            if remove_if_exists(marker):
                fsync_dir(d.path)

    def unrecovered_partitions(self) -> list[TopicPartition]:
        """Partitions whose logs still await their recovery (first open), sorted."""
        return sorted(tp for d in self._dirs for tp in d.unrecovered)

    def _start_dir(self, d: _LogDir) -> None:
        try:
            d.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(d.path / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LogStorageError(f"cannot open log dir {d.path}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise LogStorageError(f"log dir {d.path} is in use by another process") from exc
        d.lock_fd = fd
        d.clean = (d.path / CLEAN_SHUTDOWN_FILE).exists()
        for name in _CHECKPOINTS:
            d.checkpoints[name] = OffsetCheckpointFile(d.path / name).read()
        for entry in os.scandir(d.path):
            if not entry.is_dir():
                if entry.name.endswith(TMP_SUFFIX):
                    remove_if_exists(Path(entry.path))
                continue
            if entry.name.endswith(DELETE_DIR_SUFFIX):
                shutil.rmtree(entry.path, ignore_errors=True)
                continue
            tp = parse_partition_dir_name(entry.name)
            if tp is None:
                continue
            if tp in self._location:
                raise LogStorageError(f"{tp} exists in both {self._location[tp].path} and {d.path}")
            d.partitions.add(tp)
            self._location[tp] = d

    def shutdown(self) -> None:
        """Flush and close every log, write the checkpoints, then the clean-shutdown marker
        (only for directories where every log closed cleanly) and release the locks."""
        failed: set[Path] = set()
        for tp in list(self._recovering):
            self._settle(tp)  # a recovery under way on a worker thread finishes first
        if self._recovery_executor is not None:
            self._recovery_executor.shutdown(wait=True)
            self._recovery_executor = None
        for d in self._dirs:
            if d.unrecovered:
                # Not recovering them now (a stop must be quick): the next start does it.
                _log.info(
                    "%s: %d partition logs were not used since an unclean stop and are left "
                    "to the next start to recover",
                    d.path,
                    len(d.unrecovered),
                )
                failed.add(d.path)
        for tp, log in list(self._logs.items()):
            try:
                log.close()
            except LogStorageError:
                failed.add(self._location[tp].path)
            self._stats_of_closed.add(log.stats)
        for d in self._dirs:
            if d.lock_fd is None:
                continue
            try:
                self._write_checkpoints(d)
                if d.path not in failed:
                    write_file_atomically(d.path / CLEAN_SHUTDOWN_FILE, b"")
            finally:
                os.close(d.lock_fd)
                d.lock_fd = None
        self._logs.clear()
        self.pool.close_all()
        self._started = False

    # -- configs -------------------------------------------------------------------------------

    def set_topic_config(self, topic: str, config: LogConfig) -> None:
        """Use ``config`` for the topic's logs (open ones are updated now)."""
        self._topic_configs[topic] = config
        for tp, log in self._logs.items():
            if tp.topic == topic:
                log.config = config

    def config_for(self, topic: str) -> LogConfig:
        """The topic's config (the default unless set)."""
        return self._topic_configs.get(topic, self.default_config)

    # -- logs ----------------------------------------------------------------------------------

    @property
    def log_dirs(self) -> list[Path]:
        """The configured directories."""
        return [d.path for d in self._dirs]

    def partitions(self) -> list[TopicPartition]:
        """Every partition with a log (open or not), sorted."""
        return sorted(self._location)

    def log_dir_of(self, tp: TopicPartition) -> Path | None:
        """The directory (of ``log.dirs``) holding the partition's log; None if none does."""
        d = self._location.get(tp)
        return None if d is None else d.path

    def topic_id_of(self, tp: TopicPartition) -> uuid.UUID | None:
        """The topic id recorded beside the partition's log (``partition.metadata``); None if
        it has no log or none is recorded."""
        d = self._location.get(tp)
        return None if d is None else read_topic_id(d.path / partition_dir_name(tp))

    def record_topic_id(self, tp: TopicPartition, topic_id: uuid.UUID) -> None:
        """Record which topic the partition's (existing) log belongs to."""
        write_topic_id(self._location[tp].path / partition_dir_name(tp), topic_id)

    def size_in_bytes(self, tp: TopicPartition) -> int:
        """Bytes of the partition's segment files (0 if it has no log), without opening a log
        that is not open yet."""
        log = self._logs.get(tp)
        if log is not None:
            return log.size_in_bytes
        d = self._location.get(tp)
        if d is None:
            return 0
        total = 0
        with (
            contextlib.suppress(FileNotFoundError),
            os.scandir(d.path / partition_dir_name(tp)) as entries,
        ):
            for entry in entries:
                if entry.name.endswith(LOG_SUFFIX) and entry.is_file():
                    total += entry.stat().st_size
        return total

    def open_logs(self) -> list[PartitionLog]:
        """The logs opened so far."""
        return list(self._logs.values())

    def get_log(self, tp: TopicPartition, *, now_ms: int) -> PartitionLog | None:
        """The partition's log, opened on first use; None if this broker has none."""
        log = self._logs.get(tp)
        if log is not None:
            return log
        if tp not in self._location:
            return None
        if tp in self._recovering:
            log = self._settle(tp)
            if log is not None:
                return log
        return self._open(tp, now_ms=now_ms)

    async def recover_logs(self, tps: Iterable[TopicPartition], *, now_ms: int) -> None:
        """Recover the logs of ``tps`` that still await their recovery (see ``startup``) on
        worker threads, ``RECOVERY_THREADS`` at once: the event loop serves other requests
        meanwhile, and a request naming several such partitions waits for the slowest rather
        than for their sum. Recoveries another caller started are waited for too. Each is
        then registered as ``get_log`` registers it; one whose recovery fails is left to
        ``get_log``, which tries again and reports it."""
        self._check_started()
        claimed: list[tuple[TopicPartition, Future[PartitionLog]]] = []
        for tp in tps:
            d = self._location.get(tp)
            under_way = self._recovering.get(tp)
            if under_way is not None:
                # Another request's: wait for it too (its result is registered once).
                claimed.append((tp, under_way))
                continue
            if d is None or tp not in d.unrecovered:
                continue
            if self._recovery_executor is None:
                self._recovery_executor = ThreadPoolExecutor(
                    max_workers=RECOVERY_THREADS, thread_name_prefix="log-recovery"
                )
            # Arguments read here, on the loop: the thread touches no state of the manager.
            future = self._recovery_executor.submit(self._open_args(tp, now_ms=now_ms))
            self._recovering[tp] = future
            claimed.append((tp, future))
        for tp, future in claimed:
            with contextlib.suppress(Exception):  # get_log retries the open and reports it
                await asyncio.wrap_future(future)
            self._settle(tp)

    def _settle(self, tp: TopicPartition) -> PartitionLog | None:
        """Wait for a recovery under way on a worker thread (if any) and register its log;
        None if there is none or it failed (the partition stays unrecovered)."""
        future = self._recovering.pop(tp, None)
        if future is None:
            return self._logs.get(tp)
        # Cancelled only before it ran (its waiter was): nothing was opened.
        if future.cancelled() or future.exception() is not None:
            return None
        log = future.result()
        self._register(tp, log)
        return log

    def get_or_create_log(
        self, tp: TopicPartition, *, now_ms: int, config: LogConfig | None = None
    ) -> PartitionLog:
        """The partition's log, created (in the directory holding the fewest partitions) if
        missing."""
        self._check_started()
        if config is not None:
            self._topic_configs[tp.topic] = config
        log = self.get_log(tp, now_ms=now_ms)
        if log is not None:
            return log
        target = min(self._dirs, key=lambda d: len(d.partitions))
        target.partitions.add(tp)
        self._location[tp] = target
        # The new directory's entry is fsynced by the log's first flush (it marks the log
        # dirty), on the flusher's threads: an acknowledged append waits for that flush.
        return self._open(tp, now_ms=now_ms)

    def _open_args(self, tp: TopicPartition, *, now_ms: int) -> Callable[[], PartitionLog]:
        """``PartitionLog.open`` of the partition, with its arguments read now."""
        d = self._location[tp]
        cp = d.checkpoints
        return partial(
            PartitionLog.open,
            d.path / partition_dir_name(tp),
            tp,
            self.config_for(tp.topic),
            pool=self.pool,
            budget=self.budget,
            now_ms=now_ms,
            clean=tp not in d.unrecovered,
            recovery_point=cp[RECOVERY_POINT_CHECKPOINT].get(tp, 0),
            log_start_offset=cp[LOG_START_OFFSET_CHECKPOINT].get(tp, 0),
            high_watermark=cp[REPLICATION_OFFSET_CHECKPOINT].get(tp, 0),
            # Under group the recovered tail is committed at once (a single replica's high
            # watermark is its log end): fsync it first. Otherwise the recovery point stays
            # and the flusher fsyncs it, off the request's path.
            sync_recovery=self.flush_policy == FlushPolicy.GROUP,
        )

    def _open(self, tp: TopicPartition, *, now_ms: int) -> PartitionLog:
        self._check_started()
        d = self._location[tp]
        try:
            log = self._open_args(tp, now_ms=now_ms)()
        except LogStorageError as exc:
            # Every request for the partition retries the open: tell the operator once.
            if tp not in self._open_failing:
                self._open_failing.add(tp)
                _log.error(
                    "%s: its log cannot be opened: %s; %s. The partition answers "
                    "KAFKA_STORAGE_ERROR until it opens (logged once until then)",
                    tp,
                    exc,
                    describe_free_space(d.path),
                )
            raise
        self._register(tp, log)
        return log

    def _recovered(self, d: _LogDir, tp: TopicPartition) -> None:
        """``tp`` no longer awaits its recovery (it was recovered, or deleted)."""
        if tp in d.unrecovered:
            d.unrecovered.discard(tp)
            self.unrecovered_count -= 1

    def awaiting_recovery(self, wanted: Iterable[tuple[str, int]]) -> list[TopicPartition]:
        """Those of ``wanted`` (topic, partition) whose logs still await their recovery after
        an unclean stop, or are being recovered: a request naming them awaits ``recover_logs``
        rather than recovering them on the event loop."""
        out: list[TopicPartition] = []
        for topic, partition in wanted:
            tp = TopicPartition(topic, partition)
            d = self._location.get(tp)
            if d is not None and (tp in d.unrecovered or tp in self._recovering):
                out.append(tp)
        return out

    def _register(self, tp: TopicPartition, log: PartitionLog) -> None:
        """A log just opened: it is served from now on."""
        d = self._location[tp]
        cp = d.checkpoints
        # Recovered: a later reopen (after close_log) is clean. The recovered state is
        # checkpointed with the others; a crash before that recovers it again.
        self._recovered(d, tp)
        if tp in self._open_failing:
            self._open_failing.discard(tp)
            _log.warning("%s: its log opened after failures", tp)
        log.cleaner_checkpoint = min(
            max(cp[CLEANER_OFFSET_CHECKPOINT].get(tp, 0), log.log_start_offset),
            log.log_end_offset,
        )
        self._logs[tp] = log
        if self.on_log_opened is not None:
            self.on_log_opened(log)

    def close_log(self, tp: TopicPartition) -> None:
        """Flush and close one log (it reopens lazily on next use, without recovery)."""
        self._settle(tp)
        log = self._logs.pop(tp, None)
        if log is None:
            return
        d = self._location[tp]
        log.close()
        self._remember(d, tp, log)
        self._stats_of_closed.add(log.stats)

    def delete_log(self, tp: TopicPartition) -> bool:
        """Delete the partition's log and directory; False if there is none."""
        self._settle(tp)
        d = self._location.pop(tp, None)
        if d is None:
            return False
        log = self._logs.pop(tp, None)
        if log is not None:
            log.delete()
        path = d.path / partition_dir_name(tp)
        doomed = path.with_name(delete_dir_name(tp, uuid.uuid4().hex))
        try:
            os.rename(path, doomed)
        except FileNotFoundError:
            doomed = path
        except OSError as exc:
            raise LogStorageError(f"cannot delete {path}: {exc}") from exc
        fsync_dir(d.path)
        shutil.rmtree(doomed, ignore_errors=True)
        d.partitions.discard(tp)
        self._recovered(d, tp)
        for offsets in d.checkpoints.values():
            offsets.pop(tp, None)
        self._write_checkpoints(d)
        return True

    def _check_started(self) -> None:
        if not self._started:
            raise LogStorageError("LogManager.startup() has not run")

    # -- checkpoints ---------------------------------------------------------------------------

    def _remember(self, d: _LogDir, tp: TopicPartition, log: PartitionLog) -> None:
        cp = d.checkpoints
        cp[RECOVERY_POINT_CHECKPOINT][tp] = log.recovery_point
        cp[LOG_START_OFFSET_CHECKPOINT][tp] = log.log_start_offset
        cp[REPLICATION_OFFSET_CHECKPOINT][tp] = log.high_watermark
        cp[CLEANER_OFFSET_CHECKPOINT][tp] = log.cleaner_checkpoint

    def _write_checkpoints(self, d: _LogDir) -> None:
        for tp, log in self._logs.items():
            if self._location.get(tp) is d:
                self._remember(d, tp, log)
        for name in _CHECKPOINTS:
            OffsetCheckpointFile(d.path / name).write(d.checkpoints[name])

    def checkpoint(self) -> None:
        """Write all checkpoint files of every directory (run periodically)."""
        for d in self._dirs:
            self._write_checkpoints(d)

    # -- maintenance ---------------------------------------------------------------------------

    async def run_retention(self, *, now_ms: int) -> int:
        """Retention (``PartitionLog.apply_retention``) over every partition, without holding
        the event loop: logs still awaiting their recovery after an unclean stop are recovered
        on worker threads first (``recover_logs``), and the loop is let go every
        ``RETENTION_SLICE_MS``. A log that cannot be opened is skipped (``get_log`` reported
        it) and the others are still served. Returns the number of segments deleted."""
        targets = self.partitions()
        await self.recover_logs([tp for tp in targets if tp not in self._logs], now_ms=now_ms)
        deleted = 0
        slice_end = time.monotonic() + RETENTION_SLICE_MS / 1000
        for tp in targets:
            if not self._started:
                break  # shut down meanwhile
            try:
                log = self.get_log(tp, now_ms=now_ms)
                if log is not None:
                    deleted += log.apply_retention(now_ms)
            except LogStorageError as exc:
                _log.debug("%s: retention skipped: %s", tp, exc)
            if time.monotonic() >= slice_end:
                await asyncio.sleep(0)
                slice_end = time.monotonic() + RETENTION_SLICE_MS / 1000
        return deleted

    @property
    def recovery_stats(self) -> RecoveryStats:
        """Recovery work done by every log opened so far (validated batches etc.)."""
        total = RecoveryStats()
        total.add(self._stats_of_closed)
        for log in self._logs.values():
            total.add(log.stats)
        return total

    def __enter__(self) -> LogManager:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(LogStorageError):
            self.shutdown()
