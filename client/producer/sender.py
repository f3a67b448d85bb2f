"""The sender: one task that ships ready batches to partition leaders and settles them.

A batch is ready when it is full, when ``linger.ms`` passed since it opened, or when a flush or
close asks for everything. Ready batches are grouped by leader into Produce requests (one batch
per partition per request, at most ``max.request.size`` bytes) and pipelined on the leader's
connection up to ``max.in.flight.requests.per.connection``. Responses are handled in a done
callback, without a task per request.

Order per partition, even with retries and five requests in flight: batches of a partition
leave in sequence order; a batch that failed with a retriable error goes back to the head of
its partition's queue (in sequence order, after ``retry.backoff.ms``) and is sent again only
once nothing of that partition is in flight. Batches behind it fail too (the broker answers
OUT_OF_ORDER_SEQUENCE_NUMBER, retriable here because a predecessor is missing) and follow it.
Until a partition's first batch under a producer id is acknowledged, only one batch of it is
in flight: a broker accepts any sequence from a producer it does not know yet, so a later
batch must not get there before a first one that failed.
Failures that break the sequence (a sent batch failed for good or expired, the broker lost
the producer) trigger a producer-id reset: see ``idempotence``.

Conditional appends (``send(..., expected_offset=N)``) travel in ConditionalProduce requests
(Samsa's private API) and go alone: a conditional batch leaves only once nothing of its
partition is in flight, and nothing of the partition follows it until it is answered. So when
the broker refuses it (CONDITIONAL_APPEND_CONFLICT: nothing written), no later sequence was
used, and the partition's next sequence simply goes back to the refused batch's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import Any, Final

from client.cluster import Cluster
from client.config import ProducerConfig
from client.connection import Connection
from client.errors import (
    ClientClosedError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    TransactionAbortedError,
    UnsupportedFeatureError,
    error_from_code,
)
from client.producer.accumulator import SEQUENCE_MODULUS, PartitionQueue, RecordAccumulator
from client.producer.batch import ProducerBatch
from client.producer.idempotence import (
    LEADER_ERRORS,
    PRODUCER_ID_RESET_ERRORS,
    ProducerIdentity,
    init_producer_id,
)
from client.producer.transactions import FATAL_ERRORS, TransactionManager, TransactionState
from protocol.errors import ConditionalAppendConflictError, ErrorCode
from protocol.extensions import CONDITIONAL_PRODUCE_KEY
from protocol.messages import ConditionalProduceRequest, ProduceRequest

__all__ = ["Sender"]

log = logging.getLogger("samsa.client.producer")

_TopicData = ProduceRequest.TopicProduceData
_PartitionData = ProduceRequest.TopicProduceData.PartitionProduceData
_CondTopicData = ConditionalProduceRequest.TopicProduceData
_CondPartitionData = ConditionalProduceRequest.TopicProduceData.PartitionProduceData

#: When partitions wait for a leader or a connection, the sender looks again this often at the
#: latest (metadata updates and new connections also wake it).
_IDLE_CHECK_S: Final = 0.1


class Sender:
    """Drains the accumulator to the brokers; owns retries and idempotence."""

    def __init__(
        self, cluster: Cluster, accumulator: RecordAccumulator, config: ProducerConfig
    ) -> None:
        self._cluster = cluster
        self._acc = accumulator
        self._config = config
        self._acks = config.acks
        self._linger_s = config.linger_ms / 1000
        self._delivery_timeout_s = config.delivery_timeout_ms / 1000
        self._request_timeout_s = config.request_timeout_ms / 1000
        self._max_request_size = config.max_request_size
        self._max_in_flight = config.max_in_flight_requests_per_connection
        self._idempotent = config.enable_idempotence
        self._compression = config.compression_type
        self.identity = ProducerIdentity()
        self._pid_task: asyncio.Task[tuple[int, int]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._woken = False
        self._flushes = 0
        self._closing = False
        #: A fatal error: every batch fails with it and ``send`` raises it.
        self.fatal: BaseException | None = None
        #: The transaction state of a transactional producer (None otherwise): a partition's
        #: batches leave only once it was added to the transaction.
        self.txn: TransactionManager | None = None
        self._transactional_id: str | None = config.transactional_id

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the sender task."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="samsa-producer-sender")

    def wakeup(self) -> None:
        """Look at the accumulator again now (new batch, response, flush)."""
        self._woken = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def begin_flush(self) -> None:
        """Treat every batch as ready until ``end_flush``."""
        self._flushes += 1
        self.wakeup()

    def end_flush(self) -> None:
        """End a ``begin_flush``."""
        self._flushes -= 1

    async def close(self, timeout_s: float) -> None:
        """Send what is buffered (within ``timeout_s``), then stop; the rest fails."""
        self._closing = True
        self.wakeup()
        drained = await self._acc.wait_drained(timeout_s) if timeout_s > 0 else False
        task = self._task
        self._task = None
        for t in (task, self._pid_task):
            if t is not None and not t.done():
                t.cancel()
                # The loop reports its failures through the batches; only a bug escapes.
                with contextlib.suppress(asyncio.CancelledError):
                    await t
        if not drained:
            self._fail_all(ClientClosedError("the producer was closed before the record was sent"))

    # -- the loop ----------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._woken = False
                delay = self._step(loop.time())
                if self._woken:
                    continue
                await self._sleep(delay)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: fail loudly rather than hang every send
            log.exception("the producer's sender failed")
            self.fatal = exc
            self._fail_all(exc)

    async def _sleep(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiter = waiter
        handle = None
        if math.isfinite(delay):
            handle = loop.call_later(max(0.0, delay), _resolve, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if handle is not None:
                handle.cancel()

    def _step(self, now: float) -> float:
        """Send what is ready; returns seconds until something may become ready."""
        identity = self.identity
        acc = self._acc
        next_time = math.inf
        txn = self.txn
        if txn is not None and txn.blocks_sending:
            # Aborting, or the transaction failed: what was not sent never will be (Kafka's
            # abortUndrainedBatches); what is in flight is settled by its responses.
            self.abort_undrained(None if txn.state is TransactionState.ABORTING else txn.last_error)
            return math.inf
        if self._idempotent and not identity.known:
            if identity.reset_needed and any(pq.sent for pq in acc.active):
                self._expire_all(now)
                return self._idle_delay(now)
            if txn is None:  # a transactional producer gets new epochs from its coordinator
                self._ensure_producer_id()
            self._expire_all(now)
            return self._idle_delay(now)
        force = self._flushes > 0 or self._closing
        linger = self._linger_s
        metadata = self._cluster.metadata
        ready: dict[int, list[PartitionQueue]] = {}
        waiting = False
        for pq in list(acc.active):
            self._expire(pq, now)
            if pq.empty:
                acc.retire(pq)
                continue
            if txn is not None and pq.tp not in txn.partitions:
                # Add the partition to the transaction while its first batch lingers, as
                # Kafka's producer does on send.
                txn.may_send(pq.tp)
            if pq.queue:
                head = pq.queue[0]
            elif pq.open is not None:
                due = pq.open.created + linger
                if not force and due > now:
                    next_time = min(next_time, due)
                    continue
                head = pq.open
            else:
                continue
            if pq.backoff_until > now:
                next_time = min(next_time, pq.backoff_until)
                continue
            if not self._may_send(pq, head):
                continue
            if txn is not None and not txn.may_send(pq.tp):
                continue  # waits for AddPartitionsToTxn
            leader = metadata.leader_for(pq.tp)
            if leader is None:
                waiting = True
                continue
            ready.setdefault(leader, []).append(pq)
        if txn is not None:
            txn.maybe_add_partitions()
        if waiting:
            self._cluster.request_update()
            next_time = min(next_time, now + _IDLE_CHECK_S)
        for node_id, queues in ready.items():
            conn = self._cluster.connected(node_id)
            if conn is None:
                self._cluster.connect_soon(node_id)
                next_time = min(next_time, now + _IDLE_CHECK_S)
                continue
            while queues and conn.has_capacity:
                queues = self._send_request(conn, node_id, queues)
            if queues:
                # No free slot: answers wake the sender, but a connection that was
                # re-authenticating (KIP-368) reopens without one, so look again soon.
                next_time = min(next_time, now + _IDLE_CHECK_S)
        return next_time - now

    def _idle_delay(self, now: float) -> float:
        return _IDLE_CHECK_S

    def _may_send(self, pq: PartitionQueue, head: ProducerBatch) -> bool:
        if not pq.sent:
            return True
        # A conditional append goes alone, and nothing follows it until it is answered.
        if head.expected_offset is not None or pq.sent[-1].expected_offset is not None:
            return False
        if len(pq.sent) >= self._max_in_flight:
            return False
        # A retry goes alone: only once nothing of its partition is in flight.
        if head.attempts:
            return False
        # Until the broker acknowledged a first batch of this producer id, it accepts any
        # sequence (Kafka >= 2.5 treats the producer as unknown): a later batch could then
        # overtake a first one that failed. One batch at a time until then.
        return not (self._idempotent and pq.last_acked_sequence < 0)

    def _ensure_producer_id(self) -> None:
        if self._pid_task is not None or self.fatal is not None:
            return
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(
            init_producer_id(
                self._cluster,
                backoff_s=self._config.retry_backoff_ms / 1000,
                backoff_max_s=self._config.retry_backoff_max_ms / 1000,
                deadline=loop.time() + self._delivery_timeout_s,
            ),
            name="samsa-init-producer-id",
        )
        self._pid_task = task
        task.add_done_callback(self._on_producer_id)

    def _on_producer_id(self, task: asyncio.Task[tuple[int, int]]) -> None:
        self._pid_task = None
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("the producer could not get a producer id: %s", error)
            self.fatal = error
            self._fail_all(error)
            return
        producer_id, epoch = task.result()
        self.set_producer(producer_id, epoch)

    def set_producer(self, producer_id: int, epoch: int) -> None:
        """Stamp batches with this producer id and epoch from now on; after a reset, every
        partition restarts at sequence 0."""
        identity = self.identity
        if identity.producer_id >= 0 and (
            identity.producer_id != producer_id or identity.epoch != epoch
        ):
            log.info(
                "producer id reset: %d epoch %d -> %d epoch %d",
                identity.producer_id, identity.epoch, producer_id, epoch,
            )  # fmt: skip
            for pq in self._acc.all_queues():
                pq.next_sequence = 0
                pq.last_acked_sequence = -1
                for batch in pq.queue:
                    batch.unstamp()
        identity.producer_id = producer_id
        identity.epoch = epoch
        identity.reset_needed = False
        self.wakeup()

    # -- requests ----------------------------------------------------------------------------

    def _send_request(
        self, conn: Connection, node_id: int, queues: list[PartitionQueue]
    ) -> list[PartitionQueue]:
        """Send one Produce request with the next batch of each queue; the queues left over."""
        identity = self.identity
        idempotent = self._idempotent
        compression = self._compression
        batches: list[ProducerBatch] = []
        by_topic: dict[str, list[Any]] = {}
        size = 0
        again: list[PartitionQueue] = []
        force = self._flushes > 0 or self._closing
        now = asyncio.get_running_loop().time()
        #: Whether this request is a ConditionalProduce (decided by its first batch; a request
        #: carries batches of one kind only).
        conditional: bool | None = None
        for pq in queues:
            if not pq.queue:
                if pq.open is None:
                    continue
                # Close the open batch: once stamped, no record may join it.
                pq.queue.append(pq.open)
                pq.open = None
            batch = pq.queue[0]
            is_conditional = batch.expected_offset is not None
            if conditional is not None and is_conditional != conditional:
                again.append(pq)
                continue
            if is_conditional and not conn.versions.supports(CONDITIONAL_PRODUCE_KEY):
                pq.queue.popleft()
                self._fail(pq, batch, self._unsupported(conn))
                continue
            wire = batch.wire
            if wire is None:
                if idempotent:
                    sequence = pq.next_sequence
                    wire = batch.stamp(
                        identity.producer_id,
                        identity.epoch,
                        sequence,
                        compression,
                        transactional=self.txn is not None,
                    )
                    pq.next_sequence = (sequence + batch.count) % SEQUENCE_MODULUS
                else:
                    wire = batch.stamp(-1, -1, -1, compression)
            if batches and size + len(wire) > self._max_request_size:
                again.append(pq)
                continue
            pq.queue.popleft()
            size += len(wire)
            batch.attempts += 1
            pq.sent.append(batch)
            batches.append(batch)
            conditional = is_conditional
            data: Any
            if batch.expected_offset is not None:
                data = _CondPartitionData(
                    index=batch.partition, expected_offset=batch.expected_offset, records=wire
                )
            else:
                data = _PartitionData(index=batch.partition, records=wire)
            by_topic.setdefault(batch.topic, []).append(data)
            # Another batch of the partition may follow in the next request.
            if pq.queue or (
                pq.open is not None and (force or pq.open.created + self._linger_s <= now)
            ):
                head = pq.queue[0] if pq.queue else pq.open
                assert head is not None
                if self._may_send(pq, head):
                    again.append(pq)
        if not batches:
            return []
        request: ProduceRequest | ConditionalProduceRequest
        if conditional:
            request = ConditionalProduceRequest(
                acks=self._acks,
                timeout_ms=self._config.request_timeout_ms,
                topic_data=[_CondTopicData(name=t, partition_data=p) for t, p in by_topic.items()],
            )
        else:
            request = ProduceRequest(
                transactional_id=self._transactional_id,
                acks=self._acks,
                timeout_ms=self._config.request_timeout_ms,
                topic_data=[_TopicData(name=t, partition_data=p) for t, p in by_topic.items()],
            )
        try:
            future = conn.send(
                request, expect_response=self._acks != 0, timeout_s=self._request_timeout_s
            )
        except KafkaError as exc:
            self._on_failure(batches, exc)
            return []
        future.add_done_callback(lambda f: self._on_response(node_id, batches, f))
        return again

    def _on_response(
        self, node_id: int, batches: list[ProducerBatch], future: asyncio.Future[Any]
    ) -> None:
        try:
            if future.cancelled():
                self._on_failure(batches, KafkaConnectionError("?", 0, "request cancelled"))
                return
            error = future.exception()
            if error is not None:
                self._on_failure(batches, error)
                return
            response = future.result()
            if response is None:  # acks=0
                for batch in batches:
                    self._complete(batch, -1, -1)
                return
            results: dict[tuple[str, int], Any] = {}
            for topic in response.responses:
                for p in topic.partition_responses:
                    results[(topic.name, p.index)] = p
            loop_now = asyncio.get_running_loop().time()
            for batch in batches:
                result = results.get((batch.topic, batch.partition))
                if result is None:
                    self._retry_or_fail(
                        batch,
                        KafkaConnectionError("?", 0, f"no answer for {batch.topic}"),
                        loop_now,
                    )
                    continue
                code = result.error_code
                if code == 0:
                    self._complete(batch, result.base_offset, result.log_append_time_ms)
                elif code == ErrorCode.DUPLICATE_SEQUENCE_NUMBER:
                    self._complete(batch, -1, -1)  # written before; offset unknown
                elif code == ErrorCode.CONDITIONAL_APPEND_CONFLICT:
                    self._conflict(batch, result)
                else:
                    self._retry_or_fail(
                        batch, error_from_code(code, result.error_message), loop_now
                    )
        finally:
            self.wakeup()

    def _on_failure(self, batches: list[ProducerBatch], error: BaseException) -> None:
        now = asyncio.get_running_loop().time()
        self._cluster.request_update()
        for batch in batches:
            self._retry_or_fail(batch, error, now)

    # -- outcomes ----------------------------------------------------------------------------

    def _complete(self, batch: ProducerBatch, base_offset: int, log_append_time: int) -> None:
        pq = self._acc.queue_for(batch.topic, batch.partition)
        _discard(pq, batch)
        if self._idempotent and batch.base_sequence >= 0:
            pq.last_acked_sequence = batch.last_sequence
        batch.complete(base_offset, log_append_time)
        self._acc.release(batch)
        self._acc.retire(pq)

    def _conflict(self, batch: ProducerBatch, result: Any) -> None:
        """A conditional append was refused: nothing was written. Its sequence numbers are
        free again (nothing of the partition was sent after it), so no producer-id reset."""
        pq = self._acc.queue_for(batch.topic, batch.partition)
        _discard(pq, batch)
        error = ConditionalAppendConflictError(
            result.error_message
            or f"the log end offset of {batch.topic}-{batch.partition} is not "
            f"{batch.expected_offset}",
            remote=True,
            log_end_offset=getattr(result, "log_end_offset", -1),
            expected_offset=-1 if batch.expected_offset is None else batch.expected_offset,
        )
        if (
            self._idempotent
            and batch.base_sequence >= 0
            and not pq.sent
            and all(queued.wire is None for queued in pq.queue)
        ):
            pq.next_sequence = batch.base_sequence
            batch.base_sequence = -1
        log.debug("conditional append refused: %r: %s", batch, error)
        self._fail(pq, batch, error)

    def _unsupported(self, conn: Connection) -> UnsupportedFeatureError:
        return UnsupportedFeatureError(
            f"the broker at {conn.address_text} does not offer conditional appends "
            "(ConditionalProduce, a Samsa extension that Kafka brokers lack)"
        )

    def _retry_or_fail(self, batch: ProducerBatch, error: BaseException, now: float) -> None:
        pq = self._acc.queue_for(batch.topic, batch.partition)
        _discard(pq, batch)
        batch.last_error = error
        code = error.code if isinstance(error, KafkaError) else None
        retriable = bool(getattr(error, "retriable", False))
        if code in LEADER_ERRORS or isinstance(error, KafkaConnectionError):
            self._cluster.invalidate_leaders([pq.tp])
        txn = self.txn
        if (
            txn is not None
            and code is not None
            and (code in FATAL_ERRORS or code in PRODUCER_ID_RESET_ERRORS)
        ):
            # Fenced (fatal), or the broker lost the producer: the transaction must abort
            # (its abort then bumps the epoch, KIP-360).
            retriable = False
        elif txn is not None and txn.blocks_sending:
            retriable = False  # aborting: not sent again
        elif self._idempotent and batch.base_sequence >= 0:
            if code == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER:
                if batch.base_sequence == pq.expected_sequence():
                    # Nothing before it is missing: the broker lost this producer's state.
                    self.identity.reset_needed = True
                    # In a transaction, the lost records cannot be written again.
                    retriable = txn is None
                else:
                    batch.attempts -= 1  # a predecessor failed; not this batch's own attempt
                    retriable = True
            elif code in PRODUCER_ID_RESET_ERRORS:
                self.identity.reset_needed = True
                retriable = True
        expired = now - batch.created >= self._delivery_timeout_s
        if retriable and batch.attempts <= self._config.retries and not expired:
            pq.requeue(batch)
            pq.backoff_until = now + self._backoff(batch.attempts)
            log.debug("retrying %r after %s", batch, error)
            return
        if expired and retriable:
            error = self._expired_error(batch)
        self._fail(pq, batch, error)

    def _backoff(self, attempts: int) -> float:
        base: int = self._config.retry_backoff_ms
        cap: int = self._config.retry_backoff_max_ms
        return min(cap, base << min(max(attempts - 1, 0), 16)) / 1000

    def _fail(self, pq: PartitionQueue, batch: ProducerBatch, error: BaseException) -> None:
        if self._idempotent and batch.base_sequence >= 0:
            # Its sequence numbers are lost: the partition cannot continue without a new id.
            self.identity.reset_needed = True
        if self.txn is not None and not isinstance(error, TransactionAbortedError):
            self.txn.on_batch_error(error)
        if isinstance(
            error,
            ConditionalAppendConflictError | UnsupportedFeatureError | TransactionAbortedError,
        ):
            # An answer the application expects (and handles), not a delivery failure; or
            # the application aborted the transaction itself.
            batch.fail(error)
            self._acc.release(batch)
            self._acc.retire(pq)
            return
        log.warning(
            "%d record(s) for %s-%d failed: %s", batch.count, batch.topic, batch.partition, error
        )
        batch.fail(error)
        self._acc.release(batch)
        self._acc.retire(pq)

    def _expired_error(self, batch: ProducerBatch) -> KafkaTimeoutError:
        cause = f" (last error: {batch.last_error})" if batch.last_error is not None else ""
        return KafkaTimeoutError(
            f"{batch.count} record(s) for {batch.topic}-{batch.partition} expired: not "
            f"delivered within delivery.timeout.ms ({self._config.delivery_timeout_ms} ms)"
            f"{cause}"
        )

    def _expire(self, pq: PartitionQueue, now: float) -> None:
        """Fail batches (not in flight) older than ``delivery.timeout.ms``."""
        limit = now - self._delivery_timeout_s
        while pq.queue and pq.queue[0].created <= limit:
            batch = pq.queue.popleft()
            self._fail(pq, batch, self._expired_error(batch))
        if pq.open is not None and pq.open.created <= limit:
            batch = pq.open
            pq.open = None
            self._fail(pq, batch, self._expired_error(batch))

    def _expire_all(self, now: float) -> None:
        for pq in list(self._acc.active):
            self._expire(pq, now)
            self._acc.retire(pq)

    def abort_undrained(self, error: BaseException | None) -> None:
        """Fail every batch not sent yet (in flight ones stay): with ``error``, or
        ``TransactionAbortedError`` when None."""
        for pq in list(self._acc.active):
            batches = list(pq.queue)
            if pq.open is not None:
                batches.append(pq.open)
            pq.queue.clear()
            pq.open = None
            for batch in batches:
                self._fail(
                    pq,
                    batch,
                    error
                    if error is not None
                    else TransactionAbortedError(
                        f"{batch.count} record(s) for {batch.topic}-{batch.partition} were not "
                        "sent: the transaction was aborted"
                    ),
                )
            self._acc.retire(pq)

    def sent_futures(self) -> list[asyncio.Future[None]]:
        """The futures of the batches in flight."""
        return [batch.future for pq in self._acc.active for batch in pq.sent]

    def _fail_all(self, error: BaseException) -> None:
        for pq in list(self._acc.active):
            batches = list(pq.sent) + list(pq.queue)
            if pq.open is not None:
                batches.append(pq.open)
            pq.sent.clear()
            pq.queue.clear()
            pq.open = None
            for batch in batches:
                batch.fail(error)
                self._acc.release(batch)
            self._acc.retire(pq)
        self._acc.fail_memory_waiters(error)


def _discard(pq: PartitionQueue, batch: ProducerBatch) -> None:
    with contextlib.suppress(ValueError):
        pq.sent.remove(batch)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
