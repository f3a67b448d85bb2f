"""The records of KIP-848 consumer groups in ``__consumer_offsets``, in Kafka's format.

A key is ``version int16`` (Kafka's record type) then its fields, not flexible (strings with
int16 lengths); a value is ``version int16`` then a flexible struct (compact strings and
arrays, tagged fields). The key versions are Kafka's:

* 3 ConsumerGroupMetadata (group) → the group epoch;
* 5 ConsumerGroupMemberMetadata (group, member) → instance and rack ids, client id and host,
  subscribed topic names and regex, rebalance timeout, server assignor;
* 6 ConsumerGroupTargetAssignmentMetadata (group) → the assignment epoch;
* 7 ConsumerGroupTargetAssignmentMember (group, member) → target partitions by topic id;
* 8 ConsumerGroupCurrentMemberAssignment (group, member) → member epoch, previous epoch,
  state, assigned partitions, partitions pending revocation.

Samsa's classic records use key types 0 and 1 (``records.py``), so the first int16 tells the
two families apart. A null value is a tombstone.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from typing import Final

GROUP_METADATA_KEY: Final = 3
#: Kafka's ConsumerGroupPartitionMetadata (deprecated in Kafka 4): read and ignored.
PARTITION_METADATA_KEY: Final = 4
MEMBER_METADATA_KEY: Final = 5
TARGET_METADATA_KEY: Final = 6
TARGET_MEMBER_KEY: Final = 7
CURRENT_ASSIGNMENT_KEY: Final = 8
#: Every key version of the consumer group family.
CONSUMER_GROUP_KEYS: Final = frozenset(range(GROUP_METADATA_KEY, CURRENT_ASSIGNMENT_KEY + 1))
VALUE_VERSION: Final = 0

_I16: Final = struct.Struct(">h")
_I32: Final = struct.Struct(">i")
_I8: Final = struct.Struct(">b")


class ConsumerRecordError(ValueError):
    """A consumer group record that cannot be decoded."""


#: topic id → partitions.
TopicPartitions = dict[uuid.UUID, list[int]]


@dataclass(frozen=True, slots=True)
class MemberMetadata:
    instance_id: str | None
    rack_id: str | None
    client_id: str
    client_host: str
    subscribed_topic_names: tuple[str, ...]
    subscribed_topic_regex: str | None
    rebalance_timeout_ms: int
    server_assignor: str | None


@dataclass(frozen=True, slots=True)
class CurrentAssignment:
    member_epoch: int
    previous_member_epoch: int
    state: int
    assigned: TopicPartitions
    pending_revocation: TopicPartitions


# -- writing ------------------------------------------------------------------------------


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key_string(s: str) -> bytes:
    data = s.encode()
    return _I16.pack(len(data)) + data


def _compact_string(s: str | None) -> bytes:
    if s is None:
        return _uvarint(0)
    data = s.encode()
    return _uvarint(len(data) + 1) + data


def _compact_array(items: list[bytes]) -> bytes:
    return _uvarint(len(items) + 1) + b"".join(items)


def _topic_partitions(tps: TopicPartitions) -> bytes:
    return _compact_array(
        [
            topic_id.bytes
            + _compact_array([_I32.pack(p) for p in sorted(parts)])
            + _uvarint(0)  # no tagged fields
            for topic_id, parts in sorted(tps.items(), key=lambda kv: kv[0].bytes)
        ]
    )


def _value(body: bytes) -> bytes:
    return _I16.pack(VALUE_VERSION) + body + _uvarint(0)


def group_key(version: int, group_id: str, member_id: str | None = None) -> bytes:
    """A key of this family."""
    out = _I16.pack(version) + _key_string(group_id)
    if member_id is not None:
        out += _key_string(member_id)
    return out


def epoch_value(epoch: int) -> bytes:
    """ConsumerGroupMetadataValue / ConsumerGroupTargetAssignmentMetadataValue."""
    return _value(_I32.pack(epoch))


def member_metadata_value(m: MemberMetadata) -> bytes:
    """ConsumerGroupMemberMetadataValue."""
    return _value(
        _compact_string(m.instance_id)
        + _compact_string(m.rack_id)
        + _compact_string(m.client_id)
        + _compact_string(m.client_host)
        + _compact_array([_compact_string(t) for t in m.subscribed_topic_names])
        + _compact_string(m.subscribed_topic_regex)
        + _I32.pack(m.rebalance_timeout_ms)
        + _compact_string(m.server_assignor)
    )


def target_member_value(tps: TopicPartitions) -> bytes:
    """ConsumerGroupTargetAssignmentMemberValue."""
    return _value(_topic_partitions(tps))


def current_assignment_value(a: CurrentAssignment) -> bytes:
    """ConsumerGroupCurrentMemberAssignmentValue."""
    return _value(
        _I32.pack(a.member_epoch)
        + _I32.pack(a.previous_member_epoch)
        + _I8.pack(a.state)
        + _topic_partitions(a.assigned)
        + _topic_partitions(a.pending_revocation)
    )


# -- reading ------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, what: str) -> None:
        self.data = bytes(data)
        self.pos = 0
        self.what = what

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ConsumerRecordError(f"truncated {self.what}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def int8(self) -> int:
        return int(_I8.unpack(self._take(1))[0])

    def int16(self) -> int:
        return int(_I16.unpack(self._take(2))[0])

    def int32(self) -> int:
        return int(_I32.unpack(self._take(4))[0])

    def uvarint(self) -> int:
        shift = result = 0
        for _ in range(5):  # an int32 needs at most five bytes
            byte = self._take(1)[0]
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
        raise ConsumerRecordError(f"bad varint in {self.what}")

    def key_string(self) -> str:
        return self._take(self.int16()).decode()

    def compact_string(self) -> str | None:
        n = self.uvarint()
        return None if n == 0 else self._take(n - 1).decode()

    def string(self) -> str:
        s = self.compact_string()
        if s is None:
            raise ConsumerRecordError(f"null string in {self.what}")
        return s

    def count(self) -> int:
        n = self.uvarint()
        return max(0, n - 1)

    def skip_tags(self) -> None:
        for _ in range(self.uvarint()):
            self.uvarint()
            self._take(self.uvarint())

    def topic_partitions(self) -> TopicPartitions:
        out: TopicPartitions = {}
        for _ in range(self.count()):
            topic_id = uuid.UUID(bytes=self._take(16))
            out[topic_id] = [self.int32() for _ in range(self.count())]
            self.skip_tags()
        return out

    def value_header(self) -> None:
        version = self.int16()
        if version != VALUE_VERSION:
            raise ConsumerRecordError(f"unknown version {version} of {self.what}")

    def done(self) -> None:
        self.skip_tags()
        if self.pos != len(self.data):
            raise ConsumerRecordError(f"trailing bytes in {self.what}")


@dataclass(frozen=True, slots=True)
class ConsumerKey:
    version: int
    group_id: str
    member_id: str | None


def key_version(key: bytes) -> int:
    """The first int16 of a ``__consumer_offsets`` key (Kafka's record type)."""
    return _Reader(key, "record key").int16()


def decode_key(key: bytes) -> ConsumerKey:
    """A key of this family."""
    r = _Reader(key, "consumer group key")
    version = r.int16()
    if version not in CONSUMER_GROUP_KEYS:
        raise ConsumerRecordError(f"not a consumer group key: {version}")
    group_id = r.key_string()
    member_id = None
    if version in (MEMBER_METADATA_KEY, TARGET_MEMBER_KEY, CURRENT_ASSIGNMENT_KEY):
        member_id = r.key_string()
    if r.pos != len(r.data):
        raise ConsumerRecordError("trailing bytes in consumer group key")
    return ConsumerKey(version, group_id, member_id)


def decode_epoch(value: bytes) -> int:
    r = _Reader(value, "group epoch value")
    r.value_header()
    epoch = r.int32()
    r.done()
    return epoch


def decode_member_metadata(value: bytes) -> MemberMetadata:
    r = _Reader(value, "member metadata value")
    r.value_header()
    out = MemberMetadata(
        instance_id=r.compact_string(),
        rack_id=r.compact_string(),
        client_id=r.string(),
        client_host=r.string(),
        subscribed_topic_names=tuple(r.string() for _ in range(r.count())),
        subscribed_topic_regex=r.compact_string(),
        rebalance_timeout_ms=r.int32(),
        server_assignor=r.compact_string(),
    )
    r.done()
    return out


def decode_target_member(value: bytes) -> TopicPartitions:
    r = _Reader(value, "target assignment value")
    r.value_header()
    out = r.topic_partitions()
    r.done()
    return out


def decode_current_assignment(value: bytes) -> CurrentAssignment:
    r = _Reader(value, "current assignment value")
    r.value_header()
    out = CurrentAssignment(
        member_epoch=r.int32(),
        previous_member_epoch=r.int32(),
        state=r.int8(),
        assigned=r.topic_partitions(),
        pending_revocation=r.topic_partitions(),
    )
    r.done()
    return out


def is_consumer_group_record(key: bytes) -> bool:
    """Whether a ``__consumer_offsets`` key belongs to this family."""
    return len(key) >= 2 and key_version(key) in CONSUMER_GROUP_KEYS


def group_of(key: bytes) -> str:
    """The group id of a key of this family."""
    return decode_key(key).group_id
