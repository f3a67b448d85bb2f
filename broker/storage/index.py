"""The sparse indexes of a segment, kept in memory in their on-disk byte format.

* ``OffsetIndex`` (``.index``): 8-byte entries, a 4-byte offset relative to the segment's base
  offset and a 4-byte position in the ``.log`` file, both big-endian. One entry per
  ``index.interval.bytes`` of log, at a batch boundary, keyed by that batch's base offset.
* ``TimeIndex`` (``.timeindex``): 12-byte entries, an 8-byte timestamp and a 4-byte relative
  offset. An entry ``(T, O)`` says: the largest timestamp in the segment up to and including the
  batch at offset ``O`` is ``T``, and that batch is the first to reach it. Entries are added next
  to offset index entries, only when the largest timestamp grew.

Both are sorted, so lookups are binary searches over the bytes. The active segment's indexes are
in memory and written to disk when the segment rolls, is flushed as closed, or the log closes
cleanly; after an unclean shutdown, recovery rebuilds them. Closed segments' indexes are read
from disk on first use and may be dropped again by an ``IndexBudget``.
"""

from __future__ import annotations

import os
import struct
import threading
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from broker.storage.errors import LogStorageError

__all__ = [
    "DEFAULT_MAX_RESIDENT_INDEX_BYTES",
    "OFFSET_INDEX_ENTRY_SIZE",
    "TIME_INDEX_ENTRY_SIZE",
    "CorruptIndexError",
    "IndexBudget",
    "OffsetIndex",
    "OffsetPosition",
    "TimeIndex",
    "TimestampOffset",
]

OFFSET_INDEX_ENTRY_SIZE = 8
TIME_INDEX_ENTRY_SIZE = 12

#: Default bound on the bytes of closed segments' indexes held in memory at once. An index is
#: 8 bytes per 4 KiB of log (0.2 %), so 64 MiB covers the hot part of ~32 GiB of closed
#: segments; the rest is re-read from disk (page cache) on demand.
DEFAULT_MAX_RESIDENT_INDEX_BYTES = 64 * 1024 * 1024

_INT32_MAX = 0x7FFFFFFF
_OFFSET_ENTRY = struct.Struct(">ii")
_TIME_ENTRY = struct.Struct(">qi")
_INT32 = struct.Struct(">i")
_INT64 = struct.Struct(">q")


class CorruptIndexError(ValueError):
    """An index file fails its sanity check; the caller rebuilds it from the log."""


class OffsetPosition(NamedTuple):
    """An offset and the file position of the batch that starts there."""

    offset: int
    position: int


class TimestampOffset(NamedTuple):
    """A timestamp and an offset."""

    timestamp: int
    offset: int


class IndexBudget:
    """LRU bound on the memory of loaded closed-segment indexes; evicts by unloading."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_RESIDENT_INDEX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[_FixedEntryIndex, int] = OrderedDict()
        self._bytes = 0

    @property
    def resident_bytes(self) -> int:
        """Bytes of indexes currently accounted for."""
        return self._bytes

    def touch(self, index: _FixedEntryIndex, size: int) -> None:
        """Record a use of ``index`` (``size`` bytes resident); may unload others."""
        victims: list[_FixedEntryIndex] = []
        with self._lock:
            old = self._entries.pop(index, None)
            if old is not None:
                self._bytes -= old
            self._entries[index] = size
            self._bytes += size
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                victim, vsize = self._entries.popitem(last=False)
                self._bytes -= vsize
                victims.append(victim)
        for victim in victims:
            victim._drop()

    def forget(self, index: _FixedEntryIndex) -> None:
        """Stop accounting for ``index`` (it was deleted or became active)."""
        with self._lock:
            size = self._entries.pop(index, None)
            if size is not None:
                self._bytes -= size


class _FixedEntryIndex:
    """Shared machinery: a sorted array of fixed-size big-endian entries."""

    __slots__ = ("_buf", "_resident", "base_offset", "budget", "max_entries", "path")

    ENTRY_SIZE = 0

    def __init__(
        self,
        path: Path,
        base_offset: int,
        max_entries: int,
        *,
        budget: IndexBudget | None = None,
        loaded: bool = False,
    ) -> None:
        self.path = path
        self.base_offset = base_offset
        self.max_entries = max_entries
        self.budget = budget
        self._buf: bytearray | None = bytearray() if loaded else None
        # True while the index is pinned in memory (active segment), outside the budget.
        self._resident = loaded

    # -- residency -----------------------------------------------------------------------------

    def _data(self) -> bytearray:
        buf = self._buf
        if buf is None:
            buf = self._load()
            self._buf = buf
        if not self._resident and self.budget is not None:
            self.budget.touch(self, len(buf))
        return buf

    def _load(self) -> bytearray:
        try:
            with open(self.path, "rb") as f:
                data = bytearray(f.read())
        except FileNotFoundError as exc:
            raise CorruptIndexError(f"{self.path} is missing") from exc
        except OSError as exc:
            raise LogStorageError(f"cannot read {self.path}: {exc}") from exc
        if len(data) % self.ENTRY_SIZE:
            raise CorruptIndexError(
                f"{self.path} has {len(data)} bytes, not a multiple of {self.ENTRY_SIZE}"
            )
        return data

    def _drop(self) -> None:
        if not self._resident:
            self._buf = None

    @property
    def is_loaded(self) -> bool:
        """Whether the entries are in memory."""
        return self._buf is not None

    def pin(self) -> None:
        """Keep in memory (the segment became active): load and leave the budget."""
        self._buf = self._data()
        self._resident = True
        if self.budget is not None:
            self.budget.forget(self)

    def unpin(self) -> None:
        """Allow unloading (the segment is closed); the file must be up to date first."""
        self._resident = False
        if self.budget is not None and self._buf is not None:
            self.budget.touch(self, len(self._buf))

    def forget(self) -> None:
        """Drop from memory and from the budget (the segment is deleted)."""
        if self.budget is not None:
            self.budget.forget(self)
        self._buf = None
        self._resident = False

    # -- shared operations ---------------------------------------------------------------------

    @property
    def entries(self) -> int:
        """Number of entries."""
        buf = self._buf
        return len(buf if buf is not None and self._resident else self._data()) // self.ENTRY_SIZE

    @property
    def is_full(self) -> bool:
        """Whether no entry fits anymore (the segment must roll)."""
        return self.entries >= self.max_entries

    def reset(self) -> None:
        """Remove every entry."""
        self._buf = bytearray()
        if not self._resident and self.budget is not None:
            self.budget.touch(self, 0)

    def to_bytes(self) -> bytes:
        """The file contents."""
        return bytes(self._data())

    def write_file(self, *, sync: bool) -> None:
        """Write the whole index to its file (truncating it), optionally fsyncing."""
        data = self.to_bytes()
        write_index_file(self.path, data, sync=sync)

    def _truncate_entries(self, count: int) -> None:
        buf = self._data()
        del buf[count * self.ENTRY_SIZE :]


def write_index_file(path: Path, data: bytes, *, sync: bool) -> None:
    """Write ``data`` as the whole content of ``path``."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise LogStorageError(f"cannot write {path}: {exc}") from exc


