"""``samsa topic`` and ``samsa cluster`` in-process against a real broker: golden text (as
piped: tab-separated; on a terminal: aligned) and JSON output, and the effects checked with the
admin client."""

from __future__ import annotations

import json

import pytest
from cli.cli_support import Invoke, check_golden

from broker.app import Broker
from client import Producer
from client.admin import ConfigResource
from client.cli import _output
from client.sync import Admin

#: A fixed record timestamp, so that batch sizes on disk (and so the goldens) never vary.
TIMESTAMP_MS = 1_700_000_000_000


def _fill(broker: Broker, topic: str, count: int) -> None:
    """``count`` records with keys ``k0…``, each partition's in one batch."""
    import asyncio

    async def send() -> None:
        async with Producer(bootstrap_servers=broker.bootstrap_servers, linger_ms=60_000) as p:
            for i in range(count):
                await p.send(
                    topic, f"value-{i}".encode(), f"k{i}".encode(), timestamp_ms=TIMESTAMP_MS
                )
            await p.flush()

    asyncio.run(send())


def _disk_bytes(broker: Broker, topic: str, partition: int) -> int:
    return sum(
        p.stat().st_size for p in (broker.data_dirs[0] / f"{topic}-{partition}").glob("*.log")
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_topic_create_list_describe(samsa: Invoke, broker: Broker, fmt: str) -> None:
    out = samsa(
        "--format", fmt, "topic", "create", "orders", "-p", "2", "-c", "retention.ms=3600000"
    ).stdout
    out += samsa("--format", fmt, "topic", "create", "audit").stdout  # the broker's 3 partitions
    _fill(broker, "orders", 10)
    out += samsa("--format", fmt, "topic", "list").stdout
    described = samsa("topic", "describe", "orders", "--format", fmt).stdout
    check_golden(f"topic_{fmt}.txt", out + described)
    sizes = [_disk_bytes(broker, "orders", p) for p in range(2)]
    assert all(sizes)
    if fmt == "json":
        doc = json.loads(described)
        assert [p["size_bytes"] for p in doc["partitions"]] == sizes
        assert sum(p["log_end_offset"] for p in doc["partitions"]) == 10
    else:
        rows = [line.split("\t") for line in described.splitlines() if line[:1].isdigit()]
        assert [int(r[-1]) for r in rows] == sizes


def test_topic_describe_on_a_terminal_is_aligned(
    samsa: Invoke, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    _fill(broker, "orders", 10)
    monkeypatch.setattr(_output, "is_terminal", lambda: True)
    out = samsa("topic", "describe", "orders").stdout
    assert "\t" not in out and "\x1b" not in out  # NO_COLOR: no escape codes
    check_golden("topic_describe_terminal.txt", out)


def test_topic_changes(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "2", "-c", "cleanup.policy=compact")
    out = samsa(
        "topic", "alter-config", "orders", "-c", "retention.ms=1000", "-d", "cleanup.policy"
    ).stdout
    assert out.splitlines() == [
        "Set retention.ms=1000 on topic orders",
        "Reset cleanup.policy on topic orders",
    ]
    out = samsa("topic", "add-partitions", "orders", "-p", "3").stdout
    assert out.strip() == "Topic orders: 2 → 5 partitions"
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        configs = admin.describe_configs([ConfigResource.topic("orders")])
        entries = next(iter(configs.values()))
        assert entries["retention.ms"].value == "1000"
        assert entries["cleanup.policy"].is_default
        assert admin.describe_topics(["orders"])["orders"].num_partitions == 5
    assert samsa("topic", "delete", "orders").stdout.strip() == "Deleted topic orders"
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        assert "orders" not in admin.list_topics()


def test_topic_errors(samsa: Invoke) -> None:
    samsa("topic", "create", "orders")
    cases = [
        (("topic", "create", "orders"), 1, "topic 'orders' already exists"),
        (("topic", "describe", "nope"), 1, "topic 'nope' not found"),
        (("topic", "delete", "nope"), 1, "topic 'nope' not found"),
        (("topic", "alter-config", "nope", "-c", "retention.ms=1"), 1, "topic 'nope' not found"),
        (("topic", "add-partitions", "nope", "-p", "1"), 1, "topic 'nope' not found"),
        (("topic", "alter-config", "orders"), 2, "nothing to change"),
        (("topic", "create", "x", "-p", "0"), 2, "'-p' / '--partitions'"),
        (("topic", "create", "x", "-c", "novalue"), 2, "'novalue' is not KEY=VALUE"),
        (("topic", "create", "x", "--replication-factor", "3"), 1, "replication factor of 3"),
        (("topic", "frobnicate"), 2, "No such command 'frobnicate'"),
    ]
    for args, status, text in cases:
        result = samsa(*args, expect=status)
        [line] = result.stderr.splitlines()
        assert line.startswith("samsa: error: ") and text in line, (args, line)
    samsa("topic", "create", "orders", "--if-not-exists")
    samsa("topic", "delete", "nope", "--if-exists")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cluster_info(samsa: Invoke, broker: Broker, fmt: str) -> None:
    out = samsa("cluster", "info", "--format", fmt).stdout
    # Which APIs the broker serves is the broker's business, not the CLI's: the goldens keep
    # their place, the tests below check them against the broker's own table.
    from broker.handlers import build_dispatch_table

    served = {h.api_key: (h.min_version, h.max_version) for h in build_dispatch_table().values()}
    if fmt == "json":
        doc = json.loads(out)
        [b] = doc["brokers"]
        assert f"{b['host']}:{b['port']}" == broker.bootstrap_servers
        assert doc["controller_id"] == b["node_id"] == 1
        assert doc["cluster_id"] and len(doc["cluster_id"]) == 22
        assert b["api_versions"]["DescribeLogDirs"] == {"min": 0, "max": 4}
        assert len(b["api_versions"]) >= len(served) - 1  # private APIs are Samsa's client's
        b["api_versions"] = "<API-VERSIONS>"
        out = json.dumps(doc) + "\n"
    else:
        lines = out.splitlines()
        row = lines[-1].split("\t")
        assert int(row[4]) >= len(served) - 1
        assert row[5] == f"Produce v{served[0][1]} Fetch v{served[1][1]} Metadata v{served[3][1]}"
        out = "\n".join([*lines[:-1], "\t".join([*row[:4], "<APIS>", "<VERSIONS>"])]) + "\n"
    check_golden(f"cluster_info_{fmt}.txt", out)


def test_sizes_are_readable_on_a_terminal(
    samsa: Invoke, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    samsa("topic", "create", "big", "-p", "1")
    import asyncio

    async def send() -> None:
        async with Producer(bootstrap_servers=broker.bootstrap_servers) as p:
            for _ in range(30):
                await p.send("big", b"x" * 1000)
            await p.flush()

    asyncio.run(send())
    monkeypatch.setattr(_output, "is_terminal", lambda: True)
    out = samsa("topic", "describe", "big").stdout
    size = _disk_bytes(broker, "big", 0)
    assert f"{size / 1024:.1f} KiB" in out
