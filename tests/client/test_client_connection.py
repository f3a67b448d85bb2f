"""Connections: addresses in errors, version negotiation, pipelining, in-flight bound,
request timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest
from support.fake_broker import CLOSE, FakeBroker, api_versions_body, metadata_body
from support.waiting import eventually

from broker import Broker
from client.connection import Connection
from client.errors import KafkaConnectionError, KafkaTimeoutError, UnsupportedFeatureError
from protocol.codec import Request, api_versions_fallback, encode_response, join_frame
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest, MetadataRequest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_refused_connection_names_host_and_port() -> None:
    port = _free_port()
    conn = Connection("127.0.0.1", port, node_id=3)
    with pytest.raises(KafkaConnectionError) as info:
        await conn.open()
    assert f"127.0.0.1:{port}" in str(info.value)
    assert info.value.port == port and info.value.node_id == 3
    assert conn.closed


async def test_negotiates_the_highest_common_versions(broker: Broker) -> None:
    conn = Connection(broker.host, broker.port)
    await conn.open()
    try:
        assert conn.versions.pick(3) == 12  # Metadata
        assert conn.versions.pick(0) == 8  # Produce
        assert conn.versions.pick(1) == 11  # Fetch
        assert conn.versions.pick(18) == 4  # ApiVersions
        with pytest.raises(UnsupportedFeatureError, match="38"):
            conn.versions.require(38)  # CreateDelegationToken: neither side has it
    finally:
        conn.close()


async def test_api_versions_downgrade_on_unsupported_version() -> None:
    versions = {18: (0, 2), 3: (0, 5)}

    def handler(request: Request) -> object:
        if request.header.api_key == 18 and request.header.api_version > 2:
            return api_versions_fallback(
                request.header.correlation_id, [(k, lo, hi) for k, (lo, hi) in versions.items()]
            )
        return api_versions_body(versions)

    async with FakeBroker(handler) as fake:
        conn = Connection("127.0.0.1", fake.port)
        await conn.open()
        asked = [r.header.api_version for r in fake.requests]
        assert asked == [ApiVersionsRequest.MAX_VERSION, 2]
        assert conn.versions.pick(3) == 5  # the broker's maximum, not ours
        assert conn.versions.pick(0) is None
        conn.close()


async def test_pipelined_requests_are_matched_in_order(broker: Broker) -> None:
    conn = Connection(broker.host, broker.port, max_in_flight=5)
    await conn.open()
    try:
        bodies = [MetadataRequest(topics=[], allow_auto_topic_creation=False) for _ in range(5)]
        futures = [conn.send(b) for b in bodies]
        assert conn.in_flight == 5 and not conn.has_capacity
        responses = await asyncio.gather(*futures)
        assert all(r.controller_id == 1 for r in responses)
        assert conn.in_flight == 0
    finally:
        conn.close()


async def test_in_flight_requests_are_bounded() -> None:
    held: list[Request] = []
    release = asyncio.Event()

    async def handler(request: Request) -> object:
        if request.header.api_key == 18:
            return api_versions_body({18: (0, 4), 3: (0, 8)})
        held.append(request)
        await release.wait()
        return metadata_body(0)

    async with FakeBroker(handler) as fake:
        conn = Connection("127.0.0.1", fake.port, max_in_flight=2)
        await conn.open()
        body = MetadataRequest(topics=[], allow_auto_topic_creation=False)
        tasks = [asyncio.create_task(conn.request(body)) for _ in range(4)]
        await eventually(lambda: conn.in_flight == 2, 5, "two requests in flight")
        assert conn.in_flight == 2  # the other two wait for a slot
        release.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks), 5)
        assert len(results) == 4
        conn.close()


async def test_request_timeout_fails_the_request_and_closes_the_connection() -> None:
    def handler(request: Request) -> object:
        if request.header.api_key == 18:
            return api_versions_body({18: (0, 4), 3: (0, 8)})
        return None  # never answered

    async with FakeBroker(handler) as fake:
        conn = Connection("127.0.0.1", fake.port, request_timeout_ms=200)
        await conn.open()
        body = MetadataRequest(topics=[], allow_auto_topic_creation=False)
        first = conn.send(body)
        second = conn.send(body)
        with pytest.raises(KafkaTimeoutError, match=r"Metadata request .* no response"):
            await asyncio.wait_for(first, 5)
        with pytest.raises(KafkaConnectionError, match="timed out"):
            await asyncio.wait_for(second, 5)
        assert conn.closed


async def test_a_dropped_connection_fails_requests_in_flight_naming_the_address() -> None:
    def handler(request: Request) -> object:
        if request.header.api_key == 18:
            return api_versions_body({18: (0, 4), 3: (0, 8)})
        return CLOSE

    async with FakeBroker(handler) as fake:
        conn = Connection("127.0.0.1", fake.port)
        await conn.open()
        closed: list[Connection] = []
        conn.add_close_callback(closed.append)
        with pytest.raises(KafkaConnectionError, match=f"127.0.0.1:{fake.port}"):
            await conn.request(MetadataRequest(topics=[], allow_auto_topic_creation=False))
        assert conn.closed and closed == [conn]


async def test_connect_timeout_names_the_address() -> None:
    # A listening socket that never accepts: the backlog fills, later connects hang.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        conn = Connection("127.0.0.1", port, connect_timeout_ms=300)
        with pytest.raises(KafkaConnectionError, match=f"127.0.0.1:{port}"):
            await asyncio.wait_for(conn.open(), 10)
    finally:
        for s in fillers:
            s.close()
        server.close()


async def test_a_response_with_another_correlation_id_fails_the_connection() -> None:
    def handler(request: Request) -> object:
        if request.header.api_key == 18:
            return api_versions_body({18: (0, 4), 3: (0, 8)})
        header = request.header
        wrong = RequestHeader(header.api_key, header.api_version, header.correlation_id + 7)
        return join_frame(encode_response(wrong, metadata_body(0)))

    async with FakeBroker(handler) as fake:
        conn = Connection("127.0.0.1", fake.port)
        await conn.open()
        with pytest.raises(KafkaConnectionError, match="response correlation id 8, expected 1"):
            await asyncio.wait_for(
                conn.request(MetadataRequest(topics=[], allow_auto_topic_creation=False)), 5
            )
        assert conn.closed and conn.in_flight == 0
