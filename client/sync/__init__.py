"""Synchronous ``Producer``, ``Consumer`` and ``Admin`` for scripts and notebooks.

Each runs the asyncio client on its own event loop in a background thread, with the same
options and methods (without ``await``)::

    from client.sync import Producer, Consumer

    with Producer(bootstrap_servers="localhost:9092") as producer:
        producer.send("events", b"hello").result(timeout=10)
"""

from client.sync.admin import Admin
from client.sync.consumer import Consumer
from client.sync.producer import Producer, SyncRecordFuture

__all__ = ["Admin", "Consumer", "Producer", "SyncRecordFuture"]
