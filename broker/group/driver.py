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
  start to its high watermark (``records.load``) while its groups answer
  COORDINATOR_LOAD_IN_PROGRESS. Reading stays on the event loop (storage is not thread-safe);
  decoding and replay run on a worker thread, a chunk at a time, so the loop keeps serving.
* **metadata**: ``on_metadata`` follows leadership of ``__consumer_offsets`` partitions (load
  when this broker becomes leader, unload when it stops) and drops the offsets of deleted topics
  (``delete_partitions``).

The core is only ever called from the event loop thread, one call at a time; completions of
appends found synchronously (flush policy ``none``) are queued and applied after the outcome
that caused them, so a parked request is always registered before its answer arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from broker.group.config import GroupConfig
from broker.group.coordinator import GroupCoordinatorCore
from broker.group.outcome import Append, Outcome, ParkKey
from broker.group.records import LoadedState, RecordFormatError, TopicPartition, load
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.replication.appends import Acknowledgement, AppendFailure
from broker.storage.names import TopicPartition as LogTopicPartition
from protocol.errors import ErrorCode, KafkaError
from protocol.messages import Message
from protocol.records import RecordBatchBuilder, iter_batches

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.metadata.controller import Controller
    from broker.metadata.image import MetadataDelta, MetadataImage
    from broker.replication.manager import ReplicaManager
    from broker.replication.partition import AppendResult
    from broker.storage.log import PartitionLog

