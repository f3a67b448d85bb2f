"""Produce, Fetch, ListOffsets and OffsetForLeaderEpoch over a real socket."""

from __future__ import annotations

import time
from typing import Any

import pytest
from support.kafka_ops import (
    create_topic,
    fetch,
    fetch_request,
    list_offset,
    offsets_of,
    produce,
    produce_request,
    values_of,
)
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.metadata.controller import Controller
from protocol.messages import MetadataRequest, OffsetForLeaderEpochRequest
from protocol.records import Compression, RecordBatch

pytestmark = pytest.mark.samsa_config(**{"log.flush.policy": "group"})


@pytest.mark.parametrize("acks", [1, -1])
async def test_produce_then_fetch(client: WireClient, acks: int) -> None:
    await create_topic(client, "t")
    first = await produce(client, "t", 0, make_batch([b"a", b"b", b"c"]), acks=acks)
    second = await produce(client, "t", 0, make_batch([b"d"]), acks=acks)
    assert (first.error_code, first.base_offset, first.log_append_time_ms) == (0, 0, -1)
    assert (second.base_offset, second.log_start_offset) == (3, 0)
    data = await fetch(client, "t", 0, 0)
    assert (data.error_code, data.high_watermark, data.last_stable_offset) == (0, 4, 4)
    assert data.log_start_offset == 0
    assert values_of(data.records) == [b"a", b"b", b"c", b"d"]
    assert offsets_of(data.records) == [0, 1, 2, 3]
    # Offsets and the leader epoch were patched in; the CRC still holds.
    for batch in _batches(data.records):
        batch.validate()
        assert batch.partition_leader_epoch == 0


def _batches(records: object) -> list[RecordBatch]:
    from protocol.records import iter_batches

    return list(iter_batches(bytes(records)))  # type: ignore[call-overload]


async def test_acks_0_gets_no_response_but_is_written(client: WireClient) -> None:
    await create_topic(client, "t")
    await client.send(produce_request("t", 0, make_batch([b"quiet"]), acks=0), 8)
    client._pending.pop()  # no response will come
    # The next request's response is the next frame on the wire.

    async def written() -> Any:
        data = await fetch(client, "t", 0, 0)
        return data if data.high_watermark == 1 else None

    data = await eventually(written, 10, "the acks=0 record written", poll_s=0)
    assert values_of(data.records) == [b"quiet"]


async def test_acks_0_failure_closes_the_connection(client: WireClient) -> None:
    await client.send(produce_request("missing-topic", 0, make_batch([b"x"]), acks=0), 8)
    client._pending.pop()
    await client.expect_closed()


@pytest.mark.parametrize("compression", list(Compression))
async def test_compressed_batches_are_stored_as_sent(
    client: WireClient, compression: Compression
) -> None:
    await create_topic(client, "z")
    batch = make_batch([b"v%d" % i * 20 for i in range(50)], compression=compression)
    assert (await produce(client, "z", 0, batch)).error_code == 0
    data = await fetch(client, "z", 0, 0)
    [stored] = _batches(data.records)
    assert bytes(stored.buffer)[21:] == batch[21:]  # everything the CRC covers, unchanged
    assert values_of(data.records) == [b"v%d" % i * 20 for i in range(50)]


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown topic", 3),
        ("unknown partition", 3),
        ("bad crc", 2),
        ("bad magic", 2),
        ("two batches", 87),
        ("no records", 87),
        ("truncated", 2),
        ("too large", 10),
        ("control batch", 87),
        ("transactional batch", 53),  # TRANSACTIONAL_ID_AUTHORIZATION_FAILED: no id
    ],
)
async def test_produce_errors(client: WireClient, case: str, code: int) -> None:
    await create_topic(client, "t", configs={"max.message.bytes": "2000"})
    topic, partition = "t", 0
    good = make_batch([b"ok"])
    records: bytes | None = good
    if case == "unknown topic":
        topic = "nope"
    elif case == "unknown partition":
        partition = 5
    elif case == "bad crc":
        records = good[:-1] + bytes([good[-1] ^ 1])
    elif case == "bad magic":
        records = good[:16] + b"\x01" + good[17:]
    elif case == "two batches":
        records = good + make_batch([b"more"])
    elif case == "no records":
        records = None
    elif case == "truncated":
        records = good[:-5]
    elif case == "too large":
        records = make_batch([b"x" * 3000])
    elif case == "control batch":
        from protocol.records import ControlRecordType, build_control_batch

        records = build_control_batch(
            ControlRecordType.COMMIT,
            producer_id=1,
            producer_epoch=0,
            coordinator_epoch=0,
            timestamp_ms=0,
        )
    elif case == "transactional batch":
        from protocol.records import RecordBatchBuilder

        b = RecordBatchBuilder(
            producer_id=1, producer_epoch=0, base_sequence=0, is_transactional=True
        )
        b.append(b"tx", timestamp_ms=0)
        records = b.build()
    response = await produce(client, topic, partition, records)
    assert response.error_code == code
    assert response.base_offset == -1
    # Nothing was written.
    assert (await fetch(client, "t", 0, 0)).high_watermark == 0


