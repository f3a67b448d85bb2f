"""Build v2 record batches: ``RecordBatchBuilder`` and transaction-marker control batches."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

from protocol.records.batch import ControlRecordType, RecordBatch, TimestampType
from protocol.records.compression import Compression, compress
from protocol.records.header import (
    BATCH_HEADER_SIZE,
    COMPRESSION_MASK,
    CONTROL_FLAG,
    LOG_OVERHEAD,
    MAGIC,
    NO_PARTITION_LEADER_EPOCH,
    NO_PRODUCER_EPOCH,
    NO_PRODUCER_ID,
    NO_SEQUENCE,
    TIMESTAMP_TYPE_FLAG,
    TRANSACTIONAL_FLAG,
    pack_header,
    stamp_crc,
)
from protocol.records.record import Header, Record, append_record, encode_headers

__all__ = ["RecordBatchBuilder", "build_control_batch", "rebuild_batch", "seal_batch"]

_CONTROL_KEY = struct.Struct(">hh")
_CONTROL_VALUE = struct.Struct(">hi")
#: Version of the control record key and of the transaction-marker value that we write.
_CONTROL_RECORD_VERSION = 0


def seal_batch(
    records: bytes | bytearray,
    *,
    attributes: int,
    records_count: int,
    last_offset_delta: int,
    base_timestamp: int,
    max_timestamp: int,
    base_offset: int = 0,
    partition_leader_epoch: int = NO_PARTITION_LEADER_EPOCH,
    producer_id: int = NO_PRODUCER_ID,
    producer_epoch: int = NO_PRODUCER_EPOCH,
    base_sequence: int = NO_SEQUENCE,
) -> bytes:
    """A whole batch around an encoded records section: the section compressed with the codec
    of ``attributes`` (bits 0-2), the header written, the CRC-32C computed.

    Every batch Samsa writes is finished here: ``RecordBatchBuilder``, the client's producer
    and compaction's ``rebuild_batch``.
    """
    codec = attributes & COMPRESSION_MASK
    payload = records if codec == Compression.NONE else compress(Compression(codec), records)
    out = bytearray(BATCH_HEADER_SIZE)
    pack_header(
        out,
        0,
        base_offset,
        BATCH_HEADER_SIZE - LOG_OVERHEAD + len(payload),
        partition_leader_epoch,
        MAGIC,
        0,  # crc, stamped below
        attributes,
        last_offset_delta,
        base_timestamp,
        max_timestamp,
        producer_id,
        producer_epoch,
        base_sequence,
        records_count,
    )
    out += payload
    stamp_crc(out)
    return bytes(out)


def rebuild_batch(batch: RecordBatch, records: Sequence[Record]) -> bytes:
    """A batch like ``batch`` (same base offset, last offset delta, timestamps, producer
    fields, attributes, codec) holding only ``records`` (a non-empty subset of its records),
    which keep their offsets, timestamps and headers: how compaction rewrites a batch that
    lost records."""
    base_offset = batch.base_offset
    base_ts = batch.base_timestamp
    encoded = bytearray()
    for r in records:
        append_record(
            encoded,
            r.offset - base_offset,
            r.timestamp - base_ts,
            r.key,
            r.value,
            encode_headers(r.headers) if r.headers else None,
        )
    return seal_batch(
        encoded,
        attributes=batch.attributes,
        records_count=len(records),
        last_offset_delta=batch.last_offset_delta,
        base_timestamp=base_ts,
        max_timestamp=batch.max_timestamp,
        base_offset=base_offset,
        partition_leader_epoch=batch.partition_leader_epoch,
        producer_id=batch.producer_id,
        producer_epoch=batch.producer_epoch,
        base_sequence=batch.base_sequence,
    )


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
        append_record(
            self._buf,
            offset_delta,
            timestamp_ms - self._base_timestamp,
            key,
            value,
            encode_headers(headers) if headers else None,
        )
        self._count = offset_delta + 1
        return offset_delta

    def build(self) -> bytes:
        """The finished batch (header, compressed records, CRC-32C). Needs at least one record."""
        if self._count == 0:
            raise ValueError("cannot build a record batch without records")
        attributes = int(self.compression)
        if self.timestamp_type == TimestampType.LOG_APPEND_TIME:
            attributes |= TIMESTAMP_TYPE_FLAG
        if self.is_transactional:
            attributes |= TRANSACTIONAL_FLAG
        if self._is_control:
            attributes |= CONTROL_FLAG
        return seal_batch(
            self._buf,
            attributes=attributes,
            records_count=self._count,
            last_offset_delta=self._count - 1,
            base_timestamp=self._base_timestamp,
            max_timestamp=self._max_timestamp,
            base_offset=self.base_offset,
            partition_leader_epoch=self.partition_leader_epoch,
            producer_id=self.producer_id,
            producer_epoch=self.producer_epoch,
            base_sequence=self.base_sequence,
        )


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
