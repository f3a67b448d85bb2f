"""``RaftCore``: the Raft state machine of one voter, pure and deterministic.

Shaped like etcd-io/raft. The driver feeds it time (``tick(now_ms)``), peer messages
(``step``) and proposals (``propose``); it never does IO itself. Whatever it wants done comes
out of ``ready()`` as a ``Ready``: hard state (term, vote, commit) and entries to persist, a
snapshot to persist, messages to send, committed entries to apply. The driver persists all of
it (fsync), then sends the messages and applies the entries, then calls ``advance(ready)``.
Messages that promise durable state (a vote, an append's acknowledgement) therefore leave only
after that state is on disk.

Included: pre-vote, randomized election timeouts (jitter from the caller's seeded
``random.Random``), check-quorum (a leader that has not heard from a majority within an
election timeout steps down, and voters that hear from a leader ignore disruptive votes for as
long), heartbeats, log replication with probe/replicate flow control, commit of current-term
entries by counting (Raft paper 5.4.2), a no-op entry on election, compaction and
InstallSnapshot. Voters are fixed by configuration (``controller.quorum.voters``). A quorum of
one (a single node) elects itself at its first tick and commits what it persisted.

In Kafka's words: the term is the leader epoch and the commit index the high watermark.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field

from broker.raft.log import Entry, LogError, RaftLog, Snapshot
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

__all__ = [
    "HardState",
    "NotLeaderError",
    "PersistentState",
    "ProposalDroppedError",
    "RaftConfig",
    "RaftCore",
    "RaftSafety",
    "RaftSafetyError",
    "Ready",
    "Role",
]

# Defaults for RaftConfig's bounds; each is a knob in RaftConfig too.
DEFAULT_ELECTION_TIMEOUT_MS = 1000  # KRaft's controller.quorum.election.timeout.ms default
DEFAULT_HEARTBEAT_INTERVAL_MS = 100  # well under the election timeout, so one lost beat is fine
# Entries per AppendEntries: bounds the work a follower does per message and how much a leader
# resends after a lost message.
DEFAULT_MAX_ENTRIES_PER_APPEND = 512
# Data bytes per AppendEntries (one entry may be larger, up to max_entry_bytes): keeps a
# catching-up follower from receiving one huge message.
DEFAULT_MAX_BYTES_PER_APPEND = 1024 * 1024
# One proposal's data: metadata batches are small, a larger entry is a mistake.
DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024
# Entries a leader holds beyond its commit index: a leader that cannot reach a majority refuses
# proposals instead of growing its log without bound.
DEFAULT_MAX_UNCOMMITTED_ENTRIES = 4096


class Role(enum.Enum):
    """Where a voter stands in the election cycle."""

    FOLLOWER = "follower"
    PRE_CANDIDATE = "pre-candidate"
    CANDIDATE = "candidate"
    LEADER = "leader"


class NotLeaderError(Exception):
    """A proposal reached a voter that is not the leader; ``leader_id`` is its best guess."""

    def __init__(self, leader_id: int | None) -> None:
        super().__init__(f"not the leader (leader: {leader_id})")
        self.leader_id = leader_id


class ProposalDroppedError(Exception):
    """The leader refused a proposal (too large, or too many uncommitted entries)."""


class RaftSafetyError(RuntimeError):
    """The core was asked to do something Raft's safety forbids (e.g. drop a committed
    entry). It only happens when a safety rule is switched off, or on a bug."""


@dataclass(frozen=True, slots=True)
class RaftSafety:
    """Raft's safety rules, each switchable so tests can show that it is needed.

    Never switch one off outside tests.
    """

    check_log_up_to_date: bool = True  # grant a vote only to a candidate whose log is current
    commit_only_current_term: bool = True  # count replicas only for entries of the leader's term


@dataclass(frozen=True, slots=True, kw_only=True)
class RaftConfig:
    """One voter's settings; ``voters`` is the fixed quorum (``controller.quorum.voters``)."""

    node_id: int
    voters: frozenset[int]
    election_timeout_ms: int = DEFAULT_ELECTION_TIMEOUT_MS
    heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_INTERVAL_MS
    max_entries_per_append: int = DEFAULT_MAX_ENTRIES_PER_APPEND
    max_bytes_per_append: int = DEFAULT_MAX_BYTES_PER_APPEND
    max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES
    max_uncommitted_entries: int = DEFAULT_MAX_UNCOMMITTED_ENTRIES
    pre_vote: bool = True
    check_quorum: bool = True
    safety: RaftSafety = field(default_factory=RaftSafety)

    def __post_init__(self) -> None:
        if self.node_id not in self.voters:
            raise ValueError(f"node {self.node_id} is not one of the voters {sorted(self.voters)}")
        if not 0 < self.heartbeat_interval_ms < self.election_timeout_ms:
            raise ValueError(
                "heartbeat_interval_ms must be positive and below the election timeout"
            )
        if self.max_entries_per_append < 1 or self.max_bytes_per_append < 1:
            raise ValueError("max_entries_per_append and max_bytes_per_append must be positive")
        if self.max_uncommitted_entries < 2:
            raise ValueError("max_uncommitted_entries must leave room for the leader's no-op")


