"""The 61-byte header of a v2 record batch: its layout, declared once, and in-place edits.

Layout (big-endian), offsets from the start of the batch::

     0  baseOffset            int64   \
     8  batchLength           int32    } not covered by the CRC; the broker patches
    12  partitionLeaderEpoch  int32   /  baseOffset and partitionLeaderEpoch in place
    16  magic                 int8
    17  crc                   uint32  CRC-32C of bytes 21..end
    21  attributes            int16   bits 0-2 codec, 3 timestamp type, 4 transactional,
                                      5 control, 6 delete horizon
    23  lastOffsetDelta       int32
    27  baseTimestamp         int64
    35  maxTimestamp          int64
    43  producerId            int64
    51  producerEpoch         int16
    53  baseSequence          int32
    57  recordsCount          int32
    61  records...

``batchLength`` counts the bytes after itself, so a batch occupies ``12 + batchLength`` bytes.

Every module that reads or writes header bytes does it through the names here: the offsets and
structs below, the in-place patchers (the broker's append and produce paths, on the frame's own
memoryview), and ``pack_header`` for encoders.
"""

from __future__ import annotations

import struct
from typing import Final

import crc32c

__all__ = [
    "ATTRIBUTES_OFFSET",
    "BASE_OFFSET_OFFSET",
    "BASE_TIMESTAMP_OFFSET",
    "BATCH_HEADER_SIZE",
    "BATCH_LENGTH_OFFSET",
    "COMPRESSION_MASK",
    "CONTROL_FLAG",
    "CRC_OFFSET",
    "DELETE_HORIZON_FLAG",
    "HEADER",
    "LAST_OFFSET_DELTA_OFFSET",
    "LOG_OVERHEAD",
    "MAGIC",
    "MAGIC_OFFSET",
    "MAX_BATCH_SIZE",
    "MAX_TIMESTAMP_OFFSET",
    "MIN_BATCH_LENGTH",
    "MIN_RECORD_SIZE",
    "NO_PARTITION_LEADER_EPOCH",
    "NO_PRODUCER_EPOCH",
    "NO_PRODUCER_ID",
    "NO_SEQUENCE",
    "NO_TIMESTAMP",
    "PARTITION_LEADER_EPOCH_OFFSET",
    "PRODUCER_ID_OFFSET",
    "RECORDS_COUNT_OFFSET",
    "TIMESTAMP_TYPE_FLAG",
    "TRANSACTIONAL_FLAG",
    "pack_header",
    "patch_base_offset",
    "patch_partition_leader_epoch",
    "patch_prefix",
    "read_append_fields",
    "read_batch_length",
    "stamp_crc",
    "stamp_log_append_time",
]

#: The only message format Samsa speaks (RecordBatch v2; v0/v1 message sets are not supported).
MAGIC: Final = 2

#: Size of the fixed v2 batch header, from baseOffset through recordsCount.
BATCH_HEADER_SIZE: Final = 61

#: baseOffset (8) + batchLength (4): the bytes that ``batchLength`` does not count.
LOG_OVERHEAD: Final = 12

#: The smallest legal ``batchLength``: a header with no records.
MIN_BATCH_LENGTH: Final = BATCH_HEADER_SIZE - LOG_OVERHEAD

#: The largest batch a reader accepts (bytes, header included). Kafka's int32 length allows
#: 2 GiB, but a batch has to fit one request, and requests are capped by
#: ``socket.request.max.bytes`` (default 100 MiB); 256 MiB leaves headroom while still rejecting
#: a garbage length before anyone tries to buffer it.
MAX_BATCH_SIZE: Final = 256 * 1024 * 1024

#: Smallest encoded record: length, attributes, timestampDelta, offsetDelta, keyLength,
#: valueLength and header count, one byte each (null key, null value, no headers).
MIN_RECORD_SIZE: Final = 7

#: Field offsets within a batch.
BASE_OFFSET_OFFSET: Final = 0
BATCH_LENGTH_OFFSET: Final = 8
PARTITION_LEADER_EPOCH_OFFSET: Final = 12
MAGIC_OFFSET: Final = 16
CRC_OFFSET: Final = 17
#: The CRC covers everything from the attributes to the end of the batch.
ATTRIBUTES_OFFSET: Final = 21
LAST_OFFSET_DELTA_OFFSET: Final = 23
BASE_TIMESTAMP_OFFSET: Final = 27
MAX_TIMESTAMP_OFFSET: Final = 35
PRODUCER_ID_OFFSET: Final = 43
RECORDS_COUNT_OFFSET: Final = 57

#: Sentinels Kafka uses for "not set".
NO_PARTITION_LEADER_EPOCH: Final = -1
NO_PRODUCER_ID: Final = -1
NO_PRODUCER_EPOCH: Final = -1
NO_SEQUENCE: Final = -1
NO_TIMESTAMP: Final = -1

#: Bits of the attributes field.
COMPRESSION_MASK: Final = 0x07
TIMESTAMP_TYPE_FLAG: Final = 0x08
TRANSACTIONAL_FLAG: Final = 0x10
CONTROL_FLAG: Final = 0x20
DELETE_HORIZON_FLAG: Final = 0x40

