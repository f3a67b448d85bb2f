"""Truncation by leader epoch (KIP-101/279): after the OffsetForLeaderEpoch rounds a follower's
log is a prefix of its leader's, whatever history of elections and partial replication led
there (a seeded model of replicas, leaders and epochs)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.replication.fetcher import MAX_TRUNCATION_ROUNDS, divergence
from broker.storage.epoch_cache import LeaderEpochCache


class Replica:
    """A log of records, each identified by (epoch, offset), with its epoch cache."""

    def __init__(self) -> None:
        self.log: list[int] = []  # the epoch of each offset
        self.cache = LeaderEpochCache(None)

    def truncate(self, offset: int) -> None:
        del self.log[offset:]
        self.cache.truncate_from_end(offset)

    def append(self, epoch: int) -> None:
        latest = self.cache.latest_epoch
        if latest is None or epoch > latest:
            self.cache.assign(epoch, len(self.log))
        self.log.append(epoch)


def truncate_by_epoch(follower: Replica, leader: Replica) -> int:
    """The fetcher's protocol; returns the rounds it took."""
    for rounds in range(1, MAX_TRUNCATION_ROUNDS + 1):
        latest = follower.cache.latest_epoch
        if latest is None:
            follower.truncate(0)
            return rounds
        leader_epoch, leader_end = leader.cache.end_offset_for(latest, len(leader.log))
        if leader_end < 0:
            follower.truncate(0)
            return rounds
        offset, done = divergence(
            latest,
            leader_epoch,
            leader_end,
            len(follower.log),
            lambda e: follower.cache.end_offset_for(e, len(follower.log)),
        )
        follower.truncate(offset)
        if done:
            return rounds
    raise AssertionError("no agreement")


def run_history(seed: int, replicas: int = 3, steps: int = 60) -> None:
    rng = random.Random(seed)
    nodes = [Replica() for _ in range(replicas)]
    epoch = 0
    leader = nodes[0]
    leader.cache.assign(0, 0)
    following = {id(n): n is leader for n in nodes}
    for _ in range(steps):
        action = rng.random()
        if action < 0.2:
            # A new leader (clean or not: any replica), at a new epoch.
            epoch += 1
            leader = rng.choice(nodes)
            leader.cache.assign(epoch, len(leader.log))
            following = {id(n): n is leader for n in nodes}
        elif action < 0.6:
            for _ in range(rng.randint(1, 4)):
                leader.append(epoch)
        else:
            follower = rng.choice([n for n in nodes if n is not leader] or [leader])
            if follower is leader:
                continue
            if not following[id(follower)]:
                truncate_by_epoch(follower, leader)
                following[id(follower)] = True
                assert follower.log == leader.log[: len(follower.log)], seed
            # Copy some of what the leader has past the follower's end.
            start = len(follower.log)
            for offset in range(start, min(len(leader.log), start + rng.randint(0, 5))):
                follower.append(leader.log[offset])
            assert follower.log == leader.log[: len(follower.log)], seed


@pytest.mark.parametrize("seed", range(200))
def test_followers_end_as_prefixes_of_the_leader(seed: int) -> None:
    run_history(seed)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32))
def test_followers_end_as_prefixes_of_the_leader_any_seed(seed: int) -> None:
    run_history(seed, replicas=rng_size(seed))


def rng_size(seed: int) -> int:
    return 2 + seed % 3


@pytest.mark.parametrize(
    ("requested", "leader_epoch", "leader_end", "log_end", "local", "expected"),
    [
        # Same epoch: keep up to the leader's end of it.
        (3, 3, 100, 120, {}, (100, True)),
        (3, 3, 150, 120, {}, (120, True)),
        # The leader has an older epoch the follower also has: cut where either ends it.
        (5, 3, 90, 120, {3: (3, 100)}, (90, True)),
        # The follower lacks the leader's epoch: cut at the end of its floor, ask again.
        (5, 4, 110, 120, {4: (2, 80)}, (80, False)),
        # Nothing in common.
        (5, 1, 10, 120, {1: (-1, -1)}, (0, True)),
    ],
)
def test_divergence_table(
    requested: int,
    leader_epoch: int,
    leader_end: int,
    log_end: int,
    local: dict[int, tuple[int, int]],
    expected: tuple[int, bool],
) -> None:
    got = divergence(requested, leader_epoch, leader_end, log_end, lambda e: local[e])
    assert got == expected
