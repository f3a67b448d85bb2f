"""The C load generator (``bench/loadgen_c``) compiles with the system compiler against
librdkafka's header, and its roles move real records through a broker: produce from two
producer instances, consume by assign and in a group, and paced latency, each reporting what it
did as one JSON line; a machine without the compiler or the header gets one line saying what to
install."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support.bench_env import c_loadgen_unavailable, needs_c_loadgen
from support.confluent_ops import create_topic

from bench import loadgen_c
from bench.broker_bench import loadgen_result
from bench.common import log_end_offsets
from broker import Broker

#: Compiling takes about a second; the roles a few seconds each (a group join ~3 s).
pytestmark = pytest.mark.timeout(120)

#: Most one generator run may take here (its own -T bound is shorter).
RUN_TIMEOUT_S = 60.0
RECORDS = 3000
PARTITIONS = 3


needs_toolchain = needs_c_loadgen()


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache of the module's own, so that the build really compiles."""
    return tmp_path_factory.mktemp("loadgen-cache")


@pytest.fixture(scope="module")
def binary(cache: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMSA_BENCH_CACHE", str(cache))
        return loadgen_c.build("system")


def _run(binary: Path, spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(binary), *loadgen_c.arguments({"timeout_s": RUN_TIMEOUT_S - 10, **spec})],
        capture_output=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return loadgen_result(done.returncode, done.stdout, done.stderr)


@needs_toolchain
def test_build_compiles_once_into_the_cache(cache: Path, binary: Path) -> None:
    assert binary.parent == cache and os.access(binary, os.X_OK)
    modified = binary.stat().st_mtime_ns
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMSA_BENCH_CACHE", str(cache))
        assert loadgen_c.build("system") == binary
    assert binary.stat().st_mtime_ns == modified  # not compiled again
    assert [p.name for p in cache.iterdir()] == [binary.name]  # no half-written leftovers


@needs_toolchain
def test_produce_then_consume_by_assign_and_in_a_group(broker: Broker, binary: Path) -> None:
    bootstrap, topic = broker.bootstrap_servers, "c-loadgen"
    create_topic(bootstrap, topic, PARTITIONS)
    produced = _run(
        binary,
        {
            "role": "produce",
            "bootstrap": bootstrap,
            "topic": topic,
            "partitions": PARTITIONS,
            "size": 100,
            "messages": RECORDS,
            "acks": -1,
            "producers": 2,
            "properties": {"linger.ms": 1},
        },
    )
    assert produced["messages"] == RECORDS and produced["bytes"] == RECORDS * 100
    assert produced["producers"] == 2 and produced["elapsed_s"] > 0 and produced["cpu_s"] >= 0
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", produced["librdkafka"])
    # The broker holds every record the generator counted as acknowledged.
    assert log_end_offsets(broker.port, topic, PARTITIONS) == RECORDS

    for extra in ({}, {"group": "c-loadgen-group"}):
        consumed = _run(
            binary,
            {
                "role": "consume",
                "bootstrap": bootstrap,
                "topic": topic,
                "partitions": PARTITIONS,
                "messages": RECORDS,
                **extra,
            },
        )
        assert consumed["messages"] == RECORDS, extra
        assert consumed["bytes"] == RECORDS * 100, extra


@needs_toolchain
def test_produce_for_a_time_from_several_instances(broker: Broker, binary: Path) -> None:
    bootstrap, topic = broker.bootstrap_servers, "c-loadgen-timed"
    create_topic(bootstrap, topic, 2)
    seconds = 0.3
    result = _run(
        binary,
        {
            "role": "produce",
            "bootstrap": bootstrap,
            "topic": topic,
            "size": 50,
            "seconds": seconds,
            "acks": 1,
            "producers": 3,
            "linger_ms": 2,
            "batch_bytes": 65536,
        },
    )
    assert result["messages"] > 0 and result["bytes"] == result["messages"] * 50
    assert result["elapsed_s"] >= seconds
    assert log_end_offsets(broker.port, topic, 2) == result["messages"]


@needs_toolchain
def test_latency_times_every_message_after_the_warm_up(broker: Broker, binary: Path) -> None:
    bootstrap, topic = broker.bootstrap_servers, "c-loadgen-latency"
    create_topic(bootstrap, topic, 1)
    rate, seconds = 2000, 1.0
    result = _run(
        binary,
        {
            "role": "latency",
            "bootstrap": bootstrap,
            "topic": topic,
            "size": 64,
            "rate": rate,
            "duration_s": seconds,
        },
    )
    assert result["messages"] == rate * seconds
    assert result["recorded"] == rate * (seconds - 0.5)  # the first 0.5 s are not timed
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["p999_ms"] <= result["max_ms"]
    # The last message is due one interval before the end: (rate * seconds - 1) / rate.
    assert result["elapsed_s"] >= seconds - 1 / rate


@needs_toolchain
def test_wheel_build_links_the_librdkafka_confluent_kafka_bundles(
    broker: Broker, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        library = loadgen_c.wheel_library()
    except loadgen_c.Unavailable as exc:
        pytest.skip(str(exc))
    import confluent_kafka

    monkeypatch.setenv("SAMSA_BENCH_CACHE", str(cache))
    binary = loadgen_c.build("wheel")
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=30)
    assert str(library) in ldd.stdout
    topic = "c-loadgen-wheel"
    create_topic(broker.bootstrap_servers, topic, 1)
    result = _run(
        binary,
        {
            "role": "produce",
            "bootstrap": broker.bootstrap_servers,
            "topic": topic,
            "size": 10,
            "messages": 500,
            "acks": 1,
        },
    )
    assert result["messages"] == 500
    assert result["librdkafka"] == confluent_kafka.libversion()[0]


def test_a_failed_run_is_one_json_error_and_status_1(tmp_path: Path) -> None:
    why = c_loadgen_unavailable()
    if why:
        pytest.skip(why)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMSA_BENCH_CACHE", str(tmp_path))
        binary = loadgen_c.build("system")
    done = subprocess.run(
        [str(binary), "consume", "-b", "127.0.0.1:1", "-t", "t", "-n", "1", "-T", "1"],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 1
    assert "error" in json.loads(done.stdout.strip().splitlines()[-1])


def test_missing_compiler_or_header_is_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-here")
    with pytest.raises(loadgen_c.Unavailable) as no_cc:
        loadgen_c.build("system")
    assert "no C compiler" in str(no_cc.value) and "\n" not in str(no_cc.value)
    monkeypatch.delenv("CC")
    monkeypatch.setattr(loadgen_c, "INCLUDE_DIRS", (tmp_path,))
    with pytest.raises(loadgen_c.Unavailable) as no_header:
        loadgen_c.include_dir()
    assert "librdkafka-dev" in str(no_header.value) and "\n" not in str(no_header.value)


def test_arguments_map_a_harness_spec_to_the_command_line() -> None:
    spec = {
        "role": "produce",
        "generator": "c",
        "bootstrap": "h:1",
        "topic": "t",
        "partitions": 2,
        "size": 100,
        "messages": 10,
        "acks": -1,
        "timeout_s": 5.0,
        "properties": {"linger.ms": 0},
    }
    assert loadgen_c.arguments(spec) == [
        "produce",
        "-b",
        "h:1",
        "-t",
        "t",
        "-s",
        "100",
        "-n",
        "10",
        "-a",
        "-1",
        "-p",
        "2",
        "-T",
        "5.0",
        "-X",
        "linger.ms=0",
    ]
    latency = {
        "role": "latency",
        "bootstrap": "h:1",
        "topic": "t",
        "size": 64,
        "rate": 1000,
        "duration_s": 1.5,
        "partitions": 1,
    }
    assert loadgen_c.arguments(latency) == [
        "latency",
        "-b",
        "h:1",
        "-t",
        "t",
        "-s",
        "64",
        "-r",
        "1000",
        "-d",
        "1.5",
    ]
    with pytest.raises(ValueError, match="no role"):
        loadgen_c.arguments({**spec, "role": "rebalance"})