#: The whole header in field order: baseOffset, batchLength, partitionLeaderEpoch, magic, crc,
#: attributes, lastOffsetDelta, baseTimestamp, maxTimestamp, producerId, producerEpoch,
#: baseSequence, recordsCount.
HEADER: Final = struct.Struct(">qiibIhiqqqhii")
assert HEADER.size == BATCH_HEADER_SIZE

_INT64: Final = struct.Struct(">q")
_INT32: Final = struct.Struct(">i")
_INT16: Final = struct.Struct(">h")
_UINT32: Final = struct.Struct(">I")
assert CRC_OFFSET + _UINT32.size == ATTRIBUTES_OFFSET

# batchLength, magic, lastOffsetDelta, maxTimestamp and recordsCount, skipping the fields
# between them (pad bytes): what an append needs, in one unpack.
_APPEND_FIELDS: Final = struct.Struct(
    f">{BATCH_LENGTH_OFFSET}xi{MAGIC_OFFSET - BATCH_LENGTH_OFFSET - 4}x"
    f"b{LAST_OFFSET_DELTA_OFFSET - MAGIC_OFFSET - 1}x"
    f"i{MAX_TIMESTAMP_OFFSET - LAST_OFFSET_DELTA_OFFSET - 4}x"
    f"q{RECORDS_COUNT_OFFSET - MAX_TIMESTAMP_OFFSET - 8}xi"
)
assert _APPEND_FIELDS.size == BATCH_HEADER_SIZE

# baseOffset, batchLength, partitionLeaderEpoch: the bytes before the CRC'd part that the
# broker rewrites, contiguous from offset 0.
_PREFIX: Final = struct.Struct(">qii")
assert _PREFIX.size == MAGIC_OFFSET

#: ``read_append_fields(buf, pos)`` -> ``(batch_length, magic, last_offset_delta,
#: max_timestamp, records_count)`` of the batch at ``pos``, in one unpack (the bound
#: ``Struct.unpack_from`` itself: the append path calls it per batch and pays no extra call).
#: ``buf`` must hold the whole header from ``pos``. ``RecordBatch`` parses all thirteen
#: fields into an object, which costs more than the write of a small batch.
read_append_fields: Final = _APPEND_FIELDS.unpack_from

#: ``patch_prefix(buf, pos, base_offset, batch_length, partition_leader_epoch)`` writes the
#: first 16 bytes of the batch at ``pos`` in place (the bound ``Struct.pack_into``). They lie
#: outside the CRC, so the batch stays valid; ``batch_length`` is normally rewritten unchanged.
patch_prefix: Final = _PREFIX.pack_into

#: ``pack_header(buf, pos, *fields)``: the thirteen header fields (``HEADER``'s order) written
#: into ``buf`` at ``pos``; write the CRC afterwards with ``stamp_crc``.
pack_header: Final = HEADER.pack_into


def read_batch_length(buf: bytes | bytearray | memoryview, pos: int = 0) -> int:
    """The ``batchLength`` of the batch at ``pos`` (``buf`` must hold its first 12 bytes)."""
    length: int = _INT32.unpack_from(buf, pos + BATCH_LENGTH_OFFSET)[0]
    return length


def patch_base_offset(buf: bytearray | memoryview, offset: int, *, pos: int = 0) -> None:
    """Write ``offset`` as the baseOffset of the batch starting at ``pos``, in place.

    The field lies outside the CRC, so the batch stays valid.
    """
    _INT64.pack_into(buf, pos + BASE_OFFSET_OFFSET, offset)


def patch_partition_leader_epoch(buf: bytearray | memoryview, epoch: int, *, pos: int = 0) -> None:
    """Write ``epoch`` as the partitionLeaderEpoch of the batch starting at ``pos``, in place.

    The field lies outside the CRC, so the batch stays valid.
    """
    _INT32.pack_into(buf, pos + PARTITION_LEADER_EPOCH_OFFSET, epoch)


def stamp_crc(batch: bytearray | memoryview) -> None:
    """Compute the CRC-32C of ``batch`` (exactly one batch) and write it into its header."""
    with memoryview(batch) as view:
        _UINT32.pack_into(view, CRC_OFFSET, crc32c.crc32c(view[ATTRIBUTES_OFFSET:]))


def stamp_log_append_time(batch: memoryview, now_ms: int) -> None:
    """Mark ``batch`` (exactly one batch, writable) LogAppendTime with ``now_ms`` as its max
    timestamp, and re-CRC it, in place: one pass over the batch; records are not touched."""
    (attributes,) = _INT16.unpack_from(batch, ATTRIBUTES_OFFSET)
    _INT16.pack_into(batch, ATTRIBUTES_OFFSET, attributes | TIMESTAMP_TYPE_FLAG)
    _INT64.pack_into(batch, MAX_TIMESTAMP_OFFSET, now_ms)
    _UINT32.pack_into(batch, CRC_OFFSET, crc32c.crc32c(batch[ATTRIBUTES_OFFSET:]))
