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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, TypeVar

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
    "append_record",
    "decode_records",
    "encode_headers",
    "encode_varint",
    "read_records",
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
    ``append_record`` takes it."""
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


def append_record(
    buf: bytearray,
    offset_delta: int,
    timestamp_delta: int,
    key: bytes | None,
    value: bytes | None,
    headers: bytes | None = None,
) -> None:
    """Encode one record onto the end of ``buf``, its length prefix included.

    ``headers`` is the encoded header section (``encode_headers``), None for no headers. This
    is the one record encoder (the client's producer, ``RecordBatchBuilder`` and compaction's
    ``rebuild_batch``): varints of up to two bytes come from a table, the record's fields are
    joined once, and the length and the fields are appended to ``buf`` without another copy.
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
    buf += _V[n + _VOFF] if n < _VOFF else encode_varint(n)
    buf += body


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
    """Decode ``count`` records from an uncompressed records section, as ``Record`` objects.

    ``log_append_time``, when given, replaces every record's timestamp (batches with
    LOG_APPEND_TIME carry the broker's time in maxTimestamp). The records are decoded by
    ``read_records``; this iterator yields them in order and then raises CorruptMessageError
    if the section is malformed at some record, a record count that does not match the data,
    or trailing bytes (the records before the bad one are yielded first).
    """
    rows, error = read_records(
        data, count, base_offset=base_offset, base_timestamp=base_timestamp, row_type=tuple
    )
    for _, _, offset, timestamp, _, key, value, headers, _ in rows:
        yield Record(
            offset,
            timestamp if log_append_time is None else log_append_time,
            key,
            value,
            headers or None,
            offset - base_offset,
            timestamp - base_timestamp,
        )
    if error is not None:
        raise error


#: No record offset is below this: ``read_records`` keeps every record by default.
_MIN_OFFSET: Final = -(2**63)
_EMPTY_HEADERS: Final[tuple[Header, ...]] = ()
_new = tuple.__new__

#: A row of ``read_records``: any tuple type of these nine fields, in this order (the client's
#: ``ConsumerRecord`` is one).
Row = TypeVar("Row", bound=tuple[Any, ...])


def read_records(
    data: bytes,
    count: int,
    *,
    base_offset: int,
    base_timestamp: int,
    row_type: type[Row],
    log_append_time: int | None = None,
    min_offset: int = _MIN_OFFSET,
    topic: str = "",
    partition: int = -1,
    timestamp_type: int = 0,
    leader_epoch: int = -1,
) -> tuple[list[Row], CorruptMessageError | None]:
    """The one record decoder: the records of an uncompressed records section, and the error
    that stopped the decoding (None if the section is sound).

    Each record from ``min_offset`` on becomes a ``row_type`` tuple of ``(topic, partition,
    offset, timestamp, timestamp_type, key, value, headers, leader_epoch)``: the batch-wide
    fields are passed through, ``timestamp`` is ``log_append_time`` when that is not None,
    ``headers`` a list of (name, value) pairs or an empty tuple. The error is a
    CorruptMessageError naming the first malformed record (a length that is negative, past the
    end or not the span of its fields, a key or value length below -1, a negative header count
    or header key length, a header key that is not UTF-8, data that ends inside a record) or
    the bytes left after the last record; the records before it are returned with it.

    This is the consumer's per-record cost, so a sound section takes one tight loop
    (``_decode_fast``): varints of one or two bytes (every length and delta of small records)
    are decoded inline from tables of their first byte, longer ones by ``read_varint``, and
    each record is built with one C call (``tuple.__new__``). That loop only tells a sound
    section from an unsound one; for an unsound one the careful loop (``_decode_into``)
    decodes the section again to name the first bad record.
    """
    out: list[Row] = []
    try:
        if _decode_fast(
            out.append,
            data,
            count,
            base_offset,
            base_timestamp,
            row_type,
            log_append_time,
            min_offset,
            topic,
            partition,
            timestamp_type,
            leader_epoch,
        ):
            return out, None
    except (CorruptMessageError, IndexError, UnicodeDecodeError):
        pass  # not lost: the careful loop below meets it again and names its record
    # Something is wrong with the section: the careful loop finds the first bad record and says
    # what is wrong with it, keeping the rows before it.
    out.clear()
    try:
        _decode_into(
            out.append,
            data,
            count,
            base_offset,
            base_timestamp,
            row_type,
            log_append_time,
            min_offset,
            topic,
            partition,
            timestamp_type,
            leader_epoch,
        )
    except CorruptMessageError as exc:
        return out, exc
    return out, None


