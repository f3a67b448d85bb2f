"""What a call into the coordinator core returns: a response now or a parked request, plus effects.

The driver applies an ``Outcome`` in this order:

1. ``appends``: append each ``Append.records`` to partition ``Append.partition`` of
   ``__consumer_offsets``, **in the order given** (and after every append of earlier outcomes to
   the same partition: a tombstone must land after the commit it deletes). When an append is
   durable, or has failed, call ``core.append_completed(append.token, error, now_ms)``.
2. ``response``: send it now. If it is ``None``, the request is parked under ``parked``: keep
   its connection's reply slot until a ``Completion`` with that key arrives (from this or a later
   outcome).
3. ``completions``: answer each parked request with its response.
4. ``timers``: optional. The core keeps its own deadlines; a driver either mirrors these changes
   in order (one ``loop.call_at`` per key, calling ``core.on_timer``) or simply wakes up at
   ``core.next_deadline_ms()`` and calls ``core.tick(now_ms)``. Every call fires the timers that
   are due by its ``now_ms`` first, each at its own deadline, so a late tick changes nothing but
   latency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from broker.group.timers import TimerKey
from protocol.messages import Message

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ParkKey:
    """A parked request: the driver holds its reply until a ``Completion`` names this key."""

    id: int
    api_key: int
    group_id: str


@dataclass(frozen=True, slots=True)
class Completion:
    """The response to a request parked earlier."""

    key: ParkKey
    response: Message


@dataclass(frozen=True, slots=True)
class Append:
    """Records to append to one partition of ``__consumer_offsets``.

    ``records`` are ``(key, value)`` pairs (``value=None`` is a tombstone), already encoded with
    ``broker.group.records``. Report the result with ``append_completed(token, error, now_ms)``:
    ``ErrorCode.NONE`` once durable (the configured acks/flush), or the append's error
    (e.g. ``NOT_LEADER_OR_FOLLOWER``, ``KAFKA_STORAGE_ERROR``, ``REQUEST_TIMED_OUT``,
    ``NOT_ENOUGH_REPLICAS``); the core maps it to what Kafka tells the client.
    """

    token: int
    partition: int
    group_id: str
    records: tuple[tuple[bytes, bytes | None], ...]
    producer_id: int = -1
    """A TxnOffsetCommit's producer: >= 0 makes the batch transactional, with this producer id
    and epoch and no sequence (base sequence -1), appended as the coordinator's own write."""
    producer_epoch: int = -1


@dataclass(frozen=True, slots=True)
class TimerSet:
    """``key`` now fires at ``deadline_ms`` (replacing any earlier deadline of that key)."""

    key: TimerKey
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class TimerCancel:
    """``key`` no longer fires."""

    key: TimerKey


TimerChange: TypeAlias = TimerSet | TimerCancel


@dataclass(slots=True)
class Outcome(Generic[R]):
    """The result of one call into ``GroupCoordinatorCore``."""

    response: R | None = None
    """The response to send now, or ``None`` when the request is parked (or the call had none)."""
    parked: ParkKey | None = None
    """Set when the request itself is parked."""
    completions: list[Completion] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)
    timers: list[TimerChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParkedRequest:
    """A parked JoinGroup or SyncGroup as a member holds it: its key and request version."""

    key: ParkKey
    version: int
