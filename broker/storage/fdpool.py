"""A bounded LRU pool of open file descriptors.

Ten thousand partitions have tens of thousands of segment files, but the default ``ulimit -n``
is 1024. Every segment file is a ``PooledFile``: it holds a path and opens it on demand. The
pool keeps at most ``max_open`` descriptors open and closes the least recently used idle one
to make room. A descriptor in use is *leased* (pinned) and never closed under its user: reads
hand out file slices that lease their file until released, and flushes lease the files they
fsync. When every open descriptor is leased the pool goes over its bound rather than fail;
leases are short (one request or one flush pass) and their number is bounded by the server.

Thread-safe: the flusher's thread and a cleaner thread share the pool with the event loop.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

from broker.storage.errors import LogStorageError

__all__ = ["DEFAULT_MAX_OPEN_FILES", "FilePool", "PooledFile"]

#: Default bound on open segment files: half of the common default ``ulimit -n`` (1024), which
#: leaves the other half for sockets, index files being rewritten and the rest of the process.
DEFAULT_MAX_OPEN_FILES = 512


class PooledFile:
    """A file that is opened by its pool on demand. Use ``leased()`` or ``lease``/``release``
    around every use of the descriptor."""

    __slots__ = ("_closing", "_fd", "_pins", "_referenced", "path", "pool")

    def __init__(self, pool: FilePool, path: Path) -> None:
        self.pool = pool
        self.path = path
        self._fd: int | None = None
        self._pins = 0
        self._closing = False
        self._referenced = False

    def __repr__(self) -> str:
        return f"PooledFile({str(self.path)!r}, fd={self._fd}, pins={self._pins})"

    @property
    def is_open(self) -> bool:
        """Whether a descriptor is open right now."""
        return self._fd is not None

    def lease(self) -> int:
        """Open (if needed) and pin the descriptor; pair with ``release()``."""
        return self.pool._acquire(self)

    def release(self) -> None:
        """Unpin a descriptor leased with ``lease()``."""
        self.pool._release(self)

    def leased(self) -> _Lease:
        """``with f.leased() as fd:`` the descriptor stays open inside the block."""
        return _Lease(self)

    def close(self) -> None:
        """Close for good (the file was deleted or renamed); deferred until leases end."""
        self.pool._close(self)

    def rename(self, path: Path) -> None:
        """Follow a rename of the file (an open descriptor stays valid)."""
        self.path = path


class _Lease:
    """``PooledFile.leased()``: leases on entry, releases on exit (a class, not a generator
    context manager: a fetch takes one per read, and this costs a third as much)."""

    __slots__ = ("_file",)

    def __init__(self, file: PooledFile) -> None:
        self._file = file

    def __enter__(self) -> int:
        return self._file.pool._acquire(self._file)

    def __exit__(self, *_exc: object) -> None:
        self._file.pool._release(self._file)


class FilePool:
    """At most ``max_open`` open descriptors (plus leased ones when all are leased), LRU."""

    def __init__(self, max_open: int = DEFAULT_MAX_OPEN_FILES) -> None:
        if max_open < 1:
            raise ValueError("max_open must be at least 1")
        self.max_open = max_open
        self._lock = threading.Lock()
        # Open files in CLOCK order (the next eviction candidate first).
        self._open: OrderedDict[PooledFile, None] = OrderedDict()
        self._open_count = 0
        #: Counters for tests and metrics.
        self.opens = 0
        self.evictions = 0

    @property
    def open_count(self) -> int:
        """Descriptors open right now."""
        return self._open_count

    def file(self, path: Path) -> PooledFile:
        """A pooled handle for ``path`` (nothing is opened yet)."""
        return PooledFile(self, path)

    def _acquire(self, pf: PooledFile) -> int:
        with self._lock:
            fd = pf._fd
            if fd is None:
                if pf._closing:
                    raise LogStorageError(f"{pf.path} is closed")
                self._make_room_locked()
                try:
                    fd = os.open(pf.path, os.O_RDWR | os.O_CLOEXEC)
                except OSError as exc:
                    raise LogStorageError(f"cannot open {pf.path}: {exc}") from exc
                pf._fd = fd
                self._open[pf] = None
                self._open_count += 1
                self.opens += 1
            pf._pins += 1
            pf._referenced = True
            return fd

    def _release(self, pf: PooledFile) -> None:
        with self._lock:
            if pf._pins <= 0:
                raise RuntimeError(f"release without lease: {pf!r}")
            pf._pins -= 1
            if pf._pins == 0 and pf._closing:
                self._close_fd_locked(pf)

    def _close(self, pf: PooledFile) -> None:
        with self._lock:
            pf._closing = True
            if pf._fd is not None and pf._pins == 0:
                self._close_fd_locked(pf)

    def _make_room_locked(self) -> None:
        # CLOCK: skip leased files, give recently used ones a second chance.
        budget = 2 * len(self._open)
        while self._open_count >= self.max_open and budget > 0:
            budget -= 1
            victim = next(iter(self._open))
            self._open.move_to_end(victim)
            if victim._pins > 0:
                continue
            if victim._referenced:
                victim._referenced = False
                continue
            self._close_fd_locked(victim)
            self.evictions += 1

    def _close_fd_locked(self, pf: PooledFile) -> None:
        fd = pf._fd
        if fd is None:
            return
        pf._fd = None
        self._open.pop(pf, None)
        self._open_count -= 1
        # close() errors on a file already written and fsynced carry no actionable information.
        with contextlib.suppress(OSError):
            os.close(fd)

    def close_all(self) -> None:
        """Close every unleased descriptor (they reopen on next use)."""
        with self._lock:
            for pf in list(self._open):
                if pf._pins == 0:
                    self._close_fd_locked(pf)
