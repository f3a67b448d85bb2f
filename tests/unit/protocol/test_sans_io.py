"""protocol/ is sans-IO: no module of it imports asyncio, sockets, selectors, threads or clocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.imports import imported_packages as _imports

FORBIDDEN = {"asyncio", "socket", "select", "selectors", "time", "threading", "ssl", "uvloop"}
PROTOCOL = Path(__file__).resolve().parents[3] / "protocol"
SOURCES = sorted(PROTOCOL.rglob("*.py"))


def test_sources_found() -> None:
    assert len(SOURCES) > 10


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PROTOCOL)) for p in SOURCES])
def test_no_io_imports(path: Path) -> None:
    assert not (_imports(path) & FORBIDDEN), f"{path} imports {_imports(path) & FORBIDDEN}"


def test_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import asyncio\nfrom time import monotonic\n")
    assert _imports(bad) & FORBIDDEN == {"asyncio", "time"}
