"""Deterministic simulation of a Raft quorum of ``RaftCore`` voters.

Everything runs on one seeded ``random.Random`` and a virtual clock: a scheduler pops events
(ticks, message deliveries, fsync completions, faults, client proposals) in time order, and the
invariants are checked after every event. The same seed always replays the same run.

- Network: each message is dropped (drop rate, or a partition between sender and receiver at
  send or delivery time), delayed by a random amount (so messages reorder), or duplicated.
- Disk: a Ready's writes are buffered until its fsync completes (a later event). A crash keeps a
  random prefix of the unsynced writes (what the OS happened to write) and loses the rest.
  Messages leave only after the fsync (``send_before_persist`` breaks that rule on purpose).
- Faults: crash and restart of nodes, partitions and healing, drop-rate changes; compaction.

Invariants (``InvariantError`` on violation):
- at most one leader per term;
- a committed entry is never lost or changed: every entry any node applied is recorded by
  index; another node applying a different entry at that index, a state-machine digest that
  differs at an index, or a new leader whose log lacks the highest recorded entry all fail;
- log matching: an entry's (index, term) determines its data and the previous entry's term, so
  two logs sharing an (index, term) match up to it;
- the commit index never decreases: within a node's life, and across a restart the commit
  index read back from disk is never below what the node had applied. Entries are applied only
  after the Ready carrying their commit index was fsynced, so the durable commit index is the
  one clients can observe, and it is the one that must never go back.
"""

from __future__ import annotations

import heapq
import random
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from broker.raft.core import (
    HardState,
    NotLeaderError,
    PersistentState,
    ProposalDroppedError,
    RaftConfig,
    RaftCore,
    RaftSafety,
    RaftSafetyError,
    Ready,
    Role,
)
from broker.raft.log import Entry, Snapshot
from broker.raft.messages import Message

ELECTION_TIMEOUT_MS = 100
HEARTBEAT_INTERVAL_MS = 30
TICK_INTERVAL_MS = 10
# After the faults stop, a leader must be elected and a proposal commit within this much
# virtual time (many election timeouts: pre-vote and check-quorum leases can take a few).
LIVENESS_BOUND_MS = 40 * ELECTION_TIMEOUT_MS


class InvariantError(AssertionError):
    """A safety or liveness property does not hold."""


@dataclass
class SimOptions:
    """What one simulated run does; ``Sim`` draws the unset parts from the seed."""

    steps: int = 3000
    nodes: int | None = None  # 3 or 5, drawn from the seed when None
    safety: RaftSafety = field(default_factory=RaftSafety)
    send_before_persist: bool = False  # a driver bug: answer before fsync
    check_liveness: bool = True
    # Relative weights of the fault-phase actions: propose, crash, restart, partition, heal,
    # change the drop rate, compact.
    fault_weights: tuple[int, ...] = (12, 1, 2, 1, 2, 1, 2)
    max_fsync_ms: int = 5  # how long a Ready's writes stay unsynced (crash window)
    max_entries_per_append: int | None = None  # drawn from the seed when None
    pre_vote: bool = True
    check_quorum: bool = True


#: Harsher faults for the tests that switch a safety rule off: more crashes in longer fsync
#: windows, so violations that need a crash at the wrong moment show up in few seeds.
HOSTILE = {"fault_weights": (12, 4, 4, 2, 2, 1, 1), "max_fsync_ms": 20}


class MemDisk:
    """A node's disk: durable state plus writes that are lost unless fsynced."""

    def __init__(self) -> None:
        self.hard_state = HardState()
        self.snapshot: Snapshot | None = None
        self.entries: list[Entry] = []
        self._pending: list[Callable[[], None]] = []

    def write(self, rd: Ready) -> None:
        """Buffer the Ready's writes (in the order a real store does them)."""
        if rd.snapshot is not None:
            snap = rd.snapshot
            self._pending.append(lambda: self._put_snapshot(snap))
        if rd.entries:
            entries = rd.entries
            self._pending.append(lambda: self._put_entries(entries))
        if rd.hard_state is not None:
            hs = rd.hard_state
            self._pending.append(lambda: self._put_hard_state(hs))

    def sync(self) -> None:
        """fsync: every buffered write becomes durable."""
        for op in self._pending:
            op()
        self._pending.clear()

    def crash(self, rng: random.Random) -> None:
        """Power loss: a random prefix of the unsynced writes survives."""
        keep = rng.randint(0, len(self._pending))
        for op in self._pending[:keep]:
            op()
        self._pending.clear()

    def load(self) -> PersistentState:
        """What a restarting node reads back."""
        return PersistentState(self.hard_state, self.snapshot, tuple(self.entries))

    def _put_hard_state(self, hs: HardState) -> None:
        self.hard_state = hs

    def _put_snapshot(self, snap: Snapshot) -> None:
        keep = [e for e in self.entries if e.index > snap.index]
        at = [e for e in self.entries if e.index == snap.index]
        if not at or at[0].term != snap.term:
            keep = []
        self.entries = keep
        self.snapshot = snap

    def _put_entries(self, entries: tuple[Entry, ...]) -> None:
        first = entries[0].index
        self.entries = [e for e in self.entries if e.index < first]
        base = self.snapshot.index if self.snapshot else 0
        expected = self.entries[-1].index + 1 if self.entries else base + 1
        if first != expected:
            raise InvariantError(f"disk: entries start at {first}, expected {expected}")
        self.entries.extend(entries)


