"""What a call into the transaction coordinator core returns: an answer or a parked request, and
effects.

The driver applies an ``Outcome`` in this order:

1. ``appends``: write each ``TxnAppend`` (one record) to its partition of
   ``__transaction_state``, in the order given (acks=-1). When it is durable, or has failed,
   call ``core.append_completed(token, error, now_ms=...)``.
2. ``result``: the answer now; if it is ``None`` the request is parked under ``parked`` and a
   ``TxnCompletion`` with that key comes in this or a later outcome (exactly one).
3. ``markers``: write the transaction markers of each ``SendMarkers`` to every partition, retried
   until written (a deleted partition counts as written), then call
   ``core.markers_written(transactional_id, producer_id, producer_epoch, now_ms=...)``.
4. ``completions``: answer each parked request.

Then wake up at ``core.next_deadline_ms()`` and call ``core.tick(now_ms)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from protocol.types import TopicPartition

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class TxnAppend:
    """Write one record to ``__transaction_state``; report with ``append_completed``.

    ``value=None`` is a tombstone. ``key`` and ``value`` are encoded with ``broker.txn.records``.
    """

    token: int
    partition: int
    key: bytes
    value: bytes | None


@dataclass(frozen=True, slots=True)
class SendMarkers:
    """Write these markers; report with ``markers_written`` when all are written."""

    transactional_id: str
    producer_id: int
    producer_epoch: int
    coordinator_epoch: int
    commit: bool
    partitions: frozenset[TopicPartition]


@dataclass(frozen=True, slots=True)
class TxnCompletion:
    """The answer to a parked request."""

    key: int
    result: object


@dataclass(slots=True)
class Outcome(Generic[R]):
    """The result of one call into ``TransactionCoordinatorCore``."""

    result: R | None = None
    """The answer now, or ``None`` when the request is parked (or the call answers nothing)."""
    parked: int | None = None
    """Set when the request is parked: a ``TxnCompletion`` with this key comes later."""
    appends: list[TxnAppend] = field(default_factory=list)
    markers: list[SendMarkers] = field(default_factory=list)
    completions: list[TxnCompletion] = field(default_factory=list)
