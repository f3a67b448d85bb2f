"""A topic deleted and created again under its name while one of its replicas was down.

The returning broker still has the old topic's log on disk, under the same directory name the
new topic's partition uses. It must learn from the metadata that the topic it held is gone
(the new one has another topic id), drop that log and follow the new topic from its start:
read from it once it leads, the partition holds the new records and nothing of the old.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cluster.cluster_harness import ProcessCluster, read_partition_values, running_cluster
from support.waiting import eventually_sync

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import ElectionType, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

pytestmark = [pytest.mark.timeout(240)]

#: Long enough for a restart and ISR changes at the harness's fast settings.
WAIT_S = 60.0
#: Deadline of one client call.
CALL_S = 30.0
TOPIC = "phoenix"


def _produce(cluster: ProcessCluster, values: range) -> None:
    producer = confluent_kafka.Producer(
        {"bootstrap.servers": cluster.bootstrap_servers, "acks": "all", "linger.ms": 5}
    )
    for value in values:
        producer.produce(TOPIC, value=str(value).encode(), partition=0)
    assert producer.flush(CALL_S) == 0


def _partition(cluster: ProcessCluster, node: int) -> tuple[int, list[int], list[int]] | None:
    """``(leader, replicas, isr)`` of partition 0 as ``node`` sees it, or None."""
    md = cluster.metadata([node])
    if md is None or TOPIC not in md.topics or 0 not in md.topics[TOPIC].partitions:
        return None
    p = md.topics[TOPIC].partitions[0]
    return int(p.leader), list(p.replicas), list(p.isrs)


def test_a_replica_back_after_its_topic_was_recreated_serves_only_the_new_topic(
    tmp_path: Path,
) -> None:
    settings = {"auto.leader.rebalance.enable": "false"}
    with running_cluster(tmp_path, settings=settings) as cluster:
        admin = AdminClient({"bootstrap.servers": cluster.bootstrap_servers})
        cluster.create_topic(TOPIC, 1, 3)
        _produce(cluster, range(0, 200))
        first = _partition(cluster, 1)
        assert first is not None
        # The replica that will come back: not the leader, so its stop moves nothing.
        victim = next(n for n in cluster.broker_ids() if n != first[0])
        others = [n for n in cluster.broker_ids() if n != victim]
        cluster.kill(victim)

        for future in admin.delete_topics([TOPIC]).values():
            future.result(CALL_S)
        eventually_sync(
            lambda: all(_partition(cluster, n) is None for n in others),
            WAIT_S,
            "the topic gone from the live brokers",
        )
        # The new topic lists the stopped broker first: it becomes the preferred leader.
        new = NewTopic(TOPIC, num_partitions=1, replica_assignment=[[victim, *others]])
        for future in admin.create_topics([new]).values():
            future.result(CALL_S)
        eventually_sync(
            lambda: all((_partition(cluster, n) or (-1,))[0] in others for n in others),
            WAIT_S,
            "the new topic led by a live broker",
        )
        _produce(cluster, range(1000, 1050))

        cluster.restart(victim)

        def victim_in_sync() -> bool:
            seen = _partition(cluster, victim)
            return seen is not None and victim in seen[2]

        eventually_sync(victim_in_sync, WAIT_S, f"broker {victim} in the new topic's ISR")

        def victim_leads() -> bool:
            if all((_partition(cluster, n) or (-1,))[0] == victim for n in cluster.broker_ids()):
                return True
            # Asked again until it happened: the controller may not have the ISR change yet.
            admin.elect_leaders(ElectionType.PREFERRED, [TopicPartition(TOPIC, 0)]).result(CALL_S)
            return False

        eventually_sync(victim_leads, WAIT_S, f"broker {victim} leading the new topic")
        values = read_partition_values({"bootstrap.servers": cluster.bootstrap_servers}, TOPIC)
        assert values == list(range(1000, 1050))
