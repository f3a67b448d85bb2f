"""Record batches interoperate with real Kafka clients' codecs: kafka-python 3 and aiokafka.

Both directions, every codec: batches the clients build parse, validate and decode in Samsa to
the same records; batches Samsa builds are read back by the clients' own readers.

kafka-python only finds snappy/lz4/zstd when python-snappy, lz4 and zstandard are installed,
and they are not test dependencies. The ``kafka_python_codecs`` fixture plugs cramjam into
kafka-python's codec hooks: its own xerial framing code still runs (only the raw snappy block
function is swapped), while for lz4 and zstd the compressed bytes come from cramjam and what
kafka-python contributes is the batch framing around them.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

import cramjam
import pytest

from protocol.records import (
    Compression,
    ControlRecordType,
    RecordBatch,
    RecordBatchBuilder,
    build_control_batch,
    iter_batches,
    patch_base_offset,
)
from protocol.records.compression import XERIAL_MAGIC

kafka_default_records = pytest.importorskip("kafka.record.default_records")
kafka_memory_records = pytest.importorskip("kafka.record.memory_records")
kafka_codec = pytest.importorskip("kafka.codec")
aiokafka_default_records = pytest.importorskip("aiokafka.record.default_records")
aiokafka_memory_records = pytest.importorskip("aiokafka.record.memory_records")
aiokafka_codec = pytest.importorskip("aiokafka.codec")

ALL_CODECS = list(Compression)

# (key, value, headers, timestamp offset from BASE_TS); values compress well so that the
# clients, which fall back to no compression when it does not pay, really compress.
BASE_TS = 1_700_000_000_000
SAMPLE_RECORDS: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]], int]] = [
    (b"key-0", b"value " * 50, [], 0),
    (None, b"no key here " * 30, [("h1", b"v1"), ("h2", None)], 5),
    (b"key-2", None, [("trace-id", b"abc" * 10)], -3),
    (b"", b"", [("empty", b"")], 1000),
    *[(f"k{i}".encode(), f"payload {i} ".encode() * 20, [], i) for i in range(4, 40)],
]


class _SnappyShim:
    """The two functions kafka-python calls on the python-snappy module."""

    @staticmethod
    def compress(data: bytes) -> bytes:
        return bytes(cramjam.snappy.compress_raw(data))

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return bytes(cramjam.snappy.decompress_raw(data))


def _lz4_encode(data: bytes) -> bytes:
    compressor = cramjam.lz4.Compressor(block_linked=False, content_checksum=False)
    compressor.compress(data)
    return bytes(compressor.finish())


@pytest.fixture
def kafka_python_codecs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give kafka-python working snappy/lz4/zstd codecs backed by cramjam."""
    monkeypatch.setattr(kafka_codec, "snappy", _SnappyShim)
    monkeypatch.setattr(kafka_codec, "lz4", True)
    monkeypatch.setattr(kafka_codec, "zstd", True)
    monkeypatch.setattr(kafka_default_records, "lz4_encode", _lz4_encode)
    monkeypatch.setattr(
        kafka_default_records, "lz4_decode", lambda d: bytes(cramjam.lz4.decompress(d))
    )
    monkeypatch.setattr(
        kafka_default_records, "zstd_encode", lambda d: bytes(cramjam.zstd.compress(d))
    )
    monkeypatch.setattr(
        kafka_default_records, "zstd_decode", lambda d: bytes(cramjam.zstd.decompress(d))
    )


def _expected(base_offset: int = 0) -> list[tuple[Any, ...]]:
    return [
        (base_offset + i, BASE_TS + ts, key, value, headers)
        for i, (key, value, headers, ts) in enumerate(SAMPLE_RECORDS)
    ]


def _samsa_records(batch: RecordBatch) -> list[tuple[Any, ...]]:
    return [(r.offset, r.timestamp, r.key, r.value, r.headers) for r in batch.records()]


def _client_records(batch: Any) -> list[tuple[Any, ...]]:
    return [(r.offset, r.timestamp, r.key, r.value, [(k, v) for k, v in r.headers]) for r in batch]


