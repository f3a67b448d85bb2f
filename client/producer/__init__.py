"""The asyncio producer: ``Producer``, ``RecordFuture`` and the pieces behind them."""

from client.producer.future import RecordFuture
from client.producer.producer import Producer

__all__ = ["Producer", "RecordFuture"]
