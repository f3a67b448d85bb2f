"""The producer's batch encoder and the consumer's record decoder against protocol/records."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.consumer.records import ConsumerRecord, decode_consumer_records
from client.producer.batch import ProducerBatch, encode_headers
from protocol.errors import CorruptMessageError
from protocol.records import Compression, RecordBatch, RecordBatchBuilder, decompress

# Large blobs are made, not drawn: lengths past 8191 need three-byte varints.
blobs = (
    st.none()
    | st.binary(max_size=300)
    | st.integers(8190, 70_000).map(lambda n: bytes([n % 251]) * n)
)
headers = st.lists(st.tuples(st.text(max_size=8), st.none() | st.binary(max_size=20)), max_size=3)
records = st.lists(
    st.tuples(st.integers(-(2**40), 2**40), blobs, blobs, headers), min_size=1, max_size=25
)


def _batch(limit: int = 10**9) -> ProducerBatch:
    loop = asyncio.new_event_loop()
    try:
        return ProducerBatch("t", 0, limit, 0.0, loop.create_future())
    finally:
        loop.close()


@settings(max_examples=60, deadline=None)
@given(
    records, st.sampled_from(list(Compression)), st.integers(0, 10**6), st.integers(-1, 2**31 - 100)
)
def test_producer_batches_parse_as_kafka_batches(
    rows: list[tuple[int, bytes | None, bytes | None, list[tuple[str, bytes | None]]]],
    codec: Compression,
    producer_id: int,
    sequence: int,
) -> None:
    base = 1_700_000_000_000
    batch = _batch()
    for delta, key, value, hdrs in rows:
        assert batch.append(base + delta, key, value, encode_headers(hdrs) if hdrs else None) >= 0
    wire = batch.stamp(producer_id, 3, sequence, codec)
    parsed = RecordBatch(wire)
    parsed.validate()
    assert parsed.compression == codec
    assert parsed.producer_id == producer_id and parsed.producer_epoch == 3
    assert parsed.base_sequence == sequence and parsed.records_count == len(rows)
    assert parsed.max_timestamp == max(base + r[0] for r in rows)
    got = list(parsed.records())
    assert [(r.timestamp, r.key, r.value, r.headers) for r in got] == [
        (base + d, k, v, h) for d, k, v, h in rows
    ]
    assert [r.offset for r in got] == list(range(len(rows)))


def test_a_full_batch_refuses_the_next_record_but_always_takes_the_first() -> None:
    batch = _batch(limit=100)
    assert batch.append(0, None, b"x" * 500, None) == 0  # larger than the limit: alone
    assert batch.append(0, None, b"y", None) == -1
    small = _batch(limit=100)
    indexes = [small.append(0, None, b"z" * 20, None) for _ in range(10)]
    assert indexes[:3] == [0, 1, 2] and indexes[-1] == -1


@settings(max_examples=60, deadline=None)
@given(records, st.sampled_from(list(Compression)), st.integers(0, 2**40), st.booleans(), st.data())
def test_decoder_matches_protocol_records(
    rows: list[tuple[int, bytes | None, bytes | None, list[tuple[str, bytes | None]]]],
    codec: Compression,
    base_offset: int,
    log_append: bool,
    data: st.DataObject,
) -> None:
    builder = RecordBatchBuilder(compression=codec, base_offset=base_offset)
    base = 1_600_000_000_000
    for delta, key, value, hdrs in rows:
        builder.append(value, key=key, headers=hdrs, timestamp_ms=base + delta)
    parsed = RecordBatch(builder.build())
    expected = list(parsed.records())
    min_offset = data.draw(st.integers(base_offset, base_offset + len(rows)))
    payload = parsed.payload()
    raw = bytes(payload) if codec == Compression.NONE else decompress(codec, payload)
    got = decode_consumer_records(
        raw,
        parsed.records_count,
        topic="t",
        partition=2,
        base_offset=parsed.base_offset,
        base_timestamp=parsed.base_timestamp,
        timestamp_type=1 if log_append else 0,
        log_append_time=777 if log_append else -1,
        leader_epoch=5,
        min_offset=min_offset,
        key_deserializer=None,
        value_deserializer=None,
    )
    want = [r for r in expected if r.offset >= min_offset]
    assert [(r.offset, r.key, r.value, list(r.headers)) for r in got] == [
        (r.offset, r.key, r.value, r.headers) for r in want
    ]
    assert all(
        r.timestamp == (777 if log_append else e.timestamp) for r, e in zip(got, want, strict=True)
    )
    assert all(isinstance(r, ConsumerRecord) and r.topic == "t" and r.partition == 2 for r in got)
    assert all(r.leader_epoch == 5 for r in got)


def test_decoder_applies_deserializers() -> None:
    builder = RecordBatchBuilder()
    builder.append(b"1", key=b"k", timestamp_ms=1)
    parsed = RecordBatch(builder.build())
    got = decode_consumer_records(
        bytes(parsed.payload()),
        1,
        topic="t",
        partition=0,
        base_offset=0,
        base_timestamp=1,
        timestamp_type=0,
        log_append_time=-1,
        leader_epoch=-1,
        min_offset=0,
        key_deserializer=lambda b: b.decode() if b else None,
        value_deserializer=lambda b: int(b or b"0") * 10,
    )
    assert got[0].key == "k" and got[0].value == 10


@pytest.mark.parametrize("cut", [1, 5, 20])
def test_truncated_or_padded_records_are_corrupt(cut: int) -> None:
    builder = RecordBatchBuilder()
    for i in range(3):
        builder.append(b"value-%d" % i, key=b"key", timestamp_ms=i)
    payload = bytes(RecordBatch(builder.build()).payload())
    options = dict(
        topic="t",
        partition=0,
        base_offset=0,
        base_timestamp=0,
        timestamp_type=0,
        log_append_time=-1,
        leader_epoch=-1,
        min_offset=0,
        key_deserializer=None,
        value_deserializer=None,
    )
    with pytest.raises(CorruptMessageError):
        decode_consumer_records(payload[:-cut], 3, **options)  # type: ignore[arg-type]
    with pytest.raises(CorruptMessageError):
        decode_consumer_records(payload + b"\x00" * cut, 3, **options)  # type: ignore[arg-type]
