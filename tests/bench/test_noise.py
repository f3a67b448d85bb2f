"""The harness's noise check on fake ``/proc/stat`` samples: what other processes used during a
case is the machine's busy time less the harness's own; a case where they used more than
``OTHERS_MAX_CORES`` is run again once (the whole attempt, nested cases' samples included) and
then kept marked busy, and a target measured on it gets no verdict."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench import noise, report
from bench.broker_bench import Children
from bench.common import Env
from bench.scenarios.throughput import produce_name

pytestmark = pytest.mark.timeout(30)

CLK_TCK = 100


def proc_stat(user: int, system: int, idle: int, *, steal: int = 0, iowait: int = 0) -> str:
    """A ``/proc/stat`` whose ``cpu`` line has these tick counts (nice, irq, softirq 0)."""
    return (
        f"cpu  {user} 0 {system} {idle} {iowait} 0 0 {steal} 0 0\n"
        f"cpu0 {user} 0 {system} {idle} {iowait} 0 0 {steal} 0 0\n"
        "intr 1 2 3\n"
    )


def test_machine_seconds_counts_every_busy_field_but_idle_and_iowait() -> None:
    text = proc_stat(user=300, system=100, idle=5000, steal=50, iowait=700)
    assert noise.machine_seconds(text, CLK_TCK) == pytest.approx(4.5)
    with pytest.raises(ValueError):
        noise.machine_seconds("intr 1 2 3\n", CLK_TCK)


def test_others_is_the_machine_less_our_own_share() -> None:
    before = noise.CpuSnapshot(10.0, noise.machine_seconds(proc_stat(0, 0, 0), CLK_TCK), 0.0)
    after = noise.CpuSnapshot(12.0, noise.machine_seconds(proc_stat(300, 100, 0), CLK_TCK), 2.5)
    others = noise.others(before, after)
    assert others.cpu_s == pytest.approx(1.5) and others.cores == pytest.approx(0.75)
    assert others.busy  # 0.75 of a core > OTHERS_MAX_CORES
    quiet = noise.CpuSnapshot(12.0, noise.machine_seconds(proc_stat(300, 100, 0), CLK_TCK), 3.8)
    assert noise.others(before, quiet).cpu_s == pytest.approx(0.2)
    assert not noise.others(before, quiet).busy
    # Our own ticks may run ahead of the machine's: never below zero.
    ahead = noise.CpuSnapshot(12.0, 1.0, 5.0)
    assert noise.others(before, ahead).cpu_s == 0.0


class FakeProc:
    """Snapshots from fake ``/proc/stat`` texts: each case attempt takes 2 s of wall time in
    which the harness's own processes use 1 s and others ``others_s[i]`` for attempt ``i``."""

    def __init__(self, others_s: list[float]) -> None:
        self.ticks = {"user": 0, "system": 0}
        self.ours_s = 0.0
        self.at_s = 0.0
        self.steps: Iterator[float] = iter(others_s)
        self.open = False

    def __call__(self) -> noise.CpuSnapshot:
        if self.open:  # the end of an attempt: time passed, CPU was used
            self.at_s += 2.0
            self.ours_s += 1.0
            self.ticks["user"] += int((1.0 + next(self.steps)) * CLK_TCK)
        self.open = not self.open
        text = proc_stat(self.ticks["user"], self.ticks["system"], 0)
        return noise.CpuSnapshot(self.at_s, noise.machine_seconds(text, CLK_TCK), self.ours_s)


def _counted(calls: list[int], sample: dict[str, float]) -> Callable[[], dict[str, float]]:
    """A case body returning a copy of ``sample``, counting its calls in ``calls``."""

    def body() -> dict[str, float]:
        calls.append(1)
        return dict(sample)

    return body


def _env(tmp_path: Path, others_s: list[float]) -> Env:
    return Env(tmp_path, tmp_path, False, 1, False, Children(pin=False), sampler=FakeProc(others_s))


