"""``ConsumerRecord`` and the adapter that builds them from a records section.

Decoding is the consumer's per-record cost: ``protocol.records.read_records`` (the one record
decoder, shared with the broker) walks the section in one tight loop and builds each
``ConsumerRecord`` (a tuple subclass) with one C call, and nothing else. Deserializers and
offsets before the fetch position take slower paths only when present.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from client.errors import RecordDeserializationError
from client.serialization import Deserializer
from client.types import TopicPartition
from protocol.errors import CorruptMessageError
from protocol.records import read_records

__all__ = ["ConsumerRecord", "decode_consumer_records", "deserialize_records"]

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


def decode_consumer_records(
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

    ``log_append_time`` is every record's timestamp when not negative. Raises
    ``CorruptMessageError`` when the bytes do not hold ``count`` well-formed records,
    ``RecordDeserializationError`` when a deserializer fails.
    """
    out, corrupt = read_records(
        data,
        count,
        base_offset=base_offset,
        base_timestamp=base_timestamp,
        row_type=ConsumerRecord,
        log_append_time=log_append_time if log_append_time >= 0 else None,
        min_offset=min_offset,
        topic=topic,
        partition=partition,
        timestamp_type=timestamp_type,
        leader_epoch=leader_epoch,
    )
    if corrupt is not None:
        raise CorruptMessageError(f"{topic}-{partition}: malformed records ({corrupt})") from None
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
