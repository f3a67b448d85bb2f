"""``Partition``: the leader-side state of one partition replica.

It holds what replication needs: the leader epoch and partition epoch from the metadata image,
the replicas and ISR, the high watermark (stored in the log), the idempotent producers' state,
and the ``acks=all`` produces parked until the high watermark passes them.

A cluster of one: the ISR is this broker, and a record is committed once it is durable as the
flush policy promises (fsynced under ``group``; written under ``interval``/``none``); the high
watermark is then the durable log end. The cluster issue adds followers' log end offsets to
``maybe_advance_high_watermark`` (HW = min over the ISR) and nothing else has to change.

Appends validate each batch once (header and CRC-32C, never individual records), check the
producer's sequence, patch base offset and leader epoch in place and write with one call.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import crc32c

from broker.metadata.image import PartitionImage
from broker.producer_state import ProducerStateTable
from broker.storage.log import PartitionLog
from broker.storage.names import TopicPartition
from broker.storage.slice import FileSlice
from protocol.errors import (
    ConditionalAppendConflictError,
    CorruptMessageError,
    ErrorCode,
    FencedLeaderEpochError,
    InvalidRecordError,
    InvalidTxnStateError,
    KafkaError,
    KafkaStorageError,
    MessageTooLargeError,
    NotEnoughReplicasError,
    NotLeaderOrFollowerError,
    UnknownLeaderEpochError,
)
from protocol.records import (
    ATTRIBUTES_OFFSET,
    CRC_OFFSET,
    LOG_OVERHEAD,
    RecordBatch,
)

__all__ = [
    "MAX_HIGH_WATERMARK_WAITERS",
    "MAX_UNCOMMITTED_MARKS",
    "AppendResult",
    "Partition",
]

#: acks=all produces parked per partition. The server bounds in-flight requests per
#: connection; this bounds what all connections together may park on one partition.
MAX_HIGH_WATERMARK_WAITERS: Final = 10_000

#: Append boundaries remembered between the log end and the high watermark (for delayed
#: fetches' byte counts). Past it the oldest two merge: counts get coarser, never wrong.
MAX_UNCOMMITTED_MARKS: Final = 1_000

_TIMESTAMP_TYPE_FLAG: Final = 0x08
_ATTRIBUTES: Final = struct.Struct(">h")
_TIMESTAMP: Final = struct.Struct(">q")
_CRC: Final = struct.Struct(">I")
_MAX_TIMESTAMP_OFFSET: Final = 35
_NO_TIMESTAMP: Final = -1


@dataclass(slots=True)
class AppendResult:
    """What a produce to one partition did: the offsets to answer with and the offset the
    high watermark must pass before the produce is acknowledged."""

    base_offset: int
    log_append_time_ms: int
    next_offset: int
    duplicate: bool = False


class Partition:
    """One partition this broker leads (or, later, follows)."""

    def __init__(
        self,
        tp: TopicPartition,
        topic_id: uuid.UUID,
        log: PartitionLog,
        state: PartitionImage,
        *,
        node_id: int,
        producers: ProducerStateTable,
        min_insync_replicas: int = 1,
        on_high_watermark: Callable[[Partition], None] | None = None,
    ) -> None:
        self.tp = tp
        self.topic_id = topic_id
        self.log = log
        self.node_id = node_id
        self.producers = producers
        self.min_insync_replicas = min_insync_replicas
        self._on_high_watermark = on_high_watermark
        self.leader = state.leader
        self.leader_epoch = state.leader_epoch
        self.partition_epoch = state.partition_epoch
        self.replicas = state.replicas
        self.isr = state.isr
        self.deleted = False
        self._waiters: list[tuple[int, asyncio.Future[bool]]] = []
        # Bytes below the high watermark since this object exists, and the append boundaries
        # above it: (end offset, bytes appended up to it).
        self._appended_bytes = 0
        self.committed_bytes = 0
        self._marks: deque[tuple[int, int]] = deque()
        # Everything in the log at open is durable (clean shutdown, or recovery flushed it):
        # in a cluster of one it is committed.
        if log.high_watermark < log.log_end_offset:
            log.high_watermark = log.log_end_offset
        self._start_leader_epoch()

    def __repr__(self) -> str:
        return (
            f"Partition({self.tp}, leader={self.leader}, epoch={self.leader_epoch}, "
            f"hw={self.high_watermark}, leo={self.log.log_end_offset})"
        )

    # -- state -----------------------------------------------------------------------------

    @property
    def is_leader(self) -> bool:
        """Whether this broker leads the partition."""
        return self.leader == self.node_id and not self.deleted

    @property
    def high_watermark(self) -> int:
        """Offsets below this are committed and visible to consumers."""
        return self.log.high_watermark

    @property
    def last_stable_offset(self) -> int:
        """The end of what read_committed consumers see: no transactions, so the HW."""
        return self.log.high_watermark

    def update_state(self, state: PartitionImage) -> None:
        """Apply a new image of the partition (leader or ISR changed)."""
        self.leader = state.leader
        self.leader_epoch = state.leader_epoch
        self.partition_epoch = state.partition_epoch
        self.replicas = state.replicas
        self.isr = state.isr
        if not self.is_leader:
            self.fail_waiters(NotLeaderOrFollowerError(f"leadership of {self.tp} changed"))
        else:
            self._start_leader_epoch()

    def _start_leader_epoch(self) -> None:
        """As a new leader, record where this epoch starts (Kafka does it when a replica
        becomes leader), so OffsetForLeaderEpoch answers for the epoch even before its first
        append."""
        if not self.is_leader:
            return
        cache = self.log.epoch_cache
        latest = cache.latest_epoch
        if latest is None or latest < self.leader_epoch:
            cache.assign(self.leader_epoch, self.log.log_end_offset)

    def mark_deleted(self) -> None:
        """The partition's topic was deleted: fail whatever waits on it."""
        self.deleted = True
        self.fail_waiters(NotLeaderOrFollowerError(f"{self.tp} was deleted"))

    def check_leader_epoch(self, current_leader_epoch: int) -> ErrorCode:
        """Kafka's check of a request's ``current_leader_epoch`` (-1: not checked)."""
        if current_leader_epoch < 0 or current_leader_epoch == self.leader_epoch:
            return ErrorCode.NONE
        if current_leader_epoch < self.leader_epoch:
            return ErrorCode.FENCED_LEADER_EPOCH
        return ErrorCode.UNKNOWN_LEADER_EPOCH

    def raise_for_leader_epoch(self, current_leader_epoch: int) -> None:
        """``check_leader_epoch`` as an exception."""
        code = self.check_leader_epoch(current_leader_epoch)
        if code == ErrorCode.FENCED_LEADER_EPOCH:
            raise FencedLeaderEpochError(
                f"epoch {current_leader_epoch} is older than the leader's {self.leader_epoch}"
            )
        if code == ErrorCode.UNKNOWN_LEADER_EPOCH:
            raise UnknownLeaderEpochError(
                f"epoch {current_leader_epoch} is newer than the leader's {self.leader_epoch}"
            )

    # -- produce ---------------------------------------------------------------------------

    def append_records_as_leader(
        self,
        records: bytes | bytearray | memoryview | None,
        *,
        required_acks: int,
        now_ms: int,
        expected_offset: int | None = None,
    ) -> AppendResult:
        """Validate and append one produce's records (exactly one v2 batch).

        With ``expected_offset`` (a conditional append), the batch is appended only if the log
        end offset equals it; otherwise CONDITIONAL_APPEND_CONFLICT carries the log end offset.
        The check runs after the producer's sequence check — a retried batch that was written
        already is answered as the duplicate it is, not as a conflict — and the check and the
        append happen with no ``await`` between them, so no other append can come in between.

        Raises the KafkaError the partition answers with: INVALID_RECORD, CORRUPT_MESSAGE,
        MESSAGE_TOO_LARGE, NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, INVALID_TXN_STATE,
        INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, KAFKA_STORAGE_ERROR,
        CONDITIONAL_APPEND_CONFLICT.
        """
        if not self.is_leader:
            raise NotLeaderOrFollowerError(f"this broker does not lead {self.tp}")
        if required_acks == -1 and len(self.isr) < self.min_insync_replicas:
            raise NotEnoughReplicasError(
                f"the ISR of {self.tp} has {len(self.isr)} replica(s), fewer than "
                f"min.insync.replicas={self.min_insync_replicas}"
            )
        batch = _single_batch(records)
        batch.validate()
        size = batch.size_in_bytes
        log = self.log
        limit = log.config.max_message_bytes
        if size > limit:
            raise MessageTooLargeError(
                f"the batch of {size} bytes is larger than max.message.bytes={limit}"
            )
        if batch.is_control:
            raise InvalidRecordError("clients may not write control batches")
        if batch.is_transactional:
            raise InvalidTxnStateError("transactions are not supported by this broker")
        producer_id = batch.producer_id
        if producer_id >= 0:
            first_seq = batch.base_sequence
            last_seq = batch.last_sequence
            duplicate = self.producers.check(producer_id, batch.producer_epoch, first_seq, last_seq)
            if duplicate is not None:
                return AppendResult(
                    duplicate.first_offset, _NO_TIMESTAMP, duplicate.last_offset + 1, True
                )
        if expected_offset is not None and expected_offset != log.log_end_offset:
            raise ConditionalAppendConflictError(
                f"the log end offset of {self.tp} is {log.log_end_offset}, "
                f"not the expected {expected_offset}",
                log_end_offset=log.log_end_offset,
                expected_offset=expected_offset,
            )
        view = batch.buffer
        append_time = _NO_TIMESTAMP
        if log.config.message_timestamp_type == "LogAppendTime":
            if view.readonly:
                view = memoryview(bytearray(view))
            _stamp_log_append_time(view, now_ms)
            append_time = now_ms
        if log.offline is not None:
            raise KafkaStorageError(f"the log of {self.tp} is offline")
        info = log.append_as_leader(view, leader_epoch=self.leader_epoch, now_ms=now_ms)
        if producer_id >= 0:
            self.producers.record(
                producer_id,
                batch.producer_epoch,
                batch.last_sequence,
                info.first_offset,
                info.last_offset,
                now_ms,
            )
        self._appended_bytes += info.size_in_bytes
        marks = self._marks
        marks.append((info.next_offset, self._appended_bytes))
        if len(marks) > MAX_UNCOMMITTED_MARKS:
            marks.popleft()  # its bytes now count when the HW passes the next mark
        return AppendResult(info.first_offset, append_time, info.next_offset)

    # -- high watermark --------------------------------------------------------------------

    def maybe_advance_high_watermark(self, durable_end_offset: int) -> bool:
        """This replica's log is durable up to ``durable_end_offset``: move the high
        watermark (min over the ISR — here, this replica) and release what waited on it."""
        log = self.log
        new = min(durable_end_offset, log.log_end_offset)
        if new <= log.high_watermark:
            return False
        log.high_watermark = new
        marks = self._marks
        while marks and marks[0][0] <= new:
            self.committed_bytes = marks.popleft()[1]
        if self._waiters:
            self._release_waiters(new)
        if self._on_high_watermark is not None:
            self._on_high_watermark(self)
        return True

    async def wait_for_high_watermark(self, offset: int, timeout_s: float) -> bool:
        """Wait until the high watermark reaches ``offset`` (True) or ``timeout_s`` passes
        (False). Raises the KafkaError given to ``fail_waiters`` (leadership lost, partition
        deleted, log offline)."""
        if self.high_watermark >= offset:
            return True
        if len(self._waiters) >= MAX_HIGH_WATERMARK_WAITERS:
            return False
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        entry = (offset, future)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(timeout_s):
                return await future
        except TimeoutError:
            return False
        finally:
            # Completed futures were taken off the list by whoever completed them; only a
            # timed-out or cancelled wait has to remove itself.
            if future.cancelled() or not future.done():
                with contextlib.suppress(ValueError):
                    self._waiters.remove(entry)

    def _release_waiters(self, high_watermark: int) -> None:
        keep = []
        for offset, future in self._waiters:
            if future.done():
                continue
            if offset <= high_watermark:
                future.set_result(True)
            else:
                keep.append((offset, future))
        self._waiters = keep

    def fail_waiters(self, error: KafkaError) -> None:
        """Make every ``wait_for_high_watermark`` raise ``error`` (leadership lost, partition
        deleted, log offline)."""
        waiters, self._waiters = self._waiters, []
        for _, future in waiters:
            if not future.done():
                future.set_exception(error)

    # -- fetch -----------------------------------------------------------------------------

    def read(
        self, offset: int, max_bytes: int, *, min_one_batch: bool, committed_only: bool
    ) -> FileSlice:
        """Whole batches from ``offset`` (up to the high watermark for consumers)."""
        limit = self.log.high_watermark if committed_only else None
        return self.log.read(offset, max_bytes, max_offset=limit, min_one_batch=min_one_batch)


