"""Metadata records: the changes the controller commits and every broker applies.

Record types and their numbers follow KRaft's (``TopicRecord`` is 2, ``PartitionRecord`` 3 …).
Each record is versioned; its payload is a small JSON object, so the log stays readable with
``samsa``-independent tools and new optional fields are easy to add (a reader ignores fields it
does not know and fills missing ones with defaults; a record *version* it does not know stops
it, because then the meaning may have changed).

On disk (and, later, in Raft entries) records travel in batches that are all-or-nothing::

    batch  := length int32 | crc32c uint32 | base_offset int64 | count int32 | record*
    record := type int16 | version int16 | payload_length int32 | payload (JSON, UTF-8)

``length`` counts the bytes after itself; the CRC-32C covers everything after the CRC.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Final, TypeAlias

import crc32c

__all__ = [
    "BATCH_HEADER",
    "MAX_BATCH_BYTES",
    "MAX_RECORDS_PER_BATCH",
    "AccessControlEntryRecord",
    "BrokerRegistrationChangeRecord",
    "ConfigRecord",
    "FenceBrokerRecord",
    "MetadataRecord",
    "MetadataRecordError",
    "PartitionChangeRecord",
    "PartitionRecord",
    "ProducerIdsRecord",
    "RegisterBrokerRecord",
    "RemoveAccessControlEntryRecord",
    "RemoveTopicRecord",
    "RemoveUserScramCredentialRecord",
    "TopicRecord",
    "UnfenceBrokerRecord",
    "UnregisterBrokerRecord",
    "UserScramCredentialRecord",
    "base64_bytes",
    "base64_text",
    "decode_batch",
    "encode_batch",
]

#: Largest encoded batch: a CreateTopics of thousands of partitions fits with room to spare,
#: and a corrupt length cannot make a reader allocate more.
MAX_BATCH_BYTES: Final = 64 * 1024 * 1024
#: Most records in one batch (same reasoning).
MAX_RECORDS_PER_BATCH: Final = 1_000_000

BATCH_HEADER: Final = struct.Struct(">iIqi")
_RECORD_HEADER: Final = struct.Struct(">hhi")
_CRC_END: Final = 8  # length + crc


class MetadataRecordError(ValueError):
    """A metadata record or batch does not decode, or names an unknown type or version."""


class MetadataRecord:
    """Base of every record type: ``TYPE`` (KRaft's number) and ``VERSION`` it is written at."""

    TYPE: ClassVar[int]
    VERSION: ClassVar[int] = 0

    def to_json(self) -> dict[str, Any]:
        """The payload fields."""
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, uuid.UUID):
                value = str(value)
            elif isinstance(value, bytes):
                value = base64_text(value)
            elif isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[f.name] = value
        return out


@dataclass(frozen=True, slots=True)
class TopicRecord(MetadataRecord):
    """A topic exists, with this name and id."""

    TYPE: ClassVar[int] = 2
    name: str
    topic_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class PartitionRecord(MetadataRecord):
    """A partition of a topic, as created (or re-stated in full)."""

    TYPE: ClassVar[int] = 3
    topic_id: uuid.UUID
    partition_id: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    leader: int
    leader_epoch: int = 0
    partition_epoch: int = 0


@dataclass(frozen=True, slots=True)
class ConfigRecord(MetadataRecord):
    """A setting of a resource (topic 2, broker 4) is set, or removed when ``value`` is None."""

    TYPE: ClassVar[int] = 4
    resource_type: int
    resource_name: str
    name: str
    value: str | None


@dataclass(frozen=True, slots=True)
class PartitionChangeRecord(MetadataRecord):
    """A partition's leader, ISR or replicas change; None fields stay as they are.

    Applying it bumps the partition epoch, and the leader epoch when it names the leader
    (the same one included: that is how an epoch is bumped in place).
    """

    TYPE: ClassVar[int] = 5
    topic_id: uuid.UUID
    partition_id: int
    leader: int | None = None
    isr: tuple[int, ...] | None = None
    replicas: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class RemoveTopicRecord(MetadataRecord):
    """A topic (its partitions and configs) is deleted."""

    TYPE: ClassVar[int] = 9
    topic_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ProducerIdsRecord(MetadataRecord):
    """Producer ids below ``next_producer_id`` are handed out (to ``broker_id``'s block)."""

    TYPE: ClassVar[int] = 15
    broker_id: int
    next_producer_id: int


