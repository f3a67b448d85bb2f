"""The controller port: frames and message codec (pure), and RaftNodes talking over TCP."""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.waiting import eventually

from broker.raft.core import RaftConfig
from broker.raft.log import Entry, Snapshot
from broker.raft.messages import (
    AppendEntriesRequest,
    AppendEntriesResponse,
    InstallSnapshotRequest,
    InstallSnapshotResponse,
    Message,
    PreVoteRequest,
    PreVoteResponse,
    VoteRequest,
    VoteResponse,
)
from broker.raft.node import RaftNode
from broker.raft.storage import FileRaftStorage
from broker.raft.tcp import RAFT_SEND_QUEUE, ControllerEndpoint, PeerLink, RpcError
from broker.raft.wire import (
    FRAME_HEADER,
    KIND_RAFT,
    KIND_REQUEST,
    MAX_FRAME_BYTES,
    WIRE_VERSION,
    FrameError,
    decode_frame_header,
    decode_message,
    decode_payload,
    encode_frame,
    encode_message,
)

DEADLINE_S = 15.0

MESSAGES: list[Message] = [
    PreVoteRequest(term=3, sender=1, receiver=2, last_log_index=7, last_log_term=2),
    PreVoteResponse(term=3, sender=2, receiver=1, granted=True),
    VoteRequest(term=3, sender=1, receiver=3, last_log_index=7, last_log_term=2),
    VoteResponse(term=3, sender=3, receiver=1, granted=False),
    AppendEntriesRequest(
        term=4,
        sender=1,
        receiver=2,
        prev_log_index=5,
        prev_log_term=3,
        entries=(Entry(6, 4, b""), Entry(7, 4, b"\x00\xffdata")),
        leader_commit=5,
    ),
    AppendEntriesResponse(
        term=4, sender=2, receiver=1, success=False, rejected_index=5, hint_index=3
    ),
    InstallSnapshotRequest(term=4, sender=1, receiver=3, snapshot=Snapshot(9, 4, b"{}")),
    InstallSnapshotResponse(term=4, sender=3, receiver=1, match_index=9),
]


def roundtrip(message: Message) -> Message:
    frame = encode_frame(KIND_RAFT, encode_message(message))
    kind, size = decode_frame_header(frame[: FRAME_HEADER.size])
    assert kind == KIND_RAFT and size == len(frame) - FRAME_HEADER.size
    return decode_message(decode_payload(frame[FRAME_HEADER.size :]))


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_roundtrips(message: Message) -> None:
    assert roundtrip(message) == message


@given(
    entries=st.lists(
        st.tuples(st.integers(1, 2**40), st.integers(0, 2**31), st.binary(max_size=64)),
        max_size=8,
    ),
    commit=st.integers(0, 2**40),
)
def test_append_entries_roundtrip(entries: list[tuple[int, int, bytes]], commit: int) -> None:
    message = AppendEntriesRequest(
        term=1,
        sender=1,
        receiver=2,
        prev_log_index=0,
        prev_log_term=0,
        entries=tuple(Entry(i, t, d) for i, t, d in entries),
        leader_commit=commit,
    )
    assert roundtrip(message) == message


@pytest.mark.parametrize(
    "header",
    [
        FRAME_HEADER.pack(10, WIRE_VERSION + 1, KIND_RAFT),  # unknown version
        FRAME_HEADER.pack(10, WIRE_VERSION, 9),  # unknown kind
        FRAME_HEADER.pack(MAX_FRAME_BYTES + 1, WIRE_VERSION, KIND_RAFT),  # too long
        FRAME_HEADER.pack(1, WIRE_VERSION, KIND_RAFT),  # shorter than its own header
    ],
)
def test_bad_frame_headers_are_refused(header: bytes) -> None:
    with pytest.raises(FrameError):
        decode_frame_header(header)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "Nope"},
        {"type": "VoteResponse", "term": 1},
        {"type": "VoteResponse", "term": "1", "sender": 1, "receiver": 2, "granted": True},
        {
            "type": "InstallSnapshotRequest",
            "term": 1,
            "sender": 1,
            "receiver": 2,
            "snapshot": [1, 1, "!!notbase64"],
        },
    ],
)
def test_malformed_messages_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(FrameError):
        decode_message(payload)


def test_oversized_frames_are_not_built() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        encode_frame(KIND_REQUEST, {"x": "a" * MAX_FRAME_BYTES})


