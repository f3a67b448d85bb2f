"""The metadata log: where committed metadata records live, and what the broker asks of it.

``MetadataLog`` is the one interface the broker (``app.py``) and the controller use, whatever
node they run on. Two implementations:

* ``RaftMetadataLog`` (``raft_log.py``) on every voter of the metadata quorum. A single node is
  a quorum of one: the same log, with itself as the only voter (it elects itself at once and
  talks to nobody).
* ``ObserverMetadataLog`` (``observer.py``) on a broker outside the quorum
  (``process.roles=broker``): it fetches what the voters committed.

Committed batches reach the controller through the listeners in log order; ``append`` returns
once the batch is committed and applied here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from broker.metadata.image import MetadataImage
from broker.metadata.records import MetadataRecord
from broker.raft.log import Entry, Snapshot

__all__ = [
    "ImageListener",
    "MetadataLog",
    "MetadataLogError",
    "QuorumState",
    "RecordsListener",
]

#: ``on_records(records)`` applies one committed batch and returns the image after it;
#: ``on_image(image)`` installs a snapshot.
RecordsListener = Callable[[list[MetadataRecord]], MetadataImage]
ImageListener = Callable[[MetadataImage], None]


class MetadataLogError(RuntimeError):
    """The metadata log cannot be read or written."""


@dataclass(frozen=True, slots=True)
class QuorumState:
    """The metadata quorum as this node sees it (Kafka's DescribeQuorum): the leader and its
    epoch (-1 when unknown), the high watermark (the Raft commit index as far as this node
    knows it), the voters, and whether this node is one of them."""

    leader_id: int | None
    leader_epoch: int
    high_watermark: int
    voters: tuple[int, ...]
    is_voter: bool


class MetadataLog(Protocol):
    """Committed metadata records, in order (see the module docstring)."""

    @property
    def node_id(self) -> int:
        """This node's id."""
        ...

    @property
    def existed(self) -> bool:
        """Whether the log held metadata when it was opened (a voter with an empty log and
        partition logs on disk must not start: it would delete them)."""
        ...

    @property
    def is_voter(self) -> bool:
        """Whether this node is a voter of the metadata quorum (it may become the active
        controller and serves the committed log to observers)."""
        ...

    @property
    def is_active(self) -> bool:
        """Whether this node is the active controller (the quorum's leader)."""
        ...

    @property
    def leader_id(self) -> int | None:
        """The active controller this node knows of (where changes are forwarded)."""
        ...

    @property
    def end_offset(self) -> int:
        """The offset the next record gets (as far as this node applied)."""
        ...

    def quorum_state(self) -> QuorumState:
        """The quorum's state, for DescribeQuorum."""
        ...

    async def catch_up(self, timeout_s: float) -> MetadataImage:
        """The image to start from: a voter's is on its disk; an observer first fetches what
        the quorum committed. TimeoutError when that takes longer than ``timeout_s``."""
        ...

    def set_listeners(self, on_records: RecordsListener, on_image: ImageListener) -> None:
        """Where committed batches and installed snapshots go (the controller)."""
        ...

    async def start(self) -> None:
        """Follow (or lead) the quorum from now on; a quorum of one is led once this returns."""
        ...

    def ready_to_propose(self) -> bool:
        """Whether this node leads and has applied everything committed before its term."""
        ...

    def caught_up(self) -> bool:
        """Whether this node has applied what the quorum committed before it (re)started: a
        restarted voter's image misses what was committed while it was away until then."""
        ...

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        """Commit ``records`` as one batch; returns once committed and applied here.
        NotControllerError when this node is not the active controller."""
        ...

    async def read_committed(
        self, after_index: int, max_bytes: int, wait_ms: int
    ) -> tuple[Snapshot | None, list[Entry], int]:
        """What an observer that applied up to ``after_index`` needs next (on a voter)."""
        ...

    def snapshot(self) -> bool:
        """Snapshot the applied image now and drop the log before it; False when there is
        nothing to snapshot (or this node keeps no log)."""
        ...

    async def close_async(self) -> None:
        """Stop following the quorum and release the log."""
        ...
