"""read_records' two loops agree: the fast one for sound sections and the careful one that names
the bad record of an unsound one. On every section, sound or mutated, read_records returns what
the careful loop alone returns (the same rows, the same error)."""

from __future__ import annotations

import random

import pytest

from protocol.errors import CorruptMessageError
from protocol.records import append_record, encode_headers, read_records
from protocol.records.record import _decode_into

Row = tuple[object, ...]


def _careful(data: bytes, count: int, min_offset: int) -> tuple[list[Row], str | None]:
    out: list[Row] = []
    try:
        _decode_into(out.append, data, count, 100, 5000, tuple, None, min_offset, "t", 0, 0, -1)
    except CorruptMessageError as exc:
        return out, str(exc)
    return out, None


def _section(rng: random.Random, count: int) -> bytes:
    """Records of every shape: null and empty keys and values, one-, two- and three-byte
    lengths, negative timestamp deltas, offset deltas past one byte, headers."""
    buf = bytearray()
    for i in range(count):
        size = rng.choice([0, 1, 63, 64, 100, 1024, 9000, 20000])
        key = rng.choice([None, b"", b"k%d" % i, bytes(rng.choice([70, 300]))])
        value = None if rng.random() < 0.1 else bytes(size)
        headers = (
            encode_headers([("h", b"v"), ("n", None)][: rng.randint(1, 2)])
            if rng.random() < 0.2
            else None
        )
        offset_delta = i if rng.random() < 0.8 else i + rng.choice([64, 8192, 2**20])
        timestamp_delta = rng.choice([0, -1, 63, -64, 64, 5000, -(2**40)])
        append_record(buf, offset_delta, timestamp_delta, key, value, headers)
    return bytes(buf)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    kind = rng.randrange(4)
    at = rng.randrange(len(raw))
    if kind == 0:
        raw[at] = rng.randrange(256)
    elif kind == 1:
        raw[at] ^= 1 << rng.randrange(8)
    elif kind == 2:
        del raw[at:]
    else:
        raw[at:at] = bytes([rng.randrange(256)])
    return bytes(raw)


@pytest.mark.parametrize("seed", range(4))
def test_read_records_agrees_with_the_careful_loop(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        count = rng.randint(1, 6)
        data = _section(rng, count)
        if rng.random() < 0.8:
            data = _mutate(rng, data)
        declared = count if rng.random() < 0.9 else count + rng.choice([-1, 1])
        min_offset = rng.choice([-(2**63), 102])
        rows, error = read_records(
            data,
            declared,
            base_offset=100,
            base_timestamp=5000,
            row_type=tuple,
            min_offset=min_offset,
            topic="t",
            partition=0,
        )
        expected_rows, expected_error = _careful(data, declared, min_offset)
        assert rows == expected_rows
        assert (None if error is None else str(error)) == expected_error
