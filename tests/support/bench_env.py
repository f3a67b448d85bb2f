"""What the bench tests share: whether the C load generator can be built here, and a quick-run
``Env`` whose child processes are killed at the end."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bench.common import Env

__all__ = ["c_loadgen_unavailable", "needs_c_loadgen", "quick_env"]


def c_loadgen_unavailable(*, wheel: bool = False) -> str:
    """Why the C load generator cannot be built here ("" if it can); ``wheel``: the build
    linked to confluent-kafka's bundled librdkafka too."""
    from bench import loadgen_c

    try:
        loadgen_c.compiler()
        loadgen_c.include_dir()
        if wheel:
            loadgen_c.wheel_library()
    except loadgen_c.Unavailable as exc:
        return str(exc)
    return ""


def needs_c_loadgen(*, wheel: bool = False) -> pytest.MarkDecorator:
    """Skip (saying why) where the C load generator cannot be built."""
    why = c_loadgen_unavailable(wheel=wheel)
    return pytest.mark.skipif(bool(why), reason=why or "-")


@contextlib.contextmanager
def quick_env(tmp_path: Path) -> Iterator[Env]:
    """A ``--quick`` harness ``Env`` in ``tmp_path``, unpinned, its children killed at the end
    (the default librdkafka build: a scenario that needs the wheel's picks it itself)."""
    from bench.broker_bench import Children
    from bench.common import Env as QuickEnv

    children = Children(pin=False)
    try:
        yield QuickEnv(tmp_path, tmp_path, True, 1, False, children, busy_reruns=0)
    finally:
        children.kill_all()
