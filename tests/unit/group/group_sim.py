"""A deterministic simulation of clients against ``GroupCoordinatorCore``, with invariants.

Clients join (every JoinGroup version, static or dynamic), sync, heartbeat, commit, leave and
stall (miss heartbeats); an admin deletes groups and commits as a simple consumer; appends to
``__consumer_offsets`` are held, released in order, and sometimes fail; the broker sometimes
restarts (the core is rebuilt from the durable log). Time is advanced by the simulation only.
After every step ``check_invariants`` verifies what must always hold.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from unit.group.group_harness import GROUP, Harness, Reply, config

from broker.group import GroupCoordinatorCore, GroupState, ParkKey, TimerKey, TimerKind, load
from protocol.errors import ErrorCode

TOPIC = "t"
PARTITIONS = 4
SESSION_MS = 10_000
REBALANCE_MS = 20_000
#: Held appends are released at the latest this many steps after they were made.
MAX_APPEND_HOLD_STEPS = 4
TIME_STEPS_MS = (0, 0, 50, 500, 2_000, 4_000, 7_000, 12_000)


class InvariantError(AssertionError):
    """An invariant failed; the message names the seed and step."""


@dataclass
class Client:
    """One consumer process."""

    name: str
    instance_id: str | None
    member_id: str = ""
    generation: int = -1
    phase: str = "out"  # out, joining, syncing, stable, stalled, gone
    reply: Reply[Any] | None = None
    stalled_until: int = 0
    resume_phase: str = "out"
    version: int = 7


@dataclass
class Sim:
    """One seeded run."""

    seed: int
    steps: int = 200
    rng: random.Random = field(init=False)
    h: Harness = field(init=False)
    clients: list[Client] = field(default_factory=list)
    acked: dict[tuple[str, int], int] = field(default_factory=dict)
    last_generation: int = 0
    first_seen: dict[ParkKey, tuple[int, int]] = field(default_factory=dict)
    append_born: dict[int, int] = field(default_factory=dict)
    step: int = 0
    next_offset: int = 0
    stats: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        delay = self.rng.choice([0, 0, 3_000])
        self.h = Harness(cfg=config(group_initial_rebalance_delay_ms=delay))
        self.h.hold_appends = True
        n = self.rng.randint(2, 5)
        for i in range(n):
            static = self.rng.random() < 0.4
            self.clients.append(Client(f"c{i}", f"i{i}" if static else None))
        if self.rng.random() < 0.3:
            # A second process with the same group.instance.id (a zombie or a misconfiguration).
            self.clients.append(Client("twin", "i0"))
            self.clients[0].instance_id = "i0"

    # -- driving ----------------------------------------------------------------------------

    def run(self) -> Sim:
        for step in range(self.steps):
            self.step = step
            self._one_step()
            self.check_invariants()
        self.drain()
        return self

    def _one_step(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            self.h.advance(rng.choice(TIME_STEPS_MS))
        elif roll < 0.12:
            self._release(rng)
        elif roll < 0.14:
            self._admin(rng)
        elif roll < 0.145:
            self._restart()
        else:
            self._client_step(rng.choice(self.clients), rng)
        # Appends never wait forever: the log acknowledges within a few steps.
        while (
            self.h.held
            and self.step - self.append_born.get(self.h.held[0].token, self.step)
            >= MAX_APPEND_HOLD_STEPS
        ):
            self.h.release(count=1)
        for a in self.h.held:
            self.append_born.setdefault(a.token, self.step)
        if rng.random() < 0.3:
            self.h.advance(rng.choice(TIME_STEPS_MS))

    def _release(self, rng: random.Random) -> None:
        if not self.h.held:
            return
        error = ErrorCode.NONE
        if rng.random() < 0.15:
            error = rng.choice(
                [
                    ErrorCode.NOT_LEADER_OR_FOLLOWER,
                    ErrorCode.REQUEST_TIMED_OUT,
                    ErrorCode.KAFKA_STORAGE_ERROR,
                ]
            )
            self.stats["append-failed"] += 1
        self.h.release(error, count=rng.randint(1, len(self.h.held)))

    def _admin(self, rng: random.Random) -> None:
        h = self.h
        choice = rng.random()
        if choice < 0.4:
            h.delete_groups(GROUP)
            self.stats["delete-groups"] += 1
            if h.core.group(GROUP) is None:
                # Deleted from memory at once: offsets and commits still in flight are gone.
                self._forget(
                    {tp for tp in self.acked} | {tp for _, o in self.pending_commits for tp in o}
                )
                self.last_generation = 0
        elif choice < 0.7:
            tp = (TOPIC, rng.randrange(PARTITIONS))
            self.next_offset += 1
            offset = self.next_offset
            reply = h.commit({tp: offset})
            self._track_commit(reply, {tp: offset})
        elif choice < 0.85:
            h.describe(GROUP)
            h.list_groups()
        else:
            tp = (TOPIC, rng.randrange(PARTITIONS))
            reply = h.delete_offsets([tp])
            self.stats["delete-offsets"] += 1
            if tp not in h.committed():
                self._forget({tp})

    def _forget(self, tps: set[tuple[str, int]]) -> None:
        for tp in tps:
            self.acked.pop(tp, None)
        for _, offsets in self.pending_commits:
            for tp in tps:
                offsets.pop(tp, None)

    def _restart(self) -> None:
        """The broker restarts: parked requests and non-durable appends are lost."""
        self.stats["restart"] += 1
        h = self.h
        h.held.clear()
        h.completed.clear()  # the new core numbers its parked requests from 1 again
        self._settle_commits()
        self.pending_commits.clear()  # their connections are gone
        core = GroupCoordinatorCore(h.cfg, new_member_id=h._member_id, owned_partitions=())
        state = load(h.log)
        for p in range(h.cfg.offsets_topic_num_partitions):
            core.begin_loading(p)
        h.core = core
        for p in range(h.cfg.offsets_topic_num_partitions):
            h.apply(core.finish_loading(p, state, h.now))
        self.first_seen.clear()
        for c in self.clients:
            c.reply = None
            if c.phase in ("joining", "syncing"):
                c.phase = "out"
            if c.phase == "stalled" and c.resume_phase in ("joining", "syncing"):
                c.resume_phase = "out"
        group = core.group(GROUP)
        self.last_generation = group.generation_id if group is not None else 0

    # -- a client's turn ----------------------------------------------------------------------

    def _client_step(self, c: Client, rng: random.Random) -> None:
        h = self.h
        if c.phase == "stalled":
            if h.now >= c.stalled_until:
                c.phase = c.resume_phase
            return
        if c.phase == "gone":
            if rng.random() < 0.2:
                c.phase = "out"
                c.member_id = ""
                c.generation = -1
            return
        if c.phase == "out":
            c.version = (
                rng.choice([0, 1, 2, 3, 4, 5, 6, 7])
                if c.instance_id is None
                else rng.choice([5, 6, 7])
            )
            self.stats["join"] += 1
            c.reply = h.join(
                c.member_id,
                version=c.version,
                instance_id=c.instance_id,
                client_id=c.name,
                session_ms=SESSION_MS,
                rebalance_ms=REBALANCE_MS,
            )
            c.phase = "joining"
            self._on_join(c)
            return
        if c.phase == "joining":
            self._on_join(c)
            return
        if c.phase == "syncing":
            self._on_sync(c)
            return
        # stable
        roll = rng.random()
        if roll < 0.55:
            self._heartbeat(c)
        elif roll < 0.8:
            self._commit(c, rng)
        elif roll < 0.88:
            self.stats["leave"] += 1
            h.leave((c.member_id, c.instance_id))
            c.phase = "gone"
        elif roll < 0.96:
            self.stats["stall"] += 1
            c.phase = "stalled"
            c.resume_phase = "stable"
            c.stalled_until = h.now + rng.choice([3_000, 8_000, 15_000, 40_000])
        else:
            # The member's metadata changes (a new subscription): rejoin with its id.
            c.phase = "out"

    def _on_join(self, c: Client) -> None:
        assert c.reply is not None
        resp = c.reply.get()
        if resp is None:
            return
        error = ErrorCode(resp.error_code)
        if error is ErrorCode.MEMBER_ID_REQUIRED:
            c.member_id = resp.member_id
            c.phase = "out"
        elif error is ErrorCode.NONE:
            if c.instance_id is not None and c.member_id == "" and resp.leader != resp.member_id:
                group = self.h.core.group(GROUP)
                if group is not None and group.is_(GroupState.STABLE):
                    self.stats["static-replaced"] += 1
            c.member_id = resp.member_id
            c.generation = resp.generation_id
            c.phase = "syncing"
            assignments = None
            if resp.leader == c.member_id:
                assignments = {
                    m.member_id: f"{resp.generation_id}|{m.member_id}".encode()
                    for m in resp.members
                }
            c.reply = self.h.sync(
                c.member_id,
                c.generation,
                assignments,
                version=self.rng.choice([0, 1, 2, 3, 4, 5]),
                instance_id=c.instance_id,
            )
            self._on_sync(c)
        elif error is ErrorCode.FENCED_INSTANCE_ID:
            self.stats["fenced"] += 1
            c.phase = "gone"
        elif error in (ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.GROUP_MAX_SIZE_REACHED):
            c.member_id = ""
            c.phase = "out"
        else:
            c.phase = "out"

    def _on_sync(self, c: Client) -> None:
        assert c.reply is not None
        resp = c.reply.get()
        if resp is None:
            return
        error = ErrorCode(resp.error_code)
        if error is ErrorCode.NONE:
            c.phase = "stable"
            self.stats["synced"] += 1
        elif error is ErrorCode.FENCED_INSTANCE_ID:
            c.phase = "gone"
        elif error is ErrorCode.UNKNOWN_MEMBER_ID:
            c.member_id = ""
            c.phase = "out"
        else:
            c.phase = "out"

    def _heartbeat(self, c: Client) -> None:
        error = self.h.heartbeat(c.member_id, c.generation, instance_id=c.instance_id).error
        self.stats[f"heartbeat-{error.name}"] += 1
        if error is ErrorCode.NONE:
            return
        if error is ErrorCode.UNKNOWN_MEMBER_ID:
            c.member_id = ""
        if error is ErrorCode.FENCED_INSTANCE_ID:
            c.phase = "gone"
            return
        c.phase = "out"

    def _commit(self, c: Client, rng: random.Random) -> None:
        offsets = {}
        for p in rng.sample(range(PARTITIONS), rng.randint(1, PARTITIONS)):
            self.next_offset += 1
            offsets[(TOPIC, p)] = self.next_offset
        reply = self.h.commit(
            offsets,
            member_id=c.member_id,
            generation=c.generation,
            instance_id=c.instance_id,
            version=rng.choice([2, 5, 7, 8]),
        )
        self._track_commit(reply, offsets)

    def _track_commit(self, reply: Reply[Any], offsets: dict[tuple[str, int], int]) -> None:
        self.pending_commits.append((reply, offsets))
        self._settle_commits()

    pending_commits: list[tuple[Reply[Any], dict[tuple[str, int], int]]] = field(
        default_factory=list
    )

    def _settle_commits(self) -> None:
        still = []
        for reply, offsets in self.pending_commits:
            resp = reply.get()
            if resp is None:
                still.append((reply, offsets))
                continue
            for t in resp.topics:
                for p in t.partitions:
                    if p.error_code == 0 and (t.name, p.partition_index) in offsets:
                        self.acked[(t.name, p.partition_index)] = offsets[
                            (t.name, p.partition_index)
                        ]
                        self.stats["commit-acked"] += 1
        self.pending_commits = still

    # -- invariants ---------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        raise InvariantError(f"seed {self.seed} step {self.step} (now={self.h.now}): {message}")

    def check_invariants(self) -> None:
        self._settle_commits()
        h = self.h
        core = h.core
        if h.answered_twice:
            self.fail(f"answered twice: {h.answered_twice}")
        group = core.group(GROUP)
        timers = set(core.timer_keys())
        if group is not None:
            members = group.members
            # At most one leader, and it is a member.
            if members and group.leader_id not in members:
                self.fail(f"leader {group.leader_id} not a member")
            if not members and group.leader_id is not None:
                self.fail("leader without members")
            # Generations never go back.
            if group.generation_id < self.last_generation:
                self.fail(f"generation {group.generation_id} < {self.last_generation}")
            self.last_generation = group.generation_id
            # Every Stable member holds this generation's assignment.
            if group.is_(GroupState.STABLE):
                for m in members.values():
                    gen = m.assignment.split(b"|")[0]
                    if gen != str(group.generation_id).encode():
                        self.fail(f"stable member {m.member_id} has assignment {m.assignment!r}")
            if group.is_(GroupState.EMPTY) and members:
                self.fail("empty group with members")
            # Static member map matches the members.
            for iid, mid in group.static_members.items():
                if mid not in members or members[mid].group_instance_id != iid:
                    self.fail(f"static map {iid}->{mid} is stale")
            if sum(m.is_static for m in members.values()) != len(group.static_members):
                self.fail("static member count mismatch")
            if not set(group.pending_sync_members) <= set(members):
                self.fail("pending sync of a non-member")
            counts: Counter[str] = Counter()
            for m in members.values():
                counts.update(set(m.protocol_names()))
            if +counts != +group._protocol_counts:
                self.fail(f"protocol counts {group._protocol_counts} != {counts}")
            # Timers: every live session runs; every phase has its deadline.
            for m in members.values():
                key = TimerKey(TimerKind.HEARTBEAT, GROUP, m.member_id)
                if not m.heartbeat_implied and key not in timers:
                    self.fail(f"member {m.member_id} has no session timer")
            for pid in group.pending_members:
                if TimerKey(TimerKind.PENDING_MEMBER, GROUP, pid) not in timers:
                    self.fail(f"pending member {pid} has no timer")
            join_armed = group.join_timer is not None and TimerKey(TimerKind.JOIN, GROUP) in timers
            if group.is_(GroupState.PREPARING_REBALANCE) and not join_armed:
                self.fail("PreparingRebalance without a join deadline")
            sync_armed = TimerKey(TimerKind.SYNC, GROUP) in timers
            syncing = group.state in (GroupState.COMPLETING_REBALANCE, GroupState.STABLE)
            if syncing and group.pending_sync_members and not sync_armed:
                self.fail("members owe a SyncGroup but no sync deadline runs")
            for m in members.values():
                if m.awaiting_sync is not None and not group.is_(GroupState.COMPLETING_REBALANCE):
                    self.fail(f"{m.member_id} has a parked sync in {group.state.value}")
        else:
            self.last_generation = 0
        # Committed offsets are never lost (deletion and retention aside: retention is 7 days).
        committed = h.committed()
        for tp, offset in self.acked.items():
            if committed.get(tp) != offset:
                self.fail(f"acknowledged commit {tp}={offset} lost: {committed.get(tp)}")
        # No parked request waits past its deadline.
        bound_ms = 2 * REBALANCE_MS + h.cfg.group_initial_rebalance_delay_ms + 1
        bound_steps = 3 * MAX_APPEND_HOLD_STEPS + 2
        open_parks = core.open_parks()
        for park in open_parks:
            seen = self.first_seen.setdefault(park, (h.now, self.step))
            if h.now - seen[0] > bound_ms and self.step - seen[1] > bound_steps:
                self.fail(f"parked {park} since {seen} is unanswered")
        for park in list(self.first_seen):
            if park not in open_parks:
                del self.first_seen[park]
        # Timers that are due have fired (the driver ticks after every call).
        nxt = core.next_deadline_ms()
        if nxt is not None and nxt <= h.now - 1 and not h.held:
            self.fail(f"timer due at {nxt} has not fired")

    def drain(self) -> None:
        """Stop the clients; everything parked must be answered once time runs on."""
        h = self.h
        for _ in range(4):
            h.release()
            h.advance(REBALANCE_MS * 2)
            self.check_invariants()
        h.release()
        if h.core.open_parks():
            self.fail(f"parked requests left after draining: {h.core.open_parks()}")
