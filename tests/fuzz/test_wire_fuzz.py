"""The wire fuzzer in CI: a few thousand hostile frames against a live broker process.

One fuzz run (``fuzz_report``, shared by the module) then one test per check, so a failure
names the check. The seed is printed; ``SAMSA_WIRE_FUZZ_SEED=N`` replays a run's steps,
``SAMSA_WIRE_FUZZ_FRAMES=N`` sends more. ``python -m bench.wire_fuzz`` is the long mode.

The first tests need no broker: they check that the fuzzer's own parts do what the live run
relies on (layouts that match the codec, hostile batches with correct headers and CRCs, bombs
that really expand, the log classification).
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Final

import pytest

from broker.handlers import build_dispatch_table
from fuzz.batches import REAL_BOMB_KINDS, hostile_batch, real_bomb
from fuzz.log_scan import LogScanner
from fuzz.schema_requests import RequestFactory
from fuzz.wire_fuzz import VOCABULARY, FuzzConfig, FuzzReport, run
from protocol.errors import CorruptMessageError
from protocol.messages import REQUESTS
from protocol.records import RecordBatch, decompress

pytest.importorskip("confluent_kafka")

pytestmark = pytest.mark.timeout(150)

DEFAULT_SEED: Final = 1
DEFAULT_FRAMES: Final = 5_000
#: Fewer workers than the long mode: each sends one real bomb first, and a bomb costs the
#: broker a few hundred ms of CPU.
WORKERS: Final = 8


def _served() -> list[tuple[int, int, int]]:
    return sorted(
        (h.api_key, h.min_version, h.max_version) for h in build_dispatch_table().values()
    )


# -- the fuzzer's parts ----------------------------------------------------------------------


def test_every_served_request_has_a_layout_that_matches_the_codec() -> None:
    factory = RequestFactory(_served(), VOCABULARY)
    rng = random.Random(7)
    assert not factory.unschematised
    for api in factory.versions:
        for _ in range(10):
            built = factory.build(rng, api)
            decoded = REQUESTS[built.api_key].decode(built.body_bytes, built.version)
            assert decoded == built.body
            spots = factory.layout(built)
            assert spots is not None, f"no layout for api {built.api_key} v{built.version}"
            assert all(0 <= s.offset < len(built.body_bytes) for s in spots)
    assert factory.layout_mismatches == 0


def test_hostile_batches_have_correct_headers_and_crcs() -> None:
    """They must get past the header and CRC checks: only the records can be at fault."""
    rng = random.Random(11)
    kinds: set[str] = set()
    for _ in range(500):
        batch = hostile_batch(rng, heavy=False)
        view = RecordBatch(batch.data)
        assert view.compute_crc() == view.crc
        if not batch.kind.startswith("codec-id"):  # ids 5-7 name no codec: header-level
            view.validate()
        kinds.add(batch.kind.split(":")[0].split("-id-")[0])
    assert kinds >= {"bomb", "lie", "undecompressable", "framing", "honest", "codec"}


@pytest.mark.parametrize("index", range(REAL_BOMB_KINDS))
def test_real_bombs_expand_past_the_decompression_cap(index: int) -> None:
    bomb = real_bomb(index)
    view = RecordBatch(bomb.data)
    view.validate()
    assert view.size_in_bytes < 8 * 1024 * 1024
    with pytest.raises(CorruptMessageError, match="cap"):
        decompress(view.compression, view.payload(), max_bytes=64 * 1024 * 1024)


_LOG: Final = """\
2026-01-01 10:00:00,000 INFO samsa.broker: broker 1 listening on 127.0.0.1:9092
2026-01-01 10:00:00,001 WARNING samsa.server: closing connection from 127.0.0.1:5000 \
(malformed_request): truncated varint
2026-01-01 10:00:00,002 WARNING samsa.server: closing connection from 127.0.0.1:5001: \
malformed frame: negative frame size -1
2026-01-01 10:00:00,003 WARNING samsa.server: suppressed 12 more lines like the above in 10 s
2026-01-01 10:00:00,004 ERROR samsa.server: Produce v8 (correlation id 7) from 127.0.0.1:5002 \
failed; answering UNKNOWN_SERVER_ERROR
Traceback (most recent call last):
  File "/x/broker/handlers/produce.py", line 10, in handle_produce
    raise KeyError("a")
KeyError: 'a'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/x/broker/server/connection.py", line 20, in _on_frame
    result = handler.handle()
  File "/x/broker/handlers/produce.py", line 12, in handle_produce
    raise ValueError("b")
