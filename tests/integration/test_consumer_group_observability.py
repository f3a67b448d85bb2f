"""KIP-848 consumer groups (confluent-kafka with ``group.protocol=consumer``) in ``/metrics`` and
in the console's JSON API: their type, Kafka's state names, members, current and target
assignments, epochs, and lag of their committed offsets, beside a classic group.

One embedded broker; a consumer-protocol member stays in its group (polling in a thread) while
the broker is read, then leaves, and the group is read again as Empty.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from support.metrics_text import Samples, scrape, series, value
from support.waiting import eventually

from broker.app import Broker
from broker.http.console_api import setup
from broker.http.metrics import render_metrics
from broker.metadata.controller_api import NewTopic

confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = pytest.mark.timeout(90)

#: KIP-848 timings short enough that a member joins and leaves within the test.
SETTINGS: dict[str, Any] = {
    "group.initial.rebalance.delay.ms": 0,
    "offsets.topic.num.partitions": 1,
    "auto.create.topics.enable": False,
    "group.consumer.heartbeat.interval.ms": 300,
    "group.consumer.min.heartbeat.interval.ms": 100,
    "http.console.admin.enable": True,
}
#: What every admin action sends.
CONSOLE_HEADERS = {"X-Samsa-Console": "1", "Content-Type": "application/json"}
#: The lag sampler's interval here (the broker's is 10 s).
SAMPLE_S = 0.05
TOPIC = "orders"
PARTITIONS = 3
GROUP = "shipping"
#: Records produced to each partition; the member commits RECORDS - 2 on every one.
RECORDS = 5
#: How long a client call may take on a busy machine.
TIMEOUT_S = 30.0


class Member:
    """A confluent-kafka consumer-protocol member that consumes, commits ``RECORDS - 2`` on
    every partition, then keeps polling (so it stays in the group) until stopped."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.committed = threading.Event()
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": GROUP,
                "group.protocol": "consumer",
                "client.id": "shipper",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        try:
            consumer.subscribe([TOPIC])
            seen = 0
            deadline = time.monotonic() + TIMEOUT_S
            while seen < RECORDS * PARTITIONS and time.monotonic() < deadline:
                msg = consumer.poll(0.2)
                if msg is not None and msg.error() is None:
                    seen += 1
            if seen < RECORDS * PARTITIONS:
                self.errors.append(f"consumed {seen}")
                return
            offsets = [
                confluent_kafka.TopicPartition(TOPIC, p, RECORDS - 2) for p in range(PARTITIONS)
            ]
            consumer.commit(offsets=offsets, asynchronous=False)
            self.committed.set()
            while not self.stop.is_set():
                consumer.poll(0.1)
        except Exception as exc:  # reported by the test
            self.errors.append(repr(exc))
        finally:
            consumer.close()

    async def __aenter__(self) -> Member:
        self.thread.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Joined off the event loop: the broker on it answers the member's leave heartbeat.
        self.stop.set()
        await asyncio.to_thread(self.thread.join, TIMEOUT_S)
        assert not self.thread.is_alive(), "the member did not close"


Client = TestClient[web.Request, web.Application]


@asynccontextmanager
async def console(broker: Broker) -> AsyncIterator[Client]:
    """The console's application as the HTTP server builds it (no authentication here)."""
    app = web.Application()
    setup(app, broker, lag_interval_s=SAMPLE_S)
    async with TestClient(TestServer(app)) as client:
        yield client


async def get(client: Client, path: str) -> Any:
    response = await client.get(path)
    body = await response.json()
    assert response.status == 200, (path, response.status, body)
    return body


async def reset(client: Client, status: int) -> Any:
    """Reset GROUP's offsets on TOPIC to the earliest, through the console."""
    body = {"topic": TOPIC, "to": "earliest"}
    response = await client.post(
        f"/api/groups/{GROUP}/reset-offsets", json=body, headers=CONSOLE_HEADERS
    )
    answer = await response.json()
    assert response.status == status, answer
    return answer


async def create_topic(broker: Broker) -> None:
    assert broker.controller is not None
    [result] = await broker.controller.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])
    assert result.error == 0, result

    def present() -> bool:
        rm = broker.replica_manager
        return rm is not None and rm.image.topic(TOPIC) is not None

    await eventually(present, what="the topic in the image")


async def produce(broker: Broker) -> None:
    """RECORDS records to each partition, with confluent-kafka."""

    def run() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": broker.bootstrap_servers})
        for p in range(PARTITIONS):
            for i in range(RECORDS):
                producer.produce(TOPIC, b"v%d" % i, partition=p)
        assert producer.flush(TIMEOUT_S) == 0

    await asyncio.to_thread(run)


async def _classic_group(broker: Broker) -> None:
    """A classic group that committed offset 1 on partition 0 (then left)."""

    def run() -> None:
        consumer = confluent_kafka.Consumer(
            {"bootstrap.servers": broker.bootstrap_servers, "group.id": "billing"}
        )
        try:
            consumer.commit(
                offsets=[confluent_kafka.TopicPartition(TOPIC, 0, 1)], asynchronous=False
            )
        finally:
            consumer.close()

    await asyncio.to_thread(run)


