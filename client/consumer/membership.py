"""What every kind of group member shares with the consumer: whether it holds an assignment
(``wait_stable``), the application's polls for ``max.poll.interval.ms`` (``poll``), and the
error that ended membership for good (``fatal``). The classic member (``group.py``) and the
KIP-848 member (``group_consumer.py``) both build on it."""

from __future__ import annotations

import asyncio

__all__ = ["Membership"]


class Membership:
    """Assignment, poll and failure state of one member (no IO of its own)."""

    def __init__(self) -> None:
        #: Why the member gave up (an authorization failure, say); set with ``_failed``.
        self.fatal: BaseException | None = None
        #: Loop time of the application's last poll.
        self.last_poll = 0.0
        self._stable = asyncio.Event()
        self._failed = asyncio.Event()
        self._polled = asyncio.Event()
        #: The member left the group because the application stopped polling.
        self._poll_expired = False

    def poll(self) -> None:
        """The application polled: note it for ``max.poll.interval.ms``."""
        self.last_poll = asyncio.get_running_loop().time()
        if self._poll_expired:
            self._poll_expired = False
            self._polled.set()

    async def wait_stable(self, timeout_s: float) -> bool:
        """Wait until the member holds its assignment; False on timeout. A fatal error (e.g.
        GROUP_AUTHORIZATION_FAILED) ends the wait at once."""
        if self._stable.is_set() or self.fatal is not None:
            return self._stable.is_set()
        waiters = [asyncio.ensure_future(e.wait()) for e in (self._stable, self._failed)]
        try:
            await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self._stable.is_set()
