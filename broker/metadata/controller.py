"""The controller: validates metadata changes, commits records, applies them.

Every change goes the same way: validate against the current image (and a scratch replay of
the records, so that nothing invalid reaches the log), ``MetadataLog.append`` (durable once it
returns), apply to the image, then ``publish(image, delta)`` so the broker reacts (creates and
deletes logs, updates configs). Changes are serialised by one lock; readers use ``image``, which
is replaced atomically.

Every broker has a ``Controller``; the one on the Raft leader is the *active* controller (a
single node is a quorum of one, so its controller is always the active one). ``append`` there
returns on quorum commit, and every broker applies committed batches through the log's listener
(``_apply_records``). A change asked of a broker that is not the active controller is forwarded
to it (``router``, see ``quorum.py``). The active controller also runs the brokers' lifecycle:
registration, heartbeats, fencing after ``broker.session.timeout.ms``, controlled shutdown,
leader elections (``placement.py``).

The validation helpers at the top are pure and reused by handlers.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

from broker.config import BrokerConfig
from broker.metadata.image import (
    BROKER_RESOURCE,
    TOPIC_RESOURCE,
    BrokerRegistration,
    MetadataApplyError,
    MetadataDelta,
    MetadataImage,
    delta_between,
)
from broker.metadata.log import MetadataLog
from broker.metadata.placement import (
    PlacementError,
    assign_replicas,
    changes_for_broker_loss,
    changes_for_leaderless,
    preferred_leader_changes,
)
from broker.metadata.placement import alter_partition as plan_alter_partition
from broker.metadata.records import (
    BrokerRegistrationChangeRecord,
    ConfigRecord,
    FenceBrokerRecord,
    MetadataRecord,
    PartitionRecord,
    ProducerIdsRecord,
    RegisterBrokerRecord,
    RemoveTopicRecord,
    TopicRecord,
    UnfenceBrokerRecord,
)
from broker.metadata.topic_configs import (
    TOPIC_CONFIGS,
    ConfigType,
    ResolvedConfig,
    broker_topic_defaults,
    resolve_topic_configs,
    validate_broker_dynamic,
    validate_topic_overrides,
)
from broker.replication.isr import AlterPartitionResult
from broker.storage.names import TopicPartition
from protocol.errors import ErrorCode, KafkaError, NotControllerError

__all__ = [
    "MAX_CLUSTER_PARTITIONS",
    "MAX_TOPIC_NAME_LENGTH",
    "PRODUCER_ID_BLOCK_SIZE",
    "AlterConfigOp",
    "ConfigResourceChange",
    "Controller",
    "CreateTopicResult",
    "NewTopic",
    "OpResult",
    "topic_name_error",
]

#: Kafka's limit: 249 characters leave room for the partition suffix in directory names.
MAX_TOPIC_NAME_LENGTH: Final = 249
_LEGAL_NAME: Final = re.compile(r"[a-zA-Z0-9._-]+")

#: Partitions in the whole cluster. Each one costs descriptors and memory; past this the
#: controller refuses with INVALID_PARTITIONS instead of letting the broker fall over.
MAX_CLUSTER_PARTITIONS: Final = 100_000

#: Producer ids handed out per ProducerIdsRecord (Kafka's block size): one metadata write per
#: thousand InitProducerId calls; a restart skips the rest of the block, never reuses an id.
PRODUCER_ID_BLOCK_SIZE: Final = 1000
_MAX_PRODUCER_ID: Final = (1 << 63) - 1


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


def _collision_key(name: str) -> str:
    return name.replace(".", "_")


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


class _Reject(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Publisher = Callable[[MetadataImage, MetadataDelta], None]
T = TypeVar("T")

log = logging.getLogger("samsa.controller")


class Router(Protocol):
    """Sends a change to the active controller (``quorum.py``): ``call(op, body)``."""

    async def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        """The active controller's answer to ``op``."""
        ...

    async def wait_for_offset(self, offset: int) -> None:
        """Wait (bounded) until this broker applied metadata up to ``offset``."""
        ...


Forwarded = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark a shielded change's exception as seen (its caller may have gone away)."""
    if not task.cancelled():
        task.exception()


