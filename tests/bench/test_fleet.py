"""The C load generator's ``fleet`` role and the many-producers scenario: a fleet of producer
instances, each with its own connection, sends one record per Produce request on a schedule;
every record is delivered and timed from its due time, the broker holds every one, a fleet
split over two processes adds up to the same schedule, and the scenario's quick form measures
Samsa and the sink and the report shows both."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.bench_env import needs_c_loadgen, quick_env
from support.confluent_ops import create_topic

from bench import loadgen_c, report
from bench.broker_bench import loadgen_result
from bench.common import Env, log_end_offsets
from bench.scenarios import fleet
from broker import Broker

#: A fleet run takes its seconds plus about one of set-up; the scenario starts Samsa and the
#: sink once each (a busy 2-core machine gets headroom).
pytestmark = pytest.mark.timeout(120)

#: Most one generator run may take here.
RUN_TIMEOUT_S = 60.0
PRODUCERS = 20
INTERVAL_MS = 10
SECONDS = 1.0
#: Records the schedule holds: every producer's records due within the run.
OFFERED = int(PRODUCERS * SECONDS * 1000 / INTERVAL_MS)


needs_toolchain = needs_c_loadgen()


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with quick_env(tmp_path) as made:
        yield made


def _spec(bootstrap: str, topic: str) -> dict[str, Any]:
    small = fleet.Fleet(PRODUCERS, INTERVAL_MS, 100, SECONDS)
    return {**fleet.fleet_spec(bootstrap, small, drain_s=20.0), "topic": topic}


@needs_toolchain
def test_every_producer_delivers_every_record_of_its_schedule(broker: Broker) -> None:
    topic = "fleet-one"
    create_topic(broker.bootstrap_servers, topic, 1)
    done = subprocess.run(
        [
            str(loadgen_c.build("system")),
            *loadgen_c.arguments(_spec(broker.bootstrap_servers, topic)),
        ],
        capture_output=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    result = loadgen_result(done.returncode, done.stdout, done.stderr)
    assert result["role"] == "fleet" and result["producers"] == PRODUCERS
    assert result["offered"] == result["sent"] == result["delivered"] == OFFERED
    assert result["failed"] == result["undelivered"] == result["queue_full"] == 0
    assert result["first_error"] == ""
    # Every delivered record was timed; the percentiles are ordered and the histogram holds them.
    assert result["recorded"] == OFFERED
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["p999_ms"] <= result["max_ms"]
    assert sum(count for _, count in result["hist_us"]) == OFFERED
    assert result["elapsed_s"] >= SECONDS and result["cpu_s"] > 0
    # The broker holds them, and one warm-up record per producer sent before the clock.
    assert log_end_offsets(broker.port, topic, 1) == OFFERED + PRODUCERS
    # Each producer had a connection of its own: the broker saw at least one per producer.
    assert result["setup_s"] > 0


@needs_toolchain
def test_a_fleet_split_over_two_processes_keeps_the_schedule(broker: Broker, env: Env) -> None:
    topic = "fleet-split"
    create_topic(broker.bootstrap_servers, topic, 1)
    sample = fleet.run_fleet(env, os.getpid(), _spec(broker.bootstrap_servers, topic), processes=2)
    assert sample["processes"] == 2 and sample["producers"] == PRODUCERS
    assert sample["offered"] == sample["delivered"] == OFFERED
    assert sample["recorded"] == OFFERED and sample["undelivered"] == 0
    assert 0 < sample["p50_ms"] <= sample["p99_ms"] <= sample["p999_ms"] <= sample["max_ms"]
    assert sample["offered_msgs_s"] == PRODUCERS * 1000 / INTERVAL_MS
    assert sample["server_us_per_request"] > 0 and sample["gen_busy"] > 0
    assert log_end_offsets(broker.port, topic, 1) == OFFERED + PRODUCERS


@needs_toolchain
def test_the_quick_scenario_measures_samsa_and_the_sink(env: Env) -> None:
    fleet.run(env)
    offered = fleet.QUICK.offered_per_s * fleet.QUICK.seconds
    for server in fleet.SERVERS:
        case = env.cases[fleet.case_name(fleet.QUICK, server)]
        assert case.status == "ok", (server, case.failures)
        assert case.median("offered") == offered
        assert case.median("delivered") == offered - (case.median("undelivered") or 0)
        assert (case.median("msgs_s") or 0) > 0 and (case.median("p99_ms") or 0) > 0
        assert (case.median("server_cpu_s") or 0) >= 0
    section = "\n".join(report.fleet_section(env))
    assert section.startswith("## Many producers")
    for server in fleet.SERVERS:  # a row each (marked busy when others took a core)
        row = next(line for line in section.splitlines() if line.startswith(f"| {server}"))
        assert "| 50 x 100 B / 10 ms | 5,000 | 5,000 |" in row, row


def test_histograms_of_processes_merge_into_one() -> None:
    first = {
        "offered": 4, "sent": 4, "delivered": 4, "failed": 0, "undelivered": 0, "unsent": 0,
        "queue_full": 0, "cpu_s": 0.5, "elapsed_s": 1.0, "setup_s": 0.1, "behind_max_ms": 1.0,
        "producers": 2, "max_ms": 0.9, "hist_us": [[100, 3], [900, 1]],
    }  # fmt: skip
    second = {
        **first, "elapsed_s": 1.5, "max_ms": 5.0, "hist_us": [[100, 1], [200, 2], [5000, 1]]
    }  # fmt: skip
    merged = fleet.merge([first, second])
    assert merged["delivered"] == 8 and merged["producers"] == 4 and merged["cpu_s"] == 1.0
    assert merged["elapsed_s"] == 1.5 and merged["recorded"] == 8
    # 8 values: 100 x4, 200 x2, 900, 5000.
    assert merged["p50_ms"] == 0.1 and merged["p99_ms"] == 5.0 and merged["max_ms"] == 5.0
    assert fleet.percentile_ms([(100, 3), (200, 2)], 60) == 0.1
    assert fleet.percentile_ms([(100, 3), (200, 2)], 61) == 0.2
    assert fleet.percentile_ms([], 50) == 0.0


def test_arguments_of_the_fleet_role() -> None:
    spec = fleet.fleet_spec("h:1", fleet.FULL, drain_s=5.0, threads=2)
    args = loadgen_c.arguments({**spec, "slice": (1, 3), "wait": True, "properties": {"a": 1}})
    assert args == [
        "fleet", "-b", "h:1", "-t", fleet.TOPIC, "-P", "1000", "-I", "10", "-d", "20",
        "-s", "100", "-a", "1", "-G", "2", "-D", "5.0", "-T", str(fleet.READY_TIMEOUT_S),
        "-S", "1/3", "-W", "-X", "a=1",
    ]  # fmt: skip