def _build_with_client(builder_cls: Any, codec: Compression, **producer: Any) -> bytes:
    builder = builder_cls(
        magic=2,
        compression_type=int(codec),
        is_transactional=producer.get("is_transactional", 0),
        producer_id=producer.get("producer_id", -1),
        producer_epoch=producer.get("producer_epoch", -1),
        base_sequence=producer.get("base_sequence", -1),
        batch_size=1 << 20,
    )
    for offset, (key, value, headers, ts) in enumerate(SAMPLE_RECORDS):
        builder.append(offset, timestamp=BASE_TS + ts, key=key, value=value, headers=headers)
    return bytes(builder.build())


def _build_with_samsa(codec: Compression, base_offset: int = 0) -> bytes:
    builder = RecordBatchBuilder(
        compression=codec,
        base_offset=base_offset,
        producer_id=4242,
        producer_epoch=3,
        base_sequence=17,
    )
    for key, value, headers, ts in SAMPLE_RECORDS:
        builder.append(value, key=key, headers=headers, timestamp_ms=BASE_TS + ts)
    return builder.build()


def _check_samsa_reads(raw: bytes, codec: Compression) -> RecordBatch:
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert batch.compression is codec
    assert batch.records_count == len(SAMPLE_RECORDS)
    assert batch.last_offset_delta == len(SAMPLE_RECORDS) - 1
    assert batch.base_timestamp == BASE_TS + SAMPLE_RECORDS[0][3]
    assert batch.max_timestamp == BASE_TS + max(ts for *_, ts in SAMPLE_RECORDS)
    assert _samsa_records(batch) == _expected()
    return batch


# -- client builds, Samsa reads -------------------------------------------------------------

CLIENT_BUILDERS: dict[str, Callable[[], Any]] = {
    "kafka-python": lambda: kafka_default_records.DefaultRecordBatchBuilder,
    "aiokafka": lambda: aiokafka_default_records.DefaultRecordBatchBuilder,
    "aiokafka-py": lambda: aiokafka_default_records._DefaultRecordBatchBuilderPy,
}


@pytest.mark.usefixtures("kafka_python_codecs")
@pytest.mark.parametrize("client", list(CLIENT_BUILDERS))
@pytest.mark.parametrize("codec", ALL_CODECS, ids=lambda c: c.name.lower())
def test_client_built_batches_parse_in_samsa(client: str, codec: Compression) -> None:
    raw = _build_with_client(
        CLIENT_BUILDERS[client](), codec, producer_id=99, producer_epoch=1, base_sequence=5
    )
    batch = _check_samsa_reads(raw, codec)
    assert (batch.producer_id, batch.producer_epoch, batch.base_sequence) == (99, 1, 5)
    assert batch.last_sequence == 5 + len(SAMPLE_RECORDS) - 1


@pytest.mark.usefixtures("kafka_python_codecs")
@pytest.mark.parametrize("codec", ALL_CODECS, ids=lambda c: c.name.lower())
def test_kafka_python_memory_records_builder(codec: Compression) -> None:
    builder = kafka_memory_records.MemoryRecordsBuilder(
        magic=2, compression_type=int(codec), batch_size=1 << 20
    )
    for key, value, headers, ts in SAMPLE_RECORDS:
        builder.append(timestamp=BASE_TS + ts, key=key, value=value, headers=headers)
    builder.close()
    raw = bytes(builder.buffer())
    (batch,) = list(iter_batches(memoryview(raw), allow_partial=False))
    batch.validate()
    assert _samsa_records(batch) == _expected()


@pytest.mark.usefixtures("kafka_python_codecs")
def test_kafka_python_writes_xerial_snappy_which_samsa_reads() -> None:
    raw = _build_with_client(kafka_default_records.DefaultRecordBatchBuilder, Compression.SNAPPY)
    batch = RecordBatch(memoryview(raw))
    assert bytes(batch.payload()[: len(XERIAL_MAGIC)]) == XERIAL_MAGIC
    _check_samsa_reads(raw, Compression.SNAPPY)


