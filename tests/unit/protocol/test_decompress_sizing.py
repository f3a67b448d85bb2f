"""Sizing decompression output from the framing, and the reused buffer of produce validation."""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Callable
from typing import Any

import cramjam
import pytest
from support.lz4_frames import RDKAFKA_BLOCK_BYTES, lz4_frame

from protocol.errors import CorruptMessageError
from protocol.records import Compression, compress, decompress
from protocol.records.compression import (
    SCRATCH_MAX_BYTES,
    DecompressionBuffer,
    decompressed_view,
)
from protocol.records.framed_size import (
    ZSTD_MAX_BLOCK_BYTES,
    SizeEstimate,
    lz4_frames_size,
    zstd_frames_size,
)

MiB = 1024 * 1024
CAP = 128 * MiB
# About what kcat sends: 100-byte records, compressible about 20 times.
BATCH = (os.urandom(40) + b"0123456789abcdefghijklmnopqrstuvwxyz" * 2) * (MiB // 112)


def _zstd_streamed(data: bytes) -> bytes:
    compressor = cramjam.zstd.Compressor()  # like librdkafka: no content size in the header
    compressor.compress(data)
    return bytes(compressor.finish())


def test_rdkafka_lz4_frame_is_bounded_within_one_block() -> None:
    frame = lz4_frame(BATCH)
    assert frame[4:6] == b"\x60\x40"  # what kcat -z lz4 writes: no content size
    estimate = lz4_frames_size(frame, CAP)
    assert estimate is not None and not estimate.exact
    assert len(BATCH) <= estimate.size_bytes < len(BATCH) + RDKAFKA_BLOCK_BYTES


def test_declared_lz4_size_is_exact() -> None:
    assert lz4_frames_size(lz4_frame(BATCH, declared_bytes=len(BATCH)), CAP) == SizeEstimate(
        len(BATCH), True
    )


def test_streamed_zstd_frame_is_bounded_within_one_block() -> None:
    estimate = zstd_frames_size(_zstd_streamed(BATCH), CAP)
    assert estimate is not None and not estimate.exact
    assert len(BATCH) <= estimate.size_bytes < len(BATCH) + ZSTD_MAX_BLOCK_BYTES


def test_zstd_raw_and_rle_blocks_count_exactly() -> None:
    rle = (100 << 3) | (1 << 1)  # an RLE block of 100 bytes
    raw = (5 << 3) | 1  # a raw block of 5 bytes, the last one
    # No single segment, a window descriptor, no content size.
    frame = struct.pack("<I", 0xFD2FB528) + b"\x00\x58"
    frame += rle.to_bytes(3, "little") + b"z" + raw.to_bytes(3, "little") + b"hello"
    assert zstd_frames_size(frame, CAP) == SizeEstimate(105, False)
    assert decompress(Compression.ZSTD, frame) == b"z" * 100 + b"hello"


def test_skippable_frames_are_skipped() -> None:
    skippable = struct.pack("<II", 0x184D2A53, 4) + b"skip"
    frame = lz4_frame(b"abc" * 1000, declared_bytes=3000)
    assert lz4_frames_size(skippable + frame, CAP) == SizeEstimate(3000, True)
    zstd = bytes(cramjam.zstd.compress(b"abc" * 1000))
    assert zstd_frames_size(skippable + zstd, CAP) == SizeEstimate(3000, True)


def test_concatenated_frames_add_up() -> None:
    two = lz4_frame(b"a" * 100, declared_bytes=100) + lz4_frame(b"b" * 50, declared_bytes=50)
    assert lz4_frames_size(two, CAP) == SizeEstimate(150, True)


@pytest.mark.parametrize(
    "data", [b"", b"\x04\x22\x4d", b"not a frame at all", b"\x04\x22\x4d\x18\x60\x40\x82"]
)
def test_framing_that_does_not_parse_gives_no_estimate(data: bytes) -> None:
    assert lz4_frames_size(data, CAP) is None
    assert zstd_frames_size(data, CAP) is None


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[int]:
    calls: list[int] = []
    real: Callable[[Any, Any], int] = module.decompress_into

    def counting(data: Any, out: Any) -> int:
        calls.append(len(out))
        return real(data, out)

    monkeypatch.setattr(module, "decompress_into", counting)
    return calls


@pytest.mark.parametrize("codec", [Compression.LZ4, Compression.ZSTD], ids=["lz4", "zstd"])
def test_librdkafka_batches_decode_once(
    codec: Compression, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = lz4_frame(BATCH) if codec == Compression.LZ4 else _zstd_streamed(BATCH)
    calls = _count_calls(monkeypatch, cramjam.lz4 if codec == Compression.LZ4 else cramjam.zstd)
    with decompressed_view(codec, data) as view:
        assert view == BATCH
    assert len(calls) == 1


def test_unparsed_framing_still_grows_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # A legacy-free frame with trailing bytes the walk does not know: sized by guessing, and
    # the buffer grows until the data fits.
    data = lz4_frame(bytes(4 * MiB)) + b"\x00"
    assert lz4_frames_size(data, CAP) is None
    calls = _count_calls(monkeypatch, cramjam.lz4)
    try:
        result = decompress(Compression.LZ4, data)
    except CorruptMessageError:
        return  # the decoder may refuse the trailing byte; then nothing more to check
    assert result == bytes(4 * MiB)
    assert len(calls) > 1 and calls == sorted(calls)


def test_view_is_released_when_the_block_ends() -> None:
    data = compress(Compression.ZSTD, BATCH)
    with decompressed_view(Compression.ZSTD, data) as view:
        assert view == BATCH
    with pytest.raises(ValueError):
        len(view)


def test_nested_views_do_not_share_a_buffer() -> None:
    first, second = b"first " * 1000, b"second " * 1000
    reuse = DecompressionBuffer()
    with decompressed_view(Compression.LZ4, compress(Compression.LZ4, first), reuse=reuse) as o:
        assert o.obj is reuse.buffer
        with decompressed_view(
            Compression.LZ4, compress(Compression.LZ4, second), reuse=reuse
        ) as inner:
            assert inner == second and inner.obj is not reuse.buffer
        assert o == first


def test_the_buffer_is_reused_from_batch_to_batch() -> None:
    reuse = DecompressionBuffer()
    for fill in (b"a", b"b", b"c"):
        with decompressed_view(
            Compression.ZSTD, compress(Compression.ZSTD, fill * 5000), reuse=reuse
        ) as view:
            assert view == fill * 5000
            if fill == b"a":
                first = reuse.buffer
            assert view.obj is first


def test_a_held_export_keeps_its_bytes() -> None:
    # A caller that keeps a slice past the block keeps the buffer; the next batch gets another.
    reuse = DecompressionBuffer()
    kept = compress(Compression.SNAPPY, b"kept " * 100)
    with decompressed_view(Compression.SNAPPY, kept, reuse=reuse) as v:
        held = v[:10]
    with decompressed_view(
        Compression.SNAPPY, compress(Compression.SNAPPY, b"X" * 500), reuse=reuse
    ) as v2:
        assert v2 == b"X" * 500
    assert bytes(held) == b"kept kept "


@pytest.mark.parametrize("codec", list(Compression), ids=lambda c: c.name.lower())
def test_view_matches_decompress(codec: Compression) -> None:
    data = compress(codec, BATCH)
    with decompressed_view(codec, data) as view:
        assert view == decompress(codec, data) == BATCH


def test_threads_with_buffers_of_their_own() -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4, timeout=10)

    def work(fill: bytes) -> None:
        try:
            data = compress(Compression.LZ4, fill * 100_000)
            reuse = DecompressionBuffer()
            barrier.wait()
            for _ in range(20):
                with decompressed_view(Compression.LZ4, data, reuse=reuse) as view:
                    assert view == fill * 100_000
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(bytes([65 + i]),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors


def test_outputs_past_the_reused_buffer_get_their_own() -> None:
    big = bytes(SCRATCH_MAX_BYTES + 1)
    assert decompress(Compression.ZSTD, _zstd_streamed(big)) == big
    assert decompress(Compression.LZ4, lz4_frame(big)) == big
