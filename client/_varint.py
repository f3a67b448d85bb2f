"""Precomputed zigzag varints for the encoder's hot path (lengths, deltas, counts)."""

from __future__ import annotations

from typing import Final

from protocol.records import encode_varint

__all__ = ["SMALL_VARINTS", "SMALL_VARINT_RANGE", "encode_varint"]

#: Values -SMALL_VARINT_RANGE .. SMALL_VARINT_RANGE-1 are looked up instead of encoded: that
#: covers every 1- and 2-byte varint (offset deltas in a batch, lengths of small values).
SMALL_VARINT_RANGE: Final = 8192
SMALL_VARINTS: Final[tuple[bytes, ...]] = tuple(
    encode_varint(v) for v in range(-SMALL_VARINT_RANGE, SMALL_VARINT_RANGE)
)