def _floor_entry(buf: bytearray, entry_size: int, key: struct.Struct, target: int) -> int:
    """Index of the last entry whose key (the first field) is <= target, or -1."""
    lo, hi = 0, len(buf) // entry_size
    while lo < hi:
        mid = (lo + hi) // 2
        if key.unpack_from(buf, mid * entry_size)[0] <= target:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


class OffsetIndex(_FixedEntryIndex):
    """Sparse map from offset to file position (``.index``)."""

    __slots__ = ()

    ENTRY_SIZE = OFFSET_INDEX_ENTRY_SIZE

    def entry(self, n: int) -> OffsetPosition:
        """The n-th entry (absolute offset, position)."""
        rel, pos = _OFFSET_ENTRY.unpack_from(self._data(), n * OFFSET_INDEX_ENTRY_SIZE)
        return OffsetPosition(self.base_offset + rel, pos)

    @property
    def last_entry(self) -> OffsetPosition:
        """The last entry, or ``(base_offset, 0)`` when empty."""
        n = self.entries
        return self.entry(n - 1) if n else OffsetPosition(self.base_offset, 0)

    def append(self, offset: int, position: int) -> None:
        """Add an entry; offsets and positions must increase."""
        buf = self._data()
        rel = offset - self.base_offset
        if not 0 <= rel <= _INT32_MAX or not 0 <= position <= _INT32_MAX:
            raise ValueError(f"index entry ({offset}, {position}) out of range for {self.path}")
        if buf:
            last_rel, last_pos = _OFFSET_ENTRY.unpack_from(buf, len(buf) - OFFSET_INDEX_ENTRY_SIZE)
            if rel <= last_rel or position <= last_pos:
                raise ValueError(
                    f"index entry ({offset}, {position}) does not follow "
                    f"({self.base_offset + last_rel}, {last_pos}) in {self.path}"
                )
        buf += _OFFSET_ENTRY.pack(rel, position)

    def append_unchecked(self, offset: int, position: int) -> bool:
        """``append`` for callers that guarantee increasing offsets and positions within
        range (the active segment's append path). Returns whether the index is now full."""
        buf = self._buf
        if buf is None:
            buf = self._data()
        buf += _OFFSET_ENTRY.pack(offset - self.base_offset, position)
        return len(buf) >= self.max_entries * OFFSET_INDEX_ENTRY_SIZE

    def lookup(self, offset: int) -> OffsetPosition:
        """The last entry with an offset <= ``offset`` (``(base_offset, 0)`` if none): where a
        forward scan for ``offset`` starts."""
        buf = self._data()
        n = _floor_entry(buf, OFFSET_INDEX_ENTRY_SIZE, _INT32, offset - self.base_offset)
        if n < 0:
            return OffsetPosition(self.base_offset, 0)
        rel, pos = _OFFSET_ENTRY.unpack_from(buf, n * OFFSET_INDEX_ENTRY_SIZE)
        return OffsetPosition(self.base_offset + rel, pos)

    def lookup_position(self, position: int) -> OffsetPosition:
        """The last entry at a file position <= ``position`` (``(base_offset, 0)`` if none)."""
        buf = self._data()
        lo, hi = 0, len(buf) // OFFSET_INDEX_ENTRY_SIZE
        while lo < hi:
            mid = (lo + hi) // 2
            if _INT32.unpack_from(buf, mid * OFFSET_INDEX_ENTRY_SIZE + 4)[0] <= position:
                lo = mid + 1
            else:
                hi = mid
        if lo == 0:
            return OffsetPosition(self.base_offset, 0)
        rel, pos = _OFFSET_ENTRY.unpack_from(buf, (lo - 1) * OFFSET_INDEX_ENTRY_SIZE)
        return OffsetPosition(self.base_offset + rel, pos)

    def truncate_to(self, offset: int) -> None:
        """Remove every entry with an offset >= ``offset``."""
        buf = self._data()
        n = _floor_entry(buf, OFFSET_INDEX_ENTRY_SIZE, _INT32, offset - self.base_offset - 1)
        self._truncate_entries(n + 1)

    def sanity_check(self, log_size: int) -> None:
        """Raise CorruptIndexError unless entries strictly increase and point inside the log."""
        buf = self._data()
        last_rel = last_pos = -1
        for rel, pos in _OFFSET_ENTRY.iter_unpack(buf):
            if rel <= last_rel or pos <= last_pos or pos >= log_size:
                raise CorruptIndexError(
                    f"{self.path}: entry ({rel}, {pos}) after ({last_rel}, {last_pos}) "
                    f"with log size {log_size}"
                )
            last_rel, last_pos = rel, pos


