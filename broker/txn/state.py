"""One transactional id: ``TxnState`` (Kafka's ids and legal transitions) and its metadata.

``TransactionMetadata`` holds what is durable (the last record written for the id, or about
to be acknowledged as written) and at most one pending transition: the record being written.
A request that finds a transition pending gets CONCURRENT_TRANSACTIONS, so one write is in
flight per transactional id. When the write is durable the transition is completed; when it
fails it is dropped and the durable state stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final

from protocol.types import TopicPartition

#: Kafka's ``RecordBatch.NO_PRODUCER_ID`` / ``NO_PRODUCER_EPOCH``.
NO_PRODUCER_ID: Final = -1
NO_PRODUCER_EPOCH: Final = -1
#: The largest producer epoch (a Java short).
MAX_PRODUCER_EPOCH: Final = 32767


class TxnState(IntEnum):
    """Kafka's ``TransactionState`` with its persisted ids."""

    EMPTY = 0
    ONGOING = 1
    PREPARE_COMMIT = 2
    PREPARE_ABORT = 3
    COMPLETE_COMMIT = 4
    COMPLETE_ABORT = 5
    DEAD = 6
    PREPARE_EPOCH_FENCE = 7

    @property
    def kafka_name(self) -> str:
        """The name Kafka's tools print (DescribeTransactions, ListTransactions)."""
        return _NAMES[self]

    @property
    def is_prepare(self) -> bool:
        return self in (TxnState.PREPARE_COMMIT, TxnState.PREPARE_ABORT)

    @property
    def is_complete(self) -> bool:
        return self in (TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT)

    @property
    def expiration_allowed(self) -> bool:
        """An idle id in this state may expire (Kafka's ``isExpirationAllowed``)."""
        return self in (TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT)


_NAMES: Final = {
    TxnState.EMPTY: "Empty",
    TxnState.ONGOING: "Ongoing",
    TxnState.PREPARE_COMMIT: "PrepareCommit",
    TxnState.PREPARE_ABORT: "PrepareAbort",
    TxnState.COMPLETE_COMMIT: "CompleteCommit",
    TxnState.COMPLETE_ABORT: "CompleteAbort",
    TxnState.DEAD: "Dead",
    TxnState.PREPARE_EPOCH_FENCE: "PrepareEpochFence",
}


def state_from_kafka_name(name: str) -> TxnState | None:
    """The state Kafka's tools call ``name`` ("Ongoing", ...), or None (ListTransactions
    reports unknown names back as ``unknown_state_filters``)."""
    return _BY_NAME.get(name)


_BY_NAME: Final = {n: s for s, n in _NAMES.items()}

#: The states a state may be entered from (Kafka's ``validPreviousStates``).
VALID_PREVIOUS_STATES: Final[dict[TxnState, frozenset[TxnState]]] = {
    TxnState.EMPTY: frozenset({TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT}),
    TxnState.ONGOING: frozenset(
        {TxnState.ONGOING, TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT}
    ),
    TxnState.PREPARE_COMMIT: frozenset({TxnState.ONGOING}),
    TxnState.PREPARE_ABORT: frozenset({TxnState.ONGOING, TxnState.PREPARE_EPOCH_FENCE}),
    TxnState.COMPLETE_COMMIT: frozenset({TxnState.PREPARE_COMMIT}),
    TxnState.COMPLETE_ABORT: frozenset({TxnState.PREPARE_ABORT}),
    TxnState.DEAD: frozenset({TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT}),
    TxnState.PREPARE_EPOCH_FENCE: frozenset({TxnState.ONGOING}),
}


def is_epoch_exhausted(epoch: int) -> bool:
    """Kafka's ``isEpochExhausted``: one epoch is kept in reserve for fencing."""
    return epoch >= MAX_PRODUCER_EPOCH - 1


class IllegalTransitionError(RuntimeError):
    """A transition Kafka's state machine forbids (a bug of the caller)."""


