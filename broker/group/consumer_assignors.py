"""The server-side assignors of KIP-848 consumer groups: ``uniform`` and ``range``.

An assignor maps each member to the partitions it should own (the group's *target
assignment*). It sees the members' subscribed topics, the topics' partition counts and the
previous target assignment, and is pure and deterministic (members and partitions are walked
in sorted order), so every coordinator computes the same target from the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

#: topic name → partitions, for one member.
Assignment: TypeAlias = dict[str, frozenset[int]]
#: An assignor: (subscriptions by member, partition counts by topic, previous target) → target.
Assignor: TypeAlias = Callable[
    [Mapping[str, frozenset[str]], Mapping[str, int], Mapping[str, Assignment]],
    dict[str, Assignment],
]


def _finish(owned: Mapping[str, list[tuple[str, int]]]) -> dict[str, Assignment]:
    out: dict[str, Assignment] = {}
    for member, tps in owned.items():
        by_topic: dict[str, set[int]] = {}
        for topic, p in tps:
            by_topic.setdefault(topic, set()).add(p)
        out[member] = {t: frozenset(ps) for t, ps in by_topic.items()}
    return out


def uniform(
    subscriptions: Mapping[str, frozenset[str]],
    partitions: Mapping[str, int],
    previous: Mapping[str, Assignment],
) -> dict[str, Assignment]:
    """Kafka's ``uniform`` assignor: balanced and sticky. Members with the same subscription
    end within one partition of each other; a partition stays with its previous owner while
    that owner is under its share, so a new member takes partitions only from the busiest."""
    members = sorted(subscriptions)
    owned: dict[str, list[tuple[str, int]]] = {m: [] for m in members}
    if not members:
        return {}
    subscribers: dict[str, list[str]] = {}
    for m in members:
        for t in sorted(subscriptions[m]):
            if partitions.get(t, 0) > 0:
                subscribers.setdefault(t, []).append(m)
    # Each member's share: its topics' partitions spread over their subscribers. With one
    # subscription for all this is ceil(P / M) for the first P mod M members, floor otherwise.
    exact: dict[str, float] = dict.fromkeys(members, 0.0)
    for t, subs in subscribers.items():
        for m in subs:
            exact[m] += partitions[t] / len(subs)
    total = sum(partitions[t] for t in subscribers)
    floors = {m: int(exact[m]) for m in members}
    # Members allowed one above their floor: as many as the remainder, sticky ones first.
    extra = total - sum(floors.values())
    prev_count = {m: sum(len(ps) for ps in previous.get(m, {}).values()) for m in members}
    ranked = sorted(members, key=lambda m: (-(prev_count[m] > floors[m]), m))
    cap = {m: floors[m] + (1 if i < extra else 0) for i, m in enumerate(ranked)}
    all_tps = [(t, p) for t in sorted(subscribers) for p in range(partitions[t])]
    free: list[tuple[str, int]] = []
    prev_owner: dict[tuple[str, int], str] = {}
    for m, assignment in previous.items():
        for t, ps in assignment.items():
            for p in ps:
                prev_owner[(t, p)] = m
    for tp in all_tps:
        keeper = prev_owner.get(tp)
        if (
            keeper is not None
            and keeper in owned
            and tp[0] in subscriptions[keeper]
            and len(owned[keeper]) < cap[keeper]
        ):
            owned[keeper].append(tp)
        else:
            free.append(tp)
    for tp in free:
        eligible = subscribers[tp[0]]
        under = [m for m in eligible if len(owned[m]) < cap[m]]
        pool = under or eligible
        best = min(pool, key=lambda m: (len(owned[m]), m))
        owned[best].append(tp)
    return _finish(owned)


def range_(
    subscriptions: Mapping[str, frozenset[str]],
    partitions: Mapping[str, int],
    previous: Mapping[str, Assignment],
) -> dict[str, Assignment]:
    """Kafka's ``range`` assignor: per topic, its subscribers (sorted by member id) take
    contiguous ranges of partitions, the first ``P mod M`` one more than the others (so
    co-partitioned topics land together)."""
    del previous  # not sticky: ranges follow the member order
    members = sorted(subscriptions)
    owned: dict[str, list[tuple[str, int]]] = {m: [] for m in members}
    topics = sorted({t for m in members for t in subscriptions[m]})
    for t in topics:
        count = partitions.get(t, 0)
        subs = [m for m in members if t in subscriptions[m]]
        if count <= 0 or not subs:
            continue
        base, extra = divmod(count, len(subs))
        start = 0
        for i, m in enumerate(subs):
            n = base + (1 if i < extra else 0)
            owned[m].extend((t, p) for p in range(start, start + n))
            start += n
    return _finish(owned)


#: The assignors by the names ``group.consumer.assignors`` and ``server_assignor`` use.
ASSIGNORS: Final[Mapping[str, Assignor]] = {"uniform": uniform, "range": range_}
