"""Replaying ``__consumer_offsets`` partitions in the background, one at a time.

The driver (``driver.py``) asks for a partition with ``begin`` when this broker becomes its
leader; ``PartitionLoader`` replays it from its log start offset to its log end offset (batch
by batch: a transactional batch's offsets wait for their producer's marker, a control batch) and
hands the result (``records.LoadedState``) to the driver's ``install`` callback, which installs
it in the core. Reads happen on the event loop (storage's reads are not thread-safe), a chunk
of ``LOAD_CHUNK_BYTES`` at a time; CRC checks, record decoding and ``records.load`` run on a
worker thread, so the loop keeps serving.

A partition whose log cannot be read or decoded stays loading and is reported failed: its
groups answer COORDINATOR_LOAD_IN_PROGRESS rather than serve offsets read only in part.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from broker.group.context import CoreCallError
from broker.group.records import LoadedState, RecordFormatError, ReplayBatch, load
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from protocol.errors import KafkaError
from protocol.records import iter_batches
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.replication.manager import ReplicaManager
    from broker.storage.log import PartitionLog

__all__ = [
    "LOAD_CHUNK_BYTES",
    "LOAD_FAILURES",
    "LoadAborted",
    "PartitionLoader",
    "replay_batches",
]

log = logging.getLogger("samsa.group")

#: Bytes of ``__consumer_offsets`` read per step while loading (one read on the event loop,
#: then decoded on a worker thread): bounds both the loop's pause and the memory held.
LOAD_CHUNK_BYTES: Final = 1024 * 1024
#: How long the loading thread waits for the event loop to read it a chunk.
LOAD_READ_TIMEOUT_S: Final = 30.0
#: How long ``stop`` waits for a partition being loaded to notice and give up.
STOP_LOAD_TIMEOUT_S: Final = 10.0
#: What makes a partition's log unloadable (its groups stay unavailable): storage errors and
#: corrupt batches (``KafkaError``), IO errors, a chunk the event loop did not read in time,
#: and records this version cannot decode.
LOAD_FAILURES: Final = (KafkaError, OSError, TimeoutError, RecordFormatError)

Install = Callable[[int, LoadedState], None]
"""Installs a replayed partition in the core (raises ``LoadAborted`` if it no longer can, or
``CoreCallError`` if the core failed: then the partition must be left loading)."""
OnFault = Callable[[str, str, BaseException], None]
"""Records a bug (usually of the core: ``CoreCallError``): ``(where, what was being done, the
error)``; it is counted and logged with its traceback."""


class LoadAborted(Exception):
    """The partition stopped being loaded (unloaded, or the coordinator stopped)."""


class PartitionLoader:
    """The partitions of ``__consumer_offsets`` waiting to be loaded, and the task loading them."""

    def __init__(
        self,
        replicas: ReplicaManager,
        clock_ms: Callable[[], int],
        install: Install,
        on_fault: OnFault,
    ) -> None:
        self._replicas = replicas
        self._clock_ms = clock_ms
        self._install = install
        self._on_fault = on_fault
        #: The latest load asked of each partition not loaded yet (failed ones included).
        self._epochs: dict[int, int] = {}
        self._queue: deque[tuple[int, int]] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loading_now: int | None = None
        self._not_loading = asyncio.Event()
        self._not_loading.set()
        self._failed: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = threading.Event()
        #: Per partition, the log end offset its last replay read up to (see ``replayed_end``).
        self._replayed_end: dict[int, int] = {}

    @property
    def loading_partitions(self) -> frozenset[int]:
        """Partitions waiting to be loaded or being loaded (including failed loads)."""
        return frozenset(self._epochs)

    @property
    def failed_partitions(self) -> frozenset[int]:
        """Partitions whose log could not be loaded: their groups stay unavailable."""
        return frozenset(self._failed)

    async def wait_loaded(self, timeout_s: float) -> None:
        """Wait until no partition is waiting to be loaded (raises TimeoutError)."""
        async with asyncio.timeout(timeout_s):
            while True:
                await self._idle.wait()
                if not self._queue and self._loading_now is None:
                    return

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._load_loop(), name="group-coordinator-loader"
        )
        self._task.add_done_callback(self._on_done)

    def replayed_end(self, partition: int) -> int:
        """The offset the last replay of ``partition`` read up to (exclusive; 0 if none): a
        marker appended below it was replayed."""
        return self._replayed_end.get(partition, 0)

    def begin(self, partition: int) -> None:
        """Load ``partition`` (again, if a load of it is under way: that one is abandoned)."""
        epoch = self._epochs.get(partition, 0) + 1
        self._epochs[partition] = epoch
        self._failed.discard(partition)
        self._queue.append((partition, epoch))
        self._idle.clear()
        self._wakeup.set()

    def forget(self, partition: int) -> None:
        """Do not load ``partition`` (this broker no longer leads it)."""
        self._epochs.pop(partition, None)
        self._failed.discard(partition)

    def request_stop(self) -> None:
        """Stop loading: a load in progress gives up at its next chunk."""
        self._stopping.set()
        self._wakeup.set()

    async def stop(self) -> None:
        """Stop loading and wait for the loader (a load in progress gives up at its next chunk:
        its thread is waited for, so that no thread is left waiting on this loop)."""
        self.request_stop()
        task = self._task
        if task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_LOAD_TIMEOUT_S):
                await self._not_loading.wait()
        if task.done():  # a loader that failed was reported when it did
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def _on_done(self, task: asyncio.Task[None]) -> None:
        """The loader ended: only ``stop`` ends it, unless a bug of its own raised. Then every
        partition not loaded yet stays loading (its groups unavailable) until a restart."""
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        self._failed.update(self._epochs)
        waiting = sorted(self._epochs)
        what = f"loading {GROUP_METADATA_TOPIC} (partitions {waiting} stay loading until a restart)"
        self._on_fault("load", what, exc)

    async def _load_loop(self) -> None:
        while not self._stopping.is_set():
            if not self._queue:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            partition, epoch = self._queue.popleft()
            if self._epochs.get(partition) != epoch:
                continue
            self._loading_now = partition
            self._not_loading.clear()
            try:
                await self._load_partition(partition, epoch)
            except LoadAborted:
                pass
            except CoreCallError as exc:
                self._failed.add(partition)
                what = f"installing the groups of {GROUP_METADATA_TOPIC}-{partition}"
                self._on_fault("load", what, exc)
            except LOAD_FAILURES as exc:
                # An unreadable log (storage error, corrupt batch, unknown record type or
                # version, a read that timed out): the data's fault, not a bug, so no traceback.
                self._failed.add(partition)
                log.error(
                    "cannot load %s-%d (%s: %s); its groups answer "
                    "COORDINATOR_LOAD_IN_PROGRESS until the broker restarts with a readable log",
                    GROUP_METADATA_TOPIC,
                    partition,
                    type(exc).__name__,
                    exc,
                )
            finally:
                self._loading_now = None
                self._not_loading.set()

    async def _load_partition(self, partition: int, epoch: int) -> None:
        tp = TopicPartition(GROUP_METADATA_TOPIC, partition)
        state: LoadedState = {}
        started = time.monotonic()
        replicas = self._replicas
        replayed_end = 0
        # After an unclean stop its log is recovered on a worker thread, not on the loop.
        await replicas.log_manager.recover_logs([tp], now_ms=self._clock_ms())
        if self._epochs.get(partition) != epoch or self._stopping.is_set():
            raise LoadAborted
        # A partition never written has no log: nothing to read (and no log is created).
        if replicas.log_manager.get_log(tp, now_ms=self._clock_ms()) is not None:
            part = replicas.get_partition(GROUP_METADATA_TOPIC, partition)
            log_ = part.log
            # To the log end, not the high watermark: a leader never truncates its own log,
            # so everything in it becomes committed once the followers have it — and a new
            # leader's high watermark may still lag what the previous leader committed.
            start, end = log_.log_start_offset, log_.log_end_offset
            replayed_end = end
            if start < end:
                loop = asyncio.get_running_loop()
                state = await asyncio.to_thread(
                    self._replay_in_thread, loop, log_, start, end, partition, epoch
                )
        if self._epochs.get(partition) != epoch or self._stopping.is_set():
            raise LoadAborted
        del self._epochs[partition]
        self._replayed_end[partition] = replayed_end
        try:
            self._install(partition, state)
        except CoreCallError:
            self._epochs[partition] = epoch  # stays loading
            raise
        if state:
            log.info(
                "loaded %d group(s) from %s-%d in %.3f s",
                len(state),
                GROUP_METADATA_TOPIC,
                partition,
                time.monotonic() - started,
            )

    def _replay_in_thread(
        self,
        loop: asyncio.AbstractEventLoop,
        log_: PartitionLog,
        start: int,
        end: int,
        partition: int,
        epoch: int,
    ) -> LoadedState:
        """On a worker thread: ``records.load`` over the partition's records, each chunk read
        on the event loop."""

        def batches() -> Iterator[ReplayBatch]:
            offset = start
            while offset < end:
                if self._stopping.is_set() or self._epochs.get(partition) != epoch:
                    raise LoadAborted
                future = asyncio.run_coroutine_threadsafe(_read_chunk(log_, offset, end), loop)
                data = future.result(LOAD_READ_TIMEOUT_S)
                if not data:
                    log.warning(
                        "%s-%d: nothing readable at offset %d below the high watermark %d",
                        GROUP_METADATA_TOPIC,
                        partition,
                        offset,
                        end,
                    )
                    return
                for next_offset, replayed in replay_batches(data):
                    offset = max(offset, next_offset)
                    yield replayed

        return load(batches())


def replay_batches(data: bytes) -> Iterator[tuple[int, ReplayBatch]]:
    """The whole batches of ``data`` (read from ``__consumer_offsets``) as ``records.load``
    replays them, each with the offset after it; CRC and format are checked.

    A data batch keeps its producer and transactional flag (a TxnOffsetCommit's records wait
    for their marker); a control batch becomes its marker (its control record type).
    """
    for batch in iter_batches(data, allow_partial=False):
        batch.validate()
        if batch.is_control:
            control = batch.control_record().type
            yield batch.next_offset, ReplayBatch(producer_id=batch.producer_id, control=control)
            continue
        records = []
        for record in batch.records():
            if record.key is None:
                raise RecordFormatError(f"record at offset {record.offset} has no key")
            records.append((record.key, record.value))
        replayed = ReplayBatch(
            records, producer_id=batch.producer_id, is_transactional=batch.is_transactional
        )
        yield batch.next_offset, replayed


async def _read_chunk(log_: PartitionLog, offset: int, end: int) -> bytes:
    """Whole batches from ``offset`` below ``end`` (run on the event loop: storage's reads are
    not thread-safe)."""
    found = log_.read(offset, LOAD_CHUNK_BYTES, max_offset=end, min_one_batch=True)
    try:
        return found.read_bytes()
    finally:
        found.release()
