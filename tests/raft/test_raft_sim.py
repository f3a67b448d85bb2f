"""Seeded simulation of a Raft quorum (``raft_sim``), with invariants after every step.

``SAMSA_RAFT_SEEDS=N`` runs N seeds (default 200); ``SAMSA_RAFT_SEED=S`` runs only seed S,
which is the line a failure prints:

    SAMSA_RAFT_SEED=1234 pytest tests/raft/test_raft_sim.py -k one_seed
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from raft.raft_sim import HOSTILE, InvariantError, Sim, SimOptions

from broker.raft.core import RaftSafety

DEFAULT_SEEDS = 200
SEEDS = int(os.environ.get("SAMSA_RAFT_SEEDS", DEFAULT_SEEDS))
ONLY = os.environ.get("SAMSA_RAFT_SEED")
# Seeds run in one pytest test each; above this they run in chunks, so a 100,000-seed run does
# not collect 100,000 test items.
SEEDS_PER_TEST_LIMIT = 1000
CHUNK = 500
CHUNK_TIMEOUT_S = 3600  # 500 seeds take about a minute; a busy machine is slower


def _run(seed: int) -> None:
    try:
        Sim(seed).run()
    except InvariantError as e:
        pytest.fail(
            f"seed {seed}: {e}\nreproduce: SAMSA_RAFT_SEED={seed} "
            "pytest tests/raft/test_raft_sim.py -k one_seed",
            pytrace=False,
        )


if SEEDS <= SEEDS_PER_TEST_LIMIT:

    @pytest.mark.parametrize("seed", range(SEEDS))
    def test_seed(seed: int) -> None:
        _run(seed)

else:

    @pytest.mark.timeout(CHUNK_TIMEOUT_S)
    @pytest.mark.parametrize("start", range(0, SEEDS, CHUNK))
    def test_seed_chunk(start: int) -> None:
        for seed in range(start, min(start + CHUNK, SEEDS)):
            _run(seed)


@pytest.mark.skipif(ONLY is None, reason="set SAMSA_RAFT_SEED to replay one seed")
def test_one_seed() -> None:
    assert ONLY is not None
    _run(int(ONLY))


def test_same_seed_same_run() -> None:
    a, b = Sim(7).run(), Sim(7).run()
    assert (a.now_ms, a.steps, a.committed, a.stats) == (b.now_ms, b.steps, b.committed, b.stats)


def test_simulation_exercises_the_interesting_paths() -> None:
    """The faults must actually happen, and the quorum must still make progress."""
    totals: Counter[str] = Counter()
    elected_terms = 0
    for seed in range(30):
        sim = Sim(seed).run()
        totals.update(sim.stats)
        totals["committed"] += sim.max_committed
        elected_terms += len(sim.leader_of_term)
    for what in ("crash", "restart", "partition", "compact", "snapshot-installed"):
        assert totals[what] > 0, what
    assert totals["committed"] > 1000
    assert elected_terms > 30 * 3  # several leader changes per seed


def _first_violation(options: SimOptions, max_seeds: int) -> tuple[int, str] | None:
    for seed in range(max_seeds):
        try:
            Sim(seed, options).run()
        except InvariantError as e:
            return seed, str(e)
    return None


def test_without_the_vote_up_to_date_check_a_committed_entry_is_lost() -> None:
    opts = SimOptions(safety=RaftSafety(check_log_up_to_date=False))
    found = _first_violation(opts, max_seeds=50)
    assert found is not None, "no violation in 50 seeds"


# Figure 8 of the Raft paper needs a leader to count replicas of an old-term entry between
# sending it and its own no-op: one entry per append, three voters, elections without pre-vote
# or check-quorum leases, frequent crashes. Here about one seed in seventy hits it.
FIGURE_8 = SimOptions(
    nodes=3,
    max_entries_per_append=1,
    pre_vote=False,
    check_quorum=False,
    fault_weights=(12, 6, 6, 1, 1, 3, 0),
)


def test_without_the_current_term_commit_rule_a_committed_entry_is_lost() -> None:
    opts = SimOptions(**{**FIGURE_8.__dict__, "safety": RaftSafety(commit_only_current_term=False)})
    found = _first_violation(opts, max_seeds=400)
    assert found is not None, "no violation in 400 seeds"


def test_answering_before_fsync_loses_votes_and_entries() -> None:
    opts = SimOptions(send_before_persist=True, **HOSTILE)  # type: ignore[arg-type]
    found = _first_violation(opts, max_seeds=200)
    assert found is not None, "no violation in 200 seeds"


def test_the_hostile_settings_pass_with_every_rule_on() -> None:
    """Control for the tests above: their settings alone break nothing."""
    for seed in range(15):
        Sim(seed, SimOptions(**HOSTILE)).run()  # type: ignore[arg-type]
        Sim(seed, FIGURE_8).run()
