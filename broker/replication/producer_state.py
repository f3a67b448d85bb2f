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

No IO and no clock: times are arguments. ``snapshot()`` / ``from_snapshot()`` serialise the
table (the broker stores it through storage's producer-snapshot files and rebuilds the rest
from batch headers with ``replay``).
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from typing import Final

import crc32c

from protocol.errors import InvalidProducerEpochError, OutOfOrderSequenceNumberError

__all__ = [
    "BATCHES_RETAINED",
    "MAX_PRODUCERS_PER_PARTITION",
    "BatchMetadata",
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

_SNAPSHOT_MAGIC: Final = b"SPS\x01"
_HEADER: Final = struct.Struct(">4sIi")  # magic, crc32c of the rest, producer count
_PRODUCER: Final = struct.Struct(">qhqb")  # id, epoch, last update ms, batch count
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


class ProducerEntry:
    """One producer's state in one partition."""

    __slots__ = ("batches", "last_update_ms", "producer_epoch", "producer_id")

    def __init__(self, producer_id: int, producer_epoch: int, last_update_ms: int) -> None:
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.batches: deque[BatchMetadata] = deque(maxlen=BATCHES_RETAINED)
        self.last_update_ms = last_update_ms

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
        #: Bumped on every change; the broker snapshots when it moved since the last one.
        self.version = 0

    def __len__(self) -> int:
        return len(self._producers)

    def get(self, producer_id: int) -> ProducerEntry | None:
        """The producer's entry, or None."""
        return self._producers.get(producer_id)

    # -- the produce path ------------------------------------------------------------------

    def check(
        self, producer_id: int, producer_epoch: int, first_seq: int, last_seq: int
    ) -> BatchMetadata | None:
        """Validate a batch before it is appended. Returns the original batch when this one
        is a duplicate (do not append; answer with its offsets), else None (append it).

        Raises InvalidProducerEpochError or OutOfOrderSequenceNumberError.
        """
        entry = self._producers.get(producer_id)
        if entry is None:
            return None
        if producer_epoch < entry.producer_epoch:
            raise InvalidProducerEpochError(
                f"Producer {producer_id}'s epoch {producer_epoch} is older than the current "
                f"epoch {entry.producer_epoch}"
            )
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
    ) -> None:
        """Remember an appended batch (after ``check`` and the append, or on ``replay``)."""
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
        producers[producer_id] = entry  # most recently written last
        if len(producers) > self._max_producers:
            del producers[next(iter(producers))]
        self.version += 1

    #: Rebuilding from the log is the same update, without checks (the log is the truth).
    replay = record

    # -- housekeeping ----------------------------------------------------------------------

    def expire(self, now_ms: int, expiration_ms: int) -> int:
        """Forget producers that have not written for ``expiration_ms``; returns how many."""
        horizon = now_ms - expiration_ms
        doomed = [pid for pid, e in self._producers.items() if e.last_update_ms <= horizon]
        for pid in doomed:
            del self._producers[pid]
        if doomed:
            self.version += 1
        return len(doomed)

    def truncate_head(self, log_start_offset: int) -> int:
        """Forget producers whose every batch lies below the new log start offset."""
        doomed = [pid for pid, e in self._producers.items() if e.last_offset < log_start_offset]
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
                e.producer_id, e.producer_epoch, e.last_update_ms, len(e.batches)
            )
            for b in e.batches:
                body += _BATCH.pack(b.last_seq, b.last_offset, b.offset_delta, b.timestamp_ms)
        header = _HEADER.pack(_SNAPSHOT_MAGIC, crc32c.crc32c(body), len(self._producers))
        return header + bytes(body)

    @classmethod
    def from_snapshot(
        cls, data: bytes, *, max_producers: int = MAX_PRODUCERS_PER_PARTITION
    ) -> ProducerStateTable:
        """Rebuild a table from ``snapshot()`` bytes; SnapshotError if they are damaged."""
        if len(data) < _HEADER.size:
            raise SnapshotError("producer snapshot is truncated")
        magic, crc, count = _HEADER.unpack_from(data)
        if magic != _SNAPSHOT_MAGIC:
            raise SnapshotError(f"producer snapshot has unknown magic {magic!r}")
        body = memoryview(data)[_HEADER.size :]
        if crc32c.crc32c(body) != crc:
            raise SnapshotError("producer snapshot fails its CRC")
        table = cls(max_producers=max_producers)
        pos = 0
        try:
            for _ in range(count):
                pid, epoch, last_update, n = _PRODUCER.unpack_from(body, pos)
                pos += _PRODUCER.size
                entry = ProducerEntry(pid, epoch, last_update)
                for _ in range(n):
                    entry.batches.append(BatchMetadata(*_BATCH.unpack_from(body, pos)))
                    pos += _BATCH.size
                table._producers[pid] = entry
        except struct.error as exc:
            raise SnapshotError(f"producer snapshot is malformed: {exc}") from None
        if pos != len(body):
            raise SnapshotError("producer snapshot has trailing bytes")
        return table
