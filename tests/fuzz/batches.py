"""Hostile record batches with a correct CRC-32C: compression bombs, payloads that do not
decompress, and records whose framing lies.

Every batch here passes the header and CRC checks, so only a broker that looks inside (as
Kafka does: it decompresses and walks the records of every produced batch) can tell it is
bad. ``HostileBatch.expect`` says what a correct broker answers:

* ``reject`` — an error code (CORRUPT_MESSAGE, INVALID_RECORD, ...) or a closed connection;
  acknowledging it stores garbage that consumers later choke on (or, for a bomb, expand);
* ``accept`` — an honest batch in the same codec, the control that keeps "reject everything
  compressed" from passing.

Bombs are built once per process, by streaming compressors over zeros (nothing of their
decompressed size is ever held in memory here).
"""

from __future__ import annotations

import functools
import random
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import cramjam
import crc32c

from protocol.records import (
    ATTRIBUTES_OFFSET,
    BATCH_HEADER_SIZE,
    CRC_OFFSET,
    LOG_OVERHEAD,
    MAGIC,
    Compression,
    RecordBatchBuilder,
    compress,
    encode_varint,
)

__all__ = [
    "BOMB_BYTES",
    "REAL_BOMB_KINDS",
    "HostileBatch",
    "hostile_batch",
    "prebuild_bombs",
    "real_bomb",
]

KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB

#: What a bomb expands to where the codec allows it cheaply (gzip, zstd): 1 GiB of zeros,
#: eight times the broker's decompression cap (``DEFAULT_MAX_DECOMPRESSED_BYTES``).
BOMB_BYTES: Final = GIB
#: lz4 tops out near 255:1 and snappy near 21:1, so their real bombs are smaller (still twice
#: the cap and more) to keep each request a few MiB; their size *lies* claim 1 GiB.
LZ4_BOMB_BYTES: Final = 256 * MIB
SNAPPY_BOMB_BYTES: Final = 160 * MIB
#: Zeros fed to the streaming compressors per call.
_CHUNK_BYTES: Final = 4 * MIB
#: gzip bombs are members of this many zeros, repeated (gzip readers read every member).
_GZIP_MEMBER_BYTES: Final = 16 * MIB
#: Share of hostile batches that are real bombs. Each costs the broker the work of expanding
#: up to its decompression cap (hundreds of ms of CPU), so they are rare: a run measures the
#: broker's defences, not how many bombs a second it can chew.
REAL_BOMB_SHARE: Final = 0.01
#: Records a bomb's header claims (any positive count; the payload is zeros either way).
_BOMB_RECORDS: Final = 1000

_HEADER: Final = struct.Struct(">qiibIhiqqqhii")
_CRC: Final = struct.Struct(">I")
_XERIAL_HEADER: Final = b"\x82SNAPPY\x00" + struct.pack(">ii", 1, 1)
_LZ4_MAGIC: Final = b"\x04\x22\x4d\x18"
_ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"
_CODECS: Final = (Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD)

Expect = Literal["reject", "accept"]


@dataclass(frozen=True)
class HostileBatch:
    """A record batch, what it is, and what a correct broker answers to it."""

    kind: str
    data: bytes
    expect: Expect


def frame_batch(
    payload: bytes,
    *,
    codec: int,
    records_count: int,
    last_offset_delta: int | None = None,
    attributes_extra: int = 0,
) -> bytes:
    """A v2 batch header (correct CRC-32C) around ``payload``, which is not checked at all."""
    now_ms = int(time.time() * 1000)
    out = bytearray(BATCH_HEADER_SIZE)
    _HEADER.pack_into(
        out,
        0,
        0,
        BATCH_HEADER_SIZE - LOG_OVERHEAD + len(payload),
        -1,
        MAGIC,
        0,
        codec | attributes_extra,
        records_count - 1 if last_offset_delta is None else last_offset_delta,
        now_ms,
        now_ms,
        -1,
        -1,
        -1,
        records_count,
    )
    out += payload
    _CRC.pack_into(out, CRC_OFFSET, crc32c.crc32c(bytes(out[ATTRIBUTES_OFFSET:])))
    return bytes(out)


