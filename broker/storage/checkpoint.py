"""Kafka's offset checkpoint files, read and written atomically.

``recovery-point-offset-checkpoint``, ``log-start-offset-checkpoint``,
``replication-offset-checkpoint`` (high watermarks) and ``cleaner-offset-checkpoint`` share one
text format::

    0                  <- version
    2                  <- number of entries
    orders 0 1234      <- topic partition offset
    orders 1 99
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from broker.storage.errors import CorruptCheckpointError, LogStorageError
from broker.storage.fsutil import write_file_atomically
from protocol.types import TopicPartition

__all__ = [
    "CHECKPOINT_VERSION",
    "CLEANER_OFFSET_CHECKPOINT",
    "LOG_START_OFFSET_CHECKPOINT",
    "RECOVERY_POINT_CHECKPOINT",
    "REPLICATION_OFFSET_CHECKPOINT",
    "OffsetCheckpointFile",
    "format_offset_checkpoint",
    "parse_offset_checkpoint",
]

CHECKPOINT_VERSION = 0
RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint"
LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint"
REPLICATION_OFFSET_CHECKPOINT = "replication-offset-checkpoint"
CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint"


def format_offset_checkpoint(offsets: Mapping[TopicPartition, int]) -> bytes:
    """The checkpoint text for ``offsets`` (sorted by topic, then partition)."""
    lines = [str(CHECKPOINT_VERSION), str(len(offsets))]
    for tp in sorted(offsets):
        if not tp.topic or any(c.isspace() for c in tp.topic):
            raise ValueError(f"topic name {tp.topic!r} cannot be checkpointed")
        lines.append(f"{tp.topic} {tp.partition} {offsets[tp]}")
    return ("\n".join(lines) + "\n").encode()


def parse_offset_checkpoint(text: str, *, source: str = "checkpoint") -> dict[TopicPartition, int]:
    """Parse checkpoint text; CorruptCheckpointError on any deviation from the format."""
    lines = text.splitlines()
    try:
        if len(lines) < 2:
            raise ValueError("missing version or count line")
        version = int(lines[0])
        if version != CHECKPOINT_VERSION:
            raise ValueError(f"unsupported version {version}")
        count = int(lines[1])
        entries = lines[2:]
        if count != len(entries):
            raise ValueError(f"count line says {count} but {len(entries)} entries follow")
        out: dict[TopicPartition, int] = {}
        for line in entries:
            fields = line.split(" ")
            if len(fields) != 3:
                raise ValueError(f"malformed entry {line!r}")
            out[TopicPartition(fields[0], int(fields[1]))] = int(fields[2])
    except ValueError as exc:
        raise CorruptCheckpointError(f"{source}: {exc}") from exc
    return out


class OffsetCheckpointFile:
    """One offset checkpoint file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, offsets: Mapping[TopicPartition, int]) -> None:
        """Replace the file atomically (tmp, fsync, rename, fsync directory)."""
        write_file_atomically(self.path, format_offset_checkpoint(offsets))

    def read(self) -> dict[TopicPartition, int]:
        """The checkpointed offsets; empty if the file does not exist."""
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise LogStorageError(f"cannot read {self.path}: {exc}") from exc
        return parse_offset_checkpoint(text, source=str(self.path))
