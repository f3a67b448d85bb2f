"""The broker's HTTP listener: its routes, the headers on every answer, its bounds (connections,
request sizes, slow clients, slow handlers), and a busy or malformed ``http.listeners``."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from support.http_broker import NotStartedBroker
from support.waiting import eventually

from broker.app import Broker, BrokerStartError
from broker.config import BrokerConfig, ConfigError, load_config
from broker.http.server import MAX_BODY_BYTES, HttpServer
from protocol.scram import ScramCredential

pytestmark = pytest.mark.timeout(90)

#: How long a test waits for one HTTP answer or one close.
ANSWER_TIMEOUT_S = 10.0


@pytest.fixture(scope="module", params=["asyncio", "uvloop"])
def event_loop_policy(request: pytest.FixtureRequest) -> asyncio.AbstractEventLoopPolicy:
    """Every test on asyncio's loop and on uvloop's (what ``samsa broker start`` runs; the
    module's few tests without a loop run twice too)."""
    if request.param == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        policy: asyncio.AbstractEventLoopPolicy = uvloop.EventLoopPolicy()
        return policy
    return asyncio.DefaultEventLoopPolicy()


class FakeBroker(NotStartedBroker):
    """What ``HttpServer`` needs of a broker, for testing the listener alone."""

    def __init__(self, **settings: Any) -> None:
        self.config: BrokerConfig = load_config(None, {"http.listeners": "127.0.0.1:0", **settings})
        self.reason: str | None = None

    def readiness(self) -> str | None:
        return self.reason

    def scram_credentials(self) -> Mapping[tuple[str, str], ScramCredential] | None:
        return {}


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    async with Broker.embedded() as running:
        yield running


async def _get(url: str, **kwargs: Any) -> tuple[int, Mapping[str, str], bytes]:
    timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, **kwargs) as answer,
    ):
        return answer.status, dict(answer.headers), await answer.read()


