"""An embedded broker in a child process, for tests that SIGKILL it: ``start`` runs
``Broker.embedded(data_dir, **settings)`` and writes its Kafka port to ``port_file`` once it
listens (the caller waits for the file, then kills the process however it likes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["start"]


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
