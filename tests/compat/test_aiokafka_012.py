"""aiokafka 0.12, which hard-codes old versions (Metadata 0 and 1, Produce 7, Fetch 4,
ListOffsets 1), against Samsa. It runs in its own virtualenv, created once and cached under
pytest's cache directory, so it does not clash with the aiokafka the suite imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from broker import Broker

VERSION = "0.12.0"
INSTALL_TIMEOUT_S = 300
RUN_TIMEOUT_S = 90

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    import aiokafka
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.structs import TopicPartition

    assert aiokafka.__version__ == sys.argv[2], aiokafka.__version__

    async def main(bootstrap):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            for i in range(50):
                await producer.send_and_wait("aio12", b"value-%d" % i, key=b"k%d" % i)
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
        await consumer.start()
        try:
            partitions = sorted(consumer.partitions_for_topic("aio12"))
            tps = [TopicPartition("aio12", p) for p in partitions]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            values = []
            async with asyncio.timeout(30):
                while len(values) < 50:
                    for records in (await consumer.getmany(timeout_ms=500)).values():
                        values.extend(r.value for r in records)
            assert sorted(values) == sorted(b"value-%d" % i for i in range(50)), values
            end = await consumer.end_offsets(tps)
            assert sum(end.values()) == 50, end
        finally:
            await consumer.stop()
        print("OK", len(values))

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


pytestmark = pytest.mark.samsa_config(**{"num.partitions": 2})


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def test_aiokafka_012_produces_and_consumes(broker: Broker, aiokafka_012_python: Path) -> None:
    result = subprocess.run(
        [str(aiokafka_012_python), "-c", SCRIPT, broker.bootstrap_servers, VERSION],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK 50"
