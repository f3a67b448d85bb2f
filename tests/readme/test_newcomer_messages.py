"""What a newcomer meets around the README's commands, beyond the commands themselves: the
package builds without deprecation warnings and ships its type markers, and
``python -m bench`` without the bench extra says what to install in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("broker", "client", "protocol")
#: Building a wheel of the project's metadata and empty packages takes a second or two.
BUILD_TIMEOUT_S = 120


def test_the_wheel_builds_without_warnings_with_py_typed_and_an_spdx_license(
    tmp_path: Path,
) -> None:
    """The project's own pyproject.toml, built with warnings as errors (setuptools deprecates
    the ``license`` table), and the packages' ``py.typed`` markers in the wheel."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").touch()
        shutil.copy(ROOT / package / "py.typed", tmp_path / package / "py.typed")
    done = subprocess.run(
        [
            sys.executable, "-W", "error", "-c",
            "from setuptools import build_meta; print(build_meta.build_wheel('dist'))",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    wheel = tmp_path / "dist" / done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    assert {f"{p}/py.typed" for p in PACKAGES} <= names
    assert "License-Expression: Apache-2.0" in text


def test_bench_without_its_extra_says_what_to_install() -> None:
    # The quick-start environment has none of the bench extra: hide its modules.
    hide = "import sys; [sys.modules.__setitem__(m, None) for m in ('matplotlib', 'hdrh')]; "
    run = "import runpy; runpy.run_module('bench', run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", hide + run],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "python -m bench: error: matplotlib, hdrhistogram not installed; the benchmarks need "
        "the bench extra: .venv/bin/pip install -e '.[bench]'"
    )
