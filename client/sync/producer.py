"""The synchronous ``Producer``: the asyncio producer on a background event loop.

``send`` does not cross threads per record: it appends to a bounded queue that a task on the
loop drains into the asyncio producer, and returns a ``SyncRecordFuture`` at once. Waiting
for a result (``future.result()``, ``send_and_wait``, ``flush``) is what crosses threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Final, Self

from client.config import ProducerConfig
from client.errors import ClientClosedError, KafkaTimeoutError
from client.producer import Producer as AsyncProducer
from client.producer import RecordFuture
from client.producer.batch import Headers
from client.producer.transactions import ConsumerGroupMetadata, TransactionState
from client.sync._runner import LoopThread, wait
from client.types import OffsetAndMetadata, RecordMetadata, TopicPartition

__all__ = ["Producer", "SyncRecordFuture"]

#: Records handed to ``send`` and not yet passed to the asyncio producer, at most; past it
#: ``send`` waits (up to ``max.block.ms``), as the asyncio producer does for buffer.memory.
MAX_PENDING_SENDS: Final = 10_000

# (future, topic, value, key, headers, partition, timestamp_ms, expected_offset)
_Pending = tuple[
    "SyncRecordFuture", str, Any, Any, Headers | None, int | None, int | None, int | None
]


class SyncRecordFuture:
    """The outcome of one synchronous ``send``."""

    __slots__ = ("_error", "_producer", "_record")

    def __init__(self, producer: Producer) -> None:
        self._producer = producer
        self._record: RecordFuture | None = None
        self._error: BaseException | None = None

    def done(self) -> bool:
        """True once the record is written or failed."""
        if self._error is not None:
            return True
        record = self._record
        return record is not None and record.done()

    def result(self, timeout: float | None = None) -> RecordMetadata:
        """The record's metadata, waiting up to ``timeout`` seconds (None: as long as the
        delivery may take; ``KafkaTimeoutError`` after); raises the record's error."""
        self._producer._wait_record(self, timeout)
        if self._error is not None:
            raise self._error
        assert self._record is not None
        return self._record.result()

    get = result

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The record's error (None when written), waiting like ``result``."""
        self._producer._wait_record(self, timeout)
        if self._error is not None:
            return self._error
        assert self._record is not None
        return self._record.exception()

    def add_done_callback(self, fn: Callable[[SyncRecordFuture], object]) -> None:
        """Call ``fn(self)`` when done — on the producer's event loop thread."""
        self._producer._loop.call_soon(lambda: self._producer._add_callback(self, fn))


