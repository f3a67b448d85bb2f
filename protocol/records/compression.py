"""Record batch compression codecs: gzip, snappy (raw and xerial-framed), lz4 (frame), zstd.

Decompression is always bounded: ``decompress`` never allocates more than ``max_bytes + 1``
bytes of output, however much the input claims to expand to, so a small "decompression bomb"
cannot exhaust memory. The strategies per codec:

* gzip: ``zlib.decompressobj().decompress(data, max_length)`` stops at the bound.
* snappy: every raw block states its decompressed length up front; we sum the lengths and
  reject before decompressing anything.
* lz4 and zstd: cramjam's ``decompress_into`` writes into a caller-sized buffer and fails
  instead of growing it. We start from the size the frame header declares (or a guess), and
  grow the buffer geometrically up to ``max_bytes + 1``.

What we write matches the Java client: gzip members, xerial-framed snappy in 32 KiB blocks,
lz4 frames with independent blocks (Kafka's reader cannot follow linked blocks), zstd frames.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from enum import IntEnum
from typing import Any

import cramjam

from protocol.errors import CorruptMessageError

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "XERIAL_BLOCK_SIZE",
    "XERIAL_MAGIC",
    "Compression",
    "compress",
    "decompress",
]

#: Cap on a batch's decompressed records section, in bytes. Producers size batches by their
#: *compressed* bytes (Java: ``batch.size`` 16 KiB, ``max.request.size`` 1 MiB; the broker's
#: ``message.max.bytes`` is about 1 MiB), so a real batch expands to a few MiB at most even at
#: ratios of 100x. 128 MiB is generous for any honest producer while still stopping a crafted
#: batch from expanding without limit.
DEFAULT_MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024

#: The header xerial's snappy-java writes before its blocks: a marker byte and "SNAPPY\0".
XERIAL_MAGIC = b"\x82SNAPPY\x00"

#: Uncompressed bytes per xerial block when we compress (snappy-java's default block size).
XERIAL_BLOCK_SIZE = 32 * 1024

#: xerial header: magic (8 bytes), version int32, compatible-version int32.
_XERIAL_HEADER = struct.Struct(">8sii")
_XERIAL_VERSION = 1
_XERIAL_COMPATIBLE_VERSION = 1
_INT32 = struct.Struct(">i")

#: wbits for zlib: 16 + 15 selects a gzip wrapper with a 32 KiB window.
_GZIP_WBITS = 31

#: First output buffer for lz4/zstd when the frame does not declare its size: a guess of a 4x
#: ratio, at least 64 KiB so that small batches succeed on the first attempt.
_MIN_INITIAL_OUTPUT_BYTES = 64 * 1024
_ASSUMED_RATIO = 4
#: Each retry multiplies the buffer by this; the total work stays within a constant factor of
#: one decompression of the final size.
_GROWTH_FACTOR = 4

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_LZ4_MAGIC = b"\x04\x22\x4d\x18"
_LZ4_CONTENT_SIZE_FLAG = 0x08

#: Fragments of cramjam's error message when the output buffer was too small (as opposed to
#: corrupt input). Tested in tests/unit/protocol/test_compression.py.
_OUTPUT_FULL_MESSAGES = ("failed to write whole buffer", "smaller than required")


class Compression(IntEnum):
    """The codec ids of attribute bits 0-2 of a record batch."""

    NONE = 0
    GZIP = 1
    SNAPPY = 2
    LZ4 = 3
    ZSTD = 4


# -- compress -------------------------------------------------------------------------------


def compress(codec: Compression, data: bytes | bytearray | memoryview) -> bytes:
    """Compress a records section with ``codec`` in the framing Java clients produce."""
    if codec == Compression.NONE:
        return bytes(data)
    if codec == Compression.GZIP:
        return zlib.compress(data, wbits=_GZIP_WBITS)
    if codec == Compression.SNAPPY:
        return _xerial_compress(data)
    if codec == Compression.LZ4:
        compressor = cramjam.lz4.Compressor(block_linked=False, content_checksum=False)
        # The streaming compressor only takes bytes.
        compressor.compress(data if isinstance(data, bytes) else bytes(data))
        return bytes(compressor.finish())
    if codec == Compression.ZSTD:
        return bytes(cramjam.zstd.compress(data))
    raise ValueError(f"unknown compression codec {codec!r}")


def _xerial_compress(data: bytes | bytearray | memoryview) -> bytes:
    view = memoryview(data)
    parts = [_XERIAL_HEADER.pack(XERIAL_MAGIC, _XERIAL_VERSION, _XERIAL_COMPATIBLE_VERSION)]
    for start in range(0, len(view), XERIAL_BLOCK_SIZE):
        block = bytes(cramjam.snappy.compress_raw(view[start : start + XERIAL_BLOCK_SIZE]))
        parts.append(_INT32.pack(len(block)))
        parts.append(block)
    return b"".join(parts)


# -- decompress -----------------------------------------------------------------------------


def decompress(
    codec: Compression,
    data: bytes | bytearray | memoryview,
    *,
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
) -> bytes:
    """Decompress a records section, never producing or allocating more than ``max_bytes``.

    Raises CorruptMessageError when the data is malformed or expands past ``max_bytes``.
    Snappy input may be raw or xerial-framed (detected by ``XERIAL_MAGIC``).
    """
    if codec == Compression.NONE:
        if len(data) > max_bytes:
            raise _too_large(codec, max_bytes)
        return bytes(data)
    if codec == Compression.GZIP:
        return _gzip_decompress(data, max_bytes)
    if codec == Compression.SNAPPY:
        if bytes(data[: len(XERIAL_MAGIC)]) == XERIAL_MAGIC:
            return _xerial_decompress(data, max_bytes)
        return _snappy_raw_decompress(data, max_bytes)
    if codec == Compression.LZ4:
        hint = _lz4_declared_size(data)
        return _bounded_decompress_into(codec, cramjam.lz4.decompress_into, data, hint, max_bytes)
    if codec == Compression.ZSTD:
        hint = _zstd_declared_size(data)
        return _bounded_decompress_into(codec, cramjam.zstd.decompress_into, data, hint, max_bytes)
    raise CorruptMessageError(f"unknown compression codec id {int(codec)}")


def _too_large(codec: Compression, max_bytes: int) -> CorruptMessageError:
    return CorruptMessageError(
        f"{codec.name.lower()} records expand past the {max_bytes}-byte decompression cap"
    )


def _gzip_decompress(data: bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    out: list[bytes] = []
    produced = 0
    remaining: bytes | bytearray | memoryview = data
    # A gzip stream may hold several members back to back; Java's GZIPInputStream reads them all.
    while True:
        decompressor = zlib.decompressobj(wbits=_GZIP_WBITS)
        try:
            chunk = decompressor.decompress(remaining, max_bytes - produced + 1)
        except zlib.error as exc:
            raise CorruptMessageError(f"gzip records are corrupt: {exc}") from exc
        produced += len(chunk)
        if produced > max_bytes:
            raise _too_large(Compression.GZIP, max_bytes)
        out.append(chunk)
        if not decompressor.eof:
            raise CorruptMessageError("gzip records are truncated")
        remaining = decompressor.unused_data
        if not remaining:
            return b"".join(out)


def _snappy_block_length(block: bytes | bytearray | memoryview) -> int:
    try:
        return int(cramjam.snappy.decompress_raw_len(block))
    except cramjam.DecompressionError as exc:
        raise CorruptMessageError(f"snappy records are corrupt: {exc}") from exc


def _snappy_raw_decompress(data: bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    length = _snappy_block_length(data)
    if length > max_bytes:
        raise _too_large(Compression.SNAPPY, max_bytes)
    out = bytearray(length)
    try:
        written = cramjam.snappy.decompress_raw_into(data, out)
    except cramjam.DecompressionError as exc:
        raise CorruptMessageError(f"snappy records are corrupt: {exc}") from exc
    if written != length:
        raise CorruptMessageError(f"snappy records decoded to {written} of {length} bytes")
    return bytes(out)


def _xerial_decompress(data: bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    view = memoryview(data)
    if len(view) < _XERIAL_HEADER.size:
        raise CorruptMessageError("xerial snappy header is truncated")
    # The version fields are not checked: some producers write them in the wrong byte order,
    # and there has only ever been one block format.
    pos = _XERIAL_HEADER.size
    blocks: list[tuple[memoryview, int]] = []
    total = 0
    while pos < len(view):
        if pos + _INT32.size > len(view):
            raise CorruptMessageError("xerial snappy block length is truncated")
        (block_size,) = _INT32.unpack_from(view, pos)
        pos += _INT32.size
        if block_size < 0 or pos + block_size > len(view):
            raise CorruptMessageError(f"xerial snappy block of {block_size} bytes is truncated")
        block = view[pos : pos + block_size]
        pos += block_size
        length = _snappy_block_length(block)
        total += length
        if total > max_bytes:
            raise _too_large(Compression.SNAPPY, max_bytes)
        blocks.append((block, length))
    out = bytearray(total)
    target = memoryview(out)
    at = 0
    for block, length in blocks:
        try:
            written = cramjam.snappy.decompress_raw_into(block, target[at : at + length])
        except cramjam.DecompressionError as exc:
            raise CorruptMessageError(f"snappy records are corrupt: {exc}") from exc
        if written != length:
            raise CorruptMessageError(f"snappy block decoded to {written} of {length} bytes")
        at += length
    target.release()
    return bytes(out)


def _lz4_declared_size(data: bytes | bytearray | memoryview) -> int | None:
    """The content size an lz4 frame header declares, if it declares one."""
    if len(data) < 14 or bytes(data[:4]) != _LZ4_MAGIC:
        return None
    if not data[4] & _LZ4_CONTENT_SIZE_FLAG:
        return None
    return int.from_bytes(data[6:14], "little")


def _zstd_declared_size(data: bytes | bytearray | memoryview) -> int | None:
    """The content size the first zstd frame header declares, if it declares one."""
    if len(data) < 5 or bytes(data[:4]) != _ZSTD_MAGIC:
        return None
    descriptor = data[4]
    size_flag = descriptor >> 6
    single_segment = bool(descriptor & 0x20)
    dict_id_size = (0, 1, 2, 4)[descriptor & 0x03]
    size_bytes = (1 if single_segment else 0, 2, 4, 8)[size_flag]
    if size_bytes == 0:
        return None
    start = 5 + (0 if single_segment else 1) + dict_id_size
    if len(data) < start + size_bytes:
        return None
    size = int.from_bytes(data[start : start + size_bytes], "little")
    return size + 256 if size_bytes == 2 else size


def _bounded_decompress_into(
    codec: Compression,
    decompress_into: Callable[[Any, bytearray], int],
    data: bytes | bytearray | memoryview,
    hint: int | None,
    max_bytes: int,
) -> bytes:
    """Decompress with cramjam into buffers of growing size, never past ``max_bytes + 1``."""
    if hint is not None and hint > max_bytes:
        raise _too_large(codec, max_bytes)
    limit = max_bytes + 1
    if hint is not None:
        # One spare byte: a frame that lies about its size and produces more is caught.
        size = hint + 1
    else:
        size = max(_MIN_INITIAL_OUTPUT_BYTES, len(data) * _ASSUMED_RATIO)
    size = min(size, limit)
    while True:
        out = bytearray(size)
        try:
            written = int(decompress_into(data, out))
        except (cramjam.DecompressionError, OSError, ValueError) as exc:
            if not any(text in str(exc) for text in _OUTPUT_FULL_MESSAGES):
                raise CorruptMessageError(
                    f"{codec.name.lower()} records are corrupt: {exc}"
                ) from exc
            # Free this buffer before allocating the next, so the peak stays near one buffer.
            del out
            if size >= limit:
                raise _too_large(codec, max_bytes) from None
            size = min(size * _GROWTH_FACTOR, limit)
            continue
        # cramjam fails rather than stopping when the buffer is full, so success means the
        # whole stream was decoded (an exact fit included).
        if written > max_bytes:
            raise _too_large(codec, max_bytes)
        del out[written:]
        return bytes(out)
