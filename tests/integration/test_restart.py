"""Restarts lose nothing: records, topic ids, configs, leader epochs, the cluster id; and a
``kill -9`` of a broker process loses nothing that was acknowledged."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from support import embedded_process
from support.kafka_ops import create_topic, fetch, list_offset, metadata, produce, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker


async def test_restart_keeps_records_topic_ids_and_configs(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "kept", partitions=2, configs={"retention.ms": "86400000"})
        for i in range(10):
            await produce(client, "kept", i % 2, make_batch([b"r%d" % i]))
        cluster_id = broker.cluster_id
        topic_id = broker.controller.image.topic("kept").topic_id  # type: ignore[union-attr]
        await client.close()
    async with Broker.embedded(tmp_path) as broker:
        assert broker.cluster_id == cluster_id
        assert broker.controller.image.topic("kept").topic_id == topic_id  # type: ignore[union-attr]
        client = await WireClient.connect(broker.bootstrap_servers)
        [t] = (await metadata(client, ["kept"], allow_auto_create=False)).topics
        assert t.error_code == 0 and len(t.partitions) == 2
        got: list[Any] = []
        for p in (0, 1):
            data = await fetch(client, "kept", p, 0)
            assert data.high_watermark == 5
            got += values_of(data.records)
        assert sorted(got) == sorted(b"r%d" % i for i in range(10))
        assert (await list_offset(client, "kept", 0, -1)).offset == 5
        config = broker.controller.topic_configs("kept")  # type: ignore[union-attr]
        assert config["retention.ms"].value == "86400000"
        # Appends continue where the log ended.
        assert (await produce(client, "kept", 0, make_batch([b"more"]))).base_offset == 5
        await client.close()


async def test_deleted_topics_stay_deleted(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "doomed")
        await produce(client, "doomed", 0, make_batch([b"x"]))
        from protocol.messages import DeleteTopicsRequest

        await client.request(DeleteTopicsRequest(topic_names=["doomed"], timeout_ms=1000), 4)
        await client.close()
    async with Broker.embedded(tmp_path) as broker:
        assert broker.controller.image.topic("doomed") is None  # type: ignore[union-attr]
        assert not (tmp_path / "doomed-0").exists()


async def test_refuses_to_start_without_its_metadata_log(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "t")
        await produce(client, "t", 0, make_batch([b"x"]))
        await client.close()
    shutil.rmtree(tmp_path / "__cluster_metadata")
    from broker.app import BrokerStartError

    try:
        async with Broker.embedded(tmp_path):
            raise AssertionError("the broker started")
    except BrokerStartError as exc:
        assert "metadata log" in str(exc)
    assert (tmp_path / "t-0").exists()  # nothing was deleted


async def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = {"log.flush.policy": "group"}
    async with embedded_process.killed_after(data_dir, tmp_path / "port", settings) as client:
        await create_topic(client, "durable")
        acked = []
        for i in range(50):
            r = await produce(client, "durable", 0, make_batch([b"m%d" % i]), acks=1)
            assert r.error_code == 0
            acked.append(b"m%d" % i)
    async with Broker.embedded(data_dir) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        data = await fetch(client, "durable", 0, 0)
        assert values_of(data.records) == acked
        await client.close()