class Producer:
    """A synchronous Kafka producer; options as for ``client.Producer``.

    ::

        with Producer(bootstrap_servers="localhost:9092") as producer:
            producer.send("events", b"hello").result(timeout=10)
    """

    def __init__(self, options: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        config = ProducerConfig.build(options, **kwargs)
        self.config = config
        self._loop = LoopThread("samsa-sync-producer")
        self._pending: deque[_Pending] = deque()
        self._signalled = False
        self._room = threading.Event()
        self._closed = False
        self._wake: asyncio.Event | None = None
        self._drain_lock: asyncio.Lock | None = None
        self._pump: asyncio.Task[None] | None = None
        try:
            self._producer: AsyncProducer = self._loop.run(
                self._start(options, kwargs), config.max_block_ms / 1000 + 10
            )
        except BaseException:
            self._loop.stop()
            raise

    async def _start(
        self, options: Mapping[str, Any] | None, kwargs: dict[str, Any]
    ) -> AsyncProducer:
        producer = AsyncProducer(options, **kwargs)
        await producer.start()
        self._wake = asyncio.Event()
        self._drain_lock = asyncio.Lock()
        self._pump = asyncio.create_task(self._run_pump(), name="samsa-sync-send-pump")
        return producer

    # -- sending -----------------------------------------------------------------------------

    def send(
        self,
        topic: str,
        value: Any = None,
        key: Any = None,
        headers: Headers | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        expected_offset: int | None = None,
    ) -> SyncRecordFuture:
        """Queue a record; returns its future at once (see ``client.Producer.send``)."""
        if self._closed:
            raise ClientClosedError("the producer is closed")
        pending = self._pending
        if len(pending) >= MAX_PENDING_SENDS:
            self._wait_for_room()
        future = SyncRecordFuture(self)
        pending.append(
            (future, topic, value, key, headers, partition, timestamp_ms, expected_offset)
        )
        if not self._signalled:
            self._signalled = True
            self._loop.call_soon(self._signal)
        return future

    def send_and_wait(
        self,
        topic: str,
        value: Any = None,
        key: Any = None,
        headers: Headers | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        timeout: float | None = None,
        expected_offset: int | None = None,
    ) -> RecordMetadata:
        """``send`` and wait for the record's metadata."""
        future = self.send(topic, value, key, headers, partition, timestamp_ms, expected_offset)
        return future.result(timeout)

    def _wait_for_room(self) -> None:
        deadline_s = self.config.max_block_ms / 1000
        while len(self._pending) >= MAX_PENDING_SENDS:
            self._room.clear()
            if len(self._pending) < MAX_PENDING_SENDS:
                break
            self._loop.call_soon(self._signal)
            if not self._room.wait(deadline_s):
                raise KafkaTimeoutError(
                    f"{MAX_PENDING_SENDS} records waited to be queued for max.block.ms "
                    f"({self.config.max_block_ms} ms)"
                )

    def _signal(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _run_pump(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._drain()

    async def _drain(self) -> None:
        """Hand every queued record to the asyncio producer (on the loop), in order."""
        assert self._drain_lock is not None
        async with self._drain_lock:
            await self._drain_locked()

    async def _drain_locked(self) -> None:
        self._signalled = False
        pending = self._pending
        producer = self._producer
        while pending:
            future, topic, value, key, headers, partition, timestamp_ms, expected = (
                pending.popleft()
            )
            try:
                future._record = await producer.send(
                    topic, value, key, headers, partition, timestamp_ms, expected_offset=expected
                )
            except Exception as exc:
                future._error = exc
            if len(pending) < MAX_PENDING_SENDS // 2:
                self._room.set()
        self._room.set()

    def _wait_record(self, future: SyncRecordFuture, timeout: float | None) -> None:
        """Wait until the record is written or failed (``KafkaTimeoutError`` after timeout)."""
        if future._error is not None or (future._record is not None and future._record.done()):
            return
        if timeout is None:
            config = self.config
            timeout = (
                config.max_block_ms + config.delivery_timeout_ms + config.request_timeout_ms
            ) / 1000
        wait(self._loop.submit(self._await(future)), timeout)

    async def _await(self, future: SyncRecordFuture) -> None:
        await self._drain()
        if future._record is not None:
            with contextlib.suppress(Exception):  # result() reports it
                await future._record

    def _add_callback(
        self, future: SyncRecordFuture, fn: Callable[[SyncRecordFuture], object]
    ) -> None:
        async def later() -> None:
            await self._await(future)
            fn(future)

        task = asyncio.ensure_future(later())
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    # -- the rest ----------------------------------------------------------------------------

    def flush(self, timeout_ms: int | None = None) -> None:
        """Send everything queued and wait until each record is written or failed."""
        config = self.config
        budget = (
            timeout_ms
            if timeout_ms is not None
            else config.max_block_ms + config.delivery_timeout_ms + config.request_timeout_ms
        )

        async def flush() -> None:
            await self._drain()
            await self._producer.flush(budget)

        self._loop.run(flush(), budget / 1000 + 1)

    # -- transactions ------------------------------------------------------------------------

    @property
    def transaction_state(self) -> TransactionState | None:
        """The transactional state (None without ``transactional.id``)."""
        return self._producer.transaction_state

    def _txn_budget_s(self) -> float:
        config = self.config
        return (config.max_block_ms + config.delivery_timeout_ms + config.request_timeout_ms) / 1000

    def begin_transaction(self) -> None:
        """Begin a transaction (see ``client.Producer.begin_transaction``)."""
        if self._closed:
            raise ClientClosedError("the producer is closed")

        async def begin() -> None:
            await self._drain()  # records queued before belong to no transaction
            self._producer.begin_transaction()

        self._loop.run(begin(), self._txn_budget_s())

    def send_offsets_to_transaction(
        self,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
        group_id: str | ConsumerGroupMetadata | Any,
    ) -> None:
        """Commit a group's offsets in the transaction (see the asyncio producer's)."""

        async def send_offsets() -> None:
            await self._drain()
            await self._producer.send_offsets_to_transaction(offsets, group_id)

        self._loop.run(send_offsets(), self._txn_budget_s())

    def commit_transaction(self) -> None:
        """Send the transaction's records and commit it (see the asyncio producer's)."""

        async def commit() -> None:
            await self._drain()
            await self._producer.commit_transaction()

        self._loop.run(commit(), self._txn_budget_s() + self.config.max_block_ms / 1000)

    def abort_transaction(self) -> None:
        """Abort the transaction (see the asyncio producer's)."""

        async def abort() -> None:
            await self._drain()
            await self._producer.abort_transaction()

        self._loop.run(abort(), self._txn_budget_s() + self.config.max_block_ms / 1000)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``with producer.transaction():`` begins, then commits, or aborts if the block
        raises (unless the producer failed fatally); the block's exception propagates. A
        commit that fails with an abortable error aborts, then raises it."""
        self.begin_transaction()
        try:
            yield
        except BaseException:
            if self.transaction_state is not TransactionState.FATAL_ERROR:
                self.abort_transaction()
            raise
        try:
            self.commit_transaction()
        except Exception:
            if self.transaction_state is TransactionState.ABORTABLE_ERROR:
                self.abort_transaction()
            raise

    def partitions_for(self, topic: str) -> list[int]:
        """The topic's partition ids."""
        return self._loop.run(
            self._producer.partitions_for(topic), self.config.max_block_ms / 1000 + 1
        )

    def close(self, timeout_ms: int | None = None) -> None:
        """Send what is queued (up to ``timeout_ms``, default ``delivery.timeout.ms``), then
        close."""
        if self._closed:
            return
        self._closed = True
        budget = self.config.delivery_timeout_ms if timeout_ms is None else timeout_ms

        async def close() -> None:
            await self._drain()
            if self._pump is not None:
                self._pump.cancel()
            await self._producer.close(budget)

        try:
            self._loop.run(close(), budget / 1000 + 10)
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
