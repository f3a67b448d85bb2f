"""ElectLeaders against broker processes, driven by confluent-kafka's ``elect_leaders``.

* **preferred**: with the controller's own imbalance check off, a broker's controlled
  shutdown moves its leaderships away and its restart does not bring them back; a preferred
  election asked of any broker does, and a second one finds nothing to do.
* **unclean**: a partition whose only in-sync replica died, with its other replica alive but
  out of the ISR, stays without a leader; a preferred election cannot help, an unclean one
  gives it to the surviving replica, which then takes writes. The dead replica, restarted,
  drops what only it had and follows the new leader's log: read back from it, the partition
  holds what the new leader has, nothing else.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from cluster.cluster_harness import ProcessCluster, read_partition_values, running_cluster
from support.waiting import eventually_sync
from support.wire import WireClient

from protocol.errors import ErrorCode
from protocol.messages import ElectLeadersRequest

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
        # Asked of each broker in turn: those that are not the active controller forward it.
        for node in cluster.broker_ids():
            assert asyncio.run(_elect_at(cluster.address(node), topic)) == [
                (topic, 0, ErrorCode.ELECTION_NOT_NEEDED)
            ]


async def _elect_at(address: str, topic: str) -> list[tuple[str, int, int]]:
    """A preferred election of ``topic``'s partition 0 asked of the broker at ``address``."""
    client = await WireClient.connect(address)
    try:
        body = ElectLeadersRequest(
            election_type=0,
            topic_partitions=[ElectLeadersRequest.TopicPartitions(topic=topic, partitions=[0])],
            timeout_ms=int(CALL_S * 1000),
        )
        answer = await client.request(body, 2, timeout_s=CALL_S)
        assert answer.error_code == 0
        return [
            (t.topic, p.partition_id, p.error_code)
            for t in answer.replica_election_results
            for p in t.partition_result
        ]
    finally:
        await client.close()


def test_an_unclean_election_revives_a_partition_whose_isr_died(tmp_path: Path) -> None:
    topic = "unclean"
    # Node 1 is a controller only: with voters 1-3, killing 3 keeps a quorum (1, 2).
    roles = {1: "controller", 2: "broker,controller", 3: "broker,controller", 4: "broker"}
    # The controller's own imbalance check off: 3, back in the ISR, leads only when asked.
    settings = {"auto.leader.rebalance.enable": "false"}
    with running_cluster(tmp_path, size=4, roles=roles, settings=settings) as cluster:
        admin = AdminClient({"bootstrap.servers": cluster.bootstrap_servers})
        new = NewTopic(topic, num_partitions=1, replica_assignment=[[3, 4]])
        for future in admin.create_topics([new]).values():
            future.result(CALL_S)

        def state(via: list[int]) -> tuple[int, list[int]] | None:
            p = cluster.partition(topic, 0, via)
            return None if p is None else (int(p.leader), sorted(p.isrs))

        def produce(value: int) -> None:
            producer = confluent_kafka.Producer(
                {"bootstrap.servers": cluster.bootstrap_servers, "acks": "all"}
            )
            delivered: list[object] = []
            producer.produce(
                topic, str(value).encode(), on_delivery=lambda err, _m: delivered.append(err)
            )
            assert producer.flush(CALL_S) == 0
            assert delivered == [None]

        eventually_sync(lambda: state([2]) == (3, [3, 4]), WAIT_S, "the topic led by 3")
        produce(1)  # on both replicas
        cluster.signal(4, signal.SIGSTOP)  # out of the ISR (and fenced) while stopped
        try:
            eventually_sync(lambda: state([2]) == (3, [3]), WAIT_S, "4 out of the ISR")
            produce(2)  # on 3 alone: the unclean election will lose it
            cluster.kill(3)
            eventually_sync(
                lambda: state([2]) == (-1, [3]), WAIT_S, "no leader: the ISR is the dead 3"
            )
        finally:
            cluster.signal(4, signal.SIGCONT)

        def settled() -> bool:
            """4 unfenced again, and both brokers' views current: live brokers 2 and 4, the
            controller one of them (a broker just resumed answers from its old image for a
            moment), the partition without a leader."""
            for node in (2, 4):
                md = cluster.metadata([node])
                if md is None or set(md.brokers) != {2, 4} or md.controller_id not in (2, 4):
                    return False
                if topic not in md.topics or md.topics[topic].partitions[0].leader != -1:
                    return False
            return True

        eventually_sync(settled, WAIT_S, "4 back, outside the ISR: no clean election")
        assert state([2]) == (-1, [3])

        tp = TopicPartition(topic, 0)
        not_there = KafkaError.PREFERRED_LEADER_NOT_AVAILABLE
        assert _elect(cluster, ElectionType.PREFERRED, [tp]) == {(topic, 0): not_there}
        assert _elect(cluster, ElectionType.UNCLEAN, [tp]) == {(topic, 0): KafkaError.NO_ERROR}
        eventually_sync(lambda: state([2, 4]) == (4, [4]), WAIT_S, "4 leads, alone in the ISR")
        produce(3)
        assert _elect(cluster, ElectionType.UNCLEAN, [tp]) == {
            (topic, 0): KafkaError.ELECTION_NOT_NEEDED
        }

        # 3 comes back with 2, which 4 never had: it must drop it and follow 4's log.
        cluster.restart(3)
        eventually_sync(lambda: state([2]) == (4, [3, 4]), WAIT_S, "3 back in the ISR")
        assert _elect(cluster, ElectionType.PREFERRED, [tp]) == {(topic, 0): KafkaError.NO_ERROR}
        eventually_sync(lambda: state([2, 3]) == (3, [3, 4]), WAIT_S, "3 leads again")
        assert read_partition_values({"bootstrap.servers": cluster.bootstrap_servers}, topic) == [
            1,
            3,
        ]
