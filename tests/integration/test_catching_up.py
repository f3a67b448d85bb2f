"""A broker whose metadata may be stale (a voter restarted in a cluster, until it has caught up
with the quorum: ``ReplicaManager.catching_up``) answers writes NOT_LEADER_OR_FOLLOWER and group
requests COORDINATOR_LOAD_IN_PROGRESS, both of which clients retry; reads are served (only
records below the high watermark, which were committed). Once caught up, it serves all."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.kafka_ops import create_topic, fetch, produce, values_of
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.errors import ErrorCode
from protocol.messages import OffsetFetchRequest

pytestmark = pytest.mark.timeout(60)


async def _offset_fetch_error(client: WireClient) -> int:
    topic = OffsetFetchRequest.OffsetFetchRequestTopic(name="t", partition_indexes=[0])
    response = await client.request(OffsetFetchRequest(group_id="g", topics=[topic]), 7)
    return int(response.error_code)


async def test_writes_and_group_requests_wait_until_caught_up(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        replicas = broker.replica_manager
        assert replicas is not None and not replicas.catching_up
        assert broker.readiness() is None
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "t", partitions=1)
        assert (await produce(client, "t", 0, make_batch([b"before"]), acks=1)).error_code == 0

        async def coordinator_serves() -> bool:
            return await _offset_fetch_error(client) == 0

        await eventually(coordinator_serves, 30, "the group coordinator")

        replicas.catching_up = True
        answer = await produce(client, "t", 0, make_batch([b"during"]), acks=1)
        assert answer.error_code == ErrorCode.NOT_LEADER_OR_FOLLOWER
        assert await _offset_fetch_error(client) == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        assert values_of((await fetch(client, "t", 0, 0)).records) == [b"before"]
        assert broker.readiness() == "catching up with the metadata quorum"

        replicas.catching_up = False
        assert (await produce(client, "t", 0, make_batch([b"after"]), acks=1)).error_code == 0
        assert await _offset_fetch_error(client) == 0
        assert values_of((await fetch(client, "t", 0, 0)).records) == [b"before", b"after"]
        await client.close()
