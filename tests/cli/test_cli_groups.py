"""``samsa group`` against a real broker: lag after partial consumption (through
``samsa consume --group``), golden describe output, offset resets (dry run and executed),
listing and deleting, and the errors for unknown groups."""

from __future__ import annotations

import json

import pytest
from cli.cli_support import Invoke, check_golden

from broker.app import Broker
from client import TopicPartition
from client.sync import Admin


def _produce(samsa: Invoke, topic: str, lines: list[str]) -> None:
    samsa("produce", topic, "-k", ":", input="".join(f"{line}\n" for line in lines))


def _keys_spread(count: int) -> list[str]:
    return [f"key-{i}:value-{i}" for i in range(count)]


def test_lag_after_partial_consumption(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "3")
    _produce(samsa, "orders", _keys_spread(30))
    consumed = samsa("consume", "orders", "-g", "billing", "-n", "7", "-f", "%p %o\\n").stdout
    printed = [tuple(map(int, line.split())) for line in consumed.splitlines()]
    assert len(printed) == 7
    doc = json.loads(samsa("group", "describe", "billing", "--format", "json").stdout)
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        ends = {
            tp.partition: o.offset
            for tp, o in admin.list_offsets(
                {TopicPartition("orders", p): "latest" for p in range(3)}
            ).items()
        }
    expected_committed: dict[int, int] = {}
    for partition, offset in printed:
        expected_committed[partition] = max(expected_committed.get(partition, 0), offset + 1)
    rows = {r["partition"]: r for r in doc["partitions"]}
    assert sum(ends.values()) == 30
    for partition, committed in expected_committed.items():
        assert rows[partition]["current_offset"] == committed
        assert rows[partition]["log_end_offset"] == ends[partition]
        assert rows[partition]["lag"] == ends[partition] - committed
    assert doc["total_lag"] == 30 - 7
    assert doc["state"] == "Empty" and doc["members"] == []
    # A second partial read continues where the first stopped.
    more = samsa("consume", "orders", "-g", "billing", "-n", "5", "-f", "%p %o\\n").stdout
    again = {tuple(map(int, line.split())) for line in more.splitlines()}
    assert len(again) == 5 and not again & set(printed)
    doc = json.loads(samsa("group", "describe", "billing", "--format", "json").stdout)
    assert doc["total_lag"] == 30 - 12


