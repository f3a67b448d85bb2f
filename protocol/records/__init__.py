"""Kafka record batches (message format v2): zero-copy views, validation, records, building.

The header layout is declared once, in ``header.py``. The broker's hot path needs only
``iter_batches``, ``RecordBatch`` (header fields and ``validate()``) and the in-place header
patchers; record decoding and building are for the few
places that need records (compaction, the client, tests).
"""

from protocol.records.batch import (
    ControlRecord,
    ControlRecordType,
    RecordBatch,
    TimestampType,
    decode_control_record,
    iter_batches,
)
from protocol.records.builder import RecordBatchBuilder, build_control_batch
from protocol.records.compression import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    Compression,
    compress,
    decompress,
)
from protocol.records.header import (
    ATTRIBUTES_OFFSET,
    BASE_OFFSET_OFFSET,
    BATCH_HEADER_SIZE,
    BATCH_LENGTH_OFFSET,
    CRC_OFFSET,
    LOG_OVERHEAD,
    MAGIC,
    MAX_BATCH_SIZE,
    MIN_BATCH_LENGTH,
    MIN_RECORD_SIZE,
    NO_PARTITION_LEADER_EPOCH,
    NO_PRODUCER_EPOCH,
    NO_PRODUCER_ID,
    NO_SEQUENCE,
    NO_TIMESTAMP,
    PARTITION_LEADER_EPOCH_OFFSET,
    patch_base_offset,
    patch_partition_leader_epoch,
    patch_prefix,
    read_append_fields,
    read_batch_length,
    stamp_crc,
    stamp_log_append_time,
)
from protocol.records.record import (
    SMALL_VARINT_RANGE,
    SMALL_VARINTS,
    Header,
    Record,
    decode_records,
    encode_varint,
    read_varint,
)

__all__ = [
    "ATTRIBUTES_OFFSET",
    "BASE_OFFSET_OFFSET",
    "BATCH_HEADER_SIZE",
    "BATCH_LENGTH_OFFSET",
    "CRC_OFFSET",
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "LOG_OVERHEAD",
    "MAGIC",
    "MAX_BATCH_SIZE",
    "MIN_BATCH_LENGTH",
    "MIN_RECORD_SIZE",
    "NO_PARTITION_LEADER_EPOCH",
    "NO_PRODUCER_EPOCH",
    "NO_PRODUCER_ID",
    "NO_SEQUENCE",
    "NO_TIMESTAMP",
    "PARTITION_LEADER_EPOCH_OFFSET",
    "SMALL_VARINTS",
    "SMALL_VARINT_RANGE",
    "Compression",
    "ControlRecord",
    "ControlRecordType",
    "Header",
    "Record",
    "RecordBatch",
    "RecordBatchBuilder",
    "TimestampType",
    "build_control_batch",
    "compress",
    "decode_control_record",
    "decode_records",
    "decompress",
    "encode_varint",
    "iter_batches",
    "patch_base_offset",
    "patch_partition_leader_epoch",
    "patch_prefix",
    "read_append_fields",
    "read_batch_length",
    "read_varint",
    "stamp_crc",
    "stamp_log_append_time",
]
