"""The first request naming thousands of partitions after a restart does not stall the broker:
opening their logs writes and fsyncs nothing on the event loop, and the opens are spread over
slices (``ReplicaManager.open_partitions``), so another connection keeps being served."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Final

import pytest
from support.kafka_ops import produce
from support.wire import WireClient, make_batch

from broker.app import Broker
from protocol.messages import ApiVersionsRequest, CreateTopicsRequest, ListOffsetsRequest

pytestmark = pytest.mark.timeout(240)

#: Partitions of the topic: the size at which the first ListOffsets used to stall for seconds.
PARTITIONS: Final = 2_000
#: Worst ApiVersions round trip allowed while the ListOffsets opens every partition: measured
#: 100-300 ms on a busy 2-core machine (the broker runs in a thread of this process, sharing
#: its GIL), where it was 3 s and more before.
MAX_PING_RTT_S: Final = 0.6
#: How often the second connection asks (the brief period a heartbeat-like client uses).
PING_INTERVAL_S: Final = 0.01
#: Partitions given records before the restart, and how many each gets.
WRITTEN: Final = {0: 3, 7: 1, PARTITIONS - 1: 2}
TOPIC: Final = "many"


def _api_versions() -> ApiVersionsRequest:
    return ApiVersionsRequest(client_software_name="ping", client_software_version="1")


def _list_latest() -> ListOffsetsRequest:
    partition = ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition
    return ListOffsetsRequest(
        replica_id=-1,
        isolation_level=0,
        topics=[
            ListOffsetsRequest.ListOffsetsTopic(
                name=TOPIC,
                partitions=[
                    partition(partition_index=i, current_leader_epoch=-1, timestamp=-1)
                    for i in range(PARTITIONS)
                ],
            )
        ],
    )


def _create(tmp_path: Path) -> None:
    async def create() -> None:
        async with Broker.embedded(tmp_path) as broker:
            client = await WireClient.connect(broker.bootstrap_servers)
            topic = CreateTopicsRequest.CreatableTopic(
                name=TOPIC, num_partitions=PARTITIONS, replication_factor=-1, configs=[]
            )
            response = await client.request(
                CreateTopicsRequest(topics=[topic], timeout_ms=60_000), 5, timeout_s=60
            )
            assert response.topics[0].error_code == 0, response
            for partition, count in WRITTEN.items():
                for i in range(count):
                    await produce(client, TOPIC, partition, make_batch([b"r%d" % i]))
            await client.close()

    asyncio.run(create())


def test_first_list_offsets_of_many_partitions_keeps_other_connections_served(
    tmp_path: Path,
) -> None:
    _create(tmp_path)  # default flush policy (group): a real data directory
    # The restarted broker runs on its own thread, so a stall of its event loop shows up here.
    with Broker.embedded_in_thread(tmp_path) as broker:
        asyncio.run(_first_list_offsets(broker.bootstrap_servers))


async def _first_list_offsets(bootstrap: str) -> None:
    lister = await WireClient.connect(bootstrap)
    pinger = await WireClient.connect(bootstrap)
    await pinger.request(_api_versions(), 3)
    rtts: list[float] = []
    done = asyncio.Event()

    async def ping() -> None:
        while not done.is_set():
            started = time.perf_counter()
            response = await pinger.request(_api_versions(), 3, timeout_s=60)
            assert response.error_code == 0
            rtts.append(time.perf_counter() - started)
            await asyncio.sleep(PING_INTERVAL_S)

    pings = asyncio.create_task(ping())
    try:
        started = time.perf_counter()
        response = await lister.request(_list_latest(), 7, timeout_s=120)
        took_s = time.perf_counter() - started
        pings_during = len(rtts)
    finally:
        done.set()
        await pings
    [topic] = response.topics
    got = {p.partition_index: (p.error_code, p.offset) for p in topic.partitions}
    assert got == {i: (0, WRITTEN.get(i, 0)) for i in range(PARTITIONS)}
    worst = max(rtts)
    print(
        f"ListOffsets of {PARTITIONS} partitions: {took_s * 1000:.0f} ms; worst ApiVersions "
        f"round trip {worst * 1000:.0f} ms over {len(rtts)} pings"
    )
    assert pings_during >= 2, "the other connection was not served while the partitions opened"
    assert worst < MAX_PING_RTT_S, f"the broker stalled {worst * 1000:.0f} ms"
    await lister.close()
    await pinger.close()
