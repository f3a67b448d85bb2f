"""What else ran on the machine while a case did, and whether the case was too disturbed to judge.

A snapshot holds the CPU time every CPU spent not idle (``/proc/stat``) and the CPU time of the
harness's own processes: the harness itself, its children it has waited for (which include
their own waited-for children) and every live descendant (servers, load generators, peers). The
difference of two snapshots, less our own share, is what everything else used meanwhile:
other programs, kernel threads (page-cache writeback) and hypervisor steal.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

CLK_TCK: Final = os.sysconf("SC_CLK_TCK")

#: Most CPU others may use during a case, as a share of one core, before the case is "busy".
#: Server and load generator each own one of the two cores; the kernel's writeback of the
#: case's own file writes runs in flusher threads charged to no process of ours and reaches
#: tens of % of a core after large writes, so a quarter core would flag every large produce.
#: Beyond half a core, something else took a real share of a core a measured process needed.
OTHERS_MAX_CORES: Final = 0.5
#: Times a busy case is run again before it is kept and marked busy.
BUSY_RERUNS: Final = 1


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds at one moment: ``machine_s`` not idle on every CPU, ``ours_s`` of the
    harness's own processes; ``at_s`` is the monotonic clock."""

    at_s: float
    machine_s: float
    ours_s: float


@dataclass(frozen=True)
class Others:
    """CPU time everything but the harness's processes used between two snapshots."""

    cpu_s: float
    wall_s: float

    @property
    def cores(self) -> float:
        """As a share of one core over the wall time."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def busy(self) -> bool:
        return self.cores > OTHERS_MAX_CORES


def machine_seconds(proc_stat: str, clk_tck: int = CLK_TCK) -> float:
    """CPU seconds all CPUs spent not idle (user, nice, system, irq, softirq, steal) from the
    text of ``/proc/stat`` (its first, ``cpu``, line; idle and iowait are left out)."""
    first = proc_stat.split("\n", 1)[0].split()
    if not first or first[0] != "cpu":
        raise ValueError(f"not /proc/stat: {first[:1]}")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in first[1:9])
    return (user + nice + system + irq + softirq + steal) / clk_tck


def tree_seconds(root: int, *, include_root: bool, waited: bool) -> float:
    """CPU seconds (utime + stime) of every live descendant of ``root`` from ``/proc``, and of
    ``root`` itself when ``include_root``; ``waited`` adds each one's waited-for children
    (cutime + cstime)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    last = 15 if waited else 13
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = sum(int(f) for f in fields[11:last]) / CLK_TCK
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total = cpu.get(root, 0.0) if include_root else 0.0
    todo = list(children.get(root, []))
    while todo:
        current = todo.pop()
        total += cpu.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def ours_seconds() -> float:
    """CPU seconds of this process, its waited-for children and its live descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    rusage = own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
    return rusage + tree_seconds(os.getpid(), include_root=False, waited=True)


def snapshot() -> CpuSnapshot:
    """Now, from ``/proc/stat`` and this process tree."""
    return CpuSnapshot(
        time.monotonic(), machine_seconds(Path("/proc/stat").read_text()), ours_seconds()
    )


def others(before: CpuSnapshot, after: CpuSnapshot) -> Others:
    """What everything else used between two snapshots (never below zero: the two sources
    tick separately)."""
    used = (after.machine_s - before.machine_s) - (after.ours_s - before.ours_s)
    return Others(max(0.0, used), after.at_s - before.at_s)


Sampler = Callable[[], CpuSnapshot]
