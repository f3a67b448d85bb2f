"""Typed errors of the storage layer.

Each one subclasses the ``protocol.errors`` class of the Kafka error code the broker answers
with, so a handler can map any of them with ``err.code``:

* ``LogStorageError`` -> KAFKA_STORAGE_ERROR: a write, fsync, read or rename failed on disk.
* ``LogOffsetOutOfRangeError`` -> OFFSET_OUT_OF_RANGE: a read before log start or after log end.
* ``RecordBatchTooLargeError`` -> MESSAGE_TOO_LARGE: a batch above ``max.message.bytes``.
* ``RecordSetTooLargeError`` -> RECORD_LIST_TOO_LARGE: one append larger than a segment.
* ``AppendOffsetError`` -> UNKNOWN_SERVER_ERROR: a follower append whose offsets go backwards.
* ``DurabilityTimeoutError`` -> REQUEST_TIMED_OUT: an fsync did not complete within the wait.
"""

from __future__ import annotations

from protocol.errors import (
    KafkaStorageError,
    MessageTooLargeError,
    OffsetOutOfRangeError,
    RecordListTooLargeError,
    RequestTimedOutError,
    UnknownServerError,
)

__all__ = [
    "AppendOffsetError",
    "CorruptCheckpointError",
    "DurabilityTimeoutError",
    "LogOffsetOutOfRangeError",
    "LogStorageError",
    "RecordBatchTooLargeError",
    "RecordSetTooLargeError",
]


class LogStorageError(KafkaStorageError):
    """A disk operation on a log failed (EIO, ENOSPC, ...); the partition answers
    KAFKA_STORAGE_ERROR. Nothing acknowledged is lost and the log stays readable.

    ``rollback_failed`` is True when a failed append could not even be cut back off the file:
    the log then refuses further appends until it is reopened (and recovered).
    """

    def __init__(self, message: str | None = None, *, rollback_failed: bool = False) -> None:
        super().__init__(message)
        self.rollback_failed = rollback_failed


class CorruptCheckpointError(LogStorageError):
    """A checkpoint file (offsets, leader epochs) does not parse."""


class LogOffsetOutOfRangeError(OffsetOutOfRangeError):
    """A read or lookup asked for an offset outside ``[log_start_offset, log_end_offset]``."""

    def __init__(self, offset: int, log_start_offset: int, log_end_offset: int) -> None:
        super().__init__(
            f"offset {offset} is outside the log's range "
            f"[{log_start_offset}, {log_end_offset}]"
        )
        self.offset = offset
        self.log_start_offset = log_start_offset
        self.log_end_offset = log_end_offset


class RecordBatchTooLargeError(MessageTooLargeError):
    """A batch is larger than the topic's ``max.message.bytes``."""


class RecordSetTooLargeError(RecordListTooLargeError):
    """One append is larger than ``segment.bytes`` and would not fit any segment."""


class AppendOffsetError(UnknownServerError):
    """A follower append carries offsets below the log end offset or out of order."""


class DurabilityTimeoutError(RequestTimedOutError):
    """The flush that would make an append durable did not finish within the wait."""
