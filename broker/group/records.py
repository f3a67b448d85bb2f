"""The records of ``__consumer_offsets``: Samsa's own versioned key/value format, and replay.

``__consumer_offsets`` is a compacted topic: the latest value of each key wins, and a null value
(a tombstone) deletes the key. Two kinds of key exist::

    key            := key_type int16 | key_version int16 | body
    offset key     := (key_type 0, key_version 0) group string | topic string | partition int32
    group key      := (key_type 1, key_version 0) group string

    offset value   := version int16 (0) | offset int64 | leader_epoch int32 | metadata string
                      | commit_timestamp int64 | expire_timestamp int64 (-1: none)
    group value    := version int16 (0) | protocol_type string | generation int32
                      | protocol nullable-string | leader nullable-string
                      | state_timestamp int64 (-1: unknown) | members array of member
    member         := member_id string | group_instance_id nullable-string | client_id string
                      | client_host string | rebalance_timeout int32 | session_timeout int32
                      | subscription bytes | assignment bytes

Strings have an int16 length, bytes and arrays an int32 count, as in Kafka's non-flexible
protocol (``protocol.primitives``). A reader refuses a key type or a version it does not know:
a newer format may mean something else, and guessing would corrupt committed offsets.

``partition_for_group`` places a group on a partition exactly as Kafka does, and ``load``
rebuilds every group's metadata and offsets by replaying records in offset order. Offset commits
of a transaction (TxnOffsetCommit) are the same records in a transactional batch of the
producer; they count only once a COMMIT marker of that producer follows (``ReplayBatch``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from broker.group.consumer_records import (
    ConsumerRecordError,
    group_of,
    is_consumer_group_record,
)
from protocol.field_reader import FieldReader
from protocol.primitives import (
    INT16,
    INT32,
    INT64,
    ReadBuffer,
    write_array_length,
    write_bytes,
    write_string,
)
from protocol.types import TopicPartition

__all__ = [
    "CONTROL_ABORT",
    "CONTROL_COMMIT",
    "GROUP_METADATA_KEY_TYPE",
    "OFFSET_COMMIT_KEY_TYPE",
    "GroupMetadataKey",
    "GroupMetadataValue",
    "LoadedGroup",
    "LoadedState",
    "MemberRecord",
    "OffsetAndMetadata",
    "OffsetCommitKey",
    "PendingLoadedOffset",
    "RecordFormatError",
    "ReplayBatch",
    "TopicPartition",
    "decode_key",
    "decode_record",
    "encode_key",
    "encode_record",
    "java_string_hash",
    "load",
    "partition_for_group",
]

OFFSET_COMMIT_KEY_TYPE: Final = 0
GROUP_METADATA_KEY_TYPE: Final = 1
KEY_VERSION: Final = 0
OFFSET_VALUE_VERSION: Final = 0
GROUP_VALUE_VERSION: Final = 0

_NO_TIMESTAMP: Final = -1


class RecordFormatError(ValueError):
    """A ``__consumer_offsets`` key or value does not decode, or has an unknown type or version."""


@dataclass(frozen=True, slots=True)
class OffsetCommitKey:
    """The key of a committed offset: one per group and partition."""

    group_id: str
    topic: str
    partition: int


@dataclass(frozen=True, slots=True)
class GroupMetadataKey:
    """The key of a group's metadata: one per group."""

    group_id: str


@dataclass(frozen=True, slots=True)
class OffsetAndMetadata:
    """A committed offset (Kafka's ``OffsetAndMetadata``) and the value of an offset record."""

    offset: int
    leader_epoch: int = -1
    """The leader epoch of the committed position, -1 when the client gave none."""
    metadata: str = ""
    commit_timestamp_ms: int = 0
    expire_timestamp_ms: int | None = None
    """Set only by OffsetCommit v2-v4 with an explicit retention time (old expiry semantics)."""


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One member in a group metadata record."""

    member_id: str
    group_instance_id: str | None
    client_id: str
    client_host: str
    rebalance_timeout_ms: int
    session_timeout_ms: int
    subscription: bytes
    """The member's metadata for the group's selected protocol."""
    assignment: bytes


@dataclass(frozen=True, slots=True)
class GroupMetadataValue:
    """A group's generation as persisted: written when a generation is formed or becomes empty."""

    protocol_type: str
    """``""`` when the group has none."""
    generation_id: int
    protocol_name: str | None
    leader_id: str | None
    state_timestamp_ms: int | None
    """When the group entered its current state (used by offset retention of Empty groups)."""
    members: tuple[MemberRecord, ...] = ()


