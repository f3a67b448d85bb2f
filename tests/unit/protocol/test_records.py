"""RecordBatch v2: header view, validation, iteration, patching, records and the builder."""

from __future__ import annotations

import struct
from typing import Any

import crc32c
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol.errors import CorruptMessageError
from protocol.records import (
    BATCH_HEADER_SIZE,
    LOG_OVERHEAD,
    MAX_BATCH_SIZE,
    Compression,
    ControlRecord,
    ControlRecordType,
    Record,
    RecordBatch,
    RecordBatchBuilder,
    TimestampType,
    build_control_batch,
    decode_control_record,
    decode_records,
    encode_varint,
    iter_batches,
    patch_base_offset,
    patch_partition_leader_epoch,
    read_varint,
)

HEADER = struct.Struct(">qiibIhiqqqhii")
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

FIELDS = (
    "base_offset",
    "batch_length",
    "partition_leader_epoch",
    "magic",
    "crc",
    "attributes",
    "last_offset_delta",
    "base_timestamp",
    "max_timestamp",
    "producer_id",
    "producer_epoch",
    "base_sequence",
    "records_count",
)
DEFAULT_HEADER: dict[str, int] = {
    "base_offset": 0,
    "batch_length": BATCH_HEADER_SIZE - LOG_OVERHEAD,
    "partition_leader_epoch": -1,
    "magic": 2,
    "crc": 0,
    "attributes": 0,
    "last_offset_delta": -1,
    "base_timestamp": -1,
    "max_timestamp": -1,
    "producer_id": -1,
    "producer_epoch": -1,
    "base_sequence": -1,
    "records_count": 0,
}


def header_bytes(**fields: int) -> bytes:
    values = {**DEFAULT_HEADER, **fields}
    return HEADER.pack(*(values[name] for name in FIELDS))


def recrc(raw: bytes | bytearray) -> bytes:
    """Recompute the CRC after editing a CRC-covered field, to reach the later checks."""
    out = bytearray(raw)
    struct.pack_into(">I", out, 17, crc32c.crc32c(bytes(out[21:])))
    return bytes(out)


def edit(raw: bytes, fmt: str, offset: int, value: int, *, fix_crc: bool = True) -> bytes:
    out = bytearray(raw)
    struct.pack_into(fmt, out, offset, value)
    return recrc(out) if fix_crc else bytes(out)


def simple_batch(
    count: int = 3, codec: Compression = Compression.NONE, base_offset: int = 0, **kw: Any
) -> bytes:
    builder = RecordBatchBuilder(compression=codec, base_offset=base_offset, **kw)
    for i in range(count):
        builder.append(f"value-{i}".encode() * 5, key=f"key-{i}".encode(), timestamp_ms=1000 + i)
    return builder.build()


# -- header view ------------------------------------------------------------------------------

