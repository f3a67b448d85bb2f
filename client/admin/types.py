"""What the admin client takes and returns: topics, configs, groups, offsets, the cluster,
leader elections, ACLs and SCRAM users."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

from client.types import BrokerInfo, TopicPartition
from protocol.acl import (
    CLUSTER_NAME,
    WILDCARD,
    AclOperation,
    AclPermissionType,
    PatternType,
    ResourceType,
)
from protocol.errors import ErrorCode
from protocol.types import ConfigSource

__all__ = [
    "AclBinding",
    "AclBindingFilter",
    "AclOperation",
    "AclPermissionType",
    "AlterConfigOp",
    "ClusterDescription",
    "ConfigEntry",
    "ConfigResource",
    "ConfigResourceType",
    "ConfigSource",
    "ElectionResult",
    "GroupDescription",
    "GroupListing",
    "LogDirDescription",
    "MemberDescription",
    "NewTopic",
    "OffsetSpec",
    "PartitionDescription",
    "PartitionLag",
    "PatternType",
    "ProducerState",
    "ReplicaLogInfo",
    "ResourceType",
    "ScramCredentialInfo",
    "TopicDescription",
    "TransactionDescription",
    "TransactionListing",
    "UserScramCredentials",
]


@dataclass(frozen=True, slots=True)
class NewTopic:
    """A topic to create. -1 partitions or replication factor: the broker's default."""

    name: str
    num_partitions: int = -1
    replication_factor: int = -1
    configs: dict[str, str] = field(default_factory=dict)
    #: Partition index → broker ids, instead of a count and replication factor.
    replica_assignment: dict[int, list[int]] | None = None


@dataclass(frozen=True, slots=True)
class PartitionDescription:
    """A partition: leader, replicas, in-sync replicas and the log's offsets."""

    partition: int
    leader: int
    leader_epoch: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    offline_replicas: tuple[int, ...] = ()
    #: The first offset still in the log (-1 when it could not be read).
    log_start_offset: int = -1
    #: The offset the next record gets (the high watermark; -1 when it could not be read).
    log_end_offset: int = -1


@dataclass(frozen=True, slots=True)
class TopicDescription:
    """A topic and its partitions."""

    name: str
    partitions: list[PartitionDescription]
    is_internal: bool = False

    @property
    def num_partitions(self) -> int:
        """How many partitions the topic has."""
        return len(self.partitions)


class ConfigResourceType(IntEnum):
    """Kinds of config resources (Kafka's ids)."""

    UNKNOWN = 0
    TOPIC = 2
    BROKER = 4
    BROKER_LOGGER = 8
    GROUP = 32


class ConfigResource(NamedTuple):
    """A topic (by name) or a broker (by id as a string; "" for cluster-wide defaults)."""

    type: ConfigResourceType
    name: str

    @classmethod
    def topic(cls, name: str) -> ConfigResource:
        """A topic's configs."""
        return cls(ConfigResourceType.TOPIC, name)

    @classmethod
    def broker(cls, node_id: int | str = "") -> ConfigResource:
        """A broker's configs ("" for the cluster-wide dynamic defaults)."""
        return cls(ConfigResourceType.BROKER, str(node_id))


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    """One config of a resource."""

    name: str
    value: str | None
    source: ConfigSource = ConfigSource.UNKNOWN
    read_only: bool = False
    sensitive: bool = False
    synonyms: tuple[tuple[str, str | None, ConfigSource], ...] = ()
    documentation: str | None = None

    @property
    def is_default(self) -> bool:
        """True when nothing overrides the value (Kafka's or the broker's default)."""
        return self.source in (ConfigSource.DEFAULT_CONFIG, ConfigSource.STATIC_BROKER_CONFIG)


class AlterConfigOp(IntEnum):
    """Incremental config changes (IncrementalAlterConfigs)."""

    SET = 0
    DELETE = 1
    APPEND = 2
    SUBTRACT = 3


