"""The frame decoder: whole frames out of any split of the byte stream, with a size limit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.errors import DecodeError, FrameTooLargeError
from protocol.frame import MIN_GROWTH_BYTES, SCRATCH_BYTES, FrameDecoder


def _framed(payloads: list[bytes]) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in payloads)


@given(
    payloads=st.lists(st.binary(min_size=1, max_size=300), max_size=8),
    cuts=st.lists(st.integers(0, 4000), max_size=10),
)
def test_any_split_gives_the_same_frames(payloads: list[bytes], cuts: list[int]) -> None:
    stream = _framed(payloads)
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    decoder = FrameDecoder()
    frames = []
    for a, b in itertools.pairwise(points):
        frames += [bytes(f) for f in decoder.feed(stream[a:b])]
    assert frames == payloads
    assert decoder.idle


def test_size_over_the_limit_fails_before_allocating() -> None:
    decoder = FrameDecoder(max_frame_bytes=1024)
    with pytest.raises(FrameTooLargeError):
        decoder.feed((2**31 - 1).to_bytes(4, "big"))


def test_negative_size() -> None:
    with pytest.raises(DecodeError):
        FrameDecoder().feed(b"\xff\xff\xff\xfe")


def _read_via_buffers(decoder: FrameDecoder, stream: bytes, chunk: int) -> list[bytes]:
    frames: list[bytes] = []
    pos = 0
    while pos < len(stream):
        buf = decoder.get_buffer()
        n = min(len(buf), chunk, len(stream) - pos)
        buf[:n] = stream[pos : pos + n]
        pos += n
        frames += [bytes(f) for f in decoder.buffer_updated(n)]
    return frames


@pytest.mark.parametrize("chunk", [1, 7, 4096, SCRATCH_BYTES, 10 * SCRATCH_BYTES])
def test_buffered_protocol_path(chunk: int) -> None:
    payloads = [b"a" * 10, b"b" * (5 * SCRATCH_BYTES + 3), b"c", b"d" * (SCRATCH_BYTES - 4)]
    decoder = FrameDecoder()
    assert _read_via_buffers(decoder, _framed(payloads), chunk) == payloads
    assert decoder.idle


def test_large_frame_is_read_into_its_own_buffer() -> None:
    decoder = FrameDecoder()
    decoder.feed((3 * SCRATCH_BYTES).to_bytes(4, "big") + b"x")
    buf = decoder.get_buffer()
    # The view is the frame's own buffer past the byte that arrived, not the scratch buffer;
    # it grows as bytes arrive, so it is not the whole rest of the frame yet.
    assert MIN_GROWTH_BYTES <= len(buf) < 3 * SCRATCH_BYTES - 1
    buf[:] = b"y" * len(buf)
    assert decoder.buffer_updated(len(buf)) == []
    assert decoder.received_bytes == 1 + len(buf)
