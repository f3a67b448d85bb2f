"""The armed faults and the decisions they make: ``FaultPlan``. Pure: time is an argument.

The connection asks ``on_request`` for each request (after a cheap ``request_faults_armed``
check, so that a broker with no fault armed pays one attribute read per request), the accept
loop asks ``on_connection``, and the broker's fault control arms specs, ends expired ones and
records the one-shot actions it carries out. Every firing goes to a bounded history and to the
per-kind counters that ``/metrics`` exports, and to the ``observer`` (the broker logs it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from broker.faults.spec import FaultKind, FaultSpec, FaultSpecError, When
from protocol.messages import api_name

__all__ = [
    "MAX_ACTIVE_FAULTS",
    "MAX_HISTORY",
    "Fault",
    "FaultPlan",
    "Firing",
    "RequestFaults",
]

#: Most faults armed at once: each request walks the armed request faults, so their number is
#: bounded; 256 is far more than a test arms, and small enough to walk per request.
MAX_ACTIVE_FAULTS: Final = 256
#: Firings kept for ``history()`` (and the admin channel's listing): enough to explain a test
#: failure, bounded so that a long chaos run does not grow memory.
MAX_HISTORY: Final = 1000
#: Ended faults kept for listing, besides the armed ones.
MAX_ENDED: Final = 100

TopicPartition = tuple[str, int]


@dataclass(slots=True)
class Fault:
    """One armed (or ended) fault."""

    fault_id: int
    spec: FaultSpec
    armed_at_ms: int
    #: Who armed it: ``api`` (Python, CLI or HTTP) or ``chaos`` (with its seed and index).
    source: str = "api"
    #: Matching requests seen (the first ``spec.skip`` of them pass).
    seen: int = 0
    #: Times it fired.
    fired: int = 0
    ended_at_ms: int | None = None
    #: Why it ended: ``count`` (fired its count), ``expired`` (its duration passed), ``cleared``,
    #: ``done`` (an action carried out) or ``failed: <reason>``.
    end_reason: str | None = None

    @property
    def expires_at_ms(self) -> int | None:
        """When its duration ends (None: it has none)."""
        duration = self.spec.duration_ms
        return None if duration is None else self.armed_at_ms + duration

    @property
    def active(self) -> bool:
        """Whether it is still armed."""
        return self.ended_at_ms is None

    def describe(self) -> str:
        """One line: its id and its spec."""
        return f"fault {self.fault_id}: {self.spec.describe()}"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: the spec and the state."""
        return {
            "id": self.fault_id,
            "spec": self.spec.to_json(),
            "description": self.spec.describe(),
            "source": self.source,
            "armed_at_ms": self.armed_at_ms,
            "seen": self.seen,
            "fired": self.fired,
            "active": self.active,
            "ended_at_ms": self.ended_at_ms,
            "end_reason": self.end_reason,
        }


@dataclass(frozen=True, slots=True)
class Firing:
    """One time a fault fired: what, where and when."""

    seq: int
    fault_id: int
    kind: FaultKind
    #: The API of the request it fired on (None for connections and actions).
    api: int | None
    at_ms: int
    #: A short account: the client and request it hit, or the action's outcome.
    detail: str

    def describe(self) -> str:
        """One line for the log."""
        on = f" on {api_name(self.api)}" if self.api is not None else ""
        return f"fault {self.fault_id} fired ({self.kind}{on}): {self.detail}"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "seq": self.seq,
            "fault_id": self.fault_id,
            "kind": self.kind.value,
            "api": None if self.api is None else api_name(self.api),
            "at_ms": self.at_ms,
            "detail": self.detail,
        }


@dataclass(slots=True)
class RequestFaults:
    """What the armed faults do to one request.

    ``error``: answer with ``error.spec.error`` (before or after the handler, by
    ``error.spec.when``); ``error_partitions``: only these entries of a Produce or Fetch get it
    (None: the whole request). ``delay_ms``: hold the response back this long (the sum of the
    delays that fired). ``drop``: close the connection instead of answering (after half of the
    response when ``drop.spec.mid_response``).
    """

    error: Fault | None = None
    error_partitions: frozenset[TopicPartition] | None = None
    delay_ms: int = 0
    drop: Fault | None = None
    firings: list[Firing] = field(default_factory=list)


