"""confluent-kafka (a current librdkafka), unmodified, against Samsa: idempotent and plain
producers with acks=all, a read_committed consumer by assign, and the AdminClient."""

from __future__ import annotations

import time

import pytest
from support.waiting import eventually_sync

from broker import Broker

confluent_kafka = pytest.importorskip("confluent_kafka")
admin = pytest.importorskip("confluent_kafka.admin")

TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def _consume(bootstrap: str, topic: str, partitions: int, expected: int) -> list[object]:
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "samsa-compat",  # required by the client; offsets are not committed
            "enable.auto.commit": False,
            # isolation.level stays at its default, read_committed.
        }
    )
    try:
        consumer.assign(
            [
                confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
                for p in range(partitions)
            ]
        )
        got: list[object] = []
        deadline = time.monotonic() + TIMEOUT_S
        while len(got) < expected:
            assert time.monotonic() < deadline, f"consumed {len(got)} of {expected}"
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            got.append(msg)
        # Nothing more arrives.
        extra = consumer.poll(0.5)
        assert extra is None or extra.error() is not None
        return got
    finally:
        consumer.close()


@pytest.mark.parametrize("idempotent", [True, False])
def test_produce_acks_all_then_consume_read_committed(broker: Broker, idempotent: bool) -> None:
    topic = f"ck-{'idem' if idempotent else 'plain'}"
    client = admin.AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    client.create_topics([admin.NewTopic(topic, 3, 1)])[topic].result(TIMEOUT_S)
    producer = confluent_kafka.Producer(
        {
            "bootstrap.servers": broker.bootstrap_servers,
            "enable.idempotence": idempotent,
            "acks": "all",
            "linger.ms": 5,
            "compression.type": "lz4",
        }
    )
    errors: list[object] = []

    def report(err: object, msg: object) -> None:
        if err is not None:
            errors.append(err)

    sent = {(f"k{i}", f"value-{i}") for i in range(300)}
    for key, value in sorted(sent):
        producer.produce(topic, key=key.encode(), value=value.encode(), on_delivery=report)
    assert producer.flush(TIMEOUT_S) == 0
    assert errors == []
    messages = _consume(broker.bootstrap_servers, topic, 3, len(sent))
    assert {(m.key().decode(), m.value().decode()) for m in messages} == sent  # type: ignore[attr-defined]
    # Same key, same partition (the producer's partitioner), offsets dense per partition.
    by_partition: dict[int, list[int]] = {}
    for m in messages:
        by_partition.setdefault(m.partition(), []).append(m.offset())  # type: ignore[attr-defined]
    for offsets in by_partition.values():
        assert offsets == list(range(len(offsets)))


def test_admin_topics_and_configs(broker: Broker) -> None:
    client = admin.AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    futures = client.create_topics(
        [
            admin.NewTopic("ck-admin", 2, 1, config={"retention.ms": "3600000"}),
            admin.NewTopic("ck-bad", 1, 3),
        ]
    )
    futures["ck-admin"].result(TIMEOUT_S)
    with pytest.raises(confluent_kafka.KafkaException) as info:
        futures["ck-bad"].result(TIMEOUT_S)
    assert info.value.args[0].code() == confluent_kafka.KafkaError.INVALID_REPLICATION_FACTOR
    listed = client.list_topics(timeout=TIMEOUT_S)
    assert len(listed.topics["ck-admin"].partitions) == 2
    described_topic = client.describe_topics(confluent_kafka.TopicCollection(["ck-admin"]))
    topic = described_topic["ck-admin"].result(TIMEOUT_S)
    assert [p.id for p in topic.partitions] == [0, 1]
    assert [p.leader.id for p in topic.partitions] == [1, 1]
    assert listed.controller_id == 1 and listed.cluster_id == broker.cluster_id

    resource = admin.ConfigResource(admin.ResourceType.TOPIC, "ck-admin")
    described = client.describe_configs([resource])[resource].result(TIMEOUT_S)
    assert described["retention.ms"].value == "3600000"
    assert described["retention.ms"].source == admin.ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert described["cleanup.policy"].value == "delete"

    change = admin.ConfigResource(
        admin.ResourceType.TOPIC,
        "ck-admin",
        incremental_configs=[
            admin.ConfigEntry(
                "segment.ms",
                "600000",
                incremental_operation=admin.AlterConfigOpType.SET,
            )
        ],
    )
    client.incremental_alter_configs([change])[change].result(TIMEOUT_S)
    described = client.describe_configs([resource])[resource].result(TIMEOUT_S)
    assert described["segment.ms"].value == "600000"

    broker_resource = admin.ConfigResource(admin.ResourceType.BROKER, "1")
    broker_configs = client.describe_configs([broker_resource])[broker_resource].result(TIMEOUT_S)
    assert broker_configs["num.partitions"].value == "1"
    assert broker_configs["node.id"].is_read_only

    client.create_partitions([admin.NewPartitions("ck-admin", 4)])["ck-admin"].result(TIMEOUT_S)
    assert len(client.list_topics(timeout=TIMEOUT_S).topics["ck-admin"].partitions) == 4

    client.delete_topics(["ck-admin"])["ck-admin"].result(TIMEOUT_S)
    eventually_sync(
        lambda: "ck-admin" not in client.list_topics(timeout=TIMEOUT_S).topics,
        TIMEOUT_S,
        "the topic deleted",
    )


def test_describe_cluster(broker: Broker) -> None:
    client = admin.AdminClient({"bootstrap.servers": broker.bootstrap_servers})
    cluster = client.describe_cluster().result(TIMEOUT_S)
    assert cluster.cluster_id == broker.cluster_id
    assert [n.id for n in cluster.nodes] == [1]
    assert cluster.controller.id == 1
