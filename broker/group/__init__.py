"""The group coordinator of the classic consumer-group protocol, as a pure core (no IO).

* ``GroupCoordinatorCore`` (``coordinator.py``): JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
  OffsetCommit, OffsetFetch, OffsetDelete, TxnOffsetCommit (and the transaction markers that
  end its offsets' wait), DescribeGroups, ListGroups, DeleteGroups, timers, loading and
  unloading of ``__consumer_offsets`` partitions. Each call returns an ``Outcome`` (or raises
  ``CoreCallError`` with the effects produced before a failure). It is composed of one part per
  job (``join.py``, ``sync.py``, ``heartbeat.py``, ``leave.py``, ``rebalance.py``,
  ``offsets.py``, ``txn_offsets.py``, ``admin.py``, ``loading.py``) sharing a ``CoreContext``
  (``context.py``).
* ``state.py``: one group's state machine (``GroupState``, ``GroupMetadata``, ``MemberMetadata``).
* ``records.py``: the ``__consumer_offsets`` record format, ``partition_for_group`` and ``load``.

The asyncio driver (``driver.py``, with ``loader.py``, ``offsets_topic.py`` and ``lag.py``)
sits beside the core; importing this package does not import it. See README.md here.
"""

from broker.group.config import GroupConfig
from broker.group.context import CoreCallError
from broker.group.coordinator import GroupCoordinatorCore
from broker.group.outcome import (
    Append,
    Completion,
    Outcome,
    ParkKey,
    TimerCancel,
    TimerChange,
    TimerSet,
)
from broker.group.records import (
    GroupMetadataKey,
    GroupMetadataValue,
    LoadedGroup,
    LoadedState,
    MemberRecord,
    OffsetAndMetadata,
    OffsetCommitKey,
    RecordFormatError,
    ReplayBatch,
    TopicPartition,
    decode_record,
    encode_record,
    load,
    partition_for_group,
)
from broker.group.state import GroupMetadata, GroupState, MemberMetadata
from broker.group.timers import TimerKey, TimerKind

__all__ = [
    "Append",
    "Completion",
    "CoreCallError",
    "GroupConfig",
    "GroupCoordinatorCore",
    "GroupMetadata",
    "GroupMetadataKey",
    "GroupMetadataValue",
    "GroupState",
    "LoadedGroup",
    "LoadedState",
    "MemberMetadata",
    "MemberRecord",
    "OffsetAndMetadata",
    "OffsetCommitKey",
    "Outcome",
    "ParkKey",
    "RecordFormatError",
    "ReplayBatch",
    "TimerCancel",
    "TimerChange",
    "TimerKey",
    "TimerKind",
    "TimerSet",
    "TopicPartition",
    "decode_record",
    "encode_record",
    "load",
    "partition_for_group",
]
