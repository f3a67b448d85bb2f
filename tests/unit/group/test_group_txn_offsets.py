"""TxnOffsetCommit: offsets pending per producer until the transaction's marker (KIP-98/447)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from unit.group.group_harness import GROUP, Harness, Reply, config

from broker.group import Append, GroupCoordinatorCore, load
from broker.group.records import (
    CONTROL_ABORT,
    CONTROL_COMMIT,
    OffsetAndMetadata,
    ReplayBatch,
    TopicPartition,
)
from protocol.errors import ErrorCode
from protocol.messages import TxnOffsetCommitRequest

pytestmark = pytest.mark.timeout(30)

PID = 4000
EPOCH = 3
TP = TopicPartition("t", 0)

_Topic = TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
_Part = _Topic.TxnOffsetCommitRequestPartition


@dataclass
class TxnHarness(Harness):
    """A harness whose log keeps batches (with their producer) and takes markers."""

    batches: list[ReplayBatch] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)

    def _finish_append(self, append: Append, error: ErrorCode) -> None:
        if error is ErrorCode.NONE:
            self.appends.append(append)
            self.batches.append(
                ReplayBatch(
                    append.records,
                    producer_id=append.producer_id,
                    is_transactional=append.producer_id >= 0,
                )
            )
        super()._finish_append(append, error)

    def txn_commit(
        self,
        offsets: dict[tuple[str, int], int],
        *,
        producer_id: int = PID,
        group_id: str = GROUP,
        version: int = 3,
        generation: int = -1,
        member_id: str = "",
        instance_id: str | None = None,
        metadata: str | None = "",
        partition_exists: Any = None,
    ) -> Reply[Any]:
        topics: dict[str, list[_Part]] = {}
        for (topic, partition), offset in offsets.items():
            topics.setdefault(topic, []).append(
                _Part(
                    partition_index=partition,
                    committed_offset=offset,
                    committed_leader_epoch=7,
                    committed_metadata=metadata,
                )
            )
        req = TxnOffsetCommitRequest(
            transactional_id="tx",
            group_id=group_id,
            producer_id=producer_id,
            producer_epoch=EPOCH,
            generation_id=generation,
            member_id=member_id,
            group_instance_id=instance_id,
            topics=[_Topic(name=t, partitions=ps) for t, ps in topics.items()],
        )
        out = self.core.txn_offset_commit(req, version, self.now, partition_exists=partition_exists)
        self.apply(out)
        return Reply(self, out)

    def marker(self, commit: bool, *, producer_id: int = PID, group_id: str = GROUP) -> None:
        partition = self.core.partition_for(group_id)
        control = CONTROL_COMMIT if commit else CONTROL_ABORT
        self.batches.append(ReplayBatch(producer_id=producer_id, control=control))
        self.apply(self.core.complete_txn(partition, producer_id, commit, self.now))

    def restart(self) -> None:
        core = GroupCoordinatorCore(self.cfg, new_member_id=self._member_id, owned_partitions=())
        state = load(self.batches)
        for p in range(self.cfg.offsets_topic_num_partitions):
            core.begin_loading(p)
        self.core = core
        self.completed.clear()
        for p in range(self.cfg.offsets_topic_num_partitions):
            self.apply(core.finish_loading(p, state, self.now))


def errors(reply: Any) -> dict[tuple[str, int], ErrorCode]:
    return {
        (t.name, p.partition_index): ErrorCode(p.error_code)
        for t in reply().topics
        for p in t.partitions
    }


def fetch(h: Harness, *, stable: bool = False) -> dict[tuple[str, int], tuple[int, ErrorCode]]:
    reply = h.fetch([("t", 0), ("t", 1)], require_stable=stable)
    return {
        (t.name, p.partition_index): (p.committed_offset, ErrorCode(p.error_code))
        for t in reply().topics
        for p in t.partitions
    }


def visible(h: Harness) -> dict[tuple[str, int], int]:
    return h.committed()


# -- the transitions of pending offsets, table-driven ------------------------------------------

# Each step: ("txn", offset) a TxnOffsetCommit of t-0 by PID; ("plain", offset) an OffsetCommit;
# ("commit",) / ("abort",) the marker of PID. Expected: the visible offset of t-0 after all.
TRANSITIONS: list[tuple[str, list[tuple[Any, ...]], int | None]] = [
    ("pending is invisible", [("txn", 5)], None),
    ("commit makes it visible", [("txn", 5), ("commit",)], 5),
    ("abort drops it", [("txn", 5), ("abort",)], None),
    ("abort keeps the older plain commit", [("plain", 3), ("txn", 5), ("abort",)], 3),
    ("commit replaces an older plain commit", [("plain", 3), ("txn", 5), ("commit",)], 5),
    ("a later plain commit wins over the txn", [("txn", 5), ("plain", 9), ("commit",)], 9),
    ("the txn's last commit counts", [("txn", 5), ("txn", 6), ("commit",)], 6),
    ("a marker without pending offsets", [("plain", 3), ("commit",)], 3),
    ("a second transaction", [("txn", 5), ("commit",), ("txn", 8), ("abort",)], 5),
]


def _run_steps(h: TxnHarness, steps: list[tuple[Any, ...]]) -> None:
    for step in steps:
        if step[0] == "txn":
            assert errors(h.txn_commit({("t", 0): step[1]})) == {("t", 0): ErrorCode.NONE}
        elif step[0] == "plain":
            assert h.commit({("t", 0): step[1]})().topics[0].partitions[0].error_code == 0
        else:
            h.marker(step[0] == "commit")


@pytest.mark.parametrize(
    ("steps", "expected"), [(s, e) for _, s, e in TRANSITIONS], ids=[n for n, _, _ in TRANSITIONS]
)
def test_pending_offset_transitions(steps: list[tuple[Any, ...]], expected: int | None) -> None:
    h = TxnHarness()
    _run_steps(h, steps)
    assert visible(h) == ({} if expected is None else {("t", 0): expected})
    # A restart replays the same batches and markers to the same offsets.
    h.restart()
    assert visible(h) == ({} if expected is None else {("t", 0): expected})


def test_committed_txn_offset_keeps_leader_epoch_and_metadata() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5}, metadata="m")
    h.marker(True)
    offset = h.core.committed_offsets(GROUP)[TP]
    assert (offset.offset, offset.leader_epoch, offset.metadata) == (5, 7, "m")
    assert offset.commit_timestamp_ms == h.now and offset.expire_timestamp_ms is None


def test_append_is_transactional_with_the_producer() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5})
    (append,) = h.appends
    assert (append.producer_id, append.producer_epoch) == (PID, EPOCH)
    assert append.partition == h.core.partition_for(GROUP)
    h.commit({("t", 1): 1})
    assert (h.appends[-1].producer_id, h.appends[-1].producer_epoch) == (-1, -1)


def test_parked_until_durable_then_pending() -> None:
    h = TxnHarness(hold_appends=True)
    reply = h.txn_commit({("t", 0): 5})
    assert reply.parked
    assert fetch(h, stable=True)[("t", 0)] == (-1, ErrorCode.UNSTABLE_OFFSET_COMMIT)
    h.release()
    assert errors(reply) == {("t", 0): ErrorCode.NONE}
    assert fetch(h) == {("t", 0): (-1, ErrorCode.NONE), ("t", 1): (-1, ErrorCode.NONE)}
    h.marker(True)
    assert fetch(h, stable=True)[("t", 0)] == (5, ErrorCode.NONE)


def test_failed_append_forgets_the_pending_offsets() -> None:
    h = TxnHarness(hold_appends=True)
    reply = h.txn_commit({("t", 0): 5})
    h.release(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert errors(reply) == {("t", 0): ErrorCode.NOT_COORDINATOR}
    assert fetch(h, stable=True)[("t", 0)] == (-1, ErrorCode.NONE)
    h.marker(True)
    assert visible(h) == {}


def test_require_stable() -> None:
    h = TxnHarness()
    h.commit({("t", 1): 2})
    h.txn_commit({("t", 0): 5})
    assert fetch(h, stable=True) == {
        ("t", 0): (-1, ErrorCode.UNSTABLE_OFFSET_COMMIT),
        ("t", 1): (2, ErrorCode.NONE),
    }
    assert fetch(h) == {("t", 0): (-1, ErrorCode.NONE), ("t", 1): (2, ErrorCode.NONE)}
    # require_stable needs v7: v6 never answers UNSTABLE_OFFSET_COMMIT.
    reply = h.fetch([("t", 0)], version=6, require_stable=True)
    assert reply().topics[0].partitions[0].error_code == 0
    h.marker(False)
    assert fetch(h, stable=True)[("t", 0)] == (-1, ErrorCode.NONE)


def test_markers_of_other_producers_and_partitions_do_not_complete() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5})
    h.txn_commit({("t", 1): 6}, producer_id=PID + 1)
    other = (h.core.partition_for(GROUP) + 1) % h.cfg.offsets_topic_num_partitions
    h.apply(h.core.complete_txn(other, PID, True, h.now))
    assert visible(h) == {}
    h.marker(True, producer_id=PID + 1)
    assert visible(h) == {("t", 1): 6}
    h.marker(True)
    assert visible(h) == {("t", 0): 5, ("t", 1): 6}


# -- checks ---------------------------------------------------------------------------------


def test_unknown_group_is_created_empty() -> None:
    h = TxnHarness()
    assert errors(h.txn_commit({("t", 0): 5}, group_id="new")) == {("t", 0): ErrorCode.NONE}
    assert h.state("new") is not None and h.state("new").value == "Empty"  # type: ignore[union-attr]


def test_status_errors() -> None:
    h = TxnHarness()
    assert errors(h.txn_commit({("t", 0): 5}, group_id="")) == {
        ("t", 0): ErrorCode.INVALID_GROUP_ID
    }
    core = GroupCoordinatorCore(h.cfg, owned_partitions=())
    h.core = core
    assert errors(h.txn_commit({("t", 0): 5})) == {("t", 0): ErrorCode.NOT_COORDINATOR}
    core.begin_loading(core.partition_for(GROUP))
    assert errors(h.txn_commit({("t", 0): 5})) == {("t", 0): ErrorCode.COORDINATOR_LOAD_IN_PROGRESS}


def test_unknown_partitions_and_large_metadata() -> None:
    h = TxnHarness(cfg=config(offset_metadata_max_bytes=4))
    reply = h.txn_commit(
        {("t", 0): 5, ("u", 0): 1}, partition_exists=lambda topic, _p: topic == "t"
    )
    assert errors(reply) == {
        ("t", 0): ErrorCode.NONE,
        ("u", 0): ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }
    assert errors(h.txn_commit({("t", 1): 5}, metadata="toolong")) == {
        ("t", 1): ErrorCode.OFFSET_METADATA_TOO_LARGE
    }
    h.marker(True)
    assert visible(h) == {("t", 0): 5}


def test_member_checks_v3() -> None:
    h = TxnHarness()
    (a, _b), gen = h.form_group(2)
    ok = h.txn_commit({("t", 0): 5}, member_id=a, generation=gen)
    assert errors(ok) == {("t", 0): ErrorCode.NONE}
    assert errors(h.txn_commit({("t", 0): 5}, member_id="zombie", generation=gen)) == {
        ("t", 0): ErrorCode.UNKNOWN_MEMBER_ID
    }
    assert errors(h.txn_commit({("t", 0): 5}, member_id=a, generation=gen - 1)) == {
        ("t", 0): ErrorCode.ILLEGAL_GENERATION
    }
    assert errors(h.txn_commit({("t", 0): 5}, member_id=a, instance_id="i9", generation=gen)) == {
        ("t", 0): ErrorCode.UNKNOWN_MEMBER_ID
    }
    # No member named (v3 defaults, or v0-v2 which cannot name one): accepted in any state.
    assert errors(h.txn_commit({("t", 0): 6})) == {("t", 0): ErrorCode.NONE}
    assert errors(h.txn_commit({("t", 0): 7}, version=2, member_id="x", generation=99)) == {
        ("t", 0): ErrorCode.NONE
    }
    h.marker(True)
    assert visible(h) == {("t", 0): 7}


def test_fenced_static_member() -> None:
    h = TxnHarness()
    join = h.join(instance_id="i1")
    mid, gen = join().member_id, join().generation_id
    h.sync(mid, gen, {mid: b""})
    assert errors(
        h.txn_commit({("t", 0): 5}, member_id="other", instance_id="i1", generation=gen)
    ) == {("t", 0): ErrorCode.FENCED_INSTANCE_ID}
    assert errors(h.txn_commit({("t", 0): 5}, member_id=mid, instance_id="i1", generation=gen)) == {
        ("t", 0): ErrorCode.NONE
    }


# -- deletion and expiry ----------------------------------------------------------------------


def test_expiry_keeps_a_group_with_pending_txn_offsets() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5}, group_id="simple")
    h.advance(h.cfg.offsets_retention_ms + 1)
    h.apply(h.core.expire_offsets(h.now))
    assert h.core.group("simple") is not None
    h.marker(True, group_id="simple")
    assert h.committed("simple") == {("t", 0): 5}
    h.advance(h.cfg.offsets_retention_ms + 1)
    h.apply(h.core.expire_offsets(h.now))
    assert h.core.group("simple") is None


def test_delete_groups_drops_pending_txn_offsets() -> None:
    h = TxnHarness()
    h.commit({("t", 1): 1})
    h.txn_commit({("t", 0): 5})
    reply = h.delete_groups(GROUP)
    assert reply().results[0].error_code == 0
    assert h.core.group(GROUP) is None
    h.marker(True)
    assert h.core.group(GROUP) is None


def test_offset_delete_drops_the_partitions_pending_txn_offsets() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5, ("t", 1): 6})
    h.delete_offsets([("t", 0)])
    assert fetch(h, stable=True)[("t", 0)] == (-1, ErrorCode.NONE)
    h.marker(True)
    assert visible(h) == {("t", 1): 6}


# -- loading ----------------------------------------------------------------------------------


def test_reload_with_an_open_transaction_keeps_it_pending() -> None:
    h = TxnHarness()
    h.commit({("t", 0): 3})
    h.txn_commit({("t", 0): 5, ("t", 1): 6})
    h.restart()
    assert visible(h) == {("t", 0): 3}
    assert fetch(h, stable=True) == {
        ("t", 0): (-1, ErrorCode.UNSTABLE_OFFSET_COMMIT),
        ("t", 1): (-1, ErrorCode.UNSTABLE_OFFSET_COMMIT),
    }
    h.marker(True)
    assert visible(h) == {("t", 0): 5, ("t", 1): 6}
    h.restart()
    assert visible(h) == {("t", 0): 5, ("t", 1): 6}


def test_reload_with_an_open_transaction_then_a_plain_commit() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5})
    h.restart()
    h.commit({("t", 0): 9})  # appended after the replayed transactional batch: newer
    h.marker(True)
    assert visible(h) == {("t", 0): 9}


def test_reload_with_an_aborted_transaction() -> None:
    h = TxnHarness()
    h.commit({("t", 0): 3})
    h.txn_commit({("t", 0): 5})
    h.marker(False)
    h.restart()
    assert visible(h) == {("t", 0): 3}
    assert fetch(h, stable=True)[("t", 0)] == (3, ErrorCode.NONE)


def test_load_ignores_other_control_records_and_keeps_groups_with_only_pending() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5}, group_id="only-pending")
    h.batches.append(ReplayBatch(producer_id=-1, control=2))  # LEADER_CHANGE
    state = load(h.batches)
    loaded = state["only-pending"]
    assert loaded.offsets == {}
    assert set(loaded.pending_txn_offsets) == {PID}
    assert loaded.pending_txn_offsets[PID][TP].offset.offset == 5


def test_load_plain_pairs_unchanged() -> None:
    h = Harness()
    h.commit({("t", 0): 3})
    h.commit({("t", 0): 4})
    state = load(h.log)
    assert state[GROUP].offsets[TP].offset == 4
    assert not state[GROUP].pending_txn_offsets


def test_group_bookkeeping_orders_by_log_position() -> None:
    from broker.group import GroupMetadata

    group = GroupMetadata("g")
    old, new = OffsetAndMetadata(offset=1), OffsetAndMetadata(offset=2)
    group.prepare_txn_offset_commit(PID, {TP: old})
    group.on_txn_offset_commit_append(PID, TP, old, (1, 1))
    group.prepare_offset_commit({TP: new})
    group.on_offset_commit_append(TP, new, (1, 2))
    assert group.has_pending_offset_commits_for(TP)
    group.complete_pending_txn_offset_commit(PID, True)
    assert group.offsets == {TP: new} and not group.has_pending_offset_commits_for(TP)


def test_replay_of_log_bytes_with_transactional_batches_and_markers() -> None:
    """The loader's view of the log: real batches (as the driver writes them) and markers."""
    from broker.group.loader import replay_batches
    from broker.group.records import OffsetCommitKey, encode_record
    from protocol.records import ControlRecordType, RecordBatchBuilder
    from protocol.records.builder import build_control_batch

    def batch(offsets: dict[tuple[str, int], int], producer_id: int = -1) -> bytes:
        if producer_id >= 0:
            builder = RecordBatchBuilder(
                producer_id=producer_id, producer_epoch=EPOCH, is_transactional=True
            )
        else:
            builder = RecordBatchBuilder()
        for (topic, partition), offset in offsets.items():
            key, value = encode_record(
                OffsetCommitKey(GROUP, topic, partition), OffsetAndMetadata(offset=offset)
            )
            builder.append(value, key=key, timestamp_ms=1)
        return builder.build()

    def marker(commit: bool, producer_id: int = PID) -> bytes:
        kind = ControlRecordType.COMMIT if commit else ControlRecordType.ABORT
        return build_control_batch(
            kind, producer_id=producer_id, producer_epoch=EPOCH, coordinator_epoch=0, timestamp_ms=1
        )

    data = b"".join(
        [
            batch({("t", 0): 3}),
            batch({("t", 0): 5, ("t", 1): 6}, PID),
            batch({("t", 1): 7}),  # a plain commit after the transactional one: it wins
            marker(True),
            batch({("t", 2): 1}, PID + 1),
            marker(False, PID + 1),
            batch({("t", 0): 9}, PID),  # open at the end of the log
        ]
    )
    replayed = [b for _, b in replay_batches(data)]
    assert [b.control for b in replayed] == [None, None, None, CONTROL_COMMIT, None, 0, None]
    assert replayed[1].is_transactional and replayed[1].producer_id == PID
    state = load(replayed)
    loaded = state[GROUP]
    assert {tp.partition: o.offset for tp, o in loaded.offsets.items()} == {0: 5, 1: 7}
    assert {
        p: {tp.partition: e.offset.offset for tp, e in m.items()}
        for p, m in loaded.pending_txn_offsets.items()
    } == {PID: {0: 9}}


def test_unload_and_reload_on_the_same_core_keeps_the_open_transaction() -> None:
    h = TxnHarness()
    h.txn_commit({("t", 0): 5})
    p = h.core.partition_for(GROUP)
    h.apply(h.core.unload(p, h.now))
    h.marker(True)  # not served here: ignored (its next load replays it from the log)
    h.batches.pop()
    h.core.begin_loading(p)
    h.apply(h.core.finish_loading(p, load(h.batches), h.now))
    assert fetch(h, stable=True)[("t", 0)] == (-1, ErrorCode.UNSTABLE_OFFSET_COMMIT)
    h.marker(True)
    assert visible(h) == {("t", 0): 5}