HEADER_CASES: list[tuple[str, dict[str, int], dict[str, Any]]] = [
    (
        "defaults",
        {},
        {
            "size_in_bytes": 61,
            "compression": Compression.NONE,
            "timestamp_type": TimestampType.CREATE_TIME,
            "is_transactional": False,
            "is_control": False,
            "has_delete_horizon": False,
            "last_sequence": -1,
        },
    ),
    (
        "offsets",
        {"base_offset": 1000, "last_offset_delta": 9, "records_count": 10},
        {"last_offset": 1009, "next_offset": 1010},
    ),
    (
        "max values",
        {
            "base_offset": INT64_MAX - 10,
            "batch_length": INT32_MAX,
            "partition_leader_epoch": INT32_MAX,
            "crc": 0xFFFFFFFF,
            "base_timestamp": INT64_MAX,
            "max_timestamp": INT64_MIN,
            "producer_id": INT64_MAX,
            "producer_epoch": 32767,
        },
        {"size_in_bytes": INT32_MAX + 12, "crc": 0xFFFFFFFF, "producer_epoch": 32767},
    ),
    ("gzip", {"attributes": 1}, {"compression": Compression.GZIP}),
    ("snappy", {"attributes": 2}, {"compression": Compression.SNAPPY}),
    ("lz4", {"attributes": 3}, {"compression": Compression.LZ4}),
    ("zstd", {"attributes": 4}, {"compression": Compression.ZSTD}),
    (
        "log append time",
        {"attributes": 0x08},
        {"timestamp_type": TimestampType.LOG_APPEND_TIME},
    ),
    ("transactional", {"attributes": 0x10}, {"is_transactional": True, "is_control": False}),
    ("control", {"attributes": 0x30}, {"is_transactional": True, "is_control": True}),
    ("delete horizon", {"attributes": 0x40}, {"has_delete_horizon": True}),
    (
        "all flags and zstd",
        {"attributes": 0x7C},
        {
            "compression": Compression.ZSTD,
            "timestamp_type": TimestampType.LOG_APPEND_TIME,
            "is_transactional": True,
            "is_control": True,
            "has_delete_horizon": True,
        },
    ),
    (
        "sequence",
        {"base_sequence": 100, "last_offset_delta": 4, "records_count": 5},
        {"last_sequence": 104},
    ),
    (
        "sequence wraps past int32 max",
        {"base_sequence": INT32_MAX - 1, "last_offset_delta": 3, "records_count": 4},
        {"last_sequence": 1},
    ),
    (
        "sequence ends exactly at int32 max",
        {"base_sequence": INT32_MAX - 3, "last_offset_delta": 3},
        {"last_sequence": INT32_MAX},
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [case[1:] for case in HEADER_CASES],
    ids=[case[0] for case in HEADER_CASES],
)
def test_header_parse(fields: dict[str, int], expected: dict[str, Any]) -> None:
    raw = header_bytes(**fields)
    batch = RecordBatch(memoryview(raw))
    for name in FIELDS:
        assert getattr(batch, name) == {**DEFAULT_HEADER, **fields}[name], name
    for name, value in expected.items():
        assert getattr(batch, name) == value, name


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_accepts_any_buffer_and_keeps_it(kind: type) -> None:
    raw = simple_batch()
    buf = kind(raw) if kind is not memoryview else memoryview(raw)
    batch = RecordBatch(buf)
    batch.validate()
    assert isinstance(batch.buffer, memoryview)
    assert batch.buffer.tobytes() == raw


def test_view_is_zero_copy() -> None:
    raw = bytearray(simple_batch())
    view = memoryview(raw)
    batch = RecordBatch(view)
    assert batch.buffer.obj is raw
    assert batch.payload().obj is raw


@pytest.mark.parametrize("size", [0, 1, 12, 60])
def test_header_too_short(size: int) -> None:
    with pytest.raises(CorruptMessageError, match="truncated"):
        RecordBatch(memoryview(header_bytes()[:size]))


def test_unknown_codec_bits_raise_on_access() -> None:
    batch = RecordBatch(memoryview(header_bytes(attributes=5)))
    with pytest.raises(CorruptMessageError, match="codec"):
        _ = batch.compression


def test_uses_slots() -> None:
    batch = RecordBatch(memoryview(simple_batch()))
    assert not hasattr(batch, "__dict__")
    with pytest.raises(AttributeError):
        batch.extra = 1  # type: ignore[attr-defined]


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", list(Compression), ids=lambda c: c.name.lower())
def test_validate_accepts_built_batches(codec: Compression) -> None:
    RecordBatch(memoryview(simple_batch(50, codec))).validate()


def _lying_count(raw: bytes) -> bytes:
    # Claims 1000 records (and a matching last offset delta) in a 3-record payload.
    out = edit(raw, ">i", 57, 1000, fix_crc=False)
    return edit(out, ">i", 23, 999)


def _grow(raw: bytes) -> bytes:
    return raw + b"\x00"


CORRUPTIONS: list[tuple[str, Any, str]] = [
    ("bad crc byte", lambda raw: edit(raw, ">I", 17, 0xDEADBEEF, fix_crc=False), "CRC"),
    (
        "flipped payload byte",
        lambda raw: raw[:-5] + bytes([raw[-5] ^ 0x01]) + raw[-4:],
        "CRC",
    ),
    (
        "flipped attributes",
        lambda raw: edit(raw, ">h", 21, 0x10, fix_crc=False),
        "CRC",
    ),
    ("magic 1", lambda raw: edit(raw, ">b", 16, 1), "magic"),
    ("magic 0", lambda raw: edit(raw, ">b", 16, 0), "magic"),
    ("magic 3", lambda raw: edit(raw, ">b", 16, 3), "magic"),
    ("batch length below header", lambda raw: edit(raw, ">i", 8, 48), "minimum"),
    ("batch length too long", lambda raw: edit(raw, ">i", 8, len(raw)), "batch length"),
    ("batch length too short", lambda raw: edit(raw, ">i", 8, len(raw) - 13), "batch length"),
    ("trailing byte", _grow, "batch length"),
    ("truncated", lambda raw: raw[:-1], "batch length"),
    ("negative records count", lambda raw: edit(raw, ">i", 57, -1), "negative"),
    ("count does not match delta", lambda raw: edit(raw, ">i", 57, 2), "last offset delta"),
    ("delta does not match count", lambda raw: edit(raw, ">i", 23, 7), "last offset delta"),
    ("lying records count", _lying_count, "cannot hold"),
    ("codec 5", lambda raw: edit(raw, ">h", 21, 5), "codec"),
    ("codec 7", lambda raw: edit(raw, ">h", 21, 7), "codec"),
]


@pytest.mark.parametrize(
    ("corrupt", "reason"),
    [case[1:] for case in CORRUPTIONS],
    ids=[case[0] for case in CORRUPTIONS],
)
def test_validate_rejects(corrupt: Any, reason: str) -> None:
    raw = corrupt(simple_batch())
    with pytest.raises(CorruptMessageError, match=reason):
        RecordBatch(memoryview(raw)).validate()


def test_offset_delta_check_can_be_skipped() -> None:
    # Compaction leaves batches whose last offset delta exceeds their record count.
    raw = edit(simple_batch(), ">i", 23, 7)
    batch = RecordBatch(memoryview(raw))
    batch.validate(check_offset_delta=False)
    assert batch.last_offset == 7


def test_empty_batch_validates() -> None:
    # Compaction may leave a batch with no records; its header still carries the offsets.
    raw = recrc(header_bytes(records_count=0, last_offset_delta=4))
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert list(batch.records()) == []
    assert batch.next_offset == 5


def test_validate_does_not_decode_records() -> None:
    # A compressed payload of garbage with a good CRC passes: records are not decoded.
    raw = recrc(
        header_bytes(attributes=4, batch_length=49 + 10, records_count=1, last_offset_delta=0)
        + b"\x00" * 10
    )
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    with pytest.raises(CorruptMessageError):
        list(batch.records())


# -- iter_batches -----------------------------------------------------------------------------


def _concatenation() -> tuple[bytes, list[bytes]]:
    parts = [simple_batch(3, codec, base_offset=i * 10) for i, codec in enumerate(Compression)]
    parts.append(
        build_control_batch(
            ControlRecordType.COMMIT,
            producer_id=1,
            producer_epoch=0,
            coordinator_epoch=0,
            timestamp_ms=0,
        )
    )
    return b"".join(parts), parts


def test_iter_batches_splits_concatenation() -> None:
    blob, parts = _concatenation()
    batches = list(iter_batches(memoryview(blob), allow_partial=False))
    assert [b.buffer.tobytes() for b in batches] == parts
    for batch in batches:
        batch.validate()
    assert [b.base_offset for b in batches[:5]] == [0, 10, 20, 30, 40]


def test_iter_batches_empty() -> None:
    assert list(iter_batches(memoryview(b""), allow_partial=False)) == []


def test_iter_batches_is_zero_copy() -> None:
    blob, _ = _concatenation()
    source = bytearray(blob)
    for batch in iter_batches(memoryview(source)):
        assert batch.buffer.obj is source


def test_iter_batches_partial_tail_every_cut() -> None:
    blob, parts = _concatenation()
    boundaries = [sum(len(p) for p in parts[:i]) for i in range(len(parts) + 1)]
    for cut in range(len(blob) + 1):
        view = memoryview(blob)[:cut]
        complete = [b for b in boundaries[1:] if b <= cut]
        batches = list(iter_batches(view))
        assert len(batches) == len(complete)
        if cut in boundaries:
            assert len(list(iter_batches(view, allow_partial=False))) == len(complete)
        else:
            with pytest.raises(CorruptMessageError, match="truncated"):
                list(iter_batches(view, allow_partial=False))


def test_iter_batches_rejects_tiny_length() -> None:
    blob = simple_batch() + edit(simple_batch(), ">i", 8, 10, fix_crc=False)
    it = iter_batches(memoryview(blob))
    next(it)
    with pytest.raises(CorruptMessageError, match="minimum"):
        next(it)


@pytest.mark.parametrize("allow_partial", [True, False])
def test_iter_batches_rejects_huge_length(allow_partial: bool) -> None:
    blob = edit(simple_batch(), ">i", 8, MAX_BATCH_SIZE, fix_crc=False)
    with pytest.raises(CorruptMessageError, match="cap"):
        list(iter_batches(memoryview(blob), allow_partial=allow_partial))


def test_iter_batches_accepts_bytes() -> None:
    blob, parts = _concatenation()
    assert len(list(iter_batches(blob))) == len(parts)


# -- patching ---------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", list(Compression), ids=lambda c: c.name.lower())
def test_patch_keeps_crc_valid(codec: Compression) -> None:
    raw = bytearray(simple_batch(5, codec))
    crc_before = RecordBatch(memoryview(raw)).crc
    patch_base_offset(raw, 123_456_789_012)
    patch_partition_leader_epoch(raw, 42)
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert batch.crc == crc_before
    assert batch.base_offset == 123_456_789_012
    assert batch.partition_leader_epoch == 42
    assert [r.offset for r in batch.records()] == [123_456_789_012 + i for i in range(5)]


def test_patch_at_position_in_writable_memoryview() -> None:
    blob, parts = _concatenation()
    buf = bytearray(blob)
    view = memoryview(buf)
    pos = len(parts[0]) + len(parts[1])
    patch_base_offset(view, 777, pos=pos)
    patch_partition_leader_epoch(view, 9, pos=pos)
    batches = list(iter_batches(view, allow_partial=False))
    for batch in batches:
        batch.validate()
    assert batches[2].base_offset == 777
    assert batches[2].partition_leader_epoch == 9
    assert [b.base_offset for b in batches[:2]] == [0, 10]
    assert batches[1].partition_leader_epoch == -1


def test_patch_needs_a_writable_buffer() -> None:
    with pytest.raises(TypeError):
        patch_base_offset(memoryview(simple_batch()), 1)


# -- records ----------------------------------------------------------------------------------

record_strategy = st.tuples(
    st.none() | st.binary(max_size=300),
    st.none() | st.binary(max_size=3000),
    st.lists(st.tuples(st.text(max_size=20), st.none() | st.binary(max_size=50)), max_size=4),
    st.integers(min_value=-(2**40), max_value=2**40),
)


@pytest.mark.parametrize("codec", list(Compression), ids=lambda c: c.name.lower())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(record_strategy, min_size=1, max_size=30),
    base_offset=st.integers(min_value=0, max_value=2**62),
    base_timestamp=st.integers(min_value=0, max_value=2**42),
    producer=st.tuples(
        st.integers(min_value=-1, max_value=2**63 - 1),
        st.integers(min_value=-1, max_value=32767),
        st.integers(min_value=-1, max_value=INT32_MAX),
    ),
    transactional=st.booleans(),
)
def test_round_trip(
    codec: Compression,
    records: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]], int]],
    base_offset: int,
    base_timestamp: int,
    producer: tuple[int, int, int],
    transactional: bool,
) -> None:
    producer_id, producer_epoch, base_sequence = producer
    builder = RecordBatchBuilder(
        compression=codec,
        base_offset=base_offset,
        partition_leader_epoch=7,
        producer_id=producer_id,
        producer_epoch=producer_epoch,
        base_sequence=base_sequence,
        is_transactional=transactional,
    )
    expected = []
    for i, (key, value, headers, ts_delta) in enumerate(records):
        timestamp = base_timestamp + ts_delta
        assert builder.append(value, key=key, headers=headers, timestamp_ms=timestamp) == i
        expected.append(Record(base_offset + i, timestamp, key, value, list(headers)))
    assert len(builder) == len(records)
    raw = builder.build()
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert batch.compression is codec
    assert batch.base_offset == base_offset
    assert batch.partition_leader_epoch == 7
    assert batch.records_count == len(records)
    assert batch.last_offset == base_offset + len(records) - 1
    assert batch.base_timestamp == expected[0].timestamp
    assert batch.max_timestamp == max(r.timestamp for r in expected)
    assert (batch.producer_id, batch.producer_epoch, batch.base_sequence) == producer
    assert batch.is_transactional is transactional
    assert not batch.is_control
    decoded = list(batch.records())
    assert decoded == expected
    assert [r.offset_delta for r in decoded] == list(range(len(records)))