def test_quiet_case_runs_once_and_records_what_others_used(tmp_path: Path) -> None:
    env = _env(tmp_path, [0.2])
    case = env.case("throughput", "quiet")
    calls: list[int] = []
    env.attempt(case, _counted(calls, {"msgs_s": 5.0}))
    assert len(calls) == 1 and not case.busy
    assert case.samples == [
        {"msgs_s": 5.0, "other_cpu_s": pytest.approx(0.2), "other_busy": pytest.approx(0.1)}
    ]


def test_busy_case_runs_again_once_and_replaces_the_whole_attempt(tmp_path: Path) -> None:
    # Busy first (1.6 s of 2 s: 0.8 of a core), quiet when run again.
    env = _env(tmp_path, [1.6, 0.1])
    outer, nested = env.case("throughput", "produce"), env.case("throughput", "consume")
    calls: list[int] = []

    def body() -> dict[str, float]:
        calls.append(1)
        nested.samples.append({"mb_s": float(len(calls))})  # as a nested case would
        if len(calls) == 1:
            nested.failures.append("failed in the busy attempt")
        return {"msgs_s": 10.0 * len(calls)}

    env.attempt(outer, body)
    assert len(calls) == 2
    assert not outer.busy and outer.values("msgs_s") == [20.0]
    assert nested.samples == [{"mb_s": 2.0}]  # the busy attempt's nested sample is gone
    assert nested.failures == []
    assert outer.samples[0]["other_busy"] == pytest.approx(0.05)


def test_case_still_busy_when_run_again_is_kept_marked_and_gets_no_verdict(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, [1.6, 1.2])
    name = produce_name(100, 1, "samsa none")
    case = env.case("throughput", name, size=100, acks=1, server="none")
    calls: list[int] = []
    env.attempt(case, _counted(calls, {"msgs_s": 2_000_000.0, "mb_s": 200.0}))
    assert len(calls) == 1 + noise.BUSY_RERUNS
    assert case.busy and case.samples[0]["busy"] == 1.0 and case.samples[0]["reruns"] == 1
    assert case.samples[0]["other_busy"] == pytest.approx(0.6)
    assert case.to_json()["busy"] is True and case.status == "ok"

    sink = env.case("throughput", produce_name(100, 1, "sink"), size=100, acks=1, server="sink")
    sink.samples.append({"msgs_s": 2_000_000.0})
    found = {t.name: t for t in report.targets(env)}
    target = found["produce 100 B acks=1 none: Samsa / sink"]
    assert target.measured == "1.00x" and target.met is True  # the figure is kept ...
    assert target.verdict == report.BUSY_VERDICT  # ... with no verdict
    markdown = report.markdown(env, [], [], list(found.values()))
    assert f"| {name} **(busy)** |" in markdown
    assert f"- **{name}**: busy: other processes used up to 60% of a core" in markdown
    assert "(more than 50%) even when run again" in markdown
    assert "| met |" not in markdown and "| MISSED |" not in markdown


def test_quick_runs_mark_busy_cases_without_running_them_again(tmp_path: Path) -> None:
    env = _env(tmp_path, [1.6])
    env.busy_reruns = 0
    case = env.case("latency", "latency")
    calls: list[int] = []
    env.attempt(case, _counted(calls, {"p50_ms": 1.0}))
    assert len(calls) == 1 and case.busy and case.samples[0]["reruns"] == 0
    assert "(more than 50%) once:" in "\n".join(report._status_rows([case]))


def test_a_failed_attempt_is_a_failure_not_a_busy_sample(tmp_path: Path) -> None:
    env = _env(tmp_path, [])

    def body() -> dict[str, float]:
        raise RuntimeError("load generator: boom")

    case = env.case("throughput", "failing")
    env.attempt(case, body)
    assert case.samples == [] and case.failures == ["RuntimeError: load generator: boom"]
