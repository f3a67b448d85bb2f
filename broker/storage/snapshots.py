"""Opaque producer-state snapshots of a partition, keyed by offset.

The broker's idempotence layer serialises its per-producer state as bytes; this store keeps
them as ``<offset, 20 digits>.snapshot`` files in the partition directory, each written
atomically, so that the state survives restarts: load the latest snapshot at or below the log
end offset and replay the log from its offset.
"""

from __future__ import annotations

import os
from pathlib import Path

from broker.storage.errors import LogStorageError
from broker.storage.fsutil import remove_if_exists, write_file_atomically
from broker.storage.names import SNAPSHOT_SUFFIX, offset_file_name, parse_offset_file_name

__all__ = ["ProducerSnapshotStore"]


class ProducerSnapshotStore:
    """``<offset>.snapshot`` files in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, offset: int) -> Path:
        """The file name of the snapshot at ``offset``."""
        return self.directory / offset_file_name(offset, SNAPSHOT_SUFFIX)

    def offsets(self) -> list[int]:
        """Offsets of the snapshots on disk, ascending."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise LogStorageError(f"cannot list {self.directory}: {exc}") from exc
        found = []
        for name in names:
            parsed = parse_offset_file_name(name)
            if parsed is not None and parsed[1] == SNAPSHOT_SUFFIX:
                found.append(parsed[0])
        return sorted(found)

    def write(self, offset: int, data: bytes) -> None:
        """Store ``data`` as the snapshot at ``offset`` (atomically; replaces an older one)."""
        write_file_atomically(self.path_for(offset), data)

    def read(self, offset: int) -> bytes | None:
        """The snapshot at exactly ``offset``, or None."""
        try:
            return self.path_for(offset).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LogStorageError(f"cannot read snapshot {offset}: {exc}") from exc

    def latest(self, *, at_or_below: int | None = None) -> tuple[int, bytes] | None:
        """The newest snapshot (optionally at or below an offset) as ``(offset, data)``."""
        for offset in reversed(self.offsets()):
            if at_or_below is not None and offset > at_or_below:
                continue
            data = self.read(offset)
            if data is not None:
                return offset, data
        return None

    def delete_older_than(self, offset: int) -> int:
        """Delete snapshots below ``offset`` (the log start moved past them); count deleted."""
        return sum(remove_if_exists(self.path_for(o)) for o in self.offsets() if o < offset)

    def delete_newer_than(self, offset: int) -> int:
        """Delete snapshots above ``offset`` (the log was truncated); count deleted."""
        return sum(remove_if_exists(self.path_for(o)) for o in self.offsets() if o > offset)

    def delete_all(self) -> None:
        """Delete every snapshot."""
        for o in self.offsets():
            remove_if_exists(self.path_for(o))
