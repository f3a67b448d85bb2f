"""``TransactionCoordinator``: the asyncio half of the transaction coordinator.

It owns a ``TransactionCoordinatorCore`` (``core.py``) and applies every ``Outcome`` it returns:

* **appends** (``TxnAppend``) go to ``__transaction_state`` through the produce path
  (``ReplicaManager.append`` with acks=all), one record batch each, in the order the core emits
  them; each waits until the high watermark passes it (``TXN_APPEND_TIMEOUT_MS`` at most) and is
  reported with ``append_completed`` (the partition's error, REQUEST_TIMED_OUT, or
  NOT_ENOUGH_REPLICAS_AFTER_APPEND, as a produce with acks=all would be answered).
* **markers** (``SendMarkers``) go to the ``MarkerWriter`` (``markers.py``), which writes them
  into every partition of the transaction, here or on their leaders, and then reports
  ``markers_written`` (the core then writes COMPLETE_*).
* **parked requests** wait on a future keyed by the core's park key until a ``TxnCompletion``
  brings their answer; each wait is bounded (``PARK_BOUND_MS``); past it (a bug) the request
  gets COORDINATOR_NOT_AVAILABLE, which clients retry.
* **timers**: one ``loop.call_later`` at ``core.next_deadline_ms()`` (transaction timeouts,
  expired transactional ids), re-armed after every outcome; it calls ``tick``.
* **loading**: every ``__transaction_state`` partition this broker leads is replayed
  (``loader.py``) and given to ``core.load`` with the partition's leader epoch as the
  coordinator epoch; meanwhile its transactional ids answer COORDINATOR_LOAD_IN_PROGRESS. A
  partition this broker stops leading is unloaded (its parked requests get NOT_COORDINATOR, its
  markers stop: the new coordinator sends them again).

``__transaction_state`` is created when first needed (``topic.py``). The core is only ever
called from the event loop thread, one call at a time; completions of appends found
synchronously are queued and applied after the outcome that caused them, so a parked request
is always registered before its answer arrives.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

from broker.group.records import java_string_hash
from broker.metadata.internal_topics import TRANSACTION_STATE_TOPIC
from broker.replication.appends import Acknowledgement, AppendFailure
from broker.tasks import DeadlineTimer
from broker.txn.config import TxnConfig
from broker.txn.core import TransactionCoordinatorCore, TxnDescription, TxnListing
from broker.txn.loader import LoadedRecords, TxnPartitionLoader
from broker.txn.markers import (
    ConnectionPool,
    MarkerJob,
    MarkerWriter,
    Results,
    leader_in_image,
    write_markers_locally,
)
from broker.txn.outcome import Outcome, TxnAppend
from broker.txn.topic import TxnStateTopicCreator
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import AddPartitionsToTxnRequest
from protocol.records import RecordBatchBuilder
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.group.driver import GroupCoordinator
    from broker.metadata.controller_api import ControllerApi
    from broker.metadata.image import MetadataDelta, MetadataImage
    from broker.replication.manager import ReplicaManager
    from broker.replication.partition import AppendResult
    from broker.storage.log import PartitionLog

__all__ = [
    "PARK_BOUND_MS",
    "TXN_APPEND_TIMEOUT_MS",
    "VERIFY_VERSION",
    "InitPidAnswer",
    "TransactionCoordinator",
    "partition_for_transactional_id",
    "verify_request",
    "verify_result",
]

log = logging.getLogger("samsa.txn")

R = TypeVar("R")

#: How long an append to ``__transaction_state`` waits for the high watermark to pass it before
#: it is reported REQUEST_TIMED_OUT (Kafka uses its request timeout for these writes).
TXN_APPEND_TIMEOUT_MS: Final = 30_000
#: How long a parked request waits for the core's answer: the core answers when its append is
#: settled (``TXN_APPEND_TIMEOUT_MS`` at most), so only a bug reaches this bound.
PARK_BOUND_MS: Final = TXN_APPEND_TIMEOUT_MS + 30_000

CoreFactory = Callable[["BrokerConfig", int], "TransactionCoordinatorCore"]
"""Builds the core: ``(broker config, partitions of __transaction_state)``."""


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def partition_for_transactional_id(transactional_id: str, num_partitions: int) -> int:
    """Kafka's ``Utils.abs(transactionalId.hashCode) % partitions`` (``Utils.abs`` maps
    Integer.MIN_VALUE to 0)."""
    return (java_string_hash(transactional_id) & 0x7FFFFFFF) % num_partitions


#: The AddPartitionsToTxn version brokers verify a transactional produce with (KIP-890).
VERIFY_VERSION: Final = 4


def verify_request(
    transactional_id: str, producer_id: int, producer_epoch: int, tp: TopicPartition
) -> AddPartitionsToTxnRequest:
    """AddPartitionsToTxn v4 asking whether ``tp`` is in the producer's transaction."""
    request: Any = AddPartitionsToTxnRequest
    txn_type = request.AddPartitionsToTxnTransaction
    topic_type = txn_type.AddPartitionsToTxnTopic
    built: AddPartitionsToTxnRequest = request(
        transactions=[
            txn_type(
                transactional_id=transactional_id,
                producer_id=producer_id,
                producer_epoch=producer_epoch,
                verify_only=True,
                topics=[topic_type(name=tp.topic, partitions=[tp.partition])],
            )
        ]
    )
    return built


