"""A transaction coordinator core with every partition loaded, and the calls that drive it."""

from __future__ import annotations

from typing import Any

from broker.txn.config import TxnConfig
from broker.txn.core import InitPidResult, TransactionCoordinatorCore
from broker.txn.outcome import Outcome, SendMarkers, TxnAppend
from broker.txn.state import TxnState
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

TIMEOUT_MS = 60_000
TP0 = TopicPartition("orders", 0)
TP1 = TopicPartition("orders", 1)


class Harness:
    """The core, a clock, and the log of records it wrote (per partition)."""

    def __init__(self, config: TxnConfig | None = None, *, partitions: int = 4) -> None:
        self.core = TransactionCoordinatorCore(config or TxnConfig(), num_partitions=partitions)
        self.now = 1_000
        self.next_pid = 100
        self.log: dict[int, list[tuple[bytes, bytes | None]]] = {}
        self.markers: list[SendMarkers] = []
        for p in range(partitions):
            self.core.load(p, 0, [], now_ms=self.now)

    def fresh_pid(self) -> int:
        self.next_pid += 1
        return self.next_pid

    def settle(self, out: Outcome[Any], error: ErrorCode = ErrorCode.NONE) -> list[Any]:
        """Complete every append of ``out`` (and of what follows) with ``error`` (then NONE),
        write markers at once; return every completion's result in order."""
        results: list[Any] = []
        appends: list[TxnAppend] = list(out.appends)
        self.markers.extend(out.markers)
        pending_markers = list(out.markers)
        results.extend(c.result for c in out.completions)
        first = True
        while appends or pending_markers:
            if appends:
                a = appends.pop(0)
                err = error if first else ErrorCode.NONE
                first = False
                if err is ErrorCode.NONE:
                    self.log.setdefault(a.partition, []).append((a.key, a.value))
                nxt = self.core.append_completed(a.token, err, now_ms=self.now)
            else:
                m = pending_markers.pop(0)
                nxt = self.core.markers_written(
                    m.transactional_id, m.producer_id, m.producer_epoch, now_ms=self.now
                )
            appends.extend(nxt.appends)
            self.markers.extend(nxt.markers)
            pending_markers.extend(nxt.markers)
            results.extend(c.result for c in nxt.completions)
        return results

    def call(self, out: Outcome[Any]) -> Any:
        """The answer of a request: now, or once its writes are settled."""
        if out.result is not None:
            assert not out.appends
            return out.result
        results = self.settle(out)
        assert results, "a parked request got no answer"
        return results[0]

    def init(self, tid: str = "t", pid: int = -1, epoch: int = -1) -> InitPidResult:
        r = self.call(
            self.core.init_producer_id(
                tid, TIMEOUT_MS, pid, epoch, fresh_producer_id=self.fresh_pid(), now_ms=self.now
            )
        )
        assert isinstance(r, InitPidResult)
        return r

    def begin(self, tid: str = "t", *parts: TopicPartition) -> InitPidResult:
        """A producer with an ongoing transaction on ``parts`` (default TP0)."""
        r = self.init(tid)
        assert r.error is ErrorCode.NONE
        added = self.call(
            self.core.add_partitions(
                tid, r.producer_id, r.producer_epoch, parts or (TP0,), now_ms=self.now
            )
        )
        assert set(added.values()) == {ErrorCode.NONE}
        return r

    def state(self, tid: str = "t") -> TxnState:
        meta = self.core.transaction(tid)
        assert meta is not None
        return meta.state