async def test_produce_v2_and_invalid_acks(client: WireClient) -> None:
    await create_topic(client, "t")
    response = await client.request(produce_request("t", 0, make_batch([b"x"])), 2)
    assert response.responses[0].partition_responses[0].error_code == 35
    response = await client.request(produce_request("t", 0, make_batch([b"x"]), acks=2), 8)
    assert response.responses[0].partition_responses[0].error_code == 21


async def test_fetch_long_poll_returns_promptly_when_data_arrives(broker: Broker) -> None:
    consumer = await WireClient.connect(broker.bootstrap_servers)
    producer = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(producer, "poll")
    assert broker.services is not None
    parked = broker.services.fetch_purgatory
    await consumer.send(fetch_request("poll", 0, 0, max_wait_ms=2000, min_bytes=1), 11)
    await eventually(lambda: len(parked) == 1, what="the fetch parked in the purgatory")
    started = time.monotonic()
    assert (await produce(producer, "poll", 0, make_batch([b"wake"]))).error_code == 0
    response = await consumer.receive()
    elapsed = time.monotonic() - started
    assert values_of(response.responses[0].partitions[0].records) == [b"wake"]
    assert elapsed < 1.0, f"the fetch took {elapsed:.3f} s after the produce"
    await consumer.close()
    await producer.close()


async def test_fetch_long_poll_times_out_empty(client: WireClient) -> None:
    await create_topic(client, "idle")
    started = time.monotonic()
    data = await fetch(client, "idle", 0, 0, max_wait_ms=200, min_bytes=1)
    elapsed = time.monotonic() - started
    assert data.records in (b"", None) or len(data.records) == 0
    assert 0.15 <= elapsed < 5


async def test_fetch_min_bytes_waits_for_enough_data(broker: Broker) -> None:
    consumer = await WireClient.connect(broker.bootstrap_servers)
    producer = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(producer, "mb")
    one = make_batch([b"x" * 100])
    await consumer.send(fetch_request("mb", 0, 0, max_wait_ms=5000, min_bytes=3 * len(one)), 11)
    started = time.monotonic()
    for _ in range(3):
        await produce(producer, "mb", 0, make_batch([b"x" * 100]))
    response = await consumer.receive()
    assert len(values_of(response.responses[0].partitions[0].records)) == 3
    assert time.monotonic() - started < 3
    await consumer.close()
    await producer.close()


async def test_fetch_byte_limits(client: WireClient) -> None:
    await create_topic(client, "lim", partitions=2)
    big = make_batch([b"y" * 5000])
    for _ in range(3):
        await produce(client, "lim", 0, big)
        await produce(client, "lim", 1, big)
    # partition_max_bytes smaller than a batch: the first partition still gets one batch,
    # the second partition none (Kafka's KIP-74 rule).
    response = await client.request(
        fetch_request("lim", 0, 0, partitions=[(0, 0), (1, 0)], partition_max_bytes=100), 11
    )
    p0, p1 = response.responses[0].partitions
    assert len(values_of(p0.records)) == 1
    assert values_of(p1.records) == []
    assert p1.high_watermark == 3  # but every requested partition is in the response
    # max_bytes across partitions.
    response = await client.request(
        fetch_request(
            "lim",
            0,
            0,
            partitions=[(0, 0), (1, 0)],
            max_bytes=2 * len(big),
            partition_max_bytes=10 * len(big),
        ),
        11,
    )
    p0, p1 = response.responses[0].partitions
    assert len(values_of(p0.records)) == 2 and values_of(p1.records) == []


async def test_fetch_errors(client: WireClient) -> None:
    await create_topic(client, "t")
    await produce(client, "t", 0, make_batch([b"a"]))
    assert (await fetch(client, "t", 0, 5)).error_code == 1  # OFFSET_OUT_OF_RANGE
    assert (await fetch(client, "t", 0, -1)).error_code == 1
    assert (await fetch(client, "t", 3, 0)).error_code == 3
    assert (await fetch(client, "nope", 0, 0)).error_code == 3
    assert (await fetch(client, "t", 0, 1)).error_code == 0  # at the log end: empty, fine
    assert (await fetch(client, "t", 0, 0, current_leader_epoch=0)).error_code == 0
    assert (await fetch(client, "t", 0, 0, current_leader_epoch=1)).error_code == 75


