"""Every response the core builds encodes (and decodes back) at the version it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from unit.group.group_harness import SESSION_MS, Harness, Reply

from broker.group import Outcome, ParkKey
from protocol.messages import Message


def round_trip(message: Message, version: int) -> None:
    data = message.encode(version)
    back = type(message).decode(data, version)
    assert back.encode(version) == data


class WireHarness(Harness):
    """Encodes every response at its request's version."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.versions: dict[ParkKey, int] = {}
        self.checked = 0

    def apply(self, out: Outcome[Any]) -> Outcome[Any]:
        super().apply(out)
        for c in out.completions:
            round_trip(c.response, self.versions[c.key])
            self.checked += 1
        return out

    def call(self, fn: Callable[..., Outcome[Any]], request: Message, **kw: Any) -> Reply[Any]:
        reply = super().call(fn, request, **kw)
        version = kw["version"]
        if reply.outcome.response is not None:
            round_trip(reply.outcome.response, version)
            self.checked += 1
        elif reply.outcome.parked is not None:
            self.versions[reply.outcome.parked] = version
        return reply


@pytest.mark.parametrize("step", range(8))
def test_responses_encode_at_every_version(step: int) -> None:
    join_v, sync_v, hb_v, leave_v = step, min(step, 5), min(step, 4), min(step, 4)
    commit_v, fetch_v = min(2 + step, 8), min(1 + step, 7)
    admin_v, delete_v = min(step, 5), min(step, 2)
    h = WireHarness()
    h.hold_appends = True

    def join(member_id: str = "", **kw: Any) -> Reply[Any]:
        instance = kw.pop("instance_id", None)
        return h.join(
            member_id, version=join_v, instance_id=instance if join_v >= 5 else None, **kw
        )

    first = join(client_id="a")
    a = first().member_id
    ja = join(a, client_id="a") if join_v >= 4 else first
    jb = join(client_id="b")
    if join_v >= 4:
        jb = join(jb().member_id, client_id="b")
    ja = join(a, client_id="a")  # the leader rejoins: everyone is in the next generation
    b = jb().member_id
    gen = jb().generation_id
    assert ja().generation_id == gen
    sb = h.sync(b, gen, version=sync_v)
    sa = h.sync(a, gen, {a: b"A", b: b"B"}, version=sync_v)
    h.release()
    assert sa().error_code == 0 and sb().error_code == 0
    h.heartbeat(a, gen, version=hb_v)
    h.heartbeat(a, gen + 7, version=hb_v)
    commit = h.commit({("t", 0): 1, ("u", 1): 2}, member_id=a, generation=gen, version=commit_v)
    h.commit({("t", 0): 1}, member_id="ghost", generation=gen, version=commit_v)
    h.release()
    assert commit().topics
    h.fetch([("t", 0), ("x", 3)], version=fetch_v)
    if fetch_v >= 2:
        h.fetch(None, version=fetch_v)
    h.fetch([("t", 0)], group_id="", version=fetch_v)
    h.describe("g", "nobody", "", version=admin_v, ops=True)
    h.list_groups(states=["Stable"], types=["classic"], version=admin_v)
    join(client_id="c", instance_id="s")  # rebalance: parked joins of c and others
    h.advance(SESSION_MS // 2)
    h.leave((a, None), version=leave_v)
    if leave_v >= 3:
        h.leave((b, None), ("ghost", "x"), version=leave_v)
    h.advance(60_000)
    h.release()
    h.delete_groups("g", "nobody", version=delete_v)
    h.delete_offsets([("t", 0)], group_id="g")
    h.release()
    h.release()
    assert h.core.open_parks() == []
    assert h.checked > 15