class Controller:
    """The single-node controller (this broker is the only voter and the controller)."""

    def __init__(
        self,
        log: MetadataLog,
        image: MetadataImage,
        config: BrokerConfig,
        *,
        publish: Publisher | None = None,
    ) -> None:
        self._image = image
        self.config = config
        self.node_id = config.node_id
        self._publish = publish
        self._lock = asyncio.Lock()
        self._pid_next = 0
        self._pid_block_end = 0
        self._closed = False
        self._defaults_cache: (
            tuple[Mapping[str, str], Mapping[str, str], dict[str, ResolvedConfig]] | None
        ) = None
        self._raft = log
        log.set_listeners(self._apply_records, self._install_image)
        #: Where changes go when this broker is not the active controller (set in a cluster).
        self.router: Router | None = None
        # -- the active controller's view of the brokers' sessions (monotonic seconds) --
        self._heartbeats: dict[int, float] = {}
        self._was_active = False
        self._next_rebalance_s = 0.0
        self._applied = asyncio.Event()  # set (and replaced) whenever the image moves

    @property
    def image(self) -> MetadataImage:
        """The newest committed image."""
        return self._image

    @property
    def controller_id(self) -> int:
        """The active controller's node id (-1 while there is none)."""
        leader = self._raft.leader_id
        return -1 if leader is None else leader

    @property
    def quorum_log(self) -> MetadataLog | None:
        """The Raft-replicated metadata log when this node is a voter."""
        return self._raft if self._raft.is_voter else None

    @property
    def is_active(self) -> bool:
        """Whether this broker is the active controller."""
        return self._raft.is_active

    def _remote(self) -> Router | None:
        """The router when changes must go to another broker, else None."""
        if self.router is None or self._raft.is_active:
            return None
        return self.router

    # -- applying committed records (every broker) -----------------------------------------

    def _apply_records(self, records: list[MetadataRecord]) -> MetadataImage:
        delta = MetadataDelta(self._image)
        try:
            for i, record in enumerate(records):
                delta.replay(self._image.offset + 1 + i, record)
        except MetadataApplyError as exc:
            log.error("a committed metadata batch does not apply (skipped): %s", exc)
            return self._image
        self._image = delta.build()
        if self._publish is not None:
            self._publish(self._image, delta)
        self._moved()
        return self._image

    def _install_image(self, image: MetadataImage) -> None:
        delta = delta_between(self._image, image)
        self._image = delta.build()
        if self._publish is not None:
            self._publish(self._image, delta)
        self._moved()

    def _moved(self) -> None:
        event, self._applied = self._applied, asyncio.Event()
        event.set()

    async def wait_applied(self, offset: int) -> None:
        """Return once the image includes ``offset`` (callers bound the wait)."""
        while self._image.offset < offset:
            await self._applied.wait()

    def set_publisher(self, publish: Publisher) -> None:
        """Where committed changes go."""
        self._publish = publish

    # -- configs ----------------------------------------------------------------------------

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        image = self._image
        node = image.config(BROKER_RESOURCE, str(self.node_id))
        cluster = image.config(BROKER_RESOURCE, "")
        cached = self._defaults_cache
        if cached is not None and cached[0] is node and cached[1] is cluster:
            return cached[2]
        defaults = broker_topic_defaults(self.config, node, cluster)
        self._defaults_cache = (node, cluster, defaults)
        return defaults

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        return resolve_topic_configs(
            self.topic_defaults(), self._image.config(TOPIC_RESOURCE, topic)
        )

    # -- commit -------------------------------------------------------------------------------

    async def _commit(self, records: Sequence[MetadataRecord]) -> MetadataImage:
        # Replay on a scratch delta first: nothing that does not apply reaches the log.
        scratch = MetadataDelta(self._image)
        for i, record in enumerate(records):
            scratch.replay(self._image.offset + 1 + i, record)
        await self._raft.append(records)  # applied through _apply_records on commit
        return self._image

    async def _serialised(self, change: Coroutine[Any, Any, T]) -> T:
        """Run a change under the controller's lock in a task of its own, shielded from the
        caller's cancellation: a client that goes away mid-request must not leave the log
        and the image out of step."""
        task = asyncio.ensure_future(self._locked(change))
        task.add_done_callback(_retrieve)
        return await asyncio.shield(task)

    async def _locked(self, change: Coroutine[Any, Any, T]) -> T:
        async with self._lock:
            if self._closed:
                change.close()
                raise NotControllerError("the controller is shutting down")
            return await change

    async def _next_producer_id_block(self) -> None:
        if self._pid_next < self._pid_block_end:
            return  # another waiter committed a block meanwhile
        start, end = await self._commit_producer_id_block(self.node_id)
        self._pid_next, self._pid_block_end = start, end

    async def _commit_producer_id_block(self, broker_id: int) -> tuple[int, int]:
        start = self._image.next_producer_id
        end = start + PRODUCER_ID_BLOCK_SIZE
        if end > _MAX_PRODUCER_ID:
            raise MetadataApplyError("producer ids are exhausted")
        await self._commit([ProducerIdsRecord(broker_id, end)])
        return start, end

    async def producer_id_block(self, broker_id: int) -> tuple[int, int]:
        """Commit a block of producer ids for ``broker_id`` (active controller)."""
        return await self._serialised(self._commit_producer_id_block(broker_id))

    async def close(self) -> None:
        """Wait for the change in progress, then refuse new ones."""
        async with self._lock:
            self._closed = True

    # -- topics -------------------------------------------------------------------------------

    async def create_topics(
        self, topics: Sequence[NewTopic], *, validate_only: bool = False
    ) -> list[CreateTopicResult]:
        """CreateTopics: one result per requested topic, in order."""
        router = self._remote()
        if router is not None:
            from broker.metadata import forwarding

            return await forwarding.create_topics(
                router, topics, validate_only, self.topic_defaults()
            )
        return await self._serialised(self._create_topics(topics, validate_only=validate_only))

    async def _create_topics(
        self, topics: Sequence[NewTopic], *, validate_only: bool = False
    ) -> list[CreateTopicResult]:
        """CreateTopics: one result per requested topic, in order."""
        names = [t.name for t in topics]
        duplicates = {n for n in names if names.count(n) > 1}
        results: list[CreateTopicResult] = []
        records: list[MetadataRecord] = []
        planned: set[str] = set()
        defaults = self.topic_defaults()
        partitions_left = MAX_CLUSTER_PARTITIONS - self._image.partition_count
        for topic in topics:
            result = CreateTopicResult(topic.name)
            results.append(result)
            if topic.name in duplicates:
                result.error = ErrorCode.INVALID_REQUEST
                result.message = f"Duplicate topic {topic.name} in the request"
                continue
            try:
                new_records, overrides = self._plan_topic(topic, defaults, planned, partitions_left)
            except _Reject as rej:
                result.error = rej.code
                result.message = rej.message
                continue
            partitions = sum(isinstance(r, PartitionRecord) for r in new_records)
            partitions_left -= partitions
            planned.add(topic.name)
            topic_record = new_records[0]
            assert isinstance(topic_record, TopicRecord)
            result.topic_id = topic_record.topic_id
            result.num_partitions = partitions
            first = next(r for r in new_records if isinstance(r, PartitionRecord))
            result.replication_factor = len(first.replicas)
            result.configs = resolve_topic_configs(defaults, overrides)
            records.extend(new_records)
        if records and not validate_only:
            await self._commit(records)
        return results

    def _plan_topic(
        self,
        topic: NewTopic,
        defaults: Mapping[str, ResolvedConfig],
        planned: set[str],
        partitions_left: int,
    ) -> tuple[list[MetadataRecord], dict[str, str]]:
        name = topic.name
        problem = topic_name_error(name)
        if problem is not None:
            raise _Reject(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
        image = self._image
        if name in image.topics_by_name or name in planned:
            raise _Reject(ErrorCode.TOPIC_ALREADY_EXISTS, f"Topic '{name}' already exists.")
        key = _collision_key(name)
        for other in (*image.topics_by_name, *planned):
            if _collision_key(other) == key:
                raise _Reject(
                    ErrorCode.INVALID_TOPIC_EXCEPTION,
                    f"Topic '{name}' collides with existing topic: {other}",
                )
        if topic.assignments:
            if topic.num_partitions != -1 or topic.replication_factor != -1:
                raise _Reject(
                    ErrorCode.INVALID_REQUEST,
                    "Both numPartitions or replicationFactor and replicasAssignments were set. "
                    "Both cannot be used at the same time.",
                )
            ids = sorted(topic.assignments)
            if ids != list(range(len(ids))):
                raise _Reject(
                    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "Partitions should be consecutive and start at 0",
                )
            sizes = {len(r) for r in topic.assignments.values()}
            if len(sizes) != 1:
                raise _Reject(
                    ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                    "All partitions should have the same number of replicas",
                )
            for replicas in topic.assignments.values():
                self._check_replicas(replicas)
            count = len(ids)
            factor = sizes.pop()
        else:
            count = topic.num_partitions
            if count == -1:
                count = self.config.num_partitions
            factor = topic.replication_factor
            if factor == -1:
                factor = self.config.default_replication_factor
            if count <= 0:
                raise _Reject(
                    ErrorCode.INVALID_PARTITIONS, "Number of partitions must be larger than 0."
                )
            if factor <= 0:
                raise _Reject(
                    ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0.",
                )
            if factor > len(self._placeable_brokers()):
                raise _Reject(
                    ErrorCode.INVALID_REPLICATION_FACTOR,
                    f"Unable to replicate the partition {factor} time(s): The target "
                    f"replication factor of {factor} cannot be reached because only "
                    f"{len(self._placeable_brokers())} broker(s) are registered.",
                )
        if count > partitions_left:
            raise _Reject(
                ErrorCode.INVALID_PARTITIONS,
                f"Creating {count} partitions would exceed the cluster limit of "
                f"{MAX_CLUSTER_PARTITIONS} partitions",
            )
        try:
            overrides = validate_topic_overrides(defaults, dict(topic.configs))
        except KafkaError as exc:
            raise _Reject(exc.code, exc.message or str(exc)) from None
        topic_id = _new_topic_id(image)
        records: list[MetadataRecord] = [TopicRecord(name, topic_id)]
        if topic.assignments:
            placed = [tuple(topic.assignments[p]) for p in range(count)]
        else:
            placed = self._place(count, factor)
        for p, replicas in enumerate(placed):
            records.append(PartitionRecord(topic_id, p, replicas, replicas, replicas[0], 0, 0))
        for key_, value in sorted(overrides.items()):
            records.append(ConfigRecord(TOPIC_RESOURCE, name, key_, value))
        return records, overrides

    def _check_replicas(self, replicas: Sequence[int]) -> None:
        if len(set(replicas)) != len(replicas):
            raise _Reject(
                ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Duplicate brokers in a replica assignment"
            )
        if len(replicas) == 0:
            raise _Reject(ErrorCode.INVALID_REPLICA_ASSIGNMENT, "Empty replica assignment")
        known = set(self._image.brokers) or {self.node_id}
        unknown = [b for b in replicas if b not in known]
        if unknown:
            raise _Reject(
                ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                f"The manual partition assignment includes broker {unknown[0]}, but no such "
                "broker is registered.",
            )

    async def delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        """DeleteTopics: one result per name, in order."""
        router = self._remote()
        if router is not None:
            from broker.metadata import forwarding

            return await forwarding.delete_topics(router, names)
        return await self._serialised(self._delete_topics(names))

    async def _delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        """DeleteTopics: one result per name, in order."""
        results: list[OpResult] = []
        records: list[MetadataRecord] = []
        seen: set[str] = set()
        for name in names:
            result = OpResult(name)
            results.append(result)
            topic = self._image.topic(name)
            if names.count(name) > 1:
                result.error = ErrorCode.INVALID_REQUEST
                result.message = "Duplicate topic name in the request"
            elif topic is None:
                result.error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                result.message = "This server does not host this topic-partition."
            elif name not in seen:
                seen.add(name)
                records.append(RemoveTopicRecord(topic.topic_id))
        if records:
            await self._commit(records)
        return results

    async def create_partitions(
        self,
        requests: Sequence[tuple[str, int, Sequence[Sequence[int]] | None]],
        *,
        validate_only: bool = False,
    ) -> list[OpResult]:
        """CreatePartitions: ``(topic, new total count, assignments of the new ones)``."""
        router = self._remote()
        if router is not None:
            from broker.metadata import forwarding

            return await forwarding.create_partitions(router, requests, validate_only)
        return await self._serialised(
            self._create_partitions(requests, validate_only=validate_only)
        )

    async def _create_partitions(
        self,
        requests: Sequence[tuple[str, int, Sequence[Sequence[int]] | None]],
        *,
        validate_only: bool = False,
    ) -> list[OpResult]:
        """CreatePartitions: ``(topic, new total count, assignments of the new ones)``."""
        results: list[OpResult] = []
        records: list[MetadataRecord] = []
        names = [r[0] for r in requests]
        partitions_left = MAX_CLUSTER_PARTITIONS - self._image.partition_count
        for name, count, assignments in requests:
            result = OpResult(name)
            results.append(result)
            topic = self._image.topic(name)
            try:
                if names.count(name) > 1:
                    raise _Reject(ErrorCode.INVALID_REQUEST, "Duplicate topic in the request")
                if topic is None:
                    raise _Reject(
                        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        f"The topic '{name}' does not exist.",
                    )
                current = topic.partition_count
                if count < current:
                    raise _Reject(
                        ErrorCode.INVALID_PARTITIONS,
                        f"Topic currently has {current} partitions, which is higher than "
                        f"the requested {count}.",
                    )
                if count == current:
                    raise _Reject(
                        ErrorCode.INVALID_PARTITIONS,
                        f"Topic already has {current} partitions.",
                    )
                added = count - current
                if added > partitions_left:
                    raise _Reject(
                        ErrorCode.INVALID_PARTITIONS,
                        f"Adding {added} partitions would exceed the cluster limit of "
                        f"{MAX_CLUSTER_PARTITIONS} partitions",
                    )
                if assignments is not None:
                    if len(assignments) != added:
                        raise _Reject(
                            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                            f"Attempted to add {added} additional partition(s), but only "
                            f"{len(assignments)} assignment(s) were specified.",
                        )
                    factor = len(next(iter(topic.partitions.values())).replicas)
                    for replicas in assignments:
                        self._check_replicas(replicas)
                        if len(replicas) != factor:
                            raise _Reject(
                                ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                                f"The manual partition assignment includes a partition "
                                f"with {len(replicas)} replica(s), but this is not "
                                f"consistent with previous partitions, which have "
                                f"{factor} replica(s).",
                            )
            except _Reject as rej:
                result.error = rej.code
                result.message = rej.message
                continue
            factor = len(next(iter(topic.partitions.values())).replicas)
            if assignments is not None:
                placed = [tuple(r) for r in assignments]
            else:
                try:
                    placed = self._place(added, factor, start=current)
                except _Reject as rej:
                    result.error = rej.code
                    result.message = rej.message
                    continue
            partitions_left -= added
            for p, replicas in zip(range(current, count), placed, strict=True):
                records.append(
                    PartitionRecord(topic.topic_id, p, replicas, replicas, replicas[0], 0, 0)
                )
        if records and not validate_only:
            await self._commit(records)
        return results

    # -- configs ------------------------------------------------------------------------------

    async def alter_configs(
        self, changes: Sequence[ConfigResourceChange], *, validate_only: bool = False
    ) -> list[OpResult]:
        """AlterConfigs / IncrementalAlterConfigs on topic and broker resources."""
        router = self._remote()
        if router is not None:
            from broker.metadata import forwarding

            return await forwarding.alter_configs(router, changes, validate_only)
        return await self._serialised(self._alter_configs(changes, validate_only=validate_only))

    async def _alter_configs(
        self, changes: Sequence[ConfigResourceChange], *, validate_only: bool = False
    ) -> list[OpResult]:
        """AlterConfigs / IncrementalAlterConfigs on topic and broker resources."""
        keys = [(c.resource_type, c.resource_name) for c in changes]
        results: list[OpResult] = []
        records: list[MetadataRecord] = []
        for change in changes:
            result = OpResult(change.resource_name)
            results.append(result)
            try:
                if keys.count((change.resource_type, change.resource_name)) > 1:
                    raise _Reject(
                        ErrorCode.INVALID_REQUEST,
                        "Duplicate resource in the request",
                    )
                records.extend(self._plan_config_change(change))
            except _Reject as rej:
                result.error = rej.code
                result.message = rej.message
        if records and not validate_only:
            await self._commit(records)
        return results

    def _plan_config_change(self, change: ConfigResourceChange) -> list[ConfigRecord]:
        rtype, rname = change.resource_type, change.resource_name
        if rtype == TOPIC_RESOURCE:
            if self._image.topic(rname) is None:
                raise _Reject(
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"Topic {rname} does not exist."
                )
        elif rtype == BROKER_RESOURCE:
            known = {str(b) for b in self._image.brokers} | {str(self.node_id)}
            if rname not in ("", *known):
                raise _Reject(ErrorCode.INVALID_REQUEST, f"Unexpected broker id {rname}")
        else:
            raise _Reject(
                ErrorCode.INVALID_REQUEST, f"Unsupported resource type {rtype} for configs"
            )
        current = dict(self._image.config(rtype, rname))
        updated: dict[str, str] = {} if change.replace else dict(current)
        for name, op, value in change.ops:
            if op == AlterConfigOp.SET:
                if value is None:
                    if rtype == TOPIC_RESOURCE:
                        raise _Reject(
                            ErrorCode.INVALID_CONFIG,
                            f"Null value not supported for topic configs: {name}",
                        )
                    updated.pop(name, None)
                else:
                    updated[name] = value
            elif op == AlterConfigOp.DELETE:
                updated.pop(name, None)
            elif op in (AlterConfigOp.APPEND, AlterConfigOp.SUBTRACT):
                updated[name] = self._list_op(rtype, rname, name, op, value, updated)
            else:
                raise _Reject(ErrorCode.INVALID_REQUEST, f"Unknown config operation {op}")
        try:
            if rtype == TOPIC_RESOURCE:
                updated = validate_topic_overrides(self.topic_defaults(), updated)
            else:
                for name, value in updated.items():
                    if current.get(name) != value:
                        validate_broker_dynamic(name, value)
                for name in current.keys() - updated.keys():
                    validate_broker_dynamic(name, None)
        except KafkaError as exc:
            code = exc.code
            if "dynamically" in (exc.message or ""):
                code = ErrorCode.INVALID_REQUEST
            raise _Reject(code, exc.message or str(exc)) from None
        records = [
            ConfigRecord(rtype, rname, name, value)
            for name, value in sorted(updated.items())
            if current.get(name) != value
        ]
        records += [
            ConfigRecord(rtype, rname, name, None) for name in sorted(current.keys() - updated)
        ]
        return records

    def _list_op(
        self,
        rtype: int,
        rname: str,
        name: str,
        op: int,
        value: str | None,
        updated: Mapping[str, str],
    ) -> str:
        if rtype == TOPIC_RESOURCE:
            d = TOPIC_CONFIGS.get(name)
            is_list = d is not None and d.type == ConfigType.LIST
            base = updated.get(name)
            if base is None and d is not None:
                base = self.topic_defaults()[name].value
        else:
            is_list = False
            base = updated.get(name)
        if not is_list:
            verb = "append" if op == AlterConfigOp.APPEND else "subtract"
            raise _Reject(
                ErrorCode.INVALID_CONFIG,
                f"Config value {verb} is not allowed for config key: {name}",
            )
        items = [v for v in (base or "").split(",") if v]
        given = [v.strip() for v in (value or "").split(",") if v.strip()]
        if op == AlterConfigOp.APPEND:
            items += [v for v in given if v not in items]
        else:
            items = [v for v in items if v not in given]
        return ",".join(items)

    # -- producer ids -------------------------------------------------------------------------

    def try_allocate_producer_id(self) -> int | None:
        """A producer id from the current block, or None when a new block must be committed
        first (then call ``allocate_producer_id``)."""
        if self._pid_next >= self._pid_block_end:
            return None
        pid = self._pid_next
        self._pid_next += 1
        return pid

    async def allocate_producer_id(self) -> int:
        """A producer id never handed out before (blocks survive restarts)."""
        if self._pid_next >= self._pid_block_end:
            router = self._remote()
            if router is not None:
                answer = await router.call("producer_ids", {"broker_id": self.node_id})
                if self._pid_next >= self._pid_block_end:
                    self._pid_next, self._pid_block_end = int(answer["start"]), int(answer["end"])
            else:
                await self._serialised(self._next_producer_id_block())
        pid = self._pid_next
        self._pid_next += 1
        return pid

    # -- placement ------------------------------------------------------------------------------

    def _placeable_brokers(self) -> list[BrokerRegistration]:
        """Brokers new replicas may go to: the active registered ones (this broker alone in a
        cluster of one that never registered)."""
        brokers = self._image.brokers
        if not brokers:
            return [BrokerRegistration(self.node_id, "", 0, self.config.broker_rack, False)]
        return [b for b in brokers.values() if b.active]

    def _place(self, count: int, factor: int, start: int | None = None) -> list[tuple[int, ...]]:
        brokers = self._placeable_brokers()
        if start is None:
            start = random.randrange(max(1, len(brokers)))
        try:
            return assign_replicas(brokers, count, factor, start)
        except PlacementError as exc:
            raise _Reject(ErrorCode.INVALID_REPLICATION_FACTOR, str(exc)) from None

    # -- ISR changes (Kafka's AlterPartition) -----------------------------------------------------

    async def alter_partition(
        self,
        tp: TopicPartition,
        leader_epoch: int,
        partition_epoch: int,
        new_isr: tuple[int, ...],
        *,
        leader: int | None = None,
    ) -> AlterPartitionResult:
        """A partition leader asks to change its ISR (forwarded to the active controller)."""
        leader = self.node_id if leader is None else leader
        router = self._remote()
        if router is not None:
            answer = await router.call(
                "alter_partition",
                {
                    "topic": tp.topic,
                    "partition": tp.partition,
                    "leader": leader,
                    "leader_epoch": leader_epoch,
                    "partition_epoch": partition_epoch,
                    "isr": list(new_isr),
                },
            )
            await router.wait_for_offset(int(answer.get("offset", -1)))
            return AlterPartitionResult(
                ErrorCode(int(answer["error"])),
                tuple(int(r) for r in answer.get("isr", ())),
                int(answer.get("leader_epoch", -1)),
                int(answer.get("partition_epoch", -1)),
            )
        return await self._serialised(
            self._alter_partition(tp, leader, leader_epoch, partition_epoch, new_isr)
        )

    async def _alter_partition(
        self,
        tp: TopicPartition,
        leader: int,
        leader_epoch: int,
        partition_epoch: int,
        new_isr: tuple[int, ...],
    ) -> AlterPartitionResult:
        error, record, state = plan_alter_partition(
            self._image, tp.topic, tp.partition, leader, leader_epoch, partition_epoch, new_isr
        )
        if error != ErrorCode.NONE:
            return AlterPartitionResult(error)
        if record is not None:
            await self._commit([record])
            state = self._image.partition(tp.topic, tp.partition)
        assert state is not None
        return AlterPartitionResult(
            ErrorCode.NONE, state.isr, state.leader_epoch, state.partition_epoch
        )

    # -- broker lifecycle (active controller) -----------------------------------------------------

    async def register_broker(
        self, broker_id: int, incarnation_id: str, host: str, port: int, rack: str | None
    ) -> int:
        """Register (or re-register after a restart) a broker; returns its broker epoch. A new
        incarnation starts fenced and gives up what the old one led."""
        return await self._serialised(
            self._register_broker(broker_id, incarnation_id, host, port, rack)
        )

    async def _register_broker(
        self, broker_id: int, incarnation_id: str, host: str, port: int, rack: str | None
    ) -> int:
        current = self._image.brokers.get(broker_id)
        if (
            current is not None
            and current.incarnation_id == incarnation_id
            and (current.host, current.port, current.rack) == (host, port, rack)
        ):
            self._heartbeats[broker_id] = time.monotonic()
            return current.epoch
        records: list[MetadataRecord] = []
        if current is not None and not current.fenced:
            # The previous incarnation: fence it first, moving its leaderships away.
            records.append(FenceBrokerRecord(broker_id, current.epoch))
            records.extend(changes_for_broker_loss(self._fenced_view([broker_id]), broker_id))
        records.append(RegisterBrokerRecord(broker_id, incarnation_id, host, port, rack, True))
        await self._commit(records)
        self._heartbeats[broker_id] = time.monotonic()
        registered = self._image.brokers[broker_id]
        log.info(
            "broker %d registered at %s:%d (epoch %d)", broker_id, host, port, registered.epoch
        )
        return registered.epoch

    def _fenced_view(self, fenced: Sequence[int]) -> MetadataImage:
        """The image as if ``fenced`` were fenced (for planning the partition changes)."""
        scratch = MetadataDelta(self._image)
        offset = self._image.offset
        for b in fenced:
            reg = self._image.brokers.get(b)
            if reg is not None:
                offset += 1
                scratch.replay(offset, FenceBrokerRecord(b, reg.epoch))
        return scratch.build()

    async def broker_heartbeat(
        self, broker_id: int, broker_epoch: int, metadata_offset: int, want_shutdown: bool
    ) -> dict[str, Any]:
        """A broker's heartbeat: keeps its session, unfences it once it caught up, and for a
        controlled shutdown moves its leaderships away (``shutdown_ready`` once done)."""
        reg = self._image.brokers.get(broker_id)
        if reg is not None and reg.epoch == broker_epoch:
            # The session is kept even while the change below waits for the lock.
            self._heartbeats[broker_id] = time.monotonic()
        return await self._serialised(
            self._broker_heartbeat(broker_id, broker_epoch, metadata_offset, want_shutdown)
        )

    async def _broker_heartbeat(
        self, broker_id: int, broker_epoch: int, metadata_offset: int, want_shutdown: bool
    ) -> dict[str, Any]:
        reg = self._image.brokers.get(broker_id)
        if reg is None or reg.epoch != broker_epoch:
            return {"error": int(ErrorCode.STALE_BROKER_EPOCH)}
        self._heartbeats[broker_id] = time.monotonic()
        if want_shutdown:
            leads = any(
                p.leader == broker_id
                for t in self._image.topics_by_id.values()
                for p in t.partitions.values()
            )
            if not reg.in_controlled_shutdown and not reg.fenced:
                records: list[MetadataRecord] = [
                    BrokerRegistrationChangeRecord(
                        broker_id, reg.epoch, in_controlled_shutdown=True
                    )
                ]
                scratch = MetadataDelta(self._image)
                scratch.replay(self._image.offset + 1, records[0])
                records.extend(changes_for_broker_loss(scratch.build(), broker_id))
                await self._commit(records)
            elif leads:
                # Leaders that could not move before (no other ISR member was active).
                changes = changes_for_broker_loss(self._image, broker_id)
                if changes:
                    await self._commit(list(changes))
            leads = any(
                p.leader == broker_id
                for t in self._image.topics_by_id.values()
                for p in t.partitions.values()
            )
            current = self._image.brokers.get(broker_id)
            if not leads and current is not None and not current.fenced:
                await self._commit([FenceBrokerRecord(broker_id, current.epoch)])
            return {
                "error": 0,
                "fenced": True,
                "shutdown_ready": not leads,
                "offset": self._image.offset,
            }
        if reg.fenced and metadata_offset >= reg.epoch:
            records = [UnfenceBrokerRecord(broker_id, reg.epoch)]
            scratch = MetadataDelta(self._image)
            scratch.replay(self._image.offset + 1, records[0])
            records.extend(changes_for_leaderless(scratch.build()))
            await self._commit(records)
            log.info("broker %d unfenced", broker_id)
        reg = self._image.brokers[broker_id]
        return {"error": 0, "fenced": reg.fenced, "offset": self._image.offset}

    async def control_tick(self) -> None:
        """The active controller's periodic duties: fence brokers whose session expired,
        elect leaders where one is missing, move leadership to preferred replicas."""
        if not self._raft.is_active:
            self._was_active = False
            return
        now = time.monotonic()
        if not self._was_active:
            # A new active controller gives every broker a full session from now.
            self._was_active = True
            self._heartbeats = dict.fromkeys(self._image.brokers, now)
            self._next_rebalance_s = now + self.config.leader_imbalance_check_interval_seconds
        await self._serialised(self._control_tick(now))

    async def _control_tick(self, now: float) -> None:
        if not self._raft.ready_to_propose():
            return
        session_s = self.config.broker_session_timeout_ms / 1000
        expired = [
            b
            for b, reg in self._image.brokers.items()
            if not reg.fenced and now - self._heartbeats.setdefault(b, now) > session_s
        ]
        if expired:
            records: list[MetadataRecord] = []
            view = self._fenced_view(expired)
            for b in expired:
                records.append(FenceBrokerRecord(b, self._image.brokers[b].epoch))
                log.warning("broker %d missed its session: fencing it", b)
            for b in expired:
                changes = changes_for_broker_loss(view, b)
                for change in changes:
                    scratch = MetadataDelta(view)
                    scratch.replay(view.offset + 1, change)
                    view = scratch.build()
                records.extend(changes)
            await self._commit(records)
            return
        leaderless = changes_for_leaderless(self._image)
        if leaderless:
            await self._commit(list(leaderless))
            return
        if self.config.auto_leader_rebalance_enable and now >= self._next_rebalance_s:
            self._next_rebalance_s = now + self.config.leader_imbalance_check_interval_seconds
            preferred = preferred_leader_changes(self._image)
            if preferred:
                log.info("moving %d leaderships to preferred replicas", len(preferred))
                await self._commit(list(preferred))


def _new_topic_id(image: MetadataImage) -> uuid.UUID:
    """A random topic id; never the zero UUID or Kafka's reserved metadata topic id."""
    while True:
        candidate = uuid.uuid4()
        if candidate.int > 1 and candidate not in image.topics_by_id:
            return candidate
