"""``Admin``: topics, partitions, leader elections, configs, consumer groups, offsets, the
cluster, ACLs and SCRAM users.

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
import secrets
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Final, Literal, Self

from client.admin.cluster_requests import (
    DESCRIBE_CLUSTER_KEY,
    cluster_description,
    log_dir_descriptions,
    log_dirs_request,
)
from client.admin.config_requests import (
    alter_config_ops,
    alter_configs_requests,
    check_alter_configs,
    config_entries,
    describe_configs_requests,
)
from client.admin.group_requests import (
    check_delete_groups,
    check_offset_delete,
    clamp_offsets,
    consumer_group_descriptions,
    group_descriptions,
    group_listings,
    offset_delete_request,
    partition_lags,
)
from client.admin.security_requests import (
    DEFAULT_ITERATIONS,
    SALT_BYTES,
    acl_bindings,
    check_alter_scram,
    check_create_acls,
    create_acls_request,
    delete_acls_request,
    deleted_bindings,
    describe_acls_request,
    describe_scram_request,
    scram_deletion_request,
    scram_upsertion_request,
    user_credentials,
)
from client.admin.topic_requests import (
    check_create_partitions,
    check_create_topics,
    check_delete_topics,
    create_partitions_request,
    create_topics_request,
    delete_records_requests,
    elect_leaders_request,
    election_results,
    election_type_code,
    low_watermarks,
    offset_spec,
    topic_descriptions,
    with_log_offsets,
)
from client.admin.txn_requests import (
    LEADER_ERRORS,
    TRANSACTION_COORDINATOR_KEY_TYPE,
    abort_marker_request,
    describe_producers_requests,
    describe_transactions_request,
    list_transactions_request,
    marker_errors,
    producer_states,
    transaction_descriptions,
    transaction_listings,
)
from client.admin.types import (
    AclBinding,
    AclBindingFilter,
    AlterConfigOp,
    ClusterDescription,
    ConfigEntry,
    ConfigResource,
    ConsumerGroupDescription,
    ElectionResult,
    GroupDescription,
    GroupListing,
    LogDirDescription,
    NewTopic,
    PartitionLag,
    ProducerState,
    TopicDescription,
    TransactionDescription,
    TransactionListing,
    UserScramCredentials,
)
from client.cluster import Cluster, coordinator_connection
from client.config import AdminConfig
from client.errors import (
    ClientClosedError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    UnsupportedFeatureError,
    error_from_code,
)
from client.group_offsets import (
    COORDINATOR_ERRORS,
    call_coordinator,
    commit_offsets,
    fetch_committed,
)
from client.offsets import EARLIEST, LATEST, ListedOffset, list_offsets
from client.types import BrokerInfo, OffsetAndMetadata, TopicPartition
from protocol.errors import ErrorCode
from protocol.messages import (
    ConsumerGroupDescribeRequest,
    DeleteGroupsRequest,
    DeleteTopicsRequest,
    DescribeClusterRequest,
    DescribeGroupsRequest,
    ElectLeadersRequest,
    ListGroupsRequest,
    ListTransactionsRequest,
    Message,
)

__all__ = ["Admin"]

#: Reads one leader's answer: (results by partition, error code by failed partition).
_LeaderReader = Callable[[Any], tuple[Mapping[TopicPartition, Any], Mapping[TopicPartition, int]]]

#: Answers from a broker that is not (or no longer) the controller: refresh and retry.
_CONTROLLER_ERRORS: Final = frozenset({ErrorCode.NOT_CONTROLLER})


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
        body = create_topics_request(
            topics, timeout_ms=int(timeout_s * 1000), validate_only=validate_only
        )
        if body is None:
            return
        response = await self._to_controller(
            body, timeout_s, lambda r: [t.error_code for t in r.topics]
        )
        check_create_topics(response, if_not_exists=if_not_exists)
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
        check_delete_topics(response, if_exists=if_exists)
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
        out = topic_descriptions(response, wanted)
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
            out = with_log_offsets(out, starts, ends)
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
        body = create_partitions_request(
            new_totals, timeout_ms=int(timeout_s * 1000), validate_only=validate_only
        )
        response = await self._to_controller(
            body, timeout_s, lambda r: [t.error_code for t in r.results]
        )
        check_create_partitions(response)
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
        bodies = delete_records_requests(
            before, cluster.metadata.leader_for, timeout_ms=int(timeout_s * 1000)
        )
        out: dict[TopicPartition, int] = {}
        for leader, body in bodies.items():
            response = await cluster.request(leader, body, timeout_s=timeout_s)
            out.update(low_watermarks(response))
        return out

    async def elect_leaders(
        self,
        partitions: Iterable[tuple[str, int]] | None = None,
        *,
        election_type: Literal["preferred", "unclean"] = "preferred",
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, ElectionResult]:
        """Elect partition leaders at the controller (ElectLeaders), as Kafka's
        ``Admin.electLeaders``; ``partitions`` as ``(topic, partition)`` pairs, ``None``: every
        partition.

        "preferred" makes each partition's first replica its leader when it is in sync;
        "unclean" gives a partition without a leader one, from outside the ISR if no in-sync
        replica is alive (records the ISR had may be lost). Returns each partition's
        ``ElectionResult``: ELECTION_NOT_NEEDED when it had that leader already (with ``None``,
        those partitions are left out), the reason when none could be elected. A refused
        request (``ClusterAuthorizationFailedError``, …) is raised.
        """
        code = election_type_code(election_type)
        wanted = None if partitions is None else [TopicPartition(*tp) for tp in partitions]
        if wanted is not None and not wanted:
            return {}
        timeout_s = self._timeout(timeout_ms)
        if code:
            await self._require_election_types()
        body = elect_leaders_request(wanted, code, timeout_ms=int(timeout_s * 1000))
        response = await self._to_controller(
            body,
            timeout_s,
            lambda r: [
                r.error_code,
                *(p.error_code for t in r.replica_election_results for p in t.partition_result),
            ],
        )
        return election_results(response)

    async def _require_election_types(self) -> None:
        """``UnsupportedFeatureError`` unless the controller (or, before one is known, any
        broker) takes an election type: ElectLeaders v0 elects preferred leaders only."""
        cluster = await self._ready()
        node = cluster.metadata.controller_id
        if node < 0:
            node = next(iter(sorted(cluster.metadata.brokers)), -1)
        conn = await cluster.connection(node)
        if conn.versions.require(ElectLeadersRequest.API_KEY) < 1:
            where = conn.address_text
            raise UnsupportedFeatureError(
                f"the broker at {where} elects preferred leaders only (ElectLeaders v0)"
            )

    async def list_offsets(
        self,
        specs: Mapping[TopicPartition, int | Literal["earliest", "latest"]],
        *,
        read_committed: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, ListedOffset]:
        """Offsets by spec: "earliest", "latest", or a timestamp in ms (``OffsetSpec``)."""
        cluster = await self._ready()
        resolved = {tp: offset_spec(s) for tp, s in specs.items()}
        return await list_offsets(
            cluster, resolved, read_committed=read_committed, timeout_s=self._timeout(timeout_ms)
        )

    # -- configs -----------------------------------------------------------------------------

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
        bodies = describe_configs_requests(
            resources, synonyms=synonyms, documentation=documentation
        )
        for node, body in bodies.items():
            if node is None:
                _, response = await cluster.request_any(body, timeout_s=timeout_s)
            else:
                response = await cluster.request(node, body, timeout_s=timeout_s)
            out.update(config_entries(response))
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
        bodies = alter_configs_requests(changes, validate_only=validate_only)
        for node, body in bodies.items():
            if node is None:
                response = await self._to_controller(
                    body, timeout_s, lambda r: [x.error_code for x in r.responses]
                )
            else:
                response = await cluster.request(node, body, timeout_s=timeout_s)
            check_alter_configs(response)

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
        ops = alter_config_ops(set, delete, append, subtract)
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
        return group_listings(responses)

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
            out.update(group_descriptions(response))
        return out

    async def describe_consumer_groups(
        self, group_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, ConsumerGroupDescription]:
        """KIP-848 consumer groups (ConsumerGroupDescribe): state, group and assignment epochs,
        assignor, and each member's epoch with its current and target assignments.
        ``GroupIdNotFoundError`` for a group that is unknown or a classic one
        (``describe_groups`` describes those)."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        out: dict[str, ConsumerGroupDescription] = {}
        for group_id in group_ids:
            response = await call_coordinator(
                cluster,
                group_id,
                ConsumerGroupDescribeRequest(
                    group_ids=[group_id], include_authorized_operations=False
                ),
                error_of=lambda r: r.groups[0].error_code if r.groups else 0,
                timeout_s=timeout_s,
            )
            out.update(consumer_group_descriptions(response))
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
            check_delete_groups(response)

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
        clamped = clamp_offsets(target, starts, ends)
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
        body = offset_delete_request(group_id, partitions)
        response = await call_coordinator(
            cluster,
            group_id,
            body,
            error_of=lambda r: r.error_code,
            timeout_s=self._timeout(timeout_ms),
        )
        check_offset_delete(response, group_id)

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
        return partition_lags(tps, committed, starts, ends)

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
        if conn.versions.supports(DESCRIBE_CLUSTER_KEY):
            response = await conn.request(
                DescribeClusterRequest(include_cluster_authorized_operations=False),
                timeout_s=timeout_s,
            )
            return cluster_description(response)
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
            body = log_dirs_request(None)
        else:
            body = log_dirs_request(await self._expand(list(topics), timeout_s))
        if brokers is None:
            await cluster.refresh()
            nodes = sorted(cluster.metadata.brokers)
        else:
            nodes = list(brokers)
        responses = await asyncio.gather(
            *(cluster.request(n, body, timeout_s=timeout_s) for n in nodes)
        )
        out: list[LogDirDescription] = []
        for node, response in zip(nodes, responses, strict=True):
            out.extend(log_dir_descriptions(node, response))
        return out

    # -- ACLs and SCRAM users ----------------------------------------------------------------

    async def _to_any(self, body: Message, timeout_ms: int | None) -> Any:
        """Send to any broker (a broker forwards ACL and credential changes to the
        controller, as in KRaft)."""
        cluster = await self._ready()
        _, response = await cluster.request_any(body, timeout_s=self._timeout(timeout_ms))
        return response

    async def create_acls(
        self, bindings: Iterable[AclBinding], *, timeout_ms: int | None = None
    ) -> None:
        """Create ACLs (CreateAcls); the first refused binding raised, naming it (an invalid
        one as ``InvalidRequestError`` with the broker's reason). Creating an ACL that exists
        is not an error."""
        bindings = list(bindings)
        if not bindings:
            return
        response = await self._to_any(create_acls_request(bindings), timeout_ms)
        check_create_acls(bindings, response)

    async def describe_acls(
        self, acl_filter: AclBindingFilter | None = None, *, timeout_ms: int | None = None
    ) -> list[AclBinding]:
        """The ACLs that match ``acl_filter`` (DescribeAcls; default: every ACL)."""
        body = describe_acls_request(acl_filter or AclBindingFilter())
        return acl_bindings(await self._to_any(body, timeout_ms))

    async def delete_acls(
        self, filters: Iterable[AclBindingFilter], *, timeout_ms: int | None = None
    ) -> list[AclBinding]:
        """Delete the ACLs matching any of ``filters`` (DeleteAcls) and return them."""
        filters = list(filters)
        if not filters:
            return []
        return deleted_bindings(await self._to_any(delete_acls_request(filters), timeout_ms))

    async def describe_user_scram_credentials(
        self, users: Iterable[str] | None = None, *, timeout_ms: int | None = None
    ) -> dict[str, UserScramCredentials]:
        """Each user's SCRAM mechanisms and iteration counts (DescribeUserScramCredentials;
        ``None``: every user). A user named without credentials raises
        ``ResourceNotFoundError``."""
        body = describe_scram_request(None if users is None else list(users))
        return user_credentials(await self._to_any(body, timeout_ms))

    async def upsert_scram_credential(
        self,
        user: str,
        mechanism: str,
        password: str,
        iterations: int = DEFAULT_ITERATIONS,
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Create or replace ``user``'s credential for ``mechanism`` (``SCRAM-SHA-256`` or
        ``SCRAM-SHA-512``) from ``password`` (AlterUserScramCredentials: only a random salt
        and the salted password are sent). The broker refuses iterations outside
        4096-16384 (``UnacceptableCredentialError``)."""
        salt = secrets.token_bytes(SALT_BYTES)
        body = scram_upsertion_request(user, mechanism, password, iterations, salt)
        check_alter_scram(await self._to_any(body, timeout_ms))

    async def delete_scram_credential(
        self, user: str, mechanism: str, *, timeout_ms: int | None = None
    ) -> None:
        """Delete ``user``'s credential for ``mechanism`` (``ResourceNotFoundError`` if it
        has none)."""
        body = scram_deletion_request(user, mechanism)
        check_alter_scram(await self._to_any(body, timeout_ms))

    # -- transactions ------------------------------------------------------------------------

    async def list_transactions(
        self,
        states: Iterable[str] = (),
        producer_ids: Iterable[int] = (),
        min_duration_ms: int | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> list[TransactionListing]:
        """Every transactional id of every coordinator (ListTransactions goes to each broker),
        sorted by id; only those in ``states`` (Kafka's names: "Ongoing", …), of
        ``producer_ids``, or whose transaction has been open at least ``min_duration_ms``
        (a broker with ListTransactions v1), when given."""
        cluster = await self._ready()
        timeout_s = self._timeout(timeout_ms)
        body = list_transactions_request(states, producer_ids, min_duration_ms)
        await cluster.refresh()
        nodes = sorted(cluster.metadata.brokers) or [-1]
        responses = await asyncio.gather(
            *(self._list_transactions_on(n, body, timeout_s) for n in nodes)
        )
        return transaction_listings(list(zip(nodes, responses, strict=True)))

    async def _list_transactions_on(
        self, node: int, body: ListTransactionsRequest, timeout_s: float
    ) -> Any:
        cluster = self._cluster
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            conn = await cluster.connection(node)
            version = conn.versions.require(ListTransactionsRequest.API_KEY)
            if body.duration_filter >= 0 and version < 1:
                raise UnsupportedFeatureError(
                    f"broker {node} lists transactions without a duration filter"
                    " (ListTransactions v0)"
                )
            response = await conn.request(body, timeout_s=max(0.0, deadline - loop.time()))
            if response.error_code != ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
                return response
            if loop.time() >= deadline:
                return response
            await asyncio.sleep(cluster.config.retry_backoff_s)

    async def describe_transactions(
        self, transactional_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, TransactionDescription]:
        """State, producer id and epoch, timeout, start time and partitions of each
        transactional id, from its coordinator (``TransactionalIdNotFoundError`` for an
        unknown one)."""
        await self._ready()
        timeout_s = self._timeout(timeout_ms)
        ids = list(dict.fromkeys(transactional_ids))
        found = await asyncio.gather(*(self._describe_transaction(t, timeout_s) for t in ids))
        return dict(zip(ids, found, strict=True))

    async def _describe_transaction(
        self, transactional_id: str, timeout_s: float
    ) -> TransactionDescription:
        cluster = self._cluster
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        body = describe_transactions_request([transactional_id])
        attempt = 0
        while True:
            try:
                node = await cluster.find_coordinator(
                    transactional_id, TRANSACTION_COORDINATOR_KEY_TYPE
                )
                response = await cluster.request(
                    coordinator_connection(node),
                    body,
                    timeout_s=max(0.0, deadline - loop.time()),
                )
                found, failed = transaction_descriptions(response, node)
                if transactional_id in found:
                    return found[transactional_id]
                code = failed.get(transactional_id, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
                last: KafkaError = error_from_code(code, f"transactional id {transactional_id!r}")
                if code not in COORDINATOR_ERRORS:
                    raise last
            except (KafkaConnectionError, KafkaTimeoutError) as exc:
                last = exc
            except KafkaError as exc:
                if exc.code not in COORDINATOR_ERRORS:
                    raise
                last = exc
            attempt += 1
            if loop.time() >= deadline:
                raise KafkaTimeoutError(
                    f"the coordinator of transactional id {transactional_id!r} did not answer"
                    f" within {timeout_s:g} s (last error: {last})"
                )
            await asyncio.sleep(
                min(
                    cluster.config.retry_backoff_max_ms,
                    cluster.config.retry_backoff_ms << min(attempt, 16),
                    max(0.0, deadline - loop.time()) * 1000,
                )
                / 1000
            )

    async def describe_producers(
        self, partitions: Iterable[TopicPartition], *, timeout_ms: int | None = None
    ) -> dict[TopicPartition, list[ProducerState]]:
        """The producers each partition's leader knows of (DescribeProducers): epoch, last
        sequence and timestamp, and the first offset of an open transaction."""
        timeout_s = self._timeout(timeout_ms)
        wanted = list(dict.fromkeys(partitions))
        found = await self._to_leaders(
            wanted,
            lambda leader_for, tps: describe_producers_requests(tps, leader_for),
            producer_states,
            timeout_s,
        )
        return {tp: found[tp] for tp in wanted}

    async def abort_transaction(
        self,
        topic: str,
        partition: int,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Abort a hanging transaction in one partition: its leader writes an ABORT marker
        for the producer (WriteTxnMarkers), as its coordinator would have (Kafka's
        ``Admin.abortTransaction``). The epochs come from ``describe_producers``."""
        tp = TopicPartition(topic, partition)
        body = abort_marker_request(tp, producer_id, producer_epoch, coordinator_epoch)

        def build(
            leader_for: Callable[[TopicPartition], int | None], tps: list[TopicPartition]
        ) -> tuple[dict[int, Message], list[TopicPartition]]:
            leader = leader_for(tp)
            return ({}, [tp]) if leader is None else ({leader: body}, [])

        def read(response: Any) -> tuple[dict[TopicPartition, Any], dict[TopicPartition, int]]:
            codes = marker_errors(response)
            failed = {p: c for p, c in codes.items() if c}
            return {p: None for p, c in codes.items() if not c}, failed

        await self._to_leaders([tp], build, read, self._timeout(timeout_ms))

    async def _to_leaders(
        self,
        partitions: list[TopicPartition],
        build: Callable[
            [Callable[[TopicPartition], int | None], list[TopicPartition]],
            tuple[Mapping[int, Message], list[TopicPartition]],
        ],
        read: _LeaderReader,
        timeout_s: float,
    ) -> dict[TopicPartition, Any]:
        """Send each partition's request to its leader (``build``: the requests by leader, and
        the partitions without a leader), read the answers (``read``), and ask again, after a
        metadata refresh, for the partitions whose leader moved, until ``timeout_s``."""
        cluster = await self._ready()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        for topic in dict.fromkeys(tp.topic for tp in partitions):
            info = await cluster.wait_for_topic(topic, timeout_s)
            for tp in partitions:
                if tp.topic == topic and not 0 <= tp.partition < info.num_partitions:
                    raise error_from_code(
                        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f"{tp} does not exist"
                    )
        out: dict[TopicPartition, Any] = {}
        pending = partitions
        while True:
            bodies, retry = build(cluster.metadata.leader_for, pending)
            leaders = list(bodies)
            answers = await asyncio.gather(
                *(
                    cluster.request(n, bodies[n], timeout_s=max(0.0, deadline - loop.time()))
                    for n in leaders
                ),
                return_exceptions=True,
            )
            last: BaseException | None = None
            for leader, answer in zip(leaders, answers, strict=True):
                if isinstance(answer, KafkaConnectionError | KafkaTimeoutError):
                    last = answer
                    retry.extend(tp for tp in pending if cluster.metadata.leader_for(tp) == leader)
                    continue
                if isinstance(answer, BaseException):
                    raise answer
                found, failed = read(answer)
                out.update(found)
                for tp, code in failed.items():
                    if code not in LEADER_ERRORS:
                        raise error_from_code(code, str(tp))
                    retry.append(tp)
                    last = error_from_code(code, str(tp))
            if not retry:
                return out
            if loop.time() >= deadline:
                raise KafkaTimeoutError(
                    f"no leader of {', '.join(map(str, retry))} answered within {timeout_s:g} s"
                    + (f" (last error: {last})" if last else "")
                )
            await cluster.wait_for_update(
                min(cluster.config.retry_backoff_s, max(0.0, deadline - loop.time()))
            )
            pending = list(dict.fromkeys(retry))
