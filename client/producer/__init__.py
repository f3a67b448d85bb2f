"""The asyncio producer: ``Producer``, ``RecordFuture`` and the pieces behind them."""

from client.producer.future import RecordFuture
from client.producer.producer import ConditionalAppendConflictError, Producer

__all__ = ["ConditionalAppendConflictError", "Producer", "RecordFuture"]