RecordKey: TypeAlias = OffsetCommitKey | GroupMetadataKey
RecordValue: TypeAlias = OffsetAndMetadata | GroupMetadataValue


# -- encoding -----------------------------------------------------------------------------


def encode_key(key: RecordKey) -> bytes:
    """The bytes of a record key."""
    out = bytearray()
    if isinstance(key, OffsetCommitKey):
        out += INT16.pack(OFFSET_COMMIT_KEY_TYPE) + INT16.pack(KEY_VERSION)
        write_string(out, key.group_id)
        write_string(out, key.topic)
        out += INT32.pack(key.partition)
    else:
        out += INT16.pack(GROUP_METADATA_KEY_TYPE) + INT16.pack(KEY_VERSION)
        write_string(out, key.group_id)
    return bytes(out)


def _encode_offset_value(value: OffsetAndMetadata) -> bytes:
    out = bytearray(INT16.pack(OFFSET_VALUE_VERSION))
    out += INT64.pack(value.offset)
    out += INT32.pack(value.leader_epoch)
    write_string(out, value.metadata)
    out += INT64.pack(value.commit_timestamp_ms)
    expire = value.expire_timestamp_ms
    out += INT64.pack(_NO_TIMESTAMP if expire is None else expire)
    return bytes(out)


def _encode_group_value(value: GroupMetadataValue) -> bytes:
    out = bytearray(INT16.pack(GROUP_VALUE_VERSION))
    write_string(out, value.protocol_type)
    out += INT32.pack(value.generation_id)
    write_string(out, value.protocol_name)
    write_string(out, value.leader_id)
    ts = value.state_timestamp_ms
    out += INT64.pack(_NO_TIMESTAMP if ts is None else ts)
    write_array_length(out, len(value.members), compact=False)
    for m in value.members:
        write_string(out, m.member_id)
        write_string(out, m.group_instance_id)
        write_string(out, m.client_id)
        write_string(out, m.client_host)
        out += INT32.pack(m.rebalance_timeout_ms)
        out += INT32.pack(m.session_timeout_ms)
        write_bytes(out, m.subscription)
        write_bytes(out, m.assignment)
    return bytes(out)


def encode_record(key: RecordKey, value: RecordValue | None) -> tuple[bytes, bytes | None]:
    """The (key, value) bytes of a record; ``value=None`` is a tombstone."""
    if value is None:
        return encode_key(key), None
    if isinstance(key, OffsetCommitKey) != isinstance(value, OffsetAndMetadata):
        raise TypeError(f"{type(value).__name__} is not a value for {type(key).__name__}")
    if isinstance(value, OffsetAndMetadata):
        return encode_key(key), _encode_offset_value(value)
    return encode_key(key), _encode_group_value(value)


# -- decoding -----------------------------------------------------------------------------


def _reader(data: ReadBuffer, what: str) -> FieldReader:
    """Sequential reads that turn every decoding failure into ``RecordFormatError``."""
    return FieldReader(data, what, RecordFormatError)


def decode_key(data: ReadBuffer) -> RecordKey:
    """Decode a record key; raises ``RecordFormatError`` on unknown types and versions."""
    r = _reader(data, "record key")
    key_type = r.int16()
    version = r.int16()
    if key_type not in (OFFSET_COMMIT_KEY_TYPE, GROUP_METADATA_KEY_TYPE):
        raise RecordFormatError(f"unknown __consumer_offsets key type {key_type}")
    if version != KEY_VERSION:
        raise RecordFormatError(f"unknown version {version} of key type {key_type}")
    key: RecordKey
    if key_type == OFFSET_COMMIT_KEY_TYPE:
        key = OffsetCommitKey(r.string(), r.string(), r.int32())
    else:
        key = GroupMetadataKey(r.string())
    r.done()
    return key