#: One-byte varints for ``_decode_fast``: ``_SMALL[b]`` is the value of a one-byte varint that
#: is not negative, -1 for any other first byte; ``_ZIGZAG[b]`` the value of any one-byte
#: varint, None for a first byte with more to follow.
_SMALL: Final[tuple[int, ...]] = tuple(-1 if b & 0x81 else b >> 1 for b in range(256))
_ZIGZAG: Final[tuple[int | None, ...]] = tuple(
    (b >> 1) ^ -(b & 1) if b < 0x80 else None for b in range(256)
)
#: The low six bits of a two-byte varint that is not negative, from its first byte (its high
#: bit set, its low bit clear); -1 for any other first byte.
_LOW: Final[tuple[int, ...]] = tuple(
    (b & 0x7F) >> 1 if b & 0x81 == 0x80 else -1 for b in range(256)
)


def _decode_fast(
    append: Callable[[Row], None],
    data: bytes,
    count: int,
    base_offset: int,
    base_timestamp: int,
    row_type: type[Row],
    log_append_time: int | None,
    min_offset: int,
    topic: str,
    partition: int,
    timestamp_type: int,
    leader_epoch: int,
) -> bool:
    """``_decode_into`` without its diagnoses: True when the section is sound, False or one of
    CorruptMessageError, IndexError and UnicodeDecodeError when it is not (then the caller runs
    ``_decode_into`` for the error and the rows before it).

    It rejects every section ``_decode_into`` rejects, with fewer checks per record: a length
    that is negative or past the end is not checked when read, as the fields then cannot span
    it (a negative length ends before the fields do; a length past the end leaves the position
    past the end, which the check for trailing bytes or the next read catches).
    """
    rv = read_varint
    new = _new
    no_headers = _EMPTY_HEADERS
    small = _SMALL
    zigzag = _ZIGZAG
    low = _LOW
    pos = 0
    for _ in range(count):
        # length: where the record's fields must end (0x81 masks off two-byte and negative)
        b = data[pos]
        n = small[b]
        if n >= 0:
            pos += 1
            stop = pos + n
        else:
            b2 = data[pos + 1]
            n = low[b]
            if b2 < 0x80 and n >= 0:
                pos += 2
                stop = pos + b2 * 64 + n
            else:
                length, pos = rv(data, pos)
                stop = pos + length
        # attributes (unused), then timestamp delta
        timestamp_delta = zigzag[data[pos + 1]]
        if timestamp_delta is not None:
            pos += 2
        else:
            timestamp_delta, pos = rv(data, pos + 1)
        # offset delta
        b = data[pos]
        offset_delta = small[b]
        if offset_delta >= 0:
            pos += 1
        else:
            b2 = data[pos + 1]
            n = low[b]
            if b2 < 0x80 and n >= 0:
                offset_delta = b2 * 64 + n
                pos += 2
            else:
                offset_delta, pos = rv(data, pos)
        # key
        b = data[pos]
        if b == 1:
            key = None
            pos += 1
        elif (n := small[b]) >= 0:
            n += pos + 1
            key = data[pos + 1 : n]
            pos = n
        else:
            b2 = data[pos + 1]
            n = low[b]
            if b2 < 0x80 and n >= 0:
                n += b2 * 64 + pos + 2
                key = data[pos + 2 : n]
                pos = n
            else:
                n, pos = rv(data, pos)
                if n >= 0:
                    key = data[pos : pos + n]
                    pos += n
                elif n == -1:
                    key = None
                else:
                    return False
        # value
        b = data[pos]
        n = small[b]
        if n >= 0:
            n += pos + 1
            value = data[pos + 1 : n]
            pos = n
        elif b == 1:
            value = None
            pos += 1
        else:
            b2 = data[pos + 1]
            n = low[b]
            if b2 < 0x80 and n >= 0:
                n += b2 * 64 + pos + 2
                value = data[pos + 2 : n]
                pos = n
            else:
                n, pos = rv(data, pos)
                if n >= 0:
                    value = data[pos : pos + n]
                    pos += n
                elif n == -1:
                    value = None
                else:
                    return False
        # headers
        headers: Sequence[Header]
        if data[pos] == 0:
            headers = no_headers
            pos += 1
        else:
            header_count, pos = rv(data, pos)
            if header_count < 0:
                return False
            headers, pos = _read_headers(data, pos, header_count, 0)
        if pos != stop:
            return False
        offset = base_offset + offset_delta
        if offset < min_offset:
            continue
        timestamp = base_timestamp + timestamp_delta if log_append_time is None else log_append_time
        append(
            new(
                row_type,
                (
                    topic, partition, offset, timestamp, timestamp_type,
                    key, value, headers, leader_epoch,
                ),
            )
        )  # fmt: skip
    return pos == len(data)


