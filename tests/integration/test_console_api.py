"""The web console's JSON API against an embedded broker, with confluent-kafka producing and
consuming: topics, the message browser, groups and their lag (checked against the log), the
lag history, the admin actions and the console user's ACLs.

The console's application is built here as the HTTP server builds it: ``setup(app, broker)``
on an aiohttp ``Application``, with a small middleware standing in for the authentication
middleware (it puts ``request[PRINCIPAL_KEY]`` from a test header).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import confluent_kafka
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from support.raft_cluster import cluster_of_three
from support.security import put_credential
from support.waiting import eventually

from broker.app import Broker
from broker.http.auth import PRINCIPAL_KEY
from broker.http.console_api import setup
from broker.http.console_backend import ConsoleBroker
from broker.http.console_common import SAMPLER
from broker.http.console_messages import MAX_READ_BYTES
from broker.http.console_topics import config_rows
from broker.http.lag_history import MAX_POINTS, SAMPLE_INTERVAL_S, LagHistory
from broker.metadata.controller_api import NewTopic
from broker.security.acl import AclBinding
from client.admin import ConfigEntry, ConfigSource
from protocol.acl import AclOperation, AclPermissionType, PatternType, ResourceType

pytestmark = pytest.mark.timeout(90)

#: The header the stand-in authentication middleware reads the user from.
USER_HEADER = "X-Test-User"
#: What every admin action sends.
CONSOLE_HEADERS = {"X-Samsa-Console": "1", "Content-Type": "application/json"}
#: The lag sampler's interval in these tests (the broker's is 10 s).
SAMPLE_S = 0.05

Client = TestClient[web.Request, web.Application]


@web.middleware
async def _as_user(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    user = request.headers.get(USER_HEADER)
    if user:
        request[PRINCIPAL_KEY] = f"User:{user}"
    return await handler(request)


@asynccontextmanager
async def console(broker: ConsoleBroker) -> AsyncIterator[Client]:
    app = web.Application(middlewares=[_as_user])
    setup(app, broker, lag_interval_s=SAMPLE_S)
    async with TestClient(TestServer(app)) as client:
        yield client


@asynccontextmanager
async def broker_and_console(
    *, admin: bool = False, **settings: Any
) -> AsyncIterator[tuple[Broker, Client]]:
    defaults: dict[str, Any] = {
        "group.initial.rebalance.delay.ms": 0,
        "offsets.topic.num.partitions": 1,
        "auto.create.topics.enable": False,
    }
    if admin:
        defaults["http.console.admin.enable"] = True
    async with Broker.embedded(**{**defaults, **settings}) as broker, console(broker) as client:
        yield broker, client


async def get(client: Client, path: str, status: int = 200, user: str | None = None) -> Any:
    headers = {USER_HEADER: user} if user else {}
    response = await client.get(path, headers=headers)
    body = await response.json()
    assert response.status == status, (path, response.status, body)
    if status >= 400:
        assert set(body) == {"error", "message"}, body
    return body


async def create_topic(broker: Broker, name: str, partitions: int) -> None:
    assert broker.controller is not None
    [result] = await broker.controller.create_topics([NewTopic(name, partitions, 1)])
    assert result.error == 0, result

    def present() -> bool:
        rm = broker.replica_manager
        return rm is not None and rm.image.topic(name) is not None

    await eventually(present, what=f"topic {name} in the image")


async def produce(
    broker: Broker, topic: str, records: list[dict[str, Any]], **conf: Any
) -> list[tuple[int, int]]:
    """Produce with confluent-kafka (each record a dict of Producer.produce's arguments);
    (partition, offset) of each, in order."""

    def run() -> list[tuple[int, int]]:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": broker.bootstrap_servers, "linger.ms": 0, **conf}
        )
        out: list[tuple[int, int]] = []
        errors: list[Any] = []

        def done(err: Any, msg: Any) -> None:
            if err is not None:
                errors.append(err)
            else:
                out.append((msg.partition(), msg.offset()))

        for record in records:
            producer.produce(topic, on_delivery=done, **record)
            producer.flush(20)  # one at a time: offsets in the order given
        assert not errors, errors
        return out

    return await asyncio.to_thread(run)


# -- topics and messages -----------------------------------------------------------------------


async def test_topics_detail_and_the_message_browser() -> None:
    async with broker_and_console() as (broker, client):
        await create_topic(broker, "orders", 3)
        now_ms = int(time.time() * 1000)
        binary = bytes(range(256))
        produced = await produce(
            broker,
            "orders",
            [
                {"partition": 0, "key": b"k1", "value": b"plain text", "timestamp": now_ms - 3000},
                {
                    "partition": 0,
                    "key": b"k2",
                    "value": b'{"amount": 12, "currency": "EUR"}',
                    "headers": [("trace", b"abc"), ("bin", b"\xff\x00"), ("none", None)],
                    "timestamp": now_ms - 2000,
                },
                {"partition": 0, "value": binary, "timestamp": now_ms - 1000},
                {"partition": 1, "value": b"other partition", "timestamp": now_ms},
            ],
        )
        assert produced == [(0, 0), (0, 1), (0, 2), (1, 0)]

        listing = await get(client, "/api/topics")
        assert listing["truncated"] is False
        [orders] = [t for t in listing["topics"] if t["name"] == "orders"]
        assert orders["partitions"] == 3
        assert orders["replication_factor"] == 1
        assert orders["under_replicated"] == 0
        assert orders["messages"] == 4
        assert orders["internal"] is False
        assert orders["size_bytes"] > len(binary)

        detail = await get(client, "/api/topics/orders")
        assert detail["name"] == "orders" and detail["topic_id"]
        by_partition = {p["partition"]: p for p in detail["partitions"]}
        assert {p: by_partition[p]["high_watermark"] for p in (0, 1, 2)} == {0: 3, 1: 1, 2: 0}
        assert all(p["log_start_offset"] == 0 for p in detail["partitions"])
        assert by_partition[0]["leader"] == broker.config.node_id
        assert by_partition[0]["replicas"] == by_partition[0]["isr"] == [broker.config.node_id]
        assert by_partition[2]["size_bytes"] == 0 < by_partition[0]["size_bytes"]
        configs = {c["name"]: c for c in detail["configs"]}
        assert configs["cleanup.policy"]["value"] == "delete"
        assert all(c["value"] is None for c in detail["configs"] if c["sensitive"])

        page = await get(client, "/api/topics/orders/messages?partition=0&offset=0&limit=10")
        assert (page["partition"], page["log_start_offset"], page["high_watermark"]) == (0, 0, 3)
        text, as_json, raw = page["messages"]
        assert [m["offset"] for m in page["messages"]] == [0, 1, 2]
        assert text["key"]["text"] == "k1"
        assert text["value"] == {
            "text": "plain text",
            "json": False,
            "base64": base64.b64encode(b"plain text").decode(),
        }
        assert text["timestamp"] == now_ms - 3000 and text["timestamp_type"] == "CREATE_TIME"
        assert as_json["value"]["json"] is True
        assert json.loads(as_json["value"]["text"]) == {"amount": 12, "currency": "EUR"}
        headers = {h["key"]: h["value"] for h in as_json["headers"]}
        assert headers["trace"]["text"] == "abc"
        assert headers["bin"]["text"] is None
        assert base64.b64decode(headers["bin"]["base64"]) == b"\xff\x00"
        assert headers["none"] is None
        assert raw["key"] is None
        assert raw["value"]["text"] is None and raw["value"]["json"] is False
        assert base64.b64decode(raw["value"]["base64"]) == binary

        limited = await get(client, "/api/topics/orders/messages?partition=0&offset=1&limit=1")
        assert [m["offset"] for m in limited["messages"]] == [1]
        newest = await get(client, "/api/topics/orders/messages?partition=0&newest=1&limit=2")
        assert [m["offset"] for m in newest["messages"]] == [2, 1]
        by_time = await get(
            client, f"/api/topics/orders/messages?partition=0&timestamp={now_ms - 2500}"
        )
        assert [m["offset"] for m in by_time["messages"]] == [1, 2]
        later = await get(client, f"/api/topics/orders/messages?partition=0&timestamp={now_ms}")
        assert later["messages"] == []
        empty = await get(client, "/api/topics/orders/messages?partition=2")
        assert (empty["high_watermark"], empty["messages"]) == (0, [])
        at_end = await get(client, "/api/topics/orders/messages?partition=0&offset=3")
        assert at_end["messages"] == []

        found = await get(client, "/api/search?q=ORD")
        assert found == {"topics": ["orders"], "groups": []}


async def test_a_read_is_bounded_in_bytes() -> None:
    async with broker_and_console() as (broker, client):
        await create_topic(broker, "big", 1)
        value = b"x" * (MAX_READ_BYTES // 2 + 1024)
        await produce(
            broker, "big", [{"value": value} for _ in range(4)], **{"message.max.bytes": 2 << 20}
        )
        page = await get(client, "/api/topics/big/messages?limit=100")
        assert page["high_watermark"] == 4
        # Half a MiB each: the first read takes one batch, the second the next; then the
        # byte budget is spent.
        assert [m["offset"] for m in page["messages"]] == [0, 1]
        assert base64.b64decode(page["messages"][0]["value"]["base64"]) == value


async def test_bad_input_is_answered_with_4xx_json() -> None:
    async with broker_and_console() as (broker, client):
        await create_topic(broker, "orders", 2)
        for path, status, code in [
            ("/api/topics/nope", 404, "UNKNOWN_TOPIC_OR_PARTITION"),
            ("/api/topics/nope/messages", 404, "UNKNOWN_TOPIC_OR_PARTITION"),
            ("/api/topics/orders/messages?partition=abc", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?partition=7", 404, "UNKNOWN_TOPIC_OR_PARTITION"),
            ("/api/topics/orders/messages?partition=-1", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?offset=-5", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?offset=12", 400, "OFFSET_OUT_OF_RANGE"),
            ("/api/topics/orders/messages?offset=99999999999999999999999", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?limit=501", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?limit=0", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?timestamp=soon", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?offset=0&newest=1", 400, "INVALID_REQUEST"),
            ("/api/topics/orders/messages?newest=maybe", 400, "INVALID_REQUEST"),
            ("/api/groups/nobody", 404, "GROUP_ID_NOT_FOUND"),
            ("/api/topics/orders/messages?offset=1_0", 400, "INVALID_REQUEST"),
            ("/api/nothing/here", 404, "NOT_FOUND"),
            (f"/api/search?q={'x' * 300}", 400, "INVALID_REQUEST"),
        ]:
            body = await get(client, path, status)
            assert body["error"] == code, (path, body)


def test_sensitive_config_values_are_never_sent() -> None:
    rows = config_rows(
        [
            ConfigEntry(
                "sasl.jaas.config", "secret!", ConfigSource.DYNAMIC_TOPIC_CONFIG, sensitive=True
            ),
            ConfigEntry("cleanup.policy", "compact", ConfigSource.DYNAMIC_TOPIC_CONFIG),
        ]
    )
    assert rows == [
        {
            "name": "cleanup.policy",
            "value": "compact",
            "source": "DYNAMIC_TOPIC_CONFIG",
            "sensitive": False,
        },
        {
            "name": "sasl.jaas.config",
            "value": None,
            "source": "DYNAMIC_TOPIC_CONFIG",
            "sensitive": True,
        },
    ]


def test_the_lag_history_is_bounded_per_group_and_in_groups() -> None:
    history = LagHistory(max_groups=2, max_points=3)
    for t in range(5):
        history.record(t * 10_000, {"a": t, "b": 2 * t, "c": 7})
    assert len(history) == 2  # "c" came third: no history
    assert history.history("a") == [(20_000, 2), (30_000, 3), (40_000, 4)]
    assert history.history("c") == []
    # A group that is gone (deleted, coordinated elsewhere) is forgotten, freeing its place.
    history.record(50_000, {"b": 1, "c": 7})
    assert history.history("a") == []
    assert history.history("c") == [(50_000, 7)]
    assert MAX_POINTS * SAMPLE_INTERVAL_S == 3600
    # Samples older than the history's span are dropped even when rounds were missed.
    spanned = LagHistory(history_ms=60_000)
    spanned.record(0, {"a": 1})
    spanned.record(30_000, {"a": 2})
    spanned.record(70_000, {"a": 3})
    assert spanned.history("a") == [(30_000, 2), (70_000, 3)]


# -- groups ------------------------------------------------------------------------------------


async def test_group_lag_in_offsets_and_seconds_and_its_history() -> None:
    async with broker_and_console() as (broker, client):
        await create_topic(broker, "events", 2)
        now_ms = int(time.time() * 1000)
        # Partition 0: ten records one second apart, the oldest 60 s old; partition 1: three.
        stamps = [now_ms - 60_000 + i * 1000 for i in range(10)]
        await produce(
            broker,
            "events",
            [{"partition": 0, "value": b"e%d" % i, "timestamp": t} for i, t in enumerate(stamps)]
            + [{"partition": 1, "value": b"f", "timestamp": now_ms} for _ in range(3)],
        )

        def consume_part() -> None:
            consumer = confluent_kafka.Consumer(
                {
                    "bootstrap.servers": broker.bootstrap_servers,
                    "group.id": "billing",
                    "auto.offset.reset": "earliest",
                    "enable.auto.commit": False,
                }
            )
            try:
                consumer.subscribe(["events"])
                seen = 0
                deadline = time.monotonic() + 30
                while seen < 13 and time.monotonic() < deadline:
                    msg = consumer.poll(0.5)
                    if msg is not None and msg.error() is None:
                        seen += 1
                assert seen == 13
                # The group stopped after record 4 of partition 0 and read all of partition 1.
                consumer.commit(
                    offsets=[
                        confluent_kafka.TopicPartition("events", 0, 4),
                        confluent_kafka.TopicPartition("events", 1, 3),
                    ],
                    asynchronous=False,
                )
            finally:
                consumer.close()

        await asyncio.to_thread(consume_part)

        detail = await get(client, "/api/groups/billing")
        assert detail["group_id"] == "billing" and detail["type"] == "classic"
        assert detail["state"] == "Empty" and detail["members"] == []
        assert detail["protocol_type"] == "consumer"
        rows = {r["partition"]: r for r in detail["offsets"]}
        assert rows[0]["committed_offset"] == 4 and rows[0]["high_watermark"] == 10
        assert rows[0]["lag"] == 6
        # The record at the committed offset is the oldest one not consumed: its age.
        expected_s = (time.time() * 1000 - stamps[4]) / 1000
        assert abs(rows[0]["lag_seconds"] - expected_s) < 5, (rows[0], expected_s)
        assert rows[0]["commit_timestamp"] >= now_ms
        assert (rows[1]["lag"], rows[1]["lag_seconds"]) == (0, 0.0)

        listing = await get(client, "/api/groups")
        [billing] = [g for g in listing["groups"] if g["group_id"] == "billing"]
        assert billing["lag"] == 6 and billing["members"] == 0 and billing["state"] == "Empty"
        assert abs(billing["lag_seconds"] - expected_s) < 5
        assert (await get(client, "/api/search?q=bill"))["groups"] == ["billing"]

        # The sampler keeps the total lag; it grows with the log.
        sampler = client.app[SAMPLER]
        rounds = sampler.rounds
        await eventually(lambda: sampler.rounds >= rounds + 2, what="two lag samples")
        history = (await get(client, "/api/groups/billing"))["history"]
        assert len(history) >= 2 and history[-1]["lag"] == 6
        assert history[-1]["time_ms"] >= history[0]["time_ms"]
        await produce(broker, "events", [{"partition": 0, "value": b"late"}])

        async def grew() -> bool:
            points = (await get(client, "/api/groups/billing"))["history"]
            return bool(points[-1]["lag"] == 7)

        await eventually(grew, what="the lag history to show the new record")


# -- admin actions -----------------------------------------------------------------------------


async def test_admin_actions_are_refused_when_off() -> None:
    async with broker_and_console() as (broker, client):
        await create_topic(broker, "orders", 1)
        for method, path, body in [
            ("POST", "/api/topics", {"name": "new", "partitions": 1}),
            ("DELETE", "/api/topics/orders", {}),
            ("POST", "/api/groups/g/reset-offsets", {"topic": "orders", "to": "earliest"}),
            ("POST", "/api/topics/orders/messages", {"value": "hi"}),
        ]:
            response = await client.request(method, path, json=body, headers=CONSOLE_HEADERS)
            assert response.status == 403, (method, path)
            assert (await response.json())["error"] == "ADMIN_DISABLED"
        assert broker.replica_manager is not None
        assert broker.replica_manager.image.topic("orders") is not None
        assert broker.replica_manager.image.topic("new") is None
        overview = await get(client, "/api/overview")
        assert overview["admin_enabled"] is False


async def test_admin_actions_when_on() -> None:
    async with broker_and_console(admin=True) as (broker, client):
        overview = await get(client, "/api/overview")
        assert overview["admin_enabled"] is True and overview["user"] is None
        assert overview["broker_id"] == overview["controller_id"] == broker.config.node_id
        assert [b["id"] for b in overview["brokers"]] == [broker.config.node_id]
        assert overview["under_replicated"] == overview["offline"] == []

        async def send(
            method: str, path: str, body: Any, status: int, headers: dict[str, str] | None = None
        ) -> Any:
            data = body if isinstance(body, str) else json.dumps(body)
            response = await client.request(
                method, path, data=data, headers=CONSOLE_HEADERS if headers is None else headers
            )
            answer = await response.json()
            assert response.status == status, (method, path, answer)
            return answer

        new_topic = {"name": "made", "partitions": 2, "replication_factor": 1}
        # Against cross-site requests: the console's header and a JSON body are required.
        no_header = {"Content-Type": "application/json"}
        assert (await send("POST", "/api/topics", new_topic, 403, no_header))[
            "error"
        ] == "MISSING_CONSOLE_HEADER"
        form = {"X-Samsa-Console": "1", "Content-Type": "application/x-www-form-urlencoded"}
        assert (await send("POST", "/api/topics", "name=made", 415, form))[
            "error"
        ] == "UNSUPPORTED_MEDIA_TYPE"
        assert (await send("POST", "/api/topics", "{not json", 400))["error"] == "INVALID_JSON"
        for bad in [
            {"name": "made", "partitions": 0},
            {"name": "bad name!", "partitions": 1},
            {"name": "made", "partitions": "2"},
            {"name": "made", "extra": 1},
        ]:
            assert (await send("POST", "/api/topics", bad, 400))["error"] == "INVALID_REQUEST"

        assert await send("POST", "/api/topics", {**new_topic, "configs": {}}, 201) == {
            "name": "made"
        }
        assert (await send("POST", "/api/topics", new_topic, 409))["error"] == (
            "TOPIC_ALREADY_EXISTS"
        )
        listed = await get(client, "/api/topics")
        assert {"name": "made", "partitions": 2}.items() <= next(
            t for t in listed["topics"] if t["name"] == "made"
        ).items()

        # A test message, read back.
        message = {
            "partition": 1,
            "key": "k",
            "value": '{"hello": "world"}',
            "headers": [{"key": "h", "value": "v"}],
        }
        sent = await send("POST", "/api/topics/made/messages", message, 201)
        assert sent == {"topic": "made", "partition": 1, "offset": 0}
        keyed = await send("POST", "/api/topics/made/messages", {"key": "k", "value": "x"}, 201)
        assert keyed["partition"] in (0, 1)
        page = await get(client, "/api/topics/made/messages?partition=1")
        first = page["messages"][0]
        assert first["value"]["json"] is True and first["key"]["text"] == "k"
        assert first["headers"] == [
            {"key": "h", "value": {"text": "v", "json": False, "base64": "dg=="}}
        ]
        too_many = {"value": "x", "headers": [{"key": "h", "value": "v"}] * 65}
        assert (await send("POST", "/api/topics/made/messages", too_many, 400))["error"] == (
            "INVALID_REQUEST"
        )
        # The coordinators' own topics are out of reach, even with admin actions on.
        internal = await send(
            "POST", "/api/topics/__consumer_offsets/messages", {"value": "x"}, 400
        )
        assert internal["error"] == "INVALID_TOPIC_EXCEPTION"
        await send("DELETE", "/api/topics/__consumer_offsets", {}, 400)
        bad_partition = {"partition": 5, "value": "x"}
        assert (await send("POST", "/api/topics/made/messages", bad_partition, 404))[
            "error"
        ] == "UNKNOWN_TOPIC_OR_PARTITION"

        # Reset offsets: refused while the group has a member, done once it is empty.
        await produce(broker, "made", [{"partition": 0, "value": b"r%d" % i} for i in range(5)])
        joined = asyncio.Event()
        leave = threading.Event()
        loop = asyncio.get_running_loop()

        def member() -> None:
            consumer = confluent_kafka.Consumer(
                {
                    "bootstrap.servers": broker.bootstrap_servers,
                    "group.id": "readers",
                    "auto.offset.reset": "earliest",
                    "enable.auto.commit": False,
                }
            )
            try:
                consumer.subscribe(["made"])
                deadline = time.monotonic() + 30
                while not consumer.assignment() and time.monotonic() < deadline:
                    consumer.poll(0.2)
                consumer.commit(
                    offsets=[confluent_kafka.TopicPartition("made", 0, 5)], asynchronous=False
                )
                loop.call_soon_threadsafe(joined.set)
                while not leave.is_set() and time.monotonic() < deadline:
                    consumer.poll(0.2)
            finally:
                consumer.close()

        running = asyncio.create_task(asyncio.to_thread(member))
        await asyncio.wait_for(joined.wait(), 30)
        reset = {"topic": "made", "to": "earliest"}
        refused = await send("POST", "/api/groups/readers/reset-offsets", reset, 409)
        assert refused["error"] == "NON_EMPTY_GROUP"
        leave.set()
        await running
        done = await send("POST", "/api/groups/readers/reset-offsets", reset, 200)
        assert {"partition": 0, "offset": 0} in done["offsets"]
        rows = {r["partition"]: r for r in (await get(client, "/api/groups/readers"))["offsets"]}
        assert rows[0]["committed_offset"] == 0
        assert rows[0]["lag"] == rows[0]["high_watermark"] >= 5
        to_offset = {"topic": "made", "to": {"offset": 3}}
        await send("POST", "/api/groups/readers/reset-offsets", to_offset, 200)
        rows = {r["partition"]: r for r in (await get(client, "/api/groups/readers"))["offsets"]}
        assert rows[0]["committed_offset"] == 3
        bad_to = {"topic": "made", "to": "yesterday"}
        await send("POST", "/api/groups/readers/reset-offsets", bad_to, 400)

        # Delete.
        assert await send("DELETE", "/api/topics/made", {}, 200) == {"deleted": "made"}

        def gone() -> bool:
            assert broker.replica_manager is not None
            return broker.replica_manager.image.topic("made") is None

        await eventually(gone, what="the topic deleted")
        await get(client, "/api/topics/made", 404)
        await send("DELETE", "/api/topics/made", {}, 404)


# -- the console user's ACLs -------------------------------------------------------------------


def _allow(principal: str, op: AclOperation, topic: str) -> AclBinding:
    return AclBinding(
        ResourceType.TOPIC,
        topic,
        PatternType.LITERAL,
        principal,
        "*",
        op,
        AclPermissionType.ALLOW,
    )


SECURED: dict[str, Any] = {
    "listeners": "SASL_PLAINTEXT://127.0.0.1:0",
    "sasl.enabled.mechanisms": "SCRAM-SHA-256",
    "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-256",
    "inter.broker.sasl.username": "admin",
    "inter.broker.sasl.password": "admin-secret",
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users": "User:admin",
    "auto.create.topics.enable": False,
}


async def test_the_console_applies_the_users_acls() -> None:
    async with Broker.embedded(**SECURED) as broker:
        # The console's own connection logs in as the inter-broker user, a super user.
        await put_credential(broker, "admin", "admin-secret", ("SCRAM-SHA-256",))
        await create_topic(broker, "public", 1)
        await create_topic(broker, "private", 1)
        assert broker.controller is not None
        results = await broker.controller.create_acls(
            [
                _allow("User:alice", AclOperation.DESCRIBE, "public"),
                _allow("User:alice", AclOperation.READ, "public"),
                _allow("User:bob", AclOperation.DESCRIBE, "private"),
            ]
        )
        assert all(r.error == 0 for r in results), results
        controller = broker.controller

        def acls_applied() -> bool:
            return len(controller.image.acls) == 3

        await eventually(acls_applied, what="the ACLs in the image")
        async with console(broker) as client:
            names = {t["name"] for t in (await get(client, "/api/topics", user="alice"))["topics"]}
            assert names == {"public"}
            assert (await get(client, "/api/overview", user="alice"))["topic_count"] == 1
            assert (await get(client, "/api/overview", user="alice"))["user"] == "alice"
            hidden = await get(client, "/api/topics/private", 403, user="alice")
            assert hidden["error"] == "TOPIC_AUTHORIZATION_FAILED"
            assert (await get(client, "/api/search?q=p", user="alice"))["topics"] == ["public"]
            await get(client, "/api/topics/public/messages", user="alice")
            # Bob may see the topic but not read it.
            await get(client, "/api/topics/private", user="bob")
            refused = await get(client, "/api/topics/private/messages", 403, user="bob")
            assert refused["error"] == "TOPIC_AUTHORIZATION_FAILED"
            # Anonymous sees nothing; the super user everything.
            assert (await get(client, "/api/topics"))["topics"] == []
            admin_names = {
                t["name"] for t in (await get(client, "/api/topics", user="admin"))["topics"]
            }
            assert {"public", "private"} <= admin_names
            await get(client, "/api/topics/private/messages", user="admin")


# -- a cluster of three: partitions led and groups coordinated elsewhere ------------------------


async def test_cluster_wide_facts_from_any_broker(tmp_path: Path) -> None:
    async with cluster_of_three(tmp_path) as brokers:
        first = brokers[1]
        assert first.controller is not None
        [created] = await first.controller.create_topics([NewTopic("spread", 3, 1)])
        assert created.error == 0, created

        def led_by_all() -> bool:
            return all(
                b.replica_manager is not None
                and (t := b.replica_manager.image.topic("spread")) is not None
                and {p.leader for p in t.partitions.values()} == {1, 2, 3}
                for b in brokers.values()
            )

        await eventually(led_by_all, 30, "the topic's partitions led by every broker")
        assert first.replica_manager is not None
        leaders = {
            pid: p.leader
            for pid, p in first.replica_manager.image.topic("spread").partitions.items()  # type: ignore[union-attr]
        }
        records = [
            {"partition": p, "value": b"v%d-%d" % (p, i)} for p in range(3) for i in range(p + 2)
        ]
        await produce(first, "spread", records)

        def consume() -> None:
            consumer = confluent_kafka.Consumer(
                {
                    "bootstrap.servers": first.bootstrap_servers,
                    "group.id": "spread-readers",
                    "enable.auto.commit": False,
                }
            )
            try:
                consumer.commit(
                    offsets=[confluent_kafka.TopicPartition("spread", p, 1) for p in range(3)],
                    asynchronous=False,
                )
            finally:
                consumer.close()

        await asyncio.to_thread(consume)

        # Each broker's console tells the same story, whoever leads or coordinates.
        for node, broker in brokers.items():
            async with console(broker) as client:
                overview = await get(client, "/api/overview")
                assert overview["broker_id"] == node
                assert [b["id"] for b in overview["brokers"]] == [1, 2, 3]
                assert sum(b["is_controller"] for b in overview["brokers"]) == 1
                assert not any(b["fenced"] for b in overview["brokers"])
                detail = await get(client, "/api/topics/spread")
                by_partition = {p["partition"]: p for p in detail["partitions"]}
                for pid in range(3):
                    row = by_partition[pid]
                    assert row["leader"] == leaders[pid]
                    assert row["high_watermark"] == pid + 2, (node, row)
                    assert row["size_bytes"] > 0, (node, row)
                listing = await get(client, "/api/topics")
                [spread] = [t for t in listing["topics"] if t["name"] == "spread"]
                assert spread["messages"] == 2 + 3 + 4 and spread["size_bytes"] > 0
                for pid in range(3):
                    page = await get(client, f"/api/topics/spread/messages?partition={pid}")
                    values = [base64.b64decode(m["value"]["base64"]) for m in page["messages"]]
                    assert values == [b"v%d-%d" % (pid, i) for i in range(pid + 2)]
                group = await get(client, "/api/groups/spread-readers")
                lags = {r["partition"]: r["lag"] for r in group["offsets"]}
                assert lags == {0: 1, 1: 2, 2: 3}, (node, group)

        # A broker stops: it is shown fenced, its partition offline, and the pages still
        # answer, with null where only that broker knew.
        gone = brokers.pop(3)
        await gone.stop()
        offline_pid = next(pid for pid, leader in leaders.items() if leader == 3)

        def fenced() -> bool:
            assert first.controller is not None
            registration = first.controller.image.brokers.get(3)
            image = first.replica_manager.image if first.replica_manager else None
            part = image.partition("spread", offline_pid) if image is not None else None
            return bool(registration and registration.fenced and part and part.leader < 0)

        await eventually(fenced, 30, "broker 3 fenced and its partition offline")
        async with console(first) as client:
            overview = await get(client, "/api/overview")
            assert {b["id"]: b["fenced"] for b in overview["brokers"]} == {
                1: False,
                2: False,
                3: True,
            }
            assert {"topic": "spread", "partition": offline_pid} in overview["offline"]
            listing = await get(client, "/api/topics")
            [spread] = [t for t in listing["topics"] if t["name"] == "spread"]
            assert spread["messages"] is None
            detail = await get(client, "/api/topics/spread")
            rows = {p["partition"]: p for p in detail["partitions"]}
            assert rows[offline_pid]["leader"] == -1
            assert rows[offline_pid]["high_watermark"] is None
            assert rows[(offline_pid + 1) % 3]["high_watermark"] is not None
            down = await get(client, f"/api/topics/spread/messages?partition={offline_pid}", 503)
            assert down["error"] == "LEADER_NOT_AVAILABLE"
