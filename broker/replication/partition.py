"""``Partition``: the state of one partition replica, as leader or as follower.

It holds what replication needs: the leader epoch and partition epoch from the metadata image,
the replicas and ISR, the high watermark (stored in the log), the idempotent producers' state,
and the produces parked until the high watermark (acks=all) or the local durable end (acks=1)
passes them.

As leader it tracks each follower (``isr.FollowerState``: log end offset, caught-up time) from
their fetches; the high watermark is the smallest log end offset over the (maximal) ISR, the
leader counting with its *durable* end (fsynced under ``log.flush.policy=group``; written under
``interval``/``none``). A cluster of one is the special case where the ISR is the leader.
As follower it appends the leader's batches as they are (offsets and leader epochs kept),
truncates when its log diverged, and takes the leader's high watermark.

Leader appends validate each batch once: its header and CRC-32C, then every record
(``protocol.records.validate``, as Kafka's log validator); follower appends and recovery check
header and CRC-32C only. Then appends check the producer's sequence, patch base offset and
leader epoch in place and write with one call.

Transactions (KIP-98): transactional batches open a transaction of their producer here (the
producer state); a COMMIT/ABORT marker (``write_txn_marker`` as leader, or copied as
follower) closes it, and an aborted one goes to the log's transaction index. The last stable
offset (what read_committed consumers may read up to) is the high watermark held back by the
first offset of every open transaction and of every finished one whose marker the high
watermark has not passed yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from broker.metadata.image import PartitionImage
from broker.replication.isr import (
    AlterPartitionResult,
    FollowerState,
    can_join_isr,
    high_watermark,
    maximal_isr,
    out_of_sync_replicas,
    record_fetch,
)
from broker.replication.producer_state import CompletedTxn, ProducerEntry, ProducerStateTable
from broker.storage.config import CleanupPolicy
from broker.storage.log import PartitionLog
from broker.storage.slice import FileSlice
from broker.storage.txn_index import AbortedTxn
from protocol.errors import (
    ConditionalAppendConflictError,
    CorruptMessageError,
    ErrorCode,
    FencedLeaderEpochError,
    InvalidRecordError,
    KafkaError,
    KafkaStorageError,
    MessageTooLargeError,
    NotEnoughReplicasError,
    NotLeaderOrFollowerError,
    UnknownLeaderEpochError,
)
from protocol.records import (
    LOG_OVERHEAD,
    NO_TIMESTAMP,
    RecordBatch,
    iter_batches,
    read_batch_length,
    stamp_log_append_time,
)
from protocol.records.batch import ControlRecordType
from protocol.records.builder import build_control_batch
from protocol.records.compression import DecompressionBuffer
from protocol.records.validate import validate_records
from protocol.types import TopicPartition

__all__ = [
    "MAX_HIGH_WATERMARK_WAITERS",
    "MAX_UNCOMMITTED_MARKS",
    "AcksWaiter",
    "AppendResult",
    "Partition",
    "apply_txn_marker",
]

#: Appends parked per partition and list (acks=all on the high watermark, acks=1 on the
#: durable end). The server bounds in-flight requests per connection; this bounds what all
#: connections together may park on one partition.
MAX_HIGH_WATERMARK_WAITERS: Final = 10_000

#: Append boundaries remembered between the log end and the high watermark (for delayed
#: fetches' byte counts). Past it the oldest two merge: counts get coarser, never wrong.
MAX_UNCOMMITTED_MARKS: Final = 1_000

_NO_TIMESTAMP: Final = NO_TIMESTAMP
#: Produced batches are decompressed into this buffer to be validated, and dropped: appends as
#: leader run on the broker's event loop thread only, so one buffer serves every partition.
_PRODUCE_DECOMPRESSION_BUFFER: Final = DecompressionBuffer()


@dataclass(slots=True)
class AppendResult:
    """What a produce to one partition did: the offsets to answer with and the offset the
    high watermark must pass before the produce is acknowledged."""

    partition: Partition
    base_offset: int
    log_append_time_ms: int
    next_offset: int
    log_start_offset: int
    duplicate: bool = False
    #: How acknowledging the append ended (``appends.Acknowledgement``): NONE, or the error the
    #: partition answers with (REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS_AFTER_APPEND, ...).
    error_code: ErrorCode = ErrorCode.NONE


class AcksWaiter(Protocol):
    """What waits in a partition's lists for an offset: the future of a
    ``wait_for_high_watermark`` or ``wait_for_local_durable``, or one append of a request
    waiting for its acknowledgement (``appends.Acknowledgement``)."""

    def done(self) -> bool: ...

    def set_result(self, result: bool, /) -> None: ...

    def set_exception(self, exception: BaseException, /) -> None: ...


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
        now_ms: int = 0,
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
        #: Paused by fault injection (``ReplicaManager.pause_partition``): consumers read
        #: nothing (followers still do).
        self.paused = False
        self._waiters: list[tuple[int, AcksWaiter]] = []
        self._durable_waiters: list[tuple[int, AcksWaiter]] = []
        #: What the leader knows of each follower (leader only).
        self.followers: dict[int, FollowerState] = {}
        #: The ISR a change in flight proposes (None: no change in flight).
        self.pending_isr: tuple[int, ...] | None = None
        #: The log end offset when this replica became leader of the current epoch.
        self.leader_epoch_start_offset = log.log_end_offset
        #: This replica's own durable log end (the leader's part of the high watermark).
        self.local_durable_end = log.log_end_offset
        # Bytes below the high watermark since this object exists, and the append boundaries
        # above it: (end offset, bytes appended up to it).
        self._appended_bytes = 0
        self.committed_bytes = 0
        self._marks: deque[tuple[int, int]] = deque()
        # Everything in the log at open is durable (clean shutdown, or recovery flushed it):
        # in a cluster of one it is committed. A replicated partition keeps its checkpointed
        # high watermark: its tail may never have reached the other replicas.
        if self.is_single_replica and log.high_watermark < log.log_end_offset:
            log.high_watermark = log.log_end_offset
        self.replace_producer_state(producers)
        if self.is_leader:
            self._become_leader(now_ms)

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
    def is_follower(self) -> bool:
        """Whether this broker is a follower of the partition (a replica, not the leader)."""
        return self.leader != self.node_id and self.node_id in self.replicas and not self.deleted

    @property
    def is_single_replica(self) -> bool:
        """A partition whose only replica is this broker (a cluster of one)."""
        return tuple(self.replicas) in ((), (self.node_id,))

    @property
    def high_watermark(self) -> int:
        """Offsets below this are committed and visible to consumers."""
        return self.log.high_watermark

    @property
    def last_stable_offset(self) -> int:
        """The end of what read_committed consumers see: the high watermark, held back by the
        first offset of every open transaction and of every finished one whose marker the
        high watermark has not passed yet."""
        high_watermark = self.log.high_watermark
        first = self.producers.first_unstable_offset()
        return high_watermark if first is None or first >= high_watermark else first

    def needs_txn_verification(self, producer_id: int) -> bool:
        """Whether a transactional produce from ``producer_id`` must first be verified with
        the transaction coordinator (KIP-890): it has no open transaction here."""
        entry = self.producers.get(producer_id)
        return entry is None or entry.current_txn_first_offset < 0

    def producers_snapshot(self) -> list[ProducerEntry]:
        """The producers this partition remembers (DescribeProducers)."""
        return self.producers.entries()

    def aborted_transactions(self, start_offset: int, upper_bound_offset: int) -> list[AbortedTxn]:
        """The aborted transactions a read_committed fetch from ``start_offset`` up to
        ``upper_bound_offset`` (the last stable offset) must skip, from the log's index."""
        log = self.log
        found: list[AbortedTxn] = log.collect_aborted_txns(start_offset, upper_bound_offset)
        return found

    def replace_producer_state(self, producers: ProducerStateTable) -> None:
        """Take a (re)loaded producer state (opening, or after a truncation): transactions
        whose marker the high watermark passed no longer hold the last stable offset."""
        self.producers = producers
        producers.prune_replicated(self.log.high_watermark)
        self._update_first_unstable()

    def _update_first_unstable(self) -> None:
        """Keep ``log.first_unstable_offset`` (where compaction stops) in step."""
        first = self.producers.first_unstable_offset()
        self.log.first_unstable_offset = first

    def update_state(self, state: PartitionImage, now_ms: int = 0) -> str:
        """Apply a new image of the partition. Returns what changed for this replica:
        ``"leader"`` (became leader or a new leader epoch), ``"follower"`` (became follower or
        follows a new leader epoch), ``"isr"`` (same leader epoch, new ISR or replicas) or
        ``""`` (nothing, or an image older than what this replica knows)."""
        if state.leader_epoch < self.leader_epoch or (
            state.leader_epoch == self.leader_epoch and state.partition_epoch < self.partition_epoch
        ):
            return ""
        new_epoch = state.leader_epoch != self.leader_epoch or state.leader != self.leader
        was_leader = self.is_leader
        self.leader = state.leader
        self.leader_epoch = state.leader_epoch
        self.partition_epoch = state.partition_epoch
        self.replicas = state.replicas
        self.isr = state.isr
        if not self.is_leader:
            self.followers.clear()
            self.pending_isr = None
            self.fail_waiters(NotLeaderOrFollowerError(f"leadership of {self.tp} changed"))
            return "follower" if (new_epoch or was_leader) else "isr"
        if new_epoch or not was_leader:
            self._become_leader(now_ms)
            return "leader"
        # A change in flight stays counted (maximal ISR) until its own answer arrives.
        self._recompute_high_watermark()
        return "isr"

    def _become_leader(self, now_ms: int) -> None:
        """As a new leader: record where this epoch starts (Kafka does it when a replica
        becomes leader), so OffsetForLeaderEpoch answers for the epoch even before its first
        append; forget what an earlier term knew of the followers (every ISR member gets
        ``replica.lag.time.max.ms`` from now to show up)."""
        log = self.log
        cache = log.epoch_cache
        latest = cache.latest_epoch
        if latest is None or latest < self.leader_epoch:
            cache.assign(self.leader_epoch, log.log_end_offset)
        self.leader_epoch_start_offset = log.log_end_offset
        self.pending_isr = None
        self.followers = {
            r: FollowerState(r, last_caught_up_time_ms=now_ms if r in self.isr else 0)
            for r in self.replicas
            if r != self.node_id
        }

    # -- leader: followers and the ISR -----------------------------------------------------

    def record_follower_fetch(
        self, replica_id: int, fetch_offset: int, log_start_offset: int, now_ms: int
    ) -> bool:
        """A follower fetched at ``fetch_offset``: update what the leader knows of it and
        move the high watermark. True when the follower may now join the ISR."""
        state = self.followers.get(replica_id)
        if state is None:
            state = self.followers[replica_id] = FollowerState(replica_id)
        record_fetch(
            state,
            fetch_offset,
            self.log.log_end_offset,
            now_ms,
            log_start_offset=log_start_offset,
        )
        self._recompute_high_watermark()
        return (
            replica_id not in self.isr
            and self.pending_isr is None
            and can_join_isr(state, self.high_watermark, self.leader_epoch_start_offset)
        )

    def out_of_sync_replicas(self, now_ms: int, lag_time_max_ms: int) -> set[int]:
        """ISR members that lag past ``lag_time_max_ms`` (to drop from the ISR)."""
        if not self.is_leader or self.pending_isr is not None:
            return set()
        return out_of_sync_replicas(
            self.node_id,
            self.log.log_end_offset,
            self.isr,
            self.followers,
            now_ms,
            lag_time_max_ms,
        )

    def propose_isr(self, new_isr: tuple[int, ...]) -> None:
        """An ISR change is on its way to the controller: count the maximal ISR meanwhile."""
        self.pending_isr = new_isr

    def isr_change_done(self, committed: AlterPartitionResult | None) -> None:
        """The controller answered (``committed`` is None after an error or a lost answer)."""
        self.pending_isr = None
        if (
            committed is not None
            and self.is_leader
            and committed.leader_epoch == self.leader_epoch
            and committed.partition_epoch > self.partition_epoch
        ):
            self.isr = committed.isr
            self.partition_epoch = committed.partition_epoch
        self._recompute_high_watermark()

    def _recompute_high_watermark(self) -> None:
        if not self.is_leader:
            return
        pending = self.pending_isr
        new = high_watermark(
            self.node_id,
            self.local_durable_end,
            self.isr if pending is None else maximal_isr(self.isr, pending),
            self.followers,
        )
        self._move_high_watermark(new)

    # -- follower --------------------------------------------------------------------------

    def append_as_follower(self, records: bytes | bytearray | memoryview, now_ms: int) -> int:
        """Append the leader's batches (offsets and leader epochs as they are) and remember
        their producers; returns the new log end offset."""
        if not self.is_follower:
            raise NotLeaderOrFollowerError(f"this broker does not follow {self.tp}")
        if self.log.offline is not None:
            raise KafkaStorageError(f"the log of {self.tp} is offline")
        log = self.log
        log.append_as_follower(records, now_ms=now_ms)
        producers = self.producers
        transactional = False
        for batch in iter_batches(memoryview(records)):
            if batch.producer_id < 0:
                continue
            if batch.is_control:
                if batch.is_transactional:
                    transactional = True
                    marker = batch.control_record()
                    apply_txn_marker(
                        log,
                        producers,
                        batch.producer_id,
                        batch.producer_epoch,
                        marker.coordinator_epoch,
                        batch.base_offset,
                        marker.type == ControlRecordType.COMMIT,
                    )
                continue
            transactional = transactional or batch.is_transactional
            producers.replay(
                batch.producer_id,
                batch.producer_epoch,
                batch.last_sequence,
                batch.base_offset,
                batch.base_offset + batch.last_offset_delta,
                now_ms,
                batch.is_transactional,
            )
        if transactional:
            self._update_first_unstable()
        return log.log_end_offset

    def update_follower_high_watermark(self, leader_high_watermark: int) -> None:
        """The leader's high watermark, as far as this replica's log reaches."""
        log = self.log
        new = min(leader_high_watermark, log.log_end_offset)
        if new > log.high_watermark:
            log.high_watermark = new
            if self.producers.prune_replicated(new):
                self._update_first_unstable()

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
        from_coordinator: bool = False,
    ) -> AppendResult:
        """Validate and append one produce's records (exactly one v2 batch).

        A transactional batch opens its producer's transaction here if none is open; a
        non-transactional one from a producer with an open transaction is INVALID_TXN_STATE.
        ``from_coordinator``: the group coordinator's own transactional writes (base sequence
        -1, the producer's id and epoch), whose sequences are not checked.

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
        batch.validate_integrity()
        size = batch.size_in_bytes
        log = self.log
        limit = log.config.max_message_bytes
        if size > limit:
            raise MessageTooLargeError(
                f"the batch of {size} bytes is larger than max.message.bytes={limit}"
            )
        if batch.is_control:
            raise InvalidRecordError("clients may not write control batches")
        transactional = batch.is_transactional
        if transactional and batch.producer_id < 0:
            raise InvalidRecordError("a transactional batch needs a producer id")
        if not from_coordinator:
            # The coordinator builds its batches itself, with base sequence -1 (which the
            # record checks refuse from clients), as Kafka validates client batches only.
            validate_records(
                batch,
                compacted=CleanupPolicy.COMPACT in log.config.cleanup_policy,
                reuse=_PRODUCE_DECOMPRESSION_BUFFER,
            )
        producer_id = batch.producer_id
        if producer_id >= 0:
            first_seq = batch.base_sequence
            last_seq = batch.last_sequence
            duplicate = self.producers.check(
                producer_id,
                batch.producer_epoch,
                first_seq,
                last_seq,
                is_transactional=transactional,
                validate_sequence=not from_coordinator,
            )
            if duplicate is not None:
                return AppendResult(
                    self,
                    duplicate.first_offset,
                    _NO_TIMESTAMP,
                    duplicate.last_offset + 1,
                    log.log_start_offset,
                    True,
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
            stamp_log_append_time(view, now_ms)
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
                transactional,
            )
            if transactional:
                self._update_first_unstable()
        self._count_appended(info.next_offset, info.size_in_bytes)
        return AppendResult(
            self, info.first_offset, append_time, info.next_offset, log.log_start_offset
        )

    def _count_appended(self, next_offset: int, size_in_bytes: int) -> None:
        self._appended_bytes += size_in_bytes
        marks = self._marks
        marks.append((next_offset, self._appended_bytes))
        if len(marks) > MAX_UNCOMMITTED_MARKS:
            marks.popleft()  # its bytes now count when the HW passes the next mark

    # -- transaction markers ---------------------------------------------------------------

    def write_txn_marker(
        self,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        commit: bool,
        now_ms: int,
    ) -> AppendResult:
        """Append a COMMIT or ABORT marker for the producer (the transaction coordinator's
        WriteTxnMarkers), close its transaction here, and index it if aborted. A marker for a
        producer with no open transaction is written all the same.

        Raises NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, KAFKA_STORAGE_ERROR,
        INVALID_PRODUCER_EPOCH (the marker's epoch is older than the producer's) or
        TRANSACTION_COORDINATOR_FENCED (its coordinator epoch is older than the last seen).
        """
        if not self.is_leader:
            raise NotLeaderOrFollowerError(f"this broker does not lead {self.tp}")
        if len(self.isr) < self.min_insync_replicas:
            raise NotEnoughReplicasError(
                f"the ISR of {self.tp} has {len(self.isr)} replica(s), fewer than "
                f"min.insync.replicas={self.min_insync_replicas}"
            )
        log = self.log
        if log.offline is not None:
            raise KafkaStorageError(f"the log of {self.tp} is offline")
        self.producers.check_marker(producer_id, producer_epoch, coordinator_epoch)
        control = ControlRecordType.COMMIT if commit else ControlRecordType.ABORT
        view = memoryview(
            bytearray(
                build_control_batch(
                    control,
                    producer_id=producer_id,
                    producer_epoch=producer_epoch,
                    coordinator_epoch=coordinator_epoch,
                    timestamp_ms=now_ms,
                )
            )
        )
        append_time = _NO_TIMESTAMP
        if log.config.message_timestamp_type == "LogAppendTime":
            stamp_log_append_time(view, now_ms)
            append_time = now_ms
        info = log.append_as_leader(view, leader_epoch=self.leader_epoch, now_ms=now_ms)
        apply_txn_marker(
            log,
            self.producers,
            producer_id,
            producer_epoch,
            coordinator_epoch,
            info.first_offset,
            commit,
        )
        self._update_first_unstable()
        self._count_appended(info.next_offset, info.size_in_bytes)
        return AppendResult(
            self, info.first_offset, append_time, info.next_offset, log.log_start_offset
        )

    # -- high watermark --------------------------------------------------------------------

    def maybe_advance_high_watermark(self, durable_end_offset: int) -> bool:
        """This replica's log is durable up to ``durable_end_offset``: release what waited on
        local durability (acks=1) and move the high watermark (min over the ISR) and release
        what waited on it. True if the high watermark moved."""
        end = min(durable_end_offset, self.log.log_end_offset)
        if end > self.local_durable_end:
            self.local_durable_end = end
            if self._durable_waiters:
                _release(self._durable_waiters, end)
        elif end < self.local_durable_end:
            self.local_durable_end = end  # the log was truncated
        if not self.is_leader:
            return False
        before = self.log.high_watermark
        self._recompute_high_watermark()
        return self.log.high_watermark > before

    def _move_high_watermark(self, new_high_watermark: int) -> None:
        log = self.log
        new = min(new_high_watermark, log.log_end_offset)
        if new <= log.high_watermark:
            return
        log.high_watermark = new
        if self.producers.prune_replicated(new):
            self._update_first_unstable()
        marks = self._marks
        while marks and marks[0][0] <= new:
            self.committed_bytes = marks.popleft()[1]
        if self._waiters:
            _release(self._waiters, new)
        if self._on_high_watermark is not None:
            self._on_high_watermark(self)

    async def wait_for_high_watermark(self, offset: int, timeout_s: float) -> bool:
        """Wait until the high watermark reaches ``offset`` (True) or ``timeout_s`` passes
        (False). Raises the KafkaError given to ``fail_waiters`` (leadership lost, partition
        deleted, log offline)."""
        if self.high_watermark >= offset:
            return True
        return await _wait(self._waiters, offset, timeout_s)

    async def wait_for_local_durable(self, offset: int, timeout_s: float) -> bool:
        """Wait until this replica's own log is durable up to ``offset`` (acks=1 under group
        commit): True, or False after ``timeout_s``. Raises like ``wait_for_high_watermark``."""
        if self.local_durable_end >= offset:
            return True
        return await _wait(self._durable_waiters, offset, timeout_s)

    def watch_high_watermark(self, offset: int, waiter: AcksWaiter) -> bool:
        """Release ``waiter`` (``set_result(True)``) once the high watermark reaches
        ``offset``, or fail it (``set_exception``) with what ``fail_waiters`` is given. False,
        registering nothing, when too many wait on the partition already."""
        waiters = self._waiters
        if len(waiters) >= MAX_HIGH_WATERMARK_WAITERS:
            return False
        waiters.append((offset, waiter))
        return True

    def watch_local_durable(self, offset: int, waiter: AcksWaiter) -> bool:
        """``watch_high_watermark`` for this replica's own durable end (acks=1)."""
        waiters = self._durable_waiters
        if len(waiters) >= MAX_HIGH_WATERMARK_WAITERS:
            return False
        waiters.append((offset, waiter))
        return True

    @property
    def acks_waiting(self) -> int:
        """Appends waiting here for the high watermark or for durability (the produce
        purgatory's share of this partition)."""
        return len(self._waiters) + len(self._durable_waiters)

    def unwatch(self, waiter: AcksWaiter) -> None:
        """Forget ``waiter`` (its request timed out or went away)."""
        for waiters in (self._waiters, self._durable_waiters):
            for i, (_, found) in enumerate(waiters):
                if found is waiter:
                    del waiters[i]
                    return

    def fail_waiters(self, error: KafkaError) -> None:
        """Make every ``wait_for_high_watermark`` and ``wait_for_local_durable`` raise
        ``error`` (leadership lost, partition deleted, log offline)."""
        waiters, self._waiters = self._waiters, []
        durable, self._durable_waiters = self._durable_waiters, []
        for _, future in [*waiters, *durable]:
            if not future.done():
                future.set_exception(error)

    # -- fetch -----------------------------------------------------------------------------

    def read(
        self,
        offset: int,
        max_bytes: int,
        *,
        min_one_batch: bool,
        committed_only: bool,
        read_committed: bool = False,
    ) -> FileSlice:
        """Whole batches from ``offset``: up to the high watermark for consumers, up to the
        last stable offset for read_committed ones, to the log end for followers. A paused
        partition gives consumers nothing, as at its log end."""
        if committed_only and self.paused:
            return FileSlice.empty(offset)
        limit: int | None
        if read_committed:
            limit = self.last_stable_offset
        elif committed_only:
            limit = self.log.high_watermark
        else:
            limit = None
        return self.log.read(offset, max_bytes, max_offset=limit, min_one_batch=min_one_batch)


