"""The controller: plans metadata changes, commits their records, applies them.

Every change goes the same way, one at a time under one lock: a pure planner turns the image
and the request into results and records (``topic_planner``, ``config_planner``,
``producer_ids``, ``cluster_control``, ``placement``, ``security_planner``); the records are
replayed on a scratch delta (nothing that does not apply reaches the log);
``MetadataLog.append`` commits them (durable once it returns); the ``ImagePublisher`` applies
them and publishes the new image.
The controller reads the clock and owns the randomness; planners get both as arguments.

Every voter has a ``Controller``; the one on the Raft leader is the *active* controller (a
single node is a quorum of one, so its controller is always the active one). ``append`` there
returns on quorum commit, and every broker applies committed batches through the log's listener
(the ``ImagePublisher``). Handlers in a cluster talk to a ``ForwardingController``
(``forwarding.py``), which sends changes to the active one. The active controller also runs the
brokers' lifecycle: registration, heartbeats, fencing after ``broker.session.timeout.ms``,
controlled shutdown, leader elections.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
import uuid
from collections.abc import Coroutine, Sequence
from typing import Any, Final, TypeVar

from broker.config import BrokerConfig
from broker.metadata.cluster_control import (
    BrokerSessions,
    leads_any,
    plan_controlled_shutdown,
    plan_fence_after_shutdown,
    plan_fencing,
    plan_registration,
    plan_unfence,
)
from broker.metadata.config_planner import plan_alter_configs
from broker.metadata.controller_api import (
    MAX_TOPIC_NAME_LENGTH,
    AlterConfigOp,
    AlterPartitionResult,
    ConfigResourceChange,
    CreateTopicResult,
    DeleteAclsResult,
    NewTopic,
    OpResult,
    PartitionsRequest,
    ScramUpsertion,
    topic_name_error,
)
from broker.metadata.image import MetadataDelta, MetadataImage
from broker.metadata.log import MetadataLog
from broker.metadata.placement import (
    ElectionResult,
    changes_for_leaderless,
    leader_change,
    plan_elections,
    preferred_leader_changes,
)
from broker.metadata.placement import (
    alter_partition as plan_alter_partition,
)
from broker.metadata.producer_ids import (
    PRODUCER_ID_BLOCK_SIZE,
    ProducerIdBlock,
    plan_producer_id_block,
)
from broker.metadata.publisher import ImagePublisher
from broker.metadata.records import MetadataRecord
from broker.metadata.security_planner import (
    INTER_BROKER_ITERATIONS,
    AclIdFactory,
    inter_broker_scram_user,
    plan_alter_scram_credentials,
    plan_create_acls,
    plan_delete_acls,
    plan_inter_broker_credential,
)
from broker.metadata.topic_configs import ResolvedConfig
from broker.metadata.topic_planner import (
    MAX_CLUSTER_PARTITIONS,
    TopicIdFactory,
    plan_create_partitions,
    plan_create_topics,
    plan_delete_topics,
)
from broker.security.acl import AclBinding, AclFilter
from protocol.errors import ErrorCode, NotControllerError
from protocol.types import TopicPartition

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

T = TypeVar("T")

#: Salt of a credential the controller creates (the client tools' size).
_SALT_BYTES: Final = 32

log = logging.getLogger("samsa.controller")


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark a shielded change's exception as seen (its caller may have gone away)."""
    if not task.cancelled():
        task.exception()


