"""Produce validation record by record (``protocol.records.validate``), for both record walks.

Every poison batch is built with ``RecordBatchBuilder``, then its records section is replaced by
a crafted one (compressed when the case says so) and its length, counts and CRC-32C are fixed,
so that only the rule under test can refuse it. The same table runs against the compiled walk
(skipped only when the extension is not built) and the pure-Python one; hypothesis checks that
valid batches always pass and that both walks give the same verdict on random and mutated input.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.poison import TS, Raw, Rec, good, poison, section

from protocol.errors import CorruptMessageError, ErrorCode, InvalidRecordError, KafkaError
from protocol.records import (
    Compression,
    RecordBatch,
    RecordBatchBuilder,
    compress,
    decode_records,
    encode_varint,
)
from protocol.records import validate as validate_module
from protocol.records.recordcheck import check_records as python_check_records
from protocol.records.validate import (
    KEYLESS_ON_COMPACTED_MESSAGE,
    RecordError,
    RecordValidationError,
    validate_records,
)

CheckRecords = Callable[[bytes | bytearray | memoryview, int, int], tuple[int, str | None, int]]
c_check_records: CheckRecords | None
try:
    from protocol.records._recordcheck import check_records as c_check_records
except ImportError:  # pragma: no cover - the extension is built in this repository
    c_check_records = None

REPO = Path(__file__).resolve().parents[3]
INT64_MAX = (1 << 63) - 1

IMPLEMENTATIONS = [
    pytest.param(
        "c",
        marks=pytest.mark.skipif(c_check_records is None, reason="C extension not built"),
    ),
    "python",
]


@pytest.fixture(params=IMPLEMENTATIONS)
def impl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run validate_records with one record walk."""
    walk = c_check_records if request.param == "c" else python_check_records
    monkeypatch.setattr(validate_module, "check_records", walk)
    yield request.param


def verdict(
    raw: bytes, *, compacted: bool = False, max_decompressed_bytes: int | None = None
) -> KafkaError | None:
    batch = RecordBatch(raw)
    batch.validate_integrity()
    try:
        if max_decompressed_bytes is None:
            validate_records(batch, compacted=compacted)
        else:
            validate_records(
                batch, compacted=compacted, max_decompressed_bytes=max_decompressed_bytes
            )
    except KafkaError as exc:
        return exc
    return None


# -- the table -------------------------------------------------------------------------------

_BAD_UTF8 = [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"ab\xe2\x82"]


@dataclass
class Case:
    name: str
    batch: bytes
    code: ErrorCode
    message: str  # a fragment of the error message
    index: int | None  # the record error's batch_index; None: no record_errors
    compacted: bool = False