def _decode_into(
    append: Callable[[Row], None],
    data: bytes,
    count: int,
    base_offset: int,
    base_timestamp: int,
    row_type: type[Row],
    log_append_time: int | None,
    min_offset: int,
    topic: str,
    partition: int,
    timestamp_type: int,
    leader_epoch: int,
) -> None:
    rv = read_varint
    new = _new
    no_headers = _EMPTY_HEADERS
    end = len(data)
    pos = 0
    index = 0
    try:
        for index in range(count):
            # length: the fields must span exactly this many bytes (checked at the end)
            b = data[pos]
            if b < 0x80 and not b & 1:
                length = b >> 1
                pos += 1
            else:
                b2 = data[pos + 1]
                if b2 < 0x80 and not b & 1:
                    length = ((b & 0x7F) | (b2 << 7)) >> 1
                    pos += 2
                else:
                    length, pos = rv(data, pos)
            stop = pos + length
            if stop > end or length < 0:
                raise CorruptMessageError(
                    f"record {index} has length {length} but only {end - pos} bytes remain"
                )
            # attributes (unused), then timestamp delta
            b = data[pos + 1]
            if b < 0x80:
                timestamp_delta = (b >> 1) ^ -(b & 1)
                pos += 2
            else:
                timestamp_delta, pos = rv(data, pos + 1)
            # offset delta
            b = data[pos]
            if b < 0x80 and not b & 1:
                offset_delta = b >> 1
                pos += 1
            else:
                b2 = data[pos + 1]
                if b2 < 0x80 and not b & 1:
                    offset_delta = ((b & 0x7F) | (b2 << 7)) >> 1
                    pos += 2
                else:
                    offset_delta, pos = rv(data, pos)
            # key: null (-1) or a length; the common cases inline
            b = data[pos]
            if b == 1:
                key = None
                pos += 1
            elif b < 0x80 and not b & 1:
                n = (b >> 1) + pos + 1
                key = data[pos + 1 : n]
                pos = n
            else:
                b2 = data[pos + 1]
                if b2 < 0x80 and not b & 1:
                    n = (((b & 0x7F) | (b2 << 7)) >> 1) + pos + 2
                    key = data[pos + 2 : n]
                    pos = n
                else:
                    n, pos = rv(data, pos)
                    if n >= 0:
                        key = data[pos : pos + n]
                        pos += n
                    elif n == -1:
                        key = None
                    else:
                        raise CorruptMessageError(f"record {index} has key length {n}")
            # value: null (-1) or a length; the common cases inline (the key's code again: one
            # shared function for both costs 14-16% more per record)
            b = data[pos]
            if b == 1:
                value = None
                pos += 1
            elif b < 0x80 and not b & 1:
                n = (b >> 1) + pos + 1
                value = data[pos + 1 : n]
                pos = n
            else:
                b2 = data[pos + 1]
                if b2 < 0x80 and not b & 1:
                    n = (((b & 0x7F) | (b2 << 7)) >> 1) + pos + 2
                    value = data[pos + 2 : n]
                    pos = n
                else:
                    n, pos = rv(data, pos)
                    if n >= 0:
                        value = data[pos : pos + n]
                        pos += n
                    elif n == -1:
                        value = None
                    else:
                        raise CorruptMessageError(f"record {index} has value length {n}")
            # headers
            headers: Sequence[Header]
            if data[pos] == 0:
                headers = no_headers
                pos += 1
            else:
                header_count, pos = rv(data, pos)
                if header_count < 0:
                    raise CorruptMessageError(f"record {index} has {header_count} headers")
                headers, pos = _read_headers(data, pos, header_count, index)
            if pos != stop:
                raise CorruptMessageError(
                    f"record {index} declares {length} bytes but its fields span "
                    f"{pos - stop + length}"
                )
            offset = base_offset + offset_delta
            if offset < min_offset:
                continue
            timestamp = (
                base_timestamp + timestamp_delta if log_append_time is None else log_append_time
            )
            append(
                new(
                    row_type,
                    (
                        topic, partition, offset, timestamp, timestamp_type,
                        key, value, headers, leader_epoch,
                    ),
                )
            )  # fmt: skip
    except IndexError:
        raise CorruptMessageError(f"record {index} is truncated") from None
    except UnicodeDecodeError as exc:
        raise CorruptMessageError(f"record {index} has a header key that is not UTF-8") from exc
    if pos != end:
        raise CorruptMessageError(
            f"records section has {end - pos} bytes left after its {count} records"
        )


def _read_headers(data: bytes, pos: int, count: int, index: int) -> tuple[list[Header], int]:
    headers: list[Header] = []
    for _ in range(count):
        n, pos = read_varint(data, pos)
        if n < 0:
            raise CorruptMessageError(f"record {index} has a header key of length {n}")
        name = data[pos : pos + n].decode()
        pos += n
        n, pos = read_varint(data, pos)
        if n < 0:
            headers.append((name, None))
        else:
            headers.append((name, data[pos : pos + n]))
            pos += n
    return headers, pos
