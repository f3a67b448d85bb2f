"""``/health/live`` and ``/health/ready`` flip at the right moments: live as soon as the broker
starts, ready only once its metadata has caught up (in a cluster: registered and unfenced), not
ready from the moment shutdown begins while the HTTP listener still answers, and closed last."""

from __future__ import annotations

import asyncio
import functools
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cluster.cluster_harness import ProcessCluster
from support.ports import free_ports
from support.waiting import eventually_sync

from broker.app import Broker
from broker.config import load_config
from broker.metadata.image import MetadataImage
from broker.metadata.log import MetadataLog

pytestmark = pytest.mark.timeout(120)

#: How long one HTTP request may take.
REQUEST_TIMEOUT_S = 10.0
#: How long a broker process may take to answer its first health check.
PROCESS_START_S = 60.0


async def _health(url: str, which: str) -> tuple[int, dict[str, Any]]:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"{url}/health/{which}") as answer,
    ):
        body: dict[str, Any] = json.loads(await answer.read())
        return answer.status, body


def _gate(
    original: Callable[..., Awaitable[Any]], gate: asyncio.Event, reached: asyncio.Event
) -> Callable[..., Awaitable[Any]]:
    """``original``, held at its start until ``gate`` is set (``reached`` says it got there)."""

    async def held(*args: Any) -> Any:
        reached.set()
        await gate.wait()
        return await original(*args)

    return held


async def test_live_then_ready_at_start_and_not_ready_as_soon_as_stop_begins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (port,) = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    config = load_config(
        None,
        {
            "listeners": "PLAINTEXT://127.0.0.1:0",
            "log.dirs": str(tmp_path),
            "log.flush.policy": "none",
            "http.listeners": f"127.0.0.1:{port}",
        },
    )
    broker = Broker(config)
    caught_up, catching_up = asyncio.Event(), asyncio.Event()
    original_catch_up = Broker._catch_up

    async def held_catch_up(self: Broker, metadata_log: MetadataLog) -> MetadataImage:
        catching_up.set()
        await caught_up.wait()
        return await original_catch_up(self, metadata_log)

    monkeypatch.setattr(Broker, "_catch_up", held_catch_up)
    starting = asyncio.create_task(broker.start())
    try:
        await asyncio.wait_for(catching_up.wait(), REQUEST_TIMEOUT_S)
        # The metadata is catching up: the process is live and not ready.
        assert await _health(url, "live") == (200, {"status": "live"})
        status, body = await _health(url, "ready")
        assert status == 503 and body["status"] == "not ready", body
        assert "catching up" in body["reason"], body
        assert broker.http_url == url

        caught_up.set()
        await asyncio.wait_for(starting, REQUEST_TIMEOUT_S * 3)
        assert await _health(url, "ready") == (200, {"status": "ready"})

        # Shutdown: held in the middle (the group coordinator's stop), where the HTTP
        # listener still answers, live and not ready.
        coordinator = broker.group_coordinator
        assert coordinator is not None
        release, stopping_reached = asyncio.Event(), asyncio.Event()
        monkeypatch.setattr(coordinator, "stop", _gate(coordinator.stop, release, stopping_reached))
        stopping = asyncio.create_task(broker.stop())
        await asyncio.wait_for(stopping_reached.wait(), REQUEST_TIMEOUT_S)
        assert await _health(url, "live") == (200, {"status": "live"})
        assert await _health(url, "ready") == (
            503,
            {"status": "not ready", "reason": "shutting down"},
        )
        release.set()
        await asyncio.wait_for(stopping, REQUEST_TIMEOUT_S * 3)
        # The HTTP listener closed last.
        with pytest.raises(aiohttp.ClientConnectionError):
            await _health(url, "live")
        assert broker.http is None
    finally:
        caught_up.set()
        if not starting.done():
            starting.cancel()
        await broker.stop()


async def test_an_embedded_broker_is_ready_once_started() -> None:
    async with Broker.embedded() as broker:
        assert broker.http_url is not None
        assert await _health(broker.http_url, "ready") == (200, {"status": "ready"})
        assert broker.readiness() is None
    assert broker.readiness() is not None


def _get_sync(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _is_ready(url: str) -> bool:
    return _get_sync(f"{url}/health/ready")[0] == 200


def test_a_broker_without_its_quorum_is_live_and_not_ready_until_the_quorum_is_up(
    tmp_path: Path,
) -> None:
    http_ports = dict(zip((1, 2, 3), free_ports(3), strict=True))
    urls = {node: f"http://127.0.0.1:{port}" for node, port in http_ports.items()}
    cluster = ProcessCluster(
        tmp_path,
        size=3,
        node_settings={n: {"http.listeners": f"127.0.0.1:{p}"} for n, p in http_ports.items()},
    )
    try:
        cluster.start(1)  # one voter of three: no quorum, no controller
        live = eventually_sync(
            lambda: _get_sync(f"{urls[1]}/health/live"),
            PROCESS_START_S,
            "broker 1 answers /health/live",
            retry_on=(urllib.error.URLError, ConnectionError),
        )
        assert live == (200, {"status": "live"})
        status, body = _get_sync(f"{urls[1]}/health/ready")
        assert status == 503 and body["status"] == "not ready", body

        cluster.start(2)
        cluster.start(3)
        for node in (1, 2, 3):
            cluster.wait_unfenced(node)
        for node in (1, 2, 3):
            ready = eventually_sync(
                functools.partial(_is_ready, urls[node]),
                what=f"broker {node} is ready",
                retry_on=(urllib.error.URLError, ConnectionError),
            )
            assert ready
    finally:
        cluster.close()


async def test_ready_waits_for_every_listener(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker whose Kafka port is busy is never ready: its start fails after it was live."""
    (http_port,) = free_ports(1)
    url = f"http://127.0.0.1:{http_port}"
    async with Broker.embedded() as first:
        config = load_config(
            None,
            {
                "listeners": f"PLAINTEXT://127.0.0.1:{first.port}",
                "log.dirs": str(tmp_path),
                "http.listeners": f"127.0.0.1:{http_port}",
            },
        )
        second = Broker(config)
        release, reached = asyncio.Event(), asyncio.Event()
        monkeypatch.setattr(second, "_catch_up", _gate(second._catch_up, release, reached))
        starting = asyncio.create_task(second.start())
        await asyncio.wait_for(reached.wait(), REQUEST_TIMEOUT_S)
        assert (await _health(url, "live"))[0] == 200
        assert (await _health(url, "ready"))[0] == 503
        release.set()
        with pytest.raises(OSError, match="address already in use"):
            await asyncio.wait_for(starting, REQUEST_TIMEOUT_S * 3)
        # The failed start closed the HTTP listener too.
        with pytest.raises(aiohttp.ClientConnectionError):
            await _health(url, "live")
