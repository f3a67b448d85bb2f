"""The asyncio admin client: ``Admin`` and the types it takes and returns."""

from client.admin.admin import Admin
from client.admin.types import (
    AlterConfigOp,
    ClusterDescription,
    ConfigEntry,
    ConfigResource,
    ConfigResourceType,
    ConfigSource,
    GroupDescription,
    GroupListing,
    LogDirDescription,
    MemberDescription,
    NewTopic,
    OffsetSpec,
    PartitionDescription,
    PartitionLag,
    ProducerState,
    ReplicaLogInfo,
    TopicDescription,
    TransactionDescription,
    TransactionListing,
)
from client.offsets import ListedOffset

__all__ = [
    "Admin",
    "AlterConfigOp",
    "ClusterDescription",
    "ConfigEntry",
    "ConfigResource",
    "ConfigResourceType",
    "ConfigSource",
    "GroupDescription",
    "GroupListing",
    "ListedOffset",
    "LogDirDescription",
    "MemberDescription",
    "NewTopic",
    "OffsetSpec",
    "PartitionDescription",
    "PartitionLag",
    "ProducerState",
    "ReplicaLogInfo",
    "TopicDescription",
    "TransactionDescription",
    "TransactionListing",
]
