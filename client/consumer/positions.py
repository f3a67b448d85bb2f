"""Where a ``Consumer`` starts reading a partition it has no position for: the group's
committed offset, else ``auto.offset.reset`` (or the reset ``seek_to_beginning`` /
``seek_to_end`` asked for) looked up with ListOffsets."""

from __future__ import annotations

from client.cluster import Cluster
from client.config import ConsumerConfig
from client.consumer.subscription import SubscriptionState
from client.errors import NoOffsetForPartitionError
from client.group_offsets import fetch_committed
from client.offsets import EARLIEST, LATEST, list_offsets
from client.types import OffsetAndMetadata, TopicPartition

__all__ = ["resolve_positions"]


async def resolve_positions(
    cluster: Cluster,
    subs: SubscriptionState,
    config: ConsumerConfig,
    partitions: list[TopicPartition],
    *,
    timeout_s: float,
    coordinator: list[int],
) -> bool:
    """Find positions: committed offsets (with a group), else ``auto.offset.reset``.

    A partition reassigned or seeked meanwhile (its epoch moved) is left alone. True when
    offsets were looked up by time (the fetcher has new positions to read from).
    """
    assignment = subs.assignment
    epochs = {tp: assignment[tp].epoch for tp in partitions if tp in assignment}
    explicit = {tp for tp in epochs if assignment[tp].reset is not None}
    committed: dict[TopicPartition, OffsetAndMetadata] = {}
    lookup = [tp for tp in epochs if tp not in explicit]
    if lookup and config.group_id is not None:
        committed = await fetch_committed(
            cluster,
            config.group_id,
            lookup,
            timeout_s=timeout_s,
            node_hint=coordinator,
        )
    specs: dict[TopicPartition, int] = {}
    for tp in epochs:
        state = assignment.get(tp)
        if state is None or state.epoch != epochs[tp] or state.position is not None:
            continue
        if tp in committed:
            state.seek(committed[tp].offset)
            continue
        strategy = state.reset or config.auto_offset_reset
        if strategy == "none":
            raise NoOffsetForPartitionError(
                f"{tp} has no committed offset and auto.offset.reset is none"
            )
        specs[tp] = EARLIEST if strategy == "earliest" else LATEST
        epochs[tp] = state.epoch
    if not specs:
        return False
    found = await list_offsets(
        cluster,
        specs,
        read_committed=config.isolation_level == "read_committed",
        timeout_s=timeout_s,
    )
    for tp, listed in found.items():
        state = assignment.get(tp)
        if state is not None and state.epoch == epochs[tp] and state.position is None:
            state.seek(max(listed.offset, 0))
    return True
