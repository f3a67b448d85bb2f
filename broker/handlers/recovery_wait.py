"""Produce and Fetch naming partitions whose logs still await their recovery after an unclean
stop: the recoveries run on worker threads (``LogManager.recover_logs``) while the event loop
serves every other connection. Recovered on the loop, a log of gigabytes held them all.

Appends keep their order: while any produce waits for a recovery, every later produce (of any
connection, to any partition) waits behind it in an ``AppendQueue`` and appends after it, so
that the log sees the appends in the order they arrived, as if each had been served at once.
The queue holds one entry per produce request in flight, which the server bounds.

Every wait is bounded: a produce waits at most its own ``timeout_ms``, a fetch at most
``MAX_FETCH_RECOVERY_WAIT_S``; past it the request is answered REQUEST_TIMED_OUT (clients retry)
and the recovery goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from broker.handlers.base import BrokerServices
    from protocol.types import TopicPartition

__all__ = [
    "MAX_FETCH_RECOVERY_WAIT_S",
    "AppendQueue",
    "answer_once_opened",
    "append_in_order",
    "append_now_or_in_order",
    "read_after_recovery",
    "waiting_for_recovery",
]

T = TypeVar("T")

#: Longest a Fetch waits for its partitions' recovery: a consumer's own request timeout is
#: usually 30 s, and the answer (REQUEST_TIMED_OUT) has it ask again while the recovery goes on.
MAX_FETCH_RECOVERY_WAIT_S: Final = 30.0


class AppendQueue:
    """Produces in arrival order while some wait for recoveries: each appends once the one
    before it has."""

    __slots__ = ("_tail",)

    def __init__(self) -> None:
        self._tail: asyncio.Future[None] | None = None

    @property
    def busy(self) -> bool:
        """Whether a produce is waiting (a later one must queue behind it)."""
        return self._tail is not None

    def join(self) -> tuple[asyncio.Future[None] | None, asyncio.Future[None]]:
        """Queue up: the future to await before appending (None: nobody is ahead) and the one
        to hand to ``leave`` once appended."""
        ahead = self._tail
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tail = mine
        return ahead, mine

    def leave(self, ahead: asyncio.Future[None] | None, mine: asyncio.Future[None]) -> None:
        """Appended (or gone): the next may append. One that leaves before the one ahead of it
        appended (its request was cancelled) lets the next go only after that one, and the
        queue stays busy until then."""
        if ahead is not None and not ahead.done():
            ahead.add_done_callback(lambda _: self._release(mine))
        else:
            self._release(mine)

    def _release(self, mine: asyncio.Future[None]) -> None:
        if not mine.done():
            mine.set_result(None)
        if self._tail is mine:
            self._tail = None


def waiting_for_recovery(
    services: BrokerServices, wanted: Iterable[tuple[str, int]]
) -> list[TopicPartition]:
    """Those of ``wanted`` (topic, partition) still awaiting their recovery; empty at once
    when nothing does (after a clean start, or once all were recovered)."""
    log_manager = services.log_manager
    if not log_manager.unrecovered_count:
        return []
    return log_manager.awaiting_recovery(wanted)


def answer_once_opened(
    services: BrokerServices, wanted: list[tuple[str, int]], answer: Callable[[], T]
) -> T | Awaitable[T]:
    """``answer()`` at once, unless some of ``wanted`` (topic, partition) are led here and not
    opened yet (their logs may await recovery after an unclean stop): then once
    ``ReplicaManager.open_partitions`` opened them, recovering on worker threads and letting
    the event loop go between slices. For requests that read partitions' state (ListOffsets,
    OffsetForLeaderEpoch, DeleteRecords, DescribeProducers); ``wanted`` holds only what the
    principal may see."""
    if wanted and services.replica_manager.needs_opening(wanted):
        return _answer_after_opening(services, wanted, answer)
    return answer()


async def _answer_after_opening(
    services: BrokerServices, wanted: list[tuple[str, int]], answer: Callable[[], T]
) -> T:
    await services.replica_manager.open_partitions(wanted)
    return answer()


class _TopicData(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def partition_data(self) -> Sequence[_PartitionData]: ...


class _PartitionData(Protocol):
    @property
    def index(self) -> int: ...


def append_now_or_in_order(
    services: BrokerServices,
    topic_data: Iterable[_TopicData],
    append: Callable[[], T | Awaitable[T]],
    timed_out: Callable[[], T],
    timeout_ms: int,
) -> T | Awaitable[T]:
    """``append()`` at once, unless a partition of ``topic_data`` awaits its recovery or a
    produce waits already: then queued (``append_in_order``)."""
    if services.log_manager.unrecovered_count or services.append_queue.busy:
        wanted = [(t.name, d.index) for t in topic_data for d in t.partition_data]
        return append_to_now_or_in_order(services, wanted, append, timed_out, timeout_ms)
    return append()


def append_to_now_or_in_order(
    services: BrokerServices,
    wanted: list[tuple[str, int]],
    append: Callable[[], T | Awaitable[T]],
    timed_out: Callable[[], T],
    timeout_ms: int,
) -> T | Awaitable[T]:
    """``append()`` at once, unless one of ``wanted`` (topic, partition) awaits its recovery
    or an append waits already: then queued (``append_in_order``). For Produce, and for
    WriteTxnMarkers, whose markers take their turn with the produces."""
    if services.append_queue.busy or waiting_for_recovery(services, wanted):
        return append_in_order(services, wanted, append, timed_out, timeout_ms)
    return append()


def append_in_order(
    services: BrokerServices,
    wanted: list[tuple[str, int]],
    append: Callable[[], T | Awaitable[T]],
    timed_out: Callable[[], T],
    timeout_ms: int,
) -> asyncio.Task[T]:
    """Queue up now (in arrival order: before the next request is dispatched), then, on a task,
    recover what of ``wanted`` awaits it on worker threads and ``append()`` after every produce
    queued before this one; ``timed_out()`` is the answer when that takes more than
    ``timeout_ms``. The acknowledgement is awaited after leaving the queue; a task cancelled or
    timed out before its turn still lets the next go (after the one ahead of it)."""
    queue = services.append_queue
    ahead, mine = queue.join()
    task = asyncio.ensure_future(
        _append_in_turn(services, wanted, append, timed_out, timeout_ms, ahead, mine)
    )
    task.add_done_callback(lambda _: queue.leave(ahead, mine))
    return task


async def _append_in_turn(
    services: BrokerServices,
    wanted: list[tuple[str, int]],
    append: Callable[[], T | Awaitable[T]],
    timed_out: Callable[[], T],
    timeout_ms: int,
    ahead: asyncio.Future[None] | None,
    mine: asyncio.Future[None],
) -> T:
    try:
        try:
            async with asyncio.timeout(max(0, timeout_ms) / 1000):
                waiting = services.log_manager.awaiting_recovery(wanted)
                if waiting:
                    await services.log_manager.recover_logs(waiting, now_ms=services.clock_ms())
                if ahead is not None:
                    # Shielded: a cancelled request must not cancel the one ahead's turn.
                    await asyncio.shield(ahead)
        except TimeoutError:
            return timed_out()
        answer = append()
    finally:
        services.append_queue.leave(ahead, mine)
    if isinstance(answer, Awaitable):
        return await cast(Awaitable[T], answer)
    return answer


async def read_after_recovery(
    services: BrokerServices,
    waiting: list[TopicPartition],
    read: Callable[[], T | Awaitable[T]],
    timed_out: Callable[[], T],
) -> T:
    """Recover ``waiting`` on worker threads, then ``read()``; ``timed_out()`` is the answer
    when the recovery takes more than ``MAX_FETCH_RECOVERY_WAIT_S``."""
    try:
        async with asyncio.timeout(MAX_FETCH_RECOVERY_WAIT_S):
            await services.log_manager.recover_logs(waiting, now_ms=services.clock_ms())
    except TimeoutError:
        return timed_out()
    answer = read()
    if isinstance(answer, Awaitable):
        return await cast(Awaitable[T], answer)
    return answer