async def test_fetch_sessions_are_declined(client: WireClient) -> None:
    await create_topic(client, "s")
    request = fetch_request("s", 0, 0)
    request.session_id, request.session_epoch = 0, 0  # ask for a new session
    response = await client.request(request, 11)
    assert (response.error_code, response.session_id) == (0, 0)
    request.session_id, request.session_epoch = 123, 1
    assert (await client.request(request, 11)).error_code == 70
    request.session_id, request.session_epoch = 0, 3
    assert (await client.request(request, 11)).error_code == 71


@pytest.mark.parametrize("version", range(4, 12))
async def test_fetch_every_version(client: WireClient, version: int) -> None:
    await create_topic(client, "v")
    await produce(client, "v", 0, make_batch([b"a"]))
    response = await client.request(fetch_request("v", 0, 0, isolation_level=1), version)
    data = response.responses[0].partitions[0]
    assert values_of(data.records) == [b"a"]
    assert data.aborted_transactions == []


async def test_list_offsets(client: WireClient) -> None:
    await create_topic(client, "lo")
    await produce(client, "lo", 0, make_batch([b"a", b"b"], timestamp_ms=1000))
    await produce(client, "lo", 0, make_batch([b"c"], timestamp_ms=5000))
    await produce(client, "lo", 0, make_batch([b"d"], timestamp_ms=3000))
    earliest = await list_offset(client, "lo", 0, -2)
    latest = await list_offset(client, "lo", 0, -1)
    committed = await list_offset(client, "lo", 0, -1, isolation_level=1)
    assert (earliest.offset, earliest.timestamp, earliest.leader_epoch) == (0, -1, 0)
    assert (latest.offset, latest.leader_epoch) == (4, 0)
    assert committed.offset == 4
    by_time = await list_offset(client, "lo", 0, 1001)
    assert (by_time.offset, by_time.timestamp) == (1, 1001)
    after = await list_offset(client, "lo", 0, 4000)
    assert (after.offset, after.timestamp) == (2, 5000)
    beyond = await list_offset(client, "lo", 0, 10_000)
    assert (beyond.offset, beyond.timestamp) == (-1, -1)
    largest = await list_offset(client, "lo", 0, -3)
    assert (largest.offset, largest.timestamp) == (2, 5000)
    for version in range(1, 8):
        assert (await list_offset(client, "lo", 0, -1, version=version)).offset == 4
    assert (await list_offset(client, "lo", 0, -1, current_leader_epoch=7)).error_code == 75
    assert (await list_offset(client, "nope", 0, -1)).error_code == 3


async def test_offset_for_leader_epoch(client: WireClient) -> None:
    await create_topic(client, "e")
    T = OffsetForLeaderEpochRequest.OffsetForLeaderTopic

    async def ask(epoch: int, current: int = -1, version: int = 4) -> Any:
        body = OffsetForLeaderEpochRequest(
            replica_id=-1,
            topics=[
                T(
                    topic="e",
                    partitions=[
                        T.OffsetForLeaderPartition(
                            partition=0, current_leader_epoch=current, leader_epoch=epoch
                        )
                    ],
                )
            ],
        )
        return (await client.request(body, version)).topics[0].partitions[0]

    empty = await ask(0)
    assert (empty.error_code, empty.leader_epoch, empty.end_offset) == (0, 0, 0)
    await produce(client, "e", 0, make_batch([b"a", b"b", b"c"]))
    for version in (2, 3, 4):
        r = await ask(0, current=0, version=version)
        assert (r.error_code, r.leader_epoch, r.end_offset) == (0, 0, 3)
    r = await ask(5)
    assert (r.leader_epoch, r.end_offset) == (-1, -1)
    assert (await ask(0, current=3)).error_code == 75  # UNKNOWN_LEADER_EPOCH


async def test_log_append_time_topics(client: WireClient) -> None:
    await create_topic(client, "lat", configs={"message.timestamp.type": "LogAppendTime"})
    before = int(time.time() * 1000)
    response = await produce(client, "lat", 0, make_batch([b"a"], timestamp_ms=42))
    assert response.log_append_time_ms >= before
    [batch] = _batches((await fetch(client, "lat", 0, 0)).records)
    batch.validate()
    assert batch.max_timestamp == response.log_append_time_ms
    assert [r.timestamp for r in batch.records()] == [response.log_append_time_ms]


async def test_slow_fetch_does_not_reorder_pipelined_responses(client: WireClient) -> None:
    await create_topic(client, "order")
    await client.send(fetch_request("order", 0, 0, max_wait_ms=300, min_bytes=1), 11)
    await client.send(MetadataRequest(topics=[]), 1)
    fetch_response = await client.receive()  # receive() checks correlation ids in order
    assert isinstance(fetch_response.responses, list)
    metadata_response = await client.receive()
    assert metadata_response.brokers


