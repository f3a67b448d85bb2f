"""Batches a broker must store but cannot read: a sound header (the CRC-32C is right) over
records that do not decode. Produce refuses them; tests append them through the storage API, as
an older broker or a bug could have written them."""

from __future__ import annotations

import struct

import crc32c

from protocol.records import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    CRC_OFFSET,
    Compression,
    RecordBatchBuilder,
)


def with_crc(buf: bytearray) -> bytes:
    """The batch with its CRC-32C recomputed over the (altered) bytes."""
    struct.pack_into(">I", buf, CRC_OFFSET, crc32c.crc32c(bytes(buf[ATTRIBUTES_OFFSET:])))
    return bytes(buf)


def bad_gzip_batch(keys: tuple[bytes, ...] = (b"p1", b"p2", b"p3")) -> bytes:
    """A gzip batch claiming ``len(keys)`` records whose payload is not gzip."""
    builder = RecordBatchBuilder(compression=Compression.GZIP)
    for i, key in enumerate(keys):
        builder.append(b"v%d" % i, key=key, timestamp_ms=1_000 + i)
    buf = bytearray(builder.build())
    buf[BATCH_HEADER_SIZE:] = b"\x1f\x8b" + b"\x00" * (len(buf) - BATCH_HEADER_SIZE - 2)
    return with_crc(buf)


def lying_length_batch() -> bytes:
    """An uncompressed batch whose first record claims more bytes than the batch holds."""
    builder = RecordBatchBuilder()
    builder.append(b"v1", key=b"p1", timestamp_ms=1_000)
    builder.append(b"v2", key=b"p2", timestamp_ms=1_001)
    buf = bytearray(builder.build())
    buf[BATCH_HEADER_SIZE] = 0x7E  # zigzag varint 63
    return with_crc(buf)