class TimeIndex(_FixedEntryIndex):
    """Sparse map from largest-timestamp-so-far to offset (``.timeindex``)."""

    __slots__ = ()

    ENTRY_SIZE = TIME_INDEX_ENTRY_SIZE

    def entry(self, n: int) -> TimestampOffset:
        """The n-th entry (timestamp, absolute offset)."""
        ts, rel = _TIME_ENTRY.unpack_from(self._data(), n * TIME_INDEX_ENTRY_SIZE)
        return TimestampOffset(ts, self.base_offset + rel)

    @property
    def last_entry(self) -> TimestampOffset | None:
        """The last entry, or None when empty."""
        n = self.entries
        return self.entry(n - 1) if n else None

    def maybe_append(self, timestamp: int, offset: int) -> bool:
        """Add ``(timestamp, offset)`` if the timestamp is larger than the last entry's."""
        buf = self._data()
        rel = offset - self.base_offset
        if not 0 <= rel <= _INT32_MAX:
            raise ValueError(f"time index offset {offset} out of range for {self.path}")
        if buf:
            last_ts, last_rel = _TIME_ENTRY.unpack_from(buf, len(buf) - TIME_INDEX_ENTRY_SIZE)
            if timestamp <= last_ts:
                return False
            if rel < last_rel:
                raise ValueError(f"time index offset {offset} goes backwards in {self.path}")
        buf += _TIME_ENTRY.pack(timestamp, rel)
        return True

    def append_unchecked(self, timestamp: int, offset: int) -> bool:
        """``maybe_append`` for callers that know ``timestamp`` is larger than the last entry's
        and ``offset`` in range. Returns whether the index is now full."""
        buf = self._buf
        if buf is None:
            buf = self._data()
        buf += _TIME_ENTRY.pack(timestamp, offset - self.base_offset)
        return len(buf) >= self.max_entries * TIME_INDEX_ENTRY_SIZE

    def lookup(self, timestamp: int) -> TimestampOffset | None:
        """The last entry with a timestamp <= ``timestamp``, or None: a scan for the first batch
        with a timestamp >= ``timestamp`` may start at that entry's offset."""
        buf = self._data()
        n = _floor_entry(buf, TIME_INDEX_ENTRY_SIZE, _INT64, timestamp)
        if n < 0:
            return None
        ts, rel = _TIME_ENTRY.unpack_from(buf, n * TIME_INDEX_ENTRY_SIZE)
        return TimestampOffset(ts, self.base_offset + rel)

    def truncate_to(self, offset: int) -> None:
        """Remove every entry with an offset >= ``offset``."""
        buf = self._data()
        keep = 0
        for n, (_, rel) in enumerate(_TIME_ENTRY.iter_unpack(buf)):
            if self.base_offset + rel >= offset:
                break
            keep = n + 1
        self._truncate_entries(keep)

    def sanity_check(self, next_offset: int | None = None) -> None:
        """Raise CorruptIndexError unless timestamps increase and offsets do not decrease."""
        buf = self._data()
        last_ts = None
        last_rel = -1
        for ts, rel in _TIME_ENTRY.iter_unpack(buf):
            if (last_ts is not None and ts <= last_ts) or rel < last_rel or rel < 0:
                raise CorruptIndexError(f"{self.path}: entry ({ts}, {rel}) out of order")
            last_ts, last_rel = ts, rel
        if next_offset is not None and last_rel >= 0 and self.base_offset + last_rel >= next_offset:
            raise CorruptIndexError(f"{self.path}: entry offset past the log end {next_offset}")
