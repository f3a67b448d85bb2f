"""Compression codecs: round trips, xerial snappy, framing details and bounded decompression."""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zlib
from collections.abc import Callable

import cramjam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.lz4_frames import lz4_frame

from protocol.errors import CorruptMessageError
from protocol.records import Compression, compress, decompress
from protocol.records.compression import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    XERIAL_BLOCK_SIZE,
    XERIAL_MAGIC,
)

CODECS = list(Compression)
COMPRESSED = [c for c in Compression if c != Compression.NONE]
MiB = 1024 * 1024

SAMPLES = {
    "empty": b"",
    "one byte": b"x",
    "random": os.urandom(70_000),
    "text": b"the quick brown fox jumps over the lazy dog " * 5000,
    "zeros 3 MiB": bytes(3 * MiB),  # larger than the first output guess: exercises growth
}


@pytest.mark.parametrize("codec", CODECS, ids=lambda c: c.name.lower())
@pytest.mark.parametrize("name", list(SAMPLES))
def test_round_trip(codec: Compression, name: str) -> None:
    data = SAMPLES[name]
    compressed = compress(codec, data)
    assert decompress(codec, compressed) == data
    assert decompress(codec, memoryview(compressed)) == data
    assert decompress(codec, bytearray(compressed)) == data


@pytest.mark.parametrize("codec", CODECS, ids=lambda c: c.name.lower())
@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=5000))
def test_round_trip_property(codec: Compression, data: bytes) -> None:
    assert decompress(codec, compress(codec, data)) == data


@pytest.mark.parametrize("codec", CODECS, ids=lambda c: c.name.lower())
def test_cap_is_inclusive(codec: Compression) -> None:
    data = b"abcdefgh" * 10_000
    compressed = compress(codec, data)
    assert decompress(codec, compressed, max_bytes=len(data)) == data
    with pytest.raises(CorruptMessageError, match="cap"):
        decompress(codec, compressed, max_bytes=len(data) - 1)


# -- interop details of what we write -----------------------------------------------------------


def test_gzip_is_a_standard_gzip_member() -> None:
    data = b"hello " * 1000
    assert gzip.decompress(compress(Compression.GZIP, data)) == data


def test_gzip_reads_concatenated_members() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert decompress(Compression.GZIP, data) == b"first second"


def test_snappy_writes_xerial_blocks() -> None:
    data = os.urandom(100) * 1000  # 100 kB: four 32 KiB blocks
    out = compress(Compression.SNAPPY, data)
    assert out[:8] == XERIAL_MAGIC
    assert struct.unpack(">ii", out[8:16]) == (1, 1)
    pos, blocks = 16, []
    while pos < len(out):
        (size,) = struct.unpack_from(">i", out, pos)
        blocks.append(bytes(cramjam.snappy.decompress_raw(out[pos + 4 : pos + 4 + size])))
        pos += 4 + size
    assert [len(b) for b in blocks] == [XERIAL_BLOCK_SIZE] * 3 + [len(data) - 3 * XERIAL_BLOCK_SIZE]
    assert b"".join(blocks) == data


def test_lz4_frame_has_independent_blocks() -> None:
    out = compress(Compression.LZ4, b"abc" * 100_000)
    assert out[:4] == b"\x04\x22\x4d\x18"
    flags = out[4]
    assert flags >> 6 == 1  # frame version 01
    assert flags & 0x20  # block independence: Kafka's Java reader needs it
    assert bytes(cramjam.lz4.decompress(out)) == b"abc" * 100_000


def test_zstd_output_is_a_standard_frame() -> None:
    out = compress(Compression.ZSTD, b"z" * 1000)
    assert out[:4] == b"\x28\xb5\x2f\xfd"
    assert bytes(cramjam.zstd.decompress(out)) == b"z" * 1000


# -- snappy framings ------------------------------------------------------------------------------


def _xerial(data: bytes, block: int = XERIAL_BLOCK_SIZE, header: bytes | None = None) -> bytes:
    parts = [header if header is not None else XERIAL_MAGIC + struct.pack(">ii", 1, 1)]
    for i in range(0, len(data), block):
        chunk = bytes(cramjam.snappy.compress_raw(data[i : i + block]))
        parts.append(struct.pack(">i", len(chunk)) + chunk)
    return b"".join(parts)


