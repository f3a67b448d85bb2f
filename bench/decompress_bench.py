"""Micro-benchmark of bounded decompression of one 1 MiB records section, as librdkafka
frames it (lz4: independent 64 KiB blocks, no content size; zstd: streamed, no content size).

    python bench/decompress_bench.py [--tree PATH] [--repeat 300]

Prints microseconds per call (median of 5 rounds) for ``decompress`` (returns bytes),
``decompressed_view`` with a reused ``DecompressionBuffer`` (produce validation's path, when
the tree has it) and, as the floor,
one cramjam ``decompress_into`` into a reused buffer of the exact size. ``--tree`` measures
another source tree (an older commit, say) with this script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parents[1]
ROUNDS: Final = 5
SECTION_BYTES: Final = 1024 * 1024
RECORD_VALUE: Final = (b"0123456789abcdefghijklmnopqrstuvwxyz" * 3)[:100]


def per_call_us(call: Callable[[], object], repeat: int) -> float:
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(repeat):
            call()
        rounds.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(rounds)


def lend(
    decompressed_view: Callable[..., Any], codec: object, data: bytes, reuse: object
) -> None:
    with decompressed_view(codec, data, reuse=reuse):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="source tree to measure")
    parser.add_argument("--repeat", type=int, default=300, help="calls per round")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "tests"))  # the frame builder, as the tests import it
    from support.lz4_frames import lz4_frame

    sys.path.insert(0, str(args.tree.resolve()))
    import cramjam

    from protocol.records import Compression, RecordBatchBuilder, decompress

    view_of: Callable[..., Any] | None
    try:  # an older tree may have neither
        from protocol.records.compression import DecompressionBuffer
        from protocol.records.compression import decompressed_view as view_of
    except ImportError:
        view_of = None

    builder = RecordBatchBuilder()
    while builder.size_estimate < SECTION_BYTES:
        builder.append(RECORD_VALUE, timestamp_ms=0)
    section = builder.build()[61:]
    streamed = cramjam.zstd.Compressor()
    streamed.compress(section)
    frames = {
        Compression.LZ4: (lz4_frame(section), cramjam.lz4.decompress_into),
        Compression.ZSTD: (bytes(streamed.finish()), cramjam.zstd.decompress_into),
    }
    print(f"tree {args.tree.resolve()}: a {len(section):,}-byte section of 100-byte records")
    print("| codec | compressed | decompress us | decompressed_view us | one decode us |")
    print("|---|---|---|---|---|")
    for codec, (data, decompress_into) in frames.items():
        assert decompress(codec, data) == section
        out = bytearray(len(section))
        floor = per_call_us(partial(decompress_into, data, out), args.repeat)
        whole = per_call_us(partial(decompress, codec, data), args.repeat)
        view = "-"
        if view_of is not None:
            reused = partial(lend, view_of, codec, data, DecompressionBuffer())
            view = f"{per_call_us(reused, args.repeat):.0f}"
        print(f"| {codec.name.lower()} | {len(data):,} | {whole:.0f} | {view} | {floor:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
