"""Kafka's primitive types, table-driven, plus properties for the varints."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.errors import DecodeError
from protocol.primitives import (
    read_array_length,
    read_bool,
    read_bytes,
    read_bytes_view,
    read_string,
    read_uuid,
    read_uvarint,
    read_varint,
    read_varlong,
    skip_tagged_fields,
    write_array_length,
    write_bytes,
    write_string,
    write_uvarint,
    write_varint,
    write_varlong,
)

UVARINT_CASES = [
    (0, "00"),
    (1, "01"),
    (127, "7f"),
    (128, "8001"),
    (300, "ac02"),
    (16383, "ff7f"),
    (16384, "808001"),
    (2**32 - 1, "ffffffff0f"),
]
VARINT_CASES = [(0, "00"), (-1, "01"), (1, "02"), (-2, "03"), (63, "7e"), (-64, "7f"), (64, "8001")]


@pytest.mark.parametrize(("value", "hexed"), UVARINT_CASES)
def test_uvarint(value: int, hexed: str) -> None:
    out = bytearray()
    write_uvarint(out, value)
    assert out.hex() == hexed
    assert read_uvarint(bytes(out), 0) == (value, len(out))


@pytest.mark.parametrize(("value", "hexed"), VARINT_CASES)
def test_zigzag_varint(value: int, hexed: str) -> None:
    out = bytearray()
    write_varint(out, value)
    assert out.hex() == hexed
    assert read_varint(bytes(out), 0) == (value, len(out))


@given(st.integers(-(2**31), 2**31 - 1))
def test_varint_round_trip(value: int) -> None:
    out = bytearray()
    write_varint(out, value)
    assert read_varint(bytes(out), 0) == (value, len(out))


@given(st.integers(-(2**63), 2**63 - 1))
def test_varlong_round_trip(value: int) -> None:
    out = bytearray()
    write_varlong(out, value)
    assert read_varlong(bytes(out), 0) == (value, len(out))


@pytest.mark.parametrize(
    "hexed",
    ["", "80", "8080", "ffffffffff01", "ffffffff7f"],
    ids=["empty", "unterminated", "unterminated2", "six-bytes", "over-32-bits"],
)
def test_bad_uvarints(hexed: str) -> None:
    with pytest.raises(DecodeError):
        read_uvarint(bytes.fromhex(hexed), 0)


STRING_CASES = [
    ("", False, "0000"),
    ("kafka", False, "00056b61666b61"),
    (None, False, "ffff"),
    ("", True, "01"),
    ("kafka", True, "066b61666b61"),
    (None, True, "00"),
    ("é", False, "0002c3a9"),
]


@pytest.mark.parametrize(("value", "compact", "hexed"), STRING_CASES)
def test_strings(value: str | None, compact: bool, hexed: str) -> None:
    out = bytearray()
    write_string(out, value, compact=compact)
    assert out.hex() == hexed
    assert read_string(bytes(out), 0, compact=compact) == (value, len(out))


BYTES_CASES = [
    (b"", False, "00000000"),
    (b"\x01\x02", False, "000000020102"),
    (None, False, "ffffffff"),
    (b"", True, "01"),
    (b"\x01\x02", True, "030102"),
    (None, True, "00"),
]


@pytest.mark.parametrize(("value", "compact", "hexed"), BYTES_CASES)
def test_bytes(value: bytes | None, compact: bool, hexed: str) -> None:
    out = bytearray()
    write_bytes(out, value, compact=compact)
    assert out.hex() == hexed
    assert read_bytes(bytes(out), 0, compact=compact) == (value, len(out))


@pytest.mark.parametrize(
    ("hexed", "compact"),
    [
        ("0005616263", False),  # claims 5 bytes, has 3
        ("fffe", False),  # -2 is not a length
        ("0661", True),  # compact: claims 5, has 1
        ("00", False),  # truncated length
        ("0002ff fe".replace(" ", ""), False),  # not UTF-8
    ],
)
def test_bad_strings(hexed: str, compact: bool) -> None:
    with pytest.raises(DecodeError):
        read_string(bytes.fromhex(hexed), 0, compact=compact)


@pytest.mark.parametrize(
    ("n", "compact", "hexed"),
    [(0, False, "00000000"), (3, False, "00000003"), (None, False, "ffffffff"),
     (0, True, "01"), (3, True, "04"), (None, True, "00")],
)
def test_array_lengths(n: int | None, compact: bool, hexed: str) -> None:
    out = bytearray()
    write_array_length(out, n, compact=compact)
    assert out.hex() == hexed
    tail = b"\x00" * (n or 0)
    assert read_array_length(bytes(out) + tail, 0, compact=compact) == (
        -1 if n is None else n,
        len(out),
    )


@pytest.mark.parametrize(
    ("hexed", "compact"),
    [("7fffffff", False), ("fffffffe", False), ("80000000", False), ("ffffffff0f", True)],
    ids=["huge", "minus-two", "most-negative", "compact-huge"],
)
def test_array_count_rejected_before_allocation(hexed: str, compact: bool) -> None:
    with pytest.raises(DecodeError):
        read_array_length(bytes.fromhex(hexed) + b"\x00" * 8, 0, compact=compact)


def test_uuid_and_bool() -> None:
    u = uuid.uuid4()
    assert read_uuid(u.bytes, 0) == (u, 16)
    assert read_uuid(b"\x00" * 16, 0) == (uuid.UUID(int=0), 16)
    with pytest.raises(DecodeError):
        read_uuid(b"\x00" * 15, 0)
    assert read_bool(b"\x00\x01\x02", 1) == (True, 2)
    assert read_bool(b"\x00", 0) == (False, 1)


def test_tagged_fields_skipped_and_checked() -> None:
    # Two tagged fields: tag 0 with 2 bytes, tag 5 with 1 byte.
    data = bytes.fromhex("020002abcd0501ef") + b"tail"
    assert skip_tagged_fields(data, 0) == len(data) - 4
    with pytest.raises(DecodeError):
        skip_tagged_fields(bytes.fromhex("010005ab"), 0)


def _outcome(read: object, buf: bytes | bytearray | memoryview, compact: bool) -> object:
    """What a reader answers for ``buf``: its value (bytes for views) and end, or the error."""
    assert callable(read)
    try:
        value, end = read(buf, 0, compact=compact)
    except DecodeError as exc:
        return type(exc)
    return (bytes(value) if isinstance(value, memoryview) else value), end


@pytest.mark.parametrize("read", [read_string, read_bytes_view, read_array_length])
@pytest.mark.parametrize(
    ("hexed", "compact"),
    [(h, c) for _, c, h in STRING_CASES]
    + [(h, c) for _, c, h in BYTES_CASES]
    + [("0005616263", False), ("fffe", False), ("0661", True), ("00", False)]
    + [("0002fffe", False), ("00000003616263", False), ("7fffffff", False), ("", False)],
)
def test_readers_answer_alike_for_every_buffer_kind(
    read: object, hexed: str, compact: bool
) -> None:
    """The readers take a frame as bytes, bytearray or memoryview: each kind gets the same
    answer (value and position, or DecodeError)."""
    data = bytes.fromhex(hexed)
    expected = _outcome(read, data, compact)
    assert _outcome(read, bytearray(data), compact) == expected
    assert _outcome(read, memoryview(data), compact) == expected
    assert _outcome(read, memoryview(b"xx" + data)[2:], compact) == expected
