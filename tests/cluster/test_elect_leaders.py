"""ElectLeaders against broker processes, driven by confluent-kafka's ``elect_leaders``.

* **preferred**: with the controller's own imbalance check off, a broker's controlled
  shutdown moves its leaderships away and its restart does not bring them back; a preferred
  election asked of any broker does, and a second one finds nothing to do.
* **unclean**: a partition whose only in-sync replica died, with its other replica alive but
  out of the ISR, stays without a leader; a preferred election cannot help, an unclean one
  gives it to the surviving replica, which then takes writes.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from cluster.cluster_harness import ProcessCluster, running_cluster
from support.waiting import eventually_sync

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import ElectionType, KafkaError, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

pytestmark = [pytest.mark.timeout(240)]

#: Long enough for a restart, ISR changes and fencing at the harness's fast settings.
WAIT_S = 60.0
#: Deadline of one admin call.
CALL_S = 30.0


def _elect(
    cluster: ProcessCluster, election: ElectionType, partitions: list[TopicPartition] | None
) -> dict[tuple[str, int], int]:
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap_servers})
    answered = admin.elect_leaders(election, partitions).result(CALL_S)
    return {
        (tp.topic, tp.partition): (KafkaError.NO_ERROR if err is None else err.code())
        for tp, err in answered.items()
    }


def _leaders(cluster: ProcessCluster, topic: str) -> dict[int, tuple[int, int, int]] | None:
    """Per partition ``(leader, preferred replica, ISR size)`` as every broker sees it, or
    None while the brokers disagree or do not know the topic."""
    seen = []
    for node in cluster.broker_ids():
        md = cluster.metadata([node])
        if md is None or topic not in md.topics:
            return None
        parts = md.topics[topic].partitions
        seen.append({i: (p.leader, p.replicas[0], len(p.isrs)) for i, p in parts.items()})
    return seen[0] if all(s == seen[0] for s in seen) else None


def test_a_preferred_election_gives_leaderships_back_after_a_restart(tmp_path: Path) -> None:
    topic = "prefer"
    settings = {"auto.leader.rebalance.enable": "false"}
    with running_cluster(tmp_path, settings=settings) as cluster:
        cluster.create_topic(topic, 6, 3)
        first = _leaders(cluster, topic)
        assert first is not None
        assert all(leader == preferred for leader, preferred, _ in first.values())
        moved = first[0][0]
        preferred_by_it = sorted(p for p, (_, pref, _) in first.items() if pref == moved)
        cluster.stop(moved)  # a controlled shutdown hands its leaderships over
        cluster.restart(moved)

        def back_in_sync_elsewhere() -> bool:
            now = _leaders(cluster, topic)
            return now is not None and all(
                isr == 3 and leader != moved for leader, _, isr in now.values()
            )

        eventually_sync(back_in_sync_elsewhere, WAIT_S, f"broker {moved} back in every ISR")

        answered = _elect(cluster, ElectionType.PREFERRED, None)
        # Every partition (__consumer_offsets' too): only those that needed an election are
        # answered for.
        ours = {key: code for key, code in answered.items() if key[0] == topic}
        assert ours == {(topic, p): KafkaError.NO_ERROR for p in preferred_by_it}
        assert set(answered.values()) == {KafkaError.NO_ERROR}

        def preferred_everywhere() -> bool:
            now = _leaders(cluster, topic)
            return now is not None and all(leader == pref for leader, pref, _ in now.values())

        eventually_sync(preferred_everywhere, WAIT_S, "every partition led by its preferred")
        again = _elect(cluster, ElectionType.PREFERRED, [TopicPartition(topic, 0)])
        assert again == {(topic, 0): KafkaError.ELECTION_NOT_NEEDED}
        assert _elect(cluster, ElectionType.PREFERRED, None) == {}


def test_an_unclean_election_revives_a_partition_whose_isr_died(tmp_path: Path) -> None:
    topic = "unclean"
    # Node 1 is a controller only: with voters 1-3, killing 3 keeps a quorum (1, 2).
    roles = {1: "controller", 2: "broker,controller", 3: "broker,controller", 4: "broker"}
    with running_cluster(tmp_path, size=4, roles=roles) as cluster:
        admin = AdminClient({"bootstrap.servers": cluster.bootstrap_servers})
        new = NewTopic(topic, num_partitions=1, replica_assignment=[[3, 4]])
        for future in admin.create_topics([new]).values():
            future.result(CALL_S)

        def state(via: list[int]) -> tuple[int, list[int]] | None:
            p = cluster.partition(topic, 0, via)
            return None if p is None else (int(p.leader), sorted(p.isrs))

        eventually_sync(lambda: state([2]) == (3, [3, 4]), WAIT_S, "the topic led by 3")
        cluster.signal(4, signal.SIGSTOP)  # out of the ISR (and fenced) while stopped
        try:
            eventually_sync(lambda: state([2]) == (3, [3]), WAIT_S, "4 out of the ISR")
            cluster.kill(3)
            eventually_sync(
                lambda: state([2]) == (-1, [3]), WAIT_S, "no leader: the ISR is the dead 3"
            )
        finally:
            cluster.signal(4, signal.SIGCONT)
        cluster.wait_unfenced(4)
        assert state([2]) == (-1, [3])  # alive, but outside the ISR: no clean election

        tp = TopicPartition(topic, 0)
        not_there = KafkaError.PREFERRED_LEADER_NOT_AVAILABLE
        assert _elect(cluster, ElectionType.PREFERRED, [tp]) == {(topic, 0): not_there}
        assert _elect(cluster, ElectionType.UNCLEAN, [tp]) == {(topic, 0): KafkaError.NO_ERROR}
        eventually_sync(lambda: state([2, 4]) == (4, [4]), WAIT_S, "4 leads, alone in the ISR")

        producer = confluent_kafka.Producer(
            {"bootstrap.servers": cluster.bootstrap_servers, "acks": "all"}
        )
        failures: list[object] = []
        producer.produce(topic, b"after", on_delivery=lambda err, _m: failures.append(err))
        assert producer.flush(CALL_S) == 0
        assert failures == [None]
        again = _elect(cluster, ElectionType.UNCLEAN, [tp])
        assert again == {(topic, 0): KafkaError.ELECTION_NOT_NEEDED}