class Controller:
    """Plans and commits metadata changes here. Every broker has one: it owns the metadata
    log and the image publisher. In a cluster of one it is the controller handlers call; in a
    cluster only the active one's commits succeed (handlers call a ForwardingController)."""

    def __init__(
        self,
        log: MetadataLog,
        image: MetadataImage,
        config: BrokerConfig,
        *,
        rng: random.Random | None = None,
        topic_ids: TopicIdFactory = uuid.uuid4,
        acl_ids: AclIdFactory = uuid.uuid4,
    ) -> None:
        self.config = config
        self.node_id = config.node_id
        #: Applies committed records and publishes the images (every broker has one).
        self.publisher = ImagePublisher(image, config)
        self._rng = rng if rng is not None else random.Random()
        self._topic_ids = topic_ids
        self._acl_ids = acl_ids
        self._lock = asyncio.Lock()
        #: This broker's current block of producer ids.
        self.producer_ids = ProducerIdBlock()
        self._closed = False
        self._raft = log
        log.set_listeners(self.publisher.apply_records, self.publisher.install_image)
        #: The SCRAM user brokers authenticate to each other as, created when missing.
        self._inter_broker_user = inter_broker_scram_user(config)
        #: The active controller's view of the brokers' sessions.
        self._sessions = BrokerSessions(
            config.broker_session_timeout_ms, config.leader_imbalance_check_interval_seconds
        )

    @property
    def image(self) -> MetadataImage:
        """The newest committed image."""
        return self.publisher.image

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

    async def wait_applied(self, offset: int) -> None:
        """Return once the image includes ``offset`` (callers bound the wait)."""
        await self.publisher.wait_applied(offset)

    def topic_defaults(self) -> dict[str, ResolvedConfig]:
        """The default of every topic config (static settings plus dynamic broker ones)."""
        return self.publisher.topic_defaults()

    def topic_configs(self, topic: str) -> dict[str, ResolvedConfig]:
        """Every topic config of ``topic``, resolved."""
        return self.publisher.topic_configs(topic)

    # -- commit -------------------------------------------------------------------------------

    async def _commit(self, records: Sequence[MetadataRecord]) -> MetadataImage:
        image = self.publisher.image
        # Replay on a scratch delta first: nothing that does not apply reaches the log.
        scratch = MetadataDelta(image)
        for i, record in enumerate(records):
            scratch.replay(image.offset + 1 + i, record)
        await self._raft.append(records)  # applied through the publisher on commit
        return self.publisher.image

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

    async def close(self) -> None:
        """Wait for the change in progress, then refuse new ones."""
        async with self._lock:
            self._closed = True

    # -- topics and configs ---------------------------------------------------------------------

    async def create_topics(
        self, topics: Sequence[NewTopic], *, validate_only: bool = False
    ) -> list[CreateTopicResult]:
        """CreateTopics: one result per requested topic, in order."""
        return await self._serialised(self._create_topics(topics, validate_only))

    async def _create_topics(
        self, topics: Sequence[NewTopic], validate_only: bool
    ) -> list[CreateTopicResult]:
        results, records = plan_create_topics(
            self.image,
            topics,
            self.config,
            self.topic_defaults(),
            rng=self._rng,
            topic_ids=self._topic_ids,
        )
        if records and not validate_only:
            await self._commit(records)
        return results

    async def delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        """DeleteTopics: one result per name, in order."""
        return await self._serialised(self._delete_topics(names))

    async def _delete_topics(self, names: Sequence[str]) -> list[OpResult]:
        results, records = plan_delete_topics(self.image, names)
        if records:
            await self._commit(records)
        return results

    async def create_partitions(
        self, requests: Sequence[PartitionsRequest], *, validate_only: bool = False
    ) -> list[OpResult]:
        """CreatePartitions: ``(topic, new total count, assignments of the new ones)``."""
        return await self._serialised(self._create_partitions(requests, validate_only))

    async def _create_partitions(
        self, requests: Sequence[PartitionsRequest], validate_only: bool
    ) -> list[OpResult]:
        results, records = plan_create_partitions(self.image, requests, self.config)
        if records and not validate_only:
            await self._commit(records)
        return results

    async def alter_configs(
        self, changes: Sequence[ConfigResourceChange], *, validate_only: bool = False
    ) -> list[OpResult]:
        """AlterConfigs / IncrementalAlterConfigs on topic and broker resources."""
        return await self._serialised(self._alter_configs(changes, validate_only))

    async def _alter_configs(
        self, changes: Sequence[ConfigResourceChange], validate_only: bool
    ) -> list[OpResult]:
        results, records = plan_alter_configs(
            self.image, changes, self.node_id, self.topic_defaults()
        )
        if records and not validate_only:
            await self._commit(records)
        return results

    # -- ACLs and SCRAM credentials -------------------------------------------------------------

    async def create_acls(self, bindings: Sequence[AclBinding]) -> list[OpResult]:
        """CreateAcls: one result per binding, in order (``name`` is empty)."""
        return await self._serialised(self._create_acls(bindings))

    async def _create_acls(self, bindings: Sequence[AclBinding]) -> list[OpResult]:
        results, records = plan_create_acls(self.image, bindings, self._acl_ids)
        if records:
            await self._commit(records)
        return results

    async def delete_acls(self, filters: Sequence[AclFilter]) -> list[DeleteAclsResult]:
        """DeleteAcls: per filter, in order, the bindings it deleted."""
        return await self._serialised(self._delete_acls(filters))

    async def _delete_acls(self, filters: Sequence[AclFilter]) -> list[DeleteAclsResult]:
        results, records = plan_delete_acls(self.image, filters)
        if records:
            await self._commit(records)
        return results

    async def alter_scram_credentials(
        self, deletions: Sequence[tuple[str, str]], upsertions: Sequence[ScramUpsertion]
    ) -> list[OpResult]:
        """AlterUserScramCredentials: one result per user (``name`` is the user)."""
        return await self._serialised(self._alter_scram_credentials(deletions, upsertions))

    async def _alter_scram_credentials(
        self, deletions: Sequence[tuple[str, str]], upsertions: Sequence[ScramUpsertion]
    ) -> list[OpResult]:
        results, records = plan_alter_scram_credentials(self.image, deletions, upsertions)
        if records:
            await self._commit(records)
        return results

    # -- producer ids -------------------------------------------------------------------------

    def try_allocate_producer_id(self) -> int | None:
        """A producer id from the current block, or None when a new block must be committed
        first (then call ``allocate_producer_id``)."""
        return self.producer_ids.take()

    async def allocate_producer_id(self) -> int:
        """A producer id never handed out before (blocks survive restarts)."""
        if self.producer_ids.used_up:
            await self._serialised(self._next_producer_id_block())
        pid = self.producer_ids.take()
        assert pid is not None  # a block was just assigned
        return pid

    async def _next_producer_id_block(self) -> None:
        if not self.producer_ids.used_up:
            return  # another waiter committed a block meanwhile
        self.producer_ids.assign(*await self._commit_producer_id_block(self.node_id))

    async def _commit_producer_id_block(self, broker_id: int) -> tuple[int, int]:
        start, end, record = plan_producer_id_block(self.image, broker_id)
        await self._commit([record])
        return start, end

    async def producer_id_block(self, broker_id: int) -> tuple[int, int]:
        """Commit a block of producer ids for ``broker_id`` (active controller)."""
        return await self._serialised(self._commit_producer_id_block(broker_id))

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
        """A partition leader (this broker unless ``leader`` says) asks to change its ISR."""
        leader = self.node_id if leader is None else leader
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
            self.image, tp.topic, tp.partition, leader, leader_epoch, partition_epoch, new_isr
        )
        if error != ErrorCode.NONE:
            return AlterPartitionResult(error)
        if record is not None:
            await self._commit([record])
            state = self.image.partition(tp.topic, tp.partition)
        assert state is not None
        return AlterPartitionResult(
            ErrorCode.NONE, state.isr, state.leader_epoch, state.partition_epoch
        )

    # -- leadership moves on request (fault injection) -------------------------------------------

    async def elect_leader(
        self, topic: str, partition: int, target: int | None, bump_only: bool
    ) -> OpResult:
        """Move a partition's leadership to ``target`` (or the first other active ISR member
        when None), or with ``bump_only`` keep the leader and bump its leader epoch: one
        ``PartitionChangeRecord`` (``placement.leader_change``). ``name`` is ``topic-partition``;
        a refusal is an error with a one-line message."""
        return await self._serialised(self._elect_leader(topic, partition, target, bump_only))

    async def _elect_leader(
        self, topic: str, partition: int, target: int | None, bump_only: bool
    ) -> OpResult:
        name = f"{topic}-{partition}"
        error, message, record = leader_change(self.image, topic, partition, target, bump_only)
        if record is None:
            return OpResult(name, error, message)
        await self._commit([record])
        state = self.image.partition(topic, partition)
        assert state is not None
        done = f"{name}: leader {state.leader} at leader epoch {state.leader_epoch}"
        log.info("%s (on request)", done)
        return OpResult(name, ErrorCode.NONE, done)

    async def elect_leaders(
        self, election_type: int, partitions: Sequence[tuple[str, int]] | None
    ) -> list[ElectionResult]:
        """Kafka's ElectLeaders (``placement.plan_elections``): the elections that change a
        leader are committed together, in one batch of ``PartitionChangeRecord``s."""
        return await self._serialised(self._elect_leaders(election_type, partitions))

    async def _elect_leaders(
        self, election_type: int, partitions: Sequence[tuple[str, int]] | None
    ) -> list[ElectionResult]:
        results, records = plan_elections(self.image, election_type, partitions)
        if records:
            await self._commit(records)
            log.info(
                "elected %d leader(s) on request (election type %d)", len(records), election_type
            )
        return results

    # -- broker lifecycle (active controller) -----------------------------------------------------

    async def register_broker(
        self,
        broker_id: int,
        incarnation_id: str,
        host: str,
        port: int,
        rack: str | None,
        endpoints: Sequence[tuple[str, str, int]] = (),
    ) -> int:
        """Register (or re-register after a restart) a broker with its inter-broker endpoint
        and every advertised listener's ``(name, host, port)``; returns its broker epoch. A new
        incarnation starts fenced and gives up what the old one led."""
        return await self._serialised(
            self._register_broker(broker_id, incarnation_id, host, port, rack, endpoints)
        )

    async def _register_broker(
        self,
        broker_id: int,
        incarnation_id: str,
        host: str,
        port: int,
        rack: str | None,
        endpoints: Sequence[tuple[str, str, int]],
    ) -> int:
        records = plan_registration(
            self.image, broker_id, incarnation_id, host, port, rack, endpoints
        )
        if not records:
            self._sessions.heartbeat(broker_id, time.monotonic())
            return self.image.brokers[broker_id].epoch
        await self._commit(records)
        self._sessions.heartbeat(broker_id, time.monotonic())
        registered = self.image.brokers[broker_id]
        log.info(
            "broker %d registered at %s:%d (epoch %d)", broker_id, host, port, registered.epoch
        )
        return registered.epoch

    async def broker_heartbeat(
        self, broker_id: int, broker_epoch: int, metadata_offset: int, want_shutdown: bool
    ) -> dict[str, Any]:
        """A broker's heartbeat: keeps its session, unfences it once it caught up, and for a
        controlled shutdown moves its leaderships away (``shutdown_ready`` once done)."""
        reg = self.image.brokers.get(broker_id)
        if reg is not None and reg.epoch == broker_epoch:
            # The session is kept even while the change below waits for the lock.
            self._sessions.heartbeat(broker_id, time.monotonic())
        return await self._serialised(
            self._broker_heartbeat(broker_id, broker_epoch, metadata_offset, want_shutdown)
        )

    async def _broker_heartbeat(
        self, broker_id: int, broker_epoch: int, metadata_offset: int, want_shutdown: bool
    ) -> dict[str, Any]:
        reg = self.image.brokers.get(broker_id)
        if reg is None or reg.epoch != broker_epoch:
            return {"error": int(ErrorCode.STALE_BROKER_EPOCH)}
        self._sessions.heartbeat(broker_id, time.monotonic())
        if want_shutdown:
            records = plan_controlled_shutdown(self.image, broker_id)
            if records:
                await self._commit(records)
            leads = leads_any(self.image, broker_id)
            fence = plan_fence_after_shutdown(self.image, broker_id)
            if fence:
                await self._commit(fence)
            return {
                "error": 0,
                "fenced": True,
                "shutdown_ready": not leads,
                "offset": self.image.offset,
            }
        records = plan_unfence(self.image, broker_id, metadata_offset)
        if records:
            await self._commit(records)
            log.info("broker %d unfenced", broker_id)
        reg = self.image.brokers[broker_id]
        return {"error": 0, "fenced": reg.fenced, "offset": self.image.offset}

    async def control_tick(self) -> None:
        """The active controller's periodic duties: fence brokers whose session expired,
        elect leaders where one is missing, move leadership to preferred replicas."""
        if not self._raft.is_active:
            self._sessions.lost_active()
            return
        now_s = time.monotonic()
        self._sessions.became_active(self.image.brokers, now_s)
        await self._serialised(self._control_tick(now_s))

    async def _control_tick(self, now_s: float) -> None:
        if not self._raft.ready_to_propose():
            return
        image = self.image
        who = self._inter_broker_user
        if who is not None and (who.user, who.mechanism) not in image.scram_credentials:
            salt = secrets.token_bytes(_SALT_BYTES)
            bootstrap = plan_inter_broker_credential(image, who, salt, INTER_BROKER_ITERATIONS)
            if bootstrap:
                await self._commit(bootstrap)
                log.info(
                    "created the %s credential of inter-broker user %r from "
                    "inter.broker.sasl.password (the metadata had none)",
                    who.mechanism,
                    who.user,
                )
                return
        expired = self._sessions.expired(image, now_s)
        if expired:
            for b in expired:
                log.warning("broker %d missed its session: fencing it", b)
            await self._commit(plan_fencing(image, expired))
            return
        leaderless = changes_for_leaderless(image)
        if leaderless:
            await self._commit(list(leaderless))
            return
        if self.config.auto_leader_rebalance_enable and self._sessions.rebalance_due(now_s):
            preferred = preferred_leader_changes(image)
            if preferred:
                log.info("moving %d leaderships to preferred replicas", len(preferred))
                await self._commit(list(preferred))
