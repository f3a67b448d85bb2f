"""Zero-copy view of a RecordBatch (message format v2, magic 2); the header layout is in
``protocol.records.header``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from enum import IntEnum
from typing import NamedTuple

import crc32c

from protocol.errors import CorruptMessageError
from protocol.records.compression import DEFAULT_MAX_DECOMPRESSED_BYTES, Compression, decompress
from protocol.records.header import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    COMPRESSION_MASK,
    CONTROL_FLAG,
    DELETE_HORIZON_FLAG,
    HEADER,
    LOG_OVERHEAD,
    MAGIC,
    MAX_BATCH_SIZE,
    MIN_BATCH_LENGTH,
    MIN_RECORD_SIZE,
    NO_SEQUENCE,
    TIMESTAMP_TYPE_FLAG,
    TRANSACTIONAL_FLAG,
)
from protocol.records.record import Record, decode_records

#: Codec id → ``Compression`` member, by index (calling the enum costs more than the check).
_CODECS: tuple[Compression, ...] = tuple(sorted(Compression))

__all__ = [
    "ControlRecord",
    "ControlRecordType",
    "RecordBatch",
    "TimestampType",
    "decode_control_record",
    "iter_batches",
]

_INT32_MAX = 0x7FFFFFFF

_LENGTH_PREFIX = struct.Struct(">qi")
_CONTROL_KEY = struct.Struct(">hh")
_CONTROL_VALUE = struct.Struct(">hi")


class TimestampType(IntEnum):
    """Which clock the batch's timestamps come from (attribute bit 3)."""

    CREATE_TIME = 0
    LOG_APPEND_TIME = 1


class ControlRecordType(IntEnum):
    """The ``type`` field of a control record's key (Kafka's values)."""

    ABORT = 0
    COMMIT = 1
    LEADER_CHANGE = 2
    SNAPSHOT_HEADER = 3
    SNAPSHOT_FOOTER = 4
    KRAFT_VERSION = 5
    KRAFT_VOTERS = 6


class ControlRecord(NamedTuple):
    """A decoded control record: its type and, for transaction markers, the coordinator epoch.

    ``type`` is a ``ControlRecordType`` when the value is known, else the raw int.
    ``coordinator_epoch`` is -1 for control records that are not COMMIT/ABORT markers.
    """

    type: int
    coordinator_epoch: int


