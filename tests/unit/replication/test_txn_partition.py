"""``Partition`` and transactions: the last stable offset moves with the high watermark and the
markers; read_committed reads stop at it; aborted transactions are indexed; followers and
start-up replay keep the same state; a seeded model checks the LSO = min rule. Then the same
through the ``ReplicaManager`` of an embedded broker, restarted."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.kafka_ops import create_topic
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.metadata.image import PartitionImage
from broker.replication.appends import AppendFailure
from broker.replication.manager import ReplicaManager, load_producer_state
from broker.replication.partition import AppendResult, Partition
from broker.storage.manager import LogManager
from broker.storage.txn_index import TXN_INDEX_ENTRY_SIZE
from protocol.errors import (
    ErrorCode,
    InvalidProducerEpochError,
    InvalidTxnStateError,
    NotLeaderOrFollowerError,
    TransactionCoordinatorFencedError,
)
from protocol.records import RecordBatch, iter_batches
from protocol.records.batch import ControlRecordType
from protocol.records.builder import RecordBatchBuilder
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(60)

TP = TopicPartition("t", 0)


def _state(leader: int, replicas: tuple[int, ...] = (1,)) -> PartitionImage:
    return PartitionImage(0, replicas, replicas, leader, 3, 0)


class Replica:
    """A partition over its own log directory, reopened like a broker restart."""

    def __init__(self, root: Path, node_id: int, state: PartitionImage) -> None:
        self.root = root
        self.node_id = node_id
        self.state = state
        self.manager: LogManager | None = None
        self.partition = self.open()

    def open(self) -> Partition:
        self.manager = LogManager([self.root])
        self.manager.startup(now_ms=0)
        log = self.manager.get_or_create_log(TP, now_ms=0)
        return Partition(
            TP,
            uuid.uuid4(),
            log,
            self.state,
            node_id=self.node_id,
            producers=load_producer_state(log, 0),
        )

    def restart(self, *, lose_last_index_entry: bool = False) -> Partition:
        self.close()
        if lose_last_index_entry:  # as if the entry's write never reached the disk
            newest = max(self.root.rglob("*.txnindex"))
            with newest.open("r+b") as f:
                f.truncate(newest.stat().st_size - TXN_INDEX_ENTRY_SIZE)
        self.partition = self.open()
        return self.partition

    def close(self) -> None:
        if self.manager is not None:
            self.manager.shutdown()
            self.manager = None


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    found = Replica(tmp_path / "leader", 1, _state(1))
    yield found
    found.close()


def _txn_batch(pid: int, seq: int, n: int = 1, *, epoch: int = 0, txn: bool = True) -> bytes:
    builder = RecordBatchBuilder(
        producer_id=pid, producer_epoch=epoch, base_sequence=seq, is_transactional=txn
    )
    for i in range(n):
        builder.append(b"v%d" % i, timestamp_ms=1000 + i)
    return builder.build()


def _append(p: Partition, records: bytes, **kwargs: Any) -> int:
    """Append as leader; returns the base offset."""
    return p.append_records_as_leader(records, required_acks=1, now_ms=0, **kwargs).base_offset


def _commit_to(p: Partition, offset: int) -> None:
    """Move the high watermark of a cluster of one to ``offset``."""
    p.maybe_advance_high_watermark(offset)


def _read(p: Partition, offset: int = 0, **kwargs: Any) -> list[RecordBatch]:
    with p.read(offset, 1 << 20, min_one_batch=True, committed_only=True, **kwargs) as found:
        data = found.read_bytes()
    return list(iter_batches(memoryview(data)))


def test_lso_moves_with_the_high_watermark_and_the_markers(replica: Replica) -> None:
    p = replica.partition
    _append(p, make_batch([b"plain"]))
    _commit_to(p, 1)
    assert p.last_stable_offset == 1
    assert _append(p, _txn_batch(5, 0, 2)) == 1
    _commit_to(p, 3)
    assert (p.high_watermark, p.last_stable_offset) == (3, 1)
    assert p.log.first_unstable_offset == 1
    result = p.write_txn_marker(5, 0, 0, True, 0)
    assert (result.base_offset, result.next_offset) == (3, 4)
    assert p.last_stable_offset == 1  # the marker is not replicated yet
    _commit_to(p, 4)
    assert p.last_stable_offset == 4
    assert p.log.first_unstable_offset is None


def test_read_committed_reads_stop_at_the_lso(replica: Replica) -> None:
    p = replica.partition
    _append(p, make_batch([b"a"]))
    _append(p, _txn_batch(5, 0))
    _append(p, make_batch([b"b"]))
    _commit_to(p, 3)
    assert [b.base_offset for b in _read(p)] == [0, 1, 2]
    assert [b.base_offset for b in _read(p, read_committed=True)] == [0]
    p.write_txn_marker(5, 0, 0, False, 0)
    _commit_to(p, 4)
    committed = _read(p, read_committed=True)
    assert [b.base_offset for b in committed] == [0, 1, 2, 3]
    marker = committed[-1].control_record()
    assert (marker.type, marker.coordinator_epoch) == (ControlRecordType.ABORT, 0)


def test_aborted_transactions_are_indexed(replica: Replica) -> None:
    p = replica.partition
    _append(p, _txn_batch(1, 0))  # 0
    _append(p, _txn_batch(2, 0))  # 1
    _append(p, _txn_batch(1, 1))  # 2
    p.write_txn_marker(1, 0, 0, False, 0)  # 3: aborted while 2's is open from 1
    p.write_txn_marker(2, 0, 0, True, 0)  # 4
    _append(p, _txn_batch(2, 1))  # 5
    p.write_txn_marker(2, 0, 0, False, 0)  # 6: aborted, nothing else open
    _commit_to(p, 7)
    found = [
        (t.producer_id, t.first_offset, t.last_offset, t.last_stable_offset)
        for t in p.aborted_transactions(0, p.last_stable_offset)
    ]
    assert found == [(1, 0, 3, 1), (2, 5, 6, 7)]
    assert [t.producer_id for t in p.aborted_transactions(4, 7)] == [2]
    assert p.aborted_transactions(0, 0) == []


def test_marker_rules(replica: Replica) -> None:
    p = replica.partition
    _append(p, _txn_batch(1, 0, epoch=2))
    p.write_txn_marker(1, 2, 5, True, 0)
    end = p.log.log_end_offset
    with pytest.raises(InvalidProducerEpochError):
        p.write_txn_marker(1, 1, 5, True, 0)
    with pytest.raises(TransactionCoordinatorFencedError):
        p.write_txn_marker(1, 2, 4, True, 0)
    assert p.log.log_end_offset == end  # nothing written
    # No open transaction (or an unknown producer): written all the same, no state change.
    assert p.write_txn_marker(1, 2, 5, False, 0).base_offset == end
    assert p.write_txn_marker(99, 0, 5, False, 0).base_offset == end + 1
    assert p.producers.get(99) is None
    # A fencing abort bumps the epoch: the zombie's next batch is refused.
    _append(p, _txn_batch(1, 1, epoch=2))
    p.write_txn_marker(1, 3, 6, False, 0)
    with pytest.raises(InvalidProducerEpochError):
        _append(p, _txn_batch(1, 2, epoch=2))


def test_transactional_produce_rules(replica: Replica) -> None:
    p = replica.partition
    assert p.needs_txn_verification(5)
    _append(p, _txn_batch(5, 0))
    assert not p.needs_txn_verification(5)
    assert p.needs_txn_verification(6)
    with pytest.raises(InvalidTxnStateError):
        _append(p, _txn_batch(5, 1, txn=False))
    entries = p.producers_snapshot()
    assert [(e.producer_id, e.current_txn_first_offset) for e in entries] == [(5, 0)]
    p.write_txn_marker(5, 0, 0, True, 0)
    assert p.needs_txn_verification(5)
    _append(p, _txn_batch(5, 1, txn=False))  # a plain batch is fine again


def test_group_coordinator_writes_skip_sequences(replica: Replica) -> None:
    p = replica.partition
    _append(p, _txn_batch(5, -1, epoch=1), from_coordinator=True)
    _append(p, _txn_batch(5, -1, epoch=1), from_coordinator=True)  # no sequence checks
    assert p.log.log_end_offset == 2
    assert p.producers_snapshot()[0].current_txn_first_offset == 0
    with pytest.raises(InvalidProducerEpochError):
        _append(p, _txn_batch(5, -1, epoch=0), from_coordinator=True)


def test_followers_complete_transactions_and_index_aborts(tmp_path: Path) -> None:
    leader = Replica(tmp_path / "l3", 1, _state(1, (1, 2)))
    follower = Replica(tmp_path / "f3", 2, _state(1, (1, 2)))
    try:
        lp, fp = leader.partition, follower.partition
        _append(lp, _txn_batch(1, 0))
        _append(lp, make_batch([b"x"]))
        lp.write_txn_marker(1, 0, 0, False, 0)
        _append(lp, _txn_batch(2, 0))
        with lp.log.read(0, 1 << 20, min_one_batch=True) as found:
            copied = found.read_bytes()
        with pytest.raises(NotLeaderOrFollowerError):
            lp.append_as_follower(copied, 0)
        assert fp.append_as_follower(copied, 0) == 4
        assert fp.producers.open_transactions() == {2: 3}
        assert [(t.first_offset, t.last_offset) for t in fp.aborted_transactions(0, 4)] == [(0, 2)]
        fp.update_follower_high_watermark(2)
        assert fp.last_stable_offset == 0  # the abort marker at 2 is not committed yet
        fp.update_follower_high_watermark(4)
        assert fp.last_stable_offset == 3
        assert fp.log.first_unstable_offset == 3
    finally:
        leader.close()
        follower.close()


@pytest.mark.parametrize("snapshot", [False, True])
def test_restart_keeps_open_transactions(replica: Replica, snapshot: bool) -> None:
    p = replica.partition
    _append(p, _txn_batch(1, 0))  # 0
    _append(p, _txn_batch(2, 0))  # 1
    p.write_txn_marker(2, 0, 0, False, 0)  # 2
    if snapshot:
        p.log.producer_snapshots.write(p.log.log_end_offset, p.producers.snapshot())
    _append(p, _txn_batch(1, 1))  # 3
    _append(p, _txn_batch(3, 0))  # 4
    p.write_txn_marker(3, 0, 0, False, 0)  # 5
    aborted = [(t.first_offset, t.last_offset) for t in p.aborted_transactions(0, 6)]
    assert aborted == [(1, 2), (4, 5)]
    p = replica.restart(lose_last_index_entry=True)  # replay must add it again
    assert p.high_watermark == 6
    assert p.producers.open_transactions() == {1: 0}
    assert p.last_stable_offset == 0
    assert [(t.first_offset, t.last_offset) for t in p.aborted_transactions(0, 6)] == aborted
    with pytest.raises(InvalidTxnStateError):
        _append(p, _txn_batch(1, 2, txn=False))
    p.write_txn_marker(1, 0, 0, True, 0)  # 6
    assert p.last_stable_offset == 0
    _commit_to(p, 7)
    assert p.last_stable_offset == 7
    p = replica.restart()
    assert p.producers.open_transactions() == {}
    assert p.last_stable_offset == 7


@pytest.mark.parametrize("seed", range(20))
def test_lso_is_the_minimum_of_the_model(tmp_path: Path, seed: int) -> None:
    """Random appends (transactional or not), markers and high-watermark moves: the LSO is
    min(high watermark, first offsets of the open transactions and of those whose marker is
    at or past the high watermark)."""
    rng = random.Random(seed)
    replica = Replica(tmp_path, 1, _state(1))
    p = replica.partition
    sequences = {pid: 0 for pid in (1, 2, 3)}
    open_txns: dict[int, int] = {}
    completed: list[tuple[int, int]] = []  # first offset, marker offset
    try:
        for _ in range(60):
            action = rng.random()
            end = p.log.log_end_offset
            if action < 0.35:
                pid = rng.choice([1, 2, 3])
                _append(p, _txn_batch(pid, sequences[pid]))
                sequences[pid] += 1
                open_txns.setdefault(pid, end)
            elif action < 0.5:
                _append(p, make_batch([b"plain"]))
            elif action < 0.75:
                pid = rng.choice([1, 2, 3])
                p.write_txn_marker(pid, 0, 0, rng.random() < 0.5, 0)
                if pid in open_txns:
                    completed.append((open_txns.pop(pid), end))
            else:
                _commit_to(p, rng.randint(p.high_watermark, end))
            hw = p.high_watermark
            firsts = [*open_txns.values(), *(f for f, m in completed if m >= hw)]
            assert p.last_stable_offset == min([hw, *firsts])
            assert p.log.first_unstable_offset == (min(firsts) if firsts else None)
    finally:
        replica.close()


# -- through the ReplicaManager of an embedded broker -------------------------------------


async def _settle(manager: ReplicaManager, found: AppendResult | AppendFailure) -> AppendResult:
    assert isinstance(found, AppendResult), found
    waiting = manager.acknowledge((found,), -1, 10_000)
    if waiting is not None:
        await waiting
    assert found.error_code == ErrorCode.NONE
    return found


async def test_markers_through_the_manager_and_a_restart(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "tx")
        await client.close()
        manager = broker.replica_manager
        assert manager is not None
        now = manager.clock_ms()
        await _settle(
            manager, manager.append("tx", 0, _txn_batch(3, 0), required_acks=-1, now_ms=now)
        )
        await _settle(
            manager, manager.append("tx", 0, _txn_batch(4, 0), required_acks=-1, now_ms=now)
        )
        marker = await _settle(
            manager,
            manager.write_txn_marker(
                "tx",
                0,
                producer_id=4,
                producer_epoch=0,
                coordinator_epoch=2,
                commit=False,
                now_ms=now,
            ),
        )
        assert marker.base_offset == 2
        fenced = manager.write_txn_marker(
            "tx", 0, producer_id=4, producer_epoch=0, coordinator_epoch=1, commit=True, now_ms=now
        )
        assert isinstance(fenced, AppendFailure)
        assert fenced.code == ErrorCode.TRANSACTION_COORDINATOR_FENCED
        missing = manager.write_txn_marker(
            "nope", 0, producer_id=4, producer_epoch=0, coordinator_epoch=2, commit=True, now_ms=now
        )
        assert isinstance(missing, AppendFailure)
        partition = manager.get_partition("tx", 0)
        assert (partition.high_watermark, partition.last_stable_offset) == (3, 0)
        assert [t.producer_id for t in partition.aborted_transactions(0, 3)] == [4]
    async with Broker.embedded(tmp_path) as broker:
        manager = broker.replica_manager
        assert manager is not None
        partition = manager.get_partition("tx", 0)
        assert partition.producers.open_transactions() == {3: 0}
        assert partition.last_stable_offset == 0
        assert [t.producer_id for t in partition.aborted_transactions(0, 3)] == [4]
        await _settle(
            manager,
            manager.write_txn_marker(
                "tx",
                0,
                producer_id=3,
                producer_epoch=0,
                coordinator_epoch=2,
                commit=True,
                now_ms=manager.clock_ms(),
            ),
        )
        assert partition.last_stable_offset == partition.high_watermark == 4
