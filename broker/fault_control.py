"""``FaultControl``: a broker's fault injection, driven from Python, the admin channel and chaos.

The object at ``Broker.faults``: it owns the broker's ``FaultPlan`` (``broker/faults``), which
the Kafka server consults per request and per accepted connection, and carries out the faults
the plan cannot: a partition's pause (``ReplicaManager.pause_partition``), a group's rebalance
and a member's expiry (the ``GroupCoordinator``), a leader's move and a leader epoch's bump
(the controller's ``elect_leader``). It exists from ``Broker.__init__`` on, so a test may arm a
request fault before the broker starts.

Threads: the plan belongs to the broker's event loop. The Python API is synchronous and
thread-safe: off the loop's thread (a test using ``Broker.embedded_in_thread`` or the pytest
fixture) each call runs on the loop and waits for it, at most ``CALL_TIMEOUT_S``, an action
included (so ``faults.rebalance("g")`` returns once the rebalance started, or raises
``FaultActionError`` saying why it could not); on the loop's thread (``Broker.embedded``) it
arms at once and runs an action as a task (its outcome is logged and in ``history()``).

Time: the fault core's monotonic milliseconds (``time.monotonic_ns() // 1_000_000``). A driver
task ticks every ``TICK_MS`` while it has work: faults with a duration (a refusal, a pause, a
fault armed ``for N ms``) end through ``FaultPlan.expire``, and a chaos run arms the faults its
``ChaosSchedule`` says are due (at most ``MAX_CHAOS_ARMS_PER_TICK`` a tick).

Every arming, firing and end is logged on ``samsa.faults`` at WARNING; firings (and the ends
of faults that fired their count) at most ``LOG_MAX_LINES_PER_INTERVAL`` per
``LOG_INTERVAL_S``, then one line counting those not logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

from broker.faults import (
    CHAOS_KINDS,
    DEFAULT_CHAOS_APIS,
    ChaosSchedule,
    Fault,
    FaultKind,
    FaultPlan,
    FaultSpec,
    FaultSpecError,
    Firing,
)
from broker.faults.plan import MAX_HISTORY
from broker.faults.spec import MAX_DURATION_MS
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.app import Broker

__all__ = [
    "CALL_TIMEOUT_S",
    "CHAOS_FAULT_LIFETIME_MS",
    "MAX_CHAOS_ARMS_PER_TICK",
    "TICK_MS",
    "FaultActionError",
    "FaultControl",
    "monotonic_ms",
]

log = logging.getLogger("samsa.faults")

T = TypeVar("T")

#: Longest a call from another thread waits for the broker's loop (an action included): a
#: rebalance starts or a leader moves within a few metadata rounds; a loop that does not
#: answer in 10 s is stuck, and the test had better fail saying so than hang.
CALL_TIMEOUT_S: Final = 10.0
#: The driver's tick: faults with a duration end, and chaos faults are armed, within this of
#: their time (50 ms is finer than any client's retry backoff, 100 ms by default).
TICK_MS: Final = 50
#: Most chaos faults armed in one tick: a loop that stalled catches up over several ticks
#: instead of arming a burst in one go.
MAX_CHAOS_ARMS_PER_TICK: Final = 64
#: How long a chaos fault with no duration of its own stays armed: one whose API the
#: application never calls would otherwise stay armed for good, and chaos's armed faults would
#: pile up to the plan's bound. 30 s is the clients' default request timeout.
CHAOS_FAULT_LIFETIME_MS: Final = 30_000
#: Firing lines (and lines of faults ending after their count) logged per interval, at most:
#: a fault armed for a duration fires on every matching request.
LOG_MAX_LINES_PER_INTERVAL: Final = 10
LOG_INTERVAL_S: Final = 10.0


#: What may be armed while the broker is not running (it applies from the start on).
_ARMABLE_BEFORE_START: Final = frozenset(
    {FaultKind.ERROR, FaultKind.DELAY, FaultKind.DROP, FaultKind.REFUSE}
)


def monotonic_ms() -> int:
    """The fault core's clock."""
    return time.monotonic_ns() // 1_000_000


