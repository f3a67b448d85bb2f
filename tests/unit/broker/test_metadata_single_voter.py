"""A single node's metadata log: a Raft quorum of one, which elects itself at start, commits
what it persisted, snapshots and compacts like a cluster's, and restarts from its disk."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from broker.config import load_config
from broker.metadata.controller import Controller, NewTopic
from broker.metadata.raft_log import RAFT_DIR, RaftMetadataLog
from broker.raft.core import RaftConfig
from broker.raft.storage import LOG_FILE, SNAPSHOT_FILE
from broker.raft.transport import NoPeers
from protocol.errors import ErrorCode

#: Far below the election timeout (1 s): the only voter does not wait for one.
ELECTED_WITHIN_S = 0.9


def _open(directory: Path, snapshot_bytes: int = 1 << 20) -> RaftMetadataLog:
    config = RaftConfig(node_id=1, voters=frozenset({1}))
    return RaftMetadataLog(directory, config, NoPeers(), snapshot_bytes=snapshot_bytes)


async def _controller(directory: Path, log: RaftMetadataLog) -> Controller:
    config = load_config(None, {"log.dirs": str(directory)})
    controller = Controller(log, await log.catch_up(1.0), config)
    await log.start()
    return controller


async def test_the_only_voter_leads_as_soon_as_it_starts(tmp_path: Path) -> None:
    log = _open(tmp_path)
    assert not log.existed and log.is_voter
    started = time.monotonic()
    controller = await _controller(tmp_path, log)
    assert time.monotonic() - started < ELECTED_WITHIN_S
    assert log.is_active and log.ready_to_propose()
    assert controller.is_active and controller.controller_id == 1
    state = log.quorum_state()
    assert state.leader_id == 1 and state.voters == (1,) and state.is_voter
    assert state.leader_epoch >= 1
    assert controller.quorum_log is log
    await controller.close()
    await log.close_async()


async def test_single_node_metadata_is_snapshotted_and_compacted(tmp_path: Path) -> None:
    log = _open(tmp_path, snapshot_bytes=300)
    controller = await _controller(tmp_path, log)
    for i in range(8):
        [result] = await controller.create_topics([NewTopic(f"t{i}", num_partitions=2)])
        assert result.error == ErrorCode.NONE
    raft_dir = tmp_path / RAFT_DIR

    def compacted() -> bool:
        core = log.node.core
        return core.snapshot is not None and (raft_dir / SNAPSHOT_FILE).exists()

    deadline = time.monotonic() + 5
    while not compacted():
        assert time.monotonic() < deadline, "no snapshot was taken"
        await asyncio.sleep(0.01)
    offset = controller.image.offset
    await controller.close()
    await log.close_async()
    # The log on disk starts after the snapshot.
    assert (raft_dir / LOG_FILE).stat().st_size < 300 * 8
    again = _open(tmp_path)
    assert again.existed
    controller = await _controller(tmp_path, again)
    assert again.node.core.log.snapshot_index > 0  # it starts from the snapshot
    assert controller.image.offset == offset
    assert all(controller.image.topic(f"t{i}") is not None for i in range(8))
    [result] = await controller.create_topics([NewTopic("after")])
    assert result.error == ErrorCode.NONE
    assert controller.image.offset > offset
    await controller.close()
    await again.close_async()


async def test_snapshot_on_demand(tmp_path: Path) -> None:
    log = _open(tmp_path)
    controller = await _controller(tmp_path, log)
    await controller.create_topics([NewTopic("t")])
    assert log.snapshot()
    deadline = time.monotonic() + 5
    while not (tmp_path / RAFT_DIR / SNAPSHOT_FILE).exists():
        assert time.monotonic() < deadline, "the snapshot was not persisted"
        await asyncio.sleep(0.01)
    assert not log.snapshot()  # nothing applied since
    await controller.close()
    await log.close_async()
    controller = await _controller(tmp_path, again := _open(tmp_path))
    assert controller.image.topic("t") is not None
    await controller.close()
    await again.close_async()
