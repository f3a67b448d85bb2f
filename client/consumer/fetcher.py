"""The fetcher: Fetch requests to partition leaders, ahead of the application, decoded lazily.

One fetch at a time per broker, sent again as soon as the previous answer arrives, for every
assigned partition that is not paused, has a position and has fewer than
``PREFETCH_PER_PARTITION`` answers waiting to be consumed: while the application works on one
answer the next is on its way. An answer is kept as raw bytes with its batch headers parsed
(``CompletedFetch``); a batch's records are decoded only when ``drain`` reaches them.

Errors per partition: a leader that moved (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, …)
refreshes metadata and the fetch is retried; OFFSET_OUT_OF_RANGE applies
``auto.offset.reset``; anything else is raised from the next ``getmany``. A record that cannot
be deserialized is raised (``RecordDeserializationError``) once the records before it were
handed out, and again until the application seeks past it, as Kafka's consumer does.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final

from client.cluster import Cluster
from client.config import ConsumerConfig
from client.consumer.records import ConsumerRecord, decode_consumer_records, deserialize_records
from client.consumer.subscription import PartitionState, SubscriptionState
from client.errors import KafkaError, RecordDeserializationError, error_from_code
from client.types import TopicPartition
from protocol.errors import CorruptMessageError, ErrorCode, MessageTooLargeError
from protocol.messages import FetchRequest
from protocol.records import RecordBatch, decompress, iter_batches
from protocol.records.batch import ControlRecordType
from protocol.records.header import (
    COMPRESSION_MASK,
    CONTROL_FLAG,
    TIMESTAMP_TYPE_FLAG,
    TRANSACTIONAL_FLAG,
)

__all__ = ["CompletedFetch", "Fetcher"]

log = logging.getLogger("samsa.client.consumer")

#: Answers per partition fetched ahead of the application: one being consumed, one waiting.
PREFETCH_PER_PARTITION: Final = 2
#: How often the fetch loop looks again when nothing woke it (new assignments, seeks, resumes
#: and responses all wake it at once).
_IDLE_CHECK_S: Final = 0.1
#: Errors after which the partition's leader is looked up again.
_LEADER_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.FENCED_LEADER_EPOCH,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
        ErrorCode.KAFKA_STORAGE_ERROR,
        ErrorCode.REPLICA_NOT_AVAILABLE,
        ErrorCode.OFFSET_NOT_AVAILABLE,
    }
)

_FetchTopic = FetchRequest.FetchTopic
_FetchPartition = FetchRequest.FetchTopic.FetchPartition


class CompletedFetch:
    """One partition's records from one Fetch answer, decoded a batch at a time."""

    __slots__ = (
        "_aborted",
        "_aborted_pids",
        "_batches",
        "_consumer",
        "_failure",
        "_index",
        "_records",
        "epoch",
        "generation",
        "tp",
    )

    def __init__(
        self,
        tp: TopicPartition,
        batches: list[RecordBatch],
        epoch: int,
        generation: int,
        aborted: list[tuple[int, int]] | None,
        consumer: Fetcher,
    ) -> None:
        self.tp = tp
        self.epoch = epoch
        self.generation = generation
        self._batches: deque[RecordBatch] = deque(batches)
        self._records: list[ConsumerRecord] = []
        self._index = 0
        #: A record of the current batch that could not be deserialized: raised once every
        #: record before it was handed out (and again until a seek drops this fetch).
        self._failure: RecordDeserializationError | None = None
        self._aborted: deque[tuple[int, int]] | None = (
            deque(sorted(aborted, key=lambda a: a[1])) if aborted is not None else None
        )
        self._aborted_pids: set[int] = set()
        self._consumer = consumer

    @property
    def exhausted(self) -> bool:
        """True when every record was handed out."""
        return self._index >= len(self._records) and not self._batches and self._failure is None

    def take(self, limit: int, state: PartitionState) -> list[ConsumerRecord]:
        """Up to ``limit`` records from the position on; moves the position past them. Raises
        ``RecordDeserializationError`` at a record that cannot be deserialized (when no record
        came before it in this call), leaving the position at it."""
        out: list[ConsumerRecord] = []
        while limit > 0:
            records = self._records
            index = self._index
            if index < len(records):
                chunk = records[index : index + limit]
                self._index = index + len(chunk)
                out.extend(chunk)
                limit -= len(chunk)
                last = chunk[-1]
                state.position = last.offset + 1
                state.leader_epoch = last.leader_epoch
                continue
            if self._failure is not None:
                if out:
                    break  # the records before it first; the error on the next call
                raise self._failure
            if not self._batches:
                break
            batch = self._batches.popleft()
            self._records, self._failure = self._decode(batch, state)
            self._index = 0
            if not self._records and self._failure is None:
                # Control batches, aborted data, compacted-away records: skip past them.
                next_offset = batch.next_offset
                if state.position is None or next_offset > state.position:
                    state.position = next_offset
        return out

    def _decode(
        self, batch: RecordBatch, state: PartitionState
    ) -> tuple[list[ConsumerRecord], RecordDeserializationError | None]:
        position = state.position if state.position is not None else 0
        if batch.next_offset <= position:
            return [], None
        attributes = batch.attributes
        aborted = self._aborted
        if aborted is not None and attributes & TRANSACTIONAL_FLAG:
            while aborted and aborted[0][1] <= batch.last_offset:
                self._aborted_pids.add(aborted.popleft()[0])
            if attributes & CONTROL_FLAG:
                # Kafka's rule: only the ABORT marker ends the producer's aborted transaction
                # (a COMMIT marker belongs to a transaction that was not aborted).
                if _is_abort_marker(batch):
                    self._aborted_pids.discard(batch.producer_id)
                return [], None
            if batch.producer_id in self._aborted_pids:
                return [], None
        if attributes & CONTROL_FLAG:
            return [], None
        return self._consumer.decode_batch(batch, self.tp, position)


