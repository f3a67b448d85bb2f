"""Consumer lag in a cluster of three brokers with replication factor 1, where the group's
coordinator has no replica of most of its partitions: ``/metrics`` exports lag in offsets and
seconds for every one of them within one background refresh, right against the leaders' logs,
and ``/metrics``, ``/api/groups``, ``/api/groups/{id}`` and the lag history agree.

Everything is read over each broker's own HTTP listener (as Prometheus and a browser would),
with confluent-kafka producing and committing.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import confluent_kafka
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.raft_cluster import cluster_of_three
from support.waiting import eventually

from broker.app import Broker
from broker.http.lag_history import SAMPLE_INTERVAL_S
from broker.metadata.controller_api import NewTopic
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(120)

TOPIC = "spread-lag"
PARTITIONS = 6
GROUP = "stopped-readers"
#: The records' CreateTime: an hour ago, far from any scheduling noise.
BASE_MS = int(time.time() * 1000) - 3_600_000
#: Slack between two readings of an age taken at different moments on a busy machine.
AGE_SLACK_S = 10.0
#: One background refresh round, with room for a busy machine.
ONE_REFRESH_S = SAMPLE_INTERVAL_S + 10


def _timestamp(partition: int, offset: int) -> int:
    return BASE_MS + partition * 60_000 + offset


def _records(partition: int) -> int:
    return partition + 3


def _committed(partition: int) -> int:
    return 1


async def _get(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        assert response.status == 200, (url, response.status, await response.text())
        if response.content_type == "application/json":
            return await response.json()
        return await response.text()


def _lag_series(text: str, name: str) -> dict[int, float]:
    return {
        int(s.labels["partition"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and s.labels.get("group") == GROUP
    }


def _produce_and_commit(bootstrap: str) -> None:
    producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for p in range(PARTITIONS):
        for offset in range(_records(p)):
            producer.produce(TOPIC, b"v", partition=p, timestamp=_timestamp(p, offset))
    assert producer.flush(30) == 0
    consumer = confluent_kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP})
    try:
        consumer.commit(
            offsets=[
                confluent_kafka.TopicPartition(TOPIC, p, _committed(p)) for p in range(PARTITIONS)
            ],
            asynchronous=False,
        )
    finally:
        consumer.close()


def _coordinator(brokers: dict[int, Broker]) -> Broker:
    for broker in brokers.values():
        groups = broker.group_coordinator
        if groups is not None and groups.core is not None and groups.core.group(GROUP):
            return broker
    raise AssertionError("no broker coordinates the group")


def _leader_logs(brokers: dict[int, Broker]) -> dict[int, int]:
    """Each partition's high watermark, read from its leader's replica."""
    out: dict[int, int] = {}
    for broker in brokers.values():
        assert broker.replica_manager is not None
        for p in range(PARTITIONS):
            replica = broker.replica_manager.replica(TopicPartition(TOPIC, p))
            if replica is not None and replica.is_leader:
                out[p] = replica.high_watermark
    return out


async def test_lag_of_partitions_led_elsewhere_and_every_view_agrees(tmp_path: Path) -> None:
    async with cluster_of_three(tmp_path) as brokers:
        first = brokers[1]
        assert first.controller is not None
        [created] = await first.controller.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])
        assert created.error == 0, created

        def led_by_all() -> bool:
            return all(
                b.replica_manager is not None
                and (t := b.replica_manager.image.topic(TOPIC)) is not None
                and len({p.leader for p in t.partitions.values()} - {-1}) == 3
                for b in brokers.values()
            )

        await eventually(led_by_all, 30, "the topic's partitions led by every broker")
        await asyncio.to_thread(_produce_and_commit, first.bootstrap_servers)
        coordinator = _coordinator(brokers)
        assert coordinator.replica_manager is not None
        remote = [
            p
            for p in range(PARTITIONS)
            if coordinator.replica_manager.replica(TopicPartition(TOPIC, p)) is None
        ]
        assert len(remote) >= 2, "the coordinator should lack replicas of most partitions"
        ends = _leader_logs(brokers)
        assert ends == {p: _records(p) for p in range(PARTITIONS)}
        expected_lag = {p: ends[p] - _committed(p) for p in range(PARTITIONS)}
        url = coordinator.http_url
        assert url is not None

        async with aiohttp.ClientSession() as session:
            # /metrics alone (nothing else asks the cluster): every partition within one
            # background refresh, in offsets and in seconds, right against the leaders' logs.
            async def all_exported() -> bool:
                text = await _get(session, f"{url}/metrics")
                seconds = _lag_series(text, "samsa_consumer_group_lag_seconds")
                return _lag_series(text, "samsa_consumer_group_lag") == expected_lag and len(
                    seconds
                ) == len(expected_lag)

            await eventually(all_exported, ONE_REFRESH_S, "lag of every partition in /metrics")
            before_ms = int(time.time() * 1000)
            text = await _get(session, f"{url}/metrics")
            after_ms = int(time.time() * 1000)
            metric_seconds = _lag_series(text, "samsa_consumer_group_lag_seconds")
            for p in range(PARTITIONS):
                age_ms = _timestamp(p, _committed(p))
                assert (before_ms - age_ms) / 1000 - AGE_SLACK_S <= metric_seconds[p], p
                assert metric_seconds[p] <= (after_ms - age_ms) / 1000 + AGE_SLACK_S, p
                # Partitions differ by a minute in age: the right record's timestamp was read.
                if p:
                    assert 50 < metric_seconds[p - 1] - metric_seconds[p] < 70, metric_seconds

            # The console's pages agree with /metrics.
            detail = await _get(session, f"{url}/api/groups/{GROUP}")
            rows = {r["partition"]: r for r in detail["offsets"]}
            assert {p: r["lag"] for p, r in rows.items()} == expected_lag
            assert {p: r["high_watermark"] for p, r in rows.items()} == ends
            for p, r in rows.items():
                assert abs(r["lag_seconds"] - metric_seconds[p]) < AGE_SLACK_S, (p, r)
            listing = await _get(session, f"{url}/api/groups")
            [row] = [g for g in listing["groups"] if g["group_id"] == GROUP]
            assert row["lag"] == sum(expected_lag.values())
            assert abs(row["lag_seconds"] - max(metric_seconds.values())) < AGE_SLACK_S

            # Another broker's console (not the coordinator) tells the same lag.
            other = next(b for b in brokers.values() if b is not coordinator)
            elsewhere = await _get(session, f"{other.http_url}/api/groups/{GROUP}")
            assert {r["partition"]: r["lag"] for r in elsewhere["offsets"]} == expected_lag

            # The history samples the same total.
            async def sampled() -> bool:
                found = await _get(session, f"{url}/api/groups/{GROUP}")
                history = found["history"]
                return bool(history) and history[-1]["lag"] == sum(expected_lag.values())

            await eventually(sampled, ONE_REFRESH_S, "the history's sample of the total lag")
