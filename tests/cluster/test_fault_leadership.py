"""Leadership moves on request in a cluster of three (in one process, a real Raft quorum):
move-leader hands a partition to another in-sync replica at the next leader epoch and bump-epoch
keeps the leader at the next epoch, both asked of a broker that is not the active controller
(forwarded), while a confluent-kafka idempotent acks=all producer keeps writing; afterwards
every acknowledged record is there once, in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cluster.cluster_harness import AckedWriter, check_acknowledged, read_partition_values
from support.raft_cluster import cluster_of_three
from support.waiting import eventually

from broker.app import Broker
from broker.metadata.controller_api import NewTopic
from broker.metadata.image import PartitionImage
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

pytest.importorskip("confluent_kafka")

pytestmark = [pytest.mark.timeout(120)]

TOPIC = "moves"
#: Acknowledged records wanted before the first change and after each.
BATCH = 100


def _state(broker: Broker) -> PartitionImage | None:
    assert broker.controller is not None
    return broker.controller.image.partition(TOPIC, 0)


def _everywhere(brokers: dict[int, Broker], leader: int, epoch: int) -> bool:
    """Every broker's image shows ``leader`` at ``epoch``, and the leader's replica leads at
    that epoch."""
    for b in brokers.values():
        state = _state(b)
        if state is None or (state.leader, state.leader_epoch) != (leader, epoch):
            return False
    replicas = brokers[leader].replica_manager
    assert replicas is not None
    replica = replicas.replica(TopicPartition(TOPIC, 0))
    return replica is not None and replica.is_leader and replica.leader_epoch == epoch


async def test_move_leader_and_bump_epoch_while_a_producer_writes(tmp_path: Path) -> None:
    async with cluster_of_three(tmp_path) as brokers:
        first = brokers[1].controller
        assert first is not None
        [created] = await first.create_topics(
            [NewTopic(TOPIC, 1, 3, configs={"min.insync.replicas": "2"})]
        )
        assert created.error is ErrorCode.NONE

        def fully_in_sync() -> PartitionImage | None:
            state = _state(brokers[1])
            return state if state is not None and len(state.isr) == 3 else None

        before = await eventually(fully_in_sync, what="three in-sync replicas")
        standby = next(
            b.controller for b in brokers.values() if b.controller and not b.controller.is_active
        )
        bootstrap = ",".join(b.bootstrap_servers for b in brokers.values())
        writer = AckedWriter({"bootstrap.servers": bootstrap}, TOPIC)
        writer.start()
        try:
            await eventually(lambda: writer.acked_count >= BATCH, 30, "acks before the move")

            moved = await standby.elect_leader(TOPIC, 0, None, False)
            assert moved.error is ErrorCode.NONE, moved
            new_leader = next(r for r in before.replicas if r != before.leader)  # the first other
            epoch = before.leader_epoch + 1
            assert moved.message == f"{TOPIC}-0: leader {new_leader} at leader epoch {epoch}"
            await eventually(lambda: _everywhere(brokers, new_leader, epoch), 30, "the move")
            acked = writer.acked_count
            await eventually(
                lambda: writer.acked_count >= acked + BATCH,
                30,
                "acks after the move",
                describe=writer.describe,
            )

            bumped = await standby.elect_leader(TOPIC, 0, None, True)
            assert bumped.error is ErrorCode.NONE, bumped
            await eventually(lambda: _everywhere(brokers, new_leader, epoch + 1), 30, "the bump")
            acked = writer.acked_count
            await eventually(
                lambda: writer.acked_count >= acked + BATCH,
                30,
                "acks after the bump",
                describe=writer.describe,
            )

            refused = await standby.elect_leader(TOPIC, 0, new_leader, False)
            assert refused.error is ErrorCode.INVALID_REQUEST
            assert refused.message == f"broker {new_leader} already leads {TOPIC}-0"
        finally:
            await asyncio.to_thread(writer.finish)
        assert writer.failed == []
        values = await asyncio.to_thread(
            read_partition_values, {"bootstrap.servers": bootstrap}, TOPIC
        )
        check_acknowledged(writer.acked, values)
