"""The asyncio producer: ``Producer``, ``RecordFuture`` and the pieces behind them."""

from client.producer.future import RecordFuture
from client.producer.producer import ConditionalAppendConflictError, Producer
from client.producer.transactions import ConsumerGroupMetadata, TransactionState

__all__ = [
    "ConditionalAppendConflictError",
    "ConsumerGroupMetadata",
    "Producer",
    "RecordFuture",
    "TransactionState",
]
