"""broker/group's core is pure: no module of it but the driver's imports asyncio, sockets,
threads or clocks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = {
    "asyncio",
    "socket",
    "select",
    "selectors",
    "time",
    "datetime",
    "threading",
    "ssl",
    "uvloop",
    "broker.server",
    "broker.storage",
}
ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "broker" / "group"
#: The IO half, beside the core: the asyncio driver, its loader, the creation of its topic and
#: the lag report it serves, and the driver of KIP-848 consumer groups.
DRIVER_MODULES = frozenset(
    {"driver.py", "loader.py", "offsets_topic.py", "lag.py", "consumer_driver.py"}
)
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in DRIVER_MODULES)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found |= {alias.name.split(".")[0], ".".join(alias.name.split(".")[:2])}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module.split(".")[0], ".".join(node.module.split(".")[:2])}
    return found


def test_sources_found() -> None:
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_no_io_imports(path: Path) -> None:
    assert not (_imports(path) & FORBIDDEN), f"{path} imports {_imports(path) & FORBIDDEN}"


def test_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import asyncio\nfrom time import monotonic\nfrom broker.storage import x\n")
    assert _imports(bad) & FORBIDDEN == {"asyncio", "time", "broker.storage"}


def test_importing_the_package_loads_no_io_module() -> None:
    code = (
        "import sys, broker.group\n"
        "bad = {'asyncio', 'socket', 'selectors', 'threading', 'ssl'} & set(sys.modules)\n"
        "print(sorted(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
