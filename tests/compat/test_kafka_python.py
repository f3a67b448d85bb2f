"""kafka-python 3, unmodified, against Samsa: the default producer (idempotent, acks=all), a
consumer by assign (it asks for incremental fetch sessions; Samsa answers sessionless), and
KafkaAdminClient for topics and configs."""

from __future__ import annotations

import time

import pytest

from broker import Broker

kafka = pytest.importorskip("kafka")
kafka_admin = pytest.importorskip("kafka.admin")

TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def test_default_producer_is_idempotent_and_works(broker: Broker) -> None:
    producer = kafka.KafkaProducer(bootstrap_servers=broker.bootstrap_servers)
    try:
        futures = [
            producer.send("kp-default", key=b"k%d" % (i % 7), value=b"v%d" % i) for i in range(200)
        ]
        producer.flush(TIMEOUT_S)
        metadata = [f.get(TIMEOUT_S) for f in futures]
    finally:
        producer.close(TIMEOUT_S)
    assert all(m.offset >= 0 for m in metadata)

    consumer = kafka.KafkaConsumer(
        bootstrap_servers=broker.bootstrap_servers,
        consumer_timeout_ms=2000,
        enable_auto_commit=False,
    )
    try:
        partitions = consumer.partitions_for_topic("kp-default")
        assert partitions == {0}
        tp = kafka.TopicPartition("kp-default", 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        values: list[bytes] = []
        deadline = time.monotonic() + TIMEOUT_S
        while len(values) < 200:
            assert time.monotonic() < deadline, f"consumed {len(values)} of 200"
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(r.value for r in records)
        assert values == [b"v%d" % i for i in range(200)]
        assert consumer.end_offsets([tp])[tp] == 200
        assert consumer.beginning_offsets([tp])[tp] == 0
        found = consumer.offsets_for_times({tp: 0})[tp]
        assert found is not None and found.offset == 0
    finally:
        consumer.close()


def test_consumer_long_polls_for_new_records(broker: Broker) -> None:
    consumer = kafka.KafkaConsumer(
        bootstrap_servers=broker.bootstrap_servers, enable_auto_commit=False, fetch_max_wait_ms=2000
    )
    producer = kafka.KafkaProducer(
        bootstrap_servers=broker.bootstrap_servers, acks=1, enable_idempotence=False
    )
    try:
        producer.send("kp-poll", b"first").get(TIMEOUT_S)
        tp = kafka.TopicPartition("kp-poll", 0)
        consumer.assign([tp])
        consumer.seek(tp, 1)
        assert consumer.poll(timeout_ms=300) == {}
        producer.send("kp-poll", b"second").get(TIMEOUT_S)
        got: list[bytes] = []
        deadline = time.monotonic() + TIMEOUT_S
        while not got:
            assert time.monotonic() < deadline
            for records in consumer.poll(timeout_ms=500).values():
                got.extend(r.value for r in records)
        assert got == [b"second"]
    finally:
        producer.close(TIMEOUT_S)
        consumer.close()


def test_admin_topics_and_configs(broker: Broker) -> None:
    admin = kafka_admin.KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    try:
        admin.create_topics(
            [kafka_admin.NewTopic("kp-admin", 3, 1, topic_configs={"retention.ms": "7200000"})]
        )
        with pytest.raises(kafka.errors.TopicAlreadyExistsError):
            admin.create_topics([kafka_admin.NewTopic("kp-admin", 1, 1)])
        assert "kp-admin" in admin.list_topics()
        [described] = admin.describe_topics(["kp-admin"])
        assert len(described["partitions"]) == 3

        resource = kafka_admin.ConfigResource(kafka_admin.ConfigResourceType.TOPIC, "kp-admin")
        configs = admin.describe_configs([resource])
        assert configs["topic"]["kp-admin"]["retention.ms"]["value"] == "7200000"

        alter = kafka_admin.ConfigResource(
            kafka_admin.ConfigResourceType.TOPIC, "kp-admin", configs={"segment.ms": "900000"}
        )
        admin.alter_configs([alter])
        all_configs = admin.describe_configs([resource], config_filter="all")
        assert all_configs["topic"]["kp-admin"]["segment.ms"]["value"] == "900000"

        broker_resource = kafka_admin.ConfigResource(kafka_admin.ConfigResourceType.BROKER, "1")
        broker_configs = admin.describe_configs([broker_resource], config_filter="all")
        assert broker_configs["broker"]["1"]["num.partitions"]["value"] == "1"

        admin.create_partitions({"kp-admin": kafka_admin.NewPartitions(total_count=5)})
        [described] = admin.describe_topics(["kp-admin"])
        assert len(described["partitions"]) == 5

        admin.delete_topics(["kp-admin"])
        assert "kp-admin" not in admin.list_topics()
    finally:
        admin.close()
