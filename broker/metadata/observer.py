"""The metadata log of a broker that is not a voter (``process.roles=broker``).

A dedicated broker takes no part in Raft: it fetches the committed metadata log from the
active controller over the controller port (the ``fetch_metadata`` RPC, a long poll) and
applies it in log order, as a voter applies what Raft commits. Far behind — the entries it
needs were compacted into a snapshot — it gets the snapshot first. It keeps nothing on disk:
at start it catches up from the quorum before it opens its partitions, so that its image is
never older than the quorum's at the moment it started.

Changes (CreateTopics, registration, heartbeats, AlterPartition) go to the active controller
through ``QuorumRouter``, exactly as from a voter that does not lead.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from broker.metadata.image import MetadataImage
from broker.metadata.log import ImageListener, QuorumState, RecordsListener
from broker.metadata.raft_log import decode_entry, replay_onto
from broker.metadata.records import MetadataRecord
from broker.metadata.snapshot import SnapshotFormatError, decode_image
from broker.raft.log import Entry, Snapshot
from broker.raft.tcp import ControllerEndpoint, RpcError
from broker.tasks import cancel_and_wait, report_unexpected_end
from protocol.errors import NotControllerError

if TYPE_CHECKING:
    from broker.metadata.log import MetadataLog

__all__ = [
    "FETCH_MAX_BYTES",
    "FETCH_WAIT_MS",
    "ObserverMetadataLog",
    "serve_fetch",
]

#: An answer that does not have the shape this broker expects (a controller of another version,
#: or a bug): logged, and the next round asks again, from the next voter.
_MALFORMED_ANSWER: Final = (KeyError, TypeError, ValueError)

log = logging.getLogger("samsa.metadata.observer")

#: Entry data per fetch answer: far below the controller port's frame limit (base64 adds a
#: third), large enough that catching up on a busy log takes few round trips.
FETCH_MAX_BYTES: Final = 4 * 1024 * 1024
#: How long the controller holds a fetch with nothing new (a long poll): changes reach an
#: observer at once, an idle one costs two round trips a second.
FETCH_WAIT_MS: Final = 500
#: Longest wait a fetch request may ask for (the serving side's bound).
MAX_FETCH_WAIT_MS: Final = 5_000
#: On top of the long poll, how long one fetch attempt may take before the next voter is tried.
FETCH_SLACK_S: Final = 2.0
#: Pause after every voter failed once (none leads, or none is reachable yet).
RETRY_ROUND_S: Final = 0.1


async def serve_fetch(raft_log: MetadataLog, body: dict[str, Any]) -> dict[str, Any]:
    """Answer ``fetch_metadata`` on the active controller."""
    after_index = int(body["after_index"])
    max_bytes = min(int(body.get("max_bytes", FETCH_MAX_BYTES)), FETCH_MAX_BYTES)
    wait_ms = max(0, min(int(body.get("wait_ms", 0)), MAX_FETCH_WAIT_MS))
    if after_index < 0 or max_bytes <= 0:
        raise ValueError("after_index and max_bytes must not be negative")
    snapshot, entries, applied = await raft_log.read_committed(after_index, max_bytes, wait_ms)
    return {
        "leader": raft_log.node_id,
        "applied_index": applied,
        "snapshot": None
        if snapshot is None
        else {"index": snapshot.index, "data": base64.b64encode(snapshot.data).decode("ascii")},
        "entries": [[e.index, base64.b64encode(e.data).decode("ascii")] for e in entries],
    }


class ObserverMetadataLog:
    """Committed metadata, fetched from the active controller (never proposes)."""

    def __init__(self, node_id: int, voters: Sequence[int], endpoint: ControllerEndpoint) -> None:
        self._node_id = node_id
        self._voters = sorted(voters)
        self._endpoint = endpoint
        self._image = MetadataImage.empty()
        self._applied_index = 0
        self._leader: int | None = None
        self._next_voter = 0
        self._on_records: RecordsListener | None = None
        self._on_image: ImageListener | None = None
        self._task: asyncio.Task[None] | None = None

    # -- start-up -----------------------------------------------------------------------------

    async def catch_up(self, timeout_s: float) -> MetadataImage:
        """Fetch until this broker applied what the active controller had applied when it
        answered; TimeoutError when no controller answers within ``timeout_s``."""
        async with asyncio.timeout(timeout_s):
            while True:
                answer = await self._fetch_once(wait_ms=0)
                if answer is not None and self._applied_index >= int(answer["applied_index"]):
                    return self._image
                if answer is None:
                    await asyncio.sleep(RETRY_ROUND_S)

    def set_listeners(self, on_records: RecordsListener, on_image: ImageListener) -> None:
        """Where fetched batches and snapshots go (the controller)."""
        self._on_records = on_records
        self._on_image = on_image

    async def start(self) -> None:
        """Keep fetching in the background."""
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"metadata-observer-{self.node_id}"
        )
        report_unexpected_end(
            self._task,
            log,
            "broker %d stopped following the metadata log",
            self.node_id,
            level=logging.CRITICAL,
        )

    # -- MetadataLog ----------------------------------------------------------------------------

    @property
    def node_id(self) -> int:
        """This broker's id."""
        return self._node_id

    @property
    def existed(self) -> bool:
        """Always: the quorum holds the metadata, so a broker without local metadata but
        with partition logs is normal here (it learns their topics while catching up)."""
        return True

    @property
    def is_voter(self) -> bool:
        """Never: an observer follows the quorum from outside."""
        return False

    @property
    def end_offset(self) -> int:
        """The offset after the last record applied here."""
        return self._image.offset + 1

    def quorum_state(self) -> QuorumState:
        """The leader as its last answer said; the epoch is not known here."""
        return QuorumState(
            leader_id=self._leader,
            leader_epoch=-1,
            high_watermark=self._applied_index,
            voters=tuple(self._voters),
            is_voter=False,
        )

    @property
    def is_active(self) -> bool:
        """Never: an observer is not a voter."""
        return False

    @property
    def leader_id(self) -> int | None:
        """The active controller, as its last answer said (None after a failed fetch)."""
        return self._leader

    def ready_to_propose(self) -> bool:
        """Never."""
        return False

    def caught_up(self) -> bool:
        """Always: ``catch_up`` fetched what the quorum had committed before the start."""
        return True

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        """Observers do not propose: changes are routed to the active controller."""
        raise NotControllerError(f"broker {self.node_id} is not a controller")

    async def read_committed(
        self, after_index: int, max_bytes: int, wait_ms: int
    ) -> tuple[Snapshot | None, list[Entry], int]:
        """Observers serve nobody: only voters answer ``fetch_metadata``."""
        raise NotControllerError(f"broker {self.node_id} is not a controller")

    def snapshot(self) -> bool:
        """Nothing to snapshot: an observer keeps no log."""
        return False

    async def close_async(self) -> None:
        """Stop fetching."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    # -- fetching -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            try:
                answer = await self._fetch_once(wait_ms=FETCH_WAIT_MS)
            except _MALFORMED_ANSWER as exc:
                log.error("a metadata answer from the controller is malformed: %r", exc)
                self._leader = None
                answer = None
            if answer is None:
                await asyncio.sleep(RETRY_ROUND_S / len(self._voters))

    def _target(self) -> int:
        if self._leader is not None:
            return self._leader
        voter = self._voters[self._next_voter % len(self._voters)]
        self._next_voter += 1
        return voter

    async def _fetch_once(self, wait_ms: int) -> dict[str, Any] | None:
        """One fetch from the leader (or the next voter while none is known); applies what
        comes back. None when that voter did not answer as the active controller."""
        voter = self._target()
        body = {
            "after_index": self._applied_index,
            "max_bytes": FETCH_MAX_BYTES,
            "wait_ms": wait_ms,
        }
        try:
            answer = await self._endpoint.call(
                voter, "fetch_metadata", body, wait_ms / 1000 + FETCH_SLACK_S
            )
        except (RpcError, TimeoutError, OSError) as exc:
            if self._leader is not None:
                log.info("metadata fetch from controller %d failed: %s", voter, exc)
            self._leader = None
            return None
        self._leader = int(answer["leader"])
        self._apply(answer)
        return answer

    def _apply(self, answer: dict[str, Any]) -> None:
        snapshot = answer.get("snapshot")
        if snapshot is not None and int(snapshot["index"]) > self._applied_index:
            try:
                image = decode_image(base64.b64decode(snapshot["data"]))
            except (SnapshotFormatError, ValueError) as exc:
                log.error("a metadata snapshot from the controller does not decode: %s", exc)
                return
            self._applied_index = int(snapshot["index"])
            self._image = image
            log.info("metadata snapshot at raft index %d from the controller", self._applied_index)
            if self._on_image is not None:
                self._on_image(image)
        for index, data in answer["entries"]:
            if int(index) != self._applied_index + 1:
                continue  # a repeat (or a gap: the next fetch asks again from here)
            self._applied_index = int(index)
            payload = base64.b64decode(data)
            if not payload:
                continue  # a leader's election no-op
            records = decode_entry(payload)
            if records is None:
                continue
            if self._on_records is not None:
                self._image = self._on_records(records)
            else:
                self._image = replay_onto(self._image, records) or self._image