@pytest.mark.parametrize("xerial", [True, False], ids=["xerial", "raw"])
def test_aiokafka_snappy_framings_parse_in_samsa(
    monkeypatch: pytest.MonkeyPatch, xerial: bool
) -> None:
    real_encode = aiokafka_codec.snappy_encode
    monkeypatch.setattr(
        aiokafka_default_records,
        "snappy_encode",
        lambda data: real_encode(data, xerial_compatible=xerial),
    )
    raw = _build_with_client(
        aiokafka_default_records._DefaultRecordBatchBuilderPy, Compression.SNAPPY
    )
    payload = RecordBatch(memoryview(raw)).payload()
    assert (bytes(payload[: len(XERIAL_MAGIC)]) == XERIAL_MAGIC) is xerial
    _check_samsa_reads(raw, Compression.SNAPPY)


@pytest.mark.usefixtures("kafka_python_codecs")
@pytest.mark.parametrize("client", ["kafka-python", "aiokafka"])
def test_client_transactional_batch_flags(client: str) -> None:
    raw = _build_with_client(
        CLIENT_BUILDERS[client](),
        Compression.NONE,
        is_transactional=1,
        producer_id=7,
        producer_epoch=2,
        base_sequence=0,
    )
    batch = RecordBatch(memoryview(raw))
    batch.validate()
    assert batch.is_transactional
    assert not batch.is_control


# -- Samsa builds, clients read -------------------------------------------------------------


def _client_batches(reader: str, raw: bytes) -> Iterator[Any]:
    if reader == "kafka-python":
        records = kafka_memory_records.MemoryRecords(raw)
    elif reader == "aiokafka":
        records = aiokafka_memory_records.MemoryRecords(raw)
    else:
        records = aiokafka_memory_records._MemoryRecordsPy(raw)
    while records.has_next():
        batch = records.next_batch()
        if batch is None:
            break
        yield batch


@pytest.mark.usefixtures("kafka_python_codecs")
@pytest.mark.parametrize("reader", ["kafka-python", "aiokafka", "aiokafka-py"])
@pytest.mark.parametrize("codec", ALL_CODECS, ids=lambda c: c.name.lower())
def test_samsa_built_batches_parse_in_clients(reader: str, codec: Compression) -> None:
    first = _build_with_samsa(codec, base_offset=0)
    second = bytearray(_build_with_samsa(codec, base_offset=0))
    patch_base_offset(second, len(SAMPLE_RECORDS))
    raw = first + bytes(second)
    batches = list(_client_batches(reader, raw))
    assert len(batches) == 2
    for index, batch in enumerate(batches):
        assert batch.validate_crc()
        assert batch.compression_type == int(codec)
        assert batch.producer_id == 4242
        assert batch.producer_epoch == 3
        assert batch.base_sequence == 17
        assert _client_records(batch) == _expected(index * len(SAMPLE_RECORDS))


@pytest.mark.parametrize("reader", ["kafka-python", "aiokafka"])
@pytest.mark.parametrize("marker", [ControlRecordType.COMMIT, ControlRecordType.ABORT])
def test_samsa_control_batches_parse_in_clients(reader: str, marker: ControlRecordType) -> None:
    raw = build_control_batch(
        marker, producer_id=11, producer_epoch=4, coordinator_epoch=9, timestamp_ms=BASE_TS
    )
    (batch,) = list(_client_batches(reader, raw))
    assert batch.validate_crc()
    assert batch.is_control_batch
    assert batch.is_transactional
    if reader == "kafka-python":
        (record,) = list(batch)
        assert record.type == int(marker)
    else:
        # aiokafka yields control records as plain records; decode the key ourselves.
        (record,) = list(batch)
        assert struct.unpack(">hh", record.key) == (0, int(marker))
        assert struct.unpack(">hi", record.value) == (0, 9)


@pytest.mark.usefixtures("kafka_python_codecs")
@pytest.mark.parametrize("codec", ALL_CODECS, ids=lambda c: c.name.lower())
def test_samsa_batches_match_client_batches_record_for_record(codec: Compression) -> None:
    """Samsa and both clients agree on the records of each other's batches, per codec."""
    ours = RecordBatch(memoryview(_build_with_samsa(codec)))
    theirs = RecordBatch(
        memoryview(_build_with_client(aiokafka_default_records.DefaultRecordBatchBuilder, codec))
    )
    assert _samsa_records(ours) == _samsa_records(theirs)
