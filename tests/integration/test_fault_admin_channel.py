"""The fault-injection admin channel, ``/api/faults``: absent unless ``faults.admin.enable``
(404, and nothing a Kafka client sends arms a fault); on, faults are armed, listed and cleared
with JSON and the ``X-Samsa-Faults: 1`` header, errors are one line; with a SASL listener the
HTTP login applies and only super users may use it."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import aiohttp
import pytest
from support.security import put_credential

from broker.app import Broker
from client import Consumer, Producer, TopicPartition

pytestmark = pytest.mark.timeout(90)

#: How long one HTTP answer may take.
ANSWER_TIMEOUT_S = 20.0
ON: Mapping[str, Any] = {"faults.admin.enable": True}
CHANGE = {"X-Samsa-Faults": "1"}


async def _call(
    broker: Broker,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any]:
    """Status and JSON answer (None when the answer is not JSON)."""
    timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT_S)
    send: dict[str, str] = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        send.setdefault("Content-Type", "application/json")
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.request(method, f"{broker.http_url}{path}", data=data, headers=send) as answer,
    ):
        text = await answer.text()
        try:
            return answer.status, json.loads(text)
        except ValueError:
            return answer.status, None


async def test_off_by_default_the_routes_do_not_exist_and_kafka_arms_nothing(
    broker: Broker,
) -> None:
    assert not broker.config.faults_admin_enable
    for method, path in (
        ("GET", "/api/faults"),
        ("POST", "/api/faults"),
        ("DELETE", "/api/faults"),
    ):
        status, _ = await _call(
            broker, method, path, {"kind": "refuse", "duration_ms": 100}, headers=CHANGE
        )
        assert status == 404, (method, path)
    # A Kafka client's whole round (metadata, produce, fetch, a group) arms and fires nothing.
    async with Producer(bootstrap_servers=broker.bootstrap_servers) as producer:
        await producer.send_and_wait("t", b"x", partition=0)
    async with Consumer(
        "t", bootstrap_servers=broker.bootstrap_servers, group_id="g", auto_offset_reset="earliest"
    ) as consumer:
        batch = await consumer.getmany(timeout_ms=10_000)
        assert sum(len(r) for r in batch.values()) == 1
        assert TopicPartition("t", 0) in batch
    plan = broker.fault_plan
    assert plan.armed() == [] and plan.ended() == [] and plan.history() == []
    assert plan.injected_total == {}


@pytest.mark.samsa_config(faults_admin_enable=True)
async def test_arm_list_and_clear_over_http(broker: Broker) -> None:
    spec = {"kind": "error", "api": "Produce", "error": "NOT_LEADER_OR_FOLLOWER", "when": "after"}
    status, answer = await _call(broker, "POST", "/api/faults", spec, headers=CHANGE)
    assert status == 201, answer
    first = answer["fault"]
    assert first["description"] == "error NOT_LEADER_OR_FOLLOWER after Produce x1"
    assert first["active"] and first["spec"]["when"] == "after"
    status, answer = await _call(
        broker, "POST", "/api/faults", {"kind": "refuse", "duration_ms": 60_000}, headers=CHANGE
    )
    assert status == 201
    second = answer["fault"]
    assert [f.fault_id for f in broker.faults.armed()] == [first["id"], second["id"]]

    status, listing = await _call(broker, "GET", "/api/faults")
    assert status == 200
    assert [f["id"] for f in listing["armed"]] == [first["id"], second["id"]]
    assert listing["chaos"] is None and listing["history"] == []

    status, answer = await _call(broker, "DELETE", f"/api/faults/{first['id']}", headers=CHANGE)
    assert status == 200 and [f["id"] for f in answer["cleared"]] == [first["id"]]
    status, answer = await _call(broker, "DELETE", f"/api/faults/{first['id']}", headers=CHANGE)
    assert status == 404 and answer["error"] == "FAULT_NOT_FOUND"

    status, answer = await _call(
        broker, "POST", "/api/faults/chaos", {"seed": 9, "rate_per_s": 2}, headers=CHANGE
    )
    assert status == 201 and answer["chaos"]["seed"] == 9 and broker.faults.chaos_running
    status, answer = await _call(broker, "DELETE", "/api/faults", headers=CHANGE)
    assert status == 200 and second["id"] in [f["id"] for f in answer["cleared"]]
    assert broker.faults.armed() == [] and not broker.faults.chaos_running


@pytest.mark.samsa_config(faults_admin_enable=True)
async def test_changes_need_the_header_json_and_a_valid_fault(broker: Broker) -> None:
    refuse = {"kind": "refuse", "duration_ms": 1000}
    status, answer = await _call(broker, "POST", "/api/faults", refuse)
    assert status == 403 and answer["error"] == "MISSING_FAULTS_HEADER"
    status, answer = await _call(broker, "DELETE", "/api/faults")
    assert status == 403
    form = {**CHANGE, "Content-Type": "application/x-www-form-urlencoded"}
    status, answer = await _call(broker, "POST", "/api/faults", raw=b"kind=refuse", headers=form)
    assert status == 415 and answer["error"] == "UNSUPPORTED_MEDIA_TYPE"
    bad_json = {**CHANGE, "Content-Type": "application/json"}
    status, answer = await _call(broker, "POST", "/api/faults", raw=b"{nope", headers=bad_json)
    assert status == 400 and answer["error"] == "INVALID_JSON"
    for spec, says in (
        ({"kind": "explode"}, "unknown fault kind"),
        ({"kind": "error", "api": "Produce"}, "needs an error code"),
        ({"kind": "delay", "api": "Fetch", "delay_ms": 10**9}, "delay_ms must be in"),
        ({"kind": "refuse", "duration_ms": 10, "colour": "red"}, "unknown fault field"),
        ([1, 2], "a fault is a JSON object"),
    ):
        status, answer = await _call(broker, "POST", "/api/faults", spec, headers=CHANGE)
        assert status == 400 and answer["error"] == "INVALID_FAULT", (spec, answer)
        assert says in answer["message"] and "\n" not in answer["message"]
    status, answer = await _call(
        broker, "POST", "/api/faults/chaos", {"seed": 1, "rate_per_s": 10_000}, headers=CHANGE
    )
    assert status == 400 and "chaos rate" in answer["message"]
    status, answer = await _call(
        broker, "POST", "/api/faults", {"kind": "rebalance", "group_id": "nobody"}, headers=CHANGE
    )
    assert status == 409 and answer["error"] == "FAULT_FAILED"
    assert "\n" not in answer["message"]
    assert broker.faults.armed() == []


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def test_with_sasl_only_super_users_may_use_it() -> None:
    settings: dict[str, Any] = {
        **ON,
        "listeners": "SASL_PLAINTEXT://127.0.0.1:0",
        "sasl.enabled.mechanisms": "SCRAM-SHA-256",
        "connection.failed.authentication.delay.ms": 0,
        "super.users": "User:admin",
    }
    async with Broker.embedded(**settings) as broker:
        await put_credential(broker, "admin", "admin-secret")
        await put_credential(broker, "alice", "alice-secret")
        refuse = {"kind": "refuse", "duration_ms": 1000}
        status, _ = await _call(broker, "GET", "/api/faults")
        assert status == 401
        status, _ = await _call(broker, "POST", "/api/faults", refuse, headers=CHANGE)
        assert status == 401
        alice = {**CHANGE, **_basic("alice", "alice-secret")}
        status, answer = await _call(broker, "POST", "/api/faults", refuse, headers=alice)
        assert status == 403 and answer["error"] == "FAULTS_NOT_AUTHORIZED"
        assert "User:alice" in answer["message"]
        admin = {**CHANGE, **_basic("admin", "admin-secret")}
        status, answer = await _call(broker, "POST", "/api/faults", refuse, headers=admin)
        assert status == 201, answer
        status, listing = await _call(broker, "GET", "/api/faults", headers=admin)
        assert status == 200 and len(listing["armed"]) == 1
