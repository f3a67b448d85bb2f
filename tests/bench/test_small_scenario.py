"""The small-request scenario's quick form, for real: the C load generator sends one 100 B record
per Produce request to Samsa and to the sink and reads Samsa's partition back one batch per
Fetch; every record is one request by the servers' own counts (Samsa's ``/metrics``, the sink's
count printed when it stops), and the report shows µs of server CPU per request, requests/s
and Samsa's ratios to the sink, with both single-record targets measured."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.bench_env import needs_c_loadgen, quick_env

from bench import report, sink
from bench.common import Env
from bench.scenarios import small

#: Two servers start, three generator runs of 2,000 requests each take a second or two; a busy
#: 2-core machine gets headroom.
pytestmark = pytest.mark.timeout(120)


needs_generator = needs_c_loadgen()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with quick_env(tmp_path) as made:
        yield made


def test_the_sink_prints_its_request_counts_and_they_read_back() -> None:
    line = sink.requests_line(Counter({"Produce": 2_000, "ApiVersions": 2, "Metadata": 3}))
    assert line == "Sink requests: ApiVersions=2 Metadata=3 Produce=2000"
    output = f"Sink listening on 127.0.0.1:1\n{line}\n"
    assert sink.requests_served(output) == {"ApiVersions": 2, "Metadata": 3, "Produce": 2_000}
    assert sink.requests_served("Sink listening on 127.0.0.1:1\n") == {}  # killed: no counts


@needs_generator
def test_quick_run_counts_one_request_per_record_on_samsa_and_the_sink(env: Env) -> None:
    small.run(env)
    names = [small.produce_name(small.SAMSA), small.FETCH_CASE, small.produce_name(small.SINK)]
    assert sorted(env.cases) == sorted(names)
    for name in names:
        case = env.cases[name]
        assert case.status == "ok", (name, case.failures)
        (sample,) = case.samples
        assert sample["messages"] == small.REQUESTS_QUICK, name
        # Produce: exactly one request per record; Fetch: one or more (an empty one at most
        # waits at the end).
        assert sample["requests"] >= small.REQUESTS_QUICK, name
        assert 0 < sample["us_per_request"] < 10_000, name
        assert sample["requests_s"] == pytest.approx(sample["requests"] / sample["elapsed_s"])
    for server in (small.SAMSA, small.SINK):
        produced = env.cases[small.produce_name(server)].samples[0]
        assert produced["requests"] == small.REQUESTS_QUICK

    found = {t.name: t for t in report.targets(env)}
    for name in (
        "single-record Produce: broker CPU per request (µs)",
        "single-record Produce: Samsa / sink requests/s",
    ):
        assert found[name].met is not None and found[name].measured != "-", found[name]
        assert found[name].verdict in {"met", "MISSED", report.BUSY_VERDICT}
    section = "\n".join(report.small_section(env))
    assert "## Small requests" in section
    for name in names:
        assert f"| {name}" in section
