"""Record batch compression codecs: gzip, snappy (raw and xerial-framed), lz4 (frame), zstd.

Decompression is always bounded: ``decompress`` never allocates more than ``max_bytes + 1``
bytes of output, however much the input claims to expand to, so a small "decompression bomb"
cannot exhaust memory. The strategies per codec:

* gzip: ``zlib.decompressobj().decompress(data, max_length)`` stops at the bound.
* snappy: every raw block states its decompressed length up front; we sum the lengths and
  reject before decompressing anything (as we do a length that the block is too short for).
* lz4 and zstd: cramjam's ``decompress_into`` writes into a caller-sized buffer and fails
  instead of growing it. The buffer is sized from the framing (``framed_size``: the declared
  content size, else the block sizes, which bound the output to within one block), so one
  decode is usually all it takes; a wrong size grows geometrically up to ``max_bytes + 1``.

Produce validation decodes every compressed batch and keeps nothing: ``decompressed_view``
lends it a view of a ``DecompressionBuffer`` that the caller reuses from batch to batch (up to
``SCRATCH_MAX_BYTES``), so a batch costs one decode, without allocating, zero-filling or
copying its output. The caller owns the buffer and keeps one per thread (this module holds no
state and knows nothing of threads).

What we write matches the Java client: gzip members, xerial-framed snappy in 32 KiB blocks,
lz4 frames with independent blocks (Kafka's reader cannot follow linked blocks), zstd frames.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from enum import IntEnum
from typing import Any

import cramjam

from protocol.errors import CorruptMessageError
from protocol.records.framed_size import (
    SizeEstimate,
    lz4_frames_size,
    snappy_max_size,
    too_large,
    zstd_frames_size,
)

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "SCRATCH_MAX_BYTES",
    "XERIAL_BLOCK_SIZE",
    "XERIAL_MAGIC",
    "Compression",
    "DecompressionBuffer",
    "compress",
    "decompress",
    "decompressed_view",
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

#: Largest output buffer a thread keeps for reuse between batches. librdkafka's batches are at
#: most ``batch.size`` (1,000,000 bytes) before compression and Java's are smaller, so 8 MiB
#: holds any common batch while bounding what each thread holds on to for good. Larger
#: outputs get a buffer of their own, freed after use.
SCRATCH_MAX_BYTES = 8 * 1024 * 1024

#: First output buffer for lz4/zstd when the framing does not parse: a guess of a 4x ratio,
#: at least 64 KiB so that small batches succeed on the first attempt.
_MIN_INITIAL_OUTPUT_BYTES = 64 * 1024
_ASSUMED_RATIO = 4
#: Each retry multiplies the buffer by this; the total work stays within a constant factor of
#: one decompression of the final size.
_GROWTH_FACTOR = 4

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


class DecompressionBuffer:
    """An output buffer that ``decompressed_view`` may reuse from one batch to the next.

    Not safe to share between threads: a caller keeps one per thread (the broker keeps one for
    its event loop). Grows up to ``SCRATCH_MAX_BYTES``; larger outputs get buffers of their own.
    """

    __slots__ = ("buffer", "lent")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.lent = False
        """A view of ``buffer`` is lent out: a nested ``decompressed_view`` must not reuse it."""


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
            raise too_large(codec.name.lower(), max_bytes)
        return bytes(data)
    if codec == Compression.GZIP:
        return _gzip_decompress(data, max_bytes)
    with decompressed_view(codec, data, max_bytes=max_bytes) as view:
        return bytes(view)


@contextmanager
def decompressed_view(
    codec: Compression,
    data: bytes | bytearray | memoryview,
    *,
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
    reuse: DecompressionBuffer | None = None,
) -> Iterator[memoryview]:
    """Decompress a records section for reading inside a ``with`` block only, as
    ``decompress`` does (same bound, same errors) but without a copy of its own: the view is
    of ``reuse``'s buffer when one is given and not lent out already, and is released when the
    block ends.

    For a caller that walks the records and keeps none of them (produce validation). A
    caller that still holds a buffer exported from the view at the end does no harm: the
    buffer is then left to it and not reused.
    """
    if codec == Compression.NONE:
        if len(data) > max_bytes:
            raise too_large(codec.name.lower(), max_bytes)
        with memoryview(data) as view:
            yield view
        return
    if codec == Compression.GZIP:
        with memoryview(_gzip_decompress(data, max_bytes)) as view:
            yield view
        return
    lend = reuse if reuse is not None and not reuse.lent else None
    if lend is not None:
        lend.lent = True
    try:
        view = _decode(codec, data, max_bytes, lend)
        try:
            yield view
        finally:
            _give_back(view, lend)
    finally:
        if lend is not None:
            lend.lent = False


def _decode(
    codec: Compression,
    data: bytes | bytearray | memoryview,
    max_bytes: int,
    scratch: DecompressionBuffer | None,
) -> memoryview:
    if codec == Compression.SNAPPY:
        if bytes(data[: len(XERIAL_MAGIC)]) == XERIAL_MAGIC:
            return _xerial_decompress(data, max_bytes, scratch)
        return _snappy_raw_decompress(data, max_bytes, scratch)
    if codec == Compression.LZ4:
        estimate = lz4_frames_size(data, max_bytes)
        return _decode_frames(
            codec, cramjam.lz4.decompress_into, data, estimate, max_bytes, scratch
        )
    if codec == Compression.ZSTD:
        estimate = zstd_frames_size(data, max_bytes)
        return _decode_frames(
            codec, cramjam.zstd.decompress_into, data, estimate, max_bytes, scratch
        )
    raise CorruptMessageError(f"unknown compression codec id {int(codec)}")


def _output(size: int, scratch: DecompressionBuffer | None) -> memoryview:
    """A writable view of ``size`` bytes: of the reusable buffer when there is one and it is
    allowed to be that large, else of a buffer of its own."""
    if scratch is None or size > SCRATCH_MAX_BYTES:
        return memoryview(bytearray(size))
    if len(scratch.buffer) < size:
        # Grow geometrically so that a run of growing batches allocates a few times only;
        # drop the old buffer first, so that the peak stays one buffer.
        grown = min(SCRATCH_MAX_BYTES, max(size, 2 * len(scratch.buffer)))
        scratch.buffer = bytearray()
        scratch.buffer = bytearray(grown)
    return memoryview(scratch.buffer)[:size]


def _give_back(view: memoryview, scratch: DecompressionBuffer | None) -> None:
    buffer = view.obj
    with suppress(BufferError):  # something exported from the view is held: checked below
        view.release()
    if scratch is not None and buffer is scratch.buffer and not _unexported(scratch.buffer):
        # The caller still holds a view of the buffer (a slice, say): it is theirs now.
        scratch.buffer = bytearray()


def _unexported(buffer: bytearray) -> bool:
    """Whether no view of ``buffer`` is alive: a bytearray refuses to resize while one is."""
    if not buffer:
        return True
    try:
        last = buffer.pop()
    except BufferError:
        return False
    buffer.append(last)  # the allocation is unchanged: no copy
    return True


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
            raise too_large("gzip", max_bytes)
        out.append(chunk)
        if not decompressor.eof:
            raise CorruptMessageError("gzip records are truncated")
        remaining = decompressor.unused_data
        if not remaining:
            return b"".join(out)


def _snappy_block_length(block: bytes | bytearray | memoryview, max_bytes: int) -> int:
    """The length a raw snappy block's preamble declares, checked against what the block can
    hold and against the cap."""
    try:
        length = int(cramjam.snappy.decompress_raw_len(block))
    except cramjam.DecompressionError as exc:
        raise CorruptMessageError(f"snappy records are corrupt: {exc}") from exc
    if length > max_bytes:
        raise too_large("snappy", max_bytes)
    if length > snappy_max_size(len(block)):
        raise CorruptMessageError(
            f"snappy block of {len(block)} bytes declares {length} bytes, more than it can hold"
        )
    return length


def _snappy_raw_into(block: bytes | bytearray | memoryview, out: memoryview) -> None:
    try:
        written = cramjam.snappy.decompress_raw_into(block, out)
    except cramjam.DecompressionError as exc:
        raise CorruptMessageError(f"snappy records are corrupt: {exc}") from exc
    if written != len(out):
        raise CorruptMessageError(f"snappy block decoded to {written} of {len(out)} bytes")


def _snappy_raw_decompress(
    data: bytes | bytearray | memoryview, max_bytes: int, scratch: DecompressionBuffer | None
) -> memoryview:
    out = _output(_snappy_block_length(data, max_bytes), scratch)
    try:
        _snappy_raw_into(data, out)
    except CorruptMessageError:
        out.release()
        raise
    return out


def _xerial_decompress(
    data: bytes | bytearray | memoryview, max_bytes: int, scratch: DecompressionBuffer | None
) -> memoryview:
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
        length = _snappy_block_length(block, max_bytes)
        total += length
        if total > max_bytes:
            raise too_large("snappy", max_bytes)
        blocks.append((block, length))
    out = _output(total, scratch)
    at = 0
    try:
        for block, length in blocks:
            with out[at : at + length] as target:
                _snappy_raw_into(block, target)
            at += length
    except CorruptMessageError:
        out.release()
        raise
    return out


def _attempt_sizes(estimate: SizeEstimate | None, data_bytes: int, limit: int) -> Iterator[int]:
    """The output buffer sizes to try, smallest first, none past ``limit``."""
    if estimate is not None and estimate.exact:
        yield min(estimate.size_bytes, limit)
        return
    if estimate is None:
        size = max(_MIN_INITIAL_OUTPUT_BYTES, data_bytes * _ASSUMED_RATIO)
    else:
        size = estimate.size_bytes
        if size > SCRATCH_MAX_BYTES and limit > SCRATCH_MAX_BYTES:
            # The bound counts every compressed block as full; many tiny blocks make it far
            # more than the truth. Try the reusable buffer before allocating that much.
            yield SCRATCH_MAX_BYTES
    size = min(size, limit)
    while True:
        yield size
        if size >= limit:
            return
        size = min(size * _GROWTH_FACTOR, limit)


def _decode_frames(
    codec: Compression,
    decompress_into: Callable[[Any, memoryview], int],
    data: bytes | bytearray | memoryview,
    estimate: SizeEstimate | None,
    max_bytes: int,
    scratch: DecompressionBuffer | None,
) -> memoryview:
    """Decompress lz4 or zstd frames with cramjam into a buffer sized from ``estimate``, never
    past ``max_bytes + 1``: cramjam fails rather than writing past the end of the buffer."""
    name = codec.name.lower()
    limit = max_bytes + 1
    for size in _attempt_sizes(estimate, len(data), limit):
        out = _output(size, scratch)
        try:
            written = int(decompress_into(data, out))
        except (cramjam.DecompressionError, OSError, ValueError) as exc:
            # Free a buffer of its own before allocating the next: the peak stays one buffer.
            out.release()
            if not any(text in str(exc) for text in _OUTPUT_FULL_MESSAGES):
                raise CorruptMessageError(f"{name} records are corrupt: {exc}") from exc
            if size >= limit:
                raise too_large(name, max_bytes) from None
            if estimate is not None and estimate.exact:
                raise CorruptMessageError(
                    f"{name} records expand past the {size} bytes their frames declare"
                ) from None
            continue
        # cramjam fails rather than stopping when the buffer is full, so success means the
        # whole stream was decoded (an exact fit included).
        if written > max_bytes:
            out.release()
            raise too_large(name, max_bytes)
        if estimate is not None and estimate.exact and written != estimate.size_bytes:
            out.release()
            raise CorruptMessageError(
                f"{name} records decoded to {written} of the {estimate.size_bytes} bytes "
                "their frames declare"
            )
        result = out[:written]
        out.release()
        return result
    raise AssertionError("unreachable: the last size tried is the limit")  # pragma: no cover
