"""Injected faults on the wire: request faults (error before and after the handler, delay,
drop, drop mid-response) and refused connections, armed on the server's ``FaultPlan`` of an
embedded broker and seen by raw wire clients and confluent-kafka."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import time
from typing import Any

import confluent_kafka
import pytest
from support.kafka_ops import (
    create_topic,
    fetch,
    fetch_request,
    list_offset,
    produce,
    produce_request,
    values_of,
)
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.faults import Fault, FaultPlan, FaultSpec
from protocol.codec import encode_request, join_frame
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import (
    ApiVersionsRequest,
    MetadataRequest,
    ProduceRequest,
)

pytestmark = pytest.mark.timeout(60)

#: ListOffsets' "latest": the log end offset (what was appended).
LATEST = -1
#: One confluent-kafka flush on a busy machine.
FLUSH_TIMEOUT_S = 30.0


def _now_ms() -> int:
    return time.monotonic_ns() // 1_000_000


def plan_of(broker: Broker) -> FaultPlan:
    server = broker.server
    assert server is not None
    return server.fault_plan


def arm(broker: Broker, kind: str, **fields: Any) -> Fault:
    return plan_of(broker).arm(FaultSpec.create(kind, **fields), _now_ms())


def fault_closes(broker: Broker) -> int:
    server = broker.server
    assert server is not None
    return server.close_counts["fault_injected"]


async def log_end(client: WireClient, topic: str, partition: int = 0) -> int:
    return int((await list_offset(client, topic, partition, LATEST)).offset)


def two_topic_produce(acks: int = -1) -> ProduceRequest:
    def topic(name: str, value: bytes) -> ProduceRequest.TopicProduceData:
        return ProduceRequest.TopicProduceData(
            name=name,
            partition_data=[
                ProduceRequest.TopicProduceData.PartitionProduceData(
                    index=p, records=make_batch([value])
                )
                for p in (0, 1)
            ],
        )

    return ProduceRequest(
        acks=acks, timeout_ms=5000, topic_data=[topic("a", b"to-a"), topic("b", b"to-b")]
    )


async def test_nothing_armed_changes_nothing(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "t")
    # A fault for another API is armed: Produce and Fetch are served as ever.
    arm(broker, "error", api="DeleteTopics", error="UNKNOWN_SERVER_ERROR")
    assert plan_of(broker).request_faults_armed
    assert (await produce(client, "t", 0, make_batch([b"x"]))).error_code == 0
    assert values_of((await fetch(client, "t", 0, 0)).records) == [b"x"]
    plan_of(broker).clear(_now_ms())
    assert not plan_of(broker).request_faults_armed
    assert (await produce(client, "t", 0, make_batch([b"y"]))).base_offset == 1
    assert plan_of(broker).history() == []
    assert fault_closes(broker) == 0


async def test_client_id_scope(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "t")
    arm(broker, "error", api="Produce", client_id="someone-else", error="INVALID_TOPIC_EXCEPTION")
    arm(broker, "error", api="Produce", client_id="wire-test", error="NOT_ENOUGH_REPLICAS")
    answer = await produce(client, "t", 0, make_batch([b"x"]))
    assert answer.error_code == ErrorCode.NOT_ENOUGH_REPLICAS
    assert [f.spec.client_id for f in plan_of(broker).armed()] == ["someone-else"]
    detail = plan_of(broker).history()[-1].detail
    assert detail.startswith("client_id=wire-test correlation_id=2 peer=127.0.0.1:")


@pytest.mark.parametrize(("when", "appended"), [("before", 0), ("after", 1)])
async def test_error_before_is_not_appended_after_is(
    broker: Broker, client: WireClient, when: str, appended: int
) -> None:
    await create_topic(client, "t")
    arm(broker, "error", api="Produce", error="NOT_LEADER_OR_FOLLOWER", when=when)
    answer = await produce(client, "t", 0, make_batch([b"x"]))
    assert answer.error_code == ErrorCode.NOT_LEADER_OR_FOLLOWER
    assert (answer.base_offset, answer.log_start_offset) == (-1, -1)
    assert await log_end(client, "t") == appended
    # Count 1: the next produce is served.
    assert (await produce(client, "t", 0, make_batch([b"y"]))).base_offset == appended
    assert plan_of(broker).injected_total[("error", "Produce")] == 1


@pytest.mark.parametrize("when", ["before", "after"])
async def test_topic_scoped_error_hits_only_that_topic(
    broker: Broker, client: WireClient, when: str
) -> None:
    await create_topic(client, "a", partitions=2)
    await create_topic(client, "b", partitions=2)
    arm(broker, "error", api="Produce", topic="a", error="KAFKA_STORAGE_ERROR", when=when)
    response = await client.request(two_topic_produce(), 8)
    codes = {
        (t.name, p.index): (p.error_code, p.base_offset)
        for t in response.responses
        for p in t.partition_responses
    }
    storage = ErrorCode.KAFKA_STORAGE_ERROR
    assert codes == {
        ("a", 0): (storage, -1),
        ("a", 1): (storage, -1),
        ("b", 0): (0, 0),
        ("b", 1): (0, 0),
    }
    assert [await log_end(client, "b", p) for p in (0, 1)] == [1, 1]
    expected_a = 0 if when == "before" else 1
    assert [await log_end(client, "a", p) for p in (0, 1)] == [expected_a, expected_a]


async def test_partition_scoped_fetch_error_after_drops_records(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "f", partitions=2)
    for p in (0, 1):
        assert (await produce(client, "f", p, make_batch([b"v%d" % p]))).error_code == 0
    arm(
        broker,
        "error",
        api="Fetch",
        topic="f",
        partition=1,
        error="FENCED_LEADER_EPOCH",
        when="after",
    )
    request = fetch_request("f", 0, 0, partitions=[(0, 0), (1, 0)])
    response = await client.request(request, 11)
    parts = {p.partition_index: p for p in response.responses[0].partitions}
    assert values_of(parts[0].records) == [b"v0"]
    hit = parts[1]
    assert hit.error_code == ErrorCode.FENCED_LEADER_EPOCH
    assert (hit.high_watermark, hit.last_stable_offset, hit.log_start_offset) == (-1, -1, -1)
    assert not hit.records
    # The dropped partition's file slice was given back, as the written one's was.
    await eventually(lambda: unpinned(broker), 10, "every segment file unpinned")


def unpinned(broker: Broker) -> bool:
    """Whether no segment file is leased (every fetch's file slice was given back)."""
    assert broker.services is not None
    return all(pf._pins == 0 for pf in broker.services.log_manager.pool._open)


@pytest.mark.parametrize("how", ["delay, then the client leaves", "drop", "drop mid-response"])
@pytest.mark.samsa_config(**{"queued.max.request.bytes": 200_000_000})
async def test_unwritten_fetch_answers_give_back_what_they_hold(
    broker: Broker, client: WireClient, how: str
) -> None:
    server = broker.server
    assert server is not None
    await create_topic(client, "t")
    assert (await produce(client, "t", 0, make_batch([b"x" * 1000]))).error_code == 0
    if how.startswith("delay"):
        arm(broker, "delay", api="Fetch", delay_ms=60_000)
    else:
        arm(broker, "drop", api="Fetch", mid_response=how.endswith("mid-response"))
    reader = await WireClient.connect(broker.bootstrap_servers)
    await reader.send(fetch_request("t", 0, 0), 11)
    if how.startswith("delay"):
        await eventually(lambda: plan_of(broker).history(), 10, "the delay fired")
        assert not unpinned(broker)  # the held answer's slice
        await reader.close()
    else:
        await reader.expect_closed(10)
        await reader.close()
    await eventually(lambda: unpinned(broker), 10, "every segment file unpinned")
    await eventually(lambda: len(server.connections) == 1, 10, "only the test's client left")
    assert server.budget.used_bytes == 0
    assert fault_closes(broker) == (0 if how.startswith("delay") else 1)


async def test_fetch_before_answers_the_rest_at_once(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "g", partitions=2)
    arm(broker, "error", api="Fetch", topic="g", partition=0, error="NOT_LEADER_OR_FOLLOWER")
    # The other partition has no data: without the error it would long-poll 5 s.
    request = fetch_request("g", 0, 0, partitions=[(0, 0), (1, 0)], max_wait_ms=5000)
    started = time.monotonic()
    response = await client.request(request, 11)
    assert time.monotonic() - started < 4
    parts = {p.partition_index: p.error_code for p in response.responses[0].partitions}
    assert parts == {0: ErrorCode.NOT_LEADER_OR_FOLLOWER, 1: 0}


async def test_skip_and_count(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "t")
    fault = arm(broker, "error", api="Produce", error="REQUEST_TIMED_OUT", skip=1, count=2)
    codes = [(await produce(client, "t", 0, make_batch([b"x"]))).error_code for _ in range(4)]
    timed_out = ErrorCode.REQUEST_TIMED_OUT
    assert codes == [0, timed_out, timed_out, 0]
    assert (fault.seen, fault.fired, fault.end_reason) == (3, 2, "count")
    assert await log_end(client, "t") == 2


async def test_delay_holds_the_response_and_keeps_the_order(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "t")
    arm(broker, "delay", api="Produce", delay_ms=400)
    started = time.monotonic()
    await client.send(produce_request("t", 0, make_batch([b"x"])), 8)
    await client.send(ApiVersionsRequest(), 0)
    await client.send(MetadataRequest(topics=[]), 1)
    # receive() checks each correlation id: the later answers wait behind the delayed one.
    first = await client.receive()
    assert time.monotonic() - started >= 0.4
    assert first.responses[0].partition_responses[0].error_code == 0
    assert (await client.receive()).error_code == 0
    assert (await client.receive()).controller_id == 1
    assert await log_end(client, "t") == 1


async def test_drop_closes_after_the_append(
    broker: Broker, client: WireClient, caplog: pytest.LogCaptureFixture
) -> None:
    await create_topic(client, "t")
    assert (await client.request(ApiVersionsRequest(), 0)).error_code == 0
    fault = arm(broker, "drop", api="Produce")
    with caplog.at_level(logging.WARNING, logger="samsa.server"):
        await client.send(produce_request("t", 0, make_batch([b"x"])), 8)
        assert await client.read_frame(5) is None
    assert fault_closes(broker) == 1
    closes = [r.getMessage() for r in caplog.records if "(fault_injected)" in r.getMessage()]
    assert len(closes) == 1
    assert f"fault {fault.fault_id} (drop Produce x1): closing instead of answering" in closes[0]
    other = await WireClient.connect(broker.bootstrap_servers)
    try:
        assert await log_end(other, "t") == 1
        assert values_of((await fetch(other, "t", 0, 0)).records) == [b"x"]
    finally:
        await other.close()


async def test_drop_answers_earlier_requests_first(broker: Broker, client: WireClient) -> None:
    await create_topic(client, "idle")
    await create_topic(client, "t")
    arm(broker, "drop", api="Produce")
    # A long poll on an empty partition, then the dropped produce behind it.
    await client.send(fetch_request("idle", 0, 0, max_wait_ms=300), 11)
    await client.send(produce_request("t", 0, make_batch([b"x"])), 8)
    polled = await client.receive()
    assert polled.responses[0].partitions[0].error_code == 0
    assert await client.read_frame(5) is None
    assert fault_closes(broker) == 1


async def test_drop_mid_response_writes_part_of_the_frame(broker: Broker) -> None:
    arm(broker, "drop", api="Metadata", mid_response=True)
    host, _, port = broker.bootstrap_servers.rpartition(":")
    header = RequestHeader(MetadataRequest.API_KEY, 1, 7, "raw")
    frame = join_frame(encode_request(header, MetadataRequest(topics=[])))

    def exchange() -> bytes:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(frame)
            got = b""
            while chunk := sock.recv(65536):
                got += chunk
            return got

    got = await asyncio.to_thread(exchange)
    assert len(got) > 4
    (size,) = struct.unpack(">i", got[:4])
    assert 0 < len(got) - 4 < size
    assert struct.unpack(">i", got[4:8]) == (7,)  # the start of the real response
    assert fault_closes(broker) == 1


async def test_acks0_error_before_closes_after_changes_nothing(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "t")
    arm(broker, "error", api="Produce", error="NOT_LEADER_OR_FOLLOWER", when="after")
    await client.send_raw(
        join_frame(
            encode_request(
                RequestHeader(0, 8, 99, "acks0"),
                produce_request("t", 0, make_batch([b"a"]), acks=0),
            )
        )
    )
    assert (await client.request(ApiVersionsRequest(), 0)).error_code == 0
    assert await log_end(client, "t") == 1
    arm(broker, "error", api="Produce", error="NOT_LEADER_OR_FOLLOWER", when="before")
    await client.send_raw(
        join_frame(
            encode_request(
                RequestHeader(0, 8, 100, "acks0"),
                produce_request("t", 0, make_batch([b"b"]), acks=0),
            )
        )
    )
    await client.expect_closed(5)
    assert fault_closes(broker) == 1
    other = await WireClient.connect(broker.bootstrap_servers)
    try:
        assert await log_end(other, "t") == 1
    finally:
        await other.close()


async def test_refuse_closes_new_connections_then_admits(broker: Broker) -> None:
    server = broker.server
    assert server is not None
    arm(broker, "refuse", duration_ms=1500)
    refused = await WireClient.connect(broker.bootstrap_servers)
    await refused.expect_closed(5)
    await refused.close()
    assert fault_closes(broker) >= 1

    async def admitted() -> bool:
        c = await WireClient.connect(broker.bootstrap_servers)
        try:
            return bool((await c.request(ApiVersionsRequest(), 0, timeout_s=2)).error_code == 0)
        except ConnectionError:
            return False
        finally:
            await c.close()

    await eventually(admitted, 10, "a connection admitted after the refusal")
    assert not plan_of(broker).armed()


async def test_confluent_producer_sees_the_injected_error(broker: Broker) -> None:
    client = await WireClient.connect(broker.bootstrap_servers)
    try:
        await create_topic(client, "c")
    finally:
        await client.close()
    arm(broker, "error", api="Produce", error="TOPIC_AUTHORIZATION_FAILED", when="after")
    bootstrap = broker.bootstrap_servers

    def send() -> list[Any]:
        errors: list[Any] = []
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": bootstrap, "message.send.max.retries": 0, "linger.ms": 0}
        )
        producer.produce("c", b"v", on_delivery=lambda err, _msg: errors.append(err))
        assert producer.flush(FLUSH_TIMEOUT_S) == 0
        return errors

    errors = await asyncio.to_thread(send)
    assert len(errors) == 1 and errors[0] is not None
    assert errors[0].code() == confluent_kafka.KafkaError.TOPIC_AUTHORIZATION_FAILED
    other = await WireClient.connect(broker.bootstrap_servers)
    try:
        assert await log_end(other, "c") == 1  # after: the record is in the log
    finally:
        await other.close()
