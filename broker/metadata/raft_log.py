"""``RaftMetadataLog``: the metadata log of a voter, replicated by the Raft quorum.

Every voter runs it; a single node is a quorum of one (``controller.quorum.voters`` unset): the
same log with itself as the only voter and no transport (``NoPeers``), which elects itself as
soon as it starts (``start`` returns once it leads).

Each Raft entry holds one metadata batch (``records.encode_batch``). ``append`` proposes a
batch on the Raft leader (the active controller) and returns once the quorum committed it and
this broker applied it. Every broker — leader or not — applies committed entries in log order
through the listener (``Controller`` replays them into its image and publishes the delta), so
record offsets are the same everywhere. Every ``metadata.log.max.record.bytes.between.snapshots``
bytes a snapshot of the image (``snapshot.py``) replaces the applied log prefix.

At open, the durable snapshot and the entries up to the durable commit index are replayed at
once (``initial_image``), so the broker starts from what it had committed before; the Raft node
then continues from there (entries it re-delivers are skipped by index).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from broker.metadata.image import MetadataApplyError, MetadataDelta, MetadataImage
from broker.metadata.log import ImageListener, QuorumState, RecordsListener
from broker.metadata.records import (
    MetadataRecord,
    MetadataRecordError,
    decode_batch,
    encode_batch,
)
from broker.metadata.snapshot import SnapshotFormatError, decode_image, encode_image
from broker.raft.core import (
    NotLeaderError,
    PersistentState,
    ProposalDroppedError,
    RaftConfig,
    Ready,
)
from broker.raft.log import Entry, LogError, Snapshot
from broker.raft.node import RaftNode, RaftNodeStoppedError
from broker.raft.storage import FileRaftStorage
from broker.raft.transport import Transport
from protocol.errors import NotControllerError

__all__ = [
    "RAFT_DIR",
    "READY_POLL_S",
    "MetadataLogFormatError",
    "RaftMetadataLog",
    "decode_entry",
    "replay_onto",
]

log = logging.getLogger("samsa.metadata.raft")

RAFT_DIR: Final = "raft"
#: How often a new leader checks whether it has applied everything before its term (it
#: may not validate a change against an image that misses committed records).
READY_POLL_S: Final = 0.01
#: How often the only voter checks, while it starts, whether it elected itself: finer than
#: ``READY_POLL_S``, the broker's start-up waits on it.
ELECTION_POLL_S: Final = 0.001
#: The only voter's clock: it elects itself at its first tick (at start) and then has nobody to
#: heartbeat or to count, so its ticks only cost an idle wake-up (proposals wake it anyway).
LONE_TICK_INTERVAL_MS: Final = 1000


class _Preloaded:
    """The storage, with the state read at open handed to the node as read.

    The only voter does not make a commit index alone durable: whatever it persisted is
    committed (it is the whole majority), so at open it counts every stored entry as committed
    and a Ready that only moves the commit index costs no write. Term and vote stay durable."""

    def __init__(self, storage: FileRaftStorage, state: PersistentState, *, lone: bool) -> None:
        self._storage = storage
        self._state = state
        self._lone = lone
        self._durable = state.hard_state

    def initial_state(self) -> PersistentState:
        return self._state

    def persist(self, ready: Ready) -> None:
        hs = ready.hard_state
        if (
            self._lone
            and hs is not None
            and (hs.term, hs.vote) == (self._durable.term, self._durable.vote)
        ):
            ready = dataclasses.replace(ready, hard_state=None)
            if not ready.needs_persist():
                return
        self._storage.persist(ready)
        if ready.hard_state is not None:
            self._durable = ready.hard_state

    def close(self) -> None:
        self._storage.close()


def decode_entry(entry_data: bytes) -> list[MetadataRecord] | None:
    try:
        found = decode_batch(entry_data)
    except MetadataRecordError as exc:
        log.error("a committed metadata entry does not decode (skipped): %s", exc)
        return None
    if found is None:
        log.error("a committed metadata entry is truncated (skipped)")
        return None
    return found[1]


def replay_onto(image: MetadataImage, records: Sequence[MetadataRecord]) -> MetadataImage | None:
    delta = MetadataDelta(image)
    try:
        for i, record in enumerate(records):
            delta.replay(image.offset + 1 + i, record)
    except MetadataApplyError as exc:
        log.error("a committed metadata batch does not apply (skipped): %s", exc)
        return None
    return delta.build()


class RaftMetadataLog:
    """Committed metadata batches, agreed on by the Raft quorum."""

    def __init__(
        self,
        directory: Path,
        config: RaftConfig,
        transport: Transport,
        *,
        snapshot_bytes: int,
        rng: random.Random | None = None,
    ) -> None:
        self.directory = directory
        self.config = config
        self._node_id = config.node_id
        storage = FileRaftStorage.open(directory / RAFT_DIR)
        state = storage.initial_state()
        self._lone = config.voters == {config.node_id}
        if self._lone and state.entries:
            # Everything the only voter stored is committed (see ``_Preloaded``).
            last = state.entries[-1].index
            state = dataclasses.replace(
                state, hard_state=dataclasses.replace(state.hard_state, commit=last)
            )
        self._existed = state.snapshot is not None or bool(state.entries)
        self._state = state
        self._snapshot_bytes = snapshot_bytes
        self._bytes_since_snapshot = 0
        self.node = RaftNode(
            config,
            _Preloaded(storage, state, lone=self._lone),
            transport,
            rng=rng,
            tick_interval_ms=LONE_TICK_INTERVAL_MS
            if self._lone
            else max(5, min(50, config.heartbeat_interval_ms // 2)),
            on_apply=self._on_apply,
            on_snapshot=self._on_snapshot,
        )
        self._image = MetadataImage.empty()
        self._applied_index = 0
        self._on_records: RecordsListener | None = None
        self._on_image: ImageListener | None = None
        self._advanced = asyncio.Event()  # set (and replaced) whenever an entry is applied

    # -- start-up -----------------------------------------------------------------------------

    async def catch_up(self, timeout_s: float) -> MetadataImage:
        """A voter starts from its disk: ``initial_image``."""
        return self.initial_image()

    def initial_image(self) -> MetadataImage:
        """The image after the durable snapshot and every durably committed entry."""
        state = self._state
        image = MetadataImage.empty()
        if state.snapshot is not None:
            try:
                image = decode_image(state.snapshot.data)
            except SnapshotFormatError as exc:
                raise MetadataLogFormatError(f"{self.directory}: {exc}") from exc
            self._applied_index = state.snapshot.index
        commit = state.hard_state.commit
        for entry in state.entries:
            if entry.index > commit:
                break
            self._applied_index = entry.index
            if entry.is_no_op:
                continue
            records = decode_entry(entry.data)
            if records is not None:
                image = replay_onto(image, records) or image
        self._image = image
        return image

    def set_listeners(self, on_records: RecordsListener, on_image: ImageListener) -> None:
        """Where committed batches and installed snapshots go (the controller)."""
        self._on_records = on_records
        self._on_image = on_image

    async def start(self) -> None:
        """Start the Raft node (it elects, replicates and applies from now on). The only
        voter elects itself at once: this returns once it leads with its log applied."""
        await self.node.start()
        if self._lone:
            await self._wait_elected(timeout_s=self.config.election_timeout_ms / 1000)

    async def _wait_elected(self, timeout_s: float) -> None:
        """Wait until the only voter leads with its log applied (a few fsyncs away)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not self.ready_to_propose():
            if loop.time() >= deadline:
                raise NotControllerError(
                    f"the only voter {self._node_id} did not elect itself within {timeout_s} s"
                )
            await asyncio.sleep(ELECTION_POLL_S)

    # -- MetadataLog ----------------------------------------------------------------------------

    @property
    def node_id(self) -> int:
        """This voter's id."""
        return self._node_id

    @property
    def existed(self) -> bool:
        """Whether the log held a snapshot or entries when it was opened."""
        return self._existed

    @property
    def is_voter(self) -> bool:
        """Always: this log is a voter's."""
        return True

    @property
    def end_offset(self) -> int:
        """The offset the next record gets (as far as this broker applied)."""
        return self._image.offset + 1

    def quorum_state(self) -> QuorumState:
        """Leader, epoch and high watermark as this voter knows them."""
        running = self.node.running
        return QuorumState(
            leader_id=self.leader_id,
            leader_epoch=self.node.term if running else -1,
            high_watermark=self.node.commit_index if running else -1,
            voters=tuple(sorted(self.config.voters)),
            is_voter=True,
        )

    @property
    def is_active(self) -> bool:
        """Whether this broker is the active controller (the Raft leader)."""
        return self.node.is_leader

    @property
    def leader_id(self) -> int | None:
        """The active controller this broker knows of."""
        if not self.node.running:
            return None
        return self.node.leader_id

    def ready_to_propose(self) -> bool:
        """Leader, its term's no-op committed, everything committed applied, nothing pending:
        the image it validates against is the whole committed state."""
        node = self.node
        if not node.is_leader:
            return False
        core = node.core
        return (
            core.log.term_at(core.commit_index) == core.term
            and node.applied_index == core.commit_index == core.log.last_index
        )

    def caught_up(self) -> bool:
        """Leader: ``ready_to_propose``. Follower: a leader of this run has been heard from
        and everything it had committed then is applied here."""
        node = self.node
        if not node.running:
            return False
        if node.is_leader:
            return self.ready_to_propose()
        target = node.core.first_leader_commit
        return target is not None and self._applied_index >= target

    async def wait_ready(self, timeout_s: float) -> None:
        """Wait until ``ready_to_propose``; NotControllerError when this broker is not (or no
        longer) the leader, or it does not get ready in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not self.ready_to_propose():
            if not self.node.is_leader or loop.time() >= deadline:
                raise NotControllerError(
                    f"broker {self.node_id} is not the active controller (leader: {self.leader_id})"
                )
            await asyncio.sleep(READY_POLL_S)

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        """Propose ``records`` as one batch; returns once committed and applied here."""
        await self.wait_ready(timeout_s=self.config.election_timeout_ms / 1000)
        data = encode_batch(self.end_offset, records)
        try:
            return await self.node.propose(data)
        except NotLeaderError as exc:
            raise NotControllerError(f"the active controller is {exc.leader_id}") from None
        except (ProposalDroppedError, RaftNodeStoppedError, TimeoutError) as exc:
            raise NotControllerError(f"the change was not committed: {exc}") from None

    # -- serving observers (brokers that are not voters) ----------------------------------------

    async def read_committed(
        self, after_index: int, max_bytes: int, wait_ms: int
    ) -> tuple[Snapshot | None, list[Entry], int]:
        """What an observer that applied up to Raft index ``after_index`` needs next:
        ``(snapshot, entries, applied_index)``. The snapshot is there when the entries after
        ``after_index`` were compacted away; entries are applied ones (committed), at most
        ``max_bytes`` of data (at least one). With nothing new, waits up to ``wait_ms`` for it."""
        if self._applied_index <= after_index and wait_ms > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait_ms / 1000):
                    while self._applied_index <= after_index:
                        await self._advanced.wait()
        core = self.node.core
        snapshot = core.snapshot
        applied = self._applied_index
        if snapshot is not None and after_index < snapshot.index:
            after_index = snapshot.index
        else:
            snapshot = None
        entries = core.log.slice(after_index + 1, min(applied, core.commit_index) + 1, max_bytes)
        return snapshot, entries, applied

    def _advance(self) -> None:
        event, self._advanced = self._advanced, asyncio.Event()
        event.set()

    def snapshot(self) -> bool:
        """Snapshot the image applied so far and drop the log up to it (persisted by the
        node's next Ready); False when nothing was applied since the last snapshot."""
        if not self.node.running:
            return False
        core = self.node.core
        if self._applied_index <= (core.snapshot.index if core.snapshot is not None else 0):
            return False
        self._bytes_since_snapshot = 0
        self._compact(self._applied_index, encode_image(self._image))
        return True

    async def close_async(self) -> None:
        """Stop the Raft node (and close its storage)."""
        await self.node.stop()

    # -- the node's callbacks ---------------------------------------------------------------------

    def _on_apply(self, entry: Entry) -> None:
        if entry.index <= self._applied_index:
            return
        self._applied_index = entry.index
        self._advance()
        records = decode_entry(entry.data)
        if records is None or self._on_records is None:
            return
        self._image = self._on_records(records)
        self._bytes_since_snapshot += len(entry.data)
        if self._bytes_since_snapshot >= self._snapshot_bytes:
            self._bytes_since_snapshot = 0
            index, data = entry.index, encode_image(self._image)
            asyncio.get_running_loop().call_soon(self._compact, index, data)

    def _compact(self, index: int, data: bytes) -> None:
        try:
            self.node.compact(index, data)
            log.info("metadata snapshot at raft index %d (%d bytes)", index, len(data))
        except LogError as exc:  # the index is no longer in the log: the next snapshot will do
            log.warning("metadata snapshot at %d failed: %s", index, exc)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.index <= self._applied_index:
            return
        try:
            image = decode_image(snapshot.data)
        except SnapshotFormatError as exc:
            log.error("a metadata snapshot from the leader does not decode: %s", exc)
            raise
        self._applied_index = snapshot.index
        self._advance()
        self._bytes_since_snapshot = 0
        self._image = image
        if self._on_image is not None:
            self._on_image(image)


class MetadataLogFormatError(RuntimeError):
    """The stored metadata snapshot does not decode."""
