"""Reads the broker's log as it grows and sorts every record into expected or not.

Expected: the warnings a correct broker logs when it closes a connection on bad input
(reason codes ``malformed_frame``, ``frame_too_large``, ``malformed_request``,
``unsupported_request``, ``request_read_timeout``, ``idle``, ``failed_acks0_produce``, or the
older reason texts), its "suppressed N more lines" summaries of them, and INFO lines. Bugs:
any ``Traceback``, any ``UNKNOWN_SERVER_ERROR``, ``Fatal error`` or ``Fatal Python error``
line, any ERROR or CRITICAL record. Other warnings are counted and shown, not judged.

Unexpected records are grouped by a key: for a traceback, the exception type and the last
frame (file, line, function) of the innermost traceback; otherwise the level, logger and
message with numbers blanked. Each group keeps its count, its first record in full, and the
client addresses (``host:port``) its records named, so the fuzzer can say which connection's
bytes led there.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = ["LogScanner", "Unexpected"]

_RECORD: Final = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+): (.*)$"
)
_FRAME: Final = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
_PEER: Final = re.compile(r"\b(127\.0\.0\.1:\d+)\b")
_NUMBER: Final = re.compile(r"\d+")
_BUG_MARKERS: Final = ("Traceback", "UNKNOWN_SERVER_ERROR", "Fatal error", "Fatal Python error")
#: Why a correct broker closes a connection on bad input: the reason codes of its close lines
#: (``closing connection from PEER (code): detail``), and the reasons of the older
#: ``closing connection from PEER: reason`` form.
EXPECTED_CLOSE_CODES: Final = frozenset(
    {
        "malformed_frame",
        "frame_too_large",
        "malformed_request",
        "unsupported_request",
        "request_read_timeout",
        "idle",
        "failed_acks0_produce",
    }
)
EXPECTED_CLOSE_REASONS: Final = (
    "malformed frame",
    "malformed request",
    "unsupported request",
    "closing after a failed acks=0 produce",
)
_CLOSE: Final = re.compile(r"^closing connection from (\S+?)(?: \((\w+)\))?: (.*)$")
#: The broker's summary of close lines it did not log (it rate-limits them).
_SUPPRESSED: Final = re.compile(r"^suppressed \d+ more lines like the above")
#: Characters of a record kept as its sample (a traceback fits).
SAMPLE_CHARS: Final = 6000
#: Peers remembered per group of unexpected records.
MAX_PEERS: Final = 20


@dataclass
class Unexpected:
    """A group of unexpected log records with the same key."""

    key: str
    count: int
    sample: str
    peers: list[str] = field(default_factory=list)


class LogScanner:
    """Incremental reader of one log file (call ``poll`` as often as you like)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""
        self._record: list[str] = []
        self.expected_closes: Counter[str] = Counter()
        self.other_warnings: Counter[str] = Counter()
        self.unexpected: dict[str, Unexpected] = {}
        self.records = 0

    def poll(self) -> list[Unexpected]:
        """Read what was appended; returns the groups that got new records."""
        try:
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        touched: dict[str, Unexpected] = {}
        for raw in lines:
            line = raw.decode("utf-8", errors="replace")
            if _RECORD.match(line) and self._record:
                self._finish(touched)
            # Lines outside any record (a crash's last words) start a record of their own.
            if line.strip() or self._record:
                self._record.append(line)
        return list(touched.values())

    def finish(self) -> list[Unexpected]:
        """Read the rest and close the last record (call once the broker has stopped)."""
        touched = self.poll()
        if self._partial:
            self._record.append(self._partial.decode("utf-8", errors="replace"))
            self._partial = b""
        extra: dict[str, Unexpected] = {}
        if self._record:
            self._finish(extra)
        return touched + list(extra.values())

    def _finish(self, touched: dict[str, Unexpected]) -> None:
        lines, self._record = self._record, []
        self.records += 1
        head = _RECORD.match(lines[0])
        text = "\n".join(lines)
        if head is None:
            level, logger, message = "RAW", "-", lines[0]
        else:
            level, logger, message = head.group(1), head.group(2), head.group(3)
        bug = level in ("ERROR", "CRITICAL") or any(m in text for m in _BUG_MARKERS)
        if not bug:
            if level == "WARNING":
                reason = _expected_close(message)
                if reason is not None:
                    self.expected_closes[reason] += 1
                else:
                    self.other_warnings[f"{logger}: {_blank(message)}"] += 1
            return
        key = _traceback_key(lines) or f"{level} {logger}: {_blank(message)}"
        group = self.unexpected.get(key)
        if group is None:
            group = self.unexpected[key] = Unexpected(key, 0, text[:SAMPLE_CHARS])
        group.count += 1
        for peer in _PEER.findall(message):
            if len(group.peers) < MAX_PEERS and peer not in group.peers:
                group.peers.append(peer)
        touched[key] = group


def _expected_close(message: str) -> str | None:
    """The reason of an expected close line (or "suppressed lines"), else None."""
    if _SUPPRESSED.match(message):
        return "suppressed lines"
    close = _CLOSE.match(message)
    if close is None:
        return None
    code, detail = close.group(2), close.group(3)
    if code is not None:
        return code if code in EXPECTED_CLOSE_CODES else None
    return next((r for r in EXPECTED_CLOSE_REASONS if detail.startswith(r)), None)


def _blank(message: str) -> str:
    return _NUMBER.sub("N", _PEER.sub("PEER", message))[:200]


def _traceback_key(lines: list[str]) -> str | None:
    """``ExceptionType at file:line in function`` of the innermost traceback, if any."""
    start = max((i for i, line in enumerate(lines) if line.startswith("Traceback")), default=-1)
    if start < 0:
        return None
    last_frame = "?"
    exception = "?"
    for line in lines[start + 1 :]:
        frame = _FRAME.match(line)
        if frame:
            path = frame.group(1)
            short = path.split("/site-packages/")[-1]
            for root in ("/broker/", "/protocol/", "/client/"):
                if root in short:
                    short = root[1:] + short.split(root, 1)[1]
                    break
            last_frame = f"{short}:{frame.group(2)} in {frame.group(3)}"
        elif line and not line.startswith(" "):
            exception = line.split(":", 1)[0]
            break
    return f"{exception} at {last_frame}"