def test_reads_raw_snappy() -> None:
    data = b"raw snappy " * 1000
    assert decompress(Compression.SNAPPY, bytes(cramjam.snappy.compress_raw(data))) == data


@pytest.mark.parametrize("block", [1, 100, 4096, 65536])
def test_reads_xerial_any_block_size(block: int) -> None:
    data = b"xerial framed data " * 2000
    assert decompress(Compression.SNAPPY, _xerial(data, block)) == data


def test_reads_xerial_with_little_endian_version_fields() -> None:
    # Some producers write the version ints in the wrong byte order; the blocks are the same.
    header = XERIAL_MAGIC + struct.pack("<ii", 1, 1)
    assert decompress(Compression.SNAPPY, _xerial(b"abc" * 100, header=header)) == b"abc" * 100


def test_reads_xerial_with_no_blocks() -> None:
    assert decompress(Compression.SNAPPY, _xerial(b"")) == b""


@pytest.mark.parametrize(
    "mangle",
    [
        lambda x: x[:12],  # header cut short
        lambda x: x[:18],  # block length cut short
        lambda x: x[:-1],  # block cut short
        lambda x: x[:16] + struct.pack(">i", -1) + x[20:],  # negative block length
        lambda x: x[:20] + b"\xff\xff\xff\xff\xff" + x[25:],  # block's varint length broken
    ],
    ids=["header", "length", "block", "negative", "garbage"],
)
def test_corrupt_xerial(mangle: object) -> None:
    good = _xerial(b"hello world " * 100)
    with pytest.raises(CorruptMessageError):
        decompress(Compression.SNAPPY, mangle(good))  # type: ignore[operator]


