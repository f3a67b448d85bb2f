"""lz4 frames built by hand, as librdkafka writes them or with a content size of our choosing.

librdkafka (kcat, confluent-kafka) writes frames with independent 64 KiB blocks, no content
size and no checksums (FLG 0x60, BD 0x40); cramjam's own compressor always adds block
checksums and cannot declare a size, so tests and benchmarks build such frames here from raw
lz4 blocks. ``declared_bytes`` writes a content size, honest or not, with a valid header
checksum, so that only the lie is wrong.
"""

from __future__ import annotations

import struct

import cramjam

LZ4_MAGIC = b"\x04\x22\x4d\x18"
#: librdkafka's frame descriptor: version 01, independent blocks; 64 KiB maximum blocks.
RDKAFKA_FLG = 0x60
RDKAFKA_BD = 0x40
RDKAFKA_BLOCK_BYTES = 64 * 1024
_FLAG_CONTENT_SIZE = 0x08
_END_MARK = b"\x00\x00\x00\x00"

_MASK = 0xFFFFFFFF
_PRIME1 = 2654435761
_PRIME2 = 2246822519
_PRIME3 = 3266489917
_PRIME4 = 668265263
_PRIME5 = 374761393


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK


def xxh32_short(data: bytes, seed: int = 0) -> int:
    """XXH32 of fewer than 16 bytes (all a frame descriptor needs)."""
    assert len(data) < 16
    acc = (seed + _PRIME5 + len(data)) & _MASK
    pos = 0
    while pos + 4 <= len(data):
        (lane,) = struct.unpack_from("<I", data, pos)
        acc = _rotl((acc + lane * _PRIME3) & _MASK, 17) * _PRIME4 & _MASK
        pos += 4
    for byte in data[pos:]:
        acc = _rotl((acc + byte * _PRIME5) & _MASK, 11) * _PRIME1 & _MASK
    acc ^= acc >> 15
    acc = acc * _PRIME2 & _MASK
    acc ^= acc >> 13
    acc = acc * _PRIME3 & _MASK
    acc ^= acc >> 16
    return acc


def lz4_frame(
    data: bytes, *, declared_bytes: int | None = None, block_bytes: int = RDKAFKA_BLOCK_BYTES
) -> bytes:
    """One lz4 frame of ``data`` in librdkafka's layout, optionally declaring a content size."""
    flags = RDKAFKA_FLG | (_FLAG_CONTENT_SIZE if declared_bytes is not None else 0)
    descriptor = bytes([flags, RDKAFKA_BD])
    if declared_bytes is not None:
        descriptor += struct.pack("<Q", declared_bytes)
    parts = [LZ4_MAGIC, descriptor, bytes([(xxh32_short(descriptor) >> 8) & 0xFF])]
    for start in range(0, len(data), block_bytes):
        block = bytes(
            cramjam.lz4.compress_block(data[start : start + block_bytes], store_size=False)
        )
        parts.append(struct.pack("<I", len(block)))
        parts.append(block)
    parts.append(_END_MARK)
    return b"".join(parts)
