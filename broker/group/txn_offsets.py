"""Transactional offset commits: TxnOffsetCommit and the end of their transactions (KIP-98).

A transactional producer commits a consumer group's offsets as part of its transaction
(``sendOffsetsToTransaction``): the offset records go to the group's ``__consumer_offsets``
partition in a transactional batch of that producer, and stay pending, invisible to
OffsetFetch, until the transaction coordinator writes the transaction's marker to that
partition. A COMMIT marker makes them the group's committed offsets (unless a plain commit of the
same partition was appended after them: the newer record in the log wins, as Kafka's
``GroupMetadata.completePendingTxnOffsetCommit``); an ABORT marker drops them. OffsetFetch with
``require_stable`` (v7+, KIP-447) answers UNSTABLE_OFFSET_COMMIT for a partition with pending
offsets.
"""

from __future__ import annotations

from broker.group.context import API_TXN_OFFSET_COMMIT, CoreContext, map_offset_commit_error
from broker.group.membership import validate_current_member
from broker.group.offsets import (
    PartitionExists,
    _by_topic,
    java_string_length,
    requested_partitions,
    unknown_partitions,
)
from broker.group.outcome import Outcome, ParkKey
from broker.group.records import OffsetAndMetadata, OffsetCommitKey, TopicPartition, encode_record
from broker.group.state import DEAD, GroupMetadata
from protocol.errors import ErrorCode
from protocol.messages import Message, TxnOffsetCommitRequest, TxnOffsetCommitResponse


