"""Helpers shared by the storage unit tests: building batches, reading a whole log."""

from __future__ import annotations

from collections.abc import Sequence

from broker.storage import PartitionLog, TopicPartition
from protocol.records import Compression, RecordBatchBuilder, iter_batches

TP = TopicPartition("orders", 0)


def build_batch(
    values: Sequence[bytes | None],
    *,
    keys: Sequence[bytes | None] | None = None,
    timestamp_ms: int = 1_000,
    compression: Compression = Compression.NONE,
    base_offset: int = 0,
    producer_id: int = -1,
    producer_epoch: int = -1,
    base_sequence: int = -1,
    partition_leader_epoch: int = -1,
) -> bytes:
    """One v2 batch with the given values (and keys), timestamps increasing by 1 ms."""
    builder = RecordBatchBuilder(
        compression=compression,
        base_offset=base_offset,
        producer_id=producer_id,
        producer_epoch=producer_epoch,
        base_sequence=base_sequence,
        partition_leader_epoch=partition_leader_epoch,
    )
    for i, value in enumerate(values):
        key = keys[i] if keys is not None else None
        builder.append(value, key=key, timestamp_ms=timestamp_ms + i)
    return builder.build()


def batch_offsets(data: bytes) -> list[tuple[int, int]]:
    """``(base offset, last offset)`` of each batch in ``data``."""
    return [(b.base_offset, b.last_offset) for b in iter_batches(data)]


def read_all(log: PartitionLog, start: int | None = None) -> bytes:
    """Every byte of every batch from ``start`` (default log start) to the log end."""
    offset = log.log_start_offset if start is None else start
    out = bytearray()
    while offset < log.log_end_offset:
        with log.read(offset, 1 << 20) as piece:
            data = piece.read_bytes()
        if not data:
            break
        batches = list(iter_batches(data))
        out += data
        offset = batches[-1].next_offset
    return bytes(out)
