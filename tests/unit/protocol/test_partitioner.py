"""murmur2 and the default partitioner match the Java client."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.partitioner import murmur2, partition_for_key


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"21", -973932308), (b"foobar", -790332482), (b"abc", 479470107), (b"", 275646681)],
)
def test_vectors(data: bytes, expected: int) -> None:
    assert murmur2(data) == expected


@given(st.binary(max_size=64))
def test_matches_kafka_python(data: bytes) -> None:
    kafka_default = pytest.importorskip("kafka.partitioner.default")
    theirs = kafka_default.murmur2(data)
    signed = theirs - (1 << 32) if theirs & 0x80000000 else theirs
    assert murmur2(data) == signed


@given(st.binary(max_size=64))
def test_result_is_signed_int32(data: bytes) -> None:
    assert -(2**31) <= murmur2(data) < 2**31


@pytest.mark.parametrize(
    ("key", "partitions", "expected"),
    [
        (b"21", 10, (-973932308 & 0x7FFFFFFF) % 10),
        (b"foobar", 3, (-790332482 & 0x7FFFFFFF) % 3),
        (b"abc", 7, 479470107 % 7),
        (b"anything", 1, 0),
    ],
)
def test_partition_for_key(key: bytes, partitions: int, expected: int) -> None:
    assert partition_for_key(key, partitions) == expected


@given(st.binary(max_size=32), st.integers(min_value=1, max_value=10_000))
def test_partition_in_range(key: bytes, partitions: int) -> None:
    assert 0 <= partition_for_key(key, partitions) < partitions


@pytest.mark.parametrize("partitions", [0, -1])
def test_partition_count_must_be_positive(partitions: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        partition_for_key(b"k", partitions)
