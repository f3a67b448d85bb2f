"""What handlers ask of the controller: the request and result types, and the interface.

``ControllerApi`` is the controller as the rest of the broker sees it. Two implementations,
chosen once when the broker starts: ``Controller`` (``controller.py``) plans and commits changes
itself (a cluster of one, and the active controller of a quorum), ``ForwardingController``
(``forwarding.py``) sends them to the active controller of the quorum.

The types here are plain data shared by handlers, the planners and the forwarding code; the
topic name rules are Kafka's and handlers reuse them before asking the controller.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from broker.metadata.image import MetadataImage
from broker.metadata.placement import ElectionResult
from broker.metadata.topic_configs import ResolvedConfig
from broker.security.acl import AclBinding, AclFilter
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

__all__ = [
    "MAX_TOPIC_NAME_LENGTH",
    "AlterConfigOp",
    "AlterPartitionResult",
    "ConfigResourceChange",
    "ControllerApi",
    "CreateTopicResult",
    "DeleteAclsResult",
    "NewTopic",
    "OpResult",
    "PartitionsRequest",
    "Rejected",
    "ScramUpsertion",
    "topic_name_error",
]

#: Kafka's limit: 249 characters leave room for the partition suffix in directory names.
MAX_TOPIC_NAME_LENGTH: Final = 249
_LEGAL_NAME: Final = re.compile(r"[a-zA-Z0-9._-]+")


def topic_name_error(name: str) -> str | None:
    """Why ``name`` is not a legal topic name (Kafka's rules), or None if it is."""
    if not name:
        return "Topic name is illegal, it can't be empty"
    if name in (".", ".."):
        return 'Topic name cannot be "." or ".."'
    if len(name) > MAX_TOPIC_NAME_LENGTH:
        return (
            f"Topic name is illegal, it can't be longer than {MAX_TOPIC_NAME_LENGTH} characters, "
            f"topic name: {name}"
        )
    if not _LEGAL_NAME.fullmatch(name):
        return (
            f'Topic name "{name}" is illegal, it contains a character other than ASCII '
            "alphanumerics, '.', '_' and '-'"
        )
    return None


@dataclass(slots=True)
class NewTopic:
    """A topic to create: -1 means the broker default for partitions and replication."""

    name: str
    num_partitions: int = -1
    replication_factor: int = -1
    assignments: Mapping[int, Sequence[int]] | None = None
    configs: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(slots=True)
class CreateTopicResult:
    """The outcome for one topic of CreateTopics."""

    name: str
    error: ErrorCode = ErrorCode.NONE
    message: str | None = None
    topic_id: uuid.UUID | None = None
    num_partitions: int = -1
    replication_factor: int = -1
    configs: dict[str, ResolvedConfig] | None = None


@dataclass(slots=True)
class OpResult:
    """The outcome of one item of an admin request."""

    name: str
    error: ErrorCode = ErrorCode.NONE
    message: str | None = None


class AlterConfigOp:
    """IncrementalAlterConfigs operations (Kafka's numbers)."""

    SET: Final = 0
    DELETE: Final = 1
    APPEND: Final = 2
    SUBTRACT: Final = 3


@dataclass(slots=True)
class ConfigResourceChange:
    """Changes to one resource's settings: ``(name, op, value)`` triples; for the legacy
    AlterConfigs, ``replace=True`` and every op is SET (the given set replaces all)."""

    resource_type: int
    resource_name: str
    ops: list[tuple[str, int, str | None]]
    replace: bool = False


@dataclass(frozen=True, slots=True)
class AlterPartitionResult:
    """The controller's answer to an ISR change: the partition as committed, or an error
    (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, NOT_CONTROLLER, …: the leader keeps its ISR and
    tries again later, or learns its new role from the metadata)."""

    error: ErrorCode
    isr: tuple[int, ...] = ()
    leader_epoch: int = -1
    partition_epoch: int = -1


@dataclass(frozen=True, slots=True)
class DeleteAclsResult:
    """The outcome of one DeleteAcls filter: the bindings it deleted, or why none."""

    error: ErrorCode
    message: str | None
    deleted: tuple[AclBinding, ...]


@dataclass(frozen=True, slots=True)
class ScramUpsertion:
    """One AlterUserScramCredentials upsertion: the client salted the password; the
    controller stores only the keys derived from it."""

    user: str
    mechanism: str  # "SCRAM-SHA-256" / "SCRAM-SHA-512"; anything else is refused
    iterations: int
    salt: bytes
    salted_password: bytes


#: One CreatePartitions item: ``(topic, new total count, assignments of the new ones)``.
PartitionsRequest = tuple[str, int, Sequence[Sequence[int]] | None]


class Rejected(Exception):
    """A planner refuses one item of a request (the item's result carries code and message)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ControllerApi(Protocol):
    """The controller as handlers, the group coordinator and replication call it."""

    @property
    def node_id(self) -> int:
        """This broker's id."""
        ...

    @property
    def image(self) -> MetadataImage:
        """The newest metadata image this broker applied."""
        ...

    @property
    def controller_id(self) -> int:
        """The active controller's node id (-1 while there is none)."""
        ...

    @property
    def is_active(self) -> bool:
        """Whether this broker is the active controller."""
        ...

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        ...

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        ...

    async def create_topics(
        self, topics: Sequence[NewTopic], *, validate_only: bool = False
    ) -> list[CreateTopicResult]:
        """CreateTopics: one result per requested topic, in order."""
        ...

    async def delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        """DeleteTopics: one result per name, in order."""
        ...

    async def create_partitions(
        self, requests: Sequence[PartitionsRequest], *, validate_only: bool = False
    ) -> list[OpResult]:
        """CreatePartitions: one result per topic, in order."""
        ...

    async def alter_configs(
        self, changes: Sequence[ConfigResourceChange], *, validate_only: bool = False
    ) -> list[OpResult]:
        """AlterConfigs / IncrementalAlterConfigs on topic and broker resources."""
        ...

    async def create_acls(self, bindings: Sequence[AclBinding]) -> list[OpResult]:
        """CreateAcls: one result per binding, in order (``name`` is empty)."""
        ...

    async def delete_acls(self, filters: Sequence[AclFilter]) -> list[DeleteAclsResult]:
        """DeleteAcls: per filter, in order, the bindings it deleted (each binding is
        deleted once, under the first filter that matches it)."""
        ...

    async def alter_scram_credentials(
        self, deletions: Sequence[tuple[str, str]], upsertions: Sequence[ScramUpsertion]
    ) -> list[OpResult]:
        """AlterUserScramCredentials: ``deletions`` are (user, mechanism); one result per
        user (``name`` is the user), in the order the users first appear."""
        ...

    def try_allocate_producer_id(self) -> int | None:
        """A producer id from the current block, or None when a new block is needed first."""
        ...

    async def allocate_producer_id(self) -> int:
        """A producer id never handed out before (blocks survive restarts)."""
        ...

    async def elect_leader(
        self, topic: str, partition: int, target: int | None, bump_only: bool
    ) -> OpResult:
        """Move a partition's leadership to ``target`` (an active ISR member other than the
        leader; None: the first such member), or with ``bump_only`` keep the leader and bump
        its leader epoch. ``name`` is ``topic-partition``; an error carries one line."""
        ...

    async def elect_leaders(
        self, election_type: int, partitions: Sequence[tuple[str, int]] | None
    ) -> list[ElectionResult]:
        """Kafka's ElectLeaders: 0 preferred, 1 unclean; ``partitions`` None for every
        partition (then only those that needed an election are answered for)."""
        ...

    async def alter_partition(
        self,
        tp: TopicPartition,
        leader_epoch: int,
        partition_epoch: int,
        new_isr: tuple[int, ...],
        *,
        leader: int | None = None,
    ) -> AlterPartitionResult:
        """A partition leader asks to change its ISR (Kafka's AlterPartition)."""
        ...
