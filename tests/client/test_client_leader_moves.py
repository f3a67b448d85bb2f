"""Leader moves, fenced epochs and lost producer state, on a scripted two-broker cluster."""

from __future__ import annotations

import asyncio

from support.fake_cluster import FakeCluster
from support.waiting import eventually

from client import Consumer, Producer, TopicPartition
from protocol.errors import ErrorCode

PRODUCE, FETCH, METADATA, INIT_PRODUCER_ID = 0, 1, 3, 22


def _fast(**options: object) -> dict[str, object]:
    return {
        "retry_backoff_ms": 10,
        "retry_backoff_max_ms": 50,
        "reconnect_backoff_ms": 10,
        **options,
    }


async def test_producer_follows_a_leader_that_moves() -> None:
    async with FakeCluster(2, {"t": 1}) as cluster:
        async with Producer(bootstrap_servers=cluster.bootstrap, linger_ms=0, **_fast()) as p:
            first = [await p.send("t", b"%d" % i) for i in range(50)]
            await asyncio.gather(*first)
            cluster.move_leader("t", 0, 2)
            second = [await p.send("t", b"%d" % i) for i in range(50, 100)]
            await asyncio.gather(*second)
        assert [int(r.value) for r in cluster.records("t", 0)] == list(range(100))
        assert cluster.count(PRODUCE, node=2) > 0
        assert cluster.count(METADATA) >= 2  # NOT_LEADER_OR_FOLLOWER refreshed metadata


async def test_consumer_follows_a_leader_that_moves() -> None:
    async with (
        FakeCluster(2, {"t": 1}) as cluster,
        Producer(bootstrap_servers=cluster.bootstrap, **_fast()) as producer,
    ):
        for i in range(20):
            await producer.send("t", b"%d" % i)
        await producer.flush()
        async with Consumer(
            bootstrap_servers=cluster.bootstrap,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            **_fast(),
        ) as consumer:
            consumer.assign([TopicPartition("t", 0)])
            got: list[int] = []

            async def take(n: int) -> bool:
                for records in (await consumer.getmany(timeout_ms=50)).values():
                    got.extend(int(r.value) for r in records)
                return len(got) >= n

            await eventually(lambda: take(20), 10, "20 records from the first leader")
            cluster.move_leader("t", 0, 2)
            for i in range(20, 40):
                await producer.send("t", b"%d" % i)
            await producer.flush()
            await eventually(lambda: take(40), 10, "20 more from the new leader")
            assert got == list(range(40))
            assert cluster.count(FETCH, node=2) > 0


async def test_fenced_leader_epoch_refreshes_metadata() -> None:
    async with FakeCluster(1, {"t": 1}) as cluster:
        async with Producer(bootstrap_servers=cluster.bootstrap, **_fast()) as producer:
            await producer.send_and_wait("t", b"0")
        async with Consumer(
            bootstrap_servers=cluster.bootstrap,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            **_fast(),
        ) as consumer:
            consumer.assign([TopicPartition("t", 0)])
            assert (await consumer.getone(timeout_ms=5000)).value == b"0"
            before = cluster.count(METADATA)
            cluster.move_leader("t", 0, 1)  # same leader, newer epoch: our epoch is fenced
            async with Producer(bootstrap_servers=cluster.bootstrap, **_fast()) as producer:
                await producer.send_and_wait("t", b"1")
            record = await consumer.getone(timeout_ms=5000)
            assert record is not None and record.value == b"1"
            assert cluster.count(METADATA) > before


async def test_lost_producer_state_takes_a_new_producer_id() -> None:
    async with FakeCluster(1, {"t": 1}) as cluster:
        async with Producer(bootstrap_servers=cluster.bootstrap, linger_ms=0, **_fast()) as p:
            await p.send_and_wait("t", b"a")
            await p.send_and_wait("t", b"b")
            cluster.inject[(PRODUCE, 1)].append(ErrorCode.UNKNOWN_PRODUCER_ID)
            md = await p.send_and_wait("t", b"c")
            assert md.offset == 2
            await p.send_and_wait("t", b"d")
        assert [r.value for r in cluster.records("t", 0)] == [b"a", b"b", b"c", b"d"]
        assert cluster.count(INIT_PRODUCER_ID) == 2
        headers = cluster.batch_headers("t", 0)
        assert [(b.producer_id, b.base_sequence) for b in headers] == [
            (1001, 0),
            (1001, 1),
            (1002, 0),
            (1002, 1),
        ]


async def test_retriable_produce_errors_are_retried_in_order() -> None:
    async with FakeCluster(1, {"t": 1}) as cluster:
        cluster.inject[(PRODUCE, 1)].extend(
            [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.REQUEST_TIMED_OUT]
        )
        async with Producer(
            bootstrap_servers=cluster.bootstrap, linger_ms=0, batch_size=64, **_fast()
        ) as p:
            futures = [await p.send("t", b"%02d" % i) for i in range(30)]
            await asyncio.gather(*futures)
        assert [int(r.value) for r in cluster.records("t", 0)] == list(range(30))