@dataclass(frozen=True, slots=True)
class HardState:
    """What must be durable before a vote or an append is answered."""

    term: int = 0
    vote: int | None = None
    commit: int = 0


@dataclass(frozen=True, slots=True)
class PersistentState:
    """What a voter finds on its disk at start-up."""

    hard_state: HardState = HardState()
    snapshot: Snapshot | None = None
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class Ready:
    """Work for the driver, in this order: persist ``snapshot`` (a stored log that does not
    contain the snapshot's index and term is dropped; entries up to its index are dropped in
    any case), then ``entries`` (stored entries from ``entries[0].index`` on are replaced),
    then ``hard_state`` (None: unchanged); fsync; then send ``messages``, restore the state
    machine from ``snapshot`` if it is ahead of it, apply ``committed_entries``; then
    ``advance``."""

    hard_state: HardState | None
    entries: tuple[Entry, ...]
    snapshot: Snapshot | None
    messages: tuple[Message, ...]
    committed_entries: tuple[Entry, ...]

    def needs_persist(self) -> bool:
        """Whether anything must reach the disk before the messages leave."""
        return self.hard_state is not None or bool(self.entries) or self.snapshot is not None


class _Replication(enum.Enum):
    PROBE = "probe"  # one append at a time until the follower's match point is found
    REPLICATE = "replicate"  # optimistic: send entries as they come
    SNAPSHOT = "snapshot"  # an InstallSnapshot is on its way


@dataclass(slots=True)
class _Progress:
    """The leader's view of one follower."""

    next_index: int
    match_index: int = 0
    state: _Replication = _Replication.PROBE
    probe_sent: bool = False
    snapshot_sent_ms: int = 0
    recent_active: bool = False


