"""Idempotent producers: per partition, each producer's epoch and its last batches (pure).

For every producer id the table remembers the epoch and the last ``BATCHES_RETAINED`` batches
(first/last sequence, last offset). A new batch from the same epoch must continue the sequence
(``last_seq + 1``, wrapping from int32 max to 0); a batch that matches a remembered one exactly
is a retry and is answered with its original offsets instead of being appended again. The
rules are Kafka's (≥ 2.5, KIP-360):

* epoch lower than the producer's → INVALID_PRODUCER_EPOCH;
* same epoch: duplicate of a retained batch → its metadata; else the first sequence must follow
  the last one, otherwise OUT_OF_ORDER_SEQUENCE_NUMBER;
* newer epoch: the first sequence must be 0, otherwise OUT_OF_ORDER_SEQUENCE_NUMBER;
* unknown producer (never seen, expired, or its batches all deleted by retention or
  DeleteRecords): any sequence is accepted. UNKNOWN_PRODUCER_ID is therefore never returned,
  as by Kafka ≥ 2.5.

Transactions (KIP-98): a transactional batch from a producer with no open transaction here
opens one at its first offset; a non-transactional batch from a producer with one open is
INVALID_TXN_STATE. A COMMIT or ABORT marker closes it (``complete_txn``): the marker's producer
epoch must not be older than the producer's (INVALID_PRODUCER_EPOCH) nor its coordinator epoch
older than the last one seen (TRANSACTION_COORDINATOR_FENCED); afterwards the producer's epoch
is the marker's. A finished transaction stays *unreplicated* until the high watermark passes
its marker (``prune_replicated``): until then it still holds the last stable offset back, as
Kafka's ``unreplicatedTxns`` do. Producers with an open transaction never expire.

No IO and no clock: times are arguments. ``snapshot()`` / ``from_snapshot()`` serialise the
table (the broker stores it through storage's producer-snapshot files and rebuilds the rest
from batch headers with ``replay`` and ``replay_marker``).
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from typing import Final

import crc32c

from protocol.errors import (
    InvalidProducerEpochError,
    InvalidTxnStateError,
    OutOfOrderSequenceNumberError,
    TransactionCoordinatorFencedError,
)

__all__ = [
    "BATCHES_RETAINED",
    "MAX_PRODUCERS_PER_PARTITION",
    "BatchMetadata",
    "CompletedTxn",
    "ProducerEntry",
    "ProducerStateTable",
    "SnapshotError",
    "in_sequence",
]

#: Batches remembered per producer: a producer has at most 5 requests in flight
#: (``max.in.flight.requests.per.connection`` ≤ 5 with idempotence), so a retry always finds
#: its batch among the last five.
BATCHES_RETAINED: Final = 5

#: Producers remembered per partition; past it the least recently writing one is forgotten
#: (it then counts as unknown, which Kafka ≥ 2.5 accepts). Bounds memory against clients that
#: create a producer per message; expiry (``producer.id.expiration.ms``) normally comes first.
MAX_PRODUCERS_PER_PARTITION: Final = 50_000

_INT32_MAX: Final = 0x7FFFFFFF

_SNAPSHOT_MAGIC_V1: Final = b"SPS\x01"
#: Version 2 adds each producer's open transaction and coordinator epoch.
_SNAPSHOT_MAGIC: Final = b"SPS\x02"
_HEADER: Final = struct.Struct(">4sIi")  # magic, crc32c of the rest, producer count
_PRODUCER_V1: Final = struct.Struct(">qhqb")  # id, epoch, last update ms, batch count
#: id, epoch, last update ms, open transaction's first offset, coordinator epoch, batch count
_PRODUCER: Final = struct.Struct(">qhqqib")
_BATCH: Final = struct.Struct(">iqiq")  # last seq, last offset, offset delta, timestamp


class SnapshotError(ValueError):
    """A producer-state snapshot does not decode."""


def in_sequence(last_seq: int, next_seq: int) -> bool:
    """Whether ``next_seq`` directly follows ``last_seq`` (int32 max wraps to 0)."""
    return next_seq == last_seq + 1 or (next_seq == 0 and last_seq == _INT32_MAX)


def _first_seq(last_seq: int, delta: int) -> int:
    first = last_seq - delta
    return first if first >= 0 else first + _INT32_MAX + 1


@dataclass(frozen=True, slots=True)
class BatchMetadata:
    """A batch as remembered: its sequence range and offsets."""

    last_seq: int
    last_offset: int
    offset_delta: int
    timestamp_ms: int

    @property
    def first_seq(self) -> int:
        """Sequence of the first record (wrapping like the producer's counter)."""
        return _first_seq(self.last_seq, self.offset_delta)

    @property
    def first_offset(self) -> int:
        """Offset of the first record."""
        return self.last_offset - self.offset_delta


@dataclass(frozen=True, slots=True)
class CompletedTxn:
    """A transaction a marker finished in this partition."""

    producer_id: int
    first_offset: int
    #: The offset of the marker.
    last_offset: int
    is_aborted: bool


class ProducerEntry:
    """One producer's state in one partition."""

    __slots__ = (
        "batches",
        "coordinator_epoch",
        "current_txn_first_offset",
        "last_update_ms",
        "producer_epoch",
        "producer_id",
    )

    def __init__(self, producer_id: int, producer_epoch: int, last_update_ms: int) -> None:
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.batches: deque[BatchMetadata] = deque(maxlen=BATCHES_RETAINED)
        self.last_update_ms = last_update_ms
        #: The first offset of the producer's open transaction here (-1: none open).
        self.current_txn_first_offset = -1
        #: The coordinator epoch of the last marker written for the producer (-1: none yet).
        self.coordinator_epoch = -1

    @property
    def last_seq(self) -> int:
        """The last sequence written (-1 when no batch is retained)."""
        return self.batches[-1].last_seq if self.batches else -1

    @property
    def last_offset(self) -> int:
        """The offset of the last record written (-1 when no batch is retained)."""
        return self.batches[-1].last_offset if self.batches else -1

    def find_duplicate(self, first_seq: int, last_seq: int) -> BatchMetadata | None:
        """The retained batch with exactly this sequence range, if any."""
        for b in self.batches:
            if b.last_seq == last_seq and b.first_seq == first_seq:
                return b
        return None


class ProducerStateTable:
    """The idempotent producers of one partition."""

    def __init__(self, *, max_producers: int = MAX_PRODUCERS_PER_PARTITION) -> None:
        self._producers: dict[int, ProducerEntry] = {}
        self._max_producers = max_producers
        #: Open transactions: producer id → first offset (a mirror of the entries', so that
        #: the first unstable offset costs the open transactions, not every producer).
        self._open_txns: dict[int, int] = {}
        #: Transactions finished by a marker the high watermark has not passed yet, in marker
        #: order (markers are appended in offset order).
        self._unreplicated: deque[CompletedTxn] = deque()
        #: Bumped on every change; the broker snapshots when it moved since the last one.
        self.version = 0

    def __len__(self) -> int:
        return len(self._producers)

    def get(self, producer_id: int) -> ProducerEntry | None:
        """The producer's entry, or None."""
        return self._producers.get(producer_id)

    def entries(self) -> list[ProducerEntry]:
        """Every producer's entry (least recently writing first)."""
        return list(self._producers.values())

    # -- the produce path ------------------------------------------------------------------

    def check(
        self,
        producer_id: int,
        producer_epoch: int,
        first_seq: int,
        last_seq: int,
        *,
        is_transactional: bool = False,
        validate_sequence: bool = True,
    ) -> BatchMetadata | None:
        """Validate a batch before it is appended. Returns the original batch when this one
        is a duplicate (do not append; answer with its offsets), else None (append it).
        Without ``validate_sequence`` (the group coordinator's own transactional writes) only
        the epoch and the transaction state are checked.

        Raises InvalidProducerEpochError, OutOfOrderSequenceNumberError or
        InvalidTxnStateError.
        """
        entry = self._producers.get(producer_id)
        if entry is None:
            return None
        if producer_epoch < entry.producer_epoch:
            raise InvalidProducerEpochError(
                f"Producer {producer_id}'s epoch {producer_epoch} is older than the current "
                f"epoch {entry.producer_epoch}"
            )
        if not is_transactional and entry.current_txn_first_offset >= 0:
            raise InvalidTxnStateError(
                f"Producer {producer_id} wrote a non-transactional batch while its transaction "
                f"from offset {entry.current_txn_first_offset} is open"
            )
        if not validate_sequence:
            return None
        if producer_epoch == entry.producer_epoch:
            duplicate = entry.find_duplicate(first_seq, last_seq)
            if duplicate is not None:
                return duplicate
            if entry.batches and not in_sequence(entry.last_seq, first_seq):
                raise OutOfOrderSequenceNumberError(
                    f"Out of order sequence number for producer {producer_id}: {first_seq} "
                    f"(incoming seq. number), {entry.last_seq} (current end sequence number)"
                )
        elif first_seq != 0:
            raise OutOfOrderSequenceNumberError(
                f"Invalid sequence number for new epoch {producer_epoch} of producer "
                f"{producer_id}: {first_seq} (request epoch), expected 0"
            )
        return None

    def record(
        self,
        producer_id: int,
        producer_epoch: int,
        last_seq: int,
        first_offset: int,
        last_offset: int,
        now_ms: int,
        is_transactional: bool = False,
    ) -> None:
        """Remember an appended batch (after ``check`` and the append, or on ``replay``); a
        transactional batch opens the producer's transaction here if none is open (a newer
        epoch keeps the open one: only a marker closes it)."""
        producers = self._producers
        entry = producers.pop(producer_id, None)
        if entry is None:
            entry = ProducerEntry(producer_id, producer_epoch, now_ms)
        elif entry.producer_epoch != producer_epoch:
            entry.producer_epoch = producer_epoch
            entry.batches.clear()
        entry.batches.append(
            BatchMetadata(last_seq, last_offset, last_offset - first_offset, now_ms)
        )
        entry.last_update_ms = now_ms
        if is_transactional and entry.current_txn_first_offset < 0:
            entry.current_txn_first_offset = first_offset
            self._open_txns[producer_id] = first_offset
        producers[producer_id] = entry  # most recently written last
        if len(producers) > self._max_producers:
            self._evict_one()
        self.version += 1

    def _evict_one(self) -> None:
        """Forget the least recently writing producer with no open transaction (one with an
        open transaction holds the last stable offset: forgetting it would expose it)."""
        producers = self._producers
        for pid, entry in producers.items():
            if entry.current_txn_first_offset < 0:
                del producers[pid]
                return

    #: Rebuilding from the log is the same update, without checks (the log is the truth).
    replay = record

    # -- transactions ----------------------------------------------------------------------

    def check_marker(self, producer_id: int, producer_epoch: int, coordinator_epoch: int) -> None:
        """Whether a COMMIT/ABORT marker may be written for the producer (before the append).

        Raises InvalidProducerEpochError (the marker's epoch is older than the producer's) or
        TransactionCoordinatorFencedError (its coordinator epoch is older than the last seen).
        """
        entry = self._producers.get(producer_id)
        if entry is None:
            return
        if producer_epoch < entry.producer_epoch:
            raise InvalidProducerEpochError(
                f"Marker for producer {producer_id} has epoch {producer_epoch}, older than the "
                f"current epoch {entry.producer_epoch}"
            )
        if coordinator_epoch < entry.coordinator_epoch:
            raise TransactionCoordinatorFencedError(
                f"Marker for producer {producer_id} has coordinator epoch {coordinator_epoch}, "
                f"older than the last seen {entry.coordinator_epoch}"
            )

    def complete_txn(
        self,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        marker_offset: int,
        commit: bool,
    ) -> CompletedTxn | None:
        """A marker was appended at ``marker_offset``: close the producer's transaction.
        Returns it, or None when the producer had no open transaction here (the marker is
        then a no-op for state, beyond the producer's epochs). Raises like ``check_marker``.
        """
        self.check_marker(producer_id, producer_epoch, coordinator_epoch)
        return self.replay_marker(
            producer_id, producer_epoch, coordinator_epoch, marker_offset, commit
        )

    def replay_marker(
        self,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        marker_offset: int,
        commit: bool,
    ) -> CompletedTxn | None:
        """``complete_txn`` without the checks: a marker already in the log (a follower's
        copy, start-up replay)."""
        entry = self._producers.get(producer_id)
        if entry is None:
            return None
        if entry.producer_epoch != producer_epoch:
            entry.producer_epoch = producer_epoch
            entry.batches.clear()  # the new epoch's sequences start afresh
        entry.coordinator_epoch = max(entry.coordinator_epoch, coordinator_epoch)
        first = entry.current_txn_first_offset
        self.version += 1
        if first < 0:
            return None
        entry.current_txn_first_offset = -1
        del self._open_txns[producer_id]
        done = CompletedTxn(producer_id, first, marker_offset, not commit)
        self._unreplicated.append(done)
        return done

    def first_unstable_offset(self) -> int | None:
        """The first offset of the oldest transaction not yet decided for consumers: open,
        or finished by a marker the high watermark has not passed (None: none)."""
        found = min(self._open_txns.values(), default=None)
        if self._unreplicated:
            first = min(t.first_offset for t in self._unreplicated)
            found = first if found is None else min(found, first)
        return found

    def first_open_offset(self) -> int | None:
        """The first offset of the oldest open transaction (None: none open)."""
        return min(self._open_txns.values(), default=None)

    def prune_replicated(self, high_watermark: int) -> bool:
        """Forget the finished transactions whose marker lies below ``high_watermark``;
        True if any was."""
        unreplicated = self._unreplicated
        pruned = False
        while unreplicated and unreplicated[0].last_offset < high_watermark:
            unreplicated.popleft()
            pruned = True
        return pruned

    def open_transactions(self) -> dict[int, int]:
        """Producer id → first offset of each open transaction."""
        return dict(self._open_txns)

    # -- housekeeping ----------------------------------------------------------------------

    def expire(self, now_ms: int, expiration_ms: int) -> int:
        """Forget producers that have not written for ``expiration_ms``; returns how many."""
        horizon = now_ms - expiration_ms
        doomed = [
            pid
            for pid, e in self._producers.items()
            if e.last_update_ms <= horizon and e.current_txn_first_offset < 0
        ]
        for pid in doomed:
            del self._producers[pid]
        if doomed:
            self.version += 1
        return len(doomed)

    def truncate_head(self, log_start_offset: int) -> int:
        """Forget producers whose every batch lies below the new log start offset (not those
        with an open transaction, nor those whose batches a marker's new epoch cleared: they
        go when they expire)."""
        doomed = [
            pid
            for pid, e in self._producers.items()
            if e.batches and e.last_offset < log_start_offset and e.current_txn_first_offset < 0
        ]
        for pid in doomed:
            del self._producers[pid]
        if doomed:
            self.version += 1
        return len(doomed)

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole table as bytes (CRC-protected)."""
        body = bytearray()
        for e in self._producers.values():
            body += _PRODUCER.pack(
                e.producer_id,
                e.producer_epoch,
                e.last_update_ms,
                e.current_txn_first_offset,
                e.coordinator_epoch,
                len(e.batches),
            )
            for b in e.batches:
                body += _BATCH.pack(b.last_seq, b.last_offset, b.offset_delta, b.timestamp_ms)
        header = _HEADER.pack(_SNAPSHOT_MAGIC, crc32c.crc32c(body), len(self._producers))
        return header + bytes(body)

    @classmethod
    def from_snapshot(
        cls, data: bytes, *, max_producers: int = MAX_PRODUCERS_PER_PARTITION
    ) -> ProducerStateTable:
        """Rebuild a table from ``snapshot()`` bytes (this version or version 1, which knew
        no transactions); SnapshotError if they are damaged."""
        if len(data) < _HEADER.size:
            raise SnapshotError("producer snapshot is truncated")
        magic, crc, count = _HEADER.unpack_from(data)
        if magic not in (_SNAPSHOT_MAGIC, _SNAPSHOT_MAGIC_V1):
            raise SnapshotError(f"producer snapshot has unknown magic {magic!r}")
        v1 = magic == _SNAPSHOT_MAGIC_V1
        body = memoryview(data)[_HEADER.size :]
        if crc32c.crc32c(body) != crc:
            raise SnapshotError("producer snapshot fails its CRC")
        table = cls(max_producers=max_producers)
        pos = 0
        try:
            for _ in range(count):
                if v1:
                    pid, epoch, last_update, n = _PRODUCER_V1.unpack_from(body, pos)
                    pos += _PRODUCER_V1.size
                    txn_first, coordinator_epoch = -1, -1
                else:
                    pid, epoch, last_update, txn_first, coordinator_epoch, n = (
                        _PRODUCER.unpack_from(body, pos)
                    )
                    pos += _PRODUCER.size
                entry = ProducerEntry(pid, epoch, last_update)
                entry.current_txn_first_offset = txn_first
                entry.coordinator_epoch = coordinator_epoch
                if txn_first >= 0:
                    table._open_txns[pid] = txn_first
                for _ in range(n):
                    entry.batches.append(BatchMetadata(*_BATCH.unpack_from(body, pos)))
                    pos += _BATCH.size
                table._producers[pid] = entry
        except struct.error as exc:
            raise SnapshotError(f"producer snapshot is malformed: {exc}") from None
        if pos != len(body):
            raise SnapshotError("producer snapshot has trailing bytes")
        return table
