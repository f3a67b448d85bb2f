"""Three ``RaftNode``s over the in-process transport, with real files: election, commit,
leader loss and restart from disk."""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path

import pytest
from support.waiting import eventually

from broker.raft.core import NotLeaderError, RaftConfig
from broker.raft.log import Entry
from broker.raft.messages import Message, VoteResponse
from broker.raft.node import RaftNode, RaftNodeStoppedError
from broker.raft.storage import FileRaftStorage
from broker.raft.transport import InProcessNetwork, NoPeers

VOTERS = frozenset({1, 2, 3})
DEADLINE_S = 10.0  # generous on a busy machine; elections take a few hundred ms


class Cluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.network = InProcessNetwork()
        self.nodes: dict[int, RaftNode] = {}
        self.applied: dict[int, list[bytes]] = {i: [] for i in VOTERS}

    async def start(self, node_id: int) -> RaftNode:
        self.applied[node_id] = []
        config = RaftConfig(
            node_id=node_id, voters=VOTERS, election_timeout_ms=150, heartbeat_interval_ms=30
        )

        def apply(entry: Entry) -> None:
            self.applied[node_id].append(entry.data)

        node = RaftNode(
            config,
            FileRaftStorage.open(self.root / f"node-{node_id}"),
            self.network.transport(node_id),
            rng=random.Random(node_id),
            tick_interval_ms=10,
            on_apply=apply,
        )
        self.network.register(node_id, node)
        await node.start()
        self.nodes[node_id] = node
        return node

    async def stop(self, node_id: int) -> None:
        self.network.unregister(node_id)
        await self.nodes.pop(node_id).stop()

    def leader(self) -> RaftNode | None:
        leaders = [n for n in self.nodes.values() if n.is_leader]
        return max(leaders, key=lambda n: n.term, default=None)

    async def wait_leader(self) -> RaftNode:
        await eventually(lambda: self.leader() is not None, DEADLINE_S, "a leader")
        leader = self.leader()
        assert leader is not None
        return leader

    async def propose(self, data: bytes) -> int:
        """Propose through whoever leads, retrying across leader changes."""
        async with asyncio.timeout(DEADLINE_S):
            while True:
                leader = await self.wait_leader()
                try:
                    return await leader.propose(data, timeout_ms=2000)
                except (NotLeaderError, TimeoutError):
                    await asyncio.sleep(0.01)

    async def close(self) -> None:
        for node_id in list(self.nodes):
            await self.stop(node_id)