def test_log_append_time_uses_max_timestamp() -> None:
    builder = RecordBatchBuilder(timestamp_type=TimestampType.LOG_APPEND_TIME)
    builder.append(b"a", timestamp_ms=10)
    builder.append(b"b", timestamp_ms=30)
    batch = RecordBatch(memoryview(builder.build()))
    assert batch.timestamp_type is TimestampType.LOG_APPEND_TIME
    assert [r.timestamp for r in batch.records()] == [30, 30]


def test_record_equality_and_repr() -> None:
    a = Record(1, 2, b"k", b"v", [("h", None)])
    assert a == Record(1, 2, b"k", b"v", [("h", None)], offset_delta=5)
    assert a != Record(1, 2, b"k", b"x", [("h", None)])
    assert a != "not a record"
    assert "offset=1" in repr(a)
    assert not hasattr(a, "__dict__")


def _raw_records(*bodies: bytes) -> bytes:
    return b"".join(encode_varint(len(body)) + body for body in bodies)


GOOD_BODY = (
    b"\x00"
    + encode_varint(0)
    + encode_varint(0)
    + encode_varint(-1)
    + encode_varint(1)
    + b"v"
    + encode_varint(0)
)

BAD_RECORDS: list[tuple[str, bytes, int, str]] = [
    ("truncated record", _raw_records(GOOD_BODY)[:-2], 1, "length|truncated"),
    ("trailing bytes", _raw_records(GOOD_BODY) + b"\x00", 1, "left after"),
    ("fewer records than count", _raw_records(GOOD_BODY), 2, "truncated"),
    ("length shorter than fields", encode_varint(3) + GOOD_BODY, 1, "declares|length"),
    (
        "length longer than fields",
        encode_varint(len(GOOD_BODY) + 1) + GOOD_BODY + b"\x00",
        1,
        "declares",
    ),
    ("negative length", encode_varint(-5) + GOOD_BODY, 1, "length"),
    (
        "key length -2",
        _raw_records(b"\x00\x00\x00" + encode_varint(-2) + encode_varint(-1) + b"\x00"),
        1,
        "key length",
    ),
    (
        "value length -3",
        _raw_records(b"\x00\x00\x00" + encode_varint(-1) + encode_varint(-3) + b"\x00"),
        1,
        "value length",
    ),
    (
        "negative header count",
        _raw_records(b"\x00\x00\x00" + encode_varint(-1) + encode_varint(-1) + encode_varint(-1)),
        1,
        "headers",
    ),
    (
        "null header key",
        _raw_records(
            b"\x00\x00\x00"
            + encode_varint(-1)
            + encode_varint(-1)
            + encode_varint(1)
            + encode_varint(-1)
            + encode_varint(-1)
        ),
        1,
        "header key",
    ),
    (
        "header key not utf-8",
        _raw_records(
            b"\x00\x00\x00"
            + encode_varint(-1)
            + encode_varint(-1)
            + encode_varint(1)
            + encode_varint(1)
            + b"\xff"
            + encode_varint(-1)
        ),
        1,
        "UTF-8",
    ),
    ("overlong varint", b"\xff" * 11, 1, "varint|truncated"),
]


