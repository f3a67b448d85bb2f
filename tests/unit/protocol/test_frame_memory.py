"""The frame decoder's memory: it grows with the bytes that arrive, never with the bytes a peer
announces, and a caller with a budget can bound it exactly."""

from __future__ import annotations

import random
import struct
import tracemalloc
from typing import Any

import pytest

from protocol.frame import MIN_GROWTH_BYTES, SCRATCH_BYTES, FrameDecoder

HUNDRED_MIB = 100 * 1024 * 1024
# A Produce v8 request header: api key, version, correlation id, client id "x" (13 bytes).
HEADER = struct.pack(">hhih", 0, 8, 1, 1) + b"x"


def _framed(payloads: list[bytes]) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in payloads)


@pytest.mark.parametrize("shared_scratch", [True, False])
def test_an_announced_100_mib_frame_costs_what_arrived(shared_scratch: bool) -> None:
    scratch = bytearray(SCRATCH_BYTES) if shared_scratch else None  # one per event loop
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        decoder = FrameDecoder(scratch=scratch)
        assert decoder.feed(HUNDRED_MIB.to_bytes(4, "big") + HEADER) == []
        decoder.get_buffer()  # what the event loop does before the next read
        held, peak = (m - before for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert decoder.received_bytes == len(HEADER)
    assert decoder.held_bytes <= len(HEADER) + MIN_GROWTH_BYTES
    # Without a shared scratch buffer the decoder allocates its own (64 KiB).
    bound = 16 * 1024 if shared_scratch else SCRATCH_BYTES + 16 * 1024
    assert held < bound
    assert peak < bound


@pytest.mark.parametrize("chunk", [1, 13, 1000, SCRATCH_BYTES])
def test_growth_is_proportional_to_bytes_received_by_feed(chunk: int) -> None:
    decoder = FrameDecoder()
    decoder.feed(HUNDRED_MIB.to_bytes(4, "big"))
    received = 0
    while received < min(3 * 1024 * 1024, 20_000 * chunk):
        decoder.feed(b"z" * chunk)
        received += chunk
        assert decoder.received_bytes == received
        assert decoder.held_bytes <= max(2 * received, received + MIN_GROWTH_BYTES)


@pytest.mark.parametrize("read_bytes", [1, 17, 4096, 1 << 20])
def test_growth_is_proportional_to_bytes_received_by_buffers(read_bytes: int) -> None:
    decoder = FrameDecoder(scratch=bytearray(SCRATCH_BYTES))
    stream = HUNDRED_MIB.to_bytes(4, "big") + b"w" * min(3 * 1024 * 1024, 20_000 * read_bytes)
    pos = 0
    while pos < len(stream):
        buf = decoder.get_buffer()
        n = min(len(buf), read_bytes, len(stream) - pos)
        buf[:n] = stream[pos : pos + n]
        pos += n
        assert decoder.buffer_updated(n) == []
        received = decoder.received_bytes
        assert received == max(0, pos - 4)
        assert decoder.held_bytes <= max(2 * received, received + MIN_GROWTH_BYTES)


def test_a_large_frame_costs_at_most_one_extra_copy() -> None:
    size = 16 * 1024 * 1024
    decoder = FrameDecoder()
    decoder.feed(size.to_bytes(4, "big"))
    copied = 0
    frames: list[Any] = []
    while not frames:
        before = decoder.held_bytes
        buf = decoder.get_buffer()
        if decoder.held_bytes > before:
            copied += decoder.received_bytes  # a new buffer and one copy of what arrived
        buf[:] = b"\x01" * len(buf)
        frames = decoder.buffer_updated(len(buf))
    assert len(frames[0]) == size and frames[0].obj is not None
    assert copied <= size


def test_frames_split_at_every_position_decode() -> None:
    payloads = [b"", b"a", b"bc" * 3, bytes(range(256)) * 2, b"", b"d" * 40]
    stream = _framed(payloads)
    for cut in range(len(stream) + 1):
        decoder = FrameDecoder()
        frames = [bytes(f) for f in decoder.feed(stream[:cut])]
        frames += [bytes(f) for f in decoder.feed(stream[cut:])]
        assert frames == payloads, cut
        assert decoder.idle


def test_a_large_frame_split_at_every_position_near_its_edges_decodes() -> None:
    big = bytes(random.Random(7).randbytes(SCRATCH_BYTES + 300))
    payloads = [b"head", big, b"tail"]
    stream = _framed(payloads)
    edges = [0, 8, len(stream) - len(big) - 12, len(stream) - 12]
    cuts = {c for e in edges for c in range(max(0, e - 40), min(len(stream), e + 40) + 1)}
    cuts |= set(range(0, len(stream), 997))
    for cut in sorted(cuts):
        decoder = FrameDecoder()
        frames = [bytes(f) for f in decoder.feed(stream[:cut])]
        frames += [bytes(f) for f in decoder.feed(stream[cut:])]
        assert frames == payloads, cut


def _budgeted_read(
    decoder: FrameDecoder, stream: bytes, limit: int, rng: random.Random
) -> tuple[list[bytes], int]:
    """Read ``stream`` the way the broker does under a budget of ``limit`` bytes; returns the
    frames and the most the decoder ever held. Asserts the budget is never exceeded."""
    charged = 0
    peak = 0
    frames: list[bytes] = []
    pos = 0
    while pos < len(stream):
        least, wanted = decoder.growth_needed
        if least:
            grant = min(wanted, limit - charged)
            assert grant >= least, "a single frame no larger than the budget must fit"
            decoder.reserve(grant)
            charged += grant
        allowance = limit - charged
        buf = decoder.get_buffer(allowance=allowance)
        n = min(len(buf), rng.randint(1, 3 * SCRATCH_BYTES), len(stream) - pos)
        buf[:n] = stream[pos : pos + n]
        pos += n
        frames += [bytes(f) for f in decoder.buffer_updated(n)]
        assert decoder.held_bytes <= charged + allowance <= limit
        peak = max(peak, decoder.held_bytes)
        charged = decoder.held_bytes  # released what it no longer holds
    return frames, peak


@pytest.mark.parametrize("seed", range(5))
def test_budgeted_reads_never_hold_more_than_allowed(seed: int) -> None:
    rng = random.Random(seed)
    payloads = [rng.randbytes(rng.choice([0, 1, 50, 4000, 70_000, 300_000])) for _ in range(30)]
    limit = 300_000
    decoder = FrameDecoder(max_frame_bytes=limit, scratch=bytearray(SCRATCH_BYTES))
    frames, peak = _budgeted_read(decoder, _framed(payloads), limit, rng)
    assert frames == payloads
    assert peak <= limit
    assert decoder.idle and decoder.held_bytes == 0


def test_without_allowance_only_the_size_prefix_is_read() -> None:
    decoder = FrameDecoder(scratch=bytearray(SCRATCH_BYTES))
    buf = decoder.get_buffer(allowance=0)
    assert len(buf) == 4
    buf[:] = (1000).to_bytes(4, "big")
    assert decoder.buffer_updated(4) == []
    assert decoder.held_bytes == 0
    assert decoder.growth_needed == (1000, 1000)
    decoder.reserve(1000)
    buf = decoder.get_buffer(allowance=0)
    # The rest of the frame, and the next frame's size prefix: nothing more.
    assert len(buf) == 1000 + 4
    buf[:1000] = b"q" * 1000
    assert [bytes(f) for f in decoder.buffer_updated(1000)] == [b"q" * 1000]


def test_decoders_can_share_one_scratch_buffer() -> None:
    scratch = bytearray(SCRATCH_BYTES)
    a, b = FrameDecoder(scratch=scratch), FrameDecoder(scratch=scratch)
    stream_a = _framed([b"a1", b"a2" * 50, b"a3"])
    stream_b = _framed([b"b1" * 9, b"b2"])
    got: dict[str, list[bytes]] = {"a": [], "b": []}
    frames_a: list[memoryview] = []
    pa = pb = 0
    while pa < len(stream_a) or pb < len(stream_b):
        for name, dec, stream, pos in (("a", a, stream_a, pa), ("b", b, stream_b, pb)):
            if pos >= len(stream):
                continue
            buf = dec.get_buffer()
            n = min(len(buf), 5, len(stream) - pos)
            buf[:n] = stream[pos : pos + n]
            out = dec.buffer_updated(n)
            if name == "a":
                pa += n
                frames_a += out
            else:
                pb += n
            got[name] += [bytes(f) for f in out]
    assert got == {"a": [b"a1", b"a2" * 50, b"a3"], "b": [b"b1" * 9, b"b2"]}
    # Frames never alias the shared scratch buffer: later reads did not change them.
    assert [bytes(f) for f in frames_a] == got["a"]
