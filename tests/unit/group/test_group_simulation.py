"""Seeded simulation of clients against the coordinator core, with invariants after every step.

``SAMSA_GROUP_SIM_SEEDS=N`` runs N seeds (default 200); ``SAMSA_GROUP_SIM_SEED=S`` runs only
seed S (the line a failure prints).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from unit.group.group_sim import InvariantError, Sim

DEFAULT_SEEDS = 200
SEEDS = int(os.environ.get("SAMSA_GROUP_SIM_SEEDS", DEFAULT_SEEDS))
ONLY = os.environ.get("SAMSA_GROUP_SIM_SEED")
SEED_LIST = [int(ONLY)] if ONLY else list(range(SEEDS))


@pytest.mark.parametrize("seed", SEED_LIST)
def test_simulation(seed: int) -> None:
    try:
        Sim(seed).run()
    except InvariantError as e:
        pytest.fail(
            f"{e}\nreproduce: SAMSA_GROUP_SIM_SEED={seed} "
            "pytest tests/unit/group/test_group_simulation.py",
            pytrace=False,
        )


def test_simulation_exercises_the_interesting_paths() -> None:
    """The seeds must reach every behaviour the invariants are meant to guard."""
    totals: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for seed in range(40):
        sim = Sim(seed)
        original = sim.check_invariants

        def check(sim: Sim = sim, original=original) -> None:  # type: ignore[no-untyped-def]
            original()
            group = sim.h.core.group("g")
            states[group.state.value if group is not None else "none"] += 1

        sim.check_invariants = check  # type: ignore[method-assign]
        totals += sim.run().stats
    for key in (
        "synced",
        "commit-acked",
        "leave",
        "stall",
        "restart",
        "append-failed",
        "delete-groups",
        "heartbeat-REBALANCE_IN_PROGRESS",
        "heartbeat-UNKNOWN_MEMBER_ID",
        "fenced",
        "static-replaced",
    ):
        assert totals[key] > 0, (key, totals)
    for state in ("Empty", "PreparingRebalance", "CompletingRebalance", "Stable"):
        assert states[state] > 0, states