@pytest.mark.parametrize(
    ("data", "count", "reason"),
    [case[1:] for case in BAD_RECORDS],
    ids=[case[0] for case in BAD_RECORDS],
)
def test_decode_records_rejects(data: bytes, count: int, reason: str) -> None:
    with pytest.raises(CorruptMessageError, match=reason):
        list(decode_records(data, count, base_offset=0, base_timestamp=0))


def test_records_rejects_lying_count_in_compressed_batch() -> None:
    raw = _lying_count(simple_batch(3, Compression.ZSTD))
    batch = RecordBatch(memoryview(raw))
    batch.validate()  # compressed: the count cannot be checked without decompressing
    with pytest.raises(CorruptMessageError, match="cannot hold"):
        batch.records()


def test_records_respects_decompression_cap() -> None:
    builder = RecordBatchBuilder(compression=Compression.ZSTD)
    builder.append(bytes(100_000), timestamp_ms=0)
    batch = RecordBatch(memoryview(builder.build()))
    with pytest.raises(CorruptMessageError, match="cap"):
        batch.records(max_decompressed_bytes=50_000)
    assert len(list(batch.records(max_decompressed_bytes=200_000))) == 1


def test_records_on_truncated_buffer() -> None:
    raw = simple_batch()
    with pytest.raises(CorruptMessageError, match="truncated"):
        RecordBatch(memoryview(raw[:-3])).records()


