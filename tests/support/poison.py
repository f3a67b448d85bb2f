"""Poison record batches for produce-validation tests: a valid batch from
``RecordBatchBuilder`` whose records section is replaced by a crafted one (``Rec`` fields may be
``Raw`` bytes, to make them wrong), then re-framed and re-CRC'd, so that only the rule under
test can refuse it. ``KINDS`` is one batch per kind of poison, with Kafka's answer."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import crc32c

from protocol.errors import ErrorCode
from protocol.records import Compression, RecordBatchBuilder, compress, encode_varint

TS = 1_700_000_000_000


@dataclass
class Raw:
    """Bytes written as they are in place of a field's encoding."""

    data: bytes


Field = int | Raw


def _varint(value: Field) -> bytes:
    return value.data if isinstance(value, Raw) else encode_varint(value)


@dataclass
class Rec:
    """One record, each field overridable (``Raw``) to make it wrong."""

    offset_delta: Field
    key: bytes | Raw | None = b"k"
    value: bytes | Raw | None = b"value"
    headers: list[tuple[bytes | Raw, bytes | None]] | Raw = field(default_factory=list)
    timestamp_delta: Field = 0
    length: Field | None = None  # None: the true length
    extra: bytes = b""  # bytes appended inside the record, after its fields

    def encode(self) -> bytes:
        parts = [b"\x00", _varint(self.timestamp_delta), _varint(self.offset_delta)]
        for blob in (self.key, self.value):
            if isinstance(blob, Raw):
                parts.append(blob.data)
            elif blob is None:
                parts.append(encode_varint(-1))
            else:
                parts += [encode_varint(len(blob)), blob]
        if isinstance(self.headers, Raw):
            parts.append(self.headers.data)
        else:
            parts.append(encode_varint(len(self.headers)))
            for name, hvalue in self.headers:
                parts.append(name.data if isinstance(name, Raw) else encode_varint(len(name)))
                if not isinstance(name, Raw):
                    parts.append(name)
                if hvalue is None:
                    parts.append(encode_varint(-1))
                else:
                    parts += [encode_varint(len(hvalue)), hvalue]
        body = b"".join(parts) + self.extra
        length = len(body) if self.length is None else self.length
        return _varint(length) + body


def section(*records: Rec) -> bytes:
    return b"".join(r.encode() for r in records)


def good(n: int) -> list[Rec]:
    return [Rec(i, key=b"k%d" % i) for i in range(n)]


def poison(
    records_section: bytes,
    count: int,
    *,
    codec: Compression = Compression.NONE,
    last_offset_delta: int | None = None,
    base_timestamp: int = TS,
    producer_id: int = -1,
    base_sequence: int = -1,
    compressed: bytes | None = None,
) -> bytes:
    """A batch built by the builder, its records section replaced, then re-framed and
    re-CRC'd so that it passes the integrity checks."""
    builder = RecordBatchBuilder(producer_id=producer_id, base_sequence=base_sequence)
    builder.append(b"placeholder", key=b"k", timestamp_ms=base_timestamp)
    raw = bytearray(builder.build()[:61])
    if compressed is not None:
        payload = compressed
    elif codec == Compression.NONE:
        payload = records_section
    else:
        payload = compress(codec, records_section)
    raw += payload
    struct.pack_into(">i", raw, 8, len(raw) - 12)
    (attributes,) = struct.unpack_from(">h", raw, 21)
    struct.pack_into(">h", raw, 21, (attributes & ~0x07) | int(codec))
    lod = count - 1 if last_offset_delta is None else last_offset_delta
    struct.pack_into(">i", raw, 23, lod)
    struct.pack_into(">q", raw, 27, base_timestamp)
    struct.pack_into(">i", raw, 57, count)
    struct.pack_into(">I", raw, 17, crc32c.crc32c(bytes(raw[21:])))
    return bytes(raw)


@dataclass
class Kind:
    """One kind of poison batch and what the broker answers it."""

    name: str
    batch: bytes
    code: ErrorCode
    message: str  # a fragment of error_message
    index: int | None  # record_errors[0].batch_index; None: no record_errors


def kinds() -> list[Kind]:
    """One poison batch of each kind (each with a correct CRC-32C), fresh timestamps."""
    g = good
    out = [
        Kind("negative record length", poison(section(Rec(0, length=-5), *g(2)[1:]), 2),
             ErrorCode.INVALID_RECORD, "record 0 has length -5 but only", 0),
        Kind("record length past the batch", poison(section(*g(1), Rec(1, length=500)), 2),
             ErrorCode.INVALID_RECORD, "record 1 has length 500", 1),
        Kind("over-long varint", poison(b"\x80\x80\x80\x80\x80\x00" + b"\x00" * 10, 1),
             ErrorCode.INVALID_RECORD, "record 0: length varint longer than 5 bytes", 0),
        Kind("key length past the record",
             poison(section(Rec(0, key=Raw(encode_varint(40) + b"abc"))), 1),
             ErrorCode.INVALID_RECORD, "record 0 has key length 40", 0),
        Kind("negative header count", poison(section(Rec(0, headers=Raw(b"\x01"))), 1),
             ErrorCode.INVALID_RECORD, "record 0 has header count -1", 0),
        Kind("header key not UTF-8", poison(section(*g(1), Rec(1, headers=[(b"\xff", b"v")])), 2),
             ErrorCode.INVALID_RECORD, "record 1 has a header key that is not UTF-8", 1),
        Kind("more records counted than present", poison(section(*g(2)), 3),
             ErrorCode.INVALID_RECORD, "records section holds 2 of the 3 records", None),
        Kind("bytes after the last record", poison(section(*g(2)) + b"\x00", 2),
             ErrorCode.INVALID_RECORD, "1 bytes after its 2 records", None),
        Kind("offset deltas out of order", poison(section(Rec(0), Rec(2)), 2),
             ErrorCode.INVALID_RECORD, "record 1 has offset delta 2, expected 1", 1),
        Kind("timestamp overflow",
             poison(section(Rec(0, timestamp_delta=1 << 62)), 1, base_timestamp=(1 << 62)),
             ErrorCode.INVALID_RECORD, "overflows int64", 0),
        Kind("count against last offset delta", poison(section(*g(2)), 2, last_offset_delta=4),
             ErrorCode.INVALID_RECORD, "last offset delta 4", None),
    ]  # fmt: skip
    for codec in (Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD):
        out.append(
            Kind(
                f"{codec.name.lower()} payload that does not decompress",
                poison(b"", 2, codec=codec, compressed=b"\x00not compressed at all" * 4),
                ErrorCode.CORRUPT_MESSAGE,
                codec.name.lower(),
                None,
            )
        )
    out.append(
        Kind(
            "lz4 records with a lying length inside",
            poison(section(Rec(0), Rec(1, length=-5)), 2, codec=Compression.LZ4),
            ErrorCode.INVALID_RECORD,
            "record 1 has length -5",
            1,
        )
    )
    return out
