"""A ``samsa broker start`` subprocess: start it, read its memory, stop it.

The broker's stderr (its log) goes to a file that ``log_scan`` reads while it runs; its stdout
says where it listens. Every wait has a deadline; ``stop`` ends with SIGKILL if SIGTERM was
not enough.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

__all__ = ["BrokerProcess", "MemoryReading", "read_memory"]

REPO: Final = Path(__file__).resolve().parents[2]
#: How long a broker may take to print where it listens (it takes about a second).
START_TIMEOUT_S: Final = 30.0
#: How long SIGTERM may take before SIGKILL: a clean stop flushes and closes every log.
STOP_TIMEOUT_S: Final = 30.0
#: Polling interval while waiting for the broker to start or stop.
POLL_INTERVAL_S: Final = 0.02

_LISTENING: Final = re.compile(r"listening on (\S+):(\d+)")


@dataclass(frozen=True)
class MemoryReading:
    """``VmRSS`` (now) and ``VmHWM`` (the peak since start), in bytes."""

    rss_bytes: int
    hwm_bytes: int


def read_memory(pid: int) -> MemoryReading | None:
    """The process's resident memory, or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields: dict[str, int] = {}
    for line in status.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(rest.split()[0]) * 1024
    if "VmRSS" not in fields:
        return None  # a zombie has no memory lines
    return MemoryReading(fields["VmRSS"], fields.get("VmHWM", fields["VmRSS"]))


class BrokerProcess:
    """One broker process on a data directory, with its log in ``log_path``."""

    def __init__(
        self,
        data_dir: Path,
        log_path: Path,
        settings: dict[str, str],
        source_dir: Path = REPO,
    ) -> None:
        #: The checkout whose ``broker`` package runs (the working directory wins imports).
        self.source_dir = source_dir
        self.data_dir = data_dir
        self.log_path = log_path
        self.settings = settings
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stdout_path = log_path.with_suffix(".stdout")
        self._log_file: IO[bytes] | None = None
        self._stdout_file: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the broker (on the previous port after a restart) and wait until it listens."""
        argv = [
            sys.executable,
            "-c",
            "from broker.cli import main; main()",
            "broker",
            "start",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
            "--set",
            "http.listeners=127.0.0.1:0",
        ]
        for key, value in self.settings.items():
            argv += ["--set", f"{key}={value}"]
        self._log_file = self.log_path.open("ab")
        self._stdout_file = self._stdout_path.open("wb")
        self._proc = subprocess.Popen(
            argv,
            cwd=self.source_dir,
            stdout=self._stdout_file,
            stderr=self._log_file,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            match = _LISTENING.search(self._stdout_path.read_text(errors="replace"))
            if match:
                self.port = int(match.group(2))
                return
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"the broker exited with {self._proc.returncode} before listening; "
                    f"log: {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the broker did not listen within {START_TIMEOUT_S} s")
            time.sleep(POLL_INTERVAL_S)

    def exit_code(self) -> int | None:
        """None while it runs; its exit status once it has ended."""
        return None if self._proc is None else self._proc.poll()

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time the broker has used (all threads), or None if gone."""
        if self._proc is None:
            return None
        try:
            stat = Path(f"/proc/{self._proc.pid}/stat").read_text()
        except OSError:
            return None
        # Fields after the parenthesised command name; utime and stime are the 14th and 15th.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory(self) -> MemoryReading | None:
        return None if self._proc is None else read_memory(self._proc.pid)

    def stop(self) -> tuple[int | None, bool]:
        """SIGTERM and wait; SIGKILL after ``STOP_TIMEOUT_S``. Returns (exit status, whether it
        stopped in time)."""
        proc = self._proc
        if proc is None:
            return None, True
        in_time = True
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                in_time = False
                proc.kill()
                proc.wait()
        self._close_files()
        return proc.returncode, in_time

    def kill(self) -> None:
        """SIGKILL at once (the memory guard's last resort, and cleanup)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        self._close_files()

    def _close_files(self) -> None:
        for f in (self._log_file, self._stdout_file):
            if f is not None:
                f.close()
        self._log_file = self._stdout_file = None
