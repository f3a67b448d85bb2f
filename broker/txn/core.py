"""``TransactionCoordinatorCore``: Kafka's transaction coordinator as a pure state machine.

Every method takes ``now_ms`` (wall-clock epoch milliseconds: timestamps are persisted) and
returns an ``Outcome`` (``broker.txn.outcome`` says how a driver applies one). Nothing here
blocks, reads a clock or does IO; one call at a time.

A transactional id lives on partition ``partition_for_transactional_id(id, num_partitions)`` of
``__transaction_state``. The core serves the partitions it was given with ``load`` (``owns``
answers NOT_COORDINATOR for the others and COORDINATOR_LOAD_IN_PROGRESS between
``begin_loading`` and ``load``). Each id has at most one record write in flight; a request that
finds one gets CONCURRENT_TRANSACTIONS. Results are plain values (``InitPidResult``,
``ErrorCode``, ``dict[TopicPartition, ErrorCode]``): the handlers build the wire messages and
map PRODUCER_FENCED to INVALID_PRODUCER_EPOCH for request versions that predate it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.txn.config import TxnConfig
from broker.txn.outcome import Outcome, SendMarkers, TxnAppend, TxnCompletion
from broker.txn.records import (
    TxnLogValue,
    decode_records,
    encode_key,
    encode_value,
    partition_for_transactional_id,
)
from broker.txn.state import (
    MAX_PRODUCER_EPOCH,
    NO_PRODUCER_EPOCH,
    NO_PRODUCER_ID,
    TransactionMetadata,
    TxnState,
    TxnTransit,
    is_epoch_exhausted,
)
from protocol.errors import ErrorCode
from protocol.primitives import ReadBuffer
from protocol.types import TopicPartition

__all__ = [
    "InitPidResult",
    "TransactionCoordinatorCore",
    "TxnDescription",
    "TxnListing",
    "map_append_error",
]


@dataclass(frozen=True, slots=True)
class InitPidResult:
    """The answer to InitProducerId."""

    error: ErrorCode
    producer_id: int = NO_PRODUCER_ID
    producer_epoch: int = NO_PRODUCER_EPOCH


@dataclass(frozen=True, slots=True)
class TxnDescription:
    """One transactional id as DescribeTransactions reports it (its durable state)."""

    transactional_id: str
    state: str
    """Kafka's name: "Empty", "Ongoing", "PrepareCommit", ..."""
    producer_id: int
    producer_epoch: int
    transaction_timeout_ms: int
    transaction_start_time_ms: int
    partitions: tuple[TopicPartition, ...]


@dataclass(frozen=True, slots=True)
class TxnListing:
    """One transactional id as ListTransactions reports it."""

    transactional_id: str
    producer_id: int
    state: str


#: The mapping of a failed ``__transaction_state`` write to the client's error (Kafka's
#: ``TransactionStateManager.appendTransactionToLog``); other errors pass through.
_APPEND_ERRORS: Final = {
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION: ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.NOT_ENOUGH_REPLICAS: ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND: ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.REQUEST_TIMED_OUT: ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.NOT_LEADER_OR_FOLLOWER: ErrorCode.NOT_COORDINATOR,
    ErrorCode.KAFKA_STORAGE_ERROR: ErrorCode.NOT_COORDINATOR,
    ErrorCode.MESSAGE_TOO_LARGE: ErrorCode.UNKNOWN_SERVER_ERROR,
    ErrorCode.RECORD_LIST_TOO_LARGE: ErrorCode.UNKNOWN_SERVER_ERROR,
}


def map_append_error(error: ErrorCode) -> ErrorCode:
    """What a client is told when its ``__transaction_state`` write failed with ``error``."""
    return _APPEND_ERRORS.get(error, error)


class _Kind(Enum):
    """Why a record is being written, which decides what its completion does."""

    INIT = "init"  # InitProducerId: answer the new producer id and epoch
    ADD = "add"  # AddPartitionsToTxn: answer NONE per partition
    OFFSETS = "offsets"  # AddOffsetsToTxn: answer NONE
    END = "end"  # EndTxn's PREPARE_*: answer NONE, then send the markers
    FENCE = "fence"  # PREPARE_ABORT with an epoch bump (InitProducerId fencing, timeout, load)
    COMPLETE = "complete"  # COMPLETE_* after the markers: answers nothing; retried on failure
    DEAD = "dead"  # the tombstone of an expired id: forget the id


