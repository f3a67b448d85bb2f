"""``Producer``: the asyncio Kafka producer.

::

    async with Producer(bootstrap_servers="localhost:9092", linger_ms=10) as producer:
        future = await producer.send("events", b"payload", key=b"user-1")
        metadata = await future            # RecordMetadata(topic, partition, offset, ...)
        await producer.send_and_wait("events", b"another")

``send`` appends the record to its partition's batch and returns at once with a future (it
waits only for a topic's first metadata, or when ``buffer.memory`` is full); a sender task
ships batches when full or after ``linger.ms``.

Conditional append, a Samsa extension (KIP-27's conditional publish, which Kafka never
shipped): ``send(..., expected_offset=N)`` writes the record only if its partition's log end
offset is N when it arrives, otherwise its future fails with
``ConditionalAppendConflictError``, whose ``log_end_offset`` says where the log is now::

    try:
        metadata = await (await producer.send("ledger", event, key=b"acct-1", expected_offset=n))
    except ConditionalAppendConflictError as conflict:
        ...  # read from n up to conflict.log_end_offset, revalidate, try again

Only brokers that offer Samsa's ConditionalProduce API take it (the future fails with
``UnsupportedFeatureError`` elsewhere). With idempotence (the default) a retried conditional
record that was written already is answered as written, never as a conflict.

Transactions (``transactional_id=...``; see ``client.producer.transactions``)::

    async with Producer(bootstrap_servers=..., transactional_id="payments-1") as producer:
        async with producer.transaction():      # commits, or aborts if the block raises
            await producer.send("debits", b"...")
            await producer.send("credits", b"...")
            await producer.send_offsets_to_transaction({tp: next_offset}, "payments")
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Final, Self

from client.cluster import Cluster
from client.config import ProducerConfig
from client.errors import (
    ClientClosedError,
    IllegalStateError,
    KafkaTimeoutError,
    SerializationError,
)
from client.metadata import ClusterMetadata
from client.producer.accumulator import RecordAccumulator
from client.producer.batch import RECORD_OVERHEAD_MAX, Headers, encode_headers
from client.producer.future import RecordFuture
from client.producer.partitioner import Partitioner
from client.producer.sender import Sender
from client.producer.transactions import (
    ConsumerGroupMetadata,
    TransactionManager,
    TransactionState,
    group_metadata_of,
    offsets_of,
)
from client.types import OffsetAndMetadata, RecordMetadata, TopicPartition
from protocol.errors import ConditionalAppendConflictError, MessageTooLargeError

__all__ = [
    "ConditionalAppendConflictError",
    "ConsumerGroupMetadata",
    "Producer",
    "TransactionState",
]

#: Bytes of a Produce request around one batch (request header, topic name, partition fields),
#: at most; a record whose batch would exceed ``max.request.size`` with them is refused.
_REQUEST_OVERHEAD: Final = 61 + 512


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Producer:
    """An asyncio Kafka producer. See the module docstring for an example.

    Options are Kafka's producer configs, dotted or snake_case, as a mapping and/or keyword
    arguments (``ProducerConfig`` lists them with their defaults).
    """

    def __init__(self, options: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        self.config = ProducerConfig.build(options, **kwargs)
        config = self.config
        self._cluster = Cluster(config, allow_auto_topic_creation=True)
        self._accumulator = RecordAccumulator(
            batch_size=config.batch_size, buffer_memory=config.buffer_memory
        )
        self._sender = Sender(self._cluster, self._accumulator, config)
        self._txn: TransactionManager | None = None
        if config.transactional_id is not None:
            self._txn = TransactionManager(self._cluster, config, self._sender.wakeup)
            self._sender.txn = self._txn
        self._partitioner = Partitioner(ignore_keys=config.partitioner_ignore_keys)
        self._key_serializer = config.key_serializer
        self._value_serializer = config.value_serializer
        self._max_block_s = config.max_block_ms / 1000
        self._max_record_bytes = config.max_request_size - _REQUEST_OVERHEAD
        self._metadata: ClusterMetadata | None = None
        self._partition_counts: dict[str, int] = {}
        self._started = False
        self._closed = False
        self._start_lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the cluster (bootstrap) and start the sender. Idempotent.

        A transactional producer also initializes its transactions here (Kafka's
        ``initTransactions``): it gets its producer id and epoch from the transaction
        coordinator, which fences older producers with the same ``transactional.id`` and
        aborts (or completes) their open transaction first. Raises ``KafkaTimeoutError`` when
        that does not finish within ``max.block.ms``, ``ProducerFencedError`` and other fatal
        errors as they come.
        """
        async with self._start_lock:
            if self._closed:
                raise ClientClosedError("the producer is closed")
            if self._started:
                return
            await self._cluster.start()
            self._sender.start()
            txn = self._txn
            if txn is not None:
                try:
                    await txn.initialize()
                except BaseException:
                    await self._sender.close(0)
                    await self._cluster.close()
                    raise
                self._sender.set_producer(txn.producer_id, txn.producer_epoch)
            self._started = True

    init_transactions = start

    async def close(self, timeout_ms: int | None = None) -> None:
        """Send everything buffered (waiting up to ``timeout_ms``, default
        ``delivery.timeout.ms``), then close connections. Records not sent by then fail."""
        if self._closed:
            return
        timeout_s = (
            self.config.delivery_timeout_ms / 1000 if timeout_ms is None else timeout_ms / 1000
        )
        txn = self._txn
        if (
            self._started
            and txn is not None
            and txn.state
            in (
                TransactionState.IN_TRANSACTION,
                TransactionState.ABORTABLE_ERROR,
                TransactionState.ABORTING,
            )
        ):
            # As Kafka's producer: an open transaction is aborted on close, not left to time
            # out at the coordinator (which would hold back read_committed consumers).
            with contextlib.suppress(Exception, TimeoutError):
                async with asyncio.timeout(timeout_s):
                    await self.abort_transaction()
        self._closed = True
        if self._started:
            await self._sender.close(timeout_s)
        await self._cluster.close()

    stop = close

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    # -- sending -----------------------------------------------------------------------------

    async def send(
        self,
        topic: str,
        value: Any = None,
        key: Any = None,
        headers: Headers | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        *,
        expected_offset: int | None = None,
    ) -> RecordFuture:
        """Queue a record; returns the future of its ``RecordMetadata``.

        ``key`` and ``value`` go through the configured serializers (bytes by default; None is
        a null key or value). Keyed records go to murmur2(key) % partitions, keyless ones to a
        sticky partition, unless ``partition`` is given. ``timestamp_ms`` defaults to now.

        With ``expected_offset`` the record is a conditional append (see the module
        docstring): written, alone, only if the partition's log end offset equals it; else the
        future fails with ``ConditionalAppendConflictError`` carrying ``log_end_offset``. It
        needs a key or a ``partition`` and acks 1 or all (``ValueError`` otherwise).

        Raises ``ClientClosedError`` after ``close()``, ``KafkaTimeoutError`` when the topic's
        metadata or free ``buffer.memory`` did not come within ``max.block.ms``,
        ``MessageTooLargeError`` for a record larger than ``max.request.size`` and
        ``SerializationError`` for keys or values the serializers reject. Delivery errors are
        the future's.
        """
        if type(topic) is not str or (partition is not None and type(partition) is not int):
            _wrong_send_argument(topic, partition)
        if expected_offset is not None:
            self._check_conditional(key, partition, expected_offset)
        if not self._started or self._closed:
            await self._not_running()
        if self._txn is not None:
            self._txn.check_send()
        serializer = self._key_serializer
        if serializer is not None:
            key = serializer(key)
        elif key is not None and type(key) is not bytes:
            key = _to_bytes(key, "key")
        serializer = self._value_serializer
        if serializer is not None:
            value = serializer(value)
        elif value is not None and type(value) is not bytes:
            value = _to_bytes(value, "value")
        raw_headers = encode_headers(headers) if headers else None
        if self._cluster.metadata is not self._metadata:
            self._refresh_partition_counts()
        num_partitions = self._partition_counts.get(topic)
        if num_partitions is None:
            num_partitions = await self._wait_for_topic(topic)
        if timestamp_ms is None:
            timestamp_ms = time.time_ns() // 1_000_000
        size = (0 if key is None else len(key)) + (0 if value is None else len(value))
        if size > self._max_record_bytes:
            self._too_large(size, raw_headers)
        acc = self._accumulator
        if acc.used >= acc.buffer_memory:
            await acc.wait_for_memory(self._max_block_s)
            if self._closed:
                raise ClientClosedError("the producer was closed while send waited for memory")
        if self._sender.fatal is not None:
            # It failed while this send waited (for metadata or memory): the sender would
            # never ship the record, and close() would wait for its delivery timeout.
            raise self._sender.fatal
        now = asyncio.get_running_loop().time()
        if expected_offset is not None:
            return self._send_conditional(
                topic, key, value, raw_headers, partition, num_partitions, timestamp_ms,
                expected_offset, now,
            )  # fmt: skip
        if partition is None:
            if key is not None and not self._partitioner.ignore_keys:
                partition = self._partitioner.for_key(key, num_partitions)
            else:
                # Sticky: stay on the partition while its open batch has room (KIP-480).
                partition = self._partitioner.sticky(topic, num_partitions)
                pq = acc.queue_for(topic, partition)
                future = acc.append(
                    pq, timestamp_ms, key, value, raw_headers, allow_new=False, now=now
                )
                if future is not None:
                    return future
                partition = self._partitioner.next_sticky(
                    topic,
                    partition,
                    self._cluster.metadata.available_partitions(topic),
                    num_partitions,
                )
        elif not 0 <= partition < num_partitions:
            raise ValueError(
                f"topic {topic!r} has partitions 0-{num_partitions - 1}, not {partition}"
            )
        pq = acc.queue_for(topic, partition)
        had_full = bool(pq.queue)
        future = acc.append(pq, timestamp_ms, key, value, raw_headers, allow_new=True, now=now)
        assert future is not None
        if future._index == 0:
            # A new batch: the sender must time its linger; if the previous batch is full,
            # let the sender ship it now rather than when this task next waits.
            self._sender.wakeup()
            if had_full or pq.queue:
                await asyncio.sleep(0)
        return future

    async def send_and_wait(
        self,
        topic: str,
        value: Any = None,
        key: Any = None,
        headers: Headers | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        *,
        expected_offset: int | None = None,
    ) -> RecordMetadata:
        """``send`` and wait for the record's ``RecordMetadata`` (linger.ms still applies)."""
        future = await self.send(
            topic, value, key, headers, partition, timestamp_ms, expected_offset=expected_offset
        )
        return await future

    def _check_conditional(self, key: Any, partition: int | None, expected_offset: int) -> None:
        if self._txn is not None:
            # ConditionalProduce carries no transactional id: the broker could not tie the
            # record to the transaction.
            raise ValueError("a conditional append cannot be part of a transaction")
        if self.config.acks == 0:
            raise ValueError("a conditional append needs acks 1 or all: acks=0 gets no answer")
        if key is None and partition is None:
            raise ValueError(
                "a conditional append needs a key or a partition: the expected offset is "
                "that of one partition"
            )
        if expected_offset < 0:
            raise ValueError(f"expected_offset must be >= 0, not {expected_offset}")

    def _send_conditional(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: bytes | None,
        partition: int | None,
        num_partitions: int,
        timestamp_ms: int,
        expected_offset: int,
        now: float,
    ) -> RecordFuture:
        if partition is None:
            if key is None:
                raise ValueError("a conditional append's key serialized to None: give a partition")
            partition = self._partitioner.for_key(key, num_partitions)
        elif not 0 <= partition < num_partitions:
            raise ValueError(
                f"topic {topic!r} has partitions 0-{num_partitions - 1}, not {partition}"
            )
        acc = self._accumulator
        pq = acc.queue_for(topic, partition)
        future = acc.append_conditional(
            pq, timestamp_ms, key, value, headers, expected_offset=expected_offset, now=now
        )
        self._sender.wakeup()
        return future

    async def flush(self, timeout_ms: int | None = None) -> None:
        """Send every buffered record now and wait until each is written or failed.

        Waits at most ``timeout_ms`` (default ``delivery.timeout.ms`` + ``request.timeout.ms``,
        by when every batch is settled anyway); ``KafkaTimeoutError`` after. Delivery errors
        are reported by the records' futures, not raised here.
        """
        if not self._started:
            return
        if timeout_ms is None:
            timeout_ms = self.config.delivery_timeout_ms + self.config.request_timeout_ms
        futures = self._accumulator.pending_futures()
        if not futures:
            return
        self._sender.begin_flush()
        try:
            async with asyncio.timeout(timeout_ms / 1000):
                await asyncio.wait(futures)
        except TimeoutError:
            raise KafkaTimeoutError(f"flush did not finish within {timeout_ms} ms") from None
        finally:
            self._sender.end_flush()

    # -- transactions ------------------------------------------------------------------------

    @property
    def transaction_state(self) -> TransactionState | None:
        """The transactional state (None without ``transactional.id``)."""
        return self._txn.state if self._txn is not None else None

    def _transactional(self, what: str) -> TransactionManager:
        if self._closed:
            raise ClientClosedError("the producer is closed")
        if self._txn is None:
            raise IllegalStateError(f"{what}() needs a transactional_id in the producer's config")
        if not self._started:
            raise IllegalStateError(f"{what}(): start the producer first (init_transactions)")
        return self._txn

    def begin_transaction(self) -> None:
        """Begin a transaction: the records sent from now on (and the offsets given to
        ``send_offsets_to_transaction``) are committed or aborted together.

        ``IllegalStateError`` when one is already open; the error of a failed producer (fatal:
        ``ProducerFencedError`` and friends; abortable: abort first) is raised again.
        """
        self._transactional("begin_transaction").begin()

    async def send_offsets_to_transaction(
        self,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
        group_id: str | ConsumerGroupMetadata | Any,
    ) -> None:
        """Commit a consumer group's offsets as part of the transaction (consume-transform-
        produce): they become the group's committed offsets only if the transaction commits.

        ``offsets`` map partitions to the next offset to read (an int, as aiokafka takes, or an
        ``OffsetAndMetadata``). ``group_id`` is the group's id, or its ``ConsumerGroupMetadata``
        or the consuming ``Consumer`` itself: then the coordinator also checks the member and
        generation (KIP-447), and a consumer that lost its partitions in a rebalance cannot
        commit (``CommitFailedError``; the transaction must abort).
        """
        txn = self._transactional("send_offsets_to_transaction")
        committed = offsets_of(offsets)
        group = group_metadata_of(group_id)
        txn.check_send()
        if not committed:
            return
        await txn.send_offsets(committed, group)

    async def commit_transaction(self) -> None:
        """Send every record of the transaction, then commit it (EndTxn): its records and
        offsets become visible to read_committed consumers.

        When a record of the transaction failed, this raises that error and the transaction
        must be aborted (``abort_transaction()``); fatal errors are raised as they are. A
        ``KafkaTimeoutError`` leaves the commit pending: call ``commit_transaction`` again.
        """
        txn = self._transactional("commit_transaction")
        if txn.state is not TransactionState.COMMITTING:
            txn.raise_if_failed()
            if txn.state is not TransactionState.IN_TRANSACTION:
                raise IllegalStateError(
                    f"commit_transaction() in state {txn.state.value}: no transaction is open"
                )
            txn.transition(TransactionState.COMMITTING)
        await self.flush()
        await txn.wait_for_partitions()
        txn.raise_if_failed()
        await txn.end(commit=True)
        txn.reset()
        txn.transition(TransactionState.READY)

    async def abort_transaction(self) -> None:
        """Abort the transaction: records not sent yet fail with ``TransactionAbortedError``,
        those in flight are waited for, and the coordinator writes abort markers, so that
        read_committed consumers never see any of it. Works after an abortable error.

        After a failure that lost sequence numbers the producer gets a new epoch (KIP-360).
        A ``KafkaTimeoutError`` leaves the abort pending: call ``abort_transaction`` again.
        """
        txn = self._transactional("abort_transaction")
        if txn.state is TransactionState.FATAL_ERROR:
            txn.raise_if_failed()
        if txn.state is not TransactionState.ABORTING:
            if txn.state not in (
                TransactionState.IN_TRANSACTION,
                TransactionState.ABORTABLE_ERROR,
            ):
                raise IllegalStateError(
                    f"abort_transaction() in state {txn.state.value}: no transaction is open"
                )
            txn.transition(TransactionState.ABORTING)
        sender = self._sender
        sender.wakeup()
        sender.abort_undrained(None)
        await txn.wait_for_partitions()
        in_flight = sender.sent_futures()
        if in_flight:
            timeout_ms = self.config.delivery_timeout_ms + self.config.request_timeout_ms
            _, pending = await asyncio.wait(in_flight, timeout=timeout_ms / 1000)
            if pending:
                raise KafkaTimeoutError(
                    f"records of the transaction were still in flight after {timeout_ms} ms"
                )
        txn.raise_if_failed()  # fenced meanwhile: only close() is left
        await txn.end(commit=False)
        if sender.identity.reset_needed:
            producer_id, epoch = await txn.bump_epoch()
            sender.set_producer(producer_id, epoch)
        txn.reset()
        txn.transition(TransactionState.READY)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """``async with producer.transaction():`` begins a transaction, commits it when the
        block ends, and aborts it when the block raises (unless the producer failed fatally,
        then only ``close`` is left); the block's exception propagates. When the commit fails
        with an abortable error, the transaction is aborted and that error raised."""
        self.begin_transaction()
        try:
            yield
        except BaseException:
            if self.transaction_state is not TransactionState.FATAL_ERROR:
                await self.abort_transaction()
            raise
        try:
            await self.commit_transaction()
        except Exception:
            if self.transaction_state is TransactionState.ABORTABLE_ERROR:
                await self.abort_transaction()
            raise

    async def partitions_for(self, topic: str) -> list[int]:
        """The topic's partition ids (waiting up to ``max.block.ms`` for its metadata)."""
        await self._ensure_started()
        info = await self._cluster.wait_for_topic(topic, self._max_block_s)
        return list(range(info.num_partitions))

    # -- helpers -----------------------------------------------------------------------------

    async def _ensure_started(self) -> None:
        if self._closed:
            raise ClientClosedError("the producer is closed")
        if not self._started:
            await self.start()

    async def _not_running(self) -> None:
        if self._sender.fatal is not None:
            raise self._sender.fatal
        await self._ensure_started()

    def _refresh_partition_counts(self) -> None:
        metadata = self._cluster.metadata
        self._metadata = metadata
        self._partition_counts = {
            name: info.num_partitions for name, info in metadata.topics.items() if info.partitions
        }

    async def _wait_for_topic(self, topic: str) -> int:
        if self._sender.fatal is not None:
            raise self._sender.fatal
        info = await self._cluster.wait_for_topic(topic, self._max_block_s)
        self._refresh_partition_counts()
        if not info.num_partitions:
            raise KafkaTimeoutError(f"topic {topic!r} has no partitions in the metadata")
        return info.num_partitions

    def _too_large(self, size: int, headers: bytes | None) -> None:
        total = size + RECORD_OVERHEAD_MAX + (len(headers) if headers else 0)
        raise MessageTooLargeError(
            f"the record is {total} bytes when serialized, more than max.request.size "
            f"({self.config.max_request_size}) allows"
        )


def _wrong_send_argument(topic: object, partition: object) -> None:
    """A ``TypeError`` naming the argument of ``send`` that has the wrong type."""
    if not isinstance(topic, str):
        raise TypeError(f"send(): topic is a str, not {type(topic).__name__} {topic!r:.60}")
    if not isinstance(partition, int) or isinstance(partition, bool):
        raise TypeError(
            f"send(): partition is an int or None, not {type(partition).__name__} {partition!r:.60}"
        )


def _to_bytes(value: object, what: str) -> bytes:
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise SerializationError(
        f"the {what} must be bytes or None (or configure {what}_serializer), "
        f"got {type(value).__name__}"
    )
