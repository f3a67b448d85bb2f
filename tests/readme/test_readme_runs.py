"""The READMEs are executable: every shell, console and Python block of ``README.md`` and of
``examples/bank/README.md`` runs in order, as written, the way a newcomer runs them — in a fresh
``git clone`` of this repository's HEAD, in a virtual environment built by the README's own
install command, with nothing activated, against the broker the README starts (see
``readme_session.py``). A README change that breaks a step fails this test.

Blocks that cannot run as written say why, visibly, with ``<!-- not run: why -->`` before
them; there may be only a few. Commands that need kcat or curl run where those are installed.
``SAMSA_README_REPO=/path/to/repo`` clones another repository (e.g. a commit being prepared).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Final

import pytest
from readme.readme_blocks import Block, blocks, console_steps, shell_commands
from readme.readme_session import (
    ReadmeSession,
    long_running,
    namespace_unavailable,
    normalise,
    ports_in_use,
)

ROOT: Final = Path(__file__).resolve().parents[2]
#: The documents, in the order a newcomer follows them.
DOCUMENTS: Final = ("README.md", "examples/bank/README.md")
#: At most this many blocks may be marked ``<!-- not run: … -->``.
MAX_NOT_RUN: Final = 4
#: Tools the READMEs use besides the clone's own: where one is missing, its commands are
#: not run (CI installs kcat; curl is on every machine).
OPTIONAL_TOOLS: Final = ("kcat", "curl")
#: How a command of the READMEs may start: the clone's own programs (never a bare ``samsa`` or
#: ``python``, which are on PATH only with the environment activated), the system Python for
#: creating the environment, and a few standard tools.
_COMMAND_START: Final = re.compile(
    r"^(\.venv/bin/(samsa|python|pip)\b|python3 -m venv\b|bash tests/run\.sh$|"
    r"(kcat|curl|printf|echo|cut|grep)\b)"
)
#: The cluster's stop (three brokers, each a controlled shutdown) may take this long after
#: Ctrl-C; any other background command less.
CLUSTER_STOP_BUDGET_S: Final = 10.0
STOP_BUDGET_S: Final = 5.0


def _all_blocks(root: Path) -> list[Block]:
    return [b for document in DOCUMENTS for b in blocks(root / document, document)]


def _commands(block: Block) -> list[str]:
    if block.file is not None:
        return []
    if block.language == "console":
        return [step.command for step in console_steps(block.text)]
    if block.language == "python":
        return []
    return shell_commands(block.text)


def test_every_block_runs_or_says_why_not() -> None:
    every = _all_blocks(ROOT)
    assert len(every) >= 15
    not_run = [b for b in every if b.not_run is not None]
    assert len(not_run) <= MAX_NOT_RUN, [b.where for b in not_run]
    for block in not_run:
        assert len(block.not_run or "") >= 10, f"{block.where}: say why it is not run"
    for block in every:
        if block.file is not None:
            assert not block.file.startswith("/") and ".." not in block.file, block.where
        elif block.language in ("sh", "bash", "console"):
            assert _commands(block), f"{block.where}: no command"
        for command in _commands(block):
            for part in re.split(r"\s*(?:&&|\|)\s*", command):
                assert _COMMAND_START.match(part), (
                    f"{block.where}: {part!r} does not run from a fresh clone as written "
                    "(use .venv/bin/…)"
                )


def _missing_tool(command: str) -> str | None:
    for tool in OPTIONAL_TOOLS:
        if re.search(rf"(^|[|&;]\s*){tool}\b", command) and shutil.which(tool) is None:
            return tool
    return None


def _compare(command: str, shown: list[str], printed: list[str]) -> None:
    expected = normalise(shown)
    actual = normalise(printed)
    if " consume " in command.split("|")[0]:
        # Records of different partitions may arrive in either order.
        expected, actual = sorted(expected), sorted(actual)
    assert actual == expected, (
        f"$ {command}\n--- the README shows:\n"
        + "\n".join(shown)
        + "\n--- it printed:\n"
        + "\n".join(printed)
    )


def _run_block(session: ReadmeSession, block: Block) -> None:
    if block.file is not None:
        session.save(block.file, block.text)
        return
    if block.language == "python":
        name = f"{Path(block.document).parent.name or 'readme'}-{block.line}"
        output = session.python(block.text, name)
        assert output.strip(), f"{block.where}: the example printed nothing"
        return
    if block.language == "console":
        for step in console_steps(block.text):
            tool = _missing_tool(step.command)
            if tool is not None:
                session.transcript.append(f"(not run, {tool} is not installed) $ {step.command}")
                continue
            _compare(step.command, step.expected, session.on_terminal(step.command))
        return
    for command in shell_commands(block.text):
        tool = _missing_tool(command)
        if tool is not None:
            session.transcript.append(f"(not run, {tool} is not installed) $ {command}")
            continue
        parts = command.split(" && ")
        ready = long_running(parts[-1])
        if ready is None:
            session.run(command)
            continue
        for part in parts[:-1]:
            session.run(part)
        session.start(parts[-1], ready)


@pytest.mark.timeout(480)
def test_the_readmes_run_as_written(tmp_path: Path) -> None:
    use_namespace = namespace_unavailable() is None
    if not use_namespace:
        busy = ports_in_use()
        if busy:
            pytest.skip(f"{namespace_unavailable()}, and ports {busy} are in use here")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "samsa"
    source = os.environ.get("SAMSA_README_REPO", str(ROOT))
    subprocess.run(
        ["git", "clone", "--quiet", source, str(clone)],
        check=True,
        timeout=120,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    session = ReadmeSession(clone, tmp_path, use_namespace=use_namespace)
    try:
        with session:
            for document in DOCUMENTS:
                for block in blocks(clone / document, document):
                    if block.not_run is None:
                        _run_block(session, block)
                for command, status, seconds in session.stop_background():
                    assert status == 0, f"{command!r} exited {status} on Ctrl-C"
                    budget = CLUSTER_STOP_BUDGET_S if "cluster up" in command else STOP_BUDGET_S
                    assert seconds < budget, f"{command!r} took {seconds:.1f} s to stop"
    finally:
        (tmp_path / "transcript.txt").write_text("\n".join(session.transcript) + "\n")
    # What the READMEs made in the clone (databases, logs) is ignored by git: nothing is left
    # for a newcomer to commit by mistake.
    left = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    assert left.stdout == "", left.stdout