# -- over TCP ------------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class TcpQuorum:
    """Three RaftNodes, each behind its own ControllerEndpoint on a real port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        ports = free_ports(3)
        self.addresses = {i: ("127.0.0.1", ports[i - 1]) for i in (1, 2, 3)}
        self.nodes: dict[int, RaftNode] = {}
        self.endpoints: dict[int, ControllerEndpoint] = {}
        self.applied: dict[int, list[bytes]] = {1: [], 2: [], 3: []}

    async def start(self, node_id: int) -> None:
        host, port = self.addresses[node_id]
        endpoint = ControllerEndpoint(node_id, host, port, self.addresses)
        config = RaftConfig(
            node_id=node_id,
            voters=frozenset(self.addresses),
            election_timeout_ms=200,
            heartbeat_interval_ms=40,
        )
        applied = self.applied[node_id] = []
        node = RaftNode(
            config,
            FileRaftStorage.open(self.root / f"node-{node_id}"),
            endpoint.transport(),
            rng=random.Random(node_id),
            tick_interval_ms=10,
            on_apply=lambda entry: applied.append(entry.data),
        )
        endpoint.sink = node
        await endpoint.start()
        await node.start()
        self.nodes[node_id] = node
        self.endpoints[node_id] = endpoint

    async def stop(self, node_id: int) -> None:
        await self.nodes.pop(node_id).stop()
        await self.endpoints.pop(node_id).stop()

    def leader(self) -> RaftNode | None:
        leaders = [n for n in self.nodes.values() if n.is_leader]
        return leaders[0] if len(leaders) == 1 else None

    async def close(self) -> None:
        for node_id in list(self.nodes):
            await self.stop(node_id)


@pytest.mark.timeout(60)
async def test_nodes_elect_commit_and_catch_up_over_tcp(tmp_path: Path) -> None:
    quorum = TcpQuorum(tmp_path)
    try:
        for i in (1, 2, 3):
            await quorum.start(i)
        await eventually(lambda: quorum.leader() is not None, DEADLINE_S, "a leader")
        leader = quorum.leader()
        assert leader is not None
        await leader.propose(b"first")
        await eventually(
            lambda: all(a == [b"first"] for a in quorum.applied.values()), DEADLINE_S, "3 applied"
        )
        # A follower goes away: the other two still commit; it catches up when back.
        follower = next(i for i in quorum.nodes if i != leader.node_id)
        await quorum.stop(follower)
        await leader.propose(b"second")
        await quorum.start(follower)
        await eventually(
            lambda: quorum.applied[follower] == [b"first", b"second"],
            DEADLINE_S,
            "the follower caught up",
        )
    finally:
        await quorum.close()


@pytest.mark.timeout(30)
async def test_rpcs_answer_errors_and_fail_fast_when_the_peer_is_gone() -> None:
    ports = free_ports(2)
    addresses = {1: ("127.0.0.1", ports[0]), 2: ("127.0.0.1", ports[1])}

    async def handler(op: str, body: dict[str, Any]) -> dict[str, Any]:
        if op == "echo":
            return {"got": body}
        raise RpcError("NOT_CONTROLLER", "ask someone else")

    server = ControllerEndpoint(2, *addresses[2], addresses, rpc_handler=handler)
    client = ControllerEndpoint(1, *addresses[1], addresses)
    await server.start()
    await client.start()
    try:
        assert await client.call(2, "echo", {"a": [1, 2]}, 5) == {"got": {"a": [1, 2]}}
        with pytest.raises(RpcError) as info:
            await client.call(2, "other", {}, 5)
        assert info.value.code == "NOT_CONTROLLER"
        with pytest.raises(RpcError, match="UNKNOWN_PEER"):
            await client.call(7, "echo", {}, 5)
        await server.stop()
        started = time.monotonic()
        with pytest.raises(RpcError) as info:
            await client.call(2, "echo", {}, 5)
        assert info.value.code in ("DISCONNECTED", "TIMEOUT")
        assert time.monotonic() - started < 2.0
    finally:
        await client.stop()
        await server.stop()


@pytest.mark.timeout(30)
async def test_a_link_to_an_absent_peer_keeps_the_newest_messages_for_when_it_is_back() -> None:
    [port] = free_ports(1)
    link = PeerLink(1, 2, "127.0.0.1", port)  # nobody listens there yet
    sent = RAFT_SEND_QUEUE + 10
    for term in range(1, sent + 1):
        link.send_raft(VoteResponse(term=term, sender=1, receiver=2, granted=True))
    assert link.dropped == 10

    heard: list[int] = []

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                header = await reader.readexactly(FRAME_HEADER.size)
            except asyncio.IncompleteReadError:
                return
            _kind, size = decode_frame_header(header)
            message = decode_message(decode_payload(await reader.readexactly(size)))
            heard.append(message.term)

    server = await asyncio.start_server(peer, "127.0.0.1", port)
    try:
        await eventually(lambda: len(heard) == RAFT_SEND_QUEUE, DEADLINE_S, "the queue arrived")
        # The ten oldest went; the rest arrive in the order they were sent.
        assert heard == list(range(11, sent + 1))
    finally:
        await link.close()
        server.close()
        await server.wait_closed()


@pytest.mark.timeout(30)
async def test_a_frame_longer_than_the_cap_closes_the_connection() -> None:
    ports = free_ports(1)
    endpoint = ControllerEndpoint(1, "127.0.0.1", ports[0], {1: ("127.0.0.1", ports[0])})
    await endpoint.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
        writer.write(struct.pack(">IBB", MAX_FRAME_BYTES + 1, WIRE_VERSION, KIND_RAFT))
        await writer.drain()
        async with asyncio.timeout(10):
            assert await reader.read() == b""  # closed by the endpoint
        writer.close()
    finally:
        await endpoint.stop()