__all__ = [
    "LOAD_CHUNK_BYTES",
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
#: Bytes of ``__consumer_offsets`` read per step while loading (one read on the event loop,
#: then decoded on a worker thread): bounds both the loop's pause and the memory held.
LOAD_CHUNK_BYTES: Final = 1024 * 1024
#: How long the loading thread waits for the event loop to read it a chunk.
LOAD_READ_TIMEOUT_S: Final = 30.0
#: How long ``stop`` waits for a partition being loaded to notice and give up.
STOP_LOAD_TIMEOUT_S: Final = 10.0
#: A due timer is re-armed at least this far ahead (ms): a chain of timers that stay due cannot
#: turn the timer into a busy loop.
MIN_TIMER_DELAY_MS: Final = 1
#: How long ``__consumer_offsets`` may wait for enough brokers to register (its replication
#: factor) before that is logged as a warning: while a cluster starts, brokers register one by
#: one and the creation is retried at each registration, which is normal and logged at INFO.
OFFSETS_TOPIC_WAIT_WARN_S: Final = 30.0


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def offsets_topic_configs(config: BrokerConfig) -> dict[str, str | None]:
    """The topic configs ``__consumer_offsets`` is created with (Kafka's): compacted, with
    ``offsets.topic.segment.bytes`` segments. ``min.insync.replicas`` is the broker default."""
    return {
        "cleanup.policy": "compact",
        "segment.bytes": str(config.offsets_topic_segment_bytes),
    }


class _LoadAborted(Exception):
    """The partition stopped being loaded (unloaded, or the coordinator stopped)."""


@dataclass(slots=True)
class _Parked:
    future: asyncio.Future[Message]
    error_response: Callable[[ErrorCode], Message]


class GroupCoordinator:
    """The group coordinator of this broker: a ``GroupCoordinatorCore`` and its IO."""

    def __init__(
        self,
        config: BrokerConfig,
        controller: Controller,
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
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline: int | None = None
        self._retention_timer: asyncio.TimerHandle | None = None
        self._load_epochs: dict[int, int] = {}
        self._load_queue: deque[tuple[int, int]] = deque()
        self._load_wakeup = asyncio.Event()
        self._loader: asyncio.Task[None] | None = None
        self._loading_now: int | None = None
        self._not_loading = asyncio.Event()
        self._not_loading.set()
        self._failed_loads: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._ensure_task: asyncio.Task[None] | None = None
        #: Since when (monotonic) ``__consumer_offsets`` waits for brokers to register; None
        #: when it is not waiting. Each metadata change then retries the creation.
        self._waiting_for_brokers_since: float | None = None
        self._warned_waiting = False
        self._stop_loading = threading.Event()
        self._started = False
        self._stopped = False

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
        return frozenset(self._load_epochs)

    @property
    def failed_partitions(self) -> frozenset[int]:
        """Partitions whose log could not be loaded: their groups stay unavailable."""
        return frozenset(self._failed_loads)

    def partition_for(self, group_id: str) -> int | None:
        """The ``__consumer_offsets`` partition of ``group_id`` (None before the topic exists)."""
        core = self._core
        return core.partition_for(group_id) if core is not None else None

    async def wait_loaded(self, timeout_s: float) -> None:
        """Wait until no partition is waiting to be loaded (raises TimeoutError)."""
        async with asyncio.timeout(timeout_s):
            while True:
                await self._idle.wait()
                if not self._load_queue and self._loading_now is None:
                    return

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Create ``__consumer_offsets`` if it is missing, take the partitions this broker
        leads (loading them in the background) and start the retention timer."""
        self._started = True
        self._loader = asyncio.get_running_loop().create_task(
            self._load_loop(), name="group-coordinator-loader"
        )
        self._install(self.controller.image)
        if self._core is None:
            await self._ensure_offsets_topic()
        self._arm_retention()

    async def stop(self) -> None:
        """Answer every parked request (NOT_COORDINATOR, by unloading every partition) and
        stop the timers, the watchers and the loader. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._stop_loading.set()
        self._load_wakeup.set()
        core = self._core
        if core is not None:
            for p in sorted(core.owned_partitions):
                self._unload(p)
        for parked in list(self._parked.values()):
            if not parked.future.done():
                parked.future.set_result(parked.error_response(ErrorCode.NOT_COORDINATOR))
        self._parked.clear()
        self._cancel_timer()
        if self._retention_timer is not None:
            self._retention_timer.cancel()
            self._retention_timer = None
        for waiting in self._acknowledgements:
            waiting.cancel()
        self._acknowledgements.clear()
        tasks: list[asyncio.Task[None]] = []
        if self._ensure_task is not None:
            tasks.append(self._ensure_task)
        if self._loader is not None:
            # A load in progress notices ``_stop_loading`` between chunks; wait for its thread
            # so that no thread is left waiting on this loop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(STOP_LOAD_TIMEOUT_S):
                    await self._not_loading.wait()
            tasks.append(self._loader)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        # Let the handlers of the requests answered above write their responses.
        for _ in range(3):
            await asyncio.sleep(0)

    # -- metadata ---------------------------------------------------------------------------

    def on_metadata(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """A metadata change was committed: follow ``__consumer_offsets`` leadership and drop
        the committed offsets of deleted topics."""
        if self._stopped or not self._started:
            return
        try:
            self._on_metadata(image, delta)
        except Exception:
            # The change is committed whatever happens here; never fail the controller.
            log.exception("the group coordinator could not apply a metadata change")

    def _on_metadata(self, image: MetadataImage, delta: MetadataDelta) -> None:
        core = self._core
        if core is None and self._waiting_for_brokers_since is not None:
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
                self._process(lambda c, now: c.delete_partitions(gone, now))
        self._install(image)

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
            core = self._core = GroupCoordinatorCore(self.group_config, owned_partitions=())
            self._waiting_for_brokers_since = None
            log.info("group coordinator: %s has %d partitions", GROUP_METADATA_TOPIC, n)
        owned = core.owned_partitions
        for pid in range(self._num_partitions):
            state = topic.partitions.get(pid)
            leads = state is not None and state.leader == self.node_id
            if leads and pid not in owned:
                self._begin_loading(pid)
            elif not leads and pid in owned:
                self._unload(pid)

    def _unload(self, partition: int) -> None:
        """Stop serving ``partition``: its parked requests get NOT_COORDINATOR."""
        self._load_epochs.pop(partition, None)
        self._failed_loads.discard(partition)
        self._process(lambda c, now: c.unload(partition, now))

    def _uninstall(self) -> None:
        core = self._core
        if core is None:
            return
        log.error("%s was deleted: the group coordinator stops serving", GROUP_METADATA_TOPIC)
        for p in sorted(core.owned_partitions):
            self._unload(p)
        self._cancel_timer()
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
        if self._ensure_task is not None and not self._ensure_task.done():
            return
        self._ensure_task = asyncio.get_running_loop().create_task(
            self._ensure_offsets_topic(), name="create-consumer-offsets"
        )

    async def _ensure_offsets_topic(self) -> None:
        from broker.metadata.controller import NewTopic

        if self.controller.image.topic(GROUP_METADATA_TOPIC) is not None:
            self._install(self.controller.image)
            return
        config = self.config
        try:
            [result] = await self.controller.create_topics(
                [
                    NewTopic(
                        GROUP_METADATA_TOPIC,
                        num_partitions=config.offsets_topic_num_partitions,
                        replication_factor=config.offsets_topic_replication_factor,
                        configs=offsets_topic_configs(config),
                    )
                ]
            )
        except KafkaError as exc:
            log.error("cannot create %s: %s", GROUP_METADATA_TOPIC, exc)
            return
        if result.error == ErrorCode.INVALID_REPLICATION_FACTOR:
            self._wait_for_brokers(result.message)
            return
        self._waiting_for_brokers_since = None
        if result.error not in (ErrorCode.NONE, ErrorCode.TOPIC_ALREADY_EXISTS):
            log.error(
                "cannot create %s: %s (%s); consumer groups are unavailable until it exists",
                GROUP_METADATA_TOPIC,
                result.error.name,
                result.message,
            )
            return
        log.info("created %s", GROUP_METADATA_TOPIC)
        self._install(self.controller.image)

    def _wait_for_brokers(self, reason: str | None) -> None:
        """Too few brokers are registered for ``offsets.topic.replication.factor`` (a cluster
        that is starting): retried at each metadata change; INFO at first, a WARNING once if it
        lasts past ``OFFSETS_TOPIC_WAIT_WARN_S``."""
        now = time.monotonic()
        if self._waiting_for_brokers_since is None:
            self._waiting_for_brokers_since = now
            log.info(
                "%s waits for brokers to register (replication factor %d): %s",
                GROUP_METADATA_TOPIC,
                self.config.offsets_topic_replication_factor,
                reason,
            )
        elif (
            not self._warned_waiting
            and now - self._waiting_for_brokers_since > OFFSETS_TOPIC_WAIT_WARN_S
        ):
            self._warned_waiting = True
            log.warning(
                "cannot create %s for %.0f s: %s; consumer groups are unavailable until "
                "offsets.topic.replication.factor (%d) brokers are registered",
                GROUP_METADATA_TOPIC,
                now - self._waiting_for_brokers_since,
                reason,
                self.config.offsets_topic_replication_factor,
            )

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
        out, parked = self._process_parking(call, error_response)
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

    def expire_offsets(self) -> None:
        """Expire offsets now (the retention timer does this periodically)."""
        if self._core is not None and not self._stopped:
            self._process(lambda c, now: c.expire_offsets(now))

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
        is registered before any effect is applied, so its answer always finds it."""
        core = self._core
        if core is None:
            raise RuntimeError("the group coordinator core is not installed")
        if self._in_core:
            raise RuntimeError("GroupCoordinator._process is not re-entrant")
        self._in_core = True
        parked: _Parked | None = None
        try:
            out = call(core, self.clock_ms())
            if out.response is None and out.parked is not None:
                future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
                parked = _Parked(future, error_response)
                self._parked[out.parked] = parked
            self._apply(core, out)
            while self._ready:
                token, error = self._ready.popleft()
                self._apply(core, core.append_completed(token, error, self.clock_ms()))
        finally:
            self._in_core = False
        self._rearm()
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
        builder = RecordBatchBuilder()
        for key, value in append.records:
            builder.append(value, key=key, timestamp_ms=now_ms)
        replicas = self.replicas
        result = replicas.append(
            GROUP_METADATA_TOPIC, append.partition, builder.build(), required_acks=-1, now_ms=now_ms
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
        deadline = core.next_deadline_ms() if core is not None and not self._stopped else None
        if deadline == self._timer_deadline and (deadline is None or self._timer is not None):
            return
        self._cancel_timer()
        if deadline is None:
            return
        delay_ms = max(deadline - self.clock_ms(), MIN_TIMER_DELAY_MS)
        self._timer_deadline = deadline
        self._timer = asyncio.get_running_loop().call_later(delay_ms / 1000, self._on_timer)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_deadline = None

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_deadline = None
        if self._core is None or self._stopped:
            return
        try:
            self._process(lambda c, now: c.tick(now))
        except Exception:
            log.exception("group coordinator timer failed")
            self._rearm()

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
        except Exception:
            log.exception("offset expiration failed")
        self._arm_retention()

    # -- loading ----------------------------------------------------------------------------

    def _begin_loading(self, partition: int) -> None:
        core = self._core
        assert core is not None
        core.begin_loading(partition)
        epoch = self._load_epochs.get(partition, 0) + 1
        self._load_epochs[partition] = epoch
        self._failed_loads.discard(partition)
        self._load_queue.append((partition, epoch))
        self._idle.clear()
        self._load_wakeup.set()

    async def _load_loop(self) -> None:
        while not self._stopped:
            if not self._load_queue:
                self._idle.set()
                self._load_wakeup.clear()
                await self._load_wakeup.wait()
                continue
            partition, epoch = self._load_queue.popleft()
            if self._load_epochs.get(partition) != epoch:
                continue
            self._loading_now = partition
            self._not_loading.clear()
            try:
                await self._load_partition(partition, epoch)
            except _LoadAborted:
                pass
            except Exception as exc:
                self._failed_loads.add(partition)
                log.error(
                    "cannot load %s-%d (%s: %s); its groups answer "
                    "COORDINATOR_LOAD_IN_PROGRESS until the broker restarts with a readable log",
                    GROUP_METADATA_TOPIC,
                    partition,
                    type(exc).__name__,
                    exc,
                )
            finally:
                self._loading_now = None
                self._not_loading.set()

    async def _load_partition(self, partition: int, epoch: int) -> None:
        tp = LogTopicPartition(GROUP_METADATA_TOPIC, partition)
        state: LoadedState = {}
        started = time.monotonic()
        # A partition never written has no log: nothing to read (and no log is created).
        if self.replicas.log_manager.get_log(tp, now_ms=self.clock_ms()) is not None:
            part = self.replicas.get_partition(GROUP_METADATA_TOPIC, partition)
            log_ = part.log
            # To the log end, not the high watermark: a leader never truncates its own log,
            # so everything in it becomes committed once the followers have it — and a new
            # leader's high watermark may still lag what the previous leader committed.
            start, end = log_.log_start_offset, log_.log_end_offset
            if start < end:
                loop = asyncio.get_running_loop()
                state = await asyncio.to_thread(
                    self._replay_in_thread, loop, log_, start, end, partition, epoch
                )
        if self._load_epochs.get(partition) != epoch or self._stopped or self._core is None:
            raise _LoadAborted
        del self._load_epochs[partition]
        self._process(lambda c, now: c.finish_loading(partition, state, now))
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
            self._process(lambda c, now: c.delete_partitions(stale, now))
        if state:
            log.info(
                "loaded %d group(s) from %s-%d in %.3f s",
                len(state),
                GROUP_METADATA_TOPIC,
                partition,
                time.monotonic() - started,
            )

    def _replay_in_thread(
        self,
        loop: asyncio.AbstractEventLoop,
        log_: PartitionLog,
        start: int,
        end: int,
        partition: int,
        epoch: int,
    ) -> LoadedState:
        """On a worker thread: ``records.load`` over the partition's records, each chunk read
        on the event loop."""

        def pairs() -> Iterator[tuple[bytes, bytes | None]]:
            offset = start
            while offset < end:
                if self._stop_loading.is_set() or self._load_epochs.get(partition) != epoch:
                    raise _LoadAborted
                future = asyncio.run_coroutine_threadsafe(_read_chunk(log_, offset, end), loop)
                data = future.result(LOAD_READ_TIMEOUT_S)
                if not data:
                    log.warning(
                        "%s-%d: nothing readable at offset %d below the high watermark %d",
                        GROUP_METADATA_TOPIC,
                        partition,
                        offset,
                        end,
                    )
                    return
                for batch in iter_batches(data, allow_partial=False):
                    batch.validate()
                    offset = max(offset, batch.next_offset)
                    if batch.is_control:
                        continue
                    for record in batch.records():
                        if record.key is None:
                            raise RecordFormatError(f"record at offset {record.offset} has no key")
                        yield record.key, record.value

        return load(pairs())


async def _read_chunk(log_: PartitionLog, offset: int, end: int) -> bytes:
    """Whole batches from ``offset`` below ``end`` (run on the event loop: storage's reads are
    not thread-safe)."""
    found = log_.read(offset, LOAD_CHUNK_BYTES, max_offset=end, min_one_batch=True)
    try:
        return found.read_bytes()
    finally:
        found.release()


def _drain_only(core: GroupCoordinatorCore, now_ms: int) -> Outcome[None]:
    """No call of its own: ``_process`` then applies the queued append completions."""
    return Outcome()


def _no_error_response(code: ErrorCode) -> Message:
    raise RuntimeError("a call that parks needs an error response")
