"""Transaction requests of ``Admin``: ListTransactions, DescribeTransactions, DescribeProducers
and the abort marker (WriteTxnMarkers) built and their answers read, and the search for
hanging transactions.

A partition's leader answers DescribeProducers and writes the marker; a transactional id's
coordinator (FindCoordinator key type 1) answers DescribeTransactions; ListTransactions goes
to every broker, each listing the ids it coordinates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from client.admin.types import ProducerState, TransactionDescription, TransactionListing
from client.errors import error_from_code
from client.types import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import (
    DescribeProducersRequest,
    DescribeTransactionsRequest,
    ListTransactionsRequest,
    WriteTxnMarkersRequest,
)

__all__ = [
    "LEADER_ERRORS",
    "TRANSACTION_COORDINATOR_KEY_TYPE",
    "TRANSACTION_STATES",
    "abort_marker_request",
    "describe_producers_requests",
    "describe_transactions_request",
    "hanging_candidates",
    "list_transactions_request",
    "marker_errors",
    "producer_states",
    "still_hanging",
    "transaction_descriptions",
    "transaction_listings",
]

#: FindCoordinator's key type of a transactional id.
TRANSACTION_COORDINATOR_KEY_TYPE: Final = 1

#: Kafka's transaction state names, as ListTransactions filters and answers with them.
TRANSACTION_STATES: Final = (
    "Empty",
    "Ongoing",
    "PrepareCommit",
    "PrepareAbort",
    "CompleteCommit",
    "CompleteAbort",
    "PrepareEpochFence",
    "Dead",
)

#: A partition answer that means "the leader moved or is not known yet": refresh the metadata
#: and ask the new leader.
LEADER_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.FENCED_LEADER_EPOCH,
    }
)


# -- ListTransactions -----------------------------------------------------------------------


def list_transactions_request(
    states: Iterable[str], producer_ids: Iterable[int], min_duration_ms: int | None
) -> ListTransactionsRequest:
    """The ListTransactions request; an unknown state name is a ``ValueError``."""
    wanted = list(dict.fromkeys(states))
    unknown = [s for s in wanted if s not in TRANSACTION_STATES]
    if unknown:
        raise ValueError(
            f"unknown transaction state {unknown[0]!r} (one of {', '.join(TRANSACTION_STATES)})"
        )
    if min_duration_ms is not None and min_duration_ms < 0:
        raise ValueError("min_duration_ms is >= 0")
    return ListTransactionsRequest(
        state_filters=wanted,
        producer_id_filters=list(dict.fromkeys(producer_ids)),
        duration_filter=-1 if min_duration_ms is None else min_duration_ms,
    )


def transaction_listings(answers: Sequence[tuple[int, Any]]) -> list[TransactionListing]:
    """The transactions of every broker's ListTransactions answer (``(node id, answer)``),
    sorted by id (the first failure raised)."""
    found: dict[str, TransactionListing] = {}
    for node, response in answers:
        if response.error_code:
            raise error_from_code(response.error_code, f"ListTransactions at broker {node}")
        for t in response.transaction_states:
            found[t.transactional_id] = TransactionListing(
                t.transactional_id, t.producer_id, t.transaction_state, node
            )
    return [found[k] for k in sorted(found)]


# -- DescribeTransactions -------------------------------------------------------------------


def describe_transactions_request(transactional_ids: Iterable[str]) -> DescribeTransactionsRequest:
    """The DescribeTransactions request for these ids (sent to their coordinator)."""
    return DescribeTransactionsRequest(transactional_ids=list(dict.fromkeys(transactional_ids)))


def transaction_descriptions(
    response: Any, coordinator_id: int
) -> tuple[dict[str, TransactionDescription], dict[str, int]]:
    """A DescribeTransactions answer: the descriptions, and the error code of each id that
    failed (the caller retries the coordinator errors and raises the others)."""
    found: dict[str, TransactionDescription] = {}
    failed: dict[str, int] = {}
    for s in response.transaction_states:
        if s.error_code:
            failed[s.transactional_id] = s.error_code
            continue
        found[s.transactional_id] = TransactionDescription(
            transactional_id=s.transactional_id,
            coordinator_id=coordinator_id,
            state=s.transaction_state,
            producer_id=s.producer_id,
            producer_epoch=s.producer_epoch,
            transaction_timeout_ms=s.transaction_timeout_ms,
            transaction_start_time_ms=s.transaction_start_time_ms,
            partitions=tuple(
                sorted(TopicPartition(t.topic, p) for t in s.topics for p in t.partitions)
            ),
        )
    return found, failed


# -- DescribeProducers ----------------------------------------------------------------------


def describe_producers_requests(
    partitions: Iterable[TopicPartition], leader_for: Callable[[TopicPartition], int | None]
) -> tuple[dict[int, DescribeProducersRequest], list[TopicPartition]]:
    """One DescribeProducers request per leader, and the partitions without a known leader."""
    by_leader: dict[int, dict[str, list[int]]] = {}
    leaderless: list[TopicPartition] = []
    for tp in dict.fromkeys(partitions):
        leader = leader_for(tp)
        if leader is None:
            leaderless.append(tp)
            continue
        by_leader.setdefault(leader, {}).setdefault(tp.topic, []).append(tp.partition)
    requests = {
        leader: DescribeProducersRequest(
            topics=[
                DescribeProducersRequest.TopicRequest(name=t, partition_indexes=sorted(ps))
                for t, ps in sorted(topics.items())
            ]
        )
        for leader, topics in by_leader.items()
    }
    return requests, leaderless


def producer_states(
    response: Any,
) -> tuple[dict[TopicPartition, list[ProducerState]], dict[TopicPartition, int]]:
    """A DescribeProducers answer: each partition's active producers (by producer id), and
    the error code of each partition that failed."""
    found: dict[TopicPartition, list[ProducerState]] = {}
    failed: dict[TopicPartition, int] = {}
    for t in response.topics:
        for p in t.partitions:
            tp = TopicPartition(t.name, p.partition_index)
            if p.error_code:
                failed[tp] = p.error_code
                continue
            found[tp] = sorted(
                (
                    ProducerState(
                        producer_id=s.producer_id,
                        producer_epoch=s.producer_epoch,
                        last_sequence=s.last_sequence,
                        last_timestamp_ms=s.last_timestamp,
                        coordinator_epoch=s.coordinator_epoch,
                        current_txn_start_offset=s.current_txn_start_offset,
                    )
                    for s in p.active_producers
                ),
                key=lambda s: s.producer_id,
            )
    return found, failed


# -- aborting a hanging transaction ---------------------------------------------------------


def abort_marker_request(
    tp: TopicPartition, producer_id: int, producer_epoch: int, coordinator_epoch: int
) -> WriteTxnMarkersRequest:
    """WriteTxnMarkers with one ABORT marker for ``tp`` (sent to its leader), as a
    transaction coordinator would write it."""
    if producer_id < 0 or producer_epoch < 0:
        raise ValueError("a producer id and epoch are >= 0")
    marker = WriteTxnMarkersRequest.WritableTxnMarker
    return WriteTxnMarkersRequest(
        markers=[
            marker(
                producer_id=producer_id,
                producer_epoch=producer_epoch,
                transaction_result=False,
                topics=[
                    marker.WritableTxnMarkerTopic(name=tp.topic, partition_indexes=[tp.partition])
                ],
                coordinator_epoch=coordinator_epoch,
            )
        ]
    )


def marker_errors(response: Any) -> dict[TopicPartition, int]:
    """Each partition's error code in a WriteTxnMarkers answer (0: written)."""
    return {
        TopicPartition(t.name, p.partition_index): p.error_code
        for m in response.markers
        for t in m.topics
        for p in t.partitions
    }