@dataclass
class SimNode:
    """One voter: its core (None while crashed), disk and state machine."""

    node_id: int
    disk: MemDisk = field(default_factory=MemDisk)
    core: RaftCore | None = None
    life: int = 0
    in_flight: Ready | None = None
    applied_index: int = 0
    digest: int = 0  # state machine: a running CRC of the applied entries' data
    last_commit: int = 0
    durable_applied: int = 0  # highest index applied in any life


class Sim:
    """One seeded run: ``Sim(seed).run()`` raises ``InvariantError`` on a violation."""

    def __init__(self, seed: int, options: SimOptions | None = None) -> None:
        self.seed = seed
        self.opts = options or SimOptions()
        self.rng = random.Random(seed)
        n = self.opts.nodes or self.rng.choice((3, 3, 5))
        self.ids = list(range(1, n + 1))
        self.max_entries_per_append = self.opts.max_entries_per_append or self.rng.choice(
            (1, 2, 3, 64)
        )
        self.now_ms = 0
        self._events: list[tuple[int, int, Callable[[], None]]] = []
        self._seq = 0
        self.steps = 0
        self.drop_rate = 0.0
        self.dup_rate = 0.02
        self.max_delay_ms = self.rng.choice((5, 20, 60))
        self.partition: dict[int, int] = {}  # node id -> group; absent: group 0
        self.nodes = {i: SimNode(i) for i in self.ids}
        self.committed: dict[int, tuple[int, bytes]] = {}  # index -> (term, data)
        self.digests: dict[int, int] = {}  # index -> state machine digest after it
        self.max_committed = 0
        self.max_committed_known_in_term = 0
        self.entry_shape: dict[tuple[int, int], tuple[bytes, int | None]] = {}
        self.leader_of_term: dict[int, int] = {}
        self.stats: Counter[str] = Counter()
        self._proposals = 0
        self._liveness_data: set[bytes] = set()
        self._liveness_done = False
        self._faults = True
        for i in self.ids:
            self._start(self.nodes[i])

    # ------------------------------------------------------------------ scheduler

    def schedule(self, delay_ms: int, fn: Callable[[], None]) -> None:
        """Run ``fn`` at ``now + delay_ms`` (ties in scheduling order)."""
        self._seq += 1
        heapq.heappush(self._events, (self.now_ms + delay_ms, self._seq, fn))

    def _step(self) -> None:
        at, _, fn = heapq.heappop(self._events)
        self.now_ms = at
        self.steps += 1
        try:
            fn()
        except RaftSafetyError as exc:
            raise InvariantError(f"core refused an unsafe step: {exc}") from exc
        self.check_invariants()

    def run(self) -> Sim:
        """The fault phase, then (optionally) the liveness phase."""
        self.schedule(self.rng.randint(10, 100), self._chaos)
        while self.steps < self.opts.steps:
            self._step()
        if self.opts.check_liveness:
            self._check_liveness()
        return self

    # ------------------------------------------------------------------ nodes

    def _config(self, node_id: int) -> RaftConfig:
        return RaftConfig(
            node_id=node_id,
            voters=frozenset(self.ids),
            election_timeout_ms=ELECTION_TIMEOUT_MS,
            heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS,
            max_entries_per_append=self.max_entries_per_append,
            max_bytes_per_append=256,
            max_uncommitted_entries=64,
            pre_vote=self.opts.pre_vote,
            check_quorum=self.opts.check_quorum,
            safety=self.opts.safety,
        )

    def _start(self, node: SimNode) -> None:
        state = node.disk.load()
        core = RaftCore(
            self._config(node.node_id),
            random.Random(self.rng.random()),
            state,
            now_ms=self.now_ms,
        )
        if core.commit_index < node.durable_applied:
            raise InvariantError(
                f"node {node.node_id} restarted with commit index {core.commit_index} below "
                f"the {node.durable_applied} it had applied"
            )
        node.core = core
        node.life += 1
        node.in_flight = None
        node.last_commit = core.commit_index
        node.applied_index = 0
        node.digest = 0
        if state.snapshot is not None:
            self._restore(node, state.snapshot)
        self._tick_later(node, node.life)
        self._pump(node)

    def _crash(self, node: SimNode) -> None:
        node.core = None
        node.life += 1
        node.in_flight = None
        node.disk.crash(self.rng)
        self.stats["crash"] += 1

    def _tick_later(self, node: SimNode, life: int) -> None:
        def tick() -> None:
            if node.life != life or node.core is None:
                return
            node.core.tick(self.now_ms)
            self._pump(node)
            self._tick_later(node, life)

        self.schedule(TICK_INTERVAL_MS + self.rng.randint(0, 2), tick)

    def _pump(self, node: SimNode) -> None:
        """Drive the node's Ready loop: write, fsync later, then send and apply."""
        core = node.core
        if core is None or node.in_flight is not None or not core.has_ready():
            return
        rd = core.ready()
        self._check_new_entries(node, rd)
        node.disk.write(rd)
        node.in_flight = rd
        if self.opts.send_before_persist:
            for m in rd.messages:
                self._send(m)
        life = node.life
        if rd.needs_persist():
            self.schedule(
                self.rng.randint(0, self.opts.max_fsync_ms), lambda: self._synced(node, life, rd)
            )
        else:
            self._synced(node, life, rd)

    def _synced(self, node: SimNode, life: int, rd: Ready) -> None:
        if node.life != life or node.core is None:
            return
        node.disk.sync()
        if not self.opts.send_before_persist:
            for m in rd.messages:
                self._send(m)
        if rd.snapshot is not None and rd.snapshot.index > node.applied_index:
            self._restore(node, rd.snapshot)
            self.stats["snapshot-installed"] += 1
        for entry in rd.committed_entries:
            self._apply(node, entry)
        node.in_flight = None
        node.core.advance(rd)
        self._pump(node)

    def _restore(self, node: SimNode, snap: Snapshot) -> None:
        digest = int.from_bytes(snap.data, "big")
        known = self.digests.get(snap.index)
        if known is not None and known != digest:
            raise InvariantError(f"node {node.node_id}: snapshot at {snap.index} differs")
        node.applied_index = snap.index
        node.digest = digest

    def _apply(self, node: SimNode, entry: Entry) -> None:
        if entry.index != node.applied_index + 1:
            raise InvariantError(
                f"node {node.node_id} applies {entry.index} after {node.applied_index}"
            )
        seen = self.committed.get(entry.index)
        if seen is None:
            self.committed[entry.index] = (entry.term, entry.data)
            if entry.index > self.max_committed:
                assert node.core is not None
                self.max_committed = entry.index
                # Committed in this term or earlier: every leader of a later term holds it.
                self.max_committed_known_in_term = node.core.term
        elif seen != (entry.term, entry.data):
            raise InvariantError(
                f"node {node.node_id} commits {entry.index}@{entry.term} {entry.data!r}, "
                f"but {seen[0]} {seen[1]!r} was committed there"
            )
        node.digest = zlib.crc32(entry.data, node.digest)
        known = self.digests.setdefault(entry.index, node.digest)
        if known != node.digest:
            raise InvariantError(f"node {node.node_id}: state differs after {entry.index}")
        node.applied_index = entry.index
        node.durable_applied = max(node.durable_applied, entry.index)
        if entry.data in self._liveness_data:
            self._liveness_done = True

    # ------------------------------------------------------------------ network

    def _group(self, node_id: int) -> int:
        return self.partition.get(node_id, 0)

    def _send(self, m: Message) -> None:
        self.stats["sent"] += 1
        if self._group(m.sender) != self._group(m.receiver) or self.rng.random() < self.drop_rate:
            return
        copies = 2 if self.rng.random() < self.dup_rate else 1
        for _ in range(copies):
            self.schedule(self.rng.randint(1, self.max_delay_ms), lambda: self._deliver(m))

    def _deliver(self, m: Message) -> None:
        node = self.nodes[m.receiver]
        if node.core is None or self._group(m.sender) != self._group(m.receiver):
            return
        node.core.step(m)
        self._pump(node)

    # ------------------------------------------------------------------ faults and clients

    def _chaos(self) -> None:
        if not self._faults:
            return
        action = self.rng.choices(
            ("propose", "crash", "restart", "partition", "heal", "drops", "compact"),
            weights=self.opts.fault_weights,
        )[0]
        alive = [n for n in self.nodes.values() if n.core is not None]
        dead = [n for n in self.nodes.values() if n.core is None]
        if action == "propose":
            for _ in range(self.rng.randint(1, 3)):
                self._propose()
        elif action == "crash" and alive:
            self._crash(self.rng.choice(alive))
        elif action == "restart" and dead:
            self._start(self.rng.choice(dead))
            self.stats["restart"] += 1
        elif action == "partition":
            self.partition = {i: self.rng.randint(0, 1) for i in self.ids}
            self.stats["partition"] += 1
        elif action == "heal":
            self.partition = {}
        elif action == "drops":
            self.drop_rate = self.rng.choice((0.0, 0.0, 0.05, 0.2))
        elif action == "compact" and alive:
            node = self.rng.choice(alive)
            core = node.core
            assert core is not None
            if core.applied_index - core.log.snapshot_index >= 4:
                core.compact(core.applied_index, node.digest.to_bytes(4, "big"))
                self.stats["compact"] += 1
                self._pump(node)
        self.schedule(self.rng.randint(5, 60), self._chaos)

    def _leader(self) -> SimNode | None:
        leaders = [n for n in self.nodes.values() if n.core is not None and n.core.is_leader]
        return max(leaders, key=lambda n: n.core.term if n.core else 0, default=None)

    def _propose(self, data: bytes | None = None) -> bool:
        node = self._leader()
        if node is None or node.core is None:
            return False
        self._proposals += 1
        try:
            node.core.propose(data or b"v%d" % self._proposals)
        except (NotLeaderError, ProposalDroppedError):
            return False
        self.stats["proposed"] += 1
        self._pump(node)
        return True

    # ------------------------------------------------------------------ invariants

    def _check_new_entries(self, node: SimNode, rd: Ready) -> None:
        """Log matching, checked on every entry a node is about to persist."""
        core = node.core
        assert core is not None
        for entry in rd.entries:
            prev_term = core.log.term_at(entry.index - 1)
            shape = (entry.data, prev_term)
            known = self.entry_shape.setdefault((entry.index, entry.term), shape)
            if known != shape:
                raise InvariantError(
                    f"log matching: {entry.index}@{entry.term} on node {node.node_id} is "
                    f"{shape}, elsewhere {known}"
                )

    def check_invariants(self) -> None:
        """The per-step checks (the per-entry ones run where entries appear)."""
        for node in self.nodes.values():
            core = node.core
            if core is None:
                continue
            if core.commit_index < node.last_commit:
                raise InvariantError(
                    f"node {node.node_id}: commit index went back from {node.last_commit} "
                    f"to {core.commit_index}"
                )
            node.last_commit = core.commit_index
            if core.role is Role.LEADER:
                leader = self.leader_of_term.setdefault(core.term, node.node_id)
                if leader != node.node_id:
                    raise InvariantError(
                        f"two leaders in term {core.term}: nodes {leader} and {node.node_id}"
                    )
                self._check_leader_completeness(node, core)

    def _check_leader_completeness(self, node: SimNode, core: RaftCore) -> None:
        """A leader of a term after the one in which the highest applied entry was known to
        be committed must hold that entry (by log matching, then, all before it)."""
        top = self.max_committed
        if core.term <= self.max_committed_known_in_term or top <= core.log.snapshot_index:
            return
        term, _ = self.committed[top]
        if core.log.term_at(top) != term:
            raise InvariantError(
                f"leader {node.node_id} of term {core.term} lacks committed entry {top}@{term}"
            )

    def _check_liveness(self) -> None:
        """Heal everything, restart every node; a proposal must commit in bounded time."""
        self._faults = False
        self.partition = {}
        self.drop_rate = 0.0
        for node in self.nodes.values():
            if node.core is None:
                self._start(node)
        deadline = self.now_ms + LIVENESS_BOUND_MS
        next_try = self.now_ms
        while not self._liveness_done:
            if self.now_ms > deadline:
                raise InvariantError(
                    f"no proposal committed within {LIVENESS_BOUND_MS} ms after healing"
                )
            if self.now_ms >= next_try:
                data = b"live%d" % len(self._liveness_data)
                if self._propose(data):
                    self._liveness_data.add(data)
                next_try = self.now_ms + ELECTION_TIMEOUT_MS
            self._step()


def run_seed(seed: int, options: SimOptions | None = None) -> Sim:
    """Run one seed to the end (raises ``InvariantError`` on a violation)."""
    return Sim(seed, options).run()
