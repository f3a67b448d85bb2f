"""Helpers of the CLI tests: run ``samsa`` in-process (CliRunner) or as subprocesses joined by
real pipes, and compare output with golden files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from broker.cli import main

GOLDEN_DIR = Path(__file__).parent / "golden"
#: Set to 1 to rewrite the golden files from the current output (then review the diff).
UPDATE_ENV = "SAMSA_UPDATE_GOLDENS"
#: Deadline of one ``samsa`` subprocess (start-up, connect, a few requests).
SUBPROCESS_TIMEOUT_S = 60.0

Invoke = Callable[..., Result]


def invoke_samsa(bootstrap: str) -> Invoke:
    """A function running ``samsa -b bootstrap *args`` in-process; it checks the exit status
    (``expect``; None: any)."""

    def invoke(*args: str, input: bytes | str | None = None, expect: int | None = 0) -> Result:
        runner = CliRunner()
        result = runner.invoke(
            main,
            ["-b", bootstrap, *args],
            input=input,
            env={"NO_COLOR": "1", "SAMSA_BOOTSTRAP_SERVERS": None},
            catch_exceptions=False,
        )
        if expect is not None:
            assert result.exit_code == expect, (result.exit_code, result.output, result.stderr)
        return result

    return invoke


def samsa_argv(*args: str) -> list[str]:
    """The command line of a ``samsa`` subprocess (this interpreter, this checkout)."""
    return [sys.executable, "-c", "from broker.cli import main; main()", *args]


def samsa_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), *sys.path]), NO_COLOR="1")
    env.pop("SAMSA_BOOTSTRAP_SERVERS", None)
    env.update(extra)
    return env


def run_samsa(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``samsa`` as a subprocess to its end."""
    return subprocess.run(
        samsa_argv(*args),
        input=input,
        capture_output=True,
        env=env or samsa_env(),
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )


def pipeline(
    *commands: Sequence[str], input: bytes | None = None
) -> list[tuple[int, bytes, bytes]]:
    """Run ``samsa A | samsa B | …`` through real pipes; each command's (status, stdout,
    stderr) — stdout only for the last one (the others' goes down the pipe)."""
    procs: list[subprocess.Popen[bytes]] = []
    env = samsa_env()
    stdin: Any = subprocess.PIPE if input is not None else subprocess.DEVNULL
    for command in commands:
        proc = subprocess.Popen(
            samsa_argv(*command),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        if procs:
            assert procs[-1].stdout is not None
            procs[-1].stdout.close()  # only the next process holds the read end now
        procs.append(proc)
        stdin = proc.stdout
    writer = None
    if input is not None:
        first_stdin = procs[0].stdin
        assert first_stdin is not None
        procs[0].stdin = None  # written here, not by communicate()

        def feed() -> None:
            with first_stdin:
                first_stdin.write(input)

        # A thread, so that a large input cannot block while the last output is unread.
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
    out, err = procs[-1].communicate(timeout=SUBPROCESS_TIMEOUT_S)
    if writer is not None:
        writer.join(SUBPROCESS_TIMEOUT_S)
    results = []
    for proc in procs[:-1]:
        assert proc.stderr is not None
        proc.wait(timeout=SUBPROCESS_TIMEOUT_S)
        results.append((proc.returncode, b"", proc.stderr.read()))
    results.append((procs[-1].returncode, out, err))
    return results


_VOLATILE = [
    # Cluster ids: 22 characters of URL-safe base64.
    (re.compile(r"\b[A-Za-z0-9_-]{22}\b"), "<CLUSTER-ID>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<PORT>"),
    (re.compile(r'"port": \d+'), '"port": <PORT>'),
    (re.compile(r"in \d+\.\d+ s \([\d,]+ records/s\)"), "in <TIME> s (<RATE> records/s)"),
    (re.compile(r'"elapsed_s": [\d.]+'), '"elapsed_s": <TIME>'),
    (re.compile(r'"records_per_s": [\d.]+'), '"records_per_s": <RATE>'),
    (re.compile(r"samsa \d+\.\d+\.\d+\S*"), "samsa <VERSION>"),
    (re.compile(r'"cli_version": "[^"]*"'), '"cli_version": "<VERSION>"'),
]


def normalise(text: str) -> str:
    """The output with cluster ids, ports, times and versions replaced by placeholders."""
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def check_golden(name: str, output: str) -> None:
    """Compare normalised output with ``golden/<name>`` (rewrite it with
    SAMSA_UPDATE_GOLDENS=1)."""
    path = GOLDEN_DIR / name
    actual = normalise(output)
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(actual)
        return
    assert path.exists(), f"no golden file {path.name}; run with {UPDATE_ENV}=1 to create it"
    assert actual == path.read_text()
