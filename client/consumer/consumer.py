"""``Consumer``: the asyncio Kafka consumer.

::

    async with Consumer(bootstrap_servers="localhost:9092", group_id="billing",
                        auto_offset_reset="earliest") as consumer:
        consumer.subscribe(["events"])
        async for record in consumer:
            print(record.topic, record.partition, record.offset, record.value)

Partitions come from the group (``subscribe``, with ``group.id``) or from the application
(``assign``). Records are fetched in the background; ``getmany`` and ``async for`` hand them
out and move the position; ``commit`` (or ``enable.auto.commit``) stores positions with the
group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import deque
from collections.abc import Iterable, Mapping
from functools import partial
from types import TracebackType
from typing import Any, Final, Self

from client.cluster import Cluster
from client.config import ConsumerConfig, consumer_arguments
from client.consumer.commits import (
    CommitCallback,
    OffsetCommitter,
    commit_in_background,
    offsets_to_commit,
)
from client.consumer.fetcher import Fetcher
from client.consumer.group import GroupMember
from client.consumer.group_consumer import ConsumerGroupMember
from client.consumer.listener import ConsumerRebalanceListener
from client.consumer.positions import resolve_positions
from client.consumer.records import ConsumerRecord
from client.consumer.subscription import PartitionState, SubscriptionState
from client.errors import (
    ClientClosedError,
    ClientError,
    IllegalStateError,
    KafkaError,
    KafkaTimeoutError,
)
from client.offsets import EARLIEST, LATEST, list_offsets
from client.types import OffsetAndMetadata, OffsetAndTimestamp, TopicPartition

__all__ = ["CommitCallback", "Consumer"]

log = logging.getLogger("samsa.client.consumer")

#: ``async for`` asks for records in waits of this length, again and again until some come
#: (each wait is bounded; the iteration ends only when the consumer closes).
ITERATION_WAIT_MS: Final = 1_000


class Consumer:
    """An asyncio Kafka consumer. See the module docstring for an example.

    Options are Kafka's consumer configs, dotted or snake_case, as a mapping and/or keyword
    arguments (``ConsumerConfig`` lists them with their defaults). Topics may be given as
    positional arguments, as aiokafka takes them: ``Consumer("orders", group_id="billing", …)``
    subscribes to them on ``start`` (with ``group.id``), or reads every partition of them
    (without: partitions are assigned, as by ``assign``).
    """

    def __init__(
        self,
        options_or_topic: Mapping[str, Any] | str | None = None,
        /,
        *topics: str,
        **kwargs: Any,
    ) -> None:
        options, self._initial_topics = consumer_arguments("Consumer", (options_or_topic, *topics))
        self.config = ConsumerConfig.build(options, **kwargs)
        config = self.config
        self._cluster = Cluster(config, allow_auto_topic_creation=config.allow_auto_create_topics)
        self._subs = SubscriptionState()
        self._fetcher = Fetcher(
            self._cluster, self._subs, config, resolve_positions=self._resolve_positions
        )
        self._group: GroupMember | ConsumerGroupMember | None = None
        self._coordinator = [-1]
        self._committer = OffsetCommitter(self._cluster, self._subs, config, self._coordinator)
        if config.group_id is not None:
            membership = ConsumerGroupMember if config.group_protocol == "consumer" else GroupMember
            self._group = membership(
                self._cluster,
                self._subs,
                self._fetcher,
                config,
                commit_positions=self._committer.commit_positions,
            )
            self._coordinator = self._group.coordinator
            self._committer.coordinator = self._coordinator
            self._committer.group = self._group
        self._timeout_s = config.request_timeout_ms / 1000
        self._auto_commit: asyncio.Task[None] | None = None
        self._started = False
        self._closed = False
        # The chunk ``async for`` is walking through: records of one partition.
        self._chunks: deque[tuple[PartitionState, int, list[ConsumerRecord], int | None]] = deque()
        self._chunk: list[ConsumerRecord] = []
        self._chunk_index = 0
        self._chunk_state: PartitionState | None = None
        self._chunk_epoch = 0
        self._chunk_end: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (bootstrap) and start fetching and group membership. Idempotent."""
        if self._closed:
            raise ClientClosedError("the consumer is closed")
        if self._started:
            return
        await self._cluster.start()
        self._fetcher.start()
        if self._group is not None:
            self._group.start()
            if self.config.enable_auto_commit and self.config.auto_commit_interval_ms > 0:
                self._auto_commit = asyncio.create_task(
                    self._committer.auto_commit_loop(), name="samsa-auto-commit"
                )
        self._started = True
        if self._initial_topics:
            try:
                await self._take_initial_topics()
            except BaseException:
                await self.close()
                raise

    async def _take_initial_topics(self) -> None:
        """The topics given to the constructor: subscribed with a group, else every partition
        of them assigned (aiokafka's rule)."""
        topics = list(self._initial_topics)
        if self._group is not None:
            self.subscribe(topics)
            return
        partitions: list[TopicPartition] = []
        for topic in topics:
            info = await self._cluster.wait_for_topic(topic, self._timeout_s)
            partitions.extend(TopicPartition(topic, p) for p in range(info.num_partitions))
        self.assign(partitions)

    async def close(self) -> None:
        """Commit (with auto-commit), leave the group, stop fetching, close connections."""
        if self._closed:
            return
        self._closed = True
        if self._auto_commit is not None:
            self._auto_commit.cancel()
            # The loop handles the commit failures it expects; anything else is a bug, and
            # closing raises it rather than hiding it.
            with contextlib.suppress(asyncio.CancelledError):
                await self._auto_commit
        await self._committer.wait_background()
        if self._started:
            if (
                self.config.enable_auto_commit
                and self.config.group_id is not None
                and not self._subs.group_managed
            ):
                try:
                    await self._committer.commit_positions(set(self._subs.assignment))
                except (KafkaError, ClientError) as exc:  # the broker's or the client's answer
                    log.warning("commit on close failed: %s", exc)
            if self._group is not None:
                await self._group.close()
            await self._fetcher.close()
        await self._cluster.close()

    stop = close

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError("the consumer is closed")
        if not self._started:
            raise ClientClosedError("the consumer is not started (use 'async with' or start())")

    # -- subscription ------------------------------------------------------------------------

    def subscribe(
        self,
        topics: Iterable[str] | None = None,
        *,
        pattern: str | re.Pattern[str] | None = None,
        listener: ConsumerRebalanceListener | None = None,
    ) -> None:
        """Join the group (``group.id``) for these topics, or every topic matching
        ``pattern``; ``listener`` hears about partitions assigned, revoked and lost."""
        if self._group is None:
            raise IllegalStateError("subscribe() needs group.id; use assign() without a group")
        if (topics is None) == (pattern is None):
            raise ValueError("give topics or a pattern")
        if pattern is not None:
            compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
            self._subs.subscribe_pattern(compiled)
            self._subs.match_topics(self._cluster.metadata.topics)
            self._cluster.set_topics(self._subs.topics, all_topics=True)
        else:
            assert topics is not None
            topics = [topics] if isinstance(topics, str) else list(topics)
            for topic in topics:
                if not isinstance(topic, str):
                    raise TypeError(
                        f"subscribe(): topics are str, not {type(topic).__name__} {topic!r:.60}"
                    )
            self._subs.subscribe(topics)
            self._cluster.set_topics(topics)
        self._group.listener = listener
        self._group.request_rejoin("new subscription")

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Read exactly these partitions, without group management."""
        partitions = [_topic_partition(tp) for tp in partitions]
        self._subs.assign(partitions)
        self._fetcher.clear([tp for tp in self._fetcher_partitions() if tp not in partitions])
        self._cluster.add_topics({tp.topic for tp in partitions})
        self._fetcher.wakeup()

    def _fetcher_partitions(self) -> list[TopicPartition]:
        return list(self._subs.assignment)

    def unsubscribe(self) -> None:
        """Stop reading: drop the subscription or assignment (the group is left on close, or
        rejoined on the next ``subscribe``)."""
        self._subs.unsubscribe()
        self._fetcher.clear()
        self._chunks.clear()
        self._chunk = []
        self._chunk_state = None

    def assignment(self) -> set[TopicPartition]:
        """The partitions currently assigned."""
        return set(self._subs.assignment)

    def subscription(self) -> set[str]:
        """The subscribed topics (for a pattern: the ones it matches now)."""
        return set(self._subs.topics)

    # -- reading -----------------------------------------------------------------------------

    async def getmany(
        self,
        *partitions: TopicPartition,
        timeout_ms: int = 0,
        max_records: int | None = None,
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Records fetched so far (up to ``max_records``, default ``max.poll.records``),
        waiting up to ``timeout_ms`` for some; ``{}`` when none came. Only from
        ``partitions`` if given."""
        self._check_open()
        group = self._group
        if group is not None:
            group.poll()
            if group.fatal is not None:
                raise group.fatal
            if isinstance(group, ConsumerGroupMember):
                await group.reconcile_on_poll()
        limit = max_records or self.config.max_poll_records
        only = partitions or None
        if self._chunk_state is not None or self._chunks:
            # Records ``async for`` took from the fetcher but did not hand out yet go first.
            buffered = self._take_iterated(limit, only)
            if buffered:
                return buffered
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000
        while True:
            records = self._fetcher.drain(limit, only)
            if records:
                return records
            remaining = deadline - loop.time()
            if remaining <= 0:
                return {}
            if isinstance(group, ConsumerGroupMember):
                await group.wait_for_data(partial(self._fetcher.wait_for_data, remaining))
                await group.reconcile_on_poll()
            else:
                await self._fetcher.wait_for_data(remaining)
            if group is not None and group.fatal is not None:
                raise group.fatal

    def _take_iterated(
        self, limit: int, only: tuple[TopicPartition, ...] | None
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        out: dict[TopicPartition, list[ConsumerRecord]] = {}
        pending = []
        if self._chunk_state is not None and self._chunk_index < len(self._chunk):
            pending.append(
                (self._chunk_state, self._chunk_epoch, self._chunk[self._chunk_index :],
                 self._chunk_end)
            )  # fmt: skip
        pending.extend(self._chunks)
        self._chunk = []
        self._chunk_index = 0
        self._chunk_state = None
        self._chunks.clear()
        for state, epoch, records, end in pending:
            if state.epoch != epoch or not records:
                continue
            tp = TopicPartition(records[0].topic, records[0].partition)
            if limit <= 0 or (only is not None and tp not in only):
                self._chunks.append((state, epoch, records, end))
                continue
            taken = records[:limit]
            limit -= len(taken)
            out.setdefault(tp, []).extend(taken)
            if len(taken) < len(records):
                state.position = taken[-1].offset + 1
                self._chunks.append((state, epoch, records[len(taken) :], end))
            else:
                state.position = end
        return out

    async def getone(self, *partitions: TopicPartition, timeout_ms: int | None = None) -> Any:
        """The next record (``None`` after ``timeout_ms`` without one; no timeout: wait)."""
        if partitions:
            got = await self.getmany(*partitions, timeout_ms=timeout_ms or 0, max_records=1)
            return next((r[0] for r in got.values() if r), None)
        if timeout_ms is None:
            return await self.__anext__()
        try:
            async with asyncio.timeout(timeout_ms / 1000):
                return await self.__anext__()
        except TimeoutError:
            return None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ConsumerRecord:
        index = self._chunk_index
        chunk = self._chunk
        state = self._chunk_state
        if (
            index < len(chunk)
            and state is not None
            and state.epoch == self._chunk_epoch
            and not state.paused
        ):
            record = chunk[index]
            index += 1
            self._chunk_index = index
            state.position = record.offset + 1 if index < len(chunk) else self._chunk_end
            return record
        return await self._next_chunk()

    async def _next_chunk(self) -> ConsumerRecord:
        while True:
            if self._closed:
                raise StopAsyncIteration
            record = self._next_buffered()
            if record is not None:
                return record
            try:
                await self._fill_chunks(ITERATION_WAIT_MS)
            except ClientClosedError:
                raise StopAsyncIteration from None

    async def _fill_chunks(self, timeout_ms: int) -> None:
        """Fetch records for record-by-record iteration (``async for``, the sync facade)."""
        batch = await self.getmany(timeout_ms=timeout_ms)
        for tp, records in batch.items():
            held = self._subs.assignment.get(tp)
            if held is None or not records:
                continue
            end = held.position
            # Until each record is handed out, the position stays before it.
            held.position = records[0].offset
            self._chunks.append((held, held.epoch, records, end))

    def _next_buffered(self) -> ConsumerRecord | None:
        """The next record of the iteration buffer (moving the position), or None."""
        while True:
            index = self._chunk_index
            chunk = self._chunk
            state = self._chunk_state
            if (
                index < len(chunk)
                and state is not None
                and state.epoch == self._chunk_epoch
                and not state.paused
            ):
                record = chunk[index]
                index += 1
                self._chunk_index = index
                state.position = record.offset + 1 if index < len(chunk) else self._chunk_end
                return record
            if not self._chunks:
                self._chunk = []
                self._chunk_state = None
                return None
            state, epoch, records, end = self._chunks.popleft()
            self._chunk = records
            self._chunk_index = 0
            self._chunk_state = state
            self._chunk_epoch = epoch
            self._chunk_end = end

    # -- positions ---------------------------------------------------------------------------

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Read ``partition`` from ``offset`` next."""
        if offset < 0:
            raise ValueError(f"offsets are >= 0, not {offset}")
        self._subs.state(partition).seek(offset)
        self._fetcher.clear([partition])
        self._fetcher.wakeup()

    def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        """Read from the earliest offset (all assigned partitions when none given)."""
        self._reset(partitions, "earliest")

    def seek_to_end(self, *partitions: TopicPartition) -> None:
        """Read only records written from now on (all assigned partitions when none given)."""
        self._reset(partitions, "latest")

    def _reset(self, partitions: Iterable[TopicPartition], strategy: str) -> None:
        targets = list(partitions) or list(self._subs.assignment)
        for tp in targets:
            self._subs.state(tp).request_reset(strategy)  # type: ignore[arg-type]
        self._fetcher.clear(targets)
        self._fetcher.wakeup()

    async def position(self, partition: TopicPartition) -> int:
        """The offset of the next record to be returned (looked up if not known yet)."""
        self._check_open()
        state = self._subs.state(partition)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout_s
        while state.position is None:
            await self._resolve_positions([partition])
            if state.position is None and loop.time() >= deadline:
                raise KafkaTimeoutError(f"no position for {partition} within the timeout")
        return state.position

    async def _resolve_positions(self, partitions: list[TopicPartition]) -> None:
        """Find positions: committed offsets (with a group), else ``auto.offset.reset``."""
        if await resolve_positions(
            self._cluster,
            self._subs,
            self.config,
            partitions,
            timeout_s=self._timeout_s,
            coordinator=self._coordinator,
        ):
            self._fetcher.wakeup()

    async def offsets_for_times(
        self, timestamps: Mapping[TopicPartition, int]
    ) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        """Per partition, the first offset with a timestamp at or after the given one (None
        when every record is older)."""
        self._check_open()
        for ts in timestamps.values():
            if ts < 0:
                raise ValueError("timestamps are >= 0")
        found = await list_offsets(self._cluster, dict(timestamps), timeout_s=self._timeout_s)
        return {
            tp: OffsetAndTimestamp(r.offset, r.timestamp, r.leader_epoch) if r.offset >= 0 else None
            for tp, r in found.items()
        }

    async def beginning_offsets(
        self, partitions: Iterable[TopicPartition]
    ) -> dict[TopicPartition, int]:
        """The earliest offset of each partition."""
        self._check_open()
        found = await list_offsets(
            self._cluster, dict.fromkeys(partitions, EARLIEST), timeout_s=self._timeout_s
        )
        return {tp: r.offset for tp, r in found.items()}

    async def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The log end offset of each partition (the last stable offset for read_committed)."""
        self._check_open()
        found = await list_offsets(
            self._cluster,
            dict.fromkeys(partitions, LATEST),
            read_committed=self.config.isolation_level == "read_committed",
            timeout_s=self._timeout_s,
        )
        return {tp: r.offset for tp, r in found.items()}

    def highwater(self, partition: TopicPartition) -> int | None:
        """The partition's high watermark as of the last fetch (None before one)."""
        hw = self._subs.state(partition).high_watermark
        return hw if hw >= 0 else None

    def last_stable_offset(self, partition: TopicPartition) -> int | None:
        """The partition's last stable offset as of the last fetch (None before one)."""
        lso = self._subs.state(partition).last_stable_offset
        return lso if lso >= 0 else None

    # -- flow control ------------------------------------------------------------------------

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop fetching and returning records of these partitions."""
        for tp in partitions:
            self._subs.state(tp).paused = True

    def resume(self, *partitions: TopicPartition) -> None:
        """Fetch and return records of these partitions again."""
        for tp in partitions:
            self._subs.state(tp).paused = False
        self._fetcher.wakeup()

    def paused(self) -> set[TopicPartition]:
        """The paused partitions."""
        return {tp for tp, s in self._subs.assignment.items() if s.paused}

    # -- offsets in the group ----------------------------------------------------------------

    async def commit(
        self, offsets: Mapping[TopicPartition, int | OffsetAndMetadata] | None = None
    ) -> None:
        """Commit offsets (default: the position of every assigned partition) and wait.

        ``CommitFailedError`` when the group rebalanced meanwhile (the partitions may belong
        to another member now).
        """
        self._check_open()
        if self.config.group_id is None:
            raise IllegalStateError("commit() needs group.id")
        if offsets is None:
            resolved = self._committer.current_offsets()
        else:
            resolved = offsets_to_commit(offsets)
        if resolved:
            await self._committer.commit(resolved)

    def commit_async(
        self,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata] | None = None,
        callback: CommitCallback | None = None,
    ) -> asyncio.Task[None]:
        """Commit in the background; ``callback(offsets, error_or_None)`` when done. Returns
        the task (awaiting it raises the commit's error)."""
        self._check_open()
        if offsets is None:
            snapshot: Mapping[TopicPartition, int | OffsetAndMetadata] = (
                self._committer.current_offsets()
            )
        else:
            snapshot = dict(offsets)

        task = asyncio.create_task(
            commit_in_background(self.commit, snapshot, callback), name="samsa-commit"
        )
        self._committer.track(task)
        return task

    async def committed(self, partition: TopicPartition) -> OffsetAndMetadata | None:
        """The group's committed offset for ``partition`` (None if nothing is committed)."""
        self._check_open()
        if self.config.group_id is None:
            raise IllegalStateError("committed() needs group.id")
        return await self._committer.committed(self.config.group_id, partition)

    # -- metadata ----------------------------------------------------------------------------

    async def topics(self) -> set[str]:
        """Every topic in the cluster (without internal ones, by default)."""
        self._check_open()
        response = await self._cluster.fetch_metadata(None)
        return {
            t.name
            for t in response.topics
            if t.error_code == 0 and not (t.is_internal and self.config.exclude_internal_topics)
        }

    async def partitions_for_topic(self, topic: str) -> set[int]:
        """The topic's partition ids."""
        self._check_open()
        info = await self._cluster.wait_for_topic(topic, self._timeout_s)
        return set(range(info.num_partitions))

    @property
    def rebalances(self) -> int:
        """How many rebalances this consumer took part in (0 without a group)."""
        return self._group.rebalances if self._group is not None else 0

    @property
    def member_id(self) -> str | None:
        """The member id in the group (None without a group)."""
        return self._group.member_id if self._group is not None else None

    @property
    def generation_id(self) -> int:
        """The group generation (-1 without a group or before joining); with
        ``group.protocol=consumer``, the member epoch."""
        return self._group.generation_id if self._group is not None else -1

    async def wait_for_assignment(self, timeout_ms: int) -> set[TopicPartition]:
        """Wait until the group assigned partitions (a rebalance completed); returns them."""
        self._check_open()
        if self._group is None:
            return self.assignment()
        self._group.poll()
        if isinstance(self._group, ConsumerGroupMember):
            # Revocations wait for a poll: keep polling while the assignment settles.
            await self._group.reconcile_on_poll()
        if not await self._group.wait_stable(timeout_ms / 1000):
            if self._group.fatal is not None:
                raise self._group.fatal
            raise KafkaTimeoutError(f"no assignment within {timeout_ms} ms")
        return self.assignment()


def _topic_partition(item: object) -> TopicPartition:
    """A ``TopicPartition`` (or ``(topic, partition)``) as given to ``assign``, else a
    ``TypeError`` naming it."""
    if (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], int)
    ):
        return item if type(item) is TopicPartition else TopicPartition(item[0], item[1])
    raise TypeError(
        "assign(): partitions are TopicPartition(topic, partition), not "
        f"{type(item).__name__} {item!r:.60}"
    )