def _decode_offset_value(data: ReadBuffer) -> OffsetAndMetadata:
    r = _reader(data, "offset commit value")
    version = r.int16()
    if version != OFFSET_VALUE_VERSION:
        raise RecordFormatError(f"unknown offset commit value version {version}")
    offset = r.int64()
    leader_epoch = r.int32()
    metadata = r.string()
    commit_ts = r.int64()
    expire_ts = r.int64()
    r.done()
    return OffsetAndMetadata(
        offset=offset,
        leader_epoch=leader_epoch,
        metadata=metadata,
        commit_timestamp_ms=commit_ts,
        expire_timestamp_ms=None if expire_ts == _NO_TIMESTAMP else expire_ts,
    )


def _decode_group_value(data: ReadBuffer) -> GroupMetadataValue:
    r = _reader(data, "group metadata value")
    version = r.int16()
    if version != GROUP_VALUE_VERSION:
        raise RecordFormatError(f"unknown group metadata value version {version}")
    protocol_type = r.string()
    generation = r.int32()
    protocol = r.nullable_string()
    leader = r.nullable_string()
    state_ts = r.int64()
    members = []
    for _ in range(r.array_length()):
        members.append(
            MemberRecord(
                member_id=r.string(),
                group_instance_id=r.nullable_string(),
                client_id=r.string(),
                client_host=r.string(),
                rebalance_timeout_ms=r.int32(),
                session_timeout_ms=r.int32(),
                subscription=r.bytes_(),
                assignment=r.bytes_(),
            )
        )
    r.done()
    return GroupMetadataValue(
        protocol_type=protocol_type,
        generation_id=generation,
        protocol_name=protocol,
        leader_id=leader,
        state_timestamp_ms=None if state_ts == _NO_TIMESTAMP else state_ts,
        members=tuple(members),
    )


def decode_record(
    key: ReadBuffer, value: ReadBuffer | None
) -> tuple[RecordKey, RecordValue | None]:
    """Decode a record; the value is ``None`` for a tombstone."""
    k = decode_key(key)
    if value is None:
        return k, None
    if isinstance(k, OffsetCommitKey):
        return k, _decode_offset_value(value)
    return k, _decode_group_value(value)


# -- placement ----------------------------------------------------------------------------


def java_string_hash(s: str) -> int:
    """Java's ``String.hashCode``: ``31*h + c`` over UTF-16 code units, as a signed 32-bit int."""
    data = s.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def partition_for_group(group_id: str, num_partitions: int = 50) -> int:
    """The ``__consumer_offsets`` partition of a group, as Kafka computes it.

    Kafka uses ``Utils.abs(groupId.hashCode) % n``, where ``Utils.abs`` maps Integer.MIN_VALUE
    to 0 (``Math.abs`` would leave it negative).
    """
    if num_partitions < 1:
        raise ValueError("num_partitions must be at least 1")
    h = java_string_hash(group_id)
    return (0 if h == -(2**31) else abs(h)) % num_partitions


# -- replay -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingLoadedOffset:
    """A transactional offset commit found in the log whose transaction has no marker yet."""

    offset: OffsetAndMetadata
    position: int
    """The replay order of its batch (``LoadedGroup.offset_positions``)."""


@dataclass(slots=True)
class LoadedGroup:
    """What the log says about one group: its last metadata record, its committed offsets, and
    the offsets of transactions still open at the end of the log."""

    group_id: str
    metadata: GroupMetadataValue | None = None
    offsets: dict[TopicPartition, OffsetAndMetadata] = field(default_factory=dict)
    offset_positions: dict[TopicPartition, int] = field(default_factory=dict)
    """Per committed offset, the replay order of the batch that holds its record (n for the
    n-th batch replayed): which of two commits is newer in the log."""
    pending_txn_offsets: dict[int, dict[TopicPartition, PendingLoadedOffset]] = field(
        default_factory=dict
    )
    """By producer id: transactional commits whose transaction is still open."""
    consumer_records: list[tuple[bytes, bytes | None]] = field(default_factory=list)
    """The group's KIP-848 records (Kafka's format, ``consumer_records.py``), in log order."""


LoadedState: TypeAlias = dict[str, LoadedGroup]
"""Every group found by ``load``, by group id."""