def hanging_candidates(
    states: Mapping[TopicPartition, Sequence[ProducerState]],
    *,
    now_ms: int,
    max_transaction_timeout_ms: int,
) -> list[tuple[TopicPartition, ProducerState]]:
    """The producers whose transaction in a partition has been open longer than any
    transaction may last (their last write is older than ``max_transaction_timeout_ms``):
    the coordinator must have completed or aborted it by now, unless it is hanging."""
    out: list[tuple[TopicPartition, ProducerState]] = []
    for tp in sorted(states):
        for state in states[tp]:
            if state.current_txn_start_offset < 0:
                continue
            if now_ms - state.last_timestamp_ms > max_transaction_timeout_ms:
                out.append((tp, state))
    return out


def still_hanging(
    candidates: Sequence[tuple[TopicPartition, ProducerState]],
    listings: Iterable[TransactionListing],
    descriptions: Mapping[str, TransactionDescription],
) -> list[tuple[TopicPartition, ProducerState]]:
    """The candidates whose coordinator does not know the transaction: no transactional id
    holds the producer id, or the one that does has moved past that epoch, has no transaction
    open, or does not count the partition in it (Kafka's test for a hanging transaction)."""
    ids_by_producer: dict[int, list[str]] = {}
    for listing in listings:
        ids_by_producer.setdefault(listing.producer_id, []).append(listing.transactional_id)
    out: list[tuple[TopicPartition, ProducerState]] = []
    for tp, state in candidates:
        known = False
        for tid in ids_by_producer.get(state.producer_id, ()):
            d = descriptions.get(tid)
            if (
                d is not None
                and d.producer_id == state.producer_id
                and d.producer_epoch == state.producer_epoch
                and d.state in ("Ongoing", "PrepareCommit", "PrepareAbort")
                and tp in d.partitions
            ):
                known = True
        if not known:
            out.append((tp, state))
    return out
