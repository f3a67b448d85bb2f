"""What the consumer reads: its subscription or manual assignment, and each partition's state.

The consumer is in one of three modes: subscribed to topics, subscribed to a pattern (both
with ``group.id``: the group assigns partitions), or assigned partitions by the application.
Per assigned partition it keeps the position (the offset of the next record ``getmany``
returns), the fetch offset (where the next Fetch starts, ahead of the position while fetched
records wait to be consumed), pause state, the last known high watermark and an epoch that
changes on every seek, so that fetches in flight for an old position are dropped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from enum import Enum
from typing import Literal

from client.errors import IllegalStateError
from client.types import TopicPartition

__all__ = ["PartitionState", "SubscriptionMode", "SubscriptionState"]

ResetStrategy = Literal["earliest", "latest", "none"]

#: Position epochs are unique across partition states, so that an answer to a fetch for a
#: partition that was revoked and assigned again is never taken for a current one.
_EPOCHS = itertools.count(1)


class SubscriptionMode(Enum):
    """How partitions are chosen."""

    NONE = "none"
    TOPICS = "topics"
    PATTERN = "pattern"
    ASSIGNED = "assigned"


class PartitionState:
    """One assigned partition."""

    __slots__ = (
        "epoch",
        "fetch_offset",
        "fetch_size",
        "high_watermark",
        "last_stable_offset",
        "leader_epoch",
        "log_start_offset",
        "paused",
        "position",
        "reset",
    )

    def __init__(self) -> None:
        self.position: int | None = None
        self.fetch_offset: int | None = None
        self.leader_epoch = -1
        self.paused = False
        self.high_watermark = -1
        self.last_stable_offset = -1
        self.log_start_offset = -1
        #: Changed on every seek: fetched data tagged with another epoch is dropped.
        self.epoch = next(_EPOCHS)
        #: A reset to perform (``seek_to_beginning``/``end``, or auto.offset.reset), if any.
        self.reset: ResetStrategy | None = None
        #: ``max.partition.fetch.bytes``, doubled while a single batch does not fit.
        self.fetch_size = 0

    def seek(self, offset: int) -> None:
        """Read from ``offset`` next."""
        self.position = offset
        self.fetch_offset = offset
        self.reset = None
        self.epoch = next(_EPOCHS)

    def rewind(self) -> None:
        """Fetch again from the position: records fetched ahead of it were dropped."""
        if self.position is not None:
            self.fetch_offset = self.position
        self.epoch = next(_EPOCHS)

    def request_reset(self, strategy: ResetStrategy) -> None:
        """Forget the position; look it up by ``strategy`` before fetching."""
        self.position = None
        self.fetch_offset = None
        self.reset = strategy
        self.epoch = next(_EPOCHS)

    @property
    def fetchable(self) -> bool:
        """True when the partition may be fetched now."""
        return not self.paused and self.fetch_offset is not None

    @property
    def lag(self) -> int | None:
        """High watermark minus position, when both are known."""
        if self.position is None or self.high_watermark < 0:
            return None
        return max(0, self.high_watermark - self.position)


class SubscriptionState:
    """The subscription or assignment, and the state of every assigned partition."""

    def __init__(self) -> None:
        self.mode = SubscriptionMode.NONE
        self.topics: frozenset[str] = frozenset()
        self.pattern: re.Pattern[str] | None = None
        self.assignment: dict[TopicPartition, PartitionState] = {}
        #: Bumped when the assignment changes (fetches of a previous assignment are dropped).
        self.generation = 0

    def subscribe(self, topics: Iterable[str]) -> bool:
        """Subscribe to topics (group mode); True when the subscription changed."""
        self._check_mode(SubscriptionMode.TOPICS)
        topics = frozenset(topics)
        if not topics or any(not t for t in topics):
            raise ValueError("subscribe to one or more non-empty topic names")
        changed = self.mode != SubscriptionMode.TOPICS or topics != self.topics
        self.mode = SubscriptionMode.TOPICS
        self.topics = topics
        self.pattern = None
        return changed

    def subscribe_pattern(self, pattern: re.Pattern[str]) -> bool:
        """Subscribe to every topic matching ``pattern`` (group mode)."""
        self._check_mode(SubscriptionMode.PATTERN)
        changed = self.pattern is None or pattern.pattern != self.pattern.pattern
        self.mode = SubscriptionMode.PATTERN
        self.pattern = pattern
        return changed

    def match_topics(self, available: Iterable[str]) -> bool:
        """For a pattern subscription: set the topics to the matching ones; True if changed."""
        if self.pattern is None:
            return False
        pattern = self.pattern
        matched = frozenset(t for t in available if pattern.fullmatch(t))
        changed = matched != self.topics
        self.topics = matched
        return changed

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Read exactly these partitions (no group); keeps positions of ones already held."""
        self._check_mode(SubscriptionMode.ASSIGNED)
        self.mode = SubscriptionMode.ASSIGNED
        self.topics = frozenset()
        self.set_assignment(partitions)

    def unsubscribe(self) -> None:
        """Drop the subscription and every assigned partition."""
        self.mode = SubscriptionMode.NONE
        self.topics = frozenset()
        self.pattern = None
        self.set_assignment(())

    def _check_mode(self, wanted: SubscriptionMode) -> None:
        if self.mode not in (SubscriptionMode.NONE, wanted) and not (
            {self.mode, wanted} <= {SubscriptionMode.TOPICS, SubscriptionMode.PATTERN}
        ):
            raise IllegalStateError(
                f"the consumer is in {self.mode.value} mode: subscribe() and assign() do not "
                "mix (call unsubscribe() first)"
            )

    @property
    def group_managed(self) -> bool:
        """True when the group chooses the partitions."""
        return self.mode in (SubscriptionMode.TOPICS, SubscriptionMode.PATTERN)

    def set_assignment(self, partitions: Iterable[TopicPartition]) -> None:
        """Replace the assignment; partitions kept keep their state."""
        new: dict[TopicPartition, PartitionState] = {}
        for tp in partitions:
            tp = TopicPartition(tp[0], tp[1])
            new[tp] = self.assignment.get(tp) or PartitionState()
        self.assignment = new
        self.generation += 1

    def add_partitions(self, partitions: Iterable[TopicPartition]) -> None:
        """Add partitions (cooperative rebalancing), keeping the others."""
        for tp in partitions:
            self.assignment.setdefault(TopicPartition(tp[0], tp[1]), PartitionState())
        self.generation += 1

    def remove_partitions(self, partitions: Iterable[TopicPartition]) -> None:
        """Remove partitions (cooperative rebalancing), keeping the others."""
        for tp in partitions:
            self.assignment.pop(TopicPartition(tp[0], tp[1]), None)
        self.generation += 1

    def state(self, tp: TopicPartition) -> PartitionState:
        """The state of an assigned partition; ``IllegalStateError`` if not assigned."""
        try:
            return self.assignment[tp]
        except KeyError:
            raise IllegalStateError(f"partition {tp} is not assigned to this consumer") from None

    def needing_position(self) -> list[TopicPartition]:
        """Assigned partitions without a position."""
        return [tp for tp, s in self.assignment.items() if s.position is None]
