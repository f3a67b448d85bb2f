"""aiokafka 0.12 group consumers (JoinGroup 5, SyncGroup 3, Heartbeat 1, LeaveGroup 1,
OffsetCommit 2, OffsetFetch 1, all hard-coded) against Samsa: two members share a topic exactly
once with manual commits, one leaves and the other takes over, and a new member resumes from
the committed offsets. It runs in the virtualenv of ``test_aiokafka_012.py`` (same cache)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from broker import Broker

TESTS = Path(__file__).resolve().parents[1]
VERSION = "0.12.0"
INSTALL_TIMEOUT_S = 300
RUN_TIMEOUT_S = 90

pytestmark = [
    pytest.mark.timeout(INSTALL_TIMEOUT_S * 2 + RUN_TIMEOUT_S),
    pytest.mark.samsa_config(**{"num.partitions": 2, "group.initial.rebalance.delay.ms": 0}),
]

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    import aiokafka
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from support.waiting import eventually  # PYTHONPATH: tests/

    assert aiokafka.__version__ == sys.argv[2], aiokafka.__version__
    TIMEOUT_S = 30

    class Member:
        def __init__(self, bootstrap):
            self.consumer = AIOKafkaConsumer(
                "aio12-g", bootstrap_servers=bootstrap, group_id="aio12-group",
                auto_offset_reset="earliest", enable_auto_commit=False,
                heartbeat_interval_ms=300,
            )
            self.values = []
            self.task = None

        @property
        def assigned(self):
            return {tp.partition for tp in self.consumer.assignment()}

        async def start(self):
            await self.consumer.start()
            self.task = asyncio.ensure_future(self.run())

        async def run(self):
            while True:
                batches = await self.consumer.getmany(timeout_ms=100)
                for records in batches.values():
                    self.values.extend(r.value for r in records)
                if batches:
                    await self.consumer.commit()

        async def stop(self):
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            await self.consumer.stop()

    async def main(bootstrap):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()

        async def produce(prefix, n):
            values = [b"%s-%d" % (prefix, i) for i in range(n)]
            for v in values:
                await producer.send_and_wait("aio12-g", v, key=v)
            return values

        first = await produce(b"a", 60)
        a, b = Member(bootstrap), Member(bootstrap)
        await a.start()
        await b.start()
        await eventually(
            lambda: a.assigned and b.assigned and a.assigned | b.assigned == {0, 1},
            TIMEOUT_S, "two members sharing two partitions",
        )
        await eventually(
            lambda: len(a.values) + len(b.values) >= 60, TIMEOUT_S, "the first records"
        )
        await a.stop()
        await eventually(lambda: b.assigned == {0, 1}, TIMEOUT_S, "b owning every partition")
        second = await produce(b"b", 40)
        await eventually(
            lambda: len(a.values) + len(b.values) >= 100, TIMEOUT_S, "the second records"
        )
        assert sorted(a.values + b.values) == sorted(first + second)
        await b.stop()
        third = await produce(b"c", 10)
        c = Member(bootstrap)
        await c.start()
        await eventually(lambda: len(c.values) >= 10, TIMEOUT_S, "the third records")
        assert sorted(c.values) == sorted(third), c.values
        await c.stop()
        await producer.stop()
        print("OK", len(a.values) + len(b.values) + len(c.values))

    asyncio.run(main(sys.argv[1]))
""")


@pytest.fixture(scope="module")
def aiokafka_012_python(request: pytest.FixtureRequest) -> Path:
    """The interpreter of a virtualenv with aiokafka 0.12 (created on first use)."""
    root = Path(request.config.cache.mkdir(f"samsa-aiokafka-{VERSION}"))
    python = root / "venv" / "bin" / "python"
    marker = root / "installed"
    if not marker.exists():
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(root / "venv")],
                check=True,
                capture_output=True,
                timeout=INSTALL_TIMEOUT_S,
            )
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", f"aiokafka=={VERSION}"],
                check=True,
                capture_output=True,
                timeout=INSTALL_TIMEOUT_S,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.skip(
                f"cannot install aiokafka=={VERSION} into a virtualenv: {exc}; "
                f"{detail.decode(errors='replace')[-500:]}"
            )
        marker.write_text(VERSION)
    return python


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def test_aiokafka_012_group_consumers(broker: Broker, aiokafka_012_python: Path) -> None:
    result = subprocess.run(
        [str(aiokafka_012_python), "-c", SCRIPT, broker.bootstrap_servers, VERSION],
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK 110"
