"""The one-way import of the single-node file metadata log into the Raft metadata log: the old
format is read as before (torn tail cut, corruption refused) and becomes a Raft snapshot."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from broker.metadata.file_log_import import (
    FILE_LOG,
    IMPORTED_FILE_LOG,
    import_file_log,
    read_file_log,
)
from broker.metadata.log import MetadataLogError
from broker.metadata.raft_log import RAFT_DIR, RaftMetadataLog
from broker.metadata.records import (
    PartitionRecord,
    ProducerIdsRecord,
    TopicRecord,
    encode_batch,
)
from broker.metadata.snapshot import encode_image
from broker.raft.core import RaftConfig
from broker.raft.transport import NoPeers

TID = uuid.UUID("7f3a2b1c-0000-4000-8000-00000000abcd")


def _write(directory: Path, *batches: bytes) -> Path:
    path = directory / FILE_LOG
    path.write_bytes(b"".join(batches))
    return path


def _lone_log(directory: Path) -> RaftMetadataLog:
    return RaftMetadataLog(
        directory, RaftConfig(node_id=1, voters=frozenset({1})), NoPeers(), snapshot_bytes=1 << 20
    )


def test_file_log_replays_every_batch(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        encode_batch(0, [TopicRecord("orders", TID), PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0)]),
        encode_batch(2, [ProducerIdsRecord(1, 1000)]),
    )
    image = read_file_log(path)
    assert image.offset == 2  # the next record gets offset 3
    assert image.partition("orders", 0) is not None
    assert image.next_producer_id == 1000


def test_file_log_torn_tail_is_ignored(tmp_path: Path) -> None:
    torn = encode_batch(1, [PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0)])
    path = _write(tmp_path, encode_batch(0, [TopicRecord("t", TID)]), torn[: len(torn) // 2])
    image = read_file_log(path)
    assert image.offset == 0
    assert image.topic("t") is not None and image.partition("t", 0) is None


def test_file_log_corrupt_batch_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        encode_batch(0, [TopicRecord("t", TID)]),
        encode_batch(1, [ProducerIdsRecord(1, 1000)]),
    )
    data = bytearray(path.read_bytes())
    data[30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(MetadataLogError, match="corrupt"):
        read_file_log(path)
    with pytest.raises(MetadataLogError, match="corrupt"):
        import_file_log(tmp_path, tmp_path / RAFT_DIR)
    assert path.exists()  # nothing was imported, nothing renamed


def test_file_log_offsets_must_be_contiguous(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        encode_batch(0, [TopicRecord("t", TID)]),
        encode_batch(5, [ProducerIdsRecord(1, 1000)]),
    )
    with pytest.raises(MetadataLogError, match="corrupt"):
        read_file_log(path)


async def test_import_becomes_the_raft_snapshot_and_renames_the_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        encode_batch(0, [TopicRecord("orders", TID), PartitionRecord(TID, 0, (1,), (1,), 1, 0, 0)]),
        encode_batch(2, [ProducerIdsRecord(1, 1000)]),
    )
    expected = read_file_log(path)
    assert import_file_log(tmp_path, tmp_path / RAFT_DIR)
    assert not path.exists() and (tmp_path / IMPORTED_FILE_LOG).exists()
    assert not import_file_log(tmp_path, tmp_path / RAFT_DIR)  # nothing left to import
    log = _lone_log(tmp_path)
    assert log.existed
    image = await log.catch_up(1.0)
    assert encode_image(image) == encode_image(expected)
    assert log.end_offset == 3


async def test_a_raft_log_that_holds_state_is_never_overwritten(tmp_path: Path) -> None:
    # A crash after the import but before the rename leaves both: only the rename is redone.
    path = _write(tmp_path, encode_batch(0, [TopicRecord("orders", TID)]))
    assert import_file_log(tmp_path, tmp_path / RAFT_DIR)
    (tmp_path / IMPORTED_FILE_LOG).rename(path)
    _write(tmp_path, encode_batch(0, [TopicRecord("other", TID)]))
    assert not import_file_log(tmp_path, tmp_path / RAFT_DIR)
    assert not path.exists() and (tmp_path / IMPORTED_FILE_LOG).exists()
    image = await _lone_log(tmp_path).catch_up(1.0)
    assert image.topic("orders") is not None and image.topic("other") is None