async def _raw(port: int, data: bytes) -> bytes:
    """Send ``data`` on a new connection and read until the server closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), ANSWER_TIMEOUT_S)
    finally:
        writer.close()


def _check_headers(headers: Mapping[str, str]) -> None:
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


# -- routes ------------------------------------------------------------------------------------


async def test_the_routes_answer_with_their_content_and_the_security_headers(
    broker: Broker,
) -> None:
    assert broker.http_port is not None and broker.http_port != 9644
    assert broker.http_url == f"http://127.0.0.1:{broker.http_port}"

    status, headers, body = await _get(f"{broker.http_url}/health/live")
    assert (status, body) == (200, b'{"status": "live"}')
    assert headers["Content-Type"].startswith("application/json")
    _check_headers(headers)

    status, headers, body = await _get(f"{broker.http_url}/health/ready")
    assert (status, body) == (200, b'{"status": "ready"}')

    status, headers, body = await _get(f"{broker.http_url}/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    _check_headers(headers)
    names = {family.name for family in text_string_to_metric_families(body.decode())}
    assert "samsa_build_info" in names


async def test_unknown_paths_and_methods_are_refused_with_the_same_headers(
    broker: Broker,
) -> None:
    for path in ("/nope", "/health", "/health/live/x", "/static/../../etc/passwd"):
        status, headers, _ = await _get(f"{broker.http_url}{path}")
        assert status == 404, path
        _check_headers(headers)
    timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.delete(f"{broker.http_url}/health/live") as answer,
    ):
        assert answer.status == 405
        _check_headers(answer.headers)


async def test_the_console_assets_are_served_from_the_static_directory(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>Samsa</title>")
    (tmp_path / "console.js").write_text("export const x = 1;")
    server = HttpServer(FakeBroker(), static_dir=tmp_path)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        status, headers, body = await _get(f"{url}/")
        assert (status, body) == (200, b"<!doctype html><title>Samsa</title>")
        assert headers["Content-Type"].startswith("text/html")
        _check_headers(headers)
        status, headers, body = await _get(f"{url}/static/console.js")
        assert (status, body) == (200, b"export const x = 1;")
        assert status == 200 and "javascript" in headers["Content-Type"]
        status, _, _ = await _get(f"{url}/static/missing.js")
        assert status == 404
    finally:
        await server.stop()


async def test_without_the_console_only_health_and_metrics_are_served(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    server = HttpServer(FakeBroker(**{"http.console.enable": "false"}), static_dir=tmp_path)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        assert (await _get(f"{url}/"))[0] == 404
        assert (await _get(f"{url}/metrics"))[0] == 200
        assert (await _get(f"{url}/health/live"))[0] == 200
    finally:
        await server.stop()


# -- bounds ------------------------------------------------------------------------------------


async def test_connections_past_the_limit_are_closed_at_once() -> None:
    server = HttpServer(FakeBroker(**{"http.max.connections": "2"}))
    await server.start()
    assert server.port is not None
    held: list[asyncio.StreamWriter] = []
    try:
        for _ in range(2):
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            held.append(writer)
        await eventually(lambda: server.open_connections == 2, what="two connections admitted")
        # A third is closed without an answer, even to a whole request.
        answer = await _raw(server.port, b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer == b""
        assert server.refused_connections == 1
        # Once one closes, a new connection is served again.
        held.pop().close()
        await eventually(lambda: server.open_connections == 1, what="a connection closed")
        status, _, _ = await _get(f"http://127.0.0.1:{server.port}/health/live")
        assert status == 200
    finally:
        for writer in held:
            writer.close()
        await server.stop()
    assert server.open_connections == 0


async def test_huge_request_lines_headers_and_bodies_are_refused() -> None:
    server = HttpServer(FakeBroker())

    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    server.app.router.add_post("/echo", echo)
    await server.start()
    assert server.port is not None
    url = f"http://127.0.0.1:{server.port}"
    try:
        long_path = b"/" + b"a" * 20_000
        answer = await _raw(server.port, b"GET " + long_path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.split(b" ")[1] in (b"400", b"414"), answer[:200]
        big_header = b"X-Big: " + b"b" * 20_000 + b"\r\n"
        answer = await _raw(server.port, b"GET /health/live HTTP/1.1\r\n" + big_header + b"\r\n")
        assert answer.split(b" ")[1].startswith(b"4"), answer[:200]
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(500))
        answer = await _raw(server.port, b"GET /health/live HTTP/1.1\r\n" + many + b"\r\n")
        assert answer.split(b" ")[1].startswith(b"4"), answer[:200]

        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(f"{url}/echo", data=b"x" * 1000) as ok:
                assert ok.status == 200 and await ok.read() == b"x" * 1000
            async with session.post(f"{url}/echo", data=b"x" * (MAX_BODY_BYTES + 1)) as big:
                assert big.status == 413
        # The listener still serves, and logged no traceback per bad request.
        assert (await _get(f"{url}/health/live"))[0] == 200
        assert server.bad_requests == 3
    finally:
        await server.stop()


async def test_a_slow_client_is_closed_and_does_not_hold_others_up() -> None:
    idle_timeout_s = 0.5
    server = HttpServer(FakeBroker(), idle_timeout_s=idle_timeout_s)
    await server.start()
    assert server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    started = time.monotonic()

    async def trickle() -> None:
        # A header that never ends, a byte at a time (a slowloris client).
        for byte in b"GET /health/live HTTP/1.1\r\nX-Slow: " + b"z" * 10_000:
            if writer.is_closing():
                return
            writer.write(bytes([byte]))
            await asyncio.sleep(0.05)

    trickler = asyncio.create_task(trickle())
    try:
        # Others are served meanwhile.
        assert (await _get(f"http://127.0.0.1:{server.port}/health/live"))[0] == 200
        assert await asyncio.wait_for(reader.read(), ANSWER_TIMEOUT_S) == b""
        closed_after_s = time.monotonic() - started
        # (The server's clock started when it accepted, a moment before ``started``.)
        assert idle_timeout_s * 0.8 <= closed_after_s < idle_timeout_s + 5, closed_after_s
    finally:
        trickler.cancel()
        writer.close()
        await server.stop()


async def test_a_request_that_takes_too_long_is_answered_503() -> None:
    server = HttpServer(FakeBroker(), request_timeout_s=0.3)
    never = asyncio.Event()

    async def stuck(_: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    server.app.router.add_get("/stuck", stuck)
    await server.start()
    try:
        status, headers, body = await _get(f"http://127.0.0.1:{server.port}/stuck")
        assert status == 503 and b"REQUEST_TIMED_OUT" in body
        _check_headers(headers)
        assert server.timed_out_requests == 1
    finally:
        await server.stop()


async def test_stop_closes_open_connections() -> None:
    server = HttpServer(FakeBroker())
    await server.start()
    assert server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    await eventually(lambda: server.open_connections == 1, what="the connection admitted")
    await server.stop()
    assert await asyncio.wait_for(reader.read(), ANSWER_TIMEOUT_S) == b""
    writer.close()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", server.port)


# -- settings ----------------------------------------------------------------------------------


@pytest.fixture
def busy_port() -> Any:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


async def test_a_busy_http_port_fails_the_start(busy_port: int, tmp_path: Path) -> None:
    with pytest.raises(BrokerStartError) as failure:
        async with Broker.embedded(tmp_path, **{"http.listeners": f"127.0.0.1:{busy_port}"}):
            pass
    assert str(failure.value) == (
        f"HTTP listener: cannot listen on 127.0.0.1:{busy_port}: address already in use"
    )
    assert not (tmp_path / "meta.properties").exists()  # nothing was created


def test_the_cli_names_a_busy_http_port_in_one_line(busy_port: int, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, "-c", "from broker.cli import main; main()", "broker", "start",
            "--port", "0", "--data-dir", str(tmp_path),
            "--set", f"http.listeners=127.0.0.1:{busy_port}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"samsa: error: HTTP listener: cannot listen on 127.0.0.1:{busy_port}: "
        "address already in use"
    ]


@pytest.mark.parametrize(
    "value", ["9644", "localhost", "127.0.0.1:port", "127.0.0.1:70000", "http://127.0.0.1:1"]
)
def test_a_malformed_http_listeners_is_a_one_line_error(value: str) -> None:
    with pytest.raises(ConfigError) as failure:
        load_config(None, {"http.listeners": value})
    message = str(failure.value)
    assert "\n" not in message and "http.listeners" in message, message


def test_http_listeners_defaults_and_lists() -> None:
    assert load_config(None, {}).http_listeners == "127.0.0.1:9644"
    config = load_config(None, {"http.listeners": " 127.0.0.1:0 , [::1]:0 "})
    assert config.http_listeners == "127.0.0.1:0,[::1]:0"


async def test_an_empty_http_listeners_turns_the_listener_off() -> None:
    async with Broker.embedded(**{"http.listeners": ""}) as broker:
        assert broker.http_port is None and broker.http_url is None


async def test_an_open_console_on_a_public_address_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = HttpServer(FakeBroker(**{"http.listeners": "0.0.0.0:0"}))
    with caplog.at_level(logging.WARNING, logger="samsa.http"):
        await server.start()
    await server.stop()
    warnings = [r.getMessage() for r in caplog.records if r.name == "samsa.http"]
    assert len(warnings) == 1 and "without a login" in warnings[0], warnings
    caplog.clear()
    loopback = HttpServer(FakeBroker())
    with caplog.at_level(logging.WARNING, logger="samsa.http"):
        await loopback.start()
    await loopback.stop()
    assert not [r for r in caplog.records if r.name == "samsa.http"]


def test_the_cli_prints_the_http_url_and_serves_it(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable, "-c", "from broker.cli import main; main()", "broker", "start",
            "--port", "0", "--data-dir", str(tmp_path), "--set", "http.listeners=127.0.0.1:0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        match = re.fullmatch(
            r"Console, metrics and health checks: (http://127\.0\.0\.1:\d+)", lines[2]
        )
        assert match, lines
        with urllib.request.urlopen(f"{match.group(1)}/health/ready", timeout=10) as answer:
            assert answer.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
