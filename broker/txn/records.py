"""The records of ``__transaction_state``: Kafka's own key/value format, and placement.

``__transaction_state`` is compacted: the latest value of a key wins and a null value (a
tombstone) forgets the transactional id. Kafka's layout (``TransactionLogKey`` and
``TransactionLogValue``, non-flexible version 0, each prefixed by its version)::

    key   := version int16 (0) | transactional_id string
    value := version int16 (0) | producer_id int64 | producer_epoch int16
             | transaction_timeout_ms int32 | transaction_status int8
             | transaction_partitions nullable array of
                   (topic string | partition_ids array of int32)
             | transaction_last_update_timestamp_ms int64
             | transaction_start_timestamp_ms int64

Strings have an int16 length and arrays an int32 count (-1: null). Kafka writes a null partition
array for an Empty transaction; a reader takes null as no partitions. A reader refuses a version
it does not know: guessing could resurrect or lose a transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from broker.group.records import java_string_hash
from broker.txn.state import TxnState
from protocol.field_reader import FieldReader
from protocol.primitives import (
    INT8,
    INT16,
    INT32,
    INT64,
    ReadBuffer,
    write_array_length,
    write_string,
)
from protocol.types import TopicPartition

__all__ = [
    "KEY_VERSION",
    "VALUE_VERSION",
    "TxnLogValue",
    "TxnRecordFormatError",
    "decode_key",
    "decode_records",
    "decode_value",
    "encode_key",
    "encode_value",
    "partition_for_transactional_id",
]

KEY_VERSION: Final = 0
VALUE_VERSION: Final = 0


class TxnRecordFormatError(ValueError):
    """A ``__transaction_state`` key or value does not decode, or has an unknown version."""


@dataclass(frozen=True, slots=True)
class TxnLogValue:
    """One transactional id's state as written to ``__transaction_state``."""

    producer_id: int
    producer_epoch: int
    transaction_timeout_ms: int
    state: TxnState
    partitions: frozenset[TopicPartition]
    last_update_timestamp_ms: int
    start_timestamp_ms: int


def encode_key(transactional_id: str) -> bytes:
    """The bytes of the record key of ``transactional_id``."""
    out = bytearray(INT16.pack(KEY_VERSION))
    write_string(out, transactional_id)
    return bytes(out)


def encode_value(value: TxnLogValue) -> bytes:
    """The bytes of a record value (partitions sorted by topic, then partition)."""
    out = bytearray(INT16.pack(VALUE_VERSION))
    out += INT64.pack(value.producer_id)
    out += INT16.pack(value.producer_epoch)
    out += INT32.pack(value.transaction_timeout_ms)
    out += INT8.pack(int(value.state))
    if value.state is TxnState.EMPTY and not value.partitions:
        write_array_length(out, None, compact=False)
    else:
        by_topic: dict[str, list[int]] = {}
        for tp in sorted(value.partitions):
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        write_array_length(out, len(by_topic), compact=False)
        for topic, ids in by_topic.items():
            write_string(out, topic)
            write_array_length(out, len(ids), compact=False)
            for p in ids:
                out += INT32.pack(p)
    out += INT64.pack(value.last_update_timestamp_ms)
    out += INT64.pack(value.start_timestamp_ms)
    return bytes(out)


def _reader(data: ReadBuffer, what: str) -> FieldReader:
    """Sequential reads that turn every decoding failure into ``TxnRecordFormatError``."""
    return FieldReader(data, what, TxnRecordFormatError)


def decode_key(data: ReadBuffer) -> str:
    """The transactional id of a record key; refuses unknown versions."""
    r = _reader(data, "transaction log key")
    version = r.int16()
    if version != KEY_VERSION:
        raise TxnRecordFormatError(f"unknown transaction log key version {version}")
    tid = r.string()
    r.done()
    return tid


def decode_value(data: ReadBuffer) -> TxnLogValue:
    """Decode a record value; refuses unknown versions and unknown states."""
    r = _reader(data, "transaction log value")
    version = r.int16()
    if version != VALUE_VERSION:
        raise TxnRecordFormatError(f"unknown transaction log value version {version}")
    producer_id = r.int64()
    epoch = r.int16()
    timeout = r.int32()
    status = r.int8()
    try:
        state = TxnState(status)
    except ValueError:
        raise TxnRecordFormatError(f"unknown transaction status {status}") from None
    partitions: set[TopicPartition] = set()
    for _ in range(max(r.array_length(nullable=True), 0)):
        topic = r.string()
        for _ in range(max(r.array_length(nullable=True), 0)):
            partitions.add(TopicPartition(topic, r.int32()))
    last_update = r.int64()
    start = r.int64()
    r.done()
    return TxnLogValue(
        producer_id=producer_id,
        producer_epoch=epoch,
        transaction_timeout_ms=timeout,
        state=state,
        partitions=frozenset(partitions),
        last_update_timestamp_ms=last_update,
        start_timestamp_ms=start,
    )


def decode_records(
    records: Iterable[tuple[ReadBuffer, ReadBuffer | None]],
) -> dict[str, TxnLogValue]:
    """Replay records in offset order: the latest value per id wins, a tombstone deletes."""
    out: dict[str, TxnLogValue] = {}
    for key, value in records:
        tid = decode_key(key)
        if value is None:
            out.pop(tid, None)
        else:
            out[tid] = decode_value(value)
    return out


def partition_for_transactional_id(transactional_id: str, num_partitions: int = 50) -> int:
    """The ``__transaction_state`` partition of an id: Kafka's ``Utils.abs(hashCode) % n``.

    ``Utils.abs`` maps Integer.MIN_VALUE to 0 (``Math.abs`` would leave it negative).
    """
    if num_partitions < 1:
        raise ValueError("num_partitions must be at least 1")
    h = java_string_hash(transactional_id)
    return (0 if h == -(2**31) else abs(h)) % num_partitions
