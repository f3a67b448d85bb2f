"""Replaying ``__transaction_state`` partitions in the background, one at a time.

The driver (``driver.py``) asks for a partition with ``begin(partition, coordinator_epoch)``
when this broker becomes its leader; ``TxnPartitionLoader`` reads it from its log start offset
to its log end offset, a chunk of ``LOAD_CHUNK_BYTES`` at a time on the event loop (storage's
reads are not thread-safe; the loop is yielded between chunks so it keeps serving), keeps the
latest value of each key (the topic is compacted: only the latest record of a transactional id
counts, a tombstone deletes it) and hands the records to the driver's ``install`` callback,
which gives them to the core (``TransactionCoordinatorCore.load``).

A partition whose log cannot be read or decoded stays loading and is reported failed: its
transactional ids answer COORDINATOR_LOAD_IN_PROGRESS rather than forget a transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from broker.metadata.internal_topics import TRANSACTION_STATE_TOPIC
from protocol.errors import KafkaError
from protocol.records import iter_batches

if TYPE_CHECKING:
    from broker.storage.log import PartitionLog

__all__ = [
    "LOAD_CHUNK_BYTES",
    "LoadAborted",
    "LoadedRecords",
    "TxnPartitionLoader",
    "replay_chunk",
]

log = logging.getLogger("samsa.txn")

#: Bytes of ``__transaction_state`` read per step while loading: bounds both the loop's pause
#: and the memory a read holds.
LOAD_CHUNK_BYTES: Final = 1024 * 1024
#: How long ``stop`` waits for the loader task to end once asked.
STOP_LOAD_TIMEOUT_S: Final = 10.0

LoadedRecords = dict[bytes, bytes | None]
"""The latest value of each key of a partition, in the order of their latest write."""


class LoadAborted(Exception):
    """The partition stopped being loaded (unloaded, or the coordinator stopped)."""


Install = Callable[[int, int, LoadedRecords], None]
"""Gives a replayed partition to the core: ``(partition, coordinator epoch, records)``."""
OpenLog = Callable[[int], "PartitionLog | None"]
"""The log of a ``__transaction_state`` partition (None when it was never written)."""
ReadChunk = Callable[["PartitionLog", int, int], bytes]
"""Whole batches of a log from an offset below an end offset, at most ``LOAD_CHUNK_BYTES``."""


def read_chunk(log_: PartitionLog, offset: int, end: int) -> bytes:
    """Whole batches from ``offset`` below ``end`` (at least one)."""
    found = log_.read(offset, LOAD_CHUNK_BYTES, max_offset=end, min_one_batch=True)
    try:
        return found.read_bytes()
    finally:
        found.release()


def replay_chunk(data: bytes, records: LoadedRecords) -> int:
    """Fold the records of ``data`` (whole batches) into ``records``; returns the offset after
    the last batch (-1 if there was none). Control batches (markers) carry no state. Raises
    ``KafkaError`` for a corrupt batch and ``ValueError`` for a record without a key."""
    next_offset = -1
    for batch in iter_batches(data, allow_partial=False):
        batch.validate()
        next_offset = max(next_offset, batch.next_offset)
        if batch.is_control:
            continue
        for record in batch.records():
            key = record.key
            if key is None:
                raise ValueError(f"record at offset {record.offset} has no key")
            key = bytes(key)
            records.pop(key, None)  # keeps the order of the latest writes
            records[key] = None if record.value is None else bytes(record.value)
    return next_offset


class TxnPartitionLoader:
    """The partitions of ``__transaction_state`` waiting to be loaded, and the task loading
    them."""

    def __init__(
        self,
        open_log: OpenLog,
        install: Install,
        *,
        recover: Callable[[int], Awaitable[None]] | None = None,
        read: ReadChunk = read_chunk,
    ) -> None:
        self._open_log = open_log
        #: Awaited before ``open_log``: recovers the partition's log off the event loop if it
        #: awaits its recovery after an unclean stop (None: ``open_log`` recovers it).
        self._recover = recover
        self._install = install
        self._read = read
        #: partition -> (load number, coordinator epoch) of the latest load asked.
        self._wanted: dict[int, tuple[int, int]] = {}
        self._serial = 0
        self._queue: deque[int] = deque()
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._failed: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def loading_partitions(self) -> frozenset[int]:
        """Partitions waiting to be loaded or being loaded (including failed loads)."""
        return frozenset(self._wanted)

    @property
    def failed_partitions(self) -> frozenset[int]:
        """Partitions whose log could not be loaded."""
        return frozenset(self._failed)

    async def wait_loaded(self, timeout_s: float) -> None:
        """Wait until no partition is waiting to be loaded (failed ones aside; raises
        TimeoutError)."""
        async with asyncio.timeout(timeout_s):
            while self._queue or not self._idle.is_set():
                await self._idle.wait()
                await asyncio.sleep(0)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._load_loop(), name="txn-coordinator-loader"
        )

    def begin(self, partition: int, coordinator_epoch: int) -> None:
        """Load ``partition`` as coordinator epoch ``coordinator_epoch`` (again, if a load of
        it is under way: that one is abandoned)."""
        self._serial += 1
        self._wanted[partition] = (self._serial, coordinator_epoch)
        self._failed.discard(partition)
        self._queue.append(partition)
        self._idle.clear()
        self._wakeup.set()

    def forget(self, partition: int) -> None:
        """Do not load ``partition`` (this broker no longer leads it)."""
        self._wanted.pop(partition, None)
        self._failed.discard(partition)

    async def stop(self) -> None:
        """Stop loading (a load in progress gives up at its next chunk)."""
        self._stopping = True
        self._wakeup.set()
        task = self._task
        if task is None:
            return
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            async with asyncio.timeout(STOP_LOAD_TIMEOUT_S):
                await asyncio.shield(task)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _load_loop(self) -> None:
        while not self._stopping:
            if not self._queue:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            partition = self._queue.popleft()
            wanted = self._wanted.get(partition)
            if wanted is None or partition in self._failed:
                continue
            try:
                await self._load_partition(partition, wanted)
            except LoadAborted:
                pass
            except (KafkaError, OSError, ValueError) as exc:
                # An unreadable log: the data's fault, not a bug, so no traceback.
                self._failed.add(partition)
                log.error(
                    "cannot load %s-%d (%s: %s); its transactional ids answer "
                    "COORDINATOR_LOAD_IN_PROGRESS until the broker restarts with a readable log",
                    TRANSACTION_STATE_TOPIC,
                    partition,
                    type(exc).__name__,
                    exc,
                )
            except Exception:
                # The core could not take the records (one it cannot decode, or a bug): the
                # partition stays loading, like an unreadable log.
                self._failed.add(partition)
                log.exception("loading %s-%d failed", TRANSACTION_STATE_TOPIC, partition)

    async def _load_partition(self, partition: int, wanted: tuple[int, int]) -> None:
        records: LoadedRecords = {}
        if self._recover is not None:
            await self._recover(partition)
            if self._stopping or self._wanted.get(partition) != wanted:
                raise LoadAborted
        log_ = self._open_log(partition)
        if log_ is not None:
            # To the log end, not the high watermark: a leader never truncates its own log,
            # and a new leader's high watermark may still lag what the previous one committed.
            offset, end = log_.log_start_offset, log_.log_end_offset
            while offset < end:
                if self._stopping or self._wanted.get(partition) != wanted:
                    raise LoadAborted
                data = self._read(log_, offset, end)
                after = replay_chunk(data, records) if data else -1
                if after <= offset:
                    log.warning(
                        "%s-%d: nothing readable at offset %d below the log end %d",
                        TRANSACTION_STATE_TOPIC,
                        partition,
                        offset,
                        end,
                    )
                    break
                offset = after
                await asyncio.sleep(0)  # let the loop serve between chunks
        if self._stopping or self._wanted.get(partition) != wanted:
            raise LoadAborted
        del self._wanted[partition]
        try:
            self._install(partition, wanted[1], records)
        except BaseException:
            self._wanted[partition] = wanted  # not served: it stays loading (and failed)
            raise