# -- corrupt input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", COMPRESSED, ids=lambda c: c.name.lower())
@pytest.mark.parametrize(
    "mangle",
    [
        lambda x: b"",
        lambda x: b"\x00" * 20,
        lambda x: x[: len(x) // 2],
        lambda x: os.urandom(200),
    ],
    ids=["empty", "zeros", "truncated", "random"],
)
def test_corrupt_input_raises_corrupt_message(codec: Compression, mangle: object) -> None:
    good = compress(codec, b"some text to compress " * 500)
    bad = mangle(good)  # type: ignore[operator]
    try:
        result = decompress(codec, bad)
    except CorruptMessageError:
        return
    # A few codecs without checksums may decode garbage to garbage; that is not a crash, and
    # the batch CRC is what catches it. It must never decode to the original.
    assert result != b"some text to compress " * 500


# -- decompression bombs ---------------------------------------------------------------------------


def _zstd_bomb(total: int, *, declare_size: bool) -> bytes:
    if declare_size:
        return bytes(cramjam.zstd.compress(bytes(total)))
    compressor = cramjam.zstd.Compressor()  # streaming: no content size in the frame header
    chunk = bytes(MiB)
    for _ in range(total // MiB):
        compressor.compress(chunk)
    return bytes(compressor.finish())


def _lz4_bomb(total: int) -> bytes:
    compressor = cramjam.lz4.Compressor(block_linked=False)
    chunk = bytes(MiB)
    for _ in range(total // MiB):
        compressor.compress(chunk)
    return bytes(compressor.finish())


def _gzip_bomb(total: int) -> bytes:
    # Concatenated members, each 1 MiB of zeros: a 1 KiB input per MiB of output.
    return gzip.compress(bytes(MiB), compresslevel=9) * (total // MiB)


def _snappy_bomb(total: int) -> bytes:
    # One xerial header, then the same 1 MiB-of-zeros block repeated.
    one_block = _xerial(bytes(MiB), block=MiB)
    return one_block[:16] + one_block[16:] * (total // MiB)


BOMBS: dict[str, Callable[[int], tuple[Compression, bytes]]] = {
    "zstd declared": lambda total: (Compression.ZSTD, _zstd_bomb(total, declare_size=True)),
    "zstd streamed": lambda total: (Compression.ZSTD, _zstd_bomb(total, declare_size=False)),
    "lz4": lambda total: (Compression.LZ4, _lz4_bomb(total)),
    "gzip": lambda total: (Compression.GZIP, _gzip_bomb(total)),
    "snappy": lambda total: (Compression.SNAPPY, _snappy_bomb(total)),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_bomb_is_capped_and_memory_stays_bounded(name: str) -> None:
    codec, bomb = BOMBS[name](64 * MiB)
    cap = 1 * MiB
    tracemalloc.start()
    try:
        with pytest.raises(CorruptMessageError, match="cap"):
            decompress(codec, bomb, max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Output buffers never exceed cap + 1 bytes; allow one extra for the exception machinery.
    assert peak < 2 * cap + len(bomb) + 256 * 1024, peak


def test_zstd_declared_size_over_cap_is_rejected_before_decompressing() -> None:
    # A frame header claiming 1 GiB, with no real data behind it: rejected from the header.
    header = b"\x28\xb5\x2f\xfd" + bytes([0xA0]) + struct.pack("<I", 1 << 30)
    with pytest.raises(CorruptMessageError, match="cap"):
        decompress(Compression.ZSTD, header + b"\x00" * 16)


def test_zstd_frame_that_lies_about_its_size_is_caught() -> None:
    honest = bytes(cramjam.zstd.compress(bytes(200_000)))
    # Patch the declared 4-byte content size to 10 bytes; the frame still holds 200 kB.
    assert honest[4] == 0xA0
    liar = honest[:5] + struct.pack("<I", 10) + honest[9:]
    with pytest.raises(CorruptMessageError):
        decompress(Compression.ZSTD, liar, max_bytes=100_000)


def test_snappy_raw_declared_size_over_cap_is_rejected() -> None:
    # A raw snappy block whose varint preamble claims 1 GiB.
    claim = bytearray()
    value = 1 << 30
    while value > 0x7F:
        claim.append((value & 0x7F) | 0x80)
        value >>= 7
    claim.append(value)
    with pytest.raises(CorruptMessageError, match="cap"):
        decompress(Compression.SNAPPY, bytes(claim) + b"\x00" * 10)


def test_bombs_keep_process_memory_bounded() -> None:
    """In a fresh process (so native allocations count too), 512 MiB bombs stay near the cap."""
    script = textwrap.dedent(
        """
        import gzip, resource, sys
        import cramjam
        from protocol.errors import CorruptMessageError
        from protocol.records import Compression, decompress

        MiB = 1 << 20
        BOMB_MIB = 512
        c = cramjam.zstd.Compressor()
        chunk = bytes(MiB)
        for _ in range(BOMB_MIB):
            c.compress(chunk)
        zstd_bomb = bytes(c.finish())
        l = cramjam.lz4.Compressor(block_linked=False)
        for _ in range(BOMB_MIB):
            l.compress(chunk)
        lz4_bomb = bytes(l.finish())
        gzip_bomb = gzip.compress(chunk, 9) * BOMB_MIB
        del chunk, c, l
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cap = 16 * MiB
        for codec, bomb in ((Compression.ZSTD, zstd_bomb), (Compression.LZ4, lz4_bomb),
                            (Compression.GZIP, gzip_bomb)):
            try:
                decompress(codec, bomb, max_bytes=cap)
            except CorruptMessageError:
                pass
            else:
                sys.exit("bomb was not rejected")
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) // 1024)
        """
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    grown_mib = int(result.stdout.strip())
    # The cap is 16 MiB; the bombs claim 512 MiB each. Allow the cap plus generous slack.
    assert grown_mib < 64, grown_mib


def test_zlib_bound_is_honoured_directly() -> None:
    # Sanity check of the primitive the gzip path relies on.
    d = zlib.decompressobj(wbits=31)
    out = d.decompress(gzip.compress(bytes(10 * MiB)), 1000)
    assert len(out) == 1000


# -- frames that lie about their size ----------------------------------------------------------

LIAR_REAL_BYTES = 2 * MiB
#: What refusing a liar within the cap may cost: for gzip, the real output (zlib grows its
#: output in blocks, then joins them) before the trailer's length check fails; for the others
#: a buffer of the claimed size at most.
LIAR_PEAK_BYTES = 3 * LIAR_REAL_BYTES
_LIAR_DATA = os.urandom(512) * (LIAR_REAL_BYTES // 512)


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _snappy_raw_claiming(claim: int) -> bytes:
    block = bytes(cramjam.snappy.compress_raw(_LIAR_DATA))
    preamble = _varint(len(_LIAR_DATA))
    assert block.startswith(preamble)
    return _varint(claim) + block[len(preamble) :]


def _xerial_claiming(claim: int) -> bytes:
    block = _snappy_raw_claiming(claim)
    return XERIAL_MAGIC + struct.pack(">ii", 1, 1) + struct.pack(">i", len(block)) + block


def _zstd_claiming(claim: int) -> bytes:
    frame = bytes(cramjam.zstd.compress(_LIAR_DATA))
    descriptor = frame[4]
    assert descriptor >> 6 == 2 and not descriptor & 0x03  # a 4-byte size, no dictionary id
    at = 5 if descriptor & 0x20 else 6
    return frame[:at] + struct.pack("<I", claim) + frame[at + 4 :]


def _gzip_claiming(claim: int) -> bytes:
    member = gzip.compress(_LIAR_DATA)
    return member[:-4] + struct.pack("<I", claim % (1 << 32))  # ISIZE, the trailer's length


LIARS: dict[str, tuple[Compression, Callable[[int], bytes]]] = {
    "lz4": (Compression.LZ4, lambda claim: lz4_frame(_LIAR_DATA, declared_bytes=claim)),
    "zstd": (Compression.ZSTD, _zstd_claiming),
    "snappy raw": (Compression.SNAPPY, _snappy_raw_claiming),
    "snappy xerial": (Compression.SNAPPY, _xerial_claiming),
    "gzip": (Compression.GZIP, _gzip_claiming),
}


def _peak_while_refused(codec: Compression, data: bytes, max_bytes: int) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(CorruptMessageError):
            decompress(codec, data, max_bytes=max_bytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("name", list(LIARS))
def test_honest_claim_decodes(name: str) -> None:
    # The liars below differ from this frame only in the size they claim.
    codec, build = LIARS[name]
    assert decompress(codec, build(LIAR_REAL_BYTES)) == _LIAR_DATA


@pytest.mark.parametrize("name", list(LIARS))
def test_claims_small_expands_past_the_cap(name: str) -> None:
    codec, build = LIARS[name]
    liar = build(1000)
    cap = 1 * MiB
    peak = _peak_while_refused(codec, liar, cap)
    assert peak < 2 * cap + len(liar) + 256 * 1024, peak


@pytest.mark.parametrize("name", list(LIARS))
def test_claims_small_expands_within_the_cap(name: str) -> None:
    codec, build = LIARS[name]
    liar = build(1000)
    peak = _peak_while_refused(codec, liar, DEFAULT_MAX_DECOMPRESSED_BYTES)
    assert peak < LIAR_PEAK_BYTES + len(liar) + 256 * 1024, peak


@pytest.mark.parametrize("name", list(LIARS))
def test_claims_huge_is_small(name: str) -> None:
    # 100 MiB claimed, within the default cap: refused, and nothing near the claim allocated.
    codec, build = LIARS[name]
    liar = build(100 * MiB)
    peak = _peak_while_refused(codec, liar, DEFAULT_MAX_DECOMPRESSED_BYTES)
    assert peak < LIAR_PEAK_BYTES + len(liar) + 256 * 1024, peak
    if codec != Compression.GZIP:
        # The blocks cannot hold the claim: refused from the framing, before any output.
        with pytest.raises(CorruptMessageError, match="more than"):
            decompress(codec, liar)
        assert peak < len(liar) + 256 * 1024, peak


@pytest.mark.parametrize("name", [n for n in LIARS if n != "gzip"])  # gzip declares at the end
def test_claim_past_the_cap_is_refused_from_the_header(name: str) -> None:
    codec, build = LIARS[name]
    liar = build(1 << 30)
    with pytest.raises(CorruptMessageError, match=r"cap|more than"):
        decompress(codec, liar, max_bytes=64 * MiB)
    peak = _peak_while_refused(codec, liar, 64 * MiB)
    assert peak < len(liar) + 256 * 1024, peak
