"""``partition.metadata``: each partition directory records the id of the topic its log belongs
to, and a log found under a topic's name but recorded for another id (left by an earlier topic
of that name) is deleted when the partition opens, not served as the new topic's.

The broker-level path that usually removes such a log is the metadata change itself (see
``tests/cluster/test_topic_recreated.py``); these tests put the directory in the state a crash
between learning of the change and deleting the log leaves, and restart the broker on it."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from support.kafka_ops import create_topic, fetch, produce, values_of
from support.wire import WireClient, make_batch

from broker.app import Broker
from broker.storage import manager as manager_module
from broker.storage.errors import LogStorageError
from broker.storage.partition_metadata import (
    MAX_PARTITION_METADATA_BYTES,
    PARTITION_METADATA_FILE,
    read_topic_id,
    write_topic_id,
)
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(60)

TP = TopicPartition("t", 0)


async def _write_and_stop(data_dir: Path) -> tuple[uuid.UUID, Path]:
    """Create ``t``, write one record and stop: ``(topic id, partition directory)``."""
    async with Broker.embedded(data_dir) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        await create_topic(client, "t", partitions=1)
        assert (await produce(client, "t", 0, make_batch([b"old"]), acks=1)).error_code == 0
        await client.close()
        assert broker.controller is not None and broker.log_manager is not None
        topic = broker.controller.image.topic("t")
        assert topic is not None
        log_dir = broker.log_manager.log_dir_of(TP)
        assert log_dir is not None
        return topic.topic_id, log_dir / "t-0"


async def _values_after_restart(data_dir: Path) -> list[bytes | None]:
    async with Broker.embedded(data_dir) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        values = values_of((await fetch(client, "t", 0, 0)).records)
        await client.close()
        return values


async def test_a_new_partition_records_its_topic_id_in_kafkas_format(tmp_path: Path) -> None:
    topic_id, directory = await _write_and_stop(tmp_path)
    assert read_topic_id(directory) == topic_id
    text = (directory / PARTITION_METADATA_FILE).read_text()
    lines = text.splitlines()
    assert lines[0] == "version: 0"
    assert lines[1].startswith("topic_id: ") and len(lines[1]) == len("topic_id: ") + 22


async def test_a_log_recorded_for_another_topic_id_is_deleted_not_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    topic_id, directory = await _write_and_stop(tmp_path)
    earlier = uuid.uuid4()
    write_topic_id(directory, earlier)  # as a deleted topic of the same name left it

    with caplog.at_level(logging.WARNING, logger="samsa.replication"):
        assert await _values_after_restart(tmp_path) == []
    assert "deleting the log of t-0: it belongs to an earlier topic of that name " in caplog.text
    assert str(earlier) in caplog.text
    assert read_topic_id(directory) == topic_id
    # The partition starts empty and takes writes from offset 0.
    async with Broker.embedded(tmp_path) as broker:
        client = await WireClient.connect(broker.bootstrap_servers)
        answer = await produce(client, "t", 0, make_batch([b"new"]), acks=1)
        assert (answer.error_code, answer.base_offset) == (0, 0)
        assert values_of((await fetch(client, "t", 0, 0)).records) == [b"new"]
        await client.close()


async def test_a_log_without_the_file_keeps_its_records_and_gets_the_file(tmp_path: Path) -> None:
    # A log written before partitions recorded their topic id, or whose file a crash lost.
    topic_id, directory = await _write_and_stop(tmp_path)
    (directory / PARTITION_METADATA_FILE).unlink()
    assert await _values_after_restart(tmp_path) == [b"old"]
    assert read_topic_id(directory) == topic_id


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"version: 0\n",
        b"version: 1\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n",
        b"version: 0\ntopic_id: AAAA\n",
        b"version: 0\ntopic_id: !!!!!!!!!!!!!!!!!!!!!!\n",
        b"\xff\xfe\x00garbage",
        b"version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n" + b"#" * MAX_PARTITION_METADATA_BYTES,
    ],
)
def test_a_torn_or_foreign_file_reads_as_unrecorded(tmp_path: Path, content: bytes) -> None:
    (tmp_path / PARTITION_METADATA_FILE).write_bytes(content)
    assert read_topic_id(tmp_path) is None


def test_the_id_reads_back_as_written(tmp_path: Path) -> None:
    assert read_topic_id(tmp_path) is None
    for _ in range(20):
        topic_id = uuid.uuid4()
        write_topic_id(tmp_path, topic_id)
        assert read_topic_id(tmp_path) == topic_id


async def test_a_log_whose_id_cannot_be_recorded_still_serves_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A full disk: the file cannot be written, and the partition serves what it has anyway.
    _, directory = await _write_and_stop(tmp_path)
    (directory / PARTITION_METADATA_FILE).unlink()

    def full(_directory: Path, _topic_id: uuid.UUID) -> None:
        raise LogStorageError("No space left on device")

    monkeypatch.setattr(manager_module, "write_topic_id", full)
    with caplog.at_level(logging.WARNING, logger="samsa.replication"):
        assert await _values_after_restart(tmp_path) == [b"old"]
    assert "t-0: cannot record its topic id: " in caplog.text
    assert "No space left on device" in caplog.text
    assert read_topic_id(directory) is None