class FaultActionError(ValueError):
    """A fault that could not be carried out (an unknown group, a partition this broker does
    not lead, a stopped broker); the message is one line."""


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "failed"


class _LineBudget:
    """At most ``max_lines`` lines per ``interval_s``, then a count of those not logged."""

    def __init__(self, max_lines: int, interval_s: float) -> None:
        self.max_lines = max_lines
        self.interval_s = interval_s
        self._window_start = time.monotonic()
        self._lines = 0
        self.suppressed = 0

    def allow(self) -> bool:
        now = time.monotonic()
        if now - self._window_start >= self.interval_s:
            self.flush()
            self._window_start = now
            self._lines = 0
        if self._lines < self.max_lines:
            self._lines += 1
            return True
        self.suppressed += 1
        return False

    def flush(self) -> None:
        if self.suppressed:
            log.warning(
                "%d more fault firings not logged (at most %d lines per %.0f s)",
                self.suppressed,
                self.max_lines,
                self.interval_s,
            )
            self.suppressed = 0


@dataclass(slots=True)
class _ChaosRun:
    schedule: ChaosSchedule
    started_ms: int
    duration_ms: int | None
    #: The index of the schedule's next fault to arm.
    next_index: int = 0

    @property
    def source_prefix(self) -> str:
        return f"chaos seed={self.schedule.seed}"

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.schedule.seed,
            "rate_per_s": self.schedule.rate_per_s,
            "kinds": [k.value for k in self.schedule.kinds],
            "apis": list(self.schedule.apis),
            "duration_ms": self.duration_ms,
            "started_ms": self.started_ms,
            "armed": self.next_index,
        }


