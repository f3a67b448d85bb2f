"""Running a README's commands as a newcomer would: in a fresh clone, with no virtual
environment activated, a home directory of its own, and (with root) a network namespace of its
own, so that the README's fixed ports (9092, 19092…, 8081…) are never anyone else's.

Commands that install (``pip install``, ``python3 -m venv``) run in the machine's own network
namespace, since they need the package index; everything else runs in the private one. A
long-running command (a broker, ``cluster up``, a bank service) is started in the background,
waited for until it prints that it is ready, and stopped with SIGINT — Ctrl-C — at the end of
its document. ``console`` blocks run each ``$ command`` on a pseudo-terminal, as the output
shown was printed, and compare it with what the README shows after normalising what differs
from run to run (ids, times, rates, sizes).
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from support.waiting import eventually_sync

__all__ = [
    "PORTS",
    "Background",
    "ReadmeSession",
    "long_running",
    "namespace_unavailable",
    "normalise",
]

#: The ports the READMEs use: the quick-start broker, the secure broker's SSL and SASL_SSL
#: listeners, ``cluster up``'s brokers, controllers and HTTP listeners, the bank services, the
#: quick-start and secure brokers' HTTP listeners.
PORTS: Final = (
    *(9092, 9093, 9094, 9095, 9644, 9645, 9646),
    *(19092, 19093, 19094, 19192, 19193, 19194, 19292, 19293, 19294),
    *(8081, 8082, 8083),
)
#: One ordinary command (a client example, a CLI call, a curl).
COMMAND_TIMEOUT_S: Final = 120.0
#: One install command (creating the virtual environment, pip install from the index).
INSTALL_TIMEOUT_S: Final = 600.0
#: How long a background command may take to print that it is ready.
READY_TIMEOUT_S: Final = 120.0
#: How long a background command may take to stop after Ctrl-C (``cluster up`` included: it
#: stops three brokers with a controlled shutdown each).
STOP_TIMEOUT_S: Final = 15.0
_POLL_S: Final = 0.05
#: One ``ip`` command.
_IP_TIMEOUT_S: Final = 10.0

#: Long-running commands: the pattern that recognises one, and the text it prints once ready.
LONG_RUNNING: Final = (
    (re.compile(r"\bsamsa broker start\b"), "listening on"),
    (re.compile(r"\bsamsa cluster up\b"), "Press Ctrl-C to stop."),
    (re.compile(r"-m examples\.bank\.(accounts|projector)\b"), " listening on http://"),
    (re.compile(r"-m examples\.bank\.alerts\b"), "alerts reading"),
)
#: Commands that need the package index (run outside the private network namespace).
_INSTALLS: Final = re.compile(r"\bpip install\b|\bpython3? -m venv\b")


def long_running(command: str) -> str | None:
    """The text a long-running command prints once ready; None for an ordinary command."""
    for pattern, ready in LONG_RUNNING:
        if pattern.search(command):
            return ready
    return None


def namespace_unavailable() -> str | None:
    """Why a private network namespace cannot be made here (None: it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "ip (iproute2) is not installed"
    return None


def ports_in_use() -> list[int]:
    """The READMEs' ports that something on this machine listens on."""
    busy = []
    for port in PORTS:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                busy.append(port)
    return busy


#: Terminal escape sequences (bold headers): what a person sees is the text.
_ESCAPES: Final = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_VOLATILE: Final = (
    # Cluster ids: 22 characters of URL-safe base64.
    (re.compile(r"\b[A-Za-z0-9_-]{22}\b"), "<ID>"),
    # Timestamps in milliseconds.
    (re.compile(r"\b1\d{12}\b"), "<TIME>"),
    (re.compile(r"in \d+\.\d+ s \([\d,]+ records/s\)"), "in <SECONDS> s (<RATE> records/s)"),
    (re.compile(r"\b\d+(?:\.\d+)? (?:B|KiB|MiB|GiB)\b"), "<SIZE>"),
    # cluster info: how many APIs and which versions (they grow as the broker does).
    (
        re.compile(r"\b(true|false)\s+\d+\s+Produce v\d+ Fetch v\d+ Metadata v\d+"),
        r"\1 <APIS>",
    ),
)


def normalise(lines: list[str]) -> list[str]:
    """Output lines without escape sequences, with what differs between runs replaced by
    placeholders, runs of spaces
    and tabs as one space (columns are aligned to the values), blank lines at the end
    dropped."""
    out = []
    for line in lines:
        text = _ESCAPES.sub("", line.replace("\r", ""))
        for pattern, placeholder in _VOLATILE:
            text = pattern.sub(placeholder, text)
        out.append(re.sub(r"[ \t]+", " ", text).strip())
    while out and not out[-1]:
        out.pop()
    return out


@dataclass
class Background:
    """A long-running command of the README."""

    command: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class ReadmeSession:
    """Runs commands in ``clone`` as a newcomer would (see the module docstring)."""

    def __init__(self, clone: Path, work: Path, *, use_namespace: bool) -> None:
        self.clone = clone
        self.work = work
        self.home = work / "home"
        self.logs = work / "logs"
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.namespace: str | None = f"samsa-readme-{os.getpid()}" if use_namespace else None
        self.background: list[Background] = []
        self.transcript: list[str] = []
        self._count = 0

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> ReadmeSession:
        if self.namespace is not None:
            self._ip("netns", "add", self.namespace)
            self._ip("-n", self.namespace, "link", "set", "lo", "up")
        return self

    def __exit__(self, *exc: object) -> None:
        for job in self.background:
            self._kill(job)
        self.background.clear()
        if self.namespace is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._ip("netns", "del", self.namespace)

    @staticmethod
    def _ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=_IP_TIMEOUT_S)

    # -- the newcomer's environment ---------------------------------------------------------

    def env(self) -> dict[str, str]:
        """This machine's environment without any activated virtual environment, Samsa
        settings or Python paths, with a home of its own (so the broker's default data
        directory is fresh) and pip's cache where it was (a second run installs quickly)."""
        real_cache = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SAMSA_", "PYTHON", "VIRTUAL_ENV", "XDG_DATA", "PYTEST"))
        }
        env["PATH"] = os.pathsep.join(
            p for p in os.environ.get("PATH", "").split(os.pathsep) if ".venv" not in p
        )
        env.update(HOME=str(self.home), PIP_CACHE_DIR=real_cache, NO_COLOR="1")
        return env

    def _argv(self, command: str, *, private: bool) -> list[str]:
        shell = ["bash", "-o", "pipefail", "-c", command]
        if private and self.namespace is not None:
            return ["ip", "netns", "exec", self.namespace, *shell]
        return shell

    def _log(self, text: str) -> None:
        self.transcript.append(text)

    # -- commands ------------------------------------------------------------------------------

    def run(self, command: str, *, timeout_s: float | None = None) -> str:
        """Run an ordinary command to its end; its output. Fails unless it exits 0."""
        install = bool(_INSTALLS.search(command))
        timeout = timeout_s or (INSTALL_TIMEOUT_S if install else COMMAND_TIMEOUT_S)
        started = time.monotonic()
        done = subprocess.run(
            self._argv(command, private=not install),
            cwd=self.clone,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        self._log(f"$ {command}   [{time.monotonic() - started:.1f} s]\n{output}")
        assert done.returncode == 0, f"{command!r} exited {done.returncode}:\n{output}"
        assert "Traceback" not in output, f"{command!r} printed a traceback:\n{output}"
        return output

    def start(self, command: str, ready: str) -> Background:
        """Start a long-running command in the background; wait until it prints ``ready``."""
        self._count += 1
        log = self.logs / f"background-{self._count}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                self._argv(f"exec {command}", private=True),
                cwd=self.clone,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Ctrl-C reaches it alone
            )
        job = Background(command, process, log)
        self.background.append(job)
        started = time.monotonic()

        def is_ready() -> bool:
            assert process.poll() is None, (
                f"{command!r} exited {process.returncode} before it was ready:\n{job.output()}"
            )
            return ready in job.output()

        eventually_sync(
            is_ready,
            READY_TIMEOUT_S,
            f"{command!r} to be ready",
            poll_s=_POLL_S,
            describe=lambda: f"output:\n{job.output()}",
        )
        self._log(f"$ {command} &   [ready in {time.monotonic() - started:.1f} s]")
        return job

    def stop_background(self) -> list[tuple[str, int, float]]:
        """Ctrl-C every background command, newest first; (command, exit status, seconds to
        stop) of each."""
        stopped = []
        for job in reversed(self.background):
            started = time.monotonic()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.process.pid, signal.SIGINT)
            try:
                status = job.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._kill(job)
                status = -signal.SIGKILL
            seconds = time.monotonic() - started
            self._log(f"^C {job.command}   [exit {status} after {seconds:.1f} s]")
            stopped.append((job.command, status, seconds))
        self.background.clear()
        return stopped

    @staticmethod
    def _kill(job: Background) -> None:
        if job.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.process.pid, signal.SIGKILL)
            job.process.wait()

    def save(self, path: str, text: str) -> None:
        """Save a file the README shows, as the reader does (relative to the clone)."""
        target = self.clone / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        self._log(f"(saved {path})")

    def python(self, code: str, name: str) -> str:
        """Run a Python block saved as a file, with the clone's ``.venv/bin/python``."""
        script = self.logs / f"{name}.py"
        script.write_text(code)
        return self.run(f".venv/bin/python {script}")

    def on_terminal(self, command: str) -> list[str]:
        """Run a command with a pseudo-terminal as stdout and stderr; its output lines."""
        master, slave = pty.openpty()
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                self._argv(command, private=True),
                cwd=self.clone,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
            )
            os.close(slave)
            slave = -1
            chunks = []
            deadline = started + COMMAND_TIMEOUT_S
            while True:
                assert time.monotonic() < deadline, f"{command!r} did not finish"
                ready, _, _ = select.select([master], [], [], _POLL_S)
                if not ready:
                    if process.poll() is not None and not select.select([master], [], [], 0)[0]:
                        break
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's last writer is gone
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            status = process.wait(COMMAND_TIMEOUT_S)
        finally:
            os.close(master)
            if slave >= 0:
                os.close(slave)
        output = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
        self._log(f"$ {command}   [tty, {time.monotonic() - started:.1f} s]\n{output}")
        assert status == 0, f"{command!r} exited {status}:\n{output}"
        assert "Traceback" not in output, f"{command!r} printed a traceback:\n{output}"
        return output.splitlines()
