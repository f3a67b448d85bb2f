"""Producer ids: blocks committed to the metadata log, handed out one by one.

The active controller commits a ``ProducerIdsRecord`` per block (``plan_producer_id_block``,
pure); the image's ``next_producer_id`` is the end of the newest block, so ids never repeat, a
restart skipping the rest of its block. Each broker hands out ids from its current block
(``ProducerIdBlock``) and asks for a new block once it is used up.
"""

from __future__ import annotations

from typing import Final

from broker.metadata.image import MetadataApplyError, MetadataImage
from broker.metadata.records import ProducerIdsRecord

__all__ = ["PRODUCER_ID_BLOCK_SIZE", "ProducerIdBlock", "plan_producer_id_block"]

#: Producer ids handed out per ProducerIdsRecord (Kafka's block size): one metadata write per
#: thousand InitProducerId calls; a restart skips the rest of the block, never reuses an id.
PRODUCER_ID_BLOCK_SIZE: Final = 1000
_MAX_PRODUCER_ID: Final = (1 << 63) - 1


def plan_producer_id_block(
    image: MetadataImage, broker_id: int
) -> tuple[int, int, ProducerIdsRecord]:
    """The next block ``[start, end)`` for ``broker_id`` and the record committing it;
    MetadataApplyError once producer ids are exhausted."""
    start = image.next_producer_id
    end = start + PRODUCER_ID_BLOCK_SIZE
    if end > _MAX_PRODUCER_ID:
        raise MetadataApplyError("producer ids are exhausted")
    return start, end, ProducerIdsRecord(broker_id, end)


class ProducerIdBlock:
    """This broker's current block of producer ids (empty until the first one is assigned)."""

    __slots__ = ("_end", "_next")

    def __init__(self) -> None:
        self._next = 0
        self._end = 0

    @property
    def used_up(self) -> bool:
        """Whether a new block must be assigned before the next id."""
        return self._next >= self._end

    def assign(self, start: int, end: int) -> None:
        """Hand out ``[start, end)`` from now on."""
        self._next, self._end = start, end

    def take(self) -> int | None:
        """The next id of the block, or None when it is used up."""
        if self._next >= self._end:
            return None
        pid = self._next
        self._next += 1
        return pid
