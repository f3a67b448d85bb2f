"""END-TO-END transactions: Samsa's transactional producer and read_committed consumer against
an embedded Samsa broker with its transaction coordinator (issue 17).

Every test here needs the broker side of transactions (InitProducerId with a transactional
id, AddPartitionsToTxn, EndTxn and the markers, TxnOffsetCommit, the last stable offset).
The client's behaviour against a scripted broker is in ``test_client_transactions_fake.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import pytest
from support.waiting import eventually

from broker import Broker
from client import Admin, Consumer, Producer, TopicPartition
from client.errors import ProducerFencedError
from client.producer.transactions import TransactionState
from client.sync import Producer as SyncProducer

#: The broker of every test: one node (the transaction state topic's replication is capped at
#: the live brokers), 3 partitions per topic, groups formed at once.
pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.samsa_config(num_partitions=3, group_initial_rebalance_delay_ms=0),
]

TOPIC = "ledger"
TP0 = TopicPartition(TOPIC, 0)
TP1 = TopicPartition(TOPIC, 1)


def _producer(bootstrap: str, transactional_id: str = "tx-e2e", **options: Any) -> Producer:
    return Producer(
        bootstrap_servers=bootstrap, transactional_id=transactional_id, linger_ms=0, **options
    )


async def _read_all(
    bootstrap: str, partitions: Iterable[TopicPartition], isolation_level: str, count: int
) -> list[bytes]:
    """Values of ``partitions`` from the start, until ``count`` records came."""
    consumer = Consumer(
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        isolation_level=isolation_level,
    )
    await consumer.start()
    try:
        consumer.assign(list(partitions))
        values: list[bytes] = []

        async def enough() -> bool:
            for records in (await consumer.getmany(timeout_ms=100)).values():
                values.extend(r.value for r in records)
            return len(values) >= count

        await eventually(enough, 20, f"{count} records ({isolation_level})")
        # Nothing more than expected arrives.
        for records in (await consumer.getmany(timeout_ms=300)).values():
            values.extend(r.value for r in records)
        return values
    finally:
        await consumer.close()


async def test_committed_records_are_read_and_aborted_ones_are_not(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    async with _producer(bootstrap) as producer:
        producer.begin_transaction()
        await producer.send(TOPIC, b"c1", partition=0)
        await producer.send(TOPIC, b"c2", partition=1)
        await producer.commit_transaction()
        producer.begin_transaction()
        await (await producer.send(TOPIC, b"a1", partition=0))
        await (await producer.send(TOPIC, b"a2", partition=1))
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(TOPIC, b"c3", partition=0)
    committed = await _read_all(bootstrap, [TP0, TP1], "read_committed", 3)
    assert sorted(committed) == [b"c1", b"c2", b"c3"]
    everything = await _read_all(bootstrap, [TP0, TP1], "read_uncommitted", 5)
    assert sorted(everything) == [b"a1", b"a2", b"c1", b"c2", b"c3"]  # no markers


async def test_read_committed_waits_for_the_commit(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    consumer = Consumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", isolation_level="read_committed"
    )
    await consumer.start()
    try:
        consumer.assign([TP0])
        async with _producer(bootstrap) as producer:
            producer.begin_transaction()
            await (await producer.send(TOPIC, b"pending", partition=0))
            assert await consumer.getmany(timeout_ms=500) == {}  # held back by the LSO
            await producer.commit_transaction()

            async def arrived() -> list[Any]:
                return (await consumer.getmany(timeout_ms=100)).get(TP0, [])

            records = await eventually(arrived, 20, "the committed record")
            assert [r.value for r in records] == [b"pending"]
    finally:
        await consumer.close()


async def test_a_new_producer_fences_the_old_one_and_aborts_its_transaction(
    broker: Broker,
) -> None:
    bootstrap = broker.bootstrap_servers
    zombie = _producer(bootstrap, "tx-fence")
    await zombie.start()
    try:
        zombie.begin_transaction()
        await (await zombie.send(TOPIC, b"zombie", partition=0))
        async with _producer(bootstrap, "tx-fence") as successor:
            with pytest.raises(ProducerFencedError):
                await zombie.commit_transaction()
            assert zombie.transaction_state is TransactionState.FATAL_ERROR
            async with successor.transaction():
                await successor.send(TOPIC, b"successor", partition=0)
    finally:
        await zombie.close()
    assert await _read_all(bootstrap, [TP0], "read_committed", 1) == [b"successor"]


async def test_consume_transform_produce_commits_offsets_with_the_records(
    broker: Broker, admin: Admin
) -> None:
    bootstrap = broker.bootstrap_servers
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0) as plain:
        for i in range(4):
            await plain.send_and_wait("source", b"%d" % i, partition=0)
    source = TopicPartition("source", 0)
    consumer = Consumer(
        "source",
        bootstrap_servers=bootstrap,
        group_id="transformers",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        await consumer.wait_for_assignment(20_000)
        records: list[Any] = []

        async def fetched() -> bool:
            records.extend((await consumer.getmany(timeout_ms=100)).get(source, []))
            return len(records) >= 4

        await eventually(fetched, 20, "the source records")
        async with _producer(bootstrap, "tx-ctp") as producer:
            async with producer.transaction():
                for r in records[:2]:
                    await producer.send(TOPIC, r.value * 2, partition=2)
                await producer.send_offsets_to_transaction(
                    {source: records[1].offset + 1}, consumer
                )

            async def committed_offset() -> int | None:
                committed = await admin.list_group_offsets("transformers", [source])
                return committed[source].offset if source in committed else None

            # The markers (and with them the offsets) are written after EndTxn is answered.
            await eventually(
                lambda: _equals(committed_offset, 2), 20, "the transaction's offsets committed"
            )
            producer.begin_transaction()
            await producer.send(TOPIC, b"dropped", partition=2)
            await producer.send_offsets_to_transaction({source: 4}, "transformers")
            await producer.abort_transaction()
            async with producer.transaction():  # a later transaction sees the abort done
                await producer.send(TOPIC, b"22", partition=2)
            assert await committed_offset() == 2  # the aborted offsets never count
    finally:
        await consumer.close()
    out = await _read_all(bootstrap, [TopicPartition(TOPIC, 2)], "read_committed", 3)
    assert out == [b"00", b"11", b"22"]


async def _equals(value: Callable[[], Awaitable[object]], expected: object) -> bool:
    return await value() == expected


async def test_closing_aborts_an_open_transaction(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    producer = _producer(bootstrap, "tx-close")
    await producer.start()
    producer.begin_transaction()
    await (await producer.send(TOPIC, b"left open", partition=1))
    await producer.close()
    async with _producer(bootstrap, "tx-close") as again, again.transaction():
        await again.send(TOPIC, b"after", partition=1)
    # The LSO moved past the aborted transaction at once (no transaction timeout wait).
    assert await _read_all(bootstrap, [TP1], "read_committed", 1) == [b"after"]


async def test_the_sync_producer_commits_and_aborts(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers

    def run() -> None:
        with SyncProducer(
            bootstrap_servers=bootstrap, transactional_id="tx-sync", linger_ms=0
        ) as producer:
            with producer.transaction():
                producer.send(TOPIC, b"sync-commit", partition=0)
            producer.begin_transaction()
            producer.send(TOPIC, b"sync-abort", partition=0).result(timeout=10)
            producer.abort_transaction()

    await asyncio.to_thread(run)
    assert await _read_all(bootstrap, [TP0], "read_committed", 1) == [b"sync-commit"]
