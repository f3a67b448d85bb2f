"""A broker whose metadata may be stale (a voter restarted in a cluster, until it has caught up
with the quorum: ``ReplicaManager.catching_up``) answers writes NOT_LEADER_OR_FOLLOWER and group
requests COORDINATOR_LOAD_IN_PROGRESS, both of which clients retry; reads are served (only
records below the high watermark, which were committed); Metadata and DescribeCluster are
answered once it has caught up, from the image it has then (or, past a bound, from the one it
has). Once caught up, it serves all."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support.kafka_ops import create_topic, fetch, metadata, produce, values_of
from support.waiting import eventually
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.handlers import metadata as metadata_handler
from protocol.errors import ErrorCode
from protocol.messages import DescribeClusterRequest, OffsetFetchRequest

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


#: How long a request must stay unanswered to count as held (it is answered in milliseconds
#: otherwise).
HELD_S = 0.5
#: Most a held request may take once the broker caught up.
ANSWER_TIMEOUT_S = 10.0


async def test_metadata_is_answered_once_caught_up_from_the_newer_image(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        replicas = broker.replica_manager
        assert replicas is not None
        client = await WireClient.connect(broker.bootstrap_servers)
        admin = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(admin, "t", partitions=1)

        replicas.catching_up = True
        described = asyncio.create_task(metadata(client, ["t", "u"], allow_auto_create=False))
        cluster = asyncio.create_task(admin.request(DescribeClusterRequest(), 0))
        done, _ = await asyncio.wait({described, cluster}, timeout=HELD_S)
        assert not done, "answered while catching up"
        # The image moves on while the requests wait (as a restarted broker's does while it
        # applies what it missed): the answers describe the image of when it caught up.
        other = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(other, "u", partitions=2)
        await other.close()
        assert not described.done()

        replicas.catching_up = False
        response = await asyncio.wait_for(described, ANSWER_TIMEOUT_S)
        assert [(t.name, t.error_code, len(t.partitions)) for t in response.topics] == [
            ("t", 0, 1),
            ("u", 0, 2),
        ]
        assert [b.node_id for b in response.brokers] == [broker.config.node_id]
        answer = await asyncio.wait_for(cluster, ANSWER_TIMEOUT_S)
        assert answer.error_code == 0
        assert [b.broker_id for b in answer.brokers] == [broker.config.node_id]
        await client.close()
        await admin.close()


async def test_metadata_is_answered_from_the_image_it_has_once_the_wait_runs_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metadata_handler, "CATCH_UP_WAIT_S", 0.2)
    async with Broker.embedded(tmp_path) as broker:
        replicas = broker.replica_manager
        assert replicas is not None
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "t", partitions=3)
        replicas.catching_up = True
        response = await metadata(client, ["t"], allow_auto_create=False)
        assert [len(t.partitions) for t in response.topics] == [3]
        assert replicas.catching_up
        replicas.catching_up = False
        await client.close()
