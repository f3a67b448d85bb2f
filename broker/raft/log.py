"""The in-memory Raft log the core works on: entries after the latest snapshot.

Indexes start at 1; index 0 with term 0 is the empty log's sentinel. After a snapshot
(``compact`` or ``restore``) the log keeps the snapshot's index and term as its new base: the
entries at and below it are gone, and ``term_at`` answers only for the base and what follows.
In Kafka's words an entry's term is the leader epoch that appended it, and its index the offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Entry", "LogError", "RaftLog", "Snapshot"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One log entry. Empty ``data`` is the no-op a new leader appends."""

    index: int
    term: int
    data: bytes

    @property
    def is_no_op(self) -> bool:
        """Whether this is a leader's election no-op (it carries nothing to apply)."""
        return not self.data


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state machine up to and including ``index`` (whose entry had ``term``)."""

    index: int
    term: int
    data: bytes


class LogError(RuntimeError):
    """A log operation that would break the log's shape (a gap, or rewriting the base)."""


class RaftLog:
    """Entries ``base_index + 1 .. last_index`` in memory, on top of a snapshot base."""

    __slots__ = ("_base_index", "_base_term", "_entries")

    def __init__(
        self, entries: Sequence[Entry] = (), *, base_index: int = 0, base_term: int = 0
    ) -> None:
        self._base_index = base_index
        self._base_term = base_term
        self._entries: list[Entry] = []
        self.append(entries)

    @property
    def snapshot_index(self) -> int:
        """The index of the snapshot the log starts after (0 without one)."""
        return self._base_index

    @property
    def snapshot_term(self) -> int:
        """The term of the entry at ``snapshot_index``."""
        return self._base_term

    @property
    def first_index(self) -> int:
        """The index of the first entry held in memory (``last_index + 1`` when none)."""
        return self._base_index + 1

    @property
    def last_index(self) -> int:
        """The index of the last entry (the snapshot's index when the log is empty)."""
        return self._base_index + len(self._entries)

    @property
    def last_term(self) -> int:
        """The term of the last entry (the snapshot's term when the log is empty)."""
        return self._entries[-1].term if self._entries else self._base_term

    def term_at(self, index: int) -> int | None:
        """The term of the entry at ``index``; None if compacted away or beyond the end."""
        if index == self._base_index:
            return self._base_term
        if index < self._base_index or index > self.last_index:
            return None
        return self._entries[index - self._base_index - 1].term

    def entry(self, index: int) -> Entry:
        """The entry at ``index`` (which must be held: ``first_index <= index <= last``)."""
        if index <= self._base_index or index > self.last_index:
            raise LogError(f"entry {index} is not held ({self.first_index}..{self.last_index})")
        return self._entries[index - self._base_index - 1]

    def slice(self, start: int, stop: int, max_bytes: int | None = None) -> list[Entry]:
        """Entries ``start .. stop - 1``, cut after ``max_bytes`` of data (at least one)."""
        start = max(start, self.first_index)
        stop = min(stop, self.last_index + 1)
        if start >= stop:
            return []
        out = self._entries[start - self._base_index - 1 : stop - self._base_index - 1]
        if max_bytes is None:
            return out
        size = 0
        for n, entry in enumerate(out):
            size += len(entry.data)
            if size > max_bytes and n > 0:
                return out[:n]
        return out

    def append(self, entries: Sequence[Entry]) -> None:
        """Add entries that continue the log exactly (no gap, no overlap)."""
        for entry in entries:
            if entry.index != self.last_index + 1:
                raise LogError(f"entry {entry.index} does not follow {self.last_index}")
            if entry.term < self.last_term:
                raise LogError(f"entry {entry.index} has term {entry.term} < {self.last_term}")
            self._entries.append(entry)

    def truncate_from(self, index: int) -> None:
        """Drop the entries at ``index`` and after (a follower's conflicting suffix)."""
        if index <= self._base_index:
            raise LogError(f"cannot truncate at {index}: at or below the snapshot")
        del self._entries[index - self._base_index - 1 :]

    def compact(self, index: int) -> None:
        """Drop the entries up to and including ``index``, which becomes the new base."""
        if index <= self._base_index:
            return
        term = self.term_at(index)
        if term is None:
            raise LogError(f"cannot compact at {index}: past the last index {self.last_index}")
        del self._entries[: index - self._base_index]
        self._base_index = index
        self._base_term = term

    def restore(self, index: int, term: int) -> None:
        """Discard everything and start over after a snapshot at ``index``/``term``."""
        self._entries.clear()
        self._base_index = index
        self._base_term = term
