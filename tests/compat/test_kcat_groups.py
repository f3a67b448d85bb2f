"""kcat's balanced consumer (``-G``, librdkafka 2.0.2 with its oldest version logic) against
Samsa: it joins, consumes from the beginning, commits on exit, and a later run resumes from the
committed offsets."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from broker import Broker

KCAT = shutil.which("kcat") or shutil.which("kafkacat")
pytestmark = [
    pytest.mark.skipif(KCAT is None, reason="kcat is not installed (apt-get install kcat)"),
    pytest.mark.timeout(120),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0, "num.partitions": 3}),
]

TIMEOUT_S = 60


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def kcat(broker: Broker, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[str]:
    assert KCAT is not None
    result = subprocess.run(
        [KCAT, "-b", broker.bootstrap_servers, *args],
        input=data,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def balanced_consume(broker: Broker, group: str, topic: str) -> subprocess.CompletedProcess[str]:
    """One kcat -G run: consume until the end of every partition, commit, leave."""
    return kcat(
        broker, "-G", group, "-X", "auto.offset.reset=earliest", "-e", "-f", "%k=%s\n", topic
    )


def test_balanced_consumer_commits_and_resumes(broker: Broker) -> None:
    # The topic is auto-created by the first produce, with num.partitions=3.
    first = [f"k{i}=first {i}" for i in range(60)]
    kcat(broker, "-P", "-t", "kcat-g", "-K=", data="\n".join(first).encode() + b"\n")
    run = balanced_consume(broker, "kcat-group", "kcat-g")
    assert sorted(run.stdout.splitlines()) == sorted(first)
    assert "assigned: kcat-g [0], kcat-g [1], kcat-g [2]" in run.stderr

    second = [f"k{i}=second {i}" for i in range(20)]
    kcat(broker, "-P", "-t", "kcat-g", "-K=", data="\n".join(second).encode() + b"\n")
    run = balanced_consume(broker, "kcat-group", "kcat-g")
    assert sorted(run.stdout.splitlines()) == sorted(second)  # resumed from the commits
