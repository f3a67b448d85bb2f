"""A batch of records for one partition, encoded as they are appended.

Records go straight into the v2 record format in one growing buffer (the per-record work of
``send``); the 61-byte header, compression and CRC-32C are done once, when the sender first
sends the batch, with the producer id, epoch and base sequence of that moment. A retry resends
the same bytes; only a producer-id reset stamps the batch again.

One ``asyncio.Future`` per batch carries the outcome; the per-record futures (``RecordFuture``)
read it, so completing a batch costs one ``set_result`` whatever its record count.
"""

from __future__ import annotations

import asyncio
from typing import Final

from client.types import RecordMetadata, TimestampType
from protocol.records import (
    RECORD_OVERHEAD_MAX,
    Compression,
    Headers,
    append_record,
    encode_headers,
    seal_batch,
)
from protocol.records.header import TRANSACTIONAL_FLAG

__all__ = ["RECORD_OVERHEAD_MAX", "Headers", "ProducerBatch", "encode_headers"]

_INT32_MAX: Final = 2**31 - 1


class ProducerBatch:
    """Records for one partition, their bytes, and the future of their outcome."""

    __slots__ = (
        "attempts",
        "base_offset",
        "base_sequence",
        "base_timestamp",
        "buf",
        "count",
        "created",
        "expected_offset",
        "future",
        "last_error",
        "limit",
        "log_append_time",
        "max_timestamp",
        "partition",
        "reserved",
        "topic",
        "wire",
    )

    def __init__(
        self, topic: str, partition: int, limit: int, created: float, future: asyncio.Future[None]
    ) -> None:
        self.topic = topic
        self.partition = partition
        #: Records are added while the encoded records stay within this many bytes (the first
        #: record always fits: a record larger than ``batch.size`` gets a batch of its own).
        self.limit = limit
        self.created = created
        self.future = future
        self.buf = bytearray()
        self.count = 0
        self.base_timestamp = 0
        self.max_timestamp = 0
        self.attempts = 0
        self.base_sequence = -1
        self.wire: bytes | None = None
        self.base_offset = -1
        self.log_append_time = -1
        #: Bytes of ``buffer.memory`` this batch holds (``batch.size``, or more for one large
        #: record); released when it completes or fails.
        self.reserved = 0
        #: The error of the last failed attempt, for the message when the batch expires.
        self.last_error: BaseException | None = None
        #: A conditional append's expected log end offset (``send(..., expected_offset=N)``):
        #: such a batch holds that one record and is sent alone, by ConditionalProduce.
        self.expected_offset: int | None = None

    def __repr__(self) -> str:
        condition = (
            "" if self.expected_offset is None else f", expected offset {self.expected_offset}"
        )
        return (
            f"ProducerBatch({self.topic}-{self.partition}, {self.count} records, "
            f"{len(self.buf)} bytes, sequence {self.base_sequence}, attempts {self.attempts}"
            f"{condition})"
        )

    @property
    def size(self) -> int:
        """Bytes held (the encoded records), as counted against ``buffer.memory``."""
        return len(self.buf)

    def append(
        self, timestamp: int, key: bytes | None, value: bytes | None, headers: bytes | None
    ) -> int:
        """Encode a record; its index in the batch, or -1 when the batch is full.

        ``headers`` is the encoded header section (``encode_headers``) or None for none.
        """
        count = self.count
        buf = self.buf
        start = len(buf)
        delta = timestamp - self.base_timestamp if count else 0
        append_record(buf, count, delta, key, value, headers)
        if count and len(buf) > self.limit:
            del buf[start:]  # once per batch: the record goes to the next one
            return -1
        if count:
            if timestamp > self.max_timestamp:
                self.max_timestamp = timestamp
        else:
            self.base_timestamp = self.max_timestamp = timestamp
        self.count = count + 1
        return count

    def stamp(
        self,
        producer_id: int,
        producer_epoch: int,
        base_sequence: int,
        compression: Compression,
        *,
        transactional: bool = False,
    ) -> bytes:
        """Build the batch's bytes (header, compressed records, CRC) and keep them for retries.
        A ``transactional`` batch is marked so (its records are visible to read_committed
        consumers only once the transaction commits)."""
        self.base_sequence = base_sequence
        self.wire = seal_batch(
            self.buf,
            attributes=int(compression) | (TRANSACTIONAL_FLAG if transactional else 0),
            records_count=self.count,
            last_offset_delta=self.count - 1,
            base_timestamp=self.base_timestamp,
            max_timestamp=self.max_timestamp,
            producer_id=producer_id,
            producer_epoch=producer_epoch,
            base_sequence=base_sequence,
        )
        return self.wire

    def unstamp(self) -> None:
        """Forget the sequence and bytes (after a producer-id reset: it is stamped again)."""
        self.base_sequence = -1
        self.wire = None

    @property
    def last_sequence(self) -> int:
        """The sequence of the last record (wrapping past int32 max as Kafka does)."""
        return (self.base_sequence + self.count - 1) % (_INT32_MAX + 1)

    # -- outcome -----------------------------------------------------------------------------

    def complete(self, base_offset: int, log_append_time: int) -> None:
        """Every record is written: ``base_offset`` is the first record's offset (-1: unknown)."""
        self.base_offset = base_offset
        self.log_append_time = log_append_time
        self.buf = bytearray()
        self.wire = None
        if not self.future.done():
            self.future.set_result(None)

    def fail(self, error: BaseException) -> None:
        """No record of the batch is written."""
        self.buf = bytearray()
        self.wire = None
        if not self.future.done():
            self.future.set_exception(error)
            # Awaiting record futures see the error; unawaited ones must not log it once per
            # batch again (the sender logs each failed batch).
            self.future.exception()

    def metadata(self, index: int, timestamp: int) -> RecordMetadata:
        """The metadata of the record at ``index`` (after ``complete``)."""
        offset = self.base_offset + index if self.base_offset >= 0 else -1
        if self.log_append_time >= 0:
            return RecordMetadata(
                self.topic, self.partition, offset, self.log_append_time,
                TimestampType.LOG_APPEND_TIME,
            )  # fmt: skip
        return RecordMetadata(self.topic, self.partition, offset, timestamp)