def _group_states(samples: Samples) -> dict[tuple[str, str], float]:
    return {
        (dict(labels)["type"], dict(labels)["state"]): v
        for labels, v in series(samples, "samsa_groups").items()
    }


async def test_a_consumer_protocol_group_in_metrics_and_the_console() -> None:
    async with Broker.embedded(**SETTINGS) as broker, console(broker) as client:
        await create_topic(broker)
        await produce(broker)
        await _classic_group(broker)
        async with Member(broker.bootstrap_servers) as member:
            await eventually(
                lambda: member.committed.is_set() or bool(member.errors),
                timeout_s=TIMEOUT_S,
                what="the member to commit",
            )
            assert not member.errors, member.errors

            # The console: the list gives each group's real type.
            async def stable() -> bool:
                g = await get(client, f"/api/groups/{GROUP}")
                return bool(g["state"] == "Stable")

            await eventually(stable, timeout_s=TIMEOUT_S, what="the group to be Stable")
            listing = {g["group_id"]: g for g in (await get(client, "/api/groups"))["groups"]}
            assert listing[GROUP]["type"] == "consumer"
            assert listing[GROUP]["state"] == "Stable" and listing[GROUP]["members"] == 1
            assert listing[GROUP]["lag"] == 2 * PARTITIONS
            assert listing["billing"]["type"] == "classic"

            detail = await get(client, f"/api/groups/{GROUP}")
            assert detail["type"] == "consumer" and detail["protocol_type"] == "consumer"
            assert detail["group_epoch"] >= 1
            assert detail["assignment_epoch"] == detail["group_epoch"]
            [m] = detail["members"]
            assert m["client_id"] == "shipper" and m["instance_id"] is None
            assert m["client_host"]
            everything = [{"topic": TOPIC, "partition": p} for p in range(PARTITIONS)]
            assert m["assignment"] == everything
            assert m["target_assignment"] == everything
            assert m["member_epoch"] == detail["group_epoch"]
            rows = {r["partition"]: r for r in detail["offsets"]}
            assert sorted(rows) == list(range(PARTITIONS))
            for r in rows.values():
                assert (r["committed_offset"], r["high_watermark"]) == (RECORDS - 2, RECORDS)
                assert r["lag"] == 2 and r["lag_seconds"] is not None

            # The lag history samples the consumer group like any group.
            async def sampled() -> bool:
                points = (await get(client, f"/api/groups/{GROUP}"))["history"]
                return bool(points and points[-1]["lag"] == 2 * PARTITIONS)

            await eventually(sampled, timeout_s=TIMEOUT_S, what="a lag sample of the group")
            # Resetting the offsets of a group with members is refused, whatever its type.
            assert (await reset(client, 409))["error"] == "NON_EMPTY_GROUP"

            # /metrics: the group by type and Kafka's state name, its members, epochs, lag.
            samples = scrape(broker)
            states = _group_states(samples)
            assert states[("consumer", "Stable")] == 1
            assert states[("classic", "Empty")] == 1
            assert ("classic", "Stable") not in states  # the consumer group is not also classic
            assert value(samples, "samsa_group_members", group=GROUP) == 1
            assert value(samples, "samsa_group_members", group="billing") == 0
            epoch = value(samples, "samsa_consumer_group_epoch", group=GROUP)
            assert epoch == detail["group_epoch"]
            assert value(samples, "samsa_consumer_group_assignment_epoch", group=GROUP) == epoch
            for p in range(PARTITIONS):
                labels = {"group": GROUP, "topic": TOPIC, "partition": str(p)}
                assert value(samples, "samsa_consumer_group_lag", **labels) == 2
                assert (
                    value(samples, "samsa_consumer_group_committed_offset", **labels) == RECORDS - 2
                )
        assert not member.errors, member.errors

        # The member left: the group is Empty, still a consumer group, its lag still there.
        def empty() -> bool:
            return _group_states(scrape(broker)).get(("consumer", "Empty")) == 1

        await eventually(empty, timeout_s=TIMEOUT_S, what="the group to be Empty")
        samples = scrape(broker)
        assert value(samples, "samsa_group_members", group=GROUP) == 0
        labels = {"group": GROUP, "topic": TOPIC, "partition": "0"}
        assert value(samples, "samsa_consumer_group_lag", **labels) == 2
        detail = await get(client, f"/api/groups/{GROUP}")
        assert (detail["type"], detail["state"], detail["members"]) == ("consumer", "Empty", [])
        assert sum(r["lag"] for r in detail["offsets"]) == 2 * PARTITIONS
        assert b'type="consumer"' in render_metrics(broker)

        # Empty now: its offsets can be reset, and its lag follows.
        done = await reset(client, 200)
        assert sorted(o["partition"] for o in done["offsets"]) == list(range(PARTITIONS))
        detail = await get(client, f"/api/groups/{GROUP}")
        assert [r["committed_offset"] for r in detail["offsets"]] == [0] * PARTITIONS
        assert sum(r["lag"] for r in detail["offsets"]) == RECORDS * PARTITIONS
