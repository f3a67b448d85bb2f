"""Every pure core stays pure: no asyncio, sockets, threads, clocks or processes, even indirectly.

The pure cores are the state machines that take time and randomness as arguments (ARCHITECTURE.md,
"Pure cores, thin drivers"): Raft, the metadata image and its planners, replica rules and
producer dedupe, the group and transaction coordinators' cores and the protocol codec. For each,
every first-party module it imports at run time (transitively) is read, and none may import an IO
or clock module.
Third-party libraries are not followed (crc32c, for one, loads threading for its own reasons).
``protocol/`` and ``broker/group`` also have their own tests (tests/unit/protocol/test_sans_io.py,
tests/unit/group/test_group_sans_io.py).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from support.imports import imported_packages as _stdlib_imports
from unit.test_layers import Import, all_imports, module_names

#: Standard modules a pure core must not import: IO, concurrency, processes and clocks.
IO_MODULES = frozenset(
    {
        "asyncio",
        "socket",
        "select",
        "selectors",
        "ssl",
        "threading",
        "concurrent",
        "subprocess",
        "signal",
        "uvloop",
        "time",
        "datetime",
    }
)

#: The pure cores, by module. Drivers (asyncio, files, clocks) sit beside them in each package.
PURE_CORES = (
    "protocol.codec",
    "protocol.records",
    "broker.raft.core",
    "broker.metadata.image",
    "broker.metadata.records",
    "broker.metadata.placement",
    "broker.metadata.topic_planner",
    "broker.metadata.config_planner",
    "broker.metadata.producer_ids",
    "broker.metadata.cluster_control",
    "broker.metadata.snapshot",
    "broker.metadata.internal_topic_policy",
    "broker.replication.isr",
    "broker.replication.producer_state",
    "broker.group.coordinator",
    "broker.group.context",
    "broker.group.consumer_coordinator",
    "broker.txn.core",
    "broker.txn.records",
    "broker.txn.state",
    "broker.txn.outcome",
    "broker.txn.config",
    "broker.security.acl",
    "broker.security.sasl",
    "broker.server.authn",
    "broker.server.fault_hooks",
    "broker.telemetry.histogram",
    "broker.telemetry.requests",
    "broker.telemetry.traffic",
    "broker.faults.spec",
    "broker.faults.plan",
    "broker.faults.chaos",
)


def reached(module: str, imports: list[Import]) -> set[str]:
    """``module`` and every first-party module it imports at run time, transitively."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.type_only:
            graph.setdefault(imp.source, set()).add(imp.target)
    seen = {module}
    todo = [module]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@functools.cache
def _first_party() -> tuple[dict[str, Path], list[Import]]:
    return module_names(), all_imports()


def io_imports(module: str) -> dict[str, set[str]]:
    paths, imports = _first_party()
    found = {}
    for name in sorted(reached(module, imports)):
        bad = _stdlib_imports(paths[name]) & IO_MODULES
        if bad:
            found[name] = bad
    return found


@pytest.mark.parametrize("module", PURE_CORES)
def test_a_pure_core_reaches_no_io_module(module: str) -> None:
    assert io_imports(module) == {}


def test_the_check_sees_a_driver() -> None:
    assert "asyncio" in io_imports("broker.group.driver")["broker.group.driver"]
