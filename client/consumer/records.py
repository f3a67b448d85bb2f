"""``ConsumerRecord`` and the decoder that builds them from a record batch.

Decoding is the consumer's per-record cost, so it is one tight loop per batch: varints of one
or two bytes (every length and delta of small records) are decoded inline, longer ones by a
call; each record becomes a ``ConsumerRecord`` (a tuple subclass, built with one C call) and
nothing else. Headers, deserializers and offsets before the fetch position take slower paths
only when present.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from client.errors import RecordDeserializationError
from client.serialization import Deserializer
from client.types import TopicPartition
from protocol.errors import CorruptMessageError
from protocol.records import read_varint

__all__ = ["ConsumerRecord", "decode_records", "deserialize_records"]

_EMPTY_HEADERS: Final[tuple[tuple[str, bytes | None], ...]] = ()


class ConsumerRecord(NamedTuple):
    """A record as the consumer returns it."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    #: 0 create time, 1 log append time (``client.types.TimestampType``).
    timestamp_type: int
    key: Any
    value: Any
    headers: Sequence[tuple[str, bytes | None]] = _EMPTY_HEADERS
    leader_epoch: int = -1


_new = tuple.__new__


def _headers(data: bytes, pos: int, count: int) -> tuple[list[tuple[str, bytes | None]], int]:
    out: list[tuple[str, bytes | None]] = []
    for _ in range(count):
        n, pos = read_varint(data, pos)
        if n < 0:
            raise CorruptMessageError(f"record header key of length {n}")
        name = data[pos : pos + n].decode()
        pos += n
        n, pos = read_varint(data, pos)
        if n < 0:
            out.append((name, None))
        else:
            out.append((name, data[pos : pos + n]))
            pos += n
    return out, pos


def decode_records(
    data: bytes,
    count: int,
    *,
    topic: str,
    partition: int,
    base_offset: int,
    base_timestamp: int,
    timestamp_type: int,
    log_append_time: int,
    leader_epoch: int,
    min_offset: int,
    key_deserializer: Deserializer | None,
    value_deserializer: Deserializer | None,
) -> list[ConsumerRecord]:
    """The records of an uncompressed records section, from ``min_offset`` on.

    Raises ``CorruptMessageError`` when the bytes do not hold ``count`` well-formed records,
    ``RecordDeserializationError`` when a deserializer fails.
    """
    out: list[ConsumerRecord] = []
    append = out.append
    rv = read_varint
    cls = ConsumerRecord
    new = _new
    empty = _EMPTY_HEADERS
    pos = 0
    try:
        for _ in range(count):
            # length (not needed: the fields delimit the record; checked at the end)
            b = data[pos]
            if b < 0x80:
                pos += 1
            elif data[pos + 1] < 0x80:
                pos += 2
            else:
                _, pos = rv(data, pos)
            # attributes (unused), then timestamp delta
            b = data[pos + 1]
            if b < 0x80:
                ts_delta = (b >> 1) ^ -(b & 1)
                pos += 2
            else:
                ts_delta, pos = rv(data, pos + 1)
            # offset delta (never negative)
            b = data[pos]
            if b < 0x80:
                offset_delta = b >> 1
                pos += 1
            else:
                b2 = data[pos + 1]
                if b2 < 0x80:
                    offset_delta = ((b & 0x7F) | (b2 << 7)) >> 1
                    pos += 2
                else:
                    offset_delta, pos = rv(data, pos)
            # key
            b = data[pos]
            if b == 1:
                key = None
                pos += 1
            else:
                if b < 0x80:
                    n = b >> 1
                    pos += 1
                else:
                    b2 = data[pos + 1]
                    if b2 < 0x80:
                        n = ((b & 0x7F) | (b2 << 7)) >> 1
                        pos += 2
                    else:
                        n, pos = rv(data, pos)
                key = data[pos : pos + n]
                pos += n
            # value
            b = data[pos]
            if b == 1:
                value = None
                pos += 1
            else:
                if b < 0x80:
                    n = b >> 1
                    pos += 1
                else:
                    b2 = data[pos + 1]
                    if b2 < 0x80:
                        n = ((b & 0x7F) | (b2 << 7)) >> 1
                        pos += 2
                    else:
                        n, pos = rv(data, pos)
                value = data[pos : pos + n]
                pos += n
            # headers
            if data[pos] == 0:
                headers: Sequence[tuple[str, bytes | None]] = empty
                pos += 1
            else:
                header_count, pos = rv(data, pos)
                if header_count < 0:
                    raise CorruptMessageError(f"record with {header_count} headers")
                headers, pos = _headers(data, pos, header_count)
            offset = base_offset + offset_delta
            if offset < min_offset:
                continue
            append(
                new(
                    cls,
                    (
                        topic,
                        partition,
                        offset,
                        base_timestamp + ts_delta if log_append_time < 0 else log_append_time,
                        timestamp_type,
                        key,
                        value,
                        headers,
                        leader_epoch,
                    ),
                )
            )
    except (IndexError, UnicodeDecodeError) as exc:
        raise CorruptMessageError(f"{topic}-{partition}: malformed records ({exc})") from None
    if pos != len(data):
        raise CorruptMessageError(
            f"{topic}-{partition}: records section has {len(data) - pos} bytes past its "
            f"{count} records"
        )
    if key_deserializer is not None or value_deserializer is not None:
        out, error = deserialize_records(out, key_deserializer, value_deserializer)
        if error is not None:
            raise error
    return out


def deserialize_records(
    records: list[ConsumerRecord],
    key_deserializer: Deserializer | None,
    value_deserializer: Deserializer | None,
) -> tuple[list[ConsumerRecord], RecordDeserializationError | None]:
    """The records with keys and values deserialized, up to the first one that fails, and
    that failure (None if all succeeded)."""
    kd = key_deserializer
    vd = value_deserializer
    out: list[ConsumerRecord] = []
    append = out.append
    for r in records:
        origin = "key"
        try:
            key = kd(r.key) if kd is not None else r.key
            origin = "value"
            value = vd(r.value) if vd is not None else r.value
        except Exception as exc:
            tp = TopicPartition(r.topic, r.partition)
            return out, RecordDeserializationError(tp, r.offset, origin, r, str(exc) or repr(exc))
        append(r._replace(key=key, value=value))
    return out, None
