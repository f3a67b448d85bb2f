"""The HTTP listener's login when the Kafka listeners require one: HTTP Basic credentials of a
SCRAM user, checked off the event loop, remembered for a while, refused after the failure delay;
health checks (and by default ``/metrics``) stay open; a flood of wrong passwords does not stall
the Kafka port."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from support.http_broker import NotStartedBroker
from support.security import connect, put_credential
from support.waiting import eventually

from broker.app import Broker
from broker.config import BrokerConfig, load_config
from broker.http.auth import MAX_PENDING_CHECKS, PRINCIPAL_KEY
from broker.http.server import HttpServer
from protocol.messages import ApiVersionsRequest
from protocol.scram import ScramCredential, credential_from_password

pytestmark = pytest.mark.timeout(120)

#: connection.failed.authentication.delay.ms in these tests: long enough to measure.
FAILURE_DELAY_MS = 300
#: How long one HTTP answer may take.
ANSWER_TIMEOUT_S = 20.0
SASL_SETTINGS: Mapping[str, Any] = {
    "listeners": "SASL_PLAINTEXT://127.0.0.1:0",
    "sasl.enabled.mechanisms": "SCRAM-SHA-256,SCRAM-SHA-512",
    "connection.failed.authentication.delay.ms": FAILURE_DELAY_MS,
}


def _basic(user: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


ALICE = _basic("alice", "alice-secret")


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    async with Broker.embedded(**SASL_SETTINGS) as running:
        await put_credential(running, "alice", "alice-secret")
        yield running


async def _get(
    url: str, auth: Mapping[str, str] | None = None
) -> tuple[int, Mapping[str, str], float]:
    """Status, headers and how long the answer took."""
    timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
    started = time.monotonic()
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=auth) as answer,
    ):
        await answer.read()
        return answer.status, dict(answer.headers), time.monotonic() - started


def _http(broker: Broker) -> HttpServer:
    assert broker.http is not None
    return broker.http


async def test_the_console_asks_for_a_scram_users_credentials(broker: Broker) -> None:
    url = f"{broker.http_url}/"
    status, headers, took_s = await _get(url)
    assert status == 401
    assert headers["WWW-Authenticate"].startswith('Basic realm="Samsa"')
    assert took_s < FAILURE_DELAY_MS / 1000  # no credentials: asked for at once

    for wrong in (_basic("alice", "wrong"), _basic("mallory", "x")):
        status, headers, took_s = await _get(url, wrong)
        assert status == 401 and "WWW-Authenticate" in headers
        assert took_s >= FAILURE_DELAY_MS / 1000, took_s
    assert _http(broker).auth.failures == 2

    status, _, _ = await _get(url, ALICE)
    assert status != 401  # the console (404 where its assets are not installed)
    # A Basic header that is not base64, or has no colon, is no login.
    timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for value in ("Basic !!!", "Basic YWxpY2U=", "Bearer x"):
            async with session.get(url, headers={"Authorization": value}) as answer:
                assert answer.status == 401, value


async def test_health_and_metrics_are_open_by_default(broker: Broker) -> None:
    for path in ("/health/live", "/health/ready", "/metrics"):
        status, _, _ = await _get(f"{broker.http_url}{path}")
        assert status == 200, path


async def test_metrics_can_require_the_login() -> None:
    settings: dict[str, Any] = {**SASL_SETTINGS, "http.metrics.require.auth": True}
    async with Broker.embedded(**settings) as broker:
        await put_credential(broker, "alice", "alice-secret")
        assert (await _get(f"{broker.http_url}/metrics"))[0] == 401
        assert (await _get(f"{broker.http_url}/metrics", ALICE))[0] == 200
        assert (await _get(f"{broker.http_url}/health/ready"))[0] == 200


async def test_without_sasl_listeners_no_login_is_asked() -> None:
    async with Broker.embedded() as broker:
        status, _, _ = await _get(f"{broker.http_url}/")
        assert status != 401
        assert not _http(broker).auth.required


async def test_a_login_is_checked_once_then_remembered_until_the_password_changes(
    broker: Broker,
) -> None:
    checks = _http(broker).auth.checks
    before = checks.submitted
    for _ in range(5):
        assert (await _get(f"{broker.http_url}/", ALICE))[0] != 401
    assert checks.submitted == before + 1  # one PBKDF2 for five requests

    await put_credential(broker, "alice", "new-secret")
    assert (await _get(f"{broker.http_url}/", ALICE))[0] == 401
    assert (await _get(f"{broker.http_url}/", _basic("alice", "new-secret")))[0] != 401


class _SaslBroker(NotStartedBroker):
    """A broker's view for the listener alone: a SASL listener and one SCRAM user."""

    def __init__(self) -> None:
        self.config: BrokerConfig = load_config(
            None, {**SASL_SETTINGS, "http.listeners": "127.0.0.1:0"}
        )
        self.credentials = {
            ("bob", "SCRAM-SHA-512"): credential_from_password(
                "SCRAM-SHA-512", "bob-secret", b"s" * 16, 4096
            )
        }

    def readiness(self) -> str | None:
        return None

    def scram_credentials(self) -> Mapping[tuple[str, str], ScramCredential] | None:
        return self.credentials


