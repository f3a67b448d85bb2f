"""Group requests of ``Admin``: ListGroups, DescribeGroups, DeleteGroups and OffsetDelete
answers read, and the offsets arithmetic of resets and lag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from client.admin.types import (
    ConsumerGroupDescription,
    ConsumerGroupMemberDescription,
    GroupDescription,
    GroupListing,
    MemberDescription,
    PartitionLag,
)
from client.errors import error_from_code
from client.offsets import ListedOffset
from client.types import OffsetAndMetadata, TopicPartition
from protocol.consumer_protocol import CONSUMER_PROTOCOL_TYPE, decode_assignment
from protocol.errors import DecodeError
from protocol.messages import OffsetDeleteRequest

__all__ = [
    "check_delete_groups",
    "check_offset_delete",
    "clamp_offsets",
    "consumer_group_descriptions",
    "group_descriptions",
    "group_listings",
    "offset_delete_request",
    "partition_lags",
]


def group_listings(responses: Sequence[Any]) -> list[GroupListing]:
    """The groups of every broker's ListGroups answer, sorted by id (the first failure
    raised)."""
    found: dict[str, GroupListing] = {}
    for response in responses:
        if response.error_code:
            raise error_from_code(response.error_code, "ListGroups")
        for g in response.groups:
            found[g.group_id] = GroupListing(
                g.group_id, g.protocol_type, g.group_state, getattr(g, "group_type", "") or ""
            )
    return [found[k] for k in sorted(found)]


def group_descriptions(response: Any) -> dict[str, GroupDescription]:
    """The groups of a DescribeGroups answer, members' assignments decoded (the first
    failure raised)."""
    out: dict[str, GroupDescription] = {}
    for g in response.groups:
        if g.error_code:
            raise error_from_code(g.error_code, f"group {g.group_id!r}")
        out[g.group_id] = GroupDescription(
            g.group_id,
            g.group_state,
            g.protocol_type,
            g.protocol_data,
            [_member(m, g.protocol_type) for m in g.members],
        )
    return out


def consumer_group_descriptions(response: Any) -> dict[str, ConsumerGroupDescription]:
    """The groups of a ConsumerGroupDescribe answer (the first failure raised: a classic or
    unknown group is GROUP_ID_NOT_FOUND)."""
    out: dict[str, ConsumerGroupDescription] = {}
    for g in response.groups:
        if g.error_code:
            detail = f"group {g.group_id!r}" + (f": {g.error_message}" if g.error_message else "")
            raise error_from_code(g.error_code, detail)
        out[g.group_id] = ConsumerGroupDescription(
            group_id=g.group_id,
            state=g.group_state,
            group_epoch=g.group_epoch,
            assignment_epoch=g.assignment_epoch,
            assignor=g.assignor_name,
            members=[
                ConsumerGroupMemberDescription(
                    member_id=m.member_id,
                    member_epoch=m.member_epoch,
                    client_id=m.client_id,
                    client_host=m.client_host,
                    instance_id=m.instance_id,
                    rack_id=m.rack_id,
                    subscribed_topic_names=tuple(m.subscribed_topic_names),
                    subscribed_topic_regex=m.subscribed_topic_regex,
                    assignment=_named_partitions(m.assignment.topic_partitions),
                    target_assignment=_named_partitions(m.target_assignment.topic_partitions),
                )
                for m in g.members
            ],
        )
    return out


def _named_partitions(topics: Iterable[Any]) -> tuple[TopicPartition, ...]:
    return tuple(sorted(TopicPartition(t.topic_name, p) for t in topics for p in t.partitions))


def check_delete_groups(response: Any) -> None:
    """Raise the first failure of a DeleteGroups answer."""
    for result in response.results:
        if result.error_code:
            raise error_from_code(result.error_code, f"group {result.group_id!r}")


def offset_delete_request(
    group_id: str, partitions: Iterable[TopicPartition]
) -> OffsetDeleteRequest:
    """The OffsetDelete request for the group's committed offsets of ``partitions``."""
    by_topic: dict[str, list[Any]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(
            OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition(
                partition_index=tp.partition
            )
        )
    return OffsetDeleteRequest(
        group_id=group_id,
        topics=[
            OffsetDeleteRequest.OffsetDeleteRequestTopic(name=t, partitions=p)
            for t, p in by_topic.items()
        ],
    )


def check_offset_delete(response: Any, group_id: str) -> None:
    """Raise the first failure of an OffsetDelete answer (the group's, then a partition's)."""
    if response.error_code:
        raise error_from_code(response.error_code, f"group {group_id!r}")
    for t in response.topics:
        for p in t.partitions:
            if p.error_code:
                raise error_from_code(p.error_code, f"{t.name}-{p.partition_index}")


def clamp_offsets(
    target: Mapping[TopicPartition, int],
    starts: Mapping[TopicPartition, ListedOffset],
    ends: Mapping[TopicPartition, ListedOffset],
) -> dict[TopicPartition, int]:
    """Each target offset held within its partition's log start..end."""
    return {tp: max(starts[tp].offset, min(ends[tp].offset, o)) for tp, o in target.items()}


def partition_lags(
    tps: Iterable[TopicPartition],
    committed: Mapping[TopicPartition, OffsetAndMetadata],
    starts: Mapping[TopicPartition, ListedOffset],
    ends: Mapping[TopicPartition, ListedOffset],
) -> dict[TopicPartition, PartitionLag]:
    """Per partition, sorted: the committed offset, the log end and the lag (a partition
    without a commit lags by its whole log)."""
    out: dict[TopicPartition, PartitionLag] = {}
    for tp in sorted(tps):
        end = ends[tp].offset
        start = starts[tp].offset
        done = committed[tp].offset if tp in committed else -1
        lag = end - (done if done >= 0 else start)
        out[tp] = PartitionLag(tp.topic, tp.partition, done, end, max(lag, 0), start)
    return out


def _member(m: Any, protocol_type: str) -> MemberDescription:
    assignment: tuple[TopicPartition, ...] = ()
    if protocol_type == CONSUMER_PROTOCOL_TYPE and m.member_assignment:
        try:
            assignment = tuple(decode_assignment(bytes(m.member_assignment)).partitions)
        except DecodeError:
            assignment = ()
    return MemberDescription(
        m.member_id, m.client_id, m.client_host, m.group_instance_id, assignment
    )
