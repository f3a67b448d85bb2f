"""KIP-848 group records in ``__consumer_offsets``: Kafka's key versions, the values' round
trip, what a change writes, and a reload that gives back the same groups."""

from __future__ import annotations

import struct
import uuid

import pytest
from unit.group.consumer_group_harness import GROUP, beat, join, make_core

from broker.group.consumer_records import (
    CURRENT_ASSIGNMENT_KEY,
    GROUP_METADATA_KEY,
    MEMBER_METADATA_KEY,
    TARGET_MEMBER_KEY,
    TARGET_METADATA_KEY,
    ConsumerRecordError,
    CurrentAssignment,
    MemberMetadata,
    current_assignment_value,
    decode_current_assignment,
    decode_epoch,
    decode_key,
    decode_member_metadata,
    epoch_value,
    group_key,
    member_metadata_value,
)
from broker.group.records import load

pytestmark = pytest.mark.timeout(30)


def test_key_layout_is_kafkas() -> None:
    key = group_key(MEMBER_METADATA_KEY, "g", "m")
    assert key == struct.pack(">hh", 5, 1) + b"g" + struct.pack(">h", 1) + b"m"
    assert decode_key(key).member_id == "m"
    assert group_key(GROUP_METADATA_KEY, "g") == struct.pack(">hh", 3, 1) + b"g"


def test_values_round_trip() -> None:
    assert decode_epoch(epoch_value(7)) == 7
    assert epoch_value(7) == struct.pack(">hi", 0, 7) + b"\x00"  # version, epoch, no tags
    meta = MemberMetadata("i", None, "client", "/1.2.3.4", ("a", "b"), None, 5000, "range")
    assert decode_member_metadata(member_metadata_value(meta)) == meta
    tid = uuid.uuid4()
    current = CurrentAssignment(3, 2, 2, {tid: [0, 1]}, {tid: [2]})
    assert decode_current_assignment(current_assignment_value(current)) == current


def test_bad_records_are_refused() -> None:
    with pytest.raises(ConsumerRecordError):
        decode_epoch(epoch_value(1)[:-2])
    with pytest.raises(ConsumerRecordError):
        decode_epoch(struct.pack(">hi", 9, 1) + b"\x00")  # unknown value version


def test_a_join_writes_every_record_and_a_heartbeat_only_what_changed() -> None:
    core = make_core({"t": 4})
    join(core, "a", ["t"])
    versions = sorted(decode_key(k).version for _, k, _ in core.drain_records())
    assert versions == [
        GROUP_METADATA_KEY,
        MEMBER_METADATA_KEY,
        TARGET_METADATA_KEY,
        TARGET_MEMBER_KEY,
        CURRENT_ASSIGNMENT_KEY,
    ]
    beat(core, "a", 1, [("t", p) for p in range(4)])
    assert core.drain_records() == []


def test_a_leave_writes_tombstones() -> None:
    core = make_core({"t": 4})
    join(core, "a", ["t"])
    join(core, "b", ["t"])
    core.drain_records()
    beat(core, "b", -1, None)
    written = core.drain_records()
    tombstones = sorted(decode_key(k).version for _, k, v in written if v is None)
    assert tombstones == [MEMBER_METADATA_KEY, TARGET_MEMBER_KEY, CURRENT_ASSIGNMENT_KEY]


def test_reload_gives_back_the_groups() -> None:
    core = make_core({"t": 6})
    join(core, "a", ["t"], instance_id="i-a")
    join(core, "b", ["t"], assignor="range")
    beat(core, "a", 1, [("t", p) for p in range(6)])  # a is revoking
    log = [(k, v) for _, k, v in core.drain_records()]
    # Through the classic loader's replay: the records are set apart for this family.
    loaded = load(log)
    assert list(loaded) == [GROUP]
    other = make_core({"t": 6})
    assert other.load_records(loaded[GROUP].consumer_records, 100) == [GROUP]
    before, after = core.groups[GROUP], other.groups[GROUP]
    assert (after.group_epoch, after.assignment_epoch) == (before.group_epoch, 2)
    assert after.target == before.target
    assert after.owners == before.owners
    assert after.static_members == {"i-a": "a"}
    for mid, m in before.members.items():
        n = after.members[mid]
        assert (n.member_epoch, n.state, n.assigned, n.pending_revocation) == (
            m.member_epoch,
            m.state,
            m.assigned,
            m.pending_revocation,
        )
        assert n.session_deadline_ms == 100 + other.config.session_timeout_ms
    # Nothing new to write after a reload.
    assert other.drain_records() == []
