"""``Admin``: topics, partitions, configs, consumer groups, offsets and the cluster.

::

    async with Admin(bootstrap_servers="localhost:9092") as admin:
        await admin.create_topic("events", num_partitions=6, configs={"retention.ms": "86400000"})
        print(await admin.describe_topics(["events"]))
        print(await admin.group_lag("billing"))

Every call raises the typed error of the first failure it meets (``TopicAlreadyExistsError``,
``GroupIdNotFoundError``, …: ``KafkaError`` subclasses); retriable conditions (a leader or
coordinator that moved, a broker restarting) are retried within the call's timeout
(``request.timeout.ms`` unless ``timeout_ms`` is given).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Final, Literal, Self

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
    PartitionDescription,
    PartitionLag,
    ReplicaLogInfo,
    TopicDescription,
)
from client.cluster import Cluster
from client.config import AdminConfig
from client.errors import (
    ClientClosedError,
    KafkaConnectionError,
    KafkaTimeoutError,
    error_from_code,
)
from client.group_offsets import (
    call_coordinator,
    commit_offsets,
    fetch_committed,
)
from client.offsets import EARLIEST, LATEST, ListedOffset, list_offsets
from client.types import BrokerInfo, OffsetAndMetadata, TopicPartition
from protocol.consumer_protocol import CONSUMER_PROTOCOL_TYPE, decode_assignment
from protocol.errors import DecodeError, ErrorCode
from protocol.messages import (
    CreatePartitionsRequest,
    CreateTopicsRequest,
    DeleteGroupsRequest,
    DeleteRecordsRequest,
    DeleteTopicsRequest,
    DescribeClusterRequest,
    DescribeConfigsRequest,
    DescribeGroupsRequest,
    DescribeLogDirsRequest,
    IncrementalAlterConfigsRequest,
    ListGroupsRequest,
    Message,
    OffsetDeleteRequest,
)

__all__ = ["Admin"]

#: Answers from a broker that is not (or no longer) the controller: refresh and retry.
_CONTROLLER_ERRORS: Final = frozenset({ErrorCode.NOT_CONTROLLER})
_DESCRIBE_CLUSTER_KEY: Final = 60


class Admin:
    """An asyncio admin client. Options: the shared client options (``AdminConfig``)."""

    def __init__(self, options: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        self.config = AdminConfig.build(options, **kwargs)
        self._cluster = Cluster(self.config, allow_auto_topic_creation=False)
        self._started = False
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Fetch the cluster's metadata. Idempotent."""
        if self._closed:
            raise ClientClosedError("the admin client is closed")
        if not self._started:
            await self._cluster.start()
            self._started = True

    async def close(self) -> None:
        """Close every connection."""
        self._closed = True
        await self._cluster.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _timeout(self, timeout_ms: int | None) -> float:
        return (self.config.request_timeout_ms if timeout_ms is None else timeout_ms) / 1000

    async def _ready(self) -> Cluster:
        if self._closed:
            raise ClientClosedError("the admin client is closed")
        if not self._started:
            await self.start()
        return self._cluster

    async def _to_controller(self, body: Message, timeout_s: float, errors_of: Any) -> Any:
        """Send to the controller; on NOT_CONTROLLER or a lost connection, refresh and retry."""
        cluster = await self._ready()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            controller = cluster.metadata.controller_id
            try:
                if controller < 0:
                    _, response = await cluster.request_any(body, timeout_s=timeout_s)
                else:
                    response = await cluster.request(controller, body, timeout_s=timeout_s)
                if not any(code in _CONTROLLER_ERRORS for code in errors_of(response)):
                    return response
            except KafkaConnectionError:
                if loop.time() >= deadline:
                    raise
            if loop.time() >= deadline:
                raise KafkaTimeoutError(f"no controller answered within {timeout_s:g} s")
            await cluster.refresh()
            await asyncio.sleep(cluster.config.retry_backoff_s)

    # -- topics ------------------------------------------------------------------------------

    async def create_topics(
        self,
        topics: Iterable[NewTopic],
        *,
        timeout_ms: int | None = None,
        validate_only: bool = False,
        if_not_exists: bool = False,
    ) -> None:
        """Create topics; raises the first failure (``TopicAlreadyExistsError`` unless
        ``if_not_exists``)."""
        timeout_s = self._timeout(timeout_ms)
        creatable = []
        for t in topics:
            assignments = [
                CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment(
                    partition_index=p, broker_ids=list(ids)
                )
                for p, ids in sorted((t.replica_assignment or {}).items())
            ]
            creatable.append(
                CreateTopicsRequest.CreatableTopic(
                    name=t.name,
                    num_partitions=-1 if assignments else t.num_partitions,
                    replication_factor=-1 if assignments else t.replication_factor,
                    assignments=assignments,
                    configs=[
                        CreateTopicsRequest.CreatableTopic.CreatableTopicConfig(name=k, value=v)
                        for k, v in t.configs.items()
                    ],
                )
            )
        if not creatable:
            return
        body = CreateTopicsRequest(
            topics=creatable, timeout_ms=int(timeout_s * 1000), validate_only=validate_only
        )
        response = await self._to_controller(
            body, timeout_s, lambda r: [t.error_code for t in r.topics]
        )
        for result in response.topics:
            if result.error_code == ErrorCode.TOPIC_ALREADY_EXISTS and if_not_exists:
                continue
            if result.error_code:
                raise error_from_code(
                    result.error_code, f"topic {result.name!r}: {result.error_message or ''}"
                )
        self._cluster.request_update()

    async def create_topic(
        self,
        name: str,
        num_partitions: int = -1,
        replication_factor: int = -1,
        configs: Mapping[str, str] | None = None,
        *,
        if_not_exists: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Create one topic (-1: the broker's default partition count / replication)."""
        await self.create_topics(
            [NewTopic(name, num_partitions, replication_factor, dict(configs or {}))],
            if_not_exists=if_not_exists,
            timeout_ms=timeout_ms,
        )

    async def delete_topics(
        self, names: Iterable[str], *, if_exists: bool = False, timeout_ms: int | None = None
    ) -> None:
        """Delete topics; ``UnknownTopicOrPartitionError`` for a missing one unless
        ``if_exists``."""
        names = list(names)
        if not names:
            return
        timeout_s = self._timeout(timeout_ms)
        body = DeleteTopicsRequest(topic_names=names, timeout_ms=int(timeout_s * 1000))
        response = await self._to_controller(
            body, timeout_s, lambda r: [t.error_code for t in r.responses]
        )
        for result in response.responses:
            if result.error_code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION and if_exists:
                continue
            if result.error_code:
                raise error_from_code(result.error_code, f"topic {result.name!r}")
        self._cluster.request_update()

    async def list_topics(self, *, internal: bool = False) -> list[str]:
        """Every topic's name, sorted (internal topics such as ``__consumer_offsets`` only
        with ``internal``)."""
        cluster = await self._ready()
        response = await cluster.fetch_metadata(None)
        return sorted(
            t.name for t in response.topics if t.error_code == 0 and (internal or not t.is_internal)
        )

    async def describe_topics(
        self,
        names: Iterable[str] | None = None,
        *,
        offsets: bool = True,
        timeout_ms: int | None = None,
    ) -> dict[str, TopicDescription]:
        """Topics with their partitions (leader, replicas, ISR) and, with ``offsets``, each
        partition's log start and end offsets. ``None``: every topic."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        wanted = None if names is None else list(names)
        response = await cluster.fetch_metadata(wanted)
        out: dict[str, TopicDescription] = {}
        for t in response.topics:
            if t.error_code:
                if wanted is not None:
                    raise error_from_code(t.error_code, f"topic {t.name!r}")
                continue
            out[t.name] = TopicDescription(
                t.name,
                [
                    PartitionDescription(
                        p.partition_index,
                        p.leader_id,
                        p.leader_epoch,
                        tuple(p.replica_nodes),
                        tuple(p.isr_nodes),
                        tuple(p.offline_replicas or ()),
                    )
                    for p in sorted(t.partitions, key=lambda p: p.partition_index)
                ],
                bool(t.is_internal),
            )
        if offsets and out:
            cluster.metadata = cluster.metadata.merge(response, replace_topics=False)
            tps = [
                TopicPartition(name, p.partition)
                for name, desc in out.items()
                for p in desc.partitions
            ]
            starts, ends = await asyncio.gather(
                list_offsets(cluster, dict.fromkeys(tps, EARLIEST), timeout_s=timeout_s),
                list_offsets(cluster, dict.fromkeys(tps, LATEST), timeout_s=timeout_s),
            )
            for name, desc in list(out.items()):
                parts = [
                    PartitionDescription(
                        p.partition,
                        p.leader,
                        p.leader_epoch,
                        p.replicas,
                        p.isr,
                        p.offline_replicas,
                        starts[TopicPartition(name, p.partition)].offset,
                        ends[TopicPartition(name, p.partition)].offset,
                    )
                    for p in desc.partitions
                ]
                out[name] = TopicDescription(name, parts, desc.is_internal)
        return out

    async def create_partitions(
        self,
        new_totals: Mapping[str, int],
        *,
        validate_only: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Grow topics to the given partition counts (``{"events": 12}``)."""
        if not new_totals:
            return
        timeout_s = self._timeout(timeout_ms)
        body = CreatePartitionsRequest(
            topics=[
                CreatePartitionsRequest.CreatePartitionsTopic(name=t, count=n, assignments=None)
                for t, n in new_totals.items()
            ],
            timeout_ms=int(timeout_s * 1000),
            validate_only=validate_only,
        )
        response = await self._to_controller(
            body, timeout_s, lambda r: [t.error_code for t in r.results]
        )
        for result in response.results:
            if result.error_code:
                raise error_from_code(
                    result.error_code, f"topic {result.name!r}: {result.error_message or ''}"
                )
        self._cluster.request_update()

    async def delete_records(
        self, before: Mapping[TopicPartition, int], *, timeout_ms: int | None = None
    ) -> dict[TopicPartition, int]:
        """Delete records below the given offsets (-1: the high watermark); returns each
        partition's new log start offset."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        cluster.add_topics({tp.topic for tp in before})
        for tp in before:
            if cluster.metadata.leader_for(tp) is None:
                await cluster.wait_for_topic(tp.topic, timeout_s)
        by_leader: dict[int, dict[str, list[Any]]] = {}
        for tp, offset in before.items():
            leader = cluster.metadata.leader_for(tp)
            if leader is None:
                raise error_from_code(ErrorCode.LEADER_NOT_AVAILABLE, f"partition {tp}")
            by_leader.setdefault(leader, {}).setdefault(tp.topic, []).append(
                DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition(
                    partition_index=tp.partition, offset=offset
                )
            )
        out: dict[TopicPartition, int] = {}
        for leader, topics in by_leader.items():
            body = DeleteRecordsRequest(
                topics=[
                    DeleteRecordsRequest.DeleteRecordsTopic(name=t, partitions=p)
                    for t, p in topics.items()
                ],
                timeout_ms=int(timeout_s * 1000),
            )
            response = await cluster.request(leader, body, timeout_s=timeout_s)
            for t in response.topics:
                for p in t.partitions:
                    if p.error_code:
                        raise error_from_code(p.error_code, f"{t.name}-{p.partition_index}")
                    out[TopicPartition(t.name, p.partition_index)] = p.low_watermark
        return out

    async def list_offsets(
        self,
        specs: Mapping[TopicPartition, int | Literal["earliest", "latest"]],
        *,
        read_committed: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, ListedOffset]:
        """Offsets by spec: "earliest", "latest", or a timestamp in ms (``OffsetSpec``)."""
        cluster = await self._ready()
        resolved = {tp: _spec(s) for tp, s in specs.items()}
        return await list_offsets(
            cluster, resolved, read_committed=read_committed, timeout_s=self._timeout(timeout_ms)
        )

    # -- configs -----------------------------------------------------------------------------

    def _config_node(self, resource: ConfigResource) -> int | None:
        if resource.type == ConfigResourceType.BROKER and resource.name.strip().isdigit():
            return int(resource.name)
        return None

    async def describe_configs(
        self,
        resources: Iterable[ConfigResource],
        *,
        synonyms: bool = False,
        documentation: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[ConfigResource, dict[str, ConfigEntry]]:
        """Every config of each resource (topic or broker) with its value and source."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        out: dict[ConfigResource, dict[str, ConfigEntry]] = {}
        groups: dict[int | None, list[ConfigResource]] = {}
        for r in resources:
            r = ConfigResource(ConfigResourceType(r.type), r.name)
            groups.setdefault(self._config_node(r), []).append(r)
        for node, items in groups.items():
            body = DescribeConfigsRequest(
                resources=[
                    DescribeConfigsRequest.DescribeConfigsResource(
                        resource_type=int(r.type), resource_name=r.name, configuration_keys=None
                    )
                    for r in items
                ],
                include_synonyms=synonyms,
                include_documentation=documentation,
            )
            if node is None:
                _, response = await cluster.request_any(body, timeout_s=timeout_s)
            else:
                response = await cluster.request(node, body, timeout_s=timeout_s)
            for result in response.results:
                resource = ConfigResource(
                    ConfigResourceType(result.resource_type), result.resource_name
                )
                if result.error_code:
                    raise error_from_code(
                        result.error_code,
                        f"configs of {resource.type.name.lower()} {resource.name!r}: "
                        f"{result.error_message or ''}",
                    )
                out[resource] = {c.name: _config_entry(c) for c in result.configs}
        return out

    async def describe_topic_configs(self, topic: str) -> dict[str, str | None]:
        """A topic's configs as ``name → value``."""
        configs = await self.describe_configs([ConfigResource.topic(topic)])
        return {name: entry.value for name, entry in next(iter(configs.values())).items()}

    async def incremental_alter_configs(
        self,
        changes: Mapping[ConfigResource, Iterable[tuple[str, AlterConfigOp, str | None]]],
        *,
        validate_only: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Apply (name, operation, value) changes per resource (IncrementalAlterConfigs)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        groups: dict[int | None, list[Any]] = {}
        for resource, ops in changes.items():
            entry = IncrementalAlterConfigsRequest.AlterConfigsResource(
                resource_type=int(resource.type),
                resource_name=resource.name,
                configs=[
                    IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig(
                        name=name, config_operation=int(op), value=value
                    )
                    for name, op, value in ops
                ],
            )
            groups.setdefault(self._config_node(resource), []).append(entry)
        for node, entries in groups.items():
            body = IncrementalAlterConfigsRequest(resources=entries, validate_only=validate_only)
            if node is None:
                response = await self._to_controller(
                    body, timeout_s, lambda r: [x.error_code for x in r.responses]
                )
            else:
                response = await cluster.request(node, body, timeout_s=timeout_s)
            for result in response.responses:
                if result.error_code:
                    raise error_from_code(
                        result.error_code,
                        f"{result.resource_name!r}: {result.error_message or ''}",
                    )

    async def alter_configs(
        self,
        resource: ConfigResource,
        *,
        set: Mapping[str, str] | None = None,
        delete: Iterable[str] = (),
        append: Mapping[str, str] | None = None,
        subtract: Mapping[str, str] | None = None,
        validate_only: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Change some configs of one resource, leaving the others as they are."""
        ops: list[tuple[str, AlterConfigOp, str | None]] = []
        ops += [(k, AlterConfigOp.SET, v) for k, v in (set or {}).items()]
        ops += [(k, AlterConfigOp.DELETE, None) for k in delete]
        ops += [(k, AlterConfigOp.APPEND, v) for k, v in (append or {}).items()]
        ops += [(k, AlterConfigOp.SUBTRACT, v) for k, v in (subtract or {}).items()]
        if ops:
            await self.incremental_alter_configs(
                {resource: ops}, validate_only=validate_only, timeout_ms=timeout_ms
            )

    # -- groups ------------------------------------------------------------------------------

    async def list_groups(
        self, *, states: Iterable[str] = (), timeout_ms: int | None = None
    ) -> list[GroupListing]:
        """Every group of every broker (ListGroups goes to each), sorted by id."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        await cluster.refresh()
        body = ListGroupsRequest(states_filter=list(states), types_filter=[])
        nodes = list(cluster.metadata.brokers) or [-1]
        responses = await asyncio.gather(
            *(cluster.request(n, body, timeout_s=timeout_s) for n in nodes)
        )
        found: dict[str, GroupListing] = {}
        for response in responses:
            if response.error_code:
                raise error_from_code(response.error_code, "ListGroups")
            for g in response.groups:
                found[g.group_id] = GroupListing(g.group_id, g.protocol_type, g.group_state)
        return [found[k] for k in sorted(found)]

    async def describe_groups(
        self, group_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, GroupDescription]:
        """State, protocol and members (with decoded assignments) of each group."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        out: dict[str, GroupDescription] = {}
        for group_id in group_ids:
            response = await call_coordinator(
                cluster,
                group_id,
                DescribeGroupsRequest(groups=[group_id], include_authorized_operations=False),
                error_of=lambda r: r.groups[0].error_code if r.groups else 0,
                timeout_s=timeout_s,
            )
            for g in response.groups:
                if g.error_code:
                    raise error_from_code(g.error_code, f"group {g.group_id!r}")
                out[g.group_id] = GroupDescription(
                    g.group_id,
                    g.group_state,
                    g.protocol_type,
                    g.protocol_data,
                    [_member(m, g.protocol_type) for m in g.members],
                )
        return out

    async def find_group_coordinator(
        self, group_id: str, *, timeout_ms: int | None = None
    ) -> BrokerInfo:
        """The broker coordinating ``group_id`` (FindCoordinator)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        try:
            async with asyncio.timeout(timeout_s):
                node = await cluster.find_coordinator(group_id)
        except TimeoutError:
            raise KafkaTimeoutError(
                f"no coordinator found for group {group_id!r} within {timeout_s:g} s"
            ) from None
        broker = cluster.metadata.brokers.get(node)
        if broker is None:
            broker = (await cluster.refresh()).brokers.get(node)
        return broker if broker is not None else BrokerInfo(node, "", -1)

    async def delete_groups(
        self, group_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> None:
        """Delete empty groups and their committed offsets (``NonEmptyGroupError`` for a group
        with members, ``GroupIdNotFoundError`` for an unknown one)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        for group_id in group_ids:
            response = await call_coordinator(
                cluster,
                group_id,
                DeleteGroupsRequest(groups_names=[group_id]),
                error_of=lambda r: r.results[0].error_code if r.results else 0,
                timeout_s=timeout_s,
            )
            for result in response.results:
                if result.error_code:
                    raise error_from_code(result.error_code, f"group {result.group_id!r}")

    async def list_group_offsets(
        self,
        group_id: str,
        partitions: Iterable[TopicPartition] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """The group's committed offsets (all, or for these partitions)."""
        cluster = await self._ready()
        return await fetch_committed(
            cluster, group_id, partitions, timeout_s=self._timeout(timeout_ms)
        )

    async def alter_group_offsets(
        self,
        group_id: str,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Set committed offsets of a group with no active members (a standalone commit,
        generation -1); ``UnknownMemberIdError`` or similar while members are active."""
        cluster = await self._ready()
        resolved = {
            tp: o if isinstance(o, OffsetAndMetadata) else OffsetAndMetadata(o)
            for tp, o in offsets.items()
        }
        errors = await commit_offsets(
            cluster, group_id, resolved, timeout_s=self._timeout(timeout_ms)
        )
        for tp, code in sorted(errors.items()):
            if code:
                raise error_from_code(code, f"committing {tp} for group {group_id!r}")

    async def reset_group_offsets(
        self,
        group_id: str,
        partitions: Iterable[TopicPartition | str],
        *,
        to: Literal["earliest", "latest"] | None = None,
        to_timestamp_ms: int | None = None,
        to_offset: int | None = None,
        shift_by: int | None = None,
        dry_run: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, int]:
        """Move a group's committed offsets, as ``kafka-consumer-groups --reset-offsets``.

        ``partitions`` are TopicPartitions or topic names (all their partitions). Exactly one
        of ``to`` ("earliest"/"latest"), ``to_timestamp_ms``, ``to_offset`` and ``shift_by``
        (relative to the committed offset) says where. Offsets are clamped to each partition's
        log start..end. Returns the new offsets (not committed with ``dry_run``).
        """
        chosen = [x is not None for x in (to, to_timestamp_ms, to_offset, shift_by)]
        if sum(chosen) != 1:
            raise ValueError("give exactly one of to, to_timestamp_ms, to_offset, shift_by")
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        tps = await self._expand(partitions, timeout_s)
        starts, ends = await asyncio.gather(
            list_offsets(cluster, dict.fromkeys(tps, EARLIEST), timeout_s=timeout_s),
            list_offsets(cluster, dict.fromkeys(tps, LATEST), timeout_s=timeout_s),
        )
        target: dict[TopicPartition, int] = {}
        if to is not None:
            if to not in ("earliest", "latest"):
                raise ValueError("to is 'earliest' or 'latest'")
            target = {tp: (starts if to == "earliest" else ends)[tp].offset for tp in tps}
        elif to_offset is not None:
            target = dict.fromkeys(tps, to_offset)
        elif to_timestamp_ms is not None:
            found = await list_offsets(
                cluster, dict.fromkeys(tps, to_timestamp_ms), timeout_s=timeout_s
            )
            target = {tp: found[tp].offset if found[tp].offset >= 0 else ends[tp].offset
                      for tp in tps}  # fmt: skip
        else:
            assert shift_by is not None
            committed = await fetch_committed(cluster, group_id, tps, timeout_s=timeout_s)
            target = {
                tp: (committed[tp].offset if tp in committed else ends[tp].offset) + shift_by
                for tp in tps
            }
        clamped = {tp: max(starts[tp].offset, min(ends[tp].offset, o)) for tp, o in target.items()}
        if not dry_run:
            await self.alter_group_offsets(group_id, clamped, timeout_ms=timeout_ms)
        return clamped

    async def delete_group_offsets(
        self,
        group_id: str,
        partitions: Iterable[TopicPartition],
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Delete committed offsets of partitions the group no longer consumes (OffsetDelete)."""
        cluster = await self._ready()
        by_topic: dict[str, list[Any]] = {}
        for tp in partitions:
            by_topic.setdefault(tp.topic, []).append(
                OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition(
                    partition_index=tp.partition
                )
            )
        body = OffsetDeleteRequest(
            group_id=group_id,
            topics=[
                OffsetDeleteRequest.OffsetDeleteRequestTopic(name=t, partitions=p)
                for t, p in by_topic.items()
            ],
        )
        response = await call_coordinator(
            cluster,
            group_id,
            body,
            error_of=lambda r: r.error_code,
            timeout_s=self._timeout(timeout_ms),
        )
        if response.error_code:
            raise error_from_code(response.error_code, f"group {group_id!r}")
        for t in response.topics:
            for p in t.partitions:
                if p.error_code:
                    raise error_from_code(p.error_code, f"{t.name}-{p.partition_index}")

    async def group_lag(
        self,
        group_id: str,
        topics: Iterable[str] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, PartitionLag]:
        """Per partition: the group's committed offset, the log end offset and the lag.

        Covers the partitions the group committed for, plus every partition of ``topics``
        (a partition without a commit lags by its whole log).
        """
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        committed = await fetch_committed(cluster, group_id, None, timeout_s=timeout_s)
        tps = set(committed)
        if topics is not None:
            tps |= set(await self._expand(list(topics), timeout_s))
        if not tps:
            return {}
        starts, ends = await asyncio.gather(
            list_offsets(cluster, dict.fromkeys(tps, EARLIEST), timeout_s=timeout_s),
            list_offsets(cluster, dict.fromkeys(tps, LATEST), timeout_s=timeout_s),
        )
        out: dict[TopicPartition, PartitionLag] = {}
        for tp in sorted(tps):
            end = ends[tp].offset
            start = starts[tp].offset
            done = committed[tp].offset if tp in committed else -1
            lag = end - (done if done >= 0 else start)
            out[tp] = PartitionLag(tp.topic, tp.partition, done, end, max(lag, 0), start)
        return out

    async def _expand(
        self, partitions: Iterable[TopicPartition | str], timeout_s: float
    ) -> list[TopicPartition]:
        cluster = self._cluster
        out: list[TopicPartition] = []
        for item in partitions:
            if isinstance(item, TopicPartition):
                out.append(item)
            else:
                info = await cluster.wait_for_topic(item, timeout_s)
                out.extend(TopicPartition(item, p) for p in range(info.num_partitions))
        return out

    # -- cluster -----------------------------------------------------------------------------

    async def describe_cluster(self, *, timeout_ms: int | None = None) -> ClusterDescription:
        """The cluster id, the controller and the brokers (DescribeCluster, or Metadata on
        brokers without it)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        node = next(iter(cluster.metadata.brokers), None)
        conn = await cluster.connection(node if node is not None else -1)
        if conn.versions.supports(_DESCRIBE_CLUSTER_KEY):
            response = await conn.request(
                DescribeClusterRequest(include_cluster_authorized_operations=False),
                timeout_s=timeout_s,
            )
            if response.error_code:
                raise error_from_code(response.error_code, response.error_message)
            return ClusterDescription(
                response.cluster_id,
                response.controller_id,
                [BrokerInfo(b.broker_id, b.host, b.port, b.rack) for b in response.brokers],
            )
        metadata = await cluster.refresh()
        return ClusterDescription(
            metadata.cluster_id, metadata.controller_id, list(metadata.brokers.values())
        )

    async def api_versions(self, node_id: int | None = None) -> dict[int, tuple[int, int]]:
        """The (lowest, highest) version per API key that a broker serves (its ApiVersions
        answer); ``None``: any broker."""
        cluster = await self._ready()
        if node_id is None:
            node_id = next(iter(sorted(cluster.metadata.brokers)), -1)
        conn = await cluster.connection(node_id)
        return conn.versions.ranges

    async def describe_log_dirs(
        self,
        topics: Iterable[str] | None = None,
        *,
        brokers: Iterable[int] | None = None,
        timeout_ms: int | None = None,
    ) -> list[LogDirDescription]:
        """Each broker's log directories and the replicas in them, with their sizes on disk
        (DescribeLogDirs). ``topics``: only their partitions (``None``: every partition);
        ``brokers``: only these brokers (``None``: all)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        if topics is None:
            wanted = None
        else:
            by_topic: dict[str, list[int]] = {}
            for tp in await self._expand(list(topics), timeout_s):
                by_topic.setdefault(tp.topic, []).append(tp.partition)
            wanted = [
                DescribeLogDirsRequest.DescribableLogDirTopic(topic=t, partitions=p)
                for t, p in by_topic.items()
            ]
        if brokers is None:
            await cluster.refresh()
            nodes = sorted(cluster.metadata.brokers)
        else:
            nodes = list(brokers)
        body = DescribeLogDirsRequest(topics=wanted)
        responses = await asyncio.gather(
            *(cluster.request(n, body, timeout_s=timeout_s) for n in nodes)
        )
        out: list[LogDirDescription] = []
        for node, response in zip(nodes, responses, strict=True):
            if response.error_code:
                raise error_from_code(response.error_code, f"log dirs of broker {node}")
            for result in response.results:
                replicas = {
                    TopicPartition(t.name, p.partition_index): ReplicaLogInfo(
                        p.partition_size, p.offset_lag, bool(p.is_future_key)
                    )
                    for t in result.topics
                    for p in t.partitions
                }
                out.append(
                    LogDirDescription(
                        node,
                        result.log_dir,
                        replicas,
                        result.error_code,
                        result.total_bytes,
                        result.usable_bytes,
                    )
                )
        return out


def _spec(spec: int | str) -> int:
    if spec == "earliest":
        return EARLIEST
    if spec == "latest":
        return LATEST
    if isinstance(spec, int):
        return spec
    raise ValueError(f"an offset spec is 'earliest', 'latest' or a timestamp, not {spec!r}")


def _config_entry(c: Any) -> ConfigEntry:
    try:
        source = ConfigSource(c.config_source)
    except ValueError:
        source = ConfigSource.UNKNOWN
    if c.config_source == -1:  # DescribeConfigs v0 has only is_default
        source = ConfigSource.DEFAULT_CONFIG if c.is_default else ConfigSource.UNKNOWN
    synonyms = []
    for s in c.synonyms or ():
        try:
            s_source = ConfigSource(s.source)
        except ValueError:
            s_source = ConfigSource.UNKNOWN
        synonyms.append((s.name, s.value, s_source))
    return ConfigEntry(
        c.name, c.value, source, bool(c.read_only), bool(c.is_sensitive), tuple(synonyms),
        c.documentation,
    )  # fmt: skip


def _member(m: Any, protocol_type: str) -> MemberDescription:
    assignment: tuple[TopicPartition, ...] = ()
    if protocol_type == CONSUMER_PROTOCOL_TYPE and m.member_assignment:
        try:
            assignment = tuple(decode_assignment(bytes(m.member_assignment)).partitions)
        except DecodeError:
            assignment = ()
    return MemberDescription(
        m.member_id, m.client_id, m.client_host, m.group_instance_id, assignment
    )
