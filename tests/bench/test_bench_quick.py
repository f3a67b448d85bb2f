"""``python -m bench --quick`` runs end to end (as CI does) and writes a report, raw JSON and
plots whose numbers are sane into a temporary folder it names, leaving the committed report in
``bench/results`` untouched; every process and data file it made is gone afterwards. An explicit
``--out`` is where the outputs go."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.bench_env import c_loadgen_unavailable

from bench.report import BUSY_VERDICT, NOT_RUN_VERDICT
from bench.scenarios import small

REPO = Path(__file__).resolve().parents[2]
#: The committed report, which a run without --out must leave alone.
COMMITTED = REPO / "bench" / "results"
#: The quick run takes under a minute on 2 idle cores; a loaded CI machine gets headroom.
RUN_TIMEOUT_S = 150.0
STOP_TIMEOUT_S = 20.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _fingerprint(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder``: its modification time and a hash of its bytes."""
    return {
        str(path.relative_to(folder)): (
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _run_quick(data: Path, temp: Path) -> tuple[int, str, str]:
    """``python -m bench --quick`` without ``--out``, ``temp`` as its temporary directory."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "--quick", "--dir", str(data)],
        env={**os.environ, "TMPDIR": str(temp)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the harness then stops every server it started.
        proc.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = proc.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate(timeout=STOP_TIMEOUT_S)
        pytest.fail(f"python -m bench --quick ran past {RUN_TIMEOUT_S:g} s\n{stdout}\n{stderr}")
    return proc.returncode, stdout, stderr


def _median(cases: dict[str, Any], name: str, metric: str) -> float:
    case = cases[name]
    assert case["status"] == "ok", (name, case["status"], case["failures"])
    return float(case["summary"][metric]["median"])


@pytest.mark.timeout(RUN_TIMEOUT_S + 2 * STOP_TIMEOUT_S)
def test_quick_run_writes_report_json_and_plots(tmp_path: Path) -> None:
    pytest.importorskip("confluent_kafka")
    pytest.importorskip("matplotlib")
    pytest.importorskip("hdrh")
    why = c_loadgen_unavailable()
    if why:
        pytest.skip(why)
    data, temp = tmp_path / "data", tmp_path / "temp"
    temp.mkdir()
    committed = _fingerprint(COMMITTED)
    status, stdout, stderr = _run_quick(data, temp)
    assert status == 0, f"status {status}\n{stdout}\n{stderr}"
    assert _fingerprint(COMMITTED) == committed  # the committed report is untouched
    found = re.search(r"^# results go to (.+)$", stdout, re.M)
    assert found, stdout
    out = Path(found.group(1))
    assert out.parent == temp  # a new folder in the temporary directory
    try:
        _check_outputs(out, data)
        # --out names where the outputs go (here: the report rendered again).
        again = tmp_path / "again"
        render = ["--render", str(out / "results.json"), "--out", str(again)]
        done = subprocess.run(
            [sys.executable, "-m", "bench", *render],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert (again / "report.md").read_text() == (out / "report.md").read_text()
        assert _fingerprint(COMMITTED) == committed
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _check_outputs(out: Path, data: Path) -> None:

    results = json.loads((out / "results.json").read_text())
    assert results["quick"] is True and results["runs"] == 1
    cases = {c["name"]: c for c in results["cases"]}

    # Produce: the sink, Samsa under both flush policies and Samsa's own client all moved
    # every message at a plausible rate, and the broker's CPU cost was measured.
    clients = ("samsa none, Samsa client", "samsa none, confluent-kafka (Python)")
    for server in ("sink", "samsa none", "samsa group", *clients):
        name = f"produce 1 KiB acks=1 {server}"
        msgs_s = _median(cases, name, "msgs_s")
        assert 1_000 < msgs_s < 10_000_000, (name, msgs_s)
        assert _median(cases, name, "messages") == 20_000
        mb_s = _median(cases, name, "mb_s")
        assert mb_s == pytest.approx(msgs_s * 1024 / 1e6, rel=1e-6)
    assert 0 < _median(cases, "produce 1 KiB acks=1 samsa none", "cpu_s_per_gb") < 100
    for consumer in ("librdkafka (C)", "confluent-kafka (Python)", "raw Fetch"):
        assert _median(cases, f"consume 1 KiB {consumer}", "mb_s") > 1
    # The C load generator drove the broker's rows, and its librdkafka is in the report.
    assert results["versions"]["librdkafka (C load generator)"]

    # Latency percentiles are ordered and bounded by the maximum.
    for rate in ("1k", "10k"):
        name = f"latency 1 KiB at {rate} msgs/s"
        p50, p99, p999, top = (
            _median(cases, name, m) for m in ("p50_ms", "p99_ms", "p999_ms", "max_ms")
        )
        assert 0 < p50 <= p99 <= p999 <= top + 0.01, (name, p50, p99, p999, top)

    assert 0 < _median(cases, "rebalance: 3rd member joins a group of 2", "seconds") < 60
    assert 0 < _median(cases, "100 partitions", "metadata_p50_ms") < 10_000
    assert _median(cases, "100 idle connections", "rss_mb") > 1
    recovered = _median(cases, "recovery after kill -9, 16 MiB", "seconds")
    assert _median(cases, "recovery after kill -9, 16 MiB", "api_versions_s") <= recovered < 60

    # Machine limits: loopback and disk.
    assert _median(cases, "disk write, page cache (no fdatasync)", "mb_s") > 1
    assert _median(cases, "disk write, 4 KiB + fdatasync each", "writes_s") > 1

    # A peer that is not run says why, in the JSON and the report.
    rabbit = cases["produce 1 KiB acks=1 RabbitMQ stream"]
    assert rabbit["status"].startswith("not run: ")
    report = (out / "report.md").read_text()
    assert "produce 1 KiB acks=1 RabbitMQ stream**: not run: " in report
    nats = cases["produce 1 KiB acks=1 NATS JetStream default"]
    if nats["status"] == "ok":
        assert _median(cases, "produce 1 KiB acks=1 NATS JetStream default", "msgs_s") > 100
    else:
        assert nats["status"].startswith("not run: not available: ")

    # Samsa and the sink ran on the C generator's wheel build beside Tansu; Tansu ran too, or
    # the report says why not.
    for server in ("Samsa none", "sink"):
        name = f"produce 1 KiB acks=1 on {server} (Tansu comparison)"
        assert _median(cases, name, "messages") == 20_000
    assert "## Samsa next to Tansu and the sink" in report
    tansu = cases["produce 1 KiB acks=1 on Tansu (Tansu comparison)"]
    if tansu["status"] == "ok":
        assert _median(cases, "produce 1 KiB acks=1 on Tansu (Tansu comparison)", "msgs_s") > 100
        assert results["versions"]["librdkafka (C load generator, Tansu comparison)"]
    else:
        assert tansu["status"].startswith("not run: not available: ")
        assert "Tansu**: not available: " in report

    # One record per request: Samsa and the sink each answered one Produce per record.
    for server in (small.SAMSA, small.SINK):
        name = small.produce_name(server)
        assert _median(cases, name, "requests") == small.REQUESTS_QUICK
        assert _median(cases, name, "us_per_request") > 0
    assert _median(cases, small.FETCH_CASE, "requests") >= small.REQUESTS_QUICK
    assert "## Small requests" in report

    # Every target is listed with a verdict, in the JSON and the report's table.
    verdicts = {t["target"]: t["verdict"] for t in results["targets"]}
    assert len(verdicts) == 23
    assert set(verdicts.values()) <= {"met", "MISSED", NOT_RUN_VERDICT, BUSY_VERDICT}
    # Targets whose cases a quick run skips say so.
    assert verdicts["produce 100 B acks=all RF=3 (msgs/s)"] == NOT_RUN_VERDICT
    for target, verdict in verdicts.items():
        assert re.search(rf"^\| {re.escape(target)} \| .* \| {verdict} \|", report, re.M), target
    assert "## Produce" in report and "Load average" in report
    assert "others' CPU" in report and "C load generator" in report
    # What other processes used is measured for every measured case (the start-up figures
    # are taken from the produce cases' broker starts).
    for case in cases.values():
        for sample in case["samples"]:
            assert "startup_s" in sample or sample["other_busy"] >= 0, case["name"]

    # The plots the report embeds exist and are PNGs.
    plots = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", report)
    assert {"produce_msgs.png", "produce_cpu.png", "latency.png", "scale.png"} <= set(plots)
    for plot in plots:
        blob = (out / plot).read_bytes()
        assert blob.startswith(PNG_MAGIC) and len(blob) > 5_000, plot

    # Nothing is left behind in the data directory.
    assert list(data.iterdir()) == []
