"""acks=all has one deadline per request, as Kafka's DelayedProduce: a produce to several
partitions that cannot be acknowledged answers REQUEST_TIMED_OUT for every partition once
``timeout_ms`` passed, the partitions waiting together, not one after another."""

from __future__ import annotations

import time
from typing import Final

import pytest
from support.client_helpers import eventually
from support.replication_cluster import InProcessCluster
from support.wire import WireClient, make_batch

from broker.storage.names import TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import ProduceRequest

pytestmark = pytest.mark.timeout(120)

TOPIC: Final = "stalled"
PARTITIONS: Final = 4
TIMEOUT_MS: Final = 1_000
#: What the answer may take beyond ``timeout_ms`` (a busy machine); far below the
#: ``PARTITIONS * timeout_ms`` of partitions waiting one after another.
MARGIN_S: Final = 1.5


def _produce_to_every_partition() -> ProduceRequest:
    data = ProduceRequest.TopicProduceData.PartitionProduceData
    return ProduceRequest(
        acks=-1,
        timeout_ms=TIMEOUT_MS,
        topic_data=[
            ProduceRequest.TopicProduceData(
                name=TOPIC,
                partition_data=[
                    data(index=p, records=make_batch([f"v{p}".encode()])) for p in range(PARTITIONS)
                ],
            )
        ],
    )


async def test_acks_all_to_several_partitions_waits_one_timeout() -> None:
    # The follower's lag time is far longer than the test: it stays in the ISR while stopped,
    # so the high watermark cannot pass the appends and nothing shrinks the ISR.
    cluster = InProcessCluster(2, None, **{"replica.lag.time.max.ms": 600_000})
    await cluster.start()
    client: WireClient | None = None
    try:
        await cluster.create_topic(TOPIC, [1, 2], partitions=PARTITIONS)
        for p in range(PARTITIONS):
            if cluster.state(TOPIC, p).leader != 1:
                await cluster.elect(TOPIC, p, 1, [1, 2])
        leader = cluster.brokers[1].replica_manager
        assert leader is not None

        def leads_all() -> bool:
            assert leader is not None
            found = [leader.replica(TopicPartition(TOPIC, p)) for p in range(PARTITIONS)]
            return all(r is not None and r.is_leader for r in found)

        await eventually(leads_all, what="broker 1 leads every partition")
        await cluster.stop_broker(2)
        client = await WireClient.connect(cluster.bootstrap(1))
        started = time.monotonic()
        response = await client.request(_produce_to_every_partition(), 8, timeout_s=30)
        elapsed_s = time.monotonic() - started
        [topic] = response.responses
        codes = {p.index: p.error_code for p in topic.partition_responses}
        assert codes == dict.fromkeys(range(PARTITIONS), ErrorCode.REQUEST_TIMED_OUT)
        assert elapsed_s >= TIMEOUT_MS / 1000 * 0.9, elapsed_s  # it did wait
        assert elapsed_s < TIMEOUT_MS / 1000 + MARGIN_S, elapsed_s  # once, not per partition
    finally:
        if client is not None:
            await client.close()
        await cluster.close()