@dataclass(slots=True)
class _Write:
    kind: _Kind
    meta: TransactionMetadata
    transit: TxnTransit
    partition: int
    park: int | None = None
    partitions: tuple[TopicPartition, ...] = ()
    """For ADD: the partitions the request named, answered one by one."""


class TransactionCoordinatorCore:
    """Kafka's ``TransactionCoordinator`` and ``TransactionStateManager`` with no IO."""

    def __init__(self, config: TxnConfig | None = None, num_partitions: int = 50) -> None:
        if num_partitions < 1:
            raise ValueError("num_partitions must be at least 1")
        self.config = config if config is not None else TxnConfig()
        self.num_partitions = num_partitions
        self._txns: dict[str, TransactionMetadata] = {}
        self._by_partition: dict[int, set[str]] = {}
        self._owned: dict[int, int] = {}  # partition -> coordinator epoch
        self._loading: set[int] = set()
        self._writes: dict[int, _Write] = {}
        self._writing: dict[str, int] = {}  # transactional id -> token of its write in flight
        self._awaiting_markers: set[str] = set()
        self._retries: dict[str, int] = {}  # transactional id -> when to retry its COMPLETE_*
        self._next_token = 0
        self._next_park = 0
        self._next_abort_scan_ms: int | None = None
        self._next_expire_scan_ms: int | None = None

    # -- ownership --------------------------------------------------------------------------

    def partition_for(self, transactional_id: str) -> int:
        """The ``__transaction_state`` partition of ``transactional_id``."""
        return partition_for_transactional_id(transactional_id, self.num_partitions)

    def owns(self, transactional_id: str) -> ErrorCode:
        """NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS for ``transactional_id``."""
        p = self.partition_for(transactional_id)
        if p in self._loading:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        if p not in self._owned:
            return ErrorCode.NOT_COORDINATOR
        return ErrorCode.NONE

    def is_loading(self) -> bool:
        """True while any partition is between ``begin_loading`` and ``load``."""
        return bool(self._loading)

    def coordinator_epoch(self, partition: int) -> int | None:
        """The epoch ``partition`` was loaded with, or None when it is not served."""
        return self._owned.get(partition)

    # -- requests ---------------------------------------------------------------------------

    def init_producer_id(
        self,
        transactional_id: str,
        transaction_timeout_ms: int,
        producer_id: int,
        producer_epoch: int,
        *,
        fresh_producer_id: int,
        now_ms: int,
    ) -> Outcome[InitPidResult]:
        """InitProducerId with a transactional id (``producer_id``/``producer_epoch`` -1: none).

        Answers once the new epoch is durable. An ongoing transaction is aborted with an epoch
        bump (fencing the old producer) and the request answered CONCURRENT_TRANSACTIONS once
        the PREPARE_ABORT is durable, so that the client retries.
        """
        out: Outcome[InitPidResult] = Outcome()
        if not transactional_id or (producer_id == NO_PRODUCER_ID) != (
            producer_epoch == NO_PRODUCER_EPOCH
        ):
            out.result = InitPidResult(ErrorCode.INVALID_REQUEST)
            return out
        if not 0 < transaction_timeout_ms <= self.config.transaction_max_timeout_ms:
            out.result = InitPidResult(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
            return out
        err = self.owns(transactional_id)
        if err is not ErrorCode.NONE:
            out.result = InitPidResult(err)
            return out
        meta = self._txns.get(transactional_id)
        if meta is None:
            if len(self._txns) >= self.config.max_transactional_ids:
                out.result = InitPidResult(ErrorCode.COORDINATOR_NOT_AVAILABLE)
                return out
            meta = TransactionMetadata(
                transactional_id,
                producer_id=fresh_producer_id,
                producer_epoch=NO_PRODUCER_EPOCH,
                txn_timeout_ms=transaction_timeout_ms,
                state=TxnState.EMPTY,
                txn_last_update_timestamp_ms=now_ms,
                durable=False,
            )
            self._add_meta(meta)
        expected = None if producer_id == NO_PRODUCER_ID else (producer_id, producer_epoch)
        error = self._init_checks(meta, expected)
        if error is not ErrorCode.NONE:
            out.result = InitPidResult(error)
            return out
        if meta.state is TxnState.ONGOING:
            out.parked = self._park()
            self._start_abort(out, meta, now_ms, bump_epoch=True, park=out.parked)
            return out
        transit: TxnTransit
        if is_epoch_exhausted(meta.producer_epoch) and (
            expected is None or expected[1] == meta.producer_epoch
        ):
            # KIP-360: a new producer id once the epoch would overflow; the old id and epoch
            # are kept so that a retry of this request gets the same answer.
            transit = meta.prepare(
                TxnState.EMPTY,
                now_ms,
                producer_id=fresh_producer_id,
                producer_epoch=0,
                last_producer_epoch=meta.producer_epoch if expected else NO_PRODUCER_EPOCH,
                txn_timeout_ms=transaction_timeout_ms,
                partitions=frozenset(),
                txn_start_timestamp_ms=-1,
            )
        else:
            bumped = meta.producer_epoch + 1
            if expected is None:
                epochs = (bumped, NO_PRODUCER_EPOCH)
            elif meta.producer_epoch == NO_PRODUCER_EPOCH or expected[1] == meta.producer_epoch:
                epochs = (bumped, meta.producer_epoch)
            elif expected[1] == meta.last_producer_epoch:
                # A retry of a bump that succeeded: the same epoch again.
                epochs = (meta.producer_epoch, meta.last_producer_epoch)
            else:
                self._forget_if_new(meta)
                out.result = InitPidResult(ErrorCode.PRODUCER_FENCED)
                return out
            transit = meta.prepare(
                TxnState.EMPTY,
                now_ms,
                producer_epoch=epochs[0],
                last_producer_epoch=epochs[1],
                txn_timeout_ms=transaction_timeout_ms,
                partitions=frozenset(),
                txn_start_timestamp_ms=-1,
            )
        out.parked = self._park()
        self._write(out, _Kind.INIT, meta, transit, park=out.parked)
        return out

    def _init_checks(
        self, meta: TransactionMetadata, expected: tuple[int, int] | None
    ) -> ErrorCode:
        if meta.pending is not None:
            return ErrorCode.CONCURRENT_TRANSACTIONS
        if expected is not None and not (
            # Kafka's isValidProducerId: a new id; the current producer id (the epoch is
            # checked below); or a retry with the previous id after a rotation.
            meta.producer_epoch == NO_PRODUCER_EPOCH
            or expected[0] == meta.producer_id
            or (expected[0] == meta.last_producer_id and is_epoch_exhausted(expected[1]))
        ):
            self._forget_if_new(meta)
            return ErrorCode.PRODUCER_FENCED
        if meta.state.is_prepare:
            return ErrorCode.CONCURRENT_TRANSACTIONS
        return ErrorCode.NONE

    def add_partitions(
        self,
        transactional_id: str,
        producer_id: int,
        producer_epoch: int,
        partitions: Sequence[TopicPartition],
        *,
        verify_only: bool = False,
        now_ms: int,
    ) -> Outcome[dict[TopicPartition, ErrorCode]]:
        """AddPartitionsToTxn: one error per partition (the same for all on a failure).

        ``verify_only`` (KIP-890) writes nothing and ignores a pending write: NONE for a
        partition already (durably) in the transaction, INVALID_TXN_STATE otherwise.
        """
        parts = tuple(dict.fromkeys(partitions))
        out: Outcome[dict[TopicPartition, ErrorCode]] = Outcome()
        error, meta = self._add_checks(
            transactional_id, producer_id, producer_epoch, check_pending=not verify_only
        )
        if error is not ErrorCode.NONE or meta is None:
            out.result = dict.fromkeys(parts, error)
            return out
        if verify_only:
            out.result = {
                tp: ErrorCode.NONE if tp in meta.partitions else ErrorCode.INVALID_TXN_STATE
                for tp in parts
            }
            return out
        self._add(out, meta, parts, _Kind.ADD, now_ms)
        return out

    def add_offsets(
        self,
        transactional_id: str,
        producer_id: int,
        producer_epoch: int,
        group_partition: int,
        *,
        now_ms: int,
    ) -> Outcome[ErrorCode]:
        """AddOffsetsToTxn: adds partition ``group_partition`` of ``__consumer_offsets``."""
        out: Outcome[ErrorCode] = Outcome()
        error, meta = self._add_checks(transactional_id, producer_id, producer_epoch)
        if error is not ErrorCode.NONE or meta is None:
            out.result = error
            return out
        self._add(
            out,
            meta,
            (TopicPartition(GROUP_METADATA_TOPIC, group_partition),),
            _Kind.OFFSETS,
            now_ms,
        )
        return out

    def _add_checks(
        self,
        transactional_id: str,
        producer_id: int,
        producer_epoch: int,
        *,
        check_pending: bool = True,
    ) -> tuple[ErrorCode, TransactionMetadata | None]:
        if not transactional_id:
            return ErrorCode.INVALID_REQUEST, None
        err = self.owns(transactional_id)
        if err is not ErrorCode.NONE:
            return err, None
        meta = self._txns.get(transactional_id)
        if meta is None or meta.producer_id != producer_id:
            return ErrorCode.INVALID_PRODUCER_ID_MAPPING, None
        if meta.producer_epoch != producer_epoch:
            return ErrorCode.PRODUCER_FENCED, None
        # A verification does not look at a pending write (Kafka: the partitions count once
        # their record is durable; the produce itself is checked again at append).
        if (check_pending and meta.pending is not None) or meta.state.is_prepare:
            return ErrorCode.CONCURRENT_TRANSACTIONS, None
        return ErrorCode.NONE, meta

    def _add(
        self,
        out: Outcome[Any],
        meta: TransactionMetadata,
        parts: tuple[TopicPartition, ...],
        kind: _Kind,
        now_ms: int,
    ) -> None:
        def answer(error: ErrorCode) -> object:
            return dict.fromkeys(parts, error) if kind is _Kind.ADD else error

        if meta.state is TxnState.ONGOING and meta.partitions.issuperset(parts):
            out.result = answer(ErrorCode.NONE)
            return
        added = meta.partitions.union(parts)
        if len(added) > self.config.max_partitions_per_transaction:
            out.result = answer(ErrorCode.INVALID_REQUEST)
            return
        ongoing = meta.state is TxnState.ONGOING
        transit = meta.prepare(
            TxnState.ONGOING,
            now_ms,
            partitions=frozenset(added),
            txn_start_timestamp_ms=meta.txn_start_timestamp_ms if ongoing else now_ms,
        )
        out.parked = self._park()
        self._write(out, kind, meta, transit, park=out.parked, partitions=parts)

    def end_txn(
        self,
        transactional_id: str,
        producer_id: int,
        producer_epoch: int,
        commit: bool,
        *,
        now_ms: int,
    ) -> Outcome[ErrorCode]:
        """EndTxn: answered once PREPARE_COMMIT / PREPARE_ABORT is durable; markers follow.

        A retry of an ended transaction answers NONE (complete) or CONCURRENT_TRANSACTIONS
        (markers still going out); the other outcome, or no transaction, is INVALID_TXN_STATE.
        """
        out: Outcome[ErrorCode] = Outcome()
        error, meta = self._end_checks(transactional_id, producer_id, producer_epoch, commit)
        if error is not ErrorCode.NONE or meta is None:
            out.result = error
            return out
        if meta.state is not TxnState.ONGOING:
            out.result = ErrorCode.NONE  # a retry of a completed transaction
            return out
        state = TxnState.PREPARE_COMMIT if commit else TxnState.PREPARE_ABORT
        transit = meta.prepare(state, now_ms)
        out.parked = self._park()
        self._write(out, _Kind.END, meta, transit, park=out.parked)
        return out

    def _end_checks(
        self, transactional_id: str, producer_id: int, producer_epoch: int, commit: bool
    ) -> tuple[ErrorCode, TransactionMetadata | None]:
        if not transactional_id:
            return ErrorCode.INVALID_REQUEST, None
        err = self.owns(transactional_id)
        if err is not ErrorCode.NONE:
            return err, None
        meta = self._txns.get(transactional_id)
        if meta is None or meta.producer_id != producer_id:
            return ErrorCode.INVALID_PRODUCER_ID_MAPPING, None
        if meta.producer_epoch != producer_epoch:
            return ErrorCode.PRODUCER_FENCED, None
        if meta.pending is not None:
            return ErrorCode.CONCURRENT_TRANSACTIONS, None
        state = meta.state
        if state is TxnState.ONGOING:
            return ErrorCode.NONE, meta
        completed = TxnState.COMPLETE_COMMIT if commit else TxnState.COMPLETE_ABORT
        preparing = TxnState.PREPARE_COMMIT if commit else TxnState.PREPARE_ABORT
        if state is completed:
            return ErrorCode.NONE, meta
        if state is preparing:
            return ErrorCode.CONCURRENT_TRANSACTIONS, None
        return ErrorCode.INVALID_TXN_STATE, None

    # -- completions ------------------------------------------------------------------------

    def append_completed(self, token: int, error: ErrorCode, *, now_ms: int) -> Outcome[None]:
        """A ``TxnAppend`` is durable (``NONE``) or failed with ``error``.

        On success the transition is taken and its request answered (after a PREPARE_*, its
        markers go out). On failure the transition is dropped and the request answered with
        Kafka's mapping of the error; a failed COMPLETE_* is retried after
        ``retry_backoff_ms``. A token of an unloaded partition is ignored.
        """
        out: Outcome[None] = Outcome()
        w = self._writes.pop(token, None)
        if w is None:
            return out
        meta = w.meta
        tid = meta.transactional_id
        if self._writing.get(tid) == token:
            del self._writing[tid]
        if self._txns.get(tid) is not meta or meta.pending is not w.transit:
            raise AssertionError(f"{tid}: a write completed for a transition not pending")
        if error is not ErrorCode.NONE:
            self._write_failed(out, w, map_append_error(error), now_ms)
            return out
        if w.kind is _Kind.DEAD:
            self._remove_meta(meta)
            return out
        meta.complete(w.transit)
        if w.kind is _Kind.INIT:
            self._answer(
                out, w.park, InitPidResult(ErrorCode.NONE, meta.producer_id, meta.producer_epoch)
            )
        elif w.kind is _Kind.ADD:
            self._answer(out, w.park, dict.fromkeys(w.partitions, ErrorCode.NONE))
        elif w.kind is _Kind.OFFSETS:
            self._answer(out, w.park, ErrorCode.NONE)
        elif w.kind in (_Kind.END, _Kind.FENCE):
            if w.kind is _Kind.END:
                self._answer(out, w.park, ErrorCode.NONE)
            else:  # InitProducerId's fencing: the client retries and gets the new epoch
                self._answer(out, w.park, InitPidResult(ErrorCode.CONCURRENT_TRANSACTIONS))
            self._send_markers(out, meta, now_ms)
        return out

    def _write_failed(self, out: Outcome[None], w: _Write, error: ErrorCode, now_ms: int) -> None:
        meta = w.meta
        if w.kind is _Kind.COMPLETE:
            # The markers are written: only the record is missing. Kafka's marker manager
            # retries it until it is written or the coordinator moves (unload drops it).
            self._retries[meta.transactional_id] = now_ms + self.config.retry_backoff_ms
            return
        meta.pending = None
        self._forget_if_new(meta)
        if w.kind in (_Kind.INIT, _Kind.FENCE):
            self._answer(out, w.park, InitPidResult(error))
        elif w.kind is _Kind.ADD:
            self._answer(out, w.park, dict.fromkeys(w.partitions, error))
        else:
            self._answer(out, w.park, error)

    def markers_written(
        self, transactional_id: str, producer_id: int, producer_epoch: int, *, now_ms: int
    ) -> Outcome[None]:
        """Every marker of a ``SendMarkers`` is written: write COMPLETE_* (nobody waits on it).

        A report that matches no transaction awaiting its markers (stale, or unloaded since)
        is ignored.
        """
        out: Outcome[None] = Outcome()
        meta = self._txns.get(transactional_id)
        if meta is None or transactional_id not in self._awaiting_markers:
            return out
        transit = meta.pending
        assert transit is not None and transit.state.is_complete
        if (transit.producer_id, transit.producer_epoch) != (producer_id, producer_epoch):
            return out
        self._awaiting_markers.discard(transactional_id)
        self._write(out, _Kind.COMPLETE, meta, transit)
        return out

    # -- time -------------------------------------------------------------------------------

    def tick(self, now_ms: int) -> Outcome[None]:
        """Retry failed COMPLETE_* writes; abort timed-out transactions; expire idle ids.

        Timed-out transactions are checked every
        ``transaction.abort.timed.out.transaction.cleanup.interval.ms`` (as Kafka: a
        transaction may outlive its timeout by up to that much) and idle ids every
        ``transaction.remove.expired.transactional.id.cleanup.interval.ms``.
        """
        out: Outcome[None] = Outcome()
        for tid, deadline in list(self._retries.items()):
            if deadline <= now_ms:
                del self._retries[tid]
                meta = self._txns[tid]
                assert meta.pending is not None
                self._write(out, _Kind.COMPLETE, meta, meta.pending)
        if self._next_abort_scan_ms is not None and self._next_abort_scan_ms <= now_ms:
            self._next_abort_scan_ms = (
                now_ms + self.config.transaction_abort_timed_out_transaction_cleanup_interval_ms
            )
            self._abort_timed_out(out, now_ms)
        if self._next_expire_scan_ms is not None and self._next_expire_scan_ms <= now_ms:
            self._next_expire_scan_ms = (
                now_ms + self.config.transaction_remove_expired_transactional_id_cleanup_interval_ms
            )
            self._expire_ids(out, now_ms)
        return out

    def next_deadline_ms(self) -> int | None:
        """When ``tick`` next has work, or None."""
        candidates = [*self._retries.values()]
        if self._next_abort_scan_ms is not None:
            candidates.append(self._next_abort_scan_ms)
        if self._next_expire_scan_ms is not None:
            candidates.append(self._next_expire_scan_ms)
        return min(candidates, default=None)

    def _served(self) -> Iterable[TransactionMetadata]:
        for p in self._owned:
            for tid in self._by_partition.get(p, ()):
                yield self._txns[tid]

    def _abort_timed_out(self, out: Outcome[None], now_ms: int) -> None:
        for meta in sorted(self._served(), key=lambda m: m.transactional_id):
            if (
                meta.state is TxnState.ONGOING
                and meta.pending is None
                and meta.txn_start_timestamp_ms + meta.txn_timeout_ms < now_ms
            ):
                self._start_abort(out, meta, now_ms, bump_epoch=True)

    def _expire_ids(self, out: Outcome[None], now_ms: int) -> None:
        cutoff = now_ms - self.config.transactional_id_expiration_ms
        for meta in sorted(self._served(), key=lambda m: m.transactional_id):
            if (
                meta.state.expiration_allowed
                and meta.pending is None
                and meta.txn_last_update_timestamp_ms <= cutoff
            ):
                transit = meta.prepare(TxnState.DEAD, now_ms, partitions=frozenset())
                self._write(out, _Kind.DEAD, meta, transit)

    # -- loading ----------------------------------------------------------------------------

    def begin_loading(self, partition: int, *, now_ms: int) -> Outcome[None]:
        """``partition`` is being replayed: its ids answer COORDINATOR_LOAD_IN_PROGRESS.

        Optional: without it a partition not loaded yet answers NOT_COORDINATOR.
        """
        out = self._unload(partition) if partition in self._owned else Outcome[None]()
        self._loading.add(partition)
        return out

    def load(
        self,
        partition: int,
        coordinator_epoch: int,
        records: Iterable[tuple[ReadBuffer, ReadBuffer | None]],
        *,
        now_ms: int,
    ) -> Outcome[None]:
        """Serve ``partition`` with the state its records (in offset order) leave.

        Every PREPARE_* found sends its markers again (the COMPLETE_* follows as usual); a
        PREPARE_EPOCH_FENCE is aborted. Ids placed on another partition are skipped. Raises
        ``TxnRecordFormatError`` on a record it cannot decode, changing nothing.
        """
        if not 0 <= partition < self.num_partitions:
            raise ValueError(f"no partition {partition} of {self.num_partitions}")
        loaded = decode_records(records)
        out = self._unload(partition) if partition in self._owned else Outcome[None]()
        self._loading.discard(partition)
        self._owned[partition] = coordinator_epoch
        for tid, value in loaded.items():
            if value.state is TxnState.DEAD or self.partition_for(tid) != partition:
                continue
            meta = _from_value(tid, value)
            self._add_meta(meta)
            if meta.state.is_prepare:
                complete = (
                    TxnState.COMPLETE_COMMIT
                    if meta.state is TxnState.PREPARE_COMMIT
                    else TxnState.COMPLETE_ABORT
                )
                meta.prepare(complete, now_ms, partitions=frozenset())
                self._request_markers(out, meta)
            elif meta.state is TxnState.PREPARE_EPOCH_FENCE:
                self._start_abort(out, meta, now_ms, bump_epoch=False)
        if self._next_abort_scan_ms is None:
            self._next_abort_scan_ms = (
                now_ms + self.config.transaction_abort_timed_out_transaction_cleanup_interval_ms
            )
        if self._next_expire_scan_ms is None:
            self._next_expire_scan_ms = (
                now_ms + self.config.transaction_remove_expired_transactional_id_cleanup_interval_ms
            )
        return out

    def unload(self, partition: int, *, now_ms: int) -> Outcome[None]:
        """Stop serving ``partition``: its ids are forgotten, its parked requests answered
        NOT_COORDINATOR, and later reports of its writes and markers ignored."""
        return self._unload(partition)

    def _unload(self, partition: int) -> Outcome[None]:
        out: Outcome[None] = Outcome()
        self._owned.pop(partition, None)
        self._loading.discard(partition)
        for token, w in list(self._writes.items()):
            if w.partition == partition:
                del self._writes[token]
                if w.kind in (_Kind.INIT, _Kind.FENCE):
                    self._answer(out, w.park, InitPidResult(ErrorCode.NOT_COORDINATOR))
                elif w.kind is _Kind.ADD:
                    self._answer(
                        out, w.park, dict.fromkeys(w.partitions, ErrorCode.NOT_COORDINATOR)
                    )
                else:
                    self._answer(out, w.park, ErrorCode.NOT_COORDINATOR)
        for tid in list(self._by_partition.get(partition, ())):
            self._remove_meta(self._txns[tid])
        if not self._owned and not self._loading:
            self._next_abort_scan_ms = self._next_expire_scan_ms = None
        return out

    # -- reading ----------------------------------------------------------------------------

    def describe(self, transactional_id: str) -> TxnDescription | ErrorCode:
        """DescribeTransactions of one id: its durable state, or an error code."""
        if not transactional_id:
            return ErrorCode.INVALID_REQUEST
        err = self.owns(transactional_id)
        if err is not ErrorCode.NONE:
            return err
        meta = self._txns.get(transactional_id)
        if meta is None or not meta.durable:
            return ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
        return TxnDescription(
            transactional_id=transactional_id,
            state=meta.state.kafka_name,
            producer_id=meta.producer_id,
            producer_epoch=meta.producer_epoch,
            transaction_timeout_ms=meta.txn_timeout_ms,
            transaction_start_time_ms=meta.txn_start_timestamp_ms,
            partitions=tuple(sorted(meta.partitions)),
        )

    def list_transactions(
        self,
        states: Collection[str],
        producer_ids: Collection[int],
        min_duration_ms: int,
        *,
        now_ms: int,
    ) -> list[TxnListing]:
        """ListTransactions over the loaded partitions, by transactional id.

        Empty ``states`` / ``producer_ids`` match all (an unknown state name matches nothing);
        ``min_duration_ms`` >= 0 keeps only transactions running longer than it (v1).
        """
        wanted = {s for s in TxnState if s.kafka_name in states}
        found = []
        for meta in self._served():
            if not meta.durable or meta.state is TxnState.DEAD:
                continue
            if states and meta.state not in wanted:
                continue
            if producer_ids and meta.producer_id not in producer_ids:
                continue
            if min_duration_ms >= 0 and now_ms - meta.txn_start_timestamp_ms <= min_duration_ms:
                continue
            found.append(TxnListing(meta.transactional_id, meta.producer_id, meta.state.kafka_name))
        return sorted(found, key=lambda t: t.transactional_id)

    def transaction(self, transactional_id: str) -> TransactionMetadata | None:
        """The metadata of an id this core holds (tests and diagnostics; do not mutate)."""
        return self._txns.get(transactional_id)

    def transactional_ids(self) -> list[str]:
        """Every id this core holds, sorted."""
        return sorted(self._txns)

    # -- internals --------------------------------------------------------------------------

    def _park(self) -> int:
        self._next_park += 1
        return self._next_park

    @staticmethod
    def _answer(out: Outcome[Any], park: int | None, result: object) -> None:
        if park is not None:
            out.completions.append(TxnCompletion(park, result))

    def _write(
        self,
        out: Outcome[Any],
        kind: _Kind,
        meta: TransactionMetadata,
        transit: TxnTransit,
        *,
        park: int | None = None,
        partitions: tuple[TopicPartition, ...] = (),
    ) -> None:
        tid = meta.transactional_id
        assert tid not in self._writing, f"{tid}: a second write in flight"
        self._next_token += 1
        token = self._next_token
        partition = self.partition_for(tid)
        self._writes[token] = _Write(kind, meta, transit, partition, park, partitions)
        self._writing[tid] = token
        value = None if kind is _Kind.DEAD else encode_value(_to_value(transit))
        out.appends.append(TxnAppend(token, partition, encode_key(tid), value))

    def _start_abort(
        self,
        out: Outcome[Any],
        meta: TransactionMetadata,
        now_ms: int,
        *,
        bump_epoch: bool,
        park: int | None = None,
    ) -> None:
        """Write PREPARE_ABORT (with the epoch bumped to fence the producer), then markers."""
        epoch = meta.producer_epoch
        if bump_epoch and epoch < MAX_PRODUCER_EPOCH:
            epoch += 1
        transit = meta.prepare(
            TxnState.PREPARE_ABORT,
            now_ms,
            producer_epoch=epoch,
            last_producer_epoch=NO_PRODUCER_EPOCH,
        )
        self._write(out, _Kind.FENCE, meta, transit, park=park)

    def _send_markers(self, out: Outcome[Any], meta: TransactionMetadata, now_ms: int) -> None:
        """PREPARE_* is durable: COMPLETE_* becomes pending and the markers go out."""
        complete = (
            TxnState.COMPLETE_COMMIT
            if meta.state is TxnState.PREPARE_COMMIT
            else TxnState.COMPLETE_ABORT
        )
        meta.prepare(complete, now_ms, partitions=frozenset())
        self._request_markers(out, meta)

    def _request_markers(self, out: Outcome[Any], meta: TransactionMetadata) -> None:
        transit = meta.pending
        assert transit is not None
        if not meta.partitions:
            # Nothing to mark: complete at once.
            self._write(out, _Kind.COMPLETE, meta, transit)
            return
        self._awaiting_markers.add(meta.transactional_id)
        out.markers.append(
            SendMarkers(
                transactional_id=meta.transactional_id,
                producer_id=meta.producer_id,
                producer_epoch=meta.producer_epoch,
                coordinator_epoch=self._owned[self.partition_for(meta.transactional_id)],
                commit=meta.state is TxnState.PREPARE_COMMIT,
                partitions=frozenset(meta.partitions),
            )
        )

    def _add_meta(self, meta: TransactionMetadata) -> None:
        tid = meta.transactional_id
        self._txns[tid] = meta
        self._by_partition.setdefault(self.partition_for(tid), set()).add(tid)

    def _remove_meta(self, meta: TransactionMetadata) -> None:
        tid = meta.transactional_id
        del self._txns[tid]
        p = self.partition_for(tid)
        ids = self._by_partition.get(p)
        if ids is not None:
            ids.discard(tid)
            if not ids:
                del self._by_partition[p]
        self._awaiting_markers.discard(tid)
        self._retries.pop(tid, None)
        self._writing.pop(tid, None)

    def _forget_if_new(self, meta: TransactionMetadata) -> None:
        """A new id whose first write did not happen is not kept."""
        if not meta.durable and meta.pending is None:
            self._remove_meta(meta)


def _to_value(transit: TxnTransit) -> TxnLogValue:
    return TxnLogValue(
        producer_id=transit.producer_id,
        producer_epoch=transit.producer_epoch,
        transaction_timeout_ms=transit.txn_timeout_ms,
        state=transit.state,
        partitions=transit.partitions,
        last_update_timestamp_ms=transit.txn_last_update_timestamp_ms,
        start_timestamp_ms=transit.txn_start_timestamp_ms,
    )


def _from_value(transactional_id: str, value: TxnLogValue) -> TransactionMetadata:
    return TransactionMetadata(
        transactional_id,
        producer_id=value.producer_id,
        producer_epoch=value.producer_epoch,
        txn_timeout_ms=value.transaction_timeout_ms,
        state=value.state,
        txn_start_timestamp_ms=value.start_timestamp_ms,
        txn_last_update_timestamp_ms=value.last_update_timestamp_ms,
        partitions=set(value.partitions),
    )
