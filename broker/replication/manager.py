"""``ReplicaManager``: the partitions this broker hosts, kept in step with the metadata image.

It turns image changes into log changes (deleted topics lose their logs, config changes reach
storage's ``LogConfig``), opens partitions (on first use in a cluster of one, as storage opens
cleanly closed logs lazily; at once for replicated partitions, except that one whose log awaits
its recovery after an unclean stop is opened once ``_recover_deferred`` recovered it on a worker
thread, or when a request needs it sooner; a request naming many unopened ones awaits
``open_partitions``, which lets the event loop go every ``OPEN_SLICE_MS``), and
completes appends: under the ``group`` flush policy this replica's
durable end moves once the flusher made the append durable; under ``interval`` and ``none`` at
once. The high watermark is the smallest log end offset over the ISR (``isr.py``). Whatever
moves a high watermark, and every append, wakes the fetches parked on that partition.

Replication: for each partition this broker replicates, a leader change in the image makes it
leader (at the new leader epoch) or follower — then ``ReplicaFetcherManager`` truncates it by
leader epoch and fetches it from the leader. As leader it learns followers' log end offsets
from their fetches (``follower_fetched``), asks the controller through the injected
``alter_partition`` to add a follower that caught up to the ISR, and every
``replica.lag.time.max.ms / 2`` drops the members that lag (``check_isr``).

Transactions: ``write_txn_marker`` appends a COMMIT/ABORT marker as leader (acknowledged like
any append); the last stable offset moves only when the high watermark does, so the same
wake-ups serve read_committed fetches. Opening a partition replays its producer state from
the latest snapshot: open transactions come back, and the aborted ones found on the way are
added to the transaction index again (the index ignores what it has).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    MetadataDelta,
    MetadataImage,
)
from broker.metadata.publisher import MetadataView
from broker.metadata.topic_configs import ResolvedConfig, log_config_for
from broker.replication.appends import (
    CATCHING_UP,
    UNEXPECTED_FAILURE,
    Acknowledgement,
    AppendFailure,
    acknowledgement,
    append_failure,
)
from broker.replication.fetcher import Endpoint, FetcherSettings, ReplicaFetcherManager
from broker.replication.isr import AlterPartition, AlterPartitionResult
from broker.replication.partition import AppendResult, Partition, apply_txn_marker
from broker.replication.pauses import ProducePauses
from broker.replication.producer_state import ProducerStateTable, SnapshotError
from broker.replication.purgatory import Purgatory
from broker.storage.config import FlushPolicy
from broker.storage.errors import DurabilityTimeoutError, LogStorageError
from broker.storage.flush import LogFlusher
from broker.storage.log import PartitionLog
from broker.storage.manager import LogManager
from broker.storage.scan import iter_headers, pread_exact
from broker.tasks import report_unexpected_end
from protocol.errors import (
    ErrorCode,
    KafkaError,
    KafkaStorageError,
    NotLeaderOrFollowerError,
    UnknownTopicOrPartitionError,
)
from protocol.records import LOG_OVERHEAD, RecordBatch
from protocol.records.batch import ControlRecordType
from protocol.types import TopicPartition

__all__ = [
    "DURABILITY_TIMEOUT_S",
    "MAX_ACKS_TIMEOUT_MS",
    "OPEN_SLICE_MS",
    "ReplicaManager",
    "iter_batch_headers",
    "load_producer_state",
]

log = logging.getLogger("samsa.replication")

#: How long a produce waits for its fsync before answering REQUEST_TIMED_OUT: an fsync this
#: slow means a sick disk, and the client's own request timeout (30 s by default) is near.
DURABILITY_TIMEOUT_S: Final = 30.0
#: Most an acks=all request waits for its acknowledgement: Kafka bounds it by the request's
#: ``timeout_ms``; this bounds a silly ``timeout_ms`` too.
MAX_ACKS_TIMEOUT_MS: Final = 300_000
#: How long the leader waits for the controller to answer an ISR change before trying again.
ALTER_PARTITION_TIMEOUT_S: Final = 30.0
#: Longest a run of partition opens (``open_partitions``) holds the event loop before it lets
#: other connections in: opening a log costs a fraction of a millisecond (its directory, its
#: files, the producer state), so a request naming thousands of unopened partitions would
#: otherwise stall every connection for that long times thousands.
OPEN_SLICE_MS: Final = 20
#: Shortest interval between two ISR checks (``replica.lag.time.max.ms / 2`` otherwise):
#: tests use lag times of a few hundred ms, and a check is a pass over every partition.
MIN_ISR_CHECK_INTERVAL_MS: Final = 50


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def iter_batch_headers(
    log_: PartitionLog, from_offset: int, *, whole_control_batches: bool = False
) -> Iterator[RecordBatch]:
    """Headers of the batches holding offsets at or after ``from_offset`` (61-byte views of
    a scratch buffer: read their fields, do not keep them). With ``whole_control_batches``
    a control batch comes whole (its record says COMMIT or ABORT)."""
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
            for position, header in iter_headers(fd, start, seg.size):
                if whole_control_batches and header.is_control:
                    size = LOG_OVERHEAD + header.batch_length
                    yield RecordBatch(pread_exact(fd, size, position))
                else:
                    yield header


def load_producer_state(log_: PartitionLog, now_ms: int) -> ProducerStateTable:
    """A partition's producer state: the snapshot at or below the log end, then the batches
    after it (open transactions reopened, aborted ones indexed again)."""
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
    for header in iter_batch_headers(log_, start, whole_control_batches=True):
        if header.producer_id < 0:
            continue
        if header.is_control:
            if header.is_transactional:
                marker = header.control_record()
                apply_txn_marker(
                    log_,
                    table,
                    header.producer_id,
                    header.producer_epoch,
                    marker.coordinator_epoch,
                    header.base_offset,
                    marker.type == ControlRecordType.COMMIT,
                )
            continue
        table.replay(
            header.producer_id,
            header.producer_epoch,
            header.last_sequence,
            header.base_offset,
            header.base_offset + header.last_offset_delta,
            now_ms,
            header.is_transactional,
        )
        replayed += 1
    if replayed:
        log.debug("%s: rebuilt producer state from %d batch(es)", log_.tp, replayed)
    table.truncate_head(log_.log_start_offset)
    return table


class ReplicaManager:
    """The partitions of this broker and the append/commit path."""

    def __init__(
        self,
        log_manager: LogManager,
        flusher: LogFlusher,
        metadata: MetadataView,
        fetch_purgatory: Purgatory[TopicPartition],
        *,
        producer_id_expiration_ms: int,
        clock_ms: Callable[[], int] = _wall_clock_ms,
        alter_partition: AlterPartition | None = None,
        endpoint_of: Callable[[int], Endpoint | None] | None = None,
    ) -> None:
        self.log_manager = log_manager
        self.flusher = flusher
        #: The metadata as this broker applied it (image, resolved topic configs).
        self.metadata = metadata
        self.fetch_purgatory = fetch_purgatory
        self.node_id = metadata.node_id
        self.producer_id_expiration_ms = producer_id_expiration_ms
        self.clock_ms = clock_ms
        self.group_commit = flusher.policy == FlushPolicy.GROUP
        self.image = metadata.image
        self._partitions: dict[TopicPartition, Partition] = {}
        self._snapshot_versions: dict[TopicPartition, int] = {}
        self._configured_topics: set[str] = set()
        self._durability_watchers: dict[TopicPartition, asyncio.Task[None]] = {}
        #: Asks the controller to change an ISR (Kafka's AlterPartition); None: ISRs never
        #: change (a cluster of one has no followers).
        self.alter_partition = alter_partition
        #: The address of a broker by node id (default: the image's broker registrations).
        self.endpoint_of: Callable[[int], Endpoint | None] = endpoint_of or self._image_endpoint
        config = metadata.config
        self.replica_lag_time_max_ms: int = config.replica_lag_time_max_ms
        self.fetchers = ReplicaFetcherManager(
            self,
            FetcherSettings(
                node_id=self.node_id,
                fetch_wait_max_ms=config.replica_fetch_wait_max_ms,
                fetch_max_bytes=config.replica_fetch_max_bytes,
                fetch_response_max_bytes=config.replica_fetch_response_max_bytes,
                fetch_backoff_ms=config.replica_fetch_backoff_ms,
                socket_timeout_ms=config.replica_socket_timeout_ms,
            ),
            lambda node: self.endpoint_of(node),
        )
        self._isr_changes: dict[TopicPartition, asyncio.Task[None]] = {}
        self._isr_checker: asyncio.Task[None] | None = None
        #: Replicated partitions to open once their logs are recovered (after an unclean
        #: stop), by ``_recover_deferred``; at most one entry per partition of the image.
        self._deferred: dict[TopicPartition, None] = {}
        self._deferred_recovery: asyncio.Task[None] | None = None
        self._closed = False
        #: Accepted ISR changes that dropped (shrinks) or added (expands) followers.
        self.isr_shrinks_total = 0
        self.isr_expands_total = 0
        #: Paused partitions (fault injection) and the produces waiting on them; the Produce
        #: handler checks ``pauses.active`` first.
        self.pauses = ProducePauses()
        #: While True, appends as leader are refused with NOT_LEADER_OR_FOLLOWER (retriable):
        #: a voter restarted in a cluster starts from the image on its disk, which may still
        #: name it leader of partitions that moved while it was away, and a write acknowledged
        #: then would be cut once it learns the truth. ``Broker`` clears it once its metadata
        #: log has caught up with the quorum (``MetadataLog.caught_up``) and its image holds its
        #: own registration (``BrokerLifecycle.caught_up``). Metadata answers wait for it too
        #: (``wait_caught_up``).
        self._catching_up = False
        self._caught_up = asyncio.Event()
        self._caught_up.set()

    @property
    def catching_up(self) -> bool:
        """Whether this broker's metadata may still be stale (see ``__init__``)."""
        return self._catching_up

    @catching_up.setter
    def catching_up(self, value: bool) -> None:
        self._catching_up = value
        if value:
            self._caught_up.clear()
        else:
            self._caught_up.set()

    async def wait_caught_up(self, timeout_s: float) -> bool:
        """Wait until ``catching_up`` is False, at most ``timeout_s``; whether it is."""
        if not self._catching_up:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._caught_up.wait(), timeout_s)
        return not self._catching_up

    # -- the image -----------------------------------------------------------------------------

    def startup(self) -> None:
        """Reconcile the logs on disk with the image and apply every topic's settings."""
        image = self.metadata.image
        self.image = image
        for tp in self.log_manager.partitions():
            if image.partition(tp.topic, tp.partition) is None:
                log.info("deleting the log of %s: its topic or partition is not in metadata", tp)
                self.log_manager.delete_log(tp)
        self._apply_configs(image, all_topics=True)

    def start_replication(self) -> None:
        """Take the roles the image gives this broker (leader, follower) for every replicated
        partition and start the ISR checks. Call on the event loop, after ``startup``."""
        image = self.image
        for topic_image in image.topics_by_id.values():
            for pid in topic_image.partitions:
                self._reconcile(image, topic_image.topic_id, pid)
        if self._isr_checker is None:
            self._isr_checker = asyncio.get_running_loop().create_task(
                self._check_isr_loop(), name=f"isr-checker-{self.node_id}"
            )
            report_unexpected_end(
                self._isr_checker,
                log,
                "broker %d stopped checking ISRs: lagging followers stay in them",
                self.node_id,
                level=logging.CRITICAL,
            )

    def publish(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """React to a committed metadata change (the image publisher calls this)."""
        self.image = image
        for topic in delta.deleted_topics.values():
            for pid in topic.partitions:
                self._delete_partition(TopicPartition(topic.name, pid))
            self._configured_topics.discard(topic.name)
        for topic_id, pid in delta.changed_partitions:
            topic_image = image.topics_by_id.get(topic_id)
            if topic_image is None:
                continue
            self._reconcile(image, topic_id, pid)
        if delta.changed_brokers:
            self.fetchers.refresh_endpoints(delta.changed_brokers)
        self.fetchers.retry_unresolved()
        if delta.changed_configs:
            broker_changed = any(rt == BROKER_RESOURCE for rt, _ in delta.changed_configs)
            self._apply_configs(
                image,
                all_topics=broker_changed,
                topics={name for rt, name in delta.changed_configs if rt == TOPIC_RESOURCE},
            )

    def _reconcile(
        self, image: MetadataImage, topic_id: Any, pid: int, *, defer: bool = True
    ) -> None:
        """Bring one partition's replica in line with the image: open it if this broker
        replicates it with others, then lead or follow as the image says. A log that awaits
        its recovery after an unclean stop is recovered on a worker thread first (unless not
        ``defer``): the partition is opened once it is, or when a request needs it sooner."""
        topic_image = image.topics_by_id.get(topic_id)
        if topic_image is None:
            return
        state = topic_image.partitions.get(pid)
        if state is None:
            return
        tp = TopicPartition(topic_image.name, pid)
        partition = self._partitions.get(tp)
        replicated = self.node_id in state.replicas and tuple(state.replicas) != (self.node_id,)
        if partition is None:
            if not replicated or self._closed:
                return
            if defer and self.log_manager.awaiting_recovery([(tp.topic, pid)]):
                # Recovered on worker threads first (``_recover_deferred``): at start-up after
                # an unclean stop, recovering every replicated log here would hold the start
                # (or the event loop) for as long as all of them take.
                self._defer_until_recovered(tp)
                return
            try:
                partition = self._open(tp, topic_image.topic_id, state)
            except KafkaError as exc:
                log.error("cannot open %s to replicate it: %s", tp, exc)
                return
            change = "leader" if partition.is_leader else "follower"
        else:
            change = partition.update_state(state, self.clock_ms())
        self._take_role(partition, change)

    def _take_role(self, partition: Partition, change: str | None) -> None:
        """Act on what ``_reconcile`` found changed in the partition's state: lead, follow, or
        follow no more."""
        tp = partition.tp
        self.fetch_purgatory.complete_all(tp)
        if change == "leader":
            self.fetchers.unfollow(tp)
            self._cancel_isr_change(tp)
            # The new leader's own durable end: at once, or once the flusher made it durable.
            self.after_append(partition)
            log.info("%s: leader at epoch %d, ISR %s", tp, partition.leader_epoch, partition.isr)
        elif change == "follower":
            # The waiting produces are answered by the new leader's absence here
            # (NOT_LEADER_OR_FOLLOWER); the consumers fetch from the new leader.
            self._end_pause(tp, f"broker {self.node_id} no longer leads it")
            self._cancel_isr_change(tp)
            if partition.is_follower:
                self.fetchers.follow(partition)
                log.info(
                    "%s: follower of %d at epoch %d", tp, partition.leader, partition.leader_epoch
                )
            else:
                self.fetchers.unfollow(tp)
        elif change == "isr" and not partition.is_follower:
            self.fetchers.unfollow(tp)

    def _defer_until_recovered(self, tp: TopicPartition) -> None:
        self._deferred[tp] = None
        if self._deferred_recovery is None:
            self._deferred_recovery = asyncio.get_running_loop().create_task(
                self._recover_deferred(), name=f"replica-recovery-{self.node_id}"
            )
            report_unexpected_end(
                self._deferred_recovery,
                log,
                "broker %d stopped recovering replicated logs: they recover when first used",
                self.node_id,
            )

    async def _recover_deferred(self) -> None:
        """Recover the deferred partitions' logs on worker threads (``recover_logs`` runs
        ``RECOVERY_THREADS`` at once), then open each one and take its role, as the image says
        by then. One that a request opened meanwhile took its role then (``get_partition``);
        one whose recovery failed is opened here all the same, which retries it and logs why
        it cannot be."""
        try:
            while self._deferred and not self._closed:
                batch = list(self._deferred)
                await self.log_manager.recover_logs(batch, now_ms=self.clock_ms())
                slice_end = time.monotonic() + OPEN_SLICE_MS / 1000
                for tp in batch:
                    if self._closed or tp not in self._deferred:
                        continue  # opened by a request meanwhile, or deleted
                    del self._deferred[tp]
                    topic_image = self.image.topic(tp.topic)
                    if topic_image is not None:
                        self._reconcile(self.image, topic_image.topic_id, tp.partition, defer=False)
                    if time.monotonic() >= slice_end:
                        await asyncio.sleep(0)
                        slice_end = time.monotonic() + OPEN_SLICE_MS / 1000
        finally:
            self._deferred_recovery = None

    def _image_endpoint(self, node_id: int) -> Endpoint | None:
        """A broker's address from the image's registrations (None if not registered)."""
        registration = self.image.brokers.get(node_id)
        if registration is None:
            return None
        return registration.host, registration.port

    def _apply_configs(
        self, image: MetadataImage, *, all_topics: bool, topics: set[str] | None = None
    ) -> None:
        metadata = self.metadata
        if all_topics:
            self.log_manager.default_config = log_config_for(metadata.topic_defaults())
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
            resolved = metadata.topic_configs(name)
            self.log_manager.set_topic_config(name, log_config_for(resolved))
            self._configured_topics.add(name)
            min_isr = _min_isr(resolved)
            for tp, partition in self._partitions.items():
                if tp.topic == name:
                    partition.min_insync_replicas = min_isr

    def _delete_partition(self, tp: TopicPartition) -> None:
        self._end_pause(tp, "deleted")
        self._deferred.pop(tp, None)
        partition = self._partitions.pop(tp, None)
        self._snapshot_versions.pop(tp, None)
        self.fetchers.unfollow(tp)
        self._cancel_isr_change(tp)
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
        if state.leader != self.node_id:
            raise NotLeaderOrFollowerError(f"this broker does not lead {tp}")
        found = self._open(tp, topic_image.topic_id, state)
        if tp in self._deferred:
            # A replicated partition opened before ``_recover_deferred`` came to it: it takes
            # its role now.
            del self._deferred[tp]
            self._take_role(found, "leader" if found.is_leader else "follower")
        if not found.is_leader:
            raise NotLeaderOrFollowerError(f"this broker does not lead {tp}")
        return found

    def needs_opening(self, wanted: Iterable[tuple[str, int]]) -> bool:
        """Whether some of ``wanted`` (topic, partition) are led by this broker and not opened
        yet: a handler naming many partitions then awaits ``open_partitions`` first."""
        opened = self._partitions
        image = self.image
        node_id = self.node_id
        for topic, partition in wanted:
            if (topic, partition) in opened:
                continue
            topic_image = image.topic(topic)
            state = topic_image.partitions.get(partition) if topic_image is not None else None
            if state is not None and state.leader == node_id:
                return True
        return False

    async def open_partitions(self, wanted: Iterable[tuple[str, int]]) -> None:
        """Open the partitions of ``wanted`` this broker leads, a slice at a time: the event
        loop is let go every ``OPEN_SLICE_MS``. Errors are left for ``get_partition`` to
        raise when the handler asks for the partition."""
        wanted = list(wanted)
        # Logs awaiting their recovery after an unclean stop are recovered first, on worker
        # threads and several at once; the opens below then find them ready.
        await self.log_manager.recover_logs(
            [TopicPartition(t, p) for t, p in wanted if (t, p) not in self._partitions],
            now_ms=self.clock_ms(),
        )
        slice_end = time.monotonic() + OPEN_SLICE_MS / 1000
        for topic, partition in wanted:
            if (topic, partition) in self._partitions:
                continue
            with contextlib.suppress(KafkaError):
                self.get_partition(topic, partition)
            if time.monotonic() >= slice_end:
                await asyncio.sleep(0)
                slice_end = time.monotonic() + OPEN_SLICE_MS / 1000

    def replica(self, tp: TopicPartition) -> Partition | None:
        """The opened partition ``tp`` (leader or follower), or None."""
        return self._partitions.get(tp)

    def _open(self, tp: TopicPartition, topic_id: Any, state: Any) -> Partition:
        now_ms = self.clock_ms()
        log_ = self.log_manager.get_or_create_log(tp, now_ms=now_ms)
        recorded = self.log_manager.topic_id_of(tp)
        if recorded != topic_id:
            if recorded is not None:
                # A topic of the same name that was deleted: this broker was down (or stopped
                # before deleting its log) when it learned of it. Its records are not this
                # topic's: start empty, as the other replicas did.
                log.warning(
                    "deleting the log of %s: it belongs to an earlier topic of that name "
                    "(topic id %s; the topic's id is %s now)",
                    tp,
                    recorded,
                    topic_id,
                )
                self.flusher.detach(log_)
                self.log_manager.delete_log(tp)
                log_ = self.log_manager.get_or_create_log(tp, now_ms=now_ms)
            try:
                self.log_manager.record_topic_id(tp, topic_id)
            except LogStorageError as exc:
                # A full disk must not stop the partition from serving what it has: the id
                # stays unrecorded, as for a log written before ids were, and is written at
                # the next open.
                log.warning("%s: cannot record its topic id: %s", tp, exc)
        producers = self._load_producer_state(log_, now_ms)
        resolved = self.metadata.topic_configs(tp.topic)
        found = Partition(
            tp,
            topic_id,
            log_,
            state,
            node_id=self.node_id,
            producers=producers,
            min_insync_replicas=_min_isr(resolved),
            on_high_watermark=self._high_watermark_moved,
            now_ms=now_ms,
        )
        self._partitions[tp] = found
        self._snapshot_versions[tp] = producers.version
        return found

    # -- follower ------------------------------------------------------------------------------

    def append_as_follower(self, partition: Partition, records: bytes, now_ms: int) -> None:
        """Append what the leader sent (the fetcher calls this)."""
        try:
            partition.append_as_follower(records, now_ms)
        except LogStorageError as exc:
            raise KafkaStorageError(f"{partition.tp}: {exc}") from exc
        self.after_append(partition)

    def truncate_follower(self, partition: Partition, offset: int) -> None:
        """Cut a follower's log at ``offset`` (it diverged from the leader's)."""
        log_ = partition.log
        if offset >= log_.log_end_offset:
            return
        log_.truncate_to(offset)
        self._after_truncation(partition)

    def truncate_follower_fully(self, partition: Partition, offset: int) -> None:
        """Empty a follower's log and restart it at ``offset`` (the leader's log start)."""
        partition.log.truncate_fully_and_start_at(offset, now_ms=self.clock_ms())
        self._after_truncation(partition)

    def _after_truncation(self, partition: Partition) -> None:
        log_ = partition.log
        partition.local_durable_end = min(partition.local_durable_end, log_.log_end_offset)
        partition.replace_producer_state(self._load_producer_state(log_, self.clock_ms()))
        self._snapshot_versions[partition.tp] = -1

    # -- leader: followers and the ISR ---------------------------------------------------------

    def follower_fetched(
        self, partition: Partition, replica_id: int, fetch_offset: int, log_start_offset: int
    ) -> None:
        """A follower fetched (the Fetch handler calls this): track it, move the high
        watermark, and ask for the follower to join the ISR once it caught up."""
        registration = self.image.brokers.get(replica_id)
        if partition.record_follower_fetch(
            replica_id, fetch_offset, log_start_offset, self.clock_ms()
        ) and (registration is None or registration.active):
            # A fenced or shutting-down broker does not join ISRs (KIP-841).
            new_isr = tuple(sorted({*partition.isr, replica_id}))
            self._submit_isr_change(partition, new_isr)

    def check_isr(self, now_ms: int) -> int:
        """Drop lagging followers from the ISR of every partition this broker leads; returns
        how many changes were asked for."""
        asked = 0
        for partition in list(self._partitions.values()):
            if not partition.is_leader or partition.is_single_replica:
                continue
            lagging = partition.out_of_sync_replicas(now_ms, self.replica_lag_time_max_ms)
            if not lagging:
                continue
            new_isr = tuple(r for r in partition.isr if r not in lagging)
            log.info(
                "%s: shrinking the ISR from %s to %s (lagging %s)",
                partition.tp,
                partition.isr,
                new_isr,
                sorted(lagging),
            )
            if self._submit_isr_change(partition, new_isr):
                asked += 1
        return asked

    async def _check_isr_loop(self) -> None:
        interval_s = max(MIN_ISR_CHECK_INTERVAL_MS, self.replica_lag_time_max_ms // 2) / 1000
        while not self._closed:
            await asyncio.sleep(interval_s)
            self.check_isr(self.clock_ms())  # in memory: nothing to retry, a bug ends the loop

    def _submit_isr_change(self, partition: Partition, new_isr: tuple[int, ...]) -> bool:
        tp = partition.tp
        if self.alter_partition is None or self._closed or tp in self._isr_changes:
            return False
        before = partition.isr
        partition.propose_isr(new_isr)
        self._isr_changes[tp] = asyncio.get_running_loop().create_task(
            self._alter_isr(partition, before, new_isr), name=f"alter-partition-{tp}"
        )
        return True

    async def _alter_isr(
        self, partition: Partition, before: tuple[int, ...], new_isr: tuple[int, ...]
    ) -> None:
        assert self.alter_partition is not None
        tp = partition.tp
        result: AlterPartitionResult | None = None
        try:
            async with asyncio.timeout(ALTER_PARTITION_TIMEOUT_S):
                result = await self.alter_partition(
                    tp, partition.leader_epoch, partition.partition_epoch, new_isr
                )
        except (KafkaError, TimeoutError) as exc:  # the controller moved, refused or was slow
            log.warning("%s: the ISR change to %s failed: %s", tp, new_isr, exc)
        finally:
            if self._isr_changes.get(tp) is asyncio.current_task():
                del self._isr_changes[tp]
        if result is not None and result.error != ErrorCode.NONE:
            log.info("%s: the controller refused ISR %s: %s", tp, new_isr, result.error.name)
            result = None
        partition.isr_change_done(result)
        if result is not None:
            log.info("%s: ISR is now %s", tp, result.isr)
            if set(result.isr) < set(before):
                self.isr_shrinks_total += 1
            elif set(result.isr) > set(before):
                self.isr_expands_total += 1

    def _cancel_isr_change(self, tp: TopicPartition) -> None:
        task = self._isr_changes.pop(tp, None)
        if task is not None:
            task.cancel()

    # -- paused partitions (fault injection) ---------------------------------------------------

    def pause_partition(self, tp: TopicPartition) -> None:
        """Pause a partition this broker leads: consumers' fetches read nothing from it (as
        at its log end: a long poll waits), produces to it wait (``ProducePauses``); followers
        still fetch. ValueError (one line) for an unknown partition or one led elsewhere."""
        try:
            partition = self.get_partition(tp.topic, tp.partition)
        except UnknownTopicOrPartitionError:
            raise ValueError(f"cannot pause {tp}: no such partition") from None
        except NotLeaderOrFollowerError:
            raise ValueError(f"cannot pause {tp}: broker {self.node_id} does not lead it") from None
        except KafkaError as exc:
            raise ValueError(f"cannot pause {tp}: {exc.code.name}") from None
        partition.paused = True
        self.pauses.pause(tp)
        log.info("%s: paused (consumers read nothing, produces wait)", tp)

    def resume_partition(self, tp: TopicPartition) -> None:
        """Resume a paused partition: the produces waiting on it go ahead in order and the
        long polls parked on it read again. Resuming one not paused does nothing."""
        if tp not in self.pauses.paused:
            return
        partition = self._partitions.get(tp)
        if partition is not None:
            partition.paused = False
        self.pauses.resume(tp)
        self.fetch_purgatory.complete_all(tp)
        log.info("%s: resumed", tp)

    def paused_partitions(self) -> frozenset[TopicPartition]:
        """The partitions paused now."""
        return frozenset(self.pauses.paused)

    def _end_pause(self, tp: TopicPartition, why: str) -> None:
        if tp in self.pauses.paused:
            log.warning("%s: no longer paused (%s)", tp, why)
            self.resume_partition(tp)

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
        return load_producer_state(log_, now_ms)

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
        self.fetch_purgatory.wake(partition.tp)  # followers' fetches wait for new records
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
            while not partition.deleted and partition.local_durable_end < log_.log_end_offset:
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

    # -- appends as leader ---------------------------------------------------------------------

    def append(
        self,
        topic: str,
        partition: int,
        records: bytes | bytearray | memoryview | None,
        *,
        required_acks: int,
        now_ms: int,
        expected_offset: int | None = None,
        from_coordinator: bool = False,
    ) -> AppendResult | AppendFailure:
        """Append one batch to a partition this broker leads (Produce, ConditionalProduce and
        the coordinators' internal topics all come here): validate and write it
        (``Partition.append_records_as_leader``; ``expected_offset`` makes it conditional;
        ``from_coordinator``: the group coordinator's transactional offset commits),
        then move what the write moves (``after_append``). Returns the offsets to answer with,
        or the partition's error: every exception is mapped here (an unexpected one is logged
        with its traceback and answered UNKNOWN_SERVER_ERROR). Await the acknowledgement with
        ``acknowledge``. Refused while ``catching_up``."""
        if self.catching_up:
            return CATCHING_UP
        try:
            found = self.get_partition(topic, partition)
            result = found.append_records_as_leader(
                records,
                required_acks=required_acks,
                now_ms=now_ms,
                expected_offset=expected_offset,
                from_coordinator=from_coordinator,
            )
        except KafkaError as exc:
            return append_failure(exc)
        except Exception:
            log.exception("append to %s-%d failed unexpectedly", topic, partition)
            return UNEXPECTED_FAILURE
        self.after_append(found)
        return result

    def write_txn_marker(
        self,
        topic: str,
        partition: int,
        *,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        commit: bool,
        now_ms: int,
    ) -> AppendResult | AppendFailure:
        """Append a transaction marker to a partition this broker leads
        (``Partition.write_txn_marker``) and move what it moves, as ``append``; acknowledge
        it with ``acknowledge(..., -1, timeout_ms)``: it is written once the high watermark
        passes it."""
        if self.catching_up:
            return CATCHING_UP
        try:
            found = self.get_partition(topic, partition)
            result = found.write_txn_marker(
                producer_id, producer_epoch, coordinator_epoch, commit, now_ms
            )
        except KafkaError as exc:
            return append_failure(exc)
        except Exception:
            log.exception("transaction marker for %s-%d failed unexpectedly", topic, partition)
            return UNEXPECTED_FAILURE
        self.after_append(found)
        return result

    def acknowledge(
        self, appends: Sequence[AppendResult], acks: int, timeout_ms: int
    ) -> Acknowledgement | None:
        """The acknowledgement of one request's appends, with one deadline for them all (as
        Kafka's DelayedProduce): acks=all waits until each partition's high watermark passes
        its append, at most ``timeout_ms`` (bounded by ``MAX_ACKS_TIMEOUT_MS``); acks=1 until
        the leader's log is durable past it, at most ``DURABILITY_TIMEOUT_S``. Returns None when
        every append is acknowledged already (all ``error_code``s NONE), else an
        ``Acknowledgement`` to await unless it is ``done()`` (settled at once, some failed);
        then each append's ``error_code`` is NONE or its partition's error (REQUEST_TIMED_OUT
        for those the deadline caught, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, ...)."""
        if acks == -1:
            timeout_s = max(0, min(timeout_ms, MAX_ACKS_TIMEOUT_MS)) / 1000
        else:
            timeout_s = DURABILITY_TIMEOUT_S
        return acknowledgement(appends, acks, timeout_s)

    async def close(self) -> None:
        """Stop the fetchers, ISR changes and checks, and the durability watchers (the
        flusher's final pass makes everything durable)."""
        self._closed = True
        self.pauses.cancel_all()
        await self.fetchers.close()
        tasks = list(self._isr_changes.values())
        self._isr_changes.clear()
        if self._isr_checker is not None:
            tasks.append(self._isr_checker)
            self._isr_checker = None
        if self._deferred_recovery is not None:
            tasks.append(self._deferred_recovery)  # recoveries under way end in close_all
        tasks = [t for t in tasks if not t.done()]  # one that failed was reported as it ended
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        watchers = list(self._durability_watchers.values())
        for task in watchers:
            task.cancel()
        for task in watchers:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _min_isr(resolved: dict[str, ResolvedConfig]) -> int:
    value = resolved["min.insync.replicas"].value
    return int(value) if value is not None else 1
