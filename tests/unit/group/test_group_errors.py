"""Every error code of the membership APIs, table-driven where it reads well."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from unit.group.group_harness import GROUP, Harness, config

from broker.group import GroupCoordinatorCore, GroupState
from protocol.errors import ErrorCode

# -- JoinGroup ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", range(8))
def test_member_id_required_only_from_v4(version: int) -> None:
    h = Harness()
    reply = h.join(version=version)
    if version >= 4:
        assert reply.error is ErrorCode.MEMBER_ID_REQUIRED
        assert reply().member_id.startswith("c-")  # <client id>-<unique>
        assert reply().generation_id == -1 and reply().leader == ""
        assert h.group().pending_members == {reply().member_id: None}
        assert h.join(reply().member_id, version=version).error is ErrorCode.NONE
    else:
        assert reply.error is ErrorCode.NONE  # quirk 9: admitted at once
        assert reply().member_id.startswith("c-")
    # Before v7 a missing protocol name is "", from v7 on it may be null.
    assert h.join(version=version, group_id="")().protocol_name == (None if version >= 7 else "")


def test_static_members_never_get_member_id_required() -> None:
    h = Harness()
    reply = h.join(instance_id="i1")
    assert reply.error is ErrorCode.NONE
    assert reply().member_id.startswith("i1-")  # static ids start with the instance id


def test_pending_member_id_expires_after_the_session_timeout() -> None:
    h = Harness()
    first = h.join(session_ms=6_000)
    pending = first().member_id
    h.advance(5_999)
    assert pending in h.group().pending_members
    h.advance(1)
    assert pending not in h.group().pending_members
    assert h.join(pending).error is ErrorCode.UNKNOWN_MEMBER_ID


def test_pending_member_id_can_leave() -> None:
    h = Harness()
    pending = h.join()().member_id
    reply = h.leave((pending, None))
    assert reply().members[0].error_code == 0
    assert h.group().pending_members == {}


@pytest.mark.parametrize(
    ("session_ms", "error"),
    [
        (5_999, ErrorCode.INVALID_SESSION_TIMEOUT),
        (6_000, ErrorCode.MEMBER_ID_REQUIRED),
        (45_000, ErrorCode.MEMBER_ID_REQUIRED),  # librdkafka's and kafka-python's default
        (1_800_000, ErrorCode.MEMBER_ID_REQUIRED),
        (1_800_001, ErrorCode.INVALID_SESSION_TIMEOUT),
    ],
)
def test_session_timeout_bounds(session_ms: int, error: ErrorCode) -> None:
    assert Harness().join(session_ms=session_ms).error is error


JOIN_CASES: list[tuple[str, dict[str, Any], ErrorCode]] = [
    ("empty group id", {"group_id": ""}, ErrorCode.INVALID_GROUP_ID),
    ("no protocol type", {"protocol_type": ""}, ErrorCode.INCONSISTENT_GROUP_PROTOCOL),
    ("no protocols", {"protocols": []}, ErrorCode.INCONSISTENT_GROUP_PROTOCOL),
    ("unknown id, no group", {"member_id": "ghost"}, ErrorCode.UNKNOWN_MEMBER_ID),
]


@pytest.mark.parametrize(("name", "kw", "error"), JOIN_CASES, ids=[c[0] for c in JOIN_CASES])
def test_join_errors_on_a_new_group(name: str, kw: dict[str, Any], error: ErrorCode) -> None:
    h = Harness()
    member_id = kw.pop("member_id", "")
    assert h.join(member_id, **kw).error is error


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"protocol_type": "connect"}, ErrorCode.INCONSISTENT_GROUP_PROTOCOL),
        ({"protocols": [("roundrobin", b"")]}, ErrorCode.INCONSISTENT_GROUP_PROTOCOL),
        ({"member_id": "ghost"}, ErrorCode.UNKNOWN_MEMBER_ID),
    ],
)
def test_join_errors_on_an_existing_group(kw: dict[str, Any], error: ErrorCode) -> None:
    h = Harness()
    h.form_group(1)
    member_id = kw.pop("member_id", "")
    assert h.join(member_id, **kw).error is error


def test_join_with_a_common_protocol_is_accepted() -> None:
    h = Harness()
    h.form_group(1)
    reply = h.join(protocols=[("roundrobin", b""), ("range", b"")])
    assert reply.error is ErrorCode.MEMBER_ID_REQUIRED


def test_group_max_size_in_a_stable_group() -> None:
    h = Harness(cfg=config(group_max_size=2))
    ids, _gen = h.form_group(2)
    third = h.join(client_id="third")
    assert third.error is ErrorCode.GROUP_MAX_SIZE_REACHED
    assert third().member_id == ""
    assert h.group().size == 2 and h.state() is GroupState.STABLE
    assert h.join(ids[1]).error is ErrorCode.NONE  # existing members are still welcome


def test_group_max_size_while_rebalancing_sheds_the_last_to_rejoin() -> None:
    # Kafka counts members awaiting join while rebalancing: late rejoiners are kicked out.
    h = Harness(cfg=config(group_max_size=2))
    (a,), _gen = h.form_group(1)
    x_id = h.join(client_id="x")().member_id
    y_id = h.join(client_id="y")().member_id
    x = h.join(x_id, client_id="x")
    y = h.join(y_id, client_id="y")
    assert x.parked and y.parked and h.group().size == 3
    late = h.join(a)
    assert late.error is ErrorCode.GROUP_MAX_SIZE_REACHED
    assert x.error is ErrorCode.NONE and y.error is ErrorCode.NONE
    assert list(h.group().members) == [x_id, y_id]


def test_pending_member_ids_are_bounded() -> None:
    h = Harness(cfg=config(max_pending_members=2))
    assert h.join().error is ErrorCode.MEMBER_ID_REQUIRED
    assert h.join().error is ErrorCode.MEMBER_ID_REQUIRED
    assert h.join().error is ErrorCode.GROUP_MAX_SIZE_REACHED


def test_join_with_a_pending_id_and_an_instance_id_is_a_server_error() -> None:
    h = Harness()
    pending = h.join()().member_id
    assert h.join(pending, instance_id="i").error is ErrorCode.UNKNOWN_SERVER_ERROR


def test_join_of_a_known_member_to_an_empty_group_is_unknown_member() -> None:
    h = Harness()
    (a,), _ = h.form_group(1)
    h.leave((a, None))
    assert h.state() is GroupState.EMPTY
    assert h.join(a).error is ErrorCode.UNKNOWN_MEMBER_ID


# -- static membership --------------------------------------------------------------------------


def test_duplicate_instance_id_is_fenced() -> None:
    h = Harness()
    first = h.join(instance_id="i")
    mid = first().member_id
    assert h.join("someone-else", instance_id="i").error is ErrorCode.FENCED_INSTANCE_ID
    gen = first().generation_id
    assert h.heartbeat("someone-else", gen, instance_id="i").error is ErrorCode.FENCED_INSTANCE_ID
    assert h.sync("someone-else", gen, instance_id="i").error is ErrorCode.FENCED_INSTANCE_ID
    assert h.heartbeat(mid, gen, instance_id="unknown").error is ErrorCode.UNKNOWN_MEMBER_ID
    reply = h.leave(("someone-else", "i"))
    assert reply().members[0].error_code == ErrorCode.FENCED_INSTANCE_ID


def test_static_member_restart_takes_over_and_fences_the_old_id() -> None:
    h = Harness()
    old = h.join(instance_id="i")
    old_id, gen = old().member_id, old().generation_id
    h.sync(old_id, gen, {old_id: b"x"})
    new = h.join(instance_id="i")  # restart: no member id
    assert new.error is ErrorCode.NONE
    assert new().member_id != old_id and new().generation_id == gen
    assert h.state() is GroupState.STABLE
    assert h.heartbeat(old_id, gen, instance_id="i").error is ErrorCode.FENCED_INSTANCE_ID
    assert h.heartbeat(new().member_id, gen, instance_id="i").error is ErrorCode.NONE


def test_static_member_leave_by_instance_id_alone() -> None:
    h = Harness()
    (a,), _gen = h.form_group(1)
    s = h.join(instance_id="i")
    assert s.parked  # joining rebalances the group
    h.join(a)
    reply = h.leave(("", "i"), ("", "nobody"), ("", None))
    errors = [m.error_code for m in reply().members]
    assert errors == [0, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]
    assert h.group().static_members == {}


# -- SyncGroup ----------------------------------------------------------------------------------


def _formed(h: Harness) -> tuple[str, str, int]:
    (a, b), gen = h.form_group(2)
    return a, b, gen


SYNC_CASES: list[tuple[str, Callable[[Harness, str, str, int], Any], ErrorCode]] = [
    ("empty group id", lambda h, a, b, g: h.sync(a, g, group_id=""), ErrorCode.INVALID_GROUP_ID),
    ("no group", lambda h, a, b, g: h.sync(a, g, group_id="other"), ErrorCode.UNKNOWN_MEMBER_ID),
    ("unknown member", lambda h, a, b, g: h.sync("ghost", g), ErrorCode.UNKNOWN_MEMBER_ID),
    ("old generation", lambda h, a, b, g: h.sync(b, g - 1), ErrorCode.ILLEGAL_GENERATION),
    ("future generation", lambda h, a, b, g: h.sync(b, g + 1), ErrorCode.ILLEGAL_GENERATION),
    (
        "v5 without protocol type",
        lambda h, a, b, g: h.sync(b, g, protocol_type=None),
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ),
    (
        "v5 without protocol name",
        lambda h, a, b, g: h.sync(b, g, protocol_name=None),
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ),
    (
        "wrong protocol type",
        lambda h, a, b, g: h.sync(b, g, protocol_type="connect"),
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ),
    (
        "wrong protocol name",
        lambda h, a, b, g: h.sync(b, g, protocol_name="roundrobin"),
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    ),
    (
        "v4 ignores protocol fields",
        lambda h, a, b, g: h.sync(b, g, protocol_type=None, version=4),
        ErrorCode.NONE,
    ),
]


@pytest.mark.parametrize(("name", "send", "error"), SYNC_CASES, ids=[c[0] for c in SYNC_CASES])
def test_sync_errors(
    name: str, send: Callable[[Harness, str, str, int], Any], error: ErrorCode
) -> None:
    h = Harness()
    a, b, gen = _formed(h)
    assert send(h, a, b, gen).error is error


def test_sync_during_preparing_rebalance() -> None:
    h = Harness()
    a, b, gen = _formed(h)
    h.join(a)
    assert h.sync(b, gen).error is ErrorCode.REBALANCE_IN_PROGRESS


def test_sync_in_an_empty_group() -> None:
    h = Harness()
    (a,), gen = h.form_group(1)
    h.leave((a, None))
    assert h.sync(a, gen + 1).error is ErrorCode.UNKNOWN_MEMBER_ID


def test_a_second_sync_replaces_a_parked_one() -> None:
    h = Harness()
    a, b, gen = _formed(h)
    h.join(a)
    gen = h.join(b)().generation_id
    first = h.sync(b, gen)
    second = h.sync(b, gen)
    assert first.error is ErrorCode.REBALANCE_IN_PROGRESS and second.parked
    h.sync(a, gen, {a: b"", b: b"B"})
    assert second().assignment == b"B"


def test_a_second_join_replaces_a_parked_one() -> None:
    h = Harness()
    a, b, _gen = _formed(h)
    first = h.join(a)
    second = h.join(a)
    assert first.error is ErrorCode.REBALANCE_IN_PROGRESS and second.parked
    assert h.join(b).error is ErrorCode.NONE and second.error is ErrorCode.NONE


# -- Heartbeat ----------------------------------------------------------------------------------


def test_heartbeat_errors() -> None:
    h = Harness()
    a, b, gen = _formed(h)
    assert h.heartbeat(a, gen).error is ErrorCode.NONE
    assert h.heartbeat(a, gen - 1).error is ErrorCode.ILLEGAL_GENERATION
    assert h.heartbeat("ghost", gen).error is ErrorCode.UNKNOWN_MEMBER_ID
    assert h.heartbeat(a, gen, group_id="other").error is ErrorCode.UNKNOWN_MEMBER_ID
    assert h.heartbeat(a, gen, group_id="").error is ErrorCode.INVALID_GROUP_ID
    h.join(a)
    assert h.heartbeat(b, gen).error is ErrorCode.REBALANCE_IN_PROGRESS
    gen2 = h.join(b)().generation_id
    assert h.heartbeat(b, gen2).error is ErrorCode.NONE  # CompletingRebalance: NONE (as Kafka)
    h.leave((a, None), (b, None))
    assert h.heartbeat(a, gen2 + 1).error is ErrorCode.UNKNOWN_MEMBER_ID  # Empty group


def test_heartbeat_resets_the_session() -> None:
    h = Harness()
    a, b, gen = _formed(h)
    for _ in range(10):
        h.advance(9_000)
        assert h.heartbeat(a, gen).error is ErrorCode.NONE
        assert h.heartbeat(b, gen).error is ErrorCode.NONE
    assert h.state() is GroupState.STABLE


# -- LeaveGroup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 1, 2])
def test_leave_v0_to_v2_carries_one_error(version: int) -> None:
    h = Harness()
    a, _b, _gen = _formed(h)
    assert h.leave(("ghost", None), version=version).error is ErrorCode.UNKNOWN_MEMBER_ID
    assert h.leave((a, None), version=version).error is ErrorCode.NONE
    assert h.leave((a, None), version=version, group_id="nope").error is ErrorCode.UNKNOWN_MEMBER_ID


def test_leave_v3_reports_each_member() -> None:
    h = Harness()
    a, b, _gen = _formed(h)
    reply = h.leave((a, None), ("ghost", None), (b, None))
    assert reply.error is ErrorCode.NONE
    assert [(m.member_id, m.error_code) for m in reply().members] == [
        (a, 0),
        ("ghost", ErrorCode.UNKNOWN_MEMBER_ID),
        (b, 0),
    ]
    assert h.state() is GroupState.EMPTY
    unknown_group = h.leave((a, None), group_id="nope")
    assert unknown_group().members[0].error_code == ErrorCode.UNKNOWN_MEMBER_ID
    assert h.leave((a, None), group_id="").error is ErrorCode.INVALID_GROUP_ID


# -- coordinator status -------------------------------------------------------------------------


def _loading_core(h: Harness) -> None:
    core = GroupCoordinatorCore(h.cfg, new_member_id=h._member_id, owned_partitions=())
    core.begin_loading(core.partition_for(GROUP))
    h.core = core


def test_requests_while_loading() -> None:
    h = Harness()
    _loading_core(h)
    assert h.join().error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    # SyncGroup: REBALANCE_IN_PROGRESS so old clients rejoin; Heartbeat: NONE, blindly.
    assert h.sync("m", 1).error is ErrorCode.REBALANCE_IN_PROGRESS
    assert h.heartbeat("m", 1).error is ErrorCode.NONE
    assert h.leave(("m", None)).error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    assert h.leave(("m", None), version=1).error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    assert h.list_groups().error is ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    assert h.core.loading


def test_requests_for_a_partition_this_broker_does_not_lead() -> None:
    h = Harness()
    h.core = GroupCoordinatorCore(h.cfg, owned_partitions=())
    for reply in (h.join(), h.sync("m", 1), h.heartbeat("m", 1), h.leave(("m", None))):
        assert reply.error is ErrorCode.NOT_COORDINATOR
    assert h.list_groups().error is ErrorCode.NONE
