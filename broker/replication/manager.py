"""``ReplicaManager``: the partitions this broker hosts, kept in step with the metadata image.

It turns image changes into log changes (deleted topics lose their logs, config changes reach
storage's ``LogConfig``), opens partitions on first use (log, producer state, leader state),
and completes appends: under the ``group`` flush policy the high watermark moves once the
flusher made the append durable; under ``interval`` and ``none`` at once. Whatever moves a
high watermark wakes the fetches parked on that partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Final

from broker.metadata.controller import Controller
from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    MetadataDelta,
    MetadataImage,
)
from broker.producer_state import ProducerStateTable, SnapshotError
from broker.purgatory import Purgatory
from broker.replication.partition import Partition
from broker.storage.config import FlushPolicy
from broker.storage.errors import DurabilityTimeoutError, LogStorageError
from broker.storage.flush import LogFlusher
from broker.storage.log import PartitionLog
from broker.storage.manager import LogManager
from broker.storage.names import TopicPartition
from broker.storage.scan import iter_headers
from broker.topic_configs import ResolvedConfig, log_config_for
from protocol.errors import (
    ErrorCode,
    KafkaError,
    KafkaStorageError,
    NotLeaderOrFollowerError,
    UnknownTopicOrPartitionError,
)
from protocol.records import RecordBatch

__all__ = ["DURABILITY_TIMEOUT_S", "ReplicaManager", "iter_batch_headers"]

log = logging.getLogger("samsa.replication")

#: How long a produce waits for its fsync before answering REQUEST_TIMED_OUT: an fsync this
#: slow means a sick disk, and the client's own request timeout (30 s by default) is near.
DURABILITY_TIMEOUT_S: Final = 30.0


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def iter_batch_headers(log_: PartitionLog, from_offset: int) -> Iterator[RecordBatch]:
    """Headers of the batches holding offsets at or after ``from_offset`` (61-byte views of
    a scratch buffer: read their fields, do not keep them)."""
    for seg in list(log_.segments):
        if seg.is_empty or seg.next_offset <= from_offset:
            continue
        start = 0
        if seg.base_offset < from_offset:
            found = seg.translate_offset(from_offset)
            if found is None:
                continue
            start = found[0]
        with seg.file.leased() as fd:
            for _, header in iter_headers(fd, start, seg.size):
                yield header


class ReplicaManager:
    """The partitions of this broker and the append/commit path."""

    def __init__(
        self,
        log_manager: LogManager,
        flusher: LogFlusher,
        controller: Controller,
        fetch_purgatory: Purgatory[TopicPartition],
        *,
        producer_id_expiration_ms: int,
        clock_ms: Callable[[], int] = _wall_clock_ms,
    ) -> None:
        self.log_manager = log_manager
        self.flusher = flusher
        self.controller = controller
        self.fetch_purgatory = fetch_purgatory
        self.node_id = controller.node_id
        self.producer_id_expiration_ms = producer_id_expiration_ms
        self.clock_ms = clock_ms
        self.group_commit = flusher.policy == FlushPolicy.GROUP
        self.image = controller.image
        self._partitions: dict[TopicPartition, Partition] = {}
        self._snapshot_versions: dict[TopicPartition, int] = {}
        self._configured_topics: set[str] = set()
        self._durability_watchers: dict[TopicPartition, asyncio.Task[None]] = {}

    # -- the image -----------------------------------------------------------------------------

    def startup(self) -> None:
        """Reconcile the logs on disk with the image and apply every topic's settings."""
        image = self.controller.image
        self.image = image
        for tp in self.log_manager.partitions():
            if image.partition(tp.topic, tp.partition) is None:
                log.info("deleting the log of %s: its topic or partition is not in metadata", tp)
                self.log_manager.delete_log(tp)
        self._apply_configs(image, all_topics=True)

    def publish(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """React to a committed metadata change (the controller calls this)."""
        self.image = image
        for topic in delta.deleted_topics.values():
            for pid in topic.partitions:
                self._delete_partition(TopicPartition(topic.name, pid))
            self._configured_topics.discard(topic.name)
        for topic_id, pid in delta.changed_partitions:
            topic_image = image.topics_by_id.get(topic_id)
            if topic_image is None:
                continue
            tp = TopicPartition(topic_image.name, pid)
            partition = self._partitions.get(tp)
            state = topic_image.partitions.get(pid)
            if partition is not None and state is not None:
                partition.update_state(state)
                self.fetch_purgatory.complete_all(tp)
        if delta.changed_configs:
            broker_changed = any(rt == BROKER_RESOURCE for rt, _ in delta.changed_configs)
            self._apply_configs(
                image,
                all_topics=broker_changed,
                topics={name for rt, name in delta.changed_configs if rt == TOPIC_RESOURCE},
            )

    def _apply_configs(
        self, image: MetadataImage, *, all_topics: bool, topics: set[str] | None = None
    ) -> None:
        controller = self.controller
        if all_topics:
            self.log_manager.default_config = log_config_for(controller.topic_defaults())
            targets = {
                name
                for name in image.topics_by_name
                if image.config(TOPIC_RESOURCE, name) or name in self._configured_topics
            }
            targets |= {tp.topic for tp in self._partitions}
        else:
            targets = set(topics or ())
        for name in targets:
            if image.topic(name) is None:
                continue
            resolved = controller.topic_configs(name)
            self.log_manager.set_topic_config(name, log_config_for(resolved))
            self._configured_topics.add(name)
            min_isr = _min_isr(resolved)
            for tp, partition in self._partitions.items():
                if tp.topic == name:
                    partition.min_insync_replicas = min_isr

    def _delete_partition(self, tp: TopicPartition) -> None:
        partition = self._partitions.pop(tp, None)
        self._snapshot_versions.pop(tp, None)
        if partition is not None:
            partition.mark_deleted()
            self.fetch_purgatory.complete_all(tp)
            self.flusher.detach(partition.log)
        try:
            self.log_manager.delete_log(tp)
        except LogStorageError as exc:
            log.error("could not delete the log of %s: %s", tp, exc)

    # -- partitions ----------------------------------------------------------------------------

    def get_partition(self, topic: str, partition: int) -> Partition:
        """The partition, opened on first use. Raises UnknownTopicOrPartitionError if the
        image has no such partition, NotLeaderOrFollowerError if this broker does not lead it
        and KafkaStorageError if its log cannot be opened."""
        # A plain tuple finds the NamedTuple key (same hash and equality), at no allocation.
        found = self._partitions.get((topic, partition))  # type: ignore[call-overload]
        if found is not None:
            if found.leader != self.node_id or found.deleted:
                raise NotLeaderOrFollowerError(f"this broker does not lead {topic}-{partition}")
            return found  # type: ignore[no-any-return]
        tp = TopicPartition(topic, partition)
        topic_image = self.image.topic(topic)
        state = topic_image.partitions.get(partition) if topic_image is not None else None
        if topic_image is None or state is None:
            raise UnknownTopicOrPartitionError(f"{tp} does not exist")
        now_ms = self.clock_ms()
        log_ = self.log_manager.get_or_create_log(tp, now_ms=now_ms)
        producers = self._load_producer_state(log_, now_ms)
        resolved = self.controller.topic_configs(topic)
        found = Partition(
            tp,
            topic_image.topic_id,
            log_,
            state,
            node_id=self.node_id,
            producers=producers,
            min_insync_replicas=_min_isr(resolved),
            on_high_watermark=self._high_watermark_moved,
        )
        self._partitions[tp] = found
        self._snapshot_versions[tp] = producers.version
        if not found.is_leader:
            raise NotLeaderOrFollowerError(f"this broker does not lead {tp}")
        return found

    def offline_partitions(self) -> set[TopicPartition]:
        """Opened partitions whose log went offline (a failed write or fsync)."""
        return {tp for tp, p in self._partitions.items() if p.log.offline is not None}

    def loaded_partitions(self) -> list[Partition]:
        """The partitions opened so far."""
        return list(self._partitions.values())

    def _high_watermark_moved(self, partition: Partition) -> None:
        self.fetch_purgatory.wake(partition.tp)

    # -- producer state ------------------------------------------------------------------------

    def _load_producer_state(self, log_: PartitionLog, now_ms: int) -> ProducerStateTable:
        """The snapshot at or below the log end, then the batch headers after it."""
        table: ProducerStateTable | None = None
        start = log_.log_start_offset
        try:
            found = log_.producer_snapshots.latest(at_or_below=log_.log_end_offset)
        except LogStorageError as exc:
            log.warning("%s: cannot read producer snapshots (%s); rebuilding", log_.tp, exc)
            found = None
        if found is not None:
            offset, data = found
            try:
                table = ProducerStateTable.from_snapshot(data)
                start = max(start, offset)
            except SnapshotError as exc:
                log.warning("%s: producer snapshot %d is damaged (%s)", log_.tp, offset, exc)
        if table is None:
            table = ProducerStateTable()
        replayed = 0
        for header in iter_batch_headers(log_, start):
            if header.producer_id < 0 or header.is_control:
                continue
            table.replay(
                header.producer_id,
                header.producer_epoch,
                header.last_sequence,
                header.base_offset,
                header.base_offset + header.last_offset_delta,
                now_ms,
            )
            replayed += 1
        if replayed:
            log.debug("%s: rebuilt producer state from %d batch(es)", log_.tp, replayed)
        table.truncate_head(log_.log_start_offset)
        return table

    def _snapshot_jobs(
        self, force: bool
    ) -> list[tuple[TopicPartition, PartitionLog, int, bytes, int]]:
        """What to snapshot: ``(tp, log, offset, data, version)`` per changed partition."""
        jobs = []
        for tp, partition in self._partitions.items():
            producers = partition.producers
            if not force and self._snapshot_versions.get(tp) == producers.version:
                continue
            log_ = partition.log
            if log_.offline is not None or partition.deleted:
                continue
            jobs.append((tp, log_, log_.log_end_offset, producers.snapshot(), producers.version))
        return jobs

    @staticmethod
    def _write_snapshots(
        jobs: list[tuple[TopicPartition, PartitionLog, int, bytes, int]],
    ) -> list[tuple[TopicPartition, int]]:
        """Write the snapshot files (blocking IO, safe on a worker thread)."""
        written = []
        for tp, log_, offset, data, version in jobs:
            try:
                log_.producer_snapshots.write(offset, data)
                log_.producer_snapshots.delete_older_than(offset)
            except LogStorageError as exc:
                log.warning("%s: producer snapshot failed: %s", tp, exc)
                continue
            written.append((tp, version))
        return written

    def snapshot_producer_state(self, *, force: bool = False) -> int:
        """Write a producer-state snapshot for each partition whose state changed, on this
        thread (at shutdown); returns how many were written."""
        written = self._write_snapshots(self._snapshot_jobs(force))
        self._snapshot_versions.update(written)
        return len(written)

    async def snapshot_producer_state_in_background(self) -> int:
        """``snapshot_producer_state`` with the file writes (and their fsyncs) on a worker
        thread, so that the event loop keeps serving."""
        jobs = self._snapshot_jobs(False)
        if not jobs:
            return 0
        written = await asyncio.to_thread(self._write_snapshots, jobs)
        for tp, version in written:
            if tp in self._partitions:
                self._snapshot_versions[tp] = version
        return len(written)

    def expire_producers(self, now_ms: int) -> None:
        """Drop idempotent producers idle past ``producer.id.expiration.ms`` or whose batches
        all lie below the log start offset."""
        for partition in self._partitions.values():
            partition.producers.truncate_head(partition.log.log_start_offset)
            partition.producers.expire(now_ms, self.producer_id_expiration_ms)

    # -- commit --------------------------------------------------------------------------------

    def after_append(self, partition: Partition) -> None:
        """Right after an append. Without group commit the write is as durable as the policy
        promises, so the high watermark moves now; with it, a watcher task (one per partition,
        independent of any request, so that acks=0 and abandoned requests still commit) moves
        it once the flusher made the append durable."""
        if not self.group_commit:
            partition.maybe_advance_high_watermark(partition.log.log_end_offset)
            return
        if partition.tp not in self._durability_watchers:
            self._durability_watchers[partition.tp] = asyncio.get_running_loop().create_task(
                self._advance_when_durable(partition), name=f"durability-{partition.tp}"
            )

    async def _advance_when_durable(self, partition: Partition) -> None:
        log_ = partition.log
        try:
            while not partition.deleted and partition.high_watermark < log_.log_end_offset:
                target = log_.log_end_offset
                try:
                    await self.flusher.wait_durable(log_, target, timeout_s=DURABILITY_TIMEOUT_S)
                except DurabilityTimeoutError as exc:
                    log.warning("%s: still not durable: %s", partition.tp, exc)
                    continue
                except LogStorageError as exc:
                    partition.fail_waiters(KafkaStorageError(f"{partition.tp}: {exc}"))
                    return
                partition.maybe_advance_high_watermark(log_.recovery_point)
        finally:
            self._durability_watchers.pop(partition.tp, None)

    async def commit(
        self, partition: Partition, next_offset: int, *, timeout_s: float
    ) -> ErrorCode:
        """Wait until the high watermark passes ``next_offset`` (the append is committed:
        durable as the flush policy promises, and — later — replicated to the ISR)."""
        if partition.high_watermark >= next_offset:
            return ErrorCode.NONE
        try:
            reached = await partition.wait_for_high_watermark(next_offset, timeout_s)
        except KafkaError as exc:
            return exc.code
        return ErrorCode.NONE if reached else ErrorCode.REQUEST_TIMED_OUT

    async def close(self) -> None:
        """Stop the durability watchers (the flusher's final pass makes everything durable)."""
        watchers = list(self._durability_watchers.values())
        for task in watchers:
            task.cancel()
        for task in watchers:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _min_isr(resolved: dict[str, ResolvedConfig]) -> int:
    value = resolved["min.insync.replicas"].value
    return int(value) if value is not None else 1
