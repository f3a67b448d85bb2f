"""``RaftLog``: the in-memory log the core works on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.raft.log import Entry, LogError, RaftLog


def _entries(*terms: int, start: int = 1) -> list[Entry]:
    return [Entry(start + n, t, b"x" * (start + n)) for n, t in enumerate(terms)]


def test_empty_log_has_the_sentinel() -> None:
    log = RaftLog()
    assert (log.last_index, log.last_term, log.first_index) == (0, 0, 1)
    assert log.term_at(0) == 0 and log.term_at(1) is None


def test_append_term_at_and_slice() -> None:
    log = RaftLog(_entries(1, 1, 2))
    assert (log.last_index, log.last_term) == (3, 2)
    assert [log.term_at(i) for i in range(5)] == [0, 1, 1, 2, None]
    assert [e.index for e in log.slice(2, 10)] == [2, 3]
    assert log.slice(4, 10) == []
    assert log.entry(3).term == 2


def test_slice_is_cut_by_bytes_but_returns_at_least_one() -> None:
    log = RaftLog(_entries(1, 1, 1))  # 1, 2 and 3 bytes of data
    assert [e.index for e in log.slice(1, 4, max_bytes=3)] == [1, 2]
    assert [e.index for e in log.slice(3, 4, max_bytes=1)] == [3]


def test_append_refuses_gaps_and_falling_terms() -> None:
    log = RaftLog(_entries(2))
    with pytest.raises(LogError):
        log.append([Entry(3, 2, b"")])
    with pytest.raises(LogError):
        log.append([Entry(2, 1, b"")])


def test_truncate_then_append() -> None:
    log = RaftLog(_entries(1, 1, 1))
    log.truncate_from(2)
    log.append([Entry(2, 3, b"y")])
    assert [log.term_at(i) for i in (1, 2, 3)] == [1, 3, None]


def test_compact_keeps_the_base_term() -> None:
    log = RaftLog(_entries(1, 2, 3))
    log.compact(2)
    assert (log.snapshot_index, log.snapshot_term, log.first_index) == (2, 2, 3)
    assert log.term_at(1) is None and log.term_at(2) == 2 and log.term_at(3) == 3
    with pytest.raises(LogError):
        log.truncate_from(2)
    with pytest.raises(LogError):
        log.entry(2)
    log.compact(1)  # already compacted: nothing to do
    assert log.snapshot_index == 2


def test_restore_discards_everything() -> None:
    log = RaftLog(_entries(1, 2, 3))
    log.restore(10, 4)
    assert (log.last_index, log.last_term, log.snapshot_index) == (10, 4, 10)
    log.append([Entry(11, 4, b"")])
    assert log.last_index == 11


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["append", "truncate", "compact"]), st.integers(0, 6)),
        max_size=40,
    )
)
def test_log_matches_a_plain_list(ops: list[tuple[str, int]]) -> None:
    """Random appends, truncations and compactions agree with a list-of-terms model."""
    log = RaftLog()
    model: list[int] = []  # term of index i + 1
    base = 0
    for op, arg in ops:
        if op == "append":
            term = max(model[-1] if model else 0, arg)
            log.append([Entry(len(model) + 1, term, b"")])
            model.append(term)
        elif op == "truncate" and base < arg + 1 <= len(model):
            log.truncate_from(arg + 1)
            del model[arg:]
        elif op == "compact" and base < arg <= len(model):
            log.compact(arg)
            base = arg
        assert log.last_index == len(model)
        assert log.snapshot_index == base
        for i in range(base, len(model) + 1):
            assert log.term_at(i) == (model[i - 1] if i else 0)
        assert log.term_at(base - 1) is None or base == 0
