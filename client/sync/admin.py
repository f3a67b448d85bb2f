"""The synchronous ``Admin``: every method of ``client.Admin``, waiting for its result."""

from __future__ import annotations

from collections.abc import Coroutine, Iterable, Mapping
from types import TracebackType
from typing import Any, Final, Literal, Self, TypeVar

from client.admin import (
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
    ListedOffset,
    LogDirDescription,
    NewTopic,
    PartitionLag,
    ProducerState,
    TopicDescription,
    TransactionDescription,
    TransactionListing,
    UserScramCredentials,
)
from client.admin import Admin as AsyncAdmin
from client.admin.security_requests import DEFAULT_ITERATIONS
from client.config import AdminConfig
from client.sync._runner import LoopThread
from client.types import OffsetAndMetadata, TopicPartition

__all__ = ["Admin"]

T = TypeVar("T")

#: Extra time a call may take beyond ``request.timeout.ms`` (several requests, retries).
_SLACK_S: Final = 10.0


class Admin:
    """A synchronous admin client; options and methods as for ``client.Admin``.

    ::

        with Admin(bootstrap_servers="localhost:9092") as admin:
            admin.create_topic("events", num_partitions=3)
            print(admin.list_topics())
    """

    def __init__(self, options: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        self.config = AdminConfig.build(options, **kwargs)
        self._loop = LoopThread("samsa-sync-admin")
        self._closed = False

        async def start() -> AsyncAdmin:
            admin = AsyncAdmin(options, **kwargs)
            await admin.start()
            return admin

        try:
            self._admin: AsyncAdmin = self._run(start(), None)
        except BaseException:
            self._loop.stop()
            raise

    def _run(self, coro: Coroutine[Any, Any, T], timeout_ms: int | None) -> T:
        budget = self.config.request_timeout_ms if timeout_ms is None else timeout_ms
        return self._loop.run(coro, budget / 1000 + _SLACK_S)

    def close(self) -> None:
        """Close every connection."""
        if self._closed:
            return
        self._closed = True
        try:
            self._run(self._admin.close(), None)
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- topics ------------------------------------------------------------------------------

    def create_topics(
        self,
        topics: Iterable[NewTopic],
        *,
        timeout_ms: int | None = None,
        validate_only: bool = False,
        if_not_exists: bool = False,
    ) -> None:
        """Create topics."""
        self._run(
            self._admin.create_topics(
                list(topics),
                timeout_ms=timeout_ms,
                validate_only=validate_only,
                if_not_exists=if_not_exists,
            ),
            timeout_ms,
        )

    def create_topic(
        self,
        name: str,
        num_partitions: int = -1,
        replication_factor: int = -1,
        configs: Mapping[str, str] | None = None,
        *,
        if_not_exists: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Create one topic."""
        self._run(
            self._admin.create_topic(
                name,
                num_partitions,
                replication_factor,
                configs,
                if_not_exists=if_not_exists,
                timeout_ms=timeout_ms,
            ),
            timeout_ms,
        )

    def delete_topics(
        self, names: Iterable[str], *, if_exists: bool = False, timeout_ms: int | None = None
    ) -> None:
        """Delete topics."""
        self._run(
            self._admin.delete_topics(list(names), if_exists=if_exists, timeout_ms=timeout_ms),
            timeout_ms,
        )

    def list_topics(self, *, internal: bool = False) -> list[str]:
        """Every topic's name."""
        return self._run(self._admin.list_topics(internal=internal), None)

    def describe_topics(
        self,
        names: Iterable[str] | None = None,
        *,
        offsets: bool = True,
        timeout_ms: int | None = None,
    ) -> dict[str, TopicDescription]:
        """Topics with partitions, replicas, ISR and log offsets."""
        chosen = None if names is None else list(names)
        return self._run(
            self._admin.describe_topics(chosen, offsets=offsets, timeout_ms=timeout_ms),
            timeout_ms,
        )

    def create_partitions(
        self, new_totals: Mapping[str, int], *, validate_only: bool = False,
        timeout_ms: int | None = None,
    ) -> None:  # fmt: skip
        """Grow topics to the given partition counts."""
        self._run(
            self._admin.create_partitions(
                new_totals, validate_only=validate_only, timeout_ms=timeout_ms
            ),
            timeout_ms,
        )

    def delete_records(
        self, before: Mapping[TopicPartition, int], *, timeout_ms: int | None = None
    ) -> dict[TopicPartition, int]:
        """Delete records below the given offsets."""
        return self._run(self._admin.delete_records(before, timeout_ms=timeout_ms), timeout_ms)

    def elect_leaders(
        self,
        partitions: Iterable[tuple[str, int]] | None = None,
        *,
        election_type: Literal["preferred", "unclean"] = "preferred",
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, ElectionResult]:
        """Elect partition leaders (preferred or unclean); each partition's outcome."""
        chosen = None if partitions is None else list(partitions)
        return self._run(
            self._admin.elect_leaders(chosen, election_type=election_type, timeout_ms=timeout_ms),
            timeout_ms,
        )

    def list_offsets(
        self,
        specs: Mapping[TopicPartition, int | Literal["earliest", "latest"]],
        *,
        read_committed: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, ListedOffset]:
        """Offsets by spec (earliest, latest, timestamp)."""
        return self._run(
            self._admin.list_offsets(specs, read_committed=read_committed, timeout_ms=timeout_ms),
            timeout_ms,
        )

    # -- configs -----------------------------------------------------------------------------

    def describe_configs(
        self,
        resources: Iterable[ConfigResource],
        *,
        synonyms: bool = False,
        documentation: bool = False,
        timeout_ms: int | None = None,
    ) -> dict[ConfigResource, dict[str, ConfigEntry]]:
        """Every config of each resource."""
        return self._run(
            self._admin.describe_configs(
                list(resources),
                synonyms=synonyms,
                documentation=documentation,
                timeout_ms=timeout_ms,
            ),
            timeout_ms,
        )

    def describe_topic_configs(self, topic: str) -> dict[str, str | None]:
        """A topic's configs as name → value."""
        return self._run(self._admin.describe_topic_configs(topic), None)

    def incremental_alter_configs(
        self,
        changes: Mapping[ConfigResource, Iterable[tuple[str, AlterConfigOp, str | None]]],
        *,
        validate_only: bool = False,
        timeout_ms: int | None = None,
    ) -> None:
        """Apply incremental config changes."""
        self._run(
            self._admin.incremental_alter_configs(
                changes, validate_only=validate_only, timeout_ms=timeout_ms
            ),
            timeout_ms,
        )

    def alter_configs(
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
        """Change some configs of one resource."""
        self._run(
            self._admin.alter_configs(
                resource,
                set=set,
                delete=list(delete),
                append=append,
                subtract=subtract,
                validate_only=validate_only,
                timeout_ms=timeout_ms,
            ),
            timeout_ms,
        )

    # -- groups ------------------------------------------------------------------------------

    def list_groups(
        self, *, states: Iterable[str] = (), timeout_ms: int | None = None
    ) -> list[GroupListing]:
        """Every group of every broker."""
        return self._run(
            self._admin.list_groups(states=list(states), timeout_ms=timeout_ms), timeout_ms
        )

    def describe_groups(
        self, group_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, GroupDescription]:
        """State, protocol and members of each group."""
        return self._run(
            self._admin.describe_groups(list(group_ids), timeout_ms=timeout_ms), timeout_ms
        )

    def describe_consumer_groups(
        self, group_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, ConsumerGroupDescription]:
        """KIP-848 consumer groups: epochs, assignor, members' current and target assignments."""
        return self._run(
            self._admin.describe_consumer_groups(list(group_ids), timeout_ms=timeout_ms),
            timeout_ms,
        )

    def delete_groups(self, group_ids: Iterable[str], *, timeout_ms: int | None = None) -> None:
        """Delete empty groups."""
        self._run(self._admin.delete_groups(list(group_ids), timeout_ms=timeout_ms), timeout_ms)

    def list_group_offsets(
        self,
        group_id: str,
        partitions: Iterable[TopicPartition] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """The group's committed offsets."""
        chosen = None if partitions is None else list(partitions)
        return self._run(
            self._admin.list_group_offsets(group_id, chosen, timeout_ms=timeout_ms), timeout_ms
        )

    def alter_group_offsets(
        self,
        group_id: str,
        offsets: Mapping[TopicPartition, int | OffsetAndMetadata],
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Set committed offsets of a group without active members."""
        self._run(
            self._admin.alter_group_offsets(group_id, offsets, timeout_ms=timeout_ms), timeout_ms
        )

    def reset_group_offsets(
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
        """Move a group's committed offsets."""
        return self._run(
            self._admin.reset_group_offsets(
                group_id,
                list(partitions),
                to=to,
                to_timestamp_ms=to_timestamp_ms,
                to_offset=to_offset,
                shift_by=shift_by,
                dry_run=dry_run,
                timeout_ms=timeout_ms,
            ),
            timeout_ms,
        )

    def delete_group_offsets(
        self, group_id: str, partitions: Iterable[TopicPartition], *, timeout_ms: int | None = None
    ) -> None:
        """Delete committed offsets of partitions the group no longer reads."""
        self._run(
            self._admin.delete_group_offsets(group_id, list(partitions), timeout_ms=timeout_ms),
            timeout_ms,
        )

    def group_lag(
        self, group_id: str, topics: Iterable[str] | None = None, *, timeout_ms: int | None = None
    ) -> dict[TopicPartition, PartitionLag]:
        """Committed offset, log end offset and lag per partition."""
        chosen = None if topics is None else list(topics)
        return self._run(self._admin.group_lag(group_id, chosen, timeout_ms=timeout_ms), timeout_ms)

    # -- cluster -----------------------------------------------------------------------------

    def describe_cluster(self, *, timeout_ms: int | None = None) -> ClusterDescription:
        """The cluster id, controller and brokers."""
        return self._run(self._admin.describe_cluster(timeout_ms=timeout_ms), timeout_ms)

    def api_versions(self, node_id: int | None = None) -> dict[int, tuple[int, int]]:
        """The (lowest, highest) version per API key that a broker (default: any) serves."""
        return self._run(self._admin.api_versions(node_id), None)

    def describe_log_dirs(
        self,
        topics: Iterable[str] | None = None,
        *,
        brokers: Iterable[int] | None = None,
        timeout_ms: int | None = None,
    ) -> list[LogDirDescription]:
        """Each broker's log directories and the replicas in them, with their sizes."""
        chosen = None if topics is None else list(topics)
        nodes = None if brokers is None else list(brokers)
        return self._run(
            self._admin.describe_log_dirs(chosen, brokers=nodes, timeout_ms=timeout_ms), timeout_ms
        )

    # -- transactions ------------------------------------------------------------------------

    def list_transactions(
        self,
        states: Iterable[str] = (),
        producer_ids: Iterable[int] = (),
        min_duration_ms: int | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> list[TransactionListing]:
        """Every transactional id of every coordinator, filtered."""
        return self._run(
            self._admin.list_transactions(
                list(states), list(producer_ids), min_duration_ms, timeout_ms=timeout_ms
            ),
            timeout_ms,
        )

    def describe_transactions(
        self, transactional_ids: Iterable[str], *, timeout_ms: int | None = None
    ) -> dict[str, TransactionDescription]:
        """Each transactional id's state at its coordinator."""
        return self._run(
            self._admin.describe_transactions(list(transactional_ids), timeout_ms=timeout_ms),
            timeout_ms,
        )

    def describe_producers(
        self, partitions: Iterable[TopicPartition], *, timeout_ms: int | None = None
    ) -> dict[TopicPartition, list[ProducerState]]:
        """The producers each partition's leader knows of."""
        return self._run(
            self._admin.describe_producers(list(partitions), timeout_ms=timeout_ms), timeout_ms
        )

    def abort_transaction(
        self,
        topic: str,
        partition: int,
        producer_id: int,
        producer_epoch: int,
        coordinator_epoch: int,
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Abort a hanging transaction in one partition (an ABORT marker from its leader)."""
        self._run(
            self._admin.abort_transaction(
                topic,
                partition,
                producer_id,
                producer_epoch,
                coordinator_epoch,
                timeout_ms=timeout_ms,
            ),
            timeout_ms,
        )

    # -- ACLs and SCRAM users ----------------------------------------------------------------

    def create_acls(self, bindings: Iterable[AclBinding], *, timeout_ms: int | None = None) -> None:
        """Create ACLs; the first refused binding raised."""
        self._run(self._admin.create_acls(list(bindings), timeout_ms=timeout_ms), timeout_ms)

    def describe_acls(
        self, acl_filter: AclBindingFilter | None = None, *, timeout_ms: int | None = None
    ) -> list[AclBinding]:
        """The ACLs that match ``acl_filter`` (default: every ACL)."""
        return self._run(self._admin.describe_acls(acl_filter, timeout_ms=timeout_ms), timeout_ms)

    def delete_acls(
        self, filters: Iterable[AclBindingFilter], *, timeout_ms: int | None = None
    ) -> list[AclBinding]:
        """Delete the ACLs matching any of ``filters`` and return them."""
        return self._run(self._admin.delete_acls(list(filters), timeout_ms=timeout_ms), timeout_ms)

    def describe_user_scram_credentials(
        self, users: Iterable[str] | None = None, *, timeout_ms: int | None = None
    ) -> dict[str, UserScramCredentials]:
        """Each user's SCRAM mechanisms and iteration counts (``None``: every user)."""
        names = None if users is None else list(users)
        return self._run(
            self._admin.describe_user_scram_credentials(names, timeout_ms=timeout_ms), timeout_ms
        )

    def upsert_scram_credential(
        self,
        user: str,
        mechanism: str,
        password: str,
        iterations: int = DEFAULT_ITERATIONS,
        *,
        timeout_ms: int | None = None,
    ) -> None:
        """Create or replace ``user``'s credential for ``mechanism`` from ``password``."""
        self._run(
            self._admin.upsert_scram_credential(
                user, mechanism, password, iterations, timeout_ms=timeout_ms
            ),
            timeout_ms,
        )

    def delete_scram_credential(
        self, user: str, mechanism: str, *, timeout_ms: int | None = None
    ) -> None:
        """Delete ``user``'s credential for ``mechanism``."""
        self._run(
            self._admin.delete_scram_credential(user, mechanism, timeout_ms=timeout_ms),
            timeout_ms,
        )
