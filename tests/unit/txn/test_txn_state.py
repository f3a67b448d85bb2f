"""TxnState: Kafka's ids, names and legal transitions; TransactionMetadata's pending write."""

from __future__ import annotations

import itertools

import pytest

from broker.txn.state import (
    VALID_PREVIOUS_STATES,
    IllegalTransitionError,
    TransactionMetadata,
    TxnState,
    is_epoch_exhausted,
)
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

S = TxnState
#: Kafka's TransactionState.validPreviousStates, written out pair by pair.
LEGAL = {
    (S.EMPTY, S.EMPTY), (S.COMPLETE_COMMIT, S.EMPTY), (S.COMPLETE_ABORT, S.EMPTY),
    (S.EMPTY, S.ONGOING), (S.ONGOING, S.ONGOING), (S.COMPLETE_COMMIT, S.ONGOING),
    (S.COMPLETE_ABORT, S.ONGOING),
    (S.ONGOING, S.PREPARE_COMMIT),
    (S.ONGOING, S.PREPARE_ABORT), (S.PREPARE_EPOCH_FENCE, S.PREPARE_ABORT),
    (S.PREPARE_COMMIT, S.COMPLETE_COMMIT),
    (S.PREPARE_ABORT, S.COMPLETE_ABORT),
    (S.EMPTY, S.DEAD), (S.COMPLETE_COMMIT, S.DEAD), (S.COMPLETE_ABORT, S.DEAD),
    (S.ONGOING, S.PREPARE_EPOCH_FENCE),
}  # fmt: skip


def test_ids_and_names_are_kafkas() -> None:
    assert [(int(s), s.kafka_name) for s in TxnState] == [
        (0, "Empty"), (1, "Ongoing"), (2, "PrepareCommit"), (3, "PrepareAbort"),
        (4, "CompleteCommit"), (5, "CompleteAbort"), (6, "Dead"), (7, "PrepareEpochFence"),
    ]  # fmt: skip


def test_the_table_is_kafkas() -> None:
    table = {(prev, to) for to, prevs in VALID_PREVIOUS_STATES.items() for prev in prevs}
    assert table == LEGAL


def _meta(state: TxnState) -> TransactionMetadata:
    return TransactionMetadata(
        "t", producer_id=5, producer_epoch=3, txn_timeout_ms=1000, state=state,
        partitions={TopicPartition("a", 0)},
    )  # fmt: skip


@pytest.mark.parametrize(("prev", "to"), list(itertools.product(TxnState, TxnState)))
def test_prepare_allows_exactly_the_legal_transitions(prev: TxnState, to: TxnState) -> None:
    meta = _meta(prev)
    if (prev, to) in LEGAL:
        transit = meta.prepare(to, 42)
        assert meta.pending is transit and meta.state is prev
        meta.complete(transit)
        assert meta.state is to and meta.pending is None
        assert meta.txn_last_update_timestamp_ms == 42
    else:
        with pytest.raises(IllegalTransitionError):
            meta.prepare(to, 42)
        assert meta.pending is None


def test_one_transition_at_a_time() -> None:
    meta = _meta(S.ONGOING)
    transit = meta.prepare(S.PREPARE_COMMIT, 1)
    with pytest.raises(IllegalTransitionError, match="already pending"):
        meta.prepare(S.PREPARE_ABORT, 1)
    meta.pending = None  # a failed write drops it; the durable state stands
    assert meta.state is S.ONGOING
    with pytest.raises(IllegalTransitionError, match="not the pending"):
        meta.complete(transit)


def test_transit_remembers_the_previous_producer_id() -> None:
    meta = _meta(S.EMPTY)
    meta.complete(meta.prepare(S.EMPTY, 1, producer_id=9, producer_epoch=0))
    assert (meta.producer_id, meta.last_producer_id, meta.producer_epoch) == (9, 5, 0)


def test_epoch_exhaustion_keeps_one_epoch_for_fencing() -> None:
    assert not is_epoch_exhausted(32765)
    assert is_epoch_exhausted(32766) and is_epoch_exhausted(32767)
