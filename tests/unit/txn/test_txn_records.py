"""The __transaction_state record format (Kafka's bytes) and placement."""

from __future__ import annotations

import struct

import pytest

from broker.group.records import partition_for_group
from broker.txn.records import (
    TxnLogValue,
    TxnRecordFormatError,
    decode_key,
    decode_records,
    decode_value,
    encode_key,
    encode_value,
    partition_for_transactional_id,
)
from broker.txn.state import TxnState
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)


def _value(state: TxnState, parts: frozenset[TopicPartition] = frozenset()) -> TxnLogValue:
    return TxnLogValue(
        producer_id=1234,
        producer_epoch=7,
        transaction_timeout_ms=60_000,
        state=state,
        partitions=parts,
        last_update_timestamp_ms=1_700_000_000_123,
        start_timestamp_ms=1_700_000_000_000,
    )


def test_key_bytes_are_kafkas() -> None:
    assert encode_key("tx-1") == struct.pack(">hh", 0, 4) + b"tx-1"
    assert decode_key(encode_key("tx-1")) == "tx-1"


def test_value_bytes_are_kafkas() -> None:
    parts = frozenset({TopicPartition("b", 2), TopicPartition("a", 1), TopicPartition("b", 0)})
    expected = (
        struct.pack(">hqhib", 0, 1234, 7, 60_000, 1)
        + struct.pack(">i", 2)  # topics, sorted
        + struct.pack(">h", 1) + b"a" + struct.pack(">ii", 1, 1)
        + struct.pack(">h", 1) + b"b" + struct.pack(">iii", 2, 0, 2)
        + struct.pack(">qq", 1_700_000_000_123, 1_700_000_000_000)
    )  # fmt: skip
    assert encode_value(_value(TxnState.ONGOING, parts)) == expected
    assert decode_value(expected) == _value(TxnState.ONGOING, parts)


def test_an_empty_transaction_writes_a_null_partition_array() -> None:
    data = encode_value(_value(TxnState.EMPTY))
    assert data[17:21] == struct.pack(">i", -1)
    assert decode_value(data) == _value(TxnState.EMPTY)
    # A completed transaction writes an empty (not null) array, as Kafka.
    assert encode_value(_value(TxnState.COMPLETE_COMMIT))[17:21] == struct.pack(">i", 0)


@pytest.mark.parametrize("state", list(TxnState))
def test_every_state_round_trips(state: TxnState) -> None:
    parts = frozenset() if state is TxnState.EMPTY else frozenset({TopicPartition("t", 3)})
    assert decode_value(encode_value(_value(state, parts))) == _value(state, parts)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (struct.pack(">hh", 1, 1) + b"x", "unknown transaction log key version 1"),
        (struct.pack(">h", 0), "transaction log key"),
        (encode_key("x") + b"\x00", "trailing"),
    ],
)
def test_bad_keys_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(TxnRecordFormatError, match=message):
        decode_key(data)


def test_bad_values_are_refused() -> None:
    good = encode_value(_value(TxnState.ONGOING, frozenset({TopicPartition("t", 0)})))
    with pytest.raises(TxnRecordFormatError, match="version 1"):
        decode_value(struct.pack(">h", 1) + good[2:])
    with pytest.raises(TxnRecordFormatError, match="status 9"):
        decode_value(good[:16] + b"\x09" + good[17:])
    with pytest.raises(TxnRecordFormatError, match="truncated"):
        decode_value(good[:-1])
    with pytest.raises(TxnRecordFormatError, match="trailing"):
        decode_value(good + b"\x00")
    with pytest.raises(TxnRecordFormatError, match="array of 1000000"):
        decode_value(good[:17] + struct.pack(">i", 1_000_000) + good[21:])


def test_replay_keeps_the_latest_value_and_tombstones_delete() -> None:
    a1, a2 = encode_value(_value(TxnState.EMPTY)), encode_value(_value(TxnState.COMPLETE_ABORT))
    got = decode_records(
        [(encode_key("a"), a1), (encode_key("b"), a1), (encode_key("a"), a2),
         (encode_key("b"), None), (encode_key("c"), None)]
    )  # fmt: skip
    assert got == {"a": _value(TxnState.COMPLETE_ABORT)}


def test_placement_is_kafkas() -> None:
    # Kafka: Utils.abs(transactionalId.hashCode) % transaction.state.log.num.partitions, the
    # same function as a group's placement.
    for tid in ("tx", "my-transactional-id", "producer-\u00e9\U0001f600", ""):
        assert partition_for_transactional_id(tid) == partition_for_group(tid)
    assert partition_for_transactional_id("polygenelubricants") == 0  # hashCode MIN_VALUE
    assert partition_for_transactional_id("a") == 97 % 50
    with pytest.raises(ValueError):
        partition_for_transactional_id("a", 0)
