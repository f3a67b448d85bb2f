"""Transactional offset commits in an in-process broker: TxnOffsetCommit over the wire, the
marker that commits or aborts them (written as the transaction coordinator does, then reported
with ``on_txn_marker``), and a restart with a transaction still open."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from support.group_ops import committed, fetch_offsets, fetch_offsets_when_loaded
from support.kafka_ops import create_topic
from support.wire import WireClient

from broker.app import Broker
from broker.group.records import partition_for_group
from broker.metadata.internal_topics import GROUP_METADATA_TOPIC
from broker.replication.appends import AppendFailure
from protocol.errors import ErrorCode
from protocol.messages import OffsetFetchRequest, TxnOffsetCommitRequest

pytestmark = pytest.mark.timeout(60)

NO_DELAY = {"group.initial.rebalance.delay.ms": 0}
GROUP = "txn-group"
PID = 7000
EPOCH = 0

_Topic = TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic


async def txn_commit(client: WireClient, offsets: dict[tuple[str, int], int]) -> dict[Any, int]:
    topics: dict[str, list[Any]] = {}
    for (topic, partition), offset in offsets.items():
        topics.setdefault(topic, []).append(
            _Topic.TxnOffsetCommitRequestPartition(
                partition_index=partition, committed_offset=offset
            )
        )
    request = TxnOffsetCommitRequest(
        transactional_id="tx",
        group_id=GROUP,
        producer_id=PID,
        producer_epoch=EPOCH,
        topics=[_Topic(name=t, partitions=ps) for t, ps in topics.items()],
    )
    response = await client.request(request, 3)
    return {
        (t.name, p.partition_index): p.error_code for t in response.topics for p in t.partitions
    }


async def stable_errors(client: WireClient, partitions: list[int]) -> dict[int, int]:
    request = OffsetFetchRequest(
        group_id=GROUP,
        topics=[OffsetFetchRequest.OffsetFetchRequestTopic(name="t", partition_indexes=partitions)],
        require_stable=True,
    )
    response = await client.request(request, 7)
    return {p.partition_index: p.error_code for t in response.topics for p in t.partitions}


async def write_marker(broker: Broker, commit: bool) -> None:
    """What the transaction coordinator does for ``__consumer_offsets``: the marker, then the
    group coordinator told."""
    replicas, gc = broker.replica_manager, broker.group_coordinator
    assert replicas is not None and gc is not None
    partition = partition_for_group(GROUP, 50)
    result = replicas.write_txn_marker(
        GROUP_METADATA_TOPIC,
        partition,
        producer_id=PID,
        producer_epoch=EPOCH,
        coordinator_epoch=0,
        commit=commit,
        now_ms=int(time.time() * 1000),
    )
    assert not isinstance(result, AppendFailure), result
    waiting = replicas.acknowledge((result,), -1, 10_000)
    if waiting is not None:
        await waiting
    assert result.error_code == ErrorCode.NONE
    gc.on_txn_marker(partition, PID, commit)


async def test_txn_offsets_commit_abort_and_survive_a_restart(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "t", partitions=2)
        assert await txn_commit(client, {("t", 0): 5, ("t", 1): 6}) == {("t", 0): 0, ("t", 1): 0}
        assert committed(await fetch_offsets(client, GROUP, [("t", 0), ("t", 1)])) == {
            ("t", 0): -1,
            ("t", 1): -1,
        }
        unstable = ErrorCode.UNSTABLE_OFFSET_COMMIT
        assert await stable_errors(client, [0, 1]) == {0: unstable, 1: unstable}
        await write_marker(broker, commit=True)
        assert committed(await fetch_offsets(client, GROUP)) == {("t", 0): 5, ("t", 1): 6}
        # A second transaction, left open across the restart.
        assert await txn_commit(client, {("t", 0): 8}) == {("t", 0): 0}
        await client.close()

    async with Broker.embedded(tmp_path, **NO_DELAY) as broker:
        assert broker.group_coordinator is not None
        await broker.group_coordinator.wait_loaded(20)
        client = await WireClient.connect(broker.bootstrap_servers)
        fetched = await fetch_offsets_when_loaded(client, GROUP)
        assert committed(fetched) == {("t", 0): 5, ("t", 1): 6}
        assert await stable_errors(client, [0, 1]) == {0: ErrorCode.UNSTABLE_OFFSET_COMMIT, 1: 0}
        await write_marker(broker, commit=False)
        assert committed(await fetch_offsets(client, GROUP)) == {("t", 0): 5, ("t", 1): 6}
        assert await stable_errors(client, [0, 1]) == {0: 0, 1: 0}
        await client.close()