def _cases() -> list[Case]:
    g = good
    cases = [
        # record lengths and framing
        Case(
            "negative record length",
            poison(section(Rec(0, length=-5), *g(2)[1:]), 2),
            ErrorCode.INVALID_RECORD,
            "record 0 has length -5 but only",
            0,
        ),
        Case(
            "record length past the section",
            poison(section(*g(1), Rec(1, length=500)), 2),
            ErrorCode.INVALID_RECORD,
            "record 1 has length 500 but only",
            1,
        ),
        Case(
            "record length of zero",
            poison(section(*g(1)) + b"\x00", 2),
            ErrorCode.INVALID_RECORD,
            "record 1 is truncated in its attributes",
            1,
        ),
        Case(
            "length varint longer than 5 bytes",
            poison(b"\x80\x80\x80\x80\x80\x00" + b"\x00" * 10, 1),
            ErrorCode.INVALID_RECORD,
            "record 0: length varint longer than 5 bytes",
            0,
        ),
        Case(
            "length varint past int32",
            poison(b"\xff\xff\xff\xff\x7f" + b"\x00" * 10, 1),
            ErrorCode.INVALID_RECORD,
            "record 0: length varint overflows int32",
            0,
        ),
        Case(
            "length varint cut off by the section's end",
            poison(section(*g(1)) + b"\x80", 2),
            ErrorCode.INVALID_RECORD,
            "record 1 is truncated in its length",
            1,
        ),
        Case(
            "fields shorter than the record length",
            poison(section(Rec(0, extra=b"\x00\x00")), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has length",
            0,
        ),
        Case(
            "fields longer than the record length",
            poison(section(Rec(0, length=5), *g(2)[1:]), 2),
            ErrorCode.INVALID_RECORD,
            "record 0 is truncated in its",
            0,
        ),
        # counts
        Case(
            "fewer records than counted",
            poison(section(*g(2)), 3),
            ErrorCode.INVALID_RECORD,
            "records section holds 2 of the 3 records",
            None,
        ),
        Case(
            "bytes after the last record",
            poison(section(*g(2)) + b"\x00\x01\x02", 2),
            ErrorCode.INVALID_RECORD,
            "records section has 3 bytes after its 2 records",
            None,
        ),
        Case(
            "a whole record more than counted",
            poison(section(*g(3)), 2),
            ErrorCode.INVALID_RECORD,
            "bytes after its 2 records",
            None,
        ),
        Case(
            "records count 0",
            poison(b"", 0, last_offset_delta=-1),
            ErrorCode.INVALID_RECORD,
            "records count 0",
            None,
        ),
        Case(
            "records count negative",
            poison(section(*g(1)), -3, last_offset_delta=0),
            ErrorCode.INVALID_RECORD,
            "records count -3",
            None,
        ),
        Case(
            "records count against last offset delta",
            poison(section(*g(2)), 2, last_offset_delta=5),
            ErrorCode.INVALID_RECORD,
            "has 2 records but last offset delta 5",
            None,
        ),
        Case(
            "producer id with no sequence",
            poison(section(*g(1)), 1, producer_id=7, base_sequence=-1),
            ErrorCode.INVALID_RECORD,
            "producer id 7 has sequence number -1",
            None,
        ),
        # deltas
        Case(
            "offset delta out of order",
            poison(section(Rec(0), Rec(0)), 2),
            ErrorCode.INVALID_RECORD,
            "record 1 has offset delta 0, expected 1",
            1,
        ),
        Case(
            "offset delta varint past int32",
            poison(section(Rec(Raw(b"\x80\x80\x80\x80\x10"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0: offset delta varint overflows int32",
            0,
        ),
        Case(
            "timestamp delta overflows int64",
            poison(section(Rec(0, timestamp_delta=10)), 1, base_timestamp=INT64_MAX - 5),
            ErrorCode.INVALID_RECORD,
            "record 0 has timestamp delta 10, which overflows int64",
            0,
        ),
        Case(
            "timestamp delta below int64",
            poison(section(Rec(0, timestamp_delta=-(1 << 63))), 1, base_timestamp=-1),
            ErrorCode.INVALID_RECORD,
            "overflows int64",
            0,
        ),
        Case(
            "timestamp delta varint of 11 bytes",
            poison(section(Rec(0, timestamp_delta=Raw(b"\x80" * 10 + b"\x00"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0: timestamp delta varint longer than 10 bytes",
            0,
        ),
        Case(
            "timestamp delta varint past int64",
            poison(section(Rec(0, timestamp_delta=Raw(b"\x80" * 9 + b"\x02"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0: timestamp delta varint overflows int64",
            0,
        ),
        # keys and values
        Case(
            "key length -2",
            poison(section(*g(1), Rec(1, key=Raw(encode_varint(-2)))), 2),
            ErrorCode.INVALID_RECORD,
            "record 1 has key length -2",
            1,
        ),
        Case(
            "key past the record",
            poison(section(Rec(0, key=Raw(encode_varint(40) + b"abc"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has key length 40 but only",
            0,
        ),
        Case(
            "value length -3",
            poison(section(Rec(0, value=Raw(encode_varint(-3)))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has value length -3",
            0,
        ),
        Case(
            "value past the record",
            poison(section(Rec(0, value=Raw(encode_varint(1000) + b"xyz"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has value length 1000 but only",
            0,
        ),
        Case(
            "key length varint of 6 bytes",
            poison(section(Rec(0, key=Raw(b"\x81\x80\x80\x80\x80\x00"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0: key length varint longer than 5 bytes",
            0,
        ),
        # headers
        Case(
            "negative header count",
            poison(section(Rec(0, headers=Raw(encode_varint(-1)))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has header count -1",
            0,
        ),
        Case(
            "header count larger than the record",
            poison(section(Rec(0, headers=Raw(encode_varint(1_000_000) + b"\x02a\x00"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 is truncated in its header key length",
            0,
        ),
        Case(
            "negative header key length",
            poison(section(Rec(0, headers=[(Raw(encode_varint(-1)), b"v")])), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has header key length -1",
            0,
        ),
        Case(
            "header key past the record",
            poison(section(Rec(0, headers=Raw(b"\x02" + encode_varint(90) + b"ab"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has header key length 90 but only",
            0,
        ),
        Case(
            "header value length -2",
            poison(section(Rec(0, headers=Raw(b"\x02\x02h" + encode_varint(-2)))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has header value length -2",
            0,
        ),
        Case(
            "header value past the record",
            poison(section(Rec(0, headers=Raw(b"\x02\x02h" + encode_varint(77) + b"v"))), 1),
            ErrorCode.INVALID_RECORD,
            "record 0 has header value length 77 but only",
            0,
        ),
    ]
    for i, bad in enumerate(_BAD_UTF8):
        cases.append(
            Case(
                f"header key not UTF-8 ({i})",
                poison(section(*g(1), Rec(1, headers=[(b"ok", None), (bad, b"v")])), 2),
                ErrorCode.INVALID_RECORD,
                "record 1 has a header key that is not UTF-8",
                1,
            )
        )
    # compressed payloads (each with a correct CRC)
    for codec in (Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD):
        name = codec.name.lower()
        valid = compress(codec, section(*g(3)))
        cases.append(
            Case(
                f"{name} payload that does not decompress",
                poison(b"", 3, codec=codec, compressed=b"\x00garbage" * 8),
                ErrorCode.CORRUPT_MESSAGE,
                name,
                None,
            )
        )
        cases.append(
            Case(
                f"{name} payload cut short",
                poison(b"", 3, codec=codec, compressed=valid[: len(valid) // 2]),
                ErrorCode.CORRUPT_MESSAGE,
                name,
                None,
            )
        )
        cases.append(
            Case(
                f"{name} payload with bad records inside",
                poison(section(Rec(0), Rec(5)), 2, codec=codec),
                ErrorCode.INVALID_RECORD,
                "record 1 has offset delta 5, expected 1",
                1,
            )
        )
        cases.append(
            Case(
                f"{name} keyless records on a compacted topic",
                poison(section(Rec(0), Rec(1, key=None)), 2, codec=codec),
                ErrorCode.INVALID_RECORD,
                KEYLESS_ON_COMPACTED_MESSAGE,
                1,
                compacted=True,
            )
        )
    cases.append(
        Case(
            "keyless records on a compacted topic",
            poison(section(Rec(0, key=None), Rec(1), Rec(2, key=None)), 3),
            ErrorCode.INVALID_RECORD,
            f"{KEYLESS_ON_COMPACTED_MESSAGE}: record 0 and 1 more",
            0,
            compacted=True,
        )
    )
    cases.append(
        Case(
            "a framing problem wins over keyless records",
            poison(section(Rec(0, key=None), Rec(3)), 2),
            ErrorCode.INVALID_RECORD,
            "record 1 has offset delta 3",
            1,
            compacted=True,
        )
    )
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_poison_batch_is_refused(impl: str, case: Case) -> None:
    error = verdict(case.batch, compacted=case.compacted)
    assert error is not None, f"{case.name} was accepted"
    assert error.code == case.code, error
    assert error.message is not None and case.message in error.message, error.message
    record_errors = getattr(error, "record_errors", ())
    if case.index is None:
        assert record_errors == ()
    else:
        assert record_errors, "no record_errors"
        assert record_errors[0].batch_index == case.index
        assert isinstance(error, RecordValidationError)


def test_every_keyless_record_is_listed(impl: str) -> None:
    raw = poison(section(Rec(0, key=None), Rec(1), Rec(2, key=None), Rec(3, key=b"")), 4)
    error = verdict(raw, compacted=True)
    assert isinstance(error, RecordValidationError)
    assert error.record_errors == (
        RecordError(0, KEYLESS_ON_COMPACTED_MESSAGE),
        RecordError(2, KEYLESS_ON_COMPACTED_MESSAGE),
    )
    # An empty key is a key; without compaction keyless records are fine.
    assert verdict(raw, compacted=False) is None


def test_valid_batches_pass(impl: str) -> None:
    for codec in Compression:
        builder = RecordBatchBuilder(compression=codec, producer_id=3, base_sequence=0)
        for i in range(50):
            builder.append(
                b"v" * i,
                key=None if i % 7 == 0 else b"key-%d" % i,
                headers=[("trace-id", b"x"), ("é€😀", None)] if i % 3 == 0 else (),
                timestamp_ms=TS + i * 1000,
            )
        assert verdict(builder.build()) is None, codec


def test_decompression_cap_refuses_a_bomb(impl: str) -> None:
    records = section(*[Rec(i, value=b"\x00" * 10_000) for i in range(40)])
    for codec in (Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD):
        raw = poison(records, 40, codec=codec)
        assert verdict(raw) is None
        error = verdict(raw, max_decompressed_bytes=100_000)
        assert isinstance(error, CorruptMessageError), codec
        assert error.message is not None and "decompression cap" in error.message


def test_control_and_integrity_problems_are_not_this_layer() -> None:
    raw = bytearray(poison(section(*good(1)), 1))
    raw[-1] ^= 0xFF
    with pytest.raises(CorruptMessageError, match="CRC"):
        RecordBatch(bytes(raw)).validate_integrity()


def test_record_validation_error_pickles_with_its_records() -> None:
    error = RecordValidationError("m", (RecordError(3, "why"),), remote=True)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.record_errors == (RecordError(3, "why"),)
    assert copy.remote and copy.code == ErrorCode.INVALID_RECORD
    assert isinstance(copy, InvalidRecordError)


def test_pure_python_is_forced_by_the_environment() -> None:
    code = "from protocol.records import validate; print(validate.IMPLEMENTATION)"
    env = dict(os.environ, SAMSA_PURE_PYTHON="1")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True, timeout=30, cwd=REPO
    )
    assert out.stdout.strip() == b"python"
    env.pop("SAMSA_PURE_PYTHON")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True, timeout=30, cwd=REPO
    )
    assert out.stdout.strip() == (b"python" if c_check_records is None else b"c")


def test_the_c_extension_is_built_here() -> None:
    """This repository builds it (``pip install -e .``); a missing build is a failure here,
    not a silent fallback."""
    assert c_check_records is not None, "run: .venv/bin/pip install -e ."


# -- memory: a compression bomb cannot allocate past the cap ---------------------------------

_BOMB_PROBE = textwrap.dedent(
    """
    import resource, sys
    from protocol.errors import CorruptMessageError
    from protocol.records.compression import Compression, decompress
    bomb = sys.stdin.buffer.read()
    codec = Compression[sys.argv[1]]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        decompress(codec, bomb, max_bytes=int(sys.argv[2]))
    except CorruptMessageError:
        pass
    else:
        raise SystemExit("the bomb was decompressed")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """
)

_BOMB_BYTES = 256 << 20  # what each bomb expands to, 64 times the cap
_CAP_BYTES = 4 << 20


def _zstd_rle_bomb(total: int, window_log: int) -> bytes:
    """A hand-made zstd frame of RLE blocks (4 bytes per 128 KiB) declaring a window of
    2**window_log bytes and no content size: the most a decoder is asked to reserve."""
    block = 128 * 1024
    frame = bytearray(b"\x28\xb5\x2f\xfd")
    frame.append(0x00)  # no checksum, no content size, no dictionary, not single-segment
    frame.append((window_log - 10) << 3)
    blocks = total // block
    for i in range(blocks):
        last = 1 if i == blocks - 1 else 0
        header = last | (1 << 1) | (block << 3)  # block type 1: RLE
        frame += header.to_bytes(3, "little") + b"\x00"
    return bytes(frame)


def _bombs() -> Iterator[tuple[str, Compression, bytes]]:
    chunk = b"\x00" * (1 << 20)
    gz = zlib.compressobj(1, zlib.DEFLATED, 31)
    yield (
        "gzip",
        Compression.GZIP,
        b"".join([*(gz.compress(chunk) for _ in range(_BOMB_BYTES >> 20)), gz.flush()]),
    )
    import cramjam

    lz4 = cramjam.lz4.Compressor(block_linked=False, content_checksum=False)
    for _ in range(_BOMB_BYTES >> 20):
        lz4.compress(chunk)
    yield "lz4", Compression.LZ4, bytes(lz4.finish())
    zstd = cramjam.zstd.Compressor()
    for _ in range(_BOMB_BYTES >> 20):
        zstd.compress(chunk)
    yield "zstd", Compression.ZSTD, bytes(zstd.finish())
    yield "zstd, 128 MiB window", Compression.ZSTD, _zstd_rle_bomb(_BOMB_BYTES, 27)
    # snappy blocks state their size before any output: a bomb is refused before allocating.
    yield "xerial snappy", Compression.SNAPPY, compress(Compression.SNAPPY, b"\x00" * (8 << 20))


def test_bombs_do_not_allocate_past_the_cap() -> None:
    """Each codec's bomb (256 MiB of zeros, or 8 MiB for snappy) against a 4 MiB cap, each in a
    fresh interpreter: its peak resident memory grows by a small multiple of the cap."""
    for name, codec, bomb in _bombs():
        out = subprocess.run(
            [sys.executable, "-c", _BOMB_PROBE, codec.name, str(_CAP_BYTES)],
            input=bomb,
            capture_output=True,
            check=False,
            timeout=60,
            cwd=REPO,
        )
        assert out.returncode == 0, (name, out.stderr.decode()[-500:])
        grown_kib = int(out.stdout)
        # Output buffer and its copy (2 x 4 MiB) plus a codec's block buffers (lz4: 4 MiB).
        assert grown_kib * 1024 < 6 * _CAP_BYTES, f"{name}: grew {grown_kib} KiB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


# -- properties ------------------------------------------------------------------------------

_header_names = st.text(min_size=0, max_size=6)
_records = st.lists(
    st.tuples(
        st.one_of(st.none(), st.binary(max_size=20)),
        st.one_of(st.none(), st.binary(max_size=200)),
        st.lists(st.tuples(_header_names, st.one_of(st.none(), st.binary(max_size=8))), max_size=3),
        st.integers(min_value=-(10**12), max_value=10**12),
    ),
    min_size=1,
    max_size=30,
)


#: A drawn record: key, value, headers, timestamp (from TS).
Drawn = tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]], int]


def _built(records: list[Drawn], codec: Compression) -> bytes:
    builder = RecordBatchBuilder(compression=codec)
    for key, value, headers, ts in records:
        builder.append(value, key=key, headers=headers, timestamp_ms=TS + ts)
    return builder.build()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records, codec=st.sampled_from(list(Compression)))
def test_builder_batches_always_pass(records: list[Drawn], codec: Compression) -> None:
    raw = _built(records, codec)
    batch = RecordBatch(raw)
    batch.validate_integrity()
    data = batch.payload()
    if codec != Compression.NONE:
        from protocol.records import decompress

        data = memoryview(decompress(codec, data))
    expected_keyless = next((i for i, r in enumerate(records) if r[0] is None), -1)
    for walk in (python_check_records, c_check_records):
        if walk is None:
            continue
        assert walk(data, len(records), batch.base_timestamp) == (-1, None, expected_keyless)
    validate_records(batch, compacted=False)


_mutation = st.tuples(
    st.sampled_from(["flip", "set", "insert", "delete", "truncate", "splice"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=255),
    st.binary(min_size=1, max_size=12),
)


def _mutate(data: bytes, mutations: list[tuple[str, int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, at, byte, blob in mutations:
        pos = at % (len(out) + 1)
        if kind == "flip" and out:
            out[pos % len(out)] ^= 1 << (byte % 8)
        elif kind == "set" and out:
            out[pos % len(out)] = byte
        elif kind == "insert":
            out[pos:pos] = bytes([byte])
        elif kind == "delete" and out:
            del out[pos % len(out)]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "splice":
            out[pos : pos + len(blob)] = blob
    return bytes(out)


def _same_verdict(data: bytes, count: int, base_timestamp: int) -> tuple[int, str | None, int]:
    expected = python_check_records(data, count, base_timestamp)
    if c_check_records is not None:
        assert c_check_records(data, count, base_timestamp) == expected
        assert c_check_records(memoryview(data), count, base_timestamp) == expected
        assert c_check_records(bytearray(data), count, base_timestamp) == expected
    return expected


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=_records,
    mutations=st.lists(_mutation, min_size=1, max_size=4),
    count_change=st.sampled_from([0, 0, 0, -1, 1, 5]),
    base_timestamp=st.sampled_from([TS, 0, -1, INT64_MAX, -(1 << 63), INT64_MAX - 10]),
)
def test_mutated_batches_get_the_same_verdict_from_both_walks(
    records: list[Drawn],
    mutations: list[tuple[str, int, int, bytes]],
    count_change: int,
    base_timestamp: int,
) -> None:
    data = _built(records, Compression.NONE)[61:]
    mutated = _mutate(data, mutations)
    count = max(0, len(records) + count_change)
    index, problem, _first_keyless = _same_verdict(mutated, count, base_timestamp)
    if problem is None:
        # What the walk accepts, Samsa's reader (the cleaner's and the client's) can decode.
        decoded = list(decode_records(mutated, count, base_offset=0, base_timestamp=0))
        assert [r.offset_delta for r in decoded] == list(range(count))
    else:
        assert -1 <= index < max(count, 1)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=300),
    count=st.integers(min_value=0, max_value=40),
    base_timestamp=st.integers(min_value=-(1 << 63), max_value=INT64_MAX),
)
def test_random_bytes_get_the_same_verdict_from_both_walks(
    data: bytes, count: int, base_timestamp: int
) -> None:
    _same_verdict(data, count, base_timestamp)


@settings(max_examples=1500, deadline=None)
@given(name=st.binary(max_size=12))
def test_header_keys_are_utf8_exactly_as_python_decodes(name: bytes) -> None:
    data = Rec(0, headers=[(name, b"v")]).encode()
    try:
        name.decode()
        valid = True
    except UnicodeDecodeError:
        valid = False
    _index, problem, _ = _same_verdict(data, 1, TS)
    assert (problem is None) == valid, (name, problem)


@settings(max_examples=300, deadline=None)
@given(
    value=st.integers(min_value=-(1 << 70), max_value=1 << 70),
    pad=st.integers(min_value=0, max_value=6),
)
def test_varint_limits_agree(value: int, pad: int) -> None:
    """Any encoding of the offset delta and the timestamp delta, padded with non-minimal
    continuation bytes: both walks take or refuse it alike."""
    raw = bytearray(encode_varint(value))
    if pad:
        raw[-1] |= 0x80
        raw += b"\x80" * (pad - 1) + b"\x00"
    assume(len(raw) <= 14)
    for rec in (Rec(Raw(bytes(raw))), Rec(0, timestamp_delta=Raw(bytes(raw)))):
        _same_verdict(rec.encode(), 1, 0)


def test_count_must_not_be_negative() -> None:
    for walk in (python_check_records, c_check_records):
        if walk is not None:
            with pytest.raises(ValueError):
                walk(b"", -1, 0)
            with pytest.raises(OverflowError):
                walk(b"", 0, 1 << 63)
