"""Dedicated roles: a quorum of three voters where node 1 is a controller only (no client
listener, no partitions), nodes 2 and 3 are combined, and node 4 is a broker outside the
quorum that follows the metadata log from the active controller. Clients see the three brokers
and never the dedicated controller; admin changes asked of node 4 reach the controller; the
quorum goes on without node 1; node 4 restarts with nothing of the metadata on disk, catches
up from the quorum (a snapshot, then entries), and leads its partitions again.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cluster.cluster_harness import ProcessCluster, running_cluster
from support.waiting import eventually_sync

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

pytestmark = [pytest.mark.timeout(180)]

ROLES = {1: "controller", 2: "broker,controller", 3: "broker,controller", 4: "broker"}
RECORDS = 300
PARTITIONS = 3


def produce(bootstrap: str, topic: str, count: int) -> None:
    producer = confluent_kafka.Producer(
        {"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True}
    )
    failures: list[str] = []

    def delivered(err: object, _msg: object) -> None:
        if err is not None:
            failures.append(str(err))

    for i in range(count):
        producer.produce(topic, str(i).encode(), key=str(i).encode(), on_delivery=delivered)
    assert producer.flush(60) == 0, "records still undelivered"
    assert not failures, failures[:3]


def read_all(bootstrap: str, topic: str, expected: int) -> list[int]:
    consumer = confluent_kafka.Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"check-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    values: list[int] = []
    try:
        consumer.assign(
            [
                confluent_kafka.TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
                for p in range(PARTITIONS)
            ]
        )

        def done() -> bool:
            msg = consumer.poll(0.2)
            if msg is not None and not msg.error():
                values.append(int(msg.value()))
            return len(values) >= expected

        eventually_sync(done, 60, f"{expected} records", poll_s=0)
        return values
    finally:
        consumer.close()


def leaders_are_preferred(cluster: ProcessCluster, topic: str, via: list[int]) -> bool:
    md = cluster.metadata(via)
    if md is None or topic not in md.topics:
        return False
    parts = md.topics[topic].partitions.values()
    return all(p.leader == p.replicas[0] and len(p.isrs) == 3 for p in parts)


def test_dedicated_controllers_and_a_broker_outside_the_quorum(tmp_path: Path) -> None:
    # Small snapshots: broker 4's restart starts from a snapshot, not from the first entry.
    settings = {"metadata.log.max.record.bytes.between.snapshots": "256"}
    with running_cluster(tmp_path, size=4, roles=ROLES, settings=settings) as cluster:
        assert cluster.voters_for(4) == cluster.voters_for(2)
        assert "4@" not in cluster.voters_for(4)
        md = eventually_sync(
            lambda: (m := cluster.metadata([4])) is not None and m.controller_id >= 0 and m,
            30,
            "metadata naming a controller",
        )
        assert sorted(md.brokers) == [2, 3, 4], "the dedicated controller is not a broker"
        assert md.controller_id in (2, 3, 4), "clients are pointed at a broker they can reach"

        # An admin change asked of the broker outside the quorum reaches the controller.
        admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{cluster.ports[4]}"})
        for future in admin.create_topics([NewTopic("ledger", PARTITIONS, 3)]).values():
            future.result(30)
        eventually_sync(
            lambda: leaders_are_preferred(cluster, "ledger", [4]), 30, "ledger on broker 4"
        )
        parts = cluster.metadata([4]).topics["ledger"].partitions.values()
        assert all(sorted(p.replicas) == [2, 3, 4] for p in parts), "no replica on node 1"
        produce(cluster.bootstrap_servers, "ledger", RECORDS)

        # The quorum goes on with two of its three voters.
        cluster.kill(1)
        for future in admin.create_topics([NewTopic("audit", 1, 3)]).values():
            future.result(30)
        eventually_sync(lambda: leaders_are_preferred(cluster, "audit", [4]), 30, "audit on 4")

        # Broker 4 restarts: it has partition logs but no metadata on disk; it catches up
        # from the quorum (a snapshot first: the log was truncated), rejoins every ISR and
        # leads its preferred partitions again.
        snapshots = [
            "metadata snapshot at raft index" in cluster.log_path(n).read_text() for n in (2, 3)
        ]
        assert all(snapshots), "the voters have compacted their metadata log"
        cluster.kill(4)
        cluster.restart(4)
        eventually_sync(
            lambda: leaders_are_preferred(cluster, "ledger", [4]),
            60,
            "broker 4 back in every ISR and leading its preferred partitions",
        )
        with cluster.log_path(4).open("rb") as f:
            f.seek(cluster.log_offset(4))
            restarted = f.read().decode(errors="replace")
        assert "from the controller" in restarted, "broker 4 caught up from a snapshot"
        values = read_all(f"127.0.0.1:{cluster.ports[4]}", "ledger", RECORDS)
        assert sorted(values) == list(range(RECORDS))
