"""A partition directory's ``partition.metadata``: the id of the topic its log belongs to, in
Kafka's format (``version: 0``, then ``topic_id:`` and the id as URL-safe base64 without
padding).

A topic deleted and created again under the same name keeps its directory name but gets a new
id. A broker that was down meanwhile, or stopped between learning of the change and deleting
the old log, still has the old topic's log there; the recorded id is what tells it apart.

The file is written without an fsync (a new partition's first flush makes its directory
durable, not this file): after a crash it may be missing or torn, and is then read as
unrecorded and written again with the topic id the metadata gives.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from pathlib import Path
from typing import Final

from broker.storage.errors import LogStorageError
from broker.storage.fsutil import write_file_atomically

__all__ = ["PARTITION_METADATA_FILE", "read_topic_id", "write_topic_id"]

PARTITION_METADATA_FILE: Final = "partition.metadata"
#: The file holds two short lines; anything longer was not written by a broker, and is not read.
MAX_PARTITION_METADATA_BYTES: Final = 1024
_VERSION: Final = "0"


def _encode(topic_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(topic_id.bytes).decode().rstrip("=")


def read_topic_id(directory: Path) -> uuid.UUID | None:
    """The topic id recorded in ``directory``; None if there is no file or it cannot be
    read as one (torn, or of another version). Raises LogStorageError on an IO error."""
    path = directory / PARTITION_METADATA_FILE
    try:
        with path.open("rb") as f:
            data = f.read(MAX_PARTITION_METADATA_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LogStorageError(f"cannot read {path}: {exc}") from exc
    if len(data) > MAX_PARTITION_METADATA_BYTES:
        return None
    fields: dict[str, str] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    text = fields.get("topic_id")
    if fields.get("version") != _VERSION or text is None or len(text) != 22:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    return uuid.UUID(bytes=raw) if len(raw) == 16 else None


def write_topic_id(directory: Path, topic_id: uuid.UUID) -> None:
    """Record ``topic_id`` in ``directory`` (which must exist), replacing what was there."""
    data = f"version: {_VERSION}\ntopic_id: {_encode(topic_id)}\n".encode()
    write_file_atomically(directory / PARTITION_METADATA_FILE, data, sync=False)
