"""Kafka's primitive types: fixed-width integers, varints, strings, bytes, arrays, tagged fields.

Decoders take ``(buf, pos)`` and return ``(value, new_pos)``; ``buf`` is a ``memoryview`` (or
``bytes``) of a whole frame, so slices are zero-copy where the type allows (``records``).
Encoders append to a ``bytearray``. The generated message codecs call these helpers for the
variable-length types and inline ``struct`` calls for runs of fixed-width fields.

Every decoder checks lengths against the bytes that remain *before* it allocates, and raises
``DecodeError`` (never ``IndexError`` or ``struct.error``) on truncated or inconsistent input.
"""

from __future__ import annotations

import struct
import uuid
from typing import Final, TypeAlias

from protocol.errors import DecodeError

INT8: Final = struct.Struct(">b")
INT16: Final = struct.Struct(">h")
INT32: Final = struct.Struct(">i")
INT64: Final = struct.Struct(">q")
UINT16: Final = struct.Struct(">H")
UINT32: Final = struct.Struct(">I")
FLOAT64: Final = struct.Struct(">d")
_unpack_int16: Final = INT16.unpack_from
_unpack_int32: Final = INT32.unpack_from

ZERO_UUID: Final = uuid.UUID(int=0)

ReadBuffer: TypeAlias = bytes | bytearray | memoryview
"""What decoders read from: a whole frame, usually a ``memoryview``."""

# A varint never needs more than 5 bytes for 32 bits or 10 for 64 bits; longer runs of
# continuation bits are malformed input, not a reason to keep reading.
MAX_VARINT_BYTES: Final = 5
MAX_VARLONG_BYTES: Final = 10

# -- varints ------------------------------------------------------------------------------


