"""Storage errors told to operators: once per partition and state change, never per request.

A partition whose appends fail (ENOSPC, EIO, ...) answers KAFKA_STORAGE_ERROR to every producer
until an append succeeds again; one whose fsync failed goes offline (appends refused until the
broker restarts and recovers the log). Clients see the error code on every request; operators
get one ERROR line when the state begins (with the file, the cause and the free space of the
log's file system) and one line when appends succeed again.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from protocol.types import TopicPartition

__all__ = ["StorageHealth", "describe_free_space"]

log = logging.getLogger("samsa.storage")

_MIB = 1024 * 1024


def describe_free_space(directory: Path) -> str:
    """``"<free> MiB free of <total> MiB on <directory>"`` (or why it is unknown)."""
    try:
        usage = shutil.disk_usage(directory)
    except OSError as exc:
        return f"free space on {directory} unknown ({exc})"
    return (
        f"{usage.free / _MIB:.1f} MiB free of {usage.total / _MIB:.1f} MiB on {directory} "
        f"({usage.free} bytes free)"
    )


class StorageHealth:
    """The storage state of one partition log, as operators were told it."""

    __slots__ = ("append_failures", "appends_failing", "directory", "offline", "tp")

    def __init__(self, tp: TopicPartition, directory: Path) -> None:
        self.tp = tp
        self.directory = directory
        #: Whether appends fail (reported once; cleared by the next successful append).
        self.appends_failing = False
        #: Whether the log went offline (reported once; lasts until the log is reopened).
        self.offline = False
        #: Appends that failed with a storage error (every one, reported or not).
        self.append_failures = 0

    def append_failed(self, error: Exception) -> None:
        """An append failed on disk; the first failure of a run is logged."""
        self.append_failures += 1
        if self.appends_failing or self.offline:
            return
        self.appends_failing = True
        log.error(
            "%s: appends fail: %s; %s. The partition answers KAFKA_STORAGE_ERROR until an "
            "append succeeds (logged once until then)",
            self.tp,
            error,
            describe_free_space(self.directory),
        )

    def append_succeeded(self) -> None:
        """An append succeeded after failures (call only while ``appends_failing``)."""
        self.appends_failing = False
        log.warning(
            "%s: appends succeed again; %s",
            self.tp,
            describe_free_space(self.directory),
        )

    def went_offline(self, error: Exception) -> None:
        """The log was taken offline (a failed fsync or a failed append that could not be
        cut back); logged once."""
        if self.offline:
            return
        self.offline = True
        self.appends_failing = False
        log.error(
            "%s is offline: %s; %s. Appends are refused with KAFKA_STORAGE_ERROR (reads are "
            "still served) until the broker restarts and recovers the log",
            self.tp,
            error,
            describe_free_space(self.directory),
        )