def verify_result(response: Any, tp: TopicPartition) -> ErrorCode:
    """``tp``'s answer in an AddPartitionsToTxn v4 response (its top-level error first)."""
    if response.error_code:
        return _error_code(response.error_code)
    for txn in response.results_by_transaction:
        for topic in txn.topic_results:
            if topic.name != tp.topic:
                continue
            for p in topic.results_by_partition:
                if p.partition_index == tp.partition:
                    return _error_code(p.partition_error_code)
    return ErrorCode.INVALID_TXN_STATE


def _error_code(value: int) -> ErrorCode:
    try:
        return ErrorCode(value)
    except ValueError:
        return ErrorCode.UNKNOWN_SERVER_ERROR


def default_core(config: BrokerConfig, num_partitions: int) -> TransactionCoordinatorCore:
    """The pure core, with the broker's settings."""
    return TransactionCoordinatorCore(TxnConfig.from_settings(config), num_partitions)


@dataclass(frozen=True, slots=True)
class InitPidAnswer:
    """InitProducerId's answer for a transactional id."""

    error: ErrorCode
    producer_id: int = -1
    producer_epoch: int = -1


class TransactionCoordinator:
    """The transaction coordinator of this broker: a ``TransactionCoordinatorCore`` and its IO."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: ControllerApi,
        replicas: ReplicaManager,
        *,
        groups: GroupCoordinator | None = None,
        clock_ms: Callable[[], int] = _wall_clock_ms,
        core_factory: CoreFactory = default_core,
    ) -> None:
        self.config = config
        self.controller = controller
        self.replicas = replicas
        self.groups = groups
        self.clock_ms = clock_ms
        self.node_id = config.node_id
        self._core_factory = core_factory
        self._core: TransactionCoordinatorCore | None = None
        self._num_partitions = 0
        #: Partitions this broker coordinates (loaded or loading) -> coordinator epoch.
        self._owned: dict[int, int] = {}
        self._parked: dict[int, asyncio.Future[Any]] = {}
        self._ready: deque[tuple[int, ErrorCode]] = deque()
        self._in_core = False
        self._acknowledgements: set[Acknowledgement] = set()
        self._timer = DeadlineTimer(lambda: self.clock_ms(), self._on_timer)
        self._loader = TxnPartitionLoader(self._open_log, self._loaded, recover=self._recover_log)
        self._creator = TxnStateTopicCreator(config, controller, self._install)
        fetchers = replicas.fetchers
        self._pool = ConnectionPool(
            self.node_id,
            lambda node: fetchers.endpoint_of(node),
            security_of=lambda: fetchers.security,
        )
        self._markers = MarkerWriter(
            self.node_id,
            leader_in_image(lambda: self.controller.image),
            self._write_local_markers,
            self._pool.send,
            self._markers_written,
        )
        self._started = False
        self._stopped = False
        #: Failures of the core (bugs) outside requests, by where.
        self.faults: dict[str, int] = {}

    # -- facts ------------------------------------------------------------------------------

    @property
    def core(self) -> TransactionCoordinatorCore | None:
        """The pure core (None until ``__transaction_state`` exists); read it only."""
        return self._core

    @property
    def num_partitions(self) -> int:
        """Partitions of ``__transaction_state`` (0 before it exists)."""
        return self._num_partitions

    @property
    def owned_partitions(self) -> frozenset[int]:
        """Partitions this broker coordinates (loaded or loading)."""
        return frozenset(self._owned)

    @property
    def loading_partitions(self) -> frozenset[int]:
        """Partitions waiting to be loaded or being loaded (including failed loads)."""
        return self._loader.loading_partitions

    @property
    def markers(self) -> MarkerWriter:
        """The marker writer (for tests and diagnostics)."""
        return self._markers

    def partition_for(self, transactional_id: str) -> int | None:
        """The ``__transaction_state`` partition of ``transactional_id`` (None before the
        topic exists)."""
        n = self._num_partitions
        return partition_for_transactional_id(transactional_id, n) if n else None

    async def wait_loaded(self, timeout_s: float) -> None:
        """Wait until no partition is waiting to be loaded (raises TimeoutError)."""
        await self._loader.wait_loaded(timeout_s)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Take the ``__transaction_state`` partitions this broker leads (loading them in the
        background). A missing topic is created at the first request that needs it
        (FindCoordinator), as Kafka does: a cluster is complete by then, so the replication
        factor is not capped at the brokers of a cluster still starting."""
        self._started = True
        self._loader.start()
        self._install(self.controller.image)

    async def stop(self) -> None:
        """Answer every parked request (NOT_COORDINATOR) and stop timers, loader and markers.
        Idempotent."""
        if self._stopped:
            return
        for p in sorted(self._owned):
            self._unload(p)
        self._stopped = True
        for future in self._parked.values():
            if not future.done():
                future.set_exception(_NotCoordinator())
        self._parked.clear()
        self._timer.cancel()
        for waiting in self._acknowledgements:
            waiting.cancel()
        self._acknowledgements.clear()
        await self._creator.stop()
        await self._loader.stop()
        await self._markers.stop()
        self._pool.close()
        for _ in range(3):  # let the handlers answered above write their responses
            await asyncio.sleep(0)

    # -- metadata ---------------------------------------------------------------------------

    def on_metadata(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """A metadata change was committed: follow ``__transaction_state`` leadership."""
        if self._stopped or not self._started:
            return
        if self._core is not None:
            for topic in delta.deleted_topics.values():
                if topic.name == TRANSACTION_STATE_TOPIC:
                    self._uninstall()
                    return
        self._install(image)

    def _install(self, image: MetadataImage) -> None:
        """Create the core once the topic exists, then match the partitions it serves to the
        ones this broker leads (a new leader epoch is a new coordinator epoch: reloaded)."""
        topic = image.topic(TRANSACTION_STATE_TOPIC)
        if topic is None or self._stopped:
            return
        if self._core is None:
            n = topic.partition_count
            if n < 1:
                return
            self._num_partitions = n
            self._core = self._core_factory(self.config, n)
            log.info("transaction coordinator: %s has %d partitions", TRANSACTION_STATE_TOPIC, n)
        for pid in range(self._num_partitions):
            state = topic.partitions.get(pid)
            leads = state is not None and state.leader == self.node_id
            owned = self._owned.get(pid)
            if leads and state is not None and owned != state.leader_epoch:
                if owned is not None:
                    self._unload(pid)
                self._owned[pid] = state.leader_epoch
                self._loader.begin(pid, state.leader_epoch)
            elif not leads and owned is not None:
                self._unload(pid)

    def _unload(self, partition: int) -> None:
        """Stop coordinating ``partition``: parked requests get NOT_COORDINATOR, its markers
        stop (the next coordinator sends them again)."""
        self._loader.forget(partition)
        self._owned.pop(partition, None)
        n = self._num_partitions
        self._markers.cancel_coordinator_epoch(
            lambda job: partition_for_transactional_id(job.transactional_id, n) == partition
        )
        try:
            self._process(lambda c, now: c.unload(partition, now_ms=now))
        except Exception as exc:
            self._fault("unload", f"unloading {TRANSACTION_STATE_TOPIC}-{partition}", exc)

    def _uninstall(self) -> None:
        log.error(
            "%s was deleted: the transaction coordinator stops serving", TRANSACTION_STATE_TOPIC
        )
        for p in sorted(self._owned):
            self._unload(p)
        self._timer.cancel()
        self._core = None
        self._num_partitions = 0

    # -- loading ----------------------------------------------------------------------------

    async def _recover_log(self, partition: int) -> None:
        tp = TopicPartition(TRANSACTION_STATE_TOPIC, partition)
        await self.replicas.log_manager.recover_logs([tp], now_ms=self.clock_ms())

    def _open_log(self, partition: int) -> PartitionLog | None:
        tp = TopicPartition(TRANSACTION_STATE_TOPIC, partition)
        replicas = self.replicas
        if replicas.log_manager.get_log(tp, now_ms=self.clock_ms()) is None:
            return None  # never written
        return replicas.get_partition(TRANSACTION_STATE_TOPIC, partition).log

    def _loaded(self, partition: int, coordinator_epoch: int, records: LoadedRecords) -> None:
        """The loader replayed ``partition``: give it to the core (PREPARE_* found there send
        their markers again)."""
        if self._stopped or self._core is None or self._owned.get(partition) != coordinator_epoch:
            return
        pairs = list(records.items())
        self._process(lambda c, now: c.load(partition, coordinator_epoch, pairs, now_ms=now))
        log.info(
            "loaded %d transactional id(s) from %s-%d (coordinator epoch %d)",
            sum(1 for v in records.values() if v is not None),
            TRANSACTION_STATE_TOPIC,
            partition,
            coordinator_epoch,
        )

    # -- requests ---------------------------------------------------------------------------

    def coordinator_for(self, transactional_id: str) -> tuple[ErrorCode, int]:
        """FindCoordinator for a transactional id: ``(error, node id)`` of the leader of its
        ``__transaction_state`` partition."""
        partition = self.partition_for(transactional_id)
        topic = self.controller.image.topic(TRANSACTION_STATE_TOPIC)
        if partition is None or topic is None:
            self.ensure_topic_soon()
            return ErrorCode.COORDINATOR_NOT_AVAILABLE, -1
        state = topic.partitions.get(partition)
        if state is None or state.leader < 0:
            return ErrorCode.COORDINATOR_NOT_AVAILABLE, -1
        return ErrorCode.NONE, state.leader

    def ensure_topic_soon(self) -> None:
        """Create ``__transaction_state`` in the background if it is still missing."""
        if self._started and not self._stopped and self._core is None:
            self._creator.ensure_soon()

    def availability(self, transactional_id: str) -> ErrorCode:
        """Whether this broker serves ``transactional_id`` now: NONE, NOT_COORDINATOR,
        COORDINATOR_LOAD_IN_PROGRESS or COORDINATOR_NOT_AVAILABLE (no topic yet)."""
        if self._stopped:
            return ErrorCode.NOT_COORDINATOR
        core = self._core
        if core is None:
            self.ensure_topic_soon()
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        partition = self.partition_for(transactional_id)
        if partition not in self._owned:
            return ErrorCode.NOT_COORDINATOR
        if partition in self._loader.loading_partitions:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        return ErrorCode(core.owns(transactional_id))

    async def init_producer_id(
        self,
        transactional_id: str,
        transaction_timeout_ms: int,
        producer_id: int = -1,
        producer_epoch: int = -1,
    ) -> InitPidAnswer:
        """InitProducerId with a transactional id (the core answers; a fresh producer id is
        allocated from the controller first, used only if the core needs one)."""
        error = self.availability(transactional_id)
        if error is not ErrorCode.NONE:
            return InitPidAnswer(error)
        controller = self.controller
        fresh = controller.try_allocate_producer_id()
        if fresh is None:
            try:
                fresh = await controller.allocate_producer_id()
            except KafkaError as exc:
                log.warning("no producer id for %r: %s", transactional_id, exc)
                return InitPidAnswer(ErrorCode.COORDINATOR_NOT_AVAILABLE)
            error = self.availability(transactional_id)  # things may have moved meanwhile
            if error is not ErrorCode.NONE:
                return InitPidAnswer(error)
        result = await self._request(
            lambda c, now: c.init_producer_id(
                transactional_id,
                transaction_timeout_ms,
                producer_id,
                producer_epoch,
                fresh_producer_id=fresh,
                now_ms=now,
            ),
            None,
        )
        if isinstance(result, ErrorCode):
            return InitPidAnswer(result)
        return InitPidAnswer(ErrorCode(result.error), result.producer_id, result.producer_epoch)

    async def add_partitions(
        self,
        transactional_id: str,
        producer_id: int,
        producer_epoch: int,
        partitions: Sequence[TopicPartition],
        *,
        verify_only: bool = False,
    ) -> dict[TopicPartition, ErrorCode]:
        """AddPartitionsToTxn (``verify_only``: KIP-890's check, nothing written): each
        partition's error."""
        error = self.availability(transactional_id)
        if error is not ErrorCode.NONE:
            return dict.fromkeys(partitions, error)
        result = await self._request(
            lambda c, now: c.add_partitions(
                transactional_id,
                producer_id,
                producer_epoch,
                partitions,
                verify_only=verify_only,
                now_ms=now,
            ),
            None,
        )
        if isinstance(result, ErrorCode):
            return dict.fromkeys(partitions, result)
        return {tp: ErrorCode(code) for tp, code in result.items()}

    def verify_locally(
        self, transactional_id: str, producer_id: int, producer_epoch: int, tp: TopicPartition
    ) -> ErrorCode | None:
        """KIP-890's verification of a transactional produce, when this broker coordinates
        ``transactional_id`` (None otherwise): NONE when ``tp`` is part of the producer's
        ongoing transaction, else the core's error (INVALID_TXN_STATE, a fencing error, ...),
        or why it cannot tell now (COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE).
        A verify-only call writes nothing, so the core answers at once."""
        error = self.availability(transactional_id)
        if error is ErrorCode.NOT_COORDINATOR:
            return None
        core = self._core
        if error is not ErrorCode.NONE or core is None:
            return error
        out = core.add_partitions(
            transactional_id,
            producer_id,
            producer_epoch,
            [tp],
            verify_only=True,
            now_ms=self.clock_ms(),
        )
        result = out.result
        if result is None:
            return ErrorCode.INVALID_TXN_STATE
        return ErrorCode(result.get(tp, ErrorCode.INVALID_TXN_STATE))

    async def verify_remotely(
        self, transactional_id: str, producer_id: int, producer_epoch: int, tp: TopicPartition
    ) -> ErrorCode:
        """KIP-890's verification with the coordinator of ``transactional_id`` on another
        broker: AddPartitionsToTxn v4 with ``verify_only`` (``VERIFY_VERSION``). NONE when
        ``tp`` is part of the producer's ongoing transaction; a failed request answers
        COORDINATOR_NOT_AVAILABLE (the producer retries)."""
        error, node = self.coordinator_for(transactional_id)
        if error is not ErrorCode.NONE:
            return error
        if node == self.node_id:
            local = self.verify_locally(transactional_id, producer_id, producer_epoch, tp)
            return ErrorCode.NOT_COORDINATOR if local is None else local
        body = verify_request(transactional_id, producer_id, producer_epoch, tp)
        try:
            response = await self._pool.request(node, body, VERIFY_VERSION)
        except (KafkaError, OSError) as exc:
            log.info("verifying %r with broker %d failed: %s", transactional_id, node, exc)
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        return verify_result(response, tp)

    async def add_offsets(
        self, transactional_id: str, producer_id: int, producer_epoch: int, group_id: str
    ) -> ErrorCode:
        """AddOffsetsToTxn: adds the group's ``__consumer_offsets`` partition."""
        error = self.availability(transactional_id)
        if error is not ErrorCode.NONE:
            return error
        groups = self.groups
        group_partition = groups.partition_for(group_id) if groups is not None else None
        if group_partition is None:
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        result = await self._request(
            lambda c, now: c.add_offsets(
                transactional_id, producer_id, producer_epoch, group_partition, now_ms=now
            ),
            None,
        )
        return ErrorCode(result)

    async def end_txn(
        self, transactional_id: str, producer_id: int, producer_epoch: int, commit: bool
    ) -> ErrorCode:
        """EndTxn: answered once PREPARE_COMMIT/PREPARE_ABORT is durable."""
        error = self.availability(transactional_id)
        if error is not ErrorCode.NONE:
            return error
        result = await self._request(
            lambda c, now: c.end_txn(
                transactional_id, producer_id, producer_epoch, commit, now_ms=now
            ),
            None,
        )
        return ErrorCode(result)

    def describe(self, transactional_id: str) -> TxnDescription | ErrorCode:
        """DescribeTransactions for one id: the core's ``TxnDescription`` or an ErrorCode."""
        error = self.availability(transactional_id)
        core = self._core
        if error is not ErrorCode.NONE or core is None:
            return error
        return core.describe(transactional_id)

    def list_transactions(
        self, states: Iterable[str], producer_ids: Iterable[int], min_duration_ms: int = -1
    ) -> tuple[ErrorCode, list[TxnListing]]:
        """ListTransactions over the partitions this broker coordinates: ``(error, listings)``.
        While a partition loads the answer is COORDINATOR_LOAD_IN_PROGRESS with no listings,
        as Kafka's (a partial list would hide transactions)."""
        core = self._core
        if core is None or self._stopped:
            return ErrorCode.NONE, []
        if self._loader.loading_partitions:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, []
        listings = core.list_transactions(
            list(states), list(producer_ids), min_duration_ms, now_ms=self.clock_ms()
        )
        return ErrorCode.NONE, list(listings)

    async def _request(
        self, call: Callable[[TransactionCoordinatorCore, int], Outcome[R]], bound_ms: int | None
    ) -> R | ErrorCode:
        """One request into the core: its result now, or once its parked answer comes
        (COORDINATOR_NOT_AVAILABLE past the bound, NOT_COORDINATOR if the coordinator
        stopped)."""
        out, future = self._process(call, parks=True)
        result: R | None = out.result
        if result is not None:
            return result
        key = out.parked
        if future is None or key is None:  # every request has a result or a park key
            return ErrorCode.UNKNOWN_SERVER_ERROR
        timeout_s = (bound_ms if bound_ms is not None else PARK_BOUND_MS) / 1000
        try:
            async with asyncio.timeout(timeout_s):
                answer: R | ErrorCode = await future
                return answer
        except TimeoutError:
            log.warning("transaction request %s still parked after %.0f s", key, timeout_s)
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        except _NotCoordinator:
            return ErrorCode.NOT_COORDINATOR
        finally:
            if self._parked.get(key) is future:
                del self._parked[key]

    # -- applying outcomes ------------------------------------------------------------------

    def _process(
        self,
        call: Callable[[TransactionCoordinatorCore, int], Outcome[R]],
        *,
        parks: bool = False,
    ) -> tuple[Outcome[R], asyncio.Future[Any] | None]:
        """One call into the core, its effects applied, then every append completion those
        effects produced, then the timer re-armed. A parked request is registered before any
        effect is applied, so its answer always finds it."""
        core = self._core
        if core is None:
            raise RuntimeError("the transaction coordinator core is not installed")
        if self._in_core:
            raise RuntimeError("TransactionCoordinator._process is not re-entrant")
        self._in_core = True
        future: asyncio.Future[Any] | None = None
        try:
            out = call(core, self.clock_ms())
            if parks and out.result is None and out.parked is not None:
                future = asyncio.get_running_loop().create_future()
                self._parked[out.parked] = future
            self._apply(out)
            while self._ready:
                token, error = self._ready.popleft()
                try:
                    done = core.append_completed(token, error, now_ms=self.clock_ms())
                except Exception as exc:
                    self._fault("append completion", f"completing append {token}", exc)
                    continue
                self._apply(done)
        finally:
            self._in_core = False
        self._rearm()
        return out, future

    def _apply(self, out: Outcome[Any]) -> None:
        for append in out.appends:
            self._start_append(append)
        for completion in out.completions:
            future = self._parked.pop(completion.key, None)
            if future is not None and not future.done():
                future.set_result(completion.result)
        for send in out.markers:
            self._markers.submit(MarkerJob.of(send))

    def _start_append(self, append: TxnAppend) -> None:
        now_ms = self.clock_ms()
        builder = RecordBatchBuilder()
        builder.append(append.value, key=append.key, timestamp_ms=now_ms)
        replicas = self.replicas
        result = replicas.append(
            TRANSACTION_STATE_TOPIC,
            append.partition,
            builder.build(),
            required_acks=-1,
            now_ms=now_ms,
        )
        if isinstance(result, AppendFailure):
            log.warning(
                "append to %s-%d failed: %s (%s)",
                TRANSACTION_STATE_TOPIC,
                append.partition,
                result.code.name,
                result.message,
            )
            self._ready.append((append.token, result.code))
            return
        waiting = replicas.acknowledge((result,), -1, TXN_APPEND_TIMEOUT_MS)
        if waiting is None or waiting.done():
            self._ready.append((append.token, ErrorCode(result.error_code)))
            return
        self._acknowledgements.add(waiting)
        waiting.add_done_callback(
            functools.partial(self._acknowledged, waiting, append.token, result)
        )

    def _acknowledged(self, waiting: Acknowledgement, token: int, result: AppendResult) -> None:
        """An append's acknowledgement ended: report it to the core."""
        self._acknowledgements.discard(waiting)
        if self._core is not None and not self._stopped:
            self._ready.append((token, ErrorCode(result.error_code)))
            self._process(_drain_only)

    # -- markers ----------------------------------------------------------------------------

    async def _write_local_markers(
        self, job: MarkerJob, partitions: list[TopicPartition]
    ) -> Results:
        wanted = [(tp.topic, tp.partition) for tp in partitions]
        if self.replicas.needs_opening(wanted):
            # After an unclean stop a partition's log may await its recovery: recovered on
            # worker threads here, not on the event loop by the marker's append.
            await self.replicas.open_partitions(wanted)
        return await write_markers_locally(
            self.replicas,
            self.groups,
            producer_id=job.producer_id,
            producer_epoch=job.producer_epoch,
            coordinator_epoch=job.coordinator_epoch,
            commit=job.commit,
            partitions=partitions,
            now_ms=self.clock_ms(),
        )

    def _markers_written(self, job: MarkerJob) -> None:
        """Every marker of ``job`` is written: the core completes the transaction (if this
        broker still coordinates it at that coordinator epoch)."""
        partition = self.partition_for(job.transactional_id)
        if (
            self._stopped
            or partition is None
            or self._owned.get(partition) != job.coordinator_epoch
        ):
            return
        try:
            self._process(
                lambda c, now: c.markers_written(
                    job.transactional_id, job.producer_id, job.producer_epoch, now_ms=now
                )
            )
        except Exception as exc:
            self._fault("markers", f"completing the transaction of {job.transactional_id!r}", exc)

    # -- timers -----------------------------------------------------------------------------

    def _rearm(self) -> None:
        core = self._core
        self._timer.arm(core.next_deadline_ms() if core is not None and not self._stopped else None)

    def _on_timer(self) -> None:
        if self._core is None or self._stopped:
            return
        try:
            self._process(lambda c, now: c.tick(now))
        except Exception as exc:
            self._fault("timer", "firing due timers", exc)

    # -- faults -----------------------------------------------------------------------------

    def _fault(self, where: str, what: str, exc: BaseException) -> None:
        """A bug (usually the core's) while the driver was ``what``: counted and logged."""
        self.faults[where] = self.faults.get(where, 0) + 1
        log.error("transaction coordinator: %s failed", what, exc_info=exc)


class _NotCoordinator(Exception):
    """The coordinator stopped while a request was parked."""


def _drain_only(core: Any, now_ms: int) -> Any:
    """No call of its own: ``_process`` then applies the queued append completions."""
    return _EMPTY


@dataclass(frozen=True, slots=True)
class _NoEffects:
    result: None = None
    parked: None = None
    appends: tuple[()] = ()
    markers: tuple[()] = ()
    completions: tuple[()] = ()


_EMPTY: Final = _NoEffects()
