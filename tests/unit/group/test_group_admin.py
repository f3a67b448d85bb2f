"""DescribeGroups, ListGroups and DeleteGroups."""

from __future__ import annotations

from support.subscriptions import encode_subscription
from unit.group.group_harness import GROUP, Harness

from broker.group import GroupCoordinatorCore, GroupMetadataKey, OffsetCommitKey, decode_record
from broker.group.admin import GROUP_AUTHORIZED_OPERATIONS
from protocol.errors import ErrorCode


def test_describe_a_stable_group() -> None:
    h = Harness()
    (a, b), _gen = h.form_group(2)
    (d,) = h.describe(GROUP)().groups
    assert (d.error_code, d.group_id, d.group_state) == (0, GROUP, "Stable")
    assert (d.protocol_type, d.protocol_data) == ("consumer", "range")
    assert [m.member_id for m in d.members] == [a, b]
    m = d.members[0]
    assert (m.client_id, m.client_host) == ("c0", "/127.0.0.1")
    assert m.member_metadata == encode_subscription(["t"])
    assert m.member_assignment == f"a:{a}".encode()
    assert d.authorized_operations == -(2**31)  # not asked for


def test_describe_while_rebalancing_hides_metadata_and_protocol() -> None:
    h = Harness()
    (a, b), _gen = h.form_group(2)
    h.join(a)
    (d,) = h.describe(GROUP)().groups
    assert d.group_state == "PreparingRebalance" and d.protocol_data == ""
    assert all(m.member_metadata == b"" and m.member_assignment == b"" for m in d.members)
    h.join(b)
    assert h.describe(GROUP)().groups[0].group_state == "CompletingRebalance"


def test_describe_unknown_empty_and_invalid_groups() -> None:
    h = Harness()
    h.commit({("t", 0): 1}, group_id="simple")
    dead, simple = h.describe("nobody", "simple", ops=True, version=3)().groups
    assert (dead.error_code, dead.group_state, dead.protocol_type, dead.members) == (
        0,
        "Dead",
        "",
        [],
    )
    assert (simple.group_state, simple.protocol_type) == ("Empty", "")
    assert simple.authorized_operations == GROUP_AUTHORIZED_OPERATIONS == 328
    h.core = GroupCoordinatorCore(h.cfg, owned_partitions=())
    (d,) = h.describe(GROUP)().groups
    assert d.error_code == ErrorCode.NOT_COORDINATOR and d.group_state == ""


def test_list_groups_with_filters() -> None:
    h = Harness()
    h.form_group(1)
    h.commit({("t", 0): 1}, group_id="simple")
    h.join(group_id="joining", instance_id="i")  # immediate: a one-member generation
    listed = {
        (g.group_id, g.protocol_type, g.group_state, g.group_type) for g in h.list_groups()().groups
    }
    assert listed == {
        (GROUP, "consumer", "Stable", "classic"),
        ("simple", "", "Empty", "classic"),
        ("joining", "consumer", "CompletingRebalance", "classic"),
    }
    assert [g.group_id for g in h.list_groups(states=["empty", "STABLE"])().groups] == [
        GROUP,
        "simple",
    ]
    assert len(h.list_groups(states=["stable"], version=3)().groups) == 3  # no filter before v4
    assert h.list_groups(types=["consumer"])().groups == []  # KIP-848 groups: none here
    assert len(h.list_groups(types=["Classic"])().groups) == 3


def test_delete_groups() -> None:
    h = Harness()
    h.form_group(1)
    h.commit({("t", 0): 1, ("t", 1): 2}, group_id="idle")
    h.hold_appends = True
    reply = h.delete_groups("idle", GROUP, "nobody", "idle", "")
    assert reply.parked  # the tombstones of "idle" must be durable first
    assert h.core.group("idle") is None  # gone from memory at once
    h.release()
    assert [(r.group_id, ErrorCode(r.error_code)) for r in reply().results] == [
        ("idle", ErrorCode.NONE),
        (GROUP, ErrorCode.NON_EMPTY_GROUP),
        ("nobody", ErrorCode.GROUP_ID_NOT_FOUND),
        ("", ErrorCode.GROUP_ID_NOT_FOUND),  # the empty group id is allowed here
    ]
    tombstones = [decode_record(k, v) for k, v in h.log if v is None]
    assert tombstones == [
        (OffsetCommitKey("idle", "t", 0), None),
        (OffsetCommitKey("idle", "t", 1), None),
    ]  # "idle" never formed a generation: no group record to delete


def test_delete_a_group_that_had_members_writes_its_group_tombstone() -> None:
    h = Harness()
    (a,), gen = h.form_group(1)
    h.commit({("t", 0): 1}, member_id=a, generation=gen)
    h.leave((a, None))
    assert h.delete_groups(GROUP)().results[0].error_code == 0
    tail = [decode_record(k, v) for k, v in h.log[-2:]]
    assert tail == [(OffsetCommitKey(GROUP, "t", 0), None), (GroupMetadataKey(GROUP), None)]
    assert h.fetch(None)().topics == []


def test_delete_groups_reports_failed_tombstones() -> None:
    h = Harness()
    h.commit({("t", 0): 1})
    h.hold_appends = True
    reply = h.delete_groups(GROUP)
    h.release(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert reply().results[0].error_code == ErrorCode.NOT_COORDINATOR
