"""The record walk of produce validation, in pure Python (the reference and the fallback).

``check_records`` walks an uncompressed records section of a v2 batch (layout in
``record.py``) and returns ``(problem_index, problem, first_keyless_index)``:

* ``problem`` is None when the section holds exactly ``count`` well-formed records, else a
  message naming the first problem; ``problem_index`` is then the record's index, or -1 for a
  problem of the section as a whole (fewer records than counted, bytes left after the last);
* ``first_keyless_index`` is the index of the first record with a null key, -1 when every
  record has one (and -1 whenever there is a problem).

The rules, in the order they are checked within record ``i``:

1. the length varint fits in the section, is not negative and does not run past its end;
2. the record holds its attributes byte;
3. the timestamp delta (varlong) fits in the record, and the base timestamp plus it fits in
   int64;
4. the offset delta (varint) is ``i``;
5. the key and the value lengths are -1 (null) or fit in what remains of the record;
6. the header count is not negative; each header key length is not negative and fits, each
   header key is strict UTF-8 (clients decode it as a string), each header value length is -1
   or fits;
7. the fields end exactly where the record's length says.

Varints of int32 fields take at most 5 bytes and must fit 32 bits; the timestamp delta at most
10 bytes and 64 bits. Non-minimal encodings within those sizes are accepted, as by Kafka.
No field is read past its record's end, and no record past the section's end.

``protocol/records/_recordcheck.c`` is the same walk compiled (same rules, order and messages);
``protocol.records.validate`` picks one. A property test compares the two.
"""

from __future__ import annotations

from typing import Final

__all__ = ["RecordsCheck", "check_records"]

#: ``(problem_index, problem, first_keyless_index)``.
RecordsCheck = tuple[int, str | None, int]

#: A zigzag int32 takes at most 5 bytes of 7 bits, an int64 at most 10.
_MAX_VARINT_BYTES: Final = 5
_MAX_VARLONG_BYTES: Final = 10
#: The last byte of a longest varint holds the top 4 bits of 32 (5 x 7 = 35) or the top bit of
#: 64 (10 x 7 = 70); more set bits overflow the type.
_TOP_BYTE_MAX_32: Final = 0x0F
_TOP_BYTE_MAX_64: Final = 0x01
_INT64_MIN: Final = -(1 << 63)
_INT64_MAX: Final = (1 << 63) - 1


class _Problem(Exception):
    def __init__(self, index: int, message: str) -> None:
        self.index = index
        self.message = message


def _varint(data: bytes, pos: int, end: int, index: int, field: str, wide: bool) -> tuple[int, int]:
    """A zigzag varint in ``data[pos:end]`` (an int64 if ``wide``, else an int32): (value,
    next position); _Problem when it runs past ``end``, is too long or overflows."""
    if wide:
        max_bytes, top_max, type_name = _MAX_VARLONG_BYTES, _TOP_BYTE_MAX_64, "int64"
    else:
        max_bytes, top_max, type_name = _MAX_VARINT_BYTES, _TOP_BYTE_MAX_32, "int32"
    last = max_bytes - 1
    raw = 0
    for i in range(max_bytes):
        if pos >= end:
            raise _Problem(index, f"record {index} is truncated in its {field}")
        b = data[pos]
        pos += 1
        if i == last:
            if b & 0x80:
                raise _Problem(
                    index, f"record {index}: {field} varint longer than {max_bytes} bytes"
                )
            if b > top_max:
                raise _Problem(index, f"record {index}: {field} varint overflows {type_name}")
            raw |= b << (7 * i)
            break
        raw |= (b & 0x7F) << (7 * i)
        if b < 0x80:
            break
    return (raw >> 1) ^ -(raw & 1), pos


def _length_problem(index: int, field: str, length: int, remaining: int) -> _Problem:
    if length < 0:
        return _Problem(index, f"record {index} has {field} {length}")
    return _Problem(
        index,
        f"record {index} has {field} {length} but only {remaining} bytes of the record remain",
    )