class RaftCore:
    """One voter of the quorum. Single-threaded; see the module docstring for the protocol."""

    def __init__(
        self,
        config: RaftConfig,
        rng: random.Random,
        state: PersistentState | None = None,
        *,
        now_ms: int = 0,
    ) -> None:
        state = state or PersistentState()
        self.config = config
        self._rng = rng
        self._quorum = len(config.voters) // 2 + 1
        self._peers = tuple(sorted(config.voters - {config.node_id}))
        snap = state.snapshot
        self.log = RaftLog(
            state.entries,
            base_index=snap.index if snap else 0,
            base_term=snap.term if snap else 0,
        )
        self._snapshot = snap
        hs = state.hard_state
        self.term = hs.term
        self.vote = hs.vote
        self.commit_index = max(hs.commit, snap.index if snap else 0)
        if self.commit_index > self.log.last_index:
            raise LogError(
                f"stored commit index {self.commit_index} is past the log end {self.log.last_index}"
            )
        self.applied_index = snap.index if snap else 0
        self.role = Role.FOLLOWER
        self.leader_id: int | None = None
        #: The commit index the first leader heard from since this core was built announced
        #: (None until then): a restarted follower has caught up with what the quorum
        #: committed while it was away once it applied that far.
        self.first_leader_commit: int | None = None
        self._now_ms = now_ms
        self._persisted_hs = HardState(self.term, self.vote, self.commit_index)
        self._persisted_index = self.log.last_index
        self._unstable_from = self.log.last_index + 1
        self._pending_snapshot: Snapshot | None = None
        self._outbox: list[Message] = []
        self._in_flight: Ready | None = None
        self._votes: dict[int, bool] = {}
        self._progress: dict[int, _Progress] = {}
        self._leader_contact_ms = 0
        self._heartbeat_due_ms = 0
        self._quorum_check_due_ms = 0
        self._election_deadline_ms = 0
        self._reset_election_deadline()

    # ----------------------------------------------------------------- driver interface

    def tick(self, now_ms: int) -> None:
        """Let time pass: elections for followers, heartbeats and check-quorum for leaders."""
        self._now_ms = max(self._now_ms, now_ms)
        now = self._now_ms
        if self.role is Role.LEADER:
            if now >= self._heartbeat_due_ms:
                self._heartbeat_due_ms = now + self.config.heartbeat_interval_ms
                self._heartbeat()
            if self.config.check_quorum and now >= self._quorum_check_due_ms:
                self._quorum_check_due_ms = now + self.config.election_timeout_ms
                self._check_quorum()
        elif now >= self._election_deadline_ms:
            self._campaign()

    def step(self, message: Message) -> None:
        """Take one message from a peer (stale, foreign and duplicate ones are handled)."""
        if message.receiver != self.config.node_id or message.sender not in self.config.voters:
            return
        if message.term > self.term:
            if isinstance(message, PreVoteRequest):
                pass  # a pre-vote never changes the receiver's term
            elif isinstance(message, PreVoteResponse) and message.granted:
                pass  # a grant echoes the term we would campaign in
            elif isinstance(message, VoteRequest) and self._in_lease():
                return  # check-quorum: a live leader is not disrupted by a returning voter
            else:
                leader = (
                    message.sender
                    if isinstance(message, AppendEntriesRequest | InstallSnapshotRequest)
                    else None
                )
                self._become_follower(message.term, leader)
        elif message.term < self.term:
            if isinstance(message, AppendEntriesRequest | InstallSnapshotRequest):
                # Tell a stale leader about the newer term so that it steps down.
                self._send(
                    AppendEntriesResponse(
                        term=self.term,
                        sender=self.config.node_id,
                        receiver=message.sender,
                        success=False,
                    )
                )
            elif isinstance(message, PreVoteRequest):
                self._reply_pre_vote(message, granted=False)
            return
        match message:
            case PreVoteRequest():
                self._on_pre_vote_request(message)
            case VoteRequest():
                self._on_vote_request(message)
            case PreVoteResponse():
                self._on_pre_vote_response(message)
            case VoteResponse():
                self._on_vote_response(message)
            case AppendEntriesRequest():
                self._on_append(message)
            case AppendEntriesResponse():
                self._on_append_response(message)
            case InstallSnapshotRequest():
                self._on_install_snapshot(message)
            case InstallSnapshotResponse():
                self._on_install_snapshot_response(message)

    def propose(self, data: bytes) -> int:
        """Append ``data`` as a new entry; returns its index (it commits later, or never).

        Raises ``NotLeaderError`` on a non-leader, ``ProposalDroppedError`` when the entry is
        empty or too large or the leader holds too many uncommitted entries.
        """
        if self.role is not Role.LEADER:
            raise NotLeaderError(self.leader_id)
        if not data or len(data) > self.config.max_entry_bytes:
            raise ProposalDroppedError(
                f"entry of {len(data)} bytes: must be 1..{self.config.max_entry_bytes}"
            )
        if self.log.last_index - self.commit_index >= self.config.max_uncommitted_entries:
            raise ProposalDroppedError(
                f"{self.config.max_uncommitted_entries} entries are waiting to commit"
            )
        index = self._append_local(data)
        for peer in self._peers:
            self._send_append(peer)
        return index

    def compact(self, index: int, snapshot_data: bytes) -> None:
        """The state machine up to ``index`` (applied) is ``snapshot_data``: drop the log up to
        it. The snapshot is persisted through the next Ready."""
        if index > self.applied_index:
            raise LogError(f"cannot compact at {index}: only {self.applied_index} is applied")
        if index <= self.log.snapshot_index:
            return
        term = self.log.term_at(index)
        assert term is not None
        self.log.compact(index)
        self._snapshot = Snapshot(index, term, snapshot_data)
        self._pending_snapshot = self._snapshot

    def has_ready(self) -> bool:
        """Whether ``ready()`` has anything to hand out."""
        if self._in_flight is not None:
            return False
        return (
            self._hard_state() != self._persisted_hs
            or self._unstable_from <= self.log.last_index
            or self._pending_snapshot is not None
            or bool(self._outbox)
            or self.commit_index > self.applied_index
        )

    def ready(self) -> Ready:
        """Hand out the pending work; ``advance`` must follow before the next ``ready``."""
        if self._in_flight is not None:
            raise RuntimeError("ready() called again before advance()")
        hs = self._hard_state()
        entries = tuple(self.log.slice(self._unstable_from, self.log.last_index + 1))
        self._unstable_from = self.log.last_index + 1
        snapshot = self._pending_snapshot
        base = max(self.applied_index, snapshot.index if snapshot else 0)
        committed = tuple(self.log.slice(base + 1, self.commit_index + 1))
        messages = tuple(self._outbox)
        self._outbox.clear()
        rd = Ready(
            hard_state=hs if hs != self._persisted_hs else None,
            entries=entries,
            snapshot=snapshot,
            messages=messages,
            committed_entries=committed,
        )
        self._in_flight = rd
        return rd

    def advance(self, ready: Ready) -> None:
        """The driver has persisted ``ready``, sent its messages and applied its entries."""
        if ready is not self._in_flight:
            raise RuntimeError("advance() with a Ready that is not the one handed out")
        self._in_flight = None
        if ready.hard_state is not None:
            self._persisted_hs = ready.hard_state
        if ready.snapshot is not None:
            self.applied_index = max(self.applied_index, ready.snapshot.index)
            self._persisted_index = max(self._persisted_index, ready.snapshot.index)
            if self._pending_snapshot is ready.snapshot:
                self._pending_snapshot = None
        if ready.entries:
            last = ready.entries[-1].index
            self._persisted_index = max(self._persisted_index, min(last, self._unstable_from - 1))
        if ready.committed_entries:
            self.applied_index = max(self.applied_index, ready.committed_entries[-1].index)
        if self.role is Role.LEADER and self._maybe_commit():
            self._broadcast_append()

    # ----------------------------------------------------------------- observation

    @property
    def now_ms(self) -> int:
        """The latest time given to ``tick``."""
        return self._now_ms

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot the log starts after (None while nothing was compacted)."""
        return self._snapshot

    @property
    def is_leader(self) -> bool:
        """Whether this voter leads the current term."""
        return self.role is Role.LEADER

    def match_indexes(self) -> dict[int, int]:
        """On the leader: the last index known replicated on each other voter (empty
        elsewhere)."""
        return {peer: p.match_index for peer, p in self._progress.items()}

    def hard_state(self) -> HardState:
        """The current (possibly not yet durable) hard state."""
        return self._hard_state()

    # ----------------------------------------------------------------- roles

    def _hard_state(self) -> HardState:
        return HardState(self.term, self.vote, self.commit_index)

    def _reset_election_deadline(self) -> None:
        if not self._peers:
            # The only voter has no vote to wait for and nobody to split one with: it
            # campaigns (and wins) at its next tick, without an election timeout.
            self._election_deadline_ms = self._now_ms
            return
        timeout = self.config.election_timeout_ms
        self._election_deadline_ms = self._now_ms + self._rng.randrange(timeout, 2 * timeout)

    def _become_follower(self, term: int, leader: int | None) -> None:
        if term > self.term:
            self.term = term
            self.vote = None
        self.role = Role.FOLLOWER
        self.leader_id = leader
        self._progress.clear()
        self._votes.clear()
        self._reset_election_deadline()

    def _campaign(self) -> None:
        if self.config.pre_vote:
            self.role = Role.PRE_CANDIDATE
            self.leader_id = None
            self._votes = {self.config.node_id: True}
            self._reset_election_deadline()
            for peer in self._peers:
                self._send(
                    PreVoteRequest(
                        term=self.term + 1,
                        sender=self.config.node_id,
                        receiver=peer,
                        last_log_index=self.log.last_index,
                        last_log_term=self.log.last_term,
                    )
                )
            self._tally()
        else:
            self._become_candidate()

    def _become_candidate(self) -> None:
        self.term += 1
        self.vote = self.config.node_id
        self.role = Role.CANDIDATE
        self.leader_id = None
        self._votes = {self.config.node_id: True}
        self._reset_election_deadline()
        for peer in self._peers:
            self._send(
                VoteRequest(
                    term=self.term,
                    sender=self.config.node_id,
                    receiver=peer,
                    last_log_index=self.log.last_index,
                    last_log_term=self.log.last_term,
                )
            )
        self._tally()

    def _tally(self) -> None:
        granted = sum(1 for g in self._votes.values() if g)
        rejected = len(self._votes) - granted
        if granted >= self._quorum:
            if self.role is Role.PRE_CANDIDATE:
                self._become_candidate()
            else:
                self._become_leader()
        elif rejected >= self._quorum:
            self._become_follower(self.term, None)

    def _become_leader(self) -> None:
        self.role = Role.LEADER
        self.leader_id = self.config.node_id
        self._votes.clear()
        nxt = self.log.last_index + 1
        self._progress = {peer: _Progress(next_index=nxt) for peer in self._peers}
        self._heartbeat_due_ms = self._now_ms + self.config.heartbeat_interval_ms
        self._quorum_check_due_ms = self._now_ms + self.config.election_timeout_ms
        self._append_local(b"")  # the no-op: commits the previous terms' entries with it
        self._broadcast_append()

    def _in_lease(self) -> bool:
        """Whether this voter has heard from a live leader within an election timeout."""
        if not self.config.check_quorum:
            return False
        if self.role is Role.LEADER:
            return True
        return (
            self.leader_id is not None
            and self._now_ms < self._leader_contact_ms + self.config.election_timeout_ms
        )

    def _check_quorum(self) -> None:
        active = 1 + sum(1 for p in self._progress.values() if p.recent_active)
        for progress in self._progress.values():
            progress.recent_active = False
        if active < self._quorum:
            self._become_follower(self.term, None)

    # ----------------------------------------------------------------- elections

    def _log_up_to_date(self, last_log_term: int, last_log_index: int) -> bool:
        if not self.config.safety.check_log_up_to_date:
            return True
        return (last_log_term, last_log_index) >= (self.log.last_term, self.log.last_index)

    def _reply_pre_vote(self, request: PreVoteRequest, *, granted: bool) -> None:
        self._send(
            PreVoteResponse(
                term=request.term if granted else self.term,
                sender=self.config.node_id,
                receiver=request.sender,
                granted=granted,
            )
        )

    def _on_pre_vote_request(self, m: PreVoteRequest) -> None:
        can_vote = (
            self.vote == m.sender
            or (self.vote is None and self.leader_id is None)
            or m.term > self.term
        )
        granted = (
            can_vote
            and not self._in_lease()
            and self._log_up_to_date(m.last_log_term, m.last_log_index)
        )
        self._reply_pre_vote(m, granted=granted)

    def _on_vote_request(self, m: VoteRequest) -> None:
        can_vote = self.vote == m.sender or (self.vote is None and self.leader_id is None)
        granted = can_vote and self._log_up_to_date(m.last_log_term, m.last_log_index)
        if granted:
            self.vote = m.sender
            self._reset_election_deadline()
        self._send(
            VoteResponse(
                term=self.term, sender=self.config.node_id, receiver=m.sender, granted=granted
            )
        )

    def _on_pre_vote_response(self, m: PreVoteResponse) -> None:
        if self.role is not Role.PRE_CANDIDATE:
            return
        if m.granted and m.term == self.term + 1:
            self._votes[m.sender] = True
        elif not m.granted and m.term == self.term:
            self._votes[m.sender] = False
        else:
            return
        self._tally()

    def _on_vote_response(self, m: VoteResponse) -> None:
        if self.role is not Role.CANDIDATE:
            return
        self._votes[m.sender] = m.granted
        self._tally()

    # ----------------------------------------------------------------- replication: leader

    def _append_local(self, data: bytes) -> int:
        index = self.log.last_index + 1
        self.log.append([Entry(index, self.term, data)])
        return index

    def _heartbeat(self) -> None:
        for peer in self._peers:
            progress = self._progress[peer]
            if progress.state is _Replication.SNAPSHOT:
                if self._now_ms - progress.snapshot_sent_ms < self.config.election_timeout_ms:
                    continue
                progress.state = _Replication.PROBE  # lost on the way: send it again
            progress.probe_sent = False
            self._send_append(peer, heartbeat=True)

    def _broadcast_append(self) -> None:
        for peer in self._peers:
            self._send_append(peer, heartbeat=True)

    def _send_append(self, peer: int, *, heartbeat: bool = False) -> None:
        progress = self._progress[peer]
        if progress.state is _Replication.SNAPSHOT:
            return
        if progress.state is _Replication.PROBE and progress.probe_sent:
            return
        prev = progress.next_index - 1
        prev_term = self.log.term_at(prev)
        if prev_term is None and prev > self.log.last_index:
            prev = self.log.last_index  # an optimistic next past our end (cannot happen)
            progress.next_index = prev + 1
            prev_term = self.log.last_term
        if prev_term is None:
            assert self._snapshot is not None and self._snapshot.index == self.log.snapshot_index
            progress.state = _Replication.SNAPSHOT
            progress.snapshot_sent_ms = self._now_ms
            self._send(
                InstallSnapshotRequest(
                    term=self.term,
                    sender=self.config.node_id,
                    receiver=peer,
                    snapshot=self._snapshot,
                )
            )
            return
        entries = self.log.slice(
            progress.next_index,
            progress.next_index + self.config.max_entries_per_append,
            self.config.max_bytes_per_append,
        )
        if not entries and not heartbeat:
            return
        self._send(
            AppendEntriesRequest(
                term=self.term,
                sender=self.config.node_id,
                receiver=peer,
                prev_log_index=prev,
                prev_log_term=prev_term,
                entries=tuple(entries),
                leader_commit=self.commit_index,
            )
        )
        if progress.state is _Replication.REPLICATE:
            if entries:
                progress.next_index = entries[-1].index + 1
        else:
            progress.probe_sent = True

    def _on_append_response(self, m: AppendEntriesResponse) -> None:
        if self.role is not Role.LEADER:
            return
        progress = self._progress[m.sender]
        progress.recent_active = True
        if m.success:
            progress.match_index = max(progress.match_index, m.match_index)
            progress.next_index = max(progress.next_index, progress.match_index + 1)
            if progress.state is not _Replication.SNAPSHOT or (
                progress.match_index >= self.log.snapshot_index
            ):
                progress.state = _Replication.REPLICATE
                progress.probe_sent = False
            if self._maybe_commit():
                self._broadcast_append()
            elif progress.next_index <= self.log.last_index:
                self._send_append(m.sender)
            return
        stale = m.rejected_index <= progress.match_index or (
            progress.state is _Replication.PROBE and m.rejected_index != progress.next_index - 1
        )
        if stale:
            return
        progress.next_index = max(progress.match_index + 1, min(m.rejected_index, m.hint_index + 1))
        progress.state = _Replication.PROBE
        progress.probe_sent = False
        self._send_append(m.sender, heartbeat=True)

    def _on_install_snapshot_response(self, m: InstallSnapshotResponse) -> None:
        if self.role is not Role.LEADER:
            return
        progress = self._progress[m.sender]
        progress.recent_active = True
        progress.match_index = max(progress.match_index, m.match_index)
        progress.next_index = max(progress.next_index, progress.match_index + 1)
        progress.state = _Replication.PROBE
        progress.probe_sent = False
        if self._maybe_commit():
            self._broadcast_append()
        else:
            self._send_append(m.sender, heartbeat=True)

    def _maybe_commit(self) -> bool:
        """Move the commit index to what a majority holds; True if it moved."""
        matches = sorted(
            [self._persisted_index] + [p.match_index for p in self._progress.values()],
            reverse=True,
        )
        candidate = min(matches[self._quorum - 1], self.log.last_index)
        if candidate <= self.commit_index:
            return False
        if self.config.safety.commit_only_current_term and self.log.term_at(candidate) != self.term:
            return False
        self.commit_index = candidate
        return True

    # ----------------------------------------------------------------- replication: follower

    def _follow(self, leader: int) -> None:
        if self.role is not Role.FOLLOWER or self.leader_id != leader:
            self._become_follower(self.term, leader)
        self._leader_contact_ms = self._now_ms
        self._reset_election_deadline()

    def _on_append(self, m: AppendEntriesRequest) -> None:
        self._follow(m.sender)
        if self.first_leader_commit is None:
            self.first_leader_commit = m.leader_commit
        prev, prev_term, entries = m.prev_log_index, m.prev_log_term, m.entries
        if prev < self.commit_index:
            # Our committed prefix matches the leader's: continue from our commit index.
            skip = self.commit_index - prev
            entries = entries[skip:]
            prev = self.commit_index
            term = self.log.term_at(prev)
            assert term is not None
            prev_term = term
        if self.log.term_at(prev) != prev_term:
            self._send(
                AppendEntriesResponse(
                    term=self.term,
                    sender=self.config.node_id,
                    receiver=m.sender,
                    success=False,
                    rejected_index=m.prev_log_index,
                    hint_index=self._conflict_hint(prev),
                )
            )
            return
        for n, entry in enumerate(entries):
            term = self.log.term_at(entry.index)
            if term == entry.term:
                continue
            if term is not None:
                if entry.index <= self.commit_index:
                    raise RaftSafetyError(
                        f"node {self.config.node_id}: leader {m.sender} (term {m.term}) "
                        f"rewrites committed entry {entry.index}"
                    )
                self.log.truncate_from(entry.index)
                self._unstable_from = min(self._unstable_from, entry.index)
                self._persisted_index = min(self._persisted_index, entry.index - 1)
            self.log.append(entries[n:])
            break
        last_new = prev + len(entries)
        self.commit_index = max(self.commit_index, min(m.leader_commit, last_new))
        self._send(
            AppendEntriesResponse(
                term=self.term,
                sender=self.config.node_id,
                receiver=m.sender,
                success=True,
                match_index=last_new,
            )
        )

    def _conflict_hint(self, prev: int) -> int:
        """Where the leader should probe from after a mismatch at ``prev``: our end if we are
        short, else before the run of the conflicting term (never below the commit index)."""
        if prev > self.log.last_index:
            return self.log.last_index
        conflicting = self.log.term_at(prev)
        hint = prev - 1
        while hint > self.commit_index and self.log.term_at(hint) == conflicting:
            hint -= 1
        return hint

    def _on_install_snapshot(self, m: InstallSnapshotRequest) -> None:
        self._follow(m.sender)
        snap = m.snapshot
        if snap.index > self.commit_index:
            if self.log.term_at(snap.index) == snap.term:
                self.commit_index = snap.index  # we hold the entries: no need to install
            else:
                self.log.restore(snap.index, snap.term)
                self.commit_index = snap.index
                self._snapshot = snap
                self._pending_snapshot = snap
                self._unstable_from = snap.index + 1
                self._persisted_index = min(self._persisted_index, snap.index)
        self._send(
            InstallSnapshotResponse(
                term=self.term,
                sender=self.config.node_id,
                receiver=m.sender,
                match_index=self.commit_index,  # our log matches the leader's up to it
            )
        )

    def _send(self, message: Message) -> None:
        self._outbox.append(message)
