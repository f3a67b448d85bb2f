"""``FileRaftStorage``: a voter's durable Raft state in one directory.

- ``raft-hard-state``: term, vote and commit index, replaced atomically (write a temporary
  file, fsync it, rename it over the old one, fsync the directory).
- ``raft.log``: the entries after the snapshot, append-only, each framed as
  ``length u32 | crc32c u32 | index u64 | term u64 | data`` (length covers index, term and data;
  the CRC-32C covers the same bytes). A follower's conflicting suffix is cut with ftruncate.
- ``raft.snapshot``: the latest snapshot (``crc32c u32 | index u64 | term u64 | data``), replaced
  atomically; after it is written the log is rewritten without the entries it covers.

At open a torn tail of the log (a last frame cut short or failing its CRC, left by a crash
during an append that was never acknowledged) is cut off. A bad frame followed by more data,
or a bad hard-state or snapshot file (both are only ever renamed into place whole), is
corruption: the store refuses to open rather than guess.

``persist`` blocks (it fsyncs); an asyncio driver calls it in a worker thread.
"""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path
from typing import Final, Protocol

import crc32c

from broker.raft.core import HardState, PersistentState, Ready
from broker.raft.log import Entry, Snapshot

__all__ = [
    "HARD_STATE_FILE",
    "LOG_FILE",
    "SNAPSHOT_FILE",
    "FileRaftStorage",
    "RaftStorage",
    "RaftStorageError",
]

log = logging.getLogger("samsa.raft")

HARD_STATE_FILE: Final = "raft-hard-state"
LOG_FILE: Final = "raft.log"
SNAPSHOT_FILE: Final = "raft.snapshot"

_FRAME_HEADER: Final = struct.Struct(">II")  # length, crc32c
_ENTRY_HEADER: Final = struct.Struct(">QQ")  # index, term
_HARD_STATE: Final = struct.Struct(">IQqQ")  # crc32c, term, vote (-1: none), commit
_SNAPSHOT_HEADER: Final = struct.Struct(">IQQ")  # crc32c, index, term
# Largest frame accepted when reading the log back: a length beyond it is a torn or corrupt
# header, not an entry (entries are bounded by RaftConfig.max_entry_bytes: far below in a
# cluster; a single node's may be as large as a metadata batch, 64 MiB).
MAX_FRAME_BYTES: Final = 64 * 1024 * 1024 + _ENTRY_HEADER.size


class RaftStorageError(RuntimeError):
    """The Raft state on disk is corrupt or cannot be written."""


class RaftStorage(Protocol):
    """Where a ``RaftNode`` keeps its durable state."""

    def initial_state(self) -> PersistentState:
        """What was durable when the store was opened."""
        ...

    def persist(self, ready: Ready) -> None:
        """Make the Ready's snapshot, entries and hard state durable (blocking)."""
        ...

    def close(self) -> None:
        """Release file handles."""
        ...


def _frame(entry: Entry) -> bytes:
    body = _ENTRY_HEADER.pack(entry.index, entry.term) + entry.data
    return _FRAME_HEADER.pack(len(body), crc32c.crc32c(body)) + body


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(directory: Path, name: str, data: bytes) -> None:
    tmp = directory / (name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, directory / name)
    _fsync_dir(directory)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


