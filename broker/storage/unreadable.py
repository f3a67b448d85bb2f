"""What compaction found it cannot read in one log, remembered across restarts.

The cleaner keeps an unreadable batch (records that do not decompress or decode) byte for byte,
and leaves a segment whose batch framing is unsound (a CRC mismatch, an impossible length,
offsets out of order) as it is. Each finding is reported to the operator once: this record,
``<partition dir>/cleaner-unreadable-batches``, says what was reported already, so that later
passes and restarts stay quiet about it. Its text format, in the style of Kafka's checkpoint
files::

    0                         <- version
    2                         <- number of entries
    batch 1200 3735928559     <- base offset, the batch's stored CRC-32C
    segment 4096 1048576      <- base offset, the segment's size when it was found damaged

A batch is the same finding while its base offset and stored CRC are; a segment while its base
offset and size are. Entries of batches and segments that left the log (retention,
DeleteRecords, truncation) are dropped. The file only silences repeated reports: losing it
(or finding it unparsable) means each finding is reported once more, nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path
from typing import Final

from broker.storage.errors import LogStorageError
from broker.storage.fsutil import write_file_atomically

__all__ = ["UNREADABLE_BATCHES_FILE", "UnreadableBatches"]

log = logging.getLogger("samsa.storage.cleaner")

UNREADABLE_BATCHES_FILE: Final = "cleaner-unreadable-batches"
_VERSION = 0
_BATCH = "batch"
_SEGMENT = "segment"


class UnreadableBatches:
    """The unreadable batches and damaged segments already reported for one log."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / UNREADABLE_BATCHES_FILE
        #: base offset -> stored CRC of each unreadable batch
        self.batches: dict[int, int] = {}
        #: base offset -> size of each damaged segment
        self.segments: dict[int, int] = {}
        self._write_failed = False

    @classmethod
    def load(cls, directory: Path) -> UnreadableBatches:
        """The record of ``directory`` (empty if there is none or it does not parse)."""
        found = cls(directory)
        try:
            text = found.path.read_text()
        except FileNotFoundError:
            return found
        except OSError as exc:
            log.warning("cannot read %s (%s): its findings will be reported again", found.path, exc)
            return found
        try:
            found._parse(text)
        except ValueError as exc:
            log.warning(
                "%s does not parse (%s): its findings will be reported again", found.path, exc
            )
            found.batches.clear()
            found.segments.clear()
        return found

    def _parse(self, text: str) -> None:
        lines = text.splitlines()
        if len(lines) < 2 or int(lines[0]) != _VERSION:
            raise ValueError("missing or unknown version line")
        if int(lines[1]) != len(lines) - 2:
            raise ValueError("the count line does not match the entries")
        for line in lines[2:]:
            kind, offset, detail = line.split(" ")
            if kind == _BATCH:
                self.batches[int(offset)] = int(detail)
            elif kind == _SEGMENT:
                self.segments[int(offset)] = int(detail)
            else:
                raise ValueError(f"unknown entry {line!r}")

    def _format(self) -> bytes:
        entries = [f"{_BATCH} {o} {c}" for o, c in sorted(self.batches.items())]
        entries += [f"{_SEGMENT} {o} {s}" for o, s in sorted(self.segments.items())]
        return ("\n".join([str(_VERSION), str(len(entries)), *entries]) + "\n").encode()

    def _save(self) -> None:
        try:
            write_file_atomically(self.path, self._format())
        except LogStorageError as exc:
            # Only the silencing of repeated reports depends on this file: carry on.
            if not self._write_failed:
                log.warning("cannot write %s (%s): findings may be reported again", self.path, exc)
            self._write_failed = True
        else:
            self._write_failed = False

    def add_batch(self, base_offset: int, crc: int) -> bool:
        """Remember an unreadable batch; True if it was not known (report it)."""
        if self.batches.get(base_offset) == crc:
            return False
        self.batches[base_offset] = crc
        self._save()
        return True

    def add_segment(self, base_offset: int, size: int) -> bool:
        """Remember a damaged segment; True if it was not known (report it)."""
        if self.segments.get(base_offset) == size:
            return False
        self.segments[base_offset] = size
        self._save()
        return True

    def is_damaged(self, base_offset: int, size: int) -> bool:
        """Whether the segment at ``base_offset`` with ``size`` bytes is known damaged."""
        return self.segments.get(base_offset) == size

    def prune(self, *, log_start_offset: int, log_end_offset: int, bases: Collection[int]) -> None:
        """Forget batches outside ``[log_start_offset, log_end_offset)`` and segments whose base
        offset is not among ``bases`` (the log's current segments)."""
        batches = {o: c for o, c in self.batches.items() if log_start_offset <= o < log_end_offset}
        segments = {o: s for o, s in self.segments.items() if o in bases}
        if batches != self.batches or segments != self.segments:
            self.batches, self.segments = batches, segments
            self._save()