def apply_txn_marker(
    log: PartitionLog,
    producers: ProducerStateTable,
    producer_id: int,
    producer_epoch: int,
    coordinator_epoch: int,
    marker_offset: int,
    commit: bool,
) -> CompletedTxn | None:
    """A marker is in the log at ``marker_offset`` (checked already, or copied from the
    leader, or replayed at start-up): close the producer's transaction and, if it was
    aborted, add it to the log's transaction index (idempotent: a replay adds nothing the
    index has). The entry's last stable offset is where the LSO stands once the marker is in:
    the first offset of the oldest other open transaction, else just past the marker."""
    done = producers.replay_marker(
        producer_id, producer_epoch, coordinator_epoch, marker_offset, commit
    )
    if done is not None and done.is_aborted:
        oldest_open = producers.first_open_offset()
        stable = marker_offset + 1 if oldest_open is None else min(oldest_open, marker_offset + 1)
        log.append_aborted_txn(
            AbortedTxn(done.producer_id, done.first_offset, done.last_offset, stable)
        )
    return done


def _release(waiters: list[tuple[int, AcksWaiter]], reached: int) -> None:
    """Complete the waiters at or below ``reached``; keep the others (in place)."""
    keep = []
    for offset, future in waiters:
        if future.done():
            continue
        if offset <= reached:
            future.set_result(True)
        else:
            keep.append((offset, future))
    waiters[:] = keep


async def _wait(waiters: list[tuple[int, AcksWaiter]], offset: int, timeout_s: float) -> bool:
    if len(waiters) >= MAX_HIGH_WATERMARK_WAITERS:
        return False
    future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    entry: tuple[int, AcksWaiter] = (offset, future)
    waiters.append(entry)
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
                waiters.remove(entry)


def _single_batch(records: bytes | bytearray | memoryview | None) -> RecordBatch:
    """The one batch of a v3+ produce (Kafka allows exactly one per partition)."""
    if records is not None and not isinstance(records, memoryview):
        records = memoryview(records)
    if records is None or len(records) == 0:
        raise InvalidRecordError("produce requests must carry one record batch per partition")
    if len(records) < LOG_OVERHEAD:
        raise CorruptMessageError(f"record set of {len(records)} bytes is truncated")
    length = read_batch_length(records)
    size = LOG_OVERHEAD + length
    if length < 0 or size > len(records):
        raise CorruptMessageError(
            f"record batch length {length} does not match the {len(records)} bytes sent"
        )
    if size < len(records):
        raise InvalidRecordError("produce requests may carry only one record batch per partition")
    return RecordBatch(records)
