"""confluent-kafka steps the compat tests share: create a topic, produce keyed text records."""

from __future__ import annotations

from typing import Final

import confluent_kafka
from confluent_kafka import admin

#: One admin call or one flush, on a busy 2-core machine.
OP_TIMEOUT_S: Final = 30.0


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    """Create ``topic`` (replication factor 1) and wait for the answer."""
    client = admin.AdminClient({"bootstrap.servers": bootstrap})
    client.create_topics([admin.NewTopic(topic, partitions, 1)])[topic].result(OP_TIMEOUT_S)


def produce(bootstrap: str, topic: str, values: list[str]) -> None:
    """Each value as a record keyed by itself; every one delivered before returning."""
    producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 2})
    for value in values:
        producer.produce(topic, key=value.encode(), value=value.encode())
    assert producer.flush(OP_TIMEOUT_S) == 0
