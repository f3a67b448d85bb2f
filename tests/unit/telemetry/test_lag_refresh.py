"""``LagReader.refresh``: the background round that gives partitions with no replica here a lag
in offsets and seconds, bounded in partitions and Fetches per round and in time; ``lags``
reads only what the last round kept."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

import pytest

from broker.group.driver import GroupCoordinator
from broker.http.lag import LagReader
from broker.replication.manager import ReplicaManager
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(10)

T0 = 1_700_000_000_000


@dataclass
class Committed:
    offset: int
    commit_timestamp_ms: int = T0


@dataclass
class Core:
    offsets: dict[str, dict[TopicPartition, Committed]]

    def all_committed_offsets(self) -> Iterator[tuple[str, TopicPartition, Committed]]:
        for group, offsets in self.offsets.items():
            for tp, om in offsets.items():
                yield group, tp, om

    def committed_offsets(self, group_id: str) -> dict[TopicPartition, Committed]:
        return dict(self.offsets.get(group_id, {}))


@dataclass
class Coordinator:
    core: Core


class NoReplicas:
    """A broker with no replica of any partition."""

    def replica(self, tp: TopicPartition) -> None:
        return None


@dataclass
class Offsets:
    log_start_offset: int
    high_watermark: int


@dataclass
class Cluster:
    """Leaders holding ``ends[tp]`` records, record ``o`` of ``tp`` stamped T0 + o seconds."""

    ends: dict[TopicPartition, int]
    asked: list[list[TopicPartition]] = field(default_factory=list)
    fetched: list[tuple[TopicPartition, int]] = field(default_factory=list)
    hang: bool = False

    async def offsets(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, Offsets]:
        wanted = list(tps)
        self.asked.append(wanted)
        if self.hang:
            await asyncio.Event().wait()
        return {tp: Offsets(0, self.ends[tp]) for tp in wanted}

    async def first_timestamp(self, tp: TopicPartition, offset: int) -> int | None:
        self.fetched.append((tp, offset))
        if self.hang:
            await asyncio.Event().wait()
        return T0 + offset * 1000 if offset < self.ends[tp] else None


def tps(n: int) -> list[TopicPartition]:
    return [TopicPartition("t", p) for p in range(n)]


def setup(n: int, committed: int = 1) -> tuple[GroupCoordinator, ReplicaManager, Cluster]:
    core = Core({"g": {tp: Committed(committed) for tp in tps(n)}})
    cluster = Cluster(dict.fromkeys(tps(n), 5))
    return cast(GroupCoordinator, Coordinator(core)), cast(ReplicaManager, NoReplicas()), cluster


async def test_remote_partitions_have_lag_after_one_refresh() -> None:
    coordinator, replicas, cluster = setup(3)
    reader = LagReader()
    now_ms = T0 + 60_000
    before = reader.lags(coordinator, replicas, now_ms)
    assert [(r.lag, r.lag_seconds, r.high_watermark) for r in before] == [(None, None, None)] * 3
    assert cluster.asked == []  # reading never asks the cluster
    await reader.refresh(coordinator, replicas, cluster, now_ms)
    after = reader.lags(coordinator, replicas, now_ms)
    assert [(r.partition, r.lag, r.high_watermark, r.local) for r in after] == [
        (p, 4, 5, False) for p in range(3)
    ]
    assert [r.lag_seconds for r in after] == [59.0] * 3  # record 1 stamped T0 + 1 s
    assert reader.total_lags(coordinator, replicas, 10) == {"g": 12}
    # The timestamps are cached: a second round fetches none.
    fetched = len(cluster.fetched)
    await reader.refresh(coordinator, replicas, cluster, now_ms)
    assert len(cluster.fetched) == fetched


async def test_a_round_asks_at_most_max_remote_partitions_least_recently_refreshed_first() -> None:
    coordinator, replicas, cluster = setup(5)
    reader = LagReader(max_remote=2, max_fetches=1)
    for round_ms in (T0, T0 + 1, T0 + 2):
        await reader.refresh(coordinator, replicas, cluster, round_ms)
    assert [len(asked) for asked in cluster.asked] == [2, 2, 2]
    assert {tp for asked in cluster.asked for tp in asked} == set(tps(5))
    assert len(cluster.fetched) == 3  # one Fetch per round
    known = [r for r in reader.lags(coordinator, replicas, T0) if r.lag is not None]
    assert len(known) == 5


async def test_a_hanging_cluster_costs_a_round_its_deadline_and_keeps_the_last_answers() -> None:
    coordinator, replicas, cluster = setup(2)
    reader = LagReader(timeout_s=0.05)
    await reader.refresh(coordinator, replicas, cluster, T0)
    cluster.ends = dict.fromkeys(tps(2), 9)
    cluster.hang = True
    async with asyncio.timeout(2):
        await reader.refresh(coordinator, replicas, cluster, T0 + 1)
    assert [r.lag for r in reader.lags(coordinator, replicas, T0)] == [4, 4]


async def test_partitions_no_group_commits_for_are_forgotten() -> None:
    coordinator, replicas, cluster = setup(2)
    reader = LagReader()
    await reader.refresh(coordinator, replicas, cluster, T0)
    assert reader.remote(TopicPartition("t", 1)) is not None
    cast(Core, coordinator.core).offsets["g"].pop(TopicPartition("t", 1))
    await reader.refresh(coordinator, replicas, cluster, T0 + 1)
    assert reader.remote(TopicPartition("t", 1)) is None
