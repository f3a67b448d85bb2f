"""An event loop in a background thread, for the synchronous facade.

Each sync client owns one: the asyncio client lives on that loop, and the caller's thread
submits coroutines and waits for their results with a deadline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Final, TypeVar

from client.errors import ClientClosedError, KafkaTimeoutError

__all__ = ["LoopThread"]

log = logging.getLogger("samsa.client.sync")

T = TypeVar("T")

#: How long starting or stopping the loop thread may take.
THREAD_START_TIMEOUT_S: Final = 10.0
THREAD_STOP_TIMEOUT_S: Final = 10.0
#: Waits without a deadline of their own are done in slices of this length, so that the
#: caller's thread stays responsive to signals (Ctrl-C in a notebook or script).
WAIT_SLICE_S: Final = 0.5


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


class LoopThread:
    """A daemon thread running an event loop until ``stop()``."""

    def __init__(self, name: str) -> None:
        self.loop = _new_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()
        if not self._ready.wait(THREAD_START_TIMEOUT_S):
            raise RuntimeError(f"the {name} event loop did not start")
        self._stopped = False

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        try:
            self.loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    @property
    def in_loop_thread(self) -> bool:
        """True when called from the loop's own thread (callbacks)."""
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop; the future of its result."""
        if self._stopped:
            coro.close()
            raise ClientClosedError("the client is closed")
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float | None) -> T:
        """Run ``coro`` on the loop and wait for it (``KafkaTimeoutError`` after
        ``timeout_s``; None: until done, waiting in slices)."""
        if self.in_loop_thread:
            coro.close()
            raise RuntimeError("a sync client method was called from its own event loop")
        future = self.submit(coro)
        return wait(future, timeout_s)

    def call(self, fn: Callable[[], T], timeout_s: float = THREAD_STOP_TIMEOUT_S) -> T:
        """Call a plain function on the loop's thread and return its result."""

        async def call() -> T:
            return fn()

        return self.run(call(), timeout_s)

    def call_soon(self, fn: Callable[[], object]) -> None:
        """Schedule ``fn()`` on the loop from any thread."""
        self.loop.call_soon_threadsafe(fn)

    def stop(self) -> None:
        """Stop the loop and join the thread (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(THREAD_STOP_TIMEOUT_S)
        if self._thread.is_alive():
            log.error("the client's event loop thread did not stop")


def wait(future: concurrent.futures.Future[T], timeout_s: float | None) -> T:
    """The future's result within ``timeout_s`` (cancelled and ``KafkaTimeoutError`` after)."""
    if timeout_s is not None:
        try:
            return future.result(timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise KafkaTimeoutError(f"the call did not finish within {timeout_s:g} s") from None
    while True:
        try:
            return future.result(WAIT_SLICE_S)
        except concurrent.futures.TimeoutError:
            continue
        except BaseException:
            if not future.done():
                future.cancel()
            raise
