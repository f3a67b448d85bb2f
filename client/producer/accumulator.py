"""The record accumulator: per-partition batches waiting to be sent, and ``buffer.memory``.

Each partition has at most one open batch that ``send`` appends to, then a queue of closed
batches (full ones, and retries put back in sequence order), and a count of batches in
flight. Memory is reserved per batch (``batch.size``, or the size of a larger single record)
and released when the batch completes: ``send`` checks one integer per record, and waits for
memory only when ``buffer.memory`` is used up (at most ``max.block.ms``).

A conditional record (``send(..., expected_offset=N)``) gets a closed batch of its own, queued
behind the partition's earlier records: no other record may join a batch whose append the
broker may refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Final

from client.errors import KafkaTimeoutError
from client.producer.batch import ProducerBatch
from client.producer.future import RecordFuture
from client.types import TopicPartition

__all__ = ["PartitionQueue", "RecordAccumulator"]

#: Sequence numbers are int32 and wrap to 0 past the maximum (Kafka's rule).
SEQUENCE_MODULUS: Final = 2**31


class PartitionQueue:
    """One partition's batches: open, queued (closed or to retry), in flight; its sequence."""

    __slots__ = (
        "backoff_until",
        "last_acked_sequence",
        "next_sequence",
        "open",
        "partition",
        "queue",
        "sent",
        "topic",
        "tp",
    )

    def __init__(self, topic: str, partition: int) -> None:
        self.topic = topic
        self.partition = partition
        self.tp = TopicPartition(topic, partition)
        self.open: ProducerBatch | None = None
        self.queue: deque[ProducerBatch] = deque()
        #: Batches in flight, in the order they were sent.
        self.sent: deque[ProducerBatch] = deque()
        self.next_sequence = 0
        self.last_acked_sequence = -1
        self.backoff_until = 0.0

    def __repr__(self) -> str:
        return (
            f"PartitionQueue({self.tp}, open={self.open!r}, queued={len(self.queue)}, "
            f"in_flight={len(self.sent)}, next_sequence={self.next_sequence})"
        )

    @property
    def empty(self) -> bool:
        """No batch open, queued or in flight."""
        return self.open is None and not self.queue and not self.sent

    def requeue(self, batch: ProducerBatch) -> None:
        """Put a batch back to be sent again, before every batch with a higher sequence."""
        queue = self.queue
        if batch.base_sequence < 0:
            queue.appendleft(batch)
            return
        index = 0
        for index, queued in enumerate(queue):  # noqa: B007
            if queued.base_sequence < 0 or queued.base_sequence > batch.base_sequence:
                break
        else:
            index = len(queue)
        queue.insert(index, batch)

    def expected_sequence(self) -> int:
        """The sequence the broker expects next (one past the last acknowledged)."""
        return (self.last_acked_sequence + 1) % SEQUENCE_MODULUS


