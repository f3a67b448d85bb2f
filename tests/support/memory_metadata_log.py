"""An in-memory ``MetadataLog`` of a quorum of one, for controller tests."""

from __future__ import annotations

from collections.abc import Sequence

from broker.metadata.image import MetadataImage
from broker.metadata.log import ImageListener, QuorumState, RecordsListener
from broker.metadata.records import MetadataRecord
from broker.raft.log import Entry, Snapshot

__all__ = ["MemoryLog"]


class MemoryLog:
    """An in-memory MetadataLog of a quorum of one (node 1): appends apply at once."""

    node_id = 1
    existed = False
    is_voter = True
    is_active = True
    leader_id = 1

    def __init__(self) -> None:
        self.batches: list[tuple[int, list[MetadataRecord]]] = []
        self._end = 0
        self._on_records: RecordsListener | None = None

    @property
    def end_offset(self) -> int:
        return self._end

    def quorum_state(self) -> QuorumState:
        return QuorumState(1, 1, len(self.batches), (1,), True)

    async def catch_up(self, timeout_s: float) -> MetadataImage:
        return MetadataImage.empty()

    def set_listeners(self, on_records: RecordsListener, on_image: ImageListener) -> None:
        self._on_records = on_records

    async def start(self) -> None:
        pass

    def ready_to_propose(self) -> bool:
        return True

    def caught_up(self) -> bool:
        return True

    async def append(self, records: Sequence[MetadataRecord]) -> int:
        base = self._end
        self.batches.append((base, list(records)))
        self._end += len(records)
        assert self._on_records is not None
        self._on_records(list(records))
        return base

    async def read_committed(
        self, after_index: int, max_bytes: int, wait_ms: int
    ) -> tuple[Snapshot | None, list[Entry], int]:
        return None, [], 0

    def snapshot(self) -> bool:
        return False

    async def close_async(self) -> None:
        pass