@dataclass(frozen=True, slots=True)
class GroupListing:
    """A group as ListGroups names it."""

    group_id: str
    protocol_type: str
    state: str = ""
    #: "classic" or "consumer" (KIP-848), from ListGroups v5+; "" from older brokers.
    group_type: str = ""


@dataclass(frozen=True, slots=True)
class MemberDescription:
    """A member of a group; ``assignment`` decoded for consumer groups."""

    member_id: str
    client_id: str
    client_host: str
    group_instance_id: str | None = None
    assignment: tuple[TopicPartition, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupDescription:
    """A group's state, protocol and members."""

    group_id: str
    state: str
    protocol_type: str
    protocol: str
    members: list[MemberDescription]


@dataclass(frozen=True, slots=True)
class ConsumerGroupMemberDescription:
    """A member of a KIP-848 consumer group: its epoch, subscription, the partitions it owns
    now (``assignment``) and those the coordinator means it to own (``target_assignment``)."""

    member_id: str
    member_epoch: int
    client_id: str
    client_host: str
    instance_id: str | None = None
    rack_id: str | None = None
    subscribed_topic_names: tuple[str, ...] = ()
    subscribed_topic_regex: str | None = None
    assignment: tuple[TopicPartition, ...] = ()
    target_assignment: tuple[TopicPartition, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsumerGroupDescription:
    """A KIP-848 consumer group as ConsumerGroupDescribe gives it (``group_type`` is always
    "consumer": classic groups are ``GroupDescription``s)."""

    group_id: str
    state: str
    group_epoch: int
    assignment_epoch: int
    assignor: str
    members: list[ConsumerGroupMemberDescription]
    group_type: str = "consumer"


@dataclass(frozen=True, slots=True)
class PartitionLag:
    """A group's progress on one partition: committed offset, log end, and the gap."""

    topic: str
    partition: int
    #: The group's committed offset (-1: nothing committed).
    committed: int
    log_end_offset: int
    #: ``log_end_offset - committed`` (the whole partition when nothing is committed).
    lag: int
    log_start_offset: int = -1


@dataclass(frozen=True, slots=True)
class ClusterDescription:
    """The cluster: its id, the controller and the brokers."""

    cluster_id: str | None
    controller_id: int
    brokers: list[BrokerInfo]


@dataclass(frozen=True, slots=True)
class ReplicaLogInfo:
    """One partition's replica in a log directory (DescribeLogDirs)."""

    #: Bytes of the replica's segment files.
    size_bytes: int
    #: How far the replica is behind the log end (0 for a leader).
    offset_lag: int = 0
    #: True for a replica being moved into this directory (a "future" replica).
    is_future: bool = False


@dataclass(frozen=True, slots=True)
class LogDirDescription:
    """A broker's log directory and the replicas it holds (DescribeLogDirs)."""

    node_id: int
    path: str
    replicas: dict[TopicPartition, ReplicaLogInfo]
    #: 0, or the code of the error that made the directory unusable (KAFKA_STORAGE_ERROR).
    error_code: int = 0
    #: Size and free space of the directory's file system (-1: not reported, before v4).
    total_bytes: int = -1
    usable_bytes: int = -1


@dataclass(frozen=True, slots=True)
class TransactionListing:
    """A transactional id as its coordinator lists it (ListTransactions)."""

    transactional_id: str
    producer_id: int
    #: Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit,
    #: CompleteAbort, PrepareEpochFence or Dead.
    state: str
    #: The broker that coordinates it (the one that listed it).
    coordinator_id: int = -1


@dataclass(frozen=True, slots=True)
class TransactionDescription:
    """A transactional id's state at its coordinator (DescribeTransactions)."""

    transactional_id: str
    #: The broker that coordinates it.
    coordinator_id: int
    state: str
    producer_id: int
    producer_epoch: int
    transaction_timeout_ms: int
    #: When the open transaction started (-1: none is open).
    transaction_start_time_ms: int
    #: The partitions of the open transaction (while it completes: those still without a
    #: marker).
    partitions: tuple[TopicPartition, ...] = ()


@dataclass(frozen=True, slots=True)
class ProducerState:
    """A producer a partition's leader knows of (DescribeProducers)."""

    producer_id: int
    producer_epoch: int
    #: The sequence of the producer's last record here (-1: none).
    last_sequence: int
    #: The timestamp of the producer's last batch here (-1: none).
    last_timestamp_ms: int
    #: The epoch of the transaction coordinator that wrote its last marker here (-1: none).
    coordinator_epoch: int
    #: The first offset of its open transaction here (-1: no transaction open).
    current_txn_start_offset: int


@dataclass(frozen=True, slots=True)
class ElectionResult:
    """What a leader election did for one partition (ElectLeaders)."""

    #: NONE: the partition has the leader asked for now; ELECTION_NOT_NEEDED: it had it
    #: already; else why no leader could be elected (PREFERRED_LEADER_NOT_AVAILABLE,
    #: ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, …).
    error: ErrorCode
    #: The broker's message about it, if it gave one.
    message: str | None = None

    @property
    def elected(self) -> bool:
        """True when this election gave the partition a new leader."""
        return self.error == ErrorCode.NONE

    @property
    def failed(self) -> bool:
        """True when the partition is without the leader asked for (an election that was not
        needed is no failure)."""
        return self.error not in (ErrorCode.NONE, ErrorCode.ELECTION_NOT_NEEDED)


class OffsetSpec:
    """What ``list_offsets`` looks up: earliest, latest, or the first offset at a time."""

    EARLIEST: int = -2
    LATEST: int = -1
    MAX_TIMESTAMP: int = -3

    @staticmethod
    def for_time(timestamp_ms: int) -> int:
        """The first offset whose timestamp is at or after ``timestamp_ms``."""
        if timestamp_ms < 0:
            raise ValueError("timestamps are >= 0")
        return timestamp_ms


@dataclass(frozen=True, slots=True, kw_only=True)
class AclBinding:
    """One ACL, as Kafka's admin client's ``AclBinding`` (its resource pattern and access
    control entry in one): ``principal`` (``User:alice``, ``User:*``) may do ``operation`` on
    the resources that ``resource_type``, ``resource_name`` and ``pattern_type`` (LITERAL: the
    name, or ``*`` for all; PREFIXED: names starting with it) select, from ``host`` (``*``:
    any), or not (``permission`` DENY). The Cluster resource's name is ``kafka-cluster``."""

    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType = PatternType.LITERAL
    principal: str
    host: str = WILDCARD
    operation: AclOperation
    permission: AclPermissionType = AclPermissionType.ALLOW

    @classmethod
    def for_cluster(
        cls,
        principal: str,
        operation: AclOperation,
        permission: AclPermissionType = AclPermissionType.ALLOW,
        host: str = WILDCARD,
    ) -> AclBinding:
        """A binding on the Cluster resource."""
        return cls(
            resource_type=ResourceType.CLUSTER,
            resource_name=CLUSTER_NAME,
            principal=principal,
            host=host,
            operation=operation,
            permission=permission,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AclBindingFilter:
    """Which ACLs ``describe_acls`` and ``delete_acls`` take (Kafka's ``AclBindingFilter``):
    ``None`` and the ``ANY`` members match everything; ``pattern_type`` MATCH takes the
    bindings that would apply to the resource named (literal, wildcard and prefixes)."""

    resource_type: ResourceType = ResourceType.ANY
    resource_name: str | None = None
    pattern_type: PatternType = PatternType.ANY
    principal: str | None = None
    host: str | None = None
    operation: AclOperation = AclOperation.ANY
    permission: AclPermissionType = AclPermissionType.ANY


@dataclass(frozen=True, slots=True)
class ScramCredentialInfo:
    """One SCRAM credential of a user: its mechanism (``SCRAM-SHA-256``) and iteration count
    (the password and salt never leave the broker)."""

    mechanism: str
    iterations: int


@dataclass(frozen=True, slots=True)
class UserScramCredentials:
    """A user's SCRAM credentials (Kafka's ``UserScramCredentialsDescription``)."""

    user: str
    credentials: tuple[ScramCredentialInfo, ...]