class FaultControl:
    """A broker's fault injection (``Broker.faults``); see the module's docstring."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self.plan = FaultPlan()
        """The armed faults; the Kafka server consults it."""
        self.plan.observer = self._observe
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Serialises calls while no loop runs the plan (before start, after stop).
        self._lock = threading.RLock()
        self._driver: asyncio.Task[None] | None = None
        self._actions: set[asyncio.Task[None]] = set()
        self._chaos: _ChaosRun | None = None
        self._budget = _LineBudget(LOG_MAX_LINES_PER_INTERVAL, LOG_INTERVAL_S)

    # -- lifecycle (the broker calls these on its loop) ----------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The broker started on ``loop``: the plan is the loop's from now on."""
        self._loop = loop
        self._ensure_driver()

    async def stop(self) -> None:
        """The broker stops: chaos stops, actions in flight are cancelled, pauses end (their
        waiting produces go ahead); other armed faults stay armed for a restart."""
        self.stop_chaos()
        now = monotonic_ms()
        for fault in self.plan.armed():
            if fault.spec.kind is FaultKind.PAUSE:
                self.plan.end(fault, now, "broker stopped")
        tasks = [*self._actions, *([self._driver] if self._driver is not None else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._actions.clear()
        self._driver = None
        self._budget.flush()
        self._loop = None

    @property
    def chaos_running(self) -> bool:
        """Whether a chaos run is arming faults."""
        return self._chaos is not None

    def chaos_status(self) -> dict[str, Any] | None:
        """The chaos run's settings and progress (None: none runs)."""
        run = self._chaos
        return None if run is None else run.to_json()

    # -- the Python API ------------------------------------------------------------------------

    def fail(
        self,
        api: str | int,
        error: str | int | ErrorCode,
        *,
        when: str = "before",
        count: int | None = 1,
        skip: int = 0,
        topic: str | None = None,
        partition: int | None = None,
        client_id: str | None = None,
        duration_ms: int | None = None,
    ) -> Fault:
        """Answer the next ``count`` matching ``api`` requests with ``error``; ``when="after"``
        lets the handler run first (a produce is appended, its acknowledgement lost)."""
        return self.add(
            FaultSpec.create(
                FaultKind.ERROR,
                api=api,
                error=error,
                when=when,
                count=count,
                skip=skip,
                topic=topic,
                partition=partition,
                client_id=client_id,
                duration_ms=duration_ms,
            )
        )

    def delay(
        self,
        api: str | int,
        delay_ms: int,
        *,
        count: int | None = 1,
        skip: int = 0,
        topic: str | None = None,
        partition: int | None = None,
        client_id: str | None = None,
        duration_ms: int | None = None,
    ) -> Fault:
        """Hold back the responses of the next ``count`` matching requests ``delay_ms``."""
        return self.add(
            FaultSpec.create(
                FaultKind.DELAY,
                api=api,
                delay_ms=delay_ms,
                count=count,
                skip=skip,
                topic=topic,
                partition=partition,
                client_id=client_id,
                duration_ms=duration_ms,
            )
        )

    def drop_connection(
        self,
        api: str | int | None = None,
        *,
        mid_response: bool = False,
        skip: int = 0,
        count: int | None = 1,
        topic: str | None = None,
        partition: int | None = None,
        client_id: str | None = None,
        duration_ms: int | None = None,
    ) -> Fault:
        """Close the connection of the next matching request (any API when ``api`` is None)
        after its handler ran, instead of answering (``mid_response``: after half the
        answer's bytes)."""
        return self.add(
            FaultSpec.create(
                FaultKind.DROP,
                api=api,
                mid_response=mid_response,
                skip=skip,
                count=count,
                topic=topic,
                partition=partition,
                client_id=client_id,
                duration_ms=duration_ms,
            )
        )

    def refuse_connections(self, duration_ms: int) -> Fault:
        """Close every new connection at once for ``duration_ms``."""
        return self.add(FaultSpec.create(FaultKind.REFUSE, duration_ms=duration_ms))

    def pause(self, topic: str, partition: int, *, duration_ms: int | None = None) -> Fault:
        """Pause a partition this broker leads: consumers' fetches read nothing, produces wait,
        until ``resume`` (or ``duration_ms``, or ``clear``)."""
        return self.add(
            FaultSpec.create(
                FaultKind.PAUSE, topic=topic, partition=partition, duration_ms=duration_ms
            )
        )

    def resume(self, topic: str, partition: int) -> None:
        """End a partition's pause (its waiting produces go ahead in order)."""
        self._call(lambda: self._resume(topic, partition))

    def rebalance(self, group_id: str) -> Fault:
        """Start a rebalance of a group this broker coordinates."""
        return self.add(FaultSpec.create(FaultKind.REBALANCE, group_id=group_id))

    def expire_member(self, group_id: str, member_id: str | None = None) -> Fault:
        """End a member's session (every member's when ``member_id`` is None), as when its
        heartbeats stop."""
        return self.add(FaultSpec.create(FaultKind.EXPIRE, group_id=group_id, member_id=member_id))

    def move_leader(self, topic: str, partition: int, to_broker: int | None = None) -> Fault:
        """Move a partition's leadership to ``to_broker`` (an in-sync replica; None: the first
        other one). Needs a cluster."""
        return self.add(
            FaultSpec.create(
                FaultKind.MOVE_LEADER, topic=topic, partition=partition, to_broker=to_broker
            )
        )

    def bump_leader_epoch(self, topic: str, partition: int) -> Fault:
        """Bump a partition's leader epoch, its leader unchanged."""
        return self.add(FaultSpec.create(FaultKind.BUMP_EPOCH, topic=topic, partition=partition))

    def add(self, spec: FaultSpec) -> Fault:
        """Arm ``spec`` (the general form of the calls above); an action is carried out."""
        loop = self._loop
        if loop is None or self._on_loop(loop):
            fault, action = self._arm(spec, "api")
            if action is not None:
                self._start_action(action)
            return fault
        return self._wait(loop, self.apply(spec))

    def chaos(
        self,
        seed: int,
        rate_per_s: float = 1.0,
        kinds: Sequence[FaultKind | str] = CHAOS_KINDS,
        apis: Sequence[str] = DEFAULT_CHAOS_APIS,
        duration_ms: int | None = None,
    ) -> None:
        """Arm random faults, ``rate_per_s`` on average, the same sequence for the same seed,
        until ``stop_chaos``, ``clear()`` or ``duration_ms``. Replaces a chaos run."""
        schedule = ChaosSchedule(seed, rate_per_s, kinds, apis)  # checks the settings
        if duration_ms is not None and (
            isinstance(duration_ms, bool)
            or not isinstance(duration_ms, int)
            or not 1 <= duration_ms <= MAX_DURATION_MS
        ):
            raise FaultSpecError(f"duration_ms must be in 1..{MAX_DURATION_MS}")
        self._call(lambda: self._start_chaos(schedule, duration_ms))

    def stop_chaos(self) -> None:
        """Stop arming chaos faults and end the chaos faults still armed."""
        self._call(self._stop_chaos)

    def clear(self, fault_id: int | None = None) -> list[Fault]:
        """End one armed fault, or every one and the chaos run; the faults ended."""
        return self._call(lambda: self._clear(fault_id))

    def armed(self) -> list[Fault]:
        """The armed faults, oldest first."""
        return self._call(self.plan.armed)

    def ended(self) -> list[Fault]:
        """The most recently ended faults, oldest first."""
        return self._call(self.plan.ended)

    def history(self, limit: int = MAX_HISTORY) -> list[Firing]:
        """The last ``limit`` firings, oldest first."""
        return self._call(lambda: self.plan.history(limit))

    # -- on the loop ---------------------------------------------------------------------------

    async def apply(self, spec: FaultSpec, source: str = "api") -> Fault:
        """Arm ``spec`` and, for an action, carry it out (on the loop): what the admin channel
        and the calls from other threads use. ``FaultActionError`` if the action failed (the
        fault is then ended ``failed: …``)."""
        fault, action = self._arm(spec, source)
        if action is not None:
            await action
        return fault

    def _arm(self, spec: FaultSpec, source: str) -> tuple[Fault, Coroutine[Any, Any, None] | None]:
        kind = spec.kind
        # Request faults and refusals may wait for a start; the others act on a running broker.
        if self._broker.replica_manager is None and kind not in _ARMABLE_BEFORE_START:
            raise FaultActionError(f"cannot {spec.describe()}: the broker is not running")
        with self._lock:
            fault = self.plan.arm(spec, monotonic_ms(), source)
        if kind is FaultKind.PAUSE:
            self._pause(fault)
        if spec.duration_ms is not None:
            self._ensure_driver()
        if kind in (
            FaultKind.REBALANCE,
            FaultKind.EXPIRE,
            FaultKind.MOVE_LEADER,
            FaultKind.BUMP_EPOCH,
        ):
            return fault, self._act(fault)
        return fault, None

    def _pause(self, fault: Fault) -> None:
        spec = fault.spec
        assert spec.topic is not None and spec.partition is not None
        tp = TopicPartition(spec.topic, spec.partition)
        replicas = self._broker.replica_manager
        try:
            if replicas is None:
                raise ValueError("the broker is not running")
            replicas.pause_partition(tp)
        except Exception as exc:
            if not isinstance(exc, ValueError):  # a bug: its traceback is logged
                log.exception("fault %d (%s) failed", fault.fault_id, spec.describe())
            message = _one_line(str(exc))
            now = monotonic_ms()
            self.plan.record_action(fault, now, message, ok=False)
            self.plan.end(fault, now, f"failed: {message}")
            where = f"{tp.topic}-{tp.partition}"
            said = message if where in message else f"cannot pause {where}: {message}"
            raise FaultActionError(said) from None
        until = "" if spec.duration_ms is None else f" for {spec.duration_ms} ms"
        self.plan.record_action(fault, monotonic_ms(), f"paused {tp.topic}-{tp.partition}{until}")

    async def _act(self, fault: Fault) -> None:
        spec = fault.spec
        try:
            detail = await self._carry_out(spec)
        except asyncio.CancelledError:
            self.plan.record_action(fault, monotonic_ms(), "cancelled", ok=False)
            raise
        except Exception as exc:
            if not isinstance(exc, ValueError | RuntimeError):  # a bug: its traceback is logged
                log.exception("fault %d (%s) failed", fault.fault_id, spec.describe())
            message = _one_line(str(exc))
            self.plan.record_action(fault, monotonic_ms(), message, ok=False)
            raise FaultActionError(
                f"fault {fault.fault_id} ({spec.describe()}): {message}"
            ) from None
        self.plan.record_action(fault, monotonic_ms(), _one_line(detail))

    async def _carry_out(self, spec: FaultSpec) -> str:
        broker = self._broker
        kind = spec.kind
        if kind in (FaultKind.REBALANCE, FaultKind.EXPIRE):
            groups = broker.group_coordinator
            if groups is None:
                raise FaultActionError("the broker is not running")
            assert spec.group_id is not None
            outcome: object
            if kind is FaultKind.REBALANCE:
                outcome = groups.force_rebalance(spec.group_id)
            else:
                outcome = groups.expire_members(spec.group_id, spec.member_id)
            if inspect.isawaitable(outcome):
                outcome = await outcome
            return str(outcome)
        controller = broker.controller
        if controller is None:
            raise FaultActionError("the broker is not running")
        assert spec.topic is not None and spec.partition is not None
        bump_only = kind is FaultKind.BUMP_EPOCH
        result = await controller.elect_leader(
            spec.topic, spec.partition, spec.to_broker, bump_only
        )
        where = f"{spec.topic}-{spec.partition}"
        if result.error is not ErrorCode.NONE:
            raise FaultActionError(result.message or f"{where}: {result.error.name}")
        if result.message:
            return result.message
        return (
            f"bumped the leader epoch of {where}" if bump_only else f"moved the leader of {where}"
        )

    def _start_action(self, action: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            with contextlib.suppress(FaultActionError):  # logged and recorded as it ended
                await action

        task = asyncio.get_running_loop().create_task(run(), name="fault-action")
        self._actions.add(task)
        task.add_done_callback(self._actions.discard)

    def _resume(self, topic: str, partition: int) -> None:
        paused = [
            f
            for f in self.plan.armed()
            if f.spec.kind is FaultKind.PAUSE
            and f.spec.topic == topic
            and f.spec.partition == partition
        ]
        if paused:
            now = monotonic_ms()
            for fault in paused:
                self.plan.end(fault, now, "resumed")  # the observer resumes the partition
            return
        replicas = self._broker.replica_manager
        if replicas is None:
            raise FaultActionError(f"{topic}-{partition} is not paused")
        try:
            replicas.resume_partition(TopicPartition(topic, partition))
        except ValueError as exc:
            raise FaultActionError(_one_line(str(exc))) from None

    def _clear(self, fault_id: int | None) -> list[Fault]:
        if fault_id is None:
            self._stop_chaos()
        with self._lock:
            return self.plan.clear(monotonic_ms(), fault_id)

    # -- chaos and the driver ------------------------------------------------------------------

    def _start_chaos(self, schedule: ChaosSchedule, duration_ms: int | None) -> None:
        if self._chaos is not None:
            self._stop_chaos()
        if self._loop is None:
            raise FaultActionError("chaos needs a running broker")
        run = _ChaosRun(schedule, monotonic_ms(), duration_ms)
        self._chaos = run
        log.warning(
            "%s started: %g faults/s of %s on %s%s",
            run.source_prefix,
            schedule.rate_per_s,
            ", ".join(k.value for k in schedule.kinds),
            ", ".join(schedule.apis),
            "" if duration_ms is None else f" for {duration_ms} ms",
        )
        self._ensure_driver()

    def _stop_chaos(self) -> None:
        run = self._chaos
        if run is None:
            return
        self._chaos = None
        prefix = run.source_prefix + " "
        now = monotonic_ms()
        for fault in self.plan.armed():
            if fault.source.startswith(prefix):
                self.plan.end(fault, now, "chaos stopped")
        log.warning("%s stopped after arming %d faults", run.source_prefix, run.next_index)

    def _ensure_driver(self) -> None:
        loop = self._loop
        if loop is None or (self._driver is not None and not self._driver.done()):
            return
        if not self._needs_ticks():
            return
        if self._on_loop(loop):
            self._driver = loop.create_task(self._drive(), name="fault-driver")
        else:
            loop.call_soon_threadsafe(self._ensure_driver)

    def _needs_ticks(self) -> bool:
        if self._chaos is not None:
            return True
        return any(f.spec.duration_ms is not None for f in self.plan.armed())

    async def _drive(self) -> None:
        while self._needs_ticks():
            await asyncio.sleep(TICK_MS / 1000)
            try:
                self.tick(monotonic_ms())
            except Exception:  # a bug in a tick must not end expiry for good
                log.exception("fault driver tick failed")

    def tick(self, now_ms: int) -> None:
        """One round of the driver: the chaos run's due faults armed, faults past their
        duration ended (public so that tests may drive it)."""
        run = self._chaos
        if run is not None:
            elapsed = now_ms - run.started_ms
            if run.duration_ms is not None and elapsed >= run.duration_ms:
                self._stop_chaos()
            else:
                for due in run.schedule.due(run.next_index, elapsed)[:MAX_CHAOS_ARMS_PER_TICK]:
                    run.next_index = due.index + 1
                    spec = due.spec
                    if spec.duration_ms is None:
                        spec = dataclasses.replace(spec, duration_ms=CHAOS_FAULT_LIFETIME_MS)
                    try:
                        self.plan.arm(spec, now_ms, f"{run.source_prefix} #{due.index}")
                    except FaultSpecError as exc:  # the plan is full: this one is skipped
                        log.warning("%s #%d not armed: %s", run.source_prefix, due.index, exc)
        self.plan.expire(now_ms)

    # -- threads -------------------------------------------------------------------------------

    @staticmethod
    def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
        try:
            return asyncio.get_running_loop() is loop
        except RuntimeError:
            return False

    def _call(self, fn: Callable[[], T]) -> T:
        loop = self._loop
        if loop is None or self._on_loop(loop):
            with self._lock:
                return fn()

        async def on_loop() -> T:
            return fn()

        return self._wait(loop, on_loop())

    def _wait(self, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
        try:
            future = asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError:  # the loop closed meanwhile: the broker stopped
            coro.close()
            raise FaultActionError("the broker is not running") from None
        try:
            return future.result(CALL_TIMEOUT_S)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(
                f"the broker's event loop did not answer within {CALL_TIMEOUT_S:.0f} s"
            ) from None

    # -- logging -------------------------------------------------------------------------------

    def _observe(self, event: str, what: Fault | Firing) -> None:
        if isinstance(what, Firing):
            if self._budget.allow():
                log.warning("%s", what.describe())
            return
        fault = what
        if event == "armed":
            by = "" if fault.source == "api" else f" ({fault.source})"
            log.warning("fault %d armed: %s%s", fault.fault_id, fault.spec.describe(), by)
            return
        if event != "ended":
            return
        reason = fault.end_reason or "ended"
        if reason != "count" or self._budget.allow():
            log.warning("fault %d ended (%s): %s", fault.fault_id, reason, fault.spec.describe())
        if fault.spec.kind is FaultKind.PAUSE and not reason.startswith("failed"):
            self._unpause(fault)

    def _unpause(self, ended: Fault) -> None:
        spec = ended.spec
        assert spec.topic is not None and spec.partition is not None
        still = any(
            f.spec.kind is FaultKind.PAUSE
            and f.spec.topic == spec.topic
            and f.spec.partition == spec.partition
            for f in self.plan.armed()
        )
        replicas = self._broker.replica_manager
        if still or replicas is None:
            return
        try:
            replicas.resume_partition(TopicPartition(spec.topic, spec.partition))
        except ValueError as exc:
            log.warning(
                "fault %d: cannot resume %s-%s: %s",
                ended.fault_id,
                spec.topic,
                spec.partition,
                _one_line(str(exc)),
            )
