"""The HTTP listener's two-step start (``broker/http/launch.py``): its port is bound first and
served once the Kafka listener is open; a request that arrives in between waits and is answered;
a start that fails before it serves releases the port."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Final

import pytest
from support.ports import free_ports

import broker.http.launch as launch
from broker.app import Broker
from broker.config import load_config
from broker.metadata.image import MetadataImage
from broker.metadata.log import MetadataLog

pytestmark = pytest.mark.timeout(60)

#: How long one step may take on a busy machine.
STEP_TIMEOUT_S: Final = 20.0


async def test_a_request_before_the_kafka_listener_opens_is_answered_once_it_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The HTTP listener waits for the Kafka listener however long the start takes.
    monkeypatch.setattr(launch, "HTTP_DEFER_MAX_S", 600.0)
    (http_port,) = free_ports(1)
    config = load_config(
        None,
        {
            "listeners": "PLAINTEXT://127.0.0.1:0",
            "log.dirs": str(tmp_path),
            "log.flush.policy": "none",
            "http.listeners": f"127.0.0.1:{http_port}",
        },
    )
    broker = Broker(config)
    release, reached = asyncio.Event(), asyncio.Event()
    original_catch_up = Broker._catch_up

    async def held_catch_up(self: Broker, metadata_log: MetadataLog) -> MetadataImage:
        reached.set()
        await release.wait()
        return await original_catch_up(self, metadata_log)

    monkeypatch.setattr(Broker, "_catch_up", held_catch_up)
    starting = asyncio.create_task(broker.start())
    writer: asyncio.StreamWriter | None = None
    try:
        await asyncio.wait_for(reached.wait(), STEP_TIMEOUT_S)
        # Bound, not yet served.
        assert broker.http_port == http_port
        assert broker.http_url == f"http://127.0.0.1:{http_port}"
        assert broker.http is None
        reader, writer = await asyncio.open_connection("127.0.0.1", http_port)
        writer.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        answer = asyncio.create_task(reader.read())
        assert broker.http is None  # the request waits in the listen backlog

        release.set()
        await asyncio.wait_for(starting, STEP_TIMEOUT_S)
        assert broker.http is not None
        response = await asyncio.wait_for(answer, STEP_TIMEOUT_S)
        assert response.startswith(b"HTTP/1.1 200"), response
        assert b'{"status": "live"}' in response, response
    finally:
        release.set()
        if writer is not None:
            writer.close()
        if not starting.done():
            starting.cancel()
        await broker.stop()


async def test_a_start_that_fails_before_the_http_listener_serves_releases_its_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch, "HTTP_DEFER_MAX_S", 600.0)
    (http_port,) = free_ports(1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = load_config(
            None,
            {
                "listeners": f"PLAINTEXT://127.0.0.1:{taken.getsockname()[1]}",
                "log.dirs": str(tmp_path),
                "log.flush.policy": "none",
                "http.listeners": f"127.0.0.1:{http_port}",
            },
        )
        broker = Broker(config)
        with pytest.raises(OSError, match="address already in use"):
            await asyncio.wait_for(broker.start(), STEP_TIMEOUT_S)
    assert broker.http is None and broker.http_port is None
    with socket.socket() as again:  # the HTTP port is free again
        again.bind(("127.0.0.1", http_port))
