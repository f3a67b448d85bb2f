"""A seeded simulation of the transaction coordinator core against a model of its log.

Several producers (and the zombies they leave behind) drive transactional ids through
InitProducerId, AddPartitions, AddOffsets and EndTxn, while appends fail at random, markers
take their time, the clock jumps (transaction timeouts), and partitions of
``__transaction_state`` are unloaded and reloaded from what was durably written (a write in
flight at an unload may or may not have landed). After every step:

* what the core holds as durable for each id is exactly the latest record of the log;
* an id's (producer id, epoch) never goes back, in the log or in an InitProducerId answer;
* markers go out only for a PREPARE_* that is the id's latest durable record;
* a request from a fenced producer (an older epoch was durable when it was sent) fails;
* every parked request is answered exactly once.

At the end, with failures stopped and time running, every PREPARE_* and ONGOING reaches
COMPLETE_*, and reloading every partition gives back the same durable state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from broker.txn.config import TxnConfig
from broker.txn.core import InitPidResult, TransactionCoordinatorCore
from broker.txn.outcome import Outcome, SendMarkers, TxnAppend
from broker.txn.records import TxnLogValue, decode_key, decode_records, decode_value
from broker.txn.state import TxnState
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(120)

E = ErrorCode
S = TxnState
PARTITIONS = 3
IDS = ("alpha", "beta", "gamma", "delta", "epsilon")
TOPICS = tuple(TopicPartition(t, p) for t in ("orders", "payments") for p in range(3))
TXN_TIMEOUT_MS = 5_000
FAILURES = (E.NOT_ENOUGH_REPLICAS, E.REQUEST_TIMED_OUT, E.NOT_LEADER_OR_FOLLOWER)
FENCED_ERRORS = {E.PRODUCER_FENCED, E.INVALID_PRODUCER_ID_MAPPING, E.CONCURRENT_TRANSACTIONS}


@dataclass(eq=False)
class Producer:
    """One producer instance of a transactional id (older ones of the same id are zombies)."""

    tid: str
    pid: int = -1
    epoch: int = -1
    ready: bool = False
    in_txn: bool = False
    busy: bool = False
    dead: bool = False
    ending: bool | None = None
    """While its EndTxn is parked: whether it asked to commit."""


@dataclass
class World:
    rng: random.Random
    core: TransactionCoordinatorCore
    now: int = 1_000_000
    coordinator_epoch: dict[int, int] = field(default_factory=dict)
    log: dict[int, list[tuple[bytes, bytes | None]]] = field(default_factory=dict)
    inflight: dict[int, list[TxnAppend]] = field(default_factory=dict)
    markers: list[SendMarkers] = field(default_factory=list)
    parked: dict[int, tuple[Producer, str, bool]] = field(default_factory=dict)
    producers: dict[str, list[Producer]] = field(default_factory=dict)
    answered_epoch: dict[str, tuple[int, int]] = field(default_factory=dict)
    log_epoch: dict[str, tuple[int, int]] = field(default_factory=dict)
    next_pid: int = 1000
    failures: bool = True
    stats: dict[str, int] = field(default_factory=dict)

    # -- the model of the log and the driver ------------------------------------------------

    latest_values: dict[int, dict[str, TxnLogValue]] = field(default_factory=dict)

    def latest(self, partition: int) -> dict[str, TxnLogValue]:
        """The latest value of every id of ``partition`` in the log (kept as records land)."""
        return self.latest_values.setdefault(partition, {})

    def count(self, what: str) -> None:
        self.stats[what] = self.stats.get(what, 0) + 1

    def land(self, a: TxnAppend) -> None:
        """``a`` is durable: it joins the log."""
        self.log.setdefault(a.partition, []).append((a.key, a.value))
        tid = decode_key(a.key)
        if a.value is None:
            self.count("tombstone")
            self.latest(a.partition).pop(tid, None)
        else:
            v = decode_value(a.value)
            self.latest(a.partition)[tid] = v
            holders = [
                p
                for p in self.producers.get(tid, ())
                if (p.pid, p.epoch) == (v.producer_id, v.producer_epoch)
            ]
            if v.state is S.PREPARE_ABORT and not any(p.ending is False for p in holders):
                # An abort nobody asked for (timeout, InitProducerId) fences the producer.
                assert not holders, f"{tid}: an abort that fences no one"
                self.count("fence")
            last = self.log_epoch.get(tid)
            if last is not None and last[0] == v.producer_id:
                assert v.producer_epoch >= last[1], f"{tid}: epoch went back in the log"
            self.log_epoch[tid] = (v.producer_id, v.producer_epoch)

    def apply(self, out: Outcome[Any]) -> None:
        for a in out.appends:
            self.inflight.setdefault(a.partition, []).append(a)
        for m in out.markers:
            p = self.core.partition_for(m.transactional_id)
            v = self.latest(p).get(m.transactional_id)
            assert v is not None and v.state.is_prepare, f"markers before PREPARE: {m}"
            assert (v.state is S.PREPARE_COMMIT) == m.commit
            assert (v.producer_id, v.producer_epoch) == (m.producer_id, m.producer_epoch)
            assert v.partitions == m.partitions and m.coordinator_epoch == self.coordinator_epoch[p]
            self.markers.append(m)
        for c in out.completions:
            assert c.key in self.parked, f"an answer to no parked request: {c}"
            producer, kind, fenced = self.parked.pop(c.key)
            self.answer(producer, kind, c.result, fenced)

    # -- producers --------------------------------------------------------------------------

    def is_fenced(self, p: Producer) -> bool:
        meta = self.core.transaction(p.tid)
        if meta is None or not meta.durable:
            return False
        return (meta.producer_id, meta.producer_epoch) != (p.pid, p.epoch)

    def answer(self, p: Producer, kind: str, result: Any, fenced: bool) -> None:
        p.busy = False
        p.ending = None
        self.count(f"{kind}:{result.error.name if kind == 'init' else _name(result)}")
        if kind == "init":
            assert isinstance(result, InitPidResult)
            if result.error is E.NONE:
                last = self.answered_epoch.get(p.tid)
                if last is not None and last[0] == result.producer_id:
                    assert result.producer_epoch >= last[1], f"{p.tid}: answered epoch went back"
                self.answered_epoch[p.tid] = (result.producer_id, result.producer_epoch)
                p.pid, p.epoch, p.ready, p.in_txn = (
                    result.producer_id,
                    result.producer_epoch,
                    True,
                    False,
                )
            return
        errors = set(result.values()) if isinstance(result, dict) else {result}
        if fenced:
            assert E.NONE not in errors, f"a fenced producer's {kind} succeeded"
        if errors == {E.NONE}:
            p.in_txn = kind != "end"
        elif errors & {E.PRODUCER_FENCED, E.INVALID_PRODUCER_ID_MAPPING}:
            p.dead = True
        elif errors & {E.INVALID_TXN_STATE}:
            p.ready = False  # start again with InitProducerId

    def request(self, p: Producer) -> None:
        rng, core = self.rng, self.core
        fenced = p.ready and self.is_fenced(p)
        out: Outcome[Any]
        if not p.ready:
            self.next_pid += 1
            kind = "init"
            expected = (p.pid, p.epoch) if p.pid >= 0 and rng.random() < 0.3 else (-1, -1)
            out = core.init_producer_id(
                p.tid, TXN_TIMEOUT_MS, *expected, fresh_producer_id=self.next_pid, now_ms=self.now
            )
        elif p.in_txn and rng.random() < 0.4:
            kind = "end"
            commit = rng.random() < 0.6
            out = core.end_txn(p.tid, p.pid, p.epoch, commit, now_ms=self.now)
            p.ending = commit
        elif rng.random() < 0.2:
            kind = "offsets"
            out = core.add_offsets(p.tid, p.pid, p.epoch, rng.randrange(50), now_ms=self.now)
        else:
            kind = "add"
            parts = rng.sample(TOPICS, rng.randint(1, 3))
            out = core.add_partitions(p.tid, p.pid, p.epoch, parts, now_ms=self.now)
        if out.result is not None:
            assert out.parked is None
            self.answer(p, kind, out.result, fenced)
        else:
            assert out.parked is not None and out.parked not in self.parked
            p.busy = True
            self.parked[out.parked] = (p, kind, fenced)
        self.apply(out)

    # -- steps ------------------------------------------------------------------------------

    def step(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            tid = rng.choice(IDS)
            instances = self.producers.setdefault(tid, [])
            if not instances or (rng.random() < 0.05 and self.failures):
                instances.append(Producer(tid))  # the old one becomes a zombie
            live = [p for p in instances if not p.busy and not p.dead]
            if live:
                self.request(rng.choice(live) if rng.random() < 0.2 else live[-1])
        elif roll < 0.65:
            self.complete_append()
        elif roll < 0.8:
            self.write_markers()
        elif roll < 0.99 or not self.failures:
            self.now += rng.choice((0, 10, 200, 500, 1_000, 3_000, 12_000))
            self.tick()
        else:
            self.reload(rng.randrange(PARTITIONS))

    def complete_append(self) -> None:
        waiting = [p for p, q in self.inflight.items() if q]
        if not waiting:
            return
        a = self.inflight[self.rng.choice(waiting)].pop(0)
        error = E.NONE
        if self.failures and self.rng.random() < 0.2:
            error = self.rng.choice(FAILURES)
        else:
            self.land(a)
        self.apply(self.core.append_completed(a.token, error, now_ms=self.now))

    def write_markers(self) -> None:
        if self.markers:
            m = self.markers.pop(self.rng.randrange(len(self.markers)))
            out = self.core.markers_written(
                m.transactional_id, m.producer_id, m.producer_epoch, now_ms=self.now
            )
            self.apply(out)

    def tick(self) -> None:
        deadline = self.core.next_deadline_ms()
        if deadline is not None and deadline <= self.now:
            self.apply(self.core.tick(self.now))

    def reload(self, partition: int) -> None:
        self.count("reload")
        for a in self.inflight.pop(partition, []):
            if self.rng.random() < 0.5:
                self.land(a)  # it landed, but the coordinator moved before it heard
        before = self.durable_state(partition)
        self.apply(self.core.unload(partition, now_ms=self.now))
        assert not any(
            self.core.partition_for(m.transactional_id) == partition and False for m in self.markers
        )
        self.apply(self.core.begin_loading(partition, now_ms=self.now))
        self.coordinator_epoch[partition] += 1
        self.apply(
            self.core.load(
                partition,
                self.coordinator_epoch[partition],
                list(self.log.get(partition, [])),
                now_ms=self.now,
            )
        )
        assert self.durable_state(partition) == self.expected_state(partition)
        assert self.latest(partition) == decode_records(self.log.get(partition, []))
        # What the core knew as durable is in the log (except what landed unheard).
        for tid, state in before.items():
            if tid in self.durable_state(partition):
                after = self.durable_state(partition)[tid]
                assert after[0] != state[0] or after[1] >= state[1]

    # -- invariants -------------------------------------------------------------------------

    def durable_state(self, partition: int) -> dict[str, tuple[Any, ...]]:
        out = {}
        for tid in self.core.transactional_ids():
            meta = self.core.transaction(tid)
            assert meta is not None
            if meta.durable and self.core.partition_for(tid) == partition:
                out[tid] = (
                    meta.producer_id,
                    meta.producer_epoch,
                    meta.txn_timeout_ms,
                    meta.state,
                    frozenset(meta.partitions),
                    meta.txn_start_timestamp_ms,
                    meta.txn_last_update_timestamp_ms,
                )
        return out

    def expected_state(self, partition: int) -> dict[str, tuple[Any, ...]]:
        return {
            tid: (
                v.producer_id,
                v.producer_epoch,
                v.transaction_timeout_ms,
                v.state,
                v.partitions,
                v.start_timestamp_ms,
                v.last_update_timestamp_ms,
            )
            for tid, v in self.latest(partition).items()
        }

    def check(self) -> None:
        for p in range(PARTITIONS):
            assert self.durable_state(p) == self.expected_state(p), f"partition {p}"


def _name(result: Any) -> str:
    if isinstance(result, dict):
        return "+".join(sorted({e.name for e in result.values()})) or "empty"
    return str(result.name)


def _run(seed: int, steps: int) -> World:
    config = TxnConfig(
        transaction_max_timeout_ms=60_000,
        transactional_id_expiration_ms=120_000,
        transaction_abort_timed_out_transaction_cleanup_interval_ms=1_000,
        transaction_remove_expired_transactional_id_cleanup_interval_ms=30_000,
    )
    w = World(random.Random(seed), TransactionCoordinatorCore(config, num_partitions=PARTITIONS))
    for p in range(PARTITIONS):
        w.coordinator_epoch[p] = 0
        w.apply(w.core.load(p, 0, [], now_ms=w.now))
    for _ in range(steps):
        w.step()
        w.check()
    # Drain: no more failures, producers, or reloads; time runs until everything completes.
    w.failures = False
    for _ in range(10_000):
        if any(w.inflight.values()):
            w.complete_append()
        elif w.markers:
            w.write_markers()
        else:
            w.now += 1_000
            w.tick()
        w.check()
        latest = {t: v for p in range(PARTITIONS) for t, v in w.latest(p).items()}
        quiet = not any(w.inflight.values()) and not w.markers
        if quiet and all(v.state.is_complete or v.state is S.EMPTY for v in latest.values()):
            break
    else:
        raise AssertionError(f"did not settle: {latest}")
    assert not w.parked, "parked requests never answered"
    # A final reload of everything gives back the same state.
    for p in range(PARTITIONS):
        w.reload(p)
    w.check()
    return w


@pytest.mark.parametrize("seed", range(12))
def test_simulation(seed: int) -> None:
    w = _run(seed, 3_000)
    # The run exercised what it claims to.
    for what in ("init:NONE", "end:NONE", "add:NONE", "reload", "tombstone", "fence"):
        assert w.stats.get(what, 0) > 0, (what, w.stats)
