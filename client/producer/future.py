"""``RecordFuture``: the future of one sent record, backed by its batch's future.

``send`` returns one per record, but the producer completes one ``asyncio.Future`` per batch:
a record future is three references (batch, index, timestamp) and builds its
``RecordMetadata`` only when asked. It follows asyncio's future protocol, so it can be awaited
and passed to ``asyncio.gather``, ``asyncio.wait``, ``asyncio.wait_for`` and
``asyncio.ensure_future`` like an ``asyncio.Future``. It cannot be cancelled: a record handed
to the producer is delivered or fails (``cancel()`` returns False).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Generator
from typing import Any

from client.producer.batch import ProducerBatch
from client.types import RecordMetadata

__all__ = ["RecordFuture"]


class _Callback:
    """A done-callback of the batch future that calls the user's callback with the record."""

    __slots__ = ("fn", "record")

    def __init__(self, fn: Callable[[RecordFuture], object], record: RecordFuture) -> None:
        self.fn = fn
        self.record = record

    def __call__(self, _: asyncio.Future[None]) -> None:
        self.fn(self.record)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Callback) and other.fn == self.fn and other.record is self.record

    def __hash__(self) -> int:
        return hash((id(self.record), self.fn))


class RecordFuture:
    """The outcome of one ``send``: awaits to the record's ``RecordMetadata``."""

    __slots__ = ("_batch", "_index", "_timestamp")

    #: Marks this class as an asyncio future (``asyncio.isfuture``); it never blocks a task
    #: itself: awaiting it awaits the batch's future.
    _asyncio_future_blocking = False

    def __init__(self, batch: ProducerBatch, index: int, timestamp: int) -> None:
        self._batch = batch
        self._index = index
        self._timestamp = timestamp

    def __repr__(self) -> str:
        state = "pending"
        future = self._batch.future
        if future.done():
            state = "failed" if future.exception() is not None else "done"
        return f"<RecordFuture {self._batch.topic}-{self._batch.partition}[{self._index}] {state}>"

    def get_loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the producer runs on."""
        return self._batch.future.get_loop()

    def done(self) -> bool:
        """True once the record is written or failed."""
        return self._batch.future.done()

    def cancelled(self) -> bool:
        """Always False: records are not cancellable."""
        return False

    def cancel(self, msg: Any = None) -> bool:
        """Records cannot be cancelled once handed to the producer: returns False."""
        return False

    def result(self) -> RecordMetadata:
        """The record's metadata; raises its error, or ``InvalidStateError`` when pending."""
        batch = self._batch
        error = batch.future.exception()  # raises InvalidStateError when not done
        if error is not None:
            raise error
        return batch.metadata(self._index, self._timestamp)

    def exception(self) -> BaseException | None:
        """The record's error, None if written; ``InvalidStateError`` when pending."""
        return self._batch.future.exception()

    def add_done_callback(
        self,
        fn: Callable[[RecordFuture], object],
        *,
        context: contextvars.Context | None = None,
    ) -> None:
        """Call ``fn(self)`` once the record is written or failed."""
        self._batch.future.add_done_callback(_Callback(fn, self), context=context)

    def remove_done_callback(self, fn: Callable[[RecordFuture], object]) -> int:
        """Remove a callback added with ``add_done_callback``; how many were removed."""
        return self._batch.future.remove_done_callback(_Callback(fn, self))

    def __await__(self) -> Generator[Any, None, RecordMetadata]:
        future = self._batch.future
        if not future.done():
            # Shielded: the batch's future is shared by every record in it, so a waiter that
            # is cancelled (a timeout) must not cancel the others' outcome.
            yield from asyncio.shield(future)
        return self.result()

    __iter__ = __await__
