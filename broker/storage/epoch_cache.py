"""The leader-epoch cache of a partition: for each leader epoch, the first offset it wrote.

Persisted in Kafka's ``leader-epoch-checkpoint`` format (version line ``0``, count line, then
``epoch start_offset`` lines), rewritten atomically on every change and only then. Followers use
it through OffsetForLeaderEpoch to find where their log diverges from the leader's.

A new epoch (``assign``) is written at once (tmp file and rename: it survives the process being
killed) but not fsynced: the log's next flush fsyncs it before the log data (``unsynced``), so
that it is durable no later than the first batch written in that epoch, without an fsync per
partition on the caller's thread. Removals (truncation) are written and fsynced at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from broker.storage.errors import CorruptCheckpointError, LogStorageError
from broker.storage.fsutil import fsync_dir, write_file_atomically

__all__ = [
    "LEADER_EPOCH_CHECKPOINT",
    "UNDEFINED_EPOCH",
    "UNDEFINED_EPOCH_OFFSET",
    "EpochEntry",
    "LeaderEpochCache",
    "format_epoch_checkpoint",
    "parse_epoch_checkpoint",
]

LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint"
UNDEFINED_EPOCH = -1
UNDEFINED_EPOCH_OFFSET = -1
_VERSION = 0


class EpochEntry(NamedTuple):
    """A leader epoch and the first offset written in it."""

    epoch: int
    start_offset: int


def format_epoch_checkpoint(entries: list[EpochEntry]) -> bytes:
    """The checkpoint text for ``entries``."""
    lines = [str(_VERSION), str(len(entries))]
    lines.extend(f"{e.epoch} {e.start_offset}" for e in entries)
    return ("\n".join(lines) + "\n").encode()


def parse_epoch_checkpoint(text: str, *, source: str = "checkpoint") -> list[EpochEntry]:
    """Parse checkpoint text; CorruptCheckpointError on any deviation from the format."""
    lines = text.splitlines()
    try:
        if len(lines) < 2:
            raise ValueError("missing version or count line")
        if int(lines[0]) != _VERSION:
            raise ValueError(f"unsupported version {lines[0]}")
        count = int(lines[1])
        if count != len(lines) - 2:
            raise ValueError(f"count line says {count} but {len(lines) - 2} entries follow")
        out: list[EpochEntry] = []
        for line in lines[2:]:
            fields = line.split(" ")
            if len(fields) != 2:
                raise ValueError(f"malformed entry {line!r}")
            out.append(EpochEntry(int(fields[0]), int(fields[1])))
    except ValueError as exc:
        raise CorruptCheckpointError(f"{source}: {exc}") from exc
    return out


class LeaderEpochCache:
    """Epoch -> start offset, strictly increasing in both. ``path=None`` keeps it in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        #: Incremented on every change (lets the append path cache ``latest_epoch``).
        self.version = 0
        #: Written by ``assign`` since the last ``sync``: the log's next flush fsyncs it.
        self.unsynced = False
        self._entries: list[EpochEntry] = []
        if path is not None:
            try:
                text = path.read_text()
            except FileNotFoundError:
                text = None
            except OSError as exc:
                raise LogStorageError(f"cannot read {path}: {exc}") from exc
            if text is not None:
                self._entries = parse_epoch_checkpoint(text, source=str(path))

    @property
    def entries(self) -> list[EpochEntry]:
        """A copy of the entries, oldest first."""
        return list(self._entries)

    @property
    def latest_epoch(self) -> int | None:
        """The newest epoch, or None when empty."""
        return self._entries[-1].epoch if self._entries else None

    @property
    def earliest_entry(self) -> EpochEntry | None:
        """The oldest entry, or None when empty."""
        return self._entries[0] if self._entries else None

    def assign(self, epoch: int, start_offset: int) -> bool:
        """Record that ``epoch`` starts at ``start_offset``; True if the cache changed.

        An entry that is not newer than the latest one in both epoch and offset is ignored
        unless it moves the latest epoch's start back; entries it contradicts (same or later
        epoch, same or later start offset) are removed first.
        """
        if epoch < 0:
            return False
        latest = self._entries[-1] if self._entries else None
        if latest is not None and latest.epoch == epoch and latest.start_offset <= start_offset:
            return False
        if latest is not None and epoch < latest.epoch and start_offset >= latest.start_offset:
            return False
        while self._entries and (
            self._entries[-1].epoch >= epoch or self._entries[-1].start_offset >= start_offset
        ):
            self._entries.pop()
        self._entries.append(EpochEntry(epoch, start_offset))
        self._persist(sync=False)
        return True

    def epoch_for_offset(self, offset: int) -> int | None:
        """The epoch that wrote ``offset`` (the last entry starting at or before it)."""
        found = None
        for entry in self._entries:
            if entry.start_offset > offset:
                break
            found = entry.epoch
        return found

    def end_offset_for(self, requested_epoch: int, log_end_offset: int) -> tuple[int, int]:
        """OffsetForLeaderEpoch: ``(epoch, end offset)`` for ``requested_epoch``.

        The end offset of an epoch is the start offset of the next larger epoch (the log end
        offset for the latest epoch). The epoch returned is the largest known epoch <= the
        requested one. Unknown (larger than all, or empty cache): ``(-1, -1)``.
        """
        if requested_epoch == UNDEFINED_EPOCH or not self._entries:
            return UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET
        latest = self._entries[-1]
        if requested_epoch == latest.epoch:
            return latest.epoch, log_end_offset
        floor: EpochEntry | None = None
        higher: EpochEntry | None = None
        for entry in self._entries:
            if entry.epoch <= requested_epoch:
                floor = entry
            else:
                higher = entry
                break
        if higher is None:
            return UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET
        if floor is None:
            return requested_epoch, higher.start_offset
        return floor.epoch, higher.start_offset

    def truncate_from_end(self, end_offset: int) -> None:
        """Remove entries starting at or after ``end_offset`` (the log was truncated there)."""
        keep = [e for e in self._entries if e.start_offset < end_offset]
        if len(keep) != len(self._entries):
            self._entries = keep
            self._persist()

    def drop_past_end(self, log_end_offset: int) -> None:
        """Opening a log: remove entries starting past its end (the tail they started was lost
        in an unclean stop). An epoch starting exactly at the end (a leader that has not
        written yet) is consistent and stays, so a consistent cache is never rewritten."""
        self.truncate_from_end(log_end_offset + 1)

    def truncate_from_start(self, start_offset: int) -> None:
        """The log now starts at ``start_offset``: drop entries wholly before it and move the
        start of the epoch that covers it up to it."""
        entries = self._entries
        first_kept = 0
        for i, entry in enumerate(entries):
            if entry.start_offset <= start_offset:
                first_kept = i
        if not entries or entries[first_kept].start_offset > start_offset:
            return
        head = entries[first_kept]
        new = [EpochEntry(head.epoch, start_offset), *entries[first_kept + 1 :]]
        if new != entries:
            self._entries = new
            self._persist()

    def clear(self) -> None:
        """Remove every entry."""
        if self._entries:
            self._entries = []
            self._persist()

    def sync(self) -> None:
        """fsync the checkpoint file and its directory (blocking: the flusher's threads call
        it). Whatever ``assign`` wrote before the call is durable when it returns."""
        if self.path is None:
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return  # removed with its log meanwhile
        except OSError as exc:
            raise LogStorageError(f"cannot open {self.path}: {exc}") from exc
        try:
            os.fsync(fd)
        except OSError as exc:
            raise LogStorageError(f"cannot fsync {self.path}: {exc}") from exc
        finally:
            os.close(fd)
        fsync_dir(self.path.parent)

    def _persist(self, *, sync: bool = True) -> None:
        self.version += 1
        if self.path is not None:
            write_file_atomically(self.path, format_epoch_checkpoint(self._entries), sync=sync)
            if not sync:
                self.unsynced = True
