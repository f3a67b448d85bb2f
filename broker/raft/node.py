"""``RaftNode``: the asyncio driver of one ``RaftCore``.

One task owns the core. It waits on the inbox (peer messages) until the next tick, steps the
core, ticks it on time, and then drains ``ready()``: the Ready is persisted in a worker thread
(fsync), and only then are its messages sent, its committed entries applied and proposals
waiting on them resolved, and the core advanced. ``propose()`` appends on the leader and
resolves once the entry is committed (or fails: not the leader, overwritten, timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from typing import Final

from broker.raft.core import ProposalDroppedError, RaftConfig, RaftCore, Role
from broker.raft.log import Entry, Snapshot
from broker.raft.messages import Message
from broker.raft.storage import RaftStorage
from broker.raft.transport import Transport

__all__ = ["DEFAULT_PROPOSE_TIMEOUT_MS", "INBOX_SIZE", "RaftNode", "RaftNodeStoppedError"]

log = logging.getLogger("samsa.raft")

# Peer messages waiting for the core. Beyond it messages are dropped (Raft retries them):
# a slow disk then sheds load instead of growing memory. A few heartbeat rounds of a large
# quorum, plus replies, fit many times over.
INBOX_SIZE: Final = 1024
# How often the core's clock moves: a tenth of the default election timeout, fine enough for
# heartbeats at their default interval.
DEFAULT_TICK_INTERVAL_MS: Final = 50
# How long propose() waits for the commit by default (several election timeouts, so that a
# leader change in between does not fail it).
DEFAULT_PROPOSE_TIMEOUT_MS: Final = 10_000
# How long stop() waits for a write in flight (a worker thread cannot be cancelled): closing
# the storage under it, or reopening the directory meanwhile, would tear the files.
STOP_PERSIST_TIMEOUT_S: Final = 30.0


class RaftNodeStoppedError(RuntimeError):
    """The node stopped (or failed) before the operation finished."""


class RaftNode:
    """One voter of the metadata quorum, driven on the running event loop."""

    def __init__(
        self,
        config: RaftConfig,
        storage: RaftStorage,
        transport: Transport,
        *,
        rng: random.Random | None = None,
        tick_interval_ms: int = DEFAULT_TICK_INTERVAL_MS,
        on_apply: Callable[[Entry], None] | None = None,
        on_snapshot: Callable[[Snapshot], None] | None = None,
    ) -> None:
        self.config = config
        self._storage = storage
        self._transport = transport
        self._rng = rng or random.Random()
        self._tick_interval_ms = tick_interval_ms
        self._on_apply = on_apply
        self._on_snapshot = on_snapshot
        self._inbox: asyncio.Queue[Message | None] = asyncio.Queue(INBOX_SIZE)
        self._core: RaftCore | None = None
        self._task: asyncio.Task[None] | None = None
        self._waiters: dict[int, tuple[int, asyncio.Future[int]]] = {}
        self._applied_index = 0
        self._persisting: asyncio.Future[None] | None = None

    @property
    def node_id(self) -> int:
        """This voter's id."""
        return self.config.node_id

    @property
    def core(self) -> RaftCore:
        """The state machine (read it, do not drive it)."""
        if self._core is None:
            raise RaftNodeStoppedError(f"raft node {self.node_id} is not running")
        return self._core

    @property
    def running(self) -> bool:
        """Whether the driver task is alive."""
        return self._task is not None and not self._task.done()

    @property
    def role(self) -> Role:
        """Leader, follower or a candidate of either kind."""
        return self.core.role

    @property
    def is_leader(self) -> bool:
        """Whether this node leads the current term."""
        return self.running and self.core.is_leader

    @property
    def term(self) -> int:
        """The current term (leader epoch)."""
        return self.core.term

    @property
    def leader_id(self) -> int | None:
        """The leader this node knows of."""
        return self.core.leader_id

    @property
    def commit_index(self) -> int:
        """The commit index (high watermark) this node knows of."""
        return self.core.commit_index

    @property
    def applied_index(self) -> int:
        """The last entry handed to ``on_apply``."""
        return self._applied_index

    async def start(self) -> None:
        """Read the durable state and start the driver task."""
        if self._task is not None:
            raise RuntimeError("a RaftNode starts once")
        loop = asyncio.get_running_loop()
        state = self._storage.initial_state()
        self._core = RaftCore(self.config, self._rng, state, now_ms=self._now_ms(loop))
        if state.snapshot is not None:
            self._applied_index = state.snapshot.index
            if self._on_snapshot is not None:
                self._on_snapshot(state.snapshot)
        self._task = loop.create_task(self._run(), name=f"raft-node-{self.node_id}")

    async def stop(self) -> None:
        """Stop the driver and close the storage; waiting proposals fail."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task  # a failure was logged when it happened
        self._fail_waiters(RaftNodeStoppedError(f"raft node {self.node_id} stopped"))
        persisting, self._persisting = self._persisting, None
        if persisting is not None:
            done, _ = await asyncio.wait({persisting}, timeout=STOP_PERSIST_TIMEOUT_S)
            if not done:
                log.error("raft node %d: a write is still running at stop", self.node_id)
                return  # its thread still uses the storage: leave it open
            failure = None if persisting.cancelled() else persisting.exception()
            if failure is not None:
                log.error("raft node %d: a write failed at stop: %s", self.node_id, failure)
        self._storage.close()

    def deliver(self, message: Message) -> bool:
        """Queue a peer's message; False (dropped) when the inbox is full or the node down."""
        if not self.running:
            return False
        try:
            self._inbox.put_nowait(message)
        except asyncio.QueueFull:
            return False
        return True

    async def propose(self, data: bytes, timeout_ms: int = DEFAULT_PROPOSE_TIMEOUT_MS) -> int:
        """Append ``data`` through the leader; returns its index once it is committed.

        Raises ``NotLeaderError`` (with the leader's id, if known), ``ProposalDroppedError``
        (refused, or overwritten by a newer leader before it committed), ``TimeoutError``.
        """
        if not self.running:
            raise RaftNodeStoppedError(f"raft node {self.node_id} is not running")
        core = self.core
        index = core.propose(data)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        earlier = self._waiters.get(index)
        if earlier is not None and not earlier[1].done():
            # Our own uncommitted entry from an earlier term was replaced by this one.
            earlier[1].set_exception(ProposalDroppedError(f"entry {index} was replaced"))
        self._waiters[index] = (core.term, future)
        self._wake()
        try:
            async with asyncio.timeout(timeout_ms / 1000):
                return await future
        finally:
            if self._waiters.get(index, (0, None))[1] is future:
                del self._waiters[index]

    def compact(self, index: int, snapshot_data: bytes) -> None:
        """The applied state up to ``index`` is ``snapshot_data``: snapshot it and drop the
        log up to it (persisted with the next Ready). Call after ``on_apply`` returned."""
        self.core.compact(index, snapshot_data)
        self._wake()

    # ----------------------------------------------------------------- the driver task

    @staticmethod
    def _now_ms(loop: asyncio.AbstractEventLoop) -> int:
        return int(loop.time() * 1000)

    def _wake(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self._inbox.put_nowait(None)  # a full inbox wakes the task anyway

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        core = self.core
        next_tick_ms = self._now_ms(loop)  # the first tick at once: a lone voter elects itself
        try:
            while True:
                wait_s = max(0.0, (next_tick_ms - self._now_ms(loop)) / 1000)
                try:
                    async with asyncio.timeout(wait_s):
                        message = await self._inbox.get()
                    if message is not None:
                        core.step(message)
                except TimeoutError:
                    pass
                while not self._inbox.empty():
                    message = self._inbox.get_nowait()
                    if message is not None:
                        core.step(message)
                now_ms = self._now_ms(loop)
                if now_ms >= next_tick_ms:
                    core.tick(now_ms)
                    next_tick_ms = now_ms + self._tick_interval_ms
                await self._handle_ready(core)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("raft node %d failed", self.node_id)
            self._fail_waiters(RaftNodeStoppedError(f"raft node {self.node_id} failed: {exc}"))
            raise

    async def _handle_ready(self, core: RaftCore) -> None:
        while core.has_ready():
            rd = core.ready()
            if rd.needs_persist():
                # Shielded: a stop waits for the write instead of abandoning its thread.
                persisting = asyncio.ensure_future(asyncio.to_thread(self._storage.persist, rd))
                self._persisting = persisting
                await asyncio.shield(persisting)
            for message in rd.messages:
                self._transport.send(message)
            if rd.snapshot is not None and rd.snapshot.index > self._applied_index:
                self._applied_index = rd.snapshot.index
                if self._on_snapshot is not None:
                    self._on_snapshot(rd.snapshot)
                self._resolve_up_to(rd.snapshot.index, None)
            for entry in rd.committed_entries:
                self._applied_index = entry.index
                if self._on_apply is not None and not entry.is_no_op:
                    self._on_apply(entry)
                self._resolve_up_to(entry.index, entry)
            core.advance(rd)

    def _resolve_up_to(self, index: int, entry: Entry | None) -> None:
        """Settle the proposal at ``index``: committed as proposed, or lost."""
        waiter = self._waiters.pop(index, None)
        if entry is None:
            for pending in [i for i in self._waiters if i <= index]:
                _, future = self._waiters.pop(pending)
                if not future.done():
                    future.set_exception(ProposalDroppedError("outcome unknown: snapshot"))
            return
        if waiter is None:
            return
        term, future = waiter
        if future.done():
            return
        if entry.term == term:
            future.set_result(index)
        else:
            future.set_exception(
                ProposalDroppedError(f"entry {index} was replaced by a newer leader's")
            )

    def _fail_waiters(self, exc: Exception) -> None:
        waiters, self._waiters = self._waiters, {}
        for _, future in waiters.values():
            if not future.done():
                future.set_exception(exc)