# -- varints ----------------------------------------------------------------------------------


def _reference_varint(value: int) -> bytes:
    zigzag = (value << 1) ^ (value >> 63)
    out = bytearray()
    while True:
        byte = zigzag & 0x7F
        zigzag >>= 7
        if zigzag:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (-1, b"\x01"),
        (1, b"\x02"),
        (-64, b"\x7f"),
        (64, b"\x80\x01"),
        (8191, b"\xfe\x7f"),
        (-8192, b"\xff\x7f"),
        (8192, b"\x80\x80\x01"),
        (INT64_MAX, b"\xfe" + b"\xff" * 8 + b"\x01"),
        (INT64_MIN, b"\xff" * 9 + b"\x01"),
    ],
)
def test_varint_vectors(value: int, encoded: bytes) -> None:
    assert encode_varint(value) == encoded
    assert read_varint(encoded, 0) == (value, len(encoded))


@given(st.integers(min_value=INT64_MIN, max_value=INT64_MAX))
def test_varint_round_trip(value: int) -> None:
    encoded = encode_varint(value)
    assert encoded == _reference_varint(value)
    assert read_varint(b"xx" + encoded, 2) == (value, 2 + len(encoded))


def test_varint_too_long() -> None:
    with pytest.raises(CorruptMessageError, match="ten bytes"):
        read_varint(b"\x80" * 10 + b"\x01", 0)


