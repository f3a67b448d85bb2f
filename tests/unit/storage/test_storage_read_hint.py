"""A segment remembers where its last read ended (``read_hint``) so that a consumer's next read
walks from there instead of from the sparse index: reads with the hint answer exactly as
reads without it, whatever appends, reads and truncations came before."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unit.storage.storage_test_helpers import TP, build_batch

from broker.storage import FilePool, LogConfig, PartitionLog

pytestmark = pytest.mark.timeout(120)

#: Small segments and a sparse index: reads cross segments and land between index entries.
CONFIG = LogConfig(index_interval_bytes=300, segment_bytes=2_000)

_append = st.tuples(st.just("append"), st.integers(1, 4), st.integers(1, 60), st.just(0))
#: A read from an offset, with a bound (0: none; else that many offsets past the start).
_read = st.tuples(
    st.just("read"), st.integers(0, 10_000), st.integers(1, 1_500), st.integers(0, 40)
)
_next = st.tuples(st.just("next"), st.integers(1, 1_500), st.integers(0, 40), st.just(0))
_truncate = st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0), st.just(0))
#: A read from the furthest offset any read reached (a consumer that was ahead of a truncation).
_furthest = st.tuples(st.just("furthest"), st.integers(1, 1_500), st.just(0), st.just(0))
#: What a read gives: its bytes, first offset and next offset.
_Answer = tuple[bytes, int, int]
#: Appends and reads weigh more than truncations: a read needs batches before it to matter.
_operations = st.lists(
    st.one_of(_append, _append, _read, _read, _next, _truncate, _furthest),
    min_size=20,
    max_size=80,
)


def _answer(log: PartitionLog, offset: int, max_bytes: int, max_offset: int | None) -> _Answer:
    with log.read(offset, max_bytes, max_offset=max_offset) as s:
        return s.read_bytes(), s.first_offset, s.next_offset


def _without_hints(
    log: PartitionLog, offset: int, max_bytes: int, max_offset: int | None
) -> _Answer:
    """The general path: every segment walks from its sparse index and translates the bound
    ``max_offset`` as if its end were unknown (hints and ends put back after)."""
    saved = [(seg, seg.read_hint, seg._next_offset) for seg in log.segments]
    for seg, _, _ in saved:
        seg.read_hint = None
        seg._next_offset = None
    try:
        return _answer(log, offset, max_bytes, max_offset)
    finally:
        for seg, hint, next_offset in saved:
            seg.read_hint = hint
            seg._next_offset = next_offset


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=_operations)
def test_reads_with_the_hint_answer_as_reads_without_it(
    operations: list[tuple[str, int, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pool = FilePool(16)
        log = PartitionLog.open(Path(tmp) / "orders-0", TP, CONFIG, pool=pool, now_ms=0, clean=True)
        try:
            position = 0  # a consumer's position: "next" reads from it
            furthest = 0
            for kind, a, b, c in operations:
                end = log.log_end_offset
                if kind == "append":
                    values = [b"v" * b] * a
                    log.append_as_leader(build_batch(values), leader_epoch=0, now_ms=0)
                    continue
                if kind == "truncate":
                    log.truncate_to(a % (end + 1))
                    position = min(position, log.log_end_offset)
                    continue
                if kind == "read":
                    offset, max_bytes = a % (end + 1), b
                    max_offset = None if c == 0 else min(end, offset + c)
                elif kind == "furthest":
                    offset, max_bytes, max_offset = min(furthest, end), a, None
                else:
                    offset, max_bytes = min(position, end), a
                    max_offset = None if b == 0 else max(offset, end - b + 1)
                expected = _without_hints(log, offset, max_bytes, max_offset)
                got = _answer(log, offset, max_bytes, max_offset)
                assert got == expected, (kind, offset, max_bytes, max_offset)
                position = got[2]
                furthest = max(furthest, position)
        finally:
            log.close()
            pool.close_all()


def test_a_sequential_reader_starts_where_its_last_read_ended(tmp_path: Path) -> None:
    pool = FilePool(16)
    log = PartitionLog.open(
        tmp_path / "orders-0",
        TP,
        LogConfig(index_interval_bytes=4096),
        pool=pool,
        now_ms=0,
        clean=True,
    )
    try:
        for i in range(50):
            log.append_as_leader(build_batch([b"%03d" % i]), leader_epoch=0, now_ms=0)
        [segment] = log.segments
        offset = 0
        while offset < log.log_end_offset:
            with log.read(offset, 1) as s:  # one batch per read
                assert s.first_offset == offset
                offset = s.next_offset
            assert segment.read_hint is not None and segment.read_hint[0] == offset
        assert offset == 50
        log.truncate_to(10)
        assert segment.read_hint is None  # the bytes it pointed past are gone
        with log.read(5, 1) as s:
            assert (s.first_offset, s.next_offset) == (5, 6)
        for i in range(50):  # other sizes: the old positions are no longer batch starts
            log.append_as_leader(build_batch([b"%05d" % i, b"x"]), leader_epoch=0, now_ms=0)
        assert _answer(log, 50, 1, None) == _without_hints(log, 50, 1, None)
    finally:
        log.close()
        pool.close_all()
