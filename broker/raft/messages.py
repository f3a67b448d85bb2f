"""The messages Raft peers exchange, as frozen dataclasses.

Every message carries the sender's ``term`` (KRaft's leader epoch), ``sender`` and ``receiver``
node ids. Heartbeats are AppendEntries requests without entries, as in the Raft paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from broker.raft.log import Entry, Snapshot

__all__ = [
    "AppendEntriesRequest",
    "AppendEntriesResponse",
    "InstallSnapshotRequest",
    "InstallSnapshotResponse",
    "Message",
    "PreVoteRequest",
    "PreVoteResponse",
    "VoteRequest",
    "VoteResponse",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PreVoteRequest:
    """Would you vote for me? ``term`` is the term the sender would campaign in (its term + 1);
    receivers answer without changing their own term or vote."""

    term: int
    sender: int
    receiver: int
    last_log_index: int
    last_log_term: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PreVoteResponse:
    """Answer to a pre-vote; a grant echoes the request's ``term``."""

    term: int
    sender: int
    receiver: int
    granted: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteRequest:
    """RequestVote: the sender is a candidate in ``term``."""

    term: int
    sender: int
    receiver: int
    last_log_index: int
    last_log_term: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteResponse:
    """Answer to a vote request, sent only once the vote is durable."""

    term: int
    sender: int
    receiver: int
    granted: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AppendEntriesRequest:
    """Entries that follow ``prev_log_index``/``prev_log_term``; empty as a heartbeat.

    ``leader_commit`` is the leader's commit index (its high watermark).
    """

    term: int
    sender: int
    receiver: int
    prev_log_index: int
    prev_log_term: int
    entries: tuple[Entry, ...]
    leader_commit: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AppendEntriesResponse:
    """Answer to an append, sent only once the appended entries are durable.

    On success ``match_index`` is the last index known to match the leader. On rejection
    ``rejected_index`` is the request's ``prev_log_index`` and ``hint_index`` the index the
    leader should probe next from (``hint_index + 1``).
    """

    term: int
    sender: int
    receiver: int
    success: bool
    match_index: int = 0
    rejected_index: int = 0
    hint_index: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class InstallSnapshotRequest:
    """The leader's snapshot, for a follower that needs entries the leader compacted away."""

    term: int
    sender: int
    receiver: int
    snapshot: Snapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class InstallSnapshotResponse:
    """Answer to an installed snapshot, sent once it is durable; ``match_index`` is its index."""

    term: int
    sender: int
    receiver: int
    match_index: int


Message = (
    PreVoteRequest
    | PreVoteResponse
    | VoteRequest
    | VoteResponse
    | AppendEntriesRequest
    | AppendEntriesResponse
    | InstallSnapshotRequest
    | InstallSnapshotResponse
)
