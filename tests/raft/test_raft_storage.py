"""``FileRaftStorage``: durable hard state, log and snapshot, and recovery after a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from broker.raft.core import HardState, Ready
from broker.raft.log import Entry, Snapshot
from broker.raft.storage import (
    HARD_STATE_FILE,
    LOG_FILE,
    SNAPSHOT_FILE,
    FileRaftStorage,
    RaftStorageError,
)


def ready(
    entries: tuple[Entry, ...] = (),
    hard_state: HardState | None = None,
    snapshot: Snapshot | None = None,
) -> Ready:
    return Ready(hard_state, entries, snapshot, (), ())


def ents(first: int, *terms: int) -> tuple[Entry, ...]:
    return tuple(Entry(first + n, t, b"data-%d" % (first + n)) for n, t in enumerate(terms))


def reopen(path: Path) -> FileRaftStorage:
    return FileRaftStorage.open(path)


def test_fresh_directory_is_empty(tmp_path: Path) -> None:
    state = FileRaftStorage.open(tmp_path).initial_state()
    assert state.hard_state == HardState() and state.snapshot is None and state.entries == ()


def test_round_trip(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 2), HardState(2, 3, 2)))
    store.persist(ready(ents(4, 2)))
    store.close()
    state = reopen(tmp_path).initial_state()
    assert state.hard_state == HardState(2, 3, 2)
    assert state.entries == ents(1, 1, 1, 2, 2)


def test_vote_none_round_trips(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(hard_state=HardState(7, None, 0)))
    store.close()
    assert reopen(tmp_path).initial_state().hard_state == HardState(7, None, 0)


def test_entries_replace_a_conflicting_suffix(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 1, 1)))
    store.persist(ready((Entry(3, 2, b"new"),)))
    store.close()
    state = reopen(tmp_path).initial_state()
    assert state.entries == (*ents(1, 1, 1), Entry(3, 2, b"new"))


def test_snapshot_drops_the_entries_it_covers(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 1, 2, 2)))
    store.persist(ready(snapshot=Snapshot(3, 1, b"state")))
    store.persist(ready(ents(6, 2)))
    store.close()
    state = reopen(tmp_path).initial_state()
    assert state.snapshot == Snapshot(3, 1, b"state")
    assert state.entries == ents(4, 2, 2, 2)


def test_a_snapshot_that_disagrees_with_the_log_replaces_it(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 1)))
    store.persist(ready(snapshot=Snapshot(9, 4, b"leader's")))
    store.persist(ready(ents(10, 4)))
    store.close()
    state = reopen(tmp_path).initial_state()
    assert state.snapshot == Snapshot(9, 4, b"leader's")
    assert state.entries == ents(10, 4)


def test_crash_between_snapshot_and_log_rewrite(tmp_path: Path) -> None:
    """The snapshot file was renamed into place, the log still holds covered entries."""
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 1, 1)))
    store.close()
    body_store = FileRaftStorage.open(tmp_path / "other")
    body_store.persist(ready(snapshot=Snapshot(2, 1, b"s")))
    body_store.close()
    os.replace(tmp_path / "other" / SNAPSHOT_FILE, tmp_path / SNAPSHOT_FILE)
    state = reopen(tmp_path).initial_state()
    assert state.snapshot == Snapshot(2, 1, b"s")
    assert [e.index for e in state.entries] == [3, 4]


@pytest.mark.parametrize("cut", [1, 4, 8, 12, 20, 27])
def test_torn_tail_is_cut_at_open(tmp_path: Path, cut: int) -> None:
    """A crash in the middle of the last append leaves part of a frame: it is cut off, and
    the store appends after it normally."""
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1)))
    store.persist(ready(ents(3, 1)))  # the append that will be torn
    store.close()
    log_path = tmp_path / LOG_FILE
    size = log_path.stat().st_size
    frame = 8 + 16 + len(b"data-3")
    os.truncate(log_path, size - frame + cut)
    store = reopen(tmp_path)
    assert store.initial_state().entries == ents(1, 1, 1)
    assert log_path.stat().st_size == size - frame
    store.persist(ready(ents(3, 2)))
    store.close()
    assert reopen(tmp_path).initial_state().entries == ents(1, 1, 1, 2)


def test_torn_tail_with_garbage_is_cut(tmp_path: Path) -> None:
    """The file grew to the frame's full length, but its bytes never all arrived."""
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1)))
    store.close()
    log_path = tmp_path / LOG_FILE
    data = bytearray(log_path.read_bytes())
    data[-3:] = b"\0\0\0"
    log_path.write_bytes(bytes(data))
    assert reopen(tmp_path).initial_state().entries == ents(1, 1)


def test_corruption_before_the_tail_refuses_to_open(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1, 1, 1)))
    store.close()
    log_path = tmp_path / LOG_FILE
    data = bytearray(log_path.read_bytes())
    data[28] ^= 0xFF  # in the first frame's data
    log_path.write_bytes(bytes(data))
    with pytest.raises(RaftStorageError, match="CRC"):
        reopen(tmp_path)


def test_bad_hard_state_refuses_to_open(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(hard_state=HardState(1, 1, 0)))
    store.close()
    path = tmp_path / HARD_STATE_FILE
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(RaftStorageError):
        reopen(tmp_path)


def test_leftover_temporary_file_is_ignored(tmp_path: Path) -> None:
    """A crash before the rename leaves ``*.tmp``: the old hard state is still the one."""
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(hard_state=HardState(1, 1, 0)))
    store.close()
    (tmp_path / (HARD_STATE_FILE + ".tmp")).write_bytes(b"half")
    assert reopen(tmp_path).initial_state().hard_state == HardState(1, 1, 0)


def test_commit_past_the_log_refuses_to_open(tmp_path: Path) -> None:
    store = FileRaftStorage.open(tmp_path)
    store.persist(ready(ents(1, 1), HardState(1, None, 1)))
    store.close()
    (tmp_path / LOG_FILE).write_bytes(b"")
    with pytest.raises(RaftStorageError, match="commit"):
        reopen(tmp_path)
