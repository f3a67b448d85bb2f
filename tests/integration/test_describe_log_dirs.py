"""DescribeLogDirs over a real socket: each log directory with its partitions' sizes on disk,
filtered by topic; and the admin client's ``describe_log_dirs``."""

from __future__ import annotations

from pathlib import Path

from support.wire import WireClient

from broker.app import Broker
from client import Admin, Producer, TopicPartition
from protocol.messages import DescribeLogDirsRequest


def _disk_bytes(data_dir: Path, topic: str, partition: int) -> int:
    return sum(p.stat().st_size for p in (data_dir / f"{topic}-{partition}").glob("*.log"))


async def _produce(bootstrap: str, topic: str, count: int) -> None:
    async with Producer(bootstrap_servers=bootstrap, linger_ms=0) as producer:
        for i in range(count):
            await producer.send(topic, b"x" * 100, partition=i % 2)
        await producer.flush()


async def test_every_partition_with_its_size(broker: Broker, client: WireClient) -> None:
    async with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        await admin.create_topic("sized", 2)
        await admin.create_topic("other", 1)
    await _produce(broker.bootstrap_servers, "sized", 10)
    data_dir = broker.data_dirs[0]
    for version in (0, 2, 4):
        response = await client.request(DescribeLogDirsRequest(topics=None), version)
        assert response.error_code == 0
        [result] = response.results
        assert result.error_code == 0
        assert Path(result.log_dir) == data_dir
        sizes = {
            (t.name, p.partition_index): p.partition_size
            for t in result.topics
            for p in t.partitions
        }
        assert sizes[("sized", 0)] == _disk_bytes(data_dir, "sized", 0) > 0
        assert sizes[("sized", 1)] == _disk_bytes(data_dir, "sized", 1) > 0
        assert sizes[("other", 0)] == 0
        assert all(
            p.offset_lag == 0 and not p.is_future_key for t in result.topics for p in t.partitions
        )
        if version >= 4:
            assert result.total_bytes > 0 and 0 <= result.usable_bytes <= result.total_bytes
        else:
            assert result.total_bytes == result.usable_bytes == -1


async def test_only_the_partitions_asked_for(broker: Broker, client: WireClient) -> None:
    async with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        await admin.create_topic("sized", 3)
    topics = [
        DescribeLogDirsRequest.DescribableLogDirTopic(topic="sized", partitions=[0, 2, 7]),
        DescribeLogDirsRequest.DescribableLogDirTopic(topic="missing", partitions=[0]),
    ]
    response = await client.request(DescribeLogDirsRequest(topics=topics), 1)
    [result] = response.results
    assert [(t.name, [p.partition_index for p in t.partitions]) for t in result.topics] == [
        ("sized", [0, 2])
    ]


async def test_admin_describe_log_dirs(broker: Broker) -> None:
    async with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        await admin.create_topic("sized", 2)
        await _produce(broker.bootstrap_servers, "sized", 6)
        [log_dir] = await admin.describe_log_dirs(["sized"])
    assert log_dir.node_id == 1
    assert Path(log_dir.path) == broker.data_dirs[0]
    assert set(log_dir.replicas) == {TopicPartition("sized", 0), TopicPartition("sized", 1)}
    for tp, info in log_dir.replicas.items():
        assert info.size_bytes == _disk_bytes(broker.data_dirs[0], tp.topic, tp.partition) > 0
