"""Three brokers in one process forming a real Raft metadata quorum (each a voter), on free
ports: for tests of what must hold cluster-wide (partitions led and groups coordinated by
another broker) without starting processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from support.ports import free_ports
from support.waiting import eventually

from broker.app import Broker
from broker.config import load_config

CLUSTER_SETTINGS: dict[str, Any] = {
    "log.flush.policy": "none",
    "broker.session.timeout.ms": 3000,
    "broker.heartbeat.interval.ms": 100,
    "controller.quorum.election.timeout.ms": 300,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 1,
    "group.initial.rebalance.delay.ms": 0,
    "log.cleaner.enable": False,
    "auto.create.topics.enable": False,
}


#: Three brokers in one process cannot share the HTTP listener's default port.
HTTP_ON_A_FREE_PORT: dict[str, Any] = {"http.listeners": "127.0.0.1:0"}


@asynccontextmanager
async def cluster_of_three(root: Path) -> AsyncIterator[dict[int, Broker]]:
    """Start brokers 1, 2 and 3 under ``root`` and yield them once all three are registered
    and unfenced; stop them at the end."""
    ports = free_ports(3)
    voters = ",".join(f"{i}@127.0.0.1:{ports[i - 1]}" for i in (1, 2, 3))
    brokers: dict[int, Broker] = {}
    try:
        for node in (1, 2, 3):
            config = load_config(
                None,
                {
                    **CLUSTER_SETTINGS,
                    "node.id": node,
                    "listeners": "PLAINTEXT://127.0.0.1:0",
                    "log.dirs": str(root / f"broker-{node}"),
                    "controller.quorum.voters": voters,
                    **HTTP_ON_A_FREE_PORT,
                },
            )
            brokers[node] = Broker(config)
            await brokers[node].start()

        def all_unfenced() -> bool:
            for b in brokers.values():
                assert b.controller is not None
                registered = b.controller.image.brokers
                if len(registered) != 3 or any(r.fenced for r in registered.values()):
                    return False
            return True

        await eventually(all_unfenced, 30, "three unfenced brokers")
        yield brokers
    finally:
        for broker in brokers.values():
            await broker.stop()
