"""aiokafka 0.14's transactional producer against Samsa: commits and aborts seen by
read_committed and read_uncommitted consumers, and send_offsets_to_transaction in a
consume-transform-produce loop (the group's offset moves with a commit, not with an abort).

aiokafka speaks version 0 of InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and
TxnOffsetCommit, FindCoordinator v1 (key_type 1), and Fetch up to v11 with its isolation level.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from support.waiting import eventually

from broker import Broker

aiokafka = pytest.importorskip("aiokafka")
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402
from aiokafka.structs import TopicPartition  # noqa: E402

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0}),
]

TIMEOUT_S = 30.0
#: After the expected records, how long a reader waits to be sure nothing more arrives.
QUIET_MS = 500


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


async def create_topic(bootstrap: str, topic: str) -> None:
    client = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await client.start()
    try:
        await client.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await client.close()


async def read_all(bootstrap: str, topic: str, isolation: str, expected: int) -> list[bytes]:
    """``expected`` values of ``topic`` from the start, then nothing more for QUIET_MS."""
    consumer = aiokafka.AIOKafkaConsumer(
        bootstrap_servers=bootstrap, isolation_level=isolation, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        got: list[bytes] = []

        async def fill() -> None:
            while len(got) < expected:
                batches = await consumer.getmany(timeout_ms=100)
                got.extend(r.value for records in batches.values() for r in records)

        await asyncio.wait_for(fill(), TIMEOUT_S)
        extra = await consumer.getmany(timeout_ms=QUIET_MS)
        assert not extra, extra
        return got
    finally:
        await consumer.stop()


async def txn_producer(bootstrap: str, transactional_id: str) -> Any:
    producer = aiokafka.AIOKafkaProducer(
        bootstrap_servers=bootstrap, transactional_id=transactional_id, enable_idempotence=True
    )
    await asyncio.wait_for(producer.start(), TIMEOUT_S)  # InitProducerId
    return producer


def test_commits_are_seen_read_committed_and_aborts_only_read_uncommitted(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers

    async def main() -> None:
        await create_topic(bootstrap, "aio-txn")
        producer = await txn_producer(bootstrap, "aio-txn")
        committed: list[bytes] = []
        everything: list[bytes] = []
        try:
            for t in range(4):
                values = [b"t%d-%d" % (t, i) for i in range(5)]
                await producer.begin_transaction()
                for value in values:
                    await producer.send("aio-txn", value)
                await producer.flush()
                everything += values
                if t % 2 == 0:
                    await producer.commit_transaction()
                    committed += values
                else:
                    await producer.abort_transaction()
        finally:
            await producer.stop()
        assert await read_all(bootstrap, "aio-txn", "read_committed", len(committed)) == committed
        got = await read_all(bootstrap, "aio-txn", "read_uncommitted", len(everything))
        assert got == everything

    asyncio.run(main())


def test_send_offsets_to_transaction_commits_input_offsets_atomically(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    group = "aio-ctp"
    source = TopicPartition("aio-ctp-in", 0)

    async def main() -> None:
        await create_topic(bootstrap, "aio-ctp-in")
        await create_topic(bootstrap, "aio-ctp-out")
        plain = aiokafka.AIOKafkaProducer(bootstrap_servers=bootstrap)
        await plain.start()
        try:
            for i in range(20):
                await plain.send("aio-ctp-in", b"in-%d" % i)
            await plain.flush()
        finally:
            await plain.stop()
        consumer = aiokafka.AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            isolation_level="read_committed",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        producer = await txn_producer(bootstrap, "aio-ctp")
        try:
            consumer.assign([source])

            async def take(count: int) -> list[Any]:
                got: list[Any] = []
                while len(got) < count:
                    batches = await consumer.getmany(source, timeout_ms=100, max_records=count)
                    got.extend(batches.get(source, []))
                return got

            async def transform(records: list[Any], commit: bool) -> None:
                await producer.begin_transaction()
                for r in records:
                    await producer.send("aio-ctp-out", r.value.upper())
                await producer.flush()  # in the log before the end, aborted or not
                await producer.send_offsets_to_transaction({source: records[-1].offset + 1}, group)
                if commit:
                    await producer.commit_transaction()
                else:
                    await producer.abort_transaction()

            async def committed_is(offset: int) -> None:
                # A transaction's offsets become visible with its marker, after EndTxn.
                async def at() -> bool:
                    return bool(await consumer.committed(source) == offset)

                await eventually(at, TIMEOUT_S, f"the group at offset {offset}")

            await transform(await asyncio.wait_for(take(8), TIMEOUT_S), commit=True)
            await committed_is(8)
            await transform(await asyncio.wait_for(take(8), TIMEOUT_S), commit=False)
            # The next transaction starts once the abort is complete (its markers written):
            # then the group's offset must still be 8, the aborted offsets dropped.
            consumer.seek(source, 8)
            batch = await asyncio.wait_for(take(12), TIMEOUT_S)
            await producer.begin_transaction()
            await (await producer.send("aio-ctp-out", batch[0].value.upper()))
            assert await consumer.committed(source) == 8
            await producer.abort_transaction()
            await transform(batch, commit=True)
            await committed_is(20)
        finally:
            await producer.stop()
            await consumer.stop()
        out = await read_all(bootstrap, "aio-ctp-out", "read_committed", 20)
        assert out == [b"IN-%d" % i for i in range(20)]

    asyncio.run(main())
