"""The harness's scenarios, in the order a run takes them. Each module has ``NAME``, a one-line
``TITLE`` and ``run(env)``, which records its cases in ``env`` (failures and skips included:
a scenario never raises for one case)."""

from __future__ import annotations

from types import ModuleType

from bench.scenarios import (
    cluster,
    fleet,
    latency,
    limits,
    recovery,
    scale,
    small,
    tansu,
    throughput,
)
from bench.scenarios import groups as groups_

ALL: tuple[ModuleType, ...] = (
    limits,
    throughput,
    tansu,
    small,
    latency,
    groups_,
    scale,
    fleet,
    recovery,
    cluster,
)
BY_NAME: dict[str, ModuleType] = {m.NAME: m for m in ALL}