def test_group_golden(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        pass
    _produce(samsa, "orders", ["a:1", "b:2", "c:3", "d:4", "e:5", "f:6"])
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        admin.alter_group_offsets(
            "billing", {TopicPartition("orders", 0): 1, TopicPartition("orders", 1): 0}
        )
    out = samsa("group", "list").stdout
    out += samsa("group", "describe", "billing").stdout
    out += samsa("group", "describe", "billing", "--format", "json").stdout
    check_golden("group.txt", out)


def test_reset_offsets(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    _produce(samsa, "orders", _keys_spread(20))
    samsa("consume", "orders", "-g", "billing", "-e", "-f", "")
    with Admin(bootstrap_servers=broker.bootstrap_servers) as admin:
        committed = admin.list_group_offsets("billing")
        assert sum(o.offset for o in committed.values()) == 20

        dry = samsa("group", "reset-offsets", "billing", "-t", "orders", "--to-earliest")
        assert "Dry run" in dry.stderr
        assert admin.list_group_offsets("billing") == committed
        rows = [line.split("\t") for line in dry.stdout.splitlines()[1:]]
        assert {(r[1], r[3]) for r in rows} == {("0", "0"), ("1", "0")}

        samsa(
            "group", "reset-offsets", "billing", "-t", "orders:1", "--shift-by", "-3", "--execute"
        )
        after = admin.list_group_offsets("billing")
        tp0, tp1 = TopicPartition("orders", 0), TopicPartition("orders", 1)
        assert after[tp0] == committed[tp0]
        assert after[tp1].offset == committed[tp1].offset - 3

        samsa("group", "reset-offsets", "billing", "-t", "orders", "--to-offset", "1", "--execute")
        assert {tp: o.offset for tp, o in admin.list_group_offsets("billing").items()} == {
            tp0: 1,
            tp1: 1,
        }
        samsa(
            "group", "reset-offsets", "billing", "-t", "orders", "--to-datetime",
            "2000-01-01T00:00:00Z", "--execute",
        )  # fmt: skip
        assert all(o.offset == 0 for o in admin.list_group_offsets("billing").values())
        samsa("group", "reset-offsets", "billing", "-t", "orders", "--to-latest", "--execute")
        assert admin.list_group_offsets("billing") == committed


@pytest.mark.parametrize(
    ("args", "status", "text"),
    [
        (("group", "describe", "nope"), 1, "group 'nope' not found"),
        (("group", "delete", "nope"), 1, "group 'nope' not found"),
        (("group", "reset-offsets", "g", "-t", "orders"), 2, "give exactly one of"),
        (
            ("group", "reset-offsets", "g", "-t", "orders", "--to-earliest", "--to-latest"),
            2,
            "got --to-earliest, --to-latest",
        ),
        (("group", "reset-offsets", "g", "-t", "nope", "--to-earliest"), 1, "'nope' not found"),
        (
            ("group", "reset-offsets", "g", "-t", "orders", "--to-datetime", "soon"),
            2,
            "not an ISO-8601",
        ),
    ],
)
def test_group_errors(samsa: Invoke, args: tuple[str, ...], status: int, text: str) -> None:
    samsa("topic", "create", "orders", "-p", "1")
    result = samsa(*args, expect=status)
    [line] = result.stderr.splitlines()
    assert line.startswith("samsa: error: ") and text in line


def test_list_and_delete(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "1")
    _produce(samsa, "orders", ["a:1"])
    for group_id in ("g1", "g2"):
        samsa("consume", "orders", "-g", group_id, "-e")
    listed = json.loads(samsa("group", "list", "--format", "json").stdout)
    assert [g["group"] for g in listed] == ["g1", "g2"]
    assert samsa("group", "delete", "g1").stdout.strip() == "Deleted group g1"
    listed = json.loads(samsa("group", "list", "--format", "json").stdout)
    assert [g["group"] for g in listed] == ["g2"]


def test_describe_an_active_group(samsa: Invoke, broker: Broker) -> None:
    from client.sync import Consumer

    samsa("topic", "create", "orders", "-p", "2")
    _produce(samsa, "orders", _keys_spread(10))
    with Consumer(
        bootstrap_servers=broker.bootstrap_servers,
        group_id="live",
        client_id="worker-1",
        enable_auto_commit=False,
    ) as consumer:
        consumer.subscribe(["orders"])
        assigned = consumer.wait_for_assignment(30_000)
        assert len(assigned) == 2
        doc = json.loads(samsa("group", "describe", "live", "--format", "json").stdout)
        [member] = doc["members"]
        member_id = member["member_id"]
        assert member_id.startswith("worker-1-")  # Kafka's rule: client id, dash, a UUID
        assert member["client_id"] == "worker-1"
        assert doc["state"] == "Stable" and doc["protocol_type"] == "consumer"
        assert [
            (r["partition"], r["current_offset"], r["member_id"]) for r in doc["partitions"]
        ] == [
            (0, None, member_id),
            (1, None, member_id),
        ]
        assert doc["total_lag"] == 10  # nothing committed: every record is lag
        text = samsa("group", "describe", "live").stdout
        assert "MEMBERS\t1\n" in text and f"\t{member_id}\tworker-1\t" in text
        # Offsets of a group with members cannot be reset.
        result = samsa("group", "reset-offsets", "live", "-t", "orders", "--to-latest", expect=1)
        assert "has 1 active member(s)" in result.stderr
