"""Raft for the metadata quorum: a pure core (``core``), its log, storage and asyncio driver."""

from broker.raft.core import (
    HardState,
    NotLeaderError,
    PersistentState,
    ProposalDroppedError,
    RaftConfig,
    RaftCore,
    RaftSafety,
    Ready,
    Role,
)
from broker.raft.log import Entry, RaftLog, Snapshot
from broker.raft.node import RaftNode, RaftNodeStoppedError
from broker.raft.storage import FileRaftStorage, RaftStorage, RaftStorageError
from broker.raft.transport import InProcessNetwork, Transport

__all__ = [
    "Entry",
    "FileRaftStorage",
    "HardState",
    "InProcessNetwork",
    "NotLeaderError",
    "PersistentState",
    "ProposalDroppedError",
    "RaftConfig",
    "RaftCore",
    "RaftLog",
    "RaftNode",
    "RaftNodeStoppedError",
    "RaftSafety",
    "RaftStorage",
    "RaftStorageError",
    "Ready",
    "Role",
    "Snapshot",
    "Transport",
]
