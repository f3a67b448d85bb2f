"""An embedded broker in a child process, for tests that SIGKILL it: ``start`` runs
``Broker.embedded(data_dir, **settings)`` and writes its Kafka port to ``port_file`` once it
listens (the caller waits for the file, then kills the process however it likes);
``killed_after`` does the whole round: start, connect, hand over a client, SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from support.waiting import eventually
from support.wire import WireClient

__all__ = ["killed_after", "start"]

#: A child process imports the broker and opens its logs: seconds, more on a loaded machine.
STARTUP_TIMEOUT_S = 30.0
#: How long a SIGKILLed (or killed) child gets to be reaped.
REAP_TIMEOUT_S = 10.0


def start(data_dir: Path, port_file: Path, settings: dict[str, Any]) -> subprocess.Popen[bytes]:
    """The child process (its settings by Kafka name or Python name)."""
    code = (
        "import asyncio\n"
        "from broker.app import Broker, new_event_loop\n"
        "async def main():\n"
        f"    async with Broker.embedded({str(data_dir)!r}, **{settings!r}) as b:\n"
        f"        open({str(port_file)!r}, 'w').write(str(b.port))\n"
        "        await asyncio.Event().wait()\n"
        "loop = new_event_loop(); loop.run_until_complete(main())\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), *sys.path]))
    return subprocess.Popen([sys.executable, "-c", code], env=env)


@asynccontextmanager
async def killed_after(
    data_dir: Path, port_file: Path, settings: dict[str, Any]
) -> AsyncIterator[WireClient]:
    """A client of a broker process started with ``settings``; when the block ends without an
    error the process is SIGKILLed (no shutdown of any kind), and in every case reaped."""
    proc = start(data_dir, port_file, settings)
    try:

        def port() -> int | None:
            assert proc.poll() is None, "the broker process died"
            text = port_file.read_text() if port_file.exists() else ""
            return int(text) if text else None

        found = await eventually(port, STARTUP_TIMEOUT_S, "the broker process to start")
        client = await WireClient.connect(f"127.0.0.1:{found}")
        try:
            yield client
            proc.send_signal(signal.SIGKILL)
            proc.wait(REAP_TIMEOUT_S)
        finally:
            await client.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(REAP_TIMEOUT_S)
