"""Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, retention, deleted topics.

Commits become visible only once their records are durable in ``__consumer_offsets``: the
commit is parked until ``append_completed`` (Kafka's pending offset commits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from broker.group.context import (
    API_OFFSET_COMMIT,
    API_OFFSET_DELETE,
    API_OFFSET_FETCH,
    CoreContext,
    map_offset_commit_error,
)
from broker.group.membership import validate_current_member
from broker.group.outcome import Outcome, ParkKey
from broker.group.records import OffsetAndMetadata, OffsetCommitKey, TopicPartition, encode_record
from broker.group.state import COMPLETING, DEAD, EMPTY, PREPARING, STABLE, GroupMetadata
from protocol.consumer_protocol import CONSUMER_PROTOCOL_TYPE
from protocol.errors import ErrorCode
from protocol.messages import (
    Message,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetDeleteRequest,
    OffsetDeleteResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
)

#: Kafka's ``OffsetFetchResponse.INVALID_OFFSET``: "no committed offset".
INVALID_OFFSET = -1

#: The latest expiry an offset can carry: int64's maximum, the width of the stored field.
MAX_EXPIRE_TIMESTAMP_MS = (1 << 63) - 1

PartitionExists = Callable[[str, int], bool]
"""Whether a topic partition exists (from the metadata image); the handler supplies it."""

_FetchPartition = OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition


def java_string_length(s: str) -> int:
    """Java's ``String.length()``: UTF-16 code units (Kafka's measure of offset metadata)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _by_topic(tps: Iterable[TopicPartition]) -> dict[str, list[TopicPartition]]:
    out: dict[str, list[TopicPartition]] = {}
    for tp in tps:
        out.setdefault(tp.topic, []).append(tp)
    return out


def requested_partitions(
    topics: Iterable[Any],
) -> tuple[list[TopicPartition], dict[TopicPartition, Any]]:
    """The partitions an OffsetCommit or TxnOffsetCommit names, in request order, and each one's
    request entry (a partition named twice: the last entry counts, as Kafka's map)."""
    order: list[TopicPartition] = []
    given: dict[TopicPartition, Any] = {}
    for topic in topics:
        for p in topic.partitions:
            tp = TopicPartition(topic.name, p.partition_index)
            if tp not in given:
                order.append(tp)
            given[tp] = p
    return order, given


def unknown_partitions(
    order: Iterable[TopicPartition], partition_exists: PartitionExists | None
) -> dict[TopicPartition, ErrorCode]:
    """UNKNOWN_TOPIC_OR_PARTITION for each partition the metadata does not have."""
    if partition_exists is None:
        return {}
    return {
        tp: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        for tp in order
        if not partition_exists(tp.topic, tp.partition)
    }


def commit_response(
    order: list[TopicPartition], errors: dict[TopicPartition, ErrorCode]
) -> OffsetCommitResponse:
    """An OffsetCommit response in request order."""
    topic_cls = OffsetCommitResponse.OffsetCommitResponseTopic
    part_cls = topic_cls.OffsetCommitResponsePartition
    return OffsetCommitResponse(
        topics=[
            topic_cls(
                name=topic,
                partitions=[
                    part_cls(partition_index=tp.partition, error_code=errors[tp]) for tp in tps
                ],
            )
            for topic, tps in _by_topic(order).items()
        ]
    )


def _offset_delete_response(
    error: ErrorCode, order: list[TopicPartition], errors: dict[TopicPartition, ErrorCode]
) -> OffsetDeleteResponse:
    topic_cls = OffsetDeleteResponse.OffsetDeleteResponseTopic
    part_cls = topic_cls.OffsetDeleteResponsePartition
    listed = [tp for tp in order if tp in errors]
    return OffsetDeleteResponse(
        error_code=error,
        topics=[
            topic_cls(
                name=topic,
                partitions=[
                    part_cls(partition_index=tp.partition, error_code=errors[tp]) for tp in tps
                ],
            )
            for topic, tps in _by_topic(listed).items()
        ],
    )


def map_tombstone_error(error: ErrorCode) -> ErrorCode:
    """What a deletion reports when its tombstones cannot be appended."""
    mapped = map_offset_commit_error(error)
    return (
        ErrorCode.UNKNOWN_SERVER_ERROR if mapped is ErrorCode.INVALID_COMMIT_OFFSET_SIZE else mapped
    )


