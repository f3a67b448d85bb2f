"""Three in-process brokers forming a metadata quorum over real controller ports: changes
asked of any broker reach the active controller, Metadata shows the cluster as it is, producer
ids never repeat across brokers, and snapshots truncate the Raft log and replay at restart."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support.ports import free_ports
from support.waiting import eventually

from broker.app import Broker
from broker.config import load_config
from broker.metadata.raft_log import RAFT_DIR, RaftMetadataLog
from broker.raft.storage import FileRaftStorage
from client import Admin, KafkaError
from client.admin.types import NewTopic

pytestmark = [pytest.mark.timeout(120)]

DEADLINE_S = 30.0

SETTINGS = {
    "log.flush.policy": "none",
    "broker.session.timeout.ms": "3000",
    "broker.heartbeat.interval.ms": "100",
    "controller.quorum.election.timeout.ms": "300",
    "offsets.topic.replication.factor": "3",
    "offsets.topic.num.partitions": "1",
    "log.cleaner.enable": "false",
}


class InProcessCluster:
    def __init__(self, root: Path, racks: dict[int, str] | None = None, **settings: str) -> None:
        self.root = root
        self.racks = racks or {}
        ports = free_ports(3)
        self.voters = ",".join(f"{i}@127.0.0.1:{ports[i - 1]}" for i in (1, 2, 3))
        self.settings = {**SETTINGS, **settings}
        self.brokers: dict[int, Broker] = {}

    async def start(self, node: int) -> Broker:
        config = load_config(
            None,
            {
                **self.settings,
                "node.id": node,
                "listeners": "PLAINTEXT://127.0.0.1:0",
                "http.listeners": "127.0.0.1:0",
                "log.dirs": str(self.root / f"broker-{node}"),
                "controller.quorum.voters": self.voters,
                **({"broker.rack": self.racks[node]} if node in self.racks else {}),
            },
        )
        broker = Broker(config)
        await broker.start()
        self.brokers[node] = broker
        return broker

    async def stop(self, node: int) -> None:
        await self.brokers.pop(node).stop()

    def controller(self, node: int) -> Any:
        controller = self.brokers[node].controller
        assert controller is not None
        return controller

    def active(self) -> int | None:
        active = [n for n in self.brokers if self.controller(n).is_active]
        return active[0] if len(active) == 1 else None

    def all_unfenced(self) -> bool:
        return all(
            len(self.controller(n).image.brokers) == 3
            and not any(b.fenced for b in self.controller(n).image.brokers.values())
            for n in self.brokers
        )


@contextlib.asynccontextmanager
async def cluster_of_three(
    root: Path, *, racks: dict[int, str] | None = None, settings: dict[str, str] | None = None
) -> AsyncIterator[InProcessCluster]:
    cluster = InProcessCluster(root, racks, **(settings or {}))
    try:
        for node in (1, 2, 3):
            await cluster.start(node)
        await eventually(cluster.all_unfenced, DEADLINE_S, "three unfenced brokers")
        yield cluster
    finally:
        for node in list(cluster.brokers):
            await cluster.stop(node)


async def test_changes_reach_the_active_controller_from_any_broker(tmp_path: Path) -> None:
    async with cluster_of_three(tmp_path) as cluster:
        active = await eventually(cluster.active, DEADLINE_S, "an active controller")
        other = next(n for n in cluster.brokers if n != active)
        # Straight to a broker that is not the active controller: forwarded.
        forwarded = await cluster.controller(other).create_topics(
            [_new("direct", 2, 3, {"min.insync.replicas": "2"})]
        )
        assert [r.error.name for r in forwarded] == ["NONE"]
        assert cluster.controller(other).image.topic("direct") is not None
        assert forwarded[0].configs is not None
        assert forwarded[0].configs["min.insync.replicas"].value == "2"
        # Through Samsa's admin client bootstrapped at that broker.
        async with Admin(bootstrap_servers=cluster.brokers[other].bootstrap_servers) as admin:
            await admin.create_topics([NewTopic("via-admin", 3, 3)])
            described = await eventually(
                lambda: admin.describe_topics(["via-admin"], offsets=False),
                DEADLINE_S,
                "described",
                retry_on=(KafkaError,),
            )
            cluster_info = await admin.describe_cluster()
        partitions = described["via-admin"].partitions
        assert len(partitions) == 3
        assert {p.leader for p in partitions} == {1, 2, 3}  # round-robin leaders
        for p in partitions:
            assert sorted(p.replicas) == [1, 2, 3] and sorted(p.isr) == [1, 2, 3]
            assert p.leader == p.replicas[0] and p.leader_epoch == 0
        assert cluster_info.controller_id == active
        assert sorted(b.node_id for b in cluster_info.brokers) == [1, 2, 3]
        # Every broker converges on the same image.
        await eventually(
            lambda: len({cluster.controller(n).image.offset for n in cluster.brokers}) == 1,
            DEADLINE_S,
            "every broker at the same offset",
        )
        # Producer ids from different brokers never collide.
        pids = [await cluster.controller(n).allocate_producer_id() for n in (1, 2, 3)]
        assert len(set(pids)) == 3


async def test_every_admin_change_is_forwarded(tmp_path: Path) -> None:
    from broker.metadata.controller import AlterConfigOp, ConfigResourceChange
    from broker.metadata.image import TOPIC_RESOURCE

    # Racks a, a, b: every partition with two replicas gets one in each rack.
    async with cluster_of_three(tmp_path, racks={1: "a", 2: "a", 3: "b"}) as cluster:
        active = await eventually(cluster.active, DEADLINE_S, "an active controller")
        other = cluster.controller(next(n for n in cluster.brokers if n != active))
        assert other.image.brokers[3].rack == "b"
        [created] = await other.create_topics([_new("racked", 6, 2, {})])
        assert created.error.name == "NONE"
        racked = other.image.topic("racked")
        assert racked is not None
        for p in racked.partitions.values():
            assert 3 in p.replicas  # the only broker of rack b
        [grown] = await other.create_partitions([("racked", 8, None)])
        assert grown.error.name == "NONE"
        assert other.image.topic("racked").partition_count == 8
        [altered] = await other.alter_configs(
            [
                ConfigResourceChange(
                    TOPIC_RESOURCE, "racked", [("retention.ms", AlterConfigOp.SET, "60000")]
                )
            ]
        )
        assert altered.error.name == "NONE"
        assert other.image.config(TOPIC_RESOURCE, "racked")["retention.ms"] == "60000"
        [refused] = await other.create_topics([_new("too-wide", 1, 4, {})])
        assert refused.error.name == "INVALID_REPLICATION_FACTOR"
        [deleted] = await other.delete_topics(["racked"])
        assert deleted.error.name == "NONE"
        assert other.image.topic("racked") is None


def _new(name: str, partitions: int, replication: int, configs: dict[str, str]) -> Any:
    from broker.metadata.controller import NewTopic as ControllerTopic

    return ControllerTopic(name, partitions, replication, configs=configs)


async def test_snapshots_truncate_the_raft_log_and_replay_at_restart(tmp_path: Path) -> None:
    async with cluster_of_three(
        tmp_path, settings={"metadata.log.max.record.bytes.between.snapshots": "2000"}
    ) as cluster:
        active = await eventually(cluster.active, DEADLINE_S, "an active controller")
        for i in range(12):
            [result] = await cluster.controller(active).create_topics([_new(f"t{i}", 1, 3, {})])
            assert result.error.name == "NONE"
        follower = next(n for n in cluster.brokers if n != active)
        await eventually(
            lambda: cluster.controller(follower).image.topic("t11") is not None,
            DEADLINE_S,
            "replicated",
        )
        before = cluster.controller(follower).image
        metadata_log = cluster.brokers[follower].metadata_log
        assert isinstance(metadata_log, RaftMetadataLog)
        await eventually(
            lambda: metadata_log.node.core.log.snapshot_index > 0,
            DEADLINE_S,
            "a snapshot on the follower",
        )
        await cluster.stop(follower)
        raft_dir = tmp_path / f"broker-{follower}" / "__cluster_metadata" / RAFT_DIR
        storage = FileRaftStorage.open(raft_dir)
        state = storage.initial_state()
        storage.close()
        assert state.snapshot is not None
        assert all(e.index > state.snapshot.index for e in state.entries)  # log truncated
        restarted = await cluster.start(follower)
        assert restarted.controller is not None
        image = restarted.controller.image
        assert image.offset >= before.offset
        assert set(before.topics_by_name) <= set(image.topics_by_name)
        for name, topic in before.topics_by_name.items():
            assert image.topics_by_name[name].topic_id == topic.topic_id


async def test_a_stopped_controller_is_replaced_and_leaders_move(tmp_path: Path) -> None:
    async with cluster_of_three(tmp_path) as cluster:
        active = await eventually(cluster.active, DEADLINE_S, "an active controller")
        [result] = await cluster.controller(active).create_topics([_new("moving", 3, 3, {})])
        assert result.error.name == "NONE"
        await cluster.stop(active)  # a controlled shutdown
        survivor = next(iter(cluster.brokers))
        new_active = await eventually(cluster.active, DEADLINE_S, "a new active controller")
        assert new_active != active
        image = cluster.controller(survivor).image
        topic = image.topic("moving")
        assert topic is not None
        for p in topic.partitions.values():
            assert p.leader != active and p.leader in cluster.brokers
            assert active not in p.isr
        assert image.brokers[active].fenced
