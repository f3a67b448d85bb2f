"""The consumer without group management (assign) and its offset operations."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel
from support.waiting import eventually

from client import (
    Admin,
    ClientClosedError,
    Consumer,
    IllegalStateError,
    NoOffsetForPartitionError,
    OffsetAndMetadata,
    Producer,
    TopicPartition,
)
from client.consumer.fetcher import Fetcher

TP = TopicPartition("reads", 0)


async def _fill(bootstrap: str, topic: str = "reads", count: int = 100, partition: int = 0) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0) as producer:
        for i in range(count):
            await producer.send(
                topic, b"%d" % i, key=b"k%d" % i, partition=partition, timestamp_ms=10_000 + i
            )
        await producer.flush()


async def _take(consumer: Consumer, count: int, timeout_s: float = 10) -> list[int]:
    out: list[int] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while len(out) < count:
        assert loop.time() < deadline, f"got {len(out)} of {count}"
        got = await consumer.getmany(timeout_ms=200)
        out.extend(int(r.value) for records in got.values() for r in records)
    return out


async def test_assign_reads_from_earliest_or_latest(bootstrap: str) -> None:
    await _fill(bootstrap, count=10)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        c.assign([TP])
        assert c.assignment() == {TP}
        assert await _take(c, 10) == list(range(10))
        assert await c.position(TP) == 10
        assert c.highwater(TP) == 10 and c.last_stable_offset(TP) == 10
    async with Consumer(bootstrap_servers=bootstrap) as c:  # latest
        c.assign([TP])
        assert await c.position(TP) == 10
        assert await c.getmany(timeout_ms=100) == {}
        await _fill(bootstrap, count=3)
        assert await _take(c, 3) == [0, 1, 2]


async def test_auto_offset_reset_none_raises(bootstrap: str) -> None:
    await _fill(bootstrap, count=1)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="none") as c:
        c.assign([TP])
        with pytest.raises(NoOffsetForPartitionError):
            await c.position(TP)
        c.seek(TP, 0)
        assert await _take(c, 1) == [0]


async def test_seek_and_seek_to_beginning_and_end(bootstrap: str) -> None:
    await _fill(bootstrap, count=50)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        c.assign([TP])
        first = await _take(c, 5)
        assert first[0] == 0
        c.seek(TP, 40)
        assert (await _take(c, 10))[:1] == [40]
        c.seek_to_beginning(TP)
        assert (await _take(c, 1))[0] == 0
        c.seek_to_end()
        assert await c.position(TP) == 50
        assert await c.getmany(timeout_ms=100) == {}
        with pytest.raises(ValueError):
            c.seek(TP, -1)
        with pytest.raises(IllegalStateError, match="not assigned"):
            c.seek(TopicPartition("reads", 7), 0)


async def test_getmany_limits_and_filters(bootstrap: str) -> None:
    await _fill(bootstrap, count=30, partition=0)
    await _fill(bootstrap, count=30, partition=1)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        tp1 = TopicPartition("reads", 1)
        c.assign([TP, tp1])
        await eventually(lambda: c._fetcher.has_data(), 10, "data fetched")
        got = await c.getmany(tp1, timeout_ms=5000, max_records=7)
        assert list(got) == [tp1] and len(got[tp1]) == 7
        assert [r.offset for r in got[tp1]] == list(range(7))
        total = 7 + sum(len(v) for v in (await c.getmany(timeout_ms=5000)).values())
        while total < 60:
            total += sum(len(v) for v in (await c.getmany(timeout_ms=5000)).values())
        assert total == 60


async def test_async_iteration_moves_the_position_record_by_record(bootstrap: str) -> None:
    await _fill(bootstrap, count=20)
    async with Consumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id="iterators"
    ) as c:
        c.assign([TP])
        seen = []
        async for record in c:
            seen.append(record.offset)
            assert await c.position(TP) == record.offset + 1
            if len(seen) == 5:
                break
        await c.commit()
        assert (await c.committed(TP)) == OffsetAndMetadata(5, "", 0)
        nxt = await c.getone()
        assert nxt is not None and nxt.offset == 5
        assert await c.getone(TP, timeout_ms=2000) is not None
        c.seek(TP, 20)
        assert await c.getone(timeout_ms=100) is None


async def test_commit_async_and_committed(bootstrap: str) -> None:
    await _fill(bootstrap, count=10)
    async with Consumer(
        bootstrap_servers=bootstrap,
        group_id="standalone",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    ) as c:
        c.assign([TP])
        assert await c.committed(TP) is None
        await _take(c, 10)
        results: list[object] = []
        task = c.commit_async(callback=lambda offsets, error: results.append((offsets, error)))
        await task
        assert results == [({TP: OffsetAndMetadata(10, "", 0)}, None)]
        await c.commit({TP: 3})
        assert (await c.committed(TP)).offset == 3  # type: ignore[union-attr]
    # A new consumer of the group starts at the committed offset.
    async with Consumer(bootstrap_servers=bootstrap, group_id="standalone") as c:
        c.assign([TP])
        assert await c.position(TP) == 3


async def test_auto_commit_on_close_with_assign(bootstrap: str) -> None:
    await _fill(bootstrap, count=10)
    async with Consumer(
        bootstrap_servers=bootstrap, group_id="auto", auto_offset_reset="earliest"
    ) as c:
        c.assign([TP])
        await _take(c, 10)
    async with Admin(bootstrap_servers=bootstrap) as admin:
        assert (await admin.list_group_offsets("auto"))[TP].offset == 10


async def test_offsets_for_times_and_boundaries(bootstrap: str) -> None:
    await _fill(bootstrap, count=10)
    async with Consumer(bootstrap_servers=bootstrap) as c:
        found = await c.offsets_for_times({TP: 10_004})
        assert found[TP] is not None and found[TP].offset == 4  # type: ignore[union-attr]
        assert (await c.offsets_for_times({TP: 99_999}))[TP] is None
        assert await c.beginning_offsets([TP]) == {TP: 0}
        assert await c.end_offsets([TP]) == {TP: 10}
        assert await c.partitions_for_topic("reads") == {0, 1, 2}
        assert "reads" in await c.topics()


async def test_pause_and_resume(bootstrap: str) -> None:
    await _fill(bootstrap, count=5, partition=0)
    await _fill(bootstrap, count=5, partition=1)
    tp1 = TopicPartition("reads", 1)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        c.assign([TP, tp1])
        c.pause(tp1)
        assert c.paused() == {tp1}
        got = await _take(c, 5)
        assert len(got) == 5
        assert await c.getmany(timeout_ms=200) == {}
        c.resume(tp1)
        assert len(await _take(c, 5)) == 5


async def test_offset_out_of_range_resets(bootstrap: str) -> None:
    await _fill(bootstrap, count=10)
    async with Admin(bootstrap_servers=bootstrap) as admin:
        await admin.delete_records({TP: 6})
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        c.assign([TP])
        c.seek(TP, 2)  # below the log start now
        assert await _take(c, 4) == [6, 7, 8, 9]


class Reading(BaseModel):
    sensor: str
    value: float


async def test_deserializers(bootstrap: str) -> None:
    async with Producer(
        bootstrap_servers=bootstrap, key_serializer="str", value_serializer=Reading
    ) as producer:
        await producer.send_and_wait(
            "typed", Reading(sensor="t1", value=2.5), key="t1", partition=0
        )
    async with Consumer(
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        key_deserializer="str",
        value_deserializer=Reading,
    ) as c:
        c.assign([TopicPartition("typed", 0)])
        record = await c.getone()
        assert record.key == "t1" and record.value == Reading(sensor="t1", value=2.5)


async def test_batches_are_decoded_only_when_consumed(
    bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0, batch_size=100) as producer:
        for i in range(40):
            await producer.send("lazy", b"v%02d" % i * 10, partition=0)
        await producer.flush()
    decoded: list[int] = []
    original = Fetcher.decode_batch

    def counting(self: Fetcher, batch: object, tp: TopicPartition, min_offset: int) -> object:
        decoded.append(min_offset)
        return original(self, batch, tp, min_offset)  # type: ignore[arg-type]

    monkeypatch.setattr(Fetcher, "decode_batch", counting)
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as c:
        c.assign([TopicPartition("lazy", 0)])
        got = await c.getmany(timeout_ms=5000, max_records=1)
        assert sum(len(v) for v in got.values()) == 1
        assert len(decoded) == 1  # dozens of batches fetched, one decoded


async def test_read_committed_reads_plain_records(bootstrap: str) -> None:
    await _fill(bootstrap, count=5)
    async with Consumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", isolation_level="read_committed"
    ) as c:
        c.assign([TP])
        assert await _take(c, 5) == list(range(5))
        assert (await c.end_offsets([TP]))[TP] == 5


async def test_misuse_errors(bootstrap: str) -> None:
    consumer = Consumer(bootstrap_servers=bootstrap)
    with pytest.raises(ClientClosedError, match="not started"):
        await consumer.getmany()
    async with consumer:
        with pytest.raises(IllegalStateError, match=r"group\.id"):
            consumer.subscribe(["x"])
        with pytest.raises(IllegalStateError, match=r"group\.id"):
            await consumer.commit()
    with pytest.raises(ClientClosedError):
        await consumer.getmany()
    async with Consumer(bootstrap_servers=bootstrap, group_id="g") as grouped:
        grouped.subscribe(["x"])
        with pytest.raises(IllegalStateError, match="do not mix"):
            grouped.assign([TP])
        grouped.unsubscribe()
        grouped.assign([TP])
        assert grouped.assignment() == {TP}
