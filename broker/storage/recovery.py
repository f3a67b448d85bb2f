"""Directory-level recovery of a partition: leftovers of interrupted writes and compactions.

Run on every open, before segments are loaded:

* ``*.tmp`` (an atomic write that did not finish) and ``*.cleaned`` (a compaction output that
  was not committed) are deleted.
* A committed compaction swap, ``<base>.log.<upper>.swap``, replaces every old segment with a
  base offset in ``[base, upper)``: those files are deleted, then the ``.index.swap``,
  ``.timeindex.swap`` and ``.txnindex.swap`` files (if present) and the log swap are renamed
  into place. Compaction renames its ``.txnindex.swap`` (written even when empty) into place
  before the log swap, so a log swap without one means the ``.txnindex`` at its base is new.
  Index swaps without a log swap belong to an uncommitted compaction and are deleted.
* Index files without a ``.log`` are deleted.

Batch-level recovery (CRC validation from the recovery point) is ``LogSegment.recover``,
driven by ``PartitionLog.open``.
"""

from __future__ import annotations

import os
from pathlib import Path

from broker.storage.errors import LogStorageError
from broker.storage.fsutil import fsync_dir, remove_if_exists
from broker.storage.names import (
    CLEANED_SUFFIX,
    INDEX_SUFFIX,
    LOG_SUFFIX,
    SWAP_SUFFIX,
    TIME_INDEX_SUFFIX,
    TMP_SUFFIX,
    TXN_INDEX_SUFFIX,
    offset_file_name,
    parse_offset_file_name,
)

__all__ = ["log_swap_name", "parse_log_swap_suffix", "recover_directory"]

# The files of a segment: its log and three indexes.
_SEGMENT_SUFFIXES = (LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX)


def log_swap_name(base_offset: int, upper_offset: int) -> str:
    """``<base>.log.<upper>.swap``: a cleaned segment replacing bases in [base, upper)."""
    return offset_file_name(base_offset, f"{LOG_SUFFIX}.{upper_offset:020d}{SWAP_SUFFIX}")


def parse_log_swap_suffix(suffix: str) -> int | None:
    """The upper offset of a log swap file's suffix, or None if it is not one."""
    prefix = LOG_SUFFIX + "."
    if not (suffix.startswith(prefix) and suffix.endswith(SWAP_SUFFIX)):
        return None
    digits = suffix[len(prefix) : -len(SWAP_SUFFIX)]
    return int(digits) if digits.isdigit() else None


def _listdir(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError as exc:
        raise LogStorageError(f"cannot list {directory}: {exc}") from exc


def _rename(src: Path, dst: Path) -> None:
    try:
        os.replace(src, dst)
    except OSError as exc:
        raise LogStorageError(f"cannot rename {src} to {dst}: {exc}") from exc


def recover_directory(directory: Path) -> list[int]:
    """Clean up leftovers (see module doc); return the base offsets of the segments, sorted."""
    changed = False
    names = _listdir(directory)
    for name in names:
        if name.endswith((TMP_SUFFIX, CLEANED_SUFFIX)):
            changed |= remove_if_exists(directory / name)
    names = _listdir(directory)
    swaps: list[tuple[int, int, str]] = []
    for name in names:
        parsed = parse_offset_file_name(name)
        if parsed is None:
            continue
        upper = parse_log_swap_suffix(parsed[1])
        if upper is not None:
            swaps.append((parsed[0], upper, name))
    for base, upper, swap_name in sorted(swaps):
        # The txnindex swap is renamed into place before the log swap: without it, the
        # ``.txnindex`` at ``base`` (if any) is already the new one.
        txn_swapped = (directory / offset_file_name(base, TXN_INDEX_SUFFIX + SWAP_SUFFIX)).exists()
        for name in _listdir(directory):
            parsed = parse_offset_file_name(name)
            if parsed is None or not base <= parsed[0] < upper:
                continue
            if parsed == (base, TXN_INDEX_SUFFIX) and not txn_swapped:
                continue
            if parsed[1] in _SEGMENT_SUFFIXES:
                remove_if_exists(directory / name)
        for suffix in (INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX):
            swap = directory / offset_file_name(base, suffix + SWAP_SUFFIX)
            if swap.exists():
                _rename(swap, directory / offset_file_name(base, suffix))
        _rename(directory / swap_name, directory / offset_file_name(base, LOG_SUFFIX))
        changed = True
    bases: list[int] = []
    index_files: list[tuple[int, str]] = []
    for name in _listdir(directory):
        parsed = parse_offset_file_name(name)
        if parsed is None:
            continue
        offset, suffix = parsed
        if suffix == LOG_SUFFIX:
            bases.append(offset)
        elif suffix in (INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX):
            index_files.append((offset, name))
        elif suffix.endswith(SWAP_SUFFIX):
            changed |= remove_if_exists(directory / name)
    present = set(bases)
    for offset, name in index_files:
        if offset not in present:
            changed |= remove_if_exists(directory / name)
    if changed:
        fsync_dir(directory)
    return sorted(bases)
