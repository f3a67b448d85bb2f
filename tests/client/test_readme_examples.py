"""The README's "Client" examples run as written, against a real broker."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from broker import Broker

README = Path(__file__).resolve().parents[2] / "README.md"
#: Each example is a short script; more than this means it hangs.
EXAMPLE_TIMEOUT_S = 60


def _examples() -> list[str]:
    text = README.read_text()
    section = text.split("\n## Client\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_has_four_client_examples() -> None:
    assert len(_examples()) == 4


def test_the_examples_run_in_order_against_a_broker() -> None:
    with Broker.embedded_in_thread(num_partitions=3, group_initial_rebalance_delay_ms=0) as b:
        outputs = []
        for code in _examples():
            script = code.replace("localhost:9092", b.bootstrap_servers)
            done = subprocess.run(
                [sys.executable, "-c", script],
                capture_output=True,
                text=True,
                timeout=EXAMPLE_TIMEOUT_S,
                cwd=README.parent,
            )
            assert done.returncode == 0, done.stderr
            outputs.append(done.stdout)
    produced, consumed, admin, sync = outputs
    assert len(produced.split()) == 2  # partition and offset of the first order
    assert "{'id': 1, 'total': 9.5}" in consumed and "{'id': 2, 'total': 3.0}" in consumed
    assert "payments" in admin and "orders" in admin
    lag_lines = [line for line in admin.splitlines() if line.startswith("orders-")]
    assert lag_lines and all(line.endswith(" 0") for line in lag_lines)  # billing caught up
    assert "b'hello'" in sync

