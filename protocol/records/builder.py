"""Build v2 record batches: ``RecordBatchBuilder`` and transaction-marker control batches."""

from __future__ import annotations

import struct
from collections.abc import Iterable

import crc32c

from protocol.records.batch import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    CRC_OFFSET,
    LOG_OVERHEAD,
    MAGIC,
    NO_PARTITION_LEADER_EPOCH,
    NO_PRODUCER_EPOCH,
    NO_PRODUCER_ID,
    NO_SEQUENCE,
    ControlRecordType,
    TimestampType,
)
from protocol.records.compression import Compression, compress
from protocol.records.record import Header, encode_varint

__all__ = ["RecordBatchBuilder", "build_control_batch"]

_HEADER = struct.Struct(">qiibIhiqqqhii")
_CRC = struct.Struct(">I")
_CONTROL_KEY = struct.Struct(">hh")
_CONTROL_VALUE = struct.Struct(">hi")
#: Version of the control record key and of the transaction-marker value that we write.
_CONTROL_RECORD_VERSION = 0

_TIMESTAMP_TYPE_FLAG = 0x08
_TRANSACTIONAL_FLAG = 0x10
_CONTROL_FLAG = 0x20

#: The record attributes byte is unused in v2 and always 0; with ``length`` prepended below.
_RECORD_ATTRIBUTES = b"\x00"
_NULL_LENGTH = encode_varint(-1)


class RecordBatchBuilder:
    """Accumulates records and produces one v2 batch (``build()``), compressed and CRC'd.

    Records are encoded as they are appended, into one growing buffer; ``build()`` compresses
    that buffer once and writes the header. The first record's timestamp becomes the batch's
    base timestamp; offsets are ``base_offset`` plus the append index.
    """

    __slots__ = (
        "_base_timestamp",
        "_buf",
        "_count",
        "_is_control",
        "_max_timestamp",
        "base_offset",
        "base_sequence",
        "compression",
        "is_transactional",
        "partition_leader_epoch",
        "producer_epoch",
        "producer_id",
        "timestamp_type",
    )

    def __init__(
        self,
        *,
        compression: Compression = Compression.NONE,
        base_offset: int = 0,
        partition_leader_epoch: int = NO_PARTITION_LEADER_EPOCH,
        producer_id: int = NO_PRODUCER_ID,
        producer_epoch: int = NO_PRODUCER_EPOCH,
        base_sequence: int = NO_SEQUENCE,
        is_transactional: bool = False,
        timestamp_type: TimestampType = TimestampType.CREATE_TIME,
        is_control: bool = False,
    ) -> None:
        self.compression = Compression(compression)
        self.base_offset = base_offset
        self.partition_leader_epoch = partition_leader_epoch
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.base_sequence = base_sequence
        self.is_transactional = is_transactional
        self.timestamp_type = TimestampType(timestamp_type)
        self._is_control = is_control
        self._buf = bytearray()
        self._count = 0
        self._base_timestamp = 0
        self._max_timestamp = -1

    def __len__(self) -> int:
        """Number of records appended so far."""
        return self._count

    @property
    def size_estimate(self) -> int:
        """Bytes the batch would take uncompressed: header plus encoded records."""
        return BATCH_HEADER_SIZE + len(self._buf)

    def append(
        self,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Iterable[Header] = (),
        timestamp_ms: int,
    ) -> int:
        """Encode one record; returns its offset delta (0 for the first record)."""
        offset_delta = self._count
        if offset_delta == 0:
            self._base_timestamp = timestamp_ms
            self._max_timestamp = timestamp_ms
        elif timestamp_ms > self._max_timestamp:
            self._max_timestamp = timestamp_ms
        varint = encode_varint
        parts = [
            _RECORD_ATTRIBUTES,
            varint(timestamp_ms - self._base_timestamp),
            varint(offset_delta),
        ]
        if key is None:
            parts.append(_NULL_LENGTH)
        else:
            parts.append(varint(len(key)))
            parts.append(key)
        if value is None:
            parts.append(_NULL_LENGTH)
        else:
            parts.append(varint(len(value)))
            parts.append(value)
        if headers:
            header_list = list(headers)
            parts.append(varint(len(header_list)))
            for name, header_value in header_list:
                encoded_name = name.encode()
                parts.append(varint(len(encoded_name)))
                parts.append(encoded_name)
                if header_value is None:
                    parts.append(_NULL_LENGTH)
                else:
                    parts.append(varint(len(header_value)))
                    parts.append(header_value)
        else:
            parts.append(b"\x00")  # zero headers
        body = b"".join(parts)
        buf = self._buf
        buf += varint(len(body))
        buf += body
        self._count = offset_delta + 1
        return offset_delta

    def build(self) -> bytes:
        """The finished batch (header, compressed records, CRC-32C). Needs at least one record."""
        if self._count == 0:
            raise ValueError("cannot build a record batch without records")
        attributes = int(self.compression)
        if self.timestamp_type == TimestampType.LOG_APPEND_TIME:
            attributes |= _TIMESTAMP_TYPE_FLAG
        if self.is_transactional:
            attributes |= _TRANSACTIONAL_FLAG
        if self._is_control:
            attributes |= _CONTROL_FLAG
        if self.compression == Compression.NONE:
            payload: bytes | bytearray = self._buf
        else:
            payload = compress(self.compression, self._buf)
        out = bytearray(BATCH_HEADER_SIZE)
        _HEADER.pack_into(
            out,
            0,
            self.base_offset,
            BATCH_HEADER_SIZE - LOG_OVERHEAD + len(payload),
            self.partition_leader_epoch,
            MAGIC,
            0,  # crc, filled in below
            attributes,
            self._count - 1,
            self._base_timestamp,
            self._max_timestamp,
            self.producer_id,
            self.producer_epoch,
            self.base_sequence,
            self._count,
        )
        out += payload
        with memoryview(out) as view:
            crc = crc32c.crc32c(view[ATTRIBUTES_OFFSET:])
        _CRC.pack_into(out, CRC_OFFSET, crc)
        return bytes(out)


def build_control_batch(
    control_type: ControlRecordType,
    *,
    producer_id: int,
    producer_epoch: int,
    coordinator_epoch: int,
    timestamp_ms: int,
    base_offset: int = 0,
    partition_leader_epoch: int = NO_PARTITION_LEADER_EPOCH,
) -> bytes:
    """A transactional control batch holding one COMMIT or ABORT marker for a producer."""
    if control_type not in (ControlRecordType.COMMIT, ControlRecordType.ABORT):
        raise ValueError(f"transaction markers are COMMIT or ABORT, not {control_type!r}")
    builder = RecordBatchBuilder(
        base_offset=base_offset,
        partition_leader_epoch=partition_leader_epoch,
        producer_id=producer_id,
        producer_epoch=producer_epoch,
        is_transactional=True,
        is_control=True,
    )
    builder.append(
        _CONTROL_VALUE.pack(_CONTROL_RECORD_VERSION, coordinator_epoch),
        key=_CONTROL_KEY.pack(_CONTROL_RECORD_VERSION, int(control_type)),
        timestamp_ms=timestamp_ms,
    )
    return builder.build()