def txn_commit_response(
    order: list[TopicPartition], errors: dict[TopicPartition, ErrorCode]
) -> TxnOffsetCommitResponse:
    """A TxnOffsetCommit response in request order."""
    topic_cls = TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
    part_cls = topic_cls.TxnOffsetCommitResponsePartition
    return TxnOffsetCommitResponse(
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


def txn_offset_commit_error(
    request: TxnOffsetCommitRequest, code: ErrorCode
) -> TxnOffsetCommitResponse:
    """Every partition of ``request`` with ``code`` (when no coordinator answers)."""
    order = list(
        dict.fromkeys(
            TopicPartition(t.name, p.partition_index) for t in request.topics for p in t.partitions
        )
    )
    return txn_commit_response(order, dict.fromkeys(order, code))


class TxnOffsets:
    """TxnOffsetCommit, and the markers that end the transactions holding pending offsets."""

    def __init__(self, ctx: CoreContext) -> None:
        self._ctx = ctx

    # -- TxnOffsetCommit --------------------------------------------------------------------

    def txn_offset_commit(
        self,
        request: TxnOffsetCommitRequest,
        *,
        version: int,
        now_ms: int,
        partition_exists: PartitionExists | None = None,
    ) -> Outcome[TxnOffsetCommitResponse]:
        return self._ctx.run(
            now_ms, lambda: self._txn_offset_commit(request, version, partition_exists)
        )

    def _txn_offset_commit(
        self,
        req: TxnOffsetCommitRequest,
        version: int,
        partition_exists: PartitionExists | None,
    ) -> TxnOffsetCommitResponse | ParkKey:
        order, given = requested_partitions(req.topics)
        errors: dict[TopicPartition, ErrorCode] = {}

        def fail_all(error: ErrorCode) -> TxnOffsetCommitResponse:
            for tp in order:
                errors.setdefault(tp, error)
            return txn_commit_response(order, errors)

        status = self._ctx.status_error(req.group_id, API_TXN_OFFSET_COMMIT)
        if status is not None:
            return fail_all(status)
        errors.update(unknown_partitions(order, partition_exists))
        valid = [tp for tp in order if tp not in errors]
        if not valid:
            return txn_commit_response(order, errors)

        # v3+ (KIP-447) name the member: a zombie of an older generation is fenced.
        generation = req.generation_id if version >= 3 else -1
        member_id = req.member_id if version >= 3 else ""
        instance_id = req.group_instance_id if version >= 3 else None
        group = self._ctx.groups.get(req.group_id)
        if group is None:
            # Kafka creates the group (Empty) whatever the request carries: a transactional
            # producer may commit for a group that has not formed yet.
            group = self._ctx.create_group(req.group_id)
        error = _validate_txn_offset_commit(group, generation, member_id, instance_id)
        if error is not None:
            return fail_all(error)

        now = self._ctx.now_ms
        limit = self._ctx.config.offset_metadata_max_bytes
        accepted: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp in valid:
            p = given[tp]
            metadata = p.committed_metadata or ""
            if java_string_length(metadata) > limit:
                errors[tp] = ErrorCode.OFFSET_METADATA_TOO_LARGE
                continue
            accepted[tp] = OffsetAndMetadata(
                offset=p.committed_offset,
                leader_epoch=p.committed_leader_epoch if version >= 2 else -1,
                metadata=metadata,
                commit_timestamp_ms=now,
                expire_timestamp_ms=None,
            )
        if not accepted:
            return txn_commit_response(order, errors)
        return self._store(group, req.producer_id, req.producer_epoch, order, accepted, errors)

    def _store(
        self,
        group: GroupMetadata,
        producer_id: int,
        producer_epoch: int,
        order: list[TopicPartition],
        accepted: dict[TopicPartition, OffsetAndMetadata],
        errors: dict[TopicPartition, ErrorCode],
    ) -> TxnOffsetCommitResponse | ParkKey:
        ctx = self._ctx
        group.prepare_txn_offset_commit(producer_id, accepted)
        ctx.txn_producer_groups.setdefault(producer_id, set()).add(group.group_id)
        records = [
            encode_record(OffsetCommitKey(group.group_id, tp.topic, tp.partition), offset)
            for tp, offset in accepted.items()
        ]

        def respond(error: ErrorCode) -> Message:
            return txn_commit_response(order, {**errors, **dict.fromkeys(accepted, error)})

        key = ctx.park(API_TXN_OFFSET_COMMIT, group.group_id, respond)

        def on_complete(error: ErrorCode) -> None:
            alive = ctx.groups.get(group.group_id) is group and not group.is_(DEAD)
            if error is ErrorCode.NONE:
                if alive:
                    for tp, offset in accepted.items():
                        group.on_txn_offset_commit_append(producer_id, tp, offset, (1, token))
                ctx.complete(key, respond(ErrorCode.NONE))
            else:
                if alive:
                    for tp, offset in accepted.items():
                        group.fail_pending_txn_offset_commit(producer_id, tp, offset)
                ctx.complete(key, respond(map_offset_commit_error(error)))

        token = ctx.append(
            group.group_id,
            records,
            on_complete,
            producer_id=producer_id,
            producer_epoch=producer_epoch,
        )
        return key

    # -- markers ----------------------------------------------------------------------------

    def complete_txn(
        self, partition: int, producer_id: int, commit: bool, now_ms: int
    ) -> Outcome[None]:
        return self._ctx.run(now_ms, lambda: self._complete_txn(partition, producer_id, commit))

    def _complete_txn(self, partition: int, producer_id: int, commit: bool) -> None:
        """Kafka's ``handleTxnCompletion``: every group of ``partition`` with offsets pending
        for the producer commits or drops them."""
        ctx = self._ctx
        group_ids = ctx.txn_producer_groups.get(producer_id)
        if not group_ids:
            return
        for group_id in list(group_ids):
            group = ctx.groups.get(group_id)
            if group is None:
                group_ids.discard(group_id)  # deleted, expired or unloaded since
            elif ctx.partition_for(group_id) == partition:
                if not group.is_(DEAD):
                    group.complete_pending_txn_offset_commit(producer_id, commit)
                group_ids.discard(group_id)
        if not group_ids:
            del ctx.txn_producer_groups[producer_id]


def _validate_txn_offset_commit(
    group: GroupMetadata, generation: int, member_id: str, instance_id: str | None
) -> ErrorCode | None:
    """Kafka's ``validateOffsetCommit`` for a transactional commit: the member is checked only
    when the request names one (v3+); otherwise any group state is accepted (v0-v2 carry no
    member)."""
    if group.is_(DEAD):
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if generation >= 0 or member_id != "" or instance_id is not None:
        error = validate_current_member(group, member_id, instance_id)
        if error is not None:
            return error
        if generation != group.generation_id:
            return ErrorCode.ILLEGAL_GENERATION
    return None