@dataclass(frozen=True, slots=True)
class RegisterBrokerRecord(MetadataRecord):
    """A broker (re-)registers: its inter-broker endpoint (``host``, ``port``), every
    advertised listener's endpoint (``(listener name, host, port)``; empty in records written
    before listeners were named) and its rack. It starts fenced; the broker's epoch is the
    offset of this record."""

    TYPE: ClassVar[int] = 0
    broker_id: int
    incarnation_id: str
    host: str
    port: int
    rack: str | None = None
    fenced: bool = True
    endpoints: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class UnregisterBrokerRecord(MetadataRecord):
    """A broker is removed from the cluster."""

    TYPE: ClassVar[int] = 1
    broker_id: int
    broker_epoch: int


@dataclass(frozen=True, slots=True)
class FenceBrokerRecord(MetadataRecord):
    """A broker missed its session (or shut down): it leads nothing and is in no ISR."""

    TYPE: ClassVar[int] = 7
    broker_id: int
    broker_epoch: int


@dataclass(frozen=True, slots=True)
class UnfenceBrokerRecord(MetadataRecord):
    """A registered broker caught up with the metadata and heartbeats: it may lead."""

    TYPE: ClassVar[int] = 8
    broker_id: int
    broker_epoch: int


@dataclass(frozen=True, slots=True)
class BrokerRegistrationChangeRecord(MetadataRecord):
    """A broker's state changes; None fields stay as they are."""

    TYPE: ClassVar[int] = 17
    broker_id: int
    broker_epoch: int
    fenced: bool | None = None
    in_controlled_shutdown: bool | None = None


@dataclass(frozen=True, slots=True)
class UserScramCredentialRecord(MetadataRecord):
    """A user's SCRAM credential for one mechanism is set (replacing the one it had): salt,
    iterations, StoredKey and ServerKey, never the password."""

    TYPE: ClassVar[int] = 11
    name: str
    mechanism: str  # "SCRAM-SHA-256" or "SCRAM-SHA-512"
    salt: bytes
    stored_key: bytes
    server_key: bytes
    iterations: int


@dataclass(frozen=True, slots=True)
class RemoveUserScramCredentialRecord(MetadataRecord):
    """A user's SCRAM credential for one mechanism is deleted."""

    TYPE: ClassVar[int] = 12
    name: str
    mechanism: str


@dataclass(frozen=True, slots=True)
class AccessControlEntryRecord(MetadataRecord):
    """An ACL binding is created, under a unique id; the enums are their wire numbers."""

    TYPE: ClassVar[int] = 23
    id: str
    resource_type: int
    resource_name: str
    pattern_type: int
    principal: str
    host: str
    operation: int
    permission_type: int


@dataclass(frozen=True, slots=True)
class RemoveAccessControlEntryRecord(MetadataRecord):
    """The ACL binding with this id is deleted."""

    TYPE: ClassVar[int] = 24
    id: str


_TYPES: Final[dict[int, type[MetadataRecord]]] = {
    cls.TYPE: cls
    for cls in (
        RegisterBrokerRecord,
        UnregisterBrokerRecord,
        FenceBrokerRecord,
        UnfenceBrokerRecord,
        BrokerRegistrationChangeRecord,
        TopicRecord,
        PartitionRecord,
        ConfigRecord,
        PartitionChangeRecord,
        RemoveTopicRecord,
        ProducerIdsRecord,
        UserScramCredentialRecord,
        RemoveUserScramCredentialRecord,
        AccessControlEntryRecord,
        RemoveAccessControlEntryRecord,
    )
}

Converter: TypeAlias = Callable[[Any], Any]


def _tuple_or_none(v: Any) -> tuple[int, ...] | None:
    return None if v is None else tuple(int(x) for x in v)


def base64_text(data: bytes) -> str:
    """Bytes as the metadata's JSON holds them (records, snapshots, forwarded changes)."""
    return base64.b64encode(data).decode("ascii")