# -- builder ----------------------------------------------------------------------------------


def test_builder_len_size_and_deltas() -> None:
    builder = RecordBatchBuilder()
    assert len(builder) == 0
    assert builder.size_estimate == BATCH_HEADER_SIZE
    sizes = []
    for i in range(5):
        assert builder.append(b"x" * i, key=b"k", timestamp_ms=i) == i
        sizes.append(builder.size_estimate)
    assert len(builder) == 5
    assert sizes == sorted(sizes)
    assert len(builder.build()) == builder.size_estimate


def test_builder_refuses_empty_batch() -> None:
    with pytest.raises(ValueError, match="without records"):
        RecordBatchBuilder().build()


def test_builder_large_values_and_timestamp_spread() -> None:
    builder = RecordBatchBuilder(compression=Compression.LZ4)
    big = bytes(range(256)) * 1000
    builder.append(big, key=b"k" * 20_000, timestamp_ms=2**40)
    builder.append(None, headers=[("h", big[:10_000])], timestamp_ms=0)
    batch = RecordBatch(memoryview(builder.build()))
    batch.validate()
    first, second = batch.records()
    assert first.value == big and first.key == b"k" * 20_000
    assert second.timestamp == 0 and second.timestamp_delta == -(2**40)
    assert second.headers == [("h", big[:10_000])]
    assert batch.max_timestamp == 2**40


