"""kcat 1.7.1 (librdkafka 2.0.2, the oldest version logic of all), unmodified, against Samsa:
metadata, producing with every codec, keys and headers, and reading back exactly."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from broker import Broker

KCAT = shutil.which("kcat") or shutil.which("kafkacat")
pytestmark = pytest.mark.skipif(KCAT is None, reason="kcat is not installed (apt-get install kcat)")

TIMEOUT_S = 60


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    return module_broker


def kcat(
    broker: Broker, *args: str, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    assert KCAT is not None
    result = subprocess.run(
        [KCAT, "-b", broker.bootstrap_servers, *args],
        input=data,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result


def test_metadata_listing(broker: Broker) -> None:
    out = kcat(broker, "-L").stdout.decode()
    assert "1 brokers:" in out
    assert f"broker 1 at {broker.bootstrap_servers} (controller)" in out


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_produce_and_consume_with_every_codec(broker: Broker, codec: str) -> None:
    topic = f"kcat-{codec}"
    lines = [f"key{i}:value {i} " + "x" * (i % 50) for i in range(200)]
    kcat(broker, "-P", "-t", topic, "-z", codec, "-K:", data="\n".join(lines).encode() + b"\n")
    out = kcat(broker, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\n").stdout
    assert out.decode().splitlines() == lines
    listing = kcat(broker, "-L", "-t", topic).stdout.decode()
    assert f'topic "{topic}" with 1 partitions' in listing


def test_headers_keys_and_offsets_read_back_exactly(broker: Broker) -> None:
    kcat(
        broker,
        "-P",
        "-t",
        "kcat-headers",
        "-K:",
        "-H",
        "trace=abc",
        "-H",
        "empty=",
        data=b"k1:v1\nk2:v2\n",
    )
    out = kcat(
        broker,
        "-C",
        "-t",
        "kcat-headers",
        "-o",
        "beginning",
        "-e",
        "-f",
        "%p|%o|%k|%s|%h\n",
    ).stdout.decode()
    assert out.splitlines() == ["0|0|k1|v1|trace=abc,empty=", "0|1|k2|v2|trace=abc,empty="]


def test_binary_values_and_a_large_message(broker: Broker) -> None:
    big = b"\x00\xff" * 200_000
    kcat(broker, "-P", "-t", "kcat-big", "-D", "\x01", data=big)
    out = kcat(broker, "-C", "-t", "kcat-big", "-o", "beginning", "-e", "-D", "\x01").stdout
    assert out == big + b"\x01"


def test_consume_from_an_offset_and_a_partition(broker: Broker) -> None:
    kcat(broker, "-P", "-t", "kcat-offsets", "-p", "0", data=b"a\nb\nc\nd\n")
    out = kcat(broker, "-C", "-t", "kcat-offsets", "-p", "0", "-o", "2", "-e").stdout
    assert out.decode().splitlines() == ["c", "d"]
    tail = kcat(broker, "-C", "-t", "kcat-offsets", "-p", "0", "-o", "-1", "-e").stdout
    assert tail.decode().splitlines() == ["d"]
