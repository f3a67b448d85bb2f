"""Deadlines of the coordinator: one per key, fired in deadline order when time passes them."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from enum import StrEnum


class TimerKind(StrEnum):
    """What a timer guards (Kafka's delayed operations of the group coordinator)."""

    HEARTBEAT = "heartbeat"
    """A member's session (DelayedHeartbeat); for a new member, its join timeout."""
    PENDING_MEMBER = "pending-member"
    """A KIP-394 pending member id that must rejoin within its session timeout."""
    JOIN = "join"
    """The join phase of a rebalance: initial delay or rebalance timeout (DelayedJoin)."""
    SYNC = "sync"
    """Members that got a JoinGroup response must send SyncGroup in time (DelayedSync)."""


@dataclass(frozen=True, slots=True)
class TimerKey:
    """Names one timer: ``member_id`` is empty for group-wide timers."""

    kind: TimerKind
    group_id: str
    member_id: str = ""


class TimerTable:
    """A deadline per key; re-setting a key replaces its deadline. Pure: time is an argument."""

    __slots__ = ("_by_group", "_deadlines", "_heap", "_seq")

    def __init__(self) -> None:
        self._deadlines: dict[TimerKey, tuple[int, int]] = {}
        self._heap: list[tuple[int, int, TimerKey]] = []
        self._by_group: dict[str, set[TimerKey]] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._deadlines)

    def __contains__(self, key: object) -> bool:
        return key in self._deadlines

    def set(self, key: TimerKey, deadline_ms: int) -> None:
        """Arm (or re-arm) ``key`` to fire at ``deadline_ms``."""
        self._seq += 1
        self._deadlines[key] = (deadline_ms, self._seq)
        self._by_group.setdefault(key.group_id, set()).add(key)
        heapq.heappush(self._heap, (deadline_ms, self._seq, key))
        if len(self._heap) > 2 * len(self._deadlines) + 64:
            self._compact()

    def cancel(self, key: TimerKey) -> bool:
        """Disarm ``key``; True if it was armed."""
        if self._deadlines.pop(key, None) is None:
            return False
        self._unindex(key)
        return True

    def deadline(self, key: TimerKey) -> int | None:
        """When ``key`` fires, or None if it is not armed."""
        entry = self._deadlines.get(key)
        return None if entry is None else entry[0]

    def next_deadline_ms(self) -> int | None:
        """The earliest deadline, or None when nothing is armed."""
        self._drop_stale_head()
        return self._heap[0][0] if self._heap else None

    def due(self, now_ms: int) -> list[tuple[TimerKey, int, int]]:
        """Every armed key with a deadline at or before ``now_ms``, earliest first.

        Each comes as ``(key, token, deadline_ms)``; ``take(key, token)`` disarms it only if it
        was not re-armed or cancelled in between (firing one timer may change others). The
        caller must ``take`` every key it gets (or find it re-armed): they leave the heap here.
        """
        heap = self._heap
        out = []
        while heap and heap[0][0] <= now_ms:
            deadline, seq, key = heapq.heappop(heap)
            if self._deadlines.get(key) == (deadline, seq):
                out.append((key, seq, deadline))
        return out

    def take(self, key: TimerKey, token: int) -> bool:
        """Disarm ``key`` if it is still armed as ``due`` reported it; True if so."""
        entry = self._deadlines.get(key)
        if entry is None or entry[1] != token:
            return False
        del self._deadlines[key]
        self._unindex(key)
        return True

    def keys(self, group_id: str | None = None) -> list[TimerKey]:
        """Every armed key (of one group, if ``group_id`` is given)."""
        if group_id is None:
            return list(self._deadlines)
        return list(self._by_group.get(group_id, ()))

    def _unindex(self, key: TimerKey) -> None:
        keys = self._by_group.get(key.group_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_group[key.group_id]

    def _drop_stale_head(self) -> None:
        heap = self._heap
        while heap:
            deadline, seq, key = heap[0]
            if self._deadlines.get(key) == (deadline, seq):
                return
            heapq.heappop(heap)

    def _compact(self) -> None:
        self._heap = [(d, s, k) for k, (d, s) in self._deadlines.items()]
        heapq.heapify(self._heap)
