"""File formats byte for byte: names, checkpoints, indexes, epoch checkpoint, snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.storage import CorruptCheckpointError, LeaderEpochCache, TopicPartition
from broker.storage.checkpoint import (
    OffsetCheckpointFile,
    format_offset_checkpoint,
    parse_offset_checkpoint,
)
from broker.storage.epoch_cache import EpochEntry, format_epoch_checkpoint
from broker.storage.index import OffsetIndex, TimeIndex
from broker.storage.names import (
    offset_file_name,
    parse_offset_file_name,
    parse_partition_dir_name,
    partition_dir_name,
)
from broker.storage.recovery import log_swap_name, parse_log_swap_suffix
from broker.storage.snapshots import ProducerSnapshotStore


def test_segment_file_names_are_20_digit_offsets() -> None:
    assert offset_file_name(0, ".log") == "00000000000000000000.log"
    assert offset_file_name(368769, ".index") == "00000000000000368769.index"
    assert offset_file_name(2**63 - 1, ".timeindex") == "09223372036854775807.timeindex"
    assert parse_offset_file_name("00000000000000000042.log") == (42, ".log")
    assert parse_offset_file_name("00000000000000000042.index.swap") == (42, ".index.swap")
    assert parse_offset_file_name("leader-epoch-checkpoint") is None
    assert parse_offset_file_name("0000000000000000004.log") is None
    with pytest.raises(ValueError):
        offset_file_name(-1, ".log")


def test_log_swap_name_carries_the_replaced_range() -> None:
    name = log_swap_name(5, 150)
    assert name == "00000000000000000005.log.00000000000000000150.swap"
    parsed = parse_offset_file_name(name)
    assert parsed is not None and parsed[0] == 5
    assert parse_log_swap_suffix(parsed[1]) == 150
    assert parse_log_swap_suffix(".index.swap") is None


def test_partition_dir_names() -> None:
    tp = TopicPartition("my-topic", 7)
    assert partition_dir_name(tp) == "my-topic-7"
    assert parse_partition_dir_name("my-topic-7") == tp
    assert parse_partition_dir_name("my-topic-7.abcdef-delete") is None
    assert parse_partition_dir_name("nodash") is None
    assert parse_partition_dir_name("-3") is None


def test_offset_checkpoint_bytes(tmp_path: Path) -> None:
    offsets = {TopicPartition("b", 1): 99, TopicPartition("a", 0): 1234}
    expected = b"0\n2\na 0 1234\nb 1 99\n"
    assert format_offset_checkpoint(offsets) == expected
    cp = OffsetCheckpointFile(tmp_path / "recovery-point-offset-checkpoint")
    cp.write(offsets)
    assert cp.path.read_bytes() == expected
    assert cp.read() == offsets
    assert not list(tmp_path.glob("*.tmp"))
    assert format_offset_checkpoint({}) == b"0\n0\n"


def test_offset_checkpoint_missing_is_empty(tmp_path: Path) -> None:
    assert OffsetCheckpointFile(tmp_path / "nope").read() == {}


@pytest.mark.parametrize(
    "text",
    ["", "1\n0\n", "0\n2\na 0 1\n", "0\n1\na 0\n", "0\n1\na x 1\n", "zero\n0\n"],
)
def test_offset_checkpoint_rejects_malformed(text: str) -> None:
    with pytest.raises(CorruptCheckpointError):
        parse_offset_checkpoint(text)


def test_offset_index_entries_are_big_endian_relative(tmp_path: Path) -> None:
    index = OffsetIndex(tmp_path / "x.index", 100, 10, loaded=True)
    index.append(105, 4096)
    index.append(130, 8200)
    assert index.to_bytes() == (
        (5).to_bytes(4, "big") + (4096).to_bytes(4, "big")
        + (30).to_bytes(4, "big") + (8200).to_bytes(4, "big")
    )
    index.write_file(sync=False)
    loaded = OffsetIndex(tmp_path / "x.index", 100, 10)
    assert loaded.entries == 2
    assert loaded.lookup(99) == (100, 0)
    assert loaded.lookup(104) == (100, 0)
    assert loaded.lookup(105) == (105, 4096)
    assert loaded.lookup(129) == (105, 4096)
    assert loaded.lookup(10**9) == (130, 8200)
    assert loaded.lookup_position(8199) == (105, 4096)
    assert loaded.lookup_position(8200) == (130, 8200)
    loaded.truncate_to(130)
    assert loaded.entries == 1
    with pytest.raises(ValueError):
        loaded.append(104, 9000)


def test_time_index_entries(tmp_path: Path) -> None:
    index = TimeIndex(tmp_path / "x.timeindex", 100, 10, loaded=True)
    assert index.maybe_append(5_000, 100)
    assert not index.maybe_append(5_000, 110)  # not larger: skipped
    assert index.maybe_append(7_000, 120)
    assert index.to_bytes() == (
        (5_000).to_bytes(8, "big") + (0).to_bytes(4, "big")
        + (7_000).to_bytes(8, "big") + (20).to_bytes(4, "big")
    )
    index.write_file(sync=False)
    loaded = TimeIndex(tmp_path / "x.timeindex", 100, 10)
    assert loaded.lookup(4_999) is None
    assert loaded.lookup(6_000) == (5_000, 100)
    assert loaded.lookup(7_000) == (7_000, 120)
    assert loaded.last_entry == (7_000, 120)
    loaded.truncate_to(120)
    assert loaded.entries == 1


def test_index_sanity_check(tmp_path: Path) -> None:
    from broker.storage.index import CorruptIndexError

    path = tmp_path / "y.index"
    path.write_bytes(b"\x00" * 12)  # not a multiple of 8
    with pytest.raises(CorruptIndexError):
        OffsetIndex(path, 0, 10).sanity_check(100)
    path.write_bytes((5).to_bytes(4, "big") + (50).to_bytes(4, "big"))
    OffsetIndex(path, 0, 10).sanity_check(100)
    with pytest.raises(CorruptIndexError):
        OffsetIndex(path, 0, 10).sanity_check(40)  # points past the log
    with pytest.raises(CorruptIndexError):
        OffsetIndex(tmp_path / "missing.index", 0, 10).sanity_check(10)


def test_index_budget_unloads_least_recently_used(tmp_path: Path) -> None:
    from broker.storage.index import IndexBudget

    budget = IndexBudget(max_bytes=16)
    indexes = []
    for n in range(3):
        idx = OffsetIndex(tmp_path / f"{n}.index", 0, 10, loaded=True)
        idx.append(1, 10)
        idx.write_file(sync=False)
        indexes.append(OffsetIndex(idx.path, 0, 10, budget=budget))
    for idx in indexes:
        assert idx.lookup(5) == (1, 10)
    assert budget.resident_bytes <= 16
    assert not indexes[0].is_loaded and indexes[2].is_loaded
    assert indexes[0].lookup(5) == (1, 10)  # reloaded on demand


def test_leader_epoch_checkpoint_bytes(tmp_path: Path) -> None:
    path = tmp_path / "leader-epoch-checkpoint"
    cache = LeaderEpochCache(path)
    cache.assign(0, 0)
    cache.assign(3, 120)
    assert path.read_bytes() == b"0\n2\n0 0\n3 120\n"
    assert format_epoch_checkpoint([EpochEntry(1, 5)]) == b"0\n1\n1 5\n"
    assert LeaderEpochCache(path).entries == [EpochEntry(0, 0), EpochEntry(3, 120)]
    path.write_text("0\n3\n1 1\n")
    with pytest.raises(CorruptCheckpointError):
        LeaderEpochCache(path)


def test_leader_epoch_cache_semantics() -> None:
    cache = LeaderEpochCache(None)
    assert cache.end_offset_for(0, 10) == (-1, -1)
    assert cache.assign(1, 0)
    assert not cache.assign(1, 5)  # same epoch, later offset: no change
    assert not cache.assign(0, 7)  # older epoch: ignored
    assert cache.assign(2, 10)
    assert cache.assign(4, 20)
    assert cache.epoch_for_offset(15) == 2
    assert cache.end_offset_for(4, 33) == (4, 33)
    assert cache.end_offset_for(2, 33) == (2, 20)
    assert cache.end_offset_for(3, 33) == (2, 20)
    assert cache.end_offset_for(0, 33) == (0, 0)
    assert cache.end_offset_for(5, 33) == (-1, -1)
    # A new epoch starting below existing entries replaces them.
    assert cache.assign(5, 15)
    assert cache.entries == [EpochEntry(1, 0), EpochEntry(2, 10), EpochEntry(5, 15)]
    cache.truncate_from_end(10)
    assert cache.entries == [EpochEntry(1, 0)]
    cache.assign(2, 10)
    cache.assign(3, 30)
    cache.truncate_from_start(12)
    assert cache.entries == [EpochEntry(2, 12), EpochEntry(3, 30)]
    cache.clear()
    assert cache.latest_epoch is None


def test_producer_snapshot_store(tmp_path: Path) -> None:
    store = ProducerSnapshotStore(tmp_path)
    assert store.latest() is None
    store.write(10, b"ten")
    store.write(30, b"thirty")
    store.write(20, b"twenty")
    assert (tmp_path / "00000000000000000020.snapshot").read_bytes() == b"twenty"
    assert store.offsets() == [10, 20, 30]
    assert store.latest() == (30, b"thirty")
    assert store.latest(at_or_below=25) == (20, b"twenty")
    assert store.delete_older_than(20) == 1
    assert store.delete_newer_than(20) == 1
    assert store.offsets() == [20]
    assert not list(tmp_path.glob("*.tmp"))
