"""The __consumer_offsets record format, partition placement and replay."""

from __future__ import annotations

import contextlib
import ctypes
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broker.group.records import (
    GroupMetadataKey,
    GroupMetadataValue,
    MemberRecord,
    OffsetAndMetadata,
    OffsetCommitKey,
    RecordFormatError,
    TopicPartition,
    decode_key,
    decode_record,
    encode_record,
    java_string_hash,
    load,
    partition_for_group,
)

# -- byte-exact encodings ---------------------------------------------------------------------


def test_offset_commit_record_bytes() -> None:
    key, value = encode_record(
        OffsetCommitKey("g", "t", 3),
        OffsetAndMetadata(
            offset=5,
            leader_epoch=7,
            metadata="m",
            commit_timestamp_ms=1000,
            expire_timestamp_ms=None,
        ),
    )
    assert key == bytes.fromhex("0000 0000 0001 67 0001 74 00000003".replace(" ", ""))
    assert value == bytes.fromhex(
        "0000"  # value version
        "0000000000000005"  # offset
        "00000007"  # leader epoch
        "0001 6d"  # metadata "m"
        "00000000000003e8"  # commit timestamp
        "ffffffffffffffff".replace(" ", "").replace(" ", "")  # no expire timestamp
    )


def test_group_metadata_record_bytes() -> None:
    value = GroupMetadataValue(
        protocol_type="consumer",
        generation_id=2,
        protocol_name="range",
        leader_id="m1",
        state_timestamp_ms=9,
        members=(
            MemberRecord(
                member_id="m1",
                group_instance_id=None,
                client_id="c",
                client_host="/h",
                rebalance_timeout_ms=300,
                session_timeout_ms=100,
                subscription=b"\x01",
                assignment=b"",
            ),
        ),
    )
    key, raw = encode_record(GroupMetadataKey("g"), value)
    assert key == bytes.fromhex("0001 0000 0001 67".replace(" ", ""))
    expected = (
        b"\x00\x00"
        + b"\x00\x08consumer"
        + b"\x00\x00\x00\x02"
        + b"\x00\x05range"
        + b"\x00\x02m1"
        + b"\x00\x00\x00\x00\x00\x00\x00\x09"
        + b"\x00\x00\x00\x01"  # one member
        + b"\x00\x02m1"
        + b"\xff\xff"  # no instance id
        + b"\x00\x01c"
        + b"\x00\x02/h"
        + struct.pack(">ii", 300, 100)
        + b"\x00\x00\x00\x01\x01"
        + b"\x00\x00\x00\x00"
    )
    assert raw == expected
    assert decode_record(key, raw) == (GroupMetadataKey("g"), value)


def test_tombstone_is_a_null_value() -> None:
    key, value = encode_record(OffsetCommitKey("g", "t", 0), None)
    assert value is None
    assert decode_record(key, None) == (OffsetCommitKey("g", "t", 0), None)


def test_key_and_value_kinds_must_match() -> None:
    with pytest.raises(TypeError):
        encode_record(GroupMetadataKey("g"), OffsetAndMetadata(offset=1))


# -- round trips --------------------------------------------------------------------------------

_text = st.text(max_size=40)
_i32 = st.integers(-(2**31), 2**31 - 1)
_i64 = st.integers(-(2**63), 2**63 - 1)

_offsets = st.builds(
    OffsetAndMetadata,
    offset=_i64,
    leader_epoch=_i32,
    metadata=_text,
    commit_timestamp_ms=_i64,
    expire_timestamp_ms=st.none() | st.integers(0, 2**63 - 1),
)
_members = st.builds(
    MemberRecord,
    member_id=_text,
    group_instance_id=st.none() | _text,
    client_id=_text,
    client_host=_text,
    rebalance_timeout_ms=_i32,
    session_timeout_ms=_i32,
    subscription=st.binary(max_size=64),
    assignment=st.binary(max_size=64),
)
_groups = st.builds(
    GroupMetadataValue,
    protocol_type=_text,
    generation_id=_i32,
    protocol_name=st.none() | _text,
    leader_id=st.none() | _text,
    state_timestamp_ms=st.none() | st.integers(0, 2**63 - 1),
    members=st.lists(_members, max_size=4).map(tuple),
)


@given(group=_text, topic=_text, partition=_i32, value=_offsets)
def test_offset_records_round_trip(
    group: str, topic: str, partition: int, value: OffsetAndMetadata
) -> None:
    key = OffsetCommitKey(group, topic, partition)
    raw_key, raw_value = encode_record(key, value)
    assert decode_record(raw_key, raw_value) == (key, value)
    assert decode_record(memoryview(raw_key), memoryview(raw_value or b"")) == (key, value)


@given(group=_text, value=_groups)
def test_group_records_round_trip(group: str, value: GroupMetadataValue) -> None:
    key = GroupMetadataKey(group)
    raw_key, raw_value = encode_record(key, value)
    assert decode_record(raw_key, raw_value) == (key, value)