class FaultPlan:
    """The broker's armed faults, their history and counters."""

    def __init__(self) -> None:
        self._next_id = 1
        self._seq = 0
        self._armed: dict[int, Fault] = {}
        self._ended: deque[Fault] = deque(maxlen=MAX_ENDED)
        self._history: deque[Firing] = deque(maxlen=MAX_HISTORY)
        #: (kind, API name or "") → firings, for ``/metrics``.
        self.injected_total: dict[tuple[str, str], int] = {}
        #: Armed ERROR, DELAY and DROP faults, in arming order (what ``on_request`` walks).
        self._request_faults: list[Fault] = []
        self._refusals: list[Fault] = []
        #: True while a request fault is armed: the connection's one check per request.
        self.request_faults_armed = False
        #: Called with each firing, each arming and each end (the broker logs them).
        self.observer: Callable[[str, Fault | Firing], None] | None = None

    # -- arming and ending ---------------------------------------------------------------------

    def arm(self, spec: FaultSpec, now_ms: int, source: str = "api") -> Fault:
        """Arm ``spec``; ``FaultSpecError`` when ``MAX_ACTIVE_FAULTS`` are armed."""
        if len(self._armed) >= MAX_ACTIVE_FAULTS:
            raise FaultSpecError(f"{MAX_ACTIVE_FAULTS} faults are armed already; clear some")
        fault = Fault(self._next_id, spec, now_ms, source)
        self._next_id += 1
        self._armed[fault.fault_id] = fault
        if spec.kind is FaultKind.REFUSE:
            self._refusals.append(fault)
        elif spec.is_request_fault:
            self._request_faults.append(fault)
            self.request_faults_armed = True
        self._notify("armed", fault)
        return fault

    def end(self, fault: Fault, now_ms: int, reason: str) -> None:
        """End an armed fault (a no-op for an ended one)."""
        if fault.ended_at_ms is not None:
            return
        fault.ended_at_ms = now_ms
        fault.end_reason = reason
        self._armed.pop(fault.fault_id, None)
        self._ended.append(fault)
        if fault in self._request_faults:
            self._request_faults.remove(fault)
            self.request_faults_armed = bool(self._request_faults)
        if fault in self._refusals:
            self._refusals.remove(fault)
        self._notify("ended", fault)

    def clear(self, now_ms: int, fault_id: int | None = None) -> list[Fault]:
        """End one armed fault (by id) or all of them; the faults ended."""
        if fault_id is None:
            faults = list(self._armed.values())
        else:
            one = self._armed.get(fault_id)
            faults = [] if one is None else [one]
        for fault in faults:
            self.end(fault, now_ms, "cleared")
        return faults

    def expire(self, now_ms: int) -> list[Fault]:
        """End the faults whose duration has passed; the faults ended."""
        ended = [
            f
            for f in self._armed.values()
            if (expires := f.expires_at_ms) is not None and now_ms >= expires
        ]
        for fault in ended:
            self.end(fault, now_ms, "expired")
        return ended

    def get(self, fault_id: int) -> Fault | None:
        """An armed or recently ended fault by id."""
        fault = self._armed.get(fault_id)
        if fault is not None:
            return fault
        return next((f for f in self._ended if f.fault_id == fault_id), None)

    def armed(self) -> list[Fault]:
        """The armed faults, oldest first."""
        return list(self._armed.values())

    def ended(self) -> list[Fault]:
        """The most recently ended faults (at most ``MAX_ENDED``), oldest first."""
        return list(self._ended)

    def history(self, limit: int = MAX_HISTORY) -> list[Firing]:
        """The last ``limit`` firings, oldest first."""
        if limit <= 0:
            return []
        items = list(self._history)
        return items[-limit:] if limit < len(items) else items

    # -- decisions -------------------------------------------------------------------------------

    def on_request(
        self,
        api_key: int,
        client_id: str | None,
        now_ms: int,
        partitions: Callable[[], Iterable[TopicPartition]] | None = None,
        detail: str = "",
    ) -> RequestFaults | None:
        """What the armed faults do to one request (None: nothing). ``partitions`` lists the
        topic partitions the request names, for faults scoped to a topic (None: the API names
        none, and such faults do not match it); it is called only when one is armed."""
        result: RequestFaults | None = None
        named: frozenset[TopicPartition] | None = None
        for fault in list(self._request_faults):
            spec = fault.spec
            expires = fault.expires_at_ms
            if expires is not None and now_ms >= expires:
                self.end(fault, now_ms, "expired")
                continue
            if spec.api is not None and spec.api != api_key:
                continue
            if spec.client_id is not None and spec.client_id != client_id:
                continue
            hit: frozenset[TopicPartition] | None = None
            if spec.topic is not None:
                if partitions is None:
                    continue
                if named is None:
                    named = frozenset(partitions())
                hit = frozenset(
                    tp
                    for tp in named
                    if tp[0] == spec.topic and (spec.partition is None or tp[1] == spec.partition)
                )
                if not hit:
                    continue
            if spec.kind is FaultKind.ERROR and result is not None and result.error is not None:
                continue  # one error per request: the oldest armed wins
            if spec.kind is FaultKind.DROP and result is not None and result.drop is not None:
                continue
            fault.seen += 1
            if fault.seen <= spec.skip:
                continue
            if result is None:
                result = RequestFaults()
            if spec.kind is FaultKind.ERROR:
                result.error = fault
                result.error_partitions = hit
            elif spec.kind is FaultKind.DELAY:
                result.delay_ms += spec.delay_ms
            else:
                result.drop = fault
            result.firings.append(self._fire(fault, api_key, now_ms, detail))
        return result

    def on_connection(self, now_ms: int, peer: str = "") -> Fault | None:
        """The REFUSE fault that refuses a new connection now (None: admit it)."""
        for fault in list(self._refusals):
            expires = fault.expires_at_ms
            if expires is not None and now_ms >= expires:
                self.end(fault, now_ms, "expired")
                continue
            self._fire(fault, None, now_ms, f"refused a connection from {peer}" if peer else "")
            return fault
        return None

    def record_action(self, fault: Fault, now_ms: int, detail: str, ok: bool = True) -> Firing:
        """A one-shot action (rebalance, expire, move-leader, bump-epoch, pause) carried out:
        record it, and count it unless it failed (nothing was injected then); an action fault
        ends with it (``done`` or ``failed``)."""
        firing = self._fire(fault, None, now_ms, detail, ends=False, counted=ok)
        if fault.spec.kind is not FaultKind.PAUSE:
            self.end(fault, now_ms, "done" if ok else f"failed: {detail}")
        return firing

    def _fire(
        self,
        fault: Fault,
        api_key: int | None,
        now_ms: int,
        detail: str,
        ends: bool = True,
        counted: bool = True,
    ) -> Firing:
        fault.fired += 1
        self._seq += 1
        firing = Firing(self._seq, fault.fault_id, fault.spec.kind, api_key, now_ms, detail)
        self._history.append(firing)
        if counted:
            key = (fault.spec.kind.value, "" if api_key is None else api_name(api_key))
            self.injected_total[key] = self.injected_total.get(key, 0) + 1
        self._notify("fired", firing)
        count = fault.spec.count
        if ends and count is not None and fault.fired >= count and fault.spec.is_request_fault:
            self.end(fault, now_ms, "count")
        return firing

    def _notify(self, event: str, what: Fault | Firing) -> None:
        observer = self.observer
        if observer is not None:
            observer(event, what)


def is_after(fault: Fault | None) -> bool:
    """Whether an ERROR fault lets the handler run first."""
    return fault is not None and fault.spec.when is When.AFTER
