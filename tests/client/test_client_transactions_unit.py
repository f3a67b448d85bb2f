"""The transactional producer's state rules (Kafka's), its options, the argument forms of
``send_offsets_to_transaction``, and how a read_committed fetch skips markers and aborted
records."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from client.cluster import Cluster
from client.config import ProducerConfig
from client.consumer.fetcher import CompletedFetch, Fetcher
from client.consumer.subscription import PartitionState
from client.errors import ConfigError, IllegalStateError, ProducerFencedError
from client.producer.transactions import (
    ConsumerGroupMetadata,
    TransactionManager,
    TransactionState,
    group_metadata_of,
    offsets_of,
)
from client.types import OffsetAndMetadata, TopicPartition
from protocol.errors import (
    InvalidProducerEpochError,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailedError,
)
from protocol.records import RecordBatch, iter_batches, seal_batch
from protocol.records.batch import ControlRecordType
from protocol.records.builder import build_control_batch
from protocol.records.header import TRANSACTIONAL_FLAG
from protocol.records.record import append_record

pytestmark = pytest.mark.timeout(10)

S = TransactionState


def _manager() -> TransactionManager:
    config = ProducerConfig.build(transactional_id="tx")
    return TransactionManager(cast(Cluster, None), config, lambda: None)


def _state(txn: TransactionManager) -> TransactionState:
    return txn.state


def _ready() -> TransactionManager:
    txn = _manager()
    txn.transition(S.READY)
    return txn


# -- state rules ----------------------------------------------------------------------------


def test_a_transaction_begins_only_when_ready() -> None:
    txn = _manager()
    with pytest.raises(IllegalStateError, match="not started"):
        txn.begin()
    txn.transition(S.READY)
    with pytest.raises(IllegalStateError, match="begin_transaction"):
        txn.check_send()
    txn.begin()
    assert txn.state is S.IN_TRANSACTION
    txn.check_send()
    with pytest.raises(IllegalStateError, match="already"):
        txn.begin()


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.READY, S.COMMITTING),
        (S.READY, S.ABORTING),
        (S.ABORTABLE_ERROR, S.COMMITTING),
        (S.COMMITTING, S.ABORTING),
        (S.IN_TRANSACTION, S.READY),
        (S.UNINITIALIZED, S.IN_TRANSACTION),
    ],
)
def test_transitions_kafka_forbids(source: TransactionState, target: TransactionState) -> None:
    txn = _manager()
    txn.state = source
    with pytest.raises(IllegalStateError, match=f"{source.value} to {target.value}"):
        txn.transition(target)


def test_a_failed_send_is_abortable_and_raised_again() -> None:
    txn = _ready()
    txn.begin()
    error = TopicAuthorizationFailedError("no", remote=True)
    txn.on_batch_error(error)
    assert txn.state is S.ABORTABLE_ERROR and txn.last_error is error
    assert txn.blocks_sending
    with pytest.raises(TopicAuthorizationFailedError):
        txn.check_send()
    with pytest.raises(TopicAuthorizationFailedError):
        txn.begin()
    txn.transition(S.ABORTING)
    txn.on_batch_error(TopicAuthorizationFailedError("later", remote=True))
    assert _state(txn) is S.ABORTING  # aborting anyway: later failures change nothing
    txn.transition(S.READY)
    txn.begin()


def test_a_failure_while_committing_is_abortable() -> None:
    txn = _ready()
    txn.begin()
    txn.transition(S.COMMITTING)
    assert not txn.blocks_sending  # the commit's flush still sends
    txn.on_batch_error(TimeoutError("expired"))
    assert txn.state is S.ABORTABLE_ERROR


@pytest.mark.parametrize(
    "error",
    [
        ProducerFencedError("fenced", remote=True),
        InvalidProducerEpochError("old epoch", remote=True),
        TransactionalIdAuthorizationFailedError("denied", remote=True),
    ],
)
def test_fencing_and_authorization_are_fatal_from_any_state(error: Exception) -> None:
    for state in (S.IN_TRANSACTION, S.COMMITTING, S.ABORTING, S.ABORTABLE_ERROR, S.READY):
        txn = _manager()
        txn.state = state
        txn.on_batch_error(error)
        assert txn.state is S.FATAL_ERROR and txn.last_error is error
        with pytest.raises(type(error)):
            txn.begin()
        with pytest.raises(IllegalStateError):
            txn.transition(S.ABORTING)
        txn.abortable(RuntimeError("later"))
        assert txn.last_error is error


def test_partitions_wait_to_be_added() -> None:
    txn = _ready()
    txn.begin()
    tp = TopicPartition("t", 0)
    assert not txn.started
    assert not txn.may_send(tp)
    assert txn.pending == {tp}
    txn.adding, txn.pending = txn.pending, set()
    assert not txn.may_send(tp) and not txn.pending  # in the request in flight
    assert txn.started
    txn.adding.clear()
    txn.partitions.add(tp)
    assert txn.may_send(tp)
    txn.reset()
    assert not txn.started and not txn.partitions


# -- options ---------------------------------------------------------------------------------


def test_transactional_id_implies_idempotence() -> None:
    config = ProducerConfig.build({"transactional.id": "tx", "transaction.timeout.ms": 5000})
    assert config.transactional_id == "tx" and config.enable_idempotence and config.acks == -1
    assert config.transaction_timeout_ms == 5000
    assert ProducerConfig.build(transactional_id="tx").transaction_timeout_ms == 60_000
    assert ProducerConfig.build().transactional_id is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"enable_idempotence": False}, "enable.idempotence"),
        ({"acks": 1}, "acks must be all"),
        ({"max_in_flight_requests_per_connection": 6}, "in.flight"),
        ({"transaction_timeout_ms": 0}, "transaction"),
    ],
)
def test_transactional_id_refuses_what_breaks_idempotence(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        ProducerConfig.build(transactional_id="tx", **options)


def test_an_empty_transactional_id_is_refused() -> None:
    with pytest.raises(ConfigError, match="transactional"):
        ProducerConfig.build(transactional_id="")


# -- send_offsets_to_transaction's arguments -------------------------------------------------


def test_offsets_as_ints_or_offset_and_metadata() -> None:
    tp, other = TopicPartition("a", 0), TopicPartition("a", 1)
    assert offsets_of({tp: 5, other: OffsetAndMetadata(7, "m", 3)}) == {
        tp: OffsetAndMetadata(5, ""),
        other: OffsetAndMetadata(7, "m", 3),
    }
    with pytest.raises(TypeError, match="TopicPartition"):
        offsets_of({("a", 0): 5})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="int or an OffsetAndMetadata"):
        offsets_of({tp: "5"})  # type: ignore[dict-item]


def test_group_as_id_metadata_or_consumer() -> None:
    assert group_metadata_of("g") == ConsumerGroupMetadata("g", -1, "", None)
    meta = ConsumerGroupMetadata("g", 4, "m-1", "static-1")
    assert group_metadata_of(meta) is meta
    consumer = SimpleNamespace(
        config=SimpleNamespace(group_id="g", group_instance_id=None),
        generation_id=9,
        member_id="m-9",
    )
    assert group_metadata_of(consumer) == ConsumerGroupMetadata("g", 9, "m-9", None)
    with pytest.raises(TypeError, match="group_id"):
        group_metadata_of(42)


# -- read_committed fetches ------------------------------------------------------------------


def _data(base_offset: int, count: int, producer_id: int, *, transactional: bool) -> bytes:
    buf = bytearray()
    for i in range(count):
        append_record(buf, i, 0, None, b"%d" % (base_offset + i))
    return seal_batch(
        buf,
        attributes=TRANSACTIONAL_FLAG if transactional else 0,
        records_count=count,
        last_offset_delta=count - 1,
        base_timestamp=0,
        max_timestamp=0,
        base_offset=base_offset,
        producer_id=producer_id,
        producer_epoch=0,
        base_sequence=0,
    )


def _marker(offset: int, producer_id: int, commit: bool) -> bytes:
    return build_control_batch(
        ControlRecordType.COMMIT if commit else ControlRecordType.ABORT,
        producer_id=producer_id,
        producer_epoch=0,
        coordinator_epoch=0,
        timestamp_ms=0,
        base_offset=offset,
    )


def _batches(*parts: bytes) -> list[RecordBatch]:
    return list(iter_batches(b"".join(parts)))


class _Decoder:
    """Stands for the fetcher: a record per offset, value = its offset."""

    def decode_batch(self, batch: RecordBatch, tp: TopicPartition, min_offset: int) -> Any:
        first = max(batch.base_offset, min_offset)
        records = [
            SimpleNamespace(offset=o, leader_epoch=-1) for o in range(first, batch.last_offset + 1)
        ]
        return records, None


def _read(batches: list[RecordBatch], aborted: list[tuple[int, int]] | None) -> list[int]:
    tp = TopicPartition("t", 0)
    fetch = CompletedFetch(tp, batches, 0, 0, aborted, cast(Fetcher, _Decoder()))
    state = PartitionState()
    state.position = 0
    offsets = [r.offset for r in fetch.take(1000, state)]
    assert fetch.exhausted
    assert state.position == batches[-1].next_offset  # past trailing markers too
    return offsets


def test_read_committed_skips_aborted_records_and_markers() -> None:
    batches = _batches(
        _data(0, 2, 7, transactional=True),  # 0-1: aborted
        _data(2, 1, 8, transactional=True),  # 2: committed
        _marker(3, 7, commit=False),
        _data(4, 1, 9, transactional=False),  # 4: plain
        _data(5, 2, 7, transactional=True),  # 5-6: a later transaction of 7, committed
        _marker(7, 8, commit=True),
        _marker(8, 7, commit=True),
    )
    assert _read(batches, [(7, 0)]) == [2, 4, 5, 6]


def test_read_committed_aborted_list_is_per_producer_and_by_offset() -> None:
    batches = _batches(
        _data(0, 1, 7, transactional=True),  # committed transaction of 7
        _marker(1, 7, commit=True),
        _data(2, 1, 8, transactional=True),  # aborted transaction of 8
        _data(3, 1, 7, transactional=True),  # aborted transaction of 7, starts at 3
        _marker(4, 8, commit=False),
        _data(5, 1, 8, transactional=True),  # a new transaction of 8, committed
        _marker(6, 7, commit=False),
        _marker(7, 8, commit=True),
    )
    assert _read(batches, [(8, 2), (7, 3)]) == [0, 5]


def test_read_uncommitted_skips_markers_only() -> None:
    batches = _batches(
        _data(0, 2, 7, transactional=True),
        _marker(2, 7, commit=False),
        _data(3, 1, 7, transactional=True),
        _marker(4, 7, commit=True),
    )
    assert _read(batches, None) == [0, 1, 3]
