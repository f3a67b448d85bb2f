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
import struct
from collections.abc import Iterable, Mapping
from typing import Final

import crc32c

from client.types import RecordMetadata, TimestampType
from protocol.records import SMALL_VARINT_RANGE, SMALL_VARINTS, Compression, compress, encode_varint

__all__ = ["Headers", "ProducerBatch", "encode_headers"]

#: Record headers as ``send`` accepts them: (name, value) pairs or a mapping.
Headers = Iterable[tuple[str, bytes | None]] | Mapping[str, bytes | None]

_BATCH_HEADER: Final = struct.Struct(">qiibIhiqqqhii")
_BATCH_HEADER_SIZE: Final = 61
_LOG_OVERHEAD: Final = 12
_CRC_OFFSET: Final = 17
_ATTRIBUTES_OFFSET: Final = 21
_MAGIC: Final = 2
_NO_PARTITION_LEADER_EPOCH: Final = -1
_INT32_MAX: Final = 2**31 - 1
#: Encoded bytes of a record beyond its key, value and headers, at most: length (5), attributes
#: (1), timestamp delta (10), offset delta (5), key and value lengths (5 each), header count (5).
RECORD_OVERHEAD_MAX: Final = 36

_V: Final = SMALL_VARINTS
_VOFF: Final = SMALL_VARINT_RANGE
_NULL: Final = b"\x01"  # zigzag varint of -1: a null key or value
_NO_HEADERS: Final = b"\x00"
_ATTRS: Final = b"\x00"


def encode_headers(headers: Headers) -> bytes:
    """The header section of a record: count, then (name, value) pairs."""
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    parts = [encode_varint(len(items))]
    for name, value in items:
        raw = name.encode() if isinstance(name, str) else bytes(name)
        parts.append(encode_varint(len(raw)))
        parts.append(raw)
        if value is None:
            parts.append(_NULL)
        else:
            if isinstance(value, str):
                value = value.encode()
            parts.append(encode_varint(len(value)))
            parts.append(bytes(value))
    return b"".join(parts)


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
        delta = timestamp - self.base_timestamp if count else 0
        parts = [
            _ATTRS,
            _V[delta + _VOFF] if -_VOFF <= delta < _VOFF else encode_varint(delta),
            _V[count + _VOFF] if count < _VOFF else encode_varint(count),
        ]
        if key is None:
            parts.append(_NULL)
            size = 0
        else:
            n = len(key)
            parts.append(_V[n + _VOFF] if n < _VOFF else encode_varint(n))
            parts.append(key)
            size = n
        if value is None:
            parts.append(_NULL)
        else:
            n = len(value)
            parts.append(_V[n + _VOFF] if n < _VOFF else encode_varint(n))
            parts.append(value)
            size += n
        if headers is None:
            parts.append(_NO_HEADERS)
        else:
            parts.append(headers)
        body = b"".join(parts)
        n = len(body)
        buf = self.buf
        if count and len(buf) + n + 3 > self.limit:
            return -1
        buf += _V[n + _VOFF] if n < _VOFF else encode_varint(n)
        buf += body
        if count:
            if timestamp > self.max_timestamp:
                self.max_timestamp = timestamp
        else:
            self.base_timestamp = self.max_timestamp = timestamp
        self.count = count + 1
        return count

    def stamp(
        self, producer_id: int, producer_epoch: int, base_sequence: int, compression: Compression
    ) -> bytes:
        """Build the batch's bytes (header, compressed records, CRC) and keep them for retries."""
        payload: bytes | bytearray = (
            self.buf if compression == Compression.NONE else compress(compression, self.buf)
        )
        self.base_sequence = base_sequence
        header = bytearray(
            _BATCH_HEADER.pack(
                0,
                _BATCH_HEADER_SIZE - _LOG_OVERHEAD + len(payload),
                _NO_PARTITION_LEADER_EPOCH,
                _MAGIC,
                0,
                int(compression),
                self.count - 1,
                self.base_timestamp,
                self.max_timestamp,
                producer_id,
                producer_epoch,
                base_sequence,
                self.count,
            )
        )
        with memoryview(header) as view:
            crc = crc32c.crc32c(view[_ATTRIBUTES_OFFSET:])
        crc = crc32c.crc32c(payload, value=crc)
        struct.pack_into(">I", header, _CRC_OFFSET, crc)
        header += payload
        self.wire = bytes(header)
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