def _read_unsigned(buf: ReadBuffer, pos: int, max_bytes: int, what: str) -> tuple[int, int]:
    end = len(buf)
    result = 0
    shift = 0
    for _ in range(max_bytes):
        if pos >= end:
            raise DecodeError(f"truncated {what}")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            if result >> (max_bytes * 7 // 8 * 8):
                raise DecodeError(f"{what} overflows {max_bytes * 7 // 8 * 8} bits")
            return result, pos
        shift += 7
    raise DecodeError(f"{what} longer than {max_bytes} bytes")


def read_uvarint(buf: ReadBuffer, pos: int) -> tuple[int, int]:
    """Decode an unsigned varint (at most 32 bits)."""
    if pos < len(buf) and buf[pos] < 0x80:  # the common one-byte case
        return buf[pos], pos + 1
    return _read_unsigned(buf, pos, MAX_VARINT_BYTES, "varint")


def read_uvarlong(buf: ReadBuffer, pos: int) -> tuple[int, int]:
    """Decode an unsigned varlong (at most 64 bits)."""
    return _read_unsigned(buf, pos, MAX_VARLONG_BYTES, "varlong")


def read_varint(buf: ReadBuffer, pos: int) -> tuple[int, int]:
    """Decode a zigzag-encoded signed varint (32 bits)."""
    n, pos = read_uvarint(buf, pos)
    return (n >> 1) ^ -(n & 1), pos


def read_varlong(buf: ReadBuffer, pos: int) -> tuple[int, int]:
    """Decode a zigzag-encoded signed varlong (64 bits)."""
    n, pos = read_uvarlong(buf, pos)
    return (n >> 1) ^ -(n & 1), pos


def write_uvarint(out: bytearray, n: int) -> None:
    """Append an unsigned varint."""
    if n < 0:
        raise ValueError(f"unsigned varint cannot hold {n}")
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def write_varint(out: bytearray, n: int) -> None:
    """Append a zigzag-encoded signed varint (32 bits)."""
    write_uvarint(out, ((n << 1) ^ (n >> 31)) & 0xFFFFFFFF)


def write_varlong(out: bytearray, n: int) -> None:
    """Append a zigzag-encoded signed varlong (64 bits)."""
    write_uvarint(out, ((n << 1) ^ (n >> 63)) & 0xFFFFFFFFFFFFFFFF)


def uvarint_size(n: int) -> int:
    """Number of bytes ``write_uvarint`` uses for ``n``."""
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


# -- lengths ------------------------------------------------------------------------------


def _need(buf: ReadBuffer, pos: int, length: int, what: str) -> None:
    remaining = len(buf) - pos
    if length > remaining:
        raise DecodeError(f"{what} of {length} bytes exceeds the {remaining} bytes remaining")


def read_array_length(buf: ReadBuffer, pos: int, *, compact: bool) -> tuple[int, int]:
    """Decode an array count; -1 means null.

    A count larger than the bytes that remain is rejected before anything is allocated: every
    element takes at least one byte.
    """
    if compact:
        n, pos = read_uvarint(buf, pos)
        n -= 1
    else:
        try:
            (n,) = _unpack_int32(buf, pos)
        except struct.error:
            raise DecodeError("truncated array length") from None
        pos += 4
    if n < -1:
        raise DecodeError(f"negative array length {n}")
    if n > len(buf) - pos:  # (the check ``_need`` makes, inline: this runs per array)
        _need(buf, pos, n, "array")
    return n, pos


def write_array_length(out: bytearray, n: int | None, *, compact: bool) -> None:
    """Append an array count; ``None`` writes the null array."""
    if compact:
        write_uvarint(out, 0 if n is None else n + 1)
    else:
        out += INT32.pack(-1 if n is None else n)


# -- strings and bytes --------------------------------------------------------------------


def _read_length(buf: ReadBuffer, pos: int, *, compact: bool, int16: bool) -> tuple[int, int]:
    if compact:
        n, pos = read_uvarint(buf, pos)
        return n - 1, pos
    try:
        if int16:
            (n,) = INT16.unpack_from(buf, pos)
            return n, pos + 2
        (n,) = INT32.unpack_from(buf, pos)
        return n, pos + 4
    except struct.error:
        raise DecodeError("truncated length") from None


def read_string(buf: ReadBuffer, pos: int, *, compact: bool = False) -> tuple[str | None, int]:
    """Decode a (nullable) string; the caller rejects null where the field is not nullable."""
    # ``_read_length`` and ``_need`` inline: every request header has a string, most bodies
    # several, so the two calls cost more than the decode.
    if compact:
        n, pos = read_uvarint(buf, pos)
        n -= 1
    else:
        try:
            (n,) = _unpack_int16(buf, pos)
        except struct.error:
            raise DecodeError("truncated length") from None
        pos += 2
    if n < 0:
        if n == -1:
            return None, pos
        raise DecodeError(f"negative string length {n}")
    end = pos + n
    if end > len(buf):
        _need(buf, pos, n, "string")
    try:
        # A slice of bytes, bytearray or memoryview alike: ``str`` decodes any of them.
        return str(buf[pos:end], "utf-8"), end
    except UnicodeDecodeError:
        raise DecodeError("string is not valid UTF-8") from None


def write_string(out: bytearray, s: str | None, *, compact: bool = False) -> None:
    """Append a (nullable) string."""
    if s is None:
        if compact:
            out.append(0)
        else:
            out += b"\xff\xff"
        return
    data = s.encode()
    if compact:
        write_uvarint(out, len(data) + 1)
    else:
        if len(data) > 0x7FFF:
            raise ValueError("string longer than 32767 bytes")
        out += INT16.pack(len(data))
    out += data


def read_bytes(buf: ReadBuffer, pos: int, *, compact: bool = False) -> tuple[bytes | None, int]:
    """Decode (nullable) bytes as a copy."""
    view, pos = read_bytes_view(buf, pos, compact=compact)
    return (None if view is None else bytes(view)), pos


def read_bytes_view(
    buf: ReadBuffer, pos: int, *, compact: bool = False
) -> tuple[memoryview | None, int]:
    """Decode (nullable) bytes as a zero-copy slice of ``buf`` (used for ``records``)."""
    if compact:
        n, pos = read_uvarint(buf, pos)
        n -= 1
    else:
        try:
            (n,) = _unpack_int32(buf, pos)
        except struct.error:
            raise DecodeError("truncated length") from None
        pos += 4
    if n < 0:
        if n == -1:
            return None, pos
        raise DecodeError(f"negative bytes length {n}")
    end = pos + n
    if end > len(buf):
        _need(buf, pos, n, "bytes")
    view = buf if type(buf) is memoryview else memoryview(buf)
    return view[pos:end], end


def write_bytes(out: bytearray, data: ReadBuffer | None, *, compact: bool = False) -> None:
    """Append (nullable) bytes."""
    if data is None:
        if compact:
            out.append(0)
        else:
            out += b"\xff\xff\xff\xff"
        return
    n = len(data) if not isinstance(data, memoryview) else data.nbytes
    if compact:
        write_uvarint(out, n + 1)
    else:
        out += INT32.pack(n)
    out += data


# Records above this size are not copied into the encode buffer: the encoder notes where they
# belong and the transport writes them as they are. Below it one copy is cheaper than a write.
INLINE_RECORDS_MAX_BYTES: Final = 16 * 1024


def write_records(
    out: bytearray, refs: list[tuple[int, object]], records: object, *, compact: bool = False
) -> None:
    """Append a ``records`` field: small byte strings inline, anything else by reference.

    ``records`` is bytes-like, ``None``, or an object with ``__len__`` whose bytes the transport
    provides (a file slice sent with ``sendfile``).
    """
    if records is None:
        write_bytes(out, None, compact=compact)
        return
    if isinstance(records, memoryview):
        n = records.nbytes
    else:
        n = len(records)  # type: ignore[arg-type]
    if compact:
        write_uvarint(out, n + 1)
    else:
        out += INT32.pack(n)
    if isinstance(records, bytes | bytearray | memoryview) and n <= INLINE_RECORDS_MAX_BYTES:
        out += records
    elif n:
        refs.append((len(out), records))


def read_uuid(buf: ReadBuffer, pos: int) -> tuple[uuid.UUID, int]:
    """Decode a 16-byte UUID."""
    _need(buf, pos, 16, "uuid")
    raw = bytes(memoryview(buf)[pos : pos + 16])
    if raw == b"\x00" * 16:
        return ZERO_UUID, pos + 16
    return uuid.UUID(bytes=raw), pos + 16


def write_uuid(out: bytearray, u: uuid.UUID) -> None:
    """Append a 16-byte UUID."""
    out += u.bytes


def read_bool(buf: ReadBuffer, pos: int) -> tuple[bool, int]:
    """Decode a boolean (any non-zero byte is true, as Kafka reads it)."""
    _need(buf, pos, 1, "boolean")
    return memoryview(buf)[pos] != 0, pos + 1


# -- tagged fields ------------------------------------------------------------------------


def skip_tagged_fields(buf: ReadBuffer, pos: int) -> int:
    """Skip a tagged-field section whose tags are all unknown to the reader."""
    count, pos = read_uvarint(buf, pos)
    _need(buf, pos, count, "tagged fields")
    for _ in range(count):
        _tag, pos = read_uvarint(buf, pos)
        size, pos = read_uvarint(buf, pos)
        _need(buf, pos, size, "tagged field")
        pos += size
    return pos


def read_tagged_field_header(buf: ReadBuffer, pos: int) -> tuple[int, int, int]:
    """Decode one tagged field's tag and size: ``(tag, size, pos)``; size is checked."""
    tag, pos = read_uvarint(buf, pos)
    size, pos = read_uvarint(buf, pos)
    _need(buf, pos, size, "tagged field")
    return tag, size, pos
