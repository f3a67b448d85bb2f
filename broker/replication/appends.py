"""Leader appends as requests see them: how one failed (``AppendFailure``, mapped from the
exception in one place) and the acknowledgement of a request's appends (``Acknowledgement``).

A request waits for all its appends at once, against one deadline, as Kafka's DelayedProduce:
acks=all until each partition's high watermark passes its append, acks=1 until the leader's own
log is durable past it. Each waiting append is registered with its partition (released when the
offset is reached, failed when the partition fails its waiters); the request holds one future
and one timer. When the deadline passes first, the appends still waiting get
REQUEST_TIMED_OUT. ``ReplicaManager.append`` and ``ReplicaManager.acknowledge`` are the
entry points; this module holds what they share with no state of the manager's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from broker.replication.partition import AppendResult
from protocol.errors import ConditionalAppendConflictError, ErrorCode, KafkaError
from protocol.records.validate import RecordError, RecordValidationError

__all__ = [
    "CATCHING_UP",
    "UNEXPECTED_FAILURE",
    "Acknowledgement",
    "AppendFailure",
    "acknowledgement",
    "append_failure",
]


@dataclass(frozen=True, slots=True)
class AppendFailure:
    """Why an append to one partition wrote nothing: the partition's answer."""

    code: ErrorCode
    message: str | None = None
    #: The refused records (INVALID_RECORD about records): index in the batch and why.
    record_errors: Sequence[RecordError] = ()
    #: CONDITIONAL_APPEND_CONFLICT: the partition's log end offset (-1 otherwise).
    log_end_offset: int = -1


#: The answer to an append that failed with an exception no Kafka error stands for (it was
#: logged with its traceback).
UNEXPECTED_FAILURE: Final = AppendFailure(ErrorCode.UNKNOWN_SERVER_ERROR)

#: The answer to an append while this broker's metadata may be stale (``catching_up``):
#: retriable; the client refreshes its metadata and finds the partition's current leader.
CATCHING_UP: Final = AppendFailure(
    ErrorCode.NOT_LEADER_OR_FOLLOWER, "this broker is catching up with the metadata quorum"
)


def append_failure(exc: KafkaError) -> AppendFailure:
    """The partition's answer to an append that raised ``exc``."""
    if isinstance(exc, RecordValidationError):
        return AppendFailure(exc.code, exc.message, exc.record_errors)
    if isinstance(exc, ConditionalAppendConflictError):
        return AppendFailure(exc.code, exc.message, log_end_offset=exc.log_end_offset)
    return AppendFailure(exc.code, exc.message)


def acknowledgement(
    appends: Sequence[AppendResult], acks: int, timeout_s: float
) -> Acknowledgement | None:
    """Settle what is settled already. None when that is every append, all acknowledged (the
    hot path: nothing allocated, every ``error_code`` NONE); else the ``Acknowledgement`` of
    the request, due within ``timeout_s`` — ``done()`` already when nothing waits but some
    append failed. acks=all: an append the high watermark passed is acknowledged, with
    NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR is smaller than ``min.insync.replicas`` by
    then; acks=1: once the leader's log is durable past it; acks=0: at once."""
    waiting: list[AppendResult] | None = None
    failed = False
    if acks == -1:
        for result in appends:
            partition = result.partition
            if partition.high_watermark >= result.next_offset:
                if len(partition.isr) < partition.min_insync_replicas:
                    result.error_code = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                    failed = True
            elif waiting is None:
                waiting = [result]
            else:
                waiting.append(result)
    elif acks == 1:
        for result in appends:
            if result.partition.local_durable_end < result.next_offset:
                if waiting is None:
                    waiting = [result]
                else:
                    waiting.append(result)
    if waiting is None:
        return Acknowledgement((), acks, timeout_s) if failed else None
    if timeout_s <= 0:
        for result in waiting:
            result.error_code = ErrorCode.REQUEST_TIMED_OUT
        return Acknowledgement((), acks, timeout_s)
    return Acknowledgement(waiting, acks, timeout_s)


class _AppendWait:
    """One append of a request, waiting in its partition's list (a ``partition.AcksWaiter``)."""

    __slots__ = ("ack", "result", "settled")

    def __init__(self, ack: Acknowledgement, result: AppendResult) -> None:
        self.ack = ack
        self.result = result
        self.settled = False

    def done(self) -> bool:
        return self.settled

    def set_result(self, reached: bool, /) -> None:
        """The partition reached the offset (the high watermark, or the durable end)."""
        if self.settled:
            return
        self.settled = True
        if self.ack.acks == -1:
            partition = self.result.partition
            if len(partition.isr) < partition.min_insync_replicas:
                self.result.error_code = ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
        self.ack.one_settled()

    def set_exception(self, exception: BaseException, /) -> None:
        """The partition failed its waiters (leadership lost, deleted, log offline)."""
        if self.settled:
            return
        self.settled = True
        self.result.error_code = (
            exception.code if isinstance(exception, KafkaError) else ErrorCode.UNKNOWN_SERVER_ERROR
        )
        self.ack.one_settled()


class Acknowledgement:
    """The acknowledgement of a request's appends, awaited as one: every partition waits at
    once, against one deadline. Await it (or ``add_done_callback``) unless ``done()`` already;
    then each append's ``error_code`` says how it ended. Awaiting it and being cancelled gives
    up on the appends still waiting (their request went away)."""

    __slots__ = ("_future", "_timer", "_waits", "acks", "outstanding")

    def __init__(self, appends: Sequence[AppendResult], acks: int, timeout_s: float) -> None:
        loop = asyncio.get_running_loop()
        self.acks = acks
        self._future: asyncio.Future[None] = loop.create_future()
        waits = [_AppendWait(self, result) for result in appends]
        self._waits = waits
        self.outstanding = 0
        for wait in waits:
            result = wait.result
            partition = result.partition
            if acks == -1:
                registered = partition.watch_high_watermark(result.next_offset, wait)
            else:
                registered = partition.watch_local_durable(result.next_offset, wait)
            if registered:
                self.outstanding += 1
            else:  # too many wait on the partition already
                wait.settled = True
                result.error_code = ErrorCode.REQUEST_TIMED_OUT
        self._timer: asyncio.TimerHandle | None = None
        if self.outstanding:
            self._timer = loop.call_later(timeout_s, self._expire)
        else:
            self._future.set_result(None)

    def __await__(self) -> Generator[Any, None, None]:
        try:
            yield from self._future.__await__()
        finally:
            if self.outstanding:  # cancelled while waiting
                self.cancel()

    def done(self) -> bool:
        """Whether every append was settled (acknowledged, failed or timed out)."""
        return self._future.done()

    def add_done_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (soon, on the event loop) once every append is settled; not
        after ``cancel``."""
        self._future.add_done_callback(lambda future: None if future.cancelled() else callback())

    def one_settled(self) -> None:
        """One more append was acknowledged or failed (its ``_AppendWait`` calls this)."""
        self.outstanding -= 1
        if self.outstanding == 0:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._future.done():
                self._future.set_result(None)

    def cancel(self) -> None:
        """Give up: the appends still waiting get REQUEST_TIMED_OUT and leave their
        partitions' lists; nothing is called back."""
        self._give_up()
        self._future.cancel()

    def _expire(self) -> None:
        self._timer = None
        self._give_up()
        if not self._future.done():
            self._future.set_result(None)

    def _give_up(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for wait in self._waits:
            if not wait.settled:
                wait.settled = True
                wait.result.error_code = ErrorCode.REQUEST_TIMED_OUT
                wait.result.partition.unwatch(wait)
        self.outstanding = 0