def check_records(
    data: bytes | bytearray | memoryview, count: int, base_timestamp: int
) -> RecordsCheck:
    """Walk an uncompressed records section (see the module docstring)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if not _INT64_MIN <= base_timestamp <= _INT64_MAX:
        raise OverflowError("base_timestamp does not fit in int64")
    if not isinstance(data, bytes):
        data = bytes(data)
    try:
        return -1, None, _walk(data, count, base_timestamp)
    except _Problem as problem:
        return problem.index, problem.message, -1


def _walk(data: bytes, count: int, base_timestamp: int) -> int:
    """The index of the first keyless record (-1: none); _Problem on the first problem."""
    end = len(data)
    pos = 0
    first_keyless = -1
    varint = _varint
    for i in range(count):
        if pos >= end:
            raise _Problem(
                -1, f"records section holds {i} of the {count} records its batch header counts"
            )
        # One- and two-byte varints are decoded inline (every delta and length below 8192);
        # a two-byte varint is complete and in range for any type.
        b = data[pos]
        if b < 0x80:
            length = (b >> 1) ^ -(b & 1)
            pos += 1
        elif pos + 1 < end and (b2 := data[pos + 1]) < 0x80:
            raw = (b & 0x7F) | (b2 << 7)
            length = (raw >> 1) ^ -(raw & 1)
            pos += 2
        else:
            length, pos = varint(data, pos, end, i, "length", False)
        if length < 0 or length > end - pos:
            raise _Problem(i, f"record {i} has length {length} but only {end - pos} bytes remain")
        start = pos
        stop = pos + length
        if pos >= stop:
            raise _Problem(i, f"record {i} is truncated in its attributes")
        pos += 1  # attributes: unused in v2

        b = data[pos] if pos < stop else 0x80
        if b < 0x80:
            timestamp_delta = (b >> 1) ^ -(b & 1)
            pos += 1
        elif pos + 1 < stop and (b2 := data[pos + 1]) < 0x80:
            raw = (b & 0x7F) | (b2 << 7)
            timestamp_delta = (raw >> 1) ^ -(raw & 1)
            pos += 2
        else:
            timestamp_delta, pos = varint(data, pos, stop, i, "timestamp delta", True)
        if not _INT64_MIN <= base_timestamp + timestamp_delta <= _INT64_MAX:
            raise _Problem(
                i,
                f"record {i} has timestamp delta {timestamp_delta}, which overflows int64 "
                f"added to the base timestamp {base_timestamp}",
            )

        b = data[pos] if pos < stop else 0x80
        if b < 0x80:
            offset_delta = (b >> 1) ^ -(b & 1)
            pos += 1
        elif pos + 1 < stop and (b2 := data[pos + 1]) < 0x80:
            raw = (b & 0x7F) | (b2 << 7)
            offset_delta = (raw >> 1) ^ -(raw & 1)
            pos += 2
        else:
            offset_delta, pos = varint(data, pos, stop, i, "offset delta", False)
        if offset_delta != i:
            raise _Problem(i, f"record {i} has offset delta {offset_delta}, expected {i}")

        b = data[pos] if pos < stop else 0x80
        if b < 0x80:
            key_length = (b >> 1) ^ -(b & 1)
            pos += 1
        elif pos + 1 < stop and (b2 := data[pos + 1]) < 0x80:
            raw = (b & 0x7F) | (b2 << 7)
            key_length = (raw >> 1) ^ -(raw & 1)
            pos += 2
        else:
            key_length, pos = varint(data, pos, stop, i, "key length", False)
        if key_length == -1:
            if first_keyless < 0:
                first_keyless = i
        elif key_length < 0 or key_length > stop - pos:
            raise _length_problem(i, "key length", key_length, stop - pos)
        else:
            pos += key_length

        b = data[pos] if pos < stop else 0x80
        if b < 0x80:
            value_length = (b >> 1) ^ -(b & 1)
            pos += 1
        elif pos + 1 < stop and (b2 := data[pos + 1]) < 0x80:
            raw = (b & 0x7F) | (b2 << 7)
            value_length = (raw >> 1) ^ -(raw & 1)
            pos += 2
        else:
            value_length, pos = varint(data, pos, stop, i, "value length", False)
        if value_length < -1 or value_length > stop - pos:
            raise _length_problem(i, "value length", value_length, stop - pos)
        if value_length > 0:
            pos += value_length

        if pos < stop and data[pos] == 0:
            pos += 1  # no headers: the common case
        else:
            header_count, pos = varint(data, pos, stop, i, "header count", False)
            if header_count < 0:
                raise _Problem(i, f"record {i} has header count {header_count}")
            for _ in range(header_count):
                name_length, pos = varint(data, pos, stop, i, "header key length", False)
                if name_length < 0 or name_length > stop - pos:
                    raise _length_problem(i, "header key length", name_length, stop - pos)
                try:
                    data[pos : pos + name_length].decode()
                except UnicodeDecodeError:
                    raise _Problem(i, f"record {i} has a header key that is not UTF-8") from None
                pos += name_length
                header_value_length, pos = varint(data, pos, stop, i, "header value length", False)
                if header_value_length < -1 or header_value_length > stop - pos:
                    raise _length_problem(i, "header value length", header_value_length, stop - pos)
                if header_value_length > 0:
                    pos += header_value_length
        if pos != stop:
            raise _Problem(
                i, f"record {i} has length {length} but its fields take {pos - start} bytes"
            )
    if pos != end:
        raise _Problem(-1, f"records section has {end - pos} bytes after its {count} records")
    return first_keyless