def _is_abort_marker(batch: RecordBatch) -> bool:
    """True when the control batch is an ABORT marker (an unreadable one counts as one, as
    it ends the transaction either way)."""
    try:
        return batch.control_record().type == ControlRecordType.ABORT
    except CorruptMessageError:
        return True


class Fetcher:
    """Fetches for a consumer's assigned partitions and hands out decoded records."""

    def __init__(
        self,
        cluster: Cluster,
        subscriptions: SubscriptionState,
        config: ConsumerConfig,
        *,
        resolve_positions: Callable[[list[TopicPartition]], Awaitable[None]],
    ) -> None:
        self._cluster = cluster
        self._subs = subscriptions
        self._config = config
        self._resolve_positions = resolve_positions
        self._read_committed = config.isolation_level == "read_committed"
        self._key_deserializer = config.key_deserializer
        self._value_deserializer = config.value_deserializer
        self._check_crcs = config.check_crcs
        self._completed: deque[CompletedFetch] = deque()
        self._buffered: dict[TopicPartition, int] = {}
        self._inflight: set[int] = set()
        self._errors: deque[BaseException] = deque()
        self._data = asyncio.Event()
        self._waiter: asyncio.Future[None] | None = None
        self._woken = False
        self._task: asyncio.Task[None] | None = None
        self._resolving: asyncio.Task[None] | None = None
        self._enabled = True

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the fetch loop."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="samsa-consumer-fetcher")

    async def close(self) -> None:
        """Stop fetching."""
        for task in (self._task, self._resolving):
            if task is not None and not task.done():
                task.cancel()
                # Both loops report their failures to poll() themselves; only a bug escapes.
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = None
        self._resolving = None

    def wakeup(self) -> None:
        """Look at the assignment again now."""
        self._woken = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def set_enabled(self, enabled: bool) -> None:
        """Stop (during a rebalance) or resume sending fetches."""
        self._enabled = enabled
        if enabled:
            self.wakeup()

    # -- fetching ----------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._woken = False
            try:
                self._maybe_resolve()
                self._send_fetches()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug: report it rather than stop fetching silently
                log.exception("the fetch loop failed")
                self._errors.append(exc)
                self._data.set()
            if self._woken:
                continue
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiter = waiter
            handle = loop.call_later(_IDLE_CHECK_S, _resolve, waiter)
            try:
                await waiter
            finally:
                handle.cancel()
                self._waiter = None

    def _maybe_resolve(self) -> None:
        if self._resolving is not None or not self._enabled:
            return
        missing = [
            tp for tp, s in self._subs.assignment.items() if s.position is None and not s.paused
        ]
        if not missing:
            return

        async def resolve() -> None:
            try:
                await self._resolve_positions(missing)
            except asyncio.CancelledError:
                raise
            except KafkaError as exc:
                if not exc.retriable:
                    self._errors.append(exc)
                    self._data.set()
                else:
                    log.debug("offset lookup failed: %s", exc)
                await asyncio.sleep(self._config.retry_backoff_s)
            except Exception as exc:
                self._errors.append(exc)
                self._data.set()
                await asyncio.sleep(self._config.retry_backoff_s)
            finally:
                self._resolving = None
                self.wakeup()

        self._resolving = asyncio.create_task(resolve(), name="samsa-consumer-positions")

    def _send_fetches(self) -> None:
        if not self._enabled:
            return
        metadata = self._cluster.metadata
        by_node: dict[int, list[tuple[TopicPartition, PartitionState, int]]] = {}
        waiting = False
        for tp, state in self._subs.assignment.items():
            if state.paused or state.fetch_offset is None:
                continue
            if self._buffered.get(tp, 0) >= PREFETCH_PER_PARTITION:
                continue
            info = metadata.partition(tp)
            if info is None or info.leader < 0:
                waiting = True
                continue
            if info.leader in self._inflight:
                continue
            by_node.setdefault(info.leader, []).append((tp, state, info.leader_epoch))
        if waiting:
            self._cluster.add_topics({tp.topic for tp in self._subs.assignment})
            self._cluster.request_update()
        config = self._config
        for node, parts in by_node.items():
            conn = self._cluster.connected(node)
            if conn is None:
                self._cluster.connect_soon(node)
                continue
            if not conn.has_capacity:
                continue
            topics: dict[str, list[Any]] = {}
            sent: dict[TopicPartition, tuple[int, int, int]] = {}
            for tp, state, leader_epoch in parts:
                assert state.fetch_offset is not None
                topics.setdefault(tp.topic, []).append(
                    _FetchPartition(
                        partition=tp.partition,
                        current_leader_epoch=leader_epoch,
                        fetch_offset=state.fetch_offset,
                        log_start_offset=-1,
                        partition_max_bytes=state.fetch_size or config.max_partition_fetch_bytes,
                    )
                )
                sent[tp] = (state.epoch, state.fetch_offset, self._subs.generation)
            request = FetchRequest(
                replica_id=-1,
                max_wait_ms=config.fetch_max_wait_ms,
                min_bytes=config.fetch_min_bytes,
                max_bytes=config.fetch_max_bytes,
                isolation_level=1 if self._read_committed else 0,
                session_id=0,
                session_epoch=-1,
                topics=[_FetchTopic(topic=t, partitions=p) for t, p in topics.items()],
                forgotten_topics_data=[],
                rack_id="",
            )
            try:
                future = conn.send(
                    request,
                    timeout_s=(config.request_timeout_ms + config.fetch_max_wait_ms) / 1000,
                )
            except KafkaError as exc:
                log.debug("fetch to node %d not sent: %s", node, exc)
                continue
            self._inflight.add(node)
            future.add_done_callback(functools.partial(self._on_response, node, sent))

    def _on_response(
        self,
        node: int,
        sent: dict[TopicPartition, tuple[int, int, int]],
        future: asyncio.Future[Any],
    ) -> None:
        self._inflight.discard(node)
        try:
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                log.debug("fetch from node %d failed: %s", node, error)
                self._cluster.request_update()
                return
            response = future.result()
            if response.error_code:
                log.debug("fetch from node %d: error %d", node, response.error_code)
                return
            self._handle(response, sent)
        finally:
            self.wakeup()

    def _handle(self, response: Any, sent: dict[TopicPartition, tuple[int, int, int]]) -> None:
        added = False
        moved: list[TopicPartition] = []
        for topic in response.responses:
            name = topic.topic
            for p in topic.partitions:
                tp = TopicPartition(name, p.partition_index)
                expected = sent.get(tp)
                state = self._subs.assignment.get(tp)
                if expected is None or state is None:
                    continue
                epoch, offset, generation = expected
                if state.epoch != epoch or state.fetch_offset != offset:
                    continue  # seeked, reset or reassigned meanwhile
                code = p.error_code
                if code:
                    self._partition_error(tp, state, code, moved)
                    continue
                state.high_watermark = p.high_watermark
                state.last_stable_offset = p.last_stable_offset
                state.log_start_offset = p.log_start_offset
                records = p.records
                if not records:
                    continue
                batches = list(iter_batches(records))
                if not batches:
                    self._grow_fetch_size(tp, state)
                    continue
                state.fetch_size = 0
                next_offset = batches[-1].next_offset
                if next_offset <= offset:
                    continue
                state.fetch_offset = next_offset
                aborted = None
                if self._read_committed:
                    aborted = [
                        (a.producer_id, a.first_offset) for a in p.aborted_transactions or ()
                    ]
                self._completed.append(
                    CompletedFetch(tp, batches, epoch, generation, aborted, self)
                )
                self._buffered[tp] = self._buffered.get(tp, 0) + 1
                added = True
        if moved:
            self._cluster.invalidate_leaders(moved)
        if added:
            self._data.set()

    def _grow_fetch_size(self, tp: TopicPartition, state: PartitionState) -> None:
        size = (state.fetch_size or self._config.max_partition_fetch_bytes) * 2
        if size > self._config.fetch_max_bytes:
            self._errors.append(
                MessageTooLargeError(
                    f"{tp}: a record batch at offset {state.fetch_offset} is larger than "
                    f"fetch.max.bytes ({self._config.fetch_max_bytes})"
                )
            )
            self._data.set()
            state.paused = True
            return
        state.fetch_size = size

    def _partition_error(
        self, tp: TopicPartition, state: PartitionState, code: int, moved: list[TopicPartition]
    ) -> None:
        if code in _LEADER_ERRORS:
            moved.append(tp)
            return
        if code == ErrorCode.OFFSET_OUT_OF_RANGE:
            strategy = self._config.auto_offset_reset
            if strategy == "none":
                self._errors.append(
                    error_from_code(code, f"{tp}: offset {state.fetch_offset} is out of range")
                )
                self._data.set()
                state.paused = True
                return
            log.info(
                "%s: offset %s out of range, resetting to %s", tp, state.fetch_offset, strategy
            )
            state.request_reset(strategy)
            self._drop(tp)
            return
        self._errors.append(error_from_code(code, f"fetching {tp}"))
        self._data.set()

    def _drop(self, tp: TopicPartition) -> None:
        if self._buffered.get(tp):
            self._completed = deque(c for c in self._completed if c.tp != tp)
            self._buffered.pop(tp, None)

    # -- handing out -------------------------------------------------------------------------

    def decode_batch(
        self, batch: RecordBatch, tp: TopicPartition, min_offset: int
    ) -> tuple[list[ConsumerRecord], RecordDeserializationError | None]:
        """Decode one batch's records from ``min_offset`` on (CRC-checked if configured) and
        deserialize them: the records up to the first that cannot be deserialized, and that
        failure (None if there is none)."""
        if self._check_crcs:
            batch.validate(check_offset_delta=False)
        codec = batch.attributes & COMPRESSION_MASK
        payload = batch.payload()
        data = bytes(payload) if codec == 0 else decompress(batch.compression, payload)
        attributes = batch.attributes
        log_append = attributes & TIMESTAMP_TYPE_FLAG
        records = decode_consumer_records(
            data,
            batch.records_count,
            topic=tp.topic,
            partition=tp.partition,
            base_offset=batch.base_offset,
            base_timestamp=batch.base_timestamp,
            timestamp_type=1 if log_append else 0,
            log_append_time=batch.max_timestamp if log_append else -1,
            leader_epoch=batch.partition_leader_epoch,
            min_offset=min_offset,
            key_deserializer=None,
            value_deserializer=None,
        )
        if self._key_deserializer is None and self._value_deserializer is None:
            return records, None
        return deserialize_records(records, self._key_deserializer, self._value_deserializer)

    def report_error(self, error: BaseException) -> None:
        """Raise ``error`` from the next ``drain`` (and wake a waiting ``getmany``)."""
        self._errors.append(error)
        self._data.set()

    def has_data(self) -> bool:
        """True when records or errors wait to be handed out."""
        return bool(self._completed) or bool(self._errors)

    def drain(
        self, max_records: int, only: Iterable[TopicPartition] | None = None
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Up to ``max_records`` fetched records, per partition; raises a pending error first."""
        if self._errors:
            raise self._errors.popleft()
        wanted = set(only) if only is not None else None
        out: dict[TopicPartition, list[ConsumerRecord]] = {}
        remaining = max_records
        assignment = self._subs.assignment
        completed = self._completed
        skipped: list[CompletedFetch] = []
        try:
            while remaining > 0 and completed:
                fetch = completed[0]
                tp = fetch.tp
                state = assignment.get(tp)
                if state is None or state.epoch != fetch.epoch:
                    completed.popleft()
                    self._release(tp)
                    continue
                if state.paused or (wanted is not None and tp not in wanted):
                    skipped.append(completed.popleft())
                    continue
                try:
                    records = fetch.take(remaining, state)
                except RecordDeserializationError:
                    if out:
                        break  # what came before first; the error on the next call
                    raise
                except CorruptMessageError as exc:
                    completed.popleft()
                    self._release(tp)
                    state.paused = True
                    raise error_from_code(
                        ErrorCode.CORRUPT_MESSAGE, f"{tp} at offset {state.position}: {exc}"
                    ) from exc
                if records:
                    got = out.get(tp)
                    if got is None:
                        out[tp] = records
                    else:
                        got.extend(records)
                    remaining -= len(records)
                if fetch.exhausted:
                    completed.popleft()
                    self._release(tp)
        finally:
            if skipped:
                completed.extendleft(reversed(skipped))
        if not out and not self._errors:
            self._data.clear()  # only paused or unwanted partitions' records are left
        return out

    def _release(self, tp: TopicPartition) -> None:
        count = self._buffered.get(tp, 0) - 1
        if count > 0:
            self._buffered[tp] = count
        else:
            self._buffered.pop(tp, None)
        self.wakeup()

    def clear(self, partitions: Iterable[TopicPartition] | None = None) -> None:
        """Drop fetched records (of these partitions, or all); partitions still assigned fetch
        again from their position, and answers to fetches in flight for them are ignored."""
        assignment = self._subs.assignment
        if partitions is None:
            self._completed.clear()
            self._buffered.clear()
            for held in assignment.values():
                held.rewind()
        else:
            drop = set(partitions)
            self._completed = deque(c for c in self._completed if c.tp not in drop)
            for tp in drop:
                self._buffered.pop(tp, None)
                state = assignment.get(tp)
                if state is not None:
                    state.rewind()
        if not self._completed:
            self._data.clear()

    async def wait_for_data(self, timeout_s: float) -> bool:
        """Wait until records or an error can be handed out; False on timeout."""
        if self._completed or self._errors:
            return True
        try:
            async with asyncio.timeout(timeout_s):
                await self._data.wait()
        except TimeoutError:
            return False
        return True


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