async def test_the_principal_is_on_the_request() -> None:
    server = HttpServer(_SaslBroker())

    async def whoami(request: web.Request) -> web.Response:
        return web.Response(text=str(request[PRINCIPAL_KEY]))

    server.app.router.add_get("/whoami", whoami)
    server.app.router.add_get("/health/whoami", whoami)
    await server.start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            auth = _basic("bob", "bob-secret")
            async with session.get(f"{url}/whoami", headers=auth) as answer:
                assert (answer.status, await answer.text()) == (200, "User:bob")
            async with session.get(f"{url}/health/whoami") as answer:
                assert (answer.status, await answer.text()) == (200, "User:ANONYMOUS")
    finally:
        await server.stop()


async def test_a_flood_of_wrong_passwords_does_not_stall_the_kafka_port() -> None:
    # No failure delay: the flooders ask again at once, as fast as the checks answer.
    async with Broker.embedded(
        **{**SASL_SETTINGS, "connection.failed.authentication.delay.ms": 0}
    ) as broker:
        # The most expensive credential Kafka accepts: each wrong password costs a PBKDF2.
        await put_credential(broker, "carol", "carol-secret", iterations=16_384)
        await _flood(broker)


async def _flood(broker: Broker) -> None:
    auth = _http(broker).auth
    url = f"{broker.http_url}/"
    statuses: list[int] = []
    most_pending = 0
    flooding = True

    async def flood() -> None:
        nonlocal most_pending
        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            while flooding:
                wrong = _basic("carol", f"guess-{len(statuses)}")
                async with session.get(url, headers=wrong) as answer:
                    statuses.append(answer.status)
                most_pending = max(most_pending, auth.checks.pending)

    # Under http.max.connections (64): every flooder is admitted and asks at once.
    flooders = [asyncio.create_task(flood()) for _ in range(48)]
    client = await connect(broker, "SASL_PLAINTEXT")
    latencies: list[float] = []
    try:
        await eventually(lambda: auth.checks.pending >= MAX_PENDING_CHECKS // 2, what="flooding")
        for _ in range(50):
            started = time.monotonic()
            response = await client.request(ApiVersionsRequest(), 0)
            latencies.append(time.monotonic() - started)
            assert response.error_code == 0
    finally:
        flooding = False
        await client.close()
        await asyncio.gather(*flooders)
    assert set(statuses) <= {401, 503}, set(statuses)
    assert 401 in statuses and 503 in statuses  # checked ones refused, the excess unchecked
    assert most_pending <= MAX_PENDING_CHECKS
    worst_s = max(latencies)
    assert worst_s < 1.0, f"ApiVersions took {worst_s:.3f} s during the flood"
    print(
        f"flood: {len(statuses)} wrong logins ({statuses.count(503)} refused unchecked), "
        f"{auth.checks.submitted} PBKDF2 checks; ApiVersions on the Kafka port: "
        f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms, "
        f"worst {worst_s * 1000:.1f} ms"
    )
