"""The aborted-transaction index of a segment (``.txnindex``), in Kafka's format.

Each entry is 34 bytes, big-endian: version int16 (0), producer id int64, first offset int64
(the transaction's first batch in this partition), last offset int64 (its ABORT marker) and
last stable offset int64 (the partition's LSO right after the marker was appended). An entry
lives in the index of the segment that holds its marker; entries are appended in marker order.

A read_committed fetch asks which aborted transactions overlap the range it returns, so that
the consumer can skip their records. The file is created by the first entry (most segments
never get one) and written on append; the flush fsyncs it before the segment's log data, so a
crash leaves at worst entries whose marker was lost (recovery drops entries past the recovered
end) or a marker whose entry was lost (replaying the log's markers adds it again).

Entries are read from the file on first use and kept in memory. The file is bounded by its
segment: every entry needs an ABORT marker batch (at least ``MIN_BATCH_LENGTH`` bytes) in the
segment's ``.log``, so an index never exceeds the size of its log. A damaged tail (a torn write
that left a partial entry, or an entry with an unknown version) is cut off at load.
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

from broker.storage.errors import LogStorageError

__all__ = [
    "TXN_INDEX_ENTRY_SIZE",
    "TXN_INDEX_VERSION",
    "AbortedTxn",
    "TransactionIndex",
    "encode_entries",
]

#: Kafka's entry layout: version, producer id, first offset, last offset, last stable offset.
_ENTRY = struct.Struct(">hqqqq")
TXN_INDEX_ENTRY_SIZE = _ENTRY.size  # 34
#: The only entry version Kafka writes.
TXN_INDEX_VERSION = 0


@dataclass(frozen=True, slots=True)
class AbortedTxn:
    """An aborted transaction of one producer in one partition."""

    producer_id: int
    first_offset: int  # offset of the transaction's first batch in this partition
    last_offset: int  # offset of the ABORT marker
    last_stable_offset: int  # the partition's LSO right after the marker was appended

    def to_bytes(self) -> bytes:
        """The 34-byte index entry."""
        return _ENTRY.pack(
            TXN_INDEX_VERSION,
            self.producer_id,
            self.first_offset,
            self.last_offset,
            self.last_stable_offset,
        )


def _parse(data: bytes) -> tuple[list[AbortedTxn], int]:
    """The sound entries at the start of ``data`` and the byte length they cover."""
    entries: list[AbortedTxn] = []
    whole = len(data) - len(data) % TXN_INDEX_ENTRY_SIZE
    for pos in range(0, whole, TXN_INDEX_ENTRY_SIZE):
        version, pid, first, last, lso = _ENTRY.unpack_from(data, pos)
        if version != TXN_INDEX_VERSION or first > last or first < 0:
            return entries, pos
        entries.append(AbortedTxn(pid, first, last, lso))
    return entries, whole


class TransactionIndex:
    """One segment's ``.txnindex``: a list of ``AbortedTxn``, loaded lazily from its file."""

    __slots__ = ("_dirty", "_entries", "_lock", "path")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: list[AbortedTxn] | None = None
        #: Whether entries were written since the last ``sync``.
        self._dirty = False
        # Appends run on the log's thread, ``sync`` on a flusher thread.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TransactionIndex({self.path.name}, entries={self._entries!r})"

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> list[AbortedTxn]:
        entries = self._entries
        if entries is not None:
            return entries
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            raise LogStorageError(f"cannot read {self.path}: {exc}") from exc
        entries, sound = _parse(data)
        if sound != len(data):
            # A torn or damaged tail: cut it off, as the other indexes' recovery does.
            self._rewrite(entries)
        self._entries = entries
        return entries

    @property
    def entries(self) -> list[AbortedTxn]:
        """Every entry, in append (marker) order."""
        with self._lock:
            return list(self._load())

    @property
    def last_entry(self) -> AbortedTxn | None:
        """The newest entry, or None when the index is empty."""
        with self._lock:
            entries = self._load()
            return entries[-1] if entries else None

    def collect(self, start_offset: int, upper_bound_offset: int) -> tuple[list[AbortedTxn], bool]:
        """The entries with ``last_offset >= start_offset`` and ``first_offset <
        upper_bound_offset``, and whether the search is complete: an entry whose last stable
        offset reached ``upper_bound_offset`` proves that no later marker can belong to a
        transaction starting below it (Kafka's rule)."""
        with self._lock:
            found: list[AbortedTxn] = []
            for txn in self._load():
                if txn.last_offset >= start_offset and txn.first_offset < upper_bound_offset:
                    found.append(txn)
                if txn.last_stable_offset >= upper_bound_offset:
                    return found, True
            return found, False

    # -- writing -------------------------------------------------------------------------------

    def append(self, txn: AbortedTxn) -> None:
        """Add ``txn`` (its marker must follow every indexed one) and write it to the file,
        creating the file on the first entry. Not fsynced: see ``sync``."""
        with self._lock:
            entries = self._load()
            if entries and txn.last_offset <= entries[-1].last_offset:
                raise ValueError(
                    f"aborted transaction ending at {txn.last_offset} does not follow the last "
                    f"indexed one ending at {entries[-1].last_offset}"
                )
            data = txn.to_bytes()
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
                try:
                    position = len(entries) * TXN_INDEX_ENTRY_SIZE
                    if os.pwrite(fd, data, position) != len(data):
                        os.ftruncate(fd, position)
                        raise OSError("short write")
                finally:
                    os.close(fd)
            except OSError as exc:
                raise LogStorageError(f"cannot append to {self.path}: {exc}") from exc
            entries.append(txn)
            self._dirty = True

    def truncate_to(self, offset: int) -> int:
        """Drop every entry with ``last_offset >= offset`` (its marker is gone); returns how
        many were dropped. The file shrinks accordingly (it is deleted when nothing is left)."""
        with self._lock:
            entries = self._load()
            keep = [t for t in entries if t.last_offset < offset]
            dropped = len(entries) - len(keep)
            if dropped:
                self._rewrite(keep)
                self._entries = keep
            return dropped

    def replace(self, entries: list[AbortedTxn]) -> None:
        """Forget the cached entries (the file was replaced, e.g. by compaction) and use
        ``entries`` instead."""
        with self._lock:
            self._entries = list(entries)
            self._dirty = False

    def _rewrite(self, entries: list[AbortedTxn]) -> None:
        size = len(entries) * TXN_INDEX_ENTRY_SIZE
        try:
            if size == 0:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
                return
            fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.ftruncate(fd, size)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise LogStorageError(f"cannot truncate {self.path}: {exc}") from exc

    @property
    def needs_sync(self) -> bool:
        """Whether entries were written since the last ``sync``."""
        return self._dirty

    def sync(self) -> None:
        """fsync the file if entries were written since the last call (any thread)."""
        with self._lock:
            if not self._dirty:
                return
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                self._dirty = False
                return
            except OSError as exc:
                raise LogStorageError(f"cannot open {self.path}: {exc}") from exc
            try:
                os.fsync(fd)
            except OSError as exc:
                raise LogStorageError(f"fsync of {self.path} failed: {exc}") from exc
            finally:
                os.close(fd)
            self._dirty = False

    def forget(self) -> None:
        """Drop the cached entries (they are read again on next use)."""
        with self._lock:
            if not self._dirty:
                self._entries = None

    def delete_file(self) -> None:
        """Unlink the file (if any) and forget the entries."""
        with self._lock:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise LogStorageError(f"cannot delete {self.path}: {exc}") from exc
            self._entries = []
            self._dirty = False


def encode_entries(entries: list[AbortedTxn]) -> bytes:
    """The file content for ``entries`` (compaction writes a cleaned segment's index)."""
    return b"".join(t.to_bytes() for t in entries)