@dataclass(frozen=True, slots=True)
class ReplayBatch:
    """One record batch of ``__consumer_offsets`` as ``load`` replays it.

    A data batch has ``records`` (``(key, value)`` pairs); a transactional one
    (``is_transactional``) holds offset commits of producer ``producer_id`` that stay pending
    until a control batch of that producer (``control``: ``CONTROL_COMMIT`` or
    ``CONTROL_ABORT``, Kafka's control record types) commits or drops them. Other control
    types (``control`` set, any other value) are skipped.
    """

    records: Sequence[tuple[ReadBuffer, ReadBuffer | None]] = ()
    producer_id: int = -1
    is_transactional: bool = False
    control: int | None = None


#: Kafka's ``ControlRecordType`` values of transaction markers.
CONTROL_ABORT: Final = 0
CONTROL_COMMIT: Final = 1


def load(
    records: Iterable[ReplayBatch | tuple[ReadBuffer, ReadBuffer | None]],
) -> LoadedState:
    """Replay batches (or bare ``(key, value)`` records, each a plain batch of its own) in offset
    order: the last write wins, tombstones delete.

    Transactional offset commits stay pending per producer until its marker: a COMMIT makes
    them committed unless a newer plain commit of the same partition came after them in the log
    (Kafka's ``loadGroupsAndOffsets``), an ABORT drops them; those still open at the end stay
    pending. Groups left with neither metadata nor offsets are dropped. Raises
    ``RecordFormatError`` on a record it cannot decode (the caller decides whether to stop or
    skip the partition).
    """
    groups: LoadedState = {}
    # Producer id -> the groups holding its pending offsets.
    producer_groups: dict[int, set[str]] = {}
    for position, item in enumerate(records):
        if isinstance(item, ReplayBatch):
            batch = item
        else:
            batch = ReplayBatch((item,))
        if batch.control is not None:
            if batch.control in (CONTROL_COMMIT, CONTROL_ABORT):
                commit = batch.control == CONTROL_COMMIT
                for group_id in producer_groups.pop(batch.producer_id, ()):
                    _complete_loaded_txn(groups[group_id], batch.producer_id, commit)
            continue
        txn_producer = batch.producer_id if batch.is_transactional else None
        for raw_key, raw_value in batch.records:
            try:
                consumer_record = is_consumer_group_record(bytes(raw_key))
                gid = group_of(bytes(raw_key)) if consumer_record else ""
            except ConsumerRecordError as exc:
                raise RecordFormatError(str(exc)) from exc
            if consumer_record:
                loaded = groups.get(gid) or groups.setdefault(gid, LoadedGroup(gid))
                loaded.consumer_records.append(
                    (bytes(raw_key), None if raw_value is None else bytes(raw_value))
                )
                continue
            key, value = decode_record(raw_key, raw_value)
            group = groups.get(key.group_id)
            if group is None:
                if value is None:
                    continue
                group = groups[key.group_id] = LoadedGroup(key.group_id)
            if isinstance(key, OffsetCommitKey):
                tp = TopicPartition(key.topic, key.partition)
                if txn_producer is not None:
                    pending = group.pending_txn_offsets.setdefault(txn_producer, {})
                    producer_groups.setdefault(txn_producer, set()).add(key.group_id)
                    if value is None:
                        pending.pop(tp, None)
                    else:
                        assert isinstance(value, OffsetAndMetadata)
                        pending[tp] = PendingLoadedOffset(value, position)
                elif value is None:
                    group.offsets.pop(tp, None)
                    group.offset_positions.pop(tp, None)
                else:
                    assert isinstance(value, OffsetAndMetadata)
                    group.offsets[tp] = value
                    group.offset_positions[tp] = position
            else:
                assert value is None or isinstance(value, GroupMetadataValue)
                group.metadata = value
    return {
        gid: g
        for gid, g in groups.items()
        if g.metadata is not None or g.offsets or g.pending_txn_offsets or g.consumer_records
    }


def _complete_loaded_txn(group: LoadedGroup, producer_id: int, commit: bool) -> None:
    pending = group.pending_txn_offsets.pop(producer_id, {})
    if not commit:
        return
    for tp, entry in pending.items():
        current = group.offset_positions.get(tp)
        if tp not in group.offsets or current is None or current < entry.position:
            group.offsets[tp] = entry.offset
            group.offset_positions[tp] = entry.position