def _single_batch(records: bytes | bytearray | memoryview | None) -> RecordBatch:
    """The one batch of a v3+ produce (Kafka allows exactly one per partition)."""
    if records is not None and not isinstance(records, memoryview):
        records = memoryview(records)
    if records is None or len(records) == 0:
        raise InvalidRecordError("produce requests must carry one record batch per partition")
    if len(records) < LOG_OVERHEAD:
        raise CorruptMessageError(f"record set of {len(records)} bytes is truncated")
    (length,) = struct.unpack_from(">i", records, 8)
    size = LOG_OVERHEAD + length
    if length < 0 or size > len(records):
        raise CorruptMessageError(
            f"record batch length {length} does not match the {len(records)} bytes sent"
        )
    if size < len(records):
        raise InvalidRecordError("produce requests may carry only one record batch per partition")
    return RecordBatch(records)


def _stamp_log_append_time(view: memoryview, now_ms: int) -> None:
    """Mark a batch LogAppendTime with ``now_ms`` as its max timestamp, and re-CRC it (one
    pass over the batch; records are not touched)."""
    (attributes,) = _ATTRIBUTES.unpack_from(view, ATTRIBUTES_OFFSET)
    _ATTRIBUTES.pack_into(view, ATTRIBUTES_OFFSET, attributes | _TIMESTAMP_TYPE_FLAG)
    _TIMESTAMP.pack_into(view, _MAX_TIMESTAMP_OFFSET, now_ms)
    _CRC.pack_into(view, CRC_OFFSET, crc32c.crc32c(view[ATTRIBUTES_OFFSET:]))
