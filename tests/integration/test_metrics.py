"""``/metrics`` as Prometheus reads it: counters that move with real clients' traffic, consumer
lag in offsets and seconds checked against the log, per-partition series folded past
``http.metrics.max.partitions``, and nothing recorded per request when metrics are off.

The text is rendered with ``render_metrics(broker)`` on the broker's event loop (the test's) and
parsed with prometheus-client's own parser.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from support.kafka_ops import create_topic, produce_request
from support.metrics_text import Samples, scrape, series, value
from support.waiting import eventually
from support.wire import WireClient

from broker.app import Broker
from broker.http.metrics import CONTENT_TYPE, FOLDED, lag_reader
from protocol.types import TopicPartition

confluent_kafka = pytest.importorskip("confluent_kafka")
confluent_admin = pytest.importorskip("confluent_kafka.admin")

pytestmark = pytest.mark.timeout(90)

#: An hour ago: the records of the lag test are that old, far from any scheduling noise.
HOUR_MS = 3_600_000
#: Slack between the metric's "now" and the test's (a scrape and a busy machine).
AGE_SLACK_S = 10.0


def _produce(bootstrap: str, topic: str, values: list[bytes], **kwargs: Any) -> None:
    producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for v in values:
        producer.produce(topic, v, **kwargs)
    assert producer.flush(30) == 0


def _consume_all(bootstrap: str, topic: str, group: str, count: int) -> int:
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    try:
        consumer.subscribe([topic])
        got = 0
        deadline = time.monotonic() + 30
        while got < count and time.monotonic() < deadline:
            for message in consumer.consume(count - got, 1.0):
                assert message.error() is None, message.error()
                got += 1
        consumer.commit(asynchronous=False)
        return got
    finally:
        consumer.close()


def _commit(bootstrap: str, group: str, offsets: list[tuple[str, int, int]]) -> None:
    consumer = confluent_kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        consumer.commit(
            offsets=[confluent_kafka.TopicPartition(t, p, o) for t, p, o in offsets],
            asynchronous=False,
        )
    finally:
        consumer.close()


def _timestamp_at(bootstrap: str, topic: str, offset: int) -> int:
    consumer = confluent_kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": "reader"})
    try:
        consumer.assign([confluent_kafka.TopicPartition(topic, 0, offset)])
        message = consumer.poll(20)
        assert message is not None and message.error() is None
        assert message.offset() == offset
        return int(message.timestamp()[1])
    finally:
        consumer.close()


async def test_counters_move_with_confluent_kafka_traffic(broker: Broker) -> None:
    assert CONTENT_TYPE.startswith("text/plain; version=0.0.4")
    before = scrape(broker)
    assert value(before, "samsa_build_info", version=broker_version(before)) == 1
    assert value(before, "samsa_topic_records_in_total", topic="m-in") is None
    bootstrap = broker.bootstrap_servers
    payloads = [bytes([i]) * 1024 for i in range(30)]
    await asyncio.to_thread(_produce, bootstrap, "m-in", payloads)
    got = await asyncio.to_thread(_consume_all, bootstrap, "m-in", "m-readers", 30)
    assert got == 30
    after = scrape(broker)
    assert value(after, "samsa_topic_records_in_total", topic="m-in") == 30
    assert (value(after, "samsa_topic_bytes_in_total", topic="m-in") or 0) >= 30 * 1024
    assert (value(after, "samsa_topic_bytes_out_total", topic="m-in") or 0) >= 30 * 1024
    # One consumer read the 30 records once (a poll never asks again for what it was sent).
    assert value(after, "samsa_topic_records_out_total", topic="m-in") == 30
    assert (value(after, "samsa_topic_fetch_requests_total", topic="m-in") or 0) >= 1
    assert value(after, "samsa_log_end_offset", topic="m-in", partition="0") == 30
    assert value(after, "samsa_high_watermark", topic="m-in", partition="0") == 30
    assert (value(after, "samsa_log_size_bytes", topic="m-in", partition="0") or 0) >= 30 * 1024
    for api in ("Produce", "Fetch", "JoinGroup", "SyncGroup", "OffsetCommit"):
        requests = value(after, "samsa_requests_total", api=api) or 0
        assert requests >= 1, api
        # Every answered request has each of its times observed once.
        for part in ("queue", "local", "remote", "send", "total"):
            name = f"samsa_request_{part}_time_seconds_count"
            assert value(after, name, api=api) == requests, (api, part)
        inf = value(after, "samsa_request_total_time_seconds_bucket", api=api, le="+Inf")
        assert inf == requests
    assert (value(after, "samsa_group_rebalances_total") or 0) >= 1
    assert (value(after, "samsa_group_rebalance_time_seconds_count") or 0) >= 1
    assert (
        value(after, "samsa_consumer_group_lag", group="m-readers", topic="m-in", partition="0")
        == 0
    )
    assert (
        value(
            after,
            "samsa_consumer_group_lag_seconds",
            group="m-readers",
            topic="m-in",
            partition="0",
        )
        == 0
    )
    assert value(after, "samsa_active_controller") == 1
    assert value(after, "samsa_raft_state", state="leader") == 1
    assert (value(after, "samsa_leader_partitions") or 0) >= 2  # m-in and __consumer_offsets
    assert value(after, "samsa_under_replicated_partitions") == 0


def broker_version(samples: Samples) -> str:
    [labels] = series(samples, "samsa_build_info")
    return dict(labels)["version"]


async def test_errors_are_counted_per_api_and_kafka_error_name(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "m-errors")
    response = await client.request(produce_request("m-errors", 7, b"", acks=1), 8)
    assert response.responses[0].partition_responses[0].error_code != 0
    samples = scrape(broker)
    errors = series(samples, "samsa_request_errors_total")
    assert errors == {
        frozenset({("api", "Produce"), ("error", "UNKNOWN_TOPIC_OR_PARTITION")}): 1.0
    }, errors


async def test_lag_in_offsets_and_seconds_of_a_group_that_stopped(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    now_ms = int(time.time() * 1000)
    # Ten records an hour old, a second apart; the group stopped after consuming four.
    stamps = [now_ms - HOUR_MS + i * 1000 for i in range(10)]
    producer_args: list[tuple[bytes, int]] = [(b"v%d" % i, ts) for i, ts in enumerate(stamps)]

    def produce_stamped() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap})
        for v, ts in producer_args:
            producer.produce("m-lag", v, timestamp=ts)
        assert producer.flush(30) == 0

    await asyncio.to_thread(produce_stamped)
    await asyncio.to_thread(_commit, bootstrap, "stopped", [("m-lag", 0, 4)])
    await asyncio.to_thread(_commit, bootstrap, "caught-up", [("m-lag", 0, 10)])
    # Checked against the log: the high watermark and the timestamp of the record at offset 4.
    assert broker.replica_manager is not None
    partition = broker.replica_manager.replica(TopicPartition("m-lag", 0))
    assert partition is not None and partition.high_watermark == 10
    logged_ms = await asyncio.to_thread(_timestamp_at, bootstrap, "m-lag", 4)
    assert logged_ms == stamps[4]
    samples = scrape(broker)
    scraped_at_ms = int(time.time() * 1000)
    key = {"group": "stopped", "topic": "m-lag", "partition": "0"}
    assert value(samples, "samsa_consumer_group_committed_offset", **key) == 4
    assert value(samples, "samsa_consumer_group_lag", **key) == 10 - 4
    lag_s = value(samples, "samsa_consumer_group_lag_seconds", **key)
    assert lag_s is not None
    assert (now_ms - logged_ms) / 1000 <= lag_s <= (scraped_at_ms - logged_ms) / 1000 + AGE_SLACK_S
    done = {"group": "caught-up", "topic": "m-lag", "partition": "0"}
    assert value(samples, "samsa_consumer_group_lag", **done) == 0
    assert value(samples, "samsa_consumer_group_lag_seconds", **done) == 0
    # The record's timestamp is read once, then cached by (partition, offset).
    reads = lag_reader(broker).reads
    scrape(broker)
    assert lag_reader(broker).reads == reads


@pytest.mark.samsa_config(**{"http.metrics.max.partitions": 2})
async def test_partitions_past_the_cap_are_folded_into_per_topic_sums(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "m-wide", partitions=4)
    bootstrap = broker.bootstrap_servers

    def produce_everywhere() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap})
        for p in range(4):
            for _ in range(p + 1):
                producer.produce("m-wide", b"x", partition=p)
        assert producer.flush(30) == 0

    await asyncio.to_thread(produce_everywhere)
    await asyncio.to_thread(_commit, bootstrap, "wide", [("m-wide", p, 1) for p in range(4)])
    assert broker.replica_manager is not None
    loaded = [p for p in broker.replica_manager.loaded_partitions() if not p.deleted]
    samples = scrape(broker)
    ends = series(samples, "samsa_log_end_offset")
    own = [labels for labels in ends if dict(labels)["partition"] != FOLDED]
    assert len(own) == 2
    # Folded or not, the series add up to every local log's end offset.
    assert sum(ends.values()) == sum(p.log.log_end_offset for p in loaded)
    # Group partitions past the cap too: 4 committed offsets, 2 with their own labels.
    lags = series(samples, "samsa_consumer_group_lag")
    assert sorted(dict(labels)["partition"] for labels in lags) == ["0", "1", FOLDED]
    assert sum(lags.values()) == sum(range(4))  # partition p holds p+1 records, committed 1
    assert len(series(samples, "samsa_consumer_group_lag_seconds")) == 2
    folded = value(samples, "samsa_metrics_partitions_folded")
    assert folded == (len(loaded) - 2) + (4 - 2)


@pytest.mark.samsa_config(**{"http.metrics.enable": False})
async def test_nothing_is_recorded_per_request_when_metrics_are_off(
    broker: Broker, client: WireClient
) -> None:
    await create_topic(client, "m-off")
    await asyncio.to_thread(_produce, broker.bootstrap_servers, "m-off", [b"a"])
    assert broker.server is not None
    assert list(broker.server.request_metrics.items()) == []
    samples = scrape(broker)
    assert series(samples, "samsa_requests_total") == {}
    assert series(samples, "samsa_request_total_time_seconds_count") == {}
    assert value(samples, "samsa_topic_records_in_total", topic="m-off") == 1


async def test_a_deleted_topics_series_disappear(broker: Broker) -> None:
    bootstrap = broker.bootstrap_servers
    await asyncio.to_thread(_produce, bootstrap, "m-gone", [b"a", b"b"])
    assert value(scrape(broker), "samsa_topic_records_in_total", topic="m-gone") == 2

    def delete() -> None:
        admin = confluent_admin.AdminClient({"bootstrap.servers": bootstrap})
        for future in admin.delete_topics(["m-gone"], operation_timeout=20).values():
            future.result(timeout=30)

    await asyncio.to_thread(delete)

    def gone() -> bool:
        samples = scrape(broker)
        return all(dict(labels).get("topic") != "m-gone" for (_, labels) in samples)

    await eventually(gone, 20, "m-gone's series to disappear")
