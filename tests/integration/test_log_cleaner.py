"""The broker compacts ``cleanup.policy=compact`` topics in the background."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from support.damaged_batches import bad_gzip_batch
from support.kafka_ops import create_topic, fetch, produce
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker import Broker
from client import Admin, Consumer, NewTopic, Producer, TopicPartition
from protocol.records import RecordBatch, iter_batches

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


# -- unreadable data ---------------------------------------------------------------------------

CLEANER_LOGGER = "samsa.storage.cleaner"
COMPACTED = {
    "cleanup.policy": "compact",
    "segment.bytes": "1024",
    "min.cleanable.dirty.ratio": "0.01",
}


async def _produce_keyed(client: WireClient, topic: str, prefix: bytes, count: int) -> None:
    for i in range(count):
        result = await produce(
            client, topic, 0, make_batch([prefix + b"%d" % i], keys=[b"k%d" % (i % KEYS)])
        )
        assert result.error_code == 0


async def _read_batches(client: WireClient, topic: str) -> list[RecordBatch]:
    """Every batch of partition 0 up to the high watermark."""
    out: list[RecordBatch] = []
    offset = 0
    while True:
        data = await fetch(client, topic, 0, offset)
        batches = list(iter_batches(data.records or b""))
        if not batches:
            return out
        out += batches
        offset = batches[-1].next_offset
        if offset >= data.high_watermark:
            return out


def _unreadable_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == CLEANER_LOGGER and "cannot be read" in r.getMessage()
    ]


async def test_an_unreadable_batch_is_kept_reported_once_and_compaction_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=CLEANER_LOGGER)
    async with Broker.embedded(tmp_path, log_cleaner_backoff_ms=100) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "poisoned", configs=COMPACTED)
        await _produce_keyed(client, "poisoned", b"old", 30)
        # Below produce's validation, as an older broker could have stored it.
        assert broker.replica_manager is not None and broker.log_cleaner is not None
        partition = broker.replica_manager.get_partition("poisoned", 0)
        poison = partition.log.append_as_leader(
            bad_gzip_batch(), leader_epoch=partition.leader_epoch, now_ms=broker.clock_ms()
        ).first_offset
        await _produce_keyed(client, "poisoned", b"new", 60)
        cleaner = broker.log_cleaner

        async def old_values_gone() -> bool:
            batches = await _read_batches(client, "poisoned")
            values = [r.value for b in batches if b.base_offset != poison for r in b.records()]
            return not [v for v in values if v is not None and v.startswith(b"old")]

        await eventually(old_values_gone, 30, "the cleaner removed the superseded records")
        [kept] = [b for b in await _read_batches(client, "poisoned") if b.base_offset == poison]
        poison_bytes = bytes(kept.buffer)
        assert cleaner.unreadable_batches == 1
        # Another pass over new data: still one report.
        passes = cleaner.passes
        await _produce_keyed(client, "poisoned", b"newer", 30)
        await eventually(lambda: cleaner.passes > passes, 30, "another cleaner pass")
        assert len(_unreadable_warnings(caplog)) == 1
        await client.close()

    async with Broker.embedded(tmp_path, log_cleaner_backoff_ms=100) as broker:
        assert broker.log_cleaner is not None
        cleaner = broker.log_cleaner
        client = await WireClient.connect(broker.bootstrap_servers)
        await _produce_keyed(client, "poisoned", b"latest", 30)
        await eventually(lambda: cleaner.passes > 0, 30, "a cleaner pass after the restart")
        assert cleaner.unreadable_batches == 1
        [kept] = [b for b in await _read_batches(client, "poisoned") if b.base_offset == poison]
        assert bytes(kept.buffer) == poison_bytes
        assert len(_unreadable_warnings(caplog)) == 1
        assert not [r for r in caplog.records if r.exc_info and "compact" in r.getMessage()]
        await client.close()
