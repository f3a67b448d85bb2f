"""Memory a case writes into: hand every server the same, recently used, pages.

Some virtual machines hand memory that stays free for a few seconds back to their host (a
balloon driver's free page reporting or a free-page bitmap the host reads). Touching such a
page again costs the guest a fault on the host: a process that writes a gigabyte into the page
cache then pays one to two CPU seconds more than on memory freed a moment before. Which server
of an A B run gets which kind of page depends on what the harness did just before (a case
that deleted a gigabyte of data leaves that much recently used memory for the next one), so
the tax would land on one server and not the other.

``prime`` evens this out: just before a case's load starts, the harness writes a scratch file
as large as what the case will write and deletes it, so the server's writes (page cache and
heap alike) reuse pages that are backed on the host. ``calibrate`` measures the tax once per
run, for the report.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = ["Calibration", "calibrate", "expected_bytes", "prime", "prime_bytes"]

MIB: Final = 1024 * 1024
#: Chunk of the scratch file's writes: large enough that the syscalls cost nothing.
CHUNK_BYTES: Final = MIB
#: Most scratch written before one case. A case that writes more (recovery's 10 GiB) gets this
#: much; priming more would take seconds and crowd the page cache the case itself uses.
PRIME_MAX_BYTES: Final = 3 * 1024 * MIB
#: Margin over what a case writes: the server's heap, indexes and record-batch overhead.
PRIME_HEADROOM: Final = 1.25
PRIME_EXTRA_BYTES: Final = 64 * MIB
#: The load-generator roles that make a server store what they send.
WRITING_ROLES: Final = frozenset({"produce", "latency", "fleet", "nats-produce", "rabbit-produce"})
#: Calibration: bytes written each time, and how long memory lies free before the cold write.
#: On the machines seen, memory free for 4 s was partly handed back and for 8 s mostly.
CALIBRATE_BYTES: Final = 1536 * MIB
CALIBRATE_IDLE_S: Final = 10.0


def expected_bytes(spec: dict[str, Any]) -> int:
    """About how many bytes a load-generator spec makes the server store: 0 for roles that
    only read; else ``size`` times ``messages``, or times the paced rate and duration
    (``latency``), or times every producer's sends over the run (``fleet``)."""
    if spec.get("role") not in WRITING_ROLES:
        return 0
    size = int(spec.get("size") or 0)
    if spec.get("messages"):
        return size * int(spec["messages"])
    if spec.get("rate") and spec.get("duration_s"):
        return int(size * float(spec["rate"]) * float(spec["duration_s"]))
    if spec.get("producers") and spec.get("interval_ms") and spec.get("seconds"):
        sends = float(spec["seconds"]) * 1000.0 / float(spec["interval_ms"])
        return int(size * int(spec["producers"]) * sends)
    return 0


def prime_bytes(case_bytes: int) -> int:
    """The scratch file's size for a case writing ``case_bytes``: 0 for none (a case that
    writes nothing needs no fresh pages), else with headroom, capped at ``PRIME_MAX_BYTES``."""
    if case_bytes <= 0:
        return 0
    wanted = int(case_bytes * PRIME_HEADROOM) + PRIME_EXTRA_BYTES
    return min(wanted, PRIME_MAX_BYTES)


def _write_scratch(path: Path, nbytes: int) -> None:
    chunk = bytes(CHUNK_BYTES)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        left = nbytes
        while left > 0:
            left -= os.write(fd, chunk[: min(left, CHUNK_BYTES)])
    finally:
        os.close(fd)
        # Deleted before writeback: its pages return to the allocator without disk writes.
        path.unlink(missing_ok=True)


def prime(directory: Path, nbytes: int) -> None:
    """Write ``nbytes`` of scratch in ``directory`` and delete it (nothing for 0)."""
    if nbytes > 0:
        _write_scratch(directory / ".prime-scratch", nbytes)


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Calibration:
    """CPU seconds per GB to write into the page cache: into memory just freed (``warm``) and
    into memory that lay free ``idle_s`` first (``cold``)."""

    warm_s_per_gb: float
    cold_s_per_gb: float
    idle_s: float

    @property
    def taxed(self) -> bool:
        """Whether memory left free costs noticeably more to write into (half again)."""
        return self.cold_s_per_gb > 1.5 * self.warm_s_per_gb

    def describe(self) -> str:
        verdict = (
            "this machine hands free memory back to its host, so every case is primed"
            if self.taxed
            else "no sign that free memory is handed back; priming is harmless here"
        )
        return (
            f"writing into the page cache cost {self.warm_s_per_gb:.2f} CPU s/GB on memory just "
            f"freed and {self.cold_s_per_gb:.2f} on memory free for {self.idle_s:g} s: {verdict}"
        )


def calibrate(
    directory: Path, nbytes: int = CALIBRATE_BYTES, idle_s: float = CALIBRATE_IDLE_S
) -> Calibration:
    """Measure the tax ``prime`` keeps out of the cases (takes about ``idle_s``)."""
    gb = nbytes / 1e9
    scratch = directory / ".calibrate-scratch"
    _write_scratch(scratch, nbytes)  # leaves ``nbytes`` of just-freed pages
    before = _own_cpu_s()
    _write_scratch(scratch, nbytes)
    warm = (_own_cpu_s() - before) / gb
    time.sleep(idle_s)  # the cold side's very condition: memory left free for a while
    before = _own_cpu_s()
    _write_scratch(scratch, nbytes)
    cold = (_own_cpu_s() - before) / gb
    return Calibration(warm, cold, idle_s)
