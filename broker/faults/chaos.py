"""Seeded chaos: a random mix of faults at a chosen rate, the same mix for the same seed.

``ChaosSchedule`` is pure: the k-th fault of a seed, and when it is armed (an offset from the
start of the run), are a function of the seed and the settings alone: the numbers are drawn
from one ``random.Random(seed)`` in a fixed order, whatever requests arrive and whenever. So a
run that failed can be replayed: the same seed arms the same faults in the same order at the
same offsets. (Which request each fault then meets depends on the application's own timing.)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from broker.faults.spec import FaultKind, FaultSpec, FaultSpecError, When, api_key_of
from protocol.errors import ErrorCode

__all__ = ["CHAOS_KINDS", "DEFAULT_CHAOS_APIS", "MAX_RATE_PER_S", "ChaosFault", "ChaosSchedule"]

#: Highest chaos rate: 100 faults a second is already far more than an application can be
#: expected to make progress through; the bound keeps the schedule's memory small.
MAX_RATE_PER_S: Final = 100.0
#: Most faults a schedule will generate ahead (it generates lazily, as time passes).
MAX_SCHEDULED: Final = 1_000_000
#: The kinds chaos draws from by default (request faults and refused connections: the ones
#: that need no names of the application's groups or topics).
CHAOS_KINDS: Final = (FaultKind.ERROR, FaultKind.DELAY, FaultKind.DROP, FaultKind.REFUSE)
#: The APIs chaos faults hit by default: the data path and the consumer group path.
DEFAULT_CHAOS_APIS: Final = (
    "Produce",
    "Fetch",
    "ListOffsets",
    "Metadata",
    "FindCoordinator",
    "JoinGroup",
    "SyncGroup",
    "Heartbeat",
    "OffsetCommit",
    "OffsetFetch",
)
#: The errors a real broker answers each API with while it is in trouble (all retriable, so an
#: application that handles what production shows survives them).
_ERRORS_BY_API: Final[dict[str, tuple[ErrorCode, ...]]] = {
    "Produce": (
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.REQUEST_TIMED_OUT,
        ErrorCode.NOT_ENOUGH_REPLICAS,
    ),
    "Fetch": (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_LEADER_EPOCH),
    "ListOffsets": (ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE),
    "Metadata": (ErrorCode.LEADER_NOT_AVAILABLE,),
    "FindCoordinator": (ErrorCode.COORDINATOR_NOT_AVAILABLE,),
    "JoinGroup": (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR),
    "SyncGroup": (ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.NOT_COORDINATOR),
    "Heartbeat": (ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.NOT_COORDINATOR),
    "OffsetCommit": (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR),
    "OffsetFetch": (ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR),
}
_FALLBACK_ERRORS: Final = (ErrorCode.REQUEST_TIMED_OUT,)
#: Chaos delays: 10 ms to 2 s, below the clients' default request timeout of 30 s.
_DELAY_RANGE_MS: Final = (10, 2000)
#: Chaos refusals last 100 ms to 2 s: clients reconnect with backoff within that.
_REFUSE_RANGE_MS: Final = (100, 2000)


@dataclass(frozen=True, slots=True)
class ChaosFault:
    """The k-th fault of a schedule: armed ``at_ms`` after the run starts."""

    index: int
    at_ms: int
    spec: FaultSpec


class ChaosSchedule:
    """The faults of a seeded chaos run, generated lazily and in order.

    ``rate_per_s``: faults armed per second on average (exponential gaps); ``kinds``: what they
    may be; ``apis``: the APIs request faults hit; ``topic``: optionally only this topic's
    requests (for Produce and Fetch errors).
    """

    def __init__(
        self,
        seed: int,
        rate_per_s: float = 1.0,
        kinds: Sequence[FaultKind | str] = CHAOS_KINDS,
        apis: Sequence[str] = DEFAULT_CHAOS_APIS,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise FaultSpecError("the chaos seed must be a whole number")
        if not 0 < rate_per_s <= MAX_RATE_PER_S:
            raise FaultSpecError(f"the chaos rate must be in (0, {MAX_RATE_PER_S:g}] per second")
        chosen: list[FaultKind] = []
        for kind in kinds:
            try:
                value = FaultKind(kind)
            except ValueError:
                raise FaultSpecError(f"unknown fault kind {kind!r}") from None
            if value not in CHAOS_KINDS:
                names = ", ".join(k.value for k in CHAOS_KINDS)
                raise FaultSpecError(f"chaos draws only from {names}, not {value}")
            chosen.append(value)
        if not chosen:
            raise FaultSpecError("chaos needs at least one kind")
        api_names: list[str] = []
        for api in apis:
            api_key_of(api)  # checks the name
            api_names.append(api)
        if not api_names:
            raise FaultSpecError("chaos needs at least one API")
        self.seed = seed
        self.rate_per_s = float(rate_per_s)
        self.kinds = tuple(chosen)
        self.apis = tuple(api_names)
        self._rng = random.Random(seed)
        self._at_s = 0.0
        self._faults: list[ChaosFault] = []

    def fault(self, index: int) -> ChaosFault:
        """The ``index``-th fault (0-based)."""
        if not 0 <= index < MAX_SCHEDULED:
            raise IndexError(index)
        while len(self._faults) <= index:
            self._faults.append(self._draw(len(self._faults)))
        return self._faults[index]

    def first(self, n: int) -> list[ChaosFault]:
        """The first ``n`` faults."""
        return [self.fault(i) for i in range(n)]

    def due(self, start: int, elapsed_ms: int) -> list[ChaosFault]:
        """The faults from index ``start`` on whose time has come ``elapsed_ms`` into the run."""
        out: list[ChaosFault] = []
        index = start
        while index < MAX_SCHEDULED and self.fault(index).at_ms <= elapsed_ms:
            out.append(self.fault(index))
            index += 1
        return out

    def _draw(self, index: int) -> ChaosFault:
        rng = self._rng
        self._at_s += rng.expovariate(self.rate_per_s)
        kind = self.kinds[rng.randrange(len(self.kinds))]
        api = self.apis[rng.randrange(len(self.apis))]
        # Every draw below happens whatever the kind, so one kind's parameters never shift
        # the next fault's numbers.
        errors = _ERRORS_BY_API.get(api, _FALLBACK_ERRORS)
        error = errors[rng.randrange(len(errors))]
        after = rng.random() < 0.5
        delay_ms = rng.randint(*_DELAY_RANGE_MS)
        mid_response = rng.random() < 0.5
        refuse_ms = rng.randint(*_REFUSE_RANGE_MS)
        if kind is FaultKind.ERROR:
            when = When.AFTER if after and api in ("Produce", "OffsetCommit") else When.BEFORE
            spec = FaultSpec.create(kind, api=api, error=error, when=when)
        elif kind is FaultKind.DELAY:
            spec = FaultSpec.create(kind, api=api, delay_ms=delay_ms)
        elif kind is FaultKind.DROP:
            spec = FaultSpec.create(kind, api=api, mid_response=mid_response)
        else:
            spec = FaultSpec.create(kind, duration_ms=refuse_ms)
        return ChaosFault(index, round(self._at_s * 1000), spec)
