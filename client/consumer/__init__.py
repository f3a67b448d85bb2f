"""The asyncio consumer: ``Consumer``, ``ConsumerRecord``, rebalance listeners, assignors."""

from client.consumer.assignors import (
    CooperativeStickyAssignor,
    RangeAssignor,
    RoundRobinAssignor,
)
from client.consumer.consumer import Consumer
from client.consumer.listener import ConsumerRebalanceListener
from client.consumer.records import ConsumerRecord

__all__ = [
    "Consumer",
    "ConsumerRebalanceListener",
    "ConsumerRecord",
    "CooperativeStickyAssignor",
    "RangeAssignor",
    "RoundRobinAssignor",
]
