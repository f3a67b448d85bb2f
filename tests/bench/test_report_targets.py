"""The report's targets computed from made-up cases: a goal met, a goal missed, a busy case
(the figure is shown, no verdict), a case that did not run (``not run``, the note says which)
and one that failed; ratios against the sink, Tansu (CPU s/GB: at most) and policy ``none``; the
single-record Produce targets from the small-request scenario; latency, start-up and recovery
from their figures. Nothing runs: no server, no load generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import report
from bench.broker_bench import Children
from bench.common import GIB, Env
from bench.scenarios import latency, recovery, small, tansu
from bench.scenarios.throughput import consume_name, produce_name

pytestmark = pytest.mark.timeout(30)

VERDICTS = {"met", "MISSED", report.BUSY_VERDICT, report.NOT_RUN_VERDICT, report.FAILED_VERDICT}


def _env(tmp_path: Path) -> Env:
    return Env(tmp_path, tmp_path, False, 3, False, Children(pin=False))


def _add(env: Env, scenario: str, name: str, *samples: dict[str, float], **params: object) -> None:
    env.case(scenario, name, **params).samples.extend(samples)


def _found(env: Env) -> dict[str, report.Target]:
    return {t.name: t for t in report.targets(env)}


def test_no_case_run_leaves_every_target_not_run_saying_which_case(tmp_path: Path) -> None:
    found = _found(_env(tmp_path))
    assert len(found) == 23
    for target in found.values():
        assert target.met is None and target.verdict == report.NOT_RUN_VERDICT, target
        assert target.measured == "-"
        assert target.note.endswith(": not run"), target
    markdown = report.markdown(_env(tmp_path), [], [], list(found.values()))
    assert "| met |" not in markdown and "| MISSED |" not in markdown
    assert "The issue's goals" in markdown


def test_sink_ratio_met_and_missed_from_the_medians(tmp_path: Path) -> None:
    env = _env(tmp_path)
    for acks, samsa in ((1, (900.0, 950.0, 2_000.0)), (-1, (800.0, 890.0, 5_000.0))):
        _add(env, "throughput", produce_name(100, acks, "sink"), *({"msgs_s": 1_000.0},) * 3)
        _add(
            env,
            "throughput",
            produce_name(100, acks, "samsa none"),
            *({"msgs_s": v} for v in samsa),
        )
    found = _found(env)
    met = found["produce 100 B acks=1 none: Samsa / sink"]
    assert (met.goal, met.measured, met.verdict) == (">= 0.9x", "0.95x", "met")
    missed = found["produce 100 B acks=all none: Samsa / sink"]
    assert (missed.measured, missed.verdict) == ("0.89x", "MISSED")


def test_a_busy_case_keeps_its_figure_and_gets_no_verdict(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _add(env, "throughput", produce_name(1024, 1, "sink"), {"msgs_s": 1_000.0})
    _add(env, "throughput", produce_name(1024, 1, "samsa none"), {"msgs_s": 500.0, "busy": 1.0})
    target = _found(env)["produce 1 KiB acks=1 none: Samsa / sink"]
    assert target.measured == "0.50x" and target.met is False and target.busy
    assert target.verdict == report.BUSY_VERDICT


def test_a_failed_case_says_failed_and_why(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env.case("latency", latency.case_name(10_000)).failures.append("RuntimeError: boom")
    target = _found(env)["latency 1 KiB at 10k msgs/s, p99 (ms)"]
    assert target.verdict == report.FAILED_VERDICT
    assert target.note == f"{latency.case_name(10_000)}: failed: RuntimeError: boom"


def test_tansu_cpu_ratio_is_at_most_and_messages_at_least(tmp_path: Path) -> None:
    env = _env(tmp_path)
    for label, samsa_cpu, tansu_cpu in (
        ("produce 1 KiB acks=1", 0.6, 2.8),  # 0.21x: met
        ("produce 1 KiB acks=all", 0.9, 2.7),  # 0.33x: missed
    ):
        samsa = {"msgs_s": 900_000.0, "cpu_s_per_gb": samsa_cpu}
        _add(env, "tansu", tansu.case_name(label, tansu.SAMSA), samsa)
        peer = {"msgs_s": 400_000.0, "cpu_s_per_gb": tansu_cpu}
        _add(env, "tansu", tansu.case_name(label, tansu.TANSU), peer)
    found = _found(env)
    cpu = found["produce 1 KiB acks=1 none: Samsa / Tansu CPU s/GB"]
    assert (cpu.goal, cpu.measured, cpu.verdict) == ("<= 0.3x", "0.21x", "met")
    assert found["produce 1 KiB acks=all none: Samsa / Tansu CPU s/GB"].verdict == "MISSED"
    msgs = found["produce 1 KiB acks=1 none: Samsa / Tansu msgs/s"]
    assert (msgs.goal, msgs.measured, msgs.verdict) == (">= 2x", "2.25x", "met")


def test_group_over_none_and_consume_targets(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _add(env, "throughput", produce_name(1024, 1, "samsa none"), {"msgs_s": 1_000.0})
    _add(env, "throughput", produce_name(1024, 1, "samsa group"), {"msgs_s": 790.0})
    _add(env, "throughput", consume_name(1024, "librdkafka (C)"), {"mb_s": 2_100.0})
    _add(env, "tansu", tansu.case_name(tansu.CONSUME_LABEL, tansu.SAMSA), {"msgs_s": 3.0})
    _add(env, "tansu", tansu.case_name(tansu.CONSUME_LABEL, tansu.TANSU), {"msgs_s": 2.0})
    found = _found(env)
    group = found["produce 1 KiB acks=1: policy group / policy none"]
    assert (group.goal, group.measured, group.verdict) == (">= 0.8x", "0.79x", "MISSED")
    consume = found["consume 1 KiB, librdkafka (C) (MB/s)"]
    assert (consume.goal, consume.measured, consume.verdict) == (">= 2,000", "2,100", "met")
    assert found["consume 1 KiB, librdkafka (C): Samsa / Tansu"].verdict == "MISSED"


def test_single_record_produce_targets_come_from_the_small_scenario(tmp_path: Path) -> None:
    env = _env(tmp_path)
    samsa = {"requests_s": 9_600.0, "us_per_request": 12.5, "requests": 30_000.0}
    sink = {"requests_s": 10_000.0, "us_per_request": 9.0, "requests": 30_000.0}
    _add(env, small.NAME, small.produce_name(small.SAMSA), samsa, api="Produce")
    _add(env, small.NAME, small.produce_name(small.SINK), sink, api="Produce")
    _add(env, small.NAME, small.FETCH_CASE, {"requests_s": 5_000.0, "us_per_request": 80.0})
    found = _found(env)
    cpu = found["single-record Produce: broker CPU per request (µs)"]
    assert (cpu.goal, cpu.measured, cpu.verdict) == ("<= 13", "12.5", "met")
    rate = found["single-record Produce: Samsa / sink requests/s"]
    assert (rate.goal, rate.measured, rate.verdict) == (">= 0.95x", "0.96x", "met")
    section = "\n".join(report.small_section(env))
    assert "| single-record Produce, 100 B acks=1, on Samsa | 30,000 | 9,600 | 12.5 |" in section
    assert "| 0.96 | 1.39 |" in section  # Samsa's row: / sink requests/s, / sink µs


def test_latency_start_up_and_recovery_goals(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _add(env, "latency", latency.case_name(10_000), {"p99_ms": 0.9})
    _add(env, "latency", latency.case_name(50_000), {"p99_ms": 2.5})
    starts = ({"startup_s": s} for s in (0.45, 0.48, 0.9))
    _add(env, "startup", report.STARTUP_CASE, *starts)
    ten = recovery.case_name(10 * GIB)
    _add(env, "recovery", ten, {"api_versions_s": 1.5, "seconds": 3.25})
    found = _found(env)
    assert found["latency 1 KiB at 10k msgs/s, p99 (ms)"].verdict == "met"
    slow = found["latency 1 KiB at 50k msgs/s, p99 (ms)"]
    assert (slow.goal, slow.measured, slow.verdict) == ("<= 2", "2.50", "MISSED")
    start = found["start-up: spawn -> first answered request (s)"]
    assert (start.goal, start.measured, start.verdict) == ("<= 0.5", "0.48", "met")
    assert start.note == "median of 3 starts (throughput scenario)"
    # The starts came from a busy produce case: no verdict.
    busy = {"msgs_s": 1.0, "busy": 1.0}
    _add(env, "throughput", produce_name(100, 1, "samsa group"), busy, server="group")
    assert _found(env)[start.name].verdict == report.BUSY_VERDICT
    back = found["recovery, kill -9 with 10 GiB: first answered request (s)"]
    assert (back.goal, back.measured, back.verdict) == ("<= 2", "1.50", "met")
    assert back.note == "every end offset back after 3.25 s"


def test_every_verdict_is_one_of_the_known_ones(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _add(env, "throughput", produce_name(100, 1, "sink"), {"msgs_s": 1.0})
    assert {t.verdict for t in report.targets(env)} <= VERDICTS