@pytest.fixture
async def cluster(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = Cluster(tmp_path)
    yield c
    await c.close()


async def test_three_nodes_elect_commit_survive_leader_loss_and_restart(cluster: Cluster) -> None:
    for node_id in sorted(VOTERS):
        await cluster.start(node_id)
    first = await cluster.wait_leader()
    with pytest.raises(NotLeaderError):
        follower = next(n for n in cluster.nodes.values() if n is not first)
        await follower.propose(b"x")

    committed = [b"a", b"b", b"c"]
    for data in committed:
        await cluster.propose(data)
    await eventually(
        lambda: all(cluster.applied[i] == committed for i in VOTERS),
        DEADLINE_S,
        "all nodes applied",
    )

    # The leader stops: the other two elect a new one, which keeps the committed entries.
    old_id, old_term = first.node_id, first.term
    await cluster.stop(old_id)
    second = await cluster.wait_leader()
    assert second.node_id != old_id and second.term > old_term
    await cluster.propose(b"d")
    committed.append(b"d")
    await eventually(
        lambda: all(cluster.applied[i] == committed for i in cluster.nodes),
        DEADLINE_S,
        "survivors applied",
    )

    # The old leader restarts from its files and catches up (replaying what it had).
    await cluster.start(old_id)
    await eventually(
        lambda: cluster.applied[old_id] == committed, DEADLINE_S, "restarted node caught up"
    )

    # Everybody restarts from disk: the log and the commit survive.
    for node_id in sorted(VOTERS):
        await cluster.stop(node_id)
    for node_id in sorted(VOTERS):
        await cluster.start(node_id)
    await cluster.propose(b"e")
    committed.append(b"e")
    await eventually(
        lambda: all(cluster.applied[i] == committed for i in VOTERS),
        DEADLINE_S,
        "all applied after restart",
    )


async def test_a_waiting_proposal_fails_when_its_node_stops(cluster: Cluster) -> None:
    for node_id in sorted(VOTERS):
        await cluster.start(node_id)
    leader = await cluster.wait_leader()
    cluster.network.isolate(leader.node_id)  # nothing it proposes can commit now
    waiting = asyncio.create_task(leader.propose(b"lost"))
    await eventually(lambda: leader.core.log.last_index >= 2, DEADLINE_S, "appended")
    await cluster.stop(leader.node_id)
    with pytest.raises(RaftNodeStoppedError):
        await waiting
    with pytest.raises(RaftNodeStoppedError):
        await leader.propose(b"x")


async def test_a_single_voter_commits_alone(tmp_path: Path) -> None:
    network = InProcessNetwork()
    config = RaftConfig(
        node_id=1, voters=frozenset({1}), election_timeout_ms=50, heartbeat_interval_ms=10
    )
    node = RaftNode(
        config,
        FileRaftStorage.open(tmp_path),
        network.transport(1),
        rng=random.Random(1),
        tick_interval_ms=5,
    )
    await node.start()
    try:
        await eventually(lambda: node.is_leader, DEADLINE_S, "leader")
        assert await node.propose(b"x") == 2  # after the no-op
        assert node.commit_index == 2
    finally:
        await node.stop()


async def test_a_single_voter_over_no_transport_leads_at_once(tmp_path: Path) -> None:
    config = RaftConfig(node_id=1, voters=frozenset({1}))  # a 1 s election timeout
    node = RaftNode(config, FileRaftStorage.open(tmp_path), NoPeers(), rng=random.Random(1))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await node.start()
    try:
        await eventually(lambda: node.is_leader and node.commit_index == 1, DEADLINE_S, "leader")
        assert loop.time() - started < config.election_timeout_ms / 1000
    finally:
        await node.stop()


class _SlowStorage:
    """The file store with a write that blocks until released."""

    def __init__(self, inner: FileRaftStorage) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()
        self.writing = False

    def initial_state(self):  # type: ignore[no-untyped-def]
        return self.inner.initial_state()

    def persist(self, ready) -> None:  # type: ignore[no-untyped-def]
        self.writing = True
        self.entered.set()
        self.release.wait(DEADLINE_S)
        self.inner.persist(ready)
        self.writing = False

    def close(self) -> None:
        assert not self.writing, "the storage was closed under a write"
        self.inner.close()


async def test_stop_waits_for_the_write_in_flight(tmp_path: Path) -> None:
    storage = _SlowStorage(FileRaftStorage.open(tmp_path))
    config = RaftConfig(node_id=1, voters=frozenset({1}))
    node = RaftNode(config, storage, NoPeers(), rng=random.Random(1))
    await node.start()
    assert await asyncio.to_thread(storage.entered.wait, DEADLINE_S)
    stopping = asyncio.ensure_future(node.stop())
    await asyncio.sleep(0)
    assert not stopping.done()
    storage.release.set()
    await asyncio.wait_for(stopping, DEADLINE_S)
    assert not storage.writing


class _RecordingStorage:
    """Wraps the file store; remembers the hard state that is durable."""

    def __init__(self, inner: FileRaftStorage) -> None:
        self.inner = inner
        self.durable = inner.initial_state()
        self.hard_state = self.durable.hard_state

    def initial_state(self):  # type: ignore[no-untyped-def]
        return self.durable

    def persist(self, ready) -> None:  # type: ignore[no-untyped-def]
        self.inner.persist(ready)
        if ready.hard_state is not None:
            self.hard_state = ready.hard_state

    def close(self) -> None:
        self.inner.close()


async def test_votes_leave_only_after_they_are_durable(tmp_path: Path) -> None:
    network = InProcessNetwork()
    checked: list[VoteResponse] = []
    stores: dict[int, _RecordingStorage] = {}

    class CheckingTransport:
        def __init__(self, node_id: int) -> None:
            self.node_id = node_id

        def send(self, message: Message) -> None:
            if isinstance(message, VoteResponse) and message.granted:
                hs = stores[self.node_id].hard_state
                assert (hs.term, hs.vote) == (message.term, message.receiver)
                checked.append(message)
            network.send(message)

    nodes = []
    for node_id in sorted(VOTERS):
        stores[node_id] = _RecordingStorage(FileRaftStorage.open(tmp_path / str(node_id)))
        config = RaftConfig(
            node_id=node_id, voters=VOTERS, election_timeout_ms=100, heartbeat_interval_ms=20
        )
        node = RaftNode(
            config,
            stores[node_id],
            CheckingTransport(node_id),
            rng=random.Random(node_id),
            tick_interval_ms=5,
        )
        network.register(node_id, node)
        await node.start()
        nodes.append(node)
    try:
        await eventually(
            lambda: any(n.is_leader for n in nodes) and bool(checked), DEADLINE_S, "a vote"
        )
    finally:
        for node in nodes:
            await node.stop()
