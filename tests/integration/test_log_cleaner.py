"""The broker compacts ``cleanup.policy=compact`` topics in the background."""

from __future__ import annotations

import asyncio

from support.client_helpers import eventually

from broker import Broker
from client import Admin, Consumer, NewTopic, Producer, TopicPartition

KEYS = 5
ROUNDS = 40


async def _read_up_to(
    bootstrap: str, topic: str, last_offset: int
) -> dict[int, tuple[bytes, bytes]]:
    """Offset → (key, value) for every record of partition 0 up to ``last_offset``."""
    out: dict[int, tuple[bytes, bytes]] = {}
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as consumer:
        consumer.assign([TopicPartition(topic, 0)])
        async with asyncio.timeout(30):
            while last_offset not in out:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    out.update({r.offset: (r.key, r.value) for r in records})
    return out


async def test_a_compacted_topic_keeps_the_newest_record_per_key() -> None:
    async with Broker.embedded(log_cleaner_backoff_ms=100) as broker:
        bootstrap = broker.bootstrap_servers
        configs = {
            "cleanup.policy": "compact",
            "segment.bytes": "1024",  # a segment every dozen records: many closed segments
            "min.cleanable.dirty.ratio": "0.01",
        }
        async with Admin(bootstrap_servers=bootstrap) as admin:
            await admin.create_topics([NewTopic("latest", 1, configs=configs)])
        async with Producer(bootstrap_servers=bootstrap) as producer:
            for i in range(ROUNDS * KEYS):
                metadata = await producer.send_and_wait(
                    "latest", b"v%d" % i, key=b"k%d" % (i % KEYS), partition=0
                )
        last = metadata.offset
        before = await _read_up_to(bootstrap, "latest", last)
        assert len(before) <= ROUNDS * KEYS

        async def compacted() -> bool:
            return len(await _read_up_to(bootstrap, "latest", last)) < ROUNDS * KEYS // 2

        await eventually(compacted, 30, "the cleaner removed superseded records")
        after = await _read_up_to(bootstrap, "latest", last)
        newest: dict[bytes, bytes] = {}
        for offset in sorted(after):
            key, value = after[offset]
            newest[key] = value
        expected = {b"k%d" % k: b"v%d" % (ROUNDS * KEYS - KEYS + k) for k in range(KEYS)}
        assert newest == expected
        # Offsets are kept: every surviving record sits where it was written.
        assert all(after[o] == (b"k%d" % (o % KEYS), b"v%d" % o) for o in after)
        assert broker.log_cleaner is not None and broker.log_cleaner.passes > 0


async def test_the_cleaner_can_be_turned_off() -> None:
    async with Broker.embedded(log_cleaner_enable=False) as broker:
        assert broker.log_cleaner is None