def test_builder_accepts_header_generators() -> None:
    builder = RecordBatchBuilder()
    builder.append(b"v", headers=(h for h in [("a", b"1")]), timestamp_ms=0)
    builder.append(b"v", headers=(h for h in list[tuple[str, bytes]]()), timestamp_ms=0)
    records = list(RecordBatch(memoryview(builder.build())).records())
    assert [r.headers for r in records] == [[("a", b"1")], []]


# -- control batches --------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [ControlRecordType.COMMIT, ControlRecordType.ABORT])
def test_control_batch_round_trip(marker: ControlRecordType) -> None:
    raw = build_control_batch(
        marker,
        producer_id=55,
        producer_epoch=6,
        coordinator_epoch=12,
        timestamp_ms=1234,
        base_offset=99,
        partition_leader_epoch=3,
    )
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert batch.is_control and batch.is_transactional
    assert (batch.producer_id, batch.producer_epoch) == (55, 6)
    assert (batch.base_offset, batch.partition_leader_epoch) == (99, 3)
    assert batch.base_sequence == -1
    assert batch.control_record() == ControlRecord(marker, 12)
    assert batch.control_record().type is marker


def test_control_batch_rejects_other_types() -> None:
    with pytest.raises(ValueError, match="COMMIT or ABORT"):
        build_control_batch(
            ControlRecordType.LEADER_CHANGE,
            producer_id=1,
            producer_epoch=0,
            coordinator_epoch=0,
            timestamp_ms=0,
        )


def test_control_record_of_data_batch_raises() -> None:
    with pytest.raises(CorruptMessageError, match="not a control batch"):
        RecordBatch(memoryview(simple_batch())).control_record()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (struct.pack(">hh", 0, 1), struct.pack(">hi", 0, 5), ControlRecord(1, 5)),
        (struct.pack(">hh", 0, 0), struct.pack(">hi", 0, -1), ControlRecord(0, -1)),
        (struct.pack(">hh", 0, 2), b"anything", ControlRecord(2, -1)),
        (struct.pack(">hh", 0, 99), None, ControlRecord(99, -1)),
    ],
)
def test_decode_control_record(key: bytes, value: bytes | None, expected: ControlRecord) -> None:
    assert decode_control_record(key, value) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (None, b""),
        (b"\x00", b""),
        (struct.pack(">hh", 0, 1), None),
        (struct.pack(">hh", 0, 0), b"\x00\x00"),
    ],
)
def test_decode_control_record_rejects(key: bytes | None, value: bytes | None) -> None:
    with pytest.raises(CorruptMessageError):
        decode_control_record(key, value)
