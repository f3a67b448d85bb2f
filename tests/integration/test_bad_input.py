"""Hostile and broken input over raw sockets: each gets the right error or a closed connection,
other clients keep working, and everything acknowledged before is still readable."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator

import pytest
from support.kafka_ops import create_topic, fetch, produce, produce_request, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.codec import encode_request, join_frame
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest

pytestmark = pytest.mark.samsa_config(**{"socket.request.max.bytes": 1024 * 1024})


@pytest.fixture
async def seeded(broker: Broker) -> AsyncIterator[WireClient]:
    """A topic with acknowledged records, and a bystander connection kept open throughout."""
    bystander = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(bystander, "safe")
    for i in range(3):
        assert (await produce(bystander, "safe", 0, make_batch([b"kept%d" % i]))).error_code == 0
    yield bystander
    # Afterwards: the bystander still works and nothing acknowledged is lost.
    assert (await bystander.request(ApiVersionsRequest(), 0)).error_code == 0
    data = await fetch(bystander, "safe", 0, 0)
    assert values_of(data.records)[:3] == [b"kept0", b"kept1", b"kept2"]
    fresh = await WireClient.connect(broker.bootstrap_servers)
    assert (await fresh.request(ApiVersionsRequest(), 0)).error_code == 0
    await fresh.close()
    await bystander.close()


def _frame(body: bytes) -> bytes:
    return struct.pack(">i", len(body)) + body


def _header(api_key: int, version: int, correlation: int = 1) -> bytes:
    return struct.pack(">hhi", api_key, version, correlation) + struct.pack(">h", 1) + b"x"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("length over the limit", struct.pack(">i", 50 * 1024 * 1024) + b"\x00" * 10),
        ("negative length", struct.pack(">i", -5)),
        ("header cut short", _frame(b"\x00\x03")),
        ("unknown api key", _frame(_header(999, 0))),
        ("metadata with a negative array count", _frame(_header(3, 1) + struct.pack(">i", -7))),
        ("metadata with a huge array count", _frame(_header(3, 1) + struct.pack(">i", 2**31 - 1))),
        (
            "produce with a huge array count",
            _frame(
                _header(0, 8)
                + struct.pack(">h", -1)
                + struct.pack(">hi", 1, 1000)
                + struct.pack(">i", 10**9)
            ),
        ),
        (
            "records length beyond the frame",
            _frame(
                _header(0, 8)
                + struct.pack(">h", -1)
                + struct.pack(">hi", 1, 1000)
                + struct.pack(">i", 1)
                + struct.pack(">h", 1)
                + b"t"
                + struct.pack(">i", 1)
                + struct.pack(">i", 0)
                + struct.pack(">i", 10_000)
                + b"short"
            ),
        ),
        (
            "string length beyond the frame",
            _frame(struct.pack(">hhi", 18, 0, 1) + struct.pack(">h", 500) + b"abc"),
        ),
    ],
)
async def test_malformed_input_closes_the_connection(
    broker: Broker, seeded: WireClient, name: str, data: bytes
) -> None:
    attacker = await WireClient.connect(broker.bootstrap_servers)
    await attacker.send_raw(data)
    await attacker.expect_closed()


async def test_truncated_frame_then_disconnect(broker: Broker, seeded: WireClient) -> None:
    attacker = await WireClient.connect(broker.bootstrap_servers)
    frame = join_frame(encode_request(RequestHeader(18, 0, 1, "x"), ApiVersionsRequest()))
    await attacker.send_raw(frame[: len(frame) - 2])
    await attacker.close()
    # The broker keeps serving others (checked by the fixture).


async def test_half_sent_frame_gets_no_answer_until_complete(
    broker: Broker, seeded: WireClient
) -> None:
    c = await WireClient.connect(broker.bootstrap_servers)
    frame = join_frame(encode_request(RequestHeader(18, 0, 5, "x"), ApiVersionsRequest()))
    await c.send_raw(frame[:3])
    assert await _no_frame_within(c, 0.2)
    await c.send_raw(frame[3:])
    answer = await c.read_frame()
    assert answer is not None and struct.unpack(">i", answer[:4])[0] == 5
    await c.close()


async def _no_frame_within(c: WireClient, seconds: float) -> bool:
    import asyncio

    try:
        await asyncio.wait_for(c.reader.read(1), seconds)
    except TimeoutError:
        return True
    return False


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("wrong crc", 2),
        ("more records than it holds", 87),  # INVALID_RECORD, as from Kafka
        ("length says more", 2),
        ("length says less", 87),
        ("garbage", 2),
    ],
)
async def test_broken_batches_get_per_partition_errors(
    broker: Broker, seeded: WireClient, name: str, code: int
) -> None:
    good = bytearray(make_batch([b"a", b"b"]))
    if name == "wrong crc":
        good[30] ^= 0xFF
    elif name == "more records than it holds":
        struct.pack_into(">i", good, 57, 1000)  # records_count
        struct.pack_into(">i", good, 23, 999)  # last_offset_delta, consistent with it
        import crc32c

        struct.pack_into(">I", good, 17, crc32c.crc32c(bytes(good[21:])))
    elif name == "length says more":
        struct.pack_into(">i", good, 8, len(good) + 100)
    elif name == "length says less":
        struct.pack_into(">i", good, 8, len(good) - 12 - 20)
    else:
        good = bytearray(b"\x07" * 80)
    c = await WireClient.connect(broker.bootstrap_servers)
    response = await produce(c, "safe", 0, bytes(good))
    assert response.error_code == code, name
    # The connection stays usable after a per-partition error.
    assert (await produce(c, "safe", 0, make_batch([b"after"]))).error_code == 0
    await c.close()


async def test_one_bad_partition_does_not_spoil_the_others(
    broker: Broker, seeded: WireClient
) -> None:
    from protocol.messages import ProduceRequest

    P = ProduceRequest.TopicProduceData.PartitionProduceData
    bad = bytearray(make_batch([b"bad"]))
    bad[-1] ^= 1
    body = ProduceRequest(
        acks=1,
        timeout_ms=1000,
        topic_data=[
            ProduceRequest.TopicProduceData(
                name="safe",
                partition_data=[
                    P(index=0, records=make_batch([b"good"])),
                    P(index=0, records=bytes(bad)),
                ],
            ),
            ProduceRequest.TopicProduceData(
                name="missing",
                partition_data=[
                    P(index=0, records=make_batch([b"x"])),
                ],
            ),
        ],
    )
    c = await WireClient.connect(broker.bootstrap_servers)
    response = await c.request(body, 8)
    codes = [[p.error_code for p in t.partition_responses] for t in response.responses]
    assert codes == [[0, 2], [3]]
    msg = response.responses[0].partition_responses[1].error_message
    assert msg and "CRC" in msg
    await c.close()


async def test_handler_crash_answers_unknown_server_error(
    broker: Broker, seeded: WireClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broker.handlers import base

    entry = broker.server.dispatch_table[3]  # type: ignore[union-attr]

    def boom(*args: object) -> None:
        raise RuntimeError("injected failure")

    broker.server.dispatch_table[3] = base.ApiHandler(  # type: ignore[union-attr]
        3, entry.min_version, entry.max_version, boom, entry.error_response
    )
    try:
        from support.kafka_ops import metadata

        c = await WireClient.connect(broker.bootstrap_servers)
        response = await metadata(c, ["safe"])
        assert [t.error_code for t in response.topics] == [-1]
        assert (await c.request(ApiVersionsRequest(), 0)).error_code == 0  # still connected
        await c.close()
    finally:
        broker.server.dispatch_table[3] = entry  # type: ignore[union-attr]


async def test_acks_0_with_a_broken_batch_closes(broker: Broker, seeded: WireClient) -> None:
    bad = bytearray(make_batch([b"bad"]))
    bad[-1] ^= 1
    c = await WireClient.connect(broker.bootstrap_servers)
    await c.send_raw(
        join_frame(
            encode_request(
                RequestHeader(0, 8, 1, "x"), produce_request("safe", 0, bytes(bad), acks=0)
            )
        )
    )
    await c.expect_closed()
