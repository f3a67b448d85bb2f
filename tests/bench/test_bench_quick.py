"""``python -m bench --quick`` runs end to end (as CI does) and writes a report, raw JSON and
plots whose numbers are sane; every process and data file it made is gone afterwards."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
#: The quick run takes under a minute on 2 idle cores; a loaded CI machine gets headroom.
RUN_TIMEOUT_S = 150.0
STOP_TIMEOUT_S = 20.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run_quick(out: Path, data: Path) -> tuple[int, str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), "--dir", str(data)],
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
    out, data = tmp_path / "results", tmp_path / "data"
    status, stdout, stderr = _run_quick(out, data)
    assert status == 0, f"status {status}\n{stdout}\n{stderr}"

    results = json.loads((out / "results.json").read_text())
    assert results["quick"] is True and results["runs"] == 1
    cases = {c["name"]: c for c in results["cases"]}

    # Produce: the sink, Samsa under both flush policies and Samsa's own client all moved
    # every message at a plausible rate, and the broker's CPU cost was measured.
    for server in ("sink", "samsa none", "samsa group", "samsa none, Samsa client"):
        name = f"produce 1 KiB acks=1 {server}"
        msgs_s = _median(cases, name, "msgs_s")
        assert 1_000 < msgs_s < 10_000_000, (name, msgs_s)
        assert _median(cases, name, "messages") == 20_000
        mb_s = _median(cases, name, "mb_s")
        assert mb_s == pytest.approx(msgs_s * 1024 / 1e6, rel=1e-6)
    assert 0 < _median(cases, "produce 1 KiB acks=1 samsa none", "cpu_s_per_gb") < 100
    for consumer in ("confluent-kafka", "raw Fetch"):
        assert _median(cases, f"consume 1 KiB {consumer}", "mb_s") > 1

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

    # Every target is listed with a verdict, in the JSON and the report's table.
    verdicts = {t["target"]: t["verdict"] for t in results["targets"]}
    assert len(verdicts) == 13
    assert set(verdicts.values()) <= {"met", "MISSED", "not measured"}
    for target, verdict in verdicts.items():
        assert re.search(rf"^\| {re.escape(target)} \| .* \| {verdict} \|", report, re.M), target
    assert "## Produce" in report and "Load average" in report

    # The plots the report embeds exist and are PNGs.
    plots = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", report)
    assert {"produce_msgs.png", "produce_cpu.png", "latency.png", "scale.png"} <= set(plots)
    for plot in plots:
        blob = (out / plot).read_bytes()
        assert blob.startswith(PNG_MAGIC) and len(blob) > 5_000, plot

    # Nothing is left behind in the data directory.
    assert list(data.iterdir()) == []
