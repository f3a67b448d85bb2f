"""The idempotent producer's identity: producer id and epoch, and when to get new ones.

With ``enable.idempotence`` every batch carries the producer id, its epoch and a per-partition
sequence number, so that the broker writes a retried batch once and refuses a batch whose
predecessor is missing. The client gets its id with InitProducerId before the first batch.
When sequences can no longer line up with the broker's (a sent batch failed for good or
expired, the broker lost the producer's state), the sender stops, lets what is in flight
finish, takes a new producer id and restarts every partition at sequence 0 — the batches not
yet written keep their order.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from client.cluster import Cluster
from client.errors import KafkaError, error_from_code
from protocol.errors import ErrorCode
from protocol.messages import InitProducerIdRequest

__all__ = [
    "LEADER_ERRORS",
    "PRODUCER_ID_RESET_ERRORS",
    "ProducerIdentity",
    "init_producer_id",
]

log = logging.getLogger("samsa.client.producer")

#: Errors that mean the partition's leader is elsewhere (or unknown): refresh metadata.
LEADER_ERRORS: Final = frozenset(
    {
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.FENCED_LEADER_EPOCH,
        ErrorCode.UNKNOWN_LEADER_EPOCH,
        ErrorCode.KAFKA_STORAGE_ERROR,
        ErrorCode.NETWORK_EXCEPTION,
    }
)

#: Errors after which the producer needs a new id (and sequences restart).
PRODUCER_ID_RESET_ERRORS: Final = frozenset(
    {
        ErrorCode.UNKNOWN_PRODUCER_ID,
        ErrorCode.INVALID_PRODUCER_EPOCH,
        ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    }
)

#: The transaction timeout sent with InitProducerId; unused without a transactional id, but the
#: field is required (Kafka's default ``transaction.timeout.ms``).
_TRANSACTION_TIMEOUT_MS: Final = 60_000


class ProducerIdentity:
    """Producer id and epoch (-1 until known) and whether a new id is needed."""

    __slots__ = ("epoch", "producer_id", "reset_needed")

    def __init__(self) -> None:
        self.producer_id = -1
        self.epoch = -1
        self.reset_needed = False

    @property
    def known(self) -> bool:
        """True when batches can be stamped."""
        return self.producer_id >= 0 and not self.reset_needed

    def __repr__(self) -> str:
        return f"ProducerIdentity(id={self.producer_id}, epoch={self.epoch})"


async def init_producer_id(
    cluster: Cluster, *, backoff_s: float, backoff_max_s: float, deadline: float
) -> tuple[int, int]:
    """Ask any broker for a producer id: ``(producer_id, epoch)``.

    Retriable errors are retried with exponential backoff until ``deadline`` (loop time);
    other errors are raised.
    """
    loop = asyncio.get_running_loop()
    attempt = 0
    while True:
        try:
            _, response = await cluster.request_any(
                InitProducerIdRequest(
                    transactional_id=None, transaction_timeout_ms=_TRANSACTION_TIMEOUT_MS
                )
            )
            if response.error_code == 0:
                log.debug("producer id %d epoch %d", response.producer_id, response.producer_epoch)
                return int(response.producer_id), int(response.producer_epoch)
            error: KafkaError = error_from_code(response.error_code, "InitProducerId")
        except KafkaError as exc:
            error = exc
        if not error.retriable or loop.time() >= deadline:
            raise error
        attempt += 1
        await asyncio.sleep(min(backoff_max_s, backoff_s * 2 ** min(attempt, 16)))