ValueError: b
2026-01-01 10:00:00,005 WARNING samsa.replication: fz-a-0: still not durable: slow disk
2026-01-01 10:00:00,006 ERROR samsa.replication: could not delete the log of fz-a-0: 123
2026-01-01 10:00:00,007 WARNING samsa.server: closing connection from 127.0.0.1:5003 \
(evicted): max.connections reached
"""


def test_log_scanner_sorts_expected_lines_from_bugs(tmp_path: Path) -> None:
    log = tmp_path / "broker.log"
    log.write_text(_LOG[:200])  # a record cut in half: the scanner must wait for the rest
    scanner = LogScanner(log)
    assert scanner.poll() == []
    log.write_text(_LOG)
    scanner.poll()
    scanner.finish()
    assert scanner.expected_closes == {
        "malformed_request": 1,
        "malformed frame": 1,
        "suppressed lines": 1,
    }
    assert set(scanner.unexpected) == {
        "ValueError at broker/handlers/produce.py:12 in handle_produce",
        "ERROR samsa.replication: could not delete the log of fz-a-N: N",
    }
    traceback = scanner.unexpected["ValueError at broker/handlers/produce.py:12 in handle_produce"]
    assert traceback.count == 1 and traceback.peers == ["127.0.0.1:5002"]
    assert "UNKNOWN_SERVER_ERROR" in traceback.sample
    assert sum(scanner.other_warnings.values()) == 2  # "still not durable", "evicted"


# -- the live run ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_report(tmp_path_factory: pytest.TempPathFactory) -> FuzzReport:
    seed = int(os.environ.get("SAMSA_WIRE_FUZZ_SEED", DEFAULT_SEED))
    frames = int(os.environ.get("SAMSA_WIRE_FUZZ_FRAMES", DEFAULT_FRAMES))
    work_dir = tmp_path_factory.mktemp("wire-fuzz")
    print(f"\nwire fuzz: seed {seed}, {frames} frames, work directory {work_dir}")
    report = run(
        FuzzConfig(
            seed=seed, frames=frames, work_dir=work_dir, workers=WORKERS, max_duration_s=90.0
        )
    )
    print(report.render())
    return report


def _explain(report: FuzzReport, check: str) -> str:
    found = report.problems()[check]
    return (
        f"seed {report.seed} (rerun: SAMSA_WIRE_FUZZ_SEED={report.seed}): check {check}:\n  "
        + "\n  ".join(found[:20])
        + (f"\nreproducers: {report.reproducers[:5]}" if report.reproducers else "")
        + f"\nbroker log: {report.log_path}"
    )


def test_fuzzer_reaches_every_served_api_with_every_kind_of_step(fuzz_report: FuzzReport) -> None:
    report = fuzz_report
    assert report.frames_sent >= report.target_frames
    served = {(k, v) for k, lo, hi in report.apis_served for v in range(lo, hi + 1)}
    assert served == {(k, v) for k, lo, hi in _served() for v in range(lo, hi + 1)}
    missing = served - report.apis_fuzzed
    assert not missing, f"served API versions never answered as valid requests: {missing}"
    assert set(report.steps_by_kind) == {
        "valid",
        "mutated",
        "random",
        "header",
        "length",
        "half-sent",
        "probe",
    }
    assert sum(report.closes_by_broker.values()) > report.steps // 10
    bombs = {k.split(" -> ")[0] for k in report.probe_outcomes if k.startswith("bomb:")}
    assert len(bombs) == REAL_BOMB_KINDS, bombs


def test_broker_stays_alive_and_stops_cleanly(fuzz_report: FuzzReport) -> None:
    assert not fuzz_report.problems()["alive"], _explain(fuzz_report, "alive")


def test_broker_memory_stays_under_its_bound(fuzz_report: FuzzReport) -> None:
    assert fuzz_report.bound is not None and fuzz_report.peak_hwm_bytes > 0
    assert not fuzz_report.problems()["memory"], _explain(fuzz_report, "memory")


def test_round_trip_reads_back_every_acknowledged_canary_record(fuzz_report: FuzzReport) -> None:
    assert fuzz_report.canary_acked_records > 0
    assert not fuzz_report.problems()["round-trip"], _explain(fuzz_report, "round-trip")


def test_broker_log_has_no_unexpected_records(fuzz_report: FuzzReport) -> None:
    assert sum(fuzz_report.expected_closes.values()) > 0  # the scanner did see the closes
    assert not fuzz_report.problems()["log"], _explain(fuzz_report, "log")


def test_hostile_batches_are_refused_and_honest_ones_stored(fuzz_report: FuzzReport) -> None:
    outcomes = fuzz_report.probe_outcomes
    assert any(k.startswith("honest:") for k in outcomes)
    assert any(k.startswith("framing:") for k in outcomes)
    assert not fuzz_report.problems()["hostile-batches"], _explain(fuzz_report, "hostile-batches")


def test_valid_requests_are_answered_in_order(fuzz_report: FuzzReport) -> None:
    assert fuzz_report.responses > fuzz_report.steps
    assert not fuzz_report.problems()["protocol"], _explain(fuzz_report, "protocol")