async def test_many_partitions_in_one_produce_and_fetch(client: WireClient) -> None:
    await create_topic(client, "wide", partitions=8)
    from protocol.messages import ProduceRequest

    P = ProduceRequest.TopicProduceData.PartitionProduceData
    body = ProduceRequest(
        acks=-1,
        timeout_ms=5000,
        topic_data=[
            ProduceRequest.TopicProduceData(
                name="wide",
                partition_data=[P(index=i, records=make_batch([b"p%d" % i])) for i in range(8)],
            )
        ],
    )
    response = await client.request(body, 8)
    assert [p.error_code for p in response.responses[0].partition_responses] == [0] * 8
    request = fetch_request("wide", 0, 0, partitions=[(i, 0) for i in range(8)])
    fetched = await client.request(request, 11)
    assert [values_of(p.records) for p in fetched.responses[0].partitions] == [
        [b"p%d" % i] for i in range(8)
    ]


async def test_a_leader_epoch_change_fences_old_epochs(broker: Broker, client: WireClient) -> None:
    """Leadership moves away and back (two PartitionChange records): the epoch is 2, requests
    with epoch 0 are fenced, and the epoch cache tells where epoch 0 ended."""
    from support.kafka_ops import metadata

    from broker.metadata.records import PartitionChangeRecord

    await create_topic(client, "fence")
    await produce(client, "fence", 0, make_batch([b"a", b"b"]))
    controller = broker.controller
    assert isinstance(controller, Controller)  # a single node's controller commits itself
    topic = controller.image.topic("fence")
    assert topic is not None
    await controller._commit([PartitionChangeRecord(topic.topic_id, 0, leader=-1)])
    [t] = (await metadata(client, ["fence"])).topics
    assert (t.partitions[0].error_code, t.partitions[0].leader_id) == (5, -1)
    assert (await produce(client, "fence", 0, make_batch([b"x"]))).error_code == 6
    await controller._commit([PartitionChangeRecord(topic.topic_id, 0, leader=1)])
    [t] = (await metadata(client, ["fence"])).topics
    assert (t.partitions[0].leader_id, t.partitions[0].leader_epoch) == (1, 2)
    assert (await fetch(client, "fence", 0, 0, current_leader_epoch=0)).error_code == 74
    assert (await fetch(client, "fence", 0, 0, current_leader_epoch=2)).error_code == 0
    await produce(client, "fence", 0, make_batch([b"c"]))
    data = await fetch(client, "fence", 0, 0)
    assert [b.partition_leader_epoch for b in _batches(data.records)] == [0, 2]
    T = OffsetForLeaderEpochRequest.OffsetForLeaderTopic
    body = OffsetForLeaderEpochRequest(
        topics=[
            T(
                topic="fence",
                partitions=[
                    T.OffsetForLeaderPartition(partition=0, current_leader_epoch=2, leader_epoch=0),
                    T.OffsetForLeaderPartition(partition=0, current_leader_epoch=2, leader_epoch=1),
                    T.OffsetForLeaderPartition(partition=0, current_leader_epoch=0, leader_epoch=0),
                ],
            )
        ]
    )
    e0, e1, fenced = (await client.request(body, 3)).topics[0].partitions
    assert (e0.leader_epoch, e0.end_offset) == (0, 2)
    assert (e1.leader_epoch, e1.end_offset) == (0, 2)
    assert fenced.error_code == 74


async def test_commit_does_not_depend_on_the_producer_staying(broker: Broker) -> None:
    """Under group commit the high watermark moves once the append is durable, even if the
    producer's connection is gone by then."""
    producer = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(producer, "gone")
    await producer.send(produce_request("gone", 0, make_batch([b"orphan"]), acks=1), 8)
    producer.writer.transport.abort()
    consumer = await WireClient.connect(broker.bootstrap_servers)

    async def committed() -> Any:
        data = await fetch(consumer, "gone", 0, 0, max_wait_ms=200)
        return data if data.high_watermark >= 1 else None

    # Each attempt is a long poll (200 ms): no pause between them.
    data = await eventually(committed, 10, "the high watermark to move", poll_s=0)
    assert values_of(data.records) == [b"orphan"]
    await consumer.close()


async def test_min_insync_replicas_above_the_isr_refuses_acks_all(client: WireClient) -> None:
    await create_topic(client, "misr", configs={"min.insync.replicas": "2"})
    assert (await produce(client, "misr", 0, make_batch([b"x"]), acks=-1)).error_code == 19
    assert (await produce(client, "misr", 0, make_batch([b"x"]), acks=1)).error_code == 0
