"""``GroupCoordinator``: the asyncio half of the group coordinator — IO around the pure core.

It owns a ``GroupCoordinatorCore`` and applies every ``Outcome`` the core returns, as the core's
contract asks (``outcome.py``):

* **appends** go to ``__consumer_offsets`` through the produce path (``ReplicaManager.append``
  with acks=all), one record batch per ``Append``, in the order the core emits them; each waits
  for its acknowledgement (``ReplicaManager.acknowledge``: the high watermark passing it,
  ``offsets.commit.timeout.ms`` at most), reported with ``append_completed``: a commit is
  acknowledged exactly when a produce with acks=all would be, with the same errors, under the
  broker's flush policy.
* **parked requests** (JoinGroup, SyncGroup, OffsetCommit, DeleteGroups, OffsetDelete) wait on
  a future keyed by their ``ParkKey`` until a ``Completion`` arrives. Each wait is also bounded
  by the request's own horizon (a JoinGroup by the rebalance timeout, COMPAT quirk 10; commits by
  the commit timeout) plus a margin; past it the request gets COORDINATOR_NOT_AVAILABLE, which
  every client retries. The core always answers before that; the bound is a safety net.
* **timers**: one ``loop.call_later`` armed at ``core.next_deadline_ms()``, re-armed after every
  outcome; it calls ``core.tick``. Offsets expire every ``offsets.retention.check.interval.ms``.
* **loading**: every ``__consumer_offsets`` partition this broker leads is replayed from its log
  start to its log end (``records.load``, by ``loader.PartitionLoader``) while its groups answer
  COORDINATOR_LOAD_IN_PROGRESS; the driver then installs it (``finish_loading``).
* **failures of the core** (bugs: ``CoreCallError``) are never swallowed: what the failed call
  did is applied, the failure is counted (``faults``) and logged with its traceback once per
  cause, and the driver carries on as Kafka would (see ``_on_timer``, ``on_metadata``).
* **metadata**: ``on_metadata`` follows leadership of ``__consumer_offsets`` partitions (load
  when this broker becomes leader, unload when it stops) and drops the offsets of deleted topics
  (``delete_partitions``).

The core is only ever called from the event loop thread, one call at a time; completions of
appends found synchronously (flush policy ``none``) are queued and applied after the outcome
that caused them, so a parked request is always registered before its answer arrives.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from broker.group.config import GroupConfig
from broker.group.consumer_coordinator import ConsumerGroupConfig
from broker.group.consumer_driver import ConsumerGroupDriver
from broker.group.context import CoreCallError
from broker.group.coordinator import GroupCoordinatorCore
from broker.group.loader import LoadAborted, PartitionLoader
from broker.group.offsets import PartitionExists
from broker.group.offsets_topic import OffsetsTopicCreator, offsets_topic_configs
from broker.group.outcome import Append, Outcome, ParkKey
from broker.group.records import LoadedState, TopicPartition
from broker.group.txn_offsets import txn_offset_commit_error
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.replication.appends import Acknowledgement, AppendFailure
from broker.tasks import DeadlineTimer
from broker.telemetry import LatencyHistogram
from protocol.errors import ErrorCode
from protocol.messages import Message, TxnOffsetCommitRequest, TxnOffsetCommitResponse
from protocol.records import RecordBatchBuilder

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.metadata.controller_api import ControllerApi
    from broker.metadata.image import MetadataDelta, MetadataImage
    from broker.replication.manager import ReplicaManager
    from broker.replication.partition import AppendResult

__all__ = [
    "PARK_MARGIN_MS",
    "GroupCoordinator",
    "offsets_topic_configs",
]

log = logging.getLogger("samsa.group")

M = TypeVar("M", bound=Message)
R = TypeVar("R")

#: Added to every parked request's own horizon before the driver gives up on it: the core
#: answers by then (its timers fire at the horizon), so only a bug can reach it.
PARK_MARGIN_MS: Final = 30_000
#: Transaction markers held for one partition while it loads (see ``on_txn_marker``). Past this
#: many the load starts over, and its replay reads them from the log instead: memory stays
#: bounded however long a load takes.
MAX_HELD_MARKERS: Final = 10_000


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class _Parked:
    future: asyncio.Future[Message]
    error_response: Callable[[ErrorCode], Message]


class GroupCoordinator:
    """The group coordinator of this broker: a ``GroupCoordinatorCore`` and its IO."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: ControllerApi,
        replicas: ReplicaManager,
        *,
        clock_ms: Callable[[], int] = _wall_clock_ms,
    ) -> None:
        self.config = config
        self.controller = controller
        self.replicas = replicas
        self.clock_ms = clock_ms
        self.node_id = config.node_id
        self.group_config = GroupConfig.from_settings(config)
        self._core: GroupCoordinatorCore | None = None
        self._num_partitions = 0
        self._parked: dict[ParkKey, _Parked] = {}
        self._ready: deque[tuple[int, ErrorCode]] = deque()
        self._in_core = False
        #: Appends waiting for their acknowledgement (given up on at ``stop``).
        self._acknowledgements: set[Acknowledgement] = set()
        self._timer = DeadlineTimer(lambda: self.clock_ms(), self._on_timer)
        self._retention_timer: asyncio.TimerHandle | None = None
        self._loader = PartitionLoader(replicas, clock_ms, self._finish_loading, self._fault)
        self._creator = OffsetsTopicCreator(config, controller, self._install)
        self._started = False
        self._stopped = False
        #: Rebalances that ended Stable, and how long each took (PreparingRebalance → Stable).
        self.rebalances_total = 0
        self.rebalance_time = LatencyHistogram()
        #: Transaction markers that came while their partition was loading:
        #: ``(producer id, commit, log end offset then)`` (see ``on_txn_marker``).
        self._held_markers: dict[int, list[tuple[int, bool, int]]] = {}
        #: Failures of the core (bugs) by where they happened; see ``_fault``.
        self._faults: dict[str, int] = {}
        #: The last cause logged with its traceback, per place: a repeat is logged briefly.
        self._last_fault: dict[str, str] = {}
        #: KIP-848 consumer groups, served beside the classic ones (``consumer_driver.py``).
        self.consumer_groups = ConsumerGroupDriver(
            ConsumerGroupConfig.from_settings(config),
            lambda: self.clock_ms(),
            self.serving,
            self._consumer_partition,
            self.append_consumer_records,
            self._classic_state,
        )

    # -- facts ------------------------------------------------------------------------------

    @property
    def core(self) -> GroupCoordinatorCore | None:
        """The pure core (None until ``__consumer_offsets`` exists). Read it; change it only
        through this driver."""
        return self._core

    @property
    def num_partitions(self) -> int:
        """Partitions of ``__consumer_offsets`` (0 before it exists)."""
        return self._num_partitions

    @property
    def loading_partitions(self) -> frozenset[int]:
        """Partitions waiting to be loaded or being loaded (including failed loads)."""
        return self._loader.loading_partitions

    @property
    def failed_partitions(self) -> frozenset[int]:
        """Partitions whose log could not be loaded: their groups stay unavailable."""
        return self._loader.failed_partitions

    @property
    def faults(self) -> dict[str, int]:
        """How many times the core failed (a bug), by where: ``request``, ``metadata``,
        ``unload``, ``timer``, ``retention``, ``append completion``, ``load``, ``marker``."""
        return dict(self._faults)

    def serving(self, group_id: str) -> ErrorCode:
        """Whether this broker coordinates ``group_id`` now: NONE, or the error to answer."""
        core = self._core
        if core is None or self._stopped:
            return ErrorCode.COORDINATOR_NOT_AVAILABLE
        partition = core.partition_for(group_id)
        if partition not in core.owned_partitions:
            return ErrorCode.NOT_COORDINATOR
        if partition in self._loader.loading_partitions or self.replicas.catching_up:
            return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        return ErrorCode.NONE

    def _classic_state(self, group_id: str) -> str | None:
        """The state of the classic group ``group_id`` (None if there is none)."""
        core = self._core
        group = None if core is None else core.group(group_id)
        if group is None or group.state.value == "Dead":
            return None
        return group.state.value

    def _consumer_partition(self, group_id: str) -> int:
        core = self._core
        if core is None:
            raise RuntimeError("no __consumer_offsets yet")
        return core.partition_for(group_id)

    def partition_for(self, group_id: str) -> int | None:
        """The ``__consumer_offsets`` partition of ``group_id`` (None before the topic exists)."""
        core = self._core
        return core.partition_for(group_id) if core is not None else None

    async def wait_loaded(self, timeout_s: float) -> None:
        """Wait until no partition is waiting to be loaded (raises TimeoutError)."""
        await self._loader.wait_loaded(timeout_s)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Create ``__consumer_offsets`` if it is missing, take the partitions this broker
        leads (loading them in the background) and start the retention timer."""
        self._started = True
        self._loader.start()
        self._install(self.controller.image)
        self.consumer_groups.on_metadata(self.controller.image)
        if self._core is None:
            await self._creator.ensure()
        self._arm_retention()

    async def stop(self) -> None:
        """Answer every parked request (NOT_COORDINATOR, by unloading every partition) and
        stop the timers, the watchers and the loader. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self.consumer_groups.stop()
        self._loader.request_stop()
        core = self._core
        if core is not None:
            for p in sorted(core.owned_partitions):
                self._unload(p)
        for parked in list(self._parked.values()):
            if not parked.future.done():
                parked.future.set_result(parked.error_response(ErrorCode.NOT_COORDINATOR))
        self._parked.clear()
        self._timer.cancel()
        if self._retention_timer is not None:
            self._retention_timer.cancel()
            self._retention_timer = None
        for waiting in self._acknowledgements:
            waiting.cancel()
        self._acknowledgements.clear()
        await self._creator.stop()
        await self._loader.stop()
        # Let the handlers of the requests answered above write their responses.
        for _ in range(3):
            await asyncio.sleep(0)

    # -- metadata ---------------------------------------------------------------------------

    def on_metadata(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """A metadata change was committed: follow ``__consumer_offsets`` leadership and drop
        the committed offsets of deleted topics.

        The change is committed whatever happens here, so a failure of the core is not passed
        on to the controller: it is logged and counted (``faults``), and leadership is compared
        again at the next change. Any other exception is a bug of this driver and propagates.
        """
        if self._stopped or not self._started:
            return
        core = self._core
        if core is None and self._creator.waiting_for_brokers:
            # A broker may have registered: try the creation again.
            self.ensure_offsets_topic_soon()
        if core is not None:
            gone: list[TopicPartition] = []
            for topic in delta.deleted_topics.values():
                if topic.name == GROUP_METADATA_TOPIC:
                    self._uninstall()
                    return
                gone.extend(TopicPartition(topic.name, p) for p in sorted(topic.partitions))
            if gone:
                try:
                    self._process(lambda c, now: c.delete_partitions(gone, now))
                except CoreCallError as exc:
                    # The change is committed whatever the core does with it: the controller
                    # is not failed. Offsets left behind are dropped when their partition of
                    # __consumer_offsets is next loaded, or expire.
                    self._fault("metadata", "dropping the offsets of deleted topics", exc)
        self._install(image)
        self.consumer_groups.on_metadata(image)

    def _install(self, image: MetadataImage) -> None:
        """Create the core once the topic exists, then match the partitions it serves to the
        ones this broker leads."""
        topic = image.topic(GROUP_METADATA_TOPIC)
        if topic is None or self._stopped:
            return
        core = self._core
        if core is None:
            n = topic.partition_count
            if n < 1:
                return
            self._num_partitions = n
            self.group_config = dataclasses.replace(
                self.group_config, offsets_topic_num_partitions=n
            )
            core = self._core = GroupCoordinatorCore(
                self.group_config, owned_partitions=(), on_rebalanced=self._rebalanced
            )
            self._creator.exists()
            log.info("group coordinator: %s has %d partitions", GROUP_METADATA_TOPIC, n)
        owned = core.owned_partitions
        for pid in range(self._num_partitions):
            state = topic.partitions.get(pid)
            leads = state is not None and state.leader == self.node_id
            if leads and pid not in owned:
                self._begin_loading(pid)
            elif not leads and pid in owned:
                self._unload(pid)

    def _rebalanced(self, duration_ms: int) -> None:
        self.rebalances_total += 1
        self.rebalance_time.observe(duration_ms / 1000)

    def _unload(self, partition: int) -> None:
        """Stop serving ``partition``: its parked requests get NOT_COORDINATOR."""
        self._loader.forget(partition)
        self._held_markers.pop(partition, None)
        core = self._core
        if core is not None:
            self.consumer_groups.forget(lambda gid: core.partition_for(gid) == partition)
        try:
            self._process(lambda c, now: c.unload(partition, now))
        except CoreCallError as exc:
            # The core may still count the partition as its own: the next metadata change
            # compares leadership again and retries.
            self._fault("unload", f"unloading {GROUP_METADATA_TOPIC}-{partition}", exc)

    def _uninstall(self) -> None:
        core = self._core
        if core is None:
            return
        log.error("%s was deleted: the group coordinator stops serving", GROUP_METADATA_TOPIC)
        for p in sorted(core.owned_partitions):
            self._unload(p)
        self._timer.cancel()
        self._core = None
        self._num_partitions = 0

    # -- __consumer_offsets -----------------------------------------------------------------

    def coordinator_for(self, group_id: str) -> tuple[ErrorCode, int]:
        """FindCoordinator for a group: ``(error, node id)`` of the leader of its partition."""
        topic = self.controller.image.topic(GROUP_METADATA_TOPIC)
        core = self._core
        if topic is None or core is None:
            self.ensure_offsets_topic_soon()
            return ErrorCode.COORDINATOR_NOT_AVAILABLE, -1
        state = topic.partitions.get(core.partition_for(group_id))
        if state is None or state.leader < 0:
            return ErrorCode.COORDINATOR_NOT_AVAILABLE, -1
        return ErrorCode.NONE, state.leader

    def ensure_offsets_topic_soon(self) -> None:
        """Create ``__consumer_offsets`` in the background if it is still missing (its creation
        at start-up failed); at most one attempt runs at a time."""
        if self._stopped or not self._started:
            return
        self._creator.ensure_soon()

    # -- requests ---------------------------------------------------------------------------

    def run(
        self,
        call: Callable[[GroupCoordinatorCore, int], Outcome[M]],
        error_response: Callable[[ErrorCode], M],
        bound_ms: Callable[[GroupCoordinatorCore, ParkKey], int] | int | None = None,
    ) -> M | Awaitable[M]:
        """Hand a request to the core: its response now, or an awaitable of it when parked.

        ``error_response(code)`` builds the request's response with one error (used when no
        coordinator runs, and past the wait bound); ``bound_ms`` is the request's own horizon
        (default ``offsets.commit.timeout.ms``) — the wait ends ``PARK_MARGIN_MS`` after it.
        """
        core = self._core
        if core is None or self._stopped:
            if self._stopped:
                return error_response(ErrorCode.NOT_COORDINATOR)
            self.ensure_offsets_topic_soon()
            return error_response(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        if self.replicas.catching_up:
            # A restarted voter's groups may be another broker's by now (clients retry).
            return error_response(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
        try:
            out, parked = self._process_parking(call, error_response)
        except CoreCallError:
            # Counted here; the request's handler answers it with an error and logs the failure.
            self._faults["request"] = self._faults.get("request", 0) + 1
            raise
        if out.response is not None:
            return out.response
        if out.parked is None or parked is None:  # every request has a response or a key
            return error_response(ErrorCode.UNKNOWN_SERVER_ERROR)
        if parked.future.done():  # answered by the effects of its own call (flush policy none)
            return cast(M, parked.future.result())
        if bound_ms is None:
            horizon = self.config.offsets_commit_timeout_ms
        elif isinstance(bound_ms, int):
            horizon = bound_ms
        else:
            horizon = bound_ms(core, out.parked)
        return self._wait(out.parked, parked, (horizon + PARK_MARGIN_MS) / 1000)

    async def _wait(self, key: ParkKey, parked: _Parked, timeout_s: float) -> M:
        try:
            async with asyncio.timeout(timeout_s):
                return cast(M, await parked.future)
        except TimeoutError:
            log.warning(
                "%s (api %d) of group %r still parked after %.0f s; answering "
                "COORDINATOR_NOT_AVAILABLE",
                key,
                key.api_key,
                key.group_id,
                timeout_s,
            )
            return cast(M, parked.error_response(ErrorCode.COORDINATOR_NOT_AVAILABLE))
        finally:
            if self._parked.get(key) is parked:
                del self._parked[key]

    def txn_offset_commit(
        self,
        request: TxnOffsetCommitRequest,
        version: int,
        partition_exists: PartitionExists | None = None,
    ) -> TxnOffsetCommitResponse | Awaitable[TxnOffsetCommitResponse]:
        """A TxnOffsetCommit: answered once its records are durable (their offsets then wait
        for the transaction's marker, ``on_txn_marker``)."""
        return self.run(
            lambda core, now: core.txn_offset_commit(
                request, version, now, partition_exists=partition_exists
            ),
            functools.partial(txn_offset_commit_error, request),
        )

    def on_txn_marker(self, partition: int, producer_id: int, commit: bool) -> None:
        """A transaction marker of ``producer_id`` was appended to ``__consumer_offsets``
        partition ``partition``: its pending offsets there are committed or dropped.

        A partition still being loaded holds the marker until it is installed; it is applied
        then unless the replay already read past it (the log end when the marker came is at or
        below where the replay stopped). A partition this broker does not serve ignores it: its
        coordinator, or the next load, replays the marker from the log.
        """
        core = self._core
        if core is None or self._stopped:
            return
        if partition in self._loader.loading_partitions:
            if partition not in self._loader.failed_partitions:
                held = self._held_markers.setdefault(partition, [])
                held.append((producer_id, commit, self._log_end(partition)))
                if len(held) > MAX_HELD_MARKERS:
                    log.warning(
                        "%s-%d: %d transaction markers came while it loaded; loading it again",
                        GROUP_METADATA_TOPIC,
                        partition,
                        len(held),
                    )
                    self._begin_loading(partition)
            return
        if partition not in core.owned_partitions:
            return
        try:
            self._process(lambda c, now: c.complete_txn(partition, producer_id, commit, now))
        except CoreCallError as exc:
            self._fault("marker", f"completing the transaction of producer {producer_id}", exc)

    def _log_end(self, partition: int) -> int:
        log_ = self.replicas.log_manager.get_log(
            TopicPartition(GROUP_METADATA_TOPIC, partition), now_ms=self.clock_ms()
        )
        return 0 if log_ is None else log_.log_end_offset

    def expire_offsets(self) -> None:
        """Expire offsets now (the retention timer does this periodically)."""
        if self._core is not None and not self._stopped:
            self._process(lambda c, now: c.expire_offsets(now))

    # -- fault injection --------------------------------------------------------------------

    def _check_serving(self, group_id: str) -> None:
        error = self.serving(group_id)
        if error is ErrorCode.NOT_COORDINATOR:
            raise ValueError(f"broker {self.node_id} is not the coordinator of group {group_id}")
        if error is not ErrorCode.NONE:
            raise ValueError(f"group {group_id} cannot be changed now: {error.name}")

    def force_rebalance(self, group_id: str) -> str:
        """Start a rebalance of ``group_id`` now (synchronous; on the event loop). Classic
        groups enter PreparingRebalance (members learn it from Heartbeat's
        REBALANCE_IN_PROGRESS); KIP-848 consumer groups get a new group epoch and target
        assignment. A one-line account; ValueError (one line) when the group is unknown or
        empty or this broker is not its coordinator."""
        self._check_serving(group_id)
        if self.consumer_groups.core.is_consumer_group(group_id):
            account = self.consumer_groups.force_rebalance(group_id)
        else:
            out, _ = self._process_parking(
                lambda core, now: core.force_rebalance(group_id, now), _no_error_response
            )
            assert out.response is not None
            account = out.response
        log.info("%s (on request)", account)
        return account

    def expire_members(self, group_id: str, member_id: str | None) -> str:
        """End a member's session now (None: every member's), as a session timeout would
        (synchronous; on the event loop): a classic group rebalances without it; a KIP-848
        member is fenced and its partitions move. A one-line account; ValueError as
        ``force_rebalance``, and for an unknown member."""
        self._check_serving(group_id)
        if self.consumer_groups.core.is_consumer_group(group_id):
            account = self.consumer_groups.expire_members(group_id, member_id)
        else:
            out, _ = self._process_parking(
                lambda core, now: core.expire_members(group_id, member_id, now),
                _no_error_response,
            )
            assert out.response is not None
            account = out.response
        log.info("%s (on request)", account)
        return account

    # -- applying outcomes ------------------------------------------------------------------

    def _process(self, call: Callable[[GroupCoordinatorCore, int], Outcome[Any]]) -> None:
        """One call into the core (that parks nothing), with its effects applied."""
        self._process_parking(call, _no_error_response)

    def _process_parking(
        self,
        call: Callable[[GroupCoordinatorCore, int], Outcome[R]],
        error_response: Callable[[ErrorCode], Message],
    ) -> tuple[Outcome[R], _Parked | None]:
        """One call into the core, its effects applied, then every append completion those
        effects produced (each a call of its own), then the timer re-armed. A parked request
        is registered before any effect is applied, so its answer always finds it.

        When the call fails (``CoreCallError``), what it did before failing is applied all the
        same (answers, appends) and the error is raised once the completions are drained; a
        failing append completion is recorded as a fault and the others still run.
        """
        core = self._core
        if core is None:
            raise RuntimeError("the group coordinator core is not installed")
        if self._in_core:
            raise RuntimeError("GroupCoordinator._process is not re-entrant")
        self._in_core = True
        parked: _Parked | None = None
        failed: CoreCallError | None = None
        try:
            try:
                out = call(core, self.clock_ms())
            except CoreCallError as exc:
                # Effects only (no response, nothing parked); ``out`` is not returned.
                failed, out = exc, cast("Outcome[R]", exc.outcome)
            if out.response is None and out.parked is not None:
                future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
                parked = _Parked(future, error_response)
                self._parked[out.parked] = parked
            self._apply(core, out)
            while self._ready:
                token, error = self._ready.popleft()
                try:
                    done = core.append_completed(token, error, self.clock_ms())
                except CoreCallError as exc:
                    self._fault("append completion", f"completing append {token}", exc)
                    done = exc.outcome
                self._apply(core, done)
        finally:
            self._in_core = False
        self._rearm()
        if failed is not None:
            raise failed
        return out, parked

    def _apply(self, core: GroupCoordinatorCore, out: Outcome[Any]) -> None:
        for append in out.appends:
            self._start_append(append)
        for completion in out.completions:
            parked = self._parked.pop(completion.key, None)
            if parked is not None and not parked.future.done():
                parked.future.set_result(completion.response)

    # -- appends ----------------------------------------------------------------------------

    def _start_append(self, append: Append) -> None:
        if not append.records:
            self._ready.append((append.token, ErrorCode.NONE))
            return
        now_ms = self.clock_ms()
        transactional = append.producer_id >= 0
        if transactional:
            # A TxnOffsetCommit: the producer's transactional batch, without a sequence (the
            # coordinator writes it for the producer, so the partition skips sequence checks).
            builder = RecordBatchBuilder(
                producer_id=append.producer_id,
                producer_epoch=append.producer_epoch,
                is_transactional=True,
            )
        else:
            builder = RecordBatchBuilder()
        for key, value in append.records:
            builder.append(value, key=key, timestamp_ms=now_ms)
        replicas = self.replicas
        if transactional:
            result = replicas.append(
                GROUP_METADATA_TOPIC,
                append.partition,
                builder.build(),
                required_acks=-1,
                now_ms=now_ms,
                from_coordinator=True,
            )
        else:
            result = replicas.append(
                GROUP_METADATA_TOPIC,
                append.partition,
                builder.build(),
                required_acks=-1,
                now_ms=now_ms,
            )
        if isinstance(result, AppendFailure):
            log.warning(
                "append to %s-%d for group %r failed: %s (%s)",
                GROUP_METADATA_TOPIC,
                append.partition,
                append.group_id,
                result.code.name,
                result.message,
            )
            self._ready.append((append.token, result.code))
            return
        waiting = replicas.acknowledge((result,), -1, self.config.offsets_commit_timeout_ms)
        if waiting is None or waiting.done():
            self._ready.append((append.token, result.error_code))
            return
        self._acknowledgements.add(waiting)
        done = functools.partial(self._acknowledged, waiting, append.token, result)
        waiting.add_done_callback(done)

    def append_consumer_records(
        self, partition: int, records: list[tuple[bytes, bytes | None]]
    ) -> asyncio.Future[ErrorCode]:
        """Append KIP-848 group records to ``partition`` (acks=all, as the classic records):
        the future ends with NONE once they are committed, or with the error."""
        done: asyncio.Future[ErrorCode] = asyncio.get_running_loop().create_future()
        now_ms = self.clock_ms()
        builder = RecordBatchBuilder()
        for key, value in records:
            builder.append(value, key=key, timestamp_ms=now_ms)
        result = self.replicas.append(
            GROUP_METADATA_TOPIC, partition, builder.build(), required_acks=-1, now_ms=now_ms
        )
        if isinstance(result, AppendFailure):
            done.set_result(result.code)
            return done
        waiting = self.replicas.acknowledge((result,), -1, self.config.offsets_commit_timeout_ms)
        if waiting is None or waiting.done():
            done.set_result(ErrorCode(result.error_code))
            return done
        self._acknowledgements.add(waiting)

        def finished() -> None:
            self._acknowledgements.discard(waiting)
            if not done.done():
                done.set_result(ErrorCode(result.error_code))

        waiting.add_done_callback(finished)
        return done

    def _acknowledged(self, waiting: Acknowledgement, token: int, result: AppendResult) -> None:
        """An append's acknowledgement ended (the high watermark passed it, it failed, or
        ``offsets.commit.timeout.ms`` passed): report it to the core."""
        self._acknowledgements.discard(waiting)
        if self._core is not None and not self._stopped:
            self._ready.append((token, result.error_code))
            self._process(_drain_only)

    # -- timers -----------------------------------------------------------------------------

    def _rearm(self) -> None:
        core = self._core
        self._timer.arm(core.next_deadline_ms() if core is not None and not self._stopped else None)

    def _on_timer(self) -> None:
        if self._core is None or self._stopped:
            return
        try:
            self._process(lambda c, now: c.tick(now))
        except CoreCallError as exc:
            # Kafka's coordinator drops a timer operation that fails and keeps serving: the
            # timer that raised was consumed, the others stay armed and ``_process`` re-armed
            # the wake-up for them. The failure is logged and counted, never retried as is.
            self._fault("timer", "firing due timers", exc)

    def _arm_retention(self) -> None:
        if self._stopped:
            return
        interval_s = self.config.offsets_retention_check_interval_ms / 1000
        self._retention_timer = asyncio.get_running_loop().call_later(
            interval_s, self._on_retention
        )

    def _on_retention(self) -> None:
        self._retention_timer = None
        try:
            self.expire_offsets()
        except CoreCallError as exc:
            # Expiry is idempotent: the next period tries again (as Kafka's periodic cleanup).
            self._fault("retention", "expiring offsets", exc)
        finally:
            self._arm_retention()

    # -- faults -----------------------------------------------------------------------------

    def _fault(self, where: str, what: str, exc: BaseException) -> None:
        """A bug (usually the core's: ``CoreCallError``) while the driver was ``what``: count it
        under ``where`` and log it, with its traceback unless it repeats the last failure logged
        for ``where``."""
        count = self._faults[where] = self._faults.get(where, 0) + 1
        cause = exc.__cause__ if isinstance(exc, CoreCallError) and exc.__cause__ else exc
        key = f"{type(cause).__name__}: {cause}"
        if self._last_fault.get(where) == key:
            log.error(
                "group coordinator: %s failed again (%s; %s failure %d)", what, key, where, count
            )
            return
        self._last_fault[where] = key
        log.error(
            "group coordinator: %s failed (%s failure %d); what the core did before failing "
            "was applied",
            what,
            where,
            count,
            exc_info=cause,
        )

    # -- loading ----------------------------------------------------------------------------

    def _begin_loading(self, partition: int) -> None:
        core = self._core
        assert core is not None
        self._held_markers.pop(partition, None)  # the new replay reads them from the log
        core.begin_loading(partition)
        self._loader.begin(partition)

    def _finish_loading(self, partition: int, state: LoadedState) -> None:
        """The loader replayed ``partition``: install its groups in the core."""
        if self._stopped or self._core is None:
            raise LoadAborted
        consumer_records = [r for g in state.values() for r in g.consumer_records]
        state = {
            gid: g
            for gid, g in state.items()
            if g.metadata is not None or g.offsets or g.pending_txn_offsets
        }
        try:
            self._process(lambda c, now: c.finish_loading(partition, state, now))
        except CoreCallError:
            # Half-installed groups must not be served: they are dropped and the partition
            # stays loading (and failed) like one whose log cannot be read.
            try:
                self._process(lambda c, now: c.unload(partition, now))
            except CoreCallError as again:
                what = f"dropping the half-loaded {GROUP_METADATA_TOPIC}-{partition}"
                self._fault("load", what, again)
            if self._core is not None:
                self._core.begin_loading(partition)
            raise
        self.consumer_groups.load(partition, consumer_records)
        # Markers that came while the partition loaded, past what the replay read.
        replayed_end = self._loader.replayed_end(partition)
        for producer_id, commit, log_end in self._held_markers.pop(partition, []):
            if log_end <= replayed_end:
                continue
            try:
                self._process(functools.partial(_complete_txn, partition, producer_id, commit))
            except CoreCallError as exc:
                what = f"completing the transaction of producer {producer_id}"
                self._fault("marker", what, exc)
        # Offsets of partitions that no longer exist (a topic deleted while this partition was
        # not loaded here) are dropped now, as a deletion would have dropped them.
        image = self.controller.image
        stale = sorted(
            {
                tp
                for group in state.values()
                for tp in group.offsets
                if image.partition(tp.topic, tp.partition) is None
            }
        )
        if stale:
            try:
                self._process(lambda c, now: c.delete_partitions(stale, now))
            except CoreCallError as exc:
                # The partition is served; the stale offsets expire with retention instead.
                self._fault("load", "dropping the offsets of deleted topics", exc)


def _complete_txn(
    partition: int, producer_id: int, commit: bool, core: GroupCoordinatorCore, now_ms: int
) -> Outcome[None]:
    return core.complete_txn(partition, producer_id, commit, now_ms)


def _drain_only(core: GroupCoordinatorCore, now_ms: int) -> Outcome[None]:
    """No call of its own: ``_process`` then applies the queued append completions."""
    return Outcome()


def _no_error_response(code: ErrorCode) -> Message:
    raise RuntimeError("a call that parks needs an error response")
