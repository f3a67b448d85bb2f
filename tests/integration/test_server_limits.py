"""Connection limits: in-flight requests per connection, idle timeout, connection count."""

from __future__ import annotations

import asyncio
import time

import pytest
from support.kafka_ops import create_topic, fetch_request, produce
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.messages import ApiVersionsRequest, MetadataRequest


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
    deadline = time.monotonic() + 5
    while True:
        d = await WireClient.connect(broker.bootstrap_servers)
        try:
            assert (await d.request(ApiVersionsRequest(), 0)).error_code == 0
            break
        except (ConnectionError, AssertionError):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        finally:
            await d.close()
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
