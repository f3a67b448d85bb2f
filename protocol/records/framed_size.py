"""How many bytes a compressed records section decompresses to, read from its framing alone.

Decompression into a buffer of the right size costs one decode; a wrong guess costs a failed
decode and a retry. The framing of lz4 and zstd says enough to size the buffer without a
guess: a frame may declare its content size (librdkafka's lz4 and zstd frames do not), and
every block states its compressed size, and its decompressed size when it is stored raw (or,
in zstd, run-length encoded). A compressed block decompresses to at most the frame's block
maximum, so the blocks bound the output to within one block of the truth.

Nothing here allocates in proportion to what the frame claims, and nothing here is trusted
with memory: the caller decodes into a buffer no larger than its cap, and the decoder fails
rather than writing past it. What the walk adds is the verdict for frames whose headers
contradict themselves (a declared size that the blocks cannot hold, or one past the cap),
before anything is decoded.
"""

from __future__ import annotations

import struct
from typing import Final, NamedTuple

from protocol.errors import CorruptMessageError

__all__ = [
    "LZ4_MAX_BLOCK_RATIO",
    "SNAPPY_MAX_RATIO_DENOMINATOR",
    "SNAPPY_MAX_RATIO_NUMERATOR",
    "ZSTD_MAX_BLOCK_BYTES",
    "SizeEstimate",
    "lz4_frames_size",
    "snappy_max_size",
    "too_large",
    "zstd_frames_size",
]

_U32: Final = struct.Struct("<I")
_U64: Final = struct.Struct("<Q")

_LZ4_MAGIC: Final = 0x184D2204
_ZSTD_MAGIC: Final = 0xFD2FB528
#: Skippable frames (both formats): magic 0x184D2A50-0x184D2A5F, a 4-byte length, then data.
_SKIPPABLE_MASK: Final = 0xFFFFFFF0
_SKIPPABLE_MAGIC: Final = 0x184D2A50

#: lz4 frame block maximum sizes by the BD byte's block-size id (the only valid ids are 4-7).
_LZ4_BLOCK_MAX_BYTES: Final = {4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024}
_LZ4_VERSION: Final = 1
_LZ4_FLAG_BLOCK_CHECKSUM: Final = 0x10
_LZ4_FLAG_CONTENT_SIZE: Final = 0x08
_LZ4_FLAG_CONTENT_CHECKSUM: Final = 0x04
_LZ4_FLAG_DICT_ID: Final = 0x01
_LZ4_UNCOMPRESSED_BLOCK: Final = 0x80000000
#: An lz4 sequence of k extra length bytes costs at least 3 + k bytes (token, offset) and
#: writes at most 19 + 255 k, so no block expands by more than this factor.
LZ4_MAX_BLOCK_RATIO: Final = 255

#: zstd's Block_Maximum_Size is at most 128 KiB (less for small windows): the most one block
#: of any kind decompresses to.
ZSTD_MAX_BLOCK_BYTES: Final = 128 * 1024
_ZSTD_RAW, _ZSTD_RLE, _ZSTD_COMPRESSED = 0, 1, 2
_ZSTD_RESERVED_BIT: Final = 0x08
_ZSTD_SINGLE_SEGMENT: Final = 0x20
_ZSTD_CONTENT_CHECKSUM: Final = 0x04
_ZSTD_DICT_ID_BYTES: Final = (0, 1, 2, 4)
_ZSTD_CHECKSUM_BYTES: Final = 4
#: A 2-byte zstd content size is stored minus 256.
_ZSTD_FCS2_OFFSET: Final = 256

#: A snappy element writes at most 64 bytes for the 3 bytes of a copy with a 2-byte offset
#: (literals write no more than they hold), so a snappy block expands at most 64/3 times.
SNAPPY_MAX_RATIO_NUMERATOR: Final = 64
SNAPPY_MAX_RATIO_DENOMINATOR: Final = 3


class SizeEstimate(NamedTuple):
    """What a records section decompresses to: exactly ``size_bytes`` when ``exact`` (every
    frame declares it), else at most ``size_bytes`` (if the decoder follows the format)."""

    size_bytes: int
    exact: bool


def too_large(codec_name: str, max_bytes: int) -> CorruptMessageError:
    return CorruptMessageError(
        f"{codec_name} records expand past the {max_bytes}-byte decompression cap"
    )


def _declares_more(codec_name: str, declared: int, bound: int) -> CorruptMessageError:
    return CorruptMessageError(
        f"{codec_name} frame declares {declared} bytes, more than its blocks hold ({bound} at most)"
    )


