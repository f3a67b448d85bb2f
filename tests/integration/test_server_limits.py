"""Connection limits: in-flight requests per connection, idle timeout, connection count, and
what protects the broker from hostile clients (request-bytes budget, slow frames, per-address
limits, creation rate, eviction, trailing bytes)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time

import pytest
from support.kafka_ops import create_topic, fetch_request, produce
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.server.server import KafkaServer
from protocol.codec import decode_response, encode_request, join_frame
from protocol.headers import RequestHeader
from protocol.messages import (
    ApiVersionsRequest,
    ApiVersionsResponse,
    MetadataRequest,
    MetadataResponse,
)


@pytest.mark.samsa_config(**{"queued.max.requests": 3})
async def test_in_flight_requests_are_bounded_per_connection(broker: Broker) -> None:
    c = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(c, "q")
    # Ten long-polling fetches: at most three are dispatched at once, the rest wait unread.
    for _ in range(10):
        await c.send(fetch_request("q", 0, 0, max_wait_ms=300, min_bytes=1), 11)
    server = broker.server
    assert server is not None
    peak = 0
    received = 0
    while received < 10:
        response = asyncio.ensure_future(c.receive())
        while not response.done():
            peak = max(peak, max((conn.in_flight for conn in server.connections), default=0))
            await asyncio.sleep(0.01)
        response.result()
        received += 1
    assert received == 10
    assert peak == 3
    await c.close()


@pytest.mark.samsa_config(**{"connections.max.idle.ms": 200})
async def test_idle_connections_are_closed(broker: Broker) -> None:
    idle = await WireClient.connect(broker.bootstrap_servers)
    assert (await idle.request(ApiVersionsRequest(), 0)).error_code == 0
    started = time.monotonic()
    await idle.expect_closed(timeout_s=5)
    assert time.monotonic() - started >= 0.15


@pytest.mark.samsa_config(**{"connections.max.idle.ms": 300})
async def test_busy_connections_are_not_idle(broker: Broker) -> None:
    busy = await WireClient.connect(broker.bootstrap_servers)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        assert (await busy.request(MetadataRequest(topics=[]), 1)).controller_id == 1
        await asyncio.sleep(0.05)
    await busy.close()


@pytest.mark.samsa_config(**{"max.connections": 2})
async def test_connections_past_the_limit_are_closed(broker: Broker) -> None:
    a = await WireClient.connect(broker.bootstrap_servers)
    b = await WireClient.connect(broker.bootstrap_servers)
    assert (await a.request(ApiVersionsRequest(), 0)).error_code == 0
    assert (await b.request(ApiVersionsRequest(), 0)).error_code == 0
    c = await WireClient.connect(broker.bootstrap_servers)
    await c.expect_closed()
    await a.close()
    # A slot frees up once a connection goes away.

    async def served() -> bool:
        d = await WireClient.connect(broker.bootstrap_servers)
        try:
            return bool((await d.request(ApiVersionsRequest(), 0)).error_code == 0)
        finally:
            await d.close()

    # Each attempt is a new connection, after a client's reconnect backoff (0.05 s).
    await eventually(served, 5, "a free slot", poll_s=0.05, retry_on=(ConnectionError,))
    await b.close()


@pytest.mark.samsa_config(**{"socket.request.max.bytes": 4096})
async def test_request_size_limit(broker: Broker) -> None:
    c = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(c, "small")
    assert (await produce(c, "small", 0, make_batch([b"x" * 100]))).error_code == 0
    big = make_batch([b"y" * 8000])
    from support.kafka_ops import produce_request

    await c.send(produce_request("small", 0, big), 8)
    await c.expect_closed()


# -- hostile clients: request-bytes budget, slow frames, per-address limits, eviction --------

_MIB = 1024 * 1024


def _server(broker: Broker) -> KafkaServer:
    server = broker.server
    assert server is not None
    return server


def _prefix(size: int) -> bytes:
    return struct.pack(">i", size)


def _produce_header(correlation_id: int = 1) -> bytes:
    """A Produce v8 request header (13 bytes): what an attacker sends after the size."""
    return struct.pack(">hhih", 0, 8, correlation_id, 1) + b"x"


async def _connect_from(broker: Broker, local_ip: str) -> WireClient:
    host, _, port = broker.bootstrap_servers.rpartition(":")
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, int(port), local_addr=(local_ip, 0)), 5
    )
    return WireClient(reader, writer)


def _reset(client: WireClient) -> None:
    """Close abruptly (RST), as a client that dies does."""
    sock = client.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.writer.transport.abort()


async def _served(client: WireClient) -> bool:
    """Whether the broker answers an ApiVersions request on ``client`` (False: it closed)."""
    try:
        return bool((await client.request(ApiVersionsRequest(), 0, timeout_s=5)).error_code == 0)
    except (ConnectionError, asyncio.IncompleteReadError):
        return False


@pytest.mark.samsa_config(**{"socket.request.max.bytes": _MIB, "queued.max.request.bytes": _MIB})
async def test_partial_frames_cannot_hold_more_than_the_budget(broker: Broker) -> None:
    server = _server(broker)
    budget = server.budget
    assert budget.limit_bytes == _MIB
    # Six connections each announce a frame of 900 KiB and send 300 KiB of it: 1.8 MiB wanted.
    hogs = [await WireClient.connect(broker.bootstrap_servers) for _ in range(6)]
    for hog in hogs:
        await hog.send_raw(_prefix(900 * 1024) + _produce_header() + b"\0" * (300 * 1024 - 13))

    def held() -> int:
        return sum(conn.held_bytes for conn in server.connections)

    await eventually(
        lambda: budget.waiting > 0 and budget.available_bytes < 4096, what="a full budget"
    )
    assert budget.used_bytes <= _MIB and held() <= _MIB
    assert budget.used_bytes == held()
    # A newcomer's small request queues behind them: first come, first served.
    newcomer = await WireClient.connect(broker.bootstrap_servers)
    await newcomer.send(ApiVersionsRequest(), 0)
    pending = asyncio.ensure_future(newcomer.receive(timeout_s=10))
    await eventually(lambda: budget.waiting >= 2, what="the newcomer to wait for budget")
    assert not pending.done()
    assert budget.peak_bytes <= _MIB
    # Reading resumes once the stalled frames go away. (They reset their connections: a
    # graceful close would sit behind their unread bytes, and only the slow-frame deadline
    # would free their budget.)
    for hog in hogs:
        _reset(hog)
    assert (await asyncio.wait_for(pending, 10)).error_code == 0
    await eventually(
        lambda: budget.used_bytes == 0 and budget.waiting == 0, what="the budget freed"
    )
    assert budget.peak_bytes <= _MIB
    # And a whole frame of the largest size still fits.
    c = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(c, "big")
    big = make_batch([b"v" * (900 * 1024)])
    assert (await produce(c, "big", 0, big)).error_code == 0
    await c.close()
    await newcomer.close()


@pytest.mark.samsa_config(**{"connections.max.request.read.ms": 500})
async def test_a_frame_that_does_not_arrive_in_time_closes_the_connection(
    broker: Broker,
) -> None:
    server = _server(broker)
    loris = await WireClient.connect(broker.bootstrap_servers)
    busy = await WireClient.connect(broker.bootstrap_servers)
    started = time.monotonic()
    await loris.send_raw(_prefix(1000) + _produce_header())

    async def trickle() -> None:  # a byte every 50 ms: never silent, never done
        with contextlib.suppress(ConnectionError):
            for _ in range(200):
                await asyncio.sleep(0.05)
                await loris.send_raw(b"\0")

    trickler = asyncio.ensure_future(trickle())
    closed = asyncio.ensure_future(loris.expect_closed(timeout_s=5))
    while not closed.done():  # a client with whole requests meanwhile is not touched
        assert (await busy.request(MetadataRequest(topics=[]), 1)).controller_id == 1
        await asyncio.sleep(0.05)
    await closed
    elapsed = time.monotonic() - started
    trickler.cancel()
    assert 0.45 <= elapsed < 3.0
    assert server.close_counts["request_read_timeout"] == 1
    assert (await busy.request(ApiVersionsRequest(), 0)).error_code == 0
    await busy.close()


@pytest.mark.samsa_config(**{"max.connections.per.ip": 2})
async def test_connections_per_ip(broker: Broker) -> None:
    server = _server(broker)
    a = await WireClient.connect(broker.bootstrap_servers)
    b = await WireClient.connect(broker.bootstrap_servers)
    assert await _served(a) and await _served(b)
    c = await WireClient.connect(broker.bootstrap_servers)
    await c.expect_closed()
    assert server.close_counts["max_connections_per_ip"] == 1
    await a.close()
    await eventually(lambda: server.quotas.count("127.0.0.1") == 1, what="a's slot to free up")
    d = await WireClient.connect(broker.bootstrap_servers)
    assert await _served(d)
    for client in (b, d):
        await client.close()


@pytest.mark.samsa_config(
    **{"max.connections.per.ip": 1, "max.connections.per.ip.overrides": "127.0.0.2:3"}
)
async def test_connections_per_ip_overrides(broker: Broker) -> None:
    server = _server(broker)
    first = await _connect_from(broker, "127.0.0.1")
    assert await _served(first)
    second = await _connect_from(broker, "127.0.0.1")
    await second.expect_closed()
    others = [await _connect_from(broker, "127.0.0.2") for _ in range(3)]
    for client in others:
        assert await _served(client)
    fourth = await _connect_from(broker, "127.0.0.2")
    await fourth.expect_closed()
    assert server.close_counts["max_connections_per_ip"] == 2
    for client in (first, *others):
        await client.close()


@pytest.mark.samsa_config(**{"max.connection.creation.rate": 5})
async def test_connection_creation_rate_throttles_accepting(broker: Broker) -> None:
    started = time.monotonic()
    clients = [await WireClient.connect(broker.bootstrap_servers) for _ in range(15)]

    async def answered_after(client: WireClient) -> float:
        assert await _served(client)
        return time.monotonic() - started

    times = sorted(await asyncio.gather(*(answered_after(c) for c in clients)))
    # A burst of one second's worth (5), then 5 a second: none refused, the last accepted
    # 2 s after the burst.
    assert times[-1] >= 1.9
    assert times[-1] < 10
    assert _server(broker).close_counts.total() == 0
    for client in clients:
        await client.close()


async def test_trailing_bytes_are_ignored_as_kafka_does(broker: Broker) -> None:
    server = _server(broker)
    c = await WireClient.connect(broker.bootstrap_servers)
    versions = ApiVersionsRequest(client_software_name="wire-test", client_software_version="1")
    for body, version in ((versions, 3), (MetadataRequest(topics=[]), 1)):
        header = RequestHeader(body.API_KEY, version, 41, "trailing")
        frame = join_frame(encode_request(header, body))
        junk = b"\x00\x01junk"
        await c.send_raw(struct.pack(">i", len(frame) - 4 + len(junk)) + frame[4:] + junk)
        raw = await c.read_frame()
        assert raw is not None
        correlation_id, response = decode_response(body.API_KEY, version, memoryview(raw))
        assert correlation_id == 41
        if isinstance(response, ApiVersionsResponse):
            assert response.error_code == 0
        else:
            assert isinstance(response, MetadataResponse)
            assert response.controller_id == 1
    assert server.request_anomaly_counts["trailing_bytes"] == 2
    assert (await c.request(ApiVersionsRequest(), 0)).error_code == 0  # still open
    assert server.close_counts.total() == 0
    await c.close()


@pytest.mark.samsa_config(**{"max.connections": 3, "max.connections.eviction.idle.ms": 2000})
async def test_eviction_at_max_connections(broker: Broker) -> None:
    server = _server(broker)
    served = await WireClient.connect(broker.bootstrap_servers)
    await create_topic(served, "quiet")
    busy = await WireClient.connect(broker.bootstrap_servers)
    await busy.send(fetch_request("quiet", 0, 0, max_wait_ms=20_000, min_bytes=1), 11)
    opened = time.monotonic()
    loris = await WireClient.connect(broker.bootstrap_servers)
    await loris.send_raw(_prefix(100 * _MIB)[:2])
    await eventually(lambda: len(server.connections) == 3, what="three connections")
    assert await _served(served)  # served after the loris opened: the loris is older
    refreshed = time.monotonic()
    # At once: everyone was useful less than 2 s ago, so the newcomer is refused.
    early = await WireClient.connect(broker.bootstrap_servers)
    await early.expect_closed()
    assert server.close_counts["max_connections"] == 1
    # Later the never-served connection goes first...

    async def served_newcomer() -> WireClient | None:
        newcomer = await WireClient.connect(broker.bootstrap_servers)
        return newcomer if await _served(newcomer) else None

    # Each attempt is a new connection, after a client's reconnect backoff (0.05 s).
    newcomer = await eventually(
        served_newcomer, 20, "a connection evicted for the newcomer", poll_s=0.05
    )
    assert time.monotonic() - opened >= 2.0
    await loris.expect_closed()
    assert server.close_counts["evicted"] == 1
    # ...then the least recently served...
    await eventually(lambda: time.monotonic() - refreshed >= 2.0, what="2 s since it was served")
    assert await _served(newcomer)
    second = await WireClient.connect(broker.bootstrap_servers)
    assert await _served(second)
    await served.expect_closed()
    assert server.close_counts["evicted"] == 2
    # ...and never one with a request in flight, nor one served within the last 2 s.
    third = await WireClient.connect(broker.bootstrap_servers)
    await third.expect_closed()
    assert server.close_counts["evicted"] == 2
    assert [conn.in_flight for conn in server.connections if conn.in_flight] == [1]
    for client in (busy, newcomer, second):
        await client.close()
