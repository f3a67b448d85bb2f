"""``samsa group describe`` of a KIP-848 consumer group (``group.protocol=consumer``): the
group type, group and assignment epochs, the assignor, and per member its epoch with its
current and target assignments, in text and JSON."""

from __future__ import annotations

import json

import pytest
from cli.cli_support import Invoke
from support.waiting import eventually_sync

from broker.app import Broker
from client import TopicPartition
from client.sync import Consumer

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.samsa_config(
        group_consumer_heartbeat_interval_ms=100, group_consumer_min_heartbeat_interval_ms=100
    ),
]

#: Partitions of the topic the group reads.
PARTITIONS = 4


def _member(bootstrap: str) -> Consumer:
    return Consumer(
        bootstrap_servers=bootstrap,
        group_id="kip848",
        group_protocol="consumer",
        group_remote_assignor="range",
        auto_offset_reset="earliest",
        client_id="describer",
    )


def test_describe_shows_epochs_and_current_and_target_assignments(
    samsa: Invoke, broker: Broker
) -> None:
    samsa("topic", "create", "events", "-p", str(PARTITIONS))
    samsa("produce", "events", input="".join(f"{i}\n" for i in range(20)))
    members = [_member(broker.bootstrap_servers) for _ in range(2)]
    try:
        for member in members:
            member.subscribe(["events"])

        def settled() -> bool:
            for member in members:
                member.poll(timeout_ms=10)
            owned = [member.assignment() for member in members]
            return [len(o) for o in owned] == [2, 2] and len(set().union(*owned)) == PARTITIONS

        eventually_sync(settled, 20, "two members with two partitions each")
        listed = json.loads(samsa("group", "list", "--format", "json").stdout)
        assert {"group": "kip848", "state": "Stable", "protocol_type": "consumer",
                "type": "consumer"} in listed  # fmt: skip
        doc = json.loads(samsa("group", "describe", "kip848", "--format", "json").stdout)
        assert doc["type"] == "consumer"
        assert doc["assignor"] == "range"
        assert doc["state"] == "Stable"
        assert doc["group_epoch"] >= 2 and doc["assignment_epoch"] == doc["group_epoch"]
        assert len(doc["members"]) == 2
        assigned: list[tuple[str, int]] = []
        for m in doc["members"]:
            assert m["member_epoch"] == doc["assignment_epoch"]
            assert m["client_id"] == "describer"
            assert m["subscribed_topics"] == ["events"]
            assert m["assignment"] == m["target_assignment"] and len(m["assignment"]) == 2
            assigned += [(p["topic"], p["partition"]) for p in m["assignment"]]
        assert sorted(assigned) == [("events", p) for p in range(PARTITIONS)]
        ids = {m.member_id for m in members}
        assert {m["member_id"] for m in doc["members"]} == ids
        owners = {r["partition"]: r["member_id"] for r in doc["partitions"]}
        assert set(owners) == set(range(PARTITIONS)) and set(owners.values()) == ids

        text = samsa("group", "describe", "kip848").stdout
        pairs = dict(line.split("\t", 1) for line in text.splitlines()[:9] if "\t" in line)
        assert pairs["TYPE"] == "consumer"
        assert pairs["GROUP-EPOCH"] == str(doc["group_epoch"])
        assert pairs["ASSIGNMENT-EPOCH"] == str(doc["assignment_epoch"])
        header = "MEMBER-ID\tEPOCH\tCLIENT-ID\tHOST\tASSIGNMENT\tTARGET-ASSIGNMENT"
        assert header in text
        for member in members:
            mine = sorted(tp.partition for tp in member.assignment())
            cell = "events:" + ",".join(map(str, mine))
            member_id = member.member_id or ""
            row = next(line for line in text.splitlines() if line.startswith(member_id))
            assert row.split("\t")[4:6] == [cell, cell]

        # One member leaves: the group epoch moves and the other is given everything.
        members.pop().close()

        def alone() -> bool:
            members[0].poll(timeout_ms=10)
            return len(members[0].assignment()) == PARTITIONS

        eventually_sync(alone, 20, "the remaining member owns every partition")
        after = json.loads(samsa("group", "describe", "kip848", "--format", "json").stdout)
        assert after["group_epoch"] > doc["group_epoch"]
        assert [len(m["target_assignment"]) for m in after["members"]] == [PARTITIONS]
        assert members[0].assignment() == {TopicPartition("events", p) for p in range(4)}
    finally:
        for member in members:
            member.close()


def test_a_classic_group_is_described_as_before(samsa: Invoke, broker: Broker) -> None:
    samsa("topic", "create", "orders", "-p", "2")
    samsa("produce", "orders", input="a\nb\n")
    samsa("consume", "orders", "-g", "classic", "-n", "2", "-f", "")
    doc = json.loads(samsa("group", "describe", "classic", "--format", "json").stdout)
    assert "type" not in doc and doc["state"] == "Empty"
    assert doc["total_lag"] == 0