# -- bombs -----------------------------------------------------------------------------------


def _stream_zeros(feed: Callable[[bytes], object], total: int) -> None:
    chunk = bytes(_CHUNK_BYTES)
    for _ in range(total // _CHUNK_BYTES):
        feed(chunk)


@functools.cache
def _gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts: list[bytes] = []
    _stream_zeros(lambda c: parts.append(compressor.compress(c)), _GZIP_MEMBER_BYTES)
    member = b"".join(parts) + compressor.flush()
    return member * (BOMB_BYTES // _GZIP_MEMBER_BYTES)


@functools.cache
def _zstd_bomb() -> bytes:
    compressor = cramjam.zstd.Compressor(level=3)
    _stream_zeros(compressor.compress, BOMB_BYTES)
    return bytes(compressor.finish())


@functools.cache
def _lz4_bomb() -> bytes:
    compressor = cramjam.lz4.Compressor(block_linked=False, content_checksum=False)
    _stream_zeros(compressor.compress, LZ4_BOMB_BYTES)
    return bytes(compressor.finish())


@functools.cache
def _snappy_bomb() -> bytes:
    block = bytes(cramjam.snappy.compress_raw(bytes(MIB)))
    framed = struct.pack(">i", len(block)) + block
    return _XERIAL_HEADER + framed * (SNAPPY_BOMB_BYTES // MIB)


def prebuild_bombs() -> None:
    """Build every bomb now (about a second), so that no worker pays for it mid-run."""
    _gzip_bomb()
    _zstd_bomb()
    _lz4_bomb()
    _snappy_bomb()


def _xxh32_short(data: bytes) -> int:
    """XXH32 with seed 0 of fewer than 16 bytes (all an lz4 frame descriptor needs)."""
    p1, p2, p3, p4, p5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    mask = 0xFFFFFFFF
    assert len(data) < 16

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (32 - r))) & mask

    h = (p5 + len(data)) & mask
    i = 0
    while i + 4 <= len(data):
        h = (h + int.from_bytes(data[i : i + 4], "little") * p3) & mask
        h = (rotl(h, 17) * p4) & mask
        i += 4
    for byte in data[i:]:
        h = (h + byte * p5) & mask
        h = (rotl(h, 11) * p1) & mask
    h ^= h >> 15
    h = (h * p2) & mask
    h ^= h >> 13
    h = (h * p3) & mask
    return h ^ (h >> 16)


def _lz4_size_lie(declared: int, data: bytes) -> bytes:
    """An lz4 frame whose header declares ``declared`` bytes but holds ``data`` (stored)."""
    descriptor = bytes([0x68, 0x40]) + struct.pack("<Q", declared)
    checksum = (_xxh32_short(descriptor) >> 8) & 0xFF
    block = struct.pack("<I", len(data) | 0x80000000) + data
    return _LZ4_MAGIC + descriptor + bytes([checksum]) + block + b"\x00\x00\x00\x00"


def _zstd_size_lie(declared: int, data: bytes) -> bytes:
    """A zstd frame declaring ``declared`` bytes of content, holding one raw block of ``data``."""
    header = bytes([0xA0]) + struct.pack("<I", declared)  # single segment, 4-byte size
    block = ((len(data) << 3) | 1).to_bytes(3, "little") + data
    return _ZSTD_MAGIC + header + block


def _snappy_size_lie(declared: int) -> bytes:
    """A raw snappy block whose preamble declares ``declared`` bytes, then 4 literal bytes."""
    out = bytearray()
    n = declared
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + b"\x0c" + b"\x00" * 4


# -- records that lie ------------------------------------------------------------------------


def _record(
    *,
    key: bytes | None = b"k",
    value: bytes | None = b"value",
    offset_delta: int = 0,
    headers: bytes = b"\x00",
    length_delta: int = 0,
    key_length: int | None = None,
    value_length: int | None = None,
) -> bytes:
    """One record with every length field overridable."""
    body = bytearray(b"\x00")  # attributes
    body += encode_varint(0)  # timestamp delta
    body += encode_varint(offset_delta)
    if key_length is None:
        key_length = -1 if key is None else len(key)
    body += encode_varint(key_length)
    body += key or b""
    if value_length is None:
        value_length = -1 if value is None else len(value)
    body += encode_varint(value_length)
    body += value or b""
    body += headers
    return encode_varint(len(body) + length_delta) + bytes(body)


def _records(n: int) -> bytes:
    # Values long enough that a count a few too high still passes the header-level check
    # (seven bytes per claimed record): the lie must be found by walking the records.
    return b"".join(
        _record(offset_delta=i, value=b"value-%02d-padding-bytes" % i) for i in range(n)
    )


def _framing_lies(rng: random.Random) -> list[tuple[str, bytes, int]]:
    """(name, records section, records_count) that a record-walking broker rejects."""
    n = rng.randint(1, 4)
    body = _records(n)
    overlong = b"\xff" * 10 + b"\x01"
    huge = 2**31 - 1
    return [
        ("count-too-high", body, n + rng.randint(1, 3)),
        ("count-too-low", body, n - 1) if n > 1 else ("count-too-low", body + body, n),
        ("length-overrun", _record(length_delta=rng.randint(1, 1000)), 1),
        ("length-underrun", _record(length_delta=-rng.randint(2, 5)) + _record(), 2),
        ("length-negative", encode_varint(-rng.randint(2, 1000)) + _record()[1:], 1),
        ("length-huge", encode_varint(huge) + _record()[1:], 1),
        ("key-length-overrun", _record(key_length=rng.randint(100, huge)), 1),
        ("key-length-negative", _record(key_length=-rng.randint(2, 100)), 1),
        ("value-length-overrun", _record(value_length=rng.randint(100, huge)), 1),
        ("headers-count-huge", _record(headers=encode_varint(huge)), 1),
        ("headers-count-negative", _record(headers=encode_varint(-rng.randint(1, 100))), 1),
        ("header-key-null", _record(headers=encode_varint(1) + encode_varint(-1)), 1),
        ("header-key-overrun", _record(headers=encode_varint(1) + encode_varint(500)), 1),
        ("varint-overlong", overlong + _record()[1:], 1),
        ("trailing-bytes", body + rng.randbytes(rng.randint(1, 9)), n),
        ("truncated-record", body[: -rng.randint(1, 3)], n),
    ]


# -- the catalogue ---------------------------------------------------------------------------


def _honest_records(rng: random.Random) -> tuple[bytes, int]:
    builder = RecordBatchBuilder()
    n = rng.randint(1, 5)
    for i in range(n):
        builder.append(rng.randbytes(rng.randint(0, 40)), key=b"k", timestamp_ms=i)
    batch = builder.build()
    return batch[BATCH_HEADER_SIZE:], n


def hostile_batch(rng: random.Random, *, heavy: bool) -> HostileBatch:
    """One batch from the catalogue, drawn at random. ``heavy`` allows the multi-MiB bombs
    (lz4, snappy: a few MiB on the wire each); without it only the small ones."""
    roll = rng.random()
    if roll < REAL_BOMB_SHARE:
        return _real_bomb(rng, heavy)
    if roll < 0.3:
        return _size_lie(rng)
    if roll < 0.5:
        return _undecompressable(rng)
    if roll < 0.85:
        name, section, count = rng.choice(_framing_lies(rng))
        codec = rng.choice((Compression.NONE, Compression.NONE, *_CODECS))
        payload = section if codec == Compression.NONE else compress(codec, section)
        kind = f"framing:{name}" + ("" if codec == Compression.NONE else f"@{codec.name}")
        return HostileBatch(kind, frame_batch(payload, codec=codec, records_count=count), "reject")
    codec = rng.choice(_CODECS)
    section, count = _honest_records(rng)
    data = frame_batch(compress(codec, section), codec=codec, records_count=count)
    return HostileBatch(f"honest:{codec.name}", data, "accept")


_REAL_BOMBS: Final[tuple[tuple[str, Compression, Callable[[], bytes]], ...]] = (
    ("bomb:gzip-1GiB", Compression.GZIP, _gzip_bomb),
    ("bomb:zstd-1GiB", Compression.ZSTD, _zstd_bomb),
    # The heavy ones: a few MiB on the wire each.
    ("bomb:lz4-256MiB", Compression.LZ4, _lz4_bomb),
    ("bomb:snappy-160MiB", Compression.SNAPPY, _snappy_bomb),
)
#: How many real bombs there are (``real_bomb``'s indexes).
REAL_BOMB_KINDS: Final = len(_REAL_BOMBS)


def real_bomb(index: int) -> HostileBatch:
    """Real bomb number ``index`` (modulo ``REAL_BOMB_KINDS``): gzip, zstd, lz4, snappy."""
    kind, codec, make = _REAL_BOMBS[index % REAL_BOMB_KINDS]
    data = frame_batch(make(), codec=codec, records_count=_BOMB_RECORDS)
    return HostileBatch(kind, data, "reject")


def _real_bomb(rng: random.Random, heavy: bool) -> HostileBatch:
    """A payload that really expands to hundreds of MiB (zeros)."""
    return real_bomb(rng.randrange(REAL_BOMB_KINDS if heavy else 2))


def _size_lie(rng: random.Random) -> HostileBatch:
    """A small payload whose codec framing claims a huge decompressed size."""
    choices: list[tuple[str, Compression, Callable[[], bytes]]] = [
        ("lie:lz4-declares-1GiB", Compression.LZ4, lambda: _lz4_size_lie(GIB, bytes(64))),
        ("lie:zstd-declares-1GiB", Compression.ZSTD, lambda: _zstd_size_lie(GIB, bytes(64))),
        ("lie:snappy-declares-1GiB", Compression.SNAPPY, lambda: _snappy_size_lie(GIB)),
        (
            "lie:xerial-declares-3x512MiB",
            Compression.SNAPPY,
            lambda: _XERIAL_HEADER + (struct.pack(">i", 9) + _snappy_size_lie(512 * MIB)) * 3,
        ),
    ]
    kind, codec, make = rng.choice(choices)
    data = frame_batch(make(), codec=codec, records_count=_BOMB_RECORDS)
    return HostileBatch(kind, data, "reject")


def _undecompressable(rng: random.Random) -> HostileBatch:
    codec = rng.choice(_CODECS)
    section, count = _honest_records(rng)
    good = compress(codec, section)
    magic = {
        Compression.GZIP: b"\x1f\x8b\x08\x00",
        Compression.SNAPPY: _XERIAL_HEADER,
        Compression.LZ4: _LZ4_MAGIC,
        Compression.ZSTD: _ZSTD_MAGIC,
    }[codec]
    variants: list[tuple[str, bytes, int]] = [
        ("junk", rng.randbytes(rng.randint(1, 200)), count),
        ("magic-then-junk", magic + rng.randbytes(rng.randint(8, 200)), count),
        ("truncated", good[: max(1, len(good) // 2)], count),
        ("empty", b"", count),
    ]
    if codec == Compression.SNAPPY:
        variants.append(("xerial-block-overrun", _XERIAL_HEADER + struct.pack(">i", 2**31 - 1), 1))
        variants.append(("xerial-block-negative", _XERIAL_HEADER + struct.pack(">i", -5), 1))
    name, payload, n = rng.choice(variants)
    if rng.random() < 0.1:
        # Codec ids 5-7 name no codec at all.
        extra_codec = rng.randint(5, 7)
        data = frame_batch(payload, codec=extra_codec, records_count=n)
        return HostileBatch(f"codec-id-{extra_codec}", data, "reject")
    data = frame_batch(payload, codec=codec, records_count=n)
    return HostileBatch(f"undecompressable:{name}@{codec.name}", data, "reject")
