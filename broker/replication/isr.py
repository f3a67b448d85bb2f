"""The leader's view of its followers: pure ISR and high-watermark rules (time is an argument).

Kafka's rules, as the leader of a partition applies them:

* **caught-up time** (``record_fetch``): a follower that fetches at or past the leader's log end
  offset is caught up *now*; one that fetches at or past the leader's log end offset as of its
  previous fetch was caught up *at that previous fetch*. Nothing else moves the time.
* **shrink** (``out_of_sync_replicas``): an ISR member other than the leader whose log end offset
  differs from the leader's and that has not been caught up for ``replica.lag.time.max.ms`` is
  dropped. A follower that has everything stays in sync however long it is quiet.
* **expand** (``can_join_isr``): a replica outside the ISR joins once its log end offset reaches
  the high watermark and the start of the leader's current epoch (so that it holds every record
  of the epoch that could still become committed).
* **high watermark** (``high_watermark``): the smallest log end offset over the ISR — the
  *maximal* ISR while a change is in flight (the committed ISR plus replicas being added), so
  that the high watermark never relies on a set the controller has not accepted. A follower
  whose log end offset is not known yet (a leader that just took over) holds it back.

``AlterPartition`` (answered with the controller's ``AlterPartitionResult``, defined with the
controller's interface in ``broker.metadata.controller_api``) is how the leader asks the
controller to change the ISR (Kafka's AlterPartition).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, TypeAlias

from broker.metadata.controller_api import AlterPartitionResult
from protocol.types import TopicPartition

__all__ = [
    "DEFAULT_REPLICA_LAG_TIME_MAX_MS",
    "UNKNOWN_OFFSET",
    "AlterPartition",
    "AlterPartitionResult",
    "FollowerState",
    "can_join_isr",
    "high_watermark",
    "maximal_isr",
    "out_of_sync_replicas",
    "record_fetch",
]

#: Kafka's default ``replica.lag.time.max.ms``.
DEFAULT_REPLICA_LAG_TIME_MAX_MS: Final = 30_000

#: A follower's log end offset before its first fetch to this leader.
UNKNOWN_OFFSET: Final = -1


@dataclass(slots=True)
class FollowerState:
    """What the leader knows of one follower."""

    replica_id: int
    log_end_offset: int = UNKNOWN_OFFSET
    log_start_offset: int = UNKNOWN_OFFSET
    last_caught_up_time_ms: int = 0
    last_fetch_time_ms: int = 0
    last_fetch_leader_log_end_offset: int = UNKNOWN_OFFSET


#: ``alter_partition(tp, leader_epoch, partition_epoch, new_isr)``: ask the controller to
#: commit ``new_isr`` for ``tp`` if the partition is still at these epochs.
AlterPartition: TypeAlias = Callable[
    [TopicPartition, int, int, tuple[int, ...]], Awaitable[AlterPartitionResult]
]


def record_fetch(
    state: FollowerState,
    fetch_offset: int,
    leader_log_end_offset: int,
    now_ms: int,
    *,
    log_start_offset: int = UNKNOWN_OFFSET,
) -> None:
    """A follower fetched at ``fetch_offset`` (its log end offset) at ``now_ms``."""
    if fetch_offset >= leader_log_end_offset:
        state.last_caught_up_time_ms = max(state.last_caught_up_time_ms, now_ms)
    elif fetch_offset >= state.last_fetch_leader_log_end_offset >= 0:
        state.last_caught_up_time_ms = max(state.last_caught_up_time_ms, state.last_fetch_time_ms)
    state.log_end_offset = fetch_offset
    state.log_start_offset = log_start_offset
    state.last_fetch_leader_log_end_offset = leader_log_end_offset
    state.last_fetch_time_ms = now_ms


def maximal_isr(isr: Iterable[int], pending_isr: Iterable[int] | None) -> tuple[int, ...]:
    """The committed ISR plus every replica a change in flight would add."""
    out = list(isr)
    if pending_isr is not None:
        out.extend(r for r in pending_isr if r not in out)
    return tuple(out)


def high_watermark(
    leader_id: int,
    leader_end_offset: int,
    isr: Iterable[int],
    followers: Mapping[int, FollowerState],
) -> int:
    """The smallest log end offset over ``isr``; ``leader_end_offset`` stands for the leader
    (its durable end). A member with no known state counts as UNKNOWN_OFFSET."""
    low = leader_end_offset
    for replica in isr:
        if replica == leader_id:
            continue
        state = followers.get(replica)
        end = state.log_end_offset if state is not None else UNKNOWN_OFFSET
        low = min(low, end)
    return low


def out_of_sync_replicas(
    leader_id: int,
    leader_log_end_offset: int,
    isr: Iterable[int],
    followers: Mapping[int, FollowerState],
    now_ms: int,
    lag_time_max_ms: int,
) -> set[int]:
    """The ISR members (never the leader) to drop."""
    out = set()
    for replica in isr:
        if replica == leader_id:
            continue
        state = followers.get(replica)
        if state is None:
            out.add(replica)
            continue
        caught_up = state.log_end_offset == leader_log_end_offset
        if not caught_up and now_ms - state.last_caught_up_time_ms > lag_time_max_ms:
            out.add(replica)
    return out


def can_join_isr(
    state: FollowerState, high_watermark_offset: int, leader_epoch_start_offset: int
) -> bool:
    """Whether a replica outside the ISR has caught up enough to join it."""
    end = state.log_end_offset
    return end >= 0 and end >= high_watermark_offset and end >= leader_epoch_start_offset