def lz4_frames_size(data: bytes | bytearray | memoryview, max_bytes: int) -> SizeEstimate | None:
    """The decompressed size of the lz4 frames in ``data``, from their headers and block
    sizes; None when the framing does not parse (the decoder then says why).

    Raises CorruptMessageError when the declared sizes pass ``max_bytes`` or a frame declares
    more than its blocks can hold.
    """
    n = len(data)
    pos = 0
    total = 0
    declared_total = 0
    exact = True
    frames = 0
    while pos < n:
        if pos + 8 > n:
            return None
        (magic,) = _U32.unpack_from(data, pos)
        if magic & _SKIPPABLE_MASK == _SKIPPABLE_MAGIC:
            pos += 8 + _U32.unpack_from(data, pos + 4)[0]
            continue
        if magic != _LZ4_MAGIC:
            return None
        flags = data[pos + 4]
        block_max = _LZ4_BLOCK_MAX_BYTES.get((data[pos + 5] >> 4) & 0x07)
        if flags >> 6 != _LZ4_VERSION or block_max is None:
            return None
        at = pos + 6
        declared: int | None = None
        if flags & _LZ4_FLAG_CONTENT_SIZE:
            if at + 8 > n:
                return None
            (declared,) = _U64.unpack_from(data, at)
            declared_total += declared
            if declared_total > max_bytes:
                raise too_large("lz4", max_bytes)
            at += 8
        if flags & _LZ4_FLAG_DICT_ID:
            at += 4
        at += 1  # header checksum
        checksum_bytes = 4 if flags & _LZ4_FLAG_BLOCK_CHECKSUM else 0
        blocks_bound = 0
        while True:
            if at + 4 > n:
                return None
            (word,) = _U32.unpack_from(data, at)
            at += 4
            if word == 0:  # EndMark
                break
            size = word & ~_LZ4_UNCOMPRESSED_BLOCK
            if word & _LZ4_UNCOMPRESSED_BLOCK:
                if size > block_max:
                    return None
                blocks_bound += size
            else:
                blocks_bound += min(block_max, size * LZ4_MAX_BLOCK_RATIO)
            at += size + checksum_bytes
        if flags & _LZ4_FLAG_CONTENT_CHECKSUM:
            at += 4
        if at > n:
            return None
        if declared is None:
            exact = False
            total += blocks_bound
        elif declared > blocks_bound:
            raise _declares_more("lz4", declared, blocks_bound)
        else:
            total += declared
        pos = at
        frames += 1
    if pos != n or frames == 0:
        return None
    return SizeEstimate(total, exact)


def zstd_frames_size(data: bytes | bytearray | memoryview, max_bytes: int) -> SizeEstimate | None:
    """The decompressed size of the zstd frames in ``data``, from their headers and block
    headers; None when the framing does not parse (the decoder then says why).

    Raises CorruptMessageError when the declared sizes pass ``max_bytes`` or a frame declares
    more than its blocks can hold.
    """
    n = len(data)
    pos = 0
    total = 0
    declared_total = 0
    exact = True
    frames = 0
    while pos < n:
        if pos + 5 > n:
            return None
        (magic,) = _U32.unpack_from(data, pos)
        if magic & _SKIPPABLE_MASK == _SKIPPABLE_MAGIC:
            if pos + 8 > n:
                return None
            pos += 8 + _U32.unpack_from(data, pos + 4)[0]
            continue
        if magic != _ZSTD_MAGIC:
            return None
        descriptor = data[pos + 4]
        if descriptor & _ZSTD_RESERVED_BIT:
            return None
        single_segment = bool(descriptor & _ZSTD_SINGLE_SEGMENT)
        at = pos + 5 + (0 if single_segment else 1) + _ZSTD_DICT_ID_BYTES[descriptor & 0x03]
        size_bytes = (1 if single_segment else 0, 2, 4, 8)[descriptor >> 6]
        declared: int | None = None
        if size_bytes:
            if at + size_bytes > n:
                return None
            declared = int.from_bytes(data[at : at + size_bytes], "little")
            if size_bytes == 2:
                declared += _ZSTD_FCS2_OFFSET
            declared_total += declared
            if declared_total > max_bytes:
                raise too_large("zstd", max_bytes)
            at += size_bytes
        blocks_bound = 0
        while True:
            if at + 3 > n:
                return None
            header = int.from_bytes(data[at : at + 3], "little")
            at += 3
            kind = (header >> 1) & 0x03
            size = header >> 3
            if kind == _ZSTD_RAW:
                blocks_bound += size
                at += size
            elif kind == _ZSTD_RLE:
                blocks_bound += size
                at += 1
            elif kind == _ZSTD_COMPRESSED:
                blocks_bound += ZSTD_MAX_BLOCK_BYTES
                at += size
            else:
                return None
            if kind != _ZSTD_COMPRESSED and size > ZSTD_MAX_BLOCK_BYTES:
                return None
            if header & 1:  # Last_Block
                break
        if descriptor & _ZSTD_CONTENT_CHECKSUM:
            at += _ZSTD_CHECKSUM_BYTES
        if at > n:
            return None
        if declared is None:
            exact = False
            total += blocks_bound
        elif declared > blocks_bound:
            raise _declares_more("zstd", declared, blocks_bound)
        else:
            total += declared
        pos = at
        frames += 1
    if pos != n or frames == 0:
        return None
    return SizeEstimate(total, exact)


def snappy_max_size(block_bytes: int) -> int:
    """The most a raw snappy block of ``block_bytes`` bytes can decompress to."""
    return -(-block_bytes * SNAPPY_MAX_RATIO_NUMERATOR // SNAPPY_MAX_RATIO_DENOMINATOR)
