"""The consumer protocol's subscription and assignment encodings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.types import TopicPartition
from protocol.consumer_protocol import (
    Assignment,
    Subscription,
    decode_assignment,
    decode_subscription,
    encode_assignment,
    encode_subscription,
    subscribed_topics,
)
from protocol.errors import DecodeError
from protocol.primitives import INT16, INT32, write_array_length, write_bytes, write_string

topics = st.lists(st.text(alphabet="abcxyz-._", min_size=1, max_size=12), max_size=5, unique=True)
partitions = st.lists(
    st.builds(TopicPartition, st.sampled_from(["a", "b", "c"]), st.integers(0, 50)),
    max_size=20,
    unique=True,
)


@given(
    topics,
    st.none() | st.binary(max_size=20),
    partitions,
    st.integers(-1, 100),
    st.none() | st.text(max_size=5),
    st.integers(0, 3),
)
def test_subscription_roundtrip(
    names: list[str],
    user_data: bytes | None,
    owned: list[TopicPartition],
    generation: int,
    rack: str | None,
    version: int,
) -> None:
    sub = Subscription(names, user_data, owned, generation, rack, version)
    decoded = decode_subscription(encode_subscription(sub))
    assert decoded.topics == names
    assert decoded.user_data == user_data
    assert decoded.version == version
    if version >= 1:
        assert sorted(decoded.owned_partitions) == sorted(owned)
    if version >= 2:
        assert decoded.generation_id == generation
    if version >= 3:
        assert decoded.rack_id == rack
    # The broker's coordinator reads the topics of every version.
    assert subscribed_topics(encode_subscription(sub)) == frozenset(names)


@given(partitions, st.none() | st.binary(max_size=20))
def test_assignment_roundtrip(assigned: list[TopicPartition], user_data: bytes | None) -> None:
    decoded = decode_assignment(encode_assignment(Assignment(assigned, user_data)))
    assert sorted(decoded.partitions) == sorted(assigned)
    assert decoded.user_data == user_data


def test_a_newer_version_with_unknown_trailing_fields_reads_as_known() -> None:
    data = encode_subscription(Subscription(["t"], None, [TopicPartition("t", 1)], 7, None, 3))
    data = INT16.pack(9) + data[2:] + b"future fields"
    sub = decode_subscription(data)
    assert sub.topics == ["t"] and sub.owned_partitions == [TopicPartition("t", 1)]
    assert sub.generation_id == 7


def test_java_v0_layout() -> None:
    out = bytearray(INT16.pack(0))
    write_array_length(out, 2, compact=False)
    write_string(out, "orders")
    write_string(out, "payments")
    write_bytes(out, None)
    assert decode_subscription(bytes(out)).topics == ["orders", "payments"]
    assignment = bytearray(INT16.pack(1))
    write_array_length(assignment, 1, compact=False)
    write_string(assignment, "orders")
    write_array_length(assignment, 2, compact=False)
    assignment += INT32.pack(0) + INT32.pack(2)
    write_bytes(assignment, b"")
    assert decode_assignment(bytes(assignment)).partitions == [
        TopicPartition("orders", 0),
        TopicPartition("orders", 2),
    ]


def test_empty_assignment_means_nothing_assigned() -> None:
    assert decode_assignment(b"").partitions == []
    assert decode_assignment(None).partitions == []


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x00\x00\x00\x00\x05", b"\xff\xff"])
def test_malformed_input_raises_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_subscription(data)
    if len(data) > 2:
        with pytest.raises(DecodeError):
            decode_assignment(data)
