"""In-process brokers replicating to each other, with a fake control plane.

``InProcessCluster`` runs N ``Broker`` objects on one event loop, real sockets between them.
Each broker keeps its own (single-node) metadata log; the fake control plane commits the same
metadata records to every running broker (and the ones it missed to a broker that restarts),
answers AlterPartition by committing a PartitionChangeRecord after checking the epochs, and
elects leaders from the ISR when told to. Enough to test the data path without a Raft quorum.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from broker.app import Broker
from broker.config import load_config
from broker.metadata.controller import Controller
from broker.metadata.image import TOPIC_RESOURCE, MetadataImage
from broker.metadata.records import (
    ConfigRecord,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionRecord,
    TopicRecord,
)
from broker.replication.isr import AlterPartitionResult
from protocol.errors import ErrorCode
from protocol.types import TopicPartition


class InProcessCluster:
    """N brokers (node ids 1..N) and a fake control plane."""

    def __init__(self, size: int, root: Path | None = None, **overrides: Any) -> None:
        self._temp = root is None
        self.root = Path(tempfile.mkdtemp(prefix="samsa-repl-")) if root is None else root
        self.size = size
        self.overrides = overrides
        self.brokers: dict[int, Broker] = {}
        self.ports: dict[int, int] = {}
        self.records: list[MetadataRecord] = []
        self.delivered: dict[int, int] = {}
        self.image = MetadataImage.empty()
        self.lock = asyncio.Lock()
        #: Brokers whose AlterPartition calls fail (cut off from the controller).
        self.isolated: set[int] = set()

    # -- brokers ---------------------------------------------------------------------------

    async def start(self) -> None:
        for node in range(1, self.size + 1):
            await self.start_broker(node)

    async def start_broker(self, node: int) -> Broker:
        port = self.ports.get(node, 0)
        settings: dict[str, Any] = {
            "node.id": node,
            "listeners": f"PLAINTEXT://127.0.0.1:{port}",
            "log.dirs": str(self.root / f"broker-{node}"),
            "log.flush.policy": "none",
            "replica.fetch.backoff.ms": 50,
            "replica.fetch.wait.max.ms": 200,
            "replica.lag.time.max.ms": 1_000,
            "http.listeners": "127.0.0.1:0",
        }
        settings.update(self.overrides)
        broker = Broker(load_config(None, settings))
        await broker.start()
        assert broker.replica_manager is not None
        broker.replica_manager.alter_partition = self._alter_partition_for(node)
        broker.replica_manager.endpoint_of = self.endpoint_of
        broker.replica_manager.fetchers.retry_unresolved()
        self.brokers[node] = broker
        self.ports[node] = broker.port
        await self._deliver(node)
        return broker

    async def stop_broker(self, node: int) -> None:
        broker = self.brokers.pop(node)
        await broker.stop()

    async def close(self) -> None:
        for node in list(self.brokers):
            await self.stop_broker(node)
        if self._temp:
            shutil.rmtree(self.root, ignore_errors=True)

    def endpoint_of(self, node: int) -> tuple[str, int] | None:
        port = self.ports.get(node)
        return None if port is None else ("127.0.0.1", port)

    def bootstrap(self, node: int) -> str:
        return f"127.0.0.1:{self.ports[node]}"

    # -- the control plane -----------------------------------------------------------------

    async def commit(self, records: Sequence[MetadataRecord]) -> None:
        async with self.lock:
            self.image = self.image.apply(self.image.offset + 1, records)
            self.records.extend(records)
            for node in list(self.brokers):
                await self._deliver_locked(node)

    async def _deliver(self, node: int) -> None:
        async with self.lock:
            await self._deliver_locked(node)

    async def _deliver_locked(self, node: int) -> None:
        broker = self.brokers.get(node)
        if broker is None or broker.controller is None:
            return
        # Each broker here is a cluster of one, whose controller commits itself.
        assert isinstance(broker.controller, Controller)
        start = self.delivered.get(node, 0)
        missing = self.records[start:]
        if missing:
            await broker.controller._commit(missing)
            self.delivered[node] = len(self.records)

    async def create_topic(
        self,
        name: str,
        replicas: Sequence[int],
        *,
        partitions: int = 1,
        configs: dict[str, str] | None = None,
    ) -> uuid.UUID:
        topic_id = uuid.uuid4()
        records: list[MetadataRecord] = [TopicRecord(name, topic_id)]
        for pid in range(partitions):
            order = tuple(replicas[(pid + i) % len(replicas)] for i in range(len(replicas)))
            records.append(PartitionRecord(topic_id, pid, order, order, order[0]))
        for key, value in (configs or {}).items():
            records.append(ConfigRecord(TOPIC_RESOURCE, name, key, value))
        await self.commit(records)
        return topic_id

    def state(self, topic: str, partition: int = 0) -> Any:
        found = self.image.partition(topic, partition)
        assert found is not None
        return found

    async def elect(self, topic: str, partition: int, leader: int, isr: Sequence[int]) -> None:
        """Make ``leader`` the leader with ``isr`` (a clean election: ``leader`` in the ISR)."""
        t = self.image.topic(topic)
        assert t is not None
        await self.commit([PartitionChangeRecord(t.topic_id, partition, leader, tuple(isr))])

    def _alter_partition_for(self, node: int) -> Any:
        async def alter(
            tp: TopicPartition, leader_epoch: int, partition_epoch: int, new_isr: tuple[int, ...]
        ) -> AlterPartitionResult:
            if node in self.isolated:
                raise ConnectionError("the controller cannot be reached")
            t = self.image.topic(tp.topic)
            current = None if t is None else t.partitions.get(tp.partition)
            if t is None or current is None:
                return AlterPartitionResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            if current.leader != node or current.leader_epoch != leader_epoch:
                return AlterPartitionResult(ErrorCode.FENCED_LEADER_EPOCH)
            if current.partition_epoch != partition_epoch:
                return AlterPartitionResult(ErrorCode.INVALID_UPDATE_VERSION)
            await self.commit([PartitionChangeRecord(t.topic_id, tp.partition, isr=new_isr)])
            new = self.state(tp.topic, tp.partition)
            return AlterPartitionResult(
                ErrorCode.NONE, new.isr, new.leader_epoch, new.partition_epoch
            )

        return alter
