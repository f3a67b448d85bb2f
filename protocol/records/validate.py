"""Full validation of a produced batch, record by record, as Kafka's log validator does.

The broker's leader runs it on every batch a client produces, after
``RecordBatch.validate_integrity()`` (magic, length, CRC-32C, codec id: CORRUPT_MESSAGE) and
its own control and transaction checks. It refuses whatever a consumer (librdkafka, the Java
client, kafka-python, aiokafka, Samsa's client) or Samsa's log cleaner would fail on:

* INVALID_RECORD, as Kafka: a records count below 1 or not ``last_offset_delta + 1``; a
  producer id with a negative base sequence; any record problem of the walk
  (``recordcheck.py``: lengths, varints, counts, offset and timestamp deltas, header keys that
  are not UTF-8, bytes left over); a record without a key on a compacted topic ("Compacted
  topic cannot accept message without key"). Problems of one record carry its index as a
  ``RecordError`` (ProduceResponse v8 ``record_errors``); every keyless record of a batch is
  listed, as Kafka lists them, so that a client fails each with its own cause.
* CORRUPT_MESSAGE: a compressed records section that does not decompress, or that expands past
  the decompression cap (``DEFAULT_MAX_DECOMPRESSED_BYTES``; modern Kafka answers
  UNKNOWN_SERVER_ERROR here, by accident; CORRUPT_MESSAGE is what it answered when it decided).

The walk is compiled (``_recordcheck.c``) when the extension was built, else pure Python, with
the same verdicts; ``SAMSA_PURE_PYTHON=1`` in the environment forces the pure-Python one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from protocol.errors import InvalidRecordError
from protocol.records.batch import RecordBatch
from protocol.records.compression import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    Compression,
    DecompressionBuffer,
    decompressed_view,
)
from protocol.records.record import decode_records
from protocol.records.recordcheck import RecordsCheck
from protocol.records.recordcheck import check_records as python_check_records

__all__ = [
    "IMPLEMENTATION",
    "KEYLESS_ON_COMPACTED_MESSAGE",
    "PURE_PYTHON_ENV",
    "RecordError",
    "RecordValidationError",
    "check_records",
    "validate_records",
]

#: Set to 1 to use the pure-Python record walk even when the C extension is built.
PURE_PYTHON_ENV: Final = "SAMSA_PURE_PYTHON"

#: Kafka's words for a keyless record on a compacted topic (clients may match on them).
KEYLESS_ON_COMPACTED_MESSAGE: Final = "Compacted topic cannot accept message without key"

CheckRecords = Callable[[bytes | bytearray | memoryview, int, int], RecordsCheck]


def _pick() -> tuple[CheckRecords, str]:
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return python_check_records, "python"
    try:
        from protocol.records._recordcheck import check_records as compiled
    except ImportError:
        return python_check_records, "python"
    return compiled, "c"


check_records: CheckRecords
#: ``"c"`` or ``"python"``: which record walk ``validate_records`` uses.
IMPLEMENTATION: str
check_records, IMPLEMENTATION = _pick()


class RecordError(NamedTuple):
    """One refused record: its index in the batch and why (ProduceResponse v8)."""

    batch_index: int
    message: str


class RecordValidationError(InvalidRecordError):
    """INVALID_RECORD with the records it is about (empty for a problem of the whole batch)."""

    def __init__(
        self,
        message: str | None = None,
        record_errors: tuple[RecordError, ...] = (),
        *,
        remote: bool = False,
    ) -> None:
        super().__init__(message, remote=remote)
        self.record_errors = record_errors

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.message, self.record_errors),
            {"remote": self.remote},
        )


def validate_records(
    batch: RecordBatch,
    *,
    compacted: bool,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
    reuse: DecompressionBuffer | None = None,
) -> None:
    """Check every record of a produced batch whose integrity was checked already.

    ``compacted``: the topic's ``cleanup.policy`` includes ``compact`` (records need keys).
    ``reuse``: the caller's buffer for decompressed records, kept from batch to batch (one per
    thread); without it each compressed batch decompresses into a buffer of its own.
    Raises InvalidRecordError (RecordValidationError when it is about records) or
    CorruptMessageError; see the module docstring.
    """
    count = batch.records_count
    if count <= 0:
        raise InvalidRecordError(f"record batch has records count {count}, not at least 1")
    if count != batch.last_offset_delta + 1:
        raise InvalidRecordError(
            f"record batch has {count} records but last offset delta "
            f"{batch.last_offset_delta} (expected {count - 1})"
        )
    if batch.producer_id >= 0 and batch.base_sequence < 0:
        raise InvalidRecordError(
            f"record batch of producer id {batch.producer_id} has sequence number "
            f"{batch.base_sequence}"
        )
    codec = batch.compression
    payload = batch.payload()
    if codec == Compression.NONE:
        _check_section(payload, count, batch.base_timestamp, compacted)
        return
    # The decompressed records are walked and dropped: a view of a reused buffer, no copy.
    with decompressed_view(
        codec, payload, max_bytes=max_decompressed_bytes, reuse=reuse
    ) as data:
        _check_section(data, count, batch.base_timestamp, compacted)


def _check_section(
    data: bytes | memoryview, count: int, base_timestamp: int, compacted: bool
) -> None:
    index, problem, first_keyless = check_records(data, count, base_timestamp)
    if problem is not None:
        errors = () if index < 0 else (RecordError(index, problem),)
        raise RecordValidationError(problem, errors)
    if compacted and first_keyless >= 0:
        keyless = _keyless_indexes(data, count, first_keyless)
        more = f" and {len(keyless) - 1} more" if len(keyless) > 1 else ""
        raise RecordValidationError(
            f"{KEYLESS_ON_COMPACTED_MESSAGE}: record {first_keyless}{more} of the batch",
            tuple(RecordError(i, KEYLESS_ON_COMPACTED_MESSAGE) for i in keyless),
        )


def _keyless_indexes(data: bytes | memoryview, count: int, first: int) -> list[int]:
    """Indexes of the records without a key, from ``first`` on (the walk found the section
    well-formed, so decoding it cannot fail). Only on the way to a refusal."""
    records = decode_records(bytes(data), count, base_offset=0, base_timestamp=0)
    return [r.offset_delta for r in records if r.offset_delta >= first and r.key is None]
