"""Individual records inside a v2 batch: the ``Record`` value and its varint codec.

A record on the wire (all varints zigzag-encoded, as in protobuf)::

    length          varint   bytes after this field
    attributes      int8     unused, 0
    timestampDelta  varlong  relative to the batch's baseTimestamp
    offsetDelta     varint   relative to the batch's baseOffset
    keyLength       varint   -1 for a null key
    key             bytes
    valueLength     varint   -1 for a null value
    value           bytes
    headersCount    varint
    headers         [keyLength varint, key utf-8, valueLength varint (-1 = null), value]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Final

from protocol.errors import CorruptMessageError

__all__ = [
    "MAX_VARINT_BYTES",
    "MAX_VARLONG_BYTES",
    "RECORD_OVERHEAD_MAX",
    "SMALL_VARINTS",
    "SMALL_VARINT_RANGE",
    "Header",
    "Headers",
    "Record",
    "decode_records",
    "encode_headers",
    "encode_record",
    "encode_varint",
    "read_varint",
]

#: A zigzag int32 needs at most 5 bytes of 7 bits; an int64 at most 10.
MAX_VARINT_BYTES = 5
MAX_VARLONG_BYTES = 10

#: A record header: UTF-8 key and nullable value.
Header = tuple[str, bytes | None]

#: Record headers as ``encode_headers`` takes them: (name, value) pairs or a mapping; names
#: and values may also be given as str (encoded as UTF-8) or bytes.
Headers = Iterable[tuple[str, bytes | None]] | Mapping[str, bytes | None]

#: Encoded bytes of a record beyond its key, value and headers, at most: length (5), attributes
#: (1), timestamp delta (10), offset delta (5), key and value lengths (5 each), header count (5).
RECORD_OVERHEAD_MAX: Final = 36

#: Values -SMALL_VARINT_RANGE .. SMALL_VARINT_RANGE-1 have precomputed encodings; that covers
#: every 1- and 2-byte varint (deltas, lengths of keys and small values, header counts).
SMALL_VARINT_RANGE = 8192


def _zigzag_bytes(value: int) -> bytes:
    encoded = (value << 1) ^ (value >> 63)
    out = bytearray()
    while encoded > 0x7F:
        out.append((encoded & 0x7F) | 0x80)
        encoded >>= 7
    out.append(encoded)
    return bytes(out)


#: Encodings of -SMALL_VARINT_RANGE .. SMALL_VARINT_RANGE-1, for encoders' hot loops.
SMALL_VARINTS: tuple[bytes, ...] = tuple(
    _zigzag_bytes(v) for v in range(-SMALL_VARINT_RANGE, SMALL_VARINT_RANGE)
)


def encode_varint(value: int) -> bytes:
    """Zigzag varint (or varlong) encoding of a signed integer."""
    if -SMALL_VARINT_RANGE <= value < SMALL_VARINT_RANGE:
        return SMALL_VARINTS[value + SMALL_VARINT_RANGE]
    return _zigzag_bytes(value)


_V: Final = SMALL_VARINTS
_VOFF: Final = SMALL_VARINT_RANGE
#: The zigzag varint of -1: a null key or value.
_NULL: Final = b"\x01"
#: A header count of 0; the attributes byte, unused in v2 and always 0.
_NO_HEADERS: Final = b"\x00"
_ATTRIBUTES: Final = b"\x00"


def encode_headers(headers: Headers) -> bytes:
    """The header section of a record (count, then name and value of each), as
    ``encode_record`` takes it."""
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    parts = [encode_varint(len(items))]
    for name, value in items:
        raw = name.encode() if isinstance(name, str) else bytes(name)
        parts.append(encode_varint(len(raw)))
        parts.append(raw)
        if value is None:
            parts.append(_NULL)
        else:
            if isinstance(value, str):
                value = value.encode()
            parts.append(encode_varint(len(value)))
            parts.append(bytes(value))
    return b"".join(parts)


def encode_record(
    offset_delta: int,
    timestamp_delta: int,
    key: bytes | None,
    value: bytes | None,
    headers: bytes | None = None,
) -> bytes:
    """One record on the wire, its length prefix included.

    ``headers`` is the encoded header section (``encode_headers``), None for no headers. This
    is the one record encoder (the client's producer, ``RecordBatchBuilder`` and compaction's
    ``rebuild_batch``): varints of up to two bytes come from a table, and the record is joined
    once and prefixed with its length.
    """
    parts = [
        _ATTRIBUTES,
        _V[timestamp_delta + _VOFF]
        if -_VOFF <= timestamp_delta < _VOFF
        else encode_varint(timestamp_delta),
        _V[offset_delta + _VOFF] if 0 <= offset_delta < _VOFF else encode_varint(offset_delta),
    ]
    if key is None:
        parts.append(_NULL)
    else:
        n = len(key)
        parts.append(_V[n + _VOFF] if n < _VOFF else encode_varint(n))
        parts.append(key)
    if value is None:
        parts.append(_NULL)
    else:
        n = len(value)
        parts.append(_V[n + _VOFF] if n < _VOFF else encode_varint(n))
        parts.append(value)
    parts.append(_NO_HEADERS if headers is None else headers)
    body = b"".join(parts)
    n = len(body)
    return (_V[n + _VOFF] if n < _VOFF else encode_varint(n)) + body


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a zigzag varlong at ``pos``; returns (value, position after it).

    Raises IndexError when the data ends inside the varint and CorruptMessageError when it is
    longer than ten bytes.
    """
    byte = data[pos]
    if byte < 0x80:
        return (byte >> 1) ^ -(byte & 1), pos + 1
    result = byte & 0x7F
    shift = 7
    pos += 1
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return (result >> 1) ^ -(result & 1), pos
        shift += 7
        if shift >= 7 * MAX_VARLONG_BYTES:
            raise CorruptMessageError("varint is longer than ten bytes")