class Offsets:
    """OffsetCommit, OffsetFetch, OffsetDelete, offset retention and deleted partitions."""

    def __init__(self, ctx: CoreContext) -> None:
        self._ctx = ctx

    # -- OffsetCommit -----------------------------------------------------------------------

    def offset_commit(
        self,
        request: OffsetCommitRequest,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[OffsetCommitResponse]:
        return self._ctx.run(
            now_ms, lambda: self._offset_commit(request, version, partition_exists)
        )

    def _offset_commit(
        self, req: OffsetCommitRequest, version: int, partition_exists: PartitionExists | None
    ) -> OffsetCommitResponse | ParkKey:
        order, given = requested_partitions(req.topics)
        errors: dict[TopicPartition, ErrorCode] = {}

        def fail_all(error: ErrorCode) -> OffsetCommitResponse:
            for tp in order:
                errors.setdefault(tp, error)
            return commit_response(order, errors)

        status = self._ctx.status_error(req.group_id, API_OFFSET_COMMIT)
        if status is not None:
            return fail_all(status)
        errors.update(unknown_partitions(order, partition_exists))
        valid = [tp for tp in order if tp not in errors]
        if not valid:
            return commit_response(order, errors)

        now = self._ctx.now_ms
        expire = None
        if version <= 4 and req.retention_time_ms != -1:
            # v2-v4 per-commit retention (old semantics). The sum is kept within int64, the
            # field's width in __consumer_offsets: a retention of years means "never".
            expire = max(0, min(now + req.retention_time_ms, MAX_EXPIRE_TIMESTAMP_MS))
        offsets = {
            tp: OffsetAndMetadata(
                offset=given[tp].committed_offset,
                leader_epoch=given[tp].committed_leader_epoch if version >= 6 else -1,
                metadata=given[tp].committed_metadata or "",
                commit_timestamp_ms=now,
                expire_timestamp_ms=expire,
            )
            for tp in valid
        }
        generation = req.generation_id_or_member_epoch
        member_id = req.member_id
        instance_id = req.group_instance_id if version >= 7 else None
        group = self._ctx.groups.get(req.group_id)
        if group is None:
            if generation >= 0:
                # A generation for a group that does not exist: an old member. Reject.
                return fail_all(ErrorCode.ILLEGAL_GENERATION)
            # A consumer that manages its own partitions ("simple consumer") commits.
            group = self._ctx.create_group(req.group_id)
        error = self._validate_offset_commit(group, generation, member_id, instance_id)
        if error is not None:
            return fail_all(error)
        if group.state in (STABLE, PREPARING):
            # Commits are allowed while the group prepares a rebalance: the member learns of the
            # rebalance from its next heartbeat. A commit also proves the member alive.
            self._ctx.schedule_heartbeat(group, group.members[member_id])
        elif group.is_(COMPLETING):
            # The member has its new generation but no assignment yet.
            return fail_all(ErrorCode.REBALANCE_IN_PROGRESS)
        return self._store_offsets(group, order, offsets, errors)

    def _validate_offset_commit(
        self,
        group: GroupMetadata,
        generation: int,
        member_id: str,
        instance_id: str | None,
    ) -> ErrorCode | None:
        """Kafka's ``validateOffsetCommit`` (non-transactional)."""
        if group.is_(DEAD):
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        if generation < 0 and group.is_(EMPTY):
            return None  # admin client or a consumer without group management
        if generation >= 0 or member_id != "" or instance_id is not None:
            error = validate_current_member(group, member_id, instance_id)
            if error is not None:
                return error
            if generation != group.generation_id:
                return ErrorCode.ILLEGAL_GENERATION
            return None
        if not group.is_(EMPTY):
            return ErrorCode.UNKNOWN_MEMBER_ID  # only members commit for a group with members
        return None

    def _store_offsets(
        self,
        group: GroupMetadata,
        order: list[TopicPartition],
        offsets: dict[TopicPartition, OffsetAndMetadata],
        errors: dict[TopicPartition, ErrorCode],
    ) -> OffsetCommitResponse | ParkKey:
        limit = self._ctx.config.offset_metadata_max_bytes
        accepted: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp, offset in offsets.items():
            if java_string_length(offset.metadata) > limit:
                errors[tp] = ErrorCode.OFFSET_METADATA_TOO_LARGE
            else:
                accepted[tp] = offset
        if not accepted:
            return commit_response(order, errors)
        group.prepare_offset_commit(accepted)
        records = [
            encode_record(OffsetCommitKey(group.group_id, tp.topic, tp.partition), offset)
            for tp, offset in accepted.items()
        ]

        def respond(error: ErrorCode) -> Message:
            return commit_response(order, {**errors, **dict.fromkeys(accepted, error)})

        key = self._ctx.park(API_OFFSET_COMMIT, group.group_id, respond)

        def on_complete(error: ErrorCode) -> None:
            alive = self._ctx.groups.get(group.group_id) is group and not group.is_(DEAD)
            if error is ErrorCode.NONE:
                if alive:
                    for tp, offset in accepted.items():
                        group.on_offset_commit_append(tp, offset, (1, token))
                self._ctx.complete(key, respond(ErrorCode.NONE))
            else:
                if alive:
                    for tp, offset in accepted.items():
                        group.fail_pending_offset_write(tp, offset)
                self._ctx.complete(key, respond(map_offset_commit_error(error)))

        token = self._ctx.append(group.group_id, records, on_complete)
        return key

    # -- OffsetFetch ------------------------------------------------------------------------

    def offset_fetch(
        self, request: OffsetFetchRequest, *, version: int, now_ms: int
    ) -> Outcome[OffsetFetchResponse]:
        return self._ctx.run(now_ms, lambda: self._offset_fetch(request, version))

    def _offset_fetch(self, req: OffsetFetchRequest, version: int) -> OffsetFetchResponse:
        requested: list[TopicPartition] | None
        if req.topics is None and version >= 2:
            requested = None  # every partition with a committed offset
        else:
            requested = list(
                dict.fromkeys(
                    TopicPartition(t.name, p)
                    for t in (req.topics or [])
                    for p in t.partition_indexes
                )
            )
        error = self._ctx.status_error(req.group_id, API_OFFSET_FETCH)
        if error is not None:
            if version >= 2:
                return OffsetFetchResponse(error_code=error, topics=[])
            return _fetch_response(
                {tp: (INVALID_OFFSET, -1, "", error) for tp in requested or []}, ErrorCode.NONE
            )
        group = self._ctx.groups.get(req.group_id)
        require_stable = version >= 7 and req.require_stable
        entries: dict[TopicPartition, tuple[int, int, str, ErrorCode]] = {}
        if group is None or group.is_(DEAD):
            for tp in requested or []:
                entries[tp] = (INVALID_OFFSET, -1, "", ErrorCode.NONE)
        else:
            tps = sorted(group.offsets) if requested is None else requested
            for tp in tps:
                if require_stable and group.has_pending_offset_commits_for(tp):
                    entries[tp] = (INVALID_OFFSET, -1, "", ErrorCode.UNSTABLE_OFFSET_COMMIT)
                    continue
                offset = group.offsets.get(tp)
                if offset is None:
                    entries[tp] = (INVALID_OFFSET, -1, "", ErrorCode.NONE)
                else:
                    entries[tp] = (
                        offset.offset,
                        offset.leader_epoch,
                        offset.metadata,
                        ErrorCode.NONE,
                    )
        return _fetch_response(entries, ErrorCode.NONE)

    # -- OffsetDelete -----------------------------------------------------------------------

    def offset_delete(
        self,
        request: OffsetDeleteRequest,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[OffsetDeleteResponse]:
        return self._ctx.run(now_ms, lambda: self._offset_delete(request, partition_exists))

    def _offset_delete(
        self, req: OffsetDeleteRequest, partition_exists: PartitionExists | None
    ) -> OffsetDeleteResponse | ParkKey:
        order = list(
            dict.fromkeys(
                TopicPartition(t.name, p.partition_index) for t in req.topics for p in t.partitions
            )
        )
        errors: dict[TopicPartition, ErrorCode] = {}
        if partition_exists is not None:
            for tp in order:
                if not partition_exists(tp.topic, tp.partition):
                    errors[tp] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        candidates = [tp for tp in order if tp not in errors]
        status = self._ctx.status_error(req.group_id, API_OFFSET_DELETE)
        if status is not None:
            return _offset_delete_response(status, order, errors)
        group = self._ctx.groups.get(req.group_id)
        if group is None or group.is_(DEAD):
            return _offset_delete_response(ErrorCode.GROUP_ID_NOT_FOUND, order, errors)
        if group.is_(EMPTY):
            eligible = candidates
        elif group.protocol_type == CONSUMER_PROTOCOL_TYPE:
            eligible = []
            for tp in candidates:
                if group.is_subscribed_to_topic(tp.topic):
                    errors[tp] = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC
                else:
                    eligible.append(tp)
        else:
            return _offset_delete_response(ErrorCode.NON_EMPTY_GROUP, order, errors)
        for tp in eligible:
            errors[tp] = ErrorCode.NONE
        records = self.cleanup_group(group, lambda g: g.remove_offsets(eligible))
        if not records:
            return _offset_delete_response(ErrorCode.NONE, order, errors)

        def respond(error: ErrorCode) -> Message:
            if error is ErrorCode.NONE:
                return _offset_delete_response(ErrorCode.NONE, order, errors)
            return _offset_delete_response(error, order, {})

        key = self._ctx.park(API_OFFSET_DELETE, group.group_id, respond)
        self._ctx.append(
            group.group_id,
            records,
            lambda error: self._ctx.complete(key, respond(map_tombstone_error(error))),
        )
        return key

    # -- retention and cleanup --------------------------------------------------------------

    def cleanup_group(
        self, group: GroupMetadata, remove: Callable[[GroupMetadata], Iterable[TopicPartition]]
    ) -> list[tuple[bytes, bytes | None]]:
        """Remove offsets and, if the group is left Empty without offsets, the group (Kafka's
        ``cleanupGroupMetadata``). Returns the tombstones to append."""
        records = [self._ctx.offset_tombstone(group.group_id, tp) for tp in remove(group)]
        if group.is_(EMPTY) and not group.has_offsets():
            group.transition_to(DEAD, self._ctx.now_ms)
        if group.is_(DEAD):
            self._ctx.drop_group(group)
            if group.generation_id > 0:  # a group that never formed a generation has no record
                records.append(self._ctx.group_tombstone(group.group_id))
        return records

    def expire_offsets(self, now_ms: int) -> Outcome[None]:
        return self._ctx.run(now_ms, self._expire_offsets)

    def _expire_offsets(self) -> None:
        retention = self._ctx.config.offsets_retention_ms
        now = self._ctx.now_ms
        for group in list(self._ctx.groups.values()):
            records = self.cleanup_group(
                group, lambda g: list(g.remove_expired_offsets(now, retention))
            )
            if records:
                self._ctx.append(group.group_id, records)

    def delete_partitions(self, partitions: Iterable[TopicPartition], now_ms: int) -> Outcome[None]:
        tps = list(partitions)

        def run() -> None:
            for group in list(self._ctx.groups.values()):
                records = self.cleanup_group(group, lambda g: g.remove_offsets(tps))
                if records:
                    self._ctx.append(group.group_id, records)

        return self._ctx.run(now_ms, run)

    # -- lag support ------------------------------------------------------------------------

    def committed_offsets(self, group_id: str) -> dict[TopicPartition, OffsetAndMetadata]:
        group = self._ctx.groups.get(group_id)
        return dict(group.offsets) if group is not None else {}

    def all_committed_offsets(self) -> Iterator[tuple[str, TopicPartition, OffsetAndMetadata]]:
        for group in list(self._ctx.groups.values()):
            for tp, offset in list(group.offsets.items()):
                yield group.group_id, tp, offset


def _fetch_response(
    entries: dict[TopicPartition, tuple[int, int, str, ErrorCode]], error: ErrorCode
) -> OffsetFetchResponse:
    topic_cls = OffsetFetchResponse.OffsetFetchResponseTopic
    topics = []
    for topic, tps in _by_topic(entries).items():
        partitions = []
        for tp in tps:
            offset, epoch, metadata, part_error = entries[tp]
            partitions.append(
                _FetchPartition(
                    partition_index=tp.partition,
                    committed_offset=offset,
                    committed_leader_epoch=epoch,
                    metadata=metadata,
                    error_code=part_error,
                )
            )
        topics.append(topic_cls(name=topic, partitions=partitions))
    return OffsetFetchResponse(error_code=error, topics=topics)
