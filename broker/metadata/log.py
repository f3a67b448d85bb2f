"""The metadata log: where committed metadata records live.

``MetadataLog`` is the interface the controller appends through and the broker replays from at
startup. ``FileMetadataLog`` is the single-node implementation: one append-only file of
CRC-framed batches (``broker.metadata.records``), each fsynced before ``append`` returns, so a
change is durable before anyone sees it. A Raft log replaces it later behind the same
interface: ``append`` then returns once the quorum has committed the batch.

A torn tail (a batch cut short by a crash, never acknowledged) is cut off at open. A batch that
is complete but fails its CRC is corruption: the log refuses to open rather than guess.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Protocol

from broker.metadata.records import MetadataRecord, MetadataRecordError, encode_batch, iter_batches

__all__ = ["METADATA_LOG_FILE", "FileMetadataLog", "MetadataLog", "MetadataLogError"]

log = logging.getLogger("samsa.metadata")

METADATA_LOG_FILE: Final = "metadata.log"


class MetadataLogError(RuntimeError):
    """The metadata log cannot be read or written."""


class MetadataLog(Protocol):
    """Committed metadata records, in order."""

    @property
    def end_offset(self) -> int:
        """The offset the next record gets."""
        ...

    def committed(self) -> list[tuple[int, list[MetadataRecord]]]:
        """Every committed batch as ``(base_offset, records)`` (read once at startup)."""
        ...

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        """Commit ``records`` as one batch; returns its base offset once it is durable."""
        ...

    def close(self) -> None:
        """Release the log."""
        ...


class FileMetadataLog:
    """The metadata log of a cluster of one: ``<directory>/metadata.log``."""

    def __init__(
        self, path: Path, fd: int, batches: list[tuple[int, list[MetadataRecord]]], end: int
    ) -> None:
        self.path = path
        self._fd = fd
        self._batches: list[tuple[int, list[MetadataRecord]]] | None = batches
        self._end_offset = end
        self._lock = asyncio.Lock()
        self.existed = bool(batches)

    @classmethod
    def open(cls, directory: Path) -> FileMetadataLog:
        """Open (creating) the log and read every committed batch; cut a torn tail."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / METADATA_LOG_FILE
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise MetadataLogError(f"cannot open the metadata log in {directory}: {exc}") from exc
        try:
            data = _read_all(fd)
            batches: list[tuple[int, list[MetadataRecord]]] = []
            good = 0
            expected = 0
            try:
                for base, records, end in iter_batches(data):
                    if base != expected:
                        raise MetadataRecordError(
                            f"batch at position {good} has offset {base}, expected {expected}"
                        )
                    batches.append((base, records))
                    expected = base + len(records)
                    good = end
            except MetadataRecordError as exc:
                raise MetadataLogError(f"metadata log {path} is corrupt: {exc}") from exc
            if good < len(data):
                log.warning(
                    "metadata log %s: cutting a torn tail of %d bytes at position %d",
                    path,
                    len(data) - good,
                    good,
                )
                os.ftruncate(fd, good)
                os.fsync(fd)
            _fsync_dir(directory)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, batches, expected)

    @property
    def end_offset(self) -> int:
        """The offset the next record gets."""
        return self._end_offset

    def committed(self) -> list[tuple[int, list[MetadataRecord]]]:
        """Every batch read at open (handed out once, then forgotten to save memory)."""
        batches, self._batches = self._batches, None
        if batches is None:
            raise MetadataLogError("the committed batches were already read")
        return batches

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        """Write and fsync one batch (in a worker thread); returns its base offset."""
        async with self._lock:
            base = self._end_offset
            data = encode_batch(base, records)
            try:
                await asyncio.to_thread(self._write_durably, data)
            except OSError as exc:
                raise MetadataLogError(f"cannot append to {self.path}: {exc}") from exc
            self._end_offset = base + len(records)
            return base

    def _write_durably(self, data: bytes) -> None:
        size = os.fstat(self._fd).st_size
        view = memoryview(data)
        at = size
        try:
            while view:
                written = os.pwrite(self._fd, view, at)
                at += written
                view = view[written:]
            os.fsync(self._fd)
        except OSError:
            # Never leave half a batch behind a later one.
            os.ftruncate(self._fd, size)
            raise

    def close(self) -> None:
        """Close the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks = []
    pos = 0
    while pos < size:
        chunk = os.pread(fd, size - pos, pos)
        if not chunk:
            break
        chunks.append(chunk)
        pos += len(chunk)
    return b"".join(chunks)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