class RecordBatch:
    """A zero-copy view of one v2 record batch.

    ``buf`` must start at the batch and hold at least its 61-byte header; ``validate()``
    additionally requires that it holds exactly the batch. The header is parsed once, eagerly;
    record payloads are only touched by ``validate()`` (CRC) and ``records()``.
    """

    __slots__ = (
        "_buf",
        "attributes",
        "base_offset",
        "base_sequence",
        "base_timestamp",
        "batch_length",
        "crc",
        "last_offset_delta",
        "magic",
        "max_timestamp",
        "partition_leader_epoch",
        "producer_epoch",
        "producer_id",
        "records_count",
    )

    base_offset: int
    batch_length: int
    partition_leader_epoch: int
    magic: int
    crc: int
    attributes: int
    last_offset_delta: int
    base_timestamp: int
    max_timestamp: int
    producer_id: int
    producer_epoch: int
    base_sequence: int
    records_count: int

    def __init__(self, buf: memoryview | bytes | bytearray) -> None:
        if not isinstance(buf, memoryview):
            buf = memoryview(buf)
        if len(buf) < BATCH_HEADER_SIZE:
            raise CorruptMessageError(
                f"record batch truncated: {len(buf)} bytes is less than the "
                f"{BATCH_HEADER_SIZE}-byte header"
            )
        self._buf = buf
        (
            self.base_offset,
            self.batch_length,
            self.partition_leader_epoch,
            self.magic,
            self.crc,
            self.attributes,
            self.last_offset_delta,
            self.base_timestamp,
            self.max_timestamp,
            self.producer_id,
            self.producer_epoch,
            self.base_sequence,
            self.records_count,
        ) = HEADER.unpack_from(buf)

    def __repr__(self) -> str:
        return (
            f"RecordBatch(base_offset={self.base_offset}, last_offset_delta="
            f"{self.last_offset_delta}, records_count={self.records_count}, "
            f"size_in_bytes={self.size_in_bytes}, attributes={self.attributes:#x})"
        )

    # -- derived header facts -----------------------------------------------------------------

    @property
    def buffer(self) -> memoryview:
        """The memoryview this batch was parsed from (not copied)."""
        return self._buf

    @property
    def size_in_bytes(self) -> int:
        """Total size of the batch on the wire: ``12 + batch_length``."""
        return LOG_OVERHEAD + self.batch_length

    @property
    def last_offset(self) -> int:
        """Offset of the last record (``base_offset + last_offset_delta``)."""
        return self.base_offset + self.last_offset_delta

    @property
    def next_offset(self) -> int:
        """The offset right after this batch (``last_offset + 1``)."""
        return self.base_offset + self.last_offset_delta + 1

    @property
    def compression(self) -> Compression:
        """The codec of the records section; CorruptMessageError for codec ids 5-7."""
        codec = self.attributes & COMPRESSION_MASK
        if codec > Compression.ZSTD:
            raise CorruptMessageError(f"record batch has unknown compression codec id {codec}")
        return _CODECS[codec]

    @property
    def timestamp_type(self) -> TimestampType:
        """CREATE_TIME or LOG_APPEND_TIME (attribute bit 3)."""
        if self.attributes & TIMESTAMP_TYPE_FLAG:
            return TimestampType.LOG_APPEND_TIME
        return TimestampType.CREATE_TIME

    @property
    def is_transactional(self) -> bool:
        """Whether the batch belongs to a transaction (attribute bit 4)."""
        return bool(self.attributes & TRANSACTIONAL_FLAG)

    @property
    def is_control(self) -> bool:
        """Whether the batch holds a control record such as a transaction marker (bit 5)."""
        return bool(self.attributes & CONTROL_FLAG)

    @property
    def has_delete_horizon(self) -> bool:
        """Whether base_timestamp is the delete horizon set by compaction (bit 6)."""
        return bool(self.attributes & DELETE_HORIZON_FLAG)

    @property
    def last_sequence(self) -> int:
        """Sequence of the last record, wrapping past int32 max as Kafka does; -1 if unset."""
        if self.base_sequence == NO_SEQUENCE:
            return NO_SEQUENCE
        return _increment_sequence(self.base_sequence, self.last_offset_delta)

    # -- validation ---------------------------------------------------------------------------

    def validate(self, *, check_offset_delta: bool = True) -> None:
        """Check the batch's framing and CRC without decoding records.

        Raises CorruptMessageError naming the first problem found: those of
        ``validate_integrity()``, then a negative or implausible record count and, when
        ``check_offset_delta``, ``records_count != last_offset_delta + 1`` for non-empty
        batches (compaction may legitimately leave gaps, so followers and recovery may skip it).
        """
        self.validate_integrity()
        count = self.records_count
        if count < 0:
            raise CorruptMessageError(f"record batch has negative records count {count}")
        if check_offset_delta and count > 0 and count != self.last_offset_delta + 1:
            raise CorruptMessageError(
                f"record batch has {count} records but last offset delta "
                f"{self.last_offset_delta} (expected {count - 1})"
            )
        size = LOG_OVERHEAD + self.batch_length
        codec = self.attributes & COMPRESSION_MASK
        if codec == Compression.NONE and count * MIN_RECORD_SIZE > size - BATCH_HEADER_SIZE:
            raise CorruptMessageError(
                f"record batch claims {count} records but its {size - BATCH_HEADER_SIZE}-byte "
                f"payload cannot hold them"
            )

    def validate_integrity(self) -> None:
        """Check that the batch arrived whole and unaltered, without looking at its counts.

        Raises CorruptMessageError for wrong magic, a buffer that is not exactly
        ``12 + batch_length`` bytes, a batch length below the header size, a bad CRC-32C, or an
        unknown codec id (5-7; treated as corruption rather than UNSUPPORTED_COMPRESSION_TYPE
        because no codec has that id). The produce path checks the rest itself
        (``protocol.records.validate``), answering INVALID_RECORD as Kafka does.
        """
        buf = self._buf
        if self.magic != MAGIC:
            raise CorruptMessageError(f"record batch has magic {self.magic}, expected {MAGIC}")
        if self.batch_length < MIN_BATCH_LENGTH:
            raise CorruptMessageError(
                f"record batch length {self.batch_length} is below the minimum {MIN_BATCH_LENGTH}"
            )
        size = LOG_OVERHEAD + self.batch_length
        if len(buf) != size:
            raise CorruptMessageError(
                f"record batch buffer holds {len(buf)} bytes but the batch length says {size}"
            )
        computed = crc32c.crc32c(buf[ATTRIBUTES_OFFSET:])
        if computed != self.crc:
            raise CorruptMessageError(
                f"record batch CRC mismatch: stored {self.crc:#010x}, computed {computed:#010x}"
            )
        codec = self.attributes & COMPRESSION_MASK
        if codec > Compression.ZSTD:
            raise CorruptMessageError(f"record batch has unknown compression codec id {codec}")

    def compute_crc(self) -> int:
        """CRC-32C of the bytes from the attributes to the end of the buffer."""
        return crc32c.crc32c(self._buf[ATTRIBUTES_OFFSET : LOG_OVERHEAD + self.batch_length])

    # -- record access (not for the hot path) -------------------------------------------------

    def payload(self) -> memoryview:
        """The raw (possibly compressed) records section, without copying."""
        end = LOG_OVERHEAD + self.batch_length
        if len(self._buf) < end:
            raise CorruptMessageError(
                f"record batch truncated: buffer holds {len(self._buf)} of {end} bytes"
            )
        return self._buf[BATCH_HEADER_SIZE:end]

    def records(
        self, *, max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
    ) -> Iterator[Record]:
        """Decode the batch's records (decompressing first), with absolute offsets and times.

        Raises CorruptMessageError on malformed records or when decompression would exceed
        ``max_decompressed_bytes``. Does not check the CRC: call ``validate()`` for that.
        """
        count = self.records_count
        if count < 0:
            raise CorruptMessageError(f"record batch has negative records count {count}")
        codec = self.compression
        payload = self.payload()
        if codec == Compression.NONE:
            data = bytes(payload)
        else:
            data = decompress(codec, payload, max_bytes=max_decompressed_bytes)
        if count * MIN_RECORD_SIZE > len(data):
            raise CorruptMessageError(
                f"record batch claims {count} records but its {len(data)}-byte records "
                f"section cannot hold them"
            )
        log_append_time = self.max_timestamp if self.attributes & TIMESTAMP_TYPE_FLAG else None
        return decode_records(
            data,
            count,
            base_offset=self.base_offset,
            base_timestamp=self.base_timestamp,
            log_append_time=log_append_time,
        )

    def control_record(self) -> ControlRecord:
        """Decode the control record of a control batch (type and coordinator epoch).

        Raises CorruptMessageError if the batch is not a control batch or holds no record.
        """
        if not self.is_control:
            raise CorruptMessageError("record batch is not a control batch")
        for record in self.records():
            return decode_control_record(record.key, record.value)
        raise CorruptMessageError("control batch holds no control record")