@dataclass(frozen=True, slots=True)
class TxnTransit:
    """The target of a transition (Kafka's ``TxnTransitMetadata``): the record being written."""

    producer_id: int
    last_producer_id: int
    producer_epoch: int
    last_producer_epoch: int
    txn_timeout_ms: int
    state: TxnState
    partitions: frozenset[TopicPartition]
    txn_start_timestamp_ms: int
    txn_last_update_timestamp_ms: int


@dataclass(slots=True)
class TransactionMetadata:
    """A transactional id's state in memory (Kafka's ``TransactionMetadata``).

    ``last_producer_id`` / ``last_producer_epoch`` let a retried InitProducerId (KIP-360) get
    the same answer; version 0 records do not carry them, so they are lost at a reload, as in
    Kafka with version 0 records.
    """

    transactional_id: str
    producer_id: int
    producer_epoch: int
    txn_timeout_ms: int
    state: TxnState
    txn_start_timestamp_ms: int = -1
    txn_last_update_timestamp_ms: int = -1
    partitions: set[TopicPartition] = field(default_factory=set)
    last_producer_id: int = NO_PRODUCER_ID
    last_producer_epoch: int = NO_PRODUCER_EPOCH
    pending: TxnTransit | None = None
    durable: bool = True
    """False until the first record of a new id is written (a failed write then forgets it)."""

    @property
    def pending_in_progress(self) -> bool:
        return self.pending is not None

    def prepare(
        self,
        state: TxnState,
        now_ms: int,
        *,
        producer_id: int | None = None,
        producer_epoch: int | None = None,
        last_producer_epoch: int | None = None,
        txn_timeout_ms: int | None = None,
        partitions: frozenset[TopicPartition] | None = None,
        txn_start_timestamp_ms: int | None = None,
    ) -> TxnTransit:
        """Start a transition to ``state`` (unset fields keep their values); sets ``pending``."""
        if self.pending is not None:
            raise IllegalTransitionError(
                f"{self.transactional_id}: {self.pending.state.kafka_name} already pending"
            )
        if self.state not in VALID_PREVIOUS_STATES[state]:
            raise IllegalTransitionError(
                f"{self.transactional_id}: {self.state.kafka_name} -> {state.kafka_name}"
            )
        transit = TxnTransit(
            producer_id=self.producer_id if producer_id is None else producer_id,
            last_producer_id=self.producer_id,
            producer_epoch=self.producer_epoch if producer_epoch is None else producer_epoch,
            last_producer_epoch=(
                self.last_producer_epoch if last_producer_epoch is None else last_producer_epoch
            ),
            txn_timeout_ms=self.txn_timeout_ms if txn_timeout_ms is None else txn_timeout_ms,
            state=state,
            partitions=frozenset(self.partitions) if partitions is None else partitions,
            txn_start_timestamp_ms=(
                self.txn_start_timestamp_ms
                if txn_start_timestamp_ms is None
                else txn_start_timestamp_ms
            ),
            txn_last_update_timestamp_ms=now_ms,
        )
        self.pending = transit
        return transit

    def complete(self, transit: TxnTransit) -> None:
        """The pending transition's record is durable: take it as the state."""
        if self.pending is not transit:
            raise IllegalTransitionError(f"{self.transactional_id}: not the pending transition")
        self.pending = None
        self.durable = True
        self.producer_id = transit.producer_id
        self.last_producer_id = transit.last_producer_id
        self.producer_epoch = transit.producer_epoch
        self.last_producer_epoch = transit.last_producer_epoch
        self.txn_timeout_ms = transit.txn_timeout_ms
        self.state = transit.state
        self.partitions = set(transit.partitions)
        self.txn_start_timestamp_ms = transit.txn_start_timestamp_ms
        self.txn_last_update_timestamp_ms = transit.txn_last_update_timestamp_ms