@given(data=st.binary(max_size=64))
def test_garbage_never_escapes_as_another_exception(data: bytes) -> None:
    with contextlib.suppress(RecordFormatError):
        decode_record(data, data)


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x02\x00\x00\x00\x01g", "unknown __consumer_offsets key type 2"),
        (b"\x00\x01\x00\x01\x00\x01g", "unknown version 1 of key type 1"),
        (b"\x00\x00\x00\x00\x00\x01g", "truncated"),
        (b"\x00\x01\x00\x00\x00\x01gX", "trailing"),
        (b"\x00", "truncated"),
    ],
)
def test_bad_keys_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(RecordFormatError, match=message):
        decode_key(raw)


def test_unknown_value_versions_are_refused() -> None:
    key, value = encode_record(OffsetCommitKey("g", "t", 0), OffsetAndMetadata(offset=1))
    assert value is not None
    with pytest.raises(RecordFormatError, match="unknown offset commit value version 1"):
        decode_record(key, b"\x00\x01" + value[2:])
    gkey, gvalue = encode_record(GroupMetadataKey("g"), GroupMetadataValue("", 0, None, None, None))
    assert gvalue is not None
    with pytest.raises(RecordFormatError, match="unknown group metadata value version 7"):
        decode_record(gkey, b"\x00\x07" + gvalue[2:])
    with pytest.raises(RecordFormatError, match="trailing"):
        decode_record(key, value + b"\x00")


# -- placement ----------------------------------------------------------------------------------


def reference_hash(s: str) -> int:
    """An independent Java String.hashCode: UTF-16 units via struct, overflow via ctypes."""
    data = s.encode("utf-16-le", "surrogatepass")
    units = struct.unpack(f"<{len(data) // 2}H", data)
    h = ctypes.c_int32(0)
    for u in units:
        h = ctypes.c_int32(h.value * 31 + u)
    return h.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a", 97),
        ("abc", 96354),
        ("hello", 99162322),
        ("\u00e9", 233),  # é: one UTF-16 unit
        ("\U0001f600", 0xD83D * 31 + 0xDE00),  # 😀: a surrogate pair, two units
        ("polygenelubricants", -(2**31)),  # the famous Integer.MIN_VALUE hash
    ],
)
def test_java_string_hash_vectors(text: str, expected: int) -> None:
    assert java_string_hash(text) == expected == reference_hash(text)


@given(st.text(max_size=60))
def test_java_string_hash_matches_reference(text: str) -> None:
    assert java_string_hash(text) == reference_hash(text)


def test_partition_for_group_vectors() -> None:
    assert partition_for_group("") == 0
    assert partition_for_group("a") == 97 % 50
    assert partition_for_group("hello", 50) == 99162322 % 50
    # Utils.abs(Integer.MIN_VALUE) is 0 (Math.abs would stay negative).
    assert partition_for_group("polygenelubricants") == 0
    assert partition_for_group("polygenelubricants", 7) == 0
    assert java_string_hash("hello world") == 1794106052
    assert java_string_hash("my-group") == -1906497762  # negative: abs before the modulo
    assert partition_for_group("my-group") == 12
    with pytest.raises(ValueError):
        partition_for_group("g", 0)


@given(st.text(max_size=30), st.integers(1, 200))
def test_partition_for_group_is_in_range(group: str, n: int) -> None:
    h = reference_hash(group)
    assert partition_for_group(group, n) == (0 if h == -(2**31) else abs(h)) % n


# -- replay -------------------------------------------------------------------------------------


def _offset(group: str, tp: tuple[str, int], offset: int | None) -> tuple[bytes, bytes | None]:
    value = None if offset is None else OffsetAndMetadata(offset=offset, commit_timestamp_ms=offset)
    return encode_record(OffsetCommitKey(group, *tp), value)


def _group(group: str, generation: int | None) -> tuple[bytes, bytes | None]:
    value = None
    if generation is not None:
        value = GroupMetadataValue("consumer", generation, "range", None, 5)
    return encode_record(GroupMetadataKey(group), value)


def test_load_replays_last_write_wins_and_tombstones() -> None:
    records = [
        _offset("a", ("t", 0), 1),
        _offset("a", ("t", 1), 2),
        _group("a", 1),
        _offset("a", ("t", 0), 5),  # last write wins
        _offset("a", ("t", 1), None),  # tombstone
        _group("a", 2),
        _offset("b", ("t", 0), 9),
        _group("b", 1),
        _group("b", None),  # group tombstone: offsets stay
        _offset("c", ("t", 0), 1),
        _offset("c", ("t", 0), None),  # nothing left of c
        _offset("d", ("t", 0), None),  # tombstone of something never seen
    ]
    state = load(records)
    assert set(state) == {"a", "b"}
    a = state["a"]
    assert a.metadata is not None and a.metadata.generation_id == 2
    assert a.offsets == {TopicPartition("t", 0): OffsetAndMetadata(offset=5, commit_timestamp_ms=5)}
    b = state["b"]
    assert b.metadata is None
    assert b.offsets[TopicPartition("t", 0)].offset == 9


def test_load_refuses_records_it_cannot_read() -> None:
    with pytest.raises(RecordFormatError):
        load([(b"\x00\x09\x00\x00", None)])