class RecordAccumulator:
    """Batches of every partition, and the memory they hold."""

    def __init__(self, *, batch_size: int, buffer_memory: int) -> None:
        self.batch_size = max(batch_size, 1)
        self.buffer_memory = buffer_memory
        self.used = 0
        self._queues: dict[str, list[PartitionQueue]] = {}
        #: Partitions with anything open, queued or in flight (a dict keeps insertion order).
        self.active: dict[PartitionQueue, None] = {}
        self._memory_waiters: deque[asyncio.Future[None]] = deque()
        self._drained = asyncio.Event()
        self._drained.set()

    def queue_for(self, topic: str, partition: int) -> PartitionQueue:
        """The queue of a partition (created on first use)."""
        queues = self._queues.get(topic)
        if queues is None:
            queues = self._queues[topic] = []
        while len(queues) <= partition:
            queues.append(PartitionQueue(topic, len(queues)))
        return queues[partition]

    def append(
        self,
        pq: PartitionQueue,
        timestamp: int,
        key: bytes | None,
        value: bytes | None,
        headers: bytes | None,
        *,
        allow_new: bool,
        now: float,
    ) -> RecordFuture | None:
        """Add a record to the partition's open batch, opening one if needed and allowed.

        Returns None when the open batch is full or absent and ``allow_new`` is False (the
        sticky partitioner then moves on). A full batch is closed into the queue.
        """
        batch = pq.open
        if batch is not None:
            index = batch.append(timestamp, key, value, headers)
            if index >= 0:
                return RecordFuture(batch, index, timestamp)
            pq.queue.append(batch)
            pq.open = None
        if not allow_new:
            return None
        batch = ProducerBatch(
            pq.topic, pq.partition, self.batch_size, now, asyncio.get_running_loop().create_future()
        )
        batch.append(timestamp, key, value, headers)
        batch.reserved = max(self.batch_size, batch.size)
        self.used += batch.reserved
        pq.open = batch
        if pq not in self.active:
            self.active[pq] = None
            self._drained.clear()
        return RecordFuture(batch, 0, timestamp)

    def append_conditional(
        self,
        pq: PartitionQueue,
        timestamp: int,
        key: bytes | None,
        value: bytes | None,
        headers: bytes | None,
        *,
        expected_offset: int,
        now: float,
    ) -> RecordFuture:
        """Queue a record in a batch of its own, to append only at ``expected_offset``.

        The partition's open batch is closed first, so records sent before go first.
        """
        if pq.open is not None:
            pq.queue.append(pq.open)
            pq.open = None
        batch = ProducerBatch(
            pq.topic, pq.partition, self.batch_size, now, asyncio.get_running_loop().create_future()
        )
        batch.append(timestamp, key, value, headers)
        batch.expected_offset = expected_offset
        batch.reserved = batch.size
        self.used += batch.reserved
        pq.queue.append(batch)
        if pq not in self.active:
            self.active[pq] = None
            self._drained.clear()
        return RecordFuture(batch, 0, timestamp)

    def release(self, batch: ProducerBatch) -> None:
        """Give back the memory of a finished batch; wake a sender waiting for memory."""
        self.used -= batch.reserved
        batch.reserved = 0
        waiters = self._memory_waiters
        while waiters and self.used < self.buffer_memory:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    def all_queues(self) -> list[PartitionQueue]:
        """Every partition queue ever used, idle ones too (their sequences restart with a new
        producer id or epoch)."""
        return [pq for queues in self._queues.values() for pq in queues]

    def retire(self, pq: PartitionQueue) -> None:
        """Forget an idle partition until its next record."""
        if pq.empty and pq in self.active:
            del self.active[pq]
            if not self.active:
                self._drained.set()

    @property
    def memory_full(self) -> bool:
        """True when ``buffer.memory`` is used up (``send`` must wait)."""
        return self.used >= self.buffer_memory

    async def wait_for_memory(self, timeout_s: float) -> None:
        """Wait until memory is free; ``KafkaTimeoutError`` after ``timeout_s`` (max.block.ms)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.used >= self.buffer_memory:
            waiter: asyncio.Future[None] = loop.create_future()
            self._memory_waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except TimeoutError:
                raise KafkaTimeoutError(
                    f"buffer.memory ({self.buffer_memory} bytes) stayed full for max.block.ms "
                    f"({timeout_s * 1000:.0f} ms): the brokers take records slower than they "
                    "are sent, or are unreachable"
                ) from None
            finally:
                with contextlib.suppress(ValueError):
                    self._memory_waiters.remove(waiter)

    def fail_memory_waiters(self, error: BaseException) -> None:
        """Wake everyone waiting for memory with ``error`` (the producer is closing)."""
        waiters = self._memory_waiters
        self._memory_waiters = deque()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(error)

    async def wait_drained(self, timeout_s: float) -> bool:
        """Wait until no partition has batches; False on timeout."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._drained.wait()
        except TimeoutError:
            return False
        return True

    def pending_futures(self) -> list[asyncio.Future[None]]:
        """The futures of every batch not finished yet: open, queued and in flight."""
        futures: list[asyncio.Future[None]] = []
        for pq in self.active:
            if pq.open is not None:
                futures.append(pq.open.future)
            futures.extend(b.future for b in pq.queue)
            futures.extend(b.future for b in pq.sent)
        return futures
