"""A single-node data directory written by the file metadata log (before a single node was a
Raft quorum of one) starts with every topic, config, record and committed offset intact; its
metadata moves into the Raft log once."""

from __future__ import annotations

import shutil
from pathlib import Path

from support.group_ops import committed, fetch_offsets_when_loaded
from support.kafka_ops import fetch, metadata, produce, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.metadata.file_log_import import FILE_LOG, IMPORTED_FILE_LOG
from broker.metadata.raft_log import RAFT_DIR

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "single_node_file_log" / "data"
#: The settings the fixture was written with (``make_fixture.py``).
SETTINGS = {
    "offsets.topic.num.partitions": 1,
    "log.index.size.max.bytes": 1024,
    "log.segment.bytes": 512,
    "log.flush.policy": "group",
}


async def _check(broker: Broker) -> None:
    client = await WireClient.connect(broker.bootstrap_servers)
    [kept, other] = (await metadata(client, ["kept", "other"], allow_auto_create=False)).topics
    assert kept.error_code == 0 and len(kept.partitions) == 2
    assert other.error_code == 0 and len(other.partitions) == 1
    got = []
    for p in (0, 1):
        data = await fetch(client, "kept", p, 0)
        assert data.high_watermark == 3
        got += values_of(data.records)
    assert sorted(got, key=lambda v: v or b"") == sorted(b"r%d" % i for i in range(6))
    assert values_of((await fetch(client, "other", 0, 0)).records) == [b"o0", b"o1"]
    config = broker.controller.topic_configs("kept")  # type: ignore[union-attr]
    assert config["retention.ms"].value == "86400000"
    offsets = committed(await fetch_offsets_when_loaded(client, "g"))
    assert offsets == {("kept", 0): 2, ("kept", 1): 1}
    await client.close()


async def test_a_file_log_data_directory_is_imported(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    metadata_dir = data_dir / "__cluster_metadata"
    assert (metadata_dir / FILE_LOG).exists()
    async with Broker.embedded(data_dir, **SETTINGS) as broker:
        assert not (metadata_dir / FILE_LOG).exists()
        assert (metadata_dir / IMPORTED_FILE_LOG).exists()
        assert (metadata_dir / RAFT_DIR).is_dir()
        cluster_id = broker.cluster_id
        topic_id = broker.controller.image.topic("kept").topic_id  # type: ignore[union-attr]
        await _check(broker)
        # New metadata and records follow the imported ones.
        client = await WireClient.connect(broker.bootstrap_servers)
        assert (await produce(client, "kept", 0, make_batch([b"more"]))).base_offset == 3
        await client.close()
    async with Broker.embedded(data_dir, **SETTINGS) as broker:  # from the Raft log now
        assert broker.cluster_id == cluster_id
        assert broker.controller.image.topic("kept").topic_id == topic_id  # type: ignore[union-attr]
        client = await WireClient.connect(broker.bootstrap_servers)
        assert (await fetch(client, "kept", 0, 0)).high_watermark == 4
        await client.close()
