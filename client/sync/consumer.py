"""The synchronous ``Consumer``: the asyncio consumer on a background event loop.

Iterating (``for record in consumer``) hands out records of a fetched chunk in the caller's
thread and crosses to the loop only for the next chunk; every other call runs on the loop and
waits for its result. Rebalance listener callbacks run on the loop's thread.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Final, Self

from client.config import ConsumerConfig, consumer_arguments
from client.consumer import Consumer as AsyncConsumer
from client.consumer import ConsumerRebalanceListener, ConsumerRecord
from client.consumer.consumer import ITERATION_WAIT_MS, CommitCallback
from client.sync._runner import LoopThread, wait
from client.types import OffsetAndMetadata, OffsetAndTimestamp, TopicPartition

__all__ = ["Consumer"]

#: Extra time a call may take beyond its own timeout (crossing threads, scheduling).
_SLACK_S: Final = 5.0


class Consumer:
    """A synchronous Kafka consumer; options (and topics as positional arguments) as for
    ``client.Consumer``.

    ::

        with Consumer(bootstrap_servers="localhost:9092", group_id="g",
                      auto_offset_reset="earliest") as consumer:
            consumer.subscribe(["events"])
            for record in consumer:
                print(record.value)
    """

    def __init__(
        self,
        options_or_topic: Mapping[str, Any] | str | None = None,
        /,
        *topics: str,
        **kwargs: Any,
    ) -> None:
        options, topics = consumer_arguments("Consumer", (options_or_topic, *topics))
        self.config = ConsumerConfig.build(options, **kwargs)
        self._timeout_s = self.config.request_timeout_ms / 1000 + _SLACK_S
        self._loop = LoopThread("samsa-sync-consumer")
        self._closed = False

        async def start() -> AsyncConsumer:
            consumer = AsyncConsumer(options, *topics, **kwargs)
            await consumer.start()
            return consumer

        try:
            self._consumer: AsyncConsumer = self._loop.run(start(), self._timeout_s)
        except BaseException:
            self._loop.stop()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Commit (with auto-commit), leave the group, close."""
        if self._closed:
            return
        self._closed = True
        try:
            self._loop.run(self._consumer.close(), self._timeout_s * 2)
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- subscription ------------------------------------------------------------------------

    def subscribe(
        self,
        topics: Iterable[str] | None = None,
        *,
        pattern: str | re.Pattern[str] | None = None,
        listener: ConsumerRebalanceListener | None = None,
    ) -> None:
        """Join the group for these topics or a pattern (see ``client.Consumer``)."""
        topic_list = None if topics is None else list(topics)
        self._loop.call(
            lambda: self._consumer.subscribe(topic_list, pattern=pattern, listener=listener)
        )

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Read exactly these partitions, without a group."""
        chosen = list(partitions)
        self._loop.call(lambda: self._consumer.assign(chosen))

    def unsubscribe(self) -> None:
        """Drop the subscription or assignment."""
        self._loop.call(self._consumer.unsubscribe)

    def assignment(self) -> set[TopicPartition]:
        """The partitions currently assigned."""
        return self._loop.call(self._consumer.assignment)

    def subscription(self) -> set[str]:
        """The subscribed topics."""
        return self._loop.call(self._consumer.subscription)

    # -- reading -----------------------------------------------------------------------------

    def poll(
        self, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Records fetched so far, waiting up to ``timeout_ms`` (``getmany``)."""
        return self._loop.run(
            self._consumer.getmany(timeout_ms=timeout_ms, max_records=max_records),
            timeout_ms / 1000 + self._timeout_s,
        )

    getmany = poll

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> ConsumerRecord:
        consumer = self._consumer
        while True:
            if self._closed:
                raise StopIteration
            # Records of a fetched chunk are handed out on this thread; only the next chunk
            # needs the loop. (The loop never touches the iteration buffer meanwhile.)
            record = consumer._next_buffered()
            if record is not None:
                return record
            self._loop.run(
                consumer._fill_chunks(ITERATION_WAIT_MS),
                ITERATION_WAIT_MS / 1000 + self._timeout_s,
            )

    # -- positions ---------------------------------------------------------------------------

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Read ``partition`` from ``offset`` next."""
        self._loop.call(lambda: self._consumer.seek(partition, offset))

    def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        """Read from the earliest offset."""
        self._loop.call(lambda: self._consumer.seek_to_beginning(*partitions))

    def seek_to_end(self, *partitions: TopicPartition) -> None:
        """Read only new records."""
        self._loop.call(lambda: self._consumer.seek_to_end(*partitions))

    def position(self, partition: TopicPartition) -> int:
        """The offset of the next record to be returned."""
        return self._loop.run(self._consumer.position(partition), self._timeout_s * 2)

    def offsets_for_times(
        self, timestamps: Mapping[TopicPartition, int]
    ) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        """The first offset at or after each timestamp."""
        return self._loop.run(self._consumer.offsets_for_times(timestamps), self._timeout_s * 2)

    def beginning_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The earliest offset of each partition."""
        return self._loop.run(
            self._consumer.beginning_offsets(list(partitions)), self._timeout_s * 2
        )

    def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The log end offset of each partition."""
        return self._loop.run(self._consumer.end_offsets(list(partitions)), self._timeout_s * 2)

    def highwater(self, partition: TopicPartition) -> int | None:
        """The high watermark as of the last fetch."""
        return self._loop.call(lambda: self._consumer.highwater(partition))

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop fetching and returning these partitions."""
        self._loop.call(lambda: self._consumer.pause(*partitions))

    def resume(self, *partitions: TopicPartition) -> None:
        """Fetch and return these partitions again."""
        self._loop.call(lambda: self._consumer.resume(*partitions))

    def paused(self) -> set[TopicPartition]:
        """The paused partitions."""
        return self._loop.call(self._consumer.paused)

    # -- offsets in the group ----------------------------------------------------------------

    def commit(
        self, offsets: Mapping[TopicPartition, int | OffsetAndMetadata] | None = None
    ) -> None:
        """Commit offsets (default: every position) and wait."""
        self._loop.run(self._consumer.commit(offsets), self._timeout_s * 2)

    def commit_async(
        self,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata] | None = None,
        callback: CommitCallback | None = None,
    ) -> concurrent.futures.Future[None]:
        """Commit in the background; the callback runs on the loop's thread."""

        async def commit() -> None:
            await self._consumer.commit_async(offsets, callback)

        return self._loop.submit(commit())

    def committed(self, partition: TopicPartition) -> OffsetAndMetadata | None:
        """The group's committed offset for ``partition``."""
        return self._loop.run(self._consumer.committed(partition), self._timeout_s * 2)

    def topics(self) -> set[str]:
        """Every topic in the cluster."""
        return self._loop.run(self._consumer.topics(), self._timeout_s)

    def partitions_for_topic(self, topic: str) -> set[int]:
        """The topic's partition ids."""
        return self._loop.run(self._consumer.partitions_for_topic(topic), self._timeout_s * 2)

    def wait_for_assignment(self, timeout_ms: int) -> set[TopicPartition]:
        """Wait until the group assigned partitions; returns them."""
        return wait(
            self._loop.submit(self._consumer.wait_for_assignment(timeout_ms)),
            timeout_ms / 1000 + _SLACK_S,
        )

    @property
    def member_id(self) -> str | None:
        """The member id in the group (None without a group)."""
        return self._consumer.member_id

    @property
    def generation_id(self) -> int:
        """The group generation, or with ``group.protocol=consumer`` the member epoch (-1
        without a group or before joining)."""
        return self._consumer.generation_id
