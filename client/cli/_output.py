"""How the admin commands print: text for people, tab-separated text for pipes, or JSON.

``--format text`` prints aligned columns with a bold header on a terminal and tab-separated
columns when stdout is a pipe or file, so that ``cut -f`` and ``awk -F'\\t'`` work. In a pipe,
a list (``topic list``, ``group list``) is its rows alone, as Kafka's ``kafka-topics.sh --list``
prints bare names, so that ``samsa topic list | cut -f1`` gives the names; the sections of a
``describe`` keep their column names. ``--format json`` prints one JSON document
(``consume``: one JSON object per line). Colour follows rich's rules: none when piped, none
when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import click

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Output",
    "OutputFormat",
    "human_bytes",
    "is_terminal",
]

OutputFormat = Literal["text", "json"]

#: Spaces between aligned columns on a terminal (as rpk and kubectl print them).
_COLUMN_GAP: Final = "  "
_BYTE_UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def is_terminal() -> bool:
    """Whether stdout is a terminal (tests replace this to check the aligned layout)."""
    return sys.stdout.isatty()


def human_bytes(size: int) -> str:
    """``1536`` → ``1.5 KiB`` (binary units, one decimal above bytes)."""
    value = float(size)
    for unit in _BYTE_UNITS:
        if abs(value) < 1024 or unit == _BYTE_UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


class Output:
    """Prints the results of one command in the chosen format."""

    def __init__(self, fmt: OutputFormat) -> None:
        self.format: OutputFormat = fmt
        self.terminal = is_terminal()
        self._console_: Console | None = None
        self._sections = 0

    def _bold(self, text: str) -> None:
        """One line in bold (rich decides whether colour is on: not with ``NO_COLOR``)."""
        if self._console_ is None:
            from rich.console import Console

            self._console_ = Console(file=sys.stdout, highlight=False, soft_wrap=True)
        from rich.text import Text

        self._console_.print(Text(text, style="bold"))

    @property
    def json(self) -> bool:
        """True for ``--format json``."""
        return self.format == "json"

    def size(self, size_bytes: int | None) -> str | int | None:
        """A size as people read it on a terminal; the exact byte count otherwise."""
        if size_bytes is None or size_bytes < 0:
            return None
        return human_bytes(size_bytes) if self.terminal else size_bytes

    def emit_json(self, document: Any) -> None:
        """Print one JSON document."""
        click.echo(json.dumps(document, indent=2 if self.terminal else None))

    def line(self, text: str) -> None:
        """Print one line of text as it is."""
        click.echo(text)

    def heading(self, title: str) -> None:
        """Start a section: a bold title on a terminal, a blank line between sections in
        pipes."""
        if self._sections:
            click.echo("")
        if self.terminal:
            self._bold(title)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        header_in_pipes: bool = True,
    ) -> None:
        """Columns aligned on a terminal, tab-separated in pipes; the header first, except in
        pipes when ``header_in_pipes`` is False (lists whose rows scripts cut)."""
        self._sections += 1
        cells = [[_cell(v) for v in row] for row in rows]
        if not self.terminal:
            for row in [list(headers), *cells] if header_in_pipes else cells:
                click.echo("\t".join(row))
            return
        widths = [len(h) for h in headers]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

        def aligned(row: Sequence[str]) -> str:
            return _COLUMN_GAP.join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

        self._bold(aligned(headers))
        for row in cells:
            click.echo(aligned(row))

    def pairs(self, items: Sequence[tuple[str, object]]) -> None:
        """``KEY value`` lines: aligned on a terminal, tab-separated in pipes."""
        self._sections += 1
        if not self.terminal:
            for key, value in items:
                click.echo(f"{key}\t{_cell(value)}")
            return
        width = max((len(k) for k, _ in items), default=0)
        for key, value in items:
            click.echo(f"{key.ljust(width)}{_COLUMN_GAP}{_cell(value)}")