class Record:
    """One decoded record with absolute offset and timestamp (ms)."""

    __slots__ = (
        "headers",
        "key",
        "offset",
        "offset_delta",
        "timestamp",
        "timestamp_delta",
        "value",
    )

    def __init__(
        self,
        offset: int,
        timestamp: int,
        key: bytes | None,
        value: bytes | None,
        headers: list[Header] | None = None,
        *,
        offset_delta: int = 0,
        timestamp_delta: int = 0,
    ) -> None:
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers: list[Header] = [] if headers is None else headers
        self.offset_delta = offset_delta
        self.timestamp_delta = timestamp_delta

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (
            self.offset == other.offset
            and self.timestamp == other.timestamp
            and self.key == other.key
            and self.value == other.value
            and self.headers == other.headers
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Record(offset={self.offset}, timestamp={self.timestamp}, key={self.key!r}, "
            f"value={self.value!r}, headers={self.headers!r})"
        )


def decode_records(
    data: bytes,
    count: int,
    *,
    base_offset: int,
    base_timestamp: int,
    log_append_time: int | None = None,
) -> Iterator[Record]:
    """Decode ``count`` records from an uncompressed records section.

    ``log_append_time``, when given, replaces every record's timestamp (batches with
    LOG_APPEND_TIME carry the broker's time in maxTimestamp). Raises CorruptMessageError on
    any malformed record, a record count that does not match the data, or trailing bytes.
    """
    end = len(data)
    pos = 0
    for index in range(count):
        try:
            length, pos = read_varint(data, pos)
            start = pos
            stop = start + length
            if length < 0 or stop > end:
                raise CorruptMessageError(
                    f"record {index} has length {length} but only {end - start} bytes remain"
                )
            # data[pos] is the unused attributes byte.
            timestamp_delta, pos = read_varint(data, pos + 1)
            offset_delta, pos = read_varint(data, pos)
            key_length, pos = read_varint(data, pos)
            if key_length < 0:
                if key_length != -1:
                    raise CorruptMessageError(f"record {index} has key length {key_length}")
                key = None
            else:
                key = data[pos : pos + key_length]
                pos += key_length
            value_length, pos = read_varint(data, pos)
            if value_length < 0:
                if value_length != -1:
                    raise CorruptMessageError(f"record {index} has value length {value_length}")
                value = None
            else:
                value = data[pos : pos + value_length]
                pos += value_length
            header_count, pos = read_varint(data, pos)
            headers: list[Header] = []
            if header_count:
                if header_count < 0:
                    raise CorruptMessageError(f"record {index} has {header_count} headers")
                for _ in range(header_count):
                    name_length, pos = read_varint(data, pos)
                    if name_length < 0:
                        raise CorruptMessageError(
                            f"record {index} has a header key of length {name_length}"
                        )
                    name = data[pos : pos + name_length].decode()
                    pos += name_length
                    header_value_length, pos = read_varint(data, pos)
                    if header_value_length < 0:
                        headers.append((name, None))
                    else:
                        headers.append((name, data[pos : pos + header_value_length]))
                        pos += header_value_length
        except IndexError:
            raise CorruptMessageError(f"record {index} is truncated") from None
        except UnicodeDecodeError as exc:
            raise CorruptMessageError(f"record {index} has a header key that is not UTF-8") from exc
        if pos != stop:
            raise CorruptMessageError(
                f"record {index} declares {length} bytes but its fields span {pos - start}"
            )
        timestamp = base_timestamp + timestamp_delta if log_append_time is None else log_append_time
        yield Record(
            base_offset + offset_delta,
            timestamp,
            key,
            value,
            headers,
            offset_delta=offset_delta,
            timestamp_delta=timestamp_delta,
        )
    if pos != end:
        raise CorruptMessageError(
            f"records section has {end - pos} bytes left after its {count} records"
        )
