"""``send(..., expected_offset=N)``: Samsa's conditional append, through the client.

Against an embedded Samsa broker: appends at the log end offset are written, stale ones fail
with ``ConditionalAppendConflictError`` carrying the current log end offset; racing writers
at the same offset have exactly one winner; a refused append costs the idempotent producer
nothing (same producer id, sequences continue); a retried conditional batch that was written
is answered as written; the API is only shown to Samsa's client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from broker import Broker
from client import (
    Admin,
    ConditionalAppendConflictError,
    Consumer,
    Producer,
    TopicPartition,
    UnsupportedFeatureError,
)
from client.connection import Connection
from client.producer.batch import ProducerBatch
from protocol.errors import ErrorCode
from protocol.extensions import CONDITIONAL_PRODUCE_KEY
from protocol.messages import (
    ApiVersionsRequest,
    ConditionalProduceRequest,
    InitProducerIdRequest,
)
from protocol.records import Compression

TOPIC = "ledger"


async def _producer(bootstrap: str, **options: Any) -> Producer:
    producer = Producer(bootstrap_servers=bootstrap, linger_ms=0, **options)
    await producer.start()
    return producer


async def _read(bootstrap: str, partition: int, count: int) -> list[Any]:
    async with Consumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest") as consumer:
        tp = TopicPartition(TOPIC, partition)
        consumer.assign([tp])
        consumer.seek(tp, 0)
        records: list[Any] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while len(records) < count and loop.time() < deadline:
            got = await consumer.getmany(timeout_ms=200)
            records.extend(got.get(tp, []))
        return records


async def test_appends_at_the_log_end_and_refuses_stale_offsets(bootstrap: str) -> None:
    producer = await _producer(bootstrap)
    try:
        first = await producer.send_and_wait(TOPIC, b"e0", partition=1, expected_offset=0)
        assert (first.partition, first.offset) == (1, 0)
        second = await producer.send_and_wait(TOPIC, b"e1", partition=1, expected_offset=1)
        assert second.offset == 1
        for stale in (0, 1, 5):
            with pytest.raises(ConditionalAppendConflictError) as caught:
                await producer.send_and_wait(TOPIC, b"x", partition=1, expected_offset=stale)
            assert caught.value.log_end_offset == 2
            assert caught.value.expected_offset == stale
            assert caught.value.remote
        # Keyed: the key picks the partition, as for any send.
        keyed = await producer.send_and_wait(TOPIC, b"k", key=b"acct-1", expected_offset=0)
        assert keyed.offset == 0
    finally:
        await producer.close()
    records = await _read(bootstrap, 1, 2)
    assert [r.value for r in records] == [b"e0", b"e1"]


async def test_racing_writers_at_the_same_offset_have_exactly_one_winner(bootstrap: str) -> None:
    producers = [await _producer(bootstrap) for _ in range(4)]
    try:
        winners: list[int] = []
        for offset in range(10):
            futures = [
                await p.send(TOPIC, b"%d-%d" % (i, offset), partition=0, expected_offset=offset)
                for i, p in enumerate(producers)
            ]
            outcomes = await asyncio.gather(*futures, return_exceptions=True)
            won = [i for i, o in enumerate(outcomes) if not isinstance(o, BaseException)]
            lost = [o for o in outcomes if isinstance(o, BaseException)]
            assert len(won) == 1, outcomes
            assert all(isinstance(e, ConditionalAppendConflictError) for e in lost), lost
            assert all(e.log_end_offset == offset + 1 for e in lost)  # type: ignore[attr-defined]
            winners.append(won[0])
    finally:
        for p in producers:
            await p.close()
    records = await _read(bootstrap, 0, 10)
    assert [r.offset for r in records] == list(range(10))
    assert [r.value for r in records] == [b"%d-%d" % (w, i) for i, w in enumerate(winners)]


async def test_a_conflict_costs_the_idempotent_producer_nothing(bootstrap: str) -> None:
    producer = await _producer(bootstrap)
    other = await _producer(bootstrap)
    try:
        await producer.send_and_wait(TOPIC, b"a", partition=2)
        identity = (producer._sender.identity.producer_id, producer._sender.identity.epoch)
        await other.send_and_wait(TOPIC, b"b", partition=2)
        for _ in range(3):
            with pytest.raises(ConditionalAppendConflictError):
                await producer.send_and_wait(TOPIC, b"stale", partition=2, expected_offset=1)
        # Plain and conditional sends go on under the same producer id, in order.
        futures = [await producer.send(TOPIC, b"p%d" % i, partition=2) for i in range(5)]
        conditional = await producer.send(TOPIC, b"c", partition=2, expected_offset=7)
        await asyncio.gather(*futures)
        assert (await conditional).offset == 7
        assert (producer._sender.identity.producer_id, producer._sender.identity.epoch) == identity
    finally:
        await producer.close()
        await other.close()
    records = await _read(bootstrap, 2, 8)
    assert [r.value for r in records] == [b"a", b"b", b"p0", b"p1", b"p2", b"p3", b"p4", b"c"]


@pytest.mark.parametrize("idempotent", [True, False])
async def test_conflicts_resolved_by_reload_and_retry_never_lose_an_update(
    bootstrap: str, idempotent: bool
) -> None:
    """The read-validate-append loop of event sourcing: concurrent increments of one counter
    (each an event), each retried on conflict from the offset the conflict reports."""
    writers, increments = 4, 15
    producers = [await _producer(bootstrap, enable_idempotence=idempotent) for _ in range(writers)]
    conflicts = 0

    async def writer(producer: Producer, name: int) -> None:
        nonlocal conflicts
        offset = 0  # what this writer has "read" so far
        for n in range(increments):
            while True:
                try:
                    value = b"%d-%d" % (name, n)
                    await producer.send_and_wait(TOPIC, value, partition=0, expected_offset=offset)
                    break
                except ConditionalAppendConflictError as conflict:
                    conflicts += 1
                    offset = conflict.log_end_offset
            offset += 1

    try:
        await asyncio.gather(*(writer(p, i) for i, p in enumerate(producers)))
    finally:
        for p in producers:
            await p.close()
    records = await _read(bootstrap, 0, writers * increments)
    values = sorted(r.value for r in records)
    assert values == sorted(b"%d-%d" % (w, n) for w in range(writers) for n in range(increments))
    assert conflicts > 0


async def test_invalid_conditional_sends_are_refused_at_once(bootstrap: str) -> None:
    producer = await _producer(bootstrap, acks=0, enable_idempotence=False)
    try:
        with pytest.raises(ValueError, match="acks"):
            await producer.send(TOPIC, b"x", partition=0, expected_offset=0)
    finally:
        await producer.close()
    producer = await _producer(bootstrap)
    try:
        with pytest.raises(ValueError, match="key or a partition"):
            await producer.send(TOPIC, b"x", expected_offset=0)
        with pytest.raises(ValueError, match=">= 0"):
            await producer.send(TOPIC, b"x", partition=0, expected_offset=-1)
    finally:
        await producer.close()


async def test_a_broker_that_does_not_offer_it_fails_the_record_clearly(
    bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Naming itself as another client, the producer is not shown Samsa's private APIs.
    monkeypatch.setattr("client.connection.CLIENT_SOFTWARE_NAME", "another-client")
    producer = await _producer(bootstrap)
    try:
        future = await producer.send(TOPIC, b"x", partition=0, expected_offset=0)
        with pytest.raises(UnsupportedFeatureError, match="conditional appends"):
            await future
        # The producer still works for plain records.
        assert (await producer.send_and_wait(TOPIC, b"y", partition=0)).offset == 0
    finally:
        await producer.close()


async def test_only_samsas_client_is_shown_the_private_api(broker: Broker) -> None:
    host, port = broker.bootstrap_servers.split(":")
    names = (("samsa-python", True), ("librdkafka", False), ("samsa-python-fork", False))
    for name, shown in names:
        conn = Connection(host, int(port))
        await conn.open()
        try:
            for version in (0, 1, 2, 3, 4):
                request = ApiVersionsRequest(
                    client_software_name=name, client_software_version="1.0"
                )
                response = await conn.request(request, version=version)
                keys = {k.api_key for k in response.api_keys}
                assert 0 in keys
                expected = shown and version >= 3
                assert (CONDITIONAL_PRODUCE_KEY in keys) == expected, (name, version)
        finally:
            conn.close()


async def test_a_retried_batch_that_was_written_is_answered_as_written(broker: Broker) -> None:
    """The duplicate check comes before the offset check: resending a written batch (same
    producer id, epoch, sequence) at its old expected offset returns its original offset."""
    host, port = broker.bootstrap_servers.split(":")
    async with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        await admin.create_topic(TOPIC, 1)
    conn = Connection(host, int(port))
    await conn.open()
    try:
        init = await conn.request(
            InitProducerIdRequest(transactional_id=None, transaction_timeout_ms=-1)
        )
        loop = asyncio.get_running_loop()
        batch = ProducerBatch(TOPIC, 0, 1024, 0.0, loop.create_future())
        batch.append(1, b"k", b"v", None)
        wire = batch.stamp(init.producer_id, init.producer_epoch, 0, Compression.NONE)

        def request(expected: int) -> ConditionalProduceRequest:
            data = ConditionalProduceRequest.TopicProduceData
            return ConditionalProduceRequest(
                acks=-1,
                timeout_ms=5_000,
                topic_data=[
                    data(
                        name=TOPIC,
                        partition_data=[
                            data.PartitionProduceData(
                                index=0, expected_offset=expected, records=wire
                            )
                        ],
                    )
                ],
            )

        answers = [await conn.request(request(0)) for _ in range(2)]
        for answer in answers:
            result = answer.responses[0].partition_responses[0]
            assert (result.error_code, result.base_offset) == (ErrorCode.NONE, 0)
        # A new batch at the same (now stale) offset is a conflict.
        batch = ProducerBatch(TOPIC, 0, 1024, 0.0, loop.create_future())
        batch.append(1, b"k", b"w", None)
        wire = batch.stamp(init.producer_id, init.producer_epoch, 1, Compression.NONE)
        answer = await conn.request(request(0))
        result = answer.responses[0].partition_responses[0]
        assert result.error_code == ErrorCode.CONDITIONAL_APPEND_CONFLICT
        assert result.log_end_offset == 1
    finally:
        conn.close()
