"""One-way import of the single-node file metadata log into the Raft metadata log.

Before a single node ran as a quorum of one, it kept its metadata in
``<metadata dir>/metadata.log``: CRC-framed batches (``records.encode_batch``) appended one
after the other, offsets contiguous from 0, each fsynced. A data directory written that way
starts under the Raft log like this (``import_file_log``, at start-up, before the Raft log
opens):

1. the Raft log holds nothing (no snapshot, no entry, no hard state) and ``metadata.log``
   exists: its batches are replayed into an image, which becomes the Raft log's snapshot at
   index 1 (term 1, committed), so every topic, config and producer-id block is there and the
   next record gets the next offset;
2. ``metadata.log`` is renamed to ``metadata.log.imported`` and the directory fsynced.

A crash between the two leaves both: the Raft log then holds the snapshot, so the next start
only does step 2. Reading follows the old rules: a torn tail (a batch cut short, never
acknowledged) is ignored; a complete batch that fails its CRC, or offsets that are not
contiguous, is corruption and the broker refuses to start rather than guess.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Final

from broker.metadata.image import MetadataDelta, MetadataImage
from broker.metadata.log import MetadataLogError
from broker.metadata.records import MetadataRecordError, iter_batches
from broker.metadata.snapshot import encode_image
from broker.raft.core import HardState, Ready
from broker.raft.log import Snapshot
from broker.raft.storage import FileRaftStorage

__all__ = ["FILE_LOG", "IMPORTED_FILE_LOG", "import_file_log", "read_file_log"]

log = logging.getLogger("samsa.metadata")

#: The file metadata log's name in the metadata directory.
FILE_LOG: Final = "metadata.log"
#: What it is renamed to once imported (kept: the import is one-way, the old file is the
#: operator's to delete).
IMPORTED_FILE_LOG: Final = "metadata.log.imported"
#: Raft index and term of the snapshot an import writes.
IMPORT_INDEX: Final = 1
IMPORT_TERM: Final = 1


def read_file_log(path: Path) -> MetadataImage:
    """The image after every complete batch of the file log at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MetadataLogError(f"cannot read the metadata log {path}: {exc}") from exc
    delta = MetadataDelta(MetadataImage.empty())
    expected = 0
    good = 0
    try:
        for base, records, end in iter_batches(data):
            if base != expected:
                raise MetadataRecordError(
                    f"batch at position {good} has offset {base}, expected {expected}"
                )
            for i, record in enumerate(records):
                delta.replay(base + i, record)
            expected = base + len(records)
            good = end
    except MetadataRecordError as exc:
        raise MetadataLogError(f"metadata log {path} is corrupt: {exc}") from exc
    if good < len(data):
        log.warning("metadata log %s: ignoring a torn tail of %d bytes", path, len(data) - good)
    return delta.build()


def import_file_log(metadata_dir: Path, raft_dir: Path) -> bool:
    """Import ``metadata_dir/metadata.log`` into the Raft log in ``raft_dir`` if that holds
    nothing yet (see the module docstring); True when records were imported."""
    old = metadata_dir / FILE_LOG
    if not old.exists():
        return False
    imported = False
    storage = FileRaftStorage.open(raft_dir)
    try:
        state = storage.initial_state()
        if state.snapshot is None and not state.entries and state.hard_state == HardState():
            image = read_file_log(old)
            snapshot = Snapshot(IMPORT_INDEX, IMPORT_TERM, encode_image(image))
            storage.persist(
                Ready(
                    hard_state=HardState(term=IMPORT_TERM, vote=None, commit=IMPORT_INDEX),
                    entries=(),
                    snapshot=snapshot,
                    messages=(),
                    committed_entries=(),
                )
            )
            imported = True
            log.info(
                "imported the file metadata log %s (%d records, %d topics) into the raft log",
                old,
                image.offset + 1,
                len(image.topics_by_id),
            )
    finally:
        storage.close()
    os.replace(old, metadata_dir / IMPORTED_FILE_LOG)
    _fsync_dir(metadata_dir)
    return imported


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
