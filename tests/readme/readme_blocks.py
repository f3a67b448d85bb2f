"""The runnable blocks of a Markdown file, and their commands (pure: no processes).

A fenced block in ``sh``, ``bash``, ``console`` or ``python`` is run; a block right after an
HTML comment ``<!-- not run: why -->`` is not, and says why. A block of any language right after
``<!-- file: PATH -->`` is a file the reader saves: it is written to PATH (relative to the
clone) when the run reaches it. ``sh`` blocks are commands, one a line (``\\`` continues a line;
lines that are only a comment are left out). ``console`` blocks are ``$ command`` lines, each
followed by the output it prints; a command line ending in ``\\`` continues on the next line
(after the shell's ``>`` prompt, if shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = ["Block", "ConsoleStep", "blocks", "console_steps", "shell_commands"]

#: The languages whose blocks are run.
RUN_LANGUAGES: Final = frozenset({"sh", "bash", "console", "python"})
_FENCE: Final = re.compile(r"^```(\S*)\s*$")
_NOT_RUN: Final = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->\s*$")
_FILE: Final = re.compile(r"^<!--\s*file:\s*(\S+)\s*-->\s*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced block of a document."""

    document: str
    #: 1-based line of the opening fence.
    line: int
    language: str
    text: str
    #: Why it is not run (``<!-- not run: why -->`` before it); None: it is run.
    not_run: str | None = None
    #: Where the block is saved (``<!-- file: PATH -->`` before it); None: not a file.
    file: str | None = None

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


@dataclass(frozen=True, slots=True)
class ConsoleStep:
    """A ``$ command`` of a console block and the output shown after it."""

    command: str
    expected: list[str] = field(default_factory=list)


def blocks(path: Path, name: str | None = None) -> list[Block]:
    """Every runnable fenced block of the file, in order (skipped ones included)."""
    lines = path.read_text().splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        language = match.group(1)
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        saved = _FILE.match(previous.strip())
        if language not in RUN_LANGUAGES and saved is None:
            continue
        marker = _NOT_RUN.match(previous.strip())
        reason = marker.group(1) if marker else None
        text = "\n".join(body) + "\n"
        where = name or path.name
        file = saved.group(1) if saved else None
        out.append(Block(where, start + 1, language, text, reason, file))
    return out


def _logical_lines(text: str) -> list[str]:
    """Lines with ``\\``-continuations joined."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        out.append(pending + raw)
        pending = ""
    if pending:
        out.append(pending)
    return out


def shell_commands(text: str) -> list[str]:
    """The commands of an ``sh`` block, one per logical line (blank and comment-only lines
    left out; a trailing comment stays: the shell ignores it)."""
    return [
        line.strip()
        for line in _logical_lines(text)
        if line.strip() and not line.strip().startswith("#")
    ]


def console_steps(text: str) -> list[ConsoleStep]:
    """The ``$ command`` lines of a console block with the output lines after each."""
    steps: list[ConsoleStep] = []
    continued = False
    for line in text.splitlines():
        if continued:
            part = line[2:] if line.startswith("> ") else line
            continued = part.rstrip().endswith("\\")
            more = part.strip().removesuffix("\\").strip()
            steps[-1] = ConsoleStep(f"{steps[-1].command} {more}", steps[-1].expected)
        elif line.startswith("$ "):
            continued = line.rstrip().endswith("\\")
            steps.append(ConsoleStep(line[2:].strip().removesuffix("\\").strip()))
        elif steps:
            steps[-1].expected.append(line)
        elif line.strip():
            raise ValueError(f"output before the first command: {line!r}")
    return steps