def _increment_sequence(sequence: int, increment: int) -> int:
    """Add to a producer sequence number, wrapping from int32 max to 0 as Kafka does."""
    if sequence > _INT32_MAX - increment:
        return increment - (_INT32_MAX - sequence) - 1
    return sequence + increment


def iter_batches(
    buf: memoryview | bytes | bytearray, *, allow_partial: bool = True
) -> Iterator[RecordBatch]:
    """Split a records blob (as carried by Produce and Fetch) into batch views, without copying.

    Each yielded batch's buffer is exactly one batch. A trailing batch cut short (Fetch responses
    may end mid-batch) ends iteration when ``allow_partial``, else raises CorruptMessageError.
    A batch length below the header size or above ``MAX_BATCH_SIZE`` raises CorruptMessageError.
    Batches are not validated: call ``validate()`` on each.
    """
    if not isinstance(buf, memoryview):
        buf = memoryview(buf)
    total = len(buf)
    pos = 0
    while pos < total:
        remaining = total - pos
        if remaining < LOG_OVERHEAD:
            if allow_partial:
                return
            raise CorruptMessageError(
                f"records truncated at position {pos}: {remaining} bytes left, "
                f"less than the {LOG_OVERHEAD}-byte batch prefix"
            )
        _, batch_length = _LENGTH_PREFIX.unpack_from(buf, pos)
        if batch_length < MIN_BATCH_LENGTH:
            raise CorruptMessageError(
                f"record batch at position {pos} has length {batch_length}, "
                f"below the minimum {MIN_BATCH_LENGTH}"
            )
        size = LOG_OVERHEAD + batch_length
        if size > MAX_BATCH_SIZE:
            raise CorruptMessageError(
                f"record batch at position {pos} has size {size}, above the cap {MAX_BATCH_SIZE}"
            )
        if size > remaining:
            if allow_partial:
                return
            raise CorruptMessageError(
                f"record batch at position {pos} truncated: {remaining} of {size} bytes present"
            )
        yield RecordBatch(buf[pos : pos + size])
        pos += size


def decode_control_record(key: bytes | None, value: bytes | None) -> ControlRecord:
    """Decode a control record from its key (version, type) and value (version, epoch)."""
    if key is None or len(key) < _CONTROL_KEY.size:
        raise CorruptMessageError("control record key is missing or shorter than 4 bytes")
    _key_version, raw_type = _CONTROL_KEY.unpack_from(key)
    try:
        control_type: int = ControlRecordType(raw_type)
    except ValueError:
        control_type = raw_type
    coordinator_epoch = -1
    if control_type in (ControlRecordType.ABORT, ControlRecordType.COMMIT):
        if value is None or len(value) < _CONTROL_VALUE.size:
            raise CorruptMessageError("transaction marker value is missing or shorter than 6 bytes")
        _value_version, coordinator_epoch = _CONTROL_VALUE.unpack_from(value)
    return ControlRecord(control_type, coordinator_epoch)
