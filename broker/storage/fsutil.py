"""Small durable-filesystem helpers: fsync a directory, write a file atomically."""

from __future__ import annotations

import os
from pathlib import Path

from broker.storage.errors import LogStorageError
from broker.storage.names import TMP_SUFFIX

__all__ = ["fsync_dir", "remove_if_exists", "write_file_atomically"]


def fsync_dir(path: Path) -> None:
    """fsync a directory so that file creations, renames and deletions in it are durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise LogStorageError(f"cannot open directory {path}: {exc}") from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        raise LogStorageError(f"cannot fsync directory {path}: {exc}") from exc
    finally:
        os.close(fd)


def write_file_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Replace ``path`` with ``data`` all at once: write ``<path>.tmp``, fsync, rename, fsync
    the directory. A crash leaves either the old file or the new one (and maybe a stale tmp)."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        raise LogStorageError(f"cannot write {path}: {exc}") from exc
    if sync:
        fsync_dir(path.parent)


def remove_if_exists(path: Path) -> bool:
    """Unlink ``path``; True if it existed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise LogStorageError(f"cannot delete {path}: {exc}") from exc
    return True