def base64_bytes(v: Any) -> bytes:
    """The bytes of ``base64_text``'s string; ValueError for anything else."""
    if not isinstance(v, str):
        raise ValueError("bytes are a base64 string")
    try:
        return base64.b64decode(v.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("bytes are not base64") from None


def _endpoints(v: Any) -> tuple[tuple[str, str, int], ...]:
    return tuple((str(name), str(host), int(port)) for name, host, port in v)


_CONVERTERS: Final[dict[str, Converter]] = {
    "topic_id": lambda v: uuid.UUID(v),
    "replicas": _tuple_or_none,
    "isr": _tuple_or_none,
    "salt": base64_bytes,
    "stored_key": base64_bytes,
    "server_key": base64_bytes,
    "endpoints": _endpoints,
}


def _encode_record(record: MetadataRecord, out: bytearray) -> None:
    payload = json.dumps(record.to_json(), separators=(",", ":"), sort_keys=True).encode()
    out += _RECORD_HEADER.pack(record.TYPE, record.VERSION, len(payload))
    out += payload


def _decode_record(type_: int, version: int, payload: bytes) -> MetadataRecord:
    cls = _TYPES.get(type_)
    if cls is None:
        raise MetadataRecordError(f"unknown metadata record type {type_}")
    if version > cls.VERSION:
        raise MetadataRecordError(
            f"{cls.__name__} version {version} is newer than this broker knows ({cls.VERSION})"
        )
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError("payload is not an object")
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: _CONVERTERS.get(k, _identity)(v) for k, v in data.items() if k in known}
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        raise MetadataRecordError(f"malformed {cls.__name__}: {exc}") from None


def _identity(v: Any) -> Any:
    return v


def encode_batch(base_offset: int, records: Sequence[MetadataRecord]) -> bytes:
    """One batch holding ``records``, the first at ``base_offset``."""
    if not records:
        raise ValueError("a metadata batch needs at least one record")
    if len(records) > MAX_RECORDS_PER_BATCH:
        raise ValueError(f"{len(records)} records exceed {MAX_RECORDS_PER_BATCH} per batch")
    out = bytearray(BATCH_HEADER.size)
    for record in records:
        _encode_record(record, out)
    if len(out) > MAX_BATCH_BYTES:
        raise ValueError(f"metadata batch of {len(out)} bytes exceeds {MAX_BATCH_BYTES}")
    struct.pack_into(">qi", out, _CRC_END, base_offset, len(records))
    crc = crc32c.crc32c(memoryview(out)[_CRC_END:])
    struct.pack_into(">iI", out, 0, len(out) - 4, crc)
    return bytes(out)


def decode_batch(
    buf: bytes | memoryview, pos: int = 0
) -> tuple[int, list[MetadataRecord], int] | None:
    """Decode the batch at ``pos``: ``(base_offset, records, next_position)``.

    None when fewer bytes remain than the batch needs (a torn tail). MetadataRecordError for
    a batch that is complete but corrupt (bad CRC, lengths, types).
    """
    view = memoryview(buf)
    if len(view) - pos < BATCH_HEADER.size:
        return None
    length, crc, base_offset, count = BATCH_HEADER.unpack_from(view, pos)
    if length < BATCH_HEADER.size - 4 or length + 4 > MAX_BATCH_BYTES:
        raise MetadataRecordError(f"metadata batch at {pos} has impossible length {length}")
    end = pos + 4 + length
    if end > len(view):
        return None
    if crc32c.crc32c(view[pos + _CRC_END : end]) != crc:
        raise MetadataRecordError(f"metadata batch at {pos} fails its CRC")
    if not 0 < count <= MAX_RECORDS_PER_BATCH:
        raise MetadataRecordError(f"metadata batch at {pos} has record count {count}")
    records: list[MetadataRecord] = []
    at = pos + BATCH_HEADER.size
    for _ in range(count):
        if at + _RECORD_HEADER.size > end:
            raise MetadataRecordError(f"metadata batch at {pos} is shorter than its records")
        type_, version, size = _RECORD_HEADER.unpack_from(view, at)
        at += _RECORD_HEADER.size
        if size < 0 or at + size > end:
            raise MetadataRecordError(f"metadata record at {at} has bad length {size}")
        records.append(_decode_record(type_, version, bytes(view[at : at + size])))
        at += size
    if at != end:
        raise MetadataRecordError(f"metadata batch at {pos} has {end - at} trailing bytes")
    return base_offset, records, end


def iter_batches(buf: bytes) -> Iterator[tuple[int, list[MetadataRecord], int]]:
    """Every whole batch of ``buf`` as ``(base_offset, records, end_position)``; stops at a
    torn tail, raises MetadataRecordError at a corrupt batch."""
    pos = 0
    while True:
        found = decode_batch(buf, pos)
        if found is None:
            return
        yield found
        pos = found[2]
