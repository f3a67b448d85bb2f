"""A seeded simulation of KIP-848 consumer groups on the pure core: members join, heartbeat,
leave and crash, topics grow, and the coordinator fails over (a new core reloads the group's
records, as a new coordinator replays ``__consumer_offsets``). After every step:

* no partition is owned by two live members at once (each member owns what its last
  response gave it, and drops everything when fenced), and the core's ownership table agrees
  with its members;

and once the group is left quiet (live members keep heartbeating, the crashed ones' sessions
end), every subscribed partition is owned by exactly one live member and the group is Stable.

A failing seed reproduces alone: ``pytest tests/sim -k 'seed-17'``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from unit.group.consumer_group_harness import (
    GROUP,
    REBALANCE_TIMEOUT_MS,
    assigned,
    beat,
    join,
    make_core,
    set_topics,
)

from broker.group.consumer_coordinator import ConsumerGroupCore
from broker.group.consumer_state import GROUP_STABLE
from protocol.errors import ErrorCode

pytestmark = pytest.mark.timeout(60)

SEEDS = range(30)
STEPS = 300
SESSION_TIMEOUT_MS = 3_000
#: Live members heartbeat at least this often (well inside their session).
MAX_SILENCE_MS = 1_000
#: Heartbeat rounds given to a quiet group to converge: each round moves every member one step
#: (revoke, then take what is released), so a few rounds suffice.
QUIET_ROUNDS = 12
TOPIC_CHOICES = (["t"], ["t", "u"], ["u"])


@dataclass
class Client:
    """What a member believes: its id, epoch and the partitions it holds."""

    member_id: str
    topics: list[str]
    epoch: int = 0
    owned: set[tuple[str, int]] = field(default_factory=set)
    last_beat_ms: int = 0
    joined: bool = False


@dataclass
class World:
    rng: random.Random
    core: ConsumerGroupCore
    topics: dict[str, int]
    now_ms: int = 0
    clients: dict[str, Client] = field(default_factory=dict)
    #: The group's records as written, in order (what __consumer_offsets holds).
    log: list[tuple[bytes, bytes | None]] = field(default_factory=list)
    next_id: int = 0

    def persist(self) -> None:
        self.log.extend((k, v) for _, k, v in self.core.drain_records())

    def heartbeat(self, c: Client) -> None:
        if not c.joined:
            r = join(self.core, c.member_id, c.topics, self.now_ms)
            c.joined = r.error_code == ErrorCode.NONE
        else:
            r = beat(self.core, c.member_id, c.epoch, c.owned, self.now_ms)
        self.persist()  # durable before the member sees the answer
        c.last_beat_ms = self.now_ms
        if r.error_code in (ErrorCode.FENCED_MEMBER_EPOCH, ErrorCode.UNKNOWN_MEMBER_ID):
            c.owned, c.epoch, c.joined = set(), 0, False  # give up everything, rejoin
            return
        assert r.error_code == ErrorCode.NONE, (r.error_code, r.error_message)
        c.epoch = r.member_epoch
        if r.assignment is not None:
            c.owned = assigned(self.core, r)

    def failover(self) -> None:
        """A new coordinator replays the records."""
        core = make_core(self.topics, self.core.config)
        core.load_records(list(self.log), self.now_ms)
        self.core = core

    def tick(self) -> None:
        self.core.tick(self.now_ms)
        self.persist()


def check_no_double_ownership(world: World) -> None:
    seen: dict[tuple[str, int], str] = {}
    for c in world.clients.values():
        for tp in c.owned:
            assert tp not in seen, f"{tp} owned by {seen[tp]} and {c.member_id}"
            seen[tp] = c.member_id
    group = world.core.groups.get(GROUP)
    if group is not None:
        table: dict[tuple[str, int], str] = {}
        for m in group.members.values():
            for tp in m.owned():
                assert tp not in table, f"the core gives {tp} to two members"
                table[tp] = m.member_id
        assert table == group.owners


def step(world: World) -> None:
    rng = world.rng
    world.now_ms += rng.randrange(0, 400)
    # Live members never go silent for long: those due heartbeat first.
    for c in list(world.clients.values()):
        if world.now_ms - c.last_beat_ms >= MAX_SILENCE_MS:
            world.heartbeat(c)
            check_no_double_ownership(world)
    action = rng.random()
    live = list(world.clients.values())
    if action < 0.15 or not live:
        world.next_id += 1
        c = Client(f"m{world.next_id}", rng.choice(TOPIC_CHOICES), last_beat_ms=world.now_ms)
        world.clients[c.member_id] = c
        world.heartbeat(c)
    elif action < 0.22:
        c = rng.choice(live)
        if c.joined:
            beat(world.core, c.member_id, -1, None, world.now_ms)
            world.persist()
        del world.clients[c.member_id]  # left: it owns nothing any more
    elif action < 0.28:
        del world.clients[rng.choice(live).member_id]  # crashed: silent until its session ends
    elif action < 0.31:
        world.failover()
    elif action < 0.33:
        topic = rng.choice(sorted(world.topics))
        world.topics[topic] += 1
        set_topics(world.core, world.topics, world.now_ms)
        world.persist()
    else:
        world.heartbeat(rng.choice(live))
    world.tick()
    check_no_double_ownership(world)


def quiesce(world: World) -> None:
    """No more changes: live members heartbeat until the crashed ones' sessions end and the
    group settles."""
    end = world.now_ms + SESSION_TIMEOUT_MS + REBALANCE_TIMEOUT_MS
    while world.now_ms < end:
        world.now_ms += MAX_SILENCE_MS // 2
        for c in list(world.clients.values()):
            world.heartbeat(c)
        world.tick()
        check_no_double_ownership(world)
    for _ in range(QUIET_ROUNDS):
        world.now_ms += 10
        for c in list(world.clients.values()):
            world.heartbeat(c)
        check_no_double_ownership(world)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed-{s}")
def test_random_membership_keeps_ownership_exclusive_and_converges(seed: int) -> None:
    rng = random.Random(seed)
    topics = {"t": 6, "u": 3}
    world = World(rng, make_core(topics), dict(topics))
    for _ in range(STEPS):
        step(world)
    quiesce(world)
    group = world.core.groups[GROUP]
    assert set(group.members) == set(world.clients)
    subscribed = {t for c in world.clients.values() for t in c.topics}
    wanted = {(t, p) for t in subscribed for p in range(world.topics[t])}
    owned = [tp for c in world.clients.values() for tp in c.owned]
    assert sorted(owned) == sorted(wanted), "not every partition owned exactly once"
    assert group.state == GROUP_STABLE
    assert all(c.epoch == group.group_epoch for c in world.clients.values())
