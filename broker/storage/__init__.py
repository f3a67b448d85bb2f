"""The persistent partitioned log: segments, indexes, checkpoints, recovery, flushing and
compaction, in Kafka's vocabulary and on-disk layout. See README.md in this directory."""

from broker.storage.cleaner import Cleaner, CleanResult
from broker.storage.config import CleanupPolicy, FlushPolicy, LogConfig
from broker.storage.epoch_cache import EpochEntry, LeaderEpochCache
from broker.storage.errors import (
    AppendOffsetError,
    CorruptCheckpointError,
    DurabilityTimeoutError,
    LogOffsetOutOfRangeError,
    LogStorageError,
    RecordBatchTooLargeError,
    RecordSetTooLargeError,
)
from broker.storage.fdpool import DEFAULT_MAX_OPEN_FILES, FilePool
from broker.storage.flush import FlushScheduler, LogFlusher
from broker.storage.index import IndexBudget, OffsetIndex, TimeIndex, TimestampOffset
from broker.storage.log import AppendInfo, PartitionLog
from broker.storage.manager import LogManager
from broker.storage.names import TopicPartition
from broker.storage.segment import LogSegment, RecoveryStats
from broker.storage.slice import FileSlice
from broker.storage.snapshots import ProducerSnapshotStore
from broker.storage.txn_index import AbortedTxn, TransactionIndex

__all__ = [
    "DEFAULT_MAX_OPEN_FILES",
    "AbortedTxn",
    "AppendInfo",
    "AppendOffsetError",
    "CleanResult",
    "Cleaner",
    "CleanupPolicy",
    "CorruptCheckpointError",
    "DurabilityTimeoutError",
    "EpochEntry",
    "FilePool",
    "FileSlice",
    "FlushPolicy",
    "FlushScheduler",
    "IndexBudget",
    "LeaderEpochCache",
    "LogConfig",
    "LogFlusher",
    "LogManager",
    "LogOffsetOutOfRangeError",
    "LogSegment",
    "LogStorageError",
    "OffsetIndex",
    "PartitionLog",
    "ProducerSnapshotStore",
    "RecordBatchTooLargeError",
    "RecordSetTooLargeError",
    "RecoveryStats",
    "TimeIndex",
    "TimestampOffset",
    "TopicPartition",
    "TransactionIndex",
]
