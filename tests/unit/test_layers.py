"""The layer graph of ARCHITECTURE.md, enforced: imports point downward only, and no cycles.

Every module of ``broker``, ``client`` and ``protocol`` belongs to one layer (the longest prefix
in ``LAYERS`` names it). A module may import its own layer and the layers that ``ALLOWED`` lists
for it; anything else is an upward or sideways import and fails here. Imports inside functions
count (they are how cycles used to hide), and so do imports under ``TYPE_CHECKING`` for the
layer rule (a type named from above is still a dependency on it); only the cycle check leaves
them out, because they never run.

To add an edge, add it to ``ALLOWED`` and to the diagram in ARCHITECTURE.md, with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("protocol", "client", "broker")

#: Layer names, most specific first where one is a prefix of another.
LAYERS = (
    "protocol",
    "client.cli",
    "client",
    "broker.config",
    "broker.tasks",
    "broker.telemetry",
    "broker.faults",
    "broker.security",
    "broker.storage",
    "broker.raft",
    "broker.metadata",
    "broker.replication",
    "broker.group",
    "broker.txn",
    "broker.handlers",
    "broker.server",
    "broker.http",
    "broker.cli",
    "broker",  # the composition root: app.py, pytest_plugin.py, the package itself
)

#: What each layer may import besides itself (downward edges only).
ALLOWED: dict[str, frozenset[str]] = {
    "protocol": frozenset(),
    "client": frozenset({"protocol"}),
    "client.cli": frozenset({"client", "protocol"}),
    "broker.config": frozenset({"protocol"}),
    # Reporting background tasks that end on a bug (asyncio and logging only).
    "broker.tasks": frozenset(),
    # Metrics' recording primitives (counters, histograms): pure, so that every layer that
    # records (storage's flusher, the group coordinator, handlers, the server) may use them.
    "broker.telemetry": frozenset(),
    # Fault injection's pure core (specs, the armed faults' decisions, seeded chaos): at the
    # bottom so that the server's connections and the composition root's fault control, which
    # drive it, and the HTTP channel and the CLI, which arm it, may all use it.
    "broker.faults": frozenset({"protocol"}),
    # Principals, TLS contexts, SASL and ACL authorization: pure rules and contexts that the
    # storage-and-up layers use; below them so that the metadata image can hold ACLs.
    "broker.security": frozenset({"broker.tasks", "broker.config", "protocol"}),
    "broker.storage": frozenset({"broker.tasks", "broker.config", "protocol"}),
    "broker.raft": frozenset({"broker.storage", "broker.tasks", "broker.config", "protocol"}),
    "broker.metadata": frozenset(
        {
            "broker.raft",
            "broker.storage",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "protocol",
        }
    ),
    # The follower fetcher is a Kafka client of the leader: it uses the client's connection.
    "broker.replication": frozenset(
        {
            "broker.metadata",
            "broker.storage",
            "broker.security",
            "broker.tasks",
            "broker.config",
            "client",
            "protocol",
        }
    ),
    "broker.group": frozenset(
        {
            "broker.replication",
            "broker.metadata",
            "broker.storage",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "protocol",
        }
    ),
    # The transaction coordinator: above the group coordinator (AddOffsetsToTxn maps a group to
    # its partition; markers in __consumer_offsets complete transactional offset commits), and
    # a Kafka client of other brokers (WriteTxnMarkers over the client's connection).
    "broker.txn": frozenset(
        {
            "broker.group",
            "broker.replication",
            "broker.metadata",
            "broker.storage",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "client",
            "protocol",
        }
    ),
    "broker.handlers": frozenset(
        {
            "broker.txn",
            "broker.group",
            "broker.replication",
            "broker.metadata",
            "broker.storage",
            "broker.security",
            "broker.config",
            "protocol",
        }
    ),
    "broker.server": frozenset(
        {
            "broker.handlers",
            "broker.storage",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "protocol",
        }
    ),
    # The HTTP listener (health checks, metrics, the web console): it reads every layer's
    # state to report it, and the console's admin actions are Kafka requests (the client).
    "broker.http": frozenset(
        {
            "broker.server",
            "broker.handlers",
            "broker.txn",
            "broker.group",
            "broker.replication",
            "broker.metadata",
            "broker.raft",
            "broker.storage",
            "broker.telemetry",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "client",
            "protocol",
        }
    ),
    "broker": frozenset(
        {
            "broker.http",
            "broker.telemetry",
            "broker.server",
            "broker.handlers",
            "broker.txn",
            "broker.group",
            "broker.replication",
            "broker.metadata",
            "broker.raft",
            "broker.storage",
            "broker.tasks",
            "broker.security",
            "broker.config",
            "client",
            "protocol",
        }
    ),
    # `samsa broker start` and `samsa cluster up` run the broker; the root group is the client's.
    "broker.cli": frozenset(
        {
            "broker",
            "broker.server",
            "broker.metadata",
            "broker.security",
            "broker.config",
            "client.cli",
            "client",
            "protocol",
        }
    ),
}

# Every broker layer above broker.security may use it.
for _layer in (
    "broker.storage",
    "broker.raft",
    "broker.metadata",
    "broker.replication",
    "broker.group",
    "broker.txn",
    "broker.handlers",
    "broker.server",
    "broker.http",
    "broker.cli",
    "broker",
):
    ALLOWED[_layer] = ALLOWED[_layer] | {"broker.security"}

# The layers that drive, arm or report fault injection.
for _layer in ("broker.server", "broker.http", "broker.cli", "broker"):
    ALLOWED[_layer] = ALLOWED[_layer] | {"broker.faults"}

# The layers that record metrics into broker.telemetry.
for _layer in ("broker.storage", "broker.group", "broker.handlers", "broker.server"):
    ALLOWED[_layer] = ALLOWED[_layer] | {"broker.telemetry"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    type_only: bool


def layer_of(module: str) -> str:
    for layer in LAYERS:
        if module == layer or module.startswith(layer + "."):
            return layer
    raise AssertionError(f"{module} belongs to no layer")


def module_names(root: Path = ROOT) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside |= {id(n) for n in ast.walk(child)}
    return inside


def imports_of(module: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    """Every import of a first-party module in ``path`` (resolved to the module it names)."""
    tree = ast.parse(path.read_text(), str(path))
    type_only = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]
        for name in names:
            target = name
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                yield Import(module, target, node.lineno, id(node) in type_only)


def all_imports(root: Path = ROOT) -> list[Import]:
    known = module_names(root)
    return [imp for module, path in known.items() for imp in imports_of(module, path, known)]


def upward_imports(imports: list[Import]) -> list[str]:
    bad = []
    for imp in imports:
        source, target = layer_of(imp.source), layer_of(imp.target)
        if source != target and target not in ALLOWED[source]:
            bad.append(f"{imp.source}:{imp.line} imports {imp.target} ({source} -> {target})")
    return sorted(set(bad))


def cycles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.type_only:
            graph.setdefault(imp.source, set()).add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer() -> None:
    modules = module_names()
    assert len(modules) > 100
    for module in modules:
        assert layer_of(module) in ALLOWED


def test_imports_point_downward() -> None:
    assert upward_imports(all_imports()) == []


def test_no_import_cycles() -> None:
    assert cycles(all_imports()) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


def test_checker_catches_an_upward_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "broker/storage/__init__.py": "",
            "broker/storage/log.py": "def f():\n    from broker.server import x\n",
            "broker/server/__init__.py": "x = 1\n",
        },
    )
    assert upward_imports(all_imports(root)) == [
        "broker.storage.log:2 imports broker.server (broker.storage -> broker.server)"
    ]


@pytest.mark.parametrize("type_only", [False, True])
def test_checker_catches_a_cycle(tmp_path: Path, type_only: bool) -> None:
    second = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import protocol.a\n"
    root = _tree(
        tmp_path,
        {
            "protocol/a.py": "from protocol import b\n",
            "protocol/b.py": second if type_only else "def f():\n    import protocol.a\n",
        },
    )
    assert cycles(all_imports(root)) == ([] if type_only else [["protocol.a", "protocol.b"]])