class FileRaftStorage:
    """The file-backed store of one voter (see the module docstring for the layout)."""

    def __init__(self, directory: Path) -> None:
        """Use ``open`` (it reads and repairs the directory first)."""
        self.directory = directory
        self._hard_state = HardState()
        self._snapshot: Snapshot | None = None
        self._entries: list[Entry] = []  # as loaded; handed out once by initial_state
        self._offsets: list[int] = []  # file position of each stored entry's frame
        self._terms: list[int] = []  # term of each stored entry
        self._first_index = 1  # index of the first stored entry
        self._size = 0
        self._fd = -1

    @classmethod
    def open(cls, directory: Path) -> FileRaftStorage:
        """Open (creating) the store and read it back, cutting a torn tail."""
        directory.mkdir(parents=True, exist_ok=True)
        store = cls(directory)
        store._load()
        return store

    # ----------------------------------------------------------------- reading

    def _load(self) -> None:
        self._hard_state = self._load_hard_state()
        self._snapshot = self._load_snapshot()
        path = self.directory / LOG_FILE
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            data = os.pread(self._fd, os.fstat(self._fd).st_size, 0)
            entries, good = self._parse_log(data)
            if good < len(data):
                log.warning(
                    "raft log %s: cutting a torn tail of %d bytes at position %d",
                    path,
                    len(data) - good,
                    good,
                )
                os.ftruncate(self._fd, good)
                os.fsync(self._fd)
            self._size = good
            self._set_index(entries)
            snap = self._snapshot
            if snap is not None and entries and entries[0].index <= snap.index + 1:
                kept = self._after_snapshot(entries, snap)
                if len(kept) != len(entries):
                    self._rewrite(kept)
                entries = kept
            elif snap is not None and entries:
                self._rewrite([])  # the log does not reach the snapshot: it is stale
                entries = []
            base = snap.index if snap is not None else 0
            if self._hard_state.commit > (entries[-1].index if entries else base):
                raise RaftStorageError(
                    f"{self.directory}: commit index {self._hard_state.commit} is past the log"
                )
            self._entries = entries
        except BaseException:
            os.close(self._fd)
            raise

    def _load_hard_state(self) -> HardState:
        data = _read(self.directory / HARD_STATE_FILE)
        if data is None:
            return HardState()
        if len(data) != _HARD_STATE.size:
            raise RaftStorageError(f"{self.directory}: hard state file has {len(data)} bytes")
        crc, term, vote, commit = _HARD_STATE.unpack(data)
        if crc != crc32c.crc32c(data[4:]):
            raise RaftStorageError(f"{self.directory}: hard state file fails its CRC")
        return HardState(term, None if vote < 0 else vote, commit)

    def _load_snapshot(self) -> Snapshot | None:
        data = _read(self.directory / SNAPSHOT_FILE)
        if data is None:
            return None
        if len(data) < _SNAPSHOT_HEADER.size:
            raise RaftStorageError(f"{self.directory}: snapshot file is short")
        crc, index, term = _SNAPSHOT_HEADER.unpack_from(data)
        if crc != crc32c.crc32c(data[4:]):
            raise RaftStorageError(f"{self.directory}: snapshot file fails its CRC")
        return Snapshot(index, term, data[_SNAPSHOT_HEADER.size :])

    def _parse_log(self, data: bytes) -> tuple[list[Entry], int]:
        """Entries of the log and the length of its good prefix (the rest is a torn tail)."""
        entries: list[Entry] = []
        pos = 0
        view = memoryview(data)
        while pos < len(data):
            if len(data) - pos < _FRAME_HEADER.size + _ENTRY_HEADER.size:
                break  # a header cut short
            length, crc = _FRAME_HEADER.unpack_from(data, pos)
            end = pos + _FRAME_HEADER.size + length
            if length < _ENTRY_HEADER.size or length > MAX_FRAME_BYTES or end > len(data):
                break  # a length cut short or garbage in the last frame
            body = view[pos + _FRAME_HEADER.size : end]
            if crc32c.crc32c(body) != crc:
                if end < len(data):
                    raise RaftStorageError(
                        f"{self.directory / LOG_FILE}: entry at position {pos} fails its CRC "
                        "and is not the last one"
                    )
                break  # the last frame, torn
            index, term = _ENTRY_HEADER.unpack_from(body)
            if entries and index != entries[-1].index + 1:
                raise RaftStorageError(
                    f"{self.directory / LOG_FILE}: entry {index} follows {entries[-1].index}"
                )
            entries.append(Entry(index, term, bytes(body[_ENTRY_HEADER.size :])))
            pos = end
        return entries, pos

    @staticmethod
    def _after_snapshot(entries: list[Entry], snap: Snapshot) -> list[Entry]:
        """The stored entries that survive ``snap``: those after it if the log holds its
        entry (or starts right after it), none if the log disagrees with it."""
        if entries and entries[0].index == snap.index + 1:
            return entries
        for n, entry in enumerate(entries):
            if entry.index == snap.index:
                return entries[n + 1 :] if entry.term == snap.term else []
        return []

    def _set_index(self, entries: list[Entry]) -> None:
        self._offsets = []
        self._terms = []
        pos = 0
        for entry in entries:
            self._offsets.append(pos)
            self._terms.append(entry.term)
            pos += _FRAME_HEADER.size + _ENTRY_HEADER.size + len(entry.data)
        self._first_index = entries[0].index if entries else 1

    def initial_state(self) -> PersistentState:
        """The state read at open (its entries are handed out once, then dropped)."""
        entries, self._entries = self._entries, []
        return PersistentState(self._hard_state, self._snapshot, tuple(entries))

    # ----------------------------------------------------------------- writing

    def persist(self, ready: Ready) -> None:
        """Snapshot, then entries, then hard state; each fsynced before the next."""
        try:
            if ready.snapshot is not None:
                self._persist_snapshot(ready.snapshot)
            if ready.entries:
                self._persist_entries(ready.entries)
            if ready.hard_state is not None:
                self._persist_hard_state(ready.hard_state)
        except OSError as exc:
            raise RaftStorageError(
                f"cannot write the raft state in {self.directory}: {exc}"
            ) from exc

    def _persist_hard_state(self, hs: HardState) -> None:
        body = _HARD_STATE.pack(0, hs.term, -1 if hs.vote is None else hs.vote, hs.commit)[4:]
        _write_atomically(
            self.directory, HARD_STATE_FILE, struct.pack(">I", crc32c.crc32c(body)) + body
        )
        self._hard_state = hs

    def _persist_snapshot(self, snap: Snapshot) -> None:
        body = _SNAPSHOT_HEADER.pack(0, snap.index, snap.term)[4:] + snap.data
        _write_atomically(
            self.directory, SNAPSHOT_FILE, struct.pack(">I", crc32c.crc32c(body)) + body
        )
        self._snapshot = snap
        held = [Entry(self._first_index + n, term, b"") for n, term in enumerate(self._terms)]
        kept = self._after_snapshot(held, snap)
        if len(kept) == len(held):
            return
        # Rewrite the log without what the snapshot covers (read the kept frames back).
        first_kept = kept[0].index if kept else None
        if first_kept is None:
            self._rewrite([])
            return
        start = self._offsets[first_kept - self._first_index]
        data = os.pread(self._fd, self._size - start, start)
        entries, good = self._parse_log(data)
        if good != len(data):
            raise RaftStorageError(f"{self.directory / LOG_FILE}: cannot reread the log")
        self._rewrite(entries)

    def _rewrite(self, entries: list[Entry]) -> None:
        """Replace the log file with ``entries`` (temp file, fsync, rename, fsync dir)."""
        data = b"".join(_frame(e) for e in entries)
        _write_atomically(self.directory, LOG_FILE, data)
        os.close(self._fd)
        self._fd = os.open(self.directory / LOG_FILE, os.O_RDWR | os.O_CLOEXEC)
        self._size = len(data)
        self._set_index(entries)

    def _persist_entries(self, entries: tuple[Entry, ...]) -> None:
        first = entries[0].index
        last_stored = self._first_index + len(self._offsets) - 1
        if self._offsets and first <= last_stored:
            if first < self._first_index:
                raise RaftStorageError(f"cannot replace entry {first}: below the stored log")
            cut = first - self._first_index
            os.ftruncate(self._fd, self._offsets[cut])
            self._size = self._offsets[cut]
            del self._offsets[cut:]
            del self._terms[cut:]
        elif not self._offsets:
            self._first_index = first
        elif first != last_stored + 1:
            raise RaftStorageError(f"entry {first} does not follow the stored {last_stored}")
        frames = []
        pos = self._size
        for entry in entries:
            frame = _frame(entry)
            self._offsets.append(pos)
            self._terms.append(entry.term)
            frames.append(frame)
            pos += len(frame)
        data = memoryview(b"".join(frames))
        at = self._size
        while data:
            written = os.pwrite(self._fd, data, at)
            data = data[written:]
            at += written
        os.fsync(self._fd)
        self._size = at

    def close(self) -> None:
        """Close the log file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
